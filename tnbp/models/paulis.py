"""Pauli matrices, Pauli strings and Pauli terms.

A Pauli string such as ``"XZ"`` acting on qubits ``(i, j)`` means ``X_i Z_j``;
its first letter acts on the first listed qubit, which is the most significant
tensor factor of the returned matrix.

A Pauli *term* is ``coeff * P`` with a real coefficient, written
``(coeff, pauli, qubits)`` wherever tnbp takes one (:class:`~tnbp.PauliSum`,
observables, QBM generators, free-fermion Hamiltonians). :func:`pauli_term`
is the one parser of such entries and puts them in one canonical form
(:class:`PauliTerm`): identity letters dropped, the remaining letters ordered
by qubit. Two entries for the same operator, e.g. ``(1.0, "ZX", (4, 3))`` and
``(1.0, "XIZ", (3, 0, 4))``, give the same :class:`PauliTerm`
``(1.0, "XZ", (3, 4))``.
"""

from __future__ import annotations

import functools
import numbers
from typing import NamedTuple

import numpy as np

from .._checks import check_labels, check_qubits, check_real

PAULI_MATRICES = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}
for _m in PAULI_MATRICES.values():
    _m.setflags(write=False)


def check_pauli(pauli, num_qubits: int | None = None, *, name: str = "pauli") -> str:
    """Validate a Pauli string (letters I, X, Y, Z; case-insensitive).

    Parameters
    ----------
    pauli : str
        The string, e.g. ``"XY"``.
    num_qubits : int, optional
        If given, the number of qubits the string must act on.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    str
        The string in upper case.

    Raises
    ------
    TypeError
        If ``pauli`` is not a string.
    ValueError
        If ``pauli`` is empty, has a letter other than I, X, Y, Z, or does not
        have ``num_qubits`` letters.
    """
    if not isinstance(pauli, str):
        raise TypeError(f"`{name}` must be a string of I, X, Y, Z, got {pauli!r}.")
    up = pauli.upper()
    if not up or set(up) - set("IXYZ"):
        raise ValueError(
            f"`{name}` must be a non-empty string of I, X, Y, Z, got {pauli!r}."
        )
    if num_qubits is not None and len(up) != num_qubits:
        raise ValueError(
            f"`{name}` {pauli!r} has {len(up)} letters but acts on {num_qubits} qubit(s)."
        )
    return up


@functools.lru_cache(maxsize=256)
def pauli_matrix(pauli: str) -> np.ndarray:
    r"""Dense matrix of a Pauli string, first letter most significant (read-only).

    Parameters
    ----------
    pauli : str
        Letters I, X, Y, Z (case-insensitive), ``k`` of them.

    Returns
    -------
    numpy.ndarray of complex128, shape (2^k, 2^k)
        :math:`P_1 \otimes \cdots \otimes P_k`, cached and not writeable.

    Raises
    ------
    TypeError
        If ``pauli`` is not a string.
    ValueError
        If ``pauli`` is empty or has a letter other than I, X, Y, Z.

    Examples
    --------
    >>> pauli_matrix("ZX").real.astype(int).tolist()
    [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, -1], [0, 0, -1, 0]]
    """
    mat = np.ones((1, 1), dtype=complex)
    for p in check_pauli(pauli):
        mat = np.kron(mat, PAULI_MATRICES[p])
    mat.setflags(write=False)
    return mat


class PauliTerm(NamedTuple):
    r"""One Pauli term :math:`c\, P` in canonical form (from :func:`pauli_term`).

    A named tuple, so it unpacks as ``coeff, pauli, qubits``; the fields are
    its attributes. Build it with :func:`pauli_term`, which validates and
    canonicalizes; the constructor checks nothing.

    Parameters
    ----------
    coeff : float
        Real, finite coefficient :math:`c`.
    pauli : str
        Letters from ``"XYZ"``, one per qubit (``""`` for a multiple of the
        identity).
    qubits : tuple of int
        Strictly increasing qubit indices, ``len(qubits) == len(pauli)``.
    """

    coeff: float
    pauli: str
    qubits: tuple[int, ...]

    @property
    def is_identity(self) -> bool:
        r"""Whether the term is :math:`c\, I` (no letter left)."""
        return not self.pauli


def pauli_term(
    coeff, pauli, qubits, *, n: int | None = None, name: str | None = None
) -> PauliTerm:
    """Validate one Pauli term ``coeff * pauli`` on ``qubits`` and canonicalize it.

    The one parser of ``(coeff, pauli, qubits)`` entries in tnbp. Identity
    letters are dropped and the rest are ordered by qubit, so equal operators
    give equal terms whatever order the caller listed the qubits in (the
    value of any expectation is unchanged).

    Parameters
    ----------
    coeff : float
        Real, finite coefficient.
    pauli : str
        Letters I, X, Y, Z (case-insensitive), one per qubit.
    qubits : int or sequence of int
        Distinct qubit indices, as many as letters.
    n : int, optional
        Register size; if given, every qubit must be in ``0..n-1``.
    name : str, optional
        The argument to name in error messages. Default: the parts'
        own names (`coeff`, `pauli`, `qubits`), as for
        :meth:`tnbp.PauliSum.add`; a list of terms passes its own name.

    Returns
    -------
    PauliTerm
        ``(coeff, pauli, qubits)`` with identity letters dropped and qubits
        increasing; ``pauli == ""`` for an all-identity string.

    Raises
    ------
    TypeError
        If ``coeff`` is not real, ``pauli`` not a string or ``qubits`` not
        integers.
    ValueError
        If ``coeff`` is not finite, ``pauli`` has other letters or the wrong
        length, or ``qubits`` is empty, repeated, negative or out of range.

    Examples
    --------
    >>> pauli_term(0.5, "ZIX", (4, 0, 3))
    PauliTerm(coeff=0.5, pauli='XZ', qubits=(3, 4))
    """
    coeff = check_real(coeff, name or "coeff")
    if isinstance(qubits, numbers.Integral) and not isinstance(qubits, bool):
        qubits = (qubits,)
    qname = name or "qubits"
    if n is None:
        qubits = check_labels(qubits, qname, allow_empty=False)
    else:
        qubits = check_qubits(qubits, n, name=qname)
    pauli = check_pauli(pauli, len(qubits), name=name or "pauli")
    kept = sorted((q, p) for p, q in zip(pauli, qubits) if p != "I")
    return PauliTerm(coeff, "".join(p for _, p in kept), tuple(q for q, _ in kept))


def as_pauli_term(entry, *, n: int | None = None, name: str = "terms") -> PauliTerm:
    """Parse one ``(coeff, pauli, qubits)`` entry of a list of terms.

    Parameters
    ----------
    entry : tuple or list of length 3, or PauliTerm
        The entry.
    n : int, optional
        Register size (see :func:`pauli_term`).
    name : str, optional
        The list's argument name, used in every error message.

    Returns
    -------
    PauliTerm
        The entry in canonical form (see :func:`pauli_term`).

    Raises
    ------
    TypeError
        If ``entry`` is not a 3-tuple or list, or a part has the wrong type.
    ValueError
        If a part has a bad value (see :func:`pauli_term`).
    """
    if not isinstance(entry, (tuple, list)) or len(entry) != 3:
        raise TypeError(
            f"`{name}`: each term must be (coeff, pauli, qubits), got {entry!r}."
        )
    return pauli_term(*entry, n=n, name=name)
