"""Ensembles of one structure: entropy profiles of many random instances, batched vs one at a time.

What is measured
----------------
``--instances`` (500) random Haar brickwork circuits of one structure
(:func:`tnbp.ansatz.haar_brickwork` with ``n`` = 64, depth 4, seeds
``seed .. seed + instances - 1``), each simulated from ``|0...0>`` as an MPS
(no bond cap, cutoff 1e-12, ``rsum2``), and the entanglement entropy (von
Neumann, bits) at every cut of every instance. Wall-clock time
(``time.perf_counter``) of the whole ensemble, reported per instance:

* ``batch``  -- ``tnbp.simulate_batch(circuits)`` (the lean MPS engine with a
  batch axis, every instance's own truncation and record, one batched
  canonical sweep) then ``batch.entropy_profiles()``, on one thread;
* ``batch_workers`` -- the same with ``workers=--workers`` (2): chunks of the
  batch on that many threads (the compiled loops release the GIL), BLAS
  still at one thread per worker; only with ``--workers`` above 1;
* ``single`` -- one at a time as a script would do it without the batch API:
  ``tnbp.entropy_profile(tnbp.simulate(c))`` per circuit (``simulate`` runs the
  lean engine, ``engine="auto"``);
* ``quimb_path`` -- the same one at a time on quimb's gate path
  (``engine="quimb"``: tnbp before the lean engine), on the first
  ``--quimb-instances`` (50) circuits only (it is slow);
* ``aer``    -- qiskit-aer ``AerSimulator(method="matrix_product_state")``
  with truncation threshold 1e-12 (the same rule), all circuits in one
  ``sim.run(circuits).result()`` call (aer runs a list of experiments
  itself), entropies from the Schmidt coefficients aer returns with
  ``save_matrix_product_state`` (:math:`S = -\\sum_i \\lambda_i^2 \\log_2
  \\lambda_i^2` per cut). Building the qiskit circuits is not timed. Skipped if
  ``qiskit_aer`` is not importable.

Checks: the entropies of ``batch``, ``single`` and ``quimb_path`` agree to
1e-10 bits, aer's to 1e-8 (its own SVD; column ``max_entropy_diff_aer``),
and every instance's fidelity estimate and bonds in the batch equal its
single run's.

Acceptance (issue 16): batched per-instance time at least 5x below one at a
time (``ratio_single_batch >= 5``) and below aer's (``ratio_aer_batch > 1``);
the target columns judge the one-thread batch, and the ``*_batch_workers``
ratios the threaded one (against aer on one thread: its
``max_parallel_experiments=1``).
BLAS and OpenMP threads are pinned to ``--threads`` (1) before numpy is
imported; each engine is timed ``--repeats`` times, interleaved, best kept.

Usage::

    python benchmarks/mps_ensemble.py            # 500 instances, n = 64, depth 4
    python benchmarks/mps_ensemble.py --quick    # 20 instances, n = 16
"""

from __future__ import annotations

from typing import Annotated

import typer
from _harness import (
    KeepGC,
    Out,
    Repeats,
    Threads,
    find_peer,
    quick_option,
    settings,
    start,
)

CUTOFF = 1e-12
ENTROPY_TOL = 1e-10
AER_ENTROPY_TOL = 1e-8
SPEEDUP_TARGET = 5.0
FULL = {"n": 64, "depth": 4, "instances": 500, "quimb_instances": 50, "repeats": 2}
QUICK = {"n": 16, "depth": 4, "instances": 20, "quimb_instances": 5, "repeats": 1}


def run_batch(circuits, workers=1):
    import tnbp

    batch = tnbp.simulate_batch(circuits, cutoff=CUTOFF, workers=workers)
    return batch, batch.entropy_profiles()


def run_single(circuits, engine="auto"):
    import numpy as np

    import tnbp

    states = [tnbp.simulate(c, cutoff=CUTOFF, engine=engine) for c in circuits]
    return states, np.array([np.asarray(tnbp.entropy_profile(st)) for st in states])


def aer_circuits(circuits):
    """qiskit circuits of the same gates, saving the MPS (see mps_simulation.py)."""
    import numpy as np
    import qiskit_aer  # noqa: F401 -- registers QuantumCircuit.save_* methods
    from qiskit import QuantumCircuit

    out = []
    for circ in circuits:
        qc = QuantumCircuit(circ.n)
        for layer in circ.layers():
            for k in layer:
                g = circ.gates[k]
                # writeable copy: aer 0.18 transposes read-only matrices
                qc.unitary(np.array(g.to_matrix(), dtype=complex), list(g.qubits[::-1]))
        qc.save_matrix_product_state()
        out.append(qc)
    return out


def run_aer(sim, qcs):
    """All circuits in one aer call; the entropy profile of each (bits)."""
    import numpy as np

    result = sim.run(qcs).result()
    if not result.success:
        raise RuntimeError(f"qiskit-aer failed: {result.status}")
    profiles = []
    for k in range(len(qcs)):
        _, lambdas = result.data(k)["matrix_product_state"]
        row = []
        for lam in lambdas:
            p = np.asarray(lam, dtype=float) ** 2
            p = p[p > 0] / p.sum()
            row.append(float(-(p * np.log2(p)).sum()))
        profiles.append(row)
    return np.array(profiles)


def main(
    quick: Annotated[bool, quick_option("n = 16, 20 instances, 1 repeat")] = False,
    threads: Threads = 1,
    repeats: Repeats = None,
    instances: Annotated[int | None, typer.Option(help="Number of instances.")] = None,
    seed: Annotated[int, typer.Option(help="First seed of the instances.")] = 0,
    aer: Annotated[bool, typer.Option(help="Run qiskit-aer if importable.")] = True,
    workers: Annotated[
        int, typer.Option(help="Threads of the threaded batch row (1: no such row).")
    ] = 2,
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time batched entropy profiles of many instances against one at a time and aer."""
    bench = start(threads, keep_gc)
    cfg = settings(FULL, QUICK, quick, repeats=repeats, instances=instances)
    peer = find_peer("qiskit-aer", "qiskit_aer", skip="" if aer else "--no-aer")
    bench.header(
        "MPS ensembles: entropy profiles of random instances of one structure, "
        "tnbp batched vs one at a time vs qiskit-aer",
        ("quimb",),
        [peer],
    )
    import numpy as np

    import tnbp

    n, depth, count = cfg["n"], cfg["depth"], cfg["instances"]
    few = min(cfg["quimb_instances"], count)
    print(
        f"  Haar brickwork n = {n}, depth {depth}, {count} instances (seeds {seed}.."
        f"{seed + count - 1}), cutoff {CUTOFF:g} (rsum2), no bond cap; quimb path "
        f"on the first {few}; time = best of {cfg['repeats']}, engines interleaved"
    )
    circuits = [
        tnbp.ansatz.haar_brickwork(n, depth, seed=seed + s) for s in range(count)
    ]
    calls = {
        "batch": lambda: run_batch(circuits),
        **(
            {"batch_workers": lambda: run_batch(circuits, workers)}
            if workers > 1
            else {}
        ),
        "single": lambda: run_single(circuits),
        "quimb_path": lambda: run_single(circuits[:few], engine="quimb"),
    }
    if peer.available:
        from qiskit_aer import AerSimulator

        sim = AerSimulator(
            method="matrix_product_state",
            matrix_product_state_truncation_threshold=CUTOFF,
            max_parallel_threads=threads,
            max_parallel_experiments=1,
            mps_omp_threads=threads,
            max_memory_mb=-1,
        )
        qcs = aer_circuits(circuits)
        calls["aer"] = lambda: run_aer(sim, qcs)
    for name in calls:  # warm-up: numba loads its kernels, aer starts
        if name == "aer":
            run_aer(sim, qcs[:2])
        elif name.startswith("batch"):
            run_batch(circuits[:4], workers if name == "batch_workers" else 1)
        else:
            run_single(circuits[:1], engine="quimb" if name == "quimb_path" else "auto")
    times, results = bench.interleaved(calls, cfg["repeats"])
    per = {e: min(v) / (few if e == "quimb_path" else count) for e, v in times.items()}
    batch, e_batch = results["batch"]
    if workers > 1:  # the threaded batch: same entropies
        diff_workers = float(np.abs(results["batch_workers"][1] - e_batch).max())
    else:
        diff_workers = 0.0
    singles, e_single = results["single"]
    _, e_quimb = results["quimb_path"]
    same_records = all(
        b.record.bond_dims == s.record.bond_dims
        and abs(b.fidelity_estimate - s.fidelity_estimate) <= ENTROPY_TOL
        for b, s in zip(batch, singles)
    )
    diff_single = float(np.abs(e_batch - e_single).max())
    diff_quimb = float(np.abs(e_batch[:few] - e_quimb).max())
    diff_aer = (
        float(np.abs(e_batch - results["aer"]).max()) if "aer" in results else None
    )
    row = {
        "n": n,
        "depth": depth,
        "instances": count,
        "quimb_instances": few,
        "batch_ms": per["batch"] * 1e3,
        "single_ms": per["single"] * 1e3,
        "quimb_path_ms": per["quimb_path"] * 1e3,
        "aer_ms": per["aer"] * 1e3 if "aer" in per else None,
        "workers": workers,
        "batch_workers_ms": per["batch_workers"] * 1e3 if workers > 1 else None,
        "ratio_single_batch_workers": (
            per["single"] / per["batch_workers"] if workers > 1 else None
        ),
        "ratio_aer_batch_workers": (
            per["aer"] / per["batch_workers"] if workers > 1 and "aer" in per else None
        ),
        "ratio_single_batch": per["single"] / per["batch"],
        "ratio_quimb_path_batch": per["quimb_path"] / per["batch"],
        "ratio_aer_batch": per["aer"] / per["batch"] if "aer" in per else None,
        "target_single_met": per["single"] / per["batch"] >= SPEEDUP_TARGET,
        "target_aer_met": per["aer"] > per["batch"] if "aer" in per else None,
        "max_entropy_diff_single": diff_single,
        "max_entropy_diff_quimb_path": diff_quimb,
        "max_entropy_diff_aer": diff_aer,
        "records_match": same_records,
        "max_bond_reached": max(st.max_bond_reached for st in batch),
        "repeats": cfg["repeats"],
        "statistic": "min",
        "seed": seed,
    }
    print()
    print(f"{'engine':<34} {'ms/instance':>11} {'ratio to batch':>15}")
    print("-" * 62)
    labels = {
        "batch": "tnbp simulate_batch + entropies",
        "batch_workers": f"  the same, workers={workers} threads",
        "single": "tnbp one at a time (lean engine)",
        "quimb_path": f"tnbp one at a time, quimb path ({few})",
        "aer": "qiskit-aer (one run() call)",
    }
    for e, label in labels.items():
        if e in per:
            print(f"{label:<34} {per[e] * 1e3:>11.3f} {per[e] / per['batch']:>15.2f}")
    print()
    print(
        f"one at a time / batch = {row['ratio_single_batch']:.2f} (target >= "
        f"{SPEEDUP_TARGET:g}: {'met' if row['target_single_met'] else 'NOT met'}); "
        + (
            f"aer / batch = {row['ratio_aer_batch']:.2f} (target > 1: "
            f"{'met' if row['target_aer_met'] else 'NOT met'})"
            if "aer" in per
            else "aer not run"
        )
    )
    print(
        f"largest entropy difference (bits): batch vs one at a time {diff_single:.2g}, "
        f"vs quimb path {diff_quimb:.2g}"
        + (f", vs aer {diff_aer:.2g}" if diff_aer is not None else "")
        + f"; records match: {same_records}; largest bond {row['max_bond_reached']}"
    )
    if workers > 1:
        print(
            f"threaded batch ({workers} workers; aer on 1 thread): one at a time / "
            f"batch = {row['ratio_single_batch_workers']:.2f}"
            + (
                f", aer / batch = {row['ratio_aer_batch_workers']:.2f}"
                if "aer" in per
                else ""
            )
            + f"; entropies equal to the one-thread batch within {diff_workers:.2g}"
        )
    failed = (
        diff_single > ENTROPY_TOL
        or diff_quimb > ENTROPY_TOL
        or diff_workers > ENTROPY_TOL
        or (diff_aer is not None and diff_aer > AER_ENTROPY_TOL)
        or not same_records
    )
    return bench.finish([row], out, failed)


if __name__ == "__main__":
    typer.run(main)
