r"""The beyond-ED QBM figure: gradient variances of nearest-neighbour chains against n and distance.

Draws the summary of :func:`tnbp.qbm_gradient_profile_summary` (rows per
``(n, distance)``): the variance of the derivatives by the terms at each
distance from the visible qubit against ``n``, beside the variance of the
gradient's infinity-norm (the quantity of arXiv:2010.15968, Fig. 3c) and the
2-design scaling :math:`D_v/D_h` of its Theorem 4; the profile against the
distance with each row's error bound; and the check against the exact
(dense) gradient.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap

from .figures import _integer_ticks, _save, plt

#: the part of viridis the distances use: its yellow end is invisible on white
_DISTANCE_COLORS = (0.0, 0.85)

#: summary columns the figure reads
_COLUMNS = (
    "n",
    "distance",
    "variance",
    "variance_se",
    "rms",
    "error_bound",
    "trusted",
    "dense_deviation",
    "inf_norm_variance",
    "inf_norm_variance_se",
)


def _errorbar(ax, x, y, err, ok, color, marker, label=None):
    """Filled markers where ``ok``, hollow elsewhere; bars clipped to stay positive."""
    for mask, face in ((ok, color), (~ok, "none")):
        if mask.any():
            lower = np.minimum(err[mask], 0.95 * y[mask])
            ax.errorbar(
                x[mask],
                y[mask],
                yerr=[lower, err[mask]],
                fmt=marker,
                color=color,
                mfc=face,
                ms=5,
                capsize=2,
                lw=0,
                elinewidth=1,
            )
    ax.plot(x, y, "-", color=color, lw=1, label=label)


def _legend_below(ax, ncol: int = 1) -> None:
    """The panel's legend under its axes, clear of the data and reference lines."""
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=ncol)


def plot_qbm_gradient_profile(
    summary: pd.DataFrame,
    path: str | Path,
    *,
    n_visible: int = 1,
    beta=None,
    fits=None,
) -> Path:
    r"""Three panels: variances against n, the profile against distance, the dense check.

    (a) :math:`\mathrm{Var}[g_k]` of the derivatives by the terms at each
    distance :math:`d` (colour bar) against ``n`` (semi-log), each with its
    jackknife standard error; the variance of the gradient's infinity-norm
    (Fig. 3c's quantity, black); dashed, the 2-design scaling of Theorem 4,
    :math:`\mathrm{Var} \propto D_v/D_h = 2^{n_v - n_h}`, drawn through the
    first :math:`d = 1` point; dotted, the fits given. (b) The rms derivative
    against the distance, one line per ``n``, with each row's largest error
    bound dotted in the same colour: the decay with distance, and where it
    meets the budget. (c) Largest deviation from the exact (dense, Duhamel)
    gradient against the largest error bound, per ``(n, d)`` where computed
    (colour: ``d``), with the line deviation = bound. Filled markers are
    trusted rows (every state without caveats, error bound at most a tenth of
    the rms derivative), hollow ones are not.

    The derivatives are :math:`g_k = \partial\langle Z_0\rangle/\partial\theta_k`
    of the visible observable by every coefficient of the Hamiltonian (the
    random 2-local chain of eq. (C1), normalized by :math:`\|H\|`), from the
    field response on purified MPS (:func:`tnbp.qbm_response_gradient`). The
    distance colours (viridis up to 0.85, dark enough on white) are keyed by
    one colour bar under the panels; each panel's legend sits under it.

    Parameters
    ----------
    summary : pandas.DataFrame
        Rows of :func:`tnbp.qbm_gradient_profile_summary`.
    path : str or Path
        Where to write the PNG (its folder is created).
    n_visible : int, optional
        Visible qubits, for Theorem 4's :math:`D_v/D_h` and the labels.
    beta : float, optional
        Inverse temperature, for the title.
    fits : dict of int to DecayComparison, optional
        Per distance, exponential and power-law fits of its variances against
        ``n`` (:func:`tnbp.compare_decay_laws`); the law of smaller AIC is
        drawn dotted in the distance's colour, with its exponent or rate and
        the AIC difference in the legend, which says "undetermined" when the
        data do not decide between the laws.

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If ``summary`` lacks a column the figure reads, or is empty.
    """
    missing = [c for c in _COLUMNS if c not in summary]
    if missing:
        raise ValueError(f"`summary` lacks the column(s) {missing}.")
    if summary.empty:
        raise ValueError("`summary` has no rows.")
    df = summary.sort_values(["distance", "n"])
    distances = sorted(df.distance.unique())
    sizes = sorted(df.n.unique())
    lo, hi = _DISTANCE_COLORS
    cmap = plt.get_cmap("viridis")
    dcolor = {
        d: cmap(lo + (hi - lo) * i / max(1, len(distances) - 1))
        for i, d in enumerate(distances)
    }
    fig, axes = plt.subplots(1, 3, figsize=(17, 7.4), constrained_layout=True)

    ax = axes[0]
    for d in distances:
        g = df[df.distance == d]
        keep = g.variance.to_numpy() > 0
        g = g[keep]
        if g.empty:
            continue
        _errorbar(
            ax,
            g.n.to_numpy(float),
            g.variance.to_numpy(),
            np.nan_to_num(g.variance_se.to_numpy()),
            g.trusted.to_numpy(bool),
            dcolor[d],
            "o",
            None,
        )
    ax.plot(
        [],
        [],
        "o-",
        color="0.3",
        lw=1,
        label=r"Var$[g_k]$ of the terms at distance $d$ (colour; $d$ = 0: visible)",
    )
    ax.plot(
        [],
        [],
        "o",
        color="0.3",
        mfc="none",
        label="hollow: untrusted (bound > rms / 10, or a state with caveats)",
    )
    for d, fit in (fits or {}).items():
        x = np.linspace(min(sizes), max(sizes), 100)
        if fit.smaller_aic == "power_law":
            law = fit.power_law
            y = law.prefactor * x**-law.exponent
            text = (
                rf"$A n^{{-p}}$, $p$ = {law.exponent:.2f} $\pm$ {law.exponent_err:.2f}"
            )
        else:
            law = fit.exponential
            y = law.prefactor * np.exp(-law.rate * x)
            text = rf"$A e^{{-r n}}$, $r$ = {law.rate:.3f} $\pm$ {law.rate_err:.3f}"
        ax.plot(
            x,
            y,
            ":",
            color=dcolor.get(d, "k"),
            lw=2,
            label=f"fit, d = {d}: {text} ($\\Delta$AIC {fit.delta_aic:+.1f} for "
            f"$n^{{-p}}${'' if fit.preferred == fit.smaller_aic else ': undetermined'})",
        )
    per_n = df.drop_duplicates("n").sort_values("n")
    inf = per_n[per_n.inf_norm_variance > 0]
    if not inf.empty:
        ax.errorbar(
            inf.n,
            inf.inf_norm_variance,
            yerr=np.nan_to_num(inf.inf_norm_variance_se.to_numpy()),
            fmt="s-",
            color="k",
            ms=4,
            capsize=2,
            lw=1.2,
            label=r"Var$[\|\nabla\langle O_v\rangle\|_\infty]$ (Fig. 3c's quantity)",
        )
    first = df[(df.distance == 1) & (df.variance > 0)].sort_values("n")
    if not first.empty:
        n0, v0 = float(first.n.iloc[0]), float(first.variance.iloc[0])
        x = np.linspace(n0, max(sizes), 100)
        ax.plot(
            x,
            v0 * 2.0 ** (-(x - n0)),
            "--",
            color="0.45",
            lw=1.2,
            label=r"Theorem 4 (2-design eigenbasis): $\propto D_v/D_h = "
            rf"2^{{{n_visible} - n_h}}$",
        )
    ax.set_yscale("log")
    _integer_ticks(ax, sizes, min_gap=1 / 16)  # three panels: wider gaps
    ax.set(
        xlabel="qubits $n$ (hidden units $n_h = n - n_v$)",
        ylabel=r"variance over random Hamiltonians",
        title=r"(a) Var$[g_k]$, $g_k = \partial\langle Z_0\rangle/\partial\theta_k$, "
        "against $n$",
    )
    ax.grid(True, which="major", alpha=0.3)
    _legend_below(ax)

    ax = axes[1]
    ncolor = {
        n: plt.get_cmap("plasma")(0.85 * i / max(1, len(sizes) - 1))
        for i, n in enumerate(sizes)
    }
    for n in sizes:
        g = df[(df.n == n) & (df.rms > 0)].sort_values("distance")
        if g.empty:
            continue
        _errorbar(
            ax,
            g.distance.to_numpy(float),
            g.rms.to_numpy(),
            np.zeros(len(g)),
            g.trusted.to_numpy(bool),
            ncolor[n],
            "o",
            f"n = {n}",
        )
        ax.plot(g.distance, g.error_bound, ":", color=ncolor[n], lw=1)
    ax.plot([], [], ":", color="0.3", label="largest error bound (same colour)")
    ax.set_yscale("log")
    _integer_ticks(ax, distances)
    ax.set(
        xlabel="distance $d$ of the terms from the visible qubit",
        ylabel=r"rms derivative $\sqrt{\langle g_k^2\rangle}$",
        title="(b) decay with distance (colour: $n$); hollow: bound > rms / 10",
    )
    ax.grid(True, which="major", alpha=0.3)
    _legend_below(ax, ncol=2)

    ax = axes[2]
    dense = df[df.dense_deviation.notna() & (df.error_bound > 0)]
    if dense.empty:
        ax.text(0.5, 0.5, "no dense check", ha="center", transform=ax.transAxes)
    else:
        for d in distances:
            g = dense[dense.distance == d]
            if g.empty:
                continue
            dev = np.maximum(g.dense_deviation.to_numpy(), 1e-17)
            ok = g.trusted.to_numpy(bool)
            for mask, face in ((ok, dcolor[d]), (~ok, "none")):
                if mask.any():
                    ax.plot(
                        g.error_bound.to_numpy()[mask],
                        dev[mask],
                        "o",
                        color=dcolor[d],
                        mfc=face,
                        ms=5,
                    )
        dev = np.maximum(dense.dense_deviation.to_numpy(), 1e-17)
        lim = [
            min(dense.error_bound.min(), dev.min()) / 3,
            max(dense.error_bound.max(), dev.max()) * 3,
        ]
        ax.plot(lim, lim, "-", color="k", lw=1, label="deviation = bound")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _legend_below(ax)
        ns = sorted(dense.n.unique())
        ax.set_title(f"(c) vs exact Duhamel gradient, n = {', '.join(map(str, ns))}")
    ax.set(
        xlabel="largest error bound of the (n, d) row",
        ylabel="largest |g - exact| (floored at 1e-17)",
    )
    ax.grid(True, which="major", alpha=0.3)
    # one colour bar below the panels, for the two that colour by distance
    bar = fig.colorbar(
        ScalarMappable(
            norm=BoundaryNorm(np.arange(len(distances) + 1) - 0.5, len(distances)),
            cmap=ListedColormap([dcolor[d] for d in distances]),
        ),
        ax=axes,
        location="bottom",
        shrink=0.9,
        aspect=80,
        ticks=range(len(distances)),
    )
    bar.set_ticklabels([str(d) for d in distances])
    bar.set_label(
        "colour of panels (a) and (c): distance $d$ of the terms from the visible qubit"
    )
    temp = "" if beta is None else rf", $\beta$ = {beta:g}"
    fig.suptitle(
        f"QBM gradients of random nearest-neighbour chains{temp}, {n_visible} "
        "visible qubit, purified MPS (arXiv:2010.15968 Fig. 3c beyond ED)",
        fontsize=12,
    )
    return _save(fig, path)
