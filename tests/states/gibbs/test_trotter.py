r"""Trotter layouts of the purified Gibbs state against the formulas in their docstrings.

Suzuki's weights, the lifted gates (physical index only, ancilla untouched), the
splitting of ``H`` into pair and lone terms, the Strang-symmetric layer sequence
and the swap network (every pair meets once per sweep, the order is restored).

Tolerances: products of a few 16x16 matrices and scipy's expm of matrices of
norm ~1, all backward stable: a few ulps, so ``atol=1e-12``; the weights are
closed forms evaluated in double precision (``atol=1e-15``).
"""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.linalg import expm
from tqdm.auto import tqdm

from tnbp.models.hamiltonian import PauliSum
from tnbp.states.gibbs.purification import Purification
from tnbp.states.gibbs.trotter import (
    SUZUKI_P,
    _layer_sequence,
    _weights,
    evolve_layers,
    evolve_swap_network,
    layer_sizes,
    lift_one,
    lift_two,
    split_terms,
)

ATOL = 1e-12  # see the module docstring


def _random_hermitian(rng, dim, *, real=False):
    A = rng.normal(size=(dim, dim))
    if not real:
        A = A + 1j * rng.normal(size=(dim, dim))
    return (A + A.conj().T) / 2


def _dense(sites):
    psi = sites[0]
    for A in sites[1:]:
        psi = np.tensordot(psi, A, axes=1)
    return psi.reshape(-1)


def test_suzuki_weights_cancel_the_third_order():
    p = SUZUKI_P
    assert p == pytest.approx(1 / (4 - 4 ** (1 / 3)), abs=1e-15)
    assert _weights(2) == [1.0]
    w = np.array(_weights(4))
    assert_allclose(w, [p, p, 1 - 4 * p, p, p], atol=1e-15)
    assert w.sum() == pytest.approx(1.0, abs=1e-15)  # first order: the total step
    assert (w**3).sum() == pytest.approx(0.0, abs=1e-15)  # third order cancels
    assert (w == w[::-1]).all()  # symmetric, so even orders vanish too


def test_lift_one_acts_on_the_physical_index():
    rng = np.random.default_rng(0)
    h, tau = _random_hermitian(rng, 2), 0.37
    v = rng.normal(size=4) + 1j * rng.normal(size=4)  # index 2 p + a
    out = (lift_one(h, tau) @ v).reshape(2, 2)
    assert_allclose(out, expm(-tau * h) @ v.reshape(2, 2), atol=ATOL)


@pytest.mark.parametrize("swap", [False, True])
def test_lift_two_acts_on_the_physical_indices(swap):
    rng = np.random.default_rng(1)
    h, tau = _random_hermitian(rng, 4), 0.29
    G = lift_two(h, tau, swap=swap)
    assert G.shape == (4, 4, 4, 4)
    v = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))  # [site i, site j]
    out = np.einsum("ABab,ab->AB", G, v).reshape(2, 2, 2, 2)  # [p_i, a_i, p_j, a_j]
    E = expm(-tau * h).reshape(2, 2, 2, 2)  # [p_i, p_j, p_i', p_j']
    ref = np.einsum("PQpq,paqb->PaQb", E, v.reshape(2, 2, 2, 2))
    if swap:  # then the two whole sites (qubit and ancilla) trade places
        ref = ref.transpose(2, 3, 0, 1)
    assert_allclose(out, ref, atol=ATOL)


def _embed(h, qubits, n):
    """``h`` on ``qubits`` (increasing) as a 2^n matrix, qubit 0 leftmost."""
    k = len(qubits)
    rest = [q for q in range(n) if q not in qubits]
    full = np.kron(h, np.eye(2 ** (n - k))).reshape((2,) * (2 * n))
    inv = np.argsort(list(qubits) + rest)
    return full.transpose(list(inv) + [n + i for i in inv]).reshape(2**n, 2**n)


@pytest.mark.parametrize("imaginary", [False, True])
def test_split_terms_folds_onsite_terms_into_pairs(imaginary):
    """sum of the pair and lone Hamiltonians is H; qubit 4 is in no pair."""
    n = 5
    H = PauliSum(n).add(0.7, "I", 0)  # the constant is left out
    H.add(1.0, "XX", (0, 1)).add(-0.4, "ZZ", (1, 2)).add(0.3, "XZ", (0, 3))
    for q in range(n):
        H.add(0.1 * (q + 1), "Z", q).add(-0.2, "X", q)
    if imaginary:
        H.add(0.5, "Y", 4).add(0.25, "XY", (1, 2))
    pairs, lone = split_terms(H)
    assert sorted(pairs) == [(0, 1), (0, 3), (1, 2)] and sorted(lone) == [4]
    total = sum(_embed(h, q, n) for q, h in pairs.items())
    total = total + sum(_embed(h, (q,), n) for q, h in lone.items())
    assert_allclose(total, H.to_dense() - 0.7 * np.eye(2**n), atol=ATOL)
    dtype = complex if imaginary else float
    assert all(h.dtype == dtype for h in [*pairs.values(), *lone.values()])


def test_layer_sequence_is_strang_symmetric():
    d = 0.1
    seq = _layer_sequence(2, 3, d, 2)  # L1(d/2) L2(d) L1(d/2), half-steps merged
    assert [k for k, _ in seq] == [0, 1, 0, 1, 0, 1, 0]
    assert_allclose([t for _, t in seq], [d / 2, d, d, d, d, d, d / 2], atol=1e-15)
    for layers, steps in [(1, 4), (3, 2)]:
        seq = _layer_sequence(layers, steps, d, 4)
        assert seq == seq[::-1]  # a symmetric product
        assert all(a[0] != b[0] for a, b in zip(seq, seq[1:]))  # merged
        for k in range(layers):  # every layer evolves for steps * d in total
            total = sum(t for j, t in seq if j == k)
            assert total == pytest.approx(steps * d, abs=1e-14)


@pytest.mark.parametrize("n", [4, 5])
def test_swap_network_meets_every_pair_once_and_restores_the_order(n):
    """One pair Hamiltonian at a time: one symmetric step is exactly exp(-delta h).

    Were a pair met twice (or never) per sweep, or the order not restored, the
    state would differ from ``exp(-delta h_ab)`` on qubits ``a, b`` of the
    infinite-temperature purification.
    """
    rng = np.random.default_rng(n)
    delta = 0.3
    v0 = _dense(Purification.infinite_temperature(n, max_bond=None, cutoff=0).sites)
    for a, b in itertools.combinations(range(n), 2):
        h = _random_hermitian(rng, 4, real=True)  # not symmetric under a <-> b
        psi = Purification.infinite_temperature(n, max_bond=None, cutoff=0.0)
        with tqdm(disable=True) as bar:
            history = evolve_swap_network(
                psi, {(a, b): h}, steps=1, delta=delta, order=2, bar=bar
            )
        assert len(history) == 2 * n  # n rounds forwards, n backwards
        E = expm(-delta * h).reshape(2, 2, 2, 2)
        T = v0.reshape((2, 2) * n)  # [p0, a0, p1, a1, ...]
        T = np.tensordot(E, T, axes=([2, 3], [2 * a, 2 * b]))
        ref = np.moveaxis(T, [0, 1], [2 * a, 2 * b]).reshape(-1)
        ref /= np.linalg.norm(ref)
        assert_allclose(_dense(psi.sites), ref, atol=ATOL)


class _Counting(Purification):
    """A purification that records how many two-site updates each layer made."""

    def apply_two(self, G, i):
        self.calls = getattr(self, "calls", 0) + 1
        super().apply_two(G, i)

    def close_layer(self):
        self.sizes = [*getattr(self, "sizes", []), getattr(self, "calls", 0)]
        self.calls = 0
        super().close_layer()


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("pairs", [[(2, 3), (0, 1), (1, 2), (3, 4)], [(0, 3), (1, 2)]])
def test_layer_sizes_count_the_updates_of_every_layer(pairs, order):
    """layer_sizes (the default cutoff's denominator) predicts, layer by layer,
    the updates evolve_layers (nearest neighbours, colouring sorted left to
    right) or evolve_swap_network (distant pairs) makes."""
    n, steps = 5, 3
    h = {q: np.diag([1.0, -1.0, -1.0, 1.0]) for q in pairs}
    psi = _Counting.infinite_temperature(n, max_bond=None, cutoff=0.0)
    nearest = all(j == i + 1 for i, j in pairs)
    evolve = evolve_layers if nearest else evolve_swap_network
    with tqdm(disable=True) as bar:
        evolve(psi, h, steps=steps, delta=0.1, order=order, bar=bar)
    assert psi.sizes == layer_sizes(n, h, steps=steps, order=order)
    assert layer_sizes(n, h, steps=0, order=order) == []
