"""Pauli matrices and Pauli strings.

A Pauli string such as ``"XZ"`` acting on qubits ``(i, j)`` means ``X_i Z_j``;
its first letter acts on the first listed qubit, which is the most significant
tensor factor of the returned matrix.
"""

from __future__ import annotations

import functools

import numpy as np

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
    """Dense matrix of a Pauli string, first letter most significant (read-only)."""
    mat = np.ones((1, 1), dtype=complex)
    for p in check_pauli(pauli):
        mat = np.kron(mat, PAULI_MATRICES[p])
    mat.setflags(write=False)
    return mat
