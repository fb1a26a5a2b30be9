"""Perceptron matrices, Pauli generators and the update of eq. (13) of arXiv:2005.12458."""

import numpy as np
import pytest
import scipy.linalg
from numpy.testing import assert_allclose

import tnbp
from tnbp.limits import MAX_PERCEPTRON_MATRIX_QUBITS
from tnbp.models.dqnn_matrices import check_generators, check_unitaries
from tnbp.models.paulis import pauli_matrix


def _custom(l, j, inputs, outputs):
    """Random two-qubit gates and rotations on a perceptron's qubits."""
    rng = np.random.default_rng(10 * l + j)
    c = tnbp.Circuit(1 + max(*inputs, *outputs))
    qs = (*inputs, *outputs)
    for _ in range(4):
        a, b = rng.choice(len(qs), size=2, replace=False)
        q, r = np.linalg.qr(rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)))
        c.apply(q * (np.diag(r) / abs(np.diag(r))), qs[a], qs[b])
        c.pauli_rotation(rng.uniform(0, 6), "XY", (qs[a], qs[b]))
    return c


@pytest.mark.parametrize("kind", ["toy", "local", "global", "custom"])
def test_perceptron_matrices_reproduce_the_circuit(kind):
    """Applying the matrices on their qubits gives the network's statevector."""
    widths = {"toy": (3, 3), "local": (3, 3, 3), "global": (2, 3, 2)}.get(
        kind, (2, 2, 1)
    )
    net = tnbp.DQNN(widths, _custom if kind == "custom" else kind, seed=3)
    mats = tnbp.perceptron_unitaries(net)
    assert len(mats) == len(net.perceptrons)
    psi = np.zeros((2,) * net.n, dtype=complex)
    psi[(0,) * net.n] = 1
    for V, p in zip(mats, net.perceptrons):
        qs = tnbp.perceptron_qubits(p)
        assert_allclose(V.conj().T @ V, np.eye(2 ** len(qs)), atol=1e-12)
        psi = np.moveaxis(
            np.tensordot(
                V.reshape((2,) * 2 * len(qs)), psi, (range(len(qs), 2 * len(qs)), qs)
            ),
            range(len(qs)),
            qs,
        )
    ref = tnbp.simulate(net.circuit, backend="dense").statevector
    # both are products of the same few hundred gates in double precision
    assert_allclose(psi.reshape(-1), ref, atol=1e-12)


def test_pauli_generator_is_the_sum_of_hermitian_strings():
    rng = np.random.default_rng(0)
    h = rng.normal(size=16)
    letters = [a + b for a in "IXYZ" for b in "IXYZ"]
    ref = sum(c * pauli_matrix(p) for c, p in zip(h, letters))
    H = tnbp.pauli_generator(h, 2)
    assert_allclose(H, ref, atol=1e-14)  # the same sum, in another order
    # Tr H^2 = 2^m sum h^2: the strings are orthogonal
    assert np.trace(H @ H).real == pytest.approx(4 * np.sum(h**2), rel=1e-12)
    # X^u Z^v is the Hermitian string up to (-i)^(u.v): XZ = -iY
    assert_allclose(pauli_matrix("X") @ pauli_matrix("Z"), -1j * pauli_matrix("Y"))


def test_random_generators_sit_at_the_norm_bound():
    net = tnbp.DQNN((2, 2), "global", seed=0)
    gens = tnbp.random_generators(net, seed=1)
    for H, p in zip(gens, net.perceptrons):
        d = 2 ** len(tnbp.perceptron_qubits(p))
        assert_allclose(H, H.conj().T, atol=0)
        assert np.trace(H @ H).real == pytest.approx(d, rel=1e-12)
    again = tnbp.random_generators(net, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(gens, again))
    check_generators(gens, net)  # at the bound is allowed


def test_update_matches_expm():
    net = tnbp.DQNN((2, 2), "global", seed=0)
    mats = tnbp.perceptron_unitaries(net)
    gens = tnbp.random_generators(net, seed=2)
    for eps in (0.0, 0.3, -1.7):
        new = tnbp.update_unitaries(mats, gens, eps)
        for U, V, H in zip(new, mats, gens):
            # eigh vs Pade: both accurate to ~1e-14 on 8x8 matrices of norm ~3
            assert_allclose(U, scipy.linalg.expm(1j * eps * H) @ V, atol=1e-12)


_H = np.diag([1.0, -1.0])  # Hermitian, Tr H^2 = 2


@pytest.mark.parametrize(
    "unitaries, generators, error, match",
    [
        # eigh reads one triangle: a non-Hermitian H gave a wrong matrix
        (
            [np.eye(2)],
            [np.array([[0, 1], [0, 0]])],
            ValueError,
            r"`generators\[0\]`.*Herm",
        ),
        ([2 * np.eye(2)], [_H], ValueError, r"`unitaries\[0\]` is not unitary"),
        ([np.full((2, 2), np.nan)], [_H], ValueError, r"`unitaries\[0\]` has non-fin"),
        (
            [np.eye(2)],
            [np.full((2, 2), np.nan)],
            ValueError,
            r"`generators\[0\]`.*finite",
        ),
        (None, [_H], TypeError, "`unitaries` must be a sequence"),
        ([np.eye(2)], None, TypeError, "`generators` must be a sequence"),
        ([None], [_H], TypeError, r"`unitaries\[0\]` must be a numeric"),
        ([np.eye(2)], [None], TypeError, r"`generators\[0\]` must be a numeric"),
        ([np.eye(3)], [np.eye(3)], ValueError, r"`unitaries\[0\]` must be a \(2\^m"),
        ([np.eye(2)], [np.eye(4)], ValueError, r"`generators\[0\]` must have shape"),
        (
            [np.eye(2)],
            [_H, _H],
            ValueError,
            "`generators` must hold one generator per unitary",
        ),
        # round 2: huge entries overflowed the norms (inf > rtol * inf is False),
        # and a tiny anti-Hermitian H passed an absolute floor
        (
            [np.eye(2)],
            [np.array([[0, 1e155], [0, 0]])],
            ValueError,
            r"`generators\[0\]`.*Herm",
        ),
        ([np.eye(2)], [1e-11j * np.eye(2)], ValueError, r"`generators\[0\]`.*Herm"),
    ],
)
def test_update_unitaries_validates_its_matrices(unitaries, generators, error, match):
    with pytest.raises(error, match=match):
        tnbp.update_unitaries(unitaries, generators, 0.1)


def test_bad_generators_and_unitaries_name_the_argument():
    net = tnbp.DQNN((2, 2), "global", seed=0)  # two perceptrons on 3 qubits
    good = tnbp.random_generators(net, seed=0)
    with pytest.raises(ValueError, match=r"`generators` must hold one generator per"):
        check_generators(good[:1], net)
    with pytest.raises(ValueError, match=r"`generators\[1\]`.*shape \(8, 8\)"):
        check_generators([good[0], np.eye(4)], net)
    with pytest.raises(ValueError, match=r"`generators\[0\]`.*Hermitian"):
        check_generators([good[0] + 0.1j * np.triu(np.ones((8, 8)), 1), good[1]], net)
    with pytest.raises(
        ValueError, match=r"`generators\[0\]`.*norm bound of eq. \(13\)"
    ):
        check_generators([1.01 * good[0], good[1]], net)
    with pytest.raises(TypeError, match="`generators` must be a sequence"):
        check_generators(np.stack(good), net)
    with pytest.raises(ValueError, match=r"`unitaries\[0\]` is not unitary"):
        check_unitaries([2 * np.eye(8), np.eye(8)], net)
    with pytest.raises(ValueError, match="`coefficients` must have shape"):
        tnbp.pauli_generator(np.zeros(15), 2)
    with pytest.raises(TypeError, match="`coefficients` must be real"):
        tnbp.pauli_generator(np.zeros(16, dtype=complex), 2)
    with pytest.raises(ValueError, match="`num_qubits` must be <= MAX_PERCEPTRON"):
        tnbp.pauli_generator(np.zeros(4), MAX_PERCEPTRON_MATRIX_QUBITS + 1)
    with pytest.raises(TypeError, match="`net` must be a tnbp.DQNN"):
        tnbp.perceptron_unitaries(net.circuit)
    wide = tnbp.DQNN(
        (MAX_PERCEPTRON_MATRIX_QUBITS, 1), "global", perceptron_opts={"layers": 1}
    )
    with pytest.raises(ValueError, match="`net` has a perceptron on 11 qubits"):
        tnbp.perceptron_unitaries(wide)
