"""One BLAS thread while a district runs.

relsim's matrix products are (citizens x domains) by (domains x domains): too small for threads
to help. Yet from about 20,000 citizens OpenBLAS starts a second thread for them, which waits
by spinning: a run then uses half as much CPU again for nothing, and beside another run (two
workers on two cores) both ran two to three times slower. Results are the same either way.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def one_blas_thread() -> threadpool_limits:
    """A context in which BLAS uses one thread (the previous limits come back after it)."""
    return threadpool_limits(limits=1, user_api="blas")
