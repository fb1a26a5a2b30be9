r"""QBM gradient statistics over random Hamiltonians, against the number of hidden units.

arXiv:2010.15968 (Sec. V.B, Theorem 4, Fig. 3c): for a Gibbs state of a random
2-local Hamiltonian (eq. C1, normalized by its operator norm), derivatives of
a visible objective :math:`\mathrm{Tr}(O_v\rho_v)` with respect to
coefficients of terms that touch hidden qubits shrink exponentially with the
number of hidden units, while those of purely visible terms need not.
:func:`qbm_gradient_variance` measures both groups and the gradient's
infinity-norm; :func:`qbm_trace_distance_gradient_variance` measures the
quantity of the paper's Fig. 3c itself, the finite-difference gradient of the
trace distance between the visible state and its perturbation, beside its
exact limit. Both draw the same Hamiltonians from the same ``seed``.

Runs on :mod:`tnbp.ensembles.engine`: sample ``s`` at ``n_hidden`` uses
``SeedSequence(entropy, spawn_key=(n_hidden, s))``, so results do not depend on
the executor or its worker count. The table's columns are
:data:`tnbp.results.schema.QBM_GRADIENT_VARIANCE`.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd

from .._checks import (
    as_seed_sequence,
    check_beta,
    check_int,
    check_int_values,
    check_real,
)
from ..gradients.qbm import (
    check_method,
    observable_gradient_with_diagnostics,
    trace_distance_gradient,
)
from ..limits import MAX_DENSE_GIBBS_QUBITS
from ..models.hamiltonian import random_two_local
from ..models.qbm import QBM
from ..results.schema import QBM_GRADIENT_VARIANCE, QBM_TRACE_DISTANCE_GRADIENT
from .engine import Chunk, check_samples, chunks, run_tasks, seed_label
from .statistics import (
    inf_norm_comparison,
    variance_standard_error,
    warn_untrusted_runs,
)

GROUPS = ("visible", "hidden")


@dataclasses.dataclass(frozen=True)
class QBMGradientSample:
    r"""The gradient of one random QBM, split by where its terms act.

    Attributes
    ----------
    visible : numpy.ndarray of float64, shape (k_v,)
        Derivatives :math:`\partial_k\mathrm{Tr}(O_v\rho_v)` by the coefficients
        of terms on visible qubits only, in the order of the Hamiltonian's terms.
    hidden : numpy.ndarray of float64, shape (k_h,)
        Derivatives by the coefficients of terms touching a hidden qubit.
    inf_norm : float
        :math:`\max_k |\partial_k \mathrm{Tr}(O_v\rho_v)|` over all terms.
    untrusted_runs : int
        Gibbs states behind the gradient that had caveats
        (:attr:`tnbp.State.trusted` False, e.g. truncated MPS).
    """

    visible: np.ndarray
    hidden: np.ndarray
    inf_norm: float
    untrusted_runs: int


def _random_qbm(n_visible: int, n_hidden: int, seed, opts: dict):
    """The QBM of one sample and its drawn coefficients.

    One place, so that every QBM ensemble of one ``seed`` sees the same instances.
    """
    H = random_two_local(
        n_visible + n_hidden,
        onsite_std=opts["onsite_std"],
        offsite_std=opts["offsite_std"],
        pairs=opts["pairs"],
        seed=np.random.default_rng(seed),
    )
    if opts["normalize"]:
        H = H.normalized()
    return QBM.from_hamiltonian(H, range(n_visible), beta=opts["beta"])


def _qbm_task(chunk: Chunk, seeds, *, n_visible: int, opts: dict):
    """Gradients of the random QBMs of one chunk (``chunk.group`` hidden qubits)."""
    rows = []
    for seed in seeds:
        qbm, theta = _random_qbm(n_visible, chunk.group, seed, opts)
        grad, diagnostics = observable_gradient_with_diagnostics(
            qbm,
            theta,
            opts["observable"],
            method=opts["method"],
            backend=opts["backend"],
            step=opts["step"],
            gibbs_opts=opts["gibbs_opts"],
        )
        hidden = np.array([any(q >= n_visible for q in qs) for _, qs in qbm.generators])
        rows.append(
            QBMGradientSample(
                grad[~hidden],
                grad[hidden],
                float(np.abs(grad).max()),
                diagnostics.untrusted_runs,
            )
        )
    return rows


def _records(n_hidden: int, rows: list[QBMGradientSample], labels: dict):
    """The table rows of one hidden-unit count: one per non-empty group."""
    norms = np.array([r.inf_norm for r in rows])
    common = dict(
        n_hidden=n_hidden,
        samples=len(rows),
        inf_norm_mean=float(norms.mean()),
        inf_norm_variance=float(norms.var(ddof=1)) if len(rows) > 1 else np.nan,
        inf_norm_variance_se=variance_standard_error(norms),
        untrusted_runs=sum(r.untrusted_runs for r in rows),
        **labels,
    )
    out = []
    for group in GROUPS:
        g = np.concatenate([getattr(r, group) for r in rows])
        if g.size == 0:
            continue
        out.append(
            dict(
                common,
                group=group,
                num_parameters=g.size // len(rows),
                mean=float(g.mean()),
                variance=float(g.var(ddof=1)) if g.size > 1 else np.nan,
                variance_se=variance_standard_error(g),
            )
        )
    return out


def qbm_gradient_variance(
    n_visible: int,
    hidden_values,
    *,
    samples: int = 100,
    observable=None,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    pairs: str = "all",
    normalize: bool = True,
    method: str | None = None,
    backend: str = "dense",
    step: float = 1e-3,
    gibbs_opts: dict | None = None,
    seed=None,
    executor=None,
    chunk_size: int = 4,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""QBM gradients :math:`\partial_k\mathrm{Tr}(O_v\rho_v)` against the hidden-unit count.

    For each hidden-unit count, ``samples`` random Hamiltonians
    :math:`H = \sum_k \theta_k H_k` (:func:`tnbp.hamiltonian.random_two_local`)
    give QBMs :math:`\rho = e^{-\beta H}/Z` on ``n_visible + n_hidden`` qubits;
    each is differentiated with respect to its coefficients :math:`\theta_k` at
    their drawn values (:func:`tnbp.qbm.observable_gradient`).

    Parameters
    ----------
    n_visible : int
        Visible qubits ``0..n_visible-1``, ``>= 1``.
    hidden_values : sequence of int
        Distinct numbers of hidden qubits, each ``>= 0`` (appended after the
        visible ones).
    samples : int, optional
        Random Hamiltonians per hidden-unit count, ``>= 1``.
    observable : Observable or list of (coeff, pauli, qubits), optional
        :math:`O_v` on visible qubits (None: the default :math:`Z_0`; an empty
        list is refused).
    beta : float, optional
        Inverse temperature :math:`\beta \ge 0`, in units of the inverse of the
        (normalized) Hamiltonian's energy.
    onsite_std : float, optional
        Standard deviation of the onsite coefficients of eq. (C1) (default 0.1:
        variance 0.01 as in the paper), before normalization.
    offsite_std : float, optional
        Standard deviation of the offsite coefficients (default 1.0).
    pairs : {"all", "nearest"}, optional
        The coupled pairs: all ``i < j`` or nearest neighbours of an open chain.
    normalize : bool, optional
        Divide :math:`H` by its operator norm (the paper's normalized QBM), so
        its coefficients are dimensionless.
    method : {None, "exact", "finite_difference"}, optional
        Passed to :func:`tnbp.qbm.observable_gradient`; None (default):
        ``"exact"`` on the dense backend, ``"finite_difference"`` on mps, and
        the table's ``method`` column records the one used.
    backend : {"dense", "mps"}, optional
        Backend of the Gibbs states (``"exact"`` needs ``"dense"``).
    step : float, optional
        Finite-difference step in units of :math:`\theta` (``"finite_difference"``
        only).
    gibbs_opts : dict, optional
        Options of :func:`tnbp.gibbs_state` for the finite-difference states.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        As in :func:`tnbp.gradient_variance` (sample ``s`` at ``n_hidden`` gets
        the spawn key ``(n_hidden, s)``).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`tnbp.gradient_variance`.
    chunk_size : int, optional
        Samples per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n_hidden, group)``, ``group`` being ``"visible"`` (terms
        on visible qubits only) or ``"hidden"`` (terms touching a hidden
        qubit; no row for ``n_hidden = 0``), with the columns of
        :data:`tnbp.results.schema.QBM_GRADIENT_VARIANCE`, where their dtypes,
        units and meanings are defined: ``mean``, ``variance`` and
        ``variance_se`` of the derivatives pooled over the group's parameters and
        the samples, ``num_parameters``; per ``n_hidden``: ``inf_norm_mean``,
        ``inf_norm_variance``, ``inf_norm_variance_se``, ``untrusted_runs``
        (samples whose Gibbs states had caveats); and ``samples``, ``method``,
        ``backend``, ``seed``. The pooled standard error treats
        derivatives as independent; those of one sample are correlated, so read
        it as indicative.

    Raises
    ------
    TypeError
        If ``hidden_values`` is not a sequence (e.g. a single int),
        ``n_visible``, ``hidden_values``, ``samples`` or ``chunk_size`` holds
        a non-integer, ``beta`` is not a real number, ``seed`` has the wrong
        type, ``executor`` is not one of the choices, or a process pool cannot
        pickle ``observable``.
    ValueError
        If ``hidden_values`` is empty, repeats a value or holds a negative one,
        ``n_visible``, ``samples`` or ``chunk_size`` is below 1, ``samples``
        is above :data:`tnbp.limits.MAX_SAMPLES`, ``backend`` or
        ``method`` is not one of the options (or ``method="exact"`` is asked
        of ``backend="mps"``), ``backend="dense"`` would need more than
        :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS` qubits, ``observable`` is
        an empty list, ``beta`` is
        negative or not finite, ``seed`` is negative, or ``executor`` is an
        unknown name or was shut down. Errors of the model options
        (``onsite_std``, ``pairs``, ``observable``, ``gibbs_opts``, ...) are
        raised by the first task that meets them.

    Warns
    -----
    TruncationWarning
        Once, when any sample's gradient rested on Gibbs states with caveats
        (finite differences of truncated MPS; the rows' ``untrusted_runs``
        count such samples): the variances may be biased.

    See Also
    --------
    tnbp.gradient_variance : The same for random circuits.
    tnbp.fit_exponential_decay : Fit the decay of the variances with ``n_hidden``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. V.B and Theorem 4 (QBM gradients vanish with the hidden units),
       Fig. 3c (variance of the gradient's infinity-norm, normalized QBM) and
       eq. (C1) (the random 2-local Hamiltonian).
    """
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    hidden_values = check_int_values(hidden_values, "hidden_values", minimum=0)
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    method = check_method(method, backend)  # None: the backend's best
    if backend == "dense" and n_visible + max(hidden_values) > MAX_DENSE_GIBBS_QUBITS:
        raise ValueError(  # up front: a task would only fail after building its H
            f"`hidden_values`: backend='dense' holds at most {MAX_DENSE_GIBBS_QUBITS} "
            f"qubits, got n_visible + {max(hidden_values)} = "
            f"{n_visible + max(hidden_values)}; use backend='mps'."
        )
    if observable is None:
        observable = [(1.0, "Z", (0,))]
    elif isinstance(observable, (list, tuple)) and not observable:
        raise ValueError(
            "`observable` must not be empty (a zero objective); pass None for the "
            "default Z_0."
        )
    opts = dict(
        observable=observable,
        beta=check_beta(beta),
        onsite_std=onsite_std,
        offsite_std=offsite_std,
        pairs=pairs,
        normalize=bool(normalize),
        method=method,
        backend=backend,
        step=step,
        gibbs_opts=gibbs_opts,
    )
    root = as_seed_sequence(seed)
    results = run_tasks(
        functools.partial(_qbm_task, n_visible=n_visible, opts=opts),
        chunks(hidden_values, samples, chunk_size),
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="qbm gradients",
        payload="`observable`",
    )
    labels = dict(method=method, backend=backend, seed=seed_label(root))
    table = QBM_GRADIENT_VARIANCE.frame(
        record for h, rows in results.items() for record in _records(h, rows, labels)
    )
    warn_untrusted_runs(
        table, group="n_hidden", what="qbm_gradient_variance", options="gibbs_opts"
    )
    return table


@dataclasses.dataclass(frozen=True)
class TraceDistanceGradientSample:
    r"""How far one random QBM's visible state moves per unit of each coefficient.

    Attributes
    ----------
    fd : numpy.ndarray of float64, shape (K,)
        :math:`T(\rho_v(\theta), \rho_v(\theta + h e_k))/h`
        (:func:`tnbp.qbm.trace_distance_gradient`, finite differences), in the
        order of the Hamiltonian's terms.
    exact : numpy.ndarray of float64, shape (K,)
        Its limit :math:`\tfrac12\|\partial_k\rho_v\|_1` (Duhamel formula).
    """

    fd: np.ndarray
    exact: np.ndarray


def _trace_distance_task(chunk: Chunk, seeds, *, n_visible: int, opts: dict):
    """Both gradients of the random QBMs of one chunk (``chunk.group`` hidden qubits)."""
    rows = []
    for seed in seeds:
        qbm, theta = _random_qbm(n_visible, chunk.group, seed, opts)
        fd = trace_distance_gradient(
            qbm, theta, method="finite_difference", step=opts["step"]
        )
        rows.append(
            TraceDistanceGradientSample(
                fd, trace_distance_gradient(qbm, theta, method="exact")
            )
        )
    return rows


def qbm_trace_distance_gradient_variance(
    n_visible: int,
    hidden_values,
    *,
    samples: int = 100,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    pairs: str = "all",
    normalize: bool = True,
    step: float = 1e-3,
    seed=None,
    executor=None,
    chunk_size: int = 4,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Variance of :math:`\|\nabla T\|_\infty` of random QBMs vs hidden units (Fig. 3c).

    The quantity of arXiv:2010.15968, Fig. 3c: for each random Hamiltonian
    :math:`H(\theta) = \sum_k\theta_k H_k` (eq. C1,
    :func:`tnbp.hamiltonian.random_two_local`, normalized by its operator norm
    by default) on ``n_visible + n_hidden`` qubits, the gradient vector of the
    trace distance between the visible state and its perturbation,

    .. math::

        g_k = \frac{T\big(\rho_v(\theta), \rho_v(\theta + h e_k)\big)}{h},
        \qquad \rho_v = \mathrm{Tr}_h\, e^{-\beta H(\theta)}/Z,

    by forward finite differences of dense Gibbs states, beside its exact
    :math:`h \to 0` limit :math:`\tfrac12\|\partial_k\rho_v\|_1`
    (:func:`tnbp.qbm.trace_distance_gradient`); then the mean and variance
    over the Hamiltonians of :math:`\max_k g_k` for both.

    Parameters
    ----------
    n_visible : int
        Visible qubits ``0..n_visible-1``, ``>= 1``.
    hidden_values : sequence of int
        Distinct numbers of hidden qubits, each ``>= 0``, with ``n_visible +
        max(hidden_values) <= MAX_DENSE_GIBBS_QUBITS``.
    samples : int, optional
        Random Hamiltonians per hidden-unit count, ``>= 1``.
    beta : float, optional
        Inverse temperature :math:`\beta \ge 0`, in units of the inverse of
        the (normalized) Hamiltonian's energy.
    onsite_std : float, optional
        Standard deviation of the onsite coefficients of eq. (C1) (default 0.1:
        variance 0.01, the paper's), before normalization.
    offsite_std : float, optional
        Standard deviation of the offsite coefficients (default 1.0).
    pairs : {"all", "nearest"}, optional
        The coupled pairs: all ``i < j`` or nearest neighbours of an open chain.
    normalize : bool, optional
        Divide :math:`H` by its operator norm (the paper's normalized QBM).
    step : float, optional
        The forward step :math:`h > 0`, in units of :math:`\theta`; the
        finite differences differ from the limit by
        :math:`O(h\,\|\partial_k^2\rho_v\|_1)` (the table's
        ``max_deviation``).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        As in :func:`tnbp.qbm_gradient_variance`, which draws the same
        Hamiltonians from the same seed (sample ``s`` at ``n_hidden`` gets the
        spawn key ``(n_hidden, s)``).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`tnbp.gradient_variance`.
    chunk_size : int, optional
        Samples per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``n_hidden``, with the columns of
        :data:`tnbp.results.schema.QBM_TRACE_DISTANCE_GRADIENT`:
        ``inf_norm_mean``, ``inf_norm_variance`` and ``inf_norm_variance_se``
        of the finite differences (``_fd``) and of the exact limit
        (``_exact``), ``max_deviation`` between the two, ``num_parameters``,
        ``samples``, ``step`` and ``seed``.

    Raises
    ------
    TypeError
        If ``hidden_values`` is not a sequence, ``n_visible``, a hidden-unit
        count, ``samples`` or ``chunk_size`` is not an integer, ``beta`` or
        ``step`` is not a real number, ``seed`` has the wrong type or
        ``executor`` is not one of the choices.
    ValueError
        If ``hidden_values`` is empty, repeats a value or holds a negative one,
        ``n_visible``, ``samples`` or ``chunk_size`` is below 1, ``samples``
        is above :data:`tnbp.limits.MAX_SAMPLES`, the largest model has more
        than :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS` qubits, ``beta`` is
        negative or not finite, ``step`` is not positive and finite, ``seed``
        is negative, or ``executor`` is an unknown name or was shut down.
        Errors of the model options (``onsite_std``, ``pairs``) are raised by
        the first task that meets them.

    See Also
    --------
    tnbp.qbm_gradient_variance : The gradient of an observable on the same instances.
    tnbp.fit_exponential_decay : Fit the decay of the variances with ``n_hidden``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. VII and Fig. 3c (the trace-distance gradient of the normalized
       QBM, 1000 instances per point), Theorems 3-4 and eq. (C1).

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.qbm_trace_distance_gradient_variance(
    ...     1, [1, 2], samples=4, seed=0, executor="serial")
    >>> df.num_parameters.tolist(), bool((df.max_deviation < 1e-4).all())
    ([15, 36], True)
    """
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    hidden_values = check_int_values(hidden_values, "hidden_values", minimum=0)
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if n_visible + max(hidden_values) > MAX_DENSE_GIBBS_QUBITS:
        raise ValueError(
            f"`hidden_values`: dense Gibbs states hold at most {MAX_DENSE_GIBBS_QUBITS} "
            f"qubits, got n_visible + {max(hidden_values)} = "
            f"{n_visible + max(hidden_values)}."
        )
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    opts = dict(
        beta=check_beta(beta),
        onsite_std=onsite_std,
        offsite_std=offsite_std,
        pairs=pairs,
        normalize=bool(normalize),
        step=step,
    )
    root = as_seed_sequence(seed)
    results = run_tasks(
        functools.partial(_trace_distance_task, n_visible=n_visible, opts=opts),
        chunks(hidden_values, samples, chunk_size),
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="qbm trace-distance gradients",
    )
    return QBM_TRACE_DISTANCE_GRADIENT.frame(
        dict(
            n_visible=n_visible,
            n_hidden=h,
            num_parameters=rows[0].fd.size,
            samples=len(rows),
            step=step,
            **inf_norm_comparison(
                np.stack([r.fd for r in rows]), np.stack([r.exact for r in rows])
            ),
            seed=seed_label(root),
        )
        for h, rows in results.items()
    )
