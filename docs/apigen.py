"""Write the API reference pages of the site from tnbp's public namespace.

Run by ``conf.py`` before Sphinx reads its sources, so the reference always
lists every public name: each name of ``tnbp.__all__``, each name of the
``__all__`` of the role subpackages, and each public function, class and
documented constant of the public modules without ``__all__`` (the ansatz
builders, the closed forms, the free-fermion reference, the limits). Every
object gets one page, under its shortest public path (``tnbp.simulate``, not
``tnbp.states.simulate``).

Every module of the package (private ones, ``tnbp._checks`` and the like,
excepted) gets a page too, with its docstring (the methods and approximations
it implements) and the public objects it defines, so ``:mod:`` references
resolve. A docstring may name an object by its public path or by the module
that defines it (``tnbp.gradients.moments.exact_gradient_variance``):
:func:`public_path` maps either to the page, and ``conf.py`` resolves Sphinx's
missing references with it.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from pathlib import Path

import tnbp

#: the role subpackages, in the order of the flow, and the public modules each holds
ROLES = {
    "models": [
        "tnbp.models.ansatz",
        "tnbp.models.observables",
        "tnbp.models.hamiltonian",
    ],
    "states": [],
    "estimators": [],
    "gradients": ["tnbp.gradients.qbm"],
    "ensembles": [],
    "results": ["tnbp.results.schema"],
    "plotting": [],
    "references": ["tnbp.references.theory", "tnbp.references.free_fermion"],
    "limits": [],
}

#: where each top-level name outside the role subpackages belongs
OTHER_HOMES = {"tnbp._executors": "ensembles"}

#: the folder, beside the API reference page, that receives one page per module
MODULE_PAGES = "generated/modules"


def _aliases() -> dict[str, str]:
    """Module -> its short public name (``tnbp.models.ansatz`` -> ``tnbp.ansatz``)."""
    return {target: alias for alias, target in tnbp._MODULE_ALIASES.items()}


def _public_members(module) -> list[str]:
    """The public names of ``module``: its ``__all__``, or what it defines."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return _defined(module)


def _defined(module) -> list[str]:
    """The public functions, classes and documented constants ``module`` defines."""
    defined = []
    documented_constants = _documented_constants(module)
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        # a function under a decorator (functools.cache) is still a function
        if inspect.isclass(obj) or inspect.isfunction(inspect.unwrap(obj)):
            if obj.__module__ == module.__name__:
                defined.append(name)
        elif name in documented_constants:
            defined.append(name)
    return defined


def _documented_constants(module) -> set[str]:
    """Module-level names with a ``#:`` doc comment (Sphinx's data docstrings)."""
    from sphinx.pycode import ModuleAnalyzer

    analyzer = ModuleAnalyzer.for_module(module.__name__)
    return {name for (scope, name) in analyzer.find_attr_docs() if scope == ""}


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "classes"
    if callable(obj):
        return "functions"
    return "constants"


def _key(obj, name: str):
    """What identifies a documented object: itself, or a constant's value and name.

    Functions, classes and modules are identified by identity; a constant by its
    value *and* its name, since equal small values are one object in Python
    (``MAX_RDM_QUBITS = 12`` and ``MAX_DENSE_GIBBS_QUBITS = 12`` are both the
    int 12).
    """
    if inspect.ismodule(obj) or inspect.isclass(obj) or callable(obj):
        return id(obj)
    return (id(obj), name)


def collect() -> dict[str, list[tuple[str, str]]]:
    """Every public object once, by role.

    Returns
    -------
    dict
        Role -> list of ``(section, documented path)``; the section is
        ``"tnbp"`` for top-level names or the module's public path.
    """
    aliases = _aliases()
    seen: set = set()
    by_role: dict[str, list] = {role: [] for role in ROLES}

    def add(role, section, path, obj):
        key = _key(obj, path.rpartition(".")[2])
        if key not in seen:
            seen.add(key)
            by_role[role].append((section, path))

    for name in sorted(tnbp._EXPORTS, key=str.lower):
        module = tnbp._EXPORTS[name]
        role = OTHER_HOMES.get(module, module.split(".")[1])
        add(role, "tnbp", f"tnbp.{name}", getattr(tnbp, name))
    for role, modules in ROLES.items():
        for module_name in [f"tnbp.{role}", *modules]:
            module = importlib.import_module(module_name)
            public = aliases.get(module_name, module_name)
            for name in sorted(_public_members(module), key=str.lower):
                obj = getattr(module, name)
                if inspect.ismodule(obj):
                    continue  # a submodule: documented as a module of its own
                add(role, public, f"{public}.{name}", obj)
    return by_role


def modules() -> list[str]:
    """Every public module of tnbp, by its public path, in the order of the flow.

    Returns
    -------
    list of str
        ``"tnbp"``, then each role subpackage followed by its modules, then the
        other modules (``tnbp.cli``); an aliased module under its alias
        (``tnbp.theory``, not ``tnbp.references.theory``). Private modules (a
        path part starting with ``_``) are left out.
    """
    aliases = _aliases()
    names = [
        info.name
        for info in pkgutil.walk_packages(tnbp.__path__, "tnbp.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    order = {role: i for i, role in enumerate(ROLES)}
    names.sort(key=lambda name: (order.get(name.split(".")[1], len(order)), name))
    return ["tnbp", *(aliases.get(name, name) for name in names)]


def _others(path: str) -> list[str]:
    """What the module at public ``path`` defines that has no page of its own.

    Public by name (no leading underscore) but not in a public namespace: the
    module's page documents these itself.
    """
    module = importlib.import_module(path)
    documented = _api_paths()
    return [
        name
        for name in _defined(module)
        if _key(getattr(module, name), name) not in documented
    ]


@functools.cache
def _api_paths() -> dict:
    """Key (:func:`_key`) of every object of the API reference -> its page's path."""
    paths = {}
    for entries in collect().values():
        for _, path in entries:
            paths[_key(_resolve(path), path.rpartition(".")[2])] = path
    return paths


@functools.cache
def _documented() -> dict:
    """Key of every documented object and module (:func:`_key`) -> its path.

    The objects of the API reference, each module, and what a module's page
    documents itself (:func:`_others`), under the module's public path.
    """
    paths = dict(_api_paths())
    for path in modules():
        module = importlib.import_module(path)
        paths[id(module)] = path
        for name in _others(path):
            paths.setdefault(_key(getattr(module, name), name), f"{path}.{name}")
    return paths


def _lookup(path: str):
    """The object a dotted path names, importing its module; None if there is none."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj
    return None


@functools.cache
def public_path(target: str) -> str | None:
    """The documented path of the tnbp object or module a dotted path names.

    Parameters
    ----------
    target : str
        A dotted path, public (``tnbp.exact_gradient_variance``) or where the
        object is defined (``tnbp.gradients.moments.exact_gradient_variance``);
        a member of a documented class keeps its name after the class's path
        (``tnbp.models.operators.Observable.bounds`` ->
        ``tnbp.models.Observable.bounds``).

    Returns
    -------
    str or None
        The path the object is documented under, or None if ``target`` names
        nothing in tnbp that is documented (nor a member of a documented class).
    """
    if target.split(".")[0] != "tnbp":
        return None
    parts = target.split(".")
    documented = _documented()
    for i in range(len(parts), max(len(parts) - 2, 0), -1):  # the object, or its class
        obj = _lookup(".".join(parts[:i]))
        if obj is None or (i < len(parts) and not inspect.isclass(obj)):
            continue
        path = documented.get(_key(obj, parts[i - 1]))
        if path is not None:
            return ".".join([path, *parts[i:]])
    return None


@functools.cache
def documented_attributes(path: str) -> frozenset[str]:
    """The names in the Attributes section of the class at ``path`` (none if no class)."""
    from numpydoc.docscrape import NumpyDocString

    obj = _lookup(path)
    if not inspect.isclass(obj):
        return frozenset()
    section = NumpyDocString(inspect.getdoc(obj) or "")["Attributes"]
    return frozenset(name.strip() for p in section for name in p.name.split(","))


def member_paths(path: str) -> list[str]:
    """Where the member at documented ``path`` (``CLASS.NAME``) may be documented.

    Parameters
    ----------
    path : str
        A documented class's path and a member name.

    Returns
    -------
    list of str
        For the class and each base class in method resolution order, with a
        documented path: the member on that class's page, then the class
        itself if its Attributes section lists the member (a dataclass field
        has no entry of its own). Inherited members are documented on the
        class that defines them.
    """
    owner, _, name = path.rpartition(".")
    cls = _lookup(owner)
    if not inspect.isclass(cls):
        return [path]
    paths = []
    for base in cls.__mro__[:-1]:  # not object
        documented = public_path(f"{base.__module__}.{base.__qualname__}")
        if documented is None:
            continue
        paths.append(f"{documented}.{name}")
        if name in documented_attributes(documented):
            paths.append(documented)
    return paths


@functools.cache
def _attr_docs(module_name: str) -> dict[str, list[str]]:
    """Module-level name -> its ``#:`` doc comment, in the module's source."""
    from sphinx.pycode import ModuleAnalyzer

    analyzer = ModuleAnalyzer.for_module(module_name)
    return {
        name: doc
        for (scope, name), doc in analyzer.find_attr_docs().items()
        if not scope
    }


def constant_doc(path: str) -> list[str] | None:
    """The ``#:`` doc comment of the constant at ``path``, wherever it is defined.

    Parameters
    ----------
    path : str
        A constant's path, e.g. ``tnbp.states.BACKENDS``: a package that
        re-exports ``BACKENDS`` from ``tnbp.states.simulate``.

    Returns
    -------
    list of str or None
        The comment's lines, from the module at ``path`` or else from the
        module of tnbp that holds the same value under the same name with a
        comment; None if there is none.
    """
    module_name, _, name = path.rpartition(".")
    obj = _lookup(path)
    for candidate in [module_name, *modules()]:
        module = importlib.import_module(candidate)
        if getattr(module, name, None) is obj:
            doc = _attr_docs(module.__name__).get(name)
            if doc:
                return list(doc)
    return None


def defining_module(path: str) -> str | None:
    """The module that defines the object or module documented at ``path``."""
    obj = _lookup(path)
    if inspect.ismodule(obj):
        return obj.__name__
    return getattr(obj, "__module__", None)


def _first_line(obj) -> str:
    return (inspect.getdoc(obj) or "").strip().splitlines()[0]


def prune_object_pages(folder: Path) -> list[str]:
    """Remove the pages in ``folder`` of names the API reference no longer lists.

    autosummary writes ``<path>.rst`` per listed object into ``folder`` and never
    removes one: after a public name is renamed or removed, its old page would
    be in no toctree, a warning (so an error) until ``make clean``.

    Parameters
    ----------
    folder : pathlib.Path
        autosummary's folder (``docs/generated``); its subfolders are left alone.

    Returns
    -------
    list of str
        The stems of the pages removed, sorted.
    """
    listed = {path for entries in collect().values() for _, path in entries}
    stale = sorted(p for p in folder.glob("*.rst") if p.stem not in listed)
    for page in stale:
        page.unlink()
    return [page.stem for page in stale]


def _section(lines, title, module_path, entries, *, note=""):
    lines += [f"### In `{title}`", ""]
    if note:
        lines += [note, ""]
    by_kind: dict[str, list] = {}
    for _, path in entries:
        by_kind.setdefault(_kind(_resolve(path)), []).append(path)
    for kind in ("functions", "classes", "constants"):
        if kind not in by_kind:
            continue
        lines += [
            f"{kind.capitalize()}:",
            "",
            "```{eval-rst}",
            f".. currentmodule:: {module_path}",
            "",
            ".. autosummary::",
            "   :toctree: generated",
            "",
        ]
        lines += [f"   {path.rpartition('.')[2]}" for path in by_kind[kind]]
        lines += ["```", ""]


def _resolve(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _module_page(path: str) -> str:
    """The reStructuredText page of the module at public path ``path``."""
    module = importlib.import_module(path)
    lines = [path, "=" * len(path), ""]
    if module.__name__ != path:
        lines += [f"Import it as ``{path}`` (defined as ``{module.__name__}``).", ""]
    lines += [f".. automodule:: {path}", ""]
    if path == "tnbp":
        names = []  # the API reference lists them all
    elif hasattr(module, "__all__"):
        names, heading = module.__all__, "Public names"
    else:
        names, heading = _defined(module), "Defined here"
    documented = _api_paths()
    listed = [
        documented[key]
        for name in names
        if (key := _key(getattr(module, name), name)) in documented
    ]
    if listed:
        lines += [f".. rubric:: {heading}", "", ".. autosummary::", ""]
        for target in sorted(listed, key=str.lower):
            # autosummary names the current module's members relative to it
            lines += [f"   {target.removeprefix(path + '.')}"]
        lines += [""]
    others = _others(path)
    if others:
        lines += [
            ".. rubric:: Other names of this module",
            "",
            f"Importable from ``{path}``; not in a public namespace of their own.",
            "",
        ]
        by_kind: dict[str, list] = {}
        for name in others:
            by_kind.setdefault(_kind(getattr(module, name)), []).append(name)
        directives = {
            "functions": ".. autofunction::",
            "classes": ".. autoclass::",
            "constants": ".. autodata::",
        }
        for kind, directive in directives.items():
            for name in by_kind.get(kind, ()):
                lines += [f"{directive} {name}"]
                if kind == "classes":
                    lines += [
                        "   :members:",
                        "   :special-members: __call__",
                        "   :show-inheritance:",
                    ]
                lines += [""]
    return "\n".join(lines)


def write_module_pages(folder: Path) -> list[str]:
    """Write one page per public module into ``folder``, removing stale ones.

    Parameters
    ----------
    folder : pathlib.Path
        Receives ``<public path>.rst`` per module of :func:`modules`.

    Returns
    -------
    list of str
        The modules' public paths, in the order of :func:`modules`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = modules()
    for stale in set(folder.glob("*.rst")) - {folder / f"{p}.rst" for p in paths}:
        stale.unlink()
    for path in paths:
        page = folder / f"{path}.rst"
        text = _module_page(path)
        if not page.exists() or page.read_text() != text:  # keep Sphinx's cache
            page.write_text(text)
    return paths


def write(path: Path) -> int:
    """Write the API reference page to ``path``, and the module pages beside it.

    Parameters
    ----------
    path : pathlib.Path
        The page (MyST Markdown); its ``generated/`` sibling folder receives
        autosummary's page per object when Sphinx builds, and
        ``generated/modules/`` one page per module (:func:`write_module_pages`).

    Returns
    -------
    int
        The number of objects listed.
    """
    by_role = collect()
    aliases = _aliases()
    lines = [
        "# API reference",
        "",
        "Every public name of tnbp, by the role it plays in the flow of a calculation",
        "(models -> states -> estimators -> gradients -> ensembles -> results). Names in",
        "`tnbp` itself are importable as `tnbp.NAME`; public modules are importable by the",
        "path given. Every module has a page of its own ([Modules](#modules)), with the",
        "methods it implements. This page is generated from the package by",
        "`docs/apigen.py`.",
        "",
    ]
    count = 0
    for role, entries in by_role.items():
        package = importlib.import_module(f"tnbp.{role}")
        real = f"tnbp.{role}"
        lines += [f"## `{real}`", "", _first_line(package), ""]
        sections: dict[str, list] = {}
        for entry in entries:
            sections.setdefault(entry[0], []).append(entry)
        for section, items in sections.items():
            # an aliased module is documented under its public name
            # (tnbp.theory.page_entropy), which cross-references use
            real_path = next((t for t, a in aliases.items() if a == section), None)
            note = f"The module `{real_path}`." if real_path else ""
            _section(lines, section, section, items, note=note)
            count += len(items)
    module_paths = write_module_pages(path.parent / MODULE_PAGES)
    lines += [
        "## Modules",
        "",
        "Every module of the package: its docstring describes what it computes and how",
        "(methods, approximations, references), and its page lists the public objects",
        "it defines.",
        "",
        "```{eval-rst}",
        ".. autosummary::",
        "",
        *(f"   {p}" for p in module_paths),
        "",
        ".. toctree::",
        "   :hidden:",
        "",
        *(f"   {MODULE_PAGES}/{p}" for p in module_paths),
        "```",
    ]
    text = "\n".join(lines).rstrip() + "\n"
    if not path.exists() or path.read_text() != text:  # keep Sphinx's cache
        path.write_text(text)
    return count


if __name__ == "__main__":
    print(write(Path(__file__).parent / "api.md"), "objects")
