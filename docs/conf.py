"""Sphinx configuration of the tnbp documentation site (``make docs``).

The site is built with warnings as errors (``sphinx-build -W``): pages are
MyST Markdown, notebooks are MyST-NB text notebooks executed at build time,
and the API reference is generated from the numpydoc docstrings.
"""

import os
import re
import sys
from pathlib import Path

import tnbp

sys.path.insert(0, str(Path(__file__).parent))
import apigen  # noqa: E402  (docs/apigen.py: the API reference pages)
from sphinx.ext import autosummary  # noqa: E402
from sphinx.util.nodes import make_refnode  # noqa: E402

project = "tnbp"
author = "the tnbp developers"
copyright = "2026, the tnbp developers"
release = version = tnbp.__version__

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]

# -- API reference --------------------------------------------------------------
# one-line summaries end at the first sentence: not at "Fig. 3b" or "eq. 22"
autosummary.WELL_KNOWN_ABBREVIATIONS += tuple(
    f"{word}."
    for word in ("Fig", "Figs", "eq", "eqs", "Eq", "Eqs", "App", "Sec", "Prop")
) + ("i.i.d.",)
apigen.write(Path(__file__).parent / "api.md")  # every public name, generated
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # the numpydoc sections give the types
autodoc_member_order = "bysource"
apigen.prune_object_pages(Path(__file__).parent / "generated")  # renamed names' pages
numpydoc_show_class_members = (
    True  # method and attribute tables, linked to the members below
)
# inherited members are documented on the base class page (":show-inheritance:")
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# no internet at build time: cross-references to other projects stay plain text
intersphinx_mapping = {}

# every cross-reference must resolve (a broken one is a warning, so an error)
nitpicky = True
# ... except to other projects: no intersphinx without internet, so these stay
# plain text (never a tnbp target: those must resolve)
EXTERNAL_PACKAGES = (
    "abc",
    "autoray",
    "collections",
    "concurrent",
    "cotengra",
    "dask",
    "functools",
    "matplotlib",
    "numpy",
    "pandas",
    "quimb",
    "scipy",
    "warnings",
)
nitpick_ignore_regex = [(r"py:.*", rf"({'|'.join(EXTERNAL_PACKAGES)})(\..+)?")]


def _scopes(node) -> list[str]:
    """Where a relative Python reference is looked up, innermost first.

    The module and class the reference was written in as Sphinx sees them
    (``tnbp`` for a docstring documented as ``tnbp.NAME``), then the module
    that defines the documented object (a docstring names its neighbours as
    its module sees them).
    """
    module, cls = node.get("py:module"), node.get("py:class")
    scopes = [f"{module}.{cls}" if module and cls else None, module]
    docname = node.get("refdoc", "")
    if docname.startswith("generated/"):
        documented = docname.rpartition("/")[2]
        defining = apigen.defining_module(documented)
        if cls and defining:
            scopes.append(f"{defining}.{cls}")
        scopes.append(defining)
    return [scope for scope in scopes if scope]


def _resolve_public_path(app, env, node, contnode):
    """Resolve a Python reference to a tnbp object by where it is documented.

    Objects have one page, under their shortest public path; a docstring may
    name the module that defines them instead
    (``tnbp.gradients.moments.exact_gradient_variance`` links to
    ``tnbp.exact_gradient_variance``). A member inherited from a base class
    links to the base's page, and an attribute listed in a class's Attributes
    section (a dataclass field) to the class.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    domain = env.get_domain("py")
    candidates = [target]
    if not target.startswith("tnbp."):
        candidates = [f"{scope}.{target}" for scope in _scopes(node)] + candidates
    for candidate in candidates:
        path = apigen.public_path(candidate)
        if path is None:
            continue
        for documented in [path, *apigen.member_paths(path)]:
            entry = domain.objects.get(documented)
            if entry is not None:
                return make_refnode(
                    app.builder,
                    node["refdoc"],
                    entry.docname,
                    entry.node_id,
                    contnode,
                    documented,
                )
    return None


def _cite_module_references(app, what, name, obj, options, lines):
    """Refer to the citations of a module docstring's References section.

    numpydoc formats the References of a function or class with a (LaTeX-only)
    line citing each entry, so that an entry the text does not cite is no
    "unreferenced citation" warning; it leaves module docstrings as they are.
    This adds the same line to them.
    """
    if what != "module":
        return
    labels = [m.group(1) for line in lines if (m := _CITATION.match(line))]
    if labels:
        lines += [
            "",
            ".. only:: latex",
            "",
            "   " + ", ".join(f"[{x}]_" for x in labels),
        ]


_CITATION = re.compile(r"^\.\. \[([A-Za-z0-9_.-]+)\]")


def _show_table_columns(app, what, name, obj, options, lines):
    """Add the columns of a table schema (``tnbp.results.schema``) to its page."""
    from tnbp.results.schema import TableSchema

    if not isinstance(obj, TableSchema):
        return
    lines += [
        "",
        f".. list-table:: One row per {_rst_text(obj.rows)}",
        "   :header-rows: 1",
        "",
    ]
    lines += [f"   * - {h}" if i == 0 else f"     - {h}" for i, h in enumerate(_HEADER)]
    for column in obj.columns:
        cells = (f"``{column.name}``", column.dtype, column.unit, column.meaning)
        lines += [
            f"   * - {cell}" if i == 0 else f"     - {_rst_text(cell)}"
            for i, cell in enumerate(cells)
        ]


_HEADER = ("column", "dtype", "unit", "meaning")


def _rst_text(text: str) -> str:
    """``text`` with reStructuredText's markup escaped (inline, and list starts)."""
    text = re.sub(r"([\\*`|_])", r"\\\1", text)
    # a cell "-" or "1. ..." would start a list
    return "\\" + text if text[:1] in ("-", "+", "#") or text[:1].isdigit() else text


def _constant_doc_comment(app, what, name, obj, options, lines):
    """Give a re-exported constant the ``#:`` comment of the module defining it.

    autodoc reads a constant's doc comment from the module it is documented
    in; for a name a package re-exports (``tnbp.states.BACKENDS``) it finds
    none and shows the docstring of the value's type ("Built-in immutable
    sequence.") instead.
    """
    if what != "data":
        return
    type_doc = (type(obj).__doc__ or "").strip()
    if lines and type_doc and lines[0].strip() == type_doc.splitlines()[0].strip():
        lines[:] = apigen.constant_doc(name) or []


def setup(app):
    """Connect the handlers above (Sphinx calls this for ``conf.py`` itself)."""
    app.connect("missing-reference", _resolve_public_path)
    # before numpydoc (priority 500) formats the docstring
    app.connect("autodoc-process-docstring", _constant_doc_comment, priority=400)
    # after numpydoc (priority 500) has renamed the citations
    app.connect("autodoc-process-docstring", _cite_module_references, priority=600)
    app.connect("autodoc-process-docstring", _show_table_columns, priority=600)


# -- MyST and notebooks ----------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = os.environ.get("TNBP_DOCS_EXECUTE", "cache")
nb_execution_cache_path = os.path.join(
    os.path.dirname(__file__), "_build", ".jupyter_cache"
)
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "tnbp"
html_theme_options = {
    "navigation_depth": 3,
    "show_toc_level": 2,
}
html_static_path = []
