"""The ``tnbp`` command: list, run, read and redraw the studies; simulate a QASM file.

::

    tnbp studies [STUDY]                       # every study; one study's parameters
    tnbp run STUDY [--quick] [--set KEY=VALUE ...] [--executor E] [--out DIR]
    tnbp results STUDY [--out DIR] [--format csv|parquet]
    tnbp plot STUDY [--quick] [--set KEY=VALUE ...] [--out DIR]
    tnbp simulate FILE.qasm [--backend mps|dense] [--max-bond N] [--alpha A]

A study is a script of the studies folder (:mod:`tnbp.results.catalog` says
where it is found); ``tnbp run`` runs it as ``python studies/STUDY.py`` would,
each ``--set key=value`` becoming the script's option ``--key value``, so the
study checks its own parameters, resumes from its store and prints its own
summary. ``python -m tnbp`` is the same command. Shell completion:
``tnbp --install-completion``.
"""

from __future__ import annotations

import enum
import inspect
import os
import sqlite3
import sys
import warnings
from pathlib import Path

import typer

from .limits import AUTO_MEMORY_CAP
from .results.catalog import (
    PAPERS,
    UnknownStudyError,
    find_study,
    list_studies,
    load_study,
    studies_folder,
)
from .results.store import STORE_FILE, ResultStore
from .results.study import INTERRUPTED_EXIT_CODE, executor_option
from .results.sweep import MissingRows, stored_only


class _TableFormat(str, enum.Enum):
    """``tnbp results --format``: the table on stdout, or a Parquet file."""

    csv = "csv"
    parquet = "parquet"


class _Backend(str, enum.Enum):
    """``tnbp simulate --backend``."""

    mps = "mps"
    dense = "dense"


class _ProfileFormat(str, enum.Enum):
    """``tnbp simulate --format``: aligned text, or CSV with the record on stderr."""

    table = "table"
    csv = "csv"


#: click's UsageError, the base of every command-line error (taken from typer's
#: BadParameter: typer >= 0.29 vendors its own click)
_UsageError = typer.BadParameter.__mro__[1]

#: options of a study's command line that ``tnbp run`` sets itself
_RUN_OPTIONS = ("out", "quick", "executor")

app = typer.Typer(
    name="tnbp",
    help="Tensor-network barren plateaus: run the studies of the source papers, "
    "read their tables, simulate OpenQASM circuits.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _fail(message: str, *, code: int = 2):
    """End the command with one line on stderr and exit status ``code``."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _complete_study(incomplete: str) -> list[str]:
    """Study names that start with what was typed (shell completion)."""
    try:
        return [s.name for s in list_studies() if s.name.startswith(incomplete)]
    except FileNotFoundError:
        return []


def _study_argument():
    return typer.Argument(
        ...,
        help="the study's name (`tnbp studies` lists them)",
        autocompletion=_complete_study,
        show_default=False,
    )


def _interrupted():
    """Ctrl-C before a study's sweep (which reports its own): one line, status 130."""
    typer.echo("interrupted: nothing was being computed; no result is lost", err=True)
    raise typer.Exit(INTERRUPTED_EXIT_CODE)


def _load(study: str):
    """The study's module, or a one-line error naming the argument."""
    try:
        module = load_study(study)
    except (UnknownStudyError, FileNotFoundError) as exc:
        _fail(f"Invalid value for 'study': {exc}")
    except KeyboardInterrupt:
        _interrupted()
    except (Exception, SystemExit) as exc:  # the script itself is broken: say so
        _fail(
            f"the study script {study} cannot be loaded: {type(exc).__name__}: {exc}",
            code=1,
        )
    missing = [
        name for name in ("main", "cli") if not callable(getattr(module, name, None))
    ]
    if missing:
        _fail(
            f"the study script {study} is not a study: it defines no "
            f"{' and no '.join(missing)} function (see tnbp.results.study)",
            code=1,
        )
    return module


def _default_out(module) -> Path:
    """The output folder a study uses when ``--out`` is not given."""
    return Path(inspect.signature(module.main).parameters["out"].default)


def _study_keys(module) -> list[str]:
    """The parameters ``--set`` may give a study (its options, less tnbp's own)."""
    params = inspect.signature(module.cli).parameters
    return [name for name in params if name not in _RUN_OPTIONS]


def _study_arguments(module, study: str, sets: list[str]) -> list[str]:
    """``--set key=value`` items as the study's options ``--key value``."""
    keys = _study_keys(module)
    args: list[str] = []
    seen: set[str] = set()
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            _fail(f"Invalid value for '--set': {item!r} is not KEY=VALUE.")
        if key not in keys:
            _fail(
                f"Invalid value for '--set': {study} has no parameter {key!r}; "
                f"its parameters are {', '.join(keys)}."
            )
        if key in seen:
            _fail(f"Invalid value for '--set': {key!r} is given twice.")
        seen.add(key)
        args += [f"--{key.replace('_', '-')}", value]
    return args


def _writable_folder(out: Path) -> Path:
    """``--out``, created if missing, or a one-line error if it cannot hold a store."""
    if str(out) == "":
        _fail("Invalid value for '--out': give a folder")
    if out.exists() and not out.is_dir():
        _fail(f"Invalid value for '--out': {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"Invalid value for '--out': cannot create {out}: {exc.strerror}")
    if not os.access(out, os.W_OK | os.X_OK):
        _fail(f"Invalid value for '--out': {out} is not writable")
    return out


def _invoke(module, study: str, args: list[str]) -> None:
    """Run the study's own command line with ``args``; its usage errors as ours."""
    study_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    study_app.command()(module.cli)
    command = typer.main.get_command(study_app)
    try:
        # returns the status of an Exit, 130 for a Ctrl-C the study did not
        # report (one during its sweep ends in its own SystemExit)
        code = command.main(
            args=args, prog_name=f"tnbp run {study}", standalone_mode=False
        )
    except typer.BadParameter as exc:
        hints = exc.param_hint or (exc.param.opts[:1] if exc.param else [])
        names = [hints] if isinstance(hints, str) else list(hints)
        keys = _study_keys(module)
        names = [_as_set(h, keys) for h in names] or ["a parameter"]
        _fail(f"Invalid value for {' / '.join(names)}: {exc.message}")
    except _UsageError as exc:
        _fail(exc.format_message())
    if code == INTERRUPTED_EXIT_CODE:
        _interrupted()
    if isinstance(code, int) and code:
        raise typer.Exit(code)


def _as_set(hint: str, keys: list[str]) -> str:
    """A study option's name (``'--n-visible'``) as ``tnbp run`` spells it (``--set n_visible``)."""
    name = hint.strip("'\"").lstrip("-").replace("-", "_")
    return f"--set {name}" if name in keys else hint


def _figure_order(info) -> tuple:
    """The paper's figures first (in their order), then the extensions beyond ED."""
    beyond = info.figure.startswith("beyond")
    return (beyond, not info.figure.startswith("Fig"), info.figure, info.name)


@app.command("studies")
def _studies(
    study: str = typer.Argument(
        None,
        help="a study: show its parameters (the keys of `tnbp run --set`)",
        autocompletion=_complete_study,
        show_default=False,
    ),
):
    """List every study: its name, paper, figure and what it computes.

    With a study's name: its parameters, each with its default (the paper's
    settings), its --quick value, the values it allows and what it sets.
    Examples: tnbp studies; tnbp studies qbm_hidden_units
    """
    if study is not None:
        _describe_study(study)
        return
    try:
        entries = list_studies()
    except FileNotFoundError as exc:
        _fail(str(exc), code=1)
    if not entries:
        _fail(f"no study scripts (*.py) in {studies_folder()}", code=1)
    typer.echo(f"studies in {studies_folder()} (tnbp run NAME --quick runs one):")
    width = max(len(s.name) for s in entries)
    label = max(len(s.figure) for s in entries)
    papers = [*PAPERS, *sorted({s.paper for s in entries} - set(PAPERS))]
    for paper in papers:
        of_paper = sorted((s for s in entries if s.paper == paper), key=_figure_order)
        if of_paper:
            typer.echo(f"\n{paper or 'other'}  {PAPERS.get(paper, '')}".rstrip())
        for s in of_paper:
            typer.echo(f"  {s.figure:<{label}}  {s.name:<{width}}  {s.summary}")


def _describe_study(study: str) -> None:
    """Print one study's summary and its parameters as a table."""
    module = _load(study)
    info = find_study(study)
    typer.echo(f"{info.name}: {info.summary}")
    typer.echo(f"{info.paper}  {info.figure}  ({info.path})".strip())
    defaults, quick = getattr(module, "DEFAULTS", {}), getattr(module, "QUICK", {})
    limits = getattr(module, "LIMITS", {})
    params = inspect.signature(module.cli).parameters
    rows = [("parameter", "default", "--quick", "allowed", "sets")]
    for key in _study_keys(module):
        option = params[key].default
        what = (getattr(option, "help", "") or "").split(" \\[default:")[0]
        rows.append(
            (
                key,
                _shown(defaults.get(key, getattr(option, "default", ""))),
                _shown(quick.get(key, "")),
                str(limits.get(key, "")),
                what,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    typer.echo("")
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row, widths)]
        typer.echo("  ".join([*cells, row[4]]).rstrip())
    typer.echo(f"\nrun with: tnbp run {info.name} [--quick] [--set KEY=VALUE ...]")


def _shown(value) -> str:
    """A parameter's value as ``--set`` takes it (lists comma-separated)."""
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return "" if value is None else str(value)


@app.command("run")
def _run(
    study: str = _study_argument(),
    quick: bool = typer.Option(False, help="the study's seconds-long preset"),
    set_: list[str] = typer.Option(
        [],
        "--set",
        help="a parameter of the study as KEY=VALUE (repeatable; lists "
        "comma-separated: --set depths=1,2,4; `tnbp studies STUDY` lists the keys)",
        show_default=False,
    ),
    executor: str = executor_option(),
    out: Path = typer.Option(
        None,
        help="output folder: the results store, table.csv and the figure "
        "[default: the study's, results/STUDY]",
        show_default=False,
    ),
):
    """Run a study (or resume it: finished rows are kept and not recomputed).

    Examples: tnbp run entanglement_vs_depth --quick;
    tnbp run qbm_hidden_units --set samples=100 --set hidden=1,2,3,4 --executor processes
    """
    module = _load(study)
    out = _writable_folder(out or _default_out(module))
    args = ["--quick"] if quick else []
    args += _study_arguments(module, study, set_)
    args += ["--executor", executor, "--out", str(out)]
    _invoke(module, study, args)


@app.command("plot")
def _plot(
    study: str = _study_argument(),
    quick: bool = typer.Option(False, help="the study's seconds-long preset"),
    set_: list[str] = typer.Option(
        [], "--set", help="a parameter as KEY=VALUE (repeatable)", show_default=False
    ),
    out: Path = typer.Option(
        None,
        help="the run's output folder [default: results/STUDY]",
        show_default=False,
    ),
):
    """Redraw a study's figure and summary from its stored rows, computing nothing.

    The settings (--quick, --set) select the rows as `tnbp run` would.
    Example: tnbp plot entanglement_vs_depth --quick
    """
    module = _load(study)
    out = out or _default_out(module)
    if not (out / STORE_FILE).is_file():
        _fail(
            f"no results store in {out}: run `tnbp run {study} --out {out}` first",
            code=1,
        )
    args = ["--quick"] if quick else []
    args += _study_arguments(module, study, set_) + ["--out", str(out)]
    try:
        with stored_only():
            _invoke(module, study, args)
    except MissingRows as exc:
        settings = " --quick" if quick else ""
        settings += "".join(f" --set {s}" for s in set_)
        hint = "" if quick else " (or, for a --quick run, give --quick)"
        _fail(
            f"{exc.missing} of {exc.total} points of these settings have no row in "
            f"{exc.out}; compute them with: tnbp run {study}{settings} --out {out}"
            f"{hint}",
            code=1,
        )


@app.command("results")
def _results(
    study: str = _study_argument(),
    out: Path = typer.Option(
        None,
        help="the study's output folder [default: results/STUDY]",
        show_default=False,
    ),
    format: _TableFormat = typer.Option(
        _TableFormat.csv,
        "--format",
        help="csv: the table on stdout; parquet: written to OUT/table.parquet",
    ),
):
    """Every stored row of a study as a tidy table (all settings run into OUT).

    Examples: tnbp results qbm_hidden_units > table.csv;
    tnbp results qbm_hidden_units --format parquet
    """
    module_out = _default_out(_load(study)) if out is None else out
    if not (module_out / STORE_FILE).is_file():
        _fail(
            f"no results store in {module_out}: run `tnbp run {study}` first "
            f"(or give --out)",
            code=1,
        )
    try:
        store = ResultStore(module_out)
        table = store.table(task=study)
    except (sqlite3.Error, OSError, ValueError) as exc:
        _fail(f"cannot read the results store in {module_out}: {exc}", code=1)
    with store:
        if table.empty:
            _fail(f"no rows of {study} in {module_out / STORE_FILE}", code=1)
        try:
            if format is _TableFormat.parquet:
                typer.echo(store.write_table(format=format.value, task=study))
            else:
                table.to_csv(sys.stdout, index=False)
                sys.stdout.flush()
        except BrokenPipeError:  # `tnbp results ... | head`: the reader has enough
            # nothing more can be written; Python's recipe: exit quietly, status 1
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            _fail(f"cannot write the table: {exc}", code=1)


@app.command("simulate")
def _simulate(
    file: Path = typer.Argument(
        ...,
        help="an OpenQASM 2 or 3 program",
        exists=True,
        dir_okay=False,
    ),
    backend: _Backend = typer.Option(_Backend.mps, help="simulator"),
    max_bond: int = typer.Option(
        None,
        min=1,
        help="MPS bond-dimension cap [default: none, exact up to the cutoff, "
        "unless an exact run could exceed 2 GiB: then the largest power of 2 "
        "that fits, said in the record]",
        show_default=False,
    ),
    cutoff: float = typer.Option(
        1e-12, min=0.0, max=1.0, help="MPS singular-value cutoff (relative), in [0, 1)"
    ),
    alpha: float = typer.Option(1.0, min=0.0, help="Renyi index (1: von Neumann)"),
    format: _ProfileFormat = typer.Option(
        _ProfileFormat.table,
        "--format",
        help="table: aligned text with the bond record below; csv: the table "
        "only (the record and caveats on stderr)",
    ),
):
    """The entropy profile and bond record of an OpenQASM circuit from |0...0>.

    One row per cut (qubits 0..k-1 | k..n-1): the entropy in bits, its bond
    dimension and whether it sits at the cap; then the bond record (largest
    bond, discarded weight, fidelity estimate), the error bound and any caveat.
    Example: tnbp simulate circuit.qasm --max-bond 64
    """
    import pandas as pd

    from .estimators.entropy import entropy_profile
    from .models.qasm import from_qasm
    from .states.record import TruncationWarning
    from .states.simulate import simulate as run_circuit

    if backend is _Backend.dense and max_bond is not None:
        _fail("Invalid value for '--max-bond': the dense backend is exact, with no cap")
    # warnings (dropped measurements, truncation) become lines of the record,
    # whatever the warning filters of the caller
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            circuit = from_qasm(file)
        except (ValueError, TypeError) as exc:
            _fail(f"Invalid value for 'file' ({file}): {exc}", code=1)
        if circuit.n < 2:
            _fail(
                f"Invalid value for 'file' ({file}): an entropy profile needs >= 2 "
                f"qubits, the circuit has {circuit.n}",
                code=1,
            )
        run_bond, guard_note = max_bond, ""
        if backend is _Backend.mps:
            run_bond, guard_note = _bond_within_memory(circuit.n, max_bond)
        try:
            state = run_circuit(
                circuit, backend=backend.value, max_bond=run_bond, cutoff=cutoff
            )
            profile = entropy_profile(state, alpha=alpha)
        except (ValueError, TypeError, MemoryError) as exc:
            _fail(f"Invalid value for {_blamed_option(str(exc))}: {exc}")
    bonds = list(state.bond_dims)
    table = pd.DataFrame(
        {
            "cut": range(1, circuit.n),
            "entropy_bits": [float(x) for x in profile],
            "bond_dim": bonds,
            "at_max_bond": [run_bond is not None and b >= run_bond for b in bonds],
        }
    )
    record = [
        f"qubits: {circuit.n}, backend: {backend.value}, max_bond: {run_bond}"
        f"{' (memory guard)' if guard_note else ''}, cutoff: {cutoff:g}, "
        f"alpha: {alpha:g}",
        f"max_bond_reached: {state.max_bond_reached}, discarded_weight: "
        f"{state.discarded_weight:.3e}, fidelity_estimate: "
        f"{state.fidelity_estimate:.12g}",
        f"error_bound (bits, at the worst cut): {profile.error_bound:.3e}, "
        f"trusted: {profile.trusted}",
        *(f"caveat: {c}" for c in profile.caveats),
        *([guard_note] if guard_note else []),
        *(
            f"note: {w.message}"
            for w in caught
            if not issubclass(w.category, TruncationWarning)  # in the caveats
        ),
    ]
    if format is _ProfileFormat.csv:
        table.to_csv(sys.stdout, index=False)
        for line in record:
            typer.echo(line, err=True)
    else:
        typer.echo(table.to_string(index=False, float_format=lambda x: f"{x:.6f}"))
        for line in record:
            typer.echo(line)


def _gib(nbytes: int) -> str:
    """Bytes as GiB for a message (integers beyond a float's range included)."""
    try:
        return f"{nbytes / 2**30:.3g} GiB"
    except OverflowError:
        return f"2^{nbytes.bit_length() - 31}+ GiB"


def _bond_within_memory(n: int, max_bond: int | None) -> tuple[int | None, str]:
    """The MPS cap ``tnbp simulate`` runs at and a note if it chose it (or an error).

    Without ``--max-bond`` the run is exact unless its worst case
    (:func:`~tnbp.states.mps.auto_run_bytes` at every Schmidt rank) exceeds
    :data:`~tnbp.limits.AUTO_MEMORY_CAP`; then the largest power of 2 that fits
    is used, and the note says so. A given ``--max-bond`` whose worst case
    exceeds the machine's physical memory is refused.
    """
    from .states.mps import auto_run_bytes, max_schmidt_rank

    exact = auto_run_bytes(n, max_schmidt_rank(n))
    if max_bond is None:
        if exact <= AUTO_MEMORY_CAP:
            return None, ""
        chi = 1
        while auto_run_bytes(n, 2 * chi) <= AUTO_MEMORY_CAP:
            chi *= 2
        return chi, (
            f"note: no --max-bond given: capped at {chi}, the largest power of 2 "
            f"whose run is predicted to fit in {_gib(AUTO_MEMORY_CAP)} (an exact "
            f"run could need {_gib(exact)}); give --max-bond to choose"
        )
    need = auto_run_bytes(n, min(max_bond, max_schmidt_rank(n)))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if need > memory:
        _fail(
            f"Invalid value for '--max-bond': {n} qubits at max_bond {max_bond} could "
            f"need {_gib(need)}, more than this machine's {_gib(memory)}; give a "
            "smaller --max-bond"
        )
    return max_bond, ""


#: the options of ``tnbp simulate`` by the argument name tnbp's errors quote
_SIMULATE_OPTIONS = {
    "`backend`": "'--backend'",
    "`max_bond`": "'--max-bond'",
    "`cutoff`": "'--cutoff'",
    "`alpha`": "'--alpha'",
}


def _blamed_option(message: str) -> str:
    """The option an error of the simulation names (tnbp quotes arguments in backquotes)."""
    for name, option in _SIMULATE_OPTIONS.items():
        if name in message:
            return option
    return "'file'"


def main() -> None:
    """Run the ``tnbp`` command (the console script and ``python -m tnbp``)."""
    app()
