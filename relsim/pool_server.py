"""Imported only by the process pool's fork server (its preload), never by relsim itself.

It loads relsim's heavy libraries once, for every worker forked from the server, and silences
the server's report of a worker that could not start. That happens only when relsim stops the
pool while a worker is still starting (Ctrl-C, SIGTERM): the worker then finds the pool's
semaphores gone and would print a traceback after relsim's own one-line message. A pool that
loses a worker for any other reason is reported by relsim itself ("process pool ... terminated
abruptly"), so nothing is lost.
"""

from __future__ import annotations

import sys

import relsim.runner  # noqa: F401  (the preload itself)


def _quiet(*_: object) -> None:
    """An exception hook that reports nothing."""


sys.excepthook = _quiet
