"""Summaries across replications: means with 95 % t-intervals, and paired differences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

import numpy as np

#: Student's t 0.975 quantile for 1..30 degrees of freedom, as scipy.stats.t.ppf gives it
#: (a test checks each value is identical): a run's summary needs only these, and importing
#: scipy.stats would add about a second to every command's start-up.
T975 = (
    12.706204736174694,
    4.302652729749462,
    3.1824463052837078,
    2.7764451051977934,
    2.5705818356363146,
    2.4469118511449786,
    2.364624251592784,
    2.306004135204166,
    2.262157162798205,
    2.228138851986274,
    2.200985160091639,
    2.1788128296672284,
    2.1603686564627913,
    2.144786687917804,
    2.131449545559776,
    2.1199052992212546,
    2.1098155778333156,
    2.1009220402410382,
    2.0930240544083087,
    2.085963447265864,
    2.0796138447276795,
    2.0738730679040254,
    2.0686576104190486,
    2.0638985616280245,
    2.0595385527532972,
    2.0555294386428735,
    2.0518305164802846,
    2.0484071417952454,
    2.045229642132703,
    2.0422724563012378,
)


def t975(degrees_of_freedom: int) -> float:
    """The 0.975 quantile of Student's t, for a two-sided 95 % interval."""
    if 1 <= degrees_of_freedom <= len(T975):
        return T975[degrees_of_freedom - 1]
    from scipy import stats

    return float(stats.t.ppf(0.975, degrees_of_freedom))


class Summary(TypedDict):
    """A mean and its 95 % interval (null when it cannot be computed)."""

    mean: float | None
    ci95: list[float] | None


def mean_ci95(values: Sequence[float]) -> Summary:
    """Mean and 95 % t-interval; the interval is null with fewer than two finite values."""
    data = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if data.size == 0:
        return {"mean": None, "ci95": None}
    mean = float(data.mean())
    if data.size < 2:
        return {"mean": mean, "ci95": None}
    half = float(t975(data.size - 1) * data.std(ddof=1) / math.sqrt(data.size))
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def summarise(rows: Sequence[dict[str, float]], names: Sequence[str]) -> dict[str, Summary]:
    return {name: mean_ci95([row[name] for row in rows]) for name in names}


def paired_differences(
    base: Sequence[dict[str, float]], other: Sequence[dict[str, float]], names: Sequence[str]
) -> dict[str, Summary]:
    """other - base, replication by replication (common random numbers make the pairs)."""
    return {
        name: mean_ci95([o[name] - b[name] for b, o in zip(base, other, strict=True)])
        for name in names
    }


def ratio(part: float, whole: float) -> float:
    """`part` over `whole`; not a number when there is no whole (nobody present, nothing
    counted)."""
    return float(part / whole) if whole else math.nan
