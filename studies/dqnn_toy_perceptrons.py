r"""Fig. 3a of arXiv:2005.12458: toy-perceptron DQNNs, exact and sampled, to n = 100.

The network is :class:`tnbp.DQNN` with ``perceptron="toy"``: widths
``(n,) * (hidden + 2)``, every perceptron a SWAP of input qubit ``j`` into
output qubit ``j`` followed by :math:`R_Y(\theta)` on it, all angles uniform.
The paper's closed forms (after its Theorem 1), for the global cost (eq. 3)
and the local cost (eq. 4) with target :math:`|0\cdots0\rangle`:

.. math::

    \mathrm{Var}[\partial_\nu C_G] = \tfrac18 \big(\tfrac38\big)^{n-1},
    \qquad
    \mathrm{Var}[\partial_\nu C_L] = \frac{1}{8n^2},

whatever the number of hidden layers: output qubit ``j`` ends in
:math:`R_Y(\sum_l \theta_j^l)|0\rangle`, and a sum of independent uniform
angles is uniform modulo :math:`2\pi`.

Two routes per ``(hidden, cost)``, on the network's own circuit (all
``n (hidden + 2)`` qubits in the DQNN's interleaved order, SWAPs included,
not the shortcut :func:`tnbp.ansatz.toy_perceptron`):

``exact``
    :func:`tnbp.exact_gradient_variance` (the twirled doubled circuit as an
    MPS) at every ``n`` of ``n_values``; its bond record (largest bond
    reached, truncation) is in the row.
``sample``
    :func:`tnbp.gradient_variance` over ``samples`` random initializations at
    every ``n`` of ``sample_n_values``: dense adjoint gradients while the
    network has at most :data:`DENSE_QUBITS` qubits, else parameter shifts on
    the MPS backend (exact here: the toy network's state stays a product
    state, and the row's ``truncated`` and ``max_discarded_weight`` say so).
    The row has the sample variance, its standard error and
    ``z = (variance - theory) / variance_se``. The global cost's variance is
    a rare-event quantity (:mod:`tnbp.ensembles.circuit_gradients`): beyond
    ``n ~ 6`` a few hundred samples underestimate it and its error, which
    ``variance_reliable`` (effective sample size) flags.

The derivative is by one angle (:func:`parameter_index`): the first layer's
perceptron on the middle qubit, ``j = n // 2``. By the argument above every
angle has the same variance (``tests/gradients/test_dqnn.py`` checks all of
them to n = 20 and the first, middle and last to n = 100); the first layer's
is the one whose derivative passes through every later layer's SWAPs and
rotations (the dissipative transfer the shortcut model lacks), and the middle
qubit sits away from the chain's ends. One angle keeps the exact route at two
doubled-MPS sweeps per row.

Each ``(hidden, cost, estimator, n)`` is one row of the results store in
``<out>``; ``<out>/table.csv`` holds every row there, refreshed as rows
finish, and a rerun computes only what is missing. The printout and the
figure (``<out>/dqnn_toy_perceptrons.png``) use only the requested rows; the
printout ends with the largest relative error of the exact rows against the
closed forms and the largest ``|z|`` of the sampled rows. ``--quick`` is a
seconds-long preset; any option given explicitly overrides it. Ctrl-C stops
the run with one line that says how many rows are saved and the command that
resumes it (exit status 130).

References
----------
.. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
   dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
   128, 180505 (2022), arXiv:2005.12458 (Fig. 3a and the text after Theorem 1).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import typer

import tnbp
from tnbp import theory
from tnbp.ensembles.statistics import MIN_VARIANCE_SE_SAMPLES
from tnbp.plotting import plot_dqnn_toy_variances
from tnbp.results import StudyOptions, executor_option, run_sweep, study_option

#: what `tnbp studies` lists: the source paper and what of it this reproduces
PAPER = "arXiv:2005.12458"
FIGURE = "Fig. 3a"

COSTS = ("global", "local")
THEORY = {
    "global": theory.toy_global_cost_gradient_variance,
    "local": theory.toy_local_cost_gradient_variance,
}
#: Sampled rows run dense (adjoint) up to this many qubits in the network, MPS beyond.
DENSE_QUBITS = 16
DEFAULTS = dict(
    n_values=(*range(2, 11), 12, 15, 20, 25, 30, 40, 50, 60, 75, 100),
    hidden=(0, 1, 3),
    sample_n_values=(2, 3, 4, 6, 8, 10),
    samples=300,
    seed=0,
)
QUICK = dict(
    n_values=(2, 3, 4, 6, 8), hidden=(0, 1), sample_n_values=(2, 3), samples=100, seed=0
)
#: the values each parameter allows (checked before any work; a list: each item).
#: The upper bounds are what runs (measured on a shared core): exact at n = 100
#: with 5 hidden layers (700 qubits) 28 s (global cost); sampled at n = 20 with 3
#: hidden layers ~0.7 s per sample (MPS), at n = 10 ~1.6 s; 2000 samples of a
#: row are then under an hour.
LIMITS = dict(
    n_values=">= 1 and <= 100",
    hidden=">= 0 and <= 5",
    sample_n_values=">= 1 and <= 20",
    samples=">= 2 and <= 2000",
    seed=">= 0",
)
#: every parameter of a row (exact rows have no samples and no seed: None)
SETTINGS = ("hidden", "cost", "estimator", "n", "samples", "seed")


def network(n: int, hidden: int, seed=None) -> tnbp.DQNN:
    """The toy DQNN with ``hidden`` hidden layers of width ``n``."""
    return tnbp.DQNN((n,) * (hidden + 2), "toy", seed=seed)


def parameter_index(n: int, *, hidden: int) -> int:
    """Index of the differentiated angle: layer 1, middle qubit ``j = n // 2``."""
    (k,) = network(n, hidden).perceptrons[n // 2].parameters  # layer 1 comes first
    return k


def _circuit(n, seed, *, hidden):
    return network(n, hidden, seed).circuit


@functools.lru_cache(maxsize=64)  # the same observable for every sample of a row
def _cost(n, *, hidden, cost):
    return network(n, hidden).cost(cost)


def measure(*, hidden: int, cost: str, estimator: str, n: int, samples, seed) -> dict:
    """One row: Var of the derivative by :func:`parameter_index`, its route, its record."""
    ref, k = THEORY[cost](n), parameter_index(n, hidden=hidden)
    if estimator == "exact":
        net = network(n, hidden)
        m = tnbp.exact_gradient_variance(net.circuit, net.cost(cost), parameters=[k])
        row = dict(
            backend="doubled_mps",
            variance=float(m.variance[0]),
            variance_se=np.nan,
            variance_reliable=True,
            max_bond_reached=m.max_bond_reached,
            max_discarded_weight=np.nan,
            truncated=m.truncated,
        )
    else:
        backend = "dense" if n * (hidden + 2) <= DENSE_QUBITS else "mps"
        df = tnbp.gradient_variance(
            functools.partial(_circuit, hidden=hidden),
            [n],
            observable=functools.partial(_cost, hidden=hidden, cost=cost),
            samples=samples,
            parameters=[k],
            backend=backend,
            sim_opts={"cutoff": 0.0} if backend == "mps" else None,
            executor="serial",
            seed=seed,
            inf_norm=False,
        )
        (r,) = df.itertuples()
        row = dict(
            backend=backend,
            variance=float(r.variance),
            variance_se=float(r.variance_se),
            variance_reliable=bool(r.variance_reliable),
            max_bond_reached=np.nan,  # gradient_variance keeps no bond record
            max_discarded_weight=float(r.max_discarded_weight),
            truncated=bool(r.untrusted_runs > 0),
        )
    return dict(
        row,
        parameter=k,
        theory=ref,
        relative_error=abs(row["variance"] / ref - 1),
        z=(row["variance"] - ref) / row["variance_se"],
    )


def points(*, n_values, hidden, sample_n_values, samples, seed) -> list[dict]:
    """The sweep's points: exact at ``n_values``, sampled at ``sample_n_values``."""
    out = []
    for h in hidden:
        for cost in COSTS:
            out += [
                dict(
                    hidden=h, cost=cost, estimator="exact", n=n, samples=None, seed=None
                )
                for n in n_values
            ]
            out += [
                dict(
                    hidden=h,
                    cost=cost,
                    estimator="sample",
                    n=n,
                    samples=samples,
                    seed=seed,
                )
                for n in sample_n_values
            ]
    return out


def main(
    *,
    n_values=DEFAULTS["n_values"],
    hidden=DEFAULTS["hidden"],
    sample_n_values=DEFAULTS["sample_n_values"],
    samples=DEFAULTS["samples"],
    seed=DEFAULTS["seed"],
    out="results/dqnn_toy_perceptrons",
    executor="serial",
    progbar=True,
):
    """Run the sweep; return its rows and the figure's path."""
    out = Path(out)
    df = run_sweep(
        measure,
        points(
            n_values=n_values,
            hidden=hidden,
            sample_n_values=sample_n_values,
            samples=samples,
            seed=seed,
        ),
        out=out,
        task="dqnn_toy_perceptrons",
        executor=executor,
        progbar=progbar,
        desc="variances",
    )
    fig = plot_dqnn_toy_variances(df, out / "dqnn_toy_perceptrons.png")
    return df, fig


def summary(df) -> list[str]:
    """The closing lines: worst exact relative error, worst sampled ``|z|``, timings."""
    lines = []
    exact = df[df.estimator == "exact"]
    if len(exact):
        w = exact.loc[exact.relative_error.idxmax()]
        lines.append(
            f"exact: max relative error vs theory {w.relative_error:.2e} "
            f"(n={w.n}, hidden={w.hidden}, {w.cost}) over {len(exact)} rows; "
            f"largest doubled-MPS bond {int(exact.max_bond_reached.max())}, "
            f"truncated rows {int(exact.truncated.sum())}"
        )
        big = exact[exact.n == exact.n.max()]
        lines += [
            f"exact at n={r.n}, hidden={r.hidden} ({r.n * (r.hidden + 2)} qubits), "
            f"{r.cost}: {r.wall_time:.2f} s"
            for r in big.itertuples()
        ]
    sampled = df[df.estimator == "sample"]
    if len(sampled):
        z = sampled.z.abs()
        if z.notna().any():
            w = sampled.loc[z.idxmax()]
            deviation = (
                f"max |z| = {abs(w.z):.2f} standard errors (n={w.n}, "
                f"hidden={w.hidden}, {w.cost})"
            )
        else:  # 2 or 3 samples: a variance (plotted), but no standard error
            deviation = (
                f"no z (the standard error of a sample variance, from its fourth "
                f"moment, needs {MIN_VARIANCE_SE_SAMPLES} samples; these rows have "
                f"{int(sampled.samples.min())})"
            )
        lines.append(
            f"sampled: {deviation} over {len(sampled)} rows; max relative "
            f"error {sampled.relative_error.max():.2e}; unreliable (low ESS) rows "
            f"{int((~sampled.variance_reliable.astype(bool)).sum())}"
        )
    return lines


def cli(
    n_values: str = study_option(
        "comma-separated n of the exact rows", DEFAULTS["n_values"]
    ),
    hidden: str = study_option(
        "comma-separated hidden-layer counts", DEFAULTS["hidden"]
    ),
    sample_n_values: str = study_option(
        "comma-separated n of the sampled rows", DEFAULTS["sample_n_values"]
    ),
    samples: int = study_option(
        "random initializations per sampled row", DEFAULTS["samples"]
    ),
    seed: int = study_option("root seed of the sampled rows", DEFAULTS["seed"]),
    out: Path = typer.Option(
        Path("results/dqnn_toy_perceptrons"), help="output folder"
    ),
    executor: str = executor_option(),
    quick: bool = typer.Option(
        False,
        help="seconds-long preset (exact n <= 8, sampled n <= 3, 0 and 1 hidden "
        "layers, 100 samples) in place of the defaults; options given "
        "explicitly override it",
    ),
):
    """Fig. 3a: toy-perceptron DQNN gradient variances against the closed forms."""
    given = dict(
        n_values=n_values,
        hidden=hidden,
        sample_n_values=sample_n_values,
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
    df, fig = opts.run(main, out=out, echo=typer.echo, executor=executor)
    shown = [
        "n",
        "hidden",
        "cost",
        "estimator",
        "backend",
        "variance",
        "variance_se",
        "theory",
        "relative_error",
        "z",
        "max_bond_reached",
        "truncated",
    ]
    # .6g: 0.046874999... and the closed form 0.046875 print alike (.4g: 0.04687
    # beside 0.04688)
    typer.echo(df[shown].to_string(index=False, float_format=lambda x: f"{x:.6g}"))
    for line in summary(df):
        typer.echo(line)
    typer.echo(opts.outputs(df, out, fig))


if __name__ == "__main__":
    typer.run(cli)
