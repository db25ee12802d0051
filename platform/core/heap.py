"""Giving the system back the memory a burst of work freed.

Python hands the memory of its freed objects back to the C allocator, and glibc keeps it in the
process's heap for reuse: a worker's resident size stays at the peak of a burst (the demo's
first indexing left a worker 11 MB above what it held on a later start). ``malloc_trim`` returns
the heap's free pages to the system. Elsewhere than glibc there is nothing to call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    return getattr(ctypes.CDLL(name), "malloc_trim", None)


def can_release() -> bool:
    """Whether this C library can return freed heap (glibc can)."""
    return _malloc_trim() is not None


def release_freed_heap() -> None:
    """Return the heap's free pages to the system; a few milliseconds, so after bursts only."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
