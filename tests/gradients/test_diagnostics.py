"""gradient_with_diagnostics: the gradient of gradient() and a typed, frozen record."""

import dataclasses
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, observables
from tnbp.gradients.diagnostics import DiagnosticsTally, GradientDiagnostics
from tnbp.states.tn import TreeCache

OBS = [(1.0, "ZZ", (1, 2))]


@pytest.fixture(scope="module")
def circuit():
    return ansatz.hardware_efficient(4, layers=2, seed=3)


@pytest.mark.parametrize(
    ("method", "backend"),
    [
        ("parameter_shift", "dense"),
        ("adjoint", "dense"),
        ("parameter_shift", "mps"),
        ("adjoint", "tn"),
    ],
)
def test_same_gradient_as_gradient(circuit, method, backend):
    g, d = tnbp.gradient_with_diagnostics(circuit, OBS, method=method, backend=backend)
    assert_allclose(
        g, tnbp.gradient(circuit, OBS, method=method, backend=backend), rtol=0, atol=0
    )
    assert isinstance(d, GradientDiagnostics)
    if backend == "mps":  # cutoff 1e-12 per truncation: rounding-level discards
        assert 1 - 1e-12 < d.min_fidelity <= 1 and 0 <= d.max_discarded_weight < 1e-12
    else:  # exact runs: the conventions for no truncation
        assert d.min_fidelity == 1.0 and d.max_discarded_weight == 0.0
    assert d.untrusted_runs == 0 and d.trusted


def test_counts_follow_the_method(circuit):
    cone = circuit.lightcone((1, 2))
    trainable = sum(circuit.gates[k].trainable for k in cone)
    _, shift = tnbp.gradient_with_diagnostics(circuit, OBS, backend="mps")
    # two shifted simulations per parameter in the observable's cone
    assert shift.simulations == 2 * trainable and shift.contractions == 0
    _, adjoint = tnbp.gradient_with_diagnostics(circuit, OBS, method="adjoint")
    assert adjoint.simulations == 1  # one sweep of the one cone
    cache = TreeCache()
    _, cold = tnbp.gradient_with_diagnostics(
        circuit, OBS, method="adjoint", backend="tn", cache=cache
    )
    _, warm = tnbp.gradient_with_diagnostics(
        circuit, OBS, method="adjoint", backend="tn", cache=cache
    )
    assert cold.tree_searches == cache.searches == 1 and warm.tree_searches == 0
    assert cold.contractions == warm.contractions == 1 and cold.simulations == 0


def test_truncation_is_reported():
    c = ansatz.hardware_efficient(6, layers=3, seed=1)
    _, d = tnbp.gradient_with_diagnostics(  # the record flags; no warning
        c, [(1.0, "ZZ", (2, 3))], backend="mps", sim_opts={"max_bond": 2}
    )
    assert 0 < d.min_fidelity < 1 and d.max_discarded_weight > 0
    assert 0 < d.untrusted_runs <= d.simulations and not d.trusted


def test_fidelity_cost_counts_the_visible_state(circuit):
    target = np.zeros(4)
    target[0] = 1.0
    cost = observables.fidelity_cost(target, (0, 1))
    g, d = tnbp.gradient_with_diagnostics(circuit, cost, method="adjoint")
    assert_allclose(g, tnbp.gradient(circuit, cost, method="adjoint"), atol=0)
    # the visible state, then one adjoint sweep of the linearized observable
    assert d.simulations == 2


def test_the_record_is_frozen_and_combines():
    d = GradientDiagnostics(simulations=2, min_fidelity=0.9, untrusted_runs=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.simulations = 3
    e = GradientDiagnostics(contractions=5, tree_searches=1, max_discarded_weight=1e-3)
    both = GradientDiagnostics.combine([d, e])
    assert both == GradientDiagnostics(2, 5, 1, 0.9, 1e-3, 1)
    assert GradientDiagnostics.combine([]) == GradientDiagnostics()
    untracked = GradientDiagnostics(
        min_fidelity=math.nan, max_discarded_weight=math.nan
    )
    worst = GradientDiagnostics.combine([d, untracked])
    assert math.isnan(worst.min_fidelity) and math.isnan(worst.max_discarded_weight)
    assert d.to_dict() == dict(
        simulations=2,
        contractions=0,
        tree_searches=0,
        min_fidelity=0.9,
        max_discarded_weight=0.0,
        untrusted_runs=1,
    )
    with pytest.raises(TypeError, match="records"):
        GradientDiagnostics.combine([{"simulations": 1}])


def test_tally_freezes_what_it_counted():
    class Run:  # the three fields of a State that the tally reads
        def __init__(self, fidelity, discarded, trusted):
            self.fidelity_estimate = fidelity
            self.discarded_weight = discarded
            self.trusted = trusted

    tally = DiagnosticsTally()
    tally.add_state(Run(0.99, 0.01, True))
    tally.add_state(Run(0.95, 0.002, False))
    tally.contractions += 3
    assert tally.freeze() == GradientDiagnostics(2, 3, 0, 0.95, 0.01, 1)


def test_info_is_deprecated_but_still_filled(circuit):
    info = {"caller": "kept"}
    with pytest.warns(DeprecationWarning, match="gradient_with_diagnostics"):
        g = tnbp.gradient(circuit, OBS, backend="mps", info=info)
    g2, d = tnbp.gradient_with_diagnostics(circuit, OBS, backend="mps")
    assert_allclose(g, g2, atol=0)
    assert info == {
        "caller": "kept",
        "simulations": d.simulations,
        "contractions": 0,
        "tree_searches": 0,
        "min_fidelity": d.min_fidelity,
        "max_discarded_weight": d.max_discarded_weight,
        "untrusted": 0,
    }


def test_gradient_never_touches_its_arguments(circuit):
    opts = {"max_bond": 8}
    before = circuit.parameters.copy()
    tnbp.gradient(circuit, OBS, backend="mps", sim_opts=opts)
    assert opts == {"max_bond": 8}
    assert np.array_equal(circuit.parameters, before)


def test_truncated_simulations_warn_and_exact_ones_do_not():
    """``gradient`` warns from the record; ``gradient_with_diagnostics`` returns it."""
    circ = ansatz.hardware_efficient(10, 6, seed=0)
    obs = observables.local_cost(range(10))
    opts = dict(backend="mps", sim_opts={"max_bond": 4}, parameters=[0, 5])
    g, d = tnbp.gradient_with_diagnostics(circ, obs, **opts)  # errors if it warned
    assert d.untrusted_runs == d.simulations == 4 and not d.trusted
    assert d.min_fidelity < 0.95  # measured 0.897: far from exact
    with pytest.warns(tnbp.TruncationWarning, match="raise max_bond") as caught:
        again = tnbp.gradient(circ, obs, **opts)
    assert len(caught) == 1 and "4 of 4 simulated states" in str(caught[0].message)
    assert_allclose(again, g, rtol=0, atol=0)
    exact = tnbp.gradient(circ, obs, backend="mps", parameters=[0, 5])  # no warning
    assert np.abs(g - exact).max() > 1e-4  # the warning was about a real bias


def test_ensembles_warn_once_about_truncated_runs():
    with pytest.warns(tnbp.TruncationWarning, match="untrusted_runs") as caught:
        df = tnbp.gradient_variance(
            lambda n, seed: ansatz.hardware_efficient(n, 6, seed=seed),
            [10],
            observable=observables.local_cost(range(10)),
            samples=2,
            parameters=[0],
            inf_norm=False,
            method="parameter_shift",
            backend="mps",
            sim_opts={"max_bond": 4},
            executor="serial",
            seed=1,
        )
    assert len(caught) == 1 and df.untrusted_runs.iloc[0] == 4
