"""Gibbs states by purification: tnbp against TeNPy's ``PurificationTEBD``.

What is measured
----------------
Wall-clock time (``time.perf_counter``) to prepare the thermal state
:math:`\\rho = e^{-\\beta H}/Z` of an open chain of ``n`` qubits as a purified
MPS with bond cap ``chi = 64``, and to compute its energy, at *matched
accuracy*: the energy per site of each code is compared with the exact
free-fermion value, and tnbp's Trotter settings are chosen so that its error
is no larger than TeNPy's in every case (columns ``err`` and ``match``).
Cases: two models x ``n = 32, 64`` x ``beta = 1, 2``.

Models (the *identical* Hamiltonian on both sides; checked, see below):

* ``tfim`` -- :math:`H = -J\\sum_i X_iX_{i+1} - g\\sum_i Z_i`, ``J = g = 1``
  (critical): ``tnbp.hamiltonian.tfim_chain(n, J=1, g=1)`` and TeNPy
  ``TFIChain(L=n, J=1, g=1, bc_MPS="finite")``, which is written
  with Pauli matrices (``-J Sigmax Sigmax - g Sigmaz``), so the couplings are
  the same numbers.
* ``xx`` -- :math:`H = J\\sum_i (X_iX_{i+1} + Y_iY_{i+1}) + h\\sum_i Z_i`,
  ``J = 1``, ``h = 0.5``: ``tnbp.hamiltonian.xx_chain(n, J=1, h=0.5)`` and
  TeNPy ``XXZChain(L=n, Jxx=4 J, Jz=0, hz=-2 h, bc_MPS="finite")``:
  TeNPy's chain is
  ``Jxx/2 (S+S- + h.c.) + Jz Sz Sz - hz Sz = Jxx (SxSx + SySy) - hz Sz`` with
  spin-1/2 operators ``S = sigma/2``, i.e.
  ``Jxx/4 (XX + YY) - hz/2 Z``.

Both models are quadratic in fermions (Jordan-Wigner), so the exact energy at
any ``n`` and ``beta`` comes from the ``2n x 2n`` Majorana matrix:
``tnbp.free_fermion.thermal_energy(majorana_hamiltonian(H.terms, n), beta)``.

The two engines
---------------
* ``TeNPy`` (physics-tenpy), as a researcher would run it:
  ``psi = PurificationMPS.from_infiniteT(M.lat.mps_sites(), bc="finite")``,
  ``eng = PurificationTEBD(psi, M, {"dt": 0.05, "trunc_params": {"chi_max":
  64, "svd_min": 1e-10}})``, ``eng.run_imaginary(beta / 2)``, energy
  ``sum(M.bond_energies(psi))``. ``run_imaginary(x)`` applies
  :math:`e^{-xH}` to the purification, i.e. cools the density matrix to
  inverse temperature ``2x``: hence ``beta / 2`` (checked: TeNPy's
  ``evolved_time`` must equal ``-i beta/2``). TeNPy's imaginary-time TEBD is
  always second order (``run_imaginary`` hard-codes it; an ``order`` option
  would be ignored): each step of ``dt`` sweeps the bonds left to right and
  back with ``dt/2`` each, ``2 (n - 1)`` two-site updates (SVDs) per step.
  Truncation rule: keep at most ``chi_max`` Schmidt values, drop every Schmidt
  value below ``svd_min`` (of the normalized state), and TeNPy's default
  ``trunc_cut = 1e-14`` (drop at most a discarded norm of 1e-14).
* ``tnbp``: ``rho = tnbp.gibbs_state(H, beta, backend="mps", dtau=0.5,
  order=4, max_bond=64, cutoff=1e-20, richardson=False, conserve=...)`` and
  ``tnbp.thermal_energy(rho)``. ``richardson=False``: TeNPy's run gives no
  error estimate, so tnbp skips the Richardson companion behind the Trotter
  part of its error budget (~40% more work, on by default; its truncation
  part, one MPO contraction for the energy variance, is included).
  Each step is Blanes and Moan's fourth-order six-stage splitting over the
  even/odd bond layers (12 layers a step, the ends of adjacent steps
  merged); the number of steps is ``ceil(beta / (2 dtau))`` (1 at
  ``beta = 1``, 2 at ``beta = 2``). Truncation rule (``rsum2``): drop the
  smallest singular values whose squared sum is below ``cutoff`` times the
  total, then keep at most ``max_bond``. ``cutoff = 1e-20`` is TeNPy's
  ``svd_min = 1e-10`` in this language (it drops what lies below ~1e-10 and
  keeps the rest; the maximal bonds reached agree to within a few where
  ``chi`` does not bind). These settings were picked from the candidates
  ``(order 2, dtau 0.1, 0.25)``, ``(order 4, dtau 1/3, 0.5, 1)`` as the
  cheapest one whose error is below TeNPy's in all eight cases (at
  ``dtau = 1`` the XX chain at ``beta = 2`` misses by 6x; order 2 misses
  everywhere on the XX chain). They are fixed for all cases, not tuned per
  case.

Charge conservation (``--conserve``): ``default`` runs both codes with
charges, TeNPy with its models' default conservation (``parity`` for
``TFIChain``, ``Sz`` for ``XXZChain``: block-sparse tensors, what a TeNPy
user gets by default) and tnbp with ``conserve="auto"`` (its default: U(1)
for the XX chain, Z2 parity for the Ising chain, detected from ``H``);
``none`` runs both with dense tensors (TeNPy ``conserve=None``, tnbp
``conserve="none"``); ``both`` (the default) times the two settings, one
table each, in one process.

Timing: the timed region is everything from the initial (infinite-temperature)
state to the energy, both included: TeNPy's ``from_infiniteT``, engine
construction (which exponentiates the bond Hamiltonians), ``run_imaginary``
and ``bond_energies``; tnbp's ``gibbs_state`` (term grouping, gate
exponentials, evolution, final canonical form) and ``thermal_energy``. Building
the models (TeNPy's ``TFIChain``/``XXZChain`` with its MPO, tnbp's
``PauliSum``) is not timed. Each case is timed ``--repeats`` times (2; 1 with
``--quick``), the engines alternating within each repeat; the table shows the
**best** repeat, the CSV also has the median. As in ``timeit`` the garbage
collector is off inside the timed call, after a full collection.

Checks before timing (exit 1 if one fails): at ``n = 8`` for each model,
TeNPy's MPO contracted to a dense matrix equals tnbp's ``H.to_dense()``
(1e-12); the free-fermion energy and ``ln Z`` equal dense exact
diagonalization at every ``beta`` (1e-10); and both engines, with the
benchmark's settings, land within 1e-3 per site of the exact energy. These
runs also warm up both engines.

Without TeNPy (``physics-tenpy``, in the ``bench`` extra) the header says so,
the MPO check and TeNPy's runs are left out, and tnbp is timed alone: its
error against the exact energy is still measured, the TeNPy columns and the
ratio are left empty.

How to read the table
---------------------
``tnbp/TeNPy`` is the time ratio at matched accuracy: below 1 tnbp is faster;
the target (issue 16) is <= 0.25 (column ``ok``). ``match`` says whether tnbp's error is
no larger than TeNPy's (``err`` = |E/n - E_exact/n|). ``chi`` is the largest
bond either code reached (64 = the cap binds; for the XX chain it does, at
both temperatures). Absolute times drift up to 2x from run to run on a shared
2-core machine; compare the ratios taken in one run. BLAS/OpenMP threads are
pinned to ``--threads`` (1) before numpy is imported.

Usage::

    python benchmarks/gibbs.py                  # 2 x 8 cases, best of 2, ~8 min
    python benchmarks/gibbs.py --quick          # n = 16, beta = 1, 1 repeat
    python benchmarks/gibbs.py --out results/bench/gibbs.csv
    python benchmarks/gibbs.py --conserve default   # with charges only
"""

from __future__ import annotations

import functools
import math
import statistics
import warnings
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

TARGET_RATIO = 0.25
CHECK_N = 8
#: per-site energy error both engines must stay within at n = CHECK_N
CHECK_ENERGY_TOL = 1e-3
MODELS = ("tfim", "xx")
#: couplings of the two models (tnbp names)
TFIM = {"J": 1.0, "g": 1.0}
XX = {"J": 1.0, "h": 0.5}
FULL = {"ns": (32, 64), "betas": (1.0, 2.0), "repeats": 2}
QUICK = {"ns": (16,), "betas": (1.0,), "repeats": 1}
CHI = 64
TENPY = {"dt": 0.05, "svd_min": 1e-10}
TNBP = {"order": 4, "dtau": 0.5, "cutoff": 1e-20}
#: --conserve: the charge settings timed, each (TeNPy's conserve, tnbp's conserve)
CONSERVE = {"default": ("default", "auto"), "none": ("none", "none")}


# --------------------------------------------------------------------------- models


def tnbp_hamiltonian(model: str, n: int):
    import tnbp

    if model == "tfim":
        return tnbp.hamiltonian.tfim_chain(n, **TFIM)
    return tnbp.hamiltonian.xx_chain(n, **XX)


def tenpy_model(model: str, n: int, conserve: str):
    """The TeNPy model with tnbp's Hamiltonian; ``conserve`` "none" or "default"."""
    from tenpy.models.tf_ising import TFIChain
    from tenpy.models.xxz_chain import XXZChain

    params = {"L": n, "bc_MPS": "finite"}
    if conserve == "none":
        params["conserve"] = None
    if model == "tfim":
        return TFIChain({**params, "J": TFIM["J"], "g": TFIM["g"]})
    # Jxx/4 (XX + YY) - hz/2 Z  ==  J (XX + YY) + h Z
    return XXZChain({**params, "Jxx": 4 * XX["J"], "Jz": 0.0, "hz": -2 * XX["h"]})


def exact_energy(H, beta: float) -> float:
    """<H> of the Gibbs state from free fermions (Jordan-Wigner)."""
    from tnbp import free_fermion as ff

    A = ff.majorana_hamiltonian(H.terms, H.n)
    return ff.thermal_energy(A, beta) + H.constant


def exact_log_partition(H, beta: float) -> float:
    """:math:`\\ln \\mathrm{Tr}\\, e^{-\\beta H}` from free fermions."""
    from tnbp import free_fermion as ff

    A = ff.majorana_hamiltonian(H.terms, H.n)
    return ff.thermal_log_partition(A, beta) - beta * H.constant


def tenpy_mpo_dense(M):
    """TeNPy's MPO Hamiltonian as a dense matrix (site 0 most significant).

    In each site's own basis (``up, down``: ``Sigmaz = diag(1, -1)``, as tnbp's
    ``|0>, |1>``), undoing the charge sorting of a conserving site.
    """
    import numpy as np

    mpo = M.H_MPO
    T = None
    for i in range(mpo.L):
        W = mpo.get_W(i).transpose(["wL", "wR", "p", "p*"]).to_ndarray()
        # with charges the physical basis is sorted: back to the site's own order
        inv = np.argsort(M.lat.mps_sites()[i].perm)
        W = W[:, :, inv][:, :, :, inv]
        if T is None:
            T = W[mpo.IdL[0]]
            continue
        T = np.einsum("aPQ,abpq->bPpQq", T, W)
        b, P, p, Q, q = T.shape
        T = T.reshape(b, P * p, Q * q)
    return T[mpo.IdR[mpo.L]]


# --------------------------------------------------------------------------- engines


def run_tenpy(M, beta: float, chi: int, cfg: dict) -> dict:
    """TeNPy purification TEBD to ``beta`` and its energy (the timed call)."""
    import numpy as np
    from tenpy.algorithms.purification import PurificationTEBD
    from tenpy.networks.purification_mps import PurificationMPS

    psi = PurificationMPS.from_infiniteT(
        M.lat.mps_sites(), bc="finite", unit_cell_width=M.lat.mps_unit_cell_width
    )
    options = {
        "dt": cfg["dt"],
        "trunc_params": {"chi_max": chi, "svd_min": cfg["svd_min"]},
    }
    eng = PurificationTEBD(psi, M, options)
    eng.run_imaginary(beta / 2)  # e^{-beta H/2} on the purification
    energy = float(np.sum(M.bond_energies(psi)))
    return {
        "energy": energy,
        "max_bond": int(max(psi.chi)),
        "discarded": float(eng.trunc_err.eps),
        "evolved": float(-eng.evolved_time.imag),
    }


def run_tnbp(H, beta: float, chi: int, cfg: dict, conserve: str) -> dict:
    """tnbp's purified Gibbs state and its energy (the timed call)."""
    import tnbp

    rho = tnbp.gibbs_state(
        H,
        beta,
        backend="mps",
        dtau=cfg["dtau"],
        max_bond=chi,
        cutoff=cfg["cutoff"],
        order=cfg["order"],
        richardson=False,  # no Trotter estimate: TeNPy's run has none either
        conserve=conserve,
    )
    with warnings.catch_warnings():
        # a truncated state makes the estimate warn; its caveats are recorded
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        energy = tnbp.thermal_energy(rho)
    rec = rho.record
    return {
        "energy": float(energy),
        "max_bond": int(rec.max_bond_reached),
        "discarded": float(rec.discarded_weight),
        "steps": rho.steps,
        "log_partition": rho.log_partition,
        "conserve": rho.conserve,
        "caveats": "; ".join(energy.caveats),
    }


# --------------------------------------------------------------------------- checks


def check_model(model: str, betas, chi: int, cfgs: dict, tenpy: bool) -> bool:
    """One model at n = CHECK_N: H identical, free fermions exact, engines close."""
    import numpy as np
    from scipy.special import logsumexp

    from tnbp import free_fermion as ff

    n = CHECK_N
    H = tnbp_hamiltonian(model, n)
    dense = H.to_dense()
    M = tenpy_model(model, n, cfgs["conserve"]) if tenpy else None
    d_mpo = float(np.abs(tenpy_mpo_dense(M) - dense).max()) if tenpy else 0.0
    w = np.linalg.eigvalsh(dense)
    A = ff.majorana_hamiltonian(H.terms, n)
    d_ff, errs = 0.0, []
    for beta in betas:
        log_z = float(logsumexp(-beta * w))
        e_ed = float(np.sum(w * np.exp(-beta * w - log_z)))
        z_ff = ff.thermal_log_partition(A, beta)
        d_ff = max(d_ff, abs(exact_energy(H, beta) - e_ed), abs(z_ff - log_z))
        e_tp = run_tenpy(M, beta, chi, cfgs["tenpy"])["energy"] if tenpy else e_ed
        e_tn = run_tnbp(H, beta, chi, cfgs["tnbp"], cfgs["tnbp_conserve"])["energy"]
        errs.append((beta, abs(e_tp - e_ed) / n, abs(e_tn - e_ed) / n))
    good = d_mpo <= 1e-12 and d_ff <= 1e-10
    good &= all(max(a, b) <= CHECK_ENERGY_TOL for _, a, b in errs)
    tp = (lambda a: f"TeNPy {a:.1e} ") if tenpy else (lambda a: "")
    per_beta = ", ".join(f"beta {b:g}: {tp(a)}tnbp {c:.1e}" for b, a, c in errs)
    mpo = f"max|H_TeNPy - H_tnbp| = {d_mpo:.1e}; " if tenpy else ""
    print(
        f"  {model}: {mpo}free fermions vs exact diagonalization (E, ln Z) "
        f"{d_ff:.1e}; energy error per site {per_beta} -> "
        f"{'ok' if good else 'FAILED'}"
    )
    return good


# --------------------------------------------------------------------------- timing


def measure(model, n, beta, chi, cfgs: dict, bench, reps: int, tenpy: bool) -> dict:
    """Time both engines on one case (alternating), compare with the exact energy."""
    H = tnbp_hamiltonian(model, n)
    calls = {
        "tnbp": functools.partial(
            run_tnbp, H, beta, chi, cfgs["tnbp"], cfgs["tnbp_conserve"]
        )
    }
    if tenpy:
        M = tenpy_model(model, n, cfgs["conserve"])
        tenpy_call = functools.partial(run_tenpy, M, beta, chi, cfgs["tenpy"])
        calls = {"tenpy": tenpy_call} | calls
    times, res = bench.interleaved(calls, reps, alternate=True)
    e_exact = exact_energy(H, beta)
    tn = res["tnbp"]
    row = {"model": model, "n": n, "beta": beta, "chi": chi}
    row["energy_exact_per_site"] = e_exact / n
    row |= tenpy_columns(res.get("tenpy"), times.get("tenpy"), e_exact, n, cfgs)
    row |= {
        "tnbp_s_best": min(times["tnbp"]),
        "tnbp_s_median": statistics.median(times["tnbp"]),
        "tnbp_energy_per_site": tn["energy"] / n,
        "tnbp_error_per_site": abs(tn["energy"] - e_exact) / n,
        "tnbp_max_bond": tn["max_bond"],
        "tnbp_discarded": tn["discarded"],
        "tnbp_log_partition_error": abs(
            tn["log_partition"] - exact_log_partition(H, beta)
        ),
        **{f"tnbp_{k}": cfgs["tnbp"][k] for k in ("order", "dtau")},
        "tnbp_steps": tn["steps"],
        "tnbp_cutoff": cfgs["tnbp"]["cutoff"],
        "tnbp_conserve": tn["conserve"],
        "tnbp_caveats": tn["caveats"],
    }
    ratio = row["tnbp_s_best"] / row["tenpy_s_best"]
    matched = row["tnbp_error_per_site"] <= row["tenpy_error_per_site"]
    return row | {
        "ratio": ratio,
        "target_met": ratio <= TARGET_RATIO if tenpy else None,
        "accuracy_matched": matched if tenpy else None,
        "repeats": reps,
    }


def tenpy_columns(tp: dict | None, times, e_exact: float, n: int, cfgs: dict) -> dict:
    """TeNPy's columns of a case (NaN when TeNPy was not run)."""
    nan = float("nan")
    return {
        "tenpy_s_best": min(times) if tp else nan,
        "tenpy_s_median": statistics.median(times) if tp else nan,
        "tenpy_energy_per_site": tp["energy"] / n if tp else nan,
        "tenpy_error_per_site": abs(tp["energy"] - e_exact) / n if tp else nan,
        "tenpy_max_bond": tp["max_bond"] if tp else nan,
        "tenpy_discarded": tp["discarded"] if tp else nan,
        "tenpy_evolved": tp["evolved"] if tp else nan,
        "tenpy_dt": cfgs["tenpy"]["dt"],
        "tenpy_svd_min": cfgs["tenpy"]["svd_min"],
        "tenpy_conserve": cfgs["conserve"],
    }


# --------------------------------------------------------------------------- output

HEAD = (
    f"{'model':<5} {'n':>3} {'beta':>4} | {'TeNPy s':>8} {'err':>8} {'chi':>3} "
    f"| {'tnbp s':>8} {'err':>8} {'chi':>3} {'steps':>5} "
    f"| {'tnbp/TeNPy':>10} {'ok':>3} {'match':>5}"
)


def print_intro(chi: int, reps: int, cfgs: dict, keep_gc: bool) -> None:
    """Models and both engines' settings."""
    tp, tn = cfgs["tenpy"], cfgs["tnbp"]
    print(
        f"  models: tfim H = -{TFIM['J']:g} sum XX - {TFIM['g']:g} sum Z "
        f"(TeNPy TFIChain J={TFIM['J']:g} g={TFIM['g']:g}); "
        f"xx H = {XX['J']:g} sum (XX + YY) + {XX['h']:g} sum Z "
        f"(TeNPy XXZChain Jxx={4 * XX['J']:g} Jz=0 hz={-2 * XX['h']:g}); "
        "open chains; exact energy from free fermions"
    )
    print(
        f"  TeNPy: from_infiniteT + PurificationTEBD, order 2 (fixed in "
        f"run_imaginary), dt={tp['dt']:g}, run_imaginary(beta/2); truncation: "
        f"chi_max={chi}, svd_min={tp['svd_min']:g} (drop Schmidt values below "
        "it), trunc_cut=1e-14 (default)"
    )
    print(
        f"  tnbp:  gibbs_state(backend='mps', order={tn['order']} (Blanes-Moan), "
        f"dtau={tn['dtau']:.4g}, richardson=False), ceil(beta/(2 dtau)) steps; "
        "truncation: "
        f"max_bond={chi}, cutoff={tn['cutoff']:g} (rsum2: drop the smallest "
        f"singular values whose squared sum < cutoff x total)"
    )
    print(
        f"  timed: initial state -> energy, model building excluded; best of "
        f"{reps} (engines alternating; CSV also has the median); garbage "
        + ("collector on (--gc)" if keep_gc else "collector off while timed")
    )
    print(
        "  err = |E/n - E_exact/n|; match = tnbp err <= TeNPy err; "
        f"ok = tnbp/TeNPy <= {TARGET_RATIO:g}"
    )


def print_conserve(cfgs: dict) -> None:
    """The charge setting of the table that follows."""
    if cfgs["conserve"] == "none":
        print("Dense tensors on both sides: TeNPy conserve=None, tnbp conserve='none'")
    else:
        print(
            "Charges on both sides: TeNPy's model defaults (TFIChain parity, "
            "XXZChain Sz), tnbp conserve='auto' (Z2 parity, U(1))"
        )


def check_evolved(r: dict) -> bool:
    """TeNPy's ``run_imaginary(beta / 2)`` reached beta/2 (or TeNPy was not run)."""
    evolved = r["tenpy_evolved"]
    if evolved == evolved and abs(evolved - r["beta"] / 2) > 1e-9:
        print(
            f"FAILED: TeNPy evolved to {evolved:g}, not beta/2 = "
            f"{r['beta'] / 2:g} (dt must divide beta/2)"
        )
        return False
    return True


def print_row(r: dict) -> None:
    """One line of the table (``nan`` and ``-`` where TeNPy was not run)."""
    ok = {True: "yes", False: "no", None: "-"}[r["target_met"]]
    match = {True: "yes", False: "NO", None: "-"}[r["accuracy_matched"]]
    print(
        f"{r['model']:<5} {r['n']:>3} {r['beta']:>4g} | {r['tenpy_s_best']:>8.2f} "
        f"{r['tenpy_error_per_site']:>8.1e} {r['tenpy_max_bond']:>3} "
        f"| {r['tnbp_s_best']:>8.2f} {r['tnbp_error_per_site']:>8.1e} "
        f"{r['tnbp_max_bond']:>3} {r['tnbp_steps']:>5} | {r['ratio']:>10.2f} "
        f"{ok:>3} {match:>5}",
        flush=True,
    )
    return True


def print_summary(rows: list[dict], models) -> None:
    """Geometric means of the ratios per model, summed times, accuracy matches."""
    total_tn = sum(r["tnbp_s_best"] for r in rows)
    if not all(r["ratio"] == r["ratio"] for r in rows):
        print(f"\nTeNPy not run: summed tnbp best times {total_tn:.1f} s")
        return

    def gmean(ratios):
        return math.exp(statistics.fmean(math.log(x) for x in ratios))

    ratios = [r["ratio"] for r in rows]
    met = sum(r["target_met"] for r in rows)
    matched = sum(r["accuracy_matched"] for r in rows)
    total_tp = sum(r["tenpy_s_best"] for r in rows)
    print()
    print(
        f"tnbp/TeNPy at matched accuracy: geometric mean {gmean(ratios):.2f}, min "
        f"{min(ratios):.2f}, max {max(ratios):.2f}; target <= {TARGET_RATIO:g} met "
        f"in {met} of {len(rows)} cases"
    )
    for model in models:
        sub = [r["ratio"] for r in rows if r["model"] == model]
        print(f"  {model}: geometric mean {gmean(sub):.2f} over {len(sub)} cases")
    print(
        f"summed best times: TeNPy {total_tp:.1f} s, tnbp {total_tn:.1f} s "
        f"(ratio {total_tn / total_tp:.2f})"
    )
    print(
        f"accuracy matched (tnbp err <= TeNPy err) in {matched} of {len(rows)} cases"
        + ("" if matched == len(rows) else ": WARNING, those ratios are not fair")
    )


# --------------------------------------------------------------------------- main


def run(cfg: dict, chi: int, cfgs: dict, bench, tenpy: bool) -> tuple[list, bool]:
    """Per charge setting: checks at n = CHECK_N, then every case timed and printed."""
    # TeNPy >= 1.1 warns about its lattices' unit-cell width; not ours to fix
    warnings.filterwarnings("ignore", message=".*unit_cell_width.*")
    print_intro(chi, cfg["repeats"], cfgs, bench.keep_gc)
    rows, failed = [], False
    for setting in cfg["conserve"]:
        cfgs["conserve"], cfgs["tnbp_conserve"] = CONSERVE[setting]
        print()
        print_conserve(cfgs)
        print(f"Checks at n = {CHECK_N} (also the warm-up):")
        good = [check_model(m, cfg["betas"], chi, cfgs, tenpy) for m in cfg["models"]]
        if not all(good):
            print("FAILED: the checks above")
            raise typer.Exit(1)
        print()
        print(HEAD)
        print("-" * len(HEAD))
        table = []
        for model in cfg["models"]:
            for n in cfg["ns"]:
                for beta in cfg["betas"]:
                    row = measure(
                        model, n, beta, chi, cfgs, bench, cfg["repeats"], tenpy
                    )
                    failed |= not check_evolved(row)
                    print_row(row)
                    table.append(row)
        print_summary(table, cfg["models"])
        rows += table
    return rows, failed


QuickOpt = quick_option("n = 16, beta = 1, 1 repeat")
Numbers = Annotated[str | None, typer.Option(help="Override, comma separated.")]
Models = Annotated[str, typer.Option(help=f"Models, comma separated: {MODELS}.")]
Chi = Annotated[int, typer.Option(help="Bond cap of both purifications.")]
TenpyDt = Annotated[float, typer.Option(help="TeNPy imaginary time step (order 2).")]
SvdMin = Annotated[float, typer.Option(help="TeNPy trunc_params svd_min.")]
Conserve = Annotated[
    str,
    typer.Option(
        help="Charge conservation on both sides: default (TeNPy's model "
        "defaults, parity for TFIChain and Sz for XXZChain; tnbp conserve='auto'), "
        "none (dense tensors on both sides) or both (one table each)."
    ),
]
Order = Annotated[int, typer.Option(help="tnbp Trotter order (2 or 4).")]
Dtau = Annotated[float, typer.Option(help="tnbp largest imaginary time step.")]
Cutoff = Annotated[
    float, typer.Option(help="tnbp cutoff (rsum2, relative discarded weight).")
]


def main(
    quick: QuickOpt = False,
    threads: Threads = 1,
    repeats: Repeats = None,
    ns: Numbers = None,
    betas: Numbers = None,
    models: Models = ",".join(MODELS),
    chi: Chi = CHI,
    tenpy_dt: TenpyDt = TENPY["dt"],
    tenpy_svd_min: SvdMin = TENPY["svd_min"],
    conserve: Conserve = "both",
    tnbp_order: Order = TNBP["order"],
    tnbp_dtau: Dtau = TNBP["dtau"],
    tnbp_cutoff: Cutoff = TNBP["cutoff"],
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time tnbp's purified Gibbs states against TeNPy's PurificationTEBD."""
    chosen = tuple(m.strip() for m in models.split(","))
    if not chosen or any(m not in MODELS for m in chosen):
        raise typer.BadParameter(f"--models must be among {MODELS}, got {models!r}")
    if conserve not in ("both", *CONSERVE):
        raise typer.BadParameter("--conserve must be both, default or none")
    bench = start(threads, keep_gc)
    cfg = settings(
        FULL, QUICK, quick, ns=numbers(ns), betas=numbers(betas, float), repeats=repeats
    )
    cfg["models"] = chosen
    cfg["conserve"] = tuple(CONSERVE) if conserve == "both" else (conserve,)
    cfgs = {
        "tenpy": {"dt": tenpy_dt, "svd_min": tenpy_svd_min},
        "tnbp": {"order": tnbp_order, "dtau": tnbp_dtau, "cutoff": tnbp_cutoff},
    }
    # TeNPy's modules are loaded here, before anything is timed
    peer = find_peer("physics-tenpy", "tenpy.algorithms.purification")
    title = "Gibbs states by purification: tnbp vs TeNPy PurificationTEBD"
    bench.header(title, (), [peer])
    if not peer.available:
        print("  TeNPy columns left empty: tnbp timed alone")
    rows, failed = run(cfg, chi, cfgs, bench, peer.available)
    return bench.finish(rows, out, failed)


if __name__ == "__main__":
    typer.run(main)
