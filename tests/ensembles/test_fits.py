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
