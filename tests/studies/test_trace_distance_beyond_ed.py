"""The beyond-ED Fig. 3a study: MPS against dense and exact references, saturation flagged."""

import numpy as np
import pytest

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("trace_distance_beyond_ed")


@pytest.fixture(scope="module")
def run(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("td")
    return out, study.main(**study.QUICK, out=out, progbar=False)


def test_quick_preset_agrees_with_references_and_flags_saturation(study, run):
    out, (df, summary, fits, fig) = run
    q = study.QUICK
    assert fig.exists() and fig.stat().st_size > 30_000
    rows = 3 * len(q["n_values"]) * q["samples"]
    assert len(df) == rows == len(read_table(out / "table.csv"))
    assert (out / "summary.csv").exists() and len(summary) == 3 * len(q["n_values"])
    assert set(study.SETTINGS) == set(study.points(**q)[0])
    trusted = df[df.trusted]
    # untruncated MPS against the dense state (n <= dense_max) and the exact
    # lightcone contraction (narrow cones beyond): rounding only (~1e-15 seen)
    dense = trusted[trusted.n <= q["dense_max"]]
    assert dense.dense_deviation.notna().all() and dense.dense_deviation.max() < 1e-10
    wide = df[df.n > q["dense_max"]]
    assert wide.dense_value.isna().all()
    narrow = wide[wide.family != "hea_deep"]
    assert narrow.exact_deviation.notna().all() and narrow.exact_deviation.max() < 1e-10
    # the fixed- and log-depth families never truncate: trusted at every n
    assert df[df.family != "hea_deep"].trusted.all()
    # the deep family saturates max_bond = 16 beyond n = 8 (2^4 per half chain)
    deep = summary[summary.family == "hea_deep"].set_index("n")
    assert not deep.loc[20].trusted and deep.loc[20].max_bond_reached == q["max_bond"]
    assert deep.loc[20].min_fidelity_estimate < 0.5
    assert deep.loc[6].trusted and deep.loc[8].trusted
    # where the saturated MPS meets the dense state, it is off by more than rounding
    saturated = df[(~df.trusted) & df.dense_deviation.notna()]
    assert len(saturated) and saturated.dense_deviation.max() > 1e-6
    # the deep visible state is closer to I/D_v than the area-law families'
    s = summary.set_index(["family", "n"])["mean"]
    assert (
        s["hea_deep", 8] < s["hea_shallow", 8]
        and s["hea_deep", 8] < s["unitary_qnn_nn", 8]
    )
    # area law: at n = 20 the fixed- and log-depth families sit two orders of
    # magnitude above the volume-law bound 1/2 sqrt(D_v/D_h) ~ 1e-3 (T ~ 0.27)
    bound = df[df.n == 20].haar_bound.iloc[0]
    assert s["unitary_qnn_nn", 20] > 100 * bound and s["hea_shallow", 20] > 100 * bound
    assert fits["hea_deep"] is None  # two trusted sizes only


def test_rerun_computes_nothing(study, run, monkeypatch):
    out, (df, *_) = run
    calls = []
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p))
    again, *_ = study.main(**study.QUICK, out=out, progbar=False)
    assert calls == [] and again.equals(df)


def test_dense_max_enters_a_point_only_where_it_runs(study):
    points = study.points(**{**study.QUICK, "samples": 1})
    assert {p["dense_max"] for p in points if p["n"] > study.QUICK["dense_max"]} == {0}
    assert {p["layers"] for p in points if p["family"] == "hea_deep"} == {
        2 * n for n in study.QUICK["n_values"]
    }
    assert np.all([p["n"] > p["n_visible"] for p in points])
