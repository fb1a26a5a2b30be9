"""The Fig. 3b study (DQNN with local perceptrons) runs, resumes and fits; its routes are right."""

import numpy as np
import pandas as pd
import pytest
from figure_checks import legends_clear

import tnbp
from tnbp import ansatz, observables
from tnbp.ensembles.statistics import variance_standard_error
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("dqnn_local_perceptrons")


def test_quick_run_fits_decide_and_resumes(study, tmp_path, tnbp_run_quick):
    q = study.QUICK
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("dqnn_local_perceptrons", tmp_path)
    df, summary, fits, fig = study.main(**q, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 20_000
    # exact: depths x n x instances; sampled: depths x n x one chunk
    rows = 2 * len(q["n_values"]) * q["instances"] + 2 * len(q["sampled_n"])
    assert (
        q["samples"] <= study.CHUNK and len(read_table(tmp_path / "table.csv")) == rows
    )
    assert len(df) == rows and set(study.SETTINGS) == set(study.points(**q)[0])
    assert (tmp_path / "summary.csv").exists() and (tmp_path / "fits.csv").exists()
    assert (summary.variance > 0).all() and not summary.saturated.any()
    assert set(zip(summary.route, summary.cost)) == {
        ("exact", "global"),
        ("sampled", "local"),
    }
    # the global cost falls below the local one at n = 8 (by ~10x at both
    # depths, beyond 2 instances' spread and the 40 samples' ~25% error)
    v = summary.set_index(["depth", "cost", "n"]).variance
    for depth in study.DEPTHS:
        assert v[depth, "global", 8] < v[depth, "local", 8]
    f = fits.set_index(["depth", "cost"])
    assert len(f) == 4 and set(f.route) == {"exact", "sampled"}
    for depth in study.DEPTHS:
        # the verdicts on the quick data (seeded, so reproducible): global
        # exponential (delta AIC -2.2 at both depths, n = 4..10), local
        # power law (delta AIC +4.0 log, +2.9 fixed at n = 4, 8, 16); a decay law swapped
        # or a route mixed up flips them
        assert f.loc[(depth, "global"), "preferred"] == "exponential"
        assert f.loc[(depth, "local"), "smaller_aic"] == "power_law"
        # but three sampled sizes leave the exponent's 95% interval reaching 0
        assert f.loc[(depth, "local"), "preferred"] == "undetermined"
        # at least the eq. 11 rate ln(4/sqrt3) = 0.84 (fitted 0.92 +- 0.14 log,
        # 0.93 +- 0.18 fixed: within one error here; the slow test below and
        # the full preset, 1.31 +- 0.005 and 1.21 +- 0.008, settle it)
        assert f.loc[(depth, "global"), "exp_rate"] > np.log(4 / np.sqrt(3))
    # rerunning resumes: nothing recomputed or duplicated
    again, *_ = study.main(**q, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == rows


def test_figure_keeps_labels_off_the_data(study, tmp_path, monkeypatch):
    """The log-depth rule's D on a top axis, legends under the panels."""
    import matplotlib.pyplot as plt

    # a summary like the quick preset's (the figure reads these columns)
    summary = pd.DataFrame(
        [
            dict(
                cost=cost,
                depth=depth,
                n=n,
                layers=layers,
                saturated=False,
                variance=v,
                variance_se=0.3 * v,
            )
            for cost, sizes in (("global", (4, 6, 8, 10)), ("local", (4, 8, 16)))
            for depth in study.DEPTHS
            for n in sizes
            for layers in [2 * study.DEPTHS[depth](n)]
            for v in [2.0**-n if cost == "global" else n**-2.0]
        ]
    )
    kept = []
    monkeypatch.setattr(plt, "close", kept.append)  # keep the figure open
    study.plot(summary, summary.iloc[:0], tmp_path / "f.png")
    (fig,) = kept
    for ax, sizes in zip(fig.axes, ((4, 6, 8, 10), (4, 8, 16))):
        assert not ax.texts  # no "D=..." text among the markers and bars
        (top,) = ax.child_axes
        labels = [t.get_text() for t in top.get_xticklabels()]
        assert list(top.get_xticks()) == list(sizes)
        assert labels == [str(2 * study.DEPTHS["log"](n)) for n in sizes]
    assert legends_clear(fig)
    monkeypatch.undo()  # the patched close only recorded the figure
    plt.close(fig)


def test_pooled_chunks_are_the_whole_sample(study):
    """The power sums of chunks with different means give the variance and
    the standard error of the concatenated sample (not a mean of chunks)."""
    rng = np.random.default_rng(0)
    chunks = [
        rng.normal(mu, 0.1, size) for mu, size in ((0.0, 250), (0.3, 250), (-0.2, 37))
    ]
    g = np.concatenate(chunks)
    sums = [sum(float(np.sum(c**k)) for c in chunks) for k in range(1, 5)]
    var, se = study.pooled(g.size, sums)
    # float64 sums of 537 values of size <= 1: ~1e-13 relative
    assert var == pytest.approx(g.var(ddof=1), rel=1e-10)
    assert se == pytest.approx(variance_standard_error(g), rel=1e-10)
    assert var > 1.5 * np.mean([c.var(ddof=1) for c in chunks])  # the means differ


def test_sampled_rows_do_not_depend_on_the_chunking(study, monkeypatch):
    whole = study.measure(
        route="sampled", depth="fixed", n=4, instance=0, samples=6, max_bond=0
    )
    monkeypatch.setattr(study, "CHUNK", 3)  # samples 0-2 and 3-5
    parts = [
        study.measure(
            route="sampled", depth="fixed", n=4, instance=c, samples=3, max_bond=0
        )
        for c in (0, 1)
    ]
    for k in range(1, 5):  # the same six networks: equal up to summation order
        assert whole[f"sum{k}"] == pytest.approx(
            parts[0][f"sum{k}"] + parts[1][f"sum{k}"], rel=1e-12, abs=1e-300
        )


def test_parameter_is_the_middle_perceptrons_first_angle(study):
    for n in (4, 6, 9, 64):
        net = study.network(n, "log", seed=0)
        (p,) = [q for q in net.perceptrons if q.layer == 1 and q.index == 2 * (n // 4)]
        assert p.label == "V1" and p.parameters[0] == study.parameter_index(n)


@pytest.mark.slow  # ~20 s
def test_ensemble_variance_is_the_mean_of_exact_angle_variances():
    """Var over (W, theta) = E_W[Var_theta] (E_theta[dC] = 0 for every W), and
    Clifford blocks give the Haar ensemble's variance: the mean of exact
    per-instance variances over random Clifford blocks equals the variance
    sampled densely over Haar blocks and angles, within the errors of both."""
    n, p = 4, 2
    for cost in ("global", "local"):
        obs = getattr(observables, f"{cost}_cost")(range(n))
        exact = np.array(
            [
                tnbp.exact_gradient_variance(
                    ansatz.alternating_layered(n, 1, seed=s, design="clifford"),
                    obs,
                    parameters=p,
                ).variance[0]
                for s in range(150)
            ]
        )
        sampled = tnbp.gradient_variance(
            lambda n, seed: ansatz.alternating_layered(n, 1, seed=seed),
            [n],
            observable=obs,
            samples=3000,
            parameters=[p],
            seed=1,
            executor="serial",
            inf_norm=False,
            chunk_size=500,
        ).iloc[0]
        se = np.hypot(exact.std(ddof=1) / np.sqrt(exact.size), sampled.variance_se)
        # two independent estimates of one number: 4 combined standard errors
        # (a false alarm once in ~16000 runs)
        assert abs(exact.mean() - sampled.variance) < 4 * se
        assert se < 0.25 * sampled.variance  # the check has teeth


@pytest.mark.slow  # ~2.5 min: sampled DQNNs to n = 64 (448 qubits at log depth)
def test_verdicts_at_n_64(study, tmp_path):
    """The acceptance statements on data to n = 64: local cost (sampled, 250
    DQNNs per size) a power law, global cost (exact, 2 Clifford instances) an
    exponential at least as fast as eq. 11, at both depth rules."""
    _, _, fits, _ = study.main(
        n_values=(4, 8, 16, 64),
        instances=2,
        sampled_n=(4, 8, 16, 32, 64),
        samples=250,
        max_bond=1024,
        out=tmp_path,
        progbar=False,
    )
    f = fits.set_index(["depth", "cost"])
    assert (f.n_max == 64).all() and len(f) == 4
    for depth in study.DEPTHS:
        local, glob = f.loc[depth, "local"], f.loc[depth, "global"]
        # AIC differences beyond 2 (a clear preference), both ways
        assert local.preferred == "power_law" and local.delta_aic > 2
        assert glob.preferred == "exponential" and glob.delta_aic < -2
        assert glob.exp_rate > np.log(4 / np.sqrt(3))
