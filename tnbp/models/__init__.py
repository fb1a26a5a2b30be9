"""Models: circuits, Hamiltonians, observables and partitions, as pure data.

Nothing here simulates; :mod:`tnbp.states` turns models into states.
"""

from .circuit import Circuit
from .dqnn import DQNN
from .fusion import fuse_gates
from .gates import Gate
from .gue import gue_matrix
from .operators import Observable, Term
from .partition import Partition
from .pauli_sum import PauliSum
from .qasm import from_qasm
from .qbm import QBM

__all__ = [
    "DQNN",
    "QBM",
    "Circuit",
    "Gate",
    "Observable",
    "PauliSum",
    "Partition",
    "Term",
    "from_qasm",
    "fuse_gates",
    "gue_matrix",
]
