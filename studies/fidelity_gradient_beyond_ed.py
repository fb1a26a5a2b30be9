r"""Beyond ED: Fig. 3b's variance of the fidelity gradient's infinity-norm against n, to n = 64.

arXiv:2010.15968, Fig. 3b, plots (semilog, with a least-squares exponential
fit) the variance over random instances of :math:`\|\nabla_\theta F\|_\infty`,
the infinity-norm of the gradient of the fidelity
:math:`F(\rho_v, \sigma)` between the unitary QNN's visible state and a fixed
thermal target :math:`\sigma = e^{-\beta H}/Z` of a random 2-local
Hamiltonian on the visible qubits (onsite :math:`N(0, 0.01)`, offsite
:math:`N(0, 1)`; :func:`tnbp.ensembles.visible_states.thermal_target`). This
study extends it in ``n`` (:func:`tnbp.fidelity_gradient_ensemble`) for the
three families of :mod:`tnbp.ensembles.visible_states`: the nearest-neighbour
unitary QNN (``qnn_layers`` layers), the brick hardware-efficient ansatz with
:math:`\lceil\log_2 n\rceil` layers (shallow) and with ``deep_factor * n``
layers (deep). Each gradient is one MPS adjoint sweep
(:mod:`tnbp.gradients.mps_adjoint`: a forward and two backward MPS passes at
``max_bond``, against two simulations per parameter for the shift rule:
8192 parameters at n = 64 deep), at the visible state of the MPS.

Every instance's row keeps the bond record of every run behind it
(``trusted``, the largest bond, the smallest fidelity estimate) and, where
``n <= dense_max``, the dense adjoint gradient, or where the visible lightcone
is at most ``exact_width`` qubits wide, the exact lightcone gradient (tn), at
any ``n``, with the largest deviation of any derivative. Fits (exponential
:math:`A e^{-rn}` and power law :math:`A n^{-p}`, weighted by the standard
errors) use each family's trusted points only. The figure
(``<out>/fidelity_gradient_beyond_ed.png``) has a semilog panel (the paper's,
exponential fits) and a log-log panel (power-law fits); hollow points rest on
an untrusted MPS run. Expected: the fixed-depth QNN's variance does not decay
(its visible lightcone has a fixed width), the log-depth ansatz's decays
slowly (polynomially), the deep ansatz's exponentially while the MPS holds it.

One row per instance goes to the results store in ``<out>`` (keyed by family,
n, layers, sample, n_visible, beta, max_bond, dense_max where it applies,
exact_width and seed), and ``<out>/table.csv`` holds every row there; a rerun
computes only what is missing. ``<out>/summary.csv`` has the variance, its
standard error and the trust per point. ``--quick`` is a seconds-long preset;
options given explicitly override it. Ctrl-C stops the run with one line that
says how many rows are saved and the command that resumes it (exit status
130).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import typer

import tnbp
from tnbp.ensembles.visible_states import (
    FAMILIES,
    decay_fits,
    family_layers,
    thermal_target,
)
from tnbp.plotting import plot_fidelity_gradient
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and the figure it extends
PAPER = "arXiv:2010.15968"
FIGURE = "beyond ED (Fig. 3b)"

DEFAULTS = dict(
    n_values=(6, 8, 10, 12, 14, 16, 20, 24, 32, 48, 64),
    samples=20,
    max_bond=64,
    n_visible=2,
    beta=1.0,
    qnn_layers=2,
    deep_factor=4,
    dense_max=14,
    exact_width=14,
    seed=0,
)
#: seconds-long; 4 instances, the fewest with a standard error of the variance
QUICK = dict(
    n_values=(6, 8, 10, 12),
    samples=4,
    max_bond=16,
    n_visible=2,
    beta=1.0,
    qnn_layers=2,
    deep_factor=2,
    dense_max=10,
    exact_width=8,
    seed=0,
)
#: the values each parameter allows (checked before any work; a list: each
#: item): a hidden qubit beside the visible ones, two instances for a
#: variance; upper ends a run can reach (n = 64, depth 64, max_bond 64: ~30 s
#: per instance on one core; max_bond 256: ~40x more)
LIMITS = dict(
    n_values="> n_visible and <= 128",
    samples=">= 2 and <= 1000",
    max_bond=">= 2 and <= 256",
    n_visible=">= 1 and <= 4",
    beta=">= 0",
    qnn_layers=">= 1 and <= 8",
    deep_factor=">= 1 and <= 4",
    dense_max=">= 0 and <= 20",
    exact_width=">= 0 and <= 20",
    seed=">= 0",
)

#: every parameter of a row
SETTINGS = (
    "family",
    "n",
    "layers",
    "sample",
    "n_visible",
    "beta",
    "max_bond",
    "dense_max",
    "exact_width",
    "seed",
)


def measure(
    *,
    family: str,
    n: int,
    layers: int,
    sample: int,
    n_visible: int,
    beta: float,
    max_bond: int,
    dense_max: int,
    exact_width: int,
    seed: int,
) -> dict:
    """One instance: F, the infinity-norm of its gradient, the bond records, the reference."""
    target = thermal_target(n_visible, beta=beta, seed=seed)
    with warnings.catch_warnings():  # the row's `trusted` says it
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        df = tnbp.fidelity_gradient_ensemble(
            family,
            [(n, layers)],
            target=target,
            samples=1,
            first_sample=sample,
            max_bond=max_bond,
            dense_max=dense_max,
            exact_width=exact_width,
            seed=seed,
            executor="serial",
        )
    row = df.iloc[0].to_dict()
    return {k: v for k, v in row.items() if k not in SETTINGS}


def points(
    *,
    n_values,
    samples,
    max_bond,
    n_visible,
    beta,
    qnn_layers,
    deep_factor,
    dense_max,
    exact_width,
    seed,
) -> list[dict]:
    """Every family, n and instance; ``dense_max`` only where it runs (n <= it)."""
    return [
        dict(
            family=family,
            n=n,
            layers=family_layers(
                family, n, qnn_layers=qnn_layers, deep_factor=deep_factor
            ),
            sample=s,
            n_visible=n_visible,
            beta=beta,
            max_bond=max_bond,
            dense_max=dense_max if n <= dense_max else 0,
            exact_width=exact_width,
            seed=seed,
        )
        for family in FAMILIES
        for n in n_values
        for s in range(samples)
    ]


def summarize(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary of the MPS infinity-norms and that of the references."""
    summary = tnbp.visible_summary(df, "inf_norm")
    refs = [
        tnbp.visible_summary(df[df[col].notna()], col)
        for col in ("dense_inf_norm", "exact_inf_norm")
        if df[col].notna().any()
    ]
    return summary, pd.concat(refs, ignore_index=True) if refs else None


def main(
    *,
    n_values=DEFAULTS["n_values"],
    samples=DEFAULTS["samples"],
    max_bond=DEFAULTS["max_bond"],
    n_visible=DEFAULTS["n_visible"],
    beta=DEFAULTS["beta"],
    qnn_layers=DEFAULTS["qnn_layers"],
    deep_factor=DEFAULTS["deep_factor"],
    dense_max=DEFAULTS["dense_max"],
    exact_width=DEFAULTS["exact_width"],
    seed=DEFAULTS["seed"],
    out="results/fidelity_gradient_beyond_ed",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return the rows, the summary, the decay fits and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            samples=samples,
            max_bond=max_bond,
            n_visible=n_visible,
            beta=beta,
            qnn_layers=qnn_layers,
            deep_factor=deep_factor,
            dense_max=dense_max,
            exact_width=exact_width,
            seed=seed,
        ),
        out=out,
        task="fidelity_gradient_beyond_ed",
        executor=executor,
        progbar=progbar,
        desc="instances",
    )
    summary, refs = summarize(df)
    summary.to_csv(out / "summary.csv", index=False)
    fits = decay_fits(summary)
    fig = plot_fidelity_gradient(
        summary, out / "fidelity_gradient_beyond_ed.png", fits=fits, references=refs
    )
    return df, summary, fits, fig


def cli(
    n_values: str = study_option("comma-separated qubit numbers", DEFAULTS["n_values"]),
    samples: int = study_option("instances per family and n", DEFAULTS["samples"]),
    max_bond: int = study_option("MPS bond-dimension cap", DEFAULTS["max_bond"]),
    n_visible: int = study_option("visible qubits (the first)", DEFAULTS["n_visible"]),
    beta: float = study_option(
        "inverse temperature of the thermal target", DEFAULTS["beta"]
    ),
    qnn_layers: int = study_option(
        "layers of the nearest-neighbour unitary QNN", DEFAULTS["qnn_layers"]
    ),
    deep_factor: int = study_option(
        "the deep ansatz has deep_factor * n layers", DEFAULTS["deep_factor"]
    ),
    dense_max: int = study_option(
        "largest n also differentiated densely", DEFAULTS["dense_max"]
    ),
    exact_width: int = study_option(
        "widest visible lightcone also differentiated exactly (n > dense_max)",
        DEFAULTS["exact_width"],
    ),
    seed: int = study_option("root seed", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/fidelity_gradient_beyond_ed"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 6,8,10,12, deep_factor = 2, 4 instances, max_bond = 16) in "
        "place of the defaults; options given explicitly override it",
    ),
):
    """Variance of the fidelity gradient's infinity-norm against n, by MPS, to n = 64."""
    given = dict(
        n_values=n_values,  # the text: StudyOptions reads and checks it
        samples=samples,
        max_bond=max_bond,
        n_visible=n_visible,
        beta=beta,
        qnn_layers=qnn_layers,
        deep_factor=deep_factor,
        dense_max=dense_max,
        exact_width=exact_width,
        seed=seed,
    )
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    df, summary, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    cols = [
        "family",
        "n",
        "layers",
        "variance",
        "variance_se",
        "mean",
        "trusted",
        "untrusted",
        "max_bond_reached",
        "min_fidelity_estimate",
        "dense_deviation",
        "exact_deviation",
        "max_seconds",
    ]
    typer.echo(summary[cols].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    for family, fit in fits.items():
        if fit is None:
            typer.echo(f"{family}: fewer than 3 trusted sizes, no fit")
            continue
        typer.echo(f"{family}: {fit.describe('Var')} (trusted points only)")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
