"""Running the model: one run is a pure function of (configuration, seed, replication);
replications run serially or in a process pool and give the same results either way."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.forkserver
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from relsim.config import Scenario, scenario_dict
from relsim.metrics import compute_metrics
from relsim.model import CareModel
from relsim.signals import sigint_ignored, worker_start


@dataclass
class RunResult:
    replication: int
    seed: int
    metrics: dict[str, float]
    timeseries: pd.DataFrame
    journeys: pd.DataFrame | None = field(default=None, repr=False)


def simulate(scenario: Scenario, seed: int, replication: int, journeys: bool = True) -> CareModel:
    """Build and run a model to the end of its horizon."""
    model = CareModel(scenario, replication=replication, seed=seed, record_journeys=journeys)
    for _ in range(model.final_week):
        model.step()
    return model


def run_one(
    scenario: Scenario, seed: int, replication: int = 0, journeys: bool = False
) -> RunResult:
    model = simulate(scenario, seed, replication, journeys)
    timeseries = pd.DataFrame(model.series.columns)
    timeseries["week"] = timeseries["week"].astype(int)
    timeseries.insert(1, "measured", timeseries["week"] > scenario.time.warmup_weeks)
    timeseries.insert(0, "replication", replication)
    journey_frame = None
    if journeys:
        journey_frame = model.journeys.frame(scenario.needs.domains, release=True)
        journey_frame.insert(0, "replication", replication)
    result = RunResult(replication, seed, compute_metrics(model), timeseries, journey_frame)
    # A finished model and its agents refer to each other, so only the cycle collector frees
    # them: free them now, or the next replication runs beside this one's state.
    del model
    gc.collect()
    return result


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers start from a server process that has already imported relsim.

    Forking from a clean server avoids inheriting threads or state from the caller, and the
    preload saves each worker the import time of Mesa, pandas and SciPy. The server is started
    with Ctrl-C ignored, so that Ctrl-C while it (or a worker) is still starting up prints no
    traceback: the relsim process stops the pool itself. Workers end when the relsim process
    that started them ends, however it ends (relsim.signals.worker_start).
    """
    owner = os.getpid()
    if sys.platform == "win32":  # pragma: no cover
        return ProcessPoolExecutor(max_workers=workers, initializer=worker_start, initargs=(owner,))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["relsim.pool_server"])
    with sigint_ignored():
        multiprocessing.forkserver.ensure_running()
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=worker_start, initargs=(owner,)
    )


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
    pool = process_pool(min(workers, reps))
    try:
        for result in pool.map(_run_task, tasks):
            keep(result)
    except BaseException:
        stop_now(pool)
        raise
    pool.shutdown(wait=True)
    return results


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Interrupted (Ctrl-C, a dead worker): stop at once rather than let queued and running
    replications finish only to be thrown away."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
