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
second moment over uniformly random angles (:mod:`.moments`), which reaches
such rare-event variances at any ``n`` the doubled MPS can hold.

Sample ``s`` at ``n`` uses the seed ``SeedSequence(entropy, spawn_key=(n, s))``,
so results do not depend on the executor, its worker count, or which other
``n`` are in the run.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import multiprocessing
import os
import pickle

import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from .._checks import check_int, check_opt
from ..observables import FidelityCost, MSELoss
from .adjoint import skeleton
from .gradients import check_method, gradient, gradient_batch
from .moments import exact_gradient_variance

ESTIMATORS = ("sample", "exact")

#: A variance is flagged unreliable when its effective sample size
#: (:func:`_variance_ess`) is below this fraction of the samples (Gaussian: 1/3).
RELIABLE_ESS_FRACTION = 0.1


class SerialExecutor(cf.Executor):
    """Runs each task in the calling process when it is submitted."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through .result()
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def executor_scope(executor, payload, names: str):
    """A ready executor: None starts (and afterwards shuts down) a process pool.

    ``"serial"`` runs tasks in this process; any other ``concurrent.futures``
    executor or dask ``Client`` is used as given, after checking that
    ``payload`` (the user callables ``names`` refers to) can be pickled.
    """
    owned = executor is None
    if owned:
        executor = cf.ProcessPoolExecutor(
            max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn")
        )
    elif isinstance(executor, str) and executor == "serial":
        executor = SerialExecutor()
    if not isinstance(executor, SerialExecutor):
        try:
            pickle.dumps(payload)
        except Exception as exc:
            if owned:
                executor.shutdown()
            raise TypeError(
                f"{names} must be picklable to run in worker processes (module-level "
                "functions or functools.partial), or pass executor='serial'."
            ) from exc
    try:
        yield executor
    finally:
        if owned:
            executor.shutdown()


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
    wanted = None if parameters == "all" else np.atleast_1d(parameters) % k
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


def _sample_stats(g: np.ndarray) -> dict:
    """Row statistics of sampled derivatives ``g``."""
    ess = _variance_ess(g)
    return dict(
        mean=float(g.mean()),
        variance=float(g.var(ddof=1)) if len(g) > 1 else float("nan"),
        variance_se=variance_standard_error(g),
        variance_ess=ess,
        variance_reliable=ess >= RELIABLE_ESS_FRACTION * len(g),
    )


def _exact_stats(m: np.ndarray) -> dict:
    """Row statistics of exact per-structure second moments ``m`` (zero mean)."""
    se = m.std(ddof=1) / np.sqrt(len(m)) if len(m) > 1 else float("nan")
    return dict(
        mean=0.0,
        variance=float(m.mean()),
        variance_se=float(se),
        variance_ess=float("nan"),
    )


def _variance_ess(x: np.ndarray) -> float:
    """Effective number of samples behind the variance: (sum d^2)^2 / sum d^4.

    About m/3 for Gaussian data; of order 1 when a few samples carry the whole
    variance (heavy tails, as for global costs at large n).
    """
    d2 = (x - x.mean()) ** 2
    denom = float(np.sum(d2 * d2))
    return float(np.sum(d2) ** 2 / denom) if denom > 0 else float(x.size)


def variance_standard_error(x: np.ndarray) -> float:
    """Standard error of the sample variance, from the fourth central moment."""
    m = x.size
    if m < 4:
        return float("nan")
    d = x - x.mean()
    var, mu4 = d.var(ddof=1), np.mean(d**4)
    return float(np.sqrt(max(mu4 - (m - 3) / (m - 1) * var**2, 0.0) / m))


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
        Parameter indices to report (the infinity-norm always uses them all).
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
        (:func:`~tnbp.estimators.moments.exact_gradient_variance`; ``sim_opts``
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
    if not (
        parameters == "all" or isinstance(parameters, (int, np.integer, list, tuple))
    ):
        raise TypeError("`parameters` must be 'all', an int or a sequence of ints.")
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
        stats_of = _exact_stats if exact else _sample_stats
        for col, k in enumerate(idx):
            row = stats_of(grads[:, col])
            if exact:
                row["variance_reliable"] = common["untrusted_runs"] == 0
            table.append(dict(common, parameter=int(k), **row))
    columns = ["n", "parameter", "mean", "variance", "variance_se", "samples"]
    df = pd.DataFrame(table)
    return df[columns + [c for c in df.columns if c not in columns]]


@dataclasses.dataclass(frozen=True)
class DecayFit:
    """Least-squares fit :math:`\\mathrm{Var}(n) = A e^{-r n}` (semilog).

    Attributes
    ----------
    rate, rate_err : float
        :math:`r` (per qubit, natural log) and its standard error.
    rate_ci : tuple of float
        Confidence interval of :math:`r` (Student t, ``n_points - 2`` dof).
    prefactor : float
        :math:`A`.
    n, variances : numpy.ndarray
        The data fitted.
    """

    rate: float
    rate_err: float
    rate_ci: tuple[float, float]
    prefactor: float
    n: np.ndarray
    variances: np.ndarray

    @property
    def base(self) -> float:
        """:math:`e^{-r}`: the factor by which Var shrinks per added qubit."""
        return float(np.exp(-self.rate))

    def to_dict(self) -> dict:
        return {
            "rate": self.rate,
            "rate_err": self.rate_err,
            "rate_ci_low": self.rate_ci[0],
            "rate_ci_high": self.rate_ci[1],
            "prefactor": self.prefactor,
            "base": self.base,
        }


def fit_exponential_decay(
    n, variance, *, variance_err=None, confidence: float = 0.95
) -> DecayFit:
    """Fit :math:`\\ln \\mathrm{Var} = \\ln A - r n` by (weighted) least squares.

    Parameters
    ----------
    n, variance : array_like
        Qubit numbers and positive variances (at least 3 points).
    variance_err : array_like, optional
        Standard errors of the variances; weights :math:`(\\mathrm{Var}/\\sigma)^2`.
    confidence : float, optional
        Level of :attr:`DecayFit.rate_ci`.
    """
    x = np.asarray(n, dtype=float)
    y = np.asarray(variance, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("`n` and `variance` must be 1-D arrays of equal length.")
    if x.size < 3:
        raise ValueError(f"`n`: need at least 3 points to fit, got {x.size}.")
    if not np.all(y > 0) or not np.all(np.isfinite(y)):
        raise ValueError("`variance` must be positive and finite.")
    w = np.ones_like(y)
    if variance_err is not None:
        err = np.asarray(variance_err, dtype=float)
        if err.shape != y.shape or not np.all(err > 0):
            raise ValueError("`variance_err` must be positive, one per variance.")
        w = (y / err) ** 2
    X = np.column_stack([np.ones_like(x), -x])
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(X * sw[:, None], np.log(y) * sw, rcond=None)
    resid = (np.log(y) - X @ coef) * sw
    dof = x.size - 2
    scale = (
        resid @ resid / dof if variance_err is None else max(resid @ resid / dof, 1.0)
    )
    cov = np.linalg.inv((X * w[:, None]).T @ X) * scale
    rate, rate_err = float(coef[1]), float(np.sqrt(cov[1, 1]))
    t = stats.t.ppf(0.5 + confidence / 2, dof)
    return DecayFit(
        rate,
        rate_err,
        (rate - t * rate_err, rate + t * rate_err),
        float(np.exp(coef[0])),
        x,
        y,
    )
