"""Fig. 3a of arXiv:2010.15968 (trace distance against hidden units): the --quick preset."""

import numpy as np
import pytest

import tnbp
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("trace_distance_hidden_units")


@pytest.fixture(scope="module")
def quick(study, tmp_path_factory, tnbp_run_quick):
    out = tmp_path_factory.mktemp("fig3a")
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("trace_distance_hidden_units", out)
    df, fig = study.main(**study.QUICK, out=out, progbar=False)
    return df, fig, out


def test_quick_preset_shows_the_paper_and_the_checks(study, quick):
    df, fig, out = quick
    assert fig.exists() and fig.stat().st_size > 40_000
    assert study.PAPER == "arXiv:2010.15968" and study.FIGURE == "Fig. 3a"
    hidden = study.QUICK["hidden"]
    assert len(df) == len(study.STUDY_MODELS) * len(hidden)
    assert set(study.SETTINGS) == set(study.points(**study.QUICK)[0])
    by = {m: rows.sort_values("n_hidden") for m, rows in df.groupby("model")}
    # GUE and the shuffled QNN are Haar-like: mean within 4 s.e. of the exact
    # Haar mean at each size (40 instances: a wrong model or bound is >> 4 s.e.)
    for model in ("gue", "unitary_qnn"):
        rows = by[model]
        z = (rows["mean"] - rows.haar_mean) / rows.mean_se
        assert (z.abs() < 4).all(), (model, z.to_numpy())
        assert rows["mean"].is_monotonic_decreasing  # concentrates with D_h
        assert (rows["mean"] <= rows.bound).all()  # the bound holds for the mean
    # the fixed term order does not scramble: T stays ~0.4, over the bound
    ordered = by["unitary_qnn_ordered"]
    assert (ordered["mean"] > 0.3).all()
    assert ordered.fraction_under_bound.iloc[-1] < 0.3
    # the normalized QBM at beta = 1 is near I/D as a whole: far under the bound
    qbm = by["qbm"]
    assert (qbm.fraction_under_bound == 1).all() and (qbm["mean"] < 0.05).all()
    # the peak carries an error bar; n_h = 1 peaks at the bound T = 1/2 (Haar)
    assert (df.peak_se > 0).all()
    first = by["gue"].iloc[0]
    assert abs(first.peak - 0.5) < 3 * first.peak_se + 0.01
    # the MPS cross-check of the QNN rows agrees with dense to rounding
    qnn = df[df.model.isin(study.QNN_MODELS)]
    assert (qnn.mps_checked == study.QUICK["mps_samples"]).all()
    assert (qnn.dense_deviation < 1e-12).all() and (qnn.mps_untrusted == 0).all()
    others = df[~df.model.isin(study.QNN_MODELS)]
    assert others.dense_deviation.isna().all() and (others.mps_checked == 0).all()
    # a model's own parameter only on its rows (so a new beta recomputes QBM rows only)
    assert others[others.model == "gue"].beta.isna().all()
    assert df[df.model == "qbm"].time.isna().all()


def test_resume_computes_nothing(study, quick, monkeypatch):
    df, _, out = quick
    rows = len(read_table(out))
    monkeypatch.setattr(
        study, "measure", lambda **point: pytest.fail(f"recomputed {point}")
    )
    again, _ = study.main(**study.QUICK, out=out, progbar=False)
    assert again.equals(df) and len(read_table(out)) == rows


def test_a_new_beta_recomputes_only_the_qbm_rows(study, quick, monkeypatch):
    _, _, out = quick
    measure, calls = study.measure, []

    def counted(**point):
        calls.append(point["model"])
        return measure(**point)

    monkeypatch.setattr(study, "measure", counted)
    df, _ = study.main(**{**study.QUICK, "beta": 2.0}, out=out, progbar=False)
    assert calls == ["qbm"] * len(study.QUICK["hidden"])
    qbm = df[df.model == "qbm"]
    assert (qbm.beta == 2.0).all()


def test_rows_are_the_ensemble_summary(study):
    row = study.measure(
        model="gue",
        n_visible=1,
        n_hidden=2,
        samples=6,
        time=3.0,
        beta=None,
        mps_samples=None,
        seed=4,
    )
    table = tnbp.trace_distance_ensemble(
        "gue", 1, [2], samples=6, time=3.0, seed=4, executor="serial"
    )
    (ref,) = tnbp.trace_distance_summary(table).to_dict("records")
    for key in study.RESULTS:
        np.testing.assert_equal(row[key], ref[key])  # the same computation


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--samples", "10", "--time", "5") == dict(
        study.QUICK, samples=10, time=5.0
    )
    assert cli_params(study, "--hidden", "2,6") == {**study.DEFAULTS, "hidden": (2, 6)}
