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


@dataclasses.dataclass(frozen=True)
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
            "any state simulated for the row; NaN when not tracked",
        ),
        Column(
            "untrusted_runs",
            "int64",
            "1",
            "simulations for the row whose state was not trusted (exact: truncated "
            "structures)",
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
            "seconds", "float64", "s", "wall time of the MPS simulation and estimate"
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
        DQNN_GRADIENT_VARIANCE,
        TRAIN_ENSEMBLE,
        QNTK_ENSEMBLE,
        QNTK_SUMMARY,
        VISIBLE_DISTANCE,
        FIDELITY_GRADIENT,
        VISIBLE_SUMMARY,
    )
}
