"""Observables and cost functions: sums of products of one-qubit operators.

An :class:`Observable` is :math:`O = c_0 + \\sum_t c_t \\bigotimes_{q \\in S_t} O^{(t)}_q`
with real coefficients and Hermitian 2x2 factors. This covers Pauli sums and
the cost functions of dissipative perceptron QNNs (arXiv:2005.12458), whose
targets are product states:

- global cost (its eq. 3): :math:`O^G = 1 - \\bigotimes_j |\\psi_j\\rangle\\langle\\psi_j|`;
- local cost (its eq. 4):
  :math:`O^L = 1 - \\frac{1}{n_{out}} \\sum_j |\\psi_j\\rangle\\langle\\psi_j|_j`.

Observables are pure data; states evaluate them (:func:`tnbp.expectation_value`).
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from ._checks import check_labels, check_real
from .paulis import PAULI_MATRICES, check_pauli

_KET = {
    "0": np.array([1, 0], dtype=complex),
    "1": np.array([0, 1], dtype=complex),
    "+": np.array([1, 1], dtype=complex) / np.sqrt(2),
    "-": np.array([1, -1], dtype=complex) / np.sqrt(2),
}


@dataclasses.dataclass(frozen=True, eq=False)
class Term:
    """``coeff * prod_q ops[q]`` on the listed qubits (2x2 Hermitian factors)."""

    coeff: float
    qubits: tuple[int, ...]
    ops: tuple[np.ndarray, ...]

    def as_dict(self) -> dict[int, np.ndarray]:
        return dict(zip(self.qubits, self.ops))


@dataclasses.dataclass(frozen=True, eq=False)
class Observable:
    """A Hermitian observable :math:`c_0 + \\sum_t c_t \\bigotimes_q O^{(t)}_q`.

    Build one with :func:`pauli_sum`, :func:`global_cost` or :func:`local_cost`,
    or pass a ``[(coeff, "ZZ", (i, j)), ...]`` list wherever an observable is taken.
    """

    terms: tuple[Term, ...]
    constant: float = 0.0
    label: str = "observable"

    @property
    def support(self) -> tuple[int, ...]:
        """Sorted qubits some term acts on."""
        return tuple(sorted({q for t in self.terms for q in t.qubits}))

    def relabeled(self, labels) -> Observable:
        """The same terms (constant dropped) on qubits renumbered by position in ``labels``.

        Qubit ``labels[r]`` becomes qubit ``r`` (see :meth:`tnbp.Circuit.restrict`).
        """
        rel = {q: r for r, q in enumerate(labels)}
        terms = tuple(
            Term(t.coeff, tuple(rel[q] for q in t.qubits), t.ops) for t in self.terms
        )
        return Observable(terms, 0.0, self.label)

    def check(self, n: int, *, name: str = "observable") -> Observable:
        """Raise ``ValueError`` if a term acts outside an ``n``-qubit register."""
        bad = [q for q in self.support if q >= n]
        if bad:
            raise ValueError(
                f"`{name}` acts on qubit(s) {bad}, out of range for {n} qubits."
            )
        return self


def pauli_sum(terms, *, constant: float = 0.0, name: str = "observable") -> Observable:
    """:math:`\\sum_t c_t P_t` from ``[(coeff, pauli, qubits), ...]``.

    Examples
    --------
    >>> obs = pauli_sum([(1.0, "ZZ", (3, 4)), (0.5, "X", (0,))])
    >>> obs.support
    (0, 3, 4)
    """
    if isinstance(terms, (str, bytes)) or not hasattr(terms, "__iter__"):
        raise TypeError(f"`{name}` must be a list of (coeff, pauli, qubits) tuples.")
    out = []
    for entry in terms:
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise TypeError(
                f"`{name}`: each term must be (coeff, pauli, qubits), got {entry!r}."
            )
        coeff, pauli, qubits = entry
        coeff = check_real(coeff, name)
        if isinstance(qubits, numbers.Integral):
            qubits = (qubits,)
        qubits = check_labels(qubits, name, allow_empty=False)
        pauli = check_pauli(pauli, len(qubits), name=name)
        kept = [(q, PAULI_MATRICES[p]) for p, q in zip(pauli, qubits) if p != "I"]
        if not kept:
            constant += coeff
            continue
        qs, ops = zip(*kept)
        out.append(Term(coeff, tuple(qs), tuple(ops)))
    if not out and constant == 0:
        raise ValueError(f"`{name}` has no terms.")
    return Observable(tuple(out), float(constant), "pauli_sum")


def _projectors(qubits, target, name: str):
    qubits = check_labels(qubits, "qubits", allow_empty=False)
    if target is None:
        target = "0" * len(qubits)
    if (
        not isinstance(target, str)
        or len(target) != len(qubits)
        or set(target) - set(_KET)
    ):
        raise ValueError(
            f"`{name}` must be a string of one of {sorted(_KET)} per qubit "
            f"({len(qubits)}), got {target!r}."
        )
    return qubits, [np.outer(_KET[c], _KET[c].conj()) for c in target]


def global_cost(qubits, target: str | None = None) -> Observable:
    """:math:`O^G = 1 - \\bigotimes_j |\\psi_j\\rangle\\langle\\psi_j|` (arXiv:2005.12458, eq. 3).

    Parameters
    ----------
    qubits : sequence of int
        The output qubits.
    target : str, optional
        The product target state, one of ``0 1 + -`` per qubit (default all ``0``).
    """
    qubits, projs = _projectors(qubits, target, "target")
    return Observable((Term(-1.0, qubits, tuple(projs)),), 1.0, "global_cost")


def local_cost(qubits, target: str | None = None) -> Observable:
    """Local cost of arXiv:2005.12458, eq. 4.

    :math:`O^L = 1 - \\frac{1}{n}\\sum_j |\\psi_j\\rangle\\langle\\psi_j|_j`;
    parameters as for :func:`global_cost`.
    """
    qubits, projs = _projectors(qubits, target, "target")
    w = -1.0 / len(qubits)
    return Observable(
        tuple(Term(w, (q,), (P,)) for q, P in zip(qubits, projs)), 1.0, "local_cost"
    )


def as_observable(obs, n: int, *, name: str = "observable") -> Observable:
    """Accept an :class:`Observable` or a ``(coeff, pauli, qubits)`` list; check its range."""
    if not isinstance(obs, Observable):
        obs = pauli_sum(obs, name=name)
    return obs.check(n, name=name)


@dataclasses.dataclass(frozen=True, eq=False)
class MSELoss:
    """Mean-square loss :math:`\\mathcal{L} = \\tfrac12(\\langle O\\rangle - O_0)^2`.

    The training objective of Liu, Lin and Jiang, "Laziness, barren plateau,
    and noises in machine learning" (Mach. Learn.: Sci. Technol. 2024), eq. (16),
    with residual
    :math:`\\varepsilon = \\langle O\\rangle - O_0`; its gradient is
    :math:`\\varepsilon\\, \\partial\\langle O\\rangle`.
    """

    observable: Observable
    target: float


def mse_loss(observable, target: float, *, n: int | None = None) -> MSELoss:
    """:class:`MSELoss` of an observable (or ``(coeff, pauli, qubits)`` list) and a target."""
    obs = observable if isinstance(observable, Observable) else pauli_sum(observable)
    if n is not None:
        obs.check(n)
    return MSELoss(obs, check_real(target, "target"))
