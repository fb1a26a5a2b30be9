r"""Operators that states are measured with: sums of products of one-qubit operators.

An :class:`Observable` is :math:`O = c_0 + \sum_t c_t \bigotimes_{q \in S_t} O^{(t)}_q`
with real coefficients and Hermitian 2x2 factors: Pauli sums, and the cost
functions of :mod:`tnbp.observables` (projectors onto product targets).

Observables are pure data; states evaluate them (:func:`tnbp.expectation_value`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._checks import check_labels, check_real
from .paulis import PAULI_MATRICES, PauliTerm, as_pauli_term


@dataclasses.dataclass(frozen=True, eq=False)
class Term:
    r"""One product term :math:`c \bigotimes_{q} O_q` on the listed qubits.

    A frozen dataclass; the factors are Hermitian 2x2 matrices (Pauli matrices
    for a Pauli term, projectors for the costs of :mod:`tnbp.observables`).

    Attributes
    ----------
    coeff : float
        The real coefficient :math:`c`.
    qubits : tuple of int
        Distinct qubits, one per factor, in the order of ``ops``.
    ops : tuple of numpy.ndarray
        The factors :math:`O_q`, Hermitian 2x2 matrices (to :math:`10^{-12}`
        of their largest entry).

    Raises
    ------
    TypeError
        If ``coeff`` is not a real number or ``qubits`` not integers.
    ValueError
        If ``coeff`` is not finite, ``qubits`` is empty or repeats a qubit, or
        ``ops`` does not hold one Hermitian 2x2 matrix per qubit.
    """

    coeff: float
    qubits: tuple[int, ...]
    ops: tuple[np.ndarray, ...]

    def __post_init__(self):
        # a hand-built term is checked once here: every bound and estimator
        # downstream (bounds(), expectation values) assumes these properties
        object.__setattr__(self, "coeff", check_real(self.coeff, "coeff"))
        qubits = check_labels(self.qubits, "qubits", allow_empty=False)
        object.__setattr__(self, "qubits", qubits)
        ops = tuple(np.asarray(op) for op in self.ops)
        if len(ops) != len(qubits):
            raise ValueError(
                f"`ops` must hold one factor per qubit: {len(ops)} factors for "
                f"qubits {qubits}."
            )
        for k, op in enumerate(ops):
            if op.shape != (2, 2) or op.dtype.kind not in "iufc":
                raise ValueError(
                    f"`ops[{k}]` must be a 2x2 numeric matrix, got shape {op.shape}."
                )
            if not np.allclose(
                op, op.conj().T, rtol=0, atol=1e-12 * max(1.0, np.abs(op).max())
            ):
                raise ValueError(f"`ops[{k}]` must be Hermitian.")
        object.__setattr__(self, "ops", ops)

    @classmethod
    def from_pauli(cls, term: PauliTerm) -> Term:
        """The product operator of a (non-identity) canonical Pauli term.

        Parameters
        ----------
        term : PauliTerm
            A term from :func:`~tnbp.models.paulis.pauli_term`.

        Returns
        -------
        Term
            ``term.coeff`` times the Pauli matrices of ``term.pauli`` on
            ``term.qubits``.
        """
        return cls(
            term.coeff, term.qubits, tuple(PAULI_MATRICES[p] for p in term.pauli)
        )

    def as_dict(self) -> dict[int, np.ndarray]:
        """The factors keyed by qubit, the form :meth:`tnbp.State.expectation_product` takes.

        Returns
        -------
        dict of int to numpy.ndarray of complex128
            ``{qubit: O_q}``, each of shape ``(2, 2)``.
        """
        return dict(zip(self.qubits, self.ops))


@dataclasses.dataclass(frozen=True, eq=False)
class Observable:
    r"""A Hermitian observable :math:`c_0 + \sum_t c_t \bigotimes_q O^{(t)}_q`.

    Build one with :func:`pauli_sum` or a cost of :mod:`tnbp.observables`,
    or pass a ``[(coeff, "ZZ", (i, j)), ...]`` list wherever an observable is taken.
    A frozen dataclass; it checks nothing itself.

    Attributes
    ----------
    terms : tuple of Term
        The product terms.
    constant : float
        :math:`c_0`, the coefficient of the identity.
    label : str
        A name for display and result tables.
    """

    terms: tuple[Term, ...]
    constant: float = 0.0
    label: str = "observable"

    @property
    def support(self) -> tuple[int, ...]:
        """Sorted qubits some term acts on."""
        return tuple(sorted({q for t in self.terms for q in t.qubits}))

    def bounds(self) -> tuple[float, float]:
        r"""An interval :math:`[\ell, u]` that contains every expectation value.

        Each term's factors are Hermitian, so its eigenvalues are
        :math:`c_t \prod_q \lambda_q` with :math:`\lambda_q` in the spectral
        interval of :math:`O^{(t)}_q`: the term lies in the interval product of
        those intervals, and :math:`O` in :math:`c_0` plus the sum of the terms'
        intervals. For Pauli terms that is :math:`c_0 \pm \sum_t |c_t|`; for
        the costs of eqs. (3)-(4) of arXiv:2005.12458 (projector terms) it is
        :math:`[0, 1]`, where the norm bound gives :math:`[0, 2]`.

        Returns
        -------
        tuple of float
            ``(lower, upper)``, in the units of the coefficients.
        """
        lower = upper = self.constant
        for t in self.terms:
            lo = hi = t.coeff
            for op in t.ops:
                a, b = np.linalg.eigvalsh(op)[[0, -1]]
                ends = (lo * a, lo * b, hi * a, hi * b)
                lo, hi = min(ends), max(ends)
            lower += lo
            upper += hi
        return float(lower), float(upper)

    def relabeled(self, labels) -> Observable:
        """The same terms (constant dropped) on qubits renumbered by position in ``labels``.

        Qubit ``labels[r]`` becomes qubit ``r`` (see :meth:`tnbp.Circuit.restrict`).

        Parameters
        ----------
        labels : sequence of int
            The original qubit of each new index; must contain :attr:`support`.

        Returns
        -------
        Observable
            The relabelled terms with ``constant = 0`` and the same label.
        """
        rel = {q: r for r, q in enumerate(labels)}
        terms = tuple(
            Term(t.coeff, tuple(rel[q] for q in t.qubits), t.ops) for t in self.terms
        )
        return Observable(terms, 0.0, self.label)

    def check(self, n: int, *, name: str = "observable") -> Observable:
        """Check that every term acts inside an ``n``-qubit register.

        Parameters
        ----------
        n : int
            Number of qubits of the state.
        name : str, optional
            The argument the observable was passed as, for the message.

        Returns
        -------
        Observable
            ``self``.

        Raises
        ------
        ValueError
            If a term acts on a qubit ``>= n``.
        """
        bad = [q for q in self.support if q >= n]
        if bad:
            raise ValueError(
                f"`{name}` acts on qubit(s) {bad}, out of range for {n} qubits."
            )
        return self


def pauli_sum(terms, *, constant: float = 0.0, name: str = "observable") -> Observable:
    r""":math:`c_0 + \sum_t c_t P_t` from ``[(coeff, pauli, qubits), ...]``.

    Each entry is parsed by :func:`~tnbp.models.paulis.pauli_term` (identity
    letters dropped, letters ordered by qubit); all-identity entries add to
    the constant. Terms with a zero coefficient are kept (they still count
    in :attr:`Observable.support`).

    Parameters
    ----------
    terms : iterable of (coeff, pauli, qubits)
        Real coefficients, Pauli strings and the qubits they act on.
    constant : float, optional
        :math:`c_0`.
    name : str, optional
        The argument to name in error messages.

    Returns
    -------
    Observable
        Labelled ``"pauli_sum"``.

    Raises
    ------
    TypeError
        If ``terms`` is not an iterable of 3-tuples, or a part has the wrong type.
    ValueError
        If a part has a bad value, or there is neither a term nor a constant.

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
        term = as_pauli_term(entry, name=name)
        if term.is_identity:
            constant += term.coeff
        else:
            out.append(Term.from_pauli(term))
    if not out and constant == 0:
        raise ValueError(f"`{name}` has no terms.")
    return Observable(tuple(out), float(constant), "pauli_sum")


def as_observable(obs, n: int, *, name: str = "observable") -> Observable:
    """Accept an :class:`Observable` or a ``(coeff, pauli, qubits)`` list; check its range.

    Parameters
    ----------
    obs : Observable or iterable of (coeff, pauli, qubits)
        The observable, or the terms of a Pauli sum (see :func:`pauli_sum`).
    n : int
        Number of qubits of the state.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    Observable
        ``obs`` itself, or the Pauli sum it lists.

    Raises
    ------
    TypeError
        If ``obs`` is neither an Observable nor a list of 3-tuples, or a part
        has the wrong type.
    ValueError
        If a term has a bad value or acts outside ``0..n-1``, or there is
        neither a term nor a constant.
    """
    if not isinstance(obs, Observable):
        obs = pauli_sum(obs, name=name)
    return obs.check(n, name=name)
