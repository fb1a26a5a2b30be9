r"""Lean MPS gate engine on raw arrays, for one circuit or a batch of one structure.

The same simulation as :mod:`tnbp.states.mps` (quimb's ``gate_`` with
``contract="auto-mps"``), without per-gate Python: a circuit is compiled once
into a :class:`Plan`, then one compiled (numba) loop applies it to site arrays
of shape ``(B, chi_l, 2, chi_r)``, the leading axis running over ``B``
instances of one structure (same qubits, same order; different matrices).

Compilation (:func:`compile_plan`): gates are taken layer by layer, as
:meth:`tnbp.Circuit.layers` lists them (quimb's order). Every run of
one-qubit gates on a qubit is fused into the next two-qubit gate on that qubit,
and the gates after its last two-qubit gate into that one; a qubit that no
two-qubit gate touches gets them on its initial product state. This is exact:
a unitary on one side of a cut changes neither the Schmidt values at the cut
nor, therefore, any truncation. (Unlike :func:`tnbp.models.fuse_gates`,
consecutive two-qubit gates on one pair stay separate: each is a truncation
of the record.) A gate on non-adjacent qubits ``i < j`` becomes
quimb's sequence: swaps moving site ``j`` down to ``i + 1`` (singular values
absorbed to the left), the gate on ``(i, i + 1)`` (absorbed to the right), and
swaps moving it back (to the right), each a truncated two-site step.

Each two-site step on sites ``(k, k + 1)`` first moves the orthogonality
centre there by QR steps (none for a site with no more rows than columns:
the identity is its orthonormal factor), contracts the two sites, applies the 4 x 4 matrix
(or the swap), and splits the result by one SVD truncated by quimb's rule:
drop the smallest singular values whose squared sum is at most ``cutoff``
times the total (``cutoff_mode="rsum2"``, at least one kept), then keep at
most ``max_bond``. Where the cap does not bind, the split is a QR
decomposition instead whenever the rule provably keeps every value: always
for ``cutoff == 0``; for ``cutoff > 0`` when a lower bound on the smallest
singular value, from the inverse of a triangular factor with the same
singular values (the Cholesky factor of ``theta theta^H`` for a small wide
or square split, with the identity as its orthonormal factor; else the QR's
own), clears the threshold by a margin (``_mps_kernels.split``), else
that instance takes the SVD (a rank below the split's width, known from the
middle bond, takes it directly). In a batch every
instance keeps exactly what its own rule keeps: the arrays carry the largest
kept number over the batch, the other instances' extra singular values are
set to zero, and each instance's record holds its own bonds and losses. One
instance of a batch is thus the same state, with the same record, as its own
run (to rounding).

The record follows :class:`~tnbp.states.record.BondRecord` exactly as the
quimb path does (:meth:`~tnbp.states.record.BondRecord.from_run`): after every
gate the squared norm at the centre gives that gate's loss, and the bonds of
the centre site count toward ``max_bond_reached``.

After the run, :func:`schmidt_spectra` gives every instance's Schmidt
spectra from Gram matrices (products and one Hermitian eigenvalue problem
per bond: the entropy profiles of many instances at once), and
:func:`canonical_sweep` brings a batch into right-canonical form with all
Schmidt values in one batched QR and SVD sweep (for everything else).

References
----------
.. [1] G. Vidal, "Efficient classical simulation of slightly entangled
   quantum computations", Phys. Rev. Lett. 91, 147902 (2003),
   arXiv:quant-ph/0301063 (MPS simulation of circuits).
.. [2] Y. Zhou, E. M. Stoudenmire and X. Waintal, "What limits the
   simulation of quantum computers?", Phys. Rev. X 10, 041038 (2020),
   arXiv:2002.07730 (the fidelity estimate).
"""

from __future__ import annotations

import dataclasses
import functools
import time

import numpy as np

from ..models.circuit import Circuit
from .record import BondRecord

#: The two-qubit SWAP as a permutation of the pair index ``2 p + q``.
_SWAP_ORDER = np.array([0, 2, 1, 3])


@dataclasses.dataclass(frozen=True)
class Plan:
    """A compiled circuit structure with the matrices of ``B`` instances.

    Attributes
    ----------
    n : int
        Number of qubits.
    steps : numpy.ndarray of int64, shape (S, 3)
        Two-site steps ``(k, m, left)``: sites ``(k, k + 1)``; matrix
        ``matrices[:, m]`` acting with site ``k`` most significant, or
        ``m = -1`` for a swap; ``left = 1`` absorbs the singular values into
        site ``k`` (the centre moves to ``k``), ``0`` into ``k + 1``.
    gate_end : numpy.ndarray of int64, shape (S,)
        ``g`` where step ``s`` completes gate ``g`` of the record (its
        loss is taken there), else -1.
    layer_after : numpy.ndarray of int64, shape (layers,)
        Steps done at the end of each layer of :meth:`tnbp.Circuit.layers`.
    matrices : numpy.ndarray of complex128, shape (B, M, 4, 4)
        The fused two-qubit matrices of every instance.
    initial_ops : numpy.ndarray of complex128, shape (B, n, 2, 2)
        One-qubit unitaries applied to the initial product state (identity on
        qubits whose one-qubit gates were fused into two-qubit ones).
    """

    n: int
    steps: np.ndarray
    gate_end: np.ndarray
    layer_after: np.ndarray
    matrices: np.ndarray
    initial_ops: np.ndarray

    @property
    def batch(self) -> int:
        """Number of instances ``B``."""
        return self.matrices.shape[0]

    @property
    def num_gates(self) -> int:
        """Number of two-qubit gates (entries of each record's losses)."""
        return int(np.count_nonzero(self.gate_end >= 0))

    def select(self, start: int, stop: int) -> Plan:
        """The plan of instances ``start..stop - 1`` (same steps).

        Parameters
        ----------
        start, stop : int
            The range of instances, ``0 <= start < stop <= batch``.

        Returns
        -------
        Plan
            The same structure with those instances' matrices.
        """
        return dataclasses.replace(
            self,
            matrices=self.matrices[start:stop],
            initial_ops=self.initial_ops[start:stop],
        )


def structure(circuit: Circuit) -> tuple:
    """The structure a batch shares: ``n`` and every gate's qubits, in order.

    Parameters
    ----------
    circuit : Circuit
        Any circuit.

    Returns
    -------
    tuple
        ``(n, (qubits of gate 0, qubits of gate 1, ...))``.
    """
    return circuit.n, tuple(g.qubits for g in circuit.gates)


def _stack(gates, k: int) -> np.ndarray:
    """Matrices of gate ``k`` of every circuit's ``gates``, shape (B, d, d), complex128."""
    if len(gates) == 1:
        return np.asarray(gates[0][k].to_matrix(), dtype=complex)[None]
    return np.array([g[k].to_matrix() for g in gates], dtype=complex)


def _kron(a, b) -> np.ndarray:
    """Batched Kronecker product of (B, 2, 2) stacks: (B, 4, 4)."""
    return np.einsum("bij,bkl->bikjl", a, b).reshape(len(a), 4, 4)


def compile_plan(circuits) -> Plan:
    """Compile circuits of one structure into a :class:`Plan` (see module docstring).

    Parameters
    ----------
    circuits : sequence of Circuit
        At least one circuit; all must share :func:`structure` (validated by
        the caller).

    Returns
    -------
    Plan
        Steps, layer boundaries and the fused matrices of every instance.
    """
    first = circuits[0]
    n, B = first.n, len(circuits)
    gates = [c.gates for c in circuits]  # each a new tuple: taken once
    eye = np.broadcast_to(np.eye(2, dtype=complex), (B, 2, 2))
    pending: list[np.ndarray | None] = [None] * n
    last: dict[int, tuple[int, int]] = {}  # qubit -> (matrix, factor) of its last gate
    matrices: list[np.ndarray] = []
    steps: list[tuple[int, int, int]] = []
    gate_end: list[int] = []
    layer_after: list[int] = []
    for layer in first.layers():
        for k in layer:
            qubits = gates[0][k].qubits  # one or two (tnbp.Circuit)
            U = _stack(gates, k)
            if len(qubits) == 1:
                q = qubits[0]
                pending[q] = U if pending[q] is None else U @ pending[q]
                continue
            a, b = qubits
            if pending[a] is not None or pending[b] is not None:
                pa = eye if pending[a] is None else pending[a]
                pb = eye if pending[b] is None else pending[b]
                U = U @ _kron(pa, pb)
                pending[a] = pending[b] = None
            if a > b:  # act with the lower site most significant
                U = U[:, _SWAP_ORDER][:, :, _SWAP_ORDER]
                a, b = b, a
            m = len(matrices)
            matrices.append(U)
            last[a], last[b] = (m, 0), (m, 1)
            steps += [(x, -1, 1) for x in range(b - 1, a, -1)]  # site b to a + 1
            steps.append((a, m, 0))
            steps += [(x, -1, 0) for x in range(a + 1, b)]  # and back
            gate_end += [-1] * (len(steps) - len(gate_end) - 1) + [m]
        layer_after.append(len(steps))
    initial = np.array(np.broadcast_to(eye, (n, B, 2, 2)).transpose(1, 0, 2, 3))
    for q, U in enumerate(pending):
        if U is None:
            continue
        if q in last:  # after its last two-qubit gate: fold into that one
            m, factor = last[q]
            ops = (U, eye) if factor == 0 else (eye, U)
            matrices[m] = _kron(*ops) @ matrices[m]
        else:
            initial[:, q] = U
    mats = np.stack(matrices, axis=1) if matrices else np.zeros((B, 0, 4, 4), complex)
    return Plan(
        n=n,
        steps=np.array(steps, dtype=np.int64).reshape(-1, 3),
        gate_end=np.array(gate_end, dtype=np.int64),
        layer_after=np.array(layer_after, dtype=np.int64),
        matrices=np.ascontiguousarray(mats),
        initial_ops=np.ascontiguousarray(initial),
    )


@dataclasses.dataclass
class Run:
    """The raw result of :func:`run_plan`.

    Attributes
    ----------
    sites : list of numpy.ndarray, shape (B, chi_l, 2, chi_r)
        The unnormalized batch, in mixed canonical form around ``centre``.
    centre : int
        The orthogonality centre: sites left of it are left-orthonormal,
        sites right of it right-orthonormal.
    bonds : numpy.ndarray of int64, shape (B, n - 1)
        Each instance's own bond dimensions (at most the arrays').
    records : list of BondRecord
        One per instance.
    """

    sites: list
    centre: int
    bonds: np.ndarray
    records: list


def run_plan(
    plan: Plan,
    initial: str,
    max_bond: int | None,
    cutoff: float,
    *,
    deadline: float | None = None,
    clock=time.monotonic,
    progress=None,
) -> Run:
    """Apply a plan to ``|initial>`` for every instance (see module docstring).

    Parameters
    ----------
    plan : Plan
        The compiled circuits.
    initial : str
        Validated bitstring, qubit 0 first.
    max_bond : int or None
        Bond-dimension cap (None: none).
    cutoff : float
        Relative discarded weight per SVD (``rsum2``).
    deadline : float, optional
        ``clock()`` value after which :class:`TimeoutError` is raised (the
        clock is read after every two-qubit gate).
    clock : callable, optional
        The clock of ``deadline`` (default ``time.monotonic``).
    progress : callable, optional
        Called after every layer with the bond dimensions and the squared
        norm of instance 0.

    Returns
    -------
    Run
        Sites, centre, bonds and one :class:`BondRecord` per instance.

    Raises
    ------
    TimeoutError
        When ``deadline`` passed.
    """
    kernel = _kernels().run_steps
    n, B = plan.n, plan.batch
    from numba.typed import List

    sites = List()
    for q in range(n):
        site = np.zeros((B, 1, 2, 1), dtype=complex)
        site[:, 0, :, 0] = plan.initial_ops[:, q, :, int(initial[q])]
        sites.append(site)
    L = len(plan.layer_after)
    bonds = np.ones((B, n - 1), dtype=np.int64)
    history = np.ones((L + 1, B, n - 1), dtype=np.int64)
    norms = np.ones((B, plan.matrices.shape[1] + 1))
    state = (bonds, np.ones(B), norms, np.ones(B, dtype=np.int64))
    cap = -1 if max_bond is None else int(max_bond)
    ends = plan.layer_after
    stops = set(ends.tolist())
    if deadline is not None:  # read the clock after every gate
        stops.update((np.flatnonzero(plan.gate_end >= 0) + 1).tolist())
    centre, done, layer = 0, 0, 0
    while layer < L and ends[layer] == 0:  # layers of one-qubit gates only
        layer += 1
    for stop in sorted(stops - {0}):
        centre = kernel(
            sites,
            plan.steps,
            plan.gate_end,
            done,
            stop,
            centre,
            plan.matrices,
            float(cutoff),
            cap,
            state,
        )
        done = stop
        while layer < L and ends[layer] == stop:
            history[layer + 1] = bonds
            layer += 1
            if progress is not None:
                progress(bonds[0], state[1][0])
        if deadline is not None and clock() > deadline:
            raise TimeoutError
    peak = state[3]
    losses = 1.0 - norms[:, 1:] / norms[:, :-1]  # norms[:, g + 1]: after gate g
    records = [
        BondRecord.from_run(
            history[:, b],
            int(peak[b]),
            losses[b],
            norms[b, -1],
            max_bond=max_bond,
            cutoff=cutoff,
        )
        for b in range(B)
    ]
    return Run(_unpack(sites), centre, bonds, records)


def _unpack(sites) -> list[np.ndarray]:
    """The typed list's arrays as a Python list.

    Through one flat copy: a typed list hands out its items one boxed call at
    a time (~10 us each).
    """
    flat, shapes = _kernels().pack(sites)
    out, start = [], 0
    for shape in shapes.tolist():
        size = shape[0] * shape[1] * shape[2] * shape[3]
        out.append(flat[start : start + size].reshape(shape))
        start += size
    return out


@functools.cache
def _kernels():
    """The engine's compiled loop (numba compiles it, or loads it from its cache, on first use)."""
    from . import _mps_kernels

    return _mps_kernels


def canonical_sweep(run: Run):
    """Right-canonical form and Schmidt values of every instance of a batch.

    One batched sweep (numpy's QR and SVD on stacks): QR steps move the
    centre from ``run.centre`` to the last site, then LQ steps from the right
    make every site right-orthonormal; the singular values of each step's
    ``L`` factor are the Schmidt values of its bond (everything to its left
    is still left-orthonormal).

    Parameters
    ----------
    run : Run
        A finished run.

    Returns
    -------
    sites : list of numpy.ndarray of complex128, shape (B, chi_l, 2, chi_r)
        Right-orthonormal sites; site 0 carries unit norm. Bonds are the
        batch's (an instance that keeps fewer has zero-weight directions).
    schmidt : list of numpy.ndarray of float64, shape (B, chi)
        Normalized Schmidt values of bond ``(i, i + 1)`` at element ``i``,
        largest first (their squares sum to 1 per instance).
    norms : numpy.ndarray of float64, shape (B,)
        Each instance's norm before normalization.
    """
    sites = list(run.sites)
    n, B = len(sites), sites[0].shape[0]
    for i in range(run.centre, n - 1):
        _, l, d, r = sites[i].shape
        Q, R = np.linalg.qr(sites[i].reshape(B, l * d, r))
        k = Q.shape[-1]
        sites[i] = Q.reshape(B, l, d, k)
        sites[i + 1] = (R @ sites[i + 1].reshape(B, r, -1)).reshape(B, k, d, -1)
    schmidt = [None] * (n - 1)
    for i in range(n - 1, 0, -1):
        _, l, d, r = sites[i].shape
        # site = L Q^T from the QR of its transpose
        Q, R = np.linalg.qr(sites[i].reshape(B, l, d * r).transpose(0, 2, 1))
        k = Q.shape[-1]
        L = R.transpose(0, 2, 1)
        sites[i] = Q.transpose(0, 2, 1).reshape(B, k, d, r)
        sites[i - 1] = (sites[i - 1].reshape(B, -1, l) @ L).reshape(B, -1, d, k)
        schmidt[i - 1] = np.linalg.svd(L, compute_uv=False)
    norms = np.linalg.norm(sites[0].reshape(B, -1), axis=1)
    sites[0] = sites[0] / norms[:, None, None, None]
    return sites, [S / norms[:, None] for S in schmidt], norms


def schmidt_spectra(run: Run) -> list[np.ndarray]:
    r"""Squared Schmidt values of every bond of every instance of a run.

    No QR or SVD: for a bond right of the centre, everything to its right is
    right-orthonormal, so its spectrum is that of the Gram matrix
    :math:`C^\dagger C` of the sites to its left, built site by site from the
    centre (:math:`F_i = A_i^\dagger (F_{i-1} \otimes 1) A_i`, starting from the
    identity); left of the centre, the mirror image. Each bond then costs two
    batched products and one batched ``eigvalsh``: about 3x less than a QR and
    an SVD. The eigenvalues carry an absolute rounding error of about
    :math:`10^{-16}` (relative to the largest), far below
    :data:`~tnbp.limits.SPECTRUM_NOISE_FLOOR`, under which every entropy
    counts them as zero; Schmidt values themselves (not squared) below
    ~1e-7 are not resolved, so :func:`canonical_sweep` gives those.

    Parameters
    ----------
    run : Run
        A finished run.

    Returns
    -------
    list of numpy.ndarray of float64, shape (B, chi)
        Element ``i``: the squared Schmidt values of bond ``(i, i + 1)``,
        normalized to unit sum per instance, largest first (rounding may
        leave values of order -1e-16).
    """
    sites = run.sites
    n, B, c = len(sites), sites[0].shape[0], run.centre
    grams: list = [None] * (n - 1)
    gram = None  # left Gram matrix of the bond left of site i (None: identity)
    for i in range(c, n - 1):
        _, l, d, r = sites[i].shape
        A = sites[i].reshape(B, l, d * r)
        X = A if gram is None else gram @ A
        gram = A.reshape(B, l * d, r).conj().transpose(0, 2, 1) @ X.reshape(B, l * d, r)
        grams[i] = gram
    gram = None  # right Gram matrix of the bond right of site i
    for i in range(c, 0, -1):
        _, l, d, r = sites[i].shape
        A = sites[i].reshape(B, l * d, r)
        X = A if gram is None else A @ gram
        gram = X.reshape(B, l, d * r) @ A.reshape(B, l, d * r).conj().transpose(0, 2, 1)
        grams[i - 1] = gram
    norm2 = np.trace(grams[0], axis1=1, axis2=2).real[:, None]
    return [np.linalg.eigvalsh(g)[:, ::-1] / norm2 for g in grams]
