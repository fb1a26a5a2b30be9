"""Spectrum cleaning: the noise floor and the unit sum of tnbp.states.spectrum."""

import numpy as np
import pytest

from tnbp.limits import SPECTRUM_NOISE_FLOOR
from tnbp.states import spectrum


def test_noise_is_zeroed_and_the_rest_renormalized():
    p = spectrum.clean_probs([0.6 + 1e-17j, 0.2, -1e-16, 0.5 * SPECTRUM_NOISE_FLOOR])
    assert p.dtype == np.float64 and p.shape == (4,)
    np.testing.assert_allclose(p, [0.75, 0.25, 0.0, 0.0], rtol=1e-15)
    # eigenvalues below the floor do not count for the rank (S_0) either
    assert spectrum.renyi_entropy([0.5, 0.5, 1e-15], 0) == 1.0


@pytest.mark.parametrize(
    ("p", "match"), [([0.5, np.nan], "not finite"), ([0.0, 1e-16], "no weight")]
)
def test_bad_spectra_raise(p, match):
    with pytest.raises(ValueError, match=match):
        spectrum.clean_probs(p)


def test_trace_distance_counts_the_missing_zeros():
    """1/2 (sum_i |p_i - 1/D| + (D - r)/D) with r = 2 listed of D = 4."""
    value = spectrum.trace_distance_to_maximally_mixed([0.5, 0.5], 2)
    assert value == pytest.approx(0.5 * (2 * 0.25 + 2 / 4))


@pytest.mark.parametrize("alpha", [0, 0.5, 1, 2, np.inf])
def test_pure_spectra_have_entropy_plus_zero(alpha):
    """Not -0.0 (it used to leak into tables as '-0.0')."""
    from tnbp.states.spectrum import renyi_entropy

    value = renyi_entropy([1.0, 0.0], alpha)
    assert value == 0.0 and np.copysign(1.0, value) == 1.0


@pytest.mark.parametrize("alpha", [50.0, 1e3, 1e6, 1e300])
def test_large_renyi_orders_approach_the_min_entropy(alpha):
    p = [0.5, 0.25, 0.125, 0.125]
    # S_alpha decreases to S_inf = -log2 max p = 1 as alpha grows; p_i^alpha
    # underflows from alpha ~ 1100 on, which must not give log2(0) = -inf
    s = spectrum.renyi_entropy(p, alpha)
    exact = (alpha * -1.0 + np.log2(1 + 2.0**-alpha + 2 * 2.0 ** (-2 * alpha))) / (
        1 - alpha
    )
    assert np.isfinite(s) and s >= spectrum.renyi_entropy(p, np.inf)
    np.testing.assert_allclose(s, exact, rtol=1e-14)  # a few roundings
