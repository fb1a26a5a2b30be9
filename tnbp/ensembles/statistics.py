r"""Statistics of ensembles of random instances: variances, their errors, effective sizes.

For ``m`` samples :math:`x_i` with deviations :math:`d_i = x_i - \bar x`,
sample variance :math:`s^2 = \sum_i d_i^2/(m-1)` and fourth central moment
:math:`\hat\mu_4 = \sum_i d_i^4/m`:

.. math::

    \mathrm{SE}(s^2) = \sqrt{\Big(\hat\mu_4 - \frac{m-3}{m-1}\,s^4\Big)\Big/m},
    \qquad
    m_{\mathrm{eff}} = \frac{\big(\sum_i d_i^2\big)^2}{\sum_i d_i^4}.

The first is the standard error of the sample variance from
:math:`\mathrm{Var}(s^2) = \mu_4/m - \sigma^4 (m-3)/(m(m-1))`, which is
:math:`2\sigma^4/(m-1)` for Gaussian data. The second is the effective number
of samples behind :math:`s^2`: about :math:`m/3` for Gaussian data
(:math:`\mu_4 = 3\sigma^4`), and of order 1 when a few samples carry the whole
variance (heavy tails, as for global costs at large ``n``), when neither
:math:`s^2` nor its standard error can be trusted.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..states.record import TruncationWarning

#: A variance is flagged unreliable when its effective sample size
#: (:func:`variance_ess`) is below this fraction of the samples (Gaussian: 1/3).
RELIABLE_ESS_FRACTION = 0.1
#: Fewest samples whose variance gets a standard error
#: (:func:`variance_standard_error`, NaN below): the estimate of
#: :math:`\mathrm{Var}(s^2)` above divides by :math:`m - 1` and needs the
#: fourth moment of at least four deviations to be positive in general.
MIN_VARIANCE_SE_SAMPLES = 4


def sample_stats(g: np.ndarray) -> dict:
    r"""Row statistics of sampled derivatives: mean, variance, its error and reliability.

    Parameters
    ----------
    g : numpy.ndarray of float64, shape (m,)
        One derivative :math:`\partial_k C` per sampled instance.

    Returns
    -------
    dict
        ``mean`` and ``variance`` (``ddof=1``; NaN for one sample) of ``g``,
        ``variance_se`` (:func:`variance_standard_error`), ``variance_ess``
        (:func:`variance_ess`) and ``variance_reliable``
        (``variance_ess >= RELIABLE_ESS_FRACTION * m`` and the variance finite:
        never for one sample): the columns of that
        name of :data:`tnbp.results.schema.GRADIENT_VARIANCE`, in the units of
        ``g`` (mean) and its square (variance and its error).
    """
    ess = variance_ess(g)
    variance = float(g.var(ddof=1)) if len(g) > 1 else float("nan")
    return dict(
        mean=float(g.mean()),
        variance=variance,
        variance_se=variance_standard_error(g),
        variance_ess=ess,
        variance_reliable=bool(
            np.isfinite(variance) and ess >= RELIABLE_ESS_FRACTION * len(g)
        ),
    )


def exact_stats(m: np.ndarray) -> dict:
    r"""Row statistics of exact per-structure second moments (the mean is exactly zero).

    Parameters
    ----------
    m : numpy.ndarray of float64, shape (s,)
        :math:`\mathbb{E}_\theta[(\partial_k C)^2]` of each of ``s`` random
        structures (:func:`tnbp.exact_gradient_variance`).

    Returns
    -------
    dict
        ``mean`` (0.0), ``variance`` (the mean of ``m``), ``variance_se`` (the
        standard error of that mean, :math:`\mathrm{std}(m)/\sqrt{s}` with
        ``ddof=1``; NaN for one structure), ``variance_ess`` (NaN) and
        ``variance_reliable`` (the variance is finite): columns of
        :data:`tnbp.results.schema.GRADIENT_VARIANCE`.
    """
    se = m.std(ddof=1) / np.sqrt(len(m)) if len(m) > 1 else float("nan")
    variance = float(m.mean())
    return dict(
        mean=0.0,
        variance=variance,
        variance_se=float(se),
        variance_ess=float("nan"),
        variance_reliable=bool(np.isfinite(variance)),
    )


def variance_ess(x: np.ndarray) -> float:
    r"""Effective number of samples behind the variance, :math:`(\sum d^2)^2 / \sum d^4`.

    About ``m/3`` for Gaussian data; of order 1 when a few samples carry the
    whole variance (heavy tails, as for global costs at large n).

    Parameters
    ----------
    x : numpy.ndarray of float64, shape (m,)
        The samples.

    Returns
    -------
    float
        :math:`(\sum_i d_i^2)^2/\sum_i d_i^4` with :math:`d_i = x_i - \bar x`,
        in ``[1, m]``; ``m`` when all samples are equal.

    Examples
    --------
    Two samples that carry all the spread out of a hundred:

    >>> x = np.zeros(100); x[:2] = (1.0, -1.0)
    >>> round(variance_ess(x), 6)
    2.0
    """
    d2 = (x - x.mean()) ** 2
    denom = float(np.sum(d2 * d2))
    return float(np.sum(d2) ** 2 / denom) if denom > 0 else float(x.size)


def variance_standard_error(x: np.ndarray) -> float:
    r"""Standard error of the sample variance, from the fourth central moment.

    Parameters
    ----------
    x : numpy.ndarray of float64, shape (m,)
        The samples.

    Returns
    -------
    float
        :math:`\sqrt{(\hat\mu_4 - \frac{m-3}{m-1}s^4)/m}` (see
        :mod:`tnbp.ensembles.statistics`), in the units of ``x`` squared; NaN
        below :data:`MIN_VARIANCE_SE_SAMPLES` (4) samples.
    """
    m = x.size
    if m < MIN_VARIANCE_SE_SAMPLES:
        return float("nan")
    d = x - x.mean()
    var, mu4 = d.var(ddof=1), np.mean(d**4)
    return float(np.sqrt(max(mu4 - (m - 3) / (m - 1) * var**2, 0.0) / m))


def inf_norm_comparison(fd: np.ndarray, exact: np.ndarray) -> dict:
    r"""Infinity-norm statistics of finite-difference and exact gradients, side by side.

    The columns shared by the tables of :func:`tnbp.fidelity_gradient_variance`
    and :func:`tnbp.qbm_trace_distance_gradient_variance` (arXiv:2010.15968,
    Figs. 3b-c: the variance over instances of :math:`\|\nabla C\|_\infty`).

    Parameters
    ----------
    fd : numpy.ndarray of float64, shape (m, K)
        One finite-difference gradient per instance (row).
    exact : numpy.ndarray of float64, shape (m, K)
        The exact gradients of the same instances.

    Returns
    -------
    dict
        For ``route`` in ``fd``, ``exact``: ``inf_norm_mean_<route>``,
        ``inf_norm_variance_<route>`` (``ddof=1``; NaN for one instance) and
        ``inf_norm_variance_se_<route>`` (:func:`variance_standard_error`);
        ``max_deviation``, the largest :math:`|\mathrm{fd} - \mathrm{exact}|`
        over every derivative of every instance; and
        ``variance_relative_deviation``,
        :math:`|\mathrm{Var_{fd}} - \mathrm{Var_{exact}}|/\mathrm{Var_{exact}}`
        (NaN when either variance is NaN or the exact one is 0). Units: those of
        the gradients (means, deviation), their square (variances), 1 (the
        relative deviation).

    Raises
    ------
    ValueError
        If ``fd`` and ``exact`` are not 2-D arrays of one shape with at least
        one row and one column.

    Examples
    --------
    >>> import numpy as np
    >>> exact = np.array([[1.0, -2.0], [0.5, 1.0], [3.0, 1.0]])
    >>> d = inf_norm_comparison(exact + 1e-3, exact)
    >>> d["inf_norm_mean_exact"], round(d["max_deviation"], 12)
    (2.0, 0.001)
    """
    fd, exact = np.asarray(fd, dtype=float), np.asarray(exact, dtype=float)
    if fd.ndim != 2 or fd.shape != exact.shape or 0 in fd.shape:
        raise ValueError(
            "`fd` and `exact` must be non-empty (instances, parameters) arrays of "
            f"one shape, got {fd.shape} and {exact.shape}."
        )
    out = {}
    for route, g in (("fd", fd), ("exact", exact)):
        norms = np.abs(g).max(axis=1)
        out[f"inf_norm_mean_{route}"] = float(norms.mean())
        out[f"inf_norm_variance_{route}"] = (
            float(norms.var(ddof=1)) if norms.size > 1 else float("nan")
        )
        out[f"inf_norm_variance_se_{route}"] = variance_standard_error(norms)
    out["max_deviation"] = float(np.abs(fd - exact).max())
    v_fd, v_exact = out["inf_norm_variance_fd"], out["inf_norm_variance_exact"]
    out["variance_relative_deviation"] = (
        abs(v_fd - v_exact) / v_exact if v_exact > 0 else float("nan")
    )
    return out


def warn_untrusted_runs(table, *, group: str, what: str, options: str) -> None:
    """Warn once when any run behind an ensemble table had caveats.

    The tasks of an ensemble count such runs in the column ``untrusted_runs``
    (the same value on every row of a ``group``) instead of warning once per
    sample; this is the one warning the caller sees.

    Parameters
    ----------
    table : pandas.DataFrame
        An ensemble table with the columns ``group`` and ``untrusted_runs``.
    group : str
        The column that sizes the rows (``"n"``, ``"n_hidden"``).
    what : str
        The function that built the table, for the message.
    options : str
        The argument holding the truncation options, named in the advice.

    Warns
    -----
    TruncationWarning
        When the table counts any run with caveats.
    """
    untrusted = int(table.drop_duplicates(group).untrusted_runs.sum())
    if untrusted:
        warnings.warn(
            f"{what}: {untrusted} simulated states behind the table had caveats "
            "(truncation beyond tolerance); see the column untrusted_runs (and "
            f"variance_reliable), and raise max_bond in {options}.",
            TruncationWarning,
            stacklevel=3,
        )


def mean_interval(x: np.ndarray, confidence: float = 0.95) -> dict:
    r"""Sample mean, its standard error and Student-t confidence interval.

    Parameters
    ----------
    x : numpy.ndarray of float64, shape (m,)
        The samples (independent).
    confidence : float, optional
        Level of the interval, in ``(0, 1)`` (default 0.95).

    Returns
    -------
    dict
        ``mean``; ``se`` :math:`= s/\sqrt m` (``ddof=1``); ``ci_low`` and
        ``ci_high`` :math:`= \bar x \mp t_{m-1}\,\mathrm{se}` with
        :math:`t_{m-1}` the two-sided Student-t quantile of ``confidence``:
        all in the units of ``x``, NaN (but the mean) for one sample.

    Raises
    ------
    ValueError
        If ``confidence`` is not in ``(0, 1)`` or ``x`` is empty.

    Examples
    --------
    >>> d = mean_interval(np.array([1.0, 2.0, 3.0]))
    >>> d["mean"], round(d["se"], 6), round(d["ci_high"] - d["mean"], 4)
    (2.0, 0.57735, 2.4841)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"`confidence` must be in (0, 1), got {confidence!r}.")
    m = x.size
    if m == 0:
        raise ValueError("`x` must hold at least one sample.")
    mean = float(x.mean())
    if m < 2:
        return dict(mean=mean, se=np.nan, ci_low=np.nan, ci_high=np.nan)
    from scipy.stats import t  # scipy.stats is slow to import

    se = float(x.std(ddof=1) / np.sqrt(m))
    half = float(t.ppf(0.5 + confidence / 2, m - 1)) * se
    return dict(mean=mean, se=se, ci_low=mean - half, ci_high=mean + half)


#: bootstrap resamples behind :func:`peak_estimate` and :func:`median_estimate`
BOOTSTRAP_RESAMPLES = 200


def _bandwidth(x: np.ndarray) -> float:
    """Silverman's rule, 0.9 min(s, IQR/1.34) m^(-1/5) (the spread if one is 0)."""
    s = x.std(ddof=1)
    iqr = np.subtract(*np.percentile(x, [75, 25])) / 1.34
    spread = min(s, iqr) if iqr > 0 else s
    return 0.9 * spread * x.size ** (-0.2)


def _check_location_sample(x) -> np.ndarray:
    x = np.asarray(x, dtype=float).reshape(-1)
    if x.size < 2 or not np.isfinite(x).all():
        raise ValueError("`x` must hold at least two samples, all finite.")
    return x


def peak_estimate(
    x, *, bounds=None, resamples: int = BOOTSTRAP_RESAMPLES, seed=0
) -> dict:
    r"""The peak (mode) of a sample's distribution, with a bootstrap standard error.

    The mode of a Gaussian kernel density estimate with Silverman's bandwidth
    :math:`h = 0.9\min(s, \mathrm{IQR}/1.34)\,m^{-1/5}`, binned on a grid
    of spacing at most :math:`h/10` over the data :math:`\pm 4h`; at a bound
    of ``bounds`` that lies within :math:`4h` of the data the density is
    reflected (so a peak at the bound stays there instead of moving inside
    by about :math:`h`). The standard error is the spread of the peak over
    ``resamples`` bootstrap resamples of the binned data (multinomial
    resampling of the bin counts, bandwidth kept), combined in quadrature with
    the grid's resolution :math:`\Delta x/\sqrt{12}` (so a peak that every
    resample puts in the same bin, e.g. at a bound, still has an error bar):
    it is the sampling error of the peak, not the smoothing bias (of order
    :math:`h^2` times the density's third derivative over its second).

    Parameters
    ----------
    x : array_like of float
        The sample (at least two values, finite; if all are equal, that value
        is the peak, with standard error 0).
    bounds : tuple of float, optional
        ``(low, high)`` support of the distribution (either may be
        ``None`` or infinite: unbounded), e.g. ``(0, 1 - 1/D_v)`` for a trace
        distance.
    resamples : int, optional
        Bootstrap resamples for the standard error (``>= 2``).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the bootstrap.

    Returns
    -------
    dict
        ``peak`` (units of ``x``) and ``peak_se`` (its bootstrap standard
        error, ``ddof=1``, with the grid's resolution), as floats.

    Raises
    ------
    ValueError
        If ``x`` has fewer than two values or a value that is not finite, or
        ``resamples < 2``.
    TypeError
        If ``resamples`` is not an integer or ``seed`` has an invalid type.

    References
    ----------
    .. [1] B. W. Silverman, *Density Estimation for Statistics and Data
       Analysis* (Chapman and Hall, 1986), eq. (3.31) and Sec. 3.10
       (reflection at a boundary).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> d = peak_estimate(rng.normal(2.0, 1.0, size=4000))
    >>> bool(abs(d["peak"] - 2.0) < 4 * d["peak_se"] + 0.05)
    True
    """
    from .._checks import as_rng, check_int

    x = _check_location_sample(x)
    resamples = check_int(resamples, "resamples", minimum=2)
    if x.min() == x.max():  # a point mass: its peak is the point, exactly
        return dict(peak=float(x[0]), peak_se=0.0)
    h = _bandwidth(x)
    low, high = (None, None) if bounds is None else bounds
    low = -np.inf if low is None else float(low)
    high = np.inf if high is None else float(high)
    lo, hi = max(low, x.min() - 4 * h), min(high, x.max() + 4 * h)
    size = int(min(max(512, np.ceil(10 * (hi - lo) / h)), 2**16))
    dx = (hi - lo) / size
    centers = lo + dx * (np.arange(size) + 0.5)
    counts = np.bincount(
        np.clip(((x - lo) / dx).astype(int), 0, size - 1), minlength=size
    )
    width = int(np.ceil(4 * h / dx))
    kernel = np.exp(-0.5 * (np.arange(-width, width + 1) * dx / h) ** 2)

    def peak(c: np.ndarray) -> float:
        # mirror images of the bins beyond a bound the grid reaches, else zeros
        left = c[:width][::-1] if lo == low else np.zeros(width)
        right = c[-width:][::-1] if hi == high else np.zeros(width)
        if left.size < width:  # fewer bins than the kernel's half-width
            left = np.pad(left, (width - left.size, 0))
            right = np.pad(right, (0, width - right.size))
        density = np.convolve(np.concatenate([left, c, right]), kernel, mode="valid")
        return float(centers[np.argmax(density)])

    rng = as_rng(seed)
    boot = [peak(rng.multinomial(x.size, counts / x.size)) for _ in range(resamples)]
    # a peak read off a grid is known to its spacing at best (uniform error dx/sqrt 12)
    spread = np.std(boot, ddof=1)
    return dict(peak=peak(counts), peak_se=float(np.sqrt(spread**2 + dx**2 / 12)))


def median_estimate(x, *, resamples: int = BOOTSTRAP_RESAMPLES, seed=0) -> dict:
    """The sample median with a bootstrap standard error.

    Parameters
    ----------
    x : array_like of float
        The sample (at least two values, finite).
    resamples : int, optional
        Bootstrap resamples (``>= 2``).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the bootstrap.

    Returns
    -------
    dict
        ``median`` (units of ``x``) and ``median_se`` (standard deviation of
        the median over the resamples, ``ddof=1``), as floats.

    Raises
    ------
    ValueError
        If ``x`` has fewer than two values or one that is not finite, or
        ``resamples < 2``.
    TypeError
        If ``resamples`` is not an integer or ``seed`` has an invalid type.

    Examples
    --------
    >>> d = median_estimate(np.arange(101.0))
    >>> d["median"], bool(2 < d["median_se"] < 8)  # ~ 1.25 sigma / sqrt(m) = 3.6
    (50.0, True)
    """
    from .._checks import as_rng, check_int

    x = _check_location_sample(x)
    resamples = check_int(resamples, "resamples", minimum=2)
    rng = as_rng(seed)
    boot = np.median(x[rng.integers(x.size, size=(resamples, x.size))], axis=1)
    return dict(median=float(np.median(x)), median_se=float(boot.std(ddof=1)))
