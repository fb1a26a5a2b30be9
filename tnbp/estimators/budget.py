r"""The error budget of Gibbs-state estimates: a truncation part and a Trotter part.

Every estimator that accepts a Gibbs state returns an :class:`~tnbp.Estimate`
whose ``error_bound`` is ``truncation_error + trotter_error``.

Truncation part (``truncation_error``)
    From the discarded weight of the purification, *all* of it: the squared
    singular values dropped by every SVD of the run, each relative to the
    state's norm then, summed into :math:`\epsilon` (``state.discarded_weight``,
    no noise floor). As for circuits, the normalized purification is then at
    distance :math:`T = \sqrt{\epsilon}` from the untruncated one (fidelity
    :math:`\prod_t (1 - \epsilon_t) \approx 1 - \epsilon`), and so is the
    Gibbs state in trace distance (tracing out the ancillas contracts it). Each
    quantity converts :math:`T` by its own inequality: Pauli expectations move
    by at most :math:`2T`, the energy by :math:`2T\sum_t |c_t|` (Hoelder), the
    entropies by the Fannes-Audenaert bound (:mod:`tnbp.estimators.estimate`),
    and :math:`\ln Z` by :math:`-2\ln(1 - T)` (:func:`tnbp.log_partition`). In
    imaginary time the discarded parts are evolved further, so :math:`T` is an
    estimate rather than a theorem; on random XX chains (n = 16 and 40, tests
    in ``tests/states/gibbs/test_error_budget.py``) the energy error stays 10
    to 50 times below its truncation bound.

Trotter part (``trotter_error``)
    From a Richardson pair: :func:`~tnbp.gibbs_state` (``richardson=True``)
    prepares a companion with a different number of Trotter steps
    (``state.companion``), the estimator evaluates its quantity :math:`v` on
    both, and

    .. math::

        \mathrm{trotter\_error} = f\,\bigl(|v - v_c| + t + t_c\bigr),

    with :math:`f` = ``state.trotter_factor``
    (:func:`~tnbp.states.gibbs.purified.richardson_factor`: 1/7 at order 4, 1
    at order 2, for the default companion with half the steps) and :math:`t,
    t_c` the truncation parts of the two values (the difference of the two
    values carries their truncation errors too). For an array the largest
    difference over its entries is used. Exact states (dense, or no Trotter
    splitting) have ``trotter_error = 0``; a purified state without companion
    has NaN (unknown).

References
----------
.. [1] L. F. Richardson, "The deferred approach to the limit", Phil. Trans.
   R. Soc. A 226, 299 (1927).
.. [2] K. M. R. Audenaert, "A sharp Fannes-type inequality for the von Neumann
   entropy", J. Phys. A 40, 8127 (2007), arXiv:quant-ph/0610146.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from ..states.gibbs.base import GibbsState
from ..states.record import TruncationWarning
from .estimate import Estimate, EstimateArray


def with_trotter_error(estimator):
    r"""Give an estimator the Trotter part of the error budget of Gibbs states.

    The wrapped estimator runs as before; when its first argument is a
    :class:`~tnbp.GibbsState` with a Trotter error, it also runs on the
    state's companion (its warnings silenced: the state's own were emitted)
    and the result gets ``trotter_error`` :math:`f(|v - v_c| + t + t_c)` (module
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
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TruncationWarning)
                other = estimator(state.companion, *args, **kwargs)
            diff = float(np.max(np.abs(np.asarray(result) - np.asarray(other))))
            truncation = result.truncation_error + other.truncation_error
            trotter = factor * (diff + truncation)
        if isinstance(result, EstimateArray):
            return EstimateArray(
                np.asarray(result), result.caveats, result.truncation_error, trotter
            )
        return Estimate(float(result), result.caveats, result.truncation_error, trotter)

    return wrapper
