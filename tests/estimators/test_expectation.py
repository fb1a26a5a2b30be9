"""Expectation values and their truncation errors against the documented formulas."""

import warnings
from functools import reduce

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz
from tnbp.models.paulis import pauli_matrix

N = 5
OBS = [(1.0, "ZZ", (0, 3)), (-0.5, "X", (2,)), (0.25, "YXZ", (4, 1, 0))]
#: <psi|O|psi> with 32 x 32 matrices: rounding ~1e-15
ATOL = 1e-12


def _dense_operator(terms):
    """sum_t c_t P_t as a 2^N x 2^N matrix built with kron (qubit 0 first)."""
    total = np.zeros((2**N, 2**N), dtype=complex)
    for coeff, pauli, qubits in terms:
        factors = [np.eye(2)] * N
        for p, q in zip(pauli, qubits):
            factors[q] = pauli_matrix(p)
        total += coeff * reduce(np.kron, factors)
    return total


@pytest.mark.parametrize("backend", ["dense", "mps", "tn"])
def test_expectation_value_is_the_quadratic_form(backend):
    circ = ansatz.hardware_efficient(N, 2, seed=8)
    psi = tnbp.simulate(circ, backend="dense").statevector
    st = tnbp.simulate(circ, backend=backend)
    expected = np.vdot(psi, _dense_operator(OBS) @ psi).real
    assert_allclose(tnbp.expectation_value(st, OBS), expected, atol=ATOL)
    for _, pauli, qubits in OBS:
        one = np.vdot(psi, _dense_operator([(1.0, pauli, qubits)]) @ psi).real
        assert_allclose(tnbp.expectation(st, pauli, qubits), one, atol=ATOL)


def test_truncation_errors_follow_their_formulas():
    """2T per Pauli string (0 for the identity), 2T sum_t |c_t| for a sum."""
    st = tnbp.simulate(ansatz.haar_brickwork(10, 6, seed=0), max_bond=12)
    T = st.truncation_distance
    assert T > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        assert tnbp.expectation(st, "XZ", (1, 6)).truncation_error == 2 * T
        assert tnbp.expectation(st, "II", (1, 6)).truncation_error == 0
        value = tnbp.expectation_value(st, OBS)
    # every factor is a Pauli matrix, of operator norm 1
    assert value.truncation_error == pytest.approx(2 * T * 1.75, rel=1e-12)


@pytest.mark.parametrize("kind", ["global", "local"])
def test_cost_bounds_use_the_cost_range_and_cover_the_error(kind):
    """A cost of eq. 3 or 4 lies in [0, 1]: the bound is T (not 2T), and it holds.

    The truncated MPS is compared with the exact dense state; the exact error
    must lie within T * (u - l) = T, the Hoelder bound with O - 1/2.
    """
    circ = ansatz.haar_brickwork(10, 6, seed=1)
    obs = getattr(tnbp.observables, f"{kind}_cost")(range(10))
    assert obs.bounds() == pytest.approx((0.0, 1.0), abs=1e-15)
    st = tnbp.simulate(circ, backend="mps", max_bond=6)
    T = st.truncation_distance
    assert 0 < T < 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        value = tnbp.expectation_value(st, obs)
    exact = tnbp.expectation_value(tnbp.simulate(circ), obs)
    assert value.truncation_error == pytest.approx(
        min(T, max(float(value), 1 - float(value))), rel=1e-12
    )
    assert abs(float(value) - float(exact)) <= value.truncation_error
