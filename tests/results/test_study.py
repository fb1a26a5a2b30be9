"""A study's command line: preset, explicit options, the line it prints, Ctrl-C."""

import shlex

import pytest

from tnbp.results import StudyOptions, SweepInterrupted

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
        assert kwargs == dict(opts.params, out=tmp_path)
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
