r"""Area-, log- or volume-law entanglement, decided from an entropy profile.

Three models of the entropy :math:`S(\ell)` of the first :math:`\ell` of
:math:`n` qubits are fitted by least squares:

- ``area``:   :math:`S = s_0` (bounded entanglement);
- ``log``:    :math:`S = s_0 + c_{\log} \log_2 \ell_c` with the chord length
  :math:`\ell_c = \tfrac{n}{\pi}\sin\tfrac{\pi\ell}{n}`
  (critical chains; :math:`\ell_c \to \ell` for
  :math:`\ell \ll n`);
- ``volume``: :math:`S = s_0 + v \min(\ell, n - \ell)` (Page-like).

The law reported is the model with the lowest Bayesian information criterion,
:math:`N \ln(\mathrm{RSS}/N) + k \ln N`, except that a slope (``v`` or
:math:`c_{\log}`) less than ``min_slope`` or three standard errors is not
accepted as growth. Standard errors come from the residual variance.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._checks import check_alpha
from .entropy import entropy_profile

LAWS = ("area", "log", "volume")


@dataclasses.dataclass(frozen=True)
class ScalingFit:
    """Result of :func:`fit_entanglement_law`.

    Attributes
    ----------
    law : {"area", "log", "volume"}
        The law chosen (see :mod:`tnbp.estimators.scaling`).
    coefficients : dict of str to tuple of float
        ``{model: (coef, ...)}``: ``area: (s0,)``, ``log: (s0, c_log)``,
        ``volume: (s0, v)``, in bits (per qubit for ``v``, per doubling of the
        chord length for ``c_log``).
    errors : dict of str to tuple of float
        Standard errors of the coefficients, same layout.
    bic : dict of str to float
        Bayesian information criterion of each model (lower is better).
    sizes : numpy.ndarray of float64, shape (N,)
        The subsystem sizes fitted.
    entropies : numpy.ndarray of float64, shape (N,)
        The entropies fitted, in bits.
    n : int
        Total number of qubits.
    caveats : tuple of str
        Caveats of the state the data came from, if any.
    """

    law: str
    coefficients: dict
    errors: dict
    bic: dict
    sizes: np.ndarray
    entropies: np.ndarray
    n: int
    caveats: tuple[str, ...] = ()

    @property
    def slope(self) -> float:
        """Volume-law coefficient ``v`` (bits per qubit)."""
        return self.coefficients["volume"][1]

    @property
    def slope_err(self) -> float:
        """Standard error of the volume-law coefficient ``v`` (bits per qubit)."""
        return self.errors["volume"][1]

    def to_dict(self) -> dict:
        """Flat summary, one entry per coefficient, error and BIC.

        Returns
        -------
        dict
            ``law``, ``n`` and ``caveats`` (joined by ``;``), then for each
            model ``<model>_<coef>`` and ``<model>_<coef>_err`` (coefficients
            ``s0``, ``c_log``, ``v``; bits) and ``<model>_bic``.
        """
        out = {"law": self.law, "n": self.n, "caveats": ";".join(self.caveats)}
        for model in LAWS:
            names = ("s0",) + {"area": (), "log": ("c_log",), "volume": ("v",)}[model]
            for name, c, e in zip(names, self.coefficients[model], self.errors[model]):
                out[f"{model}_{name}"] = c
                out[f"{model}_{name}_err"] = e
            out[f"{model}_bic"] = self.bic[model]
        return out


def _lstsq(X: np.ndarray, y: np.ndarray):
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    rss = float(resid @ resid)
    dof = max(len(y) - X.shape[1], 1)
    cov = np.linalg.pinv(X.T @ X) * rss / dof
    return coef, np.sqrt(np.clip(np.diag(cov), 0, None)), rss


def fit_entanglement_law(
    sizes, entropies, *, n: int, min_slope: float = 0.05
) -> ScalingFit:
    r"""Fit area-, log- and volume-law models to entropies of the first ``ell`` qubits.

    Parameters
    ----------
    sizes : array_like of int
        Subsystem sizes :math:`\ell` with ``1 <= ell <= n - 1``.
    entropies : array_like of float
        Entropies in bits.
    n : int
        Total number of qubits.
    min_slope : float, optional
        Smallest growth coefficient (bits) accepted as log- or volume-law.

    Returns
    -------
    ScalingFit
        The coefficients, standard errors and BIC of the three models, and the
        law chosen: the lowest BIC among ``area`` and the growing models, a
        model growing when its slope exceeds both ``min_slope`` and three
        standard errors.

    Raises
    ------
    ValueError
        If ``sizes`` and ``entropies`` are not 1-D of equal length, hold fewer
        than 3 points, a size lies outside ``1..n-1``, or an entropy is not
        finite.

    References
    ----------
    .. [1] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007 (volume law of random states).
    .. [2] P. Calabrese and J. Cardy, "Entanglement entropy and quantum field
       theory", J. Stat. Mech. P06002 (2004), arXiv:hep-th/0405152 (the
       chord-length law of critical chains).
    .. [3] G. Schwarz, "Estimating the dimension of a model", Ann. Stat. 6,
       461 (1978) (the Bayesian information criterion).
    .. [4] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
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
    """
    ell = np.asarray(sizes, dtype=float)
    S = np.asarray(entropies, dtype=float)
    if ell.ndim != 1 or ell.shape != S.shape:
        raise ValueError("`sizes` and `entropies` must be 1-D arrays of equal length.")
    if len(ell) < 3:
        raise ValueError(f"`sizes`: need at least 3 points to fit, got {len(ell)}.")
    if np.any(ell < 1) or np.any(ell > n - 1):
        raise ValueError(f"`sizes` must lie in 1..n-1 = {n - 1}.")
    if not np.all(np.isfinite(S)):
        raise ValueError("`entropies` must be finite.")
    ones = np.ones_like(ell)
    designs = {
        "area": ones[:, None],
        "log": np.column_stack([ones, np.log2(n / np.pi * np.sin(np.pi * ell / n))]),
        "volume": np.column_stack([ones, np.minimum(ell, n - ell)]),
    }
    N = len(S)
    floor = 1e-24 * N  # RSS floor: exact fits must not give -inf
    coefs, errs, bic = {}, {}, {}
    for model, X in designs.items():
        c, e, rss = _lstsq(X, S)
        coefs[model] = tuple(float(x) for x in c)
        errs[model] = tuple(float(x) for x in e)
        bic[model] = float(N * np.log(max(rss, floor) / N) + X.shape[1] * np.log(N))

    def grows(model):
        c, e = coefs[model][1], errs[model][1]
        return c > min_slope and c > 3 * e

    candidates = ["area"] + [m for m in ("log", "volume") if grows(m)]
    law = min(candidates, key=bic.__getitem__)
    return ScalingFit(law, coefs, errs, bic, ell, S, n)


def entanglement_law(state, *, alpha: float = 1, min_slope: float = 0.05) -> ScalingFit:
    """Fit :func:`fit_entanglement_law` to a state's entropy profile over all cuts.

    Parameters
    ----------
    state : State
        A state of at least 4 qubits (3 cuts).
    alpha : float, optional
        Renyi order of the profile, ``>= 0``.
    min_slope : float, optional
        Smallest growth coefficient (bits) accepted as log- or volume-law.

    Returns
    -------
    ScalingFit
        The fit of the profile :func:`tnbp.entropy_profile` (sizes ``1..n-1``),
        carrying the state's caveats.

    Raises
    ------
    TypeError
        If ``state`` is not a State or ``alpha`` is not a real number.
    ValueError
        If ``alpha`` is negative or NaN, or the state has fewer than 4 qubits.

    Warns
    -----
    TruncationWarning
        When ``state`` has caveats.

    References
    ----------
    .. [1] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007 (volume law of random states).
    .. [2] P. Calabrese and J. Cardy, "Entanglement entropy and quantum field
       theory", J. Stat. Mech. P06002 (2004), arXiv:hep-th/0405152 (the
       chord-length law of critical chains).
    .. [3] G. Schwarz, "Estimating the dimension of a model", Ann. Stat. 6,
       461 (1978) (the Bayesian information criterion).
    .. [4] C. Ortiz Marrero, M. Kieferova and N. Wiebe, arXiv:2010.15968,
       Sec. III and Proposition 1 (area versus volume law and trainability).

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(8); c.h(0)
    >>> for k in range(1, 8):
    ...     c.cnot(k - 1, k)
    >>> tnbp.entanglement_law(tnbp.simulate(c)).law  # GHZ: one bit at every cut
    'area'
    """
    alpha = check_alpha(alpha)
    profile = entropy_profile(state, alpha)
    fit = fit_entanglement_law(
        np.arange(1, state.n), np.asarray(profile), n=state.n, min_slope=min_slope
    )
    return dataclasses.replace(fit, caveats=profile.caveats)
