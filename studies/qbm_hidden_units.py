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

One row per hidden-unit count goes to the results store in ``<out>`` (keyed by
n_visible, n_hidden, samples, beta and seed), and ``<out>/table.csv`` holds
every row there, refreshed as rows finish; a rerun computes only what is
missing. The fit, printout and figure (``<out>/qbm_hidden_units.png``) use only
the rows of the current settings.
``--quick`` is a seconds-long preset: it replaces the defaults, and any
option given explicitly overrides it (``--quick --samples 4``). The run prints
the parameters it used on one line; Ctrl-C stops it with one line that says
how many rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

from pathlib import Path

import typer

import tnbp
from tnbp.ensembles.fits import MIN_FIT_POINTS
from tnbp.plotting import plot_qbm_hidden_units
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "Fig. 3c variant"

DEFAULTS = dict(n_visible=1, hidden=(1, 2, 3, 4, 5, 6), samples=40, beta=1.0)
QUICK = dict(n_visible=1, hidden=(1, 2, 3), samples=8, beta=1.0)
#: the values each parameter allows (checked before any work; a list: each item):
#: a variance needs two samples, the hidden-term gradient a hidden unit, and at
#: beta = 0 every gradient vanishes
LIMITS = dict(n_visible=">= 1", hidden=">= 1", samples=">= 2", beta="> 0")


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


#: every parameter of a row (the seed is the ensemble's, one per row)
SETTINGS = ("n_visible", "n_hidden", "samples", "beta", "seed")


def points(*, n_visible, hidden, samples, beta, seed) -> list[dict]:
    """The sweep's parameter points: one per hidden-unit count."""
    return [
        dict(n_visible=n_visible, n_hidden=h, samples=samples, beta=beta, seed=seed)
        for h in hidden
    ]


def main(
    *,
    n_visible=DEFAULTS["n_visible"],
    hidden=DEFAULTS["hidden"],
    samples=DEFAULTS["samples"],
    beta=DEFAULTS["beta"],
    seed: int = 0,
    out="results/qbm_hidden_units",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the hidden-term decay fit (or None) and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_visible=n_visible, hidden=hidden, samples=samples, beta=beta, seed=seed
        ),
        out=out,
        task="qbm_hidden_units",
        executor=executor,
        progbar=progbar,
        desc="sizes",
    )
    df = df.sort_values("n_hidden", ignore_index=True)
    fit = (  # None below three hidden-unit counts: a line through two says nothing
        tnbp.fit_exponential_decay(
            df.n_hidden, df.variance_hidden, variance_err=df.variance_se_hidden
        )
        if len(df) >= MIN_FIT_POINTS
        else None
    )
    fig = plot_qbm_hidden_units(df, out / "qbm_hidden_units.png", fit=fit)
    return df, fit, fig


def cli(
    n_visible: int = study_option("visible qubits", DEFAULTS["n_visible"]),
    hidden: str = study_option(
        "comma-separated hidden-unit counts", DEFAULTS["hidden"]
    ),
    samples: int = study_option("Hamiltonians per size", DEFAULTS["samples"]),
    beta: float = study_option("inverse temperature", DEFAULTS["beta"]),
    out: Path = typer.Option(Path("results/qbm_hidden_units"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (hidden = 1,2,3, 8 samples) in place of the "
        "defaults; options given explicitly override it",
    ),
):
    """QBM gradient variances against the number of hidden units."""
    given = dict(
        n_visible=n_visible,
        hidden=hidden,  # the text: StudyOptions reads and checks it
        samples=samples,
        beta=beta,
    )
    # the preset (or the defaults), then every option given explicitly, checked
    # (a bad value is a usage error); the run prints what it used, and on Ctrl-C
    # how many rows are saved and how to resume
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    df, fit, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    results = [c for c in df if c.startswith(("variance", "inf_norm", "num_param"))]
    typer.echo(
        df[[*SETTINGS, *results]].to_string(
            index=False, float_format=lambda x: f"{x:.4g}"
        )
    )
    if fit is None:
        typer.echo(
            f"no decay fit: it needs at least {MIN_FIT_POINTS} hidden-unit counts"
        )
    else:
        typer.echo(
            f"hidden-term variance ~ exp(-r n_h): r = {fit.rate:.3f} "
            f"+- {fit.rate_err:.3f}"
        )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
