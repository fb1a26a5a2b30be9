r"""Hamiltonians: real-coefficient Pauli sums, and the models of the source papers.

A :class:`PauliSum` (defined in :mod:`tnbp.models.pauli_sum`, re-exported
here) is :math:`H = c_0 + \sum_t c_t P_t` on ``n`` qubits with real
:math:`c_t` and Pauli strings :math:`P_t` on listed qubits. It is pure data,
like a :class:`~tnbp.Circuit`; :func:`tnbp.gibbs_state` turns it into a
thermal state.

Builders (all traceless, open chains, qubit 0 first):

- :func:`random_two_local`: eq. (C1) of arXiv:2010.15968,
  :math:`H = \sum_{i,a} J^i_a \sigma^i_a + \sum_{i<j}\sum_{a,b}
  J^{ij}_{ab}\sigma^i_a\sigma^j_b`, onsite :math:`J \sim N(0, 0.01)` and
  offsite :math:`J \sim N(0, 1)` by default, over all pairs or neighbours;
- :func:`xx_chain` :math:`\sum_i J_i (X_iX_{i+1} + Y_iY_{i+1}) + \sum_i h_i Z_i`;
- :func:`xxz_chain` (and :func:`heisenberg_chain`, :math:`\Delta = 1`)
  :math:`\sum_i J_i (X_iX_{i+1} + Y_iY_{i+1} + \Delta Z_iZ_{i+1}) + \sum_i h_i Z_i`;
- :func:`tfim_chain` :math:`-J\sum_i X_iX_{i+1} - g\sum_i Z_i` (TeNPy's
  ``TFIChain`` convention; free fermions under Jordan-Wigner).
"""

from __future__ import annotations

import itertools

import numpy as np

from .._checks import as_real_array, as_rng, check_int, check_opt, check_real
from .pauli_sum import PauliSum

__all__ = [
    "PauliSum",
    "heisenberg_chain",
    "random_two_local",
    "tfim_chain",
    "xx_chain",
    "xxz_chain",
]


# ---------------------------------------------------------------- builders
def _coefficients(value, size: int, name: str) -> np.ndarray:
    """A scalar or length-``size`` sequence of real finite coefficients."""
    arr = as_real_array(value, name)
    if arr.ndim == 0:
        arr = np.full(size, float(arr))
    if arr.shape != (size,):
        raise ValueError(f"`{name}` must be a scalar or have length {size}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite.")
    return arr


def xxz_chain(n: int, *, J=1.0, delta=1.0, h=0.0) -> PauliSum:
    r""":math:`\sum_i J_i (X_iX_{i+1} + Y_iY_{i+1} + \Delta Z_iZ_{i+1}) + \sum_i h_i Z_i`.

    An open XXZ chain; zero couplings and fields add no term.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    J : float or array_like, optional
        Couplings :math:`J_i` of the bonds ``(i, i + 1)``: a scalar or ``n - 1``
        values.
    delta : float, optional
        Anisotropy :math:`\Delta` (1: Heisenberg, 0: XX).
    h : float or array_like, optional
        Fields :math:`h_i`: a scalar or ``n`` values.

    Returns
    -------
    PauliSum
        The chain, traceless.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, ``J`` or ``h`` is complex, or ``delta`` is
        not a real number.
    ValueError
        If ``n < 2``, ``J`` or ``h`` has the wrong length or non-finite
        entries, or ``delta`` is not finite.
    """
    n = check_int(n, "n", minimum=2)
    J = _coefficients(J, n - 1, "J")
    h = _coefficients(h, n, "h")
    delta = check_real(delta, "delta")
    H = PauliSum(n)
    for i in range(n - 1):
        H.add(J[i], "XX", (i, i + 1)).add(J[i], "YY", (i, i + 1))
        if delta != 0:
            H.add(delta * J[i], "ZZ", (i, i + 1))
    for i in range(n):
        if h[i] != 0:
            H.add(h[i], "Z", (i,))
    return H


def xx_chain(n: int, *, J=1.0, h=0.0) -> PauliSum:
    r""":math:`\sum_i J_i (X_iX_{i+1} + Y_iY_{i+1}) + \sum_i h_i Z_i` (free fermions).

    :func:`xxz_chain` with :math:`\Delta = 0`: under Jordan-Wigner a hopping
    chain in a potential (:mod:`tnbp.free_fermion`).

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    J : float or array_like, optional
        Couplings: a scalar or ``n - 1`` values.
    h : float or array_like, optional
        Fields: a scalar or ``n`` values.

    Returns
    -------
    PauliSum
        The chain, traceless.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, or ``J`` or ``h`` is complex.
    ValueError
        If ``n < 2``, or ``J`` or ``h`` has the wrong length or non-finite entries.
    """
    return xxz_chain(n, J=J, delta=0.0, h=h)


def heisenberg_chain(n: int, *, J=1.0, h=0.0) -> PauliSum:
    r""":math:`\sum_i J_i\, \vec\sigma_i \cdot \vec\sigma_{i+1} + \sum_i h_i Z_i`.

    :func:`xxz_chain` with :math:`\Delta = 1`.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    J : float or array_like, optional
        Couplings: a scalar or ``n - 1`` values.
    h : float or array_like, optional
        Fields: a scalar or ``n`` values.

    Returns
    -------
    PauliSum
        The chain, traceless.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, or ``J`` or ``h`` is complex.
    ValueError
        If ``n < 2``, or ``J`` or ``h`` has the wrong length or non-finite entries.
    """
    return xxz_chain(n, J=J, delta=1.0, h=h)


def tfim_chain(n: int, *, J=1.0, g=1.0) -> PauliSum:
    r"""Transverse-field Ising chain :math:`-\sum_i J_i X_iX_{i+1} - \sum_i g_i Z_i`.

    TeNPy's ``TFIChain`` convention; critical at :math:`g = J`, and free
    fermions under Jordan-Wigner.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    J : float or array_like, optional
        Couplings: a scalar or ``n - 1`` values.
    g : float or array_like, optional
        Transverse fields: a scalar or ``n`` values.

    Returns
    -------
    PauliSum
        The chain, traceless.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, or ``J`` or ``g`` is complex.
    ValueError
        If ``n < 2``, or ``J`` or ``g`` has the wrong length or non-finite entries.
    """
    n = check_int(n, "n", minimum=2)
    J = _coefficients(J, n - 1, "J")
    g = _coefficients(g, n, "g")
    H = PauliSum(n)
    for i in range(n - 1):
        H.add(-J[i], "XX", (i, i + 1))
    for i in range(n):
        if g[i] != 0:
            H.add(-g[i], "Z", (i,))
    return H


def random_two_local(
    n: int,
    *,
    onsite_std: float = 0.1,
    offsite_std: float = 1.0,
    pairs: str = "all",
    seed=None,
) -> PauliSum:
    r"""The random 2-local Hamiltonian of arXiv:2010.15968, eq. (C1).

    .. math::

        H = \sum_i \sum_a J^i_a \sigma^i_a
            + \sum_{i<j} \sum_{a,b} J^{ij}_{ab} \sigma^i_a \sigma^j_b,

    :math:`a, b \in \{x, y, z\}`, with independent normal coefficients
    :math:`J^i_a \sim N(0, \mathtt{onsite\_std}^2)` and
    :math:`J^{ij}_{ab} \sim N(0, \mathtt{offsite\_std}^2)`, drawn qubit by qubit
    and then pair by pair in lexicographic order.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    onsite_std, offsite_std : float, optional
        Standard deviations of the normal onsite :math:`J^i_a` and offsite
        :math:`J^{ij}_{ab}` coefficients, ``>= 0`` (defaults: variances 0.01
        and 1, as in the paper's Figs. 3b-c and 4c).
    pairs : {"all", "nearest"}, optional
        All pairs :math:`i < j` or nearest neighbours of an open chain.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the coefficients.

    Returns
    -------
    PauliSum
        Traceless, one term per non-zero coefficient (3 per qubit, 9 per pair).

    Raises
    ------
    TypeError
        If ``n`` is not an integer, a standard deviation is not a real number,
        or ``seed`` has an invalid type.
    ValueError
        If ``n < 1``, a standard deviation is negative or not finite, ``pairs``
        is not one of the choices, or ``seed`` is negative.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       eq. (C1); coefficient distributions of Figs. 3b-c and 4c.
    """
    n = check_int(n, "n", minimum=1)
    onsite_std = check_real(onsite_std, "onsite_std")
    offsite_std = check_real(offsite_std, "offsite_std")
    if onsite_std < 0 or offsite_std < 0:
        raise ValueError("`onsite_std` and `offsite_std` must be >= 0.")
    check_opt("pairs", pairs, ("all", "nearest"))
    rng = as_rng(seed)
    H = PauliSum(n)
    for i in range(n):
        for a, c in zip("XYZ", rng.normal(0.0, onsite_std, size=3)):
            H.add(c, a, (i,))
    links = (
        itertools.combinations(range(n), 2)
        if pairs == "all"
        else ((i, i + 1) for i in range(n - 1))
    )
    for i, j in links:
        coeffs = rng.normal(0.0, offsite_std, size=9)
        for (a, b), c in zip(itertools.product("XYZ", repeat=2), coeffs):
            H.add(c, a + b, (i, j))
    return H
