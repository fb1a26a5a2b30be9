r"""Compiled in-place statevector kernels on split real/imaginary arrays.

A batch of ``B`` statevectors of ``n`` qubits is held as two float64 arrays
``re`` and ``im`` of shape ``(B, 2^n)`` (the real and imaginary parts, qubit 0
most significant, so qubit ``q`` has stride ``s = 2^(n-1-q)``). Each kernel
updates them in place, one pass over the register per call, without
temporaries. The split layout is what lets the compiler vectorize: the two
amplitudes a one-qubit gate mixes are the entries ``j`` and ``j + s`` of
contiguous runs of length ``s``, and the loops over such runs compile to
packed SIMD arithmetic (numba/LLVM) for ``s >= 8`` (strides 1 and 2 have
loops of their own). Interleaved complex128 arrays did not vectorize: at
``n = 16`` the backward step of one qubit (:func:`overlap_apply_1q`) took
420 us on complex128, 230 us split but scalar and 63 us split and vectorized;
one gate (:func:`apply_1q`) 75 us scalar against 20 us vectorized. Compiled
with ``fastmath``: sums may be reassociated (so that the reductions
vectorize), which changes results by rounding only (1e-15 against tensordot,
``tests/states/test_dense_kernels.py``).

Gate matrices are passed packed as float64 rows, real and imaginary parts
interleaved in row-major order (:func:`pack`): ``(B, 8)`` for a 2x2, ``(B,
32)`` for a 4x4, row ``b`` acting on sample ``b``.

The kernels are compiled on first use and cached on disk (``cache=True``), so
``import tnbp`` loads none of this, and the first call of a new process costs
~0.1 s per kernel to load the cache (a few seconds to compile when there is no
cache). They release the GIL.

Used by :func:`tnbp.states.dense.simulate_dense` (from
:data:`~tnbp.states.dense.KERNEL_MIN_QUBITS` qubits on) and by the batched
adjoint sweep :mod:`tnbp.gradients.adjoint` (at every size).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_JIT = {"cache": True, "nogil": True, "fastmath": True, "error_model": "numpy"}


def split(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Real and imaginary parts of a complex batch, as contiguous float64 copies.

    Parameters
    ----------
    psi : numpy.ndarray of complex128, shape (B, 2^n)
        The statevectors.

    Returns
    -------
    re : numpy.ndarray of float64, shape (B, 2^n)
        The real parts, a new C-contiguous array (the kernels' layout).
    im : numpy.ndarray of float64, shape (B, 2^n)
        The imaginary parts, likewise.
    """
    return np.ascontiguousarray(psi.real), np.ascontiguousarray(psi.imag)


def pack(U: np.ndarray) -> np.ndarray:
    """Gate matrices (or diagonals) in the kernels' packed layout.

    Parameters
    ----------
    U : numpy.ndarray of complex, shape (B, d, d) or (B, d)
        Per-sample matrices, ``d = 2`` or ``4``, or the diagonals of
        :func:`phase_2q`.

    Returns
    -------
    numpy.ndarray of float64, shape (B, 2 d^2) or (B, 2 d)
        Row ``b`` holds ``U[b]`` row-major, real and imaginary parts interleaved.
    """
    U = np.asarray(U, dtype=complex)
    return np.ascontiguousarray(U.reshape(U.shape[0], -1)).view(np.float64)


def stride(n: int, q: int) -> int:
    """Stride of qubit ``q`` in a register of ``n`` qubits, qubit 0 most significant.

    Parameters
    ----------
    n : int
        Number of qubits.
    q : int
        The qubit, ``0 <= q < n``.

    Returns
    -------
    int
        ``2^(n-1-q)``.
    """
    return 1 << (n - 1 - q)


@njit(inline="always", **_JIT)
def _mix(w, x0, x1, y0, y1):  # pragma: no cover (compiled)
    """``w`` (a packed 2x2) times the pair ``(x0 + i x1, y0 + i y1)``."""
    ar, ai, br, bi, cr, ci, dr, di = w
    return (
        ar * x0 - ai * x1 + br * y0 - bi * y1,
        ar * x1 + ai * x0 + br * y1 + bi * y0,
        cr * x0 - ci * x1 + dr * y0 - di * y1,
        cr * x1 + ci * x0 + dr * y1 + di * y0,
    )


@njit(inline="always", **_JIT)
def _pair(r, m, i, k, w):  # pragma: no cover (compiled)
    """Apply ``w`` to amplitudes ``i`` and ``k`` of one statevector."""
    r[i], m[i], r[k], m[k] = _mix(w, r[i], m[i], r[k], m[k])


@njit(inline="always", **_JIT)
def _pair_overlap(r, m, lr, li, i, k, w):  # pragma: no cover (compiled)
    """Terms of the four overlap numbers at amplitudes ``i, k``; then ``w`` on both."""
    x0, x1, y0, y1 = r[i], m[i], r[k], m[k]
    p0, p1, q0, q1 = lr[i], li[i], lr[k], li[k]
    r[i], m[i], r[k], m[k] = _mix(w, x0, x1, y0, y1)
    lr[i], li[i], lr[k], li[k] = _mix(w, p0, p1, q0, q1)
    return (
        p0 * x1 - p1 * x0,
        q0 * y1 - q1 * y0,
        p0 * y1 - p1 * y0 + q0 * x1 - q1 * x0,
        p0 * y0 + p1 * y1 - q0 * x0 - q1 * x1,
    )


@njit(**_JIT)
def apply_1q(re, im, u, s):  # pragma: no cover (compiled)
    """Apply per-sample 2x2 matrices ``u`` (B, 8) to the qubit of stride ``s``.

    Strides 1 and 2 run as unit-step loops over interleaved pairs, larger
    strides over contiguous runs of ``s`` pairs: the forms that vectorize
    (measured at ``n = 16``: 29, 44, 78 and 20-40 us for ``s = 1, 2, 4`` and
    ``s >= 8``, against 124, 91, 76 and 20-40 us with runs only).

    Parameters
    ----------
    re, im : numpy.ndarray of float64, shape (B, 2^n)
        The batch, updated in place.
    u : numpy.ndarray of float64, shape (B, 8)
        Packed matrices (:func:`pack`).
    s : int
        Stride of the qubit (:func:`stride`).
    """
    B, N = re.shape
    for b in range(B):
        w = (u[b, 0], u[b, 1], u[b, 2], u[b, 3], u[b, 4], u[b, 5], u[b, 6], u[b, 7])
        ar, ai, br, bi, cr, ci, dr, di = w
        r, m = re[b], im[b]
        if s == 1:
            for i in range(N // 2):
                _pair(r, m, 2 * i, 2 * i + 1, w)
        elif s == 2:
            for i in range(N // 4):
                _pair(r, m, 4 * i, 4 * i + 2, w)
                _pair(r, m, 4 * i + 1, 4 * i + 3, w)
        else:
            for h in range(0, N, 2 * s):
                xr, xi = r[h : h + s], m[h : h + s]
                yr, yi = r[h + s : h + 2 * s], m[h + s : h + 2 * s]
                for j in range(s):  # written out: through _mix it does not vectorize
                    x0, x1, y0, y1 = xr[j], xi[j], yr[j], yi[j]
                    xr[j] = ar * x0 - ai * x1 + br * y0 - bi * y1
                    xi[j] = ar * x1 + ai * x0 + br * y1 + bi * y0
                    yr[j] = cr * x0 - ci * x1 + dr * y0 - di * y1
                    yi[j] = cr * x1 + ci * x0 + dr * y1 + di * y0


@njit(**_JIT)
def overlap_apply_1q(re, im, lre, lim, u, s, d):  # pragma: no cover (compiled)
    r"""Reduced overlap on one qubit, then ``u`` applied to both batches.

    With :math:`D_{ij} = \langle\lambda_i|\psi_j\rangle` (the overlap of the
    two statevectors with the qubit of stride ``s`` fixed to ``i`` in
    :math:`\lambda` and ``j`` in :math:`\psi`, summed over the other qubits),
    writes the four real numbers :math:`\mathrm{Im}\,D_{00}`,
    :math:`\mathrm{Im}\,D_{11}`, :math:`\mathrm{Im}(D_{01} + D_{10})` and
    :math:`\mathrm{Re}(D_{01} - D_{10})`: all that
    :math:`\mathrm{Im}\sum_{ij} Q_{ij} D_{ij}` needs for a Hermitian
    :math:`Q`, namely :math:`Q_{00} d_0 + Q_{11} d_1 + \mathrm{Re}\,Q_{01}\, d_2
    + \mathrm{Im}\,Q_{01}\, d_3`. They are taken before the update; then ``u``
    is applied to :math:`\psi` and :math:`\lambda`: one pass for one step of
    the adjoint sweep. Loops as in :func:`apply_1q`, stride 4 unit-step too
    (measured at ``n = 16``: 67, 106, 220 and 63-110 us for ``s = 1, 2, 4`` and
    ``s >= 8``; 280, 228 and 630 us for ``s = 1, 2, 4`` with runs only).

    Parameters
    ----------
    re, im : numpy.ndarray of float64, shape (B, 2^n)
        :math:`\psi`, updated in place.
    lre, lim : numpy.ndarray of float64, shape (B, 2^n)
        :math:`\lambda`, updated in place.
    u : numpy.ndarray of float64, shape (B, 8)
        Packed matrices (:func:`pack`).
    s : int
        Stride of the qubit.
    d : numpy.ndarray of float64, shape (B, 4)
        Output: the four numbers above, per sample.
    """
    B, N = re.shape
    for b in range(B):
        w = (u[b, 0], u[b, 1], u[b, 2], u[b, 3], u[b, 4], u[b, 5], u[b, 6], u[b, 7])
        ar, ai, br, bi, cr, ci, dr, di = w
        r, m, lr, li = re[b], im[b], lre[b], lim[b]
        k0 = k1 = k2 = k3 = 0.0
        if s == 1:
            for i in range(N // 2):
                c = _pair_overlap(r, m, lr, li, 2 * i, 2 * i + 1, w)
                k0, k1, k2, k3 = k0 + c[0], k1 + c[1], k2 + c[2], k3 + c[3]
        elif s == 2:
            for i in range(N // 4):
                c = _pair_overlap(r, m, lr, li, 4 * i, 4 * i + 2, w)
                k0, k1, k2, k3 = k0 + c[0], k1 + c[1], k2 + c[2], k3 + c[3]
                c = _pair_overlap(r, m, lr, li, 4 * i + 1, 4 * i + 3, w)
                k0, k1, k2, k3 = k0 + c[0], k1 + c[1], k2 + c[2], k3 + c[3]
        elif s == 4:
            for i in range(N // 8):
                for t in range(4):
                    c = _pair_overlap(r, m, lr, li, 8 * i + t, 8 * i + t + 4, w)
                    k0, k1, k2, k3 = k0 + c[0], k1 + c[1], k2 + c[2], k3 + c[3]
        else:
            for h in range(0, N, 2 * s):
                xr, xi = r[h : h + s], m[h : h + s]
                yr, yi = r[h + s : h + 2 * s], m[h + s : h + 2 * s]
                pr, pi = lr[h : h + s], li[h : h + s]
                qr, qi = lr[h + s : h + 2 * s], li[h + s : h + 2 * s]
                for j in range(s):  # written out: through _mix it does not vectorize
                    x0, x1, y0, y1 = xr[j], xi[j], yr[j], yi[j]
                    p0, p1, q0, q1 = pr[j], pi[j], qr[j], qi[j]
                    k0 += p0 * x1 - p1 * x0
                    k1 += q0 * y1 - q1 * y0
                    k2 += p0 * y1 - p1 * y0 + q0 * x1 - q1 * x0
                    k3 += p0 * y0 + p1 * y1 - q0 * x0 - q1 * x1
                    xr[j] = ar * x0 - ai * x1 + br * y0 - bi * y1
                    xi[j] = ar * x1 + ai * x0 + br * y1 + bi * y0
                    yr[j] = cr * x0 - ci * x1 + dr * y0 - di * y1
                    yi[j] = cr * x1 + ci * x0 + dr * y1 + di * y0
                    pr[j] = ar * p0 - ai * p1 + br * q0 - bi * q1
                    pi[j] = ar * p1 + ai * p0 + br * q1 + bi * q0
                    qr[j] = cr * p0 - ci * p1 + dr * q0 - di * q1
                    qi[j] = cr * p1 + ci * p0 + dr * q1 + di * q0
        d[b, 0], d[b, 1], d[b, 2], d[b, 3] = k0, k1, k2, k3


@njit(inline="always", **_JIT)
def _quad(ar, ai, ia, br, bi, ib, cr, ci, ic, dr, di, id_, w):  # pragma: no cover
    """Apply ``w`` (a packed 4x4) to the amplitudes ``a[ia], b[ib], c[ic], d[id_]``."""
    x0r, x0i, x1r, x1i = ar[ia], ai[ia], br[ib], bi[ib]
    x2r, x2i, x3r, x3i = cr[ic], ci[ic], dr[id_], di[id_]
    ar[ia] = (
        w[0] * x0r
        - w[1] * x0i
        + w[2] * x1r
        - w[3] * x1i
        + w[4] * x2r
        - w[5] * x2i
        + w[6] * x3r
        - w[7] * x3i
    )
    ai[ia] = (
        w[0] * x0i
        + w[1] * x0r
        + w[2] * x1i
        + w[3] * x1r
        + w[4] * x2i
        + w[5] * x2r
        + w[6] * x3i
        + w[7] * x3r
    )
    br[ib] = (
        w[8] * x0r
        - w[9] * x0i
        + w[10] * x1r
        - w[11] * x1i
        + w[12] * x2r
        - w[13] * x2i
        + w[14] * x3r
        - w[15] * x3i
    )
    bi[ib] = (
        w[8] * x0i
        + w[9] * x0r
        + w[10] * x1i
        + w[11] * x1r
        + w[12] * x2i
        + w[13] * x2r
        + w[14] * x3i
        + w[15] * x3r
    )
    cr[ic] = (
        w[16] * x0r
        - w[17] * x0i
        + w[18] * x1r
        - w[19] * x1i
        + w[20] * x2r
        - w[21] * x2i
        + w[22] * x3r
        - w[23] * x3i
    )
    ci[ic] = (
        w[16] * x0i
        + w[17] * x0r
        + w[18] * x1i
        + w[19] * x1r
        + w[20] * x2i
        + w[21] * x2r
        + w[22] * x3i
        + w[23] * x3r
    )
    dr[id_] = (
        w[24] * x0r
        - w[25] * x0i
        + w[26] * x1r
        - w[27] * x1i
        + w[28] * x2r
        - w[29] * x2i
        + w[30] * x3r
        - w[31] * x3i
    )
    di[id_] = (
        w[24] * x0i
        + w[25] * x0r
        + w[26] * x1i
        + w[27] * x1r
        + w[28] * x2i
        + w[29] * x2r
        + w[30] * x3i
        + w[31] * x3r
    )


@njit(**_JIT)
def apply_2q(re, im, u, s0, s1):  # pragma: no cover (compiled)
    """Apply per-sample 4x4 matrices ``u`` (B, 32) to the qubits of strides ``s0, s1``.

    Parameters
    ----------
    re, im : numpy.ndarray of float64, shape (B, 2^n)
        The batch, updated in place.
    u : numpy.ndarray of float64, shape (B, 32)
        Packed matrices (:func:`pack`); the qubit of stride ``s0`` is the
        matrix's first (most significant) factor.
    s0, s1 : int
        Strides of the two (distinct) qubits.
    """
    B, N = re.shape
    lo, hi = min(s0, s1), max(s0, s1)
    for b in range(B):
        # a tuple: loads from ``u`` would be repeated after every store
        w = (
            u[b, 0], u[b, 1], u[b, 2], u[b, 3], u[b, 4], u[b, 5], u[b, 6], u[b, 7],
            u[b, 8], u[b, 9], u[b, 10], u[b, 11], u[b, 12], u[b, 13], u[b, 14], u[b, 15],
            u[b, 16], u[b, 17], u[b, 18], u[b, 19], u[b, 20], u[b, 21], u[b, 22], u[b, 23],
            u[b, 24], u[b, 25], u[b, 26], u[b, 27], u[b, 28], u[b, 29], u[b, 30], u[b, 31],
        )  # fmt: skip
        r, m = re[b], im[b]
        if lo < 8:  # short runs: one group of four per iteration
            for p in range(N // 4):
                i = ((p & ~(lo - 1)) << 1) | (p & (lo - 1))
                i = ((i & ~(hi - 1)) << 1) | (i & (hi - 1))
                j, k = i + s1, i + s0
                _quad(r, m, i, r, m, j, r, m, k, r, m, k + s1, w)
        else:  # contiguous runs of ``lo`` groups: vectorizes
            for a in range(0, N, 2 * hi):
                for c in range(a, a + hi, 2 * lo):
                    ar, ai = r[c : c + lo], m[c : c + lo]
                    br, bi = r[c + s1 : c + s1 + lo], m[c + s1 : c + s1 + lo]
                    cr, ci = r[c + s0 : c + s0 + lo], m[c + s0 : c + s0 + lo]
                    e = c + s0 + s1
                    dr, di = r[e : e + lo], m[e : e + lo]
                    for j in range(lo):
                        _quad(ar, ai, j, br, bi, j, cr, ci, j, dr, di, j, w)


@njit(**_JIT)
def phase_2q(re, im, d, s0, s1):  # pragma: no cover (compiled)
    """Multiply by per-sample two-qubit diagonals ``d`` (B, 8), skipping unit phases.

    A CZ touches a quarter of the amplitudes (the one phase that is not 1).

    Parameters
    ----------
    re, im : numpy.ndarray of float64, shape (B, 2^n)
        The batch, updated in place.
    d : numpy.ndarray of float64, shape (B, 8)
        The four diagonal entries per sample, real and imaginary parts
        interleaved (:func:`pack`); entry ``2 i0 + i1`` multiplies the amplitudes with bit
        ``i0`` at stride ``s0`` and ``i1`` at stride ``s1``.
    s0, s1 : int
        Strides of the two (distinct) qubits.
    """
    B, N = re.shape
    lo, hi = min(s0, s1), max(s0, s1)
    for b in range(B):
        r, m = re[b], im[b]
        for k in range(4):
            pr, pi = d[b, 2 * k], d[b, 2 * k + 1]
            if pr == 1.0 and pi == 0.0:
                continue
            o = (k >> 1) * s0 + (k & 1) * s1
            if lo < 8:
                for p in range(N // 4):
                    i = ((p & ~(lo - 1)) << 1) | (p & (lo - 1))
                    i = (((i & ~(hi - 1)) << 1) | (i & (hi - 1))) + o
                    x0, x1 = r[i], m[i]
                    r[i], m[i] = pr * x0 - pi * x1, pr * x1 + pi * x0
            else:
                for a in range(0, N, 2 * hi):
                    for c in range(a + o, a + o + hi, 2 * lo):
                        xr, xi = r[c : c + lo], m[c : c + lo]
                        for j in range(lo):
                            x0, x1 = xr[j], xi[j]
                            xr[j] = pr * x0 - pi * x1
                            xi[j] = pr * x1 + pi * x0


@njit(**_JIT)
def multiply(re, im, vr, vi):  # pragma: no cover (compiled)
    """Multiply every statevector of the batch by the diagonal ``vr + i vi`` (2^n,).

    Parameters
    ----------
    re, im : numpy.ndarray of float64, shape (B, 2^n)
        The batch, updated in place.
    vr, vi : numpy.ndarray of float64, shape (2^n,)
        Real and imaginary parts of the diagonal, shared by the batch.
    """
    B, N = re.shape
    for b in range(B):
        r, m = re[b], im[b]
        for j in range(N):
            x0, x1 = r[j], m[j]
            r[j] = vr[j] * x0 - vi[j] * x1
            m[j] = vr[j] * x1 + vi[j] * x0


@njit(**_JIT)
def pauli_overlap(lre, lim, re, im, xmask, zmask, out):  # pragma: no cover (compiled)
    r""":math:`\langle\lambda|X^{x} Z^{z}|\psi\rangle` per sample, for bit masks ``x, z``.

    :math:`X^x Z^z|y\rangle = (-1)^{|y \wedge z|}|y \oplus x\rangle`; a Pauli
    string with ``nY`` letters Y is :math:`i^{nY} X^x Z^z` with ``x`` the bits
    of its X and Y letters and ``z`` those of its Z and Y letters.

    Parameters
    ----------
    lre, lim : numpy.ndarray of float64, shape (B, 2^n)
        :math:`\lambda`.
    re, im : numpy.ndarray of float64, shape (B, 2^n)
        :math:`\psi`.
    xmask, zmask : int
        Bit masks over amplitude indices.
    out : numpy.ndarray of float64, shape (B, 2)
        Output: real and imaginary parts of the overlap.
    """
    B, N = re.shape
    for b in range(B):
        sr = si = 0.0
        for y in range(N):
            t = y & zmask
            parity = 0
            while t:
                parity ^= 1
                t &= t - 1
            sign = 1.0 - 2.0 * parity
            k = y ^ xmask
            sr += sign * (lre[b, k] * re[b, y] + lim[b, k] * im[b, y])
            si += sign * (lre[b, k] * im[b, y] - lim[b, k] * re[b, y])
        out[b, 0], out[b, 1] = sr, si
