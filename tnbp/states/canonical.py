r"""Canonical form of an MPS of any site dimension, and the contractions estimators need.

Site tensors are raw arrays of shape ``(chi_left, d, chi_right)`` (edge bonds of
size 1). Each site index is split as :math:`d = d_\mathrm{keep}\, d_\mathrm{trace}`,
the kept factor most significant (index ``k * d_trace + t``):

* a qubit MPS: :math:`2 \times 1` (nothing traced);
* a purified Gibbs state: :math:`2 \times 2`, physical qubit kept and ancilla
  traced, so the state described is
  :math:`\rho = \mathrm{Tr}_\mathrm{anc} |\psi\rangle\langle\psi|`;
* the doubled operators of :mod:`tnbp.gradients.moments`: :math:`16 \times 1`.

One right-canonicalizing QR sweep (:math:`O(n \chi^3 d)`) makes every site
right-orthonormal, :math:`\sum_{p, r} B_{apr} \bar B_{bpr} = \delta_{ab}`. The
gauge matrices :math:`R_i` follow from a left QR sweep, computed only as far
as a query needs them:

.. math::

    |\psi\rangle = \sum U_0 \cdots U_{i-1}\, R_i\, B_i B_{i+1} \cdots B_{n-1},

with :math:`U` left-orthonormal. The Schmidt values across bond
``(i - 1, i)`` are the singular values of :math:`R_i`. A span of sites
``a..b`` is then described exactly by :math:`R_a B_a \cdots B_b` with
identity environments on both sides, so expectations and reduced density
matrices cost :math:`O((b - a + 1)\,\chi^3)` whatever ``n`` is. The traced
factor is summed over at every site, the kept factor only outside the chosen
set.

Reduced density matrices are contracted by one of two strategies, whichever
holds fewer entries at once: ``"ket"`` contracts the span's ket tensors with
every site index open (:math:`\chi_a \chi_b\, d^{\,b-a+1}` entries, best for
contiguous sets), ``"env"`` grows bra-ket environments from both ends with
only the kept factors of the chosen sites open
(:math:`\chi^2 d_\mathrm{keep}^{2m}` entries, best for scattered sets).

:func:`pair` contracts two MPS with the same site dimensions through their
transfer matrices, conjugated (:math:`\langle a | b \rangle`) or bilinear.

Array operations go through autoray, so any array library quimb holds the
tensors in works; every engine call runs under a BLAS thread limit (one thread
by default: the matrices are small, see :mod:`tnbp.states.mps`).

References
----------
U. Schollwoeck, "The density-matrix renormalization group in the age of matrix
product states", Ann. Phys. 326, 96 (2011), arXiv:1008.3477, Sec. 4 (canonical
forms, Schmidt values, overlaps and expectation values by transfer matrices).
F. Verstraete, J. J. Garcia-Ripoll, J. I. Cirac, "Matrix product density
operators: simulation of finite-temperature and dissipative systems",
Phys. Rev. Lett. 93, 207204 (2004), arXiv:cond-mat/0406426 (purifications).
"""

from __future__ import annotations

import functools

import numpy as np
from autoray import do

from .._checks import check_opt
from .._threads import blas_threads_limit
from ..limits import MAX_RDM_ENTRIES

#: Strategies of :meth:`CanonicalMPS.reduced_density_matrix`.
RDM_METHODS = ("auto", "ket", "env")


def _limited(method):
    """Run ``method`` under the instance's BLAS thread limit."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with blas_threads_limit(self.blas_threads):
            return method(self, *args, **kwargs)

    return wrapper


class CanonicalMPS:
    r"""A normalized MPS in right-canonical form, for any site dimension.

    Build it with :meth:`from_arrays`; the constructor takes tensors that are
    already right-orthonormal and normalized, and checks only their shapes.

    Parameters
    ----------
    B : list of arrays
        Right-orthonormal site tensors ``(chi_l, d, chi_r)`` of unit norm,
        ``B[0].shape[0] == B[-1].shape[2] == 1``.
    norm : float
        Norm of the MPS before normalization.
    traced_dim : int, optional
        :math:`d_\mathrm{trace}`, the dimension of the traced (least
        significant) factor of every site; it must divide ``d``.
    blas_threads : int or None, optional
        BLAS threads for the engine's contractions (None: leave BLAS alone).
    schmidt : list of numpy.ndarray, optional
        The Schmidt values of every bond (:attr:`schmidt`), if already known;
        otherwise computed on first use.

    Attributes
    ----------
    B : list of arrays
        The site tensors, site 0 carrying the unit norm.
    norm : float
        Norm of the MPS before normalization (:math:`\langle\psi|\psi\rangle^{1/2}`).
    kept_dim, traced_dim : int
        :math:`d_\mathrm{keep}` and :math:`d_\mathrm{trace}`.
    blas_threads : int or None
        BLAS threads of every engine call.

    Raises
    ------
    ValueError
        If ``traced_dim`` does not divide the site dimension, an edge bond is
        not 1, or a site is not a ``(chi_l, d, chi_r)`` array.

    References
    ----------
    .. [1] U. Schollwoeck, "The density-matrix renormalization group in the age
       of matrix product states", Ann. Phys. 326, 96 (2011), arXiv:1008.3477,
       Sec. 4 (right-canonical form, Schmidt values from the gauge matrices,
       expectation values by transfer matrices).

    Examples
    --------
    The Bell state :math:`|00\rangle + |11\rangle` (unnormalized):

    >>> import numpy as np
    >>> A = np.zeros((1, 2, 2)); A[0, 0, 0] = A[0, 1, 1] = 1
    >>> B = np.zeros((2, 2, 1)); B[0, 0, 0] = B[1, 1, 0] = 1
    >>> bell = CanonicalMPS.from_arrays([A, B])
    >>> round(bell.norm**2, 12), bell.schmidt[0].round(6).tolist()
    (2.0, [0.707107, 0.707107])
    >>> bell.reduced_density_matrix([1]).real.round(6).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    >>> Z = np.diag([1.0, -1.0])
    >>> round(bell.expectation({0: Z, 1: Z}).real, 12)
    1.0
    """

    def __init__(
        self, B, norm: float, *, traced_dim: int = 1, blas_threads=1, schmidt=None
    ):
        B = list(B)
        d = B[0].shape[1]
        if traced_dim < 1 or d % traced_dim:
            raise ValueError(
                f"`traced_dim` must be a positive divisor of the site dimension {d}, "
                f"got {traced_dim}."
            )
        if B[0].shape[0] != 1 or B[-1].shape[2] != 1:
            raise ValueError("`B`: edge bonds must have dimension 1.")
        if any(A.ndim != 3 or A.shape[1] != d for A in B):
            raise ValueError(f"`B`: every site must be a (chi_l, {d}, chi_r) array.")
        self.B = B
        self.norm = float(norm)
        self.traced_dim = int(traced_dim)
        self.kept_dim = d // self.traced_dim
        self.blas_threads = blas_threads
        self._R = [do("ones", (1, 1), like=B[0])]
        if schmidt is not None:  # known already (a batched sweep computed them)
            self.__dict__["schmidt"] = list(schmidt)

    @classmethod
    def from_arrays(
        cls,
        arrays,
        *,
        traced_dim: int = 1,
        right_canonical: bool = False,
        centre: int | None = None,
        blas_threads: int | None = 1,
    ) -> CanonicalMPS:
        r"""Bring site tensors ``(chi_l, d, chi_r)`` into normalized right-canonical form.

        One QR sweep from the right, :math:`O(n \chi^3 d)`: for each site
        :math:`B_i^T = QR`, so :math:`B_i = R^T Q^T` with :math:`Q^T`
        right-orthonormal, and :math:`R^T` is absorbed into site ``i - 1``.

        Parameters
        ----------
        arrays : sequence of arrays
            The site tensors, edge bonds of size 1; not modified.
        traced_dim : int, optional
            Dimension of each site's traced factor (see the module docstring).
        right_canonical : bool, optional
            Skip the QR sweep: the caller guarantees that sites ``1..n-1`` are
            already right-orthonormal (e.g. a purification with its centre at 0).
        centre : int, optional
            The caller guarantees that the sites right of ``centre`` are
            already right-orthonormal (an MPS in mixed canonical form around
            it): the sweep starts there. ``right_canonical=True`` is
            ``centre=0``.
        blas_threads : int or None, optional
            BLAS threads during the sweep and later contractions (None: leave BLAS
            alone).

        Returns
        -------
        CanonicalMPS
            The normalized state; its :attr:`norm` is the input's norm.

        Raises
        ------
        ValueError
            If ``arrays`` is empty, the MPS has zero or non-finite norm, or the
            shapes do not fit.
        """
        B = list(arrays)
        if not B:
            raise ValueError("`arrays` must hold at least one site tensor.")
        with blas_threads_limit(blas_threads):
            if right_canonical:
                centre = 0
            if centre is None:
                centre = len(B) - 1
            for i in range(centre, 0, -1):
                chi_l, d, chi_r = B[i].shape
                # B_i^T = Q R, so B_i = R^T Q^T with Q^T right-orthonormal
                Q, Rm = do("linalg.qr", do("transpose", B[i].reshape(chi_l, d * chi_r)))
                B[i] = do("transpose", Q).reshape(-1, d, chi_r)
                B[i - 1] = do("tensordot", B[i - 1], do("transpose", Rm), 1)
            norm = float(do("linalg.norm", B[0].reshape(-1)))
        if not norm > 0 or not np.isfinite(norm):
            raise ValueError(f"MPS has norm {norm}; cannot normalize.")
        B[0] = B[0] / norm
        return cls(B, norm, traced_dim=traced_dim, blas_threads=blas_threads)

    @property
    def n(self) -> int:
        """Number of sites."""
        return len(self.B)

    # ------------------------------------------------------------ gauge data
    def gauge(self, i: int):
        """The matrix :math:`R_i` to the left of site ``i`` (``R_0 = [[1]]``).

        Computed by a left QR sweep as far as ``i`` on first request and cached:
        :math:`R_{k+1}` is the R factor of :math:`R_k B_k` reshaped to
        ``(rows * d, chi_r)``.

        Parameters
        ----------
        i : int
            Site, ``0 <= i < n``.

        Returns
        -------
        array, shape (r, chi)
            :math:`R_i`, with ``chi = B[i].shape[0]`` and ``r <= chi``, of the
            tensors' array type and dtype; its singular values are the Schmidt
            values of bond ``(i - 1, i)``.
        """
        R = self._R
        if len(R) <= i:
            R = list(R)  # extend a copy, then swap it in: safe under threads
            with blas_threads_limit(self.blas_threads):
                while len(R) <= i:
                    k = len(R) - 1
                    C = do("tensordot", R[k], self.B[k], 1)
                    rows, d, chi_r = C.shape
                    R.append(do("linalg.qr", C.reshape(rows * d, chi_r), mode="r"))
            self._R = R
        return R[i]

    @functools.cached_property
    def schmidt(self) -> list[np.ndarray]:
        """Schmidt values across every bond, largest first.

        ``schmidt[i]`` (a float64 numpy array) belongs to the bond between sites
        ``i`` and ``i + 1``: the singular values of :math:`R_{i+1}`.
        """
        self.gauge(self.n - 1)
        gauges = self._R[1 : self.n]
        with blas_threads_limit(self.blas_threads):
            return [
                np.linalg.svd(np.asarray(do("to_numpy", R)), compute_uv=False)
                for R in gauges
            ]

    def _span_site(self, i: int, start: int):
        """Tensor ``i`` of the span starting at ``start`` (gauge folded into the first)."""
        if i == start:
            return do("tensordot", self.gauge(i), self.B[i], 1)
        return self.B[i]

    def _check_sites(self, sites, name: str) -> list[int]:
        sites = [int(q) for q in sites]
        if not sites or len(set(sites)) != len(sites):
            raise ValueError(f"`{name}` must be distinct sites, got {sites}.")
        if min(sites) < 0 or max(sites) >= self.n:
            raise ValueError(f"`{name}` must lie in 0..{self.n - 1}, got {sites}.")
        return sites

    # ----------------------------------------------------------- expectations
    @_limited
    def expectation(self, ops: dict) -> complex:
        r""":math:`\mathrm{Tr}[\rho \bigotimes_q O_q]` for operators on kept factors.

        Contracts only the span ``min(ops)..max(ops)``, from the gauge matrix at
        its left end, in :math:`O((b - a + 1)\, \chi^3 d)`.

        Parameters
        ----------
        ops : dict of int to array
            ``ops[q]``, a ``(d_keep, d_keep)`` matrix acting on the kept factor
            of site ``q`` (identity on the traced factor and elsewhere).

        Returns
        -------
        complex
            The expectation value in the normalized state (1 for no operators).

        Raises
        ------
        ValueError
            If a site of ``ops`` is out of range.
        """
        if not ops:
            return 1.0 + 0.0j
        sites = self._check_sites(ops, "ops")
        a, b = min(sites), max(sites)
        env = None
        for i in range(a, b + 1):
            T = self._span_site(i, a)
            op = ops.get(i)
            OT = T if op is None else self._apply_kept(op, T)
            env = _step(env, OT, do("conj", T))
        return complex(do("trace", env))  # right-canonical beyond: identity

    def _apply_kept(self, op, T):
        """``op`` on the kept factor of the site tensor ``T``."""
        chi_l, d, chi_r = T.shape
        T3 = T.reshape(chi_l, self.kept_dim, self.traced_dim * chi_r)
        OT = do("tensordot", op, T3, ((1,), (1,)))  # (k', chi_l, t * chi_r)
        return do("transpose", OT, (1, 0, 2)).reshape(chi_l, d, chi_r)

    # ----------------------------------------------------- reduced density matrix
    @_limited
    def reduced_density_matrix(self, qubits, *, method: str = "auto") -> np.ndarray:
        r""":math:`\rho_A` of the kept factors of the distinct sites ``qubits``.

        The traced factor is traced out everywhere, the kept factor outside
        ``qubits``.

        Parameters
        ----------
        qubits : sequence of int
            Distinct sites, in any order; the first listed is the most
            significant factor of the result.
        method : {"auto", "ket", "env"}, optional
            Contraction strategy (see the module docstring); ``"auto"`` takes
            the one that holds fewer entries at once.

        Returns
        -------
        numpy.ndarray of complex128 or float64, shape (d_keep**m, d_keep**m)
            Hermitian, positive semidefinite, unit trace, for ``m = len(qubits)``
            (float64 when the site tensors are real).

        Raises
        ------
        ValueError
            If ``method`` is unknown, the sites repeat or are out of range, or the
            contraction would hold more than :data:`~tnbp.limits.MAX_RDM_ENTRIES`
            entries at once.
        """
        check_opt("method", method, RDM_METHODS)
        qubits = self._check_sites(qubits, "qubits")
        keep = sorted(qubits)
        sizes = self._sizes(keep)
        if method == "auto":
            method = min(sizes, key=sizes.get)
        size = sizes[method]
        if size > MAX_RDM_ENTRIES:
            raise ValueError(
                f"`qubits`: the reduced density matrix of {len(qubits)} sites at this "
                f"bond dimension needs {size:.3g} entries (> {MAX_RDM_ENTRIES:.3g}); "
                "choose fewer or closer sites."
            )
        rho = self._rdm_ket(keep) if method == "ket" else self._rdm_env(keep)
        rho = np.asarray(do("to_numpy", rho))
        if qubits != keep:
            m, dk = len(keep), self.kept_dim
            perm = np.argsort(np.argsort(qubits))  # axis of each listed site
            rho = rho.reshape((dk,) * (2 * m))
            rho = rho.transpose(tuple(perm) + tuple(m + perm)).reshape(dk**m, dk**m)
        return rho

    def rdm_memory(self, qubits) -> dict[str, int]:
        """Entries held at once by each strategy of :meth:`reduced_density_matrix`.

        Parameters
        ----------
        qubits : sequence of int
            Distinct sites.

        Returns
        -------
        dict of str to int
            ``{"ket": int, "env": int}``, peak numbers of array entries.

        Raises
        ------
        ValueError
            If the sites repeat or are out of range.
        """
        return self._sizes(sorted(self._check_sites(qubits, "qubits")))

    def _sizes(self, keep) -> dict[str, int]:
        a, b = keep[0], keep[-1]
        d = self.kept_dim * self.traced_dim
        ket = self.B[a].shape[0] * self.B[b].shape[2] * d ** (
            b - a + 1
        ) + self.kept_dim ** (2 * len(keep))
        return {"ket": ket, "env": self._split_cost(keep, self._best_split(keep))}

    def _split_cost(self, keep, p: int) -> int:
        chi = self.B[p].shape[2]
        dk2 = self.kept_dim**2
        m_left = sum(q <= p for q in keep)
        return chi * chi * (dk2**m_left + dk2 ** (len(keep) - m_left)) + dk2 ** len(
            keep
        )

    def _best_split(self, keep) -> int:
        a, b = keep[0], keep[-1]
        if a == b:
            return a
        return min(range(a, b), key=lambda p: self._split_cost(keep, p))

    def _rdm_ket(self, keep):
        a, b = keep[0], keep[-1]
        phi = self._span_site(a, a)
        for i in range(a + 1, b + 1):
            phi = do("tensordot", phi, self.B[i], ((phi.ndim - 1,), (0,)))
        span = b - a + 1
        split = (self.kept_dim, self.traced_dim) * span
        phi = phi.reshape((phi.shape[0], *split, phi.shape[-1]))
        kept_axes = [1 + 2 * (q - a) for q in keep]
        others = [ax for ax in range(phi.ndim) if ax not in kept_axes]
        M = do("transpose", phi, kept_axes + others)
        M = M.reshape(self.kept_dim ** len(keep), -1)
        return M @ do("transpose", do("conj", M))

    def _rdm_env(self, keep):
        split = self._best_split(keep)
        left = self._grow_left(keep[0], split, keep)
        right = self._grow_right(keep[-1], split + 1, keep)
        dl, dr = left.shape[2], right.shape[2]
        rho = do("tensordot", left, right, ((0, 1), (0, 1)))  # (kL, kL', kR, kR')
        return do("transpose", rho, (0, 2, 1, 3)).reshape(dl * dr, dl * dr)

    def _grow_left(self, a: int, stop: int, keep):
        """Environment ``(chi, chi, D, D)`` (ket, bra) of sites ``a..stop``."""
        dk, dt = self.kept_dim, self.traced_dim
        T = self._span_site(a, a)
        env = do("eye", T.shape[0], like=T).reshape(T.shape[0], T.shape[0], 1, 1)
        for i in range(a, stop + 1):
            T = self._span_site(i, a)
            Tc = do("conj", T)
            X = do("tensordot", env, T, ((0,), (0,)))  # (b, k, l, p, c)
            if i in keep:
                b_, k_, l_, _, c_ = X.shape
                X = X.reshape(b_, k_, l_, dk, dt, c_)  # (b, k, l, s, t, c)
                Tc = Tc.reshape(Tc.shape[0], dk, dt, Tc.shape[2])  # (b, s', t, d)
                Y = do("tensordot", X, Tc, ((0, 4), (0, 2)))  # (k, l, s, c, s', d)
                env = do("transpose", Y, (3, 5, 0, 2, 1, 4))
                env = env.reshape(c_, Tc.shape[3], k_ * dk, l_ * dk)
            else:
                Y = do("tensordot", X, Tc, ((0, 3), (0, 1)))  # (k, l, c, d)
                env = do("transpose", Y, (2, 3, 0, 1))
        return env

    def _grow_right(self, b: int, stop: int, keep):
        """Environment ``(chi, chi, D, D)`` (ket, bra) of sites ``stop..b``."""
        dk, dt = self.kept_dim, self.traced_dim
        chi = self.B[b].shape[2]
        env = do("eye", chi, like=self.B[b]).reshape(chi, chi, 1, 1)
        for i in range(b, stop - 1, -1):
            T = self.B[i]
            Tc = do("conj", T)
            X = do("tensordot", T, env, ((2,), (0,)))  # (a, p, d, k, l)
            if i in keep:
                a_, _, d_, k_, l_ = X.shape
                X = X.reshape(a_, dk, dt, d_, k_, l_)  # (a, s, t, d, k, l)
                Tc = Tc.reshape(Tc.shape[0], dk, dt, d_)  # (b, s', t, d)
                Y = do("tensordot", X, Tc, ((2, 3), (2, 3)))  # (a, s, k, l, b, s')
                env = do("transpose", Y, (0, 4, 1, 2, 5, 3))
                env = env.reshape(a_, Tc.shape[0], dk * k_, dk * l_)
            else:
                Y = do("tensordot", X, Tc, ((1, 2), (1, 2)))  # (a, k, l, b)
                env = do("transpose", Y, (0, 3, 1, 2))
        return env


def _step(env, top, bottom):
    """Transfer-matrix step: ``env[a, b] top[a, p, c] bottom[b, p, d] -> [c, d]``.

    ``env=None`` stands for the ``1 x 1`` (or identity) left boundary.
    """
    if env is None:
        return do("tensordot", top, bottom, ((0, 1), (0, 1)))
    X = do("tensordot", env, top, ((0,), (0,)))  # (b, p, c)
    return do("tensordot", X, bottom, ((0, 1), (0, 1)))


def pair(bra, ket, *, conjugate: bool = True) -> complex:
    r"""Contract two MPS site by site through their transfer matrices.

    .. math::

        \langle a | b \rangle = \sum_{s_0 \ldots s_{n-1}}
        \overline{a_{s_0 \ldots s_{n-1}}}\, b_{s_0 \ldots s_{n-1}}
        \quad\text{or, bilinear,}\quad
        \sum_{s} a_{s}\, b_{s},

    in :math:`O(n \chi^3 d)`.

    Parameters
    ----------
    bra, ket : sequence of arrays
        Site tensors ``(chi_l, d_i, chi_r)`` of equal length and site
        dimensions, edge bonds of size 1 (see :func:`site_arrays`).
    conjugate : bool, optional
        Conjugate ``bra`` (the inner product) or not (the bilinear pairing
        used by :mod:`tnbp.gradients.moments`).

    Returns
    -------
    complex
        :math:`\langle a|b\rangle` (or the bilinear pairing) of the
        unnormalized states.

    Raises
    ------
    ValueError
        If the two MPS differ in length or site dimensions, or an edge bond is
        not 1.

    References
    ----------
    .. [1] U. Schollwoeck, "The density-matrix renormalization group in the age
       of matrix product states", Ann. Phys. 326, 96 (2011), arXiv:1008.3477,
       Sec. 4.2 (overlaps by transfer matrices).
    """
    bra, ket = list(bra), list(ket)
    if len(bra) != len(ket) or not bra:
        raise ValueError(
            f"`bra` and `ket` must have the same number (> 0) of sites, got "
            f"{len(bra)} and {len(ket)}."
        )
    if any(A.shape[1] != B.shape[1] for A, B in zip(bra, ket)):
        raise ValueError("`bra` and `ket` must have the same site dimensions.")
    for name, mps in (("bra", bra), ("ket", ket)):
        if mps[0].shape[0] != 1 or mps[-1].shape[2] != 1:
            raise ValueError(f"`{name}`: edge bonds must have dimension 1.")
    env = None
    for A, B in zip(bra, ket):
        env = _step(env, do("conj", A) if conjugate else A, B)
    return complex(env.reshape(-1)[0])


def site_arrays(mps) -> list:
    """Site tensors of a quimb ``MatrixProductState`` as ``(chi_l, d, chi_r)`` arrays.

    Parameters
    ----------
    mps : quimb.tensor.MatrixProductState
        Any MPS (open boundaries), in any gauge.

    Returns
    -------
    list of arrays
        One per site (:func:`site_array`), possibly views of ``mps``.
    """
    return [site_array(mps, i) for i in range(mps.L)]


def site_array(mps, i: int):
    """Site tensor ``i`` of a quimb ``MatrixProductState`` as a ``(chi_l, d, chi_r)`` array.

    Parameters
    ----------
    mps : quimb.tensor.MatrixProductState
        Any MPS (open boundaries), in any gauge, with at least two sites.
    i : int
        The site, ``0 <= i < mps.L``.

    Returns
    -------
    array
        The tensor's data transposed to ``(chi_l, d, chi_r)`` (possibly a view
        of ``mps``), edge bonds of size 1 added.
    """
    n = mps.L
    t = mps[i]
    inds = [mps.site_ind(i)]
    if i > 0:
        inds.insert(0, mps.bond(i - 1, i))
    if i < n - 1:
        inds.append(mps.bond(i, i + 1))
    data = t.transpose(*inds).data
    if i == 0:
        data = data[None]
    if i == n - 1:
        data = data[..., None]
    return data
