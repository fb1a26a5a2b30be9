r"""Distances of a reduced state: from the maximally mixed state, and from a target.

Entanglement-induced barren plateaus (arXiv:2010.15968) arise when the visible
state :math:`\rho_v = \mathrm{Tr}_h \rho` is close to :math:`I/D_v`; for Haar
states :math:`\tfrac12\|\rho_v - I/D_v\|_1 \lesssim \tfrac12\sqrt{D_v/D_h}`
(see :func:`tnbp.theory.haar_trace_distance_bound`).
"""

from __future__ import annotations

from ..models.losses import FidelityCost, fidelity_cost
from ..states import spectrum
from .budget import with_trotter_error
from .estimate import Estimate, clip_error, fidelity_error, flagged
from .subsystems import check_state, check_subsystem, subsystem_spectrum


@with_trotter_error
def trace_distance_to_maximally_mixed(state, qubits) -> Estimate:
    r"""Trace distance :math:`\tfrac12 \| \rho_A - I/2^{|A|} \|_1` of a reduced state.

    The quantity of arXiv:2010.15968, Fig. 3a and Fig. 4: with :math:`A` the
    visible qubits, it bounds how far any visible observable can move from its
    maximally mixed value, and for volume-law states it is
    :math:`\lesssim \tfrac12\sqrt{D_v/D_h}`
    (:func:`tnbp.theory.haar_trace_distance_bound`).

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    qubits : int, sequence of int or Partition
        The subsystem ``A`` (for a :class:`~tnbp.Partition`, its visible
        qubits), as in :func:`tnbp.subsystem_entropy`.

    Returns
    -------
    Estimate
        The trace distance, in ``[0, 1 - 2^{-|A|}]`` (dimensionless), with the
        state's caveats and ``truncation_error`` :math:`T`, the state's trace
        distance from the exact one, clipped to that range
        (:func:`~tnbp.estimators.estimate.clip_error`).

    Raises
    ------
    TypeError
        If ``state`` is not a State or ``qubits`` is not a qubit or a sequence
        of them.
    ValueError
        If ``qubits`` is empty, out of range or repeated, or needs a reduced
        density matrix above :data:`~tnbp.limits.MAX_RDM_QUBITS` qubits.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       eqs. (2)-(3) (the distance bounds visible observables), Proposition 2
       and eq. (7) (the :math:`\sqrt{D_v/D_h}` scaling), Figs. 3a and 4.

    Examples
    --------
    One half of a Bell pair is maximally mixed; a product qubit is pure:

    >>> import tnbp
    >>> c = tnbp.Circuit(3); c.h(0); c.cnot(0, 1)
    >>> st = tnbp.simulate(c)
    >>> round(tnbp.trace_distance_to_maximally_mixed(st, [0]), 12)
    0.0
    >>> round(tnbp.trace_distance_to_maximally_mixed(st, [2]), 12)
    0.5
    """
    state = check_state(state)
    qubits = check_subsystem(state, qubits)
    p = subsystem_spectrum(state, qubits)
    value = spectrum.trace_distance_to_maximally_mixed(p, len(qubits))
    upper = 1.0 - 2.0 ** -len(qubits)
    return flagged(
        state, value, clip_error(state.truncation_distance, value, 0.0, upper)
    )


@with_trotter_error
def fidelity(state, target, qubits=None) -> Estimate:
    r"""Uhlmann fidelity :math:`F(\rho_A, \sigma)` of a reduced state with a target.

    .. math::

        F(\rho_A, \sigma) = \Big(\mathrm{Tr}\sqrt{\sqrt\sigma\,\rho_A\sqrt\sigma}\Big)^2,

    which is :math:`\langle t|\rho_A|t\rangle` for a pure target :math:`|t\rangle`.

    Parameters
    ----------
    state : State
        A state from :func:`tnbp.simulate` or :func:`tnbp.gibbs_state`.
    target : FidelityCost or array_like
        A :func:`~tnbp.observables.fidelity_cost`, or a target state vector
        (length ``2^k``) or density matrix (``2^k x 2^k``) on ``qubits``.
    qubits : sequence of int, optional
        The subsystem, ``k <= 6`` qubits in the order of the target's tensor
        factors (required unless ``target`` is a FidelityCost).

    Returns
    -------
    Estimate
        :math:`F \in [0, 1]` (dimensionless), with the state's caveats and
        ``truncation_error`` bounding :math:`|F - F_{exact}|` from the state's
        trace distance :math:`T` to the exact one: :math:`T` for a pure target,
        :math:`2\sqrt{T(2 - T)}` for a mixed one (:func:`fidelity_error`),
        clipped to the range ``[0, 1]`` (:func:`clip_error`).

    Raises
    ------
    TypeError
        If ``state`` is not a State, ``qubits`` is not a sequence of qubits or
        ``target`` is not numeric.
    ValueError
        If ``qubits`` is empty, repeated, out of range or longer than 6, or
        ``target`` is not a normalized state or a density matrix of matching
        size.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats (they are also attached to the result).

    References
    ----------
    .. [1] A. Uhlmann, "The 'transition probability' in the state space of a
       \*-algebra", Rep. Math. Phys. 9, 273 (1976).
    .. [2] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968, Sec. VII
       and Fig. 3b (the fidelity cost of the unitary QNN).
    """
    state = check_state(state)
    cost = target if isinstance(target, FidelityCost) else fidelity_cost(target, qubits)
    check_subsystem(state, cost.qubits)
    value = cost.value(state.reduced_density_matrix(cost.qubits))
    error = fidelity_error(state.truncation_distance, pure_target=cost.target_rank == 1)
    return flagged(state, value, clip_error(error, value, 0.0, 1.0))
