r"""Entanglement quantities from the eigenvalues of a reduced density matrix.

All functions take the (non-negative, unit-sum) eigenvalues ``p`` of
:math:`\rho_A`, e.g. squared Schmidt values, and return entropies in bits.
"""

from __future__ import annotations

import numpy as np

from ..limits import SPECTRUM_NOISE_FLOOR

# Eigenvalues below SPECTRUM_NOISE_FLOOR are set to zero. Von Neumann entropies
# change by less than ~1e-12 per eigenvalue; Renyi orders ``alpha < 1``, which
# weigh small eigenvalues as ``p**alpha``, would otherwise depend on rounding.


def clean_probs(p) -> np.ndarray:
    """Real eigenvalues with noise zeroed (see ``SPECTRUM_NOISE_FLOOR``), unit sum.

    Parameters
    ----------
    p : array_like of float or complex
        Eigenvalues of a density matrix, shape ``(r,)`` (or ``(m, r)``: one
        spectrum per row); imaginary parts (rounding) are dropped.

    Returns
    -------
    numpy.ndarray of float64, shape (r,) or (m, r)
        The eigenvalues with those at or below
        :data:`~tnbp.limits.SPECTRUM_NOISE_FLOOR` (negative rounding included)
        set to zero, renormalized to sum to 1 (each row).

    Raises
    ------
    ValueError
        If ``p`` has non-finite entries or no weight above the noise floor.
    """
    p = np.real(np.asarray(p, dtype=complex))
    if not np.all(np.isfinite(p)):
        raise ValueError("spectrum is not finite.")
    p = np.where(p > SPECTRUM_NOISE_FLOOR, p, 0.0)
    total = p.sum(axis=-1, keepdims=True)
    if not np.all(total > 0):
        raise ValueError("spectrum has no weight: the state is zero.")
    return p / total


def renyi_entropy(p, alpha: float = 1.0) -> float:
    r"""Renyi-:math:`\alpha` entropy in bits.

    .. math::

        S_\alpha = \frac{1}{1-\alpha} \log_2 \sum_i p_i^\alpha, \qquad
        S_1 = -\sum_i p_i \log_2 p_i, \qquad S_\infty = -\log_2 \max_i p_i,

    and :math:`S_0 = \log_2 \#\{p_i > 0\}` (the log of the rank);
    eigenvalues below :data:`~tnbp.limits.SPECTRUM_NOISE_FLOOR` count as zero for every order.

    Parameters
    ----------
    p : array_like of float
        Eigenvalues of :math:`\rho_A`, shape ``(r,)``; renormalized to unit sum
        (:func:`clean_probs`).
    alpha : float, optional
        Renyi order, ``>= 0`` (validated by the caller).

    Returns
    -------
    float
        :math:`S_\alpha` in bits, in ``[0, log2(r)]``.

    Raises
    ------
    ValueError
        If ``p`` has non-finite entries or no weight.

    References
    ----------
    .. [1] A. Renyi, "On measures of entropy and information", Proc. Fourth
       Berkeley Symp. Math. Stat. Prob. 1, 547 (1961).

    Examples
    --------
    >>> renyi_entropy([0.5, 0.25, 0.25]), renyi_entropy([0.5, 0.25, 0.25], 0)
    (1.5, 1.584962500721156)
    """
    return float(renyi_entropies(np.reshape(p, (1, -1)), alpha)[0])


def renyi_entropies(p, alpha: float = 1.0) -> np.ndarray:
    r"""Renyi-:math:`\alpha` entropies in bits of many spectra at once (rows).

    :func:`renyi_entropy` of every row (which it calls with one row): the
    one place of the formulas and the noise floor.

    Parameters
    ----------
    p : array_like of float
        Spectra, shape ``(m, r)``, one per row (pad with zeros); each row is
        renormalized to unit sum (:func:`clean_probs`).
    alpha : float, optional
        Renyi order, ``>= 0`` (validated by the caller).

    Returns
    -------
    numpy.ndarray of float64, shape (m,)
        :math:`S_\alpha` of each row in bits, each in ``[0, log2(r)]``.

    Raises
    ------
    ValueError
        If ``p`` has non-finite entries or a row has no weight.

    Examples
    --------
    >>> renyi_entropies([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]).tolist()
    [1.0, 0.0]
    """
    p = clean_probs(p)
    positive = p > 0
    if alpha == 1.0:
        logs = np.log2(np.where(positive, p, 1.0))  # log2(1) = 0 where p = 0
        value = -np.sum(p * logs, axis=-1)
    elif alpha == 0.0:
        value = np.log2(np.count_nonzero(positive, axis=-1))
    elif np.isinf(alpha):
        value = -np.log2(p.max(axis=-1))
    else:
        # factor out max(p)^alpha: no underflow to log(0) at large alpha
        top = p.max(axis=-1, keepdims=True)
        ratios = np.where(positive, p / top, 0.0) ** alpha  # alpha > 0 here
        log_sum = alpha * np.log2(top[..., 0]) + np.log2(np.sum(ratios, axis=-1))
        value = log_sum / (1.0 - alpha)
    # entropies are >= 0: no -0.0 for pure spectra, no -1e-17 from rounding
    return np.maximum(value, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0


def purity(p) -> float:
    r"""Purity :math:`\mathrm{Tr}\,\rho^2 = \sum_i p_i^2` of a spectrum.

    Parameters
    ----------
    p : array_like of float
        Eigenvalues of :math:`\rho`, shape ``(r,)``; renormalized to unit sum.

    Returns
    -------
    float
        The purity, in ``[1/r, 1]``.

    Raises
    ------
    ValueError
        If ``p`` has non-finite entries or no weight.
    """
    p = clean_probs(p)
    return float(np.sum(p * p))


def trace_distance_to_maximally_mixed(p, num_qubits: int) -> float:
    r""":math:`\tfrac12 \| \rho - I/D \|_1` with :math:`D = 2^k`.

    ``p`` may list only the non-zero eigenvalues; the other :math:`D - r`
    eigenvalues are zero and contribute :math:`(D - r)/D`:

    .. math::

        \tfrac12 \| \rho - I/D \|_1
        = \tfrac12\Big(\sum_{i=1}^{r} |p_i - 1/D| + \frac{D - r}{D}\Big).

    Parameters
    ----------
    p : array_like of float
        Eigenvalues of :math:`\rho`, shape ``(r,)`` with ``r <= 2^num_qubits``;
        renormalized to unit sum.
    num_qubits : int
        Number of qubits ``k`` of :math:`\rho`.

    Returns
    -------
    float
        The trace distance, in ``[0, 1 - 1/D]``.

    Raises
    ------
    ValueError
        If ``p`` has non-finite entries, no weight, or more than :math:`2^k`
        entries.
    """
    p = clean_probs(p)
    inv_d = 2.0 ** (-num_qubits)
    if p.size * inv_d > 1 + 1e-12:
        raise ValueError(
            f"spectrum has {p.size} eigenvalues, more than 2^{num_qubits}."
        )
    return float(0.5 * (np.sum(np.abs(p - inv_d)) + max(0.0, 1.0 - p.size * inv_d)))
