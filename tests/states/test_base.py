"""The State interface's trust layer on a handcrafted state with a known record.

``Handmade`` fixes every cut's spectrum and the bond record, so each caveat
follows from the rules in :class:`tnbp.states.base.State` by hand:
n = 10, max_bond = 4, which is below the largest rank 2^min(k, n-k) only at
cuts 3..7, and entropies

    cut      1    2    3    4     5      6       7    8    9
    bond     2    4    4    4     4      3       4    4    2
    S (bits) 1    2    2    1.5   0.81   1.58    1    2    1

With the default margin of 1 bit a cut is saturated when its bond is at the
cap and S >= log2(4) - 1 = 1: cuts 3, 4 and 7. Cut 5 has too little entropy,
cut 6 a bond below the cap, and cuts 2 and 8 sit at the cap with S = 2 but
cannot hold more than rank 4 anyway.
"""

import numpy as np
import pytest

from tnbp.models.paulis import PAULI_MATRICES
from tnbp.states.base import State, check_rdm_size
from tnbp.states.record import AutoReport, BondRecord, TrustPolicy


def spectrum_with_entropy(bits):
    """Probabilities of the stated entropy (bits), built from known closed forms."""
    table = {
        H2_QUARTER: [0.75, 0.25],
        1.0: [0.5, 0.5],
        1.5: [0.5, 0.25, 0.25],
        2.0: [0.25] * 4,
        np.log2(3): [1 / 3] * 3,
    }
    return np.array(table[bits])


H2_QUARTER = 2 - 0.75 * np.log2(3)  # binary entropy of 1/4: 0.811 bits
ENTROPIES = [1.0, 2.0, 2.0, 1.5, H2_QUARTER, np.log2(3), 1.0, 2.0, 1.0]
BONDS = (2, 4, 4, 4, 4, 3, 4, 4, 2)


class Handmade(State):
    """A state that only knows its spectra and its record."""

    def __init__(self, record, spectra=ENTROPIES):
        super().__init__(len(spectra) + 1)
        self._rec = record
        self._spectra = [spectrum_with_entropy(s) for s in spectra]
        self.seen_ops = None

    @property
    def record(self):
        return self._rec

    def cut_spectrum(self, cut):
        return self._spectra[cut - 1]

    def reduced_density_matrix(self, qubits):
        return np.diag(np.arange(1.0, 2 ** len(qubits) + 1)) / (2 ** len(qubits) * 2)

    def expectation_product(self, ops):
        self.seen_ops = ops
        return 0.25 + 0.5j


def record(**kw):
    base = dict(
        bond_dims=BONDS,
        history=np.array([BONDS]),
        max_bond_reached=4,
        discarded_weight=0.04,
        fidelity_estimate=0.9608,
        num_truncations=3,
        distance_bound=0.3,  # sum of sqrt(eps_t) >= sqrt(sum eps_t) = 0.2
        max_bond=4,
    )
    return BondRecord(**{**base, **kw})


def test_spectra_have_the_stated_entropies():
    """The fixture itself: each spectrum's entropy is what the table says."""
    for bits in ENTROPIES:
        p = spectrum_with_entropy(bits)
        assert -np.sum(p * np.log2(p)) == pytest.approx(bits, abs=1e-12)


def test_saturated_cuts_and_caveats():
    st = Handmade(record())
    assert st.saturated_cuts == (3, 4, 7)
    assert st.saturated and not st.trusted
    assert st.caveats == ("bond_saturated", "truncated")
    # the record's bound sum_t sqrt(eps_t) on the trace distance
    assert st.truncation_distance == 0.3
    assert st.bond_dims == list(BONDS) and st.max_bond_reached == 4
    assert st.discarded_weight == 0.04 and st.fidelity_estimate == 0.9608


def test_margin_and_discard_tolerance_move_the_caveats():
    st = Handmade(record())
    st.trust = TrustPolicy(margin=0.5, discard_tol=0.05)
    # S >= 2 - 0.5 = 1.5: cuts 3 and 4 only; 0.04 < 0.05 is no longer "truncated"
    assert st.saturated_cuts == (3, 4)
    assert st.caveats == ("bond_saturated",)


def test_no_truncation_means_no_caveat():
    st = Handmade(record(num_truncations=0, discarded_weight=1e-15, distance_bound=0.0))
    assert st.saturated_cuts == () and st.caveats == () and st.trusted
    assert st.truncation_distance == 0.0  # rounding-level losses are not distance
    uncapped = Handmade(record(max_bond=None))
    assert uncapped.saturated_cuts == ()
    assert uncapped.caveats == ("truncated",)


def test_truncation_distance_is_the_records_bound_at_most_one():
    assert Handmade(record(distance_bound=0.25)).truncation_distance == 0.25
    assert Handmade(record(distance_bound=3.0)).truncation_distance == 1.0  # capped


def test_caveat_message_explains_every_caveat():
    auto = AutoReport("memory_cap", (2, 4), 0.25, 1e-3)
    st = Handmade(record(auto=auto))
    assert st.caveats == ("bond_saturated", "truncated", "auto_not_converged")
    msg = st.caveat_message()
    assert "max_bond=4 on cut(s) 3, 4, 7 (" in msg
    assert "log2(max_bond)=2.00" in msg
    # the weight is a sum over truncations (3 here), which bounds 1 - F
    # (1 - 0.9608 = 0.0392 <= 0.04); the error bars use T = sum sqrt(eps_t) = 0.3
    assert (
        "total discarded weight 0.04 > 1e-08 (a sum over the run's truncations" in msg
    )
    assert "3 above rounding level" in msg and "so it can exceed 1" in msg
    assert "bounds the estimated infidelity 1 - F = 0.0392" in msg
    assert "fidelity estimate 0.960800" in msg
    assert "trace-distance bound min(1, sum_t sqrt(weight_t)) = 0.3)" in msg
    assert "memory cap at max_bond=4 with entropies still changing by 0.25 bits" in msg
    assert "volume-law" in msg and "raise max_bond" in msg
    # one clause per caveat, in the order of ``caveats``, one sentence
    parts = ["saturated at", "discarded weight", "memory cap"]
    assert sorted(parts, key=msg.index) == parts and msg.endswith("bits.")


def test_caveat_message_of_auto_stops():
    """The time cap and a single run are worded; the report's reason is appended."""
    why = "time cap: time_cap=1 s ran out after the run at max_bond=4"
    auto = AutoReport("time_cap", (4,), float("inf"), 1e-3, why)
    msg = Handmade(record(auto=auto, discarded_weight=0.0)).caveat_message()
    assert msg.endswith(
        "max_bond='auto' hit its time cap at max_bond=4 after a single run "
        f"(no convergence check) ({why})."
    )


def test_caveat_message_elides_long_lists_of_cuts():
    n = 12
    spectra = [1.0] + [2.0] * (n - 3) + [1.0]
    bonds = (2,) + (4,) * (n - 3) + (2,)
    st = Handmade(record(bond_dims=bonds, history=np.array([bonds])), spectra)
    assert st.saturated_cuts == tuple(range(3, n - 2))  # rank > 4 only there
    assert "cut(s) 3, 4, 5, 6, 7, ... (" in st.caveat_message()


def test_pauli_expectations_and_spectra_go_through_the_interface():
    st = Handmade(record())
    assert st.expectation_pauli("XIZ", (4, 0, 2)) == 0.25  # real part
    assert set(st.seen_ops) == {4, 2}  # identities are not passed on
    assert np.array_equal(st.seen_ops[4], PAULI_MATRICES["X"])
    assert np.array_equal(st.seen_ops[2], PAULI_MATRICES["Z"])
    st.seen_ops = None
    assert st.expectation_pauli("II", (1, 3)) == 1.0 and st.seen_ops is None
    # eigenvalues of the 2-qubit matrix diag(1..4)/8
    assert np.allclose(st.subsystem_spectrum((0, 1)), [1 / 8, 2 / 8, 3 / 8, 4 / 8])


def test_rdm_size_limit():
    check_rdm_size(range(12))
    with pytest.raises(
        ValueError, match="`qubits`: reduced density matrices are limited"
    ):
        check_rdm_size(range(13))
