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
    qntk = tnbp.qntk_ensemble(
        ansatz.design_rotations,
        [(2, 2)],
        observable=[(1.0, "Z", (0,))],
        samples=3,
        meta=True,
        executor="serial",
        seed=0,
    )
    distance = tnbp.visible_distance_ensemble(
        "hea_shallow", [(3, 2)], samples=2, executor="serial", seed=0
    )
    return {
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


def test_infinity_norm_error_column_is_filled(tables):
    """The column the QBM figure's error bars read (it was renamed once, blindly)."""
    for name, df in tables.items():
        if "inf_norm_variance_se" not in TABLES[name].names:  # no such column
            continue
        assert np.isfinite(df.inf_norm_variance_se).all()
        assert (df.inf_norm_variance_se > 0).all()


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
