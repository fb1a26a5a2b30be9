"""Gradient ensembles: tnbp against PennyLane ``lightning.qubit`` and quimb.

The workload of a barren-plateau study: the full gradient of one cost for
many random instances (angles) of one circuit structure. The script is
organised in parts (``--part``); each part is one function registered in
``PARTS``, with its own ``FULL``/``QUICK`` settings, and is run in one process
with its ratios printed. Part (i), ``dense``, is a deep circuit on few qubits
against PennyLane's adjoint; part (ii), ``tn``, is a shallow circuit on 100
qubits against quimb's lightcone contraction.

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

How to read part (i)
--------------------
``light/batch`` = lightning QNode ms per sample / tnbp batched ms per sample:
above 1 tnbp is faster. The target is >= 2 at n = 12 (column ``ok``).
``dev/batch`` is the same against the bare lightning kernel. Small ``n`` is
dominated by per-call Python overhead (PennyLane's per QNode call, tnbp's per
gate per sweep, which batching amortizes); past ~14 qubits the sweep itself
dominates. Absolute times drift up to 2x from run to run on a shared 2-core
machine, so compare ratios taken in one run. BLAS and OpenMP threads (numpy's
and lightning's) are pinned to ``--threads`` (default 1) before numpy is
imported; the header says so.

Part (ii): ``--part tn``
------------------------
Shallow hardware-efficient ansatz on ``n = 100`` qubits with 4 brick layers:
RY then RZ on every qubit, then CZ on the even bonds (odd layers) or the odd
bonds (even layers), i.e. ``tnbp.ansatz.hardware_efficient(100, 4,
rotations=("Y", "Z"), entangler="cz", pattern="brick", seed=seed + s)`` for
``s = 0 .. 99`` (800 parameters; same structure, different angles).
Observable: the local cost ``1 - (1/n) sum_j |0><0|_j``
(``tnbp.observables.local_cost(range(n))``, arXiv:2005.12458 eq. 4), full
gradient. (``--pattern ladder`` gives the ladder ansatz instead: CZ on every
bond each layer: 80 parameters in a bulk term's cone instead of 40.)

* ``tnbp adjoint`` -- ``tnbp.gradient(c, cost, method="adjoint",
  backend="tn")`` for every sample in turn, each gradient timed on its own
  (``time.perf_counter``); the process-wide tree cache
  (``tnbp.states.tn.default_cache()``) is cleared before the first sample,
  so the ensemble time includes every path search (one per distinct lightcone
  structure: 8 here). Reported: the whole ensemble (sum over samples, measured),
  the first gradient (cold cache) and the mean and spread of the others (warm).
* ``tnbp parameter_shift`` -- ``method="parameter_shift"`` on ``tn`` for the
  first ``shift_samples`` samples (3), warm trees: two contractions per
  parameter in each term's cone along the cached tree, recomputing only the
  nodes above the shifted gate. Divided by tnbp's own count of contractions
  (``GradientDiagnostics.contractions``), it is the per-evaluation figure set
  against one quimb call.
* ``tnbp autodiff`` (optional, ``--no-autodiff`` to skip) -- ``method=
  "autodiff"`` (jax, jitted once per structure): the first call (jit
  compilation included) and the warm mean over ``autodiff_samples`` (5)
  further samples.
* ``quimb`` (the anchor) -- what a quimb user does for this gradient: the
  parameter-shift rule, ``d<P0_j>/dtheta_p = (<P0_j>(theta_p + pi/2) -
  <P0_j>(theta_p - pi/2)) / 2``, each value one call of
  ``quimb.tensor.Circuit.local_expectation(P0, j, optimize=opt)`` (reverse
  lightcone of ``j``, quimb's default ``full_simplify`` sequence ``"ADCRS"``,
  path search, contraction). The circuit is the *identical* one: tnbp's gates
  in tnbp's order through ``apply_gate("RY"/"RZ", theta, q)`` and
  ``apply_gate("CZ", a, b)`` (quimb's rotations are ``exp(-i theta P / 2)``
  like tnbp's; checked below), tnbp qubit ``k`` is quimb qubit ``k``. Each call
  is *cold*: a freshly built ``Circuit`` (quimb keeps the simplified lightcone
  per circuit and ``where``) and a fresh ``cotengra.AutoHQOptimizer(cache=False,
  parallel=False)``: quimb's default ``optimize="auto-hq"`` preset without
  reuse (the string preset keeps one ``ReusableHyperOptimizer`` per process
  and would replay trees of networks large enough for hyper-optimization;
  smaller ones, all of those met here, go to cotengra's exact "optimal"
  search, which the preset repeats on every call anyway) and without a
  process pool (one core, like everything else). Only the
  ``local_expectation`` call is timed; building the shifted circuit (~0.2 s
  at n = 100) is not, which favours quimb.

  A full anchor ensemble is out of reach (7,872 shifted evaluations per
  gradient, 100 gradients, ~0.03-1.3 s each), so it is *extrapolated*: ``K``
  (``--anchor-calls``, 100) evaluations ``(sample, term j, parameter p,
  sign)`` are drawn at random and timed, stratified into bulk terms (the
  widest cone) and boundary terms (at least two draws), each stratum uniform
  over its evaluations and weighted by its share of all of them; the anchor's
  ensemble time is that mean per call x the number of shifted evaluations one
  gradient needs (counted from the lightcones: 2 per parameter in each term's
  cone; tnbp's ``parameter_shift`` count is this plus one unshifted
  contraction per term) x the number of samples. The output reports the mean,
  its standard error, the spread, the share of the call spent in the path
  search (timed inside the optimizer) and the size of the network quimb's
  simplification leaves. That size (8-18 tensors for one and the same bulk
  term and shift) and with it the search time (~0.01-1.4 s) change from one
  freshly built circuit to the next, so the per-call time is widely spread and
  ``K`` is not small. Whether ``cotengrust`` (cotengra's compiled optimal
  search) and ``kahypar`` are installed changes quimb's search time a lot and
  is printed in the header.

Correctness: before timing, on the first sample, at least 20 derivatives
``d<P0_j>/dtheta_p`` (every term ``j`` whose cone holds ``p``, for
first-layer parameters in the bulk and at the edge and a last-layer one) are
computed from quimb ``local_expectation`` values by the shift rule and
compared with tnbp's adjoint gradient of ``local_cost([j])`` (``1 - P0_j``,
so its gradient is ``-d<P0_j>``), and each such ``p``'s entry of tnbp's
gradient of the whole cost with ``-(1/n)`` times the sum over those terms;
the shift-rule and autodiff gradients are compared with the adjoint ones of
the same samples. Every difference must be ``<= 1e-8``, or the run exits 1.

How to read part (ii)
---------------------
``ensemble`` = quimb extrapolated / tnbp adjoint measured, both for all
samples; the target is >= 10. ``per evaluation`` = one cold quimb call / one
tnbp shift-rule contraction (like for like: both evaluate one shifted
circuit's term). ``X cold quimb calls`` = a warm tnbp adjoint gradient (all
800 derivatives) / one cold quimb call; the acceptance is X <= 10.
``if quimb's path search were free`` takes the search out of every quimb call
(its lightcone extraction, simplification and contraction remain): the ratio
left when only tnbp's other advantages count (adjoint instead of shift rule,
no per-call simplification). Same threads, garbage-collector and drift
caveats as part (i); jax's XLA is held to one thread by ``XLA_FLAGS`` (see
``_harness.pin_threads``).

Usage::

    python benchmarks/gradient_ensembles.py                 # part (i), full
    python benchmarks/gradient_ensembles.py --quick         # n = 8 10, 20 samples, 1 repeat
    python benchmarks/gradient_ensembles.py --out results/bench/gradient_ensembles.csv
    python benchmarks/gradient_ensembles.py --part tn       # part (ii), n = 100, ~5 min
    python benchmarks/gradient_ensembles.py --part tn --quick   # n = 24, 2 layers, 5 samples
    python benchmarks/gradient_ensembles.py --part tn --out results/bench/gradient_ensembles_tn.csv
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import math
import os
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import typer
from _harness import THREAD_VARS, pin_threads, tnbp_source, write_csv

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
#: part (ii): ensemble time, quimb (extrapolated) / tnbp, must be at least this
TN_TARGET_RATIO = 10.0
#: part (ii): a warm tnbp gradient may cost at most this many cold quimb calls
TN_MAX_CALLS = 10.0
#: part (ii): per-term derivatives compared with quimb before timing (at least)
CHECK_DERIVATIVES = 20
TN_FULL = {
    "n": 100,
    "layers": 4,
    "pattern": "brick",
    "samples": 100,
    "anchor_calls": 100,
    "shift_samples": 3,
    "autodiff": True,
    "autodiff_samples": 5,
}
TN_QUICK = {
    "n": 24,
    "layers": 2,
    "pattern": "brick",
    "samples": 5,
    "anchor_calls": 5,
    "shift_samples": 1,
    "autodiff": True,
    "autodiff_samples": 2,
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
    from tnbp.gradients import gradient_batch

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
    from tnbp.gradients import gradient_batch

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


# --------------------------------------------------------------------------- part (ii)


def tn_circuits(cfg: dict, samples: int, seed: int) -> list:
    """The samples of part (ii): one structure, angles from seeds ``seed + s``."""
    import tnbp

    return [
        tnbp.ansatz.hardware_efficient(
            cfg["n"],
            cfg["layers"],
            rotations=("Y", "Z"),
            entangler="cz",
            pattern=cfg["pattern"],
            seed=seed + s,
        )
        for s in range(samples)
    ]


def quimb_ops(circ) -> list[tuple]:
    """``(quimb gate name, qubits, trainable)`` per gate, in tnbp's order."""
    ops = []
    for g in circ.gates:
        if g.pauli is not None and len(g.pauli) == 1 and g.trainable:
            ops.append(("R" + g.pauli, g.qubits, True))
        elif g.pauli is None and g.label in ("CZ", "CNOT"):
            ops.append((g.label, g.qubits, False))
        else:
            raise ValueError(f"no quimb translation for gate {g.label} {g.qubits}")
    return ops


def quimb_circuit(n: int, ops, params):
    """A fresh ``quimb.tensor.Circuit`` of tnbp's gates with these angles."""
    import quimb.tensor as qtn

    qc = qtn.Circuit(n)
    k = 0
    for name, qubits, trainable in ops:
        if trainable:
            qc.apply_gate(name, float(params[k]), *qubits)
            k += 1
        else:
            qc.apply_gate(name, *qubits)
    return qc


@functools.cache
def _recording_optimizer():
    """``AutoHQOptimizer`` that records the network it was given and its search time."""
    import cotengra as ctg
    from cotengra.presets import estimate_optimal_hardness

    class Recording(ctg.AutoHQOptimizer):
        tensors = 0  # 0: quimb needed no search (at most two tensors left)
        hyper = False
        seconds = 0.0

        def search(self, inputs, output, size_dict, **kwargs):
            t = time.perf_counter()
            self.tensors = len(inputs)
            self.hyper = estimate_optimal_hardness(inputs) >= self.optimal_cutoff
            try:
                return super().search(inputs, output, size_dict, **kwargs)
            finally:
                self.seconds = time.perf_counter() - t

    return Recording


def path_optimizer():
    """A fresh ``AutoHQOptimizer`` (quimb's default preset) that keeps nothing.

    ``cache=False``: no ``ReusableHyperOptimizer`` behind it (the ``"auto-hq"``
    string preset keeps one per process, which would reuse trees across calls);
    ``parallel=False``: no process pool (one core, like everything else here).
    """
    return _recording_optimizer()(cache=False, parallel=False)


def anchor_call(qc, j: int):
    """``(<P0_j>, optimizer)``: one quimb ``local_expectation`` with a fresh search."""
    import numpy as np

    opt = path_optimizer()
    P0 = np.array([[1.0, 0.0], [0.0, 0.0]], dtype=complex)
    return qc.local_expectation(P0, j, optimize=opt), opt


def shift_structure(circ) -> tuple[list[list[int]], dict[int, list[int]]]:
    """``cone_params[j]``: trainable parameters in the cone of qubit ``j``;
    ``terms_of[p]``: the terms whose cone holds parameter ``p``."""
    index = {k: p for p, k in enumerate(circ.parameter_gates)}
    cone_params = [
        [index[k] for k in circ.lightcone((j,)) if k in index] for j in range(circ.n)
    ]
    terms_of: dict[int, list[int]] = {}
    for j, ps in enumerate(cone_params):
        for p in ps:
            terms_of.setdefault(p, []).append(j)
    return cone_params, terms_of


def check_parameters(circ, terms_of, want: int) -> list[int]:
    """Parameters to check, bulk and boundary, early and late, >= ``want`` terms."""
    n = circ.n
    on = [[] for _ in range(n)]
    for p, k in enumerate(circ.parameter_gates):
        on[circ.gates[k].qubits[0]].append(p)
    mid = n // 2
    # (qubit, position among that qubit's parameters): first-layer RY in the bulk
    # and at the edge, last-layer RZ, first-layer RZ, ...
    picks = [(mid, 0), (0, 0), (mid, -1), (mid + 1, 1), (n - 1, 1), (mid - 1, 2)]
    picks += [(q, 0) for q in range(mid + 2, n)]
    chosen, count = [], 0
    for q, i in picks:
        if count >= want:
            break
        p = on[q % n][i]
        if p not in chosen and p in terms_of:
            chosen.append(p)
            count += len(terms_of[p])
    return chosen


def tn_check(circ, ops, terms_of, check_params, obs):
    """Anchor parameter-shift derivatives vs tnbp adjoint; ``(pairs, per-term, cost)``.

    Per term: quimb's ``(<P0_j>(+) - <P0_j>(-)) / 2`` against minus tnbp's
    gradient of ``local_cost([j]) = 1 - P0_j``. Cost: tnbp's gradient of the
    whole local cost at ``p`` against ``-(1/n)`` times the sum over every term
    whose cone holds ``p`` (the others do not depend on it).
    """
    import numpy as np

    import tnbp
    from tnbp import observables

    n = circ.n
    theta = circ.parameters
    full = tnbp.gradient(circ, obs, method="adjoint", backend="tn")
    per_term = {}
    err_term = err_cost = 0.0
    for p in check_params:
        vals = {}
        for sign in (1, -1):
            shifted = theta.copy()
            shifted[p] += sign * np.pi / 2
            qc = quimb_circuit(n, ops, shifted)
            for j in terms_of[p]:
                vals[j, sign] = float(np.real(anchor_call(qc, j)[0]))
        total = 0.0
        for j in terms_of[p]:
            d = 0.5 * (vals[j, 1] - vals[j, -1])
            if j not in per_term:
                per_term[j] = tnbp.gradient(
                    circ, observables.local_cost([j]), method="adjoint", backend="tn"
                )
            err_term = max(err_term, abs(d + per_term[j][p]))
            total += d
        err_cost = max(err_cost, abs(full[p] + total / n))
    pairs = sum(len(terms_of[p]) for p in check_params)
    return pairs, err_term, err_cost


def draw_evaluations(cone_params, k: int, samples: int, rng) -> tuple[list, dict]:
    """``k`` anchor evaluations ``(sample, term, parameter, sign)``, stratified.

    Bulk terms (the largest cone) and boundary terms are drawn separately,
    each uniformly over its ``(term, parameter, sign)`` evaluations; the
    boundary gets its share of ``k`` but at least two draws (if it exists),
    so that both kinds are measured. Returns the draws and, per stratum, its
    weight (its share of all evaluations).
    """
    widest = max(len(ps) for ps in cone_params)
    evals = {"bulk": [], "boundary": []}
    for j, ps in enumerate(cone_params):
        kind = "bulk" if len(ps) == widest else "boundary"
        evals[kind] += [(j, p, sign) for p in ps for sign in (1, -1)]
    total = sum(len(v) for v in evals.values())
    weights = {s: len(v) / total for s, v in evals.items() if v}
    take = {}
    if "boundary" in weights:
        take["boundary"] = min(
            len(evals["boundary"]), max(2, round(k * weights["boundary"]))
        )
    take["bulk"] = k - take.get("boundary", 0)
    draws = []
    for s, m in take.items():
        for i in rng.choice(len(evals[s]), size=m, replace=False):
            j, p, sign = evals[s][i]
            draws.append((s, int(rng.integers(samples)), j, p, sign))
    return draws, weights


def run_tn(cfg: dict, seed: int) -> tuple[list[dict], bool]:
    """Part (ii): local-cost gradient ensemble at large n, tnbp tn vs quimb."""
    import warnings

    import numpy as np

    import tnbp
    from tnbp import observables
    from tnbp.states.tn.contraction import default_cache

    # said once in the header instead (cotengra warns when its hyper-optimizer
    # is first set up without kahypar)
    warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
    n, L, S, K = cfg["n"], cfg["layers"], cfg["samples"], cfg["anchor_calls"]
    keep_gc = cfg["gc"]
    circuits = tn_circuits(cfg, S, seed)
    first = circuits[0]
    obs = observables.local_cost(range(n))
    ops = quimb_ops(first)
    cone_params, terms_of = shift_structure(first)
    n_shifted = 2 * sum(len(ps) for ps in cone_params)
    print(
        f"Part (ii) tn: hardware-efficient ansatz, n = {n}, {L} {cfg['pattern']} "
        f"layers (RY, RZ on every qubit, then CZ), {first.num_parameters} "
        f"parameters, {len(first)} gates; full gradient of the local cost "
        f"1 - (1/n) sum_j |0><0|_j ({n} terms)"
    )
    found = {
        m: importlib.util.find_spec(m) is not None for m in ("cotengrust", "kahypar")
    }
    print(
        "  quimb's path search: "
        + ", ".join(
            f"{m} {'installed' if v else 'not installed'}" for m, v in found.items()
        )
        + f"; XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}"
    )
    print(
        f"  {S} samples (seeds {seed}..{seed + S - 1}); tnbp: tnbp.gradient("
        "method='adjoint', backend='tn') on every sample, tree cache cold at the "
        "start; anchor: quimb Circuit.local_expectation of |0><0|_j on "
        "parameter-shifted circuits, path search on every call"
    )

    # correctness before timing (untimed; on the first sample)
    check_params = check_parameters(first, terms_of, CHECK_DERIVATIVES)
    pairs, err_term, err_cost = tn_check(first, ops, terms_of, check_params, obs)
    failed = not (err_term <= GRAD_TOL and err_cost <= GRAD_TOL)
    print(
        f"  check (sample 0): {pairs} derivatives d<P0_j>/dtheta_p at "
        f"{len(check_params)} parameters {check_params} from quimb parameter "
        f"shifts vs tnbp adjoint: max|diff| {err_term:.1e} per term, "
        f"{err_cost:.1e} on the cost gradient "
        + ("(ok)" if not failed else f"> {GRAD_TOL:g}: CHECK FAILED")
    )

    # tnbp adjoint: the whole ensemble, cold tree cache at the start
    cache = default_cache()
    cache.clear()
    adj, adj_t, searches = [], [], []
    for c in circuits:
        (g, diagnostics), dt = timed(
            lambda c=c: tnbp.gradient_with_diagnostics(
                c, obs, method="adjoint", backend="tn"
            ),
            keep_gc,
        )
        adj.append(g)
        adj_t.append(dt)
        searches.append(diagnostics.tree_searches)
    adj = np.asarray(adj)
    total_tnbp = sum(adj_t)
    warm = adj_t[1:] or adj_t
    warm_mean = statistics.fmean(warm)
    warm_std = statistics.stdev(warm) if len(warm) > 1 else 0.0

    # tnbp parameter shift (warm trees), per contraction
    m_ps = min(S, cfg["shift_samples"])
    ps_t, ps_diff, ps_contr = [], 0.0, 0
    for i in range(m_ps):
        (g, diagnostics), dt = timed(
            lambda c=circuits[i]: tnbp.gradient_with_diagnostics(
                c, obs, method="parameter_shift", backend="tn"
            ),
            keep_gc,
        )
        ps_t.append(dt)
        ps_contr = diagnostics.contractions
        ps_diff = max(ps_diff, float(np.abs(g - adj[i]).max()))
    ps_grad = statistics.fmean(ps_t)
    ps_per = ps_grad / ps_contr

    # tnbp autodiff (optional): first call compiles, then warm
    ad = {"compile": float("nan"), "warm": float("nan"), "diff": float("nan")}
    m_ad = min(S, cfg["autodiff_samples"]) if cfg["autodiff"] else 0
    if m_ad:
        try:
            ad_t, ad_diff = [], 0.0
            for i in range(m_ad + 1):
                c = circuits[i % S]
                g, dt = timed(
                    lambda c=c: tnbp.gradient(c, obs, method="autodiff", backend="tn"),
                    keep_gc,
                )
                ad_t.append(dt)
                ad_diff = max(ad_diff, float(np.abs(g - adj[i % S]).max()))
            ad = {
                "compile": ad_t[0],
                "warm": statistics.fmean(ad_t[1:]),
                "diff": ad_diff,
            }
        except Exception as exc:  # noqa: BLE001 -- optional column, reported
            print(f"  autodiff column skipped: {type(exc).__name__}: {exc}")
            m_ad = 0
    diffs = [ps_diff] + ([ad["diff"]] if m_ad else [])
    bad = not max(diffs) <= GRAD_TOL
    failed |= bad

    # the anchor: K cold local_expectation calls drawn from the shift evaluations
    rng = np.random.default_rng(seed)
    draws, weights = draw_evaluations(cone_params, K, S, rng)
    calls = {s: [] for s in weights}
    search = {s: [] for s in weights}
    tensors, hyper, build_t = [], 0, []
    for stratum, s, j, p, sign in draws:
        shifted = circuits[s].parameters.copy()
        shifted[p] += sign * np.pi / 2
        t = time.perf_counter()
        qc = quimb_circuit(n, ops, shifted)
        build_t.append(time.perf_counter() - t)
        (_, opt), dt = timed(lambda qc=qc, j=j: anchor_call(qc, j), keep_gc)
        calls[stratum].append(dt)
        search[stratum].append(opt.seconds)
        tensors.append(opt.tensors)
        hyper += opt.hyper
    every = [t for ts in calls.values() for t in ts]
    mean_call = sum(weights[s] * statistics.fmean(ts) for s, ts in calls.items())
    # the part of a call that is not path search: what reusing trees could save
    search_mean = sum(weights[s] * statistics.fmean(ts) for s, ts in search.items())
    rest_call = mean_call - search_mean
    sem_call = math.sqrt(
        sum(
            weights[s] ** 2 * statistics.variance(ts) / len(ts)
            for s, ts in calls.items()
            if len(ts) > 1
        )
    )
    std_call = statistics.stdev(every) if len(every) > 1 else 0.0
    anchor_grad = mean_call * n_shifted
    anchor_total = anchor_grad * S

    ratio = anchor_total / total_tnbp
    ratio_eval = mean_call / ps_per
    ratio_rest = rest_call * n_shifted * S / total_tnbp
    calls_per_grad = warm_mean / mean_call
    ok = ratio >= TN_TARGET_RATIO
    ok_calls = calls_per_grad <= TN_MAX_CALLS

    print()
    print(
        f"evaluations one parameter-shift gradient needs: {n_shifted} shifted "
        f"(2 per parameter in each term's cone); tnbp parameter_shift counts "
        f"{ps_contr} contractions ({n} unshifted, one per term"
        + (")" if ps_contr == n_shifted + n else ", so its count differs)")
    )
    counts = ", ".join(f"{len(ts)} {s}" for s, ts in calls.items())
    shares = ", ".join(f"{s} {100 * w:.1f} %" for s, w in weights.items())
    print(
        f"quimb anchor: {K} cold calls ({counts}; evaluations: {shares}), "
        f"each on a freshly built shifted circuit of a random sample:"
    )
    print(
        f"  per call: mean {mean_call:.3f} s +- {sem_call:.3f} (stratified, "
        f"standard error), std {std_call:.3f}, min {min(every):.3f}, median "
        f"{statistics.median(every):.3f}, max {max(every):.3f} s"
    )
    for s, ts in calls.items():
        print(f"  {s:>8}: mean {statistics.fmean(ts):.3f} s over {len(ts)} calls")
    searched = [t for t in tensors if t]
    sizes = f"{min(searched)}-{max(searched)} tensors" if searched else "-"
    print(
        f"  path search inside the call: mean {search_mean:.3f} s "
        f"({100 * search_mean / mean_call:.0f} % of the call); {len(searched)} "
        f"of {K} calls searched (network left by quimb's simplification: "
        f"{sizes}; {hyper} by hyper-optimization, the rest by optimal search), "
        "the others had <= 2 tensors left"
    )
    print(
        f"  the rest of the call (lightcone, simplification, contraction): "
        f"{rest_call:.3f} s"
    )
    print(
        f"  (building each shifted quimb Circuit, not timed: "
        f"{statistics.fmean(build_t):.3f} s)"
    )
    print()
    head = f"{'engine':<34} {'s per gradient':>15} {f's for {S} samples':>18}"
    print(head)
    print("-" * len(head))
    print(
        f"{'quimb anchor (extrapolated)':<34} {anchor_grad:>15.1f} "
        f"{anchor_total:>18.0f}  = {mean_call:.3f} s x {n_shifted} x {S}"
    )
    print(
        f"{'tnbp adjoint (measured)':<34} {warm_mean:>15.3f} {total_tnbp:>18.4g}"
        f"  first (cold, {searches[0]} tree searches) {adj_t[0]:.3f} s, warm "
        f"mean {warm_mean:.3f} s (std {warm_std:.3f})"
    )
    print(
        f"{'tnbp parameter_shift':<34} {ps_grad:>15.3f} {'-':>18}"
        f"  {m_ps} sample(s), {1e3 * ps_per:.3f} ms per contraction, "
        f"max|diff| vs adjoint {ps_diff:.1e}"
    )
    if m_ad:
        print(
            f"{'tnbp autodiff (jax)':<34} {ad['warm']:>15.3f} {'-':>18}"
            f"  {m_ad} sample(s) warm; first call (jit compile) "
            f"{ad['compile']:.1f} s, max|diff| vs adjoint {ad['diff']:.1e}"
        )
    print()
    print(
        f"ensemble: quimb (extrapolated) / tnbp adjoint (measured) = {ratio:.3g}x "
        f"(target >= {TN_TARGET_RATIO:g}: {'met' if ok else 'NOT met'})"
    )
    print(
        f"per evaluation: quimb call / tnbp parameter-shift contraction = "
        f"{ratio_eval:.3g}x"
    )
    print(
        f"ensemble if quimb's path search were free (its other work only): "
        f"{ratio_rest:.3g}x"
    )
    print(
        f"a whole warm-cache tnbp adjoint gradient costs {calls_per_grad:.2f} cold "
        f"quimb local_expectation calls (acceptance <= {TN_MAX_CALLS:g}: "
        f"{'met' if ok_calls else 'NOT met'})"
    )
    if failed:
        print(f"WARNING: gradients differ by more than {GRAD_TOL:g}")

    row = {
        "part": "tn",
        "n": n,
        "layers": L,
        "pattern": cfg["pattern"],
        "num_parameters": first.num_parameters,
        "gates": len(first),
        "terms": n,
        "samples": S,
        "shifted_evaluations_per_gradient": n_shifted,
        "tnbp_ps_contractions_per_gradient": ps_contr,
        "anchor_calls": K,
        "anchor_calls_bulk": len(calls.get("bulk", [])),
        "anchor_calls_boundary": len(calls.get("boundary", [])),
        "anchor_call_s_mean": mean_call,
        "anchor_call_s_sem": sem_call,
        "anchor_call_s_std": std_call,
        "anchor_call_s_min": min(every),
        "anchor_call_s_median": statistics.median(every),
        "anchor_call_s_max": max(every),
        "anchor_search_s_mean": search_mean,
        "anchor_rest_s_mean": rest_call,
        "anchor_calls_searched": len(searched),
        "anchor_calls_hyper": hyper,
        "anchor_tensors_min": min(searched) if searched else 0,
        "anchor_tensors_max": max(searched) if searched else 0,
        "anchor_build_s_mean": statistics.fmean(build_t),
        "anchor_gradient_s_extrapolated": anchor_grad,
        "anchor_ensemble_s_extrapolated": anchor_total,
        "tnbp_adjoint_first_s": adj_t[0],
        "tnbp_adjoint_first_tree_searches": searches[0],
        "tnbp_adjoint_warm_s_mean": warm_mean,
        "tnbp_adjoint_warm_s_std": warm_std,
        "tnbp_adjoint_ensemble_s": total_tnbp,
        "tnbp_ps_samples": m_ps,
        "tnbp_ps_gradient_s": ps_grad,
        "tnbp_ps_contraction_ms": 1e3 * ps_per,
        "tnbp_autodiff_samples": m_ad,
        "tnbp_autodiff_first_s": ad["compile"],
        "tnbp_autodiff_warm_s": ad["warm"],
        "ratio_ensemble": ratio,
        "ratio_per_evaluation": ratio_eval,
        "ratio_ensemble_without_search": ratio_rest,
        "warm_gradient_in_anchor_calls": calls_per_grad,
        "check_derivatives": pairs,
        "check_max_abs_diff_term": err_term,
        "check_max_abs_diff_cost": err_cost,
        "max_abs_diff_ps": ps_diff,
        "max_abs_diff_autodiff": ad["diff"],
    }
    return [row], failed


#: part name -> (runner, full settings, quick settings)
PARTS = {
    "dense": (run_dense, DENSE_FULL, DENSE_QUICK),
    "tn": (run_tn, TN_FULL, TN_QUICK),
}


# --------------------------------------------------------------------------- main


def main(
    part: Annotated[
        str, typer.Option(help=f"Which part to run: {', '.join(PARTS)}.")
    ] = "dense",
    quick: Annotated[
        bool,
        typer.Option(
            help="dense: n = 8 10, 20 samples, 1 repeat; tn: n = 24, 2 layers, "
            "5 samples, 5 quimb calls."
        ),
    ] = False,
    threads: Annotated[
        int,
        typer.Option(help="BLAS/OpenMP threads (set before numpy import)."),
    ] = 1,
    repeats: Annotated[
        int | None,
        typer.Option(help="dense: timed repeats per configuration (3; 1 quick)."),
    ] = None,
    ns: Annotated[
        str | None,
        typer.Option(
            help="Override the qubit counts, comma separated (tn: one value)."
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(help="Override the number of samples (dense 200, tn 100)."),
    ] = None,
    large_subset: Annotated[
        int | None,
        typer.Option(
            help="dense: for n >= 16, time the per-sample engines on this many "
            "samples (default 50; 0 = all)."
        ),
    ] = None,
    layers: Annotated[
        int | None, typer.Option(help="tn: override the number of layers (4).")
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option(help="tn: entangler pattern, brick (default) or ladder."),
    ] = None,
    anchor_calls: Annotated[
        int | None,
        typer.Option(help="tn: cold quimb local_expectation calls timed (100)."),
    ] = None,
    autodiff: Annotated[
        bool | None,
        typer.Option(
            "--autodiff/--no-autodiff",
            help="tn: also time method='autodiff' (jax; default on).",
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
    """Time tnbp's gradient ensembles against PennyLane lightning or quimb."""
    if part not in PARTS:
        raise typer.BadParameter(
            f"--part must be one of {', '.join(PARTS)}, got {part!r}"
        )
    note = pin_threads(threads)

    import numpy as np

    import tnbp

    runner, full, quick_cfg = PARTS[part]
    cfg = dict(quick_cfg if quick else full)
    given = {
        "repeats": repeats,
        "large_subset": large_subset,
        "layers": layers,
        "pattern": pattern,
        "anchor_calls": anchor_calls,
        "autodiff": autodiff,
    }
    for key, value in given.items():
        if value is not None:
            if key not in cfg:
                raise typer.BadParameter(
                    f"--{key.replace('_', '-')} does not apply to --part {part}"
                )
            cfg[key] = value
    if ns:
        values = tuple(int(x) for x in ns.split(","))
        if "ns" in cfg:
            cfg["ns"] = values
        elif len(values) == 1:
            cfg["n"] = values[0]
        else:
            raise typer.BadParameter(f"--part {part} takes a single --ns value")
    if samples is not None:
        cfg["samples"] = samples
    cfg["gc"] = keep_gc

    blas = "?"
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]["name"]
    except Exception:  # noqa: BLE001 -- informational only
        pass
    peers = {
        "dense": (
            "PennyLane lightning.qubit adjoint",
            ("pennylane", "pennylane-lightning"),
        ),
        "tn": ("quimb local_expectation", ("quimb", "cotengra", "jax")),
    }
    title, packages = peers[part]
    print(f"Gradient ensembles, part {part}: tnbp vs {title}")
    print(
        f"  python {platform.python_version()}, numpy {np.__version__} ({blas}), "
        f"tnbp {tnbp.__version__}, "
        + ", ".join(f"{pkg} {version(pkg)}" for pkg in packages)
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
    source = tnbp_source()
    print(f"  tnbp source: {source}")
    rows, failed = runner(cfg, seed)
    for row in rows:
        row.update(
            threads=threads, seed=seed, gc_during_timing=keep_gc, tnbp_source=source
        )

    if out is not None:
        write_csv(rows, out)
    if failed:
        raise typer.Exit(1)
    return rows


if __name__ == "__main__":
    typer.run(main)
