r"""The DQNN output state layer by layer for wide layers: a purified MPS of two layers.

The dissipative route of :func:`tnbp.dqnn_output_state` (``"layerwise"``) holds
layer ``l - 1``'s mixed state as a dense purification, :math:`2^{2n_{l-1} +
n_l}` amplitudes: fine to about 8 qubits per layer. Here the same two layers
are a *purified MPS*: one site per qubit of layers ``l - 1`` and ``l``, in the
network's qubit order (the layers interleave, so toy and local perceptrons act
on sites at most two apart), each site an array ``(chi_l, 2, a, chi_r)``:
physical qubit ``p`` and an ancilla leg of dimension ``a`` that purifies what
was traced out,

.. math::

    \rho = \mathrm{Tr}_{anc} |\psi\rangle\langle\psi|.

One layer ``l`` is

1. apply its perceptrons' gates (one- and two-qubit; distant pairs are brought
   together by swaps of whole sites and moved back, each swap and gate one SVD
   of a two-site tensor, truncated by ``max_bond`` and ``cutoff``);
2. trace out layer ``l - 1``: each of its sites is contracted with a
   neighbour, its qubit joining the neighbour's ancilla (dimension
   :math:`2 a a'`), and that ancilla is compressed by an SVD of the merged
   tensor with the ancilla as column index. An isometry on the ancilla leaves
   :math:`\rho` unchanged (the purification freedom), so keeping
   :math:`U S` is exact and the ancilla dimension is at most the tensor's rank
   (:math:`\le 2\chi_l\chi_r`);
3. insert layer ``l + 1``'s qubits in :math:`|0\rangle` (sites
   :math:`\delta_{\chi\chi'}|0\rangle`, both left- and right-orthonormal).

So the chain never holds more than two adjacent layers' sites, and the cost
grows with their widths and bond dimensions, not with the depth. The MPS is
kept in mixed canonical form; every truncation (bond or ancilla) is made at the
orthogonality centre, so its discarded weight :math:`\epsilon_t` is relative
to the normalized state. A truncation moves the pure state by trace distance
:math:`\sqrt{\epsilon_t}`; unitaries keep distances and partial traces do not
increase them, so :math:`\sum_t \sqrt{\epsilon_t}` bounds the trace distance
of :math:`\rho^{out}` from the exact one (the record's ``distance_bound``, as
for :func:`tnbp.simulate`). Singular values below ``1e-14`` of the largest are
rounding noise and always dropped (as in the dense layer-by-layer route).

For toy and local perceptrons every discarded qubit ends in :math:`|0\rangle`,
so the ancillas stay one-dimensional; user perceptrons entangle the discarded
layer with the kept one, and the ancillas carry that.

References
----------
.. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
   dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
   128, 180505 (2022), arXiv:2005.12458, eq. (1).
.. [2] F. Verstraete, J. J. Garcia-Ripoll, J. I. Cirac, "Matrix product density
   operators: simulation of finite-temperature and dissipative systems",
   Phys. Rev. Lett. 93, 207204 (2004), arXiv:cond-mat/0406426 (purified MPS).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import scipy.linalg as sla

from .._checks import check_cutoff, check_max_bond
from .._threads import blas_threads_limit
from ..limits import TRUNCATION_NOISE_FLOOR
from ..models.dqnn import DQNN
from ..models.operators import Observable
from .base import MixedState, check_rdm_size
from .canonical import CanonicalMPS
from .record import BondRecord, TrustPolicy
from .spectrum import renyi_entropy

__all__ = ["PurifiedDQNNState", "dqnn_purified_state"]

#: Singular values below this, relative to the largest, are rounding noise and
#: dropped (their total weight is at most the rank times its square, < 1e-24).
RANK_TOL = 1e-14


def layer_gates(net: DQNN) -> list[list]:
    """The gates of each perceptron layer ``1..L``, in order.

    Parameters
    ----------
    net : DQNN
        The network.

    Returns
    -------
    list of list of Gate
        ``L`` lists, layer ``l``'s gates at position ``l - 1``.
    """
    gates = net.circuit.gates
    out = [[] for _ in net.widths[1:]]
    for p in net.perceptrons:
        out[p.layer - 1].extend(gates[k] for k in p.gates)
    return out


def _zero_site(chi: int) -> np.ndarray:
    r""":math:`\delta_{\chi\chi'} |0\rangle`, shape ``(chi, 2, 1, chi)``."""
    A = np.zeros((chi, 2, 1, chi), dtype=complex)
    A[:, 0, 0, :] = np.eye(chi)
    return A


@dataclasses.dataclass
class _Chain:
    """A normalized purified MPS over labelled qubits, in mixed canonical form."""

    labels: list
    max_bond: int | None
    cutoff: float
    sites: list = dataclasses.field(default_factory=list)
    centre: int = 0
    discarded: float = 0.0
    fidelity: float = 1.0
    num_truncations: int = 0
    distance: float = 0.0
    peak: int = 1

    def __post_init__(self):
        self.labels = list(self.labels)
        self.sites = [_zero_site(1) for _ in self.labels]

    # ------------------------------------------------------------ bookkeeping
    def _keep(self, s: np.ndarray, cap) -> tuple[int, np.ndarray]:
        """How many singular values to keep; records the truncation; the kept, normalized."""
        s2 = s * s
        total = float(s2.sum())
        keep = max(1, int(np.count_nonzero(s > RANK_TOL * s[0])))
        if self.cutoff > 0:
            tail = np.cumsum(s2[::-1])[::-1]  # tail[k] = sum of s2[k:]
            keep = min(keep, max(1, int(np.count_nonzero(tail > self.cutoff * total))))
        if cap is not None:
            keep = min(keep, cap)
        eps = float(s2[keep:].sum()) / total
        if eps > 0:
            self.discarded += eps
            self.fidelity *= 1.0 - eps
            self.num_truncations += eps > TRUNCATION_NOISE_FLOOR
            # eps is summed from the dropped singular values, resolved at any
            # size (not a difference of norms): every cut counts, or many tiny
            # ones would move the state unseen (2000 cuts of 1e-14: 2e-4)
            self.distance += math.sqrt(eps)
        kept = s[:keep]
        return keep, kept / math.sqrt(float((kept * kept).sum()))

    # -------------------------------------------------------- canonical form
    def move_centre(self, to: int) -> None:
        """Move the orthogonality centre to site ``to`` by QR steps."""
        A = self.sites
        while self.centre < to:
            c = self.centre
            l, p, a, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l * p * a, r))
            A[c] = Q.reshape(l, p, a, -1)
            A[c + 1] = np.tensordot(R, A[c + 1], axes=(1, 0))
            self.centre += 1
        while self.centre > to:
            c = self.centre
            l, p, a, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l, p * a * r).T)
            A[c] = Q.T.reshape(-1, p, a, r)
            A[c - 1] = np.tensordot(A[c - 1], R.T, axes=(3, 0))
            self.centre -= 1

    def _split(self, theta: np.ndarray, i: int, centre_right: bool) -> None:
        """Split ``theta`` ``(l, 2, a, 2, b, r)`` into sites ``i, i + 1`` by one truncated SVD."""
        l, _, a, _, b, r = theta.shape
        U, s, Vh = sla.svd(
            theta.reshape(l * 2 * a, 2 * b * r),
            full_matrices=False,
            lapack_driver="gesdd",
        )
        k, s = self._keep(s, self.max_bond)
        self.peak = max(self.peak, k)
        if centre_right:
            self.sites[i] = U[:, :k].reshape(l, 2, a, k)
            self.sites[i + 1] = (s[:, None] * Vh[:k]).reshape(k, 2, b, r)
            self.centre = i + 1
        else:
            self.sites[i] = (U[:, :k] * s).reshape(l, 2, a, k)
            self.sites[i + 1] = Vh[:k].reshape(k, 2, b, r)
            self.centre = i

    def _pair(self, i: int) -> np.ndarray:
        """Sites ``i, i + 1`` contracted (the centre moved onto them first)."""
        if self.centre not in (i, i + 1):
            self.move_centre(i if self.centre < i else i + 1)
        return np.tensordot(self.sites[i], self.sites[i + 1], axes=(3, 0))

    def swap(self, i: int, centre_right: bool) -> None:
        """Exchange the sites ``i`` and ``i + 1`` (qubit and ancilla together)."""
        theta = self._pair(i).transpose(0, 3, 4, 1, 2, 5)
        self._split(theta, i, centre_right)
        self.labels[i], self.labels[i + 1] = self.labels[i + 1], self.labels[i]

    # ------------------------------------------------------------ operations
    def apply(self, matrix: np.ndarray, qubits: tuple) -> None:
        """Apply a one- or two-qubit gate on labelled qubits (first qubit most significant)."""
        if len(qubits) == 1:
            i = self.labels.index(qubits[0])
            self.sites[i] = np.einsum("xp,lpar->lxar", matrix, self.sites[i])
            return
        i, j = self.labels.index(qubits[0]), self.labels.index(qubits[1])
        G = matrix.reshape(2, 2, 2, 2)
        if i > j:  # the gate's first qubit sits right: act with it transposed
            i, j, G = j, i, G.transpose(1, 0, 3, 2)
        for k in range(j - 1, i, -1):  # bring site j next to i
            self.swap(k, centre_right=False)
        theta = np.tensordot(G, self._pair(i), axes=((2, 3), (1, 3)))
        self._split(theta.transpose(2, 0, 3, 1, 4, 5), i, centre_right=True)
        for k in range(i + 1, j):  # and back
            self.swap(k, centre_right=True)

    def trace_out(self, label) -> None:
        """Trace out a qubit: fuse its site into a neighbour's ancilla and compress it."""
        i = self.labels.index(label)
        j = i + 1 if i + 1 < len(self.sites) else i - 1
        lo = min(i, j)
        theta = self._pair(lo)  # (l, p, a, p', a', r)
        if j > i:  # the neighbour is on the right: its qubit stays physical
            theta = theta.transpose(0, 3, 4, 1, 2, 5)
        l, _, a, _, b, r = theta.shape
        # ancilla (kept neighbour's, traced qubit, traced ancilla) as columns
        M = theta.transpose(0, 1, 5, 2, 3, 4).reshape(l * 2 * r, a * 2 * b)
        U, s, _ = sla.svd(M, full_matrices=False, lapack_driver="gesdd")
        k, s = self._keep(s, self.max_bond)
        self.sites[lo] = (U[:, :k] * s).reshape(l, 2, r, k).transpose(0, 1, 3, 2)
        del self.sites[lo + 1]
        self.labels[lo] = self.labels[j]
        del self.labels[lo + 1]
        self.centre = lo

    def insert(self, label) -> None:
        r"""Insert a qubit in :math:`|0\rangle` where its label sorts (labels ascending)."""
        pos = int(np.searchsorted(self.labels, label))
        chi = self.sites[pos - 1].shape[3] if pos else 1
        self.sites.insert(pos, _zero_site(chi))
        self.labels.insert(pos, label)
        if pos <= self.centre:
            self.centre += 1


def _run(net: DQNN, prep, max_bond, cutoff) -> _Chain:
    """Run the network layer by layer (see the module); the chain of the output layer."""
    layers = net.layers
    chain = _Chain(sorted(layers[0] + layers[1]), max_bond, cutoff)
    for l, gates in enumerate(layer_gates(net), start=1):
        if l == 1:
            gates = list(prep.gates) + gates
        for g in gates:  # tnbp gates act on one or two qubits
            chain.apply(g.to_matrix(), g.qubits)
        for q in layers[l - 1]:
            chain.trace_out(q)
        if l + 1 < len(layers):
            for q in layers[l + 1]:
                chain.insert(q)
    return chain


class PurifiedDQNNState(MixedState):
    r"""The output state :math:`\rho^{out}` of a DQNN as a purified MPS (mixed).

    Built by :func:`dqnn_purified_state`. Qubit ``j`` of this state is output
    qubit ``j`` of the network (register label ``qubits[j]``); contractions go
    through a :class:`~tnbp.states.canonical.CanonicalMPS` with the ancilla
    traced, so reduced density matrices of a few output qubits and expectations
    of products (the costs of eqs. 3-4) cost :math:`O(n_{out}\chi^3 a)`.

    Parameters
    ----------
    net : DQNN
        The network that produced the state.
    chain : _Chain
        The run's purified chain of the output layer.
    trust : TrustPolicy, optional
        When the state's estimates are flagged (default ``TrustPolicy()``).

    Attributes
    ----------
    qubits : tuple of int
        The register labels of the output qubits (:attr:`tnbp.DQNN.output_qubits`).
    ancilla_dims : tuple of int
        The ancilla dimension of every site before padding to their maximum.
    """

    def __init__(self, net: DQNN, chain: _Chain, *, trust: TrustPolicy | None = None):
        super().__init__(len(chain.sites))
        if trust is not None:
            self.trust = trust
        self.qubits = tuple(net.output_qubits)
        chain.move_centre(0)
        self.ancilla_dims = tuple(A.shape[2] for A in chain.sites)
        a = max(self.ancilla_dims)
        sites = []
        for A in chain.sites:  # zero ancilla entries change nothing
            l, _, b, r = A.shape
            P = np.zeros((l, 2, a, r), dtype=A.dtype)
            P[:, :, :b, :] = A
            sites.append(P.reshape(l, 2 * a, r))
        self._canonical = CanonicalMPS.from_arrays(
            sites, traced_dim=a, right_canonical=True, blas_threads=1
        )
        dims = tuple(A.shape[3] for A in chain.sites[:-1])  # (l, 2, a, r): r
        self._record = BondRecord(
            bond_dims=dims,
            history=np.array([dims], dtype=int).reshape(1, len(dims)),
            max_bond_reached=max(chain.peak, *dims, 1),
            discarded_weight=chain.discarded,
            fidelity_estimate=chain.fidelity,
            num_truncations=chain.num_truncations,
            distance_bound=chain.distance,
            max_bond=chain.max_bond,
            cutoff=chain.cutoff,
        )

    def __repr__(self) -> str:
        rec = self._record
        return (
            f"PurifiedDQNNState(n={self.n}, max_bond_reached={rec.max_bond_reached}, "
            f"ancilla={max(self.ancilla_dims)}, "
            f"discarded_weight={rec.discarded_weight:.3g})"
        )

    @property
    def record(self) -> BondRecord:
        """The run's record: final bonds (one history row), peak bond and truncation."""
        return self._record

    @property
    def canonical(self) -> CanonicalMPS:
        """The purification as a canonical-form engine (ancilla traced)."""
        return self._canonical

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        return self._canonical.reduced_density_matrix(qubits)

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        return self._canonical.expectation(ops)

    def relabel(self, observable: Observable) -> Observable:
        """An observable on the network's output labels, on this state's qubits.

        Parameters
        ----------
        observable : Observable
            E.g. :meth:`tnbp.DQNN.cost`, acting on :attr:`qubits` (labels of
            the whole register).

        Returns
        -------
        Observable
            The same terms and constant, output qubit ``qubits[j]`` renamed ``j``.

        Raises
        ------
        TypeError
            If ``observable`` is not an :class:`~tnbp.observables.Observable`.
        ValueError
            If it acts on a qubit outside the output layer.
        """
        if not isinstance(observable, Observable):
            raise TypeError(
                f"`observable` must be an Observable, got {type(observable).__name__}."
            )
        outside = sorted(set(observable.support) - set(self.qubits))
        if outside:
            raise ValueError(
                f"`observable` acts on qubit(s) {outside} outside the output layer "
                f"{self.qubits}."
            )
        rel = observable.relabeled(self.qubits)
        return dataclasses.replace(rel, constant=observable.constant)

    @functools.cached_property
    def _log_site_dims(self) -> np.ndarray:
        """Cumulative log2 of the site dimensions (qubit times ancilla)."""
        return np.cumsum([0.0] + [math.log2(2 * a) for a in self.ancilla_dims])

    def _max_rank(self, cut: int) -> int:
        """Purification bonds carry qubits and ancillas: the smaller side's dimension."""
        logs = self._log_site_dims
        return 2 ** min(62, int(min(logs[cut], logs[-1] - logs[cut])))

    def _bond_entropy(self, cut: int) -> float:
        """Entropy (bits) of the purification's Schmidt values at ``cut``."""
        return renyi_entropy(self._canonical.schmidt[cut - 1] ** 2)


def dqnn_purified_state(
    net: DQNN,
    state=None,
    *,
    max_bond=None,
    cutoff: float = 1e-12,
    trust: TrustPolicy | None = None,
) -> PurifiedDQNNState:
    r"""The DQNN output state of eq. (1), layer by layer as a purified MPS.

    Holds only two adjacent layers at a time (see :mod:`tnbp.states.dqnn_purified`),
    so wide layers (tens of qubits each, local or toy perceptrons) are cheap
    whatever the depth. The result is a mixed :class:`~tnbp.State` on the
    ``n_out`` output qubits, read by the estimators; the cost observables of
    :meth:`tnbp.DQNN.cost` go through :meth:`PurifiedDQNNState.relabel`.

    Parameters
    ----------
    net : DQNN
        The network, at its current angles.
    state : None, str, array_like or Circuit, optional
        The input :math:`|\phi^{in}\rangle` (see :meth:`tnbp.DQNN.preparation`;
        default :math:`|0\cdots0\rangle`).
    max_bond : int or None, optional
        Cap on every bond and ancilla dimension (None: no cap).
    cutoff : float, optional
        Discarded weight allowed per SVD, relative to the state's norm
        (``rsum2``, as :func:`tnbp.simulate`), in ``[0, 1)``; default 1e-12.
    trust : TrustPolicy, optional
        When the state's estimates are flagged (default ``TrustPolicy()``).

    Returns
    -------
    PurifiedDQNNState
        :math:`\rho^{out}` on the output layer, qubit ``j`` = output qubit
        ``j``, with its :class:`~tnbp.BondRecord` (peak bond, discarded weight,
        trace-distance bound) and caveats.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, ``state`` is not an accepted
        input, ``max_bond`` / ``cutoff`` has the wrong type, or ``trust`` is
        not a :class:`~tnbp.states.TrustPolicy`.
    ValueError
        If ``state`` does not fit the input layer, ``max_bond < 1`` or
        ``cutoff`` is not in ``[0, 1)``.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eqs. (1), (3), (4).

    Examples
    --------
    Local perceptrons (Fig. 3b) on three layers of 24 qubits, the local cost of
    eq. (4) for the target :math:`|0\cdots0\rangle`:

    >>> import tnbp
    >>> net = tnbp.DQNN((24, 24, 24), "local", seed=0)
    >>> st = tnbp.dqnn_purified_state(net)
    >>> st.n, st.trusted
    (24, True)
    >>> C = tnbp.expectation_value(st, st.relabel(net.cost("local")))
    >>> 0 < C < 1
    True
    """
    if not isinstance(net, DQNN):
        raise TypeError(f"`net` must be a tnbp.DQNN, got {type(net).__name__}.")
    max_bond = check_max_bond(max_bond)
    cutoff = check_cutoff(cutoff)
    if trust is not None and not isinstance(trust, TrustPolicy):
        raise TypeError(
            f"`trust` must be a tnbp.states.TrustPolicy or None, got {type(trust).__name__}."
        )
    prep = net.preparation(state)
    with blas_threads_limit(1):  # small SVDs and QRs: threads only cost
        return PurifiedDQNNState(net, _run(net, prep, max_bond, cutoff), trust=trust)
