"""Giving memory that a replication has freed back to the system.

glibc's allocator keeps most of what a process frees for reuse, in pieces among memory still
in use, and the process's resident size counts it. A replication frees hundreds of megabytes
at a large size (its model, then its journeys' events as they become a table), and without
this each replication would run beside part of the previous one's footprint.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

_trim: Callable[[int], int] | None = None
_looked = False


def release_free_memory() -> None:
    """Return the C heap's free pages to the system: glibc's malloc_trim(0). Elsewhere (macOS,
    Windows, musl) nothing happens. What is in use is not touched, so results cannot change."""
    global _trim, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                _trim = ctypes.CDLL(None).malloc_trim
            except (OSError, AttributeError):
                _trim = None
    if _trim is not None:
        _trim(0)
