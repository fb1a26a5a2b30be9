"""Local-cost gradient ensembles at large n: tnbp's lightcone contraction against quimb.

What is measured
----------------
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
  (``GradientDiagnostics.contractions``), it is the per-evaluation figure set against one
  quimb call.
* ``tnbp autodiff`` (``--no-autodiff`` to skip; skipped, with a line saying
  so, when jax is not installed) -- ``method="autodiff"`` (jax, jitted once
  per structure): the first call (jit compilation included) and the warm
  mean over ``autodiff_samples`` (5) further samples.
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
  at n = 100) is not, which favours quimb. quimb is a dependency of tnbp,
  so the anchor always runs; its optional ``cotengrust`` (cotengra's
  compiled optimal search, in benchmarks/requirements.lock) and ``kahypar`` change
  its search time a lot, and the header says whether they are installed.

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
  ``K`` is not small.

Correctness: before timing, on the first sample, at least 20 derivatives
``d<P0_j>/dtheta_p`` (every term ``j`` whose cone holds ``p``, for
first-layer parameters in the bulk and at the edge and a last-layer one) are
computed from quimb ``local_expectation`` values by the shift rule and
compared with tnbp's adjoint gradient of ``local_cost([j])`` (``1 - P0_j``,
so its gradient is ``-d<P0_j>``), and each such ``p``'s entry of tnbp's
gradient of the whole cost with ``-(1/n)`` times the sum over those terms;
the shift-rule and autodiff gradients are compared with the adjoint ones of
the same samples. Every difference must be ``<= 1e-8``, or the run exits 1.

How to read the output
----------------------
``ensemble`` = quimb extrapolated / tnbp adjoint measured, both for all
samples; the target is >= 10. ``per evaluation`` = one cold quimb call / one
tnbp shift-rule contraction (like for like: both evaluate one shifted
circuit's term). ``X cold quimb calls`` = a warm tnbp adjoint gradient (all
800 derivatives) / one cold quimb call; the acceptance is X <= 10.
``if quimb's path search were free`` takes the search out of every quimb call
(its lightcone extraction, simplification and contraction remain): the ratio
left when only tnbp's other advantages count (adjoint instead of shift rule,
no per-call simplification). As in ``timeit``, the garbage collector is off
inside each timed call (``--gc`` leaves it on). Absolute times drift up to 2x
from run to run on a shared 2-core machine, so compare ratios taken in one
run. BLAS and OpenMP threads are pinned to ``--threads`` (default 1) before
numpy is imported, and jax's XLA is held to one thread by ``XLA_FLAGS`` (see
``_harness.pin_threads``).

Usage::

    python benchmarks/gradients_tn.py                   # n = 100, ~5 min
    python benchmarks/gradients_tn.py --quick           # n = 24, 2 layers, 5 samples
    python benchmarks/gradients_tn.py --out results/bench/gradients_tn.csv
"""

from __future__ import annotations

import functools
import math
import os
import statistics
import time
from typing import Annotated

import typer
from _gradients import GRAD_TOL, ensemble, gate_names
from _harness import KeepGC, Out, Threads, find_peer, quick_option, settings, start

#: ensemble time, quimb (extrapolated) / tnbp, must be at least this
TARGET_RATIO = 10.0
#: a warm tnbp gradient may cost at most this many cold quimb calls
MAX_CALLS = 10.0
#: per-term derivatives compared with quimb before timing (at least)
CHECK_DERIVATIVES = 20
FULL = {
    "n": 100,
    "layers": 4,
    "pattern": "brick",
    "samples": 100,
    "anchor_calls": 100,
    "shift_samples": 3,
    "autodiff": True,
    "autodiff_samples": 5,
}
QUICK = {
    "n": 24,
    "layers": 2,
    "pattern": "brick",
    "samples": 5,
    "anchor_calls": 5,
    "shift_samples": 1,
    "autodiff": True,
    "autodiff_samples": 2,
}
NAN = float("nan")

# --------------------------------------------------------------------------- quimb


def quimb_circuit(n: int, ops, params):
    """A fresh ``quimb.tensor.Circuit`` of tnbp's gates (``gate_names``), these angles."""
    import quimb.tensor as qtn

    qc = qtn.Circuit(n)
    k = 0
    for name, qubits in ops:
        if name.startswith("R"):
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


# --------------------------------------------------------------------------- shifts


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


# --------------------------------------------------------------------------- timing


def run_check(first, ops, terms_of, obs) -> dict:
    """The correctness check before timing (untimed, on the first sample); prints it."""
    check_params = check_parameters(first, terms_of, CHECK_DERIVATIVES)
    pairs, err_term, err_cost = tn_check(first, ops, terms_of, check_params, obs)
    good = err_term <= GRAD_TOL and err_cost <= GRAD_TOL
    print(
        f"  check (sample 0): {pairs} derivatives d<P0_j>/dtheta_p at "
        f"{len(check_params)} parameters {check_params} from quimb parameter "
        f"shifts vs tnbp adjoint: max|diff| {err_term:.1e} per term, "
        f"{err_cost:.1e} on the cost gradient "
        + ("(ok)" if good else f"> {GRAD_TOL:g}: CHECK FAILED")
    )
    return {
        "check_derivatives": pairs,
        "check_max_abs_diff_term": err_term,
        "check_max_abs_diff_cost": err_cost,
    }


def time_adjoint(circuits, obs, bench) -> tuple[list, dict]:
    """tnbp adjoint on every sample, tree cache cold at the start: (gradients, columns)."""
    import tnbp
    from tnbp.states.tn.contraction import default_cache

    default_cache().clear()
    grads, times, searches = [], [], []
    for c in circuits:
        (g, diagnostics), dt = bench.timed(
            lambda c=c: tnbp.gradient_with_diagnostics(
                c, obs, method="adjoint", backend="tn"
            )
        )
        grads.append(g)
        times.append(dt)
        searches.append(diagnostics.tree_searches)
    warm = times[1:] or times
    return grads, {
        "tnbp_adjoint_first_s": times[0],
        "tnbp_adjoint_first_tree_searches": searches[0],
        "tnbp_adjoint_warm_s_mean": statistics.fmean(warm),
        "tnbp_adjoint_warm_s_std": statistics.stdev(warm) if len(warm) > 1 else 0.0,
        "tnbp_adjoint_ensemble_s": sum(times),
    }


def time_shift(circuits, obs, adjoint, samples: int, bench) -> dict:
    """tnbp parameter shift on ``tn`` (warm trees) on the first samples; per contraction."""
    import numpy as np

    import tnbp

    m = min(len(circuits), samples)
    times, diff, contractions = [], 0.0, 0
    for i in range(m):
        (g, diagnostics), dt = bench.timed(
            lambda c=circuits[i]: tnbp.gradient_with_diagnostics(
                c, obs, method="parameter_shift", backend="tn"
            )
        )
        times.append(dt)
        contractions = diagnostics.contractions
        diff = max(diff, float(np.abs(g - adjoint[i]).max()))
    gradient_s = statistics.fmean(times)
    return {
        "tnbp_ps_contractions_per_gradient": contractions,
        "tnbp_ps_samples": m,
        "tnbp_ps_gradient_s": gradient_s,
        "tnbp_ps_contraction_ms": 1e3 * gradient_s / contractions,
        "max_abs_diff_ps": diff,
    }


def time_autodiff(circuits, obs, adjoint, samples: int, bench) -> dict:
    """tnbp autodiff (jax): the first call (jit compile), then ``samples`` warm ones."""
    import numpy as np

    import tnbp

    m = min(len(circuits), samples)
    times, diff = [], 0.0
    for i in range(m + 1 if m else 0):
        c = circuits[i % len(circuits)]
        g, dt = bench.timed(
            lambda c=c: tnbp.gradient(c, obs, method="autodiff", backend="tn")
        )
        times.append(dt)
        diff = max(diff, float(np.abs(g - adjoint[i % len(circuits)]).max()))
    return {
        "tnbp_autodiff_samples": m,
        "tnbp_autodiff_first_s": times[0] if m else NAN,
        "tnbp_autodiff_warm_s": statistics.fmean(times[1:]) if m else NAN,
        "max_abs_diff_autodiff": diff if m else NAN,
    }


def time_anchor(circuits, ops, cone_params, k: int, seed: int, bench):
    """``k`` cold quimb calls drawn from the shift evaluations.

    Returns ``(columns, calls, weights)``: the CSV columns and, per stratum,
    the seconds of its calls and its weight.
    """
    import numpy as np

    draws, weights = draw_evaluations(
        cone_params, k, len(circuits), np.random.default_rng(seed)
    )
    calls = {s: [] for s in weights}
    search = {s: [] for s in weights}
    tensors, hyper, build = [], 0, []
    for stratum, s, j, p, sign in draws:
        shifted = circuits[s].parameters.copy()
        shifted[p] += sign * np.pi / 2
        t = time.perf_counter()
        qc = quimb_circuit(circuits[s].n, ops, shifted)
        build.append(time.perf_counter() - t)
        (_, opt), dt = bench.timed(lambda qc=qc, j=j: anchor_call(qc, j))
        calls[stratum].append(dt)
        search[stratum].append(opt.seconds)
        tensors.append(opt.tensors)
        hyper += opt.hyper
    columns = anchor_stats(calls, search, weights, tensors) | {
        "anchor_calls_hyper": hyper,
        "anchor_build_s_mean": statistics.fmean(build),
    }
    return columns, calls, weights


def anchor_stats(calls: dict, search: dict, weights: dict, tensors: list) -> dict:
    """Stratified mean (and its standard error) and spread of the anchor's calls."""
    every = [t for ts in calls.values() for t in ts]
    mean = sum(weights[s] * statistics.fmean(ts) for s, ts in calls.items())
    # the part of a call that is path search: what reusing trees could save
    search_mean = sum(weights[s] * statistics.fmean(ts) for s, ts in search.items())
    sem = math.sqrt(
        sum(
            weights[s] ** 2 * statistics.variance(ts) / len(ts)
            for s, ts in calls.items()
            if len(ts) > 1
        )
    )
    searched = [t for t in tensors if t]
    return {
        "anchor_calls": len(every),
        "anchor_calls_bulk": len(calls.get("bulk", [])),
        "anchor_calls_boundary": len(calls.get("boundary", [])),
        "anchor_call_s_mean": mean,
        "anchor_call_s_sem": sem,
        "anchor_call_s_std": statistics.stdev(every) if len(every) > 1 else 0.0,
        "anchor_call_s_min": min(every),
        "anchor_call_s_median": statistics.median(every),
        "anchor_call_s_max": max(every),
        "anchor_search_s_mean": search_mean,
        "anchor_rest_s_mean": mean - search_mean,
        "anchor_calls_searched": len(searched),
        "anchor_tensors_min": min(searched) if searched else 0,
        "anchor_tensors_max": max(searched) if searched else 0,
    }


def compare(row: dict) -> dict:
    """The anchor extrapolated to the ensemble, and the ratios to tnbp."""
    n_shifted, samples = row["shifted_evaluations_per_gradient"], row["samples"]
    mean_call, tnbp_total = row["anchor_call_s_mean"], row["tnbp_adjoint_ensemble_s"]
    ps_per = row["tnbp_ps_gradient_s"] / row["tnbp_ps_contractions_per_gradient"]
    anchor_grad = mean_call * n_shifted
    rest = row["anchor_rest_s_mean"] * n_shifted * samples
    return {
        "anchor_gradient_s_extrapolated": anchor_grad,
        "anchor_ensemble_s_extrapolated": anchor_grad * samples,
        "ratio_ensemble": anchor_grad * samples / tnbp_total,
        "ratio_per_evaluation": mean_call / ps_per,
        "ratio_ensemble_without_search": rest / tnbp_total,
        "warm_gradient_in_anchor_calls": row["tnbp_adjoint_warm_s_mean"] / mean_call,
    }


# --------------------------------------------------------------------------- output


def print_intro(row: dict, seed: int) -> None:
    """The workload and what each side runs."""
    n, S = row["n"], row["samples"]
    print(
        f"Local-cost gradients: hardware-efficient ansatz, n = {n}, {row['layers']} "
        f"{row['pattern']} layers (RY, RZ on every qubit, then CZ), "
        f"{row['num_parameters']} parameters, {row['gates']} gates; full gradient "
        f"of the local cost 1 - (1/n) sum_j |0><0|_j ({n} terms)"
    )
    print(
        f"  {S} samples (seeds {seed}..{seed + S - 1}); tnbp: tnbp.gradient("
        "method='adjoint', backend='tn') on every sample, tree cache cold at the "
        "start; anchor: quimb Circuit.local_expectation of |0><0|_j on "
        "parameter-shifted circuits, path search on every call"
    )


def print_evaluations(row: dict) -> None:
    """How many evaluations a shift-rule gradient needs, on each side."""
    n, n_shifted = row["n"], row["shifted_evaluations_per_gradient"]
    contractions = row["tnbp_ps_contractions_per_gradient"]
    print()
    print(
        f"evaluations one parameter-shift gradient needs: {n_shifted} shifted "
        f"(2 per parameter in each term's cone); tnbp parameter_shift counts "
        f"{contractions} contractions ({n} unshifted, one per term"
        + (")" if contractions == n_shifted + n else ", so its count differs)")
    )


def print_anchor(row: dict, calls: dict, weights: dict) -> None:
    """The anchor's calls: mean, spread, per stratum, path-search share."""
    r = {k.removeprefix("anchor_"): v for k, v in row.items()}
    counts = ", ".join(f"{len(ts)} {s}" for s, ts in calls.items())
    shares = ", ".join(f"{s} {100 * w:.1f} %" for s, w in weights.items())
    print(
        f"quimb anchor: {r['calls']} cold calls ({counts}; evaluations: {shares}), "
        f"each on a freshly built shifted circuit of a random sample:"
    )
    print(
        f"  per call: mean {r['call_s_mean']:.3f} s +- {r['call_s_sem']:.3f} "
        f"(stratified, standard error), std {r['call_s_std']:.3f}, min "
        f"{r['call_s_min']:.3f}, median {r['call_s_median']:.3f}, max "
        f"{r['call_s_max']:.3f} s"
    )
    for s, ts in calls.items():
        print(f"  {s:>8}: mean {statistics.fmean(ts):.3f} s over {len(ts)} calls")
    searched = r["calls_searched"]
    sizes = f"{r['tensors_min']}-{r['tensors_max']} tensors" if searched else "-"
    print(
        f"  path search inside the call: mean {r['search_s_mean']:.3f} s "
        f"({100 * r['search_s_mean'] / r['call_s_mean']:.0f} % of the call); "
        f"{searched} of {r['calls']} calls searched (network left by quimb's "
        f"simplification: {sizes}; {r['calls_hyper']} by hyper-optimization, the "
        "rest by optimal search), the others had <= 2 tensors left"
    )
    print(
        f"  the rest of the call (lightcone, simplification, contraction): "
        f"{r['rest_s_mean']:.3f} s"
    )
    print(
        f"  (building each shifted quimb Circuit, not timed: {r['build_s_mean']:.3f} s)"
    )


def print_table(row: dict) -> None:
    """Seconds per gradient and per ensemble of every engine."""
    S, r = row["samples"], row
    head = f"{'engine':<34} {'s per gradient':>15} {f's for {S} samples':>18}"
    print()
    print(head)
    print("-" * len(head))
    print(
        f"{'quimb anchor (extrapolated)':<34} "
        f"{r['anchor_gradient_s_extrapolated']:>15.1f} "
        f"{r['anchor_ensemble_s_extrapolated']:>18.0f}  = "
        f"{r['anchor_call_s_mean']:.3f} s x "
        f"{r['shifted_evaluations_per_gradient']} x {S}"
    )
    print(
        f"{'tnbp adjoint (measured)':<34} {r['tnbp_adjoint_warm_s_mean']:>15.3f} "
        f"{r['tnbp_adjoint_ensemble_s']:>18.4g}  first (cold, "
        f"{r['tnbp_adjoint_first_tree_searches']} tree searches) "
        f"{r['tnbp_adjoint_first_s']:.3f} s, warm mean "
        f"{r['tnbp_adjoint_warm_s_mean']:.3f} s (std "
        f"{r['tnbp_adjoint_warm_s_std']:.3f})"
    )
    print(
        f"{'tnbp parameter_shift':<34} {r['tnbp_ps_gradient_s']:>15.3f} {'-':>18}"
        f"  {r['tnbp_ps_samples']} sample(s), {r['tnbp_ps_contraction_ms']:.3f} ms "
        f"per contraction, max|diff| vs adjoint {r['max_abs_diff_ps']:.1e}"
    )
    if r["tnbp_autodiff_samples"]:
        print(
            f"{'tnbp autodiff (jax)':<34} {r['tnbp_autodiff_warm_s']:>15.3f} "
            f"{'-':>18}  {r['tnbp_autodiff_samples']} sample(s) warm; first call "
            f"(jit compile) {r['tnbp_autodiff_first_s']:.1f} s, max|diff| vs "
            f"adjoint {r['max_abs_diff_autodiff']:.1e}"
        )


def print_ratios(row: dict) -> None:
    """The ratios and whether the targets are met."""
    ratio, calls = row["ratio_ensemble"], row["warm_gradient_in_anchor_calls"]
    print()
    print(
        f"ensemble: quimb (extrapolated) / tnbp adjoint (measured) = {ratio:.3g}x "
        f"(target >= {TARGET_RATIO:g}: "
        f"{'met' if ratio >= TARGET_RATIO else 'NOT met'})"
    )
    print(
        "per evaluation: quimb call / tnbp parameter-shift contraction = "
        f"{row['ratio_per_evaluation']:.3g}x"
    )
    print(
        "ensemble if quimb's path search were free (its other work only): "
        f"{row['ratio_ensemble_without_search']:.3g}x"
    )
    print(
        f"a whole warm-cache tnbp adjoint gradient costs {calls:.2f} cold quimb "
        f"local_expectation calls (acceptance <= {MAX_CALLS:g}: "
        f"{'met' if calls <= MAX_CALLS else 'NOT met'})"
    )


# --------------------------------------------------------------------------- main


def run(cfg: dict, seed: int, bench, autodiff: bool) -> tuple[list[dict], bool]:
    """Check, time tnbp (adjoint, shift rule, autodiff) and the anchor; one row."""
    import warnings

    from tnbp import observables

    # the header says whether kahypar is installed (cotengra warns without it)
    warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
    n, S = cfg["n"], cfg["samples"]
    circuits = ensemble(n, cfg["layers"], cfg["pattern"], S, seed)
    first, obs = circuits[0], observables.local_cost(range(n))
    ops = gate_names(first)
    cone_params, terms_of = shift_structure(first)
    row = {
        "part": "tn",
        **{key: cfg[key] for key in ("n", "layers", "pattern")},
        "num_parameters": first.num_parameters,
        "gates": len(first),
        "terms": n,
        "samples": S,
        "seed": seed,
        "shifted_evaluations_per_gradient": 2 * sum(map(len, cone_params)),
    }
    print_intro(row, seed)
    row |= run_check(first, ops, terms_of, obs)
    adjoint, columns = time_adjoint(circuits, obs, bench)
    row |= columns | time_shift(circuits, obs, adjoint, cfg["shift_samples"], bench)
    m_ad = cfg["autodiff_samples"] if autodiff else 0
    row |= time_autodiff(circuits, obs, adjoint, m_ad, bench)
    print_evaluations(row)
    columns, calls, weights = time_anchor(
        circuits, ops, cone_params, cfg["anchor_calls"], seed, bench
    )
    row |= columns
    row |= compare(row)
    print_anchor(row, calls, weights)
    print_table(row)
    print_ratios(row)
    diffs = ("check_max_abs_diff_term", "check_max_abs_diff_cost", "max_abs_diff_ps")
    diffs += ("max_abs_diff_autodiff",) if row["tnbp_autodiff_samples"] else ()
    failed = not all(row[d] <= GRAD_TOL for d in diffs)
    if failed:
        print(f"WARNING: gradients differ by more than {GRAD_TOL:g}")
    return [row], failed


QuickOpt = quick_option("n = 24, 2 layers, 5 samples, 5 quimb calls")


def main(
    quick: QuickOpt = False,
    threads: Threads = 1,
    n: Annotated[int | None, typer.Option(help="Override the qubit count.")] = None,
    samples: Annotated[
        int | None, typer.Option(help="Override the number of samples (100).")
    ] = None,
    layers: Annotated[
        int | None, typer.Option(help="Override the number of layers (4).")
    ] = None,
    pattern: Annotated[
        str | None, typer.Option(help="Entangler pattern, brick (default) or ladder.")
    ] = None,
    anchor_calls: Annotated[
        int | None, typer.Option(help="Cold quimb local_expectation calls timed (100).")
    ] = None,
    autodiff: Annotated[
        bool | None,
        typer.Option(
            "--autodiff/--no-autodiff",
            help="Also time method='autodiff' (jax; default on if jax is installed).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Sample s uses seed + s.")] = 0,
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time tnbp's local-cost gradient ensembles against quimb local_expectation."""
    bench = start(threads, keep_gc)
    cfg = settings(
        FULL,
        QUICK,
        quick,
        n=n,
        samples=samples,
        layers=layers,
        pattern=pattern,
        anchor_calls=anchor_calls,
        autodiff=autodiff,
    )
    jax = find_peer("jax", "jax", skip="" if cfg["autodiff"] else "--no-autodiff")
    peers = [
        jax,
        find_peer("cotengrust", "cotengrust"),
        find_peer("kahypar", "kahypar"),
    ]
    bench.header(
        "Local-cost gradient ensembles: tnbp vs quimb local_expectation",
        ("quimb", "cotengra"),
        peers,
    )
    print(f"  XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}")
    if not jax.available:
        print(
            f"  autodiff columns left empty ({jax}): tnbp adjoint and shift rule only"
        )
    rows, failed = run(cfg, seed, bench, jax.available)
    return bench.finish(rows, out, failed)


if __name__ == "__main__":
    typer.run(main)
