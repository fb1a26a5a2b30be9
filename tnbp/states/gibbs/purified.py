"""Gibbs states held as a purified MPS (the result of imaginary-time evolution)."""

from __future__ import annotations

import functools
import math

import numpy as np

from ...limits import MAX_RDM_ENTRIES
from ..base import check_rdm_size
from ..record import BondRecord
from ..spectrum import renyi_entropy
from .base import GibbsState
from .purification import Purification


class PurifiedGibbsState(GibbsState):
    """:math:`\\rho = \\mathrm{Tr}_{anc}|\\psi\\rangle\\langle\\psi|` from a purified MPS.

    Attributes (beyond :class:`GibbsState`)
    ---------------------------------------
    dtau : float
        The imaginary-time step used (:math:`\\beta/(2 \\cdot \\texttt{steps})`).
    order : int
        Trotter order (2 or 4).
    steps : int
    """

    def __init__(
        self, H, beta, purification: Purification, history, *, dtau, order, steps
    ):
        n = H.n
        super().__init__(H, beta, n * math.log(2) + purification.log_norm2)
        purification.move_centre(0)  # all other sites right-canonical
        self._sites = purification.sites
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
        return self._record

    @property
    def sites(self) -> list:
        """Site tensors ``(chi_l, 4, chi_r)``, index ``2 p + a``; site 0 is the centre."""
        return list(self._sites)

    @functools.cached_property
    def _left_envs(self) -> list:
        """``L[k]``: the identity-operator environment of sites ``0..k-1`` (bra, ket)."""
        envs = [np.ones((1, 1))]
        for A in self._sites[:-1]:
            envs.append(
                np.einsum("ab,apc,bpd->cd", envs[-1], A.conj(), A, optimize=True)
            )
        return envs

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:
        if not ops:
            return 1.0
        qs = sorted(ops)
        env = self._left_envs[qs[0]]
        eye = np.eye(2)
        for k in range(qs[0], qs[-1] + 1):
            A = self._sites[k]
            if k in ops:
                A = np.einsum("pq,aqb->apb", np.kron(ops[k], eye), A)
            env = np.einsum(
                "ab,apc,bpd->cd", env, self._sites[k].conj(), A, optimize=True
            )
        return complex(np.trace(env))  # right-canonical beyond: identity

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:
        check_rdm_size(qubits)
        qs = sorted(qubits)
        chi = max(A.shape[0] for A in self._sites[qs[0] : qs[-1] + 1])
        if 4 ** len(qs) * chi * chi > MAX_RDM_ENTRIES:
            raise ValueError(
                f"`qubits`: the reduced density matrix of {len(qs)} qubits at bond "
                f"dimension {chi} needs more than {MAX_RDM_ENTRIES} entries."
            )
        env = self._left_envs[qs[0]][None, None]  # [row, col, bra, ket]
        kept = set(qs)
        for k in range(qs[0], qs[-1] + 1):
            A = self._sites[k].reshape(self._sites[k].shape[0], 2, 2, -1)
            if k in kept:
                env = np.einsum(
                    "xyab,apsc,bqsd->xqypcd", env, A.conj(), A, optimize=True
                )
                r, c = env.shape[0] * 2, env.shape[2] * 2
                env = env.reshape(r, c, *env.shape[4:])
            else:
                env = np.einsum("xyab,apsc,bpsd->xycd", env, A.conj(), A, optimize=True)
        rho = np.einsum("xycc->xy", env)
        order = [qs.index(q) for q in qubits]
        k = len(qs)
        rho = rho.reshape((2,) * (2 * k)).transpose(order + [k + o for o in order])
        return rho.reshape(2**k, 2**k)

    @functools.cached_property
    def _bond_spectra(self) -> list:
        """Schmidt values of the purification at every cut (one sweep)."""
        sites = [A.copy() for A in self._sites]
        out = []
        for k in range(self.n - 1):
            l, d, r = sites[k].shape
            U, s, Vh = np.linalg.svd(sites[k].reshape(l * d, r), full_matrices=False)
            out.append(s)
            sites[k] = U.reshape(l, d, -1)
            sites[k + 1] = np.tensordot(s[:, None] * Vh, sites[k + 1], axes=(1, 0))
        return out

    def _max_rank(self, cut: int) -> int:
        """Purification bonds carry physical and ancilla qubits: :math:`4^{\\min(k, n-k)}`."""
        return 4 ** min(cut, self.n - cut)

    def _bond_entropy(self, cut: int) -> float:
        """Entropy (bits) of the purification's Schmidt values at ``cut``."""
        return renyi_entropy(self._bond_spectra[cut - 1] ** 2)
