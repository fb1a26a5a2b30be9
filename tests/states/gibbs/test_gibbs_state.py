"""Gibbs states (tnbp.gibbs_state, tnbp.thermal_energy/entropy) against exact references."""

import functools
import math
import warnings

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose

import tnbp
from tnbp import free_fermion
from tnbp import hamiltonian as hm
from tnbp.states.gibbs.api import AMPLITUDE_BUDGET
from tnbp.states.gibbs.trotter import layer_sizes, split_terms

PAULI = {
    "I": np.eye(2),
    "X": np.array([[0, 1], [1, 0]]),
    "Y": np.array([[0, -1j], [1j, 0]]),
    "Z": np.diag([1, -1]),
}

#: Exact Trotterization for mps-vs-dense comparisons (no truncation at all).
EXACT_MPS = dict(order=4, dtau=0.05, max_bond=None, cutoff=0.0)


def kron_string(n, letters):
    """``letters`` ({qubit: "X"}) as a 2^n matrix by np.kron, qubit 0 leftmost."""
    return functools.reduce(np.kron, [PAULI[letters.get(q, "I")] for q in range(n)])


def kron_hamiltonian(H):
    """The matrix of a PauliSum built term by term with np.kron (not H.to_dense)."""
    out = H.constant * np.eye(2**H.n, dtype=complex)
    for c, p, q in H.terms:
        out += c * kron_string(H.n, dict(zip(q, p)))
    return out


def expm_gibbs(H, beta):
    """``(rho, ln Z)`` from scipy.linalg.expm(-beta H)."""
    E = sla.expm(-beta * kron_hamiltonian(H))
    Z = np.trace(E).real
    return E / Z, math.log(Z)


def partial_trace(rho, n, qubits):
    """rho_A of the listed qubits (first listed most significant), by reshaping."""
    k = len(qubits)
    rest = [q for q in range(n) if q not in qubits]
    t = rho.reshape((2,) * (2 * n))
    perm = list(qubits) + rest
    t = t.transpose(perm + [n + q for q in perm])
    t = t.reshape(2**k, 2 ** (n - k), 2**k, 2 ** (n - k))
    return np.einsum("arbr->ab", t)


def von_neumann_bits(rho):
    p = np.linalg.eigvalsh(rho)
    p = p[p > 1e-300]
    return float(-(p * np.log2(p)).sum())


# --------------------------------------------------------------------- dense
@pytest.mark.parametrize("n", [4, 5, 6])
def test_dense_matches_expm(n):
    """Eigendecomposition against scipy's Pade expm, both double precision on a
    matrix with ||beta H|| ~ 10: ln Z to 1e-10, density matrices to 1e-12."""
    H = hm.random_two_local(n, seed=n).add(0.3, "I", 0)
    H.add(0.5, "ZX", (n - 1, 1))
    beta = 0.8
    rho_ref, log_z = expm_gibbs(H, beta)
    state = tnbp.gibbs_state(H, beta, backend="dense")
    assert isinstance(state, tnbp.GibbsState) and state.beta == beta
    assert state.log_partition == pytest.approx(log_z, abs=1e-10)
    assert_allclose(state.rho, rho_ref, atol=1e-12)
    for qubits in [(0,), (2, 0), (1, 3, 0), tuple(range(n))]:
        assert_allclose(
            state.reduced_density_matrix(qubits),
            partial_trace(rho_ref, n, qubits),
            atol=1e-12,
        )
    for pauli, qubits in [
        ("Z", (1,)),
        ("ZZ", (0, n - 1)),
        ("XY", (3, 1)),
        ("YZX", (2, 0, 1)),
    ]:
        ref = np.trace(rho_ref @ kron_string(n, dict(zip(qubits, pauli)))).real
        assert tnbp.expectation(state, pauli, qubits) == pytest.approx(ref, abs=1e-12)
    assert tnbp.expectation_value(state, H.to_observable()) == pytest.approx(
        np.trace(rho_ref @ kron_hamiltonian(H)).real, abs=1e-10
    )


# ------------------------------------------------------------- mps vs dense
MPS_MODELS = {
    "random_nearest": lambda: hm.random_two_local(
        6, pairs="nearest", offsite_std=0.3, seed=1
    ),
    "random_all_normalized": lambda: hm.random_two_local(5, seed=2).normalized(),
    "tfim": lambda: hm.tfim_chain(6, g=0.8),
    "heisenberg": lambda: hm.heisenberg_chain(6, J=0.5, h=0.2),
}


@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("model", sorted(MPS_MODELS))
def test_mps_matches_dense(model, beta):
    """Purified MPS (no truncation: max_bond=None, cutoff=0) against expm, 1e-5.

    Trotter budget: the fourth-order error in ln Z and local observables is
    ~ c beta n h^5 dtau^4, h the largest term group's norm. test_trotter_order
    measures 4e-7 for tfim(6) at beta = 2, h = 2.24; the models here have
    h <= 1.9 (random_nearest 1.57, all-to-all normalized 0.35, heisenberg 1.52,
    tfim(6, g=0.8) 1.89), n <= 6 and beta <= 2, so the budget is ~1e-6, a
    decade under the tolerance (observed: <= 3e-7); SVD rounding (~1e-12) is
    negligible.
    """
    H = MPS_MODELS[model]()
    n = H.n
    rho, log_z = expm_gibbs(H, beta)
    state = tnbp.gibbs_state(H, beta, **EXACT_MPS)
    assert state.record.discarded_weight == 0 and state.caveats == ()
    assert state.log_partition == pytest.approx(log_z, abs=1e-5)
    for pauli, qubits in [
        ("ZZ", (0, 1)),
        ("ZZ", (1, 3)),
        ("ZZ", (n - 1, 0)),
        ("XY", (4, 1)),
    ]:
        ref = np.trace(rho @ kron_string(n, dict(zip(qubits, pauli)))).real
        assert tnbp.expectation(state, pauli, qubits) == pytest.approx(ref, abs=1e-5)
    energy = np.trace(rho @ kron_hamiltonian(H)).real
    assert tnbp.thermal_energy(state) == pytest.approx(energy, abs=1e-5)
    for qubits in [(1, 2), (3, 0), (4, 0, 2), (n - 1, 1, 2)]:
        assert_allclose(
            state.reduced_density_matrix(qubits),
            partial_trace(rho, n, qubits),
            rtol=0,
            atol=1e-5,
        )


def test_trotter_order():
    """Halving dtau cuts the ln Z error by 2^2 (order 2) and 2^4 (order 4).

    tfim(6) at beta = 2: errors 6e-3 -> 1.5e-3 and 7e-6 -> 4e-7, all far above
    rounding, so the ratios sit near 4 and 16 (subleading terms: a few percent).
    """
    H = hm.tfim_chain(6)
    exact = tnbp.gibbs_state(H, 2.0, backend="dense").log_partition
    ratios = {}
    for order in (2, 4):
        err = [
            tnbp.gibbs_state(
                H, 2.0, order=order, dtau=dtau, max_bond=None, cutoff=0.0
            ).log_partition
            - exact
            for dtau in (0.1, 0.05)
        ]
        assert abs(err[1]) > 1e-8
        ratios[order] = err[0] / err[1]
    assert 3 < ratios[2] < 5, ratios
    assert 10 < ratios[4] < 22, ratios


def test_step_bookkeeping():
    """steps = ceil(beta / (2 dtau)); the step used is beta / (2 steps) <= dtau."""
    H = hm.tfim_chain(4)
    s = tnbp.gibbs_state(H, 1.0, dtau=0.3, order=4)
    assert (s.steps, s.order) == (2, 4)
    assert s.dtau == pytest.approx(0.25)
    assert s.record.history.shape[1] == 3 and s.record.history[0].tolist() == [1, 1, 1]
    s = tnbp.gibbs_state(H, 1.0, dtau=0.25)
    assert (s.steps, s.order) == (2, 4) and s.dtau == pytest.approx(
        0.25
    )  # default order


def test_default_cutoff_spends_the_amplitude_budget():
    """cutoff=None: the per-SVD cutoff is (A / sum_l sqrt(m_l))^2 for the layers'
    sizes m_l, so without a bond cap the truncation distance sum_l sqrt(eps_l)
    stays within A = AMPLITUDE_BUDGET whatever dtau (rsum2 drops < cutoff per SVD)."""
    H = hm.tfim_chain(6)
    pairs = split_terms(H.traceless())[0]
    for dtau in (0.2, 0.1, 0.05):
        state = tnbp.gibbs_state(H, 2.0, dtau=dtau, max_bond=None, richardson=False)
        sizes = layer_sizes(6, pairs, steps=state.steps, order=4)
        budget = (AMPLITUDE_BUDGET / sum(math.sqrt(m) for m in sizes)) ** 2
        assert state.record.cutoff == pytest.approx(budget, rel=1e-12)
        assert 0 < state.truncation_distance <= AMPLITUDE_BUDGET
    explicit = tnbp.gibbs_state(H, 2.0, cutoff=1e-10, richardson=False)
    assert explicit.record.cutoff == 1e-10


# ---------------------------------------------------------- exact identities
@pytest.mark.parametrize("backend", ["dense", "mps"])
def test_infinite_temperature(backend):
    """beta = 0: rho = I/2^n, ln Z = n ln 2, purity 2^-k, trace distance 0, n bits."""
    n = 6
    H = hm.random_two_local(n, seed=1).add(0.4, "I", 0)
    state = tnbp.gibbs_state(H, 0.0, backend=backend)
    assert state.log_partition == pytest.approx(n * math.log(2), abs=1e-12)
    for qubits in [(0,), (3, 1), (0, 2, 5), tuple(range(n))]:
        k = len(qubits)
        assert_allclose(
            state.reduced_density_matrix(qubits), np.eye(2**k) / 2**k, atol=1e-14
        )
        assert tnbp.purity(state, qubits) == pytest.approx(2.0**-k, abs=1e-12)
        assert tnbp.trace_distance_to_maximally_mixed(state, qubits) == pytest.approx(
            0, abs=1e-12
        )
        assert tnbp.subsystem_entropy(state, qubits) == pytest.approx(k, abs=1e-10)
    assert tnbp.entropy(state, 2) == pytest.approx(2, abs=1e-10)
    assert tnbp.thermal_entropy(state) == pytest.approx(n, abs=1e-10)
    assert tnbp.thermal_energy(state) == pytest.approx(0.4, abs=1e-12)  # Tr H / 2^n
    if backend == "mps":
        assert state.steps == 0 and state.bond_dims == [1] * (n - 1)


@pytest.mark.parametrize("backend", ["dense", "mps"])
def test_constant_shifts_log_partition_only(backend):
    """H + c: ln Z - beta c, the same rho (MPS: the evolution uses the traceless
    part, so the two runs are identical up to rounding)."""
    beta, c = 1.3, -2.7
    H = hm.heisenberg_chain(5, J=[0.5, 1.0, -0.3, 0.8], h=0.1)
    shifted = hm.heisenberg_chain(5, J=[0.5, 1.0, -0.3, 0.8], h=0.1).add(
        c, "III", (0, 2, 4)
    )
    kw = dict(backend=backend, dtau=0.1)
    a, b = tnbp.gibbs_state(H, beta, **kw), tnbp.gibbs_state(shifted, beta, **kw)
    assert b.log_partition == pytest.approx(a.log_partition - beta * c, abs=1e-10)
    for qubits in [(0, 1), (4, 2), (1, 3, 0)]:
        assert_allclose(
            b.reduced_density_matrix(qubits),
            a.reduced_density_matrix(qubits),
            atol=1e-12,
        )
    assert tnbp.thermal_energy(b) == pytest.approx(
        tnbp.thermal_energy(a) + c, abs=1e-10
    )
    assert tnbp.thermal_entropy(b) == pytest.approx(tnbp.thermal_entropy(a), abs=1e-10)


@pytest.mark.parametrize("backend", ["dense", "mps"])
def test_thermal_energy_and_entropy(backend):
    """Against Tr(rho H) and -Tr rho log2 rho of the expm reference: 1e-10 for dense,
    1e-5 for the (untruncated, order-4) MPS as in test_mps_matches_dense."""
    H = hm.random_two_local(5, pairs="nearest", offsite_std=0.3, seed=7).add(
        0.25, "I", 1
    )
    beta = 1.5
    rho, log_z = expm_gibbs(H, beta)
    opts = {} if backend == "dense" else EXACT_MPS
    state = tnbp.gibbs_state(H, beta, backend=backend, **opts)
    tol = 1e-10 if backend == "dense" else 1e-5
    energy = np.trace(rho @ kron_hamiltonian(H)).real
    entropy = von_neumann_bits(rho)
    assert 0.5 < entropy < 4.5  # neither pure nor maximally mixed
    assert tnbp.thermal_energy(state) == pytest.approx(energy, abs=tol)
    assert tnbp.thermal_entropy(state) == pytest.approx(entropy, abs=tol)
    assert state.log_partition == pytest.approx(log_z, abs=tol)
    assert tnbp.subsystem_entropy(state, range(5)) == pytest.approx(entropy, abs=tol)


# ---------------------------------------------------------------- truncation
def _truncation_model():
    return hm.random_two_local(5, seed=3)


def test_truncation_is_flagged():
    """Bond 2 on an all-to-all model at beta = 2 discards weight; every estimator warns."""
    H = _truncation_model()
    state = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=2)
    rec = state.record
    assert rec.max_bond == 2 and max(rec.bond_dims) <= 2
    assert rec.discarded_weight > 0 and rec.num_truncations > 0
    assert rec.fidelity_estimate < 1
    assert "truncated" in state.caveats and not state.trusted
    estimators = [
        lambda: tnbp.expectation(state, "ZZ", (0, 3)),
        lambda: tnbp.thermal_energy(state),
        lambda: tnbp.thermal_entropy(state),
        lambda: tnbp.subsystem_entropy(state, (1, 4)),
        lambda: tnbp.purity(state, (2,)),
        lambda: tnbp.trace_distance_to_maximally_mixed(state, (0, 4)),
    ]
    for estimate in estimators:
        with pytest.warns(tnbp.TruncationWarning):
            value = estimate()
        assert value.caveats == state.caveats and value.truncation_error > 0


def test_generous_bond_is_not_flagged():
    """max_bond 16 = 4^2 is the largest Schmidt rank of a 5-site purification: only
    cutoff-level (1e-12) weight is dropped and nothing is flagged. The energy agrees
    with the uncapped, cutoff-free run within its own truncation_error."""
    H = _truncation_model()
    state = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=16)
    assert state.caveats == () and state.saturated_cuts == ()
    assert state.record.discarded_weight < 1e-9
    with warnings.catch_warnings():
        warnings.simplefilter("error", tnbp.TruncationWarning)
        energy = tnbp.thermal_energy(state)
        tnbp.subsystem_entropy(state, (1, 4))
    assert energy.caveats == ()
    # the 1e-12 cutoff still counts as truncation: T ~ 1e-6, bound 2T sum|c| ~ 1e-4
    assert energy.truncation_error < 1e-3
    full = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=None, cutoff=0.0)
    assert abs(energy - tnbp.thermal_energy(full)) <= max(energy.truncation_error, 1e-9)


def test_thermal_energy_bound_is_the_sum_of_term_bounds():
    """Heavily truncated (T capped at 1): truncation_error of <H> is sum_t |c_t|
    times the bound of one Pauli term, 2T capped at the trivial 2 (the variance
    bound 2 sigma T + 2 T^2 sum|c| is larger there); tnbp.expectation clips that
    bound further, to the range [-1, 1] around its value (clip_error)."""
    H = _truncation_model()
    state = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=2)
    with pytest.warns(tnbp.TruncationWarning):
        zz = tnbp.expectation(state, "ZZ", (0, 1))
        energy = tnbp.thermal_energy(state).truncation_error
    T = state.truncation_distance
    assert T > 0.5  # the regime where the caps differ
    term = min(2.0, 2 * T)
    assert energy == pytest.approx(term * sum(abs(c) for c, _, _ in H.terms), rel=1e-12)
    assert zz.truncation_error == pytest.approx(min(term, 1 + abs(zz)), rel=1e-12)


# -------------------------------------------------------------------- errors
H4 = hm.tfim_chain(4)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: tnbp.gibbs_state(H4, -0.1), ValueError, "`beta`"),
        (lambda: tnbp.gibbs_state(H4, float("nan")), ValueError, "`beta`"),
        (lambda: tnbp.gibbs_state(H4, 1j), TypeError, "`beta`"),
        (lambda: tnbp.gibbs_state(H4, 1.0, dtau=0.0), ValueError, "`dtau`"),
        (lambda: tnbp.gibbs_state(H4, 1.0, dtau=-0.1), ValueError, "`dtau`"),
        (lambda: tnbp.gibbs_state(H4, 1.0, order=3), ValueError, "`order`"),
        (lambda: tnbp.gibbs_state(H4, 1.0, backend="tn"), ValueError, "`backend`"),
        (lambda: tnbp.gibbs_state(H4.to_dense(), 1.0), TypeError, "`H`"),
        (lambda: tnbp.gibbs_state([(1.0, "Z", (0,))], 1.0), TypeError, "`H`"),
        (
            lambda: tnbp.gibbs_state(tnbp.PauliSum(4).add(1.0, "XYZ", (0, 1, 3)), 1.0),
            ValueError,
            "`H`.*3-local",
        ),
        (
            lambda: tnbp.gibbs_state(hm.tfim_chain(13), 1.0, backend="dense"),
            ValueError,
            "12 qubits",
        ),
        (lambda: tnbp.gibbs_state(H4, 1.0, max_bond=0), ValueError, "`max_bond`"),
        (lambda: tnbp.gibbs_state(H4, 1.0, cutoff=-1.0), ValueError, "`cutoff`"),
        (lambda: tnbp.gibbs_state(tnbp.PauliSum(3), 1.0), ValueError, "`H`.*no terms"),
        (
            lambda: tnbp.thermal_energy(tnbp.DenseState(np.ones(4))),
            TypeError,
            "`state`",
        ),
    ],
)
def test_errors_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- acceptance
@pytest.fixture(scope="module")
def xx40():
    """Random XX chain at n = 40, beta = 1, and its exact free-fermion solution."""
    rng = np.random.default_rng(40)
    n = 40
    H = tnbp.hamiltonian.xx_chain(
        n, J=rng.uniform(0.5, 1.5, n - 1), h=rng.normal(0.0, 1.0, n)
    )
    A = free_fermion.majorana_hamiltonian(H.terms, n)
    return H, A, free_fermion.thermal_covariance(A, 1.0)


def test_xx_chain_40_qubits_against_free_fermions(xx40):
    """dtau = 0.01 (order 4, cutoff 1e-14): energy, <Z_i Z_j>, entropy and purity of
    the first k = 1..6 qubits to 1e-4, log Z to 3e-4.

    Measured errors: ~1e-5 (energy, log Z) and ~1e-6 (the rest), set by the
    accumulated truncation of ~1e4 SVDs at cutoff 1e-14, not by Trotter error.
    """
    H, A, gamma = xx40
    # values only (their budgets: test_error_budget.py), so no Richardson companion
    rho = tnbp.gibbs_state(
        H, 1.0, dtau=0.01, order=4, max_bond=64, cutoff=1e-14, richardson=False
    )
    assert rho.log_partition == pytest.approx(
        free_fermion.thermal_log_partition(A, 1.0), abs=3e-4
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        energy = tnbp.thermal_energy(rho)
        assert energy == pytest.approx(free_fermion.thermal_energy(A, 1.0), abs=1e-4)
        for i, j in [(0, 1), (10, 11), (5, 9), (19, 30), (0, 39)]:
            assert tnbp.expectation(rho, "ZZ", (i, j)) == pytest.approx(
                free_fermion.zz_expectation(gamma, i, j), abs=1e-4
            )
        for k in range(1, 7):
            assert tnbp.subsystem_entropy(rho, range(k)) == pytest.approx(
                free_fermion.block_entropy(gamma, 0, k), abs=1e-4
            )
            assert tnbp.purity(rho, range(k)) == pytest.approx(
                free_fermion.block_purity(gamma, 0, k), abs=1e-4
            )
        assert tnbp.thermal_entropy(rho) == pytest.approx(
            free_fermion.thermal_entropy(A, 1.0), abs=1e-3
        )


def test_xx_chain_40_qubits_second_order_trotter(xx40):
    """Order 2: halving dtau (0.02 -> 0.01) cuts the log Z error by 4 (measured 4.0)."""
    H, A, _ = xx40
    exact = free_fermion.thermal_log_partition(A, 1.0)
    errors = [
        tnbp.gibbs_state(
            H, 1.0, dtau=dtau, order=2, cutoff=1e-16, richardson=False
        ).log_partition
        - exact
        for dtau in (0.02, 0.01)
    ]
    assert 3.5 < errors[0] / errors[1] < 4.5, errors


@pytest.mark.parametrize(
    "pairs",
    ["nearest", pytest.param("all", marks=pytest.mark.slow)],  # all: ~40 s
)
def test_mps_matches_dense_at_10_qubits_default_settings(pairs):
    """Random 2-local (eq. C1, unit norm), n = 10, beta = 1, default settings
    (order 4, dtau 0.05, chi 64, cutoff 1e-14): log Z and energy within the
    Trotter budget (1e-3) plus the state's own truncation bound, rdm of a
    non-contiguous triple within 1e-3 plus 2T.

    Measured: nearest |d log Z| 9e-5, |dE| 1e-5; all pairs (swap network,
    bond capped at 64) 9e-5 and 5e-4.
    """
    H = hm.random_two_local(10, pairs=pairs, seed=5).normalized()
    exact = tnbp.gibbs_state(H, 1.0, backend="dense")
    state = tnbp.gibbs_state(H, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        energy = tnbp.thermal_energy(state)
    T = state.truncation_distance
    assert abs(state.log_partition - exact.log_partition) < 1e-3 + 10 * T
    assert abs(energy - tnbp.thermal_energy(exact)) < 1e-3 + energy.truncation_error
    qs = (9, 0, 4)
    diff = state.reduced_density_matrix(qs) - exact.reduced_density_matrix(qs)
    assert np.abs(diff).max() < 1e-3 + 2 * T
