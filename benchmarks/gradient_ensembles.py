"""Gradient ensembles: tnbp's adjoint gradients against PennyLane ``lightning.qubit``.

The workload of a barren-plateau study: the full gradient of one local cost
for many random instances (angles) of one circuit structure. The script is
organised in parts (``--part``); each part is one function registered in
``PARTS``. Part (i), ``dense``, is implemented here; part (ii) is to be added
as another entry of ``PARTS`` (with its own ``FULL``/``QUICK`` settings).

Part (i): ``--part dense``
--------------------------
Deep hardware-efficient ansatz with ``L = n`` layers: RY then RZ on every
qubit, then a CZ line (even bonds, then odd bonds), i.e.
``tnbp.ansatz.hardware_efficient(n, n, rotations=("Y", "Z"), entangler="cz",
pattern="ladder", seed=seed + s)`` for samples ``s = 0 .. samples-1`` (same
structure, different angles). Observable ``<Z_0 Z_1>``, full gradient with
respect to all ``2 n^2`` angles, ``n = 8, 10, 12, 14, 16``, 200 samples.

Wall-clock time (``time.perf_counter``) of the gradient computation only;
circuits, QNodes, tapes and parameter arrays are built outside the timer:

* ``tnbp batch``  -- ``tnbp.estimators.gradients.gradient_batch(circuits, obs)``
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
~0.15-0.2 s per sample there; ``tnbp batch`` always runs on all samples. The
header says which.

How to read the ratios
----------------------
``light/batch`` = lightning QNode ms per sample / tnbp batched ms per sample:
above 1 tnbp is faster. The target is >= 2 at n = 12 (column ``ok``).
``dev/batch`` is the same against the bare lightning kernel. Small ``n`` is
dominated by per-call Python overhead (PennyLane's per QNode call, tnbp's per
gate per sweep, which batching amortizes); past ~14 qubits the sweep itself
dominates. Absolute times drift up to 2x from run to run on a shared 2-core
machine, so compare ratios taken in one run. BLAS and OpenMP threads (numpy's
and lightning's) are pinned to ``--threads`` (default 1) before numpy is
imported; the header says so.

Usage::

    python benchmarks/gradient_ensembles.py                 # part (i), full
    python benchmarks/gradient_ensembles.py --quick         # n = 8 10, 20 samples, 1 repeat
    python benchmarks/gradient_ensembles.py --out results/bench/gradient_ensembles.csv
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import typer
from _harness import THREAD_VARS, pin_threads

GRAD_TOL = 1e-8
CHECK_SAMPLES = 3
TARGET_N = 12
TARGET_RATIO = 2.0
OBSERVABLE = [(1.0, "ZZ", (0, 1))]
DENSE_FULL = {
    "ns": (8, 10, 12, 14, 16),
    "samples": 200,
    "repeats": 3,
    "large_n": 16,
    "large_subset": 50,
}
DENSE_QUICK = {
    "ns": (8, 10),
    "samples": 20,
    "repeats": 1,
    "large_n": 16,
    "large_subset": 50,
}


# --------------------------------------------------------------------------- circuits


def dense_circuits(n: int, samples: int, seed: int) -> list:
    """The samples of part (i): one structure, angles from seeds ``seed + s``."""
    import tnbp

    return [
        tnbp.ansatz.hardware_efficient(
            n, n, rotations=("Y", "Z"), entangler="cz", pattern="ladder", seed=seed + s
        )
        for s in range(samples)
    ]


def pennylane_ops(circ) -> list[tuple]:
    """``(kind, wires)`` per gate in tnbp's order; kind is a Pauli letter or "CZ"."""
    ops = []
    for g in circ.gates:
        if g.pauli is not None and len(g.pauli) == 1 and g.trainable:
            ops.append((g.pauli, g.qubits))
        elif g.pauli is None and g.label in ("CZ", "CNOT"):
            ops.append((g.label, g.qubits))
        else:
            raise ValueError(f"no PennyLane translation for gate {g.label} {g.qubits}")
    return ops


def _pennylane_body(ops):
    """The quantum function: tnbp's gates, in order, on a single angle array."""
    import pennylane as qml

    gates = {"X": qml.RX, "Y": qml.RY, "Z": qml.RZ, "CZ": qml.CZ, "CNOT": qml.CNOT}

    def body(params):
        k = 0
        for kind, wires in ops:
            if kind in ("CZ", "CNOT"):
                gates[kind](wires=wires)
            else:
                gates[kind](params[k], wires=wires[0])
                k += 1
        return qml.expval(qml.PauliZ(0) @ qml.PauliZ(1))

    return body


class Lightning:
    """PennyLane ``lightning.qubit`` adjoint gradients of one circuit structure."""

    def __init__(self, circ):
        import pennylane as qml

        self.n = circ.n
        self.num_parameters = circ.num_parameters
        body = _pennylane_body(pennylane_ops(circ))
        self.dev = qml.device("lightning.qubit", wires=self.n)
        # the idiomatic path: QNode + autograd, one trainable array argument
        self.qnode = qml.QNode(body, self.dev, diff_method="adjoint")
        self.grad = qml.grad(self.qnode)
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


# --------------------------------------------------------------------------- timing


def timed(fn, keep_gc: bool = False):
    """``(fn(), seconds)``; like ``timeit``, the garbage collector is off while timed.

    A full collection is run first. With ``keep_gc`` the collector stays on.
    """
    gc.collect()
    enabled = gc.isenabled()
    if not keep_gc:
        gc.disable()
    try:
        t = time.perf_counter()
        res = fn()
        return res, time.perf_counter() - t
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- part (i)


def dense_engines(circuits, m, light, qnode_args, dev_args) -> dict:
    """name -> zero-argument call computing that engine's gradients (the timed part)."""
    import tnbp
    from tnbp.estimators.gradients import gradient_batch

    return {
        "tnbp_batch": lambda: gradient_batch(circuits, OBSERVABLE),
        "tnbp_single": lambda: [
            tnbp.gradient(c, OBSERVABLE, method="adjoint") for c in circuits[:m]
        ],
        "lightning": lambda: [light.qnode_gradient(a) for a in qnode_args],
        "lightning_dev": lambda: [light.device_gradient(a) for a in dev_args],
    }


def run_dense(cfg: dict, seed: int) -> tuple[list[dict], bool]:
    """Part (i): dense adjoint gradients, tnbp against lightning; prints a table."""
    import numpy as np

    import tnbp
    from tnbp.estimators.gradients import gradient_batch

    reps, S = max(1, cfg["repeats"]), cfg["samples"]
    large_n, large_subset = cfg["large_n"], cfg["large_subset"]
    sub_note = (
        f"for n >= {large_n} the per-sample engines are timed on the first "
        f"{large_subset} samples (tnbp batch on all)"
        if large_subset and large_subset < S and any(n >= large_n for n in cfg["ns"])
        else "every engine timed on all samples"
    )
    print(
        "Part (i) dense: hardware-efficient ansatz, L = n layers (RY, RZ on every "
        "qubit, CZ line), full gradient of <Z0 Z1>"
    )
    print(
        f"  n = {list(cfg['ns'])}, {S} samples (seeds {seed}..{seed + S - 1}); "
        f"time = best of {reps} (time.perf_counter, engines interleaved; "
        f"CSV also has the median); {sub_note}"
    )
    print(
        "  lightning: QNode(diff_method='adjoint') + qml.grad on one autograd array, "
        "per sample; 'dev' = dev.compute_derivatives on a preprocessed tape"
    )

    head = (
        f"{'n':>3} {'params':>6} {'cone':>5} "
        f"| {'tnbp batch':>10} {'tnbp single':>11} {'lightning':>10} "
        f"{'light/batch':>11} {'ok':>3} "
        f"| {'light dev':>9} {'dev/batch':>9} | {'max|diff|':>9}"
    )
    print()
    print(f"{'':>16}| ms per sample (full gradient)")
    print(head)
    print("-" * len(head))

    rows, failed = [], False
    for n in cfg["ns"]:
        circuits = dense_circuits(n, S, seed)
        first = circuits[0]
        K = first.num_parameters
        cone = len(first.lightcone((0, 1))) / len(first)
        m = S if not large_subset or n < large_n else min(S, large_subset)
        light = Lightning(first)
        qnode_args = [light.trainable(c.parameters) for c in circuits[:m]]
        dev_args = [c.parameters for c in circuits[:m]]

        # correctness on the first samples (untimed; also warms every engine up)
        k = min(CHECK_SAMPLES, S)
        ref = gradient_batch(circuits[:k], OBSERVABLE)
        checks = {
            "tnbp single": [
                tnbp.gradient(c, OBSERVABLE, method="adjoint") for c in circuits[:k]
            ],
            "lightning": [light.qnode_gradient(a) for a in qnode_args[:k]],
            "lightning dev": [light.device_gradient(a) for a in dev_args[:k]],
        }
        for name, got in checks.items():
            err = float(np.abs(np.asarray(got, dtype=float) - ref).max())
            if not err <= GRAD_TOL:
                print(
                    f"CHECK FAILED at n = {n}: {name} differs from gradient_batch on "
                    f"the first {k} samples by {err:.2e} > {GRAD_TOL:g}"
                )
                failed = True

        engines = dense_engines(circuits, m, light, qnode_args, dev_args)
        counts = {e: (S if e == "tnbp_batch" else m) for e in engines}
        times = {e: [] for e in engines}
        results = {}
        for _ in range(reps):
            for e, fn in engines.items():
                res, dt = timed(fn, cfg["gc"])
                times[e].append(dt / counts[e])
                results[e] = np.asarray(res, dtype=float)
        batch = results["tnbp_batch"]
        diffs = {
            e: float(np.abs(results[e] - batch[: counts[e]]).max())
            for e in engines
            if e != "tnbp_batch"
        }
        max_diff = max(diffs.values())
        bad = not max_diff <= GRAD_TOL
        failed |= bad
        best = {e: 1e3 * min(v) for e, v in times.items()}
        med = {e: 1e3 * statistics.median(v) for e, v in times.items()}
        ratio = best["lightning"] / best["tnbp_batch"]
        ratio_dev = best["lightning_dev"] / best["tnbp_batch"]
        ok = "-" if n != TARGET_N else ("yes" if ratio >= TARGET_RATIO else "NO")
        row = {
            "part": "dense",
            "n": n,
            "layers": n,
            "num_parameters": K,
            "gates": len(first),
            "cone_gates": len(first.lightcone((0, 1))),
            "samples": S,
            "samples_timed_per_sample_engines": m,
            "tnbp_batch_ms": best["tnbp_batch"],
            "tnbp_single_ms": best["tnbp_single"],
            "lightning_ms": best["lightning"],
            "lightning_dev_ms": best["lightning_dev"],
            "ratio_lightning_tnbp_batch": ratio,
            "ratio_lightning_dev_tnbp_batch": ratio_dev,
            "ratio_tnbp_single_tnbp_batch": best["tnbp_single"] / best["tnbp_batch"],
            "tnbp_batch_ms_median": med["tnbp_batch"],
            "tnbp_single_ms_median": med["tnbp_single"],
            "lightning_ms_median": med["lightning"],
            "lightning_dev_ms_median": med["lightning_dev"],
            "max_abs_diff": max_diff,
            "max_abs_diff_tnbp_single": diffs["tnbp_single"],
            "max_abs_diff_lightning": diffs["lightning"],
            "max_abs_diff_lightning_dev": diffs["lightning_dev"],
            "repeats": reps,
            "statistic": "min",
        }
        rows.append(row)
        print(
            f"{n:>3} {K:>6} {cone:>5.2f} "
            f"| {best['tnbp_batch']:>10.2f} {best['tnbp_single']:>11.2f} "
            f"{best['lightning']:>10.2f} {ratio:>11.2f} {ok:>3} "
            f"| {best['lightning_dev']:>9.2f} {ratio_dev:>9.2f} "
            f"| {max_diff:>9.1e}{'  DIFF' if bad else ''}",
            flush=True,
        )

    print()
    print(
        "(ms per sample for one full gradient; light/batch > 1: tnbp batched is "
        "faster; cone = fraction of gates in the lightcone of {0, 1}, the only "
        "ones tnbp simulates; max|diff| = largest |gradient - gradient_batch| over "
        "all timed samples of every engine)"
    )
    at_target = [r for r in rows if r["n"] == TARGET_N]
    if at_target:
        r = at_target[0]["ratio_lightning_tnbp_batch"]
        print(
            f"target lightning/tnbp_batch >= {TARGET_RATIO:g} at n = {TARGET_N}: "
            f"{r:.2f}, {'met' if r >= TARGET_RATIO else 'NOT met'}"
        )
    if failed:
        print(
            f"WARNING: gradients differ from gradient_batch by more than {GRAD_TOL:g}"
        )
    return rows, failed


#: part name -> (runner, full settings, quick settings). Part (ii) goes here.
PARTS = {
    "dense": (run_dense, DENSE_FULL, DENSE_QUICK),
}


# --------------------------------------------------------------------------- main


def main(
    part: Annotated[
        str, typer.Option(help=f"Which part to run: {', '.join(PARTS)}.")
    ] = "dense",
    quick: Annotated[
        bool, typer.Option(help="n = 8 10, 20 samples, 1 repeat.")
    ] = False,
    threads: Annotated[
        int,
        typer.Option(help="BLAS/OpenMP threads (set before numpy import)."),
    ] = 1,
    repeats: Annotated[
        int | None,
        typer.Option(help="Timed repeats per configuration (default 3; 1 quick)."),
    ] = None,
    ns: Annotated[
        str | None, typer.Option(help="Override the qubit counts, comma separated.")
    ] = None,
    samples: Annotated[
        int | None, typer.Option(help="Override the number of samples (200).")
    ] = None,
    large_subset: Annotated[
        int | None,
        typer.Option(
            help="For n >= 16, time the per-sample engines on this many samples "
            "(default 50; 0 = all)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Sample s uses seed + s.")] = 0,
    keep_gc: Annotated[
        bool,
        typer.Option(
            "--gc/--no-gc",
            help="Leave Python's garbage collector on in the timed regions "
            "(default off, like timeit).",
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Write the results as CSV here.")
    ] = None,
) -> list[dict]:
    """Time tnbp's gradient ensembles against PennyLane lightning; print a table."""
    if part not in PARTS:
        raise typer.BadParameter(
            f"--part must be one of {', '.join(PARTS)}, got {part!r}"
        )
    note = pin_threads(threads)

    import numpy as np
    import pennylane as qml

    import tnbp

    runner, full, quick_cfg = PARTS[part]
    cfg = dict(quick_cfg if quick else full)
    if ns:
        cfg["ns"] = tuple(int(x) for x in ns.split(","))
    if samples is not None:
        cfg["samples"] = samples
    if repeats is not None:
        cfg["repeats"] = repeats
    if large_subset is not None:
        cfg["large_subset"] = large_subset
    cfg["gc"] = keep_gc

    blas = "?"
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]["name"]
    except Exception:  # noqa: BLE001 -- informational only
        pass
    print("Gradient ensembles: tnbp adjoint vs PennyLane lightning.qubit adjoint")
    print(
        f"  python {platform.python_version()}, numpy {np.__version__} ({blas}), "
        f"tnbp {tnbp.__version__}, pennylane {qml.__version__}, "
        f"pennylane-lightning {version('pennylane-lightning')}"
    )
    print(
        f"  threads: {', '.join(THREAD_VARS)} = {threads}{note}; {os.cpu_count()} cores"
    )
    print(
        "  garbage collector: "
        + (
            "on while timed (--gc)"
            if keep_gc
            else "off while timed, full collection before each timed call (like timeit)"
        )
    )
    rows, failed = runner(cfg, seed)
    for row in rows:
        row.update(threads=threads, seed=seed, gc_during_timing=keep_gc)

    if out is not None:
        import pandas as pd

        out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(out, index=False)
        print(f"wrote {out}")
    if failed:
        raise typer.Exit(1)
    return rows


if __name__ == "__main__":
    typer.run(main)
