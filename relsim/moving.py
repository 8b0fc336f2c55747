"""Finished results moved into place: written first in a hidden staging directory, then renamed
into the results directory whole or, across file systems (a mounted results directory), copied
in with the list of what is being copied written first and removed last (`COPYING`)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from relsim.files import atomic_path, resolved, shortened, write_json
from relsim.result_files import (
    COPYING,
    MANIFEST,
    OutputError,
    entries,
    interrupted_copy_files,
    remove_exactly,
    tree,
)

STAGING_LIMIT = 100  # bytes of the results directory's name kept in a staging directory's


def staging_directory(out: Path, locked: bool = False) -> Path:
    """A new hidden directory for results to be written in before they are moved into `out`:
    beside `out`, where a rename moves them whole; when nothing can be created there (a mounted
    results directory under a read-only parent), in the system's temporary directory. Its name
    starts with (at most the first 100 bytes of) the name of `out`, so that any name `out` may
    have leaves room for the rest. With `out` `locked` by this process, what a killed earlier
    writer left beside it is removed first."""
    prefix = f".{shortened(out.name, STAGING_LIMIT)}.partial-"
    if locked:
        remove_stale_staging(out)
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=resolved(out).parent))
    except OSError as beside:
        try:
            return Path(tempfile.mkdtemp(prefix=prefix))
        except OSError:
            raise beside from None


def remove_stale_staging(out: Path) -> None:
    """Remove the staging directories beside `out` that an earlier writer of `out` left when it
    was killed (SIGKILL, a power cut: nothing it ran could remove them). Called only while this
    process holds `out`'s lock, which a writer holds for as long as its staging directory
    exists, so none of them is in use. A name cut short to its first 100 bytes could be another
    results directory's: then nothing is removed."""
    if len(os.fsencode(out.name)) > STAGING_LIMIT:
        return
    parent = resolved(out).parent
    pattern = re.compile(re.escape(f".{out.name}.partial-") + r"[A-Za-z0-9_]{8}")
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)


def move_into(source: Path, target: Path) -> None:
    """Move a finished file or directory to `target`: renamed on the same file system; else
    copied (a file under a hidden temporary name, so that it appears whole) and then removed."""
    try:
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    if source.is_dir():
        shutil.copytree(source, target)
        shutil.rmtree(source)
        return
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)
    source.unlink()


def move_contents(source: Path, target: Path) -> None:
    """Move everything in `source` into the directory `target`, its manifest last: until the
    manifest is there, what `target` holds does not look like a finished result."""
    names = sorted(entries(source), key=lambda name: name == MANIFEST)
    for name in names:
        move_into(source / name, target / name)


def _undo_copy(directory: Path) -> None:
    """Remove what a copy stopped by an error or Ctrl-C put in `directory` (a killed process
    cannot: `--force` can later)."""
    copied = interrupted_copy_files(directory)
    if copied:
        with contextlib.suppress(OutputError):
            remove_exactly(copied)


def copy_in(staging: Path, target: Path) -> None:
    """Copy the finished `staging` directory's contents into the directory `target` on another
    file system, then remove it: the list of what is being copied is there first and gone last,
    and a copy stopped by an error or Ctrl-C removes what it put there."""
    write_json(target / COPYING, {"relsim": "results being copied in", "paths": tree(staging)})
    try:
        move_contents(staging, target)
    except BaseException:
        _undo_copy(target)
        raise
    (target / COPYING).unlink()
    staging.rmdir()
