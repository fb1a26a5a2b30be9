r"""The QNTK-scaling figure: :math:`\bar K`, :math:`\Delta K` and :math:`\Delta\mu` against L and N.

Draws the table of ``studies/qntk_kernel_scaling.py`` (rows of
:func:`tnbp.qntk_summary`) in the paper's convention (rotations
:math:`e^{i\theta X}`: :math:`4K`, :math:`4\Delta K`, :math:`16\mu` of
tnbp's), so the theory curves are eqs. 22, 23 and 51 of Liu, Lin and Jiang
(arXiv:2206.09313) as printed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from .figures import _save, plt

#: tnbp's angles to the paper's, per quantity (tnbp.theory.to_paper_convention)
_PAPER = {"kernel": 4.0, "meta": 16.0}


def _powers_of_two(ax, values, *, axis: str = "x") -> None:
    """Log-2 axis with a tick at each value, written as integers."""
    values = sorted({int(v) for v in values})
    getattr(ax, f"set_{axis}scale")("log", base=2)
    target = getattr(ax, f"{axis}axis")
    target.set_ticks(values)
    target.set_ticklabels([str(v) for v in values])
    target.set_minor_locator(plt.NullLocator())


def _plain_log_labels(ax) -> None:
    """Log y axis labelled with plain numbers (0.3, 2, 40), minor ticks at 2 and 5 only."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(
        FuncFormatter(
            lambda v, _: (
                f"{v:g}" if round(v / 10 ** np.floor(np.log10(v))) in (2, 5) else ""
            )
        )
    )


def _theory(ax, x, y, style: str, label: str) -> None:
    ax.plot(x, y, style, color="k", lw=1.2, label=label, zorder=1)


def plot_qntk_scaling(
    df: pd.DataFrame, path: str | Path, *, n: int, layers: int, fit=None
) -> Path:
    r"""Mean and spread of the QNTK (and the meta-kernel) against L and N, with theory.

    Six panels, all log-log, in the paper's convention (:math:`4\times` tnbp's
    :math:`K` and :math:`\Delta K`, :math:`16\times` its :math:`\mu`; the
    axis labels say so); every error bar is :math:`\pm 1` standard error.
    Top: :math:`\bar K` against :math:`L` at ``n`` and against
    :math:`N = 2^n` at ``layers`` under eq. 22 exact (solid) and its
    large-:math:`N` form (dashed); then :math:`\Delta K/\bar K` against :math:`L` with one
    standard error, eq. 23 over eq. 22 (solid, :math:`\propto L^{-1/2}`) and,
    given ``fit``, the fitted power law (dotted, its exponent in the legend).
    Bottom: :math:`\Delta K` against :math:`L` and against :math:`N` with one
    standard error under eq. 23, and the root mean square of :math:`\mu`
    against :math:`L` under eq. 51 (a table without the meta-kernel, from
    ``qntk_ensemble(..., meta=False)``, gets a note in that panel instead of
    empty axes). Eqs. 23 and 51 are large-:math:`N`
    forms that take the rotations independent; the legends and the title
    say so, and the title points to the guide's QNTK page ("What eqs. 23 and 51
    leave out") for why the measured spreads depart from them.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`tnbp.qntk_summary` (columns ``n, layers,
        num_parameters, kernel_mean, kernel_theory, kernel_theory_large_n,
        kernel_std, kernel_std_se,
        kernel_std_theory, concentration, concentration_theory, kernel_se,
        meta_rms, meta_rms_se, meta_rms_theory``), in tnbp's convention.
    path : str or Path
        Where to write the PNG (its folder is created).
    n : int
        The qubit number of the scan over :math:`L` (rows with this ``n``).
    layers : int
        The ``layers`` of the scan over :math:`N` (rows with this value).
    fit : PowerLawFit, optional
        A fit of ``concentration`` against ``num_parameters``
        (:func:`tnbp.fit_power_law`), drawn in the concentration panel.

    Returns
    -------
    Path
        The figure's path.
    """
    k, m = _PAPER["kernel"], _PAPER["meta"]
    by_l = df[df.n == n].sort_values("num_parameters")
    by_n = df[df.layers == layers].sort_values("n")
    fig, axes = plt.subplots(2, 3, figsize=(14, 8.2), constrained_layout=True)
    (ka, kn, conc), (sa, sn, mu) = axes
    big_l = by_n.num_parameters.iloc[0] if len(by_n) else layers
    for ax, rows, x in ((ka, by_l, by_l.num_parameters), (kn, by_n, 2.0**by_n.n)):
        if not len(rows):
            continue
        ax.errorbar(
            x,
            k * rows.kernel_mean,
            yerr=k * rows.kernel_se,
            fmt="o",
            color="C0",
            capsize=3,
            label=r"mean over instances ($\pm 1$ SE)",
        )
        _theory(ax, x, k * rows.kernel_theory, "-", "eq. 22, exact")
        _theory(
            ax,
            x,
            k * rows.kernel_theory_large_n,
            "--",
            r"eq. 22, large $N$: $2L\,\mathrm{Tr}\,O^2/N^2$",
        )
        ax.set_yscale("log")
        ax.set_ylabel(r"$\bar K$ (paper's convention, $4\times$ tnbp)")
    ka.set(
        xlabel="trainable angles $L$",
        title=rf"$\bar K$ against $L$ ($n = {n}$, $N = {2**n}$)",
    )
    kn.set(
        xlabel=r"Hilbert-space dimension $N = 2^n$",
        title=rf"$\bar K$ against $N$ ($L = {big_l}$)",
    )
    for ax, rows, x in ((sa, by_l, by_l.num_parameters), (sn, by_n, 2.0**by_n.n)):
        if not len(rows):
            continue
        ax.errorbar(
            x,
            k * rows.kernel_std,
            yerr=k * rows.kernel_std_se,
            fmt="s",
            color="C1",
            capsize=3,
            label=r"sample $\Delta K$ ($\pm 1$ SE)",
        )
        _theory(
            ax,
            x,
            k * rows.kernel_std_theory,
            "-",
            r"eq. 23: $\frac{\sqrt{L}}{N^2}\sqrt{8\,\mathrm{Tr}^2 O^2 + 12\,\mathrm{Tr}\,O^4}$"
            "\n(large $N$, independent rotations)",
        )
        ax.set_yscale("log")
        ax.set_ylabel(r"$\Delta K$ (paper's convention, $4\times$ tnbp)")
    sa.set(xlabel="trainable angles $L$", title=rf"$\Delta K$ against $L$ ($n = {n}$)")
    sn.set(
        xlabel=r"Hilbert-space dimension $N = 2^n$",
        title=rf"$\Delta K$ against $N$ ($L = {big_l}$)",
    )
    if len(by_l):
        x = by_l.num_parameters
        rel = np.sqrt(
            (by_l.kernel_std_se / by_l.kernel_std) ** 2
            + (by_l.kernel_se / by_l.kernel_mean) ** 2
        )
        conc.errorbar(
            x,
            by_l.concentration,
            yerr=by_l.concentration * rel,
            fmt="D",
            color="C2",
            capsize=3,
            label=r"$\Delta K/\bar K$ ($\pm 1$ SE)",
        )
        _theory(
            conc,
            x,
            by_l.concentration_theory,
            "-",
            r"eq. 23 / eq. 22 $\propto L^{-1/2}$ (large $N$, indep. rotations)",
        )
        if fit is not None:
            xs = np.geomspace(x.min(), x.max(), 50)
            conc.plot(
                xs,
                fit.prefactor * xs ** (-fit.exponent),
                ":",
                color="C2",
                lw=1.5,
                label=rf"fit $\propto L^{{-p}}$, $p = {fit.exponent:.3f}"
                rf" \pm {fit.exponent_err:.3f}$",
            )
        conc.set_yscale("log")
        conc.set(
            xlabel="trainable angles $L$",
            ylabel=r"$\Delta K/\bar K$ (either convention)",
            title=rf"concentration against $L$ ($n = {n}$)",
        )
        meta = by_l[by_l.meta_rms.notna()]
        if len(meta):
            mu.errorbar(
                meta.num_parameters,
                m * meta.meta_rms,
                yerr=m * meta.meta_rms_se,
                fmt="^",
                color="C3",
                capsize=3,
                label=r"sample $\sqrt{\overline{\mu^2}}$ ($\pm 1$ SE)",
            )
            _theory(
                mu,
                meta.num_parameters,
                m * meta.meta_rms_theory,
                "-",
                r"eq. 51: $\sqrt{32}\,L\,\mathrm{Tr}^{3/2}O^2/N^3$"
                "\n(large $N$, independent rotations)",
            )
            mu.set_yscale("log")
        else:  # a table of qntk_ensemble(..., meta=False): say so, no empty axes
            mu.text(
                0.5,
                0.5,
                "no meta-kernel in this table\n(qntk_ensemble(..., meta=True))",
                ha="center",
                va="center",
                transform=mu.transAxes,
            )
            mu.set_axis_off()
        mu.set(
            xlabel="trainable angles $L$",
            ylabel=r"$\Delta\mu$ (paper's convention, $16\times$ tnbp)",
            title=rf"meta-kernel spread against $L$ ($n = {n}$)",
        )
    for ax in (ka, sa, conc, mu):
        if len(by_l) and ax.axison:
            _powers_of_two(ax, by_l.num_parameters)
    for ax in (kn, sn):
        if len(by_n):
            _powers_of_two(ax, 2**by_n.n)
    for ax in axes.flat:
        if ax.has_data():
            _plain_log_labels(ax)
            ax.legend(fontsize=8)
        ax.grid(alpha=0.3, which="major")
    fig.suptitle(
        r"QNTK scaling (arXiv:2206.09313 eqs. 22, 23, 51); error bars $\pm 1$ SE. "
        "Eqs. 23 and 51 take N large and the rotations independent; all derivatives\n"
        r"share one output state, so $\Delta K$ (at small N) and $\mu$ (at large L) "
        "depart from them: the guide's QNTK page, 'What eqs. 23 and 51 leave out'",
        fontsize=10,
    )
    return _save(fig, path)
