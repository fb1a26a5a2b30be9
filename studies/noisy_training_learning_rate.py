"""Fig. 4 of arXiv:2206.09313: the spread of the final residual error against eta.

Gradient descent on the mean-square loss with Markovian Gaussian angle noise
(eqs. 28, 59 of Liu, Lin and Jiang) at fixed sigma_theta, ``runs`` runs of
``steps`` steps per learning rate, every run from the same circuit and
initial angles, each with its own noise. Plotted: the standard deviation
sigma_eps (``ddof=1``) of eps(T) over the runs against eta, with

- the late-time prediction sqrt(sigma^2 / (eta (2 - eta K))) (eqs. 31, 66;
  the paper's red line), and
- the finite-T prediction sqrt(sigma^2 (1 - (1 - eta K)^(2T)) / (eta (2 - eta
  K))) (eq. 64: the noise part of eq. 30, which is what spreads runs that
  share their start), with its 90% band, s sqrt(chi^2_{R-1, q} / (R - 1)).

At small eta the noise has not built up in T = 100 steps (eta K T ~ 1): the
spread falls below the late-time line, as eq. 64 says. (The paper's runs had
"random initial states", whose different noiseless decays add to the spread at
small eta; here every run starts from the same angles, so only the noise
spreads them.) K in the theory is the mean over the runs of K at the last
step of each learning rate, in the figure as in the summary and the printout:
both curves are drawn through their values at the points.

Setting. The paper's: sigma_theta = 0.005, K ~ 35, eps(0) ~ 1, T = 100. Ours,
chosen to give those honestly: the randomized hardware-efficient ansatz of
McClean et al. (:func:`tnbp.ansatz.randomized_hardware_efficient`) on n = 2
qubits, 10 layers (L = 20), O = 2 Z_0 Z_1 and O_0 = 0. Eq. 22 gives a mean K of
34.1 for this L and O (34.7 +- 0.8 measured over 300 instances of this ansatz);
eps(0) ~ 1 needs |<O>| ~ 1 at the start, half of O's norm, and a target in
the middle of the spectrum keeps the kernel at its typical value where the
plateau is measured. Instance 54 is one of the first 100 seeds with
|eps(0)| ~ 1 and K ~ 35 at the target: eps(0) = -1.005, K = 24.1 at the
start and 34.7 at O_0 (K grows as <O> leaves the edge of the spectrum).
eta runs from 1e-4 to 0.045, below 2 / K = 0.058 where descent diverges.
A learning rate at or above 2 / K (``--etas`` allows up to 1) runs too: its
runs overshoot (eta K >= 2, :func:`tnbp.theory.descent_diverges`), eqs. 31 and
64 are undefined there, and the row is ``diverged`` in the summary (NaN
predictions), printed as such and drawn as a cross.

Convention: eta, sigma_theta and K are the paper's everywhere (options,
table, printout, figure), for rotations exp(i theta X), and every table column
that holds one says so by its suffix ``_paper`` (``eta_paper``,
``sigma_paper``, ``qntk_final_paper``, ...), so that it is not mixed up with
the ``qntk`` columns of :func:`tnbp.train` (tnbp's K). tnbp's rotations are
exp(-i theta P / 2), so the runs use eta_tnbp = 4 eta, sigma_tnbp = 2 sigma
(:func:`tnbp.theory.from_paper_convention`) and report K_paper = 4 K_tnbp.
eps, eta K and sigma^2 / eta, hence every prediction (eqs. 31, 64) and every
column without the suffix, are the same in both.

One row per eta goes to the results store in ``<out>`` (its ``runs`` runs
through :func:`tnbp.final_step_statistics`, seeded by the row's parameters with
:func:`tnbp.results.point_seed`); ``<out>/table.csv`` holds every row, a rerun
computes only what is missing. The summary (``<out>/summary.csv``) and the
figure (``<out>/noisy_training_learning_rate.png``) use the rows of the current
settings. ``--quick`` is a seconds-long preset (3 learning rates, 8 runs of 60
steps); options given explicitly override it. Ctrl-C stops the run with one
line that says how many rows are saved and the command that resumes it (exit
status 130).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import typer

import tnbp
from tnbp import ansatz, theory
from tnbp.ensembles.training import refuse_untrainable
from tnbp.plotting import noise_statistic_panel
from tnbp.results import (
    StudyOptions,
    executor_option,
    point_seed,
    run_sweep,
    study_option,
)

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2206.09313"
FIGURE = "Fig. 4"

#: O = SCALE * Z_0 ... Z_{n-1}: |<O>| ~ 1 is then mid-way to the spectrum's edge
SCALE = 2.0
#: the target O_0 (the middle of the spectrum)
TARGET = 0.0
#: probability inside the theory band
LEVEL = 0.9

DEFAULTS = dict(
    n=2,
    layers=10,
    etas=(1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 3e-2, 4.5e-2),
    sigma=0.005,
    steps=100,
    runs=40,
    instance=54,
    seed=0,
)
QUICK = dict(
    n=2,
    layers=10,
    etas=(2e-4, 2e-3, 2e-2),
    sigma=0.005,
    steps=60,
    runs=8,
    instance=54,
    seed=0,
)
#: the values each parameter allows (checked before any work; a list: each item):
#: a standard deviation needs two runs; dense simulation to 12 qubits;
#: sigma from 1e-12: below ~1e-15 the noise is lost in the rounding of the
#: angles and of <O> (measured, Fig. 4's quick preset: sigma_eps = 4e-16 at
#: sigma = 1e-17 against eq. 64's 6e-17, 0 at 1e-19; sigma = 1e-300 divided by
#: zero; at 1e-14 it follows eq. 64); eta from 1e-12: below ~1e-16 the update
#: eta eps d(eps) is lost in the rounding of the angles and descent does not
#: move (eta = 1e-300 also overflowed eq. 31's plateau, sigma^2 / (2 eta),
#: squared); eta up to 1: where eta K >= 2 descent
#: diverges, a result the summary records (``diverged``)
LIMITS = dict(
    n=">= 1 and <= 12",
    layers=">= 1 and <= 1000",
    etas=">= 1e-12 and <= 1",
    sigma=">= 1e-12 and <= 1",
    steps=">= 1 and <= 100000",
    runs=">= 2 and <= 10000",
    instance=">= 0",
    seed=">= 0",
)


def observable(n: int) -> list:
    """O = 2 Z_0 Z_1 ... Z_{n-1}."""
    return [(SCALE, "Z" * n, tuple(range(n)))]


def measure(
    *,
    n: int,
    layers: int,
    instance: int,
    eta_paper: float,
    sigma_paper: float,
    steps: int,
    runs: int,
    seed: int,
) -> dict:
    """``runs`` noisy runs from one instance: statistics of their last step.

    Everything in the paper's convention (the K columns of
    :func:`tnbp.final_step_statistics` get the suffix ``_paper``); the noise is
    seeded by the row's parameters (named ``eta``, ``sigma`` in the seed),
    independent streams for every row.
    """
    point = dict(
        n=n,
        layers=layers,
        instance=instance,
        eta=eta_paper,
        sigma=sigma_paper,
        steps=steps,
        runs=runs,
        seed=seed,
    )
    with warnings.catch_warnings():
        # eta K >= 2 is a result, not an error: the row's K says so (summarize)
        warnings.simplefilter("ignore", tnbp.OvershootWarning)
        stats = tnbp.final_step_statistics(
            lambda seed: ansatz.randomized_hardware_efficient(n, layers, seed=instance),
            observable(n),
            target=TARGET,
            learning_rate=eta_paper,
            steps=steps,
            angle_noise=sigma_paper,
            samples=runs,
            seed=point_seed(point),
            executor="serial",
            convention="paper",
        )
    del stats["samples"]  # = runs, a parameter of the row
    return {f"{k}_paper" if k.startswith("qntk") else k: v for k, v in stats.items()}


#: every parameter of a row
SETTINGS = (
    "n",
    "layers",
    "instance",
    "eta_paper",
    "sigma_paper",
    "steps",
    "runs",
    "seed",
)


def points(*, n, layers, etas, sigma, steps, runs, instance, seed) -> list[dict]:
    """One point per learning rate (paper's convention)."""
    return [
        dict(
            n=n,
            layers=layers,
            instance=instance,
            eta_paper=eta,
            sigma_paper=sigma,
            steps=steps,
            runs=runs,
            seed=seed,
        )
        for eta in etas
    ]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Each row's sigma_eps beside eq. 31 (late time) and eq. 64 (finite T), with z.

    The formulas take (eta, K, sigma) in one convention; the paper's is used
    (the columns that hold one of them end in ``_paper``), with K the mean
    over the runs of K at the last step of each row. ``z`` is the
    deviation from eq. 64 in units of the standard error of a normal sample's
    standard deviation, s / sqrt(2 (R - 1)). A row with eta K >= 2
    (:func:`tnbp.theory.descent_diverges`) is ``diverged``: descent overshoots,
    eqs. 31 and 64 are undefined there, and its predictions, band and z are NaN.
    """
    rows = []
    for _, r in df.sort_values("eta_paper").iterrows():
        args = (r.eta_paper, r.qntk_final_paper, r.sigma_paper)
        diverged = theory.descent_diverges(r.eta_paper, r.qntk_final_paper)
        finite = late = low = high = np.nan
        if not diverged:
            finite = float(np.sqrt(theory.noisy_residual_variance(*args, int(r.steps))))
            late = float(np.sqrt(theory.noise_plateau(*args)))
            low, high = (
                finite * f / late
                for f in theory.late_time_residual_interval(
                    *args, int(r.runs), statistic="std", level=LEVEL
                )
            )
        rows.append(
            dict(
                eta_paper=r.eta_paper,
                runs=int(r.runs),
                steps=int(r.steps),
                qntk_final_paper=r.qntk_final_paper,
                eta_kernel=r.eta_paper * r.qntk_final_paper,
                diverged=diverged,
                residual_std=r.residual_std,
                eq31_std=late,
                eq64_std=finite,
                std_low=low,
                std_high=high,
                inside=bool(low <= r.residual_std <= high),
                z=(r.residual_std - finite) / (finite / np.sqrt(2 * (r.runs - 1))),
            )
        )
    return pd.DataFrame(rows)


def plot(summary: pd.DataFrame, setting: dict, path: Path) -> Path:
    """sigma_eps against eta (log-log): eq. 64 at T with its band, and eq. 31.

    Both curves are drawn through their values at the points, each with
    that point's K (the summary's ``eq64_std`` and ``eq31_std``): eq. 64
    and its band, and the late-time eq. 31, the paper's red line.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sigma, steps = setting["sigma"], int(summary.steps.iloc[0])
    runs = int(summary.runs.iloc[0])
    fig, ax = plt.subplots(figsize=(6.4, 5.0), constrained_layout=True)
    noise_statistic_panel(
        ax,
        summary.eta_paper,
        summary.residual_std,
        summary.eq64_std,
        summary.std_low,
        summary.std_high,
        measured_label=rf"std of $\varepsilon(T)$ over {runs} runs",
        theory_label=rf"eq. 64 at T = {steps} (K of each point)",
        band_label=f"{LEVEL:.0%} interval over {runs} runs",
        undefined_label=r"diverged: $\eta K \geq 2$ (eqs. 31, 64 undefined)",
        extra=[
            (
                summary.eta_paper,
                summary.eq31_std,
                r"eq. 31: $\sigma_\theta/\sqrt{\eta(2-\eta K)}$ (late time, K of "
                "each point)",
            )
        ],
    )
    ax.set_xlabel(r"learning rate $\eta$ (paper's convention)")
    ax.set_ylabel(r"$\sigma_\varepsilon$, std of the final residual error")
    ax.set_title(
        f"arXiv:2206.09313 Fig. 4: n = {setting['n']}, "
        f"L = {setting['n'] * setting['layers']} angles, $\\sigma_\\theta$ = {sigma:g}, "
        f"T = {steps},\n"
        f"K = {summary.qntk_final_paper.min():.3g}.."
        f"{summary.qntk_final_paper.max():.3g} "
        f"(last step), $\\varepsilon(0)$ = {summary.attrs['residual_initial']:.3f} "
        "(paper's convention)",
        fontsize=10,
    )
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def report(summary: pd.DataFrame) -> list[str]:
    """The printout: one line per eta, then how many points are inside the band."""
    lines = [
        f"eta = {r.eta_paper:.1e}: sigma_eps = {r.residual_std:.4g} "
        + (
            f"DIVERGED (eta K >= {theory.DIVERGENT_ETA_KERNEL:g}: descent "
            "overshoots, eqs. 31 and 64 are undefined)"
            if r.diverged
            else f"(eq. 64 {r.eq64_std:.4g}, {LEVEL:.0%} [{r.std_low:.4g}, "
            f"{r.std_high:.4g}]{'' if r.inside else ' OUTSIDE'}, z = {r.z:+.2f}; "
            f"late-time eq. 31 {r.eq31_std:.4g})"
        )
        + f"; K = {r.qntk_final_paper:.3g} (paper's), eta K = {r.eta_kernel:.3g}"
        for _, r in summary.iterrows()
    ]
    converged = summary[~summary.diverged]
    m, diverged = len(converged), len(summary) - len(converged)
    pooled = (
        f"pooled mean of (sigma_eps / eq. 64)^2 = "
        f"{float(np.mean((converged.residual_std / converged.eq64_std) ** 2)):.3f}"
        if m
        else "no pooled ratio"
    )
    lines.append(
        f"inside the {LEVEL:.0%} band of eq. 64: {int(converged.inside.sum())} of {m} "
        f"(by chance alone each point is outside with probability {1 - LEVEL:.0%}); "
        f"{pooled}"
        + (f"; diverged (eta K >= 2, no band): {diverged}" if diverged else "")
    )
    return lines


def main(
    *,
    n=DEFAULTS["n"],
    layers=DEFAULTS["layers"],
    etas=DEFAULTS["etas"],
    sigma=DEFAULTS["sigma"],
    steps=DEFAULTS["steps"],
    runs=DEFAULTS["runs"],
    instance=DEFAULTS["instance"],
    seed=DEFAULTS["seed"],
    out="results/noisy_training_learning_rate",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return the rows, the summary and the figure path."""
    out = Path(out)
    setting = dict(
        n=n, layers=layers, sigma=sigma, steps=steps, runs=runs, instance=instance
    )
    df = run_sweep(
        measure,
        points(**setting, etas=etas, seed=seed),
        out=out,
        task="noisy_training_learning_rate",
        executor=executor,
        progbar=progbar,
        desc="learning rates",
    )
    summary = summarize(df)
    summary.attrs["residual_initial"] = float(df.residual_initial.iloc[0])
    summary.to_csv(out / "summary.csv", index=False)
    fig = plot(summary, setting, out / "noisy_training_learning_rate.png")
    return df, summary, fig


def cli(
    n: int = study_option("qubits", DEFAULTS["n"]),
    layers: int = study_option(
        "layers of the randomized ansatz (L = n * layers angles)", DEFAULTS["layers"]
    ),
    etas: str = study_option(
        "comma-separated learning rates, paper's convention (tnbp's are 4x)",
        DEFAULTS["etas"],
    ),
    sigma: float = study_option(
        "angle noise sigma_theta, paper's convention (tnbp's is 2x)", DEFAULTS["sigma"]
    ),
    steps: int = study_option("gradient-descent steps T per run", DEFAULTS["steps"]),
    runs: int = study_option("runs per learning rate", DEFAULTS["runs"]),
    instance: int = study_option(
        "seed of the circuit (axes and initial angles)", DEFAULTS["instance"]
    ),
    seed: int = study_option("seed of the noise", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/noisy_training_learning_rate"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (3 learning rates, 8 runs of 60 steps; the same "
        "circuit) in place of the defaults; options given explicitly override it",
    ),
):
    """Fig. 4: spread of the final residual error against the learning rate."""
    given = dict(
        n=n,
        layers=layers,
        etas=etas,
        sigma=sigma,
        steps=steps,
        runs=runs,
        instance=instance,
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
    refuse_untrainable(opts, observable)  # a circuit descent cannot move
    df, summary, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    for line in report(summary):
        typer.echo(line)
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
