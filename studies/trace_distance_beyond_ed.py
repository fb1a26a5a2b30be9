r"""Beyond ED: Fig. 3a's trace distance of the visible state to I/D_v against n, to n = 64 by MPS.

arXiv:2010.15968, Fig. 3a, plots :math:`T = \tfrac12\|\rho_v - I/D_v\|_1`
against the hidden units with the volume-law bound
:math:`\tfrac12\sqrt{D_v/D_h}` (Proposition 2, eq. 7), for sizes exact
diagonalization reaches. This study extends it in ``n`` with MPS simulations
capped at ``max_bond`` (:func:`tnbp.visible_distance_ensemble`), for three
circuit families (:mod:`tnbp.ensembles.visible_states`):

- the unitary QNN with nearest-neighbour generators, ``qnn_layers`` layers;
- the brick hardware-efficient ansatz with :math:`\lceil\log_2 n\rceil` layers
  (shallow);
- the same with ``deep_factor * n`` layers (deep).

Visible qubits are ``0..n_visible-1``. Every instance's row keeps its bond
record (largest bond, discarded weight, fidelity estimate, ``trusted``) and,
where ``n <= dense_max``, the dense value, or where the visible lightcone is at
most ``exact_width`` qubits wide, the exact lightcone contraction (tn), at any
``n``, with the deviation. The figure (log-log, ``<out>/trace_distance_beyond_ed.png``)
shows the mean over instances with its standard error, the bound, the
references as crosses, and draws hollow every point with an untrusted MPS run
(bond at ``max_bond`` with near-maximal entropy, or discarded weight above
1e-8): those are not estimates of the exact value. Expected: the two
fixed- or log-depth families stay far above the bound (area law, the visible
state depends on a cone of bounded width); the deep family falls
exponentially with ``n`` while the MPS holds it, and saturates ``max_bond``
beyond ``n ~ 2 log2(max_bond)``, where its hollow points are lower bounds on
nothing.

One row per instance goes to the results store in ``<out>`` (keyed by family,
n, layers, sample, n_visible, max_bond, dense_max where it applies,
exact_width and seed), and ``<out>/table.csv`` holds every row there; a rerun
computes only what is missing. ``<out>/summary.csv`` has the mean, variance and
trust per point. ``--quick`` is a seconds-long preset; options given
explicitly override it. Ctrl-C stops the run with one line that says how many
rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import typer

import tnbp
from tnbp.ensembles.visible_states import FAMILIES, decay_fits, family_layers
from tnbp.plotting import plot_visible_distance
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and the figure it extends
PAPER = "arXiv:2010.15968"
FIGURE = "beyond ED (Fig. 3a)"

DEFAULTS = dict(
    n_values=(6, 8, 10, 12, 14, 16, 20, 24, 32, 48, 64),
    samples=10,
    max_bond=64,
    n_visible=1,
    qnn_layers=2,
    deep_factor=4,
    dense_max=14,
    exact_width=14,
    seed=0,
)
QUICK = dict(
    n_values=(6, 8, 10, 20),
    samples=2,
    max_bond=16,
    n_visible=1,
    qnn_layers=2,
    deep_factor=2,
    dense_max=10,
    exact_width=12,
    seed=0,
)
#: the values each parameter allows (checked before any work; a list: each
#: item): a hidden qubit beside the visible ones; upper ends a run can reach
#: (n = 128, depth 128, max_bond 256 is ~20 min per instance on one core)
LIMITS = dict(
    n_values="> n_visible and <= 128",
    samples=">= 1 and <= 1000",
    max_bond=">= 2 and <= 512",
    n_visible=">= 1 and <= 6",
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
    max_bond: int,
    dense_max: int,
    exact_width: int,
    seed: int,
) -> dict:
    """One instance: its trace distance, bond record and reference."""
    with warnings.catch_warnings():  # the row's `trusted` says it
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        df = tnbp.visible_distance_ensemble(
            family,
            [(n, layers)],
            samples=1,
            first_sample=sample,
            n_visible=n_visible,
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
    """The summary of the MPS values and that of the references (dense, else exact)."""
    summary = tnbp.visible_summary(df, "trace_distance")
    refs = [
        tnbp.visible_summary(df[df[col].notna()], col)
        for col in ("dense_value", "exact_value")
        if df[col].notna().any()
    ]
    return summary, pd.concat(refs, ignore_index=True) if refs else None


def main(
    *,
    n_values=DEFAULTS["n_values"],
    samples=DEFAULTS["samples"],
    max_bond=DEFAULTS["max_bond"],
    n_visible=DEFAULTS["n_visible"],
    qnn_layers=DEFAULTS["qnn_layers"],
    deep_factor=DEFAULTS["deep_factor"],
    dense_max=DEFAULTS["dense_max"],
    exact_width=DEFAULTS["exact_width"],
    seed=DEFAULTS["seed"],
    out="results/trace_distance_beyond_ed",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return the rows, the summary, the fits of the mean and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            samples=samples,
            max_bond=max_bond,
            n_visible=n_visible,
            qnn_layers=qnn_layers,
            deep_factor=deep_factor,
            dense_max=dense_max,
            exact_width=exact_width,
            seed=seed,
        ),
        out=out,
        task="trace_distance_beyond_ed",
        executor=executor,
        progbar=progbar,
        desc="instances",
    )
    summary, refs = summarize(df)
    summary.to_csv(out / "summary.csv", index=False)
    fits = decay_fits(summary, column="mean", error="mean_se")
    fig = plot_visible_distance(
        summary, out / "trace_distance_beyond_ed.png", references=refs
    )
    return df, summary, fits, fig


def cli(
    n_values: str = study_option("comma-separated qubit numbers", DEFAULTS["n_values"]),
    samples: int = study_option("instances per family and n", DEFAULTS["samples"]),
    max_bond: int = study_option("MPS bond-dimension cap", DEFAULTS["max_bond"]),
    n_visible: int = study_option("visible qubits (the first)", DEFAULTS["n_visible"]),
    qnn_layers: int = study_option(
        "layers of the nearest-neighbour unitary QNN", DEFAULTS["qnn_layers"]
    ),
    deep_factor: int = study_option(
        "the deep ansatz has deep_factor * n layers", DEFAULTS["deep_factor"]
    ),
    dense_max: int = study_option(
        "largest n also simulated densely", DEFAULTS["dense_max"]
    ),
    exact_width: int = study_option(
        "widest visible lightcone also contracted exactly (n > dense_max)",
        DEFAULTS["exact_width"],
    ),
    seed: int = study_option("root seed", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/trace_distance_beyond_ed"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 6,8,10,20, deep_factor = 2, 2 instances, max_bond = 16) in "
        "place of the defaults; options given explicitly override it",
    ),
):
    """Trace distance of the visible state to I/D_v against n, by MPS, to n = 64."""
    given = dict(
        n_values=n_values,  # the text: StudyOptions reads and checks it
        samples=samples,
        max_bond=max_bond,
        n_visible=n_visible,
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
        "mean",
        "mean_se",
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
        typer.echo(f"{family}: {fit.describe('mean T')} (trusted points only)")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
