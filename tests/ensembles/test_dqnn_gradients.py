"""DQNN gradient ensembles: Theorems 1 and 2 of arXiv:2005.12458 at small n."""

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

import tnbp
from tnbp.results.schema import DQNN_GRADIENT_VARIANCE


def _square(n):
    return (n, n)


def _inputs(n):
    return ["0" * n, "+" * n]


def _targets(n):
    return ["0" * n, "1" * n]


def test_table_does_not_depend_on_executor_or_chunking():
    kw = dict(derivative="matrix", cost="local", samples=6, seed=3)
    a = tnbp.dqnn_gradient_variance(_square, [1, 2], executor="serial", **kw)
    b = tnbp.dqnn_gradient_variance(
        _square, [2, 1], executor="threads", chunk_size=2, **kw
    )
    assert list(a.columns) == DQNN_GRADIENT_VARIANCE.names
    assert a.equals(b.sort_values("n", ignore_index=True))
    assert set(a.parameter) == {-1} and set(a.method) == {"adjoint_matrix"}
    assert list(a.widths) == ["1,1", "2,2"] and set(a.training_pairs) == {1}


def test_angle_rows_follow_the_selection_and_the_gradient():
    df = tnbp.dqnn_gradient_variance(
        _square,
        [2],
        samples=3,
        parameters=lambda n: [5, 1],
        inputs=_inputs,
        targets=_targets,
        seed=0,
        executor="serial",
    )
    assert list(df.parameter) == [5, 1] and set(df.training_pairs) == {2}
    # the rows' means are those of dqnn_gradient over the same seeded networks
    root = np.random.SeedSequence(0)
    grads = []
    for s in range(3):
        rng = np.random.default_rng(
            np.random.SeedSequence(root.entropy, spawn_key=(2, s))
        )
        net = tnbp.DQNN((2, 2), "global", seed=rng)
        grads.append(
            tnbp.dqnn_gradient(net, _inputs(2), _targets(2), parameters=[5, 1])
        )
    # the same adjoint computation: equal to rounding
    np.testing.assert_allclose(df["mean"], np.mean(grads, axis=0), atol=1e-14)


@pytest.mark.parametrize("cost", ["global", "local"])
@pytest.mark.parametrize("derivative", ["angle", "matrix"])
def test_mean_derivative_vanishes(derivative, cost):
    """Perceptrons that are 1-designs give <dC/d theta> = <dC/ds> = 0 (paper, before Thm 2)."""
    df = tnbp.dqnn_gradient_variance(
        _square,
        [2],
        derivative=derivative,
        cost=cost,
        samples=40,
        parameters=12 if derivative == "angle" else None,  # mid first perceptron
        inputs=_inputs,
        targets=_targets,
        seed=11,
        executor="serial",
    )
    row = df.iloc[0]
    # a zero mean is within 3 standard errors for all but 0.3% of seeds
    assert abs(row["mean"]) < 3 * row.mean_se
    assert row.variance > 0 and row.variance_reliable


def test_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="`widths` must be a callable"):
        tnbp.dqnn_gradient_variance((2, 2), [2])
    with pytest.raises(ValueError, match="`parameters` is for derivative='angle'"):
        tnbp.dqnn_gradient_variance(_square, [2], derivative="matrix", parameters=0)
    with pytest.raises(ValueError, match="`backend` is for derivative='angle'"):
        tnbp.dqnn_gradient_variance(_square, [2], derivative="matrix", backend="mps")
    with pytest.raises(ValueError, match="`derivative`"):
        tnbp.dqnn_gradient_variance(_square, [2], derivative="hessian")
    with pytest.raises(ValueError, match="`targets` must have one target per input"):
        tnbp.dqnn_gradient_variance(
            _square,
            [2],
            samples=1,
            inputs=_inputs,
            targets=["00"],
            executor="serial",
        )
    with pytest.raises(ValueError, match="`targets` must be given with `inputs`"):
        tnbp.dqnn_gradient_variance(
            _square, [2], samples=1, inputs=_inputs, executor="serial"
        )
    with pytest.raises(ValueError, match=r"`targets\[0\]`"):
        tnbp.dqnn_gradient_variance(
            _square, [2], samples=1, targets=["0"], executor="serial"
        )


class _NoPool:
    """An executor that fails the test if any task reaches it."""

    def submit(self, *args, **kwargs):
        raise AssertionError("a task was submitted before the arguments were checked")


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((_square, [2]), {"samples": 10**12}, ValueError, "`samples`.*MAX_SAMPLES"),
        ((_square, [10**6]), {}, ValueError, r"`widths\(1000000\)`.*MAX_DQNN_GATES"),
        (
            (_square, [2]),
            {"perceptron_opts": {"layers": 0}},
            ValueError,
            "perceptron_opts",
        ),
        ((lambda n: n, [2]), {}, TypeError, r"`widths\(2\)`"),
        ((lambda n: None, [2]), {}, TypeError, r"`widths\(2\)`"),
        ((lambda n: {n, n + 1}, [2]), {}, TypeError, r"`widths\(2\)`"),
        (
            (_square, [2]),
            {"derivative": "matrix", "parameters": np.array([0, 1])},
            ValueError,
            "`parameters` is for derivative='angle'",
        ),
        (
            (_square, [2]),
            {"perceptron": lambda l, j, i, o: []},
            TypeError,
            r"`perceptron`.*tnbp.gradient_variance\(build",
        ),
        (
            (_square, [2]),
            {"inputs": {"00": 1}, "targets": ["00"]},
            TypeError,
            "`inputs` must be a sequence",
        ),
    ],
)
def test_bad_arguments_fail_before_any_task(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        tnbp.dqnn_gradient_variance(*args, executor=_NoPool(), **kwargs)


def test_iterator_inputs_are_read_once_for_every_sample():
    kw = dict(samples=3, derivative="matrix", seed=1, executor="serial")
    pairs = ["0+", "+0"]
    a = tnbp.dqnn_gradient_variance(
        _square, [2], inputs=iter(pairs), targets=iter(["00", "11"]), **kw
    )
    b = tnbp.dqnn_gradient_variance(
        _square, [2], inputs=pairs, targets=["00", "11"], **kw
    )
    assert a.training_pairs.tolist() == [2]
    assert_frame_equal(a, b)
    # a callable of n returning a generator: every sample ran, then len() failed
    c = tnbp.dqnn_gradient_variance(
        _square,
        [2],
        inputs=lambda n: (x for x in pairs),
        targets=lambda n: (t for t in ["00", "11"]),
        **kw,
    )
    assert_frame_equal(c, b)


@pytest.mark.slow
@pytest.mark.parametrize(
    "derivative, cost, bits",
    [
        ("angle", "global", 2),
        ("angle", "local", 1),
        ("matrix", "global", 1),
        ("matrix", "local", 1),
    ],
)
def test_variances_decay_at_least_at_the_bounds_rate(derivative, cost, bits):
    """Theorems 1 and 2: Var in O(2^(-bits n)) for deep global perceptrons, n = 1..4.

    The bounds are asymptotic with unstated constants, so the test checks their
    shape: the variance falls at every step, and the fitted rate's 95% interval
    reaches the bound's rate (a rate clearly below it at these n would
    contradict the bound unless pre-asymptotic; see the study
    ``dqnn_global_perceptrons`` for n up to 6).
    """
    df = tnbp.dqnn_gradient_variance(
        _square,
        [1, 2, 3, 4],
        derivative=derivative,
        cost=cost,
        samples=100,
        parameters=_middle if derivative == "angle" else None,
        inputs=_inputs,
        targets=_targets,
        seed=5,
        executor="serial",
    )
    v, se = df.variance.to_numpy(), df.variance_se.to_numpy()
    # each step down is significant beyond 3 standard errors of the difference
    assert (v[:-1] - v[1:] > -3 * np.hypot(se[:-1], se[1:])).all()
    assert v[-1] < v[0]
    fit = tnbp.fit_exponential_decay(df.n, v, variance_err=se)
    assert fit.rate_ci[1] / np.log(2) >= bits


def _middle(n):
    p = tnbp.DQNN((n, n), "global", seed=0).perceptrons[0].parameters
    return p[len(p) // 2]
