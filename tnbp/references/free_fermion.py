r"""Exact simulation of matchgate (free-fermion) circuits, for large-n references.

Under the Jordan-Wigner map :math:`\gamma_{2j} = (\prod_{k<j} Z_k) X_j`,
:math:`\gamma_{2j+1} = (\prod_{k<j} Z_k) Y_j`, the rotations
:math:`e^{-i\theta P/2}` with :math:`P \in \{Z_j, X_jX_{j+1}, Y_jY_{j+1},
X_jY_{j+1}, Y_jX_{j+1}\}` are exponentials of Majorana bilinears,
:math:`P = i s\, \gamma_a \gamma_b`, and act on the Majorana covariance matrix

.. math::

    \Gamma_{kl} = \tfrac{i}{2} \langle [\gamma_k, \gamma_l] \rangle

as a rotation by :math:`s\theta` in the :math:`(a, b)` plane:
:math:`\Gamma \to R \Gamma R^T`, at :math:`O(n)` cost per gate. Computational
basis states are Gaussian, so every output state is, and its entanglement
follows from :math:`\Gamma`: a contiguous block whose restricted covariance has
eigenvalues :math:`\pm i \nu_k` has entropy
:math:`\sum_k H_2\big((1 + \nu_k)/2\big)` bits.

Thermal states of quadratic Hamiltonians
:math:`H = \tfrac{i}{4} \sum_{kl} A_{kl} \gamma_k \gamma_l` (``A`` real
antisymmetric, built from Pauli terms by :func:`majorana_hamiltonian`) are
Gaussian too: :func:`thermal_covariance` gives their :math:`\Gamma`, which the
block functions above read, and :func:`thermal_log_partition`,
:func:`thermal_energy` and :func:`thermal_entropy` give the whole-chain
thermodynamics from the spectrum of :math:`iA`.

Nothing here shares code with the simulators: it is the independent
reference the MPS and Gibbs backends are tested against at ``n = 40``.

References
----------
.. [1] B. M. Terhal and D. P. DiVincenzo, "Classical simulation of
   noninteracting-fermion quantum circuits", Phys. Rev. A 65, 032325 (2002),
   arXiv:quant-ph/0108010 (matchgate circuits as free fermions).
.. [2] S. Bravyi, "Lagrangian representation for fermionic linear optics",
   Quantum Inf. Comput. 5, 216 (2005), arXiv:quant-ph/0404180 (the
   covariance matrix, its rotation by Gaussian unitaries, Wick's theorem).
.. [3] G. Vidal, J. I. Latorre, E. Rico and A. Kitaev, "Entanglement in
   quantum critical phenomena", Phys. Rev. Lett. 90, 227902 (2003),
   arXiv:quant-ph/0211074 (block entropies from :math:`\nu_k`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .._checks import check_beta, check_bitstring, check_int
from ..models.circuit import Circuit
from ..models.paulis import as_pauli_term

# Pauli string on (j, j+1) (or on j) -> (sign s, offset of a, offset of b) with
# P = i s gamma_a gamma_b and a = 2j + offset.
_BILINEARS = {
    "Z": (-1, 0, 1),
    "XX": (-1, 1, 2),
    "YY": (1, 0, 3),
    "XY": (-1, 1, 3),
    "YX": (1, 0, 2),
}


def _find_bilinear(pauli: str, qubits: tuple[int, ...]):
    """``(s, a, b)`` with ``P = i s gamma_a gamma_b``, or None if ``P`` is not one."""
    if len(qubits) == 2 and qubits[0] == qubits[1] + 1:
        pauli, qubits = pauli[::-1], qubits[::-1]
    if pauli not in _BILINEARS or len(pauli) != len(qubits):
        return None
    if len(qubits) == 2 and qubits[1] != qubits[0] + 1:
        return None
    s, da, db = _BILINEARS[pauli]
    j = qubits[0]
    return s, 2 * j + da, 2 * j + db


def _majorana_pair(pauli: str, qubits: tuple[int, ...]):
    pair = _find_bilinear(pauli, qubits)
    if pair is None:
        raise ValueError(
            f"`circuit`: rotation {pauli} on {qubits} is not a nearest-neighbour "
            "matchgate (allowed: Z, XX, YY, XY, YX on neighbours)."
        )
    return pair


def initial_covariance(bits: str) -> np.ndarray:
    r"""Covariance matrix of ``|bits>``: :math:`\Gamma_{2j,2j+1} = -\langle Z_j \rangle`.

    Since :math:`Z_j = -i\gamma_{2j}\gamma_{2j+1}`, a basis state has
    :math:`\Gamma_{2j,2j+1} = -\Gamma_{2j+1,2j} = -(1 - 2 b_j)` and zeros
    elsewhere.

    Parameters
    ----------
    bits : str
        The bitstring, qubit 0 first (not validated: see
        :func:`covariance_matrix`).

    Returns
    -------
    numpy.ndarray of float64, shape (2n, 2n)
        :math:`\Gamma`, ``n = len(bits)``: block diagonal and antisymmetric.
    """
    n = len(bits)
    gamma = np.zeros((2 * n, 2 * n))
    for j, b in enumerate(bits):
        z = 1.0 - 2.0 * int(b)
        gamma[2 * j, 2 * j + 1] = -z
        gamma[2 * j + 1, 2 * j] = z
    return gamma


def covariance_matrix(circuit: Circuit, initial: str | None = None) -> np.ndarray:
    r"""Majorana covariance matrix of ``circuit |initial>`` for a matchgate circuit.

    Starts from :func:`initial_covariance` and rotates rows and columns
    :math:`(a, b)` by the angle :math:`s\theta` of each gate
    :math:`e^{-i\theta P/2}`, :math:`P = i s \gamma_a \gamma_b` (module
    docstring), at :math:`O(n)` per gate.

    Parameters
    ----------
    circuit : Circuit
        Rotations :math:`e^{-i\theta P/2}` with :math:`P` one of ``Z`` on a
        qubit or ``XX``, ``YY``, ``XY``, ``YX`` on neighbours (either order).
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).

    Returns
    -------
    numpy.ndarray of float64, shape (2n, 2n)
        :math:`\Gamma_{kl} = \tfrac{i}{2}\langle[\gamma_k, \gamma_l]\rangle`,
        real antisymmetric, for ``n = circuit.n``.

    Raises
    ------
    TypeError
        If ``initial`` is not a string.
    ValueError
        If ``initial`` is not a bitstring of length ``n``, or the circuit has a
        fixed gate or a rotation that is not a nearest-neighbour matchgate.

    References
    ----------
    .. [1] S. Bravyi, "Lagrangian representation for fermionic linear optics",
       Quantum Inf. Comput. 5, 216 (2005), arXiv:quant-ph/0404180.
    .. [2] B. M. Terhal and D. P. DiVincenzo, Phys. Rev. A 65, 032325 (2002),
       arXiv:quant-ph/0108010.
    """
    bits = check_bitstring(initial, circuit.n)
    gamma = initial_covariance(bits)
    for gate in circuit:
        if not gate.is_rotation:
            raise ValueError(f"`circuit`: fixed gate {gate.label} is not supported.")
        s, a, b = _majorana_pair(gate.pauli, gate.qubits)
        c, sn = np.cos(s * gate.theta), np.sin(s * gate.theta)
        R = np.array([[c, sn], [-sn, c]])
        gamma[[a, b], :] = R @ gamma[[a, b], :]
        gamma[:, [a, b]] = gamma[:, [a, b]] @ R.T
    return gamma


def block_nus(gamma: np.ndarray, start: int, stop: int) -> np.ndarray:
    r"""The :math:`\nu_k \in [0, 1]` of the contiguous block of sites ``start..stop-1``.

    The restricted covariance :math:`\Gamma_A` (rows and columns
    ``2 start .. 2 stop - 1``) has eigenvalues :math:`\pm i\nu_k`; the block's
    reduced state is a product of modes with occupation probabilities
    :math:`(1 \pm \nu_k)/2`.

    Parameters
    ----------
    gamma : numpy.ndarray, shape (2n, 2n)
        Real antisymmetric Majorana covariance matrix (from
        :func:`covariance_matrix` or :func:`thermal_covariance`).
    start, stop : int
        The block is the sites ``start..stop-1``, ``0 <= start < stop <= n``.

    Returns
    -------
    numpy.ndarray of float64, shape (stop - start,)
        The :math:`\nu_k`, ascending, clipped to ``[0, 1]`` against rounding.
    """
    sub = gamma[2 * start : 2 * stop, 2 * start : 2 * stop]
    ev = np.linalg.eigvalsh(1j * sub)
    return np.clip(np.sort(ev)[len(ev) // 2 :], 0.0, 1.0)


def block_entropy(gamma: np.ndarray, start: int, stop: int) -> float:
    r"""Von Neumann entropy (bits) of the block of sites ``start..stop-1``.

    .. math::

        S_A = \sum_k H_2\Big(\frac{1 + \nu_k}{2}\Big), \qquad
        H_2(p) = -p \log_2 p - (1 - p) \log_2 (1 - p).

    Parameters
    ----------
    gamma : numpy.ndarray, shape (2n, 2n)
        Real antisymmetric Majorana covariance matrix (from
        :func:`covariance_matrix` or :func:`thermal_covariance`).
    start, stop : int
        The block is the sites ``start..stop-1``, ``0 <= start < stop <= n``.

    Returns
    -------
    float
        :math:`S_A` in bits, in ``[0, stop - start]``.

    References
    ----------
    .. [1] G. Vidal, J. I. Latorre, E. Rico and A. Kitaev, "Entanglement in
       quantum critical phenomena", Phys. Rev. Lett. 90, 227902 (2003),
       arXiv:quant-ph/0211074.
    """
    p = (1 + block_nus(gamma, start, stop)) / 2
    q = 1 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(p > 0, p * np.log2(p), 0) + np.where(q > 0, q * np.log2(q), 0))
    return float(h.sum())


def block_purity(gamma: np.ndarray, start: int, stop: int) -> float:
    r"""Purity :math:`\prod_k (1 + \nu_k^2)/2` of the block of sites ``start..stop-1``.

    The purity :math:`\mathrm{Tr}\,\rho_A^2`: each mode contributes :math:`p^2 + (1 - p)^2`
    with :math:`p = (1 + \nu_k)/2`.

    Parameters
    ----------
    gamma : numpy.ndarray, shape (2n, 2n)
        Real antisymmetric Majorana covariance matrix (from
        :func:`covariance_matrix` or :func:`thermal_covariance`).
    start, stop : int
        The block is the sites ``start..stop-1``, ``0 <= start < stop <= n``.

    Returns
    -------
    float
        The purity, in ``[2^{-(stop - start)}, 1]``.
    """
    return float(np.prod((1 + block_nus(gamma, start, stop) ** 2) / 2))


def entropy_profile(gamma: np.ndarray) -> np.ndarray:
    """Entropies (bits) of the first ``ell`` sites for ``ell = 1..n-1``.

    Parameters
    ----------
    gamma : numpy.ndarray, shape (2n, 2n)
        Real antisymmetric Majorana covariance matrix (from
        :func:`covariance_matrix` or :func:`thermal_covariance`).

    Returns
    -------
    numpy.ndarray of float64, shape (n - 1,)
        Element ``ell - 1`` is :func:`block_entropy` of sites ``0..ell-1``, in
        bits (the cut ``ell`` of :func:`tnbp.entropy_profile`).
    """
    n = gamma.shape[0] // 2
    return np.array([block_entropy(gamma, 0, ell) for ell in range(1, n)])


def z_expectation(gamma: np.ndarray, j: int) -> float:
    r""":math:`\langle Z_j \rangle = -\Gamma_{2j, 2j+1}`.

    Parameters
    ----------
    gamma : numpy.ndarray, shape (2n, 2n)
        Real antisymmetric Majorana covariance matrix (from
        :func:`covariance_matrix` or :func:`thermal_covariance`).
    j : int
        The qubit, ``0 <= j < n``.

    Returns
    -------
    float
        :math:`\langle Z_j \rangle \in [-1, 1]`.
    """
    return float(-gamma[2 * j, 2 * j + 1])


def zz_expectation(gamma: np.ndarray, i: int, j: int) -> float:
    r""":math:`\langle Z_i Z_j \rangle` for ``i != j`` by Wick's theorem.

    With :math:`Z_i Z_j = -\gamma_a\gamma_b\gamma_c\gamma_d` (``a, b = 2i,
    2i + 1``; ``c, d = 2j, 2j + 1``) and
    :math:`\langle\gamma_k\gamma_l\rangle = -i\Gamma_{kl}` for :math:`k \ne l`,

    .. math::

        \langle Z_i Z_j \rangle = -\big(
        \langle\gamma_a\gamma_b\rangle\langle\gamma_c\gamma_d\rangle
        - \langle\gamma_a\gamma_c\rangle\langle\gamma_b\gamma_d\rangle
        + \langle\gamma_a\gamma_d\rangle\langle\gamma_b\gamma_c\rangle\big).

    Parameters
    ----------
    gamma : numpy.ndarray, shape (2n, 2n)
        Real antisymmetric Majorana covariance matrix (from
        :func:`covariance_matrix` or :func:`thermal_covariance`).
    i, j : int
        Two different qubits in ``0..n-1``.

    Returns
    -------
    float
        :math:`\langle Z_i Z_j \rangle \in [-1, 1]`.

    References
    ----------
    .. [1] S. Bravyi, "Lagrangian representation for fermionic linear optics",
       Quantum Inf. Comput. 5, 216 (2005), arXiv:quant-ph/0404180 (Wick's
       theorem for Gaussian states).
    """
    a, b, c, d = 2 * i, 2 * i + 1, 2 * j, 2 * j + 1
    g = -1j * gamma  # <gamma_k gamma_l> for k != l
    four = g[a, b] * g[c, d] - g[a, c] * g[b, d] + g[a, d] * g[b, c]
    return float(np.real(-four))


# ---------------------------------------------------------------------------
# Thermal (Gibbs) states of quadratic Hamiltonians
# ---------------------------------------------------------------------------


def _term_bilinear(term, n: int):
    """``(s, a, b, coeff)`` for one ``(coeff, pauli, qubits)`` term of ``terms``."""
    try:
        parsed = as_pauli_term(term, n=n, name="terms")
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"`terms`: term {term!r} is not a (real coeff, pauli, qubits) tuple "
            f"on {n} qubits: {err}"
        ) from err
    if parsed.is_identity:
        raise ValueError(
            f"`terms`: term {term!r} is an identity (a constant shift), which is "
            "not supported; add the constant to the energy by hand."
        )
    pair = _find_bilinear(parsed.pauli, parsed.qubits)
    if pair is None:
        raise ValueError(
            f"`terms`: term {term!r} is not a Majorana bilinear (allowed: Z on one "
            "qubit; XX, YY, XY, YX on neighbours (j, j+1))."
        )
    return (*pair, parsed.coeff)


def majorana_hamiltonian(terms, n: int) -> np.ndarray:
    r"""The Majorana matrix ``A`` of a quadratic (matchgate) Hamiltonian.

    Writes :math:`H = \sum_t c_t P_t` as
    :math:`H = \tfrac{i}{4} \sum_{kl} A_{kl} \gamma_k \gamma_l` with ``A``
    real antisymmetric: a term :math:`c P` with :math:`P = i s \gamma_a \gamma_b`
    (see the module docstring) adds :math:`A_{ab} = 2 s c`, :math:`A_{ba} = -2 s c`.
    Repeated terms accumulate.

    Parameters
    ----------
    terms : sequence of (float, str, int or tuple of int)
        ``(coeff, pauli, qubits)`` with a real ``coeff`` and ``pauli`` one of
        ``"Z"`` on one qubit or ``"XX"``, ``"YY"``, ``"XY"``, ``"YX"`` on
        neighbours ``(j, j + 1)``, after canonicalization as in
        :func:`~tnbp.models.paulis.pauli_term` (identity letters dropped,
        letters ordered by qubit: ``"XY"`` on ``(j + 1, j)`` is ``"YX"`` on
        ``(j, j + 1)``, ``"IZ"`` on ``(0, 1)`` is ``"Z"`` on 1). An empty
        list gives ``H = 0``. ``PauliSum.terms`` has this form (its
        ``constant`` is not included: it shifts ``ln Z`` by ``-beta * constant``).
    n : int
        Number of qubits (``A`` is ``2n x 2n``).

    Returns
    -------
    numpy.ndarray of float64, shape (2n, 2n)
        ``A``, real antisymmetric, in the units of the coefficients.

    Raises
    ------
    TypeError
        If ``terms`` is not a sequence (a string, bytes or dict), or ``n`` is
        not an integer.
    ValueError
        If ``n < 1``, or a term is malformed, an identity, or not a
        nearest-neighbour Majorana bilinear (e.g. ``XX`` on ``(0, 2)``, ``X``
        on one qubit, ``XZ``).

    Examples
    --------
    >>> A = majorana_hamiltonian([(0.5, "Z", 0)], 1)  # H = Z/2 = -(i/2) g0 g1
    >>> A.tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    n = check_int(n, "n", minimum=1)
    if isinstance(terms, (str, bytes, dict)) or not isinstance(terms, Iterable):
        raise TypeError(
            f"`terms` must be a sequence of (coeff, pauli, qubits), got {terms!r}."
        )
    A = np.zeros((2 * n, 2 * n))
    for term in terms:
        s, a, b, coeff = _term_bilinear(term, n)
        A[a, b] += 2 * s * coeff
        A[b, a] -= 2 * s * coeff
    return A


def _check_majorana_matrix(A) -> np.ndarray:
    """Validate ``A``: real, finite, antisymmetric, even dimension."""
    A = np.asarray(A)
    if A.dtype == object or np.iscomplexobj(A) or not np.issubdtype(A.dtype, np.number):
        raise TypeError(f"`A` must be a real array, got dtype {A.dtype}.")
    A = A.astype(float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] % 2 or not A.size:
        raise ValueError(f"`A` must be a (2n, 2n) matrix with n >= 1, got {A.shape}.")
    if not np.all(np.isfinite(A)):
        raise ValueError("`A` has non-finite entries.")
    if not np.allclose(A, -A.T, rtol=0, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError("`A` must be antisymmetric (see majorana_hamiltonian).")
    return A


def _single_particle_energies(A) -> np.ndarray:
    """The ``2n`` eigenvalues of the Hermitian ``iA``, ascending, in ``+-eps_k`` pairs."""
    return np.linalg.eigvalsh(1j * _check_majorana_matrix(A))


def thermal_covariance(A, beta) -> np.ndarray:
    r"""Covariance matrix of the Gibbs state :math:`e^{-\beta H}/Z`.

    A real orthogonal ``O`` brings ``A`` to
    :math:`O A O^T = \bigoplus_k \begin{pmatrix} 0 & \epsilon_k \\
    -\epsilon_k & 0 \end{pmatrix}`, :math:`\epsilon_k \ge 0` (the
    :math:`\pm\epsilon_k` are the eigenvalues of the Hermitian :math:`iA`).
    With :math:`c = O\gamma`,
    :math:`H = \sum_k \tfrac{\epsilon_k}{2}\, i c_{2k} c_{2k+1}`, a sum of
    commuting terms with eigenvalues :math:`\pm\epsilon_k/2`, so
    :math:`\langle i c_{2k} c_{2k+1} \rangle = -\tanh(\beta\epsilon_k/2)`.
    Rotating back,

    .. math::

        \Gamma = i \tanh\!\big(\tfrac{\beta}{2}\, iA\big),

    computed from the eigendecomposition of :math:`iA`. So :math:`\Gamma = 0`
    at ``beta = 0`` and :math:`\Gamma \to i\,\mathrm{sign}(iA)` (the ground
    state, if there is no zero mode) as ``beta -> inf``; for ``H = h Z_0``,
    :math:`\langle Z_0 \rangle = -\Gamma_{01} = -\tanh(\beta h)`.

    Parameters
    ----------
    A : numpy.ndarray
        Real antisymmetric ``(2n, 2n)`` matrix of :func:`majorana_hamiltonian`.
    beta : float
        Inverse temperature, finite and ``>= 0`` (large values are safe).

    Returns
    -------
    numpy.ndarray of float64, shape (2n, 2n)
        Real antisymmetric :math:`\Gamma_{kl} = \tfrac{i}{2}
        \langle[\gamma_k, \gamma_l]\rangle`, to pass to :func:`block_entropy`,
        :func:`block_purity`, :func:`z_expectation`, :func:`zz_expectation`.

    Raises
    ------
    TypeError
        If ``A`` is not a real numeric array or ``beta`` is not a real number.
    ValueError
        If ``A`` is not a finite antisymmetric ``(2n, 2n)`` matrix with
        ``n >= 1``, or ``beta`` is negative or not finite.

    Examples
    --------
    >>> A = majorana_hamiltonian([(1.0, "Z", 0)], 1)
    >>> bool(np.isclose(z_expectation(thermal_covariance(A, 2.0), 0), -np.tanh(2.0)))
    True
    """
    A = _check_majorana_matrix(A)
    beta = check_beta(beta)
    eps, V = np.linalg.eigh(1j * A)
    gamma = np.real(1j * (V * np.tanh(beta * eps / 2)) @ V.conj().T)
    return (gamma - gamma.T) / 2


def ground_state_covariance(A) -> np.ndarray:
    r"""Covariance matrix of the ground state of a quadratic Hamiltonian ``A``.

    The ``beta -> inf`` limit of :func:`thermal_covariance`: every normal mode
    :math:`\tfrac{\epsilon_k}{2} i c_{2k} c_{2k+1}` sits in its lower level,
    :math:`\langle i c_{2k} c_{2k+1} \rangle = -1`, so

    .. math::

        \Gamma = i\, \mathrm{sign}(iA) = i \sum_\lambda \mathrm{sign}(\lambda)\,
        v_\lambda v_\lambda^\dagger,

    over the eigenpairs of the Hermitian :math:`iA`. The ground state is unique
    only without zero modes; a zero mode raises. For the uniform XX chain
    :math:`\sum_i (X_iX_{i+1} + Y_iY_{i+1})` (a hopping chain, modes
    :math:`\pm 4\cos\tfrac{\pi k}{n+1}`) that means even ``n``: its ground
    state is the critical, half-filled Fermi sea, whose block entropies follow
    Calabrese and Cardy's :math:`\tfrac{c}{6}\log_2[\tfrac{2n}{\pi}
    \sin\tfrac{\pi\ell}{n}]` with :math:`c = 1` plus :math:`(-1)^\ell`
    oscillations (Laflorencie et al.).

    Parameters
    ----------
    A : numpy.ndarray
        Real antisymmetric ``(2n, 2n)`` matrix of :func:`majorana_hamiltonian`.

    Returns
    -------
    numpy.ndarray of float64, shape (2n, 2n)
        Real antisymmetric :math:`\Gamma` of the ground state, to pass to
        :func:`entropy_profile`, :func:`block_entropy`, :func:`z_expectation`, ...

    Raises
    ------
    TypeError
        If ``A`` is not a real numeric array.
    ValueError
        If ``A`` is not a finite antisymmetric ``(2n, 2n)`` matrix with
        ``n >= 1``, or has a zero mode (:math:`|\epsilon| \le 10^{-10}
        \max(1, \max|\epsilon|)`: a degenerate ground state).

    References
    ----------
    .. [1] S. Bravyi, "Lagrangian representation for fermionic linear optics",
       Quantum Inf. Comput. 5, 216 (2005), arXiv:quant-ph/0404180.
    .. [2] P. Calabrese and J. Cardy, "Entanglement entropy and quantum field
       theory", J. Stat. Mech. P06002 (2004), arXiv:hep-th/0405152.
    .. [3] N. Laflorencie, E. S. Sorensen, M.-S. Chang and I. Affleck,
       Phys. Rev. Lett. 96, 100603 (2006), arXiv:cond-mat/0512475.

    Examples
    --------
    >>> A = majorana_hamiltonian([(1.0, "Z", 0)], 1)  # ground state |1>: <Z> = -1
    >>> round(z_expectation(ground_state_covariance(A), 0), 12)
    -1.0
    """
    A = _check_majorana_matrix(A)
    eps, V = np.linalg.eigh(1j * A)
    gap = np.abs(eps).min()
    if gap <= 1e-10 * max(1.0, np.abs(eps).max()):
        raise ValueError(
            f"`A` has a zero mode (|epsilon| = {gap:.3g}): the ground state is "
            "degenerate; use thermal_covariance at large beta for their mixture."
        )
    gamma = np.real(1j * (V * np.sign(eps)) @ V.conj().T)
    return (gamma - gamma.T) / 2


def thermal_log_partition(A, beta) -> float:
    r"""Natural log of :math:`Z = \mathrm{Tr}\, e^{-\beta H}` (no constant shift).

    :math:`\ln Z = \sum_k \ln\big(2\cosh(\beta\epsilon_k/2)\big)
    = \tfrac12 \sum_{\lambda \in \mathrm{spec}(iA)}
    \mathrm{logaddexp}(\beta\lambda/2, -\beta\lambda/2)`, which does not
    overflow for large :math:`\beta\epsilon_k`; ``ln Z = n ln 2`` at ``beta = 0``.

    Parameters
    ----------
    A : numpy.ndarray
        Real antisymmetric ``(2n, 2n)`` matrix of :func:`majorana_hamiltonian`.
    beta : float
        Inverse temperature, finite and ``>= 0``, in units of 1/energy of the
        coefficients.

    Returns
    -------
    float
        :math:`\ln Z` (natural log, dimensionless).

    Raises
    ------
    TypeError
        If ``A`` is not a real numeric array or ``beta`` is not a real number.
    ValueError
        If ``A`` is not a finite antisymmetric ``(2n, 2n)`` matrix with
        ``n >= 1``, or ``beta`` is negative or not finite.

    Examples
    --------
    >>> A = majorana_hamiltonian([(1.0, "Z", 0)], 1)  # Z = 2 cosh(beta)
    >>> bool(np.isclose(thermal_log_partition(A, 0.7), np.log(2 * np.cosh(0.7))))
    True
    """
    lam = _single_particle_energies(A)
    x = check_beta(beta) * lam / 2
    return float(np.logaddexp(x, -x).sum() / 2)


def thermal_energy(A, beta) -> float:
    r"""Thermal energy :math:`\langle H \rangle = \mathrm{Tr}(H \rho)`.

    :math:`E = -\sum_k \tfrac{\epsilon_k}{2} \tanh(\beta\epsilon_k/2)
    = -\tfrac14 \sum_{\lambda \in \mathrm{spec}(iA)} \lambda
    \tanh(\beta\lambda/2) = -\tfrac14 \mathrm{Tr}(A\Gamma)`
    (:math:`= -\partial_\beta \ln Z`); zero at ``beta = 0``.

    Parameters
    ----------
    A : numpy.ndarray
        Real antisymmetric ``(2n, 2n)`` matrix of :func:`majorana_hamiltonian`.
    beta : float
        Inverse temperature, finite and ``>= 0``, in units of 1/energy of the
        coefficients.

    Returns
    -------
    float
        :math:`\langle H \rangle`, in the units of the coefficients.

    Raises
    ------
    TypeError
        If ``A`` is not a real numeric array or ``beta`` is not a real number.
    ValueError
        If ``A`` is not a finite antisymmetric ``(2n, 2n)`` matrix with
        ``n >= 1``, or ``beta`` is negative or not finite.
    """
    lam = _single_particle_energies(A)
    beta = check_beta(beta)
    return float(-(lam * np.tanh(beta * lam / 2)).sum() / 4)


def thermal_entropy(A, beta) -> float:
    r"""Von Neumann entropy (bits) of the whole-chain Gibbs state.

    Equals :math:`(\beta E + \ln Z)/\ln 2`, evaluated per mode as
    :math:`\ln(2\cosh x) - x\tanh x = \ln(1 + e^{-2x}) + 2x\, e^{-2x}/(1 + e^{-2x})`
    with :math:`x = \beta\epsilon_k/2 \ge 0`, which avoids the cancellation
    between :math:`\beta E` and :math:`\ln Z` at large ``beta``. It is ``n``
    at ``beta = 0`` and tends to ``log2`` of the ground-state degeneracy as
    ``beta -> inf``.

    Parameters
    ----------
    A : numpy.ndarray
        Real antisymmetric ``(2n, 2n)`` matrix of :func:`majorana_hamiltonian`.
    beta : float
        Inverse temperature, finite and ``>= 0``, in units of 1/energy of the
        coefficients.

    Returns
    -------
    float
        :math:`S(\rho) = -\mathrm{Tr}\,\rho \log_2 \rho`, in bits, in
        ``[0, n]``.

    Raises
    ------
    TypeError
        If ``A`` is not a real numeric array or ``beta`` is not a real number.
    ValueError
        If ``A`` is not a finite antisymmetric ``(2n, 2n)`` matrix with
        ``n >= 1``, or ``beta`` is negative or not finite.
    """
    lam = _single_particle_energies(A)
    x = check_beta(beta) * np.abs(lam) / 2
    e = np.exp(-2 * x)
    nats = np.log1p(e) + 2 * x * e / (1 + e)
    return float(nats.sum() / 2 / np.log(2))
