"""The demo study's --quick preset runs end to end, its physics is sane, settings stay apart."""

import numpy as np
import pytest

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("entanglement_vs_depth")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("entanglement_vs_depth", tmp_path)
    df, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = read_table(tmp_path / "table.csv")
    assert (
        len(table) == len(df) == 2 * len(study.QUICK["depths"]) * study.QUICK["samples"]
    )
    for _, group in table.groupby("ansatz"):
        group = group.sort_values("depth")
        # entanglement grows with depth, the visible state approaches I/D_v
        assert group.half_chain_entropy.iloc[-1] > group.half_chain_entropy.iloc[0]
        assert group.trace_distance.iloc[-1] < group.trace_distance.iloc[0]
    # entropies never exceed what the bond cap allows; saturated rows are flagged
    assert (table.half_chain_entropy <= np.log2(study.QUICK["max_bond"]) + 1e-9).all()
    deep = table[
        (table.ansatz == "haar_brickwork") & (table.depth == max(study.QUICK["depths"]))
    ]
    assert not deep.trusted.any()
    # n = 12 <= DENSE_MAX: every row is checked against the dense state; the MPS
    # values are exact up to rounding (1e-12: a few hundred gates of ~1e-16 each)
    # where trusted, and within their error bounds everywhere
    assert study.QUICK["n"] <= study.DENSE_MAX and table.dense_deviation.notna().all()
    assert (table[table.trusted].dense_deviation < 1e-12).all()
    assert (table[~table.trusted].dense_deviation > 1e-3).all()  # truly truncated
    for name in ("half_chain_entropy", "trace_distance"):
        error = (table[name] - table[f"dense_{name}"]).abs()
        assert (error <= table[f"{name}_error_bound"] + 1e-12).all(), name
    assert (table.backend == "mps").all() and (
        table.task == "entanglement_vs_depth"
    ).all()
    # rerunning resumes: nothing is recomputed or duplicated
    df2, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert df2.equals(df) and len(read_table(tmp_path)) == len(table)


def test_summary_groups_by_every_parameter_but_the_seed(study):
    point = study.points(**{**study.QUICK, "samples": 2})[0]
    assert set(study.SETTINGS) == set(point) - {"seed"}


def test_another_max_bond_is_never_averaged_in(study, tmp_path, capsys, monkeypatch):
    """The issue's case: Haar depth 8 printed the mean of chi = 16 and chi = 4."""
    settings = dict(
        n=12, depths="1,2,4,8", samples=1, n_visible=2, quick=False, executor="serial"
    )
    study.cli(**settings, max_bond=16, out=tmp_path)
    first = capsys.readouterr().out
    study.cli(**settings, max_bond=4, out=tmp_path)
    second = capsys.readouterr().out
    table = read_table(tmp_path)
    assert sorted(table.max_bond.unique()) == [4, 16] and table.key.is_unique
    summary = study.summarize(table)
    assert (summary.samples == 1).all()  # every group holds one setting's one seed
    s = summary.S_half.xs(("haar_brickwork", 8), level=("ansatz", "depth"))
    chi16, chi4 = s.xs(16, level="max_bond").iloc[0], s.xs(4, level="max_bond").iloc[0]
    assert chi16 > chi4 + 1  # 2.901 vs 1.712 bits: an average would sit between
    # each run printed its own setting only
    assert f"{chi16:.4g}" in first and f"{chi4:.4g}" not in first
    assert f"{chi4:.4g}" in second and f"{chi16:.4g}" not in second
    assert f"{(chi16 + chi4) / 2:.4g}" not in second
    # the figure of both settings draws one line per setting, named in the legend
    from tnbp.plotting import figures

    monkeypatch.setattr(figures, "_save", lambda fig, path: fig)  # keep it open
    fig = figures.plot_entanglement_vs_depth(table, tmp_path / "both.png")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:4] == [
        f"{a}, max_bond={chi}"
        for a in ("haar_brickwork", "hardware_efficient")
        for chi in (4, 16)
    ]
    (haar16,) = [
        ln
        for ln in fig.axes[0].get_lines()
        if ln.get_label() == "haar_brickwork, max_bond=16"
    ]
    assert haar16.get_ydata()[-1] == chi16
    # both panels say which points are untrusted; the title names the bond caps
    for ax in fig.axes:
        assert "untrusted (truncated)" in [t.get_text() for t in ax.get_legend().texts]
        assert all(float(x).is_integer() for x in ax.get_xticks())  # depths
    assert "max_bond = 4, 16" in fig.axes[0].get_title()
    figures.plt.close(fig)


def test_quick_keeps_the_options_given(study, cli_params):
    """``--quick --max-bond 4`` ran max_bond = 16: the preset dropped every option."""
    assert cli_params(study) == {**study.DEFAULTS}
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--max-bond", "4") == {
        **study.QUICK,
        "max_bond": 4,
    }
    assert cli_params(study, "--depths", "1,3", "--quick", "--n", "8") == {
        **study.QUICK,
        "depths": (1, 3),
        "n": 8,
    }
    assert cli_params(study, "--samples", "2") == {**study.DEFAULTS, "samples": 2}
