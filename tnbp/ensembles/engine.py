"""Where ensemble tasks run: in this process, in local worker processes, or on dask."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import pickle


class SerialExecutor(cf.Executor):
    """Runs each task in the calling process when it is submitted."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through .result()
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def executor_scope(executor, payload, names: str):
    """A ready executor: None starts (and afterwards shuts down) a process pool.

    ``"serial"`` runs tasks in this process; any other ``concurrent.futures``
    executor or dask ``Client`` is used as given, after checking that
    ``payload`` (the user callables ``names`` refers to) can be pickled.
    """
    owned = executor is None
    if owned:
        executor = cf.ProcessPoolExecutor(
            max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn")
        )
    elif isinstance(executor, str) and executor == "serial":
        executor = SerialExecutor()
    if not isinstance(executor, SerialExecutor):
        try:
            pickle.dumps(payload)
        except Exception as exc:
            if owned:
                executor.shutdown()
            raise TypeError(
                f"{names} must be picklable to run in worker processes (module-level "
                "functions or functools.partial), or pass executor='serial'."
            ) from exc
    try:
        yield executor
    finally:
        if owned:
            executor.shutdown()
