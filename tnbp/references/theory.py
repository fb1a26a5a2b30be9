"""Closed-form results the numerics are checked against (entropies in bits).

Haar averages (Page entropy, purity, the visible-state distance bound) and the
exact gradient variances of the dissipative-perceptron toy model and of
2-design circuits. Each is a reference for a study or a test; none needs a
simulation.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from scipy.special import digamma

from .._checks import as_real_array, check_int, check_opt, check_real
from ..models.operators import as_observable

#: larger side (qubits) beyond which :func:`page_entropy` uses its asymptotic form
PAGE_ASYMPTOTIC_QUBITS = 40


def page_entropy(n_a: int, n_b: int) -> float:
    r"""Mean entanglement entropy (bits) of ``n_a`` vs ``n_b`` qubits of a Haar state.

    Page's formula (Page 1993; proven by Foong-Kanno, Sen), with
    :math:`m = 2^{\min}`, :math:`N = 2^{\max}`:

    .. math::

        \langle S \rangle = \frac{1}{\ln 2}\Big[\psi(mN + 1) - \psi(N + 1)
        - \frac{m - 1}{2N}\Big] \approx \log_2 m - \frac{m}{2N \ln 2}.

    Beyond :data:`PAGE_ASYMPTOTIC_QUBITS` qubits on the larger side the
    digammas overflow or lose digits, and the expansion
    :math:`\psi(x + 1) = \ln x + 1/(2x) + O(x^{-2})` gives
    :math:`\langle S \rangle \ln 2 = \ln m - m/(2N) + 1/(2mN) + O(N^{-2})`,
    exact to double precision there.

    Parameters
    ----------
    n_a, n_b : int
        Numbers of qubits of the two parts, ``>= 0``.

    Returns
    -------
    float
        :math:`\langle S \rangle` in bits, in ``[0, min(n_a, n_b)]``.

    Raises
    ------
    TypeError
        If ``n_a`` or ``n_b`` is not an integer.
    ValueError
        If ``n_a`` or ``n_b`` is negative.

    References
    ----------
    .. [1] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007 (the formula
       :math:`S_{m,n} = \sum_{k=n+1}^{mn} 1/k - (m-1)/2n` of its abstract,
       in nats; :math:`\sum_{k=N+1}^{mN} 1/k = \psi(mN+1) - \psi(N+1)`).
    .. [2] S. Sen, "Average entropy of a quantum subsystem", Phys. Rev. Lett.
       77, 1 (1996), arXiv:hep-th/9601132 (proof).

    Examples
    --------
    Two qubits: :math:`\langle S\rangle = 1/3` nat.

    >>> import math
    >>> round(page_entropy(1, 1) * math.log(2), 12)
    0.333333333333
    """
    n_a = check_int(n_a, "n_a", minimum=0)
    n_b = check_int(n_b, "n_b", minimum=0)
    small, large = min(n_a, n_b), max(n_a, n_b)
    if large > PAGE_ASYMPTOTIC_QUBITS:
        correction = 2.0 ** (small - large) - 2.0 ** (-small - large)
        return float(small - correction / (2 * np.log(2)))
    m, N = 2.0**small, 2.0**large
    return float((digamma(m * N + 1) - digamma(N + 1) - (m - 1) / (2 * N)) / np.log(2))


def haar_purity(d_a: int, d_b: int) -> float:
    r"""Mean purity :math:`(d_A + d_B)/(d_A d_B + 1)` of a subsystem of a Haar state.

    Parameters
    ----------
    d_a, d_b : int
        Hilbert-space dimensions of the two parts (not qubit numbers), ``>= 1``.

    Returns
    -------
    float
        :math:`\langle \mathrm{Tr}\,\rho_A^2 \rangle`, in ``(0, 1]``.

    Raises
    ------
    TypeError
        If ``d_a`` or ``d_b`` is not an integer.
    ValueError
        If ``d_a`` or ``d_b`` is below 1.

    References
    ----------
    .. [1] E. Lubkin, "Entropy of an n-system from its correlation with a
       k-reservoir", J. Math. Phys. 19, 1028 (1978).

    Examples
    --------
    >>> haar_purity(2, 2)  # two qubits: (2 + 2) / (4 + 1)
    0.8
    """
    d_a = check_int(d_a, "d_a", minimum=1)
    d_b = check_int(d_b, "d_b", minimum=1)
    return (d_a + d_b) / (d_a * d_b + 1)


def haar_trace_distance_bound(n_visible: int, n_hidden: int) -> float:
    r""":math:`\tfrac12\sqrt{D_v/D_h}`, the Haar bound on :math:`\tfrac12\|\rho_v - I/D_v\|_1`.

    From arXiv:2010.15968 (its Fig. 3a): volume-law states make the visible
    state exponentially close to maximally mixed in the number of hidden qubits.

    Parameters
    ----------
    n_visible, n_hidden : int
        Numbers of visible and hidden qubits, ``>= 0``
        (:math:`D_v = 2^{n_v}`, :math:`D_h = 2^{n_h}`).

    Returns
    -------
    float
        :math:`\tfrac12\sqrt{D_v/D_h} = 2^{(n_v - n_h)/2 - 1}` (dimensionless).

    Raises
    ------
    TypeError
        If ``n_visible`` or ``n_hidden`` is not an integer.
    ValueError
        If ``n_visible`` or ``n_hidden`` is negative.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968, Fig. 3a
       (:math:`\mathbb{E}[T(\rho, I/D)] \le \tfrac12\sqrt{D_v/D_h}`),
       Proposition 2 and eq. (7).
    .. [2] S. Popescu, A. J. Short and A. Winter, "Entanglement and the
       foundations of statistical mechanics", Nat. Phys. 2, 754 (2006),
       arXiv:quant-ph/0511225.
    """
    n_visible = check_int(n_visible, "n_visible", minimum=0)
    n_hidden = check_int(n_hidden, "n_hidden", minimum=0)
    return 0.5 * 2.0 ** ((n_visible - n_hidden) / 2)


def pinsker_trace_distance_bound(deficit) -> float:
    r"""Proposition 1's bound on :math:`\tfrac12\|\rho_v - I/D_v\|_1` from the entropy deficit.

    Eqs. (2)-(3) of arXiv:2010.15968: Pinsker's inequality
    :math:`\tfrac12\|\rho - \sigma\|_1^2 \le S(\rho\|\sigma)` (relative
    entropy in nats) with :math:`\sigma = I/D_v`, for which
    :math:`S(\rho_v\|I/D_v) = \ln D_v - S(\rho_v)`. With the deficit
    :math:`\Delta = n_v - S(\rho_v)` in bits,

    .. math::

        T = \tfrac12\|\rho_v - I/D_v\|_1 \le \sqrt{\frac{\Delta \ln 2}{2}}.

    A volume law (the paper's :math:`\Delta \in \Theta(D_v/D_h)`) turns it
    into :math:`T \in O(\sqrt{D_v/D_h})`: for Haar states, Page's mean
    deficit :math:`\Delta \ln 2 = (D_v^2 - 1)/(2 D_v D_h) + O(D_h^{-2})`
    (:func:`page_entropy`, :math:`D_v \le D_h`) gives
    :math:`\tfrac12\sqrt{D_v/D_h}\,\sqrt{1 - D_v^{-2}}`, the bound of
    :func:`haar_trace_distance_bound` to leading order in :math:`D_v`. An area
    law leaves a deficit that grows with :math:`n_v` and a bound above 1,
    which says nothing.

    Parameters
    ----------
    deficit : float
        :math:`\Delta = n_v - S(\rho_v) \ge 0`, in bits.

    Returns
    -------
    float
        :math:`\sqrt{\Delta \ln 2 / 2}` (dimensionless; above 1 it is no
        constraint, since :math:`T \le 1`).

    Raises
    ------
    TypeError
        If ``deficit`` is not a real number.
    ValueError
        If ``deficit`` is negative or not finite.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Proposition 1 and eqs. (2)-(3).
    .. [2] M. S. Pinsker, *Information and Information Stability of Random
       Variables and Processes* (Holden-Day, 1964).

    Examples
    --------
    Page's deficit of one visible qubit against 15 hidden ones gives
    :math:`\tfrac12\sqrt{D_v/D_h}\sqrt{1 - D_v^{-2}}`:

    >>> d = 1 - page_entropy(1, 15)
    >>> bound = pinsker_trace_distance_bound(d)
    >>> round(bound / haar_trace_distance_bound(1, 15), 4), round((3 / 4) ** 0.5, 4)
    (0.866, 0.866)
    """
    deficit = check_real(deficit, "deficit")
    if not np.isfinite(deficit) or deficit < 0:
        raise ValueError(f"`deficit` must be finite and >= 0 (bits), got {deficit}.")
    return float(np.sqrt(deficit * np.log(2) / 2))


def _haar_qubit_hidden(n_hidden) -> int:
    """``D_h = 2^n_hidden`` for the one-visible-qubit Haar law (``n_hidden >= 1``)."""
    return 2 ** check_int(n_hidden, "n_hidden", minimum=1)


def haar_qubit_trace_distance_pdf(tau, n_hidden: int) -> np.ndarray:
    r"""Density of :math:`T = \tfrac12\|\rho_v - I/2\|_1` for one qubit of a Haar state.

    For a Haar-random pure state on one visible qubit and :math:`n_h` hidden
    ones, the eigenvalues :math:`(1 \pm x)/2` of :math:`\rho_v` have the
    density :math:`\propto x^2 (1 - x^2)^{D_h - 2}` (Lloyd and Pagels;
    Zyczkowski and Sommers), and :math:`T = x/2`, so
    :math:`u = 4T^2 \sim \mathrm{Beta}(3/2, D_h - 1)`:

    .. math::

        p(T) = \frac{16\,T^2 (1 - 4T^2)^{D_h - 2}}{B(3/2, D_h - 1)},
        \qquad 0 \le T \le \tfrac12.

    Parameters
    ----------
    tau : float or array_like
        Trace distances (dimensionless); outside :math:`[0, 1/2]` (and at NaN)
        the density is 0.
    n_hidden : int
        Hidden qubits :math:`n_h \ge 1` (:math:`D_h = 2^{n_h}`).

    Returns
    -------
    numpy.ndarray of float64
        :math:`p(T)` at each ``tau`` (shape of ``tau``; a 0-d array for a
        scalar), per unit of :math:`T`.

    Raises
    ------
    TypeError
        If ``n_hidden`` is not an integer or ``tau`` is not real.
    ValueError
        If ``n_hidden < 1``.

    References
    ----------
    .. [1] S. Lloyd and H. Pagels, "Complexity as thermodynamic depth", Ann.
       Phys. 188, 186 (1988).
    .. [2] K. Zyczkowski and H.-J. Sommers, "Induced measures in the space of
       mixed quantum states", J. Phys. A 34, 7111 (2001), eq. (3.6).
    .. [3] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Fig. 4 (histograms of :math:`T` at :math:`D_v = 2`).

    Examples
    --------
    One hidden qubit: :math:`p(T) = 24 T^2`.

    >>> float(haar_qubit_trace_distance_pdf(0.25, 1))
    1.5
    """
    from scipy.special import beta as beta_function

    d_h = _haar_qubit_hidden(n_hidden)
    tau = as_real_array(tau, "tau")
    inside = (tau >= 0) & (tau <= 0.5)
    u = np.where(inside, 4 * tau**2, 0.0)
    density = 16 * tau**2 * (1 - u) ** (d_h - 2) / beta_function(1.5, d_h - 1)
    return np.where(inside, density, 0.0)


def haar_qubit_trace_distance_cdf(tau, n_hidden: int) -> np.ndarray:
    r""":math:`P(T \le \tau)` for one qubit of a Haar state: :math:`I_{4\tau^2}(3/2, D_h - 1)`.

    The distribution function of :func:`haar_qubit_trace_distance_pdf`, a
    regularized incomplete beta function.

    Parameters
    ----------
    tau : float or array_like
        Trace distances (dimensionless); clipped to :math:`[0, 1/2]`.
    n_hidden : int
        Hidden qubits :math:`n_h \ge 1`.

    Returns
    -------
    numpy.ndarray of float64
        Probabilities in :math:`[0, 1]`, shape of ``tau``.

    Raises
    ------
    TypeError
        If ``n_hidden`` is not an integer or ``tau`` is not real.
    ValueError
        If ``n_hidden < 1``.

    References
    ----------
    .. [1] K. Zyczkowski and H.-J. Sommers, J. Phys. A 34, 7111 (2001).

    Examples
    --------
    One hidden qubit: :math:`P(T \le \tau) = 8\tau^3`.

    >>> round(float(haar_qubit_trace_distance_cdf(0.25, 1)), 12)
    0.125
    """
    from scipy.special import betainc

    d_h = _haar_qubit_hidden(n_hidden)
    tau = np.clip(as_real_array(tau, "tau"), 0.0, 0.5)
    return betainc(1.5, d_h - 1, 4 * tau**2)


def haar_qubit_trace_distance_statistics(n_hidden: int) -> dict[str, float]:
    r"""Mean, median, mode and fraction under the bound of :math:`T`: Haar, one visible qubit.

    With :math:`u = 4T^2 \sim \mathrm{Beta}(3/2, D_h - 1)` (see
    :func:`haar_qubit_trace_distance_pdf`):

    .. math::

        \mathbb E T = \frac{B(2, D_h - 1)}{2 B(3/2, D_h - 1)}
        \approx \frac{1}{\sqrt{\pi D_h}}, \qquad
        T_{\rm mode} = \frac{1}{2\sqrt{D_h - 1}}, \qquad
        P\Big(T \le \tfrac12\sqrt{2/D_h}\Big) = I_{2/D_h}(3/2, D_h - 1),

    the last tending to :math:`P(\chi_3 \le 2) = 0.739` as
    :math:`D_h \to \infty`: the bound :math:`\tfrac12\sqrt{D_v/D_h}`
    (:func:`haar_trace_distance_bound`) holds for the mean, while about a
    quarter of the instances lie above it.

    Parameters
    ----------
    n_hidden : int
        Hidden qubits :math:`n_h \ge 1`.

    Returns
    -------
    dict
        ``mean``, ``median``, ``mode`` (dimensionless trace distances) and
        ``fraction_under_bound`` (probability), as floats.

    Raises
    ------
    TypeError
        If ``n_hidden`` is not an integer.
    ValueError
        If ``n_hidden < 1``.

    References
    ----------
    .. [1] K. Zyczkowski and H.-J. Sommers, J. Phys. A 34, 7111 (2001).
    .. [2] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Fig. 3a (peaks of the histograms against the bound).

    Examples
    --------
    >>> s = haar_qubit_trace_distance_statistics(1)  # p(T) = 24 T^2 on [0, 1/2]
    >>> s["mean"], s["mode"], s["fraction_under_bound"]
    (0.375, 0.5, 1.0)
    """
    from scipy.special import beta as beta_function
    from scipy.special import betainc, betaincinv

    d_h = _haar_qubit_hidden(n_hidden)
    b = d_h - 1
    return dict(
        mean=float(beta_function(2, b) / (2 * beta_function(1.5, b))),
        median=float(np.sqrt(betaincinv(1.5, b, 0.5)) / 2),
        mode=float(0.5 / np.sqrt(b)),
        fraction_under_bound=float(betainc(1.5, b, min(2 / d_h, 1.0))),
    )


def toy_global_cost_gradient_variance(n: int) -> float:
    r"""Gradient variance :math:`\frac18 (\frac38)^{n-1}` of the toy perceptrons' global cost.

    :math:`\mathrm{Var}[\partial_\nu C_G]` for :func:`tnbp.ansatz.toy_perceptron`
    with the global cost of eq. (3) of arXiv:2005.12458 and uniformly random
    angles.

    Parameters
    ----------
    n : int
        Number of input (and output) qubits, ``>= 1``.

    Returns
    -------
    float
        The variance (the cost is dimensionless; angles in radians).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, the text after
       Theorem 1 on the perceptrons of Fig. 3(a), global cost eq. (3).
    .. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
       function dependent barren plateaus in shallow parametrized quantum
       circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (the toy
       model).
    """
    n = check_int(n, "n", minimum=1)
    return 0.125 * 0.375 ** (n - 1)


def toy_local_cost_gradient_variance(n: int) -> float:
    r"""Gradient variance :math:`1/(8 n^2)` of the toy perceptrons' local cost.

    :math:`\mathrm{Var}[\partial_\nu C_L]` for :func:`tnbp.ansatz.toy_perceptron`
    with the local cost of eq. (4) of arXiv:2005.12458 and uniformly random
    angles.

    Parameters
    ----------
    n : int
        Number of input (and output) qubits, ``>= 1``.

    Returns
    -------
    float
        The variance (the cost is dimensionless; angles in radians).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, the text after
       Theorem 1 on the perceptrons of Fig. 3(a), local cost eq. (4).
    .. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
       function dependent barren plateaus in shallow parametrized quantum
       circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (the toy
       model).
    """
    n = check_int(n, "n", minimum=1)
    return 1.0 / (8 * n * n)


def two_design_gradient_variance(n: int, observable=None) -> float:
    r"""Gradient variance, :math:`\approx 2^{-(n+1)}`, of a circuit whose halves are 2-designs.

    The variance of :math:`\partial_k \langle O\rangle` when the circuits before
    and after the rotation :math:`e^{-i\theta_k V/2}` are unitary 2-designs on
    ``n`` qubits, for a Pauli string :math:`V` and a pure initial state. With
    :math:`d = 2^n`, Haar averages over both halves give

    .. math::

        \mathrm{Var}[\partial_k f] = \frac{d\,\mathrm{Tr}\,O^2 - (\mathrm{Tr}\,O)^2}
        {2 (d + 1)(d^2 - 1)},

    which for a Pauli string :math:`O` (:math:`\mathrm{Tr}\,O = 0`,
    :math:`\mathrm{Tr}\,O^2 = d`) is
    :math:`d^2/(2 (d + 1)(d^2 - 1)) \approx 2^{-(n+1)}`, the barren plateau of
    McClean et al.; the general form is eq. 22 of Liu, Lin and Jiang for one
    parameter (:func:`qntk_mean`), in tnbp's rotation convention.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    observable : Observable or list of (coeff, pauli, qubits), optional
        :math:`O` (default: a Pauli string); its traces are computed term by
        term, without :math:`2^n` matrices.

    Returns
    -------
    float
        The variance, in (units of :math:`O`)\ :sup:`2` per radian\ :sup:`2`.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``observable`` is not an observable.
    ValueError
        If ``n < 1`` or ``observable`` acts outside ``0..n-1``.

    References
    ----------
    .. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
       "Barren plateaus in quantum neural network training landscapes",
       Nat. Commun. 9, 4812 (2018), arXiv:1803.11173.
    .. [2] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313, eq. 22.

    Examples
    --------
    The local cost of arXiv:2005.12458 (eq. 4) on 4 qubits,
    :math:`\tfrac12 - \tfrac18\sum_j Z_j`, has
    :math:`d\,\mathrm{Tr}\,O^2 - (\mathrm{Tr}\,O)^2 = d^2/16`:

    >>> from tnbp import observables, theory
    >>> v = theory.two_design_gradient_variance(4, observables.local_cost(range(4)))
    >>> round(v / theory.two_design_gradient_variance(4), 6)
    0.0625
    """
    n = check_int(n, "n", minimum=1)
    d = 2.0**n
    if observable is None:
        return d * d / (2 * (d + 1) * (d * d - 1))
    tr_o, tr_o2 = _power_traces(as_observable(observable, n), n, (1, 2))
    return (d * tr_o2 - tr_o**2) / (2 * (d + 1) * (d * d - 1))


# --------------------------------------------------------------------------
# Quantum neural tangent kernels (Liu, Lin and Jiang, arXiv:2206.09313)

#: conventions of the QNTK functions: the paper's rotations :math:`e^{i\theta X}`
#: or tnbp's :math:`e^{-i\theta P/2}`
QNTK_CONVENTIONS = ("paper", "tnbp")
#: factor from tnbp's convention to the paper's, per quantity
#: (:math:`\partial_{\rm paper} = -2\,\partial_{\rm tnbp}`)
_PAPER_FACTORS = {
    "qntk": 4.0,
    "qntk_std": 4.0,
    "meta_kernel": 16.0,
    "meta_kernel_std": 16.0,
    "learning_rate": 0.25,
    "angle_noise": 0.5,
}


def to_paper_convention(value, kind: str) -> float:
    r"""Convert a QNTK quantity from tnbp's rotation convention to the paper's.

    tnbp's rotations are :math:`e^{-i\theta P/2}`, those of eq. 15 of [1]_
    :math:`e^{i\theta X}`: :math:`\theta_{\rm paper} = -\theta_{\rm tnbp}/2`,
    so every derivative is :math:`\partial_{\rm paper} = -2\,\partial_{\rm tnbp}`.
    :math:`K` (two derivatives) and its spread gain a factor 4, the
    meta-kernel :math:`\mu` (four derivatives: a Hessian and two gradients)
    and its spread :math:`\Delta\mu` a factor 16. The same gradient-descent
    step :math:`\delta\theta = -\eta\,\varepsilon\,\partial\varepsilon`
    has :math:`\eta_{\rm paper} = \eta/4`, and angle noise of standard
    deviation :math:`\sigma` has :math:`\sigma_{\rm paper} = \sigma/2`
    (so :math:`\eta K` and :math:`\sigma^2/\eta` are the same in both).
    :func:`from_paper_convention` goes back.

    Parameters
    ----------
    value : float
        The quantity in tnbp's convention (e.g. from :func:`tnbp.qntk`).
    kind : {"qntk", "qntk_std", "meta_kernel", "meta_kernel_std", "learning_rate", "angle_noise"}
        What ``value`` is: :math:`K`, :math:`\Delta K`, :math:`\mu`,
        :math:`\Delta\mu`, :math:`\eta` or :math:`\sigma`.

    Returns
    -------
    float
        The value in the paper's convention.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or ``kind`` is not one of the options.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eq. 15).
    """
    value = check_real(value, "value")
    check_opt("kind", kind, _PAPER_FACTORS)
    return value * _PAPER_FACTORS[kind]


def from_paper_convention(value, kind: str) -> float:
    r"""Convert a QNTK or training quantity from the paper's rotation convention to tnbp's.

    The inverse of :func:`to_paper_convention`: :math:`K = K_{\rm paper}/4`,
    :math:`\mu = \mu_{\rm paper}/16`, :math:`\eta = 4\eta_{\rm paper}`,
    :math:`\sigma = 2\sigma_{\rm paper}`, for tnbp's rotations
    :math:`e^{-i\theta P/2}` against the paper's :math:`e^{i\theta X}`
    (eq. 15 of [1]_). Use it to run :func:`tnbp.train` at the paper's
    learning rate and noise.

    Parameters
    ----------
    value : float
        The quantity in the paper's convention.
    kind : {"qntk", "qntk_std", "meta_kernel", "meta_kernel_std", "learning_rate", "angle_noise"}
        What ``value`` is, as in :func:`to_paper_convention`.

    Returns
    -------
    float
        The value in tnbp's convention.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or ``kind`` is not one of the options.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 1, 15, 28).

    Examples
    --------
    The learning rate and noise of the paper's Fig. 2 in tnbp's angles:

    >>> from tnbp import theory
    >>> theory.from_paper_convention(1e-3, "learning_rate")
    0.004
    >>> theory.from_paper_convention(1e-3, "angle_noise")
    0.002
    """
    value = check_real(value, "value")
    check_opt("kind", kind, _PAPER_FACTORS)
    return value / _PAPER_FACTORS[kind]


def _from_paper(value: float, kind: str, convention: str) -> float:
    check_opt("convention", convention, QNTK_CONVENTIONS)
    return value if convention == "paper" else value / _PAPER_FACTORS[kind]


def _nonnegative(value, name: str) -> float:
    value = check_real(value, name)
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0, got {value}.")
    return value


def observable_traces(observable, n: int) -> tuple[float, float, float]:
    r"""The traces of :math:`O`, :math:`O^2` and :math:`O^4` on ``n`` qubits, exactly.

    For :math:`O = \sum_t T_t` plus a constant :math:`c_0`, each
    trace of a product of terms factorizes over qubits,
    :math:`\mathrm{Tr}(T_a T_b \cdots) = c_a c_b \cdots \prod_q
    \mathrm{Tr}(A_q B_q \cdots)` with the identity where a term has no factor,
    so no :math:`2^n` matrix is formed: :math:`O(T^4 n)` work for :math:`T`
    terms. These are the inputs of :func:`qntk_mean`, :func:`qntk_std` and
    :func:`meta_kernel_std`.

    Parameters
    ----------
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O` (an :class:`~tnbp.models.Observable`, e.g. from
        :func:`tnbp.models.operators.pauli_sum`, or its
        term list). A constant :math:`c_0` is the term ``(c0, "I", (0,))``
        (or an Observable's ``constant``).
    n : int
        Number of qubits, ``>= 1``; :math:`N = 2^n`.

    Returns
    -------
    tuple of float
        ``(Tr O, Tr O^2, Tr O^4)``, in units of the coefficients to the first,
        second and fourth power.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``observable`` is not an observable.
    ValueError
        If ``n < 1`` or ``observable`` acts outside ``0..n-1``.

    Examples
    --------
    >>> from tnbp import theory
    >>> theory.observable_traces([(1.0, "Z", (0,))], 2)
    (0.0, 4.0, 4.0)
    """
    n = check_int(n, "n", minimum=1)
    return _power_traces(as_observable(observable, n), n, (1, 2, 4))


def _power_traces(obs, n: int, powers) -> tuple[float, ...]:
    r""":math:`\mathrm{Tr}\,O^k` for each ``k`` of ``powers``, term by term."""
    eye = np.eye(2, dtype=complex)
    factors = [(obs.constant, {})] if obs.constant else []
    factors += [(t.coeff, t.as_dict()) for t in obs.terms]

    def trace(k: int) -> float:
        total = 0.0
        for combo in itertools.product(factors, repeat=k):
            coeff = np.prod([c for c, _ in combo])
            qubits = set().union(*(ops.keys() for _, ops in combo))
            value = coeff * 2.0 ** (n - len(qubits))
            for q in qubits:
                value *= np.trace(
                    functools.reduce(np.matmul, [ops.get(q, eye) for _, ops in combo])
                )
            total += value.real if isinstance(value, complex) else value
        return float(np.real(total))

    return tuple(trace(k) for k in powers)


def qntk_mean(
    num_parameters: int,
    n: int,
    tr_o2,
    tr_o=0.0,
    *,
    large_n: bool = False,
    convention: str = "tnbp",
) -> float:
    r"""Mean QNTK :math:`\bar K` of a circuit whose halves are 2-designs (eq. 22 of [1]_).

    .. math::

        \bar K = L\,\big(N\,\mathrm{Tr}\,O^2 - \mathrm{Tr}^2 O\big)
        \frac{2}{N + 1}\frac{1}{N^2 - 1}
        \;\approx\; \frac{2 L\,\mathrm{Tr}\,O^2}{N^2},

    for :math:`L` parameters and :math:`N = 2^n`, assuming
    :math:`V_{\pm,\ell}` (eq. 21) independent 2-designs for every
    :math:`\ell`.

    Parameters
    ----------
    num_parameters : int
        :math:`L`, the number of trainable angles, ``>= 1``.
    n : int
        Number of qubits, ``>= 1``.
    tr_o2 : float
        :math:`\mathrm{Tr}\,O^2`, ``>= 0`` (e.g. from :func:`observable_traces`).
    tr_o : float, optional
        :math:`\mathrm{Tr}\,O` (default 0, traceless).
    large_n : bool, optional
        Return the large-:math:`N` limit :math:`2L\,\mathrm{Tr}\,O^2/N^2`
        instead of the exact finite-:math:`N` form.
    convention : {"tnbp", "paper"}, optional
        ``"tnbp"`` (default): rotations :math:`e^{-i\theta P/2}`, as
        :func:`tnbp.qntk` and every tnbp function report; ``"paper"``:
        :math:`e^{i\theta X}` as in [1]_, a factor 4 larger
        (:func:`to_paper_convention`).

    Returns
    -------
    float
        :math:`\bar K` in (units of :math:`O`)\ :sup:`2` per radian\ :sup:`2`.

    Raises
    ------
    TypeError
        If ``num_parameters`` or ``n`` is not an integer, ``tr_o2`` or
        ``tr_o`` is not a real number, or ``large_n`` is not a bool.
    ValueError
        If ``num_parameters < 1``, ``n < 1``, ``tr_o2`` is negative or not
        finite, :math:`(\mathrm{Tr}\,O)^2 > N\,\mathrm{Tr}\,O^2` (no observable
        has such traces), or ``convention`` is not one of the options.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 21, 22).

    Examples
    --------
    One qubit Pauli :math:`O = Z` on two qubits, :math:`L = 75`:

    >>> from tnbp import theory
    >>> round(theory.qntk_mean(75, 2, 4.0), 12)  # tnbp's rotations exp(-i theta P/2)
    8.0
    >>> round(theory.qntk_mean(75, 2, 4.0, convention="paper"), 12)
    32.0
    """
    big_l = check_int(num_parameters, "num_parameters", minimum=1)
    n = check_int(n, "n", minimum=1)
    tr_o2 = _nonnegative(tr_o2, "tr_o2")
    tr_o = check_real(tr_o, "tr_o")
    if not isinstance(large_n, (bool, np.bool_)):
        raise TypeError(f"`large_n` must be True or False, got {large_n!r}.")
    dim = 2.0**n
    if tr_o**2 > dim * tr_o2 * (1 + 1e-12):
        # Cauchy-Schwarz over the N eigenvalues: (Tr O)^2 <= N Tr O^2
        raise ValueError(
            f"`tr_o`, `tr_o2`: (Tr O)^2 = {tr_o**2:.6g} exceeds N Tr O^2 = "
            f"{dim * tr_o2:.6g}, which no observable on {n} qubits has."
        )
    if large_n:
        value = 2 * big_l * tr_o2 / dim**2
    else:
        value = big_l * (dim * tr_o2 - tr_o**2) * 2 / ((dim + 1) * (dim**2 - 1))
    return _from_paper(value, "qntk", convention)


def qntk_std(
    num_parameters: int, n: int, tr_o2, tr_o4, *, convention: str = "tnbp"
) -> float:
    r"""Spread :math:`\Delta K` of the QNTK, large :math:`N` (eqs. 23, 49 of [1]_).

    .. math::

        \Delta K \approx \frac{\sqrt L}{N^2}
        \sqrt{8\,\mathrm{Tr}^2(O^2) + 12\,\mathrm{Tr}(O^4)},

    so :math:`\Delta K/\bar K = O(1/\sqrt L)`. Eq. 49 is the same formula,
    named as :math:`\sqrt{\mathbb E((K - \bar K)^2)}`.

    Parameters
    ----------
    num_parameters : int
        :math:`L`, ``>= 1``.
    n : int
        Number of qubits, ``>= 1``; :math:`N = 2^n`.
    tr_o2, tr_o4 : float
        :math:`\mathrm{Tr}\,O^2` and :math:`\mathrm{Tr}\,O^4`, ``>= 0``.
    convention : {"tnbp", "paper"}, optional
        As in :func:`qntk_mean` (tnbp's is the default, a factor 4 smaller).

    Returns
    -------
    float
        :math:`\Delta K`, in the units of :math:`K`.

    Raises
    ------
    TypeError
        If ``num_parameters`` or ``n`` is not an integer, or ``tr_o2`` or
        ``tr_o4`` is not a real number.
    ValueError
        If ``num_parameters < 1``, ``n < 1``, a trace is negative or not
        finite, or ``convention`` is not one of the options.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 23, 49).
    """
    big_l = check_int(num_parameters, "num_parameters", minimum=1)
    n = check_int(n, "n", minimum=1)
    tr_o2 = _nonnegative(tr_o2, "tr_o2")
    tr_o4 = _nonnegative(tr_o4, "tr_o4")
    value = np.sqrt(big_l) / 4.0**n * np.sqrt(8 * tr_o2**2 + 12 * tr_o4)
    return _from_paper(float(value), "qntk_std", convention)


def meta_kernel_std(
    num_parameters: int, n: int, tr_o2, *, convention: str = "tnbp"
) -> float:
    r"""Spread :math:`\Delta\mu` of the meta-kernel, large :math:`N` (eq. 51 of [1]_).

    .. math::

        \Delta\mu \approx \frac{\sqrt{32}\,L}{N^3}\,\mathrm{Tr}^{3/2}(O^2),

    with :math:`\mathbb E(\mu) = 0`; :math:`\mu` is that of eq. 50
    (:func:`tnbp.meta_kernel`).

    Parameters
    ----------
    num_parameters : int
        :math:`L`, ``>= 1``.
    n : int
        Number of qubits, ``>= 1``; :math:`N = 2^n`.
    tr_o2 : float
        :math:`\mathrm{Tr}\,O^2`, ``>= 0``.
    convention : {"tnbp", "paper"}, optional
        ``"tnbp"`` (default, rotations :math:`e^{-i\theta P/2}`) or
        ``"paper"`` (:math:`e^{i\theta X}`, a factor 16 larger).

    Returns
    -------
    float
        :math:`\Delta\mu`, in (units of :math:`O`)\ :sup:`3` per
        radian\ :sup:`4`.

    Raises
    ------
    TypeError
        If ``num_parameters`` or ``n`` is not an integer, or ``tr_o2`` is not a
        real number.
    ValueError
        If ``num_parameters < 1``, ``n < 1``, ``tr_o2`` is negative or not
        finite, or ``convention`` is not one of the options.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 50, 51).
    """
    big_l = check_int(num_parameters, "num_parameters", minimum=1)
    n = check_int(n, "n", minimum=1)
    tr_o2 = _nonnegative(tr_o2, "tr_o2")
    value = np.sqrt(32.0) * big_l / 8.0**n * tr_o2**1.5
    return _from_paper(float(value), "meta_kernel_std", convention)


# --- Training with angle noise: Liu, Lin and Jiang (arXiv:2206.09313), sec. 4, app. D ---
#
# Every function below takes K, eta and sigma in tnbp's angles (rotations
# exp(-i theta P / 2), the convention of tnbp.train). The paper's rotations are
# exp(i theta_p X), theta_p = -theta / 2, so K_p = 4 K, eta_p = eta / 4 and
# sigma_p = sigma / 2: the products eta K and sigma^2 / eta these formulas
# depend on are the same in both conventions, and so are the formulas.


#: Gradient descent with a frozen kernel diverges at :math:`\eta K` at or above
#: this: eq. 19's factor :math:`|1 - \eta K|` reaches 1, and eqs. 30-31, 64-69
#: have no plateau (the same in both conventions).
DIVERGENT_ETA_KERNEL = 2.0


def descent_diverges(eta, kernel) -> bool:
    r"""Whether gradient descent with learning rate ``eta`` and kernel ``kernel`` diverges.

    The criterion of the frozen-kernel dynamics
    :math:`\varepsilon(t+1) = (1 - \eta K)\,\varepsilon(t)` (eq. 19 of
    [1]_): :math:`\eta K \ge 2` (:data:`DIVERGENT_ETA_KERNEL`), where
    :math:`|1 - \eta K| \ge 1` and the closed forms of this section
    (:func:`frozen_kernel_residual`, :func:`noise_plateau`,
    :func:`noisy_residual_variance`, ...) are undefined; they raise there.

    Parameters
    ----------
    eta : float
        Learning rate, ``> 0``, in either convention.
    kernel : float
        :math:`K \ge 0` in the same convention as ``eta``.

    Returns
    -------
    bool
        ``eta * kernel >= 2``.

    Raises
    ------
    TypeError
        If ``eta`` or ``kernel`` is not a real number.
    ValueError
        If ``eta <= 0``, ``kernel < 0`` or either is not finite.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (19), (31).

    Examples
    --------
    >>> descent_diverges(0.05, 35.0), descent_diverges(0.3, 35.0)
    (False, True)
    """
    eta, kernel, _ = _check_rates(eta, kernel)
    return eta * kernel >= DIVERGENT_ETA_KERNEL


def _check_descent(eta, kernel, sigma=0.0) -> tuple[float, float, float]:
    """``eta > 0``, ``kernel >= 0``, ``sigma >= 0`` and a stable step ``eta * kernel < 2``."""
    eta, kernel, sigma = _check_rates(eta, kernel, sigma)
    if eta * kernel >= DIVERGENT_ETA_KERNEL:
        raise ValueError(
            "`eta` * `kernel` must be < 2 (gradient descent diverges beyond), "
            f"got {eta * kernel}."
        )
    return eta, kernel, sigma


def _check_rates(eta, kernel, sigma=0.0) -> tuple[float, float, float]:
    """``eta > 0``, ``kernel >= 0`` and ``sigma >= 0``, finite real numbers."""
    values = []
    for name, value, positive in (
        ("eta", eta, True),
        ("kernel", kernel, False),
        ("sigma", sigma, False),
    ):
        if isinstance(value, bool) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            raise TypeError(f"`{name}` must be a real number, got {value!r}.")
        value = float(value)
        if not np.isfinite(value) or value < 0 or (positive and value == 0):
            raise ValueError(
                f"`{name}` must be finite and {'> 0' if positive else '>= 0'}, got {value}."
            )
        values.append(value)
    return values[0], values[1], values[2]


def _check_steps(t) -> np.ndarray:
    """Non-negative integer steps, as float64: ``2 * t`` of an int8 or a huge int wraps."""
    t = np.asarray(t)
    if t.dtype.kind not in "iu":
        raise TypeError(f"`t` must be non-negative integers, got {t!r}.")
    if np.any(t < 0):
        raise ValueError(f"`t` must be non-negative integers, got {t!r}.")
    return t.astype(np.float64)


def _check_eps0(eps0) -> float:
    if isinstance(eps0, bool) or not isinstance(
        eps0, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"`eps0` must be a real number, got {eps0!r}.")
    if not np.isfinite(eps0):
        raise ValueError(f"`eps0` must be finite, got {eps0}.")
    return float(eps0)


def frozen_kernel_residual(eps0: float, eta: float, kernel: float, t) -> np.ndarray:
    r"""Residual :math:`\varepsilon(t) = (1 - \eta K)^t\, \varepsilon(0)` of a frozen kernel.

    Noiseless gradient descent on :math:`\tfrac12\varepsilon^2` with the
    kernel :math:`K` held at its initial value (eq. 19 of [1]_), exact to
    first order in :math:`\eta` (the lazy regime :math:`\eta K \ll 1`).

    Parameters
    ----------
    eps0 : float
        :math:`\varepsilon(0) = \langle O\rangle - O_0`, units of :math:`O`.
    eta : float
        Learning rate, ``> 0``, in tnbp's angles (see :func:`tnbp.train`).
    kernel : float
        :math:`K = \sum_\ell (\partial\varepsilon/\partial\theta_\ell)^2`,
        ``>= 0``, in tnbp's angles, with ``eta * kernel < 2``.
    t : int or array_like of int
        Steps, ``>= 0``.

    Returns
    -------
    numpy.ndarray of float64, shape of ``t``
        :math:`\varepsilon(t)`, units of :math:`O`.

    Raises
    ------
    TypeError
        If ``eps0``, ``eta`` or ``kernel`` is not a real number.
    ValueError
        If a value is out of range or ``eta * kernel >= 2``.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eq. (19).
    """
    eps0 = _check_eps0(eps0)
    eta, kernel, _ = _check_descent(eta, kernel)
    return (1 - eta * kernel) ** _check_steps(t) * eps0


def noise_plateau(eta: float, kernel: float, sigma: float) -> float:
    r"""Late-time noise average :math:`\sigma^2/(\eta(2 - \eta K))` of :math:`\varepsilon^2`.

    With Gaussian angle noise :math:`\Delta\theta_\ell \sim \mathcal{N}(0,
    \sigma^2)` each step, the residual follows :math:`\varepsilon(t+1) =
    (1 - \eta K)\varepsilon(t) + \xi(t)` with :math:`\xi \sim \mathcal{N}(0,
    K\sigma^2)` (eqs. 28-29), whose stationary variance
    :math:`K\sigma^2/(1 - (1 - \eta K)^2)` is eq. (31)/(66) of [1]_.

    Parameters
    ----------
    eta : float
        Learning rate, ``> 0``, in tnbp's angles.
    kernel : float
        :math:`K \ge 0` in tnbp's angles, ``eta * kernel < 2``.
    sigma : float
        Angle-noise standard deviation, ``>= 0``, radians of tnbp's angles.

    Returns
    -------
    float
        :math:`\overline{\varepsilon^2}(\infty)`, units of :math:`O^2`.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If a value is out of range or ``eta * kernel >= 2``.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (28)-(31), (66).
    """
    eta, kernel, sigma = _check_descent(eta, kernel, sigma)
    if kernel == 0:
        # K = 0: eq. 28 never moves the residual (eqs. 30, 64 stay at eps0^2, 0)
        raise ValueError("`kernel` must be > 0 for a late-time plateau, got 0.0.")
    return _plateau(eta, kernel, sigma)


def _plateau(eta: float, kernel: float, sigma: float) -> float:
    """Eq. 31 for checked arguments (the finite-t forms also take K = 0)."""
    return sigma**2 / (eta * (2 - eta * kernel))


def _built_up(eta_kernel: float, t: np.ndarray) -> np.ndarray:
    """``1 - (1 - eta K) ** (2 t)`` for ``0 <= eta_kernel < 2``, without cancellation.

    As ``-expm1(2t ln|1 - eta K|)``: ``1 - (1 - x) ** (2 * t)`` is 0 once
    ``x`` is below the rounding of 1 (``eta = 1e-300``), where it is ``2 t x``.
    """
    if eta_kernel == 1:  # the residual vanishes in one step
        return np.where(t > 0, 1.0, 0.0)
    log_base = np.log1p(-eta_kernel) if eta_kernel < 1 else np.log1p(eta_kernel - 2)
    return -np.expm1(2 * t * log_base)


def noisy_mean_square_residual(
    eps0: float, eta: float, kernel: float, sigma: float, t
) -> np.ndarray:
    r"""Noise average :math:`\overline{\varepsilon^2}(t)` of noisy gradient descent.

    .. math::

        \overline{\varepsilon^2}(t) = (1 - \eta K)^{2t}\Big(\varepsilon^2(0)
        - \frac{\sigma^2}{\eta(2 - \eta K)}\Big) + \frac{\sigma^2}{\eta(2 - \eta K)},

    eq. (30)/(65) of [1]_, for a frozen kernel and linear order in the noise.

    Parameters
    ----------
    eps0 : float
        :math:`\varepsilon(0)`, units of :math:`O`.
    eta : float
        Learning rate, ``> 0``, in tnbp's angles.
    kernel : float
        :math:`K \ge 0` in tnbp's angles, ``eta * kernel < 2``.
    sigma : float
        Angle-noise standard deviation, ``>= 0``, radians.
    t : int or array_like of int
        Steps, ``>= 0``.

    Returns
    -------
    numpy.ndarray of float64, shape of ``t``
        :math:`\overline{\varepsilon^2}(t)`, units of :math:`O^2`.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If a value is out of range or ``eta * kernel >= 2``.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (30), (63)-(65).
    """
    eps0 = _check_eps0(eps0)
    eta, kernel, sigma = _check_descent(eta, kernel, sigma)
    plateau = _plateau(eta, kernel, sigma)
    return eps0**2 - (eps0**2 - plateau) * _built_up(eta * kernel, _check_steps(t))


def late_time_mean_abs_residual(eta: float, kernel: float, sigma: float) -> float:
    r"""Late-time :math:`\overline{|\varepsilon|} = \sqrt{2/\pi}\,\sigma/\sqrt{2\eta - \eta^2 K}`.

    The mean of the half-normal distribution of :math:`|\varepsilon|` when
    :math:`\varepsilon \sim \mathcal{N}(0, \overline{\varepsilon^2}(\infty))`
    (eq. 69 of [1]_; the paper takes :math:`K` from the last step).

    Parameters
    ----------
    eta : float
        Learning rate, ``> 0``, in tnbp's angles.
    kernel : float
        :math:`K \ge 0` in tnbp's angles, ``eta * kernel < 2``.
    sigma : float
        Angle-noise standard deviation, ``>= 0``, radians.

    Returns
    -------
    float
        :math:`\overline{|\varepsilon|}`, units of :math:`O`.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If a value is out of range or ``eta * kernel >= 2``.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eq. (69).
    """
    return float(np.sqrt(2 / np.pi * noise_plateau(eta, kernel, sigma)))


def noisy_residual_variance(eta: float, kernel: float, sigma: float, t) -> np.ndarray:
    r"""Variance over the noise of :math:`\varepsilon(t)`, from a fixed start (eq. 64).

    Solving eq. (62) of [1]_ from a fixed :math:`\varepsilon(0)` (eq. 63), the
    noise part of :math:`\varepsilon(t)` is Gaussian with variance

    .. math::

        \mathrm{Var}\,\varepsilon(t) = \sigma^2\,
        \frac{1 - (1 - \eta K)^{2t}}{\eta(2 - \eta K)},

    eq. (64): eq. (30) minus the square of the noiseless residual
    :math:`(1 - \eta K)^t\varepsilon(0)` (:func:`frozen_kernel_residual`),
    rising to :func:`noise_plateau`. Its square root is the spread
    :math:`\sigma_\varepsilon` of runs that share their initial angles and
    differ by their noise (Fig. 4 of [1]_ at finite :math:`t`).

    Parameters
    ----------
    eta : float
        Learning rate, ``> 0``, in tnbp's angles.
    kernel : float
        :math:`K \ge 0` in tnbp's angles, ``eta * kernel < 2``.
    sigma : float
        Angle-noise standard deviation, ``>= 0``, radians.
    t : int or array_like of int
        Steps, ``>= 0``.

    Returns
    -------
    numpy.ndarray of float64, shape of ``t``
        :math:`\mathrm{Var}\,\varepsilon(t)`, units of :math:`O^2`.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If a value is out of range or ``eta * kernel >= 2``.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (62)-(64).
    """
    eta, kernel, sigma = _check_descent(eta, kernel, sigma)
    plateau = _plateau(eta, kernel, sigma)
    return plateau * _built_up(eta * kernel, _check_steps(t))


#: statistics of late-time residuals over runs that
#: :func:`late_time_residual_interval` knows
RESIDUAL_STATISTICS = ("mean_abs", "std")
#: most runs :func:`late_time_residual_interval` takes (its grid grows with them)
MAX_INTERVAL_RUNS = 100_000


def _mean_half_normal_quantiles(runs: int, probs) -> np.ndarray:
    r"""Quantiles of the mean of ``runs`` independent :math:`|Z|`, :math:`Z \sim N(0, 1)`.

    The sum is discretized on a grid of step ``h`` (2000 steps per standard
    deviation of the sum): each :math:`|Z|` falls in a cell ``k`` with the
    exact probability :math:`2(\Phi((k+1)h) - \Phi(kh))`, the cell indices
    add by an FFT convolution, and the sum of the indices is read back at
    the cells' midpoints (``h (K + 1/2 + runs/2)``, with the continuity
    correction). Measured against the closed forms at ``runs = 1, 2``: 1e-8
    relative.
    """
    from scipy.special import ndtr

    mean = runs * np.sqrt(2 / np.pi)
    sd = np.sqrt(runs * (1 - 2 / np.pi))
    top = mean + 12 * sd + 12  # the sum exceeds it with probability < 1e-30
    h = sd / 2000
    size = 1 << int(np.ceil(np.log2(top / h)))
    h = top / size
    edges = h * np.arange(size + 1)
    cells = 2 * (ndtr(edges[1:]) - ndtr(edges[:-1]))
    pmf = np.fft.irfft(np.fft.rfft(cells) ** runs, n=size)
    cdf = np.cumsum(np.clip(pmf, 0, None))
    cdf /= cdf[-1]
    index = np.interp(probs, cdf, np.arange(size))
    return h * (index + 0.5 + runs / 2) / runs


def late_time_residual_interval(
    eta: float,
    kernel: float,
    sigma: float,
    runs: int,
    *,
    statistic: str = "mean_abs",
    level: float = 0.9,
) -> tuple[float, float]:
    r"""Central interval of a statistic of late-time residuals over ``runs`` runs.

    At late times, eqs. (63)-(66) of [1]_ make each run's residual
    :math:`\varepsilon \sim \mathcal N(0, s^2)` with
    :math:`s^2 = \sigma^2/(\eta(2 - \eta K))` (:func:`noise_plateau`),
    independent across runs. Over ``runs`` = :math:`R` runs:

    ``"mean_abs"``
        :math:`\overline{|\varepsilon|} = \frac1R\sum_r|\varepsilon_r|`,
        whose expectation is eq. (69) (:func:`late_time_mean_abs_residual`).
        It is :math:`s` times the mean of :math:`R` standard half-normal
        variables, whose quantiles are computed by an exact-probability
        FFT convolution on a grid (1e-8 relative at :math:`R = 1, 2`, where
        closed forms exist; no Monte Carlo, and no central-limit
        approximation, which puts the 5% point 4% low at :math:`R = 10`).
    ``"std"``
        The sample standard deviation (``ddof=1``)
        :math:`\sigma_\varepsilon`, whose square is :math:`s^2` times a
        :math:`\chi^2_{R-1}/(R-1)` variable: the interval is
        :math:`s\sqrt{\chi^2_{R-1,\,q}/(R-1)}` at
        :math:`q = (1 \mp \mathrm{level})/2`, exactly.

    Parameters
    ----------
    eta : float
        Learning rate, ``> 0``, in tnbp's angles.
    kernel : float
        :math:`K \ge 0` in tnbp's angles, ``eta * kernel < 2``.
    sigma : float
        Angle-noise standard deviation, ``>= 0``, radians.
    runs : int
        :math:`R`, the number of independent runs, ``1..100000`` (``>= 2``
        for ``"std"``).
    statistic : {"mean_abs", "std"}, optional
        The statistic (default ``"mean_abs"``, that of eq. 69).
    level : float, optional
        Probability inside the interval, in ``(0, 1)`` (default 0.9, the
        paper's 90% interval).

    Returns
    -------
    tuple of float
        ``(low, high)``, units of :math:`O`: the statistic lies below ``low``
        and above ``high`` with probability ``(1 - level) / 2`` each.

    Raises
    ------
    TypeError
        If an argument is not a number of its type.
    ValueError
        If a value is out of range, ``eta * kernel >= 2`` or ``statistic`` is
        not one of the options.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (63)-(66), (69) and Fig. 3.

    Examples
    --------
    One run with :math:`\eta = K = \sigma = 1` (eq. 31: :math:`s = 1`):
    :math:`|\varepsilon|/s` is half-normal, its 5% and 95% points are
    :math:`\Phi^{-1}(0.525)` and :math:`\Phi^{-1}(0.975)`:

    >>> from tnbp import theory
    >>> low, high = theory.late_time_residual_interval(1.0, 1.0, 1.0, 1)
    >>> round(low, 4), round(high, 4)
    (0.0627, 1.96)
    """
    check_opt("statistic", statistic, RESIDUAL_STATISTICS)
    runs = check_int(runs, "runs", minimum=2 if statistic == "std" else 1)
    if runs > MAX_INTERVAL_RUNS:
        raise ValueError(f"`runs` must be <= {MAX_INTERVAL_RUNS}, got {runs}.")
    level = check_real(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"`level` must be in (0, 1), got {level}.")
    scale = np.sqrt(noise_plateau(eta, kernel, sigma))
    probs = np.array([(1 - level) / 2, (1 + level) / 2])
    if statistic == "std":
        from scipy.stats import chi2

        factors = np.sqrt(chi2.ppf(probs, runs - 1) / (runs - 1))
    else:
        factors = _mean_half_normal_quantiles(runs, probs)
    return float(scale * factors[0]), float(scale * factors[1])


def noise_time(eps0: float, eta: float, kernel: float, sigma: float) -> float:
    r"""Step :math:`T_{\rm noise}` where the noise in :math:`\varepsilon` matches its decay.

    Solving eq. (67) of [1]_,
    :math:`|1 - \eta K|^{T}|\varepsilon(0)| = \sigma\sqrt{(1 - (1 - \eta
    K)^{2T})/(\eta(2 - \eta K))}`, gives eq. (68):

    .. math::

        T_{\rm noise} = \frac{\log\big(\sigma/\sqrt{\varepsilon^2(0)\,\eta(2 -
        \eta K) + \sigma^2}\big)}{\log|1 - \eta K|}.

    (Eq. 68's companion :math:`\varepsilon(T_{\rm noise})` is
    :math:`2\sigma\varepsilon(0)/\sqrt{\cdot}`; the printed :math:`\sigma^2`
    does not have the units of :math:`\varepsilon`.)

    Parameters
    ----------
    eps0 : float
        :math:`\varepsilon(0) \ne 0`, units of :math:`O`.
    eta : float
        Learning rate, ``> 0``, in tnbp's angles.
    kernel : float
        :math:`K > 0` in tnbp's angles, ``eta * kernel < 2`` and ``!= 1``.
    sigma : float
        Angle-noise standard deviation, ``> 0``, radians.

    Returns
    -------
    float
        :math:`T_{\rm noise}` in steps (not rounded), ``>= 0``.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If ``eps0``, ``kernel`` or ``sigma`` is zero, ``eta * kernel`` is 1 or
        ``>= 2``, or a value is out of range.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5 (2024),
       arXiv:2206.09313, eqs. (67)-(68).
    """
    eps0 = _check_eps0(eps0)
    eta, kernel, sigma = _check_descent(eta, kernel, sigma)
    if eps0 == 0 or kernel == 0 or sigma == 0:
        raise ValueError(
            "`eps0`, `kernel` and `sigma` must be nonzero for a noise time."
        )
    if eta * kernel == 1:
        raise ValueError(
            "`eta` * `kernel` must not be 1 (the residual vanishes in one step)."
        )
    # log1p keeps both logarithms accurate when eta K or the ratio is tiny
    log_ratio = -0.5 * np.log1p(eps0**2 * eta * (2 - eta * kernel) / sigma**2)
    step = eta * kernel
    log_rate = np.log1p(-step) if step < 1 else np.log1p(step - 2)
    return float(log_ratio / log_rate)
