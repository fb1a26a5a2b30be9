"""Gradient ensembles against the closed forms of arXiv:2005.12458 (toy perceptron)."""

import ast
import concurrent.futures as cf
import functools
import multiprocessing
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal

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


@pytest.mark.parametrize(
    ("backend", "expected"),
    [("dense", "adjoint"), ("mps", "parameter_shift"), ("tn", "adjoint")],
)
def test_default_method_runs_on_every_backend_and_is_reported(backend, expected):
    """``backend="mps"`` failed: "`method`='adjoint' runs on `backend` in ..."."""
    kwargs = dict(
        observable=[(1.0, "ZZ", (1, 2))], samples=4, seed=5, executor="serial"
    )
    build = functools.partial(ansatz.hardware_efficient, layers=1)
    df = tnbp.gradient_variance(build, [3, 4], backend=backend, **kwargs)
    assert (df.method == expected).all()  # the method that ran, never None
    ref = tnbp.gradient_variance(
        build, [3, 4], method="parameter_shift", backend="dense", **kwargs
    )
    # every method here is exact up to rounding (derivatives of order 1, ~1e-15)
    # and the 4-qubit MPS is never truncated
    cols = ["mean", "variance", "inf_norm_mean", "inf_norm_variance"]
    assert_allclose(df[cols].to_numpy(), ref[cols].to_numpy(), rtol=1e-9, atol=1e-13)


def test_parameters_as_a_function_of_n():
    """The middle qubit's first rotation at every n: ``parameters=lambda n: [n // 2]``."""
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    kwargs = dict(observable=local_cost_all, samples=5, seed=1, executor="serial")
    df = tnbp.gradient_variance(
        build, [3, 4, 5], parameters=lambda n: [n // 2, -1], **kwargs
    )
    assert df.parameter.tolist() == [1, 11, 2, 15, 2, 19]  # -1: 4 n - 1 angles
    for n in (3, 4, 5):  # the same rows as the selection written out per n
        fixed = tnbp.gradient_variance(build, [n], parameters=[n // 2, -1], **kwargs)
        assert_allclose(
            df[df.n == n].variance.to_numpy(), fixed.variance.to_numpy(), rtol=0
        )
    exact = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [2, 4],
        observable=global_cost_all,
        samples=1,
        parameters=lambda n: n - 1,  # the last perceptron's angle
        estimator="exact",
        executor="serial",
    )
    assert exact.parameter.tolist() == [1, 3]
    assert_allclose(  # the toy global cost: every angle has the variance of eq. 7
        exact.variance, [theory.toy_global_cost_gradient_variance(n) for n in (2, 4)]
    )


@pytest.mark.parametrize("backend", ["dense", "mps"])
@pytest.mark.parametrize("selection", [[1, 0], [-1, 0], lambda n: [n - 1, 0]])
def test_every_parameter_in_another_order_keeps_its_label(selection, backend):
    """A selection of every angle out of order: each row holds its own angle's moments.

    (Once the gradient of the selection, already in its order, was permuted a
    second time, so parameter 1's row held parameter 0's numbers.)
    """

    def build(n, seed):
        c = tnbp.Circuit(n)
        a = seed.uniform(0, 2 * np.pi, n)
        c.pauli_rotation(a[0], "Y", (0,))
        c.pauli_rotation(a[1], "X", (1,))
        return c

    kwargs = dict(
        observable=[(1.0, "ZZ", (0, 1))],
        samples=3,
        seed=1,
        executor="serial",
        method="parameter_shift",
        backend=backend,
        inf_norm=False,
    )
    ordered = tnbp.gradient_variance(build, [2], parameters=[0, 1], **kwargs)
    shuffled = tnbp.gradient_variance(build, [2], parameters=selection, **kwargs)
    by_label = shuffled.set_index("parameter").loc[[0, 1]]
    # the same samples, so the same numbers up to summation order (1e-14)
    assert_allclose(by_label["mean"], ordered["mean"], rtol=1e-12, atol=1e-14)
    assert_allclose(by_label.variance, ordered.variance, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("parameters", "exc", "match"),
    [
        (
            lambda n: [4 * n],
            ValueError,
            r"`parameters\(3\)` has indices \[12\] out of ",
        ),
        (lambda n: [], ValueError, r"`parameters\(3\)` must select at least one"),
        (
            lambda n: [1, 1],
            ValueError,
            r"`parameters\(3\)` selects parameter\(s\) \[1\]",
        ),
        (lambda n: 2.5, TypeError, r"`parameters\(3\)` must be 'all', an int"),
        (lambda n: [0] if n == 3 else "x", ValueError, r"`parameters\(4\)` must be"),
    ],
)
@pytest.mark.parametrize("executor", ["serial", None])
def test_parameters_of_n_are_checked_at_every_n(parameters, exc, match, executor):
    with pytest.raises(exc, match=match):
        tnbp.gradient_variance(
            functools.partial(ansatz.hardware_efficient, layers=2),
            [3, 4],
            observable=[(1.0, "Z", (0,))],
            samples=2,
            parameters=parameters,
            executor=executor,
        )


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


def test_stdlib_process_pools_need_picklable_inputs_threads_and_loky_do_not():
    def local_cost(n):  # a closure: pickle refuses it, cloudpickle ships it
        return observables.local_cost(range(n))

    kwargs = dict(observable=local_cost, samples=4, seed=0)
    with (
        cf.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn")
        ) as ex,
        pytest.raises(TypeError, match="`observable`.*picklable"),
    ):
        tnbp.gradient_variance(ansatz.toy_perceptron, [2], executor=ex, **kwargs)
    serial = tnbp.gradient_variance(
        ansatz.toy_perceptron, [2], executor="serial", **kwargs
    )
    for executor in ("threads", "processes"):
        df = tnbp.gradient_variance(
            ansatz.toy_perceptron, [2], executor=executor, **kwargs
        )
        assert_frame_equal(df, serial, check_exact=True)


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


def test_global_cost_decays_exponentially():
    """Shallow (2-layer) hardware-efficient ansatz: the global cost's Var ~ exp(-n)."""
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    glob = tnbp.gradient_variance(
        build,
        [4, 6, 8, 10],
        observable=global_cost_all,
        samples=200,
        parameters=[0],
        executor="serial",
        seed=4,
    )
    g = tnbp.fit_exponential_decay(glob.n, glob.variance, variance_err=glob.variance_se)
    # Var shrinks by > 1.6x per qubit; 1/n^2 would give at most 0.31 on 4..10
    assert g.rate > 0.5


def _chi2(x, y, sigma):
    """Chi-square of the weighted least-squares line y ~ a + b x, and (b, err b)."""
    A = np.vstack([np.ones_like(x), x]).T / sigma[:, None]
    coef, *_ = np.linalg.lstsq(A, y / sigma, rcond=None)
    cov = np.linalg.inv(A.T @ A)
    return float(np.sum((y / sigma - A @ coef) ** 2)), coef[1], np.sqrt(cov[1, 1])


def test_local_cost_decays_as_a_power_law_not_exponentially():
    """Local cost of the 2-layer hardware-efficient ansatz: Var[d_0 C] = c / n^2.

    Only the few terms inside the lightcone of parameter 0 depend on it, each
    weighted 1/n, so d_0 C = X / n with X independent of n once the cone fits:
    Var = c / n^2 exactly (c = 11/128 from the exact ensemble moments). On
    n = 4..32 (a factor 8, where log n and n are far from proportional) both
    decay models are fitted to the sampled variances, with log-errors se/var.
    """
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    kw = dict(observable=local_cost_all, parameters=[0], executor="serial", seed=4)
    exact = tnbp.gradient_variance(
        build, [4, 8, 16], samples=1, estimator="exact", **kw
    )
    # the lightcone argument, exactly: n^2 Var is one constant
    assert_allclose(exact.variance * exact.n**2, 11 / 128, rtol=1e-10)
    loc = tnbp.gradient_variance(
        build,
        [4, 8, 16, 32],
        samples=60,
        method="parameter_shift",
        inf_norm=False,
        **kw,
    )
    n = loc.n.to_numpy(float)
    y = np.log(loc.variance.to_numpy())
    sigma = (loc.variance_se / loc.variance).to_numpy()  # ~0.13 (ESS ~25 of 60)
    chi2_power, slope, slope_err = _chi2(np.log(n), y, sigma)
    chi2_exp, _, _ = _chi2(n, y, sigma)
    # Both models have two parameters, so their chi2 compare directly. On exact
    # data the best exponential misses log Var by 0.28-0.55 at these n, i.e.
    # chi2_exp - chi2_power ~ 45 at sigma ~ 0.13; over 20 other seeds the
    # difference was 17 to 65 (here 59). A power law of exponent -2 wins.
    assert chi2_exp - chi2_power > 10, (chi2_power, chi2_exp)
    # exponent: over those 20 seeds |slope + 2| stayed below 2.2 slope_err
    assert abs(slope + 2) < 4 * slope_err, (slope, slope_err)


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


@pytest.mark.parametrize(
    ("method", "backend", "extra"),
    [
        ("adjoint", "dense", {}),  # batched sweeps per chunk
        ("parameter_shift", "mps", {"sim_opts": {"max_bond": 2}}),  # truncates at n=4
        ("adjoint", "tn", {}),  # cached contraction trees
    ],
)
def test_threads_serial_and_processes_give_bitwise_equal_tables(method, backend, extra):
    kwargs = dict(
        observable=local_cost_all,
        samples=4,
        seed=21,
        chunk_size=2,
        method=method,
        backend=backend,
        **extra,
    )
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    truncates = pytest.warns(tnbp.TruncationWarning) if extra else nullcontext()
    with truncates:
        serial = tnbp.gradient_variance(build, [2, 4], executor="serial", **kwargs)
    for executor in ("threads", "processes"):
        with pytest.warns(tnbp.TruncationWarning) if extra else nullcontext():
            df = tnbp.gradient_variance(build, [2, 4], executor=executor, **kwargs)
        assert_frame_equal(df, serial, check_exact=True)
    if backend == "mps":  # the truncation columns come from the diagnostics
        four = serial[serial.n == 4]
        assert (four.min_fidelity < 1).all() and (four.untrusted_runs > 0).all()
        assert (four.max_discarded_weight > 0).all()


@pytest.mark.parametrize(
    ("executor", "exc"),
    [("pool", ValueError), ("Serial", ValueError), (2, TypeError), ([], TypeError)],
)
def test_unsupported_executors_are_refused(executor, exc):
    with pytest.raises(exc, match="`executor` must be None, one of"):
        tnbp.gradient_variance(
            ansatz.toy_perceptron,
            [2],
            observable=local_cost_all,
            samples=2,
            executor=executor,
        )


def test_seed_sequences_and_generators_are_seeds():
    kwargs = dict(observable=local_cost_all, samples=5, executor="serial")
    build = ansatz.toy_perceptron
    by_int = tnbp.gradient_variance(build, [3], seed=8, **kwargs)
    by_sequence = tnbp.gradient_variance(
        build, [3], seed=np.random.SeedSequence(8), **kwargs
    )
    assert_frame_equal(by_sequence, by_int, check_exact=True)
    assert (by_int.seed == "8").all()
    by_rng = tnbp.gradient_variance(build, [3], seed=np.random.default_rng(0), **kwargs)
    # the recorded seed reproduces a Generator-seeded run
    again = tnbp.gradient_variance(build, [3], seed=int(by_rng.seed.iloc[0]), **kwargs)
    assert_frame_equal(again, by_rng, check_exact=True)
    assert not np.array_equal(by_rng["mean"], by_int["mean"])
    with pytest.raises(TypeError, match="`seed`"):
        tnbp.gradient_variance(build, [3], seed=1.0, **kwargs)


PLAIN_SCRIPT = """\
import tnbp
from tnbp import ansatz, observables


def build(n, seed):
    return ansatz.hardware_efficient(n, layers=1, seed=seed)


df = tnbp.gradient_variance(
    build,
    [2, 3],
    observable=lambda n: observables.local_cost(range(n)),
    samples=6,
    chunk_size=2,
    seed=5,
)
print(repr(df.variance.tolist()))
"""


def test_default_executor_runs_from_a_plain_script(tmp_path):
    """No __main__ guard, builder and observable defined in the script (loky)."""
    script = tmp_path / "plain.py"
    script.write_text(PLAIN_SCRIPT)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    seconds = time.perf_counter() - start
    assert out.returncode == 0, out.stderr
    expected = tnbp.gradient_variance(
        functools.partial(ansatz.hardware_efficient, layers=1),
        [2, 3],
        observable=local_cost_all,
        samples=6,
        chunk_size=2,
        seed=5,
        executor="serial",
    )
    assert ast.literal_eval(out.stdout.strip()) == expected.variance.tolist()
    print(f"plain script with the default executor: {seconds:.1f} s")


def _mixed_depth(n, seed):
    """Random layer count: 6 or 12 parameters at n=3 (hardware_efficient, 2n per layer)."""
    return ansatz.hardware_efficient(n, layers=int(seed.integers(1, 3)), seed=seed)


@pytest.mark.parametrize("chunk_size", [1, 8])  # across chunks and within one
@pytest.mark.parametrize("parameters", ["all", [0]])
def test_build_with_varying_parameter_counts_is_refused(chunk_size, parameters):
    # seed 1 draws both depths among the 8 samples (checked by the match)
    with pytest.raises(ValueError, match=r"`build`.*at n=3 got 6 and 12"):
        tnbp.gradient_variance(
            _mixed_depth,
            [3],
            observable=local_cost_all,
            samples=8,
            parameters=parameters,
            chunk_size=chunk_size,
            executor="serial",
            seed=1,
        )


def _mixed_structure(n, seed):
    return ansatz.toy_perceptron(n + int(seed.integers(0, 2)), seed=seed)


def test_exact_estimator_refuses_varying_parameter_counts():
    with pytest.raises(ValueError, match=r"`build`.*same number of trainable"):
        tnbp.gradient_variance(
            _mixed_structure,
            [3],
            observable=[(1.0, "Z", (0,))],
            samples=8,
            chunk_size=1,
            estimator="exact",
            executor="serial",
            seed=1,
        )


@pytest.mark.parametrize("returned", ["abc", None])
def test_build_must_return_a_circuit(returned):
    with pytest.raises(
        TypeError, match=rf"`build` must return a tnbp.Circuit.*{returned}"
    ):
        tnbp.gradient_variance(
            lambda n, seed: returned,
            [2],
            observable=local_cost_all,
            samples=2,
            executor="serial",
        )


def test_n_values_must_be_a_sequence():
    with pytest.raises(TypeError, match="`n_values` must be a sequence"):
        tnbp.gradient_variance(
            ansatz.toy_perceptron, 3, observable=local_cost_all, executor="serial"
        )


def test_one_sample_variance_is_never_reliable():
    df = tnbp.gradient_variance(
        ansatz.toy_perceptron,
        [3],
        observable=local_cost_all,
        samples=1,
        executor="serial",
        seed=0,
    )
    assert df.variance.isna().all() and not df.variance_reliable.any()


def test_rows_with_untrusted_runs_are_never_reliable():
    build = functools.partial(ansatz.hardware_efficient, layers=2)
    with pytest.warns(tnbp.TruncationWarning):
        df = tnbp.gradient_variance(
            build,
            [4],
            observable=local_cost_all,
            samples=8,
            method="parameter_shift",
            backend="mps",
            sim_opts={"max_bond": 2},  # truncates at n=4
            executor="serial",
            seed=21,
        )
    assert (df.untrusted_runs > 0).all()
    assert not df.variance_reliable.any()
    # the ESS criterion alone would pass some rows: the caveats decide
    assert (df.variance_ess >= 0.1 * df.samples).any()
