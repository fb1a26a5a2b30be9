"""Compiled loops of the lean MPS engine (:mod:`tnbp.states.mps_engine`).

Imported on first use only (numba compiles these on first call, or loads them
from its on-disk cache), so that ``import tnbp`` stays cheap. Site arrays are
``(B, chi_l, 2, chi_r)``, complex128, C-contiguous, in a numba typed list.
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)

#: A two-site step is split by QR instead of a truncated SVD when a lower bound
#: on the smallest squared singular value (from the inverse of a triangular
#: factor with the same singular values, see :func:`split`) exceeds
#: ``cutoff + QR_MARGIN`` times the total: the ``rsum2`` rule then keeps every
#: value whatever the rounding (~1e-15 of the total), so both splits give the
#: same state.
QR_MARGIN = 1e-10


@_jit
def keep_count(s, cutoff, max_bond):
    """How many singular values to keep: quimb's ``rsum2`` rule, then the cap.

    Parameters
    ----------
    s : numpy.ndarray of float64
        Singular values, largest first.
    cutoff : float
        Drop the smallest values whose squared sum is at most ``cutoff`` times
        the total (none when ``cutoff == 0``); at least one is kept.
    max_bond : int
        Keep at most this many (``<= 0``: no cap).

    Returns
    -------
    int
        The number kept (as quimb's ``_compute_number_svals_to_keep_numba``
        and ``_trim_and_renorm_svd_result_numba`` with ``renorm=0``).
    """
    n = s.size
    if cutoff > 0.0:
        target = cutoff * np.sum(s**2)
        kept, total = n, 0.0
        for i in range(n - 1, -1, -1):
            s2 = s[i] ** 2
            if not np.isnan(s2):
                total += s2
            if total > target:
                break
            kept -= 1
        kept = max(kept, 1)
        if max_bond > 0:
            kept = min(kept, max_bond)
        return kept
    if 0 < max_bond < n:
        return max_bond
    return n


#: Largest wide or square split (rows <= columns) whose rank bound comes from
#: the Cholesky factor of ``M M^H`` (compiled loops, :func:`split`); above it,
#: and for every tall split, LAPACK's Householder QR. Measured on one core
#: (square, complex): 8 x 8 4.8 us against 12.9, 16 x 16 16 against 52,
#: 32 x 32 116 against 127, 128 x 128 5.1 ms against 3.4.
GRAM_MAX = 32


@_jit
def cholesky_upper(G):
    """Upper Cholesky factor of a Hermitian positive definite matrix.

    Parameters
    ----------
    G : numpy.ndarray of complex128, shape (k, k)
        Hermitian; only its upper triangle is read.

    Returns
    -------
    R : numpy.ndarray of complex128, shape (k, k)
        Upper triangular with positive diagonal, ``R^H R = G``.
    ok : bool
        False when a pivot is not positive (``G`` is not positive definite
        to rounding); ``R`` is then incomplete.
    """
    k = G.shape[0]
    R = np.zeros((k, k), dtype=G.dtype)
    for j in range(k):
        d = G[j, j].real
        for i in range(j):
            d -= R[i, j].real ** 2 + R[i, j].imag ** 2
        if not d > 0.0:
            return R, False
        rjj = np.sqrt(d)
        R[j, j] = rjj
        for c in range(j + 1, k):
            acc = G[j, c]
            for i in range(j):
                acc -= np.conj(R[i, j]) * R[i, c]
            R[j, c] = acc / rjj
    return R, True


@_jit
def inverse_norm2(R):
    """``||R1^-1||_F^2`` of the leading square block ``R1`` of an upper trapezoidal ``R``.

    Parameters
    ----------
    R : numpy.ndarray of complex128, shape (k, c)
        Upper trapezoidal, ``k <= c``.

    Returns
    -------
    float
        The squared Frobenius norm of ``R1^-1`` (by back substitution);
        ``inf`` when ``R1`` has a zero on its diagonal.
    """
    k = R.shape[0]
    X = np.zeros((k, k), dtype=R.dtype)
    inv2 = 0.0
    for j in range(k):
        for i in range(j, -1, -1):
            if R[i, i] == 0:
                return np.inf
            acc = 1.0 + 0.0j if i == j else 0.0j
            for p in range(i + 1, j + 1):
                acc -= R[i, p] * X[p, j]
            X[i, j] = acc / R[i, i]
            inv2 += X[i, j].real ** 2 + X[i, j].imag ** 2
    return inv2


@_jit
def split(M):
    """``M = Q R`` with orthonormal columns ``Q``, and a bound on its smallest singular value.

    The bound, ``1 / (||R1^-1||_F^2 ||M||_F^2) <= sigma_min^2 / ||M||_F^2``,
    comes from a triangular ``R1`` with the singular values of ``M``: a
    wide or square ``M`` up to :data:`GRAM_MAX` rows takes ``Q = 1``,
    ``R = M`` (any unitary is a valid left factor) and ``R1`` the Cholesky
    factor of ``M M^H``; any other ``M`` takes LAPACK's Householder QR and
    ``R1`` the leading block of its ``R``. The Gram matrix adds a rounding
    of ~1e-16 of the total to the bound, far below the margin its callers
    leave (:data:`QR_MARGIN`).

    Parameters
    ----------
    M : numpy.ndarray of complex128, shape (p, q)
        The matrix to split, C-contiguous.

    Returns
    -------
    Q : numpy.ndarray of complex128, shape (p, min(p, q))
        Orthonormal columns.
    R : numpy.ndarray of complex128, shape (min(p, q), q)
        ``Q^H M``.
    bound : float
        The lower bound on ``sigma_min^2 / ||M||_F^2``; 0 when ``M`` is
        singular to rounding.
    """
    p, q = M.shape
    if p <= q and p <= GRAM_MAX:
        G = M @ np.conj(M.T)
        R1, ok = cholesky_upper(G)
        bound = 1.0 / (inverse_norm2(R1) * np.trace(G).real) if ok else 0.0
        return np.eye(p, dtype=M.dtype), M, bound
    Qh, Rh = np.linalg.qr(M)
    total = 0.0
    for i in range(Rh.shape[0]):
        for j in range(i, q):
            total += Rh[i, j].real ** 2 + Rh[i, j].imag ** 2
    bound = 1.0 / (inverse_norm2(Rh) * total)
    return np.ascontiguousarray(Qh), np.ascontiguousarray(Rh), bound


@_jit
def orthonormal_split(M):
    """``M = Q R`` with orthonormal columns ``Q``, without a bound.

    ``Q = 1`` for a wide or square ``M``, else LAPACK's Householder QR.

    Parameters
    ----------
    M : numpy.ndarray of complex128, shape (p, q)
        The matrix to split, C-contiguous.

    Returns
    -------
    Q : numpy.ndarray of complex128, shape (p, min(p, q))
        Orthonormal columns.
    R : numpy.ndarray of complex128, shape (min(p, q), q)
        ``Q^H M``.
    """
    if M.shape[0] <= M.shape[1]:
        return np.eye(M.shape[0], dtype=M.dtype), M
    Qh, Rh = np.linalg.qr(M)
    return np.ascontiguousarray(Qh), np.ascontiguousarray(Rh)


@_jit
def qr_right(sites, c):
    """Move the orthogonality centre from site ``c`` to ``c + 1`` (one split per instance).

    Parameters
    ----------
    sites : numba.typed.List of numpy.ndarray
        The batch; sites ``c`` and ``c + 1`` are replaced.
    c : int
        The current centre, ``< n - 1``.
    """
    A, N = sites[c], sites[c + 1]
    B, l, d, r = A.shape
    r2 = N.shape[3]
    kq = min(l * d, r)
    Qs = np.empty((B, l, d, kq), dtype=A.dtype)
    Ns = np.empty((B, kq, d, r2), dtype=A.dtype)
    for b in range(B):
        Q, R = orthonormal_split(np.ascontiguousarray(A[b]).reshape(l * d, r))
        Qs[b] = Q.reshape(l, d, kq)
        Ns[b] = (R @ N[b].reshape(r, d * r2)).reshape(kq, d, r2)
    sites[c] = Qs
    sites[c + 1] = Ns


@_jit
def lq_left(sites, c):
    """Move the orthogonality centre from site ``c`` to ``c - 1`` (one split per instance).

    Parameters
    ----------
    sites : numba.typed.List of numpy.ndarray
        The batch; sites ``c - 1`` and ``c`` are replaced.
    c : int
        The current centre, ``> 0``.
    """
    A, P = sites[c], sites[c - 1]
    B, l, d, r = A.shape
    l2 = P.shape[1]
    kq = min(d * r, l)
    Qs = np.empty((B, kq, d, r), dtype=A.dtype)
    Ps = np.empty((B, l2, d, kq), dtype=A.dtype)
    for b in range(B):
        # A = R^T Q^T from the split of A^T
        Q, R = orthonormal_split(np.ascontiguousarray(A[b].reshape(l, d * r).T))
        Qs[b] = np.ascontiguousarray(Q.T).reshape(kq, d, r)
        Ps[b] = (P[b].reshape(l2 * d, l) @ np.ascontiguousarray(R.T)).reshape(l2, d, kq)
    sites[c] = Qs
    sites[c - 1] = Ps


@_jit
def two_site(A, N, G, swap):
    """Contract sites ``A`` and ``N`` of one instance and apply ``G`` or a swap.

    Parameters
    ----------
    A, N : numpy.ndarray of complex128, shapes (l, 2, m) and (m, 2, r)
        Neighbouring sites of one instance.
    G : numpy.ndarray of complex128, shape (4, 4)
        The gate, ``A``'s qubit most significant (ignored for a swap).
    swap : bool
        Swap the two qubits instead of applying ``G``.

    Returns
    -------
    numpy.ndarray of complex128, shape (2 l, 2 r)
        The gated pair, rows ``(left bond, qubit of A)``.
    """
    l, m = A.shape[0], A.shape[2]
    r = N.shape[2]
    t4 = (A.reshape(2 * l, m) @ N.reshape(m, 2 * r)).reshape(l, 2, 2, r)
    out = np.empty((l, 2, 2, r), dtype=A.dtype)
    for p in range(2):
        for q in range(2):
            if swap:
                out[:, p, q, :] = t4[:, q, p, :]
            else:
                row = 2 * p + q
                out[:, p, q, :] = (
                    G[row, 0] * t4[:, 0, 0, :]
                    + G[row, 1] * t4[:, 0, 1, :]
                    + G[row, 2] * t4[:, 1, 0, :]
                    + G[row, 3] * t4[:, 1, 1, :]
                )
    return out.reshape(2 * l, 2 * r)


@_jit
def run_steps(sites, steps, gate_end, start, stop, c, mats, cutoff, max_bond, state):
    """Apply steps ``start..stop - 1`` of a plan to the batch (see :mod:`tnbp.states.mps_engine`).

    Parameters
    ----------
    sites : numba.typed.List of numpy.ndarray
        The batch, modified in place.
    steps, gate_end : numpy.ndarray of int64
        The plan's steps ``(k, m, left)`` and gate ends.
    start, stop : int
        The range of steps to apply.
    c : int
        The current orthogonality centre.
    mats : numpy.ndarray of complex128, shape (B, M, 4, 4)
        The plan's matrices.
    cutoff : float
        ``rsum2`` cutoff.
    max_bond : int
        Cap (``<= 0``: none).
    state : tuple
        ``(bonds, norm2, norms, peak)``, updated in place: each instance's
        bonds ``(B, n - 1)``, current squared norm ``(B,)``, squared norm
        after every gate ``(B, gates + 1)`` (column 0: the start) and largest
        centre bond ``(B,)``.

    Returns
    -------
    int
        The new orthogonality centre.
    """
    bonds, norm2, norms, peak = state
    n = len(sites)
    B = bonds.shape[0]
    for s in range(start, stop):
        k, m, left = steps[s, 0], steps[s, 1], steps[s, 2] == 1
        while c < k:
            qr_right(sites, c)
            c += 1
        while c > k + 1:
            lq_left(sites, c)
            c -= 1
        A, N = sites[k], sites[k + 1]
        l, r = A.shape[1], N.shape[3]
        rows, cols = 2 * l, 2 * r
        full = min(rows, cols)
        nothing_to_cut = max_bond <= 0 or max_bond >= full
        if cutoff > 0.0 and 4 * A.shape[3] < full:
            # rank <= 4 x the middle bond < full: the rule drops the zero values
            nothing_to_cut = False
        if nothing_to_cut:
            # QR (or LQ) per instance; where the rule might cut (cutoff > 0 and
            # split's bound cannot exclude it) that instance takes the SVD,
            # padded with zeros to the batch's width
            kk = full
            newA = np.empty((B, l, 2, kk), dtype=A.dtype)
            newN = np.empty((B, kk, 2, r), dtype=A.dtype)
            for b in range(B):
                theta = two_site(A[b], N[b], mats[b, max(m, 0)], m < 0)
                M = np.ascontiguousarray(theta.T) if left else theta
                Q, R, bound = split(M)
                if cutoff > 0.0 and not bound > cutoff + QR_MARGIN:
                    U, S, V = np.linalg.svd(theta, full_matrices=False)
                    kb = keep_count(S, cutoff, max_bond)
                    a = np.zeros((rows, kk), dtype=A.dtype)
                    v = np.zeros((kk, cols), dtype=A.dtype)
                    total = 0.0
                    for i in range(kb):
                        if left:
                            a[:, i] = U[:, i] * S[i]
                            v[i, :] = V[i, :]
                        else:
                            a[:, i] = U[:, i]
                            v[i, :] = S[i] * V[i, :]
                        total += S[i] ** 2
                    newA[b] = a.reshape(l, 2, kk)
                    newN[b] = v.reshape(kk, 2, r)
                    norm2[b] = total
                    bonds[b, k] = kb
                    continue
                if left:
                    newA[b] = np.ascontiguousarray(R.T).reshape(l, 2, kk)
                    newN[b] = np.ascontiguousarray(Q.T).reshape(kk, 2, r)
                else:
                    newA[b] = np.ascontiguousarray(Q).reshape(l, 2, kk)
                    newN[b] = np.ascontiguousarray(R).reshape(kk, 2, r)
                bonds[b, k] = kk
            kept = 1
            for b in range(B):
                kept = max(kept, bonds[b, k])
            if kept < kk:  # every instance took the SVD: the batch's width
                newA = np.ascontiguousarray(newA[:, :, :, :kept])
                newN = np.ascontiguousarray(newN[:, :kept])
        else:
            Us = np.empty((B, rows, full), dtype=A.dtype)
            Ss = np.zeros((B, full))
            Vs = np.empty((B, full, cols), dtype=A.dtype)
            kk = 1
            for b in range(B):
                theta = two_site(A[b], N[b], mats[b, max(m, 0)], m < 0)
                U, S, V = np.linalg.svd(theta, full_matrices=False)
                kb = keep_count(S, cutoff, max_bond)
                Us[b], Vs[b] = U, V
                total = 0.0
                for i in range(kb):
                    Ss[b, i] = S[i]
                    total += S[i] ** 2
                norm2[b] = total
                bonds[b, k] = kb
                kk = max(kk, kb)
            newA = np.empty((B, l, 2, kk), dtype=A.dtype)
            newN = np.empty((B, kk, 2, r), dtype=A.dtype)
            for b in range(B):
                U = np.ascontiguousarray(Us[b, :, :kk])
                V = np.ascontiguousarray(Vs[b, :kk, :])
                S = Ss[b, :kk]
                if left:
                    newA[b] = (U * S.reshape(1, kk)).reshape(l, 2, kk)
                    newN[b] = V.reshape(kk, 2, r)
                else:
                    newA[b] = U.reshape(l, 2, kk)
                    newN[b] = (S.reshape(kk, 1) * V).reshape(kk, 2, r)
        sites[k] = newA
        sites[k + 1] = newN
        c = k if left else k + 1
        g = gate_end[s]
        if g >= 0:
            for b in range(B):
                pk = 1
                if c > 0:
                    pk = max(pk, bonds[b, c - 1])
                if c < n - 1:
                    pk = max(pk, bonds[b, c])
                peak[b] = max(peak[b], pk)
                norms[b, g + 1] = norm2[b]
    return c


@_jit
def pack(sites):
    """All site arrays in one flat array, with their shapes.

    Parameters
    ----------
    sites : numba.typed.List of numpy.ndarray
        Arrays ``(B, chi_l, 2, chi_r)``.

    Returns
    -------
    flat : numpy.ndarray of complex128
        The arrays, raveled and concatenated in order.
    shapes : numpy.ndarray of int64, shape (n, 4)
        Their shapes.
    """
    n = len(sites)
    shapes = np.empty((n, 4), dtype=np.int64)
    total = 0
    for i in range(n):
        for a in range(4):
            shapes[i, a] = sites[i].shape[a]
        total += sites[i].size
    flat = np.empty(total, dtype=np.complex128)
    start = 0
    for i in range(n):
        size = sites[i].size
        flat[start : start + size] = sites[i].ravel()
        start += size
    return flat, shapes
