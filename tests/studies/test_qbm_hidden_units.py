"""The QBM hidden-units study's --quick preset runs end to end and decays."""

import pandas as pd
import pytest

from tnbp.plotting import plot_qbm_hidden_units


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("qbm_hidden_units")


def test_quick_preset(study, tmp_path):
    df, fit, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = pd.read_csv(tmp_path / "qbm_hidden_units.csv")
    assert len(table) == len(study.QUICK["hidden"])
    # hidden-term derivatives shrink with every hidden qubit; visible ones do not
    assert table.variance_hidden.is_monotonic_decreasing
    assert table.variance_visible.min() > 0.5 * table.variance_visible.max()
    assert fit.rate > 0.5
    assert table.num_parameters_hidden.tolist() == [12, 33, 63]  # 3 n_h + 9 pairs
    # every curve of the figure has its error bars (a renamed column lost one)
    assert (table.inf_norm_variance_se > 0).all()
    with pytest.raises(ValueError, match="inf_norm_variance_se"):
        plot_qbm_hidden_units(
            table.drop(columns="inf_norm_variance_se"), tmp_path / "f.png"
        )
    again, _, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert len(pd.read_csv(tmp_path / "qbm_hidden_units.csv")) == len(table)
