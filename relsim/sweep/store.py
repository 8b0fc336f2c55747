"""The results store of a sweep: `DIR/runs.parquet` is a directory of Parquet parts, read as one
table by `pandas.read_parquet(DIR / "runs.parquet")`, plus `DIR/manifest.json`.

Parts are written as runs finish, each to a temporary name and renamed when complete, so a
killed sweep loses at most the runs not yet flushed and never leaves a half-written part where
a reader would find it. Resuming reads which (point, replication) pairs exist and runs the rest.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from relsim.config import ScenarioError

RUNS = "runs.parquet"
MANIFEST = "manifest.json"
KEY_COLUMNS = ("point", "replication", "seed", "status", "error")


def _check_replaceable(directory: Path) -> None:
    """--force only ever deletes an earlier sweep: never the working directory or a parent of
    it, and never a directory that holds anything but a sweep's files."""
    resolved = directory.resolve()
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
        raise ScenarioError(f"--out {directory}: refusing to delete the working directory")
    manifest = directory / MANIFEST
    is_sweep = manifest.is_file() and "relsim" in manifest.read_text(errors="replace")[:4000]
    if not is_sweep:
        raise ScenarioError(
            f"--out {directory}: not an earlier sweep (no {MANIFEST}); --force will not delete it"
        )


class SweepStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.runs_dir = directory / RUNS
        self._buffer: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self._part = 0

    # -- creating and reopening -----------------------------------------------------------
    @classmethod
    def create(cls, directory: Path, manifest: dict[str, Any], force: bool) -> SweepStore:
        if directory.exists() and not directory.is_dir():
            raise ScenarioError(f"--out {directory}: exists and is not a directory")
        if directory.is_dir() and any(directory.iterdir()):
            if not force:
                raise ScenarioError(
                    f"--out {directory}: directory is not empty "
                    "(use --resume to finish it, or --force to start again)"
                )
            _check_replaceable(directory)
            for path in sorted(directory.rglob("*"), reverse=True):
                path.unlink() if path.is_file() or path.is_symlink() else path.rmdir()
        store = cls(directory)
        store.runs_dir.mkdir(parents=True, exist_ok=True)
        store._write_manifest(manifest)
        return store

    @classmethod
    def reopen(cls, directory: Path, manifest: dict[str, Any]) -> SweepStore:
        """Reopen for --resume; the design and base scenario must be the ones stored."""
        stored_path = directory / MANIFEST
        if not stored_path.is_file():
            raise ScenarioError(f"--resume {directory}: no {MANIFEST}; nothing to resume")
        stored = json.loads(stored_path.read_text())
        for key in ("design", "base_scenario", "reps", "seed", "point_scenario_hashes"):
            if stored.get(key) != manifest.get(key):
                raise ScenarioError(
                    f"--resume {directory}: the {key.replace('_', ' ')} differs from the stored "
                    "sweep; resume with the same scenario, design, --reps and --seed"
                )
        store = cls(directory)
        store.runs_dir.mkdir(parents=True, exist_ok=True)
        for leftover in store.runs_dir.glob("*.tmp"):
            leftover.unlink()
        existing = [int(p.stem.split("-")[1]) for p in store.runs_dir.glob("part-*.parquet")]
        store._part = max(existing, default=-1) + 1
        return store

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        temporary = self.directory / (MANIFEST + ".tmp")
        temporary.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        os.replace(temporary, self.directory / MANIFEST)

    def update_manifest(self, **fields: Any) -> None:
        manifest = json.loads((self.directory / MANIFEST).read_text())
        manifest.update(fields)
        self._write_manifest(manifest)

    # -- runs -----------------------------------------------------------------------------
    def forget_failed(self) -> int:
        """Remove the runs stored as failed, so that resuming runs them again; returns how many.

        Each part holding failed rows is rewritten without them (to a hidden temporary name,
        then renamed over it), so readers always see one row per run and an interruption at
        worst leaves a failed run unrecorded, which resuming also reruns."""
        removed = 0
        for part in sorted(self.runs_dir.glob("part-*.parquet")):
            table = pd.read_parquet(part)
            failed = table["status"] == "failed"
            if not failed.any():
                continue
            removed += int(failed.sum())
            if failed.all():
                part.unlink()
                continue
            temporary = self.runs_dir / f".{part.name}.tmp"
            kept = pa.Table.from_pandas(table[~failed], preserve_index=False)
            pq.write_table(kept, temporary)
            os.replace(temporary, part)
        return removed

    def done(self) -> set[tuple[int, int]]:
        """(point, replication) pairs already recorded, ok or failed."""
        frame = self.read(columns=["point", "replication"])
        return set(zip(frame["point"].tolist(), frame["replication"].tolist(), strict=True))

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        parts = sorted(self.runs_dir.glob("part-*.parquet"))
        if not parts:
            return pd.DataFrame(columns=columns or list(KEY_COLUMNS))
        return pd.read_parquet(self.runs_dir, columns=columns)

    def add(self, row: dict[str, Any], every_rows: int = 64, every_seconds: float = 2.0) -> None:
        """Buffer a finished run; write a part when enough rows or time have gathered, so an
        interruption loses at most a couple of seconds of finished runs."""
        self._buffer.append(row)
        due = time.monotonic() - self._last_flush >= every_seconds
        if len(self._buffer) >= every_rows or due:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        table = pa.Table.from_pandas(pd.DataFrame(self._buffer), preserve_index=False)
        name = f"part-{self._part:06d}.parquet"
        # A leading dot hides the unfinished part from readers: Arrow's dataset discovery skips
        # names starting with "." or "_", but would read (or choke on) "part-N.parquet.tmp".
        temporary = self.runs_dir / f".{name}.tmp"
        pq.write_table(table, temporary)
        # Forget the rows before publishing them: an interrupt in between can only lose rows
        # (which --resume reruns), never record them twice.
        self._buffer.clear()
        self._part += 1
        os.replace(temporary, self.runs_dir / f"{name}")
        self._last_flush = time.monotonic()
