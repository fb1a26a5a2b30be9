"""Figures for studies (matplotlib, non-interactive backend).

Each function draws one study's table (the columns it expects are listed in
its docstring), writes a PNG and closes the figure; nothing is shown.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def plot_entanglement_vs_depth(df: pd.DataFrame, path: str | Path) -> Path:
    """Half-chain entropy and visible-state trace distance against depth.

    Expects the columns written by ``studies/entanglement_vs_depth.py``:
    ``ansatz, n, depth, max_bond, n_visible, half_chain_entropy, trace_distance,
    trusted, page_entropy, haar_bound`` (and optionally ``backend``). One line
    per setting (every parameter but depth and seed), the mean over samples;
    settings are never averaged together, and those that differ between lines
    are named in the legend. Points from states flagged as untrusted (bond
    saturated or truncated) are drawn hollow, in both panels, and the legends
    say so; the left title names ``n`` and ``max_bond``. Reference lines: Page's value and
    ``log2(max_bond)`` (left), the Haar bound (right), one per distinct value.

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
    fig, (ax_s, ax_d) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for values, group in df.groupby(settings, dropna=False):
        setting = dict(zip(settings, values))
        label = ", ".join(
            str(setting[c]) if c == "ansatz" else f"{c}={setting[c]}" for c in shown
        )
        mean = group.groupby("depth", as_index=False).agg(
            S=("half_chain_entropy", "mean"),
            D=("trace_distance", "mean"),
            trusted=("trusted", "all"),
        )
        (line,) = ax_s.plot(mean.depth, mean.S, "-", label=label)
        ax_d.semilogy(mean.depth, mean.D, "-", color=line.get_color(), label=label)
        for ax, col in ((ax_s, "S"), (ax_d, "D")):
            ok, bad = mean[mean.trusted], mean[~mean.trusted]
            ax.plot(ok.depth, ok[col], "o", color=line.get_color())
            ax.plot(bad.depth, bad[col], "o", mfc="none", color=line.get_color())
    refs = (  # (axes, column, y of a value, style, color, label)
        (ax_s, "max_bond", np.log2, ":", "gray", "log2(max_bond)"),
        (ax_s, "page_entropy", float, "--", "k", "Page (Haar)"),
        (ax_d, "haar_bound", float, "--", "k", r"$\frac{1}{2}\sqrt{D_v/D_h}$"),
    )
    for ax, col, y, style, color, label in refs:
        values = pd.to_numeric(df[col], errors="coerce").dropna().unique()  # no "auto"
        for i, v in enumerate(sorted(values)):
            ax.axhline(y(v), ls=style, color=color, label=None if i else label)
    for ax in (ax_s, ax_d):  # markers that say which points to trust, once
        ax.plot([], [], "o", color="gray", label="trusted")
        ax.plot([], [], "o", mfc="none", color="gray", label="untrusted (truncated)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # depths are layers
    ns, nvs = sorted(df["n"].unique()), sorted(df["n_visible"].unique())
    chis = sorted(  # numbers in order, then strings such as "auto"
        df["max_bond"].unique(),
        key=lambda v: (isinstance(v, str), 0 if isinstance(v, str) else v, str(v)),
    )
    ax_s.set(
        xlabel="depth (layers)",
        ylabel="half-chain entropy (bits)",
        title="n = "
        + ", ".join(map(str, ns))
        + ", max_bond = "
        + ", ".join(map(str, chis)),
    )
    ax_d.set(
        xlabel="depth (layers)",
        ylabel=r"$\frac{1}{2}\|\rho_v - I/D_v\|_1$",
        title=", ".join(map(str, nvs)) + " visible qubits (hollow: untrusted)",
    )
    ax_s.legend(fontsize=8)
    ax_d.legend(fontsize=8)
    return _save(fig, path)


def plot_gradient_variance(df: pd.DataFrame, path: str | Path) -> Path:
    """Gradient variance against qubit number, one line per (model, cost), semilog.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per ``(model, cost, n)`` with the columns ``model, cost, n,
        variance`` (as written by ``studies/barren_plateaus.py`` from
        :func:`tnbp.exact_gradient_variance`), and optionally ``theory``
        (closed forms such as
        :func:`tnbp.theory.toy_global_cost_gradient_variance`, drawn dashed)
        and ``truncated`` (hollow markers).
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.
    """
    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    for (model, cost), group in df.groupby(["model", "cost"]):
        group = group.sort_values("n")
        (line,) = ax.semilogy(group.n, group.variance, "o-", label=f"{model}, {cost}")
        if "truncated" in group:
            bad = group[group.truncated.astype(bool)]
            ax.plot(bad.n, bad.variance, "o", mfc="white", color=line.get_color())
        if "theory" in group and group.theory.notna().any():
            ax.semilogy(group.n, group.theory, "--", color="k", lw=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # qubits are counted
    ax.set(
        xlabel="qubits n",
        ylabel=r"Var$[\partial_1 C]$ (uniform angles)",
        title="exact variances; dashed: closed forms",
    )
    ax.legend(fontsize=8)
    return _save(fig, path)


def plot_qbm_hidden_units(df: pd.DataFrame, path: str | Path) -> Path:
    """QBM derivative variances (visible and hidden terms, infinity-norm) vs hidden units.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per hidden-unit count ``n_hidden``, as written by
        ``studies/qbm_hidden_units.py``: each variance column with its standard
        error (``variance_visible`` with ``variance_se_visible``,
        ``variance_hidden`` with ``variance_se_hidden``, ``inf_norm_variance``
        with ``inf_norm_variance_se``), drawn as error bars on a log scale.
    path : str or Path
        Where to write the PNG (its folder is created).

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If a variance or its standard-error column is missing from ``df`` (a
        renamed column must not silently drop the error bars).
    """
    curves = (
        (
            "variance_visible",
            "variance_se_visible",
            r"Var$[\partial_k \langle O_v\rangle]$, terms on visible qubits",
        ),
        (
            "variance_hidden",
            "variance_se_hidden",
            r"Var$[\partial_k \langle O_v\rangle]$, terms touching hidden qubits",
        ),
        (
            "inf_norm_variance",
            "inf_norm_variance_se",
            r"Var$[\|\nabla \langle O_v\rangle\|_\infty]$",
        ),
    )
    missing = [c for col, se, _ in curves for c in (col, se) if c not in df]
    if missing:
        raise ValueError(f"`df` lacks the column(s) {missing}.")
    fig, ax = plt.subplots(figsize=(8.5, 4), constrained_layout=True)
    for col, se, label in curves:
        ax.errorbar(df.n_hidden, df[col], yerr=df[se], fmt="o-", capsize=3, label=label)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # qubits are counted
    ax.set(
        xlabel="hidden qubits",
        ylabel="variance (over random Hamiltonians)",
        title="QBM, random 2-local H (eq. C1), normalized",
    )
    # beside the axes: inside, it covers points whatever the decay
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    """Write ``fig`` as a PNG (creating the folder) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
