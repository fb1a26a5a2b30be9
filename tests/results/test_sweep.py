"""Sweeps persist each finished row and resume without repeating work."""

import pandas as pd
import pytest

from tnbp.results import run_sweep


def test_sweep_appends_and_resumes(tmp_path):
    calls = []

    def fn(a, b):
        calls.append((a, b))
        return {"result": a * 10 + b}

    out = tmp_path / "sub" / "rows.csv"
    points = [dict(a=a, b=b) for a in range(3) for b in range(2)]
    df = run_sweep(fn, points[:4], out=out, progbar=False)
    assert len(df) == 4 and len(calls) == 4
    df = run_sweep(fn, points, out=out, progbar=False)  # only the 2 new points run
    assert len(calls) == 6 and len(df) == 6
    assert sorted(df.result) == [0, 1, 10, 11, 20, 21]
    assert len(pd.read_csv(out)) == 6


def test_interrupted_sweep_keeps_finished_rows(tmp_path):
    out = tmp_path / "rows.csv"

    def fn(a):
        if a == 2:
            raise KeyboardInterrupt
        return {"sq": a * a}

    with pytest.raises(KeyboardInterrupt):
        run_sweep(fn, [dict(a=a) for a in range(4)], out=out, progbar=False)
    assert list(pd.read_csv(out).a) == [0, 1]


def test_sweep_input_errors(tmp_path):
    with pytest.raises(ValueError, match="points"):
        run_sweep(lambda: {}, [], out=tmp_path / "x.csv")
    with pytest.raises(ValueError, match="points"):
        run_sweep(lambda **k: {}, [dict(a=1), dict(b=2)], out=tmp_path / "x.csv")
    (tmp_path / "other.csv").write_text("z,w\n1,2\n")
    with pytest.raises(ValueError, match="out"):
        run_sweep(lambda a: {}, [dict(a=1)], out=tmp_path / "other.csv", progbar=False)
