r"""A purified MPS under two-site updates: the engine behind ``gibbs_state(backend="mps")``.

Sites are ``(chi_l, 4, chi_r)`` arrays, index ``2 p + a`` for physical ``p`` and
ancilla ``a``. The MPS is kept in mixed canonical form with a known centre and
unit norm; every two-site operation is one SVD, whose full norm (before
truncation) feeds :math:`\ln Z` and whose dropped singular values feed the
record. See :mod:`tnbp.states.gibbs.api` for the scheme and its error model.

Charge conservation. When every gate commutes with the total
:math:`\sum_i Z_i` (U(1): particle number, e.g. the XX chain) or with the
parity :math:`\prod_i Z_i` (Z2, e.g. the transverse-field Ising chain), the
purification conserves the combined charge :math:`Q = \sum_i (n_{p,i} -
n_{a,i})` (:math:`n = (1 - Z)/2` on the physical qubit and the ancilla; taken
mod 2 for Z2). The gates act on the physical qubits only and conserve
:math:`\sum_i n_{p,i}` (or its parity); the ancillas never change; and every
Bell pair :math:`|00\rangle + |11\rangle` of the initial state has
:math:`n_p - n_a = 0`. So site index ``2 p + a`` carries the charge
:data:`SITE_CHARGES` ``= (0, -1, 1, 0)``, each bond index a charge (the charge
of everything left of it), and a site tensor ``A[l, s, r]`` vanishes unless
:math:`Q_l + q_s = Q_r`. The tensors stay dense arrays (the state is
unchanged, only its zeros are known), but every SVD and QR runs block by
block over the charge sectors, at a fraction of the cost of the full matrix.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

#: charge n_p - n_a of the combined site index 2 p + a (0 on both terms of the Bell pair)
SITE_CHARGES = np.array([0, -1, 1, 0])
#: the conserved charges: U(1) (total Z) and Z2 (Z parity, charges mod 2)
SYMMETRIES = ("U1", "Z2")


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
    symmetry : {None, "U1", "Z2"}
        The conserved charge (module docstring); None: no block structure.
    bond_charges : list of numpy.ndarray of int or None
        With a symmetry, the ``n + 1`` bonds' charges (bond ``i`` left of site
        ``i``; the edges hold a single charge 0), reduced mod 2 for Z2.
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
    symmetry: str | None = None
    bond_charges: list | None = None

    @classmethod
    def infinite_temperature(
        cls, n: int, *, max_bond, cutoff, symmetry: str | None = None
    ) -> Purification:
        r"""The purification :math:`\bigotimes_i (|00\rangle + |11\rangle)/\sqrt2` of :math:`I/2^n`.

        Parameters
        ----------
        n : int
            Number of sites (physical qubits).
        max_bond : int or None
            Bond cap of later SVDs.
        cutoff : float
            Relative discarded weight per later SVD, in ``[0, 1)``.
        symmetry : {None, "U1", "Z2"}, optional
            Conserved charge of the later gates (module docstring): every
            bond then carries charge 0.

        Returns
        -------
        Purification
            Bond dimension 1 everywhere, centre at site 0, no history.

        Raises
        ------
        ValueError
            If ``symmetry`` is not None, "U1" or "Z2".
        """
        if symmetry is not None and symmetry not in SYMMETRIES:
            raise ValueError(
                f"`symmetry` must be None or one of {SYMMETRIES}, got {symmetry!r}."
            )
        bell = (np.array([1.0, 0.0, 0.0, 1.0]) / math.sqrt(2)).reshape(1, 4, 1)
        charges = None if symmetry is None else [np.zeros(1, int)] * (n + 1)
        return cls(
            [bell.copy() for _ in range(n)],
            0,
            max_bond,
            cutoff,
            symmetry=symmetry,
            bond_charges=charges,
        )

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
        A, q = self.sites, self.bond_charges
        while self.centre < to:
            c = self.centre
            l, d, r = A[c].shape
            X = A[c].reshape(l * d, r)
            if q is None:
                Q, R = np.linalg.qr(X)
            else:
                Q, R, q[c + 1] = _block_qr(X, self._rows(q[c]), q[c + 1])
            A[c] = Q.reshape(l, d, -1)
            A[c + 1] = np.tensordot(R, A[c + 1], axes=(1, 0))
            self.centre += 1
        while self.centre > to:
            c = self.centre
            l, d, r = A[c].shape
            X = A[c].reshape(l, d * r).T
            if q is None:
                Q, R = np.linalg.qr(X)
            else:
                Q, R, q[c] = _block_qr(X, self._cols(q[c + 1]), q[c])
            A[c] = Q.T.reshape(-1, d, r)
            A[c - 1] = np.tensordot(A[c - 1], R.T, axes=(2, 0))
            self.centre -= 1

    def _rows(self, left: np.ndarray) -> np.ndarray:
        """Charges of the rows ``(l, s)`` of a site matrix: left bond plus site."""
        return self._reduce((left[:, None] + SITE_CHARGES).ravel())

    def _cols(self, right: np.ndarray) -> np.ndarray:
        """Charges of the columns ``(s, r)`` of a site matrix: right bond minus site."""
        return self._reduce((right - SITE_CHARGES[:, None]).ravel())

    def _reduce(self, charges: np.ndarray) -> np.ndarray:
        """Charges mod 2 under Z2, unchanged under U(1)."""
        return charges % 2 if self.symmetry == "Z2" else charges

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
        r"""End a layer of two-site updates on disjoint bonds, applied in one sweep.

        Adds :math:`\sqrt{\sum_{t \in \ell} \epsilon_t}` of the layer to
        :attr:`discarded_amplitude` and starts a new one. Within such a layer,
        applied left to right, the truncations are orthogonal projections
        :math:`P_t` onto the kept left Schmidt vectors of their bond, each
        commuting with the later gates (which act right of it) and nested
        (:math:`P_{t'} \le P_t`), so the parts they remove are mutually
        orthogonal and their squared norms add: the layer moves the state by
        :math:`\sqrt{\sum_t \epsilon_t}`. Right to left, the same holds
        with the right Schmidt vectors (mirror image).
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
        theta = theta.reshape(l * 4, 4 * r)
        if self.bond_charges is None:
            U, s, Vh = _svd(theta)
            s2 = s * s
            total = float(s2.sum())
            keep = _kept(s2, total, self.cutoff, self.max_bond)
            U, s, Vh = U[:, :keep], s[:keep], Vh[:keep]
        else:
            q = self.bond_charges
            rows, cols = self._rows(q[i]), self._cols(q[i + 2])
            U, s, Vh, q[i + 1], s2 = _block_svd(
                theta, rows, cols, self.cutoff, self.max_bond
            )
            keep = s.size
            total = float(s2.sum())
        eps = float(s2[keep:].sum()) / total
        if eps > 0:
            self.discarded += eps
            self.layer_weight += eps
            self.fidelity *= 1.0 - eps
            self.num_truncations += 1
        self.log_norm2 += math.log(total)
        s = s / math.sqrt(float(s2[:keep].sum()))
        self.peak = max(self.peak, keep)
        if self.centre == i:  # sweep right: centre moves to i + 1
            self.sites[i] = U.reshape(l, 4, keep)
            self.sites[i + 1] = (s[:, None] * Vh).reshape(keep, 4, r)
            self.centre = i + 1
        else:
            self.sites[i] = (U * s).reshape(l, 4, keep)
            self.sites[i + 1] = Vh.reshape(keep, 4, r)
            self.centre = i


def _svd(X: np.ndarray):
    """Thin SVD by LAPACK's ``gesdd`` (numpy's: less call overhead than scipy's)."""
    return np.linalg.svd(X, full_matrices=False)


def _sectors(row_q: np.ndarray, col_q: np.ndarray):
    """``(charge, rows, cols)`` of every charge present among both rows and columns."""
    ro, co = np.argsort(row_q, kind="stable"), np.argsort(col_q, kind="stable")
    rc, rstart = np.unique(row_q[ro], return_index=True)
    cc, cstart = np.unique(col_q[co], return_index=True)
    rows = dict(zip(rc.tolist(), np.split(ro, rstart[1:]), strict=True))
    cols = dict(zip(cc.tolist(), np.split(co, cstart[1:]), strict=True))
    return [(c, rows[c], cols[c]) for c in rows if c in cols]


def _block_svd(X, row_q, col_q, cutoff, max_bond):
    """Truncated SVD of ``X``, zero unless ``row_q[i] == col_q[j]``, block by block.

    The singular values of all blocks are ranked together and truncated as one
    spectrum (:func:`_kept`); the kept ones are grouped by block.

    Returns
    -------
    U : numpy.ndarray, shape (rows, k)
    s : numpy.ndarray, shape (k,)
        The kept singular values.
    Vh : numpy.ndarray, shape (k, cols)
    charges : numpy.ndarray of int, shape (k,)
        Charge of each kept singular vector.
    s2 : numpy.ndarray, shape (K,)
        All squared singular values, in decreasing order (``s2[k:]`` dropped).
    """
    blocks = [(c, r, k, *_svd(X[np.ix_(r, k)])) for c, r, k in _sectors(row_q, col_q)]
    s_all = np.concatenate([b[4] for b in blocks])
    order = np.argsort(-s_all, kind="stable")
    s2 = s_all[order] ** 2
    keep = _kept(s2, float(s2.sum()), cutoff, max_bond)
    # ranked stably, the kept values of a block are its `count` largest
    owner = np.repeat(np.arange(len(blocks)), [b[4].size for b in blocks])
    counts = np.bincount(owner[order[:keep]], minlength=len(blocks))
    U = np.zeros((X.shape[0], keep), X.dtype)
    Vh = np.zeros((keep, X.shape[1]), X.dtype)
    s = np.empty(keep)
    charges = np.empty(keep, int)
    off = 0
    for (c, rows, cols, u, sb, vh), k in zip(blocks, counts, strict=True):
        U[rows, off : off + k] = u[:, :k]
        Vh[off : off + k, cols] = vh[:k]
        s[off : off + k] = sb[:k]
        charges[off : off + k] = c
        off += k
    return U, s, Vh, charges, s2


def _block_qr(X, row_q, col_q):
    """Thin QR of ``X``, zero unless ``row_q[i] == col_q[j]``, block by block.

    A column charge with no row of that charge has zero columns: it is
    dropped (those bond indices carry nothing).

    Returns
    -------
    Q : numpy.ndarray, shape (rows, k)
        Orthonormal columns.
    R : numpy.ndarray, shape (k, cols)
        With ``Q @ R == X``.
    charges : numpy.ndarray of int, shape (k,)
        Charge of each column of ``Q``.
    """
    blocks = [
        (c, r, k, *np.linalg.qr(X[np.ix_(r, k)])) for c, r, k in _sectors(row_q, col_q)
    ]
    dims = [b[3].shape[1] for b in blocks]
    Q = np.zeros((X.shape[0], sum(dims)), X.dtype)
    R = np.zeros((sum(dims), X.shape[1]), X.dtype)
    charges = np.repeat([b[0] for b in blocks], dims).astype(int)
    off = 0
    for (_, rows, cols, q, r), k in zip(blocks, dims, strict=True):
        Q[rows, off : off + k] = q
        R[off : off + k, cols] = r
        off += k
    return Q, R, charges


def _kept(s2: np.ndarray, total: float, cutoff: float, max_bond) -> int:
    """Number of singular values kept by the rsum2 cutoff, then ``max_bond``."""
    tail = np.cumsum(s2[::-1])[::-1]  # tail[k] = sum of s2[k:]
    keep = int(np.count_nonzero(tail > cutoff * total)) if cutoff > 0 else s2.size
    keep = max(keep, 1)
    return keep if max_bond is None else min(keep, max_bond)
