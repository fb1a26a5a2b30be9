r"""Real-time evolution :math:`e^{-iHt}|\psi_0\rangle` of a dense state.

For a Hamiltonian held as a dense matrix (a GUE draw, :func:`tnbp.gue_matrix`,
or a :class:`~tnbp.PauliSum` made dense), :func:`evolve` applies the
propagator by its Chebyshev expansion (Tal-Ezer and Kosloff): with the
spectrum of :math:`H` inside :math:`[c - a, c + a]` and
:math:`\tilde H = (H - c)/a`,

.. math::

    e^{-iHt} = e^{-ict} \sum_{k \ge 0} (2 - \delta_{k0})\,(-i)^k J_k(at)\,
    T_k(\tilde H),

where :math:`J_k` are Bessel functions and :math:`T_k` Chebyshev
polynomials, :math:`\|T_k(\tilde H)\| \le 1`. The series is cut after the
first :math:`K > at` terms whose tail :math:`2\sum_{k \ge K}|J_k(at)|`
is below :data:`~tnbp.limits.CHEBYSHEV_TOL`, which bounds the error of the
state in norm; :math:`J_k(at)` falls faster than exponentially once
:math:`k > at`, so :math:`K \approx at + O((at)^{1/3})` products with
:math:`H`.

The interval comes from :data:`~tnbp.limits.LANCZOS_STEPS` Lanczos steps
(full reorthogonalization, a fixed pseudo-random start): the extreme Ritz
values widened by their residual norms (a bound for the nearest eigenvalue
that in practice also bounds the extreme ones) and by a further 1 % of the
width; matrices of at most that dimension are diagonalized instead. A
spectrum that leaked out of the interval would make the series diverge, so
the norm of the result is checked (it must stay 1 to
:data:`~tnbp.limits.NORMALIZATION_ATOL`).

Cost: :math:`K + \mathtt{LANCZOS\_STEPS}` products with a
:math:`D \times D` matrix; at :math:`D = 2^{12}`, :math:`\|H\| \approx 2`
(GUE) and :math:`t = 10`, about 90 products, a few seconds, where a full
diagonalization takes a minute.

References
----------
.. [1] H. Tal-Ezer and R. Kosloff, "An accurate and efficient scheme for
   propagating the time dependent Schroedinger equation", J. Chem. Phys. 81,
   3967 (1984).
.. [2] Y. Zhou and R.-C. Li, "Bounding the spectrum of large Hermitian
   matrices", Linear Algebra Appl. 435, 480 (2011).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_bitstring, check_real
from .._threads import blas_threads_limit
from ..limits import (
    CHEBYSHEV_TOL,
    LANCZOS_STEPS,
    MAX_CHEBYSHEV_TERMS,
    MAX_DENSE_HAMILTONIAN_QUBITS,
    NORMALIZATION_ATOL,
    SMALL_EVOLUTION_QUBITS,
)
from ..models.pauli_sum import PauliSum
from .dense import DenseState, basis_state

#: relative widening of the Lanczos interval (beyond the residual norms)
_MARGIN = 0.01


def _as_matrix(hamiltonian) -> np.ndarray:
    """``hamiltonian`` as a dense Hermitian matrix of dimension ``2^n``."""
    if isinstance(hamiltonian, PauliSum):
        return hamiltonian.to_dense()
    if not isinstance(hamiltonian, np.ndarray) or hamiltonian.dtype.kind not in "fc":
        raise TypeError(
            "`hamiltonian` must be a tnbp.PauliSum or a square numpy array of "
            f"floats or complex numbers, got {type(hamiltonian).__name__}."
        )
    H = hamiltonian
    dim = H.shape[0] if H.ndim == 2 else 0
    if H.ndim != 2 or H.shape[1] != dim or dim < 2 or dim & (dim - 1):
        raise ValueError(
            f"`hamiltonian` must be a 2^n x 2^n matrix (n >= 1), got shape {H.shape}."
        )
    if dim > 2**MAX_DENSE_HAMILTONIAN_QUBITS:
        raise ValueError(
            f"`hamiltonian` acts on more than MAX_DENSE_HAMILTONIAN_QUBITS = "
            f"{MAX_DENSE_HAMILTONIAN_QUBITS} qubits (shape {H.shape})."
        )
    if not np.isfinite(H).all():
        raise ValueError("`hamiltonian` must be finite.")
    scale = max(float(np.abs(H).max()), np.finfo(float).tiny)
    if np.abs(H - H.conj().T).max() > 1e-12 * scale:
        raise ValueError("`hamiltonian` must be Hermitian (to 1e-12 of its entries).")
    return H


def spectral_interval(H: np.ndarray) -> tuple[float, float]:
    """An interval that holds the spectrum of the Hermitian matrix ``H``.

    Exact extremes for matrices of dimension up to
    :data:`~tnbp.limits.LANCZOS_STEPS`; above, the extreme Ritz values of
    that many Lanczos steps, each widened by its residual norm; both then
    widened by 1 % of the width (see :mod:`tnbp.states.evolution`).

    Parameters
    ----------
    H : numpy.ndarray, shape (D, D)
        A Hermitian matrix (validated by the caller).

    Returns
    -------
    tuple of float
        ``(low, high)`` in the units of ``H``, ``low < high``.
    """
    dim = H.shape[0]
    if dim <= LANCZOS_STEPS:
        w = np.linalg.eigvalsh(H)
        low, high = w[0], w[-1]
    else:
        low, high = _lanczos_bounds(H, LANCZOS_STEPS)
    pad = _MARGIN * (high - low) + 1e-12 * max(abs(low), abs(high), 1.0)
    return float(low - pad), float(high + pad)


def _lanczos_bounds(H: np.ndarray, steps: int) -> tuple[float, float]:
    """Extreme Ritz values of ``steps`` Lanczos steps, widened by their residuals."""
    from scipy.linalg import eigh_tridiagonal

    dim = H.shape[0]
    rng = np.random.default_rng(0)  # fixed: the result must not depend on a global
    v = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    V = np.empty((steps, dim), dtype=complex)
    V[0] = v / np.linalg.norm(v)
    alpha, beta = np.empty(steps), np.empty(steps)
    m = steps
    for j in range(steps):
        w = H @ V[j]
        alpha[j] = np.vdot(V[j], w).real
        w -= V[: j + 1].T @ (V[: j + 1].conj() @ w)  # full reorthogonalization,
        w -= V[: j + 1].T @ (V[: j + 1].conj() @ w)  # twice ("twice is enough")
        beta[j] = np.linalg.norm(w)
        if j + 1 == steps or beta[j] <= 1e-12 * max(abs(alpha[: j + 1]).max(), 1.0):
            m = j + 1  # an invariant subspace: its Ritz values are eigenvalues
            break
        V[j + 1] = w / beta[j]
    theta, S = eigh_tridiagonal(alpha[:m], beta[: m - 1])
    residual = beta[m - 1] * np.abs(S[m - 1])
    return theta[0] - residual[0], theta[-1] + residual[-1]


def chebyshev_terms(x: float) -> np.ndarray:
    """The Chebyshev coefficients ``(2 - delta_k0) J_k(x)`` of ``exp(-i x y)``, cut.

    Parameters
    ----------
    x : float
        :math:`a t`, half the width of the spectral interval times the time
        (``>= 0``).

    Returns
    -------
    numpy.ndarray of float64, shape (K,)
        The coefficients up to the first ``K > x`` whose tail, twice the sum of
        the dropped :math:`|J_k(x)|`, is below
        :data:`~tnbp.limits.CHEBYSHEV_TOL` (the phases :math:`(-i)^k` are
        applied by the caller).
    """
    from scipy.special import jv

    # J_k(x) < (x e / 2k)^k / sqrt(2 pi k): this many terms always suffice
    top = int(np.ceil(1.5 * x + 40 + 10 * np.cbrt(x)))
    k = np.arange(top + 1)
    J = jv(k, x)
    tail = 2 * np.cumsum(np.abs(J[::-1]))[::-1]  # tail[K] = 2 sum_{k >= K} |J_k|
    K = next(K for K in range(int(x) + 1, top + 1) if tail[K] < CHEBYSHEV_TOL)
    coeffs = J[:K].copy()
    coeffs[1:] *= 2
    return coeffs


def evolve(hamiltonian, time: float, *, initial: str | None = None) -> DenseState:
    r"""The state :math:`e^{-iHt}|\mathrm{initial}\rangle`, by a Chebyshev series.

    See :mod:`tnbp.states.evolution` for the method, its error bound and its
    cost.

    Parameters
    ----------
    hamiltonian : PauliSum or numpy.ndarray
        :math:`H`: a :class:`~tnbp.PauliSum` (made dense, at most
        :data:`~tnbp.limits.MAX_DENSE_HAMILTONIAN_QUBITS` qubits) or a Hermitian
        ``2^n x 2^n`` array (e.g. :func:`tnbp.gue_matrix`), qubit 0 most
        significant.
    time : float
        :math:`t` (any sign), in units of the inverse of :math:`H`'s energies
        (:math:`\hbar = 1`).
    initial : str, optional
        The initial computational basis state, qubit 0 first (default all
        zeros).

    Returns
    -------
    DenseState
        The evolved state, within :data:`~tnbp.limits.CHEBYSHEV_TOL` in norm
        of the exact one (exact: no caveats).

    Raises
    ------
    TypeError
        If ``hamiltonian`` is neither a PauliSum nor a numeric array, ``time``
        is not a real number, or ``initial`` is not a string.
    ValueError
        If the array is not square of a power-of-two dimension (at least 2) or
        not finite or not Hermitian, acts on more than
        :data:`~tnbp.limits.MAX_DENSE_HAMILTONIAN_QUBITS` qubits, ``time`` is
        not finite or so long that the series needs more than
        :data:`~tnbp.limits.MAX_CHEBYSHEV_TERMS` terms (:math:`at` of them), or
        ``initial`` is not a bitstring of ``n`` bits.
    RuntimeError
        If the result's norm is off by more than
        :data:`~tnbp.limits.NORMALIZATION_ATOL` (the spectral interval missed
        an eigenvalue).

    References
    ----------
    .. [1] H. Tal-Ezer and R. Kosloff, J. Chem. Phys. 81, 3967 (1984).
    .. [2] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Figs. 3a and 4a (GUE evolution at :math:`t = 10`).

    Examples
    --------
    A spin precessing about X: :math:`e^{-iXt}|0\rangle = \cos t|0\rangle - i
    \sin t|1\rangle`.

    >>> import numpy as np, tnbp
    >>> H = tnbp.PauliSum(1).add(1.0, "X", (0,))
    >>> psi = tnbp.evolve(H, 0.3).statevector
    >>> bool(np.allclose(psi, [np.cos(0.3), -1j * np.sin(0.3)], atol=1e-12))
    True
    """
    H = _as_matrix(hamiltonian)
    time = check_real(time, "time")
    if not np.isfinite(time):
        raise ValueError(f"`time` must be finite, got {time}.")
    n = H.shape[0].bit_length() - 1
    initial = check_bitstring("0" * n if initial is None else initial, n)
    # matrix-vector products: threaded BLAS only slows small ones down
    with blas_threads_limit(1 if n <= SMALL_EVOLUTION_QUBITS else None):
        out, (low, high) = _propagate(H, basis_state(initial).reshape(-1), time)
    norm = np.linalg.norm(out)
    if abs(norm - 1) > NORMALIZATION_ATOL:
        raise RuntimeError(
            f"exp(-iHt)|psi> came out with norm {norm:.12g}: the spectral interval "
            f"[{low:.6g}, {high:.6g}] missed an eigenvalue of `hamiltonian`."
        )
    return DenseState(out)


def _propagate(H: np.ndarray, psi: np.ndarray, time: float):
    """``exp(-iHt) psi`` by the Chebyshev series, and the interval it used."""
    low, high = spectral_interval(H)
    center, half = (high + low) / 2, (high - low) / 2
    if half * abs(time) > MAX_CHEBYSHEV_TERMS:
        raise ValueError(
            f"`time` = {time:g}: exp(-iHt) needs about a|t| = {half * abs(time):.3g} "
            f"Chebyshev terms (a = {half:.3g}, half the spectrum's width), one "
            f"product with H each; at most {MAX_CHEBYSHEV_TERMS:.0e}."
        )
    coeffs = chebyshev_terms(half * abs(time))
    phases = (-1j * np.sign(time)) ** np.arange(coeffs.size)  # e^{-iHt}, t < 0 too

    def scaled(v):  # (H - c) v / a
        return (H @ v - center * v) / half

    prev, cur = psi, scaled(psi)
    out = coeffs[0] * prev
    if coeffs.size > 1:
        out = out + coeffs[1] * phases[1] * cur
    for k in range(2, coeffs.size):
        prev, cur = cur, 2 * scaled(cur) - prev
        out += coeffs[k] * phases[k] * cur
    out *= np.exp(-1j * center * time)
    return out, (low, high)
