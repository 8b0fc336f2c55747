"""Summaries across replications: means with 95 % t-intervals, and paired differences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

import numpy as np
from scipy import stats


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
    half = float(stats.t.ppf(0.975, data.size - 1) * data.std(ddof=1) / math.sqrt(data.size))
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
