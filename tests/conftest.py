"""Shared fixtures: seeded circuits of every ansatz family; study scripts as modules."""

import importlib.util
from pathlib import Path

import pytest

from tnbp import ansatz

#: name -> builder(n, seed) of every ansatz family, at depths that entangle well
ANSATZ_BUILDERS = {
    "hea_ladder": lambda n, seed: ansatz.hardware_efficient(n, 3, seed=seed),
    "hea_brick_cnot": lambda n, seed: ansatz.hardware_efficient(
        n, 4, rotations=("X", "Y", "Z"), entangler="cnot", pattern="brick", seed=seed
    ),
    "haar_brickwork": lambda n, seed: ansatz.haar_brickwork(n, 6, seed=seed),
    "unitary_qnn": lambda n, seed: ansatz.unitary_qnn(n, seed=seed),
    "unitary_qnn_nn": lambda n, seed: ansatz.unitary_qnn(
        n, nearest_neighbour=True, shuffle=True, seed=seed
    ),
    "free_fermion": lambda n, seed: ansatz.free_fermion_brickwork(n, 5, seed=seed),
}


@pytest.fixture(params=sorted(ANSATZ_BUILDERS))
def ansatz_name(request):
    return request.param


def _load_study(name: str):
    path = Path(__file__).parents[1] / "studies" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_study():
    """``load_study(name)`` returns the script ``studies/<name>.py`` as a module."""
    return _load_study
