r"""Training costs of a DQNN over a data set and their gradients (arXiv:2005.12458, eq. 2).

For training pairs :math:`(|\phi_x^{in}\rangle, |\phi_x^{out}\rangle)`,
:math:`x = 1..N`, with product targets,

.. math::

    C = \frac1N \sum_{x=1}^N \mathrm{Tr}[O_x \rho_x^{out}],

with :math:`O_x` the global (eq. 3) or local (eq. 4) cost of target
:math:`x`. Each pair is one circuit (:meth:`tnbp.DQNN.training_problems`: the
input's preparation, then the network) and one observable on the output
layer; :math:`\mathrm{Tr}[O_x \rho_x^{out}]` is the expectation of
:math:`O_x` in the pure state over the whole network, so the cost is an
average of :func:`tnbp.expectation_value` and its gradient an average of
:func:`tnbp.gradient`, with every method and backend those support.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_opt
from ..estimators.estimate import Estimate
from ..estimators.expectation import expectation_value
from ..models.dqnn import DQNN
from ..states.simulate import BACKENDS, check_sim_opts, simulate
from .api import gradient

__all__ = ["dqnn_cost", "dqnn_gradient"]


def _problems(net, inputs, targets, cost):
    if not isinstance(net, DQNN):
        raise TypeError(f"`net` must be a tnbp.DQNN, got {type(net).__name__}.")
    return net.training_problems(inputs, targets, cost=cost)


def dqnn_cost(
    net: DQNN,
    inputs,
    targets,
    *,
    cost: str = "global",
    backend: str = "dense",
    sim_opts: dict | None = None,
) -> Estimate:
    r"""The training cost :math:`C = \frac1N \sum_x \mathrm{Tr}[O_x \rho_x^{out}]` (eq. 2).

    Parameters
    ----------
    net : DQNN
        The network, at its current angles.
    inputs : sequence
        ``N`` input states, each as in :meth:`tnbp.DQNN.preparation`.
    targets : sequence
        ``N`` product targets, each a string of ``0 1 + -`` or an
        ``(n_out, 2)`` array of kets.
    cost : {"global", "local"}, optional
        :math:`O_x^G` of eq. (3) or :math:`O_x^L` of eq. (4).
    backend : {"dense", "mps", "tn"}, optional
        Where each pair's state is simulated (:func:`tnbp.simulate`).
    sim_opts : dict, optional
        Passed to :func:`tnbp.simulate` (e.g. ``max_bond``, ``cutoff``; dense
        and mps only, checked by :func:`~tnbp.states.simulate.check_sim_opts`).

    Returns
    -------
    Estimate
        :math:`C \in [0, 1]` (dimensionless), with the union of the pairs'
        caveats and the mean of their truncation-error bounds (a bound on the
        mean's error).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, ``inputs``, ``targets`` or
        ``sim_opts`` has the wrong type, or ``sim_opts`` has an option
        :func:`tnbp.simulate` does not take.
    ValueError
        If ``inputs`` is empty, ``targets`` has another length or a target of
        the wrong length, ``cost`` or ``backend`` is unknown, ``sim_opts`` is
        given with ``backend="tn"`` or has a bad value.

    Warns
    -----
    TruncationWarning
        For each pair whose simulation has caveats.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eqs. (2)-(4).

    Examples
    --------
    The toy network at zero angles passes its input through: the cost of the
    identity map vanishes.

    >>> import tnbp
    >>> net = tnbp.DQNN((2, 2), "toy").bind([0.0, 0.0])
    >>> abs(float(tnbp.dqnn_cost(net, ["+1", "01"], ["+1", "01"]))) < 1e-12  # zero up to rounding
    True
    """
    check_opt("backend", backend, BACKENDS)
    opts = check_sim_opts(sim_opts, backend)
    problems = _problems(net, inputs, targets, cost)
    values = [
        expectation_value(simulate(c, backend=backend, **opts), obs)
        for c, obs in problems
    ]
    caveats = sorted({c for v in values for c in v.caveats})
    return Estimate(
        float(np.mean(values)),
        caveats,
        float(np.mean([v.truncation_error for v in values])),
    )


def dqnn_gradient(
    net: DQNN,
    inputs,
    targets,
    *,
    cost: str = "global",
    method: str = "parameter_shift",
    backend: str = "dense",
    sim_opts: dict | None = None,
    parameters=None,
) -> np.ndarray:
    r""":math:`\partial C / \partial \theta_\nu` of the training cost (eq. 2) for every angle.

    The mean over training pairs of :func:`tnbp.gradient` of
    :math:`\mathrm{Tr}[O_x \rho_x^{out}]`, eq. (7) of the paper summed over
    :math:`x`.

    Parameters
    ----------
    net : DQNN
        The network, at its current angles :attr:`tnbp.DQNN.parameters`.
    inputs : sequence
        ``N`` input states, each as in :meth:`tnbp.DQNN.preparation`.
    targets : sequence
        ``N`` product targets, each a string of ``0 1 + -`` or an
        ``(n_out, 2)`` array of kets.
    cost : {"global", "local"}, optional
        :math:`O_x^G` of eq. (3) or :math:`O_x^L` of eq. (4).
    method : {"parameter_shift", "finite_difference", "adjoint", "autodiff"}, optional
        As in :func:`tnbp.gradient`.
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.gradient`.
    sim_opts : dict, optional
        As in :func:`tnbp.gradient` (dense and mps only).
    parameters : "all", int or sequence of int, optional
        Differentiate only these parameter indices (default None: all).

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,) or (len(parameters),)
        The derivatives, per radian (the cost is dimensionless), in the order
        of :attr:`tnbp.DQNN.parameters` or of ``parameters``.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, or ``inputs``, ``targets``,
        ``parameters`` or an option has the wrong type.
    ValueError
        If ``inputs`` is empty, ``targets`` has another length or a target of
        the wrong length, ``cost``, ``method`` or ``backend`` is unknown or
        they do not combine, ``sim_opts`` is given with ``backend="tn"``, or
        ``parameters`` is out of range.
    ImportError
        If ``method="autodiff"`` and jax is not installed.

    Warns
    -----
    TruncationWarning
        For each pair whose simulations had caveats.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eqs. (2), (6) and (7).
    """
    problems = _problems(net, inputs, targets, cost)
    grads = [
        gradient(
            c,
            obs,
            method=method,
            backend=backend,
            sim_opts=sim_opts,
            parameters=parameters,
        )
        for c, obs in problems
    ]
    return np.mean(grads, axis=0)
