"""Distance of a reduced state from the maximally mixed state.

Entanglement-induced barren plateaus (arXiv:2010.15968) arise when the visible
state :math:`\\rho_v = \\mathrm{Tr}_h \\rho` is close to :math:`I/D_v`; for Haar
states :math:`\\tfrac12\\|\\rho_v - I/D_v\\|_1 \\lesssim \\tfrac12\\sqrt{D_v/D_h}`
(see :func:`tnbp.theory.haar_trace_distance_bound`).
"""

from __future__ import annotations

from .. import spectrum
from ..diagnostics import Estimate, flagged
from ._common import check_state, check_subsystem, subsystem_spectrum


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
