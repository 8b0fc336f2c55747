"""The benchmarks still run against today's model: each script at a tiny size, in its own
process as a user runs it. They time nothing here (speed targets live in benchmarks/README.md);
they check that a change of the model's interfaces, phases or streams has been carried into
the benchmarks, which the type checker alone does not catch (a phase renamed, a draw added)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from relsim.model import CareModel

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(script: str, *args: str) -> list[dict]:
    """The JSON objects the script prints (one a line, or one indented object)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = done.stdout.strip()
    if text.startswith("{\n"):
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_the_physical_limit_reference_does_the_weeks_work():
    (result,) = run_benchmark("physical_limit.py", "--citizens", "300", "--weeks", "5")
    assert result["citizen_weeks_per_second"] > 0


def test_throughput_measures_relsim_and_every_reference():
    rows = run_benchmark(
        "throughput.py", "--sizes", "300", "--weeks", "5", "--repeats", "1", "--json"
    )
    measured = {row["what"]: row for row in rows}
    assert set(measured) == {
        "mesa loop",
        "physical limit",
        "relsim assess_do_refer",
        "relsim liberated",
    }
    assert all(row["units_per_second"] > 0 and row["citizens"] == 300 for row in rows)


def test_phase_costs_times_the_models_own_phases():
    results = run_benchmark("phase_costs.py", "--sizes", "300", "600", "--weeks", "5")
    assert {r["care_model"] for r in results} == {"assess_do_refer", "liberated"}
    for result in results:
        phases = set(result["fixed_ms_per_week"])
        assert phases >= {"need_dynamics", "crises", "care", "record"}, phases
        assert all(callable(getattr(CareModel, phase, None)) for phase in phases), phases


@pytest.mark.parametrize(
    ("script", "args", "key"),
    [
        ("stacking_bound.py", ("--sizes", "300", "600", "--weeks", "5"), "bound_over_mesa"),
        ("horizon_cost.py", ("--citizens", "300", "--repeats", "1"), "ratio"),
        ("keyed_draws.py", ("--present", "300", "--weeks", "5"), "keyed_ms"),
        ("draw_keys.py", ("--runs", "300x5", "--repeats", "1"), "ratio"),
        ("memory_reps.py", ("--citizens", "300", "--weeks", "5", "--reps", "1", "2"), "peak_mb"),
    ],
    ids=["stacking_bound", "horizon_cost", "keyed_draws", "draw_keys", "memory_reps"],
)
def test_each_benchmark_runs_at_a_tiny_size(script, args, key):
    """Each reports its measure as a number; its sign is not checked, because at a tiny size on
    a busy machine a difference of timings (the stacking bound's marginal cost) can come out
    negative."""
    results = run_benchmark(script, *args)
    assert results and all(math.isfinite(result[key]) for result in results), results


TINY_DISTRICT = ("--set", "population.citizens=200", "--set", "time.weeks=5")
TINY_DISTRICT += ("--set", "time.warmup_weeks=1", "--set", "workforce.workers=2")


def test_the_sweep_estimate_fits_its_line():
    (result,) = run_benchmark(
        "sweep_estimate.py", "--reps", "1", "2", "--repeats", "1", *TINY_DISTRICT
    )
    assert set(result["runs"]) == {"8", "16"}
    assert all(t > 0 for times in result["all_seconds"].values() for t in times)
    assert "estimate_1000_runs_minutes" in result  # a tiny sweep's line may slope either way


def test_the_sweep_efficiency_compares_one_worker_with_two():
    (result,) = run_benchmark("sweep_efficiency.py", "--reps", "1", *TINY_DISTRICT)
    assert result["runs"] == 8 and result["seconds_1_worker"] > 0
    assert result["seconds_2_workers"] > 0


@pytest.mark.parametrize("scenario", ["baseline", "liberated"])
def test_the_stacked_citizen_side_gives_each_replication_its_own_results(scenario):
    """The prototype's timing means something only if stacking changes nothing: each of three
    replications stacked has exactly the metrics it has run alone, arrivals, compaction and a
    warm-up included."""
    sets = ("--set", "population.citizens=300", "--set", "time.weeks=40")
    (result,) = run_benchmark(
        "stacking_citizen_side.py", "--scenario", scenario, "--reps", "3", "--repeats", "1", *sets
    )
    assert result["identical"] is True and result["replications"] == 3
