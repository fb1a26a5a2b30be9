r"""Costs that are nonlinear in the state, differentiated by the chain rule.

- :class:`MSELoss`: :math:`\mathcal{L} = \tfrac12(\langle O\rangle - O_0)^2`
  (Liu, Lin and Jiang, eq. 16);
- :class:`FidelityCost`: the Uhlmann fidelity of the visible state with a
  target (arXiv:2010.15968, Fig. 3b).

Both are pure data; :func:`tnbp.gradient` differentiates them.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings

import numpy as np

from .._checks import check_density_matrix, check_labels, check_real
from ..limits import (
    FIDELITY_RANK_TOL,
    MAX_FIDELITY_QUBITS,
    NORMALIZATION_ATOL,
    PAULI_COEFFICIENT_NOISE_FLOOR,
)
from .operators import Observable, Term, pauli_sum
from .paulis import pauli_matrix, pauli_term


@dataclasses.dataclass(frozen=True, eq=False)
class MSELoss:
    r"""Mean-square loss :math:`\mathcal{L} = \tfrac12(\langle O\rangle - O_0)^2`.

    The training objective of Liu, Lin and Jiang, "Laziness, barren plateau,
    and noises in machine learning" (Mach. Learn.: Sci. Technol. 2024), eq. (16),
    with residual
    :math:`\varepsilon = \langle O\rangle - O_0`; its gradient is
    :math:`\varepsilon\, \partial\langle O\rangle`.
    """

    observable: Observable
    target: float


def mse_loss(observable, target: float, *, n: int | None = None) -> MSELoss:
    """:class:`MSELoss` of an observable (or ``(coeff, pauli, qubits)`` list) and a target."""
    obs = observable if isinstance(observable, Observable) else pauli_sum(observable)
    if n is not None:
        obs.check(n)
    return MSELoss(obs, check_real(target, "target"))


def _psd_eigh(A: np.ndarray):
    """Eigenpairs of a PSD matrix with rounding-level eigenvalues set to zero.

    (Their square roots, ~1e-8, would otherwise pollute fidelities.)
    """
    w, v = np.linalg.eigh(A)
    w[w < FIDELITY_RANK_TOL * max(w.max(), 0.0)] = 0.0
    return w, v


def _psd_sqrt(A: np.ndarray) -> np.ndarray:
    w, v = _psd_eigh(A)
    return (v * np.sqrt(w)) @ v.conj().T


@dataclasses.dataclass(frozen=True, eq=False)
class FidelityCost:
    r"""Uhlmann fidelity of the visible state with a target,
    :math:`F(\rho_v, \sigma) = (\mathrm{Tr}\sqrt{\sqrt\sigma\,\rho_v\sqrt\sigma})^2`.

    The cost of the unitary QNN of arXiv:2010.15968, Fig. 3b (there with a
    thermal target). For a pure target :math:`|t\rangle` it is
    :math:`\langle t|\rho_v|t\rangle`. Build one with :func:`fidelity_cost`.

    Its derivative is linear in :math:`\partial\rho_v`:
    :math:`\partial F = \mathrm{Tr}[G\,\partial\rho_v]` with
    :math:`G = \sqrt F\,\sqrt\sigma M^{-1/2}\sqrt\sigma` and
    :math:`M = \sqrt\sigma\rho_v\sqrt\sigma` (the derivative of
    :math:`\mathrm{Tr}\sqrt M` is :math:`\tfrac12\mathrm{Tr}[M^{-1/2}dM]`), so a
    fidelity gradient is the gradient of the observable :math:`G` at fixed
    :math:`G` (:meth:`linearized`). :math:`M^{-1/2}` is taken on the support of
    :math:`M`; that is exact when ``rank M == rank sigma`` and otherwise
    :math:`F` is not differentiable (a warning says so).
    """

    qubits: tuple[int, ...]
    target: np.ndarray

    def value(self, rho: np.ndarray) -> float:
        r""":math:`F(\rho, \sigma)` for a density matrix ``rho`` on :attr:`qubits`."""
        s = _psd_sqrt(self.target)
        w, _ = _psd_eigh(s @ rho @ s)
        return float(np.sum(np.sqrt(w)) ** 2)

    def linearized(self, rho: np.ndarray) -> Observable:
        r"""The observable :math:`G` with :math:`dF = \mathrm{Tr}[G\, d\rho]` at ``rho``."""
        s = _psd_sqrt(self.target)
        w, v = _psd_eigh(s @ rho @ s)
        keep = w > 0
        sigma_rank = int(np.count_nonzero(_psd_eigh(self.target)[0]))
        if keep.sum() < sigma_rank or not keep.any():
            warnings.warn(
                f"fidelity: rank of sqrt(sigma) rho sqrt(sigma) ({int(keep.sum())}) "
                f"is below the target's rank ({sigma_rank}); F is not differentiable "
                "here and the gradient keeps only the support of rho.",
                RuntimeWarning,
                stacklevel=3,
            )
        if not keep.any():
            return Observable((), 0.0, "fidelity_gradient")
        inv_sqrt = (v[:, keep] / np.sqrt(w[keep])) @ v[:, keep].conj().T
        G = np.sum(np.sqrt(w[keep])) * (s @ inv_sqrt @ s)  # sqrt(F) = Tr sqrt(M)
        return _pauli_expansion(G, self.qubits, label="fidelity_gradient")


def _pauli_expansion(G: np.ndarray, qubits, *, label: str) -> Observable:
    r"""Hermitian ``G`` on ``qubits`` as :math:`\sum_P \mathrm{Tr}(GP)/2^k\, P`."""
    k = len(qubits)
    terms, constant = [], 0.0
    for letters in itertools.product("IXYZ", repeat=k):
        pauli = "".join(letters)
        c = float(np.real(np.trace(G @ pauli_matrix(pauli)))) / 2**k
        if abs(c) < PAULI_COEFFICIENT_NOISE_FLOOR:
            continue
        term = pauli_term(c, pauli, qubits)
        if term.is_identity:
            constant = c
        else:
            terms.append(Term.from_pauli(term))
    return Observable(tuple(terms), constant, label)


def fidelity_cost(target, qubits) -> FidelityCost:
    """:class:`FidelityCost` with a target state on the visible ``qubits``.

    Parameters
    ----------
    target : array_like
        A normalized state vector (length ``2^k``) or a density matrix
        (``2^k x 2^k``, Hermitian, positive semidefinite, unit trace), first
        listed qubit most significant; ``k = len(qubits) <= 6``.
    qubits : sequence of int
        The visible qubits.

    Examples
    --------
    >>> import numpy as np
    >>> cost = fidelity_cost(np.eye(2) / 2, [0])
    >>> round(cost.value(np.diag([1.0, 0.0])), 12)
    0.5
    """
    qubits = check_labels(qubits, "qubits", allow_empty=False)
    k = len(qubits)
    if k > MAX_FIDELITY_QUBITS:
        raise ValueError(
            f"`qubits`: fidelity costs take at most {MAX_FIDELITY_QUBITS} visible "
            f"qubits, got {k}."
        )
    try:
        t = np.array(target, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`target` must be numeric, got {type(target)!r}.") from exc
    d = 2**k
    if not np.all(np.isfinite(t)):
        raise ValueError("`target` has non-finite entries.")
    if t.shape == (d,):
        if abs(np.vdot(t, t) - 1) > NORMALIZATION_ATOL:
            raise ValueError(
                f"`target` state must be normalized, norm^2 = {np.vdot(t, t).real:.6g}."
            )
        t = np.outer(t, t.conj())
    elif t.shape != (d, d):
        raise ValueError(
            f"`target` must be a state of shape ({d},) or a density matrix of "
            f"shape ({d}, {d}) for {k} qubit(s), got {t.shape}."
        )
    t = check_density_matrix(t, d, name="target")
    t.setflags(write=False)
    return FidelityCost(qubits, t)
