"""Seeded ansatz builders for the circuits the source papers study.

Every builder takes ``seed`` (None, a non-negative int, a
``numpy.random.SeedSequence`` or a ``numpy.random.Generator``) and is
reproducible. Angles are drawn uniformly from ``[0, 2 pi)`` unless stated.
Circuit depth is counted in ``layers`` by every builder (``depth=`` and
``repetitions=`` are deprecated aliases).

References
----------
- Ortiz Marrero, Kieferova, Wiebe, arXiv:2010.15968 (unitary QNN, App. C).
- Sharma, Cerezo, Cincio, Coles, arXiv:2005.12458 (layered hardware-efficient).
"""

from __future__ import annotations

import itertools

import numpy as np

from .._checks import as_rng, check_int, check_opt, deprecated_alias
from .circuit import Circuit

TWO_PI = 2 * np.pi


def _bonds(n: int, parity: int) -> range:
    """Left qubits of the nearest-neighbour pairs ``(i, i+1)`` with ``i % 2 == parity``."""
    return range(parity, n - 1, 2)


def hardware_efficient(
    n: int,
    layers: int,
    *,
    rotations: tuple[str, ...] = ("Y", "Z"),
    entangler: str = "cz",
    pattern: str = "ladder",
    seed=None,
) -> Circuit:
    """Layered hardware-efficient ansatz.

    Each layer is a column of single-qubit rotations (one per letter of
    ``rotations`` on every qubit, random angles) followed by entangling gates::

        pattern="ladder" (every layer)      pattern="brick" (alternating)
        -R-R-o-----                          -R-R-o------R-R-----
             |                                    |
        -R-R-o-o---                          -R-R-o------R-R-o---
               |                                             |
        -R-R-o-o---                          -R-R-o------R-R-o---
             |                                    |
        -R-R-o-----                          -R-R-o------R-R-----

    The ladder entangles every neighbouring pair each layer; its gates commute
    (for CZ) and are emitted as even bonds then odd bonds, which keeps the
    reverse lightcone of local observables narrow.

    Parameters
    ----------
    n, layers : int
        Number of qubits and of layers.
    rotations : tuple of str, optional
        Pauli letters of the rotations per qubit per layer (default ``("Y", "Z")``).
    entangler : {"cz", "cnot"}, optional
    pattern : {"ladder", "brick"}, optional
    seed : None, int, SeedSequence or Generator, optional
        Randomness of the angles.

    Returns
    -------
    Circuit
        ``layers * n * len(rotations)`` trainable rotations.
    """
    n = check_int(n, "n", minimum=1)
    layers = check_int(layers, "layers", minimum=0)
    check_opt("entangler", entangler, {"cz", "cnot"})
    check_opt("pattern", pattern, {"ladder", "brick"})
    for r in rotations:
        check_opt("rotations", r, {"X", "Y", "Z"})
    rng = as_rng(seed)
    circ = Circuit(n)
    ent = circ.cz if entangler == "cz" else circ.cnot
    for layer in range(layers):
        for q in range(n):
            for p in rotations:
                circ.pauli_rotation(rng.uniform(0, TWO_PI), p, q)
        parities = (0, 1) if pattern == "ladder" else (layer % 2,)
        for parity in parities:
            for i in _bonds(n, parity):
                ent(i, i + 1)
    return circ


def toy_perceptron(n: int, *, seed=None) -> Circuit:
    r"""The shallow dissipative perceptron QNN of arXiv:2005.12458, Fig. 3a.

    With one input and one output qubit per perceptron, each perceptron a SWAP
    followed by :math:`R_Y(\theta)`, the network reduces to
    :math:`\bigotimes_j R_Y(\theta_j)` on :math:`|0\cdots0\rangle` (the toy model
    of Cerezo et al., arXiv:2001.00550), with angles uniform in :math:`[0, 2\pi)`.
    Its cost gradients have variances :math:`\frac18(\frac38)^{n-1}` (global
    cost) and :math:`1/(8n^2)` (local cost); see :mod:`tnbp.theory`.

    Parameters
    ----------
    n : int
        Number of qubits, >= 1.
    seed : None, int, SeedSequence or Generator, optional
        Randomness of the angles.

    Returns
    -------
    Circuit
        ``n`` trainable ``RY`` rotations.
    """
    n = check_int(n, "n", minimum=1)
    rng = as_rng(seed)
    circ = Circuit(n)
    for q in range(n):
        circ.ry(rng.uniform(0, TWO_PI), q)
    return circ


@deprecated_alias(depth="layers")
def haar_brickwork(n: int, layers: int, *, seed=None) -> Circuit:
    """Brickwork of Haar-random two-qubit gates (the 2-design model).

    Layer ``d`` acts on pairs ``(i, i+1)`` with ``i = d mod 2, d mod 2 + 2, ...``::

        -U---U-
         U-U-U-
        -U-U---
         ...

    Parameters
    ----------
    n : int
        Number of qubits, >= 2.
    layers : int
        Number of brick layers, >= 0 (``depth=`` is a deprecated alias).
    seed : None, int, SeedSequence or Generator, optional
        Randomness of the gates.

    Returns
    -------
    Circuit
        Fixed (non-trainable) gates labelled ``"HAAR"``.
    """
    from scipy.stats import unitary_group  # scipy.stats is slow to import

    n = check_int(n, "n", minimum=2)
    layers = check_int(layers, "layers", minimum=0)
    rng = as_rng(seed)
    circ = Circuit(n)
    for d in range(layers):
        for i in _bonds(n, d % 2):
            circ.apply(unitary_group.rvs(4, random_state=rng), i, i + 1, label="HAAR")
    return circ


def two_local_terms(
    n: int, *, nearest_neighbour: bool = False
) -> list[tuple[str, tuple]]:
    r"""The Pauli terms of the random 2-local Hamiltonian of arXiv:2010.15968, eq. (C1).

    Onsite terms :math:`\sigma_a^i` for every qubit and :math:`a \in \{x,y,z\}`,
    then offsite terms :math:`\sigma_a^i \sigma_b^j` for every pair ``i < j``
    (or only ``j = i + 1``) and all nine ``(a, b)``.

    Returns
    -------
    list of (pauli, qubits)
    """
    n = check_int(n, "n", minimum=1)
    terms = [(a, (i,)) for i in range(n) for a in "XYZ"]
    pairs = (
        [(i, i + 1) for i in range(n - 1)]
        if nearest_neighbour
        else list(itertools.combinations(range(n), 2))
    )
    terms += [(a + b, p) for p in pairs for a in "XYZ" for b in "XYZ"]
    return terms


@deprecated_alias(repetitions="layers")
def unitary_qnn(
    n: int,
    *,
    nearest_neighbour: bool = False,
    layers: int = 1,
    shuffle: bool = False,
    seed=None,
) -> Circuit:
    r"""The unitary QNN of arXiv:2010.15968: :math:`U = \prod_k e^{-i\theta_k H_k}`.

    The generators :math:`H_k` run exhaustively over the terms of
    :func:`two_local_terms` (once per layer), with
    :math:`\theta_k \sim U[0, 1)` as in the paper's Fig. 4b. Since
    :meth:`~tnbp.Circuit.pauli_rotation` is :math:`e^{-i\phi P/2}`, the circuit's
    parameters are :math:`\phi_k = 2\theta_k`.

    Parameters
    ----------
    n : int
    nearest_neighbour : bool, optional
        Offsite terms on neighbouring pairs only (default: all pairs).
    layers : int, optional
        How many times the whole term list is applied, >= 1
        (``repetitions=`` is a deprecated alias).
    shuffle : bool, optional
        Apply the terms of each layer in a random order (default: onsite
        terms, then pairs in lexicographic order).
    seed : None, int, SeedSequence or Generator, optional
        Randomness of the angles (and of the order, with ``shuffle``).

    Returns
    -------
    Circuit
        ``layers * len(two_local_terms(n))`` trainable rotations.
    """
    layers = check_int(layers, "layers", minimum=1)
    rng = as_rng(seed)
    terms = two_local_terms(n, nearest_neighbour=nearest_neighbour)
    circ = Circuit(n)
    for _ in range(layers):
        order = rng.permutation(len(terms)) if shuffle else range(len(terms))
        for k in order:
            pauli, qubits = terms[k]
            circ.pauli_rotation(2 * rng.uniform(0, 1), pauli, qubits)
    return circ


@deprecated_alias(depth="layers")
def free_fermion_brickwork(n: int, layers: int, *, seed=None) -> Circuit:
    r"""Brickwork of number-conserving matchgates (a free-fermion circuit).

    Each layer applies :math:`R_Z(\phi_i)` on every qubit, then on each brick pair
    :math:`e^{-i\theta (XX + YY)/2} = R_{XX}(\theta) R_{YY}(\theta)` (the two
    commute), with independent random angles per gate. Under Jordan-Wigner this
    is a hopping :math:`e^{-i\theta(c_i^\dagger c_{i+1} + h.c.)}`, so from a
    computational-basis state the output is a Gaussian state whose entanglement
    follows exactly from its correlation matrix (:mod:`tnbp.free_fermion`).

    The ``XX`` and ``YY`` rotations of a gate carry equal but separate parameters;
    the derivative with respect to the shared angle is the sum of the two entries.

    Parameters
    ----------
    n : int
        Number of qubits, >= 2.
    layers : int
        Number of layers, >= 0 (``depth=`` is a deprecated alias).
    seed : None, int, SeedSequence or Generator, optional
        Randomness of the angles.

    Returns
    -------
    Circuit
        Trainable ``RZ``, ``XX`` and ``YY`` rotations.
    """
    n = check_int(n, "n", minimum=2)
    layers = check_int(layers, "layers", minimum=0)
    rng = as_rng(seed)
    circ = Circuit(n)
    for d in range(layers):
        for q in range(n):
            circ.rz(rng.uniform(0, TWO_PI), q)
        for i in _bonds(n, d % 2):
            theta = rng.uniform(0, TWO_PI)
            circ.pauli_rotation(theta, "XX", (i, i + 1))
            circ.pauli_rotation(theta, "YY", (i, i + 1))
    return circ
