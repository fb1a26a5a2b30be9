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
from .qntk import QNTKSample, qntk_ensemble, qntk_summary
from .training import final_step_statistics, train_ensemble
from .visible_states import (
    decay_fits,
    fidelity_gradient_ensemble,
    thermal_target,
    visible_distance_ensemble,
    visible_summary,
)

__all__ = [
    "Chunk",
    "DQNNGradientSample",
    "DecayComparison",
    "DecayFit",
    "GradientSample",
    "PowerLawFit",
    "QBMGradientSample",
    "QNTKSample",
    "SerialExecutor",
    "chunks",
    "compare_decay_laws",
    "decay_fits",
    "dqnn_gradient_variance",
    "fidelity_gradient_ensemble",
    "final_step_statistics",
    "fit_exponential_decay",
    "fit_power_law",
    "gradient_variance",
    "qbm_gradient_variance",
    "qntk_ensemble",
    "qntk_summary",
    "run_tasks",
    "thermal_target",
    "train_ensemble",
    "visible_distance_ensemble",
    "visible_summary",
]
