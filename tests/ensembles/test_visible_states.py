"""Visible-state ensembles: MPS values against dense and exact lightcone references."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from numpy.testing import assert_allclose

import tnbp
from tnbp.ensembles.visible_states import (
    FAMILIES,
    decay_fits,
    family_circuit,
    family_layers,
    fidelity_gradient_ensemble,
    thermal_target,
    visible_distance_ensemble,
    visible_summary,
)

#: untruncated MPS against dense or exact contraction: rounding only (~1e-15
#: seen for T, ~1e-13 for gradients of a few hundred angles)
EXACT = 1e-10


def test_family_layers_and_circuits():
    assert [family_layers(f, 16) for f in FAMILIES] == [2, 4, 64]
    assert family_layers("hea_deep", 10, deep_factor=1) == 10
    assert family_layers("unitary_qnn_nn", 10, qnn_layers=3) == 3
    qnn = family_circuit("unitary_qnn_nn", 5, 2, seed=0)
    # 3 n onsite + 9 (n - 1) neighbour terms per layer
    assert qnn.num_parameters == 2 * (3 * 5 + 9 * 4)
    hea = family_circuit("hea_deep", 5, 3, seed=0)
    assert hea.num_parameters == 2 * 5 * 3
    with pytest.raises(ValueError, match="family"):
        family_layers("haar", 4)
    with pytest.raises(ValueError, match="n"):
        family_circuit("hea_deep", 1, 2)
    with pytest.raises(ValueError, match="deep_factor"):
        family_layers("hea_deep", 4, deep_factor=0)


def test_distance_agrees_with_dense_and_exact_references():
    df = visible_distance_ensemble(
        "hea_shallow", [(8, 3), (40, 6)], samples=2, seed=1, executor="serial"
    )
    assert df.trusted.all() and (df.max_bond_reached < 64).all()
    small, large = df[df.n == 8], df[df.n == 40]
    assert small.dense_deviation.max() < EXACT and small.exact_value.isna().all()
    assert large.exact_deviation.max() < EXACT and large.dense_value.isna().all()
    # the brick cone of qubit 0 grows by one qubit per layer but the last
    # (layer 5 entangles the odd bonds, which miss qubit 0): 6 qubits at any n
    assert set(large.lightcone_width) == {6}
    # T in [0, 1 - 2^-n_v]; the Haar bound of n_v = 1: 2^(-n_h/2) / 2 ... / sqrt 2
    assert ((df.trace_distance >= 0) & (df.trace_distance <= 0.5)).all()
    assert_allclose(df.haar_bound, 0.5 * np.sqrt(2 / 2.0 ** (df.n - 1)), rtol=1e-12)


def test_saturated_deep_circuit_is_flagged_not_quietly_reported():
    with pytest.warns(tnbp.TruncationWarning, match="1 of 1 instances"):
        df = visible_distance_ensemble(
            "hea_deep", [(12, 24)], samples=1, max_bond=8, seed=0, executor="serial"
        )
    row = df.iloc[0]
    assert not row.trusted and row.max_bond_reached == 8
    assert "bond_saturated" in row.caveats and row.fidelity_estimate < 0.99
    assert row.error_bound > row.dense_deviation  # the bound holds, and is loose


def test_an_instance_does_not_depend_on_the_others():
    kwargs = dict(seed=5, executor="serial", dense_max=0, exact_width=0)
    three = visible_distance_ensemble("unitary_qnn_nn", [(6, 2)], samples=3, **kwargs)
    alone = visible_distance_ensemble(
        "unitary_qnn_nn", [(6, 2)], samples=1, first_sample=2, **kwargs
    )
    assert alone.trace_distance.iloc[0] == three.trace_distance.iloc[2]
    assert list(three["sample"]) == [0, 1, 2] and alone["sample"].iloc[0] == 2


def test_thermal_target_is_the_gibbs_state_of_a_visible_two_local_hamiltonian():
    cost = thermal_target(2, beta=0.7, seed=3)
    H = tnbp.hamiltonian.random_two_local(2, seed=3).to_dense()
    sigma = scipy.linalg.expm(-0.7 * H)
    assert_allclose(cost.target, sigma / np.trace(sigma), atol=1e-12)
    assert cost.qubits == (0, 1) and cost.target_rank == 4


def test_fidelity_gradient_agrees_with_dense_and_exact_references():
    cost = thermal_target(2, seed=0)
    df = fidelity_gradient_ensemble(
        "unitary_qnn_nn",
        [(6, 2), (30, 2)],
        target=cost,
        samples=2,
        seed=2,
        executor="serial",
    )
    assert df.trusted.all() and (df.untrusted_runs == 0).all()
    small, large = df[df.n == 6], df[df.n == 30]
    assert small.dense_deviation.max() < EXACT
    assert large.exact_deviation.max() < EXACT
    assert_allclose(small.inf_norm, small.dense_inf_norm, atol=EXACT)
    assert ((df.fidelity > 0) & (df.fidelity <= 1)).all()
    # 2 layers: the visible pair sees 2 more qubits, whatever n is
    assert set(large.lightcone_width) == {4}


def test_fidelity_gradient_of_a_truncated_deep_circuit_is_flagged():
    cost = thermal_target(2, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        df = fidelity_gradient_ensemble(
            "hea_deep",
            [(10, 20)],
            target=cost,
            samples=1,
            max_bond=4,
            seed=0,
            executor="serial",
        )
    row = df.iloc[0]
    assert not row.trusted and row.untrusted_runs >= 2
    assert row.min_fidelity < 0.99 and row.dense_deviation > 1e-6


def test_fidelity_gradient_rejects_a_bad_target():
    with pytest.raises(TypeError, match="target"):
        fidelity_gradient_ensemble("hea_deep", [(4, 4)], target=np.eye(4) / 4)
    off = tnbp.observables.fidelity_cost(np.eye(2) / 2, [1])
    with pytest.raises(ValueError, match="first qubits"):
        fidelity_gradient_ensemble("hea_deep", [(4, 4)], target=off)
    with pytest.raises(ValueError, match="exceed n_visible"):
        fidelity_gradient_ensemble("hea_deep", [(2, 4)], target=thermal_target(2))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(family="ghz"), ValueError, "family"),
        (dict(sizes=[(6, 2), (6, 2)]), ValueError, "distinct"),
        (dict(sizes=6), TypeError, "sizes"),
        (dict(max_bond=0), ValueError, "max_bond"),
        (dict(cutoff=1.0), ValueError, "cutoff"),
        (dict(samples=0), ValueError, "samples"),
        (dict(first_sample=-1), ValueError, "first_sample"),
    ],
)
def test_distance_input_errors(kwargs, exc, match):
    args = {**dict(family="hea_deep", sizes=[(6, 2)], executor="serial"), **kwargs}
    with pytest.raises(exc, match=match):
        visible_distance_ensemble(args.pop("family"), args.pop("sizes"), **args)


def test_summary_statistics_and_fits():
    rows = pd.DataFrame(
        dict(
            family="hea_deep",
            n=np.repeat([4, 6, 8, 10], 4),
            layers=np.repeat([16, 24, 32, 40], 4),
            n_visible=1,
            x=np.arange(16.0),
            trusted=[True] * 12 + [False] * 4,
            max_bond=8,
            max_bond_reached=8,
            fidelity_estimate=1.0,
            dense_deviation=np.nan,
            exact_deviation=1e-14,
            seconds=0.5,
        )
    )
    s = visible_summary(rows, "x")
    assert list(s.n) == [4, 6, 8, 10] and list(s.trusted) == [True] * 3 + [False]
    assert_allclose(s["mean"], [1.5, 5.5, 9.5, 13.5])
    assert_allclose(s.variance, np.var(np.arange(4.0), ddof=1))
    assert s.dense_deviation.isna().all() and (s.exact_deviation == 1e-14).all()
    # an exact exponential over the trusted rows; the untrusted one is left out
    s["variance"] = np.exp(-0.3 * s.n) * np.where(s.trusted, 1.0, 100.0)
    fit = decay_fits(s, error=None)["hea_deep"]
    assert fit.exponential.rate == pytest.approx(0.3, rel=1e-9)
    assert list(fit.exponential.n) == [4, 6, 8]
    assert decay_fits(s[s.n < 8], error=None)["hea_deep"] is None
    with pytest.raises(ValueError, match="lacks"):
        visible_summary(rows.drop(columns="seconds"), "x")
    with pytest.raises(ValueError, match="no rows"):
        visible_summary(rows.iloc[:0], "x")
