r"""Costs that are nonlinear in the state, differentiated by the chain rule.

- :class:`MSELoss`: :math:`\mathcal{L} = \tfrac12(\langle O\rangle - O_0)^2`
  (Liu, Lin and Jiang, arXiv:2206.09313, eq. 16);
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

    The training objective of Liu, Lin and Jiang, eq. (16), with residual
    :math:`\varepsilon = \langle O\rangle - O_0`; its gradient is
    :math:`\varepsilon\, \partial\langle O\rangle`. Build one with
    :func:`mse_loss`; a frozen dataclass that checks nothing itself.

    Attributes
    ----------
    observable : Observable
        :math:`O`.
    target : float
        :math:`O_0`, in the units of :math:`O`.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
       machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       doi:10.1088/2632-2153/ad35a3, arXiv:2206.09313, eq. (16).
    """

    observable: Observable
    target: float


def mse_loss(observable, target: float, *, n: int | None = None) -> MSELoss:
    r""":class:`MSELoss` of an observable (or ``(coeff, pauli, qubits)`` list) and a target.

    Parameters
    ----------
    observable : Observable or iterable of (coeff, pauli, qubits)
        :math:`O`, or the terms of a Pauli sum (see :func:`pauli_sum`).
    target : float
        :math:`O_0`, real and finite.
    n : int, optional
        If given, the register size ``O`` must fit in.

    Returns
    -------
    MSELoss
        :math:`\tfrac12(\langle O\rangle - O_0)^2`.

    Raises
    ------
    TypeError
        If ``observable`` is not an Observable or a list of 3-tuples, or
        ``target`` is not a real number.
    ValueError
        If a term has a bad value or acts outside ``0..n-1``, or ``target`` is
        not finite.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
       machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       doi:10.1088/2632-2153/ad35a3, arXiv:2206.09313, eq. (16).
    """
    obs = observable if isinstance(observable, Observable) else pauli_sum(observable)
    if n is not None:
        obs.check(n)
    return MSELoss(obs, check_real(target, "target"))


def _psd_eigh(A: np.ndarray):
    """Eigenpairs of PSD matrices (a stack ``(..., d, d)``), rounding-level eigenvalues zeroed.

    (Their square roots, ~1e-8, would otherwise pollute fidelities.)
    """
    w, v = np.linalg.eigh(A)
    largest = np.maximum(w.max(axis=-1, keepdims=True), 0.0)
    w[w < FIDELITY_RANK_TOL * largest] = 0.0
    return w, v


def _psd_sqrt(A: np.ndarray) -> np.ndarray:
    w, v = _psd_eigh(A)
    return (v * np.sqrt(w)) @ v.conj().T


@dataclasses.dataclass(frozen=True, eq=False)
class FidelityCost:
    r"""Uhlmann fidelity :math:`F(\rho_v, \sigma)` of the visible state with a target.

    .. math::

        F(\rho_v, \sigma) = \Big(\mathrm{Tr}\sqrt{\sqrt\sigma\,\rho_v\sqrt\sigma}\Big)^2
        \in [0, 1].

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

    Attributes
    ----------
    qubits : tuple of int
        The visible qubits, ``k`` of them; the first is the most significant
        factor of ``target``.
    target : numpy.ndarray of complex128, shape (2^k, 2^k)
        The target density matrix :math:`\sigma` (read-only).

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Fig. 3b (the fidelity cost of the unitary QNN).
    .. [2] R. Jozsa, "Fidelity for mixed quantum states", J. Mod. Opt. 41, 2315
       (1994) (the definition of :math:`F`).
    """

    qubits: tuple[int, ...]
    target: np.ndarray

    @property
    def target_rank(self) -> int:
        """Rank of the target density matrix (1 for a pure target).

        Eigenvalues below :data:`~tnbp.limits.FIDELITY_RANK_TOL` times the
        largest count as zero.
        """
        return int(np.count_nonzero(_psd_eigh(self.target)[0]))

    def value(self, rho: np.ndarray) -> float:
        r""":math:`F(\rho, \sigma)` for a density matrix ``rho`` on :attr:`qubits`.

        Parameters
        ----------
        rho : numpy.ndarray, shape (2^k, 2^k)
            The visible state's density matrix, first qubit most significant.

        Returns
        -------
        float
            :math:`(\mathrm{Tr}\sqrt{\sqrt\sigma\rho\sqrt\sigma})^2`, in ``[0, 1]``
            (eigenvalues below :data:`~tnbp.limits.FIDELITY_RANK_TOL` relative are
            set to zero first).
        """
        return float(self.values(rho))

    def values(self, rhos: np.ndarray) -> np.ndarray:
        r""":math:`F(\rho_b, \sigma)` for a stack of density matrices, in one batched call.

        Parameters
        ----------
        rhos : numpy.ndarray, shape (..., 2^k, 2^k)
            Density matrices on :attr:`qubits`, first qubit most significant.

        Returns
        -------
        numpy.ndarray of float64, shape (...)
            The fidelity of each, as :meth:`value` computes it.

        Examples
        --------
        >>> import numpy as np
        >>> cost = fidelity_cost([1.0, 0.0], [0])
        >>> F = cost.values(np.stack([np.diag([1.0, 0.0]), np.eye(2) / 2]))
        >>> F.shape, F.round(12).tolist()
        ((2,), [1.0, 0.5])
        """
        s = _psd_sqrt(self.target)
        w, _ = _psd_eigh(s @ rhos @ s)
        return np.sum(np.sqrt(w), axis=-1) ** 2

    def linearized(self, rho: np.ndarray) -> Observable:
        r"""The observable :math:`G` with :math:`dF = \mathrm{Tr}[G\, d\rho]` at ``rho``.

        Parameters
        ----------
        rho : numpy.ndarray, shape (2^k, 2^k)
            The visible state's density matrix at which to linearize.

        Returns
        -------
        Observable
            :math:`G = \sqrt F\, \sqrt\sigma M^{-1/2} \sqrt\sigma` expanded in Pauli
            strings on :attr:`qubits` (coefficients below
            :data:`~tnbp.limits.PAULI_COEFFICIENT_NOISE_FLOOR` dropped), labelled
            ``"fidelity_gradient"``; empty when :math:`M = 0`.

        Warns
        -----
        RuntimeWarning
            When ``rank M < rank sigma``: :math:`F` is not differentiable at
            ``rho`` and :math:`G` keeps only the support of :math:`M`.
        """
        s = _psd_sqrt(self.target)
        w, v = _psd_eigh(s @ rho @ s)
        keep = w > 0
        sigma_rank = self.target_rank
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

    Returns
    -------
    FidelityCost
        The cost, holding the target as a read-only density matrix.

    Raises
    ------
    TypeError
        If ``target`` is not numeric or ``qubits`` is not a sequence of
        integers.
    ValueError
        If ``qubits`` is empty, repeated, negative or more than
        :data:`~tnbp.limits.MAX_FIDELITY_QUBITS`; or ``target`` has the wrong
        shape, non-finite entries, is an unnormalized vector, or is not a
        density matrix.

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
