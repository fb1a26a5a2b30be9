"""Quantum Boltzmann machines: trainable Hamiltonians with visible qubits (the model).

A :class:`QBM` is :math:`H(\\theta) = \\sum_k \\theta_k P_k` with Pauli-string
generators :math:`P_k`, an inverse temperature :math:`\\beta` and a set of
visible qubits (arXiv:2010.15968, Sec. V). It is pure data: its Gibbs state
comes from :func:`tnbp.gibbs_state`, and its objectives and gradients from
:mod:`tnbp.qbm`.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._checks import check_labels, check_real
from .hamiltonian import PauliSum


class QBM:
    """:math:`H(\\theta) = \\sum_k \\theta_k P_k` on ``n`` qubits with visible qubits.

    Parameters
    ----------
    n : int
    generators : sequence of (pauli, qubits)
        The Pauli strings :math:`P_k`, one per parameter.
    visible : sequence of int
        The visible qubits (the rest are hidden).
    beta : float, optional
        Inverse temperature of the model state.
    """

    def __init__(self, n: int, generators, visible, *, beta: float = 1.0):
        gens = []
        for entry in generators:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError(
                    f"`generators`: expected (pauli, qubits), got {entry!r}."
                )
            pauli, qubits = entry
            if isinstance(qubits, numbers.Integral):
                qubits = (qubits,)
            probe = PauliSum(n).add(1.0, pauli, qubits)  # validates range and letters
            if len(probe) != 1:
                raise ValueError(f"`generators`: {entry!r} is the identity.")
            _, p, q = probe.terms[0]
            gens.append((p, q))
        if not gens:
            raise ValueError("`generators` must not be empty.")
        self.n = n
        self.generators = tuple(gens)
        self.visible = check_labels(visible, "visible", allow_empty=False)
        bad = [q for q in self.visible if q >= n]
        if bad:
            raise ValueError(f"`visible` qubits {bad} out of range for {n} qubits.")
        self.beta = check_real(beta, "beta")
        if self.beta < 0:
            raise ValueError(f"`beta` must be >= 0, got {beta}.")

    @classmethod
    def from_hamiltonian(cls, H: PauliSum, visible, *, beta: float = 1.0):
        """One parameter per term of ``H``; returns ``(qbm, theta)`` with ``H(theta) = H``."""
        H.require_terms("H")
        qbm = cls(H.n, [(p, q) for _, p, q in H.terms], visible, beta=beta)
        return qbm, np.array([c for c, _, _ in H.terms])

    @property
    def num_parameters(self) -> int:
        return len(self.generators)

    @property
    def hidden(self) -> tuple[int, ...]:
        return tuple(q for q in range(self.n) if q not in self.visible)

    def check_theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta)
        if np.iscomplexobj(theta):
            raise TypeError("`theta` must be real.")
        theta = theta.astype(float)
        if theta.shape != (self.num_parameters,):
            raise ValueError(
                f"`theta` must have shape ({self.num_parameters},), got {theta.shape}."
            )
        if not np.all(np.isfinite(theta)):
            raise ValueError("`theta` must be finite.")
        return theta

    def hamiltonian(self, theta) -> PauliSum:
        theta = self.check_theta(theta)
        H = PauliSum(self.n)
        for t, (p, q) in zip(theta, self.generators):
            H.add(float(t), p, q)
        return H
