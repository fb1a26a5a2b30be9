"""Sweeps that show progress and never lose finished results.

:func:`run_sweep` evaluates a function on a list of parameter points and
appends each result row to a CSV file as soon as it is done. Re-running the
same sweep with the same file skips the points already there, so an
interrupted study resumes where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

log = logging.getLogger(__name__)


def _key(point: dict, keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(point[k]) for k in keys)


def run_sweep(
    fn: Callable[..., dict],
    points: Sequence[dict],
    *,
    out: str | Path,
    progbar: bool = True,
    desc: str = "sweep",
) -> pd.DataFrame:
    """Evaluate ``fn(**point)`` for every point, appending rows to ``out``.

    Parameters
    ----------
    fn : callable
        Takes a point's parameters as keyword arguments and returns a dict of
        results (the parameters are added to the row automatically).
    points : sequence of dict
        Parameter points, all with the same keys and scalar values.
    out : str or Path
        CSV file; created with its parent directory if missing. Points whose
        parameters already appear in it are skipped.
    progbar : bool, optional
    desc : str, optional
        Progress-bar label.

    Returns
    -------
    pandas.DataFrame
        Every row in ``out`` after the sweep.
    """
    if not points:
        raise ValueError("`points` must not be empty.")
    keys = list(points[0])
    if any(list(p) != keys for p in points):
        raise ValueError("`points` must all have the same keys in the same order.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.exists() and out.stat().st_size > 0:
        previous = pd.read_csv(out, dtype=str, keep_default_na=False)
        missing = set(keys) - set(previous.columns)
        if missing:
            raise ValueError(
                f"`out` ({out}) holds a different sweep: it lacks columns {sorted(missing)}."
            )
        done = {tuple(row) for row in previous[keys].itertuples(index=False)}
    todo = [p for p in points if _key(p, keys) not in done]
    if len(todo) < len(points):
        log.info(
            "%s: %d of %d points already in %s",
            desc,
            len(points) - len(todo),
            len(points),
            out,
        )
    for point in tqdm(todo, desc=desc, disable=not progbar):
        row = {**point, **fn(**point)}
        pd.DataFrame([row]).to_csv(
            out,
            mode="a",
            header=not out.exists() or out.stat().st_size == 0,
            index=False,
        )
    return pd.read_csv(out)
