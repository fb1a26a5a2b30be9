"""The MPS backend's bond record, truncation accounting and max_bond='auto'."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz


def _ghz_long_range(n):
    circ = tnbp.Circuit(n)
    circ.h(0)
    for k in range(n - 1, 0, -1):  # far qubits first: swaps through the whole chain
        circ.cnot(0, k)
    return circ


def test_ghz_with_long_range_gates():
    n = 30
    st = tnbp.simulate(_ghz_long_range(n))
    assert st.bond_dims == [2] * (n - 1)
    assert_allclose(tnbp.entropy_profile(st), np.ones(n - 1), atol=1e-12)
    assert_allclose(tnbp.expectation(st, "ZZ", (0, n - 1)), 1.0, atol=1e-12)
    assert_allclose(tnbp.expectation(st, "X" * n, tuple(range(n))), 1.0, atol=1e-12)
    assert_allclose(tnbp.subsystem_entropy(st, (3, 17, 29)), 1.0, atol=1e-12)
    assert st.discarded_weight < 1e-12 and st.trusted


def test_bond_history_per_layer():
    circ = ansatz.haar_brickwork(10, 5, seed=0)
    st = tnbp.simulate(circ)
    hist = st.record.history
    assert hist.shape == (circ.depth + 1, 9) == (6, 9)
    assert (hist[0] == 1).all()
    assert tuple(hist[-1]) == tuple(st.bond_dims)
    # after one brick layer the state is a product of entangled pairs
    assert list(hist[1]) == [2, 1] * 4 + [2]
    # a bond between k and n-k qubits never exceeds 2^min(k, n-k)
    assert (hist <= 2 ** np.minimum(np.arange(1, 10), np.arange(9, 0, -1))).all()
    assert st.max_bond_reached == hist.max()
    assert st.record.max_bond is None and st.record.num_truncations == 0


def test_max_bond_caps_every_bond():
    circ = ansatz.haar_brickwork(16, 12, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        st = tnbp.simulate(circ, max_bond=8)
    assert st.record.history.max() <= 8 and st.max_bond_reached == 8
    assert st.record.num_truncations > 0
    assert 0 < st.fidelity_estimate < 1


@pytest.mark.parametrize("seed", range(2))
def test_fidelity_estimate_tracks_true_fidelity(seed):
    circ = ansatz.haar_brickwork(14, 10, seed=seed)
    exact = tnbp.simulate(circ, backend="dense").statevector
    for chi in (8, 16, 32):
        st = tnbp.simulate(circ, max_bond=chi)
        approx = st.to_quimb().to_dense().ravel()
        f_true = abs(np.vdot(exact, approx)) ** 2
        assert abs(st.fidelity_estimate - f_true) <= 0.05 * (1 - f_true) + 1e-9
        # discarded weight: first-order equal to the infidelity, never below it
        assert st.discarded_weight >= 1 - st.fidelity_estimate - 1e-12


def test_estimates_use_normalized_state():
    """quimb leaves truncated states unnormalized; tnbp must not be biased by it."""
    circ = ansatz.haar_brickwork(12, 10, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        st = tnbp.simulate(circ, max_bond=8)
        assert st.fidelity_estimate < 0.9
        rho = st.reduced_density_matrix((0, 5, 11))
        assert_allclose(np.trace(rho), 1.0, atol=1e-12)
        assert_allclose(tnbp.expectation(st, "I", (4,)), 1.0, atol=1e-12)
        assert_allclose(np.sum(st.cut_spectrum(6)), 1.0, atol=1e-12)


def test_auto_converges_without_cap_for_low_entanglement():
    st = tnbp.simulate(_ghz_long_range(12), max_bond="auto")
    assert st.record.auto.status == "converged"
    assert st.record.auto.max_bonds == (16,)
    assert st.trusted


def test_auto_doubles_until_entropies_converge():
    circ = ansatz.haar_brickwork(12, 16, seed=4)
    st = tnbp.simulate(circ, max_bond="auto", auto_opts={"start": 4, "tol": 1e-6})
    auto = st.record.auto
    assert auto.status == "converged" and auto.max_bonds[0] == 4
    assert list(auto.max_bonds) == [4 * 2**k for k in range(len(auto.max_bonds))]
    exact = tnbp.simulate(circ, backend="dense")
    assert_allclose(tnbp.entropy_profile(st), tnbp.entropy_profile(exact), atol=1e-5)


def test_auto_reports_memory_cap():
    circ = ansatz.haar_brickwork(20, 20, seed=5)
    with pytest.warns(tnbp.TruncationWarning, match="memory cap"):
        st = tnbp.simulate(
            circ,
            max_bond="auto",
            auto_opts={"start": 4, "memory_cap": 2 * 20 * 16**2 * 16 - 1},
        )
    assert st.record.auto.status == "memory_cap"
    assert st.record.auto.max_bonds == (4, 8)
    assert "auto_not_converged" in st.caveats


def test_trust_policy_is_configurable():
    circ = ansatz.free_fermion_brickwork(16, 6, seed=2)
    neel = "01" * 8  # (|0...0> is the fermion vacuum: nothing would happen)
    with pytest.warns(tnbp.TruncationWarning):
        st = tnbp.simulate(circ, initial=neel, max_bond=4)
        tnbp.entropy(st, 8)
    assert st.caveats == ("bond_saturated", "truncated")
    # entropies of a chi = 4 state never reach log2(4) - 0; discarded weight < 10
    lax = tnbp.simulate(
        circ, initial=neel, max_bond=4, trust_opts={"margin": 0.0, "discard_tol": 10.0}
    )
    assert lax.caveats == () and lax.discarded_weight == st.discarded_weight
    strict = tnbp.simulate(
        circ, initial=neel, max_bond=64, trust_opts={"discard_tol": 0.0}
    )
    assert ("truncated" in strict.caveats) == (strict.discarded_weight > 0)
    with pytest.raises(ValueError, match="trust_opts"):
        tnbp.simulate(circ, trust_opts={"bogus": 1})


def test_to_quimb_round_trip():
    circ = ansatz.hardware_efficient(8, 2, seed=0)
    st = tnbp.simulate(circ)
    dense = tnbp.simulate(circ, backend="dense")
    assert abs(
        np.vdot(st.to_quimb().to_dense().ravel(), dense.statevector)
    ) == pytest.approx(1, abs=1e-12)


def test_progbar_shows_bonds_and_error_and_changes_nothing(capsys):
    circ = ansatz.haar_brickwork(6, 3, seed=0)
    st = tnbp.simulate(circ, progbar=True)
    err = capsys.readouterr().err
    assert "mps:" in err and "error=" in err
    # the description after each layer shows that layer's largest bond
    for row in st.record.history[1:]:
        assert f"max_bond={row.max()}" in err
    assert st.record.history[-1].max() == 8  # brickwork of 6 qubits, depth 3
    # the same run without the bar: the same gates in the same order, one
    # BLAS thread, so the records and amplitudes are bitwise equal
    quiet = tnbp.simulate(circ)
    assert capsys.readouterr().err == ""
    assert np.array_equal(quiet.record.history, st.record.history)
    assert quiet.discarded_weight == st.discarded_weight
    assert quiet.fidelity_estimate == st.fidelity_estimate
    assert np.array_equal(quiet.to_quimb().to_dense(), st.to_quimb().to_dense())
