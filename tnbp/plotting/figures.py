"""Figures for studies (matplotlib, non-interactive backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def plot_entanglement_vs_depth(df: pd.DataFrame, path: str | Path) -> Path:
    """Half-chain entropy and visible-state trace distance against depth.

    Expects the columns written by ``studies/entanglement_vs_depth.py``:
    ``ansatz, depth, half_chain_entropy, trace_distance, trusted, max_bond``,
    ``page_entropy`` and ``haar_bound``. Means over samples are drawn as lines;
    points from states flagged as untrusted (bond saturated or truncated) are
    drawn hollow.
    """
    fig, (ax_s, ax_d) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for name, group in df.groupby("ansatz"):
        mean = group.groupby("depth", as_index=False).agg(
            S=("half_chain_entropy", "mean"),
            D=("trace_distance", "mean"),
            trusted=("trusted", "all"),
        )
        (line,) = ax_s.plot(mean.depth, mean.S, "-", label=name)
        ax_d.semilogy(mean.depth, mean.D, "-", color=line.get_color(), label=name)
        for ax, col in ((ax_s, "S"), (ax_d, "D")):
            ok, bad = mean[mean.trusted], mean[~mean.trusted]
            ax.plot(ok.depth, ok[col], "o", color=line.get_color())
            ax.plot(bad.depth, bad[col], "o", mfc="none", color=line.get_color())
    chi = df["max_bond"].dropna()
    if len(chi):
        ax_s.axhline(
            np.log2(float(chi.iloc[0])), ls=":", color="gray", label="log2(max_bond)"
        )
    ax_s.axhline(df["page_entropy"].iloc[0], ls="--", color="k", label="Page (Haar)")
    ax_d.axhline(
        df["haar_bound"].iloc[0],
        ls="--",
        color="k",
        label=r"$\frac{1}{2}\sqrt{D_v/D_h}$",
    )
    n, nv = int(df["n"].iloc[0]), int(df["n_visible"].iloc[0])
    ax_s.set(
        xlabel="depth (layers)", ylabel="half-chain entropy (bits)", title=f"n = {n}"
    )
    ax_d.set(
        xlabel="depth (layers)",
        ylabel=r"$\frac{1}{2}\|\rho_v - I/D_v\|_1$",
        title=f"{nv} visible qubits (hollow: untrusted)",
    )
    ax_s.legend(fontsize=8)
    ax_d.legend(fontsize=8)
    return _save(fig, path)


def plot_gradient_variance(df: pd.DataFrame, path: str | Path) -> Path:
    """Gradient variance against qubit number, one line per (model, cost), semilog.

    Expects ``model, cost, n, variance`` and optionally ``theory`` (closed forms,
    drawn dashed) and ``truncated`` (hollow markers).
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
    ax.set(
        xlabel="qubits n",
        ylabel=r"Var$[\partial_1 C]$ (uniform angles)",
        title="exact variances; dashed: closed forms",
    )
    ax.legend(fontsize=8)
    return _save(fig, path)


def plot_qbm_hidden_units(df: pd.DataFrame, path: str | Path) -> Path:
    """QBM derivative variances (visible and hidden terms, infinity-norm) vs hidden units.

    Expects the columns written by ``studies/qbm_hidden_units.py``: each
    variance column with its standard error (``variance_visible`` with
    ``variance_se_visible``, ``variance_hidden`` with ``variance_se_hidden``,
    ``inf_norm_variance`` with ``inf_norm_variance_se``), drawn as error bars.

    Raises
    ------
    ValueError
        If a variance or its standard-error column is missing (a renamed
        column must not silently drop the error bars).
    """
    curves = (
        ("variance_visible", "variance_se_visible", "terms on visible qubits"),
        ("variance_hidden", "variance_se_hidden", "terms touching hidden qubits"),
        ("inf_norm_variance", "inf_norm_variance_se", r"$\|\nabla\|_\infty$"),
    )
    missing = [c for col, se, _ in curves for c in (col, se) if c not in df]
    if missing:
        raise ValueError(f"`df` lacks the column(s) {missing}.")
    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    for col, se, label in curves:
        ax.errorbar(df.n_hidden, df[col], yerr=df[se], fmt="o-", capsize=3, label=label)
    ax.set_yscale("log")
    ax.set(
        xlabel="hidden qubits",
        ylabel=r"Var$[\partial_k \langle O_v\rangle]$",
        title="QBM, random 2-local H (eq. C1), normalized",
    )
    ax.legend(fontsize=8)
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    """Write ``fig`` as a PNG (creating the folder) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
