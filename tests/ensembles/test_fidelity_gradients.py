"""Fidelity-gradient ensembles of the unitary QNN (tnbp.fidelity_gradient_variance, Fig. 3b)."""

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, observables
from tnbp.ensembles.fidelity_gradients import random_thermal_target
from tnbp.gradients.forward_difference import forward_difference_gradient
from tnbp.hamiltonian import random_two_local

TARGET = random_thermal_target(1, seed=3)


def test_random_thermal_target_is_the_gibbs_state_of_eq_c1():
    sigma = random_thermal_target(2, beta=0.7, seed=5)
    H = random_two_local(2, seed=5).to_dense()  # the same draws from the same seed
    ref = sla.expm(-0.7 * H)
    assert_allclose(sigma, ref / np.trace(ref), atol=1e-14)  # eigh vs expm rounding
    assert np.linalg.eigvalsh(sigma).min() > 0  # full rank: F is differentiable
    with pytest.raises(ValueError, match="`n_visible`"):
        random_thermal_target(13)
    with pytest.raises(ValueError, match="`beta`"):
        random_thermal_target(1, beta=-1.0)


def test_one_instance_by_hand():
    """Sample s at n_hidden draws its QNN from the spawn key (n_hidden, s)."""
    df = tnbp.fidelity_gradient_variance(
        1, [2], target=TARGET, samples=3, step=1e-3, seed=11, executor="serial"
    )
    fd, exact, fid = [], [], []
    cost = observables.fidelity_cost(TARGET, [0])
    for s in range(3):
        seed = np.random.SeedSequence(11, spawn_key=(2, s))
        circ = ansatz.unitary_qnn(3, shuffle=True, seed=np.random.default_rng(seed))
        # the paper's theta = phi / 2: step 2h in phi, derivatives doubled
        fd.append(2 * forward_difference_gradient(circ, cost, step=2e-3))
        exact.append(2 * tnbp.gradient(circ, cost, method="adjoint"))
        st = tnbp.simulate(circ, backend="dense")
        fid.append(cost.value(st.reduced_density_matrix([0])))
    fd, exact = np.array(fd), np.array(exact)
    (row,) = df.to_dict("records")
    assert row["num_parameters"] == 3 * 3 + 9 * 3
    assert row["fidelity_mean"] == pytest.approx(np.mean(fid), abs=1e-14)
    norms = np.abs(fd).max(axis=1)
    assert row["inf_norm_variance_fd"] == pytest.approx(norms.var(ddof=1), rel=1e-12)
    norms = np.abs(exact).max(axis=1)
    assert row["inf_norm_mean_exact"] == pytest.approx(norms.mean(), rel=1e-12)
    assert row["max_deviation"] == pytest.approx(np.abs(fd - exact).max(), rel=1e-12)
    # forward differences at h = 1e-3: h/2 |d^2 F| with |d^2 F| ~ 4 here
    assert 0 < row["max_deviation"] < 5e-3
    assert row["method"] == "adjoint" and row["seed"] == "11" and row["step"] == 1e-3


def test_results_do_not_depend_on_the_executor_or_chunks():
    kwargs = dict(target=TARGET, samples=5, seed=2)
    serial = tnbp.fidelity_gradient_variance(1, [1, 2], executor="serial", **kwargs)
    threads = tnbp.fidelity_gradient_variance(
        1, [1, 2], executor="threads", chunk_size=2, **kwargs
    )
    assert serial.equals(threads)


def test_the_fixed_order_is_an_option():
    """shuffle=False builds the lexicographic-order QNN: other gradients, same sizes."""
    kwargs = dict(target=TARGET, samples=3, seed=2, executor="serial")
    fixed = tnbp.fidelity_gradient_variance(1, [2], shuffle=False, **kwargs)
    shuffled = tnbp.fidelity_gradient_variance(1, [2], **kwargs)
    assert fixed.num_parameters.equals(shuffled.num_parameters)
    assert fixed.inf_norm_mean_exact.iloc[0] != shuffled.inf_norm_mean_exact.iloc[0]


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="`target`"):
        tnbp.fidelity_gradient_variance(2, [2], target=TARGET, executor="serial")
    with pytest.raises(ValueError, match="`step`"):
        tnbp.fidelity_gradient_variance(1, [1], target=TARGET, step=0.0)
    with pytest.raises(ValueError, match="`hidden_values`"):
        tnbp.fidelity_gradient_variance(1, [30], target=TARGET)
    with pytest.raises(TypeError, match="`hidden_values`"):
        tnbp.fidelity_gradient_variance(1, 2, target=TARGET)
    with pytest.raises(ValueError, match="`layers`"):
        tnbp.fidelity_gradient_variance(1, [1], target=TARGET, layers=0)
