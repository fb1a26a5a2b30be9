"""An independent statevector reference: every gate as a full 2^n x 2^n matrix.

Deliberately naive (O(4^n) per gate, no tensor reshapes of the state), so that
it shares no code path with tnbp's backends; for n <= 8.
"""

import numpy as np

from tnbp.models.paulis import pauli_matrix


def embed(U: np.ndarray, qubits, n: int) -> np.ndarray:
    """``U`` on ``qubits`` (first listed most significant) as a 2^n matrix."""
    k = len(qubits)
    rest = [q for q in range(n) if q not in qubits]
    full = np.kron(U, np.eye(2 ** (n - k))).reshape((2,) * (2 * n))
    inv = np.argsort(list(qubits) + rest)
    return full.transpose(list(inv) + [n + i for i in inv]).reshape(2**n, 2**n)


def statevector(circuit, initial: str) -> np.ndarray:
    """The circuit applied to ``|initial>``, gate by gate as full matrices."""
    n = circuit.n
    psi = np.zeros(2**n, complex)
    psi[int(initial, 2)] = 1
    for g in circuit:
        psi = embed(g.to_matrix(), g.qubits, n) @ psi
    return psi


def pauli_sum_matrix(terms, n: int) -> np.ndarray:
    """``sum_t c_t P_t`` for ``[(coeff, pauli, qubits), ...]`` as a 2^n matrix."""
    out = np.zeros((2**n, 2**n), complex)
    for coeff, pauli, qubits in terms:
        out += coeff * embed(pauli_matrix(pauli), qubits, n)
    return out


def shift_gradient(circuit, O: np.ndarray, initial: str) -> np.ndarray:
    """d<O>/dtheta by the exact parameter-shift rule on this reference."""
    theta = circuit.parameters
    grad = np.empty(theta.size)
    for k in range(theta.size):
        values = []
        for s in (np.pi / 2, -np.pi / 2):
            t = theta.copy()
            t[k] += s
            psi = statevector(circuit.bind(t), initial)
            values.append(np.vdot(psi, O @ psi).real)
        grad[k] = 0.5 * (values[0] - values[1])
    return grad
