r"""Figures of the visible state's distance to :math:`I/D_v` (arXiv:2010.15968, Figs. 3a, 4).

:func:`plot_trace_distance_scaling` draws the rows of
:func:`tnbp.trace_distance_summary` (``studies/trace_distance_hidden_units.py``)
against the hidden dimension, log-log, under the bound
:math:`\tfrac12\sqrt{D_v/D_h}`; :func:`plot_trace_distance_histograms` draws
the per-instance rows of :func:`tnbp.trace_distance_ensemble`
(``studies/trace_distance_histograms.py``) as histograms, one panel per model.
Both draw the exact Haar values (:mod:`tnbp.references.theory`) beside the
data where they are known (one visible qubit).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..ensembles.trace_distances import MODELS
from ..references import theory
from .figures import _save, plt

#: how each model is named and drawn
MODEL_STYLES = {
    "gue": dict(label=r"GUE, $e^{-iHt}|0\rangle$", color="C0", marker="o"),
    "unitary_qnn": dict(
        label="unitary QNN, terms in random order", color="C1", marker="s"
    ),
    "unitary_qnn_ordered": dict(
        label="unitary QNN, terms in fixed order", color="C4", marker="D"
    ),
    "qbm": dict(label="normalized QBM (Gibbs state)", color="C2", marker="^"),
}

#: the histograms' T axis runs this fraction of its (log) width past the last edge
X_MARGIN = 0.04

_PANELS = (
    ("peak", "peak_se", "histogram peak (mode) of $T$", "haar_mode"),
    ("mean", "mean_se", "mean of $T$", "haar_mean"),
    ("median", "median_se", "median of $T$", "haar_median"),
    (
        "fraction_under_bound",
        "fraction_under_bound_se",
        r"fraction of instances with $T \leq$ bound",
        "haar_fraction_under_bound",
    ),
)


def _models(df: pd.DataFrame) -> list[str]:
    """The models present, in the order of :data:`MODELS`."""
    return [m for m in MODELS if m in set(df.model)]


def _hidden_axis(ax, n_visible: int, hidden) -> None:
    """Log-2 x axis of D_h with a tick per hidden-unit count, labelled 2^n_h."""
    hidden = sorted({int(h) for h in hidden})
    ax.set_xscale("log", base=2)
    ax.set_xticks([2.0**h for h in hidden])
    ax.set_xticklabels([f"$2^{{{h}}}$" for h in hidden])
    ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.set_xlabel(rf"hidden dimension $D_h = 2^{{n_h}}$ ($D_v = {2**n_visible}$)")


def plot_trace_distance_scaling(
    df: pd.DataFrame, path: str | Path, *, note: str = ""
) -> Path:
    r"""Peak, mean and median of :math:`T` and the fraction under the bound, against :math:`D_h`.

    Four log-log panels (Fig. 3a of arXiv:2010.15968 and its companions):
    the histogram peak, the mean, the median of
    :math:`T = \tfrac12\|\rho_v - I/D_v\|_1` and the fraction of instances
    with :math:`T` under the bound, each against :math:`D_h = 2^{n_h}`, one
    colour and marker per model, error bars :math:`\pm 1` standard error
    (bootstrap for the peak and median, binomial for the fraction). The
    bound :math:`\tfrac12\sqrt{D_v/D_h}` is the black line of the first three
    panels; the exact Haar value of each statistic (one visible qubit) is
    dashed grey. Rows that are not trusted (``untrusted > 0``) are drawn
    hollow, with a legend entry saying so.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows with the columns of :data:`tnbp.results.schema.TRACE_DISTANCE_SUMMARY`
        (at least ``model``, ``n_visible``, ``n_hidden``, ``samples`` and each
        statistic with its standard error, ``bound``, the ``haar_*`` columns
        and ``untrusted``), one ``n_visible``.
    path : str or Path
        Where to write the PNG (its folder is created).
    note : str, optional
        A line added under the title (e.g. the MPS cross-check).

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If a needed column is missing, or ``df`` holds several ``n_visible``.
    """
    needed = ["model", "n_visible", "n_hidden", "samples", "bound", "untrusted"]
    needed += [c for panel in _PANELS for c in (panel[0], panel[1], panel[3])]
    missing = [c for c in needed if c not in df]
    if missing:
        raise ValueError(f"`df` lacks the column(s) {missing}.")
    if df.n_visible.nunique() != 1:
        raise ValueError(
            f"`df` must hold one n_visible, got {sorted(df.n_visible.unique())}."
        )
    n_visible = int(df.n_visible.iloc[0])
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.2), constrained_layout=True)
    d_h_all = 2.0 ** np.array(sorted(df.n_hidden.unique()))
    ref = df.drop_duplicates("n_hidden").sort_values("n_hidden")
    for k, (ax, (col, se, ylabel, haar)) in enumerate(zip(axes.flat, _PANELS)):
        ax.set_title(f"({chr(ord('a') + k)}) {ylabel}", fontsize=10, loc="left")
        for model in _models(df):
            rows = df[df.model == model].sort_values("n_hidden")
            style = MODEL_STYLES[model]
            x = 2.0 ** rows.n_hidden.to_numpy()
            ax.plot(x, rows[col], "-", color=style["color"], lw=1, alpha=0.7)
            for trusted, face in ((True, style["color"]), (False, "none")):
                sel = (rows.untrusted == 0) == trusted
                if sel.any():
                    ax.errorbar(
                        x[sel.to_numpy()],
                        rows[col][sel],
                        yerr=rows[se][sel],
                        fmt=style["marker"],
                        color=style["color"],
                        mfc=face,
                        ms=5,
                        capsize=2.5,
                        lw=1,
                    )
        if ref[haar].notna().any():
            ax.plot(2.0**ref.n_hidden, ref[haar], "--", color="0.45", lw=1.2, zorder=1)
        if col != "fraction_under_bound":
            grid = np.geomspace(d_h_all.min(), d_h_all.max(), 50)
            ax.plot(grid, 0.5 * np.sqrt(2**n_visible / grid), "k-", lw=1.6, zorder=1)
            ax.set_yscale("log")
        else:
            ax.set_ylim(-0.03, 1.03)
        _hidden_axis(ax, n_visible, df.n_hidden)
        ax.set_ylabel("fraction" if col == "fraction_under_bound" else "$T$")
        ax.grid(alpha=0.25, which="both")
    # one legend for all panels: models, the bound, Haar, and hollow markers
    handles = [
        plt.Line2D(
            [], [], color=MODEL_STYLES[m]["color"], marker=MODEL_STYLES[m]["marker"]
        )
        for m in _models(df)
    ]
    labels = [MODEL_STYLES[m]["label"] for m in _models(df)]
    handles += [
        plt.Line2D([], [], color="k", lw=1.6),
        plt.Line2D([], [], color="0.45", ls="--"),
    ]
    labels += [
        r"bound $\frac{1}{2}\sqrt{D_v/D_h}$ on the mean (Haar)",
        "exact value for Haar states",
    ]
    if (df.untrusted > 0).any():
        handles.append(plt.Line2D([], [], color="0.3", marker="o", mfc="none", ls=""))
        labels.append("hollow: some states not trusted (truncated)")
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8.5)
    samples = sorted(df.samples.unique())
    title = (
        r"Distance of the visible state to $I/D_v$, "
        r"$T = \frac{1}{2}\|\rho_v - I/D_v\|_1$ (arXiv:2010.15968, Fig. 3a); "
        f"{', '.join(map(str, samples))} instances per point; bars: ±1 s.e."
    )
    fig.suptitle(title + (f"\n{note}" if note else ""), fontsize=10)
    return _save(fig, path)


def plot_trace_distance_histograms(df: pd.DataFrame, path: str | Path) -> Path:
    r"""Histograms of :math:`T` per model, one curve per hidden-unit count, with the bound.

    One panel per model (Fig. 4 of arXiv:2010.15968: (a) GUE, (b) unitary
    QNN, (c) QBM), on a logarithmic :math:`T` axis (the QBM's distances are
    two orders of magnitude below the others'): the fraction of instances per
    bin (40 log-spaced bins shared by the panel's curves), one colour per
    :math:`n_h`, the bound :math:`\tfrac12\sqrt{D_v/D_h}` as a dashed
    vertical line of the same colour, and, for one visible qubit, the
    fraction a Haar state would put in each bin (exact, dotted). The legend
    gives each curve's mean, the fraction of its instances under the bound
    and how many have :math:`T = 0` (exactly :math:`I/D_v`, e.g. a QBM at
    :math:`\beta = 0`), which a logarithmic axis cannot show; it sits under
    its panel. The :math:`T` axis runs a little (:data:`X_MARGIN` of its
    width) past the largest possible :math:`T`, so a bound there stays in
    view.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per instance with at least ``model``, ``n_visible``,
        ``n_hidden``, ``trace_distance``, ``bound`` and ``under_bound``
        (:data:`tnbp.results.schema.TRACE_DISTANCE_ENSEMBLE`), one ``n_visible``.
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If a needed column is missing, ``df`` holds several ``n_visible``, or a
        trace distance is negative or NaN.
    """
    needed = ["model", "n_visible", "n_hidden", "trace_distance", "bound"]
    missing = [c for c in [*needed, "under_bound"] if c not in df]
    if missing:
        raise ValueError(f"`df` lacks the column(s) {missing}.")
    if df.n_visible.nunique() != 1:
        raise ValueError(
            f"`df` must hold one n_visible, got {sorted(df.n_visible.unique())}."
        )
    if not (df.trace_distance >= 0).all():
        raise ValueError("`df`: every trace_distance must be >= 0.")
    n_visible = int(df.n_visible.iloc[0])
    top = 1.0 - 2.0**-n_visible
    models = _models(df)
    hidden = sorted(df.n_hidden.unique())
    colors = dict(zip(hidden, plt.cm.viridis(np.linspace(0.0, 0.85, len(hidden)))))
    fig, axes = plt.subplots(
        1, len(models), figsize=(4.6 * len(models), 5.2), constrained_layout=True
    )
    axes = np.atleast_1d(axes)
    for k, (ax, model) in enumerate(zip(axes, models)):
        rows = df[df.model == model]
        positive = rows.trace_distance[rows.trace_distance > 0]
        low = min(positive.min() if len(positive) else np.inf, rows.bound.min())
        edges = np.geomspace(low / 1.5, top, 41)
        for h in hidden:
            sel = rows[rows.n_hidden == h]
            if sel.empty:
                continue
            x = sel.trace_distance.to_numpy()
            counts, _ = np.histogram(x, bins=edges)
            bound = float(sel.bound.iloc[0])
            zero = int((x == 0).sum())  # off the log axis: counted in the label
            label = (
                rf"$n_h = {h}$: mean {x.mean():.3g}; "
                f"{sel.under_bound.mean():.0%} under the bound {bound:.3g}"
                + (f"; {zero} at T = 0" if zero else "")
            )
            ax.stairs(counts / x.size, edges, color=colors[h], lw=1.6, label=label)
            ax.axvline(bound, color=colors[h], ls="--", lw=1.1)
            if n_visible == 1 and h >= 1:
                cdf = theory.haar_qubit_trace_distance_cdf(edges, int(h))
                ax.stairs(np.diff(cdf), edges, color=colors[h], ls=":", lw=1.1)
        ax.set_xscale("log")
        # a margin past the last edge: a bound there (n_h = 1 at n_v = 1: 1/2)
        # and the last bin's step stay visible inside the frame
        ax.set_xlim(edges[0], edges[-1] * (edges[-1] / edges[0]) ** X_MARGIN)
        # plain numbers at 1, 2 and 5 times powers of ten, no crowded minor labels
        subs = (1.0, 2.0, 5.0) if edges[-1] / edges[0] < 100 else (1.0,)
        # at most 7 labels: a QBM at beta = 0 spans 16 decades (rounding to 0.5)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs, numticks=7))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(r"$T = \frac{1}{2}\|\rho_v - I/D_v\|_1$")
        if k == 0:
            ax.set_ylabel("fraction of instances per bin")
        ax.set_title(
            f"({chr(ord('a') + k)}) {MODEL_STYLES[model]['label']}", fontsize=10
        )
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.16))
        ax.grid(alpha=0.25)
    samples = df.groupby(["model", "n_hidden"]).size()
    fig.suptitle(
        rf"Histograms of $T$ over {samples.min()}"
        + ("" if samples.min() == samples.max() else f"-{samples.max()}")
        + rf" instances, $D_v = {2**n_visible}$ (arXiv:2010.15968, Fig. 4); "
        + r"dashed: bound $\frac{1}{2}\sqrt{D_v/D_h}$"
        + (", dotted: Haar states (exact)" if n_visible == 1 else ""),
        fontsize=10,
    )
    return _save(fig, path)
