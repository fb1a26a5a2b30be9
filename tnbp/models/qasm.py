"""OpenQASM 2 import.

Parsing (registers, ``include "qelib1.inc"``, user ``gate`` definitions,
parameter expressions) is done by quimb's OpenQASM 2 reader; this module maps
its gates onto a :class:`~tnbp.Circuit`. ``rx``, ``ry`` and ``rz`` become
(trainable) Pauli rotations with the same sign convention; every other gate
becomes a fixed unitary. ``barrier`` and ``creg`` are ignored; ``measure`` is
dropped with a warning, since tnbp simulates the pre-measurement pure state.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .circuit import Circuit

_ROTATIONS = {"RX": "X", "RY": "Y", "RZ": "Z"}


def from_qasm(source: str | Path, *, trainable: bool = True) -> Circuit:
    """Build a :class:`~tnbp.Circuit` from OpenQASM 2 text or a ``.qasm`` file.

    Parameters
    ----------
    source : str or pathlib.Path
        The program text, or a path to a file holding it (a one-line string
        ending in ``.qasm`` is read as a path).
    trainable : bool, optional
        Whether ``rx``/``ry``/``rz`` angles become trainable parameters.

    Returns
    -------
    Circuit
        On the declared qubits (registers concatenated in declaration order),
        one gate per instruction: ``rx``/``ry``/``rz`` as Pauli rotations with
        the same angle, every other gate as a fixed unitary labelled by its
        quimb name.

    Raises
    ------
    TypeError
        If ``source`` is neither a string nor a path.
    ValueError
        If the program is not valid OpenQASM 2, declares no qubits, or uses
        gates on three or more qubits.

    Warns
    -----
    UserWarning
        When ``measure`` instructions were dropped.

    Examples
    --------
    >>> c = from_qasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; '
    ...               'cx q[0], q[1]; rz(0.5) q[1];')
    >>> [g.label for g in c.gates], c.parameters.tolist()
    (['H', 'CX', 'RZ'], [0.5])
    """
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.endswith(".qasm")
    ):
        source = Path(source).read_text()
    if not isinstance(source, str):
        raise TypeError(f"`source` must be QASM text or a path, got {type(source)!r}.")

    # quimb's parser is imported on first use: building circuits needs no quimb
    from quimb.tensor.circuit.qasm import parse_openqasm2_str

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            info = parse_openqasm2_str(source)
        except Exception as exc:  # quimb raises assorted errors on bad programs
            raise ValueError(f"`source` is not valid OpenQASM 2: {exc}") from exc
    if any("measure" in str(w.message) for w in caught):
        warnings.warn(
            "QASM `measure` instructions were dropped: tnbp simulates the "
            "pre-measurement state.",
            UserWarning,
            stacklevel=2,
        )

    if info["n"] < 1:
        raise ValueError("`source` declares no qubits (no `qreg`).")
    try:
        return _build(info, trainable)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`source`: {exc}") from exc


def _build(info: dict, trainable: bool) -> Circuit:
    from quimb.tensor.circuit.gates import parse_to_gate

    circ = Circuit(info["n"])
    for raw in info["gates"]:
        gate = parse_to_gate(raw)
        if len(gate.qubits) > 2 or gate.controls:
            raise ValueError(
                f"gate {gate.label} on {len(gate.qubits)} qubits is not "
                "supported (one- and two-qubit gates only); decompose it first."
            )
        if gate.label in _ROTATIONS:
            circ.pauli_rotation(
                float(gate.params[0]),
                _ROTATIONS[gate.label],
                gate.qubits,
                trainable=trainable,
            )
        else:
            circ.apply(gate.array, *gate.qubits, label=gate.label)
    return circ
