"""Barren plateaus against qubit number: global vs local costs, exactly, to n = 50.

For the toy perceptron network of arXiv:2005.12458 (Fig. 3a: a product of
:math:`R_Y` rotations) and a 2-layer hardware-efficient ansatz, the variance of
the cost derivative by the first angle over uniformly random angles, for the
global cost (its eq. 3) and the local cost (its eq. 4). The variances are
exact (:func:`tnbp.exact_gradient_variance`, the twirled doubled circuit as an
MPS), so the global cost's rare-event variance is resolved at every ``n``,
where sampling fails beyond n ~ 12. Expected: the global cost decays
exponentially (toy: :math:`\\frac18(\\frac38)^{n-1}`), the local cost only
polynomially (toy: :math:`1/(8n^2)`).

The toy model here is the shortcut :func:`tnbp.ansatz.toy_perceptron` (the
rotations alone, n qubits); Fig. 3a through the DQNN itself
(:class:`tnbp.DQNN` with ``perceptron="toy"``: SWAPs into each layer, hidden
layers, to n = 100, exact and sampled) is ``studies/dqnn_toy_perceptrons.py``.

Each (model, cost, n) is one row of the results store in ``<out>``, and
``<out>/table.csv`` holds every row there, refreshed as rows finish; a rerun
computes only what is missing. Fits, printout and figure
(``<out>/barren_plateaus.png``) use only the rows of the requested ``n``.
``--quick`` is a seconds-long preset: it replaces the defaults, and any
option given explicitly overrides it (``--quick --n-values 2,4``). The run prints
the parameters it used on one line; Ctrl-C stops it with one line that says
how many rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

import tnbp
from tnbp import ansatz, observables, theory
from tnbp.ensembles.fits import MIN_FIT_POINTS
from tnbp.plotting import plot_gradient_variance
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2005.12458"
FIGURE = "beyond ED"

MODELS = {
    "toy_perceptron": lambda n: ansatz.toy_perceptron(n, seed=0),
    "hardware_efficient_2": lambda n: ansatz.hardware_efficient(n, 2, seed=0),
}
COSTS = {"global": observables.global_cost, "local": observables.local_cost}
THEORY = {
    ("toy_perceptron", "global"): theory.toy_global_cost_gradient_variance,
    ("toy_perceptron", "local"): theory.toy_local_cost_gradient_variance,
}
DEFAULTS = dict(n_values=(2, 4, 6, 8, 12, 16, 20, 25, 30, 40, 50))
QUICK = dict(n_values=(2, 4, 6, 8))
#: the values each parameter allows (checked before any work; a list: each item):
#: the upper end is what runs in minutes (measured on a loaded shared core, the
#: hardware-efficient rows, doubled-MPS bond 9: n = 100 in 6 s global, 15 s
#: local; n = 200 in 15 s and 50 s; the local cost's n terms make it grow as n^2)
LIMITS = dict(n_values=">= 1 and <= 200")


def measure(*, model: str, cost: str, n: int) -> dict:
    """Exact Var of the derivative by the first angle (uniform angles)."""
    circ = MODELS[model](n)
    m = tnbp.exact_gradient_variance(circ, COSTS[cost](range(n)), parameters=0)
    ref = THEORY.get((model, cost))
    return {
        "variance": float(m.variance[0]),
        "theory": ref(n) if ref else np.nan,
        "max_bond_reached": m.max_bond_reached,
        "truncated": m.truncated,
    }


#: every parameter of a row (there is no seed: the variances are exact)
SETTINGS = ("model", "cost", "n")


def points(*, n_values) -> list[dict]:
    """The sweep's parameter points: every model, cost and qubit number."""
    return [
        dict(model=model, cost=cost, n=n)
        for model in MODELS
        for cost in COSTS
        for n in n_values
    ]


def main(
    *,
    n_values=DEFAULTS["n_values"],
    out="results/barren_plateaus",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the decay fits (from 3 n on) and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(n_values=n_values),
        out=out,
        task="barren_plateaus",
        executor=executor,
        progbar=progbar,
        desc="variances",
    )
    fits = {  # none below three qubit numbers: a line through two says nothing
        key: tnbp.fit_exponential_decay(g.n, g.variance)
        for key, g in df.groupby(["model", "cost"])
        if len(g) >= MIN_FIT_POINTS
    }
    fig = plot_gradient_variance(df, out / "barren_plateaus.png")
    return df, fits, fig


def cli(
    n_values: str = study_option("comma-separated qubit numbers", DEFAULTS["n_values"]),
    out: Path = typer.Option(Path("results/barren_plateaus"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 2..8) in place of the defaults; "
        "options given explicitly override it",
    ),
):
    """Exact gradient variances of global and local costs against n."""
    given = dict(n_values=n_values)  # the text: StudyOptions reads and checks it
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
    df, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [*SETTINGS, "variance", "theory", "max_bond_reached", "truncated"]
    typer.echo(df[shown].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    if not fits:
        typer.echo(f"no decay fits: they need at least {MIN_FIT_POINTS} qubit numbers")
    for (model, cost), fit in fits.items():
        g = df[(df.model == model) & (df.cost == cost)]
        slope = np.polyfit(np.log(g.n), np.log(g.variance), 1)[0]
        typer.echo(
            f"{model:>22} {cost:>6}: exponential fit r = {fit.rate:.3f} "
            f"+- {fit.rate_err:.3f} per qubit; power-law fit Var ~ n^{slope:.2f}"
        )
    typer.echo(f"toy global theory: r = ln(8/3) = {np.log(8 / 3):.3f}")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
