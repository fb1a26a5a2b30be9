r"""QBM gradients on nearest-neighbour chains against the distance from the visible qubits.

arXiv:2010.15968 (Theorem 4, Fig. 3c) studies how the gradient of a visible
objective :math:`\mathrm{Tr}(O_v\rho_v)` of a quantum Boltzmann machine
shrinks with the hidden units, for Hamiltonians whose eigenbases scramble
like 2-designs. On a nearest-neighbour chain (the random 2-local
Hamiltonian of eq. C1 restricted to neighbouring pairs, normalized by its
operator norm) the Gibbs state is area-law and the derivatives by terms far
from the visible qubits decay with their distance :math:`d` instead.
:func:`qbm_gradient_profile` measures every derivative of random instances
on purified MPS, far beyond exact diagonalization, with the response method of
:mod:`tnbp.gradients.qbm_response` (four Gibbs states for all :math:`\sim
12n` derivatives) and its error budget, cross-checked against the exact
(Duhamel, dense) gradient of the same Hamiltonian where ``n <= dense_max``;
:func:`qbm_gradient_profile_summary` turns the per-sample table into
variances over instances per ``(n, distance)`` with a trust flag.

The visible qubits are the first ``n_visible`` qubits, at the open end of
the chain: every term then lies on one side of them, a distance ``d >= 1``
holds the same kinds of terms for every ``n`` (the 3 onsite terms of qubit
``n_visible - 1 + d`` and the 9 of the bond reaching it) and the profile runs
over the longest range the chain allows, ``d = 0 .. n - n_visible``.

Runs on :mod:`tnbp.ensembles.engine`: sample ``s`` of size ``n`` uses
``SeedSequence(entropy, spawn_key=(n, s))``, whatever the executor, the
chunking or ``first_sample``. The tables' columns are
:data:`tnbp.results.schema.QBM_GRADIENT_PROFILE` and
:data:`~tnbp.results.schema.QBM_GRADIENT_PROFILE_SUMMARY`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time

import numpy as np
import pandas as pd

from .._checks import as_seed_sequence, check_beta, check_int, check_int_values
from .._threads import blas_threads_limit
from ..gradients.qbm import observable_gradient
from ..gradients.qbm_response import qbm_response_gradient
from ..limits import MAX_DENSE_GIBBS_QUBITS
from ..models.hamiltonian import random_two_local
from ..models.qbm import QBM
from ..results.schema import QBM_GRADIENT_PROFILE, QBM_GRADIENT_PROFILE_SUMMARY
from .engine import Chunk, check_samples, run_tasks, seed_label
from .statistics import variance_standard_error

#: a (n, distance) row is trusted when its largest error bound is at most this
#: fraction r of the rms derivative: the variance is then within 2 r + r^2 = 21%
TRUST_RATIO = 0.1


@dataclasses.dataclass(frozen=True)
class QBMProfileSample:
    r"""One random chain's gradient, per term, with its budget and record.

    Attributes
    ----------
    distance : numpy.ndarray of int64, shape (K,)
        Distance of each term from the visible qubits (module docstring).
    value, error_bound, step_error, trotter_error : numpy.ndarray of float64, shape (K,)
        The derivatives and their error parts
        (:class:`~tnbp.gradients.qbm_response.QBMResponseGradient`).
    dense : numpy.ndarray of float64, shape (K,)
        The exact (Duhamel) derivatives, NaN where not computed.
    truncation_error, truncation_distance : float
        As in :class:`~tnbp.gradients.qbm_response.QBMResponseGradient`.
    trusted : bool
        No state had caveats and every bound is finite.
    max_bond_reached : int
        Largest bond dimension of the Gibbs states.
    hamiltonian_norm : float
        :math:`\|H\|` the raw Hamiltonian was divided by (NaN: not normalized).
    seconds, cpu_seconds, norm_seconds : float
        Wall and CPU times of the gradient, wall time of the norm.
    """

    distance: np.ndarray
    value: np.ndarray
    error_bound: np.ndarray
    step_error: np.ndarray
    trotter_error: np.ndarray
    dense: np.ndarray
    truncation_error: float
    truncation_distance: float
    trusted: bool
    max_bond_reached: int
    hamiltonian_norm: float
    seconds: float
    cpu_seconds: float
    norm_seconds: float


def term_distances(generators, n_visible: int) -> np.ndarray:
    """Distance of each generator from the visible qubits ``0..n_visible-1``.

    Parameters
    ----------
    generators : sequence of (pauli, qubits)
        The terms, as :attr:`tnbp.qbm.QBM.generators`.
    n_visible : int
        Number of visible qubits (the first ones).

    Returns
    -------
    numpy.ndarray of int64, shape (len(generators),)
        ``max(0, max(qubits) - n_visible + 1)``: 0 for terms on visible qubits
        only, in qubits along the chain otherwise.
    """
    return np.array(
        [max(0, max(qubits) - n_visible + 1) for _, qubits in generators], dtype=int
    )


def _profile_task(chunk: Chunk, seeds, *, opts: dict) -> list[QBMProfileSample]:
    """The gradients of the random chains of one chunk (``chunk.group`` qubits)."""
    n, n_visible = chunk.group, opts["n_visible"]
    rows = []
    for seed in seeds:
        H = random_two_local(
            n,
            onsite_std=opts["onsite_std"],
            offsite_std=opts["offsite_std"],
            pairs="nearest",
            seed=np.random.default_rng(seed),
        )
        norm, norm_seconds = math.nan, 0.0
        if opts["normalize"]:
            start = time.perf_counter()
            with blas_threads_limit(1):  # small eigensolver steps: threads only cost
                norm = H.norm(**opts["norm_opts"])
            norm_seconds = time.perf_counter() - start
            H = H.scaled(1.0 / norm)
        qbm, theta = QBM.from_hamiltonian(H, range(n_visible), beta=opts["beta"])
        start, cpu = time.perf_counter(), time.process_time()
        g = qbm_response_gradient(
            qbm,
            theta,
            opts["observable"],
            backend=opts["backend"],
            step=opts["step"],
            gibbs_opts=opts["gibbs_opts"],
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        dense = np.full(qbm.num_parameters, np.nan)
        if n <= opts["dense_max"]:
            with blas_threads_limit(1):
                dense = observable_gradient(
                    qbm, theta, opts["observable"], method="exact"
                )
        rows.append(
            QBMProfileSample(
                distance=term_distances(qbm.generators, n_visible),
                value=g.value,
                error_bound=g.error_bound,
                step_error=g.step_error,
                trotter_error=g.trotter_error,
                dense=dense,
                truncation_error=g.truncation_error,
                truncation_distance=g.truncation_distance,
                trusted=g.trusted,
                max_bond_reached=g.max_bond_reached,
                hamiltonian_norm=float(norm),
                seconds=seconds,
                cpu_seconds=cpu,
                norm_seconds=norm_seconds,
            )
        )
    return rows


def _max(x: np.ndarray) -> float:
    """Largest entry, NaN if any entry is NaN (an unknown bound stays unknown)."""
    return float(np.max(x)) if x.size else math.nan


def _records(n: int, first: int, rows: list[QBMProfileSample], labels: dict):
    """The table rows of one size: one per (sample, distance)."""
    out = []
    for s, r in enumerate(rows, start=first):
        for d in np.unique(r.distance):
            m = r.distance == d
            g = r.value[m]
            out.append(
                dict(
                    n=n,
                    sample=s,
                    distance=int(d),
                    num_parameters=int(m.sum()),
                    sum=float(g.sum()),
                    sum_squares=float(np.sum(g * g)),
                    max_abs=float(np.abs(g).max()),
                    error_bound=_max(r.error_bound[m]),
                    step_error=_max(r.step_error[m]),
                    truncation_error=r.truncation_error,
                    trotter_error=_max(r.trotter_error[m]),
                    dense_deviation=_max(np.abs(g - r.dense[m])),
                    inf_norm=float(np.abs(r.value).max()),
                    trusted=r.trusted,
                    max_bond_reached=r.max_bond_reached,
                    truncation_distance=r.truncation_distance,
                    hamiltonian_norm=r.hamiltonian_norm,
                    seconds=r.seconds,
                    cpu_seconds=r.cpu_seconds,
                    norm_seconds=r.norm_seconds,
                    **labels,
                )
            )
    return out


def qbm_gradient_profile(
    n_values,
    *,
    samples: int = 10,
    first_sample: int = 0,
    n_visible: int = 1,
    observable=None,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    normalize: bool = True,
    norm_opts: dict | None = None,
    backend: str = "mps",
    step: float = 0.05,
    gibbs_opts: dict | None = None,
    dense_max: int = 10,
    seed=None,
    executor=None,
    chunk_size: int = 1,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Every derivative of random nearest-neighbour QBMs, by distance from the visible qubits.

    For each ``n`` and each sample, a random chain :math:`H`
    (:func:`tnbp.hamiltonian.random_two_local` with ``pairs="nearest"``,
    divided by :math:`\|H\|` when ``normalize``) gives the QBM :math:`\rho =
    e^{-\beta H}/Z` with visible qubits ``0..n_visible-1``; all its
    derivatives :math:`g_k = \partial\mathrm{Tr}(O_v\rho_v)/\partial\theta_k`
    come from :func:`tnbp.gradients.qbm_response.qbm_response_gradient` with
    their error bounds, and where ``n <= dense_max`` also from the exact
    Duhamel formula (:func:`tnbp.qbm.observable_gradient`) for the table's
    ``dense_deviation``.

    Parameters
    ----------
    n_values : sequence of int
        Distinct chain lengths, each ``> n_visible``.
    samples : int, optional
        Random Hamiltonians per length, ``>= 1``.
    first_sample : int, optional
        Index of the first sample, ``>= 0``: samples ``first_sample ..
        first_sample + samples - 1`` run (a study resumes sample by sample).
    n_visible : int, optional
        Visible qubits, the first ones, ``>= 1``.
    observable : list of (coeff, pauli, qubits), optional
        :math:`O_v`: Pauli terms on at most two visible qubits each (None:
        :math:`Z_0`).
    beta : float, optional
        Inverse temperature, ``>= 0``, in units of the inverse of the
        (normalized) Hamiltonian's energy.
    onsite_std, offsite_std : float, optional
        Standard deviations of the onsite and offsite coefficients of eq. (C1)
        before normalization (defaults: variances 0.01 and 1, as in the paper).
    normalize : bool, optional
        Divide :math:`H` by its operator norm (the paper's normalized QBM).
    norm_opts : dict, optional
        Options of :meth:`tnbp.PauliSum.norm` (exact to
        :data:`~tnbp.limits.EXACT_NORM_QUBITS` qubits, DMRG beyond).
    backend : {"mps", "dense"}, optional
        Backend of the response gradient's Gibbs states.
    step : float, optional
        Field step :math:`h > 0` of the response stencil, in units of
        :math:`\theta`.
    gibbs_opts : dict, optional
        Options of :func:`tnbp.gibbs_state` (``cutoff``, ``max_bond``,
        ``dtau``, ``order``).
    dense_max : int, optional
        Largest ``n`` whose exact gradient is also computed, ``>= 0`` and at
        most :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS`.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root seed; sample ``s`` of length ``n`` gets the spawn key ``(n, s)``.
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`tnbp.gradient_variance`.
    chunk_size : int, optional
        Samples per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, sample, distance)`` with the columns of
        :data:`tnbp.results.schema.QBM_GRADIENT_PROFILE` (sums of the
        derivatives and of their squares over the terms at that distance,
        their largest error bound and its parts, the dense deviation, and per
        sample its infinity-norm, trust flag, bond record, norm and wall
        times); :func:`qbm_gradient_profile_summary` reduces it to variances.

    Raises
    ------
    TypeError
        If ``n_values`` is not a sequence or holds a non-integer,
        ``samples``, ``first_sample``, ``n_visible``, ``dense_max`` or
        ``chunk_size`` is not an integer, ``beta`` is not a real number, or
        ``seed`` or ``executor`` has the wrong type.
    ValueError
        If ``n_values`` is empty, repeats a value or holds one ``<=
        n_visible``, ``samples`` or ``chunk_size`` is below 1,
        ``first_sample`` is negative, ``dense_max`` is outside ``[0,
        MAX_DENSE_GIBBS_QUBITS]``, ``beta`` is negative or not finite, or
        ``observable`` is an empty list. Errors of the model and state options
        (``onsite_std``, ``observable``, ``step``, ``backend``,
        ``gibbs_opts``, ...) are raised by the first task that meets them.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Theorem 4 and Fig. 3c (QBM gradients against the hidden units), eq. (C1)
       (the random 2-local Hamiltonian).

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.qbm_gradient_profile([4], samples=2, backend="dense",
    ...                                executor="serial", seed=1)
    >>> df.distance.tolist()
    [0, 1, 2, 3, 0, 1, 2, 3]
    >>> bool((df.dense_deviation <= df.error_bound).all())
    True
    """
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    n_values = check_int_values(n_values, "n_values", minimum=n_visible + 1)
    samples = check_samples(samples)
    first_sample = check_int(first_sample, "first_sample", minimum=0)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    dense_max = check_int(dense_max, "dense_max", minimum=0)
    if dense_max > MAX_DENSE_GIBBS_QUBITS:
        raise ValueError(
            f"`dense_max` must be at most {MAX_DENSE_GIBBS_QUBITS} (dense Gibbs "
            f"states), got {dense_max}."
        )
    if observable is None:
        observable = [(1.0, "Z", (0,))]
    elif isinstance(observable, (list, tuple)) and not observable:
        raise ValueError("`observable` must not be empty; pass None for Z_0.")
    opts = dict(
        n_visible=n_visible,
        observable=observable,
        beta=check_beta(beta),
        onsite_std=onsite_std,
        offsite_std=offsite_std,
        normalize=bool(normalize),
        norm_opts=dict(norm_opts or {}),
        backend=backend,
        step=step,
        gibbs_opts=gibbs_opts,
        dense_max=dense_max,
    )
    indices = range(first_sample, first_sample + samples)
    tasks = [
        Chunk(n, tuple(indices[i : i + chunk_size]))
        for n in n_values
        for i in range(0, samples, chunk_size)
    ]
    root = as_seed_sequence(seed)
    results = run_tasks(
        functools.partial(_profile_task, opts=opts),
        tasks,
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="qbm gradient profile",
        payload="`observable`",
    )
    labels = dict(
        n_visible=n_visible,
        step=float(step),
        beta=opts["beta"],
        backend=backend,
        seed=seed_label(root),
    )
    return QBM_GRADIENT_PROFILE.frame(
        record
        for n, rows in results.items()
        for record in _records(n, first_sample, rows, labels)
    )


def _jackknife_variance_se(s1: np.ndarray, s2: np.ndarray, m: np.ndarray) -> float:
    r"""Jackknife standard error of the pooled variance, leaving out one sample at a time.

    ``s1``, ``s2``, ``m``: per sample, the sum, the sum of squares and the
    number of pooled values. NaN below 2 samples or when a leave-one-out
    pool has fewer than 2 values.
    """
    k = s1.size
    if k < 2:
        return math.nan
    S1, S2, M = s1.sum() - s1, s2.sum() - s2, m.sum() - m
    if M.min() < 2:
        return math.nan
    v = (S2 - S1 * S1 / M) / (M - 1)
    return float(np.sqrt((k - 1) / k * np.sum((v - v.mean()) ** 2)))


def qbm_gradient_profile_summary(
    table: pd.DataFrame, *, trust_ratio: float = TRUST_RATIO
) -> pd.DataFrame:
    r"""Variances over random instances per ``(n, distance)``, with a trust flag.

    Pools the derivatives of every term at one distance over the samples of
    :func:`qbm_gradient_profile`: mean, variance (``ddof=1``), root mean
    square; the variance's standard error by the jackknife over samples (the
    independent units); the largest error bound and its parts; and per ``n``
    the statistics of the gradient's infinity-norm (the quantity of the
    paper's Fig. 3c). A row is ``trusted`` when every sample is and its
    largest error bound is at most ``trust_ratio`` times the rms derivative:
    for errors :math:`|e_k| \le r\,\mathrm{rms}` the mean square moves by at
    most :math:`(2r + r^2)\,\mathrm{rms}^2`.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows of :func:`qbm_gradient_profile` (any subset of sizes and
        distances; every distance of a sample must have its row).
    trust_ratio : float, optional
        The largest relative error bound of a trusted row, in ``(0, 1]``.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, distance)``, sorted, with the columns of
        :data:`tnbp.results.schema.QBM_GRADIENT_PROFILE_SUMMARY`.

    Raises
    ------
    ValueError
        If ``table`` lacks a column of
        :data:`~tnbp.results.schema.QBM_GRADIENT_PROFILE`, is empty, or
        ``trust_ratio`` is outside ``(0, 1]``.

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.qbm_gradient_profile([4], samples=4, backend="dense",
    ...                                executor="serial", seed=1)
    >>> s = tnbp.qbm_gradient_profile_summary(df)
    >>> s[["n", "distance", "num_parameters"]].values.tolist()
    [[4, 0, 3], [4, 1, 12], [4, 2, 12], [4, 3, 12]]
    >>> bool(s.trusted.all())
    True
    """
    missing = [c for c in QBM_GRADIENT_PROFILE.names if c not in table]
    if missing:
        raise ValueError(f"`table` lacks the column(s) {missing}.")
    if table.empty:
        raise ValueError("`table` has no rows.")
    if not 0 < trust_ratio <= 1:
        raise ValueError(f"`trust_ratio` must be in (0, 1], got {trust_ratio}.")
    records = []
    for (n, d), g in table.groupby(["n", "distance"], sort=True):
        per_sample = table[table.n == n].drop_duplicates("sample")
        norms = per_sample.inf_norm.to_numpy()
        s1, s2 = g["sum"].to_numpy(), g.sum_squares.to_numpy()
        m = g.num_parameters.to_numpy()
        M = int(m.sum())
        mean = float(s1.sum() / M)
        variance = (
            float((s2.sum() - s1.sum() ** 2 / M) / (M - 1)) if M > 1 else math.nan
        )
        rms = math.sqrt(float(s2.sum()) / M)
        bound = _max(g.error_bound.to_numpy())
        relative = bound / rms if rms > 0 else math.inf
        records.append(
            dict(
                n=int(n),
                distance=int(d),
                samples=len(g),
                num_parameters=int(m[0]),
                mean=mean,
                variance=variance,
                variance_se=_jackknife_variance_se(s1, s2, m),
                rms=rms,
                max_abs=float(g.max_abs.max()),
                error_bound=bound,
                step_error=_max(g.step_error.to_numpy()),
                truncation_error=_max(g.truncation_error.to_numpy()),
                trotter_error=_max(g.trotter_error.to_numpy()),
                relative_error=relative,
                trusted=bool(g.trusted.all() and relative <= trust_ratio),
                dense_deviation=float(g.dense_deviation.max()),
                inf_norm_mean=float(norms.mean()),
                inf_norm_variance=(
                    float(norms.var(ddof=1)) if norms.size > 1 else math.nan
                ),
                inf_norm_variance_se=variance_standard_error(norms),
                max_bond_reached=int(g.max_bond_reached.max()),
                truncation_distance=float(g.truncation_distance.max()),
                hamiltonian_norm=float(per_sample.hamiltonian_norm.mean()),
                seconds=float(per_sample.seconds.mean()),
                cpu_seconds=float(per_sample.cpu_seconds.mean()),
            )
        )
    return QBM_GRADIENT_PROFILE_SUMMARY.frame(records)
