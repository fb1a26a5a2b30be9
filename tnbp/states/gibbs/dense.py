"""Exact Gibbs states from the eigendecomposition of a dense Hamiltonian (``n <= 12``)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from ...models.hamiltonian import PauliSum
from ..base import check_rdm_size
from ..record import BondRecord
from .base import GibbsState, partial_trace


class DenseGibbsState(GibbsState):
    r""":math:`e^{-\beta H}/Z` as a dense matrix (exact)."""

    def __init__(self, hamiltonian: PauliSum, beta: float):
        w, v = np.linalg.eigh(hamiltonian.to_dense())
        log_z = float(logsumexp(-beta * w))
        super().__init__(hamiltonian, beta, log_z)
        p = np.exp(-beta * w - log_z)
        self.rho = (v * p) @ v.conj().T
        self.spectrum = p

    @property
    def record(self) -> BondRecord:
        n = self.n
        return BondRecord.exact([4 ** min(k, n - k, 31) for k in range(1, n)])

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:
        check_rdm_size(qubits)
        return partial_trace(self.rho, self.n, tuple(qubits))
