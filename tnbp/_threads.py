"""BLAS thread limits that are cheap to enter.

``threadpoolctl.threadpool_limits`` rescans every loaded library on each call
(~2 ms, more than a cached MPS expectation value costs); one shared
``ThreadpoolController`` does the scan once and then limits in ~10 us.

BLAS limits are process-wide, and OpenBLAS does not honour every change made
from a thread other than the one that made the previous change (measured with
OpenBLAS 0.3.30: after the main thread lowers the limit, a worker thread that
raises it again is ignored). Scopes opened by concurrent worker threads, which
close in any order, would therefore leave the process limited after they all
closed. Code that runs tasks on threads holds the limit for the whole run from
its own thread instead (:func:`blas_threads_pinned`); while it does, the scopes
of :func:`blas_threads_limit` change nothing.
"""

from __future__ import annotations

import contextlib
import functools
import threading

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
#: number of open :func:`blas_threads_pinned` blocks
_pins = 0


@functools.lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def blas_threads_limit(threads: int | None):
    """Context manager limiting BLAS to ``threads`` (None: leave BLAS alone).

    A no-op while a :func:`blas_threads_pinned` block is open. Entering costs
    ~10 us after the first call (one shared ``ThreadpoolController``).

    Parameters
    ----------
    threads : int or None
        Number of BLAS threads inside the block; None changes nothing.

    Returns
    -------
    contextlib.AbstractContextManager
        A ``threadpoolctl`` limiter that restores the previous limits on exit,
        or a ``contextlib.nullcontext`` for ``threads=None`` or under a pin.
    """
    if threads is None or _pins:
        return contextlib.nullcontext()
    return _controller().limit(limits=threads, user_api="blas")


@contextlib.contextmanager
def blas_threads_pinned(threads: int):
    """Hold BLAS at ``threads`` for the block, for every thread of the process.

    Enter it from the thread that starts a pool of worker threads and leave it
    after they finished: the limits are set and restored by that one thread,
    and the workers' :func:`blas_threads_limit` scopes are no-ops meanwhile.
    Nested pins keep the outer one's limit.

    Parameters
    ----------
    threads : int
        Number of BLAS threads for the whole block.

    Yields
    ------
    None
        Control returns to the block; the original limits are restored when
        the outermost pin closes.
    """
    global _pins
    with _lock:
        outer = _pins == 0
        limiter = (
            _controller().limit(limits=threads, user_api="blas") if outer else None
        )
        _pins += 1
    try:
        yield
    finally:
        with _lock:
            _pins -= 1
            if limiter is not None:
                limiter.restore_original_limits()
