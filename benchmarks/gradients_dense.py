"""Dense gradient ensembles: tnbp's adjoint against PennyLane ``lightning.qubit``.

What is measured
----------------
Deep hardware-efficient ansatz with ``L = n`` layers: RY then RZ on every
qubit, then a CZ line (even bonds, then odd bonds), i.e.
``tnbp.ansatz.hardware_efficient(n, n, rotations=("Y", "Z"), entangler="cz",
pattern="ladder", seed=seed + s)`` for samples ``s = 0 .. samples-1`` (same
structure, different angles). Observable ``<Z_0 Z_1>``, full gradient with
respect to all ``2 n^2`` angles, ``n = 8, 10, ..., 20``, 200 samples (10 at
``n = 18, 20``, see below).

Wall-clock time (``time.perf_counter``) of the gradient computation only;
circuits, QNodes, tapes and parameter arrays are built outside the timer:

* ``tnbp batch``  -- ``tnbp.gradients.gradient_batch(circuits, obs)``
  on all samples at once (batched dense adjoint), divided by the number of
  samples.
* ``tnbp single`` -- ``tnbp.gradient(c, obs, method="adjoint")`` in a loop over
  the samples (the same adjoint sweep with a batch of one).
* ``lightning``   -- PennyLane ``lightning.qubit`` with ``diff_method="adjoint"``,
  the idiomatic way: one ``QNode`` taking all angles as a single trainable
  autograd array (``pennylane.numpy``), differentiated with ``qml.grad`` (the
  QNode returns a scalar), one call per sample. The QNode applies the
  *identical* circuit: tnbp's gates in tnbp's order (``qml.RY``/``qml.RZ``
  share tnbp's convention ``exp(-i theta P / 2)``; ``qml.CZ`` on the same
  pairs; tnbp qubit ``k`` is wire ``k``), with ``c.parameters`` as angles, and
  measures ``qml.expval(qml.PauliZ(0) @ qml.PauliZ(1))``. Alternatives measured
  while writing this (n = 8 and 12): ``qml.jacobian`` is as fast as ``qml.grad``
  (within noise); ``device_vjp=True`` is 10-25 % slower; ``grad_on_execution``
  and ``cache`` make no difference (the QNode already runs one
  ``execute_and_compute_derivatives`` per call); parameter broadcasting (all
  samples in one call, gradient of the sum) is slower still (the device
  splits the batch again, ``broadcast_expand``).
* ``lightning dev`` -- for reference, lightning's adjoint kernel without
  PennyLane's workflow: one tape, run through the device's preprocessing once
  (outside the timer), then per sample ``tape.bind_new_parameters`` and
  ``dev.compute_derivatives(tape, config)``. Not what a user writes, but the
  floor below which the QNode column cannot go; the difference is PennyLane's
  per-call Python overhead (tape construction through autograd, validation,
  diff-method resolution).

Without PennyLane and ``pennylane-lightning`` (the ``bench`` extra) the header
says so and only the two tnbp engines are timed; the lightning columns and
ratios are left empty (NaN).

tnbp differentiates only the gates in the reverse lightcone of qubits
``{0, 1}`` (parameters outside it have exactly zero derivative, and tnbp
returns zeros for them); PennyLane simulates every gate. Column ``cone`` is
the fraction of gates inside the cone: part of tnbp's advantage is doing
less work, by that factor at most.

Correctness: before timing, at every ``n``, the first three samples are
differentiated by every engine and must agree with ``gradient_batch`` to
``1e-8`` (this also warms every engine up); the ``max|diff|`` column is the
largest deviation from ``gradient_batch`` over all samples every engine
computed while being timed. The run fails (exit 1) if any exceeds ``1e-8``.

Each engine is timed ``--repeats`` times, engines interleaved within each
repeat so that drift hits all of them alike; the table reports the **best**
(minimum) repeat, the CSV also has the median. As in ``timeit``, Python's
garbage collector is disabled inside each timed call, after a full collection
(``--gc`` leaves it on): with PennyLane imported the heap holds ~300k objects
and a full collection here costs ~150 ms, which autograd's allocations trigger
every ~40 QNode gradients (about +4 ms per gradient at n = 8; the cost depends
on the whole process's heap, not on the engine). For ``n >= 16`` the per-sample
engines (``tnbp single``, ``lightning``, ``lightning dev``) are timed on the
first ``--large-subset`` samples only (default 50; 0 = all), since each costs
~0.1-0.2 s per sample there; ``tnbp batch`` runs on all samples. For
``n >= 18`` every engine, ``tnbp batch`` included, runs on the first
``--huge-samples`` samples (default 10; 0 = all): a gradient takes ~0.3-0.5 s
at ``n = 18`` and ~1.5-2 s at ``n = 20`` per engine. The header says which;
times are per sample either way.

How to read the table
---------------------
``light/batch`` = lightning QNode ms per sample / tnbp batched ms per sample:
above 1 tnbp is faster. ``dev/batch`` is the same against the bare
lightning kernel. The targets (issue 16), at every ``n`` in 8..16:
``dev/batch >= 1`` and ``light/batch >= 2`` (column ``ok``; the last line
says whether both held everywhere). Small ``n`` is
dominated by per-call Python overhead (PennyLane's per QNode call, tnbp's per
gate per sweep, which batching amortizes); past ~14 qubits the sweep itself
dominates. Absolute times drift up to 2x from run to run on a shared 2-core
machine, so compare ratios taken in one run. BLAS and OpenMP threads (numpy's
and lightning's) are pinned to ``--threads`` (default 1) before numpy is
imported; the header says so.

Usage::

    python benchmarks/gradients_dense.py                 # n = 8..20, 200 samples
    python benchmarks/gradients_dense.py --quick         # n = 8 10, 20 samples, 1 repeat
    python benchmarks/gradients_dense.py --out results/bench/gradients_dense.csv
"""

from __future__ import annotations

import statistics
from typing import Annotated

import typer
from _gradients import GRAD_TOL, ensemble, gate_names
from _harness import (
    KeepGC,
    Out,
    Repeats,
    Threads,
    find_peer,
    numbers,
    quick_option,
    settings,
    start,
)

CHECK_SAMPLES = 3
#: the acceptance of issue 16, at every n in ACCEPT_NS: tnbp batched at least as
#: fast as lightning's bare device kernel, at least 2x faster than its QNode
ACCEPT_NS = range(8, 17)
TARGET_DEV_RATIO = 1.0
TARGET_RATIO = 2.0
OBSERVABLE = [(1.0, "ZZ", (0, 1))]
FULL = {
    "ns": (8, 10, 12, 14, 16, 18, 20),
    "samples": 200,
    "repeats": 3,
    "large_subset": 50,
    "huge_samples": 10,
}
QUICK = {
    "ns": (8, 10),
    "samples": 20,
    "repeats": 1,
    "large_subset": 50,
    "huge_samples": 10,
}
#: from this n on the per-sample engines run on ``large_subset`` samples only
LARGE_N = 16
#: from this n on every engine (tnbp batch too) runs on ``huge_samples`` samples
HUGE_N = 18
ENGINES = ("tnbp_batch", "tnbp_single", "lightning", "lightning_dev")
NAN = float("nan")


class Lightning:
    """PennyLane ``lightning.qubit`` adjoint gradients of one circuit structure."""

    def __init__(self, circ):
        import pennylane as qml

        self.num_parameters = circ.num_parameters
        body = _pennylane_body(gate_names(circ))
        self.dev = qml.device("lightning.qubit", wires=circ.n)
        # the idiomatic path: QNode + autograd, one trainable array argument
        self.grad = qml.grad(qml.QNode(body, self.dev, diff_method="adjoint"))
        # the bare-device path: one preprocessed tape, new angles bound per sample
        config = qml.devices.ExecutionConfig(gradient_method="adjoint")
        self.config = self.dev.setup_execution_config(config)
        tape = qml.tape.make_qscript(body)(circ.parameters)
        tapes, _ = self.dev.preprocess_transforms(self.config)((tape,))
        if len(tapes) != 1 or tapes[0].num_params != self.num_parameters:
            raise RuntimeError(
                "lightning preprocessing changed the circuit's parameters"
            )
        self.tape = tapes[0]
        self.indices = list(range(self.num_parameters))

    @staticmethod
    def trainable(params):
        from pennylane import numpy as pnp

        return pnp.array(params, requires_grad=True)

    def qnode_gradient(self, trainable_params):
        return self.grad(trainable_params)

    def device_gradient(self, params):
        import numpy as np

        tape = self.tape.bind_new_parameters(params, self.indices)
        return np.asarray(self.dev.compute_derivatives(tape, self.config), dtype=float)


def _pennylane_body(ops):
    """The quantum function: tnbp's gates, in order, on a single angle array."""
    import pennylane as qml

    def body(params):
        k = 0
        for name, wires in ops:
            if name.startswith("R"):
                getattr(qml, name)(params[k], wires=wires[0])
                k += 1
            else:
                getattr(qml, name)(wires=wires)
        return qml.expval(qml.PauliZ(0) @ qml.PauliZ(1))

    return body


def engines(circuits, m: int, light: Lightning | None) -> dict:
    """name -> zero-argument call computing that engine's gradients (the timed part).

    The per-sample engines run on the first ``m`` samples; without ``light``
    (PennyLane missing) only tnbp's engines.
    """
    import tnbp
    from tnbp.gradients import gradient_batch

    calls = {
        "tnbp_batch": lambda: gradient_batch(circuits, OBSERVABLE),
        "tnbp_single": lambda: [
            tnbp.gradient(c, OBSERVABLE, method="adjoint") for c in circuits[:m]
        ],
    }
    if light is not None:
        qnode_args = [light.trainable(c.parameters) for c in circuits[:m]]
        dev_args = [c.parameters for c in circuits[:m]]
        calls["lightning"] = lambda: [light.qnode_gradient(a) for a in qnode_args]
        calls["lightning_dev"] = lambda: [light.device_gradient(a) for a in dev_args]
    return calls


def check(n: int, circuits, light: Lightning | None) -> bool:
    """Every engine on the first samples against ``gradient_batch`` (also a warm-up)."""
    import numpy as np

    from tnbp.gradients import gradient_batch

    k = min(CHECK_SAMPLES, len(circuits))
    ref = gradient_batch(circuits[:k], OBSERVABLE)
    ok = True
    for name, fn in engines(circuits[:k], k, light).items():
        err = float(np.abs(np.asarray(fn(), dtype=float) - ref).max())
        if not err <= GRAD_TOL:
            print(
                f"CHECK FAILED at n = {n}: {name} differs from gradient_batch on "
                f"the first {k} samples by {err:.2e} > {GRAD_TOL:g}"
            )
            ok = False
    return ok


def measure(n: int, cfg: dict, seed: int, bench, lightning: bool) -> tuple[dict, bool]:
    """Time every engine at ``n``; ``(row, failed)``, times in ms per sample."""
    import numpy as np

    S, subset = cfg["samples"], cfg["large_subset"]
    if n >= HUGE_N and cfg["huge_samples"]:
        S = min(S, cfg["huge_samples"])
    circuits = ensemble(n, n, "ladder", S, seed)
    m = S if not subset or n < LARGE_N else min(S, subset)
    light = Lightning(circuits[0]) if lightning else None
    failed = not check(n, circuits, light)
    calls = engines(circuits, m, light)
    times, results = bench.interleaved(calls, cfg["repeats"])
    counts = {e: (S if e == "tnbp_batch" else m) for e in calls}
    batch = np.asarray(results["tnbp_batch"], dtype=float)
    diffs = {e: NAN for e in ENGINES[1:]}
    for e in calls:
        if e != "tnbp_batch":
            got = np.asarray(results[e], dtype=float)
            diffs[e] = float(np.abs(got - batch[:m]).max())
    best = {e: NAN for e in ENGINES}
    med = dict(best)
    for e, ts in times.items():
        best[e] = 1e3 * min(ts) / counts[e]
        med[e] = 1e3 * statistics.median(ts) / counts[e]
    row = dense_row(circuits[0], cfg | {"samples": S}, m, best, med, diffs)
    return row, failed or not row["max_abs_diff"] <= GRAD_TOL


def dense_row(first, cfg: dict, m: int, best: dict, med: dict, diffs: dict) -> dict:
    """The CSV row of one ``n``: sizes, best and median ms per sample, ratios, diffs."""
    measured = [d for d in diffs.values() if d == d]  # NaN: engine not run
    return {
        "part": "dense",
        "n": first.n,
        "layers": first.n,
        "num_parameters": first.num_parameters,
        "gates": len(first),
        "cone_gates": len(first.lightcone((0, 1))),
        "samples": cfg["samples"],
        "samples_timed_per_sample_engines": m,
        **{f"{e}_ms": best[e] for e in ENGINES},
        "ratio_lightning_tnbp_batch": best["lightning"] / best["tnbp_batch"],
        "ratio_lightning_dev_tnbp_batch": best["lightning_dev"] / best["tnbp_batch"],
        "ratio_tnbp_single_tnbp_batch": best["tnbp_single"] / best["tnbp_batch"],
        **{f"{e}_ms_median": med[e] for e in ENGINES},
        "max_abs_diff": max(measured),
        **{f"max_abs_diff_{e}": diffs[e] for e in ENGINES[1:]},
        "repeats": cfg["repeats"],
        "statistic": "min",
    }


HEAD = (
    f"{'n':>3} {'params':>6} {'cone':>5} "
    f"| {'tnbp batch':>10} {'tnbp single':>11} {'lightning':>10} "
    f"{'light/batch':>11} {'ok':>3} "
    f"| {'light dev':>9} {'dev/batch':>9} | {'max|diff|':>9}"
)


def print_intro(cfg: dict, seed: int, lightning: bool) -> None:
    """What is timed, and the table's head."""
    S, subset, huge = cfg["samples"], cfg["large_subset"], cfg["huge_samples"]
    sub_note = (
        f"for n >= {LARGE_N} the per-sample engines are timed on the first "
        f"{subset} samples (tnbp batch on all)"
        if subset and subset < S and any(n >= LARGE_N for n in cfg["ns"])
        else "every engine timed on all samples"
    )
    if huge and huge < S and any(n >= HUGE_N for n in cfg["ns"]):
        sub_note += (
            f"; for n >= {HUGE_N} every engine (tnbp batch too) on the first "
            f"{huge} samples"
        )
    print(
        "Dense gradients: hardware-efficient ansatz, L = n layers (RY, RZ on every "
        "qubit, CZ line), full gradient of <Z0 Z1>"
    )
    print(
        f"  n = {list(cfg['ns'])}, {S} samples (seeds {seed}..{seed + S - 1}); "
        f"time = best of {cfg['repeats']} (time.perf_counter, engines interleaved; "
        f"CSV also has the median); {sub_note}"
    )
    if lightning:
        print(
            "  lightning: QNode(diff_method='adjoint') + qml.grad on one autograd "
            "array, per sample; 'dev' = dev.compute_derivatives on a preprocessed tape"
        )
    print()
    print(f"{'':>16}| ms per sample (full gradient)")
    print(HEAD)
    print("-" * len(HEAD))


def print_row(row: dict) -> None:
    """One line of the table (``-`` where lightning was not run)."""
    ratio = row["ratio_lightning_tnbp_batch"]
    ok = "-"
    if row["n"] in ACCEPT_NS and ratio == ratio:  # NaN: lightning not run
        ok = "yes" if accepted(row) else "NO"
    bad = not row["max_abs_diff"] <= GRAD_TOL
    print(
        f"{row['n']:>3} {row['num_parameters']:>6} "
        f"{row['cone_gates'] / row['gates']:>5.2f} "
        f"| {row['tnbp_batch_ms']:>10.2f} {row['tnbp_single_ms']:>11.2f} "
        f"{row['lightning_ms']:>10.2f} {ratio:>11.2f} {ok:>3} "
        f"| {row['lightning_dev_ms']:>9.2f} "
        f"{row['ratio_lightning_dev_tnbp_batch']:>9.2f} "
        f"| {row['max_abs_diff']:>9.1e}{'  DIFF' if bad else ''}",
        flush=True,
    )


def accepted(row: dict) -> bool:
    """Whether a row meets the targets (both ratios; NaN: not met)."""
    return (
        row["ratio_lightning_dev_tnbp_batch"] >= TARGET_DEV_RATIO
        and row["ratio_lightning_tnbp_batch"] >= TARGET_RATIO
    )


def print_summary(rows: list[dict], failed: bool) -> None:
    """The table's legend, the targets at n = 8..16, and a warning if checks failed."""
    print()
    print(
        "(ms per sample for one full gradient; light/batch > 1: tnbp batched is "
        "faster; cone = fraction of gates in the lightcone of {0, 1}, the only "
        "ones tnbp simulates; max|diff| = largest |gradient - gradient_batch| over "
        "all timed samples of every engine; nan: lightning not run)"
    )
    judged = [r for r in rows if r["n"] in ACCEPT_NS]
    if judged and all(
        r["ratio_lightning_tnbp_batch"] == r["ratio_lightning_tnbp_batch"]
        for r in judged
    ):
        missed = [r["n"] for r in judged if not accepted(r)]
        print(
            f"target at every n in {ACCEPT_NS.start}..{ACCEPT_NS.stop - 1}: "
            f"lightning dev/tnbp_batch >= {TARGET_DEV_RATIO:g} and lightning "
            f"QNode/tnbp_batch >= {TARGET_RATIO:g}: "
            + ("met" if not missed else f"NOT met at n = {missed}")
        )
    if failed:
        print(
            f"WARNING: gradients differ from gradient_batch by more than {GRAD_TOL:g}"
        )


QuickOpt = quick_option("n = 8 10, 20 samples, 1 repeat")
SubsetOpt = Annotated[
    int | None,
    typer.Option(
        help=f"For n >= {LARGE_N}, time the per-sample engines on this many "
        "samples (default 50; 0 = all)."
    ),
]


def main(
    quick: QuickOpt = False,
    threads: Threads = 1,
    repeats: Repeats = None,
    ns: Annotated[
        str | None, typer.Option(help="Override the qubit counts, comma separated.")
    ] = None,
    samples: Annotated[
        int | None, typer.Option(help="Override the number of samples (200).")
    ] = None,
    large_subset: SubsetOpt = None,
    huge_samples: Annotated[
        int | None,
        typer.Option(
            help=f"For n >= {HUGE_N}, time every engine on this many samples "
            "(default 10; 0 = all)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Sample s uses seed + s.")] = 0,
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time tnbp's dense adjoint gradient ensembles against PennyLane lightning."""
    bench = start(threads, keep_gc)
    cfg = settings(
        FULL,
        QUICK,
        quick,
        ns=numbers(ns),
        samples=samples,
        repeats=repeats,
        large_subset=large_subset,
        huge_samples=huge_samples,
    )
    peers = [
        find_peer("pennylane", "pennylane"),
        find_peer("pennylane-lightning", "pennylane_lightning"),
    ]
    bench.header(
        "Dense gradient ensembles: tnbp vs PennyLane lightning.qubit", (), peers
    )
    lightning = all(p.available for p in peers)
    if not lightning:
        print("  lightning columns left empty: tnbp's engines timed alone")
    print_intro(cfg, seed, lightning)
    rows, failed = [], False
    for n in cfg["ns"]:
        row, bad = measure(n, cfg, seed, bench, lightning)
        print_row(row)
        rows.append(row | {"seed": seed})
        failed |= bad
    print_summary(rows, failed)
    return bench.finish(rows, out, failed)


if __name__ == "__main__":
    typer.run(main)
