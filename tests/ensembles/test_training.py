"""final_step_statistics: the last step of a noisy-training ensemble, in either convention."""

import numpy as np
import pytest

import tnbp
from tnbp import ansatz, theory

OBS = [(1.0, "ZZ", (0, 1))]


def _build(seed):
    return ansatz.randomized_hardware_efficient(2, 4, seed=3)


def test_statistics_are_those_of_the_ensemble_table():
    kwargs = dict(
        target=0.1, learning_rate=0.3, steps=12, angle_noise=0.02, samples=5, seed=7
    )
    stats = tnbp.final_step_statistics(_build, OBS, executor="serial", **kwargs)
    table = tnbp.train_ensemble(_build, OBS, executor="serial", qntk_every=12, **kwargs)
    first, last = table[table.step == 0], table[table.step == 12]
    eps = last.residual.to_numpy()
    expected = dict(
        residual_initial=first.residual.mean(),
        qntk_initial=first.qntk.mean(),
        residual_mean=eps.mean(),
        residual_std=eps.std(ddof=1),
        mean_abs_residual=np.abs(eps).mean(),
        residual_rms=np.sqrt(np.mean(eps**2)),
        qntk_final=last.qntk.mean(),
        qntk_final_std=last.qntk.std(ddof=1),
        samples=5,
    )
    assert stats.keys() == expected.keys()
    for key, value in expected.items():  # the same runs: equal to rounding
        assert stats[key] == pytest.approx(value, rel=1e-12), key
    # one initial state: every run starts from the same eps(0) and K(0)
    assert first.residual.nunique() == 1 and stats["residual_std"] > 0


def test_paper_convention_runs_the_same_descent():
    """eta_paper = eta / 4 and sigma_paper = sigma / 2 give the same runs; K is 4x."""
    common = dict(target=0.0, steps=10, samples=3, seed=2, executor="serial")
    tnbp_stats = tnbp.final_step_statistics(
        _build, OBS, learning_rate=0.2, angle_noise=0.01, **common
    )
    paper = tnbp.final_step_statistics(
        _build,
        OBS,
        learning_rate=theory.to_paper_convention(0.2, "learning_rate"),
        angle_noise=theory.to_paper_convention(0.01, "angle_noise"),
        convention="paper",
        **common,
    )
    for key in (
        "residual_initial",
        "residual_mean",
        "residual_std",
        "mean_abs_residual",
    ):
        # the same arithmetic up to the conversions' rounding (0.05 * 4 = 0.2
        # exactly; 0.005 * 2 = 0.01 exactly)
        assert paper[key] == pytest.approx(tnbp_stats[key], rel=1e-12), key
    for key in ("qntk_initial", "qntk_final", "qntk_final_std"):
        assert paper[key] == pytest.approx(4 * tnbp_stats[key], rel=1e-12), key


def test_bad_input_names_the_argument():
    common = dict(
        target=0.0, learning_rate=0.1, steps=2, angle_noise=0.0, executor="serial"
    )
    with pytest.raises(ValueError, match="`samples`"):
        tnbp.final_step_statistics(_build, OBS, samples=1, **common)
    with pytest.raises(ValueError, match="`convention`"):
        tnbp.final_step_statistics(_build, OBS, samples=2, convention="mine", **common)
    with pytest.raises(ValueError, match="`backend`"):
        tnbp.final_step_statistics(_build, OBS, samples=2, backend="gpu", **common)
    with pytest.raises(ValueError, match="`learning_rate`"):
        tnbp.final_step_statistics(
            _build, OBS, samples=2, **{**common, "learning_rate": -1.0}
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        (dict(learning_rate="x"), TypeError, "`learning_rate`"),
        (dict(angle_noise=-1.0), ValueError, r"`angle_noise`.*-1\.0"),
    ],
)
def test_paper_convention_errors_name_the_argument_and_its_value(kwargs, error, name):
    # converted first, these said `value` or reported -2.0 for -1.0
    args = dict(target=0.0, learning_rate=0.01, steps=2, angle_noise=0.01, samples=2)
    args.update(kwargs)
    c = tnbp.Circuit(1)
    c.ry(0.3, 0)
    with pytest.raises(error, match=name):
        tnbp.final_step_statistics(
            lambda seed: c, [(1.0, "Z", (0,))], convention="paper", **args
        )
