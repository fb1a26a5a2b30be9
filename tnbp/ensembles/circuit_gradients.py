r"""Barren-plateau ensembles: gradient statistics over random circuits, against n.

:func:`gradient_variance` draws ``samples`` random instances per qubit number
(random parameters and/or random structure, whatever ``build`` does with its
``seed``), differentiates each, and returns a tidy table: per ``n`` and
parameter index the mean and variance of :math:`\partial_k \langle O\rangle`
with the standard error of the variance, and per ``n`` the mean and variance of
the gradient's infinity-norm :math:`\|\nabla\langle O\rangle\|_\infty`
(arXiv:2010.15968, Fig. 3b-c). :func:`~tnbp.fit_exponential_decay` fits
:math:`\mathrm{Var} = A e^{-r n}`.

Sampling honesty: the variance of a heavy-tailed derivative is a rare-event
quantity. For the global cost of the toy perceptron the typical squared
derivative is :math:`\sim 6^{n-1}` times smaller than its mean (see
:mod:`tnbp.gradients.moments`), so no feasible sample size estimates the
variance beyond n ~ 15, and the sample variance and its standard error are
both far too small. Each row therefore reports the effective sample size
``variance_ess`` = :math:`(\sum d^2)^2/\sum d^4` and ``variance_reliable``
(ESS at least a tenth of the samples; :mod:`tnbp.ensembles.statistics`).

With ``estimator="exact"`` each random instance instead contributes its exact
second moment over uniformly random angles (:mod:`tnbp.gradients.moments`),
which reaches such rare-event variances at any ``n`` the doubled MPS can hold.

The ensemble runs on :mod:`tnbp.ensembles.engine`: a task differentiates the
instances of one chunk of samples at one ``n`` and returns a
:class:`GradientSample` per instance; the summary turns them into the rows of
:data:`tnbp.results.schema.GRADIENT_VARIANCE`. Sample ``s`` at ``n`` uses the
seed ``SeedSequence(entropy, spawn_key=(n, s))``, so results do not depend on
the executor, its worker count, or which other ``n`` are in the run.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings

import numpy as np
import pandas as pd

from .._checks import (
    as_seed_sequence,
    check_int,
    check_int_values,
    check_opt,
    check_parameters,
)
from ..gradients.adjoint import skeleton
from ..gradients.api import check_method, gradient_batch, gradient_with_diagnostics
from ..gradients.diagnostics import GradientDiagnostics
from ..gradients.moments import EXACT_OPTIONS, exact_gradient_variance
from ..models.circuit import Circuit
from ..models.losses import FidelityCost, MSELoss
from ..results.schema import GRADIENT_VARIANCE
from ..states.record import TruncationWarning
from ..states.simulate import check_sim_opts
from .engine import Chunk, check_samples, chunks, run_tasks, seed_label
from .statistics import (
    exact_stats,
    sample_stats,
    variance_standard_error,
    warn_untrusted_runs,
)

ESTIMATORS = ("sample", "exact")


@dataclasses.dataclass(frozen=True)
class GradientSample:
    r"""What one random instance contributes to the rows of its ``n``.

    Attributes
    ----------
    parameters : numpy.ndarray of int64, shape (k,)
        The reported parameter indices.
    num_parameters : int
        The instance's number of trainable parameters (equal for all instances
        of one ``n``).
    values : numpy.ndarray of float64, shape (k,)
        Their derivatives :math:`\partial_k C` at the instance's angles
        (``estimator="sample"``, units of :math:`C` per radian), or the exact
        second moments :math:`\mathbb{E}_\theta[(\partial_k C)^2]` over uniform
        angles of the instance's structure (``estimator="exact"``, their square).
    inf_norm : float
        :math:`\max_k |\partial_k C|` over all parameters, units of :math:`C`
        per radian; NaN if not computed.
    diagnostics : GradientDiagnostics
        Cost and truncation of the computation.
    engine : str
        The exact engine that computed ``values`` (``"pauli"`` or
        ``"doubled"``, :func:`~tnbp.gradients.moments.exact_gradient_variance`),
        ``"none"`` for ``estimator="sample"``.
    """

    parameters: np.ndarray
    num_parameters: int
    values: np.ndarray
    inf_norm: float
    diagnostics: GradientDiagnostics
    engine: str = "none"


def _problem(build, observable, initial, n: int, seed):
    """The instance's circuit, its observable and its initial bitstring at ``n``."""
    circuit = build(n, seed=np.random.default_rng(seed))
    if not isinstance(circuit, Circuit):
        raise TypeError(
            f"`build` must return a tnbp.Circuit, got {type(circuit).__name__} "
            f"{circuit!r:.80} at n={n}."
        )
    obs = observable(n) if callable(observable) else observable
    init = initial(n) if callable(initial) else initial
    return circuit, obs, init


def _check_same_count(n: int, counts) -> None:
    """Raise unless the instances of one ``n`` have one number of parameters."""
    distinct = sorted(set(counts))
    if len(distinct) > 1:
        raise ValueError(
            "`build`: circuits at one n must have the same number of trainable "
            f"parameters; at n={n} got {' and '.join(map(str, distinct))}."
        )


def _selection(parameters, n: int, num: int) -> tuple[int, ...] | None:
    """The parameter indices to report at ``n`` (None: all ``num`` of them).

    ``parameters`` is a selection or a function of ``n`` returning one; either
    is checked against the ``num`` parameters of the circuits at ``n``.
    """
    if callable(parameters):
        return check_parameters(parameters(n), num, name=f"parameters({n})")
    return check_parameters(parameters, num)


def _sample_task(
    chunk: Chunk, seeds, *, build, observable, initial, grad_opts, parameters, inf_norm
) -> list[GradientSample]:
    """Gradients of the instances of one chunk at their random angles."""
    n = chunk.group
    problems = [_problem(build, observable, initial, n, seed) for seed in seeds]
    circuits = [c for c, _, _ in problems]
    _, obs, init = problems[0]
    _check_same_count(n, [c.num_parameters for c in circuits])
    k = circuits[0].num_parameters
    selection = _selection(parameters, n, k)
    wanted = None if selection is None else np.array(selection)
    batched = (
        grad_opts["method"] == "adjoint"
        and grad_opts["backend"] == "dense"
        and not isinstance(obs, (MSELoss, FidelityCost))
        and all(skeleton(c) == skeleton(circuits[0]) for c in circuits)
    )
    if batched:  # one sweep for the whole chunk; dense, so exact
        grads = gradient_batch(circuits, obs, initial=init)
        diagnostics = [GradientDiagnostics(simulations=1)] * len(circuits)
        full = True
    else:
        only = None if (wanted is None or inf_norm) else wanted
        full = only is None  # else the gradients hold the selection, in its order
        pairs = [  # caveats are counted in the rows and warned once per table
            gradient_with_diagnostics(
                c, obs, initial=init, parameters=only, **grad_opts
            )
            for c in circuits
        ]
        grads, diagnostics = [g for g, _ in pairs], [d for _, d in pairs]
    rows = []
    for g, diag in zip(grads, diagnostics):
        idx = np.arange(k) if wanted is None else wanted
        rows.append(
            GradientSample(
                parameters=idx,
                num_parameters=k,
                values=g[idx] if full else g,
                inf_norm=float(np.abs(g).max(initial=0.0)) if full else float("nan"),
                diagnostics=diag,
            )
        )
    return rows


def _exact_task(
    chunk: Chunk, seeds, *, build, observable, initial, sim_opts, parameters
) -> list[GradientSample]:
    """Exact angle-averaged second moments of the structures of one chunk."""
    n = chunk.group
    problems = [_problem(build, observable, initial, n, s) for s in seeds]
    _check_same_count(n, [c.num_parameters for c, _, _ in problems])
    selection = _selection(parameters, n, problems[0][0].num_parameters)
    rows = []
    for circuit, obs, init in problems:
        with warnings.catch_warnings():  # counted in the rows, warned once at the end
            warnings.simplefilter("ignore", TruncationWarning)
            m = exact_gradient_variance(
                circuit, obs, parameters=selection, initial=init, **(sim_opts or {})
            )
        rows.append(
            GradientSample(
                parameters=m.parameters,
                num_parameters=circuit.num_parameters,
                values=m.variance,
                inf_norm=float("nan"),
                # one exact computation: the Pauli-transfer chain tracks what its
                # two sweeps discard, the doubled engine only flags truncation
                diagnostics=GradientDiagnostics(
                    simulations=1,
                    min_fidelity=float("nan"),
                    max_discarded_weight=float(m.discarded_weight.sum()),
                    untrusted_runs=int(m.truncated),
                ),
                engine=m.engine,
            )
        )
    return rows


def _records(n: int, rows: list[GradientSample], *, exact: bool, labels: dict):
    """The table rows of one ``n``: one per reported parameter."""
    _check_same_count(n, [r.num_parameters for r in rows])  # across chunks
    values = np.array([r.values for r in rows])
    norms = np.array([r.inf_norm for r in rows])
    diag = GradientDiagnostics.combine(r.diagnostics for r in rows)
    engines = {r.engine for r in rows}
    common = dict(
        n=n,
        engine=engines.pop() if len(engines) == 1 else "mixed",
        samples=len(rows),
        inf_norm_mean=float(norms.mean()),
        inf_norm_variance=float(norms.var(ddof=1)) if len(rows) > 1 else float("nan"),
        inf_norm_variance_se=variance_standard_error(norms),
        min_fidelity=diag.min_fidelity,
        max_discarded_weight=diag.max_discarded_weight,
        untrusted_runs=diag.untrusted_runs,
        **labels,
    )
    out = []
    for col, k in enumerate(rows[0].parameters):
        stats = exact_stats(values[:, col]) if exact else sample_stats(values[:, col])
        # a variance that rests on runs with caveats is never reliable
        stats["variance_reliable"] &= diag.untrusted_runs == 0
        out.append(dict(common, parameter=int(k), **stats))
    return out


def gradient_variance(
    build,
    n_values,
    *,
    observable,
    samples: int = 200,
    parameters="all",
    method: str | None = None,
    backend: str = "dense",
    initial=None,
    sim_opts: dict | None = None,
    seed=None,
    executor=None,
    chunk_size: int = 8,
    inf_norm: bool = True,
    estimator: str = "sample",
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Statistics of QNN gradients over random instances, for each qubit number.

    Parameters
    ----------
    build : callable
        ``build(n, seed=rng)`` returns a random :class:`~tnbp.Circuit` on ``n``
        qubits, e.g. ``functools.partial(tnbp.ansatz.hardware_efficient, layers=2)``.
    n_values : sequence of int
        Distinct qubit numbers, each ``>= 1``.
    observable : Observable, list of (coeff, pauli, qubits), MSELoss, FidelityCost or callable
        The cost :math:`C`; a callable is called as ``observable(n)``.
        ``estimator="exact"`` needs a linear cost (no MSE loss or fidelity).
    samples : int, optional
        Random instances per ``n``, ``>= 1``.
    parameters : "all", int, sequence of int or callable, optional
        Parameter indices to report (the infinity-norm always uses them all);
        negative counts from the end, rows follow the order given, repeats are
        rejected. A callable is called as ``parameters(n)`` and returns such a
        selection for the circuits at ``n`` (e.g. ``lambda n: [n // 2]``, the
        rotation of the middle qubit when the first layer has one per qubit);
        it is checked at every ``n``, and errors name it as
        ``parameters(n)``.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        Passed to :func:`tnbp.gradient`; None (default): the best method of
        ``backend`` (``"adjoint"`` on dense and tn, ``"parameter_shift"`` on
        mps), and the table's ``method`` column records the one used. Ignored
        (reported as ``"exact"``) with ``estimator="exact"``.
    backend : {"dense", "mps", "tn"}, optional
        Passed to :func:`tnbp.gradient` (``estimator="sample"``). Ignored with
        ``estimator="exact"``, whose engines work on MPS whatever ``backend``
        says: the table's ``backend`` column then reads ``"mps"``.
    initial : str or callable, optional
        Initial bitstring (default all zeros), or a callable of ``n`` that
        returns it.
    sim_opts : dict, optional
        Passed to :func:`tnbp.simulate` through :func:`tnbp.gradient`; with
        ``estimator="exact"``, the options ``max_bond``, ``cutoff``,
        ``engine``, ``haar``, ``error_cutoff`` and ``threads`` (default: 2
        with ``executor="serial"``, else 1: the workers fill the cores) of
        :func:`~tnbp.gradients.moments.exact_gradient_variance` (e.g.
        ``{"haar": "average"}``: exact averages over the Haar gates of
        each structure too, so ``samples=1`` gives the ensemble's variance).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root of all random draws (None: fresh entropy; the table's ``seed``
        column records what reproduces the run). Instance ``s`` at ``n`` gets
        ``build(n, seed=default_rng(SeedSequence(entropy, spawn_key=(n, s))))``.
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        Where samples run (:mod:`tnbp.ensembles.engine`). None or
        ``"processes"``: local worker processes (loky), one per CPU; works from
        a plain script without a ``__main__`` guard and with ``build`` and
        ``observable`` defined in it. ``"threads"``: a thread pool in this
        process. ``"serial"``: this process. With a standard-library process
        pool, ``build``, ``observable``, ``initial`` and a callable
        ``parameters`` must pickle (module-level functions or
        ``functools.partial``). The table does not depend on the choice.
    chunk_size : int, optional
        Samples per task, ``>= 1`` (dense adjoint gradients of one chunk run as
        one batched sweep).
    inf_norm : bool, optional
        Compute the whole gradient for its infinity-norm (default). With False
        and explicit ``parameters`` only those derivatives are computed (much
        cheaper for shift rules) and the ``inf_norm_*`` columns are NaN.
    estimator : {"sample", "exact"}, optional
        ``"sample"``: differentiate each instance at its random angles.
        ``"exact"``: for each instance's structure, the exact second moment of
        :math:`\partial_k C` over i.i.d. uniform trainable angles
        (:func:`~tnbp.gradients.moments.exact_gradient_variance`). The row's
        ``variance`` is the mean over the ``samples`` structures and
        ``variance_se`` its standard error (NaN for one structure: use
        ``samples=1`` when ``build`` only randomizes angles). ``mean`` is
        exactly 0, ``method`` is ``"exact"``, ``engine`` names the engine
        that ran, ``max_discarded_weight`` is the Pauli-transfer chain's
        discarded weight (NaN for the doubled engine), and ``inf_norm_*``
        and ``min_fidelity`` are NaN.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, parameter)``, ``n`` in the order of ``n_values`` and
        parameters in the order requested, with the columns of
        :data:`tnbp.results.schema.GRADIENT_VARIANCE`, where their dtypes, units
        and meanings are defined (``print`` it): ``n, parameter, mean, variance,
        variance_se, samples, variance_ess, variance_reliable``; per ``n`` the
        infinity-norm ``inf_norm_mean, inf_norm_variance, inf_norm_variance_se``
        and the truncation diagnostics over every simulation behind the row
        (:class:`tnbp.GradientDiagnostics` combined over the samples)
        ``min_fidelity, max_discarded_weight, untrusted_runs``; the exact
        engine ``engine``; and the labels ``method, backend, estimator,
        seed``. Derivatives are in units of
        :math:`C` per radian, variances in their square.

    Raises
    ------
    TypeError
        If ``build`` is not callable or returns something other than a
        :class:`~tnbp.Circuit`, ``n_values`` is not a sequence (e.g. a single
        int), ``n_values``, ``samples`` or ``chunk_size`` holds a non-integer,
        ``parameters`` (or what it returns for an ``n``) or ``seed`` has the
        wrong type, ``executor`` is not one of the choices, ``sim_opts`` is
        not a dict or with ``estimator="exact"`` has an option other than
        those listed above, or a process pool cannot pickle ``build``,
        ``observable``, ``initial`` and ``parameters``.
    ValueError
        If ``n_values`` is empty, repeats a value or holds one below 1,
        ``samples`` or ``chunk_size`` is below 1, ``samples`` is above
        :data:`tnbp.limits.MAX_SAMPLES`, ``parameters`` (or what it
        returns for an ``n``) is empty or repeats an index, ``estimator``,
        ``method``, ``backend`` or ``executor`` is not one of the options (or
        ``method`` does not run on ``backend``, or ``executor`` was shut down),
        ``seed`` is negative, ``estimator="exact"`` is given a nonlinear cost,
        or ``build`` returns circuits with different numbers of trainable
        parameters at one ``n`` (in any chunks). Errors of ``build``,
        ``observable`` or the gradient options met inside a task (e.g.
        ``parameters`` out of range for the circuits at an ``n``) are raised by
        the first task that meets them.

    Warns
    -----
    TruncationWarning
        Once, when any run behind the table had caveats (the rows'
        ``untrusted_runs`` count them): truncated MPS simulations, or with
        ``estimator="exact"`` a doubled MPS that reached ``max_bond``.

    See Also
    --------
    tnbp.fit_exponential_decay : Fit the decay of the variances with ``n``.
    tnbp.qbm_gradient_variance : The same for quantum Boltzmann machines.

    References
    ----------
    .. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
       "Barren plateaus in quantum neural network training landscapes",
       Nat. Commun. 9, 4812 (2018), arXiv:1803.11173 (the variance of a
       derivative over random circuits).
    .. [2] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Fig. 3b (variance of the gradient's infinity-norm against hidden units).
    .. [3] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (6) (the variance) and
       Fig. 3a with the global and local costs of eqs. (3) and (4).

    Examples
    --------
    Exact variances of the toy perceptron's global cost,
    :math:`\frac18(\frac38)^{n-1}`:

    >>> import tnbp
    >>> df = tnbp.gradient_variance(
    ...     tnbp.ansatz.toy_perceptron, [2, 4], samples=1, parameters=0,
    ...     observable=lambda n: tnbp.observables.global_cost(range(n)),
    ...     estimator="exact", executor="serial")
    >>> df[["n", "parameter", "variance", "variance_reliable"]]
       n  parameter  variance  variance_reliable
    0  2          0  0.046875               True
    1  4          0  0.006592               True
    """
    n_values = check_int_values(n_values, "n_values", minimum=1)
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if not callable(build):
        raise TypeError("`build` must be a callable build(n, seed=rng) -> Circuit.")
    if callable(parameters):  # types and repeats now; the range at each n
        for n in n_values:
            check_parameters(parameters(n), name=f"parameters({n})")
    else:
        parameters = check_parameters(parameters)
    check_opt("estimator", estimator, ESTIMATORS)
    exact = estimator == "exact"
    problem = dict(build=build, observable=observable, initial=initial)
    if exact:
        if isinstance(observable, (MSELoss, FidelityCost)):
            raise ValueError(
                "`observable`: estimator='exact' needs a linear cost (an Observable)."
            )
        method, backend = "exact", "mps"
        sim_opts = check_sim_opts(sim_opts, estimator, valid=EXACT_OPTIONS)
        if executor != "serial":  # the workers fill the cores already
            sim_opts = {"threads": 1, **sim_opts}
        task = functools.partial(
            _exact_task, **problem, sim_opts=sim_opts, parameters=parameters
        )
    else:
        method = check_method(method, backend)  # None: the backend's best
        grad_opts = dict(method=method, backend=backend, sim_opts=sim_opts)
        task = functools.partial(
            _sample_task,
            **problem,
            grad_opts=grad_opts,
            parameters=parameters,
            inf_norm=inf_norm,
        )
    root = as_seed_sequence(seed)
    results = run_tasks(
        task,
        chunks(n_values, samples, chunk_size),
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="gradients",
        payload="`build`, `observable`, `initial` and `parameters`",
    )
    labels = dict(
        method=method, backend=backend, estimator=estimator, seed=seed_label(root)
    )
    table = GRADIENT_VARIANCE.frame(
        record
        for n, rows in results.items()
        for record in _records(n, rows, exact=exact, labels=labels)
    )
    warn_untrusted_runs(table, group="n", what="gradient_variance", options="sim_opts")
    return table
