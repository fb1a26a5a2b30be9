r"""Gradients of expectation values with respect to a circuit's parameters.

For :math:`f(\theta) = \langle\psi_0| U(\theta)^\dagger O\, U(\theta) |\psi_0\rangle`
with rotations :math:`e^{-i\theta_k P_k/2}`:

``"parameter_shift"``
    :math:`\partial_k f = \tfrac12[f(\theta_k + \tfrac\pi2) - f(\theta_k - \tfrac\pi2)]`,
    exact for Pauli generators; two simulations per parameter.
``"finite_difference"``
    central differences :math:`[f(\theta_k + h) - f(\theta_k - h)]/2h`, error
    :math:`O(h^2)` plus rounding :math:`O(\epsilon/h)`; default :math:`h = 10^{-4}`.
    On a truncating MPS the truncation noise is divided by :math:`h` as well:
    use ``cutoff=0`` there.
``"adjoint"``
    one forward and one backward sweep for the whole gradient. Dense:
    :math:`\partial_k f = \mathrm{Im}\,\langle\lambda_k|P_k|\psi_k\rangle`
    with :math:`|\psi_k\rangle` the state after gate ``k`` and
    :math:`\langle\lambda_k| = \langle\psi_0|U^\dagger O U_N \cdots U_{k+1}`;
    tn: a reverse sweep along the contraction tree (:mod:`.tn_gradients`).
``"autodiff"``
    reverse-mode automatic differentiation with jax through the same
    computation, written with autoray (:mod:`.autodiff`; needs ``tnbp[jax]``).

Backends: ``"dense"`` and ``"mps"`` simulate circuits; ``"tn"`` contracts each
term's lightcone exactly (:mod:`tnbp.states.tn`), for local observables of
shallow circuits at any ``n``.

Only gates in the reverse lightcone of the observable
(:meth:`tnbp.Circuit.lightcone`) are simulated, restricted to the qubits they
touch; parameters outside it have exactly zero derivative. For a sum of local
terms (a local cost), each support gets its own cone when that is cheaper
than one cone of the whole observable, so dense and MPS gradients of local
observables also work at ``n = 100``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._checks import check_bitstring, check_opt, check_parameters, check_real
from .._threads import blas_threads_limit
from ..estimators.expectation import observable_value
from ..limits import MAX_DENSE_QUBITS
from ..models.circuit import Circuit
from ..models.losses import FidelityCost, MSELoss
from ..models.operators import Observable, as_observable
from ..states.simulate import simulate
from ..states.tn.contraction import TreeCache
from .adjoint import adjoint_gradients, skeleton
from .autodiff import dense_autodiff, tn_autodiff
from .diagnostics import DiagnosticsTally, GradientDiagnostics
from .tn import support_groups, tn_gradient

METHODS = ("parameter_shift", "finite_difference", "adjoint", "autodiff")
GRADIENT_BACKENDS = ("dense", "mps", "tn")
#: methods that need a backend other than "mps"
_BACKENDS_OF = {"adjoint": ("dense", "tn"), "autodiff": ("dense", "tn")}


def check_method(method: str, backend: str) -> None:
    """Validate ``method`` and ``backend`` and that they work together."""
    check_opt("method", method, METHODS)
    check_opt("backend", backend, GRADIENT_BACKENDS)
    allowed = _BACKENDS_OF.get(method, GRADIENT_BACKENDS)
    if backend not in allowed:
        raise ValueError(
            f"`method`={method!r} runs on `backend` in {allowed}, got {backend!r}."
        )


def gradient(
    circuit: Circuit,
    observable,
    *,
    method: str = "parameter_shift",
    backend: str = "dense",
    initial: str | None = None,
    step: float = 1e-4,
    sim_opts: dict | None = None,
    parameters=None,
    cache: TreeCache | None = None,
    info: dict | None = None,
) -> np.ndarray:
    r""":math:`\partial \langle O \rangle / \partial \theta` for every trainable parameter.

    The gradient alone; :func:`gradient_with_diagnostics` takes the same
    arguments and also returns what the computation cost and how far it can be
    trusted.

    Parameters
    ----------
    circuit : Circuit
    observable : Observable, list of (coeff, pauli, qubits), MSELoss or FidelityCost
        E.g. ``[(1.0, "ZZ", (3, 4))]``, a cost from :mod:`tnbp.observables`,
        :func:`tnbp.observables.mse_loss` or :func:`tnbp.observables.fidelity_cost`
        (nonlinear costs are differentiated by the chain rule; a fidelity costs
        one extra simulation for the visible state).
    method : {"parameter_shift", "finite_difference", "adjoint", "autodiff"}, optional
        ``"adjoint"`` and ``"autodiff"`` run on the dense and tn backends.
    backend : {"dense", "mps", "tn"}, optional
        Where the expectation values are computed.
    initial : str, optional
        Initial bitstring (default all zeros).
    step : float, optional
        Finite-difference step ``h`` (radians).
    sim_opts : dict, optional
        Passed to :func:`tnbp.simulate` (e.g. ``max_bond``, ``cutoff``); dense
        and mps only.
    parameters : "all", int or sequence of int, optional
        Differentiate only these parameter indices (default None: all).
        Negative indices count from the end; repeats are rejected.
    cache : TreeCache, optional
        Contraction trees for ``backend="tn"`` (default: the process-wide cache,
        so repeated calls on one ansatz search each tree once).
    info : dict, optional
        Deprecated (emits a ``DeprecationWarning``; removed in the release
        after 0.1): filled with the fields of the
        :class:`~tnbp.gradients.diagnostics.GradientDiagnostics` record, its
        ``untrusted_runs`` under the old key ``untrusted``. Use
        :func:`gradient_with_diagnostics` instead.

    Returns
    -------
    numpy.ndarray
        Shape ``(circuit.num_parameters,)``, or ``(len(parameters),)`` in the
        order given; float64, in units of the observable per radian.

    Raises
    ------
    TypeError, ValueError
        On bad arguments, naming the argument.
    """
    if info is not None:
        warnings.warn(
            "`info` is deprecated: use tnbp.gradient_with_diagnostics(...), which "
            "returns (gradient, GradientDiagnostics).",
            DeprecationWarning,
            stacklevel=2,
        )
        if not isinstance(info, dict):
            raise TypeError(f"`info` must be a dict, got {type(info)!r}.")
    grad, diagnostics = gradient_with_diagnostics(
        circuit,
        observable,
        method=method,
        backend=backend,
        initial=initial,
        step=step,
        sim_opts=sim_opts,
        parameters=parameters,
        cache=cache,
    )
    if info is not None:
        legacy = diagnostics.to_dict()
        legacy["untrusted"] = legacy.pop("untrusted_runs")
        info.update(legacy)
    return grad


def gradient_with_diagnostics(
    circuit: Circuit,
    observable,
    *,
    method: str = "parameter_shift",
    backend: str = "dense",
    initial: str | None = None,
    step: float = 1e-4,
    sim_opts: dict | None = None,
    parameters=None,
    cache: TreeCache | None = None,
) -> tuple[np.ndarray, GradientDiagnostics]:
    """The gradient of :func:`gradient` and the record of how it was computed.

    Parameters
    ----------
    circuit, observable, method, backend, initial, step, sim_opts, parameters, cache
        As in :func:`gradient`.

    Returns
    -------
    gradient : numpy.ndarray
        As returned by :func:`gradient`.
    diagnostics : GradientDiagnostics
        Simulations, contractions and tree searches run, and the worst
        truncation met (fidelity estimate, discarded weight, untrusted runs);
        see :class:`~tnbp.gradients.diagnostics.GradientDiagnostics` for the
        conventions.

    Raises
    ------
    TypeError, ValueError
        On bad arguments, naming the argument.

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(2)
    >>> c.ry(0.3, 0); c.cnot(0, 1)
    >>> g, d = tnbp.gradient_with_diagnostics(c, [(1.0, "ZZ", (0, 1))], backend="mps")
    >>> d.simulations, d.min_fidelity, d.untrusted_runs
    (2, 1.0, 0)
    """
    tally = DiagnosticsTally()
    grad = _gradient(
        circuit,
        observable,
        method=method,
        backend=backend,
        initial=initial,
        step=step,
        sim_opts=sim_opts,
        parameters=parameters,
        cache=cache,
        tally=tally,
    )
    return grad, tally.freeze()


def _gradient(
    circuit,
    observable,
    *,
    method,
    backend,
    initial,
    step,
    sim_opts,
    parameters,
    cache,
    tally: DiagnosticsTally,
) -> np.ndarray:
    """:func:`gradient`, tallying its simulations and contractions into ``tally``."""
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    check_method(method, backend)
    initial = check_bitstring(initial, circuit.n)
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    if sim_opts and backend == "tn":
        raise ValueError("`sim_opts` applies to the dense and mps backends, not 'tn'.")
    if cache is not None and not isinstance(cache, TreeCache):
        raise TypeError(f"`cache` must be a tnbp.states.tn.TreeCache, got {cache!r}.")
    if isinstance(observable, FidelityCost):
        return _fidelity_gradient(
            circuit,
            observable,
            method=method,
            backend=backend,
            initial=initial,
            step=step,
            sim_opts=sim_opts,
            parameters=parameters,
            cache=cache,
            tally=tally,
        )
    loss = observable if isinstance(observable, MSELoss) else None
    obs = as_observable(loss.observable if loss else observable, circuit.n)

    selection = check_parameters(parameters, circuit.num_parameters)
    wanted = range(circuit.num_parameters) if selection is None else selection
    if backend == "tn":
        run = tn_autodiff if method == "autodiff" else tn_gradient
        with blas_threads_limit(1):  # many small matrix products
            grad, value = run(
                circuit,
                obs,
                initial,
                method=method,
                step=step,
                cache=cache,
                tally=tally,
            )
    else:
        grad, value = np.zeros(circuit.num_parameters), obs.constant
        opts = {"backend": backend, **(sim_opts or {})}
        for part, cone in _plan(circuit, obs, method, backend):
            g, v = _cone_gradient(
                circuit,
                cone,
                part,
                initial,
                method,
                opts,
                step,
                set(wanted),
                tally,
                need_value=loss is not None,
            )
            grad += g
            value += v
    if loss is not None:  # chain rule: dL = (<O> - O_0) d<O>
        grad = grad * (value - loss.target)
    return grad if selection is None else grad[list(selection)]


def _fidelity_gradient(circuit, cost, *, sim_opts, initial, tally, **kw):
    r"""Chain rule :math:`\partial F = \mathrm{Tr}[G\,\partial\rho_v]` at fixed ``G``."""
    bad = [q for q in cost.qubits if q >= circuit.n]
    if bad:
        raise ValueError(
            f"`observable` acts on qubit(s) {bad}, out of range for {circuit.n} qubits."
        )
    state = simulate(
        circuit, backend=kw["backend"], initial=initial, **(sim_opts or {})
    )
    rho = state.reduced_density_matrix(cost.qubits)
    tally.add_state(state)
    return _gradient(
        circuit,
        cost.linearized(rho),
        sim_opts=sim_opts,
        initial=initial,
        tally=tally,
        **kw,
    )


def _plan(circuit: Circuit, obs: Observable, method: str, backend: str) -> list:
    """``(observable part, cone)`` pairs: one cone for all, or one per support.

    Per-support cones win when the terms are local and far apart (a local cost:
    many narrow cones instead of one that spans the circuit). The cost model is
    gates x width-factor x sweeps, with width factor ``2^width`` for dense and
    ``width`` for MPS, and sweeps 1 for adjoint/autodiff or the number of
    parameters for shift rules.
    """
    whole = (obs, circuit.lightcone(obs.support))
    groups = support_groups(obs)
    if len(groups) == 1:
        return [whole]
    parts = [
        (Observable(tuple(terms), 0.0, obs.label), circuit.lightcone(support))
        for support, terms in groups.items()
    ]
    gates = circuit.gates

    def width(cone, support):
        return len(set(support).union(*(gates[k].qubits for k in cone)))

    def cost(part, cone):
        w = width(cone, part.support)
        if backend == "dense" and w > MAX_DENSE_QUBITS:
            return np.inf
        sweeps = (
            1 if method in _BACKENDS_OF else 1 + sum(gates[k].trainable for k in cone)
        )
        return len(cone) * (2.0**w if backend == "dense" else w) * sweeps

    split = sum(cost(*p) for p in parts)
    return parts if split < cost(*whole) else [whole]


def _cone_gradient(
    circuit, cone, obs, initial, method, opts, step, wanted, tally, *, need_value
) -> tuple[np.ndarray, float]:
    """``(d<O>/dtheta, <O> or 0)`` of ``obs`` (constant ignored) from its cone alone."""
    grad = np.zeros(circuit.num_parameters)
    if not obs.terms:  # a constant: no cone, no derivative
        return grad, 0.0
    sub, labels = circuit.restrict(cone, obs.support)
    local = obs.relabeled(labels)
    start = "".join(initial[q] for q in labels)
    if sub.n == 1:  # an MPS needs two sites; one qubit is exact and trivial
        opts = {"backend": "dense"}
    full_index = {k: i for i, k in enumerate(circuit.parameter_gates)}
    where = np.array([full_index[cone[j]] for j in sub.parameter_gates], dtype=int)

    def f(params):
        st = simulate(sub.bind(params), initial=start, **opts)
        tally.add_state(st)
        return observable_value(st, local)

    if method in ("adjoint", "autodiff"):
        if where.size:
            grad[where] = (
                adjoint_gradients([sub], local, start)[0]
                if method == "adjoint"
                else dense_autodiff(sub, local, start)
            )
            tally.simulations += 1
    else:
        # the shift only sees the terms; constants would cancel catastrophically
        # in f(+) - f(-) (1 - 1e-30 rounds to 1 for global costs at large n)
        theta = sub.parameters
        shift = np.pi / 2 if method == "parameter_shift" else step
        scale = 0.5 if method == "parameter_shift" else 0.5 / step
        for j in range(theta.size):
            if where[j] in wanted:
                plus, minus = theta.copy(), theta.copy()
                plus[j] += shift
                minus[j] -= shift
                grad[where[j]] = scale * (f(plus) - f(minus))
    return grad, (f(sub.parameters) if need_value else 0.0)


def gradient_batch(circuits, observable, *, initial: str | None = None) -> np.ndarray:
    """Adjoint gradients of many circuits of one structure, in one batched sweep.

    Much faster than calling :func:`gradient` per circuit on the dense backend
    when the circuits are random instances of one ansatz (see
    :mod:`tnbp.estimators.adjoint`). Circuits must share their gates' qubits,
    generators and trainable flags; angles and fixed matrices may differ.

    Returns
    -------
    numpy.ndarray, shape (len(circuits), num_parameters)
    """
    circuits = list(circuits)
    if not circuits or not all(isinstance(c, Circuit) for c in circuits):
        raise TypeError("`circuits` must be a non-empty sequence of tnbp.Circuit.")
    first = circuits[0]
    if any(c.n != first.n or skeleton(c) != skeleton(first) for c in circuits[1:]):
        raise ValueError(
            "`circuits` must share one structure (qubits, generators, trainability)."
        )
    obs = as_observable(observable, first.n)
    initial = check_bitstring(initial, first.n)
    grads = np.zeros((len(circuits), first.num_parameters))
    cone = first.lightcone(obs.support)
    full_index = {k: i for i, k in enumerate(first.parameter_gates)}
    subs = [c.subcircuit(cone) for c in circuits]
    where = [full_index[cone[j]] for j in subs[0].parameter_gates]
    if where:
        grads[:, where] = adjoint_gradients(subs, obs, initial)
    return grads
