"""Quantum Boltzmann machines (tnbp.qbm): objectives, gradients and ensembles."""

import concurrent.futures as cf
import warnings

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose

import tnbp
from tnbp import qbm as Q
from tnbp.ensembles import qbm_gradient_variance
from tnbp.hamiltonian import random_two_local

OBS = [(1.0, "ZX", (0, 2)), (0.5, "Y", (2,))]


@pytest.fixture(scope="module")
def model():
    H = random_two_local(5, seed=3).normalized()
    qbm, theta = Q.QBM.from_hamiltonian(H, visible=(0, 2), beta=2.0)
    return qbm, theta


def _dense_rho(qbm, theta):
    """exp(-beta H)/Z with scipy, independent of tnbp.states.gibbs."""
    rho = sla.expm(-qbm.beta * qbm.hamiltonian(theta).to_dense())
    return rho / np.trace(rho)


def _visible(rho, n, visible):
    """Tr_h rho by summing matrix entries whose hidden bits agree (no tensor reshapes).

    Independent of tnbp's ``partial_trace`` (an einsum over reshaped axes): entry
    (i, j) of rho contributes to rho_v[v(i), v(j)] when i and j agree on every
    hidden qubit, with v(i) the visible bits of i in the listed order.
    """
    idx = np.arange(2**n)
    bits = (idx[:, None] >> (n - 1 - np.arange(n))) & 1  # qubit 0 most significant
    hidden = [q for q in range(n) if q not in visible]
    v = bits[:, list(visible)] @ (1 << np.arange(len(visible)))[::-1]
    h = bits[:, hidden] @ (1 << np.arange(len(hidden)))[::-1]
    same = h[:, None] == h[None, :]
    rows, cols = np.nonzero(same)
    out = np.zeros((2 ** len(visible),) * 2, dtype=complex)
    np.add.at(out, (v[rows], v[cols]), rho[rows, cols])
    return out


def _fd(f, theta, h=1e-5):
    out = np.empty(theta.size)
    for k in range(theta.size):
        a, b = theta.copy(), theta.copy()
        a[k] += h
        b[k] -= h
        out[k] = (f(a) - f(b)) / (2 * h)
    return out


def test_hamiltonian_round_trip(model):
    qbm, theta = model
    assert qbm.num_parameters == 5 * 3 + 10 * 9
    assert qbm.hidden == (1, 3, 4)
    H = random_two_local(5, seed=3).normalized()
    assert_allclose(qbm.hamiltonian(theta).to_dense(), H.to_dense(), atol=1e-14)


def test_observable_gradient_exact_against_scipy_differences(model):
    """Duhamel formula vs central differences (h = 1e-5) of scipy expm states: 1e-8."""
    qbm, theta = model
    X, Y, Z = (tnbp.models.paulis.pauli_matrix(p) for p in "XYZ")
    O = np.kron(Z, X) + 0.5 * np.kron(np.eye(2), Y)  # OBS on visible (0, 2)

    def value(t):
        return np.real(np.trace(O @ _visible(_dense_rho(qbm, t), 5, (0, 2))))

    exact = Q.observable_gradient(qbm, theta, OBS, method="exact")
    assert_allclose(exact, _fd(value, theta), atol=1e-8)
    assert np.abs(exact).max() > 0.1
    assert Q.observable_objective(qbm, theta, OBS) == pytest.approx(
        value(theta), abs=1e-12
    )


def test_finite_differences_dense_and_mps(model):
    """The paper's method on both backends vs the exact gradient.

    Dense: O(h^2) = 1e-8 at h = 1e-4. MPS (order 4, dtau 0.05, no truncation):
    the Trotter error is smooth in theta, so it enters the derivative at ~1e-6.
    """
    qbm, theta = model
    exact = Q.observable_gradient(qbm, theta, OBS)
    fd = Q.observable_gradient(qbm, theta, OBS, method="finite_difference", step=1e-4)
    assert_allclose(fd, exact, atol=1e-7)
    # onsite terms of qubits 0 and 2, couplings (0, 1) and (0, 2): a distant
    # pair, so the swap-network path runs
    idx = [0, 1, 2, 6, 7, 8, 15, 16, 17] + list(range(24, 30))
    some = Q.QBM(qbm.n, [qbm.generators[k] for k in idx], qbm.visible, beta=qbm.beta)
    opts = dict(dtau=0.05, max_bond=None, cutoff=0.0)
    mps = Q.observable_gradient(
        some,
        theta[idx],
        OBS,
        method="finite_difference",
        backend="mps",
        gibbs_opts=opts,
    )
    exact = Q.observable_gradient(some, theta[idx], OBS)
    assert_allclose(mps, exact, atol=2e-5)
    assert np.abs(exact).max() > 1e-2


def test_generative_loss_and_gradient(model):
    qbm, theta = model
    eta = np.diag([0.4, 0.3, 0.2, 0.1]).astype(complex)
    u = sla.expm(0.3j * sla.hilbert(4))  # a fixed rotation: eta not diagonal
    eta = u @ eta @ u.conj().T

    def loss(t):
        rho_v = _visible(_dense_rho(qbm, t), 5, (0, 2))
        return np.real(np.trace(eta @ (sla.logm(eta) - sla.logm(rho_v))))

    assert Q.generative_loss(qbm, theta, eta) == pytest.approx(loss(theta), abs=1e-10)
    grad = Q.generative_gradient(qbm, theta, eta)
    assert_allclose(grad, _fd(loss, theta), atol=1e-7)
    assert np.abs(grad).max() > 0.05


def test_relative_entropy_edge_cases():
    rho = np.diag([0.5, 0.5, 0.0, 0.0])
    assert Q.relative_entropy(np.diag([0.5, 0.5, 0, 0]), rho) == pytest.approx(0.0)
    assert Q.relative_entropy(np.diag([0.5, 0.0, 0.5, 0]), rho) == float("inf")


def test_full_state_relative_entropy_gradient(model):
    """beta (<P_k>_eta - <P_k>_rho) vs differences of S(eta || rho(theta)) in nats."""
    qbm, theta = model
    eta = tnbp.gibbs_state(
        random_two_local(5, seed=4).normalized(), 2.0, backend="dense"
    )

    def s(t):
        rho = _dense_rho(qbm, t)
        return np.real(np.trace(eta.rho @ (sla.logm(eta.rho) - sla.logm(rho))))

    grad = Q.relative_entropy_gradient(qbm, theta, eta)
    assert_allclose(grad, _fd(s, theta), atol=1e-7)
    data = [eta.expectation_pauli(p, q) for p, q in qbm.generators]
    assert_allclose(Q.relative_entropy_gradient(qbm, theta, data), grad, atol=1e-12)


def test_hidden_term_gradients_vanish_with_hidden_units():
    """arXiv:2010.15968 Fig. 3c: hidden-term derivatives decay, visible ones do not."""
    df = qbm_gradient_variance(1, [1, 2, 3, 4], samples=16, executor="serial", seed=1)
    hidden = df[df.group == "hidden"]
    visible = df[df.group == "visible"]
    fit = tnbp.fit_exponential_decay(hidden.n_hidden, hidden.variance)
    assert fit.rate > 0.4, fit.to_dict()  # measured ~0.8 per hidden qubit
    assert visible.variance.min() > 0.5 * visible.variance.max()
    assert (np.diff(df.drop_duplicates("n_hidden").inf_norm_variance) < 0).all()
    with cf.ThreadPoolExecutor(2) as pool:
        again = qbm_gradient_variance(
            1, [1, 2, 3, 4], samples=16, executor=pool, seed=1
        )
    assert_allclose(again.variance, df.variance, rtol=0, atol=0)


def test_bad_input_names_the_argument(model):
    qbm, theta = model
    with pytest.raises(ValueError, match="theta"):
        qbm.hamiltonian(theta[:3])
    with pytest.raises(TypeError, match="theta"):
        qbm.hamiltonian(theta + 0j)
    with pytest.raises(ValueError, match="visible"):
        Q.QBM(3, [("Z", 0)], visible=(5,))
    with pytest.raises(ValueError, match="generators"):
        Q.QBM(3, [], visible=(0,))
    with pytest.raises(ValueError, match="`generators`.*out of range"):
        Q.QBM(3, [("Z", 7)], visible=(0,))
    with pytest.raises(ValueError, match="observable"):
        Q.observable_gradient(qbm, theta, [(1.0, "Z", (1,))])  # a hidden qubit
    with pytest.raises(ValueError, match="method"):
        Q.observable_gradient(qbm, theta, OBS, method="exact", backend="mps")
    with pytest.raises(ValueError, match="eta"):
        Q.generative_loss(qbm, theta, np.eye(4))
    with pytest.raises(ValueError, match="eta"):
        Q.relative_entropy_gradient(qbm, theta, [0.0, 1.0])
    with pytest.raises(ValueError, match="hidden_values"):
        qbm_gradient_variance(1, [])


def test_finite_differences_of_truncated_gibbs_states_warn_once():
    """Six truncated Gibbs states behind one gradient: one warning that counts them."""
    qbm = Q.QBM(3, [("ZZ", (0, 1)), ("X", (1,)), ("XX", (1, 2))], (0,), beta=1.0)
    theta = np.array([0.7, 0.4, -0.9])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Q.observable_gradient(
            qbm,
            theta,
            [(1.0, "X", (0,))],
            method="finite_difference",
            backend="mps",
            gibbs_opts=dict(max_bond=1),  # a product state cannot hold rho
        )
    assert [w.category for w in caught] == [tnbp.TruncationWarning]
    assert f"of {2 * qbm.num_parameters} simulated states" in str(caught[0].message)


def test_linear_gradient_names_a_bad_backend_before_the_method(model):
    qbm, theta = model
    with pytest.raises(ValueError, match="`backend`"):
        Q.linear_gradient(qbm, theta, np.eye(4), backend="bogus")


# ------------------------------------ Fig. 3c: how far the visible state moves
def test_visible_state_derivatives_against_scipy_differences(model):
    """Duhamel, Pauli by Pauli, vs central differences (h = 1e-5) of scipy states.

    Visible qubits (0, 2), not contiguous: the expansion must place each Pauli
    string on the right factors. O(h^2) ~ 1e-10 plus rounding 1e-16/h: 1e-9.
    """
    qbm, theta = model
    d = Q.visible_state_derivatives(qbm, theta)
    assert d.shape == (qbm.num_parameters, 4, 4)
    for k in (0, 7, 40, qbm.num_parameters - 1):  # onsite visible/hidden, pairs

        def rho_v(t):
            return _visible(_dense_rho(qbm, t), 5, (0, 2))

        a, b = theta.copy(), theta.copy()
        a[k] += 1e-5
        b[k] -= 1e-5
        assert_allclose(d[k], (rho_v(a) - rho_v(b)) / 2e-5, atol=1e-9)
    # Hermitian and traceless (unit trace is kept along every direction)
    assert_allclose(d, d.conj().transpose(0, 2, 1), atol=1e-14)
    assert_allclose(np.trace(d, axis1=1, axis2=2), 0, atol=1e-14)


def test_trace_distance_gradient_is_the_trace_norm_of_the_derivative(model):
    """Finite differences T/h converge at first order to 1/2 ||d rho_v||_1."""
    qbm, theta = model
    exact = Q.trace_distance_gradient(qbm, theta)
    d = Q.visible_state_derivatives(qbm, theta)
    by_hand = [0.5 * np.abs(np.linalg.eigvalsh(m)).sum() for m in d]
    assert_allclose(exact, by_hand, atol=1e-14)  # the same eigenvalues, summed
    assert exact.min() >= 0 and exact.max() > 0.1
    errors = []
    for h in (1e-2, 1e-3):
        fd = Q.trace_distance_gradient(qbm, theta, method="finite_difference", step=h)
        # by hand: T(rho_v(theta), rho_v(theta + h e_k)) / h from scipy states
        k = 20
        t = theta.copy()
        t[k] += h
        diff = _visible(_dense_rho(qbm, t), 5, (0, 2)) - _visible(
            _dense_rho(qbm, theta), 5, (0, 2)
        )
        # two diagonalizations vs expm: rounding ~1e-15 over h
        assert fd[k] == pytest.approx(
            0.5 * np.abs(np.linalg.eigvalsh(diff)).sum() / h, abs=1e-11
        )
        errors.append(np.abs(fd - exact).max())
    # truncation O(h ||d^2 rho_v||_1) dominates: ten times smaller step, ten
    # times smaller deviation (within 20%: the second-order term)
    assert errors[0] / errors[1] == pytest.approx(10, rel=0.2)


def test_trace_distance_gradient_on_mps_states():
    """Forward differences of purified-MPS Gibbs states agree with the dense limit.

    Order 4, dtau 0.05, no truncation: the Trotter error is smooth in theta and
    largely cancels in rho_v(theta + h e_k) - rho_v(theta); h = 1e-3 adds its
    own O(h) truncation (~1e-4 here).
    """
    H = random_two_local(3, pairs="nearest", seed=7).normalized()
    qbm, theta = Q.QBM.from_hamiltonian(H, visible=(1,), beta=1.0)
    exact = Q.trace_distance_gradient(qbm, theta)
    mps = Q.trace_distance_gradient(
        qbm,
        theta,
        backend="mps",
        step=1e-3,
        gibbs_opts=dict(dtau=0.05, max_bond=None, cutoff=0.0),
    )
    dense = Q.trace_distance_gradient(qbm, theta, method="finite_difference")
    assert_allclose(mps, dense, atol=1e-5)
    assert_allclose(mps, exact, atol=1e-3)


def test_trace_distance_gradient_bad_input(model):
    qbm, theta = model
    with pytest.raises(ValueError, match="`step`"):
        Q.trace_distance_gradient(qbm, theta, method="finite_difference", step=0.0)
    with pytest.raises(ValueError, match="`method`='exact' runs on `backend`"):
        Q.trace_distance_gradient(qbm, theta, method="exact", backend="mps")
    with pytest.raises(ValueError, match="`backend`"):
        Q.trace_distance_gradient(qbm, theta, backend="bogus")
    with pytest.raises(ValueError, match="`theta`"):
        Q.visible_state_derivatives(qbm, theta[:-1])
    big = Q.QBM(13, [("ZZ", (0, 12))], [0])
    with pytest.raises(ValueError, match="dense"):
        Q.trace_distance_gradient(big, [1.0], method="finite_difference")
