"""Imaginary-time evolution of a purified MPS: the engine behind ``gibbs_state(backend="mps")``.

Sites are ``(chi_l, 4, chi_r)`` arrays, index ``2 p + a`` for physical ``p`` and
ancilla ``a``. The MPS is kept in mixed canonical form with a known centre and
unit norm; every two-site operation is one SVD, whose full norm (before
truncation) feeds :math:`\\ln Z` and whose dropped singular values feed the
record. See :mod:`tnbp.thermal` for the scheme and its error model.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.linalg as sla

from .hamiltonian import PauliSum

#: Squared-norm changes below this are SVD rounding, not truncation.
NOISE_FLOOR = 1e-13
#: Suzuki's fourth-order weight: S4(d) = S2(p d)^2 S2((1 - 4p) d) S2(p d)^2.
SUZUKI_P = 1.0 / (4.0 - 4.0 ** (1.0 / 3.0))

_SWAP4 = np.eye(16).reshape(4, 4, 4, 4).transpose(1, 0, 2, 3).copy()


@dataclasses.dataclass
class Purification:
    """A normalized purified MPS and its bookkeeping."""

    sites: list
    centre: int
    max_bond: int | None
    cutoff: float
    log_norm2: float = 0.0  # sum of ln ||psi||^2 over normalizations
    discarded: float = 0.0
    fidelity: float = 1.0
    num_truncations: int = 0
    peak: int = 1

    @classmethod
    def infinite_temperature(cls, n: int, *, max_bond, cutoff) -> Purification:
        bell = (np.array([1.0, 0.0, 0.0, 1.0]) / math.sqrt(2)).reshape(1, 4, 1)
        return cls([bell.copy() for _ in range(n)], 0, max_bond, cutoff)

    @property
    def n(self) -> int:
        return len(self.sites)

    def bond_dims(self) -> tuple[int, ...]:
        return tuple(A.shape[2] for A in self.sites[:-1])

    # -------------------------------------------------------- canonical form
    def move_centre(self, to: int) -> None:
        A = self.sites
        while self.centre < to:
            c = self.centre
            l, d, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l * d, r))
            A[c] = Q.reshape(l, d, -1)
            A[c + 1] = np.tensordot(R, A[c + 1], axes=(1, 0))
            self.centre += 1
        while self.centre > to:
            c = self.centre
            l, d, r = A[c].shape
            Q, R = np.linalg.qr(A[c].reshape(l, d * r).T)
            A[c] = Q.T.reshape(-1, d, r)
            A[c - 1] = np.tensordot(A[c - 1], R.T, axes=(2, 0))
            self.centre -= 1

    # ------------------------------------------------------------ operations
    def apply_one(self, G4: np.ndarray, i: int) -> None:
        """A one-site operator (4x4 on the combined index) at ``i``, renormalized."""
        self.move_centre(i)
        A = np.matmul(G4, self.sites[i])
        norm2 = float(np.vdot(A, A).real)
        self.log_norm2 += math.log(norm2)
        self.sites[i] = A / math.sqrt(norm2)

    def apply_two(self, G: np.ndarray, i: int) -> None:
        """A two-site operator ``G[out_i, out_j, in_i, in_j]`` on sites ``(i, i+1)``."""
        if self.centre not in (i, i + 1):
            self.move_centre(i if self.centre < i else i + 1)
        A, B = self.sites[i], self.sites[i + 1]
        l, m, r = A.shape[0], A.shape[2], B.shape[2]
        theta = (A.reshape(l * 4, m) @ B.reshape(m, 4 * r)).reshape(l, 16, r)
        theta = np.matmul(G.reshape(16, 16), theta)  # (16, 16) @ stack of (16, r)
        U, s, Vh = sla.svd(
            theta.reshape(l * 4, 4 * r), full_matrices=False, lapack_driver="gesdd"
        )
        s2 = s * s
        total = float(s2.sum())
        keep = _kept(s2, total, self.cutoff, self.max_bond)
        eps = float(s2[keep:].sum()) / total
        if eps > 0:
            self.discarded += eps
            self.fidelity *= 1.0 - eps
            self.num_truncations += eps > NOISE_FLOOR
        self.log_norm2 += math.log(total)
        s = s[:keep] / math.sqrt(float(s2[:keep].sum()))
        self.peak = max(self.peak, keep)
        if self.centre == i:  # sweep right: centre moves to i + 1
            self.sites[i] = U[:, :keep].reshape(l, 4, keep)
            self.sites[i + 1] = (s[:, None] * Vh[:keep]).reshape(keep, 4, r)
            self.centre = i + 1
        else:
            self.sites[i] = (U[:, :keep] * s).reshape(l, 4, keep)
            self.sites[i + 1] = Vh[:keep].reshape(keep, 4, r)
            self.centre = i


def _kept(s2: np.ndarray, total: float, cutoff: float, max_bond) -> int:
    """Number of singular values kept by the rsum2 cutoff, then ``max_bond``."""
    tail = np.cumsum(s2[::-1])[::-1]  # tail[k] = sum of s2[k:]
    keep = int(np.count_nonzero(tail > cutoff * total)) if cutoff > 0 else s2.size
    keep = max(keep, 1)
    return keep if max_bond is None else min(keep, max_bond)


# ------------------------------------------------------------------ Trotter
def lift_one(h: np.ndarray, tau: float) -> np.ndarray:
    """:math:`e^{-\\tau h}` of a one-qubit ``h`` on the physical index of a 4-dim site."""
    return np.kron(sla.expm(-tau * h), np.eye(2))


def lift_two(h: np.ndarray, tau: float, *, swap: bool = False) -> np.ndarray:
    """:math:`e^{-\\tau h}` of a two-qubit ``h`` on two 4-dim sites (then a SWAP if asked).

    Returns ``G[out_i, out_j, in_i, in_j]``.
    """
    G = sla.expm(-tau * h).reshape(2, 2, 2, 2)  # [p_i, p_j, p_i', p_j']
    eye = np.eye(2)
    full = np.einsum("ACBD,ab,cd->AaCcBbDd", G, eye, eye).reshape(16, 16)
    if swap:
        full = _SWAP4.reshape(16, 16) @ full
    return full.reshape(4, 4, 4, 4)


def split_terms(H: PauliSum) -> tuple[dict, dict]:
    """Pair Hamiltonians ``{(i, j): h}`` (onsite terms folded into a pair on their
    qubit) and the onsite Hamiltonians ``{i: h}`` of qubits in no pair."""
    local = H.local_terms()
    pairs = {q: np.array(h, dtype=complex) for q, h in local.items() if len(q) == 2}
    host = {}
    for i, j in pairs:
        host.setdefault(i, (i, j))
        host.setdefault(j, (i, j))
    lone = {}
    eye = np.eye(2)
    for q, h in local.items():
        if len(q) != 1:
            continue
        (i,) = q
        if i in host:
            a, b = host[i]
            pairs[(a, b)] += np.kron(h, eye) if i == a else np.kron(eye, h)
        else:
            lone[i] = np.array(h, dtype=complex)
    if all(not np.any(h.imag) for h in local.values()):
        # real Hamiltonians keep the whole state real: half the SVD cost
        pairs = {q: h.real for q, h in pairs.items()}
        lone = {q: h.real for q, h in lone.items()}
    return pairs, lone


def _weights(order: int) -> list[float]:
    """Step fractions of one Trotter step: Strang (2) or Suzuki's S4 (4)."""
    if order == 2:
        return [1.0]
    p = SUZUKI_P
    return [p, p, 1 - 4 * p, p, p]


def _layer_sequence(num_layers: int, steps: int, delta: float, order: int):
    """``(layer, tau)`` pairs of ``steps`` symmetric Trotter steps, half-steps merged."""
    m = num_layers
    seq: list[list] = []
    for _ in range(steps):
        for w in _weights(order):
            d = w * delta
            sweep = [(k, d / 2) for k in range(m - 1)]
            sweep.append((m - 1, d))
            sweep += [(k, d / 2) for k in range(m - 2, -1, -1)]
            for k, tau in sweep:
                if seq and seq[-1][0] == k:
                    seq[-1][1] += tau
                else:
                    seq.append([k, tau])
    return [(k, tau) for k, tau in seq]


def evolve_layers(psi: Purification, pairs: dict, *, steps, delta, order, bar):
    """Nearest-neighbour pairs: layers of disjoint bonds (even/odd), Strang-symmetric."""
    layers: list[list] = []
    for key in pairs:  # greedy edge colouring in term order
        for layer in layers:
            if not any(set(key) & set(other) for other in layer):
                layer.append(key)
                break
        else:
            layers.append([key])
    gates: dict = {}  # few distinct taus: lift each gate once
    history = []
    sequence = _layer_sequence(len(layers), steps, delta, order)
    bar.reset(total=len(sequence))
    for k, tau in sequence:
        for i, j in layers[k]:
            if (i, j, tau) not in gates:
                gates[(i, j, tau)] = lift_two(pairs[(i, j)], tau)
            psi.apply_two(gates[(i, j, tau)], i)  # nearest neighbours: j = i + 1
        history.append(psi.bond_dims())
        bar.update()
    return history


def evolve_swap_network(psi: Purification, pairs: dict, *, steps, delta, order, bar):
    """Any pairs: an odd-even transposition network, each gate fused with its SWAP.

    ``n`` rounds of swaps on alternating bonds bring every pair of qubits
    together exactly once and reverse their order; running the rounds again
    backwards visits the pairs in reverse and restores the order. Half a step
    of every pair forwards then backwards is a symmetric (second-order) step,
    at :math:`n(n-1)` two-site updates instead of one swap chain per pair.
    """
    n = psi.n
    perm = list(range(n))  # logical qubit at each position
    bar.reset(total=2 * steps * len(_weights(order)))
    gates: dict = {}
    history = []
    for _ in range(steps):
        for w in _weights(order):
            tau = w * delta / 2
            for rounds in (range(n), range(n - 1, -1, -1)):
                for t in rounds:
                    for k in range(t % 2, n - 1, 2):
                        a, b = perm[k], perm[k + 1]
                        key = (a, b, tau)
                        if key not in gates:
                            h = pairs.get((min(a, b), max(a, b)))
                            if h is None:
                                h = np.zeros((4, 4))
                            elif a > b:  # stored as (low, high): flip the factors
                                h = (
                                    h.reshape(2, 2, 2, 2)
                                    .transpose(1, 0, 3, 2)
                                    .reshape(4, 4)
                                )
                            gates[key] = lift_two(h, tau, swap=True)
                        psi.apply_two(gates[key], k)
                        perm[k], perm[k + 1] = b, a
                    history.append(psi.bond_dims())
                bar.update()
    return history
