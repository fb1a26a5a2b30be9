"""The DQNN model (arXiv:2005.12458): layout, perceptron kinds, validation.

The output state is checked in tests/states/test_dqnn.py, costs and gradients in
tests/gradients/test_dqnn.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz, observables, theory
from tnbp.models import Gate
from tnbp.models.dqnn import Perceptron

# ------------------------------------------------------------------ layout


@pytest.mark.parametrize("widths", [(1, 1), (3, 3, 3), (4, 2), (2, 5, 3, 1)])
def test_layers_partition_the_register(widths):
    net = tnbp.DQNN(widths, "global", seed=0, perceptron_opts={"layers": 1})
    assert net.widths == widths and net.n == sum(widths)
    assert [len(layer) for layer in net.layers] == list(widths)
    assert sorted(q for layer in net.layers for q in layer) == list(range(net.n))
    assert net.input_qubits == net.layers[0]
    assert net.output_qubits == net.layers[-1]
    for layer in net.layers:  # j order is label order
        assert list(layer) == sorted(layer)
    part = net.partition
    assert part.visible == net.output_qubits and part.n == net.n


def test_equal_widths_interleave_the_layers():
    """q^0_0, q^1_0, q^2_0, q^0_1, ...: a toy perceptron's SWAP is nearest-neighbour."""
    net = tnbp.DQNN((4, 4, 4), "toy", seed=0)
    assert net.layers == ((0, 3, 6, 9), (1, 4, 7, 10), (2, 5, 8, 11))
    for g in net.circuit.gates:
        if g.label == "SWAP":
            assert abs(g.qubits[0] - g.qubits[1]) == 1


def test_unequal_widths_sort_by_relative_position():
    net = tnbp.DQNN((3, 1), "global", seed=0, perceptron_opts={"layers": 1})
    # relative positions 1/6, 1/2, 5/6 (input) and 1/2 (output; after the input's tie)
    assert net.layers == ((0, 1, 3), (2,))


# --------------------------------------------------------------- perceptrons


def test_toy_perceptrons_are_swap_then_ry():
    net = tnbp.DQNN((3, 3, 3), "toy", seed=4)
    assert [p.label for p in net.perceptrons] == ["toy"] * 6
    for p in net.perceptrons:
        g_swap, g_ry = (net.circuit.gates[k] for k in p.gates)
        (i,), (o,) = p.inputs, p.outputs
        assert g_swap.label == "SWAP" and set(g_swap.qubits) == {i, o}
        assert g_ry.pauli == "Y" and g_ry.qubits == (o,) and g_ry.trainable
    assert net.num_parameters == 6
    assert np.all((net.parameters >= 0) & (net.parameters < 2 * np.pi))


def test_perceptrons_follow_eq_1_order_and_cover_the_circuit():
    net = tnbp.DQNN((3, 2, 3), "global", seed=1, perceptron_opts={"layers": 3})
    assert [(p.layer, p.index) for p in net.perceptrons] == [
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
        (2, 2),
    ]
    gates = [k for p in net.perceptrons for k in p.gates]
    params = [k for p in net.perceptrons for k in p.parameters]
    assert gates == list(range(len(net.circuit)))
    assert params == list(range(net.num_parameters))
    for p in net.perceptrons:
        assert isinstance(p, Perceptron)
        allowed = set(net.layers[p.layer - 1]) | set(p.outputs)
        for k in p.gates:
            assert set(net.circuit.gates[k].qubits) <= allowed


@pytest.mark.parametrize("layers", [1, 2, 3, 4])
@pytest.mark.parametrize("n", [2, 3, 6, 7])
def test_local_perceptrons_follow_the_caption(n, layers):
    """Fig. 3b: paper-odd l and paper-odd j (our even j) get V1, and so do even l
    with even j (our odd j); V2 elsewhere and at the last qubit; V1 first."""
    net = tnbp.DQNN((n,) * (layers + 1), "local", seed=0)
    for l in range(1, layers + 1):
        ps = [p for p in net.perceptrons if p.layer == l]
        paper_j = [p.index + 1 for p in ps]
        v1 = [p.label == "V1" for p in ps]
        for pj, is_v1, p in zip(paper_j, v1, ps):
            expected = (pj % 2 == l % 2) and p.index + 1 < n
            assert is_v1 == expected, (l, pj)
        # every V1 acts before every V2 of its layer
        assert v1 == sorted(v1, reverse=True)
        assert sorted(paper_j) == list(range(1, n + 1))
        for p in ps:
            labels = [net.circuit.gates[k].label for k in p.gates]
            assert labels == (
                ["HAAR", "RY", "RY", "SWAP"] if p.label == "V1" else ["SWAP"]
            )


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_two_local_layers_are_one_alternating_layered_layer(n):
    """The Fig. 3b mapping, gate for gate: same blocks, same order, same angles."""
    L = 2
    net = tnbp.DQNN((n,) * (2 * L + 1), "local", seed=7)
    hea = ansatz.alternating_layered(n, L, seed=7)
    blocks = [g for g in net.circuit.gates if g.label != "SWAP"]
    assert len(blocks) == len(hea.gates)
    assert_allclose(net.parameters, hea.parameters, rtol=0, atol=0)
    for a, b in zip(blocks, hea.gates):
        if b.label == "HAAR":
            assert_allclose(a.matrix, b.matrix, rtol=0, atol=0)


@pytest.mark.parametrize("n, L", [(3, 2), (4, 1)])
def test_local_dqnn_output_is_the_alternating_layered_state(n, L):
    """The same circuit: rho_out equals the HEA's pure state, to rounding."""
    net = tnbp.DQNN((n,) * (2 * L + 1), "local", seed=3)
    hea = ansatz.alternating_layered(n, L, seed=3)
    psi = tnbp.simulate(hea, backend="dense").statevector.reshape(-1)
    rho = tnbp.dqnn_output_state(net, method="dense")
    # both are exact dense evolutions of the same gates: rounding only
    assert_allclose(rho, np.outer(psi, psi.conj()), rtol=0, atol=1e-12)


def test_paper_order_in_even_layers_breaks_the_mapping():
    """With the caption's "odd j, then even j" also in even layers, a V2 empties the
    second input of a V1 before its block acts: no longer the layered ansatz."""
    n, L = 4, 1
    net = tnbp.DQNN((n,) * (2 * L + 1), "local", seed=3)
    hea = ansatz.alternating_layered(n, L, seed=3)
    literal = tnbp.Circuit(net.n)
    for l in (1, 2):
        ps = [p for p in net.perceptrons if p.layer == l]
        if l % 2 == 0:  # paper-odd j (our even j) first
            ps = sorted(ps, key=lambda p: (p.index % 2, p.index))
        for p in ps:
            for k in p.gates:
                g = net.circuit.gates[k]
                if g.is_rotation:
                    literal.pauli_rotation(g.theta, g.pauli, g.qubits)
                else:
                    literal.apply(g.matrix, *g.qubits)
    rho = tnbp.simulate(literal, backend="dense").reduced_density_matrix(
        net.output_qubits
    )
    psi = tnbp.simulate(hea, backend="dense").statevector.reshape(-1)
    assert np.abs(rho - np.outer(psi, psi.conj())).max() > 0.05


@pytest.mark.parametrize("n, L", [(3, 2), (4, 1)])
def test_local_dqnn_has_the_alternating_layered_exact_variances(n, L):
    """Fig. 3b: the DQNN ensemble is the layered-ansatz ensemble (acceptance: 1e-10)."""
    for seed in range(2):
        net = tnbp.DQNN((n,) * (2 * L + 1), "local", seed=seed)
        hea = ansatz.alternating_layered(n, L, seed=seed)
        for kind, cost in (
            ("global", observables.global_cost),
            ("local", observables.local_cost),
        ):
            a = tnbp.exact_gradient_variance(net.circuit, net.cost(kind)).variance
            b = tnbp.exact_gradient_variance(hea, cost(range(n))).variance
            assert a.min() > 1e-6  # not a 0 == 0 comparison
            # two exact doubled-MPS contractions of the same circuit: rounding
            assert_allclose(a, b, rtol=1e-10, atol=0)


def test_global_perceptron_depth():
    """Default: 4 (n_{l-1} + 1) brick half-layers of blocks on all inputs and the output."""
    net = tnbp.DQNN((3, 2), "global", seed=0)
    N = 4
    per = [sum(1 for a in range(d % 2, N - 1, 2)) for d in range(4 * N)]
    for p in net.perceptrons:
        labels = [net.circuit.gates[k].label for k in p.gates]
        assert labels.count("HAAR") == sum(per)
        assert len(p.parameters) == 2 * sum(per)
        assert p.inputs == net.input_qubits
    shallow = tnbp.DQNN((3, 2), "global", seed=0, perceptron_opts={"layers": 2})
    assert shallow.num_parameters == 2 * 2 * (2 + 1)


# --------------------------------------------- global perceptrons as 2-designs


def _brickwork_purity(N: int, depth: int, prefix: int) -> float:
    """Exact mean purity of qubits 0..prefix-1 after a Haar brickwork on |0...0>.

    Each Haar two-qubit gate twirls rho (x) rho onto span{I, S} on its pair
    (Weingarten, d = 4); per qubit the doubled operator is the initial
    |00><00|, I or S, so the average is a sum over 3^N configurations.
    """
    tr = {"Z": 1, "I": 4, "S": 2}  # Tr X on one qubit's two copies
    trs = {"Z": 1, "I": 2, "S": 4}  # Tr X S
    state = {("Z",) * N: 1.0}
    for d in range(depth):
        for a in range(d % 2, N - 1, 2):
            new = {}
            for cfg, c in state.items():
                t, ts = tr[cfg[a]] * tr[cfg[a + 1]], trs[cfg[a]] * trs[cfg[a + 1]]
                for lab, w in (("I", (t - ts / 4) / 15), ("S", (ts - t / 4) / 15)):
                    key = cfg[:a] + (lab, lab) + cfg[a + 2 :]
                    new[key] = new.get(key, 0.0) + c * w
            state = new
    return sum(
        c * np.prod([(trs if q < prefix else tr)[x] for q, x in enumerate(cfg)])
        for cfg, c in state.items()
    )


@pytest.mark.parametrize("N", [3, 4, 5, 6, 7])
def test_default_global_depth_is_a_2_design_to_1e_3(N):
    """At D = 4N the mean purity of every prefix is within 1e-3 of Haar (exact average)."""
    for k in range(1, N):
        haar = theory.haar_purity(2**k, 2 ** (N - k))
        dev = abs(_brickwork_purity(N, 4 * N, k) / haar - 1)
        assert dev < 1e-3, (N, k, dev)
    # and the check can fail: a quarter of the depth is far off
    dev = abs(
        _brickwork_purity(N, N, N // 2)
        / theory.haar_purity(2 ** (N // 2), 2 ** (N - N // 2))
        - 1
    )
    assert dev > 1e-2


def _sampled_purities(m: int, layers, samples: int):
    """Purities of the chain prefixes of one global perceptron on m inputs + 1 output."""
    out = []
    for s in range(samples):
        opts = None if layers is None else {"layers": layers}
        net = tnbp.DQNN((m, 1), "global", seed=s, perceptron_opts=opts)
        chain = (*net.input_qubits, *net.output_qubits)
        st = tnbp.simulate(net.circuit, backend="dense")
        out.append([float(tnbp.purity(st, chain[:k])) for k in range(1, m + 1)])
    return np.array(out)


@pytest.mark.parametrize("layers", [2, None])
def test_global_perceptrons_match_the_brickwork_average(layers):
    """The sampled perceptrons are Haar brickworks: their mean prefix purities match
    the exact average within 3 standard errors, at depth 2 and at the default 4N."""
    m, samples = 3, 150
    N = m + 1
    depth = 4 * N if layers is None else layers
    p = _sampled_purities(m, layers, samples)
    mean, se = p.mean(axis=0), p.std(axis=0, ddof=1) / np.sqrt(samples)
    exact = np.array([_brickwork_purity(N, depth, k) for k in range(1, N)])
    assert np.all(np.abs(mean - exact) < 3 * se), (mean, exact, se)
    haar = np.array([theory.haar_purity(2**k, 2 ** (N - k)) for k in range(1, N)])
    if layers is None:
        assert np.all(np.abs(mean - haar) < 3 * se + 1e-3 * haar)
    else:  # two half-layers are no 2-design, and the samples see it
        assert np.any(np.abs(mean - haar) > 5 * se)


# ------------------------------------------------------- user perceptrons


def _random_perceptron(seed: int):
    """A user perceptron: random gates on its inputs and outputs, seeded by (l, j)."""

    def perceptron(l, j, inputs, outputs):
        rng = np.random.default_rng([seed, l, j])
        qubits = list(inputs) + list(outputs)
        gates = []
        for o in outputs:  # every output is touched
            i = qubits[rng.integers(len(inputs))]
            gates.append(
                Gate((i, o), "U", matrix=unitary_group.rvs(4, random_state=rng))
            )
        for _ in range(3):
            a, b = rng.choice(len(qubits), 2, replace=False)
            gates.append(
                Gate(
                    (qubits[a], qubits[b]),
                    "R_XY",
                    pauli="XY",
                    theta=rng.uniform(0, 6),
                    trainable=True,
                )
            )
            gates.append(
                Gate(
                    (qubits[b],),
                    "RZ",
                    pauli="Z",
                    theta=rng.uniform(0, 6),
                    trainable=True,
                )
            )
        return gates

    return perceptron


def test_callable_perceptrons_with_k_outputs():
    net = tnbp.DQNN((2, 4, 2), _random_perceptron(0), outputs=2)
    assert net.kind == "custom"
    assert [(p.layer, p.index, len(p.outputs)) for p in net.perceptrons] == [
        (1, 0, 2),
        (1, 1, 2),
        (2, 0, 2),
    ]
    assert net.perceptrons[1].outputs == net.layers[1][2:]
    assert net.num_parameters == 3 * 6


def test_callable_may_return_a_circuit():
    def perceptron(l, j, inputs, outputs):
        c = tnbp.Circuit(max(inputs + outputs) + 1)
        c.cnot(inputs[0], outputs[0])
        c.ry(0.1 * j, outputs[0])
        return c

    net = tnbp.DQNN((2, 2), perceptron)
    assert [g.label for g in net.circuit.gates] == ["CNOT", "RY", "CNOT", "RY"]
    assert_allclose(net.parameters, [0.0, 0.1])


def test_callable_gates_outside_the_perceptron_are_refused():
    def leaky(l, j, inputs, outputs):
        other = next(q for q in range(10) if q not in inputs + outputs)
        return [Gate((outputs[0], other), "CZ", matrix=np.diag([1, 1, 1, -1]))]

    with pytest.raises(ValueError, match=r"`perceptron`.*outside perceptron V_0\^1"):
        tnbp.DQNN((2, 2), leaky)


@pytest.mark.parametrize(
    "result, error, match",
    [
        (None, TypeError, "`perceptron` must return"),
        ([("ry", 0.1, 0)], TypeError, "`perceptron` returned a tuple"),
        (
            [Gate((0,), "U", matrix=np.ones((2, 2)))],
            ValueError,
            "`perceptron` is not unitary",
        ),
        ([Gate((0,), "R", pauli="Q", theta=0.1)], ValueError, "`perceptron` must be"),
        ([Gate((0,), "R", pauli="Y", theta=np.nan)], ValueError, "non-finite angle"),
    ],
)
def test_callable_bad_returns(result, error, match):
    with pytest.raises(error, match=match):
        tnbp.DQNN((1, 1), lambda l, j, i, o: result)


# ------------------------------------------------------------------ size


@pytest.mark.parametrize(
    "widths, kind, depth",
    [
        ((2, 2), "toy", None),
        ((5, 5, 5), "toy", None),
        ((2, 2), "local", None),
        ((5, 5, 5, 5), "local", None),
        ((6, 6, 6), "local", None),
        ((2, 3, 1), "global", None),
        ((4, 4), "global", 1),
        ((5, 2, 6), "global", 3),
    ],
)
def test_gate_count_before_building_is_exact(widths, kind, depth):
    from tnbp.models.dqnn import _num_gates

    opts = None if depth is None else {"layers": depth}
    net = tnbp.DQNN(widths, kind, seed=0, perceptron_opts=opts)
    assert _num_gates(widths, kind, depth) == len(net.circuit)


def test_building_is_linear():
    # 20,000 toy gates took 4.9 s when each perceptron re-counted every
    # parameter (quadratic); linear building takes ~0.2 s. Compared by the CPU
    # time of two sizes (4x apart: 4x when linear, 16x when quadratic), which a
    # loaded machine leaves alone, unlike a wall-clock bound.
    import time

    def cpu_seconds(width):
        start = time.process_time()
        net = tnbp.DQNN((width, width), "toy", seed=0)
        return time.process_time() - start, net

    small = min(cpu_seconds(2500)[0] for _ in range(3))
    large, net = min((cpu_seconds(10**4) for _ in range(2)), key=lambda r: r[0])
    assert large < 8 * small + 0.05, (small, large)
    assert net.num_parameters == 10**4
    assert [p.parameters for p in net.perceptrons[-2:]] == [
        range(9998, 9999),
        range(9999, 10**4),
    ]


@pytest.mark.parametrize(
    "widths, kind",
    [((10**6, 10**6), "toy"), ((60, 60), "global"), ((10**6, 10**6), "custom")],
)
def test_networks_over_the_gate_limit_are_refused_before_building(widths, kind):
    perceptron = (lambda l, j, i, o: []) if kind == "custom" else kind
    with pytest.raises(ValueError, match="`widths`.*MAX_DQNN_GATES"):
        tnbp.DQNN(widths, perceptron)


def test_callable_over_the_gate_limit_is_stopped_while_building(monkeypatch):
    monkeypatch.setattr("tnbp.models.dqnn.MAX_DQNN_GATES", 5)

    def many(l, j, inputs, outputs):
        return [Gate((outputs[0],), "RY", pauli="Y", theta=0.1)] * 4

    with pytest.raises(ValueError, match=r"`perceptron` built 8 gates by V_1\^1"):
        tnbp.DQNN((2, 2), many)


def test_the_circuit_is_a_copy():
    # Mutating what net.circuit returned made the dense/MPS/cost routes (which
    # read it) disagree with the layerwise/purified/matrix routes (which read
    # the perceptrons).
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    before = net.with_input("+0")
    circ = net.circuit
    circ.ry(1.0, net.output_qubits[0])
    assert len(circ) == 5 and len(net.circuit) == 4 and net.num_parameters == 2
    after = net.with_input("+0")
    assert [g.label for g in after.gates] == [g.label for g in before.gates]
    assert_allclose(after.parameters, before.parameters, rtol=0, atol=0)
    rho = tnbp.dqnn_output_state(net, "+0", method="dense")
    assert_allclose(
        rho, tnbp.dqnn_output_state(net, "+0", method="layerwise"), atol=1e-12
    )  # both exact: rounding only


# ------------------------------------------------------------ bind, inputs


def test_bind_keeps_structure_and_leaves_the_original():
    net = tnbp.DQNN((3, 3, 3), "local", seed=2)
    theta = np.linspace(0, 1, net.num_parameters)
    new = net.bind(theta)
    assert_allclose(new.parameters, theta)
    assert not np.allclose(net.parameters, theta)
    assert new.layers == net.layers and new.perceptrons == net.perceptrons
    fixed = [g.matrix for g in net.circuit.gates if g.matrix is not None]
    assert all(
        a is b
        for a, b in zip(
            fixed, [g.matrix for g in new.circuit.gates if g.matrix is not None]
        )
    )
    with pytest.raises(ValueError, match="`params`"):
        net.bind(theta[:-1])


def test_preparation_kinds():
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    assert len(net.preparation()) == 0 and len(net.preparation("00")) == 0
    kets = np.array([[0.6, 0.8j], [1, 0]])
    prep = net.preparation(kets)
    assert len(prep) == 1 and prep.num_parameters == 0
    st = tnbp.simulate(prep, backend="dense")
    rho = st.reduced_density_matrix((net.input_qubits[0],))
    assert_allclose(rho, np.outer(kets[0], kets[0].conj()), atol=1e-14)
    c = tnbp.Circuit(2)
    c.h(0)
    c.ry(0.3, 1)
    prep = net.preparation(c)
    assert prep.num_parameters == 0 and [g.qubits for g in prep.gates] == [
        (net.input_qubits[0],),
        (net.input_qubits[1],),
    ]
    full = net.with_input("+1")
    assert full.num_parameters == net.num_parameters
    assert_allclose(full.parameters, net.parameters)


@pytest.mark.parametrize(
    "state, error, match",
    [
        ("0", ValueError, "`state` must be a string"),
        ("0x", ValueError, "`state` must be a string"),
        (np.ones((2, 2)), ValueError, "not normalized"),
        (np.ones((3, 2)) / np.sqrt(2), ValueError, r"shape \(2, 2\)"),
        (tnbp.Circuit(3), ValueError, "circuit on 3 qubits"),
        (object(), TypeError, "`state`"),
    ],
)
def test_preparation_bad_input(state, error, match):
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    with pytest.raises(error, match=match):
        net.preparation(state)


def test_cost_observables_on_the_output_layer():
    net = tnbp.DQNN((2, 3), "global", seed=0, perceptron_opts={"layers": 1})
    g = net.cost("global", "+-1")
    loc = net.cost("local")
    assert g.support == tuple(sorted(net.output_qubits)) and g.label == "global_cost"
    assert loc.support == tuple(sorted(net.output_qubits)) and loc.label == "local_cost"
    with pytest.raises(ValueError, match="`kind`"):
        net.cost("middle")
    with pytest.raises(ValueError, match="`target`"):
        net.cost("global", "01")


def test_training_problems():
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    problems = net.training_problems(
        ["01", "+-"], ["00", np.array([[1, 0], [0, 1]])], cost="local"
    )
    assert len(problems) == 2
    for circ, obs in problems:
        assert circ.num_parameters == net.num_parameters and obs.label == "local_cost"


@pytest.mark.parametrize(
    "inputs, targets, error, match",
    [
        (["00"], ["000"], ValueError, r"`targets\[0\]`"),
        (["00", "11"], ["00"], ValueError, "`targets` must have one target per input"),
        (["00"], [np.ones((3, 2)) / np.sqrt(2)], ValueError, r"`targets\[0\]`"),
        ([], [], ValueError, "`inputs` must hold"),
        ("00", ["00"], TypeError, "`inputs` must be a sequence"),
        (["00"], "00", TypeError, "`targets` must be a sequence"),
        (["000"], ["00"], ValueError, r"`inputs\[0\]`"),
        # boolean "kets" ([True, False] looks like |0>) are a type mistake
        (["00"], [np.array([[True, False]] * 2)], TypeError, r"`targets\[0\]`"),
    ],
)
def test_training_problems_bad_input(inputs, targets, error, match):
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    with pytest.raises(error, match=match):
        net.training_problems(inputs, targets)


def test_kets_within_the_normalization_tolerance_are_renormalized():
    # a ket 5e-9 off passed product_state (1e-8) and then failed the unitary
    # check (1e-10) of the preparation gate, naming an internal `U`
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    kets = np.array([[1.0, 0.0], [1.0, 1.0]]) / np.array([[1.0], [np.sqrt(2)]])
    off = kets * (1 + 5e-9)
    ((circ, obs),) = net.training_problems([off], [off])
    ((ref_circ, ref_obs),) = net.training_problems([kets], [kets])
    for a, b in zip(circ.gates[:2], ref_circ.gates[:2]):
        assert_allclose(a.to_matrix(), b.to_matrix(), atol=1e-15)  # rounding
    assert_allclose(
        tnbp.dqnn_output_state(net, off), tnbp.dqnn_output_state(net, kets), atol=1e-14
    )  # both exact, same gates up to rounding


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: tnbp.DQNN({2, 3}), TypeError, "`widths` must be an ordered"),
        (lambda: tnbp.DQNN({2: 1, 3: 1}), TypeError, "`widths` must be an ordered"),
        (
            lambda: tnbp.DQNN((2, 2)).training_problems({"00": 1}, ["00"]),
            TypeError,
            "`inputs` must be a sequence",
        ),
        (
            lambda: tnbp.DQNN((2, 2)).training_problems(["00"], {"00"}),
            TypeError,
            "`targets` must be a sequence",
        ),
        (
            lambda: tnbp.DQNN(
                (1, 1), lambda *a: [Gate((0,), "R", pauli="Y", theta="a")]
            ),
            TypeError,
            r"`perceptron` returned a gate 'R' for perceptron V_0\^1.*angle 'a'",
        ),
        (
            lambda: tnbp.DQNN(
                (1, 1), lambda *a: [Gate((0,), "R", pauli="Y", theta=None)]
            ),
            TypeError,
            "angle None; expected a real number",
        ),
        (
            lambda: tnbp.DQNN((1, 1), lambda *a: [Gate(0, "R", pauli="Y", theta=0.1)]),
            TypeError,
            "qubits are 0; expected a tuple of ints",
        ),
        (
            lambda: tnbp.DQNN(
                (1, 2), lambda *a: [Gate((0,), "U", matrix=np.ones((2, 2)))]
            ),
            ValueError,
            r"`perceptron` is not unitary.*gate 'U' of perceptron V_0\^1",
        ),
    ],
)
def test_errors_name_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (((3, 0, 3),), {}, ValueError, "`widths` must be positive"),
        (((3, -1),), {}, ValueError, "`widths` must be positive"),
        (((3,),), {}, ValueError, "`widths` must list at least two layers"),
        (((),), {}, ValueError, "`widths` must list at least two layers"),
        (("33",), {}, TypeError, "`widths`"),
        ((3,), {}, TypeError, "`widths`"),
        (((3, 2.5),), {}, TypeError, "`widths`"),
        (((3, 2),), {}, ValueError, "`widths` must be equal"),
        (((1, 1), "local"), {}, ValueError, "`widths` must be >= 2"),
        (((2, 2), "convolutional"), {}, ValueError, "`perceptron`"),
        (((2, 2), 3), {}, TypeError, "`perceptron`"),
        (((2, 2),), {"outputs": 2}, ValueError, "`outputs`"),
        (((2, 2),), {"outputs": 0}, ValueError, "`outputs`"),
        (
            ((2, 3), lambda *a: []),
            {"outputs": 2},
            ValueError,
            "`outputs` = 2 must divide",
        ),
        (
            ((2, 2),),
            {"perceptron_opts": {"layers": 3}},
            ValueError,
            "`perceptron_opts`",
        ),
        (
            ((2, 2), "global"),
            {"perceptron_opts": {"layers": 0}},
            ValueError,
            "perceptron_opts",
        ),
        (((2, 2), "global"), {"perceptron_opts": [1]}, TypeError, "`perceptron_opts`"),
        (((2, 2),), {"seed": -1}, ValueError, "`seed`"),
    ],
)
def test_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        tnbp.DQNN(*args, **kwargs)
