"""GUE matrices: Hermitian, the stated normalization, the semicircle."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp._threads import blas_threads_limit
from tnbp.limits import MAX_GUE_QUBITS
from tnbp.models.gue import gue_matrix


def test_hermitian_and_reproducible():
    H = gue_matrix(4, seed=3)
    assert H.shape == (16, 16) and H.dtype == complex
    assert np.array_equal(H, H.conj().T)  # exactly: built as (A + A^dag) / 2 sqrt(D)
    assert np.array_equal(H, gue_matrix(4, seed=3))
    assert np.array_equal(H, tnbp.gue_matrix(4, seed=np.random.default_rng(3)))
    assert not np.allclose(H, gue_matrix(4, seed=4))


def test_entries_have_the_stated_variances():
    """E|H_ij|^2 = 1/D; diagonal N(0, 1/D); Re and Im off the diagonal N(0, 1/(2D))."""
    n, draws = 3, 4000
    D = 2**n
    rng = np.random.default_rng(11)
    Hs = np.array([gue_matrix(n, seed=rng) for _ in range(draws)])
    iu = np.triu_indices(D, 1)
    diag = np.einsum("sii->si", Hs).real.ravel()
    off = Hs[:, iu[0], iu[1]].ravel()
    # each estimate is a mean of >= 32,000 values: relative s.e. <= sqrt(2/32000)
    # = 0.8 % for a variance; 5 % is more than 6 of them
    assert_allclose(diag.var() * D, 1.0, rtol=0.05)
    assert_allclose(off.real.var() * 2 * D, 1.0, rtol=0.05)
    assert_allclose(off.imag.var() * 2 * D, 1.0, rtol=0.05)
    # means: s.e. 1/sqrt(D * 32000) = 2e-3; 1e-2 is 5 of them
    assert abs(diag.mean()) < 1e-2 and abs(off.mean()) < 1e-2


@pytest.mark.parametrize("n", [1, 2, 4])
def test_moments_are_the_exact_gue_moments(n):
    """E Tr H^2 / D = 1 and E Tr H^4 / D = 2 + 1/D^2 (genus expansion), exactly."""
    D, draws = 2**n, 3000
    rng = np.random.default_rng(n)
    m2, m4 = [], []
    for _ in range(draws):
        H = gue_matrix(n, seed=rng)
        H2 = H @ H
        m2.append(np.trace(H2).real / D)
        m4.append(np.trace(H2 @ H2).real / D)
    m2, m4 = np.array(m2), np.array(m4)
    for values, exact in ((m2, 1.0), (m4, 2.0 + 1.0 / D**2)):
        se = values.std(ddof=1) / np.sqrt(draws)
        assert abs(values.mean() - exact) < 4 * se  # a 4-sigma test


def test_spectrum_fills_the_semicircle():
    """The empirical distribution of one n = 9 draw is Wigner's on [-2, 2]."""
    with blas_threads_limit(1):  # threads only slow a 512 x 512 eigvalsh down
        w = np.linalg.eigvalsh(gue_matrix(9, seed=0))
    x = np.clip(w / 2, -1, 1)
    semicircle_cdf = 0.5 + (x * np.sqrt(1 - x**2) + np.arcsin(x)) / np.pi
    empirical = (np.arange(w.size) + 0.5) / w.size
    # eigenvalues are rigid: the CDF deviates by O(log D / D) ~ 1e-2 at D = 512
    assert np.abs(empirical - semicircle_cdf).max() < 0.03
    assert 1.9 < w.max() < 2.1 and -2.1 < w.min() < -1.9  # edges, ~ D^(-2/3)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="`n`"):
        gue_matrix(0)
    with pytest.raises(ValueError, match="MAX_GUE_QUBITS"):
        gue_matrix(MAX_GUE_QUBITS + 1)
    with pytest.raises(TypeError, match="`n`"):
        gue_matrix(2.0)
    with pytest.raises(ValueError, match="`seed`"):
        gue_matrix(2, seed=-1)


def test_dqnn_generators_are_normalized_gue_draws():
    """tnbp.random_generators draws its generators through gue_matrix (one stream)."""
    net = tnbp.DQNN((1, 1), "toy")
    (G,) = tnbp.random_generators(net, seed=5)
    H = gue_matrix(2, seed=5)
    assert_allclose(G, H * 2 / np.linalg.norm(H), rtol=0, atol=1e-14)  # rounding
