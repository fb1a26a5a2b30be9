r"""What a gradient cost and how far it can be trusted: a typed record.

:func:`tnbp.gradient_with_diagnostics` returns, beside the gradient, a
:class:`GradientDiagnostics`: how many states were simulated and networks
contracted, how many contraction trees were searched, and the worst truncation
met on the way (the trust model of :class:`tnbp.BondRecord`: the fidelity
estimate :math:`\prod_t (1 - \epsilon_t)` and the discarded weight
:math:`\sum_t \epsilon_t` of each simulated state). The computation fills one
:class:`DiagnosticsTally`, passed explicitly down to every routine that
simulates or contracts, and freezes it into the record at the end.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from ..states.record import TruncationWarning


@dataclasses.dataclass(frozen=True)
class GradientDiagnostics:
    """Cost and trust of one gradient computation.

    Conventions: counts are 0 when nothing of that kind ran. Dense states and
    exact lightcone contractions (``backend="tn"``) truncate nothing, so a
    gradient that simulated no truncated state has ``min_fidelity == 1.0`` and
    ``max_discarded_weight == 0.0`` (the values of an exact state, also when no
    state was simulated at all). NaN means *not tracked*: the computation
    behind the record does not measure that quantity (the exact ensemble
    moments of :func:`tnbp.gradient_variance` with ``estimator="exact"``
    report truncation only through ``untrusted_runs``). Records combine with
    :meth:`combine`, where NaN propagates.

    Attributes
    ----------
    simulations : int
        State simulations run (dense or MPS; one per shifted circuit for shift
        rules, one per lightcone for an adjoint or autodiff sweep, one for the
        visible state of a fidelity cost).
    contractions : int
        Lightcone networks contracted (``backend="tn"``; a batch of ``B``
        equal-structure networks counts ``B``).
    tree_searches : int
        Contraction-path searches run (``backend="tn"``); 0 when every tree came
        from the cache. Read from the cache's counter, so with one cache shared
        by concurrent threads it also counts the other threads' searches.
    min_fidelity : float
        Smallest :attr:`tnbp.State.fidelity_estimate` of any simulated state,
        in ``(0, 1]``; NaN if not tracked.
    max_discarded_weight : float
        Largest :attr:`tnbp.State.discarded_weight` (sum of squared discarded
        singular values) of any simulated state, ``>= 0``; NaN if not tracked.
    untrusted_runs : int
        Simulated states that were not trusted (:attr:`tnbp.State.trusted` is
        False: truncated beyond tolerance or bond saturated); 0 means every
        run was within tolerance.
    """

    simulations: int = 0
    contractions: int = 0
    tree_searches: int = 0
    min_fidelity: float = 1.0
    max_discarded_weight: float = 0.0
    untrusted_runs: int = 0

    @property
    def trusted(self) -> bool:
        """Whether no simulated state was untrusted (``untrusted_runs == 0``)."""
        return self.untrusted_runs == 0

    def warn_if_untrusted(self, what: str, *, options: str, stacklevel: int = 2):
        """Emit one :class:`~tnbp.TruncationWarning` when a state behind it had caveats.

        Parameters
        ----------
        what : str
            What was computed, for the message (e.g. ``"gradient"``).
        options : str
            The argument holding the truncation options, named in the advice
            (``"sim_opts"``, ``"gibbs_opts"``).
        stacklevel : int, optional
            Passed to :func:`warnings.warn`, counted from the caller of this
            method.

        Warns
        -----
        TruncationWarning
            When ``untrusted_runs > 0``, naming the worst fidelity estimate and
            discarded weight.
        """
        if self.trusted:
            return
        warnings.warn(
            f"{what}: {self.untrusted_runs} of {self.simulations} simulated states "
            "behind it had caveats (minimum fidelity estimate "
            f"{self.min_fidelity:.6g}, largest discarded weight "
            f"{self.max_discarded_weight:.3g}); the derivatives may be biased: "
            f"raise max_bond (or lower cutoff) in {options}.",
            TruncationWarning,
            stacklevel=stacklevel + 1,
        )

    def to_dict(self) -> dict:
        """The fields as a plain dict (for tables and logs).

        Returns
        -------
        dict
            ``{field name: value}`` for the six fields, in declaration order.
        """
        return dataclasses.asdict(self)

    @classmethod
    def combine(cls, records) -> GradientDiagnostics:
        """One record for several computations: counts add, worst truncation wins.

        Parameters
        ----------
        records : iterable of GradientDiagnostics
            The records to combine, e.g. those of the samples of one ensemble row.

        Returns
        -------
        GradientDiagnostics
            Summed counts; ``min_fidelity`` the minimum and
            ``max_discarded_weight`` the maximum over ``records`` (NaN if any
            record has NaN there); the exact-state values for no records.

        Raises
        ------
        TypeError
            If ``records`` holds something other than GradientDiagnostics.

        Examples
        --------
        >>> from tnbp import GradientDiagnostics
        >>> a = GradientDiagnostics(simulations=2, min_fidelity=0.99)
        >>> b = GradientDiagnostics(simulations=3, untrusted_runs=1)
        >>> c = GradientDiagnostics.combine([a, b])
        >>> c.simulations, c.min_fidelity, c.untrusted_runs, c.trusted
        (5, 0.99, 1, False)
        """
        records = list(records)
        if not all(isinstance(r, cls) for r in records):
            raise TypeError("`records` must be GradientDiagnostics instances.")
        if not records:
            return cls()
        return cls(
            simulations=sum(r.simulations for r in records),
            contractions=sum(r.contractions for r in records),
            tree_searches=sum(r.tree_searches for r in records),
            min_fidelity=float(np.min([r.min_fidelity for r in records])),
            max_discarded_weight=float(
                np.max([r.max_discarded_weight for r in records])
            ),
            untrusted_runs=sum(r.untrusted_runs for r in records),
        )


@dataclasses.dataclass
class DiagnosticsTally:
    """The mutable accumulator behind a :class:`GradientDiagnostics`.

    One tally is created per :func:`tnbp.gradient_with_diagnostics` call and
    passed explicitly to every routine that simulates or contracts; its fields
    have the meanings of :class:`GradientDiagnostics`, and start at the values of
    a computation that ran nothing.

    Attributes
    ----------
    simulations : int
        State simulations so far.
    contractions : int
        Lightcone networks contracted so far.
    tree_searches : int
        Contraction-path searches run so far.
    min_fidelity : float
        Smallest fidelity estimate of the states added, in ``(0, 1]``.
    max_discarded_weight : float
        Largest discarded weight of the states added, ``>= 0``.
    untrusted_runs : int
        States added that were not trusted.
    """

    simulations: int = 0
    contractions: int = 0
    tree_searches: int = 0
    min_fidelity: float = 1.0
    max_discarded_weight: float = 0.0
    untrusted_runs: int = 0

    def add_state(self, state) -> None:
        """Count one simulated state and fold in its truncation record.

        Parameters
        ----------
        state : State
            A simulated state; its :attr:`~tnbp.State.fidelity_estimate`,
            :attr:`~tnbp.State.discarded_weight` and :attr:`~tnbp.State.trusted`
            are read.
        """
        self.simulations += 1
        self.min_fidelity = min(self.min_fidelity, float(state.fidelity_estimate))
        self.max_discarded_weight = max(
            self.max_discarded_weight, float(state.discarded_weight)
        )
        self.untrusted_runs += not state.trusted

    def freeze(self) -> GradientDiagnostics:
        """The record of everything tallied so far.

        Returns
        -------
        GradientDiagnostics
            A frozen copy of the tally's fields.
        """
        return GradientDiagnostics(**dataclasses.asdict(self))
