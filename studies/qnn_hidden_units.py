"""Unitary QNNs: variance of the fidelity gradient against the number of hidden units.

arXiv:2010.15968, Fig. 3b (Sec. VII, Theorem 3): the unitary QNN
:math:`U(\\theta) = \\prod_k e^{-i\\theta_k H_k}` of eq. (1), its generators every
term of the random 2-local Hamiltonian of eq. (C1) once, in a random order,
its angles :math:`\\theta_k \\sim U[0, 1)` (:func:`tnbp.ansatz.unitary_qnn`),
acts on :math:`|0\\cdots0\\rangle` of ``n_visible`` visible qubits (the first
ones) and ``n_hidden`` hidden ones. The cost is the fidelity
:math:`F(\\rho_v, \\sigma)` of the visible state with a fixed thermal target
:math:`\\sigma = e^{-\\beta H_v}/Z`, :math:`H_v` a random 2-local Hamiltonian on
the visible qubits (onsite N(0, 0.01), offsite N(0, 1); drawn once from
``seed``, :func:`tnbp.random_thermal_target`). For each hidden-unit count,
over ``samples`` random QNNs (dense statevectors), the gradient of :math:`F`
with respect to the paper's :math:`\\theta_k`:

- by forward finite differences :math:`[F(\\theta + h e_k) - F(\\theta)]/h`,
  step ``step``, as in the paper;
- exactly (adjoint differentiation through the chain rule of :math:`F`),
  beside it, with the largest deviation between the two;

then the variance over instances of the gradient's infinity-norm, and a
least-squares exponential fit of it against ``n_hidden``
(:func:`tnbp.fidelity_gradient_variance`). Theorem 3 bounds the derivatives
by :math:`O(\\sqrt{D_v/D_h})`, so the variances fall at least as
:math:`D_v/D_h`: the figure draws that slope (rate :math:`\\ln 2`) beside the
fit. Hidden-unit counts start at ``n_visible``: with fewer, the visible state
of a pure state has rank below the target's and :math:`F` is not
differentiable.

Two visible qubits by default: with one, :math:`H_v` has only its N(0, 0.01)
onsite terms, :math:`\\sigma` is within about 0.1 of :math:`I/2`, and the
gradient vanishes to second order as :math:`\\rho_v \\to I/2` (a faster decay
that says more about the target than about the hidden units).

One row per hidden-unit count goes to the results store in ``<out>`` (keyed by
n_visible, n_hidden, samples, beta, step and seed), and ``<out>/table.csv``
holds every row there, refreshed as rows finish; a rerun computes only what is
missing. The fits, printout and figure (``<out>/qnn_hidden_units.png``) use
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
from tnbp.plotting import plot_fidelity_hidden_units
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and the figure it reproduces
PAPER = "arXiv:2010.15968"
FIGURE = "Fig. 3b"

#: the full preset: the paper's 1000 instances per point
DEFAULTS = dict(n_visible=2, hidden=(2, 3, 4, 5, 6), samples=1000, beta=1.0, step=1e-3)
QUICK = dict(n_visible=2, hidden=(2, 3, 4), samples=12, beta=1.0, step=1e-3)
#: the values each parameter allows (checked before any work; a list: each item):
#: the standard error of a variance (the fits' weights) needs four samples;
#: fewer hidden than visible qubits leave F without a gradient (rank-deficient
#: rho_v); dense statevectors, and one shifted state per parameter, keep
#: n_visible + n_hidden small. The forward difference's error is O(step) plus
#: the rounding of F over step (~1e-16 / step): from 1e-8, where the two meet
#: (measured at n_v = 2, n_h = 2..6: max deviation from the exact gradient
#: 7e-5 at step 1e-4, 4e-7 at 1e-7, 5e-5 at 1e-9; at step = 1e-300 every
#: gradient was 0 and the fit raised). At most ten times the paper's 1000
#: samples: at n_v + n_h = 12 a sample takes ~8 s (measured on a loaded shared
#: core), so 10^4 of them about a day (10^6 ran for ever)
LIMITS = dict(
    n_visible=">= 1 and <= 4",
    hidden=">= n_visible and <= 10",
    samples=">= 4 and <= 10000",
    beta=">= 0",
    step=">= 1e-8 and <= 0.1",
)


def measure(
    *, n_visible: int, n_hidden: int, samples: int, beta: float, step: float, seed: int
):
    """Both gradients over ``samples`` random QNNs at one size."""
    target = tnbp.random_thermal_target(n_visible, beta=beta, seed=seed)
    (row,) = tnbp.fidelity_gradient_variance(
        n_visible,
        [n_hidden],
        target=target,
        samples=samples,
        step=step,
        seed=seed,
        executor="serial",
    ).to_dict("records")
    return {k: v for k, v in row.items() if k not in SETTINGS}  # the point's own


#: every parameter of a row (the seed is the ensemble's, one per row)
SETTINGS = ("n_visible", "n_hidden", "samples", "beta", "step", "seed")

#: the fits of the figure: name -> (variance column, its standard error)
FITS = {
    "fd": ("inf_norm_variance_fd", "inf_norm_variance_se_fd"),
    "exact": ("inf_norm_variance_exact", "inf_norm_variance_se_exact"),
}


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


def main(
    *,
    n_visible=DEFAULTS["n_visible"],
    hidden=DEFAULTS["hidden"],
    samples=DEFAULTS["samples"],
    beta=DEFAULTS["beta"],
    step=DEFAULTS["step"],
    seed: int = 0,
    out="results/qnn_hidden_units",
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
        task="qnn_hidden_units",
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
    fig = plot_fidelity_hidden_units(df, out / "qnn_hidden_units.png", fits=fits)
    return df, fits, fig


def cli(
    n_visible: int = study_option("visible qubits", DEFAULTS["n_visible"]),
    hidden: str = study_option(
        "comma-separated hidden-unit counts", DEFAULTS["hidden"]
    ),
    samples: int = study_option("random QNNs per size", DEFAULTS["samples"]),
    beta: float = study_option(
        "inverse temperature of the thermal target", DEFAULTS["beta"]
    ),
    step: float = study_option(
        "finite-difference step h of each angle theta_k (radians)", DEFAULTS["step"]
    ),
    out: Path = typer.Option(Path("results/qnn_hidden_units"), help="output folder"),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (hidden = 2,3,4, 12 samples) in place of the "
        "defaults; options given explicitly override it",
    ),
):
    """Fig. 3b: variance of the unitary QNN's fidelity gradient vs hidden units."""
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
    df, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    columns = [
        "n_hidden",
        "num_parameters",
        "fidelity_mean",
        "inf_norm_mean_fd",
        "inf_norm_variance_fd",
        "inf_norm_variance_exact",
        "max_deviation",
    ]
    typer.echo(df[columns].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    if not fits:
        typer.echo(
            f"no decay fits: they need at least {MIN_FIT_POINTS} hidden-unit counts"
        )
    else:
        for name, what in (("fd", "finite differences"), ("exact", "exact")):
            typer.echo(
                f"Var ||grad F||_inf ({what}) ~ exp(-r n_h): r = "
                f"{fits[name].rate:.3f} +- {fits[name].rate_err:.3f}"
            )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
