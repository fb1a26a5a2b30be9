"""Fidelity with a target state (arXiv:2010.15968, Fig. 3b): value and gradients."""

import functools
import warnings

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz, observables


def _thermal_target(k, beta=1.0, seed=0):
    """A full-rank thermal state of a random Hermitian matrix on k qubits."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    rho = sla.expm(-beta * (A + A.conj().T) / 2)
    return rho / np.trace(rho)


def _scipy_fidelity(rho, sigma):
    s = sla.sqrtm(sigma)
    return float(np.real(np.trace(sla.sqrtm(s @ rho @ s))) ** 2)


def _visible_fd(circ, cost, h=1e-5):
    """Central differences of F(rho_v(theta)) on dense states: the paper's method."""
    theta = circ.parameters
    out = np.zeros(theta.size)
    for k in range(theta.size):
        vals = []
        for sign in (1, -1):
            t = theta.copy()
            t[k] += sign * h
            st = tnbp.simulate(circ.bind(t), backend="dense")
            vals.append(cost.value(st.reduced_density_matrix(cost.qubits)))
        out[k] = (vals[0] - vals[1]) / (2 * h)
    return out


def test_value_matches_scipy_sqrtm():
    rng = np.random.default_rng(1)
    sigma = _thermal_target(2, seed=1)
    psi = rng.normal(size=16) + 1j * rng.normal(size=16)
    psi /= np.linalg.norm(psi)  # 2 visible + 2 hidden qubits: rho is full rank
    # (sqrtm of a singular matrix is only sqrt(eps)-accurate: compare where it is exact)
    rho = np.einsum("ab,cb->ac", psi.reshape(4, 4), psi.reshape(4, 4).conj())
    cost = observables.fidelity_cost(sigma, [0, 1])
    assert cost.value(rho) == pytest.approx(_scipy_fidelity(rho, sigma), abs=1e-12)
    # pure target: <t|rho|t>
    t = unitary_group.rvs(4, random_state=2)[:, 0]
    pure = observables.fidelity_cost(t, [0, 1])
    assert pure.value(rho) == pytest.approx(np.real(t.conj() @ rho @ t), abs=1e-12)


@pytest.mark.parametrize("pure", [False, True])
def test_gradient_all_methods_and_backends_agree(pure):
    """5-qubit hardware-efficient QNN, visible qubits (1, 3), thermal or pure target."""
    circ = ansatz.hardware_efficient(5, layers=2, seed=3)
    target = (
        unitary_group.rvs(4, random_state=4)[:, 0]
        if pure
        else _thermal_target(2, seed=4)
    )
    cost = observables.fidelity_cost(target, [1, 3])
    ref = _visible_fd(circ, cost)
    runs = {
        ("parameter_shift", "dense"): None,
        ("adjoint", "dense"): None,
        ("parameter_shift", "mps"): {"cutoff": 0.0},
        ("adjoint", "tn"): None,
        ("finite_difference", "dense"): None,
    }
    for (method, backend), opts in runs.items():
        g, diagnostics = tnbp.gradient_with_diagnostics(
            circ, cost, method=method, backend=backend, sim_opts=opts
        )
        tol = 1e-6 if method == "finite_difference" else 1e-8
        assert_allclose(g, ref, atol=max(tol, 1e-7), err_msg=f"{method}/{backend}")
        assert diagnostics.simulations >= 1  # the visible state, at least
    shift = tnbp.gradient(circ, cost)
    adj = tnbp.gradient(circ, cost, method="adjoint")
    assert_allclose(shift, adj, atol=1e-10)
    assert np.abs(ref).max() > 1e-2  # a real gradient, not 0 == 0


def test_estimator_and_flags():
    circ = ansatz.hardware_efficient(4, layers=1, seed=0)
    st = tnbp.simulate(circ, backend="mps", max_bond=1)
    sigma = _thermal_target(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        f = tnbp.fidelity(st, sigma, [2])
    assert 0 <= f <= 1
    exact = tnbp.simulate(circ, backend="dense")
    assert tnbp.fidelity(exact, sigma, [2]) == pytest.approx(
        _scipy_fidelity(exact.reduced_density_matrix((2,)), sigma), abs=1e-12
    )


def test_non_differentiable_point_warns():
    """A pure visible state against a full-rank target: F has a sqrt kink."""
    circ = tnbp.Circuit(1)
    circ.ry(0.4, 0)
    cost = observables.fidelity_cost(_thermal_target(1), [0])
    with pytest.warns(RuntimeWarning, match="not differentiable"):
        tnbp.gradient(circ, cost)


def test_ensemble_of_fidelity_gradients():
    """Fig. 3b set-up: unitary QNN, 1 visible qubit, thermal target, inf-norm stats."""
    cost = observables.fidelity_cost(_thermal_target(1, seed=5), [0])
    build = functools.partial(ansatz.hardware_efficient, layers=3)
    df = tnbp.gradient_variance(
        build, [3, 5], observable=cost, samples=20, executor="serial", seed=1
    )
    assert np.isfinite(df.inf_norm_variance).all() and (df.inf_norm_variance > 0).all()
    assert (df[df.parameter == 0].variance > 0).all()
    # the last layer's rotations on qubits other than 0 are outside its lightcone
    assert (df[(df.n == 5) & (df.parameter == 29)].variance == 0).all()


def test_bad_targets_name_the_argument():
    with pytest.raises(ValueError, match="target"):
        observables.fidelity_cost(np.ones(4), [0, 1])  # not normalized
    with pytest.raises(ValueError, match="target"):
        observables.fidelity_cost(np.ones(3) / np.sqrt(3), [0, 1])
    with pytest.raises(ValueError, match="target"):
        observables.fidelity_cost(np.array([[0.5, 1j], [0.0, 0.5]]), [0])
    with pytest.raises(ValueError, match="target"):
        observables.fidelity_cost(np.diag([1.5, -0.5]), [0])
    with pytest.raises(ValueError, match="qubits"):
        observables.fidelity_cost(np.eye(2**7) / 2**7, range(7))
    cost = observables.fidelity_cost(np.eye(2) / 2, [4])
    with pytest.raises(ValueError, match="observable"):
        tnbp.gradient(ansatz.toy_perceptron(3, seed=0), cost)
    with pytest.raises(ValueError, match="observable"):
        tnbp.gradient_variance(
            ansatz.toy_perceptron, [2], observable=cost, estimator="exact"
        )


def test_values_of_a_stack_are_the_values_one_by_one():
    """The batched fidelity (forward differences of Fig. 3b) is ``value`` per matrix."""
    rng = np.random.default_rng(7)
    sigma = _thermal_target(2, seed=7)
    cost = observables.fidelity_cost(sigma, [0, 1])
    psi = rng.normal(size=(5, 4, 2)) + 1j * rng.normal(size=(5, 4, 2))
    rhos = np.einsum("bih,bjh->bij", psi, psi.conj())  # rank 2 of 4: zeroed eigenvalues
    rhos /= np.trace(rhos, axis1=1, axis2=2)[:, None, None]
    F = cost.values(rhos)
    assert F.shape == (5,)
    # the same eigendecompositions, batched: rounding only
    assert_allclose(F, [cost.value(r) for r in rhos], atol=1e-14)
    assert_allclose(F, [_scipy_fidelity(r, sigma) for r in rhos], atol=1e-7)
