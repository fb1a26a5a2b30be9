"""The study figures draw what their docstrings promise (curves, markers, bars, ticks).

Each plot function saves and closes its figure; the tests catch the figure at
``_save`` and read its artists: one line per model/setting, hollow markers for
untrusted points, dashed closed forms, error bars, integer ticks.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tnbp.plotting import figures


@pytest.fixture
def caught(monkeypatch, tmp_path):
    """Figures handed to ``_save``, still open; the PNG is written as usual."""
    figs = []

    def keep(fig, path):
        figs.append(fig)
        out = tmp_path / "f.png"
        fig.savefig(out)
        return out

    monkeypatch.setattr(figures, "_save", keep)
    yield figs
    for fig in figs:
        plt.close(fig)


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
    lines = ax.get_lines()
    labelled = [ln.get_label() for ln in lines if not ln.get_label().startswith("_")]
    assert sorted(labelled) == ["hea, global", "toy, global"]
    dashed = [ln for ln in lines if ln.get_linestyle() == "--"]
    assert len(dashed) == 1  # only the toy model has a closed form
    np.testing.assert_allclose(dashed[0].get_ydata(), df.theory[:4])
    hollow = [
        x
        for ln in lines
        if ln.get_markerfacecolor() in ("white", "none")
        for x in ln.get_xdata()
    ]
    assert hollow == [8]  # the one truncated point
    assert ax.get_yscale() == "log" and _integer_ticks(ax)


def test_qbm_figure_has_error_bars_on_every_curve(caught):
    df = pd.DataFrame(
        {
            "n_hidden": [1, 2, 3],
            "variance_visible": [0.2, 0.21, 0.22],
            "variance_se_visible": [0.02, 0.02, 0.02],
            "variance_hidden": [1e-2, 3e-3, 1e-3],
            "variance_se_hidden": [2e-3, 5e-4, 2e-4],
            "inf_norm_variance": [2e-3, 2e-4, 1e-4],
            "inf_norm_variance_se": [5e-4, 5e-5, 5e-5],
        }
    )
    figures.plot_qbm_hidden_units(df, "unused.png")
    (ax,) = caught[0].axes
    bars = [c for c in ax.containers if c.has_yerr]
    assert len(bars) == 3  # visible, hidden and infinity-norm, each with its SE
    assert _integer_ticks(ax)
    with pytest.raises(ValueError, match="variance_se_hidden"):
        figures.plot_qbm_hidden_units(
            df.drop(columns="variance_se_hidden"), "unused.png"
        )
