r"""Quantum Boltzmann machines: trainable Hamiltonians with visible qubits (the model).

A :class:`QBM` is :math:`H(\theta) = \sum_k \theta_k P_k` with Pauli-string
generators :math:`P_k`, an inverse temperature :math:`\beta` and a set of
visible qubits (arXiv:2010.15968, Sec. V). It is pure data: its Gibbs state
comes from :func:`tnbp.gibbs_state`, and its objectives and gradients from
:mod:`tnbp.qbm`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_beta, check_int, check_qubits
from .hamiltonian import PauliSum
from .paulis import pauli_term


class QBM:
    r""":math:`H(\theta) = \sum_k \theta_k P_k` on ``n`` qubits with visible qubits.

    Parameters
    ----------
    n : int
    generators : sequence of (pauli, qubits)
        The Pauli strings :math:`P_k`, one per parameter, parsed like the
        terms of a :class:`~tnbp.PauliSum` (identity letters dropped, letters
        ordered by qubit); :attr:`generators` holds them in that form.
    visible : sequence of int
        The visible qubits (the rest are hidden).
    beta : float, optional
        Inverse temperature of the model state, finite and >= 0.

    Raises
    ------
    TypeError
        If a generator is not a ``(pauli, qubits)`` pair, or an argument has
        the wrong type.
    ValueError
        If ``generators`` is empty, a generator is the identity or acts outside
        the register, ``visible`` is empty, repeated or out of range, or
        ``beta`` is negative or not finite.
    """

    def __init__(self, n: int, generators, visible, *, beta: float = 1.0):
        n = check_int(n, "n", minimum=1)
        gens = []
        for entry in generators:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError(
                    f"`generators`: expected (pauli, qubits), got {entry!r}."
                )
            term = pauli_term(1.0, *entry, n=n, name="generators")
            if term.is_identity:
                raise ValueError(f"`generators`: {entry!r} is the identity.")
            gens.append((term.pauli, term.qubits))
        if not gens:
            raise ValueError("`generators` must not be empty.")
        self.n = n
        self.generators = tuple(gens)
        self.visible = check_qubits(visible, n, name="visible")
        self.beta = check_beta(beta)

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
