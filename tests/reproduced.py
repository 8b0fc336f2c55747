"""Whether a rerun reproduces a stored result: the tolerance the regression baseline uses for
every comparison of a metric made now with one stored earlier."""

from __future__ import annotations

import math

#: last-bit differences (another machine's BLAS kernels) pass; any change of the model does not
RELATIVE_TOLERANCE = 1e-9


def reproduces(stored: float | None, rerun: float) -> bool:
    """`rerun` equals `stored` to RELATIVE_TOLERANCE; a missing value (None, as JSON stores NaN,
    or NaN) matches only a missing one."""
    if stored is None or math.isnan(stored):
        return math.isnan(rerun)
    if math.isnan(rerun):
        return False
    return math.isclose(rerun, stored, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.0)
