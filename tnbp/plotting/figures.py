"""Figures for studies (matplotlib, non-interactive backend).

Each function draws one study's table (the columns it expects are listed in
its docstring), writes a PNG and closes the figure; nothing is shown. Importing
this module selects matplotlib's Agg backend unless ``MPLBACKEND`` names one
(as in a Jupyter kernel, whose inline figures keep working).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np

if not os.environ.get("MPLBACKEND"):
    # figures go to files: the non-interactive backend, unless a backend was
    # chosen through MPLBACKEND (Jupyter kernels set it: notebooks keep their
    # inline figures after importing tnbp.plotting)
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import (  # noqa: E402
    FixedLocator,
    MaxNLocator,
    NullFormatter,
    ScalarFormatter,
)

#: Up to this many distinct x values get a tick each, exactly at the data.
MAX_DATA_TICKS = 12
#: Data ticks on a linear axis closer than this fraction of the data's range to
#: the previous tick are dropped (their labels would overlap: 2, 3, 4, 6 on an
#: axis to 100).
MIN_TICK_GAP = 1 / 20


def _integer_ticks(ax, values, min_gap: float = MIN_TICK_GAP) -> None:
    """Integer x ticks: at the data's values when few, else integer multiples.

    Data ticks are thinned from the left so that neighbours are at least
    ``min_gap`` of the range apart; the largest value always keeps its tick
    (replacing the previous one if that is too close).
    """
    values = sorted({int(v) for v in values})
    if len(values) > MAX_DATA_TICKS:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return
    gap = min_gap * (values[-1] - values[0])
    ticks = values[:1]
    for v in values[1:]:
        if v - ticks[-1] >= gap:
            ticks.append(v)
    if ticks[-1] != values[-1]:  # too close to the last tick kept: it replaces it
        ticks[-1] = values[-1]  # (never the first: max - min >= the gap)
    ax.xaxis.set_major_locator(FixedLocator(ticks))


def _log_integer_ticks(ax, values) -> None:
    """Log-scale x axis with plain integer ticks: at the data when few, else 1-2-3-5."""
    ax.set_xscale("log")
    shown = sorted({int(v) for v in values})
    if len(shown) > MAX_DATA_TICKS:  # a 1-2-3-5 ladder over the range
        ladder = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000)
        shown = [t for t in ladder if shown[0] <= t <= shown[-1]]
    ax.xaxis.set_major_locator(FixedLocator(shown))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_entanglement_vs_depth(df: pd.DataFrame, path: str | Path) -> Path:
    """Half-chain entropy and visible-state trace distance against depth.

    Expects the columns written by ``studies/entanglement_vs_depth.py``:
    ``ansatz, n, depth, max_bond, n_visible, half_chain_entropy, trace_distance,
    trusted, page_entropy, haar_bound`` (and optionally ``backend``). One line
    per setting (every parameter but depth and seed): the mean over seeds, with
    error bars of one standard error of that mean (none for a single seed);
    settings are never averaged together, and those that differ between lines
    are named in the legend. Points from states flagged as untrusted (bond
    saturated or truncated) are drawn hollow, in both panels, and the legends
    say so. The left title states ``n``, the bond cap ``max_bond`` (chi) and
    the seeds per point; the right title the visible qubits. Reference lines:
    Page's value and ``log2(max_bond)`` (left), the Haar bound (right), one
    per distinct value. Depths are integer ticks; legends sit below the panels,
    clear of the data and the reference lines.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per circuit instance.
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.
    """
    settings = [
        c for c in ("ansatz", "backend", "n", "max_bond", "n_visible") if c in df
    ]
    shown = [c for c in settings if c == "ansatz" or df[c].nunique(dropna=False) > 1]
    fig, (ax_s, ax_d) = plt.subplots(1, 2, figsize=(10, 5), constrained_layout=True)
    seeds = set()
    for values, group in df.groupby(settings, dropna=False):
        setting = dict(zip(settings, values))
        label = ", ".join(
            str(setting[c]) if c == "ansatz" else f"{c}={setting[c]}" for c in shown
        )
        stats = group.groupby("depth", as_index=False).agg(
            S=("half_chain_entropy", "mean"),
            S_se=("half_chain_entropy", _standard_error),
            D=("trace_distance", "mean"),
            D_se=("trace_distance", _standard_error),
            trusted=("trusted", "all"),
            seeds=("trusted", "size"),
        )
        seeds.update(stats.seeds)
        (line,) = ax_s.plot(stats.depth, stats.S, "-", label=label)
        color = line.get_color()
        ax_d.plot(stats.depth, stats.D, "-", color=color, label=label)
        for ax, col in ((ax_s, "S"), (ax_d, "D")):
            ax.errorbar(
                stats.depth,
                stats[col],
                yerr=stats[f"{col}_se"],
                fmt="none",
                ecolor=color,
                capsize=3,
                elinewidth=1,
            )
            ok, bad = stats[stats.trusted], stats[~stats.trusted]
            ax.plot(ok.depth, ok[col], "o", color=color)
            ax.plot(bad.depth, bad[col], "o", mfc="none", color=color)
    ax_d.set_yscale("log")
    refs = (  # (axes, column, y of a value, style, color, label)
        (
            ax_s,
            "max_bond",
            np.log2,
            ":",
            "gray",
            "log2(max_bond): the most an MPS holds",
        ),
        (ax_s, "page_entropy", float, "--", "k", "Page value (Haar random state)"),
        (
            ax_d,
            "haar_bound",
            float,
            "--",
            "k",
            r"Haar bound $\frac{1}{2}\sqrt{D_v/D_h}$",
        ),
    )
    for ax, col, y, style, color, label in refs:
        values = pd.to_numeric(df[col], errors="coerce").dropna().unique()  # no "auto"
        for i, v in enumerate(sorted(values)):
            ax.axhline(y(v), ls=style, color=color, label=None if i else label)
    for ax in (ax_s, ax_d):  # markers that say which points to trust, once
        ax.plot([], [], "o", color="gray", label="trusted")
        ax.plot([], [], "o", mfc="none", color="gray", label="untrusted (truncated)")
        _integer_ticks(ax, df["depth"])  # depths are layers
    ns, nvs = sorted(df["n"].unique()), sorted(df["n_visible"].unique())
    chis = sorted(  # numbers in order, then strings such as "auto"
        df["max_bond"].unique(),
        key=lambda v: (isinstance(v, str), 0 if isinstance(v, str) else v, str(v)),
    )
    per_point = ", ".join(map(str, sorted(seeds)))
    spread = (
        f"mean ± s.e. over {per_point} seeds"
        if max(seeds) > 1
        else "1 seed per point (no error bars)"
    )
    ax_s.set(
        xlabel="depth (layers)",
        ylabel="half-chain entropy (bits)",
        title="n = "
        + ", ".join(map(str, ns))
        + ", max_bond = "
        + ", ".join(map(str, chis))
        + f"; {spread}",
    )
    ax_d.set(
        xlabel="depth (layers)",
        ylabel=r"trace distance $\frac{1}{2}\|\rho_v - I/D_v\|_1$",
        title="visible: the first " + ", ".join(map(str, nvs)) + " qubits",
    )
    for ax in (ax_s, ax_d):  # below the panel: never over a curve or a reference
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    return _save(fig, path)


def plot_gradient_variance(df: pd.DataFrame, path: str | Path) -> Path:
    """Gradient variance against qubit number, one line per (model, cost), semilog.

    The variances are exact (no error bars); closed forms, where the table has
    them, are drawn dashed over the data and named in the legend, as are hollow
    markers (truncated doubled MPS). The title states the largest bond
    dimension the doubled MPS reached when the table has it. Qubit numbers are
    integer ticks; the legend sits beside the axes.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per ``(model, cost, n)`` with the columns ``model, cost, n,
        variance`` (as written by ``studies/barren_plateaus.py`` from
        :func:`tnbp.exact_gradient_variance`), and optionally ``theory``
        (closed forms such as
        :func:`tnbp.theory.toy_global_cost_gradient_variance`, drawn dashed),
        ``truncated`` (hollow markers) and ``max_bond_reached``.
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4), constrained_layout=True)
    closed = truncated = False
    for (model, cost), group in df.groupby(["model", "cost"]):
        group = group.sort_values("n")
        (line,) = ax.semilogy(group.n, group.variance, "o-", label=f"{model}, {cost}")
        if "truncated" in group:
            bad = group[group.truncated.astype(bool)]
            truncated |= len(bad) > 0
            ax.plot(bad.n, bad.variance, "o", mfc="white", color=line.get_color())
        if "theory" in group and group.theory.notna().any():
            closed = True  # black dashes over the colored line: both stay visible
            ax.semilogy(group.n, group.theory, "--", color="k", lw=1.5, zorder=3)
    if closed:
        ax.plot([], [], "--", color="k", lw=1.5, label="closed form (arXiv:2005.12458)")
    if truncated:
        ax.plot(
            [], [], "o", mfc="white", color="gray", label="truncated (max_bond hit)"
        )
    _integer_ticks(ax, df["n"])  # qubits are counted
    chi = (
        f" (doubled MPS, largest bond {int(df.max_bond_reached.max())})"
        if "max_bond_reached" in df
        else ""
    )
    ax.set(
        xlabel="qubits n",
        ylabel=r"Var$[\partial C/\partial\theta_1]$ over uniform angles",
        title=f"exact variances{chi}",
    )
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(fig, path)


#: Marker per hidden-layer count (in the order met), sizes shrinking so that
#: exact markers of equal value stay visible inside one another.
_HIDDEN_MARKERS = ("o", "s", "^", "D", "v", "P")


def plot_dqnn_toy_variances(df: pd.DataFrame, path: str | Path) -> Path:
    r"""Toy-perceptron DQNN gradient variances against n, exact and sampled (Fig. 3a).

    Two panels, the global cost (eq. 3 of arXiv:2005.12458; linear ``n``, log
    variance: the closed form :math:`\frac18(\frac38)^{n-1}` is a straight line)
    and the local cost (eq. 4; log-log: :math:`1/(8n^2)` is a straight line).
    The closed forms are black lines through the rows' ``theory`` values.
    Exact rows are hollow markers, one shape and color per hidden-layer count,
    shrinking with it and shifted slightly sideways by it, so that equal values
    (every hidden-layer count has the same closed form) all stay visible;
    truncated exact rows get a red cross. Sampled rows are filled markers
    with error bars of one standard error, shifted further sideways by
    hidden-layer count so the bars do not overlap (the shifts are in the
    drawing only);
    rows flagged unreliable (``variance_reliable`` False: too small an
    effective sample size for a heavy-tailed variance) are drawn hollow and
    named in the legend. When the exact rows reach past twice the largest
    sampled ``n``, an inset magnifies the global cost's sampled range. The
    title states the largest bond dimension the doubled MPS of the exact rows
    reached.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per ``(hidden, cost, estimator, n)``, as written by
        ``studies/dqnn_toy_perceptrons.py``: ``n, hidden, cost`` (``"global"``
        or ``"local"``), ``estimator`` (``"exact"`` or ``"sample"``),
        ``variance``, ``variance_se`` (NaN for exact rows), ``theory``, and
        optionally ``truncated``, ``variance_reliable`` and
        ``max_bond_reached``.
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458 (Fig. 3a, the closed forms after
       Theorem 1).
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), constrained_layout=True)
    hidden = sorted(df.hidden.unique())
    style = {
        h: (
            f"C{i}",
            _HIDDEN_MARKERS[i % len(_HIDDEN_MARKERS)],
            10 - 6 * i / len(hidden),
        )
        for i, h in enumerate(hidden)
    }
    flags = {"truncated": False, "unreliable": False}
    for ax, cost in zip(axes, ("global", "local")):
        _dqnn_panel(ax, df[df.cost == cost], hidden, style, cost == "local", flags)
        ax.set_xlabel("qubits per layer n")
    ax_g, ax_l = axes
    sampled_n = df.n[df.estimator == "sample"]
    if len(sampled_n) and df.n.max() > 2 * sampled_n.max():
        # the sampled range, magnified: on the full axis it is a few pixels wide
        # upper right: the closed form runs from the upper left to the lower right
        inset = ax_g.inset_axes([0.58, 0.56, 0.39, 0.38])
        near = df[(df.cost == "global") & (df.n <= sampled_n.max())]
        _dqnn_panel(inset, near, hidden, style, False, flags)
        _integer_ticks(inset, near.n)
        inset.tick_params(labelsize=7)
        inset.set_title("sampled range", fontsize=8)
    _integer_ticks(ax_g, df["n"])
    _log_integer_ticks(ax_l, df["n"])
    ax_g.set(
        ylabel=r"Var$[\partial C/\partial\theta]$ over uniform angles",
        title=r"global cost $C_G$ (eq. 3): $\frac{1}{8}(\frac{3}{8})^{n-1}$",
    )
    ax_l.set(
        ylabel=r"Var$[\partial C/\partial\theta]$ over uniform angles",
        title=r"local cost $C_L$ (eq. 4): $1/(8n^2)$",
    )
    handles = [plt.Line2D([], [], color="k", lw=1.2, label="closed form")]
    for h in hidden:
        color, marker, size = style[h]
        handles.append(
            plt.Line2D(
                [],
                [],
                color=color,
                marker=marker,
                ms=size,
                mfc="none",
                ls="none",
                label=f"exact, {h} hidden",
            )
        )
        if ((df.estimator == "sample") & (df.hidden == h)).any():
            handles.append(
                plt.Line2D(
                    [],
                    [],
                    color=color,
                    marker=marker,
                    ms=5,
                    ls="-",
                    lw=1,
                    label=f"sampled ±1 SE, {h} hidden",
                )
            )
    if flags["unreliable"]:
        handles.append(
            plt.Line2D(
                [],
                [],
                color="gray",
                marker="o",
                ms=5,
                mfc="white",
                ls="none",
                label="sampled, low ESS (unreliable)",
            )
        )
    if flags["truncated"]:
        handles.append(
            plt.Line2D(
                [],
                [],
                color="red",
                marker="x",
                ls="none",
                label="truncated doubled MPS",
            )
        )
    ax_g.legend(handles=handles, fontsize=8, loc="lower left")
    exact = df[df.estimator == "exact"]
    chi = (
        f"; exact: doubled MPS, largest bond {int(exact.max_bond_reached.max())}"
        if "max_bond_reached" in df and len(exact)
        else ""
    )
    fig.suptitle(
        "Toy-perceptron DQNN (arXiv:2005.12458, Fig. 3a): variance of the "
        f"derivative by one angle{chi}",
        fontsize=10,
    )
    return _save(fig, path)


def _dqnn_panel(ax, rows, hidden, style, log_x, flags) -> None:
    """One cost's closed form (black line), exact markers and sampled bars, log y."""
    ref = rows.groupby("n").theory.first().sort_index()
    ax.plot(ref.index, ref.values, "-", color="k", lw=1.2, zorder=1)
    for i, h in enumerate(hidden):
        color, marker, size = style[h]
        mine = rows[rows.hidden == h]
        offset = i - (len(hidden) - 1) / 2  # sideways, so equal values all show
        _dqnn_exact(
            ax,
            mine[mine.estimator == "exact"],
            (color, marker, size),
            0.006 * offset if log_x else None,  # log10 units on a log axis
            0.05 * offset,
            flags,
        )
        _dqnn_sampled(
            ax,
            mine[mine.estimator == "sample"],
            color,
            marker,
            0.015 * offset if log_x else None,  # log10 units on a log axis
            0.12 * offset,
            flags,
        )
    ax.set_yscale("log")


def _dqnn_exact(ax, rows, style, log_shift, shift, flags) -> None:
    """Exact rows of one hidden-layer count: hollow markers, red cross if truncated."""
    color, marker, size = style
    rows = rows.sort_values("n")
    x = rows.n * 10**log_shift if log_shift is not None else rows.n + shift
    ax.plot(
        x, rows.variance, marker, color=color, ms=size, mfc="none", mew=1.3, zorder=3
    )
    if "truncated" in rows:
        bad = rows.truncated.astype(bool)
        flags["truncated"] |= bool(bad.any())
        ax.plot(x[bad], rows.variance[bad], "x", color="red", zorder=4)


def _dqnn_sampled(ax, rows, color, marker, log_shift, shift, flags) -> None:
    """Sampled rows of one hidden-layer count, with 1-SE bars, shifted sideways."""
    rows = rows.sort_values("n")
    x = rows.n * 10**log_shift if log_shift is not None else rows.n + shift
    ok = (
        rows.variance_reliable.astype(bool)
        if "variance_reliable" in rows
        else pd.Series(True, index=rows.index)
    )
    flags["unreliable"] |= bool((~ok).any())
    for sel, face in ((ok, color), (~ok, "white")):
        if sel.any():
            ax.errorbar(
                x[sel],
                rows.variance[sel],
                yerr=rows.variance_se[sel],
                fmt=marker,
                color=color,
                mfc=face,
                ms=5,
                capsize=2,
                lw=1,
                zorder=2,
            )


def noise_statistic_panel(
    ax,
    x,
    measured,
    theory,
    low,
    high,
    *,
    measured_label: str,
    theory_label: str,
    band_label: str,
    extra=None,
    flagged=None,
    flagged_label: str = "flagged",
    undefined_label: str = "no theory value",
) -> None:
    """Draw a measured statistic against a control value, log-log, with its theory band.

    Black dots for the measured values, a red line through the theory's values
    and, shaded, the interval the statistic falls in with the band's
    probability if the theory holds; points outside it are drawn hollow, and
    points where the theory has no value (NaN band, e.g. a diverged run) as
    crosses, neither inside nor outside. The panel of the noisy-training
    studies (arXiv:2206.09313 Figs. 3 and 4); axis labels and title are the
    caller's. The legend goes below the axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x : array_like of float
        Control values (noise level, learning rate), ``> 0``.
    measured : array_like of float
        The statistic at each ``x``, ``> 0``.
    theory : array_like of float
        The theory's value at each ``x``.
    low, high : array_like of float
        The band's ends at each ``x``; NaN where the theory has no value (the
        point is then a cross, and the line and band have a gap).
    measured_label, theory_label, band_label : str
        Legend entries of the dots, the line and the band.
    extra : sequence of (array_like, array_like, str), optional
        Further theory curves ``(x, y, label)``, drawn dashed.
    flagged : array_like of bool, optional
        Points where the theory's assumptions fail (e.g. the kernel is not
        frozen); each is ringed by an open blue square.
    flagged_label : str, optional
        Legend entry of the squares (shown only if a point is flagged).
    undefined_label : str, optional
        Legend entry of the crosses (shown only if a band is NaN).
    """
    order = np.argsort(np.asarray(x, dtype=float))
    x, measured, theory, low, high = (
        np.asarray(v, dtype=float)[order] for v in (x, measured, theory, low, high)
    )
    flagged = (
        np.zeros(x.size, bool) if flagged is None else np.asarray(flagged, bool)[order]
    )
    ax.fill_between(x, low, high, color="C3", alpha=0.18, lw=0, label=band_label)
    ax.plot(x, theory, "-", color="C3", lw=1.5, label=theory_label)
    for k, (cx, cy, label) in enumerate(extra or ()):
        ax.plot(cx, cy, ("--", ":", "-.")[k % 3], color="C3", lw=1.2, label=label)
    defined = np.isfinite(low) & np.isfinite(high)
    inside = defined & (measured >= low) & (measured <= high)
    outside = defined & ~inside
    ax.plot(x[inside], measured[inside], "o", color="k", ms=5, label=measured_label)
    if outside.any():
        ax.plot(
            x[outside],
            measured[outside],
            "o",
            mfc="none",
            color="k",
            ms=6,
            label="outside the band",
        )
    if not defined.all():
        ax.plot(
            x[~defined],
            measured[~defined],
            "x",
            color="k",
            ms=7,
            mew=1.5,
            label=undefined_label,
        )
    if flagged.any():
        ax.plot(
            x[flagged],
            measured[flagged],
            "s",
            mfc="none",
            color="C0",
            ms=11,
            mew=1.2,
            label=flagged_label,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)


def _standard_error(x: pd.Series) -> float:
    """Standard error of the mean of ``x`` (NaN for fewer than two values)."""
    return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")


def _save(fig, path: str | Path) -> Path:
    """Write ``fig`` as a PNG (creating the folder) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
