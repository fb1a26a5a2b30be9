"""Sweeps keep each finished point in the store, resume, survive SIGKILL, never mix settings."""

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tnbp.results import (
    PROVENANCE_COLUMNS,
    ResultStore,
    SweepInterrupted,
    batched,
    read_table,
    run_sweep,
)
from tnbp.results.sweep import MissingRows, is_interrupt, stored_only

ROOT = Path(__file__).parents[2]

#: columns that differ between two runs of the same task (who, where, when, how long)
VOLATILE = ["git_commit", "host", "pid", "wall_time", "finished_at"]


def test_sweep_writes_and_resumes(tmp_path):
    calls = []

    def fn(a, b):
        calls.append((a, b))
        return {"result": a * 10 + b}

    out = tmp_path / "sub" / "run"
    points = [dict(a=a, b=b) for a in range(3) for b in range(2)]
    df = run_sweep(fn, points[:4], out=out, progbar=False)
    assert len(df) == 4 and len(calls) == 4
    df = run_sweep(fn, points[::-1], out=out, progbar=False)  # only 2 new points run
    assert len(calls) == 6 and len(df) == 6
    assert df.result.tolist() == [21, 20, 11, 10, 1, 0]  # in the order of `points`
    assert list(df.columns) == ["a", "b", "result", *PROVENANCE_COLUMNS]
    assert (df.task == "fn").all()
    table = read_table(out / "table.csv")
    assert len(table) == 6 and sorted(table.result) == [0, 1, 10, 11, 20, 21]
    assert sorted(p.name for p in out.iterdir()) == ["store.sqlite", "table.csv"]


def test_interrupted_sweep_keeps_finished_rows(tmp_path):
    def fn(a):
        if a == 2:
            raise KeyboardInterrupt
        return {"sq": a * a}

    with pytest.raises(KeyboardInterrupt) as info:
        run_sweep(fn, [dict(a=a) for a in range(4)], out=tmp_path, progbar=False)
    with ResultStore(tmp_path) as store:
        assert store.table().a.tolist() == [0, 1]
    assert read_table(tmp_path).a.tolist() == [0, 1]
    # one exception that says what is saved (still a KeyboardInterrupt)
    assert isinstance(info.value, SweepInterrupted)
    assert (info.value.saved, info.value.total) == (2, 4)
    assert str(info.value) == f"interrupted: 2 of 4 rows saved in {tmp_path}"


def test_an_interrupt_inside_compiled_code_is_an_interrupt(tmp_path):
    """Ctrl-C inside numba (quimb's SVDs) surfaced as a SystemError: 244 lines."""

    def fn(a):
        if a == 1:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:  # what numba's dispatcher raises
                raise SystemError(
                    "CPUDispatcher(<function _qr_stabilized_numba>) returned a "
                    "result with an exception set"
                ) from exc
        return {"sq": a * a}

    points = [dict(a=a) for a in range(3)]
    with pytest.raises(SweepInterrupted, match="1 of 3 rows saved") as info:
        run_sweep(fn, points, out=tmp_path, progbar=False)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert not is_interrupt(SystemError("x")) and is_interrupt(KeyboardInterrupt())

    def broken(a):
        raise SystemError("a real bug")

    with pytest.raises(SystemError, match="a real bug"):  # not an interrupt
        run_sweep(broken, points, out=tmp_path / "b", progbar=False)


def test_changed_parameter_is_a_separate_row(tmp_path):
    """The issue's bug: a rerun with another setting averaged with the first one."""

    def fn(depth, chi, seed):
        return {"S": np.log2(chi) * depth / (depth + 1) + 1e-3 * seed}

    def points(chi):
        return [dict(depth=d, chi=chi, seed=s) for d in (1, 8) for s in range(2)]

    df16 = run_sweep(fn, points(16), out=tmp_path, progbar=False)
    df4 = run_sweep(fn, points(4), out=tmp_path, progbar=False)
    assert (df16.chi == 16).all() and (df4.chi == 4).all()  # only this run's setting
    table = read_table(tmp_path)
    assert len(table) == 8 and table.key.is_unique
    summary = table.groupby(["depth", "chi"]).S.mean()  # every parameter but the seed
    for df in (df16, df4):
        assert summary.loc[(8, df.chi[0])] == df[df.depth == 8].S.mean()
    assert summary.loc[(8, 16)] != summary.loc[(8, 4)]


def test_sweep_input_errors(tmp_path):
    with pytest.raises(ValueError, match="points"):
        run_sweep(lambda: {}, [], out=tmp_path / "x")
    with pytest.raises(ValueError, match="points"):
        run_sweep(lambda **k: {}, [dict(a=1), dict(b=2)], out=tmp_path / "x")
    (tmp_path / "rows.csv").write_text("z,w\n1,2\n")
    with pytest.raises(ValueError, match="`out`"):
        run_sweep(lambda a: {}, [dict(a=1)], out=tmp_path / "rows.csv", progbar=False)
    with pytest.raises(TypeError, match="`params"):
        run_sweep(lambda a: {}, [dict(a=[1])], out=tmp_path / "y", progbar=False)
    with pytest.raises(TypeError, match="`results"):
        run_sweep(lambda a: {"r": [a]}, [dict(a=1)], out=tmp_path / "z", progbar=False)


def test_a_repeated_point_is_refused_before_any_work(tmp_path):
    """``--depths 2,2`` ran one circuit and reported it as 2 samples of depth 2."""
    calls = []

    def f(x, seed):
        calls.append(x)
        return {"y": x}

    repeated = [dict(x=1, seed=0), dict(x=2, seed=0), dict(x=1, seed=0)]
    with pytest.raises(ValueError, match=r"`points` must be distinct: point 2 "):
        run_sweep(f, repeated, out=tmp_path, progbar=False)
    # 2 and 2.0 have different store keys but are the same point
    with pytest.raises(ValueError, match="point 1 repeats point 0"):
        run_sweep(f, [dict(x=2, seed=0), dict(x=2.0, seed=0)], out=tmp_path)
    assert calls == [] and not (tmp_path / "table.csv").exists()
    table = run_sweep(f, repeated[:2], out=tmp_path, progbar=False)
    assert list(table.x) == [1, 2] and calls == [1, 2]


def _power(x, *, p):
    return {"y": x**p}


def test_sweep_takes_any_iterable_and_names_a_partial(tmp_path):
    """A generator was "not subscriptable", a dict gave KeyError 0, a partial no name."""
    squares = functools.partial(_power, p=2)
    with pytest.raises(TypeError, match="`task`"):
        run_sweep(squares, [dict(x=2)], out=tmp_path, progbar=False)
    points = (dict(x=x) for x in (2, 3))
    t = run_sweep(squares, points, out=tmp_path, task="squares", progbar=False)
    assert t.y.tolist() == [4, 9] and (t.task == "squares").all()
    with pytest.raises(TypeError, match="`points`"):
        run_sweep(squares, dict(x=2), out=tmp_path, task="squares", progbar=False)
    with pytest.raises(TypeError, match="`points`"):
        run_sweep(squares, [2, 3], out=tmp_path, task="squares", progbar=False)
    with pytest.raises(ValueError, match="`points`"):
        run_sweep(squares, iter([]), out=tmp_path, task="squares", progbar=False)


#: a study in miniature, run as a real process: ``worker.py OUT ORDER SCALE [SCALE...]``
WORKER = """
import os, sys, time
import numpy as np
from tnbp.results import run_sweep

CALLS = os.path.join(sys.argv[1], "calls.log")


def draw(*, x, scale, seed):
    with open(CALLS, "a") as f:  # one line per call: who computed what
        f.write(f"{os.getpid()} {x} {scale}\\n")
    time.sleep(0.01 * (x % 4))  # some tasks instant: kills land in writes too
    value = scale * np.random.default_rng(seed).standard_normal()
    return {"value": value, "sq": x * x, "tag": f"x{x}", "odd": bool(x % 2),
            "gap": np.nan if x % 5 == 0 else 1 / (x + 1)}


out, order, scales = sys.argv[1], sys.argv[2], [float(s) for s in sys.argv[3:]]
if os.environ.get("GATE"):  # start together: say ready, wait for the go
    open(os.path.join(out, f"ready.{os.getpid()}"), "w").close()
    while not os.path.exists(os.path.join(out, "go")):
        time.sleep(0.01)
for scale in scales:
    points = [dict(x=x, scale=scale, seed=1000 + x) for x in range(40)]
    run_sweep(draw, points[::-1] if order == "reversed" else points,
              out=out, task="draw", progbar=False)
"""


def _start(tmp_path, out, order, *scales, gate=False):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    Path(out).mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(script), str(out), order, *map(str, scales)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "GATE": "1" if gate else ""},
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc):
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def _stable(df):
    """The rows without their volatile provenance, sorted by parameters."""
    return df.drop(columns=VOLATILE).sort_values(["scale", "x"], ignore_index=True)


def _assert_same_rows(df, reference):
    """Row for row, every value bitwise equal."""
    df, reference = _stable(df), _stable(reference)
    assert list(df.columns) == list(reference.columns)
    assert df.key.is_unique and len(df) == len(reference)
    for col in df:
        a, b = df[col].to_numpy(), reference[col].to_numpy()
        if a.dtype.kind == "f":
            assert b.dtype.kind == "f" and np.array_equal(
                a.view(np.uint64), b.view(np.uint64)
            )
        else:
            assert a.dtype == b.dtype and (pd.isna(a) == pd.isna(b)).all()
            assert (a[~pd.isna(a)] == b[~pd.isna(b)]).all(), col


def _calls(out):
    lines = (Path(out) / "calls.log").read_text().split()
    return pd.DataFrame(
        {"pid": lines[0::3], "x": lines[1::3], "scale": lines[2::3]}
    ).astype({"pid": int, "x": int, "scale": float})


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run of both settings, its store and table."""
    tmp = tmp_path_factory.mktemp("reference")
    _finish(_start(tmp, tmp / "out", "forward", 1.0, 2.0))
    with ResultStore(tmp / "out") as store:
        return store.table()


def test_sigkill_at_random_moments_then_resume(tmp_path, reference):
    """Kill a sweep process at seeded random moments; the resumed table is exact."""
    rng = np.random.default_rng(1234)
    out = tmp_path / "out"
    ResultStore(out).close()
    start = time.perf_counter()
    kills = []
    with ResultStore(out) as store:
        for _ in range(5):
            proc = _start(tmp_path, out, "forward", 1.0)
            # a random moment: after 0 to 3 new rows (0: maybe still starting up),
            # then up to a task's time; at most ~6 rows a kill, 40 points
            before, more = len(store), int(rng.integers(0, 4))
            while len(store) < before + more and proc.poll() is None:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.03))
            assert proc.poll() is None, "the sweep finished before it was killed"
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            kills.append(len(store))
            assert store.integrity_check() == "ok"
            assert store.table().key.is_unique
    _finish(_start(tmp_path, out, "forward", 1.0, 2.0))  # resume, and a new setting
    elapsed = time.perf_counter() - start
    with ResultStore(out) as store:
        assert store.integrity_check() == "ok"
        df = store.table()
    assert 0 < kills[-1] < 40, kills  # the kills landed mid-run
    _assert_same_rows(df, reference)
    _assert_same_rows(read_table(out), reference)  # the CSV table too, bitwise
    # nothing finished was recomputed: the process that wrote a row made the
    # last call for that point
    calls = _calls(out)
    last = calls.groupby(["scale", "x"]).pid.last()
    written = df.set_index(["scale", "x"]).pid
    assert (last.loc[written.index] == written).all()
    # the two settings stayed apart: one row each, different values
    per_setting = df.groupby(["scale", "x", "seed"]).size()
    assert (per_setting == 1).all() and len(per_setting) == 80
    assert not np.isin(df[df.scale == 2].value, df[df.scale == 1].value).any()
    print(f"kill test: {len(kills)} kills at rows {kills}, {elapsed:.1f} s")


def test_two_workers_at_once(tmp_path, reference):
    """Two processes sweep both settings into one store, in opposite orders."""
    out = tmp_path / "out"
    a = _start(tmp_path, out, "forward", 1.0, 2.0, gate=True)
    b = _start(tmp_path, out, "reversed", 2.0, 1.0, gate=True)
    try:  # both imported and waiting, then go: neither finishes before the other starts
        deadline = time.monotonic() + 120
        while len(list(out.glob("ready.*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        (out / "go").touch()
        _finish(a)
        _finish(b)
    finally:  # never leave a worker running (a ResourceWarning in a later test)
        for proc in (a, b):
            proc.kill()
            proc.communicate()
    with ResultStore(out) as store:
        assert store.integrity_check() == "ok"
        df = store.table()
    _assert_same_rows(df, reference)
    _assert_same_rows(read_table(out), reference)  # the last refresh saw every row
    assert df.pid.nunique() == 2  # both wrote
    means = df.groupby(["scale"]).value.mean()
    assert means.loc[2.0] == pytest.approx(2 * means.loc[1.0], rel=1e-12)


def _slow_square(x, seed):
    time.sleep(0.05 * (3 - x % 4))  # later points finish first
    return {"y": x * x, "u": float(np.random.default_rng(seed).random())}


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_parallel_sweep_gives_the_serial_table(tmp_path, executor):
    points = [dict(x=x, seed=x) for x in range(6)]
    serial = run_sweep(_slow_square, points, out=tmp_path / "s", progbar=False)
    parallel = run_sweep(
        _slow_square, points, out=tmp_path / "p", executor=executor, progbar=False
    )
    # bitwise the same rows, in the order of `points`, whatever order they finished in
    pd.testing.assert_frame_equal(
        serial.drop(columns=VOLATILE), parallel.drop(columns=VOLATILE)
    )
    assert len(read_table(tmp_path / "p" / "table.csv")) == 6
    # provenance names the process that computed each row, not the one writing it
    assert (serial.pid == os.getpid()).all()
    assert (parallel.pid != os.getpid()).all() == (executor == "processes")


def test_parallel_sweep_resumes_and_never_writes_a_row_twice(tmp_path):
    points = [dict(x=x, seed=0) for x in range(4)]
    run_sweep(_slow_square, points[:2], out=tmp_path, executor="threads", progbar=False)
    calls = []

    def counted(x, seed):
        calls.append(x)
        return _slow_square(x, seed)

    df = run_sweep(
        counted,
        points,
        out=tmp_path,
        task="_slow_square",
        executor="threads",
        progbar=False,
    )
    assert sorted(calls) == [2, 3] and df.y.tolist() == [0, 1, 4, 9]
    with ResultStore(tmp_path) as store:
        assert len(store) == 4


def test_a_failing_point_keeps_the_others_rows(tmp_path):
    def fn(x):
        if x == 1:
            raise ValueError("point 1 fails")
        return {"y": x}

    with pytest.raises(ValueError, match="point 1 fails") as info:
        run_sweep(fn, [dict(x=x) for x in range(3)], out=tmp_path, progbar=False)
    assert read_table(tmp_path / "table.csv").x.tolist() == [0]
    if sys.version_info >= (3, 11):  # exception notes
        assert info.value.__notes__ == ["(tnbp: raised for point {'x': 1} of 'fn')"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes")
def test_a_result_of_the_wrong_kind_names_its_point(tmp_path):
    def fn(x):
        return {"y": [x]}

    with pytest.raises(TypeError, match="must be None, bool, int") as info:
        run_sweep(fn, [dict(x=7)], out=tmp_path, progbar=False)
    assert info.value.__notes__ == ["(tnbp: raised for point {'x': 7} of 'fn')"]


def test_stored_only_reads_and_never_computes(tmp_path):
    calls = []

    def fn(x):
        calls.append(x)
        return {"y": -x}

    run_sweep(fn, [dict(x=0), dict(x=1)], out=tmp_path, progbar=False)
    with stored_only():
        df = run_sweep(fn, [dict(x=1), dict(x=0)], out=tmp_path, progbar=False)
        assert df.y.tolist() == [-1, 0]
        with pytest.raises(MissingRows, match="1 of 3 points of 'fn' have no row"):
            run_sweep(fn, [dict(x=x) for x in range(3)], out=tmp_path, progbar=False)
    assert calls == [0, 1]
    run_sweep(fn, [dict(x=2)], out=tmp_path, progbar=False)  # outside: computes again
    assert calls == [0, 1, 2]


def test_bad_executor_is_refused_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="`executor` must be None, one of"):
        run_sweep(_slow_square, [dict(x=0, seed=0)], out=tmp_path, executor="gpu")
    with pytest.raises(TypeError, match="`executor` must be None, one of"):
        run_sweep(_slow_square, [dict(x=0, seed=0)], out=tmp_path, executor=3)
    with ResultStore(tmp_path) as store:
        assert len(store) == 0


def test_dask_client_streams_rows_into_the_store(tmp_path):
    distributed = pytest.importorskip("distributed")
    points = [dict(x=x, seed=x) for x in range(4)]
    serial = run_sweep(_slow_square, points, out=tmp_path / "s", progbar=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        df = run_sweep(
            _slow_square, points, out=tmp_path / "d", executor=client, progbar=False
        )
    pd.testing.assert_frame_equal(
        serial.drop(columns=VOLATILE), df.drop(columns=VOLATILE)
    )


# ----------------------------------------------------------------- batched sweeps


def _squares_many(points):
    """The rows of `_slow_square` for a group of points, in one call."""
    return [
        {"y": p["x"] * p["x"], "u": float(np.random.default_rng(p["seed"]).random())}
        for p in points
    ]


def _group_points():
    return [dict(x=x, seed=s) for x in range(3) for s in range(5)]


@pytest.mark.parametrize("executor", ["serial", "threads", "processes"])
def test_a_batched_sweep_gives_the_point_by_point_table(tmp_path, executor):
    points = _group_points()
    single = run_sweep(
        _slow_square, points, out=tmp_path / "s", task="sq", progbar=False
    )
    grouped = run_sweep(
        batched(_squares_many, size=2),
        points,
        out=tmp_path / "b",
        task="sq",
        executor=executor,
        progbar=False,
    )
    # the same keys and values, in the order of `points`: a group is only how
    # the rows were computed
    pd.testing.assert_frame_equal(
        single.drop(columns=VOLATILE), grouped.drop(columns=VOLATILE)
    )


def test_batched_groups_share_every_parameter_but_one(tmp_path):
    seen = []

    def many(points):
        seen.append([(p["x"], p["seed"]) for p in points])
        return _squares_many(points)

    # points of two settings interleaved: grouped by setting, in order, size 3
    points = [dict(x=x, seed=s) for s in range(4) for x in (1, 2)]
    run_sweep(batched(many, size=3), points, out=tmp_path, task="sq", progbar=False)
    assert seen == [
        [(1, 0), (1, 1), (1, 2)],
        [(1, 3)],
        [(2, 0), (2, 1), (2, 2)],
        [(2, 3)],
    ]
    # grouped over another parameter
    seen.clear()
    run_sweep(
        batched(many, over="x", size=8),
        [dict(x=x, seed=9) for x in range(3)],
        out=tmp_path / "x",
        task="sq",
        progbar=False,
    )
    assert seen == [[(0, 9), (1, 9), (2, 9)]]
    # over two parameters: one group per value of the third
    seen.clear()
    run_sweep(
        batched(many, over=("x", "seed"), size=8),
        [dict(x=x, seed=s, z=z) for z in (0, 1) for x in range(2) for s in range(2)],
        out=tmp_path / "xs",
        task="sq",
        progbar=False,
    )
    assert seen == [[(0, 0), (0, 1), (1, 0), (1, 1)]] * 2


def test_a_batched_sweep_resumes_with_only_the_missing_points(tmp_path):
    points = _group_points()
    run_sweep(_slow_square, points[::2], out=tmp_path, task="sq", progbar=False)
    seen = []

    def many(points):
        seen.extend((p["x"], p["seed"]) for p in points)
        return _squares_many(points)

    df = run_sweep(batched(many), points, out=tmp_path, task="sq", progbar=False)
    assert sorted(seen) == sorted((p["x"], p["seed"]) for p in points[1::2])
    assert df.y.tolist() == [p["x"] ** 2 for p in points]
    with ResultStore(tmp_path) as store:
        assert len(store) == len(points)


def test_a_batched_task_runs_one_point_as_a_group_of_one():
    task = batched(_squares_many)
    assert task(x=3, seed=1) == _squares_many([dict(x=3, seed=1)])[0]
    assert task.__name__ == "_squares_many" and "over='seed'" in repr(task)


def test_batched_input_errors(tmp_path):
    with pytest.raises(TypeError, match="`many` must be callable"):
        batched(3)
    with pytest.raises(TypeError, match="`over`"):
        batched(_squares_many, over=1)
    with pytest.raises(ValueError, match="`size`"):
        batched(_squares_many, size=0)
    with pytest.raises(TypeError, match="`size`"):
        batched(_squares_many, size=2.5)
    with pytest.raises(TypeError, match="`over`"):
        batched(_squares_many, over=())
    with pytest.raises(ValueError, match=r"the parameters \['seed'\]"):
        run_sweep(batched(_squares_many), [dict(x=1)], out=tmp_path, progbar=False)
    # a group function that returns the wrong number of rows, or not dicts
    with pytest.raises(ValueError, match="one result dict per point: 2 points, got 1"):
        run_sweep(
            batched(lambda pts: _squares_many(pts[:1]), size=2),
            [dict(x=1, seed=0), dict(x=1, seed=1)],
            out=tmp_path / "a",
            task="sq",
            progbar=False,
        )
    with pytest.raises(TypeError, match="must return dicts of results, got a int"):
        run_sweep(
            batched(lambda pts: [1 for _ in pts]),
            [dict(x=1, seed=0)],
            out=tmp_path / "b",
            task="sq",
            progbar=False,
        )
    with ResultStore(tmp_path / "a") as store:  # a refused group writes no row
        assert len(store) == 0
