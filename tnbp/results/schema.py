"""The columns of every public table: names, dtypes, units and meanings, defined once.

A :class:`TableSchema` lists a table's :class:`Column` s in order. The code
that builds a table makes it with :meth:`TableSchema.frame`, which orders the
columns from the schema, casts their dtypes and refuses a row with a missing or
unknown column, so a renamed column fails loudly where it is made (and the
column lists are pinned by ``tests/results/test_schema.py``). Study tables join
by defining their schema here and adding it to :data:`TABLES`.

``print(schema)`` or :meth:`TableSchema.describe` shows a table's columns.

This module imports nothing from the rest of tnbp: it is pure data, shared by
the ensembles that build tables and the results code that stores and reads them.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

#: dtype kinds a column may have (``"str"``: text, pandas' string or object dtype)
DTYPES = ("int64", "float64", "bool", "str")


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a public table.

    Attributes
    ----------
    name : str
        The column's name.
    dtype : {"int64", "float64", "bool", "str"}
        Its dtype in the table (``"str"``: pandas' string or object dtype).
    unit : str
        Physical unit, or ``"1"`` for a pure number, ``"-"`` for labels.
    meaning : str
        What the value is, including its convention for NaN.

    Raises
    ------
    ValueError
        If ``dtype`` is not one of :data:`DTYPES`.
    """

    name: str
    dtype: str
    unit: str
    meaning: str

    def __post_init__(self):
        if self.dtype not in DTYPES:
            raise ValueError(
                f"`dtype` of column {self.name!r} must be one of {DTYPES}, "
                f"got {self.dtype!r}."
            )


@dataclasses.dataclass(frozen=True, repr=False)
class TableSchema:
    """The ordered columns of one public table.

    Attributes
    ----------
    name : str
        The function or study that writes the table.
    rows : str
        What one row is (e.g. ``"(n, parameter)"``).
    columns : tuple of Column
        The columns, in table order.

    Raises
    ------
    ValueError
        If two columns share a name.

    Examples
    --------
    >>> from tnbp.results.schema import GRADIENT_VARIANCE
    >>> GRADIENT_VARIANCE.names[:4]
    ['n', 'parameter', 'mean', 'variance']
    >>> print(GRADIENT_VARIANCE)  # doctest: +ELLIPSIS
    gradient_variance: one row per (n, parameter)
      n                     int64    [qubits]  number of qubits
    ...
    """

    name: str
    rows: str
    columns: tuple[Column, ...]

    def __post_init__(self):
        names = self.names
        if len(set(names)) != len(names):
            raise ValueError(f"Table {self.name!r} repeats a column name: {names}.")

    @property
    def names(self) -> list[str]:
        """Column names, in table order."""
        return [c.name for c in self.columns]

    def frame(self, records) -> pd.DataFrame:
        """The table of ``records`` (dicts keyed by column name), in schema order.

        Parameters
        ----------
        records : iterable of dict
            One dict per row with exactly this schema's column names.

        Returns
        -------
        pandas.DataFrame
            One row per record, in order; columns in schema order, cast to the
            schema's dtypes.

        Raises
        ------
        ValueError
            If a record misses a column or has one the schema does not know.
        """
        records = list(records)
        expected = set(self.names)
        for record in records:
            keys = set(record)
            if keys != expected:
                raise ValueError(
                    f"A row of table {self.name!r} has columns "
                    f"{sorted(keys - expected)} that the schema does not define and "
                    f"misses {sorted(expected - keys)}."
                )
        df = pd.DataFrame.from_records(records, columns=self.names)
        return df.astype({c.name: _PANDAS_DTYPE[c.dtype] for c in self.columns})

    def describe(self) -> pd.DataFrame:
        """The columns as a table.

        Returns
        -------
        pandas.DataFrame
            One row per column, in table order, with the columns ``name, dtype,
            unit, meaning`` (all strings).
        """
        return pd.DataFrame([dataclasses.asdict(c) for c in self.columns])

    def __repr__(self) -> str:
        # short: the columns are what str() and describe() show
        return f"<TableSchema {self.name!r}: {len(self.columns)} columns>"

    def __str__(self) -> str:
        lines = [f"{self.name}: one row per {self.rows}"]
        width = max(len(c.name) for c in self.columns)
        for c in self.columns:
            lines.append(f"  {c.name:<{width}}  {c.dtype:<7}  [{c.unit}]  {c.meaning}")
        return "\n".join(lines)


_PANDAS_DTYPE = {"int64": "int64", "float64": "float64", "bool": "bool", "str": str}

_DERIV = "(unit of C / rad)^2"

#: table of :func:`tnbp.gradient_variance`
GRADIENT_VARIANCE = TableSchema(
    "gradient_variance",
    "(n, parameter)",
    (
        Column("n", "int64", "qubits", "number of qubits"),
        Column("parameter", "int64", "1", "parameter index (circuit order)"),
        Column(
            "mean",
            "float64",
            "unit of C / rad",
            "sample mean of the derivative d_k C = dC/d theta_k (C: the observable "
            "or cost); exactly 0 for estimator='exact'",
        ),
        Column(
            "variance",
            "float64",
            _DERIV,
            "sample variance (ddof=1) of d_k C; estimator='exact': mean over the "
            "sampled structures of the exact variance over uniform angles",
        ),
        Column(
            "variance_se",
            "float64",
            _DERIV,
            "standard error of variance (sample: fourth central moment, NaN below "
            "4 samples; exact: spread of the structures, NaN for one)",
        ),
        Column("samples", "int64", "1", "random instances behind the row"),
        Column(
            "variance_ess",
            "float64",
            "1",
            "effective sample size of the variance, (sum d^2)^2 / sum d^4 (about "
            "samples/3 for Gaussian data); NaN for estimator='exact'",
        ),
        Column(
            "variance_reliable",
            "bool",
            "-",
            "variance finite and no run with caveats (untrusted_runs == 0); "
            "sample: also variance_ess >= 0.1 samples",
        ),
        Column(
            "inf_norm_mean",
            "float64",
            "unit of C / rad",
            "mean over samples of max_k |d_k C| (all parameters); NaN when not "
            "computed (inf_norm=False or estimator='exact')",
        ),
        Column(
            "inf_norm_variance",
            "float64",
            _DERIV,
            "sample variance (ddof=1) of max_k |d_k C|; NaN for one sample or when "
            "not computed",
        ),
        Column(
            "inf_norm_variance_se",
            "float64",
            _DERIV,
            "standard error of inf_norm_variance (fourth central moment); NaN below "
            "4 samples",
        ),
        Column(
            "min_fidelity",
            "float64",
            "1",
            "smallest fidelity estimate of any state simulated for the row (1.0: "
            "no truncation); NaN when not tracked (estimator='exact')",
        ),
        Column(
            "max_discarded_weight",
            "float64",
            "1",
            "largest discarded weight (sum of squared discarded singular values) of "
            "any state simulated for the row (exact, Pauli-transfer chain: both "
            "sweeps, relative); NaN when not tracked (doubled engine)",
        ),
        Column(
            "untrusted_runs",
            "int64",
            "1",
            "simulations for the row whose state was not trusted (exact: truncated "
            "structures)",
        ),
        Column(
            "engine",
            "str",
            "-",
            "exact engine of the row's structures: 'pauli' (Pauli-transfer chain), "
            "'doubled' (twirled doubled circuit), 'mixed' if both ran; 'none' for "
            "estimator='sample'",
        ),
        Column("method", "str", "-", "differentiation method, or 'exact'"),
        Column("backend", "str", "-", "simulation backend"),
        Column("estimator", "str", "-", "'sample' or 'exact'"),
        Column(
            "seed",
            "str",
            "-",
            "root seed label: the SeedSequence entropy as a decimal string (pass "
            "int(seed) as seed= to reproduce), with ':k1,k2' appended if the root "
            "SeedSequence was itself spawned (then the label alone does not reproduce it)",
        ),
    ),
)

#: table of :func:`tnbp.qbm_gradient_variance`
QBM_GRADIENT_VARIANCE = TableSchema(
    "qbm_gradient_variance",
    "(n_hidden, group)",
    (
        Column("n_hidden", "int64", "qubits", "number of hidden qubits"),
        Column(
            "group",
            "str",
            "-",
            "'visible' (terms on visible qubits only) or 'hidden' (terms touching "
            "a hidden qubit)",
        ),
        Column(
            "mean",
            "float64",
            "unit of O_v",
            "mean of d Tr(O_v rho_v) / d theta_k pooled over the group's "
            "parameters and the samples (theta: dimensionless coefficients of H)",
        ),
        Column(
            "variance",
            "float64",
            "(unit of O_v)^2",
            "pooled sample variance (ddof=1) of the derivatives; NaN for one value",
        ),
        Column(
            "variance_se",
            "float64",
            "(unit of O_v)^2",
            "standard error of variance, treating the pooled derivatives as "
            "independent (indicative: those of one sample are correlated)",
        ),
        Column("samples", "int64", "1", "random Hamiltonians behind the row"),
        Column(
            "num_parameters",
            "int64",
            "1",
            "parameters (Hamiltonian terms) in the group",
        ),
        Column(
            "inf_norm_mean",
            "float64",
            "unit of O_v",
            "mean over samples of max_k |d_k Tr(O_v rho_v)| (all terms)",
        ),
        Column(
            "inf_norm_variance",
            "float64",
            "(unit of O_v)^2",
            "sample variance (ddof=1) of the infinity-norm; NaN for one sample",
        ),
        Column(
            "inf_norm_variance_se",
            "float64",
            "(unit of O_v)^2",
            "standard error of inf_norm_variance (fourth central moment); NaN "
            "below 4 samples",
        ),
        Column(
            "untrusted_runs",
            "int64",
            "1",
            "Gibbs states behind the row's gradients that had caveats (e.g. "
            "truncated MPS for finite differences), as for circuits; 0 for "
            "method='exact' (dense)",
        ),
        Column(
            "method", "str", "-", "QBM gradient method ('exact' or 'finite_difference')"
        ),
        Column("backend", "str", "-", "Gibbs-state backend"),
        Column(
            "seed",
            "str",
            "-",
            "root seed, as in the gradient_variance table",
        ),
    ),
)


def _inf_norm_comparison(unit: str, gradients: dict) -> tuple[Column, ...]:
    """The columns of :func:`tnbp.ensembles.statistics.inf_norm_comparison`.

    ``gradients`` says what the gradient ``g`` is for each route (``fd``, ``exact``).
    """
    cols = []
    for route in ("fd", "exact"):
        what = f"gradient g_k = {gradients[route]}"
        cols += [
            Column(
                f"inf_norm_mean_{route}",
                "float64",
                unit,
                f"mean over instances of max_k |g_k|, {what}",
            ),
            Column(
                f"inf_norm_variance_{route}",
                "float64",
                f"({unit})^2",
                "sample variance (ddof=1) over instances of max_k |g_k| (route "
                f"{route}); NaN for one instance",
            ),
            Column(
                f"inf_norm_variance_se_{route}",
                "float64",
                f"({unit})^2",
                f"standard error of inf_norm_variance_{route} (fourth central "
                "moment); NaN below 4 instances",
            ),
        ]
    return (
        *cols,
        Column(
            "max_deviation",
            "float64",
            unit,
            "largest |finite difference - exact| over every derivative of every "
            "instance of the row",
        ),
        Column(
            "variance_relative_deviation",
            "float64",
            "1",
            "|inf_norm_variance_fd - inf_norm_variance_exact| / "
            "inf_norm_variance_exact; NaN when undefined",
        ),
    )


_ROW_SIZES = (
    Column("n_visible", "int64", "qubits", "number of visible qubits"),
    Column("n_hidden", "int64", "qubits", "number of hidden qubits"),
    Column("num_parameters", "int64", "1", "parameters of each instance"),
    Column("samples", "int64", "1", "random instances behind the row"),
)

#: table of :func:`tnbp.fidelity_gradient_variance` (arXiv:2010.15968, Fig. 3b)
FIDELITY_GRADIENT_VARIANCE = TableSchema(
    "fidelity_gradient_variance",
    "n_hidden",
    (
        *_ROW_SIZES,
        Column(
            "step",
            "float64",
            "rad",
            "forward finite-difference step h in the paper's angles theta_k of "
            "exp(-i theta_k H_k) (tnbp's circuit angles are 2 theta_k)",
        ),
        Column(
            "fidelity_mean",
            "float64",
            "1",
            "mean over instances of F(rho_v, sigma) at the drawn angles",
        ),
        *_inf_norm_comparison(
            "1 / rad",
            dict(
                fd="(F(theta + h e_k) - F(theta)) / h",
                exact="dF/d theta_k (adjoint, chain rule through F)",
            ),
        ),
        Column(
            "method",
            "str",
            "-",
            "method of the exact gradient (tnbp.gradient; the finite differences "
            "are tnbp.gradients.forward_difference)",
        ),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

#: table of :func:`tnbp.qbm_trace_distance_gradient_variance` (arXiv:2010.15968, Fig. 3c)
QBM_TRACE_DISTANCE_GRADIENT = TableSchema(
    "qbm_trace_distance_gradient_variance",
    "n_hidden",
    (
        *_ROW_SIZES,
        Column(
            "step",
            "float64",
            "unit of theta",
            "forward finite-difference step h of each Hamiltonian coefficient",
        ),
        *_inf_norm_comparison(
            "1 / unit of theta",
            dict(
                fd="T(rho_v(theta), rho_v(theta + h e_k)) / h, T the trace distance",
                exact="||d rho_v / d theta_k||_1 / 2 (Duhamel), the h -> 0 limit",
            ),
        ),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

_G = "unit of O"
_QBM_DISTANCE = (
    "distance of the terms from the visible qubits along the chain: a term on "
    "qubits q has distance max(0, max(q) - n_visible + 1), so 0 is the terms on "
    "visible qubits only, d >= 1 the onsite terms of qubit n_visible - 1 + d and "
    "the bond reaching it"
)

#: table of :func:`tnbp.qbm_gradient_profile`
QBM_GRADIENT_PROFILE = TableSchema(
    "qbm_gradient_profile",
    "(n, sample, distance)",
    (
        Column("n", "int64", "qubits", "number of qubits of the chain"),
        Column("n_visible", "int64", "qubits", "visible qubits 0..n_visible-1"),
        Column("sample", "int64", "1", "random Hamiltonian, seeded by (n, sample)"),
        Column("distance", "int64", "qubits", _QBM_DISTANCE),
        Column("num_parameters", "int64", "1", "Hamiltonian terms at this distance"),
        Column(
            "sum",
            "float64",
            _G,
            "sum over the terms at this distance of g_k = d Tr(O rho) / d theta_k "
            "(theta: coefficients of the normalized H)",
        ),
        Column("sum_squares", "float64", f"({_G})^2", "sum of g_k^2 over the terms"),
        Column("max_abs", "float64", _G, "largest |g_k| over the terms"),
        Column(
            "error_bound",
            "float64",
            _G,
            "largest bound on |g_k - exact| over the terms: step_error + "
            "truncation_error + trotter_error (tnbp.gradients.qbm_response); NaN "
            "when a part is unknown",
        ),
        Column(
            "step_error",
            "float64",
            _G,
            "largest finite-difference bound |g_5 - g_3| (five- vs three-point "
            "stencil) over the terms",
        ),
        Column(
            "truncation_error",
            "float64",
            _G,
            "bound from the Gibbs states' truncation, sum_j |c_j| 2 T_j (the same "
            "for every term of the sample); 0 for dense states",
        ),
        Column(
            "trotter_error",
            "float64",
            _G,
            "largest Richardson bound f |g - g_companion| over the terms; 0 for "
            "dense states, NaN without companions",
        ),
        Column(
            "dense_deviation",
            "float64",
            _G,
            "largest |g_k - exact Duhamel gradient| over the terms (dense, same "
            "Hamiltonian); NaN where n > dense_max",
        ),
        Column(
            "inf_norm",
            "float64",
            _G,
            "max_k |g_k| over all terms of the sample (the paper's Fig. 3c norm)",
        ),
        Column(
            "trusted",
            "bool",
            "-",
            "no Gibbs state of the sample had caveats and every bound is finite "
            "(the size of the bounds is judged in the summary)",
        ),
        Column(
            "max_bond_reached",
            "int64",
            "1",
            "largest bond dimension of the sample's Gibbs states",
        ),
        Column(
            "truncation_distance",
            "float64",
            "1",
            "largest truncation distance T of the sample's Gibbs states",
        ),
        Column(
            "hamiltonian_norm",
            "float64",
            "unit of the raw coefficients",
            "operator norm ||H|| the raw Hamiltonian was divided by (exact to 12 "
            "qubits, DMRG beyond); NaN if not normalized",
        ),
        Column("seconds", "float64", "s", "wall time of the sample's gradient"),
        Column(
            "cpu_seconds",
            "float64",
            "s",
            "CPU time of the sample's gradient (this process, BLAS threads "
            "included): the cost on a machine shared with other work",
        ),
        Column(
            "norm_seconds",
            "float64",
            "s",
            "wall time of the sample's operator norm (0 if not normalized)",
        ),
        Column("step", "float64", "unit of theta", "field step h of the stencil"),
        Column("beta", "float64", "1 / unit of theta", "inverse temperature"),
        Column("backend", "str", "-", "Gibbs-state backend of the gradient"),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

#: table of :func:`tnbp.qbm_gradient_profile_summary`
QBM_GRADIENT_PROFILE_SUMMARY = TableSchema(
    "qbm_gradient_profile_summary",
    "(n, distance)",
    (
        Column("n", "int64", "qubits", "number of qubits of the chain"),
        Column("distance", "int64", "qubits", _QBM_DISTANCE),
        Column("samples", "int64", "1", "random Hamiltonians behind the row"),
        Column("num_parameters", "int64", "1", "Hamiltonian terms at this distance"),
        Column("mean", "float64", _G, "mean of g_k pooled over terms and samples"),
        Column(
            "variance",
            "float64",
            f"({_G})^2",
            "pooled sample variance (ddof=1) of g_k over terms and samples",
        ),
        Column(
            "variance_se",
            "float64",
            f"({_G})^2",
            "jackknife standard error of variance over the samples (the "
            "independent units; the terms of one sample are correlated); NaN "
            "below 2 samples",
        ),
        Column("rms", "float64", _G, "root mean square of g_k over terms and samples"),
        Column("max_abs", "float64", _G, "largest |g_k|"),
        Column("error_bound", "float64", _G, "largest error_bound of the samples"),
        Column("step_error", "float64", _G, "largest step_error of the samples"),
        Column(
            "truncation_error", "float64", _G, "largest truncation_error of the samples"
        ),
        Column("trotter_error", "float64", _G, "largest trotter_error of the samples"),
        Column(
            "relative_error",
            "float64",
            "1",
            "error_bound / rms: the variance is within (2 r + r^2) of itself",
        ),
        Column(
            "trusted",
            "bool",
            "-",
            "every sample trusted and relative_error <= trust_ratio (0.1: the "
            "variance within 21%)",
        ),
        Column(
            "dense_deviation",
            "float64",
            _G,
            "largest dense_deviation of the samples; NaN where not computed",
        ),
        Column("inf_norm_mean", "float64", _G, "mean of the samples' inf_norm"),
        Column(
            "inf_norm_variance",
            "float64",
            f"({_G})^2",
            "sample variance (ddof=1) of inf_norm; NaN for one sample",
        ),
        Column(
            "inf_norm_variance_se",
            "float64",
            f"({_G})^2",
            "standard error of inf_norm_variance (fourth central moment); NaN "
            "below 4 samples",
        ),
        Column("max_bond_reached", "int64", "1", "largest bond dimension"),
        Column("truncation_distance", "float64", "1", "largest truncation distance T"),
        Column(
            "hamiltonian_norm",
            "float64",
            "unit of the raw coefficients",
            "mean operator norm of the raw Hamiltonians",
        ),
        Column("seconds", "float64", "s", "mean wall time of one sample's gradient"),
        Column("cpu_seconds", "float64", "s", "mean CPU time of one sample's gradient"),
    ),
)

#: table of :func:`tnbp.dqnn_gradient_variance`
DQNN_GRADIENT_VARIANCE = TableSchema(
    "dqnn_gradient_variance",
    "(n, parameter)",
    (
        Column("n", "int64", "qubits", "the size n that widths(n) maps to"),
        Column("widths", "str", "-", "layer widths n_in,...,n_out (comma-separated)"),
        Column(
            "derivative",
            "str",
            "-",
            "'angle' (dC/d theta_k, eqs. 6-7) or 'matrix' (dC/ds at s = 0 of the "
            "parameter matrix multiplication, eq. 13)",
        ),
        Column(
            "parameter",
            "int64",
            "1",
            "angle index in DQNN.parameters; -1 for derivative='matrix'",
        ),
        Column("cost", "str", "-", "'global' (eq. 3) or 'local' (eq. 4)"),
        Column(
            "mean",
            "float64",
            "unit of C / rad (angle) or per unit s (matrix)",
            "sample mean of the derivative over random initializations",
        ),
        Column(
            "mean_se",
            "float64",
            "as mean",
            "standard error of mean, std (ddof=1) / sqrt(samples); NaN for one sample",
        ),
        Column(
            "variance",
            "float64",
            "(unit of mean)^2",
            "sample variance (ddof=1) of the derivative; NaN for one sample",
        ),
        Column(
            "variance_se",
            "float64",
            "(unit of mean)^2",
            "standard error of variance (fourth central moment); NaN below 4 samples",
        ),
        Column("samples", "int64", "1", "random initializations behind the row"),
        Column(
            "variance_ess",
            "float64",
            "1",
            "effective sample size of the variance, (sum d^2)^2 / sum d^4",
        ),
        Column(
            "variance_reliable",
            "bool",
            "-",
            "variance finite and variance_ess >= 0.1 samples",
        ),
        Column("training_pairs", "int64", "1", "N, the training pairs of the cost"),
        Column("perceptron", "str", "-", "perceptron kind ('toy', 'local', 'global')"),
        Column(
            "method",
            "str",
            "-",
            "differentiation method (angle), or 'adjoint_matrix' (matrix: dense "
            "adjoint sweep over perceptrons)",
        ),
        Column("backend", "str", "-", "simulation backend"),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

#: table of :func:`tnbp.train_ensemble` (Liu, Lin and Jiang, arXiv:2206.09313)
TRAIN_ENSEMBLE = TableSchema(
    "train_ensemble",
    "(sample, step)",
    (
        Column(
            "sample", "int64", "1", "training run (its own initial angles and noise)"
        ),
        Column(
            "step", "int64", "1", "gradient-descent step t, before that step's update"
        ),
        Column(
            "residual", "float64", "unit of O", "residual eps(t) = <O> - O_0 (eq. 16)"
        ),
        Column("loss", "float64", "(unit of O)^2", "eps(t)^2 / 2"),
        Column(
            "qntk",
            "float64",
            "(unit of O)^2 / rad^2",
            "QNTK K(t) = sum_l (d eps / d theta_l)^2 in tnbp's angles (eq. 18; the "
            "paper's exp(i theta X) convention gives 4 K); NaN where not recorded",
        ),
        Column("theta_norm", "float64", "rad", "Euclidean norm of the angles at t"),
        Column(
            "learning_rate",
            "float64",
            "rad^2 / (unit of O)^2",
            "learning rate eta, tnbp's angles",
        ),
        Column(
            "angle_noise",
            "float64",
            "rad",
            "angle-noise standard deviation sigma, tnbp's angles",
        ),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

_K = "(unit of O)^2 / rad^2"
_MU = "(unit of O)^3 / rad^4"
_TNBP_ANGLES = "tnbp's angles (exp(-i theta P / 2); the paper's exp(i theta X) gives "

#: table of :func:`tnbp.qntk_ensemble` (Liu, Lin and Jiang, arXiv:2206.09313)
QNTK_ENSEMBLE = TableSchema(
    "qntk_ensemble",
    "(n, layers, sample)",
    (
        Column("n", "int64", "qubits", "number of qubits; N = 2^n"),
        Column("layers", "int64", "1", "the layers argument of build(n, layers, seed)"),
        Column("sample", "int64", "1", "random instance, 0..samples-1"),
        Column(
            "num_parameters",
            "int64",
            "1",
            "L, the instance's trainable angles (the L of eqs. 22-23, 51)",
        ),
        Column(
            "kernel",
            "float64",
            _K,
            "QNTK K = sum_l (d eps / d theta_l)^2 (eq. 18) in " + _TNBP_ANGLES + "4 K)",
        ),
        Column(
            "meta_kernel",
            "float64",
            _MU,
            "meta-kernel mu = g^T H g (eq. 50) in " + _TNBP_ANGLES + "16 mu); "
            "NaN unless meta=True",
        ),
        Column(
            "expectation",
            "float64",
            "unit of O",
            "<O> at the instance's angles (eps + O_0 for any target O_0)",
        ),
        Column("method", "str", "-", "differentiation method of tnbp.gradient"),
        Column("backend", "str", "-", "simulation backend"),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

#: table of :func:`tnbp.qntk_summary`: the ensemble's statistics beside eqs. 22-23, 51
QNTK_SUMMARY = TableSchema(
    "qntk_summary",
    "(n, layers)",
    (
        Column("n", "int64", "qubits", "number of qubits; N = 2^n"),
        Column("layers", "int64", "1", "the layers argument of build"),
        Column("num_parameters", "int64", "1", "L, trainable angles per instance"),
        Column("samples", "int64", "1", "random instances behind the row"),
        Column("kernel_mean", "float64", _K, "sample mean of K (tnbp's angles)"),
        Column(
            "kernel_se",
            "float64",
            _K,
            "standard error of kernel_mean, std (ddof=1) / sqrt(samples)",
        ),
        Column(
            "kernel_ci_low",
            "float64",
            _K,
            "lower end of the Student-t confidence interval of the mean",
        ),
        Column(
            "kernel_ci_high",
            "float64",
            _K,
            "upper end of the Student-t confidence interval of the mean",
        ),
        Column(
            "kernel_theory",
            "float64",
            _K,
            "eq. 22, exact finite-N form: 2 L (N Tr O^2 - Tr^2 O) / ((N+1)(N^2-1)), "
            "divided by 4 (tnbp's angles)",
        ),
        Column(
            "kernel_theory_large_n",
            "float64",
            _K,
            "eq. 22, large-N form 2 L Tr O^2 / N^2 (traceless part of O), divided by 4",
        ),
        Column(
            "kernel_z",
            "float64",
            "1",
            "(kernel_mean - kernel_theory) / kernel_se; NaN when kernel_se = 0",
        ),
        Column("kernel_std", "float64", _K, "sample standard deviation of K (ddof=1)"),
        Column(
            "kernel_std_se",
            "float64",
            _K,
            "its standard error, from the fourth central moment (delta method)",
        ),
        Column(
            "kernel_std_theory",
            "float64",
            _K,
            "eq. 23 (= eq. 49), large N: sqrt(L) / N^2 sqrt(8 Tr^2 O^2 + 12 Tr O^4) "
            "(traceless part of O), divided by 4",
        ),
        Column("kernel_std_ratio", "float64", "1", "kernel_std / kernel_std_theory"),
        Column(
            "concentration",
            "float64",
            "1",
            "Delta K / K-bar = kernel_std / kernel_mean",
        ),
        Column(
            "concentration_theory",
            "float64",
            "1",
            "kernel_std_theory / kernel_theory (~ 1 / sqrt(L))",
        ),
        Column(
            "kernel_expectation_correlation",
            "float64",
            "1",
            "Pearson correlation of K with <O>^2 over the instances",
        ),
        Column(
            "meta_mean",
            "float64",
            _MU,
            "sample mean of mu (eq. 50; E mu = 0); NaN without meta",
        ),
        Column("meta_se", "float64", _MU, "standard error of meta_mean"),
        Column(
            "meta_rms",
            "float64",
            _MU,
            "root mean square of mu, the sample Delta mu = sqrt(E mu^2) of eq. 51",
        ),
        Column(
            "meta_rms_se",
            "float64",
            _MU,
            "standard error of meta_rms (delta method on the mean of mu^2)",
        ),
        Column(
            "meta_rms_theory",
            "float64",
            _MU,
            "eq. 51, large N: sqrt(32) L Tr^(3/2) O^2 / N^3 (traceless part of O), "
            "divided by 16",
        ),
        Column("confidence", "float64", "1", "level of the kernel_ci interval"),
        Column("method", "str", "-", "differentiation method of tnbp.gradient"),
        Column("backend", "str", "-", "simulation backend"),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

_PROP1 = "arXiv:2010.15968"

#: table of :func:`tnbp.ensembles.visible_entanglement.visible_entanglement`
#: (Sec. III, Fig. 2 and Proposition 1 of arXiv:2010.15968)
VISIBLE_ENTANGLEMENT = TableSchema(
    "visible_entanglement",
    "(n_visible,): the visible block is qubits 0..n_visible-1",
    (
        Column("n", "int64", "qubits", "number of qubits"),
        Column("n_visible", "int64", "qubits", "n_v: visible qubits, the first ones"),
        Column("n_hidden", "int64", "qubits", "n_h = n - n_v: hidden qubits"),
        Column("entropy", "float64", "bits", "S(rho_v), von Neumann"),
        Column(
            "entropy_error",
            "float64",
            "bits",
            "bound on |S - exact| from the truncation (Fannes-Audenaert; 0 if exact)",
        ),
        Column(
            "deficit",
            "float64",
            "bits",
            "n_v - S(rho_v) >= 0: the relative entropy S(rho_v || I/D_v) in bits",
        ),
        Column(
            "trace_distance",
            "float64",
            "1",
            "T = 1/2 ||rho_v - I/D_v||_1",
        ),
        Column(
            "trace_distance_error",
            "float64",
            "1",
            "bound on |T - exact| from the truncation (0 if exact)",
        ),
        Column(
            "pinsker_bound",
            "float64",
            "1",
            f"sqrt(deficit ln 2 / 2) >= T: Proposition 1, eqs. 2-3 of {_PROP1}",
        ),
        Column(
            "haar_bound",
            "float64",
            "1",
            f"1/2 sqrt(D_v / D_h), the volume-law scale of T ({_PROP1}, Fig. 3a)",
        ),
        Column(
            "page_entropy",
            "float64",
            "bits",
            "Page's mean S(rho_v) of a Haar-random state of n qubits",
        ),
        Column(
            "cut_saturated",
            "bool",
            "-",
            "the bond at this cut sat at max_bond with entropy near log2(max_bond)",
        ),
        Column("trusted", "bool", "-", "the state has no caveats"),
        Column("caveats", "str", "-", "the state's caveat codes, ';'-joined"),
        Column("max_bond_reached", "int64", "1", "largest bond dimension of the run"),
        Column(
            "discarded_weight",
            "float64",
            "1",
            "total discarded squared singular values",
        ),
        Column("fidelity_estimate", "float64", "1", "product of (1 - discarded)"),
        Column("num_truncations", "int64", "1", "truncations that discarded weight"),
        Column(
            "entropy_dense",
            "float64",
            "bits",
            "S(rho_v) of the dense reference; NaN without one",
        ),
        Column(
            "trace_distance_dense",
            "float64",
            "1",
            "T of the dense reference; NaN without one",
        ),
        Column(
            "entropy_dense_deviation",
            "float64",
            "bits",
            "|entropy - entropy_dense|; NaN without a dense reference",
        ),
        Column(
            "trace_distance_dense_deviation",
            "float64",
            "1",
            "|trace_distance - trace_distance_dense|; NaN without a dense reference",
        ),
    ),
)

#: table of :func:`tnbp.ensembles.visible_entanglement.entanglement_law_summary`
#: (after the setting columns it groups by)
ENTANGLEMENT_LAW_SUMMARY = TableSchema(
    "entanglement_law_summary",
    "(setting): the columns `by`, then these",
    (
        Column("samples", "int64", "1", "random instances averaged"),
        Column(
            "law",
            "str",
            "-",
            "area, log, volume or undetermined: tnbp.entanglement_law of the mean "
            "profile S(n_v)",
        ),
        Column("reason", "str", "-", "why, with the numbers that decided it"),
        Column(
            "plateau",
            "float64",
            "bits",
            "mean entropy over the bulk cuts (min(n_v, n_h) >= n/4)",
        ),
        Column("plateau_spread", "float64", "bits", "std of the bulk entropies"),
        Column(
            "half_chain_entropy", "float64", "bits", "mean S(rho_v) at n_v = n // 2"
        ),
        Column("page_half_chain", "float64", "bits", "Page's value at n_v = n // 2"),
        Column(
            "page_deficit",
            "float64",
            "bits",
            "mean of Page minus S over the bulk (0 for Haar-random states)",
        ),
        Column(
            "volume_constant",
            "float64",
            "1",
            "median over n_v <= n/2 of deficit / (D_v/D_h): Theta(1) for the paper's "
            "volume law (Page: 0.54-0.72), exponentially large for an area law",
        ),
        Column(
            "pinsker_max_ratio",
            "float64",
            "1",
            "largest T / pinsker_bound of any instance and block (Proposition 1: "
            "<= 1); NaN if every bound is below PINSKER_FLOOR",
        ),
        Column(
            "haar_max_ratio",
            "float64",
            "1",
            "largest mean T / haar_bound over n_v <= n/2 (volume law: about 1 or "
            "less; area law: large)",
        ),
        Column("trusted", "bool", "-", "every instance's state has no caveats"),
        Column(
            "saturated_blocks",
            "int64",
            "1",
            "visible block sizes whose cut saturated the bond cap in some instance",
        ),
        Column("max_bond_reached", "int64", "1", "largest bond dimension reached"),
        Column("min_fidelity", "float64", "1", "smallest fidelity estimate"),
        Column(
            "entropy_dense_max_deviation",
            "float64",
            "bits",
            "largest |S - S_dense|; NaN without dense references",
        ),
        Column(
            "trace_distance_dense_max_deviation",
            "float64",
            "1",
            "largest |T - T_dense|; NaN without dense references",
        ),
    ),
)

_T = "trace distance T = 1/2 ||rho_v - I/D_v||_1 of the visible state"

#: table of :func:`tnbp.trace_distance_ensemble` (arXiv:2010.15968, Figs. 3a and 4)
TRACE_DISTANCE_ENSEMBLE = TableSchema(
    "trace_distance_ensemble",
    "(model, n_hidden, sample)",
    (
        Column(
            "model",
            "str",
            "-",
            "'gue', 'unitary_qnn' (terms in random order), 'unitary_qnn_ordered' or "
            "'qbm' (tnbp.ensembles.trace_distances.MODELS)",
        ),
        Column("n_visible", "int64", "qubits", "visible qubits (the first ones)"),
        Column("n_hidden", "int64", "qubits", "hidden qubits"),
        Column("sample", "int64", "1", "random instance, 0..samples-1"),
        Column("trace_distance", "float64", "1", _T),
        Column(
            "bound",
            "float64",
            "1",
            "the Haar bound 1/2 sqrt(D_v/D_h) on the mean of T (Fig. 3a)",
        ),
        Column("under_bound", "bool", "-", "trace_distance <= bound"),
        Column(
            "error_bound",
            "float64",
            "1",
            "bound on |T - T_exact| from every source tnbp knows (truncation; "
            "Trotter for purified Gibbs states); 0 for dense states",
        ),
        Column("trusted", "bool", "-", "the state had no caveats"),
        Column(
            "max_bond_reached",
            "float64",
            "1",
            "largest bond dimension of the MPS state; NaN for dense states",
        ),
        Column("backend", "str", "-", "simulation backend"),
        Column(
            "time",
            "float64",
            "1 / (GUE energy)",
            "evolution time t of 'gue' (semicircle radius 2); NaN for other models",
        ),
        Column(
            "beta",
            "float64",
            "1 / (energy of the normalized H)",
            "inverse temperature of 'qbm'; NaN for other models",
        ),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

#: table of :func:`tnbp.trace_distance_summary`
TRACE_DISTANCE_SUMMARY = TableSchema(
    "trace_distance_summary",
    "(model, n_visible, n_hidden, backend, time, beta, seed)",
    (
        Column("model", "str", "-", "as in trace_distance_ensemble"),
        Column("n_visible", "int64", "qubits", "visible qubits"),
        Column("n_hidden", "int64", "qubits", "hidden qubits"),
        Column("samples", "int64", "1", "instances behind the row"),
        Column("mean", "float64", "1", "sample mean of T"),
        Column("mean_se", "float64", "1", "its standard error, std (ddof=1) / sqrt"),
        Column("median", "float64", "1", "sample median of T"),
        Column("median_se", "float64", "1", "bootstrap standard error of the median"),
        Column(
            "peak",
            "float64",
            "1",
            "peak (mode) of the distribution of T: maximum of a Gaussian kernel "
            "density estimate reflected at 0 and 1 - 1/D_v (the paper's 'maximum "
            "peak of the data histograms')",
        ),
        Column(
            "peak_se",
            "float64",
            "1",
            "bootstrap standard error of the peak with the grid resolution "
            "dx/sqrt(12) in quadrature (sampling error, not smoothing bias)",
        ),
        Column(
            "fraction_under_bound",
            "float64",
            "1",
            "fraction of instances with T <= 1/2 sqrt(D_v/D_h)",
        ),
        Column(
            "fraction_under_bound_se",
            "float64",
            "1",
            "binomial standard error sqrt(f (1 - f) / samples)",
        ),
        Column("bound", "float64", "1", "1/2 sqrt(D_v/D_h)"),
        Column(
            "haar_mean",
            "float64",
            "1",
            "exact mean of T for a Haar state (n_visible = 1, n_hidden >= 1; else NaN)",
        ),
        Column("haar_median", "float64", "1", "exact Haar median of T (as haar_mean)"),
        Column(
            "haar_mode",
            "float64",
            "1",
            "exact Haar mode 1 / (2 sqrt(D_h - 1)) (as haar_mean)",
        ),
        Column(
            "haar_fraction_under_bound",
            "float64",
            "1",
            "exact Haar probability of T <= the bound (as haar_mean; 0.739 at "
            "large D_h)",
        ),
        Column(
            "max_error_bound",
            "float64",
            "1",
            "largest error_bound of the row's instances",
        ),
        Column("untrusted", "int64", "1", "instances whose state had caveats"),
        Column(
            "max_bond_reached",
            "float64",
            "1",
            "largest bond dimension over the instances; NaN for dense states",
        ),
        Column("backend", "str", "-", "simulation backend"),
        Column("time", "float64", "1 / (GUE energy)", "as in trace_distance_ensemble"),
        Column(
            "beta",
            "float64",
            "1 / (energy of the normalized H)",
            "as in trace_distance_ensemble",
        ),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

_FAMILY = (
    "circuit family: 'unitary_qnn_nn', 'hea_shallow' or 'hea_deep' "
    "(tnbp.ensembles.visible_states)"
)
_INSTANCE = (
    Column("family", "str", "-", _FAMILY),
    Column("n", "int64", "qubits", "number of qubits (visible + hidden)"),
    Column("layers", "int64", "1", "layers of the instance's circuit"),
    Column(
        "sample", "int64", "1", "instance index (its seed's spawn key ends with it)"
    ),
    Column("n_visible", "int64", "qubits", "visible qubits 0..n_visible-1"),
)
_BOND_RECORD = (
    Column("max_bond", "int64", "1", "MPS bond-dimension cap of every run"),
    Column(
        "max_bond_reached",
        "int64",
        "1",
        "largest bond of the (forward) MPS run; == max_bond: the cap was reached",
    ),
    Column(
        "discarded_weight",
        "float64",
        "1",
        "sum of squared singular values the (forward) run discarded",
    ),
    Column(
        "fidelity_estimate",
        "float64",
        "1",
        "prod_t (1 - eps_t) of the (forward) run: its estimated fidelity with "
        "the exact state",
    ),
    Column("num_truncations", "int64", "1", "truncating gates of the (forward) run"),
    Column(
        "trusted",
        "bool",
        "-",
        "no caveat on any MPS run behind the row (bond saturated, or discarded "
        "weight above the trust policy's tolerance)",
    ),
    Column("caveats", "str", "-", "the (forward) run's caveats, ';'-joined"),
)

#: table of :func:`tnbp.ensembles.visible_states.visible_distance_ensemble`
VISIBLE_DISTANCE = TableSchema(
    "visible_distance_ensemble",
    "(family, n, layers, sample)",
    (
        *_INSTANCE,
        Column(
            "trace_distance",
            "float64",
            "1",
            "T = 1/2 ||rho_v - I/D_v||_1 of the MPS state's visible qubits",
        ),
        Column(
            "error_bound",
            "float64",
            "1",
            "bound on |T - T_exact| from the run's truncation (sum_t sqrt(eps_t), "
            "clipped to T's range)",
        ),
        Column(
            "haar_bound",
            "float64",
            "1",
            "1/2 sqrt(D_v/D_h), the volume-law bound of arXiv:2010.15968, Fig. 3a",
        ),
        *_BOND_RECORD,
        Column(
            "seconds",
            "float64",
            "s",
            "wall time of the MPS simulation and estimate (a batch's time per instance)",
        ),
        Column(
            "lightcone_width",
            "int64",
            "qubits",
            "qubits in the reverse lightcone of the visible ones",
        ),
        Column(
            "dense_value", "float64", "1", "T of the dense state (NaN: n > dense_max)"
        ),
        Column("dense_deviation", "float64", "1", "|T - dense_value| (NaN: not run)"),
        Column(
            "exact_value",
            "float64",
            "1",
            "T by exact lightcone contraction (backend='tn'; NaN: not run, which "
            "is when n <= dense_max or the cone is wider than exact_width)",
        ),
        Column("exact_deviation", "float64", "1", "|T - exact_value| (NaN: not run)"),
        Column("backend", "str", "-", "simulation backend of trace_distance ('mps')"),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

_GRAD = "1 / rad"

#: table of :func:`tnbp.ensembles.visible_states.fidelity_gradient_ensemble`
FIDELITY_GRADIENT = TableSchema(
    "fidelity_gradient_ensemble",
    "(family, n, layers, sample)",
    (
        *_INSTANCE,
        Column("num_parameters", "int64", "1", "trainable angles of the instance"),
        Column(
            "fidelity",
            "float64",
            "1",
            "F(rho_v, sigma) of the MPS visible state with the target",
        ),
        Column(
            "inf_norm",
            "float64",
            _GRAD,
            "max_k |dF/d theta_k| by the MPS adjoint sweep",
        ),
        Column(
            "rank_deficient",
            "bool",
            "-",
            "sqrt(sigma) rho_v sqrt(sigma) has a smaller rank than sigma: the "
            "gradient is taken along rho_v's support (it then equals the central "
            "finite difference, as the paper's)",
        ),
        *_BOND_RECORD,
        Column(
            "min_fidelity",
            "float64",
            "1",
            "smallest fidelity estimate of every MPS run behind the row (forward, "
            "and the sweep's forward and backward runs)",
        ),
        Column(
            "max_discarded_weight",
            "float64",
            "1",
            "largest discarded weight of those runs",
        ),
        Column("untrusted_runs", "int64", "1", "of those runs, the ones with caveats"),
        Column(
            "seconds",
            "float64",
            "s",
            "wall time of the MPS visible state, fidelity and gradient",
        ),
        Column(
            "lightcone_width",
            "int64",
            "qubits",
            "qubits in the reverse lightcone of the visible ones",
        ),
        Column(
            "dense_inf_norm",
            "float64",
            _GRAD,
            "infinity-norm of the dense (adjoint) gradient; NaN: n > dense_max",
        ),
        Column(
            "dense_deviation",
            "float64",
            _GRAD,
            "max_k |dF/d theta_k - dense| (NaN: not run)",
        ),
        Column(
            "exact_inf_norm",
            "float64",
            _GRAD,
            "infinity-norm of the exact lightcone gradient (backend='tn'); NaN: "
            "not run (n <= dense_max or cone wider than exact_width)",
        ),
        Column(
            "exact_deviation",
            "float64",
            _GRAD,
            "max_k |dF/d theta_k - exact| (NaN: not run)",
        ),
        Column("method", "str", "-", "differentiation method ('adjoint')"),
        Column("backend", "str", "-", "simulation backend ('mps')"),
        Column("seed", "str", "-", "root seed, as in the gradient_variance table"),
    ),
)

#: table of :func:`tnbp.ensembles.visible_states.visible_summary`
VISIBLE_SUMMARY = TableSchema(
    "visible_summary",
    "(family, n, layers)",
    (
        Column("family", "str", "-", _FAMILY),
        Column("n", "int64", "qubits", "number of qubits"),
        Column("layers", "int64", "1", "layers of the circuits"),
        Column("n_visible", "int64", "qubits", "visible qubits"),
        Column(
            "quantity",
            "str",
            "-",
            "the summarized column (its unit is that of mean; its square that of "
            "variance)",
        ),
        Column("samples", "int64", "1", "instances"),
        Column("mean", "float64", "quantity", "sample mean over instances"),
        Column(
            "mean_se",
            "float64",
            "quantity",
            "standard error of mean (ddof=1); NaN for one instance",
        ),
        Column(
            "variance",
            "float64",
            "quantity^2",
            "sample variance (ddof=1) over instances; NaN for one",
        ),
        Column(
            "variance_se",
            "float64",
            "quantity^2",
            "standard error of variance (fourth central moment); NaN below 4",
        ),
        Column("trusted", "bool", "-", "every instance trusted"),
        Column("untrusted", "int64", "1", "instances not trusted"),
        Column("max_bond", "int64", "1", "MPS bond-dimension cap"),
        Column(
            "max_bond_reached", "int64", "1", "largest bond reached by any instance"
        ),
        Column(
            "min_fidelity_estimate",
            "float64",
            "1",
            "smallest fidelity estimate of any instance's forward run",
        ),
        Column(
            "dense_deviation",
            "float64",
            "quantity",
            "largest deviation from the dense reference (NaN: none run)",
        ),
        Column(
            "exact_deviation",
            "float64",
            "quantity",
            "largest deviation from the exact lightcone reference (NaN: none run)",
        ),
        Column("max_seconds", "float64", "s", "longest MPS computation of an instance"),
    ),
)

#: every public table, by the name of what writes it
TABLES = {
    t.name: t
    for t in (
        GRADIENT_VARIANCE,
        QBM_GRADIENT_VARIANCE,
        FIDELITY_GRADIENT_VARIANCE,
        QBM_TRACE_DISTANCE_GRADIENT,
        DQNN_GRADIENT_VARIANCE,
        TRAIN_ENSEMBLE,
        VISIBLE_DISTANCE,
        FIDELITY_GRADIENT,
        VISIBLE_SUMMARY,
        QNTK_ENSEMBLE,
        QNTK_SUMMARY,
        TRACE_DISTANCE_ENSEMBLE,
        TRACE_DISTANCE_SUMMARY,
        VISIBLE_ENTANGLEMENT,
        ENTANGLEMENT_LAW_SUMMARY,
        QBM_GRADIENT_PROFILE,
        QBM_GRADIENT_PROFILE_SUMMARY,
    )
}
