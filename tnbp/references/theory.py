"""Closed-form results the numerics are checked against (entropies in bits)."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma

from .._checks import check_int


def page_entropy(n_a: int, n_b: int) -> float:
    """Mean entanglement entropy (bits) of ``n_a`` vs ``n_b`` qubits of a Haar state.

    Page's formula (Page 1993; proven by Foong-Kanno, Sen), with
    :math:`m = 2^{\\min}`, :math:`N = 2^{\\max}`:

    .. math::

        \\langle S \\rangle = \\frac{1}{\\ln 2}\\Big[\\psi(mN + 1) - \\psi(N + 1)
        - \\frac{m - 1}{2N}\\Big] \\approx \\log_2 m - \\frac{m}{2N \\ln 2}.
    """
    n_a = check_int(n_a, "n_a", minimum=0)
    n_b = check_int(n_b, "n_b", minimum=0)
    m, N = 2.0 ** min(n_a, n_b), 2.0 ** max(n_a, n_b)
    return float((digamma(m * N + 1) - digamma(N + 1) - (m - 1) / (2 * N)) / np.log(2))


def haar_purity(d_a: int, d_b: int) -> float:
    """Mean purity :math:`(d_A + d_B)/(d_A d_B + 1)` of a subsystem of a Haar state.

    ``d_a`` and ``d_b`` are Hilbert-space dimensions (not qubit numbers).
    """
    d_a = check_int(d_a, "d_a", minimum=1)
    d_b = check_int(d_b, "d_b", minimum=1)
    return (d_a + d_b) / (d_a * d_b + 1)


def haar_trace_distance_bound(n_visible: int, n_hidden: int) -> float:
    """:math:`\\tfrac12\\sqrt{D_v/D_h}`, the Haar bound on :math:`\\tfrac12\\|\\rho_v - I/D_v\\|_1`.

    From arXiv:2010.15968 (its Fig. 3a): volume-law states make the visible
    state exponentially close to maximally mixed in the number of hidden qubits.
    """
    n_visible = check_int(n_visible, "n_visible", minimum=0)
    n_hidden = check_int(n_hidden, "n_hidden", minimum=0)
    return 0.5 * 2.0 ** ((n_visible - n_hidden) / 2)


def toy_global_cost_gradient_variance(n: int) -> float:
    """:math:`\\mathrm{Var}[\\partial_\\nu C_G] = \\frac18 (\\frac38)^{n-1}` for
    :func:`tnbp.ansatz.toy_perceptron` (arXiv:2005.12458, Sec. IV)."""
    n = check_int(n, "n", minimum=1)
    return 0.125 * 0.375 ** (n - 1)


def toy_local_cost_gradient_variance(n: int) -> float:
    """:math:`\\mathrm{Var}[\\partial_\\nu C_L] = 1/(8 n^2)` for
    :func:`tnbp.ansatz.toy_perceptron` (arXiv:2005.12458, Sec. IV)."""
    n = check_int(n, "n", minimum=1)
    return 1.0 / (8 * n * n)


def two_design_gradient_variance(n: int) -> float:
    """Var of :math:`\\partial_k \\langle O\\rangle` when the circuit before and after
    the rotation :math:`e^{-i\\theta_k V/2}` are unitary 2-designs on ``n`` qubits.

    For Pauli strings :math:`O` and :math:`V` (traceless, squaring to 1) and
    :math:`d = 2^n`, Haar averages over both halves give

    .. math::

        \\mathrm{Var}[\\partial_k f] = \\frac{d^2}{2 (d + 1)(d^2 - 1)} \\approx 2^{-(n+1)},

    the barren plateau of McClean et al. (arXiv:1803.11173).
    """
    n = check_int(n, "n", minimum=1)
    d = 2.0**n
    return d * d / (2 * (d + 1) * (d * d - 1))
