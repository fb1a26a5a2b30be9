"""The beyond-ED figures of Figs. 3a and 3b: legends show each family as drawn.

Synthetic summaries (three families at four sizes, the deep family's last size
untrusted) drawn by :mod:`tnbp.plotting.visible_states`; the figures are kept
open at ``_save`` and their legends and titles read back.
"""

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from figure_checks import legend_entries, legends_clear, markers

from tnbp.plotting import visible_states as vs


def _summary(samples: int) -> pd.DataFrame:
    rows = []
    for k, family in enumerate(vs.STYLES):
        for n in (6, 8, 10, 12):
            rows.append(
                dict(
                    family=family,
                    n=n,
                    layers=2 if k == 0 else n,
                    n_visible=1,
                    mean=0.3 / (k + 1),
                    mean_se=0.01,
                    variance=1e-3 / (k + 1) ** n,
                    # the variance's standard error is NaN below 4 instances
                    variance_se=1e-4 if samples >= 4 else np.nan,
                    samples=samples,
                    trusted=not (family == "hea_deep" and n == 12),
                    max_bond=16,
                )
            )
    return pd.DataFrame(rows)


@pytest.fixture
def kept(monkeypatch):
    """Figures handed to ``_save``, left open (closed after the test)."""
    figs = []
    monkeypatch.setattr(vs, "_save", lambda fig, path: figs.append(fig) or fig)
    yield figs
    for fig in figs:
        vs.plt.close(fig)


def _families_drawn_with_their_marker_and_colour(legend) -> None:
    entries = legend_entries(legend)
    for family, (color, marker) in vs.STYLES.items():
        (text,) = [t for t in entries if t.startswith(vs.LABELS[family])]
        lines = entries[text]
        assert markers(lines) == [marker]  # the family's square/circle/diamond
        assert all(mcolors.same_color(ln.get_color(), color) for ln in lines)
        assert any(ln.get_linestyle() == "-" for ln in lines)  # and its line


def test_distance_figure_legend_shows_each_family_marker(kept, tmp_path):
    summary = _summary(samples=2)
    refs = summary[summary.n <= 10][["family", "n", "mean"]]
    fig = vs.plot_visible_distance(summary, tmp_path / "a.png", references=refs)
    (ax,) = fig.axes
    legend = ax.get_legend()
    _families_drawn_with_their_marker_and_colour(legend)
    entries = legend_entries(legend)
    assert markers(entries["MPS trusted"]) == ["o"]
    hollow = [t for t in entries if t.startswith("MPS not trusted")]
    assert len(hollow) == 1 and entries[hollow[0]][0].get_markerfacecolor() == "white"
    assert markers(entries[next(t for t in entries if t.startswith("dense"))]) == ["x"]
    assert legends_clear(fig)


@pytest.mark.parametrize(
    "samples, title",
    [
        (4, "log-log; error bars: ± 1 s.e. of the variance"),
        (3, "log-log; no error bars: fewer than 4 instances"),
    ],
)
def test_gradient_figure_says_error_bars_only_when_drawn(
    kept, tmp_path, samples, title
):
    fig = vs.plot_fidelity_gradient(_summary(samples), tmp_path / "b.png")
    left, right = fig.axes
    assert right.get_title() == title
    assert left.get_title().endswith(f"{samples} instances")
    # one legend for both panels: the families with their markers, the trust keys
    (legend,) = fig.legends
    _families_drawn_with_their_marker_and_colour(legend)
    assert legends_clear(fig)
