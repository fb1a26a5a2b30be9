r"""Area, log or volume law of entanglement, decided from the evidence physics uses.

Let :math:`S(\ell)` be the entropy (bits) of the first :math:`\ell` of :math:`n`
qubits of a pure state, :math:`m = \min(\ell, n - \ell)` the smaller side of the
cut and :math:`\ell_c = \tfrac{n}{\pi}\sin\tfrac{\pi\ell}{n}` the chord length.
Three laws are told apart:

- **area** (Eisert, Cramer and Plenio 2010): the block entropy *saturates* once
  the block is wider than a correlation length :math:`\xi`. A depth-:math:`d`
  circuit of nearest-neighbour gates acting on a product state has
  :math:`\xi \le 2d` (its lightcone), so in the bulk :math:`S(\ell)` is a
  plateau with fluctuations from the random gates, whatever ``n``.
- **log** (Calabrese and Cardy 2004): a critical chain with open boundaries
  and the block at one end has

  .. math::

      S(\ell) = \frac{c}{6} \log_2\!\Big[\frac{2n}{\pi}
      \sin\frac{\pi\ell}{n}\Big] + s_0
      = \frac{c}{6} \log_2 \ell_c + s_0',

  one boundary point, hence :math:`c/6` rather than the :math:`c/3` of a
  periodic chain; the Renyi-:math:`\alpha` entropies have
  :math:`\tfrac{c}{12}(1 + 1/\alpha)` instead of :math:`c/6`. Lattice
  corrections oscillate as :math:`(-1)^\ell/\ell_c` at half filling (the XX
  chain, Laflorencie et al. 2006). The growth per doubling of
  :math:`\ell_c` is the same at every scale.
- **volume** (Page 1993): :math:`S \approx v\,m` with a constant density
  :math:`v` (bits per qubit) at every scale; a Haar-random state follows
  Page's curve :math:`S \approx m - 2^{2m - n}/(2\ln 2)`, the
  :math:`\min(\ell, n-\ell)` line less :math:`1/(2\ln 2) = 0.72` bit at
  half filling.

**Evidence.** The cuts are split into the *edges*
(:math:`m \le \lceil n/4 \rceil`) and the *bulk* (:math:`m \ge
\lfloor n/2 \rfloor / 2`, half the largest block size: the central half of
the chain, :math:`m \ge n/4` for even ``n``; for odd ``n`` the largest
:math:`m` is :math:`(n-1)/2`, so that :math:`n = 13` has the 4 bulk sizes
3..6 and not only 4..6). In each window :math:`S` is fitted by least
squares with a slope :math:`v` in :math:`m` (bits per qubit) and, separately,
a slope :math:`c_{\log}` in :math:`\log_2 \ell_c` (bits per doubling; the
central charge is :math:`c = 6 c_{\log}` for von Neumann entropies), each with
a parity term (:math:`(-1)^\ell` in the bulk, :math:`(-1)^\ell/\ell_c` at the
edges) that absorbs even/odd effects (brickwork layers, Friedel
oscillations). Neighbouring cuts share gates, so their fluctuations are
correlated: each standard error is the residual-variance one times
:math:`\sqrt{\tau}`, :math:`\tau = 1 + 2\sum_k \rho_k` the integrated
autocorrelation time of the residuals (sum over the initial positive
:math:`\rho_k`). A slope *grows* when it exceeds both ``min_slope`` and three
standard errors. The verdict:

1. ``undetermined`` when the bulk holds fewer than 4 distinct block sizes or
   the edges fewer than 3 (a whole profile needs ``n >= 12``).
2. ``volume`` when :math:`v` grows in the bulk at the rate it has near the
   edges (within a factor 2): a constant entropy density, no saturation.
   :math:`v` growing in the bulk at another rate is ``undetermined``: more
   slowly, the entanglement saturates at a scale comparable to ``n``; faster,
   it is concentrated in the middle (or the plateau fluctuates over a scale
   comparable to the bulk).
3. ``log`` when :math:`v` does not grow but :math:`c_{\log}` does, with the
   same :math:`c_{\log}` in the bulk as near the edges (within a factor 2):
   scale invariance. A bulk :math:`c_{\log}` that grows but is less than half
   the edge one is ``undetermined`` (a correlation length comparable to
   :math:`n/4`).
4. ``area`` otherwise: the bulk is a plateau, or drifts by less than
   ``min_slope`` bits per qubit without following a log law.

The Page correction is reported as the mean distance of the bulk below
Page's curve (0 for Haar-random states). With profiles at several sizes,
:func:`entanglement_law` also fits the growth with ``n`` of the bulk mean
(plateau) entropy, which for a volume law rises by :math:`v` per qubit of the
bulk-mean :math:`m`, for a log law by :math:`c/6` per doubling of ``n``, and
for an area law not at all (:class:`SizeGrowth`). The two growth models
have the same number of parameters and are compared by their
:math:`\chi^2`; two sizes, which both fit exactly, show growth but never its
form.

The three single-law fits of the older interface (:math:`s_0`,
:math:`s_0 + c_{\log}\log_2 \ell_c`, :math:`s_0 + v m` over all cuts, with
their Bayesian information criteria) are kept as the per-law fit quality; on
their own they mistook the edge rise of shallow circuits for a log law.

References
----------
.. [1] J. Eisert, M. Cramer and M. B. Plenio, "Area laws for the entanglement
   entropy", Rev. Mod. Phys. 82, 277 (2010), arXiv:0808.3773.
.. [2] P. Calabrese and J. Cardy, "Entanglement entropy and quantum field
   theory", J. Stat. Mech. P06002 (2004), arXiv:hep-th/0405152 (a finite
   system with a boundary, block at the end:
   :math:`(c/6)\log[(2L/\pi a)\sin(\pi\ell/L)] + c_1'`).
.. [3] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
   1291 (1993), arXiv:gr-qc/9305007.
.. [4] N. Laflorencie, E. S. Sorensen, M.-S. Chang and I. Affleck, "Boundary
   effects in the critical scaling of entanglement entropy in 1D systems",
   Phys. Rev. Lett. 96, 100603 (2006), arXiv:cond-mat/0512475.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._checks import check_alpha, check_int, check_real
from ..references.theory import page_entropy
from ..states.base import State
from .entropy import entropy_profile

LAWS = ("area", "log", "volume")
#: the verdicts :func:`fit_entanglement_law` can return
VERDICTS = (*LAWS, "undetermined")
#: a slope grows only beyond this many standard errors
SIGNIFICANCE = 3.0
#: a law's coefficient must agree between the bulk and the edges within this factor
CONSISTENCY = 2.0
#: distinct block sizes needed in the bulk and at the edges for a verdict
MIN_BULK_SIZES, MIN_EDGE_SIZES = 4, 3
#: rounding allowed (bits) outside ``0 <= S(l) <= min(l, n - l)``: entropies
#: computed from exact spectra stay within 1e-12 of the bounds
ENTROPY_ROUNDING = 1e-9
#: floor (bits) on the standard error of a plateau mean, for exact profiles
_MEAN_ERR_FLOOR = 1e-9


@dataclasses.dataclass(frozen=True)
class WindowFit:
    r"""The entropy profile over one window of cuts (the bulk or the edges).

    Attributes
    ----------
    sizes : numpy.ndarray of float64, shape (N,)
        The block sizes :math:`\ell` of the window, ascending.
    mean : float
        Mean entropy over the window, in bits (the plateau, for the bulk).
    mean_err : float
        Standard error of ``mean`` (bits): the residual spread about the
        best-fitting window model times :math:`\sqrt{\tau/N}`.
    spread : float
        Sample standard deviation of the window's entropies, in bits.
    slope, slope_err : float
        Least-squares slope :math:`v` of :math:`S` in :math:`m =
        \min(\ell, n-\ell)` (with intercept and parity term), bits per qubit,
        and its standard error (widened by :math:`\sqrt{\tau}`).
    log_slope, log_slope_err : float
        Slope :math:`c_{\log}` of :math:`S` in :math:`\log_2 \ell_c`, bits per
        doubling of the chord length, and its standard error.
    """

    sizes: np.ndarray
    mean: float
    mean_err: float
    spread: float
    slope: float
    slope_err: float
    log_slope: float
    log_slope_err: float

    def to_dict(self, prefix: str) -> dict:
        """Flat summary with keys ``<prefix>_<field>``.

        Parameters
        ----------
        prefix : str
            Prepended to every key (``"bulk"``, ``"edge"``).

        Returns
        -------
        dict
            The scalar fields (bits, bits per qubit, bits per doubling) and
            ``<prefix>_cuts``, the number of cuts in the window.
        """
        out = {f"{prefix}_cuts": int(self.sizes.size)}
        for field in dataclasses.fields(self):
            if field.name != "sizes":
                out[f"{prefix}_{field.name}"] = getattr(self, field.name)
        return out


@dataclasses.dataclass(frozen=True)
class SizeGrowth:
    r"""Growth of the plateau entropy with the number of qubits.

    For profiles at several ``n``, the bulk mean :math:`\bar S(n)` is fitted,
    weighted by its standard error, as :math:`a + v\,\bar m(n)` (volume,
    :math:`\bar m` the bulk mean of :math:`\min(\ell, n-\ell)`) and as
    :math:`a + c_{\log}\,\overline{\log_2 \ell_c}(n)` (log; the regressor grows
    by 1 per doubling of ``n``). Errors are scaled up by
    :math:`\sqrt{\chi^2/\mathrm{dof}}` when the points scatter more than their
    errors.

    Attributes
    ----------
    n_values : tuple of int
        The sizes, ascending.
    plateau_means, plateau_errs : numpy.ndarray of float64, shape (k,)
        Bulk mean entropy at each size and its standard error, in bits.
    half_chain : numpy.ndarray of float64, shape (k,)
        The entropy at the cut ``n // 2`` (bits; NaN where not given).
    slope, slope_err : float
        :math:`v` across sizes, bits per qubit, and its standard error.
    log_slope, log_slope_err : float
        :math:`c_{\log}` across sizes, bits per doubling of ``n``, and its
        standard error.
    law : {"area", "log", "volume", "undetermined"}
        ``area`` if neither slope grows (growth as in
        :mod:`tnbp.estimators.scaling`); else the law whose slope grows, once
        the other model is ruled out: by a slope that does not grow and does
        not fit better, or by a chi-square larger by more than
        ``SIGNIFICANCE**2 = 9`` (the two models have the same number of
        parameters); else ``undetermined``: the plateau grows, in a form the
        sizes cannot tell. Two sizes never tell linear from logarithmic
        growth: both models fit them exactly.
    chi2_volume, chi2_log : float
        Weighted :math:`\chi^2` of the two fits (0 for two sizes).
    """

    n_values: tuple[int, ...]
    plateau_means: np.ndarray
    plateau_errs: np.ndarray
    half_chain: np.ndarray
    slope: float
    slope_err: float
    log_slope: float
    log_slope_err: float
    law: str
    chi2_volume: float = math.nan
    chi2_log: float = math.nan


@dataclasses.dataclass(frozen=True)
class ScalingFit:
    r"""Verdict and evidence of :func:`fit_entanglement_law` / :func:`entanglement_law`.

    Attributes
    ----------
    law : {"area", "log", "volume", "undetermined"}
        The verdict (rules in :mod:`tnbp.estimators.scaling`).
    reason : str
        Why, with the numbers that decided it.
    coefficients : dict of str to tuple of float
        Per-law fits over all cuts: ``area: (s0,)``, ``log: (s0, c_log)``,
        ``volume: (s0, v)``, in bits (per qubit for ``v``, per doubling of the
        chord length for ``c_log``).
    errors : dict of str to tuple of float
        Residual-variance standard errors of ``coefficients``, same layout.
    bic : dict of str to float
        Bayesian information criterion :math:`N\ln(\mathrm{RSS}/N) + k\ln N`
        of each per-law fit (lower fits better).
    sizes : numpy.ndarray of float64, shape (N,)
        The block sizes, ascending.
    entropies : numpy.ndarray of float64, shape (N,)
        Their entropies, in bits.
    n : int
        Total number of qubits.
    bulk, edge : WindowFit or None
        Fits over the bulk (:math:`m \ge \lfloor n/2 \rfloor / 2`) and the edges
        (:math:`m \le \lceil n/4 \rceil`); None for a window of fewer than 4
        cuts.
    page_deficit : float
        Mean of Page's entropy minus :math:`S` over the bulk cuts, in bits
        (0 for Haar-random states; NaN without bulk).
    alpha : float
        Renyi order of the entropies (sets :attr:`central_charge`).
    min_slope : float
        The growth threshold used (bits per qubit or per doubling).
    size_growth : SizeGrowth or None
        Growth with ``n`` when profiles at several sizes were given.
    caveats : tuple of str
        Caveats of the states the data came from, if any.
    """

    law: str
    reason: str
    coefficients: dict
    errors: dict
    bic: dict
    sizes: np.ndarray
    entropies: np.ndarray
    n: int
    bulk: WindowFit | None
    edge: WindowFit | None
    page_deficit: float
    alpha: float = 1.0
    min_slope: float = 0.05
    size_growth: SizeGrowth | None = None
    caveats: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        """Whether the data came from states without caveats."""
        return not self.caveats

    @property
    def slope(self) -> float:
        """Volume-law coefficient ``v`` of the fit over all cuts (bits per qubit)."""
        return self.coefficients["volume"][1]

    @property
    def slope_err(self) -> float:
        """Standard error of :attr:`slope` (bits per qubit)."""
        return self.errors["volume"][1]

    @property
    def central_charge(self) -> float:
        r"""Central charge from the bulk log fit: :math:`12\alpha/(1+\alpha)\,c_{\log}`.

        Calabrese and Cardy's :math:`S_\alpha = \tfrac{c}{12}(1 + 1/\alpha)
        \log_2 \ell_c + s_0` with one boundary point, so ``6 c_log`` for von
        Neumann entropies; NaN without bulk or for ``alpha = 0``.
        """
        return _charge_factor(self.alpha) * (
            self.bulk.log_slope if self.bulk else math.nan
        )

    @property
    def central_charge_err(self) -> float:
        """Standard error of :attr:`central_charge` (NaN without bulk)."""
        return _charge_factor(self.alpha) * (
            self.bulk.log_slope_err if self.bulk else math.nan
        )

    @property
    def plateau_mean(self) -> float:
        """Mean entropy over the bulk cuts, in bits (NaN without bulk)."""
        return self.bulk.mean if self.bulk else math.nan

    @property
    def plateau_spread(self) -> float:
        """Standard deviation of the bulk entropies, in bits (NaN without bulk)."""
        return self.bulk.spread if self.bulk else math.nan

    def to_dict(self) -> dict:
        """Flat summary: verdict, evidence, per-law coefficients, errors and BIC.

        Returns
        -------
        dict
            ``law``, ``reason``, ``n``, ``caveats`` (joined by ``;``),
            ``central_charge`` and its ``_err``, ``page_deficit``; the
            :meth:`WindowFit.to_dict` entries of ``bulk`` and ``edge``; for each
            per-law fit ``<model>_<coef>`` and ``<model>_<coef>_err``
            (coefficients ``s0``, ``c_log``, ``v``; bits) and ``<model>_bic``;
            with several sizes, ``size_law``, ``size_slope``, ``size_log_slope``
            and their ``_err``.
        """
        out = {
            "law": self.law,
            "reason": self.reason,
            "n": self.n,
            "caveats": ";".join(self.caveats),
            "central_charge": self.central_charge,
            "central_charge_err": self.central_charge_err,
            "page_deficit": self.page_deficit,
        }
        for name, window in (("bulk", self.bulk), ("edge", self.edge)):
            if window is not None:
                out.update(window.to_dict(name))
        for model in LAWS:
            names = ("s0",) + {"area": (), "log": ("c_log",), "volume": ("v",)}[model]
            for name, c, e in zip(names, self.coefficients[model], self.errors[model]):
                out[f"{model}_{name}"] = c
                out[f"{model}_{name}_err"] = e
            out[f"{model}_bic"] = self.bic[model]
        if self.size_growth is not None:
            g = self.size_growth
            out.update(
                size_law=g.law,
                size_slope=g.slope,
                size_slope_err=g.slope_err,
                size_log_slope=g.log_slope,
                size_log_slope_err=g.log_slope_err,
            )
        return out


def _charge_factor(alpha: float) -> float:
    """``c / c_log`` for Renyi order ``alpha``: ``12 alpha / (1 + alpha)``."""
    if alpha == 0:
        return math.nan
    return 12.0 if math.isinf(alpha) else 12.0 * alpha / (1.0 + alpha)


def _lstsq(X: np.ndarray, y: np.ndarray):
    """Least squares: coefficients, residual-variance standard errors, residuals."""
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    rss = float(resid @ resid)
    dof = max(len(y) - X.shape[1], 1)
    cov = np.linalg.pinv(X.T @ X) * rss / dof
    return coef, np.sqrt(np.clip(np.diag(cov), 0, None)), resid


def _autocorrelation_time(resid: np.ndarray) -> float:
    r""":math:`\tau = 1 + 2\sum_k \rho_k` over the initial positive autocorrelations."""
    r = resid - resid.mean()
    var = float(r @ r)
    if var <= 1e-28 * len(r):  # an exact fit: nothing to correlate
        return 1.0
    tau = 1.0
    for k in range(1, len(r)):
        rho = float(r[:-k] @ r[k:]) / var
        if rho <= 0:
            break
        tau += 2 * rho
    return min(tau, float(len(r)))


def _robust_fit(X: np.ndarray, y: np.ndarray):
    """Least squares with errors widened by the residuals' autocorrelation time."""
    coef, err, resid = _lstsq(X, y)
    tau = _autocorrelation_time(resid)
    return coef, err * math.sqrt(tau), resid, tau


def _window_fit(ell, S, n, parity) -> WindowFit | None:
    """Slopes in ``m`` and in ``log2`` of the chord, with a parity regressor."""
    if ell.size < 4:
        return None
    m = np.minimum(ell, n - ell)
    ones = np.ones_like(ell)
    chord = np.log2(n / np.pi * np.sin(np.pi * ell / n))
    designs = {
        "flat": np.column_stack([ones, parity]),
        "volume": np.column_stack([ones, m, parity]),
        "log": np.column_stack([ones, chord, parity]),
    }
    fits = {model: _robust_fit(X, S) for model, X in designs.items()}
    # the plateau's error: residual spread about the best model, correlated cuts
    best = min(fits, key=lambda model: float(fits[model][2] @ fits[model][2]))
    _, _, resid, tau = fits[best]
    dof = max(ell.size - designs[best].shape[1], 1)
    sigma = math.sqrt(float(resid @ resid) / dof)
    return WindowFit(
        sizes=ell,
        mean=float(S.mean()),
        mean_err=max(sigma * math.sqrt(tau / ell.size), _MEAN_ERR_FLOOR),
        spread=float(S.std(ddof=1)),
        slope=float(fits["volume"][0][1]),
        slope_err=float(fits["volume"][1][1]),
        log_slope=float(fits["log"][0][1]),
        log_slope_err=float(fits["log"][1][1]),
    )


def _grows(value: float, err: float, min_slope: float) -> bool:
    return value >= min_slope and value > SIGNIFICANCE * err


def _consistent(bulk: float, edge: float, edge_err: float) -> bool:
    """The bulk coefficient equals a significant edge one within :data:`CONSISTENCY`."""
    if not edge > SIGNIFICANCE * edge_err or edge <= 0:
        return False
    return 1 / CONSISTENCY <= bulk / edge <= CONSISTENCY


def _pm(value: float, err: float, digits: int = 3) -> str:
    return f"{value:.{digits}f} +- {err:.{digits}f}"


def _verdict(bulk, edge, n, min_slope, factor) -> tuple[str, str]:
    """The law and its reason from the window fits (rules in the module docstring)."""
    if bulk is None or edge is None:
        return "undetermined", (
            f"too few cuts to separate the edges from the bulk at n = {n} "
            f"(need {MIN_BULK_SIZES} block sizes with min(l, n-l) >= floor(n/2)/2 and "
            f"{MIN_EDGE_SIZES} with min(l, n-l) <= ceil(n/4); a whole profile "
            "needs n >= 12)"
        )
    n_bulk = np.unique(np.minimum(bulk.sizes, n - bulk.sizes)).size
    n_edge = np.unique(np.minimum(edge.sizes, n - edge.sizes)).size
    if n_bulk < MIN_BULK_SIZES or n_edge < MIN_EDGE_SIZES:
        return "undetermined", (
            f"too few block sizes at n = {n}: {n_bulk} in the bulk (need "
            f"{MIN_BULK_SIZES}) and {n_edge} at the edges (need {MIN_EDGE_SIZES}); "
            "a whole profile needs n >= 12"
        )
    window = f"cuts {int(bulk.sizes[0])}..{int(bulk.sizes[-1])}"
    v_b, v_e = _pm(bulk.slope, bulk.slope_err), _pm(edge.slope, edge.slope_err)
    c_b = _pm(factor * bulk.log_slope, factor * bulk.log_slope_err, 2)
    c_e = _pm(factor * edge.log_slope, factor * edge.log_slope_err, 2)
    if _grows(bulk.slope, bulk.slope_err, min_slope):
        if _consistent(bulk.slope, edge.slope, edge.slope_err):
            return "volume", (
                f"S grows linearly up to the middle at the same rate in the bulk "
                f"({window}: v = {v_b} bits/qubit) as near the edges (v = {v_e})"
            )
        if bulk.slope < edge.slope / CONSISTENCY:
            why = (
                "the growth slows down but has not stopped: a saturation length "
                "comparable to n"
            )
        else:
            why = (
                "the bulk rises faster than the edges: entanglement concentrated "
                "in the middle, or a fluctuation of the plateau as large as the bulk"
            )
        return "undetermined", (
            f"S grows in the bulk ({window}: v = {v_b} bits/qubit, above "
            f"min_slope = {min_slope}) at another rate than near the edges "
            f"(v = {v_e}): neither a constant entropy density (volume law) nor a "
            f"plateau; {why} (try larger n, or several sizes)"
        )
    if _grows(bulk.log_slope, bulk.log_slope_err, min_slope):
        if bulk.slope >= min_slope:  # a log law's bulk is flat: v ~ c / n
            return "undetermined", (
                f"S rises in the bulk ({window}: v = {v_b} bits/qubit, at least "
                f"min_slope = {min_slope} though within {SIGNIFICANCE:g} standard "
                f"errors of it) and fits a log law (c = {c_b} in the bulk, {c_e} "
                "near the edges): slow linear growth and a log law cannot be told "
                "apart at this size (try larger n, or several sizes)"
            )
        if _consistent(bulk.log_slope, edge.log_slope, edge.log_slope_err):
            return "log", (
                f"S follows (c/6) log2 of the chord length with the same c in the "
                f"bulk ({window}: c = {c_b}) as near the edges (c = {c_e}), and "
                f"grows by less than min_slope = {min_slope} bits/qubit "
                f"(v = {v_b})"
            )
        if edge.log_slope > SIGNIFICANCE * edge.log_slope_err and (
            bulk.log_slope < edge.log_slope / CONSISTENCY
        ):
            return "undetermined", (
                f"S still grows in the bulk ({window}: c = {c_b}) but more slowly "
                f"than near the edges (c = {c_e}): a correlation length comparable "
                "to n/4, neither a plateau nor a log law at this size (try larger n)"
            )
    if _grows(bulk.log_slope, bulk.log_slope_err, min_slope):
        log_part = (
            f"a drift that is not a log law: c = {c_b} in the bulk, {c_e} near the "
            "edges, where a log law has the same c"
        )
    else:
        log_part = f"no log law (c = {c_b} in the bulk, {c_e} near the edges)"
    return "area", (
        f"S saturates: the bulk ({window}) is a plateau of {bulk.mean:.3f} bits "
        f"(spread {bulk.spread:.3f}) with slope v = {v_b} bits/qubit (below "
        f"min_slope = {min_slope} or within {SIGNIFICANCE:g} standard errors) "
        f"and {log_part}"
    )


def fit_entanglement_law(
    sizes, entropies, *, n: int, min_slope: float = 0.05, alpha: float = 1
) -> ScalingFit:
    r"""Decide the area, log or volume law of block entropies of the first ``ell`` qubits.

    Fits the edge and bulk windows and applies the rules of
    :mod:`tnbp.estimators.scaling`: volume law for a constant entropy
    density :math:`v` in :math:`S \approx s_0 + v \min(\ell, n-\ell)`; log law
    for a constant :math:`c` in :math:`S = \tfrac{c}{6}\log_2[\tfrac{2n}{\pi}
    \sin\tfrac{\pi\ell}{n}] + s_0` (Calabrese-Cardy, open chain, block at the
    end; fitted with :math:`\ell_c = \tfrac{n}{\pi}\sin\tfrac{\pi\ell}{n}`,
    the factor 2 going into :math:`s_0`); area law when the bulk is a plateau;
    ``undetermined`` when the data cannot tell. The models assume a pure state (:math:`S(\ell)` the
    entanglement of the cut).

    Parameters
    ----------
    sizes : array_like of int
        Block sizes :math:`\ell`, distinct, with ``1 <= ell <= n - 1``.
    entropies : array_like of float
        Their entropies, in bits: real, in ``[0, min(ell, n - ell)]``.
    n : int
        Total number of qubits, at least 4.
    min_slope : float, optional
        Smallest growth accepted: ``v`` in bits per qubit for the volume law,
        ``c_log = c/6`` in bits per doubling of the chord length for the log
        law (default 0.05: ``c >= 0.3``).
    alpha : float, optional
        Renyi order of ``entropies`` (converts ``c_log`` to the central
        charge); default 1.

    Returns
    -------
    ScalingFit
        The verdict, its ``reason``, the bulk and edge window fits, the Page
        deficit, the central charge and the per-law fits over all cuts.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, ``min_slope`` or ``alpha`` is not a real
        number, or ``sizes`` or ``entropies`` is not an array of real numbers
        (complex included).
    ValueError
        If ``n < 4``, ``sizes`` and ``entropies`` are not 1-D of equal length,
        hold fewer than 3 points, a size is not an integer, lies outside
        ``1..n-1`` or repeats, an entropy is not finite or lies outside
        ``0 <= S <= min(ell, n - ell)`` by more than :data:`ENTROPY_ROUNDING`
        (bits of qubits), ``min_slope`` is negative or not finite, or ``alpha``
        is negative or NaN.

    References
    ----------
    .. [1] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007 (volume law of random states).
    .. [2] P. Calabrese and J. Cardy, "Entanglement entropy and quantum field
       theory", J. Stat. Mech. P06002 (2004), arXiv:hep-th/0405152 (the
       chord-length law of critical chains).
    .. [3] J. Eisert, M. Cramer and M. B. Plenio, "Area laws for the
       entanglement entropy", Rev. Mod. Phys. 82, 277 (2010), arXiv:0808.3773.
    .. [4] G. Schwarz, "Estimating the dimension of a model", Ann. Stat. 6,
       461 (1978) (the Bayesian information criterion of the per-law fits).
    .. [5] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Sec. III and Proposition 1 (area versus volume law and trainability).

    Examples
    --------
    The Page curve of Haar-random states is volume-law:

    >>> import numpy as np
    >>> from tnbp import theory
    >>> ell = np.arange(1, 20)
    >>> S = [theory.page_entropy(int(k), 20 - int(k)) for k in ell]
    >>> fit_entanglement_law(ell, S, n=20).law
    'volume'

    A critical chain, :math:`c = 1`:

    >>> ell = np.arange(1, 64)
    >>> S = 0.7 + np.log2(64 / np.pi * np.sin(np.pi * ell / 64)) / 6
    >>> fit = fit_entanglement_law(ell, S, n=64)
    >>> fit.law, round(fit.central_charge, 6)
    ('log', 1.0)
    """
    n = check_int(n, "n", minimum=4)
    min_slope = check_real(min_slope, "min_slope")
    alpha = check_alpha(alpha)
    if min_slope < 0:
        raise ValueError(f"`min_slope` must be >= 0, got {min_slope}.")
    ell = _real_array(sizes, "sizes")
    S = _real_array(entropies, "entropies")
    if ell.ndim != 1 or ell.shape != S.shape:
        raise ValueError("`sizes` and `entropies` must be 1-D arrays of equal length.")
    if len(ell) < 3:
        raise ValueError(f"`sizes`: need at least 3 points to fit, got {len(ell)}.")
    if not np.all(np.isfinite(ell)) or np.any(ell != np.round(ell)):
        raise ValueError(f"`sizes` must be integers (block sizes), got {ell}.")
    if np.any(ell < 1) or np.any(ell > n - 1):
        raise ValueError(f"`sizes` must lie in 1..n-1 = {n - 1}.")
    if np.unique(ell).size != ell.size:
        raise ValueError("`sizes` must be distinct.")
    _check_entropies(S, ell, n, "entropies")
    order = np.argsort(ell)
    ell, S = ell[order], S[order]
    ones = np.ones_like(ell)
    m = np.minimum(ell, n - ell)
    chord = n / np.pi * np.sin(np.pi * ell / n)
    designs = {
        "area": ones[:, None],
        "log": np.column_stack([ones, np.log2(chord)]),
        "volume": np.column_stack([ones, m]),
    }
    N = len(S)
    floor = 1e-24 * N  # RSS floor: exact fits must not give -inf
    coefs, errs, bic = {}, {}, {}
    for model, X in designs.items():
        c, e, resid = _lstsq(X, S)
        coefs[model] = tuple(float(x) for x in c)
        errs[model] = tuple(float(x) for x in e)
        rss = float(resid @ resid)
        bic[model] = float(N * np.log(max(rss, floor) / N) + X.shape[1] * np.log(N))

    sign = (-1.0) ** ell
    in_bulk, in_edge = m >= (n // 2) / 2, m <= math.ceil(n / 4)
    bulk = _window_fit(ell[in_bulk], S[in_bulk], n, sign[in_bulk])
    edge = _window_fit(ell[in_edge], S[in_edge], n, (sign / chord)[in_edge])
    page_deficit = math.nan
    if bulk is not None:
        page = [page_entropy(int(k), n - int(k)) for k in bulk.sizes]
        page_deficit = float(np.mean(page - S[in_bulk]))
    law, reason = _verdict(bulk, edge, n, min_slope, _charge_factor(alpha))
    if law == "volume":
        reason += (
            f"; the bulk lies {page_deficit:.3f} bits below Page's curve on average "
            "(0 for Haar-random states)"
        )
    return ScalingFit(
        law=law,
        reason=reason,
        coefficients=coefs,
        errors=errs,
        bic=bic,
        sizes=ell,
        entropies=S,
        n=int(n),
        bulk=bulk,
        edge=edge,
        page_deficit=page_deficit,
        alpha=alpha,
        min_slope=min_slope,
    )


def _real_array(values, name: str) -> np.ndarray:
    """``values`` as a float array; complex or non-numeric input is refused."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:  # ragged nested sequences
        raise TypeError(f"`{name}` must be an array of real numbers.") from err
    if np.iscomplexobj(arr):
        raise TypeError(f"`{name}` must be real, got a complex array.")
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must be an array of real numbers, got dtype {arr.dtype}."
        )
    return arr.astype(float)


def _check_entropies(S: np.ndarray, ell: np.ndarray, n: int, name: str) -> None:
    r"""Refuse values that are not entropies (bits) of the cuts ``ell`` of ``n`` qubits.

    Every Renyi entropy of :math:`\ell` of :math:`n` qubits lies in
    :math:`[0, \min(\ell, n - \ell)]` bits; :data:`ENTROPY_ROUNDING` allows
    for rounding.
    """
    if not np.all(np.isfinite(S)):
        raise ValueError(f"`{name}` must be finite.")
    m = np.minimum(ell, n - ell)
    bad = np.flatnonzero((S < -ENTROPY_ROUNDING) | (S > m + ENTROPY_ROUNDING))
    if bad.size:
        k = bad[0]
        raise ValueError(
            f"`{name}` must be entropies in bits, between 0 and min(l, n - l) "
            f"(the qubits of the smaller side), up to rounding: S = {S[k]:.6g} at "
            f"l = {int(ell[k])} of n = {n} (bound {int(m[k])}; {bad.size} such "
            "values)."
        )


def _size_growth(fits: list[ScalingFit], min_slope: float) -> SizeGrowth | None:
    """Weighted fits of the plateau entropy against ``n`` (see :class:`SizeGrowth`)."""
    fits = [f for f in fits if f.bulk is not None]
    if len({f.n for f in fits}) < 2:
        return None
    fits = sorted(fits, key=lambda f: f.n)
    y = np.array([f.bulk.mean for f in fits])
    err = np.array([f.bulk.mean_err for f in fits])
    x_vol = np.array(
        [np.minimum(f.bulk.sizes, f.n - f.bulk.sizes).mean() for f in fits]
    )
    x_log = np.array(
        [np.log2(f.n / np.pi * np.sin(np.pi * f.bulk.sizes / f.n)).mean() for f in fits]
    )
    w = 1 / err**2

    def weighted_slope(x):
        X = np.column_stack([np.ones_like(x), x])
        cov = np.linalg.pinv(X.T @ (w[:, None] * X))
        coef = cov @ X.T @ (w * y)
        chi2 = float(w @ (y - X @ coef) ** 2)
        dof = len(y) - 2
        scale = max(1.0, chi2 / dof) if dof > 0 else 1.0
        return float(coef[1]), float(math.sqrt(cov[1, 1] * scale)), chi2

    slope, slope_err, chi2_vol = weighted_slope(x_vol)
    log_slope, log_slope_err, chi2_log = weighted_slope(x_log)
    grows = {
        "volume": _grows(slope, slope_err, min_slope),
        "log": _grows(log_slope, log_slope_err, min_slope),
    }
    # both models have two parameters: the one that fits worse is rejected
    # when its chi-square exceeds the other's by SIGNIFICANCE**2 (never with
    # two sizes, which both fit exactly)
    chi2 = {"volume": chi2_vol, "log": chi2_log}
    rejected = {
        model: chi2[model] - chi2[other] > SIGNIFICANCE**2
        for model, other in (("volume", "log"), ("log", "volume"))
    }
    candidates = [m for m in ("volume", "log") if grows[m] and not rejected[m]]
    if not any(grows.values()):
        law = "area"
    elif len(candidates) == 1:
        law = candidates[0]
    else:  # growth of a form the sizes cannot tell
        law = "undetermined"
    half = []
    for f in fits:
        hit = np.flatnonzero(f.sizes == f.n // 2)
        half.append(float(f.entropies[hit[0]]) if hit.size else math.nan)
    return SizeGrowth(
        n_values=tuple(f.n for f in fits),
        plateau_means=y,
        plateau_errs=err,
        half_chain=np.array(half),
        slope=slope,
        slope_err=slope_err,
        log_slope=log_slope,
        log_slope_err=log_slope_err,
        law=law,
        chi2_volume=chi2_vol,
        chi2_log=chi2_log,
    )


def _profile(item, alpha: float):
    """``(entropies, caveats)`` of a state or of a profile over cuts ``1..n-1``."""
    if isinstance(item, State):
        if not item.is_pure:
            raise ValueError(
                "`state` must be pure: the block entropy of a mixed state is not "
                "its entanglement (a Gibbs state's profile shows its thermal "
                "entropy); use tnbp.mutual_information."
            )
        profile = entropy_profile(item, alpha)
        return np.asarray(profile), tuple(profile.caveats)
    caveats = tuple(getattr(item, "caveats", ()))
    try:
        S = _real_array(item, "state")
    except TypeError as err:
        raise TypeError(
            "`state` must be a State, an entropy profile (1-D array of real "
            f"entropies over the cuts 1..n-1) or a list of them, got {type(item)!r}"
            f" ({err})."
        ) from err
    if S.ndim != 1 or S.size < 3:
        raise ValueError(
            "`state`: an entropy profile must be a 1-D array over the cuts 1..n-1 "
            f"of at least 4 qubits, got shape {S.shape}."
        )
    _check_entropies(S, np.arange(1, S.size + 1), S.size + 1, "state")
    return S, caveats


def entanglement_law(state, *, alpha: float = 1, min_slope: float = 0.05) -> ScalingFit:
    """Area, log or volume law of a state's entropy profile, with its evidence.

    Applies :func:`fit_entanglement_law` to the entropies of the first ``ell``
    qubits, ``ell = 1..n-1``. Given states (or profiles) at several sizes, it
    also fits the growth of the plateau entropy with ``n``
    (:class:`SizeGrowth`) and returns the fit of the largest size with the
    combined verdict: the profile's law when the growth across sizes agrees
    (``area``: no growth; ``log``: ``c/6`` per doubling; ``volume``: ``v`` per
    qubit) or when the profile is ``log`` or ``volume`` and the sizes show
    growth of a form they cannot tell (always so with two sizes), the
    growth's law when the profile is ``undetermined`` and the sizes show
    growth, else ``undetermined`` with both reasons. An ``area`` or ``log``
    verdict on a state whose bond dimension saturated (caveat
    ``bond_saturated``: some cut's entropy within the trust margin of
    ``log2(max_bond)``) becomes ``undetermined``: the cap bounds the
    entropies, so a capped volume law looks saturated.

    Parameters
    ----------
    state : State, array_like of float, or list of them
        A pure state of at least 4 qubits; or its entropy profile in bits
        (element ``k`` the entropy of qubits ``0..k``, as
        :func:`tnbp.entropy_profile` returns); or a list or tuple of states or
        profiles at distinct sizes.
    alpha : float, optional
        Renyi order: of the profile computed from a state, and of a given
        profile (it converts the log slope to a central charge).
    min_slope : float, optional
        Smallest growth accepted (see :func:`fit_entanglement_law`).

    Returns
    -------
    ScalingFit
        The verdict, ``reason`` and evidence, carrying the states' caveats
        (and the profiles', for :class:`~tnbp.estimators.estimate.EstimateArray`
        input); ``size_growth`` is set when several sizes were given.

    Raises
    ------
    TypeError
        If ``state`` is neither a State nor an array of real numbers (complex
        included), or ``alpha`` or ``min_slope`` is not a real number.
    ValueError
        If a state is mixed, a profile is not 1-D with at least 3 entries
        that are entropies (finite, in ``[0, min(ell, n - ell)]`` bits up to
        :data:`ENTROPY_ROUNDING`), several states or profiles have the same
        number of qubits, ``alpha`` is negative or NaN, or ``min_slope`` is
        negative.

    Warns
    -----
    TruncationWarning
        When a state has caveats.

    References
    ----------
    .. [1] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007 (volume law of random states).
    .. [2] P. Calabrese and J. Cardy, "Entanglement entropy and quantum field
       theory", J. Stat. Mech. P06002 (2004), arXiv:hep-th/0405152 (the
       chord-length law of critical chains).
    .. [3] J. Eisert, M. Cramer and M. B. Plenio, "Area laws for the
       entanglement entropy", Rev. Mod. Phys. 82, 277 (2010), arXiv:0808.3773.
    .. [4] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Sec. III and Proposition 1 (area versus volume law and trainability).

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(12); c.h(0)
    >>> for k in range(1, 12):
    ...     c.cnot(k - 1, k)
    >>> tnbp.entanglement_law(tnbp.simulate(c)).law  # GHZ: one bit at every cut
    'area'
    """
    alpha = check_alpha(alpha)
    several = isinstance(state, (list, tuple)) and any(
        isinstance(s, State) or np.ndim(s) >= 1 for s in state
    )
    fits, caps = [], []
    for item in state if several else [state]:
        S, caveats = _profile(item, alpha)
        if isinstance(item, State) and item.saturated_cuts:
            caps.append(item.record.max_bond)
        fit = fit_entanglement_law(
            np.arange(1, S.size + 1), S, n=S.size + 1, min_slope=min_slope, alpha=alpha
        )
        fits.append(dataclasses.replace(fit, caveats=caveats))
    sizes = [f.n for f in fits]
    if len(set(sizes)) != len(sizes):
        # one profile per size: the growth with n compares sizes, and the
        # verdict is that of the largest
        raise ValueError(
            f"`state`: the states or profiles must have distinct sizes, got n = "
            f"{sizes}; pass one per size (e.g. one seed), or call "
            "entanglement_law on each."
        )
    fit = max(fits, key=lambda f: f.n)
    caveats = tuple(dict.fromkeys(c for f in fits for c in f.caveats))
    growth = _size_growth(fits, fit.min_slope) if several else None
    law, reason = fit.law, fit.reason
    if growth is not None:
        law, reason = _combine(fit, growth)
    if "bond_saturated" in caveats and law in ("area", "log"):
        # the cap bounds S by log2(chi): a capped volume law looks saturated
        cap = (
            f"log2(chi) = {math.log2(max(caps)):.3g} bits (max_bond = {max(caps)})"
            if caps
            else "log2(max_bond)"
        )
        law, reason = (
            "undetermined",
            (
                f"plateau of {fit.plateau_mean:.3f} bits at the bond cap {cap}: the "
                "bond dimension saturated (caveat bond_saturated), so the entropies "
                "are underestimated and the saturation may be the cap's; raise "
                f"max_bond (as computed: {law}: {reason})"
            ),
        )
    return dataclasses.replace(
        fit, law=law, reason=reason, size_growth=growth, caveats=caveats
    )


def _combine(fit: ScalingFit, growth: SizeGrowth) -> tuple[str, str]:
    """The verdict from the largest size's profile and the growth across sizes."""
    if growth.law == "undetermined":
        form = (
            "growth of a form two sizes cannot tell (both fit exactly)"
            if len(growth.n_values) == 2
            else f"growth that neither model fits clearly better (chi2 = "
            f"{growth.chi2_volume:.3g} linear, {growth.chi2_log:.3g} log)"
        )
    else:
        form = f"{growth.law} law; chi2 = {growth.chi2_volume:.3g} linear, " + (
            f"{growth.chi2_log:.3g} log"
        )
    across = (
        f"across n = {', '.join(map(str, growth.n_values))} the plateau entropy "
        f"grows by v = {_pm(growth.slope, growth.slope_err)} bits/qubit and "
        f"c/6 = {_pm(growth.log_slope, growth.log_slope_err)} bits per doubling "
        f"({form})"
    )
    if growth.law == fit.law:
        law, reason = fit.law, f"{fit.reason}; {across}"
    elif growth.law == "undetermined" and fit.law in ("log", "volume"):
        # the sizes show growth, the profile its form
        law, reason = fit.law, f"{fit.reason}; {across}"
    elif fit.law == "undetermined" and growth.law != "area":
        law, reason = growth.law, f"{across}; at n = {fit.n}: {fit.reason}"
    else:
        law = "undetermined"
        reason = (
            f"the profile at n = {fit.n} indicates {fit.law} ({fit.reason}), but "
            f"{across}"
        )
    return law, reason
