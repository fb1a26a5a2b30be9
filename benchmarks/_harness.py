"""Shared by the benchmark scripts: thread pinning that must happen before numpy loads.

Importing this module imports nothing heavy, so a script can pin threads first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMBA_NUM_THREADS",
)


#: jax's CPU backend (XLA) ignores the variables above; with one thread these
#: flags keep its Eigen kernels single-threaded too
XLA_ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def pin_threads(threads: int) -> str:
    """Set the thread variables; returns a note if numpy was imported already.

    With ``threads == 1`` the XLA flags of :data:`XLA_ONE_THREAD` are appended
    to ``XLA_FLAGS`` as well (they act when jax is first imported).
    """
    for var in THREAD_VARS:
        os.environ[var] = str(threads)
    flags = os.environ.get("XLA_FLAGS", "")
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} {XLA_ONE_THREAD}".strip()
    if "numpy" in sys.modules:
        return " (numpy was imported before pinning: BLAS setting may not apply)"
    return ""


def write_csv(rows: list[dict], out) -> None:
    """Write result rows to ``out`` (a Path), creating its directory."""
    import pandas as pd

    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False)
    print(f"wrote {out}")


def tnbp_source() -> str:
    """The git commit tnbp was imported from, and whether ``tnbp/`` differs from it."""
    import subprocess

    import tnbp

    pkg = Path(tnbp.__file__).resolve().parent

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(pkg), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return f"{pkg} (not a git checkout)"
    return f"{pkg}, git {commit}" + (" + uncommitted changes" if dirty else "")
