r"""The results store: one row per finished task, in SQLite, never mixed or lost.

A store is a directory holding ``store.sqlite`` (the engine) and, written from
it, the tidy table ``table.csv`` that any tool can read. Each finished task is
one row, written in one transaction, keyed by a hash of what determines its
value:

.. math::

    \mathrm{key} = \mathrm{SHA256}\big(\mathrm{JSON}_c\{
        \texttt{task}, \texttt{params}, \texttt{tnbp\_version}\}\big)

where :math:`\mathrm{JSON}_c` is canonical JSON (keys sorted, no spaces, ASCII,
no NaN): the task's name, every parameter passed to it (the random seed is the
parameter named ``seed``), and the tnbp version. Values are compared by their
JSON form, so ``1`` and ``1.0`` are different keys. The git commit, host and
pid (of the process that computed the row: a worker's, for a sweep on
processes or dask), wall time and finish time are provenance, not part of the
key: rerunning the same task on another machine or commit of the same version
finds it done.

Why SQLite rather than Parquet fragments: it is in the standard library, a
row is one ``INSERT`` (atomic by construction, no fragment files to compact or
to half-write), WAL mode lets several processes write to one file while others
read, ``PRAGMA integrity_check`` verifies it, and a primary key makes a
duplicate row impossible rather than something to filter out.

Guarantees, and what gives them:

- kill -9 at any moment loses at most the tasks in flight (each row is
  committed on its own) and never leaves a partial row (a transaction commits
  whole or not at all). WAL with ``synchronous=NORMAL`` is durable across
  process crashes; a power cut or OS crash may roll back the last commits
  (those tasks are recomputed on resume) but never corrupts the file. Full
  durability (``synchronous=FULL``) would cost an fsync per row: 0.3 to 9 ms
  on the development machine, against 0.1 ms;
- no duplicates: the key is the primary key; when two processes finish the same
  task, the first row is kept and the second insert does nothing;
- several writers: each waits for the write lock (busy timeout, default 60 s);
- rows of different settings have different keys, and :meth:`ResultStore.table`
  returns one column per parameter, so every aggregate can group by all of them.

Values read back as written. :meth:`ResultStore.table` returns floats bitwise
and ints exactly: a column whose values are all ints is ``int64``, or pandas'
nullable ``Int64`` when some rows lack it or hold None (never float64, which
would round ints beyond :math:`2^{53}`). The CSV table keeps as much through
:func:`read_table`: floats bitwise (shortest round-trip form), ints exactly
(``Int64`` again where a column has empty cells), strings and bools. What CSV
cannot keep: None and a missing value are both an empty cell and read back as
NaN (``<NA>`` in an int column); the strings ``""``, ``"nan"``, ``"NA"`` and
the like read back as NaN; a string that looks like a number (``"3"``) reads
back as that number; an int beyond int64's range next to a missing value is a
float (in both tables); a column of bools with an empty cell reads back as
object (True, False, NaN). Read values that must survive exactly from
:meth:`ResultStore.table`, not from the CSV.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import numbers
import os
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from tnbp import __version__

#: file names inside a store directory
STORE_FILE = "store.sqlite"
TABLE_FILE = "table.csv"
#: the tidy table's file in each format :meth:`ResultStore.write_table` writes
TABLE_FILES = {"csv": TABLE_FILE, "parquet": "table.parquet"}

#: columns every row carries besides its parameters and results, in table order
PROVENANCE_COLUMNS = (
    "task",
    "tnbp_version",
    "git_commit",
    "host",
    "pid",
    "wall_time",
    "finished_at",
    "key",
)

#: keys per lookup (SQLite allows 999 bound parameters in old builds)
_CHUNK = 500

#: SQLite errors (by name prefix) of a file that cannot be opened or written
_CANNOT_WRITE = (
    "SQLITE_CANTOPEN",
    "SQLITE_READONLY",
    "SQLITE_PERM",
    "SQLITE_AUTH",
    "SQLITE_IOERR",
    "SQLITE_FULL",
)

#: layout of ``store.sqlite``, kept in ``PRAGMA user_version``
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE rows (
    key TEXT PRIMARY KEY,          -- task_key(task, params, version)
    task TEXT NOT NULL,
    params TEXT NOT NULL,          -- JSON object, in the caller's order
    results TEXT NOT NULL,         -- JSON object, in the task's order
    tnbp_version TEXT NOT NULL,
    git_commit TEXT,               -- NULL outside a git checkout
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    wall_time REAL NOT NULL,       -- seconds
    finished_at TEXT NOT NULL      -- ISO 8601, UTC
)
"""


@functools.cache
def git_commit() -> str | None:
    """The commit (``git rev-parse HEAD``) of the source tree tnbp is imported from.

    Computed once per process.

    Returns
    -------
    str or None
        40 hex digits, or None when tnbp is not imported from the top of a git
        checkout (an installed copy, git missing, or tnbp inside another repository).
    """
    root = Path(__file__).resolve().parents[2]
    try:
        top, head = (
            subprocess.run(
                ["git", "-C", str(root), "rev-parse", arg],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            for arg in ("--show-toplevel", "HEAD")
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return head if Path(top).resolve() == root else None


def _scalar(value, what: str):
    """``value`` as a JSON scalar (None, bool, int, float or str)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(
        f"{what} must be None, bool, int, float or str, got {type(value).__name__}."
    )


def _scalars(mapping, what: str) -> dict:
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{what} must be a dict, got {type(mapping).__name__}.")
    out = {}
    for name, value in mapping.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what} names must be non-empty strings, got {name!r}.")
        out[name] = _scalar(value, f"{what}[{name!r}]")
    return out


def _canonical(obj) -> str:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def task_key(task: str, params: Mapping, *, version: str | None = None) -> str:
    """The store key of one task: a hash of everything that determines its value.

    Parameters
    ----------
    task : str
        The task's name (a study's name, or the swept function's name).
    params : dict
        Every parameter passed to the task, the seed included (as ``"seed"``);
        values None, bool, int, float (not NaN) or str, numpy scalars accepted.
    version : str, optional
        The tnbp version; the installed one by default.

    Returns
    -------
    str
        64 hex digits: SHA-256 of the canonical JSON (sorted keys, no spaces,
        ASCII, no NaN) of ``{"params": params, "task": task, "tnbp_version":
        version}``.

    Raises
    ------
    TypeError
        If ``task`` is not a string, ``params`` is not a dict, a parameter name
        is not a non-empty string, or a parameter value is not a scalar.
    ValueError
        If ``task`` is empty or a parameter is NaN or infinite.

    Examples
    --------
    The key does not depend on the order of the parameters, but on their JSON
    form (``1`` and ``1.0`` differ):

    >>> task_key("s", {"n": 4, "seed": 1}) == task_key("s", {"seed": 1, "n": 4})
    True
    >>> task_key("s", {"n": 4}) == task_key("s", {"n": 4.0})
    False
    """
    if not isinstance(task, str):
        raise TypeError(f"`task` must be a str, got {type(task).__name__}.")
    if not task:
        raise ValueError("`task` must be a non-empty name.")
    params = _finite_scalars(params)
    version = __version__ if version is None else version
    doc = {"params": params, "task": task, "tnbp_version": version}
    return hashlib.sha256(_canonical(doc).encode("ascii")).hexdigest()


def _finite_scalars(params) -> dict:
    """``params`` as JSON scalars, refusing NaN and infinities."""
    params = _scalars(params, "`params`")
    bad = [
        k for k, v in params.items() if isinstance(v, float) and not math.isfinite(v)
    ]
    if bad:
        raise ValueError(f"`params` must be finite, but {bad} are not.")
    return params


def point_seed(params: Mapping) -> np.random.SeedSequence:
    """The random stream of one sweep point, a function of its parameters alone.

    A task of :func:`~tnbp.results.sweep.run_sweep` whose points differ in a
    float (a noise level, a learning rate) and that needs independent random
    numbers at each point seeds them here: the same parameters give the same
    stream on any machine, run, tnbp version or task name, and any change of
    a parameter gives an unrelated stream. The row's value is then a function
    of its key, as the store requires.

    Parameters
    ----------
    params : dict
        The parameters that define the stream (typically the point's, the
        seed included); values None, bool, int, float (not NaN) or str.

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(int(SHA-256 of the canonical JSON of params))``, the
        canonical JSON of :func:`task_key` (``1`` and ``1.0`` differ).

    Raises
    ------
    TypeError
        If ``params`` is not a dict, a name is not a non-empty string, or a
        value is not a scalar.
    ValueError
        If a value is NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.random.default_rng(point_seed({"sigma": 1e-3, "run": 0})).normal()
    >>> b = np.random.default_rng(point_seed({"run": 0, "sigma": 1e-3})).normal()
    >>> c = np.random.default_rng(point_seed({"sigma": 2e-3, "run": 0})).normal()
    >>> bool(a == b), bool(a == c)
    (True, False)
    """
    digest = hashlib.sha256(_canonical(_finite_scalars(params)).encode("ascii"))
    return np.random.SeedSequence(int.from_bytes(digest.digest(), "big"))


class ResultStore:
    """A directory of finished tasks: ``store.sqlite`` and its tidy ``table.csv``.

    The layout, the key and the guarantees are described in
    :mod:`tnbp.results.store`. A store is a context manager that closes its
    connection on exit.

    Parameters
    ----------
    path : str or Path
        The store's directory; created (with its parents) if missing.
    timeout : float, optional
        Seconds a writer waits for another process's write to finish before
        giving up with ``sqlite3.OperationalError``.

    Attributes
    ----------
    path : Path
        The store's directory.

    Raises
    ------
    ValueError
        If ``path`` is a file, or its ``store.sqlite`` is not a tnbp store of
        this schema version.
    PermissionError
        If ``path`` or its ``store.sqlite`` is not writable (a store writes its
        journal files next to it, even to read).
    OSError
        If ``store.sqlite`` cannot be opened or written for another reason (it
        is a directory, the disk is full, ...).
    sqlite3.OperationalError
        If another process holds the write lock for longer than ``timeout``.

    Examples
    --------
    >>> import tempfile
    >>> with ResultStore(tempfile.mkdtemp()) as store:
    ...     store.put("square", {"x": 3, "seed": 0}, {"y": 9.0}, wall_time=0.1)
    ...     store.put("square", {"x": 3, "seed": 0}, {"y": 9.0}, wall_time=0.1)
    ...     store.table()[["x", "seed", "y", "task"]]
    True
    False
       x  seed    y    task
    0  3     0  9.0  square
    """

    def __init__(self, path: str | Path, *, timeout: float = 60.0):
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise ValueError(
                f"`path` must be a directory for the store, got a file: {path}"
            )
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = None
        try:
            self._db = sqlite3.connect(
                path / STORE_FILE, timeout=timeout, isolation_level=None
            )
            self._wal_mode(timeout)
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._transaction():
                found = self._db.execute("PRAGMA user_version").fetchone()[0]
                if found == 0:
                    self._db.execute(_SCHEMA)
                    self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                elif found != SCHEMA_VERSION:
                    raise ValueError(
                        f"`path` ({path}) holds a store of schema version {found}; "
                        f"this tnbp reads version {SCHEMA_VERSION}."
                    )
        except sqlite3.DatabaseError as exc:
            self.close()
            name = getattr(exc, "sqlite_errorname", None) or ""
            if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise  # another writer held the lock for longer than `timeout`
            if name.startswith(_CANNOT_WRITE):
                db = path / STORE_FILE
                writable = os.access(path, os.W_OK) and (
                    not db.exists() or os.access(db, os.W_OK)
                )
                if not writable:
                    raise PermissionError(
                        f"`path` ({path}) is not writable: a store writes "
                        f"{STORE_FILE} and its journal files there ({exc})."
                    ) from exc
                raise OSError(
                    f"`path` ({path}): cannot open or write {db} ({exc})."
                ) from exc
            raise ValueError(
                f"`path` ({path}) holds a {STORE_FILE} that is not a tnbp store: {exc}"
            ) from exc
        except BaseException:
            self.close()
            raise

    def _wal_mode(self, timeout: float) -> None:
        """Switch the file to WAL, waiting while another process holds it.

        Two processes opening a new store at once both change the journal
        mode; SQLite may refuse the second at once (SQLITE_BUSY without its
        busy handler), so the switch is retried for up to ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    @contextlib.contextmanager
    def _transaction(self):
        """One write transaction, taking the write lock at once (waits if busy)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (rows are already committed)."""
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        """Number of rows (finished tasks) in the store."""
        return self._db.execute("SELECT COUNT(*) FROM rows").fetchone()[0]

    def finished(self, keys: Iterable[str]) -> set[str]:
        """The keys, among ``keys``, of tasks that have a row in the store.

        Parameters
        ----------
        keys : iterable of str
            Task keys (:func:`task_key`).

        Returns
        -------
        set of str
            Those already written.
        """
        wanted, found = list(set(keys)), set()
        for i in range(0, len(wanted), _CHUNK):  # primary-key lookups
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            cur = self._db.execute(
                f"SELECT key FROM rows WHERE key IN ({marks})", chunk
            )
            found.update(k for (k,) in cur)
        return found

    def put(
        self,
        task: str,
        params: Mapping,
        results: Mapping,
        *,
        wall_time: float,
        host: str | None = None,
        pid: int | None = None,
    ) -> bool:
        """Write one finished task, atomically, unless its key is already there.

        Parameters
        ----------
        task : str
            The task's name.
        params : dict
            Every parameter of the task (see :func:`task_key`).
        results : dict
            What the task returned: scalar values (None, bool, int, float, NaN
            included, or str), numpy scalars accepted; its diagnostics (bond
            record, truncation, backend) belong here when the task reports them.
        wall_time : float
            Seconds the task took, ``>= 0``.
        host, pid : str and int, optional
            The machine and process that computed the row (a worker's, when it
            ran elsewhere); this process's by default.

        Returns
        -------
        bool
            True if the row was written, False if the store already had it (the
            first row written for a key is kept).

        Raises
        ------
        TypeError
            If ``task`` is not a string, ``params`` or ``results`` is not a dict,
            a name is not a non-empty string, or a value is not a scalar.
        ValueError
            If ``task`` is empty, a parameter is NaN or infinite, a name is used
            twice among parameters, results and :data:`PROVENANCE_COLUMNS`, or
            ``wall_time`` is negative or NaN.
        """
        key = task_key(task, params)
        params = _scalars(params, "`params`")
        results = _scalars(results, "`results`")
        clash = set(params) & set(results)
        clash |= (set(params) | set(results)) & set(PROVENANCE_COLUMNS)
        if clash:
            raise ValueError(
                f"`params` and `results` must not share names with each other or with "
                f"the provenance columns {PROVENANCE_COLUMNS}: {sorted(clash)}."
            )
        wall_time = float(wall_time)
        if not wall_time >= 0:
            raise ValueError(f"`wall_time` must be >= 0 seconds, got {wall_time}.")
        row = (
            key,
            task,
            json.dumps(params, separators=(",", ":")),
            json.dumps(results, separators=(",", ":")),
            __version__,
            git_commit(),
            socket.gethostname() if host is None else str(host),
            os.getpid() if pid is None else int(pid),
            wall_time,
            datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        )
        cur = self._db.execute(
            "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            row,
        )
        return cur.rowcount == 1

    def table(self, task: str | None = None) -> pd.DataFrame:
        """Every row as a tidy table: parameters, then results, then provenance.

        Parameters
        ----------
        task : str, optional
            Only this task's rows; all rows by default.

        Returns
        -------
        pandas.DataFrame
            One row per finished task, in the order they were written; one
            column per parameter name and per result name (in order of first
            appearance; missing values are NaN), then :data:`PROVENANCE_COLUMNS`.
            Values read back are bitwise those written.
        """
        query = (
            "SELECT params, results, task, tnbp_version, git_commit, host, pid, "
            "wall_time, finished_at, key FROM rows"
        )
        args: tuple = ()
        if task is not None:
            query += " WHERE task = ?"
            args = (task,)
        records, param_names, result_names = [], {}, {}
        for params, results, *provenance in self._db.execute(
            query + " ORDER BY rowid", args
        ):
            params, results = json.loads(params), json.loads(results)
            param_names.update(dict.fromkeys(params))
            result_names.update(dict.fromkeys(results))
            records.append(
                {**params, **results, **dict(zip(PROVENANCE_COLUMNS, provenance))}
            )
        columns = [*param_names, *result_names, *PROVENANCE_COLUMNS]
        df = pd.DataFrame.from_records(records, columns=columns)
        for name in [*param_names, *result_names]:
            values = [r.get(name) for r in records]
            if None in values and _integers([v for v in values if v is not None]):
                df[name] = pd.array(values, dtype="Int64")  # float64 would round
        return df

    def write_table(
        self,
        path: str | Path | None = None,
        *,
        format: str = "csv",
        task: str | None = None,
    ) -> Path:
        """Write :meth:`table` as CSV or Parquet atomically (a temporary file, then a rename).

        A reader sees the previous table or the new one, never a partial file.
        CSV floats are written in shortest round-trip form; :func:`read_table`
        reads them back bitwise (Parquet keeps the binary values). Temporary
        tables left by killed processes are removed first.

        Parameters
        ----------
        path : str or Path, optional
            Destination; ``<store>/table.csv`` (``table.parquet``) by default.
        format : {"csv", "parquet"}, optional
            The file format (Parquet through pyarrow).
        task : str, optional
            Only this task's rows (see :meth:`table`); all rows by default.

        Returns
        -------
        Path
            The table's path.

        Raises
        ------
        ValueError
            If ``format`` is not one of the choices.
        """
        if format not in TABLE_FILES:
            raise ValueError(
                f"`format` must be one of {sorted(TABLE_FILES)}, got {format!r}."
            )
        path = self.path / TABLE_FILES[format] if path is None else Path(path)
        _remove_orphans(path)
        tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
        try:
            # under the write lock, so that tables replace each other in the order
            # they were read: the last one written holds every row committed
            with self._transaction():
                if format == "csv":
                    with open(tmp, "x", newline="") as f:
                        self.table(task).to_csv(f, index=False)
                else:
                    self.table(task).to_parquet(tmp, index=False)
                os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    def integrity_check(self) -> str:
        """Run SQLite's ``PRAGMA integrity_check`` on the store.

        Returns
        -------
        str
            ``"ok"``, or the problems found, one per line.
        """
        return "\n".join(r for (r,) in self._db.execute("PRAGMA integrity_check"))


def _integers(values: list) -> bool:
    """Whether ``values`` is non-empty and every value is an int that fits int64."""
    return bool(values) and all(
        type(v) is int and -(2**63) <= v < 2**63 for v in values
    )


#: an int as :meth:`ResultStore.write_table` writes it
_INT = r"[+-]?\d+"


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a store's ``table.csv`` with every float bitwise and every int exactly.

    What the CSV round trip keeps and loses is listed in
    :mod:`tnbp.results.store`.

    Parameters
    ----------
    path : str or Path
        The CSV file, or the store's directory.

    Returns
    -------
    pandas.DataFrame
        The table of :meth:`ResultStore.table` (pandas >= 3 parses floats
        exactly by default; pandas 2 is asked to with
        ``float_precision="round_trip"``). A column of ints with empty cells is
        nullable ``Int64``, as in :meth:`ResultStore.table`, not float64.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    """
    path = Path(path)
    if path.is_dir():
        path = path / TABLE_FILE
    exact = (
        {}
        if int(pd.__version__.split(".")[0]) >= 3
        else {"float_precision": "round_trip"}
    )
    df = pd.read_csv(path, **exact)
    # columns pandas made float64 for their empty cells: ints among them are Int64
    gaps = [c for c in df if df[c].dtype == float and df[c].isna().any()]
    if not gaps:
        return df
    text = pd.read_csv(path, usecols=gaps, dtype=str, keep_default_na=False)
    ints = {
        c: "Int64"
        for c in gaps
        if (cells := text[c][text[c] != ""]).str.fullmatch(_INT).all()
        and _integers([int(v) for v in cells])
    }
    return pd.read_csv(path, dtype=ints, **exact) if ints else df


def _remove_orphans(path: Path) -> None:
    """Delete temporary tables left by killed processes (POSIX; by their pid)."""
    if os.name != "posix":
        return
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except PermissionError:  # alive, someone else's
            pass
