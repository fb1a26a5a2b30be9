r"""Exact gradient variances of Pauli-rotation + Clifford circuits: a Pauli-transfer chain.

For circuits whose trainable gates are Pauli rotations
:math:`R_P(\theta) = e^{-i\theta P/2}` with i.i.d. uniform angles and whose
fixed gates are Clifford (the hardware-efficient family: RX/RY/RZ and Pauli
rotations with CZ, CNOT, SWAP, H, S), and for a Pauli-sum observable
:math:`O = \sum_a c_a \sigma_a`, the second moment
:math:`\mathrm{Var}[\partial_k C] = \mathbb E[(\partial_k C)^2]` of
:mod:`tnbp.gradients.moments` is a classical Markov chain on Pauli strings,
held as an MPS with one 4-dimensional site per qubit (the weights of
:math:`I, X, Y, Z`) instead of the 16-dimensional doubled state.

**Diagonal sector.** In the Heisenberg picture :math:`O\otimes O` evolves as
:math:`\mathbb E[U^\dagger O U \otimes U^\dagger O U]`. A rotation maps a
Pauli string :math:`\sigma` that commutes with :math:`P` to itself and one that
anticommutes to :math:`R^\dagger\sigma R = \cos\theta\,\sigma + \sin\theta\,
\sigma'` with :math:`\sigma' = iP\sigma` (a Hermitian Pauli string up to a
sign), so the angle average of the doubled map is

.. math::

    \sigma\otimes\sigma \mapsto \sigma\otimes\sigma \quad([\sigma, P] = 0),
    \qquad
    \sigma\otimes\sigma \mapsto \tfrac12(\sigma\otimes\sigma +
    \sigma'\otimes\sigma') \quad(\{\sigma, P\} = 0),

(the cross terms carry :math:`\mathbb E[\cos\theta\sin\theta] = 0`; the sign
of :math:`\sigma'` squares away). The derivative
:math:`\partial_\theta R^\dagger\sigma R = -\sin\theta\,\sigma +
\cos\theta\,\sigma'` gives the same :math:`\tfrac12`-mixing for anticommuting
strings and 0 for commuting ones. A Clifford gate maps :math:`\sigma` to
:math:`\pm\pi(\sigma)`, a permutation (the sign squares away). So
:math:`\sum_\sigma w(\sigma)\,\sigma\otimes\sigma` stays in this span, and
every gate is a linear map of the weights :math:`w(\sigma)`: doubly stochastic
for a rotation (hence a 2-norm contraction), a permutation for a Clifford,
:math:`4^m \times 4^m` on the gate's ``m`` qubits.

**Pairing.** With :math:`\rho_0 = |b\rangle\langle b|`,
:math:`\mathrm{Tr}[(\sigma\otimes\sigma)(\rho_0\otimes\rho_0)] =
\mathrm{Tr}[\sigma\rho_0]^2 = [\sigma \in \{I, Z\}^n]`, so

.. math::

    \mathrm{Var}[\partial_k C] = u_k^{\mathsf T} D_k\, h_k, \qquad
    u_k = M_{k-1}^{\mathsf T}\cdots M_1^{\mathsf T} u_0, \quad
    h_k = M_{k+1}\cdots M_G\, v,

with :math:`u_0 = (1, 0, 0, 1)^{\otimes n}` (the diagonal-sector part of
:math:`\rho_0\otimes\rho_0` in the basis of Pauli strings, each
:math:`\sigma\otimes\sigma` with unit weight), :math:`v(\sigma_a) = c_a^2`
plus the cross terms below, :math:`M_j` the Heisenberg map of gate ``j`` and
:math:`D_k` the derivative map. One forward sweep and one Heisenberg sweep give
every parameter, as in :mod:`tnbp.gradients.moments`. All weights are real;
without surviving cross terms both vectors are non-negative.

**Cross sectors.** :math:`O\otimes O` also holds
:math:`\sigma_a\otimes\sigma_b`, :math:`a \ne b`. Write it as
:math:`\sigma\otimes\sigma\tau` with :math:`\tau = \sigma_a\sigma_b` (a Pauli
string times a phase). If :math:`\sigma_a` and :math:`\sigma_b` anticommute,
:math:`\sigma\tau` is anti-Hermitian for every :math:`\sigma` the chain
reaches (commutation with :math:`\tau` is preserved by every map below), the
pairing needs :math:`\sigma` and :math:`\sigma\tau` in :math:`\{I, Z\}^n`,
which commute, so the pair contributes nothing. For commuting pairs
:math:`\tau = \pm|\tau|` and:

- a Clifford gate maps :math:`\sigma\otimes\sigma\tau` to
  :math:`\pi(\sigma)\otimes\pi(\sigma)\,C^\dagger\tau C`: the weights move by
  the same permutation, and :math:`\tau` is conjugated deterministically,
  :math:`C^\dagger|\tau|C = t\,|\pi(\tau)|` with a sign :math:`t = \pm1` that
  depends on :math:`\tau` only;
- a rotation (or derivative) whose generator anticommutes with :math:`\tau`
  kills the sector (exactly one of :math:`\sigma, \sigma\tau` anticommutes
  with :math:`P`, and :math:`\mathbb E[\cos\theta\sin\theta] =
  \mathbb E[\cos\theta] = 0`); one that commutes acts on :math:`\sigma` by the
  diagonal map (:math:`(iP\sigma)\tau = iP(\sigma\tau)`);
- the pairing at the start is :math:`\mathrm{Tr}[\sigma\rho_0]
  \mathrm{Tr}[\sigma\tau\rho_0] = s\,(-1)^{t\cdot b}\,[\sigma\in\{I,Z\}^n]`
  when :math:`\tau = s\,Z^t` there, and 0 for every :math:`\sigma` otherwise.

So a surviving sector evolves by exactly the diagonal chain, up to one sign
:math:`\epsilon_\tau` fixed by the symbolic history of :math:`\tau`. The
engine tracks every distinct :math:`\tau` symbolically (bit arrays, cheap),
drops the sectors that die anywhere (a sector that dies kills the pair for
every parameter, since every parameter's chain passes every gate) and folds
the survivors into the start vector,
:math:`v(\sigma_a) = c_a^2 + \sum_{b \ne a} c_a c_b\,\epsilon_{\tau_{ab}}`:
still one Heisenberg sweep. Typically all cross sectors die at the first
rotation layer, e.g. :math:`Z_iZ_j` at an ``RY``.

**Haar gates.** With ``haar="average"`` every fixed gate labelled ``"HAAR"``
is averaged over the Haar measure on :math:`U(2^m)` (``m = 1, 2``). For Pauli
strings :math:`A \ne B` on its qubits :math:`\mathbb E[U^\dagger AU \otimes
U^\dagger BU] = 0` (the average is :math:`\alpha I + \beta\,\mathrm{SWAP}`,
fixed by :math:`\mathrm{Tr}\,A\,\mathrm{Tr}\,B = 0` and :math:`\mathrm{Tr}\,AB
= 0`), so a cross sector with :math:`\tau` non-trivial there dies, and for
:math:`A \ne I`,
:math:`\mathbb E[U^\dagger AU\otimes U^\dagger AU] = \sum_{B\ne I}
B\otimes B/(4^m - 1)`: the weight map keeps :math:`I` and spreads every other
string uniformly over the :math:`4^m - 1` non-identity strings. This is the
identity/swap (Weingarten) average of the doubled gate written in the Pauli
basis (:math:`\mathrm{SWAP} = 2^{-m}\sum_B B\otimes B`), exact because the
variance is linear in each gate's :math:`U^{\otimes 2}\otimes
\bar U^{\otimes 2}`. Random Cliffords (label ``"CLIFFORD"``) are kept fixed:
that label also marks the fused gates of many-qubit random Cliffords
(:func:`tnbp.models.clifford.append_random_clifford`), which are not
independently uniform; a Clifford design block has the same second moments
as a Haar one (:func:`tnbp.ansatz.append_design_block`), so the design
average of ``design="clifford"`` circuits is that of ``design="haar"`` ones
with ``haar="average"``.

**Truncation.** Both vectors are MPS in canonical form, and every two-site
update splits at the orthogonality centre, so the discarded singular values
are exactly the 2-norm of what a truncation removes. Every map is a 2-norm
contraction (doubly stochastic, a permutation, the Haar average or the
derivative mixing), so the errors :math:`\delta_u, \delta_h` of the two
vectors are at most the sums of the square roots of their discarded weights,
and by Cauchy-Schwarz

.. math::

    |\Delta\mathrm{Var}_k| \le \|\tilde u_k\|\,\delta_h +
    \delta_u\,\|\tilde h_k\| + \delta_u\delta_h,

reported as ``variance_bound``. It is rigorous but loose in shallow circuits,
where :math:`\|u_k\|` is close to :math:`\|u_0\| = 2^{n/2}` while the
variance is :math:`O(1)`; deep circuits spread both vectors and make it tight.
A rerun at a second cutoff (``error_cutoff`` of
:func:`tnbp.exact_gradient_variance`) estimates the error directly.

Cost: the sweeps are run on raw real arrays (QR to move the centre, one SVD
per two-site gate, single-site maps held back and merged into the next
two-site update); all parameters of a run of single-qubit gates (a rotation
layer) are paired through one pass of left and right environments. The
parameter blocks are split in two halves: the forward vector first sweeps
through the lower half and the Heisenberg vector down through the upper half,
each keeping its values at the blocks of its half, then each sweeps on through
the other half and pairs with what the other kept. The two sweeps never wait
for each other, so with ``threads=2`` (the default) they run side by side in
two threads (numpy's LAPACK calls release the GIL), with bitwise the same numbers as one
after the other. Each half keeps its vectors while they fit half of
:data:`~tnbp.limits.MOMENTS_SNAPSHOT_BYTES`, beyond which only every second,
fourth, ... one is kept and the rest recomputed from there. Measured on 2
cores: all 5000 parameters of a 50-qubit, 50-layer hardware-efficient brick
circuit for :math:`Z_{24}Z_{25}` at the default ``cutoff=1e-14`` in 152 s
(bonds up to 351, 3.2 GB, 256 s of CPU time; 6.5 min one sweep after the
other with a 512 MiB budget, before); one
parameter at 100 qubits and 100 layers with a rerun at 1e-12 in 528 s.

References
----------
.. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
   "Barren plateaus in quantum neural network training landscapes",
   Nat. Commun. 9, 4812 (2018), arXiv:1803.11173.
.. [2] V. Heyraud, Z. Li, K. Donatella, A. Le Boite and C. Ciuti, "Efficient
   estimation of trainability for variational quantum circuits", PRX Quantum
   4, 040335 (2023), arXiv:2302.04649 (Clifford circuits as Markov chains on
   Pauli strings).
.. [3] A. Napp, "Quantifying the barren plateau phenomenon for a model of
   unstructured variational ansatze", arXiv:2203.06174 (2022) (the Haar
   average of brickwork circuits as a stochastic process on Pauli weights).
.. [4] U. Schollwoeck, "The density-matrix renormalization group in the age
   of matrix product states", Ann. Phys. 326, 96 (2011), arXiv:1008.3477
   (canonical forms and truncation).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import itertools
import math

import numpy as np
import scipy.linalg

from .._checks import (
    check_bitstring,
    check_cutoff,
    check_int,
    check_max_bond,
    check_opt,
    check_parameters,
)
from .._threads import blas_threads_limit
from ..limits import MOMENTS_SNAPSHOT_BYTES, PAULI_MAX_STRINGS
from ..models.circuit import Circuit
from ..models.operators import as_observable
from ..models.paulis import PAULI_MATRICES

__all__ = [
    "HAAR_OPTIONS",
    "PauliTransferResult",
    "pauli_strings",
    "pauli_transfer_reason",
    "pauli_transfer_variance",
]

#: What ``haar`` may say about fixed gates labelled ``"HAAR"``.
HAAR_OPTIONS = ("fixed", "average")

_LETTERS = "IXYZ"
_PAULIS = np.array([PAULI_MATRICES[p] for p in _LETTERS])
_XBIT = np.array([0, 1, 1, 0], dtype=np.int8)
_ZBIT = np.array([0, 0, 1, 1], dtype=np.int8)
#: sigma_a sigma_b = i^_PHASE[a, b] sigma_{_MUL[a, b]}, letters I, X, Y, Z = 0..3
_MUL = np.array(
    [
        [
            [0, 1, 3, 2][(_XBIT[a] ^ _XBIT[b]) + 2 * (_ZBIT[a] ^ _ZBIT[b])]
            for b in range(4)
        ]
        for a in range(4)
    ],
    dtype=np.int8,
)
_PHASE = np.array(
    [
        [
            int(
                np.rint(
                    np.angle(
                        np.trace(_PAULIS[_MUL[a, b]] @ _PAULIS[a] @ _PAULIS[b]) / 2
                    )
                    / (np.pi / 2)
                )
            )
            % 4
            for b in range(4)
        ]
        for a in range(4)
    ],
    dtype=np.int8,
)
#: whether letters a and b anticommute
_ANTI = (np.outer(_XBIT, _ZBIT) + np.outer(_ZBIT, _XBIT)) % 2
#: tolerance of the Clifford test: on every coefficient of a conjugated Pauli string
_CLIFFORD_ATOL = 1e-9


@dataclasses.dataclass(frozen=True)
class PauliTransferResult:
    r"""What one run of the Pauli-transfer chain computed.

    Attributes
    ----------
    variance : numpy.ndarray of float64, shape (k,)
        :math:`\mathrm{Var}[\partial_k C]` per requested parameter, in (units
        of :math:`O`)² per radian².
    variance_bound : numpy.ndarray of float64, shape (k,)
        Bound on the truncation error of each entry of ``variance`` (same
        units; see :mod:`tnbp.gradients.pauli_moments`).
    bond_dims : numpy.ndarray of int64, shape (2, n - 1)
        Largest dimension each bond reached in the forward (row 0) and the
        Heisenberg (row 1) sweep.
    discarded_weight : numpy.ndarray of float64, shape (2,)
        Sum over the truncations of the forward and of the Heisenberg sweep
        of the discarded squared singular values, each relative to the
        squared norm of the vector at that moment (dimensionless).
    capped : bool
        Whether ``max_bond`` cut off singular values above ``cutoff``.
    cross_sectors : int
        Cross sectors :math:`\tau_{ab} \ne I` (distinct up to sign) that
        survive the whole circuit and enter the start vector.
    """

    variance: np.ndarray
    variance_bound: np.ndarray
    bond_dims: np.ndarray
    discarded_weight: np.ndarray
    capped: bool
    cross_sectors: int

    @property
    def max_bond_reached(self) -> int:
        """Largest bond dimension in either sweep (1 for one qubit)."""
        return int(self.bond_dims.max(initial=1))


# ----------------------------------------------------------------- Pauli algebra
def _index(letters) -> int:
    """Local index of a string of letter indices, first letter most significant."""
    out = 0
    for a in letters:
        out = 4 * out + int(a)
    return out


def _letters(index: int, m: int) -> tuple[int, ...]:
    """The ``m`` letter indices of a local index (inverse of :func:`_index`)."""
    return tuple((index >> (2 * (m - 1 - k))) & 3 for k in range(m))


@functools.lru_cache(maxsize=2)
def _local_matrices(m: int) -> np.ndarray:
    """The ``4^m`` Pauli strings on ``m`` qubits as matrices, in index order."""
    mats = []
    for letters in itertools.product(range(4), repeat=m):
        M = np.ones((1, 1), dtype=complex)
        for a in letters:
            M = np.kron(M, _PAULIS[a])
        mats.append(M)
    out = np.array(mats)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=64)
def _rotation_maps(pauli: str):
    r"""Weight maps of a uniformly random rotation about ``pauli`` and its derivative.

    Returns ``(M, D, anti)``: ``M[s', s]`` the Heisenberg twirl, ``D`` the
    derivative map, ``anti[s]`` whether local string ``s`` anticommutes with
    the generator (read-only arrays).
    """
    p = [_LETTERS.index(c) for c in pauli]
    m = len(p)
    dim = 4**m
    M, D = np.zeros((dim, dim)), np.zeros((dim, dim))
    anti = np.zeros(dim, dtype=bool)
    for s in range(dim):
        letters = _letters(s, m)
        if sum(_ANTI[a, b] for a, b in zip(p, letters)) % 2 == 0:
            M[s, s] = 1.0
            continue
        anti[s] = True
        partner = _index(_MUL[a, b] for a, b in zip(p, letters))
        for t in (s, partner):
            M[t, s] += 0.5
            D[t, s] += 0.5
    for a in (M, D, anti):
        a.setflags(write=False)
    return M, D, anti


@functools.lru_cache(maxsize=2)
def _haar_map(m: int) -> np.ndarray:
    """Weight map of a Haar-random gate on ``m`` qubits (symmetric, read-only)."""
    dim = 4**m
    M = np.full((dim, dim), 1.0 / (dim - 1))
    M[0, :] = M[:, 0] = 0.0
    M[0, 0] = 1.0
    M.setflags(write=False)
    return M


@functools.lru_cache(maxsize=4096)
def _clifford_table(key: bytes, m: int):
    """``(perm, sign)`` with ``U^dag s U = sign[s] * perm[s]``, or None if not Clifford."""
    U = np.frombuffer(key, dtype=complex).reshape(2**m, 2**m)
    mats = _local_matrices(m)
    conj = np.einsum("ji,pjk,kl->pil", U.conj(), mats, U)
    coef = np.einsum("qji,pij->pq", mats, conj).real / 2**m  # Tr(s_q s_p') / 2^m
    perm = np.abs(coef).argmax(axis=1)
    sign = coef[np.arange(4**m), perm]
    # every coefficient: the largest alone is within 1e-9 of 1 up to 4.5e-5 rad off
    ideal = np.zeros_like(coef)
    ideal[np.arange(4**m), perm] = np.sign(sign)
    if np.abs(coef - ideal).max() > _CLIFFORD_ATOL:
        return None
    perm, sign = perm.astype(np.int64), np.sign(sign).astype(np.int8)
    perm.setflags(write=False)
    sign.setflags(write=False)
    return perm, sign


def _clifford(matrix: np.ndarray):
    """:func:`_clifford_table` of a gate matrix (cached on its bytes)."""
    U = np.ascontiguousarray(matrix, dtype=complex)
    return _clifford_table(U.tobytes(), U.shape[0].bit_length() - 1)


# ------------------------------------------------------------------- the circuit
@dataclasses.dataclass(frozen=True)
class _Spec:
    """One gate as the chain sees it.

    ``M`` is the Heisenberg weight map on the gate's qubits (first qubit most
    significant), ``D`` the derivative map of a trainable rotation, ``param``
    its parameter index; ``kind`` is ``"rotation"``, ``"clifford"`` or
    ``"haar"``, ``table`` what the sector tracking needs: the anticommutation
    mask (rotation), ``(perm, sign)`` (Clifford) or None (Haar).
    """

    qubits: tuple[int, ...]
    M: np.ndarray
    D: np.ndarray | None
    param: int | None
    kind: str
    table: object


def _specs(circuit: Circuit, haar: str) -> tuple[list[_Spec], str]:
    """The circuit's gates as :class:`_Spec`, or ``([], reason)`` if one does not qualify."""
    specs, param = [], 0
    for j, g in enumerate(circuit.gates):
        m = len(g.qubits)
        if g.trainable:
            M, D, anti = _rotation_maps(g.pauli)
            specs.append(_Spec(g.qubits, M, D, param, "rotation", anti))
            param += 1
        elif haar == "average" and g.label == "HAAR":
            specs.append(_Spec(g.qubits, _haar_map(m), None, None, "haar", None))
        else:
            table = _clifford(g.to_matrix())
            if table is None:
                return [], (
                    f"fixed gate {j} ({g.label!r} on qubits {g.qubits}) is not a "
                    "Clifford gate"
                    + (
                        " (gates labelled 'HAAR' are averaged with haar='average')"
                        if g.label == "HAAR"
                        else ""
                    )
                )
            perm, sign = table
            M = np.zeros((4**m, 4**m))
            M[perm, np.arange(4**m)] = 1.0
            specs.append(_Spec(g.qubits, M, None, None, "clifford", table))
    return specs, ""


# ---------------------------------------------------------------- the observable
def pauli_strings(observable, n: int, *, max_strings: int = PAULI_MAX_STRINGS):
    r"""An observable as a sum of Pauli strings, :math:`O = c_0 + \sum_a c_a\sigma_a`.

    Each product term :math:`c\bigotimes_q O_q` is expanded factor by factor,
    :math:`O_q = \sum_p \tfrac12\mathrm{Tr}(p\,O_q)\,p` over :math:`p \in
    \{I, X, Y, Z\}` (real for Hermitian factors); coefficients of equal
    strings are summed, and the identity string and strings whose expansion
    coefficient is below :math:`10^{-15}` of the factor's largest are
    dropped (the constant does not enter a derivative).

    Parameters
    ----------
    observable : Observable or list of (coeff, pauli, qubits)
        The observable on ``n`` qubits.
    n : int
        Number of qubits.
    max_strings : int, optional
        Give up (return None) when the expansion would hold more strings than
        this, counted term by term before merging (default
        :data:`~tnbp.limits.PAULI_MAX_STRINGS`).

    Returns
    -------
    strings : numpy.ndarray of int8, shape (m, n), or None
        Letter indices (0, 1, 2, 3 for I, X, Y, Z) of the distinct
        non-identity strings, qubit 0 first, in lexicographic order; None when
        the expansion is too long.
    coeffs : numpy.ndarray of float64, shape (m,), or None
        Their real coefficients :math:`c_a`, in the units of :math:`O`.

    Raises
    ------
    TypeError
        If ``observable`` is not an observable.
    ValueError
        If ``observable`` acts outside ``0..n-1``.

    Examples
    --------
    The local cost :math:`1 - \tfrac12(|0\rangle\langle0|_0 + |0\rangle\langle0|_1)`
    is :math:`\tfrac12 - \tfrac14(Z_0 + Z_1)`:

    >>> import tnbp
    >>> s, c = pauli_strings(tnbp.observables.local_cost([0, 1]), 2)
    >>> s.tolist(), c.tolist()
    ([[0, 3], [3, 0]], [-0.25, -0.25])
    """
    obs = as_observable(observable, n)
    total = 0
    expansions = []
    for term in obs.terms:
        factors = []
        for q, op in zip(term.qubits, term.ops):
            a = np.einsum("pji,ij->p", _PAULIS, op).real / 2
            keep = np.abs(a) > 1e-15 * np.abs(a).max()
            factors.append((q, np.flatnonzero(keep), a[keep]))
        count = math.prod(len(f[1]) for f in factors)  # exact: 2^100 overflows int64
        total += count
        if total > max_strings:
            return None, None
        expansions.append((term.coeff, factors))
    merged: dict[bytes, float] = {}
    for coeff, factors in expansions:
        for combo in itertools.product(*(range(len(f[1])) for f in factors)):
            s = np.zeros(n, dtype=np.int8)
            c = coeff
            for (q, letters, a), i in zip(factors, combo):
                s[q] = letters[i]
                c *= a[i]
            if s.any():
                key = s.tobytes()
                merged[key] = merged.get(key, 0.0) + c
    keys = sorted(k for k, c in merged.items() if c != 0.0)
    strings = np.array(
        [np.frombuffer(k, dtype=np.int8) for k in keys], dtype=np.int8
    ).reshape(len(keys), n)
    return strings, np.array([merged[k] for k in keys])


def pauli_transfer_reason(circuit: Circuit, observable, *, haar: str = "fixed") -> str:
    r"""Why the Pauli-transfer chain cannot run a circuit and observable ('' if it can).

    It runs when every fixed gate is Clifford (checked numerically: each
    conjugated Pauli string is :math:`\pm` a Pauli string, to 1e-9) or is a
    ``"HAAR"`` gate averaged with ``haar="average"``, and the observable
    expands into at most :data:`~tnbp.limits.PAULI_MAX_STRINGS` Pauli strings
    (:func:`pauli_strings`). Trainable gates are Pauli rotations in every
    :class:`~tnbp.Circuit`.

    Parameters
    ----------
    circuit : Circuit
        The circuit.
    observable : Observable or list of (coeff, pauli, qubits)
        The cost observable.
    haar : {"fixed", "average"}, optional
        Whether gates labelled ``"HAAR"`` are averaged (default: kept fixed).

    Returns
    -------
    str
        Empty when the chain runs; otherwise the first reason it does not,
        in words.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit` or ``observable`` is not
        an observable.
    ValueError
        If ``haar`` is not one of :data:`HAAR_OPTIONS` or ``observable`` acts
        outside the register.
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    check_opt("haar", haar, HAAR_OPTIONS)
    strings, _ = pauli_strings(observable, circuit.n)
    if strings is None:
        return (
            f"the observable expands into more than {PAULI_MAX_STRINGS} Pauli strings"
        )
    return _specs(circuit, haar)[1]


# ----------------------------------------------------------------- cross sectors
def _start_weights(strings, coeffs, specs, initial: str):
    r"""The start vector :math:`v(\sigma_a)` and the number of surviving cross sectors.

    Diagonal pairs give :math:`c_a^2`; each commuting pair :math:`a \ne b`
    whose sector :math:`\tau = \sigma_a\sigma_b` survives every gate adds
    :math:`c_a c_b \epsilon_\tau` (module docstring).
    """
    m, n = strings.shape
    weights = coeffs**2
    if m < 2:
        return weights, 0
    a_idx, b_idx = np.triu_indices(m, 1)
    sa, sb = strings[a_idx], strings[b_idx]
    anti = _ANTI[sa, sb].sum(axis=1, dtype=np.int64) % 2
    keep = anti == 0
    a_idx, b_idx, sa, sb = a_idx[keep], b_idx[keep], sa[keep], sb[keep]
    if not len(a_idx):
        return weights, 0
    tau = _MUL[sa, sb]
    phase = 1 - (_PHASE[sa, sb].sum(axis=1, dtype=np.int64) % 4)  # i^0 or i^2
    taus, pair_sector = np.unique(tau, axis=0, return_inverse=True)
    pair_sector = pair_sector.reshape(-1)
    sign = np.ones(len(taus), dtype=np.int64)
    alive = np.arange(len(taus))
    cur = taus.copy()
    for spec in reversed(specs):  # Heisenberg order
        if not len(alive):
            break
        qs = spec.qubits
        local = cur[:, qs[0]].astype(np.int64)
        if len(qs) == 2:
            local = 4 * local + cur[:, qs[1]]
        if spec.kind == "clifford":
            perm, sgn = spec.table
            sign[alive] *= sgn[local]
            new = perm[local]
            if len(qs) == 2:
                cur[:, qs[0]], cur[:, qs[1]] = new >> 2, new & 3
            else:
                cur[:, qs[0]] = new
            continue
        dead = spec.table[local] if spec.kind == "rotation" else local != 0
        if dead.any():
            alive, cur = alive[~dead], cur[~dead]
    # at the start: tau = s Z^t, paired with |b><b| as s (-1)^(t . b)
    diagonal = ~((cur == 1) | (cur == 2)).any(axis=1)
    alive, cur = alive[diagonal], cur[diagonal]
    bits = np.array([int(c) for c in initial], dtype=np.int64)
    eps = np.zeros(len(taus), dtype=np.int64)
    eps[alive] = sign[alive] * (-1) ** (((cur == 3) @ bits) % 2)
    e = eps[pair_sector] * phase
    contrib = coeffs[a_idx] * coeffs[b_idx] * e
    np.add.at(weights, a_idx, contrib)
    np.add.at(weights, b_idx, contrib)
    return weights, int(np.count_nonzero(eps))  # distinct strings: tau != I


# ------------------------------------------------------------------ the MPS chain
class _Chain:
    """A real MPS with 4-dimensional sites in canonical form, and its truncation record.

    ``arrays[q]`` has shape ``(chi_l, 4, chi_r)``; every site but ``center``
    is an isometry. ``pending[q]`` is a single-site map not yet applied to
    ``arrays[q]`` (the vector is ``(x_q pending[q])`` of the stored MPS); it
    is merged into the next update of the site. Arrays are never modified in
    place, so :meth:`copy` is cheap and copies share unchanged sites.
    """

    def __init__(self, arrays, center: int, *, cutoff: float, max_bond):
        self.arrays = list(arrays)
        self.center = center
        self.pending = [None] * len(arrays)
        self.cutoff, self.max_bond = cutoff, max_bond
        self.peak = np.array([a.shape[2] for a in arrays[:-1]], dtype=np.int64)
        self.discarded = 0.0  # sum of relative discarded weights
        self.error = 0.0  # sum of the 2-norms removed (bound on the vector's error)
        self.capped = False

    def copy(self) -> _Chain:
        new = object.__new__(_Chain)
        new.__dict__.update(self.__dict__)
        new.arrays, new.pending = list(self.arrays), list(self.pending)
        new.peak = self.peak.copy()
        return new

    @property
    def n(self) -> int:
        return len(self.arrays)

    def norm(self) -> float:
        """2-norm of the stored MPS (the pending maps are contractions on top)."""
        return float(np.linalg.norm(self.arrays[self.center]))

    def apply1(self, q: int, M: np.ndarray) -> None:
        """Hold back the single-site map ``M`` on site ``q``."""
        P = self.pending[q]
        self.pending[q] = M if P is None else M @ P

    def _absorb(self, q: int) -> None:
        P = self.pending[q]
        if P is not None:
            self.arrays[q] = np.einsum("st,atb->asb", P, self.arrays[q])
            self.pending[q] = None

    def move(self, target: int) -> None:
        """Move the orthogonality centre to ``target``, applying held-back maps on the way."""
        A = self.arrays
        while self.center < target:
            c = self.center
            self._absorb(c)
            l, d, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l * d, r))
            A[c] = Q.reshape(l, d, -1)
            A[c + 1] = np.tensordot(R, A[c + 1], 1)
            self.center = c + 1
        while self.center > target:
            c = self.center
            self._absorb(c)
            l, d, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l, d * r).T)
            A[c] = Q.T.reshape(-1, d, r)
            A[c - 1] = np.tensordot(A[c - 1], R.T, 1)
            self.center = c - 1

    def _split(self, i: int, theta: np.ndarray, right: bool) -> None:
        """Write ``theta`` (``(l, 4, 4, r)``) back to sites ``i, i + 1``, truncated."""
        l, _, _, r = theta.shape
        mat = theta.reshape(4 * l, 4 * r)
        try:  # numpy's gesdd releases the GIL (scipy's does not): the sweeps' threads
            U, s, Vh = np.linalg.svd(mat, full_matrices=False)
        except np.linalg.LinAlgError:  # gesdd rarely fails to converge
            U, s, Vh = scipy.linalg.svd(
                mat, full_matrices=False, check_finite=False, lapack_driver="gesvd"
            )
        keep = max(1, int(np.count_nonzero(s > self.cutoff * s[0]))) if s[0] else 1
        if self.max_bond is not None and keep > self.max_bond:
            keep, self.capped = self.max_bond, True
        total = float(s @ s)
        dropped = float(s[keep:] @ s[keep:])
        if dropped > 0:
            self.discarded += dropped / total
            self.error += np.sqrt(dropped)
        U, s, Vh = U[:, :keep], s[:keep], Vh[:keep]
        if right:
            self.arrays[i] = U.reshape(l, 4, keep)
            self.arrays[i + 1] = (s[:, None] * Vh).reshape(keep, 4, r)
            self.center = i + 1
        else:
            self.arrays[i] = (U * s).reshape(l, 4, keep)
            self.arrays[i + 1] = Vh.reshape(keep, 4, r)
            self.center = i
        self.peak[i] = max(self.peak[i], keep)

    def _update(self, i: int, G: np.ndarray, right: bool) -> None:
        """Apply the 16 x 16 map ``G`` on sites ``(i, i + 1)`` (site ``i`` first)."""
        self.move(min(max(self.center, i), i + 1))
        Pi, Pj = self.pending[i], self.pending[i + 1]
        if Pi is not None or Pj is not None:
            eye = np.eye(4)
            G = G @ np.kron(eye if Pi is None else Pi, eye if Pj is None else Pj)
            self.pending[i] = self.pending[i + 1] = None
        a, b = self.arrays[i], self.arrays[i + 1]
        l, r = a.shape[0], b.shape[2]
        theta = np.tensordot(a, b, 1).reshape(l, 16, r).transpose(1, 0, 2)
        theta = (G @ theta.reshape(16, l * r)).reshape(4, 4, l, r)
        self._split(i, theta.transpose(2, 0, 1, 3), right)

    def apply2(self, qa: int, qb: int, G: np.ndarray, right: bool) -> None:
        """Apply the 16 x 16 map ``G`` on sites ``(qa, qb)`` (``qa`` its first factor).

        Distant sites are brought together by swaps (permutations of the
        weights), applied and swapped back.
        """
        if qa > qb:
            G = G.reshape(4, 4, 4, 4).transpose(1, 0, 3, 2).reshape(16, 16)
            qa, qb = qb, qa
        for k in range(qb - 1, qa, -1):  # site qb travels left to qa + 1
            self._update(k, _SWAP, right=False)
        self._update(qa, G, right=right if qb == qa + 1 else True)
        for k in range(qa + 1, qb):
            self._update(k, _SWAP, right=True)


def _swap_map() -> np.ndarray:
    S = np.zeros((16, 16))
    for a, b in itertools.product(range(4), repeat=2):
        S[4 * b + a, 4 * a + b] = 1.0
    S.setflags(write=False)
    return S


_SWAP = _swap_map()


def _product_chain(n: int, *, cutoff: float, max_bond) -> _Chain:
    r""":math:`u_0 = (1, 0, 0, 1)^{\otimes n}` in canonical form, centre at site 0."""
    site = np.array([1.0, 0.0, 0.0, 1.0]).reshape(1, 4, 1)
    arrays = [site / np.sqrt(2)] * n
    arrays[0] = site * np.sqrt(2) ** (n - 1)
    return _Chain(arrays, 0, cutoff=cutoff, max_bond=max_bond)


def _sparse_chain(strings, weights, *, cutoff: float, max_bond) -> _Chain:
    r""":math:`\sum_a w_a\,e_{\sigma_a}` as a canonical MPS, centre at the last site.

    Left to right: the remainder's columns are the distinct suffixes of the
    strings (orthonormal basis vectors), so each SVD is an exact Schmidt
    decomposition and its truncation is recorded like a sweep's.
    """
    m, n = strings.shape
    chain = _Chain([np.zeros((1, 4, 1))] * n, n - 1, cutoff=cutoff, max_bond=max_bond)
    C = weights.reshape(1, m)  # bond x current suffixes
    suffix = np.arange(m)  # the suffix id of each string
    for q in range(n):
        if q < n - 1:
            nxt_keys, nxt = np.unique(strings[:, q + 1 :], axis=0, return_inverse=True)
            nxt = nxt.reshape(-1)
            K = len(nxt_keys)
        else:
            nxt, K = np.zeros(m, dtype=np.int64), 1
        # each current suffix id -> (letter at q, next suffix id)
        first = np.unique(suffix, return_index=True)[1]
        letter, to = strings[first, q], nxt[first]
        r = C.shape[0]
        M = np.zeros((r, 4, K))
        M[:, letter, to] = C  # distinct suffixes: distinct (letter, next) pairs
        if q == n - 1:
            chain.arrays[q] = M
            break
        # split the remainder: site q keeps U, the rest carries S V^T
        mat = M.reshape(4 * r, K)
        U, s, Vh = np.linalg.svd(mat, full_matrices=False)
        keep = max(1, int(np.count_nonzero(s > cutoff * s[0]))) if s[0] else 1
        if max_bond is not None and keep > max_bond:
            keep, chain.capped = max_bond, True
        dropped = float(s[keep:] @ s[keep:])
        if dropped > 0:
            chain.discarded += dropped / float(s @ s)
            chain.error += np.sqrt(dropped)
        chain.arrays[q] = U[:, :keep].reshape(r, 4, keep)
        chain.peak[q] = keep
        C = s[:keep, None] * Vh[:keep]
        suffix = nxt
    return chain


# ---------------------------------------------------------------------- pairings
def _with_op(h: np.ndarray, X) -> np.ndarray:
    """Site tensor ``h`` with the 4 x 4 map ``X`` applied to its site index."""
    return h if X is None else np.einsum("st,atb->asb", X, h)


def _left(E: np.ndarray, u: np.ndarray, hX: np.ndarray) -> np.ndarray:
    """One step of the left environment ``E[a, b]`` of ``<u | hX>``."""
    return np.tensordot(np.tensordot(E, u, (0, 0)), hX, ((0, 1), (0, 1)))


def _right(R: np.ndarray, u: np.ndarray, hX: np.ndarray) -> np.ndarray:
    """One step of the right environment ``R[a, b]`` of ``<u | hX>``."""
    return np.tensordot(np.tensordot(u, R, (2, 0)), hX, ((1, 2), (1, 2)))


def _compose(*maps):
    """Product of 4 x 4 maps, None standing for the identity (None if all are)."""
    out = None
    for M in maps:
        if M is not None:
            out = M if out is None else out @ M
    return out


def _site_op(u: _Chain, h: _Chain, q: int, S=None):
    r"""The operator between ``u`` and ``h`` at site ``q``: :math:`P_u^{\mathsf T} S P_h`."""
    Pu = u.pending[q]
    return _compose(None if Pu is None else Pu.T, S, h.pending[q])


def _pair_column(u: _Chain, h: _Chain, column: dict, params: list) -> dict:
    r"""``u^T (x_q S_q) h`` with the derivative map in place of each parameter's twirl.

    ``column`` maps a site to its gates in time order; ``params`` lists
    ``(param, site, position)``. Left and right environments are built once
    and every parameter costs one site contraction.
    """
    n = u.n
    S = {q: _compose(*(g.M for g in gates)) for q, gates in column.items()}
    ops = [_site_op(u, h, q, S.get(q)) for q in range(n)]
    sites = [q for _, q, _ in params]
    lo, hi = min(sites), max(sites)
    L = [np.ones((1, 1))]
    for q in range(hi):
        L.append(_left(L[-1], u.arrays[q], _with_op(h.arrays[q], ops[q])))
    R = {n: np.ones((1, 1))}
    for q in range(n - 1, lo, -1):
        R[q] = _right(R[q + 1], u.arrays[q], _with_op(h.arrays[q], ops[q]))
    out = {}
    for k, q, pos in params:
        gates = column[q]
        Sk = _compose(*(g.D if i == pos else g.M for i, g in enumerate(gates)))
        X = _site_op(u, h, q, Sk)
        E = _left(L[q], u.arrays[q], _with_op(h.arrays[q], X))
        out[k] = float(np.vdot(E, R[q + 1]))
    return out


def _pair_two(u: _Chain, h: _Chain, spec: _Spec) -> float:
    """``u^T D h`` for the derivative map ``D`` of a two-qubit rotation."""
    qa, qb = spec.qubits
    eye = np.eye(4)

    def pend(P, transpose=False):
        return eye if P is None else (P.T if transpose else P)

    Y = (
        np.kron(pend(u.pending[qa], True), pend(u.pending[qb], True))
        @ spec.D
        @ np.kron(pend(h.pending[qa]), pend(h.pending[qb]))
    )
    if qa > qb:
        Y = Y.reshape(4, 4, 4, 4).transpose(1, 0, 3, 2).reshape(16, 16)
        qa, qb = qb, qa
    Y4 = Y.reshape(4, 4, 4, 4)  # [s_i, s_j, t_i, t_j]
    E = np.ones((1, 1))
    for q in range(qa):
        E = _left(E, u.arrays[q], _with_op(h.arrays[q], _site_op(u, h, q)))
    T = np.tensordot(np.tensordot(E, u.arrays[qa], (0, 0)), h.arrays[qa], (0, 0))
    F = np.einsum("satb,sjtk->abjk", T, Y4)  # [alpha, beta, s_j, t_j]
    for q in range(qa + 1, qb):
        hX = _with_op(h.arrays[q], _site_op(u, h, q))
        T = np.tensordot(F, u.arrays[q], (0, 0))  # [beta, j, k, s, alpha']
        F = np.tensordot(T, hX, ((0, 3), (0, 1))).transpose(2, 3, 0, 1)
    E = np.tensordot(
        np.tensordot(F, u.arrays[qb], ((0, 2), (0, 1))), h.arrays[qb], ((0, 1), (0, 1))
    )
    for q in range(qb + 1, u.n):
        E = _left(E, u.arrays[q], _with_op(h.arrays[q], _site_op(u, h, q)))
    return float(E[0, 0])


# ------------------------------------------------------------------------ sweeps
def _blocks(specs):
    """The gates in blocks, in order.

    ``("column", {site: gates})`` for a run of single-qubit gates,
    ``("group", [specs])`` for a run of fixed two-qubit gates on disjoint qubits
    (they commute), ``("two", spec)`` for a two-qubit rotation.
    """
    blocks = []
    for spec in specs:
        kind = blocks[-1][0] if blocks else None
        if len(spec.qubits) == 1:
            if kind != "column":
                blocks.append(("column", {}))
            blocks[-1][1].setdefault(spec.qubits[0], []).append(spec)
        elif spec.param is not None:
            blocks.append(("two", spec))
        elif kind == "group" and set(spec.qubits).isdisjoint(
            q for g in blocks[-1][1] for q in g.qubits
        ):
            blocks[-1][1].append(spec)
        else:
            blocks.append(("group", [spec]))
    return blocks


def _apply(chain: _Chain, block, *, forward: bool) -> None:
    """Apply a block's weight maps (transposed for the forward sweep) to ``chain``.

    Single-site maps are held back. Before two-qubit gates whose sites hold
    some, the centre first sweeps to the far end of their range (QR steps that
    apply them, so that every split sees the projected vector: the twirls are
    rank-deficient and shrink the bonds), then the gates are applied on the
    way back; a group of commuting gates is sorted for that. Otherwise the
    gates start from the end nearer the centre.
    """
    kind, data = block
    if kind == "column":
        for q, gates in data.items():
            S = _compose(*(g.M for g in gates))
            chain.apply1(q, S.T if forward else S)
        return
    specs = data if kind == "group" else [data]
    lo = min(min(g.qubits) for g in specs)
    hi = max(max(g.qubits) for g in specs)
    if any(chain.pending[q] is not None for q in range(lo, hi + 1)):
        descending = chain.center - lo <= hi - chain.center
        chain.move(hi if descending else lo)
    else:
        descending = chain.center - lo > hi - chain.center
    for g in sorted(specs, key=lambda g: min(g.qubits), reverse=descending):
        chain.apply2(*g.qubits, g.M.T if forward else g.M, not descending)


def _snapshot_bytes(snaps: dict) -> int:
    """Memory held by the snapshots (arrays shared between them counted once)."""
    seen = {}
    for chain in snaps.values():
        for a in chain.arrays:
            seen[id(a)] = a.nbytes
    return sum(seen.values())


class _Snapshots:
    """One sweep's vectors at the parameter blocks, kept within a memory budget.

    ``order`` lists the blocks in the order the sweep meets them (ascending for
    the forward vector, descending for the Heisenberg one). Past ``budget``
    bytes only every second, fourth, ... of them is kept (the checkpoints),
    and :meth:`take` recomputes a dropped one from the checkpoint before it in
    the sweep's direction, keeping the blocks on the way.
    """

    def __init__(self, blocks, order, *, forward: bool, budget: int):
        self.blocks, self.forward, self.budget = blocks, forward, budget
        self.rank = {b: i for i, b in enumerate(order)}
        self.snaps, self.stride = {}, 1

    def put(self, b: int, chain: _Chain) -> None:
        """Keep a copy of ``chain``, the vector at block ``b``, if ``b`` is a checkpoint."""
        if self.rank[b] % self.stride:
            return
        self.snaps[b] = chain.copy()
        while len(self.snaps) > 1 and _snapshot_bytes(self.snaps) > self.budget:
            self.stride *= 2  # keep every other checkpoint, recompute the rest
            self.snaps = {
                c: v for c, v in self.snaps.items() if self.rank[c] % self.stride == 0
            }

    def take(self, b: int) -> _Chain:
        """The vector at block ``b``, removed from the store (recomputed if dropped)."""
        if b not in self.snaps:
            step = 1 if self.forward else -1
            before = [c for c in self.snaps if (c - b) * step < 0]
            c = max(before) if self.forward else min(before)
            w = self.snaps[c].copy()
            for bb in range(c, b, step):
                _apply(w, self.blocks[bb], forward=self.forward)
                if bb + step in self.rank:
                    self.snaps[bb + step] = w.copy()
        return self.snaps.pop(b)


def _advance(chain: _Chain, blocks, start: int, stop: int, *, forward: bool) -> None:
    """Apply the blocks from ``start`` on, up to but not including ``stop``."""
    step = 1 if forward else -1
    for b in range(start, stop, step):
        _apply(chain, blocks[b], forward=forward)


def _pair(u: _Chain, h: _Chain, block, found) -> dict:
    """``{param: (variance, bound)}`` of the parameters ``found`` in ``block``."""
    kind, data = block
    if kind == "column":
        values = _pair_column(u, h, data, found)
    else:
        values = {data.param: _pair_two(u, h, data)}
    du, dh = u.error, h.error
    bound = u.norm() * dh + du * h.norm() + du * dh
    return {k: (value, bound) for k, value in values.items()}


def _sweeps(blocks, u: _Chain, h: _Chain, wanted: set, budget: int, threads: int):
    """Pair the forward and Heisenberg vectors at every block holding a wanted parameter.

    The parameter blocks are split in two halves. First the forward vector
    sweeps through the lower half, keeping its value at each of its blocks,
    while the Heisenberg vector sweeps down through the upper half, keeping
    its own; then each goes on through the other half, pairing at each block
    with what the other kept. The two sweeps are independent, so with
    ``threads=2`` each runs in its own thread (numpy's LAPACK calls release the GIL): the
    work of one sweep in wall time. Each half keeps its vectors within half
    of ``budget``.

    Returns ``{param: (variance, bound)}`` and the two chains at the end.
    """
    params = {}  # block -> [(param, site, position)] or [(param, None, None)]
    for b, (kind, data) in enumerate(blocks):
        if kind == "column":
            found = [
                (g.param, q, i)
                for q, gates in data.items()
                for i, g in enumerate(gates)
                if g.param in wanted
            ]
        elif kind == "two":
            found = [(data.param, None, None)] if data.param in wanted else []
        else:
            found = []
        if found:
            params[b] = found
    needed = sorted(params)
    half = len(needed) // 2
    lower, upper = needed[:half], needed[half:]
    us = _Snapshots(blocks, lower, forward=True, budget=budget // 2)
    hs = _Snapshots(blocks, upper[::-1], forward=False, budget=budget // 2)
    results = {}
    # where each sweep stands between blocks: u before block `at[0]`, h before
    # block `at[1]` (its blocks above applied)
    at = [0, len(blocks) - 1]

    def forward_lower():
        for b in lower:
            _advance(u, blocks, at[0], b, forward=True)
            at[0] = b
            us.put(b, u)
        _advance(u, blocks, at[0], upper[0], forward=True)
        at[0] = upper[0]

    def backward_upper():
        for b in upper[::-1]:
            _advance(h, blocks, at[1], b, forward=False)
            at[1] = b
            hs.put(b, h)
        stop = lower[-1] if lower else upper[0]
        _advance(h, blocks, at[1], stop, forward=False)
        at[1] = stop

    def forward_upper():
        for b in upper:
            _advance(u, blocks, at[0], b, forward=True)
            at[0] = b
            results.update(_pair(u, hs.take(b), blocks[b], params[b]))

    def backward_lower():
        for b in lower[::-1]:
            _advance(h, blocks, at[1], b, forward=False)
            at[1] = b
            results.update(_pair(us.take(b), h, blocks[b], params[b]))

    for first, second in (
        (forward_lower, backward_upper),
        (forward_upper, backward_lower),
    ):
        _run_pair(first, second, threads)
    return results, u, h


def _run_pair(first, second, threads: int) -> None:
    """Run two independent sweeps, in two threads when ``threads >= 2``."""
    if threads < 2:
        first()
        second()
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(first), pool.submit(second)]
        for future in futures:
            future.result()  # re-raises a sweep's exception here


def pauli_transfer_variance(
    circuit: Circuit,
    observable,
    *,
    parameters="all",
    initial: str | None = None,
    max_bond: int | None = None,
    cutoff: float = 1e-14,
    haar: str = "fixed",
    threads: int = 2,
) -> PauliTransferResult:
    r"""Exact :math:`\mathrm{Var}[\partial_k C]` by the Pauli-transfer chain.

    The method, its conditions (Pauli rotations, Clifford or Haar-averaged
    fixed gates, a Pauli-sum observable) and its error bound are in
    :mod:`tnbp.gradients.pauli_moments`; :func:`tnbp.exact_gradient_variance`
    calls it (``engine="pauli"``, or ``"auto"`` when the circuit qualifies)
    and is the usual entry point.

    Parameters
    ----------
    circuit : Circuit
        The structure; trainable angles are averaged over :math:`[0, 2\pi)`.
    observable : Observable or list of (coeff, pauli, qubits)
        The cost :math:`C = \mathrm{Tr}[O\rho]`; its constant does not enter.
    parameters : "all", int or sequence of int, optional
        Parameter indices (the package-wide ``parameters`` convention).
    initial : str, optional
        Computational basis start state, qubit 0 first (default all zeros).
    max_bond : int, optional
        Cap on the bond dimension of both vectors (None: none).
    cutoff : float, optional
        Relative singular value cutoff at each split (to the largest), in
        ``[0, 1)``.
    haar : {"fixed", "average"}, optional
        ``"average"``: average every fixed gate labelled ``"HAAR"`` over the
        Haar measure; ``"fixed"`` (default): it must be Clifford like every
        other fixed gate.
    threads : int, optional
        Threads for the two sweeps (the forward and the Heisenberg vector are
        independent until they are paired): 2 (default) runs them side by
        side, 1 one after the other; more than 2 is the same as 2. Each
        thread uses one BLAS thread. The numbers do not depend on it.

    Returns
    -------
    PauliTransferResult
        Variances, their truncation bounds and the bond record.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``observable`` is not an
        observable, ``initial`` is not a string, or ``parameters``,
        ``max_bond``, ``cutoff`` or ``threads`` has the wrong type.
    ValueError
        If ``threads < 1``, the circuit does not qualify
        (:func:`pauli_transfer_reason`) or has
        no trainable parameters, ``parameters`` is empty, out of range or
        repeats an index, ``initial`` has the wrong length or characters,
        ``max_bond < 1``, ``cutoff`` is outside ``[0, 1)``, ``haar`` is not
        one of the options, or ``observable`` acts outside the register.

    References
    ----------
    .. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
       "Barren plateaus in quantum neural network training landscapes",
       Nat. Commun. 9, 4812 (2018), arXiv:1803.11173.
    .. [2] V. Heyraud, Z. Li, K. Donatella, A. Le Boite and C. Ciuti,
       "Efficient estimation of trainability for variational quantum
       circuits", PRX Quantum 4, 040335 (2023), arXiv:2302.04649.

    Examples
    --------
    :math:`\mathrm{Var}[\partial\cos\theta] = \mathbb E[\sin^2\theta] = 1/2`:

    >>> import tnbp
    >>> c = tnbp.Circuit(1)
    >>> c.ry(0.3, 0)
    >>> pauli_transfer_variance(c, [(1.0, "Z", (0,))]).variance
    array([0.5])
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    n = circuit.n
    check_opt("haar", haar, HAAR_OPTIONS)
    strings, coeffs = pauli_strings(observable, n)
    initial = check_bitstring(initial, n)
    cutoff = check_cutoff(cutoff)
    max_bond = check_max_bond(max_bond)
    threads = check_int(threads, "threads", minimum=1)
    num = circuit.num_parameters
    if num == 0:
        raise ValueError("`circuit` has no trainable parameters.")
    selection = check_parameters(parameters, num)
    wanted = list(range(num)) if selection is None else list(selection)
    if strings is None:
        raise ValueError(
            "`observable` expands into more than "
            f"{PAULI_MAX_STRINGS} Pauli strings: use engine='doubled'."
        )
    specs, reason = _specs(circuit, haar)
    if reason:
        raise ValueError(f"`circuit`: {reason}; use engine='doubled'.")
    k = len(wanted)
    if not len(strings):  # a constant: no derivative
        return PauliTransferResult(
            np.zeros(k),
            np.zeros(k),
            np.ones((2, n - 1), np.int64),
            np.zeros(2),
            False,
            0,
        )
    opts = dict(cutoff=cutoff, max_bond=max_bond)
    with blas_threads_limit(1):
        weights, sectors = _start_weights(strings, coeffs, specs, initial)
        h = _sparse_chain(strings, weights, **opts)
        u = _product_chain(n, **opts)
        results, u, h = _sweeps(
            _blocks(specs), u, h, set(wanted), MOMENTS_SNAPSHOT_BYTES, threads
        )
    return PauliTransferResult(
        variance=np.array([results[j][0] for j in wanted]),
        variance_bound=np.array([results[j][1] for j in wanted]),
        bond_dims=np.array([u.peak, h.peak], dtype=np.int64).reshape(2, n - 1),
        discarded_weight=np.array([u.discarded, h.discarded]),
        capped=bool(u.capped or h.capped),
        cross_sectors=sectors,
    )
