r"""The error budget of Gibbs-state estimates: a truncation part and a Trotter part.

Every estimator that accepts a Gibbs state returns an :class:`~tnbp.Estimate`
whose ``error_bound`` is ``truncation_error + trotter_error``.

Truncation part (``truncation_error``)
    From the discarded weight of the purification, *all* of it: every SVD of
    the run that dropped singular values, with its relative weight
    :math:`\epsilon_t` (no noise floor). Within a layer of disjoint gates the
    truncations remove mutually orthogonal parts, and across layers they add
    up coherently in imaginary time (doubling the number of SVDs at a fixed
    cutoff doubles the error), so the normalized purification is within

    .. math::

        T = \sum_\ell \sqrt{\textstyle\sum_{t \in \ell} \epsilon_t}

    of the untruncated one (``state.truncation_distance``; first order, the
    later evolution assumed not to amplify what was removed), and the Gibbs
    state is no further in trace distance. Each quantity converts :math:`T` by
    its own inequality: Pauli expectations move by at most :math:`2T`, the
    energy by :math:`2\sigma_H T + 2T^2\sum_t |c_t|`
    (:func:`tnbp.thermal_energy`), :math:`\ln Z` by :math:`-2\ln(1 - T)`
    (:func:`tnbp.log_partition`), the entropies by the Fannes-Audenaert bound
    (:mod:`tnbp.estimators.estimate`).

Trotter part (``trotter_error``)
    From a Richardson pair: :func:`~tnbp.gibbs_state` (``richardson=True``)
    prepares a companion with a different number of Trotter steps
    (``state.companion``), the estimator evaluates its quantity :math:`v` on
    both, and

    .. math::

        \mathrm{trotter\_error} = f\,|v - v_c|,

    with :math:`f` = ``state.trotter_factor``
    (:func:`~tnbp.states.gibbs.purified.richardson_factor`: at most 1/3 at
    order 4 and 1 at order 2 for the default companion with half the steps).
    For an array the largest difference over its entries is used. Exact
    states (dense, or no Trotter splitting) have ``trotter_error = 0``; a
    purified state without companion has NaN (unknown).

Total. The difference :math:`v - v_c` also carries the true truncation
errors :math:`\tau, \tau_c` of the two values, so the Trotter error is at
most :math:`f(|v - v_c| + |\tau| + |\tau_c|)`, and the whole error at most
:math:`|\tau| + f(|v - v_c| + |\tau| + |\tau_c|)`. ``error_bound`` :math:`=
t + f|v - v_c|` covers it whenever the truncation bound :math:`t` exceeds
:math:`(1 + 2f)` times the true truncation errors (5/3 at order 4, 3 at order
2); on random XX chains (``tests/states/gibbs/test_error_budget.py``) it
exceeds them 50 to a few hundred times.

References
----------
.. [1] L. F. Richardson, "The deferred approach to the limit", Phil. Trans.
   R. Soc. A 226, 299 (1927).
.. [2] K. M. R. Audenaert, "A sharp Fannes-type inequality for the von Neumann
   entropy", J. Phys. A 40, 8127 (2007), arXiv:quant-ph/0610146.
"""

from __future__ import annotations

import contextvars
import functools
import math
import warnings

import numpy as np

from ..states.gibbs.base import GibbsState
from ..states.record import TruncationWarning
from .estimate import Estimate, EstimateArray

#: True while an estimator runs on a Richardson companion, whose bounds are unused.
_COMPANION_PASS = contextvars.ContextVar("tnbp_companion_pass", default=False)


def companion_pass() -> bool:
    """Whether the running estimator evaluates a Richardson companion.

    Only the companion's value is used, so estimators may skip costly
    truncation bounds (:func:`tnbp.thermal_energy` skips the energy variance).

    Returns
    -------
    bool
        True inside :func:`with_trotter_error`'s evaluation of the companion.
    """
    return _COMPANION_PASS.get()


def with_trotter_error(estimator):
    r"""Give an estimator the Trotter part of the error budget of Gibbs states.

    The wrapped estimator runs as before; when its first argument is a
    :class:`~tnbp.GibbsState` with a Trotter error, it also runs on the
    state's companion (its warnings silenced: the state's own were emitted)
    and the result gets ``trotter_error`` :math:`f|v - v_c|` (module
    docstring).

    Parameters
    ----------
    estimator : callable
        ``estimator(state, *args, **kwargs)`` returning an
        :class:`~tnbp.Estimate` or :class:`~tnbp.estimators.estimate.EstimateArray`.

    Returns
    -------
    callable
        The estimator with the same signature and docstring.
    """

    @functools.wraps(estimator)
    def wrapper(state, *args, **kwargs):
        result = estimator(state, *args, **kwargs)
        if not isinstance(state, GibbsState) or state.trotter_factor == 0:
            return result
        factor = state.trotter_factor
        trotter = math.nan
        if not math.isnan(factor):
            token = _COMPANION_PASS.set(True)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", TruncationWarning)
                    other = estimator(state.companion, *args, **kwargs)
            finally:
                _COMPANION_PASS.reset(token)
            diff = np.max(np.abs(np.asarray(result) - np.asarray(other)))
            trotter = factor * float(diff)
        if isinstance(result, EstimateArray):
            return EstimateArray(
                np.asarray(result), result.caveats, result.truncation_error, trotter
            )
        return Estimate(float(result), result.caveats, result.truncation_error, trotter)

    return wrapper
