"""One seeded engine for ensembles of random instances, over any executor.

An ensemble is a list of *groups* (a qubit number, a hidden-unit count, ...)
with ``samples`` random instances each. :func:`chunks` cuts them into tasks of
a few samples of one group (:class:`Chunk`); :func:`run_tasks` maps a task
function over the chunks on an executor and returns the typed rows it made,
per group, in sample order. A kind of ensemble is a thin layer: a task function
that turns one chunk into rows (dataclasses) and a summary that turns the rows
into a table (:func:`tnbp.gradient_variance`, :func:`tnbp.qbm_gradient_variance`).

Seeds. ``seed`` (None, int, ``numpy.random.Generator`` or
``numpy.random.SeedSequence``) becomes one root ``SeedSequence``
(``tnbp._checks.as_seed_sequence``). Sample ``s`` of group ``g`` always
gets the child

.. code-block:: python

    SeedSequence(root.entropy, spawn_key=root.spawn_key + (g, s), pool_size=root.pool_size)

(a tuple group ``(g1, g2)`` contributes ``g1, g2``), computed where the task
runs. Results therefore depend on neither the executor, nor its worker count,
nor the chunking, nor which other groups are in the run. (A task may still
choose to batch the samples of its chunk, e.g. one vectorized sweep; the
floating-point rounding of such a batch may depend on the chunk size.)

Executors (``executor=``): None or ``"processes"`` (loky's local worker
processes), ``"threads"``, ``"serial"``, any ``concurrent.futures.Executor`` or a
``dask.distributed.Client``; ``tnbp._executors`` says how each behaves.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Hashable, Sequence

import numpy as np

from .._checks import as_seed_sequence, check_int
from .._executors import submitter
from .._progress import tqdm
from ..limits import MAX_SAMPLES


@dataclasses.dataclass(frozen=True)
class Chunk:
    """Samples of one group, run as one task.

    Attributes
    ----------
    group : int or tuple of int
        The group (e.g. the qubit number ``n``); non-negative.
    samples : tuple of int
        Sample indices within the group, increasing.
    """

    group: int | tuple[int, ...]
    samples: tuple[int, ...]

    def seeds(self, root: np.random.SeedSequence) -> list[np.random.SeedSequence]:
        """The ``SeedSequence`` of each sample, children of ``root`` by ``(group, s)``.

        Parameters
        ----------
        root : numpy.random.SeedSequence
            The ensemble's root sequence.

        Returns
        -------
        list of numpy.random.SeedSequence
            One per entry of :attr:`samples`, in order: sample ``s`` gets
            ``SeedSequence(root.entropy, spawn_key=root.spawn_key + group + (s,),
            pool_size=root.pool_size)``, with ``group`` as a tuple.

        Raises
        ------
        ValueError
            If :attr:`group` is not a non-negative int or a non-empty tuple of them.

        Examples
        --------
        The seed of a sample does not depend on the chunk it is run in:

        >>> import numpy as np
        >>> root = np.random.SeedSequence(7)
        >>> a = Chunk(3, (0, 1)).seeds(root)[1]
        >>> b = Chunk(3, (1,)).seeds(root)[0]
        >>> bool((a.generate_state(4) == b.generate_state(4)).all())
        True
        """
        key = root.spawn_key + _group_key(self.group)
        return [
            np.random.SeedSequence(
                root.entropy, spawn_key=key + (s,), pool_size=root.pool_size
            )
            for s in self.samples
        ]


def _group_key(group) -> tuple[int, ...]:
    """``group`` as the part of a spawn key it contributes."""
    key = group if isinstance(group, tuple) else (group,)
    if not key or not all(
        isinstance(g, numbers.Integral) and not isinstance(g, bool) and g >= 0
        for g in key
    ):
        raise ValueError(
            "`group` must be a non-negative int or a non-empty tuple of them, "
            f"got {group!r}."
        )
    return tuple(int(g) for g in key)


def check_samples(samples) -> int:
    """Validate a number of samples per group: an int in ``[1, MAX_SAMPLES]``.

    Parameters
    ----------
    samples : int
        Samples per group.

    Returns
    -------
    int
        ``samples`` as an int.

    Raises
    ------
    TypeError
        If ``samples`` is not an integer.
    ValueError
        If ``samples`` is below 1 or above :data:`tnbp.limits.MAX_SAMPLES`.
    """
    samples = check_int(samples, "samples", minimum=1)
    if samples > MAX_SAMPLES:
        raise ValueError(
            f"`samples` must be at most tnbp.limits.MAX_SAMPLES = {MAX_SAMPLES:,}, "
            f"got {samples:,}."
        )
    return samples


def chunks(groups: Sequence, samples: int, chunk_size: int) -> list[Chunk]:
    """Tasks of at most ``chunk_size`` samples for each group.

    Parameters
    ----------
    groups : sequence of int or of tuple of int
        The groups (e.g. qubit numbers): distinct, non-negative.
    samples : int
        Samples per group (>= 1).
    chunk_size : int
        Samples per task (>= 1).

    Returns
    -------
    list of Chunk
        Group by group, samples ``0..samples-1`` in order.

    Raises
    ------
    TypeError
        If ``samples`` or ``chunk_size`` is not an integer.
    ValueError
        If ``samples`` or ``chunk_size`` is below 1, ``samples`` is above
        :data:`tnbp.limits.MAX_SAMPLES`, or ``groups`` repeats a
        group or holds one that is not a non-negative int or a non-empty tuple
        of them.

    Examples
    --------
    >>> [(c.group, c.samples) for c in chunks([4, 6], samples=3, chunk_size=2)]
    [(4, (0, 1)), (4, (2,)), (6, (0, 1)), (6, (2,))]
    """
    samples = check_samples(samples)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    groups = list(groups)
    for g in groups:
        _group_key(g)
    if len(set(groups)) != len(groups):
        raise ValueError(f"`groups` must be distinct, got {groups!r}.")
    return [
        Chunk(g, tuple(range(start, min(start + chunk_size, samples))))
        for g in groups
        for start in range(0, samples, chunk_size)
    ]


def seed_label(root: np.random.SeedSequence) -> str:
    """Text that reproduces ``root``: its entropy, and ``:k1,k2`` if it was spawned.

    An int entropy written this way is the ``seed`` that reproduces a run (the
    ``seed`` column of the tables of :mod:`tnbp.results.schema`).

    Parameters
    ----------
    root : numpy.random.SeedSequence
        The root sequence of an ensemble.

    Returns
    -------
    str
        ``"<entropy>"`` or ``"<entropy>:<k1>,<k2>,..."`` with the spawn key.

    Examples
    --------
    >>> import numpy as np
    >>> seed_label(np.random.SeedSequence(9)), seed_label(np.random.SeedSequence(9).spawn(1)[0])
    ('9', '9:0')
    """
    label = str(root.entropy)
    if root.spawn_key:
        label += ":" + ",".join(map(str, root.spawn_key))
    return label


def _run_chunk(task, chunk: Chunk, root: np.random.SeedSequence) -> list:
    """Run ``task`` on one chunk with its samples' seeds (in a worker)."""
    rows = list(task(chunk, chunk.seeds(root)))
    if len(rows) != len(chunk.samples):
        raise RuntimeError(
            f"The task returned {len(rows)} rows for the {len(chunk.samples)} samples "
            f"of group {chunk.group!r}; it must return one row per sample."
        )
    return rows


def run_tasks(
    task: Callable,
    tasks: Sequence[Chunk],
    *,
    seed=None,
    executor=None,
    progbar: bool = False,
    desc: str = "samples",
    payload: str = "`task`",
) -> dict[Hashable, list]:
    """Map ``task`` over ``tasks`` on ``executor``; the rows per group, in sample order.

    Parameters
    ----------
    task : callable
        ``task(chunk, seeds) -> sequence of rows``: one row (any object,
        preferably a frozen dataclass) per sample of ``chunk``, in order;
        ``seeds[i]`` is the ``numpy.random.SeedSequence`` of sample
        ``chunk.samples[i]`` (see :mod:`tnbp.ensembles.engine`). Bind further
        arguments with ``functools.partial``.
    tasks : sequence of Chunk
        Usually from :func:`chunks`; no sample of a group may appear twice.
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence, optional
        The root seed (turned into a ``SeedSequence`` once: pass the same
        ``SeedSequence`` that was recorded with the results).
    executor : None, {"processes", "threads", "serial"}, Executor or dask Client, optional
        Where tasks run (see ``tnbp._executors``); None means
        ``"processes"``.
    progbar : bool, optional
        Show a progress bar over samples.
    desc : str, optional
        The progress bar's label.
    payload : str, optional
        How error messages name what must be picklable (e.g. "`build` and
        `observable`").

    Returns
    -------
    dict
        ``{group: [row of sample 0, row of sample 1, ...]}``, groups in the
        order of their first chunk, rows sorted by sample index.

    Raises
    ------
    TypeError
        If ``task`` is not callable, ``tasks`` holds something other than
        :class:`Chunk` s, ``seed`` is of another type, ``executor`` is not one
        of the choices above, or a process-based executor cannot pickle the
        task.
    ValueError
        If ``executor`` is an unknown name or an executor that was shut down,
        ``seed`` is a negative int, or ``tasks`` repeat a sample.
    RuntimeError
        If ``task`` returns other than one row per sample, or every dask
        worker that ran a chunk died (dask's ``KilledWorker``; the other
        chunks are cancelled).

    Examples
    --------
    >>> def task(chunk, seeds):
    ...     return [np.random.default_rng(s).integers(100) for s in seeds]
    >>> a = run_tasks(task, chunks([2, 3], 4, 3), seed=1, executor="serial")
    >>> b = run_tasks(task, chunks([3], 4, 1), seed=1, executor="threads")
    >>> a[3] == b[3]  # the rows of a group depend on neither chunking nor executor
    True
    """
    if not callable(task):
        raise TypeError(f"`task` must be callable, got {task!r}.")
    tasks = list(tasks)
    if not all(isinstance(c, Chunk) for c in tasks):
        raise TypeError("`tasks` must be a sequence of tnbp.ensembles.engine.Chunk.")
    root = as_seed_sequence(seed)
    rows: dict[Hashable, dict[int, object]] = {}
    for chunk in tasks:
        rows.setdefault(chunk.group, {})
    pairs = {(c.group, s) for c in tasks for s in c.samples}
    if len(pairs) != sum(len(c.samples) for c in tasks):
        raise ValueError("`tasks` must not repeat a sample of a group.")
    total = sum(len(c.samples) for c in tasks)
    with submitter(executor, task, payload) as (submit, result, stop):
        handles: list = []
        try:  # submitting too: a Ctrl-C may land while tasks already run
            for chunk in tasks:
                handles.append(submit(_run_chunk, task, chunk, root))
            with tqdm(total=total, disable=not progbar, desc=desc) as bar:
                for chunk, handle in zip(tasks, handles):
                    what = f"samples {list(chunk.samples)} of group {chunk.group!r}"
                    rows[chunk.group].update(zip(chunk.samples, result(handle, what)))
                    bar.update(len(chunk.samples))
        except BaseException as exc:
            stop(handles, exc)
            raise
    return {
        g: [by_sample[s] for s in sorted(by_sample)] for g, by_sample in rows.items()
    }
