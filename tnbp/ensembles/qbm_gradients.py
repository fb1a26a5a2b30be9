"""QBM gradient statistics over random Hamiltonians, against the number of hidden units.

arXiv:2010.15968 (Sec. V, Fig. 3c): for a Gibbs state of a random 2-local
Hamiltonian (eq. C1, normalized by its operator norm), derivatives of a visible
objective :math:`\\mathrm{Tr}(O_v\\rho_v)` with respect to coefficients of terms
that touch hidden qubits shrink exponentially with the number of hidden units,
while those of purely visible terms need not. :func:`qbm_gradient_variance`
measures both groups and the gradient's infinity-norm.

Sample ``s`` at ``n_hidden`` uses ``SeedSequence(entropy, spawn_key=(n_hidden, s))``,
so results do not depend on the executor or its worker count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._checks import check_beta, check_int
from ..gradients.qbm import METHODS, observable_gradient
from ..models.hamiltonian import random_two_local
from ..models.qbm import QBM
from .engine import executor_scope
from .statistics import variance_standard_error

GROUPS = ("visible", "hidden")


def _qbm_task(n_visible, n_hidden, entropy, sample_ids, opts):
    """Gradients for the samples ``sample_ids`` at ``n_hidden`` (runs in a worker)."""
    n = n_visible + n_hidden
    rows = []
    for s in sample_ids:
        rng = np.random.default_rng(
            np.random.SeedSequence(entropy, spawn_key=(n_hidden, s))
        )
        H = random_two_local(
            n,
            onsite_std=opts["onsite_std"],
            offsite_std=opts["offsite_std"],
            pairs=opts["pairs"],
            seed=rng,
        )
        if opts["normalize"]:
            H = H.normalized()
        qbm, theta = QBM.from_hamiltonian(H, range(n_visible), beta=opts["beta"])
        grad = observable_gradient(
            qbm,
            theta,
            opts["observable"],
            method=opts["method"],
            backend=opts["backend"],
            step=opts["step"],
            gibbs_opts=opts["gibbs_opts"],
        )
        hidden = np.array([any(q >= n_visible for q in qs) for _, qs in qbm.generators])
        rows.append((s, grad[~hidden], grad[hidden], float(np.abs(grad).max())))
    return n_hidden, rows


def qbm_gradient_variance(
    n_visible: int,
    hidden_values,
    *,
    samples: int = 100,
    observable=None,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    pairs: str = "all",
    normalize: bool = True,
    method: str = "exact",
    backend: str = "dense",
    step: float = 1e-3,
    gibbs_opts: dict | None = None,
    seed: int | None = None,
    executor=None,
    chunk_size: int = 4,
    progbar: bool = False,
) -> pd.DataFrame:
    """QBM gradients :math:`\\partial_k\\mathrm{Tr}(O_v\\rho_v)` against the hidden-unit count.

    Parameters
    ----------
    n_visible : int
        Visible qubits ``0..n_visible-1``.
    hidden_values : sequence of int
        Numbers of hidden qubits (appended after the visible ones).
    samples : int, optional
        Random Hamiltonians per hidden-unit count.
    observable : list of (coeff, pauli, qubits), optional
        :math:`O_v` on visible qubits (default :math:`Z_0`).
    beta, onsite_std, offsite_std, pairs, normalize
        The model: :func:`tnbp.hamiltonian.random_two_local` (normalized by its
        operator norm when ``normalize``) at inverse temperature ``beta``; its
        coefficients are the parameters at which the gradient is taken.
    method, backend, step, gibbs_opts
        Passed to :func:`tnbp.qbm.observable_gradient`.
    seed, executor, chunk_size, progbar
        As in :func:`tnbp.gradient_variance`.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n_hidden, group)``, ``group`` being ``"visible"`` (terms
        on visible qubits only) or ``"hidden"`` (terms touching a hidden
        qubit): ``mean``, ``variance`` and ``variance_se`` of the derivatives
        pooled over the group's parameters and the samples, ``num_parameters``;
        per ``n_hidden``: ``inf_norm_mean``, ``inf_norm_variance``,
        ``inf_normvariance_standard_error``; and ``samples``, ``method``, ``backend``, ``seed``.
        (The pooled standard error treats derivatives as independent; those of
        one sample are correlated, so read it as indicative.)
    """
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    hidden_values = [check_int(h, "hidden_values", minimum=0) for h in hidden_values]
    if not hidden_values:
        raise ValueError("`hidden_values` must not be empty.")
    samples = check_int(samples, "samples", minimum=1)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}, got {method!r}.")
    opts = dict(
        observable=observable or [(1.0, "Z", (0,))],
        beta=check_beta(beta),
        onsite_std=onsite_std,
        offsite_std=offsite_std,
        pairs=pairs,
        normalize=bool(normalize),
        method=method,
        backend=backend,
        step=step,
        gibbs_opts=gibbs_opts,
    )
    entropy = np.random.SeedSequence(seed).entropy
    with executor_scope(executor, opts, "`observable`") as pool:
        futures = [
            pool.submit(
                _qbm_task,
                n_visible,
                h,
                entropy,
                list(range(start, min(start + chunk_size, samples))),
                opts,
            )
            for h in hidden_values
            for start in range(0, samples, chunk_size)
        ]
        results: dict[int, list] = {h: [] for h in hidden_values}
        with tqdm(total=len(futures), disable=not progbar, desc="qbm gradients") as bar:
            for fut in futures:
                h, rows = fut.result()
                results[h].extend(rows)
                bar.update()
    table = []
    for h in hidden_values:
        rows = sorted(results[h], key=lambda r: r[0])
        norms = np.array([r[3] for r in rows])
        common = dict(
            n_hidden=h,
            samples=len(rows),
            inf_norm_mean=float(norms.mean()),
            inf_norm_variance=float(norms.var(ddof=1)) if len(rows) > 1 else np.nan,
            inf_normvariance_standard_error=variance_standard_error(norms),
            method=method,
            backend=backend,
            seed=str(entropy),
        )
        for col, group in enumerate(GROUPS, start=1):
            g = np.concatenate([r[col] for r in rows])
            if g.size == 0:
                continue
            table.append(
                dict(
                    common,
                    group=group,
                    num_parameters=g.size // len(rows),
                    mean=float(g.mean()),
                    variance=float(g.var(ddof=1)) if g.size > 1 else np.nan,
                    variance_se=variance_standard_error(g),
                )
            )
    columns = ["n_hidden", "group", "mean", "variance", "variance_se", "samples"]
    df = pd.DataFrame(table)
    return df[columns + [c for c in df.columns if c not in columns]]
