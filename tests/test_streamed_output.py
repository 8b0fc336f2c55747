"""Journeys written replication by replication: the same file as all of them concatenated,
without holding them all in memory."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relsim import parquet_parts
from relsim.bundled import resolve
from relsim.config import load_scenario
from relsim.parquet_parts import ParquetParts
from relsim.records import EVENT_KINDS, NO_ID, Journeys
from relsim.run_results import run_scenario
from relsim.runner import run_one
from tests.conftest import CLI_SMALL_SETS

SMALL = [value for flag, value in zip(CLI_SMALL_SETS[::2], CLI_SMALL_SETS[1::2], strict=True)]


def _part(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week": rng.integers(0, 300, rows).astype(np.int32),
            "kind": pd.Categorical.from_codes(rng.integers(0, 3, rows), categories=["a", "b", "c"]),
            "detail": rng.random(rows),
        }
    )


@pytest.mark.parametrize("sizes", [[10, 20], [0], [0, 5], [7, 0, 30, 16], [16, 16]])
def test_parts_make_the_file_of_their_concatenation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sizes: list[int]
) -> None:
    monkeypatch.setattr(parquet_parts, "ROW_GROUP_ROWS", 16)  # several row groups, quickly
    rng = np.random.default_rng(1)
    parts = [_part(rng, rows) for rows in sizes]
    whole = pd.concat(parts, ignore_index=True)
    whole.to_parquet(tmp_path / "whole.parquet", index=False, row_group_size=16)
    writer = ParquetParts(tmp_path / "parts.parquet")
    for part in parts:
        writer.append(part)
    writer.close()
    assert (tmp_path / "parts.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    assert writer.rows == len(whole)


def test_parts_of_other_types_are_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    writer = ParquetParts(tmp_path / "parts.parquet")
    writer.append(_part(rng, 5))
    with pytest.raises(ValueError, match="differ"):
        writer.append(_part(rng, 5).astype({"week": np.int64}))


def test_rows_waiting_for_a_row_group_do_not_keep_their_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrow shares a frame's numeric columns; the rows left waiting after a part must not hold
    on to the whole part (a replication's journeys) until the next one arrives."""
    monkeypatch.setattr(parquet_parts, "ROW_GROUP_ROWS", 16)
    column = np.arange(40, dtype=np.int64)
    gone = weakref.ref(column)
    part = pd.DataFrame({"citizen": column}, copy=False)
    del column
    writer = ParquetParts(tmp_path / "parts.parquet")
    writer.append(part)  # two row groups written, 8 rows waiting
    del part
    gc.collect()
    assert gone() is None, "the waiting rows keep the whole part in memory"
    writer.append(pd.DataFrame({"citizen": np.arange(40, 48, dtype=np.int64)}))
    writer.close()
    assert pd.read_parquet(tmp_path / "parts.parquet")["citizen"].tolist() == list(range(48))


def test_journeys_table_is_one_row_per_event_whatever_was_given_per_call() -> None:
    domains = ("housing", "money")
    journeys = Journeys()
    journeys.log(3, np.array([5, 6, 7]), "assessed", worker=np.array([1, 2, 3]))
    journeys.log(3, np.array([8], dtype=np.int32), "referred", service=1, detail=2.5)
    journeys.log(4, np.array([], dtype=np.int64), "held")  # nothing happened
    journeys.log(4, np.array([5, 9]), "budget_spent", service=np.array([0]), detail=[1.0, 2.0])
    journeys.log(5, np.array([6, 5]), "held", worker=np.int32(4), service=np.array([-1, 0]))
    rows = [
        (3, 5, "assessed", 1, "", 0.0),
        (3, 6, "assessed", 2, "", 0.0),
        (3, 7, "assessed", 3, "", 0.0),
        (3, 8, "referred", NO_ID, "money", 2.5),
        (4, 5, "budget_spent", NO_ID, "housing", 1.0),
        (4, 9, "budget_spent", NO_ID, "housing", 2.0),
        (5, 6, "held", 4, "", 0.0),
        (5, 5, "held", 4, "housing", 0.0),
    ]
    expected = pd.DataFrame(
        rows, columns=["week", "citizen", "kind", "worker", "service", "detail"]
    )
    expected = expected.astype(
        {
            "week": np.int32,
            "citizen": np.int64,
            "kind": pd.CategoricalDtype(EVENT_KINDS),
            "worker": np.int64,
            "service": pd.CategoricalDtype(["", "housing", "money"]),
            "detail": np.float64,
        }
    )
    kept = journeys.frame(domains)
    pd.testing.assert_frame_equal(kept, expected)
    pd.testing.assert_frame_equal(journeys.frame(domains, release=True), expected)
    assert journeys.frame(domains).empty  # handed over
    assert journeys.frame(domains).dtypes.equals(expected.dtypes)


@pytest.mark.parametrize("workers", [1, 2])
def test_run_journeys_file_is_the_concatenation_and_none_are_kept(
    tmp_path: Path, workers: int
) -> None:
    scenario = load_scenario(resolve("scenarios", "baseline"), SMALL)
    results = run_scenario(scenario, 3, 7, workers, tmp_path / "out")
    assert [r.journeys for r in results] == [None, None, None]
    expected = pd.concat(
        [run_one(scenario, 7, r, journeys=True).journeys for r in range(3)], ignore_index=True
    )
    expected.to_parquet(tmp_path / "expected.parquet", index=False)
    written = (tmp_path / "out" / "journeys.parquet").read_bytes()
    assert written == (tmp_path / "expected.parquet").read_bytes()
    assert pd.read_parquet(tmp_path / "out" / "journeys.parquet")["service"].dtype == "category"


def test_a_journey_keeps_what_was_logged_when_the_caller_changes_its_arrays() -> None:
    journeys = Journeys()
    rows, workers, detail = np.array([5, 6]), np.array([1, 2]), np.array([0.5, 1.5])
    journeys.log(3, rows, "assessed", worker=workers, detail=detail)
    rows[:], workers[:], detail[:] = 9, 9, 9.0  # the caller reuses its arrays
    table = journeys.frame(("housing",))
    assert table["citizen"].tolist() == [5, 6]
    assert table["worker"].tolist() == [1, 2]
    assert table["detail"].tolist() == [0.5, 1.5]


@pytest.mark.parametrize("frozen_by_caller", [False, True])
def test_a_finished_model_is_freed_by_the_run_and_the_collector_is_left_as_found(
    frozen_by_caller: bool,
) -> None:
    """run_one frees its model before it returns (a collection that skips older objects), and
    leaves the collector as it found it, objects a caller froze included."""
    from relsim.model import CareModel

    scenario = load_scenario(resolve("scenarios", "baseline"), SMALL)
    gc.collect()  # models other tests left for the collector are not this run's
    gc.disable()  # only run_one's own collection may free the model
    try:
        if frozen_by_caller:
            gc.freeze()
        run_one(scenario, seed=3, replication=0, journeys=True)
        alive = [o for o in gc.get_objects() if isinstance(o, CareModel)]
        still_frozen = gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    assert alive == []
    assert still_frozen == frozen_by_caller
