"""The ``tnbp`` command: every study by name, runs that resume, one-line errors, QASM files."""

import io
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import tnbp
from tnbp import cli
from tnbp.cli import app
from tnbp.results import catalog, read_table

ROOT = Path(__file__).parents[1]
QASM = ROOT / "tests" / "models" / "qasm_corpus"
#: a study that runs in about a second at these settings
STUDY, SETTINGS = "qbm_hidden_units", ["--set", "samples=4", "--set", "hidden=1,2"]
#: columns that differ between two runs of the same task
VOLATILE = ["git_commit", "host", "pid", "wall_time", "finished_at"]


def tnbp_command(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_studies_lists_every_study_under_its_paper():
    result = tnbp_command("studies")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for info in catalog.list_studies():
        (line,) = [s for s in lines if f" {info.name} " in s]
        assert info.figure in line and info.summary in line
    for paper, title in catalog.PAPERS.items():
        assert f"{paper}  {title}" in lines


def test_studies_with_a_name_lists_its_parameters():
    result = tnbp_command("studies", STUDY)
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()]
    study = catalog.load_study(STUDY)
    keys = [k for k in study.DEFAULTS]
    rows = {line[0]: line for line in lines if line and line[0] in keys}
    assert list(rows) == keys  # every --set key, in the study's order
    # default (the paper's), the --quick value, the allowed range, what it sets
    assert rows["hidden"][:3] == ["hidden", "1,2,3,4,5,6", "1,2,3"]
    assert rows["samples"][:4] == ["samples", "200", "8", ">="]
    unknown = tnbp_command("studies", "nope")
    assert unknown.exit_code == 2 and "no study 'nope'" in _error_line(unknown)


def test_run_writes_table_and_figure_then_resumes_without_recomputing(
    tmp_path, monkeypatch
):
    result = tnbp_command("run", STUDY, "--quick", *SETTINGS, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(
        f"{STUDY}: n_visible=1, hidden=1,2, samples=4"
    )
    assert len(read_table(tmp_path / "table.csv")) == 2
    assert (tmp_path / f"{STUDY}.png").stat().st_size > 10_000
    study, calls = catalog.load_study(STUDY), []
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p))
    again = tnbp_command("run", STUDY, "--quick", *SETTINGS, "--out", tmp_path)
    assert again.exit_code == 0 and calls == []


def test_executors_give_the_serial_table(tmp_path):
    tables = {}
    for executor in ("serial", "threads"):
        out = tmp_path / executor
        result = tnbp_command(
            "run", STUDY, "--quick", *SETTINGS, "--executor", executor, "--out", out
        )
        assert result.exit_code == 0, result.output
        # table.csv lists rows in the order they finished (threads: any order)
        table = read_table(out / "table.csv").sort_values("key", ignore_index=True)
        tables[executor] = table.drop(columns=VOLATILE)
    pd.testing.assert_frame_equal(tables["serial"], tables["threads"])


def test_plot_redraws_from_the_store_and_computes_nothing(tmp_path, monkeypatch):
    assert (
        tnbp_command("run", STUDY, "--quick", *SETTINGS, "--out", tmp_path).exit_code
        == 0
    )
    figure = tmp_path / f"{STUDY}.png"
    figure.unlink()
    study, calls = catalog.load_study(STUDY), []
    monkeypatch.setattr(study, "measure", lambda **p: calls.append(p))
    result = tnbp_command("plot", STUDY, "--quick", *SETTINGS, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert figure.is_file() and calls == []
    # other settings: nothing stored, nothing computed, and the command that would
    missing = tnbp_command(
        "plot", STUDY, "--quick", "--set", "samples=5", "--out", tmp_path
    )
    assert missing.exit_code == 1 and calls == []
    assert missing.stderr.strip() == (
        f"Error: 3 of 3 points of these settings have no row in {tmp_path}; compute "
        f"them with: tnbp run {STUDY} --quick --set samples=5 --out {tmp_path}"
    )


def test_results_as_csv_and_parquet(tmp_path):
    assert (
        tnbp_command("run", STUDY, "--quick", *SETTINGS, "--out", tmp_path).exit_code
        == 0
    )
    stored = read_table(tmp_path / "table.csv")
    result = tnbp_command("results", STUDY, "--out", tmp_path)
    assert result.exit_code == 0
    (tmp_path / "copy.csv").write_text(result.stdout)
    pd.testing.assert_frame_equal(read_table(tmp_path / "copy.csv"), stored)
    result = tnbp_command("results", STUDY, "--out", tmp_path, "--format", "parquet")
    assert result.exit_code == 0 and result.stdout.strip() == str(
        tmp_path / "table.parquet"
    )
    parquet = pd.read_parquet(tmp_path / "table.parquet")
    pd.testing.assert_frame_equal(parquet, stored, check_dtype=False)


def test_results_into_a_closed_pipe_is_quiet(tmp_path):
    assert (
        tnbp_command("run", STUDY, "--quick", *SETTINGS, "--out", tmp_path).exit_code
        == 0
    )
    command = [sys.executable, "-m", "tnbp", "results", STUDY, "--out", str(tmp_path)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `| head -0`: gone before the table is written
    with proc.stderr:
        stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1  # Python's convention for EPIPE
    assert stderr == ""  # not "cannot read the results store", not a traceback


def _error_line(result):
    """The message of a failed command: its last line of output."""
    return (result.stderr or result.stdout).strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["run", "nope"], 2, "Error: Invalid value for 'study': no study 'nope' in"),
        (["run", "qbm_hiden_units"], 2, "did you mean qbm_hidden_units"),
        (
            ["run", STUDY, "--set", "foo=1"],
            2,
            "qbm_hidden_units has no parameter 'foo'",
        ),
        (["run", STUDY, "--set", "samples"], 2, "'samples' is not KEY=VALUE"),
        (["run", STUDY, "--set", "samples=x"], 2, "Invalid value for --set samples: "),
        (["run", STUDY, "--set", "samples=1"], 2, "samples must be >= 4, got 1."),
        (["run", STUDY, "--set", "hidden=1,1"], 2, "--set hidden: '1,1' repeats 1"),
        (
            ["run", STUDY, "--set", "beta=2", "--set", "beta=3"],
            2,
            "'beta' is given twice",
        ),
        (["run", STUDY, "--executor", "gpu"], 2, "--executor: 'gpu' is not one of"),
        (["run", STUDY, "--executor", "dask://"], 2, "--executor: 'dask://' is not"),
        # a malformed scheduler address is refused before any connection
        (
            ["run", STUDY, "--executor", "dask://tcp://10.1.2.3:8786"],
            2,
            "or dask://HOST:PORT. Did you mean dask://10.1.2.3:8786?",
        ),
        (
            ["run", STUDY, "--executor", "dask://10.1.2.3:8786/"],
            2,
            "Did you mean dask://10.1.2.3:8786?",
        ),
        (
            ["run", STUDY, "--executor", "dask://node7"],
            2,
            "The port is missing, as in dask://node7:8786.",
        ),
        (
            ["run", STUDY, "--executor", "dask://node7:87860"],
            2,
            "The port must be in 1..65535, got 87860.",
        ),
        (
            ["run", STUDY, "--executor", "dask://fe80::1:8786"],
            2,
            "An IPv6 host goes in brackets: dask://[::1]:8786.",
        ),
        (["results", STUDY, "--format", "xls"], 2, "'--format'"),
        (["simulate", "missing.qasm"], 2, "'file'"),
        (["simulate", QASM / "qft_n4.qasm", "--max-bond", "0"], 2, "'--max-bond'"),
        (["simulate", QASM / "qft_n4.qasm", "--backend", "gpu"], 2, "'--backend'"),
        (
            ["simulate", QASM / "qft_n4.qasm", "--cutoff", "1"],
            2,
            "'--cutoff': `cutoff`",
        ),
        (
            ["simulate", QASM / "qft_n4.qasm", "--backend", "dense", "--max-bond", "4"],
            2,
            "'--max-bond': the dense backend is exact, with no cap",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_option(tmp_path, args, code, message):
    result = tnbp_command(*args, *(["--out", tmp_path] if args[0] == "run" else []))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert message in _error_line(result)
    assert not list(tmp_path.iterdir())  # nothing was run


def test_results_without_a_store(tmp_path):
    result = tnbp_command("results", STUDY, "--out", tmp_path)
    assert result.exit_code == 1
    assert _error_line(result) == (
        f"Error: no results store in {tmp_path}: run `tnbp run {STUDY}` first "
        "(or give --out)"
    )


def test_results_of_another_study_or_a_corrupt_store(tmp_path):
    assert (
        tnbp_command("run", STUDY, "--quick", *SETTINGS, "--out", tmp_path).exit_code
        == 0
    )
    other = tnbp_command("results", "barren_plateaus", "--out", tmp_path)
    assert other.exit_code == 1
    assert _error_line(other) == (
        f"Error: no rows of barren_plateaus in {tmp_path / 'store.sqlite'}"
    )
    (tmp_path / "store.sqlite").write_bytes(b"not a database" * 100)
    corrupt = tnbp_command("results", STUDY, "--out", tmp_path)
    assert corrupt.exit_code == 1 and "Traceback" not in corrupt.output
    assert _error_line(corrupt).startswith(
        f"Error: cannot read the results store in {tmp_path}: "
    )


def test_an_empty_studies_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(catalog.STUDIES_ENV, str(tmp_path))
    result = tnbp_command("studies")
    assert result.exit_code == 1
    assert _error_line(result) == f"Error: no study scripts (*.py) in {tmp_path}"


def test_a_broken_study_script_is_listed_and_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(catalog.STUDIES_ENV, str(tmp_path))
    (tmp_path / "good.py").write_text(
        '"""A study."""\nPAPER = "x"\nFIGURE = "Fig. 1"\n'
    )
    (tmp_path / "broken.py").write_text('"""Half written."""\ndef main(:\n')
    (tmp_path / "failing.py").write_text(
        '"""Imports nothing."""\nimport no_such_module\n'
    )
    listing = tnbp_command("studies")
    assert listing.exit_code == 0, listing.output
    rows = [line.split() for line in listing.stdout.splitlines()]
    assert ["broken", "[unreadable", "script:", "SyntaxError", "(line", "2)]"] in rows
    assert ["Fig.", "1", "good", "A", "study."] in rows
    (tmp_path / "nocli.py").write_text(
        '"""No command line."""\ndef main():\n    pass\n'
    )
    result = tnbp_command("run", "nocli", "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert _error_line(result) == (
        "Error: the study script nocli is not a study: it defines no cli function "
        "(see tnbp.results.study)"
    )
    for name, error in [("broken", "SyntaxError"), ("failing", "ModuleNotFoundError")]:
        result = tnbp_command("run", name, "--out", tmp_path / "out")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert _error_line(result).startswith(
            f"Error: the study script {name} cannot be loaded: {error}: "
        )


def test_simulate_of_a_bad_program(tmp_path):
    path = tmp_path / "bad.qasm"
    path.write_text("OPENQASM 2.0;\nqreg q[2];\nfoo q[0];\n")
    result = tnbp_command("simulate", path)
    assert result.exit_code == 1
    assert _error_line(result).startswith(f"Error: Invalid value for 'file' ({path}): ")


def _profile(result) -> pd.DataFrame:
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


@pytest.mark.parametrize("backend", ["mps", "dense"])
def test_simulate_gives_the_python_entropy_profile(backend):
    path = QASM / "qiskit_custom_n13.qasm"  # exported by qiskit's qasm2.dumps
    table = _profile(
        tnbp_command("simulate", path, "--backend", backend, "--format", "csv")
    )
    with pytest.warns(UserWarning, match="`measure` instructions were dropped"):
        circuit = tnbp.from_qasm(path)
    state = tnbp.simulate(circuit, backend=backend)
    # the same calculation, written as CSV in shortest round-trip form: bitwise
    np.testing.assert_array_equal(table.entropy_bits, tnbp.entropy_profile(state))
    assert table.cut.tolist() == list(range(1, 13))
    assert table.bond_dim.tolist() == list(state.bond_dims)
    assert not table.at_max_bond.any()


def test_simulate_flags_a_saturated_bond():
    path = QASM / "qiskit_custom_n13.qasm"
    result = tnbp_command("simulate", path, "--max-bond", "2")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "trusted: False" in text and "caveat: bond_saturated" in text
    assert "note: QASM `measure` instructions were dropped" in text
    table = _profile(
        tnbp_command("simulate", path, "--max-bond", "2", "--format", "csv")
    )
    assert table.at_max_bond.any() and (table.bond_dim <= 2).all()
    with pytest.warns(UserWarning, match="`measure` instructions were dropped"):
        circuit = tnbp.from_qasm(path)
    state = tnbp.simulate(circuit, max_bond=2)
    with pytest.warns(tnbp.TruncationWarning):
        profile = tnbp.entropy_profile(state)
    np.testing.assert_array_equal(table.entropy_bits, profile)


@pytest.mark.parametrize("command", ["run", "plot", "results", "simulate", "studies"])
def test_every_command_has_help_with_an_example(command):
    result = tnbp_command(command, "--help")
    assert result.exit_code == 0 and "Example" in result.stdout


def test_python_dash_m_and_the_console_script():
    out = subprocess.run(
        [sys.executable, "-m", "tnbp", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "simulate" in out.stdout
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "tnbp"]
    assert script.value == "tnbp.cli:main"


def test_out_must_be_a_writable_folder_and_plot_needs_a_store(tmp_path):
    file = tmp_path / "f"
    file.write_text("")
    result = tnbp_command("run", STUDY, "--quick", "--out", file)
    assert result.exit_code == 2
    assert (
        _error_line(result)
        == f"Error: Invalid value for '--out': {file} is a file, not a folder"
    )
    result = tnbp_command("run", STUDY, "--quick", "--out", file / "sub")
    assert result.exit_code == 2 and "cannot create" in _error_line(result)
    result = tnbp_command("plot", STUDY, "--quick", "--out", tmp_path / "none")
    assert result.exit_code == 1 and not (tmp_path / "none").exists()  # nothing written


def test_simulate_guards_memory(tmp_path):
    path = tmp_path / "wide.qasm"
    gates = "".join(f"h q[{k}];\ncx q[{k}],q[{k + 1}];\n" for k in range(0, 40, 2))
    path.write_text(f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[40];\n{gates}')
    # 20 Bell pairs: exact at bond 2, but an exact run of 40 qubits could need
    # bond 2^20 (TiBs): capped at the largest power of 2 within 2 GiB
    result = tnbp_command("simulate", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "max_bond: 512 (memory guard), cutoff: 1e-12" in result.stdout
    assert any(
        line.startswith("note: no --max-bond given: capped at 512") for line in lines
    )
    assert "trusted: True" in result.stdout
    refused = tnbp_command("simulate", path, "--max-bond", 2**20)
    assert refused.exit_code == 2
    assert _error_line(refused).startswith(
        "Error: Invalid value for '--max-bond': 40 qubits at max_bond 1048576 could need"
    )


def test_ctrl_c_outside_a_sweep_is_one_line(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # while the study loads (typer alone would exit 130 without a word) ...
    monkeypatch.setattr(cli, "load_study", interrupted)
    result = tnbp_command("run", STUDY, "--out", tmp_path)
    line = "interrupted: nothing was being computed; no result is lost"
    assert result.exit_code == 130 and result.stderr.strip() == line
    monkeypatch.undo()
    # ... and in the study's command line before its sweep (exit 0 before)
    study = catalog.load_study(STUDY)
    monkeypatch.setattr(study.StudyOptions, "resolve", interrupted)
    result = tnbp_command("run", STUDY, "--out", tmp_path)
    assert result.exit_code == 130 and result.stderr.strip() == line
