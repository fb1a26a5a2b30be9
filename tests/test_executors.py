"""Where tasks run: local worker processes do not outlive the process that started them."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tnbp import _executors
from tnbp.ensembles import chunks, run_tasks

#: a sweep whose one point sleeps: its worker writes its pid, then sleeps on
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from tnbp.results import run_sweep

    def slow(*, x):
        with open(sys.argv[1], "w") as f:
            f.write(str(os.getpid()))
        time.sleep(600)
        return dict(y=x)

    run_sweep(slow, [dict(x=1)], out=sys.argv[2], executor="processes", progbar=False)
    """
)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left for a non-reaping init has exited)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:  # exited since, or a system without /proc
        return not os.path.isdir("/proc")


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_workers_exit_after_kill_9_of_their_parent(tmp_path):
    pid_file = tmp_path / "worker.pid"
    script = tmp_path / "sweep.py"
    script.write_text(SCRIPT)
    parent = subprocess.Popen([sys.executable, script, pid_file, tmp_path / "out"])
    try:
        deadline = time.monotonic() + 120  # a cold worker imports numpy, quimb
        while not (pid_file.exists() and pid_file.read_text()):
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.1)
        worker = int(pid_file.read_text())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        # the worker notices within a poll period; 30 s of slack for a loaded machine
        deadline = time.monotonic() + _executors.PARENT_POLL_SECONDS + 30
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        parent.kill()


class _FakeClient:
    """A dask client as :func:`tnbp._executors.check_client` sees it."""

    class scheduler:  # noqa: N801 (an attribute of the client, as in dask)
        address = "tcp://10.0.0.1:8786"

    def __init__(self, *, status="running", scheduler="0.1.0", workers=("0.1.0",)):
        self.status = status
        self.versions = {
            "client": {"packages": {"tnbp": "0.1.0"}},
            "scheduler": {"packages": {"tnbp": scheduler}},
            "workers": {
                f"tcp://10.0.0.{i + 2}:40000": {"packages": {"tnbp": v}}
                for i, v in enumerate(workers)
            },
        }

    def submit(self, fn, *args):
        raise AssertionError("a refused client runs nothing")

    gather = submit

    def get_versions(self, packages):
        assert packages == ["tnbp"]
        return self.versions


def test_a_cluster_of_this_tnbp_is_accepted():
    _executors.check_client(_FakeClient(workers=()))  # no worker yet: nothing to say
    _executors.check_client(_FakeClient(workers=("0.1.0", "0.1.0")))


@pytest.mark.parametrize(
    ("client", "message"),
    [
        (_FakeClient(status="closed"), "`executor` is a closed dask client"),
        (
            _FakeClient(workers=("0.1.0", None)),
            r"at tcp://10\.0\.0\.1:8786 must run tnbp 0\.1\.0, as this process does "
            r"\(worker tcp://10\.0\.0\.3:40000: not installed\)",
        ),
        (
            _FakeClient(scheduler="0.0.9"),
            r"must run tnbp 0\.1\.0, as this process does \(the scheduler: 0\.0\.9\)",
        ),
    ],
)
def test_a_closed_client_or_a_cluster_without_this_tnbp_is_refused(client, message):
    """Refused before any task: a worker without tnbp dies on its first task."""
    with pytest.raises(ValueError, match=message):
        run_tasks(_rows, chunks([1], 1, 1), executor=client)


def _rows(chunk, seeds):
    return [0] * len(seeds)


#: a sweep whose points each leave 400 MB in their worker (a module global)
BIG_SCRIPT = textwrap.dedent(
    """
    import time
    import numpy as np
    from tnbp.results import run_sweep

    def big(*, x):
        # 400 MB that stay in the worker (the function itself travels by
        # value, so its own globals would not keep them): a "leak" to loky
        vars(np).setdefault("_kept", []).append(np.ones(50_000_000))
        time.sleep(1.5)  # loky checks a worker's memory at most once a second
        return dict(y=x)

    df = run_sweep(
        big, [dict(x=i) for i in range(8)], out=__import__("sys").argv[1],
        executor="processes", progbar=False,
    )
    print(df.pid.nunique())
    """
)


def test_loky_restarting_a_big_worker_is_not_reported_as_a_leak(tmp_path):
    """Tasks that hold GBs by design (exact-variance snapshots) alarmed users.

    loky restarts a worker that grew by 300 MB between tasks and warned of a
    "memory leak"; the restart is kept (it frees the memory), the warning not.
    """
    run = subprocess.run(
        [sys.executable, "-c", BIG_SCRIPT, str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    workers = _executors.cpu_count()
    # more processes computed rows than there are workers: loky did restart
    # some (each worker's second task grows it past loky's 300 MB)
    assert int(run.stdout.split()[-1]) > workers or workers >= 4
    assert "memory leak" not in run.stderr


#: after a process pool ran: loky's restart notices as loky < 3.7 (which
#: pyproject allows) and >= 3.7 word them, then 3.7's notice of a worker killed
#: by the OOM killer, which starts with the words of the old one
LOKY_NOTICES_SCRIPT = textwrap.dedent(
    """
    import warnings
    from tnbp.ensembles import chunks, run_tasks

    def rows(chunk, seeds):
        return [0] * len(seeds)

    run_tasks(rows, chunks([1], 1, 1), seed=0, executor="processes")
    start = "A worker stopped while some jobs were given to the executor. "
    old = start + "This can be caused by a too short worker timeout or by a memory leak."
    for message in (
        old,
        "A worker was restarted while some jobs were given to the executor "
        "because it was using more than 300 MB more memory than when it started, "
        "which usually indicates a memory leak.",
        old[:-1] + " triggered by the OS-level out-of-memory (OOM) process killer.",
    ):
        warnings.warn(message, UserWarning)
    """
)


def test_loky_restart_notices_of_every_supported_loky_are_not_passed_on():
    run = subprocess.run(
        [sys.executable, "-c", LOKY_NOTICES_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("UserWarning") == 1, run.stderr
    assert "out-of-memory (OOM)" in run.stderr
