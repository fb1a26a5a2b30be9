"""Sweeps over parameter points, each finished point kept in a results store.

:func:`run_sweep` evaluates a function on a list of parameter points and writes
each result as one row of a :class:`~tnbp.results.store.ResultStore` as soon
as it is done, refreshing the store's ``table.csv`` as it goes. Re-running a
sweep into the same store computes only the points it lacks, so an interrupted
study resumes where it stopped; a point with any parameter changed is a new
row, never merged with the old one. A sweep runs its points one after the
other in its own process by default; with ``executor=`` (local processes,
threads or a dask ``Client``) the points run in parallel and this process
writes each row as its point finishes. Several processes may also run the same
sweep (or parts of it) into one store at once: each skips the points another
has finished, and a row is never written twice.

A function wrapped by :func:`batched` computes many points in one call (many
random instances of one circuit structure, simulated together along a batch
axis): the sweep groups the points that differ only in one parameter (the
seed, by default) and hands each group to it; each row is still written, and
kept, as its own.

Inside :func:`stored_only` a sweep computes nothing: it returns the stored
rows, or raises :class:`MissingRows` if a point has none (``tnbp plot``
redraws a study's figure this way).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from .._checks import check_int
from .._executors import add_note, as_completed, is_interrupt, submitter
from .._progress import tqdm
from .store import ResultStore, task_key

log = logging.getLogger(__name__)

#: the table is refreshed once the time since its last refresh reaches this
#: multiple of the refresh's own duration (at most ~10% of a sweep's time)
_TABLE_COST_RATIO = 10.0


class SweepInterrupted(KeyboardInterrupt):
    """A sweep stopped by Ctrl-C (SIGINT), with what it had saved.

    A :class:`KeyboardInterrupt`, so code that does not know it stops as
    before; study scripts catch it to say how many rows are saved and how to
    resume (:class:`tnbp.results.study.StudyOptions`).

    Parameters
    ----------
    saved : int
        Points of the sweep whose rows are in the store (finished before or
        during this run, by this process or another).
    total : int
        Points of the sweep.
    out : Path
        The store's directory.

    Attributes
    ----------
    saved : int
        As given.
    total : int
        As given.
    out : Path
        As given.
    """

    def __init__(self, saved: int, total: int, out: Path):
        super().__init__(f"interrupted: {saved} of {total} rows saved in {out}")
        self.saved, self.total, self.out = saved, total, Path(out)


class MissingRows(LookupError):
    """A sweep run inside :func:`stored_only` found points without a row.

    Parameters
    ----------
    missing : int
        Points of the sweep with no row in the store.
    total : int
        Points of the sweep.
    out : Path
        The store's directory.
    task : str
        The sweep's task name.

    Attributes
    ----------
    missing, total, out, task
        As given.
    """

    def __init__(self, missing: int, total: int, out: Path, task: str):
        super().__init__(
            f"{missing} of {total} points of {task!r} have no row in {out}: "
            f"run the study with these settings to compute them."
        )
        self.missing, self.total, self.out, self.task = missing, total, Path(out), task


_STORED_ONLY = contextvars.ContextVar("tnbp_sweep_stored_only", default=False)


@contextlib.contextmanager
def stored_only() -> Iterator[None]:
    """Within this block, sweeps read the store and compute nothing.

    :func:`run_sweep` returns the stored rows of its points as usual, or
    raises :class:`MissingRows` if any point has no row. A study's ``main``
    run in this block redraws its figure and summary from the store alone.

    Yields
    ------
    None

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> def double(x):
    ...     return {"y": 2 * x}
    >>> t = run_sweep(double, [{"x": 1}], out=out, progbar=False)
    >>> with stored_only():
    ...     list(run_sweep(double, [{"x": 1}], out=out, progbar=False).y)
    [2]
    """
    token = _STORED_ONLY.set(True)
    try:
        yield
    finally:
        _STORED_ONLY.reset(token)


class BatchedTask:
    """A sweep function that computes a group of points in one call.

    Made by :func:`batched`; called on one point (``task(**point)``) it
    computes a group of one, so it can stand wherever a point function does.

    Parameters
    ----------
    many : callable
        ``many(points) -> list of dict``: the results of every point of a list
        (as a point function returns them), in the same order.
    over : tuple of str
        The parameters whose values differ within a group.
    size : int
        The most points in one group.

    Attributes
    ----------
    many, over, size
        As given.
    """

    def __init__(self, many: Callable[[list], list], over: str, size: int):
        self.many, self.over, self.size = many, over, size
        # named as the function it wraps (a sweep's task name, a worker's log)
        self.__name__ = getattr(many, "__name__", type(many).__name__)
        self.__qualname__ = getattr(many, "__qualname__", self.__name__)
        self.__module__ = getattr(many, "__module__", None)

    def __call__(self, **point) -> dict:
        """The results of one point (a group of one)."""
        return _checked_rows(self, [point])[0]

    def __repr__(self) -> str:
        over = self.over[0] if len(self.over) == 1 else self.over
        return f"batched({self.__name__}, over={over!r}, size={self.size})"

    def groups(self, todo: list) -> list[list]:
        """``todo`` split into groups: equal but in :attr:`over`, at most :attr:`size` each.

        Parameters
        ----------
        todo : list of (dict, str)
            Points with their keys, in sweep order.

        Returns
        -------
        list of list of (dict, str)
            The groups, in order of their first point; points keep their order.
        """
        by_setting: dict = {}
        for point, key in todo:
            setting = tuple((k, v) for k, v in point.items() if k not in self.over)
            by_setting.setdefault(setting, []).append((point, key))
        return [
            members[i : i + self.size]
            for members in by_setting.values()
            for i in range(0, len(members), self.size)
        ]


def batched(many: Callable[[list], list], *, over="seed", size: int = 64):
    """Let a sweep compute points in groups that differ only in the parameters ``over``.

    Parameters
    ----------
    many : callable
        ``many(points) -> list of dict``: given a list of points (dicts of
        parameters, equal but for ``over``), the results of each, in order
        (each a dict of scalars, as a point function of :func:`run_sweep`
        returns). It must not depend on which points share a group: a row
        is the same (to floating-point rounding, for a batched simulation)
        whether its point ran alone, in a group, or after a resume.
    over : str or tuple of str, optional
        The parameter(s) that vary within a group (default ``"seed"``: random
        instances of one setting; ``("sample", "n_visible")``: several rows of
        each of several instances).
    size : int, optional
        The most points per group (default 64): a group is lost whole if the
        run is killed while it computes, and it is the unit the executor
        distributes.

    Returns
    -------
    BatchedTask
        The function to pass to :func:`run_sweep` as ``fn``.

    Raises
    ------
    TypeError
        If ``many`` is not callable, ``over`` is not a string or a non-empty
        tuple of strings, or ``size`` not an integer.
    ValueError
        If ``size`` is below 1.

    Examples
    --------
    >>> import tempfile
    >>> def squares(points):
    ...     return [{"y": p["x"] ** 2 + p["seed"]} for p in points]
    >>> pts = [{"x": 2, "seed": s} for s in range(3)]
    >>> list(run_sweep(batched(squares), pts, out=tempfile.mkdtemp(), progbar=False).y)
    [4, 5, 6]
    """
    if not callable(many):
        raise TypeError(f"`many` must be callable, got {type(many).__name__}.")
    over = (over,) if isinstance(over, str) else over
    if not (isinstance(over, tuple) and over and all(isinstance(k, str) for k in over)):
        raise TypeError(
            f"`over` must be a parameter name or a tuple of them, got {over!r}."
        )
    return BatchedTask(many, over, check_int(size, "size", minimum=1))


def _checked_rows(task: BatchedTask, points: list) -> list:
    """``task.many(points)``, checked to be one dict per point."""
    rows = task.many([dict(p) for p in points])
    if not isinstance(rows, (list, tuple)) or len(rows) != len(points):
        got = len(rows) if isinstance(rows, (list, tuple)) else type(rows).__name__
        raise ValueError(
            f"`fn` ({task!r}) must return a list of one result dict per point: "
            f"{len(points)} points, got {got}."
        )
    bad = next((r for r in rows if not isinstance(r, Mapping)), None)
    if bad is not None:
        raise TypeError(
            f"`fn` ({task!r}) must return dicts of results, got a {type(bad).__name__}."
        )
    return list(rows)


def _timed(fn: Callable, point: Mapping) -> tuple[dict, float, str, int]:
    """``fn(**point)``, the seconds it took, and the host and pid that ran it."""
    start = time.perf_counter()
    results = fn(**point)
    return results, time.perf_counter() - start, socket.gethostname(), os.getpid()


def _timed_group(task: BatchedTask, points: list) -> tuple[list, float, str, int]:
    """``task.many(points)``, the seconds per point, and the host and pid that ran it."""
    start = time.perf_counter()
    rows = _checked_rows(task, points)
    per_point = (time.perf_counter() - start) / len(points)
    return rows, per_point, socket.gethostname(), os.getpid()


def run_sweep(
    fn: Callable[..., dict],
    points: Iterable[dict],
    *,
    out: str | Path,
    task: str | None = None,
    executor="serial",
    progbar: bool = True,
    desc: str = "sweep",
) -> pd.DataFrame:
    """Evaluate ``fn(**point)`` for every point not yet in the store at ``out``.

    Parameters
    ----------
    fn : callable
        Takes a point's parameters as keyword arguments and returns a dict of
        scalar results, diagnostics included (bond record, truncation, ...).
        An exception it raises ends the sweep with a note naming the point
        (Python >= 3.11); the rows of the points finished before stay.
        A function wrapped by :func:`batched` is given groups of points that
        differ only in its ``over`` parameter (each row's ``wall_time`` is
        then the group's time divided by its size).
    points : iterable of dict
        Parameter points (a list, a generator, ...; read once), all with the
        same keys, scalar values (None, bool, int, float, str); the random
        seed, if any, is the parameter ``seed``. Every parameter that changes
        the result must be here: it is part of the row's key
        (see :func:`~tnbp.results.store.task_key`).
    out : str or Path
        The store's directory (created if missing): ``store.sqlite`` and the
        tidy ``table.csv`` of every row in it, refreshed as rows finish.
    task : str, optional
        Name of the task in the store (part of each key); ``fn.__name__`` by
        default. Studies pass their own name. Required when ``fn`` has no
        ``__name__`` of its own (a :func:`functools.partial`, a callable
        object): its bound arguments are not part of the key.
    executor : {"serial", "processes", "threads"}, Executor or dask Client, optional
        Where the points run (``tnbp._executors``): ``"serial"`` (default)
        in this process, one after the other; otherwise all at once, each row
        written by this process as its point finishes (a process-based
        executor needs ``fn`` to pickle; loky and dask use cloudpickle, so a
        function of a script works). Rows and table do not depend on it.
    progbar : bool, optional
        Show a progress bar.
    desc : str, optional
        Progress-bar label.

    Returns
    -------
    pandas.DataFrame
        One row per point, in the order of ``points``: the point's parameters,
        ``fn``'s results and the provenance columns
        (:data:`~tnbp.results.store.PROVENANCE_COLUMNS`). Rows of other
        settings in the same store are not included.

    Raises
    ------
    ValueError
        If ``points`` is empty, repeats a point (it would be one row but
        counted twice), or its points have different keys or lack an
        ``over`` parameter of a :func:`batched` ``fn``, a parameter is NaN
        or infinite, ``out`` is a file or a store of another schema
        version, a result name repeats a parameter or provenance column, or
        ``executor`` is an unknown name.
    MissingRows
        Inside :func:`stored_only`, if a point has no row in the store.
    TypeError
        If ``points`` is a dict or not an iterable of dicts, a parameter or
        result value is not a scalar, ``fn`` does not return a dict,
        ``task`` is missing for an ``fn`` without a name, ``executor`` is of
        another type, or ``fn`` does not pickle for a process-based executor.
    PermissionError
        If ``out`` is not writable.
    RuntimeError
        If every dask worker that ran a point died (dask's ``KilledWorker``,
        after ``distributed.scheduler.allowed-failures`` retries): the other
        points are cancelled, the finished rows stay in the store, and a rerun
        resumes from them.
    SweepInterrupted
        On Ctrl-C (a :class:`KeyboardInterrupt`, also one that surfaced as
        another exception from compiled code): every finished row is in the
        store and its table, and the exception says how many.

    Examples
    --------
    A second run into the same store computes only the new point:

    >>> import tempfile
    >>> out, calls = tempfile.mkdtemp(), []
    >>> def square(x, seed):
    ...     calls.append(x)
    ...     return {"y": x * x}
    >>> t = run_sweep(square, [{"x": 2, "seed": 0}], out=out, progbar=False)
    >>> t = run_sweep(square, [{"x": 2, "seed": 0}, {"x": 3, "seed": 0}], out=out, progbar=False)
    >>> calls, list(t.y)
    ([2, 3], [4, 9])
    """
    if isinstance(points, (Mapping, str, bytes)) or not isinstance(points, Iterable):
        raise TypeError(
            f"`points` must be an iterable of dicts (e.g. a list), "
            f"got {type(points).__name__}."
        )
    points = list(points)  # a generator is read once
    if not points:
        raise ValueError("`points` must not be empty.")
    bad = next((p for p in points if not isinstance(p, Mapping)), None)
    if bad is not None:
        raise TypeError(f"`points` must hold dicts, got a {type(bad).__name__}.")
    names = list(points[0])
    if any(list(p) != names for p in points):
        raise ValueError("`points` must all have the same keys in the same order.")
    if isinstance(fn, BatchedTask) and not set(fn.over) <= set(names):
        missing = [k for k in fn.over if k not in names]
        raise ValueError(
            f"`points` must have the parameters {missing} that {fn!r} batches "
            f"over, got {names}."
        )
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(
            f"`out` must be a directory for the results store, got a file: {out}"
        )
    if task is None:
        if isinstance(fn, functools.partial) or not hasattr(fn, "__name__"):
            raise TypeError(
                f"`task` must be given when `fn` has no name of its own (a "
                f"{type(fn).__name__}): a name shared with the function it wraps "
                f"would give its rows the keys of other bound arguments."
            )
        task = fn.__name__
    keys = [task_key(task, p) for p in points]
    first = {}  # by value: n = 2 and n = 2.0 (distinct keys) are one point too
    for i, point in enumerate(points):
        j = first.setdefault(tuple(point.values()), i)
        if j != i:  # it would be one row, counted (as a sample, ...) twice
            raise ValueError(
                f"`points` must be distinct: point {i} repeats point {j} "
                f"({dict(points[i])})."
            )
    with ResultStore(out) as store:
        done = store.finished(keys)
        todo = [(p, k) for p, k in zip(points, keys) if k not in done]
        if len(todo) < len(points):
            log.info(
                "%s: %d of %d points already in %s",
                desc,
                len(points) - len(todo),
                len(points),
                out,
            )
        if todo and _STORED_ONLY.get():
            raise MissingRows(len(todo), len(points), out, task)
        refreshed_at, refresh_cost = 0.0, 0.0
        batch = isinstance(fn, BatchedTask)
        tasks = fn.groups(todo) if batch else [[item] for item in todo]

        def record(handle, result) -> None:
            """Write a finished task's rows (unless another process did) and count them."""
            nonlocal refreshed_at, refresh_cost
            group = pending.pop(handle)
            what = (
                f"point {dict(group[0][0])} of {task!r}"
                if len(group) == 1
                else f"{len(group)} points from {dict(group[0][0])} of {task!r}"
            )
            results, wall_time, host, pid = result(handle, what)
            for (point, _), row in zip(group, results if batch else [results]):
                try:
                    store.put(task, point, row, wall_time=wall_time, host=host, pid=pid)
                except (TypeError, ValueError) as exc:  # results of the wrong kind
                    add_note(exc, f"point {dict(point)} of {task!r}")
                    raise
            bar.update(len(group))
            now = time.perf_counter()
            if now - refreshed_at >= _TABLE_COST_RATIO * refresh_cost:
                store.write_table()
                refreshed_at = time.perf_counter()
                refresh_cost = refreshed_at - now

        pending: dict = {}  # handle -> [(point, key), ...], until its rows are written
        try:
            with (
                tqdm(total=len(todo), desc=desc, disable=not (progbar and todo)) as bar,
                submitter(executor, fn, "`fn`") as (submit, result, stop),
            ):
                try:
                    for group in tasks:
                        done = store.finished([k for _, k in group])
                        if done:  # another process got there first
                            bar.update(len(done))
                            group = [(p, k) for p, k in group if k not in done]
                            if not group:
                                continue
                        handle = (
                            submit(_timed_group, fn, [p for p, _ in group])
                            if batch
                            else submit(_timed, fn, group[0][0])
                        )
                        pending[handle] = group
                        # a serial executor has finished it already: write it now
                        for handle in [h for h in pending if h.done()]:
                            record(handle, result)
                    for handle in as_completed(list(pending)):
                        record(handle, result)
                except BaseException as exc:
                    stop(list(pending), exc)
                    raise
        except BaseException as exc:
            if not is_interrupt(exc):
                raise
            # one exception that says what is saved, instead of the traceback
            # of wherever the signal landed
            raise SweepInterrupted(
                len(store.finished(keys)), len(points), out
            ) from None
        finally:  # also when interrupted: the table shows every finished row
            store.write_table()
        table = store.table(task)
    table = table.set_index("key", drop=False).loc[keys].reset_index(drop=True)
    return table
