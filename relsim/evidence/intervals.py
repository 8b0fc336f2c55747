"""Which kind of interval a result holds, and the intervals of runs over the calibrated ensemble.

Without an ensemble, `ci95` is the 95 % t-interval of the mean over replications: chance only,
at the scenario's parameter values. With `--ensemble N`, each of N parameter sets drawn from the
calibrated ensemble is run `reps` times; `ci95` is then the central 95 % of the spread of the
sets' means (the 2.5th to 97.5th percentile): how far the result could be from the mean given
what the calibration left uncertain, plus the chance left in each set's mean. The spread of the
sets' means (`parameter_sd`) and, with two or more replications per set, the pooled spread of
runs within a set (`chance_sd`) are reported beside it, so the two sources can be told apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from relsim.stats import mean_ci95

CHANCE = "chance"
PARAMETERS = "parameters and chance"
#: below this many parameter sets, the central 95 % of their results is close to their range
#: (the 2.5th and 97.5th percentiles lie between the two lowest and the two highest results)
FEW_SETS = 40


def few_sets(record: dict[str, Any]) -> int | None:
    """The number of parameter sets an interval record (`describe`) is over, when there are so
    few that its central 95 % is close to their range; else None."""
    sets = record.get("parameter_sets") or 0
    return sets if record.get("kind") == PARAMETERS and 1 < sets < FEW_SETS else None


def describe(kind: str, sets: int = 0, reps: int = 0) -> dict[str, Any]:
    if kind == CHANCE:
        return {
            "kind": CHANCE,
            "label": "95% interval (chance only)",
            "description": "95 % t-interval of the mean over replications (cut at zero where a "
            "measure that cannot be negative would go below it): chance only, with the "
            "parameters at the scenario's values (their uncertainty is not included; use "
            "--ensemble N for that)",
        }
    return {
        "kind": PARAMETERS,
        "label": "95% interval (parameters + chance)",
        "description": f"central 95 % of the means of {sets} parameter sets drawn from the "
        f"calibrated ensemble, each run {reps} time(s): parameter uncertainty and chance",
        "parameter_sets": sets,
        "reps_per_set": reps,
    }


def _finite(values: Sequence[float]) -> np.ndarray:
    return np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)


def ensemble_summary(values: Sequence[float], sets: Sequence[int]) -> dict[str, Any]:
    """Mean over parameter sets, the central 95 % of the sets' means, and the two spreads."""
    by_set: dict[int, list[float]] = {}
    for value, s in zip(values, sets, strict=True):
        if value is not None and math.isfinite(value):
            by_set.setdefault(s, []).append(float(value))
    if not by_set:
        return {"mean": None, "ci95": None, "parameter_sd": None, "chance_sd": None}
    means = np.array([np.mean(v) for v in by_set.values()])
    mean = float(means.mean())
    ci = None
    if means.size >= 2:
        ci = [float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))]
    within = [np.var(v, ddof=1) * (len(v) - 1) for v in by_set.values() if len(v) >= 2]
    dof = sum(len(v) - 1 for v in by_set.values() if len(v) >= 2)
    return {
        "mean": mean,
        "ci95": ci,
        "parameter_sd": float(means.std(ddof=1)) if means.size >= 2 else None,
        "chance_sd": float(math.sqrt(sum(within) / dof)) if dof else None,
    }


#: the least any metric can be: each is a count, a cost, a share or a score
METRIC_FLOOR = 0.0


def interval(
    values: Sequence[float], sets: Sequence[int] | None, floor: float | None = None
) -> dict[str, Any]:
    """Mean and 95 % interval of one measure's runs: over replications (chance), or over the
    parameter sets that `sets` gives each run. A t-interval is symmetric, so with few runs of
    a measure near its `floor` it reaches below what the measure can be (a negative wait); it
    is cut there, which loses none of its coverage. The central 95 % of the sets' means never
    leaves the measure's range."""
    if sets is not None:
        return ensemble_summary(values, sets)
    found = mean_ci95(list(values))
    ci = found["ci95"]
    if floor is not None and ci is not None and ci[0] < floor:
        ci = [floor, ci[1]]
    return {"mean": found["mean"], "ci95": ci}


def summarise(
    rows: Sequence[dict[str, float]],
    names: Sequence[str],
    sets: Sequence[int] | None,
    floor: float | None = None,
) -> dict[str, dict[str, Any]]:
    """Every measure of `rows` (one per run); `sets` gives each run's parameter set, or None."""
    return {name: interval([row[name] for row in rows], sets, floor) for name in names}


def paired(
    base: Sequence[dict[str, float]],
    other: Sequence[dict[str, float]],
    names: Sequence[str],
    sets: Sequence[int] | None,
) -> dict[str, dict[str, Any]]:
    """other - base, run by run (the same seeds and parameter set), summarised as above."""
    differences = [
        {name: o[name] - b[name] for name in names} for b, o in zip(base, other, strict=True)
    ]
    return summarise(differences, names, sets)
