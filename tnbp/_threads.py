"""BLAS thread limits that are cheap to enter.

``threadpoolctl.threadpool_limits`` rescans every loaded library on each call
(~2 ms, more than a cached MPS expectation value costs); one shared
``ThreadpoolController`` does the scan once and then limits in ~10 us.
"""

from __future__ import annotations

import contextlib
import functools

from threadpoolctl import ThreadpoolController


@functools.lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def blas_threads_limit(threads: int | None):
    """Context manager limiting BLAS to ``threads`` (None: leave BLAS alone)."""
    if threads is None:
        return contextlib.nullcontext()
    return _controller().limit(limits=threads, user_api="blas")
