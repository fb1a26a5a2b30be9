"""The QBM hidden-units study's --quick preset runs end to end and decays."""

import pandas as pd
import pytest

from tnbp.plotting import plot_qbm_hidden_units
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("qbm_hidden_units")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("qbm_hidden_units", tmp_path)
    df, fit, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = read_table(tmp_path / "table.csv")
    assert len(table) == len(study.QUICK["hidden"])
    assert set(study.SETTINGS) == set(study.points(**study.QUICK, seed=0)[0])
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
    assert again.equals(df) and len(read_table(tmp_path)) == len(table)
    # another ensemble size into the same store: separate rows, its own fit
    other, _, _ = study.main(
        **{**study.QUICK, "samples": 4}, out=tmp_path, progbar=False
    )
    assert (other.samples == 4).all() and len(other) == len(df)
    assert len(read_table(tmp_path)) == 2 * len(table)
    assert not other.variance_hidden.isin(df.variance_hidden).any()


def test_quick_keeps_the_options_given(study, cli_params):
    """``--quick --samples 4`` ran 8 samples: the preset dropped every option."""
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--samples", "4", "--beta", "2") == {
        **study.QUICK,
        "samples": 4,
        "beta": 2.0,
    }
    assert cli_params(study, "--hidden", "2,5") == {**study.DEFAULTS, "hidden": (2, 5)}


def test_figure_names_each_curve_on_integer_ticks(tmp_path, monkeypatch):
    """The y label named only Var[d_k <O_v>], the x axis had fractional ticks."""
    from tnbp.plotting import figures

    columns = ("variance_visible", "variance_hidden", "inf_norm_variance")
    df = pd.DataFrame({"n_hidden": [1, 2, 3]})
    for col, se in zip(columns, ("variance_se_visible", "variance_se_hidden")):
        df[col], df[se] = [0.1, 0.05, 0.02], 0.01
    df["inf_norm_variance"], df["inf_norm_variance_se"] = [0.1, 0.05, 0.02], 0.01
    monkeypatch.setattr(figures, "_save", lambda fig, path: fig)  # keep it open
    fig = figures.plot_qbm_hidden_units(df, tmp_path / "f.png")
    ax = fig.axes[0]
    assert ax.get_ylabel().startswith("variance")
    labels = [t.get_text() for t in ax.get_legend().texts]
    assert len(labels) == 3 and "visible" in labels[0] and "hidden" in labels[1]
    assert r"\infty" in labels[2]
    assert all(float(x).is_integer() for x in ax.get_xticks())
    figures.plt.close(fig)
