"""Histograms of the visible state's distance to I/D_v over 1000 instances, D_v = 2 (Fig. 4).

arXiv:2010.15968 (App. C, Fig. 4): the trace distance T = 1/2 ||rho_v - I/D_v||_1
of one visible qubit, over ``samples`` random instances of each of three
models, at several numbers of hidden units: (a) exp(-iHt)|0...0> with H from
the GUE (tnbp.gue_matrix, semicircle on [-2, 2]) at t = ``time`` (10, the
paper's); (b) the unitary QNN prod_k exp(-i theta_k H_k)|0...0> with every
theta_k ~ U[0, 1) and the terms of eq. (C1) in random order; (c) the
normalized QBM, the Gibbs state at ``beta`` of the random 2-local Hamiltonian
of eq. (C1) (onsite N(0, 0.01), offsite N(0, 1)) divided by its operator norm
(see tnbp.ensembles.trace_distances). Expected (the paper): as hidden units
are added, T concentrates towards zero, below the Haar bound
1/2 sqrt(D_v/D_h), drawn on each panel beside the exact Haar histogram
(tnbp.theory.haar_qubit_trace_distance_cdf).

The instances are those of ``studies/trace_distance_hidden_units.py`` (the
same seeds give the same instances: tnbp.trace_distance_ensemble seeds each
by model, size and index). One row per instance goes to the results store in
``<out>`` (keyed by model, size, ``samples``, the instance's index and the
model's own parameter: ``time`` on GUE rows, ``beta`` on QBM rows); the
instances of one (model, size) are computed together once per process, when
its first missing row is asked for. ``<out>/table.csv`` holds every row, a
rerun computes only what is missing. The printout (mean, median, peak with
standard errors and the fraction under the bound, by
tnbp.trace_distance_summary) and the figure
(``<out>/trace_distance_histograms.png``) use the rows of the current
settings. ``--quick`` is a seconds-long preset; any option given explicitly
overrides it. Ctrl-C stops the run with one line that says how many rows are
saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import typer

import tnbp
from tnbp.plotting import plot_trace_distance_histograms
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and the figure it reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "Fig. 4"

#: the paper's panels: (a) GUE, (b) unitary QNN, (c) QBM
STUDY_MODELS = ("gue", "unitary_qnn", "qbm")
DEFAULTS = dict(hidden=(1, 3, 5, 7), samples=1000, time=10.0, beta=1.0, seed=0)
QUICK = dict(hidden=(1, 3), samples=30, time=10.0, beta=1.0, seed=0)
#: the values each parameter allows (checked before any work; a list: each item):
#: a histogram's statistics need two instances, 10^5 of the largest size take
#: hours; the dense QBM holds 12 qubits (one visible);
#: time up to 1000: tnbp.evolve takes about a t Chebyshev products (a ~ 2 for
#: the GUE; measured at n = 10: 2.2 s at t = 10, 3.8 s at t = 1000, ~16 times
#: that at 12 qubits), and t = 1e300 asked for an array of 1e300 terms
LIMITS = dict(
    hidden=">= 1 and <= 11",
    samples=">= 2 and <= 100000",
    time=">= 0 and <= 1000",
    beta=">= 0",
    seed=">= 0",
)
#: one visible qubit, D_v = 2, as in the paper's Fig. 4
N_VISIBLE = 1
#: what a row holds besides its parameters (columns of tnbp.trace_distance_ensemble)
RESULTS = (
    "trace_distance",
    "bound",
    "under_bound",
    "error_bound",
    "trusted",
    "max_bond_reached",
    "backend",
)


@functools.lru_cache(maxsize=1)
def ensemble(model: str, n_hidden: int, samples: int, time, beta, seed: int):
    """Every instance of one model at one size (cached: rows are asked one by one)."""
    return tnbp.trace_distance_ensemble(
        model,
        N_VISIBLE,
        [n_hidden],
        samples=samples,
        time=10.0 if time is None else time,
        beta=1.0 if beta is None else beta,
        seed=seed,
        executor="serial",
    )


def measure(
    *,
    model: str,
    n_visible: int,
    n_hidden: int,
    samples: int,
    sample: int,
    time,
    beta,
    seed: int,
) -> dict:
    """T of one instance (its model and size computed together, once per process)."""
    row = ensemble(model, n_hidden, samples, time, beta, seed).iloc[sample]
    return {k: row[k].item() if hasattr(row[k], "item") else row[k] for k in RESULTS}


#: every parameter of a row
SETTINGS = (
    "model",
    "n_visible",
    "n_hidden",
    "samples",
    "sample",
    "time",
    "beta",
    "seed",
)


def points(*, hidden, samples, time, beta, seed) -> list[dict]:
    """One point per (model, hidden-unit count, instance); a parameter only where it acts."""
    return [
        dict(
            model=model,
            n_visible=N_VISIBLE,
            n_hidden=h,
            samples=samples,
            sample=s,
            time=time if model == "gue" else None,
            beta=beta if model == "qbm" else None,
            seed=seed,
        )
        for model in STUDY_MODELS
        for h in hidden
        for s in range(samples)
    ]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Mean, median, peak and fraction under the bound per model and size."""
    table = df.assign(
        time=pd.to_numeric(df.time, errors="coerce").astype(float),
        beta=pd.to_numeric(df.beta, errors="coerce").astype(float),
        seed=df.seed.astype(str),
        trusted=df.trusted.astype(bool),
        under_bound=df.under_bound.astype(bool),
        max_bond_reached=pd.to_numeric(df.max_bond_reached, errors="coerce").astype(
            float
        ),
    )
    return tnbp.trace_distance_summary(table)


def main(
    *,
    hidden=DEFAULTS["hidden"],
    samples=DEFAULTS["samples"],
    time=DEFAULTS["time"],
    beta=DEFAULTS["beta"],
    seed: int = 0,
    out="results/trace_distance_histograms",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows (one per instance), their summary and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(hidden=hidden, samples=samples, time=time, beta=beta, seed=seed),
        out=out,
        task="trace_distance_histograms",
        executor=executor,
        progbar=progbar,
        desc="instances",
    )
    ensemble.cache_clear()  # up to `samples` states' worth of rows: free them
    fig = plot_trace_distance_histograms(df, out / "trace_distance_histograms.png")
    return df, summarize(df), fig


def cli(
    hidden: str = study_option(
        "comma-separated hidden-unit counts", DEFAULTS["hidden"]
    ),
    samples: int = study_option("instances per model and size", DEFAULTS["samples"]),
    time: float = study_option("GUE evolution time", DEFAULTS["time"]),
    beta: float = study_option("QBM inverse temperature", DEFAULTS["beta"]),
    seed: int = study_option("root seed", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/trace_distance_histograms"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (hidden = 1,3, 30 instances) in place of the "
        "defaults; options given explicitly override it",
    ),
):
    """Histograms of the visible qubit's trace distance to I/2 (Fig. 4)."""
    given = dict(hidden=hidden, samples=samples, time=time, beta=beta, seed=seed)
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    df, summary, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = ["model", "n_hidden", "samples", "mean", "mean_se", "median", "peak"]
    shown += ["peak_se", "fraction_under_bound", "bound", "haar_mean", "haar_mode"]
    typer.echo(summary[shown].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    untrusted = int(np.sum(~df.trusted.astype(bool)))
    if untrusted:
        typer.echo(f"{untrusted} instances had caveats (column trusted)")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
