"""The site's API reference lists every public name (docs/apigen.py writes it)."""

import importlib.util
import inspect
from pathlib import Path

import tnbp

DOCS = Path(__file__).parents[1] / "docs"


def _apigen():
    spec = importlib.util.spec_from_file_location("apigen", DOCS / "apigen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_public_name_has_a_page_entry(tmp_path):
    apigen = _apigen()
    listed = {path for entries in apigen.collect().values() for _, path in entries}
    assert {f"tnbp.{name}" for name in tnbp._EXPORTS} <= listed
    # every public module is walked: the aliased modules, and each subpackage's __all__
    modules = {m for ms in apigen.ROLES.values() for m in ms}
    assert set(tnbp._MODULE_ALIASES.values()) <= modules
    for role in apigen.ROLES:
        package = importlib.import_module(f"tnbp.{role}")
        for name in getattr(package, "__all__", ()):
            obj = getattr(package, name)
            if inspect.ismodule(obj):  # a public module: walked as a section of its own
                assert obj.__name__ in modules
                continue
            assert any(apigen._resolve(p) is obj for p in listed), f"tnbp.{role}.{name}"
    # each object once: the page written has one autosummary line per entry
    count = apigen.write(tmp_path / "api.md")
    text = (tmp_path / "api.md").read_text()
    assert count == len(listed)
    assert text.count("\n   ") - text.count(":toctree:") == count
