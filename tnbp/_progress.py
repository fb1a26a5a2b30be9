"""The progress bar of every tnbp loop: ``tqdm.auto``, without its import-time warning.

``tqdm.auto`` picks the Jupyter widget bar inside a notebook kernel and, where
ipywidgets is not installed, warns at import (``TqdmWarning: IProgress not
found``) before falling back to the text bar. The modules that draw bars
import it at module level, so every notebook showed that warning on its first
``tnbp.simulate`` or ``tnbp.gibbs_state``, even with every bar disabled (the
default, ``progbar=False``). This module imports it once with that warning
silenced: a kernel without ipywidgets gets the text bar, quietly; one with
ipywidgets gets the widget bar; terminals get the text bar as before.
"""

from __future__ import annotations

import warnings

from tqdm import TqdmWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

__all__ = ["tqdm"]
