"""Reading a sweep's weekly series sorted by run a chunk of runs at a time, for compaction: the
series are the bulk of a sweep kept with --timeseries (gigabytes for thousands of runs), and
read whole they would have to fit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from relsim.config import ScenarioError
from relsim.config.errors import printable

# The weekly series are compacted this many runs at a time, so that the memory it takes is
# bounded by a chunk, not by the sweep. A run's series of a few hundred weeks of some fifty
# columns is about 0.1 MB, so a chunk is some tens of MB however many thousand runs there are.
# Smaller chunks save little more: each is one more read over the parts (their statistics
# rule out most row groups, but a part holding runs of two chunks is read for both).
SERIES_CHUNK_RUNS = 256


def sorted_series(directory: Path, keys: list[str]) -> Iterator[pd.DataFrame]:
    """The weekly series of a parts directory as `pandas.read_parquet` reads it whole, sorted by
    `keys` (point, replication, week), in chunks of `SERIES_CHUNK_RUNS` runs. The runs are taken
    in order, so the chunks one after the other are the whole table sorted (a run's rows keep the
    order they were read in, as a stable sort of the whole table keeps them)."""
    runs, widened = _series_runs(directory, keys[0], keys[1])
    if not runs:  # parts without rows: the empty table, as a read of them all gives it
        yield pd.read_parquet(directory)
        return
    for start in range(0, len(runs), SERIES_CHUNK_RUNS):
        chunk = runs[start : start + SERIES_CHUNK_RUNS]
        frame = pd.read_parquet(directory, filters=_runs_between(keys, chunk[0], chunk[-1]))
        frame = frame.astype(widened)
        yield frame.sort_values(keys, kind="stable", ignore_index=True)


def _series_runs(
    directory: Path, point: str, replication: str
) -> tuple[list[tuple[int, int]], dict[str, str]]:
    """The (point, replication) pairs the series in `directory` hold, sorted, read a batch at a
    time from the columns needed only; and the dtypes that columns whose pandas type depends on
    their holding an empty cell (integers become floats, booleans objects) take in the whole
    table, where a chunk without one would keep the narrower type."""
    # The parts as `pandas.read_parquet` reads them: the first part's schema, the others cast.
    dataset = ds.dataset(directory, format="parquet")
    widen = {
        field.name: "float64" if pa.types.is_integer(field.type) else "object"
        for field in dataset.schema
        if pa.types.is_integer(field.type) or pa.types.is_boolean(field.type)
    }
    runs: set[tuple[int, int]] = set()
    widened: dict[str, str] = {}
    for batch in dataset.to_batches(columns=sorted({point, replication, *widen})):
        if batch.column(point).null_count or batch.column(replication).null_count:
            raise ScenarioError(
                f"{printable(str(directory))}: weekly series without a point or replication"
            )
        pairs = pa.table([batch.column(point), batch.column(replication)], [point, replication])
        distinct = pairs.group_by([point, replication]).aggregate([])
        runs.update(
            zip(*(distinct.column(k).to_pylist() for k in (point, replication)), strict=True)
        )
        widened.update(
            {name: dtype for name, dtype in widen.items() if batch.column(name).null_count}
        )
    return sorted(runs), widened


def _runs_between(keys: list[str], first: tuple[int, int], last: tuple[int, int]) -> ds.Expression:
    """The rows of the runs from `first` to `last` (point, replication) inclusive, in the order
    of runs. The parts' statistics let a read skip the row groups holding none of them."""
    point, replication = (ds.field(key) for key in keys[:2])
    from_first = (point > first[0]) | ((point == first[0]) & (replication >= first[1]))
    to_last = (point < last[0]) | ((point == last[0]) & (replication <= last[1]))
    return from_first & to_last
