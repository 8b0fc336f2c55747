"""`relsim sweep --timeseries`: every run's weekly series kept beside its row, resumed with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from relsim.bundled import resolve
from relsim.config import load_scenario
from relsim.runner import run_one, simulate
from tests.cli_helpers import relsim_main

TINY = (
    "--set", "population.citizens=200", "--set", "time.weeks=10", "--set", "time.warmup_weeks=2",
    "--grid", "continuity=0.2,0.8", "--reps", "2", "--workers", "1", "--seed", "4",
)  # fmt: skip
WEEKS = 12  # warm-up plus horizon


def test_weekly_series_are_kept_per_run_and_resumed(tmp_path, capsys):
    out = tmp_path / "weekly"
    assert relsim_main("sweep", "baseline", *TINY, "--timeseries", "--out", out) == 0
    weekly = pd.read_parquet(out / "timeseries.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(weekly) == len(runs) * WEEKS
    assert weekly.groupby(["point", "replication"]).size().eq(WEEKS).all()
    # The series is the run's own: its crises add up as `relsim run` would count them.
    assert {"point", "replication", "week", "crises"} <= set(weekly.columns)

    # Interrupted after one part: the series written for runs whose rows were not are dropped
    # on resume, and the finished store is the same.
    partial = tmp_path / "partial"
    shutil.copytree(out, partial)
    for part in (partial / "runs.parquet").glob("part-*.parquet"):
        part.unlink()
    assert relsim_main("sweep", "baseline", *TINY, "--timeseries", "--out", partial,
                       "--resume") == 0  # fmt: skip
    again = pd.read_parquet(partial / "timeseries.parquet")
    key = ["point", "replication", "week"]
    pd.testing.assert_frame_equal(
        again.sort_values(key).reset_index(drop=True),
        weekly.sort_values(key).reset_index(drop=True),
    )

    # A sweep resumes only the way it was started.
    capsys.readouterr()
    assert relsim_main("sweep", "baseline", *TINY, "--out", out, "--resume") == 2
    assert "--timeseries" in capsys.readouterr().err


def test_without_the_option_no_series_are_kept(tmp_path: Path):
    out = tmp_path / "plain"
    assert relsim_main("sweep", "baseline", *TINY, "--out", out) == 0
    assert not (out / "timeseries.parquet").exists()
    # The runs' metrics are those of a sweep that keeps its series.
    kept = tmp_path / "kept"
    assert relsim_main("sweep", "baseline", *TINY, "--timeseries", "--out", kept) == 0
    key = ["point", "replication"]
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "runs.parquet").sort_values(key).reset_index(drop=True),
        pd.read_parquet(kept / "runs.parquet").sort_values(key).reset_index(drop=True),
    )


def test_a_run_that_keeps_no_series_builds_none_and_counts_the_same() -> None:
    scenario = load_scenario(
        resolve("scenarios", "baseline"),
        ["population.citizens=300", "time.weeks=20", "time.warmup_weeks=4"],
    )
    model = simulate(scenario, seed=5, replication=1, timeseries=False)
    assert len(model.series) == 0
    assert model.latest == {}
    plain = run_one(scenario, seed=5, replication=1, timeseries=False)
    kept = run_one(scenario, seed=5, replication=1)
    assert plain.timeseries is None
    assert kept.timeseries is not None and len(kept.timeseries) == 24
    assert pd.Series(plain.metrics).equals(pd.Series(kept.metrics))
