"""Giving the C heap back after a big workbook: calamine keeps a sheet's cells in C (Rust) memory,
tens of MB for 100 000 rows; glibc keeps freed heap pages in the process unless asked to trim.
Trimming after a file is read keeps the serve process's peak at one workbook, not two."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:  # pragma: no cover - not a glibc system
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - a C library without malloc_trim (musl, macOS)
        return None
    return trim


def release() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; elsewhere nothing)."""
    trim = _trim()
    if trim is not None:
        trim(0)
