r"""Quantum Boltzmann machines: Gibbs states of trainable Hamiltonians.

A :class:`QBM` is :math:`H(\theta) = \sum_k \theta_k H_k` with Pauli-string
generators :math:`H_k`, the model state :math:`\rho(\theta) = e^{-\beta
H(\theta)}/Z` and its visible marginal :math:`\rho_v = \mathrm{Tr}_h\rho`
(arXiv:2010.15968, Sec. V). Objectives:

- :func:`observable_objective` :math:`\mathrm{Tr}(O_v\rho_v)`, the
  discriminative cost whose gradients the paper shows vanish exponentially in
  the number of hidden units when :math:`\rho` is volume-law;
- :func:`generative_loss` :math:`S(\eta\|\rho_v) = \mathrm{Tr}\,\eta\ln\eta -
  \mathrm{Tr}\,\eta\ln\rho_v` for a small visible set;
- :func:`relative_entropy_gradient`, the full-state gradient
  :math:`\partial_k S(\eta\|\rho) = \beta(\langle H_k\rangle_\eta -
  \langle H_k\rangle_\rho)`;
- :func:`trace_distance_gradient`, how far the visible state moves per unit
  of each coefficient, :math:`T(\rho_v(\theta), \rho_v(\theta + h e_k))/h
  \to \tfrac12\|\partial_k\rho_v\|_1` (the paper's Fig. 3c), with
  :func:`visible_state_derivatives` the exact :math:`\partial_k\rho_v`.

Relative entropies here are in nats (natural log), the QBM-training
convention that makes the last formula exact; other entropies in tnbp are bits.

Derivatives of :math:`\rho` come either from central finite differences of
Gibbs states (any backend; the paper's method, error :math:`O(h^2)` plus the
states' own errors over :math:`h`), or exactly on the dense backend from the
Duhamel formula in the eigenbasis of :math:`H`,

.. math::

    \partial_k\rho = -\beta\, V\big[(V^\dagger H_k V)\circ F\big]V^\dagger
    + \beta\langle H_k\rangle\rho, \qquad
    F_{ij} = \max(p_i, p_j)\,\frac{1 - e^{-\beta|E_i - E_j|}}{\beta|E_i - E_j|},

with :math:`p_i = e^{-\beta E_i}/Z` (the ratio is 1 at equal energies).
"""

from __future__ import annotations

import itertools

import numpy as np

from .._checks import as_real_array, check_density_matrix, check_real
from .._checks import check_method as _check_method
from .._threads import blas_threads_limit
from ..limits import (
    MAX_DENSE_GIBBS_QUBITS,
    SMALL_DENSE_GIBBS_QUBITS,
    SPECTRUM_NOISE_FLOOR,
)
from ..models.operators import as_observable
from ..models.pauli_sum import PauliSum
from ..models.paulis import pauli_matrix
from ..models.qbm import QBM
from ..states.base import State
from ..states.gibbs import DenseGibbsState, GibbsState, gibbs_state, partial_trace
from ..states.gibbs.api import BACKENDS
from ..states.gibbs.dense import thermal_eigensystem
from .diagnostics import DiagnosticsTally, GradientDiagnostics

__all__ = [
    "DEFAULT_METHODS",
    "METHODS",
    "QBM",
    "generative_gradient",
    "generative_loss",
    "linear_gradient",
    "model_state",
    "observable_gradient",
    "observable_gradient_with_diagnostics",
    "observable_objective",
    "relative_entropy",
    "relative_entropy_gradient",
    "trace_distance_gradient",
    "visible_state_derivatives",
]

#: the derivative methods of the QBM objectives
METHODS = ("exact", "finite_difference")
#: the method of ``method=None`` on each backend: the Duhamel formula where
#: the dense Hamiltonian is at hand, else central differences of Gibbs states
DEFAULT_METHODS = {"dense": "exact", "mps": "finite_difference"}


def check_method(method: str | None, backend: str) -> str:
    """Validate a QBM gradient's ``backend`` and ``method``; return the method to use.

    Parameters
    ----------
    method : str or None
        One of :data:`METHODS`, or None for the backend's default
        (:data:`DEFAULT_METHODS`: ``"exact"`` on dense, ``"finite_difference"``
        on mps).
    backend : str
        One of :data:`tnbp.states.gibbs.api.BACKENDS` (``"dense"``, ``"mps"``).

    Returns
    -------
    str
        The method: ``method`` itself, or the backend's default for None.

    Raises
    ------
    ValueError
        If ``backend`` or ``method`` is not one of the options, or
        ``method="exact"`` is asked of a backend other than ``"dense"``.
    """
    return _check_method(
        method,
        backend,
        methods=METHODS,
        backends=BACKENDS,
        default=DEFAULT_METHODS,
        runs_on={"exact": ("dense",)},
    )


def model_state(qbm: QBM, theta, *, backend: str = "dense", **gibbs_opts) -> GibbsState:
    r"""Model state :math:`\rho(\theta) = e^{-\beta H(\theta)}/Z`, a :func:`tnbp.gibbs_state`.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    backend : {"dense", "mps"}, optional
        Backend of :func:`tnbp.gibbs_state`.
    **gibbs_opts
        Further options of :func:`tnbp.gibbs_state` (``dtau``, ``max_bond``,
        ``cutoff``, ``order``, ...).

    Returns
    -------
    GibbsState
        The Gibbs state of :math:`H(\theta)` at ``qbm.beta``.

    Raises
    ------
    TypeError
        If ``theta`` is complex.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries.
    """
    return gibbs_state(qbm.hamiltonian(theta), qbm.beta, backend=backend, **gibbs_opts)


def _state_to_read(qbm: QBM, theta, **gibbs_opts) -> GibbsState:
    """:func:`model_state` without a Richardson companion (unless asked for).

    The objectives and gradients read reduced states and expectations
    directly, not estimates, so the companion would go unused.
    """
    return model_state(qbm, theta, **{"richardson": False, **gibbs_opts})


# ------------------------------------------------------------ derivatives
def _pauli_trace(M: np.ndarray, n: int, pauli: str, qubits) -> complex:
    r""":math:`\mathrm{Tr}(M P)` via the partial trace of ``M`` onto the string's support."""
    return complex(np.trace(partial_trace(M, n, qubits) @ pauli_matrix(pauli)))


def _exact_linear_gradient(rho: DenseGibbsState, qbm: QBM, A_full: np.ndarray):
    r""":math:`\partial_k\mathrm{Tr}(A\rho)` for every generator, by the Duhamel formula.

    :math:`\mathrm{Tr}(A\,\partial_k\rho) = -\beta\mathrm{Tr}(M P_k) +
    \beta\langle P_k\rangle\langle A\rangle` with
    :math:`M = V[(V^\dagger A V)\circ F]V^\dagger` computed once, so each
    generator costs one partial trace instead of two matrix products.
    """
    return _exact_linear_gradients(rho, qbm, [A_full])[0]


def _exact_linear_gradients(rho: DenseGibbsState, qbm: QBM, A_fulls) -> np.ndarray:
    """:func:`_exact_linear_gradient` of several matrices, shape (len(A_fulls), K).

    The eigendecomposition of :math:`H` and the generators' expectations are
    shared by all of them.
    """
    w, v = np.linalg.eigh(rho.hamiltonian.to_dense())
    beta, n = qbm.beta, qbm.n
    p = np.exp(-beta * w - rho.log_partition)
    gap = beta * np.abs(w[:, None] - w[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(gap > 1e-12, -np.expm1(-gap) / gap, 1.0)
    F = np.maximum(p[:, None], p[None, :]) * phi
    mean_P = np.array(
        [
            _pauli_trace(rho.rho, n, pauli, qubits).real
            for pauli, qubits in qbm.generators
        ]
    )
    out = np.empty((len(A_fulls), qbm.num_parameters))
    for a, A_full in enumerate(A_fulls):
        M = v @ ((v.conj().T @ A_full @ v) * F) @ v.conj().T
        mean_A = float(np.real(np.trace(A_full @ rho.rho)))
        for k, (pauli, qubits) in enumerate(qbm.generators):
            trace_MP = _pauli_trace(M, n, pauli, qubits).real
            out[a, k] = -beta * trace_MP + beta * mean_P[k] * mean_A
    return out


def _on_visible(qbm: QBM, A: np.ndarray) -> np.ndarray:
    r"""``A`` on the visible qubits (listed order) as :math:`A\otimes I_h` in qubit order."""
    n = qbm.n
    order = np.argsort(list(qbm.visible) + list(qbm.hidden))
    t = np.kron(A, np.eye(2 ** len(qbm.hidden))).reshape((2,) * (2 * n))
    t = t.transpose(list(order) + [n + o for o in order])
    return t.reshape(2**n, 2**n)


def linear_gradient(
    qbm: QBM,
    theta,
    A,
    *,
    method: str | None = None,
    backend: str = "dense",
    step: float = 1e-3,
    gibbs_opts: dict | None = None,
) -> np.ndarray:
    r""":math:`\partial_k\mathrm{Tr}(A\rho_v(\theta))` for a matrix ``A`` on the visible qubits.

    ``method="exact"`` (dense backend) uses the Duhamel formula of
    :mod:`tnbp.gradients.qbm`; with ``"finite_difference"`` each derivative is a
    central difference of two Gibbs states (any backend, the paper's method),
    error :math:`O(h^2)` plus twice the states' own error divided by :math:`2h`.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    A : array_like of complex, shape (2^v, 2^v)
        Hermitian matrix on the ``v`` visible qubits, in the order of
        ``qbm.visible`` (first listed most significant).
    method : {None, "exact", "finite_difference"}, optional
        How :math:`\partial_k\rho` is obtained; None (default): ``"exact"`` on
        the dense backend, ``"finite_difference"`` on mps
        (:data:`DEFAULT_METHODS`).
    backend : {"dense", "mps"}, optional
        Backend of the Gibbs states (``"exact"`` needs ``"dense"``).
    step : float, optional
        The finite-difference step :math:`h` in units of :math:`\theta`, > 0.
    gibbs_opts : dict, optional
        Options of :func:`tnbp.gibbs_state` for the finite-difference states.

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,)
        :math:`\partial\,\mathrm{Tr}(A\rho_v)/\partial\theta_k`, in units of
        ``A`` per unit of :math:`\theta`.

    Raises
    ------
    TypeError
        If ``theta`` is complex or ``step`` is not a real number.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, ``backend`` or
        ``method`` is not one of the options, ``step`` is not positive and
        finite, or ``method="exact"`` is asked of a backend other than
        ``"dense"``.

    Warns
    -----
    TruncationWarning
        Once, when any Gibbs state behind the gradient had caveats
        (:attr:`tnbp.State.trusted` False, e.g. a truncated MPS): the
        derivatives may be biased.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. II (the objective :math:`\mathrm{Tr}(O\,\mathrm{Tr}_h\rho)`),
       Theorem 4 and Fig. 3c (its gradients vanish with the hidden units).
    .. [2] R. M. Wilcox, "Exponential operators and parameter differentiation
       in quantum physics", J. Math. Phys. 8, 962 (1967) (the Duhamel formula).
    """
    grad, diagnostics = _linear_gradient(
        qbm, theta, A, method=method, backend=backend, step=step, gibbs_opts=gibbs_opts
    )
    diagnostics.warn_if_untrusted("linear_gradient", options="gibbs_opts")
    return grad


def _linear_gradient(qbm, theta, A, *, method, backend, step, gibbs_opts):
    """:func:`linear_gradient` and the record of the Gibbs states behind it."""
    method = check_method(method, backend)
    theta = qbm.check_theta(theta)
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    opts = gibbs_opts or {}
    tally = DiagnosticsTally()
    if method == "exact":
        rho = model_state(qbm, theta, backend="dense")
        tally.add_state(rho)
        grad = _exact_linear_gradient(rho, qbm, _on_visible(qbm, A))
        return grad, tally.freeze()
    out = np.empty(qbm.num_parameters)
    for k in range(qbm.num_parameters):
        values = []
        for sign in (1.0, -1.0):
            t = theta.copy()
            t[k] += sign * step
            state = _state_to_read(qbm, t, backend=backend, **opts)
            tally.add_state(state)
            rho_v = state.reduced_density_matrix(qbm.visible)
            values.append(float(np.real(np.trace(A @ rho_v))))
        out[k] = (values[0] - values[1]) / (2 * step)
    return out, tally.freeze()


# ------------------------------------------------------------- objectives
def _visible_observable(qbm: QBM, observable) -> np.ndarray:
    """A visible-qubit observable as a dense matrix on ``qbm.visible`` (listed order)."""
    obs = as_observable(observable, qbm.n)
    outside = [q for q in obs.support if q not in qbm.visible]
    if outside:
        raise ValueError(f"`observable` acts on hidden qubit(s) {outside}.")
    pos = {q: r for r, q in enumerate(qbm.visible)}
    k = len(qbm.visible)
    out = obs.constant * np.eye(2**k, dtype=complex)
    for t in obs.terms:
        ops = {pos[q]: op for q, op in zip(t.qubits, t.ops)}
        mat = np.ones((1, 1))
        for r in range(k):
            mat = np.kron(mat, ops.get(r, np.eye(2)))
        out += t.coeff * mat
    return out


def observable_objective(qbm: QBM, theta, observable, **state_opts) -> float:
    r"""Discriminative objective :math:`\mathrm{Tr}(O_v\rho_v(\theta))` of a visible observable.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O_v`, acting on visible qubits only.
    **state_opts
        Options of :func:`model_state` (``backend``, ``dtau``, ...).

    Returns
    -------
    float
        :math:`\mathrm{Tr}(O_v\rho_v)`, in the units of the observable's
        coefficients.

    Raises
    ------
    TypeError
        If ``theta`` is complex or ``observable`` is not a list of terms.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, or
        ``observable`` is malformed or acts on a hidden qubit.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. II (the objective :math:`\mathrm{Tr}(O_{\rm obj}\mathrm{Tr}_h(e^{-H}/Z))`).
    """
    O = _visible_observable(qbm, observable)
    rho_v = _state_to_read(qbm, theta, **state_opts).reduced_density_matrix(qbm.visible)
    return float(np.real(np.trace(O @ rho_v)))


def observable_gradient(qbm: QBM, theta, observable, **grad_opts) -> np.ndarray:
    r"""Gradient :math:`\partial_k \mathrm{Tr}(O_v\rho_v)` of the discriminative objective.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O_v`, acting on visible qubits only.
    **grad_opts
        Options of :func:`linear_gradient` (``method``, ``backend``, ``step``,
        ``gibbs_opts``).

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,)
        :math:`\partial\,\mathrm{Tr}(O_v\rho_v)/\partial\theta_k`.

    Raises
    ------
    TypeError
        If ``theta`` is complex or ``observable`` is not a list of terms.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, ``observable``
        is malformed or acts on a hidden qubit, or an option is invalid (see
        :func:`linear_gradient`).

    Warns
    -----
    TruncationWarning
        As in :func:`linear_gradient`: when a finite-difference Gibbs state
        had caveats.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Theorem 4 and Fig. 3c (these gradients vanish exponentially in the
       hidden units for volume-law states).
    """
    return linear_gradient(
        qbm, theta, _visible_observable(qbm, observable), **grad_opts
    )


def observable_gradient_with_diagnostics(
    qbm: QBM,
    theta,
    observable,
    *,
    method: str | None = None,
    backend: str = "dense",
    step: float = 1e-3,
    gibbs_opts: dict | None = None,
) -> tuple[np.ndarray, GradientDiagnostics]:
    r""":func:`observable_gradient` and the record of the Gibbs states behind it.

    The QBM counterpart of :func:`tnbp.gradient_with_diagnostics`: the record
    counts the Gibbs states computed (``simulations``) and the worst truncation
    among them; it warns nothing, so that callers (ensembles) can count.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy.
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O_v`, acting on visible qubits only.
    method : {None, "exact", "finite_difference"}, optional
        As in :func:`linear_gradient` (None: the best method of ``backend``).
    backend : {"dense", "mps"}, optional
        As in :func:`linear_gradient`.
    step : float, optional
        As in :func:`linear_gradient`.
    gibbs_opts : dict, optional
        As in :func:`linear_gradient`.

    Returns
    -------
    gradient : numpy.ndarray of float64, shape (num_parameters,)
        :math:`\partial\,\mathrm{Tr}(O_v\rho_v)/\partial\theta_k`.
    diagnostics : GradientDiagnostics
        One simulation per Gibbs state (1 for ``"exact"``, 2 per parameter for
        finite differences), with their worst fidelity estimate, discarded
        weight and the number that had caveats.

    Raises
    ------
    TypeError
        If ``theta`` is complex, ``step`` is not a real number or
        ``observable`` is not a list of terms.
    ValueError
        As in :func:`observable_gradient`.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Theorem 4 and Fig. 3c.
    """
    return _linear_gradient(
        qbm,
        theta,
        _visible_observable(qbm, observable),
        method=method,
        backend=backend,
        step=step,
        gibbs_opts=gibbs_opts,
    )


# ------------------------------------------- how far the visible state moves
def visible_state_derivatives(qbm: QBM, theta) -> np.ndarray:
    r"""Exact :math:`\partial_k\rho_v` for every coefficient, by the Duhamel formula.

    Each derivative is expanded in the Pauli strings :math:`P` on the ``v``
    visible qubits,

    .. math::

        \partial_k\rho_v = 2^{-v}\sum_{P\neq I}
        \partial_k\mathrm{Tr}\big[(P\otimes I_h)\,\rho\big]\; P,

    each coefficient a :func:`linear_gradient` of the dense Gibbs state (the
    identity's vanishes: :math:`\mathrm{Tr}\rho_v = 1`). One
    eigendecomposition of :math:`H` serves all :math:`4^v - 1` strings.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature), at most
        :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS` qubits.
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy.

    Returns
    -------
    numpy.ndarray of complex128, shape (num_parameters, 2^v, 2^v)
        Row ``k``: :math:`\partial\rho_v/\partial\theta_k`, Hermitian and
        traceless, visible qubits in the order of ``qbm.visible`` (first most
        significant), per unit of :math:`\theta`.

    Raises
    ------
    TypeError
        If ``theta`` is complex.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, or the model
        has more than :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS` qubits.

    References
    ----------
    .. [1] R. M. Wilcox, "Exponential operators and parameter differentiation
       in quantum physics", J. Math. Phys. 8, 962 (1967) (the Duhamel formula).

    Examples
    --------
    For one qubit, :math:`H = \theta Z` gives :math:`\rho = (I - \tanh(\beta\theta) Z)/2`:

    >>> import numpy as np
    >>> qbm = QBM(1, [("Z", (0,))], [0], beta=1.0)
    >>> d = visible_state_derivatives(qbm, [0.5])
    >>> bool(np.allclose(d[0], -np.diag([1, -1]) / (2 * np.cosh(0.5) ** 2)))
    True
    """
    theta = qbm.check_theta(theta)
    rho = model_state(qbm, theta, backend="dense")
    return _visible_state_derivatives(rho, qbm)


def _visible_state_derivatives(rho: DenseGibbsState, qbm: QBM) -> np.ndarray:
    """:func:`visible_state_derivatives` of the dense Gibbs state ``rho``."""
    v = len(qbm.visible)
    strings = ["".join(p) for p in itertools.product("IXYZ", repeat=v)][1:]
    paulis = np.stack([pauli_matrix(p) for p in strings])
    coeffs = _exact_linear_gradients(rho, qbm, [_on_visible(qbm, P) for P in paulis])
    return np.einsum("sk,sij->kij", coeffs, paulis) / 2**v


def _half_trace_norms(X: np.ndarray) -> np.ndarray:
    r""":math:`\tfrac12\|X_k\|_1` of a stack of Hermitian matrices (..., d, d)."""
    return 0.5 * np.abs(np.linalg.eigvalsh(X)).sum(axis=-1)


def _visible_marginal(vectors: np.ndarray, weights: np.ndarray, qbm: QBM) -> np.ndarray:
    r""":math:`\mathrm{Tr}_h \sum_i p_i |v_i\rangle\langle v_i|` without forming the full state.

    :math:`O(D^2 d_v)` operations instead of the :math:`O(D^3)` of
    :math:`V\mathrm{diag}(p)V^\dagger` followed by a partial trace.
    """
    n, v = qbm.n, len(qbm.visible)
    x = (vectors * np.sqrt(weights)).reshape((2,) * n + (-1,))
    x = np.moveaxis(x, qbm.visible, range(v)).reshape(2**v, -1)
    return x @ x.conj().T


def trace_distance_gradient(
    qbm: QBM,
    theta,
    *,
    method: str | None = None,
    backend: str = "dense",
    step: float = 1e-3,
    gibbs_opts: dict | None = None,
) -> np.ndarray:
    r"""How far the visible state moves per unit of each coefficient, :math:`T/h`.

    The gradient vector of arXiv:2010.15968, Fig. 3c: "the gradient vector of
    the trace distance between our model and its perturbation for each
    parameter, using finite differences". With
    :math:`T(\rho, \sigma) = \tfrac12\|\rho - \sigma\|_1`,

    .. math::

        \frac{T(\rho_v(\theta), \rho_v(\theta + h e_k))}{h}
        = \tfrac12\big\|\partial_k\rho_v + \tfrac h2\partial_k^2\rho_v
        + O(h^2)\big\|_1 \;\xrightarrow{h\to0}\;
        \tfrac12\|\partial_k\rho_v\|_1,

    so the finite difference differs from its limit by at most
    :math:`\tfrac h4\|\partial_k^2\rho_v\|_1 + O(h^2)` (triangle
    inequality). ``method="exact"`` returns the limit, from
    :func:`visible_state_derivatives`; it bounds the derivative of every
    visible objective, :math:`|\partial_k\mathrm{Tr}(O_v\rho_v)| \le
    2\|O_v\|_\infty\cdot\tfrac12\|\partial_k\rho_v\|_1`, the quantity of
    the paper's Theorems 3 and 4.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy.
    method : {None, "exact", "finite_difference"}, optional
        None (default): ``"exact"`` on the dense backend,
        ``"finite_difference"`` on mps (:data:`DEFAULT_METHODS`).
    backend : {"dense", "mps"}, optional
        Backend of the Gibbs states (``"exact"`` needs ``"dense"``). Dense
        finite differences diagonalize :math:`H(\theta) + hH_k` once per
        parameter.
    step : float, optional
        The forward step :math:`h > 0`, in units of :math:`\theta`
        (``"finite_difference"`` only).
    gibbs_opts : dict, optional
        Options of :func:`tnbp.gibbs_state` for the mps states.

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,)
        :math:`T/h` (or its limit), non-negative, per unit of :math:`\theta`
        (the trace distance is a pure number).

    Raises
    ------
    TypeError
        If ``theta`` is complex or ``step`` is not a real number.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, ``backend`` or
        ``method`` is not one of the options (or ``"exact"`` is asked of
        ``"mps"``), ``step`` is not positive and finite, or the model is too
        large for the dense backend
        (:data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS`).

    Warns
    -----
    TruncationWarning
        Once, when any Gibbs state behind the differences had caveats (mps).

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. VII and Fig. 3c (the finite-difference gradient of the trace
       distance), Theorems 3 and 4 (its bound :math:`\propto\sqrt{D_v/D_h}`).

    Examples
    --------
    For :math:`H = \theta Z` on one qubit, :math:`\tfrac12\|\partial\rho\|_1
    = \beta/(2\cosh^2\beta\theta)`:

    >>> import numpy as np
    >>> qbm = QBM(1, [("Z", (0,))], [0], beta=1.0)
    >>> exact = trace_distance_gradient(qbm, [0.5])
    >>> fd = trace_distance_gradient(qbm, [0.5], method="finite_difference", step=1e-6)
    >>> bool(np.isclose(exact[0], 0.5 / np.cosh(0.5) ** 2)), bool(np.isclose(fd[0], exact[0]))
    (True, True)
    """
    grad, diagnostics = _trace_distance_gradient(
        qbm, theta, method=method, backend=backend, step=step, gibbs_opts=gibbs_opts
    )
    diagnostics.warn_if_untrusted("trace_distance_gradient", options="gibbs_opts")
    return grad


def _trace_distance_gradient(qbm, theta, *, method, backend, step, gibbs_opts):
    """:func:`trace_distance_gradient` and the record of the Gibbs states behind it."""
    method = check_method(method, backend)
    theta = qbm.check_theta(theta)
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    tally = DiagnosticsTally()
    # small eigendecompositions are much slower with threaded BLAS on 2 cores
    threads = 1 if qbm.n <= SMALL_DENSE_GIBBS_QUBITS else None
    if method == "exact":
        rho = model_state(qbm, theta, backend="dense")
        tally.add_state(rho)
        with blas_threads_limit(threads):
            derivatives = _visible_state_derivatives(rho, qbm)
        return _half_trace_norms(derivatives), tally.freeze()
    if backend == "dense":
        if qbm.n > MAX_DENSE_GIBBS_QUBITS:
            raise ValueError(
                f"`qbm`: backend='dense' is limited to {MAX_DENSE_GIBBS_QUBITS} "
                f"qubits, got {qbm.n}; use backend='mps'."
            )
        H = qbm.hamiltonian(theta).to_dense()
        marginals = []
        with blas_threads_limit(threads):
            for k in range(-1, qbm.num_parameters):  # -1: the unshifted state
                shifted = H
                if k >= 0:
                    pauli, qubits = qbm.generators[k]
                    P = PauliSum(qbm.n)
                    P.add(step, pauli, qubits)
                    shifted = H + P.to_dense()
                _, vectors, _, weights = thermal_eigensystem(shifted, qbm.beta)
                marginals.append(_visible_marginal(vectors, weights, qbm))
        tally.simulations += len(marginals)  # exact states: nothing else to record
        rho_v, shifted = marginals[0], np.stack(marginals[1:])
    else:
        opts = gibbs_opts or {}
        states = [_state_to_read(qbm, theta, backend=backend, **opts)]
        for k in range(qbm.num_parameters):
            t = theta.copy()
            t[k] += step
            states.append(_state_to_read(qbm, t, backend=backend, **opts))
        for state in states:
            tally.add_state(state)
        rho_v = states[0].reduced_density_matrix(qbm.visible)
        shifted = np.stack([s.reduced_density_matrix(qbm.visible) for s in states[1:]])
    return _half_trace_norms(shifted - rho_v) / step, tally.freeze()


def relative_entropy(eta: np.ndarray, rho: np.ndarray) -> float:
    r"""Relative entropy :math:`S(\eta\|\rho) = \mathrm{Tr}\,\eta(\ln\eta - \ln\rho)` in nats.

    Parameters
    ----------
    eta : numpy.ndarray, shape (d, d)
        Density matrix (Hermitian, positive semidefinite, unit trace).
    rho : numpy.ndarray, shape (d, d)
        Density matrix.

    Returns
    -------
    float
        :math:`S(\eta\|\rho) \ge 0` in nats; ``inf`` when the support of
        ``eta`` is not inside that of ``rho``.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. II (the generative objective
       :math:`S(\rho_{\rm train}\|\rho(\theta))`).
    """
    we, ve = np.linalg.eigh(eta)
    wr, vr = np.linalg.eigh(rho)
    we = np.clip(we, 0, None)
    first = float(np.sum(we[we > 0] * np.log(we[we > 0])))
    overlap = np.abs(ve.conj().T @ vr) ** 2  # [eta eigvec a, rho eigvec b]
    weight = we @ overlap  # <b|eta|b>
    if np.any((weight > SPECTRUM_NOISE_FLOOR) & (wr <= 0)):
        return float("inf")
    pos = wr > 0
    return first - float(np.sum(weight[pos] * np.log(wr[pos])))


def generative_loss(qbm: QBM, theta, eta, **state_opts) -> float:
    r"""Generative loss :math:`S(\eta\|\rho_v(\theta))` in nats, for a target on the visible qubits.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    eta : array_like of complex, shape (2^v, 2^v)
        Target density matrix on the ``v`` visible qubits, in the order of
        ``qbm.visible``.
    **state_opts
        Options of :func:`model_state` (``backend``, ``dtau``, ...).

    Returns
    -------
    float
        The relative entropy in nats (``inf`` if ``eta`` has support outside
        that of :math:`\rho_v`).

    Raises
    ------
    TypeError
        If ``theta`` is complex.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, or ``eta`` has
        the wrong shape, is not Hermitian positive semidefinite, or does not
        have unit trace.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Secs. II and VIII (generative training with the relative entropy).
    .. [2] M. Kieferova and N. Wiebe, "Tomography and generative training with
       quantum Boltzmann machines", Phys. Rev. A 96, 062327 (2017),
       arXiv:1612.05204.
    """
    eta = check_density_matrix(eta, 2 ** len(qbm.visible), name="eta")
    rho_v = _state_to_read(qbm, theta, **state_opts).reduced_density_matrix(qbm.visible)
    return relative_entropy(eta, rho_v)


def generative_gradient(qbm: QBM, theta, eta, *, backend: str = "dense", **grad_opts):
    r"""Gradient of the generative loss, :math:`\partial_k S(\eta\|\rho_v)`.

    :math:`\partial_k S = -\mathrm{Tr}[\eta\, D\ln[\rho_v](\partial_k\rho_v)]
    = \partial_k\mathrm{Tr}[X\rho_v]` at fixed
    :math:`X = -D\ln[\rho_v](\eta)`: the Frechet derivative of the logarithm
    is self-adjoint and, in the eigenbasis of :math:`\rho_v` (eigenvalues
    :math:`\lambda`), multiplies entry :math:`ab` by
    :math:`(\ln\lambda_a - \ln\lambda_b)/(\lambda_a - \lambda_b)`
    (:math:`1/\lambda_a` when equal). :math:`\rho_v` must be full rank, as
    thermal marginals are.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    eta : array_like of complex, shape (2^v, 2^v)
        Target density matrix on the visible qubits, in the order of
        ``qbm.visible``.
    backend : {"dense", "mps"}, optional
        Backend of the Gibbs states.
    **grad_opts
        Options of :func:`linear_gradient` (``method``, ``step``,
        ``gibbs_opts``).

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,)
        :math:`\partial S(\eta\|\rho_v)/\partial\theta_k` in nats per unit of
        :math:`\theta`.

    Raises
    ------
    TypeError
        If ``theta`` is complex.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, ``eta`` is not
        a density matrix of the visible qubits, the visible state is rank
        deficient, or an option is invalid (see :func:`linear_gradient`).

    Warns
    -----
    TruncationWarning
        As in :func:`linear_gradient`: when a finite-difference Gibbs state
        had caveats.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968:
       Sec. II (the generative objective).
    .. [2] R. Bhatia, "Matrix Analysis", Springer (1997), Sec. V.3 (the
       derivative of a matrix function by divided differences).
    """
    eta = check_density_matrix(eta, 2 ** len(qbm.visible), name="eta")
    opts = grad_opts.get("gibbs_opts") or {}
    rho_v = _state_to_read(qbm, theta, backend=backend, **opts).reduced_density_matrix(
        qbm.visible
    )
    lam, U = np.linalg.eigh(rho_v)
    if lam.min() <= 0:
        raise ValueError(
            "the visible state is rank deficient; S(eta||rho_v) has no gradient."
        )
    log = np.log(lam)
    dl = lam[:, None] - lam[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        G = np.where(
            np.abs(dl) > 1e-12 * lam.max(),
            (log[:, None] - log[None, :]) / dl,
            1.0 / np.maximum(lam[:, None], lam[None, :]),
        )
    X = -U @ ((U.conj().T @ eta @ U) * G) @ U.conj().T
    return linear_gradient(qbm, theta, X, backend=backend, **grad_opts)


def relative_entropy_gradient(qbm: QBM, theta, eta, **state_opts) -> np.ndarray:
    r"""Full-state relative-entropy gradient, :math:`\partial_k S(\eta\|\rho(\theta))`.

    :math:`\partial_k S = \beta(\langle P_k\rangle_\eta - \langle P_k\rangle_\rho)`,
    exact because :math:`\ln\rho = -\beta H(\theta) - \ln Z`.

    Parameters
    ----------
    qbm : QBM
        The model (generators, visible qubits, inverse temperature).
    theta : array_like of float
        The ``qbm.num_parameters`` coefficients :math:`\theta_k`, in units of
        energy (the model state is :math:`e^{-\beta H(\theta)}/Z`).
    eta : State or sequence of float
        The data state on all ``n`` qubits (any tnbp state, e.g. a Gibbs state
        or a simulated circuit), or its expectation values of the generators.
    **state_opts
        Options of :func:`model_state` (``backend``, ``dtau``, ``max_bond``, ...).

    Returns
    -------
    numpy.ndarray of float64, shape (num_parameters,)
        :math:`\partial S(\eta\|\rho)/\partial\theta_k` in nats per unit of
        :math:`\theta`.

    Raises
    ------
    TypeError
        If ``theta`` is complex.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, or ``eta`` is a
        State of another size or not one expectation value per generator.

    References
    ----------
    .. [1] M. Kieferova and N. Wiebe, "Tomography and generative training with
       quantum Boltzmann machines", Phys. Rev. A 96, 062327 (2017),
       arXiv:1612.05204.
    .. [2] M. H. Amin, E. Andriyash, J. Rolfe, B. Kulchytskyy and R. Melko,
       "Quantum Boltzmann machine", Phys. Rev. X 8, 021050 (2018),
       arXiv:1601.02036.
    """
    rho = _state_to_read(qbm, theta, **state_opts)
    model = np.array([rho.expectation_pauli(p, q) for p, q in qbm.generators])
    if isinstance(eta, State):
        if eta.n != qbm.n:
            raise ValueError(f"`eta` has {eta.n} qubits, the model {qbm.n}.")
        data = np.array([eta.expectation_pauli(p, q) for p, q in qbm.generators])
    else:
        data = as_real_array(eta, "eta")
        if data.shape != model.shape:
            raise ValueError(
                f"`eta` must be a State or {model.size} expectation values, got {data.shape}."
            )
    return qbm.beta * (data - model)
