"""Shared by the benchmark scripts: thread pinning that must happen before numpy loads.

Importing this module imports nothing heavy, so a script can pin threads first.
"""

from __future__ import annotations

import os
import sys

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def pin_threads(threads: int) -> str:
    """Set the thread variables; returns a note if numpy was imported already."""
    for var in THREAD_VARS:
        os.environ[var] = str(threads)
    if "numpy" in sys.modules:
        return " (numpy was imported before pinning: BLAS setting may not apply)"
    return ""
