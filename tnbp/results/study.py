"""The command line of a study script: its parameters, what it ran with, how to resume.

A study script (``studies/*.py``) has defaults, a seconds-long ``--quick``
preset and one option per parameter. :class:`StudyOptions` is the one place
that turns them into a run:

- the parameters are the preset (with ``--quick``) or the defaults, then every
  option given explicitly: ``--quick --n 20 --samples 2`` runs ``n = 20``
  with 2 samples and the preset's other values;
- every value is checked before any work: a list option (``--depths 1,2,4``)
  must hold distinct numbers, each parameter must keep the study's limits
  (``n=">= 2"``, ``n_visible=">= 1 and < n"``) and floats must be finite. A
  bad value is typer's usage error (exit status 2, ``Invalid value for
  '--depths': ...``), not a traceback from inside the sweep; a value repeated
  in a list is refused rather than run (and counted) twice;
- the run prints one line with every parameter it used, and where each came
  from;
- Ctrl-C ends the run with one line (on stderr) saying how many rows are saved
  and the exact command that resumes it, and exit status 130 (128 + SIGINT),
  instead of the traceback of wherever the signal landed. The resume command
  spells out every parameter, so it computes the same points whatever the
  preset; for a study of the catalog (:mod:`tnbp.results.catalog`) it is a
  ``tnbp run`` command;
- ``--executor`` (:func:`executor_option`) says where the points run:
  ``serial`` (this process), ``processes`` (local worker processes),
  ``threads``, or ``dask://HOST:PORT`` (a running dask.distributed
  scheduler); :func:`open_executor` turns the text into the executor.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import operator
import os
import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NoReturn

import pandas as pd
import typer

from .._executors import EXECUTORS, check_client, is_interrupt
from .catalog import UnknownStudyError, find_study
from .store import TABLE_FILE, read_table
from .sweep import SweepInterrupted

#: exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it)
INTERRUPTED_EXIT_CODE = 130

#: the comparisons a limit may use (``"> 0"``, ``">= 1 and < n"``)
_COMPARISONS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_CLAUSE = re.compile(r"^\s*(>=|<=|>|<)\s*(\S+)\s*$")


def study_option(help_text: str, default):
    """A study's command-line option: unset by default, its default shown in ``--help``.

    The value stays None unless given, so :meth:`StudyOptions.resolve` can tell
    an explicit option from the preset's or the default's; the help text ends
    with ``[default: ...]`` (the bracket escaped: rich would read it as markup
    and drop it).

    Parameters
    ----------
    help_text : str
        What the option sets.
    default : object
        The value used when the option is not given (a tuple is shown as
        ``a, b, c``).

    Returns
    -------
    typer.models.OptionInfo
        ``typer.Option(None, help=...)``.
    """
    # ", ": rich wraps at spaces, and cuts a long unbroken list short with "..."
    text = (
        ", ".join(map(str, default)) if isinstance(default, (tuple, list)) else default
    )
    # parser=str: the text reaches StudyOptions.resolve as typed, which reads it
    # by the default's type; typer's own int parsing (pydantic's, lax) took
    # "3.0" for 3 and would run a study at a value nobody typed
    return typer.Option(None, help=f"{help_text} \\[default: {text}]", parser=str)


#: the scheme of an ``--executor`` that names a dask.distributed scheduler
DASK_SCHEME = "dask://"


def executor_option():
    """A study's ``--executor`` option: where its points run (default ``serial``).

    Returns
    -------
    typer.models.OptionInfo
        ``typer.Option("serial", help=...)``; :func:`open_executor` reads the
        value.
    """
    return typer.Option(
        "serial",
        help="where the points run: serial, processes (local workers), threads, "
        "or dask://HOST:PORT (a dask.distributed scheduler)",
    )


@contextlib.contextmanager
def open_executor(text: str) -> Iterator:
    """The executor an ``--executor`` value names, open for the ``with`` block.

    Parameters
    ----------
    text : str
        ``"serial"``, ``"processes"``, ``"threads"``, or
        ``"dask://HOST:PORT"``: a client of that dask.distributed scheduler
        (``tcp://HOST:PORT``), closed after the block (the cluster stays up).

    Yields
    ------
    str or distributed.Client
        The name (:func:`~tnbp.results.sweep.run_sweep` opens named
        executors itself) or the client.

    Raises
    ------
    StudyOptionError (a ValueError)
        If ``text`` is none of these (a malformed ``HOST:PORT`` included), or
        dask.distributed is not installed (``pip install
        "tnbp[distributed]"``), cannot reach the scheduler, or finds a cluster
        without this version of tnbp (the ValueError of
        ``tnbp._executors.check_client``, reworded).
    """
    if text in EXECUTORS:
        yield text
        return
    address = _dask_address(text)
    try:
        from distributed import Client
    except ImportError:
        raise StudyOptionError(
            'dask.distributed is not installed: pip install "tnbp[distributed]".',
            param_hint=["--executor"],
        ) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a bad address
        raise StudyOptionError(
            f"cannot reach the dask scheduler at {address}: {exc}",
            param_hint=["--executor"],
        ) from None
    with client:
        try:
            check_client(client)
        except ValueError as exc:
            raise StudyOptionError(
                str(exc).removeprefix("`executor`: "), param_hint=["--executor"]
            ) from None
        yield client


#: ``HOST:PORT`` of a ``dask://`` executor: a host name, IPv4 or [IPv6] address
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):([0-9]+)")


def _dask_address(text: str) -> str:
    """The scheduler address ``tcp://HOST:PORT`` of ``text`` = ``dask://HOST:PORT``."""
    rest = text[len(DASK_SCHEME) :] if text.startswith(DASK_SCHEME) else None
    match = _HOST_PORT.fullmatch(rest or "")
    if match and 1 <= int(match[2]) <= 65535:
        return "tcp://" + rest
    hint = ""
    if rest and "://" in rest:  # dask://tcp://HOST:PORT, a scheduler's address pasted
        hint = f" Did you mean {DASK_SCHEME}{rest.split('://', 1)[1]}?"
    elif rest and rest.endswith("/") and _HOST_PORT.fullmatch(rest.rstrip("/")):
        hint = f" Did you mean {DASK_SCHEME}{rest.rstrip('/')}?"
    elif match:
        hint = f" The port must be in 1..65535, got {match[2]}."
    elif rest and rest.count(":") > 1 and not rest.startswith("["):
        hint = " An IPv6 host goes in brackets: dask://[::1]:8786."
    elif rest and rest.isprintable() and not re.search(r"[\s:/]", rest):
        hint = f" The port is missing, as in {text}:8786."
    raise StudyOptionError(
        f"{text!r} is not one of {', '.join(EXECUTORS)} or dask://HOST:PORT.{hint}",
        param_hint=["--executor"],
    )


class StudyOptionError(typer.BadParameter, ValueError):
    """A bad value of a study's option: typer's usage error, and a ValueError.

    Raised by :meth:`StudyOptions.resolve`. Under typer (``typer.run``) it ends
    the script with ``Invalid value for '--option': ...`` and exit status 2,
    without a traceback; called from Python it is a :class:`ValueError`.

    Parameters
    ----------
    message : str
        What is wrong and what is allowed.
    param_hint : list of str
        The option(s) to blame (``["--n"]``); typer quotes them.
    """

    def __init__(self, message: str, *, param_hint: list[str]):
        super().__init__(message, param_hint=param_hint)


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
        limits: Mapping[str, str] | None = None,
    ) -> StudyOptions:
        """The preset (or the defaults), then every option given explicitly, checked.

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
            ``typer.Option(None)``). A parameter whose default is a tuple (a
            list option) may be given as its command-line text, comma-separated
            (``"1,2,4"``); its items are read as the default's items are
            (int, or float if any default item is one).
        limits : Mapping of str to str, optional
            The values each parameter allows, as comparisons joined by
            ``" and "``; the other side of each is a number or another
            parameter: ``dict(n=">= 2", n_visible=">= 1 and < n", beta="> 0")``.
            A limit of a list parameter holds for each of its items.

        Returns
        -------
        StudyOptions
            The run's parameters, in the order of ``defaults``.

        Raises
        ------
        StudyOptionError
            (a :class:`ValueError`, typer's usage error on the command line)
            If a value given is not a number of the parameter's type, a list
            is empty, has an empty item or repeats a value, a float is NaN or
            infinite, or a parameter breaks its limit; the message names the
            option (the options given, for a limit between two parameters).
        ValueError
            If ``preset``, ``given`` or ``limits`` names a parameter that
            ``defaults`` lacks, or a limit is not a comparison.
        """
        limits = dict(limits or {})
        for name, other in (("preset", preset), ("given", given), ("limits", limits)):
            unknown = sorted(set(other) - set(defaults))
            if unknown:
                raise ValueError(f"`{name}` names unknown parameter(s) {unknown}.")
        rules = {k: _parse_limit(k, v, defaults) for k, v in limits.items()}
        base = preset if quick else defaults
        given = {k: _read(k, v, defaults[k]) for k, v in given.items() if v is not None}
        params = {k: given.get(k, base.get(k, defaults[k])) for k in defaults}
        for name, clauses in rules.items():
            for symbol, bound in clauses:
                _check(name, symbol, bound, params, given, quick)
        return cls(
            Path(script), params, bool(quick), tuple(k for k in params if k in given)
        )

    def refuse(self, message: str, *names: str) -> NoReturn:
        """Refuse the run: a usage error about parameters ``names``, before any work.

        For a check :meth:`resolve`'s limits cannot state (a register that
        ``n_visible + max(hidden)`` fills, a circuit that cannot be trained).

        Parameters
        ----------
        message : str
            What is wrong and what to give instead.
        *names : str
            The parameters the check is about; the error blames those given on
            the command line, or all of them when none was.

        Raises
        ------
        StudyOptionError
            Always (a :class:`ValueError`; on the command line typer's usage
            error, exit status 2).
        """
        blamed = [k for k in names if k in self.given] or list(names)
        raise StudyOptionError(message, param_hint=[_option(k)[0] for k in blamed])

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

    def command(self, out: str | Path, *, executor: str = "serial") -> str:
        """The command line that runs (or resumes) exactly these points into ``out``.

        Parameters
        ----------
        out : str or Path
            The output folder (the results store).
        executor : str, optional
            The ``--executor`` value to repeat (not spelled out when
            ``"serial"``, the default).

        Returns
        -------
        str
            For a study of the catalog (:func:`~tnbp.results.catalog.find_study`
            finds this script by its name): ``tnbp run <name> --set
            <param>=<value> ... --out <out>``; for another script ``python
            <script> --<param> <value> ... --out <out>``, the path relative to
            the working directory when it lies below it. Shell-quoted, every
            parameter spelled out (no ``--quick``).
        """
        script = self.script.resolve()
        try:
            in_catalog = find_study(script.stem).path.resolve() == script
        except (UnknownStudyError, FileNotFoundError):
            in_catalog = False
        if in_catalog:
            words = ["tnbp", "run", script.stem]
            for k, v in self.params.items():
                words += ["--set", f"{k}={_text(v)}"]
        else:
            try:
                script = script.relative_to(Path.cwd())
            except ValueError:
                pass
            words = ["python", os.fspath(script)]
            for k, v in self.params.items():
                words += [f"--{k.replace('_', '-')}", _text(v)]
        if executor != "serial":
            words += ["--executor", executor]
        words += ["--out", os.fspath(out)]
        return shlex.join(words)

    @staticmethod
    def outputs(rows: pd.DataFrame, out: str | Path, figure: str | Path) -> str:
        """Where a run's rows and figure are, and what else the table holds.

        The store's ``table.csv`` keeps every row ever computed into ``out``;
        a run with other settings into the same folder adds its rows beside
        the earlier ones (each with its parameters). The line says so, so that
        nobody reads the table as this run's alone.

        Parameters
        ----------
        rows : pandas.DataFrame
            This run's rows (what :func:`~tnbp.results.sweep.run_sweep`
            returned; its ``key`` column identifies them).
        out : str or Path
            The output folder (the results store).
        figure : str or Path
            The figure the run drew from ``rows``.

        Returns
        -------
        str
            Two lines: ``table: <out>/table.csv (N rows...)`` and
            ``figure: <figure>``; when the table holds rows of other settings,
            how many, and that the summary and figure are of this run's rows.
        """
        path = Path(out) / TABLE_FILE
        keys = set(read_table(path).key)
        others = len(keys - set(rows.key))
        held = (
            f"{len(rows)} rows"
            if not others
            else f"{len(keys)} rows: these {len(rows)} and {others} of other "
            f"points or settings, told apart by their parameter columns; the "
            f"summary and figure are of these {len(rows)} only"
        )
        return f"table: {path} ({held})\nfigure: {figure}"

    def run(
        self,
        main: Callable,
        *,
        out: str | Path,
        echo: Callable,
        executor: str = "serial",
    ):
        """Print :meth:`describe`, run ``main(**params, out=out, executor=...)``, handle Ctrl-C.

        Parameters
        ----------
        main : callable
            The study's ``main``: keyword parameters, ``out`` and ``executor``
            (which it passes to :func:`~tnbp.results.sweep.run_sweep`).
        out : str or Path
            The output folder.
        echo : callable
            Prints a line, as ``typer.echo`` does: called as ``echo(text)``,
            and as ``echo(text, err=True)`` (stderr) for the interruption line.
        executor : str, optional
            The ``--executor`` value (:func:`open_executor`): ``main`` gets
            the executor it names, open while it runs. A dask scheduler with
            no worker yet is said so in one line (the points wait for one).

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
        StudyOptionError
            If ``executor`` names no executor (:func:`open_executor`).
        """
        try:
            with open_executor(executor) as pool:
                echo(self.describe())
                if _idle_cluster(pool):
                    echo(
                        f"the dask scheduler at {pool.scheduler.address} has no "
                        "workers yet: the points wait for them (Ctrl-C stops)"
                    )
                return main(**self.params, out=out, executor=pool)
        except BaseException as exc:
            if not is_interrupt(exc):
                raise
            if isinstance(exc, SweepInterrupted):
                saved = f"{exc.saved} of {exc.total} rows saved in {exc.out}"
            else:  # before or after the sweep itself: its rows are all in out
                saved = f"finished rows are saved in {out}"
            resume = self.command(out, executor=executor)
            line = f"interrupted: {saved}; resume with: {resume}"
            echo(line, err=True)
            raise SystemExit(INTERRUPTED_EXIT_CODE) from None


def _idle_cluster(pool) -> bool:
    """Whether ``pool`` is a dask client whose scheduler has no worker now."""
    info = getattr(pool, "scheduler_info", None)
    return callable(info) and not info()["workers"]


def _option(name: str) -> list[str]:
    """A parameter's option, as a hint for typer (it quotes it: ``'--n-visible'``)."""
    return [f"--{name.replace('_', '-')}"]


def _read(name: str, value, default):
    """A given value, list options read from their text; checked for its type."""
    if isinstance(default, tuple):
        kind = float if any(isinstance(d, float) for d in default) else int
        text = value if isinstance(value, str) else ",".join(map(str, value))
        items = [item.strip() for item in text.split(",")]
        if "" in items:
            raise StudyOptionError(
                f"{text!r} has an empty item: give comma-separated numbers, "
                f"e.g. {_text(default)!r}.",
                param_hint=_option(name),
            )
        values = tuple(_number(name, item, kind, text) for item in items)
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise StudyOptionError(
                f"{text!r} repeats {_text(repeated)}: each value runs once, so "
                f"give it once.",
                param_hint=_option(name),
            )
        return values
    if isinstance(value, str):
        return _number(name, value, type(default), value)
    return _number(name, value, type(default), str(value))


def _number(name: str, item, kind: type, text: str):
    """One number of an option: ``kind(item)``, finite, or a usage error."""
    if kind not in (int, float):  # text, paths, flags: typer has read them
        return item
    where = "" if str(item) == text else f" (in {text!r})"
    try:
        if kind is int and isinstance(item, (float, bool)):
            raise ValueError  # int(2.5) would truncate silently
        number = kind(item)
    except (TypeError, ValueError):
        what = "an integer" if kind is int else "a number"
        raise StudyOptionError(
            f"{str(item)!r} is not {what}{where}.", param_hint=_option(name)
        ) from None
    if not math.isfinite(number):
        raise StudyOptionError(
            f"{str(item)!r} is not a finite number{where}.", param_hint=_option(name)
        )
    return number


def _parse_limit(name: str, limit: str, defaults: Mapping) -> list[tuple[str, object]]:
    """``">= 1 and < n"`` as ``[(">=", 1), ("<", "n")]`` (a name: another parameter)."""
    clauses = []
    for clause in str(limit).split(" and "):
        match = _CLAUSE.match(clause)
        if match is None:
            raise ValueError(
                f"`limits` of {name!r} must be comparisons ({', '.join(_COMPARISONS)}) "
                f"joined by ' and ', got {limit!r}."
            )
        symbol, bound = match.groups()
        if bound not in defaults:
            try:
                bound = float(bound) if "." in bound or "e" in bound else int(bound)
            except ValueError:
                raise ValueError(
                    f"`limits` of {name!r}: {bound!r} is neither a number nor a "
                    f"parameter of {sorted(defaults)}."
                ) from None
        clauses.append((symbol, bound))
    return clauses


def _check(name: str, symbol: str, bound, params: Mapping, given: Mapping, quick):
    """Raise a usage error if ``params[name]`` (each item of a list) breaks a limit."""
    other = bound if isinstance(bound, str) else None
    limit = params[other] if other else bound
    value = params[name]
    values = value if isinstance(value, tuple) else (value,)
    bad = [v for v in values if not _COMPARISONS[symbol](v, limit)]
    if not bad:
        return
    each = "each value of " if isinstance(value, tuple) else ""
    against = f"{other} ({_text(limit)})" if other else _text(limit)
    message = f"{each}{name} must be {symbol} {against}, got {_text(bad[0])}"
    blamed = [k for k in (name, other) if k is not None and k in given]
    if name not in given:  # blamed for a value it was compared with
        source = "the --quick preset" if quick else "the defaults"
        message += f" ({name} from {source}; give --{name.replace('_', '-')})"
    raise StudyOptionError(
        message + ".",
        param_hint=[_option(k)[0] for k in blamed or (name, other) if k],
    )


def _text(value) -> str:
    """A parameter as its command-line text: sequences comma-separated."""
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)
