r"""Gate fusion: the same unitary with one gate per run of gates on a qubit pair.

A circuit such as the unitary QNN of arXiv:2010.15968 applies nine rotations
:math:`e^{-i\theta_k P_k}` on each neighbouring pair in a row, after three
single-qubit rotations on every qubit. An MPS simulation pays one SVD of the
bond per two-qubit gate; multiplying the run into one :math:`4\times 4`
unitary first leaves the state unchanged and costs one SVD per run (nine times
fewer for that circuit, and a truncation error accumulated nine times less
often).

:func:`fuse_gates` walks the gate list once:

- a single-qubit gate is held back on its qubit (multiplied into what is
  already held there): it commutes with every gate on other qubits;
- a two-qubit gate on :math:`(i, j)` takes in what is held on ``i`` and ``j``
  and is multiplied into the last fused gate if that gate acts on the same
  pair and no gate has touched ``i`` or ``j`` since (gates in between act on
  other qubits, so they commute with both); otherwise it starts a new fused
  gate;
- what is still held at the end is appended as single-qubit gates.

The result is exact up to rounding (products of unitaries); its gates are
fixed (not trainable): a fused circuit is for simulation, not for gradients.
"""

from __future__ import annotations

import numpy as np

from .circuit import Circuit
from .gates import Gate

#: label of a fused gate
FUSED_LABEL = "fused"


def _on_pair(U: np.ndarray, qubits: tuple[int, ...], pair: tuple[int, int]):
    """``U`` on ``qubits`` (a subset of ``pair``) as a 4 x 4 matrix on ``pair``."""
    if qubits == pair:
        return U
    if len(qubits) == 2:  # the reversed pair: swap the tensor factors
        return U.reshape(2, 2, 2, 2).transpose(1, 0, 3, 2).reshape(4, 4)
    eye = np.eye(2)
    return np.kron(U, eye) if qubits[0] == pair[0] else np.kron(eye, U)


def fuse_gates(circuit: Circuit) -> Circuit:
    r"""The same circuit with runs of gates on one qubit pair multiplied into one gate.

    See :mod:`tnbp.models.fusion` for the rules. The output applies the same
    unitary as ``circuit`` (up to floating-point rounding) with at most as many
    two-qubit gates, each run of consecutive gates within a pair (gates on
    other qubits in between allowed) and the single-qubit gates before it
    fused into one fixed :math:`4\times 4` gate.

    Parameters
    ----------
    circuit : Circuit
        Any circuit.

    Returns
    -------
    Circuit
        A new circuit on ``circuit.n`` qubits with fixed gates only (no
        trainable parameters), each labelled ``"fused"``: the fused two-qubit
        gates, then the single-qubit gates that no later two-qubit gate took
        in (gates act on one or two qubits, as :class:`~tnbp.Circuit`
        allows).

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`.

    Examples
    --------
    Nine rotations on one pair become one gate:

    >>> import tnbp
    >>> from tnbp import ansatz
    >>> qnn = ansatz.unitary_qnn(2, seed=0)
    >>> len(qnn), len(fuse_gates(qnn))
    (15, 1)
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp Circuit, got {type(circuit)!r}.")
    held: dict[int, np.ndarray] = {}  # single-qubit gates waiting on their qubit
    out: list[Gate] = []
    last: dict[int, int] = {}  # qubit -> index in `out` of the last gate on it
    for gate in circuit.gates:
        U = np.asarray(gate.to_matrix())
        qubits = gate.qubits
        if len(qubits) == 1:
            (q,) = qubits
            held[q] = U @ held[q] if q in held else U
            continue
        i, j = qubits
        before = np.kron(held.pop(i, np.eye(2)), held.pop(j, np.eye(2)))
        U = U @ before
        k = last.get(i)
        if k is not None and k == last.get(j) and set(out[k].qubits) == {i, j}:
            pair = out[k].qubits
            U = _on_pair(U, qubits, pair) @ out[k].matrix
            out[k] = Gate(pair, FUSED_LABEL, matrix=U)
        else:
            out.append(Gate(qubits, FUSED_LABEL, matrix=U))
            last[i] = last[j] = len(out) - 1
    for q in sorted(held):
        out.append(Gate((q,), FUSED_LABEL, matrix=held[q]))
    fused = Circuit(circuit.n)
    fused._gates = out  # the gates are immutable; as Circuit.subcircuit does
    return fused
