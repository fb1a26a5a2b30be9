"""Results: where finished rows of studies and ensembles are kept."""

from .sweep import run_sweep

__all__ = ["run_sweep"]
