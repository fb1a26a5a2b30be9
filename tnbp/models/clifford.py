r"""The Clifford group: an exact unitary 2-design with a classical twirl.

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

The two-qubit group is built once, by breadth-first search from the
generators :math:`H \otimes 1, 1 \otimes H, S \otimes 1, 1 \otimes S, CZ`,
each element stored with the phase that makes its first non-zero entry real
and positive (:func:`two_qubit_cliffords`).

On ``m`` qubits the group is far too large to list
(:math:`|\mathcal{C}_m/U(1)| = 4^m\,2^{m^2}\prod_{k=1}^m (4^k - 1)`:
:math:`9.3 \cdot 10^7` at :math:`m = 3`), so
:func:`append_random_clifford` draws a uniformly random element directly as
gates, by van den Berg's method [4]_: a uniform symplectic map (the Clifford
modulo Paulis) is a product of maps :math:`C_0 C_1 \cdots C_{m-1}`, where
:math:`C_j` acts on qubits :math:`j..m-1` and sends :math:`(X_j, Z_j)` to a
uniformly random anticommuting pair of Pauli strings there (found as the
inverse of a "sweep" of :math:`H`, :math:`S`, CNOT and SWAP gates that
reduces the pair to :math:`(X_j, Z_j)`); a uniformly random Pauli before it
makes the Clifford uniform, signs included. Each choice of pairs gives a
different map, and there are :math:`\prod_k (4^k - 1)\,4^k/2 = |Sp(2m, 2)|`
choices, so every Clifford is drawn with the same probability. The gates are
fused into one- and two-qubit unitaries (labelled ``"CLIFFORD"``) so that a
block costs a simulator a few gates per qubit.

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
.. [4] E. van den Berg, "A simple method for sampling random Clifford
   operators", IEEE Int. Conf. Quantum Computing and Engineering (QCE),
   p. 54 (2021), arXiv:2008.06011.
"""

from __future__ import annotations

import functools

import numpy as np

from .._checks import check_qubits
from .gates import CNOT, SWAP, H

__all__ = [
    "TWO_QUBIT_CLIFFORDS",
    "append_random_clifford",
    "random_two_qubit_clifford",
    "two_qubit_cliffords",
]

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


# --------------------------------------------------------------------------
# Uniformly random Cliffords on any number of qubits (van den Berg's method)
#
# A Pauli string on m qubits is held modulo its phase as bit vectors (x, z):
# the string is prod_q X_q^x_q Z_q^z_q. Conjugation U P U^dag by the gates of
# a sweep acts on the bits as below (signs are dropped: the random Pauli in
# front of every Clifford makes them uniform).

_S = np.diag([1, 1j])
_SDG = np.diag([1, -1j])
_PAULI_LAYER = {
    (0, 0): np.eye(2, dtype=complex),
    (1, 0): np.array([[0, 1], [1, 0]], dtype=complex),
    (0, 1): np.diag([1.0, -1.0]).astype(complex),
    (1, 1): np.array([[0, 1], [-1, 0]], dtype=complex),  # X Z
}
#: the matrix of each sweep gate and of its inverse
_INVERSE = {"h": H, "s": _SDG, "cnot": CNOT, "swap": SWAP}


def _conjugate(op: str, qubits: tuple[int, ...], x: np.ndarray, z: np.ndarray) -> None:
    """Bits of ``U P U^dag`` for one sweep gate ``U``, in place (phase dropped)."""
    if op == "h":
        (a,) = qubits
        x[a], z[a] = z[a], x[a]
    elif op == "s":  # X -> Y, Y -> X, Z -> Z
        (a,) = qubits
        z[a] ^= x[a]
    elif op == "cnot":  # X_c -> X_c X_t, Z_t -> Z_c Z_t
        c, t = qubits
        x[t] ^= x[c]
        z[c] ^= z[t]
    else:  # swap
        a, b = qubits
        x[a], x[b] = x[b], x[a]
        z[a], z[b] = z[b], z[a]


def _sweep(p, q, j: int) -> list[tuple[str, tuple[int, ...]]]:
    """Gates ``D`` (time order) on qubits ``j..`` with ``D P D^dag = X_j``, ``D Q D^dag = Z_j``.

    ``p`` and ``q`` are ``(x, z)`` bit pairs of anticommuting strings that act
    only on qubits ``j`` and above (copied, not modified); signs are dropped.
    """
    (xp, zp), (xq, zq) = (
        (np.array(v, dtype=np.uint8) for v in p),
        (np.array(v, dtype=np.uint8) for v in q),
    )
    gates: list[tuple[str, tuple[int, ...]]] = []

    def emit(op, *qubits):
        gates.append((op, qubits))
        _conjugate(op, qubits, xp, zp)
        _conjugate(op, qubits, xq, zq)

    m = len(xp)
    for k in range(j, m):  # P to X-type: Z -> X by H, Y -> X by S
        if zp[k]:
            emit("s" if xp[k] else "h", k)
    support = [k for k in range(j, m) if xp[k]]
    for k in support[1:]:  # X_a X_k -> X_a
        emit("cnot", support[0], k)
    if support[0] != j:
        emit("swap", j, support[0])
    for k in range(j + 1, m):  # Q's other factors to Z-type, keeping P = X_j
        if xq[k]:
            if zq[k]:
                emit("s", k)
            emit("h", k)
    for k in range(j + 1, m):  # Z_k Q_j -> Q_j (CNOT k -> j keeps X_j)
        if zq[k]:
            emit("cnot", k, j)
    if xq[j]:  # Y_j -> Z_j by H S H, which keeps X_j
        emit("h", j)
        emit("s", j)
        emit("h", j)
    return gates


def _random_pair(m: int, j: int, rng: np.random.Generator):
    """A uniformly random anticommuting pair of strings on qubits ``j..m-1``.

    ``P`` uniform among the :math:`4^{m-j} - 1` non-identity strings, ``Q``
    uniform among the :math:`4^{m-j}/2` strings that anticommute with it
    (rejection: half of all strings do).
    """
    k = m - j
    while True:
        bits = rng.integers(0, 2, size=2 * k, dtype=np.uint8)
        if bits.any():
            break
    while True:
        other = rng.integers(0, 2, size=2 * k, dtype=np.uint8)
        if (bits[:k] @ other[k:] + bits[k:] @ other[:k]) % 2:
            break
    pad = np.zeros(j, dtype=np.uint8)
    p = (np.concatenate([pad, bits[:k]]), np.concatenate([pad, bits[k:]]))
    q = (np.concatenate([pad, other[:k]]), np.concatenate([pad, other[k:]]))
    return p, q


def _clifford_gates(pairs, pauli, after=()) -> list[tuple[np.ndarray, tuple[int, ...]]]:
    r"""The Clifford of the given pairs and Pauli as (matrix, local qubits), time order.

    ``pairs[j]`` is the ``(P_j, Q_j)`` of :math:`C_j`; ``pauli`` is an ``(m, 2)``
    array of the ``(x, z)`` bits of the Pauli applied first. The unitary is
    :math:`A \cdot C_0 C_1 \cdots C_{m-1} \cdot \mathrm{Pauli}`, with
    :math:`A` the single-qubit gates ``after[k]`` on qubit ``k`` (none by
    default).
    """
    ops = [
        (_PAULI_LAYER[tuple(int(b) for b in bits)], (q,))
        for q, bits in enumerate(pauli)
    ]
    for j in reversed(range(len(pairs))):  # C_{m-1} acts first
        for op, qubits in reversed(_sweep(*pairs[j], j)):  # C_j = D_j^dag
            ops.append((_INVERSE[op], qubits))
    ops += [(u, (k,)) for k, u in enumerate(after)]
    return _fuse(ops)


def _fuse(ops):
    """Merge runs of one- and two-qubit gates into as few unitaries as possible.

    Single-qubit gates wait on their qubit until a two-qubit gate takes them
    in (those left at the end join the last gate on their qubit);
    consecutive two-qubit gates on the same pair become one.
    """
    pending: dict[int, np.ndarray] = {}
    out: list[list] = []  # [matrix, qubits]
    last: dict[int, int] = {}  # qubit -> index in out of the last gate on it
    for matrix, qubits in ops:
        if len(qubits) == 1:
            (a,) = qubits
            pending[a] = matrix @ pending.get(a, np.eye(2, dtype=complex))
            continue
        a, b = qubits
        ua = pending.pop(a, np.eye(2, dtype=complex))
        ub = pending.pop(b, np.eye(2, dtype=complex))
        gate = matrix @ np.kron(ua, ub)
        i = last.get(a)
        if i is not None and i == last.get(b) and set(out[i][1]) == {a, b}:
            prev, pq = out[i]
            if pq != (a, b):  # the earlier gate written on (a, b)
                prev = SWAP @ prev @ SWAP
            out[i][0], out[i][1] = gate @ prev, (a, b)
        else:
            out.append([gate, (a, b)])
            last[a] = last[b] = len(out) - 1
    for a, u in sorted(pending.items()):  # into the last gate on the qubit, if any
        if a not in last:
            out.append([u, (a,)])
            continue
        gate, (x, _) = out[last[a]]
        eye = np.eye(2, dtype=complex)
        out[last[a]][0] = (np.kron(u, eye) if a == x else np.kron(eye, u)) @ gate
    return [(u, qubits) for u, qubits in out]


def append_random_clifford(
    circuit, qubits, rng: np.random.Generator, *, local_haar: bool = False
) -> None:
    r"""Append a uniformly random Clifford unitary on ``qubits`` to ``circuit``.

    Drawn by van den Berg's method (see :mod:`tnbp.models.clifford`), exactly
    uniform over the Clifford group of ``m = len(qubits)`` qubits modulo a
    global phase, and compiled into fixed one- and two-qubit gates labelled
    ``"CLIFFORD"``: at most :math:`m^2` two-qubit gates before fusion, and
    after it 3.6 on average at :math:`m = 3`, 7.8 at :math:`m = 4`, 21 at
    :math:`m = 6`, and a single-qubit gate on a qubit no two-qubit gate
    touches (every qubit at :math:`m = 1`). The group
    is a unitary 3-design, so any average of degree at most three in
    :math:`U` and in :math:`U^*` is the Haar average on :math:`U(2^m)`. A
    two-qubit gate may join qubits that are not neighbours in ``qubits``.

    With ``local_haar=True`` the Clifford :math:`C` is followed by
    independent Haar-random single-qubit unitaries,
    :math:`(u_0 \otimes \cdots \otimes u_{m-1})\,C`, fused into its last
    gates (no extra gates; labelled ``"CLIFFORD_U"``). By the invariance of
    the Clifford average this is still an exact 2-design (and 3-design); it
    is no longer a group, and its fourth moments, where the Clifford group
    differs from Haar (it is not a 4-design), come much closer to Haar's (in
    the spread of the QNTK: :mod:`tnbp.ensembles.qntk`).

    Parameters
    ----------
    circuit : Circuit
        The circuit to append to (modified in place).
    qubits : int or sequence of int
        Distinct qubits of ``circuit``; the Clifford's local qubit ``k`` is
        ``qubits[k]``.
    rng : numpy.random.Generator
        Source of the random bits (about :math:`4m^2` of them), then of the
        single-qubit unitaries.
    local_haar : bool, optional
        Follow the Clifford by Haar-random single-qubit unitaries (default
        False).

    Raises
    ------
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator`, or ``qubits`` is
        not an integer or a sequence of integers.
    ValueError
        If ``qubits`` is empty, repeats a qubit or has one outside the
        circuit.

    References
    ----------
    .. [1] E. van den Berg, "A simple method for sampling random Clifford
       operators", arXiv:2008.06011 (2021).
    .. [2] Z. Webb, "The Clifford group forms a unitary 3-design",
       arXiv:1510.02769 (2016).

    Examples
    --------
    >>> import numpy as np, tnbp
    >>> from tnbp.models.clifford import append_random_clifford
    >>> c = tnbp.Circuit(3)
    >>> append_random_clifford(c, (0, 1, 2), np.random.default_rng(1))
    >>> {g.label for g in c.gates}, c.num_parameters
    ({'CLIFFORD'}, 0)
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"`rng` must be a numpy.random.Generator, got {type(rng).__name__}."
        )
    qubits = check_qubits(qubits, circuit.n)
    m = len(qubits)
    pauli = rng.integers(0, 2, size=(m, 2))
    pairs = [_random_pair(m, j, rng) for j in range(m)]
    after, label = (), "CLIFFORD_U" if local_haar else "CLIFFORD"
    if local_haar:
        from scipy.stats import unitary_group  # scipy.stats is slow to import

        after = [unitary_group.rvs(2, random_state=rng) for _ in range(m)]
    for matrix, local in _clifford_gates(pairs, pauli, after):
        circuit.apply(matrix, *(qubits[k] for k in local), label=label)
