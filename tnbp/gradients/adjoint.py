r"""Adjoint differentiation of many same-structure circuits at once (dense).

For circuits that share a *skeleton* (the same gates on the same qubits, the
same rotation generators and trainable flags; angles and fixed matrices may
differ), the statevectors of all ``B`` circuits are held as one ``(B, 2^n)``
array and each gate is applied to all of them with one batched matrix
product. One forward sweep and one backward sweep give every derivative:

.. math::

    \partial_k f = \mathrm{Im}\,\langle\lambda_k| P_k |\psi_k\rangle, \qquad
    |\psi_k\rangle = U_k \cdots U_1 |\psi_0\rangle, \quad
    |\lambda_k\rangle = U_{k+1}^\dagger \cdots U_N^\dagger O |\psi_N\rangle.

Batching removes the per-gate Python overhead that dominates single
statevector sweeps below ~14 qubits.
"""

from __future__ import annotations

import itertools

import numpy as np

from .._threads import blas_threads_limit
from ..models.circuit import Circuit
from ..models.operators import Observable
from ..models.gates import rotation_matrix
from ..models.paulis import pauli_matrix
from ..states import dense_kernels as K

#: Amplitudes per sweep (B * 2^n): enough samples to amortize Python overhead
#: at small n, few enough that the stack stays in cache.
BATCH_AMPLITUDES = 2**18


def skeleton(circuit: Circuit) -> tuple:
    """What must agree between circuits for them to be differentiated together.

    Parameters
    ----------
    circuit : Circuit
        The circuit.

    Returns
    -------
    tuple
        One ``(qubits, pauli, trainable)`` entry per gate: circuits with equal
        skeletons can share one batched sweep (angles and fixed matrices may
        differ).
    """
    return tuple((g.qubits, g.pauli, g.trainable) for g in circuit.gates)


def adjoint_gradients(circuits, obs: Observable, initial: str) -> np.ndarray:
    r"""Gradients of :math:`\langle O\rangle` for same-skeleton circuits, shape (B, K).

    One forward sweep and one backward sweep per chunk of circuits (the
    adjoint method, see :mod:`tnbp.gradients.adjoint`), batched over at most
    ``BATCH_AMPLITUDES / 2^n`` circuits at a time.

    Parameters
    ----------
    circuits : sequence of Circuit
        ``B`` circuits with one :func:`skeleton`.
    obs : Observable
        Validated observable.
    initial : str
        Validated initial bitstring.

    Returns
    -------
    numpy.ndarray of float64, shape (B, K)
        Row ``b`` is :math:`\partial\langle O\rangle/\partial\theta_k` of
        circuit ``b`` for its ``K`` trainable angles (radians), in gate order,
        in the units of the observable's coefficients per radian.

    References
    ----------
    .. [1] T. Jones and J. Gacon, "Efficient calculation of gradients in
       classical simulations of variational quantum algorithms",
       arXiv:2009.02823 (2020) (the O(P) reverse-mode gradient, with the
       derivative of a rotation as a Pauli overlap).
    """
    circuits = list(circuits)
    batch = max(1, BATCH_AMPLITUDES >> circuits[0].n)
    diagonals = {}  # fixed diagonal runs, shared by the chunks
    with blas_threads_limit(1):  # small GEMMs: one thread is fastest (see backends.mps)
        out = [
            _adjoint_chunk(circuits[i : i + batch], obs, initial, diagonals)
            for i in range(0, len(circuits), batch)
        ]
    return np.concatenate(out, axis=0)


def _matrices(circuits) -> list[np.ndarray]:
    """Per gate, the matrices of every circuit stacked, shape (B, d, d)."""
    gates = [c.gates for c in circuits]
    mats = [None] * len(gates[0])
    by_pauli = {}
    for k, g in enumerate(gates[0]):
        if g.pauli is None:
            mats[k] = np.stack([gs[k].matrix for gs in gates])
        else:
            by_pauli.setdefault(g.pauli, []).append(k)
    for pauli, ks in by_pauli.items():  # one broadcast formula per generator
        theta = np.array([[gs[k].theta for k in ks] for gs in gates])
        U = rotation_matrix(pauli, theta.T[:, :, None, None])
        for k, u in zip(ks, U):
            mats[k] = u
    return mats


def _apply_observable(obs: Observable, re, im, n: int):
    r""":math:`O|\psi\rangle` for a split batch, as a new split batch."""
    lam = obs.constant * (re + 1j * im)
    for term in obs.terms:
        pr, pi = re.copy(), im.copy()
        for q, op in zip(term.qubits, term.ops):
            u = K.pack(np.broadcast_to(op, (re.shape[0], 2, 2)))
            K.apply_1q(pr, pi, u, K.stride(n, q))
        lam += term.coeff * (pr + 1j * pi)
    return K.split(lam)


def _adjoint_chunk(circuits, obs: Observable, initial: str, diagonals) -> np.ndarray:
    first = circuits[0]
    n, B = first.n, len(circuits)
    blocks = _blocks(first, _matrices(circuits), diagonals)
    re, im = np.zeros((B, 2**n)), np.zeros((B, 2**n))
    re[:, int(initial, 2)] = 1.0
    for block in blocks:
        block.forward(re, im)
    lre, lim = _apply_observable(obs, re, im, n)
    grads = np.zeros((B, first.num_parameters))
    column = {k: i for i, k in enumerate(first.parameter_gates)}
    for block in reversed(blocks):
        for k, value in block.backward(re, im, lre, lim):
            grads[:, column[k]] = value
    return grads


class _Gate:
    """One two-qubit gate (per-sample matrices), applied on its own."""

    def __init__(self, k, gate, m, n):
        self.k, self.pauli = k, gate.pauli if gate.trainable else None
        self.s = tuple(K.stride(n, q) for q in gate.qubits)
        self.u, self.u_dag = K.pack(m), K.pack(m.conj().transpose(0, 2, 1))
        if self.pauli is not None:  # P = i^nY X^x Z^z (see dense_kernels)
            self.x = sum(s for s, p in zip(self.s, self.pauli) if p in "XY")
            self.z = sum(s for s, p in zip(self.s, self.pauli) if p in "ZY")

    def forward(self, re, im):
        K.apply_2q(re, im, self.u, *self.s)

    def backward(self, re, im, lre, lim):
        if self.pauli is not None:
            out = np.empty((re.shape[0], 2))
            K.pauli_overlap(lre, lim, re, im, self.x, self.z, out)
            yield self.k, (1j ** self.pauli.count("Y") * out.view(complex)[:, 0]).imag
        for r, i in ((re, im), (lre, lim)):
            K.apply_2q(r, i, self.u_dag, *self.s)


class _FixedDiagonal:
    """A run of fixed diagonal gates merged into one vector over the register."""

    def __init__(self, n, items):
        v = np.ones((2,) * n, dtype=complex)
        for qubits, d in items:  # in place on the entries each phase touches
            for bits, phase in zip(itertools.product((0, 1), repeat=len(qubits)), d):
                if phase != 1:
                    where = [slice(None)] * n
                    for q, bit in zip(qubits, bits):
                        where[q] = bit
                    v[tuple(where)] *= phase
        self.vr = np.ascontiguousarray(v.real.reshape(-1))
        self.vi = np.ascontiguousarray(v.imag.reshape(-1))
        self.vi_conj = -self.vi

    def forward(self, re, im):
        K.multiply(re, im, self.vr, self.vi)

    def backward(self, re, im, lre, lim):
        K.multiply(re, im, self.vr, self.vi_conj)
        K.multiply(lre, lim, self.vr, self.vi_conj)
        return ()


class _SingleQubitRun:
    r"""Consecutive one-qubit gates on one qubit, applied as one 2x2 per sample.

    Every gate's derivative comes from the states at the end of the run:
    :math:`\langle\lambda_i|P|\psi_i\rangle = \mathrm{Tr}[Q_i D]` with
    :math:`Q_i = A_i P A_i^\dagger`, :math:`A_i` the product of the later gates
    of the run, and :math:`D_{ji} = \langle\lambda|_i |\psi\rangle_j` the 2x2
    reduced overlap on the qubit, computed in the same pass that undoes the
    run on both states (:func:`~tnbp.states.dense_kernels.overlap_apply_1q`).
    """

    def __init__(self, ks, q, gates, mats, n):
        self.s = K.stride(n, q)
        U = mats[ks[0]]
        for k in ks[1:]:
            U = np.matmul(mats[k], U)
        self.u, self.u_dag = K.pack(U), K.pack(U.conj().transpose(0, 2, 1))
        self.trainable, Qs = [], []
        A, B = np.eye(2, dtype=complex), U.shape[0]
        for k in reversed(ks):
            if gates[k].trainable:
                self.trainable.append(k)
                Q = A @ pauli_matrix(gates[k].pauli) @ np.conj(A).swapaxes(-1, -2)
                Qs.append(np.broadcast_to(Q, (B, 2, 2)))
            A = A @ mats[k]
        if Qs:  # (B, t, 2, 2): Q of each trainable gate, per sample
            self.Q = np.stack(Qs, axis=1)

    def forward(self, re, im):
        K.apply_1q(re, im, self.u, self.s)

    def backward(self, re, im, lre, lim):
        d = np.empty((re.shape[0], 8))
        K.overlap_apply_1q(re, im, lre, lim, self.u_dag, self.s, d)
        if not self.trainable:
            return ()
        values = np.einsum("btij,bij->bt", self.Q, d.view(complex).reshape(-1, 2, 2))
        return zip(self.trainable, values.imag.T)


def _blocks(circuit: Circuit, mats, diagonals: dict) -> list:
    """Group gates into fused runs (see the classes above), in order.

    ``diagonals`` maps the gates of a fixed diagonal run to its block, so that
    equal runs (every layer of an ansatz, every chunk of a batch) are built once.
    """
    blocks, k, gates, n = [], 0, circuit.gates, circuit.n
    while k < len(gates):
        g = gates[k]
        if len(g.qubits) == 1:
            run = [k]
            while k + len(run) < len(gates) and gates[k + len(run)].qubits == g.qubits:
                run.append(k + len(run))
            blocks.append(_SingleQubitRun(run, g.qubits[0], gates, mats, n))
            k += len(run)
            continue
        items = []  # a run of fixed diagonal gates shared by the batch
        while k < len(gates) and not gates[k].trainable:
            m = mats[k][0]
            if np.any(m - np.diag(np.diag(m))) or not np.all(mats[k] == m):
                break
            items.append((gates[k].qubits, np.diag(m)))
            k += 1
        if items:
            key = tuple((q, d.tobytes()) for q, d in items)
            if key not in diagonals:
                diagonals[key] = _FixedDiagonal(n, items)
            blocks.append(diagonals[key])
        else:
            blocks.append(_Gate(k, g, mats[k], n))
            k += 1
    return blocks
