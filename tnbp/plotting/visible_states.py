r"""Figures of the beyond-ED studies: Figs. 3a and 3b of arXiv:2010.15968 against n.

Both draw rows of :func:`tnbp.ensembles.visible_states.visible_summary`, one
colour per circuit family; a point whose instances include an MPS run that
is not trusted (bond saturated, or truncated beyond tolerance) is drawn
hollow, and the legend says so. Where the dense (``n <= dense_max``) or exact
lightcone reference was run, a small black cross marks the reference's value
at the same ``n``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .figures import _save, plt

#: colour and marker of each family
STYLES = {
    "unitary_qnn_nn": ("tab:blue", "s"),
    "hea_shallow": ("tab:green", "o"),
    "hea_deep": ("tab:red", "D"),
}
#: legend label of each family
LABELS = {
    "unitary_qnn_nn": "unitary QNN, nearest neighbour",
    "hea_shallow": r"HEA, $\lceil\log_2 n\rceil$ layers",
    "hea_deep": "HEA, depth ∝ n",
}
#: short name of each family in the fits' legends
SHORT = {
    "unitary_qnn_nn": "QNN",
    "hea_shallow": "HEA (log n)",
    "hea_deep": "HEA (deep)",
}


#: up to this many distinct n get a tick each, at the data
MAX_TICKS = 14


def _n_axis(ax, values, *, log: bool) -> None:
    """The n axis (log base 2 or linear), ticked at the data's n when they are few."""
    values = sorted({int(v) for v in values})
    if log:
        ax.set_xscale("log", base=2)
        ax.xaxis.set_minor_locator(plt.NullLocator())
    if len(values) <= MAX_TICKS:
        ax.set_xticks(values)
        ax.set_xticklabels([str(v) for v in values], fontsize=8)
    ax.set_xlabel("n (qubits: visible + hidden)")


def _shift(family: str, log: bool) -> float:
    """How far a family's points sit from their n, so equal values stay visible."""
    k = list(STYLES).index(family) - 1 if family in STYLES else 0
    return 1.02**k if log else 0.25 * k


def _family_points(ax, rows: pd.DataFrame, y: str, err: str, *, log: bool) -> None:
    """One family's points: filled if trusted, hollow if not, error bars, a line."""
    family = rows.family.iloc[0]
    color, marker = STYLES[family]
    x = rows.n * _shift(family, log) if log else rows.n + _shift(family, log)
    rows = rows.assign(x=x)
    ax.plot(rows.x, rows[y], "-", color=color, lw=1, alpha=0.6)
    yerr = rows[err].to_numpy(dtype=float)
    ax.errorbar(
        rows.x,
        rows[y],
        yerr=np.where(np.isfinite(yerr), yerr, 0.0),
        fmt="none",
        ecolor=color,
        capsize=2.5,
        elinewidth=1,
    )
    ok, bad = rows[rows.trusted], rows[~rows.trusted]
    ax.plot(ok.x, ok[y], marker, color=color, ms=6, ls="none")
    ax.plot(bad.x, bad[y], marker, color=color, mfc="white", ms=7, ls="none", mew=1.5)


def _family_handle(rows: pd.DataFrame) -> plt.Line2D:
    """A family's legend entry: its colour, line and marker, and its layer counts."""
    family = rows.family.iloc[0]
    color, marker = STYLES[family]
    label = f"{LABELS[family]} (layers: " + _layers(rows) + ")"
    return plt.Line2D([], [], color=color, marker=marker, ms=6, lw=1, label=label)


def _references(ax, references, y: str, *, log: bool) -> list:
    """The references' values as black crosses beside their family's points.

    Returns the legend handle of the crosses (a one-item list), or ``[]`` when
    there are none.
    """
    if references is None or not len(references):
        return []
    for family, rows in references.groupby("family", sort=False):
        shift = _shift(family, log)
        x = rows.n * shift if log else rows.n + shift
        ax.plot(x, rows[y], "x", color="k", ms=6, zorder=3)
    label = "dense (n <= dense_max) / exact lightcone reference"
    return [plt.Line2D([], [], color="k", marker="x", ms=6, ls="none", label=label)]


def _layers(rows: pd.DataFrame) -> str:
    """The layer counts of a family's rows, briefly (``"2"``, ``"3-6"``, ``"= n"``)."""
    layers, n = rows.layers.to_numpy(), rows.n.to_numpy()
    if np.all(layers == layers[0]):
        return str(int(layers[0]))
    ratio = layers / n
    if np.allclose(ratio, ratio[0]):
        k = ratio[0]
        return "n" if k == 1 else f"{k:g} n"
    return f"{int(layers.min())}-{int(layers.max())}"


def _trust_handles(chi) -> list:
    """Legend entries of the filled (trusted) and hollow (not trusted) markers."""
    return [
        plt.Line2D([], [], marker="o", color="gray", ls="none", label="MPS trusted"),
        plt.Line2D(
            [],
            [],
            marker="o",
            color="gray",
            mfc="white",
            mew=1.5,
            ls="none",
            label=f"MPS not trusted (χ = {chi} saturated or truncated)",
        ),
    ]


def plot_visible_distance(
    summary: pd.DataFrame, path: str | Path, *, references=None
) -> Path:
    r"""Mean trace distance of the visible state to :math:`I/D_v` against n, log-log.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`~tnbp.ensembles.visible_states.visible_summary` of
        ``trace_distance`` (columns ``family, n, layers, n_visible, mean,
        mean_se, samples, trusted, max_bond``).
    path : str or Path
        Where to write the PNG (its folder is created).
    references : pandas.DataFrame, optional
        The same summary of the references (``dense_value`` or
        ``exact_value`` rows: columns ``family, n, mean``), drawn as crosses.

    Returns
    -------
    Path
        The figure's path.
    """
    fig, ax = plt.subplots(figsize=(7.5, 5.6), constrained_layout=True)
    handles = []
    for _, rows in summary.groupby("family", sort=False):
        _family_points(ax, rows.sort_values("n"), "mean", "mean_se", log=True)
        handles.append(_family_handle(rows))
    handles += _references(ax, references, "mean", log=True)
    n_v = int(summary.n_visible.iloc[0])
    grid = np.arange(summary.n.min(), summary.n.max() + 1)
    (bound,) = ax.plot(
        grid,
        0.5 * np.sqrt(2.0**n_v / 2.0 ** (grid - n_v)),
        "--",
        color="k",
        lw=1.2,
        label=r"Haar bound $\frac{1}{2}\sqrt{D_v/D_h}$",
    )
    ax.set_yscale("log")
    _n_axis(ax, summary.n, log=True)
    chi = ", ".join(map(str, sorted(summary.max_bond.unique())))
    handles += [bound, *_trust_handles(chi)]
    samples = ", ".join(map(str, sorted(summary.samples.unique())))
    ax.set(
        ylabel=r"trace distance $\frac{1}{2}\|\rho_v - I/D_v\|_1$",
        title=f"visible qubits: {n_v}; MPS χ = {chi}; mean ± s.e. over {samples} "
        "instances",
    )
    ax.legend(
        handles=handles,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
    )
    return _save(fig, path)


def plot_fidelity_gradient(
    summary: pd.DataFrame, path: str | Path, *, fits=None, references=None
) -> Path:
    r"""Variance of the fidelity gradient's infinity-norm against n: semilog and log-log.

    Left, semilog (the paper's Fig. 3b) with the exponential fits
    :math:`A e^{-rn}`; right, log-log with the power-law fits
    :math:`A n^{-p}`; each fit over the family's trusted points only, its
    rate or exponent in the legend.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`~tnbp.ensembles.visible_states.visible_summary` of ``inf_norm``
        (columns ``family, n, layers, n_visible, variance, variance_se,
        samples, trusted, max_bond``).
    path : str or Path
        Where to write the PNG (its folder is created).
    fits : dict, optional
        ``{family: DecayComparison or None}``
        (:func:`~tnbp.ensembles.visible_states.decay_fits`).
    references : pandas.DataFrame, optional
        The same summary of the dense or exact reference's infinity-norms
        (columns ``family, n, variance``), drawn as crosses.

    Returns
    -------
    Path
        The figure's path.
    """
    fits = fits or {}
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.8), constrained_layout=True)
    handles = []
    for ax, log in zip(axes, (False, True)):
        for family, rows in summary.groupby("family", sort=False):
            rows = rows.sort_values("n")
            _family_points(ax, rows, "variance", "variance_se", log=log)
            if not log:
                handles.append(_family_handle(rows))
            fit = fits.get(family)
            if fit is None:
                continue
            color = STYLES[family][0]
            grid = np.linspace(fit.exponential.n.min(), fit.exponential.n.max(), 100)
            if log:
                p = fit.power_law
                y = p.prefactor * grid ** (-p.exponent)
                text = f"fit $n^{{-p}}$, p = {p.exponent:.2f} ± {p.exponent_err:.2f}"
            else:
                e = fit.exponential
                y = e.prefactor * np.exp(-e.rate * grid)
                text = f"fit $e^{{-rn}}$, r = {e.rate:.3f} ± {e.rate_err:.3f}"
            best = (
                " (better)"
                if fit.preferred == ("power_law" if log else "exponential")
                else ""
            )
            label = f"{SHORT[family]}: {text}{best}"
            ax.plot(grid, y, ":", color=color, lw=1.6, label=label)
        reference = _references(ax, references, "variance", log=log)
        ax.set_yscale("log")
        _n_axis(ax, summary.n, log=log)
        ax.set_ylabel(r"Var$_\theta\,\|\nabla_\theta F\|_\infty$  (rad$^{-2}$)")
        if ax.get_legend_handles_labels()[0]:  # the fits, under their panel
            ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    chi = ", ".join(map(str, sorted(summary.max_bond.unique())))
    # the families, the references and the markers: one legend for both panels
    fig.legend(
        handles=handles + reference + _trust_handles(chi),
        fontsize=7.5,
        loc="outside lower center",
        ncol=3,
    )
    n_v = int(summary.n_visible.iloc[0])
    samples = ", ".join(map(str, sorted(summary.samples.unique())))
    axes[0].set_title(
        f"semilog; visible qubits: {n_v}, thermal target; {samples} instances"
    )
    # the variance's standard error needs 4 instances (NaN below): say which
    bars = np.isfinite(summary.variance_se.to_numpy(dtype=float)).any()
    axes[1].set_title(
        "log-log; "
        + (
            "error bars: ± 1 s.e. of the variance"
            if bars
            else "no error bars: fewer than 4 instances"
        )
    )
    return _save(fig, path)
