"""Circuits kept as tensor networks: exact lightcone contraction along cached trees."""

from .contraction import ContractionProgram, TreeCache, default_cache
from .lightcone import LightconeNetwork, TNState

__all__ = [
    "ContractionProgram",
    "LightconeNetwork",
    "TNState",
    "TreeCache",
    "default_cache",
]
