"""Where sweep runs execute: a local process pool, or an existing Dask distributed scheduler.

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
from relsim.runner import process_pool, run_one, stop_now

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
        result = run_one(scenario, task.seed, task.replication)
        metrics = result.metrics
        if task.timeseries:
            series = result.timeseries
            series.insert(0, "point", task.point)
    except Exception as exc:  # a failed run is recorded, the sweep goes on
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}{where}")
        metrics = {}
    for name in METRIC_NAMES:
        value = metrics.get(name, math.nan)
        row[name] = float(value) if value is not None else math.nan
    return row, series


def run_local(tasks: Iterable[Task], workers: int) -> Iterator[Outcome]:
    """Rows in completion order; at most 2 x workers runs in flight, so memory stays flat."""
    tasks = iter(tasks)
    if workers <= 1:
        for task in tasks:
            yield execute(task)
        return
    pool = process_pool(workers)
    try:
        yield from _bounded(pool.submit, tasks, 2 * workers)
    except BaseException:
        stop_now(pool)
        raise
    pool.shutdown(wait=True)


def run_dask(tasks: Iterable[Task], address: str) -> Iterator[Outcome]:
    """Rows from a Dask cluster whose scheduler listens at `address`."""
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "--dask needs the 'distributed' package: pip install 'relsim[cluster]'"
        ) from None
    with Client(address, timeout="30s") as client:
        _check_workers(client)
        workers = max(1, sum(client.ncores().values()))
        tasks = iter(tasks)
        in_flight = as_completed()
        for task in _take(tasks, 2 * workers):
            in_flight.add(client.submit(execute, task, pure=False))
        for future in in_flight:
            yield future.result()
            for task in _take(tasks, 1):
                in_flight.add(client.submit(execute, task, pure=False))


def check_dask(address: str) -> None:
    """Connect once before anything is written, so a wrong address or workerless cluster fails
    at once and leaves no empty results store behind."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "--dask needs the 'distributed' package: pip install 'relsim[cluster]'"
        ) from None
    try:
        client = Client(address, timeout="30s")
    except OSError as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    with client:
        _check_workers(client)


def _relsim_version() -> str:
    import relsim

    return relsim.__version__


def _check_workers(client: Any) -> None:
    """Fail with a clear message instead of waiting forever on workers that cannot run relsim."""
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        raise RuntimeError("the Dask scheduler has no workers (waited 60 s)") from None
    try:
        found = client.run(_relsim_version)
    except Exception as exc:
        raise RuntimeError(f"Dask workers cannot import relsim ({exc})") from None
    mine = _relsim_version()
    other = {version for version in found.values() if version != mine}
    if other:
        raise RuntimeError(f"Dask workers run relsim {', '.join(sorted(other))}, this is {mine}")


def _take(tasks: Iterator[Task], count: int) -> list[Task]:
    taken = []
    for task in tasks:
        taken.append(task)
        if len(taken) >= count:
            break
    return taken


def _bounded(submit: Callable[..., Future], tasks: Iterator[Task], limit: int) -> Iterator[Outcome]:
    pending = {submit(execute, task) for task in _take(tasks, limit)}
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()
            pending |= {submit(execute, task) for task in _take(tasks, 1)}
