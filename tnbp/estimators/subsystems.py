"""Argument handling and spectrum routing shared by the estimators."""

from __future__ import annotations

import numpy as np

from .._checks import check_int, check_qubits
from ..limits import MAX_RDM_QUBITS
from ..models.partition import Partition
from ..states.base import State


def check_state(state) -> State:
    """Return ``state`` if it is a :class:`~tnbp.State`.

    Parameters
    ----------
    state : object
        The argument to check.

    Returns
    -------
    State
        ``state`` itself.

    Raises
    ------
    TypeError
        If ``state`` is not a :class:`~tnbp.State` (e.g. a raw array).
    """
    if not isinstance(state, State):
        raise TypeError(
            f"`state` must be a tnbp State (from tnbp.simulate), got {type(state)!r}."
        )
    return state


def check_subsystem(state: State, qubits, *, name: str = "qubits") -> tuple[int, ...]:
    """Validate a set of qubits, or take the visible qubits of a :class:`Partition`.

    Parameters
    ----------
    state : State
        The state the subsystem belongs to.
    qubits : int, sequence of int or Partition
        One qubit, distinct qubits in ``0..n-1``, or a
        :class:`~tnbp.Partition` of ``state.n`` qubits.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    tuple of int
        The qubits, in the order given (a partition's visible qubits).

    Raises
    ------
    TypeError
        If ``qubits`` is not a qubit index or a sequence of them.
    ValueError
        If ``qubits`` is empty, out of range or repeated, or a partition
        does not fit ``state``.
    """
    if isinstance(qubits, Partition):
        return qubits.check(state.n, name=name).visible
    return check_qubits(qubits, state.n, name=name)


def check_cut(state: State, cut) -> int:
    """Validate a cut of the chain, ``1 <= cut <= n - 1``.

    Parameters
    ----------
    state : State
        The state being cut.
    cut : int
        The cut between qubits ``cut - 1`` and ``cut``.

    Returns
    -------
    int
        ``cut`` as an int.

    Raises
    ------
    TypeError
        If ``cut`` is not an integer.
    ValueError
        If ``cut`` is outside ``1..n-1``.
    """
    cut = check_int(cut, "cut")
    if not 1 <= cut <= state.n - 1:
        raise ValueError(
            f"`cut` must be between 1 and n-1 = {state.n - 1} (between qubits "
            f"cut-1 and cut), got {cut}."
        )
    return cut


def _as_cut(qubits: set[int], n: int) -> int | None:
    """The cut ``k`` if ``qubits`` is the prefix ``0..k-1``; ``-k`` for the suffix ``k..n-1``."""
    k = len(qubits)
    if qubits == set(range(k)):
        return k
    if qubits == set(range(n - k, n)):
        return -(n - k)
    return None


def subsystem_spectrum(state: State, qubits: tuple[int, ...]) -> np.ndarray:
    r"""Eigenvalues of :math:`\rho_A` for a validated set of qubits.

    Prefixes (and, for pure states, suffixes) come from the cut spectrum at any
    size. Otherwise the reduced density matrix of ``A`` is diagonalized; for a
    pure state the smaller of ``A`` and its complement is used, since their
    non-zero spectra coincide.

    Parameters
    ----------
    state : State
        The state.
    qubits : tuple of int
        The subsystem :math:`A`, validated (:func:`check_subsystem`).

    Returns
    -------
    numpy.ndarray of float64, shape (r,)
        Eigenvalues of :math:`\rho_A` (or of its complement's reduced state:
        the same non-zero spectrum), ``r <= 2^|A|``; the zero eigenvalues may
        be left out.

    Raises
    ------
    ValueError
        If ``qubits`` is neither a prefix nor a suffix and its reduced density
        matrix (or the complement's, for a pure state) exceeds
        :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits.
    """
    n = state.n
    qs = set(qubits)
    if len(qs) == n:
        if state.is_pure:
            return np.ones(1)
        return state.subsystem_spectrum(tuple(range(n)))
    cut = _as_cut(qs, n)
    if cut is not None and (cut > 0 or state.is_pure):
        return state.cut_spectrum(abs(cut))
    target = qs
    if state.is_pure and n - len(qs) < len(qs):
        target = set(range(n)) - qs
    if len(target) > MAX_RDM_QUBITS:
        raise ValueError(
            f"`qubits`: the entropy of a set of {len(qs)} qubits that is neither a "
            f"prefix nor a suffix of the chain needs a reduced density matrix of "
            f"{len(target)} qubits, above the limit of {MAX_RDM_QUBITS}."
        )
    return state.subsystem_spectrum(tuple(sorted(target)))
