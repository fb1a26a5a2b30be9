r"""Figures 3b and 3c of arXiv:2010.15968: gradient variances against the hidden units.

Both figures are semi-log plots of the variance over random instances of the
infinity-norm of a gradient, :math:`\mathrm{Var}[\|\nabla C\|_\infty]`, against
the number of hidden qubits :math:`n_h`, with error bars of one standard error,
the least-squares fit :math:`A e^{-r n_h}` and its rate, and the scaling of the
paper's bound (Theorems 3 and 4: gradients :math:`O(\sqrt{D_v/D_h})`, so
variances :math:`\propto D_v/D_h = 2^{n_v - n_h}`, rate :math:`\ln 2`) drawn
through the fit at the first point: only its slope is the theorem's. The
finite-difference gradients of the paper are filled markers on solid lines,
their exact counterparts open markers on dashed lines, and the title gives the
largest deviation between the two.

- :func:`plot_fidelity_hidden_units`: Fig. 3b, the fidelity of the unitary
  QNN's visible state with a thermal target;
- :func:`plot_qbm_hidden_units`: Fig. 3c, the trace distance between the
  normalized QBM's visible state and its perturbation (left), beside the
  variant with the gradient of an observable :math:`\langle O_v\rangle`
  (right), split by where the differentiated terms act.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .figures import _integer_ticks, _save, plt

#: the rate of the bound's scaling D_v / D_h = 2^(n_v - n_h) per hidden qubit
BOUND_RATE = float(np.log(2.0))


def _require(df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df]
    if missing:
        raise ValueError(f"`df` lacks the column(s) {missing}.")


def _fd_exact_panel(ax, df: pd.DataFrame, fits: Mapping, *, labels: dict) -> None:
    """Finite differences and exact values of ``inf_norm_variance_*`` on ``ax``, with fits."""
    h = df.n_hidden.to_numpy()
    ax.errorbar(
        h,
        df.inf_norm_variance_fd,
        yerr=df.inf_norm_variance_se_fd,
        fmt="o-",
        color="C0",
        ms=7,
        capsize=3,
        label=labels["fd"],
    )
    ax.errorbar(
        h,
        df.inf_norm_variance_exact,
        yerr=df.inf_norm_variance_se_exact,
        fmt="s--",
        color="C1",
        mfc="none",
        ms=10,
        capsize=3,
        label=labels["exact"],
    )
    fit = fits.get("fd")
    if fit is not None:
        grid = np.linspace(h.min(), h.max(), 50)
        exact = fits.get("exact")
        also = (
            ""
            if exact is None
            else rf" (exact: {exact.rate:.2f} $\pm$ {exact.rate_err:.2f})"
        )
        ax.plot(
            grid,
            fit.prefactor * np.exp(-fit.rate * grid),
            ":",
            color="k",
            lw=1.5,
            zorder=3,
            label=rf"least-squares fit $A e^{{-r n_h}}$ to the finite differences, "
            rf"$r$ = {fit.rate:.2f} $\pm$ {fit.rate_err:.2f}{also}",
        )
        start = fit.prefactor * np.exp(-fit.rate * h.min())
        ax.plot(
            grid,
            start * np.exp(-BOUND_RATE * (grid - h.min())),
            "-.",
            color="0.45",
            lw=1.2,
            label=r"Theorems 3-4: $\propto D_v/D_h = 2^{n_v-n_h}$, $r = \ln 2$ "
            "(slope only; through the fit's first point)",
        )
    ax.set_yscale("log")
    _integer_ticks(ax, h)  # qubits are counted


def _legend_below(ax) -> None:
    """The legend under the axes: the data first, then the fits and the bound."""
    handles, labels = ax.get_legend_handles_labels()
    drawn = [i for i, h in enumerate(handles) if not hasattr(h, "get_linestyle")]
    order = drawn + [i for i in range(len(labels)) if i not in drawn]
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        fontsize=7.5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncol=1,
    )


def _model(df: pd.DataFrame, columns) -> list[str]:
    """``"2 visible qubits"``-style phrases for the columns ``df`` has."""
    out = []
    for col, one, many in columns:
        if col in df:
            values = sorted(df[col].unique())
            text = one if len(values) == 1 and values[0] == 1 else many
            out.append(text.format(", ".join(f"{v:g}" for v in values)))
    return out


def plot_fidelity_hidden_units(
    df: pd.DataFrame, path: str | Path, *, fits: Mapping | None = None
) -> Path:
    r"""Fig. 3b: :math:`\mathrm{Var}[\|\nabla F\|_\infty]` of the unitary QNN against hidden units.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per ``n_hidden``, as written by ``studies/qnn_hidden_units.py``
        (the columns of :func:`tnbp.fidelity_gradient_variance`):
        ``inf_norm_variance_fd`` and ``inf_norm_variance_exact`` with their
        ``inf_norm_variance_se_*``, ``max_deviation`` and ``step``;
        optionally ``n_visible``, ``beta`` and ``samples`` for the title.
    path : str or Path
        Where to write the PNG (its folder is created).
    fits : mapping of str to DecayFit, optional
        Fits :math:`A e^{-r n_h}` (:func:`tnbp.fit_exponential_decay`) of the
        finite-difference (``"fd"``) and exact (``"exact"``) variances; the
        first is drawn with the bound's slope, the rates of both are in the
        legend.

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If a variance, its standard error, ``max_deviation`` or ``step`` is
        missing from ``df``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Fig. 3b and Theorem 3.
    """
    _require(df, _FD_EXACT_COLUMNS)
    fig, ax = plt.subplots(figsize=(7.5, 6.2), constrained_layout=True)
    step = ", ".join(f"{s:g}" for s in sorted(df.step.unique()))
    _fd_exact_panel(
        ax,
        df,
        fits or {},
        labels=dict(
            fd=rf"finite differences $[F(\theta + h e_k) - F(\theta)]/h$, $h$ = {step}",
            exact=r"exact $\partial F/\partial\theta_k$ (adjoint)",
        ),
    )
    model = _model(
        df,
        (
            ("n_visible", "{} visible qubit", "{} visible qubits"),
            ("beta", r"target at $\beta$ = {}", r"target at $\beta$ = {}"),
            ("samples", "{} instance per point", "{} instances per point"),
        ),
    )
    ax.set(
        xlabel=r"hidden qubits $n_h$",
        ylabel=r"Var$[\|\nabla F\|_\infty]$ over random QNNs",
        title="Unitary QNN (eq. 1, terms of eq. C1), fidelity with a thermal target\n"
        + ", ".join([*model, "bars: ±1 s.e."])
        + f"\nlargest |finite difference - exact| = {df.max_deviation.max():.1e}",
    )
    _legend_below(ax)
    return _save(fig, path)


_FD_EXACT_COLUMNS = (
    "inf_norm_variance_fd",
    "inf_norm_variance_se_fd",
    "inf_norm_variance_exact",
    "inf_norm_variance_se_exact",
    "max_deviation",
    "step",
)

#: the variant's curves: (column, its standard error, label)
_VARIANT_CURVES = (
    (
        "observable_variance_visible",
        "observable_variance_se_visible",
        r"Var$[\partial_k \langle O_v\rangle]$, terms on visible qubits",
    ),
    (
        "observable_variance_hidden",
        "observable_variance_se_hidden",
        r"Var$[\partial_k \langle O_v\rangle]$, terms touching hidden qubits",
    ),
    (
        "observable_inf_norm_variance",
        "observable_inf_norm_variance_se",
        r"Var$[\|\nabla \langle O_v\rangle\|_\infty]$, variance of the "
        "gradient's infinity-norm",
    ),
)


def plot_qbm_hidden_units(
    df: pd.DataFrame, path: str | Path, *, fits: Mapping | None = None
) -> Path:
    r"""Fig. 3c (left) and its observable-gradient variant (right) against hidden units.

    Left, the paper's quantity: the variance over random normalized QBMs of
    the infinity-norm of :math:`g_k = T(\rho_v(\theta), \rho_v(\theta + h
    e_k))/h` (finite differences) and of its limit
    :math:`\tfrac12\|\partial_k\rho_v\|_1` (exact). Right, labelled as the
    variant: the exact gradient of :math:`\langle O_v\rangle` on the same
    Hamiltonians, the variances of the derivatives by visible-only terms and
    by terms touching hidden qubits, and the variance of its infinity-norm.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per ``n_hidden``, as written by ``studies/qbm_hidden_units.py``:
        the columns of :func:`tnbp.qbm_trace_distance_gradient_variance`
        (``inf_norm_variance_fd``, ``inf_norm_variance_exact``, their
        ``inf_norm_variance_se_*``, ``max_deviation``, ``step``) and the
        variant's ``observable_variance_visible``,
        ``observable_variance_hidden``, ``observable_inf_norm_variance``, each
        with its ``..._se...`` column; optionally ``n_visible``, ``beta`` and
        ``samples`` for the title.
    path : str or Path
        Where to write the PNG (its folder is created).
    fits : mapping of str to DecayFit, optional
        Fits :math:`A e^{-r n_h}` (:func:`tnbp.fit_exponential_decay`):
        ``"fd"`` and ``"exact"`` of the left panel (the first drawn, with the
        bound's slope), ``"observable_hidden"`` of the variant's hidden-term
        variances (drawn in the right panel).

    Returns
    -------
    Path
        The figure's path.

    Raises
    ------
    ValueError
        If a variance or its standard-error column (of either panel),
        ``max_deviation`` or ``step`` is missing from ``df`` (a renamed
        column must not silently drop a curve or its error bars).

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Fig. 3c and Theorem 4.
    """
    _require(df, [*_FD_EXACT_COLUMNS, *(c for v in _VARIANT_CURVES for c in v[:2])])
    fits = fits or {}
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13, 6.4), constrained_layout=True, sharex=True
    )
    step = ", ".join(f"{s:g}" for s in sorted(df.step.unique()))
    _fd_exact_panel(
        left,
        df,
        fits,
        labels=dict(
            fd=r"finite differences $T(\rho_v(\theta), \rho_v(\theta + h e_k))/h$, "
            f"$h$ = {step}",
            exact=r"exact limit $\frac{1}{2}\|\partial_k \rho_v\|_1$ (Duhamel)",
        ),
    )
    left.set(
        xlabel=r"hidden qubits $n_h$",
        ylabel="variance over random Hamiltonians",
        title=r"Fig. 3c: trace-distance gradient, Var$[\|\nabla T\|_\infty]$"
        + f"\nlargest |finite difference - exact| = {df.max_deviation.max():.1e}",
    )
    _legend_below(left)
    for col, se, label in _VARIANT_CURVES:
        right.errorbar(
            df.n_hidden, df[col], yerr=df[se], fmt="o-", capsize=3, label=label
        )
    fit = fits.get("observable_hidden")
    if fit is not None:  # black dots over the orange curve: both stay visible
        grid = np.linspace(df.n_hidden.min(), df.n_hidden.max(), 50)
        right.plot(
            grid,
            fit.prefactor * np.exp(-fit.rate * grid),
            ":",
            color="k",
            lw=1.5,
            zorder=3,
            label=rf"fit $A e^{{-r n_h}}$ to the hidden terms, $r$ = {fit.rate:.2f} "
            rf"$\pm$ {fit.rate_err:.2f}",
        )
    right.set_yscale("log")
    _integer_ticks(right, df.n_hidden)
    right.set(
        xlabel=r"hidden qubits $n_h$",
        ylabel="variance over random Hamiltonians",
        title=r"variant (not the paper's): exact gradient of $\langle Z_0\rangle$"
        "\nsame Hamiltonians",
    )
    _legend_below(right)
    model = _model(
        df,
        (
            ("n_visible", "{} visible qubit", "{} visible qubits"),
            ("beta", r"$\beta$ = {}", r"$\beta$ = {}"),
            ("samples", "{} Hamiltonian per point", "{} Hamiltonians per point"),
        ),
    )
    fig.suptitle(
        "Normalized QBM, random 2-local H (eq. C1), onsite N(0, 0.01), offsite "
        "N(0, 1), H / ||H||\n" + ", ".join([*model, "bars: ±1 s.e."])
    )
    return _save(fig, path)
