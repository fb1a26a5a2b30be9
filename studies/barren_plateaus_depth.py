"""Barren plateaus against depth: a local cost from shallow to deep circuits, exactly, to n = 100.

For the hardware-efficient brick ansatz (RY and RZ on every qubit, then CZ on
alternating bonds; :func:`tnbp.ansatz.hardware_efficient` with
``pattern="brick"``), the local cost of arXiv:2005.12458 (its eq. 4,
:func:`tnbp.observables.local_cost`) and the RY of the middle qubit in the
middle layer (layer ``L // 2``, counted from 0), the exact variance of the
cost derivative over uniformly random angles, against ``n``, at depths that
grow with ``n`` (``L = n/4, n/2, n``) and at a fixed shallow depth. The
variances are exact, with no sampling: the Pauli-transfer chain of
:mod:`tnbp.gradients.pauli_moments` (:func:`tnbp.exact_gradient_variance`,
``engine="auto"``).

Expected (Cerezo et al., arXiv:2001.00550): at fixed depth the local cost
decays polynomially, the parameter seeing O(L) terms of weight
:math:`1/(2n)` each; with ``L`` growing like ``n`` the lightcone of every
term spreads over ``O(L)`` qubits and the variance decays exponentially,
faster for deeper circuits, towards the 2-design value
:func:`tnbp.theory.two_design_gradient_variance` of the whole register (drawn
dashed: the deep limit). ``L = n`` is still far above it and decays more
slowly: that limit needs ``L`` of about ``6n`` (validated at n = 4..10 in
``tests/gradients/test_pauli_moments.py``).

Measured (the defaults, n = 10..100, cutoff 1e-12, 24 min on a loaded 2-core
machine, 8.6 min of it for n = L = 100): every row trusted (``variance_error``
at most 1.4e-7 of the variance), bonds up to 209, the doubled engine within
4.2e-15 where it ran. L = 2: exactly :math:`0.078125/n^2`
(delta AIC 509 for the power law); L = n/4: n^-3.96 or
e^(-0.098 n), the power law weakly preferred (delta AIC 2.8);
L = n/2: e^(-0.146 n) (8.2 for the exponential); L = n: e^(-0.243 n) (20.0),
from 9.6 times the 2-design value at n = 10 to 2.5e19 times it at n = 100
(Var = 2.5e-14).

Trust: the chain drops singular values below ``cutoff`` times the largest
(a study parameter, part of each row's key). Each row carries the rigorous
truncation bound of the chain (``variance_bound``: loose in shallow circuits)
and the change of the variance when rerun at a cutoff ``ERROR_CUTOFF_FACTOR``
times coarser (``variance_error``: the error of the coarser run, an estimate
that errs high for this one), and is ``trusted`` when the bound or that
change is at most ``TRUST_TOLERANCE`` of the variance. Where the
doubled-circuit engine still runs (``n <= REFERENCE_MAX_N`` and ``layers <=
REFERENCE_MAX_LAYERS``) the row also holds its independent exact value and
the relative deviation.

Each (depth, n) is one row of the results store in ``<out>``, and
``<out>/table.csv`` holds every row there, refreshed as rows finish; a rerun
computes only what is missing. Fits, printout and figure
(``<out>/barren_plateaus_depth.png``) use only the rows of the requested
settings. ``--quick`` is a seconds-long preset: it replaces the defaults, and
any option given explicitly overrides it. The run prints the parameters it
used on one line; Ctrl-C stops it with one line that says how many rows are
saved and the command that resumes it (exit status 130).
"""

from __future__ import annotations

import math
import time
import warnings
from pathlib import Path

import numpy as np
import typer

import tnbp
from tnbp import ansatz, observables, theory
from tnbp.ensembles.fits import MIN_FIT_POINTS
from tnbp.plotting import plot_depth_crossover
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2005.12458"
FIGURE = "beyond ED (depth)"

DEFAULTS = dict(
    n_values=(10, 20, 30, 40, 50, 60, 80, 100),
    fractions=(0.25, 0.5, 1.0),
    fixed_layers=(2,),
    cutoff=1e-12,
)
QUICK = dict(n_values=(4, 6, 8), fractions=(0.5, 1.0), fixed_layers=(2,), cutoff=1e-12)
#: the values each parameter allows (checked before any work; a list: each item).
#: The upper end of n is what runs in minutes per row at L = n (measured:
#: n = 100, L = 100, one parameter of <Z Z>: 136 s at cutoff 1e-12).
LIMITS = dict(
    n_values=">= 2 and <= 128",
    fractions="> 0 and <= 2",
    fixed_layers=">= 1",
    cutoff=">= 0 and <= 1e-6",
)

#: the rerun whose change estimates the error (variance_error) is at this
#: many times the cutoff
ERROR_CUTOFF_FACTOR = 100
#: a row is trusted when its bound or its rerun change is within this fraction
TRUST_TOLERANCE = 1e-3
#: where the doubled-circuit engine is run as an independent reference
REFERENCE_MAX_N = 12
REFERENCE_MAX_LAYERS = 4


def layers_for(depth: str, n: int) -> int:
    """Layers of the depth rule ``depth`` (``"0.25n"``, ``"2"``) at ``n`` qubits.

    A growing rule gives ``f n`` rounded half up, and at least one layer.
    """
    if depth.endswith("n"):
        return max(1, math.floor(float(depth[:-1]) * n + 0.5))
    return int(depth)


def depth_rule(fraction: float) -> str:
    """The row label of a depth growing like ``fraction * n`` (``0.25 -> "0.25n"``).

    The shortest form that reads back as ``fraction`` (distinct fractions,
    distinct rules; :func:`layers_for` reads it).
    """
    return f"{float(fraction)!r}".removesuffix(".0") + "n"


def measure(*, depth: str, n: int, cutoff: float) -> dict:
    """Exact Var of the cost derivative by the middle qubit's RY in the middle layer."""
    layers = layers_for(depth, n)
    circ = ansatz.hardware_efficient(n, layers, pattern="brick", seed=0)
    cost = observables.local_cost(range(n))
    # layer L // 2, qubit n // 2, its RY (each layer: RY, RZ on every qubit): the
    # two sweeps of the chain, forward and Heisenberg, run side by side
    parameter = 2 * n * (layers // 2) + 2 * (n // 2)
    start = time.perf_counter()
    with warnings.catch_warnings():  # truncation is recorded in the row
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        m = tnbp.exact_gradient_variance(
            circ,
            cost,
            parameters=parameter,
            cutoff=cutoff,
            # cutoff 0 (nothing dropped) is checked against the noise level
            error_cutoff=max(ERROR_CUTOFF_FACTOR * cutoff, 1e-14),
        )
    seconds = time.perf_counter() - start
    variance = float(m.variance[0])
    bound, error = float(m.variance_bound[0]), float(m.variance_error[0])
    reference = np.nan
    if n <= REFERENCE_MAX_N and layers <= REFERENCE_MAX_LAYERS:
        reference = float(
            tnbp.exact_gradient_variance(
                circ, cost, parameters=parameter, engine="doubled"
            ).variance[0]
        )
    return {
        "layers": layers,
        "parameter": parameter,
        "variance": variance,
        "two_design": theory.two_design_gradient_variance(n, cost),
        "variance_bound": bound,
        "variance_error": error,
        "trusted": bool(
            not m.truncated and min(bound, error) <= TRUST_TOLERANCE * variance
        ),
        "engine": m.engine,
        "max_bond_reached": m.max_bond_reached,
        "discarded_weight": float(np.max(m.discarded_weight)),
        "seconds": seconds,
        "reference": reference,
        "reference_deviation": abs(variance - reference) / reference,
    }


#: every parameter of a row (there is no seed: the variances are exact)
SETTINGS = ("depth", "n", "cutoff")


def points(*, n_values, fractions, fixed_layers, cutoff) -> list[dict]:
    """The sweep's parameter points: every depth rule and qubit number."""
    depths = [depth_rule(f) for f in fractions] + [str(L) for L in fixed_layers]
    return [dict(depth=d, n=n, cutoff=cutoff) for d in depths for n in n_values]


def fit_decays(df) -> dict:
    """Per depth rule: both decay laws in ``n`` and the AIC's verdict between them.

    Returns ``{depth: DecayComparison}`` (:func:`tnbp.compare_decay_laws`)
    for rules with at least :data:`~tnbp.ensembles.fits.MIN_FIT_POINTS`
    qubit numbers.
    """
    return {
        depth: tnbp.compare_decay_laws(g.n, g.variance)
        for depth, g in df.groupby("depth")
        if len(g) >= MIN_FIT_POINTS
    }


def main(
    *,
    n_values=DEFAULTS["n_values"],
    fractions=DEFAULTS["fractions"],
    fixed_layers=DEFAULTS["fixed_layers"],
    cutoff=DEFAULTS["cutoff"],
    out="results/barren_plateaus_depth",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows, the decay fits and the figure path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            fractions=fractions,
            fixed_layers=fixed_layers,
            cutoff=cutoff,
        ),
        out=out,
        task="barren_plateaus_depth",
        executor=executor,
        progbar=progbar,
        desc="variances",
    )
    fig = plot_depth_crossover(df, out / "barren_plateaus_depth.png")
    return df, fit_decays(df), fig


def cli(
    n_values: str = study_option("comma-separated qubit numbers", DEFAULTS["n_values"]),
    fractions: str = study_option(
        "comma-separated depths as fractions of n (L = f n rounded half up)",
        DEFAULTS["fractions"],
    ),
    fixed_layers: str = study_option(
        "comma-separated fixed depths (layers)", DEFAULTS["fixed_layers"]
    ),
    cutoff: float = study_option(
        "relative singular-value cutoff of the Pauli chain", DEFAULTS["cutoff"]
    ),
    out: Path = typer.Option(
        Path("results/barren_plateaus_depth"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (n = 4..8) in place of the defaults; "
        "options given explicitly override it",
    ),
):
    """Exact local-cost gradient variances against n at depths n/4, n/2, n and fixed."""
    given = dict(
        n_values=n_values, fractions=fractions, fixed_layers=fixed_layers, cutoff=cutoff
    )
    opts = StudyOptions.resolve(
        __file__,
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=given,
        limits=LIMITS,
    )
    df, fits, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [
        "depth",
        "n",
        "layers",
        "variance",
        "two_design",
        "variance_bound",
        "variance_error",
        "max_bond_reached",
        "trusted",
        "seconds",
    ]
    typer.echo(
        df.sort_values(["depth", "n"])[shown].to_string(
            index=False, float_format=lambda x: f"{x:.4g}"
        )
    )
    checked = df.reference_deviation.dropna()
    if len(checked):
        typer.echo(
            f"checked against the doubled-circuit engine in {len(checked)} of "
            f"{len(df)} rows: largest relative deviation {checked.max():.1e}"
        )
    if not fits:
        typer.echo(f"no decay fits: they need at least {MIN_FIT_POINTS} qubit numbers")
    for depth, laws in fits.items():
        exp, power = laws.exponential, laws.power_law
        typer.echo(
            f"L = {depth:>6}: Var ~ e^(-{exp.rate:.3f} n) (+- {exp.rate_err:.3f}) or "
            f"n^-{power.exponent:.2f} (+- {power.exponent_err:.2f}); preferred: "
            f"{laws.preferred} (delta AIC {laws.delta_aic:+.1f})"
        )
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
