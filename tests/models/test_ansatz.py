r"""Ansatz builders: the circuits their docstrings draw and the identities they state.

Counts, seeds and angle ranges are in ``test_circuit.py``; here, which bonds each
layer acts on (the ASCII diagrams) and the free-fermion brick identity
:math:`R_{XX}(\theta) R_{YY}(\theta) = e^{-i\theta(c_i^\dagger c_{i+1} + h.c.)}`.
Matrices are products of a few 2x2/8x8 factors and scipy's expm of a matrix of
norm <= 2 pi: accurate to a few ulps, so ``atol=1e-13``.
"""

import functools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.linalg import expm

from tnbp import ansatz
from tnbp.models.paulis import pauli_matrix

I2 = np.eye(2)
Z = np.diag([1.0, -1.0])
LOWER = np.array([[0.0, 0.0], [1.0, 0.0]])  # |1><0|


def _annihilator(j, n):
    """Jordan-Wigner c_j = (prod_{k<j} Z_k) |0><1|_j, qubit 0 most significant."""
    factors = [Z] * j + [LOWER.T] + [I2] * (n - j - 1)
    return functools.reduce(np.kron, factors)


def _bonds_per_layer(circ, labels):
    """Left qubit of each two-qubit gate with one of ``labels``, per layer.

    A layer starts with its column of one-qubit rotations.
    """
    layers, fresh = [], True
    for g in circ:
        if len(g.qubits) == 1:
            fresh = True
        elif g.label in labels:
            if fresh:
                layers.append([])
                fresh = False
            assert g.qubits == (g.qubits[0], g.qubits[0] + 1)
            layers[-1].append(g.qubits[0])
    return layers


@pytest.mark.parametrize("n", [4, 5])
def test_brickwork_layers_alternate_between_even_and_odd_bonds(n):
    """Layer d acts on bonds (i, i + 1) with i = d mod 2, d mod 2 + 2, ..."""
    expected = [list(range(d % 2, n - 1, 2)) for d in range(4)]
    haar = ansatz.haar_brickwork(n, 4, seed=0)
    assert [g.qubits[0] for g in haar] == sum(expected, [])
    assert all(g.qubits == (g.qubits[0], g.qubits[0] + 1) for g in haar)
    ff = ansatz.free_fermion_brickwork(n, 4, seed=0)
    assert _bonds_per_layer(ff, {"R_XX"}) == expected
    brick = ansatz.hardware_efficient(n, 4, pattern="brick", seed=0)
    assert _bonds_per_layer(brick, {"CZ"}) == expected


def test_ladder_entangles_even_then_odd_bonds_every_layer():
    circ = ansatz.hardware_efficient(5, 2, seed=0)
    cz = [g.qubits for g in circ if g.label == "CZ"]
    assert cz == [(0, 1), (2, 3), (1, 2), (3, 4)] * 2
    # rotations precede the entanglers of their layer, Y then Z on each qubit
    first = [g.label for g in circ.gates[:10]]
    assert first == ["RY", "RZ"] * 5


def test_toy_perceptron_is_a_column_of_ry():
    circ = ansatz.toy_perceptron(4, seed=1)
    assert [(g.label, g.qubits) for g in circ] == [("RY", (q,)) for q in range(4)]
    assert ((circ.parameters >= 0) & (circ.parameters < 2 * np.pi)).all()


def test_unitary_qnn_applies_every_two_local_term_once_per_layer():
    n = 3
    terms = ansatz.two_local_terms(n)
    circ = ansatz.unitary_qnn(n, layers=2, seed=4)
    assert [(g.pauli, g.qubits) for g in circ] == terms * 2
    shuffled = ansatz.unitary_qnn(n, layers=2, shuffle=True, seed=4)
    got = [(g.pauli, g.qubits) for g in shuffled]
    assert sorted(got[: len(terms)]) == sorted(terms) and got != terms * 2


@pytest.mark.parametrize("seed", range(3))
def test_free_fermion_brick_is_a_jordan_wigner_hopping(seed):
    """Each XX/YY pair of gates is exp(-i theta (c_i^dag c_{i+1} + h.c.)).

    Checked on 3 qubits, so the bond (1, 2) carries a Jordan-Wigner string on
    qubit 0; the two rotations commute, so their order does not matter.
    """
    n = 3
    circ = ansatz.free_fermion_brickwork(n, 2, seed=seed)
    gates = [g for g in circ if g.pauli in ("XX", "YY")]
    for xx, yy in zip(gates[::2], gates[1::2]):
        assert (xx.pauli, yy.pauli) == ("XX", "YY") and xx.theta == yy.theta
        i = xx.qubits[0]
        assert xx.qubits == yy.qubits == (i, i + 1)
        c_i, c_j = _annihilator(i, n), _annihilator(i + 1, n)
        hop = c_i.T @ c_j + c_j.T @ c_i
        left = [I2] * i
        right = [I2] * (n - i - 2)
        RXX = functools.reduce(np.kron, [*left, xx.to_matrix(), *right])
        RYY = functools.reduce(np.kron, [*left, yy.to_matrix(), *right])
        assert_allclose(RXX @ RYY, RYY @ RXX, atol=1e-13)
        assert_allclose(RXX @ RYY, expm(-1j * xx.theta * hop), atol=1e-13)
        # and (XX + YY)/2 is the hopping itself
        XXYY = pauli_matrix("XX") + pauli_matrix("YY")
        assert_allclose(
            functools.reduce(np.kron, [*left, XXYY / 2, *right]), hop, atol=1e-15
        )


def test_randomized_hardware_efficient_draws_its_circuit():
    """A fixed RY(pi/4) column, then per layer a random-axis rotation per qubit and a CZ ladder."""
    n, layers = 4, 3
    circ = ansatz.randomized_hardware_efficient(n, layers, seed=5)
    gates = list(circ)
    head = gates[:n]
    assert [(g.label, g.qubits, g.trainable) for g in head] == [
        ("RY", (q,), False) for q in range(n)
    ]
    assert all(g.theta == np.pi / 4 for g in head)
    per_layer = n + (n - 1)
    for d in range(layers):
        block = gates[n + d * per_layer : n + (d + 1) * per_layer]
        rotations, entanglers = block[:n], block[n:]
        assert [g.qubits for g in rotations] == [(q,) for q in range(n)]
        assert {g.label for g in rotations} <= {"RX", "RY", "RZ"}
        assert all(g.trainable for g in rotations)
        # even bonds, then odd bonds (as the ladder of hardware_efficient)
        assert [(g.label, g.qubits) for g in entanglers] == [
            ("CZ", (0, 1)),
            ("CZ", (2, 3)),
            ("CZ", (1, 2)),
        ]
    assert circ.num_parameters == n * layers == len(gates) - n - layers * (n - 1)
    theta = circ.parameters
    assert ((theta >= 0) & (theta < 2 * np.pi)).all()
    same = ansatz.randomized_hardware_efficient(n, layers, seed=5)
    assert [g.label for g in same] == [g.label for g in circ]
    assert_allclose(same.parameters, theta, rtol=0, atol=0)
    other = ansatz.randomized_hardware_efficient(n, layers, seed=6)
    assert not np.array_equal(other.parameters, theta)
    assert ansatz.randomized_hardware_efficient(3, 0, seed=0).num_parameters == 0


def test_randomized_hardware_efficient_axes_are_uniform():
    """Over 3000 rotations each axis has probability 1/3 (chi^2 test, 2 dof)."""
    circ = ansatz.randomized_hardware_efficient(3, 1000, seed=1)
    labels = [g.label for g in circ if g.trainable]
    counts = np.array([labels.count(a) for a in ("RX", "RY", "RZ")])
    expected = len(labels) / 3
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    # P(chi^2_2 > 13.8) = 1e-3: a biased axis choice (e.g. 40/30/30) gives ~60
    assert chi2 < 13.8, counts


def test_randomized_hardware_efficient_mean_qntk_is_near_eq22():
    """n = 2, 32 layers (L = 64, the circuit of paper 003's Fig. 2), O = Z0 Z1."""
    import tnbp
    from tnbp import theory

    obs = [(1.0, "ZZ", (0, 1))]
    kernels = np.array(
        [
            tnbp.qntk(ansatz.randomized_hardware_efficient(2, 32, seed=s), obs)
            for s in range(120)
        ]
    )
    eq22 = theory.qntk_mean(64, 2, 4.0)  # tnbp's convention: 27.31 / 4
    mean, se = kernels.mean(), kernels.std(ddof=1) / np.sqrt(kernels.size)
    # a sample mean (CLT, 120 draws): 3 SE (measured 27.5 +- 0.7 in the
    # paper's convention against 27.3; 200 draws: 27.5 +- 0.6)
    assert abs(mean - eq22) < 3 * se, (mean, se, eq22)
    assert se / mean < 0.04  # the sample resolves it (SE ~2.7%)


def test_randomized_hardware_efficient_rejects_bad_input():
    with pytest.raises(ValueError, match="`n`"):
        ansatz.randomized_hardware_efficient(0, 2)
    with pytest.raises(ValueError, match="`layers`"):
        ansatz.randomized_hardware_efficient(2, -1)
    with pytest.raises(TypeError, match="`layers`"):
        ansatz.randomized_hardware_efficient(2, 1.5)


@pytest.mark.parametrize(
    ("family", "build"),
    [
        (
            "hardware_efficient",
            lambda n, d, s: ansatz.hardware_efficient(n, d, pattern="brick", seed=s),
        ),
        ("haar_brickwork", lambda n, d, s: ansatz.haar_brickwork(n, d, seed=s)),
        (
            "unitary_qnn",
            lambda n, d, s: ansatz.unitary_qnn(
                n, nearest_neighbour=True, layers=d, seed=s
            ),
        ),
    ],
)
def test_layered_circuit_is_its_family_builder(family, build):
    assert family in ansatz.LAYERED_FAMILIES
    a, b = ansatz.layered_circuit(family, 6, 3, seed=7), build(6, 3, 7)
    assert [g.label for g in a.gates] == [g.label for g in b.gates]
    assert [g.qubits for g in a.gates] == [g.qubits for g in b.gates]
    for g, h in zip(a.gates, b.gates):
        assert_allclose(g.to_matrix(), h.to_matrix(), atol=0)
    # nearest neighbours only: a cut is crossed by one gate (run) per layer
    assert all(len(g.qubits) == 1 or abs(g.qubits[1] - g.qubits[0]) == 1 for g in a)


def test_layered_circuit_refuses_unknown_families():
    with pytest.raises(ValueError, match="`family`.*unitary_qnn"):
        ansatz.layered_circuit("brickwork", 6, 2)
