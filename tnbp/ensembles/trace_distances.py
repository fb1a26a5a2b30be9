r"""How close the visible state is to maximally mixed, over random models.

arXiv:2010.15968 (Sec. IV, Figs. 3a and 4, App. C) compares, against the
number of hidden units, the trace distance

.. math::

    T = \tfrac12 \big\|\rho_v - I/D_v\big\|_1, \qquad
    \rho_v = \mathrm{Tr}_h\,\rho,

with the Haar bound :math:`\mathbb E\,T \le \tfrac12\sqrt{D_v/D_h}`
(:func:`tnbp.theory.haar_trace_distance_bound`) for three models, each drawn
at random per instance (:data:`MODELS`):

``"gue"``
    :math:`e^{-iHt}|0\cdots0\rangle` with :math:`H` from the GUE
    (:func:`tnbp.gue_matrix`: semicircle on :math:`[-2, 2]`) at time
    ``time`` (the paper's :math:`t = 10`), by :func:`tnbp.evolve` (dense).
``"unitary_qnn"``
    :math:`\prod_k e^{-i\theta_k H_k}|0\cdots0\rangle`,
    :math:`\theta_k \sim U[0, 1)` (Fig. 4b), the :math:`H_k` running once over
    every term of eq. (C1) in a random order (the paper "exhaustively
    sampled from the individual terms"): :func:`tnbp.ansatz.unitary_qnn`
    with ``shuffle=True``.
``"unitary_qnn_ordered"``
    The same with the terms in their fixed order (onsite terms first, then
    the pairs in lexicographic order; ``shuffle=False``). It is not a
    scrambler: with positive angles the nine rotations of a pair act
    roughly as one Ising coupling along :math:`(1, 1, 1)/\sqrt3`, and such
    couplings commute, so the visible qubit keeps most of its polarization
    (:math:`T \approx 0.4` at every size, where the shuffled order follows
    the Haar value).
``"qbm"``
    The Gibbs state :math:`e^{-\beta H}/Z` of the random 2-local
    Hamiltonian of eq. (C1) (:func:`tnbp.hamiltonian.random_two_local`,
    onsite :math:`N(0, 0.01)`, offsite :math:`N(0, 1)`) divided by its
    operator norm (Fig. 4c), by :func:`tnbp.gibbs_state`. At
    :math:`\beta = 1` the normalized state is close to :math:`I/D` as a
    whole (:math:`\beta\|H\| = 1`), so :math:`T` is small for a reason that
    has nothing to do with entanglement: to first order in :math:`\beta`,
    :math:`\rho_v \approx I/2 - \beta\,\mathrm{Tr}_h H/D`, the visible onsite
    field over :math:`\|H\|`.

The visible qubits are the first ``n_visible``. :func:`trace_distance_ensemble`
gives one row per instance; :func:`trace_distance_summary` reduces them, per
hidden-unit count, to the mean, median and histogram peak (the statistic
marked in Fig. 3a) with standard errors, the fraction of instances under the
bound, and for one visible qubit the exact Haar values
(:func:`tnbp.theory.haar_qubit_trace_distance_statistics`) beside them.

Runs on :mod:`tnbp.ensembles.engine`: instance ``s`` of ``model`` at
``(n_visible, n_hidden)`` gets the seed ``SeedSequence(entropy,
spawn_key=(code, n_visible, n_hidden, s))`` with ``code`` the model's index in
:data:`MODELS`, so the table depends on neither the executor, nor the
chunking, nor the other sizes or models of the run, nor the backend (an MPS
run draws the same instances as a dense one).

References
----------
.. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
   barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968: Sec. IV
   (Proposition 2, eq. 7), Sec. VII, Fig. 3a, App. C (eq. C1) and Fig. 4.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings

import numpy as np
import pandas as pd

from .._checks import (
    as_seed_sequence,
    check_beta,
    check_int,
    check_int_values,
    check_opt,
    check_real,
)
from ..estimators.distance import trace_distance_to_maximally_mixed
from ..limits import MAX_DENSE_GIBBS_QUBITS, MAX_DENSE_QUBITS, MAX_GUE_QUBITS
from ..models.ansatz import unitary_qnn
from ..models.gue import gue_matrix
from ..models.hamiltonian import random_two_local
from ..references import theory
from ..results.schema import TRACE_DISTANCE_ENSEMBLE, TRACE_DISTANCE_SUMMARY
from ..states.evolution import evolve
from ..states.gibbs.api import gibbs_state
from ..states.record import TruncationWarning
from ..states.simulate import simulate, simulate_batch
from .engine import Chunk, check_samples, chunks, run_tasks, seed_label
from .statistics import BOOTSTRAP_RESAMPLES, median_estimate, peak_estimate

#: the models, in the order that gives each its seed code
MODELS = ("gue", "unitary_qnn", "unitary_qnn_ordered", "qbm")
#: backends each model runs on
BACKENDS = {
    "gue": ("dense",),
    "unitary_qnn": ("dense", "mps"),
    "unitary_qnn_ordered": ("dense", "mps"),
    "qbm": ("dense", "mps"),
}
#: largest register per model on the dense backend
_DENSE_LIMITS = {
    "gue": MAX_GUE_QUBITS,
    "unitary_qnn": MAX_DENSE_QUBITS,
    "unitary_qnn_ordered": MAX_DENSE_QUBITS,
    "qbm": MAX_DENSE_GIBBS_QUBITS,
}


@dataclasses.dataclass(frozen=True)
class TraceDistanceSample:
    r"""The visible state of one random instance.

    Attributes
    ----------
    trace_distance : float
        :math:`T = \tfrac12\|\rho_v - I/D_v\|_1` (dimensionless).
    error_bound : float
        Bound on :math:`|T - T_{\rm exact}|` from every source tnbp knows
        (:attr:`tnbp.Estimate.error_bound`: truncation, and the Trotter error
        of purified Gibbs states; 0 for dense states).
    trusted : bool
        The state had no caveats.
    max_bond_reached : float
        Largest bond dimension of an MPS state; NaN for dense states.
    """

    trace_distance: float
    error_bound: float
    trusted: bool
    max_bond_reached: float


def _state(model: str, n: int, rng, opts: dict):
    """One random instance of ``model`` on ``n`` qubits, as a State."""
    backend = opts["backend"]
    if model == "gue":
        return evolve(gue_matrix(n, seed=rng), opts["time"])
    if model in ("unitary_qnn", "unitary_qnn_ordered"):
        circuit = unitary_qnn(n, shuffle=model == "unitary_qnn", seed=rng)
        extra = {} if backend == "dense" else dict(max_bond=opts["max_bond"])
        return simulate(circuit, backend=backend, **extra)
    H = random_two_local(
        n, onsite_std=opts["onsite_std"], offsite_std=opts["offsite_std"], seed=rng
    )
    if opts["normalize"]:
        H = H.normalized()
    extra = {} if backend == "dense" else dict(max_bond=opts["max_bond"])
    return gibbs_state(H, opts["beta"], backend=backend, **extra)


def _trace_distance_task(chunk: Chunk, seeds, *, model: str, opts: dict):
    """Trace distances of the random instances of one chunk.

    The instances of ``"unitary_qnn_ordered"`` share one circuit structure:
    on the MPS backend a chunk's run as one batch (:func:`tnbp.simulate_batch`;
    the same states and records as one at a time, to rounding).
    """
    _, n_visible, n_hidden = chunk.group
    n = n_visible + n_hidden
    rngs = [np.random.default_rng(seed) for seed in seeds]
    if model == "unitary_qnn_ordered" and opts["backend"] == "mps":
        states = simulate_batch(
            [unitary_qnn(n, shuffle=False, seed=rng) for rng in rngs],
            max_bond=opts["max_bond"],
        )
    else:
        states = [_state(model, n, rng, opts) for rng in rngs]
    rows = []
    for state in states:
        with warnings.catch_warnings():  # counted in `trusted`, warned about once
            warnings.simplefilter("ignore", TruncationWarning)
            t = trace_distance_to_maximally_mixed(state, range(n_visible))
        rows.append(
            TraceDistanceSample(
                float(t),
                float(t.error_bound),
                bool(state.trusted),
                np.nan if opts["backend"] == "dense" else float(state.max_bond_reached),
            )
        )
    return rows


def trace_distance_ensemble(
    model: str,
    n_visible: int,
    hidden_values,
    *,
    samples: int = 100,
    time: float = 10.0,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    normalize: bool = True,
    backend: str = "dense",
    max_bond: int | None = None,
    seed=None,
    executor=None,
    chunk_size: int = 8,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Trace distances :math:`\tfrac12\|\rho_v - I/D_v\|_1` of random instances of a model.

    For each hidden-unit count, ``samples`` random instances of ``model`` on
    ``n_visible + n_hidden`` qubits (see :mod:`tnbp.ensembles.trace_distances`
    for the models), each reduced to its first ``n_visible`` qubits.

    Parameters
    ----------
    model : {"gue", "unitary_qnn", "unitary_qnn_ordered", "qbm"}
        The random model (:data:`MODELS`).
    n_visible : int
        Visible qubits ``0..n_visible-1``, ``>= 1``.
    hidden_values : sequence of int
        Distinct numbers of hidden qubits, each ``>= 0``.
    samples : int, optional
        Instances per hidden-unit count, ``>= 1``.
    time : float, optional
        Evolution time :math:`t` of ``"gue"`` (default 10, the paper's), in
        units where the GUE semicircle has radius 2; finite.
    beta : float, optional
        Inverse temperature of ``"qbm"``, ``>= 0``, in units of the inverse
        (normalized) energy.
    onsite_std, offsite_std : float, optional
        Standard deviations of the onsite and offsite coefficients of
        ``"qbm"``'s Hamiltonian (defaults: variances 0.01 and 1, the paper's).
    normalize : bool, optional
        Divide ``"qbm"``'s Hamiltonian by its operator norm (the paper's).
    backend : {"dense", "mps"}, optional
        Simulation backend (``"gue"`` runs dense only). The instances do not
        depend on it.
    max_bond : int or None, optional
        Bond cap of ``"mps"`` states, circuits and purified Gibbs states alike
        (None: no cap).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        The root seed (see :mod:`tnbp.ensembles.trace_distances`).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        Where the tasks run (:func:`tnbp.ensembles.engine.run_tasks`); the table
        does not depend on it.
    chunk_size : int, optional
        Instances per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over instances.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n_hidden, sample)``, hidden-unit counts in the order
        given and samples in order, with the columns of
        :data:`tnbp.results.schema.TRACE_DISTANCE_ENSEMBLE` (dtypes, units and
        meanings there): ``model``, ``n_visible``, ``n_hidden``, ``sample``,
        ``trace_distance``, ``bound`` :math:`= \tfrac12\sqrt{D_v/D_h}`,
        ``under_bound``, ``error_bound``, ``trusted``,
        ``max_bond_reached``, ``backend``, ``time`` and ``beta`` (NaN where
        the model has no such parameter) and ``seed``.

    Raises
    ------
    TypeError
        If ``hidden_values`` is not a sequence of ints, ``n_visible``,
        ``samples`` or ``chunk_size`` is not an integer, ``time`` or ``beta``
        is not a real number, ``seed`` has an invalid type, or ``executor`` is
        not one of the choices.
    ValueError
        If ``model`` or ``backend`` is not one of the options (or ``"gue"``
        is asked for on ``"mps"``), ``hidden_values`` is empty, repeats a
        value or holds a negative one, ``n_visible``, ``samples`` or
        ``chunk_size`` is below 1, ``samples`` is above
        :data:`~tnbp.limits.MAX_SAMPLES`, the largest register exceeds the
        model's dense limit (:data:`~tnbp.limits.MAX_GUE_QUBITS`,
        :data:`~tnbp.limits.MAX_DENSE_QUBITS` or
        :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS`) on ``"dense"``, ``time`` is
        not finite, ``beta`` is negative or not finite, or ``seed`` is
        negative. Errors of ``onsite_std``, ``offsite_std`` and ``max_bond`` are
        raised by the first task that meets them.

    Warns
    -----
    TruncationWarning
        Once, when any instance's state had caveats (column ``trusted``).

    See Also
    --------
    trace_distance_summary : Means, medians, peaks and the fraction under the
        bound per hidden-unit count.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Fig. 3a, Fig. 4 and App. C (eq. C1).

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.trace_distance_ensemble("gue", 1, [2, 4], samples=3, seed=1, executor="serial")
    >>> df[["n_hidden", "sample"]].values.tolist()
    [[2, 0], [2, 1], [2, 2], [4, 0], [4, 1], [4, 2]]
    >>> bool((df.trace_distance <= 0.5).all()), df.bound.tolist()[::3]
    (True, [0.3535533905932738, 0.1767766952966369])
    """
    check_opt("model", model, MODELS)
    check_opt("backend", backend, ("dense", "mps"))
    if backend not in BACKENDS[model]:
        raise ValueError(
            f"`backend`={backend!r} is not available for model {model!r}; it runs "
            f"on {BACKENDS[model]}."
        )
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    hidden_values = check_int_values(hidden_values, "hidden_values", minimum=0)
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    time = check_real(time, "time")
    beta = check_beta(beta)
    largest = n_visible + max(hidden_values)
    if backend == "dense" and largest > _DENSE_LIMITS[model]:
        raise ValueError(
            f"`hidden_values`: model {model!r} runs dense up to "
            f"{_DENSE_LIMITS[model]} qubits, got n_visible + {max(hidden_values)} "
            f"= {largest}."
        )
    opts = dict(
        time=time,
        beta=beta,
        onsite_std=onsite_std,
        offsite_std=offsite_std,
        normalize=bool(normalize),
        backend=backend,
        max_bond=max_bond,
    )
    root = as_seed_sequence(seed)
    code = MODELS.index(model)
    results = run_tasks(
        functools.partial(_trace_distance_task, model=model, opts=opts),
        chunks([(code, n_visible, h) for h in hidden_values], samples, chunk_size),
        seed=root,
        executor=executor,
        progbar=progbar,
        desc=f"{model} instances",
    )
    labels = dict(
        model=model,
        n_visible=n_visible,
        backend=backend,
        time=time if model == "gue" else np.nan,
        beta=beta if model == "qbm" else np.nan,
        seed=seed_label(root),
    )
    records = []
    for (_, _, h), rows in results.items():
        bound = theory.haar_trace_distance_bound(n_visible, h)
        records += [
            dict(
                labels,
                n_hidden=h,
                sample=s,
                bound=bound,
                under_bound=bool(r.trace_distance <= bound),
                **dataclasses.asdict(r),
            )
            for s, r in enumerate(rows)
        ]
    table = TRACE_DISTANCE_ENSEMBLE.frame(records)
    untrusted = int((~table.trusted).sum())
    if untrusted:
        warnings.warn(
            f"trace_distance_ensemble: {untrusted} of {len(table)} states had "
            "caveats (truncation beyond tolerance); see the columns trusted and "
            "error_bound, and raise max_bond.",
            TruncationWarning,
            stacklevel=2,
        )
    return table


#: columns of the ensemble table that name a setting (one summary row per setting)
_SETTING = ("model", "n_visible", "n_hidden", "backend", "time", "beta", "seed")


def trace_distance_summary(
    table: pd.DataFrame, *, resamples: int = BOOTSTRAP_RESAMPLES
) -> pd.DataFrame:
    r"""Per hidden-unit count: mean, median and peak of :math:`T`, and the fraction under the bound.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`trace_distance_ensemble` (several calls may be
        concatenated: one summary row per model, size, backend and setting).
    resamples : int, optional
        Bootstrap resamples behind ``median_se`` and ``peak_se``
        (:func:`tnbp.ensembles.statistics.peak_estimate`; seeded, so the
        summary is reproducible), ``>= 2``.

    Returns
    -------
    pandas.DataFrame
        One row per ``(model, n_visible, n_hidden, backend, time, beta,
        seed)``, in the table's order, with the columns of
        :data:`tnbp.results.schema.TRACE_DISTANCE_SUMMARY`: ``samples``;
        ``mean`` and ``mean_se``; ``median`` and ``median_se``; ``peak`` and
        ``peak_se`` (mode of a kernel density estimate reflected at 0 and
        :math:`1 - 1/D_v`; the paper's "maximum peak of the data
        histograms"); ``fraction_under_bound`` with its binomial standard
        error; ``bound``; the exact Haar ``haar_mean``, ``haar_median``,
        ``haar_mode``, ``haar_fraction_under_bound`` (one visible qubit and
        ``n_hidden >= 1``, else NaN); ``max_error_bound``,
        ``untrusted`` and ``max_bond_reached``.

    Raises
    ------
    ValueError
        If ``table`` lacks a column of
        :data:`~tnbp.results.schema.TRACE_DISTANCE_ENSEMBLE` or a group has
        fewer than two samples or no spread.
    TypeError
        If ``table`` is not a DataFrame or ``resamples`` is not an integer.

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.trace_distance_ensemble("gue", 1, [3], samples=40, seed=2, executor="serial")
    >>> row = tnbp.trace_distance_summary(df).iloc[0]
    >>> bool(abs(row["mean"] - row.haar_mean) < 4 * row.mean_se)
    True
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`table` must be a pandas.DataFrame, got {type(table)!r}.")
    missing = [c for c in TRACE_DISTANCE_ENSEMBLE.names if c not in table]
    if missing:
        raise ValueError(f"`table` lacks the column(s) {missing}.")
    resamples = check_int(resamples, "resamples", minimum=2)
    records = []
    for key, rows in table.groupby(list(_SETTING), sort=False, dropna=False):
        setting = dict(zip(_SETTING, key))
        x = rows.trace_distance.to_numpy()
        m = x.size
        if m < 2:
            raise ValueError(
                f"`table`: {setting} has {m} sample; a summary needs at least two."
            )
        n_visible, n_hidden = int(setting["n_visible"]), int(setting["n_hidden"])
        # one bootstrap stream per size: the summary of a size is reproducible
        boot = np.random.SeedSequence(0, spawn_key=(n_visible, n_hidden))
        fraction = float(rows.under_bound.mean())
        if n_visible == 1 and n_hidden >= 1:
            haar = theory.haar_qubit_trace_distance_statistics(n_hidden)
        else:
            haar = dict.fromkeys(("mean", "median", "mode", "fraction_under_bound"))
        bonds = rows.max_bond_reached.to_numpy()
        records.append(
            dict(
                setting,
                n_visible=n_visible,
                n_hidden=n_hidden,
                samples=m,
                mean=float(x.mean()),
                mean_se=float(x.std(ddof=1) / np.sqrt(m)),
                **median_estimate(x, resamples=resamples, seed=boot),
                **peak_estimate(
                    x,
                    bounds=(0.0, 1.0 - 2.0**-n_visible),
                    resamples=resamples,
                    seed=boot,
                ),
                fraction_under_bound=fraction,
                fraction_under_bound_se=float(np.sqrt(fraction * (1 - fraction) / m)),
                bound=float(rows.bound.iloc[0]),
                haar_mean=_nan(haar["mean"]),
                haar_median=_nan(haar["median"]),
                haar_mode=_nan(haar["mode"]),
                haar_fraction_under_bound=_nan(haar["fraction_under_bound"]),
                max_error_bound=float(rows.error_bound.max()),
                untrusted=int((~rows.trusted.astype(bool)).sum()),
                max_bond_reached=float(np.nanmax(bonds))
                if np.isfinite(bonds).any()
                else np.nan,
            )
        )
    return TRACE_DISTANCE_SUMMARY.frame(records)


def _nan(value) -> float:
    return np.nan if value is None else float(value)
