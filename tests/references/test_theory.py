"""Closed forms in tnbp.theory against known values and Monte Carlo."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tnbp import theory
from tnbp.states import spectrum


def test_page_small_cases():
    # two qubits: <S> = 1/3 nat (Page 1993)
    assert_allclose(theory.page_entropy(1, 1), (1 / 3) / np.log(2), rtol=1e-12)
    assert theory.page_entropy(0, 5) == pytest.approx(0.0, abs=1e-12)
    # large-N asymptote log2 m - m / (2 N ln 2)
    m, N = 2.0**6, 2.0**14
    assert_allclose(theory.page_entropy(6, 14), 6 - m / (2 * N * np.log(2)), atol=1e-6)
    assert theory.page_entropy(3, 5) == theory.page_entropy(5, 3)


def test_page_large_sizes_use_the_asymptotic_form():
    """Beyond 40 qubits the digammas overflow (600 + 600 gave inf); the expansion
    ln m - m/(2N) + 1/(2mN) + O(N^-2) is exact to double precision there."""
    from scipy.special import digamma

    # at the switch both forms agree to rounding (the digammas lose ~1e-15)
    for small in (1, 10, 20, 40):
        for large in (40, 41):  # digamma form, then asymptotic form
            m, N = 2.0**small, 2.0**large
            exact = digamma(m * N + 1) - digamma(N + 1) - (m - 1) / (2 * N)
            assert_allclose(
                theory.page_entropy(small, large), exact / np.log(2), rtol=0, atol=1e-14
            )
    assert theory.page_entropy(600, 600) == pytest.approx(600 - 1 / (2 * np.log(2)))
    assert theory.page_entropy(200, 300) <= 200  # never above min(n_a, n_b)
    assert theory.page_entropy(1, 1000) == pytest.approx(1 - 2.0**-1000 / np.log(2))


def _haar_vectors(da, db, samples, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(samples, da, db)) + 1j * rng.normal(size=(samples, da, db))
    return z / np.linalg.norm(z, axis=(1, 2), keepdims=True)


@pytest.mark.parametrize(("da", "db"), [(2, 2), (4, 8), (8, 8)])
def test_haar_purity_and_page_against_monte_carlo(da, db):
    psi = _haar_vectors(da, db, 4000, seed=da * db)
    probs = [np.linalg.svd(m, compute_uv=False) ** 2 for m in psi]
    pur = np.array([spectrum.purity(p) for p in probs])
    ent = np.array([spectrum.renyi_entropy(p) for p in probs])
    sem = lambda x: x.std(ddof=1) / np.sqrt(len(x))  # noqa: E731
    assert abs(pur.mean() - theory.haar_purity(da, db)) < 4 * sem(pur)
    na, nb = int(np.log2(da)), int(np.log2(db))
    assert abs(ent.mean() - theory.page_entropy(na, nb)) < 4 * sem(ent)


def test_trace_distance_bound():
    assert theory.haar_trace_distance_bound(1, 1) == 0.5
    assert_allclose(theory.haar_trace_distance_bound(2, 10), 0.5 * 2.0**-4)


def test_spectrum_functions():
    p = np.array([0.5, 0.25, 0.25])
    assert_allclose(spectrum.renyi_entropy(p), 1.5)
    assert_allclose(spectrum.renyi_entropy(p, 2), -np.log2(0.375))
    assert_allclose(spectrum.renyi_entropy(p, np.inf), 1.0)
    assert_allclose(spectrum.renyi_entropy(p, 0), np.log2(3))
    assert_allclose(spectrum.purity(p), 0.375)
    # maximally mixed qubit pair: distance 0; pure state: 1 - 1/D
    assert_allclose(
        spectrum.trace_distance_to_maximally_mixed(np.full(4, 0.25), 2), 0, atol=1e-15
    )
    assert_allclose(
        spectrum.trace_distance_to_maximally_mixed(np.array([1.0]), 3), 1 - 1 / 8
    )
    with pytest.raises(ValueError, match="eigenvalues"):
        spectrum.trace_distance_to_maximally_mixed(np.full(5, 0.2), 2)
