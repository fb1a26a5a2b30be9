"""Truncation-error bounds carried by estimates hold against exact references."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, free_fermion
from tnbp.estimators.estimate import (
    Estimate,
    EstimateArray,
    clip_error,
    entropy_error,
)

SETS = [(0,), (0, 3, 9), (5, 6, 7, 8), (13, 2)]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        yield


@pytest.mark.parametrize("chi", [8, 16, 32])
@pytest.mark.parametrize("seed", range(2))
def test_bounds_hold_on_truncated_haar_states(chi, seed):
    circ = ansatz.haar_brickwork(14, 10, seed=seed)
    exact = tnbp.simulate(circ, backend="dense")
    st = tnbp.simulate(circ, max_bond=chi)
    assert st.truncation_distance > 0
    prof = tnbp.entropy_profile(st)
    assert np.all(np.abs(prof - tnbp.entropy_profile(exact)) <= prof.truncation_error)
    for cut in range(1, 14):
        for alpha in (1, 2):
            e = tnbp.entropy(st, cut, alpha)
            assert abs(e - tnbp.entropy(exact, cut, alpha)) <= e.truncation_error
    for qs in SETS:
        for fn in (
            tnbp.subsystem_entropy,
            tnbp.purity,
            tnbp.trace_distance_to_maximally_mixed,
        ):
            e = fn(st, qs)
            assert abs(e - fn(exact, qs)) <= e.truncation_error, fn.__name__
        e = tnbp.expectation(st, "Z" * len(qs), qs)
        assert abs(e - tnbp.expectation(exact, "Z" * len(qs), qs)) <= e.truncation_error
    mi = tnbp.mutual_information(st, (0, 1), (7, 12))
    assert (
        abs(mi - tnbp.mutual_information(exact, (0, 1), (7, 12))) <= mi.truncation_error
    )


@pytest.mark.parametrize("chi", [16, 32])
def test_bounds_hold_at_n40_against_free_fermions(chi):
    n = 40
    circ = ansatz.free_fermion_brickwork(n, 10, seed=5)
    gamma = free_fermion.covariance_matrix(circ, "01" * 20)
    st = tnbp.simulate(circ, initial="01" * 20, max_bond=chi)
    prof = tnbp.entropy_profile(st)
    err = np.abs(prof - free_fermion.entropy_profile(gamma))
    assert err.max() > 1e-6  # truncation matters here...
    assert np.all(err <= prof.truncation_error)  # ...and is bounded
    e = tnbp.expectation(st, "ZZ", (19, 20))
    assert abs(e - free_fermion.zz_expectation(gamma, 19, 20)) <= e.truncation_error


def test_tiny_discard_still_bounded():
    """Discarding 5e-13 shifts an entropy by ~4e-7 (sqrt scaling); the bound covers it."""
    circ = tnbp.Circuit(3)
    circ.rx(3.0, 2)
    circ.rx(1e-5, 0)
    circ.cz(0, 2)
    circ.rx(1.0, 0)
    circ.cz(2, 0)
    exact = tnbp.simulate(circ, backend="dense")
    st = tnbp.simulate(circ)  # default cutoff 1e-12
    for cut in (1, 2):
        e = tnbp.entropy(st, cut)
        assert abs(e - tnbp.entropy(exact, cut)) <= e.truncation_error


def test_untruncated_estimates_have_zero_error():
    circ = ansatz.hardware_efficient(8, 2, seed=0)
    for backend in ("dense", "mps"):
        st = tnbp.simulate(circ, backend=backend)
        assert st.truncation_distance == 0
        assert tnbp.entropy(st, 4).truncation_error == 0
        assert tnbp.entropy_profile(st, alpha=3).truncation_error == 0
        assert tnbp.expectation(st, "X", 2).truncation_error == 0


def test_error_bars_are_clipped_to_the_physical_range():
    """Issue 10, sec. 5: bounds never reach beyond the range on both sides.

    haar_brickwork(12, 12) at max_bond=2 discards a total weight of 3.5, so
    T = 1 and the inequalities give nothing: before, the middle-cut entropy
    S = 0.33 carried +- 6 bits, the trace distance of two qubits to I/4 (at
    most 0.75) 0.63 +- 1.0, their purity 0.79 +- 1, <ZZ> = 0.14 +- 2. Each
    bound is now max(value - lower, upper - value), and still holds against the
    dense state.
    """
    circ = ansatz.haar_brickwork(12, 12, seed=0)
    st = tnbp.simulate(circ, max_bond=2)
    exact = tnbp.simulate(circ, backend="dense")
    assert st.truncation_distance == 1.0
    obs = [(0.5, "ZZ", (0, 1)), (-2.0, "X", (3,))]  # |<O>| <= 2.5
    checks = [  # (estimator, lower, upper)
        (lambda s: tnbp.entropy(s, 6), 0.0, 6.0),
        (lambda s: tnbp.entropy(s, 6, alpha=2), 0.0, 6.0),
        (lambda s: tnbp.subsystem_entropy(s, (0, 5, 9)), 0.0, 3.0),
        (lambda s: tnbp.trace_distance_to_maximally_mixed(s, (0, 1)), 0.0, 0.75),
        (lambda s: tnbp.purity(s, (0, 1)), 0.25, 1.0),
        (lambda s: tnbp.expectation(s, "ZZ", (0, 1)), -1.0, 1.0),
        (lambda s: tnbp.mutual_information(s, (0, 1), (6, 7)), 0.0, 4.0),
        (lambda s: tnbp.expectation_value(s, obs), -2.5, 2.5),
    ]
    for fn, lower, upper in checks:
        e = fn(st)
        assert e.truncation_error == pytest.approx(max(e - lower, upper - e), rel=1e-12)
        assert abs(e - fn(exact)) <= e.truncation_error
    e = tnbp.entropy(st, 6)
    assert e == pytest.approx(0.3265, abs=1e-4)  # +- 5.67 now, +- 6 before
    assert e.truncation_error == pytest.approx(6 - e, rel=1e-12)
    d = tnbp.trace_distance_to_maximally_mixed(st, (0, 1))
    # d = 0.63 > 0.75 / 2: the bar reaches down to 0 (it was 0.63 +- 1)
    assert d.truncation_error == pytest.approx(d, rel=1e-12) and d > 0.375
    prof = tnbp.entropy_profile(st)
    assert prof.truncation_error == pytest.approx(
        max(min(c, 12 - c) - prof[c - 1] for c in range(1, 12)), rel=1e-12
    )


def test_clip_error_convention():
    """min(bound, max(value - lower, upper - value)); NaN (no bound): the range."""
    assert clip_error(1.0, 0.01, 0.0, 0.75) == pytest.approx(0.74)  # the issue's
    assert clip_error(30.0, 6.2, 0.0, 30.0) == pytest.approx(23.8)  # examples
    assert clip_error(0.05, 0.5, 0.0, 1.0) == 0.05  # inside: unchanged
    assert clip_error(np.inf, -0.2, -1.0, 1.0) == pytest.approx(1.2)
    assert clip_error(3.0, 1.2, 0.0, 1.0) == pytest.approx(1.2)  # value past a limit
    assert clip_error(float("nan"), 0.25, 0.0, 1.0) == 0.75


def test_entropy_error_formula():
    # Fannes-Audenaert at T = 0.1, one qubit: T log2(1) + H2(0.1)
    h = -0.1 * np.log2(0.1) - 0.9 * np.log2(0.9)
    assert entropy_error(0.1, 1) == pytest.approx(h)
    assert entropy_error(0.1, 3) == pytest.approx(0.1 * np.log2(7) + h)
    assert entropy_error(0.9, 2) == 2.0  # capped at the trivial bound
    assert np.isnan(entropy_error(0.1, 2, alpha=0.5))
    assert entropy_error(0.0, 5, alpha=0.5) == 0.0
    assert entropy_error(0.01, 2, alpha=2, purity=0.5) == pytest.approx(
        np.log2(0.5 / 0.46)
    )


def test_estimate_types_round_trip():
    e = Estimate(1.5, ("truncated",), 0.25)
    e2 = pickle.loads(pickle.dumps(e))
    assert e2 == 1.5 and e2.caveats == ("truncated",) and e2.truncation_error == 0.25
    assert "+- 0.25" in repr(e) and "truncated" in repr(e)
    arr = EstimateArray([1.0, 2.0, 3.0], ("bond_saturated",), 0.5)
    assert arr[1:].caveats == ("bond_saturated",) and arr[1:].truncation_error == 0.5
    assert not arr.trusted


def test_fidelity_error_bounds_the_change_of_any_fidelity():
    """|F(rho, s) - F(rho', s)| <= fidelity_error(T) over random states and targets.

    Pure targets: the bound T is attained (rho, rho' differing along |t>). Mixed
    targets: T alone fails (the docstring's example), 2 sqrt(T (2 - T)) holds.
    """
    from tnbp.estimators.estimate import fidelity_error
    from tnbp.models.losses import fidelity_cost

    rng = np.random.default_rng(7)

    def random_rho(d, rank):
        a = rng.normal(size=(d, rank)) + 1j * rng.normal(size=(d, rank))
        rho = a @ a.conj().T
        return rho / np.trace(rho).real

    worst_pure, worst_mixed = 0.0, 0.0
    for _ in range(300):
        d = 4
        rho, other = random_rho(d, 4), random_rho(d, 4)
        mix = rng.uniform(0, 0.2)  # nearby states: rho' = (1 - p) rho + p other
        rho2 = (1 - mix) * rho + mix * other
        T = 0.5 * np.abs(np.linalg.eigvalsh(rho - rho2)).sum()
        for rank, pure in ((1, True), (int(rng.integers(2, 5)), False)):
            cost = fidelity_cost(random_rho(d, rank), [0, 1])
            change = abs(cost.value(rho) - cost.value(rho2))
            bound = fidelity_error(T, pure_target=pure)
            assert change <= bound + 1e-12, (change, bound, T, pure)
            if pure:
                worst_pure = max(worst_pure, change / T)
            else:
                worst_mixed = max(worst_mixed, change / bound)
    assert worst_pure > 0.3  # the pure bound is not loose by orders of magnitude
    # the docstring's example: T = 0.01 but the fidelity with I/2 moves by 0.0995
    cost = fidelity_cost(np.eye(2) / 2, [0])
    change = cost.value(np.diag([0.99, 0.01])) - cost.value(np.diag([1.0, 0.0]))
    assert change == pytest.approx(2 * np.sqrt(0.495 * 0.005), rel=1e-12)
    assert change > 0.01 and change <= fidelity_error(0.01, pure_target=False)
    assert fidelity_error(0.0, pure_target=False) == 0.0
    assert fidelity_error(0.9, pure_target=False) == 1.0  # capped


def test_derived_values_of_estimate_arrays_claim_no_bound():
    """A per-entry bound is not one for a sum (k entries: k times it); reductions
    and arithmetic gave 0-d EstimateArrays with the per-entry bound, which pandas
    stored as objects. They now give plain numbers, as Estimate's arithmetic does;
    slices, views and sorting keep the caveats and the bound."""
    a = EstimateArray([1.0, 2.0, 3.0], ("bond_saturated",), 0.5)
    for derived in (a.sum(), a.max(), np.abs(a - 1.0).max(), a.mean()):
        assert type(derived) is np.float64
    assert type(a + a) is np.ndarray and type(np.log2(a)) is np.ndarray
    out = np.zeros(3)
    np.add(a, 1.0, out=out)
    assert_allclose(out, [2.0, 3.0, 4.0])
    for view in (a[1:], a.reshape(3, 1), np.sort(a)):
        assert isinstance(view, EstimateArray)
        assert view.caveats == ("bond_saturated",) and view.truncation_error == 0.5
    assert pd.Series([a.max()]).dtype == np.float64
