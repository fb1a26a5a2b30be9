r"""Reverse-mode automatic differentiation with jax (``method="autodiff"``).

The computation is written once with :func:`autoray.do`, so the same code
runs on numpy or jax arrays; ``jax.value_and_grad`` differentiates it and
``jax.jit`` compiles it once per circuit structure (random instances of one
ansatz reuse the compiled function). Two computations are differentiated:

- dense: the statevector of the cone, gate by gate, and
  :math:`\langle O\rangle = \sum_t c_t \langle\psi|P_t|\psi\rangle`;
- tn: the lightcone network of each support, along its cached contraction
  tree (:class:`tnbp.states.tn.ContractionProgram` is autoray-generic).

Trainable gates are rebuilt from their angle as
:math:`e^{-i\theta P/2} = \cos(\theta/2)\,I - i\sin(\theta/2)\,P` (a Pauli
string squares to the identity), so the derivative flows through the angle.

jax is an optional dependency (``pip install 'tnbp[jax]'``). Double precision
is switched on (``jax_enable_x64``) on first use: in single precision
gradients would only agree with the other methods to ~1e-6.
"""

from __future__ import annotations

import functools
import weakref

import numpy as np
from autoray import do

from ..models.circuit import Circuit
from ..models.operators import Observable
from ..models.paulis import pauli_matrix
from ..states.tn.contraction import default_cache
from ..states.tn.lightcone import GateTable
from .adjoint import skeleton
from .tn import buckets


def _jax():
    try:
        import jax
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(
            "`method`='autodiff' needs jax; install it with: pip install 'tnbp[jax]'."
        ) from exc
    jax.config.update("jax_enable_x64", True)
    return jax


def _rotation(theta, pauli: str):
    r""":math:`e^{-i\theta P/2}` as a ``(2,)*2k`` array of ``theta``'s library."""
    P = pauli_matrix(pauli)
    U = do("cos", theta / 2) * np.eye(P.shape[0]) - 1j * do("sin", theta / 2) * P
    return do("reshape", U, (2,) * (2 * len(pauli)))


def _apply(psi, G, qubits):
    k = len(qubits)
    out = do("tensordot", G, psi, (tuple(range(k, 2 * k)), qubits))
    return do("moveaxis", out, tuple(range(k)), qubits)


@functools.lru_cache(maxsize=128)
def _dense_function(skel, term_qubits):
    """Jitted ``(theta, fixed, psi0, coeffs, ops) -> (<O>, d<O>/dtheta)`` for a skeleton."""
    jax = _jax()

    def value(theta, fixed, psi0, coeffs, ops):
        psi, t, f = psi0, 0, 0
        for qubits, pauli, trainable in skel:
            if trainable:
                G, t = _rotation(theta[t], pauli), t + 1
            else:
                G, f = fixed[f], f + 1
            psi = _apply(psi, G, qubits)
        total, o = 0.0, 0
        for c, qubits in zip(coeffs, term_qubits):
            phi = psi
            for q in qubits:
                phi, o = _apply(phi, ops[o], (q,)), o + 1
            total = total + c * do("real", do("sum", do("conj", psi) * phi))
        return total

    return jax.jit(jax.value_and_grad(value))


def dense_autodiff(circuit: Circuit, obs: Observable, initial: str) -> np.ndarray:
    r"""Derivatives :math:`\partial\langle O\rangle/\partial\theta_k` by autodiff of a statevector.

    The function of :func:`tnbp.gradient` with ``method="autodiff"`` and
    ``backend="dense"`` for one lightcone; it holds the full statevector, so
    ``circuit`` must be small enough for a dense simulation.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles (radians).
    obs : Observable
        The observable on ``circuit``'s qubits (its constant is ignored).
    initial : str
        Validated initial bitstring of ``circuit.n`` characters, qubit 0 first.

    Returns
    -------
    numpy.ndarray of float64, shape (circuit.num_parameters,)
        The derivatives, in units of the observable per radian.

    Raises
    ------
    ImportError
        If jax is not installed.
    """
    _jax()
    n = circuit.n
    fn = _dense_function(skeleton(circuit), tuple(t.qubits for t in obs.terms))
    fixed = [
        g.to_matrix().reshape((2,) * (2 * len(g.qubits)))
        for g in circuit.gates
        if not g.trainable
    ]
    psi0 = np.zeros((2,) * n, dtype=complex)
    psi0[tuple(int(b) for b in initial)] = 1.0
    coeffs = np.array([t.coeff for t in obs.terms])
    ops = [op for t in obs.terms for op in t.ops]
    return np.asarray(fn(circuit.parameters, fixed, psi0, coeffs, ops)[1])


_TN_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tn_function(prog, slots):
    """Jitted ``(theta, leaves, generators, mask, coeffs) -> (value, grad)``.

    One batch of equal-structure networks (a :class:`.tn_gradients.Bucket`):
    ``theta[b, t]`` is the angle in gate slot ``slots[t] = (ket, bra)`` of row
    ``b``, ``generators[t][b]`` its Pauli matrix, and ``mask[b, t]`` is 0 where
    that row's gate is fixed (its leaf is then kept).
    """
    per_prog = _TN_FUNCTIONS.setdefault(prog, {})
    if slots not in per_prog:
        jax = _jax()

        def value(theta, leaves, generators, mask, coeffs):
            leaves = list(leaves)
            for t, (ket, bra) in enumerate(slots):
                P = generators[t]
                c = do("reshape", do("cos", theta[:, t] / 2), (-1, 1, 1))
                s = do("reshape", do("sin", theta[:, t] / 2), (-1, 1, 1))
                U = do(
                    "reshape", c * np.eye(P.shape[-1]) - 1j * s * P, leaves[ket].shape
                )
                m = do("reshape", mask[:, t], (-1,) + (1,) * (U.ndim - 1))
                U = m * U + (1 - m) * leaves[ket]
                leaves[ket], leaves[bra] = U, do("conj", U)
            return do("sum", coeffs * do("real", prog.forward(leaves)[0]))

        per_prog[slots] = jax.jit(jax.value_and_grad(value))
    return per_prog[slots]


def tn_autodiff(
    circuit: Circuit, obs: Observable, initial: str, *, cache, tally, **_
) -> tuple[np.ndarray, float]:
    r"""Gradient and value of ``obs`` by autodiff of the batched lightcone contractions.

    The function of :func:`tnbp.gradient` with ``method="autodiff"`` and
    ``backend="tn"``: each bucket of equal-structure term networks
    (:func:`tnbp.gradients.tn.buckets`) is contracted along its cached tree
    and differentiated with ``jax.value_and_grad``.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles (radians).
    obs : Observable
        The observable; each group of terms with one support is one network.
    initial : str
        Validated initial bitstring of ``circuit.n`` characters, qubit 0 first.
    cache : TreeCache or None
        Contraction trees (None: the process-wide
        :func:`~tnbp.states.tn.contraction.default_cache`).
    tally : DiagnosticsTally
        Counts the contractions and path searches run.
    **_
        The other options of :func:`tnbp.gradients.tn.tn_gradient`
        (``method``, ``step``), accepted and ignored.

    Returns
    -------
    gradient : numpy.ndarray of float64, shape (circuit.num_parameters,)
        :math:`\partial\langle O\rangle/\partial\theta_k`, in units of the
        observable per radian.
    value : float
        :math:`\langle O\rangle`, its constant included.

    Raises
    ------
    ImportError
        If jax is not installed.
    """
    _jax()
    cache = default_cache() if cache is None else cache
    table = GateTable(circuit)
    grad = np.zeros(circuit.num_parameters)
    value = obs.constant
    gates = circuit.gates
    for b in buckets(circuit, obs, initial, cache, tally, table):
        tally.contractions += len(b.coeffs)
        slots = [j for j in range(b.gates.shape[1]) if (b.params[:, j] >= 0).any()]
        if not slots:  # nothing to differentiate: no compilation either
            value += float(b.coeffs @ b.program.forward(b.leaves)[0].real)
            continue
        theta = np.array([[gates[k].theta for k in b.gates[:, j]] for j in slots]).T
        generators = [
            np.stack([_generator(gates[k]) for k in b.gates[:, j]]) for j in slots
        ]
        mask = b.params[:, slots] >= 0
        fn = _tn_function(b.program, tuple(b.gate_leaves[j] for j in slots))
        val, g = fn(
            theta.reshape(len(b.coeffs), -1),
            b.leaves,
            generators,
            mask.astype(float),
            b.coeffs,
        )
        value += float(val)
        np.add.at(grad, b.params[:, slots][mask], np.asarray(g)[mask])
    return grad, value


def _generator(gate) -> np.ndarray:
    """Pauli matrix of a trainable rotation; zeros for other gates (masked out)."""
    d = 2 ** len(gate.qubits)
    return pauli_matrix(gate.pauli) if gate.trainable else np.zeros((d, d), complex)
