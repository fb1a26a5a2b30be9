r"""Exact lightcone contraction: local quantities of shallow circuits at any n.

A local expectation :math:`\langle\psi_0|U^\dagger O_S U|\psi_0\rangle` only
involves the gates in the reverse lightcone of the support ``S``
(:meth:`tnbp.Circuit.lightcone`); the rest cancel in :math:`U^\dagger U`. The
remaining ket and bra copies of the cone, the initial product state and the
operator form a closed tensor network, contracted exactly along a cotengra
tree (:mod:`tnbp.states.tn.contraction`). Cost grows with the cone's width, which for a
brickwork of depth ``L`` is about ``2L`` qubits whatever ``n`` is.

The tree depends only on the network's *structure*: the cone's gates relabelled
onto the qubits they touch. Every term in the bulk of a translation-invariant
circuit, and every random instance of one ansatz, has the same structure, so
the path search runs once and each further evaluation only replays the tree.
"""

from __future__ import annotations

import functools

import numpy as np

from ..._threads import blas_threads_limit
from ...limits import MAX_BOUND_EXPONENT, MAX_RDM_QUBITS
from ...models.circuit import Circuit
from ...models.paulis import pauli_matrix
from ..base import State, check_rdm_size
from ..record import BondRecord
from .contraction import ContractionProgram, TreeCache, default_cache

_KET = (np.array([1.0, 0.0], dtype=complex), np.array([0.0, 1.0], dtype=complex))


@functools.lru_cache(maxsize=4096)
def _structure(key):
    """Input indices, output indices and leaf layout of the network for ``key``.

    ``key = (m, gate_qubits, support, open)`` on relabelled qubits ``0..m-1``.
    Leaves are ordered: ket and bra initial vectors per qubit, ket and bra copy
    per gate, one operator per support qubit.
    """
    m, gate_qubits, support, open_ = key
    seg = [0] * m
    inputs = []
    for r in range(m):
        inputs += [(f"k{r}.0",), (f"b{r}.0",)]
    for qs in gate_qubits:
        old = [seg[r] for r in qs]
        for r in qs:
            seg[r] += 1
        inputs.append(
            tuple(f"k{r}.{seg[r]}" for r in qs)
            + tuple(f"k{r}.{s}" for r, s in zip(qs, old))
        )
        inputs.append(
            tuple(f"b{r}.{seg[r]}" for r in qs)
            + tuple(f"b{r}.{s}" for r, s in zip(qs, old))
        )
    # an operator O[b, k] on each support qubit; open qubits keep (k, b) as output
    inputs += [(f"b{r}.{seg[r]}", f"k{r}.{seg[r]}") for r in support]
    output = tuple(f"k{r}.{seg[r]}" for r in open_) + tuple(
        f"b{r}.{seg[r]}" for r in open_
    )
    # every other qubit is traced: its last bra segment is its last ket segment
    traced = {
        f"b{r}.{seg[r]}": f"k{r}.{seg[r]}"
        for r in range(m)
        if r not in support and r not in open_
    }
    inputs = [tuple(traced.get(i, i) for i in ix) for ix in inputs]
    return inputs, output


class LightconeNetwork:
    r"""The structure of :math:`\mathrm{Tr}[O_S\, U\rho_0 U^\dagger]` restricted to a cone.

    Parameters
    ----------
    circuit : Circuit
        The circuit :math:`U`.
    support : tuple of int, optional
        Qubits carrying an operator.
    open_qubits : tuple of int, optional
        Qubits left open (for a reduced density matrix), disjoint from ``support``.

    Attributes
    ----------
    support : tuple of int
        Qubits carrying an operator.
    open_qubits : tuple of int
        Qubits left open.
    gates : list of int
        Indices of the circuit's gates in the cone, in order.
    qubits : list of int
        The qubits the network touches (sorted); relabelled to ``0..m-1``.
    key : tuple
        The structure key: equal keys give identical networks.
    inputs : list of tuple of str
        Indices of each leaf: ket and bra initial vectors per qubit, ket and
        bra copy per gate, one operator per support qubit.
    output : tuple of str
        The open indices (kets, then bras, of ``open_qubits``).
    gate_leaves : list of tuple of int
        Leaf positions of the ket and bra copies of the cone's ``j``-th gate.
    """

    def __init__(self, circuit: Circuit, support=(), open_qubits=()):
        self.support = tuple(support)
        self.open_qubits = tuple(open_qubits)
        self.gates = circuit.lightcone(self.support + self.open_qubits)
        gate_list = circuit.gates
        touched = set(self.support) | set(self.open_qubits)
        for k in self.gates:
            touched.update(gate_list[k].qubits)
        self.qubits = sorted(touched)
        rel = {q: r for r, q in enumerate(self.qubits)}
        self.key = (
            len(self.qubits),
            tuple(tuple(rel[q] for q in gate_list[k].qubits) for k in self.gates),
            tuple(rel[q] for q in self.support),
            tuple(rel[q] for q in self.open_qubits),
        )
        self.inputs, self.output = _structure(self.key)
        m = len(self.qubits)
        #: positions of the ket and bra copies of the cone's j-th gate
        self.gate_leaves = [
            (2 * m + 2 * j, 2 * m + 2 * j + 1) for j in range(len(self.gates))
        ]

    def program(self, cache: TreeCache | None = None) -> ContractionProgram:
        """The contraction program of this structure (searched once per cache).

        Parameters
        ----------
        cache : TreeCache, optional
            Where trees are kept (default: :func:`default_cache`).

        Returns
        -------
        ContractionProgram
            The program for :attr:`key`; a path search runs only on the first
            request of this structure from ``cache``.
        """
        cache = default_cache() if cache is None else cache
        size_dict = {i: 2 for ix in self.inputs for i in ix}
        return cache.program(self.key, self.inputs, self.output, size_dict)


class GateTable:
    r"""All gate tensors of a circuit, and derivatives of its rotations, by arity.

    ``tensors[k][g]`` is gate ``g``'s ``(2,) * 2k`` tensor if it acts on ``k``
    qubits (zeros otherwise); ``derivatives[k][g]`` is
    :math:`\partial_\theta e^{-i\theta P/2} = -\tfrac{i}{2} P e^{-i\theta P/2}`
    for trainable rotations. Fancy indexing then gathers one gate slot of many
    networks in one call.

    Parameters
    ----------
    circuit : Circuit
        The circuit whose gates are tabulated.

    Attributes
    ----------
    tensors : dict of int to numpy.ndarray
        ``tensors[k]``: complex128 array of shape ``(num_gates,) + (2,) * 2k``.
    derivatives : dict of int to numpy.ndarray
        ``derivatives[k]``: same shape; zeros for untrainable gates.
    """

    def __init__(self, circuit: Circuit):
        gates = circuit.gates
        self.tensors, self.derivatives = {}, {}
        for k in (1, 2):
            shape = (len(gates),) + (2,) * (2 * k)
            self.tensors[k] = np.zeros(shape, dtype=complex)
            self.derivatives[k] = np.zeros(shape, dtype=complex)
        for g, gate in enumerate(gates):
            k = len(gate.qubits)
            U = gate.to_matrix()
            self.tensors[k][g] = U.reshape((2,) * (2 * k))
            if gate.trainable:
                dU = -0.5j * pauli_matrix(gate.pauli) @ U
                self.derivatives[k][g] = dU.reshape((2,) * (2 * k))


def batch_leaves(nets, ops, table: GateTable, circuit: Circuit, initial: str) -> list:
    """Batched leaves of networks of one structure (one row per network).

    Parameters
    ----------
    nets : sequence of LightconeNetwork
        ``B`` networks sharing one :attr:`LightconeNetwork.key`.
    ops : array_like of complex
        ``ops[b]`` lists the 2x2 operators of network ``b``'s support, in the
        order of its ``support``; shape ``(B, len(support), 2, 2)``.
    table : GateTable
        The gate tensors of ``circuit``.
    circuit : Circuit
        The circuit the networks come from.
    initial : str
        The validated initial bitstring.

    Returns
    -------
    list of numpy.ndarray of complex128
        One leaf per input of the shared program, each with a leading batch
        axis of length ``B``: shape ``(B, 2)`` for initial vectors,
        ``(B,) + (2,) * 2k`` for gates, ``(B, 2, 2)`` for operators.
    """
    first = nets[0]
    bits = np.array([[initial[q] == "1" for q in net.qubits] for net in nets])
    kets = np.stack(_KET)[bits.astype(int)]  # (B, m, 2)
    leaves = []
    for r in range(len(first.qubits)):
        leaves += [kets[:, r], kets[:, r]]
    rows = np.array([net.gates for net in nets], dtype=int).reshape(len(nets), -1)
    gates = circuit.gates
    for j, g in enumerate(first.gates):
        U = table.tensors[len(gates[g].qubits)][rows[:, j]]
        leaves += [U, U.conj()]
    ops = np.asarray(ops, dtype=complex).reshape(len(nets), -1, 2, 2)
    return leaves + [ops[:, i] for i in range(ops.shape[1])]


def operator_schmidt_rank(U: np.ndarray, tol: float = 1e-12) -> int:
    r"""Operator Schmidt rank of a two-qubit gate across its two qubits (1, 2 or 4).

    Parameters
    ----------
    U : numpy.ndarray, shape (4, 4)
        The gate, first tensor factor on its first qubit.
    tol : float, optional
        Singular values below ``tol`` times the largest count as zero.

    Returns
    -------
    int
        The number of product terms :math:`\sum_r A_r \otimes B_r` the gate
        needs; it multiplies the Schmidt rank of any cut the gate crosses by at
        most this much.

    Examples
    --------
    >>> import numpy as np
    >>> cz = np.diag([1, 1, 1, -1]).astype(complex)
    >>> swap = np.eye(4)[[0, 2, 1, 3]]
    >>> operator_schmidt_rank(np.eye(4)), operator_schmidt_rank(cz), operator_schmidt_rank(swap)
    (1, 2, 4)
    """
    M = U.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    s = np.linalg.svd(M, compute_uv=False)
    return int(np.count_nonzero(s > tol * s[0]))


class TNState(State):
    r"""A circuit kept as a tensor network; local quantities by lightcone contraction.

    Expectations of products of one-qubit operators, reduced density matrices
    of up to 12 qubits, and therefore the entropy, purity and trace distance of
    small sets, are exact at any ``n`` as long as the lightcone is narrow.
    Cut spectra exist for prefixes or suffixes of at most 12 qubits. There is
    no truncation: :attr:`record` is exact, with the Schmidt-rank bound of each
    cut (product of the operator Schmidt ranks of the gates crossing it, at most
    :math:`2^{\min(k, n-k)}` and :math:`2^{62}`) as its bond dimension.

    Parameters
    ----------
    circuit : Circuit
        The circuit, kept as is (no gate is applied until a quantity is asked
        for).
    initial : str
        Validated initial bitstring.
    cache : TreeCache, optional
        Where contraction trees are kept (default: the process-wide cache).

    Attributes
    ----------
    circuit : Circuit
        The circuit.
    initial : str
        The initial bitstring.
    cache : TreeCache
        The tree cache in use.

    References
    ----------
    .. [1] J. Gray and S. Kourtis, "Hyper-optimized tensor network
       contraction", Quantum 5, 410 (2021), arXiv:2002.01935 (cotengra, the
       contraction trees used here).
    """

    def __init__(self, circuit: Circuit, initial: str, cache: TreeCache | None = None):
        super().__init__(circuit.n)
        self.circuit = circuit
        self.initial = initial
        self.cache = default_cache() if cache is None else cache

    def __repr__(self) -> str:
        return f"TNState(n={self.n}, gates={len(self.circuit)})"

    @functools.cached_property
    def _table(self) -> GateTable:
        return GateTable(self.circuit)

    def _contract(self, support, ops=(), open_qubits=()) -> np.ndarray:
        net = LightconeNetwork(self.circuit, support, open_qubits)
        leaves = batch_leaves([net], [ops], self._table, self.circuit, self.initial)
        with blas_threads_limit(1):
            return net.program(self.cache).forward(leaves)[0][0]

    # The State interface, documented by State's docstrings (hence the D102 noqa).
    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        if not ops:
            return 1.0 + 0.0j
        return complex(self._contract(tuple(ops), tuple(ops.values())))

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        rho = self._contract((), (), tuple(qubits))
        d = 2 ** len(qubits)
        return rho.reshape(d, d)

    def cut_spectrum(self, cut: int) -> np.ndarray:  # noqa: D102
        if min(cut, self.n - cut) > MAX_RDM_QUBITS:
            raise ValueError(
                f"`cut`={cut}: the tn backend forms reduced density matrices of at "
                f"most {MAX_RDM_QUBITS} qubits, and both sides of this cut are larger; use "
                "backend='mps' for entropies of large blocks."
            )
        side = tuple(range(cut)) if cut <= self.n - cut else tuple(range(cut, self.n))
        return np.clip(np.linalg.eigvalsh(self.reduced_density_matrix(side)), 0, None)

    @functools.cached_property
    def record(self) -> BondRecord:
        """Exact record; bond dimensions are the circuit's Schmidt-rank bounds."""
        rank = [1] * (self.n - 1)
        for g in self.circuit:
            if len(g.qubits) == 2:
                lo, hi = sorted(g.qubits)
                r = operator_schmidt_rank(g.to_matrix())
                for c in range(lo, hi):
                    rank[c] *= r
        bounds = [
            min(r, 2 ** min(c + 1, self.n - c - 1, MAX_BOUND_EXPONENT))
            for c, r in enumerate(rank)
        ]
        return BondRecord.exact(bounds)


def simulate_tn(
    circuit: Circuit, *, initial: str, cache: TreeCache | None = None
) -> TNState:
    """Wrap ``circuit`` as a :class:`TNState` (no work until a quantity is asked for).

    Parameters
    ----------
    circuit : Circuit
        The circuit.
    initial : str
        Validated initial bitstring.
    cache : TreeCache, optional
        Where contraction trees are kept (default: the process-wide cache).

    Returns
    -------
    TNState
        The lazy state.
    """
    return TNState(circuit, initial, cache)
