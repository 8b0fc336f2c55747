"""One BLAS thread while a district runs.

relsim's matrix products are (citizens x domains) by (domains x domains): too small for threads
to help. Yet from about 20,000 citizens OpenBLAS runs them on a second thread, which waits by
spinning: a 20,000-citizen, 260-week run used 3.2 s of CPU for 2.4 s of work, CPU that other
processes on a shared machine or cluster node could have had. One thread does the same work in
the same wall time. Results are the same either way.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def one_blas_thread() -> threadpool_limits:
    """A context in which BLAS uses one thread (the previous limits come back after it)."""
    return threadpool_limits(limits=1, user_api="blas")
