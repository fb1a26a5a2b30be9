"""fuse_gates: the same unitary, one gate per run of gates on a qubit pair."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz
from tnbp.models.fusion import fuse_gates


def _unitary(circ):
    """The circuit's unitary, column by column (dense simulation of basis states)."""
    n = circ.n
    cols = [
        tnbp.simulate(circ, backend="dense", initial=format(b, f"0{n}b")).statevector
        for b in range(2**n)
    ]
    return np.array(cols).T


def _random_circuit(n, gates, seed):
    """Single- and two-qubit gates on random (also reversed, distant) pairs."""
    rng = np.random.default_rng(seed)
    c = tnbp.Circuit(n)
    for _ in range(gates):
        kind = rng.integers(4)
        i, j = (int(q) for q in rng.choice(n, 2, replace=False))
        if kind == 0:
            c.rx(rng.uniform(0, 2 * np.pi), i)
        elif kind == 1:
            c.pauli_rotation(rng.uniform(0, 2 * np.pi), "XZ", (i, j))
        elif kind == 2:
            c.cnot(i, j)
        else:
            c.apply(unitary_group.rvs(4, random_state=rng), i, j)
    return c


@pytest.mark.parametrize("seed", range(6))
def test_the_unitary_is_unchanged(seed):
    c = _random_circuit(4, 40, seed)
    f = fuse_gates(c)
    # products of unitaries in complex128: rounding of ~40 gates
    assert_allclose(_unitary(f), _unitary(c), atol=1e-12)
    assert len(f) <= len(c) and f.num_parameters == 0
    assert all(g.label == "fused" and len(g.qubits) in (1, 2) for g in f.gates)


def test_runs_on_a_pair_become_one_gate():
    # the unitary QNN: 3 onsite rotations per qubit, 9 per neighbouring pair
    qnn = ansatz.unitary_qnn(6, nearest_neighbour=True, layers=2, seed=0)
    f = fuse_gates(qnn)
    assert len(qnn) == 2 * (3 * 6 + 9 * 5)
    # one gate per pair and layer; every onsite rotation was taken in
    assert len(f) == 2 * 5 and all(len(g.qubits) == 2 for g in f.gates)
    a = tnbp.simulate(qnn, backend="dense").statevector
    b = tnbp.simulate(f, backend="dense").statevector
    assert abs(np.vdot(a, b)) == pytest.approx(1, abs=1e-12)
    # gates in between on other qubits commute: (0,1) (2,3) (1,0) fuse to two
    c = tnbp.Circuit(4)
    c.cz(0, 1)
    c.cz(2, 3)
    c.cnot(1, 0)
    f = fuse_gates(c)
    assert [g.qubits for g in f.gates] == [(0, 1), (2, 3)]
    assert_allclose(_unitary(f), _unitary(c), atol=1e-14)
    # a gate on qubit 1 in between breaks the run on (0, 1)
    c = tnbp.Circuit(3)
    c.cz(0, 1)
    c.cz(1, 2)
    c.cz(0, 1)
    assert len(fuse_gates(c)) == 3


def test_single_qubit_gates_wait_for_a_partner_or_the_end():
    c = tnbp.Circuit(3)
    c.rx(0.3, 2)
    c.h(0)
    c.ry(0.4, 0)
    c.cz(0, 1)
    f = fuse_gates(c)
    # H, RY taken into the CZ; RX on qubit 2 has no partner: appended at the end
    assert [g.qubits for g in f.gates] == [(0, 1), (2,)]
    assert_allclose(_unitary(f), _unitary(c), atol=1e-14)
    assert len(fuse_gates(tnbp.Circuit(2))) == 0


def test_mps_of_the_fused_circuit_is_the_same_state_with_fewer_truncations():
    qnn = ansatz.unitary_qnn(10, nearest_neighbour=True, layers=3, seed=1)
    exact = tnbp.simulate(qnn, backend="dense")
    fused = tnbp.simulate(fuse_gates(qnn), backend="mps")
    assert_allclose(
        np.asarray(tnbp.entropy_profile(fused)),
        np.asarray(tnbp.entropy_profile(exact)),
        atol=1e-10,  # cutoff 1e-12 per truncation
    )


def test_refuses_what_is_not_a_circuit():
    with pytest.raises(TypeError, match="`circuit`"):
        fuse_gates([("CZ", (0, 1))])
