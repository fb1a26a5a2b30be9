"""States: what backends make of models, each with the record of how it was made.

:func:`simulate` runs a circuit on the dense, MPS or lightcone-network backend;
:func:`gibbs_state` builds thermal states; :func:`evolve` evolves a dense state
in real time. Every :class:`State` carries a
:class:`BondRecord` from which its caveats follow.
"""

from .base import State
from .dense import DenseState
from .dqnn import dqnn_output_state
from .evolution import evolve
from .gibbs import GibbsState, gibbs_state
from .mps import MPSState
from .record import AutoReport, BondRecord, TruncationWarning, TrustPolicy
from .simulate import BACKENDS, simulate
from .tn.lightcone import TNState

__all__ = [
    "dqnn_output_state",
    "BACKENDS",
    "AutoReport",
    "BondRecord",
    "DenseState",
    "GibbsState",
    "MPSState",
    "State",
    "TNState",
    "TruncationWarning",
    "TrustPolicy",
    "evolve",
    "gibbs_state",
    "simulate",
]
