"""The Gibbs-state interface: a thermal state with its partition function.

Gibbs states are mixed (:attr:`GibbsState.is_pure` is False): the spectrum of
a cut is the spectrum of the reduced state of qubits ``0..cut-1``, not a
Schmidt spectrum, so its entropy is not an entanglement measure.
"""

from __future__ import annotations

import abc
import functools

import numpy as np

from ...models.pauli_sum import PauliSum
from ..base import MixedState


class GibbsState(MixedState):
    r"""A thermal state :math:`e^{-\beta H}/Z` with its partition function.

    Backends subclass it (:class:`~tnbp.states.gibbs.dense.DenseGibbsState`,
    :class:`~tnbp.states.gibbs.purified.PurifiedGibbsState`) and implement
    :meth:`reduced_density_matrix` and :attr:`record`; spectra and
    expectations follow from reduced density matrices here.

    Parameters
    ----------
    hamiltonian : PauliSum
        :math:`H`.
    beta : float
        Inverse temperature, validated, in units of 1/energy of ``H``.
    log_partition : float
        :math:`\ln Z`.

    Attributes
    ----------
    hamiltonian : PauliSum
        :math:`H`.
    beta : float
        Inverse temperature (units of 1/energy of ``hamiltonian``).
    log_partition : float
        :math:`\ln \mathrm{Tr}\, e^{-\beta H}` (natural log), the bare value;
        :func:`tnbp.log_partition` returns it as an
        :class:`~tnbp.Estimate` with its error budget.
    companion : GibbsState or None
        The Richardson companion: the same state prepared with another number
        of Trotter steps (see :func:`~tnbp.gibbs_state`), or None (exact
        states, or ``richardson=False``). Every estimator reads its quantity on
        both and reports :attr:`trotter_factor` times the difference as the
        Trotter part of the error budget.
    """

    companion: GibbsState | None = None

    def __init__(self, hamiltonian: PauliSum, beta: float, log_partition: float):
        super().__init__(hamiltonian.n)
        self.hamiltonian = hamiltonian
        self.beta = beta
        self.log_partition = float(log_partition)

    @property
    def trotter_factor(self) -> float:
        r"""Multiplier :math:`f` of the Richardson bound on the Trotter error.

        For every quantity :math:`v`, :math:`|v - v_{exact}| \le f\,|v -
        v_{companion}|` from the Trotter error (:attr:`companion`). 0 for a
        state without Trotter error (this class: exact states); NaN when the
        Trotter error is unknown (no companion).
        """
        return 0.0

    @property
    @abc.abstractmethod
    def energy_variance(self) -> float:
        r"""Energy variance :math:`\langle H^2\rangle - \langle H\rangle^2` of the state.

        Sets the truncation bound of :func:`tnbp.thermal_energy` (a perturbation
        :math:`\delta` of a normalized purification moves :math:`\langle
        H\rangle` by at most :math:`2\sigma_H\|\delta\| + 2\|H - c\|
        \|\delta\|^2`).

        Returns
        -------
        float
            :math:`\sigma_H^2 \ge 0`, in units of energy squared.
        """

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        return complex(np.trace(self._product_matrix(ops)))

    def _product_matrix(self, ops):
        qubits = tuple(sorted(ops))
        rho = self.reduced_density_matrix(qubits)
        op = functools.reduce(np.kron, [ops[q] for q in qubits], np.ones((1, 1)))
        return rho @ op


def partial_trace(rho: np.ndarray, n: int, qubits) -> np.ndarray:
    r""":math:`\mathrm{Tr}_{\bar A}\rho` for the listed qubits (in that order).

    Parameters
    ----------
    rho : numpy.ndarray, shape (2^n, 2^n)
        A matrix on ``n`` qubits, qubit 0 most significant.
    n : int
        Number of qubits.
    qubits : sequence of int
        The ``k`` distinct qubits of :math:`A`, kept in this order (the first
        listed most significant in the result).

    Returns
    -------
    numpy.ndarray of complex128, shape (2^k, 2^k)
        The reduced matrix (the dtype is that of ``rho``).
    """
    k = len(qubits)
    t = rho.reshape((2,) * (2 * n))
    rest = [q for q in range(n) if q not in qubits]
    letters = list(range(2 * n))
    for q in rest:
        letters[n + q] = letters[q]
    out = list(qubits) + [n + q for q in qubits]
    return np.einsum(t, letters, out).reshape(2**k, 2**k)
