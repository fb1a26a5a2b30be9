"""Every study end to end through its command line: explicit options win, Ctrl-C resumes.

The issue's cases: ``--quick --n 20 --samples 2`` ran n = 12 with 1 sample and
said nothing; Ctrl-C printed a 244-line traceback ending in a numba
SystemError. Each study runs here through typer's ``CliRunner`` as
``python studies/<name>.py ...`` would.
"""

import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from tnbp import cli
from tnbp.results import catalog, read_table

#: study -> (arguments beside --quick, the parameters they must give, rows)
CASES = {
    "area_volume_law": (
        ["--n", "14", "--depths", "1,2"],
        dict(n_dense=12, n=14, depths=(1, 2), samples=1, max_bond=16, seed=0),
        3 * 2 * 1 * (11 + 13),  # families x depths x samples x blocks of both sizes
    ),
    "entanglement_vs_depth": (
        ["--n", "20", "--samples", "2"],
        dict(n=20, depths=(1, 2, 4, 8), samples=2, max_bond=16, n_visible=2),
        2 * 4 * 2,  # ansatzes x depths x samples
    ),
    "barren_plateaus": (
        ["--n-values", "2,3,5"],
        dict(n_values=(2, 3, 5)),
        2 * 2 * 3,  # models x costs x n
    ),
    "barren_plateaus_depth": (
        ["--n-values", "4,5", "--fractions", "1"],
        dict(n_values=(4, 5), fractions=(1.0,), fixed_layers=(2,), cutoff=1e-12),
        2 * 2,  # depth rules x n
    ),
    "dqnn_global_perceptrons": (
        ["--n-values", "1,2,3", "--samples", "4"],
        dict(n_values=(1, 2, 3), samples=4, hidden=0, seed=0),
        2 * 2 * 3,  # derivatives x costs x n
    ),
    "dqnn_toy_perceptrons": (
        ["--n-values", "2,3", "--hidden", "0", "--sample-n-values", "2"],
        dict(
            n_values=(2, 3),
            hidden=(0,),
            sample_n_values=(2,),
            samples=100,
            seed=0,
        ),
        2 * (2 + 1),  # costs x (exact n + sampled n)
    ),
    "dqnn_local_perceptrons": (
        [
            "--n-values",
            "4,6",
            "--instances",
            "2",
            "--sampled-n",
            "4,6",
            "--samples",
            "8",
        ],
        dict(n_values=(4, 6), instances=2, sampled_n=(4, 6), samples=8, max_bond=1024),
        2 * 2 * 2 + 2 * 2,  # depths x n x (instances exact, one chunk sampled)
    ),
    "qntk_local_scaling": (
        ["--n-values", "4,6", "--layers", "2", "--samples", "3"],
        dict(n_values=(4, 6), layers=(2,), samples=3, dense_max=12, seed=0),
        3 * 1 * 2,  # observables x layers x n (one chunk each)
    ),
    "qbm_gradients_beyond_ed": (
        ["--n-values", "4,5", "--samples", "2"],
        dict(
            n_values=(4, 5),
            samples=2,
            beta=1.0,
            step=0.05,
            cutoff=1e-20,
            max_bond=64,
            dense_max=6,
            seed=0,
        ),
        2 * 2,  # one row per (n, sample)
    ),
    "qbm_hidden_units": (
        ["--samples", "4", "--hidden", "1,2,4"],
        dict(n_visible=1, hidden=(1, 2, 4), samples=4, beta=1.0, step=0.001),
        3,  # one row per hidden-unit count
    ),
    "qnn_hidden_units": (
        ["--samples", "4", "--hidden", "2,3,5"],
        dict(n_visible=2, hidden=(2, 3, 5), samples=4, beta=1.0, step=0.001),
        3,  # one row per hidden-unit count
    ),
    "noisy_training_trajectory": (
        ["--steps", "8", "--runs", "2"],
        dict(
            n=2,
            layers=32,
            eta=0.004,
            sigma=0.001,
            steps=8,
            runs=2,
            every=4,
            instance=0,
            seed=0,
        ),
        (2 + 1) * 3,  # (noisy runs + the noiseless one) x steps 0, 4, 8
    ),
    "noisy_training_noise": (
        ["--sigmas", "0.001,0.01,0.02", "--steps", "10", "--runs", "2"],
        dict(
            n=4,
            layers=6,
            eta=0.05,
            sigmas=(0.001, 0.01, 0.02),
            steps=10,
            runs=2,
            instance=1,
            seed=0,
        ),
        3,  # one row per noise level
    ),
    "noisy_training_learning_rate": (
        ["--etas", "0.001,0.002,0.005", "--steps", "10", "--runs", "2"],
        dict(
            n=2,
            layers=10,
            etas=(0.001, 0.002, 0.005),
            sigma=0.005,
            steps=10,
            runs=2,
            instance=54,
            seed=0,
        ),
        3,  # one row per learning rate
    ),
    "trace_distance_hidden_units": (
        ["--hidden", "1,4", "--samples", "5", "--beta", "2"],
        dict(
            n_visible=1,
            hidden=(1, 4),
            samples=5,
            time=10.0,
            beta=2.0,
            mps_samples=2,
            seed=0,
        ),
        4 * 2,  # models x hidden-unit counts
    ),
    "trace_distance_histograms": (
        ["--hidden", "2", "--samples", "3"],
        dict(hidden=(2,), samples=3, time=10.0, beta=1.0, seed=0),
        3 * 1 * 3,  # models x hidden-unit counts x instances
    ),
    "trace_distance_beyond_ed": (
        ["--n-values", "6,12", "--samples", "1"],
        dict(
            n_values=(6, 12),
            samples=1,
            max_bond=16,
            n_visible=1,
            qnn_layers=2,
            deep_factor=2,
            dense_max=10,
            exact_width=12,
            seed=0,
        ),
        3 * 2,  # families x n (one instance)
    ),
    "fidelity_gradient_beyond_ed": (
        ["--n-values", "6,8", "--samples", "2"],
        dict(
            n_values=(6, 8),
            samples=2,
            max_bond=16,
            n_visible=2,
            beta=1.0,
            qnn_layers=2,
            deep_factor=2,
            dense_max=10,
            exact_width=8,
            seed=0,
        ),
        3 * 2 * 2,  # families x n x instances
    ),
    "qntk_kernel_scaling": (
        ["--layers-values", "2,4", "--n-values", "2,3", "--samples", "4"],
        dict(n=3, layers_values=(2, 4), layers=8, n_values=(2, 3), samples=4, seed=0),
        4,  # (3, 2), (3, 4) of the scan over L; (2, 8), (3, 8) of the scan over n
    ),
}


def invoke(study, args):
    app = typer.Typer()
    app.command()(study.cli)
    return CliRunner().invoke(app, args)


def _text(v):
    return ",".join(map(str, v)) if isinstance(v, tuple) else str(v)


@pytest.mark.parametrize("name", sorted(CASES))
def test_quick_with_explicit_options_runs_what_was_asked(load_study, tmp_path, name):
    study = load_study(name)
    args, params, rows = CASES[name]
    result = invoke(study, ["--quick", *args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    given = ", ".join(k for k in params if f"--{k.replace('_', '-')}" in args)
    used = ", ".join(f"{k}={_text(v)}" for k, v in params.items())
    # the first line says what the run used, and where each value came from
    assert result.stdout.splitlines()[0] == (
        f"{name}: {used} (--quick preset; given: {given})"
    )
    table = read_table(tmp_path)
    assert len(table) == rows
    if name == "entanglement_vs_depth":
        assert set(table.n) == {20} and set(table.seed) == {0, 1}
        assert set(table.max_bond) == {16}  # the preset's, not the default 64
    elif name == "barren_plateaus":
        assert sorted(set(table.n)) == [2, 3, 5]
    elif name == "barren_plateaus_depth":
        assert sorted(zip(table.depth, table.n, table.layers)) == [
            ("1n", 4, 4),
            ("1n", 5, 5),
            ("2", 4, 2),
            ("2", 5, 2),
        ]
    elif name == "qbm_gradients_beyond_ed":
        assert sorted(set(table.n)) == [4, 5] and set(table["sample"]) == {0, 1}
        assert set(table.cutoff) == {1e-20}  # the preset's, not the default 1e-28
    elif name == "area_volume_law":
        assert sorted(set(table.n)) == [12, 14] and set(table.depth) == {1, 2}
        # the exact size runs uncapped (2^(n/2)), the other at the preset's cap
        assert sorted(set(zip(table.n, table.max_bond))) == [(12, 64), (14, 16)]
    elif name == "dqnn_global_perceptrons":
        assert sorted(set(table.n)) == [1, 2, 3] and set(table.samples) == {4}
    elif name == "dqnn_toy_perceptrons":
        assert set(table.hidden) == {0} and sorted(set(table.n)) == [2, 3]
        assert sorted(table.estimator) == ["exact"] * 4 + ["sample"] * 2
    elif name == "dqnn_local_perceptrons":
        assert sorted(set(table[table.route == "exact"].n)) == [4, 6]
        assert set(table[table.route == "sampled"].samples) == {8}
    elif name == "noisy_training_trajectory":
        assert sorted(set(table.step)) == [0, 4, 8] and set(table.steps) == {8}
        # --eta and --sigma are the paper's: so are the columns, named so
        assert sorted(set(table.sigma_paper)) == [0.0, 0.001]  # noiseless, noisy
        assert set(table.eta_paper) == {0.004}
    elif name.startswith("noisy_training"):
        assert set(table.runs) == {2} and set(table.steps) == {10}
        assert "qntk_final_paper" in table and "qntk_final" not in table
    elif name == "qntk_kernel_scaling":
        assert sorted(zip(table.n, table.layers)) == [(2, 8), (3, 2), (3, 4), (3, 8)]
        assert set(table.samples) == {4}
    elif name == "trace_distance_hidden_units":
        assert sorted(set(table.n_hidden)) == [1, 4] and set(table.samples) == {5}
        # beta acts on the QBM rows only; the others carry no beta
        assert set(table[table.model == "qbm"].beta) == {2.0}
        assert table[table.model != "qbm"].beta.isna().all()
    elif name == "trace_distance_histograms":
        assert set(table.n_hidden) == {2} and sorted(set(table["sample"])) == [0, 1, 2]
    elif name.endswith("_beyond_ed"):
        assert sorted(set(table.n)) == sorted(params["n_values"])
        assert set(table.family) == {"unitary_qnn_nn", "hea_shallow", "hea_deep"}
        assert set(table["sample"]) == set(range(params["samples"]))
        assert set(table.max_bond) == {16}  # the preset's, not the default 64
    elif name == "qntk_local_scaling":
        assert sorted(set(table.n)) == [4, 6] and set(table.layers) == {2}
        assert set(table.samples) == {3} and set(table.dense_max) == {12}
    elif name == "qnn_hidden_units":
        assert set(table.samples) == {4} and sorted(table.n_hidden) == [2, 3, 5]
        assert set(table.n_visible) == {2} and set(table.step) == {0.001}
    else:
        assert set(table.samples) == {4} and sorted(table.n_hidden) == [1, 2, 4]
        assert set(table.step) == {0.001}


@pytest.mark.parametrize("compiled", [False, True], ids=["python", "numba"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_ctrl_c_says_what_is_saved_and_how_to_resume(
    load_study, tmp_path, monkeypatch, name, compiled
):
    study = load_study(name)
    args, _, rows = CASES[name]
    measure, calls = study.measure, []

    def interrupted(**point):
        calls.append(point)
        if len(calls) == 3:  # Ctrl-C during the third point
            if not compiled:
                raise KeyboardInterrupt
            try:  # as it surfaces from numba's jitted SVDs inside quimb
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:
                raise SystemError("returned a result with an exception set") from exc
        return measure(**point)

    monkeypatch.setattr(study, "measure", interrupted)
    result = invoke(study, ["--quick", *args, "--out", str(tmp_path)])
    assert result.exit_code == 130, result.output
    # one line on stderr (beside the progress bar), no traceback
    assert "Traceback" not in result.output and "SystemError" not in result.output
    (line,) = [s for s in result.stderr.splitlines() if s.startswith("interrupted")]
    saved, command = line.split("; resume with: ")
    assert saved == f"interrupted: 2 of {rows} rows saved in {tmp_path}"
    assert len(read_table(tmp_path)) == 2
    # the command resumes: only the missing points run, and the table is whole
    words = shlex.split(command)
    assert words[:3] == ["tnbp", "run", name] and "--quick" not in words
    calls.clear()
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p) or measure(**p))
    resumed = CliRunner().invoke(cli.app, words[1:])
    assert resumed.exit_code == 0, resumed.output
    assert len(calls) == rows - 2 and len(read_table(tmp_path)) == rows


#: study -> [(arguments, the message after "Invalid value for ")], each the
#: adversarial tester's case or its kind; before, each ran into the sweep and
#: ended in a traceback (ValueError from int(''), from the MPS backend, from
#: Partition; numpy's LinAlgError for a fit over n = 2,2,2) or ran a repeated
#: value twice (--depths 2,2 reported one circuit as 2 samples)
def _k_zero(where: str) -> re.Pattern:
    """The refusal of a kernel K that is 0 in exact arithmetic, printed as 0 or
    as its rounding-level value (1e-38..1e-33, as the sweep's arithmetic rounds)."""
    return re.compile(
        re.escape(f"Invalid value for {where}: K = ")
        + r"(0|[0-9.]+e-[0-9]+ ~ 0)"
        + re.escape(
            ": no angle moves <O> (e.g. every trainable rotation commutes "
            "with O), so gradient descent cannot train this circuit. Choose "
            "another --instance or more --layers."
        )
    )


_INSTANCE_4 = "'--instance' / '--n' / '--layers': instance 4 (n = 2, layers = 1)"

BAD_VALUES = {
    "area_volume_law": [
        (["--n", "12"], "'--n': n must be > n_dense (12), got 12."),
        (["--n", "500"], "'--n': n must be <= 128, got 500."),
        (["--n-dense", "10"], "'--n-dense': n_dense must be >= 12, got 10."),
        (["--n-dense", "21"], "'--n-dense': n_dense must be <= 20, got 21."),
        (
            ["--n-dense", "16", "--n", "16"],
            "'--n' / '--n-dense': n must be > n_dense (16), got 16.",
        ),
        (["--depths", "0,2"], "'--depths': each value of depths must be >= 1, got 0."),
        (["--depths", "2,2"], "'--depths': '2,2' repeats 2: each value runs once"),
        (["--depths", "1,,2"], "'--depths': '1,,2' has an empty item"),
        (["--samples", "0"], "'--samples': samples must be >= 1, got 0."),
        (["--max-bond", "1"], "'--max-bond': max_bond must be >= 2, got 1."),
        (["--seed", "-1"], "'--seed': seed must be >= 0, got -1."),
    ],
    "entanglement_vs_depth": [
        (["--depths", "1,,2"], "'--depths': '1,,2' has an empty item"),
        (["--depths", ""], "'--depths': '' has an empty item"),
        (["--depths", "a"], "'--depths': 'a' is not an integer."),
        (["--depths", "1,2.5"], "'--depths': '2.5' is not an integer (in '1,2.5')."),
        (
            ["--depths", "1,-1"],
            "'--depths': each value of depths must be >= 0, got -1.",
        ),
        (["--depths", "2,2"], "'--depths': '2,2' repeats 2: each value runs once"),
        (["--n", "0"], "'--n': n must be >= 2, got 0."),
        (["--n", "1"], "'--n': n must be >= 2, got 1."),
        (["--n-visible", "30"], "'--n-visible': n_visible must be < n (12), got 30."),
        (["--n-visible", "0"], "'--n-visible': n_visible must be >= 1, got 0."),
        (  # n_visible comes from the preset: the option given is blamed
            ["--n", "2"],
            "'--n': n_visible must be < n (2), got 2 (n_visible from the --quick "
            "preset; give --n-visible).",
        ),
        (
            ["--n", "4", "--n-visible", "4"],
            "'--n-visible' / '--n': n_visible must be < n (4), got 4.",
        ),
        (["--max-bond", "0"], "'--max-bond': max_bond must be >= 1, got 0."),
        (["--samples", "0"], "'--samples': samples must be >= 1, got 0."),
        (["--n", "a"], "'--n': 'a' is not an integer."),
        # typer's own parsing took 3.0 for 3 (and tnbp run --set n=3.0 with it)
        (["--n", "3.0"], "'--n': '3.0' is not an integer."),
        (["--samples", "1e2"], "'--samples': '1e2' is not an integer."),
        # upper ends a laptop reaches (the MPS's memory, the run's time)
        (["--n", "257"], "'--n': n must be <= 256, got 257."),
        (["--depths", "1,257"], "'--depths': each value of depths must be <= 256"),
        (["--samples", "21"], "'--samples': samples must be <= 20, got 21."),
        (["--max-bond", "257"], "'--max-bond': max_bond must be <= 256, got 257."),
    ],
    "barren_plateaus": [
        (["--n-values", "2,2,2"], "'--n-values': '2,2,2' repeats 2: each value"),
        (["--n-values", "2,4,4"], "'--n-values': '2,4,4' repeats 4: each value"),
        (["--n-values", "0,2"], "'--n-values': each value of n_values must be >= 1"),
        (["--n-values", "2,,4"], "'--n-values': '2,,4' has an empty item"),
        (  # ran for ever (the sweep's first row at n = 10^6)
            ["--n-values", "1000000"],
            "'--n-values': each value of n_values must be <= 200, got 1000000.",
        ),
    ],
    "barren_plateaus_depth": [
        (["--n-values", "1,4"], "'--n-values': each value of n_values must be >= 2"),
        (
            ["--n-values", "1000"],
            "'--n-values': each value of n_values must be <= 128, got 1000.",
        ),
        (["--fractions", "0,1"], "'--fractions': each value of fractions must be > 0"),
        (
            ["--fixed-layers", "0"],
            "'--fixed-layers': each value of fixed_layers must be >= 1",
        ),
    ],
    "dqnn_local_perceptrons": [
        # the adversarial tester's (round 2): each started the sweep
        (
            ["--n-values", "1000000000"],
            "'--n-values': each value of n_values must be <= 128, got 1000000000.",
        ),
        (
            ["--sampled-n", "1000000"],
            "'--sampled-n': each value of sampled_n must be <= 128, got 1000000.",
        ),
        (
            ["--samples", "1000000000000"],
            "'--samples': samples must be <= 20000, got 1000000000000.",
        ),
        (
            ["--instances", "1000000000000"],
            "'--instances': instances must be <= 1000, got 1000000000000.",
        ),
        (
            ["--max-bond", "100000000000"],
            "'--max-bond': max_bond must be <= 4096, got 100000000000.",
        ),
    ],
    "dqnn_global_perceptrons": [
        # the adversarial tester's: each ran for minutes (n = 9, 4 samples: > 25 s)
        (["--hidden", "100000"], "'--hidden': hidden must be <= 1, got 100000."),
        (
            ["--samples", "99999999999999999999"],
            "'--samples': samples must be <= 1000, got 99999999999999999999.",
        ),
        (
            ["--n-values", "9", "--samples", "4"],
            "'--n-values': each value of n_values must be <= 6, got 9.",
        ),
        (
            ["--n-values", "6", "--hidden", "1"],
            "'--n-values' / '--hidden': n = 6 with 1 hidden layer(s) is 18 qubits",
        ),
        (["--seed", "-1"], "'--seed': seed must be >= 0, got -1."),
    ],
    "dqnn_toy_perceptrons": [
        (
            ["--n-values", "1000000"],
            "'--n-values': each value of n_values must be <= 100, got 1000000.",
        ),
        (
            ["--hidden", "1000000"],
            "'--hidden': each value of hidden must be <= 5, got 1000000.",
        ),
        (
            ["--sample-n-values", "100000"],
            "'--sample-n-values': each value of sample_n_values must be <= 20, got "
            "100000.",
        ),
        (
            ["--samples", "99999999999999999999"],
            "'--samples': samples must be <= 2000, got 99999999999999999999.",
        ),
        (
            ["--hidden", "0,-1"],
            "'--hidden': each value of hidden must be >= 0, got -1.",
        ),
        (["--samples", "1"], "'--samples': samples must be >= 2, got 1."),
        (["--sample-n-values", "2,2"], "'--sample-n-values': '2,2' repeats 2: each"),
    ],
    "noisy_training_trajectory": [
        (["--sigma", "0"], "'--sigma': sigma must be >= 1e-12, got 0.0."),
        # the noise is lost in the rounding of the angles (1e-300: ZeroDivisionError)
        (["--sigma", "1e-300"], "'--sigma': sigma must be >= 1e-12, got 1e-300."),
        (["--eta", "-0.001"], "'--eta': eta must be >= 1e-12, got -0.001."),
        # an update below the angles' rounding (1e-300: OverflowError after the sweep)
        (["--eta", "1e-300"], "'--eta': eta must be >= 1e-12, got 1e-300."),
        (["--runs", "1"], "'--runs': runs must be >= 2, got 1."),
        (["--every", "0"], "'--every': every must be >= 1, got 0."),
        (["--every", "500"], "'--every': every must be <= steps (120), got 500."),
        (["--n", "13"], "'--n': n must be <= 12, got 13."),
        (["--steps", "1"], "'--steps': steps must be >= 2, got 1."),
        # the adversarial tester's --n 1 (at 1 layer: the one rotation is about
        # Z, which commutes with O = Z_0), and its kind at n = 2: K = 0 in exact
        # arithmetic (eq. 31's plateau divided by it after the sweep), a
        # rounding-level K (1e-38..1e-33, as the sweep rounds) in practice
        (
            ["--n", "1", "--layers", "1"],
            _k_zero("'--n' / '--layers': instance 0 (n = 1, layers = 1)"),
        ),
        (
            ["--n", "2", "--layers", "1", "--instance", "4"],
            _k_zero(_INSTANCE_4),
        ),
    ],
    "noisy_training_noise": [
        (["--sigmas", "0.001,0.001"], "'--sigmas': '0.001,0.001' repeats 0.001"),
        (
            ["--sigmas", "0,0.001"],
            "'--sigmas': each value of sigmas must be >= 1e-12, got 0.0.",
        ),
        (["--sigmas", "0.001,"], "'--sigmas': '0.001,' has an empty item"),
        (["--runs", "1"], "'--runs': runs must be >= 2, got 1."),
        (["--eta", "inf"], "'--eta': 'inf' is not a finite number."),
        (
            ["--n", "2", "--layers", "1", "--instance", "4"],
            _k_zero(_INSTANCE_4),
        ),
    ],
    "noisy_training_learning_rate": [
        (
            ["--etas", "-0.001"],
            "'--etas': each value of etas must be >= 1e-12, got -0.001.",
        ),
        (["--etas", "a"], "'--etas': 'a' is not a number."),
        (["--sigma", "nan"], "'--sigma': 'nan' is not a finite number."),
        (["--layers", "0"], "'--layers': layers must be >= 1, got 0."),
        (  # the adversarial round: ZeroDivisionError in the summary
            ["--sigma", "1e-300"],
            "'--sigma': sigma must be >= 1e-12, got 1e-300.",
        ),
        (
            ["--n", "2", "--layers", "1", "--instance", "4"],
            _k_zero(_INSTANCE_4),
        ),
    ],
    "qntk_kernel_scaling": [
        (["--n", "11"], "'--n': n must be <= 10, got 11."),
        (["--layers-values", "2,2"], "'--layers-values': '2,2' repeats 2: each value"),
        (
            ["--layers-values", "0,4"],
            "'--layers-values': each value of layers_values must be >= 1, got 0.",
        ),
        (["--layers", "2000"], "'--layers': layers must be <= 1024, got 2000."),
        (
            ["--n-values", "2,11"],
            "'--n-values': each value of n_values must be <= 10, got 11.",
        ),
        # the fit's weights (the spread's standard error) need four instances:
        # with three it raised after the sweep
        (["--samples", "3"], "'--samples': samples must be >= 4, got 3."),
        (["--seed", "-1"], "'--seed': seed must be >= 0, got -1."),
    ],
    "qntk_local_scaling": [
        (
            ["--n-values", "4,1000"],
            "'--n-values': each value of n_values must be <= 128, got 1000.",
        ),
        (
            ["--n-values", "2,4"],
            "'--n-values': each value of n_values must be >= 4, got 2.",
        ),
        (["--layers", "0"], "'--layers': each value of layers must be >= 1, got 0."),
        (["--layers", "2,2"], "'--layers': '2,2' repeats 2: each value runs once"),
        (["--samples", "1"], "'--samples': samples must be >= 2, got 1."),
        (["--dense-max", "30"], "'--dense-max': dense_max must be <= 20, got 30."),
        (["--seed", "-1"], "'--seed': seed must be >= 0, got -1."),
    ],
    "trace_distance_hidden_units": [
        (["--hidden", "0,1"], "'--hidden': each value of hidden must be >= 1, got 0."),
        (["--hidden", "12"], "'--hidden': each value of hidden must be <= 11, got 12."),
        (
            ["--n-visible", "3", "--hidden", "10"],
            "'--n-visible' / '--hidden': n_visible + n_hidden = 13 qubits; the dense "
            "QBM holds at most 12.",
        ),
        (["--samples", "1"], "'--samples': samples must be >= 2, got 1."),
        (
            ["--samples", "10000000"],
            "'--samples': samples must be <= 100000, got 10000000.",
        ),
        (
            ["--mps-samples", "50"],
            "'--mps-samples': mps_samples must be <= samples (40), got 50.",
        ),
        (["--time", "-1"], "'--time': time must be >= 0, got -1.0."),
        # 'Maximum allowed size exceeded' from numpy, in the sweep
        (["--time", "1e300"], "'--time': time must be <= 1000, got 1e+300."),
        (["--beta", "nan"], "'--beta': 'nan' is not a finite number."),
    ],
    "trace_distance_histograms": [
        (["--hidden", "1,1"], "'--hidden': '1,1' repeats 1: each value runs once"),
        (["--hidden", "12"], "'--hidden': each value of hidden must be <= 11, got 12."),
        (["--samples", "1"], "'--samples': samples must be >= 2, got 1."),
        (["--beta", "-1"], "'--beta': beta must be >= 0, got -1.0."),
        (["--seed", "-1"], "'--seed': seed must be >= 0, got -1."),
        (["--time", "1001"], "'--time': time must be <= 1000, got 1001.0."),
    ],
    "qbm_gradients_beyond_ed": [
        (
            ["--n-values", "1,4"],
            "'--n-values': each value of n_values must be >= 2, got 1.",
        ),
        (["--n-values", "4,4"], "'--n-values': '4,4' repeats 4: each value runs"),
        (["--samples", "1"], "'--samples': samples must be >= 2, got 1."),
        (["--beta", "0"], "'--beta': beta must be >= 0.001, got 0.0."),
        (  # the sweep's variances underflowed to 0: the figure's log axis failed
            ["--beta", "1e-300"],
            "'--beta': beta must be >= 0.001, got 1e-300.",
        ),
        (["--step", "1"], "'--step': step must be <= 0.5, got 1.0."),
        (["--step", "1e-300"], "'--step': step must be >= 0.001, got 1e-300."),
        (["--cutoff", "1"], "'--cutoff': cutoff must be < 1, got 1.0."),
        (["--dense-max", "13"], "'--dense-max': dense_max must be <= 12, got 13."),
        (["--max-bond", "1"], "'--max-bond': max_bond must be >= 2, got 1."),
    ],
    "trace_distance_beyond_ed": [
        (
            ["--n-values", "1,4"],
            "'--n-values': each value of n_values must be > n_visible (1), got 1.",
        ),
        (["--n-values", "6,6"], "'--n-values': '6,6' repeats 6: each value runs"),
        (["--max-bond", "1"], "'--max-bond': max_bond must be >= 2, got 1."),
        (["--deep-factor", "5"], "'--deep-factor': deep_factor must be <= 4, got 5."),
        (["--samples", "0"], "'--samples': samples must be >= 1, got 0."),
        (["--dense-max", "21"], "'--dense-max': dense_max must be <= 20, got 21."),
    ],
    "fidelity_gradient_beyond_ed": [
        (["--samples", "1"], "'--samples': samples must be >= 2, got 1."),
        (["--beta", "-1"], "'--beta': beta must be >= 0, got -1.0."),
        (["--n-visible", "5"], "'--n-visible': n_visible must be <= 4, got 5."),
        (
            ["--n-values", "2,6"],
            "'--n-values': each value of n_values must be > n_visible (2), got 2.",
        ),
        (["--max-bond", "512"], "'--max-bond': max_bond must be <= 256, got 512."),
    ],
    "qbm_hidden_units": [
        (["--hidden", "1,2,2"], "'--hidden': '1,2,2' repeats 2: each value runs"),
        (["--hidden", "0,1"], "'--hidden': each value of hidden must be >= 1, got 0."),
        (["--samples", "3"], "'--samples': samples must be >= 4, got 3."),
        (["--samples", "2001"], "'--samples': samples must be <= 2000, got 2001."),
        (["--n-visible", "0"], "'--n-visible': n_visible must be >= 1, got 0."),
        (["--beta", "0"], "'--beta': beta must be >= 0.001, got 0.0."),
        (["--beta", "nan"], "'--beta': 'nan' is not a finite number."),
        (["--beta", "inf"], "'--beta': 'inf' is not a finite number."),
        # the adversarial tester's: the fit of all-zero variances raised, and
        # beta * E overflowed in the Gibbs weights
        (["--beta", "1e-320"], "'--beta': beta must be >= 0.001, got 1e-320."),
        (["--beta", "1e308"], "'--beta': beta must be <= 1000.0, got 1e+308."),
        (
            ["--n-visible", "4", "--hidden", "8"],
            "'--n-visible' / '--hidden': n_visible + n_hidden = 12 qubits; at most "
            "9 run in reasonable time",
        ),
        (
            ["--n-visible", "2", "--hidden", "1,2,8"],
            "'--n-visible' / '--hidden': n_visible + n_hidden = 10 qubits",
        ),
        (["--step", "0"], "'--step': step must be >= 0.0001, got 0.0."),
        (["--step", "1e-300"], "'--step': step must be >= 0.0001, got 1e-300."),
        (["--step", "0.5"], "'--step': step must be <= 0.1, got 0.5."),
        (["--hidden", "1,9"], "'--hidden': each value of hidden must be <= 8, got 9."),
        (["--n-visible", "5"], "'--n-visible': n_visible must be <= 4, got 5."),
    ],
    "qnn_hidden_units": [
        (["--hidden", "2,3,3"], "'--hidden': '2,3,3' repeats 3: each value runs"),
        (  # fewer hidden than visible qubits: F has no gradient there
            ["--hidden", "1,2"],
            "'--hidden': each value of hidden must be >= n_visible (2), got 1.",
        ),
        (
            ["--n-visible", "3"],
            "'--n-visible': each value of hidden must be >= n_visible (3), got 2 "
            "(hidden from the --quick preset; give --hidden).",
        ),
        (["--hidden", "2,11"], "'--hidden': each value of hidden must be <= 10"),
        (["--samples", "3"], "'--samples': samples must be >= 4, got 3."),
        (  # ran for ever
            ["--samples", "1000000"],
            "'--samples': samples must be <= 10000, got 1000000.",
        ),
        (["--step", "-0.001"], "'--step': step must be >= 1e-08, got -0.001."),
        (["--step", "1e-300"], "'--step': step must be >= 1e-08, got 1e-300."),
        (["--beta", "-1"], "'--beta': beta must be >= 0, got -1.0."),
        (["--n-visible", "0"], "'--n-visible': n_visible must be >= 1, got 0."),
    ],
}


def _message(output: str) -> str:
    """The error text of typer's (rich) usage-error box, its lines joined."""
    lines = [line.strip("│╭╮╰╯─ ") for line in output.splitlines()]
    return " ".join(line for line in lines if line and line != "Error")


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [(name, *case) for name, cases in BAD_VALUES.items() for case in cases],
)
def test_a_bad_value_is_a_usage_error_before_any_work(
    load_study, tmp_path, monkeypatch, name, args, message
):
    study = load_study(name)

    def measure(**point):
        raise AssertionError("a point ran with a bad option value")

    monkeypatch.setattr(study, "measure", measure)
    result = invoke(study, ["--quick", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is not None
    if isinstance(message, re.Pattern):  # a message with a rounding-level value
        assert message.search(_message(result.output))
    else:
        assert f"Invalid value for {message}" in _message(result.output)
    assert not (tmp_path / "out").exists()  # nothing computed, nothing written


#: study -> (arguments beside --quick, a line the printout must hold): values
#: their limits allow that ended in a traceback after the sweep (the
#: adversarial tester's), and now run
EDGE_VALUES = {
    # the variance of 2 samples is defined (and plotted); its standard error,
    # hence z, is not: summary() took idxmax over an all-NaN z
    "dqnn_toy_perceptrons": (
        [
            "--samples",
            "2",
            "--n-values",
            "2",
            "--hidden",
            "0",
            "--sample-n-values",
            "2",
        ],
        "sampled: no z (the standard error of a sample variance, from its fourth "
        "moment, needs 4 samples; these rows have 2) over 2 rows;",
    ),
    # eta K >= 2: the runs overshoot, a result; eq. 64 raised after the sweep
    "noisy_training_learning_rate": (
        ["--etas", "0.02,0.3", "--runs", "2", "--steps", "5"],
        "; diverged (eta K >= 2, no band): 1",
    ),
    "noisy_training_trajectory": (
        ["--eta", "1", "--runs", "2", "--steps", "8"],
        "noiseless run: eta K(0) = 33.24 >= 2: descent overshoots, eq. 19 undefined "
        "(K: 33.24 -> ",
    ),
    # the learning-rate study's circuit (K ~ 7 for O = Z_0 Z_1), at eta = 1
    "noisy_training_noise": (
        [
            *("--n", "2", "--layers", "10", "--instance", "54", "--eta", "1"),
            *("--sigmas", "0.001,0.01", "--runs", "2", "--steps", "10"),
        ],
        "; diverged (eta K >= 2, no band): 2",
    ),
    # beta = 0: the QBM's visible state is I/D_v, T = 0 to rounding (some
    # exactly 0), which the histogram's log axis refused after the sweep
    "trace_distance_histograms": (
        ["--beta", "0", "--hidden", "1", "--samples", "3"],
        "table: ",
    ),
}


@pytest.mark.parametrize("name", sorted(EDGE_VALUES))
def test_a_value_at_the_edge_runs(load_study, tmp_path, name):
    args, said = EDGE_VALUES[name]
    result = invoke(load_study(name), ["--quick", *args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert any(said in line for line in result.stdout.splitlines()), result.stdout
    if name == "dqnn_toy_perceptrons":
        sampled = read_table(tmp_path).query("estimator == 'sample'")
        assert sampled.variance.gt(0).all() and sampled.z.isna().all()
    elif name == "trace_distance_histograms":
        qbm = read_table(tmp_path).query("model == 'qbm'")
        assert len(qbm) == 3 and qbm.trace_distance.max() < 1e-14  # rounding
        assert (tmp_path / "trace_distance_histograms.png").stat().st_size > 10_000
    elif name == "noisy_training_trajectory":
        checks = pd.read_csv(tmp_path / "checks.csv")
        assert checks.diverged.all() and checks.noise_time.isna().all()
    elif name.startswith("noisy_training"):
        # the diverged rows have no prediction, the others theirs
        summary = pd.read_csv(tmp_path / "summary.csv")
        theory = "eq64_std" if name.endswith("learning_rate") else "eq31_std"
        assert summary.diverged.any()
        assert summary[theory].isna().eq(summary.diverged).all(), summary


def test_tnbp_run_refuses_a_float_for_an_int(tmp_path):
    """``tnbp run ... --set n=3.0`` ran n = 3 (typer read '3.0' as an int)."""
    result = CliRunner().invoke(
        cli.app,
        [
            "run",
            "entanglement_vs_depth",
            "--quick",
            "--set",
            "n=3.0",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "'3.0' is not an integer." in _message(result.output)
    assert not any(tmp_path.iterdir())
    # a list of integers still reads as one
    result = CliRunner().invoke(
        cli.app,
        [
            "run",
            "entanglement_vs_depth",
            "--quick",
            "--set",
            "depths=1,2",
            "--set",
            "n=4",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert set(read_table(tmp_path).depth) == {1, 2}


def test_a_rerun_with_other_settings_says_what_the_table_holds(load_study, tmp_path):
    """The table kept rows of earlier settings beside this run's, unsaid."""
    study = load_study("barren_plateaus")
    first = invoke(study, ["--n-values", "2,3,4", "--out", str(tmp_path)])
    assert first.exit_code == 0, first.output
    table = tmp_path / "table.csv"
    assert f"table: {table} (12 rows)" in first.stdout.splitlines()
    second = invoke(study, ["--n-values", "2,5", "--out", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert (
        f"table: {table} (16 rows: these 8 and 8 of other points or settings, told apart by "
        "their parameter columns; the summary and figure are of these 8 only)"
    ) in second.stdout.splitlines()
    # the printed rows are of n = 2, 5 only, and no fit is made from two n
    rows = [
        line.split()
        for line in second.stdout.splitlines()
        if line.strip().startswith(tuple(study.MODELS))
    ]
    assert len(rows) == 8 and {int(r[2]) for r in rows} == {2, 5}
    assert "no decay fits" in second.stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_help_shows_every_default(load_study, name):
    """``--help`` lists each option's default (rich used to drop ``[default: ...]``)."""
    study = load_study(name)
    result = invoke(study, ["--help"])
    assert result.exit_code == 0, result.output
    # undo the panel's borders and line wrapping (long lists wrap mid-item)
    text = "".join(result.output.replace("│", "").split())
    for key, value in study.DEFAULTS.items():
        shown = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
        assert f"--{key.replace('_', '-')}" in text
        assert f"[default:{shown}]" in text, (key, shown)


def test_every_study_runs_its_quick_preset_through_tnbp_run():
    """The acceptance: ``tnbp run NAME --quick`` writes a table and a figure, for each.

    Each study's own test file runs it (``tnbp_run_quick``, which checks both)
    and then reads the run back through ``main``, so CI runs each preset once.
    """
    tests = Path(__file__).parent
    for info in catalog.list_studies():
        path = tests / f"test_{info.name}.py"
        assert path.is_file(), f"{info.name} has no test file"
        assert f'tnbp_run_quick("{info.name}"' in path.read_text(), info.name
