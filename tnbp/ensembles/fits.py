"""Fits of ensemble statistics against system size: exponential decay of variances."""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats


@dataclasses.dataclass(frozen=True)
class DecayFit:
    r"""Least-squares fit :math:`\mathrm{Var}(n) = A e^{-r n}` (semilog).

    Attributes
    ----------
    rate, rate_err : float
        :math:`r` (per qubit, natural log) and its standard error.
    rate_ci : tuple of float
        Confidence interval of :math:`r` (Student t, ``n_points - 2`` dof).
    prefactor : float
        :math:`A`.
    n, variances : numpy.ndarray
        The data fitted.
    """

    rate: float
    rate_err: float
    rate_ci: tuple[float, float]
    prefactor: float
    n: np.ndarray
    variances: np.ndarray

    @property
    def base(self) -> float:
        """:math:`e^{-r}`: the factor by which Var shrinks per added qubit."""
        return float(np.exp(-self.rate))

    def to_dict(self) -> dict:
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

    Parameters
    ----------
    n, variance : array_like
        Qubit numbers and positive variances (at least 3 points).
    variance_err : array_like, optional
        Standard errors of the variances; weights :math:`(\mathrm{Var}/\sigma)^2`.
    confidence : float, optional
        Level of :attr:`DecayFit.rate_ci`.
    """
    x = np.asarray(n, dtype=float)
    y = np.asarray(variance, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("`n` and `variance` must be 1-D arrays of equal length.")
    if x.size < 3:
        raise ValueError(f"`n`: need at least 3 points to fit, got {x.size}.")
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
