r"""Area versus volume law of the visible state, and Proposition 1: S(rho_v) and T against n_v.

Sec. III of Ortiz Marrero, Kieferova and Wiebe (arXiv:2010.15968) contrasts
two scalings of the entropy :math:`S(\rho_v)` of the first :math:`n_v` of
:math:`n` qubits of a QNN's output state (their Fig. 2, a schematic): an
*area law*, which grows with the boundary (a constant on a chain, set by the
depth of a nearest-neighbour circuit), and a *volume law*,
:math:`S(\rho_v) = n_v - \Theta(D_v/D_h)` with :math:`D_v = 2^{n_v}`,
:math:`D_h = 2^{n - n_v}` (Page's curve, :func:`tnbp.theory.page_entropy`).
Proposition 1 (eqs. 2-3, Pinsker's inequality) turns the entropy deficit
:math:`\Delta = n_v - S(\rho_v)` into the distance of the visible state from
the maximally mixed one,
:math:`T = \tfrac12\|\rho_v - I/D_v\|_1 \le \sqrt{\Delta\ln 2/2}`, so a volume
law forces :math:`T \lesssim \tfrac12\sqrt{D_v/D_h}` and an area law does not.

This study measures both against :math:`n_v` for three nearest-neighbour
circuit families (:func:`tnbp.ansatz.layered_circuit`: the hardware-efficient
brick, the Haar brickwork and the unitary QNN with nearest-neighbour terms) at
several depths, on random instances (``samples`` per setting; instance ``s``
seeded by :func:`tnbp.results.point_seed` of its family, depth, n, sample and
root seed, the same circuit whatever the bond cap), at two sizes:

- ``n_dense`` (16): MPS with ``max_bond`` :math:`= 2^{n/2}`, the largest
  Schmidt rank (exact), and a dense statevector of the same circuit; each row
  keeps both values and their deviation;
- ``n`` (64): MPS with bond cap ``max_bond``. Shallow circuits are exact there
  (bond :math:`\le 4^{\mathrm{depth}}`); a deep circuit's volume law needs a
  bond of :math:`2^{n/2}`, so its state is truncated, flagged (``trusted``,
  ``cut_saturated``) and drawn hollow, its entropies capped at
  :math:`\log_2 \chi` (the shaded band is out of the MPS's reach).

The MPS runs the circuit with its gate runs fused (:func:`tnbp.fuse_gates`:
the nine rotations of each pair of the QNN become one gate), the dense
reference the circuit as built. Rows come from
:func:`tnbp.visible_entanglement`; each setting's mean profile is classified
by :func:`tnbp.entanglement_law` and Proposition 1 condensed by
:func:`tnbp.entanglement_law_summary` (``<out>/summary.csv``): the law with its
reason, the plateau, the volume-law constant :math:`\Delta/(D_v/D_h)`
(Page: 0.54-0.72), the largest :math:`T` over Pinsker's bound (at most 1) and
over the Haar bound.

Each (circuit instance, :math:`n_v`) is one row of the results store in
``<out>`` (keyed by family, depth, n, max_bond, sample, seed and n_visible), and
``<out>/table.csv`` holds every row there, refreshed as rows finish; a rerun
computes only what is missing (a circuit is simulated once for all its rows,
and the instances of a setting together, by :func:`tnbp.simulate_batch`).
The summary and the figure (``<out>/area_volume_law.png``) use only the rows
of the current settings. ``--quick`` is a seconds-long preset; options given
explicitly override it. Ctrl-C stops the run with one line that says how many
rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import typer

import tnbp
from tnbp import ansatz
from tnbp.plotting import plot_area_volume_law
from tnbp.results import (
    StudyOptions,
    batched,
    executor_option,
    point_seed,
    run_sweep,
    study_option,
)

#: what `tnbp studies` lists: the source paper and the figure it reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "Prop. 1, Fig. 2"

DEFAULTS = dict(n_dense=16, n=64, depths=(2, 4, 64), samples=3, max_bond=64, seed=0)
QUICK = dict(n_dense=12, n=24, depths=(1, 12), samples=1, max_bond=16, seed=0)
#: the values each parameter allows (checked before any work; a list: each item):
#: the law needs a profile of at least 12 qubits (tnbp.entanglement_law), the
#: dense reference at most 20; the unitary QNN needs a layer
LIMITS = dict(
    n_dense=">= 12 and <= 20",
    n="> n_dense and <= 128",
    depths=">= 1 and <= 256",
    samples=">= 1 and <= 20",
    max_bond=">= 2 and <= 1024",
    seed=">= 0",
)
#: the families, from tnbp.ansatz.layered_circuit
FAMILIES = ansatz.LAYERED_FAMILIES
#: sizes up to this also get a dense statevector of every circuit
DENSE_MAX = 20
BACKEND = "mps"

#: every parameter of a row but the sample, seed and n_visible: a setting
SETTINGS = ("family", "depth", "n", "max_bond")


def _circuit(family: str, depth: int, n: int, sample: int, seed: int):
    """Circuit instance ``sample`` of a setting (its seed from every parameter)."""
    return ansatz.layered_circuit(
        family,
        n,
        depth,
        seed=point_seed(
            dict(family=family, depth=depth, n=n, sample=sample, seed=seed)
        ),
    )


def _measure_many(points: list[dict]) -> list[dict]:
    """The rows of a group of points (one setting; several samples and blocks).

    The group's circuit instances are simulated together
    (:func:`tnbp.simulate_batch`), each once for all its visible blocks
    (:func:`tnbp.visible_entanglement`).
    """
    p = points[0]
    family, depth, n, seed = p["family"], p["depth"], p["n"], p["seed"]
    samples = sorted({q["sample"] for q in points})
    circuits = [_circuit(family, depth, n, s, seed) for s in samples]
    with warnings.catch_warnings():  # untrusted rows are recorded as such
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        states = tnbp.simulate_batch(
            [tnbp.fuse_gates(c) for c in circuits], max_bond=p["max_bond"]
        )
        tables = {
            s: tnbp.visible_entanglement(
                st,
                dense=tnbp.simulate(c, backend="dense") if n <= DENSE_MAX else None,
            ).set_index("n_visible")
            for s, st, c in zip(samples, states, circuits)
        }
    rows = []
    for q in points:
        row = tables[q["sample"]].loc[q["n_visible"]].to_dict()
        del row["n"]  # a parameter of the row, as n_visible (the index)
        rows.append(row)
    return rows


#: one row per (circuit instance, visible block); a setting's instances and
#: blocks in one group, its circuits simulated as one batch
measure = batched(_measure_many, over=("sample", "n_visible"), size=4096)


def points(*, n_dense, n, depths, samples, max_bond, seed) -> list[dict]:
    """The sweep's parameter points, one circuit's blocks after another."""
    caps = {n_dense: 2 ** (n_dense // 2), n: max_bond}  # n_dense: exact
    return [
        dict(
            family=family,
            depth=depth,
            n=size,
            max_bond=caps[size],
            sample=s,
            seed=seed,
            n_visible=k,
        )
        for size in (n_dense, n)
        for family in FAMILIES
        for depth in depths
        for s in range(samples)
        for k in range(1, size)
    ]


def main(
    *,
    n_dense: int = DEFAULTS["n_dense"],
    n: int = DEFAULTS["n"],
    depths=DEFAULTS["depths"],
    samples: int = DEFAULTS["samples"],
    max_bond: int = DEFAULTS["max_bond"],
    seed: int = DEFAULTS["seed"],
    out: str | Path = "results/area_volume_law",
    executor="serial",
    progbar: bool = True,
):
    """Run the sweep; return its rows, the per-setting summary and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_dense=n_dense,
            n=n,
            depths=depths,
            samples=samples,
            max_bond=max_bond,
            seed=seed,
        ),
        out=out,
        task="area_volume_law",
        executor=executor,
        progbar=progbar,
        desc="visible blocks",
    )
    summary = tnbp.entanglement_law_summary(df, by=SETTINGS)
    summary.to_csv(out / "summary.csv", index=False)
    fig = plot_area_volume_law(df, summary, out / "area_volume_law.png")
    return df, summary, fig


#: the summary columns the command line prints
SHOWN = (
    "samples",
    "law",
    "plateau",
    "half_chain_entropy",
    "page_half_chain",
    "volume_constant",
    "pinsker_max_ratio",
    "haar_max_ratio",
    "trusted",
    "saturated_blocks",
    "entropy_dense_max_deviation",
)


def cli(
    n_dense: int = study_option(
        "qubits of the exact size (uncapped MPS and dense)", DEFAULTS["n_dense"]
    ),
    n: int = study_option("qubits of the MPS size", DEFAULTS["n"]),
    depths: str = study_option("comma-separated depths (layers)", DEFAULTS["depths"]),
    samples: int = study_option("random circuits per setting", DEFAULTS["samples"]),
    max_bond: int = study_option("MPS bond cap at the size n", DEFAULTS["max_bond"]),
    seed: int = study_option("root seed of the random circuits", DEFAULTS["seed"]),
    out: Path = typer.Option(Path("results/area_volume_law"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n_dense=12, n=24, depths 1, 12, 1 sample, "
        "max_bond=16) in place of the defaults; options given explicitly override it",
    ),
):
    """S(rho_v) and the distance of rho_v from I/D_v against n_v: area vs volume law."""
    given = dict(
        n_dense=n_dense,
        n=n,
        depths=depths,  # the text: StudyOptions reads and checks it
        samples=samples,
        max_bond=max_bond,
        seed=seed,
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
    df, summary, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    typer.echo(
        summary[[*SETTINGS, *SHOWN]].to_string(
            index=False,
            float_format=lambda x: f"{x:.4g}",
            # at most 1 by Proposition 1, and as close as 1 - 1e-6: digits to tell
            formatters={"pinsker_max_ratio": lambda x: f"{x:.6f}"},
        )
    )
    for _, row in summary.iterrows():
        typer.echo(
            f"{row.family}, depth {row.depth}, n = {row.n}: {row.law}: {row.reason}"
        )
    typer.echo(f"summary: {out / 'summary.csv'}")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
