"""Pauli-sum Hamiltonians (tnbp.hamiltonian) against explicit Kronecker products."""

import functools
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import hamiltonian as hm

PAULI = {
    "I": np.eye(2),
    "X": np.array([[0, 1], [1, 0]]),
    "Y": np.array([[0, -1j], [1j, 0]]),
    "Z": np.diag([1, -1]),
}


def kron_string(n, letters):
    """``letters`` ({qubit: "X"}) as a 2^n matrix by np.kron, qubit 0 leftmost."""
    return functools.reduce(np.kron, [PAULI[letters.get(q, "I")] for q in range(n)])


def kron_terms(n, terms, constant=0.0):
    """``constant + sum_t c_t P_t`` from (coeff, pauli, qubits) by np.kron."""
    out = constant * np.eye(2**n, dtype=complex)
    for c, p, q in terms:
        out += c * kron_string(n, dict(zip(q, p)))
    return out


def xxz_reference(n, J, delta, h):
    J = np.broadcast_to(J, (n - 1,))
    h = np.broadcast_to(h, (n,))
    out = np.zeros((2**n, 2**n), dtype=complex)
    for i in range(n - 1):
        for a, w in (("X", 1.0), ("Y", 1.0), ("Z", delta)):
            out += w * J[i] * kron_string(n, {i: a, i + 1: a})
    for i in range(n):
        out += h[i] * kron_string(n, {i: "Z"})
    return out


def tfim_reference(n, J, g):
    J = np.broadcast_to(J, (n - 1,))
    g = np.broadcast_to(g, (n,))
    out = np.zeros((2**n, 2**n), dtype=complex)
    for i in range(n - 1):
        out -= J[i] * kron_string(n, {i: "X", i + 1: "X"})
    for i in range(n):
        out -= g[i] * kron_string(n, {i: "Z"})
    return out


def tfim_norm_free_fermion(n, J, g):
    """||H|| of the open TFIM from its Majorana form (Jordan-Wigner).

    With gamma_{2i} = Z..Z X_i and gamma_{2i+1} = Z..Z Y_i, Z_i = -i g_{2i} g_{2i+1}
    and X_i X_{i+1} = -i g_{2i+1} g_{2i+2}, so H = (i/4) gamma^T A gamma with
    A[2i, 2i+1] = 2g, A[2i+1, 2i+2] = 2J. The levels are sum_k (+-eps_k/2) for the
    eigenvalues +-eps_k of iA, and the spectrum is symmetric, so ||H|| = sum|eig|/4.
    """
    A = np.zeros((2 * n, 2 * n))
    for i in range(n):
        A[2 * i, 2 * i + 1] = 2 * g
    for i in range(n - 1):
        A[2 * i + 1, 2 * i + 2] = 2 * J
    A -= A.T
    return np.abs(np.linalg.eigvalsh(1j * A)).sum() / 4


# ------------------------------------------------------------------ to_dense
def test_qubit_zero_is_most_significant():
    """Z on qubit 0 of 3 is diag(+1 x4, -1 x4); qubits listed out of order keep
    their letters (X on 2, Z on 0)."""
    H = tnbp.PauliSum(3).add(1.0, "Z", 0)
    assert_allclose(H.to_dense(), np.diag([1, 1, 1, 1, -1, -1, -1, -1]), atol=0)
    G = tnbp.PauliSum(3).add(0.5, "XZ", (2, 0))
    assert G.terms == ((0.5, "ZX", (0, 2)),)
    assert_allclose(
        G.to_dense(), 0.5 * np.kron(np.kron(PAULI["Z"], np.eye(2)), PAULI["X"])
    )


@pytest.mark.parametrize("n", [4, 5])
def test_xxz_family_matches_kron(n):
    """Builders against sums of np.kron products, scalar and array couplings.

    Both sides are sums of exact +-1, +-i entries times the same floats: 1e-14.
    """
    rng = np.random.default_rng(n)
    J, h = rng.normal(size=n - 1), rng.normal(size=n)
    cases = [
        (hm.xxz_chain(n, J=0.7, delta=-0.4, h=0.3), xxz_reference(n, 0.7, -0.4, 0.3)),
        (hm.xxz_chain(n, J=J, delta=1.7, h=h), xxz_reference(n, J, 1.7, h)),
        (hm.xx_chain(n, J=J, h=h), xxz_reference(n, J, 0.0, h)),
        (hm.heisenberg_chain(n), xxz_reference(n, 1.0, 1.0, 0.0)),
        (hm.heisenberg_chain(n, J=J, h=h), xxz_reference(n, J, 1.0, h)),
    ]
    for H, ref in cases:
        assert H.n == n and H.locality == 2
        assert_allclose(H.to_dense(), ref, rtol=0, atol=1e-14)
        assert abs(np.trace(H.to_dense())) < 1e-12  # builders are traceless


@pytest.mark.parametrize("n", [4, 5])
def test_tfim_matches_kron(n):
    rng = np.random.default_rng(10 + n)
    J, g = rng.normal(size=n - 1), rng.normal(size=n)
    for H, ref in [
        (hm.tfim_chain(n), tfim_reference(n, 1.0, 1.0)),
        (hm.tfim_chain(n, J=0.5, g=1.3), tfim_reference(n, 0.5, 1.3)),
        (hm.tfim_chain(n, J=J, g=g), tfim_reference(n, J, g)),
    ]:
        assert_allclose(H.to_dense(), ref, rtol=0, atol=1e-14)
        assert abs(np.trace(H.to_dense())) < 1e-12


@pytest.mark.parametrize("pairs", ["all", "nearest"])
def test_random_two_local_structure_and_dense(pairs):
    """Every qubit carries X, Y, Z; every link all 9 letter pairs; to_dense is
    the np.kron sum of the listed terms (1e-13: ~50 unit-scale terms)."""
    n = 5
    H = hm.random_two_local(n, pairs=pairs, seed=3)
    links = (
        list(itertools.combinations(range(n), 2))
        if pairs == "all"
        else [(i, i + 1) for i in range(n - 1)]
    )
    assert len(H) == 3 * n + 9 * len(links)
    onsite = sorted((q, p) for _, p, q in H.terms if len(q) == 1)
    assert onsite == [((i,), a) for i in range(n) for a in "XYZ"]
    offsite = sorted((q, p) for _, p, q in H.terms if len(q) == 2)
    expected = [
        (link, a + b) for link in links for a, b in itertools.product("XYZ", "XYZ")
    ]
    assert offsite == sorted(expected)
    assert H.constant == 0.0
    assert_allclose(H.to_dense(), kron_terms(n, H.terms), rtol=0, atol=1e-13)
    assert abs(np.trace(H.to_dense())) < 1e-12


# ----------------------------------------------- constant, simplify, scale
def test_traceless_removes_an_identity_constant():
    """An all-identity string goes to `constant`: Tr H = c 2^n; traceless() subtracts
    exactly c I and leaves the input untouched."""
    n, c = 4, 0.7
    H = hm.heisenberg_chain(n, h=0.2)
    base = H.to_dense()
    H.add(c, "II", (0, 2)).add(-0.2, "I", 3)
    assert H.constant == pytest.approx(0.5)
    dense = H.to_dense()
    assert np.trace(dense).real == pytest.approx(0.5 * 2**n, abs=1e-12)
    T = H.traceless()
    assert T.constant == 0.0
    assert_allclose(T.to_dense(), base, atol=1e-14)
    assert abs(np.trace(T.to_dense())) < 1e-12
    assert H.constant == pytest.approx(0.5)  # not modified in place


def test_simplified_merges_duplicates():
    """Equal strings on equal qubits (also given in another order) add up,
    cancelling ones vanish, first-appearance order is kept, the matrix is unchanged."""
    H = tnbp.PauliSum(3)
    H.add(1.0, "XZ", (0, 2)).add(0.5, "Y", 1).add(2.0, "ZX", (2, 0))
    H.add(-0.5, "Y", (1,)).add(0.25, "XX", (1, 2)).add(1.0, "I", 0)
    assert len(H) == 5
    S = H.simplified()
    assert S.terms == ((3.0, "XZ", (0, 2)), (0.25, "XX", (1, 2)))
    assert S.constant == 1.0
    assert_allclose(S.to_dense(), H.to_dense(), atol=1e-14)
    assert_allclose(
        S.to_dense(),
        np.eye(8)
        + 3.0 * kron_string(3, {0: "X", 2: "Z"})
        + 0.25 * kron_string(3, {1: "X", 2: "X"}),
        atol=1e-14,
    )


def test_scaled():
    H = hm.xxz_chain(4, J=[1.0, 2.0, 3.0], delta=0.5, h=0.1).add(0.3, "I", 0)
    S = H.scaled(-2.5)
    assert S.constant == pytest.approx(-0.75)
    assert_allclose(
        S.to_dense(),
        -2.5 * xxz_reference(4, [1, 2, 3], 0.5, 0.1) - 0.75 * np.eye(16),
        atol=1e-13,
    )
    assert_allclose(
        H.to_dense(),
        xxz_reference(4, [1, 2, 3], 0.5, 0.1) + 0.3 * np.eye(16),
        atol=1e-14,
    )


def test_local_terms_and_observable():
    """local_terms() re-embedded by np.kron sums to H - c; to_observable() gives
    <psi|H|psi> of a random state, against psi^dag H psi with the kron matrix."""
    n = 4
    H = hm.random_two_local(n, pairs="nearest", seed=9).add(0.4, "IZ", (0, 1))
    H.add(0.3, "ZZ", (1, 2)).add(-1.1, "I", 2)  # duplicate support (1, 2)
    total = np.zeros((2**n, 2**n), dtype=complex)
    for qubits, mat in H.local_terms().items():
        assert list(qubits) == sorted(qubits) and mat.shape == (2 ** len(qubits),) * 2
        rest = [q for q in range(n) if q not in qubits]
        # kron(mat, I_rest), then permute tensor factors to qubit order
        full = np.kron(mat, np.eye(2 ** len(rest))).reshape((2,) * (2 * n))
        order = list(qubits) + rest
        inv = np.argsort(order)
        full = full.transpose(list(inv) + [n + i for i in inv])
        total += full.reshape(2**n, 2**n)
    ref = kron_terms(n, H.terms)
    assert_allclose(total, ref, atol=1e-13)
    rng = np.random.default_rng(0)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    value = tnbp.expectation_value(tnbp.DenseState(psi), H.to_observable())
    assert value == pytest.approx(
        np.vdot(psi, (ref - 1.1 * np.eye(2**n)) @ psi).real, abs=1e-12
    )


# ----------------------------------------------------------------------- MPO
@pytest.mark.parametrize(
    "make",
    [
        lambda n: hm.random_two_local(n, seed=n),
        lambda n: hm.random_two_local(n, pairs="nearest", seed=n).add(0.9, "I", 0),
        lambda n: hm.xxz_chain(
            n, J=np.linspace(0.5, 1.5, n - 1), delta=0.3, h=np.arange(n) / n
        ),
    ],
    ids=["random_all", "random_nearest", "xxz_fields"],
)
@pytest.mark.parametrize("n", [5, 6, 7])
def test_mpo_matches_dense(make, n):
    """The automaton MPO contracts to the kron matrix (1e-12: its compression cutoff
    is 1e-12 relative, and the entries are O(1) sums of O(n^2) terms)."""
    H = make(n)
    mpo = H.to_mpo()
    assert mpo.L == n
    assert_allclose(
        mpo.to_dense(), kron_terms(n, H.terms, H.constant), rtol=0, atol=1e-12
    )


@pytest.mark.parametrize(
    "H, bound",
    [
        (hm.xxz_chain(8, delta=0.5, h=0.3), 5),
        (hm.random_two_local(8, pairs="nearest", seed=1), 5),
        (hm.tfim_chain(8), 3),
    ],
    ids=["xxz", "random_nearest", "tfim"],
)
def test_nearest_neighbour_mpo_is_small(H, bound):
    """A nearest-neighbour chain needs "nothing yet", "done" and one open channel per
    letter on the left qubit: bond <= 2 + 3 (2 + 1 for the Ising chain's XX)."""
    assert H.to_mpo().max_bond() <= bound


def test_mpo_rejects_three_local():
    H = tnbp.PauliSum(4).add(1.0, "XYZ", (0, 1, 2))
    with pytest.raises(ValueError, match="`H`"):
        H.to_mpo()


# --------------------------------------------------------------------- norms
def test_norm_exact_and_dmrg_random_nearest():
    """||H|| from eigvalsh of the kron matrix; DMRG's variational extremes agree to
    1e-6 relative (converged to tol 1e-9 in energy at bond <= 64, far above the
    needs of an n = 8 chain)."""
    H = hm.random_two_local(8, pairs="nearest", seed=4)
    w = np.linalg.eigvalsh(kron_terms(8, H.terms))
    ref = max(abs(w[0]), abs(w[-1]))
    assert H.norm(method="exact") == pytest.approx(ref, rel=1e-12)
    assert H.norm() == pytest.approx(ref, rel=1e-12)  # auto: exact at n <= 12
    assert H.norm(method="dmrg") == pytest.approx(ref, rel=1e-6)


def test_norm_dmrg_tfim_against_free_fermions():
    """n = 10 TFIM: DMRG against the Majorana single-particle formula (itself checked
    against the kron matrix at n = 6 to 1e-12)."""
    assert tfim_norm_free_fermion(6, 0.8, 1.3) == pytest.approx(
        np.abs(np.linalg.eigvalsh(tfim_reference(6, 0.8, 1.3))).max(), rel=1e-12
    )
    H = hm.tfim_chain(10, J=0.8, g=1.3)
    assert H.norm(method="dmrg") == pytest.approx(
        tfim_norm_free_fermion(10, 0.8, 1.3), rel=1e-6
    )


def test_normalized_has_unit_norm():
    H = hm.random_two_local(6, seed=2)
    N = H.normalized()
    w = np.linalg.eigvalsh(kron_terms(6, N.terms))
    assert max(abs(w[0]), abs(w[-1])) == pytest.approx(1.0, rel=1e-12)
    assert_allclose(N.to_dense() * H.norm(), H.to_dense(), atol=1e-12)


# ------------------------------------------------------------ random models
def test_random_two_local_is_reproducible():
    a = hm.random_two_local(6, seed=11)
    assert a.terms == hm.random_two_local(6, seed=11).terms
    assert a.terms == hm.random_two_local(6, seed=np.random.default_rng(11)).terms
    assert a.terms != hm.random_two_local(6, seed=12).terms


@pytest.mark.parametrize("n", [2, 3, 7])
def test_random_two_local_term_counts(n):
    """3n onsite terms plus 9 per pair: n(n-1)/2 pairs (all) or n-1 (nearest)."""
    assert len(hm.random_two_local(n, seed=0)) == 3 * n + 9 * n * (n - 1) // 2
    assert len(hm.random_two_local(n, pairs="nearest", seed=0)) == 3 * n + 9 * (n - 1)
    assert len(hm.random_two_local(n, onsite_std=0.0, seed=0)) == 9 * n * (n - 1) // 2


def test_random_two_local_coefficient_statistics():
    """Sample mean and std of 6000 onsite and 17991 offsite coefficients at 5 standard
    errors (std: sigma/sqrt(2N), mean: sigma/sqrt(N))."""
    H = hm.random_two_local(
        2000, onsite_std=0.3, offsite_std=2.0, pairs="nearest", seed=5
    )
    for k, sigma in ((1, 0.3), (2, 2.0)):
        c = np.array([c for c, _, q in H.terms if len(q) == k])
        N = c.size
        assert N == (6000 if k == 1 else 9 * 1999)
        assert abs(c.mean()) < 5 * sigma / np.sqrt(N)
        assert abs(c.std() / sigma - 1) < 5 / np.sqrt(2 * N)


# -------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: tnbp.PauliSum(3).add(1j, "X", 0), TypeError, "`coeff`"),
        (
            lambda: tnbp.PauliSum(3).add(np.complex128(1.0), "X", 0),
            TypeError,
            "`coeff`",
        ),
        (lambda: tnbp.PauliSum(3).add(np.nan, "X", 0), ValueError, "`coeff`.*finite"),
        (lambda: tnbp.PauliSum(3).add(np.inf, "X", 0), ValueError, "`coeff`.*finite"),
        (
            lambda: tnbp.PauliSum(3).add(1.0, "XX", (0, 3)),
            ValueError,
            "`qubits`.*range",
        ),
        (lambda: tnbp.PauliSum(3).add(1.0, "XX", (1, 1)), ValueError, "`qubits`"),
        (lambda: tnbp.PauliSum(3).add(1.0, "Q", 0), ValueError, "`pauli`"),
        (lambda: tnbp.PauliSum(3).add(1.0, "XX", 0), ValueError, "`pauli`"),
        (lambda: hm.xxz_chain(4, J=[1.0, 2.0]), ValueError, "`J`"),
        (lambda: hm.tfim_chain(4, J=np.ones(4)), ValueError, "`J`"),
        (lambda: hm.xxz_chain(4, J=1j), TypeError, "`J`"),
        (lambda: hm.xxz_chain(4, h=[0.0, np.nan, 0.0, 0.0]), ValueError, "`h`"),
        (lambda: hm.xx_chain(4, h=np.inf), ValueError, "`h`"),
        (lambda: hm.random_two_local(4, pairs="ring"), ValueError, "`pairs`"),
        (lambda: hm.random_two_local(4, offsite_std=-1.0), ValueError, "`offsite_std`"),
        (lambda: tnbp.PauliSum(3).require_terms(), ValueError, "`H`.*no terms"),
        (lambda: tnbp.PauliSum(3).add(2.0, "I", 0).require_terms(), ValueError, "`H`"),
        (lambda: tnbp.gibbs_state(tnbp.PauliSum(3), 1.0), ValueError, "`H`.*no terms"),
        (
            lambda: tnbp.PauliSum(15).add(1.0, "Z", 0).to_dense(),
            ValueError,
            "14 qubits",
        ),
    ],
)
def test_errors_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_dmrg_failure_is_explained(monkeypatch):
    """quimb 1.15 / cotengra 0.8.3 DMRG sometimes raises an AttributeError from its
    matvec builder on all-to-all MPOs (n >= 13, depending on its random start).
    norm() must turn that into a RuntimeError naming the workaround. The failure
    is injected here so the test does not depend on quimb's random start."""
    import quimb.tensor as qtn

    def broken(self, **kwargs):
        raise AttributeError("'numpy.ndarray' object has no attribute 'get_function'")

    monkeypatch.setattr(qtn.DMRG2, "solve", broken)
    with pytest.raises(RuntimeError, match="method='exact'"):
        hm.tfim_chain(6).norm(method="dmrg")


def test_to_dense_at_13_qubits_is_fast_and_hermitian():
    """Bit-mask construction: O(terms x 2^n), so n = 13 all-to-all takes seconds."""
    H = hm.random_two_local(13, seed=7)
    D = H.to_dense()
    assert np.abs(D - D.conj().T).max() < 1e-12
    assert abs(np.trace(D)) < 1e-9


def test_mpo_is_real_for_a_real_hamiltonian():
    """Open Y channels travel as the real iY: a real H (every term with an even number
    of Y's) gets a float64 MPO, equal to H to 1e-12 as above; a Y alone keeps it
    complex."""
    H = hm.xxz_chain(6, delta=0.5, h=0.3)  # XX + YY + ZZ + Z: real
    mpo = H.to_mpo()
    assert all(t.data.dtype == np.float64 for t in mpo)
    assert_allclose(mpo.to_dense(), kron_terms(6, H.terms, H.constant), atol=1e-12)
    H = tnbp.PauliSum(3).add(1.0, "XY", (0, 2)).add(0.5, "Z", (1,))
    assert H.to_mpo()[0].data.dtype == np.complex128
    assert_allclose(H.to_mpo().to_dense(), H.to_dense(), rtol=0, atol=1e-12)
