"""The tn backend (exact lightcone contraction) against exact references.

References: the dense statevector at n = 10 for every ansatz family, and the
free-fermion covariance matrix (:mod:`tnbp.free_fermion`) at n = 40. Neither
side truncates anything: both apply the same unitaries exactly and differ only
by floating-point rounding (~1e-15 per operation over a few hundred gates), so
agreement to 1e-10 is a strict test with a wide margin for rounding. Entropies
are as tight: an eigenvalue error of 1e-15 moves -p log p by < 1e-13.
"""

import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz, free_fermion, observables
from tnbp.models.gates import CNOT, SWAP, H
from tnbp.states import TNState
from tnbp.states.tn.contraction import TreeCache

ATOL = 1e-10
N = 10
INITIAL = "0110100101"
PAULIS = [
    ("Z", (0,)),
    ("ZZ", (3, 4)),
    ("XY", (1, 9)),  # distant pair
    ("ZXY", (7, 0, 2)),  # three qubits, unsorted, non-contiguous
    ("YIX", (5, 6, 9)),  # identity letter
    ("XZY", (9, 4, 1)),
]
SUBSYSTEMS = [
    (0,),
    (9,),
    (2, 3),
    (0, 2, 5),
    (5, 1, 3),
    (9, 0),
    (1, 4, 6, 8),
    (8, 3, 0, 6),
]


@pytest.fixture(scope="module")
def pairs():
    """(dense, tn) states of every ansatz at n = 10 from a non-trivial bitstring."""
    out = {}
    for name, build in ANSATZ_BUILDERS.items():
        circ = build(N, 7)
        out[name] = (
            tnbp.simulate(circ, backend="dense", initial=INITIAL),
            tnbp.simulate(circ, backend="tn", initial=INITIAL),
        )
    return out


# ------------------------------------------------------------ tn vs dense


def test_simulate_returns_a_tn_state(pairs):
    """``simulate(backend="tn")`` gives a TNState that keeps the circuit and bits."""
    _, st = pairs["hea_ladder"]
    assert isinstance(st, TNState) and st.n == N and st.initial == INITIAL


@pytest.mark.parametrize(("pauli", "qubits"), PAULIS)
def test_pauli_expectations_agree(pairs, ansatz_name, pauli, qubits):
    """<P> for 1-3 qubit strings, contiguous or not, in any qubit order."""
    dense, st = pairs[ansatz_name]
    assert_allclose(
        tnbp.expectation(st, pauli, qubits),
        tnbp.expectation(dense, pauli, qubits),
        atol=ATOL,
    )


@pytest.mark.parametrize(
    "observable",
    [
        observables.global_cost(range(N), "+-01+-01+-"),
        observables.global_cost((2, 5, 7), "1+0"),
        observables.local_cost(range(N), "01+-01+-01"),
        observables.pauli_sum(
            [(1.0, "ZZ", (3, 4)), (-0.4, "XZY", (9, 4, 1)), (0.5, "II", (0, 1))]
        ),
    ],
    ids=["global", "global_subset", "local", "pauli_sum"],
)
def test_cost_values_agree(pairs, ansatz_name, observable):
    """expectation_value of global and local costs (projector products) and Pauli sums."""
    dense, st = pairs[ansatz_name]
    value = tnbp.expectation_value(st, observable)
    assert_allclose(value, tnbp.expectation_value(dense, observable), atol=ATOL)
    assert value.trusted and value.truncation_error == 0


@pytest.mark.parametrize("qubits", SUBSYSTEMS)
def test_subsystem_quantities_agree(pairs, ansatz_name, qubits):
    """Reduced density matrices (qubit order matters) and what follows from them.

    The dense purities of these sets are all < 0.97 (checked), so the states
    are entangled across them and the comparison is not between trivial values.
    """
    dense, st = pairs[ansatz_name]
    assert_allclose(
        st.reduced_density_matrix(qubits),
        dense.reduced_density_matrix(qubits),
        atol=ATOL,
    )
    assert tnbp.purity(dense, qubits) < 0.97
    for fn in (
        tnbp.subsystem_entropy,
        tnbp.purity,
        tnbp.trace_distance_to_maximally_mixed,
    ):
        assert_allclose(
            fn(st, qubits), fn(dense, qubits), atol=ATOL, err_msg=fn.__name__
        )
    assert_allclose(
        tnbp.subsystem_entropy(st, qubits, alpha=2),
        tnbp.subsystem_entropy(dense, qubits, alpha=2),
        atol=ATOL,
    )


def test_large_subsystem_uses_its_complement(pairs, ansatz_name):
    """A 7-qubit scattered set: the entropy comes from its 3-qubit complement."""
    dense, st = pairs[ansatz_name]
    qubits = (0, 1, 3, 4, 6, 7, 9)
    assert_allclose(
        tnbp.subsystem_entropy(st, qubits),
        tnbp.subsystem_entropy(dense, qubits),
        atol=ATOL,
    )


@pytest.mark.parametrize("alpha", [1, 2, np.inf])
def test_cut_entropies_agree(pairs, ansatz_name, alpha):
    """entropy(st, cut) of prefixes (small cuts) and suffixes (large cuts), and the profile."""
    dense, st = pairs[ansatz_name]
    for cut in (1, 2, 3, 7, 8, 9):
        assert_allclose(
            tnbp.entropy(st, cut, alpha), tnbp.entropy(dense, cut, alpha), atol=ATOL
        )
    assert_allclose(
        tnbp.entropy_profile(st, alpha), tnbp.entropy_profile(dense, alpha), atol=ATOL
    )


# ------------------------------------------------------- n = 40 free fermions


@pytest.fixture(scope="module")
def fermions():
    """A depth-5 matchgate brickwork at n = 40 from the Neel state: (tn state, Gamma)."""
    n, initial = 40, "01" * 20
    circ = ansatz.free_fermion_brickwork(n, 5, seed=1)
    st = tnbp.simulate(circ, backend="tn", initial=initial)
    return st, free_fermion.covariance_matrix(circ, initial)


def test_free_fermion_correlations_at_n40(fermions):
    """<Z_i Z_{i+1}> and <Z_i> in the bulk against Wick's theorem (1e-8).

    The references are themselves exact up to rounding (O(n) rotations of a
    covariance matrix), so 1e-8 only leaves room for rounding on both sides.
    """
    st, gamma = fermions
    ref = [free_fermion.zz_expectation(gamma, i, i + 1) for i in range(12, 28)]
    got = [tnbp.expectation(st, "ZZ", (i, i + 1)) for i in range(12, 28)]
    assert np.ptp(ref) > 0.3  # non-trivial, site-dependent values
    assert_allclose(got, ref, atol=1e-8)
    for i in (0, 19, 39):
        assert_allclose(
            tnbp.expectation(st, "Z", i),
            free_fermion.z_expectation(gamma, i),
            atol=1e-8,
        )


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_free_fermion_block_entropies_at_n40(fermions, length):
    """Entropies and purities of blocks of 1-4 qubits in the middle (both parities)."""
    st, gamma = fermions
    for start in (18, 19):
        block = tuple(range(start, start + length))
        stop = start + length
        s = free_fermion.block_entropy(gamma, start, stop)
        assert s > 0.1
        assert_allclose(tnbp.subsystem_entropy(st, block), s, atol=1e-8)
        assert_allclose(
            tnbp.purity(st, block),
            free_fermion.block_purity(gamma, start, stop),
            atol=1e-8,
        )


def test_free_fermion_edge_cuts_at_n40(fermions):
    """entropy(st, cut) for small prefixes and suffixes (cut_spectrum at large n)."""
    st, gamma = fermions
    for cut in (1, 2, 3, 4):
        assert_allclose(
            tnbp.entropy(st, cut), free_fermion.block_entropy(gamma, 0, cut), atol=1e-8
        )
        assert_allclose(
            tnbp.entropy(st, 40 - cut),
            free_fermion.block_entropy(gamma, 40 - cut, 40),
            atol=1e-8,
        )


# ------------------------------------------------------------------ record


def test_record_is_exact(pairs):
    """No truncation, so no caveats, unit fidelity and zero error bars."""
    _, st = pairs["haar_brickwork"]
    rec = st.record
    assert st.trusted and st.caveats == ()
    assert rec.discarded_weight == 0 and rec.fidelity_estimate == 1
    assert rec.num_truncations == 0 and rec.max_bond is None
    assert st.truncation_distance == 0
    assert len(st.bond_dims) == N - 1
    e = tnbp.entropy(st, 3)
    assert e.trusted and e.truncation_error == 0


def _circuit(n, *gates):
    circ = tnbp.Circuit(n)
    for U, qubits in gates:
        if isinstance(U, str):
            circ.pauli_rotation(0.7, U, qubits)
        else:
            circ.apply(U, *qubits)
    return circ


HAAR = unitary_group.rvs(4, random_state=1)


@pytest.mark.parametrize(
    ("circ", "bonds"),
    [
        (_circuit(4), [1, 1, 1]),
        (_circuit(4, (CNOT, (1, 2))), [1, 2, 1]),  # one CNOT across the middle
        (_circuit(4, (HAAR, (1, 2))), [1, 4, 1]),  # generic gate: operator rank 4
        (_circuit(4, (HAAR, (0, 1))), [2, 1, 1]),  # capped by 2^min(k, n-k)
        (_circuit(4, (np.kron(H, H), (1, 2))), [1, 1, 1]),  # product gate
        (_circuit(4, ("XY", (2, 1))), [1, 2, 1]),  # two-qubit rotation, reversed
        # two gates on one cut: their ranks multiply, 2 * 2
        (_circuit(6, (CNOT, (2, 3)), (CNOT, (3, 2))), [1, 1, 4, 1, 1]),
        # a distant gate crosses every cut between its qubits
        (
            _circuit(5, (HAAR, (0, 3)), ("XY", (4, 1)), (CNOT, (2, 3)), (SWAP, (3, 4))),
            [2, 4, 4, 2],
        ),
    ],
    ids=[
        "empty",
        "cnot",
        "haar",
        "capped",
        "product",
        "rotation",
        "multiply",
        "distant",
    ],
)
def test_record_bonds_are_schmidt_rank_bounds(circ, bonds):
    """bond_dims = min(prod of operator Schmidt ranks crossing the cut, 2^min(k, n-k))."""
    st = tnbp.simulate(circ, backend="tn")
    assert st.bond_dims == bonds
    assert st.max_bond_reached == max(bonds)


def _schmidt_ranks(dense):
    psi, n = dense.statevector, dense.n
    return [
        int(np.sum(np.linalg.svd(psi.reshape(2**k, -1), compute_uv=False) > 1e-10))
        for k in range(1, n)
    ]


def test_dense_schmidt_ranks_within_tn_bounds(ansatz_name):
    """Exact Schmidt ranks of shallow random circuits never exceed the recorded bounds."""
    for num_gates in (6, 20, None):  # prefixes of the circuit, then all of it
        circ = ANSATZ_BUILDERS[ansatz_name](8, 3)
        circ = circ.subcircuit(range(len(circ))[:num_gates])
        dense = tnbp.simulate(circ, backend="dense", initial="01100101")
        st = tnbp.simulate(circ, backend="tn", initial="01100101")
        assert all(r <= b for r, b in zip(_schmidt_ranks(dense), st.bond_dims))


def test_bounds_are_attained_by_generic_gates():
    """Depth-4 Haar brickwork at n = 8: the bounds are the exact Schmidt ranks.

    (A gate acting first on a product state cannot reach its bound of 4, so
    shallower brickworks sit below it on some cuts; at depth 4 none does.)
    """
    circ = ansatz.haar_brickwork(8, 4, seed=5)
    ranks = _schmidt_ranks(tnbp.simulate(circ, backend="dense"))
    st = tnbp.simulate(circ, backend="tn")
    assert st.bond_dims == [2, 4, 8, 16, 8, 4, 2]
    assert ranks == st.bond_dims


# -------------------------------------------------------------- tree reuse


def test_gradient_trees_are_searched_once_per_structure():
    """Random instances of one ansatz reuse every tree; answers stay exact."""
    n, initial = 10, INITIAL
    cache = TreeCache()
    obs = observables.local_cost(range(n))
    for seed in range(4):
        circ = ansatz.hardware_efficient(n, 3, pattern="brick", seed=seed)
        g, diagnostics = tnbp.gradient_with_diagnostics(
            circ,
            obs,
            method="adjoint",
            backend="tn",
            initial=initial,
            cache=cache,
        )
        if seed == 0:
            searches = cache.searches
            assert diagnostics.tree_searches == searches > 0
        else:
            assert diagnostics.tree_searches == 0 and cache.searches == searches
        ref = tnbp.gradient(circ, obs, method="adjoint", initial=initial)
        assert_allclose(g, ref, atol=ATOL)
    assert cache.hits >= 3 * searches and len(cache) == searches


def test_bulk_terms_share_trees():
    """n = 30 brickwork: the 30 local-cost terms need far fewer than 30 tree searches.

    Bulk terms differ only by translation (two parities), so only terms whose
    cone reaches an edge need a tree of their own.
    """
    n = 30
    circ = ansatz.hardware_efficient(n, 3, pattern="brick", seed=0)
    cache = TreeCache()
    _, diagnostics = tnbp.gradient_with_diagnostics(
        circ,
        observables.local_cost(range(n)),
        method="adjoint",
        backend="tn",
        cache=cache,
    )
    assert diagnostics.contractions == n
    assert 2 <= diagnostics.tree_searches == cache.searches <= 8
    # expectations on a TNState draw from the same kind of cache
    st = TNState(circ, "0" * n, cache=TreeCache())
    for i in range(8, 22):
        tnbp.expectation(st, "Z", i)
    assert st.cache.searches == 2 and st.cache.hits == 12


def test_large_buckets_are_split_to_bound_memory(monkeypatch):
    """A bucket whose batch would exceed MAX_TN_BATCH_ENTRIES is contracted in
    chunks: with a budget below one network, one term per bucket, and every
    method gives the gradient of the unsplit batches (rounding only)."""
    from tnbp.gradients import tn as tn_gradients
    from tnbp.gradients.diagnostics import DiagnosticsTally
    from tnbp.models.operators import as_observable
    from tnbp.states.tn.lightcone import GateTable

    n = 30
    circ = ansatz.hardware_efficient(n, 2, pattern="brick", seed=2)
    cost = observables.local_cost(range(n))
    whole = {
        m: tnbp.gradient(circ, cost, method=m, backend="tn")
        for m in ("adjoint", "parameter_shift")
    }
    obs = as_observable(cost, n)
    args = ("0" * n, TreeCache(), DiagnosticsTally(), GateTable(circ))
    assert len(tn_gradients.buckets(circ, obs, *args)) < n  # bulk terms batched
    monkeypatch.setattr(tn_gradients, "MAX_TN_BATCH_ENTRIES", 1)
    split = tn_gradients.buckets(circ, obs, *args)
    assert len(split) == n and all(len(b.coeffs) == 1 for b in split)
    for method, ref in whole.items():
        got = tnbp.gradient(circ, cost, method=method, backend="tn")
        assert_allclose(got, ref, rtol=0, atol=1e-15)  # sums in another order
        assert np.abs(ref).max() > 1e-3


# --------------------------------------------------------------- gradients

GRAD_N = 7
GRAD_INITIAL = "0110100"
GRAD_OBS = {
    "pauli_sum": [
        (1.0, "ZZ", (2, 3)),
        (0.3, "X", (0,)),
        (-0.7, "YZX", (5, 1, 3)),
        (0.4, "XY", (0, 6)),
    ],
    "global_cost": observables.global_cost(range(GRAD_N), "+-01+-0"),
    "local_cost": observables.local_cost(range(GRAD_N), "+-01+-0"),
}


@pytest.fixture(scope="module")
def dense_gradients():
    """Dense adjoint gradients, the reference for every tn method."""
    return {
        (name, obs_name): tnbp.gradient(
            build(GRAD_N, 11), obs, method="adjoint", initial=GRAD_INITIAL
        )
        for name, build in ANSATZ_BUILDERS.items()
        for obs_name, obs in GRAD_OBS.items()
    }


@pytest.mark.parametrize(
    ("method", "atol"),
    [("adjoint", 1e-10), ("parameter_shift", 1e-10), ("finite_difference", 1e-6)],
)
@pytest.mark.parametrize("obs_name", sorted(GRAD_OBS))
def test_tn_gradients_agree_with_dense(
    dense_gradients, ansatz_name, obs_name, method, atol
):
    """Every tn method against the dense adjoint gradient.

    Adjoint and parameter shift are exact (1e-10 leaves room for rounding);
    central differences with h = 1e-4 err by O(h^2 |f'''|) ~ 1e-9, so 1e-6.
    """
    circ = ANSATZ_BUILDERS[ansatz_name](GRAD_N, 11)
    ref = dense_gradients[ansatz_name, obs_name]
    got = tnbp.gradient(
        circ, GRAD_OBS[obs_name], method=method, backend="tn", initial=GRAD_INITIAL
    )
    assert got.shape == (circ.num_parameters,)
    if circ.num_parameters:
        assert np.abs(ref).max() > 1e-4
    assert_allclose(got, ref, atol=atol)


def _check_autodiff(circ, obs, initial):
    pytest.importorskip("jax")
    ref = tnbp.gradient(circ, obs, method="adjoint", initial=initial)
    got = tnbp.gradient(circ, obs, method="autodiff", backend="tn", initial=initial)
    assert np.abs(ref).max() > 1e-4
    assert_allclose(got, ref, atol=1e-10)


def test_tn_autodiff_agrees_with_dense():
    """jax autodiff through the replayed trees: one cheap case (the rest is slow).

    Exact like the adjoint (1e-10); jax runs in double precision.
    """
    circ = ansatz.hardware_efficient(6, 2, pattern="brick", seed=2)
    _check_autodiff(circ, [(1.0, "ZZ", (2, 3)), (0.5, "XY", (0, 5))], "011010")


@pytest.mark.slow
@pytest.mark.parametrize("obs_name", sorted(GRAD_OBS))
def test_tn_autodiff_every_ansatz(ansatz_name, obs_name):
    """jax autodiff on tn for every family and observable at n = 6.

    Slow: jax compiles one function per contraction tree (seconds each, ~1 min
    for the local cost of the all-pairs unitary QNN).
    """
    if ansatz_name == "haar_brickwork":
        pytest.skip("no trainable parameters")
    n = 6
    obs = {
        "pauli_sum": GRAD_OBS["pauli_sum"][:3] + [(0.4, "XY", (0, 5))],
        "global_cost": observables.global_cost(range(n), "+-01+-"),
        "local_cost": observables.local_cost(range(n), "+-01+-"),
    }[obs_name]
    _check_autodiff(ANSATZ_BUILDERS[ansatz_name](n, 11), obs, "011010")


@pytest.mark.parametrize("method", ["adjoint", "parameter_shift"])
def test_tn_loss_and_parameter_subsets(method):
    """MSE-loss chain rule (needs tn's <O>, constant included) and ``parameters=``."""
    circ = ansatz.hardware_efficient(5, 2, seed=1)
    loss = observables.mse_loss(observables.local_cost(range(5), "01+-0"), 0.3)
    ref = tnbp.gradient(circ, loss, method="adjoint")
    assert_allclose(
        tnbp.gradient(circ, loss, method=method, backend="tn"), ref, atol=ATOL
    )
    got = tnbp.gradient(circ, loss, method=method, backend="tn", parameters=[7, 0, -1])
    assert_allclose(got, ref[[7, 0, -1]], atol=ATOL)


@pytest.mark.parametrize("backend", ["tn", "dense", "mps"])
def test_gradient_of_a_constant_observable_is_zero(backend):
    """[(1, "II", (0, 1))] is a valid observable (expectation_value gives 1): gradient 0."""
    circ = ansatz.hardware_efficient(4, 1, seed=0)
    g = tnbp.gradient(circ, [(1.0, "II", (0, 1))], backend=backend)
    assert g.shape == (circ.num_parameters,) and np.all(g == 0)


@pytest.mark.parametrize(
    "method", ["adjoint", "parameter_shift", "finite_difference", "autodiff"]
)
def test_outside_lightcone_is_exactly_zero_on_tn(method):
    """Parameters outside the cone of the observable get an exact 0 (not just a small number)."""
    if method == "autodiff":
        pytest.importorskip("jax")
    circ = ansatz.hardware_efficient(12, 2, pattern="brick", seed=0)
    g = tnbp.gradient(circ, [(1.0, "ZZ", (5, 6))], method=method, backend="tn")
    cone = set(circ.lightcone((5, 6)))
    outside = [i for i, k in enumerate(circ.parameter_gates) if k not in cone]
    inside = [i for i, k in enumerate(circ.parameter_gates) if k in cone]
    assert outside and np.all(g[outside] == 0)
    assert np.abs(g[inside]).max() > 0.1


# ------------------------------------------------------------------ errors


def test_sim_opts_rejected_on_tn():
    circ = ansatz.hardware_efficient(4, 1, seed=0)
    with pytest.raises(ValueError, match="sim_opts"):
        tnbp.gradient(circ, [(1.0, "Z", (0,))], backend="tn", sim_opts={"cutoff": 0.0})


def test_autodiff_rejected_on_mps():
    circ = ansatz.hardware_efficient(4, 1, seed=0)
    with pytest.raises(ValueError, match="method"):
        tnbp.gradient(circ, [(1.0, "Z", (0,))], method="autodiff", backend="mps")


@pytest.mark.parametrize("cache", ["greedy", {}, object()])
def test_bad_cache_type(cache):
    circ = ansatz.hardware_efficient(4, 1, seed=0)
    with pytest.raises(TypeError, match="cache"):
        tnbp.gradient(circ, [(1.0, "Z", (0,))], backend="tn", cache=cache)


def test_large_cut_rejected():
    """A cut with more than 12 qubits on both sides at n = 40 raises a clear ValueError."""
    st = tnbp.simulate(ansatz.free_fermion_brickwork(40, 2, seed=0), backend="tn")
    with pytest.raises(ValueError, match=r"`cut`=20.*12 qubits.*mps"):
        tnbp.entropy(st, 20)
    with pytest.raises(ValueError, match=r"`cut`=13"):
        st.cut_spectrum(13)


def test_large_reduced_density_matrix_rejected():
    """13-qubit reduced density matrices raise (directly and through the estimators)."""
    st = tnbp.simulate(ansatz.free_fermion_brickwork(40, 2, seed=0), backend="tn")
    with pytest.raises(ValueError, match="qubits"):
        st.reduced_density_matrix(tuple(range(0, 26, 2)))
    with pytest.raises(ValueError, match="qubits"):
        tnbp.subsystem_entropy(st, tuple(range(0, 26, 2)))


def test_record_bounds_fit_64_bit_integers():
    """Bounds beyond 2^62 (here 2^70 on the middle cut of 140 qubits) are capped, not overflowed."""
    circ = tnbp.Circuit(140)
    for _ in range(70):
        circ.cnot(69, 70)
    bonds = tnbp.simulate(circ, backend="tn").bond_dims
    assert bonds[69] == 2**62 and bonds[68] == 1
