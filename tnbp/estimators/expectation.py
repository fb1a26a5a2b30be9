"""Expectation values of Pauli strings."""

from __future__ import annotations

import numpy as np

from ..models.operators import Observable, as_observable
from ..models.paulis import check_pauli
from .estimate import Estimate, flagged
from .subsystems import check_state, check_subsystem


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
        distance :math:`T` from the exact one (:mod:`tnbp.estimators.estimate`).

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


def observable_value(state, obs: Observable) -> float:
    """:math:`\\langle O \\rangle` for a validated :class:`~tnbp.observables.Observable`."""
    total = obs.constant
    for term in obs.terms:
        total += term.coeff * float(np.real(state.expectation_product(term.as_dict())))
    return total


def expectation_value(state, observable) -> Estimate:
    """:math:`\\langle O \\rangle` of an observable or cost function.

    Parameters
    ----------
    state : State
    observable : Observable or list of (coeff, pauli, qubits)
        E.g. ``[(1.0, "ZZ", (3, 4)), (0.5, "X", (0,))]``, or
        :func:`tnbp.observables.global_cost` / :func:`~tnbp.observables.local_cost`.

    Returns
    -------
    Estimate
        With ``truncation_error`` :math:`2T \\sum_t |c_t| \\prod_q \\|O_q\\|`.
    """
    state = check_state(state)
    obs = as_observable(observable, state.n)
    scale = sum(
        abs(t.coeff) * np.prod([np.linalg.norm(op, 2) for op in t.ops])
        for t in obs.terms
    )
    return flagged(
        state, observable_value(state, obs), 2 * state.truncation_distance * scale
    )
