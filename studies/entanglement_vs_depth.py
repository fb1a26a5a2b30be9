"""Entanglement growth with depth: area-law (shallow) to volume-law (deep).

For a hardware-efficient brick ansatz and a Haar brickwork on ``n`` qubits,
simulated as MPS with bond cap ``max_bond``, record against depth:

- the half-chain entropy (bits), to compare with Page's value for a Haar state;
- the trace distance of the visible state (first ``n_visible`` qubits) to
  :math:`I/D_v`, to compare with :math:`\\tfrac12\\sqrt{D_v/D_h}`
  (arXiv:2010.15968, Fig. 3a): deep circuits make the visible state look
  maximally mixed, the mechanism of entanglement-induced barren plateaus;
- the bond record: largest bond, discarded weight, fidelity estimate and
  whether the state's estimates are trusted. Deep circuits saturate the bond
  cap: those rows say so (``trusted=False``, hollow markers in the plot).

The seeds of one setting are simulated together (:func:`tnbp.simulate_batch`:
one batched MPS run; each instance keeps its own truncation and record, the
same as its own run). Each circuit is one row of the results store in ``<out>`` (keyed by every
parameter: ansatz, backend, n, depth, seed, max_bond, n_visible), and
``<out>/table.csv`` holds every row there, refreshed as rows finish; a rerun
computes only what is missing. Summary and figure
(``<out>/entanglement_vs_depth.png``) use only the rows of the current
settings, so a rerun with another ``--max-bond`` never averages the two.

Run ``python studies/entanglement_vs_depth.py --help`` for options;
``--quick`` is a seconds-long preset for CI: it replaces the defaults, and
any option given explicitly overrides it (``--quick --max-bond 4``). The run
prints the parameters it used on one line; Ctrl-C stops it with one line that
says how many rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import typer

import tnbp
from tnbp import ansatz, theory
from tnbp.plotting import plot_entanglement_vs_depth
from tnbp.results import (
    StudyOptions,
    batched,
    executor_option,
    run_sweep,
    study_option,
)

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "make demo"

#: the families of tnbp.ansatz.layered_circuit this study draws
BUILDERS = {
    family: functools.partial(ansatz.layered_circuit, family)
    for family in ("hardware_efficient", "haar_brickwork")
}

DEFAULTS = dict(
    n=24, depths=(1, 2, 3, 4, 6, 8, 10, 12, 16, 20), samples=3, max_bond=64, n_visible=2
)
QUICK = dict(n=12, depths=(1, 2, 4, 8), samples=1, max_bond=16, n_visible=2)
#: the values each parameter allows (checked before any work; a list: each item).
#: The upper ends are what a laptop runs: the MPS holds n * max_bond^2 * 2
#: complex numbers, 0.5 GiB at n = max_bond = 256 (n = 256 at depth 2 with that
#: cap: 2 s, 0.23 GiB peak), and each gate of a saturated circuit costs an SVD
#: of a (2 max_bond)^2 block: ~0.14 s at max_bond = 256 (Haar brickwork, n = 32,
#: depth 16: 248 gates in 34 s, 0.34 GiB peak; measured on a loaded shared
#: core), so the largest circuit (n = depth = 256, ~33,000 gates) takes about an
#: hour, and the run two families times the depths times up to 20 samples.
LIMITS = dict(
    n=">= 2 and <= 256",
    depths=">= 0 and <= 256",
    samples=">= 1 and <= 20",
    max_bond=">= 1 and <= 256",
    n_visible=">= 1 and < n",
)
BACKEND = "mps"
#: circuits up to this many qubits are also simulated exactly (dense), and the
#: largest deviation of the MPS estimates from the exact values is a column
DENSE_MAX = 16

#: every parameter of a row but its seed: the summary averages over seeds only
SETTINGS = ("ansatz", "backend", "n", "depth", "max_bond", "n_visible")


def _measure_many(points: list[dict]) -> list[dict]:
    """Simulate the circuit instances of a group of points (equal but for the seed)
    together, and read off each one's entanglement and its trust."""
    p = points[0]
    n, n_visible = p["n"], p["n_visible"]
    circuits = [BUILDERS[p["ansatz"]](n, p["depth"], seed=q["seed"]) for q in points]
    states = tnbp.simulate_batch(circuits, max_bond=p["max_bond"])
    return [_row(st, circ, n, n_visible) for st, circ in zip(states, circuits)]


def _row(st, circ, n: int, n_visible: int) -> dict:
    """One instance's row: its entanglement, the exact values to compare, its record."""
    visible = tnbp.Partition.first(n_visible, n)
    with (
        warnings.catch_warnings()
    ):  # untrusted rows are recorded as such, not warned about
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        s_half = tnbp.entropy(st, n // 2)
        dist = tnbp.trace_distance_to_maximally_mixed(st, visible)
    record = st.record.to_dict()
    del record["max_bond"]  # the cap is the `max_bond` parameter of the row
    exact = {"dense_half_chain_entropy": np.nan, "dense_trace_distance": np.nan}
    if n <= DENSE_MAX:
        dense = tnbp.simulate(circ, backend="dense")
        exact = {
            "dense_half_chain_entropy": float(tnbp.entropy(dense, n // 2)),
            "dense_trace_distance": float(
                tnbp.trace_distance_to_maximally_mixed(dense, visible)
            ),
        }
    return {
        "half_chain_entropy": float(s_half),
        "half_chain_entropy_error_bound": s_half.error_bound,
        "trace_distance": float(dist),
        "trace_distance_error_bound": dist.error_bound,
        **exact,
        # NaN above DENSE_MAX qubits
        "dense_deviation": max(
            abs(float(s_half) - exact["dense_half_chain_entropy"]),
            abs(float(dist) - exact["dense_trace_distance"]),
        ),
        "page_entropy": theory.page_entropy(n // 2, n - n // 2),
        "haar_bound": theory.haar_trace_distance_bound(n_visible, n - n_visible),
        "trusted": st.trusted,
        "caveats": ";".join(st.caveats),
        **record,
    }


#: one row per circuit instance; every seed of a setting (samples <= 20) in one
#: group, simulated as one batch
measure = batched(_measure_many, size=20)


def points(*, n, depths, samples, max_bond, n_visible) -> list[dict]:
    """The sweep's parameter points: every ansatz, depth and seed."""
    return [
        dict(
            ansatz=name,
            backend=BACKEND,
            n=n,
            depth=d,
            seed=s,
            max_bond=max_bond,
            n_visible=n_visible,
        )
        for name in BUILDERS
        for d in depths
        for s in range(samples)
    ]


def summarize(df):
    """Means over seeds, one row per setting (every other parameter)."""
    return df.groupby(list(SETTINGS)).agg(
        S_half=("half_chain_entropy", "mean"),
        trace_distance=("trace_distance", "mean"),
        max_bond_reached=("max_bond_reached", "max"),
        fidelity=("fidelity_estimate", "min"),
        trusted=("trusted", "all"),
        dense_deviation=("dense_deviation", "max"),
        samples=("seed", "size"),
    )


def main(
    *,
    n: int = DEFAULTS["n"],
    depths=DEFAULTS["depths"],
    samples: int = DEFAULTS["samples"],
    max_bond: int = DEFAULTS["max_bond"],
    n_visible: int = DEFAULTS["n_visible"],
    out: str | Path = "results/entanglement_vs_depth",
    executor="serial",
    progbar: bool = True,
):
    """Run the sweep; return this setting's rows and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n=n, depths=depths, samples=samples, max_bond=max_bond, n_visible=n_visible
        ),
        out=out,
        task="entanglement_vs_depth",
        executor=executor,
        progbar=progbar,
        desc="circuits",
    )
    fig = plot_entanglement_vs_depth(df, out / "entanglement_vs_depth.png")
    return df, fig


def cli(
    n: int = study_option("number of qubits", DEFAULTS["n"]),
    depths: str = study_option("comma-separated depths", DEFAULTS["depths"]),
    samples: int = study_option("random instances per depth", DEFAULTS["samples"]),
    max_bond: int = study_option("MPS bond-dimension cap", DEFAULTS["max_bond"]),
    n_visible: int = study_option(
        "visible qubits (the first ones)", DEFAULTS["n_visible"]
    ),
    out: Path = typer.Option(
        Path("results/entanglement_vs_depth"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n=12, 4 depths, 1 sample, max_bond=16) in place "
        "of the defaults; options given explicitly override it",
    ),
):
    """Half-chain entropy and visible-state trace distance against circuit depth."""
    given = dict(
        n=n,
        depths=depths,  # the text: StudyOptions reads and checks it
        samples=samples,
        max_bond=max_bond,
        n_visible=n_visible,
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
    df, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    summary = summarize(df)
    fixed = [k for k in SETTINGS if k not in ("ansatz", "depth")]  # one value each
    typer.echo(", ".join(f"{k} = {df[k].iloc[0]}" for k in fixed))
    summary = summary.droplevel(fixed)
    typer.echo(summary.to_string(float_format=lambda x: f"{x:.4g}"))
    typer.echo(f"Page value for the half chain: {df.page_entropy.iloc[0]:.3f} bits")
    typer.echo(dense_check(df))
    typer.echo(opts.outputs(df, out, fig))


def dense_check(df) -> str:
    """One line: the largest deviation from the dense values, trusted rows and others."""
    if df.dense_deviation.isna().all():
        return f"no dense check: n = {df.n.iloc[0]} > {DENSE_MAX} qubits"
    parts = []
    for trusted, rows in df.groupby("trusted"):
        name = "trusted" if trusted else "untrusted (bond cap reached)"
        parts.append(f"{name} rows {rows.dense_deviation.max():.2e}")
    return "largest deviation from dense: " + ", ".join(parts)


if __name__ == "__main__":
    typer.run(cli)
