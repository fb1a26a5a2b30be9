r"""Gibbs states held as a purified MPS (the result of imaginary-time evolution).

Every contraction (reduced density matrices, expectations, the purification's
Schmidt values) goes through the canonical-form engine
:class:`~tnbp.states.canonical.CanonicalMPS` with :math:`2 \times 2` sites,
physical qubit kept and ancilla traced.
"""

from __future__ import annotations

import math

import numpy as np

from ..base import check_rdm_size
from ..canonical import CanonicalMPS
from ..record import BondRecord
from ..spectrum import renyi_entropy
from .base import GibbsState
from .purification import Purification


class PurifiedGibbsState(GibbsState):
    r""":math:`\rho = \mathrm{Tr}_{anc}|\psi\rangle\langle\psi|` from a purified MPS.

    Built by :func:`~tnbp.states.gibbs.api.gibbs_state`; contractions go
    through a :class:`~tnbp.states.canonical.CanonicalMPS` with the ancilla
    traced.

    Parameters
    ----------
    H : PauliSum
        The Hamiltonian.
    beta : float
        Inverse temperature.
    purification : Purification
        The evolved purification (its centre is moved to site 0 here).
    history : sequence of tuple of int
        Bond dimensions after every Trotter layer, initial ones first.
    dtau : float
        The imaginary-time step used.
    order : int
        Trotter order (2 or 4).
    steps : int
        Number of Trotter steps.

    Attributes
    ----------
    dtau : float
        The imaginary-time step used (:math:`\beta/(2 \cdot \texttt{steps})`).
    order : int
        Trotter order (2 or 4).
    steps : int
        Number of Trotter steps, :math:`\lceil \beta/(2\,\mathrm{dtau})\rceil`.
    """

    def __init__(
        self, H, beta, purification: Purification, history, *, dtau, order, steps
    ):
        n = H.n
        super().__init__(H, beta, n * math.log(2) + purification.log_norm2)
        purification.move_centre(0)  # all other sites right-canonical
        self._canonical = CanonicalMPS.from_arrays(
            purification.sites, traced_dim=2, right_canonical=True, blas_threads=1
        )
        self.dtau, self.order, self.steps = dtau, order, steps
        hist = np.array(history, dtype=int).reshape(len(history), n - 1)
        self._record = BondRecord(
            bond_dims=purification.bond_dims(),
            history=hist,
            max_bond_reached=max(purification.peak, int(hist.max(initial=1))),
            discarded_weight=purification.discarded,
            fidelity_estimate=purification.fidelity,
            num_truncations=purification.num_truncations,
            max_bond=purification.max_bond,
            cutoff=purification.cutoff,
        )

    @property
    def record(self) -> BondRecord:
        """The run's record: bond history and truncation of the imaginary-time evolution."""
        return self._record

    @property
    def canonical(self) -> CanonicalMPS:
        """The purification as a canonical-form engine (ancilla traced)."""
        return self._canonical

    @property
    def sites(self) -> list:
        """Site tensors ``(chi_l, 4, chi_r)``, index ``2 p + a``; site 0 is the centre."""
        return list(self._canonical.B)

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        return self._canonical.expectation(ops)

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        return self._canonical.reduced_density_matrix(qubits)

    def _max_rank(self, cut: int) -> int:
        r"""Purification bonds carry physical and ancilla qubits: :math:`4^{\min(k, n-k)}`."""
        return 4 ** min(cut, self.n - cut)

    def _bond_entropy(self, cut: int) -> float:
        """Entropy (bits) of the purification's Schmidt values at ``cut``."""
        return renyi_entropy(self._canonical.schmidt[cut - 1] ** 2)
