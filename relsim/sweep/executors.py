"""Where sweep runs execute: a local process pool here, or a Dask cluster (dask_executor).

Each run is a pure function of (resolved configuration, seed, replication), so both executors
give identical results for the same seeds. A run that raises becomes a failed row, not a crash.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relsim.config import Scenario
from relsim.metrics import METRIC_NAMES
from relsim.pools import pool_for
from relsim.runner import run_one
from relsim.warmup import RUN_CHECK

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Task:
    point: int
    replication: int
    seed: int
    scenario: dict[str, Any]
    values: dict[str, Any]
    timeseries: bool = False


#: a failed run's steady-state check: nothing to check
UNCHECKED = dict.fromkeys(RUN_CHECK, math.nan)

# A run's row of the results table, and its weekly time series when the sweep keeps them.
Outcome = tuple[dict[str, Any], "pd.DataFrame | None"]


def execute(task: Task) -> Outcome:
    """One run of a sweep, as a row of the results table (and its weekly series)."""
    row: dict[str, Any] = {
        "point": task.point,
        "replication": task.replication,
        "seed": task.seed,
        "status": "ok",
        "error": "",
        **task.values,
    }
    series = None
    try:
        scenario = Scenario.model_validate(task.scenario)
        result = run_one(scenario, task.seed, task.replication, timeseries=task.timeseries)
        metrics, steady = result.metrics, result.steady
        if result.timeseries is not None:
            series = result.timeseries
            series.insert(0, "point", task.point)
    except Exception as exc:  # a failed run is recorded, the sweep goes on
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}{where}")
        metrics, steady = {}, UNCHECKED
    for name in METRIC_NAMES:
        value = metrics.get(name, math.nan)
        row[name] = float(value) if value is not None else math.nan
    row.update(steady)
    return row, series


def run_local(
    tasks: Iterable[Any], workers: int, function: Callable[[Any], Outcome] = execute
) -> Iterator[Outcome]:
    """Rows in completion order; at most 2 x workers runs in flight, so memory stays flat.
    `function` runs one task (a top-level function, so that a process pool can send it)."""
    tasks = iter(tasks)
    if workers <= 1:
        for task in tasks:
            yield function(task)
        return
    with pool_for(workers) as pool:
        yield from _bounded(pool.submit, tasks, 2 * workers, function)


def take(tasks: Iterator[Any], count: int) -> list[Any]:
    taken = []
    for task in tasks:
        taken.append(task)
        if len(taken) >= count:
            break
    return taken


def _bounded(
    submit: Callable[..., Future],
    tasks: Iterator[Any],
    limit: int,
    function: Callable[[Any], Outcome] = execute,
) -> Iterator[Outcome]:
    pending = {submit(function, task) for task in take(tasks, limit)}
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()
            pending |= {submit(function, task) for task in take(tasks, 1)}
