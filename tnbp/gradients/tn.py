r"""Gradients of local expectations by exact lightcone contraction (``backend="tn"``).

Each group of terms sharing a support ``S`` gives the network of
:math:`\langle U^\dagger O_S U\rangle` over the cone of ``S``
(:class:`tnbp.states.tn.LightconeNetwork`). Networks of equal structure (all
bulk terms of a translation-invariant circuit) form one *bucket*, contracted
as a batch along one cached tree (:class:`tnbp.states.tn.ContractionProgram`):

``"adjoint"``
    one forward and one reverse sweep give the environment :math:`E` of every
    gate copy, and :math:`\partial_k f = \mathrm{Re}\,\sum (E_{U_k} \odot
    \partial U_k + E_{U_k^*} \odot \partial U_k^*)` with
    :math:`\partial U_k = -\tfrac{i}{2} P_k U_k` (the network is linear in
    each copy, so its derivative is the environment contracted with the
    copy's derivative);
``"parameter_shift"``, ``"finite_difference"``
    two contractions per gate slot of the cone, each recomputing only the tree
    nodes above the two changed gate copies.

References
----------
.. [1] H.-J. Liao, J.-G. Liu, L. Wang and T. Xiang, "Differentiable
   programming tensor networks", Phys. Rev. X 9, 031041 (2019),
   arXiv:1903.09650 (reverse-mode differentiation of contractions).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..limits import MAX_TN_BATCH_ENTRIES
from ..models.circuit import Circuit
from ..models.gates import rotation_matrix
from ..models.operators import Observable
from ..states.tn.contraction import ContractionProgram, TreeCache, default_cache
from ..states.tn.lightcone import GateTable, LightconeNetwork, batch_leaves
from .diagnostics import DiagnosticsTally


def support_groups(obs: Observable) -> dict[tuple[int, ...], list]:
    """Terms of ``obs`` grouped by their (sorted) support.

    Parameters
    ----------
    obs : Observable
        The observable.

    Returns
    -------
    dict of tuple of int to list of Term
        ``{support: terms}``, supports in order of first appearance, each with
        its terms in the order of ``obs.terms``.
    """
    groups: dict = {}
    for term in obs.terms:
        groups.setdefault(tuple(sorted(term.qubits)), []).append(term)
    return groups


@dataclasses.dataclass
class Bucket:
    """``B`` term networks of one structure, ready to contract as a batch.

    Attributes
    ----------
    program : ContractionProgram
        The contraction tree shared by the ``B`` networks.
    leaves : list of numpy.ndarray of complex128
        Batched leaf arrays, each of shape ``(B, ...)``.
    coeffs : numpy.ndarray of float64, shape (B,)
        Coefficient of each row's term.
    gates : numpy.ndarray of int, shape (B, slots)
        Circuit gate index in each gate slot of each row.
    params : numpy.ndarray of int, shape (B, slots)
        Parameter index of that gate, -1 if it is not trainable.
    gate_leaves : list of (int, int)
        Leaf positions of the ket and bra copy of each slot.
    """

    program: ContractionProgram
    leaves: list
    coeffs: np.ndarray
    gates: np.ndarray
    params: np.ndarray
    gate_leaves: list


def buckets(
    circuit: Circuit,
    obs: Observable,
    initial: str,
    cache: TreeCache,
    tally: DiagnosticsTally,
    table: GateTable,
) -> list[Bucket]:
    """The terms of ``obs`` as batches of equal-structure lightcone networks.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles.
    obs : Observable
        The observable; its constant is not part of any network.
    initial : str
        Validated initial bitstring of ``circuit.n`` characters, qubit 0 first.
    cache : TreeCache
        Where each structure's contraction tree is found or searched.
    tally : DiagnosticsTally
        Path searches run on cache misses are counted in ``tally.tree_searches``.
    table : GateTable
        The gate tensors (and rotation derivatives) of ``circuit``.

    Returns
    -------
    list of Bucket
        One per distinct network structure, each row one term of ``obs``; a
        structure with more rows than fit in
        :data:`~tnbp.limits.MAX_TN_BATCH_ENTRIES` is split into several buckets
        of at most that many entries per forward pass (at least one row each).
    """
    param_of = np.full(len(circuit), -1)
    param_of[circuit.parameter_gates] = np.arange(circuit.num_parameters)
    by_key: dict = {}
    for support, terms in support_groups(obs).items():
        net = LightconeNetwork(circuit, support)
        by_key.setdefault(net.key, []).append((net, terms))
    out = []
    for members in by_key.values():
        searches = cache.searches
        program = members[0][0].program(cache)
        tally.tree_searches += cache.searches - searches
        rows = [(net, t) for net, terms in members for t in terms]
        size = max(1, MAX_TN_BATCH_ENTRIES // program.footprint)
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            nets = [net for net, _ in chunk]
            ops = [[t.as_dict()[q] for q in net.support] for net, t in chunk]
            gates = np.array([net.gates for net in nets], dtype=int)
            gates = gates.reshape(len(chunk), -1)
            out.append(
                Bucket(
                    program,
                    batch_leaves(nets, ops, table, circuit, initial),
                    np.array([t.coeff for _, t in chunk]),
                    gates,
                    param_of[gates],
                    nets[0].gate_leaves,
                )
            )
    return out


def tn_gradient(
    circuit: Circuit,
    obs: Observable,
    initial: str,
    *,
    method: str,
    step: float,
    cache: TreeCache | None,
    tally: DiagnosticsTally,
) -> tuple[np.ndarray, float]:
    r"""Gradient and value of ``obs``, every term contracted inside its own lightcone.

    The function of :func:`tnbp.gradient` with ``backend="tn"`` (methods other
    than ``"autodiff"``); the methods are described in :mod:`tnbp.gradients.tn`.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles (radians).
    obs : Observable
        The observable.
    initial : str
        Validated initial bitstring of ``circuit.n`` characters, qubit 0 first.
    method : {"adjoint", "parameter_shift", "finite_difference"}
        How the derivatives are obtained.
    step : float
        Finite-difference step :math:`h` in radians (``"finite_difference"``
        only).
    cache : TreeCache or None
        Contraction trees (None: the process-wide
        :func:`~tnbp.states.tn.contraction.default_cache`).
    tally : DiagnosticsTally
        Counts the contractions and path searches run.

    Returns
    -------
    gradient : numpy.ndarray of float64, shape (circuit.num_parameters,)
        :math:`\partial\langle O\rangle/\partial\theta_k`, in units of the
        observable per radian (zero outside every term's lightcone).
    value : float
        :math:`\langle O\rangle`, its constant included.
    """
    cache = default_cache() if cache is None else cache
    grad = np.zeros(circuit.num_parameters)
    value = obs.constant
    gates = circuit.gates
    table = GateTable(circuit)
    for b in buckets(circuit, obs, initial, cache, tally, table):
        vals, nodes = b.program.forward(b.leaves)
        tally.contractions += len(b.coeffs)
        value += float(b.coeffs @ vals.real)
        if method == "adjoint":
            env = b.program.environments(nodes)
        for j, (ket, bra) in enumerate(b.gate_leaves):
            rows = np.flatnonzero(b.params[:, j] >= 0)
            if not rows.size:
                continue
            shape = b.leaves[ket].shape
            if method == "adjoint":
                dU = table.derivatives[(len(shape) - 1) // 2][b.gates[rows, j]]
                d = np.sum(
                    env[ket][rows] * dU + env[bra][rows] * dU.conj(),
                    axis=tuple(range(1, dU.ndim)),
                )
                np.add.at(grad, b.params[rows, j], b.coeffs[rows] * d.real)
                continue
            shift, scale = (
                (np.pi / 2, 0.5) if method == "parameter_shift" else (step, 0.5 / step)
            )
            slot = [gates[k] for k in b.gates[rows, j]]
            diff = np.zeros(rows.size)
            for sign in (1, -1):
                U = np.stack(
                    [rotation_matrix(g.pauli, g.theta + sign * shift) for g in slot]
                )
                moved = list(b.leaves)
                moved[ket], moved[bra] = b.leaves[ket].copy(), b.leaves[bra].copy()
                moved[ket][rows] = U.reshape((rows.size,) + shape[1:])
                moved[bra][rows] = moved[ket][rows].conj()
                v = b.program.forward(moved, reuse=nodes, changed=(ket, bra))[0]
                diff += sign * v.real[rows]
            tally.contractions += 2 * rows.size
            np.add.at(grad, b.params[rows, j], b.coeffs[rows] * scale * diff)
    return grad, value
