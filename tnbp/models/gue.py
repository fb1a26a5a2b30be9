r"""The Gaussian unitary ensemble (GUE) on :math:`n` qubits.

A GUE matrix is the Hamiltonian of the first model of arXiv:2010.15968's
Figs. 3a and 4a (real-time evolution :math:`e^{-iHt}|0\cdots0\rangle` at
:math:`t = 10`): its eigenvectors are Haar distributed, so the evolved state
is close to a Haar-random state once :math:`t` is large compared with the
inverse spread of its spectrum.

Normalization. :math:`H = (A + A^\dagger)/(2\sqrt D)`, :math:`D = 2^n`, with
:math:`A` of independent standard complex normal entries
(:math:`\mathrm{Re}, \mathrm{Im} \sim N(0, 1)`). Then
:math:`H_{ii} \sim N(0, 1/D)`, :math:`\mathrm{Re} H_{ij}, \mathrm{Im} H_{ij}
\sim N(0, 1/(2D))` for :math:`i < j`, the density is proportional to
:math:`e^{-(D/2)\,\mathrm{Tr} H^2}`, and the spectrum fills Wigner's
semicircle :math:`\sqrt{4 - x^2}/(2\pi)` on :math:`[-2, 2]` as
:math:`D \to \infty`, with :math:`\mathbb E\,\mathrm{Tr}H^2/D = 1` and
:math:`\mathbb E\,\mathrm{Tr}H^4/D = 2 + 1/D^2` exactly. Times are therefore
in units of the inverse semicircle radius over two, independent of
:math:`n`. (The paper does not state its normalization.)

References
----------
.. [1] M. L. Mehta, *Random Matrices*, 3rd ed. (Elsevier, 2004), ch. 3.
.. [2] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
   barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968, Figs. 3a
   and 4a.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_rng, check_int
from ..limits import MAX_GUE_QUBITS


def gue_matrix(n: int, *, seed=None) -> np.ndarray:
    r"""A random Hermitian matrix from the GUE on ``n`` qubits, semicircle on [-2, 2].

    .. math::

        H = \frac{A + A^\dagger}{2\sqrt{D}}, \qquad D = 2^n, \qquad
        A_{ij} = x_{ij} + i\,y_{ij},\quad x_{ij}, y_{ij} \sim N(0, 1),

    so that :math:`\mathbb E|H_{ij}|^2 = 1/D` for every entry (see
    :mod:`tnbp.models.gue`). The real parts of :math:`A` are drawn first,
    row by row, then the imaginary parts.

    Parameters
    ----------
    n : int
        Number of qubits, ``1 <= n <= MAX_GUE_QUBITS``
        (:data:`~tnbp.limits.MAX_GUE_QUBITS`).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness (``tnbp._checks.as_rng``).

    Returns
    -------
    numpy.ndarray of complex128, shape (2^n, 2^n)
        Exactly Hermitian (dimensionless: energies in units where the
        semicircle has radius 2).

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``seed`` has an invalid type.
    ValueError
        If ``n < 1``, ``n`` exceeds :data:`~tnbp.limits.MAX_GUE_QUBITS`, or
        ``seed`` is negative.

    References
    ----------
    .. [1] M. L. Mehta, *Random Matrices*, 3rd ed. (Elsevier, 2004), ch. 3.
    .. [2] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Fig. 4a (the GUE model).

    Examples
    --------
    >>> import numpy as np
    >>> H = gue_matrix(3, seed=0)
    >>> H.shape, bool(np.array_equal(H, H.conj().T))
    ((8, 8), True)
    """
    n = check_int(n, "n", minimum=1)
    if n > MAX_GUE_QUBITS:
        raise ValueError(
            f"`n` must be at most tnbp.limits.MAX_GUE_QUBITS = {MAX_GUE_QUBITS} "
            f"(a 2^n x 2^n complex matrix), got {n}."
        )
    rng = as_rng(seed)
    dim = 2**n
    H = rng.normal(size=(dim, dim)).astype(complex)
    H.imag = rng.normal(size=(dim, dim))
    H += H.conj().T  # a copy is made for the right-hand side: no aliasing
    H *= 0.5 / np.sqrt(dim)
    return H
