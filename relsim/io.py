"""Results on disk: tidy files plus a manifest, written so that an interrupted run never leaves
something that looks like a result.

Everything is written into a hidden sibling directory first and moved into place only when the
manifest, written last, is complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import relsim
from relsim.config import Scenario, scenario_dict, scenario_hash

if TYPE_CHECKING:
    import pandas as pd

KEY_LIBRARIES = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "pyyaml")


class OutputError(ValueError):
    """The output directory cannot be used (bad input: exit status 2)."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def portable_path(path: Path | str) -> str:
    """A path as recorded in manifests: relative to the working directory when inside it, so
    published results do not carry the machine they were made on."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(resolved)


def git_commit() -> str | None:
    root = Path(relsim.__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


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


def provenance(scenario: Scenario, seed: int, reps: int, started: str) -> dict[str, Any]:
    return {
        "relsim_version": relsim.__version__,
        "git_commit": git_commit(),
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": seed,
        "replication_seeds": {"entropy": seed, "spawn_key": "replication index 0..reps-1"},
        "reps": reps,
        "versions": versions(),
        "started": started,
    }


def check_output_dir(out: Path, force: bool) -> None:
    """Refuse, before any work, to overwrite an existing non-empty directory unless forced."""
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise OutputError(f"--out {out}: is or contains the current directory; name a new one")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"--out {out}: directory is not empty (use --force to replace it)")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"--out {out}: parent directory {parent} does not exist")


@contextlib.contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A temporary directory that becomes `out` only if the block completes."""
    out = out.resolve()
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)


def write_run_files(
    directory: Path,
    scenario: Scenario,
    summary: pd.DataFrame,
    timeseries: pd.DataFrame,
    journeys: pd.DataFrame | None,
    manifest: dict[str, Any],
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    summary.to_csv(directory / "summary.csv", index=False)
    timeseries.to_parquet(directory / "timeseries.parquet", index=False)
    if journeys is not None:
        journeys.to_parquet(directory / "journeys.parquet", index=False)
    full = {
        **manifest,
        "scenario": scenario_dict(scenario),
        "files": [*sorted(p.name for p in directory.iterdir()), "manifest.json"],
        "finished": now(),
    }
    (directory / "manifest.json").write_text(json.dumps(full, indent=2, default=str) + "\n")
