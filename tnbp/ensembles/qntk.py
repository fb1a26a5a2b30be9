r"""QNTK ensembles: the kernel and meta-kernel over random circuits, against L and N.

Liu, Lin and Jiang [1]_ average the QNTK :math:`K = \sum_\ell
(\partial\varepsilon/\partial\theta_\ell)^2` (eq. 18) of a circuit
:math:`U = \prod_\ell W_\ell e^{i\theta_\ell X_\ell}` (eq. 15) whose parts
before and after each rotation, :math:`V_{+,\ell}` and :math:`V_{-,\ell}`
(eq. 21), are independent 2-designs:

.. math::

    \bar K = L\,(N\,\mathrm{Tr}\,O^2 - \mathrm{Tr}^2 O)\frac{2}{(N+1)(N^2-1)}
    \approx \frac{2L\,\mathrm{Tr}\,O^2}{N^2},
    \qquad
    \Delta K \approx \frac{\sqrt L}{N^2}\sqrt{8\,\mathrm{Tr}^2 O^2 + 12\,\mathrm{Tr}\,O^4},

(eqs. 22, 23), so :math:`\Delta K/\bar K = O(1/\sqrt L)`, and for the
meta-kernel :math:`\mu` (eq. 50) :math:`\mathbb E\mu = 0`,
:math:`\Delta\mu = \sqrt{\mathbb E\mu^2} \approx \sqrt{32}\,L\,
\mathrm{Tr}^{3/2}(O^2)/N^3` (eq. 51), with :math:`L` parameters on
:math:`n` qubits, :math:`N = 2^n`.

:func:`qntk_ensemble` draws ``samples`` circuits ``build(n, layers, seed=rng)``
per size ``(n, layers)`` and records, per instance, :math:`K`
(:func:`tnbp.qntk`), optionally :math:`\mu` (:func:`tnbp.meta_kernel`) and
:math:`\langle O\rangle`; :func:`qntk_summary` turns that table into the
mean of :math:`K` with its standard error and confidence interval, the
spread :math:`\Delta K` with its error, the concentration
:math:`\Delta K/\bar K`, the mean and root mean square of :math:`\mu`, each
beside the paper's formula (:mod:`tnbp.references.theory`).

Convention: every number here is in tnbp's angles (rotations
:math:`e^{-i\theta P/2}`): the paper's :math:`e^{i\theta X}` gives
:math:`4K`, :math:`4\Delta K`, :math:`16\mu` (:func:`tnbp.theory.to_paper_convention`),
and the theory columns are converted to tnbp's angles the same way.

Which circuits satisfy the assumption: :func:`tnbp.ansatz.design_rotations`,
eq. 15 itself with every :math:`W_\ell` an exact 2-design (a uniformly random
Clifford on all qubits, then Haar-random single-qubit gates), makes
:math:`V_{\pm,\ell}` 2-designs for every :math:`\ell`, so its mean QNTK is
eq. 22's exact form at every :math:`n` and :math:`L`. A layered
hardware-efficient circuit is not: 16 layers of :math:`R_Y R_Z` + CZ at
:math:`n = 2` average 6.5 % below eq. 22, because 4 of its 64 derivatives
vanish identically for :math:`O = Z_0` (gates after the last CZ that
:math:`Z_0` does not see).

Eqs. 23 and 51 are large-:math:`N` forms that also take the :math:`V`'s of
different rotations independent, which no circuit has: every derivative
sees the same output state. For :math:`O^2 = 1`, :math:`K` behaves like
:math:`K_{\max}(1 - \langle O\rangle^2)` (correlation of :math:`K` with
:math:`\langle O\rangle^2` from :math:`-0.6` to :math:`-0.9` at
:math:`L = 8N..16N`: the column ``kernel_expectation_correlation``), so the
spread of :math:`\langle O\rangle^2` (of order :math:`1/N`) is common to all
:math:`L` terms: :math:`\Delta K` grows like :math:`L` rather than
:math:`\sqrt L` once :math:`L \gtrsim N`, and :math:`\Delta K/\bar K`
levels off near :math:`1/N` instead of falling like :math:`1/\sqrt L`.
Likewise :math:`\mu = \tfrac12 g\cdot\nabla K \approx -K_{\max}\langle
O\rangle K` (correlation :math:`-0.99` at :math:`n = 2, 3`, :math:`L = 64`),
whose spread grows like :math:`L^2` where eq. 51 has :math:`L`. Eq. 23
therefore holds from :math:`L \gg 1` up to :math:`L` of a few :math:`N`
(within 10 % at :math:`n = 4`, :math:`L = 8..64 = 4N`; 19 % high at
:math:`L = 256 = 16N`), and the
measured :math:`\Delta\mu` is 1.3-2.3 times eq. 51 where :math:`L \le N`
and far above it beyond (``docs/validation.md``).

The ensemble runs on :mod:`tnbp.ensembles.engine`: instance ``s`` of size
``(n, layers)`` gets the seed ``SeedSequence(entropy, spawn_key=(n, layers,
s))``, so the table depends on neither the executor, nor the chunking, nor
which other sizes are in the run.

References
----------
.. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
   machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
   arXiv:2206.09313 (eqs. 15, 18, 21-23, 49-51).
.. [2] J. Liu, F. Tacchino, J. R. Glick, L. Jiang and A. Mezzacapo,
   "Representation learning via quantum neural tangent kernels", PRX Quantum
   3, 030323 (2022), arXiv:2111.04225 (the derivations of eqs. 22-23).
"""

from __future__ import annotations

import dataclasses
import functools
import numbers

import numpy as np
import pandas as pd

from .._checks import (
    as_seed_sequence,
    check_bitstring,
    check_int,
    check_opt,
    check_size_pairs,
)
from ..estimators.expectation import expectation_value
from ..gradients.api import check_method
from ..gradients.qntk import HVP_METHODS, meta_kernel, qntk
from ..models.circuit import Circuit
from ..models.operators import as_observable
from ..references import theory
from ..results.schema import QNTK_ENSEMBLE, QNTK_SUMMARY
from ..states.simulate import simulate
from .engine import Chunk, check_samples, chunks, run_tasks, seed_label
from .statistics import mean_interval, variance_standard_error


@dataclasses.dataclass(frozen=True)
class QNTKSample:
    r"""What one random instance contributes to the table.

    Attributes
    ----------
    num_parameters : int
        :math:`L`, the instance's trainable angles.
    kernel : float
        :math:`K` (eq. 18), tnbp's angles, (units of :math:`O`)\ :sup:`2`
        per radian\ :sup:`2`.
    meta_kernel : float
        :math:`\mu` (eq. 50), tnbp's angles, (units of :math:`O`)\ :sup:`3`
        per radian\ :sup:`4`; NaN when not computed.
    expectation : float
        :math:`\langle O\rangle` at the instance's angles, units of :math:`O`.
    """

    num_parameters: int
    kernel: float
    meta_kernel: float
    expectation: float


def _of_n(spec, n: int):
    """``spec(n)`` for a callable, else ``spec``."""
    return spec(n) if callable(spec) else spec


def _qntk_task(
    chunk: Chunk, seeds, *, build, observable, initial, opts, meta, hvp
) -> list[QNTKSample]:
    """K (and mu, <O>) of the random instances of one chunk of one size."""
    n, layers = chunk.group
    obs, init = _of_n(observable, n), _of_n(initial, n)
    rows = []
    for seed in seeds:
        circuit = build(n, layers, seed=np.random.default_rng(seed))
        if not isinstance(circuit, Circuit) or circuit.n != n:
            raise TypeError(
                "`build` must return a tnbp.Circuit on n qubits, got "
                f"{circuit!r:.80} at n={n}, layers={layers}."
            )
        if circuit.num_parameters == 0:
            raise ValueError(
                f"`build` returned a circuit with no trainable angle at n={n}, "
                f"layers={layers}: its QNTK is empty."
            )
        kernel = qntk(circuit, obs, initial=init, **opts)
        mu = (
            meta_kernel(circuit, obs, hvp=hvp, initial=init, **opts)
            if meta
            else float("nan")
        )
        state = simulate(
            circuit, backend=opts["backend"], initial=init, **(opts["sim_opts"] or {})
        )
        rows.append(
            QNTKSample(
                circuit.num_parameters,
                kernel,
                mu,
                float(expectation_value(state, obs)),
            )
        )
    return rows


def qntk_ensemble(
    build,
    sizes,
    *,
    observable,
    samples: int = 200,
    meta: bool = False,
    hvp: str = "difference",
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial=None,
    seed=None,
    executor=None,
    chunk_size: int = 8,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""The QNTK (and meta-kernel) of random circuits, one row per instance.

    Parameters
    ----------
    build : callable
        ``build(n, layers, seed=rng)`` returns a random :class:`~tnbp.Circuit`
        on ``n`` qubits, e.g. :func:`tnbp.ansatz.design_rotations` (eq. 15
        with Clifford 2-design blocks: ``layers`` rotations, the circuit of
        the paper's assumption) or
        ``lambda n, layers, seed: tnbp.ansatz.hardware_efficient(n, layers, seed=seed)``.
    sizes : sequence of (int, int)
        Distinct ``(n, layers)`` pairs, each entry ``>= 1``, e.g.
        ``[(4, L) for L in (4, 16, 64)] + [(n, 16) for n in (2, 3, 5)]``.
    observable : Observable, list of (coeff, pauli, qubits) or callable
        :math:`O`; a callable is called as ``observable(n)``.
    samples : int, optional
        Random instances per size, ``>= 1``.
    meta : bool, optional
        Also compute the meta-kernel :math:`\mu` (:func:`tnbp.meta_kernel`,
        about three times the cost of :math:`K`); else its column is NaN.
    hvp : {"difference", "shift"}, optional
        How :func:`tnbp.meta_kernel` forms :math:`Hg` (``"difference"``: two
        gradients, error below :math:`10^{-10} L^2 |g|^2 \|O\|`; ``"shift"``:
        exact, :math:`2L` gradients).
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.qntk`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`tnbp.qntk` (None: the backend's best, recorded in the
        table).
    sim_opts : dict, optional
        As in :func:`tnbp.qntk` (dense and mps only); also used for the
        simulation behind ``expectation``.
    initial : str or callable, optional
        Initial bitstring (default all zeros), or a callable of ``n``.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root of all random draws; instance ``s`` of size ``(n, layers)`` gets
        ``build(n, layers, seed=default_rng(SeedSequence(entropy,
        spawn_key=(n, layers, s))))``.
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`tnbp.gradient_variance`; the table does not depend on it.
    chunk_size : int, optional
        Instances per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over instances.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, layers, sample)``, sizes in the order given, with
        the columns of :data:`tnbp.results.schema.QNTK_ENSEMBLE`: ``n, layers,
        sample, num_parameters, kernel, meta_kernel, expectation, method,
        backend, seed``; :math:`K` and :math:`\mu` in tnbp's angles (the
        paper's convention gives :math:`4K` and :math:`16\mu`).

    Raises
    ------
    TypeError
        If ``build`` is not callable or returns something other than a
        :class:`~tnbp.Circuit` on ``n`` qubits, ``sizes`` is not a sequence of
        pairs of ints, ``samples`` or ``chunk_size`` is not an int, ``meta``
        is not a bool, ``observable`` is not an observable, ``initial`` is not
        a string, ``seed`` has the wrong type, or ``executor`` is not one of
        the choices.
    ValueError
        If ``sizes`` is empty, repeats a pair or holds an entry below 1,
        ``samples`` or ``chunk_size`` is below 1, ``samples`` is above
        :data:`tnbp.limits.MAX_SAMPLES`, ``observable`` acts outside the
        register at some ``n``, ``initial`` has the wrong length or
        characters, ``hvp``, ``method`` or ``backend`` is not one of the
        options (or ``method`` does not run on ``backend``), or ``seed`` is
        negative: all before any instance runs. Errors of ``build`` or of
        ``sim_opts`` are raised by the first task that meets them.

    See Also
    --------
    qntk_summary : Means, spreads and their errors beside eqs. 22, 23 and 51.
    tnbp.ansatz.design_rotations : The circuit of the paper's assumption.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 15, 18, 50).

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.qntk_ensemble(
    ...     tnbp.ansatz.design_rotations, [(2, 4), (3, 4)],
    ...     observable=[(1.0, "Z", (0,))], samples=3, seed=0, executor="serial")
    >>> df[["n", "layers", "sample", "num_parameters"]].to_numpy().tolist()
    [[2, 4, 0, 4], [2, 4, 1, 4], [2, 4, 2, 4], [3, 4, 0, 4], [3, 4, 1, 4], [3, 4, 2, 4]]
    """
    if not callable(build):
        raise TypeError(
            "`build` must be a callable build(n, layers, seed=rng) -> Circuit."
        )
    sizes = check_size_pairs(sizes)
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if not isinstance(meta, (bool, np.bool_)):
        raise TypeError(f"`meta` must be a bool, got {meta!r}.")
    check_opt("hvp", hvp, HVP_METHODS)
    method = check_method(method, backend)
    for n in sorted({n for n, _ in sizes}):  # every observable and initial now
        as_observable(_of_n(observable, n), n)
        check_bitstring(_of_n(initial, n), n)
    opts = dict(backend=backend, method=method, sim_opts=sim_opts)
    root = as_seed_sequence(seed)
    results = run_tasks(
        functools.partial(
            _qntk_task,
            build=build,
            observable=observable,
            initial=initial,
            opts=opts,
            meta=bool(meta),
            hvp=hvp,
        ),
        chunks(sizes, samples, chunk_size),
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="qntk",
        payload="`build`, `observable` and `initial`",
    )
    labels = dict(method=method, backend=backend, seed=seed_label(root))
    return QNTK_ENSEMBLE.frame(
        dict(
            n=n,
            layers=layers,
            sample=s,
            num_parameters=row.num_parameters,
            kernel=row.kernel,
            meta_kernel=row.meta_kernel,
            expectation=row.expectation,
            **labels,
        )
        for (n, layers), rows in results.items()
        for s, row in enumerate(rows)
    )


def _std_and_error(x: np.ndarray) -> tuple[float, float]:
    """Sample standard deviation (ddof=1) and its standard error (delta method)."""
    if x.size < 2:
        return float("nan"), float("nan")
    std = float(x.std(ddof=1))
    se = variance_standard_error(x) / (2 * std) if std > 0 else float("nan")
    return std, float(se)


def _rms_and_error(x: np.ndarray) -> tuple[float, float]:
    """Root mean square and its standard error (delta method on the mean of x^2)."""
    sq = x * x
    rms = float(np.sqrt(sq.mean()))
    if x.size < 2 or rms == 0:
        return rms, float("nan")
    return rms, float(sq.std(ddof=1) / np.sqrt(x.size) / (2 * rms))


def _traces(observable, n: int):
    """``(Tr O, Tr O^2)`` and ``(Tr O_c^2, Tr O_c^4)`` of the traceless part ``O_c``."""
    obs = as_observable(_of_n(observable, n), n)
    tr_o, tr_o2, _ = theory.observable_traces(obs, n)
    centered = dataclasses.replace(obs, constant=obs.constant - tr_o / 2**n)
    _, c2, c4 = theory.observable_traces(centered, n)
    return (tr_o, tr_o2), (c2, c4)


def _size_row(n: int, layers: int, rows: pd.DataFrame, traces, confidence) -> dict:
    """The summary row of one size."""
    num = rows.num_parameters.unique()
    if len(num) != 1:
        raise ValueError(
            "`table`: instances of one size must have one number of parameters; "
            f"at n={n}, layers={layers} got {sorted(num)}."
        )
    big_l = int(num[0])
    (tr_o, tr_o2), (c2, c4) = traces
    k = rows.kernel.to_numpy(dtype=float)
    mu = rows.meta_kernel.to_numpy(dtype=float)
    x2 = rows.expectation.to_numpy(dtype=float) ** 2
    mean = mean_interval(k, confidence)
    std, std_se = _std_and_error(k)
    k_theory = theory.qntk_mean(big_l, n, tr_o2, tr_o)
    std_theory = theory.qntk_std(big_l, n, c2, c4)
    if np.isnan(mu).all():
        meta_mean = dict(mean=np.nan, se=np.nan)
        rms, rms_se = np.nan, np.nan
    else:
        meta_mean = mean_interval(mu, confidence)
        rms, rms_se = _rms_and_error(mu)
    corr = (
        float(np.corrcoef(k, x2)[0, 1])
        if k.size > 2 and k.std() > 0 and x2.std() > 0
        else float("nan")
    )
    first = rows.iloc[0]
    return dict(
        n=n,
        layers=layers,
        num_parameters=big_l,
        samples=len(k),
        kernel_mean=mean["mean"],
        kernel_se=mean["se"],
        kernel_ci_low=mean["ci_low"],
        kernel_ci_high=mean["ci_high"],
        kernel_theory=k_theory,
        kernel_theory_large_n=theory.qntk_mean(big_l, n, c2, large_n=True),
        # identical K (a build that ignores its rng): no spread, no z-score
        kernel_z=(mean["mean"] - k_theory) / mean["se"] if mean["se"] > 0 else np.nan,
        kernel_std=std,
        kernel_std_se=std_se,
        kernel_std_theory=std_theory,
        kernel_std_ratio=std / std_theory if std_theory > 0 else np.nan,
        concentration=std / mean["mean"] if mean["mean"] > 0 else np.nan,
        concentration_theory=std_theory / k_theory if k_theory > 0 else np.nan,
        kernel_expectation_correlation=corr,
        meta_mean=meta_mean["mean"],
        meta_se=meta_mean["se"],
        meta_rms=rms,
        meta_rms_se=rms_se,
        meta_rms_theory=theory.meta_kernel_std(big_l, n, c2),
        confidence=confidence,
        method=first.method,
        backend=first.backend,
        seed=first.seed,
    )


def qntk_summary(
    table: pd.DataFrame, observable, *, confidence: float = 0.95
) -> pd.DataFrame:
    r"""Mean, spread and concentration of :math:`K` (and :math:`\mu`) per size, with theory.

    Per ``(n, layers)`` of a :func:`qntk_ensemble` table: the mean of
    :math:`K` with its standard error and Student-t interval beside eq. 22
    (exact and large :math:`N`) and the z-score against the exact form; the
    spread :math:`\Delta K` (sample standard deviation) with its standard
    error beside eq. 23 and their ratio; the concentration
    :math:`\Delta K/\bar K` beside eq. 23 / eq. 22; the correlation of
    :math:`K` with :math:`\langle O\rangle^2`; and, where the table has
    :math:`\mu`, its mean (eq. 51's :math:`\mathbb E\mu = 0`) and root mean
    square :math:`\sqrt{\overline{\mu^2}}` beside eq. 51. The traces of
    :math:`O` come from :func:`tnbp.theory.observable_traces`: eq. 22's exact
    form takes those of :math:`O`, the large-:math:`N` forms (eq. 22's, 23,
    51, derived for traceless :math:`O`) those of its traceless part
    :math:`O - (\mathrm{Tr}\,O/N)\,I` (:math:`K` and :math:`\mu` do not
    depend on a constant in :math:`O`; eq. 22's exact form does not
    either). Everything
    is in tnbp's angles (the theory converted from the paper's by
    :math:`1/4` for :math:`K` and :math:`\Delta K`, :math:`1/16` for
    :math:`\Delta\mu`).

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`qntk_ensemble` table (the columns of
        :data:`tnbp.results.schema.QNTK_ENSEMBLE`), or any rows of it.
    observable : Observable, list of (coeff, pauli, qubits) or callable
        The :math:`O` the table was made with (a callable: ``observable(n)``).
    confidence : float, optional
        Level of the interval of the mean, in ``(0, 1)`` (default 0.95).

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, layers)``, in the table's order, with the columns
        of :data:`tnbp.results.schema.QNTK_SUMMARY` (units there: :math:`K`
        in (units of :math:`O`)\ :sup:`2` per radian\ :sup:`2`, :math:`\mu`
        in (units of :math:`O`)\ :sup:`3` per radian\ :sup:`4`). Errors and
        the z-score are NaN for a single instance, the ``meta_*`` columns
        (but the theory) NaN without :math:`\mu`.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame or ``observable`` is not an
        observable.
    ValueError
        If ``table`` lacks a column of the ensemble table or is empty, the
        instances of a size have different numbers of parameters,
        ``observable`` acts outside the register, or ``confidence`` is not in
        ``(0, 1)``.

    See Also
    --------
    qntk_ensemble : The table this summarizes.
    tnbp.fit_power_law : Fit :math:`\Delta K/\bar K \propto L^{-p}` (eq. 23
        with eq. 22: :math:`p = 1/2`).

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 22, 23, 49, 51).

    Examples
    --------
    >>> import tnbp
    >>> obs = [(1.0, "Z", (0,))]
    >>> df = tnbp.qntk_ensemble(tnbp.ansatz.design_rotations, [(2, 8)],
    ...     observable=obs, samples=20, seed=0, executor="serial")
    >>> s = tnbp.qntk_summary(df, obs)
    >>> round(float(s.kernel_theory.iloc[0]), 4)  # eq. 22 / 4: 2 L N^2 / ((N+1)(N^2-1)) / 4
    0.8533
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`table` must be a pandas.DataFrame, got {type(table)!r}.")
    missing = set(QNTK_ENSEMBLE.names) - set(table.columns)
    if missing:
        raise ValueError(
            f"`table` must have the columns of the qntk_ensemble table; missing "
            f"{sorted(missing)}."
        )
    if table.empty:
        raise ValueError("`table` has no rows.")
    if not (
        isinstance(confidence, numbers.Real)
        and not isinstance(confidence, bool)
        and 0 < confidence < 1
    ):
        raise ValueError(f"`confidence` must be in (0, 1), got {confidence!r}.")
    traces = {n: _traces(observable, int(n)) for n in table.n.unique()}
    return QNTK_SUMMARY.frame(
        _size_row(int(n), int(layers), rows, traces[n], float(confidence))
        for (n, layers), rows in table.groupby(["n", "layers"], sort=False)
    )
