"""The DQNN Theorem 1/2 study's --quick preset runs end to end and resumes."""

import numpy as np
import pytest

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("dqnn_global_perceptrons")


def test_quick_preset(study, tmp_path):
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
