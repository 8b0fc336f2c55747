"""The program: stops are noted and said from the moment relsim's own code runs.

Loading the command line (click) and, once a command has checked its input, the libraries it
runs on (pandas, Mesa, SciPy: relsim.run_results.run_scenario) takes about a second. A stop
meanwhile could be lost (a C extension being imported reports it as an ImportError, which an
optional import passes over, so the command would run to its end) or end in a traceback from
inside an import. Here it waits until loading ends (where the system can hold signals back),
and is then taken with the stop's one line and status, as during a command.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from relsim import blas, signals


def main() -> None:
    """Entry point of `relsim` and `python -m relsim`."""
    blas.no_blas_threads()
    signals.note_stops()
    try:
        with signals.stops_held_back():
            from relsim.cli import main as run_command
    except KeyboardInterrupt as exc:
        _stopped_while_loading(exc)
    if signals.stop_received() is not None:  # swallowed by an import, but noted
        _stopped_while_loading(None)
    run_command()


def _stopped_while_loading(interrupt: BaseException | None) -> NoReturn:
    sys.stderr.write(f"relsim: {signals.describe(interrupt)}; no results written\n")
    signals.exit_stopped(signals.exit_status(interrupt), program=True)
