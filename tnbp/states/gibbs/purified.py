r"""Gibbs states held as a purified MPS (the result of imaginary-time evolution).

Every contraction (reduced density matrices, expectations, the purification's
Schmidt values) goes through the canonical-form engine
:class:`~tnbp.states.canonical.CanonicalMPS` with :math:`2 \times 2` sites,
physical qubit kept and ancilla traced.

Trotter error by a Richardson pair. The error of any quantity :math:`v`
prepared with ``steps`` symmetric steps of order :math:`p` is
:math:`e(\delta) = C\delta^p + O(\delta^{p+2})`. A companion prepared with
``steps_c`` steps, step ratio :math:`r = \mathrm{steps}/\mathrm{steps}_c`,
has :math:`e_c = \lambda e` with :math:`\lambda \to r^p` for small steps.
Before that limit the ratio can fall well short of :math:`r^p` (the
subleading terms partly cancel the leading one; measured down to
:math:`\lambda \approx 6` for :math:`r^p = 16`), so the bound assumes only
half the order, :math:`\lambda \ge x = r^{p/2}` for a coarser companion
(:math:`\lambda \le x` for a finer one), and :math:`v - v_c = (1 - \lambda)
e` gives

.. math::

    |e| \le f\,|v - v_c|, \qquad
    f = \frac{1}{x - 1}\ (x > 1), \qquad f = \frac{1}{1 - x}\ (x < 1).

The default coarser companion (``steps_c = steps // 2``, :math:`r \ge 2`)
gives :math:`f \le 1/3` at order 4 and :math:`f \le 1` at order 2 (an
overestimate by :math:`(r^p - 1)/(x - 1)` = 5 and 3 in the asymptotic
regime); a finer one (``steps_c = 2`` when ``steps = 1``) gives
:math:`f = 4/3` and 2.

References
----------
.. [1] L. F. Richardson, "The deferred approach to the limit", Phil. Trans.
   R. Soc. A 226, 299 (1927).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..._threads import blas_threads_limit
from ...limits import SQUARE_MPO_CUTOFF
from ...models.paulis import PAULI_MATRICES
from ..base import check_rdm_size
from ..canonical import CanonicalMPS
from ..record import BondRecord
from ..spectrum import renyi_entropy
from .base import GibbsState
from .purification import SITE_CHARGES, Purification


def richardson_factor(order: int, steps: int, companion_steps: int) -> float:
    r"""Multiplier :math:`f` with :math:`|e| \le f |v - v_c|` (module docstring).

    Parameters
    ----------
    order : int
        Trotter order :math:`p`.
    steps : int
        Trotter steps of the state, ``>= 1``.
    companion_steps : int
        Trotter steps of its companion, ``>= 1``, not ``steps``.

    Returns
    -------
    float
        :math:`f = 1/|x - 1|` for :math:`x = (\mathrm{steps}/
        \mathrm{steps}_c)^{p/2}` (dimensionless, positive).

    Raises
    ------
    ValueError
        If ``companion_steps == steps``.
    """
    if companion_steps == steps:
        raise ValueError(
            f"`companion_steps` must differ from `steps`, both are {steps}."
        )
    return 1.0 / abs((steps / companion_steps) ** (order / 2) - 1.0)


class PurifiedGibbsState(GibbsState):
    r""":math:`\rho = \mathrm{Tr}_{anc}|\psi\rangle\langle\psi|` from a purified MPS.

    Built by :func:`~tnbp.states.gibbs.api.gibbs_state`; contractions go
    through a :class:`~tnbp.states.canonical.CanonicalMPS` with the ancilla
    traced.

    Parameters
    ----------
    H : PauliSum
        The Hamiltonian (its constant enters :math:`\ln Z` only).
    beta : float
        Inverse temperature.
    purification : Purification
        The evolved purification (its centre is moved to site 0 here).
    history : sequence of tuple of int
        Bond dimensions after every Trotter layer, initial ones first.
    dtau : float
        The imaginary-time step used.
    order : int
        Trotter order (2 or 4).
    steps : int
        Number of Trotter steps.
    trotterized : bool, optional
        Whether the evolution had a Trotter error (False when ``H`` has no
        two-qubit terms or ``steps = 0``).

    Attributes
    ----------
    dtau : float
        The imaginary-time step used (:math:`\beta/(2 \cdot \texttt{steps})`).
    order : int
        Trotter order (2 or 4).
    steps : int
        Number of Trotter steps, :math:`\lceil \beta/(2\,\mathrm{dtau})\rceil`.
    trotterized : bool
        Whether the evolution had a Trotter error.
    discarded_amplitude : float
        :math:`T = \sum_\ell \sqrt{\epsilon_\ell}` over the run's layers of
        gates, :math:`\epsilon_\ell` the weight a layer discarded (a layer of
        disjoint two-site gates, or a round of the swap network, applied left
        to right); the record's ``distance_bound``, so
        :attr:`truncation_distance` is :math:`\min(1, T)`. Within a layer the
        truncations remove mutually orthogonal parts
        (:meth:`Purification.close_layer`), so the layer moves the normalized
        state by :math:`\sqrt{\epsilon_\ell}`; across layers the triangle
        inequality adds these distances, to first order and assuming the later
        imaginary-time evolution does not amplify what was removed. The linear
        sum is what imaginary time needs: on a 16-qubit XX chain at a fixed
        cutoff of 1e-14, doubling the number of SVDs doubled the energy error
        (1.2e-6, 2.6e-6, 5.2e-6 at 1500, 3000, 6000 SVDs) while
        :math:`\sqrt{\sum_t \epsilon_t}` grew by :math:`\sqrt 2` (measured).
    companion : PurifiedGibbsState or None
        The Richardson companion, set by :func:`~tnbp.gibbs_state`.
    conserve : {"U1", "Z2", "none"}
        The charge whose blocks the evolution used (the purification's
        ``symmetry``; ``"none"``: full matrices).
    """

    def __init__(
        self,
        H,
        beta,
        purification: Purification,
        history,
        *,
        dtau,
        order,
        steps,
        trotterized: bool = True,
    ):
        n = H.n
        log_z = n * math.log(2) + purification.log_norm2 - beta * H.constant
        super().__init__(H, beta, log_z)
        purification.move_centre(0)  # all other sites right-canonical
        self._canonical = CanonicalMPS.from_arrays(
            purification.sites, traced_dim=2, right_canonical=True, blas_threads=1
        )
        self.dtau, self.order, self.steps = dtau, order, steps
        purification.close_layer()
        self.discarded_amplitude = purification.discarded_amplitude
        self.trotterized = trotterized and steps > 0
        self.companion = None
        self.conserve = purification.symmetry or "none"
        self._bond_charges = purification.bond_charges
        self._rdms: dict = {}  # reduced density matrices by qubits, for expectations
        hist = np.array(history, dtype=int).reshape(len(history), n - 1)
        self._record = BondRecord(
            bond_dims=purification.bond_dims(),
            history=hist,
            max_bond_reached=max(purification.peak, int(hist.max(initial=1))),
            discarded_weight=purification.discarded,
            fidelity_estimate=purification.fidelity,
            num_truncations=purification.num_truncations,
            distance_bound=purification.discarded_amplitude,
            max_bond=purification.max_bond,
            cutoff=purification.cutoff,
        )

    @property
    def record(self) -> BondRecord:
        """The run's record: bond history and truncation of the imaginary-time evolution."""
        return self._record

    @functools.cached_property
    def energy_variance(self) -> float:
        r""":math:`\langle H^2\rangle - \langle H\rangle^2` on the purification (MPO contraction).

        :math:`H` as an MPO (:meth:`~tnbp.PauliSum.to_mpo`, acting on the
        physical index of every site) and :math:`H^2` as the product MPO,
        compressed (:data:`~tnbp.limits.SQUARE_MPO_CUTOFF` per bond: bond 8
        instead of 16 on the XX chain), are each contracted between the normalized
        purification and itself, site by site: cost :math:`O(n\chi^3 D)`
        for MPO bond dimension :math:`D`. With a conserved charge
        (:attr:`conserve`) only the nonzero charge blocks of the sites enter
        (about a quarter of each site at chi = 64 on the XX chain).

        Returns
        -------
        float
            :math:`\sigma_H^2 \ge 0` (clipped at 0 against rounding), in
            units of energy squared.
        """
        mpo = self.hamiltonian.traceless().to_mpo()
        mpo2 = mpo.apply(mpo)
        mpo2.compress(cutoff=SQUARE_MPO_CUTOFF, cutoff_mode="rel")
        square, mean = np.ones((1, 1, 1)), np.ones((1, 1, 1))
        with blas_threads_limit(1):  # small contractions: threads only cost
            for i, (A, W, WW) in enumerate(
                zip(self.sites, _mpo_arrays(mpo), _mpo_arrays(mpo2), strict=True)
            ):
                blocks = self._blocks(i)
                square = _sandwich(square, A, WW, blocks)
                mean = _sandwich(mean, A, W, blocks)
        h2 = float(np.real(square.reshape(-1)[0]))
        h1 = float(np.real(mean.reshape(-1)[0]))
        return max(0.0, h2 - h1 * h1)

    def _blocks(self, i: int) -> list:
        """``(s, left, right)``: slices of the nonzero blocks of site ``i``.

        The whole site without a charge; with one, the bond indices are sorted
        by charge (as the block SVD and QR leave them) and block
        ``A[left, s, right]`` pairs the right charge ``c`` with the left charge
        ``c - q_s``.
        """
        if self._bond_charges is None:
            return [(s, slice(None), slice(None)) for s in range(4)]
        left, right = (_ranges(q) for q in self._bond_charges[i : i + 2])
        out = []
        for s, qs in enumerate(SITE_CHARGES.tolist()):
            for c, rs in right.items():
                cl = (c - qs) % 2 if self.conserve == "Z2" else c - qs
                if cl in left:
                    out.append((s, left[cl], rs))
        return out

    @property
    def trotter_factor(self) -> float:
        r"""Multiplier :math:`f` of the Richardson bound (module docstring).

        0 without Trotter error, NaN without a companion, else
        :func:`richardson_factor` of the two step counts.
        """
        if not self.trotterized:
            return 0.0
        if self.companion is None:
            return float("nan")
        return richardson_factor(self.order, self.steps, self.companion.steps)

    @property
    def canonical(self) -> CanonicalMPS:
        """The purification as a canonical-form engine (ancilla traced)."""
        return self._canonical

    @property
    def sites(self) -> list:
        """Site tensors ``(chi_l, 4, chi_r)``, index ``2 p + a``; site 0 is the centre."""
        return list(self._canonical.B)

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        return self._canonical.expectation(ops)

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        return self._canonical.reduced_density_matrix(qubits)

    def expectation_pauli(self, pauli: str, qubits: tuple[int, ...]) -> float:
        r"""Expectation :math:`\langle P \rangle` of a Pauli string, from cached RDMs.

        A string on one or two qubits is read off the reduced density matrix of
        its qubits, computed once per pair (or qubit) and cached: the terms of
        a 2-local Hamiltonian share them (the XX chain's 94 terms at n = 32
        need 31 pair contractions, in real arithmetic for a real state, where
        one contraction per term with complex Y's took ~5x longer). A
        one-qubit string uses a cached pair that holds its qubit. Longer
        strings contract their span (:meth:`expectation_product`).

        Parameters
        ----------
        pauli : str
            One letter (I, X, Y, Z) per qubit.
        qubits : tuple of int
            Distinct qubits, in the order of the letters.

        Returns
        -------
        float
            The real expectation, in ``[-1, 1]`` (1 for the identity).
        """
        ops = sorted((q, p) for p, q in zip(pauli, qubits, strict=True) if p != "I")
        if len(ops) > 2:
            return super().expectation_pauli(pauli, qubits)
        if not ops:
            return 1.0
        if len(ops) == 1:
            (q, p), rdm = ops[0], None
            for key, pos in (((q, q + 1), 0), ((q - 1, q), 1)):
                if key in self._rdms:
                    r = self._rdms[key].reshape(2, 2, 2, 2)
                    rdm = np.trace(r, axis1=1 - pos, axis2=3 - pos)
                    break
            if rdm is None:
                rdm = self._rdm((q,))
            return float(np.real(np.trace(rdm @ PAULI_MATRICES[p])))
        (a, pa), (b, pb) = ops
        op = np.kron(PAULI_MATRICES[pa], PAULI_MATRICES[pb])
        return float(np.real(np.trace(self._rdm((a, b)) @ op)))

    def _rdm(self, qubits: tuple[int, ...]) -> np.ndarray:
        """The reduced density matrix of ``qubits`` (increasing), cached."""
        if qubits not in self._rdms:
            self._rdms[qubits] = self._canonical.reduced_density_matrix(qubits)
        return self._rdms[qubits]

    def _max_rank(self, cut: int) -> int:
        r"""Purification bonds carry physical and ancilla qubits: :math:`4^{\min(k, n-k)}`."""
        return 4 ** min(cut, self.n - cut)

    def _bond_entropy(self, cut: int) -> float:
        """Entropy (bits) of the purification's Schmidt values at ``cut``."""
        return renyi_entropy(self._canonical.schmidt[cut - 1] ** 2)


def _ranges(q: np.ndarray) -> dict:
    """``{charge: slice}`` of a charge vector sorted in increasing order."""
    if np.any(np.diff(q) < 0):
        raise ValueError("bond charges must be sorted")
    cuts = [0, *(np.flatnonzero(np.diff(q)) + 1).tolist(), q.size]
    return {int(q[a]): slice(a, b) for a, b in zip(cuts, cuts[1:], strict=False)}


def _mpo_arrays(mpo) -> list:
    """The arrays ``W[wl, wr, up, low]`` of a quimb MPO, edge bonds of size 1."""
    n = mpo.L
    out = []
    for i in range(n):
        inds = [mpo.bond(i - 1, i)] if i else []
        inds += [mpo.bond(i, i + 1)] if i < n - 1 else []
        W = mpo[i].transpose(*inds, mpo.upper_ind(i), mpo.lower_ind(i)).data
        out.append(
            W.reshape((1,) * (i == 0) + W.shape[:-2] + (1,) * (i == n - 1) + (2, 2))
        )
    return out


def _sandwich(env, A, W, blocks):
    r"""Extend ``env[x, w, y]`` (bra, MPO, ket bonds) by one site of :math:`\langle A|W|A\rangle`.

    ``A[left, 2 p + a, right]`` carries the physical and ancilla indices;
    ``W[wl, wr, p_out, p_in]`` acts on the physical one. Only the blocks
    ``A[ls, s, rs]`` of ``blocks`` (``(s, ls, rs)``, slices) are nonzero.
    """
    x, w, y = env.shape
    r = A.shape[2]
    dtype = np.result_type(env, A, W)
    ket = np.zeros((x * w, 4, r), dtype)  # x w, s, Y
    flat = env.reshape(x * w, y)
    for s, ls, rs in blocks:
        ket[:, s, rs] = flat[:, ls] @ A[ls, s, rs]
    ket = ket.reshape(x, w, 2, 2, r)  # x w p a Y
    t = np.tensordot(ket, W, axes=([1, 2], [0, 3]))  # x a Y W' P
    t = np.ascontiguousarray(t.transpose(0, 4, 1, 2, 3)).reshape(x, 4, -1)
    out = np.zeros((r, t.shape[2]), dtype)  # X, Y W'
    for s, ls, rs in blocks:
        out[rs] += A[ls, s, rs].conj().T @ t[ls, s]
    return out.reshape(r, r, -1).transpose(0, 2, 1)
