r"""Fidelity gradients of random unitary QNNs against the number of hidden units.

arXiv:2010.15968 (Sec. VII, Theorem 3, Fig. 3b): the unitary QNN
:math:`U(\theta) = \prod_k e^{-i\theta_k H_k}` of eq. (1), its generators the
terms of the random 2-local Hamiltonian of eq. (C1) and its angles random
(:func:`tnbp.ansatz.unitary_qnn`), prepares :math:`|\psi(\theta)\rangle =
U(\theta)|0\cdots0\rangle` on ``n_visible + n_hidden`` qubits. The cost is the
fidelity :math:`F(\rho_v, \sigma)` of the visible state with a fixed thermal
target :math:`\sigma` (:func:`random_thermal_target`). By Theorem 3 its
derivatives are bounded by :math:`O(\sqrt{D_v/D_h})` for states typical of a
2-design, so the variance of the gradient's infinity-norm over random
instances falls with the hidden units. :func:`fidelity_gradient_variance`
measures it by forward finite differences, as the paper did, and exactly
(adjoint), on the same instances.

Angles: the paper's :math:`\theta_k` (:math:`e^{-i\theta_k H_k}`), so that
derivatives and the finite-difference step are per unit of :math:`\theta_k`;
tnbp's circuits hold :math:`\phi_k = 2\theta_k` (:math:`e^{-i\phi P/2}`), and
:math:`\partial_{\theta_k} = 2\,\partial_{\phi_k}`.

Runs on :mod:`tnbp.ensembles.engine`: sample ``s`` at ``n_hidden`` uses
``SeedSequence(entropy, spawn_key=(n_hidden, s))``, so results do not depend on
the executor or its worker count. The table's columns are
:data:`tnbp.results.schema.FIDELITY_GRADIENT_VARIANCE`.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd

from .._checks import (
    as_rng,
    as_seed_sequence,
    check_beta,
    check_int,
    check_int_values,
    check_real,
)
from ..gradients.api import gradient
from ..gradients.forward_difference import forward_difference_gradient
from ..limits import MAX_DENSE_GIBBS_QUBITS, MAX_DENSE_QUBITS
from ..models.ansatz import unitary_qnn
from ..models.hamiltonian import random_two_local
from ..models.losses import fidelity_cost
from ..results.schema import FIDELITY_GRADIENT_VARIANCE
from ..states.gibbs import gibbs_state
from ..states.simulate import simulate
from .engine import Chunk, check_samples, chunks, run_tasks, seed_label
from .statistics import inf_norm_comparison

#: the exact gradient's method (one forward and one backward sweep)
EXACT_METHOD = "adjoint"


def random_thermal_target(
    n_visible: int,
    *,
    beta: float = 1.0,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    seed=None,
) -> np.ndarray:
    r"""The fixed thermal target of Fig. 3b: :math:`e^{-\beta H}/Z` on the visible qubits.

    :math:`H` is the random 2-local Hamiltonian of eq. (C1) on the
    ``n_visible`` qubits (:func:`tnbp.hamiltonian.random_two_local`, not
    normalized), its Gibbs state computed exactly.

    Parameters
    ----------
    n_visible : int
        Visible qubits, ``1 <= n_visible <= MAX_DENSE_GIBBS_QUBITS``. With one
        qubit, :math:`H` has onsite terms only and :math:`\sigma` is within
        about ``beta * onsite_std`` of :math:`I/2`.
    beta : float, optional
        Inverse temperature :math:`\beta \ge 0`, in units of 1/energy of
        :math:`H`.
    onsite_std, offsite_std : float, optional
        Standard deviations of the onsite and offsite coefficients (defaults:
        the paper's variances 0.01 and 1).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of :math:`H`.

    Returns
    -------
    numpy.ndarray of complex128, shape (2^n_visible, 2^n_visible)
        :math:`\sigma`, full rank, qubit 0 most significant.

    Raises
    ------
    TypeError
        If ``n_visible`` is not an integer, ``beta`` or a standard deviation is
        not a real number, or ``seed`` has the wrong type.
    ValueError
        If ``n_visible`` is below 1 or above
        :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS`, ``beta`` is negative or
        not finite, a standard deviation is negative, or ``seed`` is negative.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. VII (the fixed thermal target of Fig. 3b) and eq. (C1).

    Examples
    --------
    >>> import numpy as np
    >>> sigma = random_thermal_target(2, seed=0)
    >>> sigma.shape, bool(np.isclose(np.trace(sigma).real, 1.0))
    ((4, 4), True)
    """
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    if n_visible > MAX_DENSE_GIBBS_QUBITS:
        raise ValueError(
            f"`n_visible` must be at most {MAX_DENSE_GIBBS_QUBITS}, got {n_visible}."
        )
    H = random_two_local(
        n_visible, onsite_std=onsite_std, offsite_std=offsite_std, seed=as_rng(seed)
    )
    return gibbs_state(H, check_beta(beta), backend="dense").rho


@dataclasses.dataclass(frozen=True)
class FidelityGradientSample:
    r"""The fidelity gradient of one random unitary QNN, two ways.

    Attributes
    ----------
    fd : numpy.ndarray of float64, shape (K,)
        :math:`[F(\theta + h e_k) - F(\theta)]/h`, per unit of the paper's
        :math:`\theta_k`, in circuit order.
    exact : numpy.ndarray of float64, shape (K,)
        :math:`\partial F/\partial\theta_k` (adjoint).
    fidelity : float
        :math:`F(\rho_v(\theta), \sigma)` at the drawn angles.
    """

    fd: np.ndarray
    exact: np.ndarray
    fidelity: float


def _fidelity_task(chunk: Chunk, seeds, *, n_visible: int, opts: dict):
    """Both gradients of the random QNNs of one chunk (``chunk.group`` hidden qubits)."""
    n = n_visible + chunk.group
    cost = fidelity_cost(opts["target"], range(n_visible))
    h = opts["step"]
    rows = []
    for seed in seeds:
        circ = unitary_qnn(
            n,
            layers=opts["layers"],
            shuffle=opts["shuffle"],
            nearest_neighbour=opts["nearest_neighbour"],
            seed=np.random.default_rng(seed),
        )
        # the paper's theta_k = phi_k / 2: a step h in theta is 2h in phi, and
        # d/d theta = 2 d/d phi
        fd = 2 * forward_difference_gradient(circ, cost, step=2 * h)
        exact = 2 * gradient(circ, cost, method=EXACT_METHOD)
        rho = simulate(circ, backend="dense").reduced_density_matrix(cost.qubits)
        rows.append(FidelityGradientSample(fd, exact, cost.value(rho)))
    return rows


def fidelity_gradient_variance(
    n_visible: int,
    hidden_values,
    *,
    target,
    samples: int = 100,
    step: float = 1e-3,
    layers: int = 1,
    shuffle: bool = True,
    nearest_neighbour: bool = False,
    seed=None,
    executor=None,
    chunk_size: int = 4,
    progbar: bool = False,
) -> pd.DataFrame:
    r"""Variance of :math:`\|\nabla F\|_\infty` of random unitary QNNs vs hidden units (Fig. 3b).

    For each hidden-unit count, ``samples`` random unitary QNNs
    (:func:`tnbp.ansatz.unitary_qnn`: every term of eq. (C1) once per layer,
    angles :math:`\theta_k \sim U[0, 1)`) on ``n_visible + n_hidden`` qubits;
    for each, the gradient of :math:`F(\rho_v(\theta), \sigma)` by forward
    finite differences (:func:`tnbp.gradients.forward_difference.forward_difference_gradient`)
    and exactly (:func:`tnbp.gradient`, adjoint); then the mean and variance
    over instances of the infinity-norm of both. Visible qubits are
    ``0..n_visible-1``.

    Parameters
    ----------
    n_visible : int
        Visible qubits, ``1 <= n_visible <=`` :data:`~tnbp.limits.MAX_FIDELITY_QUBITS`.
    hidden_values : sequence of int
        Distinct numbers of hidden qubits, each ``>= 0``, with ``n_visible +
        max(hidden_values) <=`` :data:`~tnbp.limits.MAX_DENSE_QUBITS`.
    target : array_like
        :math:`\sigma`, a density matrix (or state vector) on the visible
        qubits, fixed for every instance (e.g. :func:`random_thermal_target`).
    samples : int, optional
        Random instances per hidden-unit count, ``>= 1``.
    step : float, optional
        The forward step :math:`h > 0` in the paper's angles :math:`\theta_k`
        (radians of :math:`e^{-i\theta_k H_k}`); truncation error
        :math:`\tfrac h2\partial_k^2F`, reported as ``max_deviation``.
    layers : int, optional
        Repetitions of the term list in the QNN, ``>= 1``.
    shuffle : bool, optional
        Apply each layer's terms in a random order (default, the paper's
        "exhaustively sampled from the individual terms"). In the fixed order
        (onsite terms, then pairs lexicographically) qubit 0 meets no gate
        after its own pairs, and its state does not thermalize: the mean trace
        distance of :math:`\rho_0` to :math:`I/2` stays near 0.4 from 1 to 6
        hidden qubits (40 instances), where the shuffled order follows
        :math:`\tfrac12\sqrt{D_v/D_h}`.
    nearest_neighbour : bool, optional
        Offsite generators on neighbouring pairs only (default: all pairs, as
        in the paper).
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        Root of the instances' seeds (sample ``s`` at ``n_hidden`` gets the
        spawn key ``(n_hidden, s)``).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        As in :func:`tnbp.gradient_variance`.
    chunk_size : int, optional
        Samples per task, ``>= 1``.
    progbar : bool, optional
        Show a progress bar over samples.

    Returns
    -------
    pandas.DataFrame
        One row per ``n_hidden``, with the columns of
        :data:`tnbp.results.schema.FIDELITY_GRADIENT_VARIANCE`: the mean,
        variance and its standard error of the infinity-norm for the finite
        differences (``_fd``) and the exact gradients (``_exact``), the
        largest deviation between them, the mean fidelity, ``num_parameters``,
        ``samples``, ``step``, ``method`` and ``seed``; derivatives per unit of
        the paper's :math:`\theta_k`.

    Raises
    ------
    TypeError
        If ``hidden_values`` is not a sequence, ``n_visible``, a hidden-unit
        count, ``samples``, ``layers`` or ``chunk_size`` is not an integer,
        ``step`` is not a real number, ``target`` is not numeric, ``seed``
        has the wrong type or ``executor`` is not one of the choices.
    ValueError
        If ``hidden_values`` is empty, repeats a value or holds a negative one,
        ``n_visible``, ``samples``, ``layers`` or ``chunk_size`` is below 1,
        ``samples`` is above :data:`tnbp.limits.MAX_SAMPLES`, the largest
        circuit has more than :data:`~tnbp.limits.MAX_DENSE_QUBITS` qubits,
        ``target`` is not a state of ``n_visible`` qubits (or ``n_visible`` is
        above :data:`~tnbp.limits.MAX_FIDELITY_QUBITS`), ``step`` is not
        positive and finite, ``seed`` is negative, or ``executor`` is an
        unknown name or was shut down.

    Warns
    -----
    RuntimeWarning
        From :meth:`tnbp.observables.FidelityCost.linearized`, when
        :math:`F` is not differentiable at an instance (a rank-deficient
        :math:`\sqrt\sigma\rho_v\sqrt\sigma`, e.g. with no hidden qubit and a
        full-rank target).

    See Also
    --------
    random_thermal_target : The paper's target.
    tnbp.fit_exponential_decay : Fit the decay of the variances with ``n_hidden``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       eq. (1) (the unitary QNN), Theorem 3 (its Lipschitz constant
       :math:`O(\sqrt{D_v/D_h})`), Sec. VII and Fig. 3b (the fidelity
       gradient by finite differences, 1000 instances per point) and eq. (C1).

    Examples
    --------
    >>> import tnbp
    >>> from tnbp.ensembles.fidelity_gradients import random_thermal_target
    >>> df = tnbp.fidelity_gradient_variance(
    ...     1, [1, 2], target=random_thermal_target(1, seed=0), samples=4, seed=0,
    ...     executor="serial")
    >>> df.num_parameters.tolist(), bool((df.max_deviation < 1e-2).all())
    ([15, 36], True)
    """
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    hidden_values = check_int_values(hidden_values, "hidden_values", minimum=0)
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    layers = check_int(layers, "layers", minimum=1)
    if n_visible + max(hidden_values) > MAX_DENSE_QUBITS:
        raise ValueError(
            f"`hidden_values`: dense statevectors hold at most {MAX_DENSE_QUBITS} "
            f"qubits, got n_visible + {max(hidden_values)} = "
            f"{n_visible + max(hidden_values)}."
        )
    target = fidelity_cost(target, range(n_visible)).target  # checked up front
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    opts = dict(
        target=target,
        step=step,
        layers=layers,
        shuffle=bool(shuffle),
        nearest_neighbour=bool(nearest_neighbour),
    )
    root = as_seed_sequence(seed)
    results = run_tasks(
        functools.partial(_fidelity_task, n_visible=n_visible, opts=opts),
        chunks(hidden_values, samples, chunk_size),
        seed=root,
        executor=executor,
        progbar=progbar,
        desc="fidelity gradients",
    )
    return FIDELITY_GRADIENT_VARIANCE.frame(
        dict(
            n_visible=n_visible,
            n_hidden=h,
            num_parameters=rows[0].fd.size,
            samples=len(rows),
            step=step,
            fidelity_mean=float(np.mean([r.fidelity for r in rows])),
            **inf_norm_comparison(
                np.stack([r.fd for r in rows]), np.stack([r.exact for r in rows])
            ),
            method=EXACT_METHOD,
            seed=seed_label(root),
        )
        for h, rows in results.items()
    )
