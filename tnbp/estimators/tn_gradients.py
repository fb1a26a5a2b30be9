"""Gradients of local expectations by exact lightcone contraction (``backend="tn"``).

For each group of terms sharing a support ``S``, the network of
:math:`\\langle U^\\dagger O_S U\\rangle` over the cone of ``S``
(:class:`tnbp.backends.tn.LightconeNetwork`) is contracted along a cached tree:

``"adjoint"``
    one forward and one reverse sweep along the tree give the environment
    :math:`E` of every gate copy, and
    :math:`\\partial_k f = \\mathrm{Re}\\,\\sum (E_{U_k} \\odot \\partial U_k
    + E_{U_k^*} \\odot \\partial U_k^*)` with
    :math:`\\partial U_k = -\\tfrac{i}{2} P_k U_k`;
``"parameter_shift"``, ``"finite_difference"``
    two contractions per parameter in the cone, each recomputing only the tree
    nodes above the two changed gate copies.
"""

from __future__ import annotations

import numpy as np

from ..backends.tn import LightconeNetwork
from ..circuit import Circuit
from ..contraction import TreeCache, default_cache
from ..gates import rotation_matrix
from ..observables import Observable
from ..paulis import pauli_matrix


def support_groups(obs: Observable) -> dict[tuple[int, ...], list]:
    """Terms of ``obs`` grouped by their (sorted) support."""
    groups: dict = {}
    for term in obs.terms:
        groups.setdefault(tuple(sorted(term.qubits)), []).append(term)
    return groups


def tn_gradient(
    circuit: Circuit,
    obs: Observable,
    initial: str,
    *,
    method: str,
    step: float,
    cache: TreeCache | None,
    info: dict,
) -> tuple[np.ndarray, float]:
    """``(d<O>/dtheta, <O>)`` with every term contracted inside its own lightcone."""
    cache = default_cache() if cache is None else cache
    grad = np.zeros(circuit.num_parameters)
    value = obs.constant
    full_index = {k: i for i, k in enumerate(circuit.parameter_gates)}
    gates = circuit.gates
    for support, terms in support_groups(obs).items():
        net = LightconeNetwork(circuit, support)
        searches = cache.searches
        prog = net.program(cache)
        info["tree_searches"] += cache.searches - searches
        leaves = net.arrays(circuit, initial)
        trainable = [
            (j, full_index[k]) for j, k in enumerate(net.gates) if gates[k].trainable
        ]
        for term in terms:
            ops = term.as_dict()
            for q, pos in zip(support, net.op_leaves):
                leaves[pos] = ops[q]
            val, nodes = prog.forward(leaves)
            info["contractions"] += 1
            value += term.coeff * float(val.real)
            if method == "adjoint":
                env = prog.environments(nodes)
                for j, p in trainable:
                    g = gates[net.gates[j]]
                    ket, bra = net.gate_leaves[j]
                    P = pauli_matrix(g.pauli)
                    dU = (-0.5j * P @ g.to_matrix()).reshape(leaves[ket].shape)
                    d = np.vdot(env[ket].conj(), dU) + np.vdot(
                        env[bra].conj(), dU.conj()
                    )
                    grad[p] += term.coeff * d.real
                continue
            shift, scale = (
                (np.pi / 2, 0.5) if method == "parameter_shift" else (step, 0.5 / step)
            )
            for j, p in trainable:
                g = gates[net.gates[j]]
                ket, bra = net.gate_leaves[j]
                diff = 0.0
                for sign in (1, -1):
                    U = rotation_matrix(g.pauli, g.theta + sign * shift)
                    U = U.reshape(leaves[ket].shape)
                    moved = list(leaves)
                    moved[ket], moved[bra] = U, U.conj()
                    v = prog.forward(moved, reuse=nodes, changed=(ket, bra))[0]
                    diff += sign * float(v.real)
                info["contractions"] += 2
                grad[p] += term.coeff * scale * diff
    return grad, value
