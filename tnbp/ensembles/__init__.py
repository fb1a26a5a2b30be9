"""Ensembles of random instances: one seeded engine, statistics and fits, a module per kind."""

from .._executors import SerialExecutor
from .circuit_gradients import GradientSample, gradient_variance
from .dqnn_gradients import DQNNGradientSample, dqnn_gradient_variance
from .engine import Chunk, chunks, run_tasks
from .fidelity_gradients import (
    FidelityGradientSample,
    fidelity_gradient_variance,
    random_thermal_target,
)
from .fits import (
    DecayComparison,
    DecayFit,
    PowerLawFit,
    compare_decay_laws,
    fit_exponential_decay,
    fit_power_law,
)
from .qbm_gradients import (
    QBMGradientSample,
    TraceDistanceGradientSample,
    qbm_gradient_variance,
    qbm_trace_distance_gradient_variance,
)
from .qbm_profile import (
    QBMProfileSample,
    qbm_gradient_profile,
    qbm_gradient_profile_summary,
)
from .qntk import QNTKSample, qntk_ensemble, qntk_summary
from .trace_distances import (
    TraceDistanceSample,
    trace_distance_ensemble,
    trace_distance_summary,
)
from .training import final_step_statistics, train_ensemble
from .visible_entanglement import entanglement_law_summary, visible_entanglement
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
    "FidelityGradientSample",
    "GradientSample",
    "PowerLawFit",
    "QBMProfileSample",
    "QBMGradientSample",
    "QNTKSample",
    "TraceDistanceSample",
    "SerialExecutor",
    "TraceDistanceGradientSample",
    "chunks",
    "compare_decay_laws",
    "entanglement_law_summary",
    "decay_fits",
    "dqnn_gradient_variance",
    "fidelity_gradient_ensemble",
    "fidelity_gradient_variance",
    "final_step_statistics",
    "fit_exponential_decay",
    "fit_power_law",
    "gradient_variance",
    "qbm_gradient_profile",
    "qbm_gradient_profile_summary",
    "qbm_gradient_variance",
    "qbm_trace_distance_gradient_variance",
    "qntk_ensemble",
    "qntk_summary",
    "random_thermal_target",
    "run_tasks",
    "trace_distance_ensemble",
    "trace_distance_summary",
    "thermal_target",
    "train_ensemble",
    "visible_distance_ensemble",
    "visible_summary",
    "visible_entanglement",
]
