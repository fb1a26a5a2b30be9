"""Trace-distance ensembles: reproducible, executor-independent, exact, as the paper."""

import numpy as np
import pandas as pd
import pytest
import scipy.linalg as sla
from kron_reference import statevector
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, hamiltonian, theory
from tnbp.ensembles.trace_distances import MODELS
from tnbp.results.schema import TRACE_DISTANCE_ENSEMBLE, TRACE_DISTANCE_SUMMARY


def _instance_rng(seed, model, n_visible, n_hidden, sample):
    """The documented seed of one instance."""
    code = MODELS.index(model)
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(code, n_visible, n_hidden, sample))
    )


def _distance(rho: np.ndarray, n_visible: int, n: int) -> float:
    """1/2 ||Tr_h rho - I/D_v||_1 by an explicit numpy partial trace."""
    d_v, d_h = 2**n_visible, 2 ** (n - n_visible)
    rho_v = np.einsum("ahbh->ab", rho.reshape(d_v, d_h, d_v, d_h))
    return 0.5 * np.abs(np.linalg.eigvalsh(rho_v - np.eye(d_v) / d_v)).sum()


def _reference(model, n_visible, n_hidden, sample, seed, *, time=10.0, beta=1.0):
    """T of one instance, rebuilt without tnbp's simulators or estimators."""
    n = n_visible + n_hidden
    rng = _instance_rng(seed, model, n_visible, n_hidden, sample)
    if model == "gue":
        H = tnbp.gue_matrix(n, seed=rng)
        psi = sla.expm(-1j * time * H)[:, 0]
        rho = np.outer(psi, psi.conj())
    elif model.startswith("unitary_qnn"):
        circuit = ansatz.unitary_qnn(n, shuffle=model == "unitary_qnn", seed=rng)
        psi = statevector(circuit, "0" * n)  # every gate as a full matrix
        rho = np.outer(psi, psi.conj())
    else:
        H = hamiltonian.random_two_local(n, seed=rng).to_dense()
        H = H / np.abs(np.linalg.eigvalsh(H)).max()
        rho = sla.expm(-beta * H)
        rho /= np.trace(rho)
    return _distance(rho, n_visible, n)


@pytest.mark.parametrize("model", MODELS)
def test_values_match_an_independent_partial_trace(model):
    df = tnbp.trace_distance_ensemble(
        model, 2, [1, 3], samples=3, seed=7, executor="serial", beta=2.0
    )
    assert list(df.columns) == TRACE_DISTANCE_ENSEMBLE.names
    for row in df.itertuples():
        ref = _reference(model, 2, row.n_hidden, row.sample, 7, beta=2.0)
        # expm and the Chebyshev series agree to ~1e-13; Gibbs states to rounding
        assert_allclose(row.trace_distance, ref, rtol=0, atol=1e-10)
    assert (
        df.bound == [theory.haar_trace_distance_bound(2, h) for h in df.n_hidden]
    ).all()
    assert (df.under_bound == (df.trace_distance <= df.bound)).all()
    assert df.trusted.all() and (df.error_bound == 0).all()
    assert df.max_bond_reached.isna().all()  # dense states: no bonds
    assert (df.time.isna() != (model == "gue")).all()
    assert (df.beta.isna() != (model == "qbm")).all()


def test_reproducible_and_independent_of_executor_chunks_and_other_sizes():
    kwargs = dict(samples=5, seed=3)
    serial = tnbp.trace_distance_ensemble(
        "unitary_qnn", 1, [1, 2, 3], executor="serial", chunk_size=2, **kwargs
    )
    threads = tnbp.trace_distance_ensemble(
        "unitary_qnn", 1, [1, 2, 3], executor="threads", chunk_size=3, **kwargs
    )
    pd.testing.assert_frame_equal(serial, threads)
    processes = tnbp.trace_distance_ensemble(
        "unitary_qnn", 1, [3], executor="processes", chunk_size=5, **kwargs
    )
    # each instance depends on its own seed only: the n_h = 3 rows match exactly
    pd.testing.assert_frame_equal(
        serial[serial.n_hidden == 3].reset_index(drop=True), processes
    )
    again = tnbp.trace_distance_ensemble(
        "unitary_qnn", 1, [1, 2, 3], executor="serial", **kwargs
    )
    pd.testing.assert_frame_equal(serial, again)
    other = tnbp.trace_distance_ensemble(
        "unitary_qnn", 1, [1, 2, 3], executor="serial", samples=5, seed=4
    )
    assert not np.isin(other.trace_distance, serial.trace_distance).any()


def test_mps_draws_the_same_instances():
    dense = tnbp.trace_distance_ensemble(
        "unitary_qnn_ordered", 1, [2, 4], samples=2, seed=1, executor="serial"
    )
    mps = tnbp.trace_distance_ensemble(
        "unitary_qnn_ordered",
        1,
        [2, 4],
        samples=2,
        seed=1,
        backend="mps",
        executor="serial",
    )
    # no bond cap: exact up to SVD rounding
    assert_allclose(mps.trace_distance, dense.trace_distance, rtol=0, atol=1e-12)
    # the ordered model's chunks run as batches: one instance per chunk is the same
    alone = tnbp.trace_distance_ensemble(
        "unitary_qnn_ordered",
        1,
        [2, 4],
        samples=2,
        seed=1,
        backend="mps",
        executor="serial",
        chunk_size=1,
    )
    assert_allclose(alone.trace_distance, mps.trace_distance, rtol=0, atol=1e-13)
    assert mps.trusted.all() and (mps.max_bond_reached >= 2).all()
    # purified Gibbs states: order-4 Trotter at dtau = 0.05 errs by ~1e-6 here
    exact, purified = (
        tnbp.trace_distance_ensemble(
            "qbm", 1, [2], samples=2, seed=1, backend=b, executor="serial"
        )
        for b in ("dense", "mps")
    )
    deviation = np.abs(purified.trace_distance - exact.trace_distance)
    assert (deviation <= purified.error_bound).all()  # the budget holds
    assert (purified.error_bound > 0).all() and (deviation < 1e-5).all()
    with pytest.warns(tnbp.TruncationWarning, match="1 of 1 states"):
        capped = tnbp.trace_distance_ensemble(
            "unitary_qnn",
            1,
            [5],
            samples=1,
            backend="mps",
            max_bond=1,
            seed=1,
            executor="serial",
        )
    assert not capped.trusted.any() and (capped.error_bound > 0).all()


def test_gue_and_shuffled_qnn_follow_haar_states_and_the_ordered_one_does_not():
    """The models' means against the exact Haar mean, one visible qubit."""
    haar = theory.haar_qubit_trace_distance_statistics(4)
    for model, haar_like in (
        ("gue", True),
        ("unitary_qnn", True),
        ("unitary_qnn_ordered", False),
    ):
        df = tnbp.trace_distance_ensemble(
            model, 1, [4], samples=150, seed=0, executor="serial"
        )
        row = tnbp.trace_distance_summary(df).iloc[0]
        z = (row["mean"] - haar["mean"]) / row.mean_se
        assert (abs(z) < 4) == haar_like, (model, z)  # a 4-sigma test
    # the fixed order keeps the visible qubit polarized: T ~ 0.4, far above
    assert row["mean"] > 2 * row.bound and row.fraction_under_bound < 0.1


def test_qbm_to_first_order_in_beta_is_the_visible_field():
    """rho_v = I/2 - beta Tr_h(H)/D + O(beta^2): T = beta |J_v| / 2."""
    beta = 1e-3
    df = tnbp.trace_distance_ensemble(
        "qbm", 1, [3], samples=3, beta=beta, seed=2, executor="serial"
    )
    for row in df.itertuples():
        H = hamiltonian.random_two_local(
            4, seed=_instance_rng(2, "qbm", 1, 3, row.sample)
        )
        H = H.scaled(1 / H.norm())
        field = [c for c, p, q in H.terms if q == (0,)]
        # second-order terms are beta^2 ||H^2|| ~ 1e-6 against T ~ 1e-4: 2 %
        assert_allclose(row.trace_distance, beta * np.linalg.norm(field) / 2, rtol=0.02)


def test_summary_reduces_each_setting_to_one_row():
    gue = tnbp.trace_distance_ensemble(
        "gue", 1, [0, 2], samples=20, seed=5, executor="serial"
    )
    qbm = tnbp.trace_distance_ensemble(
        "qbm", 2, [1], samples=20, seed=5, executor="serial"
    )
    summary = tnbp.trace_distance_summary(pd.concat([gue, qbm], ignore_index=True))
    assert list(summary.columns) == TRACE_DISTANCE_SUMMARY.names
    assert list(zip(summary.model, summary.n_hidden)) == [
        ("gue", 0),
        ("gue", 2),
        ("qbm", 1),
    ]
    # n_h = 0: a pure qubit, T = 1/2 always (a point mass: its peak, s.e. 0)
    first = summary.iloc[0]
    assert_allclose(
        [first["mean"], first.peak, first.peak_se], [0.5, 0.5, 0.0], atol=1e-12
    )
    second = summary.iloc[1]
    x = gue[gue.n_hidden == 2].trace_distance
    assert_allclose(second["mean"], x.mean(), rtol=1e-15)
    assert_allclose(second.mean_se, x.std(ddof=1) / np.sqrt(20), rtol=1e-15)
    assert second["median"] == x.median() and second.samples == 20
    f = (x <= second.bound).mean()
    assert second.fraction_under_bound == f
    assert_allclose(second.fraction_under_bound_se, np.sqrt(f * (1 - f) / 20))
    assert second.haar_mode == theory.haar_qubit_trace_distance_statistics(2)["mode"]
    # Haar columns only for one visible qubit and a hidden one at least
    assert (
        np.isnan(first.haar_mean)
        and summary.iloc[2][
            ["haar_mean", "haar_median", "haar_mode", "haar_fraction_under_bound"]
        ]
        .isna()
        .all()
    )
    assert summary.time.isna().tolist() == [False, False, True]
    # reproducible: the bootstrap is seeded by the size
    pd.testing.assert_frame_equal(
        summary, tnbp.trace_distance_summary(pd.concat([gue, qbm], ignore_index=True))
    )
    with pytest.raises(ValueError, match="at least two"):
        tnbp.trace_distance_summary(gue.iloc[:1])
    with pytest.raises(ValueError, match="trace_distance"):
        tnbp.trace_distance_summary(gue.drop(columns="trace_distance"))
    with pytest.raises(TypeError, match="`table`"):
        tnbp.trace_distance_summary(gue.to_dict())


def test_bad_arguments():
    with pytest.raises(ValueError, match="`model`"):
        tnbp.trace_distance_ensemble("haar", 1, [1])
    with pytest.raises(ValueError, match="`backend`"):
        tnbp.trace_distance_ensemble("gue", 1, [1], backend="mps")
    with pytest.raises(ValueError, match="`backend`"):
        tnbp.trace_distance_ensemble("qbm", 1, [1], backend="tn")
    with pytest.raises(ValueError, match="dense up to 12"):
        tnbp.trace_distance_ensemble("qbm", 1, [12])
    with pytest.raises(ValueError, match="dense up to 13"):
        tnbp.trace_distance_ensemble("gue", 2, [12])
    with pytest.raises(TypeError, match="`hidden_values`"):
        tnbp.trace_distance_ensemble("gue", 1, 3)
    with pytest.raises(ValueError, match="`hidden_values`"):
        tnbp.trace_distance_ensemble("gue", 1, [2, 2])
    with pytest.raises(ValueError, match="`n_visible`"):
        tnbp.trace_distance_ensemble("gue", 0, [2])
    with pytest.raises(ValueError, match="`beta`"):
        tnbp.trace_distance_ensemble("qbm", 1, [2], beta=-1.0)
    with pytest.raises(ValueError, match="`time`"):
        tnbp.trace_distance_ensemble("gue", 1, [2], time=np.nan)
    with pytest.raises(ValueError, match="`samples`"):
        tnbp.trace_distance_ensemble("gue", 1, [2], samples=0)
