"""Deep global perceptrons: Theorems 1 and 2 of arXiv:2005.12458, sampled at n = 1..5.

A DQNN with ``n_in = n_out = n`` (and ``hidden`` hidden layers of width n) of
deep global perceptrons (``tnbp.DQNN(..., "global")``: a Haar brickwork of
4(n+1) half-layers on the n + 1 qubits of each perceptron, an approximate
2-design), trained on N = 2 pairs: input ``0...0`` with target ``0...0``, and
input ``+...+`` with target ``1...1`` (:func:`inputs`, :func:`targets`; the
cost is eq. 2, the average over the two pairs). Over ``samples`` random
networks (seeded from ``--seed``), the variance of

- Theorem 1: the angle derivative dC/d theta of the middle angle of the first
  perceptron, V_1^1 (:func:`middle_angle`: index ``len(p.parameters) // 2`` of
  its angles, so that the circuits before and after it, A and B of eq. 8, are
  deep), bounded by O(2^-2n) for the global cost (eq. 9) and O(2^-n) for the
  local cost (eq. 10);
- Theorem 2: dC/ds at s = 0 of the parameter matrix multiplication (eq. 13),
  every perceptron updated by exp(i s H) with a random H at the norm bound
  Tr H^2 = 2^(n+1), bounded by O(2^-n) for both costs (eq. 14).

The fitted decay rates (tnbp.fit_exponential_decay, weighted by the variances'
standard errors, 95% intervals) are reported in bits per qubit (Var ~ 2^(-b n))
beside the bounds' rates b = 2 (Theorem 1 global) and b = 1 (the others): a
bound O(2^-bn) means a fitted rate >= b asymptotically, up to the interval.
A fit whose interval reaches 0, or is wider than the fitted rate itself, is
reported as undetermined (too few samples or sizes to say). At n = 1 the
network has one output qubit and the global and local costs coincide; the
figure offsets the two costs' markers sideways so that both show, and draws
rows with a low effective sample size (``variance_reliable`` False) hollow.

Limits (:data:`LIMITS`, measured on a shared core, all four rows of one n per
sample): n = 5 ~2.4 s, n = 6 ~6.6 s, n = 7 ~16 s per sample; with one hidden
layer n = 4 ~3.4 s, n = 5 (15 qubits) ~20 s, n = 6 (18 qubits) over 3 minutes;
the default run (n = 1..5, 60 samples) ~5 min. Hence ``n_values <= 6``,
``hidden <= 1``, ``samples <= 1000`` and, over all layers, at most
:data:`MAX_QUBITS` qubits (``n (hidden + 2)``): every run allowed ends within
hours.

Each (derivative, cost, n) is one row of the results store in ``<out>`` (keyed
with samples, hidden and seed) and ``<out>/table.csv`` holds every row there,
refreshed as rows finish; a rerun computes only what is missing. The fits,
printout and figure (``<out>/dqnn_global_perceptrons.png``) use the rows of the
current settings. ``--quick`` is a seconds-long preset; any option given
explicitly overrides it. The run prints the parameters it used on one line;
Ctrl-C stops it with one line that says how many rows are saved and the command
that resumes it (exit status 130).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import typer

import tnbp
from tnbp.ensembles.fits import MIN_FIT_POINTS
from tnbp.results import (
    StudyOptionError,
    StudyOptions,
    executor_option,
    run_sweep,
    study_option,
)

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2005.12458"
FIGURE = "Theorems 1-2"

DERIVATIVES = ("angle", "matrix")
COSTS = ("global", "local")
#: the bounds' decay rates in bits per qubit: Var in O(2^(-b n))
BOUND_BITS = {
    ("angle", "global"): 2.0,
    ("angle", "local"): 1.0,
    ("matrix", "global"): 1.0,
    ("matrix", "local"): 1.0,
}
DEFAULTS = dict(n_values=(1, 2, 3, 4, 5), samples=60, hidden=0, seed=0)
QUICK = dict(n_values=(1, 2, 3), samples=8, hidden=0, seed=0)
#: the values each parameter allows (checked before any work; a list: each item);
#: the upper bounds are what runs within hours (module docstring: times measured)
LIMITS = dict(
    n_values=">= 1 and <= 6",
    samples=">= 4 and <= 1000",
    hidden=">= 0 and <= 1",
    seed=">= 0",
)
#: at most this many qubits in the network, n (hidden + 2) (n = 5 with one hidden
#: layer: ~20 s per sample; n = 6 with one, 18 qubits: over 3 minutes)
MAX_QUBITS = 15


def widths(n: int, *, hidden: int) -> tuple[int, ...]:
    """n_in = n_out = n, with ``hidden`` hidden layers of width n."""
    return (n,) * (hidden + 2)


def inputs(n: int) -> list[str]:
    """The training inputs: 0...0 and +...+."""
    return ["0" * n, "+" * n]


def targets(n: int) -> list[str]:
    """The product targets: 0...0 and 1...1."""
    return ["0" * n, "1" * n]


def middle_angle(n: int, *, hidden: int) -> int:
    """The middle angle of the first perceptron (its index in DQNN.parameters)."""
    first = tnbp.DQNN(widths(n, hidden=hidden), "global", seed=0).perceptrons[0]
    return first.parameters[len(first.parameters) // 2]


def measure(
    *, derivative: str, cost: str, n: int, samples: int, hidden: int, seed: int
):
    """Mean and variance of the derivative over ``samples`` random networks at one n."""
    shape = functools.partial(widths, hidden=hidden)
    df = tnbp.dqnn_gradient_variance(
        shape,
        [n],
        derivative=derivative,
        cost=cost,
        inputs=inputs,
        targets=targets,
        samples=samples,
        parameters=(
            functools.partial(middle_angle, hidden=hidden)
            if derivative == "angle"
            else None
        ),
        seed=seed,
        executor="serial",
    )
    row = df.iloc[0]
    return {
        "widths": row.widths,
        "parameter": int(row.parameter),
        **{
            k: float(row[k])
            for k in ("mean", "mean_se", "variance", "variance_se", "variance_ess")
        },
        "variance_reliable": bool(row.variance_reliable),
        "training_pairs": int(row.training_pairs),
        "perceptron": str(row.perceptron),
        "method": str(row.method),
        "bound_bits": BOUND_BITS[(derivative, cost)],
    }


#: every parameter of a row (the seed is the ensemble's)
SETTINGS = ("derivative", "cost", "n", "samples", "hidden", "seed")


def points(*, n_values, samples, hidden, seed) -> list[dict]:
    """The sweep's parameter points: every derivative, cost and size."""
    return [
        dict(derivative=d, cost=c, n=n, samples=samples, hidden=hidden, seed=seed)
        for d in DERIVATIVES
        for c in COSTS
        for n in n_values
    ]


def fit_rates(df) -> dict:
    """Exponential fits per (derivative, cost), rates also in bits per qubit."""
    out = {}
    for key, g in df.groupby(["derivative", "cost"]):
        if g.n.nunique() < MIN_FIT_POINTS:
            continue
        fit = tnbp.fit_exponential_decay(g.n, g.variance, variance_err=g.variance_se)
        lo, hi = fit.rate_ci
        out[key] = dict(
            fit=fit,
            bits=fit.rate / np.log(2),
            bits_ci=(lo / np.log(2), hi / np.log(2)),
            bound_bits=BOUND_BITS[key],
            verdict=verdict(
                fit.rate / np.log(2), (lo / np.log(2), hi / np.log(2)), BOUND_BITS[key]
            ),
        )
    return out


def verdict(bits: float, ci: tuple[float, float], bound_bits: float) -> str:
    """What a fitted rate says about a bound O(2^-bn).

    ``"undetermined"`` if the 95% interval reaches 0 or is wider than the
    fitted rate itself (the data cannot tell a decay's rate), else
    ``"consistent with"`` the bound if the interval reaches the bound's rate,
    else ``"slower than"``.

    >>> verdict(1.75, (-5.34, 8.85), 1.0)
    'undetermined'
    >>> verdict(2.19, (1.61, 2.77), 2.0)
    'consistent with'
    """
    lo, hi = ci
    if lo <= 0 or hi - lo > abs(bits):
        return "undetermined"
    return "consistent with" if hi >= bound_bits else "slower than"


def plot(df, fits, path: Path) -> Path:
    """Two panels (Theorem 1, Theorem 2): log-scale variance vs n, fits, bound slopes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    colors = {"global": "tab:red", "local": "tab:blue"}
    shift = {"global": -0.06, "local": 0.06}  # n = 1: the costs coincide
    titles = {
        "angle": r"Theorem 1: Var[$\partial C/\partial\theta_\nu$]",
        "matrix": r"Theorem 2: Var[$\partial_s C$] (eq. 13)",
    }
    for ax, derivative in zip(axes, DERIVATIVES):
        drawn = False  # the bound's line, once per panel when the costs share it
        for cost in COSTS:
            g = df[(df.derivative == derivative) & (df.cost == cost)].sort_values("n")
            if g.empty:
                continue
            c = colors[cost]
            ok = g.variance_reliable.astype(bool).to_numpy()
            for mask, face, label in (
                (ok, c, f"{cost} cost (sampled, ±1 SE)"),
                (~ok, "none", f"{cost} cost, low effective sample size"),
            ):
                if mask.any():
                    ax.errorbar(
                        g.n[mask] + shift[cost],
                        g.variance[mask],
                        yerr=g.variance_se[mask],
                        fmt="o",
                        color=c,
                        mfc=face,
                        capsize=3,
                        label=label,
                    )
            n = np.linspace(g.n.min(), g.n.max(), 50)
            fit = fits.get((derivative, cost))
            if fit is not None:
                lo, hi = fit["bits_ci"]
                ax.plot(
                    n,
                    fit["fit"].prefactor * np.exp(-fit["fit"].rate * n),
                    "-",
                    color=c,
                    alpha=0.7,
                    label=f"fit: {fit['bits']:.2f} bits/qubit [{lo:.2f}, {hi:.2f}] (95%)"
                    + (", undetermined" if fit["verdict"] == "undetermined" else ""),
                )
            b = BOUND_BITS[(derivative, cost)]
            shared = len({BOUND_BITS[(derivative, k)] for k in COSTS}) == 1
            if shared and drawn:
                continue  # one line for both costs: the same slope
            drawn = True
            v0 = g.variance.iloc[0]
            ax.plot(
                n,
                v0 * 2.0 ** (-b * (n - g.n.iloc[0])),
                ":",
                color="0.3" if shared else c,
                label=f"bound's slope {'$2^{-2n}$' if b == 2 else '$2^{-n}$'} "
                + ("(both costs; " if shared else "(")
                + f"through {cost}'s first point)",
            )
        ax.set_yscale("log")
        ax.set_xticks(sorted(df.n.unique()))
        ax.set_xlabel("n (= $n_{in}$ = $n_{out}$, qubits)")
        ax.set_title(titles[derivative], fontsize=10)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("variance over random initializations")
    hidden = int(df.hidden.iloc[0])
    fig.suptitle(
        "DQNN, deep global perceptrons, "
        f"{hidden} hidden layer(s), {int(df.samples.iloc[0])} samples per point, "
        f"seed {df.seed.iloc[0]}\n"
        "N = 2 pairs: 0…0 → 0…0, +…+ → 1…1; Theorem 1: middle angle of the first "
        "perceptron. n = 1: one output qubit, global = local (markers offset)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def main(
    *,
    n_values=DEFAULTS["n_values"],
    samples=DEFAULTS["samples"],
    hidden=DEFAULTS["hidden"],
    seed=DEFAULTS["seed"],
    out="results/dqnn_global_perceptrons",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the decay fits and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(n_values=n_values, samples=samples, hidden=hidden, seed=seed),
        out=out,
        task="dqnn_global_perceptrons",
        executor=executor,
        progbar=progbar,
        desc="sizes",
    )
    fits = fit_rates(df)
    fig = plot(df, fits, out / "dqnn_global_perceptrons.png")
    return df, fits, fig


def cli(
    n_values: str = study_option(
        "comma-separated n = n_in = n_out", DEFAULTS["n_values"]
    ),
    samples: int = study_option("random networks per point", DEFAULTS["samples"]),
    hidden: int = study_option("hidden layers of width n", DEFAULTS["hidden"]),
    seed: int = study_option("root seed of the random networks", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/dqnn_global_perceptrons"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 1,2,3, 8 samples) in place of the "
        "defaults; options given explicitly override it",
    ),
):
    """Theorems 1 and 2 of arXiv:2005.12458: DQNN gradient variances against n."""
    given = dict(n_values=n_values, samples=samples, hidden=hidden, seed=seed)
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    n, h = max(opts.params["n_values"]), opts.params["hidden"]
    if n * (h + 2) > MAX_QUBITS:
        raise StudyOptionError(
            f"n = {n} with {h} hidden layer(s) is {n * (h + 2)} qubits; at most "
            f"{MAX_QUBITS} run in reasonable time (n = 6 with one hidden layer: over "
            "3 minutes per sample).",
            param_hint=["--n-values", "--hidden"],
        )
    df, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [
        *SETTINGS,
        "mean",
        "mean_se",
        "variance",
        "variance_se",
        "variance_ess",
        "variance_reliable",
    ]
    typer.echo(df[shown].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    if not fits:
        typer.echo(f"no decay fits: they need at least {MIN_FIT_POINTS} sizes")
    for (derivative, cost), f in fits.items():
        lo, hi = f["bits_ci"]
        said = (
            "undetermined (the interval reaches 0 or is wider than the rate)"
            if f["verdict"] == "undetermined"
            else f"{f['verdict']} the bound"
        )
        typer.echo(
            f"{derivative:>6} {cost:>6}: Var ~ 2^(-b n), b = {f['bits']:.2f} "
            f"[{lo:.2f}, {hi:.2f}] bits/qubit (95%); bound's rate {f['bound_bits']:g}: "
            f"{said}"
        )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
