"""Where tasks run: local worker processes do not outlive the process that started them."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tnbp import _executors

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
