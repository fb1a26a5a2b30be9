"""MPS entanglement at n >= 40 against exact free-fermion (Majorana covariance) results.

The reference (:mod:`tnbp.free_fermion`) is itself checked against the dense
backend at n = 8, with every matchgate rotation it supports.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, free_fermion

N, DEPTH = 40, 10
NEEL = "01" * (N // 2)


def _random_matchgate_circuit(n, gates, seed):
    rng = np.random.default_rng(seed)
    circ = tnbp.Circuit(n)
    for _ in range(gates):
        pauli = rng.choice(["Z", "XX", "YY", "XY", "YX"])
        theta = rng.uniform(0, 2 * np.pi)
        if pauli == "Z":
            circ.rz(theta, int(rng.integers(n)))
        else:
            i = int(rng.integers(n - 1))
            qubits = (i, i + 1) if rng.random() < 0.5 else (i + 1, i)
            circ.pauli_rotation(theta, pauli, qubits)
    return circ


@pytest.mark.parametrize("seed", range(3))
def test_reference_matches_dense(seed):
    n = 8
    circ = _random_matchgate_circuit(n, 60, seed)
    initial = "01101001"
    gamma = free_fermion.covariance_matrix(circ, initial)
    st = tnbp.simulate(circ, backend="dense", initial=initial)
    assert_allclose(
        free_fermion.entropy_profile(gamma), tnbp.entropy_profile(st), atol=1e-10
    )
    for start, stop in [(2, 5), (3, 4), (1, 7)]:
        block = tuple(range(start, stop))
        assert_allclose(
            free_fermion.block_entropy(gamma, start, stop),
            tnbp.subsystem_entropy(st, block),
            atol=1e-10,
        )
        assert_allclose(
            free_fermion.block_purity(gamma, start, stop),
            tnbp.purity(st, block),
            atol=1e-10,
        )
    for j in range(n):
        assert_allclose(
            free_fermion.z_expectation(gamma, j),
            tnbp.expectation(st, "Z", j),
            atol=1e-12,
        )
    for i, j in [(0, 1), (2, 6), (7, 3)]:
        assert_allclose(
            free_fermion.zz_expectation(gamma, i, j),
            tnbp.expectation(st, "ZZ", (i, j)),
            atol=1e-12,
        )


def test_reference_rejects_non_matchgates():
    circ = tnbp.Circuit(3)
    circ.pauli_rotation(0.3, "XX", (0, 2))
    with pytest.raises(ValueError, match="circuit"):
        free_fermion.covariance_matrix(circ)
    circ = tnbp.Circuit(3)
    circ.h(0)
    with pytest.raises(ValueError, match="circuit"):
        free_fermion.covariance_matrix(circ)


@pytest.fixture(scope="module")
def brickwork():
    circ = ansatz.free_fermion_brickwork(N, DEPTH, seed=5)
    return circ, free_fermion.covariance_matrix(circ, NEEL)


def test_every_cut_matches_exact_when_chi_suffices(brickwork):
    """cutoff 1e-16 keeps the total discarded weight ~1e-13: entropy error << 1e-8."""
    circ, gamma = brickwork
    st = tnbp.simulate(circ, initial=NEEL, cutoff=1e-16)
    assert st.trusted
    assert_allclose(
        tnbp.entropy_profile(st), free_fermion.entropy_profile(gamma), atol=1e-8
    )
    for k in (1, 3, 6):
        assert_allclose(
            tnbp.purity(st, range(k)), free_fermion.block_purity(gamma, 0, k), atol=1e-8
        )
    assert_allclose(
        tnbp.subsystem_entropy(st, range(10, 16)),
        free_fermion.block_entropy(gamma, 10, 16),
        atol=1e-8,
    )
    for i, j in [(0, 1), (19, 20), (5, 30)]:
        assert_allclose(
            tnbp.expectation(st, "ZZ", (i, j)),
            free_fermion.zz_expectation(gamma, i, j),
            atol=1e-8,
        )


def test_small_chi_is_flagged(brickwork):
    circ, gamma = brickwork
    st = tnbp.simulate(circ, initial=NEEL, max_bond=4)
    assert st.discarded_weight > 0
    assert st.fidelity_estimate < 1
    assert st.max_bond_reached == 4 and max(st.bond_dims) <= 4
    assert st.saturated and "bond_saturated" in st.caveats
    with pytest.warns(tnbp.TruncationWarning, match="raise max_bond"):
        profile = tnbp.entropy_profile(st)
    assert profile.max() <= 2 + 1e-12
    assert "bond_saturated" in profile.caveats and not profile.trusted
    # the exact entanglement is larger: the flag is warranted
    assert free_fermion.entropy_profile(gamma).max() > 2.5
    with pytest.warns(tnbp.TruncationWarning):
        s = tnbp.entropy(st, N // 2)
    assert s.caveats == st.caveats
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = tnbp.simulate(circ, initial=NEEL, cutoff=1e-12)
        tnbp.entropy(exact, N // 2)  # a trusted state does not warn
