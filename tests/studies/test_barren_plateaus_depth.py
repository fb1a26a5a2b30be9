"""The depth-crossover study's --quick preset runs end to end; its variances are exact."""

import math

import numpy as np
import pytest

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("barren_plateaus_depth")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("barren_plateaus_depth", tmp_path)
    df, fits, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = read_table(tmp_path / "table.csv")
    rules = len(study.QUICK["fractions"]) + len(study.QUICK["fixed_layers"])
    assert len(table) == len(df) == rules * len(study.QUICK["n_values"])
    assert set(table.engine) == {"pauli"} and table.trusted.all()
    # the doubled-circuit engine, an independent exact method, agrees to
    # rounding (both sum O(100) positive terms in double precision)
    checked = table.reference_deviation.dropna()
    assert len(checked) >= 6 and checked.max() < 1e-12
    t = table.set_index(["depth", "n"]).variance
    # a fixed depth: the parameter's cone holds the same cost terms at every n
    # (weight 1/(2n) each), so n^2 Var is one number
    fixed = t.loc["2"]
    n2_var = fixed * fixed.index**2
    np.testing.assert_allclose(n2_var, n2_var.iloc[0], rtol=1e-12)
    assert fits["2"].power_law.exponent == pytest.approx(2.0, abs=1e-9)
    # deeper circuits have flatter landscapes, once the depths differ (n >= 6)
    for n in (6, 8):
        assert t.loc[("1n", n)] < t.loc[("0.5n", n)] < t.loc[("2", n)]
    # every row lies above the deep limit, the 2-design value of the register
    assert (table.variance > table.two_design).all()
    # rerunning resumes: nothing recomputed or duplicated
    again, _, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == len(table)


def test_depth_rules(study):
    assert [study.depth_rule(f) for f in (0.25, 0.5, 1.0)] == ["0.25n", "0.5n", "1n"]
    assert [study.layers_for(d, 10) for d in ("0.25n", "0.5n", "1n", "2")] == [
        3,  # half rounds up
        5,
        10,
        2,
    ]
    assert study.layers_for("0.25n", 2) == 1


def test_close_fractions_keep_their_own_rules(study):
    """Labels rounded to 6 digits merged 0.5 and 0.5000001 (the sweep then
    refused its repeated points with a traceback) and ran 0.04999999 as 0.05."""
    points = study.points(
        n_values=(4,), fractions=(0.5, 0.5000001), fixed_layers=(2,), cutoff=1e-12
    )
    assert len({p["depth"] for p in points}) == 3
    for f, n in ((0.04999999, 50), (0.5000001, 4), (1 / 3, 9), (0.25, 10)):
        assert study.layers_for(study.depth_rule(f), n) == math.floor(f * n + 0.5)


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--fractions", "1")["fractions"] == (1.0,)
