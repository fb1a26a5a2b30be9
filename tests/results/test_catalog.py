"""The catalog finds every study, reads what it reproduces without importing it, loads it once."""

import pickle
import subprocess
import sys
from pathlib import Path

import cloudpickle
import pytest

from tnbp.results import catalog
from tnbp.results.catalog import (
    PAPERS,
    STUDIES_ENV,
    UnknownStudyError,
    find_study,
    list_studies,
    load_study,
    studies_folder,
)

ROOT = Path(__file__).parents[2]
SCRIPTS = sorted(p.stem for p in (ROOT / "studies").glob("*.py"))


def test_the_repository_studies_are_the_catalog():
    assert studies_folder() == ROOT / "studies"
    assert [s.name for s in list_studies()] == SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_study_says_what_it_reproduces(name):
    info = find_study(name)
    assert info.paper in PAPERS, f"{name}: PAPER = {info.paper!r}"
    assert info.figure and len(info.figure) <= 24, f"{name}: FIGURE = {info.figure!r}"
    assert info.summary.endswith(".") and len(info.summary) <= 100, info.summary


def test_listing_imports_no_study():
    code = (
        "import sys; from tnbp.results.catalog import list_studies; list_studies(); "
        "print(any(m.startswith('tnbp_studies') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_env_var_names_the_folder(tmp_path, monkeypatch):
    (tmp_path / "my_study.py").write_text(
        '"""A study of mine.\n\nMore."""\n\nPAPER = "arXiv:2010.15968"\nFIGURE = "Fig. 9"\n'
    )
    (tmp_path / "_helpers.py").write_text("")  # not a study
    monkeypatch.setenv(STUDIES_ENV, str(tmp_path))
    assert studies_folder() == tmp_path
    (info,) = list_studies()
    assert (info.name, info.summary, info.paper, info.figure) == (
        "my_study",
        "A study of mine.",
        "arXiv:2010.15968",
        "Fig. 9",
    )
    monkeypatch.setenv(STUDIES_ENV, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="TNBP_STUDIES=.*is not a folder"):
        studies_folder()


def test_unknown_study_suggests_close_names():
    with pytest.raises(UnknownStudyError, match="did you mean qbm_hidden_units"):
        find_study("qbm_hiden_units")
    with pytest.raises(UnknownStudyError, match="no study 'zzz'") as info:
        load_study("zzz")
    assert "did you mean" not in str(info.value)
    with pytest.raises(UnknownStudyError):
        find_study("../studies/barren_plateaus")  # only names, not paths


def test_load_study_once_and_its_functions_pickle_by_value():
    module = load_study("qbm_hidden_units")
    assert load_study("qbm_hidden_units.py") is module
    assert module.__name__ == "tnbp_studies.qbm_hidden_units"
    # a worker process that cannot import the script still gets its functions
    blob = cloudpickle.dumps(module.points)
    code = (
        "import pickle, sys; f = pickle.loads(sys.stdin.buffer.read()); "
        "print(len(f(n_visible=1, hidden=(1, 2), samples=4, beta=1.0, step=1e-3, seed=0)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=blob, capture_output=True, check=True
    )
    assert out.stdout.strip() == b"2"
    with pytest.raises(pickle.PicklingError):  # plain pickle would need the module
        pickle.dumps(module.points)


CACHED_STUDY = '''"""Caches a helper."""

import functools


@functools.lru_cache(maxsize=2)
def table(n):
    return [n] * n


def measure(n):
    return len(table(n))
'''


def test_lru_cache_functions_of_a_study_pickle_by_value_too(tmp_path):
    """They travel as the function they wrap, also after a copy made by pickling.

    cloudpickle pickles an lru_cache function by name, which a worker cannot
    import (four studies failed on loky and dask); dask pickles a task and
    unpickles the copy in the submitting process (to tokenize it) first.
    """
    (tmp_path / "cached.py").write_text(CACHED_STUDY)
    module = load_study("cached", tmp_path)
    copy = cloudpickle.loads(cloudpickle.dumps(module.measure))
    assert copy(3) == module.measure(3) == 3
    blob = cloudpickle.dumps(copy)
    code = (
        "import pickle, sys; f = pickle.loads(sys.stdin.buffer.read()); "
        "print(f(4), f(4), f.__globals__['table'].cache_info())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=blob, capture_output=True, check=True
    )
    # a fresh cache of the same size in the worker: one miss, then one hit
    assert out.stdout.strip() == (
        b"4 4 CacheInfo(hits=1, misses=1, maxsize=2, currsize=1)"
    )
    assert module.table.cache_info().currsize == 1  # the driver's cache is its own


def test_a_broken_study_is_not_half_loaded(tmp_path, monkeypatch):
    (tmp_path / "broken.py").write_text('"""Broken."""\nraise RuntimeError("boom")\n')
    monkeypatch.setenv(STUDIES_ENV, str(tmp_path))
    with pytest.raises(RuntimeError, match="boom"):
        load_study("broken")
    assert "tnbp_studies.broken" not in sys.modules
    assert catalog._MODULE_PREFIX == "tnbp_studies."


def test_listing_reads_scripts_as_python_does(tmp_path):
    # a BOM and a coding line are Python's to decode; only string constants count
    (tmp_path / "bom.py").write_bytes('\ufeff"""With a BOM."""\nPAPER = "p"\n'.encode())
    (tmp_path / "latin.py").write_bytes(
        b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nFIGURE: str = "Fig. 1"\n'
    )
    (tmp_path / "odd.py").write_text('"""Odd constants."""\nPAPER = 1\nFIGURE = None\n')
    (tmp_path / "folder.py").mkdir()  # not a script
    (tmp_path / "gone.py").symlink_to(tmp_path / "missing.py")  # a broken link
    info = {s.name: s for s in list_studies(tmp_path)}
    assert sorted(info) == ["bom", "latin", "odd"]
    assert info["bom"].summary == "With a BOM." and info["bom"].paper == "p"
    assert info["latin"].summary == "Café." and info["latin"].figure == "Fig. 1"
    assert (info["odd"].paper, info["odd"].figure) == ("", "")
    with pytest.raises(UnknownStudyError, match="no study 'folder'"):
        find_study("folder", tmp_path)
