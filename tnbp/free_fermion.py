"""Exact simulation of matchgate (free-fermion) circuits, for large-n references.

Under the Jordan-Wigner map :math:`\\gamma_{2j} = (\\prod_{k<j} Z_k) X_j`,
:math:`\\gamma_{2j+1} = (\\prod_{k<j} Z_k) Y_j`, the rotations
:math:`e^{-i\\theta P/2}` with :math:`P \\in \\{Z_j, X_jX_{j+1}, Y_jY_{j+1},
X_jY_{j+1}, Y_jX_{j+1}\\}` are exponentials of Majorana bilinears,
:math:`P = i s\\, \\gamma_a \\gamma_b`, and act on the Majorana covariance matrix

.. math::

    \\Gamma_{kl} = \\tfrac{i}{2} \\langle [\\gamma_k, \\gamma_l] \\rangle

as a rotation by :math:`s\\theta` in the :math:`(a, b)` plane:
:math:`\\Gamma \\to R \\Gamma R^T`, at :math:`O(n)` cost per gate. Computational
basis states are Gaussian, so every output state is, and its entanglement
follows from :math:`\\Gamma`: a contiguous block whose restricted covariance has
eigenvalues :math:`\\pm i \\nu_k` has entropy
:math:`\\sum_k H_2\\big((1 + \\nu_k)/2\\big)` bits.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_bitstring
from .circuit import Circuit

# Pauli string on (j, j+1) (or on j) -> (sign s, offset of a, offset of b) with
# P = i s gamma_a gamma_b and a = 2j + offset.
_BILINEARS = {
    "Z": (-1, 0, 1),
    "XX": (-1, 1, 2),
    "YY": (1, 0, 3),
    "XY": (-1, 1, 3),
    "YX": (1, 0, 2),
}


def _majorana_pair(pauli: str, qubits: tuple[int, ...]):
    if len(qubits) == 2 and qubits[0] == qubits[1] + 1:
        pauli, qubits = pauli[::-1], qubits[::-1]
    if pauli not in _BILINEARS or (len(qubits) == 2 and qubits[1] != qubits[0] + 1):
        raise ValueError(
            f"`circuit`: rotation {pauli} on {qubits} is not a nearest-neighbour "
            "matchgate (allowed: Z, XX, YY, XY, YX on neighbours)."
        )
    s, da, db = _BILINEARS[pauli]
    j = qubits[0]
    return s, 2 * j + da, 2 * j + db


def initial_covariance(bits: str) -> np.ndarray:
    """Covariance matrix of ``|bits>``: :math:`\\Gamma_{2j,2j+1} = -\\langle Z_j \\rangle`."""
    n = len(bits)
    gamma = np.zeros((2 * n, 2 * n))
    for j, b in enumerate(bits):
        z = 1.0 - 2.0 * int(b)
        gamma[2 * j, 2 * j + 1] = -z
        gamma[2 * j + 1, 2 * j] = z
    return gamma


def covariance_matrix(circuit: Circuit, initial: str | None = None) -> np.ndarray:
    """Majorana covariance matrix of ``circuit |initial>`` for a matchgate circuit.

    Raises
    ------
    ValueError
        If the circuit has a gate that is not a matchgate rotation.
    """
    bits = check_bitstring(initial, circuit.n)
    gamma = initial_covariance(bits)
    for gate in circuit:
        if not gate.is_rotation:
            raise ValueError(f"`circuit`: fixed gate {gate.label} is not supported.")
        s, a, b = _majorana_pair(gate.pauli, gate.qubits)
        c, sn = np.cos(s * gate.theta), np.sin(s * gate.theta)
        R = np.array([[c, sn], [-sn, c]])
        gamma[[a, b], :] = R @ gamma[[a, b], :]
        gamma[:, [a, b]] = gamma[:, [a, b]] @ R.T
    return gamma


def block_nus(gamma: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The :math:`\\nu_k \\in [0, 1]` of the contiguous block of sites ``start..stop-1``."""
    sub = gamma[2 * start : 2 * stop, 2 * start : 2 * stop]
    ev = np.linalg.eigvalsh(1j * sub)
    return np.clip(np.sort(ev)[len(ev) // 2 :], 0.0, 1.0)


def block_entropy(gamma: np.ndarray, start: int, stop: int) -> float:
    """Von Neumann entropy (bits) of the block of sites ``start..stop-1``."""
    p = (1 + block_nus(gamma, start, stop)) / 2
    q = 1 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(p > 0, p * np.log2(p), 0) + np.where(q > 0, q * np.log2(q), 0))
    return float(h.sum())


def block_purity(gamma: np.ndarray, start: int, stop: int) -> float:
    """Purity :math:`\\prod_k (1 + \\nu_k^2)/2` of the block ``start..stop-1``."""
    return float(np.prod((1 + block_nus(gamma, start, stop) ** 2) / 2))


def entropy_profile(gamma: np.ndarray) -> np.ndarray:
    """Entropies (bits) of the first ``ell`` sites for ``ell = 1..n-1``."""
    n = gamma.shape[0] // 2
    return np.array([block_entropy(gamma, 0, ell) for ell in range(1, n)])


def z_expectation(gamma: np.ndarray, j: int) -> float:
    """:math:`\\langle Z_j \\rangle = -\\Gamma_{2j, 2j+1}`."""
    return float(-gamma[2 * j, 2 * j + 1])


def zz_expectation(gamma: np.ndarray, i: int, j: int) -> float:
    """:math:`\\langle Z_i Z_j \\rangle` for ``i != j`` by Wick's theorem."""
    a, b, c, d = 2 * i, 2 * i + 1, 2 * j, 2 * j + 1
    g = -1j * gamma  # <gamma_k gamma_l> for k != l
    four = g[a, b] * g[c, d] - g[a, c] * g[b, d] + g[a, d] * g[b, c]
    return float(np.real(-four))
