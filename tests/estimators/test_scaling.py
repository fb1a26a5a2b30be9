"""Area/log/volume-law classification of entropy profiles."""

import numpy as np
import pytest

import tnbp
from tnbp import ansatz, theory


def test_synthetic_laws_recovered():
    n = 40
    ell = np.arange(1, n)
    rng = np.random.default_rng(0)
    noise = 0.01 * rng.normal(size=ell.size)
    area = tnbp.fit_entanglement_law(ell, 1.3 + noise, n=n)
    assert area.law == "area" and area.coefficients["area"][0] == pytest.approx(
        1.3, abs=0.01
    )
    volume = tnbp.fit_entanglement_law(
        ell, 0.5 + 0.9 * np.minimum(ell, n - ell) + noise, n=n
    )
    assert volume.law == "volume"
    assert volume.slope == pytest.approx(0.9, abs=3 * volume.slope_err + 1e-3)
    chord = np.log2(n / np.pi * np.sin(np.pi * ell / n))
    log = tnbp.fit_entanglement_law(ell, 0.7 + (1 / 6) * chord + noise, n=n)
    assert log.law == "log"
    c, e = log.coefficients["log"][1], log.errors["log"][1]
    assert abs(c - 1 / 6) < 3 * e + 1e-3
    row = log.to_dict()
    assert row["law"] == "log" and "volume_v_err" in row


def test_page_curve_is_volume_law():
    n = 20
    ell = np.arange(1, n)
    S = [theory.page_entropy(int(k), n - int(k)) for k in ell]
    assert tnbp.fit_entanglement_law(ell, S, n=n).law == "volume"


def test_product_and_ghz_states_are_area_law():
    circ = tnbp.Circuit(12)
    circ.h(0)
    for k in range(1, 12):
        circ.cnot(k - 1, k)
    ghz = tnbp.entanglement_law(tnbp.simulate(circ))
    assert ghz.law == "area" and ghz.coefficients["area"][0] == pytest.approx(1)
    prod = tnbp.entanglement_law(tnbp.simulate(ansatz.hardware_efficient(12, 0)))
    assert prod.law == "area"


def test_fit_carries_caveats():
    circ = ansatz.haar_brickwork(16, 16, seed=0)
    st = tnbp.simulate(circ, max_bond=4)
    with pytest.warns(tnbp.TruncationWarning):
        fit = tnbp.entanglement_law(st)
    assert "bond_saturated" in fit.caveats


def test_fit_input_errors():
    with pytest.raises(ValueError, match="sizes"):
        tnbp.fit_entanglement_law([1, 2], [0.1, 0.2], n=10)
    with pytest.raises(ValueError, match="sizes"):
        tnbp.fit_entanglement_law([0, 1, 2], [0.1, 0.2, 0.3], n=10)


def test_coefficients_errors_and_bic_follow_the_module_formulas():
    """Least squares, residual-variance errors and N ln(RSS/N) + k ln N, recomputed."""
    n = 24
    ell = np.arange(1, n)
    rng = np.random.default_rng(3)
    S = 0.4 + 0.6 * np.minimum(ell, n - ell) + 0.05 * rng.normal(size=ell.size)
    fit = tnbp.fit_entanglement_law(ell, S, n=n)
    N = ell.size
    chord = n / np.pi * np.sin(np.pi * ell / n)
    regressors = {
        "area": [],
        "log": [np.log2(chord)],
        "volume": [np.minimum(ell, n - ell).astype(float)],
    }
    for model, extra in regressors.items():
        X = np.column_stack([np.ones(N), *extra])
        coef = np.linalg.solve(X.T @ X, X.T @ S)  # normal equations
        rss = float(np.sum((S - X @ coef) ** 2))
        k = X.shape[1]
        err = np.sqrt(np.diag(np.linalg.inv(X.T @ X)) * rss / (N - k))
        # well-conditioned 23-point fits: lstsq and the normal equations agree to ~1e-13
        np.testing.assert_allclose(fit.coefficients[model], coef, rtol=1e-10)
        np.testing.assert_allclose(fit.errors[model], err, rtol=1e-8)
        assert fit.bic[model] == pytest.approx(N * np.log(rss / N) + k * np.log(N))
    assert fit.law == "volume"


def test_slopes_below_min_slope_are_not_growth():
    """An exact volume law of slope 0.03 bits per qubit counts only when allowed.

    Its log-law fit has slope c_log = 0.12 (10 standard errors): with
    ``min_slope = 0.05`` the volume law is refused and the log law, the only
    growth accepted, wins; with ``min_slope = 0.2`` neither grows.
    """
    n = 30
    ell = np.arange(1, n)
    S = 1.0 + 0.03 * np.minimum(ell, n - ell)
    assert tnbp.fit_entanglement_law(ell, S, n=n, min_slope=0.01).law == "volume"
    assert tnbp.fit_entanglement_law(ell, S, n=n).law == "log"
    assert tnbp.fit_entanglement_law(ell, S, n=n, min_slope=0.2).law == "area"


def test_slopes_within_three_standard_errors_are_not_growth():
    """Noisy data (seed 2) whose log-law fit has the lowest BIC but a slope of
    only 2.6 standard errors: the law stays area."""
    n = 30
    ell = np.arange(1, n)
    rng = np.random.default_rng(2)
    S = 1.0 + 0.1 * np.minimum(ell, n - ell) + 1.5 * rng.normal(size=ell.size)
    fit = tnbp.fit_entanglement_law(ell, S, n=n)
    c, e = fit.coefficients["log"][1], fit.errors["log"][1]
    assert fit.bic["log"] < min(fit.bic["area"], fit.bic["volume"])
    assert 0.05 < c < 3 * e
    assert fit.law == "area"
