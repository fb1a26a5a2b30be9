r"""Cost of a DQNN of perceptron matrices and its derivative :math:`\partial_s C` (eq. 13).

With every perceptron updated at once, :math:`V_k(s) = e^{i s H_k} V_k`
(:mod:`tnbp.models.dqnn_matrices`; ``k`` runs over the perceptrons in the
order they act), the pure state of pair ``x`` over the whole network is
:math:`|\Psi_x(s)\rangle = V_K(s) \cdots V_1(s) |\phi_x^{in}, 0\rangle` and
:math:`C(s) = \frac1N \sum_x \langle\Psi_x(s)| O_x |\Psi_x(s)\rangle` (eq. 2,
with the global or local :math:`O_x` of eqs. 3-4 on the output layer). At
:math:`s = 0`,

.. math::

    \partial_s C = \frac1N \sum_x \sum_k i \langle\phi_{x,k}| [O_{x,k}, H_k]
    |\phi_{x,k}\rangle
    = -\frac2N \sum_{x,k} \mathrm{Im} \langle\lambda_{x,k}| H_k
    |\phi_{x,k}\rangle,

with :math:`|\phi_{x,k}\rangle` the state right after perceptron ``k``,
:math:`O_{x,k} = W_k^\dagger O_x W_k` the cost pulled back through the later
perceptrons :math:`W_k = V_K \cdots V_{k+1}`, and
:math:`|\lambda_{x,k}\rangle = O_{x,k}|\phi_{x,k}\rangle`. One forward pass
gives :math:`|\Psi_x\rangle`; a backward pass applies :math:`V_k^\dagger` to
:math:`|\phi\rangle` and :math:`|\lambda\rangle` and collects each term (the
adjoint method), for all training pairs at once as a batch. Dense and exact:
the register (all layers) is held as a statevector, so the network may have
at most :data:`~tnbp.limits.MAX_DENSE_QUBITS` qubits.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_real
from ..limits import MAX_DENSE_QUBITS
from ..models.dqnn import DQNN
from ..models.dqnn_matrices import (
    check_generators,
    check_unitaries,
    perceptron_qubits,
    perceptron_unitaries,
    update_unitaries,
)
from ..states.dense import apply_matrix
from .adjoint import _apply_observable

__all__ = ["dqnn_matrix_cost", "dqnn_matrix_derivative"]


def _setup(net, inputs, targets, cost, unitaries):
    """Validated perceptron matrices and qubits, input states (N, 2..2) and costs."""
    if not isinstance(net, DQNN):
        raise TypeError(f"`net` must be a tnbp.DQNN, got {type(net).__name__}.")
    if net.n > MAX_DENSE_QUBITS:
        raise ValueError(
            f"`net` has {net.n} qubits; the dense matrix route holds at most "
            f"MAX_DENSE_QUBITS = {MAX_DENSE_QUBITS}."
        )
    problems = net.training_problems(inputs, targets, cost=cost)
    mats = (
        perceptron_unitaries(net)
        if unitaries is None
        else check_unitaries(unitaries, net, name="unitaries")
    )
    psi = np.zeros((len(problems),) + (2,) * net.n, dtype=complex)
    psi[(slice(None),) + (0,) * net.n] = 1.0
    skip = len(net.circuit)  # each pair's circuit: preparation, then the network
    for x, (circ, _) in enumerate(problems):
        for g in circ.gates[: len(circ) - skip]:
            psi[x] = apply_matrix(psi[x], g.to_matrix(), g.qubits)
    qubits = [tuple(1 + q for q in perceptron_qubits(p)) for p in net.perceptrons]
    return mats, qubits, psi, [obs for _, obs in problems]


def _forward(psi, mats, qubits):
    for V, axes in zip(mats, qubits):
        psi = apply_matrix(psi, V, axes)
    return psi


def _observe(observables, psi):
    r""":math:`O_x|\Psi_x\rangle` for each pair ``x`` of the batch."""
    return np.stack(
        [_apply_observable(o, p[None])[0] for o, p in zip(observables, psi)]
    )


def dqnn_matrix_cost(
    net: DQNN,
    inputs,
    targets,
    *,
    cost: str = "global",
    unitaries=None,
    generators=None,
    eps: float = 0.0,
) -> float:
    r"""The training cost (eq. 2) of a network of perceptron matrices, optionally updated (eq. 13).

    Parameters
    ----------
    net : DQNN
        The network: its layers, perceptron placement and (by default) its
        perceptrons' matrices at the current angles.
    inputs : sequence
        ``N`` input states, each as in :meth:`tnbp.DQNN.preparation`.
    targets : sequence
        ``N`` product targets, each a string of ``0 1 + -`` or an
        ``(n_out, 2)`` array of kets.
    cost : {"global", "local"}, optional
        :math:`O_x^G` of eq. (3) or :math:`O_x^L` of eq. (4).
    unitaries : sequence of numpy.ndarray, optional
        One unitary per perceptron on :func:`tnbp.perceptron_qubits` (default:
        :func:`tnbp.perceptron_unitaries` of ``net``).
    generators : sequence of numpy.ndarray, optional
        One Hermitian generator per perceptron with
        :math:`\mathrm{Tr} H^2 \le 2^m`; with ``eps`` the perceptrons are
        :math:`e^{i \varepsilon H_k} V_k`.
    eps : float, optional
        The step :math:`\varepsilon`, finite (unused without ``generators``).

    Returns
    -------
    float
        :math:`C \in [0, 1]`, exact (dense).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, ``eps`` is not real, or an
        argument has the wrong type.
    ValueError
        If ``net`` has more than :data:`~tnbp.limits.MAX_DENSE_QUBITS` qubits,
        ``inputs`` is empty, ``targets`` has another length or a target of the
        wrong length, ``cost`` is unknown, ``eps`` is not finite, or
        ``unitaries`` or ``generators``
        do not hold one valid matrix per perceptron (shape, unitarity,
        Hermiticity, norm bound; the message names the entry).

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eqs. (1)-(4) and (13).

    Examples
    --------
    >>> import tnbp
    >>> net = tnbp.DQNN((2, 2), "toy").bind([0.0, 0.0])
    >>> abs(float(tnbp.dqnn_matrix_cost(net, ["+1"], ["+1"]))) < 1e-12  # zero up to rounding
    True
    """
    eps = check_real(eps, "eps")  # also without generators: no silent nan
    mats, qubits, psi, observables = _setup(net, inputs, targets, cost, unitaries)
    if generators is not None:
        mats = update_unitaries(mats, check_generators(generators, net), eps)
    psi = _forward(psi, mats, qubits)
    lam = _observe(observables, psi)
    return float(np.vdot(psi, lam).real / len(psi))


def dqnn_matrix_derivative(
    net: DQNN,
    inputs,
    targets,
    generators,
    *,
    cost: str = "global",
    unitaries=None,
) -> float:
    r""":math:`\partial_s C` at :math:`s = 0`, all perceptrons updated by eq. (13).

    One forward and one backward pass over the perceptrons (see
    :mod:`tnbp.gradients.dqnn_matrix`), all training pairs at once.

    Parameters
    ----------
    net : DQNN
        The network (as in :func:`dqnn_matrix_cost`).
    inputs : sequence
        ``N`` input states, each as in :meth:`tnbp.DQNN.preparation`.
    targets : sequence
        ``N`` product targets.
    generators : sequence of numpy.ndarray
        One Hermitian generator :math:`H_k` per perceptron, shape
        ``(2^m, 2^m)`` on :func:`tnbp.perceptron_qubits`, with
        :math:`\mathrm{Tr} H_k^2 \le 2^m` (e.g. :func:`tnbp.random_generators`).
    cost : {"global", "local"}, optional
        :math:`O_x^G` of eq. (3) or :math:`O_x^L` of eq. (4).
    unitaries : sequence of numpy.ndarray, optional
        The perceptrons :math:`V_k` (default: those of ``net``).

    Returns
    -------
    float
        :math:`\partial_s C` (dimensionless per unit of :math:`s`), exact.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN` or an argument has the wrong
        type.
    ValueError
        As :func:`dqnn_matrix_cost`.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eqs. (2)-(4), (13) and
       Theorem 2 (eq. 14).
    """
    mats, qubits, psi, observables = _setup(net, inputs, targets, cost, unitaries)
    gens = check_generators(generators, net)
    psi = _forward(psi, mats, qubits)
    lam = _observe(observables, psi)
    total = 0.0
    for V, H, axes in zip(mats[::-1], gens[::-1], qubits[::-1]):
        total += -2.0 * np.vdot(lam, apply_matrix(psi, H, axes)).imag
        Vd = V.conj().T
        psi, lam = apply_matrix(psi, Vd, axes), apply_matrix(lam, Vd, axes)
    return float(total / len(psi))
