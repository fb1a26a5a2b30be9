r"""Gradients of expectation values with respect to a circuit's parameters.

For :math:`f(\theta) = \langle\psi_0| U(\theta)^\dagger O\, U(\theta) |\psi_0\rangle`
with rotations :math:`e^{-i\theta_k P_k/2}` (angles in radians):

``"parameter_shift"``
    :math:`\partial_k f = \tfrac12[f(\theta_k + \tfrac\pi2) - f(\theta_k - \tfrac\pi2)]`,
    exact for Pauli generators; two simulations per parameter.
``"finite_difference"``
    central differences :math:`[f(\theta_k + h) - f(\theta_k - h)]/2h`, which for
    a Pauli rotation (:math:`f` of degree one in :math:`\cos\theta_k,
    \sin\theta_k`) is exactly :math:`\tfrac{\sin h}{h}\partial_k f` (relative error
    :math:`h^2/6`), plus rounding :math:`O(\epsilon/h)`; default :math:`h = 10^{-4}`.
    On a truncating MPS the truncation noise is divided by :math:`h` as well:
    use ``cutoff=0`` there.
``"adjoint"``
    one forward and one backward sweep for the whole gradient. Dense:
    :math:`\partial_k f = \mathrm{Im}\,\langle\lambda_k|P_k|\psi_k\rangle`
    with :math:`|\psi_k\rangle` the state after gate ``k`` and
    :math:`\langle\lambda_k| = \langle\psi_0|U^\dagger O U_N \cdots U_{k+1}`
    (:mod:`tnbp.gradients.adjoint`); mps: the same pairing moment by moment
    (:mod:`tnbp.gradients.mps_adjoint`); tn: a reverse sweep along the
    contraction tree (:mod:`tnbp.gradients.tn`).
``"autodiff"``
    reverse-mode automatic differentiation with jax through the same
    computation, written with autoray (:mod:`tnbp.gradients.autodiff`; needs
    ``tnbp[jax]``).

Backends: ``"dense"`` and ``"mps"`` simulate circuits; ``"tn"`` contracts each
term's lightcone exactly (:mod:`tnbp.states.tn`), for local observables of
shallow circuits at any ``n``.

Without a ``method`` (None), each backend uses its best one
(:data:`DEFAULT_METHODS`): ``"adjoint"`` on dense and tn, ``"parameter_shift"``
on mps, whose only error is then the forward runs' truncation (the MPS adjoint
sweep, :mod:`tnbp.gradients.mps_adjoint`, also truncates its backward passes);
:func:`check_method` resolves it, so tables that record the method record the one
that ran.

Only gates in the reverse lightcone of the observable are simulated
(:mod:`tnbp.gradients.cones`), so dense and MPS gradients of local observables
also work at ``n = 100``.

References
----------
.. [1] K. Mitarai, M. Negoro, M. Kitagawa and K. Fujii, "Quantum circuit
   learning", Phys. Rev. A 98, 032309 (2018), arXiv:1803.00745 (the
   parameter-shift rule).
.. [2] M. Schuld, V. Bergholm, C. Gogolin, J. Izaac and N. Killoran,
   "Evaluating analytic gradients on quantum hardware", Phys. Rev. A 99,
   032331 (2019), arXiv:1811.11184 (the shift rule for Pauli generators).
.. [3] T. Jones and J. Gacon, "Efficient calculation of gradients in
   classical simulations of variational quantum algorithms",
   arXiv:2009.02823 (2020) (the adjoint method).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._checks import check_bitstring, check_parameters, check_real
from .._checks import check_method as _check_method
from .._threads import blas_threads_limit
from ..models.circuit import Circuit
from ..models.losses import FidelityCost, MSELoss
from ..models.operators import as_observable
from ..states.simulate import check_sim_opts, simulate
from ..states.tn.contraction import TreeCache
from .adjoint import adjoint_gradients, skeleton
from .autodiff import tn_autodiff
from .cones import cone_gradient, plan_cones
from .diagnostics import DiagnosticsTally, GradientDiagnostics
from .tn import tn_gradient

#: the differentiation methods of :func:`~tnbp.gradient`
METHODS = ("parameter_shift", "finite_difference", "adjoint", "autodiff")
#: the backends :func:`~tnbp.gradient` differentiates on
GRADIENT_BACKENDS = ("dense", "mps", "tn")
#: the backends each method runs on (the others run on all three)
_BACKENDS_OF = {"adjoint": ("dense", "mps", "tn"), "autodiff": ("dense", "tn")}
#: the method of ``method=None``: one adjoint sweep where it runs, else the
#: exact shift rule (finite differences divide MPS truncation noise by the step)
DEFAULT_METHODS = {"dense": "adjoint", "tn": "adjoint", "mps": "parameter_shift"}


def check_method(method: str | None, backend: str) -> str:
    """Validate ``method`` and ``backend`` and return the method to use.

    Parameters
    ----------
    method : str or None
        The differentiation method, one of :data:`METHODS`, or None for the
        backend's default (:data:`DEFAULT_METHODS`: ``"adjoint"`` on dense and
        tn, ``"parameter_shift"`` on mps).
    backend : str
        The backend, one of :data:`GRADIENT_BACKENDS`.

    Returns
    -------
    str
        The method: ``method`` itself, or the backend's default for None.

    Raises
    ------
    ValueError
        If ``method`` or ``backend`` is not one of the options, or ``method`` does
        not run on ``backend`` (``"autodiff"`` needs ``"dense"`` or ``"tn"``).
    """
    return _check_method(
        method,
        backend,
        methods=METHODS,
        backends=GRADIENT_BACKENDS,
        default=DEFAULT_METHODS,
        runs_on=_BACKENDS_OF,
    )


def gradient(
    circuit: Circuit,
    observable,
    *,
    method: str | None = None,
    backend: str = "dense",
    initial: str | None = None,
    step: float = 1e-4,
    sim_opts: dict | None = None,
    parameters=None,
    cache: TreeCache | None = None,
    info: dict | None = None,
) -> np.ndarray:
    r""":math:`\partial \langle O \rangle / \partial \theta_k` for every trainable parameter.

    The gradient alone; :func:`gradient_with_diagnostics` takes the same
    arguments and also returns what the computation cost and how far it can be
    trusted. The methods and the lightcone restriction are described in
    :mod:`tnbp.gradients.api`.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles :attr:`tnbp.Circuit.parameters`
        (radians); its trainable rotations :math:`e^{-i\theta_k P_k/2}` are
        differentiated.
    observable : Observable, list of (coeff, pauli, qubits), MSELoss or FidelityCost
        E.g. ``[(1.0, "ZZ", (3, 4))]``, a cost from :mod:`tnbp.observables`,
        :func:`tnbp.observables.mse_loss` or :func:`tnbp.observables.fidelity_cost`
        (nonlinear costs are differentiated by the chain rule; a fidelity costs
        one extra simulation for the visible state).
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        None (default): the best method of ``backend``, ``"adjoint"`` on dense
        and tn (one sweep for the whole gradient), ``"parameter_shift"`` on mps
        (:data:`DEFAULT_METHODS`). ``"adjoint"`` runs on every backend,
        ``"autodiff"`` on dense and tn only and needs jax
        (``pip install 'tnbp[jax]'``). All methods but finite differences are
        exact up to rounding and the simulation's own error.
    backend : {"dense", "mps", "tn"}, optional
        Where the expectation values are computed.
    initial : str, optional
        Initial bitstring of ``circuit.n`` characters, qubit 0 first (default all
        zeros).
    step : float, optional
        Finite-difference step :math:`h` in radians, ``> 0`` (used by
        ``"finite_difference"`` only).
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
    numpy.ndarray of float64, shape (circuit.num_parameters,) or (len(parameters),)
        :math:`\partial\langle O\rangle/\partial\theta_k`, in the order of
        :attr:`tnbp.Circuit.parameters` or of ``parameters`` as given; in units
        of the observable's coefficients per radian (for an MSE loss, of the
        loss per radian).

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``observable`` is not
        one of the accepted kinds, ``initial`` is not a string, ``step`` is not
        a real number, ``parameters`` is not ``"all"``, an int or a sequence of
        ints, ``cache`` is not a :class:`~tnbp.states.tn.TreeCache`, ``info``
        is not a dict, or ``sim_opts`` is not a dict or has an option
        :func:`tnbp.simulate` does not take.
    ValueError
        If ``method`` or ``backend`` is not one of the options or they do not
        combine, ``initial`` has the wrong length or characters, ``step`` is not
        positive and finite, ``sim_opts`` is given with ``backend="tn"``,
        ``parameters`` is empty, out of range or repeats an index, or
        ``observable`` has an invalid Pauli string or acts outside the register.
    ImportError
        If ``method="autodiff"`` and jax is not installed.

    Warns
    -----
    DeprecationWarning
        When ``info`` is passed.
    TruncationWarning
        When a simulation behind the gradient had caveats (truncated beyond
        tolerance, bond saturated, or ``max_bond="auto"`` not converged): the
        derivatives may be biased.

    See Also
    --------
    gradient_with_diagnostics : The same gradient with its cost and trust record.
    gradient_batch : Adjoint gradients of many circuits of one structure.

    References
    ----------
    .. [1] K. Mitarai, M. Negoro, M. Kitagawa and K. Fujii, "Quantum circuit
       learning", Phys. Rev. A 98, 032309 (2018), arXiv:1803.00745 (the
       parameter-shift rule).
    .. [2] T. Jones and J. Gacon, "Efficient calculation of gradients in
       classical simulations of variational quantum algorithms",
       arXiv:2009.02823 (2020) (the adjoint method).

    Examples
    --------
    :math:`\langle Z\rangle = \cos\theta` after :math:`R_y(\theta)`, so the
    derivative is :math:`-\sin\theta`:

    >>> import numpy as np, tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> g = tnbp.gradient(c, [(1.0, "Z", (0,))])
    >>> bool(np.isclose(g[0], -np.sin(0.3)))
    True
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
    diagnostics.warn_if_untrusted("gradient", options="sim_opts")
    if info is not None:
        legacy = diagnostics.to_dict()
        legacy["untrusted"] = legacy.pop("untrusted_runs")
        info.update(legacy)
    return grad


def gradient_with_diagnostics(
    circuit: Circuit,
    observable,
    *,
    method: str | None = None,
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
    circuit : Circuit
        As in :func:`gradient`.
    observable : Observable, list of (coeff, pauli, qubits), MSELoss or FidelityCost
        As in :func:`gradient`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`gradient` (None: the best method of ``backend``).
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`gradient`.
    initial : str, optional
        As in :func:`gradient`.
    step : float, optional
        As in :func:`gradient` (radians).
    sim_opts : dict, optional
        As in :func:`gradient`.
    parameters : "all", int or sequence of int, optional
        As in :func:`gradient`.
    cache : TreeCache, optional
        As in :func:`gradient`.

    Returns
    -------
    gradient : numpy.ndarray of float64, shape (circuit.num_parameters,) or (len(parameters),)
        As returned by :func:`gradient` (units of the observable per radian).
    diagnostics : GradientDiagnostics
        Simulations, contractions and tree searches run, and the worst
        truncation met (fidelity estimate, discarded weight, untrusted runs);
        see :class:`~tnbp.gradients.diagnostics.GradientDiagnostics` for the
        conventions.

    Raises
    ------
    TypeError
        As in :func:`gradient` (a bad ``circuit``, ``observable``, ``initial``,
        ``step``, ``parameters`` or ``cache``, named in the message).
    ValueError
        As in :func:`gradient` (an unknown or incompatible ``method`` and
        ``backend``, a bad ``initial``, ``step`` or ``parameters``, ``sim_opts``
        with ``backend="tn"``, or ``observable`` outside the register).
    ImportError
        If ``method="autodiff"`` and jax is not installed.

    Warns
    -----
    TruncationWarning
        When an MPS simulation with ``max_bond="auto"`` did not converge. Other
        caveats are not warned about here: the record carries them
        (``untrusted_runs``, :attr:`GradientDiagnostics.trusted`), and
        :func:`gradient` warns from it.

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
    diagnostics = tally.freeze()
    return grad, diagnostics


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
    method = check_method(method, backend)
    initial = check_bitstring(initial, circuit.n)
    step = check_real(step, "step")
    if step <= 0:
        raise ValueError(f"`step` must be > 0, got {step}.")
    sim_opts = check_sim_opts(sim_opts, backend)
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
        for part, cone in plan_cones(circuit, obs, method=method, backend=backend):
            g, v = cone_gradient(
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


def gradient_batch(circuits, observable, *, initial: str | None = None) -> np.ndarray:
    r"""Adjoint gradients of many circuits of one structure, in one batched sweep.

    Much faster than calling :func:`gradient` per circuit on the dense backend
    when the circuits are random instances of one ansatz (see
    :func:`tnbp.gradients.adjoint.adjoint_gradients`). Circuits must share their
    gates' qubits, generators and trainable flags; angles and fixed matrices may
    differ. Only the reverse lightcone of the observable is simulated.

    Parameters
    ----------
    circuits : sequence of Circuit
        The instances, all with the structure of the first.
    observable : Observable or list of (coeff, pauli, qubits)
        A linear cost (no MSE loss or fidelity).
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).

    Returns
    -------
    numpy.ndarray of float64, shape (len(circuits), num_parameters)
        Row ``i`` is :math:`\partial\langle O\rangle/\partial\theta_k` of
        ``circuits[i]``, in the units of the observable per radian.

    Raises
    ------
    TypeError
        If ``circuits`` is empty or holds something other than
        :class:`~tnbp.Circuit` s, ``observable`` is not an observable, or
        ``initial`` is not a string.
    ValueError
        If the circuits do not share one structure, ``initial`` has the wrong
        length or characters, or ``observable`` has an invalid Pauli string or
        acts outside the register.

    References
    ----------
    .. [1] T. Jones and J. Gacon, "Efficient calculation of gradients in
       classical simulations of variational quantum algorithms",
       arXiv:2009.02823 (2020) (the adjoint method).
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
