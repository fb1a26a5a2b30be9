"""Fig. 3b of arXiv:2005.12458 at scale: local perceptrons, global vs local cost, to n = 64.

The DQNN of local (m = 2) perceptrons (``tnbp.DQNN((n,) * (D + 1), "local")``)
with ``D = 2L`` perceptron layers is exactly ``L`` layers of the alternating
layered ansatz (``tnbp.ansatz.alternating_layered(n, L)``, the paper's mapping,
checked gate for gate in tests/models/test_dqnn.py). Depth rules:

``log``
    ``L = ceil(log2(n) / 2)`` ansatz layers, ``D = 2L ~ log2 n`` DQNN layers
    (the O(log n) depth of eqs. 11-12): L = 1, 2, 2, 3, 3 at n = 4, 8, 16, 32, 64.
``fixed``
    ``L = 1`` (``D = 2``) at every ``n``.

The parameter differentiated is the first angle of the middle perceptron of
the first layer: :math:`V_j^1` with ``j = 2 floor(n/4)`` (counted from 0),
whose block acts on inputs ``(j, j + 1)``; parameter index ``2 floor(n/4)`` of
both the DQNN and the ansatz (their parameters coincide).

Two routes, one row per (route, depth, n, instance):

``exact``
    Var over the whole ensemble = E_W[Var_theta], since E_theta[dC] = 0 for
    every fixed block W (the cost is 2 pi-periodic in each angle). The inner
    variance over uniform angles is exact (:func:`tnbp.exact_gradient_variance`,
    the twirled doubled circuit as an MPS). The fixed two-qubit gates are
    random Cliffords (``design="clifford"``), an exact 2-design: second
    moments, hence the variances, equal those of the Haar blocks, and the
    doubled MPS stays small (bond <= ~200 at n = 64; with Haar gates it is 576
    already at n = 6). Each row is one instance of the gates; the outer mean
    over ``instances`` rows is a sample mean with its standard error. Both
    costs (eq. 3 global, eq. 4 local) per instance; the global cost's
    variance (~1e-37 at n = 64) is resolved, where sampling cannot.
``sampled``
    The DQNN circuit itself (Haar blocks, ``n (D + 1)`` qubits in the
    interleaved order), ``samples`` random networks, the local-cost
    derivative by contraction on the ``tn`` backend
    (:func:`tnbp.gradient_variance`); a cross-check of the exact route on the
    paper's own circuit.

Each row goes to the results store in ``<out>`` (``<out>/table.csv`` holds
every row, refreshed as rows finish; a rerun computes only what is missing).
The summary (``<out>/summary.csv``: mean, standard error, largest doubled
bond per (route, depth, cost, n)), the fits (exponential and power law with
their chi^2 and the AIC verdict, ``<out>/fits.csv``) and the figure
(``<out>/dqnn_local_perceptrons.png``) use the rows of the current settings.
A row whose doubled MPS reached ``max_bond`` is truncated (approximate) and
drawn as an open marker. ``--quick`` is a seconds-long preset; options given
explicitly override it. Ctrl-C stops the run with one line that says how many
rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import typer

import tnbp
from tnbp import ansatz, observables
from tnbp.ensembles.fits import MIN_FIT_POINTS, compare_decay_laws
from tnbp.results import StudyOptions, run_sweep
from tnbp.states.record import TruncationWarning

#: DQNN depth rules: n -> L, the number of ansatz layers (2L DQNN layers)
DEPTHS = {"log": lambda n: math.ceil(math.log2(n) / 2), "fixed": lambda n: 1}
COSTS = ("global", "local")
#: eq. 11: the global cost's variance is O((sqrt 3 / 4)^n)
EQ11_BASE = math.sqrt(3) / 4

DEFAULTS = dict(
    n_values=(4, 6, 8, 12, 16, 24, 32, 48, 64),
    instances=16,
    sampled_n=(8, 16, 32, 64),
    samples=100,
    max_bond=1024,
)
QUICK = dict(
    n_values=(4, 6, 8, 12, 16), instances=6, sampled_n=(4, 8), samples=30, max_bond=1024
)
#: the values each parameter allows (checked before any work; a list: each item):
#: a block needs two qubits, a standard error two instances or samples
LIMITS = dict(
    n_values=">= 4", instances=">= 2", sampled_n=">= 4", samples=">= 2", max_bond=">= 1"
)


def parameter_index(n: int) -> int:
    """The angle differentiated: first angle of perceptron ``j = 2 floor(n/4)``, layer 1."""
    return 2 * (n // 4)


def network(n: int, depth: str, seed) -> tnbp.DQNN:
    """The Fig. 3b DQNN of width ``n`` under depth rule ``depth``."""
    return tnbp.DQNN((n,) * (2 * DEPTHS[depth](n) + 1), "local", seed=seed)


def _exact(depth: str, n: int, instance: int, max_bond: int) -> dict:
    """Exact Var_theta of both costs for one draw of the Clifford blocks."""
    circ = ansatz.alternating_layered(
        n, DEPTHS[depth](n), seed=instance, design="clifford"
    )
    row = {}
    for cost in COSTS:
        obs = getattr(observables, f"{cost}_cost")(range(n))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TruncationWarning)  # recorded per row
            m = tnbp.exact_gradient_variance(
                circ, obs, parameters=parameter_index(n), max_bond=max_bond
            )
        row[f"variance_{cost}"] = float(m.variance[0])
        row[f"variance_se_{cost}"] = np.nan  # one instance: no error of its own
        row[f"max_bond_{cost}"] = m.max_bond_reached
        row[f"truncated_{cost}"] = m.truncated
    return row


def _sampled(depth: str, n: int, samples: int, seed: int) -> dict:
    """Sampled Var of the local cost over random DQNNs (Haar blocks), tn backend."""
    outputs = network(n, depth, 0).output_qubits  # the layout is seed-independent
    df = tnbp.gradient_variance(
        lambda _, seed: network(n, depth, seed).circuit,
        [n],
        observable=lambda _: observables.local_cost(outputs),
        samples=samples,
        parameters=lambda _: [parameter_index(n)],
        backend="tn",
        seed=seed,
        executor="serial",
        inf_norm=False,
    )
    r = df.iloc[0]
    return {
        "variance_global": np.nan,
        "variance_se_global": np.nan,
        "max_bond_global": -1,
        "truncated_global": False,
        "variance_local": float(r.variance),
        "variance_se_local": float(r.variance_se),
        "max_bond_local": -1,  # exact contraction: no bond truncated
        "truncated_local": bool(r.untrusted_runs > 0),
    }


def measure(
    *, route: str, depth: str, n: int, instance: int, samples: int, max_bond: int
) -> dict:
    """One row: an exact instance (Clifford blocks) or a sampled ensemble (DQNN)."""
    if route == "exact":
        return _exact(depth, n, instance, max_bond)
    return _sampled(depth, n, samples, instance)


#: every parameter of a row
SETTINGS = ("route", "depth", "n", "instance", "samples", "max_bond")


def points(*, n_values, instances, sampled_n, samples, max_bond) -> list[dict]:
    """The sweep's points: exact instances, then the sampled cross-check (log depth)."""
    exact = [
        dict(route="exact", depth=d, n=n, instance=i, samples=1, max_bond=max_bond)
        for d in DEPTHS
        for n in n_values
        for i in range(instances)
    ]
    sampled = [
        dict(route="sampled", depth="log", n=n, instance=0, samples=samples, max_bond=0)
        for n in sampled_n
    ]
    return exact + sampled


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (route, depth, cost, n): mean variance, standard error, bonds.

    For the exact route the mean over instances and its standard error; for the
    sampled route the ensemble's own variance and error. ``saturated`` marks a
    mean with any truncated instance (doubled MPS at ``max_bond``).
    """
    rows = []
    for (route, depth, n), g in df.groupby(["route", "depth", "n"], sort=True):
        for cost in COSTS:
            v = g[f"variance_{cost}"].to_numpy(float)
            if np.all(np.isnan(v)):
                continue
            if route == "exact":
                mean, se = v.mean(), v.std(ddof=1) / np.sqrt(v.size)
                count = v.size
            else:
                mean, se = v[0], g[f"variance_se_{cost}"].iloc[0]
                count = int(g.samples.iloc[0])
            rows.append(
                dict(
                    route=route,
                    depth=depth,
                    cost=cost,
                    n=int(n),
                    layers=2 * DEPTHS[depth](int(n)),
                    variance=mean,
                    variance_se=se,
                    count=count,
                    zero_instances=int(np.sum(np.abs(v) < 1e-12 * max(mean, 1e-300)))
                    if route == "exact"
                    else 0,
                    max_bond=int(g[f"max_bond_{cost}"].max()),
                    saturated=bool(g[f"truncated_{cost}"].any()),
                    eq11=EQ11_BASE ** int(n) if cost == "global" else np.nan,
                )
            )
    return pd.DataFrame(rows)


def fit_all(summary: pd.DataFrame) -> pd.DataFrame:
    """Exponential and power-law fits per (depth, cost) of the exact route."""
    rows = []
    exact = summary[(summary.route == "exact") & (summary.variance > 0)]
    for (depth, cost), g in exact.groupby(["depth", "cost"]):
        if g.n.nunique() < MIN_FIT_POINTS:
            continue
        err = g.variance_se.where(g.variance_se > 0, g.variance)  # one-instance guard
        c = compare_decay_laws(g.n, g.variance, variance_err=err)
        rows.append(dict(depth=depth, cost=cost, n_max=int(g.n.max()), **c.to_dict()))
    return pd.DataFrame(rows)


def plot(summary: pd.DataFrame, fits: pd.DataFrame, path: Path) -> Path:
    """Two panels: global cost (semilog, eq. 11 slope) and local cost (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), constrained_layout=True)
    style = {"log": ("C0", "o"), "fixed": ("C1", "s")}
    label = {"log": "D = 2 ceil(log2(n)/2)", "fixed": "D = 2"}
    for ax, cost in zip(axes, COSTS):
        for depth, (color, marker) in style.items():
            g = summary[
                (summary.route == "exact")
                & (summary.depth == depth)
                & (summary.cost == cost)
                & (summary.variance > 0)
            ]
            if g.empty:
                continue
            for sat, face in ((False, color), (True, "none")):
                h = g[g.saturated == sat]
                if h.empty:
                    continue
                ax.errorbar(
                    h.n,
                    h.variance,
                    yerr=h.variance_se.fillna(0),
                    fmt=marker,
                    color=color,
                    mfc=face,
                    capsize=3,
                    label=f"exact, {label[depth]}"
                    + (" (chi saturated)" if sat else ""),
                )
            f = fits[(fits.depth == depth) & (fits.cost == cost)]
            if not f.empty:
                f = f.iloc[0]
                x = np.linspace(g.n.min(), g.n.max(), 200)
                ax.plot(
                    x,
                    f.exp_prefactor * np.exp(-f.exp_rate * x),
                    "-" if cost == "global" else ":",
                    color=color,
                    lw=1,
                    label=f"exp fit r = {f.exp_rate:.3f}({1000 * f.exp_rate_err:.0f})"
                    f", chi2/dof = {f.exp_chi2_per_dof:.2g}",
                )
                ax.plot(
                    x,
                    f.pow_prefactor * x ** (-f.pow_exponent),
                    ":" if cost == "global" else "-",
                    color=color,
                    lw=1,
                    label=f"power fit p = {f.pow_exponent:.2f}({100 * f.pow_exponent_err:.0f})"
                    f", chi2/dof = {f.pow_chi2_per_dof:.2g}",
                )
        if cost == "global":
            g = summary[(summary.route == "exact") & (summary.cost == "global")]
            if not g.empty:
                x = np.linspace(g.n.min(), g.n.max(), 200)
                v0 = g[g.n == g.n.min()].variance.max()
                ax.plot(
                    x,
                    v0 * EQ11_BASE ** (x - g.n.min()),
                    "k--",
                    lw=1,
                    label="eq. 11 rate (sqrt3/4)^n (slope only)",
                )
            ax.set_yscale("log")
            ax.set_title("(a) global cost $C_G$ (eq. 3)")
        else:
            s = summary[(summary.route == "sampled") & (summary.cost == "local")]
            if not s.empty:
                ax.errorbar(
                    s.n,
                    s.variance,
                    yerr=s.variance_se,
                    fmt="x",
                    color="C3",
                    capsize=3,
                    label="sampled DQNN (Haar W, tn), log depth",
                )
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title("(b) local cost $C_L$ (eq. 4)")
        ax.set_xlabel("qubits per layer n")
        ax.set_ylabel(r"Var[$\partial C / \partial\theta$]")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    fig.suptitle("DQNN with local perceptrons (arXiv:2005.12458 Fig. 3b)", fontsize=11)
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def main(
    *,
    n_values=DEFAULTS["n_values"],
    instances=DEFAULTS["instances"],
    sampled_n=DEFAULTS["sampled_n"],
    samples=DEFAULTS["samples"],
    max_bond=DEFAULTS["max_bond"],
    out="results/dqnn_local_perceptrons",
    progbar=True,
):
    """Run the sweep; return the rows, the summary, the fits and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            instances=instances,
            sampled_n=sampled_n,
            samples=samples,
            max_bond=max_bond,
        ),
        out=out,
        task="dqnn_local_perceptrons",
        progbar=progbar,
        desc="instances",
    )
    summary = summarize(df)
    fits = fit_all(summary)
    summary.to_csv(out / "summary.csv", index=False)
    fits.to_csv(out / "fits.csv", index=False)
    fig = plot(summary, fits, out / "dqnn_local_perceptrons.png")
    return df, summary, fits, fig


def _list(default) -> str:
    return ",".join(map(str, default))


def cli(
    n_values: str = typer.Option(
        None,
        help=f"comma-separated widths n, exact route [default: {_list(DEFAULTS['n_values'])}]",
    ),
    instances: int = typer.Option(
        None,
        help=f"Clifford instances per (depth, n) [default: {DEFAULTS['instances']}]",
    ),
    sampled_n: str = typer.Option(
        None,
        help=f"widths of the sampled DQNN route [default: {_list(DEFAULTS['sampled_n'])}]",
    ),
    samples: int = typer.Option(
        None, help=f"random DQNNs per sampled width [default: {DEFAULTS['samples']}]"
    ),
    max_bond: int = typer.Option(
        None, help=f"cap of the doubled MPS bond [default: {DEFAULTS['max_bond']}]"
    ),
    out: Path = typer.Option(
        Path("results/dqnn_local_perceptrons"), help="output folder"
    ),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 4..16) in place of the defaults; "
        "options given explicitly override it",
    ),
):
    """Fig. 3b: gradient variances of the local-perceptron DQNN against n."""
    given = dict(
        n_values=n_values,
        instances=instances,
        sampled_n=sampled_n,
        samples=samples,
        max_bond=max_bond,
    )
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    df, summary, fits, fig = opts.run(main, out=out, echo=typer.echo)
    typer.echo(summary.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    for _, f in fits.iterrows():
        typer.echo(
            f"{f.depth:>5} {f.cost:>6} (n <= {f.n_max}): exp r = {f.exp_rate:.4f} "
            f"+- {f.exp_rate_err:.4f} /qubit (chi2/dof {f.exp_chi2_per_dof:.3g}); "
            f"power p = {f.pow_exponent:.3f} +- {f.pow_exponent_err:.3f} "
            f"(chi2/dof {f.pow_chi2_per_dof:.3g}); preferred: {f.preferred} "
            f"(delta AIC {f.delta_aic:+.3g})"
        )
    typer.echo(f"eq. 11 rate: ln(4/sqrt3) = {-math.log(EQ11_BASE):.4f} per qubit")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
