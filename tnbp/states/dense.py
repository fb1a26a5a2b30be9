r"""Exact statevector backend: the reference every other backend is tested against.

The state is a ``(2,) * n`` complex array, qubit 0 on axis 0, of
:math:`16 \cdot 2^n` bytes. From :data:`KERNEL_MIN_QUBITS` qubits on,
:func:`simulate_dense` applies the gates in place with the compiled kernels of
:mod:`tnbp.states.dense_kernels` (real and imaginary parts as two float64
arrays, one-qubit gates merged); below, with ``numpy.tensordot``, which holds
three states at once per gate. Registers up to
:data:`~tnbp.limits.MAX_DENSE_QUBITS` (26) qubits are accepted: a one-layer
circuit on 26 qubits took ~100 s and 3.2 GiB at peak with tensordot (the
measurements are in :mod:`tnbp.limits`); with the kernels a one-layer
hardware-efficient circuit on 24 qubits took 7-9 s and 0.73 GiB (peak RSS of
the process, on a loaded machine). Entropies of large blocks cost an SVD
of a :math:`2^k \times 2^{n-k}` matrix: the half-chain entropy at ``n = 24``
took 236 s (a 4096 x 4096 SVD); small blocks and local expectations stay
cheap, and the MPS backend is the tool for large blocks.
"""

from __future__ import annotations

import functools

import numpy as np

from ..limits import MAX_DENSE_QUBITS, SPECTRUM_NOISE_FLOOR
from ..models.circuit import Circuit
from . import dense_kernels
from .base import State, check_rdm_size
from .record import BondRecord

#: From this many qubits :func:`simulate_dense` applies the gates with the
#: compiled in-place kernels of :mod:`tnbp.states.dense_kernels`; below, with
#: ``numpy.tensordot``. Measured (one process, best of 3; hardware-efficient
#: ladder with L = n layers and Haar brickwork of depth n): tensordot time /
#: kernel time 0.94-1.5 at n = 2, 1.3-2.1 at n = 4, 1.6-5.5 at n = 8,
#: 1.6-11 at n = 16, 2.6-12 at n = 18.
KERNEL_MIN_QUBITS = 4


def apply_matrix(psi: np.ndarray, G: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    """Apply a ``2^k x 2^k`` matrix to axes ``qubits`` of a ``(2,)*n`` tensor.

    Parameters
    ----------
    psi : numpy.ndarray, shape (2,) * n
        The state (or any tensor with a qubit on each axis).
    G : numpy.ndarray, shape (2^k, 2^k)
        The matrix; its first tensor factor acts on ``qubits[0]``.
    qubits : tuple of int
        ``k`` distinct axes of ``psi``.

    Returns
    -------
    numpy.ndarray of complex128, shape (2,) * n
        :math:`G` applied to ``psi``, axes in the original order (the dtype is
        the common type of ``G`` and ``psi``).
    """
    k = len(qubits)
    G = G.reshape((2,) * (2 * k))
    out = np.tensordot(G, psi, axes=(tuple(range(k, 2 * k)), qubits))
    return np.moveaxis(out, tuple(range(k)), qubits)


def basis_state(bits: str) -> np.ndarray:
    """The computational basis state ``|bits>`` as a ``(2,)*n`` array.

    Parameters
    ----------
    bits : str
        A validated bitstring, qubit 0 first.

    Returns
    -------
    numpy.ndarray of complex128, shape (2,) * n
        One at index ``bits``, zero elsewhere.
    """
    psi = np.zeros((2,) * len(bits), dtype=complex)
    psi[tuple(int(b) for b in bits)] = 1.0
    return psi


class DenseState(State):
    """An exact statevector.

    Every quantity is exact: spectra come from singular values of the
    amplitude matrix, which keep their relative accuracy down to ~1e-32.

    Parameters
    ----------
    psi : numpy.ndarray
        Amplitudes, of shape ``(2,) * n`` or ``(2**n,)``, qubit 0 most
        significant; normalized here.

    Attributes
    ----------
    psi : numpy.ndarray of complex128, shape (2,) * n
        The normalized amplitudes (read-only).

    Examples
    --------
    >>> import numpy as np
    >>> st = DenseState(np.array([1.0, 0.0, 0.0, 1.0]))  # a Bell pair
    >>> st.n, st.cut_spectrum(1).round(12)
    (2, array([0.5, 0.5]))
    """

    def __init__(self, psi: np.ndarray):
        psi = np.asarray(psi, dtype=complex)
        n = int(round(np.log2(psi.size)))
        super().__init__(n)
        psi = psi.reshape((2,) * n) / np.linalg.norm(psi)
        psi.setflags(write=False)
        self.psi = psi
        self._cut_spectra: dict[int, np.ndarray] = {}

    @property
    def statevector(self) -> np.ndarray:
        """Amplitudes as a complex128 vector of length ``2**n`` (qubit 0 most significant)."""
        return self.psi.reshape(-1)

    def __repr__(self) -> str:
        return f"DenseState(n={self.n})"

    def _matrix(self, rows: tuple[int, ...]) -> np.ndarray:
        rest = tuple(q for q in range(self.n) if q not in rows)
        return np.transpose(self.psi, rows + rest).reshape(2 ** len(rows), -1)

    # The State interface, documented by State's docstrings (hence the D102 noqa).
    # Spectra come from singular values of the amplitude matrix, not from
    # eigenvalues of rho = M M^dag: squared singular values keep their relative
    # accuracy down to ~1e-32, where eigvalsh(rho) has absolute errors ~1e-16.
    # psi is read-only, so each cut's SVD (seconds at n = 20) is done once:
    # the record and an entropy profile of the same state share it.
    def cut_spectrum(self, cut: int) -> np.ndarray:  # noqa: D102
        if cut not in self._cut_spectra:
            M = self.psi.reshape(2**cut, -1)
            self._cut_spectra[cut] = np.linalg.svd(M, compute_uv=False) ** 2
        return self._cut_spectra[cut].copy()

    def subsystem_spectrum(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        return np.linalg.svd(self._matrix(tuple(qubits)), compute_uv=False) ** 2

    def reduced_density_matrix(self, qubits: tuple[int, ...]) -> np.ndarray:  # noqa: D102
        check_rdm_size(qubits)
        M = self._matrix(tuple(qubits))
        return M @ M.conj().T

    def expectation_product(self, ops: dict[int, np.ndarray]) -> complex:  # noqa: D102
        phi = self.psi
        for q, op in ops.items():
            phi = apply_matrix(phi, op, (q,))
        return complex(np.vdot(self.psi, phi))

    # Exact: no caveats and no truncation, known without the record, whose
    # Schmidt ranks take an SVD at every cut (minutes at n = 24): estimates
    # read these two, so an entropy costs its own cut only.
    caveats: tuple[str, ...] = ()
    truncation_distance: float = 0.0

    @functools.cached_property
    def record(self) -> BondRecord:
        """Exact record: bond dimensions are the Schmidt ranks.

        Squared Schmidt coefficients at or below ``SPECTRUM_NOISE_FLOOR``
        (:mod:`tnbp.limits`) do not count.
        """
        ranks = [
            int(np.count_nonzero(self.cut_spectrum(c) > SPECTRUM_NOISE_FLOOR))
            for c in range(1, self.n)
        ]
        return BondRecord.exact(ranks)


def simulate_dense(circuit: Circuit, *, initial: str) -> DenseState:
    """Apply ``circuit`` to ``|initial>`` exactly.

    Parameters
    ----------
    circuit : Circuit
        The circuit, of at most :data:`~tnbp.limits.MAX_DENSE_QUBITS` qubits.
    initial : str
        A validated bitstring, qubit 0 first.

    Returns
    -------
    DenseState
        The output state.

    Raises
    ------
    ValueError
        If the circuit has more than :data:`~tnbp.limits.MAX_DENSE_QUBITS`
        qubits.
    """
    if circuit.n > MAX_DENSE_QUBITS:
        raise ValueError(
            f"`backend`='dense' holds 2^n amplitudes and is limited to "
            f"{MAX_DENSE_QUBITS} qubits, got n={circuit.n}; use backend='mps'."
        )
    if circuit.n >= KERNEL_MIN_QUBITS:
        return DenseState(_simulate_kernels(circuit, initial))
    psi = basis_state(initial)
    for gate in circuit:
        psi = apply_matrix(psi, gate.to_matrix(), gate.qubits)
    return DenseState(psi)


def _simulate_kernels(circuit: Circuit, initial: str) -> np.ndarray:
    """The output amplitudes (2^n,) by the compiled kernels, one-qubit gates merged.

    Consecutive one-qubit gates on a qubit are multiplied into one 2x2 that
    waits for the next two-qubit gate on the qubit: folded into it when that
    gate is a general 4x4 (one pass instead of up to three), applied before it
    when it is diagonal (a diagonal gate only rescales the amplitudes its
    phases touch: a quarter for a CZ), or applied at the end.
    """
    K = dense_kernels
    n = circuit.n
    re, im = np.zeros((1, 2**n)), np.zeros((1, 2**n))
    re[0, int(initial, 2)] = 1.0
    pending: dict[int, np.ndarray] = {}  # qubit -> product of its waiting gates

    def flush(q):
        if q in pending:
            K.apply_1q(re, im, K.pack(pending.pop(q)[None]), K.stride(n, q))

    for gate in circuit:
        U = gate.to_matrix()
        if len(gate.qubits) == 1:
            q = gate.qubits[0]
            pending[q] = U @ pending[q] if q in pending else U
            continue
        a, b = gate.qubits
        strides = K.stride(n, a), K.stride(n, b)
        diagonal = np.diag(U)
        if not np.any(U - np.diag(diagonal)):
            flush(a)
            flush(b)
            K.phase_2q(re, im, K.pack(diagonal[None]), *strides)
            continue
        if a in pending or b in pending:
            eye = np.eye(2)
            U = U @ np.kron(pending.pop(a, eye), pending.pop(b, eye))
        K.apply_2q(re, im, K.pack(U[None]), *strides)
    for q in list(pending):
        flush(q)
    psi = np.empty(2**n, dtype=complex)  # no complex temporaries at 2^n
    psi.real, psi.imag = re[0], im[0]
    return psi
