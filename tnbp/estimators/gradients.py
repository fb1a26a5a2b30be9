"""Gradients of expectation values with respect to a circuit's parameters.

For :math:`f(\\theta) = \\langle\\psi_0| U(\\theta)^\\dagger O\\, U(\\theta) |\\psi_0\\rangle`
with rotations :math:`e^{-i\\theta_k P_k/2}`:

``"parameter_shift"``
    :math:`\\partial_k f = \\tfrac12[f(\\theta_k + \\tfrac\\pi2) - f(\\theta_k - \\tfrac\\pi2)]`,
    exact for Pauli generators; two simulations per parameter.
``"finite_difference"``
    central differences :math:`[f(\\theta_k + h) - f(\\theta_k - h)]/2h`, error
    :math:`O(h^2)` plus rounding :math:`O(\\epsilon/h)`; default :math:`h = 10^{-4}`.
    On a truncating MPS the truncation noise is divided by :math:`h` as well:
    use ``cutoff=0`` there.
``"adjoint"``
    dense backend only: one forward and one backward sweep for the whole
    gradient, :math:`\\partial_k f = \\mathrm{Im}\\,\\langle\\lambda_k|P_k|\\psi_k\\rangle`
    with :math:`|\\psi_k\\rangle` the state after gate ``k`` and
    :math:`\\langle\\lambda_k| = \\langle\\psi_0|U^\\dagger O U_N \\cdots U_{k+1}`.

Only gates in the observable's reverse lightcone (:meth:`tnbp.Circuit.lightcone`)
are simulated; parameters outside it have exactly zero derivative.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._checks import check_bitstring, check_opt, check_real
from ..backends import simulate
from ..circuit import Circuit
from ..observables import MSELoss, as_observable
from .adjoint import adjoint_gradients, skeleton
from .expectation import observable_value

METHODS = ("parameter_shift", "finite_difference", "adjoint")
GRADIENT_BACKENDS = ("dense", "mps")


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
    info: dict | None = None,
) -> np.ndarray:
    """:math:`\\partial \\langle O \\rangle / \\partial \\theta` for every trainable parameter.

    Parameters
    ----------
    circuit : Circuit
    observable : Observable, list of (coeff, pauli, qubits), or MSELoss
        E.g. ``[(1.0, "ZZ", (3, 4))]``, a cost from :mod:`tnbp.observables`, or
        :func:`tnbp.observables.mse_loss` (then the loss is differentiated).
    method : {"parameter_shift", "finite_difference", "adjoint"}, optional
    backend : {"dense", "mps"}, optional
        Where the expectation values are computed (``"adjoint"``: dense only).
    initial : str, optional
        Initial bitstring (default all zeros).
    step : float, optional
        Finite-difference step ``h`` (radians).
    sim_opts : dict, optional
        Passed to :func:`tnbp.simulate` (e.g. ``max_bond``, ``cutoff``).
    parameters : int or sequence of int, optional
        Differentiate only these parameter indices (default: all).
    info : dict, optional
        If given, filled with diagnostics of the simulations: ``simulations``,
        ``min_fidelity`` and ``max_discarded_weight`` (worst over all runs) and
        ``untrusted`` (runs whose state had caveats).

    Returns
    -------
    numpy.ndarray
        Shape ``(circuit.num_parameters,)``, or ``(len(parameters),)`` in the
        order given.
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    check_opt("method", method, METHODS)
    check_opt("backend", backend, GRADIENT_BACKENDS)
    if method == "adjoint" and backend != "dense":
        raise ValueError("`method`='adjoint' runs on `backend`='dense' only.")
    loss = observable if isinstance(observable, MSELoss) else None
    obs = as_observable(loss.observable if loss else observable, circuit.n)
    initial = check_bitstring(initial, circuit.n)
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")

    wanted = _check_parameters(parameters, circuit.num_parameters)
    info = {} if info is None else info
    info.update(simulations=0, min_fidelity=1.0, max_discarded_weight=0.0, untrusted=0)

    grad = np.zeros(circuit.num_parameters)
    cone = circuit.lightcone(obs.support)
    sub = circuit.subcircuit(cone)
    # position in sub.parameters -> position in circuit.parameters
    full_index = {k: i for i, k in enumerate(circuit.parameter_gates)}
    where = np.array([full_index[cone[j]] for j in sub.parameter_gates], dtype=int)
    if method == "adjoint" and where.size:
        grad[where] = adjoint_gradients([sub], obs, initial)[0]
        info["simulations"] = 1
    elif where.size:
        opts = {"backend": backend, "initial": initial, **(sim_opts or {})}
        theta = sub.parameters
        # constants do not move gradients but cancel catastrophically in
        # f(+) - f(-): 1 - 1e-30 rounds to 1 (global costs at large n)
        varying = dataclasses.replace(obs, constant=0.0)

        def f(params):
            st = simulate(sub.bind(params), **opts)
            info["simulations"] += 1
            info["min_fidelity"] = min(info["min_fidelity"], st.fidelity_estimate)
            info["max_discarded_weight"] = max(
                info["max_discarded_weight"], st.discarded_weight
            )
            info["untrusted"] += not st.trusted
            return observable_value(st, varying)

        shift = np.pi / 2 if method == "parameter_shift" else step
        scale = 0.5 if method == "parameter_shift" else 0.5 / step
        todo = set(wanted.tolist())
        for j in range(theta.size):
            if where[j] in todo:
                plus, minus = theta.copy(), theta.copy()
                plus[j] += shift
                minus[j] -= shift
                grad[where[j]] = scale * (f(plus) - f(minus))
    if loss is not None:  # chain rule: dL = (<O> - O_0) d<O>; <O> needs only the cone
        sim = {"backend": backend, "initial": initial, **(sim_opts or {})}
        grad = grad * (observable_value(simulate(sub, **sim), obs) - loss.target)
    return grad if parameters is None else grad[wanted]


def _check_parameters(parameters, num: int) -> np.ndarray:
    """Indices of the parameters to differentiate (all when None)."""
    if parameters is None:
        return np.arange(num)
    idx = np.atleast_1d(np.asarray(parameters))
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(
            f"`parameters` must be an int or a sequence of ints, got {parameters!r}."
        )
    if idx.size == 0:
        raise ValueError("`parameters` must not be empty.")
    if np.any((idx < -num) | (idx >= num)):
        raise ValueError(f"`parameters` has indices out of range for {num} parameters.")
    return idx % num


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
