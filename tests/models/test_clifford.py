"""The Clifford group: the two-qubit group, and uniform random Cliffords on m qubits."""

import functools
import itertools

import numpy as np
import pytest
from kron_reference import embed

import tnbp
from tnbp import ansatz
from tnbp.models.clifford import (
    _INVERSE,
    _PAULI_LAYER,
    TWO_QUBIT_CLIFFORDS,
    _clifford_gates,
    _random_pair,
    _sweep,
    append_random_clifford,
    random_two_qubit_clifford,
    two_qubit_cliffords,
)


def test_group_order_and_unitarity():
    G = two_qubit_cliffords()
    assert G.shape == (TWO_QUBIT_CLIFFORDS, 4, 4) and not G.flags.writeable
    eye = np.eye(4)
    # rounding only: products of at most ~20 generators
    np.testing.assert_allclose(
        np.einsum("kij,kil->kjl", G.conj(), G),
        np.broadcast_to(eye, G.shape),
        atol=1e-12,
    )


def test_frame_potential_is_two():
    """A unitary 2-design has frame potential E|Tr(U^dag V)|^4 = 2 (Haar value);
    over a group it is the mean of |Tr U|^4 over the group."""
    G = two_qubit_cliffords()
    tr = np.abs(np.einsum("kii->k", G)) ** 4
    assert tr.mean() == pytest.approx(2.0, rel=1e-10)  # exact rational, rounding only


def test_random_clifford_and_design_option():
    rng = np.random.default_rng(0)
    U = random_two_qubit_clifford(rng)
    assert U.flags.writeable and U.shape == (4, 4)
    with pytest.raises(TypeError, match="`rng`"):
        random_two_qubit_clifford(0)
    c = ansatz.alternating_layered(4, 1, seed=0, design="clifford")
    assert [g.label for g in c.gates].count("CLIFFORD") == 3
    # the angles are drawn as for Haar blocks (after one integer instead of a matrix)
    assert c.num_parameters == ansatz.alternating_layered(4, 1, seed=0).num_parameters
    with pytest.raises(ValueError, match="`design`"):
        ansatz.alternating_layered(4, 1, design="random")


# --- uniformly random Cliffords on any number of qubits (van den Berg) ---

_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Z = np.diag([1.0, -1.0]).astype(complex)


def _circuit_unitary(gates, n):
    """The unitary of ``[(matrix, qubits), ...]`` in time order (tests' own kron)."""
    U = np.eye(2**n, dtype=complex)
    for matrix, qubits in gates:
        U = embed(matrix, qubits, n) @ U
    return U


def _pauli(bits_x, bits_z):
    out = np.eye(1)
    for x, z in zip(bits_x, bits_z):
        out = np.kron(
            out, np.linalg.matrix_power(_X, x) @ np.linalg.matrix_power(_Z, z)
        )
    return out


@functools.lru_cache(maxsize=4)
def _strings(n):
    """Every Pauli string's bits (x..., z...) and its matrix, stacked."""
    bits = list(itertools.product((0, 1), repeat=2 * n))
    return bits, np.array([_pauli(b[:n], b[n:]) for b in bits])


def _images(U, n, qubits=None):
    """The bits (x..., z...) of U X_j U^dag and U Z_j U^dag (phases dropped)."""
    bits, mats = _strings(n)
    out = []
    for j in range(n) if qubits is None else qubits:
        for kind in (0, 1):
            one = [0] * (2 * n)
            one[j + kind * n] = 1
            image = U @ mats[bits.index(tuple(one))] @ U.conj().T
            overlap = np.abs(np.einsum("kij,ij->k", mats.conj(), image))
            (found,) = np.flatnonzero(np.abs(overlap - 2**n) < 1e-9)
            out.append(bits[found])
    return tuple(out)


def _pairs(m, j):
    """Every anticommuting pair (P, Q) on qubits j..m-1, as _random_pair gives them."""
    k = m - j
    pad = np.zeros(j, dtype=np.uint8)
    for p in itertools.product((0, 1), repeat=2 * k):
        if not any(p):
            continue
        for q in itertools.product((0, 1), repeat=2 * k):
            if (np.dot(p[:k], q[k:]) + np.dot(p[k:], q[:k])) % 2:
                yield tuple(
                    (
                        np.concatenate([pad, np.array(v[:k], np.uint8)]),
                        np.concatenate([pad, np.array(v[k:], np.uint8)]),
                    )
                    for v in (p, q)
                )


def test_every_two_qubit_symplectic_map_is_drawn_once():
    """Uniformity at m = 2: the 15 * 8 * 3 * 2 = 720 choices of pairs give the
    720 distinct elements of Sp(4, 2) (with the 16 Paulis in front: the 11520
    Cliffords), each sending (X_0, Z_0) to its chosen pair."""
    seen = set()
    for first in _pairs(2, 0):
        for second in _pairs(2, 1):
            U = _circuit_unitary(
                _clifford_gates([first, second], np.zeros((2, 2), int)), 2
            )
            images = _images(U, 2)
            (px, pz), (qx, qz) = first
            assert images[:2] == (tuple(px) + tuple(pz), tuple(qx) + tuple(qz))
            seen.add(images)
    assert len(seen) == 720 == TWO_QUBIT_CLIFFORDS // 16


def test_every_three_qubit_pair_is_reached():
    """The sweep at m = 3: each of the 63 * 32 pairs is where (X_0, Z_0) go."""
    rest = [next(_pairs(3, 1)), next(_pairs(3, 2))]
    for first in _pairs(3, 0):
        U = _circuit_unitary(_clifford_gates([first, *rest], np.zeros((3, 2), int)), 3)
        (px, pz), (qx, qz) = first
        assert _images(U, 3, qubits=[0]) == (
            tuple(px) + tuple(pz),
            tuple(qx) + tuple(qz),
        )


def test_fused_gates_are_the_clifford_and_the_local_layer():
    """Fusion (runs of gates into one- and two-qubit unitaries) changes nothing."""
    rng = np.random.default_rng(4)
    m = 4
    pauli = rng.integers(0, 2, size=(m, 2))
    pairs = [_random_pair(m, j, rng) for j in range(m)]
    after = [
        np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))[0]
        for _ in range(m)
    ]
    fused = _circuit_unitary(_clifford_gates(pairs, pauli, after), m)
    # the same operations one by one, unfused
    ops = [
        (_PAULI_LAYER[tuple(int(b) for b in bits)], (q,))
        for q, bits in enumerate(pauli)
    ]
    for j in reversed(range(m)):
        ops += [(_INVERSE[op], qubits) for op, qubits in reversed(_sweep(*pairs[j], j))]
    ops += [(u, (k,)) for k, u in enumerate(after)]
    # products of ~40 exact gates: rounding only
    np.testing.assert_allclose(fused, _circuit_unitary(ops, m), atol=1e-12)


def test_append_random_clifford_gates_and_labels():
    rng = np.random.default_rng(0)
    c = tnbp.Circuit(5)
    append_random_clifford(c, (4, 1, 2), rng)
    assert {g.label for g in c.gates} == {"CLIFFORD"} and c.num_parameters == 0
    assert set().union(*(g.qubits for g in c.gates)) <= {1, 2, 4}
    # at most m^2 two-qubit gates (the sweeps' bound, before fusion)
    assert sum(len(g.qubits) == 2 for g in c.gates) <= 9
    d = tnbp.Circuit(3)
    append_random_clifford(d, range(3), rng, local_haar=True)
    assert {g.label for g in d.gates} == {"CLIFFORD_U"}
    one = tnbp.Circuit(1)
    append_random_clifford(one, 0, rng)
    assert len(one.gates) == 1  # the Pauli and the sweep fused into one gate
    with pytest.raises(TypeError, match="`rng`"):
        append_random_clifford(c, (0, 1), 0)
    with pytest.raises(ValueError, match="`qubits`"):
        append_random_clifford(c, (0, 0), rng)
    with pytest.raises(ValueError, match="`qubits`"):
        append_random_clifford(c, (5,), rng)


def test_design_rotations_structure_and_inputs():
    c = ansatz.design_rotations(3, 5, seed=1)
    assert c.num_parameters == 5
    rotations = [g for g in c.gates if g.trainable]
    assert all(g.qubits == (0,) and g.pauli == "Z" for g in rotations)
    assert {g.label for g in c.gates if not g.trainable} == {"CLIFFORD_U"}
    # the same seed, the same circuit; Clifford blocks on request
    assert ansatz.design_rotations(3, 5, seed=1).parameters.tolist() == (
        c.parameters.tolist()
    )
    bare = ansatz.design_rotations(3, 5, seed=1, local_haar=False, pauli="X")
    assert {g.label for g in bare.gates if not g.trainable} == {"CLIFFORD"}
    with pytest.raises(ValueError, match="`layers`"):
        ansatz.design_rotations(3, 0)
    with pytest.raises(ValueError, match="`pauli`"):
        ansatz.design_rotations(3, 2, pauli="W")
    with pytest.raises(TypeError, match="`local_haar`"):
        ansatz.design_rotations(3, 2, local_haar="yes")
