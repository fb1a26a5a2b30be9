"""QBM gradients from the field response (tnbp.qbm_response_gradient) and their budget."""

import numpy as np
import pytest
import scipy.linalg as sla

import tnbp
from tnbp import qbm as Q
from tnbp.gradients.qbm_response import generator_values
from tnbp.hamiltonian import random_two_local

Z0 = [(1.0, "Z", (0,))]


def _reference(qbm, theta, observable, h=1e-5):
    """Central differences of Tr(O rho) parameter by parameter, rho by scipy's expm.

    Independent of tnbp's Gibbs states, of its Duhamel formula and of the
    response identity; its own error is O(h^2) ~ 1e-10 plus rounding ~1e-11.
    """
    O = tnbp.PauliSum(qbm.n)
    for term in observable:
        O.add(*term)
    O = O.to_dense()

    def value(t):
        rho = sla.expm(-qbm.beta * qbm.hamiltonian(t).to_dense())
        return float(np.real(np.trace(O @ rho) / np.trace(rho)))

    out = np.empty(theta.size)
    for k in range(theta.size):
        a, b = theta.copy(), theta.copy()
        a[k] += h
        b[k] -= h
        out[k] = (value(a) - value(b)) / (2 * h)
    return out


@pytest.fixture(scope="module")
def chain():
    H = random_two_local(5, pairs="nearest", seed=11).normalized()
    return Q.QBM.from_hamiltonian(H, [0], beta=1.0)


def test_dense_response_is_the_gradient_within_its_step_bound(chain):
    qbm, theta = chain
    g = tnbp.qbm_response_gradient(qbm, theta, Z0, backend="dense")
    ref = _reference(qbm, theta, Z0)
    dev = np.abs(g.value - ref)
    # exact states: the step part is the whole budget, and it covers the error
    # (1e-10: the reference's own error)
    assert g.truncation_error == 0 and (g.trotter_error == 0).all()
    assert np.all(dev <= g.error_bound + 1e-10)
    # five-point stencil at h = 0.05: measured 3e-6 at the visible Z term
    assert dev.max() < 1e-5
    # the bound is |g5 - g3|, not vacuous: ~h^2 f'''/6 ~ 1e-3 at most here
    assert g.step_error.max() < 5e-3
    assert g.trusted and g.diagnostics.simulations == 4


def test_all_pairs_and_two_qubit_visible_observable():
    """Any 2-local H and an observable on two visible qubits (a ZZ field term)."""
    H = random_two_local(4, seed=5).normalized()
    qbm, theta = Q.QBM.from_hamiltonian(H, [0, 1], beta=2.0)
    obs = [(1.0, "ZZ", (0, 1)), (0.5, "X", (1,))]
    g = tnbp.qbm_response_gradient(qbm, theta, obs, backend="dense", step=0.02)
    ref = _reference(qbm, theta, obs)
    assert np.all(np.abs(g.value - ref) <= g.error_bound + 1e-10)
    # beta = 2 doubles every order of the field: measured 2e-6 at h = 0.02
    assert np.abs(g.value - ref).max() < 1e-5
    exact = Q.observable_gradient(qbm, theta, obs, method="exact")
    assert np.abs(g.value - exact).max() < 1e-5  # the Duhamel formula agrees too


def test_mps_response_within_its_full_budget(chain):
    qbm, theta = chain
    g = tnbp.qbm_response_gradient(
        qbm, theta, Z0, gibbs_opts=dict(cutoff=1e-16, dtau=0.25)
    )
    ref = _reference(qbm, theta, Z0)
    # each part is present: truncation (cutoff 1e-16), Trotter (dtau 0.25:
    # 2 steps against a companion of 1), step
    assert g.truncation_error > 0 and np.all(g.trotter_error > 0)
    assert np.all(np.abs(g.value - ref) <= g.error_bound + 1e-10)
    assert g.trusted and g.max_bond_reached > 1
    assert 0 < g.truncation_distance < 1e-6


def test_without_companions_the_trotter_part_is_unknown(chain):
    qbm, theta = chain
    g = tnbp.qbm_response_gradient(qbm, theta, Z0, gibbs_opts=dict(richardson=False))
    assert np.isnan(g.trotter_error).all() and np.isnan(g.error_bound).all()
    assert not g.trusted


def test_generator_values_read_every_term(chain):
    qbm, theta = chain
    rho = tnbp.gibbs_state(qbm.hamiltonian(theta), 1.0, backend="dense")
    values = generator_values(rho, qbm.generators)
    direct = [float(tnbp.expectation(rho, p, q)) for p, q in qbm.generators]
    np.testing.assert_allclose(values, direct, atol=1e-14)  # same numbers, rounding


@pytest.mark.parametrize(
    ("observable", "kwargs", "error", "match"),
    [
        ([(1.0, "Z", (1,))], {}, ValueError, "hidden qubit"),
        ("Z0", {}, TypeError, "`observable` must be a PauliSum"),
        ([(1.0, "Z")], {}, TypeError, "expected"),
        ([(0.0, "Z", (0,))], {}, ValueError, "no non-identity term"),
        (Z0, {"step": 0.0}, ValueError, "`step` must be > 0"),
        (Z0, {"step": float("inf")}, ValueError, "`step` must be finite"),
        (Z0, {"backend": "tn"}, ValueError, "backend"),
    ],
)
def test_bad_input_names_the_argument(chain, observable, kwargs, error, match):
    qbm, theta = chain
    with pytest.raises(error, match=match):
        tnbp.qbm_response_gradient(qbm, theta, observable, **kwargs)


def test_three_local_observable_is_refused():
    H = random_two_local(4, pairs="nearest", seed=1)
    qbm, theta = Q.QBM.from_hamiltonian(H, [0, 1, 2])
    with pytest.raises(ValueError, match="3-local"):
        tnbp.qbm_response_gradient(qbm, theta, [(1.0, "ZZZ", (0, 1, 2))])
    with pytest.raises(ValueError, match="on 3 qubits"):
        tnbp.qbm_response_gradient(qbm, theta, tnbp.PauliSum(3).add(1.0, "Z", 0))
