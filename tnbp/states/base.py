"""The state interface every backend returns, and its bond record.

A :class:`State` answers three questions that all estimators are built on:
the spectrum of the reduced state of a prefix of the chain
(:meth:`State.cut_spectrum`), the reduced density matrix of a small set of
qubits (:meth:`State.reduced_density_matrix`), and the expectation of a Pauli
string or any product of one-qubit operators (:meth:`State.expectation_product`).
It also carries a
:class:`BondRecord`: the bond dimensions, truncation and fidelity estimate of
the run that produced it, from which its *caveats* follow.
"""

from __future__ import annotations

import abc
import functools

import numpy as np

from ..limits import MAX_RDM_QUBITS
from ..models.paulis import PAULI_MATRICES
from .record import BondRecord, TrustPolicy
from .spectrum import renyi_entropy


def check_rdm_size(qubits) -> None:
    """Raise ``ValueError`` for a reduced density matrix beyond :data:`MAX_RDM_QUBITS`.

    Parameters
    ----------
    qubits : sequence of int
        The qubits of the reduced density matrix.

    Raises
    ------
    ValueError
        If ``qubits`` has more than :data:`~tnbp.limits.MAX_RDM_QUBITS` entries.
    """
    if len(qubits) > MAX_RDM_QUBITS:
        raise ValueError(
            f"`qubits`: reduced density matrices are limited to {MAX_RDM_QUBITS} "
            f"qubits, got {len(qubits)}."
        )


class State(abc.ABC):
    """A quantum state on ``n`` qubits, as produced by a backend.

    Backends subclass it and implement :meth:`cut_spectrum`,
    :meth:`reduced_density_matrix`, :meth:`expectation_product` and
    :attr:`record`; everything else (the bond-record API, caveats, trust)
    follows from those.

    Parameters
    ----------
    n : int
        Number of qubits.

    Attributes
    ----------
    n : int
        Number of qubits.
    is_pure : bool
        Whether the state is pure (the spectra of complementary sets then
        coincide); class attribute, False for Gibbs states.
    trust : TrustPolicy
        When the state's estimates are flagged (class default
        ``TrustPolicy()``; MPS states take it from ``trust_opts``).
    """

    #: whether the state is pure (spectra of complementary sets then coincide)
    is_pure: bool = True
    trust: TrustPolicy = TrustPolicy()

    def __init__(self, n: int):
        self.n = n

    # ------------------------------------------------------------- interface
    @abc.abstractmethod
    def cut_spectrum(self, cut: int) -> np.ndarray:
        """Eigenvalues of the reduced state of qubits ``0..cut-1`` (``1 <= cut < n``).

        Parameters
        ----------
        cut : int
            The cut between qubits ``cut - 1`` and ``cut``, already validated.

        Returns
        -------
        numpy.ndarray of float64, shape (r,)
            The spectrum (squared Schmidt values for a pure state, ``r`` the
            bond dimension); zero eigenvalues may be left out.
        """

    @abc.abstractmethod
    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:
        r"""Reduced density matrix :math:`\rho_A` of the listed qubits.

        Parameters
        ----------
        qubits : tuple of int
            Distinct qubits, validated, at most
            :data:`~tnbp.limits.MAX_RDM_QUBITS` of them; the first listed is
            the most significant tensor factor.

        Returns
        -------
        numpy.ndarray of complex128, shape (2^k, 2^k)
            :math:`\rho_A` for ``k = len(qubits)``: Hermitian, positive
            semidefinite, unit trace.

        Raises
        ------
        ValueError
            If ``qubits`` has more than :data:`~tnbp.limits.MAX_RDM_QUBITS`
            entries (implementations call :func:`check_rdm_size`).
        """

    def subsystem_spectrum(self, qubits: tuple[int, ...]) -> np.ndarray:
        r"""Eigenvalues of :math:`\rho_A` for a set of at most 12 qubits.

        Parameters
        ----------
        qubits : tuple of int
            Distinct qubits, validated.

        Returns
        -------
        numpy.ndarray of float64, shape (r,)
            The eigenvalues, ``r <= 2^k`` for ``k = len(qubits)`` (backends
            may leave out zeros).

        Raises
        ------
        ValueError
            If ``qubits`` has more than :data:`~tnbp.limits.MAX_RDM_QUBITS`
            entries.
        """
        return np.linalg.eigvalsh(self.reduced_density_matrix(qubits))

    @abc.abstractmethod
    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:
        r"""Expectation :math:`\langle \bigotimes_q O_q \rangle` of one-qubit operators.

        Parameters
        ----------
        ops : dict of int to numpy.ndarray
            ``{qubit: O_q}`` with each ``O_q`` a 2x2 matrix; qubits not listed
            carry the identity.

        Returns
        -------
        complex
            :math:`\mathrm{Tr}(\rho \bigotimes_q O_q)` (real for Hermitian
            :math:`O_q`; 1 for an empty product).
        """

    def expectation_pauli(self, pauli: str, qubits: tuple[int, ...]) -> float:
        r"""Expectation :math:`\langle P \rangle` of a validated Pauli string on distinct qubits.

        Parameters
        ----------
        pauli : str
            One letter (I, X, Y, Z) per qubit.
        qubits : tuple of int
            Distinct qubits, in the order of the letters.

        Returns
        -------
        float
            The real expectation, in ``[-1, 1]`` (1 for the identity).
        """
        ops = {q: PAULI_MATRICES[p] for p, q in zip(pauli, qubits) if p != "I"}
        return float(np.real(self.expectation_product(ops))) if ops else 1.0

    @property
    @abc.abstractmethod
    def record(self) -> BondRecord:
        """The :class:`~tnbp.BondRecord` of the run that produced this state."""

    # -------------------------------------------------------- bond record API
    @property
    def bond_dims(self) -> list[int]:
        """Current dimension of each of the ``n - 1`` bonds."""
        return list(self.record.bond_dims)

    @property
    def max_bond_reached(self) -> int:
        """Largest bond dimension seen during the run that produced the state."""
        return self.record.max_bond_reached

    @property
    def discarded_weight(self) -> float:
        """Total squared singular values discarded, each relative to the norm then."""
        return self.record.discarded_weight

    @property
    def fidelity_estimate(self) -> float:
        r"""Estimated fidelity with the exact state, :math:`\prod_t (1 - \epsilon_t)`, in (0, 1]."""
        return self.record.fidelity_estimate

    # ------------------------------------------------------------------ trust
    @functools.cached_property
    def saturated_cuts(self) -> tuple[int, ...]:
        r"""Cuts where the bond cap bit: bond at ``max_bond`` with entropy near its log.

        A cut counts only if the run truncated at all, ``max_bond`` is below the
        largest Schmidt rank the cut allows (:math:`2^{\min(k, n-k)}`), its bond
        sits at the cap, and its entropy is within ``margin`` bits of
        :math:`\log_2 \texttt{max\_bond}`.
        """
        rec = self.record
        cap = rec.max_bond
        if cap is None or rec.num_truncations == 0:
            return ()
        limit = np.log2(cap) - self.trust.margin
        return tuple(
            cut
            for cut in range(1, self.n)
            if cap < self._max_rank(cut)
            and rec.bond_dims[cut - 1] >= cap
            and self._bond_entropy(cut) >= limit
        )

    def _max_rank(self, cut: int) -> int:
        r"""Largest Schmidt rank the cut allows: :math:`2^{\min(k, n-k)}`."""
        return 2 ** min(cut, self.n - cut)

    def _bond_entropy(self, cut: int) -> float:
        """Entropy (bits) of the Schmidt spectrum the bond at ``cut`` holds."""
        return renyi_entropy(self.cut_spectrum(cut))

    @functools.cached_property
    def caveats(self) -> tuple[str, ...]:
        """Why estimates from this state may be off (empty when trusted)."""
        out = []
        if self.saturated_cuts:
            out.append("bond_saturated")
        if self.record.discarded_weight > self.trust.discard_tol:
            out.append("truncated")
        auto = self.record.auto
        if auto is not None and auto.status != "converged":
            out.append("auto_not_converged")
        return tuple(out)

    @property
    def saturated(self) -> bool:
        """True when some cut's bond dimension saturated (see :attr:`saturated_cuts`)."""
        return bool(self.saturated_cuts)

    @property
    def trusted(self) -> bool:
        """Whether the state has no caveats."""
        return not self.caveats

    @property
    def truncation_distance(self) -> float:
        r"""Bound on the trace distance to the exact state, at most 1.

        :math:`\min(1, \sum_t \sqrt{\epsilon_t})` over the run's truncations
        (:attr:`tnbp.BondRecord.distance_bound`): every truncation counts, and
        the bound holds however the truncation errors add up. 0 for an
        untruncated state.
        """
        return float(min(1.0, self.record.distance_bound))

    def caveat_message(self) -> str:
        """A sentence explaining this state's caveats and what to do about them.

        Returns
        -------
        str
            The explanation of each caveat, joined by ``"; "`` and ending
            with a period (just ``"."`` for a trusted state).
        """
        rec = self.record
        parts = []
        if self.saturated_cuts:
            cuts = self.saturated_cuts
            shown = ", ".join(map(str, cuts[:5])) + (", ..." if len(cuts) > 5 else "")
            parts.append(
                f"bond dimension saturated at max_bond={rec.max_bond} on cut(s) {shown} "
                f"(entropy within {self.trust.margin} bit of log2(max_bond)"
                f"={np.log2(rec.max_bond):.2f}): the cap is too small for this state "
                "(a volume-law state saturates any cap) and its entropies are "
                "underestimated; raise max_bond"
            )
        if rec.discarded_weight > self.trust.discard_tol:
            parts.append(
                f"total discarded weight {rec.discarded_weight:.3g} > "
                f"{self.trust.discard_tol:g} (a sum over the run's truncations, "
                f"{rec.num_truncations} above rounding level, of the squared singular "
                "values dropped, each relative to the norm then, so it can exceed 1; "
                "it bounds the estimated infidelity 1 - F = "
                f"{1 - rec.fidelity_estimate:.3g}, fidelity estimate "
                f"{rec.fidelity_estimate:.6f}, and sets the error bars through the "
                "trace-distance bound min(1, sum_t sqrt(weight_t)) = "
                f"{self.truncation_distance:.3g})"
            )
        auto = rec.auto
        if auto is not None and auto.status != "converged":
            what = auto.status.replace("_", " ")  # "memory cap" or "time cap"
            change = (
                f"with entropies still changing by {auto.entropy_change:.3g} bits"
                if np.isfinite(auto.entropy_change)
                else "after a single run (no convergence check)"
            )
            parts.append(
                f"max_bond='auto' hit its {what} at max_bond={auto.max_bonds[-1]} "
                f"{change}" + (f" ({auto.reason})" if auto.reason else "")
            )
        return "; ".join(parts) + "."


class MixedState(State):
    r"""A mixed state: the spectrum of a cut is that of its reduced density matrix.

    For a mixed state the two sides of a cut have different spectra, so
    :meth:`cut_spectrum` diagonalizes :math:`\rho_{0..cut-1}` itself (at most
    :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits). Subclasses implement
    :meth:`reduced_density_matrix`, :meth:`expectation_product` and
    :attr:`record`.

    Parameters
    ----------
    n : int
        Number of qubits.
    """

    is_pure = False

    def cut_spectrum(self, cut: int) -> np.ndarray:
        r"""Eigenvalues of the (mixed) reduced state of qubits ``0..cut-1``.

        Parameters
        ----------
        cut : int
            The cut, ``1 <= cut <= n - 1``, with ``cut`` at most
            :data:`~tnbp.limits.MAX_RDM_QUBITS`.

        Returns
        -------
        numpy.ndarray of float64, shape (2^cut,)
            The eigenvalues of :math:`\rho_{0..cut-1}`, ascending.

        Raises
        ------
        ValueError
            If ``cut`` exceeds :data:`~tnbp.limits.MAX_RDM_QUBITS`.
        """
        return self.subsystem_spectrum(tuple(range(cut)))
