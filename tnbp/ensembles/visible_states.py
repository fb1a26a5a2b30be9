r"""Visible states of QNN circuit families at any size: distance to I/D_v and fidelity gradients.

arXiv:2010.15968 measures two things against the number of hidden units: the
trace distance :math:`T = \tfrac12\|\rho_v - I/D_v\|_1` of the visible state
(Fig. 3a, bound :math:`\tfrac12\sqrt{D_v/D_h}` for volume-law states) and the
variance over instances of the infinity-norm of the gradient of the fidelity
:math:`F(\rho_v, \sigma)` with a fixed thermal target (Fig. 3b). This module
takes both beyond exact diagonalization, with MPS simulations whose every
number carries its bond record, for three circuit families
(:func:`family_circuit`), the visible qubits being ``0..n_v-1`` at the
chain's end:

``"unitary_qnn_nn"``
    the paper's unitary QNN (:func:`tnbp.ansatz.unitary_qnn`) with
    nearest-neighbour generators, a fixed number of layers: area law.
``"hea_shallow"``
    the brick hardware-efficient ansatz (:func:`tnbp.ansatz.hardware_efficient`,
    ``pattern="brick"``) with :math:`\lceil\log_2 n\rceil` layers.
``"hea_deep"``
    the same with ``deep_factor * n`` layers (default 4n): volume law. A
    depth of only ``n`` is not enough for the visible qubit at the chain's
    end to thermalize: measured densely (30 instances, one visible qubit),
    :math:`T` at ``n = 12`` is 0.196 at depth ``n``, 0.100 at ``2n`` and
    0.027 at ``4n`` (Haar bound 0.016), and between ``n = 4`` and 12 the
    variance of the fidelity gradient's infinity-norm (two visible qubits)
    falls by factors 4, 7 and 85, i.e. :math:`e^{-rn}` with ``r`` about
    0.18, 0.25 and 0.56 (the Haar value is :math:`\ln 2 = 0.69`).

What to expect (the lightcone argument): the visible state depends only on the
gates in the reverse lightcone of the visible qubits. With ``L`` layers of
nearest-neighbour gates it holds at most :math:`n_v + L` (brick) qubits of
the QNN's staircase or the ansatz, so at a fixed depth :math:`T` and the
gradient statistics stop depending on ``n`` once ``n`` exceeds the cone: no
barren plateau. Depth :math:`\log n` gives a slow (power-law) decay, and
depth :math:`\propto n` an exponential one, until it reaches the Haar bound.

Cross-checks per instance: the dense value up to ``dense_max`` qubits, and
the exact lightcone contraction (``backend="tn"``) where the visible cone is at
most ``exact_width`` qubits wide, at any ``n``; their largest deviation from
the MPS value is in the table. An MPS run whose bond saturated or that
discarded weight beyond its trust policy (:class:`~tnbp.states.TrustPolicy`) is not
``trusted``.

Seeds run on :mod:`tnbp.ensembles.engine`: sample ``s`` of family ``f`` (its
index in :data:`FAMILIES`) at ``(n, layers)`` gets the spawn key
``(f, n, layers, s)``, so an instance depends on neither the executor nor the
other points of the run, and one instance can be run alone
(``first_sample``).

References
----------
.. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
   barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968, Figs. 3a
   and 3b, Proposition 1 (area and volume law) and App. C (eq. C1).
.. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
   function dependent barren plateaus in shallow parametrized quantum
   circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (local costs of
   logarithmic-depth circuits decay polynomially).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
import warnings

import numpy as np
import pandas as pd

from .._checks import (
    as_seed_sequence,
    check_int,
    check_opt,
    check_real,
    check_size_pairs,
)
from ..estimators.distance import fidelity, trace_distance_to_maximally_mixed
from ..gradients.api import gradient_with_diagnostics
from ..models import ansatz
from ..models.circuit import Circuit
from ..models.losses import FidelityCost, fidelity_cost
from ..references.theory import haar_trace_distance_bound
from ..results.schema import FIDELITY_GRADIENT, VISIBLE_DISTANCE, VISIBLE_SUMMARY
from ..states.record import TruncationWarning
from ..states.simulate import simulate, simulate_batch
from .engine import Chunk, check_samples, run_tasks, seed_label
from .fidelity_gradients import random_thermal_target
from .fits import MIN_FIT_POINTS, compare_decay_laws
from .statistics import variance_standard_error

#: the circuit families, in the order that numbers their random streams
FAMILIES = ("unitary_qnn_nn", "hea_shallow", "hea_deep")


def family_layers(family: str, n: int, *, qnn_layers: int = 2, deep_factor: int = 4):
    r"""The number of layers of a family at ``n`` qubits.

    Parameters
    ----------
    family : {"unitary_qnn_nn", "hea_shallow", "hea_deep"}
        The family (see :mod:`tnbp.ensembles.visible_states`).
    n : int
        Number of qubits, ``>= 2``.
    qnn_layers : int, optional
        Layers of ``"unitary_qnn_nn"`` (every ``n``), ``>= 1`` (default 2).
    deep_factor : int, optional
        ``"hea_deep"`` has ``deep_factor * n`` layers, ``>= 1`` (default 4).

    Returns
    -------
    int
        ``qnn_layers``; :math:`\lceil\log_2 n\rceil`; or ``deep_factor * n``.

    Raises
    ------
    TypeError
        If ``n``, ``qnn_layers`` or ``deep_factor`` is not an integer.
    ValueError
        If ``family`` is not one of :data:`FAMILIES`, ``n < 2``, or
        ``qnn_layers`` or ``deep_factor`` is below 1.

    Examples
    --------
    >>> [family_layers(f, 64) for f in FAMILIES]
    [2, 6, 256]
    """
    check_opt("family", family, FAMILIES)
    n = check_int(n, "n", minimum=2)
    qnn_layers = check_int(qnn_layers, "qnn_layers", minimum=1)
    deep_factor = check_int(deep_factor, "deep_factor", minimum=1)
    if family == "unitary_qnn_nn":
        return qnn_layers
    if family == "hea_shallow":
        return math.ceil(math.log2(n))
    return deep_factor * n


def family_circuit(family: str, n: int, layers: int, *, seed=None) -> Circuit:
    """A random instance of a family with ``layers`` layers on ``n`` qubits.

    Parameters
    ----------
    family : {"unitary_qnn_nn", "hea_shallow", "hea_deep"}
        ``"unitary_qnn_nn"``: :func:`tnbp.ansatz.unitary_qnn` with
        ``nearest_neighbour=True``; the two ``"hea_*"``:
        :func:`tnbp.ansatz.hardware_efficient` with ``pattern="brick"``
        (rotations :math:`R_Y R_Z`, CZ), which differ only by their depth
        (:func:`family_layers`).
    n : int
        Number of qubits, ``>= 2``.
    layers : int
        Number of layers, ``>= 1``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the angles.

    Returns
    -------
    Circuit
        The instance, angles drawn as its builder draws them.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer or ``seed`` has a bad type.
    ValueError
        If ``family`` is not one of :data:`FAMILIES`, ``n < 2`` or
        ``layers < 1``.
    """
    check_opt("family", family, FAMILIES)
    n = check_int(n, "n", minimum=2)
    layers = check_int(layers, "layers", minimum=1)
    if family == "unitary_qnn_nn":
        return ansatz.unitary_qnn(n, nearest_neighbour=True, layers=layers, seed=seed)
    return ansatz.hardware_efficient(n, layers, pattern="brick", seed=seed)


def thermal_target(
    n_visible: int,
    *,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    seed=None,
) -> FidelityCost:
    r"""The fixed thermal target of Fig. 3b as a fidelity cost on qubits ``0..n_v-1``.

    :math:`\sigma = e^{-\beta H}/Z` for a random 2-local Hamiltonian on the
    visible qubits (:func:`tnbp.hamiltonian.random_two_local`, eq. C1: onsite
    coefficients :math:`N(0, 0.01)`, offsite :math:`N(0, 1)`, not normalized).
    With one visible qubit there are no offsite terms and :math:`\sigma` is
    within :math:`\sim\beta\cdot 0.1` of :math:`I/2`.

    Parameters
    ----------
    n_visible : int
        Visible qubits, ``1..6``.
    beta : float, optional
        Inverse temperature, ``>= 0``, in units of the inverse coefficients.
    onsite_std, offsite_std : float, optional
        Standard deviations of the onsite and offsite coefficients.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the Hamiltonian.

    Returns
    -------
    FidelityCost
        :math:`F(\rho_v, \sigma)` on qubits ``0..n_visible-1``.

    Raises
    ------
    TypeError
        If ``n_visible`` is not an integer, ``beta`` or a standard deviation
        is not a real number, or ``seed`` has a bad type.
    ValueError
        If ``n_visible`` is not in ``1..6`` or ``beta`` or a standard
        deviation is negative or not finite.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Sec. VI (the fixed thermal target of Fig. 3b) and eq. (C1).

    Examples
    --------
    >>> cost = thermal_target(2, seed=0)
    >>> cost.qubits, round(float(np.trace(cost.target).real), 12)
    ((0, 1), 1.0)
    """
    sigma = random_thermal_target(
        n_visible,
        beta=beta,
        onsite_std=onsite_std,
        offsite_std=offsite_std,
        seed=seed,
    )
    return fidelity_cost(sigma, tuple(range(n_visible)))


@dataclasses.dataclass(frozen=True)
class _Options:
    """What every instance of an ensemble shares."""

    family: str
    n_visible: int
    max_bond: int
    cutoff: float
    dense_max: int
    exact_width: int


def _cone_width(circuit: Circuit, visible: tuple[int, ...]) -> int:
    """Qubits in the reverse lightcone of ``visible`` (themselves included)."""
    gates = circuit.gates
    return len(
        set(visible).union(*(gates[k].qubits for k in circuit.lightcone(visible)))
    )


def _instances(chunk: Chunk, seeds, opts: _Options):
    """The circuits of one chunk, with ``n``, ``layers`` and the visible qubits."""
    _, n, layers = chunk.group
    visible = tuple(range(opts.n_visible))
    for s, seed in zip(chunk.samples, seeds):
        circ = family_circuit(opts.family, n, layers, seed=np.random.default_rng(seed))
        yield s, n, layers, visible, circ


def _record(state) -> dict:
    """The bond-record columns of a state's row."""
    rec = state.record
    return dict(
        max_bond_reached=int(rec.max_bond_reached),
        discarded_weight=float(rec.discarded_weight),
        fidelity_estimate=float(rec.fidelity_estimate),
        num_truncations=int(rec.num_truncations),
        trusted=bool(state.trusted),
        caveats=";".join(state.caveats),
    )


def _distance_task(chunk: Chunk, seeds, *, opts: _Options) -> list[dict]:
    """Trace distances of the instances of one chunk, with their references.

    The chunk's instances share one structure and run as one batch
    (:func:`~tnbp.states.simulate.simulate_batch`); ``seconds`` is the
    chunk's time per instance.
    """
    instances = list(_instances(chunk, seeds, opts))
    start = time.perf_counter()
    states = simulate_batch(
        [circ for *_, circ in instances], max_bond=opts.max_bond, cutoff=opts.cutoff
    )
    with warnings.catch_warnings():  # recorded in the row, warned once per table
        warnings.simplefilter("ignore", TruncationWarning)
        estimates = [
            trace_distance_to_maximally_mixed(st, visible)
            for st, (_, _, _, visible, _) in zip(states, instances)
        ]
    seconds = (time.perf_counter() - start) / len(instances)
    rows = []
    for (s, n, layers, visible, circ), st, est in zip(instances, states, estimates):
        value = float(est)
        dense = exact = np.nan
        width = _cone_width(circ, visible)
        if n <= opts.dense_max:
            dense = float(
                trace_distance_to_maximally_mixed(
                    simulate(circ, backend="dense"), visible
                )
            )
        elif width <= opts.exact_width:
            exact = float(
                trace_distance_to_maximally_mixed(simulate(circ, backend="tn"), visible)
            )
        rows.append(
            dict(
                family=opts.family,
                n=n,
                layers=layers,
                sample=s,
                n_visible=opts.n_visible,
                trace_distance=value,
                error_bound=float(est.error_bound),
                haar_bound=haar_trace_distance_bound(
                    opts.n_visible, n - opts.n_visible
                ),
                max_bond=opts.max_bond,
                **_record(st),
                seconds=seconds,
                lightcone_width=width,
                dense_value=dense,
                dense_deviation=abs(value - dense),
                exact_value=exact,
                exact_deviation=abs(value - exact),
            )
        )
    return rows


def _linearized(cost: FidelityCost, rho: np.ndarray):
    """:meth:`FidelityCost.linearized` at ``rho``, and whether its rank warning fired.

    The warning (the visible state's support is smaller than the target's) is
    the row's ``rank_deficient`` flag rather than a warning per instance.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        G = cost.linearized(rho)
    return G, any(issubclass(w.category, RuntimeWarning) for w in caught)


def _reference(circ: Circuit, cost: FidelityCost, backend: str) -> np.ndarray:
    """The fidelity gradient on an exact backend (``"dense"`` or ``"tn"``)."""
    rho = simulate(circ, backend=backend).reduced_density_matrix(cost.qubits)
    return gradient_with_diagnostics(circ, _linearized(cost, rho)[0], backend=backend)[
        0
    ]


def _gradient_task(
    chunk: Chunk, seeds, *, opts: _Options, cost: FidelityCost
) -> list[dict]:
    """Fidelity gradients of the instances of one chunk, with their references."""
    rows = []
    sim_opts = dict(max_bond=opts.max_bond, cutoff=opts.cutoff)
    for s, n, layers, visible, circ in _instances(chunk, seeds, opts):
        start = time.perf_counter()
        st = simulate(circ, backend="mps", **sim_opts)
        rho = st.reduced_density_matrix(visible)
        G, deficient = _linearized(cost, rho)
        with warnings.catch_warnings():  # recorded in the row, warned once per table
            warnings.simplefilter("ignore", TruncationWarning)
            value = float(fidelity(st, cost))
            grad, diag = gradient_with_diagnostics(
                circ, G, method="adjoint", backend="mps", sim_opts=sim_opts
            )
        seconds = time.perf_counter() - start
        width = _cone_width(circ, visible)
        nan = (np.nan, np.nan)
        dense = exact = nan
        if n <= opts.dense_max:
            dense = _compare(grad, _reference(circ, cost, "dense"))
        elif width <= opts.exact_width:
            exact = _compare(grad, _reference(circ, cost, "tn"))
        record = _record(st)
        record["trusted"] = record["trusted"] and diag.trusted
        rows.append(
            dict(
                family=opts.family,
                n=n,
                layers=layers,
                sample=s,
                n_visible=opts.n_visible,
                num_parameters=circ.num_parameters,
                fidelity=value,
                inf_norm=float(np.abs(grad).max(initial=0.0)),
                rank_deficient=deficient,
                max_bond=opts.max_bond,
                **record,
                min_fidelity=min(float(diag.min_fidelity), st.fidelity_estimate),
                max_discarded_weight=max(
                    float(diag.max_discarded_weight), st.discarded_weight
                ),
                untrusted_runs=int(diag.untrusted_runs + (not st.trusted)),
                seconds=seconds,
                lightcone_width=width,
                dense_inf_norm=dense[0],
                dense_deviation=dense[1],
                exact_inf_norm=exact[0],
                exact_deviation=exact[1],
            )
        )
    return rows


def _compare(grad: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """The reference's infinity-norm and the largest deviation of ``grad`` from it."""
    return float(np.abs(reference).max(initial=0.0)), float(
        np.abs(grad - reference).max(initial=0.0)
    )


def _run(task, family, sizes, samples, first_sample, seed, executor, progbar, desc):
    """Run ``task`` over the samples of every size; the rows, and the seed label."""
    sizes = check_size_pairs(sizes, min_n=2)
    samples = check_samples(samples)
    first_sample = check_int(first_sample, "first_sample", minimum=0)
    f = FAMILIES.index(family)
    tasks = [
        Chunk((f, n, layers), (s,))
        for n, layers in sizes
        for s in range(first_sample, first_sample + samples)
    ]
    root = as_seed_sequence(seed)
    results = run_tasks(
        task,
        tasks,
        seed=root,
        executor=executor,
        progbar=progbar,
        desc=desc,
        payload="`target`",
    )
    label = seed_label(root)
    return [dict(row, seed=label) for rows in results.values() for row in rows]


def _options(
    family, n_visible, sizes, max_bond, cutoff, dense_max, exact_width
) -> _Options:
    """Validate what every instance shares."""
    check_opt("family", family, FAMILIES)
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    cutoff = check_real(cutoff, "cutoff")
    if not 0 <= cutoff < 1:
        raise ValueError(f"`cutoff` must be in [0, 1), got {cutoff}.")
    opts = _Options(
        family,
        n_visible,
        check_int(max_bond, "max_bond", minimum=1),
        cutoff,
        check_int(dense_max, "dense_max", minimum=0),
        check_int(exact_width, "exact_width", minimum=0),
    )
    small = [n for n, _ in check_size_pairs(sizes, min_n=2) if n <= n_visible]
    if small:
        raise ValueError(
            f"`sizes`: every n must exceed n_visible = {n_visible} (a hidden qubit), got {small}."
        )
    return opts


def _warn(table: pd.DataFrame, what: str) -> None:
    """One warning when any row of ``table`` is not trusted."""
    bad = int((~table.trusted).sum())
    if bad:
        warnings.warn(
            f"{what}: {bad} of {len(table)} instances rest on MPS runs with caveats "
            "(bond saturated or truncated beyond tolerance; column `trusted`): raise "
            "max_bond.",
            TruncationWarning,
            stacklevel=3,
        )


def visible_distance_ensemble(
    family: str,
    sizes,
    *,
    samples: int = 10,
    first_sample: int = 0,
    n_visible: int = 1,
    max_bond: int = 64,
    cutoff: float = 1e-12,
    dense_max: int = 14,
    exact_width: int = 14,
    seed=None,
    executor=None,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Trace distance of the visible state to :math:`I/D_v`, per random instance, by MPS.

    Each instance of ``family`` at ``(n, layers)`` is simulated as an MPS
    capped at ``max_bond``; :math:`T = \tfrac12\|\rho_v - I/D_v\|_1` of
    qubits ``0..n_visible-1`` (:func:`tnbp.trace_distance_to_maximally_mixed`)
    is recorded with the run's bond record, beside the dense value
    (``n <= dense_max``) or the exact lightcone contraction (visible cone at
    most ``exact_width`` qubits wide).

    Parameters
    ----------
    family : {"unitary_qnn_nn", "hea_shallow", "hea_deep"}
        The circuit family (:func:`family_circuit`).
    sizes : sequence of (int, int)
        Distinct ``(n, layers)`` pairs, ``n > n_visible``, ``layers >= 1``
        (:func:`family_layers` gives a family's depth at ``n``).
    samples : int, optional
        Instances per size, ``>= 1``.
    first_sample : int, optional
        Index of the first instance, ``>= 0``: instances ``first_sample ..
        first_sample + samples - 1`` run (each is the same whatever else runs).
    n_visible : int, optional
        Visible qubits, ``>= 1`` (:math:`D_v = 2^{n_v}`).
    max_bond : int, optional
        MPS bond-dimension cap, ``>= 1``.
    cutoff : float, optional
        MPS relative discarded weight per SVD, in ``[0, 1)``.
    dense_max : int, optional
        Largest ``n`` also simulated densely (0: never).
    exact_width : int, optional
        Widest visible lightcone also contracted exactly (``backend="tn"``)
        when ``n > dense_max`` (0: never).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root of the random angles (see :mod:`tnbp.ensembles.visible_states`).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        Where instances run (:mod:`tnbp.ensembles.engine`); the table does not
        depend on it.
    progbar : bool, optional
        Show a progress bar over instances.

    Returns
    -------
    pandas.DataFrame
        One row per instance, sizes in the order given, with the columns of
        :data:`tnbp.results.schema.VISIBLE_DISTANCE` (dtypes, units and
        meanings there): the distance and its error bound, the Haar bound,
        the bond record (``max_bond_reached``, ``discarded_weight``,
        ``fidelity_estimate``, ``trusted``, ``caveats``), the time of the MPS
        computation, and the dense or exact reference with the deviation
        from it (NaN where not computed).

    Raises
    ------
    TypeError
        If ``sizes`` is not a sequence of pairs of ints, or ``samples``,
        ``first_sample``, ``n_visible``, ``max_bond``, ``dense_max``,
        ``exact_width`` or ``cutoff`` has the wrong type, or ``seed`` or
        ``executor`` is not one of the choices.
    ValueError
        If ``family`` is unknown, ``sizes`` is empty, repeats a pair or holds
        ``n <= n_visible`` or ``layers < 1``, a count is out of range,
        ``cutoff`` is not in ``[0, 1)``, or ``seed`` is negative.

    Warns
    -----
    TruncationWarning
        Once, when any instance's MPS is not trusted (column ``trusted``).

    See Also
    --------
    fidelity_gradient_ensemble : The Fig. 3b quantity for the same families.
    visible_summary : Mean, variance and trust per size.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Fig. 3a and Proposition 2 (:math:`T \lesssim \tfrac12\sqrt{D_v/D_h}`).

    Examples
    --------
    >>> df = visible_distance_ensemble(
    ...     "unitary_qnn_nn", [(6, 1), (40, 1)], samples=2, seed=0, executor="serial")
    >>> df[["n", "sample", "trusted"]].to_numpy().tolist()
    [[6, 0, True], [6, 1, True], [40, 0, True], [40, 1, True]]
    >>> bool(df.dense_deviation.iloc[0] < 1e-12 and df.exact_deviation.iloc[2] < 1e-12)
    True
    """
    opts = _options(family, n_visible, sizes, max_bond, cutoff, dense_max, exact_width)
    rows = _run(
        functools.partial(_distance_task, opts=opts),
        family,
        sizes,
        samples,
        first_sample,
        seed,
        executor,
        progbar,
        "trace distances",
    )
    table = VISIBLE_DISTANCE.frame(dict(r, backend="mps") for r in rows)
    _warn(table, "visible_distance_ensemble")
    return table


def fidelity_gradient_ensemble(
    family: str,
    sizes,
    *,
    target: FidelityCost,
    samples: int = 10,
    first_sample: int = 0,
    max_bond: int = 64,
    cutoff: float = 1e-12,
    dense_max: int = 14,
    exact_width: int = 14,
    seed=None,
    executor=None,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Infinity-norm of the fidelity gradient, per random instance, by the MPS adjoint sweep.

    Each instance of ``family`` at ``(n, layers)`` is simulated as an MPS
    capped at ``max_bond``; the fidelity :math:`F(\rho_v, \sigma)` with the
    target and its gradient (chain rule at the MPS visible state, one MPS
    adjoint sweep: :mod:`tnbp.gradients.mps_adjoint`) are recorded with the
    bond record of every run behind them, beside the dense gradient
    (``n <= dense_max``) or the exact lightcone gradient (visible cone at most
    ``exact_width`` qubits wide).

    Parameters
    ----------
    family : {"unitary_qnn_nn", "hea_shallow", "hea_deep"}
        The circuit family (:func:`family_circuit`).
    sizes : sequence of (int, int)
        Distinct ``(n, layers)`` pairs, ``n`` above the target's qubits,
        ``layers >= 1``.
    target : FidelityCost
        The cost, on qubits ``0..n_v-1`` (e.g. :func:`thermal_target`).
    samples : int, optional
        Instances per size, ``>= 1``.
    first_sample : int, optional
        Index of the first instance, ``>= 0`` (as in
        :func:`visible_distance_ensemble`).
    max_bond : int, optional
        MPS bond-dimension cap of every run, ``>= 1``.
    cutoff : float, optional
        MPS relative discarded weight per SVD, in ``[0, 1)``.
    dense_max : int, optional
        Largest ``n`` also differentiated densely (0: never).
    exact_width : int, optional
        Widest visible lightcone also differentiated exactly
        (``backend="tn"``) when ``n > dense_max`` (0: never).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root of the random angles (see :mod:`tnbp.ensembles.visible_states`).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        Where instances run; the table does not depend on it.
    progbar : bool, optional
        Show a progress bar over instances.

    Returns
    -------
    pandas.DataFrame
        One row per instance with the columns of
        :data:`tnbp.results.schema.FIDELITY_GRADIENT`: :math:`F`,
        :math:`\|\nabla F\|_\infty` (per radian), the forward run's bond
        record, the worst fidelity estimate and discarded weight of every run
        (the adjoint sweep's backward runs included), the time, and the dense
        or exact reference's infinity-norm with the largest deviation of any
        derivative from it.

    Raises
    ------
    TypeError
        If ``target`` is not a :class:`~tnbp.observables.FidelityCost`, or an
        argument has the wrong type (as in :func:`visible_distance_ensemble`).
    ValueError
        If ``target`` is not on qubits ``0..k-1``, or as in
        :func:`visible_distance_ensemble`.

    Warns
    -----
    TruncationWarning
        Once, when any instance rests on an untrusted MPS run.

    See Also
    --------
    thermal_target : The fixed thermal target of Fig. 3b.
    visible_summary : Variance of the infinity-norm per size.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Fig. 3b and Theorem 3 (the gradient vanishes with the hidden units).
    """
    if not isinstance(target, FidelityCost):
        raise TypeError(
            f"`target` must be a tnbp.observables.FidelityCost, got {type(target).__name__}."
        )
    k = len(target.qubits)
    if target.qubits != tuple(range(k)):
        raise ValueError(
            f"`target` must act on the first qubits 0..{k - 1}, got {target.qubits}."
        )
    opts = _options(family, k, sizes, max_bond, cutoff, dense_max, exact_width)
    rows = _run(
        functools.partial(_gradient_task, opts=opts, cost=target),
        family,
        sizes,
        samples,
        first_sample,
        seed,
        executor,
        progbar,
        "fidelity gradients",
    )
    table = FIDELITY_GRADIENT.frame(
        dict(r, method="adjoint", backend="mps") for r in rows
    )
    _warn(table, "fidelity_gradient_ensemble")
    return table


def visible_summary(table: pd.DataFrame, value: str) -> pd.DataFrame:
    """Per size: mean and variance of one column over instances, with trust and deviations.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`visible_distance_ensemble` or
        :func:`fidelity_gradient_ensemble` (any subset; several families).
    value : str
        The column to summarize (``"trace_distance"``, ``"inf_norm"``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per ``(family, n, layers)``, in order of first appearance,
        with the columns of :data:`tnbp.results.schema.VISIBLE_SUMMARY`:
        ``mean`` and ``mean_se``, ``variance`` (``ddof=1``) and
        ``variance_se`` (NaN below 2 and 4 instances), ``trusted`` (every
        instance), ``untrusted`` (count), the largest bond reached, the
        smallest fidelity estimate, the largest dense and exact deviations
        and MPS time (NaN where none), in the units of ``value``.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If ``table`` is empty or lacks ``value`` or a column of both
        ensemble tables.

    Examples
    --------
    >>> df = visible_distance_ensemble(
    ...     "hea_shallow", [(4, 2)], samples=3, seed=1, executor="serial")
    >>> s = visible_summary(df, "trace_distance")
    >>> s[["family", "n", "samples", "trusted"]].to_numpy().tolist()
    [['hea_shallow', 4, 3, True]]
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"`table` must be a pandas.DataFrame, got {type(table).__name__}."
        )
    need = {
        value,
        "family",
        "n",
        "layers",
        "n_visible",
        "trusted",
        "max_bond",
        "max_bond_reached",
        "fidelity_estimate",
        "dense_deviation",
        "exact_deviation",
        "seconds",
    }
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"`table` lacks the column(s) {missing}.")
    if table.empty:
        raise ValueError("`table` has no rows.")

    def worst(x) -> float:
        x = x.to_numpy(dtype=float)
        return float(np.nanmax(x)) if np.isfinite(x).any() else np.nan

    rows = []
    for (family, n, layers), g in table.groupby(["family", "n", "layers"], sort=False):
        x = g[value].to_numpy(dtype=float)
        m = x.size
        rows.append(
            dict(
                family=family,
                n=int(n),
                layers=int(layers),
                n_visible=int(g.n_visible.iloc[0]),
                quantity=value,
                samples=m,
                mean=float(x.mean()),
                mean_se=float(x.std(ddof=1) / np.sqrt(m)) if m > 1 else np.nan,
                variance=float(x.var(ddof=1)) if m > 1 else np.nan,
                variance_se=variance_standard_error(x),
                trusted=bool(g.trusted.all()),
                untrusted=int((~g.trusted.astype(bool)).sum()),
                max_bond=int(g.max_bond.iloc[0]),
                max_bond_reached=int(g.max_bond_reached.max()),
                min_fidelity_estimate=float(g.fidelity_estimate.min()),
                dense_deviation=worst(g.dense_deviation),
                exact_deviation=worst(g.exact_deviation),
                max_seconds=float(g.seconds.max()),
            )
        )
    return VISIBLE_SUMMARY.frame(rows)


def decay_fits(
    summary: pd.DataFrame, column: str = "variance", error: str | None = "variance_se"
) -> dict:
    r"""Exponential and power-law fits of one summary column, per family, over trusted rows.

    Parameters
    ----------
    summary : pandas.DataFrame
        Rows of :func:`visible_summary` (several families).
    column : str, optional
        What decays with ``n`` (``"variance"``, ``"mean"``).
    error : str or None, optional
        Its standard errors, the weights of the fits when every fitted row has
        a positive finite one (else the fits are unweighted); None: unweighted.

    Returns
    -------
    dict
        ``{family: DecayComparison or None}`` in order of first appearance
        (:func:`tnbp.compare_decay_laws` over the rows that are trusted and
        have a positive finite value; None below
        :data:`~tnbp.ensembles.fits.MIN_FIT_POINTS` distinct ``n``).

    Raises
    ------
    ValueError
        If ``summary`` lacks ``family``, ``n``, ``trusted``, ``column`` or
        ``error``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame(dict(family="hea_deep", n=[4, 6, 8, 10],
    ...     variance=[2.0**-4, 2.0**-6, 2.0**-8, 2.0**-10], trusted=True))
    >>> fit = decay_fits(s, error=None)["hea_deep"].exponential
    >>> round(float(fit.rate / np.log(2)), 6)
    1.0
    """
    need = {"family", "n", "trusted", column} | ({error} if error else set())
    missing = sorted(need - set(summary.columns))
    if missing:
        raise ValueError(f"`summary` lacks the column(s) {missing}.")
    out = {}
    for family, rows in summary.groupby("family", sort=False):
        y = rows[column].to_numpy(dtype=float)
        keep = rows.trusted.to_numpy(dtype=bool) & np.isfinite(y) & (y > 0)
        rows = rows[keep]
        if rows.n.nunique() < MIN_FIT_POINTS:
            out[family] = None
            continue
        err = None
        if error is not None:
            e = rows[error].to_numpy(dtype=float)
            err = e if np.all(np.isfinite(e) & (e > 0)) else None
        out[family] = compare_decay_laws(
            rows.n.to_numpy(dtype=float), rows[column], variance_err=err
        )
    return out
