"""The State interface's own rules: truncation distance, saturated cuts, caveats.

A minimal State with a hand-made record and cut spectra pins each documented
rule on its own (the backends' tests only see them through real runs).
"""

import numpy as np
import pytest

from tnbp.states.base import State
from tnbp.states.record import AutoReport, BondRecord, TrustPolicy


class _Fixed(State):
    """Four qubits with given cut entropies (flat Schmidt spectra) and record."""

    def __init__(self, record, entropies=(1.0, 1.0, 1.0), trust=None):
        super().__init__(4)
        self._record = record
        self._entropies = entropies
        if trust is not None:
            self.trust = trust

    def cut_spectrum(self, cut):
        # a flat spectrum of 2^S values has entropy S (S integer here)
        r = 2 ** int(self._entropies[cut - 1])
        return np.full(r, 1.0 / r)

    def reduced_density_matrix(self, qubits):
        d = 2 ** len(qubits)
        return np.eye(d) / d

    def expectation_product(self, ops):
        return 0.25 + 0.0j

    @property
    def record(self):
        return self._record


def _record(bonds=(2, 2, 2), *, max_bond=2, truncations=1, discarded=0.04, auto=None):
    return BondRecord(
        bond_dims=tuple(bonds),
        history=np.array([bonds]),
        max_bond_reached=max(bonds),
        discarded_weight=discarded,
        fidelity_estimate=1 - discarded,
        num_truncations=truncations,
        max_bond=max_bond,
        auto=auto,
    )


def test_truncation_distance_is_the_root_of_the_discarded_weight():
    assert _Fixed(_record(discarded=0.04)).truncation_distance == pytest.approx(0.2)
    assert _Fixed(_record(discarded=3.0)).truncation_distance == 1.0  # capped
    # weight below the noise floor of every gate: no truncation counted
    assert _Fixed(_record(discarded=1e-20, truncations=0)).truncation_distance == 0


def test_saturated_cuts_need_every_condition():
    """Cap hit, cap below the cut's largest Schmidt rank, entropy within margin."""
    # cut 2 allows rank 4 > cap 2; cuts 1 and 3 allow only 2 = cap (not a bite)
    assert _Fixed(_record()).saturated_cuts == (2,)
    # entropy log2(2) - 1 = 0 bits is still within the default 1-bit margin...
    assert _Fixed(_record(), entropies=(0, 0, 0)).saturated_cuts == (2,)
    # ...but not within a margin of 0.5 bit
    tight = TrustPolicy(margin=0.5)
    assert _Fixed(_record(), entropies=(0, 0, 0), trust=tight).saturated_cuts == ()
    assert _Fixed(_record(bonds=(2, 1, 2))).saturated_cuts == ()  # below the cap
    assert _Fixed(_record(max_bond=None)).saturated_cuts == ()  # no cap
    assert _Fixed(_record(truncations=0)).saturated_cuts == ()  # never truncated
    assert _Fixed(_record(bonds=(2, 4, 2), max_bond=4)).saturated_cuts == ()


def test_caveats_in_order_and_their_message():
    auto = AutoReport("memory_cap", (2, 4), 0.3, 1e-3)
    st = _Fixed(_record(discarded=0.04, auto=auto))
    assert st.caveats == ("bond_saturated", "truncated", "auto_not_converged")
    assert st.saturated and not st.trusted
    msg = st.caveat_message()
    for clause in ("saturated at max_bond=2 on cut(s) 2", "discarded weight 0.04"):
        assert clause in msg
    assert "memory cap at max_bond=4" in msg and msg.endswith(".")
    # below discard_tol = 1e-8, entropies 1 bit below log2(cap) with a 0.5-bit margin
    clean = _Fixed(
        _record(discarded=1e-9), entropies=(0, 0, 0), trust=TrustPolicy(margin=0.5)
    )
    assert clean.caveats == () and clean.trusted and not clean.saturated
    assert clean.caveat_message() == "."


def test_record_views_and_pauli_expectations():
    st = _Fixed(_record(bonds=(2, 3, 2), max_bond=3, discarded=0.01))
    assert st.bond_dims == [2, 3, 2]
    assert st.max_bond_reached == 3
    assert st.discarded_weight == 0.01 and st.fidelity_estimate == 0.99
    assert st.expectation_pauli("II", (0, 1)) == 1.0  # no operator at all
    assert st.expectation_pauli("ZX", (0, 1)) == 0.25
    assert st.subsystem_spectrum((0, 1)) == pytest.approx([0.25] * 4)
