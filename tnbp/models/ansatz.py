"""Seeded ansatz builders for the circuits the source papers study.

Every builder takes ``seed`` (None, a non-negative int, a
``numpy.random.SeedSequence`` or a ``numpy.random.Generator``) and is
reproducible. Angles are drawn uniformly from ``[0, 2 pi)`` unless stated.
Circuit depth is counted in ``layers`` by every builder. The old keywords
remain as deprecated aliases only where they existed: ``depth=`` on
:func:`haar_brickwork` and :func:`free_fermion_brickwork`, ``repetitions=`` on
:func:`unitary_qnn`. Each builder's docstring draws its
circuit; a two-qubit gate is drawn as two boxes joined by ``|``.

References
----------
.. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
   barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968 (unitary
   QNN, eq. 1 and App. C).
.. [2] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
   dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
   128, 180505 (2022), arXiv:2005.12458 (toy perceptrons, Fig. 3a; layered
   hardware-efficient ansatz, Fig. 3b).
.. [3] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
   machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
   arXiv:2206.09313 (the ansatz of eq. 15 with 2-design blocks).
"""

from __future__ import annotations

import itertools

import numpy as np

from .._checks import as_rng, check_int, check_opt, deprecated_alias
from .circuit import Circuit
from .clifford import append_random_clifford, random_two_qubit_clifford

#: The distributions of the fixed gate of a two-qubit design block.
DESIGNS = ("haar", "clifford")

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
    ``rotations`` on every qubit, random angles) followed by entangling gates
    (``o-o``: CZ, or a CNOT with the upper qubit as control)::

        pattern="ladder" (every layer)      pattern="brick" (alternating)
        -R-R-o-----                          -R-R-o------R-R-----
             |                                    |
        -R-R-o-o---                          -R-R-o------R-R-o---
               |                                             |
        -R-R-o-o---                          -R-R-o------R-R-o---
             |                                    |
        -R-R-o-----                          -R-R-o------R-R-----
            layer 0                              layer 0     layer 1

    The ladder entangles every neighbouring pair each layer; its gates commute
    (for CZ) and are emitted as even bonds then odd bonds, which keeps the
    reverse lightcone of local observables narrow. The brick pattern entangles
    the even bonds in even layers and the odd bonds in odd layers, with
    rotations on every qubit (also those without a partner); the block form
    of Cerezo et al. that the local perceptrons of Sharma et al. (Fig. 3b) map
    onto exactly is :func:`alternating_layered`.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    layers : int
        Number of layers, ``>= 0``.
    rotations : tuple of str, optional
        Pauli letters (``"X"``, ``"Y"``, ``"Z"``) of the rotations per qubit per
        layer, applied in this order (default ``("Y", "Z")``).
    entangler : {"cz", "cnot"}, optional
        The entangling gate (default ``"cz"``).
    pattern : {"ladder", "brick"}, optional
        Which bonds each layer entangles (default ``"ladder"``).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the angles (see ``tnbp._checks.as_rng``).

    Returns
    -------
    Circuit
        ``layers * n * len(rotations)`` trainable rotations, angles uniform in
        ``[0, 2 pi)``, and fixed entangling gates. Parameters run layer by
        layer, qubit by qubit, letter by letter: rotation ``r`` of qubit ``q``
        in layer ``l`` is parameter ``(l * n + q) * len(rotations) + r`` (the
        default ``RY`` of qubit ``q`` in layer ``l``: ``2 * (l * n + q)``).

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, or ``seed`` has an invalid
        type.
    ValueError
        If ``n < 1``, ``layers < 0``, ``entangler``, ``pattern`` or a letter of
        ``rotations`` is not one of the choices, or ``seed`` is negative.

    References
    ----------
    .. [1] A. Kandala et al., "Hardware-efficient variational quantum
       eigensolver for small molecules and quantum magnets", Nature 549, 242
       (2017), arXiv:1704.05018.
    .. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
       function dependent barren plateaus in shallow parametrized quantum
       circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (the layered
       ansatz).
    .. [3] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       Fig. 3b (local perceptrons mapped onto the layered ansatz).
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


def randomized_hardware_efficient(n: int, layers: int, *, seed=None) -> Circuit:
    r"""The randomized hardware-efficient ansatz of McClean et al. (random Pauli axes).

    A fixed :math:`R_Y(\pi/4)` on every qubit, then ``layers`` layers of a
    trainable rotation :math:`R_{P}(\theta) = e^{-i\theta P/2}` on every qubit,
    its axis :math:`P` drawn uniformly from :math:`\{X, Y, Z\}` and its angle
    uniformly from :math:`[0, 2\pi)`, followed by a CZ on every neighbouring pair
    (even bonds, then odd bonds; they commute)::

        -RY(pi/4)-R_P-o--------R_P-o-----
                      |            |
        -RY(pi/4)-R_P-o-o------R_P-o-o---
                        |            |
        -RY(pi/4)-R_P-o-o------R_P-o-o---
                      |            |
        -RY(pi/4)-R_P-o--------R_P-o-----
                     layer 0      layer 1

    This is the circuit of the numerical experiments of the barren-plateau
    paper [1]_, which the QNTK papers [2]_ [3]_ call the randomized
    hardware-efficient ansatz and train (paper 003's Figs. 2-4). Deep
    enough, it approximates a 2-design: at ``n = 2``, 32 layers, the mean
    QNTK of :math:`O = Z_0 Z_1` over random draws is within 3 standard
    errors of eq. 22 of [2]_ (27.5 +- 0.6 against 27.3 over 200 draws, the
    paper's convention; ``tests/models/test_ansatz.py``). Each gate draws
    its axis, then its angle, from ``seed``.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    layers : int
        Number of layers, ``>= 0``; the circuit has ``L = n * layers``
        trainable angles.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the axes and angles (see ``tnbp._checks.as_rng``).

    Returns
    -------
    Circuit
        ``n`` fixed ``RY(pi/4)``, then per layer ``n`` trainable rotations
        (labels ``RX``, ``RY``, ``RZ``) and ``n - 1`` CZ gates.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, or ``seed`` has an invalid
        type.
    ValueError
        If ``n < 1``, ``layers < 0`` or ``seed`` is negative.

    References
    ----------
    .. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
       "Barren plateaus in quantum neural network training landscapes", Nat.
       Commun. 9, 4812 (2018), arXiv:1803.11173.
    .. [2] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313, Figs. 2-4 and eq. 22.
    .. [3] J. Liu, K. Najafi, K. Sharma, F. Tacchino, L. Jiang and A.
       Mezzacapo, "Analytic theory for the dynamics of wide quantum neural
       networks", Phys. Rev. Lett. 130, 150601 (2023), arXiv:2203.16711.
    """
    n = check_int(n, "n", minimum=1)
    layers = check_int(layers, "layers", minimum=0)
    rng = as_rng(seed)
    circ = Circuit(n)
    for q in range(n):
        circ.ry(np.pi / 4, q, trainable=False)
    for _ in range(layers):
        for q in range(n):
            axis = "XYZ"[rng.integers(3)]
            circ.pauli_rotation(rng.uniform(0, TWO_PI), axis, q)
        for parity in (0, 1):
            for i in _bonds(n, parity):
                circ.cz(i, i + 1)
    return circ


def toy_perceptron(n: int, *, seed=None) -> Circuit:
    r"""The shallow dissipative perceptron QNN of arXiv:2005.12458, Fig. 3a.

    With one input and one output qubit per perceptron, each perceptron a SWAP
    followed by :math:`R_Y(\theta)`, the network reduces to
    :math:`\bigotimes_j R_Y(\theta_j)` on :math:`|0\cdots0\rangle` (the toy model
    of Cerezo et al., arXiv:2001.00550), with angles uniform in :math:`[0, 2\pi)`::

        |0> -RY(theta_0)-
        |0> -RY(theta_1)-
         ...
        |0> -RY(theta_{n-1})-

    Its cost gradients have variances :math:`\frac18(\frac38)^{n-1}` (global
    cost) and :math:`1/(8n^2)` (local cost); see :mod:`tnbp.theory`.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the angles (see ``tnbp._checks.as_rng``).

    Returns
    -------
    Circuit
        ``n`` trainable ``RY`` rotations, one per qubit.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``seed`` has an invalid type.
    ValueError
        If ``n < 1`` or ``seed`` is negative.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, Fig. 3a (the variances above are
       quoted below it, for the costs of its eqs. 3 and 4).
    .. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, Nat.
       Commun. 12, 1791 (2021), arXiv:2001.00550 (the toy model).
    """
    n = check_int(n, "n", minimum=1)
    rng = as_rng(seed)
    circ = Circuit(n)
    for q in range(n):
        circ.ry(rng.uniform(0, TWO_PI), q)
    return circ


def append_design_block(
    circuit: Circuit, i: int, j: int, rng, *, design: str = "haar"
) -> None:
    r"""Append a block :math:`W = (R_Y(\theta_1) \otimes R_Y(\theta_2))\, U` on ``(i, j)``.

    :math:`U` is a fixed (non-trainable) Haar-random two-qubit unitary and
    the two :math:`R_Y` angles are trainable, uniform in :math:`[0, 2\pi)`: the
    form :math:`\prod_k R_k(\theta_k) W_k` of eq. (5) of arXiv:2005.12458 with
    :math:`\Gamma_k = Y`. By the invariance of the Haar measure,
    :math:`W` is Haar distributed over draws of :math:`U` at *every* value of
    the angles, so the block is an exact local unitary 2-design (the
    assumption of Cerezo et al. and of Fig. 3b of arXiv:2005.12458)::

        i -[   ]-RY(theta_1)-
           [ U ]
        j -[   ]-RY(theta_2)-

    With ``design="clifford"``, :math:`U` is a uniformly random two-qubit
    Clifford gate instead (:mod:`tnbp.models.clifford`), also an exact
    2-design: every second moment over the blocks (gradient variances) is
    the same as for Haar :math:`U`, and the fixed gates map Pauli strings to
    Pauli strings, so :func:`tnbp.exact_gradient_variance` stays cheap.

    Parameters
    ----------
    circuit : Circuit
        The circuit to append to (modified in place).
    i, j : int
        Two distinct qubits of ``circuit``; ``i`` is the first factor of
        :math:`U`.
    rng : numpy.random.Generator
        Randomness of :math:`U` (drawn first) and of the two angles.
    design : {"haar", "clifford"}, optional
        The distribution of :math:`U` (default ``"haar"``); the gate is
        labelled ``"HAAR"`` or ``"CLIFFORD"``.

    Raises
    ------
    TypeError
        If ``i`` or ``j`` is not an integer.
    ValueError
        If ``i`` or ``j`` is out of range, ``i == j``, or ``design`` is not
        one of the options.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (5) and Fig. 3b.
    .. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
       function dependent barren plateaus in shallow parametrized quantum
       circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (blocks that
       form local 2-designs).
    """
    check_opt("design", design, DESIGNS)
    if design == "clifford":
        circuit.apply(random_two_qubit_clifford(rng), i, j, label="CLIFFORD")
    else:
        from scipy.stats import unitary_group  # scipy.stats is slow to import

        circuit.apply(unitary_group.rvs(4, random_state=rng), i, j, label="HAAR")
    circuit.ry(rng.uniform(0, TWO_PI), i)
    circuit.ry(rng.uniform(0, TWO_PI), j)


def alternating_layered(
    n: int, layers: int, *, seed=None, design: str = "haar"
) -> Circuit:
    """The alternating layered (hardware-efficient) ansatz of Cerezo et al., two-qubit blocks.

    Each layer applies two-qubit blocks :math:`W` (:func:`append_design_block`:
    a Haar-random fixed gate and two trainable ``RY``) on the pairs
    ``(0, 1), (2, 3), ...``, then on ``(1, 2), (3, 4), ...``; qubits without a
    partner in a half-layer idle (no single-qubit gate), as in the paper's
    figure::

        q0 -[W]-------[W]-----
             |         |
        q1 -[W]-[W]---[W]-[W]-
                 |         |
        q2 -[W]-[W]---[W]-[W]-
             |         |
        q3 -[W]-------[W]-----
            layer 0    layer 1

    Two layers of the dissipative perceptron network of arXiv:2005.12458,
    Fig. 3b (:class:`tnbp.DQNN` with ``perceptron="local"``) are one layer of
    this ansatz: the two draw their blocks in the same order, so equal seeds
    give the same gates.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    layers : int
        Number of layers (each two half-layers of blocks), ``>= 0``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the blocks (see ``tnbp._checks.as_rng``).
    design : {"haar", "clifford"}, optional
        The fixed gates of the blocks (:func:`append_design_block`): Haar
        (default; the mapping to the DQNN is gate for gate) or random
        Clifford (the same gradient variances over the ensemble).

    Returns
    -------
    Circuit
        ``layers * (n - 1)`` blocks, each one fixed ``"HAAR"`` (or
        ``"CLIFFORD"``) gate and two trainable ``RY`` rotations.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, or ``seed`` has an invalid
        type.
    ValueError
        If ``n < 2``, ``layers < 0``, ``seed`` is negative or ``design`` is not
        one of the options.

    References
    ----------
    .. [1] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
       function dependent barren plateaus in shallow parametrized quantum
       circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (the
       alternating layered ansatz).
    .. [2] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, Fig. 3b (the mapping).
    """
    n = check_int(n, "n", minimum=2)
    layers = check_int(layers, "layers", minimum=0)
    check_opt("design", design, DESIGNS)
    rng = as_rng(seed)
    circ = Circuit(n)
    for _ in range(layers):
        for parity in (0, 1):
            for i in _bonds(n, parity):
                append_design_block(circ, i, i + 1, rng, design=design)
    return circ


@deprecated_alias(depth="layers")
def haar_brickwork(n: int, layers: int, *, seed=None) -> Circuit:
    """Brickwork of Haar-random two-qubit gates (the 2-design model).

    Layer ``d`` acts on the pairs ``(i, i+1)`` with ``i = d mod 2, d mod 2 + 2,
    ...``; every gate is drawn independently from the Haar measure on
    :math:`U(4)`::

        q0 -[U]-----[U]-----
             |       |
        q1 -[U]-[U]-[U]-[U]-
                 |       |
        q2 -[U]-[U]-[U]-[U]-
             |       |
        q3 -[U]-----[U]-----
           d=0  d=1 d=2 d=3

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    layers : int
        Number of brick layers, ``>= 0`` (``depth=`` is a deprecated alias).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the gates.

    Returns
    -------
    Circuit
        Fixed (non-trainable) gates labelled ``"HAAR"``.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, ``seed`` has an invalid type,
        or both ``layers`` and its alias ``depth`` are given.
    ValueError
        If ``n < 2``, ``layers < 0`` or ``seed`` is negative.

    Warns
    -----
    DeprecationWarning
        When ``depth=`` is used.
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
    (or only ``j = i + 1``) and all nine ``(a, b)``, pairs in lexicographic
    order.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    nearest_neighbour : bool, optional
        Offsite terms on neighbouring pairs ``(i, i + 1)`` only (default: all
        pairs).

    Returns
    -------
    list of (str, tuple of int)
        ``(pauli, qubits)`` pairs: ``3 n`` onsite terms, then 9 per pair
        (``9 n (n - 1) / 2`` for all pairs, ``9 (n - 1)`` for neighbours).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       eq. (C1).

    Examples
    --------
    >>> terms = two_local_terms(2)
    >>> len(terms), terms[:4], terms[-1]
    (15, [('X', (0,)), ('Y', (0,)), ('Z', (0,)), ('X', (1,))], ('ZZ', (0, 1)))
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
    parameters are :math:`\phi_k = 2\theta_k \in [0, 2)`. For ``n = 3``, one
    layer (each box a rotation :math:`e^{-i\theta_k H_k}`; two-qubit boxes
    joined by ``|``)::

        q0 -[X][Y][Z]-------------------[XX]..[ZZ]-[XX]..[ZZ]-------------
                                          |     |    |     |
        q1 ----------[X][Y][Z]----------[XX]..[ZZ]-|-----|---[XX]..[ZZ]---
                                                     |     |   |     |
        q2 -------------------[X][Y][Z]------------[XX]..[ZZ]-[XX]..[ZZ]---
                    onsite terms             pair (0,1)  (0,2)     (1,2)

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    nearest_neighbour : bool, optional
        Offsite terms on neighbouring pairs only (default: all pairs).
    layers : int, optional
        How many times the whole term list is applied, ``>= 1``
        (``repetitions=`` is a deprecated alias).
    shuffle : bool, optional
        Apply the terms of each layer in a random order (default: onsite
        terms, then pairs in lexicographic order).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the angles (and of the order, with ``shuffle``).

    Returns
    -------
    Circuit
        ``layers * len(two_local_terms(n))`` trainable rotations.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, ``seed`` has an invalid type,
        or both ``layers`` and its alias ``repetitions`` are given.
    ValueError
        If ``n < 1``, ``layers < 1`` or ``seed`` is negative.

    Warns
    -----
    DeprecationWarning
        When ``repetitions=`` is used.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968, eq. (1)
       (the ansatz), eq. (C1) (the generators) and Fig. 4b (the angles).
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
    Layer ``d`` pairs the bonds ``(i, i+1)`` with ``i = d mod 2, d mod 2 + 2,
    ...``::

        q0 -RZ-[XX][YY]--RZ------------
                |   |
        q1 -RZ-[XX][YY]--RZ-[XX][YY]---
                             |   |
        q2 -RZ-[XX][YY]--RZ-[XX][YY]---
                |   |
        q3 -RZ-[XX][YY]--RZ------------
              layer 0       layer 1

    The ``XX`` and ``YY`` rotations of a gate carry equal but separate parameters;
    the derivative with respect to the shared angle is the sum of the two entries.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 2``.
    layers : int
        Number of layers, ``>= 0`` (``depth=`` is a deprecated alias).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the angles (see ``tnbp._checks.as_rng``).

    Returns
    -------
    Circuit
        Trainable rotations, per layer ``n`` ``RZ`` then an ``XX`` and a ``YY``
        of equal angle per brick, all angles uniform in ``[0, 2 pi)``.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, ``seed`` has an invalid type,
        or both ``layers`` and its alias ``depth`` are given.
    ValueError
        If ``n < 2``, ``layers < 0`` or ``seed`` is negative.

    Warns
    -----
    DeprecationWarning
        When ``depth=`` is used.
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


def design_rotations(
    n: int, layers: int, *, local_haar: bool = True, pauli: str = "Z", seed=None
) -> Circuit:
    r"""Eq. 15 of Liu, Lin and Jiang with every :math:`W_\ell` an exact unitary 2-design.

    ``layers`` :math:`= L` trainable rotations
    :math:`e^{-i\theta_\ell P_0/2}` of one Pauli on qubit 0, each between
    two independent random blocks :math:`W` on all ``n`` qubits::

        q0 -[    ]-R(theta_1)-[    ]-R(theta_2)-  ...  -R(theta_L)-[    ]-
        q1 -[ W0 ]------------[ W1 ]------------  ...  ------------[ WL ]-
        q2 -[    ]------------[    ]------------  ...  ------------[    ]-

    Each block is a uniformly random Clifford unitary :math:`C` followed
    (``local_haar=True``, default) by Haar-random single-qubit unitaries,
    :math:`W = (u_0 \otimes \cdots \otimes u_{n-1})\,C`
    (:func:`tnbp.models.clifford.append_random_clifford`). This is the form
    :math:`U = \prod_\ell W_\ell e^{i\theta_\ell X_\ell}` of eq. 15 of
    [1]_ (the paper's rotations; here :math:`e^{-i\theta P/2}`) with blocks
    that are exact 2-designs. For every :math:`\ell` the circuit before the
    rotation contains :math:`W_0` and the one after it :math:`W_L`; whatever
    the other gates, the invariance of the design average then makes
    :math:`V_{+,\ell}` and :math:`V_{-,\ell}` (eq. 21) 2-designs in the
    sense eq. 22 needs, so the mean QNTK over this ensemble *is* eq. 22's
    exact finite-:math:`N` form (:func:`tnbp.theory.qntk_mean`) at every
    ``n`` and ``layers``.

    The spread :math:`\Delta K` (eq. 23) is a fourth moment, and the
    Clifford group is not a 4-design: with bare Clifford blocks
    (``local_haar=False``) states between blocks are near stabilizer states
    and :math:`\Delta K` is about twice eq. 23 at ``n = 4``, ``layers = 8``
    (random-angle rotations make it Haar-like only after tens of layers).
    The single-qubit unitaries cost no gates (they are fused into the
    Clifford's) and bring :math:`\Delta K` to the Haar-block value. Eq. 23
    also assumes the :math:`V`'s of different rotations independent, which
    they are not (they share blocks; see :mod:`tnbp.ensembles.qntk`). A
    rotation between random blocks is one about a random Pauli string, so
    ``pauli`` is immaterial to the ensemble; the angles are uniform in
    :math:`[0, 2\pi)`.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    layers : int
        :math:`L`, the number of trainable rotations, ``>= 1``.
    local_haar : bool, optional
        Follow each Clifford by Haar-random single-qubit unitaries (default
        True); False gives Clifford blocks (the same mean QNTK, a larger
        spread at small ``layers``).
    pauli : {"X", "Y", "Z"}, optional
        The Pauli of the rotations (default ``"Z"``), on qubit 0.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the blocks and the angles (see
        ``tnbp._checks.as_rng``).

    Returns
    -------
    Circuit
        ``layers`` trainable rotations and ``layers + 1`` blocks of fixed
        gates labelled ``"CLIFFORD_U"`` (``"CLIFFORD"`` without
        ``local_haar``); 7.8 two-qubit gates per block on average at
        ``n = 4``.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer, ``local_haar`` is not a
        bool, or ``seed`` has an invalid type.
    ValueError
        If ``n < 1``, ``layers < 1``, ``pauli`` is not one of the options or
        ``seed`` is negative.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 15, 21, 22, 23).
    .. [2] E. van den Berg, "A simple method for sampling random Clifford
       operators", arXiv:2008.06011 (2021).
    .. [3] Z. Webb, "The Clifford group forms a unitary 3-design",
       arXiv:1510.02769 (2016).

    Examples
    --------
    >>> from tnbp import ansatz
    >>> ansatz.design_rotations(3, 8, seed=0).num_parameters
    8
    """
    n = check_int(n, "n", minimum=1)
    layers = check_int(layers, "layers", minimum=1)
    if not isinstance(local_haar, (bool, np.bool_)):
        raise TypeError(f"`local_haar` must be a bool, got {local_haar!r}.")
    check_opt("pauli", pauli, {"X", "Y", "Z"})
    rng = as_rng(seed)
    circ = Circuit(n)
    everything = tuple(range(n))
    append_random_clifford(circ, everything, rng, local_haar=local_haar)
    for _ in range(layers):
        circ.pauli_rotation(rng.uniform(0, TWO_PI), pauli, 0)
        append_random_clifford(circ, everything, rng, local_haar=local_haar)
    return circ


#: the nearest-neighbour families with a depth that :func:`layered_circuit` builds
LAYERED_FAMILIES = ("hardware_efficient", "haar_brickwork", "unitary_qnn")


def layered_circuit(family: str, n: int, layers: int, *, seed=None) -> Circuit:
    r"""A nearest-neighbour circuit of a named family at a given depth.

    The families whose entanglement grows with depth from a product state,
    one brick (or staircase) of two-qubit gates per layer on neighbouring
    qubits, so that a cut is crossed by at most one gate per layer and a
    depth-``layers`` circuit gives an area law with a plateau of at most
    ``2 layers`` bits (arXiv:2010.15968, Sec. III and Fig. 2), while deep
    ones approach Page's volume law:

    ``"hardware_efficient"``
        :func:`hardware_efficient` with ``pattern="brick"`` (RY, RZ on every
        qubit, CZ on alternating bonds);
    ``"haar_brickwork"``
        :func:`haar_brickwork` (Haar-random two-qubit gates);
    ``"unitary_qnn"``
        :func:`unitary_qnn` with ``nearest_neighbour=True``: each layer applies
        the onsite rotations, then the nine two-qubit rotations of each
        neighbouring pair in turn, angles uniform in :math:`[0, 1)` as in the
        paper.

    Parameters
    ----------
    family : {"hardware_efficient", "haar_brickwork", "unitary_qnn"}
        The family (:data:`LAYERED_FAMILIES`).
    n : int
        Number of qubits (``>= 2``; ``>= 1`` for ``"unitary_qnn"``).
    layers : int
        Number of layers (``>= 1`` for ``"unitary_qnn"``, ``>= 0`` otherwise).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the gates, as the family's builder takes it.

    Returns
    -------
    Circuit
        The family's builder called with these arguments.

    Raises
    ------
    TypeError
        If ``n`` or ``layers`` is not an integer or ``seed`` has an invalid
        type.
    ValueError
        If ``family`` is not one of :data:`LAYERED_FAMILIES`, or ``n``,
        ``layers`` or ``seed`` is out of the family's range.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. III, Fig. 2 and Proposition 1 (area versus volume law).

    Examples
    --------
    >>> from tnbp import ansatz
    >>> ansatz.layered_circuit("haar_brickwork", 6, 2, seed=0).depth
    2
    """
    check_opt("family", family, LAYERED_FAMILIES)
    if family == "hardware_efficient":
        return hardware_efficient(n, layers, pattern="brick", seed=seed)
    if family == "haar_brickwork":
        return haar_brickwork(n, layers, seed=seed)
    return unitary_qnn(n, nearest_neighbour=True, layers=layers, seed=seed)
