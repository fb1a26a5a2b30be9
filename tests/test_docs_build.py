"""The docs build's bookkeeping: no stale page, every subpackage, a clean ``make clean``.

Cheap checks, without a Sphinx build, of what an incremental build and the
Makefile's ``clean`` target do with the files the build writes.
"""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

import tnbp

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"


def _apigen():
    spec = importlib.util.spec_from_file_location("apigen", DOCS / "apigen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_of_a_name_no_longer_public_is_removed(tmp_path):
    """Left in docs/generated, it is in no toctree: the next build failed on it."""
    apigen = _apigen()
    listed = next(path for entries in apigen.collect().values() for _, path in entries)
    (tmp_path / f"{listed}.rst").write_text("kept")
    (tmp_path / "tnbp.renamed_away.rst").write_text("stale")
    (tmp_path / "modules").mkdir()  # another generator's folder: not ours
    (tmp_path / "modules" / "tnbp.gone.rst").write_text("other")
    assert apigen.prune_object_pages(tmp_path) == ["tnbp.renamed_away"]
    assert sorted(p.name for p in tmp_path.rglob("*.rst")) == [
        f"{listed}.rst",
        "tnbp.gone.rst",
    ]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_clean_removes_every_file_the_docs_build_writes():
    """The build's outputs are what .gitignore lists under docs/."""
    ignored = [
        line.strip().rstrip("/")
        for line in (ROOT / ".gitignore").read_text().splitlines()
        if line.strip().startswith("docs/")
    ]
    assert {"docs/_build", "docs/generated", "docs/api.md"} <= set(ignored)
    recipe = subprocess.run(
        ["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [path for path in ignored if path not in recipe] == []


def test_every_subpackage_is_a_section_of_the_api_reference():
    """Else its names are left out of the reference without a word.

    (A top-level name from a subpackage missing in ``apigen.ROLES`` stops
    ``apigen.collect`` with a bare KeyError.)
    """
    assert list(_apigen().ROLES) == list(tnbp._SUBPACKAGES)
