"""Process pools for replications and sweep runs, and the one pool a command shares.

A command that runs several sets of replications or several sweeps (compare, frontier, budget,
an experiment) starts its workers once: the command line opens `shared_pool()` around each
command, and every `pool_for` within it is served by the same pool. Outside one, each
`pool_for` has a pool of its own for its block. This module imports no heavy library, so the
command line can open the block before it knows whether the command will run anything.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextvars import ContextVar

from relsim.signals import sigint_ignored, worker_start


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


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Interrupted (Ctrl-C, a dead worker): stop at once rather than let queued and running
    replications finish only to be thrown away."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


class SharedPool:
    """One process pool for everything a command runs: its replications and its sweeps.

    The pool starts when first asked for, with the worker count asked for, and serves every
    later request for the same count; a request for another count (no command makes one)
    replaces it. Workers start only as tasks need them, so a pool of eight serving a
    two-replication run has two workers, as a pool of its own would. A pool stopped by an
    interruption or a failure is forgotten, and the next request starts a fresh one.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._workers = 0

    def get(self, workers: int) -> ProcessPoolExecutor:
        if self._pool is not None and self._workers != workers:
            self.close()
        if self._pool is None:
            self._pool = process_pool(workers)
            self._workers = workers
        return self._pool

    def forget(self, pool: ProcessPoolExecutor) -> None:
        """`pool` has been stopped: it serves nothing more."""
        if pool is self._pool:
            self._pool = None

    def close(self, interrupted: bool = False) -> None:
        """Let the workers finish and end; `interrupted`, stop them at once."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if interrupted:
            stop_now(pool)
        else:
            pool.shutdown(wait=True)


_shared: ContextVar[SharedPool | None] = ContextVar("relsim_shared_pool", default=None)


@contextlib.contextmanager
def shared_pool() -> Iterator[SharedPool]:
    """Within the block, every `pool_for` is served by one pool, started when first needed and
    ended with the block (at once if the block is interrupted or fails)."""
    holder = SharedPool()
    token = _shared.set(holder)
    try:
        yield holder
    except BaseException:
        _shared.reset(token)
        holder.close(interrupted=True)
        raise
    _shared.reset(token)
    holder.close()


@contextlib.contextmanager
def pool_for(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of at most `workers` for the block: the shared pool if one is open, else a pool
    of its own, shut down after the block. An exception in the block (Ctrl-C, a dead worker)
    stops the pool at once either way."""
    holder = _shared.get()
    pool = holder.get(workers) if holder is not None else process_pool(workers)
    try:
        yield pool
    except BaseException:
        stop_now(pool)
        if holder is not None:
            holder.forget(pool)
        raise
    if holder is None:
        pool.shutdown(wait=True)
