r"""The QNTK of local costs on shallow circuits against n, to n = 100: lightcones, not 1/N^2.

Eq. 22 of Liu, Lin and Jiang (arXiv:2206.09313) gives the mean QNTK of a
circuit whose halves around every angle are 2-designs: :math:`\bar K \approx
2L\,\mathrm{Tr}\,O^2/N^2` (paper's rotations :math:`e^{i\theta X}`), which falls
like :math:`L/N = 2nL_{\rm layers}/2^n` for a Pauli observable. A *shallow*
circuit is far from a 2-design, and a *local* observable only sees the gates in
its backward lightcone: a fixed number of qubits and angles however large
:math:`n` is. This study measures :math:`K` of three observables on the same
random instances of a shallow brickwork, exactly, with the ``tn`` backend
(:func:`tnbp.qntk`, lightcone contraction), to ``n = 100``:

``term``
    one Pauli, :math:`O = Z_{\lfloor n/2\rfloor}`: once ``n`` exceeds the cone
    (2 x layers qubits), :math:`K` is a sum over the same number of angles
    with the same distribution, so its mean *saturates* at an
    :math:`O(1)` value that depends on the depth only.
``local``
    the normalized local cost :math:`O = \frac1n\sum_i Z_i` (up to an
    affine map, the local cost of arXiv:2005.12458, eq. 4: :math:`1 -
    \frac1n\sum_i|0\rangle\langle0|_i = \frac12 - \frac1{2n}\sum_i Z_i`, whose
    :math:`K` is a quarter of this one): :math:`K = |\sum_i g_i|^2/n^2` with
    :math:`g_i` the gradient of :math:`Z_i`, supported on its cone, so
    :math:`K \sim c/n` (each angle is seen by a bounded number of terms):
    :math:`nK` saturates. The figure plots :math:`nK`.
``global``
    the parity :math:`O = Z^{\otimes n}` (same :math:`\mathrm{Tr}\,O^2 = N`
    as ``term``, so the same eq. 22): its cone is the whole circuit and its
    :math:`K` decays exponentially in ``n`` even at depth 2 (a barren plateau
    without a 2-design), at a depth-dependent rate.

The theory curve is eq. 22 in its exact finite-N form,
:func:`tnbp.theory.qntk_mean` with every angle counted (``L = 2 n layers``),
:math:`\mathrm{Tr}\,O = 0` and :math:`\mathrm{Tr}\,O^2 = N\sum_t c_t^2` (Pauli
strings are orthogonal), in **tnbp's convention** (rotations
:math:`e^{-i\theta P/2}`, like :func:`tnbp.qntk`; the paper's :math:`K` is 4x
larger, :func:`tnbp.theory.to_paper_convention`). Its validity assumption
(2-designs) fails here on purpose: it is the contrast.

Circuit: ``tnbp.ansatz.hardware_efficient(n, layers, pattern="brick")``
(rotations RY then RZ on every qubit, then CZ on the even bonds in even
layers and the odd bonds in odd layers), angles uniform in :math:`[0, 2\pi)`.
Sample ``s`` of ``(layers, n)`` is seeded by the ensemble engine
(:func:`tnbp.ensembles.engine.run_tasks`: child ``(layers, n, s)`` of the root
``seed``), the same for the three observables and independent of how the
samples are cut into rows. Where ``n <= dense_max`` the dense backend computes
:math:`K` of the same instances too, and each row keeps the largest
deviation. Each row of the results store in ``<out>`` is one (observable,
layers, n, chunk of at most :data:`CHUNK` samples) with power sums of
:math:`K` (a rerun computes only what is missing); the summary
(``<out>/summary.csv``: mean, 95% confidence interval (Student t), spread,
effective sample size of the mean, eq. 22, dense deviation, time per K) and
the figure (``<out>/qntk_local_scaling.png``) use the rows of the current
settings. ``--quick`` is a seconds-long preset; options given explicitly
override it. Ctrl-C stops the run with one line that says how many rows are
saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import functools
import math
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import typer

import tnbp
from tnbp import ansatz, theory
from tnbp.ensembles.engine import Chunk, run_tasks
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2206.09313"
FIGURE = "beyond ED"

#: the observables, as term lists (coefficient, Pauli string, qubits)
OBSERVABLES = {
    "term": lambda n: [(1.0, "Z", (n // 2,))],
    "local": lambda n: [(1.0 / n, "Z", (i,)) for i in range(n)],
    "global": lambda n: [(1.0, "Z" * n, tuple(range(n)))],
}
#: samples per row of the store (a row takes <= ~1 min at n = 100, 6 layers)
CHUNK = 100
#: a mean is flagged when its effective sample size (sum K)^2 / sum K^2 is
#: below this fraction of the samples (a few instances carry the mean)
RELIABLE_ESS_FRACTION = 0.1

DEFAULTS = dict(
    n_values=(4, 6, 8, 10, 12, 14, 16, 20, 24, 32, 40, 48, 64, 80, 100),
    layers=(2, 4, 6),
    samples=100,
    dense_max=14,
    seed=0,
)
QUICK = dict(
    n_values=(4, 8, 12, 16, 40), layers=(2, 4), samples=8, dense_max=12, seed=0
)
#: the values each parameter allows (checked before any work; a list: each
#: item): a brickwork needs two qubits per bond pattern, a confidence interval
#: two samples; upper ends a run can reach (n = 100, 6 layers: ~0.4 s per
#: sample for the three observables; 8 layers ~1 s; dense K at n = 20 ~2 s)
LIMITS = dict(
    n_values=">= 4 and <= 128",
    layers=">= 1 and <= 8",
    samples=">= 2 and <= 10000",
    dense_max=">= 0 and <= 20",
    seed=">= 0",
)


def circuit(n: int, layers: int, seed) -> tnbp.Circuit:
    """The shallow brickwork of this study (RY, RZ, CZ bricks), random angles."""
    return ansatz.hardware_efficient(n, layers, pattern="brick", seed=seed)


def eq22(observable: str, n: int, layers: int) -> float:
    """Eq. 22 (exact finite-N form, tnbp's convention) for this circuit and observable.

    ``L = 2 n layers`` angles; :math:`\\mathrm{Tr}\\,O = 0`,
    :math:`\\mathrm{Tr}\\,O^2 = 2^n \\sum_t c_t^2` (distinct Pauli strings are
    orthogonal in the trace inner product).
    """
    tr_o2 = 2.0**n * sum(c**2 for c, _, _ in OBSERVABLES[observable](n))
    return theory.qntk_mean(2 * n * layers, n, tr_o2)


class Sample(NamedTuple):  # (a dataclass needs its module in sys.modules)
    """One instance: K on tn, K on dense (NaN where not run), seconds of the tn K."""

    k: float
    k_dense: float
    seconds: float


def _task(chunk: Chunk, seeds, *, observable: str, dense: bool) -> list[Sample]:
    """K of ``observable`` for the instances of one chunk (group ``(layers, n)``)."""
    layers, n = chunk.group
    obs = OBSERVABLES[observable](n)
    rows = []
    for seed in seeds:
        c = circuit(n, layers, seed)
        t = time.perf_counter()
        k = tnbp.qntk(c, obs, backend="tn")
        seconds = time.perf_counter() - t
        k_dense = tnbp.qntk(c, obs, backend="dense") if dense else np.nan
        rows.append(Sample(k, k_dense, seconds))
    return rows


def measure(
    *,
    observable: str,
    layers: int,
    n: int,
    chunk: int,
    samples: int,
    dense_max: int,
    seed: int,
) -> dict:
    """One row: power sums of K over samples ``chunk*CHUNK ...`` and the dense check."""
    dense = n <= dense_max
    first = chunk * CHUNK
    rows = run_tasks(
        functools.partial(_task, observable=observable, dense=dense),
        [Chunk((layers, n), tuple(range(first, first + samples)))],
        seed=seed,
        executor="serial",
    )[(layers, n)]
    k = np.array([r.k for r in rows])
    dev = np.abs(k - np.array([r.k_dense for r in rows]))
    with np.errstate(divide="ignore", invalid="ignore"):  # K = 0: log -inf, 0/0
        log_k, rel = np.log(k), dev / k
    return dict(
        count=k.size,
        k_sum=float(k.sum()),
        k_sum2=float(np.sum(k**2)),
        k_min=float(k.min()),
        k_max=float(k.max()),
        log_k_sum=float(np.sum(log_k)),
        k_dense_sum=float(sum(r.k_dense for r in rows)),
        dense_max_abs_dev=float(dev.max()) if dense else np.nan,
        dense_max_rel_dev=float(np.max(rel)) if dense else np.nan,
        tn_seconds=float(sum(r.seconds for r in rows)),
    )


#: every parameter of a row
SETTINGS = ("observable", "layers", "n", "chunk", "samples", "dense_max", "seed")


def points(*, n_values, layers, samples, dense_max, seed) -> list[dict]:
    """The sweep's points: observables x layers x n x chunks of <= CHUNK samples.

    ``dense_max`` enters a point only where it changes the row (``n <=
    dense_max``: the dense check runs), so raising it recomputes only those.
    """
    return [
        dict(
            observable=obs,
            layers=depth,
            n=n,
            chunk=c,
            samples=min(CHUNK, samples - c * CHUNK),
            dense_max=dense_max if n <= dense_max else 0,
            seed=seed,
        )
        for obs in OBSERVABLES
        for depth in layers
        for n in n_values
        for c in range(-(-samples // CHUNK))
    ]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (observable, layers, n): the pooled chunks' mean K and its CI.

    The 95% interval is Student's t on the sample mean; ``ess`` is the effective
    sample size of the mean, :math:`(\\sum K)^2/\\sum K^2` for positive
    :math:`K` (the number of instances it rests on), and ``reliable`` is False
    where it is below :data:`RELIABLE_ESS_FRACTION` of the samples.
    ``geometric_mean`` is :math:`\\exp\\overline{\\ln K}` (the typical
    instance, for the heavy-tailed global cost); ``k_dense_mean`` the mean of
    the dense K of the same instances (NaN where not computed).
    """
    from scipy import stats

    rows = []
    for (obs, layers, n), g in df.groupby(["observable", "layers", "n"], sort=True):
        m = int(g["count"].sum())
        s1, s2 = float(g.k_sum.sum()), float(g.k_sum2.sum())
        mean = s1 / m
        var = max(s2 - m * mean**2, 0.0) / (m - 1)
        half = stats.t.ppf(0.975, m - 1) * math.sqrt(var / m)
        ess = s1**2 / s2
        rows.append(
            dict(
                observable=obs,
                layers=int(layers),
                n=int(n),
                samples=m,
                k_mean=mean,
                k_ci95=half,
                k_std=math.sqrt(var),
                n_k_mean=n * mean,
                geometric_mean=math.exp(g.log_k_sum.sum() / m),
                k_min=float(g.k_min.min()),
                k_max=float(g.k_max.max()),
                ess=ess,
                reliable=bool(ess >= RELIABLE_ESS_FRACTION * m),
                k_dense_mean=float(g.k_dense_sum.sum()) / m,
                eq22=eq22(obs, int(n), int(layers)),
                mean_over_eq22=mean / eq22(obs, int(n), int(layers)),
                dense_max_abs_dev=float(g.dense_max_abs_dev.max()),
                dense_max_rel_dev=float(g.dense_max_rel_dev.max()),
                seconds_per_k=float(g.tn_seconds.sum()) / m,
            )
        )
    return pd.DataFrame(rows)


def plot(summary: pd.DataFrame, path: Path) -> Path:
    """Three panels: K(term), n K(local), K(global) against n, with eq. 22 overlaid.

    Filled markers: the tn mean over instances with its 95% interval (the
    lower bar clipped at 5% of the value on the log axis); open squares: the
    mean of the dense K of the same instances (n <= dense_max); an open
    triangle: a mean whose effective sample size is below
    :data:`RELIABLE_ESS_FRACTION` of the samples; dashed: eq. 22 (tnbp's
    convention, times n in the middle panel); dotted with crosses (global
    panel): the geometric mean, the typical instance. Depths are drawn
    slightly apart along n (a factor 1.025 per depth) so that equal values
    stay visible.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), constrained_layout=True)
    titles = {
        "term": r"(a) one term $O = Z_{n/2}$: $K$",
        "local": r"(b) local cost $O = \frac{1}{n}\sum_i Z_i$: $n K$",
        "global": r"(c) global parity $O = Z^{\otimes n}$: $K$",
    }
    depths = sorted(summary.layers.unique())
    colors = {d: f"C{i}" for i, d in enumerate(depths)}
    for ax, obs in zip(axes, OBSERVABLES):
        data = summary[summary.observable == obs].sort_values("n")
        scale = data.n.to_numpy(float) if obs == "local" else 1.0
        for i, depth in enumerate(depths):
            g = data[data.layers == depth]
            if g.empty:
                continue
            x = g.n.to_numpy(float) * 1.025 ** (i - (len(depths) - 1) / 2)
            s = g.n.to_numpy(float) if obs == "local" else 1.0
            y, half = g.k_mean.to_numpy() * s, g.k_ci95.to_numpy() * s
            ok = g.reliable.to_numpy()
            color = colors[depth]
            for mask, marker, face, note in (
                (ok, "o", color, ""),
                (~ok, "^", "none", " (mean on < 10% of samples)"),
            ):
                if mask.any():
                    ax.errorbar(
                        x[mask],
                        y[mask],
                        yerr=[np.minimum(half[mask], 0.95 * y[mask]), half[mask]],
                        fmt=marker,
                        color=color,
                        mfc=face,
                        ms=5,
                        capsize=3,
                        label=f"tn, {depth} layers, mean $\\pm$ 95% CI{note}",
                    )
            if obs == "global":
                ax.plot(
                    x,
                    g.geometric_mean,
                    ":x",
                    color=color,
                    ms=4,
                    lw=1,
                    label=f"tn, {depth} layers, geometric mean",
                )
            dense = g.dense_max_abs_dev.notna().to_numpy()
            if dense.any():
                ax.plot(
                    x[dense],
                    (g.k_dense_mean.to_numpy() * s)[dense],
                    "s",
                    ms=9,
                    mfc="none",
                    color=color,
                    label=f"dense, {depth} layers (same instances)",
                )
            ax.plot(
                g.n,
                g.eq22 * s,
                "--",
                color=color,
                lw=1,
                label=f"eq. 22, {depth} layers (2-design)",
            )
        if not data.empty:
            y = data.k_mean * scale
            lo = min(y.min(), (data.eq22 * scale).min())
            if obs == "global":
                lo = min(lo, data.geometric_mean.min())
            ax.set_ylim(max(lo / 20, 1e-300), y.max() * 20)
        ax.set_title(titles[obs], fontsize=10)
        ax.set_xscale("log", base=2)
        ticks = [t for t in (4, 8, 16, 32, 64, 100) if t <= summary.n.max()]
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yscale("log")
        ax.set_xlabel("qubits n")
        ax.set_ylabel(r"$n K$" if obs == "local" else r"$K$ (tnbp convention)")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=6, loc="lower left", framealpha=0.85)
    fig.suptitle(
        "QNTK of a shallow brickwork (RY RZ + CZ bricks) against n, exact lightcone "
        r"contraction; eq. 22: $\bar K = L(N\,\mathrm{Tr}O^2 - \mathrm{Tr}^2O)"
        r"\,\frac{2}{(N+1)(N^2-1)}$ / 4 (tnbp's rotations $e^{-i\theta P/2}$)",
        fontsize=10,
    )
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def main(
    *,
    n_values=DEFAULTS["n_values"],
    layers=DEFAULTS["layers"],
    samples=DEFAULTS["samples"],
    dense_max=DEFAULTS["dense_max"],
    seed=DEFAULTS["seed"],
    out="results/qntk_local_scaling",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return the rows, the summary and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            layers=layers,
            samples=samples,
            dense_max=dense_max,
            seed=seed,
        ),
        out=out,
        task="qntk_local_scaling",
        executor=executor,
        progbar=progbar,
        desc="rows",
    )
    summary = summarize(df)
    summary.to_csv(out / "summary.csv", index=False)
    fig = plot(summary, out / "qntk_local_scaling.png")
    return df, summary, fig


def cli(
    n_values: str = study_option("comma-separated qubit numbers", DEFAULTS["n_values"]),
    layers: str = study_option("comma-separated brickwork depths", DEFAULTS["layers"]),
    samples: int = study_option(
        f"random instances per (layers, n), in rows of {CHUNK}", DEFAULTS["samples"]
    ),
    dense_max: int = study_option(
        "largest n whose K is also computed densely", DEFAULTS["dense_max"]
    ),
    seed: int = study_option("root seed of the random angles", DEFAULTS["seed"]),
    out: Path = typer.Option(Path("results/qntk_local_scaling"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 4..40, 2 and 4 layers, 8 samples) in place "
        "of the defaults; options given explicitly override it",
    ),
):
    """K of a local term, a local cost and a global parity against n (tn), vs eq. 22."""
    given = dict(
        n_values=n_values,
        layers=layers,
        samples=samples,
        dense_max=dense_max,
        seed=seed,
    )
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    df, summary, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [
        "observable",
        "layers",
        "n",
        "samples",
        "k_mean",
        "k_ci95",
        "n_k_mean",
        "geometric_mean",
        "ess",
        "eq22",
        "mean_over_eq22",
        "dense_max_abs_dev",
        "seconds_per_k",
    ]
    typer.echo(summary[shown].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    dense = summary.dense_max_abs_dev.dropna()
    if len(dense):
        worst = summary.loc[dense.idxmax()]
        largest = int(summary.n[dense.index].max())
        typer.echo(
            f"tn vs dense (same instances, n <= {largest}): "
            f"max |K_tn - K_dense| = {dense.max():.2e} ({worst.observable}, "
            f"{worst.layers} layers, n = {worst.n}); max relative "
            f"{summary.dense_max_rel_dev.max():.2e}"
        )
    typer.echo(
        "K in tnbp's convention (rotations exp(-i theta P/2)); the paper's is 4x."
    )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
