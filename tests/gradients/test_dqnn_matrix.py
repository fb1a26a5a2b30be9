"""dC/ds of the parameter matrix multiplication (arXiv:2005.12458, eq. 13), by adjoint."""

import numpy as np
import pytest

import tnbp
from tnbp.limits import MAX_DENSE_QUBITS


def _kets(rng, n):
    k = rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))
    return k / np.linalg.norm(k, axis=1, keepdims=True)


def _problem(widths, pairs, seed):
    rng = np.random.default_rng(seed)
    net = tnbp.DQNN(widths, "global", seed=rng)
    inputs = [_kets(rng, widths[0]) for _ in range(pairs)]
    targets = [_kets(rng, widths[-1]) for _ in range(pairs)]
    return net, inputs, targets, tnbp.random_generators(net, seed=rng)


@pytest.mark.parametrize("cost", ["global", "local"])
@pytest.mark.parametrize("widths", [(1, 1), (2, 3, 2), (3, 2)])
def test_derivative_matches_finite_differences(widths, cost):
    net, inputs, targets, gens = _problem(widths, 3, seed=sum(widths))
    d = tnbp.dqnn_matrix_derivative(net, inputs, targets, gens, cost=cost)

    def c(eps):
        return tnbp.dqnn_matrix_cost(
            net, inputs, targets, cost=cost, generators=gens, eps=eps
        )

    h = 1e-3  # 4-point stencil: truncation ~ h^4 C^(5)/30 ~ 1e-13 (C^(5) ~ ||H||^5)
    fd = (8 * (c(h) - c(-h)) - (c(2 * h) - c(-2 * h))) / (12 * h)
    # rounding: ~1e-16 / h ~ 1e-13; 1e-8 leaves room for H of norm up to ~8
    assert d == pytest.approx(fd, abs=1e-8)
    assert abs(d) > 1e-4  # a test that can fail: the derivative is not trivially 0


def test_cost_agrees_with_the_gate_route_and_is_unchanged_at_eps_zero():
    net, inputs, targets, gens = _problem((2, 2, 2), 2, seed=5)
    for cost in ("global", "local"):
        ref = float(tnbp.dqnn_cost(net, inputs, targets, cost=cost))
        # two dense evaluations of the same unitaries (gate by gate vs matrices)
        assert tnbp.dqnn_matrix_cost(net, inputs, targets, cost=cost) == pytest.approx(
            ref, abs=1e-12
        )
        assert tnbp.dqnn_matrix_cost(
            net, inputs, targets, cost=cost, generators=gens, eps=0.0
        ) == pytest.approx(ref, abs=1e-12)


def test_derivative_is_linear_in_the_generators_and_sums_over_perceptrons():
    """dC/ds of all perceptrons at once is the sum of one-at-a-time derivatives."""
    net, inputs, targets, gens = _problem((2, 2), 2, seed=7)
    total = tnbp.dqnn_matrix_derivative(net, inputs, targets, gens)
    zero = [np.zeros_like(h) for h in gens]
    parts = [
        tnbp.dqnn_matrix_derivative(
            net,
            inputs,
            targets,
            [h if i == k else z for i, (h, z) in enumerate(zip(gens, zero))],
        )
        for k in range(len(gens))
    ]
    assert total == pytest.approx(sum(parts), abs=1e-13)  # rounding of a few terms
    # the identity string only adds a phase: dC/ds = 0
    eye = [np.eye(len(h)) for h in gens]
    assert tnbp.dqnn_matrix_derivative(net, inputs, targets, eye) == pytest.approx(
        0.0, abs=1e-14
    )


def test_bad_input_names_the_argument():
    net, inputs, targets, gens = _problem((2, 2), 2, seed=0)
    with pytest.raises(ValueError, match="`targets` must have one target per input"):
        tnbp.dqnn_matrix_derivative(net, inputs, targets[:1], gens)
    with pytest.raises(ValueError, match=r"`targets\[0\]`"):
        tnbp.dqnn_matrix_derivative(net, inputs, [t[:1] for t in targets], gens)
    with pytest.raises(ValueError, match="`generators` must hold one generator per"):
        tnbp.dqnn_matrix_derivative(net, inputs, targets, gens[:1])
    with pytest.raises(ValueError, match=r"`generators\[1\]`.*shape"):
        tnbp.dqnn_matrix_derivative(net, inputs, targets, [gens[0], np.eye(2)])
    with pytest.raises(ValueError, match=r"`generators\[0\]`.*Hermitian"):
        tnbp.dqnn_matrix_derivative(net, inputs, targets, [1j * gens[0], gens[1]])
    with pytest.raises(ValueError, match=r"`generators\[0\]`.*norm bound"):
        tnbp.dqnn_matrix_derivative(net, inputs, targets, [2 * gens[0], gens[1]])
    with pytest.raises(ValueError, match="`unitaries` must hold one unitary per"):
        tnbp.dqnn_matrix_cost(net, inputs, targets, unitaries=[np.eye(8)])
    with pytest.raises(TypeError, match="`net` must be a tnbp.DQNN"):
        tnbp.dqnn_matrix_cost(net.circuit, inputs, targets)
    with pytest.raises(TypeError, match="`eps` must be a real number"):
        tnbp.dqnn_matrix_cost(net, inputs, targets, generators=gens, eps=1j)
    half = MAX_DENSE_QUBITS // 2 + 1
    big = tnbp.DQNN((half, half), "toy")
    with pytest.raises(ValueError, match="`net` has .* qubits; .* MAX_DENSE_QUBITS"):
        tnbp.dqnn_matrix_cost(big, [None], ["0" * half])


@pytest.mark.parametrize(
    "eps, error", [(np.nan, ValueError), (np.inf, ValueError), ("x", TypeError)]
)
def test_eps_is_validated_without_generators(eps, error):
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    with pytest.raises(error, match="`eps`"):
        tnbp.dqnn_matrix_cost(net, ["00"], ["00"], eps=eps)
