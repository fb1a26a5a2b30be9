"""Expectation values of Pauli strings."""

from __future__ import annotations

from ..diagnostics import Estimate, flagged
from ..paulis import check_pauli
from ._common import check_state, check_subsystem


def expectation(state, pauli: str, qubits) -> Estimate:
    """:math:`\\langle\\psi| P_{q_1} \\otimes P_{q_2} \\cdots |\\psi\\rangle`, a real number.

    Parameters
    ----------
    state : State
    pauli : str
        Pauli string, one letter (I, X, Y, Z) per listed qubit.
    qubits : int or sequence of int
        Distinct qubits, in the order of the letters.

    Returns
    -------
    Estimate
        The value, with ``truncation_error`` :math:`2T` for a state at trace
        distance :math:`T` from the exact one (:mod:`tnbp.diagnostics`).

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(2); c.h(0); c.cnot(0, 1)
    >>> round(tnbp.expectation(tnbp.simulate(c), "ZZ", (0, 1)), 12)
    1.0
    """
    state = check_state(state)
    qubits = check_subsystem(state, qubits)
    pauli = check_pauli(pauli, len(qubits))
    error = 0.0 if set(pauli) == {"I"} else min(2.0, 2 * state.truncation_distance)
    return flagged(state, state.expectation_pauli(pauli, qubits), error)
