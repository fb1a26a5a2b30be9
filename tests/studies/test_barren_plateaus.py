"""The barren-plateau study's --quick preset runs end to end; its numbers are exact."""

import numpy as np
import pytest

from tnbp import theory
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("barren_plateaus")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("barren_plateaus", tmp_path)
    df, fits, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = read_table(tmp_path / "table.csv")
    assert len(table) == len(df) == 4 * len(study.QUICK["n_values"])
    assert set(study.SETTINGS) == set(study.points(n_values=(2,))[0])
    toy = table[table.model == "toy_perceptron"]
    np.testing.assert_allclose(toy.variance, toy.theory, rtol=1e-10)
    fit = fits[("toy_perceptron", "global")]
    assert fit.rate == pytest.approx(np.log(8 / 3), rel=1e-9)
    hea = table[table.model == "hardware_efficient_2"].set_index(["cost", "n"])
    # the global cost decays faster than the local one, from the first step on
    assert (hea.loc["global"].variance < hea.loc["local"].variance).iloc[1:].all()
    assert not table.truncated.any()
    # rerunning resumes: nothing recomputed or duplicated
    again, _, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == len(table)
    assert theory.toy_local_cost_gradient_variance(8) == pytest.approx(
        toy[(toy.cost == "local") & (toy.n == 8)].variance.iloc[0], rel=1e-10
    )
    # fewer n into the same store: the fit uses only the requested ones
    fewer, fits2, _ = study.main(n_values=(2, 4, 6), out=tmp_path, progbar=False)
    assert sorted(fewer.n.unique()) == [2, 4, 6] and len(read_table(tmp_path)) == len(
        table
    )
    assert fits2[("toy_perceptron", "global")].rate == pytest.approx(
        np.log(8 / 3), rel=1e-9
    )


def test_quick_keeps_the_options_given(study, cli_params):
    """``--quick`` chose the preset's n even when ``--n-values`` was given."""
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--n-values", "2,3") == {"n_values": (2, 3)}
