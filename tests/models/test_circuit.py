"""The circuit model: conventions, parameters, layers, ansatz structure, QASM."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.linalg import expm

import tnbp
from tnbp import ansatz
from tnbp.models.paulis import pauli_matrix


def _state(circ, initial=None):
    return tnbp.simulate(circ, backend="dense", initial=initial).statevector


@pytest.mark.parametrize("pauli", ["X", "Y", "Z", "XY", "ZZ", "YX", "IZ"])
def test_rotation_convention(pauli):
    theta = 0.731
    circ = tnbp.Circuit(len(pauli))
    circ.pauli_rotation(theta, pauli, tuple(range(len(pauli))))
    expected = expm(-1j * theta * pauli_matrix(pauli) / 2)
    assert_allclose(circ.gates[0].to_matrix(), expected, atol=1e-14)


def test_qubit_zero_is_most_significant_and_cnot_control_first():
    circ = tnbp.Circuit(3)
    circ.x(0)
    circ.cnot(0, 2)
    psi = _state(circ)
    assert abs(psi[0b101]) == pytest.approx(1)
    # a 2-qubit matrix on (i, j) has i as its first factor
    circ = tnbp.Circuit(2)
    circ.apply(np.kron(pauli_matrix("X"), np.eye(2)), 1, 0)
    assert abs(_state(circ)[0b01]) == pytest.approx(1)


def test_rx_ry_rz_match_pauli_rotation():
    a = tnbp.Circuit(1)
    a.rx(0.1, 0), a.ry(0.2, 0), a.rz(0.3, 0)
    b = tnbp.Circuit(1)
    for p, t in zip("XYZ", (0.1, 0.2, 0.3)):
        b.pauli_rotation(t, p, 0)
    assert_allclose(_state(a), _state(b), atol=1e-15)


def test_parameters_bind_and_fixed_angles():
    circ = tnbp.Circuit(2)
    circ.ry(0.3, 0)
    circ.rz(0.9, 1, trainable=False)
    circ.cz(0, 1)
    circ.pauli_rotation(0.5, "XY", (0, 1))
    assert_allclose(circ.parameters, [0.3, 0.5])
    bound = circ.bind(np.array([1.0, 2.0]))
    assert_allclose(bound.parameters, [1.0, 2.0])
    assert bound.gates[1].theta == 0.9  # fixed angles survive binding
    assert_allclose(circ.parameters, [0.3, 0.5])  # original unchanged
    assert_allclose(_state(circ.bind(circ.parameters)), _state(circ), atol=0)
    circ.parameters[0] = 99.0  # a copy: mutating it changes nothing
    assert circ.parameters[0] == 0.3


def test_layers_are_valid_moments():
    circ = ansatz.unitary_qnn(6, seed=0)
    layers = circ.layers()
    assert sum(map(len, layers)) == len(circ) and len(layers) == circ.depth
    last_layer = {}
    for depth, layer in enumerate(layers):
        qubits = [q for k in layer for q in circ.gates[k].qubits]
        assert len(qubits) == len(set(qubits))  # disjoint within a layer
        for k in layer:
            for q in circ.gates[k].qubits:
                assert last_layer.get(q, -1) < depth  # order on each qubit kept
                last_layer[q] = depth
    # applying gates layer by layer gives the same state
    reordered = tnbp.Circuit(6)
    reordered._gates = [circ.gates[k] for layer in layers for k in layer]
    assert_allclose(_state(reordered), _state(circ), atol=1e-13)


def test_ansatz_shapes_and_seeds():
    hea = ansatz.hardware_efficient(6, 3, seed=1)
    assert hea.num_parameters == 6 * 2 * 3
    assert sum(g.label == "CZ" for g in hea) == 5 * 3
    brick = ansatz.hardware_efficient(6, 4, pattern="brick", entangler="cnot", seed=1)
    assert sum(g.label == "CNOT" for g in brick) == 3 + 2 + 3 + 2
    assert_allclose(ansatz.hardware_efficient(6, 3, seed=1).parameters, hea.parameters)
    assert not np.allclose(
        ansatz.hardware_efficient(6, 3, seed=2).parameters, hea.parameters
    )
    # unitary QNN: 3n onsite + 9 n(n-1)/2 offsite terms (nearest neighbour: 9 (n-1))
    assert len(ansatz.unitary_qnn(5, seed=0)) == 15 + 9 * 10
    assert len(ansatz.unitary_qnn(5, nearest_neighbour=True, layers=2, seed=0)) == 2 * (
        15 + 36
    )
    qnn = ansatz.unitary_qnn(4, seed=3)
    assert ((qnn.parameters >= 0) & (qnn.parameters < 2)).all()
    ff = ansatz.free_fermion_brickwork(6, 2, seed=0)
    xx = [g.theta for g in ff if g.pauli == "XX"]
    yy = [g.theta for g in ff if g.pauli == "YY"]
    assert xx == yy and len(xx) == 3 + 2
    haar = ansatz.haar_brickwork(5, 3, seed=0)
    assert len(haar) == 2 + 2 + 2 and haar.num_parameters == 0


def test_rng_generator_is_accepted():
    rng = np.random.default_rng(0)
    a = ansatz.hardware_efficient(3, 1, seed=rng)
    b = ansatz.hardware_efficient(3, 1, seed=np.random.default_rng(0))
    assert_allclose(a.parameters, b.parameters)


QASM = """OPENQASM 2.0;
include "qelib1.inc";
gate mix(a) p, q { ry(a) p; cx p, q; }
qreg q[2];
qreg r[1];
creg c[3];
h q[0];
rx(pi/4) q[1];
mix(0.3) q[1], r[0];
cz q[0], r[0];
u3(0.1, 0.2, 0.3) q[1];
barrier q;
"""


def test_qasm_import_matches_hand_built_circuit():
    circ = tnbp.from_qasm(QASM)
    assert circ.n == 3
    assert_allclose(circ.parameters, [np.pi / 4, 0.3])
    ref = tnbp.Circuit(3)
    ref.h(0)
    ref.rx(np.pi / 4, 1)
    ref.ry(0.3, 1)
    ref.cnot(1, 2)
    ref.cz(0, 2)
    t, p, l = 0.1, 0.2, 0.3
    u3 = np.array(
        [
            [np.cos(t / 2), -np.exp(1j * l) * np.sin(t / 2)],
            [np.exp(1j * p) * np.sin(t / 2), np.exp(1j * (p + l)) * np.cos(t / 2)],
        ]
    )
    ref.apply(u3, 1)
    assert abs(np.vdot(_state(circ), _state(ref))) == pytest.approx(1, abs=1e-12)


def test_qasm_measure_warns_and_file_path(tmp_path):
    path = tmp_path / "bell.qasm"
    path.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\n'
        "h q[0];\ncx q[0],q[1];\nmeasure q -> c;\n"
    )
    with pytest.warns(UserWarning, match="measure"):
        circ = tnbp.from_qasm(path)
    st = tnbp.simulate(circ, backend="dense")
    assert tnbp.expectation(st, "ZZ", (0, 1)) == pytest.approx(1)
    with pytest.warns(UserWarning, match="measure"):
        assert len(tnbp.from_qasm(str(path))) == 2


def test_qasm_three_qubit_gates_expanded_or_rejected():
    # ccx is expanded by its qelib1.inc definition into one- and two-qubit gates
    circ = tnbp.from_qasm(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nccx q[0],q[1],q[2];\n'
    )
    assert all(len(g.qubits) <= 2 for g in circ.gates)
    assert abs(_state(circ, initial="110")[0b111]) == pytest.approx(1, abs=1e-14)
    # a controlled two-qubit gate (3 qubits) has no definition to expand
    with pytest.raises(ValueError, match="source"):
        tnbp.from_qasm(
            'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\n'
            "ctrl @ swap q[0], q[1], q[2];\n"
        )


def test_partition():
    p = tnbp.Partition.first(2, 5)
    assert p.visible == (0, 1) and p.hidden == (2, 3, 4) and p.n == 5
    q = tnbp.Partition(visible=[4, 0], hidden=[1, 2, 3])
    assert q.n_visible == 2 and q.n_hidden == 3
    st = tnbp.simulate(ansatz.hardware_efficient(5, 2, seed=0), backend="dense")
    assert tnbp.purity(st, q) == pytest.approx(tnbp.purity(st, (0, 4)))


def test_num_parameters_follows_appends_and_derived_circuits():
    """The count is cached per gate list and extended on append; new lists recount."""
    c = tnbp.Circuit(3)
    c.ry(0.1, 0)
    assert c.num_parameters == 1
    c.cz(0, 1)
    c.rx(0.2, 2)
    c.pauli_rotation(0.3, "XX", (0, 2), trainable=False)
    assert c.num_parameters == 2 == len(c.parameters)
    d = c.compose(c)
    assert d.num_parameters == 4 and c.num_parameters == 2
    d.ry(0.5, 1)
    assert d.num_parameters == 5 and c.bind([1.0, 2.0]).num_parameters == 2
