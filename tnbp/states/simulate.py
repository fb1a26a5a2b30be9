"""The :func:`simulate` entry point: a backend turns a circuit into a :class:`~tnbp.State`.

Three backends: ``"dense"`` (exact statevector, :mod:`tnbp.states.dense`),
``"mps"`` (matrix product state with a bond record, :mod:`tnbp.states.mps`)
and ``"tn"`` (the circuit kept as a network, contracted through lightcones,
:mod:`tnbp.states.tn.lightcone`).
"""

from __future__ import annotations

from .._checks import (
    check_bitstring,
    check_cutoff,
    check_int,
    check_max_bond,
    check_opt,
)
from ..models.circuit import Circuit
from .base import State
from .dense import DenseState, simulate_dense
from .mps import (
    ENGINES,
    MPSBatch,
    MPSState,
    check_auto_opts,
    simulate_mps,
    simulate_mps_batch,
)
from .mps_engine import structure
from .record import TrustPolicy
from .tn.lightcone import TNState, simulate_tn

__all__ = [
    "BACKENDS",
    "SIM_OPTIONS",
    "DenseState",
    "MPSState",
    "TNState",
    "check_sim_opts",
    "simulate",
    "simulate_batch",
]

#: the backends of :func:`~tnbp.simulate`
BACKENDS = ("dense", "mps", "tn")


def simulate(
    circuit: Circuit,
    *,
    backend: str = "mps",
    initial: str | None = None,
    max_bond: int | str | None = None,
    cutoff: float = 1e-12,
    progbar: bool = False,
    auto_opts: dict | None = None,
    trust_opts: dict | None = None,
    blas_threads: int | None = 1,
    engine: str = "auto",
) -> State:
    r"""Apply ``circuit`` to a computational basis state.

    Parameters
    ----------
    circuit : Circuit
        The circuit to run, on ``n`` qubits.
    backend : {"mps", "dense", "tn"}, optional
        ``"dense"``: exact statevector, up to
        :data:`~tnbp.limits.MAX_DENSE_QUBITS` (26) qubits. ``"mps"``: matrix
        product state with a bond record (default). ``"tn"``: the circuit kept
        as a tensor network; local expectations and reduced density matrices
        of small sets are contracted exactly through their lightcone, at any
        ``n`` (:class:`~tnbp.states.tn.TNState`; MPS options are ignored).
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).
    max_bond : int, "auto" or None, optional
        MPS bond-dimension cap. ``None``: no cap (only ``cutoff`` truncates).
        ``"auto"``: start at ``auto_opts["start"]`` (16) and double, never past
        the largest Schmidt rank :math:`2^{\lfloor n/2 \rfloor}`, until the cap
        stops mattering (it reached that rank, no bond reached it, or nothing
        was discarded) or every cut's entropy changes by at most
        ``auto_opts["tol"]`` (1e-3 bits) between doublings. It stops earlier,
        flagged ``"auto_not_converged"``, when the next run's predicted peak
        memory (:func:`~tnbp.states.mps.auto_run_bytes`, checked before
        allocating) would exceed ``auto_opts["memory_cap"]`` (2 GiB) or when
        ``auto_opts["time_cap"]`` seconds (default: none) have passed; the
        state's ``record.auto`` (:class:`~tnbp.AutoReport`) says which
        happened and why.
    cutoff : float, optional
        MPS per-truncation discarded-weight cutoff, relative, in ``[0, 1)``
        (default 1e-12).
    progbar : bool, optional
        Show a progress bar over layers with the current bond and error (for
        ``max_bond="auto"`` also one over the doublings, with the bond
        dimension, the entropy change and the predicted memory).
    auto_opts : dict, optional
        Options of ``max_bond="auto"``: ``start`` (int), ``tol`` (bits),
        ``memory_cap`` (bytes) and ``time_cap`` (seconds or None; the first
        run always completes, a later one it interrupts is dropped).
    trust_opts : dict, optional
        Thresholds for flagging estimates (keys ``margin``, ``discard_tol``;
        see :class:`~tnbp.states.record.TrustPolicy`).
    blas_threads : int or None, optional
        BLAS threads during an MPS run (default 1, fastest for chi <~ 256;
        None leaves the BLAS setting alone).
    engine : {"auto", "lean", "quimb"}, optional
        MPS gate engine: ``"lean"``, compiled loops on raw arrays
        (:mod:`tnbp.states.mps_engine`; fastest at every bond dimension
        measured), ``"quimb"``, quimb's ``gate_`` per gate, or ``"auto"``
        (default: lean). Both give the same state and record to rounding.

    Returns
    -------
    State
        :class:`DenseState`, :class:`MPSState` or :class:`TNState`, on ``n``
        qubits, normalized.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, or ``initial``,
        ``max_bond``, ``cutoff``, ``auto_opts`` or ``blas_threads`` has the
        wrong type.
    ValueError
        If ``backend`` or ``engine`` is unknown, ``initial`` is not a bitstring of length
        ``n``, ``max_bond < 1``, ``cutoff`` is outside ``[0, 1)``,
        ``blas_threads < 1``, an option
        dict has an unknown key or bad value, the register is too large
        for the dense backend (or, for ``"mps"``, smaller than 2 qubits), or
        the first run of ``max_bond="auto"`` would exceed its memory cap.

    Warns
    -----
    TruncationWarning
        When ``max_bond="auto"`` stopped at its memory or time cap before
        converging.

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(3); c.h(0); c.cnot(0, 2)
    >>> st = tnbp.simulate(c, max_bond=4)
    >>> st.bond_dims, st.max_bond_reached, round(st.fidelity_estimate, 12)
    ([2, 2], 2, 1.0)
    >>> round(tnbp.entropy(st, 1), 12)  # one Bell pair between qubits 0 and 2
    1.0
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    check_opt("backend", backend, BACKENDS)
    check_opt("engine", engine, ENGINES)
    initial = check_bitstring(initial, circuit.n)
    max_bond = check_max_bond(max_bond, allow_auto=True)
    cutoff = check_cutoff(cutoff)
    check_auto_opts(auto_opts)
    blas_threads = _check_blas_threads(blas_threads)
    try:
        trust = TrustPolicy(**(trust_opts or {}))
    except TypeError as exc:
        raise ValueError(f"`trust_opts`: {exc}") from exc
    if backend == "dense":
        return simulate_dense(circuit, initial=initial)
    if backend == "tn":
        return simulate_tn(circuit, initial=initial)
    return simulate_mps(
        circuit,
        initial=initial,
        max_bond=max_bond,
        cutoff=cutoff,
        progbar=progbar,
        auto_opts=auto_opts,
        trust=trust,
        blas_threads=blas_threads,
        engine=engine,
    )


def simulate_batch(
    circuits,
    *,
    backend: str = "mps",
    initial: str | None = None,
    max_bond: int | None = None,
    cutoff: float = 1e-12,
    trust_opts: dict | None = None,
    blas_threads: int | None = 1,
    workers: int = 1,
) -> MPSBatch:
    r"""Simulate many circuits of one structure together (one batched MPS run).

    The circuits must share their structure (number of qubits and every
    gate's qubits, in order) and may differ in their matrices and angles:
    random instances such as ``haar_brickwork(n, depth, seed=s)`` for many
    seeds, or one ansatz bound to many parameter sets
    (:meth:`tnbp.Circuit.bind`). They run together on the lean MPS engine
    (:mod:`tnbp.states.mps_engine`), site arrays stacked along a batch
    axis; each instance keeps what its own truncation rule keeps and has
    its own record, so ``simulate_batch(cs)[b]`` is the state
    ``simulate(cs[b])`` makes, record included (to rounding). What needs
    more than the record is computed for all instances at once, on first
    use: :meth:`MPSBatch.entropy_profiles` from batched Gram spectra (no
    sweep at all), and, as soon as one instance's canonical form is needed
    (:func:`tnbp.entropy_profile` and the other estimators), every
    instance's in one batched sweep.

    Parameters
    ----------
    circuits : sequence of Circuit
        At least one circuit, all of one structure, on ``n >= 2`` qubits.
    backend : {"mps"}, optional
        Only the MPS backend runs batches.
    initial : str, optional
        Initial bitstring of every instance, qubit 0 first (default all zeros).
    max_bond : int or None, optional
        Bond-dimension cap of every instance (``"auto"`` is not available
        for batches: each instance would need its own cap).
    cutoff : float, optional
        Per-truncation discarded-weight cutoff, relative, in ``[0, 1)``.
    trust_opts : dict, optional
        Thresholds for flagging estimates (keys ``margin``, ``discard_tol``;
        see :class:`~tnbp.states.record.TrustPolicy`).
    blas_threads : int or None, optional
        BLAS threads during the run (default 1; None leaves BLAS alone).
    workers : int, optional
        Threads that run chunks of the batch at once (default 1); the
        compiled loops release the GIL, so 2 workers on 2 free cores take
        about half the time. Results are the same to rounding.

    Returns
    -------
    MPSBatch
        A sequence of :class:`MPSState`, one per circuit, in order, each with
        its :class:`~tnbp.BondRecord` (also in ``.records``).

    Raises
    ------
    TypeError
        If ``circuits`` is not a sequence of :class:`~tnbp.Circuit`, or
        ``initial``, ``max_bond``, ``cutoff``, ``workers`` or ``blas_threads``
        has the wrong type.
    ValueError
        If ``circuits`` is empty or its circuits differ in structure (the
        message names the first that differs and how), ``backend`` is not
        ``"mps"``, ``max_bond`` is ``"auto"`` or below 1, ``cutoff`` is
        outside ``[0, 1)``, ``initial`` is not a bitstring of length ``n``,
        ``workers < 1``, ``blas_threads < 1``, or ``n < 2``.

    Examples
    --------
    >>> import tnbp
    >>> from tnbp import ansatz
    >>> batch = tnbp.simulate_batch(
    ...     [ansatz.haar_brickwork(8, 4, seed=s) for s in range(3)]
    ... )
    >>> len(batch), batch[0].max_bond_reached
    (3, 16)
    >>> single = tnbp.simulate(ansatz.haar_brickwork(8, 4, seed=2))
    >>> bool(abs(tnbp.entropy(batch[2], 4) - tnbp.entropy(single, 4)) < 1e-10)
    True
    """
    circuits = _check_batch(circuits)
    if backend != "mps":
        raise ValueError(
            f"`backend` must be 'mps' for a batch (the lean MPS engine), got {backend!r}."
        )
    initial = check_bitstring(initial, circuits[0].n)
    if max_bond == "auto":
        raise ValueError(
            "`max_bond`='auto' is not available for batches (each instance would "
            "need its own cap); give an int or None."
        )
    max_bond = check_max_bond(max_bond)
    cutoff = check_cutoff(cutoff)
    workers = check_int(workers, "workers", minimum=1)
    blas_threads = _check_blas_threads(blas_threads)
    try:
        trust = TrustPolicy(**(trust_opts or {}))
    except TypeError as exc:
        raise ValueError(f"`trust_opts`: {exc}") from exc
    return simulate_mps_batch(
        circuits,
        initial=initial,
        max_bond=max_bond,
        cutoff=cutoff,
        trust=trust,
        blas_threads=blas_threads,
        workers=workers,
    )


def _check_batch(circuits) -> list[Circuit]:
    """``circuits`` as a non-empty list of circuits of one structure."""
    if isinstance(circuits, Circuit) or not hasattr(circuits, "__iter__"):
        raise TypeError(
            f"`circuits` must be a sequence of tnbp.Circuit, got {type(circuits)!r}."
        )
    circuits = list(circuits)
    if not circuits:
        raise ValueError("`circuits` must hold at least one circuit.")
    for b, c in enumerate(circuits):
        if not isinstance(c, Circuit):
            raise TypeError(
                f"`circuits`: element {b} must be a tnbp.Circuit, got {type(c)!r}."
            )
    (n, gates) = structure(circuits[0])
    for b, c in enumerate(circuits[1:], 1):
        if c.n != n:
            raise ValueError(
                f"`circuits` must share one structure: circuit {b} has {c.n} qubits, "
                f"circuit 0 has {n}."
            )
        other = structure(c)[1]
        if other != gates:
            k = next(
                (k for k, (a, o) in enumerate(zip(gates, other)) if a != o),
                min(len(gates), len(other)),
            )
            raise ValueError(
                f"`circuits` must share one structure: circuit {b} differs from "
                f"circuit 0 at gate {k} ("
                + (
                    f"it has {len(other)} gates, circuit 0 has {len(gates)}"
                    if k == min(len(gates), len(other))
                    else f"qubits {other[k]} against {gates[k]}"
                )
                + ")."
            )
    return circuits


def _check_blas_threads(blas_threads) -> int | None:
    """``blas_threads`` validated: None, or an int ``>= 1``."""
    if blas_threads is None:
        return None
    return check_int(blas_threads, "blas_threads", minimum=1)


#: The options :func:`simulate` takes beside its circuit, backend and start.
SIM_OPTIONS = (
    "max_bond",
    "cutoff",
    "progbar",
    "auto_opts",
    "trust_opts",
    "blas_threads",
    "engine",
)


def check_sim_opts(
    sim_opts, backend: str, *, name: str = "sim_opts", valid=SIM_OPTIONS
) -> dict:
    """Validate options passed on to :func:`simulate` for ``backend``.

    Parameters
    ----------
    sim_opts : dict or None
        Keywords of :func:`simulate` (:data:`SIM_OPTIONS`); None: none.
    backend : str
        The backend they go to; ``"tn"`` takes none (it truncates nothing).
    name : str, optional
        The argument's name, for the messages.
    valid : sequence of str, optional
        The keys accepted (default :data:`SIM_OPTIONS`; a caller that runs
        its own engine passes that engine's).

    Returns
    -------
    dict
        A copy of the options (empty for None).

    Raises
    ------
    TypeError
        If ``sim_opts`` is not a dict or has a key :func:`simulate` does not
        take.
    ValueError
        If options are given for the ``"tn"`` backend.
    """
    if sim_opts is None:
        return {}
    if not isinstance(sim_opts, dict):
        raise TypeError(f"`{name}` must be a dict, got {type(sim_opts).__name__}.")
    unknown = set(sim_opts) - set(valid)
    if unknown:
        raise TypeError(
            f"`{name}` has unknown option(s) {sorted(map(str, unknown))} for "
            f"{backend!r}; valid: {sorted(valid)}."
        )
    if sim_opts and backend == "tn":
        raise ValueError(
            f"`{name}` applies to the dense and mps backends, not 'tn' (exact "
            "contraction: nothing to truncate)."
        )
    return dict(sim_opts)
