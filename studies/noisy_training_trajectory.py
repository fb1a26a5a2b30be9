"""Fig. 2 of arXiv:2206.09313: noisy against noiseless training, |eps(t)| on a log scale.

Gradient descent on the mean-square loss of eps = <O> - O_0 (eqs. 12, 16 of
Liu, Lin and Jiang) from one circuit and its initial angles: once without
noise, and ``runs`` times with Markovian Gaussian angle noise (eqs. 28, 59),
each run with its own noise. The figure draws, against the step t, on a log
scale:

- the noiseless |eps(t)| and eq. 19, |eps(0)| (1 - eta K(0))^t;
- every noisy run's |eps(t)| (thin), their root mean square
  sqrt(mean eps(t)^2), and eq. 30 (its square root, with K(0));
- the plateau sqrt(eq. 31), sigma / sqrt(eta (2 - eta K)), with K the mean
  over the noisy runs' late window (the last half of the steps), and the
  noise time T_noise of eq. 68.

The check (printed, ``<out>/checks.csv``): the late-window mean of eps^2 over
the noisy runs against eq. 31, as z = (measured - eq. 31) / SE with the
standard error SE that eq. 28 itself predicts for the window mean (an AR(1)
process, correlated over ~1 / (2 eta K) steps; :func:`window_mean_square_se`);
the spread of the runs' window means is printed beside it. Expected: the
noiseless run decays as eq. 19 while K stays near K(0) (K grows by ~8% as <O>
reaches O_0 here, so the measured decay ends up faster than eq. 19's), the
noisy runs follow it until T_noise and then sit on the plateau.

Setting. The paper's: the randomized hardware-efficient ansatz of [28, 29]
(McClean et al.'s, :func:`tnbp.ansatz.randomized_hardware_efficient`) on n = 2
qubits with L = 64 angles (32 layers), eta = 1e-3, sigma_theta = 1e-3. Ours,
where the paper does not say: O = Z_0 Z_1 (a Pauli string), O_0 = 0 (the middle
of its spectrum), circuit instance 0 (eps(0) = 0.250, K(0) = 33.2; the
ansatz's mean K at this size is 27.5 +- 0.6 over 200 instances, eq. 22 gives
27.3), 20 noisy runs, 600 steps.

Convention: eta, sigma_theta and K are the paper's everywhere (options,
table, printout, figure), for rotations exp(i theta X), and every table column
that holds one says so by its suffix ``_paper`` (``eta_paper``,
``sigma_paper``, ``qntk_paper``, ``qntk_late_paper``, ...), so that it is
not mixed up with the ``qntk`` column of :func:`tnbp.train` (tnbp's K).
tnbp's rotations are exp(-i theta P / 2), so the runs use eta_tnbp = 4 eta,
sigma_tnbp = 2 sigma (:func:`tnbp.theory.from_paper_convention`) and the table
reports K_paper = 4 K_tnbp. eps, eta K and sigma^2 / eta, hence every
prediction (eqs. 19, 30, 31, 68) and every column without the suffix, are the
same in both.

One row per (run, recorded step) goes to the results store in ``<out>``: the
parameters of the run (``sigma_paper = 0`` for the noiseless run), the step,
eps (``residual``) and K (``qntk_paper``). A run is trained once per process,
when its first missing step is asked for (its rows then come from that
trajectory; the first row's ``wall_time`` carries the run's cost); its noise
is seeded by the run's parameters (:func:`tnbp.results.point_seed`).
``<out>/table.csv`` holds every row, a
rerun computes only what is missing. ``every`` records every k-th step
(and the last). The per-step summary (``<out>/summary.csv``), the checks and
the figure (``<out>/noisy_training_trajectory.png``) use the rows of the
current settings. ``--quick`` is a seconds-long preset (eta = 4e-3, so that
the plateau comes within 120 steps; 4 noisy runs, every 4th step recorded);
options given explicitly override it. Ctrl-C stops the run with one line that
says how many rows are saved and the command that resumes it (exit status
130).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import typer

import tnbp
from tnbp import ansatz, theory
from tnbp.ensembles.training import refuse_untrainable
from tnbp.results import (
    StudyOptions,
    executor_option,
    point_seed,
    run_sweep,
    study_option,
)

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2206.09313"
FIGURE = "Fig. 2"

#: the target O_0 (the middle of the spectrum of O = Z...Z)
TARGET = 0.0

DEFAULTS = dict(
    n=2,
    layers=32,
    eta=1e-3,
    sigma=1e-3,
    steps=600,
    runs=20,
    every=1,
    instance=0,
    seed=0,
)
QUICK = dict(
    n=2,
    layers=32,
    eta=4e-3,
    sigma=1e-3,
    steps=120,
    runs=4,
    every=4,
    instance=0,
    seed=0,
)
#: the values each parameter allows (checked before any work): a standard
#: error needs two runs; dense simulation to 12 qubits;
#: sigma from 1e-12: below ~1e-15 the noise is lost in the rounding of the
#: angles and of <O> (measured, Fig. 4's quick preset: sigma_eps = 4e-16 at
#: sigma = 1e-17 against eq. 64's 6e-17, 0 at 1e-19; sigma = 1e-300 divided by
#: zero; at 1e-14 it follows eq. 64); eta from 1e-12: below ~1e-16 the update
#: eta eps d(eps) is lost in the rounding of the angles and descent does not
#: move (eta = 1e-300 also overflowed eq. 31's plateau, sigma^2 / (2 eta),
#: squared); eta up to 1: where eta K >= 2 descent
#: diverges, a result the checks record (``diverged``)
LIMITS = dict(
    n=">= 1 and <= 12",
    layers=">= 1 and <= 1000",
    eta=">= 1e-12 and <= 1",
    sigma=">= 1e-12 and <= 1",
    steps=">= 2 and <= 100000",
    runs=">= 2 and <= 10000",
    every=">= 1 and <= steps",
    instance=">= 0",
    seed=">= 0",
)


def observable(n: int) -> list:
    """O = Z_0 Z_1 ... Z_{n-1}."""
    return [(1.0, "Z" * n, tuple(range(n)))]


@functools.lru_cache(maxsize=2)
def trajectory(
    n: int,
    layers: int,
    instance: int,
    eta: float,
    sigma: float,
    steps: int,
    run: int,
    seed: int,
) -> pd.DataFrame:
    """One training run (the paper's eta and sigma), from :func:`tnbp.train`.

    Its noise is seeded by these parameters (under the names ``eta`` and
    ``sigma``). The table is :func:`tnbp.train`'s, its ``qntk`` in tnbp's
    convention. Cached: the rows of a run are asked for one step after the
    other.
    """
    with warnings.catch_warnings():
        # eta K >= 2 is a result, not an error: summarize reads it off K
        warnings.simplefilter("ignore", tnbp.OvershootWarning)
        return tnbp.train(
            ansatz.randomized_hardware_efficient(n, layers, seed=instance),
            observable(n),
            TARGET,
            theory.from_paper_convention(eta, "learning_rate"),
            steps,
            angle_noise=theory.from_paper_convention(sigma, "angle_noise"),
            seed=point_seed(
                dict(
                    n=n,
                    layers=layers,
                    instance=instance,
                    eta=eta,
                    sigma=sigma,
                    steps=steps,
                    run=run,
                    seed=seed,
                )
            ),
        )


def measure(
    *,
    n: int,
    layers: int,
    instance: int,
    eta_paper: float,
    sigma_paper: float,
    steps: int,
    run: int,
    seed: int,
    step: int,
) -> dict:
    """eps and K (``qntk_paper``, the paper's convention) of one run at one step."""
    row = trajectory(
        n, layers, instance, eta_paper, sigma_paper, steps, run, seed
    ).iloc[step]
    return dict(
        residual=float(row.residual),
        qntk_paper=theory.to_paper_convention(float(row.qntk), "qntk"),
    )


#: every parameter of a row
SETTINGS = (
    "n",
    "layers",
    "instance",
    "eta_paper",
    "sigma_paper",
    "steps",
    "run",
    "seed",
    "step",
)


def recorded_steps(steps: int, every: int) -> list[int]:
    """The steps kept: every ``every``-th, and the last."""
    return sorted({*range(0, steps + 1, every), steps})


def points(*, n, layers, eta, sigma, steps, runs, every, instance, seed) -> list[dict]:
    """The noiseless run (sigma = 0), then the noisy runs, step by step (paper's eta, sigma)."""
    runs_ = [(0.0, 0)] + [(sigma, r) for r in range(runs)]
    return [
        dict(
            n=n,
            layers=layers,
            instance=instance,
            eta_paper=eta,
            sigma_paper=s,
            steps=steps,
            run=r,
            seed=seed,
            step=t,
        )
        for s, r in runs_
        for t in recorded_steps(steps, every)
    ]


def window_mean_square_se(
    plateau: float, eta_kernel: float, window: int, every: int, runs: int
) -> float:
    """Standard error of the late-window mean of eps^2 over ``runs`` runs, if eq. 28 holds.

    At late times eq. 28 makes eps an AR(1) process,
    eps(t + 1) = (1 - eta K) eps(t) + xi(t), stationary with variance
    ``plateau`` and lag-k correlation rho^k, rho = 1 - eta K. For a Gaussian
    process Cov(eps_i^2, eps_j^2) = 2 Cov(eps_i, eps_j)^2, so the mean of
    eps^2 over ``window`` recorded steps ``every`` steps apart has variance
    (2 plateau^2 / W^2) sum_ij rho^(2 every |i - j|); the runs are
    independent. Unlike the spread of a few runs' means, this needs no
    estimate of the correlation time.
    """
    lag = np.abs(np.subtract.outer(np.arange(window), np.arange(window)))
    rho2 = (1 - eta_kernel) ** (2 * every)
    variance = 2 * plateau**2 * np.sum(rho2**lag) / window**2
    return float(np.sqrt(variance / runs))


def summarize(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per step: the noiseless eps and the noisy runs' statistics beside eqs. 19, 30.

    Returns the per-step table and the one-row checks (the plateau against
    eq. 31, T_noise, the noiseless run against eq. 19). The formulas take
    (eta, K, sigma) in one convention; the paper's is used throughout, and
    the columns that hold one of them end in ``_paper``. Where eta K >= 2
    (:func:`tnbp.theory.descent_diverges`: with K(0), for eqs. 19, 30 and 68;
    with the late K, for eq. 31) descent overshoots and those closed forms are
    undefined: they are NaN, and the checks' ``diverged`` is true.
    """
    clean = df[df.sigma_paper == 0].sort_values("step")
    noisy = df[df.sigma_paper > 0]
    eta, sigma = float(df.eta_paper.iloc[0]), float(noisy.sigma_paper.iloc[0])
    steps = int(df.steps.iloc[0])
    eps0 = float(clean.residual.iloc[0])
    k0 = float(clean.qntk_paper.iloc[0])
    t = clean.step.to_numpy()
    by_step = noisy.groupby("step")
    early_diverged = theory.descent_diverges(eta, k0)
    undefined = np.full(t.shape, np.nan)
    summary = pd.DataFrame(
        dict(
            step=t,
            noiseless=clean.residual.to_numpy(),
            noiseless_qntk_paper=clean.qntk_paper.to_numpy(),
            eq19=undefined
            if early_diverged
            else theory.frozen_kernel_residual(eps0, eta, k0, t),
            noisy_rms=np.sqrt(
                by_step.residual.apply(lambda e: np.mean(e**2))
            ).to_numpy(),
            noisy_mean_abs=by_step.residual.apply(
                lambda e: np.mean(np.abs(e))
            ).to_numpy(),
            noisy_qntk_paper=by_step.qntk_paper.mean().to_numpy(),
            eq30_rms=undefined
            if early_diverged
            else np.sqrt(theory.noisy_mean_square_residual(eps0, eta, k0, sigma, t)),
        )
    )
    late = noisy[noisy.step >= steps // 2]
    per_run = late.groupby("run")
    squares = per_run.residual.apply(lambda e: np.mean(e**2)).to_numpy()
    k_late = float(late.qntk_paper.mean())
    late_diverged = theory.descent_diverges(eta, k_late)
    se = float(squares.std(ddof=1) / np.sqrt(squares.size))
    window = int(late.step.nunique())
    every = int(np.diff(sorted(late.step.unique()))[0]) if window > 1 else 1
    plateau = se_theory = noise_time = np.nan
    if not late_diverged:
        plateau = theory.noise_plateau(eta, k_late, sigma)
        se_theory = window_mean_square_se(
            plateau, eta * k_late, window, every, int(squares.size)
        )
    if not early_diverged:
        noise_time = theory.noise_time(eps0, eta, k0, sigma)
    deviation = np.abs(summary.noiseless - summary.eq19) / abs(eps0)
    checks = pd.DataFrame(
        [
            dict(
                eta_paper=eta,
                sigma_paper=sigma,
                runs=int(squares.size),
                residual_initial=eps0,
                qntk_initial_paper=k0,
                qntk_final_noiseless_paper=float(clean.qntk_paper.iloc[-1]),
                qntk_late_paper=k_late,
                eta_kernel_initial=eta * k0,
                eta_kernel_late=eta * k_late,
                diverged=early_diverged or late_diverged,
                noise_time=noise_time,
                late_from=steps // 2,
                plateau=float(squares.mean()),
                plateau_se=se,
                eq31=plateau,
                eq31_se=se_theory,
                z=(float(squares.mean()) - plateau) / se_theory,
                noiseless_max_deviation=float(deviation.max()),
            )
        ]
    )
    return summary, checks


def plot(summary: pd.DataFrame, checks: pd.DataFrame, df: pd.DataFrame, path: Path):
    """|eps(t)| on a log scale: noiseless (blue), noisy runs and rms (red), theory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = checks.iloc[0]
    fig, ax = plt.subplots(figsize=(8.4, 4.8), constrained_layout=True)
    noisy = df[df.sigma_paper > 0]
    for k, (_, g) in enumerate(noisy.sort_values("step").groupby("run")):
        ax.plot(
            g.step,
            np.abs(g.residual),
            "-",
            color="C3",
            lw=0.4,
            alpha=0.2,
            label=f"noisy runs, $|\\varepsilon(t)|$ ({int(c.runs)})"
            if k == 0
            else None,
        )
    ax.plot(
        summary.step,
        summary.noisy_rms,
        "-",
        color="C3",
        lw=2,
        label=r"noisy, $\sqrt{\overline{\varepsilon^2}}$ over the runs",
    )
    # eta K >= 2 (summarize): the closed forms are NaN and not drawn; the
    # legend says why
    diverged = dict(diverged_parts(c))
    if "0" not in diverged:
        ax.plot(
            summary.step,
            summary.eq30_rms,
            "--",
            color="darkred",
            lw=1.2,
            label=r"eq. 30 with $K(0)$",
        )
    if "late" not in diverged:
        ax.axhline(
            np.sqrt(c.eq31),
            color="darkred",
            ls=":",
            lw=1.2,
            label=f"plateau, eq. 31 with late K = {c.qntk_late_paper:.3g}",
        )
    ax.plot(
        summary.step,
        np.abs(summary.noiseless),
        "-",
        color="C0",
        lw=2,
        label=r"noiseless, $|\varepsilon(t)|$",
    )
    if "0" not in diverged:
        ax.plot(
            summary.step,
            np.abs(summary.eq19),
            "--",
            color="k",
            lw=1.2,
            label=r"eq. 19: $|\varepsilon(0)|(1-\eta K(0))^t$",
        )
        ax.axvline(
            c.noise_time,
            color="0.4",
            ls="-.",
            lw=1,
            label=f"$T_{{noise}}$ = {c.noise_time:.0f} (eq. 68)",
        )
    for which, undefined in diverged.items():
        ax.plot(
            [], [], " ", label=f"diverged: $\\eta K$({which}) $\\geq$ 2, {undefined}"
        )
    ax.axvspan(
        c.late_from,
        int(summary.step.max()),
        color="0.5",
        alpha=0.08,
        lw=0,
        label="late window (plateau check)",
    )
    ax.set_yscale("log")
    floor = max(float(np.abs(summary.noiseless).min()), 1e-14)
    if "late" not in diverged:  # the plateau stays in view
        floor = min(floor, float(np.sqrt(c.eq31)))
    ax.set_ylim(floor / 3, 3 * abs(c.residual_initial))
    ax.set_xlim(0, int(summary.step.max()))
    ax.set_xlabel("gradient-descent step t")
    ax.set_ylabel(r"residual training error $|\varepsilon(t)|$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(
        f"Noisy and noiseless training (arXiv:2206.09313 Fig. 2)\nn = "
        f"{int(df.n.iloc[0])}, L = {int(df.n.iloc[0] * df.layers.iloc[0])} angles, "
        f"$\\eta$ = {c.eta_paper:g}, $\\sigma_\\theta$ = {c.sigma_paper:g}, "
        f"K(0) = {c.qntk_initial_paper:.3g} (paper's convention)",
        fontsize=10,
    )
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def diverged_parts(c) -> list[tuple[str, str]]:
    """Where eta K >= 2 in the checks' row ``c``: (which K, the closed forms undefined)."""
    parts = []
    if theory.descent_diverges(c.eta_paper, c.qntk_initial_paper):
        parts.append(("0", "eqs. 19, 30, 68 undefined"))
    if theory.descent_diverges(c.eta_paper, c.qntk_late_paper):
        parts.append(("late", "eq. 31 undefined"))
    return parts


def report(checks: pd.DataFrame) -> list[str]:
    """The printout: the plateau against eq. 31, and the noiseless run against eq. 19."""
    c = checks.iloc[0]
    diverged = dict(diverged_parts(c))
    plateau = (
        f"eq. 31: {c.eq31:.4g} +- {c.eq31_se:.2g} (its standard error under eq. 28), "
        f"z = {c.z:+.2f}"
        if "late" not in diverged
        else f"eq. 31 undefined: eta K (late) = {c.eta_kernel_late:.4g} >= 2, "
        "descent diverges"
    )
    noise_time = (
        f"T_noise (eq. 68) = {c.noise_time:.1f} steps"
        if "0" not in diverged
        else "T_noise (eq. 68) undefined"
    )
    if c.late_from < c.noise_time:  # NaN compares False
        noise_time += (
            f" (after the late window's start, step {int(c.late_from)}: the runs "
            "have not reached the plateau, and z tests nothing; give more --steps)"
        )
    noiseless = (
        f"max |eps(t) - eq. 19| / |eps(0)| = {c.noiseless_max_deviation:.3g}"
        if "0" not in diverged
        else f"eta K(0) = {c.eta_kernel_initial:.4g} >= 2: descent overshoots, "
        "eq. 19 undefined"
    )
    return [
        f"eps(0) = {c.residual_initial:.4g}, K(0) = {c.qntk_initial_paper:.4g}, "
        f"eta K(0) = {c.eta_kernel_initial:.4g}; noiseless K(T) = "
        f"{c.qntk_final_noiseless_paper:.4g}; noisy late K = "
        f"{c.qntk_late_paper:.4g} (K and eta in the paper's convention)",
        f"plateau (mean eps^2 over steps >= {int(c.late_from)}, {int(c.runs)} runs) = "
        f"{c.plateau:.4g} +- {c.plateau_se:.2g} (spread of the runs); {plateau}; "
        f"{noise_time}",
        f"noiseless run: {noiseless} (K: {c.qntk_initial_paper:.4g} -> "
        f"{c.qntk_final_noiseless_paper:.4g})",
    ]


def main(
    *,
    n=DEFAULTS["n"],
    layers=DEFAULTS["layers"],
    eta=DEFAULTS["eta"],
    sigma=DEFAULTS["sigma"],
    steps=DEFAULTS["steps"],
    runs=DEFAULTS["runs"],
    every=DEFAULTS["every"],
    instance=DEFAULTS["instance"],
    seed=DEFAULTS["seed"],
    out="results/noisy_training_trajectory",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return the rows, the per-step summary, the checks and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n=n,
            layers=layers,
            eta=eta,
            sigma=sigma,
            steps=steps,
            runs=runs,
            every=every,
            instance=instance,
            seed=seed,
        ),
        out=out,
        task="noisy_training_trajectory",
        executor=executor,
        progbar=progbar,
        desc="rows (run, step)",
    )
    summary, checks = summarize(df)
    summary.to_csv(out / "summary.csv", index=False)
    checks.to_csv(out / "checks.csv", index=False)
    fig = plot(summary, checks, df, out / "noisy_training_trajectory.png")
    return df, summary, checks, fig


def cli(
    n: int = study_option("qubits", DEFAULTS["n"]),
    layers: int = study_option(
        "layers of the randomized ansatz (L = n * layers angles)", DEFAULTS["layers"]
    ),
    eta: float = study_option(
        "learning rate, paper's convention (tnbp's is 4x)", DEFAULTS["eta"]
    ),
    sigma: float = study_option(
        "angle noise sigma_theta of the noisy runs, paper's convention (tnbp's is 2x)",
        DEFAULTS["sigma"],
    ),
    steps: int = study_option("gradient-descent steps per run", DEFAULTS["steps"]),
    runs: int = study_option("noisy runs", DEFAULTS["runs"]),
    every: int = study_option(
        "record every k-th step (and the last)", DEFAULTS["every"]
    ),
    instance: int = study_option(
        "seed of the circuit (axes and initial angles)", DEFAULTS["instance"]
    ),
    seed: int = study_option("seed of the noise", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/noisy_training_trajectory"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (eta = 4e-3, 120 steps, 4 noisy runs, every 4th "
        "step) in place of the defaults; options given explicitly override it",
    ),
):
    """Fig. 2: noisy and noiseless residual error against the training step."""
    given = dict(
        n=n,
        layers=layers,
        eta=eta,
        sigma=sigma,
        steps=steps,
        runs=runs,
        every=every,
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
    df, summary, checks, fig = opts.run(
        main, out=out, echo=typer.echo, executor=executor
    )
    for line in report(checks):
        typer.echo(line)
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
