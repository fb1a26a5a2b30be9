"""Exact angle-averaged gradient variances (tnbp.gradients.moments)."""

import functools
import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz, observables, theory
from tnbp.gradients import gradient_batch
from tnbp.gradients.moments import exact_gradient_variance


def global_cost_all(n):
    return observables.global_cost(range(n))


def local_cost_all(n):
    return observables.local_cost(range(n))


def _mixed_circuit():
    """Every gate kind the doubled engine handles, on 3 qubits."""
    rng = np.random.default_rng(7)
    c = tnbp.Circuit(3)
    c.apply(unitary_group.rvs(4, random_state=rng), 2, 0)
    c.ry(0.1, 0)
    c.rx(0.2, 1)
    c.h(2)
    c.cnot(0, 2)
    c.pauli_rotation(0.3, "XY", (1, 2))
    c.rz(0.7, 0, trainable=False)
    c.cz(0, 1)
    c.ry(0.4, 2)
    c.pauli_rotation(0.5, "ZZ", (2, 0))
    return c


OBS = [(0.7, "ZX", (0, 2)), (-0.4, "Y", (1,)), (0.3, "XXZ", (0, 1, 2))]


@pytest.mark.parametrize("initial", ["000", "011"])
def test_matches_exact_quadrature_over_all_angles(initial):
    """Against dense adjoint gradients on a 3^P angle grid.

    (d_k C)^2 is a trigonometric polynomial of degree <= 2 in every angle, so
    the mean over 3 equispaced angles per parameter is its exact average.
    """
    c = _mixed_circuit()
    P, M = c.num_parameters, 3
    grid = 2 * np.pi * np.arange(M) / M
    acc = np.zeros(P)
    for th in itertools.product(grid, repeat=P):
        g = tnbp.gradient(c.bind(np.array(th)), OBS, method="adjoint", initial=initial)
        acc += np.asarray(g) ** 2
    m = exact_gradient_variance(c, OBS, initial=initial)
    assert_allclose(m.variance, acc / M**P, rtol=0, atol=1e-13)
    assert not m.truncated
    assert m.variance.min() > 1e-3  # every parameter matters here: not a 0 == 0 test


def test_depends_on_the_initial_state():
    c = tnbp.Circuit(2)
    c.apply(unitary_group.rvs(4, random_state=3), 0, 1)
    c.ry(0.0, 0)
    obs = [(1.0, "ZX", (0, 1))]
    a = exact_gradient_variance(c, obs, initial="00").variance
    b = exact_gradient_variance(c, obs, initial="10").variance
    assert abs(a[0] - b[0]) > 1e-3


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 20, 35, 50])
def test_toy_model_closed_forms(n):
    """arXiv:2005.12458: (1/8)(3/8)^(n-1) (global) and 1/(8 n^2) (local), exactly."""
    circ = ansatz.toy_perceptron(n, seed=n)
    g = exact_gradient_variance(circ, global_cost_all(n))
    loc = exact_gradient_variance(circ, local_cost_all(n))
    assert_allclose(g.variance, theory.toy_global_cost_gradient_variance(n), rtol=1e-10)
    assert_allclose(
        loc.variance, theory.toy_local_cost_gradient_variance(n), rtol=1e-10
    )
    # the doubled engine keeps the toy circuit's product state a product (bond
    # 1); the Pauli-transfer chain (auto up to n = 10) agrees with it
    doubled = exact_gradient_variance(circ, global_cost_all(n), engine="doubled")
    assert doubled.max_bond_reached == 1 and doubled.engine == "doubled"
    assert_allclose(g.variance, doubled.variance, rtol=1e-12)
    assert g.engine == ("pauli" if n <= 10 else "doubled")


def test_toy_global_cost_typical_sample_decays_faster_than_the_variance():
    """The module docstring's rare-event claim, for the toy model's global cost.

    d_1 C = (1/2) sin(theta_1) prod_{j>1} cos^2(theta_j / 2), so
    E ln (d_1 C)^2 drops by E ln cos^4(theta/2) = -4 ln 2 (e^-2.77, 1/16) per
    qubit, while E (d_1 C)^2 drops by 3/8: a typical sample is 6x further
    below the variance with each qubit.
    """
    m, log_means = 4000, {}
    for n in (2, 8):
        rng = np.random.default_rng(n)
        circuits = [ansatz.toy_perceptron(n, seed=rng) for _ in range(m)]
        g = gradient_batch(circuits, global_cost_all(n))[:, 0]
        theta = np.array([c.parameters for c in circuits])
        formula = 0.5 * np.sin(theta[:, 0]) * np.prod(np.cos(theta[:, 1:] / 2) ** 2, 1)
        assert_allclose(np.abs(g), np.abs(formula), rtol=1e-9, atol=1e-15)
        log_means[n] = np.log(g**2).mean()
        # the exact variance is the mean of g^2 (zero mean): (1/8)(3/8)^(n-1)
        assert_allclose(
            exact_gradient_variance(
                circuits[0], global_cost_all(n), parameters=0
            ).variance[0],
            theory.toy_global_cost_gradient_variance(n),
            rtol=1e-10,
        )
    # Var ln cos^4(theta/2) = 16 pi^2/12 per qubit: SE of the difference of the
    # two means ~ sqrt((7 + 1) * 13.2 / 4000) ~ 0.16; 0.8 is 5 SE (-16.6 expected)
    # (with the exact 3/8 above, the typical sample falls (3/8)/(1/16) = 6x
    # further below the variance per qubit)
    per_qubit = (log_means[8] - log_means[2]) / 6
    assert abs(per_qubit - (-4 * np.log(2))) < 0.8 / 6


def test_parameter_subsets_and_negative_indices():
    circ = ansatz.hardware_efficient(5, layers=2, seed=0)
    full = exact_gradient_variance(circ, local_cost_all(5))
    some = exact_gradient_variance(circ, local_cost_all(5), parameters=[7, -1, 2])
    # the parameters convention: order kept, negative indices from the end
    assert list(some.parameters) == [7, circ.num_parameters - 1, 2]
    assert_allclose(some.variance, full.variance[some.parameters], rtol=1e-12)
    with pytest.raises(ValueError, match="`parameters`.*more than once"):
        exact_gradient_variance(
            circ, local_cost_all(5), parameters=[3, 3 - circ.num_parameters]
        )


def test_agrees_with_sampling_on_hardware_efficient_ansatz():
    """Sampled variance over random angles within 4 standard errors of the exact one."""
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    kw = dict(
        observable=local_cost_all, parameters=[0, 5, 11], executor="serial", seed=5
    )
    sampled = tnbp.gradient_variance(build, [6], samples=3000, **kw)
    exact = tnbp.gradient_variance(build, [6], samples=1, estimator="exact", **kw)
    z = (sampled.variance - exact.variance) / sampled.variance_se
    assert np.all(np.abs(z) < 4), z.to_numpy()
    assert (exact["mean"] == 0).all() and (exact.estimator == "exact").all()
    assert exact.variance_se.isna().all()  # one structure: no spread to report


def test_ensemble_table_reaches_the_toy_global_cost_at_50_qubits():
    ns = [2, 10, 16, 25, 50]
    df = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        ns,
        observable=global_cost_all,
        samples=1,
        parameters=[0, -1],
        estimator="exact",
        executor="serial",
    )
    expected = [theory.toy_global_cost_gradient_variance(n) for n in df.n]
    assert_allclose(df.variance, expected, rtol=1e-10)
    assert df.variance_reliable.all() and (df.untrusted_runs == 0).all()
    fit = tnbp.fit_exponential_decay(df.n, df.variance)
    assert fit.rate == pytest.approx(np.log(8 / 3), rel=1e-9)


def test_random_structures_are_averaged():
    """Haar brickwork: random fixed gates, so `samples` structures give a spread."""
    build = functools.partial(ansatz.haar_brickwork, layers=2)

    def with_angles(n, seed):  # a Haar layer, then trainable RY on every qubit
        circ = build(n, seed=seed)
        for q in range(n):
            circ.ry(0.0, q)
        return circ

    df = tnbp.gradient_variance(
        with_angles,
        [4],
        observable=[(1.0, "ZZ", (1, 2))],
        samples=4,
        parameters=[1],
        estimator="exact",
        executor="serial",
        seed=2,
    )
    assert df.variance_se.iloc[0] > 0 and np.isfinite(df.variance_se.iloc[0])


def test_max_bond_cap_is_flagged():
    circ = ansatz.hardware_efficient(8, layers=4, seed=0)
    with pytest.warns(tnbp.TruncationWarning, match="max_bond=4"):
        m = exact_gradient_variance(circ, global_cost_all(8), parameters=0, max_bond=4)
    assert m.truncated
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not exact_gradient_variance(
            circ, global_cost_all(8), parameters=0
        ).truncated


def test_coarse_cutoff_is_flagged():
    """A cutoff above rounding drops untracked weight: 5.6% off here, so flagged.

    The doubled engine's (the Pauli-transfer chain's coarse cutoffs are tested
    with their bound in test_pauli_moments.py).
    """
    circ = ansatz.hardware_efficient(6, 3, seed=0, pattern="brick")
    kw = dict(engine="doubled")
    exact = exact_gradient_variance(circ, global_cost_all(6), **kw)
    with pytest.warns(tnbp.TruncationWarning, match="cutoff=0.5"):
        coarse = exact_gradient_variance(circ, global_cost_all(6), cutoff=0.5, **kw)
    assert coarse.truncated and not exact.truncated
    assert np.abs(coarse.variance / exact.variance - 1).max() > 0.01  # a real error
    with warnings.catch_warnings():  # rounding-level cutoffs stay exact and quiet
        warnings.simplefilter("error")
        fine = exact_gradient_variance(circ, global_cost_all(6), cutoff=1e-12, **kw)
    assert not fine.truncated
    assert_allclose(fine.variance, exact.variance, rtol=1e-8)


def test_bad_input_names_the_argument():
    circ = ansatz.toy_perceptron(3, seed=0)
    obs = global_cost_all(3)
    with pytest.raises(TypeError, match="circuit"):
        exact_gradient_variance("circ", obs)
    with pytest.raises(ValueError, match="parameters"):
        exact_gradient_variance(circ, obs, parameters=3)
    with pytest.raises(ValueError, match="parameters"):
        exact_gradient_variance(circ, obs, parameters=[])
    with pytest.raises(ValueError, match="cutoff"):
        exact_gradient_variance(circ, obs, cutoff=-1.0)
    with pytest.raises(ValueError, match="observable"):
        exact_gradient_variance(circ, [(1.0, "Z", (5,))])
    with pytest.raises(ValueError, match="circuit"):
        exact_gradient_variance(tnbp.Circuit(2), [(1.0, "Z", (0,))])
    with pytest.raises(ValueError, match="estimator"):
        tnbp.gradient_variance(
            ansatz.toy_perceptron, [2], observable=obs, estimator="x"
        )
    with pytest.raises(ValueError, match="observable"):
        tnbp.gradient_variance(
            ansatz.toy_perceptron,
            [2],
            observable=observables.mse_loss(obs, 0.5),
            estimator="exact",
        )
    # before any task runs, not as "exact_gradient_variance() got an unexpected
    # keyword argument" (or "multiple values for 'initial'") from the first one
    for opts in ({"foo": 1}, {"initial": "00"}, {"parameters": [0]}):
        with pytest.raises(TypeError, match="`sim_opts`"):
            tnbp.gradient_variance(
                ansatz.toy_perceptron,
                [2],
                observable=obs,
                estimator="exact",
                sim_opts=opts,
                executor="serial",
            )


@pytest.mark.parametrize("engine", ["auto", "pauli", "doubled"])
def test_a_constant_observable_has_zero_variance(engine):
    """A constant has no derivative on either engine (the doubled one raised).

    The circuit is Clifford for the Pauli chain; "auto" on a circuit with a
    Haar-random gate takes the doubled engine.
    """
    circ = ansatz.hardware_efficient(3, 1, seed=0)
    obs = [(1.5, "II", (0, 2))]  # the identity: a constant
    m = exact_gradient_variance(circ, obs, engine=engine, parameters=[0, -1])
    assert np.array_equal(m.variance, np.zeros(2))
    circ.apply(unitary_group.rvs(4, random_state=0), 0, 2)
    if engine != "pauli":
        m = exact_gradient_variance(circ, obs, engine=engine)
        assert m.engine == "doubled"
        assert np.array_equal(m.variance, np.zeros(circ.num_parameters))
