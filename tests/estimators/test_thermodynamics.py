"""Thermal entropy: the formula of its docstring and its error bound."""

import math
import warnings

import numpy as np
import pytest

import tnbp
from tnbp.hamiltonian import random_two_local, xx_chain


def test_entropy_is_beta_energy_plus_log_partition_in_bits():
    H = random_two_local(5, seed=3)
    state = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=2)  # truncated
    assert state.truncation_distance > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        energy = tnbp.thermal_energy(state)
        entropy = tnbp.thermal_entropy(state)
        log_z = tnbp.log_partition(state)
    # (beta <H> + ln Z) / ln 2, its error (beta t_E + t_Z) / ln 2
    expected = (state.beta * energy + state.log_partition) / math.log(2)
    assert log_z == state.log_partition
    assert entropy == pytest.approx(expected, rel=1e-12)
    assert entropy.truncation_error == pytest.approx(
        (state.beta * energy.truncation_error + log_z.truncation_error) / math.log(2),
        rel=1e-12,
    )


def test_only_gibbs_states_are_accepted():
    circ = tnbp.Circuit(2)
    with pytest.raises(TypeError, match="`state`"):
        tnbp.thermal_energy(tnbp.simulate(circ))
    with pytest.raises(TypeError, match="`state`"):
        tnbp.thermal_entropy(tnbp.simulate(circ))


def test_log_partition_is_an_estimate():
    """tnbp.log_partition: the state's ln Z with its budget; exact for dense states,
    -2 ln(1 - T) for a lightly truncated one, the trivial cap for a heavy one."""
    H = random_two_local(5, seed=3)
    dense = tnbp.gibbs_state(H, 2.0, backend="dense")
    log_z = tnbp.log_partition(dense)
    assert isinstance(log_z, tnbp.Estimate) and log_z == dense.log_partition
    assert log_z.error_bound == 0 and log_z.caveats == ()
    light = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=None, cutoff=1e-8)
    T = light.truncation_distance
    assert 0 < T < 1e-3
    log_z = tnbp.log_partition(light)
    assert log_z.truncation_error == pytest.approx(-2 * math.log1p(-T), rel=1e-12)
    assert abs(log_z - dense.log_partition) <= log_z.error_bound
    heavy = tnbp.gibbs_state(H, 2.0, dtau=0.1, max_bond=2)
    assert heavy.truncation_distance == 1.0
    with pytest.warns(tnbp.TruncationWarning):
        log_z = tnbp.log_partition(heavy)
    # |ln Z - (n ln 2 - beta c0)| <= beta sum|c| for the exact value
    centre = H.n * math.log(2) - 2.0 * H.constant
    trivial = abs(log_z - centre) + 2.0 * sum(abs(c) for c, _, _ in H.terms)
    assert log_z.truncation_error == pytest.approx(trivial, rel=1e-12)
    assert abs(dense.log_partition - centre) <= 2.0 * sum(abs(c) for c, _, _ in H.terms)
    with pytest.raises(TypeError, match="`state`"):
        tnbp.log_partition(tnbp.simulate(tnbp.Circuit(2)))


def test_energy_bound_uses_the_energy_variance():
    """Lightly truncated: truncation_error = 2 sigma_H T + 2 T^2 sum|c|, well below
    the Hoelder 2 T sum|c| (sigma_H ~ sqrt(n), sum|c| ~ n: 0.63 and 6.2 here), and
    it covers the truncation error (measured 45x below it). n = 6, so that the
    untruncated reference (max_bond None, cutoff 0) stays at chi <= 64."""
    n = 6
    H = xx_chain(n, J=np.linspace(0.5, 1.5, n - 1) / 2, h=0.2)
    state = tnbp.gibbs_state(H, 2.0, dtau=0.05, cutoff=1e-12)
    exact = tnbp.gibbs_state(H, 2.0, dtau=0.05, max_bond=None, cutoff=0.0)
    T, scale = state.truncation_distance, sum(abs(c) for c, _, _ in H.terms)
    sigma = math.sqrt(state.energy_variance)
    energy = tnbp.thermal_energy(state)
    assert 0 < T < 1e-3
    assert energy.truncation_error == pytest.approx(
        2 * sigma * T + 2 * scale * T * T, rel=1e-12
    )
    assert energy.truncation_error < 2 * T * scale / 5
    assert abs(energy - tnbp.thermal_energy(exact)) <= energy.truncation_error


def test_energy_variance_of_both_backends():
    """<H^2> - <H>^2: the dense state's eigenvalue formula against the matrix
    (1e-10), the untruncated purification's MPO contraction against the dense
    state (Trotter error of dtau = 0.02 at order 4: ~1e-8; 1e-6 absolute)."""
    for H in [
        xx_chain(6, J=[0.7, 1.0, 0.4, 0.9, 1.2], h=0.3).add(0.5, "I", 0),
        random_two_local(5, seed=2),
    ]:
        dense = tnbp.gibbs_state(H, 1.3, backend="dense")
        M = H.to_dense()
        ref = np.trace(dense.rho @ M @ M).real - np.trace(dense.rho @ M).real ** 2
        assert dense.energy_variance == pytest.approx(ref, abs=1e-10)
        mps = tnbp.gibbs_state(H, 1.3, dtau=0.02, max_bond=None, cutoff=0.0)
        assert mps.energy_variance == pytest.approx(ref, abs=1e-6)
