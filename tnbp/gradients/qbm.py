"""Quantum Boltzmann machines: Gibbs states of trainable Hamiltonians.

A :class:`QBM` is :math:`H(\\theta) = \\sum_k \\theta_k H_k` with Pauli-string
generators :math:`H_k`, the model state :math:`\\rho(\\theta) = e^{-\\beta
H(\\theta)}/Z` and its visible marginal :math:`\\rho_v = \\mathrm{Tr}_h\\rho`
(arXiv:2010.15968, Sec. V). Objectives:

- :func:`observable_objective` :math:`\\mathrm{Tr}(O_v\\rho_v)`, the
  discriminative cost whose gradients the paper shows vanish exponentially in
  the number of hidden units when :math:`\\rho` is volume-law;
- :func:`generative_loss` :math:`S(\\eta\\|\\rho_v) = \\mathrm{Tr}\\,\\eta\\ln\\eta -
  \\mathrm{Tr}\\,\\eta\\ln\\rho_v` for a small visible set;
- :func:`relative_entropy_gradient`, the full-state gradient
  :math:`\\partial_k S(\\eta\\|\\rho) = \\beta(\\langle H_k\\rangle_\\eta -
  \\langle H_k\\rangle_\\rho)`.

Relative entropies here are in nats (natural log), the QBM-training
convention that makes the last formula exact; other entropies in tnbp are bits.

Derivatives of :math:`\\rho` come either from central finite differences of
Gibbs states (any backend; the paper's method, error :math:`O(h^2)` plus the
states' own errors over :math:`h`), or exactly on the dense backend from the
Duhamel formula in the eigenbasis of :math:`H`,

.. math::

    \\partial_k\\rho = -\\beta\\, V\\big[(V^\\dagger H_k V)\\circ F\\big]V^\\dagger
    + \\beta\\langle H_k\\rangle\\rho, \\qquad
    F_{ij} = \\max(p_i, p_j)\\,\\frac{1 - e^{-\\beta|E_i - E_j|}}{\\beta|E_i - E_j|},

with :math:`p_i = e^{-\\beta E_i}/Z` (the ratio is 1 at equal energies).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_density_matrix, check_opt, check_real
from ..limits import SPECTRUM_NOISE_FLOOR
from ..models.operators import as_observable
from ..models.paulis import pauli_matrix
from ..models.qbm import QBM
from ..states.base import State
from ..states.gibbs import DenseGibbsState, GibbsState, gibbs_state, partial_trace

__all__ = [
    "METHODS",
    "QBM",
    "generative_gradient",
    "generative_loss",
    "linear_gradient",
    "model_state",
    "observable_gradient",
    "observable_objective",
    "relative_entropy",
    "relative_entropy_gradient",
]

METHODS = ("exact", "finite_difference")


def model_state(qbm: QBM, theta, *, backend: str = "dense", **gibbs_opts) -> GibbsState:
    """:math:`\\rho(\\theta) = e^{-\\beta H(\\theta)}/Z` (options of :func:`tnbp.gibbs_state`)."""
    return gibbs_state(qbm.hamiltonian(theta), qbm.beta, backend=backend, **gibbs_opts)


# ------------------------------------------------------------ derivatives
def _pauli_trace(M: np.ndarray, n: int, pauli: str, qubits) -> complex:
    """:math:`\\mathrm{Tr}(M P)` via the partial trace of ``M`` onto the string's support."""
    return complex(np.trace(partial_trace(M, n, qubits) @ pauli_matrix(pauli)))


def _exact_linear_gradient(rho: DenseGibbsState, qbm: QBM, A_full: np.ndarray):
    """:math:`\\partial_k\\mathrm{Tr}(A\\rho)` for every generator, by the Duhamel formula.

    :math:`\\mathrm{Tr}(A\\,\\partial_k\\rho) = -\\beta\\mathrm{Tr}(M P_k) +
    \\beta\\langle P_k\\rangle\\langle A\\rangle` with
    :math:`M = V[(V^\\dagger A V)\\circ F]V^\\dagger` computed once, so each
    generator costs one partial trace instead of two matrix products.
    """
    w, v = np.linalg.eigh(rho.hamiltonian.to_dense())
    beta, n = qbm.beta, qbm.n
    p = np.exp(-beta * w - rho.log_partition)
    gap = beta * np.abs(w[:, None] - w[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(gap > 1e-12, -np.expm1(-gap) / gap, 1.0)
    F = np.maximum(p[:, None], p[None, :]) * phi
    M = v @ ((v.conj().T @ A_full @ v) * F) @ v.conj().T
    mean_A = float(np.real(np.trace(A_full @ rho.rho)))
    out = np.empty(qbm.num_parameters)
    for k, (pauli, qubits) in enumerate(qbm.generators):
        mean_P = _pauli_trace(rho.rho, n, pauli, qubits).real
        out[k] = -beta * _pauli_trace(M, n, pauli, qubits).real + beta * mean_P * mean_A
    return out


def linear_gradient(
    qbm: QBM,
    theta,
    A,
    *,
    method: str = "exact",
    backend: str = "dense",
    step: float = 1e-3,
    gibbs_opts: dict | None = None,
) -> np.ndarray:
    """:math:`\\partial_k\\mathrm{Tr}(A\\rho_v(\\theta))` for a matrix ``A`` on the visible qubits.

    ``method="exact"`` (dense backend) uses the Duhamel formula; with
    ``"finite_difference"`` each derivative is a central difference of two
    Gibbs states (any backend, the paper's method), error :math:`O(h^2)` plus
    twice the states' own error divided by :math:`2h`.
    """
    check_opt("method", method, METHODS)
    theta = qbm.check_theta(theta)
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    opts = gibbs_opts or {}
    if method == "exact":
        if backend != "dense":
            raise ValueError("`method`: 'exact' derivatives need backend='dense'.")
        rho = model_state(qbm, theta, backend="dense")
        n = qbm.n
        # A (x) I has its axes in (visible, hidden) order: move them to qubit order
        order = np.argsort(list(qbm.visible) + list(qbm.hidden))
        t = np.kron(A, np.eye(2 ** len(qbm.hidden))).reshape((2,) * (2 * n))
        t = t.transpose(list(order) + [n + o for o in order])
        return _exact_linear_gradient(rho, qbm, t.reshape(2**n, 2**n))
    out = np.empty(qbm.num_parameters)
    for k in range(qbm.num_parameters):
        values = []
        for sign in (1.0, -1.0):
            t = theta.copy()
            t[k] += sign * step
            rho_v = model_state(qbm, t, backend=backend, **opts).reduced_density_matrix(
                qbm.visible
            )
            values.append(float(np.real(np.trace(A @ rho_v))))
        out[k] = (values[0] - values[1]) / (2 * step)
    return out


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
    """:math:`\\mathrm{Tr}(O_v\\rho_v(\\theta))` for an observable on visible qubits."""
    O = _visible_observable(qbm, observable)
    rho_v = model_state(qbm, theta, **state_opts).reduced_density_matrix(qbm.visible)
    return float(np.real(np.trace(O @ rho_v)))


def observable_gradient(qbm: QBM, theta, observable, **grad_opts) -> np.ndarray:
    """:math:`\\partial_k \\mathrm{Tr}(O_v\\rho_v)` (options of :func:`linear_gradient`)."""
    return linear_gradient(
        qbm, theta, _visible_observable(qbm, observable), **grad_opts
    )


def relative_entropy(eta: np.ndarray, rho: np.ndarray) -> float:
    """:math:`S(\\eta\\|\\rho) = \\mathrm{Tr}\\,\\eta(\\ln\\eta - \\ln\\rho)` in nats.

    Infinite when the support of ``eta`` is not inside that of ``rho``.
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
    """:math:`S(\\eta\\|\\rho_v(\\theta))` in nats, for a target ``eta`` on the visible qubits."""
    eta = check_density_matrix(eta, 2 ** len(qbm.visible), name="eta")
    rho_v = model_state(qbm, theta, **state_opts).reduced_density_matrix(qbm.visible)
    return relative_entropy(eta, rho_v)


def generative_gradient(qbm: QBM, theta, eta, *, backend: str = "dense", **grad_opts):
    """Gradient of the generative loss, :math:`\\partial_k S(\\eta\\|\\rho_v)`.

    :math:`\\partial_k S = -\\mathrm{Tr}[\\eta\\, D\\ln[\\rho_v](\\partial_k\\rho_v)]
    = \\partial_k\\mathrm{Tr}[X\\rho_v]` at fixed
    :math:`X = -D\\ln[\\rho_v](\\eta)`: the Frechet derivative of the logarithm
    is self-adjoint and, in the eigenbasis of :math:`\\rho_v` (eigenvalues
    :math:`\\lambda`), multiplies entry :math:`ab` by
    :math:`(\\ln\\lambda_a - \\ln\\lambda_b)/(\\lambda_a - \\lambda_b)`
    (:math:`1/\\lambda_a` when equal). :math:`\\rho_v` must be full rank, as
    thermal marginals are. Options as in :func:`linear_gradient`.
    """
    eta = check_density_matrix(eta, 2 ** len(qbm.visible), name="eta")
    opts = grad_opts.get("gibbs_opts") or {}
    rho_v = model_state(qbm, theta, backend=backend, **opts).reduced_density_matrix(
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
    """Full-state relative-entropy gradient, :math:`\\partial_k S(\\eta\\|\\rho(\\theta))`.

    :math:`\\partial_k S = \\beta(\\langle P_k\\rangle_\\eta - \\langle P_k\\rangle_\\rho)`.

    Parameters
    ----------
    eta : State or sequence of float
        The data state on all ``n`` qubits (any tnbp state, e.g. a Gibbs state
        or a simulated circuit), or its expectation values of the generators.
    state_opts
        Passed to :meth:`QBM.state` (``backend``, ``dtau``, ``max_bond``, ...).
    """
    rho = model_state(qbm, theta, **state_opts)
    model = np.array([rho.expectation_pauli(p, q) for p, q in qbm.generators])
    if isinstance(eta, State):
        if eta.n != qbm.n:
            raise ValueError(f"`eta` has {eta.n} qubits, the model {qbm.n}.")
        data = np.array([eta.expectation_pauli(p, q) for p, q in qbm.generators])
    else:
        data = np.asarray(eta, dtype=float)
        if data.shape != model.shape:
            raise ValueError(
                f"`eta` must be a State or {model.size} expectation values, got {data.shape}."
            )
    return qbm.beta * (data - model)
