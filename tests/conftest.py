"""Shared fixtures: an ansatz-family parameter; study scripts as modules."""

import pytest
from ansatz_zoo import ANSATZ_BUILDERS

from tnbp.results import catalog


@pytest.fixture(params=sorted(ANSATZ_BUILDERS))
def ansatz_name(request):
    return request.param


@pytest.fixture(scope="session")
def load_study():
    """``load_study(name)`` returns the script ``studies/<name>.py`` as a module.

    The catalog's module (:func:`tnbp.results.catalog.load_study`): the one
    ``tnbp run`` runs, so a test that patches it patches the command too.
    """
    return catalog.load_study
