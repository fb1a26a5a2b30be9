r"""Fits of ensemble statistics against system size: exponential decay of variances.

A barren plateau is a variance that decays exponentially with the number of
qubits (or hidden units) ``n``; :func:`fit_exponential_decay` measures its
rate by a least-squares line through :math:`\ln\mathrm{Var}` against ``n``, the
semilog fit of arXiv:2010.15968, Fig. 3b-c.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

#: fewest points of a fit: a line has two parameters, and its error needs one
#: degree of freedom more
MIN_FIT_POINTS = 3


@dataclasses.dataclass(frozen=True)
class DecayFit:
    r"""Least-squares fit :math:`\mathrm{Var}(n) = A e^{-r n}` (semilog).

    Attributes
    ----------
    rate : float
        :math:`r`, per unit of ``n`` (per qubit or hidden unit), natural log.
    rate_err : float
        Standard error of :math:`r`.
    rate_ci : tuple of float
        Confidence interval ``(low, high)`` of :math:`r` (Student t,
        ``n_points - 2`` degrees of freedom).
    prefactor : float
        :math:`A`, in the units of the variances.
    n : numpy.ndarray of float64, shape (n_points,)
        The sizes fitted.
    variances : numpy.ndarray of float64, shape (n_points,)
        The variances fitted.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Fig. 3b-c (the least-squares rate of decay of the variance of the
       gradient's infinity-norm).
    """

    rate: float
    rate_err: float
    rate_ci: tuple[float, float]
    prefactor: float
    n: np.ndarray
    variances: np.ndarray

    @property
    def base(self) -> float:
        """:math:`e^{-r}`: the factor by which the variance shrinks per unit of ``n``."""
        return float(np.exp(-self.rate))

    def to_dict(self) -> dict:
        """The fit as a flat dict (for tables and logs).

        Returns
        -------
        dict
            ``rate, rate_err, rate_ci_low, rate_ci_high, prefactor, base``, floats.
        """
        return {
            "rate": self.rate,
            "rate_err": self.rate_err,
            "rate_ci_low": self.rate_ci[0],
            "rate_ci_high": self.rate_ci[1],
            "prefactor": self.prefactor,
            "base": self.base,
        }


def fit_exponential_decay(
    n, variance, *, variance_err=None, confidence: float = 0.95
) -> DecayFit:
    r"""Fit :math:`\ln \mathrm{Var} = \ln A - r n` by (weighted) least squares.

    Without errors, the residual variance sets the scale of the parameters'
    covariance. With ``variance_err`` the points are weighted by
    :math:`w = (\mathrm{Var}/\sigma)^2` (the inverse variance of
    :math:`\ln\mathrm{Var}` to first order) and the covariance is scaled by the
    reduced chi-square when that exceeds 1 (scatter beyond the stated errors
    widens the interval; it never narrows it).

    Parameters
    ----------
    n : array_like of float, shape (n_points,)
        Sizes (qubit numbers or hidden units), finite, with at least
        :data:`MIN_FIT_POINTS` (3) distinct values (repeated sizes are
        repeated measurements).
    variance : array_like of float, shape (n_points,)
        Positive, finite variances at those sizes.
    variance_err : array_like of float, shape (n_points,), optional
        Positive standard errors of the variances (e.g. the ``variance_se``
        column of :func:`tnbp.gradient_variance`).
    confidence : float, optional
        Level of :attr:`DecayFit.rate_ci`, in ``(0, 1)``.

    Returns
    -------
    DecayFit
        The rate, its error and interval, and the prefactor.

    Raises
    ------
    ValueError
        If ``n`` and ``variance`` are not 1-D arrays of equal length, ``n`` is
        not finite or has fewer than 3 distinct values, ``variance`` is not positive and finite, or
        ``variance_err`` is not positive with one entry per variance.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. VII and Fig. 3b-c (the exponential rate of decay from a least-squares
       fit on a semilog scale).

    Examples
    --------
    The toy model's global-cost variance :math:`\frac18(\frac38)^{n-1}` decays at
    :math:`r = \ln(8/3)`:

    >>> import numpy as np
    >>> n = np.arange(2, 12)
    >>> fit = fit_exponential_decay(n, 0.125 * 0.375 ** (n - 1))
    >>> bool(np.isclose(fit.rate, np.log(8 / 3))), bool(np.isclose(fit.base, 3 / 8))
    (True, True)
    """
    x = np.asarray(n, dtype=float)
    y = np.asarray(variance, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("`n` and `variance` must be 1-D arrays of equal length.")
    if not np.all(np.isfinite(x)):
        raise ValueError("`n` must be finite.")
    distinct = np.unique(x).size
    if distinct < MIN_FIT_POINTS:
        # two distinct sizes fit a line exactly whatever the repeats: the
        # rate's error would be that of the repeats alone (0 for equal values)
        raise ValueError(
            f"`n`: need at least {MIN_FIT_POINTS} distinct sizes to fit, got "
            f"{distinct} ({x.size} points)."
        )
    if not np.all(y > 0) or not np.all(np.isfinite(y)):
        raise ValueError("`variance` must be positive and finite.")
    w = np.ones_like(y)
    if variance_err is not None:
        err = np.asarray(variance_err, dtype=float)
        if err.shape != y.shape or not np.all(err > 0):
            raise ValueError("`variance_err` must be positive, one per variance.")
        w = (y / err) ** 2
    X = np.column_stack([np.ones_like(x), -x])
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(X * sw[:, None], np.log(y) * sw, rcond=None)
    resid = (np.log(y) - X @ coef) * sw
    dof = x.size - 2
    scale = (
        resid @ resid / dof if variance_err is None else max(resid @ resid / dof, 1.0)
    )
    cov = np.linalg.inv((X * w[:, None]).T @ X) * scale
    rate, rate_err = float(coef[1]), float(np.sqrt(cov[1, 1]))
    t = stats.t.ppf(0.5 + confidence / 2, dof)
    return DecayFit(
        rate,
        rate_err,
        (rate - t * rate_err, rate + t * rate_err),
        float(np.exp(coef[0])),
        x,
        y,
    )
