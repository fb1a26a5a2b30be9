r"""The area-versus-volume-law figure: Fig. 2 and Proposition 1 of arXiv:2010.15968 in numbers.

Draws the rows of ``studies/area_volume_law.py`` (:func:`tnbp.visible_entanglement`
tables with the columns ``family, depth, n, max_bond, sample``) and their
summary (:func:`tnbp.entanglement_law_summary`) in four panels: the entropy of
the visible block against its size at the two sizes (the paper's Fig. 2 made
quantitative, under Page's curve), the distance of the visible state from
:math:`I/D_v` against :math:`\log_2(D_v/D_h)` under the volume-law bound
:math:`\tfrac12\sqrt{D_v/D_h}`, and the same distance against the entropy
deficit under Proposition 1's Pinsker bound.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.legend_handler import HandlerTuple

from ..references.theory import page_entropy
from .figures import _integer_ticks, _save, _standard_error, plt

#: short names of the circuit families in legends
FAMILY_LABELS = {
    "hardware_efficient": "HEA brick",
    "haar_brickwork": "Haar brickwork",
    "unitary_qnn": "unitary QNN (n.n.)",
}
#: line styles of the depths, shallowest first (the deepest is always solid)
_STYLES = ("--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)))
#: markers of the two sizes, smaller first
_MARKERS = ("o", "s")
#: deficits (bits) below this are not drawn on the log axis of panel (d)
_DEFICIT_FLOOR = 1e-10


def _styles(depths) -> dict:
    """Line style per depth: the deepest solid, the others dashed, dotted, ..."""
    depths = sorted(depths)
    styles = {d: _STYLES[i % len(_STYLES)] for i, d in enumerate(depths[:-1])}
    styles[depths[-1]] = "-"
    return styles


def plot_area_volume_law(
    table: pd.DataFrame, summary: pd.DataFrame, path: str | Path
) -> Path:
    r"""Visible-block entropy and distance from :math:`I/D_v` against :math:`n_v`, with the laws.

    Four panels. Top: :math:`S(\rho_v)` against :math:`n_v` at the smaller
    and at the larger size, one line per family (colour) and depth (line
    style; the deepest solid), the mean over instances with a band of one
    standard error; the legend gives each line's verdict
    (:func:`tnbp.entanglement_law`). Page's curve of the size is dashed black
    (at the larger size it runs out of the panel: a volume law there needs a
    bond of :math:`2^{n/2}`); the bond cap's :math:`\log_2\chi` is dotted and
    the band above it, out of the MPS's reach, shaded. Bottom left: :math:`T
    = \tfrac12\|\rho_v - I/D_v\|_1` against :math:`\log_2(D_v/D_h) = n_v -
    n_h` at both sizes (markers: circles the smaller, squares the larger)
    under :math:`\tfrac12\sqrt{D_v/D_h}`; bottom right: :math:`T` against
    the deficit :math:`n_v - S(\rho_v)` under Proposition 1's
    :math:`\sqrt{\Delta\ln 2/2}`, with the region it forbids shaded. Points of
    untrusted states (bond saturated or truncated) are hollow everywhere; the
    legends key filled and hollow with the markers the data use (a top panel's
    only where it has hollow points).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per instance and :math:`n_v`: the columns of
        :func:`tnbp.visible_entanglement` (``n, n_visible, entropy, deficit,
        trace_distance, trusted``) and ``family, depth, max_bond, sample``,
        at one or two sizes ``n``.
    summary : pandas.DataFrame
        :func:`tnbp.entanglement_law_summary` of ``table`` by ``family, depth,
        n, max_bond`` (its ``law`` goes into the legends).
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If ``table`` holds more than two sizes ``n``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Fig. 2, Proposition 1 and eqs. (2)-(3).
    """
    sizes = sorted(int(v) for v in table.n.unique())
    if len(sizes) > 2:
        raise ValueError(f"`table` must hold one or two sizes n, got {sizes}.")
    families = [f for f in FAMILY_LABELS if f in set(table.family)] + sorted(
        set(table.family) - set(FAMILY_LABELS)
    )
    colors = {f: f"C{i}" for i, f in enumerate(families)}
    styles = _styles(table.depth.unique())
    markers = dict(zip(sizes, _MARKERS))
    laws = {(r.family, int(r.depth), int(r.n)): r.law for r in summary.itertuples()}
    means = (
        table.assign(trusted=table.trusted.astype(bool))
        .groupby(["n", "family", "depth", "n_visible"], as_index=False)
        .agg(
            S=("entropy", "mean"),
            S_se=("entropy", _standard_error),
            T=("trace_distance", "mean"),
            deficit=("deficit", "mean"),
            trusted=("trusted", "all"),
            samples=("entropy", "size"),
            max_bond=("max_bond", "max"),
        )
    )
    fig, axes = plt.subplots(2, 2, figsize=(13, 11.5), constrained_layout=True)
    (ax_small, ax_large), (ax_dist, ax_pinsker) = axes
    profile_axes = dict(zip(sizes, (ax_small, ax_large)))
    if len(sizes) == 1:
        ax_large.set_visible(False)
    for (size, family, depth), g in means.groupby(["n", "family", "depth"]):
        color, style, marker = colors[family], styles[depth], markers[size]
        law = laws.get((family, int(depth), int(size)), "?")
        label = f"{FAMILY_LABELS.get(family, family)}, depth {depth}: {law}"
        ax = profile_axes[size]
        ax.plot(g.n_visible, g.S, color=color, ls=style, lw=1.3, label=label)
        if g.S_se.notna().any():  # one standard error of the mean, as a band
            ax.fill_between(
                g.n_visible, g.S - g.S_se, g.S + g.S_se, color=color, alpha=0.2, lw=0
            )
        ok, bad = g[g.trusted], g[~g.trusted]
        ax.plot(ok.n_visible, ok.S, marker, color=color, ms=3)
        ax.plot(bad.n_visible, bad.S, marker, color=color, ms=3, mfc="none")
        x = 2 * g.n_visible - size  # n_v - n_h = log2(D_v / D_h)
        ax_dist.plot(x, g["T"], color=color, ls=style, lw=1)
        ax_dist.plot(x[g.trusted], g["T"][g.trusted], marker, color=color, ms=3.5)
        ax_dist.plot(
            x[~g.trusted], g["T"][~g.trusted], marker, color=color, ms=3.5, mfc="none"
        )
        drawn = g[g.deficit >= _DEFICIT_FLOOR]
        for trusted, part in drawn.groupby("trusted"):
            ax_pinsker.plot(
                part.deficit,
                part["T"],
                marker,
                color=color,
                ms=4,
                alpha=0.8,
                mfc=color if trusted else "none",
            )
    for size, ax in profile_axes.items():
        g = means[means.n == size]
        # the trust key only where something is hollow, in this panel's marker
        trust = _trust_keys([markers[size]]) if not g.trusted.all() else []
        _profile_panel(ax, g, size, trust)
    _distance_panel(ax_dist, means, sizes)
    _pinsker_panel(ax_pinsker, means)
    shapes = {"o": "circles", "s": "squares"}
    keys = [  # what the markers and the fill say, in both bottom panels
        (
            plt.Line2D([], [], ls="none", marker=markers[s], color="gray"),
            f"n = {s} ({shapes[markers[s]]})",
        )
        for s in sizes
    ]
    keys += _trust_keys([markers[s] for s in sizes])
    for ax in (ax_dist, ax_pinsker):
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(
            handles + [h for h, _ in keys],
            labels + [t for _, t in keys],
            handler_map={tuple: HandlerTuple(ndivide=None)},
            fontsize=8,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=3,
        )
    counts = sorted(int(c) for c in means.samples.unique())
    spread = (
        f"mean over {', '.join(map(str, counts))} random circuits per line, "
        "bands ± 1 s.e."
        if max(counts) > 1
        else "1 random circuit per line (no error band)"
    )
    fig.suptitle(
        "Area vs volume law of the visible qubits 0..n_v-1 "
        f"(arXiv:2010.15968, Fig. 2 and Prop. 1); {spread}",
        fontsize=11,
    )
    return _save(fig, path)


def _trust_keys(marks) -> list[tuple]:
    """Legend entries of the filled (trusted) and hollow (untrusted) points.

    Each shows the data's own markers ``marks`` side by side, filled or hollow:
    ``[(handle, label), ...]``, a handle being a tuple of markers (drawn by
    :class:`~matplotlib.legend_handler.HandlerTuple`).
    """
    return [
        (
            tuple(
                plt.Line2D([], [], ls="none", marker=m, color="gray", mfc=face)
                for m in marks
            ),
            text,
        )
        for face, text in (
            (None, "filled: trusted"),
            ("none", "hollow: untrusted (bond cap)"),
        )
    ]


def _profile_panel(ax, means: pd.DataFrame, size: int, trust: list) -> None:
    """Page's curve, the bond cap and its band, axes and the legend of one size.

    ``trust`` holds the extra legend entries of :func:`_trust_keys` (or none).
    """
    n_v = np.arange(1, size)
    page = [page_entropy(int(k), size - int(k)) for k in n_v]
    ax.plot(n_v, page, "k--", lw=1.4, label="Page (Haar state): volume law", zorder=5)
    top = max(float(means.S.max()), 1.0) * 1.25
    caps = sorted(int(c) for c in means.max_bond.unique())
    exact = all(c >= 2 ** (size // 2) for c in caps)
    title = f"n = {size}: "
    if exact:
        title += f"exact (MPS with max_bond = {caps[0]} = 2^(n/2), and dense)"
    else:
        cap = np.log2(min(caps))
        top = max(top, cap + 1.5)
        ax.axhline(cap, color="gray", ls=":", lw=1.2, label=f"log2(max_bond) = {cap:g}")
        ax.axhspan(
            cap, top, color="gray", alpha=0.12, lw=0, label="beyond the bond cap"
        )
        title += "MPS, max_bond = " + ", ".join(map(str, caps))
    ax.set_ylim(0, top)
    ax.set_xlim(0, size)
    ax.set(
        xlabel=r"visible qubits $n_v$",
        ylabel=r"$S(\rho_v)$ (bits)",
        title=title,
    )
    _integer_ticks(ax, range(0, size + 1, max(1, size // 8)))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles + [h for h, _ in trust],
        labels + [t for _, t in trust],
        handler_map={tuple: HandlerTuple(ndivide=None)},
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=2,
    )


def _distance_panel(ax, means: pd.DataFrame, sizes: list[int]) -> None:
    """T against log2(D_v/D_h) under the volume-law bound."""
    span = max(sizes) - 1
    x = np.linspace(-span, span, 400)
    ax.plot(
        x,
        0.5 * 2.0 ** (x / 2),
        "k--",
        lw=1.2,
        label=r"$\frac{1}{2}\sqrt{D_v/D_h}$ (volume law)",
    )
    positive = means["T"][means["T"] > 0]
    low = max(float(positive.min()) / 3, 1e-12) if len(positive) else 1e-6
    ax.set_yscale("log")
    ax.set_ylim(low, 2)
    ax.axvline(0, color="gray", lw=0.6)
    ax.set(
        xlabel=r"$\log_2(D_v/D_h) = n_v - n_h$",
        ylabel=r"$T = \frac{1}{2}\|\rho_v - I/D_v\|_1$",
        title=r"distance from $I/D_v$ (Prop. 1: $D_h \geq D_v$ left of 0)",
    )


def _pinsker_panel(ax, means: pd.DataFrame) -> None:
    """T against the deficit under Pinsker's bound, the forbidden region shaded."""
    drawn = means[means.deficit >= _DEFICIT_FLOOR]
    lo = float(drawn.deficit.min()) / 3 if len(drawn) else 1e-6
    hi = max(float(means.deficit.max()) * 2, 10.0)
    x = np.logspace(np.log10(lo), np.log10(hi), 400)
    bound = np.sqrt(x * np.log(2) / 2)
    ax.plot(x, bound, "k-", lw=1.2, label=r"Prop. 1: $\sqrt{\Delta \ln 2 / 2}$")
    ax.fill_between(
        x, bound, 10, color="red", alpha=0.08, lw=0, label="forbidden by Prop. 1"
    )
    ax.axhline(1, color="gray", ls=":", lw=1, label="T = 1 (largest)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    positive = drawn["T"][drawn["T"] > 0]
    low = max(float(positive.min()) / 3, 1e-12) if len(positive) else 1e-6
    ax.set_xlim(lo, hi)
    ax.set_ylim(low, 2)
    ax.set(
        xlabel=r"deficit $\Delta = n_v - S(\rho_v)$ (bits)",
        ylabel=r"$T = \frac{1}{2}\|\rho_v - I/D_v\|_1$",
        title="Proposition 1 (Pinsker): small deficit forces T small",
    )
