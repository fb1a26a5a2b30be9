"""The depth-crossover figure: a line per depth rule, the 2-design limit, hollow untrusted rows."""

import numpy as np
import pandas as pd
import pytest
from figure_checks import legend_texts, legends_clear

from tnbp.plotting import depth_crossover


@pytest.fixture
def caught(catch_figures):
    return catch_figures(depth_crossover)


def _table():
    n = np.array([10, 20, 40, 100])
    rows = []
    for depth, rate in (("1n", 0.5), ("2", None), ("0.25n", 0.2)):
        variance = 0.1 / n**2 if rate is None else 0.1 * np.exp(-rate * n)
        rows.append(
            pd.DataFrame(
                {
                    "depth": depth,
                    "n": n,
                    "variance": variance,
                    "two_design": 2.0 ** -(n + 1),
                    "trusted": [True, True, True, depth != "1n"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_lines_per_depth_rule_limit_and_untrusted_markers(caught):
    df = _table()
    depth_crossover.plot_depth_crossover(df, "unused.png")
    fig = caught[0]
    left, right = fig.axes
    for ax in (left, right):
        lines = [ln for ln in ax.get_lines() if len(ln.get_xdata())]
        named = [ln.get_label() for ln in lines if not ln.get_label().startswith("_")]
        # fixed depths first, then growing ones by their fraction
        assert named == ["L = 2", "L = n/4", "L = n"]
        dashed = [ln for ln in lines if ln.get_linestyle() == "--"]
        assert len(dashed) == 1
        np.testing.assert_allclose(
            dashed[0].get_ydata(), 2.0 ** -(np.array([10, 20, 40, 100]) + 1)
        )
        hollow = [
            (x, y)
            for ln in lines
            if ln.get_markerfacecolor() in ("white", "none")
            for x, y in zip(ln.get_xdata(), ln.get_ydata())
        ]
        assert hollow == [(100, pytest.approx(0.1 * np.exp(-50)))]
        assert ax.get_yscale() == "log"
    assert right.get_xscale() == "log"
    ticks = [t for t in right.get_xticks() if 10 <= t <= 100]
    assert ticks == [10, 20, 40, 100]  # the data's qubit numbers, as integers
    assert right.get_legend() is not None and left.get_legend() is None
    assert legend_texts(right)[-2:] == [
        "2-design value (whole register)",
        "not trusted (truncation)",
    ]
    assert legends_clear(fig)


def test_no_untrusted_rows_no_legend_entry(caught):
    df = _table().assign(trusted=True)
    depth_crossover.plot_depth_crossover(df, "unused.png")
    assert "not trusted (truncation)" not in legend_texts(caught[0].axes[1])


def test_one_qubit_number_still_shows_the_limit(caught):
    """With one n the dashed 2-design "line" is one point: drawn with a marker."""
    df = _table()
    depth_crossover.plot_depth_crossover(df[df.n == 20], "unused.png")
    for ax in caught[0].axes:
        dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        limit = [ln for ln in dashed if len(ln.get_xdata())]
        assert len(limit) == 1 and list(limit[0].get_xdata()) == [20]
        assert limit[0].get_marker() not in (None, "", "None", " ")


def test_an_exact_zero_does_not_stretch_the_axis(caught):
    df = _table()
    df.loc[0, "variance"] = 0.0  # a parameter outside every cone
    depth_crossover.plot_depth_crossover(df, "unused.png")
    positive = df.variance[df.variance > 0].min()
    for ax in caught[0].axes:
        assert ax.get_ylim()[0] == pytest.approx(positive / 1e3)
