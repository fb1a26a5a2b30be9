"""Load a study script from ``studies/`` as a module (they are scripts, not a package)."""

import importlib.util
from pathlib import Path

import pytest

STUDIES = Path(__file__).parents[2] / "studies"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, STUDIES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_study():
    """``load_study(name)`` returns the module ``studies/<name>.py``."""
    return _load
