"""The command line of a study script: its parameters, what it ran with, how to resume.

A study script (``studies/*.py``) has defaults, a seconds-long ``--quick``
preset and one option per parameter. :class:`StudyOptions` is the one place
that turns them into a run:

- the parameters are the preset (with ``--quick``) or the defaults, then every
  option given explicitly: ``--quick --n 20 --samples 2`` runs ``n = 20``
  with 2 samples and the preset's other values;
- the run prints one line with every parameter it used, and where each came
  from;
- Ctrl-C ends the run with one line (on stderr) saying how many rows are saved
  and the exact command that resumes it, and exit status 130 (128 + SIGINT),
  instead of the traceback of wherever the signal landed. The resume command
  spells out every parameter, so it computes the same points whatever the
  preset.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path

from .sweep import SweepInterrupted, is_interrupt

#: exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it)
INTERRUPTED_EXIT_CODE = 130


@dataclasses.dataclass(frozen=True)
class StudyOptions:
    """The parameters of one run of a study script, and where they came from.

    Build it with :meth:`resolve`; :meth:`run` runs the study's ``main``.

    Parameters
    ----------
    script : Path
        The study script (its command line is ``python <script> --option value ...``).
    params : dict
        Every parameter of ``main`` but ``out``, by name (option ``--a-b`` is
        parameter ``a_b``).
    quick : bool
        Whether the ``--quick`` preset was the base.
    given : tuple of str
        The parameters given explicitly on the command line (they override
        the base).

    Examples
    --------
    >>> opts = StudyOptions.resolve(
    ...     "studies/s.py", defaults=dict(n=24, samples=3), preset=dict(n=12, samples=1),
    ...     quick=True, given=dict(n=20, samples=None))
    >>> opts.params
    {'n': 20, 'samples': 1}
    >>> opts.describe()
    's: n=20, samples=1 (--quick preset; given: n)'
    """

    script: Path
    params: dict
    quick: bool
    given: tuple[str, ...]

    @classmethod
    def resolve(
        cls,
        script: str | Path,
        *,
        defaults: Mapping,
        preset: Mapping,
        quick: bool,
        given: Mapping,
    ) -> StudyOptions:
        """The preset (or the defaults), then every option given explicitly.

        Parameters
        ----------
        script : str or Path
            The study script (``__file__``).
        defaults : Mapping
            Every parameter's default value.
        preset : Mapping
            The ``--quick`` values (the same keys as ``defaults``).
        quick : bool
            Whether ``--quick`` was given.
        given : Mapping
            The options as parsed, None for those not given (typer's
            ``typer.Option(None)``).

        Returns
        -------
        StudyOptions
            The run's parameters, in the order of ``defaults``.

        Raises
        ------
        ValueError
            If ``preset`` or ``given`` names a parameter that ``defaults`` lacks.
        """
        for name, other in (("preset", preset), ("given", given)):
            unknown = sorted(set(other) - set(defaults))
            if unknown:
                raise ValueError(f"`{name}` names unknown parameter(s) {unknown}.")
        base = preset if quick else defaults
        given = {k: v for k, v in given.items() if v is not None}
        params = {k: given.get(k, base.get(k, defaults[k])) for k in defaults}
        return cls(
            Path(script), params, bool(quick), tuple(k for k in params if k in given)
        )

    def describe(self) -> str:
        """One line: the study's name, every parameter, and where they came from.

        Returns
        -------
        str
            E.g. ``"entanglement_vs_depth: n=20, depths=1,2,4,8, samples=2, ...
            (--quick preset; given: n, samples)"``.
        """
        values = ", ".join(f"{k}={_text(v)}" for k, v in self.params.items())
        base = "--quick preset" if self.quick else "defaults"
        given = f"; given: {', '.join(self.given)}" if self.given else ""
        return f"{self.script.stem}: {values} ({base}{given})"

    def command(self, out: str | Path) -> str:
        """The command line that runs (or resumes) exactly these points into ``out``.

        Parameters
        ----------
        out : str or Path
            The output folder (the results store).

        Returns
        -------
        str
            ``python <script> --<param> <value> ... --out <out>``, shell-quoted,
            every parameter spelled out (no ``--quick``), the script's path
            relative to the working directory when it lies below it.
        """
        script = self.script.resolve()
        try:
            script = script.relative_to(Path.cwd())
        except ValueError:
            pass
        words = ["python", os.fspath(script)]
        for k, v in self.params.items():
            words += [f"--{k.replace('_', '-')}", _text(v)]
        words += ["--out", os.fspath(out)]
        return shlex.join(words)

    def run(self, main: Callable, *, out: str | Path, echo: Callable):
        """Print :meth:`describe`, run ``main(**params, out=out)``, handle Ctrl-C.

        Parameters
        ----------
        main : callable
            The study's ``main``: keyword parameters and ``out``.
        out : str or Path
            The output folder.
        echo : callable
            Prints a line, as ``typer.echo`` does: called as ``echo(text)``,
            and as ``echo(text, err=True)`` (stderr) for the interruption line.

        Returns
        -------
        object
            What ``main`` returns.

        Raises
        ------
        SystemExit
            With status :data:`INTERRUPTED_EXIT_CODE` (130) after Ctrl-C, once
            the line that says how many rows are saved and how to resume is
            printed. Other exceptions of ``main`` propagate unchanged.
        """
        echo(self.describe())
        try:
            return main(**self.params, out=out)
        except BaseException as exc:
            if not is_interrupt(exc):
                raise
            if isinstance(exc, SweepInterrupted):
                saved = f"{exc.saved} of {exc.total} rows saved in {exc.out}"
            else:  # before or after the sweep itself: its rows are all in out
                saved = f"finished rows are saved in {out}"
            line = f"interrupted: {saved}; resume with: {self.command(out)}"
            echo(line, err=True)
            raise SystemExit(INTERRUPTED_EXIT_CODE) from None


def _text(value) -> str:
    """A parameter as its command-line text: sequences comma-separated."""
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)
