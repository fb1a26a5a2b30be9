"""Observables and cost functions: sums of products of one-qubit operators.

An :class:`Observable` is :math:`O = c_0 + \\sum_t c_t \\bigotimes_{q \\in S_t} O^{(t)}_q`
with real coefficients and Hermitian 2x2 factors. This covers Pauli sums and
the cost functions of dissipative perceptron QNNs (arXiv:2005.12458), whose
targets are product states:

- global cost (its eq. 3): :math:`O^G = 1 - \\bigotimes_j |\\psi_j\\rangle\\langle\\psi_j|`;
- local cost (its eq. 4):
  :math:`O^L = 1 - \\frac{1}{n_{out}} \\sum_j |\\psi_j\\rangle\\langle\\psi_j|_j`.

Two costs are nonlinear in the state and differentiated by the chain rule:
:class:`MSELoss` (Liu, Lin and Jiang, eq. 16) and :class:`FidelityCost`, the
fidelity of the visible state with a target (arXiv:2010.15968, Fig. 3b).

Observables are pure data; states evaluate them (:func:`tnbp.expectation_value`).
"""

from __future__ import annotations

import dataclasses
import itertools
import numbers
import warnings

import numpy as np

from ._checks import check_labels, check_real
from .paulis import PAULI_MATRICES, check_pauli, pauli_matrix

_KET = {
    "0": np.array([1, 0], dtype=complex),
    "1": np.array([0, 1], dtype=complex),
    "+": np.array([1, 1], dtype=complex) / np.sqrt(2),
    "-": np.array([1, -1], dtype=complex) / np.sqrt(2),
}


@dataclasses.dataclass(frozen=True, eq=False)
class Term:
    """``coeff * prod_q ops[q]`` on the listed qubits (2x2 Hermitian factors)."""

    coeff: float
    qubits: tuple[int, ...]
    ops: tuple[np.ndarray, ...]

    def as_dict(self) -> dict[int, np.ndarray]:
        return dict(zip(self.qubits, self.ops))


@dataclasses.dataclass(frozen=True, eq=False)
class Observable:
    """A Hermitian observable :math:`c_0 + \\sum_t c_t \\bigotimes_q O^{(t)}_q`.

    Build one with :func:`pauli_sum`, :func:`global_cost` or :func:`local_cost`,
    or pass a ``[(coeff, "ZZ", (i, j)), ...]`` list wherever an observable is taken.
    """

    terms: tuple[Term, ...]
    constant: float = 0.0
    label: str = "observable"

    @property
    def support(self) -> tuple[int, ...]:
        """Sorted qubits some term acts on."""
        return tuple(sorted({q for t in self.terms for q in t.qubits}))

    def relabeled(self, labels) -> Observable:
        """The same terms (constant dropped) on qubits renumbered by position in ``labels``.

        Qubit ``labels[r]`` becomes qubit ``r`` (see :meth:`tnbp.Circuit.restrict`).
        """
        rel = {q: r for r, q in enumerate(labels)}
        terms = tuple(
            Term(t.coeff, tuple(rel[q] for q in t.qubits), t.ops) for t in self.terms
        )
        return Observable(terms, 0.0, self.label)

    def check(self, n: int, *, name: str = "observable") -> Observable:
        """Raise ``ValueError`` if a term acts outside an ``n``-qubit register."""
        bad = [q for q in self.support if q >= n]
        if bad:
            raise ValueError(
                f"`{name}` acts on qubit(s) {bad}, out of range for {n} qubits."
            )
        return self


def pauli_sum(terms, *, constant: float = 0.0, name: str = "observable") -> Observable:
    """:math:`\\sum_t c_t P_t` from ``[(coeff, pauli, qubits), ...]``.

    Examples
    --------
    >>> obs = pauli_sum([(1.0, "ZZ", (3, 4)), (0.5, "X", (0,))])
    >>> obs.support
    (0, 3, 4)
    """
    if isinstance(terms, (str, bytes)) or not hasattr(terms, "__iter__"):
        raise TypeError(f"`{name}` must be a list of (coeff, pauli, qubits) tuples.")
    out = []
    for entry in terms:
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise TypeError(
                f"`{name}`: each term must be (coeff, pauli, qubits), got {entry!r}."
            )
        coeff, pauli, qubits = entry
        coeff = check_real(coeff, name)
        if isinstance(qubits, numbers.Integral):
            qubits = (qubits,)
        qubits = check_labels(qubits, name, allow_empty=False)
        pauli = check_pauli(pauli, len(qubits), name=name)
        kept = [(q, PAULI_MATRICES[p]) for p, q in zip(pauli, qubits) if p != "I"]
        if not kept:
            constant += coeff
            continue
        qs, ops = zip(*kept)
        out.append(Term(coeff, tuple(qs), tuple(ops)))
    if not out and constant == 0:
        raise ValueError(f"`{name}` has no terms.")
    return Observable(tuple(out), float(constant), "pauli_sum")


def _projectors(qubits, target, name: str):
    qubits = check_labels(qubits, "qubits", allow_empty=False)
    if target is None:
        target = "0" * len(qubits)
    if (
        not isinstance(target, str)
        or len(target) != len(qubits)
        or set(target) - set(_KET)
    ):
        raise ValueError(
            f"`{name}` must be a string of one of {sorted(_KET)} per qubit "
            f"({len(qubits)}), got {target!r}."
        )
    return qubits, [np.outer(_KET[c], _KET[c].conj()) for c in target]


def global_cost(qubits, target: str | None = None) -> Observable:
    """:math:`O^G = 1 - \\bigotimes_j |\\psi_j\\rangle\\langle\\psi_j|` (arXiv:2005.12458, eq. 3).

    Parameters
    ----------
    qubits : sequence of int
        The output qubits.
    target : str, optional
        The product target state, one of ``0 1 + -`` per qubit (default all ``0``).
    """
    qubits, projs = _projectors(qubits, target, "target")
    return Observable((Term(-1.0, qubits, tuple(projs)),), 1.0, "global_cost")


def local_cost(qubits, target: str | None = None) -> Observable:
    """Local cost of arXiv:2005.12458, eq. 4.

    :math:`O^L = 1 - \\frac{1}{n}\\sum_j |\\psi_j\\rangle\\langle\\psi_j|_j`;
    parameters as for :func:`global_cost`.
    """
    qubits, projs = _projectors(qubits, target, "target")
    w = -1.0 / len(qubits)
    return Observable(
        tuple(Term(w, (q,), (P,)) for q, P in zip(qubits, projs)), 1.0, "local_cost"
    )


def as_observable(obs, n: int, *, name: str = "observable") -> Observable:
    """Accept an :class:`Observable` or a ``(coeff, pauli, qubits)`` list; check its range."""
    if not isinstance(obs, Observable):
        obs = pauli_sum(obs, name=name)
    return obs.check(n, name=name)


@dataclasses.dataclass(frozen=True, eq=False)
class MSELoss:
    """Mean-square loss :math:`\\mathcal{L} = \\tfrac12(\\langle O\\rangle - O_0)^2`.

    The training objective of Liu, Lin and Jiang, "Laziness, barren plateau,
    and noises in machine learning" (Mach. Learn.: Sci. Technol. 2024), eq. (16),
    with residual
    :math:`\\varepsilon = \\langle O\\rangle - O_0`; its gradient is
    :math:`\\varepsilon\\, \\partial\\langle O\\rangle`.
    """

    observable: Observable
    target: float


def mse_loss(observable, target: float, *, n: int | None = None) -> MSELoss:
    """:class:`MSELoss` of an observable (or ``(coeff, pauli, qubits)`` list) and a target."""
    obs = observable if isinstance(observable, Observable) else pauli_sum(observable)
    if n is not None:
        obs.check(n)
    return MSELoss(obs, check_real(target, "target"))


#: Largest visible set of a :class:`FidelityCost`: its gradient operator is
#: expanded in the 4^k Pauli strings on the visible qubits.
MAX_FIDELITY_QUBITS = 6
#: Eigenvalues of sqrt(sigma) rho sqrt(sigma) below this (relative) count as zero.
FIDELITY_RANK_TOL = 1e-12


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
    """Uhlmann fidelity of the visible state with a target,
    :math:`F(\\rho_v, \\sigma) = (\\mathrm{Tr}\\sqrt{\\sqrt\\sigma\\,\\rho_v\\sqrt\\sigma})^2`.

    The cost of the unitary QNN of arXiv:2010.15968, Fig. 3b (there with a
    thermal target). For a pure target :math:`|t\\rangle` it is
    :math:`\\langle t|\\rho_v|t\\rangle`. Build one with :func:`fidelity_cost`.

    Its derivative is linear in :math:`\\partial\\rho_v`:
    :math:`\\partial F = \\mathrm{Tr}[G\\,\\partial\\rho_v]` with
    :math:`G = \\sqrt F\\,\\sqrt\\sigma M^{-1/2}\\sqrt\\sigma` and
    :math:`M = \\sqrt\\sigma\\rho_v\\sqrt\\sigma` (the derivative of
    :math:`\\mathrm{Tr}\\sqrt M` is :math:`\\tfrac12\\mathrm{Tr}[M^{-1/2}dM]`), so a
    fidelity gradient is the gradient of the observable :math:`G` at fixed
    :math:`G` (:meth:`linearized`). :math:`M^{-1/2}` is taken on the support of
    :math:`M`; that is exact when ``rank M == rank sigma`` and otherwise
    :math:`F` is not differentiable (a warning says so).
    """

    qubits: tuple[int, ...]
    target: np.ndarray

    def value(self, rho: np.ndarray) -> float:
        """:math:`F(\\rho, \\sigma)` for a density matrix ``rho`` on :attr:`qubits`."""
        s = _psd_sqrt(self.target)
        w, _ = _psd_eigh(s @ rho @ s)
        return float(np.sum(np.sqrt(w)) ** 2)

    def linearized(self, rho: np.ndarray) -> Observable:
        """The observable :math:`G` with :math:`dF = \\mathrm{Tr}[G\\, d\\rho]` at ``rho``."""
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
    """Hermitian ``G`` on ``qubits`` as :math:`\\sum_P \\mathrm{Tr}(GP)/2^k\\, P`."""
    k = len(qubits)
    terms, constant = [], 0.0
    for letters in itertools.product("IXYZ", repeat=k):
        pauli = "".join(letters)
        c = float(np.real(np.trace(G @ pauli_matrix(pauli)))) / 2**k
        if abs(c) < 1e-15:
            continue
        kept = [(q, PAULI_MATRICES[p]) for p, q in zip(pauli, qubits) if p != "I"]
        if not kept:
            constant = c
            continue
        qs, ops = zip(*kept)
        terms.append(Term(c, tuple(qs), tuple(ops)))
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
        if abs(np.vdot(t, t) - 1) > 1e-8:
            raise ValueError(
                f"`target` state must be normalized, norm^2 = {np.vdot(t, t).real:.6g}."
            )
        t = np.outer(t, t.conj())
    elif t.shape != (d, d):
        raise ValueError(
            f"`target` must be a state of shape ({d},) or a density matrix of "
            f"shape ({d}, {d}) for {k} qubit(s), got {t.shape}."
        )
    if np.abs(t - t.conj().T).max() > 1e-10:
        raise ValueError("`target` density matrix is not Hermitian.")
    if np.linalg.eigvalsh(t).min() < -1e-10 or abs(np.trace(t) - 1) > 1e-8:
        raise ValueError("`target` density matrix must be positive with unit trace.")
    t = (t + t.conj().T) / 2
    t.setflags(write=False)
    return FidelityCost(qubits, t)
