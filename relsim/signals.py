"""Stopping cleanly, whoever asks.

SIGTERM (what `timeout`, Slurm, systemd and `kill` send) and SIGHUP (a closed terminal) stop
relsim exactly as Ctrl-C does: the pool is stopped, finished sweep runs are kept, nothing
half-written is left, and the exit status is 128 plus the signal's number. Pool workers never
outlive the relsim process that started them, however it ends (even by SIGKILL): they notice
within a second and exit, and the pool's fork server follows its last worker.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
#: a closed terminal's signal, where the system has one
_HANGUP = (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()
WATCH_SECONDS = 0.5
#: whether signals can be held back (blocked) in a thread
_CAN_HOLD = hasattr(signal, "pthread_sigmask")

#: the stop signal received in the current `stop_signals_interrupt` block, if any
_received: int | None = None
#: what the command has finished writing in the current block, for the line a stop prints
_written: list[str] = []
#: whether the program has noted stops since it started (`note_stops`)
_noted_from_start = False


class Terminated(KeyboardInterrupt):
    """Stopped by a signal other than Ctrl-C; handled wherever Ctrl-C is."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_received() -> int | None:
    """The stop signal received in the current block, whatever the error it became: a C
    extension being imported when it arrives reports an ImportError with no trace of it."""
    return _received


def stopped_exit(interrupt: BaseException, left: str) -> SystemExit:
    """Say on stderr how the command was stopped and what it `left` (what is kept, how to
    finish); the exit to raise, with the stop's status."""
    sys.stderr.write(f"relsim: {describe(interrupt)}; {left}\n")
    sys.stderr.flush()
    return SystemExit(exit_status(interrupt))


def finished_writing(what: str) -> None:
    """Record that `what` (a results directory, a report) is complete: a stop after this must
    not say that nothing was written."""
    _written.append(what)


def left_behind() -> str:
    """What a stop leaves, in words: nothing, or the outputs already complete."""
    if not _written:
        return "no results written"
    return f"{', '.join(_written)} complete; nothing else written"


def left_to_resume(out: Path) -> str:
    """What a stopped study leaves: its directory, to finish with --resume, once there is one
    (stopped before it was made, the advice to resume it failed with "nothing to resume")."""
    if out.is_dir():
        return f"rerun with --resume to finish {out}"
    return left_behind()


def _signum(interrupt: BaseException | None) -> int | None:
    """The signal behind an interrupt, also when a library re-raised it as another exception
    (click turns KeyboardInterrupt into Abort)."""
    seen = 0
    while interrupt is not None and seen < 10:
        if isinstance(interrupt, Terminated):
            return interrupt.signum
        interrupt = interrupt.__cause__ or interrupt.__context__
        seen += 1
    return _received


def exit_status(interrupt: BaseException | None) -> int:
    """128 + the signal's number, as a shell reports a process stopped by it."""
    return 128 + (_signum(interrupt) or signal.SIGINT)


def describe(interrupt: BaseException | None) -> str:
    """'interrupted' for Ctrl-C, 'terminated (SIGTERM)' and the like for other signals."""
    signum = _signum(interrupt)
    if signum is None or signum == signal.SIGINT:
        return "interrupted"
    return f"terminated ({signal.Signals(signum).name})"


def _raise_terminated(signum: int, frame: object) -> None:
    global _received
    _received = signum
    raise Terminated(signum)


def _raise_interrupted(signum: int, frame: object) -> None:
    """Ctrl-C as Python's own handler takes it, but noted: a library that turns the
    KeyboardInterrupt into something else (a C extension being imported reports an ImportError,
    which an optional import then passes over) would otherwise lose it, and the command would
    run on to the end as if never stopped."""
    global _received
    _received = signum
    raise KeyboardInterrupt


def note_stops() -> None:
    """From now on, in the main thread, stops raise as in `stop_signals_interrupt` and are
    noted: the program calls this before it loads its libraries, where Python's own handler
    would lose a stop that an import swallowed. A `stop_signals_interrupt` block entered
    afterwards keeps a stop noted before it."""
    global _noted_from_start
    if threading.current_thread() is not threading.main_thread():
        return
    _install()
    _noted_from_start = True


def _quiet_noted_stops(unraisable: Any) -> None:
    """A stop raised where Python cannot raise it (a weak reference's callback, a `__del__`)
    is lost there, and printed as "Exception ignored in" with a traceback. It was noted, and
    the command ends as stopped once it finishes what it is doing, so the traceback is only
    noise on the one line a stop leaves; anything else goes to Python's own report."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _received is not None:
        return
    sys.__unraisablehook__(unraisable)


def _install() -> dict[int, Any]:
    """Raise and note stops; the handlers replaced."""
    if sys.unraisablehook is sys.__unraisablehook__:
        sys.unraisablehook = _quiet_noted_stops
    previous = {}
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) == signal.SIG_IGN:
            continue  # started with the signal ignored (nohup): keep it so
        previous[signum] = signal.signal(signum, _raise_terminated)
    # neither ignored nor a caller's own
    if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _raise_interrupted):
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, _raise_interrupted)
    return previous


@contextlib.contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Terminated in the main thread, as Ctrl-C
    raises KeyboardInterrupt. Outside the main thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _received, _noted_from_start
    if not _noted_from_start:
        _received = None
    _noted_from_start = False  # once: a later block is a caller's, and starts afresh
    _written.clear()
    previous = _install()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def exit_stopped(status: int, program: bool) -> NoReturn:
    """End a stopped command with `status`. The program itself ends at once, its output
    flushed: a Ctrl-C that arrived while a C extension ran Python code of its own (as some do
    while imported) leaves the interpreter marked as stopped by an unhandled Ctrl-C however it
    was handled, and the interpreter's normal exit would then kill the process with SIGINT
    instead of returning `status`. Everything the command opened is closed by then, and the
    exit handlers still run (multiprocessing's release the pool's semaphores, which its resource
    tracker would otherwise report as leaked)."""
    if not program:
        sys.exit(status)
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()  # the one way to run them before os._exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def ignore_stop_signals() -> None:
    """From now on this process ignores Ctrl-C and the stop signals (its work is done)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, *STOP_SIGNALS):
        signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def stops_held_back() -> Iterator[None]:
    """Ctrl-C and the stop signals wait in this thread until the block ends (where the system
    can hold signals back), and are taken then. The program loads its libraries so: a stop
    cannot be swallowed by an import or end in a traceback from inside one, and the threads
    that libraries start while loading hold stops back for good, so that stops come to this
    one."""
    if threading.current_thread() is not threading.main_thread() or not _CAN_HOLD:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *STOP_SIGNALS})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C, and a closed terminal's SIGHUP, in this process for the block. A process
    started meanwhile (the pool's fork server, and multiprocessing's resource tracker, which
    ignores Ctrl-C and SIGTERM itself but dies of SIGHUP and then reports the pool's semaphores
    as leaked) inherits the ignored dispositions, and Python then never turns either into a
    traceback there. This thread also holds them back for the block, so that one sent
    meanwhile waits and is taken as the block ends rather than lost, if no other thread can
    take it (`stops_held_back`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, *_HANGUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held) if _CAN_HOLD else None
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


def worker_start(owner: int) -> None:
    """Run first in every pool worker: leave Ctrl-C to the relsim process `owner`, which stops
    the pool itself, and end this worker as soon as `owner` ends, however it ends.

    The kernel's parent-death signal cannot do the second part: a worker's parent is the pool's
    fork server, which by design lives as long as any worker does. So a thread watches."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(owner,), daemon=True, name="relsim-owner").start()


def owner_alive(owner: int) -> bool:
    """Whether process `owner` still runs (a zombie, ended but not yet reaped, does not)."""
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{owner}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc: signal 0 is all there is


def _watch(owner: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if not owner_alive(owner):
            os._exit(1)
