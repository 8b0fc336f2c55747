"""What relsim wrote in a results directory, identified exactly, and how it is removed.

`--force` replaces only what relsim itself wrote: a run's files are those its manifest lists; a
comparison's, differences.csv beside one run result per scenario; what a copy into a mounted
results directory left when it was stopped, the paths the list written before it names
(`COPYING`). A directory holding anything else, or a symbolic link, is not recognised, and
nothing is ever followed through a link or removed recursively.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relsim.config.errors import printable
from relsim.config.safe_yaml import read_text
from relsim.files import TEMPORARY

MANIFEST = "manifest.json"
DIFFERENCES = "differences.csv"
#: files a `relsim compare` result may hold beside differences.csv and its scenarios' results
COMPARE_FILES = (
    "resources.csv",
    "cost_effectiveness.csv",
    "incremental.csv",
    "price_changes.csv",
    "transition.csv",
    MANIFEST,
)
MANIFEST_LIMIT = 64 << 20
#: written first into a results directory that results are copied into (across file systems)
#: and removed last: it lists every path being copied, so that what a copy stopped midway (the
#: process killed) left there is known to be relsim's own and `--force` may replace it
COPYING = ".relsim-copying.json"


class OutputError(ValueError):
    """An output target cannot be used (bad input: exit status 2)."""


def entries(directory: Path) -> dict[str, os.stat_result]:
    """A directory's entries with their own status (links are not followed)."""
    with os.scandir(directory) as scan:
        return {e.name: e.stat(follow_symlinks=False) for e in scan}


def is_file(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode)


def is_dir(info: os.stat_result) -> bool:
    return stat.S_ISDIR(info.st_mode)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """A directory's manifest.json if it is a regular file holding a JSON object."""
    path = directory / MANIFEST
    try:
        if not is_file(path.lstat()):
            return None
        data = json.loads(read_text(path, MANIFEST_LIMIT, "manifest"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def run_result_files(directory: Path) -> list[Path] | None:
    """The files of a `relsim run` result, if `directory` is exactly one: a manifest that says
    what was run, and the regular files it lists, nothing else."""
    manifest = read_manifest(directory)
    if manifest is None or "scenario_hash" not in manifest:
        return None
    listed = manifest.get("files")
    if not isinstance(listed, list) or not all(isinstance(f, str) for f in listed):
        return None
    found = entries(directory)
    if set(found) != set(listed) or not all(is_file(info) for info in found.values()):
        return None
    return [directory / name for name in sorted(found)]


def compare_result_files(directory: Path) -> list[Path] | None:
    """The files and directories of a `relsim compare` result, if `directory` is exactly one:
    differences.csv and one run result per scenario, nothing else. Innermost first."""
    found = entries(directory)
    if DIFFERENCES not in found or not is_file(found[DIFFERENCES]) or len(found) < 2:
        return None
    removal = [directory / DIFFERENCES]
    for name, info in found.items():
        if name == DIFFERENCES:
            continue
        if name in COMPARE_FILES and is_file(info):
            removal.append(directory / name)
            continue
        inner = run_result_files(directory / name) if is_dir(info) else None
        if inner is None:
            return None
        removal += [*inner, directory / name]
    return removal


def _run_strangers(directory: Path) -> list[str] | None:
    """What a `relsim run` result's directory holds beyond the files its manifest lists; None
    if its manifest is not a run's."""
    manifest = read_manifest(directory)
    listed = None if manifest is None else manifest.get("files")
    if manifest is None or "scenario_hash" not in manifest or not isinstance(listed, list):
        return None
    return sorted(name for name in entries(directory) if name not in listed)


def result_strangers(directory: Path) -> list[str]:
    """What in an earlier `relsim run` or `compare` result relsim did not write (paths within
    it), so that a refusal can name it; nothing when it is neither."""
    own = _run_strangers(directory)
    if own is not None:
        return own
    found = entries(directory)
    if DIFFERENCES not in found:
        return []
    strangers: list[str] = []
    for name, info in found.items():
        if name == DIFFERENCES or (name in COMPARE_FILES and is_file(info)):
            continue
        inner = _run_strangers(directory / name) if is_dir(info) else None
        if inner is None:
            strangers.append(name)
        else:
            strangers += [f"{name}/{other}" for other in inner]
    return strangers


def interrupted_copy_files(directory: Path) -> list[Path] | None:
    """What a copy of results into `directory` left when it was stopped (see `COPYING`), if
    that is all it holds: paths the list names, their hidden temporaries, and the list itself.
    Innermost first, the list last."""
    listing = directory / COPYING
    found = entries(directory)
    if COPYING not in found:
        # stopped while the list itself was being written: only its temporary is there
        if found and all(
            is_file(info) and (m := TEMPORARY.fullmatch(name)) and m["name"] == COPYING
            for name, info in found.items()
        ):
            return [directory / name for name in sorted(found)]
        return None
    try:
        if not is_file(found[COPYING]):
            return None
        data = json.loads(read_text(listing, MANIFEST_LIMIT, "list"))
    except (OSError, ValueError):
        return None
    listed = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        return None
    removal = _listed_tree(directory, "", set(listed))
    return None if removal is None else [*removal, listing]


def _listed_tree(root: Path, relative: str, listed: set[str]) -> list[Path] | None:
    """The files and directories under `root / relative`, innermost first, if every one is in
    `listed` (relative to `root`) or is the temporary of a file that is; the copy's list at
    the top is left out."""
    removal: list[Path] = []
    for name, info in sorted(entries(root / relative).items()):
        path = f"{relative}/{name}" if relative else name
        if path == COPYING:
            continue
        temporary = TEMPORARY.fullmatch(name)
        if temporary and is_file(info):
            named = f"{relative}/{temporary['name']}" if relative else temporary["name"]
            if named not in listed:
                return None
        elif path not in listed:
            return None
        elif is_dir(info):
            inner = _listed_tree(root, path, listed)
            if inner is None:
                return None
            removal += inner
        elif not is_file(info):
            return None  # a link, or anything else relsim does not write
        removal.append(root / path)
    return removal


def tree(directory: Path) -> list[str]:
    """Every file and directory under `directory`, relative to it (links are not followed)."""
    paths = []
    for name, info in sorted(entries(directory).items()):
        paths.append(name)
        if is_dir(info):
            paths += [f"{name}/{inner}" for inner in tree(directory / name)]
    return paths


def remove_exactly(paths: Sequence[Path]) -> None:
    """Remove these files and (empty) directories, in order; never recursively, never through
    a link."""
    for path in paths:
        try:
            if is_dir(path.lstat()):
                path.rmdir()
            else:
                path.unlink()
        except OSError as exc:  # an earlier result --force may not remove (permissions, flags)
            raise OutputError(
                f"--force: cannot remove {printable(str(path))} of the earlier result "
                f"({exc.strerror or exc})"
            ) from None
