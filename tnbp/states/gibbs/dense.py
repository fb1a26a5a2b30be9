"""Exact Gibbs states from the eigendecomposition of a dense Hamiltonian (``n <= 12``)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from ...models.pauli_sum import PauliSum
from ..base import check_rdm_size
from ..record import BondRecord
from .base import GibbsState, partial_trace


class DenseGibbsState(GibbsState):
    r""":math:`e^{-\beta H}/Z` as a dense matrix (exact).

    From the eigendecomposition :math:`H = V \mathrm{diag}(E) V^\dagger`:
    :math:`\ln Z = \mathrm{logsumexp}(-\beta E)`, which does not overflow at
    large :math:`\beta`, and :math:`\rho = V \mathrm{diag}(e^{-\beta E - \ln Z})
    V^\dagger`.

    Parameters
    ----------
    hamiltonian : PauliSum
        :math:`H`, at most :data:`~tnbp.limits.MAX_DENSE_HAMILTONIAN_QUBITS`
        qubits (:func:`gibbs_state` limits it to
        :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS`).
    beta : float
        Inverse temperature, validated.

    Attributes
    ----------
    rho : numpy.ndarray of complex128, shape (2^n, 2^n)
        The Gibbs state.
    spectrum : numpy.ndarray of float64, shape (2^n,)
        Its eigenvalues :math:`e^{-\beta E_i}/Z`, in ascending order of energy.
    """

    def __init__(self, hamiltonian: PauliSum, beta: float):
        w, v = np.linalg.eigh(hamiltonian.to_dense())
        log_z = float(logsumexp(-beta * w))
        super().__init__(hamiltonian, beta, log_z)
        p = np.exp(-beta * w - log_z)
        self.rho = (v * p) @ v.conj().T
        self.spectrum = p
        self._energies = w

    @property
    def energy_variance(self) -> float:
        r""":math:`\sum_i p_i (E_i - \langle H\rangle)^2` over the eigenvalues of :math:`H` (exact).

        Returns
        -------
        float
            :math:`\sigma_H^2`, in units of energy squared.
        """
        w, p = self._energies, self.spectrum
        return float(p @ (w - p @ w) ** 2)

    @property
    def record(self) -> BondRecord:
        r"""Exact record: each bond at the largest operator Schmidt rank :math:`4^{\min(k, n-k)}`.

        (A mixed state on ``k`` and ``n - k`` qubits has operator Schmidt rank at
        most :math:`\min(4^k, 4^{n-k})`; nothing is truncated.)
        """
        n = self.n
        return BondRecord.exact([4 ** min(k, n - k, 31) for k in range(1, n)])

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        return partial_trace(self.rho, self.n, tuple(qubits))
