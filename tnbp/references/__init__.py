"""Independent exact results: closed forms of the papers and free-fermion simulation."""

from . import free_fermion, theory

__all__ = ["free_fermion", "theory"]
