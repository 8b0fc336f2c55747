"""A finished sweep's store is compacted: one part of runs and one of weekly series, sorted by
run, so the same sweep gives the same bytes however its runs were batched and whichever worker
finished first; and a stop part-way through the compaction loses and duplicates nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

import relsim.sweep.executors
import relsim.sweep.series_chunks
import relsim.sweep.store
from relsim.cli import main
from relsim.sweep.directory import COMPACTED
from relsim.sweep.store import SweepStore

SEED = 5
GRID = ("--grid", "referral_friction=0.2,0.8", "--reps", "3", "--timeseries")


def relsim_main(*args: object) -> int:
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return 0 if exc.code is None else int(exc.code)
    return 0


@pytest.fixture
def sweep(cli_scenarios: Path, cli_small_sets: tuple[str, ...]) -> Callable[..., int]:
    """`sweep(out, *args)`: a tiny two-point sweep keeping its weekly series."""

    def run(out: Path, *args: object) -> int:
        baseline = cli_scenarios / "baseline.yaml"
        return relsim_main(
            "sweep", baseline, *cli_small_sets, *GRID, "--seed", SEED, "--out", out, *args
        )

    return run


@pytest.fixture
def part_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write a part after every run, as a slow sweep (one run every few seconds) does."""
    add = SweepStore.add

    def each(self: SweepStore, row: dict[str, Any], series: Any = None, **_: Any) -> None:
        add(self, row, every_rows=1, series=series)

    monkeypatch.setattr(SweepStore, "add", each)


def files(out: Path) -> dict[str, bytes]:
    """Every file of the store, by its path inside the sweep."""
    found = {}
    for name in ("runs.parquet", "timeseries.parquet"):
        for path in sorted((out / name).iterdir()):
            found[f"{name}/{path.name}"] = path.read_bytes()
    return found


PARTS = ["runs.parquet/part-000000.parquet", "timeseries.parquet/part-000000.parquet"]


@pytest.fixture
def reference(sweep, tmp_path) -> dict[str, bytes]:
    """The store of the sweep run on two workers, with the store's usual batching."""
    assert sweep(tmp_path / "reference", "--workers", "2") == 0
    return files(tmp_path / "reference")


def test_the_same_sweep_gives_the_same_bytes_however_its_parts_were_written(
    sweep, reference, part_per_run, tmp_path
):
    """Serially with a part after every run (six parts before compaction) and on two workers
    in completion order: one part each, byte for byte the same, sorted by run."""
    out = tmp_path / "serial"
    assert sweep(out, "--workers", "1") == 0
    assert sorted(files(out)) == PARTS
    assert files(out) == reference
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(zip(runs["point"], runs["replication"], strict=True)) == [
        (p, r) for p in range(2) for r in range(3)
    ]
    series = pd.read_parquet(out / "timeseries.parquet")
    keys = ["point", "replication", "week"]
    assert series[keys].equals(series[keys].sort_values(keys, ignore_index=True))


def _stop_after_staging_series(monkeypatch: pytest.MonkeyPatch) -> None:
    stage = SweepStore._stage

    def staged(self: SweepStore, directory: Path, frame: pd.DataFrame, name: str) -> None:
        if name == "runs.parquet":
            raise KeyboardInterrupt
        stage(self, directory, frame, name)

    monkeypatch.setattr(SweepStore, "_stage", staged)


def _stop_before_putting_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    def stopped(self: SweepStore) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(SweepStore, "_put_compacted", stopped)


def _stop_with_the_old_runs_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The series in place, the runs' parts deleted, their compacted table not yet renamed."""
    replace = Path.replace

    def stopped(self: Path, target: Any) -> Path:
        if self.name == COMPACTED and self.parent.name == "runs.parquet":
            raise KeyboardInterrupt
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", stopped)


@pytest.mark.parametrize(
    "stop",
    [_stop_after_staging_series, _stop_before_putting_in_place, _stop_with_the_old_runs_removed],
)
def test_a_stop_during_compaction_is_finished_by_resume(
    stop, sweep, reference, part_per_run, tmp_path, monkeypatch
):
    """Whenever the stop comes, every run is kept: resuming runs none again and leaves the
    store as the uninterrupted sweep's."""
    out = tmp_path / "stopped"
    with monkeypatch.context() as patched:
        stop(patched)
        assert sweep(out, "--workers", "1") == 130
    assert files(out) != reference  # stopped part-way: not yet compacted

    def no_run(*_: Any, **__: Any) -> None:
        raise AssertionError("every run was already stored")

    monkeypatch.setattr(relsim.sweep.executors, "run_one", no_run)  # a rerun would fail
    assert sweep(out, "--workers", "1", "--resume") == 0
    assert files(out) == reference


def test_force_replaces_a_sweep_stopped_while_compacting(
    sweep, reference, part_per_run, tmp_path, monkeypatch
):
    out = tmp_path / "stopped"
    with monkeypatch.context() as patched:
        _stop_before_putting_in_place(patched)
        assert sweep(out, "--workers", "1") == 130
    assert (out / "runs.parquet" / COMPACTED).is_file()
    assert sweep(out, "--workers", "1", "--force") == 0
    assert files(out) == reference


def test_the_published_stores_are_compacted() -> None:
    """Every sweep store published under docs/ is as a finished sweep leaves it: one part,
    sorted by run (so that regenerating a study rewrites only what changed)."""
    root = Path(__file__).resolve().parent.parent / "docs"
    stores = sorted(root.rglob("runs.parquet"))
    assert stores
    for runs in stores:
        assert [p.name for p in runs.iterdir()] == ["part-000000.parquet"], runs
        keys = pd.read_parquet(runs, columns=["point", "replication"])
        assert keys.equals(keys.sort_values(["point", "replication"], ignore_index=True)), runs


def test_weekly_series_removed_by_hand_are_made_again_by_resume(sweep, reference, tmp_path, capsys):
    """Resuming a sweep kept with --timeseries finishes it, series included: runs whose weekly
    series are gone are run again (and the note says how many), and the store ends as the
    uninterrupted sweep's."""
    import shutil

    out = tmp_path / "lost"
    assert sweep(out, "--workers", "1") == 0
    shutil.rmtree(out / "timeseries.parquet")
    capsys.readouterr()
    assert sweep(out, "--workers", "1", "--resume") == 0
    assert "6 finished runs have no weekly series" in capsys.readouterr().err
    assert files(out) == reference


# Twelve runs, three points of four replications, in the order a parallel sweep might finish
# them: no part holds a point whole, and later parts hold earlier runs.
FINISHED = [(2, 1), (0, 3), (1, 0), (2, 3), (0, 0), (1, 2), (2, 0), (0, 2), (1, 3), (1, 1)]
FINISHED += [(0, 1), (2, 2)]
WEEKS = 5


def _series(point: int, replication: int) -> pd.DataFrame:
    """A run's weekly series, with columns of each kind a sweep's has."""
    weeks = range(1, WEEKS + 1)
    return pd.DataFrame(
        {
            "point": point,
            "replication": replication,
            "week": weeks,
            "measured": [week > 2 for week in weeks],
            "citizens": [100 * point + replication + week for week in weeks],
            "mean_need": [point + replication / 10 + week / 100 for week in weeks],
        }
    )


def _stored_out_of_order(directory: Path) -> SweepStore:
    """A store holding FINISHED, four runs a part; the second part's series were written
    without their `citizens` column, so the whole table has empty cells there (read as floats)
    which no chunk without that part's runs has."""
    store = SweepStore(directory)
    store.runs_dir.mkdir()
    store.series_dir.mkdir()
    for index, (point, replication) in enumerate(FINISHED):
        row = {"point": point, "replication": replication, "seed": index, "status": "ok"}
        series = _series(point, replication)
        if 4 <= index < 8:
            series = series.drop(columns="citizens")
        store.add({**row, "error": ""}, every_rows=4, series=series)
    assert len(list(store.series_dir.glob("part-*.parquet"))) == 3
    return store


def test_the_series_compacted_a_chunk_at_a_time_are_the_whole_table_sorted(tmp_path, monkeypatch):
    """Compacted three runs at a time, the weekly series are what one read of every part,
    sorted by run and week, gives: the same rows in the same order, of the same types."""
    monkeypatch.setattr(relsim.sweep.series_chunks, "SERIES_CHUNK_RUNS", 3)
    store = _stored_out_of_order(tmp_path)
    keys = ["point", "replication", "week"]
    whole = pd.read_parquet(store.series_dir).sort_values(keys, kind="stable", ignore_index=True)
    assert whole["citizens"].isna().sum() == 4 * WEEKS  # the part without them
    store.compact()
    (part,) = store.series_dir.iterdir()
    assert part.name == "part-000000.parquet"
    assert pq.ParquetFile(part).metadata.num_row_groups == 4  # one for each chunk
    compacted = pd.read_parquet(store.series_dir)
    assert compacted.equals(whole)
    assert compacted.dtypes.equals(whole.dtypes)
    runs = pd.read_parquet(store.runs_dir)
    assert list(zip(runs["point"], runs["replication"], strict=True)) == sorted(FINISHED)


def test_compacting_the_series_never_reads_more_than_a_chunk_of_runs(tmp_path, monkeypatch):
    """Two runs at a time, no read of the weekly series returns the rows of a third run, and
    the reads together return each row once: memory is bounded by the chunk, whatever the
    number of runs."""
    monkeypatch.setattr(relsim.sweep.series_chunks, "SERIES_CHUNK_RUNS", 2)
    store = _stored_out_of_order(tmp_path)
    read = pd.read_parquet
    runs_read: list[int] = []
    rows_read = 0

    def spied(path: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        nonlocal rows_read
        frame = read(path, *args, **kwargs)
        if Path(path) == store.series_dir:
            runs_read.append(len(frame.drop_duplicates(["point", "replication"])))
            rows_read += len(frame)
        return frame

    with monkeypatch.context() as patched:
        patched.setattr(pd, "read_parquet", spied)
        store.compact()
    assert runs_read == [2] * 6
    assert rows_read == len(FINISHED) * WEEKS
    assert len(pd.read_parquet(store.series_dir)) == len(FINISHED) * WEEKS
