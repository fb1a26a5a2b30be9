r"""Whole-system thermodynamics of a Gibbs state: energy and entropy.

For :math:`\rho = e^{-\beta H}/Z`,
:math:`S = -\mathrm{Tr}\rho\ln\rho = \beta \langle H\rangle + \ln Z`
(nats); :func:`thermal_entropy` reports it in bits like every entropy here.
Both inherit the Trotter error of the state, :math:`O(\beta\,\mathrm{dtau}^{order})`,
which the caller controls by halving ``dtau`` (see :mod:`tnbp.states.gibbs.api`).
"""

from __future__ import annotations

import math

from ..states.gibbs.base import GibbsState
from .estimate import Estimate, flagged


def _check_gibbs(state) -> GibbsState:
    if not isinstance(state, GibbsState):
        raise TypeError(
            f"`state` must be a Gibbs state (from tnbp.gibbs_state), got {type(state)!r}."
        )
    return state


def _energy(state: GibbsState) -> tuple[float, float]:
    r""":math:`\langle H\rangle` and its truncation bound :math:`2T\sum_t|c_t|`."""
    H = state.hamiltonian
    value = H.constant + sum(c * state.expectation_pauli(p, q) for c, p, q in H.terms)
    bound = sum(abs(c) for c, _, _ in H.terms)
    return value, min(2.0, 2 * state.truncation_distance) * bound


def thermal_energy(state) -> Estimate:
    r"""Thermal energy :math:`\langle H\rangle = \mathrm{Tr}(\rho H)` of the state's Hamiltonian.

    Parameters
    ----------
    state : GibbsState
        A Gibbs state from :func:`tnbp.gibbs_state`.

    Returns
    -------
    Estimate
        :math:`\langle H\rangle` in units of :math:`H` (constant included),
        with the state's caveats and ``truncation_error``
        :math:`\min(2, 2T)\sum_t |c_t|` at trace distance :math:`T` from the
        untruncated state (the Trotter error is not included).

    Raises
    ------
    TypeError
        If ``state`` is not a Gibbs state.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).
    """
    state = _check_gibbs(state)
    return flagged(state, *_energy(state))


def thermal_entropy(state) -> Estimate:
    r"""Entropy of the whole system in bits, :math:`(\beta\langle H\rangle + \ln Z)/\ln 2`.

    Parameters
    ----------
    state : GibbsState
        A Gibbs state from :func:`tnbp.gibbs_state`.

    Returns
    -------
    Estimate
        The von Neumann entropy :math:`S(\rho)` of all ``n`` qubits in bits,
        in ``[0, n]``, with the state's caveats and ``truncation_error``
        :math:`\beta/\ln 2` times that of :func:`thermal_energy`.

    Raises
    ------
    TypeError
        If ``state`` is not a Gibbs state.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).

    Examples
    --------
    At infinite temperature every qubit carries one bit:

    >>> import tnbp
    >>> H = tnbp.PauliSum(3).add(1.0, "ZZ", (0, 1))
    >>> round(tnbp.thermal_entropy(tnbp.gibbs_state(H, 0.0)), 12)
    3.0
    """
    state = _check_gibbs(state)
    energy, error = _energy(state)
    value = (state.beta * energy + state.log_partition) / math.log(2)
    return flagged(state, value, state.beta * error / math.log(2))
