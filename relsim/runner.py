"""Running the model: one run is a pure function of (configuration, seed, replication);
replications run serially or in a process pool and give the same results either way."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from relsim.blas import one_blas_thread
from relsim.config import Scenario, scenario_dict
from relsim.heap import collector_skips_older_objects, release_free_memory
from relsim.metrics import compute_metrics
from relsim.model import CareModel
from relsim.pools import pool_for
from relsim.warmup import run_check


@dataclass
class RunResult:
    replication: int
    seed: int
    metrics: dict[str, float]
    timeseries: pd.DataFrame | None
    journeys: pd.DataFrame | None = field(default=None, repr=False)
    #: the run's own steady-state check (relsim.warmup.run_check)
    steady: dict[str, float] = field(default_factory=dict)


def simulate(
    scenario: Scenario,
    seed: int,
    replication: int,
    journeys: bool = True,
    timeseries: bool = True,
) -> CareModel:
    """Build and run a model to the end of its horizon."""
    model = CareModel(
        scenario,
        replication=replication,
        seed=seed,
        record_journeys=journeys,
        record_series=timeseries,
    )
    with one_blas_thread():
        for _ in range(model.final_week):
            model.step()
    return model


def run_one(
    scenario: Scenario,
    seed: int,
    replication: int = 0,
    journeys: bool = False,
    timeseries: bool = True,
) -> RunResult:
    """One replication. Without `timeseries` the weekly series is not built (a sweep that
    keeps only each run's metrics saves that time) and the result's `timeseries` is None."""
    with collector_skips_older_objects():
        return _run_and_free(scenario, seed, replication, journeys, timeseries)


def _run_and_free(
    scenario: Scenario, seed: int, replication: int, journeys: bool, timeseries: bool
) -> RunResult:
    model = simulate(scenario, seed, replication, journeys, timeseries)
    series = _series_frame(model, scenario, replication) if timeseries else None
    metrics = compute_metrics(model)
    tally = model.tally
    steady = run_check(tally.crises_by_week, tally.citizens_by_week, scenario.time.warmup_weeks)
    events = model.journeys if journeys else None
    # A finished model and its agents refer to each other, so only the cycle collector frees
    # them: free them now, before its journeys become a table, or the table is built beside
    # the model's state (and the next replication runs beside this one's).
    del model
    gc.collect()
    release_free_memory()
    journey_frame = None
    if events is not None:
        journey_frame = events.frame(scenario.needs.domains, release=True)
        del events
        release_free_memory()  # the events, now in the table
        journey_frame.insert(0, "replication", replication)
    return RunResult(replication, seed, metrics, series, journey_frame, steady)


def _series_frame(model: CareModel, scenario: Scenario, replication: int) -> pd.DataFrame:
    frame = pd.DataFrame(model.series.columns)
    frame["week"] = frame["week"].astype(int)
    frame.insert(1, "measured", frame["week"] > scenario.time.warmup_weeks)
    frame.insert(0, "replication", replication)
    return frame


def _run_task(task: tuple[dict[str, Any], int, int, bool]) -> RunResult:
    data, seed, replication, journeys = task
    return run_one(Scenario.model_validate(data), seed, replication, journeys)


def run_replications(
    scenario: Scenario,
    reps: int,
    seed: int,
    workers: int = 1,
    journeys: bool = False,
    on_done: Callable[[], None] | None = None,
    on_result: Callable[[RunResult], None] | None = None,
    variant: Callable[[Scenario, int], Scenario] | None = None,
) -> list[RunResult]:
    """Replications 0..reps-1 with `seed`; results in replication order whatever the pool does.

    `variant(scenario, r)`, if given, is replication r's scenario (a parameter set of the
    calibrated ensemble, say), else every replication runs `scenario`. `on_result` sees each
    result in replication order as soon as it and those before it are done, before it is kept:
    it may write the journeys to disk and drop them, so that memory does not grow with the
    number of replications.
    """
    data = scenario_dict(scenario)
    tasks = [
        (data if variant is None else scenario_dict(variant(scenario, r)), seed, r, journeys)
        for r in range(reps)
    ]
    results: list[RunResult] = []

    def keep(result: RunResult) -> None:
        if on_result:
            on_result(result)
        results.append(result)
        if on_done:
            on_done()

    if workers <= 1 or reps <= 1:
        for task in tasks:
            keep(_run_task(task))
        return results
    # workers start as tasks need them, so never more of them than replications
    with pool_for(workers) as pool:
        for result in pool.map(_run_task, tasks):
            keep(result)
    return results
