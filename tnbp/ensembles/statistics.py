"""Statistics of ensembles of random instances: variances, their errors, effective sizes."""

from __future__ import annotations

import numpy as np

#: A variance is flagged unreliable when its effective sample size
#: (:func:`variance_ess`) is below this fraction of the samples (Gaussian: 1/3).
RELIABLE_ESS_FRACTION = 0.1


def sample_stats(g: np.ndarray) -> dict:
    """Row statistics of sampled derivatives ``g``."""
    ess = variance_ess(g)
    return dict(
        mean=float(g.mean()),
        variance=float(g.var(ddof=1)) if len(g) > 1 else float("nan"),
        variance_se=variance_standard_error(g),
        variance_ess=ess,
        variance_reliable=ess >= RELIABLE_ESS_FRACTION * len(g),
    )


def exact_stats(m: np.ndarray) -> dict:
    """Row statistics of exact per-structure second moments ``m`` (zero mean)."""
    se = m.std(ddof=1) / np.sqrt(len(m)) if len(m) > 1 else float("nan")
    return dict(
        mean=0.0,
        variance=float(m.mean()),
        variance_se=float(se),
        variance_ess=float("nan"),
    )


def variance_ess(x: np.ndarray) -> float:
    """Effective number of samples behind the variance: (sum d^2)^2 / sum d^4.

    About m/3 for Gaussian data; of order 1 when a few samples carry the whole
    variance (heavy tails, as for global costs at large n).
    """
    d2 = (x - x.mean()) ** 2
    denom = float(np.sum(d2 * d2))
    return float(np.sum(d2) ** 2 / denom) if denom > 0 else float(x.size)


def variance_standard_error(x: np.ndarray) -> float:
    """Standard error of the sample variance, from the fourth central moment."""
    m = x.size
    if m < 4:
        return float("nan")
    d = x - x.mean()
    var, mu4 = d.var(ddof=1), np.mean(d**4)
    return float(np.sqrt(max(mu4 - (m - 3) / (m - 1) * var**2, 0.0) / m))
