"""The QNTK scaling study (local vs global costs on shallow circuits) runs, resumes, and says
what its numbers say."""

import numpy as np
import pytest

from tnbp import theory
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("qntk_local_scaling")


def test_quick_run_resumes_and_shows_lightcone_physics(study, tmp_path, tnbp_run_quick):
    q = study.QUICK
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("qntk_local_scaling", tmp_path)
    df, summary, fig = study.main(**q, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 50_000
    rows = len(study.OBSERVABLES) * len(q["layers"]) * len(q["n_values"])
    assert len(df) == rows == len(read_table(tmp_path / "table.csv"))
    assert set(study.SETTINGS) == set(study.points(**q)[0])
    assert (tmp_path / "summary.csv").exists() and len(summary) == rows
    # tn and dense on the same instances (n <= 12): rounding only (K <= ~2,
    # sums of ~100 squared derivatives each exact to ~1e-15)
    dense = summary[summary.n <= q["dense_max"]]
    assert (
        dense.dense_max_abs_dev.notna().all() and dense.dense_max_abs_dev.max() < 1e-10
    )
    assert dense.dense_max_rel_dev.max() < 1e-10  # the global K is ~1e-4 there
    assert np.allclose(dense.k_dense_mean, dense.k_mean, rtol=1e-10, atol=0)
    assert summary[summary.n > q["dense_max"]].dense_max_abs_dev.isna().all()
    s = summary.set_index(["observable", "layers", "n"])
    for layers in q["layers"]:
        # one term: K at n = 40 is O(1) (0.58, 0.54 at 2, 4 layers), where eq. 22
        # (a 2-design) predicts ~1e-10
        term = s.loc[("term", layers, 40)]
        assert term.k_mean > 0.1 and term.mean_over_eq22 > 1e8
        # local cost: n K saturates (n = 16 vs 40: 0.77 vs 0.73, 0.85 vs 0.79;
        # each within ~10% (95% CI of 8 samples): 25% is far outside noise)
        local = s.loc["local", layers]
        assert local.loc[40].n_k_mean == pytest.approx(local.loc[16].n_k_mean, rel=0.25)
        # the global parity decays exponentially: K(40) / K(4) < 1e-9 (measured
        # 3e-18 and 5e-13)
        glob = s.loc["global", layers]
        assert glob.loc[40].k_mean < 1e-9 * glob.loc[4].k_mean
    # rerunning resumes: nothing recomputed or duplicated
    again, _, _ = study.main(**q, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == rows


def test_eq22_uses_the_exact_traces(study):
    """``Tr O^2 = N sum c^2`` (Pauli strings are orthogonal), ``Tr O = 0``: the
    traces :func:`tnbp.theory.observable_traces` computes by brute force."""
    for n in (4, 5, 6):
        for name, build in study.OBSERVABLES.items():
            tr_o, tr_o2, _ = theory.observable_traces(build(n), n)
            assert tr_o == pytest.approx(0.0, abs=1e-12)
            ref = theory.qntk_mean(2 * n * 3, n, tr_o2)
            assert study.eq22(name, n, 3) == pytest.approx(ref, rel=1e-12)


def test_rows_do_not_depend_on_the_chunking(study, monkeypatch):
    point = dict(observable="local", layers=2, n=8, dense_max=8, seed=3)
    whole = study.measure(chunk=0, samples=6, **point)
    monkeypatch.setattr(study, "CHUNK", 3)  # samples 0-2 and 3-5
    parts = [study.measure(chunk=c, samples=3, **point) for c in (0, 1)]
    for key in ("k_sum", "k_sum2", "log_k_sum"):
        # the same six instances: equal up to summation order
        assert whole[key] == pytest.approx(parts[0][key] + parts[1][key], rel=1e-12)
    assert whole["k_max"] == max(p["k_max"] for p in parts)
    assert whole["count"] == 6


def test_summary_pools_chunks_into_one_sample(study):
    """Mean, t interval and effective sample size of two chunks equal those of
    the concatenated sample."""
    import pandas as pd
    from scipy import stats

    rng = np.random.default_rng(0)
    a, b = rng.exponential(1.0, 7), rng.exponential(2.0, 5)
    k = np.concatenate([a, b])

    def row(x, chunk):
        return dict(
            observable="term",
            layers=2,
            n=8,
            chunk=chunk,
            count=x.size,
            k_sum=x.sum(),
            k_sum2=np.sum(x**2),
            k_min=x.min(),
            k_max=x.max(),
            log_k_sum=np.sum(np.log(x)),
            k_dense_sum=np.nan,
            dense_max_abs_dev=np.nan,
            dense_max_rel_dev=np.nan,
            tn_seconds=1.0,
        )

    (r,) = study.summarize(pd.DataFrame([row(a, 0), row(b, 1)])).itertuples()
    assert r.samples == 12 and r.k_mean == pytest.approx(k.mean(), rel=1e-12)
    half = stats.t.ppf(0.975, 11) * k.std(ddof=1) / np.sqrt(12)
    assert r.k_ci95 == pytest.approx(half, rel=1e-10)
    assert r.ess == pytest.approx(k.sum() ** 2 / np.sum(k**2), rel=1e-12)
    assert r.geometric_mean == pytest.approx(np.exp(np.mean(np.log(k))), rel=1e-12)
    assert r.n_k_mean == pytest.approx(8 * k.mean(), rel=1e-12)


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--layers", "3") == dict(
        study.QUICK, layers=(3,)
    )
