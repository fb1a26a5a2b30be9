"""MPS entanglement at n >= 40 against exact free-fermion (Majorana covariance) results.

The reference (:mod:`tnbp.free_fermion`) is itself checked against the dense
backend at n = 8, with every matchgate rotation it supports.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, logsumexp
from threadpoolctl import threadpool_limits

import tnbp
from tnbp import ansatz, free_fermion

N, DEPTH = 40, 10
NEEL = "01" * (N // 2)


def _random_matchgate_circuit(n, gates, seed):
    rng = np.random.default_rng(seed)
    circ = tnbp.Circuit(n)
    for _ in range(gates):
        pauli = rng.choice(["Z", "XX", "YY", "XY", "YX"])
        theta = rng.uniform(0, 2 * np.pi)
        if pauli == "Z":
            circ.rz(theta, int(rng.integers(n)))
        else:
            i = int(rng.integers(n - 1))
            qubits = (i, i + 1) if rng.random() < 0.5 else (i + 1, i)
            circ.pauli_rotation(theta, pauli, qubits)
    return circ


@pytest.mark.parametrize("seed", range(3))
def test_reference_matches_dense(seed):
    n = 8
    circ = _random_matchgate_circuit(n, 60, seed)
    initial = "01101001"
    gamma = free_fermion.covariance_matrix(circ, initial)
    st = tnbp.simulate(circ, backend="dense", initial=initial)
    assert_allclose(
        free_fermion.entropy_profile(gamma), tnbp.entropy_profile(st), atol=1e-10
    )
    for start, stop in [(2, 5), (3, 4), (1, 7)]:
        block = tuple(range(start, stop))
        assert_allclose(
            free_fermion.block_entropy(gamma, start, stop),
            tnbp.subsystem_entropy(st, block),
            atol=1e-10,
        )
        assert_allclose(
            free_fermion.block_purity(gamma, start, stop),
            tnbp.purity(st, block),
            atol=1e-10,
        )
    for j in range(n):
        assert_allclose(
            free_fermion.z_expectation(gamma, j),
            tnbp.expectation(st, "Z", j),
            atol=1e-12,
        )
    for i, j in [(0, 1), (2, 6), (7, 3)]:
        assert_allclose(
            free_fermion.zz_expectation(gamma, i, j),
            tnbp.expectation(st, "ZZ", (i, j)),
            atol=1e-12,
        )


def test_reference_rejects_non_matchgates():
    circ = tnbp.Circuit(3)
    circ.pauli_rotation(0.3, "XX", (0, 2))
    with pytest.raises(ValueError, match="circuit"):
        free_fermion.covariance_matrix(circ)
    circ = tnbp.Circuit(3)
    circ.h(0)
    with pytest.raises(ValueError, match="circuit"):
        free_fermion.covariance_matrix(circ)


@pytest.fixture(scope="module")
def brickwork():
    circ = ansatz.free_fermion_brickwork(N, DEPTH, seed=5)
    return circ, free_fermion.covariance_matrix(circ, NEEL)


def test_every_cut_matches_exact_when_chi_suffices(brickwork):
    """cutoff 1e-16 keeps the total discarded weight ~1e-13: entropy error << 1e-8."""
    circ, gamma = brickwork
    st = tnbp.simulate(circ, initial=NEEL, cutoff=1e-16)
    assert st.trusted
    assert_allclose(
        tnbp.entropy_profile(st), free_fermion.entropy_profile(gamma), atol=1e-8
    )
    for k in (1, 3, 6):
        assert_allclose(
            tnbp.purity(st, range(k)), free_fermion.block_purity(gamma, 0, k), atol=1e-8
        )
    assert_allclose(
        tnbp.subsystem_entropy(st, range(10, 16)),
        free_fermion.block_entropy(gamma, 10, 16),
        atol=1e-8,
    )
    for i, j in [(0, 1), (19, 20), (5, 30)]:
        assert_allclose(
            tnbp.expectation(st, "ZZ", (i, j)),
            free_fermion.zz_expectation(gamma, i, j),
            atol=1e-8,
        )


def test_small_chi_is_flagged(brickwork):
    circ, gamma = brickwork
    st = tnbp.simulate(circ, initial=NEEL, max_bond=4)
    assert st.discarded_weight > 0
    assert st.fidelity_estimate < 1
    assert st.max_bond_reached == 4 and max(st.bond_dims) <= 4
    assert st.saturated and "bond_saturated" in st.caveats
    with pytest.warns(tnbp.TruncationWarning, match="raise max_bond"):
        profile = tnbp.entropy_profile(st)
    assert profile.max() <= 2 + 1e-12
    assert "bond_saturated" in profile.caveats and not profile.trusted
    # the exact entanglement is larger: the flag is warranted
    assert free_fermion.entropy_profile(gamma).max() > 2.5
    with pytest.warns(tnbp.TruncationWarning):
        s = tnbp.entropy(st, N // 2)
    assert s.caveats == st.caveats
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = tnbp.simulate(circ, initial=NEEL, cutoff=1e-12)
        tnbp.entropy(exact, N // 2)  # a trusted state does not warn


# ---------------------------------------------------------------------------
# Thermal states: exact Majorana formulas against dense exact diagonalization
# ---------------------------------------------------------------------------


@pytest.fixture
def one_blas_thread():
    """Small dense eigh calls are slower with BLAS threads on a loaded machine."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


_DENSE_PAULI = {
    "I": np.eye(2),
    "X": np.array([[0.0, 1.0], [1.0, 0.0]]),
    "Y": np.array([[0.0, -1j], [1j, 0.0]]),
    "Z": np.diag([1.0, -1.0]),
}


def _dense_string(ops, n):
    """Kronecker product of ``{qubit: 2x2}``; qubit 0 is the most significant factor."""
    out = np.ones((1, 1))
    for q in range(n):
        out = np.kron(out, ops.get(q, _DENSE_PAULI["I"]))
    return out


def _dense_hamiltonian(terms, n):
    H = np.zeros((2**n, 2**n), dtype=complex)
    for coeff, pauli, qubits in terms:
        qubits = (qubits,) if isinstance(qubits, int) else qubits
        ops = {q: _DENSE_PAULI[p] for p, q in zip(pauli, qubits)}
        H += coeff * _dense_string(ops, n)
    return H


def _dense_majoranas(n):
    """gamma_{2j} = Z..Z X_j, gamma_{2j+1} = Z..Z Y_j as dense matrices."""
    out = []
    for j in range(n):
        string = {k: _DENSE_PAULI["Z"] for k in range(j)}
        for p in "XY":
            out.append(_dense_string({**string, j: _DENSE_PAULI[p]}, n))
    return out


def _dense_gibbs(H, beta):
    """(ln Z, rho) by eigendecomposition, ln Z via logsumexp."""
    w, V = np.linalg.eigh(H)
    log_z = logsumexp(-beta * w)
    rho = (V * np.exp(-beta * w - log_z)) @ V.conj().T
    return log_z, rho


def _reduced(rho, n, keep):
    """Partial trace of ``rho`` onto the sorted qubits ``keep``."""
    t = rho.reshape([2] * (2 * n))
    m = n
    for q in sorted(set(range(n)) - set(keep), reverse=True):
        t = np.trace(t, axis1=q, axis2=q + m)
        m -= 1
    d = 2 ** len(keep)
    return t.reshape(d, d)


def _vn_bits(rho):
    p = np.linalg.eigvalsh(rho)
    p = p[p > 1e-300]
    return float(-(p * np.log2(p)).sum())


def _xx_terms(n, rng):
    J = rng.uniform(0.5, 1.5, n - 1)
    h = rng.normal(0.0, 1.0, n)
    terms = [(J[i], "XX", (i, i + 1)) for i in range(n - 1)]
    terms += [(J[i], "YY", (i, i + 1)) for i in range(n - 1)]
    return terms + [(h[i], "Z", i) for i in range(n)]


def _tfim_terms(n, J, g):
    return [(-J, "XX", (i, i + 1)) for i in range(n - 1)] + [
        (-g, "Z", i) for i in range(n)
    ]


def _mixed_terms(n, rng):
    """All five bilinears, some with reversed qubit order, one repeated term."""
    terms = []
    for i in range(n - 1):
        for p in ("XX", "YY", "XY", "YX"):
            pair = (i, i + 1) if rng.random() < 0.5 else (i + 1, i)
            terms.append((rng.normal(), p, pair))
    terms += [(rng.normal(), "Z", (i,)) for i in range(n)]
    return terms + [terms[0]]


def _check_against_dense(terms, n, beta):
    A = free_fermion.majorana_hamiltonian(terms, n)
    gamma = free_fermion.thermal_covariance(A, beta)
    H = _dense_hamiltonian(terms, n)
    log_z, rho = _dense_gibbs(H, beta)

    assert_allclose(free_fermion.thermal_log_partition(A, beta), log_z, atol=1e-10)
    energy = np.trace(H @ rho).real
    assert_allclose(free_fermion.thermal_energy(A, beta), energy, atol=1e-10)
    assert_allclose(free_fermion.thermal_entropy(A, beta), _vn_bits(rho), atol=1e-10)

    # the full covariance, Gamma_kl = (i/2) <[g_k, g_l]>, from dense Majoranas
    maj = _dense_majoranas(n)
    rho_g = [rho @ g for g in maj]
    two_point = np.array([[np.sum(rg.T * g) for g in maj] for rg in rho_g])
    assert_allclose(gamma, np.real(0.5j * (two_point - two_point.T)), atol=1e-10)

    Z = _DENSE_PAULI["Z"]
    for j in range(n):
        z = np.trace(rho @ _dense_string({j: Z}, n)).real
        assert_allclose(free_fermion.z_expectation(gamma, j), z, atol=1e-10)
    for i, j in [(0, 1), (0, 2), (1, 4), (0, n - 1), (2, n - 2)]:
        zz = np.trace(rho @ _dense_string({i: Z, j: Z}, n)).real
        assert_allclose(free_fermion.zz_expectation(gamma, i, j), zz, atol=1e-10)
    for start, stop in [(0, 1), (0, 2), (0, 3), (0, 4), (2, 5), (n - 2, n)]:
        red = _reduced(rho, n, range(start, stop))
        assert_allclose(
            free_fermion.block_entropy(gamma, start, stop), _vn_bits(red), atol=1e-10
        )
        assert_allclose(
            free_fermion.block_purity(gamma, start, stop),
            np.trace(red @ red).real,
            atol=1e-10,
        )


@pytest.mark.usefixtures("one_blas_thread")
def test_majorana_hamiltonian_reproduces_dense_operator():
    """(i/4) sum_kl A_kl g_k g_l is the dense H, for every supported term type."""
    n = 4
    terms = _mixed_terms(n, np.random.default_rng(11))
    A = free_fermion.majorana_hamiltonian(terms, n)
    assert_allclose(A, -A.T, atol=0)
    maj = _dense_majoranas(n)
    from_a = 0.25j * sum(
        g @ sum(A[k, l] * h for l, h in enumerate(maj)) for k, g in enumerate(maj)
    )
    assert_allclose(from_a, _dense_hamiltonian(terms, n), atol=1e-12)


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize("beta", [0.3, 1.0, 3.0])
@pytest.mark.parametrize("n", [6, 7, 8])
def test_thermal_xx_chain_matches_dense(n, beta):
    terms = _xx_terms(n, np.random.default_rng(100 + n))
    _check_against_dense(terms, n, beta)


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize("beta", [0.3, 3.0])
@pytest.mark.parametrize("g", [0.5, 1.0, 2.0])
def test_thermal_tfim_matches_dense(g, beta):
    _check_against_dense(_tfim_terms(7, 1.0, g), 7, beta)


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize(("n", "beta"), [(6, 0.3), (6, 3.0), (7, 1.0)])
def test_thermal_mixed_bilinears_match_dense(n, beta):
    _check_against_dense(_mixed_terms(n, np.random.default_rng(7 * n)), n, beta)


def test_thermal_single_qubit_sign_convention():
    """H = h Z: <Z> = -tanh(beta h), ln Z = ln 2 cosh(beta h), E = -h tanh(beta h)."""
    h, beta = 0.8, 1.3
    A = free_fermion.majorana_hamiltonian([(h, "Z", 0)], 1)
    gamma = free_fermion.thermal_covariance(A, beta)
    t = np.tanh(beta * h)
    assert_allclose(free_fermion.z_expectation(gamma, 0), -t, rtol=1e-14)
    assert_allclose(
        free_fermion.thermal_log_partition(A, beta), np.log(2 * np.cosh(beta * h))
    )
    assert_allclose(free_fermion.thermal_energy(A, beta), -h * t, rtol=1e-14)


def test_thermal_infinite_temperature():
    n = 9
    A = free_fermion.majorana_hamiltonian(_xx_terms(n, np.random.default_rng(3)), n)
    gamma = free_fermion.thermal_covariance(A, 0.0)
    assert np.array_equal(gamma, np.zeros((2 * n, 2 * n)))
    assert_allclose(free_fermion.thermal_log_partition(A, 0), n * np.log(2), rtol=1e-14)
    assert free_fermion.thermal_energy(A, 0.0) == 0.0
    assert_allclose(free_fermion.thermal_entropy(A, 0.0), n, rtol=1e-14)
    assert_allclose(free_fermion.block_purity(gamma, 0, 4), 2.0**-4, rtol=1e-14)


def test_thermal_empty_hamiltonian_is_maximally_mixed():
    A = free_fermion.majorana_hamiltonian([], 3)
    assert_allclose(free_fermion.thermal_log_partition(A, 2.0), 3 * np.log(2))
    assert_allclose(free_fermion.thermal_entropy(A, 2.0), 3.0)


def _hopping_reference(J, h, beta):
    """XX chain with fields as spinless fermions, independent of the Majorana code.

    With Z_j = 1 - 2 n_j and J (XX + YY) = 2J (c+_j c_{j+1} + h.c.) (hopping sign
    is a gauge choice on an open chain), H = sum h + c+ M c with M_jj = -2 h_j,
    M_{j,j+1} = 2 J_j. Returns ln Z, E and C_ij = <c+_i c_j>.
    """
    M = np.diag(-2.0 * h) + np.diag(2.0 * J, 1) + np.diag(2.0 * J, -1)
    e, phi = np.linalg.eigh(M)
    occ = expit(-beta * e)
    log_z = -beta * h.sum() + np.logaddexp(0.0, -beta * e).sum()
    energy = h.sum() + (e * occ).sum()
    return log_z, energy, (phi * occ) @ phi.T


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize("beta", [5.0, 300.0])
def test_thermal_large_n_matches_hopping_model(beta):
    """n = 100 against number-conserving free fermions; beta eps up to ~2000."""
    n = 100
    rng = np.random.default_rng(2024)
    J, h = rng.uniform(0.5, 1.5, n - 1), rng.normal(0.0, 1.0, n)
    terms = [(J[i], p, (i, i + 1)) for i in range(n - 1) for p in ("XX", "YY")]
    terms += [(h[i], "Z", i) for i in range(n)]
    A = free_fermion.majorana_hamiltonian(terms, n)
    gamma = free_fermion.thermal_covariance(A, beta)
    log_z, energy, C = _hopping_reference(J, h, beta)

    assert np.isfinite(free_fermion.thermal_log_partition(A, beta))
    assert_allclose(free_fermion.thermal_log_partition(A, beta), log_z, rtol=1e-12)
    assert_allclose(free_fermion.thermal_energy(A, beta), energy, rtol=1e-12)
    d = np.diag(C)
    for j in (0, 17, 50, 99):
        assert_allclose(free_fermion.z_expectation(gamma, j), 1 - 2 * d[j], atol=1e-10)
    for i, j in [(0, 1), (10, 13), (20, 80)]:
        zz = 1 - 2 * d[i] - 2 * d[j] + 4 * (d[i] * d[j] - C[i, j] ** 2)
        assert_allclose(free_fermion.zz_expectation(gamma, i, j), zz, atol=1e-10)
    for start, stop in [(0, 6), (40, 47)]:
        nu = np.clip(np.linalg.eigvalsh(C[start:stop, start:stop]), 1e-300, 1)
        nu_bar = np.clip(1 - nu, 1e-300, 1)
        s = -(nu * np.log2(nu) + nu_bar * np.log2(nu_bar)).sum()
        assert_allclose(free_fermion.block_entropy(gamma, start, stop), s, atol=1e-9)
        assert_allclose(
            free_fermion.block_purity(gamma, start, stop),
            np.prod(nu**2 + nu_bar**2),
            atol=1e-10,
        )


@pytest.mark.usefixtures("one_blas_thread")
def test_thermal_large_n_smoke():
    n, beta = 100, 5.0
    A = free_fermion.majorana_hamiltonian(_tfim_terms(n, 1.0, 1.0), n)
    gamma = free_fermion.thermal_covariance(A, beta)
    log_z = free_fermion.thermal_log_partition(A, beta)
    energy = free_fermion.thermal_energy(A, beta)
    s = free_fermion.thermal_entropy(A, beta)
    assert np.isfinite(log_z) and log_z > 0
    assert 0 < free_fermion.block_entropy(gamma, 0, 6) < 6
    assert_allclose(s, (beta * energy + log_z) / np.log(2), rtol=1e-10)
    # -d ln Z / d beta = E (central difference)
    db = 1e-4
    slope = (
        free_fermion.thermal_log_partition(A, beta + db)
        - free_fermion.thermal_log_partition(A, beta - db)
    ) / (2 * db)
    assert_allclose(-slope, energy, rtol=1e-7)
    # a very large beta: no overflow, entropy of a gapped chain -> 0
    big = free_fermion.thermal_log_partition(A, 1e4)
    assert np.isfinite(big)
    assert 0 <= free_fermion.thermal_entropy(A, 1e4) < 1e-12


@pytest.mark.parametrize(
    "term",
    [
        (1.0, "XX", (0, 2)),
        (1.0, "X", 0),
        (1.0, "ZZ", (0, 1)),
        (1.0, "XZ", (1, 2)),
        (1.0, "I", 0),
        (1.0, "II", (0, 1)),
        (1.0, "", ()),
        (1.0, "Z", (0, 1)),
        (1.0, "XX", (2, 3)),
        (1j, "Z", 0),
        (float("nan"), "Z", 0),
        (1.0, "Z"),
        "XX",
    ],
)
def test_majorana_hamiltonian_rejects_unsupported_terms(term):
    with pytest.raises(ValueError, match="`terms`: term"):
        free_fermion.majorana_hamiltonian([(0.5, "Z", 1), term], 3)


def test_thermal_rejects_bad_beta_and_matrix():
    A = free_fermion.majorana_hamiltonian([(1.0, "XX", (0, 1))], 2)
    for beta in (-0.1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="beta"):
            free_fermion.thermal_covariance(A, beta)
        with pytest.raises(ValueError, match="beta"):
            free_fermion.thermal_log_partition(A, beta)
    with pytest.raises(ValueError, match="`A`"):
        free_fermion.thermal_energy(np.ones((4, 4)), 1.0)
    with pytest.raises(ValueError, match="`A`"):
        free_fermion.thermal_entropy(np.zeros((3, 3)), 1.0)


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize(
    ("terms", "n"),
    [
        (tnbp.hamiltonian.xx_chain(8).terms, 8),  # critical, half filling
        (_xx_terms(7, np.random.default_rng(11)), 7),  # random hopping and fields
        (_tfim_terms(8, 1.0, 1.0), 8),  # critical Ising
        (_mixed_terms(6, np.random.default_rng(5)), 6),
    ],
)
def test_ground_state_covariance_matches_dense(terms, n):
    """Every cut's entropy and <Z_j> of the ground state, against exact diagonalization."""
    A = free_fermion.majorana_hamiltonian(terms, n)
    gamma = free_fermion.ground_state_covariance(A)
    w, V = np.linalg.eigh(_dense_hamiltonian(terms, n))
    assert w[1] - w[0] > 1e-6  # a unique ground state
    psi = V[:, 0]
    for ell in range(1, n):
        s = np.linalg.svd(psi.reshape(2**ell, -1), compute_uv=False) ** 2
        exact = _vn_bits(np.diag(s))
        # dense diagonalization and the 2n x 2n eigenproblem: rounding only
        assert_allclose(free_fermion.block_entropy(gamma, 0, ell), exact, atol=1e-10)
    for j in range(n):
        z = np.real(psi.conj() @ (_dense_string({j: _DENSE_PAULI["Z"]}, n) @ psi))
        assert_allclose(free_fermion.z_expectation(gamma, j), z, atol=1e-10)
    # the beta -> inf limit of the thermal covariance
    gap = np.abs(np.linalg.eigvalsh(1j * A)).min()
    beta = 40 / gap  # tanh(20) = 1 - 8e-18
    assert_allclose(gamma, free_fermion.thermal_covariance(A, beta), atol=1e-12)


def test_ground_state_covariance_refuses_zero_modes():
    """Odd-n XX chain: a mode at zero energy, so a degenerate ground state."""
    A = free_fermion.majorana_hamiltonian(tnbp.hamiltonian.xx_chain(7).terms, 7)
    with pytest.raises(ValueError, match="zero mode"):
        free_fermion.ground_state_covariance(A)
    with pytest.raises(TypeError, match="`A`"):
        free_fermion.ground_state_covariance(1j * A)
