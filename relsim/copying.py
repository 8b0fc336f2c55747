"""Copying files into a directory all or nothing (`relsim init`): on any failure or stop
nothing new is left and every file replaced is put back as it was."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from relsim.config.errors import printable
from relsim.result_files import OutputError


def _set_aside(target: Path, replaced: list[tuple[Path, Path]]) -> None:
    """Keep the file (or link) at `target` under a hidden name beside it, for a failed `init
    --force` to put back: a second link to it, so that `target` is never missing while it is
    replaced, or where the file system has no links, the file itself, renamed. The pair is in
    `replaced` before either is made, so that a stop at any moment finds it."""
    while True:
        aside = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        if aside.exists() or aside.is_symlink():
            continue
        replaced.append((target, aside))
        try:
            os.link(target, aside, follow_symlinks=False)
        except FileExistsError:
            replaced.pop()
            continue
        except (OSError, NotImplementedError):
            os.rename(target, aside)
        return


def _same_file(one: Path, other: Path) -> bool:
    """Whether two names are links to one file (a link itself, not what it points to)."""
    try:
        return os.path.samestat(one.lstat(), other.lstat())
    except OSError:
        return False


def copy_all(directory: Path, copies: list[tuple[Path, Path]]) -> None:
    """Copy each (source, target), creating the directories they go in, all or nothing: on any
    failure or stop nothing new is left (no directory, no file) and every file replaced is put
    back as it was, and a directory that cannot be made is named with the reason, rather than
    as a missing file in its parent."""
    from relsim.file_targets import check_file_target
    from relsim.files import write_bytes
    from relsim.target_checks import make_parents, remove_if_empty, why_not

    made: list[Path] = []
    written: list[Path] = []
    replaced: list[tuple[Path, Path]] = []  # (target, the file it held, set aside)
    try:
        for folder in sorted({target.parent for _, target in copies}):
            try:
                made += make_parents(folder / "-")
            except OSError as exc:
                raise OutputError(
                    f"init: cannot create {printable(str(directory))}: {why_not(exc)}"
                ) from None
        for _, target in copies:
            check_file_target(target, "init")
        for source, target in copies:
            try:
                if target.exists() or target.is_symlink():
                    _set_aside(target, replaced)
                else:
                    written.append(target)
                write_bytes(target, source.read_bytes())  # replaces a link, never follows it
            except OSError as exc:
                raise OutputError(
                    f"init {printable(str(target))}: cannot be written ({why_not(exc)}); "
                    f"{printable(str(directory))} is left as it was"
                ) from None
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        kept = []
        for target, aside in reversed(replaced):
            if not (aside.exists() or aside.is_symlink()):
                continue  # stopped before it was set aside: never replaced
            try:
                if _same_file(aside, target):  # not replaced yet: the second link goes
                    aside.unlink()
                else:
                    os.replace(aside, target)
            except OSError:
                kept.append((target, aside))
        remove_if_empty(made)
        if kept:
            target, aside = kept[-1]
            raise OutputError(
                f"init {printable(str(target))}: stopped part-way, and the file it replaced "
                f"could not be put back; it is kept as {printable(str(aside))}"
                + (f" ({len(kept) - 1} more likewise beside their files)" if len(kept) > 1 else "")
            ) from None
        raise
    for _, aside in replaced:
        with contextlib.suppress(OSError):
            aside.unlink()
