r"""The two-qubit Clifford group: an exact unitary 2-design with a classical twirl.

The Clifford group on two qubits has :math:`11520` elements up to a global
phase (:math:`|\mathcal{C}_2 / U(1)| = 2^{4}\,|Sp(4, 2)| = 16 \cdot 720`).
It is a unitary 3-design, so every average of a polynomial of degree at most
two in :math:`U` and two in :math:`U^*` (a second moment such as the variance
of a cost derivative, where each gate appears twice and its adjoint twice)
is the same over uniformly random Cliffords as over the Haar measure
(Dankert et al.; Webb). Drawing the fixed gates of a circuit from this group
instead of the Haar measure therefore leaves gradient variances unchanged,
while the circuit maps Pauli strings to Pauli strings: averaged over uniform
rotation angles, its doubled state is a classical Markov chain on Pauli
strings (Heyraud et al.), which is what lets
:func:`tnbp.exact_gradient_variance` hold it as an MPS of small bond
dimension at 64 qubits and beyond.

The group is built once, by breadth-first search from the generators
:math:`H \otimes 1, 1 \otimes H, S \otimes 1, 1 \otimes S, CZ`, each element
stored with the phase that makes its first non-zero entry real and positive.

References
----------
.. [1] C. Dankert, R. Cleve, J. Emerson and E. Livine, "Exact and approximate
   unitary 2-designs and their application to fidelity estimation",
   Phys. Rev. A 80, 012304 (2009), arXiv:quant-ph/0606161.
.. [2] Z. Webb, "The Clifford group forms a unitary 3-design", Quantum Inf.
   Comput. 16, 1379 (2016), arXiv:1510.02769.
.. [3] V. Heyraud, Z. Li, K. Donatella, A. Le Boite and C. Ciuti, "Efficient
   estimation of trainability for variational quantum circuits", PRX Quantum
   4, 040335 (2023), arXiv:2302.04649.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["TWO_QUBIT_CLIFFORDS", "random_two_qubit_clifford", "two_qubit_cliffords"]

#: Number of two-qubit Clifford unitaries up to a global phase.
TWO_QUBIT_CLIFFORDS = 11520


def _phase_key(U: np.ndarray) -> bytes:
    """A phase-independent key of ``U``: first non-zero entry made real positive."""
    flat = U.reshape(-1)
    k = np.flatnonzero(np.abs(flat) > 1e-9)[0]
    V = np.round(U * (abs(flat[k]) / flat[k]), 8) + 0.0  # + 0.0: no negative zeros
    return V.tobytes()


@functools.lru_cache(maxsize=1)
def two_qubit_cliffords() -> np.ndarray:
    r"""Every two-qubit Clifford unitary, once up to a global phase.

    Returns
    -------
    numpy.ndarray of complex128, shape (11520, 4, 4)
        Read-only; qubit 0 is the first tensor factor. Entry 0 is the
        identity; the order is that of a breadth-first search from the
        generators, the same on every call.

    References
    ----------
    .. [1] C. Dankert, R. Cleve, J. Emerson and E. Livine, arXiv:quant-ph/0606161
       (the group's order and its 2-design property).

    Examples
    --------
    >>> G = two_qubit_cliffords()
    >>> G.shape
    (11520, 4, 4)
    """
    h = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
    s = np.diag([1, 1j])
    eye = np.eye(2)
    generators = [
        np.kron(h, eye),
        np.kron(eye, h),
        np.kron(s, eye),
        np.kron(eye, s),
        np.diag([1, 1, 1, -1]).astype(complex),
    ]
    identity = np.eye(4, dtype=complex)
    seen = {_phase_key(identity): identity}
    frontier = [identity]
    while frontier:
        found = []
        for U in frontier:
            for g in generators:
                V = g @ U
                key = _phase_key(V)
                if key not in seen:
                    seen[key] = V
                    found.append(V)
        frontier = found
    group = np.array(list(seen.values()))
    group.setflags(write=False)
    return group


def random_two_qubit_clifford(rng: np.random.Generator) -> np.ndarray:
    """A uniformly random two-qubit Clifford unitary.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the one integer drawn.

    Returns
    -------
    numpy.ndarray of complex128, shape (4, 4)
        A writable copy of an element of :func:`two_qubit_cliffords`.

    Raises
    ------
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator`.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"`rng` must be a numpy.random.Generator, got {type(rng).__name__}."
        )
    group = two_qubit_cliffords()
    return group[rng.integers(len(group))].copy()
