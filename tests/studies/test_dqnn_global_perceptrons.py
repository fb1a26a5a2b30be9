"""The DQNN Theorem 1/2 study's --quick preset runs end to end and resumes."""

import numpy as np
import pytest

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("dqnn_global_perceptrons")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("dqnn_global_perceptrons", tmp_path)
    df, fits, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = read_table(tmp_path / "table.csv")
    n = len(study.QUICK["n_values"])
    assert len(table) == len(df) == 4 * n  # derivatives x costs x n
    assert set(study.SETTINGS) <= set(table.columns)
    assert (table.variance > 0).all() and (table.variance_se > 0).all()
    # n = 1: one output qubit, so the global and local costs coincide exactly
    one = table[table.n == 1].set_index(["derivative", "cost"]).variance
    assert one["angle", "global"] == one["angle", "local"]
    assert set(fits) == {(d, c) for d in study.DERIVATIVES for c in study.COSTS}
    for key, f in fits.items():
        assert f["bound_bits"] == study.BOUND_BITS[key]
        assert f["bits"] == pytest.approx(f["fit"].rate / np.log(2))
    # rerunning resumes: nothing recomputed or duplicated
    again, _, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == len(table)


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--samples", "5") == dict(
        study.QUICK, samples=5
    )


def test_table_keeps_the_ensemble_columns(study, tmp_path):
    df, _, _ = study.main(
        n_values=(1,), samples=4, hidden=0, seed=3, out=tmp_path, progbar=False
    )
    table = read_table(tmp_path)
    for column in ("training_pairs", "perceptron", "method", "variance_reliable"):
        assert column in table.columns
    assert set(table.training_pairs) == {2} and set(table.perceptron) == {"global"}
    assert set(table.seed.astype(int)) == {3}


@pytest.mark.parametrize(
    ("bits", "ci", "bound", "said"),
    [
        (1.75, (-5.34, 8.85), 1.0, "undetermined"),  # the --quick preset's
        (2.30, (0.86, 3.74), 2.0, "undetermined"),  # wider than the rate
        (2.19, (1.61, 2.77), 2.0, "consistent with"),
        (1.5, (1.2, 1.8), 2.0, "slower than"),
    ],
)
def test_verdict(study, bits, ci, bound, said):
    assert study.verdict(bits, ci, bound) == said
