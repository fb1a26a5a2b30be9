r"""Ensembles of noisy training runs over noise seeds and initial angles.

Each sample is one :func:`tnbp.train` run of a circuit ``build(seed=rng)``
(random initial angles if ``build`` draws them, fixed ones if it ignores the
generator) with its own angle-noise stream, both from the sample's seed of
the one ensemble engine (:mod:`tnbp.ensembles.engine`), so the table depends
on neither the executor nor the chunking. The noise-averaged trajectory is
what eqs. (30)-(31) and (65)-(69) of Liu, Lin and Jiang [1]_ predict
(:mod:`tnbp.references.theory`); :func:`final_step_statistics` reduces an
ensemble to the statistics of its last step that eqs. (64)-(69) predict (the
rows of the studies of the paper's Figs. 3 and 4).

References
----------
.. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
   machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
   doi:10.1088/2632-2153/ad35a3, arXiv:2206.09313, eqs. (28)-(31), (65)-(69).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from .._checks import as_seed_sequence, check_int, check_opt, check_real
from ..gradients.qntk import nonvanishing_qntk
from ..gradients.training import train
from ..models.ansatz import randomized_hardware_efficient
from ..models.circuit import Circuit
from ..references.theory import (
    QNTK_CONVENTIONS,
    from_paper_convention,
    to_paper_convention,
)
from ..results.schema import TRAIN_ENSEMBLE
from .engine import chunks, run_tasks, seed_label


def _train_task(chunk, seeds, *, build, observable, options) -> list[pd.DataFrame]:
    """One training run per sample: angles from the first child seed, noise from the second."""
    tables = []
    for seed in seeds:
        angles, noise = seed.spawn(2)
        circuit = build(seed=np.random.default_rng(angles))
        if not isinstance(circuit, Circuit):
            raise TypeError(
                f"`build` must return a tnbp.Circuit, got {type(circuit)!r}."
            )
        tables.append(train(circuit, observable, seed=noise, **options))
    return tables


def train_ensemble(
    build,
    observable,
    *,
    target: float,
    learning_rate: float,
    steps: int,
    angle_noise: float = 0.0,
    samples: int = 20,
    seed=None,
    executor=None,
    chunk_size: int = 4,
    qntk_every: int = 1,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial: str | None = None,
) -> pd.DataFrame:
    r"""Run :func:`tnbp.train` on ``samples`` instances with independent noise.

    Parameters
    ----------
    build : callable
        ``build(seed=rng)`` returns the circuit at its initial angles; draw
        them from ``rng`` for an ensemble over initial angles, or ignore it
        for one over noise only. Must be picklable for process executors
        (cloudpickle: lambdas work).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, as in :func:`tnbp.train`.
    target : float
        :math:`O_0`, as in :func:`tnbp.train`.
    learning_rate : float
        :math:`\eta > 0` in tnbp's angles, as in :func:`tnbp.train`.
    steps : int
        Updates per run, ``>= 1``.
    angle_noise : float, optional
        Angle-noise standard deviation :math:`\sigma \ge 0` (radians,
        tnbp's angles).
    samples : int, optional
        Runs, ``>= 1``.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root seed; sample ``s`` gets the engine's child seed ``(0, s)``,
        split into one stream for ``build`` and one for the noise.
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        Where runs go (:func:`tnbp.ensembles.engine.run_tasks`).
    chunk_size : int, optional
        Runs per task, ``>= 1``.
    qntk_every : int, optional
        As in :func:`tnbp.train`.
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.train`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`tnbp.train`.
    sim_opts : dict, optional
        As in :func:`tnbp.train`.
    initial : str, optional
        As in :func:`tnbp.train`.

    Returns
    -------
    pandas.DataFrame
        One row per (sample, step), columns of
        :data:`tnbp.results.schema.TRAIN_ENSEMBLE`: ``sample``, the
        trajectory columns of :func:`tnbp.train` (``qntk`` in tnbp's
        angles, the paper's is four times it), ``learning_rate``,
        ``angle_noise`` and the root ``seed``.

    Raises
    ------
    TypeError
        If ``build`` is not callable or returns no Circuit, or an argument
        has the wrong type (see :func:`tnbp.train`).
    ValueError
        If ``samples`` or ``chunk_size`` is below 1, or an argument of
        :func:`tnbp.train` is out of range.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (28)-(31), (65)-(69).
    """
    if not callable(build):
        raise TypeError(f"`build` must be callable, got {build!r}.")
    samples = check_int(samples, "samples", minimum=1)
    root = as_seed_sequence(seed)
    options = dict(
        target=target,
        learning_rate=learning_rate,
        steps=steps,
        angle_noise=angle_noise,
        qntk_every=qntk_every,
        backend=backend,
        method=method,
        sim_opts=sim_opts,
        initial=initial,
    )
    task = functools.partial(
        _train_task, build=build, observable=observable, options=options
    )
    runs = run_tasks(
        task,
        chunks([0], samples, chunk_size),
        seed=root,
        executor=executor,
        payload="`build` and `observable`",
    )[0]
    label = seed_label(root)
    records = [
        {
            "sample": s,
            **row,
            "learning_rate": float(learning_rate),
            "angle_noise": float(angle_noise),
            "seed": label,
        }
        for s, table in enumerate(runs)
        for row in table.to_dict("records")
    ]
    frame = TRAIN_ENSEMBLE.frame(records)
    return frame


def final_step_statistics(
    build,
    observable,
    *,
    target: float,
    learning_rate: float,
    steps: int,
    angle_noise: float,
    samples: int,
    seed=None,
    executor=None,
    convention: str = "tnbp",
    chunk_size: int = 4,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial: str | None = None,
) -> dict:
    r"""Statistics over noisy runs of their last step: what eqs. (64)-(69) predict.

    Runs :func:`train_ensemble` (recording :math:`K` at steps 0 and ``steps``
    only: ``qntk_every=steps``) and reduces it to the scalars a results store keeps: over the
    :math:`R` = ``samples`` runs, the mean, standard deviation
    (``ddof=1``), mean absolute value and root mean square of
    :math:`\varepsilon(T)` at :math:`T` = ``steps``, and the mean and spread
    of :math:`K(T)`, beside the means of :math:`\varepsilon(0)` and
    :math:`K(0)`. With the runs sharing their initial angles, the standard
    deviation is what eq. (64) predicts
    (:func:`tnbp.theory.noisy_residual_variance`), the mean absolute value
    eq. (69) at late times (:func:`tnbp.theory.late_time_mean_abs_residual`,
    with :math:`K` from the last step as [1]_ takes it), and both have exact
    intervals (:func:`tnbp.theory.late_time_residual_interval`).

    Parameters
    ----------
    build : callable
        As in :func:`train_ensemble`.
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, as in :func:`tnbp.train`.
    target : float
        :math:`O_0`, as in :func:`tnbp.train`.
    learning_rate : float
        :math:`\eta > 0`, tnbp's angles (the paper's is :math:`\eta/4`).
    steps : int
        Updates per run, ``>= 1``.
    angle_noise : float
        :math:`\sigma \ge 0`, radians, tnbp's angles (the paper's is
        :math:`\sigma/2`).
    samples : int
        Runs :math:`R`, ``>= 2``.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root seed, as in :func:`train_ensemble`.
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`train_ensemble`.
    convention : {"tnbp", "paper"}, optional
        ``"tnbp"`` (default): ``learning_rate``, ``angle_noise`` and the
        returned :math:`K` are in tnbp's angles (rotations
        :math:`e^{-i\theta P/2}`); ``"paper"``: all three in the paper's
        (:math:`e^{i\theta X}`: :math:`\eta/4`, :math:`\sigma/2`,
        :math:`4K`; :func:`tnbp.theory.from_paper_convention`). The residuals
        are the same in both.
    chunk_size : int, optional
        As in :func:`train_ensemble`.
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.train`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`tnbp.train`.
    sim_opts : dict, optional
        As in :func:`tnbp.train`.
    initial : str, optional
        As in :func:`tnbp.train`.

    Returns
    -------
    dict
        Floats: ``residual_initial`` and ``qntk_initial`` (means over the
        runs of :math:`\varepsilon(0)`, :math:`K(0)`), ``residual_mean``,
        ``residual_std``, ``mean_abs_residual``, ``residual_rms`` (of
        :math:`\varepsilon(T)`, units of :math:`O`), ``qntk_final`` and
        ``qntk_final_std`` (mean and ``ddof=1`` spread of :math:`K(T)`, in
        ``convention``); and ``samples`` (int).

    Raises
    ------
    TypeError
        As in :func:`train_ensemble`.
    ValueError
        If ``samples < 2`` (no spread), ``convention`` is not one of the
        options, or as in :func:`train_ensemble`.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (63)-(69), Figs. 3 and 4.

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> stats = tnbp.final_step_statistics(
    ...     lambda seed: c, [(1.0, "Z", (0,))], target=0.5, learning_rate=0.5,
    ...     steps=30, angle_noise=0.01, samples=4, seed=0, executor="serial")
    >>> stats["samples"], bool(stats["residual_std"] < 0.05)
    (4, True)
    """
    samples = check_int(samples, "samples", minimum=2)
    check_opt("convention", convention, QNTK_CONVENTIONS)
    if convention == "paper":
        # checked as given, so a bad value is named and reported unconverted
        learning_rate = check_real(learning_rate, "learning_rate")
        angle_noise = check_real(angle_noise, "angle_noise")
        if learning_rate <= 0 or angle_noise < 0:
            raise ValueError(
                "`learning_rate` must be > 0 and `angle_noise` >= 0, got "
                f"{learning_rate} and {angle_noise} (paper's convention)."
            )
        learning_rate = from_paper_convention(learning_rate, "learning_rate")
        angle_noise = from_paper_convention(angle_noise, "angle_noise")
    factor = to_paper_convention(1.0, "qntk") if convention == "paper" else 1.0
    table = train_ensemble(
        build,
        observable,
        target=target,
        learning_rate=learning_rate,
        steps=steps,
        angle_noise=angle_noise,
        samples=samples,
        seed=seed,
        executor=executor,
        chunk_size=chunk_size,
        qntk_every=steps,
        backend=backend,
        method=method,
        sim_opts=sim_opts,
        initial=initial,
    )
    first = table[table.step == 0]
    last = table[table.step == table.step.max()]
    eps = last.residual.to_numpy(float)
    return dict(
        residual_initial=float(first.residual.mean()),
        qntk_initial=factor * float(first.qntk.mean()),
        residual_mean=float(eps.mean()),
        residual_std=float(eps.std(ddof=1)),
        mean_abs_residual=float(np.abs(eps).mean()),
        residual_rms=float(np.sqrt(np.mean(eps**2))),
        qntk_final=factor * float(last.qntk.mean()),
        qntk_final_std=factor * float(last.qntk.std(ddof=1)),
        samples=samples,
    )


def refuse_untrainable(opts, observable) -> None:
    """Refuse a noisy-training study's circuit that gradient descent cannot move.

    The studies of arXiv:2206.09313 Figs. 2-4 train instance ``instance`` of
    :func:`~tnbp.models.ansatz.randomized_hardware_efficient` with ``n`` qubits
    and ``layers`` layers; if its QNTK vanishes (:func:`tnbp.nonvanishing_qntk`)
    no angle moves the cost, so the study stops before any work, blaming the
    three options.

    Parameters
    ----------
    opts : tnbp.results.StudyOptions
        The study's resolved options, with ``n``, ``layers`` and ``instance``.
    observable : callable
        ``observable(n)``: the study's observable on ``n`` qubits.

    Raises
    ------
    tnbp.results.StudyOptionError
        If the circuit's QNTK vanishes (through ``opts.refuse``).
    """
    p = opts.params
    circuit = randomized_hardware_efficient(p["n"], p["layers"], seed=p["instance"])
    try:
        nonvanishing_qntk(circuit, observable(p["n"]))
    except ValueError as exc:
        opts.refuse(
            f"instance {p['instance']} (n = {p['n']}, layers = {p['layers']}): "
            f"{exc} Choose another --instance or more --layers.",
            "instance",
            "n",
            "layers",
        )
