r"""Forward differences of a cost of the visible state, one batched dense sweep.

The finite-difference gradient as arXiv:2010.15968 (Sec. VII, Fig. 3b)
describes it: each parameter :math:`\theta_k` is shifted on its own by a step
:math:`h` and the cost of the shifted model is compared with the cost at
:math:`\theta`,

.. math::

    \widehat{\partial_k C} = \frac{C(\rho_v(\theta + h e_k)) - C(\rho_v(\theta))}{h}
    = \partial_k C + \frac h2\,\partial_k^2 C + O(h^2),

with :math:`\rho_v = \mathrm{Tr}_h |\psi(\theta)\rangle\langle\psi(\theta)|` the
visible state and :math:`C` a nonlinear cost of it (the fidelity with a
target). Unlike ``tnbp.gradient(..., method="finite_difference")``, which
takes central differences of the cost's linearization at :math:`\theta` (a
fixed observable), this evaluates the cost itself at every shifted point, as
a finite-difference code that only knows :math:`C` would.

All :math:`K` shifted states come from one sweep through the circuit: the
unshifted state :math:`|\psi\rangle` runs gate by gate beside a batch of
states, where row :math:`k` joins the batch at the rotation of parameter
:math:`k` (applied with the shifted angle to :math:`|\psi\rangle`) and then
follows every later gate, each applied to the whole batch as one batched
matrix product. That is :math:`O(K\,G\,2^n)` operations for :math:`G` gates,
as for :math:`K` separate simulations, in :math:`G` numpy calls instead of
:math:`K G`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_bitstring, check_labels, check_real
from .._threads import blas_threads_limit
from ..limits import MAX_DENSE_QUBITS
from ..models.circuit import Circuit
from ..models.gates import rotation_matrix
from ..models.losses import FidelityCost
from .adjoint import _apply

__all__ = [
    "SHIFT_BATCH_AMPLITUDES",
    "forward_difference_gradient",
    "shifted_reduced_states",
]

#: Amplitudes per batch of shifted states (rows * 2^n, complex128: 64 MiB); more
#: parameters than fit run as further sweeps
SHIFT_BATCH_AMPLITUDES = 2**22


def shifted_reduced_states(
    circuit: Circuit, qubits, *, step: float, initial: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Reduced states at :math:`\theta` and at :math:`\theta + h e_k` for every parameter.

    Dense statevectors, batched as described in
    :mod:`tnbp.gradients.forward_difference`.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its angles :attr:`tnbp.Circuit.parameters` (radians of
        :math:`e^{-i\theta P/2}`), at most :data:`~tnbp.limits.MAX_DENSE_QUBITS`
        qubits.
    qubits : sequence of int
        The kept (visible) qubits, the first listed most significant in the
        reduced matrices.
    step : float
        The shift :math:`h` of each angle, in radians; real, finite and
        non-zero (negative: backward differences).
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).

    Returns
    -------
    rho : numpy.ndarray of complex128, shape (2^v, 2^v)
        :math:`\rho_v(\theta)` for ``v = len(qubits)``.
    shifted : numpy.ndarray of complex128, shape (num_parameters, 2^v, 2^v)
        Row ``k``: :math:`\rho_v(\theta + h e_k)`, in the order of
        :attr:`tnbp.Circuit.parameters`.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``qubits`` is not a
        sequence of ints, ``step`` is not a real number or ``initial`` is not
        a string.
    ValueError
        If ``qubits`` is empty, repeats a qubit or lies outside the register,
        ``step`` is zero or not finite, ``initial`` has the wrong length or
        characters, or the circuit has more than
        :data:`~tnbp.limits.MAX_DENSE_QUBITS` qubits.

    Examples
    --------
    After :math:`R_y(\theta)`, :math:`\langle Z\rangle = \cos\theta`:

    >>> import numpy as np, tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> rho, shifted = shifted_reduced_states(c, [0], step=0.1)
    >>> z = np.diag([1, -1])
    >>> bool(np.isclose(np.trace(shifted[0] @ z).real, np.cos(0.4)))
    True
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    n = circuit.n
    if n > MAX_DENSE_QUBITS:
        raise ValueError(
            f"`circuit`: dense statevectors hold at most {MAX_DENSE_QUBITS} qubits, "
            f"got {n}."
        )
    qubits = check_labels(qubits, "qubits", allow_empty=False)
    outside = [q for q in qubits if q >= n]
    if outside:
        raise ValueError(f"`qubits` {outside} are outside the {n}-qubit register.")
    step = check_real(step, "step")
    if step == 0:
        raise ValueError("`step` must be non-zero.")
    initial = check_bitstring(initial, n)
    K = circuit.num_parameters
    rows = max(1, SHIFT_BATCH_AMPLITUDES >> n)
    shifted, psi = [], None
    with blas_threads_limit(1):  # small batched GEMMs: one thread is fastest
        for start in range(0, max(K, 1), rows):
            psi, batch = _sweep(circuit, initial, step, start, min(start + rows, K))
            shifted.append(_reduce(batch, qubits))
    return _reduce(psi, qubits)[0], np.concatenate(shifted)


def _sweep(circuit: Circuit, initial: str, step: float, start: int, stop: int):
    """The final state and the shifted states of parameters ``start..stop-1``."""
    n = circuit.n
    psi = np.zeros((1, 2**n), dtype=complex)
    psi[0, int(initial, 2)] = 1.0
    psi = psi.reshape((1,) + (2,) * n)
    batch = np.zeros((stop - start,) + (2,) * n, dtype=complex)
    k, live = 0, 0  # the next parameter; rows of the batch filled so far
    for gate in circuit.gates:
        U = gate.to_matrix()
        if live:
            batch[:live] = _apply(batch[:live], U, gate.qubits)
        if gate.trainable:
            if start <= k < stop:
                V = rotation_matrix(gate.pauli, gate.theta + step)
                batch[live] = _apply(psi, V, gate.qubits)[0]
                live += 1
            k += 1
        psi = _apply(psi, U, gate.qubits)
    return psi, batch


def _reduce(states: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    """Reduced density matrices on ``qubits`` of a batch of statevectors (B, 2, ..., 2)."""
    B = states.shape[0]
    x = np.moveaxis(states, [1 + q for q in qubits], range(1, 1 + len(qubits)))
    x = x.reshape(B, 2 ** len(qubits), 2 ** (states.ndim - 1 - len(qubits)))
    return np.matmul(x, x.conj().transpose(0, 2, 1))


def forward_difference_gradient(
    circuit: Circuit,
    cost: FidelityCost,
    *,
    step: float = 1e-4,
    initial: str | None = None,
) -> np.ndarray:
    r"""Forward differences :math:`[C(\theta + h e_k) - C(\theta)]/h` of a visible-state cost.

    The finite-difference gradient of arXiv:2010.15968, Fig. 3b: the cost is
    evaluated at every shifted point (see
    :mod:`tnbp.gradients.forward_difference`); truncation error
    :math:`\tfrac h2 \partial_k^2 C + O(h^2)`, rounding error
    :math:`O(\epsilon/h)`. Dense simulation.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its angles (radians of :math:`e^{-i\theta P/2}`).
    cost : FidelityCost
        :math:`C = F(\rho_v, \sigma)` on ``cost.qubits``
        (:func:`tnbp.observables.fidelity_cost`).
    step : float, optional
        The step :math:`h` in radians, real, finite and non-zero.
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,)
        The forward differences, in the order of :attr:`tnbp.Circuit.parameters`,
        in units of the cost per radian.

    Raises
    ------
    TypeError
        If ``cost`` is not a :class:`~tnbp.observables.FidelityCost`, or as
        :func:`shifted_reduced_states` (``circuit``, ``step``, ``initial``).
    ValueError
        As :func:`shifted_reduced_states` (``cost.qubits`` outside the
        register, a zero or non-finite ``step``, a bad ``initial``, too many
        qubits).

    See Also
    --------
    tnbp.gradient : Exact gradients of the same cost (``method="adjoint"``).

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. VII and Fig. 3b (the fidelity gradient by finite differences).

    Examples
    --------
    The fidelity of :math:`R_y(\theta)|0\rangle` with :math:`|0\rangle` is
    :math:`\cos^2(\theta/2)`, of derivative :math:`-\sin(\theta)/2`:

    >>> import numpy as np, tnbp
    >>> c = tnbp.Circuit(2); c.ry(0.3, 0); c.cnot(0, 1)
    >>> cost = tnbp.observables.fidelity_cost([1.0, 0.0], [0])
    >>> g = forward_difference_gradient(c, cost, step=1e-6)
    >>> bool(np.isclose(g[0], -np.sin(0.3) / 2, atol=1e-6))
    True
    """
    if not isinstance(cost, FidelityCost):
        raise TypeError(
            f"`cost` must be a tnbp.observables.FidelityCost, got {type(cost)!r}."
        )
    rho, shifted = shifted_reduced_states(
        circuit, cost.qubits, step=step, initial=initial
    )
    return (cost.values(shifted) - cost.value(rho)) / step
