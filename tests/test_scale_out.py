"""Scale-out on dask.distributed: worker processes give the serial tables.

Issue 14, item 3, on one LocalCluster of 2 worker processes (the session's
``dask_client`` fixture, tests/conftest.py), in this order:

- every function of tnbp with an ``executor`` (the list is found, not kept)
  gives the serial result bitwise on the client;
- three studies run through ``tnbp run STUDY --executor dask://HOST:PORT`` give
  the serial table, and the point function of every study reaches a worker;
- a worker killed mid-run has its tasks rerun (ensemble engine, then sweep);
- a point that raises on a worker is named by the exception; a closed client
  is refused;
- a sweep's rows stream into the store as points finish, each written once,
  with the pid of the worker that computed them;
- a point that kills every worker that runs it ends the run with an error that
  names it, and the rerun resumes.

The kills come last: a worker restarted after one imports what the tests after
it need, which for the sweeps is little. The task functions live in
tests/scale_out_tasks.py, which the workers import. The guide's SLURM cluster
(docs/guide/scaling_out.md) renders the job script the guide describes.
"""

import concurrent.futures as cf
import functools
import importlib
import inspect
import os
import pkgutil
import re
import signal
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from scale_out_tasks import (
    draw,
    failing,
    local_cost,
    marked_draw,
    poisoned,
    qualified_name,
    small_hea,
    square,
)
from typer.testing import CliRunner

import tnbp
from tnbp import ansatz
from tnbp.cli import app
from tnbp.ensembles import chunks, run_tasks
from tnbp.results import ResultStore, catalog, read_table, run_sweep
from tnbp.results.schema import TABLES

pytest.importorskip("distributed")

# one xdist worker runs them all, on one cluster (make test: --dist loadgroup)
pytestmark = pytest.mark.xdist_group("dask")

#: the guide page this file backs
GUIDE = Path(__file__).parents[1] / "docs" / "guide" / "scaling_out.md"
#: provenance columns that differ between two runs of the same point
VOLATILE = ["git_commit", "host", "pid", "wall_time", "finished_at"]


def _timing(column: str) -> bool:
    """Whether ``column`` holds a wall or CPU time, which differ run to run."""
    return column == "seconds" or column.endswith("_seconds")


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _sweep(out, points, executor, *, fn=draw, delay=0.0, task="draw"):
    """``run_sweep`` of ``fn`` (its ``delay`` bound: not part of the keys)."""
    return run_sweep(
        functools.partial(fn, delay=delay),
        points,
        out=out,
        task=task,
        executor=executor,
        progbar=False,
    )


def _assert_same_table(df, serial):
    """Every column but the volatile and timing ones bitwise equal, row for row."""
    drop = [c for c in serial if _timing(c) or c in VOLATILE]
    pd.testing.assert_frame_equal(
        df.drop(columns=drop), serial.drop(columns=drop), check_exact=True
    )


def _rows(out) -> int:
    """Rows in the store at ``out`` (0 before the sweep creates it)."""
    if not (Path(out) / "store.sqlite").exists():
        return 0
    with ResultStore(out) as store:
        return len(store)


@pytest.fixture
def puts(monkeypatch):
    """The points whose rows the store was asked to write, with put's answer.

    A point delivered twice to the process that writes the rows would show up
    here twice (the store's key would keep the second write out of the table).
    """
    seen = []
    put = ResultStore.put

    def counting(self, task, params, *args, **kwargs):
        written = put(self, task, params, *args, **kwargs)
        seen.append((params["x"], written))
        return written

    monkeypatch.setattr(ResultStore, "put", counting)
    return seen


def _progress_when(progress, at: int, done: threading.Event, *, kill=None):
    """``progress()`` once it reaches ``at``, after SIGKILL of pid ``kill`` if given.

    Run in a helper thread while the main thread runs the sweep or ensemble;
    None if ``done`` is set first (the run ended before).
    """
    while progress() < at:
        if done.is_set():
            return None
        time.sleep(0.02)
    if kill is not None:
        os.kill(kill, signal.SIGKILL)
    return progress()


def _restored(client, victim: int) -> None:
    """Wait for the nanny to replace the killed worker; check it is gone."""
    client.wait_for_workers(2, timeout=120)
    assert victim not in client.run(os.getpid).values()


# ---- every function with an `executor`, on the client ----------------------


_TRAINING = dict(target=0.1, learning_rate=0.3, steps=4, angle_noise=0.02, samples=3)

#: each function at a tiny size, as ``call(executor)``; the ensembles spread
#: their chunks (chunk_size=1 where the function has one) over both workers
ENSEMBLES = {
    "gradient_variance": lambda ex: tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [2, 3],
        observable=local_cost,
        samples=3,
        seed=1,
        chunk_size=1,
        executor=ex,
    ),
    "dqnn_gradient_variance": lambda ex: tnbp.dqnn_gradient_variance(
        square, [1, 2], cost="local", samples=3, seed=3, chunk_size=1, executor=ex
    ),
    "fidelity_gradient_variance": lambda ex: tnbp.fidelity_gradient_variance(
        1,
        [1, 2],
        target=tnbp.random_thermal_target(1, seed=3),
        samples=3,
        seed=2,
        chunk_size=1,
        executor=ex,
    ),
    "qbm_gradient_variance": lambda ex: tnbp.qbm_gradient_variance(
        1, [1, 2], samples=3, seed=4, chunk_size=1, executor=ex
    ),
    "qbm_trace_distance_gradient_variance": (
        lambda ex: tnbp.qbm_trace_distance_gradient_variance(
            1, [1, 2], samples=3, seed=4, chunk_size=1, executor=ex
        )
    ),
    "qbm_gradient_profile": lambda ex: tnbp.qbm_gradient_profile(
        [4], samples=3, backend="dense", dense_max=4, seed=7, executor=ex
    ),
    "qntk_ensemble": lambda ex: tnbp.qntk_ensemble(
        ansatz.design_rotations,
        [(2, 4), (3, 4)],
        observable=[(1.0, "Z", (0,))],
        samples=3,
        seed=2,
        chunk_size=1,
        executor=ex,
    ),
    "trace_distance_ensemble": lambda ex: tnbp.trace_distance_ensemble(
        "qbm", 1, [1, 2], samples=3, seed=3, chunk_size=1, executor=ex
    ),
    "train_ensemble": lambda ex: tnbp.train_ensemble(
        small_hea, [(1.0, "ZZ", (0, 1))], seed=7, chunk_size=1, executor=ex, **_TRAINING
    ),
    "final_step_statistics": lambda ex: pd.Series(
        tnbp.final_step_statistics(
            small_hea,
            [(1.0, "ZZ", (0, 1))],
            seed=7,
            chunk_size=1,
            executor=ex,
            **_TRAINING,
        )
    ),
    "visible_distance_ensemble": lambda ex: tnbp.visible_distance_ensemble(
        "hea_shallow", [(8, 3)], samples=2, seed=1, executor=ex
    ),
    "fidelity_gradient_ensemble": lambda ex: tnbp.fidelity_gradient_ensemble(
        "unitary_qnn_nn",
        [(6, 2)],
        target=tnbp.ensembles.thermal_target(2, seed=0),
        samples=2,
        seed=2,
        executor=ex,
    ),
}

#: run by the sweep and engine tests above
ELSEWHERE = {"run_sweep", "run_tasks"}


def _public_functions_with_an_executor() -> set[str]:
    """Names of the functions of tnbp's public modules that take ``executor``."""
    names = set()
    for info in pkgutil.walk_packages(tnbp.__path__, "tnbp."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        for name, obj in vars(importlib.import_module(info.name)).items():
            if (
                not name.startswith("_")
                and inspect.isfunction(obj)
                and not obj.__module__.split(".")[-1].startswith("_")
                and obj.__module__.startswith("tnbp.")
                and "executor" in inspect.signature(obj).parameters
            ):
                names.add(name)
    return names


def test_the_timing_columns_are_those_in_seconds():
    """The comparisons drop every column of the schemas whose unit is seconds."""
    for table in TABLES.values():
        for column in table.columns:
            assert _timing(column.name) == (column.unit == "s"), column


def test_every_function_with_an_executor_is_run_on_dask():
    assert _public_functions_with_an_executor() == set(ENSEMBLES) | ELSEWHERE


@pytest.mark.parametrize("name", sorted(ENSEMBLES))
def test_ensemble_on_dask_gives_the_serial_table(name, dask_client):
    serial = ENSEMBLES[name]("serial")
    on_dask = ENSEMBLES[name](dask_client)
    assert len(serial) > 0
    if isinstance(serial, pd.DataFrame):
        _assert_same_table(on_dask, serial)
    else:
        pd.testing.assert_series_equal(on_dask, serial, check_exact=True)


# ---- studies: the command line, and a point of every study ------------------

#: representative quick presets run whole: a circuit-gradient ensemble per
#: point (paper 002), QBM Gibbs states (paper 000), MPS entanglement (tensor
#: networks); every quick preset on dask would add a minute (the first point of
#: every study runs on a worker below instead)
STUDIES = ["barren_plateaus", "qbm_hidden_units", "entanglement_vs_depth"]


def _sorted(table):
    """Rows by key: a store's table lists rows in the order they finished."""
    return table.sort_values("key", ignore_index=True)


@pytest.mark.parametrize("study", STUDIES)
def test_study_runs_on_a_dask_scheduler_from_the_command_line(
    study, tmp_path, dask_client
):
    address = dask_client.scheduler.address
    assert address.startswith("tcp://")
    tables = {}
    for name, executor in [
        ("serial", "serial"),
        ("dask", "dask://" + address.removeprefix("tcp://")),
    ]:
        out = tmp_path / name
        result = CliRunner().invoke(
            app, ["run", study, "--quick", "--executor", executor, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        tables[name] = _sorted(read_table(out / "table.csv"))
    assert len(tables["serial"]) > 0
    _assert_same_table(tables["dask"], tables["serial"])


class _Stop(Exception):
    """Raised by the stand-in ``run_sweep`` once it has the sweep's function."""


@pytest.mark.parametrize("study", [s.name for s in catalog.list_studies()])
def test_every_study_ships_its_points_to_a_worker(
    study, tmp_path, dask_client, load_study, monkeypatch
):
    """The function of every study's sweep reaches a worker process intact.

    Sent as a sweep sends it (``submit`` with dask's default ``pure=True``:
    pickled with the study's module by value, after a copy made to tokenize
    it). The lru_cache functions of four studies once failed there: the
    client could not serialize the task, lost its workers and waited for
    ever. Running every quick preset on dask too would add a minute; three
    run whole above.
    """
    module, sweep = load_study(study), {}

    def capture(fn, points, **kwargs):
        sweep.update(fn=fn)
        raise _Stop

    monkeypatch.setattr(module, "run_sweep", capture)
    with pytest.raises(_Stop):
        module.main(**module.QUICK, out=tmp_path, executor="serial", progbar=False)
    shipped = dask_client.submit(qualified_name, sweep["fn"])
    assert shipped.result(timeout=60) == qualified_name(sweep["fn"])


# ---- killed workers (last: a restarted worker imports the sweep only) ----


@posix_only
def test_a_worker_killed_mid_ensemble_has_its_chunks_rerun(tmp_path, dask_client):
    tasks = chunks([3, 5], samples=6, chunk_size=1)
    serial = run_tasks(
        functools.partial(marked_draw, marks=None), tasks, seed=4, executor="serial"
    )
    victim = min(dask_client.run(os.getpid).values())
    done = threading.Event()
    with cf.ThreadPoolExecutor(1) as pool:
        # after 5 of 12 chunks of 0.3 s: the other 7 take the surviving worker
        # about 2 s, time enough for the kill to land mid-run on a loaded
        # machine; the restarted worker may take one, once it has imported
        # the ensembles (a few seconds)
        kill = pool.submit(
            _progress_when, lambda: len(list(tmp_path.iterdir())), 5, done, kill=victim
        )
        try:
            got = run_tasks(
                functools.partial(marked_draw, marks=tmp_path),
                tasks,
                seed=4,
                executor=dask_client,
            )
        finally:
            done.set()
    done_at_kill = kill.result()
    assert done_at_kill is not None and done_at_kill < len(tasks), "not mid-run"
    assert got == serial  # exact: the same floats from the same seeds
    _restored(dask_client, victim)


# ---- errors: a failing point, a closed client ----------------------------


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes")
def test_an_error_on_a_worker_names_its_point_and_keeps_the_rows(
    tmp_path, dask_client, puts
):
    points = [dict(x=x, seed=x) for x in range(4)]
    with pytest.raises(ArithmeticError, match="point 2 cannot be computed") as info:
        _sweep(tmp_path, points, dask_client, fn=failing, task="draw")
    assert info.value.__notes__ == [
        "(tnbp: raised for point {'x': 2, 'seed': 2} of 'draw')"
    ]
    assert 2 not in {x for x, _ in puts}
    assert _rows(tmp_path) == len(puts)  # what finished before is kept


def test_a_closed_client_is_refused(tmp_path, dask_client):
    distributed = pytest.importorskip("distributed")
    client = distributed.Client(dask_client.scheduler.address)
    client.close()
    with pytest.raises(ValueError, match="`executor` is a closed dask client"):
        _sweep(tmp_path, [dict(x=0, seed=0)], client)
    with pytest.raises(ValueError, match="`executor` is a closed dask client"):
        run_tasks(
            functools.partial(marked_draw, marks=None),
            chunks([1], 1, 1),
            executor=client,
        )


# ---- sweeps: rows stream in once each; killed workers ---------------------


def test_rows_stream_into_the_store_once_each_and_give_the_serial_table(
    tmp_path, dask_client, puts
):
    points = [dict(x=x, seed=10 + x) for x in range(8)]
    serial = _sweep(tmp_path / "serial", points, "serial")
    puts.clear()
    out = tmp_path / "dask"
    done = threading.Event()
    with cf.ThreadPoolExecutor(1) as pool:
        # the rows in the store once the first one is there, read while the
        # sweep runs: fewer than all of them if rows stream in as points finish
        first = pool.submit(_progress_when, lambda: _rows(out), 1, done)
        try:
            df = _sweep(out, points, dask_client, delay=0.2)
        finally:
            done.set()
    assert 0 < first.result() < len(points)
    _assert_same_table(df, serial)
    # the provenance names the worker processes that computed the rows
    assert set(df.pid) <= set(dask_client.run(os.getpid).values())
    # every point written once, by this process
    assert sorted(puts) == [(p["x"], True) for p in points]
    assert _rows(out) == len(points) and df.key.is_unique
    pd.testing.assert_frame_equal(
        _sorted(read_table(out / "table.csv")).drop(columns=VOLATILE),
        _sorted(df).drop(columns=VOLATILE),
        check_dtype=False,  # the CSV reads integer parameters back as int64
    )


@posix_only
def test_a_worker_killed_mid_sweep_has_its_points_rerun(tmp_path, dask_client, puts):
    points = [dict(x=x, seed=100 + x) for x in range(10)]
    serial = _sweep(tmp_path / "serial", points, "serial")
    puts.clear()
    out = tmp_path / "dask"
    victim = min(dask_client.run(os.getpid).values())
    done = threading.Event()
    start = time.perf_counter()
    with cf.ThreadPoolExecutor(1) as pool:
        kill = pool.submit(_progress_when, lambda: _rows(out), 2, done, kill=victim)
        try:
            df = _sweep(out, points, dask_client, delay=0.3)
        finally:
            done.set()
    elapsed = time.perf_counter() - start
    rows_at_kill = kill.result()
    assert rows_at_kill is not None and rows_at_kill < len(points), "not mid-run"
    _assert_same_table(df, serial)
    assert sorted(puts) == [(p["x"], True) for p in points]  # once each
    assert _rows(out) == len(points)
    # 10 points of 0.3 s on 2 workers: 1.5 s, plus the rerun points and start-up;
    # far from any timeout (a hang would end at pytest's or CI's)
    assert elapsed < 60, elapsed
    _restored(dask_client, victim)


@posix_only
def test_a_point_that_kills_every_worker_is_a_clear_error(tmp_path, dask_client, puts):
    points = [dict(x=x, seed=x) for x in range(6)]
    out = tmp_path / "dask"
    victims = set(dask_client.run(os.getpid).values())
    with pytest.raises(
        RuntimeError, match=r"point \{'x': \d, 'seed': \d\} of 'draw': every dask "
    ) as info:
        _sweep(out, points, dask_client, fn=poisoned, delay=0.2)
    assert type(info.value.__cause__).__name__ == "KilledWorker"
    assert 2 not in {x for x, _ in puts}
    # the rows of finished points are kept; the rerun computes only the rest
    kept = {x for x, _ in puts}
    puts.clear()
    df = _sweep(out, points, dask_client)
    assert {x for x, _ in puts} == {p["x"] for p in points} - kept
    _assert_same_table(df, _sweep(tmp_path / "serial", points, "serial"))
    # the nanny restarted the worker each time it died
    dask_client.wait_for_workers(2, timeout=120)
    assert victims != set(dask_client.run(os.getpid).values())


# ---- the guide's SLURM cluster ------------------------------------------------


def test_the_guide_slurm_cluster_renders_the_job_script_it_describes():
    """The guide's SLURMCluster arguments exist and say what the guide says."""
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask_jobqueue")
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.S)
    (block,) = [b for b in blocks if "print(cluster.job_script())" in b]
    namespace = {}
    # the scheduler's HTTP server on a free port: on dask's 8787, taken by
    # another cluster of this machine, it warns (an error here)
    with dask.config.set(
        {"jobqueue.slurm.scheduler-options": {"dashboard_address": ":0"}}
    ):
        exec(compile(block, str(GUIDE), "exec"), namespace)  # submits nothing
    with namespace["cluster"] as cluster:
        script = cluster.job_script()
    header = [
        "#SBATCH --cpus-per-task=8",
        "#SBATCH -t 04:00:00",
        "#SBATCH -A myproject",
        "#SBATCH -p compute",
        "#SBATCH --output=dask-worker-%j.out",
        "export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1",
    ]
    assert all(line in script.splitlines() for line in header), script
    worker = script.splitlines()[-1]
    for option in ["--nworkers 8", "--nthreads 1", "--lifetime 3h50m", "--nanny"]:
        assert option in worker, worker
