"""The results store: keys, bitwise round trips, provenance, atomic rows, many writers."""

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tnbp
from tnbp.results import (
    PROVENANCE_COLUMNS,
    ResultStore,
    git_commit,
    read_table,
    task_key,
)
from tnbp.results.store import STORE_FILE

ROOT = Path(__file__).parents[2]


def _bitwise_equal(a: pd.Series, b: pd.Series) -> bool:
    """Float columns compared bit for bit (tells -0.0 from 0.0, NaN payloads apart)."""
    a, b = a.to_numpy(), b.to_numpy()
    if a.dtype.kind == "f":
        return b.dtype == a.dtype and np.array_equal(
            a.view(np.uint64), b.view(np.uint64)
        )
    return pd.Series(a).equals(pd.Series(b))


def test_key_is_the_documented_hash():
    params = {"n": 12, "beta": 0.5, "ansatz": "haar", "exact": True, "seed": 3}
    doc = {"params": params, "task": "study", "tnbp_version": tnbp.__version__}
    canonical = json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    assert task_key("study", params) == hashlib.sha256(canonical.encode()).hexdigest()
    # numpy scalars and parameter order do not matter; every value, the task and
    # the version do
    same = {"seed": np.int64(3), "exact": np.bool_(True), "ansatz": "haar", "n": 12}
    assert task_key("study", {**same, "beta": np.float64(0.5)}) == task_key(
        "study", params
    )
    keys = {
        task_key("study", params),
        task_key("other", params),
        task_key("study", params, version="0.0.0-other"),
        *(task_key("study", {**params, k: v}) for k, v in [("seed", 4), ("n", 13)]),
        task_key("study", {**params, "beta": 0.5000000000000001}),
        task_key("study", {**params, "extra": None}),
    }
    assert len(keys) == 7


def test_round_trip_is_bitwise_with_provenance(tmp_path):
    rng = np.random.default_rng(7)
    values = [*rng.standard_normal(5), -0.0, 1e-310, np.nan, np.inf, 2.0**-1074]
    with ResultStore(tmp_path) as store:
        for i, v in enumerate(values):
            written = store.put(
                "t",
                {"i": i, "seed": 100 + i, "label": f"p{i}"},
                {"x": v, "x32": np.float32(v), "k": np.int64(i), "ok": i % 2 == 0},
                wall_time=0.25,
            )
            assert written
        df = store.table()
        assert store.integrity_check() == "ok"
    assert list(df.columns) == ["i", "seed", "label", "x", "x32", "k", "ok"] + list(
        PROVENANCE_COLUMNS
    )
    assert _bitwise_equal(df.x, pd.Series(values, dtype=float))
    assert _bitwise_equal(df.x32, pd.Series(np.float32(values).astype(float)))
    assert df.k.tolist() == list(range(len(values))) and df.ok.dtype == bool
    assert (df.tnbp_version == tnbp.__version__).all()
    assert (df.pid == os.getpid()).all() and (df.wall_time == 0.25).all()
    stamps = [datetime.fromisoformat(s) for s in df.finished_at]
    assert all(s.tzinfo == timezone.utc for s in stamps) and stamps == sorted(stamps)
    assert df.key.tolist() == [
        task_key("t", {"i": i, "seed": 100 + i, "label": f"p{i}"})
        for i in range(len(values))
    ]
    # the CSV table reads back bitwise (shortest round-trip floats)
    with ResultStore(tmp_path) as store:
        path = store.write_table()
    csv = read_table(path)
    for col in ("x", "x32", "wall_time"):
        assert _bitwise_equal(csv[col], df[col])
    assert csv.key.tolist() == df.key.tolist()


def test_git_commit_is_the_source_checkout_head():
    top = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
    )
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != ROOT.resolve():
        assert git_commit() is None
        return
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert git_commit() == head and len(head) == 40


def test_a_key_is_written_once(tmp_path):
    with ResultStore(tmp_path) as store:
        assert store.put("t", {"a": 1}, {"y": 1.0}, wall_time=0.0)
        assert not store.put("t", {"a": 1}, {"y": 2.0}, wall_time=0.0)
        assert store.put("t", {"a": 2}, {"y": 2.0}, wall_time=0.0)
        assert len(store) == 2 and store.table().y.tolist() == [1.0, 2.0]
        assert store.finished([task_key("t", {"a": 1}), "nope"]) == {
            task_key("t", {"a": 1})
        }
        # tasks keep their own columns; filtering by task returns only its rows
        store.put("u", {"b": "x"}, {"z": None}, wall_time=0.0)
        assert store.table("u").b.tolist() == ["x"] and "a" not in store.table("u")
        assert store.table().shape[0] == 3


def test_store_input_errors(tmp_path):
    with ResultStore(tmp_path / "s") as store:
        with pytest.raises(TypeError, match="`params`"):
            store.put("t", {"a": [1, 2]}, {}, wall_time=0.0)
        with pytest.raises(TypeError, match="`results`"):
            store.put("t", {"a": 1}, {"y": np.zeros(2)}, wall_time=0.0)
        with pytest.raises(TypeError, match="`results`"):
            store.put("t", {"a": 1}, {"y": 1j}, wall_time=0.0)
        with pytest.raises(ValueError, match="`params` must be finite"):
            store.put("t", {"a": float("nan")}, {}, wall_time=0.0)
        with pytest.raises(ValueError, match="share names"):
            store.put("t", {"a": 1}, {"a": 2}, wall_time=0.0)
        with pytest.raises(ValueError, match="share names"):
            store.put("t", {"a": 1}, {"wall_time": 2}, wall_time=0.0)
        with pytest.raises(ValueError, match="`wall_time`"):
            store.put("t", {"a": 1}, {}, wall_time=-1.0)
        with pytest.raises(TypeError, match="`task`"):
            store.put(3, {"a": 1}, {}, wall_time=0.0)
        with pytest.raises(ValueError, match="`task`"):
            store.put("", {"a": 1}, {}, wall_time=0.0)
        assert len(store) == 0
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="`path`"):
        ResultStore(tmp_path / "file")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "store.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(ValueError, match="not a tnbp store"):
        ResultStore(tmp_path / "junk")
    (tmp_path / "future").mkdir()
    with sqlite3.connect(tmp_path / "future" / "store.sqlite") as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(ValueError, match="schema version 99"):
        ResultStore(tmp_path / "future")


def test_table_file_replaced_atomically_and_orphans_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".table.csv.{dead.pid}.deadbeef.tmp"
    mine = tmp_path / f".table.csv.{os.getpid()}.cafe.tmp"  # a live writer's
    orphan.write_text("half a tab")
    mine.write_text("in progress")
    with ResultStore(tmp_path) as store:
        store.put("t", {"a": 1}, {"y": 0.5}, wall_time=0.0)
        path = store.write_table()
    assert not orphan.exists() and mine.exists()
    assert pd.read_csv(path).y.tolist() == [0.5]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        mine.name,
        "store.sqlite",
        "table.csv",
    ]


WRITER = """
import sys, time
from tnbp.results import ResultStore
out, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with ResultStore(out) as store:
    start = time.perf_counter()
    for i in range(count):
        # each row holds values that can be recomputed from its parameters
        store.put("w", {"worker": worker, "i": i}, {"y": i / 7 + worker,
                  "label": "r" * (i % 50)}, wall_time=0.0)
    print((time.perf_counter() - start) / count)
"""


def _expected_rows(df):
    assert (df.y == df.i / 7 + df.worker).all()
    assert (df.label.fillna("").str.len() == df.i % 50).all()


def test_concurrent_writers(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    count = 150
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / "s"), str(w), str(count)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(3)
    ]
    per_row = [float(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    with ResultStore(tmp_path / "s") as store:
        df = store.table()
        assert store.integrity_check() == "ok"
    assert len(df) == 3 * count and df.key.is_unique
    _expected_rows(df)
    print(f"seconds per row, 3 concurrent writers: {per_row}")


def test_kill_during_writes_never_corrupts(tmp_path):
    """SIGKILL a process writing rows as fast as it can, at seeded random moments."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = np.random.default_rng(11)
    out = tmp_path / "s"
    ResultStore(out).close()
    with ResultStore(out) as store:
        for _ in range(4):
            proc = subprocess.Popen(
                [sys.executable, str(script), str(out), "0", "100000"],
                env=env,
                stdout=subprocess.DEVNULL,
            )
            before = len(store)
            while len(store) == before and proc.poll() is None:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.2))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            assert store.integrity_check() == "ok"
            df = store.table()
            assert len(df) > before and df.key.is_unique
            _expected_rows(df)
            # the rows are a prefix: none lost before the last one committed
            assert sorted(df.i) == list(range(len(df)))


def test_ints_next_to_missing_values_stay_exact(tmp_path):
    """An int result 2**53 + 1 next to a None read back as 9007199254740992.0."""
    big = 2**53 + 1  # the first int float64 cannot hold
    with ResultStore(tmp_path) as store:
        store.put("t", {"i": 0, "p": 3}, {"x": big, "s": "a"}, wall_time=0)
        store.put("t", {"i": 1, "p": None}, {"x": None, "s": "nan"}, wall_time=0)
        store.put("t", {"i": 2, "p": -4}, {"y": 0.5, "s": ""}, wall_time=0)
        table = store.table()
        store.write_table()
    csv = read_table(tmp_path)
    for df in (table, csv):
        assert df.i.dtype == np.int64  # no missing values: plain int64
        assert df.x.dtype == df.p.dtype == "Int64"
        assert df.x.tolist() == [big, pd.NA, pd.NA] and df.p.tolist() == [3, pd.NA, -4]
        assert df.y.dtype == float and df.y.isna().tolist() == [True, True, False]
    assert table.s.tolist() == ["a", "nan", ""]
    # what CSV cannot keep (documented): "nan" and "" read back as NaN
    assert csv.s.iloc[0] == "a" and csv.s.iloc[1:].isna().all()


def test_a_store_that_cannot_be_opened_is_not_called_foreign(tmp_path):
    """A read-only directory was reported as "not a tnbp store"."""
    (tmp_path / "dir" / STORE_FILE).mkdir(parents=True)  # cannot open as a file
    with pytest.raises(OSError, match="cannot open or write") as info:
        ResultStore(tmp_path / "dir")
    assert not isinstance(info.value, ValueError)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / STORE_FILE).write_bytes(b"not sqlite" * 100)
    with pytest.raises(ValueError, match="not a tnbp store"):
        ResultStore(tmp_path / "junk")


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root writes read-only dirs"
)
def test_a_read_only_store_says_so(tmp_path):
    with ResultStore(tmp_path / "ro") as store:
        store.put("t", {"x": 1}, {"y": 2}, wall_time=0)
    for path in (tmp_path / "ro", tmp_path / "new"):
        path.mkdir(exist_ok=True)
        path.chmod(0o555)
        try:
            with pytest.raises(PermissionError, match="not writable"):
                ResultStore(path)
        finally:
            path.chmod(0o755)


def test_a_store_sqlite_cannot_create_says_not_writable(tmp_path, monkeypatch):
    """SQLite cannot create the store where the directory is read-only (as root too)."""
    connect = sqlite3.connect

    def read_only(db, **kwargs):
        return connect(f"file:{db}?mode=ro", uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(PermissionError, match="not writable"):
        ResultStore(tmp_path)
