"""tnbp.train: gradient descent with angle noise against Liu, Lin and Jiang (arXiv:2206.09313)."""

import numpy as np
import pandas as pd
import pytest

import tnbp
from tnbp.references import theory


def _circuit(n: int, layers: int, seed: int) -> tnbp.Circuit:
    """Layers of random RY, RZ on every qubit and a CZ chain (2 n layers angles)."""
    rng = np.random.default_rng(seed)
    c = tnbp.Circuit(n)
    for _ in range(layers):
        for q in range(n):
            c.ry(rng.uniform(0, 2 * np.pi), q)
            c.rz(rng.uniform(0, 2 * np.pi), q)
        for q in range(n - 1):
            c.cz(q, q + 1)
    return c


def _value(circuit, obs) -> float:
    return float(tnbp.expectation_value(tnbp.simulate(circuit, backend="dense"), obs))


def test_lazy_noiseless_training_follows_the_frozen_kernel():
    # n = 3, L = 48, eps(0) = 0.01, eta K(0) = 0.05 (lazy): eq. 19 over 100 steps
    c = _circuit(3, 8, seed=7)
    obs = [(1.0, "ZZZ", (0, 1, 2))]
    g = tnbp.gradient(c, obs)
    eta = 0.05 / (g @ g)
    table = tnbp.train(c, obs, _value(c, obs) - 0.01, eta, 100)
    eps, kernel = table["residual"].to_numpy(), table["qntk"].to_numpy()
    assert kernel[0] == pytest.approx(g @ g, rel=1e-12)  # K = |grad eps|^2, eq. 18
    predicted = theory.frozen_kernel_residual(
        eps[0], eta, kernel[0], table["step"].to_numpy()
    )
    # First-order error: d(t) = eps(t) - (1 - eta K0)^t eps0 obeys
    # d(s+1) = (1 - eta K0) d(s) - eta (K(s) - K0) eps(s) + r(s), with the Taylor
    # remainder |r(s)| <= eta^2 eps(s)^2 K(s) L ||O|| / 2 (every second derivative
    # of <O> is at most ||O|| = 1, so the Hessian's norm is at most L). As
    # |1 - eta K0| < 1, |d(t)| <= sum_{s<t} of both terms: a rigorous bound.
    terms = (
        eta * np.abs(kernel - kernel[0]) * np.abs(eps)
        + eta**2 * eps**2 * kernel * 48 / 2
    )
    bound = np.concatenate([[0.0], np.cumsum(terms)[:-1]])
    assert np.all(np.abs(eps - predicted) <= bound + 1e-15)
    # and the bound is small: lazy training (measured 1.2% of eps0; deviation 0.3%)
    assert bound[-1] < 0.02 * abs(eps[0])
    assert abs(eps[-1]) < 0.01 * abs(eps[0])  # (0.95)^100 = 0.006: it did train


def _late_mean_square(n, layers, steps, late, seeds, sigma, eta_kernel):
    c = _circuit(n, layers, seed=3)
    obs = [(1.0, "Z" * n, tuple(range(n)))]
    g = tnbp.gradient(c, obs)
    eta = eta_kernel / (g @ g)
    target = _value(c, obs)  # start on target: the plateau is reached at once
    means, predictions = [], []
    for seed in range(seeds):
        table = tnbp.train(c, obs, target, eta, steps, angle_noise=sigma, seed=seed)
        tail = table.iloc[late:]
        means.append(np.mean(tail["residual"] ** 2))
        predictions.append(theory.noise_plateau(eta, tail["qntk"].mean(), sigma))
    return np.array(means), float(np.mean(predictions))


def _check_plateau(means, prediction):
    # one late-time average of eps^2 per seed, independent across seeds: their
    # mean within 3 standard errors of eq. 31 (K measured along the run)
    se = means.std(ddof=1) / np.sqrt(len(means))
    assert abs(means.mean() - prediction) < 3 * se, (means.mean(), prediction, se)


def test_noise_plateau_cheap():
    # n = 2, L = 8, eta K = 0.5 (relaxation in ~1 / (eta K (2 - eta K)) = 1.3 steps)
    means, prediction = _late_mean_square(2, 4, 60, 10, 20, 0.01, 0.5)
    _check_plateau(means, prediction)


@pytest.mark.slow
def test_noise_plateau_over_seeds():
    # n = 3, L = 48, eta K = 0.3, 20 seeds x 300 steps, last 250 averaged
    means, prediction = _late_mean_square(3, 8, 300, 50, 20, 0.01, 0.3)
    _check_plateau(means, prediction)


def test_noisy_mean_square_starts_at_eps0_and_tends_to_the_plateau():
    t = np.array([0, 1, 10_000])
    values = theory.noisy_mean_square_residual(0.3, 0.1, 2.0, 0.01, t)
    assert values[0] == pytest.approx(0.09, rel=1e-14)
    # one step of eq. 28: (1 - eta K)^2 eps0^2 + K sigma^2 exactly
    assert values[1] == pytest.approx(0.8**2 * 0.09 + 2.0 * 1e-4, rel=1e-12)
    assert values[2] == pytest.approx(theory.noise_plateau(0.1, 2.0, 0.01), rel=1e-12)
    assert theory.late_time_mean_abs_residual(0.1, 2.0, 0.01) == pytest.approx(
        np.sqrt(2 / np.pi * 1e-4 / (0.1 * 1.8)), rel=1e-14
    )


def test_noise_time_solves_eq_67():
    eps0, eta, kernel, sigma = 1.0, 1e-3, 35.0, 0.005
    T = theory.noise_time(eps0, eta, kernel, sigma)
    decay = (1 - eta * kernel) ** T * eps0
    noise = sigma * np.sqrt(
        (1 - (1 - eta * kernel) ** (2 * T)) / (eta * (2 - eta * kernel))
    )
    assert decay == pytest.approx(noise, rel=1e-12)


def test_same_seed_same_table():
    c = _circuit(2, 3, seed=1)
    obs = [(1.0, "ZZ", (0, 1))]
    kw = dict(target=0.2, learning_rate=0.1, steps=5, angle_noise=0.05)
    first = tnbp.train(c, obs, seed=11, **kw)
    pd.testing.assert_frame_equal(first, tnbp.train(c, obs, seed=11, **kw))
    assert not first.equals(tnbp.train(c, obs, seed=12, **kw))
    assert list(first.columns) == ["step", "residual", "loss", "qntk", "theta_norm"]
    assert first["step"].tolist() == list(range(6))
    np.testing.assert_allclose(first["loss"], first["residual"] ** 2 / 2, rtol=1e-15)
    assert np.all(c.parameters == _circuit(2, 3, seed=1).parameters)  # input unchanged


def test_qntk_recorded_every_k_steps_and_mps_options_pass_through():
    c = _circuit(3, 2, seed=2)
    obs = [(1.0, "ZZ", (0, 1))]
    every = tnbp.train(c, obs, 0.1, 0.2, 5)
    sparse = tnbp.train(c, obs, 0.1, 0.2, 5, qntk_every=2)
    # the same trajectory; K only at t = 0, 2, 4, NaN elsewhere (the DESIGN contract)
    np.testing.assert_array_equal(sparse["residual"], every["residual"])
    assert np.isnan(sparse["qntk"]).tolist() == [False, True, False, True, False, True]
    np.testing.assert_array_equal(sparse["qntk"][::2], every["qntk"][::2])
    # a bond cap reaches the MPS simulation: at chi = 1 the product-state
    # trajectory differs from the exact one (dense) by far more than rounding
    with pytest.warns(tnbp.TruncationWarning, match="sim_opts"):  # and is flagged
        capped = tnbp.train(
            c, obs, 0.1, 0.2, 5, backend="mps", sim_opts={"max_bond": 1}
        )
    assert np.max(np.abs(capped["residual"] - every["residual"])) > 1e-3


def test_backends_agree():
    c = _circuit(3, 2, seed=2)
    obs = [(1.0, "ZZ", (0, 1))]
    kw = dict(target=0.1, learning_rate=0.2, steps=4, angle_noise=0.02, seed=5)
    dense = tnbp.train(c, obs, **kw)
    for backend in ("mps", "tn"):
        other = tnbp.train(c, obs, backend=backend, **kw)
        # same noise draws, exact simulations: rounding only
        np.testing.assert_allclose(other["residual"], dense["residual"], atol=1e-10)
        np.testing.assert_allclose(other["qntk"], dense["qntk"], atol=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        (dict(learning_rate=-0.1), ValueError, "`learning_rate`"),
        (dict(learning_rate=0.0), ValueError, "`learning_rate`"),
        (dict(learning_rate=float("inf")), ValueError, "`learning_rate`"),
        (dict(angle_noise=-1e-3), ValueError, "`angle_noise`"),
        (dict(angle_noise="0.1"), TypeError, "`angle_noise`"),
        (dict(steps=0), ValueError, "`steps`"),
        (dict(steps=2.5), TypeError, "`steps`"),
        (dict(qntk_every=0), ValueError, "`qntk_every`"),
        (dict(sim_opts={"max_bond": 4}, backend="tn"), ValueError, "`sim_opts`"),
        (dict(sim_opts={"bond": 4}), TypeError, "`sim_opts`"),
        (dict(target=float("nan")), ValueError, "`target`"),
        (dict(target=1j), TypeError, "`target`"),
        (dict(target="0.5"), TypeError, "`target`"),
        (dict(observable=[(1.0, "Z", (5,))]), ValueError, "`observable`"),
        (dict(circuit="not a circuit"), TypeError, "`circuit`"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, name):
    args = dict(circuit=_circuit(2, 1, seed=0), observable=[(1.0, "Z", (0,))])
    args.update(target=0.0, learning_rate=0.1, steps=3)
    args.update(kwargs)
    with pytest.raises(error, match=name):
        tnbp.train(args.pop("circuit"), args.pop("observable"), **args)


def test_theory_rejects_unstable_or_negative_values():
    with pytest.raises(ValueError, match="`eta`"):
        theory.noise_plateau(0.5, 4.0, 0.01)  # eta K = 2: no plateau
    with pytest.raises(ValueError, match="`sigma`"):
        theory.noise_plateau(0.1, 1.0, -0.01)
    with pytest.raises(ValueError, match="`t`"):
        theory.frozen_kernel_residual(1.0, 0.1, 1.0, -1)


def _noisy_build(seed):
    return _circuit(2, 2, seed=int(seed.integers(2**31)))


def test_train_ensemble_is_reproducible_on_every_executor():
    obs = [(1.0, "ZZ", (0, 1))]
    kw = dict(
        target=0.1, learning_rate=0.2, steps=3, angle_noise=0.02, samples=3, seed=4
    )
    serial = tnbp.train_ensemble(
        _noisy_build, obs, executor="serial", chunk_size=1, **kw
    )
    threads = tnbp.train_ensemble(
        _noisy_build, obs, executor="threads", chunk_size=2, **kw
    )
    pd.testing.assert_frame_equal(
        serial, threads
    )  # neither executor nor chunking matters
    assert len(serial) == 3 * 4 and serial["seed"].iloc[0] == "4"
    # each sample is one tnbp.train run with its own initial angles and noise
    first = serial[serial["sample"] == 0]["residual"].to_numpy()
    second = serial[serial["sample"] == 1]["residual"].to_numpy()
    assert first[0] != second[0]
    with pytest.raises(TypeError, match="`build`"):
        tnbp.train_ensemble(lambda seed: None, obs, executor="serial", **kw)


def test_overshooting_learning_rate_is_warned():
    # Ry(0.3) on |0>, O = Z: K(0) = sin^2(0.3) = 0.087; eta K = 2.6 >= 2
    c = tnbp.Circuit(1)
    c.ry(0.3, 0)
    with pytest.warns(RuntimeWarning, match="`learning_rate`") as record:
        tnbp.train(c, [(1.0, "Z", (0,))], 0.0, 2.6 / np.sin(0.3) ** 2, 3)
    # its own class, so that a study recording the divergence silences it alone
    assert [w.category for w in record] == [tnbp.OvershootWarning]
    assert tnbp.theory.descent_diverges(2.6 / np.sin(0.3) ** 2, np.sin(0.3) ** 2)
