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

Two routes:

``exact`` (global cost, eq. 3), one row per (depth, n, instance)
    Var over the whole ensemble = E_W[Var_theta], since E_theta[dC] = 0 for
    every fixed block W (the cost is 2 pi-periodic in each angle). The inner
    variance over uniform angles is exact (:func:`tnbp.exact_gradient_variance`,
    the twirled doubled circuit as an MPS). The fixed two-qubit gates are
    random Cliffords (``design="clifford"``), an exact 2-design: second
    moments, hence the variances, equal those of the Haar blocks, and the
    doubled MPS stays small (bond <= 324 at n = 64; with Haar gates it is 576
    already at n = 6). Each row is one instance of the gates; the outer mean
    over ``instances`` rows is a sample mean with its standard error. The
    global cost's variance (~1e-37 at n = 64) is resolved, where sampling
    cannot. The local cost is not computed here: its outer average over
    Clifford instances is heavy-tailed (many instances give exactly 0), so
    16 instances left its means with 50-100% errors and the fits undecided,
    at about half of this route's time.
``sampled`` (local cost, eq. 4), one row per (depth, n, chunk)
    The DQNN circuit itself (Haar blocks, ``n (D + 1)`` qubits in the
    interleaved order): ``samples`` random networks per (depth, n), split
    into rows of at most :data:`CHUNK` samples (network ``k`` of a (depth, n)
    is seeded by ``SeedSequence((depth index, n, k))``: distinct streams, and
    the samples do not depend on the chunking). The local-cost derivative is
    contracted exactly on the ``tn`` backend (:func:`tnbp.gradient`). A row
    keeps the power sums of its derivatives; the summary pools the chunks
    into one sample (its ``ddof=1`` variance and the fourth-moment standard
    error of :func:`tnbp.ensembles.statistics.variance_standard_error`). The
    local-cost variance (~1e-6 at n = 64) is well resolved this way, and the
    local-cost fits use these rows.

Each row goes to the results store in ``<out>`` (``<out>/table.csv`` holds
every row, refreshed as rows finish; a rerun computes only what is missing).
The summary (``<out>/summary.csv``: variance, standard error, count, largest
doubled bond per (route, depth, cost, n)), the fits (exponential and power law
with their chi^2 and the AIC verdict, ``<out>/fits.csv``: global cost on the
exact rows, local cost on the sampled rows) and the figure
(``<out>/dqnn_local_perceptrons.png``) use the rows of the current settings.
An exact row whose doubled MPS reached ``max_bond`` is truncated (approximate)
and drawn as an open marker. ``--quick`` is a seconds-long preset; options
given explicitly override it. Ctrl-C stops the run with one line that says how
many rows are saved and the command that resumes it (exit status 130).
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
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option
from tnbp.states.record import TruncationWarning

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2005.12458"
FIGURE = "Fig. 3b"

#: DQNN depth rules: n -> L, the number of ansatz layers (2L DQNN layers)
DEPTHS = {"log": lambda n: math.ceil(math.log2(n) / 2), "fixed": lambda n: 1}
#: the route of each cost: exact over angles (global), sampled DQNNs (local)
ROUTES = {"global": "exact", "local": "sampled"}
#: eq. 11: the global cost's variance is O((sqrt 3 / 4)^n)
EQ11_BASE = math.sqrt(3) / 4
#: samples per row of the sampled route (a row takes <= ~30 s at n = 64)
CHUNK = 250

DEFAULTS = dict(
    n_values=(4, 6, 8, 12, 16, 24, 32, 48, 64),
    instances=8,
    sampled_n=(4, 6, 8, 12, 16, 24, 32, 48, 64),
    samples=1000,
    max_bond=1024,
)
QUICK = dict(
    n_values=(4, 6, 8, 10), instances=2, sampled_n=(4, 8, 16), samples=40, max_bond=1024
)
#: the values each parameter allows (checked before any work; a list: each item):
#: a block needs two qubits, a standard error two instances, a sampled
#: variance's standard error four samples;
#: and upper ends a run can reach (n = 64: ~40 s per exact instance, ~0.2 s
#: per sampled DQNN; n = 128 about 4x that; the doubled bond stays <= 4096)
LIMITS = dict(
    n_values=">= 4 and <= 128",
    instances=">= 2 and <= 1000",
    sampled_n=">= 4 and <= 128",
    samples=">= 4 and <= 20000",
    max_bond=">= 1 and <= 4096",
)


def parameter_index(n: int) -> int:
    """The angle differentiated: first angle of perceptron ``j = 2 floor(n/4)``, layer 1."""
    return 2 * (n // 4)


def network(n: int, depth: str, seed) -> tnbp.DQNN:
    """The Fig. 3b DQNN of width ``n`` under depth rule ``depth``."""
    return tnbp.DQNN((n,) * (2 * DEPTHS[depth](n) + 1), "local", seed=seed)


def _exact(depth: str, n: int, instance: int, max_bond: int) -> dict:
    """Exact Var_theta of the global cost for one draw of the Clifford blocks."""
    circ = ansatz.alternating_layered(
        n, DEPTHS[depth](n), seed=instance, design="clifford"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TruncationWarning)  # recorded per row
        m = tnbp.exact_gradient_variance(
            circ,
            observables.global_cost(range(n)),
            parameters=parameter_index(n),
            max_bond=max_bond,
        )
    return dict(
        variance=float(m.variance[0]),
        max_bond_reached=m.max_bond_reached,
        truncated=m.truncated,
        **{f"sum{k}": np.nan for k in range(1, 5)},
    )


def _sampled(depth: str, n: int, chunk: int, samples: int) -> dict:
    """Power sums of the local-cost derivative over ``samples`` random DQNNs (tn)."""
    net = network(n, depth, 0)
    cost, p = net.cost("local"), parameter_index(n)  # the same for every seed
    # seeded by the number of layers, not the rule's name: where both rules
    # give the same D (n = 4) they draw the same ensemble
    layers = 2 * DEPTHS[depth](n)
    g = np.array(
        [
            tnbp.gradient(
                network(n, depth, np.random.SeedSequence((layers, n, k))).circuit,
                cost,
                backend="tn",
                parameters=[p],
            )[0]
            for k in range(chunk * CHUNK, chunk * CHUNK + samples)
        ]
    )
    return dict(
        variance=float(g.var(ddof=1)),
        max_bond_reached=-1,  # exact contraction: no bond truncated
        truncated=False,
        **{f"sum{k}": float(np.sum(g**k)) for k in range(1, 5)},
    )


def measure(
    *, route: str, depth: str, n: int, instance: int, samples: int, max_bond: int
) -> dict:
    """One row: an exact instance (Clifford blocks) or a chunk of sampled DQNNs."""
    if route == "exact":
        return _exact(depth, n, instance, max_bond)
    return _sampled(depth, n, instance, samples)


#: every parameter of a row
SETTINGS = ("route", "depth", "n", "instance", "samples", "max_bond")


def points(*, n_values, instances, sampled_n, samples, max_bond) -> list[dict]:
    """The sweep's points: exact instances, then the sampled chunks (both depths)."""
    exact = [
        dict(route="exact", depth=d, n=n, instance=i, samples=1, max_bond=max_bond)
        for d in DEPTHS
        for n in n_values
        for i in range(instances)
    ]
    sampled = [
        dict(
            route="sampled",
            depth=d,
            n=n,
            instance=c,
            samples=min(CHUNK, samples - c * CHUNK),
            max_bond=0,
        )
        for d in DEPTHS
        for n in sampled_n
        for c in range(-(-samples // CHUNK))
    ]
    return exact + sampled


def pooled(count, sums) -> tuple[float, float]:
    """Variance (``ddof=1``) and its standard error from power sums of one sample.

    ``sums`` are the sums of ``g, g^2, g^3, g^4`` over ``count`` values; the
    central moments follow from them, and the error is
    :func:`tnbp.ensembles.statistics.variance_standard_error` of the sample.
    """
    s1, s2, s3, s4 = sums
    mu = s1 / count
    m2 = s2 - count * mu**2
    m4 = s4 - 4 * mu * s3 + 6 * mu**2 * s2 - 3 * count * mu**4
    var = m2 / (count - 1)
    se = math.sqrt(max(m4 / count - (count - 3) / (count - 1) * var**2, 0.0) / count)
    return var, se


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (route, depth, cost, n): variance, standard error, bonds.

    Exact route (global cost): the mean over instances and its standard error;
    ``zero_instances`` counts instances with variance below ``1e-12`` of the
    mean. Sampled route (local cost): the chunks pooled into one sample
    (:func:`pooled`). ``saturated`` marks a mean with any truncated instance
    (doubled MPS at ``max_bond``).
    """
    rows = []
    for (route, depth, n), g in df.groupby(["route", "depth", "n"], sort=True):
        v = g.variance.to_numpy(float)
        if route == "exact":
            cost, count = "global", v.size
            mean, se = v.mean(), v.std(ddof=1) / np.sqrt(v.size)
            zeros = int(np.sum(np.abs(v) < 1e-12 * max(mean, 1e-300)))
        else:
            cost, count, zeros = "local", int(g.samples.sum()), 0
            sums = g[[f"sum{k}" for k in range(1, 5)]].sum().to_numpy(float)
            mean, se = pooled(count, sums)
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
                zero_instances=zeros,
                max_bond=int(g.max_bond_reached.max()),
                saturated=bool(g.truncated.any()),
                eq11=EQ11_BASE ** int(n) if cost == "global" else np.nan,
            )
        )
    return pd.DataFrame(rows)


def fit_all(summary: pd.DataFrame) -> pd.DataFrame:
    """Exponential and power-law fits per (depth, cost), each cost on its route."""
    rows = []
    for (depth, cost), g in summary[summary.variance > 0].groupby(["depth", "cost"]):
        if g.n.nunique() < MIN_FIT_POINTS:
            continue
        err = g.variance_se.where(g.variance_se > 0, g.variance)  # zero-spread guard
        c = compare_decay_laws(g.n, g.variance, variance_err=err)
        rows.append(
            dict(
                depth=depth,
                cost=cost,
                route=ROUTES[cost],
                n_min=int(g.n.min()),
                n_max=int(g.n.max()),
                points=len(g),
                **c.to_dict(),
            )
        )
    return pd.DataFrame(rows)


def plot(summary: pd.DataFrame, fits: pd.DataFrame, path: Path) -> Path:
    """Two panels: global cost (semilog, eq. 11 slope) and local cost (log-log).

    Points with one standard error (the lower bar clipped at 5% of the value
    on the log axis); open markers: a truncated doubled MPS (chi saturated).
    Each panel draws both fits per depth rule, the preferred law solid; the
    log-depth rule's D at each n is on a top axis, the legends under the panels.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, NullLocator, ScalarFormatter

    fig, axes = plt.subplots(1, 2, figsize=(11, 6.4), constrained_layout=True)
    style = {"log": ("C0", "o"), "fixed": ("C1", "s")}
    label = {"log": r"$D = 2\lceil (\log_2 n) / 2\rceil$", "fixed": "$D = 2$"}
    source = {"exact": "exact, Clifford W", "sampled": "sampled DQNN, Haar W"}
    for ax, cost in zip(axes, ROUTES):
        route = ROUTES[cost]
        data = summary[(summary.cost == cost) & (summary.variance > 0)]
        for depth, (color, marker) in style.items():
            g = data[data.depth == depth]
            if g.empty:
                continue
            for sat, face in ((False, color), (True, "none")):
                h = g[g.saturated == sat]
                if h.empty:
                    continue
                se = h.variance_se.fillna(0).to_numpy()
                ax.errorbar(
                    h.n,
                    h.variance,
                    yerr=[np.minimum(se, 0.95 * h.variance), se],
                    fmt=marker,
                    color=color,
                    mfc=face,
                    ms=5,
                    capsize=3,
                    label=f"{source[route]}, {label[depth]}"
                    + (" (chi saturated)" if sat else ""),
                )
            f = fits[(fits.depth == depth) & (fits.cost == cost)] if len(fits) else fits
            if f.empty:  # fewer than MIN_FIT_POINTS sizes
                continue
            f = f.iloc[0]
            x = np.linspace(g.n.min(), g.n.max(), 200)
            for law, y, text in (
                (
                    "exponential",
                    f.exp_prefactor * np.exp(-f.exp_rate * x),
                    f"$e^{{-rn}}$, r = {f.exp_rate:.3f} $\\pm$ {f.exp_rate_err:.3f}",
                ),
                (
                    "power_law",
                    f.pow_prefactor * x ** (-f.pow_exponent),
                    f"$n^{{-p}}$, p = {f.pow_exponent:.2f} $\\pm$ "
                    f"{f.pow_exponent_err:.2f}",
                ),
            ):
                chi = f.exp_chi2_per_dof if law == "exponential" else f.pow_chi2_per_dof
                ax.plot(
                    x,
                    y,
                    "-" if f.preferred == law else ":",
                    color=color,
                    lw=1.2 if f.preferred == law else 1,
                    label=f"fit, {label[depth]}: {text}, $\\chi^2$/dof = {chi:.3g}",
                )
        if cost == "global":
            if not data.empty:
                x = np.linspace(data.n.min(), data.n.max(), 200)
                v0 = data[data.n == data.n.min()].variance.max()
                ax.plot(
                    x,
                    v0 * EQ11_BASE ** (x - data.n.min()),
                    "k--",
                    lw=1,
                    label=r"eq. 11 rate $(\sqrt{3}/4)^n$ (slope only)",
                )
            ax.set_title("(a) global cost $C_G$ (eq. 3), semilog")
        else:
            ax.set_xscale("log", base=2)
            ax.set_title("(b) local cost $C_L$ (eq. 4), log-log")
        # the log-depth rule's D at each n (it steps at n = 5, 17, 65, ...):
        # ticks of a top axis, clear of the markers and error bars
        log = data[data.depth == "log"].drop_duplicates("n").sort_values("n")
        if not log.empty:
            top = ax.secondary_xaxis("top")
            top.set_xticks(list(log.n), labels=[str(d) for d in log.layers])
            top.xaxis.set_minor_locator(NullLocator())
            top.tick_params(axis="x", labelsize=8, colors=style["log"][0])
            top.set_xlabel(f"layers {label['log']}", fontsize=8, color=style["log"][0])
        if not data.empty:  # the data's range (a fitted line may leave it)
            ax.set_ylim(data.variance.min() / 50, data.variance.max() * 5)
        ticks = sorted(set(data.n))
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.tick_params(axis="x", labelsize=8)
        ax.set_yscale("log")
        ax.set_xlabel("qubits per layer n")
        ax.set_ylabel(r"Var[$\partial C / \partial\theta$]")
        ax.grid(True, which="major", alpha=0.3)
        # under the panel: clear of the points, bars and fitted lines
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    fig.suptitle(
        "DQNN with local perceptrons (arXiv:2005.12458 Fig. 3b); solid line: "
        "the preferred law (smaller AIC)",
        fontsize=10,
    )
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
    executor="serial",
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
        executor=executor,
        progbar=progbar,
        desc="rows",
    )
    summary = summarize(df)
    fits = fit_all(summary)
    summary.to_csv(out / "summary.csv", index=False)
    fits.to_csv(out / "fits.csv", index=False)
    fig = plot(summary, fits, out / "dqnn_local_perceptrons.png")
    return df, summary, fits, fig


def cli(
    n_values: str = study_option(
        "comma-separated widths n, exact route (global cost)", DEFAULTS["n_values"]
    ),
    instances: int = study_option(
        "Clifford instances per (depth, n)", DEFAULTS["instances"]
    ),
    sampled_n: str = study_option(
        "widths of the sampled DQNN route (local cost)", DEFAULTS["sampled_n"]
    ),
    samples: int = study_option(
        f"random DQNNs per (depth, sampled width), in rows of {CHUNK}",
        DEFAULTS["samples"],
    ),
    max_bond: int = study_option("cap of the doubled MPS bond", DEFAULTS["max_bond"]),
    out: Path = typer.Option(
        Path("results/dqnn_local_perceptrons"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 4..10 exact, 4..16 sampled) in place of the defaults; "
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
    df, summary, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    typer.echo(summary.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    typer.echo("fits (+- one standard error; verdict by AIC):")
    for _, f in fits.iterrows():
        # the preferred law's parameter must be resolved: its 95% interval
        # may not reach 0 (3 sizes leave one degree of freedom)
        lo, hi = (
            (f.pow_exponent_ci_low, f.pow_exponent_ci_high)
            if f.preferred == "power_law"
            else (f.exp_rate_ci_low, f.exp_rate_ci_high)
        )
        verdict = f.preferred if lo > 0 else "undetermined (95% interval reaches 0)"
        typer.echo(
            f"{f.depth:>5} {f.cost:>6} ({f.route}, n = {f.n_min}..{f.n_max}): "
            f"exp r = {f.exp_rate:.4f} "
            f"+- {f.exp_rate_err:.4f} /qubit (chi2/dof {f.exp_chi2_per_dof:.3g}); "
            f"power p = {f.pow_exponent:.3f} +- {f.pow_exponent_err:.3f} "
            f"(chi2/dof {f.pow_chi2_per_dof:.3g}); preferred: {verdict} "
            f"(delta AIC {f.delta_aic:+.3g}, 95% interval [{lo:.3g}, {hi:.3g}])"
        )
    typer.echo(f"eq. 11 rate: ln(4/sqrt3) = {-math.log(EQ11_BASE):.4f} per qubit")
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
