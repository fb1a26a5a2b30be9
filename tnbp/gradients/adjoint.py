r"""Adjoint differentiation of many same-structure circuits at once (dense).

For circuits that share a *skeleton* (the same gates on the same qubits, the
same rotation generators and trainable flags; angles and fixed matrices may
differ), the statevectors of all ``B`` circuits are held as one batch and
each gate is applied to all of them by one call of a compiled in-place kernel
(:mod:`tnbp.states.dense_kernels`). One forward sweep and one backward sweep
give every derivative:

.. math::

    \partial_k f = \mathrm{Im}\,\langle\lambda_k| P_k |\psi_k\rangle, \qquad
    |\psi_k\rangle = U_k \cdots U_1 |\psi_0\rangle, \quad
    |\lambda_k\rangle = U_{k+1}^\dagger \cdots U_N^\dagger O |\psi_N\rangle.

The gates are fused first: consecutive one-qubit gates on a qubit become one
2x2 per sample, whose backward step is one pass over both states that also
yields the derivatives of all its rotations (a 2x2 reduced overlap); runs of
fixed diagonal gates shared by the batch (a CZ line) become one vector over
the register. Per gradient of the deep hardware-efficient ansatz (``L = n``
layers, one thread, both in one process) this is 3.5-8.5x faster than the
numpy batched-GEMM sweep it replaced for batches of 16-40 samples at every
``n`` from 2 to 16 (1.4 against 0.33 ms at ``n = 8``, 66 against 13-19 ms at
``n = 14``) and 1.3-1.6x for one circuit of 2-6 qubits, where the per-gate
Python cost dominates and batching still amortizes it. There is no numpy
path left to choose: the kernels were faster at every size measured.
``benchmarks/gradients_dense.py`` compares the sweep with PennyLane
lightning.
"""

from __future__ import annotations

import itertools

import numpy as np

from .._threads import blas_threads_limit
from ..models.circuit import Circuit
from ..models.gates import rotation_matrix
from ..models.operators import Observable
from ..models.paulis import pauli_matrix
from ..states import dense_kernels as K

#: Amplitudes per sweep (B * 2^n): enough samples to amortize the per-gate
#: Python cost at small n, few enough that the four float64 arrays of the batch
#: (8 MiB) stay in cache (per-sample kernel time rose 2.5x at 2^20 amplitudes).
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


def _apply(psi: np.ndarray, G: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    """Apply per-sample matrices ``G`` (B, d, d) (or one (d, d)) to ``psi`` (B, 2, ..., 2)."""
    B = psi.shape[0]
    G = np.broadcast_to(G, (B,) + G.shape[-2:])
    if len(qubits) == 1:
        q = qubits[0]
        if (
            q == psi.ndim - 2
        ):  # last qubit: rows of (B, L, 2) times G^T, one GEMM per sample
            x = psi.reshape(B, -1, 2)
            return np.matmul(x, G.transpose(0, 2, 1)).reshape(psi.shape)
        x = psi.reshape(B, 2**q, 2, -1)  # (2 x 2) @ (2 x R) blocks
        return np.matmul(G[:, None], x).reshape(psi.shape)
    axes = tuple(1 + q for q in qubits)
    x = np.moveaxis(psi, axes, (1, 2)).reshape(B, 4, -1)
    out = np.matmul(G, x).reshape((B, 2, 2) + tuple(np.delete(psi.shape[1:], qubits)))
    return np.moveaxis(out, (1, 2), axes)


def _apply_observable(obs: Observable, psi: np.ndarray) -> np.ndarray:
    r""":math:`O|\psi\rangle` for a batch of statevectors (B, 2, ..., 2)."""
    out = obs.constant * psi
    for term in obs.terms:
        phi = psi
        for q, op in zip(term.qubits, term.ops):
            phi = _apply(phi, op, (q,))
        out = out + term.coeff * phi
    return out


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


def _adjoint_chunk(circuits, obs: Observable, initial: str, diagonals) -> np.ndarray:
    first = circuits[0]
    n, B = first.n, len(circuits)
    blocks = _blocks(first, _matrices(circuits), diagonals)
    re, im = np.zeros((B, 2**n)), np.zeros((B, 2**n))
    re[:, int(initial, 2)] = 1.0
    for block in blocks:
        block.forward(re, im)
    psi = (re + 1j * im).reshape((B,) + (2,) * n)
    lre, lim = K.split(_apply_observable(obs, psi).reshape(B, -1))
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
        diagonal = np.einsum("bii->bi", m)
        if np.any(m - diagonal[:, :, None] * np.eye(m.shape[-1])):
            self.kernel = K.apply_2q
            self.u, self.u_dag = K.pack(m), K.pack(m.conj().transpose(0, 2, 1))
        else:  # rescales only the amplitudes whose phase is not 1
            self.kernel = K.phase_2q
            self.u, self.u_dag = K.pack(diagonal), K.pack(diagonal.conj())
        if self.pauli is not None:  # P = i^nY X^x Z^z (see dense_kernels)
            self.x = sum(s for s, p in zip(self.s, self.pauli) if p in "XY")
            self.z = sum(s for s, p in zip(self.s, self.pauli) if p in "ZY")

    def forward(self, re, im):
        self.kernel(re, im, self.u, *self.s)

    def backward(self, re, im, lre, lim):
        if self.pauli is not None:
            out = np.empty((re.shape[0], 2))
            K.pauli_overlap(lre, lim, re, im, self.x, self.z, out)
            yield self.k, (1j ** self.pauli.count("Y") * out.view(complex)[:, 0]).imag
        for r, i in ((re, im), (lre, lim)):
            self.kernel(r, i, self.u_dag, *self.s)


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
    :math:`\langle\lambda_i|P|\psi_i\rangle = \sum_{jk} (Q_i)_{jk} D_{jk}` with
    :math:`Q_i = A_i P A_i^\dagger`, :math:`A_i` the product of the later gates
    of the run, and :math:`D_{jk} = \langle\lambda_j|\psi_k\rangle` the 2x2
    reduced overlap on the qubit. :math:`Q_i` is Hermitian, so the imaginary
    part takes four real numbers of :math:`D`, computed in the same pass that
    undoes the run on both states
    (:func:`~tnbp.states.dense_kernels.overlap_apply_1q`). Built by
    :func:`_runs`.
    """

    def __init__(self, s, u, u_dag, trainable, Q):
        self.s, self.u, self.u_dag = s, u, u_dag
        self.trainable, self.Q = trainable, Q

    def forward(self, re, im):
        K.apply_1q(re, im, self.u, self.s)

    def backward(self, re, im, lre, lim):
        d = np.empty((re.shape[0], 4))
        K.overlap_apply_1q(re, im, lre, lim, self.u_dag, self.s, d)
        if not self.trainable:
            return ()
        return zip(self.trainable, np.einsum("btc,bc->tb", self.Q, d))


def _runs(runs, gates, mats, n: int) -> list:
    """The :class:`_SingleQubitRun` of each ``(gate indices, qubit)`` in ``runs``.

    Runs with the same generators are built together (one stack of matrices
    per kind of run, instead of a dozen small numpy calls per run).
    """
    kinds = {}
    for i, (ks, _) in enumerate(runs):
        kind = tuple(gates[k].pauli if gates[k].trainable else None for k in ks)
        kinds.setdefault(kind, []).append(i)
    out = [None] * len(runs)
    for kind, members in kinds.items():
        # M[l]: the l-th gate of every member run, (R, B, 2, 2)
        M = [np.stack([mats[runs[i][0][l]] for i in members]) for l in range(len(kind))]
        U = M[0]
        for m in M[1:]:
            U = m @ U
        u, u_dag = (
            K.pack(U.reshape(-1, 2, 2)),
            K.pack(np.conj(U).swapaxes(-1, -2).reshape(-1, 2, 2)),
        )
        R, B = U.shape[:2]
        u, u_dag = u.reshape(R, B, 8), u_dag.reshape(R, B, 8)
        A, Qs, where = np.eye(2, dtype=complex), [], []
        for l in reversed(range(len(kind))):
            if kind[l] is not None:
                Q = A @ pauli_matrix(kind[l]) @ np.conj(A).swapaxes(-1, -2)
                Q = np.broadcast_to(Q, (R, B, 2, 2))
                # the weights of the four numbers overlap_apply_1q returns
                Qs.append(
                    np.stack(
                        [
                            Q[..., 0, 0].real,
                            Q[..., 1, 1].real,
                            Q[..., 0, 1].real,
                            Q[..., 0, 1].imag,
                        ],
                        axis=-1,
                    )
                )
                where.append(l)
            A = A @ M[l]
        Q = np.stack(Qs, axis=2) if Qs else None  # (R, B, t, 4)
        for r, i in enumerate(members):
            ks, q = runs[i]
            trainable = [ks[l] for l in where]
            out[i] = _SingleQubitRun(
                K.stride(n, q), u[r], u_dag[r], trainable, None if Q is None else Q[r]
            )
    return out


def _blocks(circuit: Circuit, mats, diagonals: dict) -> list:
    """Group gates into fused runs (see the classes above), in order.

    ``diagonals`` maps the gates of a fixed diagonal run to its block, so that
    equal runs (every layer of an ansatz, every chunk of a batch) are built once.
    """
    blocks, k, gates, n = [], 0, circuit.gates, circuit.n
    runs, places = [], []  # one-qubit runs, built together at the end
    while k < len(gates):
        g = gates[k]
        if len(g.qubits) == 1:
            run = [k]
            while k + len(run) < len(gates) and gates[k + len(run)].qubits == g.qubits:
                run.append(k + len(run))
            runs.append((run, g.qubits[0]))
            places.append(len(blocks))
            blocks.append(None)
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
    for place, block in zip(places, _runs(runs, gates, mats, n)):
        blocks[place] = block
    return blocks
