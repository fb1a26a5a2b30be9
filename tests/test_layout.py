"""The package's layout: imports point only down the flow, and ``import tnbp`` stays light.

The flow is models -> states -> estimators -> gradients -> ensembles -> results
-> plotting -> cli (run by ``__main__``), on a foundation of ``limits``,
``_threads``, ``_progress``, ``_checks`` and ``_executors`` (which may use the limits).
``results`` (the store and the table schemas) is the sink that producers write
into: ensembles, studies and the CLI import it, and it imports none of them,
so it sits below the ensembles in the layers;
``references`` (independent exact results) sit beside the states and may use
only the models. A module may import modules of its own subpackage and of
layers strictly below its own. The check reads every module's source (imports
inside functions included), so a violation cannot hide behind a lazy import.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "tnbp"

#: top-level part of the package -> its layer (lower layers come first in the flow)
LAYERS = {
    "limits": 0,
    "_threads": 0,
    "_progress": 0,
    "_checks": 1,
    "_executors": 1,
    "models": 2,
    "references": 3,
    "states": 3,
    "estimators": 4,
    "gradients": 5,
    "results": 6,
    "ensembles": 7,
    "plotting": 8,
    "cli": 9,
    "__main__": 10,
}

#: modules a bare ``import tnbp`` must not load
HEAVY = (
    "quimb",
    "cotengra",
    "pandas",
    "matplotlib",
    "jax",
    "loky",
    "typer",
    "tqdm",
    "openqasm3",
    "antlr4",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the tnbp modules ``path`` imports (anywhere in the file)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "tnbp")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "tnbp":
                continue
            # ``from .x import y`` may name a submodule y: count both
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
    return out


def _part(module: str) -> str | None:
    """The top-level part of ``tnbp`` a module belongs to (None for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _existing(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel).is_dir()


def import_graph() -> dict[str, set[str]]:
    """Module -> the tnbp modules it imports (only names that are modules)."""
    return {
        _module_name(p): {m for m in _imports(p) if _existing(m)}
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def violations(graph) -> list[str]:
    out = []
    for source, targets in graph.items():
        src = _part(source)
        for target in sorted(targets):
            dst = _part(target)
            if dst is None or dst == src:
                continue
            # nothing imports the command but ``python -m tnbp``'s __main__
            upward = src is not None and LAYERS[dst] >= LAYERS[src]
            if (dst == "cli" and src != "__main__") or upward:
                out.append(f"{source} -> {target}")
            elif src == "references" and dst not in ("models", "_checks", "limits"):
                out.append(f"{source} -> {target}")
    return out


def test_every_part_has_a_layer():
    parts = {_part(m) for m in import_graph()} - {None}
    assert parts <= set(LAYERS), parts - set(LAYERS)


def test_imports_point_down_the_flow():
    graph = import_graph()
    assert sum(len(t) for t in graph.values()) > 100  # the walk found the imports
    bad = violations(graph)
    assert not bad, "imports against the flow:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("tnbp.models.qbm", "tnbp.states.gibbs"),
        ("tnbp.states.mps", "tnbp.estimators.entropy"),
        ("tnbp.estimators.entropy", "tnbp.gradients.api"),
        ("tnbp.references.free_fermion", "tnbp.states.dense"),
        ("tnbp.plotting.figures", "tnbp.cli"),
    ],
)
def test_the_check_catches_a_violation(source, target):
    graph = {source: {target}}
    assert violations(graph) == [f"{source} -> {target}"]


def test_import_tnbp_loads_no_heavy_dependency():
    code = (
        "import sys, json, tnbp; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_public_names_resolve_and_old_module_paths_work():
    import tnbp

    for name in tnbp.__all__:
        assert getattr(tnbp, name) is not None, name
    code = (
        "import tnbp.ansatz, tnbp.observables, tnbp.hamiltonian, tnbp.qbm, "
        "tnbp.theory, tnbp.free_fermion; "
        "from tnbp.observables import global_cost, fidelity_cost; "
        "from tnbp.qbm import QBM, observable_gradient; "
        "print(tnbp.ansatz.hardware_efficient.__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "tnbp.models.ansatz"


def test_dir_lists_the_public_names_only():
    """dir(tnbp) listed 'annotations', 'importlib', 'sys', 'PackageNotFoundError'."""
    code = (
        "import json, tnbp, tnbp.states, tnbp._checks; tnbp.Circuit; "
        "print(json.dumps(dir(tnbp)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    names = json.loads(out.stdout)
    import tnbp

    assert names == sorted({*tnbp.__all__, *tnbp._SUBPACKAGES, "__version__"})
    assert {"Circuit", "gradient", "Partition", "qbm", "states"} <= set(names)
    leaked = {"annotations", "importlib", "sys", "version", "PackageNotFoundError"}
    assert not leaked & set(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]


if __name__ == "__main__":  # print the graph by part, and any violation
    graph = import_graph()
    edges: dict = {}
    for source, targets in graph.items():
        for target in targets:
            key = (_part(source) or "tnbp", _part(target) or "tnbp")
            if key[0] != key[1]:
                edges[key] = edges.get(key, 0) + 1
    for (src, dst), count in sorted(
        edges.items(), key=lambda e: LAYERS.get(e[0][0], -1)
    ):
        print(f"{src:>12} -> {dst:<12} {count:3d} import(s)")
    bad = violations(graph)
    print(f"{len(graph)} modules, {len(bad)} import(s) against the flow")
    print("\n".join(bad))
