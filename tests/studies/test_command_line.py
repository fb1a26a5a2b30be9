"""Every study end to end through its command line: explicit options win, Ctrl-C resumes.

The issue's cases: ``--quick --n 20 --samples 2`` ran n = 12 with 1 sample and
said nothing; Ctrl-C printed a 244-line traceback ending in a numba
SystemError. Each study runs here through typer's ``CliRunner`` as
``python studies/<name>.py ...`` would.
"""

import shlex

import pytest
import typer
from typer.testing import CliRunner

from tnbp.results import read_table

#: study -> (arguments beside --quick, the parameters they must give, rows)
CASES = {
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
    "qbm_hidden_units": (
        ["--samples", "3", "--hidden", "1,2,4"],
        dict(n_visible=1, hidden=(1, 2, 4), samples=3, beta=1.0),
        3,  # one row per hidden-unit count
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
    else:
        assert set(table.samples) == {3} and sorted(table.n_hidden) == [1, 2, 4]


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
    assert words[:2] == ["python", f"studies/{name}.py"] and "--quick" not in words
    calls.clear()
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p) or measure(**p))
    resumed = invoke(study, words[2:])
    assert resumed.exit_code == 0, resumed.output
    assert len(calls) == rows - 2 and len(read_table(tmp_path)) == rows
