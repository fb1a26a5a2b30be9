"""Shared by the benchmark scripts: threads, command line, peers, timing, CSV.

Every script in ``benchmarks/`` follows the same steps, all of them here:

1. :func:`start` pins the BLAS/OpenMP threads (before numpy is imported: this
   module imports nothing heavy) and returns a :class:`Bench`, which carries
   the run's settings (threads, garbage collector while timed).
2. :func:`settings` picks the full or the ``--quick`` preset and lays the
   command-line overrides over it; the options every script has are the
   typer annotations :data:`Threads`, :data:`Repeats`, :data:`KeepGC`,
   :data:`Out` and :func:`quick_option`.
3. :func:`find_peer` imports an optional peer (qiskit-aer, PennyLane,
   TeNPy, ...) or says why it cannot: a script then times tnbp alone and
   leaves the peer's columns empty (NaN) instead of failing.
4. :meth:`Bench.header` prints the versions, peers, threads and tnbp's source.
5. :meth:`Bench.timed` and :meth:`Bench.interleaved` time the engines (best
   of ``repeats``, engines interleaved so that drift hits all alike, the
   garbage collector off while timed, as in :mod:`timeit`).
6. :meth:`Bench.finish` adds the run's settings to every row, writes the CSV
   and exits 1 if a correctness check failed.
"""

from __future__ import annotations

import gc
import importlib
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import typer

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

# --------------------------------------------------------------------------- options

Threads = Annotated[
    int, typer.Option(help="BLAS/OpenMP threads (pinned before numpy is imported).")
]
Repeats = Annotated[
    int | None,
    typer.Option(
        min=1, help="Timed repeats per configuration (default: the preset's)."
    ),
]
KeepGC = Annotated[
    bool,
    typer.Option(
        "--gc/--no-gc",
        help="Leave Python's garbage collector on in the timed regions "
        "(default off, like timeit).",
    ),
]
Out = Annotated[Path | None, typer.Option(help="Write the results as CSV here.")]


def quick_option(preset: str) -> Any:
    """The ``--quick`` option's annotation; ``preset`` describes its sizes."""
    return Annotated[bool, typer.Option(help=f"Seconds-long smoke preset: {preset}.")]


def numbers(text: str | None, cast=int) -> tuple | None:
    """``"8,10"`` -> ``(8, 10)``; ``None`` stays ``None`` (option not given)."""
    return None if text is None else tuple(cast(x) for x in text.split(","))


def settings(full: dict, quick_preset: dict, quick: bool, **given) -> dict:
    """The preset ``--quick`` selects, with every option given (not None) over it.

    Raises ``typer.BadParameter`` for an option the preset has no setting for.
    """
    cfg = dict(quick_preset if quick else full)
    for key, value in given.items():
        if value is None:
            continue
        if key not in cfg:
            raise typer.BadParameter(
                f"--{key.replace('_', '-')} does not apply to this benchmark"
            )
        cfg[key] = value
    return cfg


# --------------------------------------------------------------------------- peers


@dataclass(frozen=True)
class Peer:
    """An optional package a benchmark compares with (or reports on).

    ``version`` is None when it cannot be used, ``missing`` then says why.
    """

    name: str
    version: str | None
    missing: str = ""

    @property
    def available(self) -> bool:
        return self.version is not None

    def __str__(self) -> str:
        if self.available:
            return f"{self.name} {self.version}"
        return f"{self.name} missing ({self.missing})"


def find_peer(name: str, module: str, *, skip: str = "") -> Peer:
    """Import ``module`` of the distribution ``name``, or say why it cannot be.

    ``skip`` names the command-line flag that turned the peer off, if one did.
    Only an ``ImportError`` counts as missing; anything else a peer raises on
    import is a broken installation and propagates.
    """
    if skip:
        return Peer(name, None, f"skipped by {skip}")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        return Peer(name, None, f"not importable: {exc}")
    try:
        return Peer(name, version(name))
    except PackageNotFoundError:
        return Peer(name, str(getattr(mod, "__version__", "?")))


# --------------------------------------------------------------------------- threads


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


def tnbp_source() -> str:
    """The git commit tnbp was imported from, and whether ``tnbp/`` differs from it."""
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


# --------------------------------------------------------------------------- a run


def start(threads: int, keep_gc: bool) -> Bench:
    """Pin the threads (call before numpy is imported) and begin a run."""
    return Bench(threads=threads, keep_gc=keep_gc, note=pin_threads(threads))


@dataclass
class Bench:
    """The settings of one benchmark run: threads, garbage collector, tnbp source."""

    threads: int
    keep_gc: bool
    note: str = ""
    source: str = ""

    def header(self, title: str, packages=(), peers=()) -> None:
        """Print the title, versions (numpy, tnbp, ``packages``), peers and settings."""
        import numpy as np

        import tnbp

        deps = getattr(np.__config__, "CONFIG", {}).get("Build Dependencies", {})
        blas = deps.get("blas", {}).get("name", "?")
        self.source = tnbp_source()
        used = "".join(f", {pkg} {version(pkg)}" for pkg in packages)
        print(title)
        print(
            f"  python {platform.python_version()} ({sys.prefix}), numpy "
            f"{np.__version__} ({blas}), tnbp {tnbp.__version__}{used}"
        )
        for peer in peers:
            print(f"  peer: {peer}")
        print(
            f"  threads: {', '.join(THREAD_VARS)} = {self.threads}{self.note}; "
            f"{os.cpu_count()} cores"
        )
        print(
            "  garbage collector: "
            + (
                "on while timed (--gc)"
                if self.keep_gc
                else "off while timed, full collection before each timed call "
                "(like timeit)"
            )
        )
        print(f"  tnbp source: {self.source}")

    def timed(self, fn):
        """``(fn(), seconds)``; like ``timeit``, the garbage collector is off while timed.

        A full collection is run first; with ``keep_gc`` the collector stays on.
        """
        gc.collect()
        enabled = gc.isenabled()
        if not self.keep_gc:
            gc.disable()
        try:
            t = time.perf_counter()
            res = fn()
            return res, time.perf_counter() - t
        finally:
            if enabled:
                gc.enable()

    def interleaved(self, engines: dict, repeats: int, *, alternate: bool = False):
        """Time each engine ``repeats`` times, engines interleaved in each repeat.

        ``engines`` maps a name to a zero-argument call (the timed part). Drift
        then hits every engine alike; with ``alternate`` every other repeat
        runs them in reverse order. Returns ``(times, results)``: per engine
        the list of seconds and the result of its last call.
        """
        times = {e: [] for e in engines}
        results = {}
        for r in range(repeats):
            order = list(engines)[::-1] if alternate and r % 2 else list(engines)
            for e in order:
                results[e], dt = self.timed(engines[e])
                times[e].append(dt)
        return times, results

    def finish(self, rows: list[dict], out: Path | None, failed: bool) -> list[dict]:
        """Add the run's settings to each row, write ``out``; exit 1 if ``failed``."""
        for row in rows:
            row.update(
                threads=self.threads,
                gc_during_timing=self.keep_gc,
                tnbp_source=self.source,
            )
        if out is not None:
            write_csv(rows, out)
        if failed:
            raise typer.Exit(1)
        return rows


def write_csv(rows: list[dict], out: Path) -> None:
    """Write result rows to ``out``, creating its directory; all rows share columns."""
    import pandas as pd

    columns = list(rows[0]) if rows else []
    if any(list(row) != columns for row in rows):
        raise ValueError("result rows differ in their columns")
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns).to_csv(out, index=False)
    print(f"wrote {out}")
