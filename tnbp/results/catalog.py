"""The catalog of studies: where the study scripts are, what each one reproduces, loading one.

A study is a script ``studies/<name>.py`` (see :mod:`tnbp.results.study`). The
``tnbp`` command finds them in one folder, the first of

1. the folder named by the environment variable ``TNBP_STUDIES``;
2. ``studies/`` beside the ``tnbp`` package, as in a source checkout (the
   editable install of ``make demo`` and ``make test``);
3. ``studies/`` in the working directory.

Each script declares what ``tnbp studies`` lists without running anything: the
first line of its module docstring (the one-line description) and the module
constants ``PAPER`` and ``FIGURE``. The catalog reads them from the source, so
listing the studies imports none of them.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

#: the environment variable that names the studies folder
STUDIES_ENV = "TNBP_STUDIES"

#: the source papers, by the ``PAPER`` constant of their studies
PAPERS = {
    "arXiv:2010.15968": "Ortiz Marrero, Kieferova, Wiebe: Entanglement-induced "
    "barren plateaus",
    "arXiv:2005.12458": "Sharma, Cerezo, Cincio, Coles: Trainability of "
    "dissipative perceptron-based QNNs",
    "arXiv:2206.09313": "Liu, Lin, Jiang: Laziness, barren plateau, and noises "
    "in machine learning",
}

#: the package's name for a study module loaded by :func:`load_study`
_MODULE_PREFIX = "tnbp_studies."


class UnknownStudyError(LookupError):
    """A study name that is not in the catalog.

    Parameters
    ----------
    name : str
        The name asked for.
    folder : Path
        The studies folder searched.
    names : list of str
        The studies it holds.
    """

    def __init__(self, name: str, folder: Path, names: list[str]):
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(
            f"no study {name!r} in {folder}{hint} (`tnbp studies` lists them)"
        )
        self.name, self.folder, self.names = name, Path(folder), list(names)


@dataclasses.dataclass(frozen=True)
class StudyInfo:
    """One study as ``tnbp studies`` lists it.

    Attributes
    ----------
    name : str
        The script's name without ``.py`` (``tnbp run <name>``).
    path : Path
        The script.
    summary : str
        The first line of its module docstring.
    paper : str
        Its ``PAPER`` constant (e.g. ``"arXiv:2010.15968"``), ``""`` if absent.
    figure : str
        Its ``FIGURE`` constant (e.g. ``"Fig. 3a"``), ``""`` if absent.
    """

    name: str
    path: Path
    summary: str
    paper: str
    figure: str


def studies_folder() -> Path:
    """The folder the ``tnbp`` command takes studies from.

    Returns
    -------
    Path
        ``$TNBP_STUDIES``, else ``studies/`` beside the package, else
        ``./studies``.

    Raises
    ------
    FileNotFoundError
        If ``TNBP_STUDIES`` names no folder, or neither default exists.
    """
    named = os.environ.get(STUDIES_ENV)
    if named:
        folder = Path(named).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{STUDIES_ENV}={named!r} is not a folder of study scripts."
            )
        return folder
    for folder in (Path(__file__).resolve().parents[2] / "studies", Path("studies")):
        if folder.is_dir():
            return folder
    raise FileNotFoundError(
        "no studies folder: set TNBP_STUDIES to the folder of study scripts "
        "(the repository's studies/), or run from the repository."
    )


def _info(path: Path) -> StudyInfo:
    """A study's entry, read from its source (nothing is imported)."""
    try:  # bytes: Python's own decoding (a BOM, a coding line), as import reads it
        tree = ast.parse(path.read_bytes(), str(path))
    except (SyntaxError, ValueError, OSError) as exc:  # listed, marked unreadable
        where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        summary = f"[unreadable script: {type(exc).__name__}{where}]"
        return StudyInfo(
            name=path.stem, path=path, summary=summary, paper="", figure=""
        )
    doc = ast.get_docstring(tree) or ""
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):  # PAPER: str = "..."
            targets = [node.target]
        else:
            continue
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("PAPER", "FIGURE"):
                    constants[target.id] = node.value.value
    return StudyInfo(
        name=path.stem,
        path=path,
        summary=doc.strip().splitlines()[0] if doc.strip() else "",
        paper=constants.get("PAPER", ""),
        figure=constants.get("FIGURE", ""),
    )


def _is_study(path: Path) -> bool:
    """A script of the folder (a file: no directory or broken link named x.py)."""
    return (
        path.suffix == ".py" and not path.name.startswith(("_", ".")) and path.is_file()
    )


def list_studies(folder: str | Path | None = None) -> list[StudyInfo]:
    """Every study of a folder, by name.

    Parameters
    ----------
    folder : str or Path, optional
        The studies folder (default: :func:`studies_folder`).

    Returns
    -------
    list of StudyInfo
        Sorted by name; scripts whose name starts with ``_`` are not studies.
        A script that does not parse is listed with the summary
        ``[unreadable script: SyntaxError (line N)]``, no paper and no figure.

    Raises
    ------
    FileNotFoundError
        If no studies folder is found.

    Examples
    --------
    >>> "entanglement_vs_depth" in [s.name for s in list_studies()]
    True
    """
    folder = studies_folder() if folder is None else Path(folder)
    return [_info(p) for p in sorted(folder.glob("*.py")) if _is_study(p)]


def find_study(name: str, folder: str | Path | None = None) -> StudyInfo:
    """The study called ``name``.

    Parameters
    ----------
    name : str
        The script's name, with or without ``.py``.
    folder : str or Path, optional
        The studies folder (default: :func:`studies_folder`).

    Returns
    -------
    StudyInfo
        Its entry.

    Raises
    ------
    UnknownStudyError
        If the folder has no such study (the message suggests close names).
    FileNotFoundError
        If no studies folder is found.
    """
    folder = studies_folder() if folder is None else Path(folder)
    stem = name.removesuffix(".py")
    path = folder / f"{stem}.py"
    if Path(stem).name != stem or not _is_study(path):
        names = [p.stem for p in sorted(folder.glob("*.py")) if _is_study(p)]
        raise UnknownStudyError(name, folder, names)
    return _info(path)


def load_study(name: str, folder: str | Path | None = None) -> ModuleType:
    """Import a study script as a module (once per process).

    The module is registered as ``tnbp_studies.<name>`` and pickled by value
    (cloudpickle), so its functions run in worker processes (loky, dask)
    that cannot import the script. Its ``functools.lru_cache`` functions,
    which cloudpickle would pickle by name, travel as the function they
    wrap: each worker process gets an empty cache of the same size.

    Parameters
    ----------
    name : str
        The study's name.
    folder : str or Path, optional
        The studies folder (default: :func:`studies_folder`).

    Returns
    -------
    module
        The script's module: its ``main``, ``cli``, ``DEFAULTS``, ...

    Raises
    ------
    UnknownStudyError
        If the folder has no such study.
    FileNotFoundError
        If no studies folder is found.
    """
    info = find_study(name, folder)
    module_name = _MODULE_PREFIX + info.name
    module = sys.modules.get(module_name)
    if module is not None and Path(module.__file__).resolve() == info.path.resolve():
        return module
    spec = importlib.util.spec_from_file_location(module_name, info.path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    import cloudpickle

    cloudpickle.register_pickle_by_value(module)
    for value in vars(module).values():
        if (
            isinstance(value, functools._lru_cache_wrapper)
            and value.__module__ == module_name
        ):
            _pickled_as_wrapped(value)
    return module


def _pickled_as_wrapped(cached):
    """Make the lru_cache function ``cached`` pickle as the function it wraps."""
    # pickle reads __reduce_ex__ from the instance before its type's
    cached.__reduce_ex__ = functools.partial(_reduce_cache, cached)
    return cached


def _reduce_cache(cached, protocol):
    """The reduction of :func:`_pickled_as_wrapped`: the function, the cache's size."""
    return _new_cache, (cached.__wrapped__, cached.cache_parameters())


def _new_cache(fn, parameters):
    """``fn`` under a new, empty ``functools.lru_cache`` with ``parameters``.

    Pickled as the function it wraps again: dask copies a task by pickling it
    in the process that submits it (to tokenize it) before sending it on.
    """
    return _pickled_as_wrapped(functools.lru_cache(**parameters)(fn))
