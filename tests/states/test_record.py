"""The bond record of an exact state, and its table row."""

import numpy as np

from tnbp.states.record import AutoReport, BondRecord, TrustPolicy


def test_exact_record():
    rec = BondRecord.exact([2, 4, 2])
    assert rec.bond_dims == (2, 4, 2) and rec.max_bond_reached == 4
    assert rec.history.shape == (1, 3) and rec.history.dtype.kind == "i"
    assert rec.discarded_weight == 0 and rec.fidelity_estimate == 1
    assert rec.num_truncations == 0 and rec.max_bond is None and rec.auto is None
    assert BondRecord.exact([]).max_bond_reached == 1  # one qubit: no bond


def test_row_holds_the_scalar_summary():
    auto = AutoReport("converged", (4, 8), 0.0, 1e-3)
    rec = BondRecord(
        bond_dims=(2, 3),
        history=np.array([[1, 1], [2, 3]]),
        max_bond_reached=4,
        discarded_weight=1e-6,
        fidelity_estimate=1 - 1e-6,
        num_truncations=2,
        max_bond=8,
        auto=auto,
    )
    assert rec.to_dict() == {
        "max_bond": 8,
        "max_bond_reached": 4,
        "discarded_weight": 1e-6,
        "fidelity_estimate": 1 - 1e-6,
        "num_truncations": 2,
        "auto_status": "converged",
    }
    assert BondRecord.exact([2]).to_dict()["auto_status"] is None


def test_trust_policy_defaults():
    assert TrustPolicy() == TrustPolicy(margin=1.0, discard_tol=1e-8)
