"""ContractionProgram and TreeCache on random small networks, against numpy.einsum.

Networks have 1-6 tensors with complex entries, bond dimensions 2-3, multiple
edges between the same pair of tensors, possibly several connected components
(and then scalar tensors), and 0-3 open legs. Every array carries the
program's leading batch axis. A replayed tree does the same arithmetic as
einsum in another order, so results agree to rounding: 1e-12 relative to the
largest entry.
"""

import cotengra as ctg
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tnbp.states.tn import contraction
from tnbp.states.tn.contraction import ContractionProgram, TreeCache, default_cache

RTOL = 1e-12
SETTINGS = dict(deadline=None, derandomize=True, database=None, max_examples=60)


def random_network(seed, num_tensors=5, open_legs=0, connected=True):
    """``(inputs, output, size_dict)`` of a random network without hyperedges."""
    rng = np.random.default_rng(seed)
    inputs = [[] for _ in range(num_tensors)]
    edges = [(int(rng.integers(t)), t) for t in range(1, num_tensors)]  # a tree
    if not connected and edges:
        edges.pop(int(rng.integers(len(edges))))
    if num_tensors > 1:  # extra edges, possibly parallel to tree edges
        for _ in range(int(rng.integers(0, 4))):
            a, b = rng.choice(num_tensors, 2, replace=False)
            edges.append((int(a), int(b)))
    sizes = {}
    for e, (a, b) in enumerate(edges):
        sizes[f"e{e}"] = int(rng.integers(2, 4))
        inputs[a].append(f"e{e}")
        inputs[b].append(f"e{e}")
    output = []
    for o in range(open_legs):
        sizes[f"o{o}"] = int(rng.integers(2, 4))
        inputs[int(rng.integers(num_tensors))].append(f"o{o}")
        output.append(f"o{o}")
    for ix in inputs:
        rng.shuffle(ix)
    rng.shuffle(output)
    return [tuple(ix) for ix in inputs], tuple(output), sizes


def random_arrays(inputs, sizes, rng, batch=1):
    """Complex Gaussian leaves, each ``(batch, *dims)``."""
    out = []
    for ix in inputs:
        shape = (batch, *(sizes[i] for i in ix))
        out.append(rng.normal(size=shape) + 1j * rng.normal(size=shape))
    return out


def build(inputs, output, sizes, optimize="greedy"):
    tree = ctg.array_contract_tree(inputs, output, sizes, optimize=optimize)
    return ContractionProgram(inputs, output, sizes, tree)


def einsum(inputs, output, arrays):
    """The reference: numpy.einsum of one network (no batch axis)."""
    label = {}
    for ix in (*inputs, output):
        for i in ix:
            label.setdefault(i, len(label))
    args = []
    for ix, x in zip(inputs, arrays):
        args += [x, [label[i] for i in ix]]
    return np.einsum(*args, [label[i] for i in output])


def assert_close(got, ref):
    ref = np.asarray(ref)
    assert_allclose(got, ref, rtol=RTOL, atol=RTOL * max(1.0, np.abs(ref).max()))


networks = st.builds(
    random_network,
    seed=st.integers(0, 2**32 - 1),
    num_tensors=st.integers(1, 6),
    open_legs=st.integers(0, 3),
    connected=st.booleans(),
)
closed_networks = st.builds(
    random_network,
    seed=st.integers(0, 2**32 - 1),
    num_tensors=st.integers(1, 6),
    connected=st.booleans(),
)


# ---------------------------------------------------------------- forward


@settings(**SETTINGS)
@given(net=networks, batch=st.integers(1, 3))
def test_forward_matches_einsum(net, batch):
    """Every row of a batch equals the einsum of its own network."""
    inputs, output, sizes = net
    arrays = random_arrays(inputs, sizes, np.random.default_rng(0), batch)
    got, _ = build(inputs, output, sizes).forward(arrays)
    assert got.shape == (batch, *(sizes[i] for i in output))
    for b in range(batch):
        assert_close(got[b], einsum(inputs, output, [x[b] for x in arrays]))


@pytest.mark.parametrize("output", [("o1", "o0", "o2"), ("o2", "o0", "o1")])
def test_output_axes_follow_the_requested_order(output):
    """The result's axes are in the order of ``output``, not the tree's."""
    inputs, _, sizes = random_network(3, num_tensors=4, open_legs=3)
    arrays = random_arrays(inputs, sizes, np.random.default_rng(1))
    got, _ = build(inputs, output, sizes).forward(arrays)
    assert_close(got[0], einsum(inputs, output, [x[0] for x in arrays]))


# ----------------------------------------------------------- environments


@settings(**SETTINGS)
@given(net=closed_networks, batch=st.integers(1, 3))
def test_environments_are_derivatives(net, batch):
    """env[i] = dF/dT_i: the network with T_i removed, and F = sum(env[i] * T_i).

    The network is linear in each T_i, so the einsum of the others with T_i's
    indices left open is the exact derivative (no conjugation anywhere).
    """
    inputs, _, sizes = net
    arrays = random_arrays(inputs, sizes, np.random.default_rng(2), batch)
    prog = build(inputs, (), sizes)
    value, nodes = prog.forward(arrays)
    env = prog.environments(nodes)
    assert len(env) == len(inputs)
    for i, ix in enumerate(inputs):
        assert env[i].shape == arrays[i].shape
        for b in range(batch):
            others = [x[b] for k, x in enumerate(arrays) if k != i]
            rest = [jx for k, jx in enumerate(inputs) if k != i]
            ref = einsum(rest, ix, others) if rest else np.ones(())
            assert_close(env[i][b], ref)
            assert_close(np.sum(env[i][b] * arrays[i][b]), value[b])


def test_environment_is_a_finite_difference_derivative():
    """Directional derivative of F along a random D in T_k, by central differences.

    F is linear in T_k, so the central difference is exact up to rounding
    (~1e-16 / h with h = 1e-3): 1e-10.
    """
    inputs, _, sizes = random_network(11, num_tensors=6)
    rng = np.random.default_rng(3)
    arrays = random_arrays(inputs, sizes, rng)
    prog = build(inputs, (), sizes)
    env = prog.environments(prog.forward(arrays)[1])
    h = 1e-3
    for k in range(len(inputs)):
        D = random_arrays([inputs[k]], sizes, rng)[0]
        plus, minus = list(arrays), list(arrays)
        plus[k], minus[k] = arrays[k] + h * D, arrays[k] - h * D
        fd = (prog.forward(plus)[0] - prog.forward(minus)[0]) / (2 * h)
        assert_allclose(fd, np.sum(env[k] * D), rtol=1e-10)


# ------------------------------------------------------ partial recomputation


@pytest.mark.parametrize("seed", range(6))
def test_reuse_recomputes_only_what_changed(seed):
    """forward(reuse=nodes, changed=ks) after replacing arrays[ks] equals a fresh forward.

    And it does reuse: with ``changed=()`` the old value comes back, so the
    comparison above would fail if ``changed`` were ignored.
    """
    inputs, output, sizes = random_network(seed, num_tensors=6, open_legs=seed % 3)
    rng = np.random.default_rng(seed)
    arrays = random_arrays(inputs, sizes, rng, batch=2)
    prog = build(inputs, output, sizes)
    old, nodes = prog.forward(arrays)
    for ks in [(k,) for k in range(len(inputs))] + [(0, 5), (2, 3, 4)]:
        new = list(arrays)
        for k in ks:
            new[k] = random_arrays([inputs[k]], sizes, rng, batch=2)[0]
        fresh, _ = prog.forward(new)
        assert not np.allclose(fresh, old)
        assert_close(prog.forward(new, reuse=nodes, changed=ks)[0], fresh)
        assert_close(prog.forward(new, reuse=nodes, changed=())[0], old)


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("inputs", "output"),
    [
        ([("a", "b"), ("a",), ("a", "b")], ()),  # on three inputs
        ([("a", "b"), ("a", "b")], ("a",)),  # on two inputs and the output
    ],
)
def test_hyperedges_rejected(inputs, output):
    sizes = {"a": 2, "b": 2}
    tree = ctg.array_contract_tree(inputs, output, sizes, optimize="greedy")
    with pytest.raises(ValueError, match="hyperedge"):
        ContractionProgram(inputs, output, sizes, tree)


@pytest.mark.parametrize(
    "inputs",
    [[("a", "a"), ("b",), ("b",)], [("a", "b"), ("b",)]],
    ids=["trace", "dangling"],
)
def test_unsupported_index_patterns_rejected(inputs):
    """A trace inside one tensor, or an index summed on one tensor, is not replayable."""
    sizes = {"a": 2, "b": 3}
    with pytest.raises(ValueError):
        build(inputs, (), sizes)


@pytest.mark.parametrize("delta", [-1, 1])
def test_wrong_number_of_arrays(delta):
    inputs, output, sizes = random_network(0, num_tensors=4)
    arrays = random_arrays(inputs, sizes, np.random.default_rng(0))
    arrays = arrays[:delta] if delta < 0 else arrays + arrays[:delta]
    with pytest.raises(ValueError, match="`arrays` must hold 4"):
        build(inputs, output, sizes).forward(arrays)


def test_environments_of_open_network_raise():
    inputs, output, sizes = random_network(0, num_tensors=4, open_legs=1)
    prog = build(inputs, output, sizes)
    _, nodes = prog.forward(random_arrays(inputs, sizes, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="closed"):
        prog.environments(nodes)


def test_any_tree_of_the_inputs_gives_the_same_value():
    """The tree only fixes the order: a tree searched for other connectivity still works."""
    inputs, output, sizes = random_network(0, num_tensors=5, open_legs=2)
    arrays = random_arrays(inputs, sizes, np.random.default_rng(0))
    ref = einsum(inputs, output, [x[0] for x in arrays])
    for order in ([(0, 1), (0, 1), (0, 1), (0, 1)], [(3, 4), (1, 2), (0, 2), (0, 1)]):
        tree = ctg.array_contract_tree(inputs, output, sizes, optimize=order)
        got = ContractionProgram(inputs, output, sizes, tree).forward(arrays)[0]
        assert_close(got[0], ref)


def test_tree_must_cover_every_input():
    """A tree of a sub-network must be refused, not replayed into a wrong value."""
    inputs, sizes = [("a",), ("a",), ("b",), ("b",)], {"a": 2, "b": 2}
    tree = ctg.array_contract_tree(inputs[:2], (), sizes, optimize="greedy")
    with pytest.raises(ValueError, match="`tree` contracts 2 tensors"):
        ContractionProgram(inputs, (), sizes, tree)


# -------------------------------------------------------------- TreeCache


def test_tree_cache_searches_once_per_key():
    """The second request for a key is a hit serving the same program; clear() resets."""
    cache = TreeCache()
    net = random_network(5, num_tensors=5)
    first = cache.program("k", *net)
    assert (cache.searches, cache.hits, len(cache)) == (1, 0, 1)
    assert cache.program("k", *net) is first
    assert (cache.searches, cache.hits, len(cache)) == (1, 1, 1)
    cache.program("other", *random_network(6, num_tensors=3))
    assert (cache.searches, cache.hits, len(cache)) == (2, 1, 2)
    cache.clear()
    assert (cache.searches, cache.hits, len(cache)) == (0, 0, 0)
    assert cache.program("k", *net) is not first
    assert cache.searches == 1


@pytest.mark.parametrize(
    "optimize",
    [
        None,
        "greedy",
        "optimal",
        ctg.HyperOptimizer(
            methods=["greedy"], max_repeats=4, optlib="random", parallel=False
        ),
        dict(methods=["greedy"], max_repeats=4, optlib="random", parallel=False),
    ],
    ids=["default", "greedy", "optimal", "hyper", "dict"],
)
def test_tree_cache_optimizers(optimize):
    """Every way of choosing the optimizer gives programs that contract correctly."""
    cache = TreeCache(optimize)
    assert cache.optimize == ("adaptive" if optimize is None else optimize)
    rng = np.random.default_rng(4)
    for seed in range(3):  # one optimizer instance serves several structures
        inputs, output, sizes = random_network(seed, num_tensors=5, open_legs=1)
        arrays = random_arrays(inputs, sizes, rng)
        got = cache.program(seed, inputs, output, sizes).forward(arrays)[0]
        assert_close(got[0], einsum(inputs, output, [x[0] for x in arrays]))
    assert cache.searches == 3


def test_tree_cache_uses_its_optimizer():
    """An explicit path given as ``optimize`` is the tree the program replays."""
    inputs, output, sizes = random_network(7, num_tensors=3)
    for path in ([(0, 1), (0, 1)], [(1, 2), (0, 1)]):
        prog = TreeCache(path).program("k", inputs, output, sizes)
        assert sorted(prog.tree.get_ssa_path()[0]) == sorted(path[0])


def test_adaptive_search_keeps_greedy_trees_of_cheap_networks():
    inputs, output, sizes = random_network(3, num_tensors=6, open_legs=1)
    prog = TreeCache().program("k", inputs, output, sizes)
    greedy = ctg.array_contract_tree(inputs, output, sizes, optimize="greedy")
    assert prog.tree.contraction_cost() <= contraction.WIDE_TREE_COST
    assert prog.tree.get_ssa_path() == greedy.get_ssa_path()


def test_adaptive_search_replaces_expensive_greedy_trees(monkeypatch):
    """Above WIDE_TREE_COST the seeded random-greedy trials run, and their
    cheaper tree contracts to the same value (a Z term's cone in a 3-layer
    ladder, 163 tensors: greedy 2^15.2 multiply-adds, random greedy 2^14.4)."""
    from tnbp import ansatz
    from tnbp.states.tn.lightcone import LightconeNetwork

    net = LightconeNetwork(ansatz.hardware_efficient(16, 3, seed=0), (8,))
    sizes = {i: 2 for ix in net.inputs for i in ix}
    greedy = TreeCache("greedy").program("k", net.inputs, net.output, sizes)
    cost = greedy.tree.contraction_cost()
    monkeypatch.setattr(contraction, "WIDE_TREE_COST", cost / 2)
    first = TreeCache().program("k", net.inputs, net.output, sizes)
    again = TreeCache().program("k", net.inputs, net.output, sizes)
    assert first.tree.contraction_cost() < cost
    assert first.tree.get_ssa_path() == again.tree.get_ssa_path()  # seeded
    arrays = random_arrays(net.inputs, sizes, np.random.default_rng(0), batch=2)
    # unit-normal entries, ~160 pairwise contractions: compare to the value's size
    ref = greedy.forward(arrays)[0]
    assert_allclose(first.forward(arrays)[0], ref, rtol=1e-10)
    assert first.footprint < greedy.footprint  # and it holds less memory


def test_footprint_counts_the_entries_a_forward_pass_holds():
    inputs, output, sizes = random_network(5, num_tensors=5, open_legs=2)
    prog = build(inputs, output, sizes)
    arrays = random_arrays(inputs, sizes, np.random.default_rng(1))
    _, nodes = prog.forward(arrays)
    held = sum(a.size + b.size for a, b in nodes.arranged.values())
    held += sum(x.size for x in nodes[prog.num_inputs :])
    assert prog.footprint == held  # batch 1


def test_default_cache_is_one_process_wide_cache():
    assert isinstance(default_cache(), TreeCache)
    assert default_cache() is default_cache()


# -------------------------------------------------------------------- jax


def test_replay_on_jax_arrays():
    """The same program runs on jax arrays (also under jit) and gives the numpy value."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    inputs, output, sizes = random_network(8, num_tensors=5, open_legs=2)
    arrays = random_arrays(inputs, sizes, np.random.default_rng(5), batch=2)
    prog = build(inputs, output, sizes)
    ref = prog.forward(arrays)[0]
    got = prog.forward([jnp.asarray(x) for x in arrays])[0]
    assert isinstance(got, jax.Array)
    assert_close(np.asarray(got), ref)
    jitted = jax.jit(lambda xs: prog.forward(xs)[0])
    assert_close(np.asarray(jitted([jnp.asarray(x) for x in arrays])), ref)


def test_jax_gradient_equals_environments():
    """jax's holomorphic gradient through the replay is the (conjugation-free) environment."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    inputs, _, sizes = random_network(9, num_tensors=5)
    arrays = random_arrays(inputs, sizes, np.random.default_rng(6))
    prog = build(inputs, (), sizes)
    env = prog.environments(prog.forward(arrays)[1])
    leaves = [jax.numpy.asarray(x) for x in arrays]

    def value(xs):
        return prog.forward(xs)[0][0]

    grads = jax.grad(value, holomorphic=True)(leaves)
    for g, e in zip(grads, env):
        assert_close(np.asarray(g), e)
