"""The benchmark harness: presets, peers, interleaved timing, CSV rows."""

import gc
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
import typer

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "_harness.py"


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("_harness", PATH)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up while the class is created
    sys.modules["_harness"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["_harness"]


def test_settings_lay_given_options_over_the_preset(harness):
    full, quick = {"n": 64, "repeats": 3}, {"n": 8, "repeats": 1}
    assert harness.settings(full, quick, True, n=None) == quick
    assert harness.settings(full, quick, False, repeats=5) == {"n": 64, "repeats": 5}
    with pytest.raises(typer.BadParameter, match="--large-subset"):
        harness.settings(full, quick, False, large_subset=2)
    assert harness.numbers("8,10") == (8, 10)
    assert harness.numbers("1,2.5", float) == (1.0, 2.5)
    assert harness.numbers(None) is None


def test_find_peer_says_why_it_is_missing(harness):
    peer = harness.find_peer("no-such-peer", "no_such_peer_module_xyz")
    assert not peer.available
    assert "not importable" in str(peer) and "no_such_peer_module_xyz" in str(peer)
    skipped = harness.find_peer("pandas", "pandas", skip="--no-pandas")
    assert not skipped.available and "--no-pandas" in skipped.missing
    found = harness.find_peer("pandas", "pandas")
    assert found.available and found.version == pd.__version__


def test_interleaved_alternates_and_restores_the_collector(harness):
    calls = []
    engines = {"a": lambda: calls.append("a") or 1, "b": lambda: calls.append("b")}
    bench = harness.Bench(threads=1, keep_gc=False)
    assert gc.isenabled()
    times, results = bench.interleaved(engines, 3, alternate=True)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert [len(t) for t in times.values()] == [3, 3]
    assert results == {"a": 1, "b": None}
    assert gc.isenabled()
    seen = bench.timed(gc.isenabled)[0]
    assert seen is False  # off while timed, like timeit
    assert harness.Bench(threads=1, keep_gc=True).timed(gc.isenabled)[0] is True


def test_finish_adds_the_settings_and_writes_one_table(harness, tmp_path, capsys):
    bench = harness.Bench(threads=2, keep_gc=False, source="here")
    rows = bench.finish([{"x": 1.0}, {"x": float("nan")}], tmp_path / "a/b.csv", False)
    table = pd.read_csv(tmp_path / "a/b.csv")
    assert list(table.columns) == ["x", "threads", "gc_during_timing", "tnbp_source"]
    assert table.threads.tolist() == [2, 2] and table.x.isna().tolist() == [False, True]
    assert rows[0]["tnbp_source"] == "here"
    with pytest.raises(typer.Exit):
        bench.finish([{"x": 1.0}], None, True)
    with pytest.raises(ValueError, match="columns"):
        harness.write_csv([{"x": 1}, {"y": 2}], tmp_path / "c.csv")
