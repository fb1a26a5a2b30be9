r"""A purified MPS under two-site updates: the engine behind ``gibbs_state(backend="mps")``.

Sites are ``(chi_l, 4, chi_r)`` arrays, index ``2 p + a`` for physical ``p`` and
ancilla ``a``. The MPS is kept in mixed canonical form with a known centre and
unit norm; every two-site operation is one SVD, whose full norm (before
truncation) feeds :math:`\ln Z` and whose dropped singular values feed the
record. See :mod:`tnbp.states.gibbs.api` for the scheme and its error model.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.linalg as sla


@dataclasses.dataclass
class Purification:
    r"""A normalized purified MPS and its bookkeeping.

    A mutable dataclass, changed in place by :meth:`move_centre`,
    :meth:`apply_one` and :meth:`apply_two`.

    Attributes
    ----------
    sites : list of numpy.ndarray
        Site tensors of shape ``(chi_l, 4, chi_r)``, index ``2 p + a``; edge
        bonds of size 1.
    centre : int
        The orthogonality centre: sites left of it are left-orthonormal, sites
        right of it right-orthonormal, and the whole MPS has unit norm.
    max_bond : int or None
        Bond cap of every SVD.
    cutoff : float
        Relative discarded weight per SVD (``rsum2``), in ``[0, 1)``.
    log_norm2 : float
        :math:`\sum \ln \|\psi\|^2` over the normalizations so far (natural
        log; :math:`\ln Z - n \ln 2` at the end of :func:`~tnbp.gibbs_state`).
    discarded : float
        Sum of the discarded weights :math:`\epsilon_t` of all truncations.
    discarded_amplitude : float
        :math:`\sum_\ell \sqrt{\sum_{t \in \ell} \epsilon_t}` over the
        layers :math:`\ell` closed so far (:meth:`close_layer`): the bound on
        the distance from the untruncated state used by
        :attr:`~tnbp.states.gibbs.purified.PurifiedGibbsState.truncation_distance`.
    layer_weight : float
        Discarded weight of the layer in progress.
    fidelity : float
        :math:`\prod_t (1 - \epsilon_t)`, in ``(0, 1]``.
    num_truncations : int
        SVDs that dropped any singular value. The discarded weight is summed
        from the dropped singular values themselves (not from a difference of
        norms, which rounding would blur), so every one counts: there is no
        noise floor below which a truncation is ignored.
    peak : int
        Largest bond dimension kept by any SVD.
    """

    sites: list
    centre: int
    max_bond: int | None
    cutoff: float
    log_norm2: float = 0.0  # sum of ln ||psi||^2 over normalizations
    discarded: float = 0.0
    discarded_amplitude: float = 0.0
    layer_weight: float = 0.0
    fidelity: float = 1.0
    num_truncations: int = 0
    peak: int = 1

    @classmethod
    def infinite_temperature(cls, n: int, *, max_bond, cutoff) -> Purification:
        r"""The purification :math:`\bigotimes_i (|00\rangle + |11\rangle)/\sqrt2` of :math:`I/2^n`.

        Parameters
        ----------
        n : int
            Number of sites (physical qubits).
        max_bond : int or None
            Bond cap of later SVDs.
        cutoff : float
            Relative discarded weight per later SVD, in ``[0, 1)``.

        Returns
        -------
        Purification
            Bond dimension 1 everywhere, centre at site 0, no history.
        """
        bell = (np.array([1.0, 0.0, 0.0, 1.0]) / math.sqrt(2)).reshape(1, 4, 1)
        return cls([bell.copy() for _ in range(n)], 0, max_bond, cutoff)

    @property
    def n(self) -> int:
        """Number of sites."""
        return len(self.sites)

    def bond_dims(self) -> tuple[int, ...]:
        """Current bond dimensions.

        Returns
        -------
        tuple of int
            The ``n - 1`` dimensions, bond ``(i, i + 1)`` at position ``i``.
        """
        return tuple(A.shape[2] for A in self.sites[:-1])

    # -------------------------------------------------------- canonical form
    def move_centre(self, to: int) -> None:
        """Move the orthogonality centre to site ``to`` by QR steps (the state is unchanged).

        Parameters
        ----------
        to : int
            The new centre, ``0 <= to < n``.
        """
        A = self.sites
        while self.centre < to:
            c = self.centre
            l, d, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l * d, r))
            A[c] = Q.reshape(l, d, -1)
            A[c + 1] = np.tensordot(R, A[c + 1], axes=(1, 0))
            self.centre += 1
        while self.centre > to:
            c = self.centre
            l, d, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l, d * r).T)
            A[c] = Q.T.reshape(-1, d, r)
            A[c - 1] = np.tensordot(A[c - 1], R.T, axes=(2, 0))
            self.centre -= 1

    # ------------------------------------------------------------ operations
    def apply_one(self, G4: np.ndarray, i: int) -> None:
        r"""Apply a one-site operator at ``i`` and renormalize.

        The centre moves to ``i`` first; :math:`\ln \|\psi\|^2` after the
        operator is added to :attr:`log_norm2`.

        Parameters
        ----------
        G4 : numpy.ndarray, shape (4, 4)
            The operator on the combined index ``2 p + a`` (e.g. from
            :func:`~tnbp.states.gibbs.trotter.lift_one`).
        i : int
            The site.
        """
        self.move_centre(i)
        A = np.matmul(G4, self.sites[i])
        norm2 = float(np.vdot(A, A).real)
        self.log_norm2 += math.log(norm2)
        self.sites[i] = A / math.sqrt(norm2)

    def close_layer(self) -> None:
        r"""End a layer of two-site updates on disjoint bonds, applied left to right.

        Adds :math:`\sqrt{\sum_{t \in \ell} \epsilon_t}` of the layer to
        :attr:`discarded_amplitude` and starts a new one. Within such a layer
        the truncations are orthogonal projections :math:`P_t` onto the kept
        left Schmidt vectors of their bond, each commuting with the later
        gates (which act right of it) and nested (:math:`P_{t'} \le P_t`), so
        the parts they remove are mutually orthogonal and their squared norms
        add: the layer moves the state by :math:`\sqrt{\sum_t \epsilon_t}`.
        """
        self.discarded_amplitude += math.sqrt(self.layer_weight)
        self.layer_weight = 0.0

    def apply_two(self, G: np.ndarray, i: int) -> None:
        r"""Apply a two-site operator on sites ``(i, i + 1)``, truncate and renormalize.

        One SVD of the updated pair. The centre first moves to the nearer of
        ``i`` and ``i + 1``, then crosses the pair (``i`` to ``i + 1`` or back),
        so sweeps need no extra QR steps. The log of the squared norm before
        truncation is added to :attr:`log_norm2`, and the discarded weight
        :math:`\epsilon = \sum_{k \ge \chi} s_k^2 / \sum_k s_k^2` to
        :attr:`discarded`, :attr:`layer_weight` and :attr:`fidelity`.

        Parameters
        ----------
        G : numpy.ndarray, shape (4, 4, 4, 4)
            ``G[out_i, out_j, in_i, in_j]`` on the combined indices (e.g. from
            :func:`~tnbp.states.gibbs.trotter.lift_two`).
        i : int
            The left site, ``0 <= i < n - 1``.
        """
        if self.centre not in (i, i + 1):
            self.move_centre(i if self.centre < i else i + 1)
        A, B = self.sites[i], self.sites[i + 1]
        l, m, r = A.shape[0], A.shape[2], B.shape[2]
        theta = (A.reshape(l * 4, m) @ B.reshape(m, 4 * r)).reshape(l, 16, r)
        theta = np.matmul(G.reshape(16, 16), theta)  # (16, 16) @ stack of (16, r)
        U, s, Vh = sla.svd(
            theta.reshape(l * 4, 4 * r), full_matrices=False, lapack_driver="gesdd"
        )
        s2 = s * s
        total = float(s2.sum())
        keep = _kept(s2, total, self.cutoff, self.max_bond)
        eps = float(s2[keep:].sum()) / total
        if eps > 0:
            self.discarded += eps
            self.layer_weight += eps
            self.fidelity *= 1.0 - eps
            self.num_truncations += 1
        self.log_norm2 += math.log(total)
        s = s[:keep] / math.sqrt(float(s2[:keep].sum()))
        self.peak = max(self.peak, keep)
        if self.centre == i:  # sweep right: centre moves to i + 1
            self.sites[i] = U[:, :keep].reshape(l, 4, keep)
            self.sites[i + 1] = (s[:, None] * Vh[:keep]).reshape(keep, 4, r)
            self.centre = i + 1
        else:
            self.sites[i] = (U[:, :keep] * s).reshape(l, 4, keep)
            self.sites[i + 1] = Vh[:keep].reshape(keep, 4, r)
            self.centre = i


def _kept(s2: np.ndarray, total: float, cutoff: float, max_bond) -> int:
    """Number of singular values kept by the rsum2 cutoff, then ``max_bond``."""
    tail = np.cumsum(s2[::-1])[::-1]  # tail[k] = sum of s2[k:]
    keep = int(np.count_nonzero(tail > cutoff * total)) if cutoff > 0 else s2.size
    keep = max(keep, 1)
    return keep if max_bond is None else min(keep, max_bond)
