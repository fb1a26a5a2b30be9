r"""How much an estimate can be trusted.

States carry *caveats*: short codes saying why their numbers may be off. Every
estimator returns an :class:`Estimate` (a ``float``) or :class:`EstimateArray`
(an ``ndarray``) carrying the caveats of the state it came from, and emits a
:class:`TruncationWarning` when there are any. Codes:

``"bond_saturated"``
    Some cut's entropy came within ``margin`` bits of :math:`\log_2\chi` with
    its bond at the cap :math:`\chi` = ``max_bond``: the cap is too small for
    the state (a volume-law state saturates any cap; an area-law state only a
    cap below its plateau) and entropies are underestimated. Raise ``max_bond``.
``"truncated"``
    The total discarded weight exceeds ``discard_tol``.
``"auto_not_converged"``
    ``max_bond="auto"`` stopped at its memory cap before the entropies converged.

Besides caveats, each estimate carries ``truncation_error``: an estimated bound
on its distance from the exact (untruncated) value. A truncation that discards
weight :math:`\epsilon_t` moves a pure state by trace distance
:math:`\sqrt{\epsilon_t}` and unitaries keep distances, so the trace distance
to the exact state is at most :math:`T = \sum_t \sqrt{\epsilon_t}`
(:attr:`tnbp.State.truncation_distance`; not :math:`\sqrt{\sum_t \epsilon_t}`,
which fails when truncations add up coherently, as in many small Trotter
steps); reduced states are no further apart, so

- Pauli expectations move by at most :math:`2T` (Hoelder), an observable
  whose expectations lie in :math:`[\ell, u]` by :math:`T(u - \ell)` (the
  costs of arXiv:2005.12458 eqs. 3-4 by :math:`T`);
- trace distances to :math:`I/D` by at most :math:`T` (triangle inequality);
- purities by at most :math:`4T`;
- von Neumann entropies of :math:`k` qubits (:math:`d = 2^k`) by at most
  :math:`T\log_2(d - 1) + H_2(T)` (Fannes-Audenaert), and Renyi-2 entropies by
  at most :math:`\log_2 \frac{P}{P - 4T}` for purity :math:`P`.

Each bound is then clipped to what the physical range of the quantity allows
(:func:`clip_error`): the exact value lies in ``[lower, upper]`` (entropies of
``k`` qubits in ``[0, k]`` bits, the trace distance to :math:`I/D` in
:math:`[0, 1 - 1/D]`, purities in :math:`[1/D, 1]`, Pauli expectations in
:math:`[-1, 1]`, fidelities in ``[0, 1]``), so no estimate is further from it
than :math:`\max(v - \text{lower}, \text{upper} - v)`. Other Renyi orders
have no continuity bound here: when :math:`T > 0` their ``truncation_error``
is that range bound alone. The fidelity estimate tracks the true fidelity to
within a few percent of the infidelity on random circuits but not for
coherent truncations; the bounds use :math:`T` instead.

Estimates of Gibbs states also carry ``trotter_error``, the Trotter part of
their error budget (:mod:`tnbp.estimators.budget`); ``error_bound`` is the
total, ``truncation_error + trotter_error``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..states.record import TruncationWarning

__all__ = [
    "Estimate",
    "EstimateArray",
    "TruncationWarning",
    "clip_error",
    "entropy_error",
    "fidelity_error",
    "flagged",
]


class Estimate(float):
    """A float with the caveats and truncation error of the state it came from.

    Every scalar estimator (:func:`tnbp.entropy`, :func:`tnbp.expectation`, ...)
    returns one; it behaves as the plain ``float`` ``value`` in arithmetic.

    Parameters
    ----------
    value : float
        The estimate.
    caveats : sequence of str, optional
        Caveat codes of the state it came from (see :mod:`tnbp.estimators.estimate`);
        empty when the state is trusted.
    truncation_error : float, optional
        Bound on ``|value - exact value|`` from truncation, in the units of
        ``value`` (0 for an untruncated state, NaN when no bound is known).
    trotter_error : float, optional
        Bound on ``|value - exact value|`` from the Trotter splitting of a
        Gibbs state (0 for other states, NaN when unknown; see
        :mod:`tnbp.estimators.budget`).

    Attributes
    ----------
    caveats : tuple of str
        The caveat codes.
    truncation_error : float
        The truncation-error bound.
    trotter_error : float
        The Trotter-error bound.

    Examples
    --------
    >>> e = Estimate(0.5, ("truncated",), 0.01)
    >>> e + 1, e.trusted
    (1.5, False)
    >>> e
    0.5 +- 0.01 [truncated]
    >>> Estimate(-1.25, (), 0.01, 0.002).error_bound
    0.012
    """

    caveats: tuple[str, ...]
    truncation_error: float
    trotter_error: float

    def __new__(cls, value, caveats=(), truncation_error=0.0, trotter_error=0.0):
        """Create the estimate (see the class docstring for the parameters)."""
        obj = super().__new__(cls, value)
        obj.caveats = tuple(caveats)
        obj.truncation_error = float(truncation_error)
        obj.trotter_error = float(trotter_error)
        return obj

    @property
    def trusted(self) -> bool:
        """Whether the estimate has no caveats."""
        return not self.caveats

    @property
    def error_bound(self) -> float:
        """Total bound on ``|value - exact value|``: truncation plus Trotter part."""
        return self.truncation_error + self.trotter_error

    def __repr__(self) -> str:
        base = float.__repr__(self)
        if self.error_bound:
            base += f" +- {self.error_bound:.2g}"
        return f"{base} [{', '.join(self.caveats)}]" if self.caveats else base

    def __reduce__(self):
        return (
            Estimate,
            (float(self), self.caveats, self.truncation_error, self.trotter_error),
        )


class EstimateArray(np.ndarray):
    """An ndarray with caveats and one truncation-error bound valid for every entry.

    Returned by estimators of many values at once (:func:`tnbp.entropy_profile`);
    slices and views keep the caveats and the bound. Arithmetic, ufuncs and
    reductions give plain arrays and floats, as :class:`Estimate` gives plain
    floats: a bound valid for each entry is not one for a derived value (the
    sum of ``k`` entries can be off by ``k`` times it), so none is claimed.

    Parameters
    ----------
    values : array_like of float
        The estimates; stored as float64, any shape.
    caveats : sequence of str, optional
        Caveat codes of the state they came from; empty when trusted.
    truncation_error : float, optional
        Bound on ``|values[i] - exact value|`` valid for every ``i``.
    trotter_error : float, optional
        Trotter-error bound valid for every entry (Gibbs states; 0 otherwise).

    Attributes
    ----------
    caveats : tuple of str
        The caveat codes.
    truncation_error : float
        The truncation-error bound, common to all entries.
    trotter_error : float
        The Trotter-error bound, common to all entries.

    Examples
    --------
    >>> a = EstimateArray([1.0, 2.0, 3.0], ("bond_saturated",), 0.5)
    >>> a[1:].caveats, a[1:].truncation_error
    (('bond_saturated',), 0.5)
    >>> type(a.sum()), type(a - 1.0)
    (<class 'numpy.float64'>, <class 'numpy.ndarray'>)
    """

    def __new__(cls, values, caveats=(), truncation_error=0.0, trotter_error=0.0):
        """Create the array (see the class docstring for the parameters)."""
        obj = np.asarray(values, dtype=float).view(cls)
        obj.caveats = tuple(caveats)
        obj.truncation_error = float(truncation_error)
        obj.trotter_error = float(trotter_error)
        return obj

    def __array_finalize__(self, obj):
        self.caveats = getattr(obj, "caveats", ())
        self.truncation_error = getattr(obj, "truncation_error", 0.0)
        self.trotter_error = getattr(obj, "trotter_error", 0.0)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """Compute on the plain values: derived numbers carry no bound."""
        inputs = [
            x.view(np.ndarray) if isinstance(x, EstimateArray) else x for x in inputs
        ]
        if "out" in kwargs:
            kwargs["out"] = tuple(
                x.view(np.ndarray) if isinstance(x, EstimateArray) else x
                for x in kwargs["out"]
            )
        return getattr(ufunc, method)(*inputs, **kwargs)

    @property
    def trusted(self) -> bool:
        """Whether the estimates have no caveats."""
        return not self.caveats

    @property
    def error_bound(self) -> float:
        """Total bound valid for every entry: truncation plus Trotter part."""
        return self.truncation_error + self.trotter_error


def flagged(state, value, truncation_error: float = 0.0):
    """Wrap an estimator's result with ``state``'s caveats; warn if there are any.

    Parameters
    ----------
    state : State
        The state the value was read from.
    value : float or array_like of float
        The estimator's result.
    truncation_error : float, optional
        Bound on its distance from the exact value.

    Returns
    -------
    Estimate or EstimateArray
        An :class:`Estimate` for a scalar ``value``, else an
        :class:`EstimateArray` of the same shape.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats, with :meth:`tnbp.State.caveat_message`.
    """
    caveats = state.caveats
    if caveats:
        warnings.warn(state.caveat_message(), TruncationWarning, stacklevel=3)
    if np.ndim(value) == 0:
        return Estimate(value, caveats, truncation_error)
    return EstimateArray(value, caveats, truncation_error)


def _h2(x: float) -> float:
    if x <= 0 or x >= 1:
        return 0.0
    return float(-x * np.log2(x) - (1 - x) * np.log2(1 - x))


def entropy_error(T: float, num_qubits: int, alpha: float = 1.0, purity=None) -> float:
    r"""Bound on the change of the entropy of ``num_qubits`` qubits at trace distance ``T``.

    For :math:`d = 2^k` and reduced states at trace distance :math:`T`,

    .. math::

        |S_1(\rho) - S_1(\sigma)| \le T \log_2(d - 1) + H_2(T)
        \quad (T < 1 - 1/d), \qquad
        |S_2(\rho) - S_2(\sigma)| \le \log_2 \frac{P}{P - 4T},

    with :math:`H_2` the binary entropy and :math:`P` the purity of the state
    the Renyi-2 entropy was computed from (purities differ by at most
    :math:`\|\rho - \sigma\|_1 \|\rho + \sigma\|_\infty \le 4T`). Both are
    capped at the trivial bound ``k``.

    Parameters
    ----------
    T : float
        Trace distance :math:`\tfrac12\|\rho - \sigma\|_1` between the exact
        and the truncated state, in ``[0, 1]``.
    num_qubits : int
        Number of qubits ``k`` of the subsystem (for a pure state, the smaller
        of the subsystem and its complement).
    alpha : float, optional
        Renyi order; only 1 and 2 have a bound.
    purity : float, optional
        Purity :math:`P` of the reduced state, needed for ``alpha = 2``.

    Returns
    -------
    float
        The bound in bits: 0 when ``T`` or ``num_qubits`` is 0, NaN when no
        bound is known (other orders, or ``alpha = 2`` without ``purity``).

    References
    ----------
    .. [1] K. M. R. Audenaert, "A sharp Fannes-type inequality for the von
       Neumann entropy", J. Phys. A 40, 8127 (2007), arXiv:quant-ph/0610146
       (the inequality of its abstract).
    .. [2] M. Fannes, "A continuity property of the entropy density for spin
       lattice systems", Commun. Math. Phys. 31, 291 (1973).
    """
    if T == 0 or num_qubits == 0:
        return 0.0
    if alpha == 1.0:
        d = 2.0**num_qubits
        if T >= 1 - 1 / d:
            return float(num_qubits)
        return min(float(num_qubits), T * np.log2(d - 1) + _h2(T))
    if alpha == 2.0 and purity is not None:
        low = purity - 4 * T
        return (
            float(num_qubits)
            if low <= 0
            else min(num_qubits, float(np.log2(purity / low)))
        )
    return float("nan")


def fidelity_error(T: float, *, pure_target: bool) -> float:
    r"""Bound on the change of a fidelity with a fixed target at trace distance ``T``.

    For a pure target :math:`|t\rangle`, :math:`F = \langle t|\rho|t\rangle`
    is the expectation of a projector and moves by at most :math:`T`. For a
    mixed target the purified distance :math:`P(\rho, \sigma) = \sqrt{1 -
    F(\rho, \sigma)}` is a metric, and :math:`\sqrt{F(\rho, \rho')} \ge 1 - T`
    (Fuchs-van de Graaf), so

    .. math::

        |F(\rho, \sigma) - F(\rho', \sigma)|
        = |P' - P|\,(P' + P) \le 2\sqrt{T(2 - T)},

    capped at 1. (:math:`T` alone is not a bound there: :math:`\rho =
    |0\rangle\langle 0|` and :math:`\rho' = \mathrm{diag}(0.99, 0.01)` are at
    :math:`T = 0.01`, yet their fidelities with :math:`I/2` differ by 0.0995.)

    Parameters
    ----------
    T : float
        Trace distance :math:`\tfrac12\|\rho - \rho'\|_1` between the exact and
        the truncated reduced state, in ``[0, 1]``.
    pure_target : bool
        Whether the target :math:`\sigma` is a pure state.

    Returns
    -------
    float
        The bound (dimensionless, in ``[0, 1]``).

    References
    ----------
    .. [1] M. Tomamichel, R. Colbeck and R. Renner, "Duality between smooth
       min- and max-entropies", IEEE Trans. Inf. Theory 56, 4674 (2010),
       arXiv:0907.5238 (the purified distance is a metric).
    .. [2] C. A. Fuchs and J. van de Graaf, "Cryptographic distinguishability
       measures for quantum-mechanical states", IEEE Trans. Inf. Theory 45,
       1216 (1999), arXiv:quant-ph/9712042.
    """
    if T <= 0:
        return 0.0
    if pure_target:
        return min(1.0, float(T))
    return min(1.0, 2.0 * float(np.sqrt(T * (2.0 - T))))


def clip_error(bound: float, value: float, lower: float, upper: float) -> float:
    r"""Clip an error bound to the largest error the physical range allows.

    The exact value lies in ``[lower, upper]``, so whatever the truncation the
    estimate ``value`` is off by at most :math:`\max(v - \ell, u - v)`; the
    reported bound is

    .. math::

        \min\big(\text{bound},\ \max(v - \ell,\ u - v)\big),

    the smallest symmetric error bar :math:`v \pm b` that both holds and does
    not reach beyond the range on both sides. Every estimator applies it to
    its truncation bound (see the module docstring for the ranges).

    Parameters
    ----------
    bound : float
        The bound from an inequality (``>= 0``); ``inf`` or NaN when no
        inequality gives one, so the physical range alone bounds the error.
    value : float
        The estimate.
    lower, upper : float
        The physical range of the exact value, ``lower <= upper``.

    Returns
    -------
    float
        The clipped bound, in the units of ``value``.

    Examples
    --------
    A trace distance to :math:`I/4` (at most 0.75) estimated as 0.01 with a
    bound of 1.0, and a 30-qubit entropy of 6.2 bits with a bound of 30:

    >>> round(clip_error(1.0, 0.01, 0.0, 0.75), 12)
    0.74
    >>> round(clip_error(30.0, 6.2, 0.0, 30.0), 12)
    23.8
    >>> clip_error(0.05, 0.5, 0.0, 1.0)  # a bound inside the range stays
    0.05
    >>> clip_error(float("nan"), 0.25, 0.0, 1.0)  # no inequality: the range
    0.75
    """
    widest = max(value - lower, upper - value)
    return float(widest if np.isnan(bound) else min(bound, widest))
