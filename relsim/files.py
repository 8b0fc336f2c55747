"""Writing files safely: every file relsim writes appears whole or not at all, and nothing it
writes follows a symbolic link planted where it writes.

A file is written to a new temporary name in its directory (created exclusively, so an existing
file or link of that name is never opened) and renamed over the target when complete; renaming
replaces a link at the target rather than writing through it.

CSV files that others open in a spreadsheet are guarded against formula injection: text cells
that a spreadsheet would run as a formula are written with a leading apostrophe.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: the hidden name `atomic_path` gives a file until it is complete, `.{name}.{random}.tmp`: what
#: a process killed while writing leaves (relsim's own, so `--force` and `--resume` may take it)
TEMPORARY = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp")
_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0)
        os.umask(_UMASK)
    return _UMASK


def shortened(name: str, limit: int) -> str:
    """`name`, cut short (by whole characters) to at most `limit` bytes."""
    while len(os.fsencode(name)) > limit:
        name = name[:-1]
    return name


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A new, empty temporary file beside `path` (created exclusively, under a hidden name) for
    the block to write; it becomes `path` only when the block completes. On an error or Ctrl-C
    it is removed."""
    # at most the first 100 bytes of the name: any name `path` may have leaves room for the rest
    prefix = f".{shortened(path.name, 100)}."
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        os.close(fd)
        yield temporary
        os.replace(temporary, path)
    except (Exception, KeyboardInterrupt):
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file handle whose content becomes `path` only when the block completes."""
    with atomic_path(path) as temporary, temporary.open("r+b") as handle:
        yield handle


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_file(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, default=str) + "\n")


def resolved(directory: Path) -> Path:
    """A directory's real location, links followed as far as they lead."""
    try:
        return directory.resolve()
    except (OSError, RuntimeError):  # a loop of links: using it fails later, and says so
        return Path(os.path.abspath(directory))


def guard_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which text that a spreadsheet would run as a formula starts with an
    apostrophe. Numbers (negative ones too) are left alone."""
    guarded = frame.copy()
    for column in guarded.columns:
        values = guarded[column]
        if values.dtype.kind in "biufcmM":
            continue
        guarded[column] = values.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
        )
    return guarded


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A CSV file for people and spreadsheets: no index, formulas guarded."""
    write_text(path, guard_formulas(frame).to_csv(index=False))


#: every PNG relsim writes says so in its metadata (a tEXt chunk ahead of the image data)
PNG_SOFTWARE = "relsim"


def write_figure(path: Path, figure: Any) -> None:
    """Save a matplotlib figure as PNG, marked as relsim's (so that it, and only it, may be
    replaced by the next one)."""
    with atomic_file(path) as handle:
        figure.savefig(handle, format="png", metadata={"Software": PNG_SOFTWARE})


def csv_starts_with(path: Path, columns: str) -> bool:
    """Whether a CSV file's header begins with `columns` (as relsim writes that table)."""
    with path.open("rb") as handle:
        return handle.readline(4096).decode("utf-8", "replace").startswith(columns)


def is_relsim_png(path: Path) -> bool:
    with path.open("rb") as handle:
        start = handle.read(8192)
    return start.startswith(b"\x89PNG") and b"tEXtSoftware\x00" + PNG_SOFTWARE.encode() in start
