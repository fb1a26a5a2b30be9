"""fit_exponential_decay: the weights, errors and interval its docstring states."""

import numpy as np
import pytest
from scipy import stats

import tnbp

N = np.arange(3, 11, dtype=float)
VAR = (
    0.3 * np.exp(-0.7 * N) * np.exp(0.1 * np.random.default_rng(0).normal(size=N.size))
)


def test_unweighted_fit_is_scipy_linregress():
    fit = tnbp.fit_exponential_decay(N, VAR, confidence=0.9)
    ref = stats.linregress(N, np.log(VAR))
    # same normal equations: agreement to rounding
    assert fit.rate == pytest.approx(-ref.slope, rel=1e-12)
    assert fit.rate_err == pytest.approx(ref.stderr, rel=1e-10)
    assert fit.prefactor == pytest.approx(np.exp(ref.intercept), rel=1e-12)
    t = stats.t.ppf(0.95, N.size - 2)  # two-sided 90%, n - 2 dof
    assert fit.rate_ci == pytest.approx(
        (fit.rate - t * fit.rate_err, fit.rate + t * fit.rate_err), rel=1e-12
    )
    assert fit.base == pytest.approx(np.exp(-fit.rate), rel=1e-15)


@pytest.mark.parametrize("scale", [1.0, 0.01])  # honest errors; errors 100x too small
def test_weighted_fit_scales_by_the_reduced_chi_square_only_upwards(scale):
    err = scale * 0.1 * VAR  # relative errors: sigma of ln Var = 0.1 * scale
    fit = tnbp.fit_exponential_decay(N, VAR, variance_err=err)
    w = (VAR / err) ** 2
    coef, cov = np.polyfit(N, np.log(VAR), 1, w=np.sqrt(w), cov="unscaled")
    chi2 = np.sum(w * (np.log(VAR) - np.polyval(coef, N)) ** 2) / (N.size - 2)
    expected = np.sqrt(cov[0, 0] * max(chi2, 1.0))
    assert fit.rate == pytest.approx(-coef[0], rel=1e-10)
    assert fit.rate_err == pytest.approx(expected, rel=1e-8)
    if scale < 1:  # scatter 100x the stated errors widens the interval
        assert chi2 > 1 and fit.rate_err > np.sqrt(cov[0, 0])
    else:  # the errors describe the scatter (chi2 < 1 here): they are kept
        assert chi2 < 1
        assert fit.rate_err == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-8)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="variance_err"):
        tnbp.fit_exponential_decay(N, VAR, variance_err=-VAR)
    with pytest.raises(ValueError, match="`n` and `variance`"):
        tnbp.fit_exponential_decay(N, VAR[:-1])


def test_repeated_sizes_need_three_distinct_values():
    """Two distinct sizes fit a line exactly: [2, 4, 4] gave rate 1.151 +- 0.000,
    [2, 2, 2] a bare LinAlgError; both must be refused, naming `n`."""
    with pytest.raises(
        ValueError, match="`n`: need at least 3 distinct sizes to fit, got 2"
    ):
        tnbp.fit_exponential_decay([2, 4, 4], [0.1, 0.01, 0.01])
    with pytest.raises(
        ValueError, match="`n`: need at least 3 distinct sizes to fit, got 1"
    ):
        tnbp.fit_exponential_decay([2, 2, 2], [0.1, 0.01, 0.01])
    with pytest.raises(ValueError, match="`n` must be finite"):
        tnbp.fit_exponential_decay([2, 3, np.nan], [0.1, 0.01, 0.01])
    # repeated measurements at three distinct sizes are fitted
    fit = tnbp.fit_exponential_decay([2, 3, 3, 4], [0.1, 0.011, 0.009, 0.001])
    assert fit.rate == pytest.approx(np.log(10), rel=0.05)  # ~10x per qubit


def test_power_law_fit_recovers_known_parameters_from_noisy_data():
    """Var = A n^-p with 5% log-normal noise and stated errors: p and A recovered
    within their fitted errors (4 sigma), and the interval covers the truth."""
    from tnbp.ensembles.fits import fit_power_law

    rng = np.random.default_rng(3)
    n = np.array([4, 6, 8, 12, 16, 24, 32, 48, 64], dtype=float)
    truth_p, truth_a = 2.5, 0.3
    sigma = 0.05
    var = truth_a * n**-truth_p * np.exp(sigma * rng.standard_normal(n.size))
    fit = fit_power_law(n, var, variance_err=sigma * var)
    # 4 standard errors: a false alarm once in ~16000 seeds
    assert abs(fit.exponent - truth_p) < 4 * fit.exponent_err
    assert fit.exponent_err < 0.05  # the check has teeth: 5% noise, 9 points
    assert fit.exponent_ci[0] < truth_p < fit.exponent_ci[1]
    assert fit.prefactor == pytest.approx(truth_a, rel=0.2)  # ln A err ~ 0.1
    assert fit.dof == n.size - 2 and fit.chi2 > 0


def test_compare_decay_laws_tells_the_laws_apart():
    from tnbp.ensembles.fits import compare_decay_laws

    n = np.array([4, 8, 16, 32, 64], dtype=float)
    rng = np.random.default_rng(0)
    noise = np.exp(0.1 * rng.standard_normal(n.size))
    power = compare_decay_laws(n, 0.01 * n**-1.5 * noise, variance_err=0.001 * n**-1.5)
    expo = compare_decay_laws(
        n, np.exp(-0.8 * n) * noise, variance_err=0.1 * np.exp(-0.8 * n)
    )
    assert power.preferred == "power_law" and power.delta_aic > 10
    assert power.power_law.exponent == pytest.approx(1.5, abs=0.2)
    assert expo.preferred == "exponential" and expo.delta_aic < -10
    assert expo.exponential.rate == pytest.approx(0.8, abs=0.02)
    d = power.to_dict()
    assert d["preferred"] == "power_law" and d["pow_dof"] == 3
    assert d["delta_aic"] == pytest.approx(
        power.exponential.chi2 - power.power_law.chi2
    )


def test_compare_decay_laws_says_when_the_data_do_not_decide():
    from tnbp.ensembles.fits import AIC_MARGIN, compare_decay_laws

    n = np.array([6, 8, 10, 12], dtype=float)
    # flat values with 10% noise: neither law is resolved from no decay
    flat = np.array([0.31, 0.34, 0.29, 0.33])
    err = 0.03 * np.ones(4)
    c = compare_decay_laws(n, flat, variance_err=err)
    assert c.preferred == "undetermined" and c.smaller_aic in (
        "exponential",
        "power_law",
    )
    assert c.to_dict()["preferred"] == "undetermined"
    assert "undetermined (AIC difference" in c.describe()
    # a clean decay over a narrow range: both laws fit, |dAIC| < 2 decides nothing
    close = compare_decay_laws(n, np.exp(-0.5 * n), variance_err=0.2 * np.exp(-0.5 * n))
    assert abs(close.delta_aic) < AIC_MARGIN and close.preferred == "undetermined"
    # growth is no decay, however well it fits
    grow = compare_decay_laws(n, np.exp(0.5 * n), variance_err=0.01 * np.exp(0.5 * n))
    assert grow.preferred == "undetermined"


def test_compare_decay_laws_without_errors_uses_the_least_squares_aic():
    from tnbp.ensembles.fits import MIN_UNWEIGHTED_VERDICT_POINTS, compare_decay_laws

    n = np.array([4, 6, 8, 12, 16, 24, 32], dtype=float)
    noise = np.exp(0.05 * np.random.default_rng(1).standard_normal(n.size))
    c = compare_decay_laws(n, n**-2.0 * noise)
    # N ln(RSS_exp / RSS_pow): the residual sums are the unweighted chi2
    expected = n.size * np.log(c.exponential.chi2 / c.power_law.chi2)
    assert c.delta_aic == pytest.approx(expected, rel=1e-12)
    assert not c.weighted and c.preferred == "power_law" and c.delta_aic > 10
    # fewer sizes without errors: the same clear data decide nothing
    few = compare_decay_laws(
        n[: MIN_UNWEIGHTED_VERDICT_POINTS - 1], (n**-2.0 * noise)[:-1]
    )
    assert few.smaller_aic == "power_law" and few.preferred == "undetermined"


def test_power_law_fit_rejects_bad_input():
    from tnbp.ensembles.fits import fit_power_law

    with pytest.raises(ValueError, match="`n` must be positive"):
        fit_power_law([0, 1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="`confidence`"):
        fit_power_law([1, 2, 3], [1, 2, 3], confidence=1.5)
    with pytest.raises(ValueError, match="`variance_err`"):
        fit_power_law([1, 2, 3], [1, 2, 3], variance_err=[1, 0, 1])
    # complex or boolean data is a mistake, not something to cast silently
    with pytest.raises(TypeError, match="`variance`"):
        fit_power_law([1, 2, 3], [1, 2, 3 + 1e-3j])
    with pytest.raises(TypeError, match="`variance_err`"):
        fit_power_law([1, 2, 3], [1, 2, 3], variance_err=[True, True, True])
    with pytest.raises(TypeError, match="`n`"):
        fit_power_law(["1", "2", "3"], [1, 2, 3])


@pytest.mark.parametrize("err", [1e300, 1e-300])
@pytest.mark.parametrize("fit", [tnbp.fit_power_law, tnbp.fit_exponential_decay])
def test_extreme_errors_are_named(fit, err):
    """Weights (variance / err)^2 that under- or overflow: LAPACK errors before."""
    with pytest.raises(ValueError, match="`variance_err`: the relative errors"):
        fit([2, 3, 4, 5], [1e-3, 5e-4, 2e-4, 1e-4], variance_err=[err] * 4)
