"""Thermal entropy: the formula of its docstring and its error bound."""

import math
import warnings

import pytest

import tnbp
from tnbp.hamiltonian import random_two_local


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
