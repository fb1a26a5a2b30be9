"""Shared by the gradient-ensemble benchmarks (``gradients_dense``, ``gradients_tn``).

The workload of a barren-plateau study: the full gradient of one cost for
many random instances (angles) of one circuit structure, here the
hardware-efficient ansatz with RY and RZ on every qubit and CZ entanglers.
"""

from __future__ import annotations

#: every engine's gradient must agree with tnbp's reference to this (or exit 1)
GRAD_TOL = 1e-8

#: tnbp rotations and entanglers with the same name (and convention,
#: ``exp(-i theta P / 2)``) in PennyLane and quimb
GATE_NAMES = {"X": "RX", "Y": "RY", "Z": "RZ", "CZ": "CZ", "CNOT": "CNOT"}


def ensemble(n: int, layers: int, pattern: str, samples: int, seed: int) -> list:
    """The samples: ``hardware_efficient(n, layers, ...)`` with seeds ``seed + s``.

    RY then RZ on every qubit, then CZ on the bonds ``pattern`` selects
    (``"ladder"``: every bond each layer; ``"brick"``: even and odd bonds in
    turn). Same structure for every sample, different angles.
    """
    import tnbp

    return [
        tnbp.ansatz.hardware_efficient(
            n,
            layers,
            rotations=("Y", "Z"),
            entangler="cz",
            pattern=pattern,
            seed=seed + s,
        )
        for s in range(samples)
    ]


def gate_names(circ) -> list[tuple[str, tuple[int, ...]]]:
    """``(name, qubits)`` per gate in tnbp's order: ``RX/RY/RZ`` (trainable) or ``CZ/CNOT``.

    tnbp qubit ``k`` is qubit (wire) ``k`` of the peer; a name starting with
    ``R`` takes the next angle of ``circ.parameters``.
    """
    ops = []
    for g in circ.gates:
        if g.pauli is not None and len(g.pauli) == 1 and g.trainable:
            ops.append((GATE_NAMES[g.pauli], g.qubits))
        elif g.pauli is None and g.label in ("CZ", "CNOT"):
            ops.append((g.label, g.qubits))
        else:
            raise ValueError(f"no peer translation for gate {g.label} {g.qubits}")
    return ops
