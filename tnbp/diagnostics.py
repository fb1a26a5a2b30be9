"""How much an estimate can be trusted.

States carry *caveats*: short codes saying why their numbers may be off. Every
estimator returns an :class:`Estimate` (a ``float``) or :class:`EstimateArray`
(an ``ndarray``) carrying the caveats of the state it came from, and emits a
:class:`TruncationWarning` when there are any. Codes:

``"bond_saturated"``
    Some cut's entropy came within ``margin`` bits of :math:`\\log_2\\chi` with
    its bond at the cap :math:`\\chi` = ``max_bond``: the state is likely
    volume-law and entropies are underestimated. Raise ``max_bond``.
``"truncated"``
    The total discarded weight exceeds ``discard_tol``.
``"auto_not_converged"``
    ``max_bond="auto"`` stopped at its memory cap before the entropies converged.
"""

from __future__ import annotations

import warnings

import numpy as np


class TruncationWarning(UserWarning):
    """An estimate comes from a state whose truncation makes it untrustworthy."""


class Estimate(float):
    """A float with the caveats of the state it was estimated from."""

    caveats: tuple[str, ...]

    def __new__(cls, value, caveats=()):
        obj = super().__new__(cls, value)
        obj.caveats = tuple(caveats)
        return obj

    @property
    def trusted(self) -> bool:
        """True when the estimate has no caveats."""
        return not self.caveats

    def __repr__(self) -> str:
        base = float.__repr__(self)
        return f"{base} [{', '.join(self.caveats)}]" if self.caveats else base

    def __reduce__(self):
        return (Estimate, (float(self), self.caveats))


class EstimateArray(np.ndarray):
    """An ndarray with the caveats of the state it was estimated from."""

    def __new__(cls, values, caveats=()):
        obj = np.asarray(values, dtype=float).view(cls)
        obj.caveats = tuple(caveats)
        return obj

    def __array_finalize__(self, obj):
        self.caveats = getattr(obj, "caveats", ())

    @property
    def trusted(self) -> bool:
        return not self.caveats


def flagged(state, value):
    """Wrap an estimator's result with ``state``'s caveats; warn if there are any."""
    caveats = state.caveats
    if caveats:
        warnings.warn(state.caveat_message(), TruncationWarning, stacklevel=3)
    if np.ndim(value) == 0:
        return Estimate(value, caveats)
    return EstimateArray(value, caveats)
