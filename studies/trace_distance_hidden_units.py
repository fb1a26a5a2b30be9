"""Distance of the visible state to I/D_v against hidden units, under the bound (Fig. 3a).

arXiv:2010.15968 (Sec. IV, Fig. 3a): for random models on n_visible + n_hidden
qubits, the trace distance T = 1/2 ||rho_v - I/D_v||_1 of the visible state
(the first n_visible qubits) against the number of hidden units, log-log,
under the Haar bound E[T] <= 1/2 sqrt(D_v/D_h) (Proposition 2, eq. 7). The
models (tnbp.ensembles.trace_distances):

- GUE: exp(-iHt)|0...0> with H from the GUE (tnbp.gue_matrix: semicircle on
  [-2, 2]) at t = ``time`` (10, the paper's), dense (tnbp.evolve);
- unitary QNN: prod_k exp(-i theta_k H_k)|0...0>, theta_k ~ U[0, 1), the H_k
  running once over every term of eq. (C1) in random order (the paper
  "exhaustively sampled from the individual terms");
- the same QNN with its terms in their fixed order (onsite terms first, then
  the pairs): not a scrambler, kept beside the others to show it;
- normalized QBM: the Gibbs state at ``beta`` of the random 2-local
  Hamiltonian of eq. (C1) (onsite N(0, 0.01), offsite N(0, 1)) divided by its
  operator norm (beta = 1: the paper gives none).

Per (model, hidden-unit count), ``samples`` instances (tnbp.trace_distance_ensemble,
seeded per model, size and instance, so that Fig. 4's study draws the same
ones) are reduced by tnbp.trace_distance_summary to the mean, median and
histogram peak of T (the paper marks the peaks), each with a standard error,
and the fraction of instances under the bound; beside them, for one visible
qubit, the exact values for Haar states (tnbp.theory.haar_qubit_trace_distance_*).
The bound is on the mean: a Haar state puts about 74 % of its instances
under it. The QNN rows also re-run their first ``mps_samples`` instances on
the MPS backend (no bond cap) and record the largest |T_mps - T_dense|
(``dense_deviation``) with the MPS trust flags; the GUE and QBM rows are
dense only (NaN there).

One row per (model, hidden-unit count) goes to the results store in
``<out>``, keyed by every parameter that changes it (``time`` only on GUE
rows, ``beta`` only on QBM rows, ``mps_samples`` only on QNN rows);
``<out>/table.csv`` holds every row there, refreshed as rows finish, and a
rerun computes only what is missing. The printout and the figure
(``<out>/trace_distance_hidden_units.png``) use the rows of the current
settings. ``--quick`` is a seconds-long preset; any option given explicitly
overrides it. Ctrl-C stops the run with one line that says how many rows are
saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import typer

import tnbp
from tnbp.ensembles.trace_distances import MODELS
from tnbp.limits import MAX_DENSE_GIBBS_QUBITS
from tnbp.plotting import plot_trace_distance_scaling
from tnbp.results import (
    StudyOptionError,
    StudyOptions,
    executor_option,
    run_sweep,
    study_option,
)

#: what `tnbp studies` lists: the source paper and the figure it reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "Fig. 3a"

DEFAULTS = dict(
    n_visible=1,
    hidden=(1, 2, 3, 4, 5, 6, 7, 8),
    samples=1000,
    time=10.0,
    beta=1.0,
    mps_samples=5,
    seed=0,
)
QUICK = dict(
    n_visible=1,
    hidden=(1, 2, 3),
    samples=40,
    time=10.0,
    beta=1.0,
    mps_samples=2,
    seed=0,
)
#: the values each parameter allows (checked before any work; a list: each item).
#: A summary needs two instances; 10^5 instances of the largest size take hours;
#: the MPS cross-check can be off (0). The register is checked too: at most
#: MAX_QUBITS qubits in n_visible + n_hidden;
#: time up to 1000: tnbp.evolve takes about a t Chebyshev products (a ~ 2 for
#: the GUE; measured at n = 10: 2.2 s at t = 10, 3.8 s at t = 1000, ~16 times
#: that at 12 qubits), and t = 1e300 asked for an array of 1e300 terms
LIMITS = dict(
    n_visible=">= 1 and <= 4",
    hidden=">= 1 and <= 11",
    samples=">= 2 and <= 100000",
    time=">= 0 and <= 1000",
    beta=">= 0",
    mps_samples=">= 0 and <= samples",
    seed=">= 0",
)
#: largest register: the dense QBM's (tnbp.limits.MAX_DENSE_GIBBS_QUBITS; the
#: GUE goes to 13, the QNN further)
MAX_QUBITS = MAX_DENSE_GIBBS_QUBITS

#: the models of the figure (every model of the ensemble)
STUDY_MODELS = MODELS
#: QNN models: the ones with an MPS cross-check
QNN_MODELS = ("unitary_qnn", "unitary_qnn_ordered")
#: summary columns kept in the table (the setting columns are the point's)
RESULTS = (
    "mean",
    "mean_se",
    "median",
    "median_se",
    "peak",
    "peak_se",
    "fraction_under_bound",
    "fraction_under_bound_se",
    "bound",
    "haar_mean",
    "haar_median",
    "haar_mode",
    "haar_fraction_under_bound",
    "max_error_bound",
    "untrusted",
)


def _ensemble(model, n_visible, n_hidden, samples, time, beta, seed, backend="dense"):
    return tnbp.trace_distance_ensemble(
        model,
        n_visible,
        [n_hidden],
        samples=samples,
        time=10.0 if time is None else time,
        beta=1.0 if beta is None else beta,
        backend=backend,
        seed=seed,
        executor="serial",
    )


def measure(
    *,
    model: str,
    n_visible: int,
    n_hidden: int,
    samples: int,
    time,
    beta,
    mps_samples,
    seed: int,
) -> dict:
    """The summary of ``samples`` instances of one model at one size, and the MPS check."""
    table = _ensemble(model, n_visible, n_hidden, samples, time, beta, seed)
    (row,) = tnbp.trace_distance_summary(table).to_dict("records")
    out = {k: row[k] for k in RESULTS}
    out.update(
        mps_checked=0,
        dense_deviation=math.nan,
        mps_max_bond_reached=math.nan,
        mps_untrusted=0,
    )
    if model in QNN_MODELS and mps_samples:
        with warnings.catch_warnings():  # untrusted MPS rows are counted instead
            warnings.simplefilter("ignore", tnbp.TruncationWarning)
            mps = _ensemble(
                model, n_visible, n_hidden, mps_samples, time, beta, seed, "mps"
            )
        dense = table.trace_distance.to_numpy()[:mps_samples]
        out.update(
            mps_checked=int(mps_samples),
            dense_deviation=float(np.abs(mps.trace_distance.to_numpy() - dense).max()),
            mps_max_bond_reached=float(mps.max_bond_reached.max()),
            mps_untrusted=int((~mps.trusted).sum()),
        )
    return out


#: every parameter of a row
SETTINGS = (
    "model",
    "n_visible",
    "n_hidden",
    "samples",
    "time",
    "beta",
    "mps_samples",
    "seed",
)


def points(*, n_visible, hidden, samples, time, beta, mps_samples, seed) -> list[dict]:
    """One point per (model, hidden-unit count); a parameter only where it acts."""
    return [
        dict(
            model=model,
            n_visible=n_visible,
            n_hidden=h,
            samples=samples,
            time=time if model == "gue" else None,
            beta=beta if model == "qbm" else None,
            mps_samples=mps_samples if model in QNN_MODELS else None,
            seed=seed,
        )
        for model in STUDY_MODELS
        for h in hidden
    ]


def mps_note(df) -> str:
    """One line on the MPS cross-check of the QNN rows (empty without one)."""
    checked = df[df.mps_checked > 0]
    if checked.empty:
        return ""
    return (
        f"MPS cross-check (unitary QNNs, {int(checked.mps_checked.iloc[0])} "
        f"instances per point, no bond cap): largest |T_mps - T_dense| = "
        f"{checked.dense_deviation.max():.1e}, bonds up to "
        f"{int(checked.mps_max_bond_reached.max())}, "
        f"{int(checked.mps_untrusted.sum())} untrusted"
    )


def main(
    *,
    n_visible=DEFAULTS["n_visible"],
    hidden=DEFAULTS["hidden"],
    samples=DEFAULTS["samples"],
    time=DEFAULTS["time"],
    beta=DEFAULTS["beta"],
    mps_samples=DEFAULTS["mps_samples"],
    seed: int = 0,
    out="results/trace_distance_hidden_units",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows (one per model and size) and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_visible=n_visible,
            hidden=hidden,
            samples=samples,
            time=time,
            beta=beta,
            mps_samples=mps_samples,
            seed=seed,
        ),
        out=out,
        task="trace_distance_hidden_units",
        executor=executor,
        progbar=progbar,
        desc="models x sizes",
    )
    fig = plot_trace_distance_scaling(
        df, out / "trace_distance_hidden_units.png", note=mps_note(df)
    )
    return df, fig


def cli(
    n_visible: int = study_option("visible qubits", DEFAULTS["n_visible"]),
    hidden: str = study_option(
        "comma-separated hidden-unit counts", DEFAULTS["hidden"]
    ),
    samples: int = study_option("instances per model and size", DEFAULTS["samples"]),
    time: float = study_option("GUE evolution time", DEFAULTS["time"]),
    beta: float = study_option("QBM inverse temperature", DEFAULTS["beta"]),
    mps_samples: int = study_option(
        "QNN instances re-run on MPS for the dense deviation (0: none)",
        DEFAULTS["mps_samples"],
    ),
    seed: int = study_option("root seed", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/trace_distance_hidden_units"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (hidden = 1,2,3, 40 instances, 2 MPS checks) in "
        "place of the defaults; options given explicitly override it",
    ),
):
    """Trace distance of the visible state to I/D_v against hidden units (Fig. 3a)."""
    given = dict(
        n_visible=n_visible,
        hidden=hidden,  # the text: StudyOptions reads and checks it
        samples=samples,
        time=time,
        beta=beta,
        mps_samples=mps_samples,
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
    n = opts.params["n_visible"] + max(opts.params["hidden"])
    if n > MAX_QUBITS:
        raise StudyOptionError(
            f"n_visible + n_hidden = {n} qubits; the dense QBM holds at most "
            f"{MAX_QUBITS}.",
            param_hint=["--n-visible", "--hidden"],
        )
    df, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = ["model", "n_hidden", "peak", "peak_se", "mean", "mean_se", "median"]
    shown += ["fraction_under_bound", "bound", "haar_mean", "haar_mode"]
    shown += ["haar_fraction_under_bound"]
    typer.echo(df[shown].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    note = mps_note(df)
    if note:
        typer.echo(note)
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
