"""The QBM hidden-units study (Fig. 3c and its variant): --quick runs end to end and decays."""

import numpy as np
import pytest

import tnbp
from tnbp.plotting import plot_qbm_hidden_units
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("qbm_hidden_units")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("qbm_hidden_units", tmp_path)
    df, fits, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    assert (study.PAPER, study.FIGURE) == ("arXiv:2010.15968", "Fig. 3c")
    table = read_table(tmp_path / "table.csv")
    assert len(table) == len(study.QUICK["hidden"])
    assert set(study.SETTINGS) == set(study.points(**study.QUICK, seed=0)[0])
    # Fig. 3c: the variance of the trace-distance gradient's infinity-norm falls
    # with every hidden qubit, finite differences and exact alike
    assert table.inf_norm_variance_fd.is_monotonic_decreasing
    assert table.inf_norm_variance_exact.is_monotonic_decreasing
    assert fits["fd"].rate > 0.5 and fits["exact"].rate > 0.5
    # forward differences at h = 1e-3 against the exact limit 1/2 ||d rho_v||_1:
    # O(h ||d^2 rho_v||_1) ~ 3e-5 at 8 samples; their variances agree to 1%
    assert (table.max_deviation < 1e-4).all()
    assert (table.variance_relative_deviation < 1e-2).all()
    assert fits["fd"].rate == pytest.approx(fits["exact"].rate, rel=1e-2)
    # its mean does not fall: visible onsite terms move rho_v by ~beta/2
    assert (table.inf_norm_mean_fd > 0.4).all()
    # the variant: hidden-term derivatives shrink with every hidden qubit,
    # visible ones do not
    assert table.observable_variance_hidden.is_monotonic_decreasing
    assert (
        table.observable_variance_visible.min()
        > 0.5 * table.observable_variance_visible.max()
    )
    assert fits["observable_hidden"].rate > 0.5
    assert table.observable_num_parameters_hidden.tolist() == [12, 33, 63]
    assert (
        table.num_parameters == table.observable_num_parameters_visible + [12, 33, 63]
    ).all()
    # every curve of the figure has its error bars (a renamed column lost one)
    assert (table.observable_inf_norm_variance_se > 0).all()
    assert (table.inf_norm_variance_se_fd > 0).all()
    with pytest.raises(ValueError, match="observable_inf_norm_variance_se"):
        plot_qbm_hidden_units(
            table.drop(columns="observable_inf_norm_variance_se"), tmp_path / "f.png"
        )
    again, _, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == len(table)
    # another ensemble size into the same store: separate rows, its own fit
    other, _, _ = study.main(
        **{**study.QUICK, "samples": 4}, out=tmp_path, progbar=False
    )
    assert (other.samples == 4).all() and len(other) == len(df)
    assert len(read_table(tmp_path)) == 2 * len(table)
    assert not other.observable_variance_hidden.isin(
        df.observable_variance_hidden
    ).any()


def test_both_quantities_come_from_the_same_hamiltonians(study, tmp_path):
    """One row's columns are the two ensembles of one seed, unchanged."""
    (row,) = study.main(
        n_visible=1,
        hidden=(2,),
        samples=4,
        beta=1.0,
        step=1e-3,
        seed=5,
        out=tmp_path,
        progbar=False,
    )[0].to_dict("records")
    kwargs = dict(samples=4, beta=1.0, seed=5, executor="serial")
    paper = tnbp.qbm_trace_distance_gradient_variance(1, [2], step=1e-3, **kwargs)
    variant = tnbp.qbm_gradient_variance(1, [2], **kwargs).set_index("group")
    assert row["inf_norm_variance_fd"] == paper.inf_norm_variance_fd.iloc[0]
    assert row["max_deviation"] == paper.max_deviation.iloc[0]
    assert row["observable_variance_hidden"] == variant.variance["hidden"]
    assert row["observable_inf_norm_variance"] == variant.inf_norm_variance["hidden"]
    assert row["seed"] == 5 and np.isfinite(row["inf_norm_variance_se_exact"])


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
    assert cli_params(study, "--step", "1e-4") == {**study.DEFAULTS, "step": 1e-4}
