"""Checks every output target shares, a results directory or a single file: its name is usable,
and something can really be created where it goes (found by creating and removing a probe);
whether a directory holds a relsim result; and the missing parent directories, created, and
removed again if the command fails."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relsim.config.errors import printable
from relsim.result_files import OutputError, read_manifest

NAME_MAX = 255


# -- names and probes ----------------------------------------------------------------------------


def same_name_key(name: str) -> str:
    """What two directory names are compared by: file systems that ignore case, or that store
    names in one Unicode normal form (an é written as one character or as e and an accent),
    would make them one directory."""
    return unicodedata.normalize("NFC", name).casefold()


def check_entry_name(name: str, what: str) -> None:
    """A name relsim will create inside a results directory (a scenario's subdirectory)."""
    shown = printable(repr(name), 100)
    if name in ("", ".", "..") or any(c in name for c in "/\\\0") or name.startswith("."):
        raise OutputError(f"{what}: {shown} is not a plain directory name")
    if name != name.strip():
        # "baseline " beside "baseline": two directories, and two sides, a listing shows alike
        raise OutputError(f"{what}: {shown} begins or ends with white space")
    if any(unicodedata.category(c) == "Cc" for c in name):
        # a newline or an escape sequence in a directory name breaks every listing of it
        raise OutputError(f"{what}: {shown} holds a control character")
    if len(os.fsencode(name)) > NAME_MAX:
        raise OutputError(f"{what}: {shown} is longer than {NAME_MAX} bytes")


def check_components(path: Path, option: str) -> None:
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise OutputError(
                f"{option} {printable(str(path), 120)}: a name in it is longer than "
                f"{NAME_MAX} bytes"
            )


def why_not(exc: OSError) -> str:
    """The system's reason a file or directory could not be made, in words that fit: "no such
    file" for a name in a directory that exists (/proc, /sys) means that directory takes
    nothing new, not that something is missing."""
    if exc.errno == errno.ENOENT and exc.filename:
        parent = Path(os.fsdecode(exc.filename)).parent
        if parent.is_dir():
            return f"{printable(str(parent))} does not allow new files or directories"
    return exc.strerror or str(exc)


def nearest_existing(path: Path) -> Path:
    current = path
    while not (current.exists() or current.is_symlink()):
        if current.parent == current:
            break
        current = current.parent
    return current


def cannot_write_in(directory: Path) -> str | None:
    """Why nothing can be made in `directory` (read-only, permissions), or None if it can."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".relsim-probe-", dir=directory))
    except OSError as exc:
        return why_not(exc)
    return None


def probe(directory: Path, option: str, target: Path) -> None:
    """Create and remove something in `directory`, which must exist: the only sure test that
    the target can be written (permissions, read-only or special file systems)."""
    reason = cannot_write_in(directory)
    if reason is not None:
        raise OutputError(
            f"{option} {printable(str(target))}: cannot write in {printable(str(directory))} "
            f"({reason})"
        )


def result_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest of the relsim result in `directory`, if it holds one (every relsim manifest
    records the relsim version; a run's its scenario hash, a study's its relsim kind)."""
    manifest = read_manifest(directory)
    if manifest is None:
        return None
    kind = manifest.get("kind")
    own = isinstance(kind, str) and kind.startswith("relsim ")
    if own or "relsim_version" in manifest or "scenario_hash" in manifest:
        return manifest
    return None


def make_parents(path: Path) -> list[Path]:
    """Create the missing directories above `path`; the ones created, outermost first (on a
    failure, those already created are removed)."""
    missing = []
    current = path.parent
    while not (current.exists() or current.is_symlink()):
        missing.append(current)
        current = current.parent
    made: list[Path] = []
    try:
        for directory in reversed(missing):
            directory.mkdir(exist_ok=True)
            made.append(directory)
    except BaseException:  # none of them is left half-made
        remove_if_empty(made)
        raise
    return made


def remove_if_empty(directories: Sequence[Path]) -> None:
    """Remove directories this command created, innermost first, if they are still empty."""
    for directory in reversed(directories):
        with contextlib.suppress(OSError):
            directory.rmdir()
