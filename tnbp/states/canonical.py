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
            Q, Rm = do(
                "linalg.qr", do("conj", do("transpose", B[i].reshape(chi_l, d * chi_r)))
            )
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

    def expectation(self, ops: dict) -> complex:
        """:math:`\\langle \\bigotimes_q O_q \\rangle` for 2x2 operators ``ops[q]``."""
        a, b = min(ops), max(ops)
        T = self.site(a, a)
        env = do("eye", T.shape[0], like=T)
        for i in range(a, b + 1):
            T = self.site(i, a)
            op = ops.get(i)
            OT = (
                T
                if op is None
                else do("transpose", do("tensordot", op, T, ((1,), (1,))), (1, 0, 2))
            )
            X = do("tensordot", env, OT, ((0,), (0,)))  # (b, s, c)
            env = do("tensordot", X, do("conj", T), ((0, 1), (0, 1)))  # (c, d)
        return complex(do("trace", env))

    # ----------------------------------------------------- reduced density matrix
    # Two strategies, chosen by memory: "ket" contracts the span's ket tensors
    # with every physical index open (chi_l * 2^span * chi_r entries; best for
    # contiguous sets), "env" grows bra-ket environments from both ends with
    # only the kept indices open (chi^2 4^m entries; best for scattered sets).

    def reduced_density_matrix(self, qubits) -> np.ndarray:
        """:math:`\\rho_A` of the distinct ``qubits``, in sorted (site) order."""
        keep = sorted(qubits)
        method, _ = self._plan(keep)
        rho = self._rdm_ket(keep) if method == "ket" else self._rdm_env(keep)
        return np.asarray(do("to_numpy", rho))

    def rdm_memory(self, qubits) -> int:
        """Number of entries held at once by :meth:`reduced_density_matrix`."""
        return self._plan(sorted(qubits))[1]

    def _plan(self, keep):
        a, b = keep[0], keep[-1]
        m = len(keep)
        ket = self.B[a].shape[0] * self.B[b].shape[2] * 2 ** (b - a + 1) + 4**m
        split = self._best_split(keep)
        env = self._split_cost(keep, split)
        return ("ket", ket) if ket <= env else ("env", env)

    def _rdm_ket(self, keep):
        a, b = keep[0], keep[-1]
        phi = self.site(a, a)
        for i in range(a + 1, b + 1):
            phi = do("tensordot", phi, self.B[i], ((phi.ndim - 1,), (0,)))
        kept_axes = [1 + q - a for q in keep]
        others = [ax for ax in range(phi.ndim) if ax not in kept_axes]
        M = do("transpose", phi, kept_axes + others).reshape(2 ** len(keep), -1)
        return M @ do("transpose", do("conj", M))

    def _rdm_env(self, keep):
        split = self._best_split(keep)
        left = self._grow_left(keep[0], split, keep)
        right = self._grow_right(keep[-1], split + 1, keep)
        dl, dr = left.shape[2], right.shape[2]
        rho = do("tensordot", left, right, ((0, 1), (0, 1)))  # (kL, kL', kR, kR')
        return do("transpose", rho, (0, 2, 1, 3)).reshape(dl * dr, dl * dr)

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
            X = do("tensordot", env, T, ((0,), (0,)))  # (b, k, l, s, c)
            if i in keep:
                Y = do(
                    "tensordot", X, do("conj", T), ((0,), (0,))
                )  # (k, l, s, c, t, d)
                c, d = Y.shape[3], Y.shape[5]
                env = do("transpose", Y, (3, 5, 0, 2, 1, 4))
                env = env.reshape(c, d, env.shape[2] * 2, env.shape[4] * 2)
            else:
                Y = do("tensordot", X, do("conj", T), ((0, 3), (0, 1)))  # (k, l, c, d)
                env = do("transpose", Y, (2, 3, 0, 1))
        return env

    def _grow_right(self, b: int, stop: int, keep):
        """Environment ``(chi, chi, D, D)`` of sites ``stop..b`` from the right."""
        chi = self.B[b].shape[2]
        env = do("eye", chi, like=self.B[b]).reshape(chi, chi, 1, 1)
        for i in range(b, stop - 1, -1):
            T = self.B[i]
            X = do("tensordot", T, env, ((2,), (0,)))  # (a, s, d, k, l)
            if i in keep:
                Y = do(
                    "tensordot", X, do("conj", T), ((2,), (2,))
                )  # (a, s, k, l, b, t)
                a_, b_ = Y.shape[0], Y.shape[4]
                env = do("transpose", Y, (0, 4, 1, 2, 5, 3))
                env = env.reshape(a_, b_, 2 * env.shape[3], 2 * env.shape[5])
            else:
                Y = do("tensordot", X, do("conj", T), ((1, 2), (1, 2)))  # (a, k, l, b)
                env = do("transpose", Y, (0, 3, 1, 2))
        return env
