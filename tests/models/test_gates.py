"""Gates: rotation matrices against scipy's expm, fixed gates, unitary validation.

``rotation_matrix`` is cos/sin arithmetic and ``expm`` a Pade approximant of a
matrix of norm <= pi: both are accurate to a few ulps, so ``atol=1e-14``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.linalg import expm

from tnbp.models.gates import CNOT, CZ, SWAP, Gate, H, check_unitary, rotation_matrix
from tnbp.models.paulis import pauli_matrix


@pytest.mark.parametrize("pauli", ["X", "Y", "Z", "XX", "YZ", "ZIX"])
@pytest.mark.parametrize("theta", [0.0, 0.4, -1.3, np.pi, 5.9])
def test_rotation_matrix_is_the_exponential(pauli, theta):
    expected = expm(-1j * theta * pauli_matrix(pauli) / 2)
    assert_allclose(rotation_matrix(pauli, theta), expected, atol=1e-14)


def test_rotation_periodicity_and_composition():
    # 2 pi is -I (spinor sign), 4 pi is I; angles add
    assert_allclose(rotation_matrix("Y", 2 * np.pi), -np.eye(2), atol=1e-15)
    assert_allclose(rotation_matrix("XZ", 4 * np.pi), np.eye(4), atol=1e-15)
    assert_allclose(
        rotation_matrix("ZZ", 0.3) @ rotation_matrix("ZZ", 0.5),
        rotation_matrix("ZZ", 0.8),
        atol=1e-15,
    )


def test_fixed_gates():
    for U in (H, CZ, CNOT, SWAP):
        assert_allclose(U.conj().T @ U, np.eye(U.shape[0]), atol=1e-15)
        with pytest.raises(ValueError, match="read-only"):
            U[0, 0] = 0
    basis = np.eye(4)
    assert_allclose(CNOT @ basis[0b10], basis[0b11])  # control is the first qubit
    assert_allclose(CNOT @ basis[0b01], basis[0b01])
    assert_allclose(SWAP @ basis[0b01], basis[0b10])
    assert_allclose(np.diag(CZ), [1, 1, 1, -1])
    assert_allclose(H @ pauli_matrix("Z") @ H, pauli_matrix("X"), atol=1e-15)


def test_check_unitary():
    V = check_unitary(rotation_matrix("XY", 0.2), 2)
    assert V.dtype == complex and not V.flags.writeable
    with pytest.raises(ValueError, match=r"`U` must have shape \(4, 4\)"):
        check_unitary(np.eye(2), 2)
    with pytest.raises(ValueError, match="`G` has non-finite"):
        check_unitary(np.diag([1.0, np.nan]), 1, name="G")
    with pytest.raises(ValueError, match="`U` is not unitary"):
        check_unitary(np.diag([1.0, 1.001]), 1)
    with pytest.raises(TypeError, match="`U` must be a numeric matrix"):
        check_unitary([["a", "b"], ["c", "d"]], 1)
    # a rounding-level deviation (1e-12 < UNITARY_ATOL) is accepted
    check_unitary(np.diag([1.0, 1.0 + 1e-12]), 1)


def test_gate_records():
    rot = Gate((0, 2), "R_XY", pauli="XY", theta=0.7, trainable=True)
    assert rot.is_rotation
    assert_allclose(rot.to_matrix(), rotation_matrix("XY", 0.7), atol=0)
    moved = rot.with_theta(1.1)
    assert moved.theta == 1.1 and rot.theta == 0.7  # immutable: a new gate
    assert moved.qubits == rot.qubits and moved.trainable
    fixed = Gate((1,), "H", matrix=H)
    assert not fixed.is_rotation and fixed.to_matrix() is H
