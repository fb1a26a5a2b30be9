r"""Entanglement entropies, purity and mutual information (all in bits).

For a pure state and a set of qubits :math:`A` with reduced state
:math:`\rho_A = \mathrm{Tr}_{\bar A} |\psi\rangle\langle\psi|`,

.. math::

    S_\alpha(A) = \frac{1}{1 - \alpha} \log_2 \mathrm{Tr}\,\rho_A^\alpha,
    \qquad S_1(A) = -\mathrm{Tr}\,\rho_A \log_2 \rho_A,

so :math:`0 \le S_\alpha(A) \le |A|` and ``k`` Bell pairs across a cut carry
``k`` bits. Every result carries the caveats of its state
(:mod:`tnbp.estimators.estimate`).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_alpha
from ..states import spectrum
from .budget import with_trotter_error
from .estimate import Estimate, EstimateArray, clip_error, entropy_error, flagged
from .subsystems import check_cut, check_state, check_subsystem, subsystem_spectrum


@with_trotter_error
def entropy(state, cut: int, alpha: float = 1) -> Estimate:
    r"""Renyi-``alpha`` entropy (bits) of qubits ``0..cut-1`` versus the rest.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    cut : int
        The cut between qubits ``cut - 1`` and ``cut`` (``1 <= cut <= n - 1``).
    alpha : float, optional
        Renyi order, ``>= 0`` (``1``: von Neumann, ``inf``: min-entropy).

    Returns
    -------
    Estimate
        :math:`S_\alpha` of qubits ``0..cut-1`` in bits, with the state's
        caveats and a ``truncation_error`` bound (Fannes-Audenaert for
        ``alpha = 1``, see :func:`~tnbp.estimators.estimate.entropy_error`),
        clipped to the range ``[0, min(cut, n - cut)]`` bits of a pure state
        (``[0, cut]`` for a mixed one) by
        :func:`~tnbp.estimators.estimate.clip_error`.

    Raises
    ------
    TypeError
        If ``state`` is not a State, ``cut`` is not an integer or ``alpha`` is
        not a real number.
    ValueError
        If ``cut`` is outside ``1..n-1``, ``alpha`` is negative or NaN, or the
        backend cannot form the cut's spectrum (``backend="tn"`` with both
        sides above :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits).

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).

    Examples
    --------
    A Bell pair across the middle cut carries one bit:

    >>> import tnbp
    >>> c = tnbp.Circuit(4); c.h(1); c.cnot(1, 2)
    >>> round(tnbp.entropy(tnbp.simulate(c), 2), 12)
    1.0
    """
    state = check_state(state)
    cut = check_cut(state, cut)
    alpha = check_alpha(alpha)
    return flagged(
        state, *_entropy_and_error(state, state.cut_spectrum(cut), cut, alpha)
    )


@with_trotter_error
def entropy_profile(state, alpha: float = 1) -> EstimateArray:
    r"""Entropies (bits) at all ``n - 1`` cuts; element ``k`` is the cut ``k + 1``.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    alpha : float, optional
        Renyi order, ``>= 0``.

    Returns
    -------
    EstimateArray of float64, shape (n - 1,)
        :math:`S_\alpha` of qubits ``0..k`` at element ``k``, in bits; its
        ``truncation_error`` is the largest of the cuts' bounds (each clipped
        as in :func:`entropy`).

    Raises
    ------
    TypeError
        If ``state`` is not a State or ``alpha`` is not a real number.
    ValueError
        If ``alpha`` is negative or NaN, or the backend cannot form some cut's
        spectrum (``backend="tn"`` with a cut whose both sides exceed
        :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits).

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).
    """
    state = check_state(state)
    alpha = check_alpha(alpha)
    pairs = [
        _entropy_and_error(state, state.cut_spectrum(c), c, alpha)
        for c in range(1, state.n)
    ]
    values, errors = np.array(pairs, dtype=float).reshape(-1, 2).T
    return flagged(state, values, float(np.max(errors)))


@with_trotter_error
def subsystem_entropy(state, qubits, alpha: float = 1) -> Estimate:
    r"""Renyi-``alpha`` entropy (bits) of any set of qubits, contiguous or not.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    qubits : int, sequence of int or Partition
        The subsystem (for a :class:`~tnbp.Partition`, its visible qubits).
        Prefixes and suffixes of the chain may have any size; other sets need a
        reduced density matrix of at most 12 qubits (of the set or, for pure
        states, of its complement).
    alpha : float, optional
        Renyi order, ``>= 0``.

    Returns
    -------
    Estimate
        :math:`S_\alpha(A)` in bits, in ``[0, |A|]``, with the state's caveats
        and a ``truncation_error`` bound clipped to that range (for a pure
        state ``[0, min(|A|, n - |A|)]``).

    Raises
    ------
    TypeError
        If ``state`` is not a State, ``qubits`` is not a qubit or a sequence
        of them, or ``alpha`` is not a real number.
    ValueError
        If ``qubits`` is empty, out of range or repeated, ``alpha`` is negative
        or NaN, or the set needs a reduced density matrix above
        :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).
    """
    state = check_state(state)
    qubits = check_subsystem(state, qubits)
    alpha = check_alpha(alpha)
    p = subsystem_spectrum(state, qubits)
    return flagged(state, *_entropy_and_error(state, p, len(qubits), alpha))


@with_trotter_error
def purity(state, qubits) -> Estimate:
    r"""Purity :math:`\mathrm{Tr}\,\rho_A^2` of a set of qubits (1 for a product state).

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    qubits : int, sequence of int or Partition
        The subsystem :math:`A` (for a :class:`~tnbp.Partition`, its visible
        qubits), as in :func:`subsystem_entropy`.

    Returns
    -------
    Estimate
        :math:`\mathrm{Tr}\,\rho_A^2 \in [2^{-|A|}, 1]`, with the state's caveats
        and ``truncation_error`` :math:`4T` at trace distance :math:`T` from
        the exact state, clipped to the range :math:`[2^{-k}, 1]` (``k`` the
        smaller of ``|A|`` and ``n - |A|`` for a pure state, else ``|A|``).

    Raises
    ------
    TypeError
        If ``state`` is not a State or ``qubits`` is not a qubit or a sequence
        of them.
    ValueError
        If ``qubits`` is empty, out of range or repeated, or needs a reduced
        density matrix above :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).
    """
    state = check_state(state)
    qubits = check_subsystem(state, qubits)
    value = spectrum.purity(subsystem_spectrum(state, qubits))
    lowest = 2.0 ** -_effective_size(state, len(qubits))
    return flagged(
        state, value, clip_error(4 * state.truncation_distance, value, lowest, 1.0)
    )


@with_trotter_error
def mutual_information(state, a, b, alpha: float = 1) -> Estimate:
    r"""Mutual information :math:`I(A:B) = S(A) + S(B) - S(A \cup B)` of disjoint sets.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    a, b : int, sequence of int or Partition
        The two disjoint subsystems, as in :func:`subsystem_entropy`.
    alpha : float, optional
        Renyi order of the three entropies, ``>= 0``.

    Returns
    -------
    Estimate
        :math:`I(A:B)` in bits, with the state's caveats and the sum of the
        three entropies' ``truncation_error`` bounds, clipped to the range
        :math:`[0, 2\min(k_A, k_B)]` for ``alpha = 1`` (``k`` as in
        :func:`purity`), :math:`[-k_{AB}, k_A + k_B]` otherwise.

    Raises
    ------
    TypeError
        If ``state`` is not a State, ``a`` or ``b`` is not a qubit or a
        sequence of them, or ``alpha`` is not a real number.
    ValueError
        If ``a`` and ``b`` overlap, either is empty, out of range or repeated,
        ``alpha`` is negative or NaN, or a set needs a reduced density matrix
        above :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).
    """
    state = check_state(state)
    a = check_subsystem(state, a, name="a")
    b = check_subsystem(state, b, name="b")
    if set(a) & set(b):
        raise ValueError(
            f"`a` and `b` must be disjoint, both contain {sorted(set(a) & set(b))}."
        )
    alpha = check_alpha(alpha)
    parts = [
        _entropy_and_error(state, subsystem_spectrum(state, q), len(q), alpha)
        for q in (a, b, a + b)
    ]
    (sa, ea), (sb, eb), (sab, eab) = parts
    ka, kb = _effective_size(state, len(a)), _effective_size(state, len(b))
    if alpha == 1:  # 0 <= I(A:B) <= 2 min(S(A), S(B)) (Araki-Lieb)
        lower, upper = 0.0, 2.0 * min(ka, kb)
    else:  # Renyi mutual information may be negative
        lower, upper = -float(_effective_size(state, len(a) + len(b))), float(ka + kb)
    value = sa + sb - sab
    return flagged(state, value, clip_error(ea + eb + eab, value, lower, upper))


def _effective_size(state, size: int) -> int:
    """Qubits that bound a ``size``-qubit reduced state's entropy: the smaller side if pure."""
    return min(size, state.n - size) if state.is_pure else size


def _entropy_and_error(state, p, size: int, alpha: float) -> tuple[float, float]:
    """Entropy of a spectrum of ``size`` qubits and its bound, clipped to ``[0, k]``."""
    value = spectrum.renyi_entropy(p, alpha)
    k = _effective_size(state, size)
    error = entropy_error(
        state.truncation_distance, k, alpha, purity=spectrum.purity(p)
    )
    return value, clip_error(error, value, 0.0, float(k))
