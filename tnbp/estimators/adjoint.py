"""Adjoint differentiation of many same-structure circuits at once (dense).

For circuits that share a *skeleton* (the same gates on the same qubits, the
same rotation generators and trainable flags; angles and fixed matrices may
differ), the statevectors of all ``B`` circuits are held as one ``(B, 2^n)``
array and each gate is applied to all of them with one batched matrix
product. One forward sweep and one backward sweep give every derivative:

.. math::

    \\partial_k f = \\mathrm{Im}\\,\\langle\\lambda_k| P_k |\\psi_k\\rangle, \\qquad
    |\\psi_k\\rangle = U_k \\cdots U_1 |\\psi_0\\rangle, \\quad
    |\\lambda_k\\rangle = U_{k+1}^\\dagger \\cdots U_N^\\dagger O |\\psi_N\\rangle.

Batching removes the per-gate Python overhead that dominates single
statevector sweeps below ~14 qubits.
"""

from __future__ import annotations

import numpy as np

from ..circuit import Circuit
from ..observables import Observable
from ..paulis import pauli_matrix

#: Amplitudes per sweep (B * 2^n): enough samples to amortize Python overhead
#: at small n, few enough that the stack stays in cache.
BATCH_AMPLITUDES = 2**16


def skeleton(circuit: Circuit) -> tuple:
    """What must agree between circuits for them to be differentiated together."""
    return tuple((g.qubits, g.pauli, g.trainable) for g in circuit.gates)


def _apply(psi: np.ndarray, G: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    """Apply per-sample matrices ``G`` (B, d, d) (or one (d, d)) to ``psi`` (B, 2, ..., 2)."""
    B = psi.shape[0]
    G = np.broadcast_to(G, (B,) + G.shape[-2:])
    if len(qubits) == 1:
        x = psi.reshape(B, 2 ** qubits[0], 2, -1)
        x0, x1 = x[:, :, 0], x[:, :, 1]
        g = G[:, :, :, None, None]  # (B, 2, 2, 1, 1) broadcasts over (L, R)
        out = np.empty_like(x)
        out[:, :, 0] = g[:, 0, 0] * x0 + g[:, 0, 1] * x1
        out[:, :, 1] = g[:, 1, 0] * x0 + g[:, 1, 1] * x1
        return out.reshape(psi.shape)
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
    """:math:`\\langle\\lambda|P|\\psi\\rangle` per sample (one-qubit P without forming P psi)."""
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
    """:math:`O|\\psi\\rangle` for a batch of statevectors (B, 2, ..., 2)."""
    out = obs.constant * psi
    for term in obs.terms:
        phi = psi
        for q, op in zip(term.qubits, term.ops):
            phi = _apply(phi, op, (q,))
        out = out + term.coeff * phi
    return out


def adjoint_gradients(circuits, obs: Observable, initial: str) -> np.ndarray:
    """Gradients of :math:`\\langle O\\rangle` for same-skeleton circuits, shape (B, K).

    Parameters
    ----------
    circuits : sequence of Circuit
        Circuits with one :func:`skeleton`.
    obs : Observable
        Validated observable.
    initial : str
        Validated initial bitstring.
    """
    circuits = list(circuits)
    batch = max(1, BATCH_AMPLITUDES >> circuits[0].n)
    out = [
        _adjoint_chunk(circuits[i : i + batch], obs, initial)
        for i in range(0, len(circuits), batch)
    ]
    return np.concatenate(out, axis=0)


def _adjoint_chunk(circuits, obs: Observable, initial: str) -> np.ndarray:
    first = circuits[0]
    n, B = first.n, len(circuits)
    gates = [c.gates for c in circuits]
    steps = []  # per gate: (apply function, forward operand, backward operand)
    for k in range(len(first)):
        m = np.stack([gs[k].to_matrix() for gs in gates])
        off = m - np.einsum("bii->bi", m)[:, :, None] * np.eye(m.shape[-1])
        if not np.any(off):
            d = np.einsum("bii->bi", m)
            steps.append((_apply_diagonal, d, d.conj()))
        else:
            steps.append((_apply, m, m.conj().transpose(0, 2, 1)))
    psi = np.zeros((B, 2**n), dtype=complex)
    psi[:, int(initial, 2)] = 1.0
    psi = psi.reshape((B,) + (2,) * n)
    for (fn, fwd, _), g in zip(steps, first.gates):
        psi = fn(psi, fwd, g.qubits)
    lam = _apply_observable(obs, psi)
    grads = []
    for k in range(len(first) - 1, -1, -1):
        g = first.gates[k]
        fn, _, bwd = steps[k]
        if g.trainable:
            p_psi = _apply(psi, pauli_matrix(g.pauli), g.qubits)
            overlap = np.einsum(
                "bi,bi->b", lam.reshape(B, -1).conj(), p_psi.reshape(B, -1)
            )
            grads.append(overlap.imag)
        psi = fn(psi, bwd, g.qubits)
        lam = fn(lam, bwd, g.qubits)
    return np.array(grads[::-1]).T.reshape(B, -1)
