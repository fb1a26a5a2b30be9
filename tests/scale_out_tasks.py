"""Task functions of tests/test_scale_out.py, importable by dask workers.

A module of its own, importing numpy and tnbp's models only: a worker process
unpickles a task by importing the module of its function, and a worker
restarted after a kill should not import the test module (tnbp.cli, typer,
every ensemble) to run a sweep point.
"""

import os
import signal
import time
from pathlib import Path

import numpy as np

from tnbp import ansatz, observables


def draw(x, seed, *, delay):
    """A sweep point: values from its seed, after ``delay`` seconds."""
    time.sleep(delay)
    rng = np.random.default_rng(seed)
    return {"y": x * x, "u": float(rng.random()), "g": float(rng.normal())}


def poisoned(x, seed, *, delay):
    """``draw``, except that point 2 kills the worker process running it."""
    if x == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return draw(x, seed, delay=delay)


def failing(x, seed, *, delay):
    """``draw``, except that point 2 raises."""
    if x == 2:
        raise ArithmeticError("point 2 cannot be computed")
    return draw(x, seed, delay=delay)


def marked_draw(chunk, seeds, *, marks):
    """An ensemble chunk's rows from its seeds.

    With ``marks`` (a folder), the chunk takes 0.3 s and then leaves a file
    there saying it ended.
    """
    if marks is not None:
        time.sleep(0.3)
    rows = [float(np.random.default_rng(s).normal()) for s in seeds]
    if marks is not None:
        Path(marks, f"{chunk.group}-{chunk.samples[0]}").touch()
    return rows


def qualified_name(fn):
    """``fn``'s module and name, as the process that runs this sees them."""
    return f"{fn.__module__}.{fn.__qualname__}"


def local_cost(n):
    """The local cost on every qubit of ``n`` (an ensemble's observable)."""
    return observables.local_cost(range(n))


def square(n):
    """DQNN widths ``(n, n)``."""
    return (n, n)


def small_hea(seed):
    """A 2-qubit, 3-layer hardware-efficient circuit at random angles."""
    return ansatz.randomized_hardware_efficient(2, 3, seed=seed)
