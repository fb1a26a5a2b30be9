"""The QNTK of local costs on shallow circuits at n = 40, 64, 100: tn against mps.

What is measured
----------------
``tnbp.ansatz.hardware_efficient(n, layers, pattern="brick", seed=seed)``
(RY then RZ on every qubit, CZ bricks; ``2 n layers`` angles) for ``n`` in
``--n-values`` and ``layers`` in ``--layers``, and two observables: one term
``Z_{n/2}`` (``term``) and the normalized local cost ``(1/n) sum_i Z_i``
(``local``, n terms); ``--pattern ladder`` gives the ladder ansatz instead (CZ
on every bond each layer: lightcones twice as wide, where the tree search's
random-greedy stage matters). For each, the wall-clock time (``time.perf_counter``)
of one QNTK ``K = sum_l (d<O>/d theta_l)^2``:

* ``tn`` -- ``tnbp.qntk(c, O, backend="tn")`` (adjoint sweep along each term's
  lightcone network, bulk terms batched): the first call after clearing the
  process-wide tree cache (``tn_first_s``, path searches included; their
  number is ``tn_tree_searches``), then the best and median of ``repeats``
  warm calls;
* ``mps`` -- ``tnbp.qntk(c, O, backend="mps", sim_opts={"cutoff": 0.0})``
  (exact parameter-shift rule, two MPS simulations of each term's lightcone
  per angle in it, nothing truncated), timed once; for ``local`` only up to
  ``--mps-local-layers`` layers (the n terms make it minutes beyond);
* ``meta_kernel`` -- ``tnbp.meta_kernel(c, O, backend="tn")`` (difference
  Hessian-vector product: three tn gradients), warm, best of ``repeats``;
* ``quimb`` (the anchor: what a quimb user writes), ``term`` rows only --
  ``K`` from the parameter-shift rule, ``d<Z_j>/d theta_p = (<Z_j>(theta_p +
  pi/2) - <Z_j>(theta_p - pi/2)) / 2`` for every parameter ``p`` in the
  term's reverse lightcone, each value one ``quimb.tensor.Circuit.local_expectation``
  call with quimb's defaults (``optimize="auto-hq"``; it repeats cotengra's
  optimal path search on every call for networks this small: ~0.1-1 s each).
  The shifted circuits hold the lightcone's gates only
  (``c.subcircuit(c.lightcone(...))``, built untimed: both favour quimb).
  Every call contracts the same network with other angles, so the calls of
  ``--anchor-parameters`` parameters spread over the cone are timed and
  ``quimb_s`` is their mean per parameter times the parameters in the cone
  (``quimb_extrapolated`` when fewer than all were timed). For the n-term
  ``local`` cost the anchor would take n times as long and is not run.

Correctness: where both ran, ``|K_tn - K_mps| <= 1e-10`` (both exact; the
acceptance line of issue 12), and every quimb shift-rule derivative agrees
with tnbp's tn gradient to ``1e-8`` (``_gradients.GRAD_TOL``,
``max_abs_diff_quimb``), or the run exits 1.
Absolute times drift up to 2x on a shared 2-core machine; the ratios
``mps_s / tn_warm_s`` and ``quimb_s / tn_warm_s`` are taken in one run.

Usage::

    python benchmarks/qntk.py                  # n = 40, 64, 100; 2, 4, 6 layers (~2 min)
    python benchmarks/qntk.py --quick          # n = 40, 2 layers
    python benchmarks/qntk.py --pattern ladder --layers 4,6 --mps-local-layers 0
    python benchmarks/qntk.py --out results/bench/qntk.csv
"""

from __future__ import annotations

import math
import statistics
import warnings
from importlib.metadata import version
from typing import Annotated

import typer
from _gradients import GRAD_TOL, shift_rule_quimb
from _harness import (
    KeepGC,
    Out,
    Repeats,
    Threads,
    numbers,
    quick_option,
    settings,
    start,
)

#: |K_tn - K_mps| allowed (both exact up to rounding)
K_TOL = 1e-10
FULL = dict(
    n_values=(40, 64, 100),
    layers=(2, 4, 6),
    pattern="brick",
    repeats=3,
    mps_local_layers=2,
    anchor_parameters=6,
    seed=0,
)
QUICK = dict(
    n_values=(40,),
    layers=(2,),
    pattern="brick",
    repeats=1,
    mps_local_layers=2,
    anchor_parameters=2,
    seed=0,
)
PATTERNS = ("brick", "ladder")
OBSERVABLES = ("term", "local")


def observable(kind: str, n: int):
    """``Z_{n/2}`` or ``(1/n) sum_i Z_i`` as a term list."""
    if kind == "term":
        return [(1.0, "Z", (n // 2,))]
    return [(1.0 / n, "Z", (i,)) for i in range(n)]


def quimb_anchor(bench, c, j: int, g, parameters: int) -> dict:
    """quimb's shift rule for ``Z_j`` on ``parameters`` of the cone (see the module).

    ``g`` is tnbp's gradient of ``Z_j`` (all parameters), for the check.
    """
    import numpy as np

    cone = sorted(c.lightcone((j,)))
    sub = c.subcircuit(cone)
    # parameter q of the lightcone circuit is parameter of_c[q] of c
    index = {k: p for p, k in enumerate(c.parameter_gates)}
    of_c = [index[cone[k]] for k in sub.parameter_gates]
    picks = np.unique(np.linspace(0, len(of_c) - 1, min(parameters, len(of_c))).round())
    Z = np.diag([1.0, -1.0]).astype(complex)
    seconds, calls, err = 0.0, 0, 0.0
    for q in picks.astype(int):
        d, dt, m = shift_rule_quimb(bench, sub, q, [(1.0, Z, j)])
        seconds += dt
        calls += m
        err = max(err, abs(d - g[of_c[q]]))
    return dict(
        quimb_parameters_timed=len(picks),
        quimb_cone_parameters=len(of_c),
        quimb_call_s=seconds / calls,
        quimb_s=seconds / len(picks) * len(of_c),
        quimb_extrapolated=len(picks) < len(of_c),
        max_abs_diff_quimb=err,
    )


NO_ANCHOR = dict(
    quimb_parameters_timed=0,
    quimb_cone_parameters=0,
    quimb_call_s=math.nan,
    quimb_s=math.nan,
    quimb_extrapolated=False,
    max_abs_diff_quimb=math.nan,
)


def measure(bench, c, obs, *, repeats: int, mps: bool, anchor: int) -> dict:
    """The timings and values of one circuit and observable (see the module)."""
    import tnbp
    from tnbp.states.tn.contraction import default_cache

    cache = default_cache()
    cache.clear()
    k_tn, first = bench.timed(lambda: tnbp.qntk(c, obs, backend="tn"))
    searches = cache.searches
    times, _ = bench.interleaved(
        {"tn": lambda: tnbp.qntk(c, obs, backend="tn")}, repeats
    )
    g = tnbp.gradient(c, obs, backend="tn")
    mu_times, mu = bench.interleaved(
        {"mu": lambda: tnbp.meta_kernel(c, obs, backend="tn")}, repeats
    )
    k_mps, mps_s = math.nan, math.nan
    if mps:
        k_mps, mps_s = bench.timed(
            lambda: tnbp.qntk(c, obs, backend="mps", sim_opts={"cutoff": 0.0})
        )
    quimb = NO_ANCHOR
    if anchor:
        ((_, _, (j,)),) = obs
        quimb = quimb_anchor(bench, c, j, g, anchor)
    warm = min(times["tn"])
    return dict(
        num_parameters=c.num_parameters,
        nonzero_derivatives=int((g != 0).sum()),
        k_tn=k_tn,
        tn_first_s=first,
        tn_tree_searches=searches,
        tn_warm_s=warm,
        tn_warm_s_median=statistics.median(times["tn"]),
        meta_kernel_tn_s=min(mu_times["mu"]),
        mu_tn=mu["mu"],
        mps_s=mps_s,
        k_mps=k_mps,
        abs_diff_tn_mps=abs(k_tn - k_mps),
        ratio_mps_tn=mps_s / warm,
        **quimb,
        ratio_quimb_tn=quimb["quimb_s"] / warm,
    )


def run(
    bench,
    *,
    n_values,
    layers,
    pattern,
    repeats,
    mps_local_layers,
    anchor_parameters,
    seed,
) -> list[dict]:
    """Time every configuration; print and return the table's rows."""
    from tnbp import ansatz

    rows = []
    for depth in layers:
        for n in n_values:
            c = ansatz.hardware_efficient(n, depth, pattern=pattern, seed=seed)
            for kind in OBSERVABLES:
                r = dict(
                    n=n,
                    layers=depth,
                    pattern=pattern,
                    observable=kind,
                    **measure(
                        bench,
                        c,
                        observable(kind, n),
                        repeats=repeats,
                        mps=kind == "term" or depth <= mps_local_layers,
                        anchor=anchor_parameters if kind == "term" else 0,
                    ),
                    repeats=repeats,
                    seed=seed,
                )
                rows.append(r)
                print(
                    f"{n:>4} {depth:>6} {kind:>6} {r['k_tn']:>10.4g} "
                    f"{r['tn_first_s']:>9.3f} {r['tn_tree_searches']:>8} "
                    f"{r['tn_warm_s']:>9.4f} {r['meta_kernel_tn_s']:>9.4f} "
                    f"{r['mps_s']:>9.3f} {r['ratio_mps_tn']:>9.3g} "
                    f"{r['abs_diff_tn_mps']:>9.2e} {r['quimb_s']:>9.3f} "
                    f"{r['ratio_quimb_tn']:>9.3g} {r['max_abs_diff_quimb']:>9.2e}",
                    flush=True,
                )
    return rows


QuickOpt = quick_option("n = 40, 2 layers, 1 repeat")


def main(
    quick: QuickOpt = False,
    n_values: Annotated[
        str | None, typer.Option(help="Comma-separated qubit numbers.")
    ] = None,
    layers: Annotated[
        str | None, typer.Option(help="Comma-separated brickwork depths.")
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option(
            help="Entangler pattern: brick (default) or ladder (CZ on every bond "
            "each layer: cones twice as wide)."
        ),
    ] = None,
    mps_local_layers: Annotated[
        int | None,
        typer.Option(help="Deepest circuit whose local-cost K is also timed on mps."),
    ] = None,
    anchor_parameters: Annotated[
        int | None,
        typer.Option(
            min=1, help="Parameters whose quimb shift-rule calls are timed (6)."
        ),
    ] = None,
    threads: Threads = 1,
    repeats: Repeats = None,
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time the QNTK (and meta-kernel) of local costs at n = 40..100 on tn and mps."""
    bench = start(threads, keep_gc)
    cfg = settings(
        FULL,
        QUICK,
        quick,
        n_values=numbers(n_values),
        layers=numbers(layers),
        pattern=pattern,
        mps_local_layers=mps_local_layers,
        anchor_parameters=anchor_parameters,
        repeats=repeats,
    )
    if cfg["pattern"] not in PATTERNS:
        raise typer.BadParameter(f"--pattern must be one of {PATTERNS}")
    bench.header(
        f"QNTK of local costs on a shallow {cfg['pattern']} ansatz: tnbp tn vs tnbp "
        "mps vs quimb",
        ("quimb", "cotengra"),
    )
    print(
        f"  K = sum_l (d<O>/d theta_l)^2, tnbp's convention; warm tn: best of "
        f"{cfg['repeats']}; mps: one call, cutoff 0"
    )
    print(
        f"  anchor: quimb {version('quimb')} Circuit.local_expectation by the shift "
        f"rule (defaults, optimize='auto-hq'), term rows: {cfg['anchor_parameters']} "
        "parameters of the cone timed, scaled to all of them; ratios: engine / warm "
        "tn; |d diff|: max |quimb - tn| over those derivatives"
    )
    print(
        f"{'n':>4} {'layers':>6} {'O':>6} {'K':>10} {'tn 1st s':>9} {'searches':>8} "
        f"{'tn s':>9} {'mu tn s':>9} {'mps s':>9} {'mps/tn':>9} {'|diff|':>9} "
        f"{'quimb s':>9} {'quimb/tn':>9} {'|d diff|':>9}"
    )
    # cotengra notes once that the optional kahypar is missing (quimb's anchor)
    warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
    rows = run(bench, **cfg)
    bad = False
    for r in rows:
        where = f"n = {r['n']}, {r['layers']} layers, {r['observable']}"
        if r["abs_diff_tn_mps"] > K_TOL:
            bad = True
            print(
                f"FAILED: {where}: |K_tn - K_mps| = {r['abs_diff_tn_mps']:.2e} "
                f"> {K_TOL:g}"
            )
        if r["max_abs_diff_quimb"] > GRAD_TOL:
            bad = True
            print(
                f"FAILED: {where}: quimb's shift-rule derivatives differ from tn's "
                f"by {r['max_abs_diff_quimb']:.2e} > {GRAD_TOL:g}"
            )
    return bench.finish(rows, out, bad)


if __name__ == "__main__":
    typer.run(main)
