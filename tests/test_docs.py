"""The site's API reference lists every public name (docs/apigen.py writes it).

Cheap guards of the documentation, without a Sphinx build: every public name
and every module has a page, a reference in a docstring or a page names
something documented (the ``-n`` build would fail on it much later), and the
build is nitpicky.
"""

import ast
import importlib.util
import inspect
import pkgutil
import re
from functools import cache
from pathlib import Path

import pytest

import tnbp

DOCS = Path(__file__).parents[1] / "docs"
PACKAGE = Path(tnbp.__file__).parent

#: a Python cross-reference to tnbp, in a docstring (``:func:`~tnbp.x```) or
#: a MyST page (``{func}`tnbp.x```)
REFERENCE = re.compile(
    r"(?::(?:func|class|meth|attr|data|mod|obj|exc):|"
    r"\{(?:func|class|meth|attr|data|mod|obj|exc)\})`~?(tnbp(?:\.\w+)*)`"
)


@cache
def _apigen():
    spec = importlib.util.spec_from_file_location("apigen", DOCS / "apigen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _documented_paths() -> frozenset[str]:
    """Every path with a page or an entry: objects, modules, modules' own names."""
    apigen = _apigen()
    paths = {path for entries in apigen.collect().values() for _, path in entries}
    for module in apigen.modules():
        paths.add(module)
        paths |= {f"{module}.{name}" for name in apigen._others(module)}
    return frozenset(paths)


def _resolves(target: str) -> bool:
    """Whether the build links ``target`` (as conf.py's resolver does)."""
    apigen = _apigen()
    documented = _documented_paths()
    path = apigen.public_path(target)
    if path is None:
        return False
    if path in documented:
        return True
    for candidate in apigen.member_paths(path):
        if candidate in documented:  # a field in a class's Attributes section
            return True
        owner, _, name = candidate.rpartition(".")
        cls = apigen._lookup(owner)
        if owner in documented and not name.startswith("_") and name in vars(cls):
            return True  # a member on its class's page
    return False


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
    objects = (tmp_path / "api.md").read_text().split("## Modules")[0]
    assert count == len(listed)
    assert objects.count("\n   ") - objects.count(":toctree:") == count


def test_equal_constants_are_each_listed():
    # MAX_RDM_QUBITS and MAX_DENSE_GIBBS_QUBITS are both the int 12: one object
    # in Python, two documented constants
    listed = {path for entries in _apigen().collect().values() for _, path in entries}
    assert {
        "tnbp.limits.MAX_RDM_QUBITS",
        "tnbp.limits.MAX_DENSE_GIBBS_QUBITS",
    } <= listed


def test_every_module_has_a_page(tmp_path):
    apigen = _apigen()
    aliases = {target: alias for alias, target in tnbp._MODULE_ALIASES.items()}
    public = {
        aliases.get(info.name, info.name)
        for info in pkgutil.walk_packages(tnbp.__path__, "tnbp.")
        if not any(part.startswith("_") for part in info.name.split("."))
    }
    assert set(apigen.modules()) == public | {"tnbp"}
    apigen.write(tmp_path / "api.md")
    pages = {p.stem for p in (tmp_path / apigen.MODULE_PAGES).glob("*.rst")}
    assert pages == public | {"tnbp"}
    moments = (
        tmp_path / apigen.MODULE_PAGES / "tnbp.gradients.moments.rst"
    ).read_text()
    assert ".. automodule:: tnbp.gradients.moments" in moments
    assert "tnbp.exact_gradient_variance" in moments  # linked under its public path


@pytest.mark.parametrize(
    "target, path",
    [
        # where it is defined -> where it is documented
        (
            "tnbp.gradients.moments.exact_gradient_variance",
            "tnbp.exact_gradient_variance",
        ),
        ("tnbp.references.theory", "tnbp.theory"),
        ("tnbp.references.theory.page_entropy", "tnbp.theory.page_entropy"),
        ("tnbp.results.store.PROVENANCE_COLUMNS", "tnbp.results.PROVENANCE_COLUMNS"),
        ("tnbp.models.operators.Observable.bounds", "tnbp.models.Observable.bounds"),
        ("tnbp.limits.MAX_DENSE_GIBBS_QUBITS", "tnbp.limits.MAX_DENSE_GIBBS_QUBITS"),
        # a module's own name, documented on the module's page
        (
            "tnbp.states.tn.ContractionProgram",
            "tnbp.states.tn.contraction.ContractionProgram",
        ),
        ("tnbp", "tnbp"),
        ("tnbp.numpy", None),
        ("tnbp._checks.as_rng", None),  # private: no page
        ("numpy.ndarray", None),
    ],
)
def test_public_path(target, path):
    assert _apigen().public_path(target) == path


def test_references_name_documented_objects():
    """Every ``:func:`tnbp...``` of a docstring or a page names a documented thing."""
    sources = [*PACKAGE.rglob("*.py"), *DOCS.glob("*.md"), *DOCS.glob("*/*.md")]
    broken = [
        f"{source.relative_to(DOCS.parent)}: {target}"
        for source in sources
        if "_build" not in source.parts
        for target in REFERENCE.findall(source.read_text())
        if not _resolves(target)
    ]
    assert not broken
    # and the check can fail: a private helper and a wrong path
    assert not _resolves("tnbp._checks.as_rng")
    assert not _resolves("tnbp.Gate")


def test_every_constant_has_a_doc_comment():
    apigen = _apigen()
    for entries in apigen.collect().values():
        for _, path in entries:
            if apigen._kind(apigen._resolve(path)) == "constants":
                assert apigen.constant_doc(path), f"{path} has no #: comment"


def test_build_is_nitpicky():
    tree = ast.parse((DOCS / "conf.py").read_text())
    values = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert ast.literal_eval(values["nitpicky"]) is True
    # the references ignored are to other projects only, never to tnbp
    external = ast.literal_eval(values["EXTERNAL_PACKAGES"])
    assert "tnbp" not in external
    assert all(importlib.util.find_spec(name) for name in external if name != "dask")
