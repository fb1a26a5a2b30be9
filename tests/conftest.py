"""Shared fixtures: an ansatz-family parameter; study scripts as modules; a dask cluster."""

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


@pytest.fixture(scope="session")
def dask_client():
    """A dask.distributed ``Client`` of a LocalCluster of 2 worker processes.

    One thread per worker; the scheduler's HTTP server (dashboard, metrics) on
    a free port, not dask's 8787, which another cluster of this machine may
    hold (dask then warns, an error here). Started once per test session
    (about a second) and shared: a test that kills a worker waits for its nanny to
    restart it before returning. The scheduler gives a task up
    (``KilledWorker``) once two workers died while running it, instead of
    dask's default four, so that the test of that error is quick (one killed
    worker still has its tasks rescheduled); and fails the tasks that waited a
    minute with no worker at all, so that a cluster whose workers are gone
    fails a test instead of hanging the suite.
    """
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    with dask.config.set(
        {
            "distributed.scheduler.allowed-failures": 1,
            "distributed.scheduler.no-workers-timeout": "60s",
        }
    ):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with cluster, distributed.Client(cluster) as client:
        yield client
