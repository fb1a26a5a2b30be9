"""Options handed on to simulate: one check for every caller."""

import inspect

import pytest

import tnbp
from tnbp.states.simulate import SIM_OPTIONS, check_sim_opts, simulate


def test_sim_options_are_simulates_keywords():
    """SIM_OPTIONS lists every keyword of simulate but its circuit, backend and start."""
    keywords = set(inspect.signature(simulate).parameters) - {
        "circuit",
        "backend",
        "initial",
    }
    assert set(SIM_OPTIONS) == keywords


@pytest.mark.parametrize(
    ("opts", "backend", "error", "match"),
    [
        ([("max_bond", 2)], "mps", TypeError, "`sim_opts` must be a dict"),
        ({"bogus": 1}, "mps", TypeError, r"unknown option\(s\) \['bogus'\]"),
        ({"max_bond": 2}, "tn", ValueError, "not 'tn'"),
    ],
)
def test_bad_options_are_named(opts, backend, error, match):
    with pytest.raises(error, match=match):
        check_sim_opts(opts, backend)


def test_callers_check_their_options():
    """gradient and dqnn_cost used to pass unknown keys on, or drop them silently."""
    circ = tnbp.ansatz.hardware_efficient(3, 1, seed=0)
    obs = [(1.0, "Z", (0,))]
    with pytest.raises(TypeError, match="`sim_opts` has unknown"):
        tnbp.gradient(circ, obs, sim_opts={"foo": 1})
    net = tnbp.DQNN((2, 2), "toy", seed=0)
    with pytest.raises(TypeError, match="`sim_opts` has unknown"):
        tnbp.dqnn_cost(net, ["00"], ["00"], backend="mps", sim_opts={"foo": 1})
    with pytest.raises(TypeError, match="`sim_opts` must be a dict"):
        tnbp.dqnn_cost(net, ["00"], ["00"], sim_opts=[1])
    with pytest.raises(ValueError, match="not 'tn'"):
        tnbp.dqnn_cost(net, ["00"], ["00"], backend="tn", sim_opts={"max_bond": 1})
    assert check_sim_opts(None, "dense") == {}
