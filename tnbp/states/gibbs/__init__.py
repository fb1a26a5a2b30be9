r"""Gibbs states :math:`e^{-\beta H}/Z`: dense, or purified MPS by imaginary-time evolution."""

from .api import gibbs_state
from .base import GibbsState, partial_trace
from .dense import DenseGibbsState
from .purified import PurifiedGibbsState

__all__ = [
    "DenseGibbsState",
    "GibbsState",
    "PurifiedGibbsState",
    "gibbs_state",
    "partial_trace",
]
