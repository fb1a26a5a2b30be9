"""The purification engine (two-site updates of a purified MPS) against dense vectors.

References are dense: the purified MPS is contracted into one vector of
``4^n`` amplitudes (n <= 5), gates are applied with ``np.einsum`` on it, and
discarded weights come from an SVD of its matricization at the updated cut.

Tolerances: vectors of unit norm with O(1) entries, a handful of QR/SVD steps,
all backward stable: differences are a few ulps (~1e-15); ``atol=1e-12``.
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tnbp.states.gibbs.purification import Purification

ATOL = 1e-12  # see the module docstring


def dense(sites):
    psi = sites[0]
    for A in sites[1:]:
        psi = np.tensordot(psi, A, axes=1)
    return psi.reshape(-1)


def random_gate(rng, dim):
    """A generic (non-unitary) complex matrix."""
    return rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))


def apply_dense(psi, n, G, sites):
    """``G`` (``4^k x 4^k``) on the combined indices of ``sites``."""
    k = len(sites)
    T = psi.reshape((4,) * n)
    G = G.reshape((4,) * (2 * k))
    T = np.tensordot(G, T, axes=(list(range(k, 2 * k)), list(sites)))
    return np.moveaxis(T, list(range(k)), list(sites)).reshape(-1)


def entangled(n, seed, *, max_bond=None, cutoff=0.0):
    """A purification entangled by generic two-site gates (no truncation)."""
    rng = np.random.default_rng(seed)
    psi = Purification.infinite_temperature(n, max_bond=None, cutoff=0.0)
    for i in [0, 1, 2, 3, 2, 1, 0][: 2 * (n - 1) - 1]:
        psi.apply_two(random_gate(rng, 16).reshape(4, 4, 4, 4), i)
    psi.max_bond, psi.cutoff = max_bond, cutoff
    return psi


def test_infinite_temperature_is_the_maximally_mixed_state():
    n = 4
    psi = Purification.infinite_temperature(n, max_bond=None, cutoff=0.0)
    v = dense(psi.sites).reshape((2, 2) * n)
    # trace the ancillas (odd axes): rho = I / 2^n on the physical qubits
    rho = np.einsum(
        v,
        list(range(2 * n)),
        v.conj(),
        [2 * n + k if k % 2 == 0 else k for k in range(2 * n)],
    ).reshape(2**n, 2**n)
    assert_allclose(rho, np.eye(2**n) / 2**n, atol=ATOL)
    assert psi.bond_dims() == (1,) * (n - 1) and psi.log_norm2 == 0.0


@pytest.mark.parametrize("target", [0, 2, 4, 1])
def test_move_centre_keeps_the_state(target):
    n = 5
    psi = entangled(n, seed=1)
    before = dense(psi.sites)
    psi.move_centre(target)
    assert psi.centre == target
    assert_allclose(dense(psi.sites), before, atol=ATOL)
    for k, A in enumerate(psi.sites):
        if k < target:  # left-orthonormal
            M = A.reshape(-1, A.shape[2])
            assert_allclose(M.conj().T @ M, np.eye(A.shape[2]), atol=ATOL)
        elif k > target:  # right-orthonormal
            M = A.reshape(A.shape[0], -1)
            assert_allclose(M @ M.conj().T, np.eye(A.shape[0]), atol=ATOL)
    assert np.linalg.norm(dense(psi.sites)) == pytest.approx(1.0, abs=ATOL)


@pytest.mark.parametrize("i", [0, 2, 3])
def test_apply_two_equals_the_dense_product(i):
    n = 5
    psi = entangled(n, seed=2)
    psi.move_centre(4 if i < 2 else 0)  # the update must move the centre itself
    v = dense(psi.sites)
    log0 = psi.log_norm2
    G = random_gate(np.random.default_rng(3), 16)
    psi.apply_two(G.reshape(4, 4, 4, 4), i)
    w = apply_dense(v, n, G, (i, i + 1))
    norm2 = np.vdot(w, w).real
    # log_norm2 gains ln ||G psi||^2 (a sum of O(1) logs: 1e-12 absolute)
    assert psi.log_norm2 - log0 == pytest.approx(math.log(norm2), abs=1e-12)
    assert_allclose(dense(psi.sites), w / math.sqrt(norm2), atol=ATOL)
    assert psi.centre in (i, i + 1)
    assert psi.discarded == 0.0 and psi.num_truncations == 0


@pytest.mark.parametrize("max_bond", [2, 5])
def test_truncation_accounting_against_the_exact_discarded_weight(max_bond):
    n, i = 5, 2
    psi = entangled(n, seed=4, max_bond=max_bond)
    psi.move_centre(i)
    v = dense(psi.sites)
    G = random_gate(np.random.default_rng(5), 16)
    psi.apply_two(G.reshape(4, 4, 4, 4), i)
    w = apply_dense(v, n, G, (i, i + 1))
    w /= np.linalg.norm(w)
    s2 = np.linalg.svd(w.reshape(4 ** (i + 1), -1), compute_uv=False) ** 2
    eps = s2[max_bond:].sum()  # the exact weight beyond the max_bond largest
    assert eps > 1e-3  # the cap really cuts here
    assert psi.bond_dims()[i] == max_bond and psi.peak >= max_bond
    # the engine's SVD and the dense one agree to rounding: 1e-12 absolute
    assert psi.discarded == pytest.approx(eps, abs=1e-12)
    assert psi.fidelity == pytest.approx(1 - eps, abs=1e-12)
    assert psi.num_truncations == 1
    # the kept state is the normalized Schmidt truncation: overlap^2 = 1 - eps
    u = dense(psi.sites)
    assert np.linalg.norm(u) == pytest.approx(1.0, abs=ATOL)
    assert abs(np.vdot(w, u)) ** 2 == pytest.approx(1 - eps, abs=1e-12)


def test_cutoff_drops_the_smallest_tail():
    """rsum2: the kept count is the number of tails above ``cutoff`` x total."""
    n, i = 5, 1
    psi = entangled(n, seed=6)
    psi.move_centre(i)
    v = dense(psi.sites)
    G = random_gate(np.random.default_rng(7), 16)
    w = apply_dense(v, n, G, (i, i + 1))
    s2 = np.linalg.svd(w.reshape(4 ** (i + 1), -1), compute_uv=False) ** 2
    s2 = s2[s2 > 1e-20 * s2[0]]  # the nonzero spectrum (at most 16 values)
    tails = np.cumsum(s2[::-1])[::-1] / s2.sum()  # tails[k] = weight of s2[k:]
    cutoff = float(np.sqrt(tails[-1] * tails[-2]))  # between the last two tails
    psi.cutoff = cutoff
    psi.apply_two(G.reshape(4, 4, 4, 4), i)
    assert psi.bond_dims()[i] == s2.size - 1
    # a weight of ~4e-3 from two backward-stable SVDs: 1e-10 relative is ample
    assert psi.discarded == pytest.approx(tails[-1], rel=1e-10)


def test_apply_one_and_log_norm_bookkeeping():
    """ln Z bookkeeping: log_norm2 sums ln ||.||^2 over every renormalization."""
    n = 4
    rng = np.random.default_rng(8)
    psi = Purification.infinite_temperature(n, max_bond=None, cutoff=0.0)
    v = dense(psi.sites)
    for kind, where in [("two", 0), ("one", 3), ("two", 2), ("one", 0), ("two", 1)]:
        if kind == "two":
            G = random_gate(rng, 16)
            psi.apply_two(G.reshape(4, 4, 4, 4), where)
            v = apply_dense(v, n, G, (where, where + 1))
        else:
            G = random_gate(rng, 4)
            psi.apply_one(G, where)
            v = apply_dense(v, n, G, (where,))
    # the unnormalized dense vector carries the whole product of norms
    assert psi.log_norm2 == pytest.approx(math.log(np.vdot(v, v).real), abs=1e-12)
    assert_allclose(dense(psi.sites), v / np.linalg.norm(v), atol=ATOL)


def test_every_dropped_singular_value_counts():
    """A cutoff far below the old noise floor (1e-13) still counts as a truncation:
    the discarded weight is summed from the dropped singular values themselves."""
    n, i = 4, 1
    psi = Purification.infinite_temperature(n, max_bond=None, cutoff=1e-12)
    G = np.eye(16) + 1e-8 * random_gate(np.random.default_rng(7), 16)
    psi.apply_two(G.reshape(4, 4, 4, 4), i)  # Schmidt values 1 and ~1e-8
    assert 0 < psi.discarded < 1e-13
    assert psi.num_truncations == 1 and psi.layer_weight == psi.discarded


def test_a_layer_removes_orthogonal_parts():
    """Truncations of one layer of disjoint gates applied left to right: the kept
    state has overlap^2 = prod (1 - eps_t) with the exact one (nested orthogonal
    projections, each commuting with the later gates), so it is at distance
    sqrt(1 - F) <= sqrt(sum eps_t), the amplitude close_layer adds. Unitary
    gates, so that the later gates keep each removed part's weight (imaginary-
    time gates change it at first order in their step); weights ~1e-2: the
    identities hold to rounding (1e-12)."""
    n = 6
    psi = entangled(n, seed=9, max_bond=3)
    rng = np.random.default_rng(10)
    v = dense(psi.sites)
    weights = []
    for i in (0, 2, 4):
        G = np.linalg.qr(random_gate(rng, 16))[0]
        before = psi.discarded
        psi.apply_two(G.reshape(4, 4, 4, 4), i)
        weights.append(psi.discarded - before)
        v = apply_dense(v, n, G, (i, i + 1))
    assert min(weights) > 1e-3  # every bond of the layer really truncates
    v /= np.linalg.norm(v)
    fidelity = abs(np.vdot(v, dense(psi.sites))) ** 2
    assert fidelity == pytest.approx(np.prod([1 - e for e in weights]), abs=1e-12)
    psi.close_layer()
    assert psi.layer_weight == 0.0
    assert psi.discarded_amplitude == pytest.approx(math.sqrt(sum(weights)), rel=1e-12)
    assert math.sqrt(1 - fidelity) <= psi.discarded_amplitude


def test_layers_add_up_to_the_amplitude_bound():
    """Several layers of random unitaries (unitary: the triangle inequality is then
    exact): the truncated state stays within sum_l sqrt(eps_l) of the exact one."""
    n = 6
    psi = entangled(n, seed=11, max_bond=4)
    rng = np.random.default_rng(12)
    v = dense(psi.sites)
    for layer in [(0, 2, 4), (1, 3), (0, 2, 4), (1, 3)]:
        for i in layer:
            U = np.linalg.qr(random_gate(rng, 16))[0]
            psi.apply_two(U.reshape(4, 4, 4, 4), i)
            v = apply_dense(v, n, U, (i, i + 1))
        psi.close_layer()
    u = dense(psi.sites)
    v /= np.linalg.norm(v)
    overlap = np.vdot(v, u)
    distance = np.linalg.norm(u - overlap / abs(overlap) * v)  # best global phase
    assert psi.discarded > 1e-3
    assert distance <= psi.discarded_amplitude
    assert distance >= math.sqrt(psi.discarded) / 2  # the bound is not vacuous
