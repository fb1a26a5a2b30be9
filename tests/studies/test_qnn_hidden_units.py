"""The unitary-QNN hidden-units study (Fig. 3b): --quick runs end to end and decays."""

import numpy as np
import pytest

import tnbp
from tnbp.results import read_table


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("qnn_hidden_units")


def test_quick_preset(study, tmp_path, tnbp_run_quick):
    # the preset through the tnbp command; main below reads it back
    tnbp_run_quick("qnn_hidden_units", tmp_path)
    df, fits, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    assert (study.PAPER, study.FIGURE) == ("arXiv:2010.15968", "Fig. 3b")
    table = read_table(tmp_path / "table.csv")
    assert len(table) == len(study.QUICK["hidden"])
    assert set(study.SETTINGS) == set(study.points(**study.QUICK, seed=0)[0])
    # 2 visible qubits: 6 onsite + 9 per pair of the n = 4, 5, 6 qubits
    assert table.num_parameters.tolist() == [
        3 * 4 + 9 * 6,
        3 * 5 + 9 * 10,
        3 * 6 + 9 * 15,
    ]
    # Theorem 3: the gradient's infinity-norm and its variance fall with the
    # hidden units (12 instances: the fit's rate is within ~0.3 of 0.7)
    assert table.inf_norm_mean_fd.is_monotonic_decreasing
    assert table.inf_norm_variance_fd.is_monotonic_decreasing
    assert fits["fd"].rate > 0.3
    # forward differences at h = 1e-3 vs adjoint: h/2 |d^2 F| < 1e-3, and the
    # variances of their norms agree to 1%
    assert (table.max_deviation < 1e-3).all()
    assert (table.variance_relative_deviation < 1e-2).all()
    assert fits["fd"].rate == pytest.approx(fits["exact"].rate, rel=1e-2)
    assert (table.inf_norm_variance_se_fd > 0).all()
    assert set(table.method) == {"adjoint"}
    # resume: nothing recomputed, the same rows
    again, _, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert again.equals(df) and len(read_table(tmp_path)) == len(table)


def test_a_row_is_the_ensemble_of_its_seed_with_its_target(study, tmp_path):
    """The target is drawn once from the seed; the row is the ensemble's, unchanged."""
    (row,) = study.main(
        n_visible=1,
        hidden=(2,),
        samples=3,
        beta=0.5,
        step=1e-3,
        seed=4,
        out=tmp_path,
        progbar=False,
    )[0].to_dict("records")
    target = tnbp.random_thermal_target(1, beta=0.5, seed=4)
    ref = tnbp.fidelity_gradient_variance(
        1, [2], target=target, samples=3, step=1e-3, seed=4, executor="serial"
    )
    for col in ("inf_norm_variance_fd", "inf_norm_mean_exact", "fidelity_mean"):
        assert row[col] == ref[col].iloc[0]
    assert row["seed"] == 4 and row["beta"] == 0.5 and np.isfinite(row["max_deviation"])


def test_quick_keeps_the_options_given(study, cli_params):
    assert cli_params(study) == study.DEFAULTS
    assert cli_params(study, "--quick") == study.QUICK
    assert cli_params(study, "--quick", "--samples", "4", "--step", "1e-4") == {
        **study.QUICK,
        "samples": 4,
        "step": 1e-4,
    }
    assert cli_params(study, "--hidden", "3,5") == {**study.DEFAULTS, "hidden": (3, 5)}
