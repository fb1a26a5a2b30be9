"""Every public table has the columns its schema pins, in order, with the schema's dtypes.

The column lists below are written out literally: renaming a public column
means editing this file, on purpose.
"""

import numpy as np
import pandas as pd
import pytest

import tnbp
from tnbp import ansatz, observables
from tnbp.ensembles.visible_states import thermal_target
from tnbp.results.schema import TABLES, Column, TableSchema

PINNED = {
    "gradient_variance": [
        "n",
        "parameter",
        "mean",
        "variance",
        "variance_se",
        "samples",
        "variance_ess",
        "variance_reliable",
        "inf_norm_mean",
        "inf_norm_variance",
        "inf_norm_variance_se",
        "min_fidelity",
        "max_discarded_weight",
        "untrusted_runs",
        "engine",
        "method",
        "backend",
        "estimator",
        "seed",
    ],
    "qbm_gradient_variance": [
        "n_hidden",
        "group",
        "mean",
        "variance",
        "variance_se",
        "samples",
        "num_parameters",
        "inf_norm_mean",
        "inf_norm_variance",
        "inf_norm_variance_se",
        "untrusted_runs",
        "method",
        "backend",
        "seed",
    ],
    "fidelity_gradient_variance": [
        "n_visible",
        "n_hidden",
        "num_parameters",
        "samples",
        "step",
        "fidelity_mean",
        "inf_norm_mean_fd",
        "inf_norm_variance_fd",
        "inf_norm_variance_se_fd",
        "inf_norm_mean_exact",
        "inf_norm_variance_exact",
        "inf_norm_variance_se_exact",
        "max_deviation",
        "variance_relative_deviation",
        "method",
        "seed",
    ],
    "qbm_trace_distance_gradient_variance": [
        "n_visible",
        "n_hidden",
        "num_parameters",
        "samples",
        "step",
        "inf_norm_mean_fd",
        "inf_norm_variance_fd",
        "inf_norm_variance_se_fd",
        "inf_norm_mean_exact",
        "inf_norm_variance_exact",
        "inf_norm_variance_se_exact",
        "max_deviation",
        "variance_relative_deviation",
        "seed",
    ],
    "qbm_gradient_profile": [
        "n",
        "n_visible",
        "sample",
        "distance",
        "num_parameters",
        "sum",
        "sum_squares",
        "max_abs",
        "error_bound",
        "step_error",
        "truncation_error",
        "trotter_error",
        "dense_deviation",
        "inf_norm",
        "trusted",
        "max_bond_reached",
        "truncation_distance",
        "hamiltonian_norm",
        "seconds",
        "cpu_seconds",
        "norm_seconds",
        "step",
        "beta",
        "backend",
        "seed",
    ],
    "qbm_gradient_profile_summary": [
        "n",
        "distance",
        "samples",
        "num_parameters",
        "mean",
        "variance",
        "variance_se",
        "rms",
        "max_abs",
        "error_bound",
        "step_error",
        "truncation_error",
        "trotter_error",
        "relative_error",
        "trusted",
        "dense_deviation",
        "inf_norm_mean",
        "inf_norm_variance",
        "inf_norm_variance_se",
        "max_bond_reached",
        "truncation_distance",
        "hamiltonian_norm",
        "seconds",
        "cpu_seconds",
    ],
    "dqnn_gradient_variance": [
        "n",
        "widths",
        "derivative",
        "parameter",
        "cost",
        "mean",
        "mean_se",
        "variance",
        "variance_se",
        "samples",
        "variance_ess",
        "variance_reliable",
        "training_pairs",
        "perceptron",
        "method",
        "backend",
        "seed",
    ],
    "train_ensemble": [
        "sample",
        "step",
        "residual",
        "loss",
        "qntk",
        "theta_norm",
        "learning_rate",
        "angle_noise",
        "seed",
    ],
    "qntk_ensemble": [
        "n",
        "layers",
        "sample",
        "num_parameters",
        "kernel",
        "meta_kernel",
        "expectation",
        "method",
        "backend",
        "seed",
    ],
    "qntk_summary": [
        "n",
        "layers",
        "num_parameters",
        "samples",
        "kernel_mean",
        "kernel_se",
        "kernel_ci_low",
        "kernel_ci_high",
        "kernel_theory",
        "kernel_theory_large_n",
        "kernel_z",
        "kernel_std",
        "kernel_std_se",
        "kernel_std_theory",
        "kernel_std_ratio",
        "concentration",
        "concentration_theory",
        "kernel_expectation_correlation",
        "meta_mean",
        "meta_se",
        "meta_rms",
        "meta_rms_se",
        "meta_rms_theory",
        "confidence",
        "method",
        "backend",
        "seed",
    ],
    "visible_entanglement": [
        "n",
        "n_visible",
        "n_hidden",
        "entropy",
        "entropy_error",
        "deficit",
        "trace_distance",
        "trace_distance_error",
        "pinsker_bound",
        "haar_bound",
        "page_entropy",
        "cut_saturated",
        "trusted",
        "caveats",
        "max_bond_reached",
        "discarded_weight",
        "fidelity_estimate",
        "num_truncations",
        "entropy_dense",
        "trace_distance_dense",
        "entropy_dense_deviation",
        "trace_distance_dense_deviation",
    ],
    "entanglement_law_summary": [
        "samples",
        "law",
        "reason",
        "plateau",
        "plateau_spread",
        "half_chain_entropy",
        "page_half_chain",
        "page_deficit",
        "volume_constant",
        "pinsker_max_ratio",
        "haar_max_ratio",
        "trusted",
        "saturated_blocks",
        "max_bond_reached",
        "min_fidelity",
        "entropy_dense_max_deviation",
        "trace_distance_dense_max_deviation",
    ],
    "trace_distance_ensemble": [
        "model",
        "n_visible",
        "n_hidden",
        "sample",
        "trace_distance",
        "bound",
        "under_bound",
        "error_bound",
        "trusted",
        "max_bond_reached",
        "backend",
        "time",
        "beta",
        "seed",
    ],
    "trace_distance_summary": [
        "model",
        "n_visible",
        "n_hidden",
        "samples",
        "mean",
        "mean_se",
        "median",
        "median_se",
        "peak",
        "peak_se",
        "fraction_under_bound",
        "fraction_under_bound_se",
        "bound",
        "haar_mean",
        "haar_median",
        "haar_mode",
        "haar_fraction_under_bound",
        "max_error_bound",
        "untrusted",
        "max_bond_reached",
        "backend",
        "time",
        "beta",
        "seed",
    ],
    "visible_distance_ensemble": [
        "family",
        "n",
        "layers",
        "sample",
        "n_visible",
        "trace_distance",
        "error_bound",
        "haar_bound",
        "max_bond",
        "max_bond_reached",
        "discarded_weight",
        "fidelity_estimate",
        "num_truncations",
        "trusted",
        "caveats",
        "seconds",
        "lightcone_width",
        "dense_value",
        "dense_deviation",
        "exact_value",
        "exact_deviation",
        "backend",
        "seed",
    ],
    "fidelity_gradient_ensemble": [
        "family",
        "n",
        "layers",
        "sample",
        "n_visible",
        "num_parameters",
        "fidelity",
        "inf_norm",
        "rank_deficient",
        "max_bond",
        "max_bond_reached",
        "discarded_weight",
        "fidelity_estimate",
        "num_truncations",
        "trusted",
        "caveats",
        "min_fidelity",
        "max_discarded_weight",
        "untrusted_runs",
        "seconds",
        "lightcone_width",
        "dense_inf_norm",
        "dense_deviation",
        "exact_inf_norm",
        "exact_deviation",
        "method",
        "backend",
        "seed",
    ],
    "visible_summary": [
        "family",
        "n",
        "layers",
        "n_visible",
        "quantity",
        "samples",
        "mean",
        "mean_se",
        "variance",
        "variance_se",
        "trusted",
        "untrusted",
        "max_bond",
        "max_bond_reached",
        "min_fidelity_estimate",
        "dense_deviation",
        "exact_deviation",
        "max_seconds",
    ],
}


def _one_qubit(seed):
    c = tnbp.Circuit(1)
    c.ry(seed.uniform(0, 3), 0)
    return c


def _square(n):
    return (n, n)


def _local_cost(n):
    return observables.local_cost(range(n))


def _tables():
    """Each public table, built on a tiny problem."""
    state = tnbp.simulate(ansatz.haar_brickwork(12, 2, seed=0), backend="mps")
    dense = tnbp.simulate(ansatz.haar_brickwork(12, 2, seed=0), backend="dense")
    blocks = tnbp.visible_entanglement(state, dense=dense)
    qntk = tnbp.qntk_ensemble(
        ansatz.design_rotations,
        [(2, 2)],
        observable=[(1.0, "Z", (0,))],
        samples=3,
        meta=True,
        executor="serial",
        seed=0,
    )
    distances = tnbp.trace_distance_ensemble(
        "unitary_qnn", 1, [1, 2], samples=3, backend="mps", executor="serial", seed=0
    )
    profile = tnbp.qbm_gradient_profile(
        [3], samples=4, backend="dense", dense_max=3, executor="serial", seed=0
    )
    distance = tnbp.visible_distance_ensemble(
        "hea_shallow", [(3, 2)], samples=2, executor="serial", seed=0
    )
    return {
        "visible_distance_ensemble": distance,
        "fidelity_gradient_ensemble": tnbp.fidelity_gradient_ensemble(
            "hea_shallow",
            [(3, 2)],
            target=thermal_target(1, seed=0),
            samples=2,
            executor="serial",
            seed=0,
        ),
        "visible_summary": tnbp.visible_summary(distance, "trace_distance"),
        "qbm_gradient_profile": profile,
        "qbm_gradient_profile_summary": tnbp.qbm_gradient_profile_summary(profile),
        "gradient_variance": tnbp.gradient_variance(
            ansatz.toy_perceptron,
            [2, 3],
            observable=_local_cost,
            samples=4,
            executor="serial",
            seed=0,
        ),
        "qbm_gradient_variance": tnbp.qbm_gradient_variance(
            1, [1, 2], samples=4, executor="serial", seed=0
        ),
        "fidelity_gradient_variance": tnbp.fidelity_gradient_variance(
            1,
            [1, 2],
            target=tnbp.random_thermal_target(1, seed=0),
            samples=4,
            executor="serial",
            seed=0,
        ),
        "qbm_trace_distance_gradient_variance": (
            tnbp.qbm_trace_distance_gradient_variance(
                1, [1, 2], samples=4, executor="serial", seed=0
            )
        ),
        "dqnn_gradient_variance": tnbp.dqnn_gradient_variance(
            _square, [1, 2], samples=4, parameters=0, executor="serial", seed=0
        ),
        "train_ensemble": tnbp.train_ensemble(
            _one_qubit,
            [(1.0, "Z", (0,))],
            target=0.0,
            learning_rate=0.5,
            steps=2,
            angle_noise=0.01,
            samples=2,
            executor="serial",
            seed=0,
        ),
        "qntk_ensemble": qntk,
        "qntk_summary": tnbp.qntk_summary(qntk, [(1.0, "Z", (0,))]),
        "trace_distance_ensemble": distances,
        "trace_distance_summary": tnbp.trace_distance_summary(distances),
        "visible_entanglement": blocks,
        # the setting columns `by` come first, then the schema's
        "entanglement_law_summary": tnbp.entanglement_law_summary(blocks).drop(
            columns="n"
        ),
    }


@pytest.fixture(scope="module")
def tables():
    return _tables()


def test_every_table_is_pinned():
    assert set(TABLES) == set(PINNED)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_columns_are_pinned(tables, name):
    df = tables[name]
    assert list(df.columns) == PINNED[name]
    assert TABLES[name].names == PINNED[name]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_dtypes_follow_the_schema(tables, name):
    df = tables[name]
    checks = {
        "int64": pd.api.types.is_integer_dtype,
        "float64": pd.api.types.is_float_dtype,
        "bool": pd.api.types.is_bool_dtype,
        "str": pd.api.types.is_string_dtype,
    }
    for col in TABLES[name].columns:
        assert checks[col.dtype](df[col.name]), (col.name, df[col.name].dtype)
        assert col.unit and col.meaning  # every column says what it is


def test_exact_estimator_writes_the_same_columns():
    df = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [3],
        observable=_local_cost,
        samples=1,
        estimator="exact",
        executor="serial",
    )
    assert list(df.columns) == PINNED["gradient_variance"]
    # not tracked by the exact moments: NaN, as the schema says
    assert df.min_fidelity.isna().all() and df.inf_norm_mean.isna().all()
    # a Pauli sum on a rotation circuit: the Pauli-transfer chain, which tracks
    # its discarded weight (none here: a product of one-qubit rotations)
    assert (df.engine == "pauli").all() and (df.max_discarded_weight == 0).all()


def test_infinity_norm_error_column_is_filled(tables):
    """The column the QBM figure's error bars read (it was renamed once, blindly)."""
    checked = 0
    for name, df in tables.items():
        # also the _fd and _exact columns of the Fig. 3b-c tables
        for col in TABLES[name].names:
            if col.startswith("inf_norm_variance_se"):
                assert np.isfinite(df[col]).all() and (df[col] > 0).all(), col
                checked += 1
    # circuits, QBM, fidelity, trace distance, QBM profile beyond ED
    assert checked == 1 + 1 + 2 + 2 + 1


def test_frame_refuses_unknown_and_missing_columns():
    schema = TableSchema(
        "toy", "x", (Column("a", "int64", "1", "a"), Column("b", "str", "-", "b"))
    )
    df = schema.frame([{"b": "u", "a": 1}, {"a": 2, "b": "v"}])
    assert list(df.columns) == ["a", "b"] and df.a.dtype == np.int64
    with pytest.raises(ValueError, match=r"\['c'\].*\['b'\]"):
        schema.frame([{"a": 1, "c": 2}])
    with pytest.raises(ValueError, match="repeats"):
        TableSchema("toy", "x", (Column("a", "int64", "1", "a"),) * 2)
    with pytest.raises(ValueError, match="dtype"):
        Column("a", "complex", "1", "a")
    assert "a  int64" in str(schema) and list(schema.describe().name) == ["a", "b"]
