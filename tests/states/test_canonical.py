"""The canonical-form engine against dense vectors, for site dimensions 2, 4 and 16.

Every reference is built independently of the engine: the MPS is contracted
into one dense vector by ``np.tensordot``, Schmidt values come from an SVD of
its matricization, reduced density matrices from ``np.einsum`` over the dense
vector, expectations from Kronecker products.

Tolerances: the states are normalized, n <= 7 and the entries O(1); the
engine's QR sweeps and the dense SVD are backward stable, so their results
differ by a few ulps times the number of sites (~1e-14). ``atol=1e-12``
leaves two orders of magnitude of margin and is still far below any
physical difference (an error in a gauge or in an index order shows up at
O(1e-1)).
"""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp.states.canonical as canonical
from tnbp.states.canonical import CanonicalMPS, pair

ATOL = 1e-12  # see the module docstring


def random_mps(n, d, chi, seed):
    """Seeded complex site tensors ``(chi_l, d, chi_r)``, bonds capped by the rank."""
    rng = np.random.default_rng(seed)
    dims = [1] + [min(chi, d ** min(i, n - i)) for i in range(1, n)] + [1]
    return [
        rng.normal(size=(dims[i], d, dims[i + 1]))
        + 1j * rng.normal(size=(dims[i], d, dims[i + 1]))
        for i in range(n)
    ]


def dense(arrays):
    psi = arrays[0]
    for A in arrays[1:]:
        psi = np.tensordot(psi, A, axes=1)
    return psi.reshape(-1)


def dense_rdm(psi, n, dk, dt, qubits):
    """rho of the kept factors of ``qubits`` (in that order), by one einsum."""
    T = psi.reshape((dk, dt) * n)
    ket = list(range(2 * n))
    bra = list(range(2 * n, 4 * n))
    for q in range(n):
        bra[2 * q + 1] = ket[2 * q + 1]  # traced factor: traced everywhere
        if q not in qubits:
            bra[2 * q] = ket[2 * q]
    out = [ket[2 * q] for q in qubits] + [bra[2 * q] for q in qubits]
    m = len(qubits)
    return np.einsum(T, ket, T.conj(), bra, out).reshape(dk**m, dk**m)


# (site dimension, traced dimension): a qubit MPS and a purification
DIMS = [(2, 1), (4, 2)]
N = 7


@pytest.fixture(params=DIMS, ids=["qubits", "purification"])
def case(request):
    d, dt = request.param
    arrays = random_mps(N, d, chi=6, seed=d)
    psi = dense(arrays)
    return arrays, psi, d, dt


def test_norm_and_schmidt_values(case):
    arrays, psi, d, dt = case
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    norm = np.linalg.norm(psi)
    assert canon.norm == pytest.approx(norm, rel=1e-13)  # one sum of squares
    psi = psi / norm
    for cut in range(1, N):
        exact = np.linalg.svd(psi.reshape(d**cut, -1), compute_uv=False)
        got = canon.schmidt[cut - 1]
        assert got.shape == (arrays[cut - 1].shape[2],)  # one value per bond index
        assert_allclose(got, exact[: got.size], atol=ATOL)
        assert_allclose(exact[got.size :], 0, atol=ATOL)  # nothing beyond the bond
        assert_allclose(np.sum(got**2), 1.0, atol=ATOL)


def test_sites_are_right_orthonormal_and_input_untouched(case):
    arrays, _, d, dt = case
    before = [A.copy() for A in arrays]
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    for A, A0 in zip(arrays, before):
        assert np.array_equal(A, A0)
    for B in canon.B[1:]:
        M = B.reshape(B.shape[0], -1)
        assert_allclose(M @ M.conj().T, np.eye(B.shape[0]), atol=ATOL)


@pytest.mark.parametrize(
    "qubits",
    [(0,), (3,), (6,), (2, 3), (1, 2, 3), (4, 3, 2), (0, 6), (5, 1, 3), (6, 0, 2, 4)],
)
@pytest.mark.parametrize("method", ["auto", "ket", "env"])
def test_reduced_density_matrices(case, qubits, method):
    """Contiguous and scattered sets, in sorted and arbitrary order."""
    arrays, psi, d, dt = case
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    psi = psi / np.linalg.norm(psi)
    rho = canon.reduced_density_matrix(qubits, method=method)
    assert_allclose(rho, dense_rdm(psi, N, d // dt, dt, qubits), atol=ATOL)


def test_auto_strategy_holds_the_fewest_entries(case):
    arrays, _, _, dt = case
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    sizes = canon.rdm_memory((0, 6))
    assert sizes["env"] < sizes["ket"]  # scattered: the environments win
    sizes = canon.rdm_memory((3,))
    assert sizes["ket"] < sizes["env"]  # one site: the ket wins


def test_memory_limit_is_enforced(case, monkeypatch):
    arrays, _, _, dt = case
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    need = min(canon.rdm_memory((0, 6)).values())
    monkeypatch.setattr(canonical, "MAX_RDM_ENTRIES", need - 1)
    with pytest.raises(ValueError, match="`qubits`.*entries"):
        canon.reduced_density_matrix((0, 6))
    monkeypatch.setattr(canonical, "MAX_RDM_ENTRIES", need)
    canon.reduced_density_matrix((0, 6))


def test_expectations(case):
    arrays, psi, d, dt = case
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    psi = psi / np.linalg.norm(psi)
    dk = d // dt
    rng = np.random.default_rng(7)
    for sites in [(0,), (3,), (2, 3), (1, 5), (0, 3, 6)]:
        ops = {
            q: rng.normal(size=(dk, dk)) + 1j * rng.normal(size=(dk, dk)) for q in sites
        }
        # (O_0 x I_t x O_1 x I_t x ...) psi: each O on its kept factor (axis 2q)
        T = psi.reshape((dk, dt) * N)
        for q, op in ops.items():
            T = np.moveaxis(np.tensordot(op, T, axes=(1, 2 * q)), 0, 2 * q)
        assert canon.expectation(ops) == pytest.approx(
            np.vdot(psi, T.reshape(-1)), abs=ATOL
        )
    assert canon.expectation({}) == 1.0


def test_right_canonical_input_skips_the_sweep(case):
    """A purification with its centre at site 0 (as the Gibbs engine leaves it)."""
    arrays, psi, _, dt = case
    swept = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    trusted = CanonicalMPS.from_arrays(
        [3.0 * swept.B[0]] + swept.B[1:], traced_dim=dt, right_canonical=True
    )
    assert trusted.norm == pytest.approx(3.0, rel=1e-13)
    assert_allclose(dense(trusted.B), dense(swept.B), atol=ATOL)
    for a, b in zip(trusted.schmidt, swept.schmidt):
        assert_allclose(a, b, atol=ATOL)
    assert_allclose(
        trusted.reduced_density_matrix((5, 1)),
        swept.reduced_density_matrix((5, 1)),
        atol=ATOL,
    )


def test_sixteen_dimensional_sites():
    """The doubled operators of the moments engine: d = 16, nothing traced."""
    arrays = random_mps(3, 16, chi=5, seed=3)
    psi = dense(arrays)
    psi /= np.linalg.norm(psi)
    canon = CanonicalMPS.from_arrays(arrays)
    assert canon.kept_dim == 16 and canon.traced_dim == 1
    for cut in (1, 2):
        exact = np.linalg.svd(psi.reshape(16**cut, -1), compute_uv=False)
        assert_allclose(canon.schmidt[cut - 1], exact[:5], atol=ATOL)
    assert_allclose(
        canon.reduced_density_matrix((2, 0)),
        dense_rdm(psi, 3, 16, 1, (2, 0)),
        atol=ATOL,
    )


@pytest.mark.parametrize("d", [2, 4, 16])
def test_pairing_against_dense_inner_products(d):
    n = 5 if d < 16 else 3
    a = random_mps(n, d, chi=4, seed=10 + d)
    b = random_mps(n, d, chi=3, seed=20 + d)
    va, vb = dense(a), dense(b)
    # unnormalized O(1) entries summed over d^n terms: relative tolerance
    scale = np.linalg.norm(va) * np.linalg.norm(vb)
    assert abs(pair(a, b) - np.vdot(va, vb)) <= 1e-12 * scale
    assert abs(pair(a, b, conjugate=False) - va @ vb) <= 1e-12 * scale
    assert pair(a, a).real == pytest.approx(np.vdot(va, va).real, rel=1e-12)


def test_bad_input_names_the_argument():
    arrays = random_mps(4, 4, chi=3, seed=0)
    with pytest.raises(ValueError, match="`traced_dim`"):
        CanonicalMPS.from_arrays(arrays, traced_dim=3)
    with pytest.raises(ValueError, match="norm"):
        CanonicalMPS.from_arrays([0 * A for A in arrays])
    with pytest.raises(ValueError, match="`arrays`"):
        CanonicalMPS.from_arrays([])
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=2)
    with pytest.raises(ValueError, match="`qubits`"):
        canon.reduced_density_matrix((1, 1))
    with pytest.raises(ValueError, match="`qubits`"):
        canon.reduced_density_matrix((0, 4))
    with pytest.raises(ValueError, match="`method`"):
        canon.reduced_density_matrix((0,), method="dense")
    with pytest.raises(ValueError, match="`ops`"):
        canon.expectation({5: np.eye(2)})
    with pytest.raises(ValueError, match="`bra` and `ket`"):
        pair(arrays, arrays[:3])
    with pytest.raises(ValueError, match="site dimensions"):
        pair(arrays, random_mps(4, 2, chi=3, seed=0))


def test_engine_pickles_with_its_lazy_gauges(case):
    """States travel to worker processes: the engine must survive pickling."""
    arrays, _, _, dt = case
    canon = CanonicalMPS.from_arrays(arrays, traced_dim=dt)
    rho = canon.reduced_density_matrix((4, 1))  # gauges computed up to site 1
    clone = pickle.loads(pickle.dumps(canon))
    assert np.array_equal(clone.reduced_density_matrix((4, 1)), rho)
    for a, b in zip(clone.schmidt, canon.schmidt):
        assert np.array_equal(a, b)  # the same arithmetic on the same arrays
