"""Ensembles of random instances: one seeded engine, statistics and fits, a module per kind."""

from .circuit_gradients import GradientSample, gradient_variance
from .dqnn_gradients import DQNNGradientSample, dqnn_gradient_variance
from .engine import Chunk, SerialExecutor, chunks, run_tasks
from .fits import DecayFit, fit_exponential_decay
from .qbm_gradients import QBMGradientSample, qbm_gradient_variance

__all__ = [
    "Chunk",
    "DQNNGradientSample",
    "DecayFit",
    "GradientSample",
    "QBMGradientSample",
    "SerialExecutor",
    "chunks",
    "dqnn_gradient_variance",
    "fit_exponential_decay",
    "gradient_variance",
    "qbm_gradient_variance",
    "run_tasks",
]
