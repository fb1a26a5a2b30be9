"""Forward differences of the fidelity (arXiv:2010.15968, Fig. 3b): shifted states and gradients."""

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, observables
from tnbp.gradients import forward_difference as fdm
from tnbp.gradients.forward_difference import (
    forward_difference_gradient,
    shifted_reduced_states,
)


def _thermal_target(k, seed=0):
    """A full-rank thermal state of a random Hermitian matrix on k qubits."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    rho = sla.expm(-(A + A.conj().T) / 2)
    return rho / np.trace(rho)


def _reference_states(circ, qubits, step):
    """rho_v at theta and at each theta + step e_k, one full simulation each."""
    theta = circ.parameters
    out = []
    for k in range(theta.size):
        t = theta.copy()
        t[k] += step
        st = tnbp.simulate(circ.bind(t), backend="dense")
        out.append(st.reduced_density_matrix(qubits))
    rho = tnbp.simulate(circ, backend="dense").reduced_density_matrix(qubits)
    return rho, np.array(out)


@pytest.mark.parametrize("qubits", [(0,), (3, 1)])
def test_shifted_states_are_those_of_shifted_circuits(qubits):
    """Every row is the reduced state of the circuit with one angle shifted."""
    circ = ansatz.hardware_efficient(5, layers=2, seed=3)  # fixed CZs among rotations
    rho, shifted = shifted_reduced_states(circ, qubits, step=0.3)
    ref_rho, ref = _reference_states(circ, qubits, 0.3)
    assert shifted.shape == (circ.num_parameters, 2 ** len(qubits), 2 ** len(qubits))
    # the same gates in the same order: equal up to rounding of ~100 products
    assert_allclose(rho, ref_rho, atol=1e-12)
    assert_allclose(shifted, ref, atol=1e-12)


def test_batches_of_parameters_give_the_same_states(monkeypatch):
    """More parameters than fit one batch run as further sweeps, identically."""
    circ = ansatz.unitary_qnn(4, shuffle=True, seed=2)
    whole = shifted_reduced_states(circ, (0, 2), step=1e-3)
    monkeypatch.setattr(fdm, "SHIFT_BATCH_AMPLITUDES", 3 * 2**4)  # 3 rows per sweep
    parts = shifted_reduced_states(circ, (0, 2), step=1e-3)
    for a, b in zip(whole, parts):
        assert_allclose(a, b, atol=1e-14)  # the same products, batched differently


def test_forward_differences_converge_to_the_exact_gradient_at_first_order():
    circ = ansatz.unitary_qnn(4, shuffle=True, seed=5)
    cost = observables.fidelity_cost(_thermal_target(2, seed=1), [1, 2])
    exact = tnbp.gradient(circ, cost, method="adjoint")
    errors = [
        np.abs(forward_difference_gradient(circ, cost, step=h) - exact).max()
        for h in (1e-2, 1e-3)
    ]
    # truncation h/2 F'' dominates (rounding ~1e-16/h is below 1e-12): ten
    # times smaller step, ten times smaller error, within 10%
    assert errors[0] / errors[1] == pytest.approx(10, rel=0.1)
    assert errors[1] < 1e-3
    # a negative step is a backward difference: the two straddle the exact value
    fwd = forward_difference_gradient(circ, cost, step=1e-3)
    bwd = forward_difference_gradient(circ, cost, step=-1e-3)
    assert_allclose((fwd + bwd) / 2, exact, atol=1e-6)  # central: O(h^2) ~ 1e-7


def test_the_cost_is_evaluated_at_each_shifted_point():
    """Not the linearized cost: the forward difference of F itself, by hand."""
    circ = ansatz.hardware_efficient(3, layers=1, seed=1)
    cost = observables.fidelity_cost(_thermal_target(1, seed=2), [2])
    h = 0.2  # large: linearization and forward difference differ at O(h)
    rho, ref = _reference_states(circ, cost.qubits, h)
    by_hand = np.array([(cost.value(r) - cost.value(rho)) / h for r in ref])
    got = forward_difference_gradient(circ, cost, step=h)
    assert_allclose(got, by_hand, atol=1e-12)  # rounding of the fidelities over h


def test_a_circuit_without_parameters_has_an_empty_gradient():
    circ = tnbp.Circuit(2)
    circ.cnot(0, 1)
    cost = observables.fidelity_cost(np.eye(2) / 2, [0])
    assert forward_difference_gradient(circ, cost).shape == (0,)


def test_bad_input_names_the_argument():
    circ = ansatz.hardware_efficient(3, layers=1, seed=1)
    cost = observables.fidelity_cost(np.eye(2) / 2, [0])
    with pytest.raises(TypeError, match="`cost`"):
        forward_difference_gradient(circ, [(1.0, "Z", (0,))])
    with pytest.raises(ValueError, match="`step`"):
        forward_difference_gradient(circ, cost, step=0.0)
    with pytest.raises(ValueError, match="`step`"):
        forward_difference_gradient(circ, cost, step=float("nan"))
    with pytest.raises(ValueError, match="`qubits`"):
        forward_difference_gradient(circ, observables.fidelity_cost(np.eye(2) / 2, [5]))
    with pytest.raises(TypeError, match="`circuit`"):
        shifted_reduced_states("not a circuit", [0], step=0.1)
    with pytest.raises(ValueError, match="`initial`"):
        shifted_reduced_states(circ, [0], step=0.1, initial="01")
