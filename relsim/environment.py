"""What a result depends on besides its inputs: relsim's version and source, and the libraries.

A commit alone does not say which code made a result when the checkout had uncommitted changes,
so manifests also record a hash of those changes. The same record is compared before a result is
re-created (`relsim rerun`), before a sweep is resumed (its finished runs and the new ones must
come from the same code) and before a Dask cluster runs a sweep (every worker must run the same
code and libraries as the client).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import relsim
from relsim.config.errors import printable, shown

#: libraries recorded in every manifest
KEY_LIBRARIES = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "pyyaml")
#: of those, the ones whose version can change a run's numbers (random streams, Mesa's
#: scheduling), not only how its files are written
RESULT_LIBRARIES = ("numpy", "mesa")
#: the parts of a checkout that make relsim's results (a result records its scenario resolved)
SOURCE_PATHS = ("relsim", "calibration", "pyproject.toml")


def _root() -> Path:
    return Path(relsim.__file__).resolve().parent.parent


def _git(*args: str) -> bytes | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(_root()), *args], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_commit() -> str | None:
    out = _git("rev-parse", "HEAD")
    return (out.decode().strip() or None) if out is not None else None


def uncommitted_sha256(commit: str | None) -> str | None:
    """SHA-256 of the uncommitted changes to relsim's source at `commit` (changed tracked files
    and untracked ones under SOURCE_PATHS), or None when there are none or no checkout."""
    if commit is None:
        return None
    status = _git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *SOURCE_PATHS)
    if not status:
        return None
    digest = hashlib.sha256(_git("diff", "HEAD", "--binary", "--", *SOURCE_PATHS) or b"")
    for entry in status.split(b"\0"):
        if entry.startswith(b"?? "):
            path = _root() / os.fsdecode(entry[3:])
            digest.update(entry[3:] + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def source_sha256(commit: str | None) -> str | None:
    """SHA-256 of the git objects of relsim's source (SOURCE_PATHS) at `commit`: the same for
    every commit that leaves the source alone, so a change to the documentation does not make
    a result look as if other code had made it. None without a checkout."""
    if commit is None:
        return None
    out = _git("rev-parse", *(f"{commit}:{path}" for path in SOURCE_PATHS))
    return hashlib.sha256(out).hexdigest() if out else None


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {
        "relsim": relsim.__version__,
        "python": platform.python_version(),
    }
    for name in KEY_LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def source_record(commit: str | None) -> dict[str, Any]:
    """The manifest fields that say which relsim, at which commit, with which uncommitted
    changes and libraries, made a result (`commit` from `git_commit()`, passed in so that a
    caller can leave git out)."""
    return {
        "relsim_version": relsim.__version__,
        "git_commit": commit,
        "git_source_sha256": source_sha256(commit),
        "git_uncommitted_sha256": uncommitted_sha256(commit),
        "versions": versions(),
    }


def differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """How `current` (a source record) differs from `recorded` (a manifest holding one) in what
    can change a result's numbers, one phrase each: '<what> <recorded> (here <current>)'. A
    source is compared by its git objects where both sides recorded them (commits that leave it
    alone do not count), else by commit; one unknown on either side is not compared. A manifest
    older than the uncommitted-changes field is compared as if it had recorded none."""
    found = []
    made_with = recorded.get("relsim_version")
    if made_with != current.get("relsim_version"):
        found.append(f"relsim {shown(made_with)} (here {current.get('relsim_version')})")
    commit, mine = recorded.get("git_commit"), current.get("git_commit")
    source, my_source = recorded.get("git_source_sha256"), current.get("git_source_sha256")
    if source and my_source and source != my_source:
        found.append(
            f"relsim source {_digest(source)} at commit {_digest(commit)} (here "
            f"{_digest(my_source)} at {_digest(mine)})"
        )
    elif not (source and my_source) and commit and mine and commit != mine:
        found.append(f"commit {str(commit)[:12]} (here {mine[:12]})")
    elif commit and mine:
        changes, my_changes = (
            recorded.get("git_uncommitted_sha256"),
            current.get("git_uncommitted_sha256"),
        )
        if changes != my_changes and not changes:
            found.append(
                f"relsim's committed source (here with uncommitted changes {_digest(my_changes)})"
            )
        elif changes != my_changes:
            found.append(
                f"uncommitted changes to relsim {_digest(changes)} (here {_digest(my_changes)})"
            )
    libraries, mine_libraries = recorded.get("versions"), current.get("versions") or {}
    if isinstance(libraries, Mapping):
        for name in RESULT_LIBRARIES:
            if name in libraries and libraries[name] != mine_libraries.get(name):
                found.append(f"{name} {shown(libraries[name])} (here {mine_libraries.get(name)})")
    return found


def _digest(value: object) -> str:
    return printable(str(value))[:12] if value else "none"
