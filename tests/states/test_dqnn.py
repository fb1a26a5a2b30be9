"""The DQNN output state (arXiv:2005.12458, eq. 1) by every route, against eq. 1 itself."""

import functools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
import tnbp.states.dqnn as dqnn_states
import tnbp.states.dqnn_purified as dqnn_purified
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
    with pytest.raises(
        ValueError, match="`net`: the output layer has 13 qubits.*MAX_RDM_QUBITS"
    ):
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


# ------------------------------------- the purified-MPS layer-by-layer route


@pytest.mark.parametrize("widths, outputs", CASES)
@pytest.mark.parametrize("input_kind", ["kets", "circuit"])
def test_purified_route_is_eq_1(widths, outputs, input_kind):
    """The purified MPS of two layers against the dense route (equal to eq. 1 to
    1e-12, test above) and the dense layer-by-layer route: exact up to the
    rounding of one SVD per gate, swap and traced qubit."""
    net = tnbp.DQNN(widths, _random_perceptron(7), outputs=outputs)
    state, _ = _input(input_kind, widths[0], np.random.default_rng(7))
    expected = tnbp.dqnn_output_state(net, state, method="dense")
    for cutoff in (0, 1e-12):  # the default drops nothing here either
        rho = tnbp.dqnn_output_state(
            net, state, method="purified", sim_opts={"cutoff": cutoff}
        )
        assert_allclose(rho, expected, rtol=0, atol=1e-10)
    assert_allclose(rho, tnbp.dqnn_output_state(net, state), rtol=0, atol=1e-10)
    st = tnbp.dqnn_purified_state(net, state)
    assert st.trusted and not st.is_pure and st.n == widths[-1]
    # only rounding-level singular values (weight ~1e-33) were dropped, and
    # they are counted: sqrt(1e-33) ~ 3e-17 per cut
    assert st.truncation_distance < 1e-14


def _local_random(seed: int):
    """Short-ranged user perceptrons: Haar gates on (input j, output j) and
    (input j + 1, output j); the discarded layer stays entangled with the next."""

    def perceptron(l, j, inputs, outputs):
        rng = np.random.default_rng([seed, l, j])
        pairs = [(inputs[j], outputs[0])]
        if j + 1 < len(inputs):
            pairs.append((inputs[j + 1], outputs[0]))
        return [
            Gate(q, "U", matrix=unitary_group.rvs(4, random_state=rng)) for q in pairs
        ]

    return perceptron


def _costs(st, net, target, mps):
    """Local and global costs (eqs. 3-4) from the purified state and the pure MPS."""
    out = []
    for kind in ("local", "global"):
        obs = net.cost(kind, target)
        out.append(
            (
                tnbp.expectation_value(st, st.relabel(obs)),
                tnbp.expectation_value(mps, obs),
            )
        )
    return out


@pytest.mark.parametrize("kind", ["local", "toy", "local_random"])
def test_purified_route_at_wide_layers(kind, monkeypatch):
    """Widths (20, 20, 20), 60 qubits: the costs of eqs. 3-4 from the purified
    two-layer MPS equal those of the pure-state MPS over all 60 qubits, and the
    chain never holds more than two adjacent layers' sites (a spy on every gate
    and on every traced qubit)."""
    widths = (20, 20, 20)
    perceptron = _local_random(2) if kind == "local_random" else kind
    net = tnbp.DQNN(widths, perceptron, seed=3)
    rng = np.random.default_rng(4)
    kets = rng.normal(size=(2, 20, 2)) + 1j * rng.normal(size=(2, 20, 2))
    kets /= np.linalg.norm(kets, axis=2, keepdims=True)
    held = []
    chain = dqnn_purified._Chain
    real_apply, real_trace = chain.apply, chain.trace_out

    def spy_apply(self, matrix, qubits):
        held.append(frozenset(self.labels))
        return real_apply(self, matrix, qubits)

    def spy_trace(self, label):
        held.append(frozenset(self.labels))
        return real_trace(self, label)

    monkeypatch.setattr(chain, "apply", spy_apply)
    monkeypatch.setattr(chain, "trace_out", spy_trace)
    st = tnbp.dqnn_purified_state(net, kets[0])
    monkeypatch.undo()
    pairs = [frozenset(a + b) for a, b in zip(net.layers, net.layers[1:])]
    assert len(held) == len(net.with_input(kets[0])) + sum(widths[:-1])
    assert all(any(h <= p for p in pairs) for h in held)
    assert max(map(len, held)) == 40 < net.n
    mps = tnbp.simulate(net.with_input(kets[0]), backend="mps", cutoff=0)
    assert st.trusted and mps.trusted
    for purified, pure in _costs(st, net, kets[1], mps):
        # both exact up to rounding (nothing truncated above 1e-14 of the norm)
        assert abs(purified - pure) < 1e-8
    # the global cost is 1 - F with F down to ~1e-12: compare the fidelity
    # F = <prod_j |psi_j><psi_j|> itself, to 1e-6 relative (rounding of a
    # product of 20 transfer matrices on a state of norm 1 is ~1e-15 absolute)
    proj = [np.outer(k, k.conj()) for k in kets[1]]
    F_p = st.expectation_product(dict(enumerate(proj))).real
    F_m = mps.expectation_product(dict(zip(net.output_qubits, proj))).real
    assert abs(F_p - F_m) <= 1e-6 * F_m + 1e-15


def test_purified_truncation_is_recorded_and_bounded():
    """A bond cap of 2 on fully connected random perceptrons: the record flags
    the truncation, and the trace distance to the exact rho_out is within the
    recorded bound sum_t sqrt(eps_t) (a bound, so it can fail only if a
    truncation went unrecorded)."""
    net = tnbp.DQNN((3, 2, 3), _random_perceptron(1))
    exact = tnbp.dqnn_output_state(net, "+0-", method="dense")
    st = tnbp.dqnn_purified_state(net, "+0-", max_bond=2)
    assert "truncated" in st.caveats and st.record.max_bond == 2
    assert st.record.num_truncations > 0 and st.max_bond_reached <= 2
    rho = st.reduced_density_matrix((0, 1, 2))
    distance = 0.5 * np.abs(np.linalg.eigvalsh(rho - exact)).sum()
    assert 1e-3 < distance <= st.truncation_distance
    with pytest.warns(tnbp.TruncationWarning, match="discarded weight"):
        tnbp.dqnn_output_state(net, "+0-", method="purified", sim_opts={"max_bond": 2})
    with pytest.warns(tnbp.TruncationWarning):  # and every estimate says so
        tnbp.expectation_value(st, st.relabel(net.cost("local")))


def test_purified_bond_dims_are_the_bond_legs_not_the_ancillas():
    # __init__ read the ancilla leg: bond_dims were [1, 1, 1, 1, 1] here
    st = tnbp.dqnn_purified_state(tnbp.DQNN((6, 6, 6), "local", seed=4), "+0-+-+")
    # Schmidt values below 1e-12 of the largest are rounding (RANK_TOL = 1e-14)
    ranks = [int((s > 1e-12 * s[0]).sum()) for s in st.canonical.schmidt]
    assert ranks == [2, 4, 2, 4, 2]
    assert list(st.bond_dims) == ranks
    assert st.record.history.tolist() == [ranks]
    assert st.max_bond_reached >= 4


def test_purified_saturated_bonds_are_flagged_like_the_mps_route():
    net = tnbp.DQNN((8, 8, 8), "local", seed=1)
    st = tnbp.dqnn_purified_state(net, "+-+-+-+-", max_bond=2)
    assert list(st.bond_dims) == [2] * 7 and st.saturated_cuts
    assert st.caveats == ("bond_saturated", "truncated")
    mps = tnbp.simulate(net.with_input("+-+-+-+-"), backend="mps", max_bond=2)
    assert mps.caveats == ("bond_saturated", "truncated")


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda net: tnbp.dqnn_purified_state(net, trust="bogus"),
            TypeError,
            "`trust` must be a tnbp.states.TrustPolicy",
        ),
        (
            lambda net: tnbp.dqnn_output_state(
                net, method="mps", sim_opts={"bogus": 1}
            ),
            TypeError,
            r"`sim_opts` has unknown option\(s\) \['bogus'\] for 'mps'",
        ),
        (
            lambda net: tnbp.dqnn_output_state(net, method="mps", sim_opts=[1]),
            TypeError,
            "`sim_opts` must be a dict",
        ),
        (
            lambda net: tnbp.dqnn_output_state(net, method="dense", sim_opts=[1]),
            TypeError,
            "`sim_opts` must be a dict",
        ),
        (
            lambda net: tnbp.dqnn_output_state(net, method="purified", sim_opts=[1]),
            TypeError,
            "`sim_opts` must be a dict",
        ),
        (
            lambda net: tnbp.dqnn_output_state(tnbp.DQNN((13, 13), "toy")),
            ValueError,
            r"`net`: the output layer has 13 qubits.*MAX_RDM_QUBITS = 12.*"
            r"tnbp.dqnn_purified_state.*net.partition",
        ),
        (
            lambda net: tnbp.dqnn_output_state(
                tnbp.DQNN((20, 1), "global", perceptron_opts={"layers": 1})
            ),
            ValueError,
            r"need a 2\^21 x 2\^20 purification, above MAX_LAYERWISE_ENTRIES = 2\^26",
        ),
    ],
)
def test_output_state_errors_name_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make(tnbp.DQNN((2, 2), "toy", seed=0))


def test_purified_bad_input():
    net = tnbp.DQNN((3, 3), "toy", seed=0)
    with pytest.raises(TypeError, match="`sim_opts` has unknown"):
        tnbp.dqnn_output_state(net, method="purified", sim_opts={"bond": 2})
    with pytest.raises(ValueError, match="`max_bond`"):
        tnbp.dqnn_purified_state(net, max_bond=0)
    with pytest.raises(ValueError, match="`cutoff`"):
        tnbp.dqnn_purified_state(net, cutoff=1.0)
    with pytest.raises(TypeError, match="`net` must be a tnbp.DQNN"):
        tnbp.dqnn_purified_state(net.circuit)
    st = tnbp.dqnn_purified_state(net)
    with pytest.raises(ValueError, match="outside the output layer"):
        st.relabel(tnbp.observables.local_cost(net.input_qubits))
    with pytest.raises(TypeError, match="`observable` must be an Observable"):
        st.relabel([(1.0, "Z", (0,))])


def test_purified_bound_counts_many_tiny_truncations():
    """2000 cuts of weight 1e-14 each move <XY> by 2e-4: the bound must cover it.

    Each XX rotation by 1e-7 makes a Schmidt value 1e-7 (weight 1e-14) that the
    default cutoff drops; the purified route used to skip weights below 1e-14
    in its distance bound and reported 0.0 +- 0.0 for an exact value of -2e-4.
    """
    delta, k = 1e-7, 2000

    def perceptron(l, j, ins, outs):
        c = tnbp.Circuit(max(*ins, *outs) + 1)
        for _ in range(k):
            c.pauli_rotation(delta, "XX", (outs[0], outs[1]))
        return c

    net = tnbp.DQNN((1, 2), perceptron, outputs=2)
    obs = tnbp.models.operators.pauli_sum([(1.0, "XY", net.output_qubits)])
    st = tnbp.dqnn_purified_state(net)
    dense = tnbp.simulate(net.with_input(), backend="dense")
    exact = float(tnbp.expectation_value(dense, obs))
    value = tnbp.expectation_value(st, st.relabel(obs))
    assert abs(exact) > 1e-4  # the rotations add up: sin(2 k delta) ~ 4e-4 / 2
    assert abs(float(value) - exact) <= value.truncation_error
