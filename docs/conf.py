"""Sphinx configuration of the tnbp documentation site (``make docs``).

The site is built with warnings as errors (``sphinx-build -W``): pages are
MyST Markdown, notebooks are MyST-NB text notebooks executed at build time,
and the API reference is generated from the numpydoc docstrings.
"""

import os
import sys
from pathlib import Path

import tnbp

sys.path.insert(0, str(Path(__file__).parent))
import apigen  # noqa: E402  (docs/apigen.py: the API reference pages)
from sphinx.ext import autosummary  # noqa: E402

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
    f"{word}." for word in ("Fig", "Figs", "eq", "eqs", "Eq", "Eqs", "App", "Sec", "Prop")
)
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
