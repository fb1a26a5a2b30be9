"""Estimators: numbers read off a state, each carrying the state's caveats."""

from .distance import fidelity, trace_distance_to_maximally_mixed
from .ensembles import (
    DecayFit,
    SerialExecutor,
    fit_exponential_decay,
    gradient_variance,
)
from .entropy import (
    entropy,
    entropy_profile,
    mutual_information,
    purity,
    subsystem_entropy,
)
from .expectation import expectation, expectation_value
from .gradients import gradient
from .moments import GradientMoments, exact_gradient_variance
from .qbm_ensembles import qbm_gradient_variance
from .scaling import ScalingFit, entanglement_law, fit_entanglement_law
from .thermal import thermal_energy, thermal_entropy

__all__ = [
    "DecayFit",
    "SerialExecutor",
    "fidelity",
    "fit_exponential_decay",
    "gradient_variance",
    "ScalingFit",
    "entanglement_law",
    "exact_gradient_variance",
    "GradientMoments",
    "entropy",
    "entropy_profile",
    "expectation",
    "expectation_value",
    "fit_entanglement_law",
    "gradient",
    "mutual_information",
    "purity",
    "qbm_gradient_variance",
    "subsystem_entropy",
    "thermal_energy",
    "thermal_entropy",
    "trace_distance_to_maximally_mixed",
]
