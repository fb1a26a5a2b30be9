"""What a paper figure's legends must do, read from a drawn matplotlib figure.

Shared by the figure tests (tests/plotting, tests/studies): legends that cover
no axes (so no curve, point or reference line), and the markers each legend
entry shows, as drawn (a tuple handle shows several).
"""

from matplotlib.lines import Line2D
from matplotlib.offsetbox import DrawingArea


def legends_clear(fig) -> bool:
    """Every legend of ``fig`` (on an axes or on the figure) overlaps no axes.

    The figure is drawn first (final layout); colour bars count as axes.
    """
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    boxes = [ax.get_window_extent(renderer) for ax in fig.axes]
    return all(
        not legend.get_window_extent(renderer).overlaps(box)
        for legend in legends
        if legend is not None
        for box in boxes
    )


def legend_outside(fig, ax) -> bool:
    """The legend of ``ax`` does not cover its plotting area (drawn first)."""
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)  # final layout
    legend = ax.get_legend().get_window_extent(renderer)
    return not legend.overlaps(ax.get_window_extent(renderer))


def legend_texts(ax) -> list[str]:
    """The entries' texts of the legend of ``ax``."""
    return [t.get_text() for t in ax.get_legend().get_texts()]


def legend_entries(legend) -> dict[str, list[Line2D]]:
    """Each entry's text -> the lines drawn in its handle (markers, lines)."""
    areas = legend.findobj(DrawingArea)
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(areas) == len(texts)  # one handle box per entry
    return {
        text: [a for a in area.get_children() if isinstance(a, Line2D)]
        for text, area in zip(texts, areas)
    }


def markers(lines: list[Line2D]) -> list[str]:
    """The markers drawn among ``lines`` (lines without one left out)."""
    return [ln.get_marker() for ln in lines if ln.get_marker() not in ("None", "")]
