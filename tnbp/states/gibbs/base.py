"""The Gibbs-state interface: a thermal state with its partition function."""

from __future__ import annotations

import functools

import numpy as np

from ...models.hamiltonian import PauliSum
from ..base import State


class GibbsState(State):
    r"""A thermal state with its partition function and (for MPS) its record.

    Attributes
    ----------
    hamiltonian : PauliSum
    beta : float
        Inverse temperature (units of 1/energy of ``hamiltonian``).
    log_partition : float
        :math:`\ln \mathrm{Tr}\, e^{-\beta H}` (natural log).
    """

    is_pure = False

    def __init__(self, hamiltonian: PauliSum, beta: float, log_partition: float):
        super().__init__(hamiltonian.n)
        self.hamiltonian = hamiltonian
        self.beta = beta
        self.log_partition = float(log_partition)

    def cut_spectrum(self, cut: int) -> np.ndarray:
        """Eigenvalues of the (mixed) reduced state of qubits ``0..cut-1``."""
        return self.subsystem_spectrum(tuple(range(cut)))

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:
        return complex(np.trace(self._product_matrix(ops)))

    def _product_matrix(self, ops):
        qubits = tuple(sorted(ops))
        rho = self.reduced_density_matrix(qubits)
        op = functools.reduce(np.kron, [ops[q] for q in qubits], np.ones((1, 1)))
        return rho @ op


def partial_trace(rho: np.ndarray, n: int, qubits) -> np.ndarray:
    r""":math:`\mathrm{Tr}_{\bar A}\rho` for the listed qubits (in that order)."""
    k = len(qubits)
    t = rho.reshape((2,) * (2 * n))
    rest = [q for q in range(n) if q not in qubits]
    letters = list(range(2 * n))
    for q in rest:
        letters[n + q] = letters[q]
    out = list(qubits) + [n + q for q in qubits]
    return np.einsum(t, letters, out).reshape(2**k, 2**k)
