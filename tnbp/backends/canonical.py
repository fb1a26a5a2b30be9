"""Canonical form of an MPS and the contractions estimators need, on raw arrays.

Site tensors have shape ``(chi_left, 2, chi_right)`` (edge bonds of size 1).
One right-canonicalizing QR sweep plus one SVD sweep (both
:math:`O(n \\chi^3)`) give, for every bond, the Schmidt values and the matrix
:math:`R_i` such that

.. math::

    |\\psi\\rangle = \\sum U_0 \\cdots U_{i-1}\\, R_i\\, B_i B_{i+1} \\cdots B_{n-1},

with :math:`U` left-orthonormal and :math:`B` right-orthonormal. A span of sites
``a..b`` is then described exactly by :math:`R_a B_a \\cdots B_b` with identity
environments on both sides, so expectations and reduced density matrices cost
:math:`O((b - a + 1)\\,\\chi^3)` whatever ``n`` is. Array operations go through
autoray, so any array library quimb holds the tensors in works.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from autoray import do

from ..paulis import PAULI_MATRICES


@dataclasses.dataclass(frozen=True)
class CanonicalMPS:
    """A normalized MPS in right-canonical form with every bond's Schmidt data.

    Attributes
    ----------
    B : list of arrays
        Right-orthonormal site tensors ``(chi_l, 2, chi_r)``.
    R : list of arrays
        ``R[i]`` is the ``(chi, chi)`` gauge matrix to the left of site ``i``
        (``R[0]`` is ``[[1]]``).
    schmidt : list of numpy arrays
        ``schmidt[i]`` are the Schmidt values across bond ``(i, i+1)``.
    norm : float
        Norm of the MPS before normalization.
    """

    B: list
    R: list
    schmidt: list
    norm: float

    @classmethod
    def from_arrays(cls, arrays) -> CanonicalMPS:
        B = list(arrays)
        n = len(B)
        for i in range(n - 1, 0, -1):
            chi_l, d, chi_r = B[i].shape
            Q, Rm = do("linalg.qr", do("conj", do("transpose", B[i].reshape(chi_l, d * chi_r))))
            B[i] = do("transpose", do("conj", Q)).reshape(-1, d, chi_r)
            B[i - 1] = do("tensordot", B[i - 1], do("transpose", do("conj", Rm)), 1)
        norm = float(do("linalg.norm", B[0].reshape(-1)))
        if not norm > 0 or not np.isfinite(norm):
            raise ValueError(f"MPS has norm {norm}; cannot normalize.")
        B[0] = B[0] / norm
        R = [do("ones", (1, 1), like=B[0])]
        schmidt = []
        for i in range(n - 1):
            C = do("tensordot", R[i], B[i], 1)
            U, s, Vh = do("linalg.svd", C.reshape(-1, C.shape[-1]), full_matrices=False)
            schmidt.append(np.asarray(do("to_numpy", s)))
            R.append(s[:, None] * Vh)
        return cls(B, R, schmidt, norm)

    @property
    def n(self) -> int:
        return len(self.B)

    def site(self, i: int, start: int):
        """Tensor ``i`` of the span starting at ``start`` (gauge folded into the first)."""
        if i == start:
            return do("tensordot", self.R[i], self.B[i], 1)
        return self.B[i]

    def expectation(self, ops: dict[int, str]) -> float:
        """:math:`\\langle \\bigotimes_q P_q \\rangle` for single-qubit Paulis ``ops``."""
        a, b = min(ops), max(ops)
        T = self.site(a, a)
        env = do("eye", T.shape[0], like=T)
        for i in range(a, b + 1):
            T = self.site(i, a)
            p = ops.get(i, "I")
            OT = T if p == "I" else do("einsum", "ts,asc->atc", PAULI_MATRICES[p], T)
            env = do("einsum", "ab,asc,bsd->cd", env, OT, do("conj", T))
        return float(do("real", do("trace", env)))

    def reduced_density_matrix(self, qubits) -> np.ndarray:
        """:math:`\\rho_A` of the (sorted, distinct) ``qubits``, site order.

        Environments are grown from both ends of the span and joined at the bond
        that minimizes their memory, :math:`\\chi^2 (4^{m_L} + 4^{m_R})` entries.
        """
        keep = sorted(qubits)
        a, b = keep[0], keep[-1]
        split = self._best_split(keep)
        left = self._grow_left(a, split, keep)
        right = self._grow_right(b, split + 1, keep)
        dl, dr = left.shape[2], right.shape[2]
        rho = do("tensordot", left, right, ((0, 1), (0, 1)))  # (kL, kL', kR, kR')
        rho = do("transpose", rho, (0, 2, 1, 3)).reshape(dl * dr, dl * dr)
        return np.asarray(do("to_numpy", rho))

    def rdm_memory(self, qubits) -> int:
        """Number of entries held at once by :meth:`reduced_density_matrix`."""
        keep = sorted(qubits)
        return self._split_cost(keep, self._best_split(keep))

    def _split_cost(self, keep, p: int) -> int:
        chi = self.B[p].shape[2]
        m_left = sum(q <= p for q in keep)
        return chi * chi * (4**m_left + 4 ** (len(keep) - m_left)) + 4 ** len(keep)

    def _best_split(self, keep) -> int:
        a, b = keep[0], keep[-1]
        if a == b:
            return a
        return min(range(a, b), key=lambda p: self._split_cost(keep, p))

    def _grow_left(self, a: int, stop: int, keep):
        """Environment ``(chi, chi, D, D)`` of sites ``a..stop`` from the left."""
        T = self.site(a, a)
        env = do("eye", T.shape[0], like=T).reshape(T.shape[0], T.shape[0], 1, 1)
        for i in range(a, stop + 1):
            T = self.site(i, a)
            if i in keep:
                env = do("einsum", "abkl,asc,btd->cdkslt", env, T, do("conj", T))
                c, d, k, s, l, t = env.shape
                env = env.reshape(c, d, k * s, l * t)
            else:
                env = do("einsum", "abkl,asc,bsd->cdkl", env, T, do("conj", T))
        return env

    def _grow_right(self, b: int, stop: int, keep):
        """Environment ``(chi, chi, D, D)`` of sites ``stop..b`` from the right."""
        chi = self.B[b].shape[2]
        env = do("eye", chi, like=self.B[b]).reshape(chi, chi, 1, 1)
        for i in range(b, stop - 1, -1):
            T = self.B[i]
            if i in keep:
                env = do("einsum", "cdkl,asc,btd->absktl", env, T, do("conj", T))
                a_, b_, s, k, t, l = env.shape
                env = env.reshape(a_, b_, s * k, t * l)
            else:
                env = do("einsum", "cdkl,asc,bsd->abkl", env, T, do("conj", T))
        return env
