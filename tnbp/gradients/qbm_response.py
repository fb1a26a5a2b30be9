r"""QBM gradients of a visible objective from the response of every term to one field.

For :math:`H(\theta) = \sum_k \theta_k P_k`, a Hermitian :math:`O` and
:math:`\rho_\epsilon = e^{-\beta(H + \epsilon O)}/Z`, the Duhamel formula
gives both derivatives as one Kubo-Mori (Bogoliubov) covariance, which is
symmetric in its two operators:

.. math::

    \frac{\partial \langle O\rangle}{\partial\theta_k}
    = -\beta \int_0^1 \! ds\, \mathrm{Tr}\big[\rho^{s}\,\Delta P_k\,
      \rho^{1-s}\,\Delta O\big]
    = \frac{\partial \langle P_k\rangle_{\rho_\epsilon}}{\partial\epsilon}
      \Big|_{\epsilon = 0},
    \qquad \Delta A = A - \langle A\rangle .

So the whole gradient of :math:`\mathrm{Tr}(O\rho)` is the linear response of
the expectations of all generators to a field :math:`\epsilon O`: one
derivative in :math:`\epsilon`, four Gibbs states for a five-point stencil,
whatever the number of parameters (central differences parameter by
parameter, :func:`tnbp.qbm.observable_gradient`, take two states for each of
the :math:`\sim 12n` coefficients of a nearest-neighbour chain). For a
visible one- or two-qubit :math:`O`, :math:`H + \epsilon O` is as local as
:math:`H`, so the states are ordinary :func:`tnbp.gibbs_state` purifications.

Error budget of each component :math:`g_k`: three parts whose sum bounds
:math:`|g_k - \partial_k\langle O\rangle|`, the step and Trotter parts under
the asymptotic assumptions stated with them (as every Richardson estimate):

step
    The five-point stencil :math:`g = [8(v_{+1} - v_{-1}) - (v_{+2} -
    v_{-2})]/(12h)` (:math:`v_{\pm j}` the generator's expectation at
    :math:`\epsilon = \pm jh`) has error :math:`O(h^4)`; the three-point
    :math:`g_3 = (v_{+1} - v_{-1})/(2h)` has error :math:`h^2 v'''/6 +
    O(h^4)`. The bound is :math:`|g - g_3|`, the error of the *lower*-order
    rule, an overestimate of :math:`g`'s by a factor of order
    :math:`1/h^2` (measured against the exact Duhamel gradient on random
    chains of 8 qubits at :math:`h = 0.05`: 250x at the largest component).
truncation
    Each state's Pauli expectations are within :math:`2T_j` of the
    untruncated state's (:attr:`tnbp.State.truncation_distance`
    :math:`T_j`, :mod:`tnbp.estimators.budget`), so :math:`g` is within
    :math:`\sum_j |c_j|\, 2T_j` for the stencil weights :math:`c_j`
    (:math:`\sum_j|c_j| = 3/(2h)`), the same for every component.
Trotter
    The Richardson bound of :mod:`tnbp.estimators.budget` applied to
    :math:`g` itself: :math:`f\,|g - g_c|` with :math:`g_c` the stencil on the
    four companions (the states share their step counts, hence :math:`f`).
    0 on the dense backend; NaN (unknown) without companions.

Rounding is not in the budget: about :math:`10^{-16}` per expectation, so
:math:`\sim 3\cdot 10^{-15}` in :math:`g` at :math:`h = 0.05`, far below the
truncation part of the purified states (:math:`3T/h \approx 10^{-10}` at
n = 40 and a cutoff of 1e-28); it matters only for derivatives below :math:`\sim 10^{-13}` of
exact (dense) states.

References
----------
.. [1] R. M. Wilcox, "Exponential operators and parameter differentiation in
   quantum physics", J. Math. Phys. 8, 962 (1967) (the Duhamel formula).
.. [2] R. Kubo, "Statistical-mechanical theory of irreversible processes. I",
   J. Phys. Soc. Jpn. 12, 570 (1957) (the canonical correlation, symmetric in
   its two operators).
.. [3] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
   barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968: Sec. II
   (the objective :math:`\mathrm{Tr}(O\,\mathrm{Tr}_h\rho)`), Theorem 4 and
   Fig. 3c (its gradient).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._checks import check_opt, check_real
from ..models.pauli_sum import PauliSum
from ..models.paulis import pauli_matrix
from ..models.qbm import QBM
from ..states.gibbs import gibbs_state
from ..states.gibbs.api import BACKENDS
from .diagnostics import DiagnosticsTally, GradientDiagnostics

__all__ = ["QBMResponseGradient", "STENCIL", "qbm_response_gradient"]

#: the five-point stencil: (multiple j of the step h, weight c_j times 12 h)
STENCIL = ((-2, 1.0), (-1, -8.0), (1, 8.0), (2, -1.0))


@dataclasses.dataclass(frozen=True)
class QBMResponseGradient:
    r"""A QBM gradient :math:`\partial_k\mathrm{Tr}(O\rho)` with its error budget.

    Returned by :func:`qbm_response_gradient`; the module docstring derives
    each part of the budget.

    Attributes
    ----------
    value : numpy.ndarray of float64, shape (num_parameters,)
        The five-point estimate :math:`g_k` of each derivative, in units of
        :math:`O` per unit of :math:`\theta`.
    step_error : numpy.ndarray of float64, shape (num_parameters,)
        :math:`|g_k - g_{3,k}|`, bound on the finite-difference error.
    truncation_error : float
        :math:`\sum_j |c_j|\,2T_j`, bound on the truncation error of every
        component (0 for exact states).
    trotter_error : numpy.ndarray of float64, shape (num_parameters,)
        :math:`f\,|g_k - g_{c,k}|` (0 for exact states, NaN without
        companions).
    step : float
        The field step :math:`h`, in units of :math:`\theta`.
    truncation_distance : float
        Largest :attr:`tnbp.State.truncation_distance` of the four states.
    max_bond_reached : int
        Largest bond dimension of the four states (1 for dense states).
    diagnostics : GradientDiagnostics
        The four states' record (companions not counted): ``simulations``,
        ``min_fidelity``, ``max_discarded_weight``, ``untrusted_runs``.
    """

    value: np.ndarray
    step_error: np.ndarray
    truncation_error: float
    trotter_error: np.ndarray
    step: float
    truncation_distance: float
    max_bond_reached: int
    diagnostics: GradientDiagnostics

    @property
    def error_bound(self) -> np.ndarray:
        """Step + truncation + Trotter parts, per component (NaN if one is unknown)."""
        return self.step_error + self.truncation_error + self.trotter_error

    @property
    def trusted(self) -> bool:
        """No state had caveats (:attr:`tnbp.State.trusted`) and every bound is finite."""
        return self.diagnostics.trusted and bool(np.all(np.isfinite(self.error_bound)))


def _perturbation(observable, qbm: QBM) -> PauliSum:
    """``observable`` (Pauli terms on visible qubits) as a PauliSum on ``qbm.n`` qubits."""
    if isinstance(observable, PauliSum):
        terms = observable.terms
        if observable.n != qbm.n:
            raise ValueError(
                f"`observable` is on {observable.n} qubits, the model on {qbm.n}."
            )
    elif isinstance(observable, (list, tuple)):
        terms = observable
    else:
        raise TypeError(
            "`observable` must be a PauliSum or a list of (coeff, pauli, qubits) "
            f"terms, got {type(observable).__name__}."
        )
    O = PauliSum(qbm.n)
    for entry in terms:
        if not isinstance(entry, (list, tuple)) or len(entry) != 3:
            raise TypeError(
                f"`observable`: expected (coeff, pauli, qubits), got {entry!r}."
            )
        O.add(*entry)
    O = O.simplified()
    if not O.terms:
        raise ValueError("`observable` has no non-identity term (a zero gradient).")
    outside = sorted({q for _, _, qs in O.terms for q in qs} - set(qbm.visible))
    if outside:
        raise ValueError(f"`observable` acts on hidden qubit(s) {outside}.")
    if O.locality > 2:
        raise ValueError(
            f"`observable` has {O.locality}-local terms; the field epsilon O enters "
            "a Gibbs state of 2-local terms."
        )
    return O


def generator_values(state, generators) -> np.ndarray:
    r""":math:`\langle P_k\rangle` of every generator, one reduced state per support.

    Parameters
    ----------
    state : GibbsState
        The state (any backend).
    generators : sequence of (pauli, qubits)
        Canonical Pauli strings (as :attr:`tnbp.qbm.QBM.generators`).

    Returns
    -------
    numpy.ndarray of float64, shape (len(generators),)
        The real expectations, in ``[-1, 1]``.
    """
    rdms = {}
    out = np.empty(len(generators))
    for k, (pauli, qubits) in enumerate(generators):
        if qubits not in rdms:
            rdms[qubits] = state.reduced_density_matrix(qubits)
        out[k] = np.real(np.trace(rdms[qubits] @ pauli_matrix(pauli)))
    return out


def qbm_response_gradient(
    qbm: QBM,
    theta,
    observable,
    *,
    backend: str = "mps",
    step: float = 0.05,
    gibbs_opts: dict | None = None,
) -> QBMResponseGradient:
    r"""Every derivative :math:`\partial_k\mathrm{Tr}(O\rho)` from one field response.

    :math:`g_k = \partial_\epsilon \langle P_k\rangle_{\rho_\epsilon}` at
    :math:`\epsilon = 0` for :math:`\rho_\epsilon = e^{-\beta(H(\theta) +
    \epsilon O)}/Z`, by a five-point stencil over four Gibbs states
    (:func:`tnbp.gibbs_state`), each derivative with the error budget of
    :mod:`tnbp.gradients.qbm_response`. Since :math:`O` acts on visible
    qubits, :math:`\mathrm{Tr}(O\rho) = \mathrm{Tr}(O_v\rho_v)`: this is the
    gradient of the discriminative objective of :func:`tnbp.qbm.observable_gradient`.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy.
    observable : PauliSum or list of (coeff, pauli, qubits)
        :math:`O`: Pauli terms on at most two visible qubits each (the field
        :math:`\epsilon O` joins the Hamiltonian of the Gibbs states).
    backend : {"mps", "dense"}, optional
        Backend of the Gibbs states: purified MPS (default), or exact (a check
        of the identity; the exact gradient itself is
        ``tnbp.qbm.observable_gradient(..., method="exact")``).
    step : float, optional
        The field step :math:`h > 0`, in units of :math:`\theta` (the stencil
        reaches :math:`\epsilon = \pm 2h`).
    gibbs_opts : dict, optional
        Options of :func:`tnbp.gibbs_state` (``dtau``, ``max_bond``,
        ``cutoff``, ``order``, ``richardson``); with ``richardson=False`` the
        Trotter part is NaN.

    Returns
    -------
    QBMResponseGradient
        ``value`` (shape ``(num_parameters,)``, units of :math:`O` per unit of
        :math:`\theta`), its error parts and bound, and the states' record.

    Raises
    ------
    TypeError
        If ``theta`` is complex, ``step`` is not a real number or
        ``observable`` is neither a PauliSum nor a list of terms.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, ``backend``
        is not one of the options, ``step`` is not positive and finite, or
        ``observable`` has no term, acts on a hidden qubit or has a term on
        more than two qubits. Errors of ``gibbs_opts`` are raised by
        :func:`tnbp.gibbs_state`.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Theorem 4 and Fig. 3c (these gradients).
    .. [2] R. M. Wilcox, "Exponential operators and parameter differentiation
       in quantum physics", J. Math. Phys. 8, 962 (1967).

    Examples
    --------
    >>> import numpy as np, tnbp
    >>> from tnbp.qbm import QBM
    >>> H = tnbp.hamiltonian.random_two_local(4, pairs="nearest", seed=1).normalized()
    >>> qbm, theta = QBM.from_hamiltonian(H, [0])
    >>> g = qbm_response_gradient(qbm, theta, [(1.0, "Z", (0,))], backend="dense")
    >>> exact = tnbp.qbm.observable_gradient(qbm, theta, [(1.0, "Z", (0,))])
    >>> bool(np.all(np.abs(g.value - exact) <= g.error_bound))
    True
    """
    check_opt("backend", backend, BACKENDS)
    theta = qbm.check_theta(theta)
    step = check_real(step, "step")
    if not step > 0 or not np.isfinite(step):
        raise ValueError(f"`step` must be > 0 and finite, got {step}.")
    O = _perturbation(observable, qbm)
    H = qbm.hamiltonian(theta)
    opts = gibbs_opts or {}
    tally = DiagnosticsTally()
    weights = np.array([c for _, c in STENCIL]) / (12 * step)
    main, companion = [], []
    truncation, distance, bond, factor = 0.0, 0.0, 1, 0.0
    for (j, _), c in zip(STENCIL, weights):
        field = O.scaled(j * step)
        Hj = PauliSum(qbm.n)
        for term in (*H.terms, *field.terms):
            Hj.add(*term)
        state = gibbs_state(Hj, qbm.beta, backend=backend, **opts)
        tally.add_state(state)
        main.append(generator_values(state, qbm.generators))
        truncation += abs(c) * 2 * state.truncation_distance
        distance = max(distance, state.truncation_distance)
        bond = max(bond, state.max_bond_reached)
        factor = state.trotter_factor  # equal for the four (same step counts)
        if factor != 0 and state.companion is not None:
            companion.append(generator_values(state.companion, qbm.generators))
    value = weights @ np.array(main)
    three = (main[2] - main[1]) / (2 * step)
    if factor == 0:
        trotter = np.zeros_like(value)
    elif len(companion) == len(STENCIL):
        trotter = factor * np.abs(value - weights @ np.array(companion))
    else:
        trotter = np.full_like(value, np.nan)
    return QBMResponseGradient(
        value=value,
        step_error=np.abs(value - three),
        truncation_error=float(truncation),
        trotter_error=trotter,
        step=step,
        truncation_distance=float(distance),
        max_bond_reached=int(bond),
        diagnostics=tally.freeze(),
    )
