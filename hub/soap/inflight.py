"""How much request data one process holds at once, and giving memory back after large ones.

A parsed request costs several times its size (the body, the lxml tree, the signature check's
canonical forms): eight 15 MB requests at once took one process past 2 GB in the security
review. The budget bounds the bytes of request bodies a process is working on; a request that
would exceed it is refused at once with EXP002001 ("try again"), before its body is read, so a
flood of large requests costs the hub neither memory nor CPU. One request of the largest
allowed size always fits.

glibc keeps freed heap pages for reuse instead of returning them: after a burst of large
requests a process stayed at 2.6 GB. ``malloc_trim(0)`` after each large request hands them
back to the system (a few milliseconds, only for bodies over ``TRIM_ABOVE_BYTES``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from collections.abc import Callable

#: bodies at least this large are followed by ``malloc_trim``
TRIM_ABOVE_BYTES = 1024 * 1024


class InflightBudget:
    """A thread-safe count of request bytes being worked on, bounded by ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def reserve(self, size: int) -> bool:
        """Take ``size`` bytes of the budget; False (nothing taken) when they do not fit."""
        with self._lock:
            if self.used and self.used + size > self.limit:
                return False
            self.used += size
            return True

    def release(self, size: int) -> None:
        with self._lock:
            self.used = max(0, self.used - size)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (musl, macOS): nothing to trim
    return trim


def give_back_memory(body_size: int) -> None:
    """After a request of ``body_size`` bytes: return freed heap to the system if it was large."""
    if body_size < TRIM_ABOVE_BYTES:
        return
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
