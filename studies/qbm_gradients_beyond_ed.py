r"""QBM gradients of nearest-neighbour chains to n = 48 on purified MPS: decay with distance, not n.

The beyond-exact-diagonalization extension of arXiv:2010.15968, Fig. 3c
(Theorem 4, Appendix C). A quantum Boltzmann machine :math:`\rho =
e^{-\beta H}/Z` whose Hamiltonian is the random 2-local model of eq. (C1) on
the nearest-neighbour pairs of an open chain (onsite coefficients N(0, 0.01),
offsite N(0, 1); ``tnbp.hamiltonian.random_two_local(n, pairs="nearest")``),
divided by its operator norm as the paper does (exact to 12 qubits, DMRG
beyond: :meth:`tnbp.PauliSum.norm`), at ``beta`` = 1 by default. One visible
qubit, qubit 0 at the end of the chain: every hidden unit lies on one side of
it, so the distance ``d`` of a term from it runs over the whole chain
(``d = 0 .. n - 1``, twice the range of a middle qubit) and each ``d >= 1``
holds the same 12 terms (3 onsite on qubit ``d``, 9 on the bond ``(d - 1,
d)``) for every ``n``; it is also tnbp's QBM convention (visible qubits
first) and that of ``studies/qbm_hidden_units.py``.

What is differentiated, chosen before sampling: the visible objective
:math:`\langle Z_0\rangle` with respect to **every** coefficient of the
normalized Hamiltonian (12 n - 9 of them), for every instance. All of them
come at the cost of four Gibbs states (plus their Richardson companions),
whatever ``n``, from the symmetry of the Kubo-Mori covariance:
:math:`\partial_{\theta_k}\langle Z_0\rangle = \partial_\epsilon\langle
P_k\rangle` under :math:`H \to H + \epsilon Z_0`
(:func:`tnbp.qbm_response_gradient`, five-point stencil in
:math:`\epsilon`, step ``step``), where finite differences parameter by
parameter (the paper's method) would take 2 (12 n - 9) states. Each
derivative carries the error budget of :mod:`tnbp.gradients.qbm_response`:
finite-difference step (five- vs three-point stencil), truncation (the
states' truncation distance), Trotter (Richardson companions). Where ``n <=
dense_max`` the exact gradient of the same Hamiltonian (Duhamel formula,
dense) is computed too, and the table keeps the largest deviation.

The table is reduced per ``(n, d)`` (:func:`tnbp.qbm_gradient_profile_summary`)
to the variance of the derivatives over instances and terms, its jackknife
error, the largest error bound and a ``trusted`` flag (no state with caveats,
bound at most a tenth of the rms derivative, i.e. the variance within 21%),
and per ``n`` the variance of the gradient's infinity-norm, the paper's
quantity. Expected, and what the figure shows: the chain is area-law, so
Theorem 4's 2-design scaling :math:`D_v/D_h` (dashed) does not apply; the
derivatives decay with the distance ``d`` (each step costs about
:math:`\beta/\|H\|` at high temperature), and at fixed ``d`` only through the
normalization (:math:`\|H\| \propto n`), polynomially in ``n``.

Each random Hamiltonian is one row of the results store in ``<out>`` (keyed by
``n``, ``sample`` and every other parameter; per distance ``d <=``
:data:`MAX_DISTANCE` its sums, largest error bound and parts, dense
deviation; the instance's infinity-norm, bond record, norm and wall times),
``<out>/table.csv`` holds every row there, refreshed as rows finish, and a
rerun computes only what is missing. The summary (``<out>/summary.csv``) and
the figure (``<out>/qbm_gradients_beyond_ed.png``) use the rows of the
current settings. ``--quick`` is a seconds-long preset; options given
explicitly override it. Ctrl-C stops the run with one line that says how many
rows are saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

import tnbp
from tnbp.plotting import plot_qbm_gradient_profile
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option
from tnbp.results.schema import QBM_GRADIENT_PROFILE

#: what `tnbp studies` lists: the source paper and the figure it extends
PAPER = "arXiv:2010.15968"
FIGURE = "beyond ED (Fig. 3c)"

#: per instance, the store keeps the distances d = 0..MAX_DISTANCE (beyond,
#: the derivatives are below every error bound: at n = 40, ~1e-10 at d = 5)
MAX_DISTANCE = 6
#: distances whose variance against n is fitted by both decay laws
FIT_DISTANCES = (1, 2)
#: DMRG options of the operator norm beyond 12 qubits (converged to ~3e-9
#: relative at n = 40 against the default bond dimensions, in half the time)
NORM_OPTS = dict(bond_dims=(8, 16, 32), tol=1e-6)
#: the instance columns of a store row, and those kept per distance
INSTANCE = (
    "inf_norm",
    "trusted",
    "truncation_error",
    "max_bond_reached",
    "truncation_distance",
    "hamiltonian_norm",
    "seconds",
    "cpu_seconds",
    "norm_seconds",
)
PER_DISTANCE = (
    "num_parameters",
    "sum",
    "sum_squares",
    "max_abs",
    "error_bound",
    "step_error",
    "trotter_error",
    "dense_deviation",
)

DEFAULTS = dict(
    n_values=(4, 6, 8, 10, 12, 16, 24, 32, 40, 48),
    samples=10,
    beta=1.0,
    step=0.05,
    cutoff=1e-28,
    max_bond=64,
    dense_max=10,
    seed=0,
)
QUICK = dict(
    n_values=(4, 6, 8),
    samples=2,
    beta=1.0,
    step=0.05,
    cutoff=1e-20,
    max_bond=64,
    dense_max=6,
    seed=0,
)
#: the values each parameter allows (checked before any work; a list: each
#: item): a chain needs a hidden qubit, a variance two samples; the derivative
#: at distance d is O(beta^(d+1)), so at small beta they sink under the states'
#: error bounds (measured at beta = 1e-3, n = 6: d = 0, 1 trusted, d >= 2 not),
#: and at beta = 1e-300 the variances underflowed to 0 (the figure's log axis
#: failed after the sweep); the stencil reaches 2 step, and divides by 12 step:
#: below 1e-3 it amplifies the ~1e-16 rounding of each expectation, which the
#: error budget leaves out (tnbp.gradients.qbm_response), past 1e-13 (at step =
#: 1e-300 the gradients overflowed, and the figure failed); dense states stop
#: at 12
LIMITS = dict(
    n_values=">= 2 and <= 128",
    samples=">= 2 and <= 1000",
    beta=">= 1e-3 and <= 50",
    step=">= 1e-3 and <= 0.5",
    cutoff=">= 0 and < 1",
    max_bond=">= 2 and <= 1024",
    dense_max=">= 0 and <= 12",
    seed=">= 0",
)


def measure(
    *,
    n: int,
    sample: int,
    beta: float,
    step: float,
    cutoff: float,
    max_bond: int,
    dense_max: int,
    seed: int,
) -> dict:
    """One random chain: its instance record and per-distance sums, as one store row."""
    table = tnbp.qbm_gradient_profile(
        [n],
        samples=1,
        first_sample=sample,
        beta=beta,
        step=step,
        gibbs_opts=dict(cutoff=cutoff, max_bond=max_bond),
        norm_opts=NORM_OPTS,
        dense_max=dense_max,
        seed=seed,
        executor="serial",
    )
    row = {c: table[c].iloc[0] for c in INSTANCE}
    for _, r in table[table.distance <= MAX_DISTANCE].iterrows():
        row.update({f"{c}_d{r.distance}": r[c] for c in PER_DISTANCE})
    return row


def instances(df: pd.DataFrame) -> pd.DataFrame:
    """The store rows as the tidy table of :func:`tnbp.qbm_gradient_profile` (d <= MAX_DISTANCE)."""
    records = []
    for _, r in df.iterrows():
        for d in range(min(MAX_DISTANCE, int(r.n) - 1) + 1):
            records.append(
                dict(
                    n=int(r.n),
                    n_visible=1,
                    sample=int(r["sample"]),
                    distance=d,
                    **{c: r[f"{c}_d{d}"] for c in PER_DISTANCE},
                    **{c: r[c] for c in INSTANCE},
                    step=r.step,
                    beta=r.beta,
                    backend="mps",
                    seed=str(r.seed),
                )
            )
    return QBM_GRADIENT_PROFILE.frame(records)


#: every parameter of a row
SETTINGS = ("n", "sample", "beta", "step", "cutoff", "max_bond", "dense_max", "seed")


def points(
    *, n_values, samples, beta, step, cutoff, max_bond, dense_max, seed
) -> list[dict]:
    """The sweep's points: one per (n, sample).

    ``dense_max`` enters a point only where it changes the row (``n <=
    dense_max``: the dense check runs), so raising it recomputes only those.
    """
    return [
        dict(
            n=n,
            sample=s,
            beta=beta,
            step=step,
            cutoff=cutoff,
            max_bond=max_bond,
            dense_max=dense_max if n <= dense_max else 0,
            seed=seed,
        )
        for n in n_values
        for s in range(samples)
    ]


def main(
    *,
    n_values=DEFAULTS["n_values"],
    samples=DEFAULTS["samples"],
    beta=DEFAULTS["beta"],
    step=DEFAULTS["step"],
    cutoff=DEFAULTS["cutoff"],
    max_bond=DEFAULTS["max_bond"],
    dense_max=DEFAULTS["dense_max"],
    seed=DEFAULTS["seed"],
    out="results/qbm_gradients_beyond_ed",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the per-(n, d) summary, the decay fits, the figure."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            samples=samples,
            beta=beta,
            step=step,
            cutoff=cutoff,
            max_bond=max_bond,
            dense_max=dense_max,
            seed=seed,
        ),
        out=out,
        task="qbm_gradients_beyond_ed",
        executor=executor,
        progbar=progbar,
        desc="Hamiltonians",
    )
    summary = tnbp.qbm_gradient_profile_summary(instances(df))
    summary.to_csv(out / "summary.csv", index=False)
    fits = decay_fits(summary)
    fig = plot_qbm_gradient_profile(
        summary, out / "qbm_gradients_beyond_ed.png", beta=beta, fits=fits
    )
    return df, summary, fits, fig


def decay_fits(summary: pd.DataFrame) -> dict:
    """Exponential and power-law fits of Var at each of FIT_DISTANCES against n.

    Only trusted rows with a positive variance and error enter (weighted by
    the jackknife errors); a distance with fewer than three such sizes gets no
    fit.
    """
    fits = {}
    for d in FIT_DISTANCES:
        g = summary[
            (summary.distance == d)
            & summary.trusted
            & (summary.variance > 0)
            & (summary.variance_se > 0)
        ]
        if g.n.nunique() >= 3:
            fits[d] = tnbp.compare_decay_laws(
                g.n, g.variance, variance_err=g.variance_se
            )
    return fits


def cli(
    n_values: str = study_option("comma-separated chain lengths", DEFAULTS["n_values"]),
    samples: int = study_option("random Hamiltonians per length", DEFAULTS["samples"]),
    beta: float = study_option("inverse temperature", DEFAULTS["beta"]),
    step: float = study_option("field step of the response stencil", DEFAULTS["step"]),
    cutoff: float = study_option(
        "relative discarded weight per SVD of the Gibbs states", DEFAULTS["cutoff"]
    ),
    max_bond: int = study_option("bond cap of the Gibbs states", DEFAULTS["max_bond"]),
    dense_max: int = study_option(
        "largest n whose exact gradient is also computed", DEFAULTS["dense_max"]
    ),
    seed: int = study_option("root seed of the Hamiltonians", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/qbm_gradients_beyond_ed"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 4, 6, 8, 2 samples, cutoff 1e-20) in place "
        "of the defaults; options given explicitly override it",
    ),
):
    """QBM gradients of nearest-neighbour chains against n and distance, on purified MPS."""
    given = dict(
        n_values=n_values,
        samples=samples,
        beta=beta,
        step=step,
        cutoff=cutoff,
        max_bond=max_bond,
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
    df, summary, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [
        "n",
        "distance",
        "samples",
        "variance",
        "variance_se",
        "rms",
        "error_bound",
        "relative_error",
        "trusted",
        "dense_deviation",
        "max_bond_reached",
    ]
    typer.echo(summary[shown].to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    per_n = summary.drop_duplicates("n")[
        ["n", "inf_norm_variance", "hamiltonian_norm", "seconds", "cpu_seconds"]
    ]
    typer.echo(per_n.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    for d, fit in fits.items():
        typer.echo(f"d = {d}: {fit.describe()}")
    largest = int(summary.n.max())
    top = summary[summary.n == largest]
    trusted = top[top.trusted].distance
    typer.echo(
        f"n = {largest}: distances {', '.join(map(str, trusted))} trusted; "
        f"largest error bound {top.error_bound.max():.2e} (truncation "
        f"{top.truncation_error.max():.1e}, Trotter {top.trotter_error.max():.1e}, "
        f"step {top.step_error.max():.1e}); per gradient {top.seconds.iloc[0]:.1f} s "
        f"wall, {top.cpu_seconds.iloc[0]:.1f} s CPU (norm not included)"
    )
    dense = summary.dense_deviation.dropna()
    if len(dense):
        typer.echo(
            f"vs exact Duhamel gradient (n <= {int(summary.n[dense.index].max())}): "
            f"max |g - exact| = {dense.max():.2e}"
        )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
