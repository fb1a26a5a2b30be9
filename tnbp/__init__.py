"""Tensor-network barren plateaus (tnbp).

Entanglement and trainability of quantum neural networks at sizes beyond exact
diagonalization, with every estimate carrying how far it can be trusted.

The package follows the flow of a calculation, one folder per role::

    models/      circuits, Hamiltonians, observables, partitions   (pure data)
    states/      simulate, gibbs_state: dense, MPS, lightcone networks
    estimators/  entropies, distances, expectations, scaling fits
    gradients/   gradient(), shift rules, adjoint, autodiff, exact moments, QBMs
    ensembles/   one seeded engine over random instances; statistics and fits
    results/     the results store and table schemas
    plotting/    figures
    references/  closed forms and free fermions: independent exact results

Every public name below is importable from ``tnbp`` directly. Names are loaded
on first use, so ``import tnbp`` stays cheap (quimb, pandas, matplotlib and jax
load only when a part that needs them is used).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tnbp")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

#: public name -> module defining it
_EXPORTS = {
    # models
    "Circuit": "tnbp.models.circuit",
    "PauliSum": "tnbp.models.pauli_sum",
    "PauliTerm": "tnbp.models.paulis",
    "pauli_term": "tnbp.models.paulis",
    "Partition": "tnbp.models.partition",
    "from_qasm": "tnbp.models.qasm",
    "fuse_gates": "tnbp.models.fusion",
    "DQNN": "tnbp.models.dqnn",
    "perceptron_unitaries": "tnbp.models.dqnn_matrices",
    "perceptron_qubits": "tnbp.models.dqnn_matrices",
    "pauli_generator": "tnbp.models.dqnn_matrices",
    "random_generators": "tnbp.models.dqnn_matrices",
    "update_unitaries": "tnbp.models.dqnn_matrices",
    "gue_matrix": "tnbp.models.gue",
    # states
    "State": "tnbp.states.base",
    "BondRecord": "tnbp.states.record",
    "AutoReport": "tnbp.states.record",
    "TruncationWarning": "tnbp.states.record",
    "DenseState": "tnbp.states.dense",
    "MPSState": "tnbp.states.mps",
    "TNState": "tnbp.states.tn.lightcone",
    "simulate": "tnbp.states.simulate",
    "simulate_batch": "tnbp.states.simulate",
    "evolve": "tnbp.states.evolution",
    "GibbsState": "tnbp.states.gibbs.base",
    "gibbs_state": "tnbp.states.gibbs.api",
    "dqnn_output_state": "tnbp.states.dqnn",
    "dqnn_purified_state": "tnbp.states.dqnn_purified",
    "PurifiedDQNNState": "tnbp.states.dqnn_purified",
    # estimators
    "Estimate": "tnbp.estimators.estimate",
    "EstimateArray": "tnbp.estimators.estimate",
    "entropy": "tnbp.estimators.entropy",
    "entropy_profile": "tnbp.estimators.entropy",
    "subsystem_entropy": "tnbp.estimators.entropy",
    "purity": "tnbp.estimators.entropy",
    "mutual_information": "tnbp.estimators.entropy",
    "trace_distance_to_maximally_mixed": "tnbp.estimators.distance",
    "fidelity": "tnbp.estimators.distance",
    "expectation": "tnbp.estimators.expectation",
    "expectation_value": "tnbp.estimators.expectation",
    "ScalingFit": "tnbp.estimators.scaling",
    "entanglement_law": "tnbp.estimators.scaling",
    "fit_entanglement_law": "tnbp.estimators.scaling",
    "log_partition": "tnbp.estimators.thermodynamics",
    "thermal_energy": "tnbp.estimators.thermodynamics",
    "thermal_entropy": "tnbp.estimators.thermodynamics",
    # gradients
    "gradient": "tnbp.gradients.api",
    "gradient_with_diagnostics": "tnbp.gradients.api",
    "GradientDiagnostics": "tnbp.gradients.diagnostics",
    "GradientMoments": "tnbp.gradients.moments",
    "exact_gradient_variance": "tnbp.gradients.moments",
    "dqnn_cost": "tnbp.gradients.dqnn",
    "dqnn_gradient": "tnbp.gradients.dqnn",
    "dqnn_matrix_cost": "tnbp.gradients.dqnn_matrix",
    "dqnn_matrix_derivative": "tnbp.gradients.dqnn_matrix",
    "qntk": "tnbp.gradients.qntk",
    "qntk_matrix": "tnbp.gradients.qntk",
    "nonvanishing_qntk": "tnbp.gradients.qntk",
    "meta_kernel": "tnbp.gradients.qntk",
    "qbm_response_gradient": "tnbp.gradients.qbm_response",
    "QBMResponseGradient": "tnbp.gradients.qbm_response",
    # training with angle noise (Liu, Lin and Jiang, arXiv:2206.09313)
    "train": "tnbp.gradients.training",
    "OvershootWarning": "tnbp.gradients.training",
    "train_ensemble": "tnbp.ensembles.training",
    "final_step_statistics": "tnbp.ensembles.training",
    # ensembles
    "visible_distance_ensemble": "tnbp.ensembles.visible_states",
    "fidelity_gradient_ensemble": "tnbp.ensembles.visible_states",
    "visible_summary": "tnbp.ensembles.visible_states",
    "gradient_variance": "tnbp.ensembles.circuit_gradients",
    "qbm_gradient_variance": "tnbp.ensembles.qbm_gradients",
    "qbm_gradient_profile": "tnbp.ensembles.qbm_profile",
    "qbm_gradient_profile_summary": "tnbp.ensembles.qbm_profile",
    "qbm_trace_distance_gradient_variance": "tnbp.ensembles.qbm_gradients",
    "fidelity_gradient_variance": "tnbp.ensembles.fidelity_gradients",
    "random_thermal_target": "tnbp.ensembles.fidelity_gradients",
    "dqnn_gradient_variance": "tnbp.ensembles.dqnn_gradients",
    "qntk_ensemble": "tnbp.ensembles.qntk",
    "qntk_summary": "tnbp.ensembles.qntk",
    "visible_entanglement": "tnbp.ensembles.visible_entanglement",
    "entanglement_law_summary": "tnbp.ensembles.visible_entanglement",
    "SerialExecutor": "tnbp._executors",
    "trace_distance_ensemble": "tnbp.ensembles.trace_distances",
    "trace_distance_summary": "tnbp.ensembles.trace_distances",
    "DecayFit": "tnbp.ensembles.fits",
    "fit_exponential_decay": "tnbp.ensembles.fits",
    "fit_power_law": "tnbp.ensembles.fits",
    "compare_decay_laws": "tnbp.ensembles.fits",
    "PowerLawFit": "tnbp.ensembles.fits",
    "DecayComparison": "tnbp.ensembles.fits",
    # results
    "ResultStore": "tnbp.results.store",
    "run_sweep": "tnbp.results.sweep",
}

#: public modules that keep their historical import paths (``import tnbp.ansatz``)
_MODULE_ALIASES = {
    "tnbp.ansatz": "tnbp.models.ansatz",
    "tnbp.observables": "tnbp.models.observables",
    "tnbp.hamiltonian": "tnbp.models.hamiltonian",
    "tnbp.qbm": "tnbp.gradients.qbm",
    "tnbp.theory": "tnbp.references.theory",
    "tnbp.free_fermion": "tnbp.references.free_fermion",
}

_SUBPACKAGES = (
    "models",
    "states",
    "estimators",
    "gradients",
    "ensembles",
    "results",
    "plotting",
    "references",
    "limits",
)

__all__ = sorted([*_EXPORTS, *(alias.rpartition(".")[2] for alias in _MODULE_ALIASES)])


class _AliasLoader(importlib.abc.Loader):
    """Serve an aliased module name with the module it stands for."""

    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass  # already executed under its own name


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Find the aliased public modules of :data:`_MODULE_ALIASES`."""

    def find_spec(self, fullname, path=None, target=None):
        alias = _MODULE_ALIASES.get(fullname)
        if alias is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(alias))


if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
    sys.meta_path.append(_AliasFinder())


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif f"{__name__}.{name}" in _MODULE_ALIASES or name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    # the public namespace only: no import machinery (importlib, sys, ...), no
    # private helpers, whatever has been loaded so far
    return sorted({*__all__, *_SUBPACKAGES, "__version__"})
