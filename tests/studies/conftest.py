"""The options a study's command line hands to its ``main``."""

import pytest
import typer
from typer.testing import CliRunner


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
