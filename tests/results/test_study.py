"""A study's command line: preset, explicit options, the line it prints, Ctrl-C."""

import shlex

import pytest

from tnbp.results import StudyOptions, SweepInterrupted, run_sweep
from tnbp.results.study import StudyOptionError, _dask_address

DEFAULTS = dict(n=24, depths=(1, 2, 4), samples=3, max_bond=64)
QUICK = dict(n=12, depths=(1, 2), samples=1, max_bond=16)


def resolve(quick, **given):
    full = dict.fromkeys(DEFAULTS) | given
    return StudyOptions.resolve(
        "studies/demo_study.py",
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=full,
    )


def test_explicit_options_win_over_the_preset_and_the_defaults():
    """``--quick --n 20 --samples 2`` ran n = 12 with 1 sample."""
    assert resolve(True, n=20, samples=2).params == dict(QUICK, n=20, samples=2)
    assert resolve(True).params == QUICK
    assert resolve(False).params == DEFAULTS
    assert resolve(False, depths=(3,)).params == dict(DEFAULTS, depths=(3,))
    assert list(resolve(True, samples=2).params) == list(DEFAULTS)  # order kept


def test_one_line_says_what_was_used_and_where_it_came_from():
    assert resolve(True, n=20, samples=2).describe() == (
        "demo_study: n=20, depths=1,2, samples=2, max_bond=16 "
        "(--quick preset; given: n, samples)"
    )
    assert resolve(False).describe() == (
        "demo_study: n=24, depths=1,2,4, samples=3, max_bond=64 (defaults)"
    )


def test_the_resume_command_spells_out_every_parameter(tmp_path):
    cmd = resolve(True, n=20).command(tmp_path / "my out")
    words = shlex.split(cmd)
    assert words[:2] == ["python", "studies/demo_study.py"]  # relative to the cwd
    assert words[2:] == [
        "--n", "20", "--depths", "1,2", "--samples", "1", "--max-bond", "16",
        "--out", str(tmp_path / "my out"),
    ]  # fmt: skip


def test_unknown_parameters_are_refused():
    with pytest.raises(
        ValueError, match=r"`given` names unknown parameter\(s\) \['m'\]"
    ):
        resolve(True, m=3)
    with pytest.raises(ValueError, match="`preset`"):
        StudyOptions.resolve(
            "s.py", defaults=DEFAULTS, preset=dict(x=1), quick=True, given={}
        )


class Echo:
    def __init__(self):
        self.out, self.err = [], []

    def __call__(self, text, err=False):
        (self.err if err else self.out).append(text)


@pytest.mark.parametrize("where", ["sweep", "elsewhere"])
def test_ctrl_c_ends_with_one_line_and_status_130(tmp_path, where):
    opts, echo = resolve(True, samples=2), Echo()

    def main(**kwargs):
        assert kwargs == dict(opts.params, out=tmp_path, executor="serial")
        if where == "sweep":
            raise SweepInterrupted(5, 8, tmp_path)
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as info:
        opts.run(main, out=tmp_path, echo=echo)
    assert info.value.code == 130
    assert echo.out == [opts.describe()]
    saved = (
        f"5 of 8 rows saved in {tmp_path}"
        if where == "sweep"
        else f"finished rows are saved in {tmp_path}"
    )
    assert echo.err == [f"interrupted: {saved}; resume with: {opts.command(tmp_path)}"]


def test_other_errors_pass_through(tmp_path):
    def main(**kwargs):
        raise ValueError("bad option")

    echo = Echo()
    with pytest.raises(ValueError, match="bad option"):
        resolve(True).run(main, out=tmp_path, echo=echo)
    assert echo.err == []


LIMITS = dict(n=">= 2", depths=">= 1", samples=">= 1 and < n", max_bond="> 0")


def checked(quick=False, **given):
    return StudyOptions.resolve(
        "studies/demo_study.py",
        defaults=DEFAULTS,
        preset=QUICK,
        quick=quick,
        given=dict.fromkeys(DEFAULTS) | given,
        limits=LIMITS,
    )


def test_list_options_are_read_from_their_text_and_checked():
    assert checked(depths="3, 1,2").params["depths"] == (3, 1, 2)  # order kept
    assert checked(depths=[5]).params["depths"] == (5,)
    cases = {
        "1,,2": "'1,,2' has an empty item",
        "": "'' has an empty item",
        "1,x": r"'x' is not an integer \(in '1,x'\)",
        "1,2.5": r"'2.5' is not an integer",
        "4,2,4,2": "'4,2,4,2' repeats 2,4: each value runs once",
        "0,1": "each value of depths must be >= 1, got 0",
    }
    for text, message in cases.items():
        with pytest.raises(StudyOptionError, match=message) as info:
            checked(depths=text)
        # typer prints it as "Invalid value for '--depths': ..." (exit status 2)
        assert info.value.format_message().startswith("Invalid value for '--depths'")
        assert info.value.exit_code == 2 and isinstance(info.value, ValueError)


def test_limits_hold_for_the_preset_and_blame_the_options_given():
    assert checked(samples=23).params["samples"] == 23
    with pytest.raises(StudyOptionError, match="n must be >= 2, got 1") as info:
        checked(n=1)
    assert info.value.format_message().startswith("Invalid value for '--n':")
    with pytest.raises(StudyOptionError, match=r"max_bond must be > 0, got 0\.") as i:
        checked(True, max_bond=0)
    assert "'--max-bond'" in i.value.format_message()
    # samples = 3 (the defaults) against n = 3: n was given, n is blamed
    with pytest.raises(StudyOptionError) as info:
        checked(n=3)
    assert info.value.format_message() == (
        "Invalid value for '--n': samples must be < n (3), got 3 (samples from "
        "the defaults; give --samples)."
    )
    with pytest.raises(StudyOptionError) as info:
        checked(True, n=3, samples=3)
    assert info.value.format_message().startswith(
        "Invalid value for '--samples' / '--n': samples must be < n (3), got 3."
    )
    # floats are finite; an int is not truncated from a float
    with pytest.raises(StudyOptionError, match="'nan' is not a finite number"):
        StudyOptions.resolve(
            "s.py",
            defaults=dict(beta=1.0),
            preset={},
            quick=False,
            given={"beta": "nan"},
        )
    with pytest.raises(StudyOptionError, match="'2.5' is not an integer"):
        checked(n=2.5)


def test_malformed_limits_are_refused():
    for limits, message in [
        (dict(n="=> 2"), "must be comparisons"),
        (dict(n=">= m"), "'m' is neither a number nor a parameter"),
        (dict(m=">= 1"), r"`limits` names unknown parameter\(s\) \['m'\]"),
    ]:
        with pytest.raises(ValueError, match=message):
            StudyOptions.resolve(
                "s.py", defaults=DEFAULTS, preset=QUICK, quick=True, given={},
                limits=limits,
            )  # fmt: skip


def test_outputs_says_what_else_the_table_holds(tmp_path):
    first = run_sweep(lambda x: {"y": x}, [dict(x=1), dict(x=2)], out=tmp_path,
                      task="t", progbar=False)  # fmt: skip
    opts, table = resolve(True), tmp_path / "table.csv"
    assert opts.outputs(first, tmp_path, "f.png") == (
        f"table: {table} (2 rows)\nfigure: f.png"
    )
    second = run_sweep(lambda x: {"y": x}, [dict(x=2), dict(x=3)], out=tmp_path,
                       task="t", progbar=False)  # fmt: skip
    assert opts.outputs(second, tmp_path, "f.png") == (
        f"table: {table} (3 rows: these 2 and 1 of other points or settings, told apart by "
        "their parameter columns; the summary and figure are of these 2 only)\n"
        "figure: f.png"
    )


def test_an_integer_option_refuses_a_float_text():
    """typer's own int parsing took '3.0' for 3: the text now reaches resolve."""
    import typer
    from typer.testing import CliRunner

    from tnbp.results import study_option

    def cli(
        n: int = study_option("qubits", 24),
        depths: str = study_option("depths", (1, 2)),
        beta: float = study_option("inverse temperature", 1.0),
    ):
        opts = StudyOptions.resolve(
            "s.py",
            defaults=dict(n=24, depths=(1, 2), beta=1.0),
            preset={},
            quick=False,
            given=dict(n=n, depths=depths, beta=beta),
        )
        typer.echo(repr(opts.params))

    app = typer.Typer()
    app.command()(cli)
    for args, message in [
        (["--n", "3.0"], "'3.0' is not an integer."),
        (["--n", "1e3"], "'1e3' is not an integer."),
        (["--depths", "1,2.0"], "'2.0' is not an integer (in '1,2.0')."),
    ]:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2 and message in result.output, result.output
    result = CliRunner().invoke(app, ["--n", "3", "--depths", "4,5", "--beta", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "{'n': 3, 'depths': (4, 5), 'beta': 2.0}"


def test_refuse_blames_the_options_given():
    opts = resolve(True, n=20)
    with pytest.raises(StudyOptionError) as info:
        opts.refuse("n + samples is too large.", "samples", "n")
    assert info.value.format_message() == (
        "Invalid value for '--n': n + samples is too large."
    )
    with pytest.raises(StudyOptionError) as info:  # none given: all of them
        resolve(True).refuse("too large.", "samples", "n")
    assert info.value.format_message().startswith(
        "Invalid value for '--samples' / '--n': "
    )


def test_a_dask_address_is_read_as_the_scheduler_s():
    assert _dask_address("dask://127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert _dask_address("dask://[::1]:8786") == "tcp://[::1]:8786"
    assert _dask_address("dask://node-7.cluster:1") == "tcp://node-7.cluster:1"


def test_a_dask_scheduler_without_workers_is_said_so(tmp_path):
    """Else the run waits at 0 % for workers that may never come, silently."""
    distributed = pytest.importorskip("distributed")
    opts, echo = resolve(True, samples=2), Echo()
    with distributed.LocalCluster(
        n_workers=0, processes=True, dashboard_address=":0"
    ) as cluster:
        address = cluster.scheduler_address
        executor = "dask://" + address.removeprefix("tcp://")
        assert opts.run(lambda **kw: 42, out=tmp_path, echo=echo, executor=executor)
    assert echo.out == [
        opts.describe(),
        f"the dask scheduler at {address} has no workers yet: the points wait "
        "for them (Ctrl-C stops)",
    ]
