"""Results: where finished rows of studies and ensembles are kept, and their table schemas.

:class:`ResultStore` keeps one row per finished task in SQLite, keyed by every
parameter, with provenance; :func:`run_sweep` evaluates a function over
parameter points into a store, resuming where it stopped (:func:`batched`: in
groups of points computed together); :data:`TABLES`
defines the columns of every public table once; :class:`StudyOptions` is the
command line of a study script (preset, options given and checked, resume after
Ctrl-C; :class:`StudyOptionError` for a bad value).
"""

from .schema import TABLES, Column, TableSchema
from .store import (
    PROVENANCE_COLUMNS,
    ResultStore,
    git_commit,
    point_seed,
    read_table,
    task_key,
)
from .study import StudyOptionError, StudyOptions, executor_option, study_option
from .sweep import BatchedTask, SweepInterrupted, batched, run_sweep

__all__ = [
    "BatchedTask",
    "PROVENANCE_COLUMNS",
    "TABLES",
    "Column",
    "ResultStore",
    "StudyOptionError",
    "StudyOptions",
    "SweepInterrupted",
    "TableSchema",
    "batched",
    "git_commit",
    "point_seed",
    "read_table",
    "run_sweep",
    "executor_option",
    "study_option",
    "task_key",
]
