"""tnbp: tensor-network barren plateaus.

Entanglement and trainability of quantum neural networks at sizes beyond exact
diagonalization, with every estimate carrying how far it can be trusted.
"""

from importlib.metadata import PackageNotFoundError, version

from . import ansatz, free_fermion, hamiltonian, observables, qbm, theory
from .backends import DenseState, MPSState, simulate
from .circuit import Circuit
from .diagnostics import Estimate, EstimateArray, TruncationWarning
from .estimators import (
    DecayFit,
    ScalingFit,
    SerialExecutor,
    entanglement_law,
    entropy,
    entropy_profile,
    exact_gradient_variance,
    expectation,
    expectation_value,
    fidelity,
    fit_entanglement_law,
    fit_exponential_decay,
    gradient,
    gradient_variance,
    mutual_information,
    purity,
    qbm_gradient_variance,
    subsystem_entropy,
    thermal_energy,
    thermal_entropy,
    trace_distance_to_maximally_mixed,
)
from .hamiltonian import PauliSum
from .partition import Partition
from .qasm import from_qasm
from .state import BondRecord, State
from .thermal import GibbsState, gibbs_state

try:
    __version__ = version("tnbp")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "DecayFit",
    "SerialExecutor",
    "fidelity",
    "fit_exponential_decay",
    "gradient_variance",
    "BondRecord",
    "Circuit",
    "DenseState",
    "Estimate",
    "EstimateArray",
    "MPSState",
    "Partition",
    "ScalingFit",
    "State",
    "TruncationWarning",
    "ansatz",
    "entanglement_law",
    "entropy",
    "entropy_profile",
    "exact_gradient_variance",
    "expectation",
    "expectation_value",
    "fit_entanglement_law",
    "gradient",
    "free_fermion",
    "from_qasm",
    "mutual_information",
    "observables",
    "purity",
    "qbm",
    "qbm_gradient_variance",
    "simulate",
    "subsystem_entropy",
    "theory",
    "thermal_energy",
    "thermal_entropy",
    "trace_distance_to_maximally_mixed",
    "GibbsState",
    "PauliSum",
    "gibbs_state",
    "hamiltonian",
]
