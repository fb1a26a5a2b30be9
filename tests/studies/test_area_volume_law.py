"""The area-vs-volume-law study (arXiv:2010.15968, Prop. 1 and Fig. 2) at its --quick preset."""

import numpy as np
import pytest
from figure_checks import legend_entries, legends_clear, markers

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("area_volume_law")


@pytest.fixture(scope="module")
def quick(study, tmp_path_factory, tnbp_run_quick):
    out = tmp_path_factory.mktemp("area_volume_law")
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("area_volume_law", out)
    df, summary, fig = study.main(**study.QUICK, out=out, progbar=False)
    return out, df, summary, fig


def test_quick_preset_shows_both_laws_and_proposition_1(study, quick):
    out, df, summary, fig = quick
    q = study.QUICK
    assert study.PAPER == "arXiv:2010.15968" and study.FIGURE == "Prop. 1, Fig. 2"
    assert fig.exists() and fig.stat().st_size > 50_000
    assert (out / "summary.csv").exists()
    table = read_table(out)
    blocks = (q["n_dense"] - 1) + (q["n"] - 1)
    assert len(table) == len(df) == 3 * len(q["depths"]) * q["samples"] * blocks
    laws = {(r.family, r.depth, r.n): r.law for r in summary.itertuples()}
    small, large, shallow, deep = (
        q["n_dense"],
        q["n"],
        min(q["depths"]),
        max(q["depths"]),
    )
    # shallow circuits: area law at both sizes, exactly simulated
    for family in study.FAMILIES:
        assert laws[family, shallow, small] == laws[family, shallow, large] == "area"
    # deep Haar brickwork and unitary QNN: volume law where exact (n_dense) ...
    assert laws["haar_brickwork", deep, small] == "volume"
    assert laws["unitary_qnn", deep, small] == "volume"
    # ... and undetermined at the capped size, where the bond saturated
    capped = summary[(summary.n == large) & (summary.depth == deep)]
    for family in ("haar_brickwork", "unitary_qnn"):
        row = capped[capped.family == family].iloc[0]
        assert laws[family, deep, large] == "undetermined" and not row.trusted
        assert row.saturated_blocks > 0 and row.max_bond_reached == q["max_bond"]
    # capped rows: flagged, never above log2(max_bond), hollow in the figure
    big = df[df.n == large]
    assert (big.entropy <= np.log2(q["max_bond"]) + 1e-9).all()
    assert not big[big.depth == deep].trusted.all()
    # n_dense: exact MPS (max_bond = 2^(n/2)) beside dense, within its bounds
    exact = df[df.n == small]
    assert set(exact.max_bond) == {2 ** (small // 2)} and exact.trusted.all()
    assert exact.entropy_dense_deviation.max() < 1e-6
    assert (exact.entropy_dense_deviation <= exact.entropy_error + 1e-12).all()
    assert big.entropy_dense.isna().all()  # no dense reference above DENSE_MAX
    # Proposition 1: T <= sqrt(Delta ln 2 / 2) in every row (rounding 1e-12)
    assert (df.trace_distance <= df.pinsker_bound + 1e-12).all()
    assert (summary.pinsker_max_ratio <= 1).all()
    # volume law keeps T ~ 1/2 sqrt(D_v/D_h), area law does not
    vol = summary[summary.law == "volume"]
    area = summary[(summary.law == "area") & (summary.depth == shallow)]
    assert vol.haar_max_ratio.max() < 6 < area.haar_max_ratio.min()
    assert vol.volume_constant.max() < 20 < area.volume_constant.min()
    # every row of a summary line comes from one setting
    assert set(study.SETTINGS) | {"sample", "seed", "n_visible"} == set(
        study.points(**q)[0]
    )


def test_rerun_resumes_and_another_cap_reuses_the_exact_rows(study, quick, monkeypatch):
    out, df, _, _ = quick
    calls = []
    measure = study.measure
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p) or measure(**p))
    again, _, _ = study.main(**study.QUICK, out=out, progbar=False)
    assert not calls and again.equals(df)
    # another bond cap: only the capped size's rows are new, of the same circuits
    other, _, _ = study.main(**{**study.QUICK, "max_bond": 8}, out=out, progbar=False)
    large = study.QUICK["n"]
    assert {p["n"] for p in calls} == {large} and len(calls) == (other.n == large).sum()
    assert len(read_table(out)) == len(df) + len(calls)
    shallow = min(study.QUICK["depths"])  # bond <= 4 < 8: exact at both caps
    a = df[(df.n == large) & (df.depth == shallow)].entropy.to_numpy()
    b = other[(other.n == large) & (other.depth == shallow)].entropy.to_numpy()
    np.testing.assert_allclose(a, b, atol=1e-10)


def test_figure_marks_laws_trust_and_the_bond_cap(study, quick, monkeypatch):
    from tnbp.plotting import area_volume

    out, df, summary, _ = quick
    monkeypatch.setattr(area_volume, "_save", lambda fig, path: fig)  # keep it open
    fig = area_volume.plot_area_volume_law(df, summary, out / "f.png")
    ax_small, ax_large, ax_dist, ax_pinsker = fig.axes
    labels = [t.get_text() for t in ax_large.get_legend().get_texts()]
    assert "Haar brickwork, depth 12: undetermined" in labels
    assert "beyond the bond cap" in labels and "log2(max_bond) = 4" in labels
    small_labels = [t.get_text() for t in ax_small.get_legend().get_texts()]
    assert "Haar brickwork, depth 12: volume" in small_labels
    assert "exact" in ax_small.get_title() and "max_bond = 16" in ax_large.get_title()
    # hollow markers for the untrusted points of the capped size only
    hollow = [
        ln
        for ln in ax_large.get_lines()
        if ln.get_marker() == "s" and ln.get_mfc() == "none"
    ]
    assert (
        sum(len(ln.get_xdata()) for ln in hollow)
        == (
            df[df.n == study.QUICK["n"]]
            .groupby(["family", "depth", "n_visible"])
            .trusted.all()
            == 0
        ).sum()
    )
    assert not any(
        ln.get_mfc() == "none" and len(ln.get_xdata()) for ln in ax_small.get_lines()
    )
    # the bounds: Haar's 1/2 sqrt(D_v/D_h), Pinsker's sqrt(Delta ln 2 / 2)
    for ax, text in ((ax_dist, "D_v/D_h"), (ax_pinsker, "Prop. 1")):
        assert any(text in t.get_text() for t in ax.get_legend().get_texts())
    # the trust keys show the data's own markers (circles n = 12, squares n =
    # 24), filled or hollow; no legend shows a marker the data do not use
    drawn = {ln.get_marker() for ax in fig.axes for ln in ax.get_lines()}
    drawn -= {"None", ""}
    assert drawn == {"o", "s"}
    keys = {"filled: trusted", "hollow: untrusted (bond cap)"}
    for ax, shapes in (
        (ax_large, ["s"]),  # hollow points: its key
        (ax_small, None),  # every point trusted: no key
        (ax_dist, ["o", "s"]),
        (ax_pinsker, ["o", "s"]),
    ):
        entries = legend_entries(ax.get_legend())
        assert set().union(*map(markers, entries.values())) <= drawn
        if shapes is None:
            assert not keys & set(entries)
            continue
        filled, hollow = (entries[k] for k in sorted(keys))
        assert markers(filled) == markers(hollow) == shapes
        assert all(ln.get_markerfacecolor() == "none" for ln in hollow)
        assert not any(ln.get_markerfacecolor() == "none" for ln in filled)
    assert legends_clear(fig)
    area_volume.plt.close(fig)


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--n", "20", "--depths", "1,3") == {
        **study.QUICK,
        "n": 20,
        "depths": (1, 3),
    }
    assert cli_params(study, "--max-bond", "32") == {**study.DEFAULTS, "max_bond": 32}
