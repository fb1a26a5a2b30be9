"""The compiled statevector kernels (tnbp.states.dense_kernels) against numpy.tensordot.

Every kernel is checked on random normalized batches at every qubit (or
ordered qubit pair) of registers up to n = 10, so that each loop form is
exercised: strides 1, 2 and 4 (unit-step and index loops) and strides of 8 and
more (contiguous runs). The reference is :func:`tnbp.states.dense.apply_matrix`
(``numpy.tensordot``), which shares no code with the kernels; both are exact up
to rounding of a few operations per amplitude, hence the 1e-12 tolerances.
"""

import itertools

import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

from tnbp import Circuit
from tnbp.models.paulis import pauli_matrix
from tnbp.states import dense
from tnbp.states import dense_kernels as K

B = 3  # samples per batch: per-sample matrices must not leak between rows


def _states(n, seed):
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=(B, 2**n)) + 1j * rng.normal(size=(B, 2**n))
    return psi / np.linalg.norm(psi, axis=1, keepdims=True)


def _reference(psi, U, qubits):
    """``U[b]`` on ``qubits`` of each row of ``psi`` by tensordot."""
    n = int(np.log2(psi.shape[1]))
    return np.stack(
        [
            dense.apply_matrix(p.reshape((2,) * n), u, qubits).reshape(-1)
            for p, u in zip(psi, U)
        ]
    )


def _joined(re, im):
    return re + 1j * im


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
def test_one_qubit_kernels_match_tensordot(n):
    psi, lam = _states(n, 0), _states(n, 1)
    for q in range(n):
        U = unitary_group.rvs(2, size=B, random_state=q)
        u, s = K.pack(U), K.stride(n, q)
        re, im = K.split(psi)
        K.apply_1q(re, im, u, s)
        assert_allclose(_joined(re, im), _reference(psi, U, (q,)), atol=1e-12)
        re, im = K.split(psi)
        lre, lim = K.split(lam)
        d = np.zeros((B, 4))
        K.overlap_apply_1q(re, im, lre, lim, u, s, d)
        # D[b, i, j] = <lam_i|psi_j>: the two states with qubit q moved first
        rows = [
            np.moveaxis(x.reshape((B,) + (2,) * n), 1 + q, 1).reshape(B, 2, -1)
            for x in (lam, psi)
        ]
        D = np.einsum("bik,bjk->bij", rows[0].conj(), rows[1])
        want = [D[:, 0, 0].imag, D[:, 1, 1].imag]
        want += [(D[:, 0, 1] + D[:, 1, 0]).imag, (D[:, 0, 1] - D[:, 1, 0]).real]
        assert_allclose(d, np.stack(want, axis=1), atol=1e-12)
        assert_allclose(_joined(re, im), _reference(psi, U, (q,)), atol=1e-12)
        assert_allclose(_joined(lre, lim), _reference(lam, U, (q,)), atol=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_two_qubit_kernels_match_tensordot(n):
    psi = _states(n, 2)
    rng = np.random.default_rng(3)
    for a, b in itertools.permutations(range(n), 2):
        strides = K.stride(n, a), K.stride(n, b)
        U = unitary_group.rvs(4, size=B, random_state=rng)
        re, im = K.split(psi)
        K.apply_2q(re, im, K.pack(U), *strides)
        assert_allclose(_joined(re, im), _reference(psi, U, (a, b)), atol=1e-12)
        # diagonals: a unit first phase (skipped), random phases, and a CZ
        phases = np.exp(1j * rng.uniform(0, 2 * np.pi, size=(B, 4)))
        phases[:, 0] = 1.0
        phases[0] = [1, 1, 1, -1]
        re, im = K.split(psi)
        K.phase_2q(re, im, K.pack(phases), *strides)
        diag = np.stack([np.diag(p) for p in phases])
        assert_allclose(_joined(re, im), _reference(psi, diag, (a, b)), atol=1e-12)


@pytest.mark.parametrize("n", [2, 5, 10])
def test_pauli_overlap_matches_tensordot(n):
    psi, lam = _states(n, 4), _states(n, 5)
    for pauli in map("".join, itertools.product("IXYZ", repeat=2)):
        pairs = [(0, n - 1), (n - 1, n // 2), (n - 2, n - 1)]
        for a, b in [(a, b) for a, b in pairs if a != b]:
            sa, sb = K.stride(n, a), K.stride(n, b)
            x = sa * (pauli[0] in "XY") + sb * (pauli[1] in "XY")
            z = sa * (pauli[0] in "ZY") + sb * (pauli[1] in "ZY")
            out = np.zeros((B, 2))
            K.pauli_overlap(*K.split(lam), *K.split(psi), x, z, out)
            got = 1j ** pauli.count("Y") * out.view(complex)[:, 0]
            P = np.broadcast_to(pauli_matrix(pauli), (B, 4, 4))
            ref = np.einsum("bi,bi->b", lam.conj(), _reference(psi, P, (a, b)))
            assert_allclose(got, ref, atol=1e-12)


def test_multiply_by_a_shared_diagonal():
    n = 6
    psi = _states(n, 6)
    v = np.exp(1j * np.random.default_rng(7).uniform(0, 2 * np.pi, 2**n))
    re, im = K.split(psi)
    K.multiply(re, im, v.real.copy(), v.imag.copy())
    assert_allclose(_joined(re, im), psi * v, atol=1e-15)  # one product each


def _every_gate_kind(n: int, seed: int) -> Circuit:
    """Runs of one-qubit gates before diagonal, general and reversed two-qubit gates."""
    rng = np.random.default_rng(seed)
    c = Circuit(n)
    for q in range(n):
        c.rx(rng.uniform(0, 2 * np.pi), q)
        c.h(q)
        c.rz(rng.uniform(0, 2 * np.pi), q)
    for q in range(n - 1):
        c.cz(q, q + 1)
    c.apply(np.diag(np.exp(1j * rng.uniform(0, 2 * np.pi, 4))), n - 1, 0)
    c.ry(rng.uniform(0, 2 * np.pi), 1)
    c.apply(unitary_group.rvs(4, random_state=rng), n - 1, 1)  # pending 1 folded in
    c.pauli_rotation(rng.uniform(0, 2 * np.pi), "XY", (0, n - 1))
    c.pauli_rotation(rng.uniform(0, 2 * np.pi), "ZZ", (n - 2, 1))
    c.cnot(n - 1, 0)
    c.swap(0, n // 2)
    c.ry(rng.uniform(0, 2 * np.pi), n - 1)  # left pending at the end
    return c


@pytest.mark.parametrize("n", [4, 7, 10])
@pytest.mark.parametrize("build", ["every_gate_kind", *ANSATZ_BUILDERS])
def test_simulate_dense_kernels_match_tensordot(build, n):
    c = (
        _every_gate_kind(n, n)
        if build == "every_gate_kind"
        else ANSATZ_BUILDERS[build](n, n)
    )
    initial = "".join("01"[q % 3 == 1] for q in range(n))
    ref = dense.basis_state(initial)
    for g in c:
        ref = dense.apply_matrix(ref, g.to_matrix(), g.qubits)
    assert n >= dense.KERNEL_MIN_QUBITS  # simulate_dense takes the kernels
    got = dense.simulate_dense(c, initial=initial).statevector
    assert_allclose(got, ref.reshape(-1), atol=1e-12)
