"""Bad input and how it is shown: one line per problem, bounded in length, nothing a terminal
would interpret.

Values echoed in messages come from files and command lines that may be hostile (a YAML alias
that expands to gigabytes, escape sequences in a name), so every echo goes through `shown`, and
every line that reaches the terminal through `printable`.
"""

from __future__ import annotations

import datetime as dt
import reprlib
import unicodedata
from typing import Any

ECHO_CHARS = 80
LINE_CHARS = 600

_repr = reprlib.Repr()
_repr.maxstring = ECHO_CHARS
_repr.maxother = ECHO_CHARS
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 6
_repr.maxlevel = 3


class ScenarioError(ValueError):
    """Bad input (exit status 2). Each problem is one line naming the file or option, the key
    path and what was expected."""

    def __init__(self, *problems: str) -> None:
        self.problems = [printable(p) for p in problems] or ["bad input"]
        super().__init__("\n".join(self.problems))


class FileError(ScenarioError):
    """A file that cannot be used at all: missing, unreadable, not a regular file, too large,
    not text, or not the kind of file expected."""


class RunError(RuntimeError):
    """A failure relsim explains itself in one line (exit status 1): its message says what
    happened and what to do, with nothing to add from a traceback."""


def shown(value: Any) -> str:
    """A short, single-line representation of a value taken from input: a date YAML read from
    the file (`2024-01-01`) as it was written there, not as Python writes it."""
    if isinstance(value, dt.date):
        return printable(value.isoformat(), ECHO_CHARS + 20)
    return printable(_repr.repr(value), ECHO_CHARS + 20)


def printable(text: str, limit: int = LINE_CHARS) -> str:
    """`text` as one line of plain characters: control and formatting characters (escape
    sequences, newlines, bidirectional overrides) are written as escapes, and the line is cut at
    `limit` characters."""
    out = []
    for char in text[:limit]:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    joined = "".join(out)
    if len(joined) <= limit and len(text) <= limit:
        return joined
    return joined[: limit - 3] + "..."
