"""Barren-plateau ensembles: gradient statistics over random circuits, against n.

:func:`gradient_variance` draws ``samples`` random instances per qubit number
(random parameters and/or random structure, whatever ``build`` does with its
``seed``), differentiates each, and returns a tidy table: per ``n`` and
parameter index the mean and variance of :math:`\\partial_k \\langle O\\rangle`
with the standard error of the variance, and per ``n`` the mean and variance of
the gradient's infinity-norm :math:`\\|\\nabla\\langle O\\rangle\\|_\\infty`
(arXiv:2010.15968, Fig. 3b-c). :func:`fit_exponential_decay` fits
:math:`\\mathrm{Var} = A e^{-r n}`.

Sampling honesty: the variance of a heavy-tailed derivative is a rare-event
quantity. For the global cost of the toy perceptron the typical sample is
:math:`\\sim 6^{n-1}` times smaller than the mean of :math:`g^2`, so no feasible
sample size estimates it beyond n ~ 15, and the sample variance and its
standard error are both far too small. Each row therefore reports the
effective sample size ``variance_ess`` = :math:`(\\sum d^2)^2/\\sum d^4` and
``variance_reliable`` (ESS at least a tenth of the samples).

With ``estimator="exact"`` each random instance instead contributes its exact
second moment over uniformly random angles (:mod:`tnbp.gradients.moments`), which reaches
such rare-event variances at any ``n`` the doubled MPS can hold.

Sample ``s`` at ``n`` uses the seed ``SeedSequence(entropy, spawn_key=(n, s))``,
so results do not depend on the executor, its worker count, or which other
``n`` are in the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._checks import check_int, check_opt, check_parameters
from ..gradients.adjoint import skeleton
from ..gradients.api import check_method, gradient, gradient_batch
from ..gradients.moments import exact_gradient_variance
from ..models.losses import FidelityCost, MSELoss
from .engine import executor_scope
from .statistics import exact_stats, sample_stats, variance_standard_error

ESTIMATORS = ("sample", "exact")


def _sample_task(
    build, observable, n, entropy, sample_ids, grad_opts, parameters, inf_norm
):
    """Gradients of the samples ``sample_ids`` at ``n`` (runs in a worker)."""
    circuits, infos = [], []
    for s in sample_ids:
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(n, s)))
        circuits.append(build(n, seed=rng))
    obs = observable(n) if callable(observable) else observable
    k = circuits[0].num_parameters
    selection = check_parameters(parameters, k)
    wanted = None if selection is None else np.array(selection)
    batched = (
        grad_opts["method"] == "adjoint"
        and grad_opts["backend"] == "dense"
        and not isinstance(obs, (MSELoss, FidelityCost))
        and all(skeleton(c) == skeleton(circuits[0]) for c in circuits)
    )
    if batched:  # one sweep for the whole chunk
        grads = gradient_batch(circuits, obs, initial=grad_opts["initial"])
        infos = [dict(min_fidelity=1.0, max_discarded_weight=0.0, untrusted=0)] * len(
            grads
        )
    else:
        grads = []
        for circ in circuits:
            info: dict = {}
            only = None if (wanted is None or inf_norm) else wanted
            grads.append(gradient(circ, obs, info=info, parameters=only, **grad_opts))
            infos.append(info)
    rows = []
    for s, g, info in zip(sample_ids, grads, infos):
        full = g.size == k
        idx = np.arange(k) if wanted is None else wanted
        picked = g[idx] if full else g
        norm = np.abs(g).max(initial=0.0) if full else float("nan")
        rows.append((s, picked, idx, norm, info))
    return n, rows


def _exact_task(build, observable, n, entropy, sample_ids, opts, parameters):
    """Exact angle-averaged second moments of the structures ``sample_ids`` at ``n``."""
    obs = observable(n) if callable(observable) else observable
    rows = []
    for s in sample_ids:
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(n, s)))
        m = exact_gradient_variance(
            build(n, seed=rng), obs, parameters=parameters, **opts
        )
        info = dict(
            min_fidelity=float("nan"),
            max_discarded_weight=float("nan"),
            untrusted=int(m.truncated),
            max_bond_reached=m.max_bond_reached,
        )
        rows.append((s, m.variance, m.parameters, float("nan"), info))
    return n, rows


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
    seed: int | None = None,
    executor=None,
    chunk_size: int = 8,
    inf_norm: bool = True,
    estimator: str = "sample",
    progbar: bool = False,
) -> pd.DataFrame:
    """Statistics of QNN gradients over random instances, for each qubit number.

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
    seed : int, optional
        Entropy of all random draws (None: fresh, recorded in the table).
    executor : concurrent.futures.Executor, dask Client, "serial" or None
        Where samples run; None starts a process pool with one worker per core.
        With a process pool or dask, ``build`` and ``observable`` must be
        picklable (module-level functions or ``functools.partial``).
    chunk_size : int, optional
        Samples per task.
    inf_norm : bool, optional
        Compute the whole gradient for its infinity-norm (default). With False
        and explicit ``parameters`` only those derivatives are computed (much
        cheaper for shift rules) and the ``inf_norm_*`` columns are NaN.
    estimator : {"sample", "exact"}, optional
        ``"sample"``: differentiate each instance at its random angles.
        ``"exact"``: for each instance's structure, the exact second moment of
        :math:`\\partial_k C` over i.i.d. uniform trainable angles
        (:func:`~tnbp.gradients.moments.exact_gradient_variance`; ``sim_opts``
        may hold its ``max_bond`` and ``cutoff``). The row's ``variance`` is the
        mean over the ``samples`` structures and ``variance_se`` its standard
        error (NaN for one structure: use ``samples=1`` when ``build`` only
        randomizes angles). ``mean`` is exactly 0, ``method`` is ``"exact"``, and
        ``inf_norm_*``, ``min_fidelity`` and ``max_discarded_weight`` are NaN.
    progbar : bool, optional

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, parameter)``: ``mean``, ``variance``, ``variance_se``,
        ``variance_ess``, ``variance_reliable``, ``samples``; per ``n``:
        ``inf_norm_mean``, ``inf_norm_variance``, ``inf_normvariance_standard_error``;
        ``method``, ``backend``, ``estimator``, ``seed``; and the truncation diagnostics
        ``min_fidelity``, ``max_discarded_weight`` and ``untrusted_runs`` over
        every simulation behind the row.
    """
    n_values = [check_int(n, "n_values", minimum=1) for n in n_values]
    if not n_values:
        raise ValueError("`n_values` must not be empty.")
    samples = check_int(samples, "samples", minimum=1)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if not callable(build):
        raise TypeError("`build` must be a callable build(n, seed=rng) -> Circuit.")
    parameters = check_parameters(parameters)
    check_opt("estimator", estimator, ESTIMATORS)
    exact = estimator == "exact"
    if exact:
        if isinstance(observable, (MSELoss, FidelityCost)):
            raise ValueError(
                "`observable`: estimator='exact' needs a linear cost (an Observable)."
            )
        method, backend = "exact", "mps"
    else:
        check_method(method, backend)
    entropy = np.random.SeedSequence(seed).entropy
    grad_opts = dict(method=method, backend=backend, sim_opts=sim_opts)

    with executor_scope(
        executor, (build, observable, initial), "`build`, `observable` and `initial`"
    ) as pool:
        futures = []
        for n in n_values:
            init = initial(n) if callable(initial) else initial
            for start in range(0, samples, chunk_size):
                ids = list(range(start, min(start + chunk_size, samples)))
                if exact:
                    task, opts = _exact_task, {**(sim_opts or {}), "initial": init}
                    extra = (parameters,)
                else:
                    task, opts = _sample_task, {**grad_opts, "initial": init}
                    extra = (parameters, inf_norm)
                futures.append(
                    pool.submit(task, build, observable, n, entropy, ids, opts, *extra)
                )
        results: dict[int, list] = {n: [] for n in n_values}
        with tqdm(
            total=len(n_values) * samples, disable=not progbar, desc="gradients"
        ) as bar:
            for fut in futures:
                n, rows = fut.result()
                results[n].extend(rows)
                bar.update(len(rows))

    table = []
    for n in n_values:
        rows = sorted(results[n], key=lambda r: r[0])
        grads = np.array([r[1] for r in rows])
        idx = rows[0][2]
        norms = np.array([r[3] for r in rows])
        infos = [r[4] for r in rows]
        common = dict(
            n=n,
            samples=len(rows),
            inf_norm_mean=float(norms.mean()),
            inf_norm_variance=float(norms.var(ddof=1))
            if len(rows) > 1
            else float("nan"),
            inf_normvariance_standard_error=variance_standard_error(norms),
            method=method,
            backend=backend,
            estimator=estimator,
            seed=str(entropy),
            min_fidelity=min(i["min_fidelity"] for i in infos),
            max_discarded_weight=max(i["max_discarded_weight"] for i in infos),
            untrusted_runs=sum(i["untrusted"] for i in infos),
        )
        stats_of = exact_stats if exact else sample_stats
        for col, k in enumerate(idx):
            row = stats_of(grads[:, col])
            if exact:
                row["variance_reliable"] = common["untrusted_runs"] == 0
            table.append(dict(common, parameter=int(k), **row))
    columns = ["n", "parameter", "mean", "variance", "variance_se", "samples"]
    df = pd.DataFrame(table)
    return df[columns + [c for c in df.columns if c not in columns]]
