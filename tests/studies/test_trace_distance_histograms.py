"""Fig. 4 of arXiv:2010.15968 (histograms of the trace distance): the --quick preset."""

import numpy as np
import pytest

import tnbp
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("trace_distance_histograms")


@pytest.fixture(scope="module")
def quick(study, tmp_path_factory, tnbp_run_quick):
    out = tmp_path_factory.mktemp("fig4")
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("trace_distance_histograms", out)
    df, summary, fig = study.main(**study.QUICK, out=out, progbar=False)
    return df, summary, fig, out


def test_quick_preset_draws_the_three_panels(study, quick):
    df, summary, fig, out = quick
    assert fig.exists() and fig.stat().st_size > 40_000
    assert study.PAPER == "arXiv:2010.15968" and study.FIGURE == "Fig. 4"
    q = study.QUICK
    assert len(df) == 3 * len(q["hidden"]) * q["samples"]
    assert len(read_table(out)) == len(df)
    assert set(study.SETTINGS) == set(study.points(**q)[0])
    assert list(summary.model.unique()) == ["gue", "unitary_qnn", "qbm"]
    assert (summary.samples == q["samples"]).all() and (df.n_visible == 1).all()
    # GUE and QNN concentrate towards zero as hidden units are added (the
    # paper's reading of its Fig. 4), the QBM sits far under every bound
    for model in ("gue", "unitary_qnn", "qbm"):
        rows = summary[summary.model == model].sort_values("n_hidden")
        assert rows["mean"].is_monotonic_decreasing
    assert (summary[summary.model == "qbm"].fraction_under_bound == 1).all()
    assert df.trusted.all()


def test_rows_are_the_instances_of_the_ensemble(study, quick):
    """The same seeds give Fig. 3a's instances: the ensemble's rows, one by one."""
    df, _, _, _ = quick
    q = study.QUICK
    gue = df[(df.model == "gue") & (df.n_hidden == q["hidden"][-1])].sort_values(
        "sample"
    )
    ref = tnbp.trace_distance_ensemble(
        "gue",
        1,
        [q["hidden"][-1]],
        samples=q["samples"],
        seed=q["seed"],
        executor="serial",
    )
    np.testing.assert_array_equal(gue.trace_distance, ref.trace_distance)


def test_resume_computes_nothing(study, quick, monkeypatch):
    df, _, _, out = quick
    monkeypatch.setattr(
        study, "measure", lambda **point: pytest.fail(f"recomputed {point}")
    )
    again, _, _ = study.main(**study.QUICK, out=out, progbar=False)
    assert again.equals(df) and len(read_table(out)) == len(df)


def test_an_ensemble_is_computed_once_for_all_its_rows(study, tmp_path, monkeypatch):
    calls = []
    ensemble = tnbp.trace_distance_ensemble

    def counted(*args, **kwargs):
        calls.append(args[0])
        return ensemble(*args, **kwargs)

    monkeypatch.setattr(study.tnbp, "trace_distance_ensemble", counted)
    study.main(
        hidden=(2,), samples=5, time=10.0, beta=1.0, seed=1, out=tmp_path, progbar=False
    )
    assert calls == ["gue", "unitary_qnn", "qbm"]  # one per (model, size), 15 rows


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--beta", "2") == dict(study.QUICK, beta=2.0)
