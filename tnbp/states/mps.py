r"""Matrix-product-state backend with a full bond and truncation record.

Gates are applied by quimb's MPS machinery (``MatrixProductState.gate_`` with
``contract="auto-mps"``: distant qubits are swapped together, gated, and
swapped back, compressing after each step), exactly as in quimb's
``CircuitMPS``. Truncation rule: after each SVD, the smallest singular values
whose squared sum is below ``cutoff`` times the total are dropped
(``cutoff_mode="rsum2"``), then at most ``max_bond`` are kept.

The state is never renormalized during the run, so the squared norm at the
orthogonality centre after each two-qubit gate gives that gate's discarded
weight :math:`\epsilon_t = 1 - \|\psi_t\|^2 / \|\psi_{t-1}\|^2`; the record
holds :math:`\sum_t \epsilon_t` and :math:`F = \prod_t (1 - \epsilon_t)`
(the final :math:`\|\psi\|^2`), the fidelity estimate of Zhou, Stoudenmire
and Waintal. Estimates always use the normalized state.

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
import warnings

import numpy as np
import quimb.tensor as qtn
from autoray import do
from tqdm.auto import tqdm

from .._checks import check_int, check_real
from .._threads import blas_threads_limit
from ..limits import TRUNCATION_NOISE_FLOOR
from ..models.circuit import Circuit
from .base import State, check_rdm_size
from .canonical import CanonicalMPS, site_arrays
from .record import AutoReport, BondRecord, TruncationWarning, TrustPolicy
from .spectrum import renyi_entropy

log = logging.getLogger(__name__)

#: Defaults of ``max_bond="auto"``: first bond dimension, entropy tolerance
#: (bits, largest change over all cuts between successive doublings) and the
#: memory cap (bytes of complex128 MPS tensors at the next bond dimension).
AUTO_DEFAULTS = {"start": 16, "tol": 1e-3, "memory_cap": 2**31}


class MPSState(State):
    """A normalized MPS with the record of the run that produced it.

    Built by :func:`simulate_mps`; contractions go through its
    :attr:`canonical` form, computed on first use.

    Parameters
    ----------
    mps : quimb.tensor.MatrixProductState
        The (possibly unnormalized) state as left by the gates.
    record : BondRecord
        Bond dimensions and truncation of the run.
    trust : TrustPolicy, optional
        When the state's estimates are flagged (default: the class default
        ``TrustPolicy()``).
    blas_threads : int or None, optional
        BLAS threads for the canonical sweep and contractions (see module docstring).
    canonical : CanonicalMPS, optional
        The canonical form of ``mps``, if already computed.
    """

    def __init__(
        self,
        mps: qtn.MatrixProductState,
        record: BondRecord,
        *,
        trust: TrustPolicy | None = None,
        blas_threads: int | None = 1,
        canonical: CanonicalMPS | None = None,
    ):
        super().__init__(mps.L)
        self._mps = mps
        self._record = record
        self._blas_threads = blas_threads
        if trust is not None:
            self.trust = trust
        if canonical is not None:  # already computed (max_bond="auto" needs it)
            self.__dict__["canonical"] = canonical

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
        return CanonicalMPS.from_arrays(
            site_arrays(self._mps), blas_threads=self._blas_threads
        )

    def to_quimb(self) -> qtn.MatrixProductState:
        """The normalized state as a quimb ``MatrixProductState`` (right-canonical).

        Returns
        -------
        quimb.tensor.MatrixProductState
            ``n`` sites with shape ``"lpr"``, unit norm, orthogonality centre at
            site 0; a new object (the run's ``mps`` is not returned).
        """
        B = self.canonical.B
        arrays = (
            [B[0][0]] + B[1:-1] + [B[-1][..., 0]] if self.n > 1 else [B[0][0, :, 0]]
        )
        return qtn.MatrixProductState(arrays, shape="lpr")

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


def _run(circuit: Circuit, initial: str, max_bond, cutoff: float, progbar: bool):
    """Apply the circuit layer by layer, recording bonds and truncation."""
    psi = qtn.MPS_computational_state(initial)
    info: dict = {}
    opts = dict(
        contract="auto-mps",
        max_bond=max_bond,
        cutoff=cutoff,
        cutoff_mode="rsum2",
        propagate_tags=False,
        info=info,
    )
    gates = circuit.gates
    layers = circuit.layers()
    history = [_bond_sizes(psi)]
    norm2, discarded, peak, ntrunc = 1.0, 0.0, 1, 0
    bar = tqdm(layers, desc="mps", disable=not progbar, leave=False)
    for layer in bar:
        for k in layer:
            gate = gates[k]
            psi.gate_(gate.to_matrix(), gate.qubits, **opts)
            if len(gate.qubits) < 2:
                continue
            centre = info.get("cur_orthog")
            if centre is not None and centre[0] == centre[1]:
                t = psi[centre[0]]
                new = float(do("real", do("vdot", t.data, t.data)))
                site = psi.site_ind(centre[0])
                peak = max(peak, *(d for ix, d in zip(t.inds, t.shape) if ix != site))
            else:  # centre unknown: fall back to a full norm
                new = float(abs(psi.norm()) ** 2)
            eps = 1.0 - new / norm2
            if eps > 0:
                discarded += eps
                ntrunc += eps > TRUNCATION_NOISE_FLOOR
            norm2 = new
        history.append(_bond_sizes(psi))
        if progbar:
            bar.set_postfix(
                max_bond=max(history[-1], default=1), error=f"{1 - norm2:.2g}"
            )
    hist = np.array(history, dtype=int).reshape(len(history), circuit.n - 1)
    record = BondRecord(
        bond_dims=history[-1],
        history=hist,
        max_bond_reached=max(peak, int(hist.max(initial=1))),
        discarded_weight=discarded,
        fidelity_estimate=min(1.0, norm2),
        num_truncations=ntrunc,
        max_bond=max_bond,
        cutoff=cutoff,
    )
    return psi, record


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
        Show a progress bar over layers.
    auto_opts : dict, optional
        Options of ``max_bond="auto"`` (keys of :data:`AUTO_DEFAULTS`).
    trust : TrustPolicy, optional
        When the state's estimates are flagged.
    blas_threads : int or None, optional
        BLAS threads during the run (None: leave BLAS alone).

    Returns
    -------
    MPSState
        The final state and its :class:`~tnbp.BondRecord` (with an
        :class:`~tnbp.AutoReport` for ``max_bond="auto"``).

    Raises
    ------
    ValueError
        If ``circuit`` has fewer than 2 qubits or ``auto_opts`` has unknown
        keys.

    Warns
    -----
    TruncationWarning
        When ``max_bond="auto"`` stopped at its memory cap.

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
    opts = {**AUTO_DEFAULTS, **(auto_opts or {})}
    unknown = set(opts) - set(AUTO_DEFAULTS)
    if unknown:
        raise ValueError(
            f"`auto_opts` has unknown keys {sorted(unknown)}; valid: {sorted(AUTO_DEFAULTS)}."
        )
    with blas_threads_limit(blas_threads):
        if max_bond == "auto":
            psi, record, canon = _run_auto(
                circuit, initial, cutoff, progbar, opts, blas_threads
            )
        else:
            psi, record = _run(circuit, initial, max_bond, cutoff, progbar)
            canon = None
    state = MPSState(
        psi, record, trust=trust, blas_threads=blas_threads, canonical=canon
    )
    if record.auto is not None and record.auto.status != "converged":
        warnings.warn(state.caveat_message(), TruncationWarning, stacklevel=3)
    return state


def check_auto_opts(auto_opts) -> dict:
    """Validate the options of ``max_bond="auto"``; return them with defaults filled in.

    Parameters
    ----------
    auto_opts : dict or None
        Any of the keys ``start`` (first bond dimension, int ``>= 1``), ``tol``
        (entropy tolerance in bits, ``>= 0``) and ``memory_cap`` (bytes, int
        ``>= 1``); None for the defaults.

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
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"`auto_opts`: {exc}") from exc
    if tol < 0:
        raise ValueError(f"`auto_opts`: `tol` must be >= 0, got {tol}.")
    return opts


def _run_auto(
    circuit: Circuit,
    initial: str,
    cutoff: float,
    progbar: bool,
    opts: dict,
    blas_threads: int | None,
):
    """Double ``max_bond`` from ``opts["start"]`` until the entropy profile converges.

    Stops when a run never reaches its cap (nothing was cut by it), when no
    cut's entropy moved by more than ``opts["tol"]`` bits since the previous
    run, or when the next run's MPS (n sites of 2 chi^2 complex numbers) would
    exceed ``opts["memory_cap"]`` bytes.
    """
    chi, tried, previous = int(opts["start"]), [], None
    while True:
        tried.append(chi)
        psi, record = _run(circuit, initial, chi, cutoff, progbar)
        canon = CanonicalMPS.from_arrays(site_arrays(psi), blas_threads=blas_threads)
        profile = np.array([renyi_entropy(s**2) for s in canon.schmidt])
        change = np.inf if previous is None else float(np.abs(profile - previous).max())
        if record.max_bond_reached < chi:
            status, change = "converged", 0.0
        elif change <= opts["tol"]:
            status = "converged"
        elif 2 * circuit.n * (2 * chi) ** 2 * 16 > opts["memory_cap"]:
            status = "memory_cap"
        else:
            log.info(
                "max_bond=%d: entropies changed by %.3g bits; doubling", chi, change
            )
            previous, chi = profile, 2 * chi
            continue
        auto = AutoReport(status, tuple(tried), change, float(opts["tol"]))
        return psi, dataclasses.replace(record, auto=auto), canon
