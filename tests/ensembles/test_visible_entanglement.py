"""visible_entanglement, entanglement_law_summary: arXiv:2010.15968 Fig. 2, Prop. 1."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, theory
from tnbp.ensembles.visible_entanglement import PINSKER_FLOOR
from tnbp.results.schema import VISIBLE_ENTANGLEMENT


def _table(family, n, layers, samples, *, max_bond=None, dense=True):
    """Stacked tables of ``samples`` instances with the setting's columns."""
    parts = []
    for s in range(samples):
        circ = ansatz.layered_circuit(family, n, layers, seed=100 * layers + s)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tnbp.TruncationWarning)
            st = tnbp.simulate(tnbp.fuse_gates(circ), backend="mps", max_bond=max_bond)
            ref = tnbp.simulate(circ, backend="dense") if dense else None
            parts.append(
                tnbp.visible_entanglement(st, dense=ref).assign(
                    family=family, depth=layers, sample=s
                )
            )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def exact():
    """Shallow and deep circuits at n = 12: exact MPS beside dense."""
    return pd.concat(
        [
            _table(f, 12, d, 2)
            for f in ("haar_brickwork", "unitary_qnn")
            for d in (1, 24)
        ],
        ignore_index=True,
    )


def test_rows_match_the_estimators_and_the_closed_forms():
    st = tnbp.simulate(ansatz.haar_brickwork(8, 3, seed=0), backend="dense")
    df = tnbp.visible_entanglement(st)
    assert list(df.columns) == VISIBLE_ENTANGLEMENT.names
    assert (
        list(df.n_visible) == list(range(1, 8))
        and (df.n_hidden == 8 - df.n_visible).all()
    )
    for k, row in zip(df.n_visible, df.itertuples()):
        # the same numbers as the public estimators (same spectra: exact equality)
        assert row.entropy == float(tnbp.entropy(st, k))
        assert row.trace_distance == float(
            tnbp.trace_distance_to_maximally_mixed(st, list(range(k)))
        )
        assert row.deficit == pytest.approx(k - row.entropy, abs=1e-15)
        assert row.pinsker_bound == theory.pinsker_trace_distance_bound(row.deficit)
        assert row.haar_bound == theory.haar_trace_distance_bound(k, 8 - k)
        assert row.page_entropy == theory.page_entropy(k, 8 - k)
    # an exact state: no error, trusted, no caveat, no dense reference
    assert (
        (df.entropy_error == 0).all()
        and df.trusted.all()
        and not df.cut_saturated.any()
    )
    assert (df.caveats == "").all() and df.entropy_dense.isna().all()
    assert df.entropy_dense_deviation.isna().all()
    # Proposition 1 holds row by row (an inequality: rounding 1e-12)
    assert (df.trace_distance <= df.pinsker_bound + 1e-12).all()


def test_mps_agrees_with_dense_and_a_small_cap_is_flagged(exact):
    # uncapped MPS of the fused circuit vs dense of the circuit as built: the
    # cutoff (1e-12 relative per truncation) discards ~1e-10 of weight over
    # the run, which moves entropies by ~1e-8 bits; each row's own bound holds
    assert exact.entropy_dense_deviation.max() < 1e-6
    assert exact.trace_distance_dense_deviation.max() < 1e-6
    assert (exact.entropy_dense_deviation <= exact.entropy_error + 1e-12).all()
    assert (
        exact.trace_distance_dense_deviation <= exact.trace_distance_error + 1e-12
    ).all()
    assert exact.trusted.all()
    capped = _table("haar_brickwork", 12, 24, 1, max_bond=8)
    assert not capped.trusted.any() and "bond_saturated" in capped.caveats.iloc[0]
    # the middle cuts sit at the cap: flagged, and 1-2 bits below the dense value
    middle = capped[capped.cut_saturated]
    assert set(middle.n_visible) >= {5, 6, 7}
    assert (middle.entropy <= np.log2(8) + 1e-9).all()
    assert (middle.entropy_dense_deviation > 0.5).all()
    # every row's error bound covers its deviation from the dense value
    assert (capped.entropy_dense_deviation <= capped.entropy_error + 1e-9).all()
    assert (
        capped.trace_distance_dense_deviation <= capped.trace_distance_error + 1e-9
    ).all()


def test_summary_tells_area_from_volume_and_checks_proposition_1(exact):
    summary = tnbp.entanglement_law_summary(exact, by=("family", "depth", "n"))
    assert list(summary.columns[:3]) == ["family", "depth", "n"]
    assert len(summary) == 4 and (summary.samples == 2).all()
    laws = dict(zip(zip(summary.family, summary.depth), summary.law))
    assert laws == {
        ("haar_brickwork", 1): "area",
        ("haar_brickwork", 24): "volume",
        ("unitary_qnn", 1): "area",
        ("unitary_qnn", 24): "volume",
    }
    deep, shallow = summary[summary.depth == 24], summary[summary.depth == 1]
    # the paper's volume law: deficit = Theta(D_v / D_h); Page's constant is
    # (1 - D_v^-2) / (2 ln 2) = 0.54..0.72, which 24 layers approach from above
    # (1.45 Haar brickwork, 0.76 QNN: small blocks converge last)
    assert ((deep.volume_constant > 0.4) & (deep.volume_constant < 3)).all()
    assert (shallow.volume_constant > 50).all()  # exponentially large: area law
    # Proposition 1: T <= Pinsker's bound everywhere
    assert (summary.pinsker_max_ratio <= 1).all()
    # the volume law keeps T near 1/2 sqrt(D_v / D_h) (1.86 and 1.13: the
    # small blocks again); the area law does not (T ~ 1 at every n_v)
    assert (deep.haar_max_ratio < 3).all() and (shallow.haar_max_ratio > 10).all()
    # Page's half-chain value within 0.1 bit for the deep circuits
    assert_allclose(deep.half_chain_entropy, deep.page_half_chain, atol=0.1)
    assert (summary.entropy_dense_max_deviation < 1e-6).all() and summary.trusted.all()
    assert (summary.max_bond_reached <= 64).all()


def test_a_saturated_profile_is_undetermined_and_counted():
    capped = _table("haar_brickwork", 12, 24, 1, max_bond=8, dense=False)
    row = tnbp.entanglement_law_summary(capped).iloc[0]
    assert row.law == "undetermined" and "bond" in row.reason
    assert not row.trusted and row.saturated_blocks >= 3
    assert np.isnan(row.entropy_dense_max_deviation)


def test_summary_reads_a_stored_table(tmp_path):
    """Through CSV: empty caveats come back as NaN, bools as they were."""
    df = _table("haar_brickwork", 12, 1, 1, dense=False)
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    back = pd.read_csv(path)
    assert back.caveats.isna().all()
    a = tnbp.entanglement_law_summary(df).drop(columns="reason")
    b = tnbp.entanglement_law_summary(back).drop(columns="reason")
    pd.testing.assert_frame_equal(a, b)
    # a setting column that is NaN (an uncapped max_bond read back) is a setting
    c = tnbp.entanglement_law_summary(df.assign(cap=np.nan), by=("n", "cap"))
    assert len(c) == 1 and np.isnan(c.cap.iloc[0]) and c.law.iloc[0] == a.law.iloc[0]


def test_pinsker_ratio_ignores_deficits_at_rounding_level():
    # Bell pairs (0, 1), (2, 3), ...: qubit 0 alone is maximally mixed, deficit 0
    c = tnbp.Circuit(12)
    for q in range(0, 12, 2):
        c.h(q)
        c.cnot(q, q + 1)
    df = tnbp.visible_entanglement(tnbp.simulate(c))
    first = df.iloc[0]
    assert first.deficit == 0 and first.pinsker_bound < PINSKER_FLOOR
    assert first.trace_distance == pytest.approx(0, abs=1e-15)
    # S = 1, 0, 1, 0, ...: deficits n_v - 1 or n_v, T = 1 - 2^(S - n_v)
    assert_allclose(df.entropy, df.n_visible % 2, atol=1e-12)
    assert_allclose(
        df.trace_distance, 1 - 2.0 ** (df.entropy - df.n_visible), atol=1e-12
    )
    row = tnbp.entanglement_law_summary(df).iloc[0]
    assert row.law == "area" and row.plateau == pytest.approx(4 / 7)  # cuts 3..9
    assert row.pinsker_max_ratio <= 1


def test_bad_input():
    st = tnbp.simulate(ansatz.haar_brickwork(6, 2, seed=0), backend="dense")
    with pytest.raises(TypeError, match="`state`"):
        tnbp.visible_entanglement(np.ones(64))
    with pytest.raises(TypeError, match="`dense`"):
        tnbp.visible_entanglement(st, dense="dense")
    other = tnbp.simulate(ansatz.haar_brickwork(8, 2, seed=0), backend="dense")
    with pytest.raises(ValueError, match="`dense` must have the n = 6"):
        tnbp.visible_entanglement(st, dense=other)
    h = tnbp.PauliSum(6)
    h.add(1.0, "ZZ", (0, 1))
    gibbs = tnbp.gibbs_state(h, 1.0, backend="dense")
    with pytest.raises(ValueError, match="`state` must be a pure state"):
        tnbp.visible_entanglement(gibbs)
    df = _table("haar_brickwork", 12, 1, 1, dense=False)
    with pytest.raises(TypeError, match="`table`"):
        tnbp.entanglement_law_summary(df.to_dict())
    with pytest.raises(TypeError, match="`by`"):
        tnbp.entanglement_law_summary(df, by="family")
    with pytest.raises(ValueError, match="lacks the column"):
        tnbp.entanglement_law_summary(df.drop(columns="deficit"))
    with pytest.raises(ValueError, match="lacks the column.*'colour'"):
        tnbp.entanglement_law_summary(df, by=("colour",))
    with pytest.raises(ValueError, match="no rows"):
        tnbp.entanglement_law_summary(df.iloc[:0])
    with pytest.raises(ValueError, match="every n_visible = 1..11"):
        tnbp.entanglement_law_summary(df[df.n_visible != 5])
    both = pd.concat([df, _table("haar_brickwork", 13, 1, 1, dense=False)])
    with pytest.raises(ValueError, match="mixes n = \\[12, 13\\]"):
        tnbp.entanglement_law_summary(both, by=("family",))
    assert len(tnbp.entanglement_law_summary(both, by=("family", "n"))) == 2
