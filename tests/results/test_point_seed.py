"""point_seed: a sweep point's random stream is a function of its parameters alone."""

import numpy as np
import pytest

from tnbp.results import point_seed, store


def _draws(params, k=4):
    return np.random.default_rng(point_seed(params)).standard_normal(k)


def test_same_parameters_same_stream_whatever_the_order_or_version(monkeypatch):
    a = _draws({"sigma": 1e-3, "run": 2, "seed": 0})
    np.testing.assert_array_equal(a, _draws({"seed": 0, "run": 2, "sigma": 1e-3}))
    np.testing.assert_array_equal(
        a, _draws({"seed": np.int64(0), "run": 2, "sigma": 1e-3})
    )
    monkeypatch.setattr(
        store, "__version__", "0.0.0-other"
    )  # keys change, streams do not
    np.testing.assert_array_equal(a, _draws({"sigma": 1e-3, "run": 2, "seed": 0}))


def test_any_change_gives_another_stream():
    base = {"sigma": 1e-3, "run": 2, "seed": 0}
    a = _draws(base)
    for change in ({"sigma": 1.0000000000000002e-3}, {"run": 3}, {"seed": 1}, {"n": 4}):
        b = _draws({**base, **change})
        assert not np.any(a == b), change
    # JSON forms differ: 1 and 1.0 are different points, as in task_key
    assert not np.array_equal(_draws({"x": 1}), _draws({"x": 1.0}))


def test_streams_of_neighbouring_points_are_uncorrelated():
    """1000 points differing only in a float: their first draws look like N(0, 1)."""
    first = np.array(
        [_draws({"sigma": s}, 1)[0] for s in np.linspace(1e-3, 2e-3, 1000)]
    )
    # mean and variance of 1000 standard normals: SE 0.032 and 0.045
    assert abs(first.mean()) < 0.15 and abs(first.var() - 1) < 0.2
    # lag-1 correlation of independent draws: SE 0.032
    assert abs(np.corrcoef(first[:-1], first[1:])[0, 1]) < 0.15


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="finite"):
        point_seed({"sigma": float("nan")})
    with pytest.raises(TypeError, match="`params`"):
        point_seed({"sigma": [1, 2]})
    with pytest.raises(TypeError, match="`params`"):
        point_seed([("sigma", 1.0)])
