"""Standard output that says when it cannot be written.

Output sent to a full disk or a closed pipe fails with an OSError that looks like any other;
marked as `StdoutError`, the command line can name standard output as what failed, in one
line, rather than report an unexplained error.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO


class StdoutError(OSError):
    """Standard output refused what was written to it."""


class _Guarded:
    """A text stream that raises `StdoutError` where the stream it wraps raises OSError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Within the block, a failure to write standard output raises `StdoutError`; whatever is
    still waiting for it is written (or fails) before the block ends."""
    stream = sys.stdout
    sys.stdout = _Guarded(stream)
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout = stream
