"""Journeys written replication by replication: the same file as all of them concatenated,
without holding them all in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relsim import parquet_parts
from relsim.bundled import resolve
from relsim.cli import _run
from relsim.config import load_scenario
from relsim.parquet_parts import ParquetParts
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


@pytest.mark.parametrize("workers", [1, 2])
def test_run_journeys_file_is_the_concatenation_and_none_are_kept(
    tmp_path: Path, workers: int
) -> None:
    scenario = load_scenario(resolve("scenarios", "baseline"), SMALL)
    results = _run(scenario, 3, 7, workers, tmp_path / "out")
    assert [r.journeys for r in results] == [None, None, None]
    expected = pd.concat(
        [run_one(scenario, 7, r, journeys=True).journeys for r in range(3)], ignore_index=True
    )
    expected.to_parquet(tmp_path / "expected.parquet", index=False)
    written = (tmp_path / "out" / "journeys.parquet").read_bytes()
    assert written == (tmp_path / "expected.parquet").read_bytes()
    assert pd.read_parquet(tmp_path / "out" / "journeys.parquet")["service"].dtype == "category"
