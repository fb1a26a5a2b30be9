"""A DQNN local-cost gradient ensemble at n = 64 (arXiv:2005.12458, Fig. 3b).

What is measured
----------------
The local-perceptron DQNN ``tnbp.DQNN((n,) * (D + 1), "local")`` with
``D = 2 ceil(log2(n) / 2)`` layers (6 at n = 64: 448 qubits in the interleaved
order), its local cost (eq. 4) on the output layer, and the derivative by the
first angle of the middle perceptron of the first layer (the study
``studies/dqnn_local_perceptrons.py``). Per sample a new random network (Haar
blocks, uniform angles) is built and differentiated; the wall-clock time per
sample (``time.perf_counter``, best and median over samples) is reported for:

* ``tn``  -- ``tnbp.gradient(..., backend="tn")``: the derivative's light cone
  contracted exactly (cotengra trees cached across samples; the first sample
  pays the tree search and is reported apart, ``first_s``);
* ``mps`` -- ``tnbp.gradient(..., backend="mps")`` (parameter shift, two MPS
  runs of the whole 448-qubit circuit, no bond cap); ``max_bond`` is the
  largest bond of one run of the circuit (``tnbp.simulate``,
  ``st.max_bond_reached``): the emptied qubits return to ``|0>``, so it is the
  layered ansatz's bond;
* ``exact`` -- the exact variance over uniform angles of one instance of the
  mapped layered ansatz with Clifford blocks
  (``tnbp.exact_gradient_variance``, both the local and the global cost);
  ``max_bond`` is the doubled MPS's;
* ``quimb`` (the anchor: what a quimb user writes) -- the same derivative by
  the parameter-shift rule, ``(C(theta_p + pi/2) - C(theta_p - pi/2)) / 2``,
  each term of the cost one ``quimb.tensor.Circuit.local_expectation`` call
  with quimb's defaults (``optimize="auto-hq"``) on the whole circuit (tnbp's
  gates: ``RY`` through quimb's rotation, Haar blocks and swaps as raw
  matrices), only the terms whose lightcone holds the parameter, the shifted
  circuits built untimed (both favour quimb); ``quimb_samples`` samples.

No peer package: no published DQNN code runs at this size (ANCHORS.md has
none), so raw quimb is the anchor. ``ratio_median_tn`` is each route's median
time over tn's (the exact route computes a variance, not one derivative: no
ratio); ``abs_diff_tn`` the largest difference of the derivatives of the samples
a route shares with tn, which must stay below ``1e-8``
(``_gradients.GRAD_TOL``), or the run exits 1.

Usage::

    python benchmarks/dqnn.py                 # n = 64
    python benchmarks/dqnn.py --quick         # n = 16, fewer samples
    python benchmarks/dqnn.py --out results/bench/dqnn.csv
"""

from __future__ import annotations

import math
import statistics
import warnings
from importlib.metadata import version

import typer
from _gradients import GRAD_TOL, shift_rule_quimb
from _harness import KeepGC, Out, Threads, quick_option, settings, start

FULL = dict(n=64, samples=8, mps_samples=2, exact_samples=2, quimb_samples=1)
QUICK = dict(n=16, samples=3, mps_samples=1, exact_samples=1, quimb_samples=1)


def _network(n: int, seed: int):
    import tnbp

    return tnbp.DQNN((n,) * (2 * math.ceil(math.log2(n) / 2) + 1), "local", seed=seed)


def run(
    bench,
    n: int,
    samples: int,
    mps_samples: int,
    exact_samples: int,
    quimb_samples: int,
):
    """Time each route; return the table's rows."""
    import tnbp
    from tnbp import ansatz, observables

    p = 2 * (n // 4)
    layers = math.ceil(math.log2(n) / 2)
    rows = []

    def gradient_route(backend, count):
        times, values = [], []
        for s in range(count):
            net = _network(n, s)
            g, dt = bench.timed(
                lambda net=net: tnbp.gradient(
                    net.circuit, net.cost("local"), backend=backend, parameters=[p]
                )
            )
            times.append(dt)
            values.append(float(g[0]))
        return times, values

    first, _ = gradient_route("tn", 1)
    times, values = gradient_route("tn", samples)
    rows.append(("tn", "adjoint (light cone)", times, first[0], -1, values))
    times, values = gradient_route("mps", mps_samples)
    st = tnbp.simulate(_network(n, 0).circuit, backend="mps")
    rows.append(
        ("mps", "parameter_shift", times, times[0], st.max_bond_reached, values)
    )
    times, bonds, values = [], [], []
    for s in range(exact_samples):
        circ = ansatz.alternating_layered(n, layers, seed=s, design="clifford")

        def both(circ=circ):
            return [
                tnbp.exact_gradient_variance(
                    circ, getattr(observables, f"{c}_cost")(range(n)), parameters=p
                )
                for c in ("local", "global")
            ]

        ms, dt = bench.timed(both)
        times.append(dt)
        bonds.append(max(m.max_bond_reached for m in ms))
        values.append(float(ms[0].variance[0]))
    rows.append(("exact", "twirled doubled MPS", times, times[0], max(bonds), values))
    times, values = [], []
    for s in range(quimb_samples):
        net = _network(n, s)
        terms = [(t.coeff, t.ops[0], t.qubits[0]) for t in net.cost("local").terms]
        d, dt, _ = shift_rule_quimb(bench, net.circuit, p, terms)
        times.append(dt)
        values.append(d)
    rows.append(("quimb", "parameter_shift (quimb)", times, times[0], -1, values))
    net = _network(n, 0)
    tn_times, tn_values = rows[0][2], rows[0][5]
    out = []
    for backend, method, t, first_s, bond, vals in rows:
        same = backend != "exact"
        out.append(
            dict(
                n=n,
                qubits=net.n if backend != "exact" else n,
                dqnn_layers=2 * layers,
                route=backend,
                method=method,
                samples=len(t),
                best_s=min(t),
                median_s=statistics.median(t),
                first_s=first_s,
                max_bond=bond,
                example_value=vals[0],
                ratio_median_tn=(
                    statistics.median(t) / statistics.median(tn_times)
                    if same
                    else math.nan
                ),
                abs_diff_tn=(
                    max(abs(a - b) for a, b in zip(vals, tn_values))
                    if same
                    else math.nan
                ),
            )
        )
    return out


QuickOpt = quick_option("n = 16, fewer samples")


def main(
    quick: QuickOpt = False,
    threads: Threads = 1,
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time a DQNN local-cost gradient ensemble at n = 64: tn, mps, exact, quimb."""
    bench = start(threads, keep_gc)
    cfg = settings(FULL, QUICK, quick)
    bench.header(
        f"DQNN (Fig. 3b) local-cost gradients at n = {cfg['n']}: tnbp vs quimb",
        ("quimb", "cotengra"),
    )
    print(
        f"  anchor: quimb {version('quimb')} Circuit.local_expectation by the shift "
        "rule (defaults, optimize='auto-hq'); ratio: median time / tn's"
    )
    # cotengra notes once that the optional kahypar is missing (quimb's anchor)
    warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
    rows = run(bench, **cfg)
    print(
        f"{'route':>6} {'method':>24} {'qubits':>6} {'samples':>7} {'best s':>8} "
        f"{'median s':>9} {'first s':>8} {'max bond':>8} {'/ tn':>8} "
        f"{'example':>11} {'|diff|':>8}"
    )
    for r in rows:
        print(
            f"{r['route']:>6} {r['method']:>24} {r['qubits']:>6} {r['samples']:>7} "
            f"{r['best_s']:>8.3f} {r['median_s']:>9.3f} {r['first_s']:>8.3f} "
            f"{r['max_bond']:>8} {r['ratio_median_tn']:>8.3g} "
            f"{r['example_value']:>11.3e} {r['abs_diff_tn']:>8.1e}"
        )
    print(
        "  example: the derivative of the first sample (tn, mps, quimb: equal, same "
        "network) or its exact local-cost variance over angles (exact); |diff|: "
        "max |route - tn| over the samples both ran"
    )
    failed = any(r["abs_diff_tn"] > GRAD_TOL for r in rows)
    if failed:
        print(
            f"FAILED: a route's derivatives differ from tn's by more than {GRAD_TOL:g}"
        )
    return bench.finish(rows, out, failed)


if __name__ == "__main__":
    typer.run(main)
