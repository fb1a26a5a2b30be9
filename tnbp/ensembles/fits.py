r"""Fits of ensemble statistics against system size: exponential or power-law decay.

A barren plateau is a variance that decays exponentially with the number of
qubits (or hidden units) ``n``; :func:`fit_exponential_decay` measures its
rate by a least-squares line through :math:`\ln\mathrm{Var}` against ``n``, the
semilog fit of arXiv:2010.15968, Fig. 3b-c. A trainable model's variance
decays only polynomially (eq. 12 of arXiv:2005.12458);
:func:`fit_power_law` fits :math:`\ln\mathrm{Var}` against :math:`\ln n`
with the same weights, and :func:`compare_decay_laws` fits both and says which
describes the data better.

Both fits are weighted least squares in :math:`\ln\mathrm{Var}` with two
parameters each, so their weighted residual sums of squares (:math:`\chi^2`
with the stated errors) compare directly: the Akaike information criterion
:math:`\mathrm{AIC} = \chi^2 + 2k` differs between them by the difference of
the :math:`\chi^2` alone (:math:`k = 2` for both).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

from .._checks import as_real_array

#: fewest points of a fit: a line has two parameters, and its error needs one
#: degree of freedom more
MIN_FIT_POINTS = 3
#: the two decay laws :func:`compare_decay_laws` tells apart
DECAY_LAWS = ("exponential", "power_law")
#: an AIC difference below this leaves both laws with substantial support
#: (Burnham and Anderson's rule): :attr:`DecayComparison.preferred` is then
#: ``"undetermined"``
AIC_MARGIN = 2.0
#: without errors the residual scale is fitted too, and few sizes mislead the
#: least-squares AIC: with 30% log-normal noise it named the wrong law in 19%,
#: 23%, 16% and 10% of seeded trials at 3, 4, 5 and 6 sizes, 5% at 7 and 8
#: (600 each). Without errors, fewer sizes give ``"undetermined"``.
MIN_UNWEIGHTED_VERDICT_POINTS = 7


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
    chi2 : float
        Weighted residual sum of squares in :math:`\ln\mathrm{Var}`
        (:math:`\chi^2` with errors given, else the plain residual sum).
    dof : int
        Degrees of freedom, ``n_points - 2``.

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
    chi2: float = float("nan")
    dof: int = 0

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
        ``variance_err`` is not positive with one entry per variance, or
        ``confidence`` is not in ``(0, 1)``.

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
    _check_confidence(confidence)
    x, y, w = _check_fit_data(n, variance, variance_err)
    line = _weighted_line(x, np.log(y), w, variance_err is not None, confidence)
    rate, rate_err = -line.slope, line.slope_err
    return DecayFit(
        rate,
        rate_err,
        (-line.slope_ci[1], -line.slope_ci[0]),
        float(np.exp(line.intercept)),
        x,
        y,
        line.chi2,
        line.dof,
    )


@dataclasses.dataclass(frozen=True)
class _Line:
    """A weighted least-squares line ``y = intercept + slope x`` (internal)."""

    intercept: float
    slope: float
    slope_err: float
    slope_ci: tuple[float, float]
    chi2: float
    dof: int


def _check_fit_data(n, variance, variance_err):
    """Validate the data of a fit; return ``(x, y, weights)`` as float arrays."""
    x = as_real_array(n, "n")
    y = as_real_array(variance, "variance")
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
        err = as_real_array(variance_err, "variance_err")
        if err.shape != y.shape or not np.all(err > 0) or not np.all(np.isfinite(err)):
            raise ValueError(
                "`variance_err` must be positive and finite, one per variance."
            )
        with np.errstate(over="ignore", under="ignore"):
            w = (y / err) ** 2
        if not np.all(np.isfinite(w) & (w > 0)) or not np.isfinite(w.sum()):
            # relative errors beyond ~1e+-150: the weights under- or overflow
            raise ValueError(
                "`variance_err`: the relative errors variance_err / variance "
                "must lie within ~1e-150..1e150 (their squared inverses are the "
                f"weights), got {np.min(err / y):.3g}..{np.max(err / y):.3g}."
            )
    return x, y, w


def _weighted_line(x, ly, w, weighted: bool, confidence: float) -> _Line:
    """Fit ``ly = a + b x`` with weights ``w``; errors as :func:`fit_exponential_decay`."""
    X = np.column_stack([np.ones_like(x), x])
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(X * sw[:, None], ly * sw, rcond=None)
    resid = (ly - X @ coef) * sw
    dof = x.size - 2
    chi2 = float(resid @ resid)
    scale = chi2 / dof if not weighted else max(chi2 / dof, 1.0)
    cov = np.linalg.inv((X * w[:, None]).T @ X) * scale
    slope, slope_err = float(coef[1]), float(np.sqrt(cov[1, 1]))
    t = stats.t.ppf(0.5 + confidence / 2, dof)
    return _Line(
        float(coef[0]),
        slope,
        slope_err,
        (slope - t * slope_err, slope + t * slope_err),
        chi2,
        dof,
    )


@dataclasses.dataclass(frozen=True)
class PowerLawFit:
    r"""Least-squares fit :math:`\mathrm{Var}(n) = A\, n^{-p}` (log-log).

    Attributes
    ----------
    exponent : float
        :math:`p`, dimensionless (positive for a decay).
    exponent_err : float
        Standard error of :math:`p`.
    exponent_ci : tuple of float
        Confidence interval ``(low, high)`` of :math:`p` (Student t,
        ``n_points - 2`` degrees of freedom).
    prefactor : float
        :math:`A`, in the units of the variances.
    n : numpy.ndarray of float64, shape (n_points,)
        The sizes fitted.
    variances : numpy.ndarray of float64, shape (n_points,)
        The variances fitted.
    chi2 : float
        Weighted residual sum of squares in :math:`\ln\mathrm{Var}`
        (:math:`\chi^2` with errors given, else the plain residual sum).
    dof : int
        Degrees of freedom, ``n_points - 2``.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (12) (a variance bounded
       below by an inverse polynomial of ``n``).
    """

    exponent: float
    exponent_err: float
    exponent_ci: tuple[float, float]
    prefactor: float
    n: np.ndarray
    variances: np.ndarray
    chi2: float
    dof: int

    def to_dict(self) -> dict:
        """The fit as a flat dict (for tables and logs).

        Returns
        -------
        dict
            ``exponent, exponent_err, exponent_ci_low, exponent_ci_high,
            prefactor, chi2, dof``.
        """
        return {
            "exponent": self.exponent,
            "exponent_err": self.exponent_err,
            "exponent_ci_low": self.exponent_ci[0],
            "exponent_ci_high": self.exponent_ci[1],
            "prefactor": self.prefactor,
            "chi2": self.chi2,
            "dof": self.dof,
        }


def fit_power_law(
    n, variance, *, variance_err=None, confidence: float = 0.95
) -> PowerLawFit:
    r"""Fit :math:`\ln \mathrm{Var} = \ln A - p \ln n` by (weighted) least squares.

    The conventions of :func:`fit_exponential_decay` (weights
    :math:`(\mathrm{Var}/\sigma)^2`, covariance scaled by the residuals, or by
    the reduced chi-square when that exceeds 1 with errors given), with
    :math:`\ln n` in place of ``n``.

    Parameters
    ----------
    n : array_like of float, shape (n_points,)
        Positive, finite sizes, with at least :data:`MIN_FIT_POINTS` (3)
        distinct values.
    variance : array_like of float, shape (n_points,)
        Positive, finite variances at those sizes.
    variance_err : array_like of float, shape (n_points,), optional
        Positive standard errors of the variances.
    confidence : float, optional
        Level of :attr:`PowerLawFit.exponent_ci`, in ``(0, 1)``.

    Returns
    -------
    PowerLawFit
        The exponent, its error and interval, the prefactor and the residuals.

    Raises
    ------
    ValueError
        If ``n`` and ``variance`` are not 1-D arrays of equal length, ``n`` is
        not positive and finite or has fewer than 3 distinct values,
        ``variance`` is not positive and finite, ``variance_err`` is not
        positive with one entry per variance, or ``confidence`` is not in
        ``(0, 1)``.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eq. (12).

    Examples
    --------
    The toy model's local-cost variance :math:`1/(8n^2)` has :math:`p = 2`:

    >>> import numpy as np
    >>> n = np.arange(2, 12)
    >>> fit = fit_power_law(n, 1 / (8 * n**2))
    >>> bool(np.isclose(fit.exponent, 2)), bool(np.isclose(fit.prefactor, 1 / 8))
    (True, True)
    """
    _check_confidence(confidence)
    x, y, w = _check_fit_data(n, variance, variance_err)
    if not np.all(x > 0):
        raise ValueError("`n` must be positive for a power-law fit.")
    line = _weighted_line(np.log(x), np.log(y), w, variance_err is not None, confidence)
    return PowerLawFit(
        -line.slope,
        line.slope_err,
        (-line.slope_ci[1], -line.slope_ci[0]),
        float(np.exp(line.intercept)),
        x,
        y,
        line.chi2,
        line.dof,
    )


def _check_confidence(confidence) -> None:
    """Reject a confidence level outside ``(0, 1)``."""
    if not 0 < confidence < 1:
        raise ValueError(f"`confidence` must be in (0, 1), got {confidence!r}.")


@dataclasses.dataclass(frozen=True)
class DecayComparison:
    r"""Exponential and power-law fits of the same variances, and which fits better.

    The verdict is the property ``preferred``: :attr:`smaller_aic` if the
    data decide, else ``"undetermined"``. They decide when
    :math:`|\Delta\mathrm{AIC}| \ge` :data:`AIC_MARGIN` (below it both laws
    have substantial support [2]_), the confidence interval of the law's
    parameter (:math:`r` or :math:`p`) lies above 0 (a decay, resolved from
    none) and, for fits without errors, there are at least
    :data:`MIN_UNWEIGHTED_VERDICT_POINTS` sizes.

    Attributes
    ----------
    exponential : DecayFit
        :math:`A e^{-r n}`.
    power_law : PowerLawFit
        :math:`A n^{-p}`.
    smaller_aic : str
        ``"exponential"`` or ``"power_law"``: the smaller :math:`\chi^2` (equal
        to the smaller AIC: both models have two parameters), however small
        the difference.
    delta_aic : float
        :math:`\mathrm{AIC}_{exp} - \mathrm{AIC}_{pow} = \chi^2_{exp} -
        \chi^2_{pow}`; positive favours the power law. Without errors the
        scale of the residuals is unknown and the least-squares AIC
        :math:`N \ln(\mathrm{RSS}/N) + 2k` is used: the difference is
        :math:`N \ln(\mathrm{RSS}_{exp}/\mathrm{RSS}_{pow})` over the
        :math:`N` points, with the residual sums in :math:`\ln\mathrm{Var}`
        (:math:`\pm\infty` when one law fits exactly).
    weighted : bool
        Whether the fits were weighted by the variances' errors (without
        them a verdict needs :data:`MIN_UNWEIGHTED_VERDICT_POINTS` sizes).

    References
    ----------
    .. [1] H. Akaike, "A new look at the statistical model identification",
       IEEE Trans. Autom. Control 19, 716 (1974).
    .. [2] K. P. Burnham and D. R. Anderson, *Model Selection and Multimodel
       Inference*, 2nd ed. (Springer, 2002), sec. 2.6 (:math:`\Delta_i \le 2`).
    """

    exponential: DecayFit
    power_law: PowerLawFit
    smaller_aic: str
    delta_aic: float
    weighted: bool = True

    @property
    def preferred(self) -> str:
        """``"exponential"``, ``"power_law"`` or ``"undetermined"`` (see the class)."""
        if abs(self.delta_aic) < AIC_MARGIN:
            return "undetermined"
        if (
            not self.weighted
            and len(self.exponential.n) < MIN_UNWEIGHTED_VERDICT_POINTS
        ):
            return "undetermined"
        law = self.power_law if self.smaller_aic == "power_law" else self.exponential
        low = law.exponent_ci[0] if self.smaller_aic == "power_law" else law.rate_ci[0]
        return self.smaller_aic if low > 0 else "undetermined"

    def to_dict(self) -> dict:
        """Both fits and the verdict as one flat dict.

        Returns
        -------
        dict
            ``exp_*`` (:meth:`DecayFit.to_dict` plus ``exp_chi2_per_dof``),
            ``pow_*`` (:meth:`PowerLawFit.to_dict` plus ``pow_chi2_per_dof``),
            ``smaller_aic`` and ``preferred`` (str) and ``delta_aic``.
        """
        out = {f"exp_{k}": v for k, v in self.exponential.to_dict().items()}
        out["exp_chi2_per_dof"] = self.exponential.chi2 / self.exponential.dof
        out.update({f"pow_{k}": v for k, v in self.power_law.to_dict().items()})
        out["pow_chi2_per_dof"] = self.power_law.chi2 / self.power_law.dof
        out["smaller_aic"] = self.smaller_aic
        out["preferred"] = self.preferred
        out["delta_aic"] = self.delta_aic
        return out

    def describe(self, quantity: str = "Var") -> str:
        """Both fits and the verdict in one line, for a study's summary.

        Parameters
        ----------
        quantity : str, optional
            What was fitted, as it should read (e.g. ``"mean T"``).

        Returns
        -------
        str
            ``"<quantity> ~ e^(-r n), r = ... +- ...; ~ n^-p, p = ... +- ...;
            <law> preferred (AIC difference ... for the power law)"``, the
            errors at the fits' confidence level.

        Examples
        --------
        >>> import numpy as np
        >>> n = np.array([4, 6, 8, 12, 16, 24, 32])
        >>> compare_decay_laws(n, 2.0 / n**2).describe()  # doctest: +ELLIPSIS
        'Var ~ e^(-r n), r = 0.1... +- ...; ~ n^-p, p = 2.000 +- 0.000; power law preferred ...'
        """
        e, p = self.exponential, self.power_law
        return (
            f"{quantity} ~ e^(-r n), r = {e.rate:.4f} +- {e.rate_err:.4f}; "
            f"~ n^-p, p = {p.exponent:.3f} +- {p.exponent_err:.3f}; "
            f"{self.preferred.replace('_', ' ')}"
            f"{' preferred' if self.preferred != 'undetermined' else ''} "
            f"(AIC difference {self.delta_aic:+.1f} for the power law)"
        )


def compare_decay_laws(
    n, variance, *, variance_err=None, confidence: float = 0.95
) -> DecayComparison:
    r"""Fit :math:`A e^{-r n}` and :math:`A n^{-p}` to the same data; say which fits better.

    Both are weighted least-squares lines in :math:`\ln\mathrm{Var}` (against
    ``n`` and against :math:`\ln n`) with two parameters, so the model with
    the smaller weighted residual sum :math:`\chi^2` also has the smaller
    Akaike information criterion. A verdict needs sizes spread enough for the
    two curvatures to differ: over a narrow range of ``n`` both lines fit.

    Parameters
    ----------
    n : array_like of float, shape (n_points,)
        Positive, finite sizes, at least 3 distinct.
    variance : array_like of float, shape (n_points,)
        Positive, finite variances.
    variance_err : array_like of float, shape (n_points,), optional
        Positive standard errors of the variances (weights of both fits).
    confidence : float, optional
        Level of both fits' intervals, in ``(0, 1)``.

    Returns
    -------
    DecayComparison
        Both fits, the law of smaller AIC, the verdict (``preferred``, which
        may be ``"undetermined"``) and the AIC difference.

    Raises
    ------
    ValueError
        As :func:`fit_power_law`.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eqs. (11) and (12) (exponential decay of the global cost's variance,
       polynomial of the local cost's).

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([4, 6, 8, 12, 16, 24, 32])  # no errors: 7 sizes for a verdict
    >>> compare_decay_laws(n, 1 / n**2).preferred
    'power_law'
    >>> compare_decay_laws(n, 0.5**n).preferred
    'exponential'
    """
    power = fit_power_law(n, variance, variance_err=variance_err, confidence=confidence)
    expo = fit_exponential_decay(
        n, variance, variance_err=variance_err, confidence=confidence
    )
    if variance_err is not None:
        delta = expo.chi2 - power.chi2
    else:  # least-squares AIC: the residuals' scale is fitted too
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.divide(expo.chi2, power.chi2)
        delta = 0.0 if expo.chi2 == power.chi2 else len(expo.n) * np.log(ratio)
    return DecayComparison(
        expo,
        power,
        "power_law" if delta > 0 else "exponential",
        float(delta),
        weighted=variance_err is not None,
    )
