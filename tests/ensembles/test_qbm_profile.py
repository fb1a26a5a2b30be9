"""QBM gradient profiles of nearest-neighbour chains (tnbp.qbm_gradient_profile)."""

import math

import numpy as np
import pandas as pd
import pytest

import tnbp
from tnbp import qbm as Q
from tnbp.ensembles.engine import Chunk
from tnbp.ensembles.qbm_profile import _jackknife_variance_se, term_distances
from tnbp.hamiltonian import random_two_local
from tnbp.results.schema import QBM_GRADIENT_PROFILE


@pytest.fixture(scope="module")
def dense():
    """Two sizes of dense response gradients, with the exact check at n <= 5."""
    return tnbp.qbm_gradient_profile(
        [4, 6], samples=4, backend="dense", dense_max=5, executor="serial", seed=3
    )


def test_rows_cover_every_distance_with_its_terms(dense):
    assert list(dense.columns) == QBM_GRADIENT_PROFILE.names
    for n, g in dense.groupby("n"):
        for _, s in g.groupby("sample"):
            assert s.distance.tolist() == list(range(n))
            # 3 onsite terms at the visible qubit, then 3 onsite + 9 bond terms
            assert s.num_parameters.tolist() == [3] + [12] * (n - 1)
            assert s.num_parameters.sum() == 12 * n - 9
            assert s.inf_norm.nunique() == 1  # a per-sample column
            assert math.isclose(s.inf_norm.iloc[0], s.max_abs.max())


def test_dense_check_where_asked_and_within_the_bound(dense):
    small, large = dense[dense.n == 4], dense[dense.n == 6]
    assert small.dense_deviation.notna().all() and large.dense_deviation.isna().all()
    # the response identity against the Duhamel formula, both dense: the step
    # bound covers it (rounding of the two: 1e-12)
    assert (small.dense_deviation <= small.error_bound + 1e-12).all()
    assert small.dense_deviation.max() < 1e-5  # five-point stencil at h = 0.05
    assert (dense.truncation_error == 0).all() and dense.trusted.all()


def test_the_derivatives_decay_with_the_distance(dense):
    """Each step away from the visible qubit costs about beta / ||H|| (high T)."""
    s = tnbp.qbm_gradient_profile_summary(dense)
    for _, g in s.groupby("n"):
        assert g.rms.is_monotonic_decreasing
        ratio = g.rms.to_numpy()[2:] / g.rms.to_numpy()[1:-1]
        assert (ratio < 0.5).all()  # measured 0.07-0.3 at n = 4, 6


def test_samples_do_not_depend_on_chunks_offsets_or_executor():
    kw = dict(backend="dense", dense_max=0, seed=7)
    a = tnbp.qbm_gradient_profile([4], samples=3, executor="serial", **kw)
    b = tnbp.qbm_gradient_profile(
        [4], samples=2, first_sample=1, chunk_size=2, executor="threads", **kw
    )
    cols = ["sample", "distance", "sum", "sum_squares", "max_abs"]
    pd.testing.assert_frame_equal(
        a[a["sample"] >= 1][cols].reset_index(drop=True), b[cols]
    )


def test_the_hamiltonian_of_a_sample_is_reproducible():
    """Sample s of size n is random_two_local(n, nearest) from the (n, s) child seed."""
    df = tnbp.qbm_gradient_profile(
        [5], samples=1, first_sample=2, backend="dense", dense_max=0,
        executor="serial", seed=11,
    )  # fmt: skip
    (seed,) = Chunk(5, (2,)).seeds(np.random.SeedSequence(11))
    H = random_two_local(5, pairs="nearest", seed=np.random.default_rng(seed))
    assert math.isclose(df.hamiltonian_norm.iloc[0], H.norm(), rel_tol=1e-12)
    qbm, theta = Q.QBM.from_hamiltonian(H.normalized(), [0])
    g = Q.observable_gradient(qbm, theta, [(1.0, "Z", (0,))], method="exact")
    d = term_distances(qbm.generators, 1)
    sums = [g[d == k].sum() for k in range(5)]
    np.testing.assert_allclose(df["sum"], sums, atol=1e-5)  # stencil error 3e-6


def test_summary_pools_and_flags():
    """Pooled variance, jackknife error and the trust rule on a table built by hand."""
    rng = np.random.default_rng(0)
    values = rng.normal(size=(5, 4))  # 5 samples x 4 terms at one distance
    rows = []
    for s, v in enumerate(values):
        rows.append(
            dict(
                n=3, n_visible=1, sample=s, distance=1, num_parameters=4,
                sum=v.sum(), sum_squares=np.sum(v**2), max_abs=np.abs(v).max(),
                error_bound=0.05, step_error=0.05, truncation_error=0.0,
                trotter_error=0.0, dense_deviation=np.nan, inf_norm=np.abs(v).max(),
                trusted=True, max_bond_reached=4, truncation_distance=0.0,
                hamiltonian_norm=2.0, seconds=1.0, cpu_seconds=1.0, norm_seconds=0.0,
                step=0.05, beta=1.0, backend="dense", seed="0",
            )
        )  # fmt: skip
    table = QBM_GRADIENT_PROFILE.frame(rows)
    (row,) = tnbp.qbm_gradient_profile_summary(table).itertuples()
    flat = values.ravel()
    assert math.isclose(row.variance, flat.var(ddof=1), rel_tol=1e-12)
    assert math.isclose(row.rms, np.sqrt(np.mean(flat**2)), rel_tol=1e-12)
    # jackknife over samples, by brute force
    loo = [np.delete(values, i, axis=0).ravel().var(ddof=1) for i in range(5)]
    se = np.sqrt(4 / 5 * np.sum((np.array(loo) - np.mean(loo)) ** 2))
    assert math.isclose(row.variance_se, se, rel_tol=1e-10)
    assert row.trusted  # bound 0.05 against an rms near 1
    loose = tnbp.qbm_gradient_profile_summary(table.assign(error_bound=0.5))
    assert not loose.trusted.iloc[0] and loose.relative_error.iloc[0] > 0.1
    untrusted = table.assign(trusted=[True, True, False, True, True])
    assert not tnbp.qbm_gradient_profile_summary(untrusted).trusted.iloc[0]
    unknown = table.assign(error_bound=[0.05, np.nan, 0.05, 0.05, 0.05])
    assert not tnbp.qbm_gradient_profile_summary(unknown).trusted.iloc[0]


def test_jackknife_needs_two_samples():
    assert math.isnan(_jackknife_variance_se(np.ones(1), np.ones(1), np.ones(1)))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(n_values=[1]), ValueError, "n_values"),
        (dict(n_values=[4], n_visible=4), ValueError, "n_values"),
        (dict(n_values=4), TypeError, "n_values"),
        (dict(n_values=[4], dense_max=13), ValueError, "`dense_max` must be at most"),
        (dict(n_values=[4], first_sample=-1), ValueError, "first_sample"),
        (dict(n_values=[4], observable=[]), ValueError, "`observable` must not be"),
        (dict(n_values=[4], beta=-1.0), ValueError, "beta"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        tnbp.qbm_gradient_profile(executor="serial", **kwargs)


def test_summary_refuses_bad_tables(dense):
    with pytest.raises(ValueError, match="lacks the column"):
        tnbp.qbm_gradient_profile_summary(dense.drop(columns="sum"))
    with pytest.raises(ValueError, match="no rows"):
        tnbp.qbm_gradient_profile_summary(dense.iloc[:0])
    with pytest.raises(ValueError, match="trust_ratio"):
        tnbp.qbm_gradient_profile_summary(dense, trust_ratio=0.0)
