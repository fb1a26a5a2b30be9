"""QBM gradient ensembles (tnbp.qbm_gradient_variance): input checks and truncation flags.

The physics (hidden-term derivatives vanish with the hidden units) is tested in
tests/gradients/test_qbm.py.
"""

import warnings

import pytest
from numpy.testing import assert_allclose

import tnbp


def test_empty_observable_is_refused_none_is_the_default():
    with pytest.raises(ValueError, match="`observable` must not be empty"):
        tnbp.qbm_gradient_variance(1, [1], samples=1, observable=[], executor="serial")
    default = tnbp.qbm_gradient_variance(1, [1], samples=2, executor="serial", seed=4)
    explicit = tnbp.qbm_gradient_variance(
        1, [1], samples=2, observable=[(1.0, "Z", (0,))], executor="serial", seed=4
    )
    assert default.equals(explicit)


def test_hidden_values_must_be_a_sequence():
    with pytest.raises(TypeError, match="`hidden_values` must be a sequence"):
        tnbp.qbm_gradient_variance(1, 2, executor="serial")


@pytest.mark.parametrize("method", ["exact", "finite_difference"])
def test_a_bad_backend_is_named_before_the_method(method):
    with pytest.raises(ValueError, match="`backend`"):
        tnbp.qbm_gradient_variance(1, [1], method=method, backend="bogus")


def test_exact_method_needs_the_dense_backend():
    with pytest.raises(
        ValueError,
        match=r"`method`='exact' runs on `backend` in \('dense',\), got 'mps' "
        r"\(method=None uses 'finite_difference' there\)",
    ):
        tnbp.qbm_gradient_variance(1, [1], method="exact", backend="mps")


def test_the_default_method_runs_on_every_backend_and_is_reported():
    """``backend="mps"`` failed with the default method, 'exact' (dense only)."""
    kwargs = dict(samples=2, seed=4, executor="serial")
    dense = tnbp.qbm_gradient_variance(1, [1], **kwargs)
    mps = tnbp.qbm_gradient_variance(1, [1], backend="mps", **kwargs)
    assert (dense.method == "exact").all()
    assert (mps.method == "finite_difference").all()
    # central differences with step 1e-3: O(h^2) ~ 1e-6 relative (6e-7 seen),
    # plus the MPS Gibbs state's Trotter and truncation errors
    assert_allclose(mps.variance, dense.variance, rtol=1e-5)
    assert_allclose(mps.inf_norm_variance, dense.inf_norm_variance, rtol=1e-5)


def test_truncated_gibbs_states_are_counted_and_warned_once():
    kwargs = dict(
        samples=3,
        method="finite_difference",
        backend="mps",
        executor="serial",
        seed=1,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bad = tnbp.qbm_gradient_variance(
            1, [1, 2], gibbs_opts=dict(max_bond=1), **kwargs
        )
    assert [w.category for w in caught] == [tnbp.TruncationWarning]  # once per table
    assert "untrusted_runs" in str(caught[0].message)
    # every Gibbs state counts (bond 1 cannot hold rho): 2 per parameter and
    # sample; n = 1 + n_h qubits carry 3 n onsite and 9 n (n - 1) / 2 pair terms
    params = {1: 6 + 9, 2: 9 + 27}
    for n_hidden, row in (
        bad.drop_duplicates("n_hidden").set_index("n_hidden").iterrows()
    ):
        assert row.untrusted_runs == 3 * 2 * params[n_hidden]
    good = tnbp.qbm_gradient_variance(1, [1, 2], **kwargs)  # no warning (errors)
    assert (good.untrusted_runs == 0).all()


def test_too_many_qubits_for_dense_is_refused_up_front():
    """1 visible + 30 hidden on the dense backend: an error naming `hidden_values`
    before any work (before: the first task spent minutes building its H)."""
    with pytest.raises(ValueError, match=r"`hidden_values`: backend='dense' holds"):
        tnbp.qbm_gradient_variance(1, [1, 30], samples=2, executor="serial")


def test_trace_distance_ensemble_uses_the_variants_hamiltonians():
    """Fig. 3c and its observable variant see the same instances from one seed.

    By hand: sample s at n_hidden draws H from the spawn key (n_hidden, s),
    normalized; the table's statistics are those of its two gradients.
    """
    import numpy as np

    from tnbp import qbm as Q
    from tnbp.hamiltonian import random_two_local

    df = tnbp.qbm_trace_distance_gradient_variance(
        1, [2], samples=3, step=1e-3, seed=9, executor="serial"
    )
    fd, exact, obs = [], [], []
    for s in range(3):
        rng = np.random.default_rng(np.random.SeedSequence(9, spawn_key=(2, s)))
        H = random_two_local(3, seed=rng).normalized()
        qbm, theta = Q.QBM.from_hamiltonian(H, range(1), beta=1.0)
        fd.append(
            Q.trace_distance_gradient(qbm, theta, method="finite_difference", step=1e-3)
        )
        exact.append(Q.trace_distance_gradient(qbm, theta))
        obs.append(np.abs(Q.observable_gradient(qbm, theta, [(1.0, "Z", (0,))])).max())
    fd, exact = np.array(fd), np.array(exact)
    (row,) = df.to_dict("records")
    norms = fd.max(axis=1)  # T / h >= 0
    assert row["inf_norm_mean_fd"] == pytest.approx(norms.mean(), rel=1e-12)
    assert row["inf_norm_variance_exact"] == pytest.approx(
        exact.max(axis=1).var(ddof=1), rel=1e-12
    )
    assert row["max_deviation"] == pytest.approx(np.abs(fd - exact).max(), rel=1e-12)
    assert 0 < row["max_deviation"] < 1e-4  # O(h) truncation, h = 1e-3
    variant = tnbp.qbm_gradient_variance(1, [2], samples=3, seed=9, executor="serial")
    assert variant.inf_norm_mean.iloc[0] == pytest.approx(np.mean(obs), rel=1e-12)


def test_trace_distance_ensemble_executors_and_bad_input():
    kwargs = dict(samples=4, seed=3)
    serial = tnbp.qbm_trace_distance_gradient_variance(
        1, [1, 2], executor="serial", **kwargs
    )
    threads = tnbp.qbm_trace_distance_gradient_variance(
        1, [1, 2], executor="threads", chunk_size=3, **kwargs
    )
    assert serial.equals(threads)
    assert serial.num_parameters.tolist() == [3 * 2 + 9, 3 * 3 + 27]
    with pytest.raises(ValueError, match="`step`"):
        tnbp.qbm_trace_distance_gradient_variance(1, [1], step=-1e-3)
    with pytest.raises(ValueError, match="`hidden_values`: dense"):
        tnbp.qbm_trace_distance_gradient_variance(2, [11])
    with pytest.raises(TypeError, match="`hidden_values` must be a sequence"):
        tnbp.qbm_trace_distance_gradient_variance(1, 2)
