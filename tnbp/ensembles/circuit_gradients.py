r"""Barren-plateau ensembles: gradient statistics over random circuits, against n.

:func:`gradient_variance` draws ``samples`` random instances per qubit number
(random parameters and/or random structure, whatever ``build`` does with its
``seed``), differentiates each, and returns a tidy table: per ``n`` and
parameter index the mean and variance of :math:`\partial_k \langle O\rangle`
with the standard error of the variance, and per ``n`` the mean and variance of
the gradient's infinity-norm :math:`\|\nabla\langle O\rangle\|_\infty`
(arXiv:2010.15968, Fig. 3b-c). :func:`fit_exponential_decay` fits
:math:`\mathrm{Var} = A e^{-r n}`.

Sampling honesty: the variance of a heavy-tailed derivative is a rare-event
quantity. For the global cost of the toy perceptron the typical sample is
:math:`\sim 6^{n-1}` times smaller than the mean of :math:`g^2`, so no feasible
sample size estimates it beyond n ~ 15, and the sample variance and its
standard error are both far too small. Each row therefore reports the
effective sample size ``variance_ess`` = :math:`(\sum d^2)^2/\sum d^4` and
``variance_reliable`` (ESS at least a tenth of the samples).

With ``estimator="exact"`` each random instance instead contributes its exact
second moment over uniformly random angles (:mod:`tnbp.gradients.moments`), which reaches
such rare-event variances at any ``n`` the doubled MPS can hold.

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

import numpy as np
import pandas as pd

from .._checks import as_seed_sequence, check_int, check_opt, check_parameters
from ..gradients.adjoint import skeleton
from ..gradients.api import check_method, gradient_batch, gradient_with_diagnostics
from ..gradients.diagnostics import GradientDiagnostics
from ..gradients.moments import exact_gradient_variance
from ..models.losses import FidelityCost, MSELoss
from ..results.schema import GRADIENT_VARIANCE
from .engine import Chunk, chunks, run_tasks, seed_label
from .statistics import exact_stats, sample_stats, variance_standard_error

ESTIMATORS = ("sample", "exact")


@dataclasses.dataclass(frozen=True)
class GradientSample:
    r"""What one random instance contributes to the rows of its ``n``.

    Attributes
    ----------
    parameters : numpy.ndarray of int
        The reported parameter indices.
    values : numpy.ndarray of float
        Their derivatives :math:`\partial_k C` at the instance's angles
        (``estimator="sample"``), or the exact second moments
        :math:`\mathrm{E}_\theta[(\partial_k C)^2]` over uniform angles of
        the instance's structure (``estimator="exact"``).
    inf_norm : float
        :math:`\max_k |\partial_k C|` over all parameters; NaN if not computed.
    diagnostics : GradientDiagnostics
        Cost and truncation of the computation.
    """

    parameters: np.ndarray
    values: np.ndarray
    inf_norm: float
    diagnostics: GradientDiagnostics


def _problem(build, observable, initial, n: int, seed):
    """The instance's circuit, its observable and its initial bitstring at ``n``."""
    circuit = build(n, seed=np.random.default_rng(seed))
    obs = observable(n) if callable(observable) else observable
    init = initial(n) if callable(initial) else initial
    return circuit, obs, init


def _sample_task(
    chunk: Chunk, seeds, *, build, observable, initial, grad_opts, parameters, inf_norm
) -> list[GradientSample]:
    """Gradients of the instances of one chunk at their random angles."""
    n = chunk.group
    problems = [_problem(build, observable, initial, n, seed) for seed in seeds]
    circuits = [c for c, _, _ in problems]
    _, obs, init = problems[0]
    k = circuits[0].num_parameters
    selection = check_parameters(parameters, k)
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
    else:
        only = None if (wanted is None or inf_norm) else wanted
        pairs = [
            gradient_with_diagnostics(
                c, obs, initial=init, parameters=only, **grad_opts
            )
            for c in circuits
        ]
        grads, diagnostics = [g for g, _ in pairs], [d for _, d in pairs]
    rows = []
    for g, diag in zip(grads, diagnostics):
        full = g.size == k
        idx = np.arange(k) if wanted is None else wanted
        rows.append(
            GradientSample(
                parameters=idx,
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
    rows = []
    for seed in seeds:
        circuit, obs, init = _problem(build, observable, initial, chunk.group, seed)
        m = exact_gradient_variance(
            circuit, obs, parameters=parameters, initial=init, **(sim_opts or {})
        )
        rows.append(
            GradientSample(
                parameters=m.parameters,
                values=m.variance,
                inf_norm=float("nan"),
                # one doubled-MPS computation; its truncation is only flagged
                diagnostics=GradientDiagnostics(
                    simulations=1,
                    min_fidelity=float("nan"),
                    max_discarded_weight=float("nan"),
                    untrusted_runs=int(m.truncated),
                ),
            )
        )
    return rows


def _records(n: int, rows: list[GradientSample], *, exact: bool, labels: dict):
    """The table rows of one ``n``: one per reported parameter."""
    values = np.array([r.values for r in rows])
    norms = np.array([r.inf_norm for r in rows])
    diag = GradientDiagnostics.combine(r.diagnostics for r in rows)
    common = dict(
        n=n,
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
        if exact:
            stats["variance_reliable"] = diag.untrusted_runs == 0
        out.append(dict(common, parameter=int(k), **stats))
    return out


def gradient_variance(
    build,
    n_values,
    *,
    observable,
    samples: int = 200,
    parameters="all",
    method: str = "adjoint",
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
    observable : Observable, list of (coeff, pauli, qubits), or callable
        The cost; a callable is called as ``observable(n)``.
    samples : int, optional
        Random instances per ``n``.
    parameters : "all", int or sequence of int, optional
        Parameter indices to report (the infinity-norm always uses them all);
        negative counts from the end, rows follow the order given, repeats are
        rejected.
    method, backend, initial, sim_opts
        Passed to :func:`tnbp.gradient` (``initial`` may be a callable of ``n``).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root of all random draws (None: fresh entropy; the table's ``seed``
        column records what reproduces the run). Instance ``s`` at ``n`` gets
        ``build(n, seed=default_rng(SeedSequence(entropy, spawn_key=(n, s))))``.
    executor : None, "processes", "threads", "serial", concurrent.futures.Executor or dask Client
        Where samples run (:mod:`tnbp.ensembles.engine`). None or
        ``"processes"``: local worker processes (loky), one per CPU; works from
        a plain script without a ``__main__`` guard and with ``build`` and
        ``observable`` defined in it. ``"threads"``: a thread pool in this
        process. ``"serial"``: this process. With a standard-library process
        pool, ``build``, ``observable`` and ``initial`` must pickle
        (module-level functions or ``functools.partial``). The table does not
        depend on the choice.
    chunk_size : int, optional
        Samples per task (dense adjoint gradients of one chunk run as one
        batched sweep).
    inf_norm : bool, optional
        Compute the whole gradient for its infinity-norm (default). With False
        and explicit ``parameters`` only those derivatives are computed (much
        cheaper for shift rules) and the ``inf_norm_*`` columns are NaN.
    estimator : {"sample", "exact"}, optional
        ``"sample"``: differentiate each instance at its random angles.
        ``"exact"``: for each instance's structure, the exact second moment of
        :math:`\partial_k C` over i.i.d. uniform trainable angles
        (:func:`~tnbp.gradients.moments.exact_gradient_variance`; ``sim_opts``
        may hold its ``max_bond`` and ``cutoff``). The row's ``variance`` is the
        mean over the ``samples`` structures and ``variance_se`` its standard
        error (NaN for one structure: use ``samples=1`` when ``build`` only
        randomizes angles). ``mean`` is exactly 0, ``method`` is ``"exact"``, and
        ``inf_norm_*``, ``min_fidelity`` and ``max_discarded_weight`` are NaN.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, parameter)`` with the columns of
        :data:`tnbp.results.schema.GRADIENT_VARIANCE` (``print`` it for names,
        dtypes, units and meanings): ``n, parameter, mean, variance,
        variance_se, samples, variance_ess, variance_reliable``; per ``n`` the
        infinity-norm ``inf_norm_mean, inf_norm_variance, inf_norm_variance_se``
        and the truncation diagnostics over every simulation behind the row
        (:class:`tnbp.GradientDiagnostics` combined over the samples)
        ``min_fidelity, max_discarded_weight, untrusted_runs``; and the labels
        ``method, backend, estimator, seed``.

    Raises
    ------
    TypeError, ValueError
        On bad arguments (naming the argument), including an unsupported
        ``executor``.

    References
    ----------
    arXiv:2010.15968, Fig. 3b (variance of the gradient's infinity-norm);
    arXiv:2005.12458, Fig. 3a (toy perceptron: global vs local cost variances).
    """
    n_values = [check_int(n, "n_values", minimum=1) for n in n_values]
    if not n_values:
        raise ValueError("`n_values` must not be empty.")
    if len(set(n_values)) != len(n_values):
        raise ValueError(f"`n_values` must be distinct, got {n_values}.")
    samples = check_int(samples, "samples", minimum=1)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if not callable(build):
        raise TypeError("`build` must be a callable build(n, seed=rng) -> Circuit.")
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
        task = functools.partial(
            _exact_task, **problem, sim_opts=sim_opts, parameters=parameters
        )
    else:
        check_method(method, backend)
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
        payload="`build`, `observable` and `initial`",
    )
    labels = dict(
        method=method, backend=backend, estimator=estimator, seed=seed_label(root)
    )
    return GRADIENT_VARIANCE.frame(
        record
        for n, rows in results.items()
        for record in _records(n, rows, exact=exact, labels=labels)
    )
