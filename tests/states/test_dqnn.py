"""The DQNN output state (arXiv:2005.12458, eq. 1) by every route, against eq. 1 itself."""

import functools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
import tnbp.states.dqnn as dqnn_states
from tnbp.models import Gate


def _random_perceptron(seed: int):
    """Random gates on a perceptron's inputs and outputs, seeded by (l, j) and
    chosen by position, so any labelling of the qubits gets the same unitary."""

    def perceptron(l, j, inputs, outputs):
        rng = np.random.default_rng([seed, l, j])
        qubits = list(inputs) + list(outputs)
        gates = []
        for o in outputs:
            i = inputs[rng.integers(len(inputs))]
            U = unitary_group.rvs(4, random_state=rng)
            gates.append(Gate((i, o), "U", matrix=U))
        for _ in range(3):
            a, b = rng.choice(len(qubits), 2, replace=False)
            gates.append(
                Gate((qubits[a], qubits[b]), "R", pauli="XY", theta=rng.uniform(0, 6))
            )
            V = unitary_group.rvs(2, random_state=rng)
            gates.append(Gate((qubits[a],), "V", matrix=V))
        return gates

    return perceptron


# ------------------------------------------------ eq. 1, written out with numpy


def _operator(U, qubits, n):
    """``U`` on ``qubits`` of ``n`` as a full 2^n x 2^n matrix (einsum on a tensor)."""
    k = len(qubits)
    full = np.eye(2**n, dtype=complex).reshape((2,) * (2 * n))
    Ut = U.reshape((2,) * (2 * k))
    rows = list(range(2 * n))
    new = list(range(2 * n, 2 * n + k))
    out = rows.copy()
    for m, q in enumerate(qubits):
        out[q] = new[m]
    full = np.einsum(Ut, new + list(qubits), full, rows, out)
    return full.reshape(2**n, 2**n)


def _eq1(widths, perceptron, outputs, psi_in):
    r"""rho_out = Tr_{in,hid}[V (|phi_in><phi_in| (x) |0><0|) V^dag], layer-major labels."""
    offsets = np.cumsum((0,) + tuple(widths))
    labels = [tuple(range(offsets[l], offsets[l + 1])) for l in range(len(widths))]
    n = int(offsets[-1])
    V = np.eye(2**n, dtype=complex)
    for l in range(1, len(widths)):
        for j in range(widths[l] // outputs):
            outs = labels[l][j * outputs : (j + 1) * outputs]
            for g in perceptron(l, j, labels[l - 1], outs):
                V = _operator(g.to_matrix(), g.qubits, n) @ V
    zeros = np.zeros(2 ** (n - widths[0]))
    zeros[0] = 1
    psi = V @ np.kron(psi_in, zeros)
    rho = np.outer(psi, psi.conj()).reshape((2,) * (2 * n))
    n_out = widths[-1]
    traced = list(range(n - n_out))
    idx = list(range(2 * n))
    for q in traced:
        idx[n + q] = idx[q]
    out = list(range(n - n_out, n)) + list(range(2 * n - n_out, 2 * n))
    return np.einsum(rho, idx, out).reshape(2**n_out, 2**n_out)


def _input(kind: str, n_in: int, rng):
    """An input state for the API and its statevector for eq. 1."""
    if kind == "kets":
        kets = rng.normal(size=(n_in, 2)) + 1j * rng.normal(size=(n_in, 2))
        kets /= np.linalg.norm(kets, axis=1, keepdims=True)
        return kets, functools.reduce(np.kron, kets)
    c = tnbp.Circuit(n_in)  # an entangled input
    c.h(0)
    for q in range(1, n_in):
        c.cnot(q - 1, q)
        c.ry(rng.uniform(0, 6), q)
    psi = np.zeros(2**n_in, dtype=complex)
    psi[0] = 1
    for g in c.gates:
        psi = _operator(g.to_matrix(), g.qubits, n_in) @ psi
    return c, psi


CASES = [  # (widths, outputs): at most 8 qubits in all
    ((2, 2), 1),
    ((2, 3, 2), 1),
    ((3, 2, 3), 1),
    ((2, 4, 2), 2),
    ((1, 2, 1, 2), 1),
    ((3, 1, 1, 3), 1),
]


@pytest.mark.parametrize("widths, outputs", CASES)
@pytest.mark.parametrize("input_kind", ["kets", "circuit"])
@pytest.mark.parametrize("seed", [0, 1])
def test_every_route_is_eq_1(widths, outputs, input_kind, seed):
    perceptron = _random_perceptron(seed)
    net = tnbp.DQNN(widths, perceptron, outputs=outputs)
    state, psi_in = _input(input_kind, widths[0], np.random.default_rng(seed))
    expected = _eq1(widths, perceptron, outputs, psi_in)
    # dense: one exact statevector run vs eq. 1's full matrices; rounding only
    dense = tnbp.dqnn_output_state(net, state, method="dense")
    assert_allclose(dense, expected, rtol=0, atol=1e-12)
    # mps without truncation, the tn lightcone and the layer-by-layer route are
    # exact up to rounding of a few hundred gates and one SVD per layer
    routes = {
        "mps": tnbp.dqnn_output_state(net, state, method="mps", sim_opts={"cutoff": 0}),
        "tn": tnbp.dqnn_output_state(net, state, method="tn"),
        "layerwise": tnbp.dqnn_output_state(net, state),
    }
    for name, rho in routes.items():
        assert_allclose(rho, dense, rtol=0, atol=1e-10, err_msg=name)
    assert abs(np.trace(dense) - 1) < 1e-12
    assert np.linalg.eigvalsh(expected).min() > -1e-12
    if sum(widths) - widths[-1] > widths[-1]:  # a mixed output: not a trivial check
        assert np.trace(expected @ expected).real < 1 - 1e-3


def test_default_mps_route_agrees():
    """With the default cutoff (1e-12 discarded weight per truncation)."""
    net = tnbp.DQNN((3, 2, 3), _random_perceptron(5))
    dense = tnbp.dqnn_output_state(net, "+0-", method="dense")
    assert_allclose(tnbp.dqnn_output_state(net, "+0-", method="mps"), dense, atol=1e-10)


def test_layerwise_holds_two_layers_at_a_time(monkeypatch):
    """Three layers of width 6 (18 qubits): every array the layer-by-layer route
    evolves has the qubits of two adjacent layers (12) and a rank <= 2^6."""
    shapes = []
    real = dqnn_states.apply_matrix

    def spy(psi, G, qubits):
        shapes.append(psi.shape)
        return real(psi, G, qubits)

    monkeypatch.setattr(dqnn_states, "apply_matrix", spy)
    net = tnbp.DQNN((6, 6, 6), _random_perceptron(3))
    kets = np.tile([np.cos(0.3), np.sin(0.3)], (6, 1))
    rho = tnbp.dqnn_output_state(net, kets)
    evolved = [s for s in shapes if len(s) > 7]  # the perceptron layers (not the input)
    assert len(evolved) == len(net.circuit)
    assert max(len(s) - 1 for s in shapes) == 12 < net.n
    assert max(s[-1] for s in shapes) <= 2**6
    assert all(s[:-1] == (2,) * 12 for s in evolved)
    monkeypatch.undo()
    # the 18-qubit statevector (0.4 s; the MPS route needs chi = 2^9 here, 10 s)
    ref = tnbp.dqnn_output_state(net, kets, method="dense")
    assert_allclose(rho, ref, rtol=0, atol=1e-10)


def test_toy_output_is_the_rotated_input():
    """Fig. 3a: output qubit j is R_Y(sum_l theta_j^l) |psi_j>, a product state."""
    net = tnbp.DQNN((3, 3, 3), "toy", seed=11)
    rng = np.random.default_rng(0)
    kets = rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))
    kets /= np.linalg.norm(kets, axis=1, keepdims=True)
    theta = np.zeros(3)
    for p in net.perceptrons:
        theta[p.index] += net.parameters[p.parameters[0]]
    out = []
    for t, k in zip(theta, kets):
        ry = np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]])
        out.append(ry @ k)
    psi = functools.reduce(np.kron, out)
    for method in ("layerwise", "dense", "mps", "tn"):
        rho = tnbp.dqnn_output_state(net, kets, method=method)
        assert_allclose(rho, np.outer(psi, psi.conj()), atol=1e-12, err_msg=method)


def test_mps_truncation_is_warned():
    net = tnbp.DQNN((3, 3), "global", seed=0)
    with pytest.warns(tnbp.TruncationWarning):
        tnbp.dqnn_output_state(net, method="mps", sim_opts={"max_bond": 2})


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (("net",), {}, TypeError, "`net` must be a tnbp.DQNN"),
        ((None,), {"method": "exact"}, ValueError, "`method`"),
        ((None,), {"sim_opts": {"max_bond": 4}}, ValueError, "`sim_opts` is for"),
        (
            (None,),
            {"method": "mps", "sim_opts": {"max_bond": 0}},
            ValueError,
            "max_bond",
        ),
        ((None,), {"method": "mps", "sim_opts": {"bond": 4}}, TypeError, "bond"),
        (("01",), {}, ValueError, "`state`"),
    ],
)
def test_bad_input(args, kwargs, error, match):
    net = tnbp.DQNN((3, 3), "toy", seed=0)
    if args == ("net",):
        args = (tnbp.Circuit(2),)
    else:
        args = (net, *args)
    with pytest.raises(error, match=match):
        tnbp.dqnn_output_state(*args, **kwargs)


def test_size_limits():
    with pytest.raises(ValueError, match="reduced density matrices are limited"):
        tnbp.dqnn_output_state(tnbp.DQNN((13, 13), "toy", seed=0))
    with pytest.raises(ValueError, match="MAX_LAYERWISE_ENTRIES"):
        tnbp.dqnn_output_state(
            tnbp.DQNN((12, 4), "global", seed=0, perceptron_opts={"layers": 1})
        )
    with pytest.raises(ValueError, match="dense"):
        tnbp.dqnn_output_state(
            tnbp.DQNN((12, 12, 4), "global", seed=0, perceptron_opts={"layers": 1}),
            method="dense",
        )
