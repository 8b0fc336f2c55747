"""Every run checks its own steady state (relsim.warmup.run_check), a sweep keeps the check in
each run's row and its summary reads it over a point's runs: a district measured from a cold
start shows as unsettled."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from relsim.config import load_scenario
from relsim.runner import run_one
from relsim.warmup import mser5
from tests.cli_helpers import relsim_main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SMALL = ["population.citizens=1000", "workforce.workers=2"]


def test_a_runs_check_is_read_from_its_own_weekly_crisis_rate_and_population() -> None:
    """The check a run reports is read from its weekly series: the MSER-5 truncation point of
    the crisis rate per citizen, all weeks; the change in that rate (crises over citizen-weeks)
    and in the citizens present from the first to the second half of the measured weeks."""
    scenario = load_scenario(BASELINE, sets=[*SMALL, "time.weeks=60", "time.warmup_weeks=20"])
    result = run_one(scenario, scenario.seed, 1, timeseries=True)
    assert result.timeseries is not None
    crises = result.timeseries.sort_values("week")
    assert len(crises) == 80
    rate = (crises["crises"] / crises["citizens"]).to_numpy()
    assert result.steady["settling_weeks"] == mser5(rate)
    measured = crises[crises["measured"]]
    assert len(measured) == 60
    first, second = measured.iloc[:30], measured.iloc[30:]
    rate_change = (second["crises"].sum() / second["citizens"].sum()) / (
        first["crises"].sum() / first["citizens"].sum()
    ) - 1
    assert np.isclose(result.steady["crisis_rate_drift"], rate_change, rtol=1e-12)
    population_change = second["citizens"].mean() / first["citizens"].mean() - 1
    assert np.isclose(result.steady["population_drift"], population_change, rtol=1e-12)
    assert population_change != 0  # the two are different things here


def test_a_sweep_shows_a_point_measured_from_a_cold_start_as_unsettled(tmp_path: Path) -> None:
    """Measured from week 1 (no warm-up) the district is still filling: the weekly crisis rate
    per citizen rises between the halves of the measured period, clearly over six runs, and
    the runs' median truncation point lies beyond the warm-up. With the usual two-year warm-up
    the drift is smaller."""
    sets = [arg for value in SMALL for arg in ("--set", value)]
    out = tmp_path / "sweep"
    assert relsim_main(
        "sweep", BASELINE, *sets, "--grid", "time.warmup_weeks=0,104", "--reps", "6",
        "--workers", "1", "--out", out,
    ) == 0  # fmt: skip
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["settling_weeks"].notna().all() and runs["crisis_rate_drift"].notna().all()
    assert relsim_main("sweep-summary", out) == 0
    summary = pd.read_csv(out / "summary.csv").set_index("time.warmup_weeks")
    cold, warmed = summary.loc[0], summary.loc[104]
    assert runs["population_drift"].notna().all()
    assert cold["crisis_rate_drift_ci95_low"] > 0
    assert cold["settling_weeks_median"] > 0
    assert abs(warmed["crisis_rate_drift_mean"]) < cold["crisis_rate_drift_mean"] / 2


def test_an_empty_district_or_a_one_week_horizon_has_no_drift_and_no_warning() -> None:
    """With nobody present, or a measured period too short to halve, the drifts are not a number,
    and no division by zero warns on stderr (a valid scenario prints one line per problem)."""
    import math
    import warnings

    from relsim.warmup import drift, run_check

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = run_check([0.0] * 30, [0.0] * 30, warmup_weeks=10)
        assert math.isnan(empty["crisis_rate_drift"]) and math.isnan(empty["population_drift"])
        one_week = pd.DataFrame(
            {"week": [1], "measured": [True], "crises": [3.0], "mean_need": [0.2],
             "citizens": [100.0]}
        )  # fmt: skip
        drifts = drift(one_week, ("crises", "mean_need"))
        assert set(drifts) == {"crises", "mean_need", "crisis_rate"}
        assert all(math.isnan(v) for v in drifts.values())


def test_the_readme_says_what_the_demo_warns_of_its_steady_state(capsys) -> None:
    """./dev.sh demo ends with a warning that the liberated district had not settled: the
    README prepares a new user for it, with the demo's own numbers."""
    import json
    import re

    status = relsim_main(
        "compare", BASELINE, ROOT / "scenarios" / "liberated.yaml", "--ensemble", 10, "--json"
    )
    assert status == 0
    warned = json.loads(capsys.readouterr().out)["warnings"]
    unsettled = [w for w in warned if "had not settled" in w]
    assert [w.split(":")[0] for w in unsettled] == ["liberated"]
    week = re.search(r"end of the transient at week (\d+)", unsettled[0]).group(1)
    change = re.search(r"crisis rate is (\d+\.\d)% lower", unsettled[0]).group(1)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    told = re.search(r"It ends with a warning that the liberated district had not settled.*?"
                     r"by about ([\d.]+) %.*?at about week (\d+)", readme)  # fmt: skip
    assert told is not None, "the README no longer says what the demo warns of"
    assert told.groups() == (change, week)


def test_a_sweep_run_too_short_to_check_has_no_settling_point(tmp_path: Path) -> None:
    """Under 20 weeks MSER-5 has fewer than four batches and gave 0, so a short sweep's runs
    read as settled from their first week: run and compare say the check was not made, and a
    sweep's rows now do too."""
    from relsim.warmup import run_check

    assert math.isnan(run_check([1.0] * 19, [100.0] * 19, warmup_weeks=0)["settling_weeks"])
    assert run_check([1.0] * 20, [100.0] * 20, warmup_weeks=0)["settling_weeks"] == 0.0
    out = tmp_path / "short"
    args = ("sweep", BASELINE, "--grid", "time.weeks=10,30", "--reps", 2, "--out", out)
    sets = [arg for value in SMALL for arg in ("--set", value)]
    assert relsim_main(*args, "--set", "time.warmup_weeks=5", *sets, "--workers", 1) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    short = runs[runs["time.weeks"] == 10]
    assert short["settling_weeks"].isna().all() and runs["settling_weeks"].notna().sum() == 2
    assert relsim_main("sweep-summary", out) == 0
    summary = pd.read_csv(out / "summary.csv").set_index("time.weeks")
    assert np.isnan(summary.loc[10, "settling_weeks_median"])
    assert summary.loc[30, "settling_weeks_median"] >= 0
