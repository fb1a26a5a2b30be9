"""Write the API reference pages of the site from tnbp's public namespace.

Run by ``conf.py`` before Sphinx reads its sources, so the reference always
lists every public name: each name of ``tnbp.__all__``, each name of the
``__all__`` of the role subpackages, and each public function, class and
documented constant of the public modules without ``__all__`` (the ansatz
builders, the closed forms, the free-fermion reference, the limits). Every
object gets one page, under its shortest public path (``tnbp.simulate``, not
``tnbp.states.simulate``).
"""

from __future__ import annotations

import importlib
import inspect
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
    "results": [],
    "plotting": [],
    "references": ["tnbp.references.theory", "tnbp.references.free_fermion"],
    "limits": [],
}

#: where each top-level name outside the role subpackages belongs
OTHER_HOMES = {"tnbp._executors": "ensembles"}


def _aliases() -> dict[str, str]:
    """Module -> its short public name (``tnbp.models.ansatz`` -> ``tnbp.ansatz``)."""
    return {target: alias for alias, target in tnbp._MODULE_ALIASES.items()}


def _public_members(module) -> list[str]:
    """The public names of ``module``: its ``__all__``, or what it defines."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    defined = []
    documented_constants = _documented_constants(module)
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
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


def collect() -> dict[str, list[tuple[str, str]]]:
    """Every public object once, by role.

    Returns
    -------
    dict
        Role -> list of ``(section, documented path)``; the section is
        ``"tnbp"`` for top-level names or the module's public path.
    """
    aliases = _aliases()
    seen: set[int] = set()
    by_role: dict[str, list] = {role: [] for role in ROLES}

    def add(role, section, path, obj):
        if id(obj) not in seen:
            seen.add(id(obj))
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


def write(path: Path) -> int:
    """Write the API reference page to ``path``.

    Parameters
    ----------
    path : pathlib.Path
        The page (MyST Markdown); its ``generated/`` sibling folder receives
        autosummary's page per object when Sphinx builds.

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
        "path given. This page is generated from the package by `docs/apigen.py`.",
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
    path.write_text("\n".join(lines).rstrip() + "\n")
    return count


if __name__ == "__main__":
    print(write(Path(__file__).parent / "api.md"), "objects")
