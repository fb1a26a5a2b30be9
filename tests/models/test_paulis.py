"""Pauli matrices and strings: the algebra, the tensor-factor order, validation.

Every matrix here has entries in {0, +-1, +-i}, and products of a few of them
are exact in floating point, so equalities are checked exactly.
"""

import itertools

import numpy as np
import pytest

from tnbp.models.paulis import PAULI_MATRICES, check_pauli, pauli_matrix

I, X, Y, Z = (PAULI_MATRICES[p] for p in "IXYZ")


def test_single_qubit_algebra():
    for P in (X, Y, Z):
        assert np.array_equal(P @ P, I)  # involutions
        assert np.array_equal(P.conj().T, P)  # Hermitian
        assert np.trace(P) == 0  # traceless
    # X Y = i Z and cyclic; distinct Paulis anticommute
    assert np.array_equal(X @ Y, 1j * Z)
    assert np.array_equal(Y @ Z, 1j * X)
    assert np.array_equal(Z @ X, 1j * Y)
    for P, Q in itertools.combinations((X, Y, Z), 2):
        assert np.array_equal(P @ Q, -(Q @ P))
    assert np.array_equal(X @ Y @ Z, 1j * I)


def test_strings_are_trace_orthogonal():
    """Tr(P Q) = 2^k delta_PQ over all 16 two-qubit strings: a basis."""
    strings = ["".join(s) for s in itertools.product("IXYZ", repeat=2)]
    gram = np.array(
        [
            [np.trace(pauli_matrix(p) @ pauli_matrix(q)) for q in strings]
            for p in strings
        ]
    )
    assert np.array_equal(gram, 4 * np.eye(16))


def test_first_letter_is_the_most_significant_factor():
    XZ = pauli_matrix("XZ")
    assert np.array_equal(XZ, np.kron(X, Z))
    # X on the first qubit flips |0 1> to |1 1>; Z on the second gives -1
    e01 = np.zeros(4)
    e01[0b01] = 1
    out = XZ @ e01
    assert out[0b11] == -1 and np.count_nonzero(out) == 1
    assert np.array_equal(pauli_matrix("xyz"), pauli_matrix("XYZ"))  # any case
    assert pauli_matrix("IZI").shape == (8, 8)


def test_matrices_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0] = 5
    with pytest.raises(ValueError, match="read-only"):
        pauli_matrix("XY")[0, 0] = 5


def test_check_pauli():
    assert check_pauli("xZ") == "XZ"
    assert check_pauli("XY", 2) == "XY"
    with pytest.raises(TypeError, match="`pauli`"):
        check_pauli(3)
    with pytest.raises(ValueError, match="`pauli`"):
        check_pauli("XA")
    with pytest.raises(ValueError, match="`pauli`"):
        check_pauli("")
    with pytest.raises(ValueError, match="`op` 'XY' has 2 letters but acts on 3"):
        check_pauli("XY", 3, name="op")
    with pytest.raises(ValueError):
        pauli_matrix("Q")
