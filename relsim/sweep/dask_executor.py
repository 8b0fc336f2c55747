"""Sweep runs on an existing Dask distributed cluster.

Each run is a pure function of (resolved configuration, seed, replication), so the cluster gives
the same rows as the local pool. Whatever goes wrong is one line, never Dask's own logging:

- a malformed `--dask` address is bad input (exit status 2), found before anything is written;
- an unreachable scheduler (or an address where something else answers, or nothing does), a
  cluster without workers that can import this relsim, a worker with other code or libraries
  (checked at the start, and again by every run, for workers that join later), a scheduler
  that goes away mid-sweep, or a cluster whose every worker has gone (for longer than
  RELSIM_DASK_NO_WORKERS_SECONDS, default 60) stop the sweep with exit status 1. Finished runs
  are kept, so the same command with --resume finishes the sweep, on the cluster or locally.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from relsim.config import ScenarioError
from relsim.config.errors import RunError, shown
from relsim.sweep.executors import Outcome, Task, execute, take

CONNECT_SECONDS = 30.0
NO_WORKERS_ENVIRONMENT = "RELSIM_DASK_NO_WORKERS_SECONDS"
POLL_SECONDS = 2.0
QUIET_LOGGERS = ("distributed", "tornado", "asyncio", "bokeh")


class DaskError(RunError):
    """The cluster failed the sweep (exit status 1); the message says what to do."""


class WorkerMismatchError(Exception):
    """Raised by a run on a worker whose code or libraries differ from the client's."""


def no_workers_seconds() -> float:
    """How long a cluster may have no workers before relsim gives up (default 60 s)."""
    try:
        seconds = float(os.environ.get(NO_WORKERS_ENVIRONMENT, 60))
    except ValueError:
        return 60.0
    return seconds if seconds > 0 else 60.0


def wait_timeout(seconds: float) -> float | None:
    """The timeout to wait for a worker: none at all for `inf` (wait as long as it takes),
    which the scheduler's own timers cannot take as a number."""
    return None if math.isinf(seconds) else seconds


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "--dask needs the 'distributed' package: pip install 'relsim[cluster]'"
        ) from None
    return distributed


def check_address(address: str) -> None:
    """A scheduler address such as tcp://HOST:8786, or ScenarioError (bad input)."""
    _distributed()
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    problem = f"--dask {shown(address)}: expected a scheduler address such as tcp://HOST:8786"
    try:
        scheme, location = parse_address(address, strict=True)
        if scheme not in backends:
            raise ValueError(scheme)
        if scheme != "inproc":
            host, port = parse_host_port(location)
            if not host or not 0 < int(port) < 65536:
                raise ValueError(location)
    except (ValueError, TypeError):
        raise ScenarioError(problem) from None


def quiet_logs() -> None:
    """Dask reports a lost connection with pages of logged tracebacks, some from its own threads
    after the client has closed; relsim says it in one line instead, so Dask's loggers stay
    quiet for the rest of the process."""
    names = [
        name
        for name in [*QUIET_LOGGERS, *logging.root.manager.loggerDict]
        if name.split(".")[0] in QUIET_LOGGERS
    ]
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


async def _identity(address: str) -> dict[str, Any]:
    """What answers at `address`, asked as Dask's own comms ask."""
    from distributed.comm import connect

    comm = await connect(address, timeout=CONNECT_SECONDS)
    try:
        await comm.write({"op": "identity", "reply": True})
        reply = await comm.read()
    finally:
        comm.abort()
    return reply if isinstance(reply, dict) else {}


def _check_scheduler(address: str) -> None:
    """A Dask scheduler answers at `address` within the time allowed. Dask's client waits
    without limit for an answer from something that accepts the connection but is not a
    scheduler (its dashboard's port, say), so it is asked here first, with a deadline. Not
    from within a running event loop (a notebook's), where the client is left to connect."""
    with contextlib.suppress(RuntimeError):
        asyncio.get_running_loop()
        return
    try:
        found = asyncio.run(asyncio.wait_for(_identity(address), CONNECT_SECONDS))
    except TimeoutError:
        raise DaskError(
            f"cannot reach the Dask scheduler at {address} (nothing answered as one within "
            f"{CONNECT_SECONDS:.0f} s; a scheduler listens on port 8786 unless told otherwise, "
            "its dashboard on 8787)"
        ) from None
    except Exception as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    if found.get("type") != "Scheduler":
        raise DaskError(
            f"cannot reach the Dask scheduler at {address} (what answers there is not one)"
        )


@contextlib.contextmanager
def connected(address: str) -> Iterator[Any]:
    distributed = _distributed()
    quiet_logs()
    _check_scheduler(address)
    try:
        client = distributed.Client(address, timeout=f"{CONNECT_SECONDS:.0f}s")
    except (OSError, TimeoutError) as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    quiet_logs()  # loggers the client created
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)


def check_dask(address: str) -> None:
    """Connect once before anything is written, so a wrong address or a workerless cluster
    fails at once and leaves no empty results store behind."""
    check_address(address)
    with connected(address) as client:
        _check_workers(client)


def _environment() -> dict[str, Any]:
    from relsim.environment import git_commit, source_record

    return source_record(git_commit())


@functools.cache
def _worker_environment() -> dict[str, Any]:
    return _environment()


def _mismatch(worker: str, theirs: dict[str, Any], mine: dict[str, Any]) -> str | None:
    from relsim.environment import differences

    changed = differences(theirs, mine)
    if not changed:
        return None
    return (
        f"Dask worker {worker} runs {'; '.join(changed)}; every worker needs the same relsim "
        "and libraries as this one"
    )


def execute_checked(task: Task, client_environment: dict[str, Any]) -> Outcome:
    """A run on a worker, which first makes sure it runs the client's code and libraries: a
    worker that joined after the check at the start (or was restarted from another checkout)
    would otherwise make some of the runs with other code."""
    from distributed import get_worker

    problem = _mismatch(get_worker().address, _worker_environment(), client_environment)
    if problem:
        raise WorkerMismatchError(problem)
    return execute(task)


def _check_workers(client: Any) -> None:
    """Fail with a clear message instead of waiting forever on workers that cannot run relsim,
    or letting workers with other code or libraries make some of the runs."""
    seconds = no_workers_seconds()
    try:
        client.wait_for_workers(1, timeout=wait_timeout(seconds))
    except TimeoutError:
        raise DaskError(f"the Dask scheduler has no workers (waited {seconds:.0f} s)") from None
    try:
        found = client.run(_environment)
    except Exception as exc:
        raise DaskError(f"Dask workers cannot import relsim ({exc})") from None
    mine = _environment()
    for worker, theirs in sorted(found.items()):
        problem = _mismatch(worker, theirs, mine)
        if problem:
            raise DaskError(problem)


def _lost(address: str) -> DaskError:
    return DaskError(
        f"lost the Dask scheduler at {address}; finished runs are saved; run the same command "
        "with --resume to finish (with --dask, or locally without it)"
    )


def _workers(client: Any, address: str) -> int:
    """How many workers the scheduler has now; DaskError if the scheduler is gone."""
    if client.status != "running":
        raise _lost(address)
    try:
        return len(client.scheduler_info()["workers"])
    except Exception:
        raise _lost(address) from None


def _result(future: Any, address: str) -> Outcome:
    try:
        return future.result()
    except WorkerMismatchError as exc:
        raise DaskError(
            f"{exc}; finished runs are saved; run the same command with --resume once it has "
            "gone or runs this code"
        ) from None
    except Exception as exc:  # runs record their own errors: this is the cluster failing
        if future.cancelled() or type(exc).__name__ in ("CancelledError", "FutureCancelledError"):
            raise _lost(address) from None
        raise DaskError(f"the Dask cluster failed a run ({type(exc).__name__}: {exc})") from None


def run_dask(tasks: Iterable[Task], address: str) -> Iterator[Outcome]:
    """Rows from the cluster whose scheduler listens at `address`, in completion order; about
    two runs per worker thread in flight."""
    distributed = _distributed()
    with connected(address) as client:
        _check_workers(client)
        mine = _environment()

        def submit(task: Task) -> Any:
            return client.submit(execute_checked, task, mine, pure=False)

        tasks = iter(tasks)
        slots = 2 * max(1, sum(client.ncores().values()))
        pending = {submit(task) for task in take(tasks, slots)}
        alone_since: float | None = None
        patience = no_workers_seconds()
        while pending:
            try:
                done, pending = distributed.wait(
                    pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED"
                )
            except TimeoutError:
                done = set()
            except Exception:  # futures cancelled: the client lost the scheduler
                raise _lost(address) from None
            for future in done:
                yield _result(future, address)
                pending |= {submit(task) for task in take(tasks, 1)}
            if done:
                alone_since = None
                continue
            if _workers(client, address):
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > patience:
                raise DaskError(
                    f"every worker of the Dask scheduler at {address} has gone (none for "
                    f"{patience:.0f} s); finished runs are saved; start workers and run the "
                    "same command with --resume"
                )
