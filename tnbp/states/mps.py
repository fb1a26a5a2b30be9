r"""Matrix-product-state backend with a full bond and truncation record.

Gates are applied in quimb's MPS scheme (``MatrixProductState.gate_`` with
``contract="auto-mps"``: distant qubits are swapped together, gated, and
swapped back, compressing after each step), exactly as in quimb's
``CircuitMPS``: by quimb itself (:class:`Evolution`, ``engine="quimb"``) or
by the lean compiled engine of :mod:`tnbp.states.mps_engine` (``"lean"``, the
default through ``"auto"``), which makes the same truncations.

Truncation rule: after each SVD, the smallest singular values whose squared
sum is below ``cutoff`` times the total are dropped (``cutoff_mode="rsum2"``),
then at most ``max_bond`` are kept.

The state is never renormalized during the run, so the squared norm at the
orthogonality centre after each two-qubit gate gives that gate's discarded
weight :math:`\epsilon_t = 1 - \|\psi_t\|^2 / \|\psi_{t-1}\|^2`; the record
holds :math:`\sum_t \epsilon_t` and :math:`F = \prod_t (1 - \epsilon_t)`
(the final :math:`\|\psi\|^2`), the fidelity estimate of Zhou, Stoudenmire
and Waintal. Estimates always use the normalized state.

``max_bond="auto"`` reruns the circuit with the cap doubled, from
``auto_opts["start"]``. A cap at or above the largest Schmidt rank of every
cut, :math:`2^{\min(l, n - l)}` (:func:`max_schmidt_rank`), can truncate
nothing, so the search never goes past :math:`2^{\lfloor n/2 \rfloor}` and
is converged there; it is also converged when no bond reached the cap, when
nothing was discarded, or when no cut's entropy moved by more than
``auto_opts["tol"]`` bits since the previous run. Before each run its peak
memory is predicted from the bond profile (:func:`auto_run_bytes`) and the
run is not started if that, with the state kept from the previous run,
exceeds ``auto_opts["memory_cap"]``; ``auto_opts["time_cap"]`` bounds the
wall-clock time. Both stops flag the state ``"auto_not_converged"``.

Threads: at the bond dimensions typical here (chi <~ 256) each gate is a
handful of small matrix products, for which multithreaded BLAS is slower than
one thread (measured on 2 cores with other work running: 5.0 s vs 0.28 s for a
12-qubit depth-80 Haar brickwork). The run therefore limits BLAS to
``blas_threads=1`` unless told otherwise.

References
----------
.. [1] G. Vidal, "Efficient classical simulation of slightly entangled
   quantum computations", Phys. Rev. Lett. 91, 147902 (2003),
   arXiv:quant-ph/0301063 (MPS simulation of circuits).
.. [2] Y. Zhou, E. M. Stoudenmire and X. Waintal, "What limits the
   simulation of quantum computers?", Phys. Rev. X 10, 041038 (2020),
   arXiv:2002.07730 (the fidelity estimate
   :math:`F \approx \prod_t (1 - \epsilon_t)`).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import quimb.tensor as qtn
from autoray import do

from .._checks import check_alpha, check_int, check_opt, check_real
from .._progress import tqdm
from .._threads import blas_threads_limit
from ..limits import AUTO_MEMORY_CAP, MAX_BOUND_EXPONENT
from ..models.circuit import Circuit
from .base import State, check_rdm_size
from .canonical import CanonicalMPS, site_arrays
from .mps_engine import canonical_sweep, compile_plan, run_plan, schmidt_spectra
from .record import AutoReport, BondRecord, TruncationWarning, TrustPolicy
from .spectrum import renyi_entropies, renyi_entropy

log = logging.getLogger(__name__)

#: Defaults of ``max_bond="auto"``: first bond dimension, entropy tolerance
#: (bits, largest change over all cuts between successive doublings), memory
#: cap (bytes; a run whose predicted peak, :func:`auto_run_bytes` plus the
#: state kept from the previous run, exceeds it is not started) and time cap
#: (seconds of wall-clock time, None for none).
AUTO_DEFAULTS = {
    "start": 16,
    "tol": 1e-3,
    "memory_cap": AUTO_MEMORY_CAP,
    "time_cap": None,
}

#: The MPS gate engines of :func:`simulate_mps` (``engine=``). ``"auto"`` is
#: the lean engine at every cap: no crossover was found, since at large caps
#: both engines spend their time in the same LAPACK SVDs. Measured (2026-11-30, one
#: shared 2-core machine, BLAS 1 thread, Haar brickwork, lean/quimb time):
#: n = 64 depth 4 chi 32-128: 0.03-0.07; depth 8-16 chi 32-128: 0.35-0.94;
#: n = 20 depth 24: 1.11 at chi 128, 1.05 at 256, 0.97 at 512 (noise ~10%).
ENGINES = ("auto", "lean", "quimb")

#: Bytes of one complex128 entry.
_COMPLEX_BYTES = 16
#: Working memory of one two-site SVD, in copies of the two-site tensor (see
#: :func:`auto_run_bytes`).
SVD_WORKSPACE_COPIES = 16


class _TimeCapReached(Exception):
    """Raised inside a run of ``max_bond="auto"`` when its time cap runs out."""


class MPSState(State):
    """A normalized MPS with the record of the run that produced it.

    Built by :func:`simulate_mps`; contractions go through its
    :attr:`canonical` form, computed on first use.

    Parameters
    ----------
    mps : quimb.tensor.MatrixProductState or list of numpy.ndarray
        The (possibly unnormalized) state as left by the gates: a quimb MPS,
        or its site arrays ``(chi_l, 2, chi_r)`` (the lean engine's, see
        :mod:`tnbp.states.mps_engine`; :meth:`to_quimb` builds the quimb
        MPS when asked).
    record : BondRecord
        Bond dimensions and truncation of the run.
    trust : TrustPolicy, optional
        When the state's estimates are flagged (default: the class default
        ``TrustPolicy()``).
    blas_threads : int or None, optional
        BLAS threads for the canonical sweep and contractions (see module docstring).
    canonical : CanonicalMPS or callable, optional
        The canonical form of ``mps`` if already computed, or a function
        (no arguments) returning it on first use (a batch computes all its
        instances' forms at once, see :class:`MPSBatch`).
    centre : int, optional
        The orthogonality centre of ``mps``, if known (sites right of it are
        right-orthonormal): the canonical sweep then starts there.
    """

    def __init__(
        self,
        mps,
        record: BondRecord,
        *,
        trust: TrustPolicy | None = None,
        blas_threads: int | None = 1,
        canonical: CanonicalMPS | None = None,
        centre: int | None = None,
    ):
        super().__init__(len(mps) if isinstance(mps, list) else mps.L)
        self._mps = mps
        self._centre = centre
        self._record = record
        self._blas_threads = blas_threads
        if trust is not None:
            self.trust = trust
        self._canonical_source = canonical if callable(canonical) else None
        if isinstance(canonical, CanonicalMPS):  # max_bond="auto" computed it
            self.__dict__["canonical"] = canonical

    def __getstate__(self) -> dict:
        """Pickle the state alone, without the batch it came from.

        A batch's lazy canonical form is left behind: the unpickled state
        makes its own on first use, or keeps the one already made.
        """
        return {**self.__dict__, "_canonical_source": None}

    def __repr__(self) -> str:
        rec = self._record
        return (
            f"MPSState(n={self.n}, max_bond_reached={rec.max_bond_reached}, "
            f"discarded_weight={rec.discarded_weight:.3g}, "
            f"fidelity_estimate={rec.fidelity_estimate:.6f})"
        )

    @property
    def record(self) -> BondRecord:
        """The run's record: bond history, discarded weight, fidelity estimate."""
        return self._record

    @functools.cached_property
    def canonical(self) -> CanonicalMPS:
        """Right-canonical normalized form with all Schmidt values (computed once)."""
        if self._canonical_source is not None:
            return self._canonical_source()
        arrays = self._mps if isinstance(self._mps, list) else site_arrays(self._mps)
        return CanonicalMPS.from_arrays(
            arrays, centre=self._centre, blas_threads=self._blas_threads
        )

    def to_quimb(self) -> qtn.MatrixProductState:
        """The normalized state as a quimb ``MatrixProductState`` (right-canonical).

        Returns
        -------
        quimb.tensor.MatrixProductState
            ``n`` sites with shape ``"lpr"``, unit norm, orthogonality centre at
            site 0; a new object (the run's ``mps`` is not returned).
        """
        return _quimb_view(self.canonical)

    def schmidt_values(self, cut: int) -> np.ndarray:
        """Schmidt values across the cut between qubits ``cut - 1`` and ``cut``.

        Parameters
        ----------
        cut : int
            The cut, ``1 <= cut <= n - 1`` (not validated here).

        Returns
        -------
        numpy.ndarray of float64, shape (chi,)
            The singular values of the normalized state across the cut, largest
            first, ``chi`` the bond dimension; their squares sum to 1.
        """
        return self.canonical.schmidt[cut - 1]

    def cut_spectrum(self, cut: int) -> np.ndarray:  # noqa: D102
        return self.schmidt_values(cut) ** 2

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        return self.canonical.reduced_density_matrix(qubits)

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        return self.canonical.expectation(ops)


def _bond_sizes(mps) -> tuple[int, ...]:
    """Dimension of every bond, read off the site tensors' shared indices.

    (``mps.bond_size(i, i + 1)`` resolves tags twice per bond: ~6x slower.)
    """
    sites = [
        mps.tensor_map[tid]
        for i in range(mps.L)
        for tid in mps.tag_map[mps.site_tag(i)]
    ]
    sizes = []
    for left, right in zip(sites, sites[1:]):
        shared = [d for ix, d in zip(left.inds, left.shape) if ix in right.inds]
        sizes.append(shared[0] if shared else 1)
    return tuple(sizes)


class Evolution:
    r"""An MPS under a sequence of gates, with the running record of its truncation.

    The gate application and bookkeeping of :func:`simulate_mps` (see the
    module docstring), from any starting MPS: ``_run`` drives one from
    ``|initial>`` through a circuit; the MPS adjoint gradient
    (:mod:`tnbp.gradients.mps_adjoint`) drives two backwards through one.

    Parameters
    ----------
    psi : quimb.tensor.MatrixProductState
        The starting state, modified in place by :meth:`apply`.
    max_bond : int or None
        Bond-dimension cap of every SVD.
    cutoff : float
        Relative discarded weight per SVD (``rsum2``).
    norm2 : float, optional
        :math:`\|\psi\|^2` of the starting state; each truncation's weight
        :math:`\epsilon_t` is relative to the norm at that moment.
    info : dict, optional
        The quimb record of the orthogonality centre (key ``"cur_orthog"``) of
        ``psi``, if known (it is updated as gates are applied).

    Attributes
    ----------
    psi : quimb.tensor.MatrixProductState
        The current state (never renormalized).
    norm2 : float
        Its squared norm, tracked from the starting ``norm2`` through every
        truncation.
    history : list of tuple of int
        The bond dimensions at the start and after every :meth:`end_layer`.
    """

    def __init__(self, psi, max_bond, cutoff: float, *, norm2=1.0, info=None):
        self.psi = psi
        self.info = {} if info is None else info
        self.max_bond, self.cutoff = max_bond, cutoff
        self.opts = dict(
            contract="auto-mps",
            max_bond=_effective_cap(max_bond, psi.L),
            cutoff=cutoff,
            cutoff_mode="rsum2",
            propagate_tags=False,
            info=self.info,
        )
        self.norm2 = self._start_norm2 = float(norm2)
        self.peak = 1
        self.losses: list[float] = []  # eps_t of every multi-qubit gate
        self.history = [_bond_sizes(psi)]

    def apply(self, matrix, qubits) -> None:
        """Apply one gate; after a two-qubit gate, fold its truncation into the record.

        Parameters
        ----------
        matrix : numpy.ndarray, shape (2^k, 2^k)
            The gate, first listed qubit most significant.
        qubits : tuple of int
            The ``k`` (1 or 2) qubits it acts on.
        """
        psi, info = self.psi, self.info
        psi.gate_(matrix, qubits, **self.opts)
        if len(qubits) < 2:
            return
        centre = info.get("cur_orthog")
        if centre is not None and centre[0] == centre[1]:
            t = psi[centre[0]]
            new = float(do("real", do("vdot", t.data, t.data)))
            site = psi.site_ind(centre[0])
            self.peak = max(
                self.peak, *(d for ix, d in zip(t.inds, t.shape) if ix != site)
            )
        else:  # centre unknown: fall back to a full norm
            new = float(abs(psi.norm()) ** 2)
        self.losses.append(1.0 - new / self.norm2)
        self.norm2 = new

    @property
    def kept(self) -> float:
        r"""Fraction of the starting squared norm kept so far, :math:`\prod_t (1 - \epsilon_t)`."""
        return min(1.0, self.norm2 / self._start_norm2)

    def end_layer(self) -> tuple[int, ...]:
        """Append the current bond dimensions to :attr:`history` and return them.

        Returns
        -------
        tuple of int
            The dimension of each of the ``n - 1`` bonds.
        """
        self.history.append(_bond_sizes(self.psi))
        return self.history[-1]

    def record(self) -> BondRecord:
        r"""The record of everything applied so far.

        Returns
        -------
        BondRecord
            Bonds after the last layer, their history, the largest bond seen,
            the discarded weight, the fidelity estimate (the final
            :math:`\|\psi\|^2` relative to the starting one, at most 1), the
            number of truncations and the trace-distance bound.
        """
        hist = np.array(self.history, dtype=int).reshape(
            len(self.history), self.psi.L - 1
        )
        return BondRecord.from_run(
            hist,
            self.peak,
            self.losses,
            self.kept,
            max_bond=self.max_bond,
            cutoff=self.cutoff,
        )


def _run(
    circuit: Circuit,
    initial: str,
    max_bond,
    cutoff: float,
    progbar: bool,
    *,
    deadline: float | None = None,
    desc: str = "mps",
    engine: str = "auto",
):
    """Apply the circuit layer by layer, recording bonds and truncation.

    ``engine`` picks the lean engine (:mod:`tnbp.states.mps_engine`) or
    quimb's gates (:class:`Evolution`); ``"auto"`` takes the lean one
    (see :data:`ENGINES`). Raises :class:`_TimeCapReached`
    when ``time.monotonic()`` has passed ``deadline`` (read after every gate).
    Returns the (unnormalized) state (a quimb MPS or site arrays), its record
    and its orthogonality centre (None if unknown).
    """
    plan = _lean_plan(circuit, engine)
    if plan is not None:
        bar = None
        if progbar:
            bar = tqdm(total=len(plan.layer_after), desc=desc, leave=False)
        try:
            run = run_plan(
                plan,
                initial,
                _effective_cap(max_bond, circuit.n),
                cutoff,
                deadline=deadline,
                clock=lambda: time.monotonic(),
                progress=None if bar is None else _layer_postfix(bar),
            )
        except TimeoutError:
            raise _TimeCapReached from None
        finally:
            if bar is not None:
                bar.close()
        record = dataclasses.replace(run.records[0], max_bond=max_bond)
        return [s[0] for s in run.sites], record, run.centre
    bar = tqdm(circuit.layers(), desc=desc, disable=not progbar, leave=False)
    evo = Evolution(qtn.MPS_computational_state(initial), max_bond, cutoff)
    gates = circuit.gates
    for layer in bar:
        for k in layer:
            gate = gates[k]
            evo.apply(gate.to_matrix(), gate.qubits)
            if deadline is not None and time.monotonic() > deadline:
                bar.close()
                raise _TimeCapReached
        bonds = evo.end_layer()
        if progbar:
            bar.set_postfix(
                max_bond=max(bonds, default=1), error=f"{1 - evo.norm2:.2g}"
            )
    return evo.psi, evo.record(), None


def _layer_postfix(bar):
    """Progress callback of the lean engine: advance ``bar`` by one layer."""

    def update(bonds, norm2):
        bar.update(1)
        bar.set_postfix(max_bond=int(bonds.max(initial=1)), error=f"{1 - norm2:.2g}")

    return update


def _effective_cap(max_bond, n: int):
    """The cap handed to the SVDs: a cap at or above every Schmidt rank truncates nothing.

    Clipped so that it fits a 64-bit integer (quimb's compiled SVD, the lean
    engine's loop).
    """
    if max_bond is None:
        return None
    return min(max_bond, max_schmidt_rank(n), 2**MAX_BOUND_EXPONENT)


def _lean_plan(circuit: Circuit, engine: str):
    """The lean engine's plan of ``circuit``, or None where quimb's path runs it."""
    return None if engine == "quimb" else compile_plan([circuit])


def simulate_mps(
    circuit: Circuit,
    *,
    initial: str,
    max_bond=None,
    cutoff: float = 1e-12,
    progbar: bool = False,
    auto_opts: dict | None = None,
    trust: TrustPolicy | None = None,
    blas_threads: int | None = 1,
    engine: str = "auto",
) -> MPSState:
    r"""Simulate ``circuit`` from ``|initial>`` as an MPS (see module docstring).

    The backend of :func:`tnbp.simulate` for ``backend="mps"``; arguments are
    validated there, except the ones checked here.

    Parameters
    ----------
    circuit : Circuit
        The circuit, on ``n >= 2`` qubits.
    initial : str
        A validated bitstring, qubit 0 first.
    max_bond : int, "auto" or None, optional
        Bond-dimension cap (``"auto"``: doubling, see :func:`tnbp.simulate`).
    cutoff : float, optional
        Relative discarded weight per SVD (``rsum2``), in ``[0, 1)``.
    progbar : bool, optional
        Show a progress bar over layers (for ``max_bond="auto"``, also one
        over the doublings, with the bond dimension, the entropy change and
        the predicted memory).
    auto_opts : dict, optional
        Options of ``max_bond="auto"`` (keys of :data:`AUTO_DEFAULTS`).
    trust : TrustPolicy, optional
        When the state's estimates are flagged.
    blas_threads : int or None, optional
        BLAS threads during the run (None: leave BLAS alone).
    engine : {"auto", "lean", "quimb"}, optional
        Gate engine: the lean compiled one (:mod:`tnbp.states.mps_engine`),
        quimb's ``gate_`` (:class:`Evolution`), or ``"auto"`` (lean: see
        :data:`ENGINES`). Both give the same state and
        record (to rounding).

    Returns
    -------
    MPSState
        The final state and its :class:`~tnbp.BondRecord` (with an
        :class:`~tnbp.AutoReport` for ``max_bond="auto"``).

    Raises
    ------
    TypeError
        If ``auto_opts`` is not a dict or one of its values has the wrong type.
    ValueError
        If ``circuit`` has fewer than 2 qubits, ``auto_opts`` has unknown
        keys or bad values, or the first run of ``max_bond="auto"`` is
        predicted to exceed ``auto_opts["memory_cap"]``.

    Warns
    -----
    TruncationWarning
        When ``max_bond="auto"`` stopped at its memory or time cap.

    References
    ----------
    .. [1] G. Vidal, "Efficient classical simulation of slightly entangled
       quantum computations", Phys. Rev. Lett. 91, 147902 (2003),
       arXiv:quant-ph/0301063 (MPS simulation of circuits).
    .. [2] Y. Zhou, E. M. Stoudenmire and X. Waintal, "What limits the
       simulation of quantum computers?", Phys. Rev. X 10, 041038 (2020),
       arXiv:2002.07730 (the fidelity estimate
       :math:`F \approx \prod_t (1 - \epsilon_t)`).
    """
    if circuit.n < 2:
        raise ValueError(
            "`backend`='mps' needs at least 2 qubits; use backend='dense'."
        )
    opts = check_auto_opts(auto_opts)
    check_opt("engine", engine, ENGINES)
    with blas_threads_limit(blas_threads):
        if max_bond == "auto":
            psi, record, canon = _run_auto(
                circuit, initial, cutoff, progbar, opts, blas_threads, engine
            )
            centre = None
        else:
            psi, record, centre = _run(
                circuit, initial, max_bond, cutoff, progbar, engine=engine
            )
            canon = None
    state = MPSState(
        psi,
        record,
        trust=trust,
        blas_threads=blas_threads,
        canonical=canon,
        centre=centre,
    )
    if record.auto is not None and record.auto.status != "converged":
        warnings.warn(state.caveat_message(), TruncationWarning, stacklevel=3)
    return state


class _BatchForms:
    """What a batch computes for all its instances at once, on first request.

    Holds the runs, not the states (which hold it): no reference cycle, so a
    batch is freed as soon as it is dropped.
    """

    def __init__(self, runs: list, blas_threads: int | None):
        self.runs = runs
        self.blas_threads = blas_threads
        self._canonicals: list[CanonicalMPS] | None = None
        self._spectra: list[np.ndarray] | None = None

    def map(self, func) -> list:
        """``func`` of every chunk's run, the chunks on threads (one per chunk)."""
        with blas_threads_limit(self.blas_threads):
            if len(self.runs) == 1:
                return [func(self.runs[0])]
            # the compiled loops and numpy's stacked LAPACK release the GIL
            with ThreadPoolExecutor(len(self.runs)) as pool:
                return list(pool.map(func, self.runs))

    def canonical(self, index: int) -> CanonicalMPS:
        """Instance ``index``'s canonical form (all instances' made on first call)."""
        if self._canonicals is None:
            self._canonicals = [
                CanonicalMPS(
                    [s[b] for s in sites],
                    norms[b],
                    blas_threads=self.blas_threads,
                    schmidt=[S[b, :k] for S, k in zip(schmidt, run.bonds[b])],
                )
                for run, (sites, schmidt, norms) in zip(
                    self.runs, self.map(canonical_sweep)
                )
                for b in range(len(run.records))
            ]
        return self._canonicals[index]

    def spectra(self, exact_small: bool) -> list[np.ndarray]:
        """Squared Schmidt values ``(B, chi)`` of every bond, zero-padded over chunks.

        From the Gram spectra (:func:`~tnbp.states.mps_engine.schmidt_spectra`),
        or, with ``exact_small``, from the canonical forms' Schmidt values,
        which resolve small values to relative precision.
        """
        if not exact_small:
            if self._spectra is None:
                self._spectra = _stack_chunks(self.map(schmidt_spectra))
            return self._spectra
        forms = [
            self.canonical(i) for i in range(sum(len(r.records) for r in self.runs))
        ]
        width = [
            max(len(f.schmidt[i]) for f in forms) for i in range(len(forms[0].schmidt))
        ]
        return [
            np.array(
                [np.pad(f.schmidt[i] ** 2, (0, w - len(f.schmidt[i]))) for f in forms]
            )
            for i, w in enumerate(width)
        ]


class MPSBatch(Sequence):
    """Instances of one circuit structure simulated together (:func:`simulate_mps_batch`).

    A sequence of :class:`MPSState`, one per circuit, each with its own
    record. What needs more than the record is computed for every instance
    at once, on first use: the entropy profiles (:meth:`entropy_profiles`,
    from :func:`~tnbp.states.mps_engine.schmidt_spectra`) and, when any
    instance's canonical form is first needed (any estimate from it), all
    their canonical forms in one batched sweep
    (:func:`~tnbp.states.mps_engine.canonical_sweep`). A state pickles
    alone (without the batch).

    Parameters
    ----------
    runs : list of tnbp.states.mps_engine.Run
        The runs of consecutive chunks of the batch, in order.
    max_bond : int or None
        The cap asked for (kept in the records).
    trust : TrustPolicy, optional
        When the states' estimates are flagged.
    blas_threads : int or None, optional
        BLAS threads of the batched computations and the states.

    Attributes
    ----------
    records : list of BondRecord
        Each instance's record (as :attr:`MPSState.record`).
    """

    def __init__(
        self,
        runs: list,
        *,
        max_bond=None,
        trust: TrustPolicy | None = None,
        blas_threads: int | None = 1,
    ):
        self._forms = forms = _BatchForms(runs, blas_threads)
        self._states = []
        for run in runs:
            for b, record in enumerate(run.records):
                self._states.append(
                    MPSState(
                        [s[b] for s in run.sites],
                        dataclasses.replace(record, max_bond=max_bond),
                        trust=trust,
                        blas_threads=blas_threads,
                        canonical=functools.partial(forms.canonical, len(self._states)),
                        centre=run.centre,
                    )
                )
        self.records = [st.record for st in self._states]

    def __len__(self) -> int:
        return len(self._states)

    def __getitem__(self, index):
        return self._states[index]

    def __repr__(self) -> str:
        return f"MPSBatch({len(self)} states, n={self._states[0].n})"

    def entropy_profiles(self, alpha: float = 1) -> np.ndarray:
        r"""Entropies (bits) at every cut of every instance, all at once.

        The fast path of :func:`tnbp.entropy_profile` over a batch: the same
        values (:func:`~tnbp.states.spectrum.renyi_entropies` of each cut's
        squared Schmidt values, with the same
        :data:`~tnbp.limits.SPECTRUM_NOISE_FLOOR`), without an estimate per
        state. For ``alpha >= 1`` they come from the batched
        :func:`~tnbp.states.mps_engine.schmidt_spectra` (no sweep; computed
        once): their absolute rounding of ~1e-16 moves an entropy by less
        than 1e-12 bits, even where it moves a value across the noise floor.
        For ``alpha < 1``, where small values weigh in (and ``alpha = 0``
        counts them), from the Schmidt values of the batched canonical sweep,
        as :func:`tnbp.entropy_profile` does. Only the values: for error bars
        and caveats per cut, call :func:`tnbp.entropy_profile` on
        ``batch[b]``. Instances whose estimates are flagged (truncation
        beyond the trust policy) are warned about together.

        Parameters
        ----------
        alpha : float, optional
            Renyi order, ``>= 0`` (``1``: von Neumann).

        Returns
        -------
        numpy.ndarray of float64, shape (len(batch), n - 1)
            Element ``[b, k]``: :math:`S_\alpha` of qubits ``0..k`` of instance
            ``b``, in bits.

        Raises
        ------
        TypeError
            If ``alpha`` is not a real number.
        ValueError
            If ``alpha`` is negative or NaN.

        Warns
        -----
        TruncationWarning
            When some instances have caveats (listed in the message); use
            :func:`tnbp.entropy_profile` on them for the error bounds.
        """
        alpha = check_alpha(alpha)
        flagged = [b for b, st in enumerate(self._states) if st.caveats]
        if flagged:
            warnings.warn(
                f"{len(flagged)} of {len(self)} instances have caveats "
                f"(instances {flagged[:10]}{' ...' if len(flagged) > 10 else ''}; "
                f"first: {self._states[flagged[0]].caveat_message()})",
                TruncationWarning,
                stacklevel=2,
            )
        spectra = self._forms.spectra(exact_small=alpha < 1)
        return np.stack([renyi_entropies(p, alpha) for p in spectra], axis=-1).reshape(
            len(self), self._states[0].n - 1
        )


def _stack_chunks(parts: list[list[np.ndarray]]) -> list[np.ndarray]:
    """Per-bond arrays ``(B_chunk, chi)`` of every chunk as one ``(B, chi)``, zero-padded."""
    if len(parts) == 1:
        return parts[0]
    out = []
    for bond in zip(*parts):
        width = max(a.shape[1] for a in bond)
        out.append(
            np.concatenate([np.pad(a, ((0, 0), (0, width - a.shape[1]))) for a in bond])
        )
    return out


def simulate_mps_batch(
    circuits,
    *,
    initial: str,
    max_bond=None,
    cutoff: float = 1e-12,
    trust: TrustPolicy | None = None,
    blas_threads: int | None = 1,
    workers: int = 1,
) -> MPSBatch:
    r"""Simulate circuits of one structure together on the lean engine.

    The backend of :func:`tnbp.simulate_batch`; arguments are validated there.
    The circuits are compiled into one plan (:mod:`tnbp.states.mps_engine`)
    whose site arrays carry a leading batch axis; each instance keeps what
    its own truncation rule keeps and gets its own record, so instance ``b``
    is the state :func:`simulate_mps` makes of ``circuits[b]``, with the same
    record (to rounding). Entropy profiles and canonical forms are computed
    for the whole batch on first use (:class:`MPSBatch`).

    Parameters
    ----------
    circuits : sequence of Circuit
        At least one circuit, all of one structure
        (:func:`tnbp.states.mps_engine.structure`), on
        ``n >= 2`` qubits.
    initial : str
        A validated bitstring, qubit 0 first.
    max_bond : int or None, optional
        Bond-dimension cap.
    cutoff : float, optional
        Relative discarded weight per SVD (``rsum2``), in ``[0, 1)``.
    trust : TrustPolicy, optional
        When the states' estimates are flagged.
    blas_threads : int or None, optional
        BLAS threads during the run (None: leave BLAS alone).
    workers : int, optional
        Threads running contiguous chunks of the batch, each its own run
        (and later its own batched spectra and sweep; default 1). A chunk's
        arrays carry its own largest bonds, so an instance's state and
        record are the same as in one chunk (to rounding).

    Returns
    -------
    MPSBatch
        One :class:`MPSState` per circuit, in order.

    Raises
    ------
    ValueError
        If the circuits have fewer than 2 qubits.

    References
    ----------
    .. [1] G. Vidal, "Efficient classical simulation of slightly entangled
       quantum computations", Phys. Rev. Lett. 91, 147902 (2003),
       arXiv:quant-ph/0301063 (MPS simulation of circuits).
    .. [2] Y. Zhou, E. M. Stoudenmire and X. Waintal, "What limits the
       simulation of quantum computers?", Phys. Rev. X 10, 041038 (2020),
       arXiv:2002.07730 (the fidelity estimate).
    """
    n = circuits[0].n
    if n < 2:
        raise ValueError(
            "`backend`='mps' needs at least 2 qubits; use backend='dense'."
        )
    plan = compile_plan(circuits)
    cap = _effective_cap(max_bond, n)
    edges = np.linspace(0, plan.batch, min(workers, plan.batch) + 1).astype(int)
    chunks = [
        plan.select(a, b) for a, b in zip(edges[:-1].tolist(), edges[1:].tolist())
    ]
    with blas_threads_limit(blas_threads):
        if len(chunks) == 1:
            runs = [run_plan(chunks[0], initial, cap, cutoff)]
        else:  # the compiled loops release the GIL
            with ThreadPoolExecutor(len(chunks)) as pool:
                runs = list(
                    pool.map(lambda c: run_plan(c, initial, cap, cutoff), chunks)
                )
    return MPSBatch(runs, max_bond=max_bond, trust=trust, blas_threads=blas_threads)


def check_auto_opts(auto_opts) -> dict:
    """Validate the options of ``max_bond="auto"``; return them with defaults filled in.

    Parameters
    ----------
    auto_opts : dict or None
        Any of the keys ``start`` (first bond dimension, int ``>= 1``), ``tol``
        (entropy tolerance in bits, ``>= 0``), ``memory_cap`` (bytes, int
        ``>= 1``) and ``time_cap`` (seconds, ``> 0``, or None for no cap);
        None for the defaults.

    Returns
    -------
    dict
        :data:`AUTO_DEFAULTS` updated with ``auto_opts`` (a new dict).

    Raises
    ------
    TypeError
        If ``auto_opts`` is not a dict or a value has the wrong type.
    ValueError
        If ``auto_opts`` has an unknown key or a value is out of range.
    """
    if auto_opts is None:
        return dict(AUTO_DEFAULTS)
    if not isinstance(auto_opts, dict):
        raise TypeError(f"`auto_opts` must be a dict, got {type(auto_opts)!r}.")
    unknown = set(auto_opts) - set(AUTO_DEFAULTS)
    if unknown:
        raise ValueError(
            f"`auto_opts` has unknown keys {sorted(unknown)}; valid: {sorted(AUTO_DEFAULTS)}."
        )
    opts = {**AUTO_DEFAULTS, **auto_opts}
    try:
        check_int(opts["start"], "start", minimum=1)
        check_int(opts["memory_cap"], "memory_cap", minimum=1)
        tol = check_real(opts["tol"], "tol")
        if opts["time_cap"] is not None:
            opts["time_cap"] = check_real(opts["time_cap"], "time_cap")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"`auto_opts`: {exc}") from exc
    if tol < 0:
        raise ValueError(f"`auto_opts`: `tol` must be >= 0, got {tol}.")
    if opts["time_cap"] is not None and opts["time_cap"] <= 0:
        raise ValueError(
            f"`auto_opts`: `time_cap` must be > 0 seconds, got {opts['time_cap']}."
        )
    return opts


def max_schmidt_rank(n: int, cut: int | None = None) -> int:
    r"""Largest Schmidt rank of a qubit chain across a cut, :math:`2^{\min(l, n - l)}`.

    Parameters
    ----------
    n : int
        Number of qubits.
    cut : int, optional
        The cut ``l`` between qubits ``l - 1`` and ``l``; None for the largest
        over all cuts, :math:`2^{\lfloor n/2 \rfloor}`.

    Returns
    -------
    int
        The rank bound: no bond of an ``n``-qubit MPS built by SVDs exceeds it,
        so a ``max_bond`` at or above it truncates nothing.

    Examples
    --------
    >>> max_schmidt_rank(20), max_schmidt_rank(20, 3)
    (1024, 8)
    """
    l = n // 2 if cut is None else min(cut, n - cut)
    return 2**l


def auto_run_bytes(n: int, max_bond: int) -> int:
    r"""Predicted peak memory (bytes) of one ``max_bond="auto"`` run at ``max_bond``.

    Bond ``l`` (between qubits ``l - 1`` and ``l``) holds at most
    :math:`b_l = \min(\chi, 2^l, 2^{n-l})` values (:func:`max_schmidt_rank`),
    :math:`b_0 = b_n = 1`. With 16 bytes per complex128 entry the run holds

    .. math::

        M = 16 \sum_{i=0}^{n-1} 2\, b_i b_{i+1} \quad\text{(the MPS)},\qquad
        G = 16 \sum_{l=1}^{n-1} b_l^2 \quad\text{(the canonical form's gauges)},

        W = 16 \cdot 16 \max_i 4\, b_i b_{i+2}
        \quad\text{(one two-site SVD)},

    and the prediction is :math:`2M + G + W`: the run's MPS, its canonical
    copy with gauges, and the working memory of one two-site SVD (the
    two-site tensor, LAPACK's copy of it, :math:`U`, :math:`V^\dagger`, the
    new site tensors and the ``zgesdd`` workspace: about 12 copies of the
    two-site tensor, measured at ``max_bond=128``; 16 are counted).

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    max_bond : int
        The bond-dimension cap :math:`\chi` of the run.

    Returns
    -------
    int
        The predicted peak in bytes; an upper bound on the arrays the run
        holds at once (the MPS part is exact once every bond reaches
        :math:`b_l`).

    Examples
    --------
    Two qubits at any cap: two 1x2x2 sites, their copies, one 2x2 gauge and
    a 1x2x2x1 two-site tensor:

    >>> auto_run_bytes(2, 64) == 2 * 128 + 64 + 16 * 64
    True
    """
    bonds = [1] + [min(max_bond, max_schmidt_rank(n, l)) for l in range(1, n)] + [1]
    mps = sum(2 * a * b for a, b in zip(bonds, bonds[1:])) * _COMPLEX_BYTES
    gauges = sum(b * b for b in bonds[1:-1]) * _COMPLEX_BYTES
    two_site = max(4 * a * b for a, b in zip(bonds, bonds[2:])) * _COMPLEX_BYTES
    return 2 * mps + gauges + SVD_WORKSPACE_COPIES * two_site


def _mib(nbytes: float) -> str:
    return f"{nbytes / 2**20:.3g} MiB"


def _quimb_view(canon: CanonicalMPS) -> qtn.MatrixProductState:
    """A quimb MPS sharing the (right-canonical, normalized) arrays of ``canon``."""
    B = canon.B
    if len(B) == 1:
        return qtn.MatrixProductState([B[0][0, :, 0]], shape="lpr")
    return qtn.MatrixProductState([B[0][0]] + B[1:-1] + [B[-1][..., 0]], shape="lpr")


def _nbytes(canon: CanonicalMPS) -> int:
    """Bytes held by a canonical form: site tensors and computed gauges."""
    return sum(int(b.nbytes) for b in canon.B) + sum(int(r.nbytes) for r in canon._R)


def _run_auto(
    circuit: Circuit,
    initial: str,
    cutoff: float,
    progbar: bool,
    opts: dict,
    blas_threads: int | None,
    engine: str = "auto",
):
    """Double ``max_bond`` from ``opts["start"]`` until the cap stops mattering.

    After each completed run, in this order: converged if ``chi`` reaches the
    largest Schmidt rank (:func:`max_schmidt_rank`), if no bond reached
    ``chi``, if nothing was discarded, or if no cut's entropy moved by more
    than ``opts["tol"]`` bits since the previous run; otherwise stopped if the
    time cap ran out, or if the next run (``min(2 chi, rank bound)``) is
    predicted (:func:`auto_run_bytes`, plus the kept state) to exceed
    ``opts["memory_cap"]`` bytes. The first run always completes; a later one
    that the time cap interrupts is dropped and the previous state returned.
    Each run's state is kept only as its canonical form.
    """
    n, tol, cap = circuit.n, float(opts["tol"]), int(opts["memory_cap"])
    top = max_schmidt_rank(n)
    chi = int(opts["start"])
    need = auto_run_bytes(n, chi)
    if need > cap:
        raise ValueError(
            f"`auto_opts`: the first run at start={chi} needs ~{_mib(need)} > "
            f"memory_cap={_mib(cap)}; raise `memory_cap` or lower `start`."
        )
    began = time.monotonic()
    deadline = None if opts["time_cap"] is None else began + float(opts["time_cap"])
    steps, c = 1, chi  # runs the rank bound and the memory cap allow at most
    while c < top and auto_run_bytes(n, min(2 * c, top)) <= cap:
        steps, c = steps + 1, min(2 * c, top)
    tried: list[int] = []
    kept = None  # (record, canon) of the last completed run
    previous = None  # its entropy profile
    with tqdm(total=steps, desc="max_bond='auto'", disable=not progbar) as outer:
        while True:
            try:
                psi, record, centre = _run(
                    circuit,
                    initial,
                    chi,
                    cutoff,
                    progbar,
                    deadline=deadline if tried else None,
                    desc=f"max_bond={chi}",
                    engine=engine,
                )
            except _TimeCapReached:
                status = "time_cap"
                reason = (
                    f"time cap: time_cap={opts['time_cap']:g} s ran out during the "
                    f"run at max_bond={chi}, which was dropped"
                )
                break
            canon = CanonicalMPS.from_arrays(
                psi if isinstance(psi, list) else site_arrays(psi),
                centre=centre,
                blas_threads=blas_threads,
            )
            del psi  # the canonical form holds the state from here on
            profile = np.array([renyi_entropy(s**2) for s in canon.schmidt])
            change = (
                np.inf if previous is None else float(np.abs(profile - previous).max())
            )
            kept, previous = (record, canon), profile
            tried.append(chi)
            outer.update(1)
            outer.set_postfix(max_bond=chi, dS=f"{change:.2g}", mem=_mib(need))
            log.info(
                "max_bond=%d: entropies changed by %.3g bits (%.1f s)",
                chi,
                change,
                time.monotonic() - began,
            )
            status = "converged"
            if chi >= top:
                change = 0.0
                reason = (
                    f"max_bond={chi} reaches the largest Schmidt rank 2^{n // 2} of "
                    "every cut: the cap truncated nothing"
                )
            elif record.max_bond_reached < chi:
                change = 0.0
                reason = (
                    f"no bond reached max_bond={chi} (largest "
                    f"{record.max_bond_reached}): the cap truncated nothing"
                )
            elif record.discarded_weight == 0.0:
                change = 0.0
                reason = f"the run at max_bond={chi} discarded nothing"
            elif change <= tol:
                reason = (
                    f"entropies changed by at most {change:.3g} <= tol={tol:g} bits "
                    f"between max_bond={tried[-2]} and {chi}"
                )
            elif deadline is not None and time.monotonic() > deadline:
                status = "time_cap"
                reason = (
                    f"time cap: time_cap={opts['time_cap']:g} s ran out after the "
                    f"run at max_bond={chi}"
                )
            else:
                nxt = min(2 * chi, top)
                need = _nbytes(canon) + auto_run_bytes(n, nxt)
                if need > cap:
                    status = "memory_cap"
                    reason = (
                        f"memory cap: the run at max_bond={nxt} would need "
                        f"~{_mib(need)} (with the kept state) > "
                        f"memory_cap={_mib(cap)}"
                    )
                else:
                    chi = nxt
                    continue
            break
    record, canon = kept
    auto = AutoReport(
        status, tuple(tried), change, tol, reason, time.monotonic() - began
    )
    return _quimb_view(canon), dataclasses.replace(record, auto=auto), canon
