"""Figs. 3b and 3c draw what their docstrings promise (tnbp.plotting.hidden_units).

Each function saves and closes its figure; the tests catch the figure at
``_save`` and read its artists: error bars on every curve, filled finite
differences and hollow exact values, the fit with its rate, the bound's slope,
integer ticks, the deviation in the title and legends outside the axes.
"""

import numpy as np
import pandas as pd
import pytest
from figure_checks import legend_outside, legend_texts

from tnbp import fit_exponential_decay
from tnbp.plotting import hidden_units


@pytest.fixture
def caught(catch_figures):
    """Figures handed to ``hidden_units._save``, still open (tests/plotting/conftest.py)."""
    return catch_figures(hidden_units)


def _integer_ticks(ax) -> bool:
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    return bool(ticks) and all(float(t).is_integer() for t in ticks)


def _fd_exact(n_hidden):
    h = np.asarray(n_hidden, dtype=float)
    var = 0.02 * np.exp(-0.7 * h)
    return pd.DataFrame(
        {
            "n_hidden": n_hidden,
            "n_visible": 2,
            "beta": 1.0,
            "samples": 1000,
            "step": 1e-3,
            "inf_norm_variance_fd": var,
            "inf_norm_variance_se_fd": 0.1 * var,
            "inf_norm_variance_exact": var * 1.001,
            "inf_norm_variance_se_exact": 0.1 * var,
            "max_deviation": [3e-4] * len(h),
        }
    )


def _fits(df, *names):
    return {
        name: fit_exponential_decay(
            df.n_hidden,
            df[f"inf_norm_variance_{name}"],
            variance_err=df[f"inf_norm_variance_se_{name}"],
        )
        for name in names
    }


def _check_fd_exact_panel(fig, ax, df, fits):
    """Filled fd and hollow exact bars, the fit (both rates), the bound's slope."""
    bars = [c for c in ax.containers if c.has_yerr]
    assert len(bars) == 2
    fd_line, exact_line = (c.lines[0] for c in bars)
    np.testing.assert_allclose(
        np.asarray(fd_line.get_ydata(), float), df.inf_norm_variance_fd
    )
    np.testing.assert_allclose(
        np.asarray(exact_line.get_ydata(), float), df.inf_norm_variance_exact
    )
    assert exact_line.get_markerfacecolor() == "none"  # hollow: the exact values
    assert fd_line.get_markerfacecolor() != "none"
    labels = legend_texts(ax)
    assert labels[0].startswith("finite differences") and "h$ = 0.001" in labels[0]
    assert labels[1].startswith("exact")
    fd, exact = fits["fd"], fits["exact"]
    assert labels[2].endswith(
        rf"$r$ = {fd.rate:.2f} $\pm$ {fd.rate_err:.2f} "
        rf"(exact: {exact.rate:.2f} $\pm$ {exact.rate_err:.2f})"
    )
    assert labels[3].startswith("Theorems 3-4") and r"\ln 2" in labels[3]
    # the bound's slope: ln 2 per hidden qubit, through the fit's first point
    guide = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-."]
    (guide,) = guide
    x, y = guide.get_xdata(), guide.get_ydata()
    np.testing.assert_allclose(np.diff(np.log(y)) / np.diff(x), -np.log(2))
    assert y[0] == pytest.approx(fd.prefactor * np.exp(-fd.rate * x[0]))
    assert ax.get_yscale() == "log" and _integer_ticks(ax)
    assert legend_outside(fig, ax)


def test_fig_3b_finite_differences_exact_fit_and_bound(caught):
    df = _fd_exact([2, 3, 4, 5, 6])
    fits = _fits(df, "fd", "exact")
    hidden_units.plot_fidelity_hidden_units(df, "unused.png", fits=fits)
    (fig,) = caught
    (ax,) = fig.axes
    _check_fd_exact_panel(fig, ax, df, fits)
    assert "largest |finite difference - exact| = 3.0e-04" in ax.get_title()
    assert "2 visible qubits" in ax.get_title()
    assert "1000 instances per point" in ax.get_title()
    assert "F" in ax.get_ylabel()


def test_fig_3b_needs_its_columns(caught):
    df = _fd_exact([2, 3, 4])
    hidden_units.plot_fidelity_hidden_units(df, "unused.png")  # no fits: no lines
    (ax,) = caught[0].axes
    assert len([c for c in ax.containers if c.has_yerr]) == 2
    assert not [ln for ln in ax.get_lines() if ln.get_linestyle() in (":", "-.")]
    with pytest.raises(ValueError, match="inf_norm_variance_se_exact"):
        hidden_units.plot_fidelity_hidden_units(
            df.drop(columns="inf_norm_variance_se_exact"), "unused.png"
        )


def _qbm_table():
    df = _fd_exact([1, 2, 3, 4])
    df["n_visible"] = 1
    df["samples"] = 40
    df["observable_variance_visible"] = [0.2, 0.21, 0.22, 0.2]
    df["observable_variance_se_visible"] = 0.02
    df["observable_variance_hidden"] = [1e-2, 3e-3, 1e-3, 3e-4]
    df["observable_variance_se_hidden"] = [2e-3, 5e-4, 2e-4, 5e-5]
    df["observable_inf_norm_variance"] = [2e-3, 2e-4, 1e-4, 3e-5]
    df["observable_inf_norm_variance_se"] = [5e-4, 5e-5, 5e-5, 1e-5]
    return df


def test_fig_3c_the_papers_quantity_beside_the_labelled_variant(caught):
    """The variant's panel kept every check of the figure it replaced."""
    df = _qbm_table()
    fits = _fits(df, "fd", "exact")
    fits["observable_hidden"] = fit_exponential_decay(
        df.n_hidden,
        df.observable_variance_hidden,
        variance_err=df.observable_variance_se_hidden,
    )
    hidden_units.plot_qbm_hidden_units(df, "unused.png", fits=fits)
    (fig,) = caught
    left, right = fig.axes
    _check_fd_exact_panel(fig, left, df, fits)
    assert left.get_title().startswith("Fig. 3c: trace-distance gradient")
    assert "T(" in legend_texts(left)[0] and "Duhamel" in legend_texts(left)[1]
    # the variant: labelled as such, each curve with its error bars, named for
    # what it is (the variance of the norm, not the norm), its fit last
    assert right.get_title().startswith("variant (not the paper's)")
    assert right.get_ylabel().startswith("variance")
    assert len([c for c in right.containers if c.has_yerr]) == 3
    labels = legend_texts(right)
    assert "visible" in labels[0] and "hidden" in labels[1]
    assert labels[2].startswith(r"Var$[\|\nabla") and labels[2].endswith(
        "variance of the gradient's infinity-norm"
    )
    hidden = fits["observable_hidden"]
    assert labels[3] == (
        rf"fit $A e^{{-r n_h}}$ to the hidden terms, $r$ = {hidden.rate:.2f} "
        rf"$\pm$ {hidden.rate_err:.2f}"
    )
    assert right.get_yscale() == "log" and _integer_ticks(right)
    assert legend_outside(fig, right)
    title = fig._suptitle.get_text()
    assert "1 visible qubit," in title and "40 Hamiltonians per point" in title


@pytest.mark.parametrize(
    "column", ["observable_variance_se_hidden", "inf_norm_variance_se_fd", "step"]
)
def test_fig_3c_needs_the_columns_of_both_panels(caught, column):
    with pytest.raises(ValueError, match=column):
        hidden_units.plot_qbm_hidden_units(
            _qbm_table().drop(columns=column), "unused.png"
        )
