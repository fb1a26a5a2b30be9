"""Ensembles of random instances: one seeded engine, statistics and fits, a module per kind."""

from .circuit_gradients import GradientSample, gradient_variance
from .dqnn_gradients import DQNNGradientSample, dqnn_gradient_variance
from .engine import Chunk, SerialExecutor, chunks, run_tasks
from .fits import (
    DecayComparison,
    DecayFit,
    PowerLawFit,
    compare_decay_laws,
    fit_exponential_decay,
    fit_power_law,
)
from .qbm_gradients import QBMGradientSample, qbm_gradient_variance
from .qbm_profile import (
    QBMProfileSample,
    qbm_gradient_profile,
    qbm_gradient_profile_summary,
)
from .qntk import QNTKSample, qntk_ensemble, qntk_summary
from .training import final_step_statistics, train_ensemble

__all__ = [
    "Chunk",
    "DQNNGradientSample",
    "DecayComparison",
    "DecayFit",
    "GradientSample",
    "PowerLawFit",
    "QBMProfileSample",
    "QBMGradientSample",
    "QNTKSample",
    "SerialExecutor",
    "chunks",
    "compare_decay_laws",
    "dqnn_gradient_variance",
    "final_step_statistics",
    "fit_exponential_decay",
    "fit_power_law",
    "gradient_variance",
    "qbm_gradient_profile",
    "qbm_gradient_profile_summary",
    "qbm_gradient_variance",
    "qntk_ensemble",
    "qntk_summary",
    "run_tasks",
    "train_ensemble",
]
