"""Exact Gibbs states from the eigendecomposition of a dense Hamiltonian (``n <= 12``)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from ...models.pauli_sum import PauliSum
from ..base import check_rdm_size
from ..record import BondRecord
from .base import GibbsState, partial_trace


def thermal_eigensystem(matrix: np.ndarray, beta: float):
    r"""Energies, eigenvectors, :math:`\ln Z` and Boltzmann weights of a dense Hamiltonian.

    The one place tnbp turns a dense :math:`H` into its Gibbs state:
    :math:`H = V \mathrm{diag}(E) V^\dagger`, :math:`\ln Z =
    \mathrm{logsumexp}(-\beta E)` (no overflow at large :math:`\beta`) and
    :math:`p_i = e^{-\beta E_i - \ln Z}`, so that
    :math:`e^{-\beta H}/Z = V \mathrm{diag}(p) V^\dagger`.

    Parameters
    ----------
    matrix : numpy.ndarray, shape (D, D)
        The Hermitian :math:`H` (not checked), in units of energy.
    beta : float
        Inverse temperature, validated by the caller, in units of 1/energy.

    Returns
    -------
    energies : numpy.ndarray of float64, shape (D,)
        :math:`E_i`, ascending.
    vectors : numpy.ndarray of complex128, shape (D, D)
        The eigenvectors :math:`V`, as columns (float64 for a real ``matrix``).
    log_z : float
        :math:`\ln \mathrm{Tr}\, e^{-\beta H}`.
    weights : numpy.ndarray of float64, shape (D,)
        :math:`p_i`, summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> E, V, log_z, p = thermal_eigensystem(np.diag([0.0, 1.0]), 1.0)
    >>> bool(np.isclose(log_z, np.log(1 + np.exp(-1.0)))), p.round(4).tolist()
    (True, [0.7311, 0.2689])
    """
    w, v = np.linalg.eigh(matrix)
    log_z = float(logsumexp(-beta * w))
    return w, v, log_z, np.exp(-beta * w - log_z)


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
        qubits (:func:`~tnbp.gibbs_state` limits it to
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
        w, v, log_z, p = thermal_eigensystem(hamiltonian.to_dense(), beta)
        super().__init__(hamiltonian, beta, log_z)
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
