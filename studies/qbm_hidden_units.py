"""Quantum Boltzmann machines: gradients against the number of hidden units.

arXiv:2010.15968 (Sec. V, Fig. 3c): the Gibbs state of a random 2-local
Hamiltonian (eq. C1; onsite N(0, 0.01), offsite N(0, 1), normalized by its
operator norm) at inverse temperature ``beta``, one visible qubit by default.
For each number of hidden qubits, over random Hamiltonians, the exact gradient
of :math:`\\langle Z_0\\rangle_{\\rho_v}` (Duhamel formula, dense) splits into
derivatives by terms on visible qubits only and by terms touching a hidden
qubit. Expected: the hidden-term variance and the variance of the gradient's
infinity-norm fall exponentially with the hidden units; the visible-term
variance does not.

One row per hidden-unit count is appended to ``<out>/qbm_hidden_units.csv`` as
it finishes; a rerun resumes. The figure is ``<out>/qbm_hidden_units.png``.
``--quick`` is a seconds-long preset.
"""

from __future__ import annotations

from pathlib import Path

import typer

import tnbp
from tnbp.plotting import plot_qbm_hidden_units
from tnbp.results import run_sweep

DEFAULTS = dict(n_visible=1, hidden=(1, 2, 3, 4, 5, 6), samples=40, beta=1.0)
QUICK = dict(n_visible=1, hidden=(1, 2, 3), samples=8, beta=1.0)


def measure(*, n_visible: int, n_hidden: int, samples: int, beta: float, seed: int):
    """Gradient statistics over ``samples`` random Hamiltonians at one size."""
    df = tnbp.qbm_gradient_variance(
        n_visible, [n_hidden], samples=samples, beta=beta, seed=seed, executor="serial"
    )
    row = {
        "inf_norm_variance": float(df.inf_norm_variance.iloc[0]),
        "inf_norm_variance_se": float(df.inf_norm_variance_se.iloc[0]),
    }
    for _, r in df.iterrows():
        row[f"variance_{r.group}"] = r.variance
        row[f"variance_se_{r.group}"] = r.variance_se
        row[f"num_parameters_{r.group}"] = r.num_parameters
    return row


def main(
    *,
    n_visible=DEFAULTS["n_visible"],
    hidden=DEFAULTS["hidden"],
    samples=DEFAULTS["samples"],
    beta=DEFAULTS["beta"],
    seed: int = 0,
    out="results/qbm_hidden_units",
    progbar=True,
):
    """Run the sweep; return the table, the hidden-term decay fit and the figure."""
    points = [
        dict(n_visible=n_visible, n_hidden=h, samples=samples, beta=beta, seed=seed)
        for h in hidden
    ]
    out = Path(out)
    df = run_sweep(
        measure, points, out=out / "qbm_hidden_units.csv", progbar=progbar, desc="sizes"
    )
    df = df[df.n_hidden.isin(hidden)].sort_values("n_hidden")
    fit = tnbp.fit_exponential_decay(
        df.n_hidden, df.variance_hidden, variance_err=df.variance_se_hidden
    )
    fig = plot_qbm_hidden_units(df, out / "qbm_hidden_units.png")
    return df, fit, fig


def cli(
    n_visible: int = typer.Option(DEFAULTS["n_visible"], help="visible qubits"),
    hidden: str = typer.Option(
        ",".join(map(str, DEFAULTS["hidden"])),
        help="comma-separated hidden-unit counts",
    ),
    samples: int = typer.Option(DEFAULTS["samples"], help="Hamiltonians per size"),
    beta: float = typer.Option(DEFAULTS["beta"], help="inverse temperature"),
    out: Path = typer.Option(Path("results/qbm_hidden_units"), help="output folder"),
    quick: bool = typer.Option(False, help="seconds-long preset"),
):
    """QBM gradient variances against the number of hidden units."""
    params = dict(
        n_visible=n_visible,
        hidden=tuple(int(h) for h in hidden.split(",")),
        samples=samples,
        beta=beta,
    )
    if quick:
        params = dict(QUICK)
    df, fit, fig = main(**params, out=out)
    typer.echo(df.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    typer.echo(
        f"hidden-term variance ~ exp(-r n_h): r = {fit.rate:.3f} +- {fit.rate_err:.3f}"
    )
    typer.echo(f"table: {out / 'qbm_hidden_units.csv'}\nfigure: {fig}")


if __name__ == "__main__":
    typer.run(cli)
