r"""Mean and spread of the QNTK against L and N: eqs. 22, 23 and 51 of arXiv:2206.09313.

Liu, Lin and Jiang predict, for a circuit :math:`U = \prod_\ell W_\ell
e^{i\theta_\ell X_\ell}` (eq. 15) whose parts before and after each rotation
are 2-designs, the mean QNTK :math:`\bar K` (eq. 22, exact and large
:math:`N`), its spread :math:`\Delta K \approx \sqrt L\,
\sqrt{8\,\mathrm{Tr}^2 O^2 + 12\,\mathrm{Tr}\,O^4}/N^2` (eq. 23), hence the
concentration :math:`\Delta K/\bar K \propto L^{-1/2}`, and the spread of the
meta-kernel :math:`\Delta\mu = \sqrt{32}\,L\,\mathrm{Tr}^{3/2}(O^2)/N^3`
(eq. 51, with :math:`\mathbb E\mu = 0`).

The circuit is :func:`tnbp.ansatz.design_rotations`: ``layers`` :math:`= L`
rotations :math:`e^{-i\theta Z_0/2}` at uniform angles, each between blocks
:math:`W = (u_0 \otimes \cdots \otimes u_{n-1})\,C` of a uniformly random
Clifford :math:`C` on all qubits and Haar-random single-qubit :math:`u_q`:
eq. 15 with exact 2-design :math:`W_\ell`, so that :math:`V_{\pm,\ell}`
are 2-designs for every :math:`\ell` and eq. 22's exact form is the exact
mean. The observable is :math:`O = Z_0` (:math:`\mathrm{Tr}\,O = 0`,
:math:`\mathrm{Tr}\,O^2 = \mathrm{Tr}\,O^4 = N`). Two scans: over
``layers_values`` at ``n`` qubits, and over ``n_values`` at ``layers``
rotations (the paper's figures use :math:`L = 64`). Each point is
``samples`` random instances (:func:`tnbp.qntk_ensemble`, dense adjoint
gradients, :math:`\mu` by :func:`tnbp.meta_kernel`) summarized by
:func:`tnbp.qntk_summary`.

Convention: the table is in tnbp's angles (rotations
:math:`e^{-i\theta P/2}`), like every tnbp table; the figure
(``<out>/qntk_kernel_scaling.png``) converts to the paper's
(:math:`e^{i\theta X}`: :math:`4K`, :math:`4\Delta K`, :math:`16\mu`) and
says so on its axes, so its theory curves are the paper's formulas as
printed.

Each ``(n, layers)`` is one row of the results store in ``<out>``;
``<out>/table.csv`` holds every row there, refreshed as rows finish, and a
rerun computes only what is missing. The printout ends with the largest
``|z|`` of the mean against eq. 22, :math:`\Delta K` against eq. 23 at the
largest ``layers`` of the scan over :math:`L`, and the exponent of
:math:`\Delta K/\bar K \propto L^{-p}` fitted over that scan. ``--quick``
is a seconds-long preset; any option given explicitly overrides it. Ctrl-C
stops the run with one line that says how many rows are saved and the
command that resumes it (exit status 130).

References
----------
.. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
   machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
   arXiv:2206.09313 (eqs. 15, 21-23, 49-51).
"""

from __future__ import annotations

from pathlib import Path

import typer

import tnbp
from tnbp.ensembles.fits import MIN_FIT_POINTS
from tnbp.ensembles.statistics import MIN_VARIANCE_SE_SAMPLES
from tnbp.plotting import plot_qntk_scaling
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2206.09313"
FIGURE = "eqs. 22, 23, 51"

#: :math:`O = Z_0`
OBSERVABLE = [(1.0, "Z", (0,))]
DEFAULTS = dict(
    n=4,
    layers_values=(2, 4, 8, 16, 32, 64, 128, 256),
    layers=64,
    n_values=(2, 3, 4, 5, 6, 7, 8),
    samples=200,
    seed=0,
)
QUICK = dict(
    n=3, layers_values=(2, 4, 8, 16), layers=8, n_values=(2, 3, 4), samples=40, seed=0
)
#: the values each parameter allows (checked before any work; a list: each item).
#: The upper bounds are what runs: one instance at n = 10, L = 1024 (K and mu)
#: takes ~30 s on a shared core. The concentration fit weighs each point by the
#: standard error of its spread, which needs four instances
#: (tnbp.ensembles.statistics.MIN_VARIANCE_SE_SAMPLES; with three the fit
#: raised after the sweep).
LIMITS = dict(
    n=">= 1 and <= 10",
    layers_values=">= 1 and <= 1024",
    layers=">= 1 and <= 1024",
    n_values=">= 1 and <= 10",
    samples=f">= {MIN_VARIANCE_SE_SAMPLES} and <= 5000",
    seed=">= 0",
)
#: every parameter of a row
SETTINGS = ("n", "layers", "samples", "seed")
#: the summary columns kept in a row (tnbp.qntk_summary)
RESULTS = (
    "num_parameters",
    "kernel_mean",
    "kernel_se",
    "kernel_ci_low",
    "kernel_ci_high",
    "kernel_theory",
    "kernel_theory_large_n",
    "kernel_z",
    "kernel_std",
    "kernel_std_se",
    "kernel_std_theory",
    "kernel_std_ratio",
    "concentration",
    "concentration_theory",
    "kernel_expectation_correlation",
    "meta_mean",
    "meta_se",
    "meta_rms",
    "meta_rms_se",
    "meta_rms_theory",
    "confidence",
)


def build(n: int, layers: int, seed=None) -> tnbp.Circuit:
    """One random instance: eq. 15 with Clifford + local-Haar blocks."""
    return tnbp.ansatz.design_rotations(n, layers, seed=seed)


def measure(*, n: int, layers: int, samples: int, seed: int) -> dict:
    """K and mu over ``samples`` instances at one size, summarized beside theory."""
    table = tnbp.qntk_ensemble(
        build,
        [(n, layers)],
        observable=OBSERVABLE,
        samples=samples,
        meta=True,
        seed=seed,
        executor="serial",
    )
    (row,) = tnbp.qntk_summary(table, OBSERVABLE).to_dict("records")
    return {k: row[k] for k in RESULTS}


def points(*, n, layers_values, layers, n_values, samples, seed) -> list[dict]:
    """The sweep's points: the scan over L at ``n``, then over n at ``layers``."""
    sizes = [(n, L) for L in layers_values] + [(m, layers) for m in n_values]
    sizes = list(dict.fromkeys(sizes))  # the two scans may share a point
    return [dict(n=m, layers=L, samples=samples, seed=seed) for m, L in sizes]


def concentration_fit(df, n: int):
    """Fit of Delta K / K-bar against L over the scan at ``n`` (None below 3 points)."""
    rows = df[df.n == n].sort_values("num_parameters")
    if rows.num_parameters.nunique() < MIN_FIT_POINTS:
        return None
    rel = (
        (rows.kernel_std_se / rows.kernel_std) ** 2
        + (rows.kernel_se / rows.kernel_mean) ** 2
    ) ** 0.5
    return tnbp.fit_power_law(
        rows.num_parameters,
        rows.concentration,
        variance_err=rows.concentration * rel,
    )


def main(
    *,
    n=DEFAULTS["n"],
    layers_values=DEFAULTS["layers_values"],
    layers=DEFAULTS["layers"],
    n_values=DEFAULTS["n_values"],
    samples=DEFAULTS["samples"],
    seed=DEFAULTS["seed"],
    out="results/qntk_kernel_scaling",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the concentration fit (or None) and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n=n,
            layers_values=layers_values,
            layers=layers,
            n_values=n_values,
            samples=samples,
            seed=seed,
        ),
        out=out,
        task="qntk_kernel_scaling",
        executor=executor,
        progbar=progbar,
        desc="sizes",
    )
    fit = concentration_fit(df, n)
    fig = plot_qntk_scaling(
        df, out / "qntk_kernel_scaling.png", n=n, layers=layers, fit=fit
    )
    return df, fit, fig


def summary(df, fit, *, n: int) -> list[str]:
    """The closing lines: mean vs eq. 22, spread vs eq. 23, the concentration exponent."""
    w = df.loc[df.kernel_z.abs().idxmax()]
    lines = [
        f"mean K vs eq. 22 (exact): max |z| = {abs(w.kernel_z):.2f} standard errors "
        f"(n={w.n}, L={w.num_parameters}) over {len(df)} sizes"
    ]
    scan = df[df.n == n]
    if len(scan):
        top = scan.loc[scan.num_parameters.idxmax()]
        lines.append(
            f"Delta K vs eq. 23 at n={n}, largest L={top.num_parameters}: "
            f"{top.kernel_std_ratio:.3f} +- {top.kernel_std_se / top.kernel_std_theory:.3f}"
            " of eq. 23"
        )
    if fit is not None:
        lines.append(
            f"Delta K / K-bar ~ L^-p over L at n={n}: p = {fit.exponent:.3f} +- "
            f"{fit.exponent_err:.3f} (eq. 23 / eq. 22: 0.5)"
        )
    meta = df[df.meta_rms.notna()]
    if len(meta):
        w = meta.loc[(meta.meta_mean / meta.meta_se).abs().idxmax()]
        lines.append(
            f"meta-kernel: max |mean mu| / SE = {abs(w.meta_mean / w.meta_se):.2f} "
            f"(eq. 51: E mu = 0); rms mu / eq. 51 from "
            f"{(meta.meta_rms / meta.meta_rms_theory).min():.2f} to "
            f"{(meta.meta_rms / meta.meta_rms_theory).max():.2f}"
        )
    return lines


def cli(
    n: int = study_option("qubits of the scan over L", DEFAULTS["n"]),
    layers_values: str = study_option(
        "comma-separated L (rotations) of the scan over L", DEFAULTS["layers_values"]
    ),
    layers: int = study_option("L of the scan over n", DEFAULTS["layers"]),
    n_values: str = study_option(
        "comma-separated n of the scan over n", DEFAULTS["n_values"]
    ),
    samples: int = study_option("random circuits per size", DEFAULTS["samples"]),
    seed: int = study_option("root seed", DEFAULTS["seed"]),
    out: Path = typer.Option(Path("results/qntk_kernel_scaling"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 3 with L = 2,4,8,16; n = 2,3,4 with L = 8; "
        "40 samples) in place of the defaults; options given explicitly override it",
    ),
):
    """Mean and spread of the QNTK against L and N, beside eqs. 22, 23 and 51."""
    given = dict(
        n=n,
        layers_values=layers_values,
        layers=layers,
        n_values=n_values,
        samples=samples,
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
    df, fit, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [
        "n",
        "layers",
        "kernel_mean",
        "kernel_se",
        "kernel_theory",
        "kernel_z",
        "kernel_std",
        "kernel_std_theory",
        "kernel_std_ratio",
        "concentration",
        "meta_mean",
        "meta_rms",
        "meta_rms_theory",
    ]
    typer.echo("K, Delta K, mu in tnbp's angles (the figure: the paper's, 4x and 16x)")
    typer.echo(df[shown].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    for line in summary(df, fit, n=opts.params["n"]):
        typer.echo(line)
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
