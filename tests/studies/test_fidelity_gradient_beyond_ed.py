"""The beyond-ED Fig. 3b study: MPS adjoint gradients against dense and exact ones."""

import pytest

from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("fidelity_gradient_beyond_ed")


@pytest.fixture(scope="module")
def run(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("fg")
    return out, study.main(**study.QUICK, out=out, progbar=False)


def test_quick_preset_agrees_with_references_and_flags_saturation(study, run):
    out, (df, summary, fits, fig) = run
    q = study.QUICK
    assert fig.exists() and fig.stat().st_size > 30_000
    rows = 3 * len(q["n_values"]) * q["samples"]
    assert len(df) == rows == len(read_table(out / "table.csv"))
    assert set(study.SETTINGS) == set(study.points(**q)[0])
    assert (df.method == "adjoint").all() and (df.backend == "mps").all()
    # untruncated MPS adjoint sweeps against dense adjoint gradients and exact
    # lightcone gradients: rounding of a few hundred derivatives (~1e-12 seen)
    trusted = df[df.trusted]
    dense = trusted[trusted.n <= q["dense_max"]]
    assert dense.dense_deviation.notna().all() and dense.dense_deviation.max() < 1e-9
    narrow = df[(df.n > q["dense_max"]) & (df.family != "hea_deep")]
    assert narrow.exact_deviation.notna().all() and narrow.exact_deviation.max() < 1e-9
    assert df[df.family != "hea_deep"].trusted.all()
    # deep circuits at max_bond = 16 beyond n = 8: every instance flagged, and
    # where the dense gradient exists the deviation is visible
    deep = df[(df.family == "hea_deep") & (df.n >= 10)]
    assert not deep.trusted.any() and (deep.untrusted_runs >= 2).all()
    assert deep[deep.n <= q["dense_max"]].dense_deviation.min() > 1e-6
    s = summary.set_index(["family", "n"])
    assert not s.loc[("hea_deep", 12)].trusted and s.loc[("hea_shallow", 12)].trusted
    assert set(fits) == {"unitary_qnn_nn", "hea_shallow", "hea_deep"}
    assert fits["hea_deep"] is None  # two trusted sizes only
    assert fits["hea_shallow"] is not None


def test_rerun_computes_nothing(study, run, monkeypatch):
    out, (df, *_) = run
    calls = []
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p))
    again, *_ = study.main(**study.QUICK, out=out, progbar=False)
    assert calls == [] and again.equals(df)
