"""Every bundled scenario loads, runs (shortened) and yields finite contract metrics."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from relsim.config import load_scenario
from relsim.metrics import CONTRACT_METRICS, METRIC_NAMES, compute_metrics
from relsim.runner import simulate

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
SHORTEN = ("time.weeks=40", "time.warmup_weeks=10")


def test_scenarios_are_bundled() -> None:
    names = {p.name for p in BUNDLED}
    assert {"baseline.yaml", "liberated.yaml"} <= names


def test_contract_metrics_are_declared() -> None:
    assert len(CONTRACT_METRICS) == 16
    assert len(set(CONTRACT_METRICS)) == 16
    assert set(CONTRACT_METRICS) <= set(METRIC_NAMES)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_runs_with_finite_contract_metrics(path: Path) -> None:
    full = load_scenario(path)
    scenario = load_scenario(path, sets=SHORTEN)
    assert scenario.time.weeks == 40
    # the overrides shortened the run and changed nothing else
    assert scenario.model_copy(update={"time": full.time}) == full

    model = simulate(scenario, scenario.seed, 0, journeys=False)
    assert model.week == 50
    metrics = compute_metrics(model)
    assert set(metrics) == set(METRIC_NAMES)
    not_finite = []
    for name in CONTRACT_METRICS:
        value = metrics[name]
        if name == "mean_wait_weeks" and math.isnan(value) and model.tally["waits"] == 0:
            continue
        if not math.isfinite(value):
            not_finite.append(f"{name}={value}")
    assert not not_finite, f"{path.name}: contract metrics not finite: {not_finite}"
    # and they are not trivially empty: people lived in the district and had crises
    assert metrics["crisis_events_per_citizen_year"] > 0
    assert metrics["staff_cost_per_citizen_year"] > 0
    assert 0 <= metrics["mean_need"] <= 1 and 0 <= metrics["mean_trust"] <= 1
    assert 0 <= metrics["share_time_transactional"] <= 1


def test_liberated_with_assess_do_refer_fallback_runs() -> None:
    """The documented fallback: when every caseworker is at the cap, people go through an
    assess-do-refer front door staffed from the caseworkers' spare hours."""
    scenario = load_scenario(
        SCENARIOS / "liberated.yaml",
        sets=[*SHORTEN, "liberated.fallback=assess_do_refer", "workforce.workers=10"],
    )
    model = simulate(scenario, scenario.seed, 0, journeys=False)
    assert model.tally["assessments"] > 0, "nobody overflowed to the fallback front door"
    assert model.tally["sessions_delivered"] > 0
    assert math.isfinite(compute_metrics(model)["crisis_events_per_citizen_year"])
