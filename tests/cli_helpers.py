"""Calling the command line in this process, as the console script's entry point does."""

from __future__ import annotations

from relsim.cli import main


def relsim_main(*args: object) -> int:
    """`relsim ARGS` in-process; the exit status (0 when main returns normally)."""
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0
