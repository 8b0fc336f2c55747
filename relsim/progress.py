"""Progress on stderr: a bar on a terminal; off a terminal (a log file, a batch job), a plain
line every so often, so that a long command is never silent. Either way it says what it is for.

Off a terminal a line is printed every RELSIM_PROGRESS_SECONDS seconds (default 30), from the
first interval on: a command that finishes sooner prints nothing, and `inf` (or any interval
longer than a timer can wait) prints none at all.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from typing import Any

from relsim.config.errors import printable
from relsim.signals import stops_held_back

ENVIRONMENT = "RELSIM_PROGRESS_SECONDS"
DEFAULT_SECONDS = 30.0


def interval() -> float:
    """Seconds between progress lines: the default for text that is not a positive number, and
    infinity (never) for more than a timer can wait, such as `inf`: asking for an interval
    longer than any command is asking for no lines, not a mistake worth stopping a run for."""
    try:
        seconds = float(os.environ.get(ENVIRONMENT, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    if not seconds > 0:  # zero, negative or NaN
        return DEFAULT_SECONDS
    return seconds if seconds <= threading.TIMEOUT_MAX else math.inf


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """`with Progress(total, label) as bar: ... bar.update()`."""

    def __init__(self, total: int, label: str, initial: int = 0, unit: str = "runs") -> None:
        self.total = total
        self.label = printable(label, 60)
        self.done = initial
        self.initial = initial
        self.unit = unit
        self._bar: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()

    def __enter__(self) -> Progress:
        # tqdm's monitor and the line reporter are threads: started with stops held back,
        # they never take one, which then always reaches the main thread (see
        # relsim.signals.sigint_ignored)
        with stops_held_back():
            self._start()
        return self

    def _start(self) -> None:
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total,
                initial=self.initial,
                desc=self.label,
                unit=self.unit.rstrip("s"),
                file=sys.stderr,
            )
        elif math.isfinite(seconds := interval()):
            self._thread = threading.Thread(target=self._report, args=(seconds,), daemon=True)
            self._thread.start()

    def update(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)

    def line(self) -> str:
        elapsed = time.monotonic() - self._started
        share = self.done / self.total if self.total else 1.0
        text = (
            f"relsim: {self.label}: {self.done}/{self.total} {self.unit} done "
            f"({share:.0%}), {_duration(elapsed)} elapsed"
        )
        new = self.done - self.initial
        if new > 0 and self.done < self.total:
            left = elapsed / new * (self.total - self.done)
            text += f", about {_duration(left)} left"
        return text

    def _report(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            sys.stderr.write(self.line() + "\n")
            sys.stderr.flush()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._bar.close()
