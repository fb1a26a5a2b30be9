"""Executors: where the tasks of an ensemble or the points of a sweep run.

One place for what every parallel loop of tnbp needs: the executors named by a
string, a serial executor, the submission of tasks to any of them (with
Ctrl-C handling), the order in which their results arrive, and the test of
whether an exception is a Ctrl-C.

Executors (``executor=``):

``None`` or ``"processes"``
    local worker processes, one per CPU, from loky's reusable executor (as
    joblib uses it). Task functions and their arguments travel by cloudpickle,
    so functions defined in a plain script, lambdas and closures work, and no
    ``if __name__ == "__main__":`` guard is needed. Ctrl-C stops the workers
    at once (the next call starts new ones) instead of letting them finish
    every task already sent while the interpreter waits at exit. The workers
    exit within a second of the death of the process that started them
    (``kill -9`` included), so no orphan computes on.
``"threads"``
    a thread pool of one thread per CPU in this process (no pickling; numpy
    releases the GIL in BLAS, the pure-Python parts of a task do not).
``"serial"``
    this process, one task after the other.
a ``concurrent.futures.Executor``
    used as given (and left open). For a standard-library process pool the
    task must pickle with :mod:`pickle` (module-level functions or
    ``functools.partial`` of them).
a ``dask.distributed.Client``
    (anything with ``submit`` and ``gather``) used as given; tasks travel by
    cloudpickle. A worker that dies (killed, out of memory) is restarted by
    its nanny and the scheduler runs its tasks again elsewhere; a task during
    which ``distributed.scheduler.allowed-failures + 1`` workers died (dask's
    ``KilledWorker``) ends the run with a :class:`RuntimeError` that names the
    task's point or samples. The client is checked first
    (:func:`check_client`): it must be open, and its scheduler and workers
    must have this process's version of tnbp installed.

An exception raised by a task on any executor reaches the caller with a note
naming the task's point or samples.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import os
import pickle
import sys
import threading
import time
import warnings
from collections.abc import Iterable, Iterator

from ._threads import blas_threads_pinned

#: executors named by a string
EXECUTORS = ("processes", "serial", "threads")


class SerialExecutor(cf.Executor):
    """An executor that runs each task in the calling process when it is submitted.

    The ``executor="serial"``; useful for debugging (a task's
    exception is raised with its traceback in this process) and for tasks that
    must not leave it.

    Examples
    --------
    >>> from tnbp import SerialExecutor
    >>> SerialExecutor().submit(pow, 2, 10).result()
    1024
    """

    def submit(self, fn, /, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` now and return its finished future.

        Parameters
        ----------
        fn : callable
            The task.
        *args
            Its positional arguments.
        **kwargs
            Its keyword arguments.

        Returns
        -------
        concurrent.futures.Future
            Done: holding the task's return value, or the exception it raised (not
            raised here, but by ``Future.result()``).
        """
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through .result()
            future.set_exception(exc)
        return future


def is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C or was raised while handling one.

    A SIGINT that lands inside compiled code (numba's jitted SVDs in quimb)
    surfaces as ``SystemError: ... returned a result with an exception set``
    whose cause is the :class:`KeyboardInterrupt`; the chain of causes and
    contexts is searched for it.

    Parameters
    ----------
    exc : BaseException
        The exception caught.

    Returns
    -------
    bool
        True if ``exc`` or an exception in its ``__cause__``/``__context__``
        chain is a :class:`KeyboardInterrupt`.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def as_completed(handles: Iterable) -> Iterator:
    """The handles of :func:`submitter` in the order their tasks finish.

    Parameters
    ----------
    handles : iterable
        ``concurrent.futures.Future`` s (serial, threads, loky, any standard
        executor) or dask futures (a ``Client``).

    Returns
    -------
    iterator
        Each handle once, as soon as its task is done.
    """
    handles = list(handles)
    if all(isinstance(h, cf.Future) for h in handles):
        return cf.as_completed(handles)
    from distributed import as_completed as dask_as_completed

    return iter(dask_as_completed(handles))


def _choices_error(executor, exc_type):
    return exc_type(
        f"`executor` must be None, one of {list(EXECUTORS)}, a "
        "concurrent.futures.Executor or a dask.distributed.Client, "
        f"got {executor!r}."
    )


def _is_client(executor) -> bool:
    """Duck-typed dask ``Client``: ``submit`` and ``gather``."""
    return callable(getattr(executor, "submit", None)) and callable(
        getattr(executor, "gather", None)
    )


def _dumps_of(pool):
    """How ``pool`` ships tasks to other processes (None: it does not)."""
    if isinstance(pool, cf.ProcessPoolExecutor):
        return pickle.dumps
    if type(pool).__module__.startswith("loky.") or not isinstance(pool, cf.Executor):
        import cloudpickle  # loky and dask ship tasks by cloudpickle

        return cloudpickle.dumps
    return None


def _future_result(future):
    return future.result()


def _killed_worker(exc: BaseException) -> bool:
    """Whether ``exc`` is dask's ``KilledWorker`` (only a dask client raises it)."""
    scheduler = sys.modules.get("distributed.scheduler")
    return scheduler is not None and isinstance(exc, scheduler.KilledWorker)


def add_note(exc: BaseException, what: str) -> None:
    """Note on ``exc`` that it was raised for ``what`` (Python >= 3.11).

    Parameters
    ----------
    exc : BaseException
        The exception, about to propagate.
    what : str
        The task, e.g. ``"point {'n': 4} of 'barren_plateaus'"``.
    """
    if hasattr(exc, "add_note"):  # Python 3.11+; 3.10 shows the bare exception
        exc.add_note(f"(tnbp: raised for {what})")


def _result(get, handle, what: str):
    """``get(handle)``, its exception noting ``what``; ``KilledWorker`` a RuntimeError."""
    try:
        return get(handle)
    except Exception as exc:
        if not _killed_worker(exc):
            add_note(exc, what)
            raise
        raise RuntimeError(
            f"{what}: every dask worker that ran it died. A worker dies when its "
            "nanny kills it for exceeding its memory limit, when its batch job "
            "ends or is killed, or when compiled code crashes; its log says which. "
            f"The other tasks were cancelled. (dask: {exc})"
        ) from exc


def check_client(client) -> None:
    """Refuse a dask client that is closed or whose cluster lacks this tnbp.

    A dask worker that cannot import tnbp dies when it receives a task (the
    task does not even fail), and the run then waits for ever for workers; a
    worker or scheduler with another version of tnbp computes with other code
    than the one the rows' provenance names. Both are refused here, before any
    task is sent. Only the workers connected now are checked, by the version
    their Python environment has installed (``importlib.metadata``, as
    :meth:`distributed.Client.get_versions` reports it); nothing is checked
    when this process runs a tnbp that is not installed (a source tree on
    ``PYTHONPATH``).

    Parameters
    ----------
    client : distributed.Client
        The executor (a duck-typed client without ``status`` or
        ``get_versions`` is not checked for what it lacks).

    Raises
    ------
    ValueError
        If ``client`` is closed, or its scheduler or a worker has no tnbp
        installed or another version than this process.
    """
    status = str(getattr(client, "status", ""))
    if status in ("closing", "closed"):
        raise ValueError(
            f"`executor` is a {status} dask client: pass an open Client, or one "
            f"of {list(EXECUTORS)}."
        )
    get_versions = getattr(client, "get_versions", None)
    if not callable(get_versions):
        return
    versions = get_versions(packages=["tnbp"])
    ours = versions["client"]["packages"].get("tnbp")
    if ours is None:
        return
    nodes = {"the scheduler": versions["scheduler"]}
    nodes.update({f"worker {w}": info for w, info in versions["workers"].items()})
    wrong = {
        where: info["packages"].get("tnbp")
        for where, info in nodes.items()
        if info["packages"].get("tnbp") != ours
    }
    if wrong:
        found = ", ".join(
            f"{where}: {'not installed' if v is None else v}"
            for where, v in wrong.items()
        )
        address = getattr(getattr(client, "scheduler", None), "address", None)
        cluster = "the dask cluster" + (f" at {address}" if address else "")
        raise ValueError(
            f"`executor`: {cluster} must run tnbp {ours}, as this process "
            f"does ({found}). Install it in the Python environment of the "
            "scheduler and of every worker (a worker without tnbp dies when it "
            "receives a task, and the run then waits for ever)."
        )


def _submit(pool, fn, /, *args):
    """``pool.submit(fn, *args)``; a pool that was shut down is a bad ``executor``."""
    try:
        return pool.submit(fn, *args)
    except RuntimeError as exc:
        # Executor.submit after shutdown() raises a plain RuntimeError (documented);
        # a broken pool (BrokenExecutor, also a RuntimeError) is not our business
        if isinstance(exc, cf.BrokenExecutor) or "shutdown" not in str(exc):
            raise
        raise ValueError(
            f"`executor` is shut down ({exc}): pass an open executor, or one of "
            f"{list(EXECUTORS)}."
        ) from exc


@contextlib.contextmanager
def submitter(executor, task, payload: str):
    """``(submit, result, stop)`` for ``executor``; a thread pool made here is closed after.

    Parameters
    ----------
    executor : None, str, concurrent.futures.Executor or dask Client
        As the module docstring describes.
    task : callable
        The function the workers will run (checked to pickle where the
        executor ships it to other processes).
    payload : str
        How to name ``task`` in the error when it does not pickle.

    Yields
    ------
    tuple of callable
        ``submit(fn, *args) -> handle``, ``result(handle, what) -> value``
        (``what`` names the task in a note on the task's exception, and in
        the :class:`RuntimeError` raised when every dask worker that ran it
        died) and ``stop(handles, exc)``, which stops the queued and running
        work once ``exc`` ended the run (Ctrl-C kills loky's workers at once).

    Raises
    ------
    ValueError
        If ``executor`` is an unknown name, an executor that was shut down, or
        a dask client refused by :func:`check_client`.
    TypeError
        If ``executor`` is of another type, or ``task`` does not pickle for a
        process-based executor.
    """
    pool, owned = None, False
    if isinstance(executor, str):
        if executor not in EXECUTORS:
            raise _choices_error(executor, ValueError)
        if executor == "threads":
            pool, owned = cf.ThreadPoolExecutor(max_workers=cpu_count()), True
        elif executor == "serial":
            pool = SerialExecutor()
    elif executor is not None and not (
        isinstance(executor, cf.Executor) or _is_client(executor)
    ):
        raise _choices_error(executor, TypeError)
    else:
        pool = executor
        if pool is not None and not isinstance(pool, cf.Executor):
            check_client(pool)
    reusable = pool is None
    if reusable:  # None or "processes"
        import loky

        # reusable: the workers stay up for the next call; idle workers exit
        # after 300 s (joblib's choice; loky's 10 s default often races with
        # the next submission, which loky survives by restarting the worker)
        pool = loky.get_reusable_executor(
            max_workers=cpu_count(), timeout=300, initializer=_exit_with_parent
        )
        # loky restarts a worker between tasks once it holds 300 MB more than
        # at its start and warns of a "memory leak"; tnbp's tasks hold large
        # arrays by design (the exact-variance snapshots: GBs), the restart
        # frees them, and the warning would only alarm
        warnings.filterwarnings(
            "ignore", message=_LOKY_RESTART_WARNING, category=UserWarning
        )
    dumps = _dumps_of(pool)
    if dumps is not None:
        try:
            dumps(task)
        except Exception as exc:
            raise TypeError(
                f"{payload} must be picklable to run in worker processes "
                "(module-level functions or functools.partial of them), or pass "
                "executor='processes' (loky: also ships functions defined in a "
                "script, lambdas and closures), 'threads' or 'serial'."
            ) from exc
    result = functools.partial(
        _result, _future_result if isinstance(pool, cf.Executor) else pool.gather
    )
    # tasks on threads share the process's BLAS limits: hold them at one thread
    # per task from here (see tnbp._threads)
    pin = (
        blas_threads_pinned(1)
        if isinstance(pool, cf.ThreadPoolExecutor)
        else contextlib.nullcontext()
    )

    def stop(handles, exc: BaseException) -> None:
        """Stop the work still queued or running once ``exc`` ended the run."""
        if reusable and is_interrupt(exc):
            # Ctrl-C: stop loky's workers now (their pending futures fail).
            # Left running, they finish every task already sent (minutes each)
            # while the interpreter waits for them at exit, deaf to further
            # Ctrl-C. The next call starts fresh workers.
            pool.shutdown(wait=False, kill_workers=True)
            return
        for handle in handles:
            with contextlib.suppress(Exception):
                handle.cancel()

    with pin:
        try:
            yield functools.partial(_submit, pool), result, stop
        finally:
            if owned:  # waits for running tasks, drops pending ones after an error
                pool.shutdown(cancel_futures=True)


#: loky's warning that it restarted a worker whose memory grew: the start of
#: loky >= 3.7's, and the whole of older ones' (also for a worker that timed
#: out), not 3.7's warning of a worker killed by the OOM killer that extends it
_LOKY_RESTART_WARNING = (
    r"A worker was restarted while some jobs were given"
    r"|A worker stopped while some jobs were given to the executor\. This can be "
    r"caused by a too short worker timeout or by a memory leak\.$"
)

#: seconds between a worker's checks that the process that started it is alive
PARENT_POLL_SECONDS = 1.0


def _exit_with_parent() -> None:
    """Initializer of the local worker processes: exit when their parent dies.

    After ``kill -9`` of the process running a sweep, nothing stops its loky
    workers: they would go on computing results no one can store. Each worker
    watches its parent id from a daemon thread and exits once it changes (the
    orphan is adopted by init or a subreaper).
    """
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="tnbp-parent-watch", daemon=True).start()


@functools.lru_cache(maxsize=1)
def cpu_count() -> int:
    """CPUs this process may use (cgroup and affinity aware, as loky counts them).

    Returns
    -------
    int
        ``loky.cpu_count()``, cached.
    """
    import loky

    return loky.cpu_count()
