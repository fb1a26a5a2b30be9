r"""Gradient-descent training on the mean-square loss, with Gaussian angle noise.

The training loop of Liu, Lin and Jiang [1]_: the residual
:math:`\varepsilon = \langle O\rangle - O_0` of the loss
:math:`\mathcal{L} = \tfrac12\varepsilon^2` (eq. 16) is driven down by
gradient descent (eqs. 1 and 12),

.. math::

    \theta_\ell(t+1) = \theta_\ell(t) - \eta\, \varepsilon(t)\,
    \frac{\partial\varepsilon}{\partial\theta_\ell}(t) + \Delta\theta_\ell(t),
    \qquad \Delta\theta_\ell(t) \sim \mathcal{N}(0, \sigma^2)

with Markovian Gaussian angle noise, independent across angles and steps
(eqs. 28 and 59). Along the run the quantum neural tangent kernel
:math:`K = \sum_\ell (\partial\varepsilon/\partial\theta_\ell)^2` (eq. 18)
comes for free from the gradient the update uses.

Convention: tnbp's rotations are :math:`e^{-i\theta P/2}`, the paper's are
:math:`e^{i\theta_{\rm p} X}`, so :math:`\theta_{\rm p} = -\theta/2` and every
:math:`K`, :math:`\eta` and :math:`\sigma` here is in tnbp's angles. The same
trajectory in the paper's angles has :math:`K_{\rm p} = 4K`,
:math:`\eta_{\rm p} = \eta/4` and :math:`\sigma_{\rm p} = \sigma/2`; the
products :math:`\eta K` and :math:`\sigma^2/\eta` that the predictions of
:mod:`tnbp.references.theory` depend on are the same in both conventions.

References
----------
.. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
   machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
   doi:10.1088/2632-2153/ad35a3, arXiv:2206.09313, eqs. (1), (12), (16),
   (18), (28), (59).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._checks import as_rng, check_bitstring, check_int, check_real
from ..estimators.expectation import observable_value
from ..models.circuit import Circuit
from ..models.operators import as_observable
from ..references.theory import DIVERGENT_ETA_KERNEL
from ..states.simulate import check_sim_opts, simulate
from .api import check_method, gradient

#: columns of the table :func:`train` returns, in order
TRAJECTORY_COLUMNS = ("step", "residual", "loss", "qntk", "theta_norm")


class OvershootWarning(RuntimeWarning):
    r"""A training run reached :math:`\eta K(t) \ge 2`: gradient descent overshoots.

    Warned by :func:`train` once per run. Its own class, so that a study that
    records the divergence (:func:`tnbp.theory.descent_diverges` on the run's
    :math:`\eta` and :math:`K`) can silence it and nothing else.
    """


def _nonnegative(value, name: str, *, positive: bool) -> float:
    value = check_real(value, name)
    if value < 0 or (positive and value == 0):
        raise ValueError(
            f"`{name}` must be {'> 0' if positive else '>= 0'}, got {value}."
        )
    return value


def train(
    circuit: Circuit,
    observable,
    target: float,
    learning_rate: float,
    steps: int,
    angle_noise: float = 0.0,
    seed=None,
    *,
    qntk_every: int = 1,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial: str | None = None,
):
    r"""Train ``circuit`` by gradient descent on :math:`\tfrac12(\langle O\rangle - O_0)^2`.

    Each step computes the residual :math:`\varepsilon` and its gradient
    with :func:`tnbp.gradient`, moves every trainable angle by
    :math:`-\eta\,\varepsilon\,\partial_\ell\varepsilon` and, if
    ``angle_noise > 0``, adds independent :math:`\mathcal{N}(0, \sigma^2)`
    noise to every angle (eqs. 1, 12, 28 of [1]_). ``circuit`` itself is not
    changed.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its initial angles :math:`\theta(0)` (radians, rotations
        :math:`e^{-i\theta P/2}`).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, acting inside ``0..circuit.n - 1``.
    target : float
        :math:`O_0`, real and finite, in the units of :math:`O`.
    learning_rate : float
        :math:`\eta > 0`, in tnbp's angles (the paper's is :math:`\eta/4`);
        radians squared per unit of :math:`O` squared.
    steps : int
        Number of updates :math:`T \ge 1`.
    angle_noise : float, optional
        Standard deviation :math:`\sigma \ge 0` of the angle noise, radians
        (the paper's :math:`\sigma_\theta` is :math:`\sigma/2`); 0 (default)
        for noiseless descent.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Seed of the noise (see ``tnbp._checks.as_rng``); the same seed
        gives the same table.
    qntk_every : int, optional
        Record :math:`K(t)` at the steps ``t`` divisible by ``qntk_every``
        (``>= 1``; default every step, where it costs nothing: the update
        needs the gradient anyway), NaN elsewhere.
    backend : {"dense", "mps", "tn"}, optional
        Where :math:`\langle O\rangle` and its gradient are computed.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        Gradient method (None: the backend's best, see :func:`tnbp.gradient`).
    sim_opts : dict, optional
        Simulation options (dense and mps backends), as in
        :func:`tnbp.gradient`.
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).

    Returns
    -------
    pandas.DataFrame
        ``steps + 1`` rows, one per step ``t = 0..steps`` before the update
        of that step, with columns ``step`` (int64), ``residual``
        (:math:`\varepsilon(t)`, float64, units of :math:`O`), ``loss``
        (:math:`\varepsilon^2/2`), ``qntk`` (:math:`K(t)` in tnbp's angles,
        units of :math:`O^2` per radian squared, the paper's is :math:`4K`;
        NaN at steps not recorded) and ``theta_norm``
        (:math:`\lVert\theta(t)\rVert_2`, radians). The final angles are in
        ``table.attrs["parameters"]``.

    Raises
    ------
    TypeError
        If ``circuit`` is not a Circuit, ``target``, ``learning_rate`` or
        ``angle_noise`` is not a real number, ``steps`` or ``qntk_every`` is
        not an int, or ``seed``, ``observable``, ``sim_opts`` or ``initial``
        has the wrong type.
    ValueError
        If ``learning_rate <= 0``, ``angle_noise < 0``, ``steps < 1``,
        ``qntk_every < 1``, ``target``, ``learning_rate`` or ``angle_noise``
        is not finite, ``observable`` acts outside the circuit, ``circuit``
        has no trainable angle, or ``backend``, ``method`` or ``sim_opts``
        are not valid options.

    Warns
    -----
    OvershootWarning
        (a RuntimeWarning) Once, at the first step with :math:`\eta K(t) \ge 2`
        (:func:`tnbp.theory.descent_diverges`): the linearized dynamics
        :math:`\varepsilon(t+1) = (1 - \eta K)\varepsilon(t)` (eq. 19) then
        do not converge, and eqs. 30-31 have no plateau.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       doi:10.1088/2632-2153/ad35a3, arXiv:2206.09313, eqs. (1), (12), (16),
       (18), (28).

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> table = tnbp.train(c, [(1.0, "Z", (0,))], 0.0, 0.5, 20)
    >>> bool(abs(table["residual"].iloc[-1]) < 1e-3)
    True
    """
    import pandas as pd

    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    obs = as_observable(observable, circuit.n)
    target = check_real(target, "target")
    eta = _nonnegative(learning_rate, "learning_rate", positive=True)
    sigma = _nonnegative(angle_noise, "angle_noise", positive=False)
    steps = check_int(steps, "steps", minimum=1)
    qntk_every = check_int(qntk_every, "qntk_every", minimum=1)
    method = check_method(method, backend)
    sim_opts = check_sim_opts(sim_opts, backend)
    initial = check_bitstring(initial, circuit.n)
    rng = as_rng(seed)
    if circuit.num_parameters == 0:
        raise ValueError("`circuit` has no trainable angle to train.")

    current = circuit.copy()
    rows = []
    overshoot = False
    for t in range(steps + 1):
        state = simulate(current, backend=backend, initial=initial, **sim_opts)
        eps = observable_value(state, obs) - target
        last = t == steps
        record = t % qntk_every == 0
        grad = None
        if record or not last:
            grad = gradient(
                current,
                obs,
                method=method,
                backend=backend,
                sim_opts=sim_opts,
                initial=initial,
            )
        theta = current.parameters
        k = np.nan if grad is None else float(grad @ grad)
        if not overshoot and eta * k >= DIVERGENT_ETA_KERNEL:  # NaN compares False
            overshoot = True  # warned once, at the first such step
            warnings.warn(
                f"train: learning_rate * K({t}) = {eta * k:.3g} >= 2: "
                "gradient descent overshoots (eq. 19's factor |1 - eta K| >= 1); "
                "lower `learning_rate`.",
                OvershootWarning,
                stacklevel=2,
            )
        kernel = k if record else np.nan
        rows.append((t, eps, eps**2 / 2, kernel, float(np.linalg.norm(theta))))
        if last:
            break
        theta = theta - eta * eps * grad
        if sigma > 0:
            theta = theta + rng.normal(0.0, sigma, size=theta.shape)
        current = current.bind(theta)
    table = pd.DataFrame(rows, columns=list(TRAJECTORY_COLUMNS))
    table["step"] = table["step"].astype("int64")
    table.attrs["parameters"] = current.parameters
    return table
