"""Gradient ensembles against the closed forms of arXiv:2005.12458 (toy perceptron)."""

import concurrent.futures as cf
import functools
import multiprocessing

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, observables, theory


def global_cost_all(n):
    return observables.global_cost(range(n))


def local_cost_all(n):
    return observables.local_cost(range(n))


def _z(df, ref):
    return ((df.variance - [ref(n) for n in df.n]) / df.variance_se).to_numpy()


def test_toy_global_cost_small_n_dense():
    df = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [2, 3, 4, 6, 8, 10, 12],
        observable=global_cost_all,
        samples=1000,
        parameters=[0],
        executor="serial",
        seed=1,
    )
    z = _z(df, theory.toy_global_cost_gradient_variance)
    assert np.all(np.abs(z) < 3), z
    # heavy tails set in early: from n ~ 4 a few samples carry the variance
    assert df.variance_reliable.iloc[0] and not df.variance_reliable.iloc[-1]


def test_toy_local_cost_up_to_50_qubits_mps():
    df = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [2, 5, 10, 20, 35, 50],
        observable=local_cost_all,
        samples=400,
        parameters=[0],
        method="parameter_shift",
        backend="mps",
        executor="serial",
        seed=2,
        inf_norm=False,
    )
    z = _z(df, theory.toy_local_cost_gradient_variance)
    assert np.all(np.abs(z) < 3), z
    assert df.variance_reliable.all()
    assert df.inf_norm_variance.isna().all()  # not computed when inf_norm=False


def test_toy_global_cost_large_n_is_flagged_unreliable():
    """Var = (1/8)(3/8)^(n-1) is a rare-event quantity: sampling cannot see it."""
    df = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [20, 35, 50],
        observable=global_cost_all,
        samples=400,
        parameters=[0],
        method="parameter_shift",
        backend="mps",
        executor="serial",
        seed=3,
        inf_norm=False,
    )
    assert (df.variance > 0).all()  # no cancellation to exact zeros
    assert not df.variance_reliable.any(), df.variance_ess.to_numpy()
    assert (
        df.variance < [theory.toy_global_cost_gradient_variance(n) for n in df.n]
    ).all()


def test_infinity_norm_and_all_parameters():
    df = tnbp.gradient_variance(
        functools.partial(ansatz.hardware_efficient, layers=2),
        [3, 4],
        observable=[(1.0, "ZZ", (0, 1))],
        samples=20,
        executor="serial",
        seed=0,
    )
    assert list(df.groupby("n").size()) == [12, 16]  # one row per parameter
    assert (df.inf_norm_mean > 0).all() and (df.inf_norm_variance > 0).all()
    assert (df.min_fidelity == 1).all() and (df.untrusted_runs == 0).all()


def test_results_independent_of_executor_and_n_list():
    kwargs = dict(observable=local_cost_all, samples=12, seed=7, chunk_size=5)
    build = functools.partial(ansatz.hardware_efficient, layers=1)
    serial = tnbp.gradient_variance(build, [2, 3], executor="serial", **kwargs)
    only3 = tnbp.gradient_variance(build, [3], executor="serial", **kwargs)
    with cf.ProcessPoolExecutor(
        2, mp_context=multiprocessing.get_context("spawn")
    ) as ex:
        pooled = tnbp.gradient_variance(build, [2, 3], executor=ex, **kwargs)
    cols = ["n", "parameter", "mean", "variance", "inf_norm_variance"]
    assert_allclose(serial[cols].to_numpy(), pooled[cols].to_numpy(), rtol=0, atol=0)
    assert_allclose(
        serial[serial.n == 3][cols].to_numpy(), only3[cols].to_numpy(), atol=0
    )


def test_unpicklable_inputs_rejected_for_pools():
    with cf.ThreadPoolExecutor(1) as ex, pytest.raises(TypeError, match="picklable"):
        tnbp.gradient_variance(
            ansatz.toy_perceptron,
            [2],
            observable=lambda n: observables.local_cost(range(n)),
            samples=2,
            executor=ex,
        )


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(n_values=[]), ValueError, "n_values"),
        (dict(samples=0), ValueError, "samples"),
        (dict(n_values=[0]), ValueError, "n_values"),
        (dict(method="magic"), ValueError, "method"),
        (dict(backend="gpu"), ValueError, "backend"),
    ],
)
def test_ensemble_input_errors(kwargs, exc, match):
    args = dict(n_values=[2], samples=2, observable=local_cost_all, executor="serial")
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        tnbp.gradient_variance(ansatz.toy_perceptron, **args)


def test_fit_exponential_decay():
    n = np.arange(2, 12)
    var = 0.3 * np.exp(-0.7 * n)
    fit = tnbp.fit_exponential_decay(n, var)
    assert fit.rate == pytest.approx(0.7) and fit.prefactor == pytest.approx(0.3)
    assert fit.rate_ci[0] <= 0.7 <= fit.rate_ci[1]
    rng = np.random.default_rng(0)
    noisy = var * np.exp(0.05 * rng.normal(size=n.size))
    fit = tnbp.fit_exponential_decay(n, noisy, variance_err=0.05 * noisy)
    assert abs(fit.rate - 0.7) < 3 * fit.rate_err
    assert fit.to_dict()["base"] == pytest.approx(np.exp(-fit.rate))
    with pytest.raises(ValueError, match="variance"):
        tnbp.fit_exponential_decay([1, 2, 3], [1.0, 0.0, 0.5])
    with pytest.raises(ValueError, match="n"):
        tnbp.fit_exponential_decay([1, 2], [1.0, 0.5])


def test_global_cost_decays_exponentially_local_polynomially():
    """Shallow (2-layer) hardware-efficient ansatz: global ~ exp(-n), local not."""
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    ns = [4, 6, 8, 10]
    glob = tnbp.gradient_variance(
        build,
        ns,
        observable=global_cost_all,
        samples=200,
        parameters=[0],
        executor="serial",
        seed=4,
    )
    loc = tnbp.gradient_variance(
        build,
        ns,
        observable=local_cost_all,
        samples=200,
        parameters=[0],
        executor="serial",
        seed=4,
    )
    g = tnbp.fit_exponential_decay(glob.n, glob.variance, variance_err=glob.variance_se)
    assert g.rate > 0.5  # global: Var shrinks by > 1.6x per qubit
    # local: Var ~ 1/n^2 at most, i.e. log-log slope >= -2.5 (polynomial)
    slope = np.polyfit(np.log(loc.n), np.log(loc.variance), 1)[0]
    assert slope > -2.5, slope


def test_deep_hardware_efficient_approaches_two_design():
    """60 layers: Var of a middle derivative of <Z0 Z1> -> d^2 / (2 (d+1)(d^2-1)).

    ANCHORS.md: with layers = n the ansatz is not yet a 2-design; deep circuits are.
    """
    layers = 60
    ns = [2, 3, 4, 5]
    build = functools.partial(ansatz.hardware_efficient, layers=layers)
    rows = []
    for n in ns:  # the first rotation of the middle layer
        df = tnbp.gradient_variance(
            build,
            [n],
            observable=[(1.0, "ZZ", (0, 1))],
            samples=400,
            parameters=[n * 2 * (layers // 2)],
            executor="serial",
            seed=10 + n,
        )
        rows.append(df.iloc[0])
    var = np.array([r.variance for r in rows])
    se = np.array([r.variance_se for r in rows])
    expected = np.array([theory.two_design_gradient_variance(n) for n in ns])
    assert np.all(np.abs(var - expected) < 3 * se), (var, expected, se)
    fit = tnbp.fit_exponential_decay(ns, var, variance_err=se)
    assert abs(fit.rate - np.log(2)) < 3 * fit.rate_err + 0.05, fit.to_dict()


def test_default_executor_is_a_process_pool():
    """executor=None spawns worker processes; results match the serial run exactly."""
    kwargs = dict(observable=local_cost_all, samples=6, seed=3, chunk_size=3)
    pooled = tnbp.gradient_variance(ansatz.toy_perceptron, [3], **kwargs)
    serial = tnbp.gradient_variance(
        ansatz.toy_perceptron, [3], executor="serial", **kwargs
    )
    assert_allclose(
        pooled.variance.to_numpy(), serial.variance.to_numpy(), rtol=0, atol=0
    )
