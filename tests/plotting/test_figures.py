"""The study figures draw what their docstrings promise (curves, markers, bars, ticks).

Each plot function saves and closes its figure; the tests catch the figure at
``_save`` and read its artists: one line per model/setting, hollow markers for
untrusted points, dashed closed forms, error bars, integer ticks.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from figure_checks import legend_outside, legend_texts

from tnbp.plotting import figures


@pytest.fixture
def caught(catch_figures):
    """Figures handed to ``figures._save``, still open (tests/plotting/conftest.py)."""
    return catch_figures(figures)


def _integer_ticks(ax) -> bool:
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    return bool(ticks) and all(float(t).is_integer() for t in ticks)


def test_gradient_variance_curves_theory_and_hollow_truncated_points(caught):
    n = np.array([2, 4, 6, 8])
    df = pd.DataFrame(
        {
            "model": ["toy"] * 4 + ["hea"] * 4,
            "cost": ["global"] * 8,
            "n": np.tile(n, 2),
            "variance": np.r_[0.125 * 0.375 ** (n - 1), 0.1 * 0.3**n],
            "theory": np.r_[0.125 * 0.375 ** (n - 1), [np.nan] * 4],
            "truncated": [False] * 7 + [True],
        }
    )
    figures.plot_gradient_variance(df, "unused.png")
    (ax,) = caught[0].axes
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata())]  # no legend proxies
    labelled = [ln.get_label() for ln in lines if not ln.get_label().startswith("_")]
    assert sorted(labelled) == ["hea, global", "toy, global"]
    dashed = [ln for ln in lines if ln.get_linestyle() == "--"]
    assert len(dashed) == 1  # only the toy model has a closed form
    np.testing.assert_allclose(dashed[0].get_ydata(), df.theory[:4])
    assert dashed[0].get_zorder() > lines[0].get_zorder()  # drawn over the data
    # the legend names the dashes and the hollow markers, beside the axes
    assert legend_texts(ax)[-2:] == [
        "closed form (arXiv:2005.12458)",
        "truncated (max_bond hit)",
    ]
    assert legend_outside(caught[0], ax)
    hollow = [
        x
        for ln in lines
        if ln.get_markerfacecolor() in ("white", "none")
        for x in ln.get_xdata()
    ]
    assert hollow == [8]  # the one truncated point
    assert ax.get_yscale() == "log" and _integer_ticks(ax)


def _depth_table(seeds=3):
    """The demo's table: two ansatzes, fractional-free depths, a deep untrusted one."""
    rng = np.random.default_rng(0)
    rows = []
    for ansatz, grow in (("haar_brickwork", 0.5), ("hardware_efficient", 0.25)):
        for depth in (1, 2, 3, 4, 6, 8, 10, 12, 16, 20):
            for seed in range(seeds):
                s = grow * depth + 0.2 * rng.standard_normal()
                rows.append(
                    dict(
                        ansatz=ansatz,
                        backend="mps",
                        n=24,
                        depth=depth,
                        seed=seed,
                        max_bond=64,
                        n_visible=2,
                        half_chain_entropy=s,
                        trace_distance=0.75 * 2.0 ** (-s / 2),
                        trusted=depth < 12,
                        page_entropy=11.2787,
                        haar_bound=0.5 * np.sqrt(4 / 2**22),
                    )
                )
    return pd.DataFrame(rows)


def test_entanglement_figure_error_bars_legends_and_references(caught):
    """The demo figure: no error bars over seeds, a legend over the Page line."""
    df = _depth_table()
    figures.plot_entanglement_vs_depth(df, "unused.png")
    fig = caught[0]
    ax_s, ax_d = fig.axes
    for ax, col in ((ax_s, "half_chain_entropy"), (ax_d, "trace_distance")):
        bars = [c for c in ax.containers if c.has_yerr]
        assert len(bars) == 2  # one per ansatz, over its 3 seeds
        haar = df[df.ansatz == "haar_brickwork"].groupby("depth")[col]
        se = (haar.std(ddof=1) / np.sqrt(3)).to_numpy()
        (segments,) = bars[0].lines[2]
        half = np.array([np.ptp(seg[:, 1]) / 2 for seg in segments.get_segments()])
        np.testing.assert_allclose(half, se, rtol=1e-12)  # one standard error
        assert _integer_ticks(ax)
        labels = legend_texts(ax)
        assert {"haar_brickwork", "hardware_efficient"} <= set(labels)
        assert {"trusted", "untrusted (truncated)"} <= set(labels)
        assert legend_outside(fig, ax)  # so never over the Page line or a curve
        hollow = [ln for ln in ax.get_lines() if ln.get_markerfacecolor() == "none"]
        assert sorted({x for ln in hollow for x in ln.get_xdata()}) == [12, 16, 20]
    assert "Page value (Haar random state)" in legend_texts(ax_s)
    assert any(t.startswith("Haar bound") for t in legend_texts(ax_d))
    page = [ln for ln in ax_s.get_lines() if ln.get_label().startswith("Page")]
    assert ax_s.get_ylim()[0] < page[0].get_ydata()[0] < ax_s.get_ylim()[1]  # visible
    assert ax_s.get_title() == "n = 24, max_bond = 64; mean ± s.e. over 3 seeds"
    assert ax_d.get_title() == "visible: the first 2 qubits"


def test_entanglement_figure_with_one_seed_says_there_are_no_error_bars(caught):
    figures.plot_entanglement_vs_depth(_depth_table(seeds=1), "unused.png")
    ax_s, _ = caught[0].axes
    assert ax_s.get_title().endswith("1 seed per point (no error bars)")


def test_dqnn_toy_figure_exact_markers_sampled_bars_and_closed_forms(caught):
    n = np.array([2, 3, 4])
    rows = []
    for cost, ref in (("global", 0.125 * 0.375 ** (n - 1)), ("local", 1 / (8 * n**2))):
        for h in (0, 3):
            for est in ("exact", "sample"):
                sampled = est == "sample"
                rows += [
                    dict(
                        n=k,
                        hidden=h,
                        cost=cost,
                        estimator=est,
                        variance=r * (1.05 if sampled else 1),
                        variance_se=0.1 * r if sampled else np.nan,
                        theory=r,
                        variance_reliable=not (sampled and k == 4 and h == 3),
                        truncated=(not sampled) and k == 4 and h == 0,
                        max_bond_reached=4,
                    )
                    for k, r in zip(n, ref)
                ]
    df = pd.DataFrame(rows)
    figures.plot_dqnn_toy_variances(df, "unused.png")
    ax_g, ax_l = caught[0].axes
    assert ax_g.get_yscale() == ax_l.get_yscale() == ax_l.get_xscale() == "log"
    assert ax_g.get_xscale() == "linear" and _integer_ticks(ax_g)
    for ax, cost in ((ax_g, "global"), (ax_l, "local")):
        data = [ln for ln in ax.get_lines() if len(ln.get_xdata())]
        # one black closed-form line through the theory values
        (ref,) = [
            ln for ln in data if ln.get_linestyle() == "-" and ln.get_color() == "k"
        ]
        np.testing.assert_allclose(ref.get_ydata(), df[df.cost == cost].theory[:3])
        # error bars: one bar collection per (hidden, reliable or not) drawn
        bars = [c for c in ax.collections if len(c.get_segments())]
        assert sum(len(c.get_segments()) for c in bars) == 2 * len(n)
        # both hidden counts' exact markers show (equal values): shifted apart
        # slightly, each within 2 % of its n, and both panels have a y label
        exact = [ln for ln in data if ln.get_markerfacecolor() == "none"]
        xs = [np.asarray(ln.get_xdata(), float) for ln in exact]
        assert len(xs) == 2 and (xs[0] < xs[1]).all()
        for x in xs:
            np.testing.assert_allclose(x, n, rtol=0.02)
        assert "Var" in ax.get_ylabel()
    texts = legend_texts(ax_g)
    assert texts[:3] == ["closed form", "exact, 0 hidden", "sampled ±1 SE, 0 hidden"]
    assert texts[-2:] == ["sampled, low ESS (unreliable)", "truncated doubled MPS"]
    assert "largest bond 4" in caught[0]._suptitle.get_text()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # the Fig. 3a study's sizes: 2, 3, 4, 6 would overlap on an axis to 100
        (
            [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 100],
            [2, 8, 16, 24, 32, 48, 64, 100],
        ),
        ([0, 20, 40, 60, 80, 97, 100], [0, 20, 40, 60, 80, 100]),  # max replaces 97
        ([1, 2, 3], [1, 2, 3]),  # evenly spread: every value keeps its tick
        ([5], [5]),
    ],
)
def test_integer_ticks_thin_crowded_data_ticks_and_keep_the_ends(values, expected):
    fig, ax = plt.subplots()
    try:
        ax.plot(values, np.ones(len(values)))
        figures._integer_ticks(ax, values)
        assert [int(t) for t in ax.get_xticks()] == expected
    finally:
        plt.close(fig)


def test_dqnn_toy_figure_inset_clear_of_the_data_and_legend_of_drawn_rows(caught):
    """The study's sizes to n = 100, sampled to n = 6 with no hidden layer only."""
    n_exact = np.array([2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 100])
    rows = []
    for cost in ("global", "local"):
        ref = {
            "global": lambda k: 0.125 * 0.375 ** (k - 1),
            "local": lambda k: 1 / 8 / k**2,
        }
        for h in (0, 1):
            rows += [
                dict(
                    n=k,
                    hidden=h,
                    cost=cost,
                    estimator="exact",
                    variance=ref[cost](k),
                    variance_se=np.nan,
                    theory=ref[cost](k),
                )
                for k in n_exact
            ]
        rows += [
            dict(
                n=k,
                hidden=0,
                cost=cost,
                estimator="sample",
                variance=ref[cost](k),
                variance_se=0.1 * ref[cost](k),
                theory=ref[cost](k),
            )
            for k in (2, 3, 4, 6)
        ]
    figures.plot_dqnn_toy_variances(pd.DataFrame(rows), "unused.png")
    fig = caught[0]
    ax_g = fig.axes[0]
    (inset,) = ax_g.child_axes
    fig.canvas.draw()
    box = inset.get_tightbbox(fig.canvas.get_renderer())  # tick labels included
    exact = [ln for ln in ax_g.get_lines() if ln.get_markerfacecolor() == "none"]
    for ln in exact:  # no data marker of the main panel under the inset
        xy = ax_g.transData.transform(np.column_stack(ln.get_data()))
        assert not any(box.contains(x, y) for x, y in xy)
    texts = legend_texts(ax_g)
    assert "sampled ±1 SE, 0 hidden" in texts
    assert "sampled ±1 SE, 1 hidden" not in texts  # no sampled rows with 1 hidden
    assert [int(t) for t in ax_g.get_xticks()] == [2, 8, 16, 24, 32, 48, 64, 100]


@pytest.mark.parametrize(("env", "backend"), [(None, "agg"), ("svg", "svg")])
def test_import_selects_agg_unless_mplbackend_names_a_backend(env, backend):
    """A Jupyter kernel sets MPLBACKEND (inline): importing tnbp.plotting keeps it."""
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if env is not None:
        environ["MPLBACKEND"] = env
    code = "import matplotlib, tnbp.plotting; print(matplotlib.get_backend().lower())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == backend
