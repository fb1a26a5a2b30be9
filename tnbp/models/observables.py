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
from ..limits import NORMALIZATION_ATOL
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
    "product_state",
]

_KET = {
    "0": np.array([1, 0], dtype=complex),
    "1": np.array([0, 1], dtype=complex),
    "+": np.array([1, 1], dtype=complex) / np.sqrt(2),
    "-": np.array([1, -1], dtype=complex) / np.sqrt(2),
}


def product_state(state, n: int, *, name: str = "target") -> np.ndarray:
    r"""Validate a product state :math:`\bigotimes_j |\psi_j\rangle` of ``n`` qubits.

    Parameters
    ----------
    state : str or array_like
        One of ``0 1 + -`` per qubit (``"0+1"``), or an ``(n, 2)`` array whose
        row ``j`` is the normalized ket :math:`|\psi_j\rangle` of qubit ``j``.
    n : int
        Number of qubits.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    numpy.ndarray of complex128, shape (n, 2)
        The kets, one row per qubit (a new array), normalized to rounding.

    Raises
    ------
    TypeError
        If ``state`` is neither a string nor a numeric array.
    ValueError
        If ``state`` does not describe ``n`` qubits, a string has characters
        other than ``0 1 + -``, or a ket is not finite or not normalized to
        within :data:`~tnbp.limits.NORMALIZATION_ATOL`.

    Examples
    --------
    >>> product_state("0+", 2).round(3).tolist()
    [[(1+0j), 0j], [(0.707+0j), (0.707+0j)]]
    """
    if isinstance(state, str):
        if len(state) != n or set(state) - set(_KET):
            raise ValueError(
                f"`{name}` must be a string of one of {sorted(_KET)} per qubit "
                f"({n}), got {state!r}."
            )
        return np.array([_KET[c] for c in state])
    try:
        raw = np.asarray(state)
        if raw.dtype.kind not in "iufc":  # bools, strings, objects
            raise TypeError(raw.dtype)
        kets = raw.astype(complex)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`{name}` must be a string of 0 1 + - or an ({n}, 2) array of kets, "
            f"got {type(state).__name__}."
        ) from exc
    if kets.shape != (n, 2):
        raise ValueError(
            f"`{name}` must hold one ket per qubit: shape ({n}, 2), got {kets.shape}."
        )
    if not np.all(np.isfinite(kets)):
        raise ValueError(f"`{name}` has non-finite entries.")
    norms = np.linalg.norm(kets, axis=1)
    bad = np.flatnonzero(np.abs(norms - 1) > NORMALIZATION_ATOL)
    if bad.size:
        raise ValueError(
            f"`{name}`: the kets of qubit(s) {bad.tolist()} are not normalized "
            f"(norms {norms[bad].round(6).tolist()})."
        )
    return kets / norms[:, None]  # accepted norms differ from 1 by up to 1e-8


def _projectors(qubits, target, name: str):
    qubits = check_labels(qubits, "qubits", allow_empty=False)
    if target is None:
        target = "0" * len(qubits)
    kets = product_state(target, len(qubits), name=name)
    return qubits, [np.outer(k, k.conj()) for k in kets]


def global_cost(qubits, target=None) -> Observable:
    r""":math:`O^G = 1 - \bigotimes_j |\psi_j\rangle\langle\psi_j|` (arXiv:2005.12458, eq. 3).

    Parameters
    ----------
    qubits : sequence of int
        The output qubits, distinct and non-negative; ``target[j]`` belongs to
        ``qubits[j]``.
    target : str or array_like, optional
        The product target state: one of ``0 1 + -`` per qubit, or an
        ``(n, 2)`` array of normalized kets (see :func:`product_state`);
        default all ``0``.

    Returns
    -------
    Observable
        One product term of projectors with coefficient -1, constant 1,
        labelled ``"global_cost"``; its expectation is in ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``qubits`` is not a sequence of integers, or ``target`` is neither a
        string nor a numeric array.
    ValueError
        If ``qubits`` is empty, repeated or negative, or ``target`` does not
        describe one state per qubit (wrong length, characters other than
        ``0 1 + -``, kets not normalized).

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (3).
    """
    qubits, projs = _projectors(qubits, target, "target")
    return Observable((Term(-1.0, qubits, tuple(projs)),), 1.0, "global_cost")


def local_cost(qubits, target=None) -> Observable:
    r""":math:`O^L = 1 - \frac1n \sum_j |\psi_j\rangle\langle\psi_j|_j` (arXiv:2005.12458, eq. 4).

    Parameters
    ----------
    qubits : sequence of int
        The ``n`` output qubits, distinct and non-negative; ``target[j]``
        belongs to ``qubits[j]``.
    target : str or array_like, optional
        The product target state: one of ``0 1 + -`` per qubit, or an
        ``(n, 2)`` array of normalized kets (see :func:`product_state`);
        default all ``0``.

    Returns
    -------
    Observable
        ``n`` one-qubit projector terms with coefficient ``-1/n``, constant 1,
        labelled ``"local_cost"``; its expectation is in ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``qubits`` is not a sequence of integers, or ``target`` is neither a
        string nor a numeric array.
    ValueError
        If ``qubits`` is empty, repeated or negative, or ``target`` does not
        describe one state per qubit (wrong length, characters other than
        ``0 1 + -``, kets not normalized).

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
