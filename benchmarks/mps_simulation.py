"""MPS circuit simulation: tnbp against raw quimb ``CircuitMPS`` and qiskit-aer.

What is measured
----------------
Wall-clock time (``time.perf_counter``) to simulate a Haar-random brickwork
circuit (:func:`tnbp.ansatz.haar_brickwork`) from ``|0...0>`` as a matrix
product state with a bond-dimension cap ``chi`` and a relative discarded-weight
cutoff of 1e-12, for every (depth, chi) of the grid:

* ``tnbp``  -- ``tnbp.simulate(circ, backend="mps", max_bond=chi, cutoff=1e-12)``
  with its default ``engine="auto"``, which runs the lean compiled engine
  (:mod:`tnbp.states.mps_engine`); this also records the bond dimensions
  after every layer, the discarded weight and the fidelity estimate.
* ``quimb`` -- raw ``quimb.tensor.CircuitMPS(n, max_bond=chi, cutoff=1e-12)``
  applying the *identical* gate matrices, in the *identical* order (layer by
  layer, as ``circ.layers()`` lists them) with
  ``apply_gate_raw(G, qubits, contract="swap+split")``. It is given tnbp's
  truncation rule (``cutoff_mode="rsum2"``: drop the smallest singular values
  whose squared sum is below ``cutoff`` times the total, then keep at most
  ``chi``); quimb's own default is ``"rel"`` (``s_i / s_max < cutoff``). As a
  check that both made the same truncations, quimb's ``fidelity_estimate()``
  must equal tnbp's ``st.fidelity_estimate`` to 1e-10 (column ``check``).
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
**best** (minimum) of the repeats, the CSV also has the median. As in
``timeit``, Python's garbage collector is off inside each timed call, after
a full collection (``--gc`` leaves it on, as this script did until
2026-11-29).

How to read the ratios
----------------------
``tnbp/quimb`` compares tnbp (lean engine, bond record included) with
quimb's own circuit simulator making the same truncations; the acceptance
target (issue 16) is <= 1.0 at every grid point (column ``ok``).
``tnbp/aer`` and ``tnbp/aer_lapack`` compare against an independent C++ MPS
simulator: below 1 tnbp is faster; the target is ``tnbp/aer`` <= 1.0 (aer's
default SVD) at depths 4 and 8 (column ``aok``; ``-`` at other depths). Absolute times drift
up to 2x from run to run on a shared 2-core machine, so compare ratios taken
in one run. BLAS (and OpenMP / numba / aer) threads are pinned to
``--threads`` (default 1) before numpy is imported, and tnbp is given
``blas_threads=--threads`` (it otherwise limits BLAS to one thread itself
during a run); the header says so.

Usage::

    python benchmarks/mps_simulation.py                 # full grid, n = 64
    python benchmarks/mps_simulation.py --quick         # n = 32, small grid, 1 repeat
    python benchmarks/mps_simulation.py --out results/bench/mps_simulation.csv
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Annotated

import typer
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

CUTOFF = 1e-12
TARGET_RATIO = 1.0
#: depths at which tnbp/aer <= TARGET_RATIO is required (issue 16)
AER_TARGET_DEPTHS = (4, 8)
FIDELITY_TOL = 1e-10
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


def run_tnbp(circ, chi, threads: int):
    """tnbp's MPS simulation, BLAS held to ``threads`` (tnbp's own limit)."""
    import tnbp

    return tnbp.simulate(
        circ, backend="mps", max_bond=chi, cutoff=CUTOFF, blas_threads=threads
    )


def run_quimb(n, ops, chi):
    """Raw quimb ``CircuitMPS`` with tnbp's truncation rule (``rsum2``)."""
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
    """qiskit-aer's MPS simulator with the bond cap and tnbp's threshold."""
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


def aer_child_timings(n, ops, chi, threads, lapack, reps, keep_gc):
    """Time aer in this (child) process: ``(times, max bond)``; warms up once."""
    global _CHILD_WARM
    bench = start(threads, keep_gc)
    qc = aer_circuit(n, ops)
    sim = aer_simulator(chi, threads, lapack)
    if not _CHILD_WARM:
        run_aer(sim, qc)
        _CHILD_WARM = True
    times, result = [], None
    for _ in range(reps):
        result, dt = bench.timed(lambda: run_aer(sim, qc))
        times.append(dt)
    return times, None if result is None else aer_max_bond(result)


class IsolatedAer:
    """qiskit-aer runs in a persistent spawned process that may crash."""

    def __init__(self, bench):
        self.bench = bench
        self.pool = None
        self.crashes = 0

    def times(self, n, ops, chi, reps, lapack=True):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if self.pool is None:
            ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
        b = self.bench
        job = self.pool.submit(
            aer_child_timings, n, ops, chi, b.threads, lapack, reps, b.keep_gc
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
        "tnbp mps": run_tnbp(circ, None, threads).to_quimb().to_dense().ravel(),
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


# --------------------------------------------------------------------------- timing


def warm_up(circ, ops, depth, chi, threads: int, have_aer: bool, isolated) -> None:
    """One untimed run of every engine (numba compiles quimb's kernels)."""
    t0 = time.perf_counter()
    run_tnbp(circ, chi, threads)
    run_quimb(circ.n, ops, chi)
    if have_aer:
        run_aer(aer_simulator(chi, threads, False), aer_circuit(circ.n, ops))
    if isolated is not None:
        isolated.times(circ.n, ops, chi, 0)  # starts the process and warms it up
    print(
        f"Warm-up (depth {depth}, chi {chi}, untimed): {time.perf_counter() - t0:.2f} s"
    )


def measure(circ, ops, chi, point: dict, bench, have_aer: bool, isolated) -> dict:
    """Time every engine on one (depth, chi); the CSV row.

    ``point`` holds the ``depth``, ``seed`` and ``repeats`` of this grid point.
    """
    n, reps, threads = circ.n, point["repeats"], bench.threads
    calls = {
        "tnbp": lambda: run_tnbp(circ, chi, threads),
        "quimb": lambda: run_quimb(n, ops, chi),
    }
    if have_aer:
        qc, sim = aer_circuit(n, ops), aer_simulator(chi, threads, False)
        calls["aer"] = lambda: run_aer(sim, qc)
    times, results = bench.interleaved(calls, reps)
    lapack_bond = None
    if isolated is not None:
        times["aer_lapack"], lapack_bond = isolated.times(n, ops, chi, reps)
    best = {e: min(v) for e, v in times.items() if v}
    med = {e: statistics.median(v) for e, v in times.items() if v}
    aer = results.get("aer")
    return {
        "n": n,
        "depth": point["depth"],
        "chi": chi,
        "tnbp_s": best["tnbp"],
        "quimb_s": best["quimb"],
        "ratio_tnbp_quimb": best["tnbp"] / best["quimb"],
        "aer_s": best.get("aer"),
        "ratio_tnbp_aer": _ratio(best["tnbp"], best.get("aer")),
        "target_quimb_met": best["tnbp"] / best["quimb"] <= TARGET_RATIO,
        "target_aer_met": _aer_target(point["depth"], best["tnbp"], best.get("aer")),
        "aer_lapack_s": best.get("aer_lapack"),
        "ratio_tnbp_aer_lapack": _ratio(best["tnbp"], best.get("aer_lapack")),
        **bonds_and_fidelities(results["tnbp"], results["quimb"], aer),
        "aer_lapack_max_bond": lapack_bond,
        "aer_lapack_crashed": isolated is not None and not times["aer_lapack"],
        "aer_internal_s": None if aer is None else aer.results[0].time_taken,
        "tnbp_s_median": med["tnbp"],
        "quimb_s_median": med["quimb"],
        "aer_s_median": med.get("aer"),
        "aer_lapack_s_median": med.get("aer_lapack"),
        "repeats": reps,
        "statistic": "min",
        "seed": point["seed"],
    }


def bonds_and_fidelities(st, quimb_circ, aer_result) -> dict:
    """Largest bonds reached and fidelity estimates; tnbp and quimb must agree."""
    f_t, f_q = float(st.fidelity_estimate), float(quimb_circ.fidelity_estimate())
    return {
        "max_bond_reached": int(st.max_bond_reached),
        "quimb_final_max_bond": int(quimb_circ.psi.max_bond()),
        "aer_max_bond": None if aer_result is None else aer_max_bond(aer_result),
        "fidelity_tnbp": f_t,
        "fidelity_quimb": f_q,
        "fidelity_match": abs(f_t - f_q) <= FIDELITY_TOL,
        "discarded_weight": float(st.discarded_weight),
    }


# --------------------------------------------------------------------------- output


def _fmt(x, spec):
    return (
        "-"
        if x is None or (isinstance(x, float) and math.isnan(x))
        else format(x, spec)
    )


def _aer_target(depth, tnbp_s, aer_s):
    """tnbp/aer <= TARGET_RATIO where required (None elsewhere or without aer)."""
    if depth not in AER_TARGET_DEPTHS or aer_s is None:
        return None
    return tnbp_s / aer_s <= TARGET_RATIO


def _ratio(a, b):
    return a / b if (a is not None and b) else None


HEAD = (
    f"{'n':>3} {'depth':>5} {'chi':>4} "
    f"| {'tnbp s':>8} {'quimb s':>8} {'t/q':>5} {'ok':>3} "
    f"| {'aer s':>8} {'t/aer':>6} {'aok':>3} {'aerlap s':>8} {'t/alap':>6} "
    f"| {'maxbond':>7} {'aerbond':>7} | {'F tnbp':>12} {'F quimb':>12} {'check':>5}"
)


def print_intro(cfg: dict, seed: int, threads: int) -> None:
    """The grid and the engines' thread settings."""
    print(
        f"  tnbp simulate(blas_threads={threads}); aer max_parallel_threads = "
        f"mps_omp_threads = {threads}"
    )
    print(
        f"  n = {cfg['n']}, depths {list(cfg['depths'])}, chi {list(cfg['chis'])}, "
        f"cutoff {CUTOFF:g} (rsum2), seed {seed}; time = best of {cfg['repeats']} "
        f"(time.perf_counter, engines interleaved)"
    )


def _yes(met) -> str:
    return "-" if met is None else ("yes" if met else "NO")


def print_row(row: dict) -> None:
    """One line of the table (``-`` where aer was not run)."""
    ratio = row["ratio_tnbp_quimb"]
    lapack = row["aer_lapack_s"]
    print(
        f"{row['n']:>3} {row['depth']:>5} {row['chi']:>4} "
        f"| {row['tnbp_s']:>8.3f} {row['quimb_s']:>8.3f} {ratio:>5.2f} "
        f"{_yes(row['target_quimb_met']):>3} "
        f"| {_fmt(row['aer_s'], '8.3f'):>8} "
        f"{_fmt(row['ratio_tnbp_aer'], '6.2f'):>6} "
        f"{_yes(row['target_aer_met']):>3} "
        f"{'crash' if row['aer_lapack_crashed'] else _fmt(lapack, '8.3f'):>8} "
        f"{_fmt(row['ratio_tnbp_aer_lapack'], '6.2f'):>6} "
        f"| {row['max_bond_reached']:>7} {_fmt(row['aer_max_bond'], 'd'):>7} "
        f"| {row['fidelity_tnbp']:>12.10f} {row['fidelity_quimb']:>12.10f} "
        f"{'ok' if row['fidelity_match'] else 'DIFF':>5}",
        flush=True,
    )


def print_summary(rows: list[dict], have_aer: bool, isolated) -> None:
    """Geometric means of the ratios; aer crashes; fidelity mismatches."""

    def gmean(key):
        vals = [r[key] for r in rows if r[key]]
        return math.exp(sum(map(math.log, vals)) / len(vals)) if vals else None

    over = [r for r in rows if r["ratio_tnbp_quimb"] > TARGET_RATIO]
    print()
    print(
        f"tnbp/quimb: geometric mean {gmean('ratio_tnbp_quimb'):.3f}, "
        f"max {max(r['ratio_tnbp_quimb'] for r in rows):.3f}; "
        f"{len(over)}/{len(rows)} configurations above the {TARGET_RATIO} target"
    )
    if have_aer:
        print(f"tnbp/aer (default SVD): geometric mean {gmean('ratio_tnbp_aer'):.3f}")
        judged = [r for r in rows if r["target_aer_met"] is not None]
        print(
            f"tnbp/aer <= {TARGET_RATIO} at depths {list(AER_TARGET_DEPTHS)}: "
            f"{sum(r['target_aer_met'] for r in judged)}/{len(judged)} configurations"
        )
    if isolated is not None:
        print(
            "tnbp/aer (mps_lapack): geometric mean "
            f"{_fmt(gmean('ratio_tnbp_aer_lapack'), '.3f')}"
        )
    print(
        "(ratio < 1: tnbp faster; ok: t/q <= 1; aok: t/aer <= 1 at depths "
        f"{', '.join(map(str, AER_TARGET_DEPTHS))})"
    )
    if isolated is not None and isolated.crashes:
        print(
            f"qiskit-aer mps_lapack=True crashed {isolated.crashes} time(s) "
            "(segfault in its child process; see module docstring)"
        )
    if not all(r["fidelity_match"] for r in rows):
        print(
            "WARNING: tnbp and quimb fidelity estimates differ by more than "
            f"{FIDELITY_TOL:g}"
        )


# --------------------------------------------------------------------------- main


def run(cfg: dict, seed: int, bench, have_aer: bool, lapack: bool) -> list[dict]:
    """Every (depth, chi) of the grid, timed and printed; the CSV rows."""
    import tnbp

    circuits = {
        d: tnbp.ansatz.haar_brickwork(cfg["n"], d, seed=seed) for d in cfg["depths"]
    }
    ops = {d: gate_ops(c) for d, c in circuits.items()}
    isolated = IsolatedAer(bench) if have_aer and lapack else None
    d0, c0 = cfg["depths"][0], cfg["chis"][0]
    warm_up(circuits[d0], ops[d0], d0, c0, bench.threads, have_aer, isolated)
    print()
    print(HEAD)
    print("-" * len(HEAD))
    rows = []
    for depth in cfg["depths"]:
        for chi in cfg["chis"]:
            point = {"depth": depth, "seed": seed, "repeats": cfg["repeats"]}
            row = measure(
                circuits[depth], ops[depth], chi, point, bench, have_aer, isolated
            )
            print_row(row)
            rows.append(row)
    if isolated is not None:
        isolated.close()
    print_summary(rows, have_aer, isolated)
    return rows


QuickOpt = quick_option("n = 32, depths 4 8, chi 32 64, 1 repeat")


def main(
    quick: QuickOpt = False,
    threads: Threads = 1,
    repeats: Repeats = None,
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
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time tnbp's MPS simulation against raw quimb and qiskit-aer; print a table."""
    bench = start(threads, keep_gc)
    cfg = settings(
        FULL,
        QUICK,
        quick,
        n=n,
        depths=numbers(depths),
        chis=numbers(chis),
        repeats=repeats,
    )
    peer = find_peer("qiskit-aer", "qiskit_aer", skip="" if aer else "--no-aer")
    bench.header(
        "MPS circuit simulation: Haar brickwork, tnbp (auto: lean engine) vs raw quimb CircuitMPS "
        "vs qiskit-aer",
        ("quimb",),
        [peer],
    )
    print_intro(cfg, seed, threads)
    print(
        "Exact check (n = 8, depth 6, no truncation) against tnbp's dense statevector:"
    )
    if not exact_check(peer.available, threads):
        print("Exact check FAILED: engines do not simulate the same circuit; aborting.")
        raise typer.Exit(1)
    rows = run(cfg, seed, bench, peer.available, aer_lapack)
    return bench.finish(rows, out, not all(r["fidelity_match"] for r in rows))


if __name__ == "__main__":
    typer.run(main)
