"""Fig. 3 of arXiv:2206.09313: the final residual error against the angle noise.

Gradient descent on the mean-square loss with Markovian Gaussian angle noise
(eqs. 28, 59 of Liu, Lin and Jiang), ``runs`` runs of ``steps`` steps per noise
level, every run from the same circuit and initial angles (the paper's "same
setup of the ansatz, the operator and the input state"), each with its own
noise. After many steps each run's residual is Gaussian, eps ~ N(0, s^2) with
s^2 = sigma^2 / (eta (2 - eta K)) (eqs. 31, 66). Two panels:

(a) the mean of |eps(T)| over the runs against sigma, with eq. 69,
    sqrt(2/pi) s, and its 90% band: the central 90% interval of the mean of
    ``runs`` half-normal variables of scale s, computed exactly
    (:func:`tnbp.theory.late_time_residual_interval`, an FFT convolution; no
    Monte Carlo, no central-limit approximation);
(b) the standard deviation sigma_eps (``ddof=1``) of eps(T) over the runs,
    the panel the paper's text describes, with s and its exact 90% band
    s sqrt(chi^2_{R-1, q} / (R - 1)).

K in the theory is the mean over the runs of K at the last step (as the
paper takes it for eq. 69). The theory assumes the kernel frozen; where the
runs' K at the last step spreads by more than ``FROZEN_SPREAD`` = 15% of its
mean (``kernel_spread`` in the summary, ``kernel_frozen`` false) it is not,
and the figure rings the point with an open blue square ("K not frozen").

Setting. The paper's: the randomized hardware-efficient ansatz of McClean et
al. (:func:`tnbp.ansatz.randomized_hardware_efficient`) on n = 4 qubits with
L = 64 angles (16 layers), 10 runs of 100 steps per sigma. Ours, where the
paper does not say: O = Z_0 Z_1 Z_2 Z_3 (a Pauli string, Tr O^2 = N), O_0 = 0
(the middle of O's spectrum, where the kernel stays near its typical value),
eta = 0.05 (so eta K ~ 0.4 and 100 steps reach the plateau from any sigma
here), circuit instance 2 (K = 8.5 at the start, the paper's "K ~ O(10)";
eq. 22 gives a mean of 7.6 at this size), sigma from 1e-4 to 5e-2. At the
largest sigma the noise is no longer small: the curvature of <O> along the
noise (second order in sigma, which eq. 28 drops) damps eps by a further
(sigma_tnbp^2 / 2) k per step, with k = -sum_l d^2<O>/d theta_l^2 / <O>
~ L / 2 for this circuit (32 measured at L = 64): 0.16 against eta K = 0.39
at sigma = 5e-2, which lowers the plateau there by ~10%.

Convention: eta, sigma_theta and K are the paper's everywhere (options,
table, printout, figure), for rotations exp(i theta X), and every table column
that holds one says so by its suffix ``_paper`` (``eta_paper``,
``sigma_paper``, ``qntk_final_paper``, ...), so that it is not mixed up with
the ``qntk`` columns of :func:`tnbp.train` (tnbp's K). tnbp's rotations are
exp(-i theta P / 2), so the runs use eta_tnbp = 4 eta, sigma_tnbp = 2 sigma
(:func:`tnbp.theory.from_paper_convention`) and report K_paper = 4 K_tnbp.
eps, eta K and sigma^2 / eta, hence every prediction (eqs. 31, 69) and every
column without the suffix, are the same in both.

One row per sigma goes to the results store in ``<out>`` (its ``runs`` runs
through :func:`tnbp.final_step_statistics`, seeded by the row's parameters with
:func:`tnbp.results.point_seed`, so each sigma has independent noise);
``<out>/table.csv`` holds every row, a rerun computes only what is missing.
The summary (``<out>/summary.csv``: measured statistics, eq. 69, the bands,
whether each point is inside) and the figure (``<out>/noisy_training_noise.png``)
use the rows of the current settings. ``--quick`` is a seconds-long preset
(n = 4, 6 layers, 3 noise levels, 6 runs of 60 steps); options given explicitly
override it. It is a different setting, not a coarser one: a smaller circuit
(L = 24, not 64) and another instance (1, not 2), so its K and plateau differ
from the full run's. Ctrl-C stops the run with one line that says how many rows are
saved and the command that resumes it (exit status 130).
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
FIGURE = "Fig. 3"

#: the target O_0 (the middle of the spectrum of O = Z...Z)
TARGET = 0.0
#: probability inside the theory bands
LEVEL = 0.9
#: largest std / mean of K over the runs at the last step for a frozen kernel
FROZEN_SPREAD = 0.15

DEFAULTS = dict(
    n=4,
    layers=16,
    eta=0.05,
    sigmas=(1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2),
    steps=100,
    runs=10,
    instance=2,
    seed=0,
)
QUICK = dict(
    n=4,
    layers=6,
    eta=0.05,
    sigmas=(1e-4, 1e-3, 1e-2),
    steps=60,
    runs=6,
    instance=1,
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
    eta=">= 1e-12 and <= 1",
    sigmas=">= 1e-12 and <= 1",
    steps=">= 1 and <= 100000",
    runs=">= 2 and <= 10000",
    instance=">= 0",
    seed=">= 0",
)


def observable(n: int) -> list:
    """O = Z_0 Z_1 ... Z_{n-1}."""
    return [(1.0, "Z" * n, tuple(range(n)))]


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


def points(*, n, layers, eta, sigmas, steps, runs, instance, seed) -> list[dict]:
    """One point per noise level (paper's convention)."""
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
        for sigma in sigmas
    ]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Each row's statistics beside eq. 69, s = sqrt(eq. 31) and their 90% bands.

    The formulas take (eta, K, sigma) in one convention; the paper's is used
    (the columns that hold one of them end in ``_paper``), with K the mean
    over the runs of K at the last step. ``kernel_spread`` is its std / mean
    over the runs; ``kernel_frozen`` is false where that exceeds
    ``FROZEN_SPREAD``, i.e. where eqs. 31 and 69 do not apply. A row with
    eta K >= 2 (:func:`tnbp.theory.descent_diverges`) is ``diverged``: descent
    overshoots, eqs. 31 and 69 are undefined there, and its predictions and
    bands are NaN.
    """
    rows = []
    for _, r in df.sort_values("sigma_paper").iterrows():
        args = (r.eta_paper, r.qntk_final_paper, r.sigma_paper)
        spread = r.qntk_final_std_paper / r.qntk_final_paper
        diverged = theory.descent_diverges(r.eta_paper, r.qntk_final_paper)
        eq69 = eq31 = mean_low = mean_high = std_low = std_high = np.nan
        if not diverged:
            eq69 = theory.late_time_mean_abs_residual(*args)
            eq31 = float(np.sqrt(theory.noise_plateau(*args)))
            mean_low, mean_high = theory.late_time_residual_interval(
                *args, int(r.runs), statistic="mean_abs", level=LEVEL
            )
            std_low, std_high = theory.late_time_residual_interval(
                *args, int(r.runs), statistic="std", level=LEVEL
            )
        rows.append(
            dict(
                sigma_paper=r.sigma_paper,
                runs=int(r.runs),
                eta_kernel=r.eta_paper * r.qntk_final_paper,
                diverged=diverged,
                qntk_final_paper=r.qntk_final_paper,
                kernel_spread=spread,
                kernel_frozen=bool(spread <= FROZEN_SPREAD),
                mean_abs_residual=r.mean_abs_residual,
                eq69=eq69,
                mean_abs_low=mean_low,
                mean_abs_high=mean_high,
                mean_abs_inside=bool(mean_low <= r.mean_abs_residual <= mean_high),
                residual_std=r.residual_std,
                eq31_std=eq31,
                std_low=std_low,
                std_high=std_high,
                std_inside=bool(std_low <= r.residual_std <= std_high),
            )
        )
    return pd.DataFrame(rows)


def plot(summary: pd.DataFrame, setting: dict, path: Path) -> Path:
    """Two log-log panels against sigma_theta: mean |eps(T)| (eq. 69) and sigma_eps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
    runs = int(summary.runs.iloc[0])
    band = f"{LEVEL:.0%} interval over {runs} runs"
    frozen = dict(
        flagged=~summary.kernel_frozen.to_numpy(bool),
        flagged_label=f"K not frozen (std/mean of K(T) > {FROZEN_SPREAD:g})",
        undefined_label=r"diverged: $\eta K \geq 2$ (eqs. 31, 69 undefined)",
    )
    noise_statistic_panel(
        axes[0],
        summary.sigma_paper,
        summary.mean_abs_residual,
        summary.eq69,
        summary.mean_abs_low,
        summary.mean_abs_high,
        measured_label=rf"mean $|\varepsilon(T)|$ over {runs} runs",
        theory_label=r"eq. 69: $\sqrt{2/\pi}\,\sigma_\theta/\sqrt{2\eta-\eta^2K}$",
        band_label=band,
        **frozen,
    )
    axes[0].set_ylabel(r"mean $|\varepsilon(T)|$")
    axes[0].set_title(r"(a) mean final residual error")
    noise_statistic_panel(
        axes[1],
        summary.sigma_paper,
        summary.residual_std,
        summary.eq31_std,
        summary.std_low,
        summary.std_high,
        measured_label=rf"std of $\varepsilon(T)$ over {runs} runs",
        theory_label=r"eq. 31: $\sigma_\theta/\sqrt{\eta(2-\eta K)}$",
        band_label=band,
        **frozen,
    )
    axes[1].set_ylabel(r"$\sigma_\varepsilon$")
    axes[1].set_title(r"(b) spread of the final residual error")
    for ax in axes:
        ax.set_xlabel(r"angle noise $\sigma_\theta$ (paper's convention)")
    kernel = summary.qntk_final_paper
    fig.suptitle(
        f"Noisy training (arXiv:2206.09313 Fig. 3): n = {setting['n']}, "
        f"L = {setting['n'] * setting['layers']} angles, $\\eta$ = {setting['eta']:g}, "
        f"T = {setting['steps']} steps, K = {kernel.min():.3g}..{kernel.max():.3g} "
        "(last step, paper's convention)",
        fontsize=10,
    )
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def report(summary: pd.DataFrame) -> list[str]:
    """The printout: one line per sigma, then how many points are inside the bands."""
    lines = []
    for _, r in summary.iterrows():
        kernel = (
            f"K = {r.qntk_final_paper:.3g} (paper's; spread "
            f"{r.kernel_spread:.0%}{'' if r.kernel_frozen else ', NOT FROZEN'}), "
            f"eta K = {r.eta_kernel:.3g}"
        )
        if r.diverged:
            lines.append(
                f"sigma = {r.sigma_paper:.1e}: mean|eps| = "
                f"{r.mean_abs_residual:.4g}, sigma_eps = {r.residual_std:.4g}: "
                f"DIVERGED (eta K >= {theory.DIVERGENT_ETA_KERNEL:g}: descent "
                f"overshoots, eqs. 31 and 69 are undefined); {kernel}"
            )
            continue
        lines.append(
            f"sigma = {r.sigma_paper:.1e}: mean|eps| = {r.mean_abs_residual:.4g} "
            f"(eq. 69 {r.eq69:.4g}, {LEVEL:.0%} [{r.mean_abs_low:.4g}, "
            f"{r.mean_abs_high:.4g}]{'' if r.mean_abs_inside else ' OUTSIDE'}); "
            f"sigma_eps = {r.residual_std:.4g} (s {r.eq31_std:.4g}, "
            f"[{r.std_low:.4g}, {r.std_high:.4g}]{'' if r.std_inside else ' OUTSIDE'}); "
            f"{kernel}"
        )
    converged = summary[~summary.diverged]
    m, diverged = len(converged), len(summary) - len(converged)
    lines.append(
        f"inside the {LEVEL:.0%} bands: mean|eps| {int(converged.mean_abs_inside.sum())} "
        f"of {m}, sigma_eps {int(converged.std_inside.sum())} of {m} (by chance alone "
        f"each point is outside with probability {1 - LEVEL:.0%}); K not frozen "
        f"(spread > {FROZEN_SPREAD:.0%}) at {int((~summary.kernel_frozen).sum())} of "
        f"{len(summary)}"
        + (f"; diverged (eta K >= 2, no band): {diverged}" if diverged else "")
    )
    return lines


def main(
    *,
    n=DEFAULTS["n"],
    layers=DEFAULTS["layers"],
    eta=DEFAULTS["eta"],
    sigmas=DEFAULTS["sigmas"],
    steps=DEFAULTS["steps"],
    runs=DEFAULTS["runs"],
    instance=DEFAULTS["instance"],
    seed=DEFAULTS["seed"],
    out="results/noisy_training_noise",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return the rows, the summary and the figure path."""
    out = Path(out)
    setting = dict(
        n=n, layers=layers, eta=eta, steps=steps, runs=runs, instance=instance
    )
    df = run_sweep(
        measure,
        points(**setting, sigmas=sigmas, seed=seed),
        out=out,
        task="noisy_training_noise",
        executor=executor,
        progbar=progbar,
        desc="noise levels",
    )
    summary = summarize(df)
    summary.to_csv(out / "summary.csv", index=False)
    fig = plot(summary, setting, out / "noisy_training_noise.png")
    return df, summary, fig


def cli(
    n: int = study_option("qubits", DEFAULTS["n"]),
    layers: int = study_option(
        "layers of the randomized ansatz (L = n * layers angles)", DEFAULTS["layers"]
    ),
    eta: float = study_option(
        "learning rate, paper's convention (tnbp's is 4x)", DEFAULTS["eta"]
    ),
    sigmas: str = study_option(
        "comma-separated angle-noise levels sigma_theta, paper's convention "
        "(tnbp's are 2x)",
        DEFAULTS["sigmas"],
    ),
    steps: int = study_option("gradient-descent steps T per run", DEFAULTS["steps"]),
    runs: int = study_option("runs per noise level", DEFAULTS["runs"]),
    instance: int = study_option(
        "seed of the circuit (axes and initial angles)", DEFAULTS["instance"]
    ),
    seed: int = study_option("seed of the noise", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/noisy_training_noise"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 4, 6 layers, 3 noise levels, 6 runs of 60 "
        "steps) in place of the defaults; a different setting (L = 24 and circuit "
        "instance 1, not L = 64 and instance 2); options given explicitly override it",
    ),
):
    """Fig. 3: final residual error against the angle noise, with eq. 69."""
    given = dict(
        n=n,
        layers=layers,
        eta=eta,
        sigmas=sigmas,
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
