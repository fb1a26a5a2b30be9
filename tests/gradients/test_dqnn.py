"""DQNN training costs and gradients (arXiv:2005.12458, eqs. 2-4, 6) and their variances."""

import functools

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, observables, theory


def _kets(rng, n):
    k = rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))
    return k / np.linalg.norm(k, axis=1, keepdims=True)


def _data(net, size, seed):
    """Random product inputs and product targets."""
    rng = np.random.default_rng(seed)
    n_in, n_out = len(net.input_qubits), len(net.output_qubits)
    return [_kets(rng, n_in) for _ in range(size)], [
        _kets(rng, n_out) for _ in range(size)
    ]


def _cost_matrix(kind, kets):
    """O^G (eq. 3) or O^L (eq. 4) on the output layer, written out with kron."""
    n = len(kets)
    projs = [np.outer(k, k.conj()) for k in kets]
    eye = np.eye(2**n)
    if kind == "global":
        return eye - functools.reduce(np.kron, projs)
    local = [
        functools.reduce(np.kron, [projs[q] if q == j else np.eye(2) for q in range(n)])
        for j in range(n)
    ]
    return eye - sum(local) / n


@pytest.mark.parametrize("kind", ["global", "local"])
def test_cost_is_eq_2(kind):
    net = tnbp.DQNN((3, 2, 3), "global", seed=1, perceptron_opts={"layers": 3})
    inputs, targets = _data(net, 3, seed=2)
    expected = np.mean(
        [
            np.trace(_cost_matrix(kind, t) @ tnbp.dqnn_output_state(net, x)).real
            for x, t in zip(inputs, targets)
        ]
    )
    got = tnbp.dqnn_cost(net, inputs, targets, cost=kind)
    # the layer-by-layer rho_out and one dense run per pair: rounding only
    assert abs(got - expected) < 1e-12
    assert 0.05 < got < 1 and got.trusted
    assert (
        abs(tnbp.dqnn_cost(net, inputs, targets, cost=kind, backend="mps") - got)
        < 1e-10
    )


COMBOS = [
    ("parameter_shift", "dense"),
    ("parameter_shift", "mps"),
    ("parameter_shift", "tn"),
    ("finite_difference", "dense"),
    ("finite_difference", "mps"),
    ("adjoint", "dense"),
    ("adjoint", "mps"),
    ("adjoint", "tn"),
    ("autodiff", "dense"),
    ("autodiff", "tn"),
]


@pytest.mark.parametrize("kind", ["global", "local"])
@pytest.mark.parametrize("method, backend", COMBOS)
def test_gradient_on_every_method_and_backend(method, backend, kind):
    if method == "autodiff":
        pytest.importorskip("jax")
    net = tnbp.DQNN((2, 3, 2), "global", seed=3, perceptron_opts={"layers": 2})
    inputs, targets = _data(net, 2, seed=4)
    ref = _finite_difference(net, inputs, targets, kind)
    opts = {"sim_opts": {"cutoff": 0.0}} if backend == "mps" else {}
    got = tnbp.dqnn_gradient(
        net, inputs, targets, cost=kind, method=method, backend=backend, **opts
    )
    assert np.abs(ref).max() > 1e-2
    # ref: central differences of the cost, h = 1e-5: O(h^2) = 1e-10 plus
    # rounding 1e-16 / h = 1e-11; finite_difference methods use h = 1e-4 (1e-8)
    tol = 1e-7 if method == "finite_difference" else 1e-9
    assert_allclose(got, ref, rtol=0, atol=tol)


def _finite_difference(net, inputs, targets, kind, h=1e-5):
    theta = net.parameters
    out = np.empty(theta.size)
    for k in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        c = [
            tnbp.dqnn_cost(net.bind(t), inputs, targets, cost=kind) for t in (up, down)
        ]
        out[k] = (c[0] - c[1]) / (2 * h)
    return out


def test_gradient_of_selected_parameters():
    net = tnbp.DQNN((2, 2, 2), "local", seed=0)
    inputs, targets = _data(net, 2, seed=1)
    full = tnbp.dqnn_gradient(net, inputs, targets, cost="local")
    some = tnbp.dqnn_gradient(net, inputs, targets, cost="local", parameters=[1, 0])
    assert_allclose(some, full[[1, 0]], atol=1e-14)


@pytest.mark.parametrize(
    "targets, match",
    [
        (["000"], r"`targets\[0\]`"),
        ([np.ones((3, 2)) / np.sqrt(2)], r"`targets\[0\]`"),
        (["00", "00"], "`targets` must have one target per input"),
    ],
)
@pytest.mark.parametrize("function", [tnbp.dqnn_cost, tnbp.dqnn_gradient])
def test_targets_of_the_wrong_length(function, targets, match):
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    with pytest.raises(ValueError, match=match):
        function(net, ["00"], targets)


@pytest.mark.parametrize("function", [tnbp.dqnn_cost, tnbp.dqnn_gradient])
def test_net_must_be_a_dqnn(function):
    with pytest.raises(TypeError, match="`net` must be a tnbp.DQNN"):
        function(tnbp.Circuit(2), ["00"], ["00"])


# --------------------------------------------- Fig. 3a: exact toy variances


def _toy_check(n, hidden, parameters="all"):
    net = tnbp.DQNN((n,) * (hidden + 2), "toy", seed=n)
    g = tnbp.exact_gradient_variance(
        net.circuit, net.cost("global"), parameters=parameters
    )
    loc = tnbp.exact_gradient_variance(
        net.circuit, net.cost("local"), parameters=parameters
    )
    # exact doubled-MPS sweeps with bond dimension 1: rounding only
    assert_allclose(g.variance, theory.toy_global_cost_gradient_variance(n), rtol=1e-10)
    assert_allclose(
        loc.variance, theory.toy_local_cost_gradient_variance(n), rtol=1e-10
    )
    assert not g.truncated and not loc.truncated


@pytest.mark.parametrize("hidden", [0, 1, 3])
@pytest.mark.parametrize("n", [2, 3, 5, 8, 13, 20])
def test_toy_dqnn_exact_variances(n, hidden):
    """Var[dC_G] = (1/8)(3/8)^(n-1), Var[dC_L] = 1/(8 n^2) for every angle of every layer."""
    _toy_check(n, hidden)


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [0, 1, 3])
@pytest.mark.parametrize("n", [30, 50, 75, 100])
def test_toy_dqnn_exact_variances_large_n(n, hidden):
    """Up to 100 qubits per layer (400 in all): first, middle and last angle."""
    m = n * (hidden + 1)
    _toy_check(n, hidden, parameters=[0, m // 2, m - 1])


def _toy_build(n, seed, hidden=2):
    return tnbp.DQNN((n,) * (hidden + 2), "toy", seed=seed).circuit


def _toy_cost(kind):
    return lambda n: tnbp.DQNN((n,) * 4, "toy", seed=0).cost(kind)


@pytest.mark.parametrize("kind", ["global", "local"])
def test_gradient_variance_exact_through_the_dqnn(kind):
    ref = {
        "global": theory.toy_global_cost_gradient_variance,
        "local": theory.toy_local_cost_gradient_variance,
    }[kind]
    df = tnbp.gradient_variance(
        _toy_build,
        [2, 4, 9],
        observable=_toy_cost(kind),
        samples=2,
        parameters=[0, -1],
        estimator="exact",
        executor="serial",
        seed=0,
    )
    assert len(df) == 6
    assert_allclose(df.variance, [ref(n) for n in df.n], rtol=1e-10)


@pytest.mark.parametrize("kind", ["global", "local"])
def test_gradient_variance_sampled_through_the_dqnn(kind):
    """Sample variances over random initializations within 3 standard errors."""
    ref = {
        "global": theory.toy_global_cost_gradient_variance,
        "local": theory.toy_local_cost_gradient_variance,
    }[kind]
    df = tnbp.gradient_variance(
        _toy_build,
        [2, 3],
        observable=_toy_cost(kind),
        samples=400,
        parameters=[0],
        executor="serial",
        seed=5,
    )
    z = (df.variance - [ref(n) for n in df.n]) / df.variance_se
    assert np.all(np.abs(z) < 3), z.to_numpy()


def test_local_dqnn_and_layered_ansatz_ensembles_are_equal():
    """Fig. 3b: the same random instances, hence the same exact ensemble rows."""

    def dqnn(n, seed):
        return tnbp.DQNN((n,) * 5, "local", seed=seed).circuit

    def hea(n, seed):
        return ansatz.alternating_layered(n, 2, seed=seed)

    kwargs = dict(
        samples=3, parameters=[0, 3, -1], estimator="exact", executor="serial", seed=9
    )
    a = tnbp.gradient_variance(
        dqnn,
        [3],
        observable=lambda n: tnbp.DQNN((n,) * 5, "local").cost("local"),
        **kwargs,
    )
    b = tnbp.gradient_variance(
        hea, [3], observable=lambda n: observables.local_cost(range(n)), **kwargs
    )
    assert (a.variance > 1e-4).all()
    # exact contractions of the same gates on different registers: rounding
    assert_allclose(a.variance, b.variance, rtol=1e-10)
