r"""Cost functions of QNNs, as observables or nonlinear losses (the public ``tnbp.observables``).

Linear costs are :class:`~tnbp.models.operators.Observable` instances. The
cost functions of dissipative perceptron QNNs (arXiv:2005.12458) have product
targets :math:`|\psi_1\rangle \otimes \cdots \otimes |\psi_{n}\rangle`:

- global cost (its eq. 3): :math:`O^G = 1 - \bigotimes_j |\psi_j\rangle\langle\psi_j|`;
- local cost (its eq. 4):
  :math:`O^L = 1 - \frac{1}{n_{out}} \sum_j |\psi_j\rangle\langle\psi_j|_j`.

Both vanish exactly on the target and are at most 1; ``C = <O>`` is the
cost. Costs that are nonlinear in the state (:func:`mse_loss`,
:func:`fidelity_cost`) come from :mod:`tnbp.models.losses`; this module
gathers every cost in one namespace.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_labels
from .losses import FidelityCost, MSELoss, fidelity_cost, mse_loss
from .operators import Observable, Term, as_observable, pauli_sum

__all__ = [
    "FidelityCost",
    "MSELoss",
    "Observable",
    "Term",
    "as_observable",
    "fidelity_cost",
    "global_cost",
    "local_cost",
    "mse_loss",
    "pauli_sum",
]

_KET = {
    "0": np.array([1, 0], dtype=complex),
    "1": np.array([0, 1], dtype=complex),
    "+": np.array([1, 1], dtype=complex) / np.sqrt(2),
    "-": np.array([1, -1], dtype=complex) / np.sqrt(2),
}


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
    r""":math:`O^G = 1 - \bigotimes_j |\psi_j\rangle\langle\psi_j|` (arXiv:2005.12458, eq. 3).

    Parameters
    ----------
    qubits : sequence of int
        The output qubits, distinct and non-negative; ``target[j]`` belongs to
        ``qubits[j]``.
    target : str, optional
        The product target state, one of ``0 1 + -`` per qubit (default all ``0``).

    Returns
    -------
    Observable
        One product term of projectors with coefficient -1, constant 1,
        labelled ``"global_cost"``; its expectation is in ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``qubits`` is not a sequence of integers.
    ValueError
        If ``qubits`` is empty, repeated or negative, or ``target`` is not a
        string of ``0 1 + -`` of the same length.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (3).
    """
    qubits, projs = _projectors(qubits, target, "target")
    return Observable((Term(-1.0, qubits, tuple(projs)),), 1.0, "global_cost")


def local_cost(qubits, target: str | None = None) -> Observable:
    r""":math:`O^L = 1 - \frac1n \sum_j |\psi_j\rangle\langle\psi_j|_j` (arXiv:2005.12458, eq. 4).

    Parameters
    ----------
    qubits : sequence of int
        The ``n`` output qubits, distinct and non-negative; ``target[j]``
        belongs to ``qubits[j]``.
    target : str, optional
        The product target state, one of ``0 1 + -`` per qubit (default all ``0``).

    Returns
    -------
    Observable
        ``n`` one-qubit projector terms with coefficient ``-1/n``, constant 1,
        labelled ``"local_cost"``; its expectation is in ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``qubits`` is not a sequence of integers.
    ValueError
        If ``qubits`` is empty, repeated or negative, or ``target`` is not a
        string of ``0 1 + -`` of the same length.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (4).
    """
    qubits, projs = _projectors(qubits, target, "target")
    w = -1.0 / len(qubits)
    return Observable(
        tuple(Term(w, (q,), (P,)) for q, P in zip(qubits, projs)), 1.0, "local_cost"
    )
