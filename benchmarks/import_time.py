"""Start-up cost: ``import tnbp`` against ``import quimb.tensor``, in one run.

Each statement runs in a fresh interpreter (``python -c``), alternating between
the statements so that machine load affects all alike; the table gives the
median and the best of ``--repeats`` runs and the ratio of medians to
``import quimb.tensor``. ``import tnbp`` loads its parts lazily, so the row
``tnbp.simulate`` (the first use of the MPS backend, which needs quimb) is the
honest cost of a script that simulates something. The interpreters inherit
the pinned thread variables (``--threads``, default 1), like every benchmark's
engines. No peer is needed.

Usage::

    python benchmarks/import_time.py                    # 11 repeats
    python benchmarks/import_time.py --quick            # 1 repeat
    python benchmarks/import_time.py --out results/bench/import_time.csv
"""

from __future__ import annotations

import statistics
import subprocess
import sys

import typer
from _harness import KeepGC, Out, Repeats, Threads, quick_option, settings, start

STATEMENTS = {
    "quimb.tensor": "import quimb.tensor",
    "tnbp": "import tnbp",
    "tnbp.Circuit + ansatz": "import tnbp; tnbp.Circuit; tnbp.ansatz",
    "tnbp.simulate": "import tnbp; tnbp.simulate",
    "tnbp.gradient_variance": "import tnbp; tnbp.gradient_variance",
}
FULL = {"repeats": 11}
QUICK = {"repeats": 1}


def interpreter(statement: str):
    """A zero-argument call running ``statement`` in a fresh interpreter."""
    return lambda: subprocess.run([sys.executable, "-c", statement], check=True)


def report(times: dict[str, list[float]], repeats: int) -> list[dict]:
    """Print the table; the CSV rows (seconds, ratio of medians to quimb.tensor)."""
    base = statistics.median(times["quimb.tensor"])
    print()
    print(f"{'statement':<24} {'median s':>9} {'best s':>8} {'/ quimb.tensor':>15}")
    rows = []
    for name, t in times.items():
        med = statistics.median(t)
        print(f"{name:<24} {med:9.3f} {min(t):8.3f} {med / base:15.2f}")
        rows.append(
            {
                "statement": name,
                "code": STATEMENTS[name],
                "median_s": med,
                "best_s": min(t),
                "ratio_median_quimb_tensor": med / base,
                "repeats": repeats,
            }
        )
    return rows


QuickOpt = quick_option("1 repeat")


def main(
    quick: QuickOpt = False,
    threads: Threads = 1,
    repeats: Repeats = None,
    keep_gc: KeepGC = False,
    out: Out = None,
) -> list[dict]:
    """Time ``import tnbp`` (and its first uses) against ``import quimb.tensor``."""
    bench = start(threads, keep_gc)
    cfg = settings(FULL, QUICK, quick, repeats=repeats)
    bench.header("Start-up cost: import tnbp vs import quimb.tensor", ("quimb",))
    print(
        f"  each statement in a fresh interpreter, statements alternating; median "
        f"and best of {cfg['repeats']}"
    )
    calls = {name: interpreter(code) for name, code in STATEMENTS.items()}
    times, _ = bench.interleaved(calls, cfg["repeats"])
    return bench.finish(report(times, cfg["repeats"]), out, False)


if __name__ == "__main__":
    typer.run(main)
