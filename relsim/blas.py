"""One BLAS thread while a district runs.

relsim's matrix products are (citizens x domains) by (domains x domains): too small for threads
to help. Yet from about 20,000 citizens OpenBLAS runs them on a second thread, which waits by
spinning: a 20,000-citizen, 260-week run used 3.2 s of CPU for 2.4 s of work, CPU that other
processes on a shared machine or cluster node could have had. One thread does the same work in
the same wall time. Results are the same either way.

The program goes further (`no_blas_threads`): OpenBLAS starts no threads at all.
"""

from __future__ import annotations

import os

from threadpoolctl import threadpool_limits


def one_blas_thread() -> threadpool_limits:
    """A context in which BLAS uses one thread (the previous limits come back after it)."""
    return threadpool_limits(limits=1, user_api="blas")


def no_blas_threads() -> None:
    """OpenBLAS libraries loaded from now on start no threads of their own.

    Called by the program before any numerical library loads. Besides the spinning above, SciPy
    loads an OpenBLAS of its own when a command first needs the model, after the command line
    has loaded; its thread takes signals sent to the process, and one sent while the worker
    pool's server starts (when the process ignores Ctrl-C, relsim.pools) was taken there and
    lost. A user's own setting is overridden: relsim has no products large enough to use it.
    """
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
