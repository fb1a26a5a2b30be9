"""The error budget of Gibbs estimates: the parts an Estimate carries, and the
Richardson Trotter part (its formula, its factor, and that it bounds the
Trotter error of untruncated states against exact dense ones)."""

import math
import pickle
import warnings

import numpy as np
import pytest

import tnbp
from tnbp import hamiltonian as hm
from tnbp.estimators.estimate import Estimate, EstimateArray
from tnbp.states.gibbs.purified import richardson_factor


def test_estimate_carries_a_trotter_part_and_a_total():
    e = Estimate(-1.5, (), 0.01, 0.002)
    assert e.error_bound == pytest.approx(0.012, abs=1e-15)
    assert repr(e) == "-1.5 +- 0.012"
    back = pickle.loads(pickle.dumps(e))
    assert (back, back.truncation_error, back.trotter_error) == (-1.5, 0.01, 0.002)
    old = Estimate(0.5, ("truncated",), 0.25)  # the three-argument form still works
    assert old.trotter_error == 0 and old.error_bound == 0.25
    assert math.isnan(Estimate(1.0, (), 0.0, math.nan).error_bound)
    arr = EstimateArray([1.0, 2.0, 3.0], (), 0.5, 0.25)
    assert arr[1:].trotter_error == 0.25 and arr[1:].error_bound == 0.75


def test_richardson_factor_from_the_step_ratio():
    """f = 1 / |x - 1| for x = (steps / companion steps)^(order / 2): half the
    nominal order assumed (module docstring of purified)."""
    assert richardson_factor(4, 10, 5) == pytest.approx(1 / 3, rel=1e-14)
    assert richardson_factor(2, 10, 5) == pytest.approx(1.0, rel=1e-14)
    assert richardson_factor(4, 3, 1) == pytest.approx(1 / 8, rel=1e-14)
    assert richardson_factor(4, 1, 2) == pytest.approx(4 / 3, rel=1e-14)
    assert richardson_factor(2, 1, 2) == pytest.approx(2.0, rel=1e-14)
    with pytest.raises(ValueError, match="`companion_steps`"):
        richardson_factor(2, 4, 4)


H6 = hm.random_two_local(6, pairs="nearest", offsite_std=0.5, seed=3)


@pytest.mark.parametrize(
    "beta, dtau, steps, companion, factor",
    [
        (2.0, 0.1, 10, 5, 1 / 3),
        (2.0, 0.4, 3, 1, 1 / 8),
        (0.1, 0.1, 1, 2, 4 / 3),
    ],
)
def test_companion_has_half_the_steps(beta, dtau, steps, companion, factor):
    state = tnbp.gibbs_state(H6, beta, dtau=dtau)
    assert (state.steps, state.companion.steps) == (steps, companion)
    assert state.companion.companion is None
    assert state.companion.record.max_bond == state.record.max_bond
    assert state.trotter_factor == pytest.approx(factor, rel=1e-14)


def test_states_without_trotter_error_have_none():
    dense = tnbp.gibbs_state(H6, 1.0, backend="dense")
    onsite = tnbp.gibbs_state(tnbp.PauliSum(3).add(0.7, "Z", 0).add(0.2, "X", 2), 1.0)
    hot = tnbp.gibbs_state(H6, 0.0)
    c = tnbp.Circuit(2)
    c.h(0)
    circuit = tnbp.simulate(c)
    for state in (dense, onsite, hot):
        assert state.companion is None and state.trotter_factor == 0
        assert tnbp.thermal_energy(state).trotter_error == 0
        assert tnbp.log_partition(state).trotter_error == 0
    assert tnbp.expectation(circuit, "X", 0).trotter_error == 0


def test_without_companion_the_trotter_part_is_unknown():
    state = tnbp.gibbs_state(H6, 1.0, richardson=False)
    assert state.companion is None and math.isnan(state.trotter_factor)
    energy = tnbp.thermal_energy(state)
    assert math.isnan(energy.trotter_error) and math.isnan(energy.error_bound)
    with pytest.raises(TypeError, match="`richardson`"):
        tnbp.gibbs_state(H6, 1.0, richardson=1)


def test_trotter_part_is_the_scaled_difference_with_the_companion():
    """trotter_error = f |v - v_c| for every estimator, v_c read off the companion
    (arrays: the largest difference); the value and truncation part are those of
    the state alone."""
    state = tnbp.gibbs_state(H6, 2.0, dtau=0.1, order=2)
    other, f = state.companion, state.trotter_factor
    estimators = [
        lambda s: tnbp.thermal_energy(s),
        lambda s: tnbp.thermal_entropy(s),
        lambda s: tnbp.log_partition(s),
        lambda s: tnbp.expectation(s, "ZZ", (1, 4)),
        lambda s: tnbp.expectation_value(s, [(0.5, "XX", (0, 1)), (2.0, "Z", (3,))]),
        lambda s: tnbp.subsystem_entropy(s, (0, 2)),
        lambda s: tnbp.entropy(s, 3, alpha=2),
        lambda s: tnbp.purity(s, (5,)),
        lambda s: tnbp.mutual_information(s, (0,), (5,)),
        lambda s: tnbp.trace_distance_to_maximally_mixed(s, (2, 3)),
    ]
    for estimate in estimators:
        v = estimate(state)
        v_c = float(estimate(other))
        assert v.trotter_error == pytest.approx(f * abs(v - v_c), rel=1e-12)
        assert v.trotter_error > 0
    profile = tnbp.entropy_profile(state)
    diff = np.abs(profile - tnbp.entropy_profile(other)).max()
    assert profile.trotter_error == pytest.approx(f * diff, rel=1e-12)
    assert profile.error_bound == profile.truncation_error + profile.trotter_error


@pytest.mark.parametrize(
    "order, dtau", [(2, 0.2), (2, 0.1), (4, 0.25), (4, 0.1), (4, 1.0)]
)
def test_trotter_part_bounds_the_trotter_error(order, dtau):
    """No truncation (max_bond None, cutoff 0): the whole error is Trotter's, and
    the Richardson part bounds it for every quantity. It is at most 12x the true
    error for the energy, entropy, log Z and <Z Z> (in the asymptotic regime it
    overestimates by (r^p - 1) / (r^(p/2) - 1): 3 at order 2, 5 at order 4).
    Measured ratios: 1.0-10.8 (order 2), 1.3-7.4 (order 4); the block entropy's
    own Trotter error changes sign near dtau = 0.25 at order 4 (error 2.7e-6
    against 1e-4 for the rest), so there only its coverage is checked. dtau = 1
    at beta = 2 is one step, its companion two."""
    beta = 2.0
    exact = tnbp.gibbs_state(H6, beta, backend="dense")
    state = tnbp.gibbs_state(
        H6, beta, dtau=dtau, order=order, max_bond=None, cutoff=0.0
    )
    assert state.discarded_weight == 0
    pairs = [
        (tnbp.thermal_energy(state), tnbp.thermal_energy(exact)),
        (tnbp.thermal_entropy(state), tnbp.thermal_entropy(exact)),
        (tnbp.log_partition(state), exact.log_partition),
        (tnbp.expectation(state, "ZZ", (2, 3)), tnbp.expectation(exact, "ZZ", (2, 3))),
    ]
    for estimate, ref in pairs:
        error = abs(estimate - ref)
        assert estimate.truncation_error == 0
        assert error <= estimate.error_bound <= 12 * error
    block = tnbp.subsystem_entropy(state, (0, 1, 2))
    assert abs(block - tnbp.subsystem_entropy(exact, range(3))) <= block.error_bound


def test_companion_warnings_are_not_repeated():
    """A truncated state warns once per estimate (its own caveats), not again for
    the companion's."""
    state = tnbp.gibbs_state(hm.random_two_local(5, seed=3), 2.0, dtau=0.1, max_bond=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tnbp.thermal_energy(state)
    assert len(caught) == 1 and issubclass(caught[0].category, tnbp.TruncationWarning)
