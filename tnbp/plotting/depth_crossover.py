"""Gradient variance against qubit number at several depth rules: the depth crossover.

Draws the table of ``studies/barren_plateaus_depth.py``: exact variances of a
local cost for circuits whose depth is fixed or grows with ``n``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .figures import _integer_ticks, _log_integer_ticks, _save, plt


def _depth_label(depth: str) -> str:
    """``"0.25n" -> "L = n/4"``, ``"1n" -> "L = n"``, ``"2" -> "L = 2"``."""
    if not depth.endswith("n"):
        return f"L = {depth}"
    fraction = float(depth[:-1])
    if fraction == 1:
        return "L = n"
    inverse = 1 / fraction
    if abs(inverse - round(inverse)) < 1e-9:
        return f"L = n/{round(inverse)}"
    return f"L = {fraction:g} n"


def _depth_order(depth: str) -> tuple[int, float]:
    """Fixed depths first (by layers), then growing ones by their fraction."""
    if depth.endswith("n"):
        return (1, float(depth[:-1]))
    return (0, float(depth))


def plot_depth_crossover(df: pd.DataFrame, path: str | Path) -> Path:
    r"""Exact gradient variance against ``n``, one line per depth rule, two scales.

    Left panel semilog (exponential decay is a straight line), right panel
    log-log (a power law is). The 2-design value of the whole register
    (the rows' ``two_design``) is drawn dashed in black: the deep limit. The
    vertical range is the data's (down to a thousandth of the smallest
    variance): where the 2-design value falls below it, its line leaves the
    axes at the bottom. Untrusted rows (``trusted`` False: truncation matters) are hollow markers,
    named in the legend.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per ``(depth, n)`` with the columns ``depth`` (a rule such as
        ``"0.25n"`` or ``"2"``), ``n``, ``variance``, ``two_design`` and
        ``trusted``, as written by ``studies/barren_plateaus_depth.py`` from
        :func:`tnbp.exact_gradient_variance`.
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    design = df.groupby("n").two_design.first().sort_index()
    untrusted = False
    for depth in sorted(df.depth.unique(), key=_depth_order):
        group = df[df.depth == depth].sort_values("n")
        bad = group[~group.trusted.astype(bool)]
        untrusted |= len(bad) > 0
        for ax in axes:
            (line,) = ax.plot(
                group.n, group.variance, "o-", ms=4, label=_depth_label(depth)
            )
            ax.plot(bad.n, bad.variance, "o", ms=6, mfc="white", color=line.get_color())
    # one n: a dashed line of one point is invisible, so mark it
    mark = dict(marker="_", ms=14) if len(design) == 1 else {}
    for ax in axes:
        ax.plot(design.index, design.values, "--", color="k", lw=1.2, zorder=3, **mark)
        ax.set_yscale("log")
        ax.set(xlabel="qubits n")
        # exact zeros have no place on a log axis: the smallest positive value
        shown = df.variance[df.variance > 0]
        if len(shown):
            ax.set_ylim(bottom=min(shown.min(), design.max()) / 1e3)
    axes[0].set_ylabel(r"Var$[\partial C_L/\partial\theta]$ over uniform angles")
    axes[0].set_title("semilog: exponential decay is straight")
    _log_integer_ticks(axes[1], df["n"])
    axes[1].set_title("log-log: power laws are straight")
    _integer_ticks(axes[0], df["n"])
    axes[0].plot(
        [], [], "--", color="k", lw=1.2, label="2-design value (whole register)"
    )
    if untrusted:
        axes[0].plot(
            [], [], "o", mfc="white", color="gray", label="not trusted (truncation)"
        )
    axes[1].legend(
        *axes[0].get_legend_handles_labels(),
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    fig.suptitle(
        "local cost, hardware-efficient brick circuits, middle-layer parameter (exact)",
        fontsize=10,
    )
    return _save(fig, path)
