"""Quantum Boltzmann machines: gradient variances against the number of hidden units.

arXiv:2010.15968, Fig. 3c (Sec. VII, Theorem 4): the Gibbs state
:math:`\\rho = e^{-\\beta H}/Z` of a random 2-local Hamiltonian (eq. C1; onsite
N(0, 0.01), offsite N(0, 1), normalized by its operator norm) at inverse
temperature ``beta``, ``n_visible`` visible qubits and ``n_hidden`` hidden
ones. For each hidden-unit count, over ``samples`` random Hamiltonians
(dense, exact diagonalization):

- the paper's quantity (Fig. 3c): the gradient vector of the trace distance
  between the visible state and its perturbation,
  :math:`g_k = T(\\rho_v(\\theta), \\rho_v(\\theta + h e_k))/h`, by forward finite
  differences with step ``step`` as in the paper, beside its exact limit
  :math:`\\tfrac12\\|\\partial_k\\rho_v\\|_1` (Duhamel formula), the variance of
  :math:`\\|g\\|_\\infty` of both, the largest deviation between them, and a
  least-squares exponential fit of each against ``n_hidden``
  (:func:`tnbp.qbm_trace_distance_gradient_variance`);
- the variant kept beside it (columns ``observable_*``): the exact gradient of
  :math:`\\langle Z_0\\rangle_{\\rho_v}` on the same Hamiltonians, split into
  derivatives by terms on visible qubits only and by terms touching a hidden
  qubit (:func:`tnbp.qbm_gradient_variance`). Expected: the hidden-term
  variance falls exponentially with the hidden units (Theorem 4), the
  visible-term variance does not.

Theorem 4 bounds the derivatives by :math:`O(\\sqrt{D_v/D_h})`, so variances
scale at most as :math:`D_v/D_h`: the figure draws that slope (rate
:math:`\\ln 2`) beside the fits.

One row per hidden-unit count goes to the results store in ``<out>`` (keyed by
n_visible, n_hidden, samples, beta, step and seed), and ``<out>/table.csv``
holds every row there, refreshed as rows finish; a rerun computes only what is
missing. The fits, printout and figure (``<out>/qbm_hidden_units.png``) use
only the rows of the current settings.
``--quick`` is a seconds-long preset: it replaces the defaults, and any
option given explicitly overrides it (``--quick --samples 4``). The run prints
the parameters it used on one line; Ctrl-C stops it with one line that says
how many rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

from pathlib import Path

import typer

import tnbp
from tnbp.ensembles.fits import MIN_FIT_POINTS
from tnbp.plotting import plot_qbm_hidden_units
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and the figure it reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "Fig. 3c"

#: the full preset: 200 Hamiltonians per point (the paper averaged 1000; the
#: finite differences diagonalize one 2^n matrix per parameter, 210 of them at
#: n = 7: 200 samples took 41 min on two loaded shared cores, 32 of them at
#: n_h = 6; --samples 1000 takes five times as long)
DEFAULTS = dict(
    n_visible=1, hidden=(1, 2, 3, 4, 5, 6), samples=200, beta=1.0, step=1e-3
)
QUICK = dict(n_visible=1, hidden=(1, 2, 3), samples=8, beta=1.0, step=1e-3)
#: the values each parameter allows (checked before any work; a list: each item):
#: the standard error of a variance (the fits' weights) needs four samples, the
#: hidden-term gradient a hidden unit. beta is in units of the inverse norm of
#: the normalized Hamiltonian (||H|| = 1): the gradients are O(beta) and the
#: variance of their infinity-norm O(beta^6) (measured at n_visible = 1,
#: n_h = 1, 8 samples: 9.5e-23 at beta = 1e-3, 9.5e-29 at 1e-4), and below
#: beta = 1e-3 it sinks under the rounding floor of the finite-difference
#: variance (~1e-26 at step 1e-3: 7e-27 measured at beta = 1e-4, where the
#: exact one is 9e-29); above 1e3 the state is the ground state to within
#: e^(-beta gap) (every variance is unchanged from beta = 100 on, measured to
#: 1e6), and beta = 1e308 overflows beta * E in the Gibbs weights. The step from
#: 1e-4: the rounding floor of the finite-difference variance is ~(1e-16 /
#: step)^2, 1e-24 there, under the smallest beta's variance (measured at beta =
#: 1e-3: 1.02e-22 against the exact 9.50e-23); at step = 1e-300 every gradient
#: was 0 and the fit raised. At most twice the paper's 1000 samples: at the
#: largest register (MAX_QUBITS) one takes 42 s, so 2000 about a day
LIMITS = dict(
    n_visible=">= 1 and <= 4",
    hidden=">= 1 and <= 8",
    samples=">= 4 and <= 2000",
    beta=">= 1e-3 and <= 1e3",
    step=">= 1e-4 and <= 0.1",
)
#: most qubits n_visible + n_hidden (checked before any work; as many as
#: hidden's limit gives at n_visible = 1): the finite differences diagonalize
#: one 2^n matrix per coefficient, 3n + 9n(n-1)/2 of them (measured, one sample
#: on a loaded shared core: n = 8 in 5 s, n = 9 in 42 s, n = 10 over 15 min;
#: n = 12, the dense Gibbs limit, would take hours per sample)
MAX_QUBITS = 9


def measure(
    *, n_visible: int, n_hidden: int, samples: int, beta: float, step: float, seed: int
):
    """Both gradients over ``samples`` random Hamiltonians at one size."""
    opts = dict(samples=samples, beta=beta, seed=seed, executor="serial")
    (row,) = tnbp.qbm_trace_distance_gradient_variance(
        n_visible, [n_hidden], step=step, **opts
    ).to_dict("records")
    row = {k: v for k, v in row.items() if k not in SETTINGS}  # the point's own
    variant = tnbp.qbm_gradient_variance(n_visible, [n_hidden], **opts)
    row["observable_inf_norm_variance"] = float(variant.inf_norm_variance.iloc[0])
    row["observable_inf_norm_variance_se"] = float(variant.inf_norm_variance_se.iloc[0])
    for _, r in variant.iterrows():
        row[f"observable_variance_{r.group}"] = r.variance
        row[f"observable_variance_se_{r.group}"] = r.variance_se
        row[f"observable_num_parameters_{r.group}"] = r.num_parameters
    return row


#: every parameter of a row (the seed is the ensemble's, one per row)
SETTINGS = ("n_visible", "n_hidden", "samples", "beta", "step", "seed")


def points(*, n_visible, hidden, samples, beta, step, seed) -> list[dict]:
    """The sweep's parameter points: one per hidden-unit count."""
    return [
        dict(
            n_visible=n_visible,
            n_hidden=h,
            samples=samples,
            beta=beta,
            step=step,
            seed=seed,
        )
        for h in hidden
    ]


#: the fits of the figure: name -> (variance column, its standard error)
FITS = {
    "fd": ("inf_norm_variance_fd", "inf_norm_variance_se_fd"),
    "exact": ("inf_norm_variance_exact", "inf_norm_variance_se_exact"),
    "observable_hidden": (
        "observable_variance_hidden",
        "observable_variance_se_hidden",
    ),
}


def main(
    *,
    n_visible=DEFAULTS["n_visible"],
    hidden=DEFAULTS["hidden"],
    samples=DEFAULTS["samples"],
    beta=DEFAULTS["beta"],
    step=DEFAULTS["step"],
    seed: int = 0,
    out="results/qbm_hidden_units",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the decay fits (empty below 3 sizes) and the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_visible=n_visible,
            hidden=hidden,
            samples=samples,
            beta=beta,
            step=step,
            seed=seed,
        ),
        out=out,
        task="qbm_hidden_units",
        executor=executor,
        progbar=progbar,
        desc="sizes",
    )
    df = df.sort_values("n_hidden", ignore_index=True)
    fits = (  # none below three hidden-unit counts: a line through two says nothing
        {
            name: tnbp.fit_exponential_decay(df.n_hidden, df[col], variance_err=df[se])
            for name, (col, se) in FITS.items()
        }
        if len(df) >= MIN_FIT_POINTS
        else {}
    )
    fig = plot_qbm_hidden_units(df, out / "qbm_hidden_units.png", fits=fits)
    return df, fits, fig


def cli(
    n_visible: int = study_option("visible qubits", DEFAULTS["n_visible"]),
    hidden: str = study_option(
        "comma-separated hidden-unit counts", DEFAULTS["hidden"]
    ),
    samples: int = study_option("Hamiltonians per size", DEFAULTS["samples"]),
    beta: float = study_option("inverse temperature", DEFAULTS["beta"]),
    step: float = study_option(
        "finite-difference step h of each coefficient", DEFAULTS["step"]
    ),
    out: Path = typer.Option(Path("results/qbm_hidden_units"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (hidden = 1,2,3, 8 samples) in place of the "
        "defaults; options given explicitly override it",
    ),
):
    """Fig. 3c: QBM trace-distance gradients (and the observable variant) vs hidden units."""
    given = dict(
        n_visible=n_visible,
        hidden=hidden,  # the text: StudyOptions reads and checks it
        samples=samples,
        beta=beta,
        step=step,
    )
    # the preset (or the defaults), then every option given explicitly, checked
    # (a bad value is a usage error); the run prints what it used, and on Ctrl-C
    # how many rows are saved and how to resume
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    n = opts.params["n_visible"] + max(opts.params["hidden"])
    if n > MAX_QUBITS:
        opts.refuse(
            f"n_visible + n_hidden = {n} qubits; at most {MAX_QUBITS} run in "
            "reasonable time (one 2^n diagonalization per coefficient: n = 10 "
            "takes over 15 minutes per sample).",
            "n_visible",
            "hidden",
        )
    df, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    fmt = dict(index=False, float_format=lambda x: f"{x:.4g}")
    paper = ["inf_norm_mean_fd", "inf_norm_variance_fd", "inf_norm_variance_exact"]
    typer.echo("Fig. 3c, trace-distance gradient (finite differences and exact):")
    typer.echo(
        df[["n_hidden", "num_parameters", *paper, "max_deviation"]].to_string(**fmt)
    )
    variant = [c for c in df if c.startswith("observable_variance")]
    typer.echo("variant, gradient of <Z_0>:")
    typer.echo(df[["n_hidden", *variant]].to_string(**fmt))
    if not fits:
        typer.echo(
            f"no decay fits: they need at least {MIN_FIT_POINTS} hidden-unit counts"
        )
    else:
        for name, what in (
            ("fd", "Var ||grad T||_inf, finite differences"),
            ("exact", "Var ||grad T||_inf, exact"),
            ("observable_hidden", "variant, hidden-term variance"),
        ):
            typer.echo(
                f"{what} ~ exp(-r n_h): r = {fits[name].rate:.3f} "
                f"+- {fits[name].rate_err:.3f}"
            )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
