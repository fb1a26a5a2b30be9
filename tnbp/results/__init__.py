"""Results: where finished rows of studies and ensembles are kept, and their table schemas."""

from .schema import TABLES, Column, TableSchema
from .sweep import run_sweep

__all__ = ["TABLES", "Column", "TableSchema", "run_sweep"]
