"""Standard output that says when it cannot be written.

Output sent to a full disk or a closed pipe fails with an OSError that looks like any other;
marked as `StdoutError`, the command line can name standard output as what failed, in one
line (and what was already written, such as a complete --out), rather than report an
unexplained error or, for a closed pipe, exit with no word at all.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO


class StdoutError(Exception):
    """Standard output refused what was written to it. Not an OSError: click takes any OSError
    for a closed pipe (EPIPE) and exits with status 1 and no word, before relsim can say what
    happened."""

    def __init__(self, errno: int | None, strerror: str | None) -> None:
        super().__init__(errno, strerror)
        self.errno = errno
        self.strerror = strerror


def silence_stdout() -> None:
    """Send what is still waiting for standard output, and anything written to it later, to
    the null device, so that the interpreter's own flush at exit fails with no second message
    (for the program itself: a caller in the same process keeps its standard output)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (or none at all) to
        # redirect: nothing to flush there
        pass
    finally:
        os.close(devnull)


class _Guarded:
    """A text stream that raises `StdoutError` where the stream it wraps raises OSError."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:  # the process started with its standard output closed
            raise StdoutError(errno.EBADF, os.strerror(errno.EBADF))
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from exc

    def flush(self) -> None:
        if self._stream is None:  # nothing was written, so nothing waits
            return
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
