"""Gradients: methods and backends agree; exact references at n = 40."""

import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, free_fermion, observables

N = 5
OBSERVABLES = {
    "pauli_sum": [(1.0, "ZZ", (2, 3)), (0.3, "X", (0,)), (-0.7, "YZX", (4, 1, 3))],
    "global_cost": observables.global_cost(range(N)),
    "local_cost": observables.local_cost(range(N), "+-01+"),
}


@pytest.mark.parametrize("obs_name", sorted(OBSERVABLES))
def test_methods_and_backends_agree(ansatz_name, obs_name):
    circ = ANSATZ_BUILDERS[ansatz_name](N, 11)
    obs, initial = OBSERVABLES[obs_name], "01011"
    ref = tnbp.gradient(circ, obs, method="adjoint", initial=initial)
    if circ.num_parameters == 0:
        assert ref.shape == (0,)
        return
    if obs_name != "global_cost":  # global costs may vanish (e.g. particle number)
        assert np.abs(ref).max() > 1e-3
    ps = tnbp.gradient(circ, obs, method="parameter_shift", initial=initial)
    assert_allclose(ps, ref, atol=1e-10)
    # the MPS route shifts one parameter per pair of simulations: every 7th of
    # the 105 angles of unitary_qnn (20 s on 2 cores for all) still covers
    # every gate kind and position class of the zoo's circuits
    some = list(range(0, circ.num_parameters, 7 if circ.num_parameters > 40 else 1))
    ps_mps = tnbp.gradient(
        circ,
        obs,
        backend="mps",
        initial=initial,
        sim_opts={"cutoff": 0.0},
        parameters=some,
    )
    assert_allclose(ps_mps, ref[some], atol=1e-10)
    # the MPS adjoint sweep gives every derivative at once; untruncated, it is
    # exact up to rounding (~1e-15 seen): the same tolerance as the shifts
    adj_mps = tnbp.gradient(
        circ,
        obs,
        method="adjoint",
        backend="mps",
        initial=initial,
        sim_opts={"cutoff": 0.0},
    )
    assert_allclose(adj_mps, ref, atol=1e-10)
    fd = tnbp.gradient(circ, obs, method="finite_difference", initial=initial)
    assert_allclose(fd, ref, atol=1e-6)


def test_mps_shifts_run_as_batches(monkeypatch):
    """The shifted circuits of a cone run through simulate_batch in chunks of
    SHIFT_BATCH (3 here: 40 shifts, a partial last chunk): the gradient and the
    diagnostics equal one circuit at a time (options a batch does not take)."""
    from tnbp.gradients import cones

    calls = []
    batch = cones.simulate_batch
    monkeypatch.setattr(cones, "SHIFT_BATCH", 3)
    monkeypatch.setattr(
        cones,
        "simulate_batch",
        lambda cs, **kw: calls.append(len(cs)) or batch(cs, **kw),
    )
    circ = ansatz.hardware_efficient(6, 2, seed=4)
    obs = observables.local_cost(range(6))
    one, one_diag = tnbp.gradient_with_diagnostics(
        circ, obs, backend="mps", sim_opts={"engine": "lean"}
    )
    assert calls == []  # engine= is not a batch option: one at a time
    many, many_diag = tnbp.gradient_with_diagnostics(circ, obs, backend="mps")
    assert calls and max(calls) == 3 and sum(calls) == many_diag.simulations
    assert many_diag.simulations == one_diag.simulations
    assert_allclose(many, one, atol=1e-12)  # rounding of a batched run
    assert_allclose(many, tnbp.gradient(circ, obs), atol=1e-10)


def test_gradient_value_consistency():
    """The adjoint gradient is the derivative of expectation_value (checked by FD)."""
    circ = ansatz.unitary_qnn(4, seed=2)
    obs = [(1.0, "XY", (0, 3))]
    g = tnbp.gradient(circ, obs, method="adjoint")
    theta, h, k = circ.parameters, 1e-6, 17
    plus, minus = theta.copy(), theta.copy()
    plus[k] += h
    minus[k] -= h

    def value(p):
        return tnbp.expectation_value(tnbp.simulate(circ.bind(p), backend="dense"), obs)

    assert_allclose((value(plus) - value(minus)) / (2 * h), g[k], atol=1e-8)


def test_outside_lightcone_is_exactly_zero():
    circ = ansatz.hardware_efficient(12, 2, pattern="brick", seed=0)
    obs = [(1.0, "ZZ", (5, 6))]
    g = tnbp.gradient(circ, obs, method="adjoint")
    cone = set(circ.lightcone((5, 6)))
    outside = [i for i, k in enumerate(circ.parameter_gates) if k not in cone]
    assert outside and np.all(g[outside] == 0)
    assert np.count_nonzero(g) > 0


def test_expectation_value_of_costs():
    circ = tnbp.Circuit(3)
    circ.x(1)
    st = tnbp.simulate(circ, backend="dense")
    assert tnbp.expectation_value(
        st, observables.global_cost((0, 1, 2), "010")
    ) == pytest.approx(0)
    assert tnbp.expectation_value(
        st, observables.global_cost((0, 1, 2))
    ) == pytest.approx(1)
    assert tnbp.expectation_value(
        st, observables.local_cost((0, 1, 2))
    ) == pytest.approx(1 / 3)
    assert tnbp.expectation_value(
        st, [(2.0, "Z", (1,)), (0.5, "II", (0, 2))]
    ) == pytest.approx(-1.5)


def _ff_zz(circ, thetas, i, initial):
    return free_fermion.zz_expectation(
        free_fermion.covariance_matrix(circ.bind(thetas), initial), i, i + 1
    )


@pytest.mark.parametrize("backend", ["mps", "tn"])
def test_free_fermion_gradient_at_n40(backend):
    """d<Z_i Z_{i+1}>/d(angle) against finite differences of the exact solution.

    Matchgates share one angle between their XX and YY rotations, so the
    derivative by that angle is the sum of the two gradient entries.
    """
    n, i, initial = 40, 19, "01" * 20
    circ = ansatz.free_fermion_brickwork(n, 4, seed=3)
    g = tnbp.gradient(circ, [(1.0, "ZZ", (i, i + 1))], backend=backend, initial=initial)
    gates, theta = circ.gates, circ.parameters
    h = 1e-5
    checked = 0
    for j, k in enumerate(circ.parameter_gates):
        gate = gates[k]
        if gate.pauli == "YY":
            continue  # handled with its XX partner
        idx = [j, j + 1] if gate.pauli == "XX" else [j]
        plus, minus = theta.copy(), theta.copy()
        plus[idx] += h
        minus[idx] -= h
        exact = (_ff_zz(circ, plus, i, initial) - _ff_zz(circ, minus, i, initial)) / (
            2 * h
        )
        assert abs(g[idx].sum() - exact) < 1e-6, (k, gate.label)
        checked += abs(exact) > 1e-3
    assert checked >= 15  # many non-trivial derivatives were compared


@pytest.mark.parametrize(
    ("kwargs", "match", "exc"),
    [
        (dict(method="magic"), "method", ValueError),
        (dict(backend="gpu"), "backend", ValueError),
        (dict(method="autodiff", backend="mps"), "autodiff", ValueError),
        (dict(step=0.0), "step", ValueError),
        (dict(initial="01"), "initial", ValueError),
    ],
)
def test_gradient_input_errors(kwargs, match, exc):
    circ = ansatz.hardware_efficient(4, 1, seed=0)
    with pytest.raises(exc, match=match):
        tnbp.gradient(circ, [(1.0, "Z", (0,))], **kwargs)


def test_default_method_is_the_best_of_each_backend():
    """``method=None`` resolves in one place: adjoint where it runs, else shifts."""
    from tnbp.gradients.api import GRADIENT_BACKENDS, check_method

    assert {b: check_method(None, b) for b in GRADIENT_BACKENDS} == {
        "dense": "adjoint",
        "mps": "parameter_shift",
        "tn": "adjoint",
    }
    assert check_method("finite_difference", "mps") == "finite_difference"
    circ = ansatz.hardware_efficient(5, 2, seed=1)
    obs = [(1.0, "ZZ", (1, 2)), (0.5, "X", (3,))]
    ref = tnbp.gradient(circ, obs, method="parameter_shift", backend="dense")
    runs = {}
    for backend in GRADIENT_BACKENDS:
        g, d = tnbp.gradient_with_diagnostics(circ, obs, backend=backend)
        # exact methods, untruncated 5-qubit MPS: rounding only (~1e-15 seen)
        assert_allclose(g, ref, rtol=0, atol=1e-12)
        runs[backend] = d.simulations
    # dense ran one adjoint sweep, mps two shifted simulations per parameter
    assert runs["dense"] == 1 and runs["mps"] == 2 * circ.num_parameters
    with pytest.raises(ValueError, match="method=None uses 'parameter_shift' there"):
        tnbp.gradient(circ, obs, method="autodiff", backend="mps")


def test_observable_errors():
    circ = ansatz.hardware_efficient(4, 1, seed=0)
    with pytest.raises(ValueError, match="observable"):
        tnbp.gradient(circ, [(1.0, "ZZ", (3, 4))])
    with pytest.raises(ValueError, match="observable"):
        tnbp.gradient(circ, [(1.0, "ZQ", (0, 1))])
    with pytest.raises(TypeError, match="observable"):
        tnbp.gradient(circ, "ZZ")
    with pytest.raises(ValueError, match="observable"):
        tnbp.gradient(circ, [])
    with pytest.raises(ValueError, match="target"):
        observables.global_cost((0, 1), "0x")


def test_gradient_batch_matches_single_gradients():
    from tnbp.gradients import gradient_batch

    obs = [(1.0, "ZZ", (1, 2)), (0.5, "X", (4,))]
    for circs in (
        [ansatz.hardware_efficient(6, 3, seed=s) for s in range(5)],
        [
            ansatz.haar_brickwork(6, 4, seed=s) for s in range(3)
        ],  # fixed matrices differ
        [ansatz.free_fermion_brickwork(6, 3, seed=s) for s in range(4)],
    ):
        batch = gradient_batch(circs, obs, initial="010101")
        single = [
            tnbp.gradient(c, obs, method="parameter_shift", initial="010101")
            for c in circs
        ]
        assert_allclose(batch, np.array(single).reshape(batch.shape), atol=1e-12)
    with pytest.raises(ValueError, match="circuits"):
        gradient_batch(
            [ansatz.hardware_efficient(4, 1), ansatz.hardware_efficient(4, 2)], obs[:1]
        )


def test_mse_loss_gradient():
    """d/dtheta of 1/2 (<O> - O_0)^2 = (<O> - O_0) d<O>/dtheta (Liu, Lin, Jiang, eq. 16)."""
    circ = ansatz.hardware_efficient(4, 2, seed=5)
    obs = [(1.0, "ZZ", (1, 2)), (0.5, "X", (0,))]
    loss = observables.mse_loss(obs, 0.3)
    theta, h = circ.parameters, 1e-5

    def value(p):
        e = tnbp.expectation_value(tnbp.simulate(circ.bind(p), backend="dense"), obs)
        return 0.5 * (e - 0.3) ** 2

    fd = np.array(
        [
            (
                value(theta + h * np.eye(theta.size)[k])
                - value(theta - h * np.eye(theta.size)[k])
            )
            / (2 * h)
            for k in range(theta.size)
        ]
    )
    for method in ("adjoint", "parameter_shift"):
        assert_allclose(tnbp.gradient(circ, loss, method=method), fd, atol=1e-8)
    assert_allclose(
        tnbp.gradient(circ, loss, backend="mps", sim_opts={"cutoff": 0.0}),
        fd,
        atol=1e-8,
    )
    with pytest.raises(ValueError, match="target"):
        observables.mse_loss(obs, float("nan"))


@pytest.mark.parametrize("method", ["adjoint", "parameter_shift"])
def test_mse_loss_of_a_cost_with_constant(method):
    """The residual must include the observable's constant (local cost: 1 - ...)."""
    circ = ansatz.hardware_efficient(4, 2, seed=6)
    cost = observables.local_cost(range(4))
    loss = observables.mse_loss(cost, 0.1)
    value = tnbp.expectation_value(tnbp.simulate(circ, backend="dense"), cost)
    expected = (value - 0.1) * tnbp.gradient(circ, cost, method="adjoint")
    assert_allclose(tnbp.gradient(circ, loss, method=method), expected, atol=1e-10)


def test_tn_local_cost_gradient_at_n100_with_warm_cache():
    """Acceptance: n = 100, 4 brick layers, new angles on a warm tree cache.

    The whole local-cost gradient (800 parameters, 100 terms) must reuse every
    tree (no search), contract each term's cone exactly once (the adjoint's
    reverse sweep gives every derivative of a term from its one contraction),
    and agree with MPS parameter shifts (cutoff 0, so exact up to rounding) to
    1e-8 on parameters spread over the chain, boundary and bulk. Its speed
    against quimb's ``local_expectation`` is measured by
    ``benchmarks/gradients_tn.py``, not asserted here: wall-clock comparisons
    in a shared test run are noise.
    """
    n = 100
    obs = observables.local_cost(range(n))
    cache = tnbp.states.tn.TreeCache()
    first = ansatz.hardware_efficient(n, 4, pattern="brick", seed=0)
    tnbp.gradient(first, obs, method="adjoint", backend="tn", cache=cache)
    circ = ansatz.hardware_efficient(n, 4, pattern="brick", seed=1)
    programs = len(cache)
    g, diagnostics = tnbp.gradient_with_diagnostics(
        circ, obs, method="adjoint", backend="tn", cache=cache
    )
    assert diagnostics.tree_searches == 0 and diagnostics.contractions == n
    assert len(cache) == programs  # every structure was already there

    wanted = np.linspace(0, circ.num_parameters - 1, 20).astype(int)
    ref = tnbp.gradient(
        circ, obs, backend="mps", parameters=wanted, sim_opts={"cutoff": 0.0}
    )
    assert np.abs(ref).max() > 1e-3
    assert_allclose(g[wanted], ref, atol=1e-8)


@pytest.mark.parametrize("method", ["parameter_shift", "adjoint", "autodiff"])
def test_tn_methods_at_n30(method):
    """Shift rules, the reverse sweep and jax autodiff on tn agree to 1e-10."""
    if method == "autodiff":
        pytest.importorskip("jax")
    circ = ansatz.hardware_efficient(30, 2, pattern="brick", seed=4)
    obs = [(1.0, "ZZ", (14, 15)), (0.5, "XY", (0, 1)), (-0.3, "Z", (29,))]
    ref = tnbp.gradient(circ, obs, method="adjoint", backend="dense")
    got = tnbp.gradient(circ, obs, method=method, backend="tn")
    assert np.abs(ref).max() > 1e-3
    assert_allclose(got, ref, atol=1e-10)
