"""Estimators: numbers read off a state, each carrying the state's caveats and error bound."""

from .distance import fidelity, trace_distance_to_maximally_mixed
from .entropy import (
    entropy,
    entropy_profile,
    mutual_information,
    purity,
    subsystem_entropy,
)
from .estimate import Estimate, EstimateArray
from .expectation import expectation, expectation_value
from .scaling import ScalingFit, entanglement_law, fit_entanglement_law
from .thermodynamics import log_partition, thermal_energy, thermal_entropy

__all__ = [
    "Estimate",
    "EstimateArray",
    "ScalingFit",
    "entanglement_law",
    "entropy",
    "entropy_profile",
    "expectation",
    "expectation_value",
    "fidelity",
    "fit_entanglement_law",
    "log_partition",
    "mutual_information",
    "purity",
    "subsystem_entropy",
    "thermal_energy",
    "thermal_entropy",
    "trace_distance_to_maximally_mixed",
]
