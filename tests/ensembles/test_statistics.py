"""The formulas of tnbp.ensembles.statistics: variance errors and effective sizes."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tnbp.ensembles.statistics import (
    RELIABLE_ESS_FRACTION,
    exact_stats,
    inf_norm_comparison,
    median_estimate,
    peak_estimate,
    sample_stats,
    variance_ess,
    variance_standard_error,
)


def test_variance_standard_error_is_the_docstring_formula():
    x = np.random.default_rng(0).standard_t(5, size=37)
    m, d = x.size, x - x.mean()
    s2, mu4 = np.sum(d**2) / (m - 1), np.mean(d**4)
    expected = np.sqrt((mu4 - (m - 3) / (m - 1) * s2**2) / m)
    assert_allclose(variance_standard_error(x), expected, rtol=1e-14)  # rounding
    assert np.isnan(variance_standard_error(x[:3]))  # below 4 samples


@pytest.mark.parametrize(
    ("name", "mu4"),
    [("normal", 3.0), ("exponential", 9.0)],  # fourth central moments, sigma = 1
)
def test_variance_standard_error_is_the_spread_of_the_sample_variance(name, mu4):
    """Over R replicates, the spread of s^2 is sqrt(mu4/m - (m-3)/(m(m-1)))."""
    rng = np.random.default_rng(1)
    m, R = 200, 2000
    x = getattr(rng, name)(size=(R, m))
    exact = np.sqrt(mu4 / m - (m - 3) / (m * (m - 1)))
    spread = x.var(axis=1, ddof=1).std(ddof=1)
    se = np.array([variance_standard_error(row) for row in x])
    # the spread of R = 2000 values is known to ~sqrt((kurt - 1)/4R) < 3%
    # (exponential: kurtosis of s^2 ~ 4); 0.08 is > 3 of those
    assert abs(spread / exact - 1) < 0.08
    # the estimator itself: its rms over replicates (bias O(1/m) ~ 1%)
    assert abs(np.sqrt(np.mean(se**2)) / exact - 1) < 0.08
    if name == "normal":  # Gaussian: 2 sigma^4 / (m - 1)
        assert exact == pytest.approx(np.sqrt(2 / (m - 1)), rel=1e-12)


def test_variance_ess_is_a_third_of_gaussian_samples():
    x = np.random.default_rng(2).normal(size=(50, 3000))
    ess = np.array([variance_ess(row) for row in x]) / (3000 / 3)
    # one row: relative spread ~ sqrt(96 / 3000) / 3 ~ 0.06; the mean of 50: 0.008
    assert abs(ess.mean() - 1) < 0.03


def test_variance_ess_bounds_and_heavy_tails():
    x = np.zeros(100)
    x[:2] = (1.0, -1.0)  # two samples carry all the spread
    assert variance_ess(x) == pytest.approx(2.0, rel=1e-12)
    assert variance_ess(np.full(7, 3.0)) == 7.0  # no spread: every sample counts
    rng = np.random.default_rng(3)
    for y in (rng.normal(size=50), rng.standard_cauchy(size=50)):
        assert 1 <= variance_ess(y) <= y.size  # Cauchy-Schwarz
    heavy = sample_stats(rng.standard_cauchy(size=400))
    light = sample_stats(rng.normal(size=400))
    assert heavy["variance_ess"] < RELIABLE_ESS_FRACTION * 400
    assert not heavy["variance_reliable"] and light["variance_reliable"]


def test_sample_and_exact_stats():
    g = np.array([0.5, -1.0, 2.0, 0.25, -0.75])
    s = sample_stats(g)
    assert s["mean"] == pytest.approx(g.mean(), rel=1e-14)
    assert s["variance"] == pytest.approx(g.var(ddof=1), rel=1e-14)
    assert s["variance_se"] == variance_standard_error(g)
    assert np.isnan(sample_stats(g[:1])["variance"])
    m = np.array([1e-3, 3e-3, 2e-3])
    e = exact_stats(m)
    assert e["mean"] == 0.0 and np.isnan(e["variance_ess"])
    assert e["variance"] == pytest.approx(2e-3, rel=1e-14)
    assert e["variance_se"] == pytest.approx(1e-3 / np.sqrt(3), rel=1e-14)
    assert np.isnan(exact_stats(m[:1])["variance_se"])


def test_a_nan_variance_is_never_reliable():
    one = sample_stats(np.array([0.3]))  # variance NaN, ESS = 1 = all samples
    assert np.isnan(one["variance"]) and not one["variance_reliable"]
    assert exact_stats(np.array([2e-3]))["variance_reliable"]
    assert not exact_stats(np.array([np.nan]))["variance_reliable"]


def test_peak_of_a_gaussian_and_its_standard_error():
    """The peak lands on the mode; its bootstrap s.e. is the spread over replicates."""
    rng = np.random.default_rng(5)
    peaks, ses = [], []
    for _ in range(40):
        d = peak_estimate(rng.normal(1.0, 0.5, size=1000), seed=rng)
        peaks.append(d["peak"])
        ses.append(d["peak_se"])
    peaks = np.array(peaks)
    # kernel smoothing keeps a symmetric mode in place: the mean over 40
    # replicates is within 4 of its standard errors of 1
    assert abs(peaks.mean() - 1.0) < 4 * peaks.std(ddof=1) / np.sqrt(40)
    # the bootstrap s.e. estimates the replicate spread (within a factor 1.6:
    # both are noisy, a mode converges slowly)
    assert 1 / 1.6 < np.mean(ses) / peaks.std(ddof=1) < 1.6


def test_peak_at_a_bound_stays_there_by_reflection():
    """Density 24 T^2 on [0, 1/2] peaks at the bound 1/2."""
    rng = np.random.default_rng(2)
    x = 0.5 * rng.uniform(size=3000) ** (1 / 3)  # inverse of the CDF 8 T^3
    reflected = peak_estimate(x, bounds=(0.0, 0.5))
    plain = peak_estimate(x)
    assert abs(reflected["peak"] - 0.5) < 0.02  # within ~h/4 of the bound
    assert plain["peak"] < reflected["peak"]  # unreflected: pulled inside by ~h
    same = peak_estimate(x, bounds=(None, 0.5), seed=0)
    assert same == peak_estimate(x, bounds=(-np.inf, 0.5), seed=0)


def test_peak_of_a_point_mass_and_bad_input():
    assert peak_estimate([0.5, 0.5, 0.5]) == dict(peak=0.5, peak_se=0.0)
    with pytest.raises(ValueError, match="`x`"):
        peak_estimate([1.0])
    with pytest.raises(ValueError, match="`x`"):
        median_estimate([1.0, np.nan])
    with pytest.raises(ValueError, match="`resamples`"):
        peak_estimate([1.0, 2.0], resamples=1)


def test_median_standard_error_is_the_asymptotic_one():
    """Normal data: s.e. of the median = sqrt(pi / 2) sigma / sqrt(m)."""
    x = np.random.default_rng(8).normal(size=2000)
    d = median_estimate(x, resamples=400, seed=1)
    assert d["median"] == np.median(x)
    expected = np.sqrt(np.pi / 2) / np.sqrt(x.size)
    # 400 bootstrap resamples know the s.e. to ~4 %; the median's bootstrap is
    # itself rough (discrete): 25 %
    assert abs(d["median_se"] / expected - 1) < 0.25


def test_inf_norm_comparison_columns():
    rng = np.random.default_rng(0)
    exact = rng.normal(size=(6, 4))
    fd = exact + rng.normal(scale=1e-6, size=exact.shape)
    d = inf_norm_comparison(fd, exact)
    for route, g in (("fd", fd), ("exact", exact)):
        norms = np.abs(g).max(axis=1)
        assert d[f"inf_norm_mean_{route}"] == pytest.approx(norms.mean(), rel=1e-14)
        assert d[f"inf_norm_variance_{route}"] == pytest.approx(norms.var(ddof=1))
        assert d[f"inf_norm_variance_se_{route}"] == variance_standard_error(norms)
    assert d["max_deviation"] == np.abs(fd - exact).max()
    assert d["variance_relative_deviation"] == pytest.approx(
        abs(d["inf_norm_variance_fd"] - d["inf_norm_variance_exact"])
        / d["inf_norm_variance_exact"]
    )
    one = inf_norm_comparison(fd[:1], exact[:1])  # one instance: no variance
    assert np.isnan(one["inf_norm_variance_fd"])
    assert np.isnan(one["variance_relative_deviation"])
    with pytest.raises(ValueError, match="`fd` and `exact`"):
        inf_norm_comparison(fd, exact[:, :2])
