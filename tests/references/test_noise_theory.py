"""Noisy-training theory (arXiv:2206.09313, App. D): conventions, eq. 64, bands of eqs. 66/69."""

import numpy as np
import pytest
from scipy import integrate, optimize
from scipy.stats import chi2, norm

from tnbp import theory


@pytest.mark.parametrize(
    ("kind", "factor"),
    [
        ("qntk", 4.0),
        ("qntk_std", 4.0),
        ("meta_kernel", 16.0),
        ("learning_rate", 0.25),
        ("angle_noise", 0.5),
    ],
)
def test_from_paper_convention_inverts_to_paper_convention(kind, factor):
    assert theory.to_paper_convention(3.0, kind) == 3.0 * factor
    assert theory.from_paper_convention(
        theory.to_paper_convention(3.0, kind), kind
    ) == (pytest.approx(3.0, rel=1e-15))


def test_products_the_predictions_use_are_convention_free():
    """eta K and sigma^2 / eta: tnbp's (eta, K, sigma) and the paper's give one plateau."""
    eta_p, k_p, sigma_p = 1e-3, 35.0, 5e-3
    eta = theory.from_paper_convention(eta_p, "learning_rate")
    k = theory.from_paper_convention(k_p, "qntk")
    sigma = theory.from_paper_convention(sigma_p, "angle_noise")
    assert eta * k == pytest.approx(eta_p * k_p, rel=1e-15)
    assert sigma**2 / eta == pytest.approx(sigma_p**2 / eta_p, rel=1e-15)
    assert theory.noise_plateau(eta, k, sigma) == pytest.approx(
        theory.noise_plateau(eta_p, k_p, sigma_p), rel=1e-14
    )


def test_noisy_residual_variance_is_eq30_minus_the_noiseless_square():
    eps0, eta, k, sigma = 0.7, 0.01, 30.0, 0.004
    t = np.arange(0, 400, 7)
    variance = theory.noisy_residual_variance(eta, k, sigma, t)
    eq30 = theory.noisy_mean_square_residual(eps0, eta, k, sigma, t)
    eq19 = theory.frozen_kernel_residual(eps0, eta, k, t)
    np.testing.assert_allclose(variance, eq30 - eq19**2, rtol=1e-12, atol=1e-18)
    assert variance[0] == 0.0  # no noise before the first step
    # one step of eq. 62: K sigma^2; late times: eq. 31
    assert theory.noisy_residual_variance(eta, k, sigma, 1) == pytest.approx(
        k * sigma**2, rel=1e-12
    )
    assert theory.noisy_residual_variance(eta, k, sigma, 10_000) == pytest.approx(
        theory.noise_plateau(eta, k, sigma), rel=1e-12
    )


def test_mean_abs_interval_of_one_and_two_runs_is_exact():
    """R = 1: half-normal quantiles; R = 2: the CDF of |Z1| + |Z2| by quadrature."""
    scale = np.sqrt(theory.noise_plateau(0.02, 10.0, 0.003))
    low, high = theory.late_time_residual_interval(0.02, 10.0, 0.003, 1)
    # the grid convolution is accurate to ~1e-8 here (midpoint reading with
    # the continuity correction); 1e-6 leaves room for the grid's rounding
    assert low == pytest.approx(scale * norm.ppf(0.525), rel=1e-6)
    assert high == pytest.approx(scale * norm.ppf(0.975), rel=1e-6)

    # eta = K = sigma = 1: the late-time residual is a unit normal (eq. 31 = 1)
    def cdf(s):  # P(|Z1| + |Z2| <= s)
        return integrate.quad(
            lambda x: 2 * norm.pdf(x) * (2 * norm.cdf(s - x) - 1), 0, s
        )[0]

    exact = [
        optimize.brentq(lambda s, q=q: cdf(s) - q, 1e-9, 20) / 2 for q in (0.05, 0.95)
    ]
    low, high = theory.late_time_residual_interval(1.0, 1.0, 1.0, 2)
    assert low == pytest.approx(exact[0], rel=1e-6)
    assert high == pytest.approx(exact[1], rel=1e-6)


def test_mean_abs_interval_matches_monte_carlo_and_tends_to_the_clt():
    rng = np.random.default_rng(3)
    draws = np.abs(rng.standard_normal((200_000, 10))).mean(axis=1)
    low, high = theory.late_time_residual_interval(1.0, 1.0, 1.0, 10, level=0.9)
    mc = np.quantile(draws, [0.05, 0.95])
    # Monte Carlo quantile error: sqrt(q (1 - q) / M) / density ~ 1.5e-3 here
    np.testing.assert_allclose([low, high], mc, atol=6e-3)
    # the central interval holds 90% of the draws (binomial SE 6.7e-4)
    assert np.mean((draws >= low) & (draws <= high)) == pytest.approx(0.9, abs=3e-3)
    # large R: normal, mean sqrt(2/pi), sd sqrt((1 - 2/pi) / R); the skew
    # shifts the ends by O(1/R) relative to the spread
    runs = 10_000
    low, high = theory.late_time_residual_interval(1.0, 1.0, 1.0, runs, level=0.9)
    mean, sd = np.sqrt(2 / np.pi), np.sqrt((1 - 2 / np.pi) / runs)
    np.testing.assert_allclose(
        [low, high], [mean - 1.6449 * sd, mean + 1.6449 * sd], atol=0.02 * sd
    )


def test_std_interval_is_the_chi_distribution():
    eta, k, sigma, runs = 0.05, 8.0, 0.002, 10
    scale = np.sqrt(theory.noise_plateau(eta, k, sigma))
    low, high = theory.late_time_residual_interval(
        eta, k, sigma, runs, statistic="std", level=0.8
    )
    expected = scale * np.sqrt(chi2.ppf([0.1, 0.9], runs - 1) / (runs - 1))
    np.testing.assert_allclose([low, high], expected, rtol=1e-12)
    rng = np.random.default_rng(0)
    stds = (scale * rng.standard_normal((100_000, runs))).std(axis=1, ddof=1)
    # binomial SE of the fraction inside: 1.3e-3
    assert np.mean((stds >= low) & (stds <= high)) == pytest.approx(0.8, abs=5e-3)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        (dict(runs=0), ValueError, "runs"),
        (dict(runs=1, statistic="std"), ValueError, "runs"),
        (dict(runs=200_000), ValueError, "runs"),
        (dict(runs=2.0), TypeError, "runs"),
        (dict(runs=5, level=1.0), ValueError, "level"),
        (dict(runs=5, level=0.0), ValueError, "level"),
        (dict(runs=5, statistic="median"), ValueError, "statistic"),
        (dict(runs=5, eta=0.1), ValueError, "eta"),  # eta K = 2: no plateau
    ],
)
def test_interval_rejects_bad_input(kwargs, error, name):
    args = dict(eta=0.01, kernel=20.0, sigma=0.001)
    args.update(kwargs)
    with pytest.raises(error, match=f"`{name}`"):
        theory.late_time_residual_interval(
            args.pop("eta"), args.pop("kernel"), args.pop("sigma"), **args
        )


def test_from_paper_convention_rejects_bad_input():
    with pytest.raises(ValueError, match="`kind`"):
        theory.from_paper_convention(1.0, "eta")
    with pytest.raises(TypeError, match="`value`"):
        theory.from_paper_convention("1", "learning_rate")
    with pytest.raises(ValueError, match="`t`"):
        theory.noisy_residual_variance(0.01, 1.0, 0.1, -1)


def test_steps_of_any_integer_type_do_not_wrap():
    # 2 * t in int8 wrapped to -56 and gave a negative variance; 2 * 2**63 - 2
    # in int64 wrapped too. Steps are taken as float64 (exact to 2^53).
    value = theory.noisy_residual_variance(0.01, 1.0, 0.1, np.int8(100))
    assert value == pytest.approx(theory.noisy_residual_variance(0.01, 1.0, 0.1, 100))
    assert value > 0
    late = theory.noisy_mean_square_residual(1.0, 0.1, 1.0, 0.1, 2**63 - 1)
    assert late == pytest.approx(theory.noise_plateau(0.1, 1.0, 0.1), rel=1e-12)
    with pytest.raises(TypeError, match="`t`"):
        theory.frozen_kernel_residual(1.0, 0.1, 1.0, 2.5)


def test_noise_time_for_tiny_eta_kernel():
    # log(1 - eta K) rounded to 0 (nan, -inf); with log1p: T ~ log(...)/(-eta K)
    T = theory.noise_time(1.0, 1e-17, 1.0, 1e-3)
    expected = 0.5 * np.log1p(2e-17 / 1e-6) / 1e-17
    assert T == pytest.approx(expected, rel=1e-6) and T > 0


def test_late_time_forms_refuse_a_zero_kernel_the_finite_t_forms_take_it():
    with pytest.raises(ValueError, match="`kernel`"):
        theory.noise_plateau(0.1, 0.0, 0.1)
    with pytest.raises(ValueError, match="`kernel`"):
        theory.late_time_mean_abs_residual(0.1, 0.0, 0.1)
    # K = 0: eq. 28 never moves eps, so eq. 30 stays at eps0^2 and eq. 64 at 0
    assert theory.noisy_mean_square_residual(0.5, 0.1, 0.0, 0.1, 7) == 0.25
    assert theory.noisy_residual_variance(0.1, 0.0, 0.1, 7) == 0.0


def test_qntk_mean_refuses_impossible_traces_and_non_bool_large_n():
    with pytest.raises(ValueError, match="`tr_o`"):
        theory.qntk_mean(10, 2, 1.0, tr_o=4.0)  # (Tr O)^2 = 16 > N Tr O^2 = 4
    with pytest.raises(TypeError, match="`large_n`"):
        theory.qntk_mean(10, 2, 1.0, large_n="no")


def test_descent_diverges_where_the_closed_forms_stop():
    """eta K >= 2: |1 - eta K| >= 1, and every frozen-kernel form raises there."""
    assert not theory.descent_diverges(0.05, 35.0)  # eta K = 1.75
    assert theory.descent_diverges(0.3, 35.0) and theory.descent_diverges(1.0, 2.0)
    assert not theory.descent_diverges(1.0, 0.0)  # K = 0: no descent, no divergence
    for eta, kernel in [(0.05, 35.0), (1.0, 2.0)]:
        diverges = theory.descent_diverges(eta, kernel)
        try:
            theory.noise_plateau(eta, kernel, 0.01)
        except ValueError as exc:
            assert diverges and "diverges" in str(exc)
        else:
            assert not diverges
    with pytest.raises(ValueError, match="`eta` must be finite and > 0"):
        theory.descent_diverges(0.0, 1.0)
    with pytest.raises(TypeError, match="`kernel` must be a real number"):
        theory.descent_diverges(0.1, "1")


def test_finite_t_forms_keep_a_tiny_eta_kernel():
    """1 - (1 - eta K)^(2t) was 0 below the rounding of 1 (eta = 1e-300): the
    noise part of eq. 30 is then sigma^2 K t (a random walk), not 0."""
    t = np.arange(4)
    variance = theory.noisy_residual_variance(1e-300, 35.0, 1e-3, t)
    # 2 t x (1 - x (2t - 1) / 2 + ...) with x = 1e-298: exact to rounding
    assert np.allclose(variance, 1e-6 * 35.0 * t, rtol=1e-14, atol=0)
    mean_square = theory.noisy_mean_square_residual(0.5, 1e-300, 35.0, 1e-3, t)
    assert np.allclose(mean_square, 0.25 + 1e-6 * 35.0 * t, rtol=1e-14, atol=0)
    # both branches of |1 - eta K| against the direct power (no cancellation there)
    for eta_kernel in (0.3, 1.0, 1.75):
        direct = 1e-6 / (0.05 * (2 - eta_kernel)) * (1 - (1 - eta_kernel) ** (2 * t))
        assert np.allclose(
            theory.noisy_residual_variance(0.05, eta_kernel / 0.05, 1e-3, t),
            direct,
            rtol=1e-12,
            atol=0,
        )
