r"""Ensembles of noisy training runs over noise seeds and initial angles.

Each sample is one :func:`tnbp.train` run of a circuit ``build(seed=rng)``
(random initial angles if ``build`` draws them, fixed ones if it ignores the
generator) with its own angle-noise stream, both from the sample's seed of
the one ensemble engine (:mod:`tnbp.ensembles.engine`), so the table depends
on neither the executor nor the chunking. The noise-averaged trajectory is
what eqs. (30)-(31) and (65)-(69) of Liu, Lin and Jiang [1]_ predict
(:mod:`tnbp.references.theory`).

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

from .._checks import as_seed_sequence, check_int
from ..gradients.training import train
from ..models.circuit import Circuit
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
