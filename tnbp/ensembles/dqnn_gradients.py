r"""DQNN gradient statistics over random initializations, against the layer size.

Theorems 1 and 2 of arXiv:2005.12458 bound the variance, over randomly
initialized perceptrons, of two derivatives of the training cost (eq. 2):

``derivative="angle"``
    :math:`\partial C/\partial\theta_\nu` for an angle of a perceptron of the
    form of eq. (5) (eqs. 6-7): Theorem 1, for deep global perceptrons,
    :math:`\mathrm{Var} \in O(2^{-2n})` for the global cost (eq. 9) and
    :math:`O(2^{-n})` for the local cost (eq. 10).
``derivative="matrix"``
    :math:`\partial_s C` at :math:`s = 0` when every perceptron is updated by
    :math:`e^{i s H_j^l}` (eq. 13; :func:`tnbp.dqnn_matrix_derivative`), with
    a fresh random generator per perceptron at the norm bound
    (:func:`tnbp.random_generators`): Theorem 2,
    :math:`\mathrm{Var} \in O(2^{-n})` for both costs (eq. 14). The mean is
    zero when a perceptron is a 1-design (the paper's remark before Theorem 2).

:func:`dqnn_gradient_variance` draws ``samples`` networks per size ``n``
(``tnbp.DQNN(widths(n), perceptron, seed=rng)``) and returns the mean, the
variance and their standard errors. It runs on :mod:`tnbp.ensembles.engine`:
sample ``s`` at ``n`` uses ``SeedSequence(entropy, spawn_key=(n, s))`` (the
network first, then the generators), so results do not depend on the
executor. The table's columns are
:data:`tnbp.results.schema.DQNN_GRADIENT_VARIANCE`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator

import numpy as np
import pandas as pd

from .._checks import as_seed_sequence, check_int_values, check_opt
from ..gradients.api import check_method
from ..gradients.dqnn import dqnn_gradient
from ..gradients.dqnn_matrix import dqnn_matrix_derivative
from ..models.dqnn import COSTS, DQNN, check_dqnn
from ..models.dqnn_matrices import random_generators
from ..results.schema import DQNN_GRADIENT_VARIANCE
from .circuit_gradients import _selection
from .engine import Chunk, check_samples, chunks, run_tasks, seed_label
from .statistics import sample_stats

DERIVATIVES = ("angle", "matrix")


@dataclasses.dataclass(frozen=True)
class DQNNGradientSample:
    r"""What one random network contributes to the rows of its ``n``.

    Attributes
    ----------
    widths : tuple of int
        The network's layer widths.
    parameters : numpy.ndarray of int64, shape (k,)
        The reported angle indices (``[-1]`` for the matrix derivative).
    values : numpy.ndarray of float64, shape (k,)
        The derivatives: :math:`\partial C/\partial\theta_k` per radian, or
        :math:`\partial_s C`.
    """

    widths: tuple[int, ...]
    parameters: np.ndarray
    values: np.ndarray


def _data(spec, n: int, default):
    """Inputs or targets at ``n``: a callable of ``n``, a sequence, or the default."""
    if spec is None:
        return default
    data = spec(n) if callable(spec) else spec
    return list(data) if isinstance(data, Iterator) else data  # read a generator once


def _materialize(spec, name: str):
    """Training data as given, an iterator read into a list once (not per sample)."""
    if isinstance(spec, (dict, set, frozenset)):
        raise TypeError(
            f"`{name}` must be a sequence (one entry per training pair) or a "
            f"callable of n, got {type(spec).__name__}."
        )
    return list(spec) if isinstance(spec, Iterator) else spec


def _dqnn_task(chunk: Chunk, seeds, *, opts: dict) -> list[DQNNGradientSample]:
    """The derivatives of the random networks of one chunk (``chunk.group`` = n)."""
    n = chunk.group
    widths = opts["widths"][n]
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        net = DQNN(
            widths,
            opts["perceptron"],
            seed=rng,
            perceptron_opts=opts["perceptron_opts"],
        )
        inputs = _data(opts["inputs"], n, [None])
        targets = _data(opts["targets"], n, ["0" * widths[-1]])
        if opts["derivative"] == "matrix":
            value = dqnn_matrix_derivative(
                net,
                inputs,
                targets,
                random_generators(net, seed=rng),
                cost=opts["cost"],
            )
            idx, values = np.array([-1]), np.array([value])
        else:
            selection = _selection(opts["parameters"], n, net.num_parameters)
            idx = (
                np.arange(net.num_parameters)
                if selection is None
                else np.array(selection) % net.num_parameters
            )
            values = dqnn_gradient(
                net,
                inputs,
                targets,
                cost=opts["cost"],
                method=opts["method"],
                backend=opts["backend"],
                parameters=selection,
            )
        rows.append(DQNNGradientSample(widths, idx, np.asarray(values, dtype=float)))
    return rows


def _records(n: int, rows: list[DQNNGradientSample], labels: dict):
    """The table rows of one ``n``: one per reported parameter."""
    values = np.array([r.values for r in rows])
    out = []
    for col, k in enumerate(rows[0].parameters):
        g = values[:, col]
        stats = sample_stats(g)
        se = g.std(ddof=1) / np.sqrt(len(g)) if len(g) > 1 else float("nan")
        out.append(
            dict(
                n=n,
                widths=",".join(map(str, rows[0].widths)),
                parameter=int(k),
                mean_se=float(se),
                samples=len(g),
                **stats,
                **labels,
            )
        )
    return out


def dqnn_gradient_variance(
    widths,
    n_values,
    *,
    perceptron: str = "global",
    derivative: str = "angle",
    cost: str = "global",
    inputs=None,
    targets=None,
    samples: int = 200,
    parameters=None,
    perceptron_opts: dict | None = None,
    method: str | None = None,
    backend: str = "dense",
    seed=None,
    executor=None,
    chunk_size: int = 8,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Statistics of DQNN cost derivatives over random initializations, for each size.

    Parameters
    ----------
    widths : callable
        ``widths(n)`` returns the layer widths :math:`(n_{in}, \dots, n_{out})`
        at size ``n`` (e.g. ``lambda n: (n, n)``; Theorems 1-2 take
        :math:`n_{in} = n_{out} = n`).
    n_values : sequence of int
        Distinct sizes, each ``>= 1``.
    perceptron : {"toy", "local", "global"}, optional
        The perceptron kind of :class:`tnbp.DQNN` (default ``"global"``, the
        deep 2-design perceptrons of Theorems 1 and 2).
    derivative : {"angle", "matrix"}, optional
        :math:`\partial C/\partial\theta_\nu` (eqs. 6-7) or :math:`\partial_s C`
        of the parameter matrix multiplication (eq. 13), see
        :mod:`tnbp.ensembles.dqnn_gradients`.
    cost : {"global", "local"}, optional
        :math:`O_x^G` (eq. 3) or :math:`O_x^L` (eq. 4).
    inputs : None, sequence or callable, optional
        The ``N`` training inputs (each as in :meth:`tnbp.DQNN.preparation`),
        or a callable of ``n`` returning them (default: one pair,
        :math:`|0\cdots0\rangle`); an iterator is read once, up front. Needs
        ``targets``.
    targets : None, sequence or callable, optional
        The ``N`` product targets, or a callable of ``n`` returning them
        (default: :math:`|0\cdots0\rangle` for each default input).
    samples : int, optional
        Random networks per ``n``, ``>= 1``.
    parameters : None, "all", int, sequence of int or callable, optional
        ``derivative="angle"``: the angle indices to report, as in
        :func:`tnbp.gradient_variance` (None: all; a callable is called as
        ``parameters(n)``). Must be None for ``derivative="matrix"``.
    perceptron_opts : dict, optional
        As in :class:`tnbp.DQNN` (``{"layers": D}`` for global perceptrons).
    method : None or str, optional
        ``derivative="angle"``: as in :func:`tnbp.dqnn_gradient` (None: the
        best of ``backend``). Must be None for ``derivative="matrix"`` (dense
        adjoint sweep over perceptron matrices, reported as
        ``"adjoint_matrix"``).
    backend : {"dense", "mps", "tn"}, optional
        ``derivative="angle"``: as in :func:`tnbp.dqnn_gradient`. Must be
        ``"dense"`` for ``derivative="matrix"``.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        As in :func:`tnbp.gradient_variance`: sample ``s`` at ``n`` gets the
        spawn key ``(n, s)``.
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`tnbp.gradient_variance`; with a standard-library process
        pool ``widths``, ``inputs``, ``targets`` and ``parameters`` must
        pickle.
    chunk_size : int, optional
        Samples per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, parameter)`` (``parameter = -1`` for the matrix
        derivative), with the columns of
        :data:`tnbp.results.schema.DQNN_GRADIENT_VARIANCE`: ``n, widths,
        derivative, parameter, cost, mean, mean_se, variance, variance_se,
        samples, variance_ess, variance_reliable, training_pairs, perceptron,
        method, backend, seed``.

    Raises
    ------
    TypeError
        If ``widths`` is not callable or ``widths(n)`` is not a sequence of
        ints, ``perceptron`` is a callable (use :func:`tnbp.gradient_variance`),
        ``n_values`` is not a sequence of ints, ``samples`` or ``chunk_size``
        is not an int, ``inputs`` or ``targets`` is a dict or set, ``seed``
        has the wrong type, or ``executor`` is not one of the choices.
    ValueError
        If ``n_values`` is empty, repeats a value or holds one below 1,
        ``samples`` or ``chunk_size`` is below 1, ``samples`` is above
        :data:`tnbp.limits.MAX_SAMPLES`, ``widths(n)`` is not valid for
        ``perceptron`` or gives more than :data:`tnbp.limits.MAX_DQNN_GATES`
        gates, ``perceptron_opts`` is invalid, ``inputs`` is given without
        ``targets``, ``perceptron``, ``derivative``, ``cost``, ``method`` or
        ``backend`` is not one of the options (or ``derivative="matrix"`` is
        given ``parameters``, ``method`` or a backend other than dense), or
        ``seed`` is negative: all before any sample runs. Errors of the
        training data (e.g. targets of the wrong length) or ``parameters(n)``
        are raised by the first task that meets them, naming the argument.

    See Also
    --------
    tnbp.gradient_variance : The same for circuits with one observable.
    tnbp.fit_exponential_decay : Fit the decay of the variances with ``n``.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458: eqs. (2)-(4) (the costs), (6)-(7)
       (the angle derivative and its variance), Theorem 1 (eqs. 9-10), eq. (13)
       and Theorem 2 (eq. 14).

    Examples
    --------
    >>> import tnbp
    >>> df = tnbp.dqnn_gradient_variance(
    ...     lambda n: (n, n), [1, 2], derivative="matrix", samples=4,
    ...     seed=0, executor="serial")
    >>> df[["n", "widths", "parameter", "samples"]]
       n widths  parameter  samples
    0  1    1,1         -1        4
    1  2    2,2         -1        4
    """
    if not callable(widths):
        raise TypeError(
            "`widths` must be a callable widths(n) -> (n_in, ..., n_out), got "
            f"{type(widths).__name__}."
        )
    n_values = check_int_values(n_values, "n_values", minimum=1)
    samples = check_samples(samples)
    tasks = chunks(n_values, samples, chunk_size)
    if callable(perceptron) and not isinstance(perceptron, str):
        raise TypeError(
            "`perceptron` must be one of 'toy', 'local', 'global'; for your own "
            "perceptrons use tnbp.gradient_variance(build, ...) with build(n, "
            "seed=rng) returning tnbp.DQNN(widths, perceptron, seed=rng)"
            ".with_input(...) and observable=net.cost(...)."
        )
    check_opt("perceptron", perceptron, ("toy", "local", "global"))
    check_opt("derivative", derivative, DERIVATIVES)
    check_opt("cost", cost, COSTS)
    # every network's shape (and size limit) and options now, not in a task
    shapes = {
        n: check_dqnn(
            widths(n), perceptron, perceptron_opts=perceptron_opts, name=f"widths({n})"
        )[0]
        for n in n_values
    }
    if derivative == "matrix":
        for name, value, default in (
            ("parameters", parameters, None),
            ("method", method, None),
            ("backend", backend, "dense"),
        ):
            if value is not default and not (
                isinstance(value, str) and value == default
            ):
                raise ValueError(
                    f"`{name}` is for derivative='angle'; derivative='matrix' is a "
                    f"dense adjoint sweep over perceptrons, got {name}={value!r}."
                )
        method = "adjoint_matrix"
    else:
        method = check_method(method, backend)
    if inputs is not None and targets is None:
        raise ValueError(
            "`targets` must be given with `inputs` (one product target per input); "
            "the default target |0...0> is for the default input only."
        )
    inputs, targets = _materialize(inputs, "inputs"), _materialize(targets, "targets")
    opts = dict(
        widths=shapes,
        perceptron=perceptron,
        perceptron_opts=perceptron_opts,
        derivative=derivative,
        cost=cost,
        inputs=inputs,
        targets=targets,
        parameters=parameters,
        method=method,
        backend=backend,
    )
    root = as_seed_sequence(seed)
    results = run_tasks(
        functools.partial(_dqnn_task, opts=opts),
        tasks,
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="dqnn gradients",
        payload="`widths`, `inputs`, `targets` and `parameters`",
    )
    pairs = {n: len(_data(inputs, n, [None])) for n in n_values}
    return DQNN_GRADIENT_VARIANCE.frame(
        record
        for n, rows in results.items()
        for record in _records(
            n,
            rows,
            dict(
                derivative=derivative,
                cost=cost,
                training_pairs=pairs[n],
                perceptron=perceptron,
                method=method,
                backend=backend,
                seed=seed_label(root),
            ),
        )
    )
