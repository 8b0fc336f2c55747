"""The results store of a sweep: `DIR/runs.parquet` is a directory of Parquet parts, read as one
table by `pandas.read_parquet(DIR / "runs.parquet")`, plus `DIR/manifest.json`.

Parts are written as runs finish, each to a temporary name and renamed when complete, so a
killed sweep loses at most the runs not yet flushed and never leaves a half-written part where
a reader would find it. Resuming reads which (point, replication) pairs exist and runs the rest.

When every run is in, the parts are compacted into one, sorted by point and replication (the
weekly series by week as well): how many parts a sweep was written in depends on timing and on
which worker finished first, so without this two runs of the same sweep would hold the same
rows in different files. Compacted, the same sweep gives the same bytes, serially, in parallel
or on a cluster, and one file is far smaller than dozens of parts each with its own schema.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from relsim.config import ScenarioError
from relsim.config.errors import RunError, printable
from relsim.files import TEMPORARY, atomic_path, write_json
from relsim.result_files import read_manifest, remove_exactly
from relsim.sweep.directory import (
    COMPACTED,
    MANIFEST,
    RUNS,
    TIMESERIES,
    sweep_files,
    sweep_strangers,
)
from relsim.sweep.resume_check import OtherCodeError, check_resumable
from relsim.sweep.series_chunks import sorted_series
from relsim.targets import RESUME_OR_FORCE, OpenedDirectory, open_directory

KEY_COLUMNS = ("point", "replication", "seed", "status", "error")
SORT_KEYS = {RUNS: ["point", "replication"], TIMESERIES: ["point", "replication", "week"]}


def runs_twice(runs: pd.DataFrame) -> str | None:
    """What is wrong with a runs table that holds a run twice (a part copied or restored by
    hand), which would count as two replications in every summary; None if none is."""
    if not {"point", "replication"} <= set(runs.columns):
        return None
    twice = runs.duplicated(["point", "replication"])
    if not twice.any():
        return None
    first = runs[twice].iloc[0]
    more = f" and {int(twice.sum()) - 1} more" if twice.sum() > 1 else ""
    return (
        f"{RUNS} holds the run of point {first['point']}, replication {first['replication']} "
        f"twice{more}: a part was copied in by hand"
    )


def unreadable_part(parts_dir: Path) -> Path | None:
    """The first part of a table in parts (runs.parquet, timeseries.parquet) that cannot be read
    as Parquet, if any: named before the table is read, rather than in pyarrow's words."""
    for part in sorted(parts_dir.glob("part-*.parquet")):
        try:
            pq.read_schema(part)
        except (OSError, ValueError, pa.ArrowException):
            return part
    return None


class SweepStore:
    def __init__(
        self,
        directory: Path,
        opened: OpenedDirectory | None = None,
        value_types: pa.Schema | None = None,
    ) -> None:
        self.directory = directory
        self.runs_dir = directory / RUNS
        self.series_dir = directory / TIMESERIES
        self.opened = opened
        # The swept keys' column types, from the whole design: one part's rows alone may not
        # show them (see `_typed`).
        self.value_types = value_types
        self._buffer: list[dict[str, Any]] = []
        self._series: list[pd.DataFrame] = []
        self._last_flush = time.monotonic()
        self._part = 0
        #: finished runs found without their weekly series when reopened, to be run again
        self.runs_without_series = 0
        #: why the stored runs are not this code's (a complete sweep reopened to be read only)
        self.made_by_other_code: OtherCodeError | None = None

    # -- creating and reopening -----------------------------------------------------------
    @classmethod
    def create(
        cls,
        directory: Path,
        manifest: dict[str, Any],
        force: bool,
        value_types: pa.Schema | None = None,
        not_empty_hint: str = RESUME_OR_FORCE,
    ) -> SweepStore:
        """A new store in `directory`, which must be new, empty, or (with `force`) hold exactly
        an earlier sweep, which is removed. The directory stays locked until `close`.
        `value_types` are the swept keys' column types."""
        opened = open_directory(
            directory,
            "--out",
            force=force,
            identify=sweep_files,
            strangers=sweep_strangers,
            not_empty_hint=not_empty_hint,
            kind="an earlier sweep",
        )
        store = cls(directory, opened, value_types)
        try:
            remove_exactly(opened.replaced)
            store._start(manifest)
        except OSError as exc:  # its directory cannot be written (permissions, read-only)
            opened.close(keep_created=False)
            raise opened.error(f"cannot be written ({exc.strerror or exc})") from None
        except BaseException:
            opened.close()
            raise
        return store

    def _start(self, manifest: dict[str, Any]) -> None:
        """The empty store and its manifest; the directories made are removed again if the
        rest cannot be written, so nothing is left that --force would not recognise."""
        wanted = [self.runs_dir, self.series_dir] if manifest.get("timeseries") else [self.runs_dir]
        made: list[Path] = []
        try:
            for directory in wanted:
                directory.mkdir()
                made.append(directory)
            self._write_manifest(manifest)
        except OSError:
            for directory in reversed(made):
                with contextlib.suppress(OSError):
                    directory.rmdir()
            raise

    @classmethod
    def reopen(
        cls, directory: Path, manifest: dict[str, Any], value_types: pa.Schema | None = None
    ) -> SweepStore:
        """Reopen for --resume; the design and base scenario must be the ones stored."""
        stored = read_manifest(directory) if directory.is_dir() else None
        if stored is None and (directory / MANIFEST).exists():
            raise ScenarioError(
                f"--resume {directory}: its {MANIFEST} cannot be read (empty, cut short or not "
                "a JSON object), so what the stored runs are is unknown; nothing was resumed"
            )
        if stored is None:
            raise ScenarioError(f"--resume {directory}: no {MANIFEST}; nothing to resume")
        opened = open_directory(
            directory,
            "--resume",
            force=False,
            identify=sweep_files,
            strangers=sweep_strangers,
            resume=True,
            kind="an earlier sweep",
        )
        try:
            stored = read_manifest(directory) or {}
            other_code = None
            try:
                check_resumable(directory, stored, manifest)
            except OtherCodeError as exc:
                if stored.get("status") != "complete":
                    raise
                other_code = exc  # nothing is left to run, so nothing would be mixed
            store = cls(directory, opened, value_types)
            store.made_by_other_code = other_code
            store._tidy(bool(manifest.get("timeseries")))
        except OSError as exc:  # its leftovers cannot be tidied (permissions, read-only)
            opened.close()
            raise opened.error(f"cannot be written ({exc.strerror or exc})") from None
        except BaseException:
            opened.close()
            raise
        return store

    def _tidy(self, timeseries: bool) -> None:
        """After an interruption: remove unfinished temporary parts; finish a compaction whose
        runs were staged, or drop one stopped before that; remove weekly series written for runs
        whose rows were not, and (with `timeseries`) the rows of runs whose series are gone:
        either way, those runs are run again."""
        self.runs_dir.mkdir(exist_ok=True)
        if timeseries:
            self.series_dir.mkdir(exist_ok=True)
        for directory in (self.runs_dir, self.series_dir):
            if not directory.is_dir():
                continue
            for leftover in directory.iterdir():
                if TEMPORARY.fullmatch(leftover.name) and leftover.is_file():
                    leftover.unlink()
        if (self.runs_dir / COMPACTED).is_file():
            self._put_compacted()
        else:  # stopped before the runs were staged: the parts are all there
            with contextlib.suppress(FileNotFoundError):
                (self.series_dir / COMPACTED).unlink()
        stored = {p.name for p in self.runs_dir.glob("part-*.parquet")}
        if timeseries:
            stored -= self._drop_runs_without_series(stored)
        if self.series_dir.is_dir():
            for orphan in self.series_dir.glob("part-*.parquet"):
                if orphan.name not in stored:
                    orphan.unlink()
        existing = [int(name[5:11]) for name in stored]
        self._part = max(existing, default=-1) + 1

    def _drop_runs_without_series(self, stored: set[str]) -> set[str]:
        """The parts of runs whose weekly series are gone (removed by hand), removed so that
        resuming runs them again, and counted in `runs_without_series`. A part of failed runs
        alone has no series, and stays; one that cannot be read is left for `read` to name."""
        kept = {p.name for p in self.series_dir.glob("part-*.parquet")}
        dropped = set()
        for name in sorted(stored - kept):
            part = self.runs_dir / name
            try:
                status = pd.read_parquet(part, columns=["status"])["status"]
            except (OSError, ValueError, KeyError, pa.ArrowException):
                continue
            ok = int((status == "ok").sum())
            if ok:
                part.unlink()
                dropped.add(name)
                self.runs_without_series += ok
        return dropped

    def close(self) -> None:
        """Release the directory's lock."""
        if self.opened is not None:
            self.opened.close()
            self.opened = None

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.directory / MANIFEST, manifest)

    def update_manifest(self, **fields: Any) -> None:
        manifest = read_manifest(self.directory) or {}
        manifest.update(fields)
        with self._writing():
            self._write_manifest(manifest)

    def mark_unfinished(self) -> None:
        """Say in the manifest that the sweep is not complete (again): --retry-failed is about
        to take its failed runs out, and until they are stored once more an interrupted sweep
        must not read as a complete one (to `relsim rerun`, or to a reader of `status`)."""
        manifest = read_manifest(self.directory) or {}
        for stale in ("finished", "runs_failed"):
            manifest.pop(stale, None)
        manifest["status"] = "running"
        with self._writing():
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
            kept = self._typed(pa.Table.from_pandas(table[~failed], preserve_index=False))
            with atomic_path(part) as temporary:
                pq.write_table(kept, temporary)
        return removed

    def done(self) -> set[tuple[int, int]]:
        """(point, replication) pairs already recorded, ok or failed."""
        frame = self.read(columns=["point", "replication"])
        return set(zip(frame["point"].tolist(), frame["replication"].tolist(), strict=True))

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        parts = sorted(self.runs_dir.glob("part-*.parquet"))
        if not parts:
            return pd.DataFrame(columns=columns or list(KEY_COLUMNS))
        name = str(self.directory)
        damaged = unreadable_part(self.runs_dir)
        if damaged is not None:
            raise ScenarioError(
                f"{name}: {RUNS}/{damaged.name} cannot be read as Parquet (remove it, and "
                "--resume runs its runs again)"
            )
        frame = pd.read_parquet(self.runs_dir, columns=columns)
        problem = runs_twice(frame)
        if problem is not None:
            raise ScenarioError(f"{name}: {problem}")
        return frame

    def add(
        self,
        row: dict[str, Any],
        every_rows: int = 64,
        every_seconds: float = 2.0,
        series: pd.DataFrame | None = None,
    ) -> None:
        """Buffer a finished run (and its weekly series); write a part when enough rows or time
        have gathered, so an interruption loses at most a couple of seconds of finished runs."""
        self._buffer.append(row)
        if series is not None:
            self._series.append(series)
        due = time.monotonic() - self._last_flush >= every_seconds
        if len(self._buffer) >= every_rows or due:
            self.flush()

    def compact(self) -> None:
        """Replace the parts with one table sorted by run (why: the module's docstring). Each
        table is written whole under a hidden name first, the weekly series before the runs, so
        a stop at any moment leaves the parts as they were or a compaction that reopening
        finishes: no run lost, none recorded twice."""
        self.flush()
        with self._writing():
            if self.series_dir.is_dir() and any(self.series_dir.glob("part-*.parquet")):
                self._stage_series()
            if not any(self.runs_dir.glob("part-*.parquet")):
                return
            self._stage(self.runs_dir, self.read(), RUNS)
            self._put_compacted()

    def _stage(self, directory: Path, frame: pd.DataFrame, name: str) -> None:
        frame = frame.sort_values(SORT_KEYS[name], kind="stable", ignore_index=True)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        with atomic_path(directory / COMPACTED) as temporary:
            pq.write_table(self._typed(table) if name == RUNS else table, temporary)

    def _stage_series(self) -> None:
        """Stage the weekly series sorted by run, a chunk of runs at a time: they are the bulk
        of a sweep kept with --timeseries (gigabytes for thousands of runs), and read whole
        they would have to fit in memory at once. The staged table is the one a single read and
        sort would give, row for row and type for type."""
        writer: pq.ParquetWriter | None = None
        with atomic_path(self.series_dir / COMPACTED) as temporary:
            try:
                for frame in sorted_series(self.series_dir, SORT_KEYS[TIMESERIES]):
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(table)
            finally:
                if writer is not None:
                    writer.close()

    def _put_compacted(self) -> None:
        """Put the staged tables in place of the parts: the series first, then the runs, whose
        staged table, there until the last step, is what says a compaction is under way."""
        for directory in (self.series_dir, self.runs_dir):
            staged = directory / COMPACTED
            if not staged.is_file():  # no series kept, or already in place
                continue
            for part in directory.glob("part-*.parquet"):
                part.unlink()
            staged.replace(directory / "part-000000.parquet")
        self._part = 1

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A store that cannot be written (a full disk, a quota) stops the sweep in one line
        saying that the runs stored so far are kept and how to finish, not in Arrow's words."""
        try:
            yield
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise RunError(
                f"{printable(str(self.directory))}: cannot write the finished runs ({reason}); "
                "the runs stored so far are kept: make room, then run the same command with "
                "--resume"
            ) from None

    def flush(self) -> None:
        if not self._buffer:
            return
        with self._writing():
            self._write_part()

    def _write_part(self) -> None:
        table = self._typed(pa.Table.from_pandas(pd.DataFrame(self._buffer), preserve_index=False))
        name = f"part-{self._part:06d}.parquet"
        if self._series:
            # The series first, under the same part number: a part of rows is what marks runs
            # as done, so series without their rows are removed and rerun when resuming.
            series = pd.concat(self._series, ignore_index=True)
            with atomic_path(self.series_dir / name) as temporary:
                series.to_parquet(temporary, index=False)
            self._series.clear()
        # The part is written under a hidden temporary name (Arrow's dataset discovery skips
        # names starting with "."), and renamed when complete. The rows are forgotten before
        # they are published: an interrupt in between can only lose rows (which --resume
        # reruns), never record them twice.
        with atomic_path(self.runs_dir / name) as temporary:
            pq.write_table(table, temporary)
            self._buffer.clear()
            self._part += 1
        self._last_flush = time.monotonic()

    def _typed(self, table: pa.Table) -> pa.Table:
        """The part with every swept key's column of the design's type. Left alone, a part's
        types come from its own rows: one holding only points that leave a text key out has an
        empty numeric column there, and the parts no longer read as one table."""
        for field in self.value_types or []:
            index = table.schema.get_field_index(field.name)
            if index < 0 or table.schema.field(index).type.equals(field.type):
                continue
            column = table.column(index)
            if column.null_count == len(column):  # every point here leaves the key out
                column = pa.nulls(len(column), field.type)
            table = table.set_column(index, field, column.cast(field.type))
        return table
