"""The options a study's command line hands to its ``main``."""

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tnbp import cli
from tnbp.results import read_table


class _Stop(Exception):
    """Raised by the stand-in ``main`` once it has the options."""


@pytest.fixture
def cli_params(monkeypatch):
    """``cli_params(study, *args)``: the keywords ``study.cli`` passes to ``main``.

    Parses ``args`` as the command line does (``typer.run(study.cli)``) and
    stops at ``main``, so that no sweep runs.
    """

    def run(study, *args):
        seen = {}

        def main(**kwargs):
            seen.update(kwargs)
            raise _Stop

        monkeypatch.setattr(study, "main", main)
        app = typer.Typer()
        app.command()(study.cli)
        result = CliRunner().invoke(app, list(args))
        assert isinstance(result.exception, _Stop), result.output
        seen.pop("out")
        assert seen.pop("executor") == "serial"  # the default, opened by StudyOptions
        return seen

    return run


@pytest.fixture(scope="session")
def tnbp_run_quick():
    """``tnbp_run_quick(name, out)``: ``tnbp run <name> --quick --out <out>``, checked.

    The study's quick preset through the ``tnbp`` command, as CI's acceptance
    runs it: exit status 0, a table with rows and a figure. A test then reads
    the run through ``study.main(**study.QUICK, out=out)``, which resumes from
    the store and computes nothing.
    """

    def run(name, out):
        result = CliRunner().invoke(
            cli.app, ["run", name, "--quick", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert len(read_table(Path(out) / "table.csv")) > 0
        assert any(p.stat().st_size > 10_000 for p in Path(out).glob("*.png"))
        return result

    return run
