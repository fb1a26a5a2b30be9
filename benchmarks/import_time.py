"""Start-up cost: ``import tnbp`` against ``import quimb.tensor``, in one run.

Each statement runs in a fresh interpreter (``python -c``), alternating between
the statements so that machine load affects all alike; the table gives the
median and the best of ``--repeats`` runs and the ratio of medians to
``import quimb.tensor``. ``import tnbp`` loads its parts lazily, so the row
``tnbp.simulate`` (the first use of the MPS backend, which needs quimb) is the
honest cost of a script that simulates something.

Run: ``python benchmarks/import_time.py [--repeats 11]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "quimb.tensor": "import quimb.tensor",
    "tnbp": "import tnbp",
    "tnbp.Circuit + ansatz": "import tnbp; tnbp.Circuit; tnbp.ansatz",
    "tnbp.simulate": "import tnbp; tnbp.simulate",
    "tnbp.gradient_variance": "import tnbp; tnbp.gradient_variance",
}


def _seconds(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def main(repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(repeats):
        for name, statement in STATEMENTS.items():
            times[name].append(_seconds(statement))
    base = statistics.median(times["quimb.tensor"])
    print(f"{'statement':<24} {'median s':>9} {'best s':>8} {'/ quimb.tensor':>15}")
    for name, t in times.items():
        med = statistics.median(t)
        print(f"{name:<24} {med:9.3f} {min(t):8.3f} {med / base:15.2f}")
    return times


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    main(parser.parse_args().repeats)
