"""The record of how a state was made, and when its estimates are flagged.

:class:`BondRecord` holds the bond dimensions, truncation and fidelity estimate
of the run that produced a state; :class:`TrustPolicy` says when a state's
caveats are raised; :class:`TruncationWarning` is emitted with them.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..limits import ROUNDING_WEIGHT, TRUNCATION_NOISE_FLOOR


class TruncationWarning(UserWarning):
    """An estimate comes from a state whose truncation makes it untrustworthy.

    Emitted by every estimator reading a state with caveats (see
    :mod:`tnbp.estimators.estimate`); the message says which caveats and what
    to do (usually: raise ``max_bond``). Silence it with
    ``warnings.simplefilter("ignore", tnbp.TruncationWarning)``.
    """


@dataclasses.dataclass(frozen=True)
class TrustPolicy:
    r"""When a truncated state's estimates are flagged.

    Parameters
    ----------
    margin : float, optional
        A cut is saturated when its bond sits at ``max_bond`` and its entropy is
        at least :math:`\log_2(\texttt{max\_bond}) - \texttt{margin}` bits.
        Volume-law states saturate 0.5-0.85 bits below the bound, so the default
        is 1 bit.
    discard_tol : float, optional
        The state is flagged ``"truncated"`` when its total discarded weight
        exceeds this (default 1e-8).
    """

    margin: float = 1.0
    discard_tol: float = 1e-8


@dataclasses.dataclass(frozen=True)
class AutoReport:
    """Outcome of ``max_bond="auto"``.

    Attributes
    ----------
    status : {"converged", "memory_cap", "time_cap"}
        ``"converged"``: the cap no longer matters (it reached the largest
        Schmidt rank of every cut, or no bond reached it, or nothing was
        discarded) or the entropy profile changed by at most ``tol``.
        ``"memory_cap"``: doubling stopped because the next bond dimension's
        predicted memory exceeds the memory cap. ``"time_cap"``: the time cap
        ran out (a run it interrupted is dropped).
    max_bonds : tuple of int
        The bond dimensions of the completed runs, in order; the state comes
        from the last.
    entropy_change : float
        Largest change (bits) of any cut's entropy between the last two runs;
        0 when the last run is exact with respect to its cap (the cap reached
        the largest Schmidt rank, no bond reached the cap, or nothing was
        discarded), ``inf`` when a single run was made and it is not.
    tol : float
        The convergence tolerance in bits.
    reason : str, optional
        Why the search stopped, in words (with the predicted memory or the
        time, where they decided it).
    seconds : float, optional
        Wall-clock time of the whole search.
    """

    status: str
    max_bonds: tuple[int, ...]
    entropy_change: float
    tol: float
    reason: str = ""
    seconds: float = 0.0


@dataclasses.dataclass(frozen=True)
class BondRecord:
    r"""Bond dimensions and truncation of the run that produced a state.

    Attributes
    ----------
    bond_dims : tuple of int
        Current dimension of each of the ``n - 1`` bonds.
    history : numpy.ndarray, shape (layers + 1, n - 1)
        Bond dimensions initially (row 0) and after every layer of gates
        (see :meth:`tnbp.Circuit.layers`).
    max_bond_reached : int
        Largest bond dimension seen during the run (including while swapping
        distant qubits together).
    discarded_weight : float
        Sum over truncations of the discarded squared singular values, each
        relative to the state's norm at that moment.
    fidelity_estimate : float
        :math:`\prod_t (1 - \epsilon_t)` over truncations; tracks the fidelity
        with the exact state closely for random circuits, but is an estimate,
        not a bound: truncations that add up coherently (many small Trotter
        steps) make it too optimistic. Error bars use ``distance_bound``.
    num_truncations : int
        Number of two-qubit gate applications that discarded more than
        floating-point noise (1e-13 of the norm).
    distance_bound : float
        Bound on the trace distance between the (normalized) state and the
        exact one: :math:`\sum_t \sqrt{\epsilon_t}` over truncations, by the
        triangle inequality (truncation :math:`t` moves the state by trace
        distance :math:`\sqrt{\epsilon_t}`; unitaries keep distances). Unlike
        :math:`\sqrt{\sum_t \epsilon_t}` it also holds when truncations add up
        coherently, as in many small Trotter steps. Losses at or below
        ``ROUNDING_WEIGHT`` (:mod:`tnbp.limits`, 1e-14) are below the
        resolution of the norm they are measured from and are not counted: keep
        ``cutoff`` above it for the bound to see every truncation.
    max_bond : int or None
        The cap used (None: no cap).
    cutoff : float
        Per-truncation discarded-weight cutoff (quimb ``cutoff_mode="rsum2"``).
    auto : AutoReport or None
        Set when ``max_bond="auto"`` chose the cap.
    """

    bond_dims: tuple[int, ...]
    history: np.ndarray
    max_bond_reached: int
    discarded_weight: float
    fidelity_estimate: float
    num_truncations: int = 0
    distance_bound: float = 0.0
    max_bond: int | None = None
    cutoff: float = 0.0
    auto: AutoReport | None = None

    def to_dict(self) -> dict:
        """Scalar summary, suitable for a row of a results table.

        Returns
        -------
        dict
            ``max_bond`` (int or None), ``max_bond_reached`` (int),
            ``discarded_weight`` (float), ``fidelity_estimate`` (float),
            ``num_truncations`` (int) and ``auto_status`` (str or None).
        """
        return {
            "max_bond": self.max_bond,
            "max_bond_reached": self.max_bond_reached,
            "discarded_weight": self.discarded_weight,
            "fidelity_estimate": self.fidelity_estimate,
            "num_truncations": self.num_truncations,
            "auto_status": None if self.auto is None else self.auto.status,
        }

    @classmethod
    def from_run(
        cls, history, peak: int, losses, kept: float, *, max_bond, cutoff: float
    ) -> BondRecord:
        r"""The record of an MPS run, from its bonds and per-gate losses.

        The one place where an engine's raw bookkeeping becomes a record (both
        MPS engines, :mod:`tnbp.states.mps` and :mod:`tnbp.states.mps_engine`,
        call it): gate :math:`t` lost the fraction :math:`\epsilon_t` of the
        squared norm it found.

        Parameters
        ----------
        history : array_like of int, shape (layers + 1, n - 1)
            Bond dimensions initially and after every layer.
        peak : int
            Largest bond of the orthogonality centre seen after any gate.
        losses : array_like of float, shape (gates,)
            :math:`\epsilon_t = 1 - \|\psi_t\|^2 / \|\psi_{t-1}\|^2` of every
            multi-qubit gate, in order (rounding may make some slightly negative).
        kept : float
            The final squared norm relative to the starting one,
            :math:`\prod_t (1 - \epsilon_t)`.
        max_bond : int or None
            The cap used.
        cutoff : float
            The per-truncation cutoff used.

        Returns
        -------
        BondRecord
            ``discarded_weight`` :math:`\sum_t \epsilon_t` over positive losses,
            ``num_truncations`` the losses above ``TRUNCATION_NOISE_FLOOR``,
            ``distance_bound`` :math:`\sum_t \sqrt{\epsilon_t}` over losses above
            ``ROUNDING_WEIGHT`` (:mod:`tnbp.limits`), ``fidelity_estimate``
            ``min(kept, 1)``.
        """
        hist = np.asarray(history, dtype=int)
        eps = np.asarray(losses, dtype=float)
        return cls(
            bond_dims=tuple(int(d) for d in hist[-1]),
            history=hist,
            max_bond_reached=max(int(peak), int(hist.max(initial=1))),
            discarded_weight=float(eps[eps > 0].sum()),
            fidelity_estimate=min(1.0, float(kept)),
            num_truncations=int(np.count_nonzero(eps > TRUNCATION_NOISE_FLOOR)),
            distance_bound=float(np.sqrt(eps[eps > ROUNDING_WEIGHT]).sum()),
            max_bond=max_bond,
            cutoff=cutoff,
        )

    @classmethod
    def exact(cls, bond_dims) -> BondRecord:
        """Record of an untruncated state with the given (Schmidt-rank) bonds.

        Parameters
        ----------
        bond_dims : sequence of int
            Dimension of each of the ``n - 1`` bonds.

        Returns
        -------
        BondRecord
            A record with a one-row ``history``, no discarded weight, fidelity
            estimate 1 and no cap.
        """
        dims = tuple(int(d) for d in bond_dims)
        return cls(
            bond_dims=dims,
            history=np.array([dims], dtype=int).reshape(1, len(dims)),
            max_bond_reached=max(dims, default=1),
            discarded_weight=0.0,
            fidelity_estimate=1.0,
        )
