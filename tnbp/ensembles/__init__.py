"""Ensembles of random instances: one seeded engine, statistics and fits, a module per kind."""

from .circuit_gradients import gradient_variance
from .engine import SerialExecutor
from .fits import DecayFit, fit_exponential_decay
from .qbm_gradients import qbm_gradient_variance

__all__ = [
    "DecayFit",
    "SerialExecutor",
    "fit_exponential_decay",
    "gradient_variance",
    "qbm_gradient_variance",
]
