"""Results: where finished rows of studies and ensembles are kept.

:class:`ResultStore` keeps one row per finished task in SQLite, keyed by every
parameter, with provenance; :func:`run_sweep` evaluates a function over
parameter points into a store, resuming where it stopped.
"""

from .store import PROVENANCE_COLUMNS, ResultStore, git_commit, read_table, task_key
from .sweep import run_sweep

__all__ = [
    "PROVENANCE_COLUMNS",
    "ResultStore",
    "git_commit",
    "read_table",
    "run_sweep",
    "task_key",
]
