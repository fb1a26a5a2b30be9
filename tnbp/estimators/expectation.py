"""Expectation values of Pauli strings."""

from __future__ import annotations

import numpy as np

from ..models.operators import Observable, as_observable
from ..models.paulis import check_pauli
from .budget import with_trotter_error
from .estimate import Estimate, clip_error, flagged
from .subsystems import check_state, check_subsystem


@with_trotter_error
def expectation(state, pauli: str, qubits) -> Estimate:
    r"""Expectation :math:`\mathrm{Tr}(\rho\, P_{q_1} \otimes P_{q_2} \cdots)` of a Pauli string.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    pauli : str
        Pauli string, one letter (I, X, Y, Z) per listed qubit.
    qubits : int or sequence of int
        Distinct qubits, in the order of the letters.

    Returns
    -------
    Estimate
        The real value in ``[-1, 1]``, with the state's caveats and
        ``truncation_error`` :math:`2T` for a state at trace distance
        :math:`T` from the exact one (Hoelder; 0 for the identity string, see
        :mod:`tnbp.estimators.estimate`), clipped to the range ``[-1, 1]``
        (:func:`~tnbp.estimators.estimate.clip_error`).

    Raises
    ------
    TypeError
        If ``state`` is not a State, ``qubits`` is not a qubit or a sequence of
        them, or ``pauli`` is not a string.
    ValueError
        If ``qubits`` is empty, out of range or repeated, or ``pauli`` has
        letters other than I, X, Y, Z or a length other than ``len(qubits)``.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).

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
    value = state.expectation_pauli(pauli, qubits)
    error = 0.0 if set(pauli) == {"I"} else 2 * state.truncation_distance
    return flagged(state, value, clip_error(error, value, -1.0, 1.0))


def observable_value(state, obs: Observable) -> float:
    r"""Expectation :math:`\langle O \rangle` of a validated :class:`~tnbp.observables.Observable`.

    Parameters
    ----------
    state : State
        The state.
    obs : Observable
        A weighted sum of products of one-qubit operators on ``state``'s
        qubits, already checked against ``state.n``.

    Returns
    -------
    float
        :math:`c_0 + \sum_t c_t \,\mathrm{Re}\langle \bigotimes_q O^{(t)}_q\rangle`,
        in the units of the coefficients (no caveats attached).
    """
    total = obs.constant
    for term in obs.terms:
        total += term.coeff * float(np.real(state.expectation_product(term.as_dict())))
    return total


@with_trotter_error
def expectation_value(state, observable) -> Estimate:
    r"""Expectation :math:`\langle O \rangle` of an observable or cost function.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    observable : Observable or list of (coeff, pauli, qubits)
        E.g. ``[(1.0, "ZZ", (3, 4)), (0.5, "X", (0,))]``, or
        :func:`tnbp.observables.global_cost` / :func:`~tnbp.observables.local_cost`
        (eqs. 3 and 4 of arXiv:2005.12458).

    Returns
    -------
    Estimate
        The real value, in the units of the coefficients, with the state's
        caveats and ``truncation_error`` :math:`T (u - \ell)` for a state at
        trace distance :math:`T` from the exact one, with :math:`[\ell, u]` an
        interval containing every expectation of :math:`O`
        (:meth:`~tnbp.models.operators.Observable.bounds`; Hoelder with
        :math:`O` shifted to the middle of it: :math:`2T\sum_t |c_t|` for
        Pauli sums, :math:`T` for the costs of eqs. 3-4), clipped to that
        interval (:func:`~tnbp.estimators.estimate.clip_error`).

    Raises
    ------
    TypeError
        If ``state`` is not a State or ``observable`` is not an Observable or a
        list of ``(coeff, pauli, qubits)`` tuples.
    ValueError
        If ``observable`` has no terms, a malformed term, or qubits outside
        ``0..n-1``.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(2); c.h(0); c.cnot(0, 1)
    >>> obs = [(1.0, "ZZ", (0, 1)), (0.5, "XX", (0, 1))]
    >>> round(tnbp.expectation_value(tnbp.simulate(c), obs), 12)
    1.5
    """
    state = check_state(state)
    obs = as_observable(observable, state.n)
    value = observable_value(state, obs)
    lower, upper = obs.bounds()
    # |Tr[(rho - sigma)(O - c)]| <= 2T ||O - c|| with c the middle of O's range
    return flagged(
        state,
        value,
        clip_error(state.truncation_distance * (upper - lower), value, lower, upper),
    )
