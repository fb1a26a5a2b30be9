r"""Visible-hidden entanglement block by block: area or volume law, and Proposition 1.

Sec. III of Ortiz Marrero, Kieferova and Wiebe (arXiv:2010.15968) splits the
qubits of a QNN's output state into :math:`n_v` visible and :math:`n_h`
hidden ones, :math:`D_v = 2^{n_v}`, :math:`D_h = 2^{n_h}`, and contrasts two
scalings of the entropy :math:`S(\rho_v)` of :math:`\rho_v = \mathrm{Tr}_h\rho`
(their Fig. 2):

- an **area law**: :math:`S(\rho_v)` grows with the boundary between the two
  sets, not with :math:`n_v` (a chain: a constant, set by the depth of a
  circuit of nearest-neighbour gates);
- a **volume law**: :math:`|S(\rho_v) - n_v| \in \Theta(D_v/D_h)`, which Page's
  curve of Haar-random states obeys (:func:`tnbp.theory.page_entropy`).

Proposition 1 turns the entropy *deficit* :math:`\Delta = n_v - S(\rho_v)`
(bits) into a distance from the maximally mixed state (eqs. 2-3, Pinsker):

.. math::

    T = \tfrac12\|\rho_v - I/D_v\|_1 \le \sqrt{\Delta \ln 2 / 2}
    \quad (:func:`tnbp.theory.pinsker_trace_distance_bound`),

so a volume law forces :math:`T \in O(\sqrt{D_v/D_h})`
(:func:`tnbp.theory.haar_trace_distance_bound`): every visible observable
sits at its maximally mixed value, the entanglement-induced barren plateau.
Under an area law the deficit grows with :math:`n_v`, the bound says nothing,
and :math:`T` stays of order one.

:func:`visible_entanglement` tabulates, for a pure state on a chain with the
visible qubits the first :math:`n_v` (:math:`n_v = 1 \dots n-1`), the entropy,
deficit, trace distance and the bounds, with the state's bond record and
trust flags, and the deviation from a dense reference of the same circuit
when one is given. :func:`entanglement_law_summary` averages the profiles of
each setting over its random instances, classifies the law
(:func:`tnbp.entanglement_law`) and condenses Proposition 1 into a few numbers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..estimators.distance import trace_distance_to_maximally_mixed
from ..estimators.entropy import entropy
from ..estimators.estimate import EstimateArray
from ..estimators.scaling import entanglement_law
from ..estimators.subsystems import check_state
from ..references.theory import (
    haar_trace_distance_bound,
    page_entropy,
    pinsker_trace_distance_bound,
)
from ..results.schema import ENTANGLEMENT_LAW_SUMMARY, VISIBLE_ENTANGLEMENT
from ..states.record import TruncationWarning

#: Proposition 1's ratio :math:`T/\sqrt{\Delta\ln 2/2}` is taken only where the
#: bound is at least this: below it the deficit (< 3e-12 bits) is at the level
#: of the rounding of entropies (1e-13 bits), and so is :math:`T`
PINSKER_FLOOR = 1e-6

#: the columns :func:`entanglement_law_summary` reads
SUMMARY_INPUT = (
    "n",
    "n_visible",
    "entropy",
    "deficit",
    "trace_distance",
    "pinsker_bound",
    "haar_bound",
    "cut_saturated",
    "trusted",
    "caveats",
    "max_bond_reached",
    "fidelity_estimate",
    "entropy_dense_deviation",
    "trace_distance_dense_deviation",
)


def visible_entanglement(state, *, dense=None) -> pd.DataFrame:
    r"""Entropy, deficit and distance to :math:`I/D_v` of every visible prefix block.

    For :math:`n_v = 1 \dots n-1` the visible qubits are ``0..n_v-1`` and the
    hidden ones the rest; both numbers come from the Schmidt spectrum of the
    cut, so any ``n`` an MPS holds is fine. See
    :mod:`tnbp.ensembles.visible_entanglement` for the physics.

    Parameters
    ----------
    state : State
        A pure state (from :func:`tnbp.simulate`) of at least 2 qubits.
    dense : State, optional
        An exact state of the same circuit (``backend="dense"``), whose
        values fill the ``*_dense`` columns and the deviations.

    Returns
    -------
    pandas.DataFrame
        One row per :math:`n_v`, ascending, with the columns of
        :data:`tnbp.results.schema.VISIBLE_ENTANGLEMENT` (entropies and
        deficits in bits; the ``*_dense`` columns NaN without ``dense``).

    Raises
    ------
    TypeError
        If ``state`` or ``dense`` is not a State.
    ValueError
        If ``state`` or ``dense`` is mixed, or ``dense`` has another number of
        qubits.

    Warns
    -----
    TruncationWarning
        Once, when ``state`` has caveats (its rows say so: ``trusted``,
        ``caveats``, ``cut_saturated``).

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. III, Fig. 2, Proposition 1 and eqs. (2)-(3).
    .. [2] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007.

    Examples
    --------
    Two Bell pairs across the first and last cuts of four qubits:

    >>> import tnbp
    >>> c = tnbp.Circuit(4); c.h(0); c.cnot(0, 1); c.h(2); c.cnot(2, 3)
    >>> df = visible_entanglement(tnbp.simulate(c))
    >>> df[["n_visible", "entropy", "deficit", "trace_distance"]].round(6)
       n_visible  entropy  deficit  trace_distance
    0          1      1.0      0.0            0.00
    1          2      0.0      2.0            0.75
    2          3      1.0      2.0            0.75
    """
    state = _pure(state, "state")
    if dense is not None:
        dense = _pure(dense, "dense")
        if dense.n != state.n:
            raise ValueError(
                f"`dense` must have the n = {state.n} qubits of `state`, got {dense.n}."
            )
    n = state.n
    if state.caveats:
        warnings.warn(state.caveat_message(), TruncationWarning, stacklevel=2)
    record = state.record
    saturated = set(state.saturated_cuts)
    rows = []
    with warnings.catch_warnings():  # said once above; the rows carry the flags
        warnings.simplefilter("ignore", TruncationWarning)
        for k in range(1, n):
            S = entropy(state, k)
            T = trace_distance_to_maximally_mixed(state, range(k))
            deficit = max(k - float(S), 0.0)  # >= 0 up to rounding
            S_dense = T_dense = math.nan
            if dense is not None:
                S_dense = float(entropy(dense, k))
                T_dense = float(trace_distance_to_maximally_mixed(dense, range(k)))
            rows.append(
                {
                    "n": n,
                    "n_visible": k,
                    "n_hidden": n - k,
                    "entropy": float(S),
                    "entropy_error": S.truncation_error,
                    "deficit": deficit,
                    "trace_distance": float(T),
                    "trace_distance_error": T.truncation_error,
                    "pinsker_bound": pinsker_trace_distance_bound(deficit),
                    "haar_bound": haar_trace_distance_bound(k, n - k),
                    "page_entropy": page_entropy(k, n - k),
                    "cut_saturated": k in saturated,
                    "trusted": state.trusted,
                    "caveats": ";".join(state.caveats),
                    "max_bond_reached": record.max_bond_reached,
                    "discarded_weight": record.discarded_weight,
                    "fidelity_estimate": record.fidelity_estimate,
                    "num_truncations": record.num_truncations,
                    "entropy_dense": S_dense,
                    "trace_distance_dense": T_dense,
                    "entropy_dense_deviation": abs(float(S) - S_dense),
                    "trace_distance_dense_deviation": abs(float(T) - T_dense),
                }
            )
    return VISIBLE_ENTANGLEMENT.frame(rows)


def _pure(state, name: str):
    """``state`` if it is a pure State, else the error naming ``name``."""
    try:
        state = check_state(state)
    except TypeError:
        raise TypeError(
            f"`{name}` must be a tnbp State (from tnbp.simulate), got {type(state)!r}."
        ) from None
    if not state.is_pure:
        raise ValueError(
            f"`{name}` must be a pure state: the entropy of a block of a mixed "
            "state is not its entanglement with the rest."
        )
    return state


def entanglement_law_summary(
    table: pd.DataFrame, *, by: Sequence[str] = ("n",), min_slope: float = 0.05
) -> pd.DataFrame:
    r"""Area or volume law of each setting, and Proposition 1 in numbers.

    The rows of each setting (one value of every column of ``by``) hold the
    profiles of its random instances, one row per instance and :math:`n_v`
    (:func:`visible_entanglement` tables stacked, with the setting's columns
    added). The entropy profile averaged over the instances is classified
    by :func:`tnbp.entanglement_law` (with the instances' caveats: a profile
    from a state whose bond dimension saturated is ``undetermined`` unless it
    is volume-law); the paper's definitions and Proposition 1 give:

    - ``volume_constant``: the median over :math:`n_v \le n/2` of the mean
      deficit divided by :math:`D_v/D_h`. The paper's volume law is
      :math:`\Delta \in \Theta(D_v/D_h)`, and Page's curve has
      :math:`\Delta \approx (1 - D_v^{-2})/(2\ln 2) \cdot D_v/D_h`, so
      :math:`0.54 \dots 0.72`; an area law's deficit grows like :math:`n_v`
      and the ratio is exponentially large;
    - ``pinsker_max_ratio``: the largest :math:`T/\sqrt{\Delta\ln 2/2}` of any
      instance and block where the bound is at least :data:`PINSKER_FLOOR`
      (Proposition 1: at most 1);
    - ``haar_max_ratio``: the largest mean :math:`T` over
      :math:`\tfrac12\sqrt{D_v/D_h}` for :math:`n_v \le n/2`
      (:math:`D_h \ge D_v`, the proposition's setting); a volume law keeps it
      near or below 1 (Haar states: about :math:`8/(3\pi) = 0.85` for
      large :math:`D_v`), an area law does not.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with the columns of :data:`SUMMARY_INPUT` and of ``by``; each
        setting has every :math:`n_v = 1 \dots n-1` of one ``n``, the same
        number of times (once per instance).
    by : sequence of str, optional
        The columns that tell settings apart (default ``("n",)``); every
        other column but those read is averaged over.
    min_slope : float, optional
        The growth threshold of :func:`tnbp.entanglement_law` (bits per
        qubit).

    Returns
    -------
    pandas.DataFrame
        One row per setting, sorted by ``by``: the ``by`` columns, then those
        of :data:`tnbp.results.schema.ENTANGLEMENT_LAW_SUMMARY`.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame or ``by`` is not a sequence of column
        names.
    ValueError
        If ``table`` is empty or lacks a column, a setting mixes sizes ``n``
        or lacks some :math:`n_v` (or has them unequally often), ``n < 4``,
        or ``min_slope`` is negative.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. III (area and volume law), Proposition 1 and eqs. (2)-(3).
    .. [2] D. N. Page, "Average entropy of a subsystem", Phys. Rev. Lett. 71,
       1291 (1993), arXiv:gr-qc/9305007.

    Examples
    --------
    >>> import tnbp
    >>> from tnbp import ansatz
    >>> st = tnbp.simulate(ansatz.haar_brickwork(12, 30, seed=0), backend="dense")
    >>> row = entanglement_law_summary(visible_entanglement(st)).iloc[0]
    >>> row.law, bool(row.pinsker_max_ratio <= 1), bool(0.5 < row.volume_constant < 1)
    ('volume', True, True)
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`table` must be a pandas DataFrame, got {type(table)!r}.")
    if isinstance(by, str) or not all(isinstance(c, str) for c in by):
        raise TypeError(f"`by` must be a sequence of column names, got {by!r}.")
    by = list(by)
    missing = sorted(set(SUMMARY_INPUT) - set(table) | set(by) - set(table))
    if missing:
        raise ValueError(f"`table` lacks the column(s) {missing}.")
    if table.empty:
        raise ValueError("`table` has no rows.")
    rows, keys = [], []
    for key, group in table.groupby(by, sort=True, dropna=False):
        keys.append(dict(zip(by, key)))
        rows.append(_summarize(group, dict(zip(by, key)), min_slope))
    summary = ENTANGLEMENT_LAW_SUMMARY.frame(rows)
    settings = pd.DataFrame(keys).astype({c: table[c].dtype for c in by})
    return pd.concat([settings, summary], axis=1)


def _summarize(group: pd.DataFrame, setting: dict, min_slope: float) -> dict:
    """One summary row from the rows of one setting."""
    sizes = group["n"].unique()
    if sizes.size != 1:
        raise ValueError(
            f"`table`: the setting {setting} mixes n = {sorted(int(v) for v in sizes)}; add 'n' to "
            "`by`."
        )
    n = int(sizes[0])
    counts = group.groupby("n_visible").size()
    if list(counts.index) != list(range(1, n)) or counts.nunique() != 1:
        raise ValueError(
            f"`table`: the setting {setting} must have every n_visible = 1..{n - 1} "
            f"equally often (once per instance), got {dict(counts)}."
        )
    mean = group.groupby("n_visible")[["entropy", "deficit", "trace_distance"]].mean()
    caveats = sorted(  # a store reads an empty text back as NaN
        {c for text in group.caveats if isinstance(text, str) for c in text.split(";")}
        - {""}
    )
    law = entanglement_law(
        EstimateArray(mean.entropy.to_numpy(), caveats), min_slope=min_slope
    )
    n_v = mean.index.to_numpy()
    half = n_v <= n / 2  # D_h >= D_v: the setting of Proposition 1
    dims = 2.0 ** (n_v - (n - n_v))  # D_v / D_h
    resolved = group[group.pinsker_bound >= PINSKER_FLOOR]
    ratio = resolved.trace_distance / resolved.pinsker_bound
    haar = haar_trace_distance_bound
    dev = group[["entropy_dense_deviation", "trace_distance_dense_deviation"]]
    return {
        "samples": int(counts.iloc[0]),
        "law": law.law,
        "reason": law.reason,
        "plateau": law.plateau_mean,
        "plateau_spread": law.plateau_spread,
        "half_chain_entropy": float(mean.entropy.loc[n // 2]),
        "page_half_chain": page_entropy(n // 2, n - n // 2),
        "page_deficit": law.page_deficit,
        "volume_constant": float(np.median(mean.deficit.to_numpy()[half] / dims[half])),
        "pinsker_max_ratio": float(ratio.max()) if len(ratio) else math.nan,
        "haar_max_ratio": float(
            max(
                t / haar(int(k), n - int(k))
                for k, t in zip(n_v[half], mean.trace_distance.to_numpy()[half])
            )
        ),
        "trusted": bool(group.trusted.astype(bool).all()),
        "saturated_blocks": int(
            group[group.cut_saturated.astype(bool)].n_visible.nunique()
        ),
        "max_bond_reached": int(group.max_bond_reached.max()),
        "min_fidelity": float(group.fidelity_estimate.min()),
        "entropy_dense_max_deviation": float(dev.entropy_dense_deviation.max()),
        "trace_distance_dense_max_deviation": float(
            dev.trace_distance_dense_deviation.max()
        ),
    }
