"""Distances of a reduced state: from the maximally mixed state, and from a target.

Entanglement-induced barren plateaus (arXiv:2010.15968) arise when the visible
state :math:`\\rho_v = \\mathrm{Tr}_h \\rho` is close to :math:`I/D_v`; for Haar
states :math:`\\tfrac12\\|\\rho_v - I/D_v\\|_1 \\lesssim \\tfrac12\\sqrt{D_v/D_h}`
(see :func:`tnbp.theory.haar_trace_distance_bound`).
"""

from __future__ import annotations

from ..models.losses import FidelityCost, fidelity_cost
from ..states import spectrum
from .estimate import Estimate, flagged
from .subsystems import check_state, check_subsystem, subsystem_spectrum


def trace_distance_to_maximally_mixed(state, qubits) -> Estimate:
    """:math:`\\tfrac12 \\| \\rho_A - I/2^{|A|} \\|_1`, in ``[0, 1 - 2^{-|A|}]``.

    Parameters
    ----------
    state : State
    qubits : sequence of int or Partition
        The subsystem ``A`` (for a :class:`~tnbp.Partition`, its visible qubits).
    """
    state = check_state(state)
    qubits = check_subsystem(state, qubits)
    p = subsystem_spectrum(state, qubits)
    value = spectrum.trace_distance_to_maximally_mixed(p, len(qubits))
    return flagged(state, value, state.truncation_distance)


def fidelity(state, target, qubits=None) -> Estimate:
    """Uhlmann fidelity :math:`F(\\rho_A, \\sigma)` of a reduced state with a target.

    Parameters
    ----------
    state : State
    target : FidelityCost or array_like
        A :func:`~tnbp.observables.fidelity_cost`, or a target state vector or
        density matrix on ``qubits``.
    qubits : sequence of int, optional
        The subsystem (required unless ``target`` is a FidelityCost).
    """
    state = check_state(state)
    cost = target if isinstance(target, FidelityCost) else fidelity_cost(target, qubits)
    check_subsystem(state, cost.qubits)
    value = cost.value(state.reduced_density_matrix(cost.qubits))
    return flagged(state, value, state.truncation_distance)
