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


def quimb_circuit_of(circ, params):
    """A fresh ``quimb.tensor.Circuit`` of any tnbp circuit's gates, these angles.

    Trainable one-qubit Pauli rotations go through quimb's ``RX/RY/RZ``
    (``exp(-i theta P / 2)``, tnbp's convention), every other gate through
    ``apply_gate_raw`` with tnbp's matrix (first listed qubit most significant,
    as in quimb). tnbp qubit ``k`` is quimb qubit ``k``.
    """
    import numpy as np
    import quimb.tensor as qtn

    qc = qtn.Circuit(circ.n)
    k = 0
    for g in circ.gates:
        if g.trainable:
            if g.pauli is None or len(g.pauli) != 1:
                raise ValueError(f"no quimb rotation for gate {g.label} {g.qubits}")
            qc.apply_gate(GATE_NAMES[g.pauli], float(params[k]), *g.qubits)
            k += 1
        else:
            qc.apply_gate_raw(np.array(g.to_matrix()), g.qubits)
    return qc


def shift_rule_quimb(bench, circ, p: int, terms) -> tuple[float, float, int]:
    """``d<O>/d theta_p`` by the parameter-shift rule from quimb, timed.

    ``terms``: ``(coeff, matrix, qubit)`` one-qubit terms of ``O``. Per shift
    ``theta_p +- pi/2`` a fresh quimb circuit is built (untimed), then one
    ``Circuit.local_expectation(matrix, qubit)`` per term whose reverse
    lightcone holds the parameter's gate (the others do not depend on it;
    skipping them favours quimb), with quimb's defaults (``optimize="auto-hq"``,
    ``simplify_sequence="ADCRS"``). Returns the derivative, the seconds spent
    in those calls and their number.
    """
    import numpy as np

    gate = circ.parameter_gates[p]
    live = [(c, m, q) for c, m, q in terms if gate in circ.lightcone((q,))]
    values, seconds = {}, 0.0
    for sign in (1, -1):
        shifted = np.array(circ.parameters, dtype=float)
        shifted[p] += sign * np.pi / 2
        qc = quimb_circuit_of(circ, shifted)
        for i, (_, m, q) in enumerate(live):
            v, dt = bench.timed(lambda qc=qc, m=m, q=q: qc.local_expectation(m, q))
            values[i, sign] = float(np.real(v))
            seconds += dt
    d = sum(
        c * 0.5 * (values[i, 1] - values[i, -1]) for i, (c, _, _) in enumerate(live)
    )
    return float(d), seconds, 2 * len(live)
