"""Shared fixtures: an ansatz-family parameter; study scripts as modules."""

import importlib.util
from pathlib import Path

import pytest
from ansatz_zoo import ANSATZ_BUILDERS


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
