r"""Lightcones of observables: which gates a gradient must simulate, and the shift rules.

Only gates in the reverse lightcone of an observable
(:meth:`tnbp.Circuit.lightcone`) affect it; the rest cancel in
:math:`U^\dagger O U`, so their parameters have exactly zero derivative. A
gradient therefore simulates the cone only, restricted to the qubits it
touches; for a sum of local terms (a local cost) each support gets its own
cone when that is cheaper (:func:`plan_cones`), which is what makes dense and
MPS gradients of local costs work at ``n = 100``. :func:`cone_gradient`
differentiates one cone by the shift rules, the adjoint sweep or autodiff. On
the MPS backend the shifted circuits of a cone of at most
:data:`SHIFT_BATCH_MAX_QUBITS` qubits, which share one structure, are simulated
together (:func:`tnbp.simulate_batch`, :data:`SHIFT_BATCH` at a time).

References
----------
.. [1] K. Mitarai, M. Negoro, M. Kitagawa and K. Fujii, "Quantum circuit
   learning", Phys. Rev. A 98, 032309 (2018), arXiv:1803.00745 (the
   parameter-shift rule).
"""

from __future__ import annotations

import numpy as np

from ..estimators.expectation import observable_value
from ..limits import MAX_DENSE_QUBITS
from ..models.circuit import Circuit
from ..models.operators import Observable
from ..states.simulate import simulate, simulate_batch
from .adjoint import adjoint_gradients
from .autodiff import dense_autodiff
from .mps_adjoint import mps_adjoint_gradient
from .tn import support_groups

#: methods that differentiate a cone in one sweep (not one per parameter)
SINGLE_SWEEP = ("adjoint", "autodiff")

#: Shifted circuits of a cone simulated together on the MPS backend
#: (:func:`tnbp.simulate_batch`): enough to spread the per-circuit work (the
#: batch's gain levels off at a few dozen instances), few enough to bound the
#: memory of the batch's states.
SHIFT_BATCH = 32
#: Largest cone (qubits) whose shifted circuits run as batches. In small cones
#: the per-circuit work that a batch shares dominates: the local-cost cones
#: (about 10 qubits) of a 32-qubit hardware-efficient ansatz with 3 layers ran
#: 1.6x faster, and the mps rows of ``benchmarks/qntk.py`` (cones up to about
#: 24 qubits) 1.25-2.5x in 11 of 12 (one single-call row 0.75x). In long
#: ones the canonical sweep does, and the batch's also makes every bond's
#: Schmidt values: the 43-qubit cones of a DQNN at n = 64 ran 1.1-1.3x slower
#: (2-32 shifted circuits each). Sizes in between were not measured.
SHIFT_BATCH_MAX_QUBITS = 24
#: The options of :func:`tnbp.simulate` that a batch takes (others, such as
#: ``progbar``, ``auto_opts`` and ``engine``, run one circuit at a time).
BATCH_OPTIONS = ("max_bond", "cutoff", "trust_opts", "blas_threads")


def plan_cones(circuit: Circuit, obs: Observable, *, method: str, backend: str) -> list:
    """Split an observable into the parts whose lightcones are simulated apart.

    Per-support cones win when the terms are local and far apart (a local cost:
    many narrow cones instead of one that spans the circuit). The cost model is
    gates x width-factor x sweeps, with width factor ``2^width`` for dense and
    ``width`` for MPS, and sweeps 1 for adjoint/autodiff or the number of
    parameters for shift rules; a dense cone wider than
    :data:`~tnbp.limits.MAX_DENSE_QUBITS` costs infinity.

    Parameters
    ----------
    circuit : Circuit
        The circuit.
    obs : Observable
        A validated observable on ``circuit.n`` qubits.
    method : str
        The gradient method (one of :data:`tnbp.gradients.api.METHODS`).
    backend : {"dense", "mps"}
        The simulating backend.

    Returns
    -------
    list of (Observable, list of int)
        ``(part, cone)`` pairs: the observable whole with its cone, or one part
        per support (constant dropped) with that support's cone (gate indices,
        ascending).
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
            1 if method in SINGLE_SWEEP else 1 + sum(gates[k].trainable for k in cone)
        )
        return len(cone) * (2.0**w if backend == "dense" else w) * sweeps

    split = sum(cost(*p) for p in parts)
    return parts if split < cost(*whole) else [whole]


def cone_gradient(
    circuit, cone, obs, initial, method, opts, step, wanted, tally, *, need_value
) -> tuple[np.ndarray, float]:
    """The derivatives of ``<obs>`` (constant ignored), simulating its cone alone.

    The cone's gates are restricted to the qubits they touch and simulated on
    the backend of ``opts``; shift rules shift one angle at a time (only the
    terms, never the constant: ``1 - 1e-30`` rounds to 1), adjoint and
    autodiff sweep once.

    Parameters
    ----------
    circuit : Circuit
        The whole circuit.
    cone : list of int
        Gate indices of the cone (ascending), from :func:`plan_cones`.
    obs : Observable
        The part of the observable this cone carries.
    initial : str
        Validated initial bitstring of ``circuit``.
    method : str
        The gradient method.
    opts : dict
        Keyword arguments of :func:`tnbp.simulate` (``backend`` included).
    step : float
        Finite-difference step in radians.
    wanted : set of int
        Parameter indices to differentiate by shift rules.
    tally : DiagnosticsTally
        Counts the simulations and their truncation.
    need_value : bool
        Whether to also evaluate ``<obs>`` (one more simulation).

    Returns
    -------
    gradient : numpy.ndarray of float64, shape (circuit.num_parameters,)
        Derivatives per radian; zero outside the cone (and outside ``wanted``
        for shift rules).
    value : float
        ``<obs>`` without its constant, or 0.0 when not needed.
    """
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

    def values(points: list) -> list[float]:
        """``f`` of every parameter vector, batched on the MPS backend."""
        batch = {k: v for k, v in opts.items() if k != "backend"}
        if (
            opts["backend"] != "mps"
            or sub.n > SHIFT_BATCH_MAX_QUBITS
            or batch.get("max_bond") == "auto"
            or not (set(batch) <= set(BATCH_OPTIONS))
        ):
            return [f(p) for p in points]
        out = []
        for i in range(0, len(points), SHIFT_BATCH):
            states = simulate_batch(
                [sub.bind(p) for p in points[i : i + SHIFT_BATCH]],
                initial=start,
                **batch,
            )
            for st in states:
                tally.add_state(st)
                out.append(observable_value(st, local))
        return out

    if method == "adjoint" and opts["backend"] == "mps":
        if where.size:  # the sweep tallies its own three passes
            sim_opts = {k: v for k, v in opts.items() if k != "backend"}
            grad[where] = mps_adjoint_gradient(sub, local, start, sim_opts, tally)
    elif method in ("adjoint", "autodiff"):
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
        shifted = [j for j in range(theta.size) if where[j] in wanted]
        points = []
        for j in shifted:
            plus, minus = theta.copy(), theta.copy()
            plus[j] += shift
            minus[j] -= shift
            points += [plus, minus]
        f_shifted = values(points)
        for i, j in enumerate(shifted):
            grad[where[j]] = scale * (f_shifted[2 * i] - f_shifted[2 * i + 1])
    return grad, (f(sub.parameters) if need_value else 0.0)
