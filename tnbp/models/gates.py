r"""Gates: the instructions a :class:`~tnbp.Circuit` is made of.

A gate is either a fixed unitary on one or two qubits, or a trainable (or
fixed-angle) Pauli rotation

.. math::

    R_P(\theta) = e^{-i \theta P / 2} = \cos(\theta/2)\,I - i \sin(\theta/2)\,P,

for a Pauli string :math:`P` (so ``rx``, ``ry``, ``rz`` are the one-letter cases).
Gates are immutable; binding new angles creates new gates.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..limits import UNITARY_ATOL
from .paulis import pauli_matrix

H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
CZ = np.diag([1, 1, 1, -1]).astype(complex)
CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)
for _m in (H, CZ, CNOT, SWAP):
    _m.setflags(write=False)


def check_unitary(U, num_qubits: int, *, name: str = "U") -> np.ndarray:
    r"""Validate a ``2^k x 2^k`` unitary for ``k = num_qubits``; return a read-only copy.

    Parameters
    ----------
    U : array_like
        The matrix; for two qubits ``(i, j)``, ``i`` is its first factor.
    num_qubits : int
        Number of qubits ``k`` it acts on.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    numpy.ndarray of complex128, shape (2^k, 2^k)
        A copy of ``U``, not writeable.

    Raises
    ------
    TypeError
        If ``U`` is not numeric.
    ValueError
        If ``U`` has the wrong shape or non-finite entries, or
        :math:`\max |U^\dagger U - I|` exceeds :data:`~tnbp.limits.UNITARY_ATOL`.
    """
    try:
        arr = np.array(U, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must be a numeric matrix, got {type(U)!r}.") from exc
    dim = 2**num_qubits
    if arr.shape != (dim, dim):
        raise ValueError(
            f"`{name}` must have shape ({dim}, {dim}) to act on {num_qubits} "
            f"qubit(s), got {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` has non-finite entries.")
    err = np.abs(arr.conj().T @ arr - np.eye(dim)).max()
    if err > UNITARY_ATOL:
        raise ValueError(
            f"`{name}` is not unitary: max |U^dag U - I| = {err:.2e} > {UNITARY_ATOL}."
        )
    arr.setflags(write=False)
    return arr


def rotation_matrix(pauli: str, theta: float) -> np.ndarray:
    r"""Matrix of :math:`R_P(\theta) = e^{-i\theta P/2}` for a Pauli string ``pauli``.

    Computed as :math:`\cos(\theta/2)\, I - i \sin(\theta/2)\, P`, exact since
    :math:`P^2 = I`.

    Parameters
    ----------
    pauli : str
        Letters I, X, Y, Z, ``k`` of them, first letter most significant.
    theta : float
        Angle in radians (period :math:`4\pi`; :math:`2\pi` gives :math:`-I`).

    Returns
    -------
    numpy.ndarray of complex128, shape (2^k, 2^k)
        The unitary :math:`e^{-i\theta P/2}`.

    Raises
    ------
    TypeError
        If ``pauli`` is not a string.
    ValueError
        If ``pauli`` is empty or has a letter other than I, X, Y, Z.
    """
    P = pauli_matrix(pauli)
    return np.cos(theta / 2) * np.eye(P.shape[0]) - 1j * np.sin(theta / 2) * P


@dataclasses.dataclass(frozen=True, eq=False)
class Gate:
    r"""One instruction of a circuit.

    Attributes
    ----------
    qubits : tuple of int
        The qubits acted on; the first is the most significant factor of the matrix.
    label : str
        A name for display ("U", "CZ", "RX", "R_XY", ...).
    matrix : numpy.ndarray or None
        The fixed unitary, or None for a rotation.
    pauli : str or None
        The generator of a rotation :math:`e^{-i\theta P/2}`, or None for a fixed gate.
    theta : float
        The rotation angle (radians); 0 for fixed gates.
    trainable : bool
        Whether ``theta`` is one of the circuit's parameters.
    """

    qubits: tuple[int, ...]
    label: str
    matrix: np.ndarray | None = None
    pauli: str | None = None
    theta: float = 0.0
    trainable: bool = False

    @property
    def is_rotation(self) -> bool:
        """Whether the gate is a Pauli rotation (``pauli`` set) rather than a fixed unitary."""
        return self.pauli is not None

    def to_matrix(self) -> np.ndarray:
        r"""The gate's unitary, first listed qubit most significant.

        Returns
        -------
        numpy.ndarray of complex128, shape (2^k, 2^k)
            :attr:`matrix` for a fixed gate (read-only), :math:`e^{-i\theta P/2}`
            for a rotation; ``k = len(qubits)``.
        """
        if self.pauli is None:
            return self.matrix
        return rotation_matrix(self.pauli, self.theta)

    def with_theta(self, theta: float) -> Gate:
        """The same rotation with a new angle.

        Parameters
        ----------
        theta : float
            The new angle, in radians.

        Returns
        -------
        Gate
            A copy with ``theta`` replaced (``trainable``, ``pauli`` and ``qubits``
            kept); the gate itself is unchanged.
        """
        return dataclasses.replace(self, theta=float(theta))
