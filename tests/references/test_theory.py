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


def test_pinsker_bound_is_proposition_1():
    """Eqs. 2-3 of arXiv:2010.15968: T <= sqrt(Delta ln 2 / 2), Delta in bits."""
    assert theory.pinsker_trace_distance_bound(0) == 0.0
    assert_allclose(theory.pinsker_trace_distance_bound(2.0), np.sqrt(np.log(2)))
    # Pinsker on 2000 random spectra of 1-4 qubits (some rank-deficient)
    rng = np.random.default_rng(5)
    worst = 0.0
    for _ in range(2000):
        k = int(rng.integers(1, 5))
        p = rng.dirichlet(np.full(2**k, rng.choice([0.05, 1.0, 50.0])))
        p[rng.random(p.size) < 0.1] = 0
        if p.sum() == 0:
            continue
        p /= p.sum()
        T = spectrum.trace_distance_to_maximally_mixed(p, k)
        # an inequality, tight near I/D: the entropy's rounding (~1e-15 bits)
        # is allowed for, 1e-14 bits of deficit
        deficit = max(k - spectrum.renyi_entropy(p), 0.0) + 1e-14
        worst = max(worst, T / theory.pinsker_trace_distance_bound(deficit))
    assert worst <= 1
    # it is tight for one qubit near I/2 (p = 1/2 +- eps: T = eps, Delta ln 2 ~ 2 eps^2)
    eps = 1e-4
    p = np.array([0.5 + eps, 0.5 - eps])
    bound = theory.pinsker_trace_distance_bound(1 - spectrum.renyi_entropy(p))
    assert_allclose(bound, eps, rtol=1e-7)  # next order: (4/3) eps^2 relative


@pytest.mark.parametrize(("nv", "nh"), [(1, 15), (2, 14), (4, 12), (3, 20)])
def test_pinsker_of_page_deficit_is_the_haar_bound(nv, nh):
    """Page's deficit (D_v^2 - 1)/(2 D_v D_h) nats gives 1/2 sqrt(D_v/D_h) sqrt(1 - D_v^-2)."""
    bound = theory.pinsker_trace_distance_bound(nv - theory.page_entropy(nv, nh))
    expected = theory.haar_trace_distance_bound(nv, nh) * np.sqrt(1 - 4.0**-nv)
    # the O(D_h^-2) rest of Page's formula: relative 2^-(nh - nv) at most
    assert_allclose(bound, expected, rtol=2.0 ** -(nh - nv))


def test_pinsker_bound_refuses_bad_deficits():
    for bad in (-1e-3, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="`deficit`"):
            theory.pinsker_trace_distance_bound(bad)
    with pytest.raises(TypeError, match="`deficit`"):
        theory.pinsker_trace_distance_bound("1")


def test_trace_distance_bound_holds_for_the_haar_mean():
    """E T <= 1/2 sqrt(D_v/D_h): Cauchy-Schwarz on the Haar purity, exactly."""
    for n_v, n_h in ((1, 1), (1, 5), (2, 3), (3, 3)):
        d_v, d_h = 2**n_v, 2**n_h
        # E ||rho_v - I/D_v||_2^2 = purity - 1/D_v, and ||X||_1 <= sqrt(D_v) ||X||_2
        l2 = theory.haar_purity(d_v, d_h) - 1 / d_v
        assert 0.5 * np.sqrt(d_v * l2) <= theory.haar_trace_distance_bound(n_v, n_h)


@pytest.mark.parametrize("n_hidden", [1, 2, 3, 5])
def test_haar_qubit_trace_distance_law_against_monte_carlo(n_hidden):
    """(2T)^2 ~ Beta(3/2, D_h - 1) for one visible qubit of a Haar state."""
    d_h, samples = 2**n_hidden, 4000
    psi = _haar_vectors(2, d_h, samples, seed=n_hidden)
    rho = np.einsum("sih,sjh->sij", psi, psi.conj())
    T = 0.5 * np.abs(np.linalg.eigvalsh(rho - np.eye(2) / 2)).sum(axis=1)
    stats = theory.haar_qubit_trace_distance_statistics(n_hidden)
    se = T.std(ddof=1) / np.sqrt(samples)
    assert abs(T.mean() - stats["mean"]) < 4 * se  # a 4-sigma test
    # Kolmogorov-Smirnov distance: 1.95 / sqrt(4000) = 0.031 is its 0.1 % level
    T.sort()
    cdf = theory.haar_qubit_trace_distance_cdf(T, n_hidden)
    empirical = np.arange(1, samples + 1) / samples
    assert np.abs(cdf - empirical).max() < 0.031
    bound = theory.haar_trace_distance_bound(1, n_hidden)
    fraction = np.mean(T <= bound)
    p = stats["fraction_under_bound"]
    assert abs(fraction - p) < 4 * np.sqrt(max(p * (1 - p), 1e-4) / samples)


@pytest.mark.parametrize("n_hidden", [1, 2, 4, 9])
def test_haar_qubit_statistics_are_those_of_the_density(n_hidden):
    from scipy.integrate import quad

    def pdf(t):
        return float(theory.haar_qubit_trace_distance_pdf(t, n_hidden))

    stats = theory.haar_qubit_trace_distance_statistics(n_hidden)
    # quadrature of a smooth density on [0, 1/2]: 1e-9 is far above its error
    assert_allclose(quad(pdf, 0, 0.5, limit=200)[0], 1.0, atol=1e-9)
    mean = quad(lambda t: t * pdf(t), 0, 0.5, limit=200)[0]
    assert_allclose(stats["mean"], mean, atol=1e-9)
    assert_allclose(
        theory.haar_qubit_trace_distance_cdf(stats["median"], n_hidden), 0.5, atol=1e-12
    )
    grid = np.linspace(0, 0.5, 200001)
    mode = grid[np.argmax(theory.haar_qubit_trace_distance_pdf(grid, n_hidden))]
    assert abs(mode - stats["mode"]) < 1e-5  # the grid's spacing is 2.5e-6
    bound = theory.haar_trace_distance_bound(1, n_hidden)
    assert_allclose(
        theory.haar_qubit_trace_distance_cdf(bound, n_hidden),
        stats["fraction_under_bound"],
        rtol=1e-14,
    )
    for t in (0.1, 0.3):
        assert_allclose(
            theory.haar_qubit_trace_distance_cdf(t, n_hidden),
            quad(pdf, 0, t, limit=200)[0],
            atol=1e-9,
        )


def test_haar_qubit_limits_and_input():
    """Large D_h: the fraction under the bound tends to P(chi_3 <= 2) = 0.7385."""
    from scipy.stats import chi

    far = theory.haar_qubit_trace_distance_statistics(30)["fraction_under_bound"]
    assert_allclose(far, chi(3).cdf(2.0), rtol=1e-6)  # corrections O(1/D_h)
    big = theory.haar_qubit_trace_distance_statistics(30)
    assert_allclose(big["mean"], 1 / np.sqrt(np.pi * 2**30), rtol=1e-6)
    assert_allclose(theory.haar_qubit_trace_distance_pdf([-0.1, 0.6], 2), [0, 0])
    assert_allclose(theory.haar_qubit_trace_distance_cdf([-1.0, 0.7], 2), [0, 1])
    with pytest.raises(ValueError, match="`n_hidden`"):
        theory.haar_qubit_trace_distance_pdf(0.1, 0)
    with pytest.raises(TypeError, match="`tau`"):
        theory.haar_qubit_trace_distance_cdf("0.1", 1)


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
