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

import numpy as np

from .._threads import blas_threads_limit
from ..models.circuit import Circuit
from ..models.operators import Observable
from ..models.paulis import pauli_matrix

#: Amplitudes per sweep (B * 2^n): enough samples to amortize Python overhead
#: at small n, few enough that the stack stays in cache.
BATCH_AMPLITUDES = 2**16


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


def _apply_diagonal(
    psi: np.ndarray, d: np.ndarray, qubits: tuple[int, ...]
) -> np.ndarray:
    """Multiply ``psi`` (B, 2, ..., 2) by per-sample diagonals ``d`` (B, 2^k)."""
    B, n = psi.shape[0], psi.ndim - 1
    shape = [B] + [1] * n
    for q in qubits:
        shape[1 + q] = 2
    order = np.argsort(qubits)  # d is indexed in the gate's qubit order
    factor = d.reshape((B,) + (2,) * len(qubits)).transpose((0, *(1 + order)))
    return psi * factor.reshape(shape)


def _pauli_overlap(lam: np.ndarray, psi: np.ndarray, pauli: str, qubits) -> np.ndarray:
    r""":math:`\langle\lambda|P|\psi\rangle` per sample (one-qubit P without forming P psi)."""
    B = psi.shape[0]
    if len(qubits) == 1:
        q = qubits[0]
        l0, l1 = (
            lam.reshape(B, 2**q, 2, -1)[:, :, i].reshape(B, -1).conj() for i in (0, 1)
        )
        p0, p1 = (psi.reshape(B, 2**q, 2, -1)[:, :, i].reshape(B, -1) for i in (0, 1))
        dot = lambda a, b: np.einsum("bi,bi->b", a, b)  # noqa: E731
        if pauli == "Z":
            return dot(l0, p0) - dot(l1, p1)
        if pauli == "X":
            return dot(l0, p1) + dot(l1, p0)
        return -1j * dot(l0, p1) + 1j * dot(l1, p0)  # Y
    p_psi = _apply(psi, pauli_matrix(pauli), qubits)
    return np.einsum("bi,bi->b", lam.reshape(B, -1).conj(), p_psi.reshape(B, -1))


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
    with blas_threads_limit(1):  # small GEMMs: one thread is fastest (see backends.mps)
        out = [
            _adjoint_chunk(circuits[i : i + batch], obs, initial)
            for i in range(0, len(circuits), batch)
        ]
    return np.concatenate(out, axis=0)


def _adjoint_chunk(circuits, obs: Observable, initial: str) -> np.ndarray:
    first = circuits[0]
    n, B = first.n, len(circuits)
    gates = [c.gates for c in circuits]
    mats = [np.stack([gs[k].to_matrix() for gs in gates]) for k in range(len(first))]
    blocks = _blocks(first, mats)
    psi = np.zeros((B, 2**n), dtype=complex)
    psi[:, int(initial, 2)] = 1.0
    psi = psi.reshape((B,) + (2,) * n)
    for block in blocks:
        psi = block.forward(psi)
    lam = _apply_observable(obs, psi)
    grads = np.zeros((B, first.num_parameters))
    column = {k: i for i, k in enumerate(first.parameter_gates)}
    for block in reversed(blocks):
        for k, value in block.derivatives(lam, psi, first.gates, mats):
            grads[:, column[k]] = value
        psi, lam = block.backward(psi), block.backward(lam)
    return grads


class _Gate:
    """One gate applied on its own (per-sample matrices)."""

    def __init__(self, k, qubits, m):
        self.k, self.qubits = k, qubits
        off = m - np.einsum("bii->bi", m)[:, :, None] * np.eye(m.shape[-1])
        self.diag = None if np.any(off) else np.einsum("bii->bi", m)
        self.m = m

    def forward(self, psi):
        if self.diag is not None:
            return _apply_diagonal(psi, self.diag, self.qubits)
        return _apply(psi, self.m, self.qubits)

    def backward(self, psi):
        if self.diag is not None:
            return _apply_diagonal(psi, self.diag.conj(), self.qubits)
        return _apply(psi, self.m.conj().transpose(0, 2, 1), self.qubits)

    def derivatives(self, lam, psi, gates, mats):
        g = gates[self.k]
        if g.trainable:
            yield self.k, _pauli_overlap(lam, psi, g.pauli, g.qubits).imag


class _FixedDiagonal:
    """A run of fixed diagonal gates merged into one vector over the register."""

    def __init__(self, n, items):
        v = np.ones((2,) * n, dtype=complex)
        for qubits, d in items:
            shape = [1] * n
            for q in qubits:
                shape[q] = 2
            order = np.argsort(qubits)
            v = v * d.reshape((2,) * len(qubits)).transpose(order).reshape(shape)
        self.v = v

    def forward(self, psi):
        return psi * self.v

    def backward(self, psi):
        return psi * self.v.conj()

    def derivatives(self, lam, psi, gates, mats):
        return ()


class _SingleQubitRun:
    r"""Consecutive one-qubit gates on one qubit, applied as one 2x2 per sample.

    Every gate's derivative comes from the states at the end of the run:
    :math:`\langle\lambda_i|P|\psi_i\rangle = \mathrm{Tr}[Q_i D]` with
    :math:`Q_i = A_i P A_i^\dagger`, :math:`A_i` the product of the later gates
    of the run, and :math:`D_{ji} = \langle\lambda|_i |\psi\rangle_j` the 2x2
    reduced overlap on the qubit (4 dot products for the whole run).
    """

    def __init__(self, ks, q, mats):
        self.ks, self.q = ks, q
        U = mats[ks[0]]
        for k in ks[1:]:
            U = np.matmul(mats[k], U)
        self.U, self.U_dag = U, U.conj().transpose(0, 2, 1)

    def forward(self, psi):
        return _apply(psi, self.U, (self.q,))

    def backward(self, psi):
        return _apply(psi, self.U_dag, (self.q,))

    def derivatives(self, lam, psi, gates, mats):
        if not any(gates[k].trainable for k in self.ks):
            return
        B = psi.shape[0]
        lv = lam.reshape(B, 2**self.q, 2, -1)
        pv = psi.reshape(B, 2**self.q, 2, -1)
        # D[b, i, j] = <lam_i | psi_j>, as GEMMs (einsum is 10x slower here)
        if lv.shape[-1] == 1:
            D = np.matmul(lv[..., 0].conj().transpose(0, 2, 1), pv[..., 0])
        else:
            D = np.matmul(lv.conj(), pv.transpose(0, 1, 3, 2)).sum(axis=1)
        A = np.broadcast_to(np.eye(2, dtype=complex), (B, 2, 2))
        for k in reversed(self.ks):
            g = gates[k]
            if g.trainable:
                Q = A @ pauli_matrix(g.pauli) @ A.conj().transpose(0, 2, 1)
                yield k, np.einsum("bij,bij->b", Q, D).imag
            A = A @ mats[k]


def _blocks(circuit: Circuit, mats) -> list:
    """Group gates into fused runs (see the classes above), in order."""
    blocks, k, gates, n = [], 0, circuit.gates, circuit.n
    while k < len(gates):
        g = gates[k]
        if len(g.qubits) == 1:
            run = [k]
            while k + len(run) < len(gates) and gates[k + len(run)].qubits == g.qubits:
                run.append(k + len(run))
            blocks.append(_SingleQubitRun(run, g.qubits[0], mats))
            k += len(run)
            continue
        items = []  # a run of fixed diagonal gates shared by the batch
        while k < len(gates):
            gate = _Gate(k, gates[k].qubits, mats[k])
            if (
                gates[k].trainable
                or gate.diag is None
                or not np.all(mats[k] == mats[k][0])
            ):
                break
            items.append((gates[k].qubits, gate.diag[0]))
            k += 1
        if not items:
            blocks.append(gate)
            k += 1
            continue
        blocks.append(_FixedDiagonal(n, items))
    return blocks
