"""Held-out validation: the validation targets measured on the model with its default parameters
and over parameter sets drawn from the calibrated ensemble, and a verdict for each.

Verdict, from the ensemble (the model's predictive distribution after calibration):
- agrees: the ensemble's median is inside the target's window;
- within uncertainty: the median is outside, but the window overlaps the central 90 % of the
  parameter sets' values;
- disagrees: the window lies outside that central 90 %.
No validation target is used to choose any parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from relsim.evidence.configs import VALIDATION_CONFIGS
from relsim.evidence.ensemble import load_ensemble
from relsim.evidence.plan import EvidencePlan
from relsim.evidence.report import percentile
from relsim.evidence.targets import VALIDATION, Target
from relsim.stats import mean_ci95

AGREES = "agrees"
WITHIN = "within uncertainty"
DISAGREES = "disagrees"
SEED = 20261122
DEFAULT_REPS = 4
ENSEMBLE_SETS = 40


def plan(
    sets: int = ENSEMBLE_SETS, default_reps: int = DEFAULT_REPS, extra: Sequence[str] = ()
) -> EvidencePlan:
    """Design points 0 .. default_reps-1: the defaults; then one per parameter set drawn from
    the ensemble. Every point has its own random streams."""
    ensemble = load_ensemble()
    members = ensemble.draw(sets, SEED)
    points: list[dict[str, float]] = [{} for _ in range(default_reps)]
    points += [ensemble.values(m) for m in members]
    return EvidencePlan(
        "validation", VALIDATION_CONFIGS, points, 1, SEED, streams="distinct", extra=extra,
        spec={"default_reps": default_reps, "ensemble_sets": sets, "members": members},
    )  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    target: Target
    default: dict
    median: float
    low: float  # 5th percentile over the parameter sets
    high: float  # 95th
    beside_median: float | None
    cohort: float | None
    verdict: str


COHORTS = {
    "meam_ae_q8": "meam_q8_cohort",
    "meam_ae_q4": "meam_q4_cohort",
    "meam_arrests_q4": "meam_q4_cohort",
    "voices_up": "voices_cohort",
    "voices_down": "voices_cohort",
    "you_first_cost": "you_first_cohort",
    "housing_first_3y": "housing_first_cohort",
    "four_plus_needs": "four_plus_cohort",
    "rereferral_5y_share": "rereferral_5y_cohort",
}


def verdict(target: Target, median: float, low: float, high: float) -> str:
    if median != median:
        return DISAGREES
    if target.met(median):
        return AGREES
    if high >= target.low and low <= target.high:
        return WITHIN
    return DISAGREES


def judge(rows: pd.DataFrame, default_reps: int) -> list[Verdict]:
    ok = rows[rows["status"] == "ok"]
    out = []
    for t in VALIDATION:
        part = ok[ok["config"] == t.config]
        defaults = part[part["design_point"] < default_reps]
        members = part[part["design_point"] >= default_reps]
        values = members[t.column].to_numpy(dtype=float)
        median = percentile(values, 50)
        low, high = percentile(values, 5), percentile(values, 95)
        beside = percentile(members[t.beside], 50) if t.beside else None
        cohort_col = COHORTS.get(t.column)
        cohort = float(np.nanmedian(members[cohort_col])) if cohort_col else None
        default = dict(mean_ci95(defaults[t.column].tolist()))
        out.append(
            Verdict(t, default, median, low, high, beside, cohort, verdict(t, median, low, high))
        )
    return out
