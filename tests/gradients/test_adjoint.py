"""Batched adjoint differentiation (tnbp.gradients.adjoint) against a naive reference.

The reference (tests/kron_reference.py) applies every gate as a full 2^n matrix
and differentiates by the exact parameter-shift rule, sharing no code with the
adjoint sweep. The circuits are built to exercise each fused block of the sweep:
runs of one-qubit gates on one qubit (trainable and fixed, the last qubit
included), runs of fixed diagonal gates shared by the batch, diagonal gates that
differ between samples, non-diagonal fixed two-qubit gates, and trainable
two-qubit rotations. Both sides are exact, so they agree to rounding (1e-12).
Every ansatz family of tests/ansatz_zoo.py is also checked up to n = 10 against
the shift rule on numpy.tensordot states.
"""

import kron_reference
import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

from tnbp import Circuit
from tnbp.estimators.expectation import observable_value
from tnbp.gradients import adjoint
from tnbp.models import observables
from tnbp.states import dense

N = 5
OBS = [(1.0, "ZZ", (0, 4)), (-0.6, "X", (2,)), (0.3, "YX", (1, 3))]


def _circuit(seed: int, *, diagonal_phase: bool = False) -> Circuit:
    """One instance of a skeleton that exercises every block type of the sweep."""
    rng = np.random.default_rng(seed)
    c = Circuit(N)
    for q in range(N):  # one-qubit runs: trainable, with a fixed H inside
        c.rz(rng.uniform(0, 2 * np.pi), q)  # (an X-type generator last, so that
        c.h(q)  # the diagonal run after it does not commute with it)
        c.rx(rng.uniform(0, 2 * np.pi), q)
    for i in range(N - 1):  # a run of fixed diagonal gates shared by the batch
        c.cz(i, i + 1)
    c.apply(np.diag([1, 1j, np.exp(0.3j), -1j]), 2, 0)  # complex, in the same run
    phase = np.exp(1j * rng.uniform(0, 2 * np.pi)) if diagonal_phase else 1.0
    c.apply(np.diag([1, 1, 1, phase]), 1, 3)  # diagonal, differs per sample
    c.apply(unitary_group.rvs(4, random_state=rng), 4, 2)  # non-diagonal, reversed
    c.pauli_rotation(rng.uniform(0, 2 * np.pi), "XY", (0, 3))  # trainable 2-qubit
    c.cnot(3, 0)
    c.ry(rng.uniform(0, 2 * np.pi), N - 1)  # the last qubit's own path
    c.ry(rng.uniform(0, 2 * np.pi), 0)
    return c


@pytest.mark.parametrize("initial", ["00000", "10110"])
def test_batch_matches_the_kron_reference(initial):
    circuits = [_circuit(s, diagonal_phase=True) for s in range(4)]
    obs = observables.pauli_sum(OBS)
    got = adjoint.adjoint_gradients(circuits, obs, initial)
    O = kron_reference.pauli_sum_matrix(OBS, N)
    for c, g in zip(circuits, got):
        ref = kron_reference.shift_gradient(c, O, initial)
        assert np.abs(ref).max() > 0.05  # a gradient worth comparing
        assert_allclose(g, ref, atol=1e-12)


def test_chunks_give_the_same_rows(monkeypatch):
    """Splitting the batch into chunks (BATCH_AMPLITUDES) changes no row."""
    circuits = [_circuit(s) for s in range(7)]
    obs = observables.local_cost(range(N), "+-01+")
    whole = adjoint.adjoint_gradients(circuits, obs, "01010")
    monkeypatch.setattr(adjoint, "BATCH_AMPLITUDES", 2 * 2**N)  # chunks of 2
    chunked = adjoint.adjoint_gradients(circuits, obs, "01010")
    assert_allclose(chunked, whole, atol=0, rtol=0)


def test_constant_observable_has_zero_gradient():
    obs = observables.pauli_sum([(2.5, "II", (0, 1))])
    got = adjoint.adjoint_gradients([_circuit(0)], obs, "00000")
    assert_allclose(got, 0.0, atol=1e-14)


def test_skeleton_ignores_angles_and_fixed_matrices():
    a, b = _circuit(0, diagonal_phase=True), _circuit(1, diagonal_phase=True)
    assert adjoint.skeleton(a) == adjoint.skeleton(b)
    c = a.copy()
    c.rx(0.1, 2)
    assert adjoint.skeleton(c) != adjoint.skeleton(a)


def _tensordot_shift_gradient(circuit, obs, initial):
    """d<O>/dtheta by the exact shift rule, states by numpy.tensordot gate by gate.

    :func:`tnbp.states.dense.apply_matrix` shares no code with the compiled
    kernels of the adjoint sweep (and works at n = 10, unlike the kron reference).
    """

    def value(c):
        psi = dense.basis_state(initial)
        for g in c:
            psi = dense.apply_matrix(psi, g.to_matrix(), g.qubits)
        return observable_value(dense.DenseState(psi), obs)

    theta = circuit.parameters
    grad = np.zeros(theta.size)
    for k in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[k] += np.pi / 2
        minus[k] -= np.pi / 2
        grad[k] = 0.5 * (value(circuit.bind(plus)) - value(circuit.bind(minus)))
    return grad


#: (ansatz, n) pairs: every family at n = 4, and at n = 7 and 10 where it has at
#: most 100 angles (the shift rule costs two simulations per angle)
ZOO_CASES = [
    (name, n)
    for name in ANSATZ_BUILDERS
    for n in (4, 7, 10)
    if n == 4 or ANSATZ_BUILDERS[name](n, 0).num_parameters <= 100
]


@pytest.mark.parametrize(("name", "n"), ZOO_CASES)
def test_zoo_batches_match_the_shift_rule(name, n):
    """Every ansatz family, batched over instances of one structure, up to n = 10."""
    circuits = [ANSATZ_BUILDERS[name](n, s) for s in range(3)]
    circuits = [
        c for c in circuits if adjoint.skeleton(c) == adjoint.skeleton(circuits[0])
    ]
    obs = observables.pauli_sum(
        [(1.0, "ZZ", (0, n - 1)), (-0.7, "Y", (n // 2,)), (0.4, "XY", (1, n - 2))]
    )
    initial = "".join("01"[q % 2] for q in range(n))
    got = adjoint.adjoint_gradients(circuits, obs, initial)
    for c, g in zip(circuits[:2], got):
        ref = _tensordot_shift_gradient(c, obs, initial)
        # both exact: rounding of ~1e-16 per gate over <= 450 gates
        assert_allclose(g, ref, atol=1e-12)
