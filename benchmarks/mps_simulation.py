"""MPS circuit simulation: tnbp against raw quimb ``CircuitMPS`` and qiskit-aer.

What is measured
----------------
Wall-clock time (``time.perf_counter``) to simulate a Haar-random brickwork
circuit (:func:`tnbp.ansatz.haar_brickwork`) from ``|0...0>`` as a matrix
product state with a bond-dimension cap ``chi`` and a relative discarded-weight
cutoff of 1e-12, for every (depth, chi) of the grid:

* ``tnbp``  -- ``tnbp.simulate(circ, backend="mps", max_bond=chi, cutoff=1e-12)``;
  this also records the bond dimensions after every layer, the discarded
  weight and the fidelity estimate.
* ``quimb`` -- raw ``quimb.tensor.CircuitMPS(n, max_bond=chi, cutoff=1e-12)``
  applying the *identical* gate matrices, in the *identical* order (layer by
  layer, as ``circ.layers()`` lists them) with
  ``apply_gate_raw(G, qubits, contract="swap+split")``. It is given tnbp's
  truncation rule (``cutoff_mode="rsum2"``: drop the smallest singular values
  whose squared sum is below ``cutoff`` times the total, then keep at most
  ``chi``); quimb's own default is ``"rel"`` (``s_i / s_max < cutoff``). As a
  check that both made the same truncations, quimb's ``fidelity_estimate()``
  must equal tnbp's ``st.fidelity_estimate`` to 1e-8 (column ``check``).
* ``aer`` -- qiskit-aer ``AerSimulator(method="matrix_product_state")`` with
  ``matrix_product_state_max_bond_dimension=chi`` and
  ``matrix_product_state_truncation_threshold=1e-12`` (aer drops the smallest
  Schmidt coefficients whose squared sum is below the threshold, on a
  normalized state: the same rule as tnbp's), once with aer's default SVD and
  once with ``mps_lapack=True``. The ``mps_lapack=True`` runs happen in a
  separate (spawned, persistent, warmed-up) process, because qiskit-aer 0.18.2
  segfaults now and then inside its bundled OpenBLAS 0.3.15 ``zgesvd`` on that
  path (about one process in six here); a crash there is reported in the
  table (``crash``) instead of killing the benchmark. Each gate is a
  ``UnitaryGate`` on qubits ``[j, i]`` (qiskit is little-endian; tnbp qubit k
  is qiskit qubit k), built from a writeable copy of the matrix: given a
  read-only array (tnbp stores gate matrices read-only), qiskit-aer 0.18.2
  silently applies its transpose. The
  circuit ends with ``save_matrix_product_state()``: without any save
  instruction aer skips the simulation altogether, and with a save on a few
  qubits it simulates only their light cone, so the whole state must be
  saved. The timed call is ``sim.run(qc).result()`` (it includes aer's
  circuit assembly and the copy of the MPS back to Python; building the
  ``QuantumCircuit`` is not timed, and no ``transpile`` is needed since
  ``unitary`` is a native aer instruction). ``max_memory_mb=-1`` is set because
  aer's memory estimate for MPS ignores the bond cap and refuses deep circuits.
  Skipped, with a line saying so, if ``qiskit_aer`` is not importable.

Before timing, a small exact check (n = 8, no truncation) compares the final
state of each engine with tnbp's dense statevector (overlap must be 1), which
catches qubit-ordering or gate-convention mistakes; then each engine is run
once untimed (numba compiles quimb's kernels on first use, seconds). Each
configuration is then timed ``--repeats`` times, engines interleaved within
each repeat so that drift hits all of them alike (the ``mps_lapack`` runs,
in their own process, come after the others); the table reports the
**best** (minimum) of the repeats, the CSV also has the median.

How to read the ratios
----------------------
``tnbp/quimb`` is tnbp's overhead over the quimb machinery it drives (the
bond record, per-gate norm bookkeeping, input checks); the target is <= 1.15
(column ``ok``). ``tnbp/aer`` and ``tnbp/aer_lapack`` compare against an
independent C++ MPS simulator: below 1 tnbp is faster. Absolute times drift
up to 2x from run to run on a shared 2-core machine, so compare ratios taken
in one run. BLAS (and OpenMP / numba / aer) threads are pinned to
``--threads`` (default 1) before numpy is imported, and tnbp is given
``blas_threads=--threads`` (it otherwise limits BLAS to one thread itself
during a run); the header says so.

Usage::

    python benchmarks/mps_simulation.py                 # full grid, n = 64
    python benchmarks/mps_simulation.py --quick         # n = 32, small grid, 1 repeat
    python benchmarks/mps_simulation.py --out results/mps_simulation.csv
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Annotated

import typer
from _harness import THREAD_VARS, pin_threads, write_csv

CUTOFF = 1e-12
TARGET_RATIO = 1.15
FIDELITY_TOL = 1e-8
FULL = {"n": 64, "depths": (4, 8, 12, 16), "chis": (32, 64, 128), "repeats": 3}
QUICK = {"n": 32, "depths": (4, 8), "chis": (32, 64), "repeats": 1}


# --------------------------------------------------------------------------- engines


def gate_ops(circ):
    """``(matrix, qubits)`` in the order tnbp applies them (layer by layer)."""
    gates = circ.gates
    return [
        (gates[k].to_matrix(), gates[k].qubits)
        for layer in circ.layers()
        for k in layer
    ]


#: extra keyword arguments of tnbp.simulate (``blas_threads``, where supported)
TNBP_OPTS: dict = {}


def run_tnbp(circ, chi):
    import tnbp

    return tnbp.simulate(circ, backend="mps", max_bond=chi, cutoff=CUTOFF, **TNBP_OPTS)


def run_quimb(n, ops, chi):
    import quimb.tensor as qtn

    c = qtn.CircuitMPS(
        n, max_bond=chi, cutoff=CUTOFF, gate_opts={"cutoff_mode": "rsum2"}
    )
    for G, qubits in ops:
        c.apply_gate_raw(G, qubits, contract="swap+split")
    return c


def aer_circuit(n, ops, save="mps"):
    """A qiskit circuit of the same gates; tnbp qubit k is qiskit qubit k."""
    import numpy as np
    import qiskit_aer  # noqa: F401 -- registers QuantumCircuit.save_* methods
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n)
    for G, qubits in ops:
        # np.array: a writeable copy. qiskit-aer 0.18 applies the *transpose* of a
        # read-only matrix (tnbp stores gate matrices read-only).
        U = np.array(G, dtype=complex)
        # tnbp: first qubit most significant; qiskit: first listed least significant
        qc.unitary(U, list(qubits[::-1]))
    if save == "mps":
        qc.save_matrix_product_state()
    else:
        qc.save_statevector()
    return qc


def aer_simulator(chi, threads, lapack):
    from qiskit_aer import AerSimulator

    opts = dict(
        method="matrix_product_state",
        matrix_product_state_truncation_threshold=CUTOFF,
        max_parallel_threads=threads,
        mps_omp_threads=threads,
        mps_lapack=lapack,
        max_memory_mb=-1,
    )
    if chi is not None:
        opts["matrix_product_state_max_bond_dimension"] = chi
    return AerSimulator(**opts)


def run_aer(sim, qc):
    result = sim.run(qc).result()
    if not result.success:
        raise RuntimeError(f"qiskit-aer failed: {result.status}")
    return result


def aer_max_bond(result) -> int:
    _, lambdas = result.data()["matrix_product_state"]
    return max((len(lam) for lam in lambdas), default=1)


_CHILD_WARM = False


def aer_child_timings(n, ops, chi, threads, lapack, reps):
    """Time aer in this (child) process: ``(times, max bond)``; warms up once."""
    global _CHILD_WARM
    pin_threads(threads)
    qc = aer_circuit(n, ops)
    sim = aer_simulator(chi, threads, lapack)
    if not _CHILD_WARM:
        run_aer(sim, qc)
        _CHILD_WARM = True
    times, result = [], None
    for _ in range(reps):
        t = time.perf_counter()
        result = run_aer(sim, qc)
        times.append(time.perf_counter() - t)
    return times, None if result is None else aer_max_bond(result)


class IsolatedAer:
    """qiskit-aer runs in a persistent spawned process that may crash."""

    def __init__(self, threads):
        self.threads = threads
        self.pool = None
        self.crashes = 0

    def times(self, n, ops, chi, reps, lapack=True):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if self.pool is None:
            ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
        job = self.pool.submit(
            aer_child_timings, n, ops, chi, self.threads, lapack, reps
        )
        try:
            return job.result()
        except BrokenProcessPool:
            self.crashes += 1
            self.pool.shutdown(wait=False)
            self.pool = None
            return None, None

    def close(self):
        if self.pool is not None:
            self.pool.shutdown()


# --------------------------------------------------------------------------- checks


def exact_check(have_aer: bool, threads: int) -> bool:
    """Overlap of each engine's final state with tnbp's dense statevector (n = 8)."""
    import warnings

    import numpy as np

    import tnbp

    # to_dense() contracts with cotengra, which warns once that kahypar is absent
    warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
    n = 8
    circ = tnbp.ansatz.haar_brickwork(n, 6, seed=7)
    ops = gate_ops(circ)
    ref = np.asarray(tnbp.simulate(circ, backend="dense").statevector).ravel()
    states = {
        "tnbp mps": run_tnbp(circ, None).to_quimb().to_dense().ravel(),
        "quimb CircuitMPS": np.asarray(run_quimb(n, ops, None).to_dense()).ravel(),
    }
    if have_aer:
        res = run_aer(
            aer_simulator(None, threads, False), aer_circuit(n, ops, save="sv")
        )
        sv = np.asarray(res.get_statevector()).reshape((2,) * n)
        states["qiskit-aer mps"] = sv.transpose(tuple(range(n))[::-1]).ravel()
    ok = True
    for name, psi in states.items():
        overlap = abs(np.vdot(ref, psi)) ** 2 / np.vdot(psi, psi).real
        good = abs(overlap - 1) < 1e-10
        ok &= good
        print(
            f"  {name:<18} |<dense|psi>|^2 = {overlap:.12f}  "
            f"{'ok' if good else 'FAILED'}"
        )
    return ok


# --------------------------------------------------------------------------- main


def _fmt(x, spec):
    return (
        "-"
        if x is None or (isinstance(x, float) and math.isnan(x))
        else format(x, spec)
    )


def _ratio(a, b):
    return a / b if (a is not None and b) else None


def main(
    quick: Annotated[
        bool, typer.Option(help="n=32, depths 4 8, chi 32 64, 1 repeat.")
    ] = False,
    threads: Annotated[
        int,
        typer.Option(help="BLAS/OpenMP/numba/aer threads (set before numpy import)."),
    ] = 1,
    repeats: Annotated[
        int | None,
        typer.Option(help="Timed repeats per configuration (default 3; 1 quick)."),
    ] = None,
    n: Annotated[
        int | None, typer.Option(help="Override the number of qubits.")
    ] = None,
    depths: Annotated[
        str | None, typer.Option(help="Override depths, comma separated.")
    ] = None,
    chis: Annotated[
        str | None, typer.Option(help="Override bond caps, comma separated.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the Haar brickwork.")] = 1234,
    aer: Annotated[bool, typer.Option(help="Run qiskit-aer if importable.")] = True,
    aer_lapack: Annotated[
        bool, typer.Option(help="Also run qiskit-aer with mps_lapack=True.")
    ] = True,
    out: Annotated[
        Path | None, typer.Option(help="Write the results as CSV here.")
    ] = None,
) -> list[dict]:
    """Time tnbp's MPS simulation against raw quimb and qiskit-aer; print a table."""
    note = pin_threads(threads)

    import inspect

    import numpy as np
    import quimb

    import tnbp

    # tnbp limits BLAS threads itself during a run (threadpoolctl): same setting
    TNBP_OPTS.clear()
    if "blas_threads" in inspect.signature(tnbp.simulate).parameters:
        TNBP_OPTS["blas_threads"] = threads
    cfg = dict(QUICK if quick else FULL)
    if n is not None:
        cfg["n"] = n
    if depths:
        cfg["depths"] = tuple(int(d) for d in depths.split(","))
    if chis:
        cfg["chis"] = tuple(int(c) for c in chis.split(","))
    if repeats is not None:
        cfg["repeats"] = repeats
    nq, reps = cfg["n"], max(1, cfg["repeats"])

    have_aer = False
    aer_note = ""
    if aer:
        try:
            import qiskit_aer

            have_aer = True
            aer_note = f", qiskit-aer {qiskit_aer.__version__}"
        except ImportError as exc:
            aer_note = f"; qiskit-aer skipped (not importable: {exc})"
    else:
        aer_note = "; qiskit-aer skipped (--no-aer)"

    blas = "?"
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]["name"]
    except Exception:  # noqa: BLE001 -- informational only
        pass
    print(
        "MPS circuit simulation: Haar brickwork, "
        "tnbp vs raw quimb CircuitMPS vs qiskit-aer"
    )
    print(
        f"  python {platform.python_version()}, numpy {np.__version__} ({blas}), "
        f"quimb {quimb.__version__}, tnbp {tnbp.__version__}{aer_note}"
    )
    print(
        f"  threads: {', '.join(THREAD_VARS)} = {threads}{note}; "
        f"tnbp simulate(**{TNBP_OPTS}); "
        f"aer max_parallel_threads = mps_omp_threads = {threads}; "
        f"{os.cpu_count()} cores"
    )
    print(
        f"  n = {nq}, depths {list(cfg['depths'])}, chi {list(cfg['chis'])}, "
        f"cutoff {CUTOFF:g} (rsum2), seed {seed}; time = best of {reps} "
        f"(time.perf_counter, engines interleaved)"
    )
    if not have_aer:
        print(f"  qiskit-aer: skipped{aer_note.split('skipped', 1)[-1]}")

    print(
        "Exact check (n = 8, depth 6, no truncation) against tnbp's dense statevector:"
    )
    if not exact_check(have_aer, threads):
        print("Exact check FAILED: engines do not simulate the same circuit; aborting.")
        raise typer.Exit(1)

    configs = [(d, c) for d in cfg["depths"] for c in cfg["chis"]]
    circuits = {d: tnbp.ansatz.haar_brickwork(nq, d, seed=seed) for d in cfg["depths"]}
    ops = {d: gate_ops(circuits[d]) for d in cfg["depths"]}

    engines = ["tnbp", "quimb"] + (["aer"] if have_aer else [])
    isolated = IsolatedAer(threads) if have_aer and aer_lapack else None

    # warm-up: one untimed run of every engine (numba JIT in quimb)
    d0, c0 = configs[0]
    t0 = time.perf_counter()
    run_tnbp(circuits[d0], c0)
    run_quimb(nq, ops[d0], c0)
    if have_aer:
        run_aer(aer_simulator(c0, threads, False), aer_circuit(nq, ops[d0]))
    if isolated is not None:
        isolated.times(nq, ops[d0], c0, 0)  # starts the process and warms it up
    print(f"Warm-up (depth {d0}, chi {c0}, untimed): {time.perf_counter() - t0:.2f} s")

    rows = []
    head = (
        f"{'n':>3} {'depth':>5} {'chi':>4} "
        f"| {'tnbp s':>8} {'quimb s':>8} {'t/q':>5} {'ok':>3} "
        f"| {'aer s':>8} {'t/aer':>6} {'aerlap s':>8} {'t/alap':>6} "
        f"| {'maxbond':>7} {'aerbond':>7} | {'F tnbp':>12} {'F quimb':>12} {'check':>5}"
    )
    print()
    print(head)
    print("-" * len(head))
    failed = False
    for depth, chi in configs:
        circ, gops = circuits[depth], ops[depth]
        times = {e: [] for e in engines}
        out_state = {}
        qc = aer_circuit(nq, gops) if have_aer else None
        sims = {"aer": aer_simulator(chi, threads, False)} if have_aer else {}
        for _ in range(reps):
            for e in engines:
                t = time.perf_counter()
                if e == "tnbp":
                    res = run_tnbp(circ, chi)
                elif e == "quimb":
                    res = run_quimb(nq, gops, chi)
                else:
                    res = run_aer(sims[e], qc)
                times[e].append(time.perf_counter() - t)
                out_state[e] = res
        lap_bond = None
        if isolated is not None:
            times["aer_lapack"], lap_bond = isolated.times(nq, gops, chi, reps)
        st, qc_mps = out_state["tnbp"], out_state["quimb"]
        f_t, f_q = float(st.fidelity_estimate), float(qc_mps.fidelity_estimate())
        same = abs(f_t - f_q) <= FIDELITY_TOL
        failed |= not same
        best = {e: min(v) for e, v in times.items() if v}
        med = {e: statistics.median(v) for e, v in times.items() if v}
        lap_crashed = isolated is not None and not times["aer_lapack"]
        row = {
            "n": nq,
            "depth": depth,
            "chi": chi,
            "tnbp_s": best["tnbp"],
            "quimb_s": best["quimb"],
            "ratio_tnbp_quimb": best["tnbp"] / best["quimb"],
            "aer_s": best.get("aer"),
            "ratio_tnbp_aer": _ratio(best["tnbp"], best.get("aer")),
            "aer_lapack_s": best.get("aer_lapack"),
            "ratio_tnbp_aer_lapack": _ratio(best["tnbp"], best.get("aer_lapack")),
            "max_bond_reached": int(st.max_bond_reached),
            "quimb_final_max_bond": int(qc_mps.psi.max_bond()),
            "aer_max_bond": aer_max_bond(out_state["aer"])
            if "aer" in out_state
            else None,
            "aer_lapack_max_bond": lap_bond,
            "aer_lapack_crashed": lap_crashed,
            "aer_internal_s": (
                out_state["aer"].results[0].time_taken if "aer" in out_state else None
            ),
            "fidelity_tnbp": f_t,
            "fidelity_quimb": f_q,
            "fidelity_match": same,
            "discarded_weight": float(st.discarded_weight),
            "tnbp_s_median": med["tnbp"],
            "quimb_s_median": med["quimb"],
            "aer_s_median": med.get("aer"),
            "aer_lapack_s_median": med.get("aer_lapack"),
            "repeats": reps,
            "statistic": "min",
            "threads": threads,
            "seed": seed,
        }
        rows.append(row)
        print(
            f"{nq:>3} {depth:>5} {chi:>4} "
            f"| {row['tnbp_s']:>8.3f} {row['quimb_s']:>8.3f} "
            f"{row['ratio_tnbp_quimb']:>5.2f} "
            f"{'yes' if row['ratio_tnbp_quimb'] <= TARGET_RATIO else 'NO':>3} "
            f"| {_fmt(row['aer_s'], '8.3f'):>8} "
            f"{_fmt(row['ratio_tnbp_aer'], '6.2f'):>6} "
            f"{'crash' if lap_crashed else _fmt(row['aer_lapack_s'], '8.3f'):>8} "
            f"{_fmt(row['ratio_tnbp_aer_lapack'], '6.2f'):>6} "
            f"| {row['max_bond_reached']:>7} {_fmt(row['aer_max_bond'], 'd'):>7} "
            f"| {f_t:>12.10f} {f_q:>12.10f} {'ok' if same else 'DIFF':>5}",
            flush=True,
        )

    def gmean(key):
        vals = [r[key] for r in rows if r[key]]
        return math.exp(sum(map(math.log, vals)) / len(vals)) if vals else None

    print()
    over = [r for r in rows if r["ratio_tnbp_quimb"] > TARGET_RATIO]
    print(
        f"tnbp/quimb: geometric mean {gmean('ratio_tnbp_quimb'):.3f}, "
        f"max {max(r['ratio_tnbp_quimb'] for r in rows):.3f}; "
        f"{len(over)}/{len(rows)} configurations above the {TARGET_RATIO} target"
    )
    if have_aer:
        print(f"tnbp/aer (default SVD): geometric mean {gmean('ratio_tnbp_aer'):.3f}")
        if aer_lapack:
            print(
                "tnbp/aer (mps_lapack): geometric mean "
                f"{gmean('ratio_tnbp_aer_lapack'):.3f}"
            )
    print(
        "(ratio < 1: tnbp faster; "
        "t/q is tnbp's overhead over the quimb machinery it uses)"
    )
    if isolated is not None:
        isolated.close()
        if isolated.crashes:
            print(
                f"qiskit-aer mps_lapack=True crashed {isolated.crashes} time(s) "
                "(segfault in its child process; see module docstring)"
            )
    if failed:
        print(
            "WARNING: tnbp and quimb fidelity estimates differ by more than "
            f"{FIDELITY_TOL:g}"
        )

    if out is not None:
        write_csv(rows, out)
    if failed:
        raise typer.Exit(1)
    return rows


if __name__ == "__main__":
    typer.run(main)
