"""Estimands computed from per-citizen histories the way the studies computed them.

Each function reduces one run's history (and, for a comparison on the same people, the history
of the same district under another care model with the same seed: the same rows) to one number.
Each is tagged with the study design it reproduces, so a target can be checked to be computed
with its study's estimand:

- routine statistic: a rate or share over everyone the service sees in a period;
- before/after of the supported: the same people's outcomes before and during support, with no
  control group, as in uncontrolled programme evaluations;
- cohort follow-up: a cohort defined at an event, followed for a fixed time;
- cross-section of participants: a share among the people in a programme when they joined.

Weeks are counted from 1; a window (lo, hi) relative to the first week of support `s` covers weeks
s + lo .. s + hi - 1 (so (-13, 0) is the quarter before support and (91, 104) quarter 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from relsim.config.schema import CRISIS_TYPES
from relsim.evidence.recorder import HELD, PRESENT, PRESENTED, History

ROUTINE = "routine statistic"
BEFORE_AFTER = "before/after of the supported"
COHORT = "cohort follow-up"
CROSS_SECTION = "cross-section of participants"
DESIGNS = (ROUTINE, BEFORE_AFTER, COHORT, CROSS_SECTION)

QUARTER = 13
YEAR = 52


@dataclass(frozen=True)
class Cohort:
    rows: np.ndarray
    starts: np.ndarray  # first week of support of each row

    @property
    def size(self) -> int:
        return int(self.rows.size)


def window_sum(
    values: np.ndarray, cohort: Cohort, window: tuple[int, int], weeks: int
) -> np.ndarray:
    """Per person, the sum of values[row, week - 1] over the window after their start."""
    lo, hi = window
    columns = cohort.starts[:, None] + np.arange(lo, hi)[None, :] - 1
    assert columns.size == 0 or (columns.min() >= 0 and columns.max() < weeks)
    return values[cohort.rows[:, None], columns].sum(axis=1)


def supported(
    history: History,
    before: int,
    follow: int,
    held_in: tuple[int, int] | None = None,
    other: History | None = None,
) -> Cohort:
    """People whose support began in the recorded period with `before` weeks of recorded crises
    before it and `follow` weeks of the run after it, present at the end of those weeks (and,
    with `other`, present then in the other run too), and, with `held_in`, held at least one week
    in that window of their support (still supported then)."""
    starts = history.first_held.astype(np.int64)
    weeks = history.weeks
    ok = (starts >= history.measured_from + before) & (starts + follow - 1 <= weeks)
    rows = np.flatnonzero(ok)
    starts = starts[rows]
    end = starts + follow - 2  # column of the last week of follow-up
    keep = (history.flags[rows, end] & PRESENT) > 0
    if other is not None:
        inside = rows < other.flags.shape[0]
        keep &= inside
        keep[inside] &= (other.flags[rows[inside], end[inside]] & PRESENT) > 0
    cohort = Cohort(rows[keep], starts[keep])
    if held_in is not None and cohort.size:
        held = window_sum(history.flag(HELD).astype(np.int16), cohort, held_in, weeks) > 0
        cohort = Cohort(cohort.rows[held], cohort.starts[held])
    return cohort


# -- estimands, each tagged with its design ----------------------------------------------------
Function = TypeVar("Function", bound=Callable[..., Any])


def designed(study_design: str) -> Callable[[Function], Function]:
    """Tag an estimand with the study design it reproduces (read by the targets' test)."""
    assert study_design in DESIGNS, study_design

    def tag(function: Function) -> Function:
        function.design = study_design  # type: ignore[attr-defined]
        return function

    return tag


def design_of(function: Callable[..., Any]) -> str:
    return str(getattr(function, "design", ""))


@designed(ROUTINE)
def routine_share(count: float, total: float) -> float:
    """A service's own statistic: count over total in the period (0 for an empty period)."""
    return float(count) / total if total > 0 else 0.0


@designed(BEFORE_AFTER)
def relative_change(
    history: History, cohort: Cohort, crisis: str | None, before: tuple[int, int],
    after: tuple[int, int], costs: np.ndarray | None = None,
) -> float:  # fmt: skip
    """Cohort mean after / cohort mean before - 1, of one crisis type's count (or, with `costs`,
    of crisis cost: the cost of each type)."""
    if cohort.size == 0:
        return float("nan")
    values = _values(history, crisis, costs)
    b = window_sum(values, cohort, before, history.weeks).sum()
    a = window_sum(values, cohort, after, history.weeks).sum()
    return float(a / b - 1.0) if b > 0 else float("nan")


def _values(history: History, crisis: str | None, costs: np.ndarray | None) -> np.ndarray:
    if crisis is not None:
        return history.crises(crisis)
    assert costs is not None
    total = np.zeros(history.flags.shape, dtype=np.float64)
    for name, cost in zip(CRISIS_TYPES, costs, strict=True):
        total += history.crises(name) * float(cost)
    return total


@designed(BEFORE_AFTER)
def per_person_rate(
    history: History, cohort: Cohort, crisis: str, window: tuple[int, int]
) -> float:
    """Mean count per person in the window, scaled to a person-year."""
    if cohort.size == 0:
        return float("nan")
    counts = window_sum(history.crises(crisis), cohort, window, history.weeks)
    return float(counts.mean() * YEAR / (window[1] - window[0]))


@designed(BEFORE_AFTER)
def direction_shares(
    history: History, cohort: Cohort, crisis: str, before: tuple[int, int],
    after: tuple[int, int],
) -> tuple[float, float]:  # fmt: skip
    """Shares of the cohort whose count rose, and whose count fell, from before to after."""
    if cohort.size == 0:
        return float("nan"), float("nan")
    values = history.crises(crisis)
    b = window_sum(values, cohort, before, history.weeks)
    a = window_sum(values, cohort, after, history.weeks)
    return float(np.mean(a > b)), float(np.mean(a < b))


def first_presenters(history: History, cohort_weeks: int = YEAR) -> np.ndarray:
    """The rows of the people with a new presentation in the first `cohort_weeks` of the
    recorded period: the cohort `rereferral_within` follows."""
    presented = history.flag(PRESENTED)
    start = history.measured_from - 1
    return np.flatnonzero(presented[:, start : start + cohort_weeks].any(axis=1))


@designed(COHORT)
def rereferral_within(history: History, follow: int, cohort_weeks: int = YEAR) -> float:
    """Cohort follow-up of referrals: of the people with a new presentation in the first
    `cohort_weeks` of the recorded period, the share presenting again within `follow` weeks of
    that first presentation (people who leave the district count as not re-referred, as in a
    study without censoring)."""
    presented = history.flag(PRESENTED)
    start = history.measured_from - 1
    first_window = presented[:, start : start + cohort_weeks]
    rows = first_presenters(history, cohort_weeks)
    if rows.size == 0:
        return float("nan")
    first = start + np.argmax(first_window[rows], axis=1)  # column of the first presentation
    if (first + follow).max() >= history.weeks:
        raise ValueError("the run is too short for this follow-up")
    later = np.zeros(rows.size, dtype=bool)
    for j, (row, column) in enumerate(zip(rows, first, strict=True)):
        later[j] = presented[row, column + 1 : column + follow + 1].any()
    return float(later.mean())


@designed(ROUTINE)
def repeat_referral_share(history: History, lookback: int = YEAR) -> float:
    """Routine statistic: of the new presentations in the recorded period, the share from people
    who had presented within the `lookback` weeks before (a re-referral within 12 months)."""
    presented = history.flag(PRESENTED)
    start = history.measured_from - 1
    if start < lookback:
        raise ValueError("too little history before the recorded period for the look-back")
    counts = np.cumsum(presented, axis=1, dtype=np.int32)
    rows, columns = np.nonzero(presented[:, start:])
    columns = columns + start
    earlier = counts[rows, columns - 1] - counts[rows, columns - lookback - 1]
    return float(np.mean(earlier > 0)) if rows.size else float("nan")


def housed_cohort(history: History, follow: int, housing_at_start: bool = True) -> Cohort:
    """The people first held (with an active housing need, by default) and present `follow`
    weeks later: the cohort `sustained_without` follows."""
    cohort = supported(history, 0, follow)
    if housing_at_start and cohort.size:
        keep = history.housing_at_first_held[cohort.rows]
        cohort = Cohort(cohort.rows[keep], cohort.starts[keep])
    return cohort


@designed(COHORT)
def sustained_without(
    history: History, crisis: str, follow: int, housing_at_start: bool = True
) -> float:
    """Cohort follow-up: of the people first held with an active housing need, present
    `follow` weeks later, the share with no crisis of this type in those weeks."""
    cohort = housed_cohort(history, follow, housing_at_start)
    if cohort.size == 0:
        return float("nan")
    counts = window_sum(history.crises(crisis), cohort, (0, follow), history.weeks)
    return float(np.mean(counts == 0))


def joined(history: History) -> np.ndarray:
    """Whether each row was first held in the recorded period: the participants
    `share_with_needs` counts."""
    return history.first_held >= history.measured_from


@designed(CROSS_SECTION)
def share_with_needs(history: History, at_least: int) -> float:
    """Cross-section of participants on joining: the share of people first held in the recorded
    period with at least `at_least` active needs that week."""
    joined_now = joined(history)
    if not joined_now.any():
        return float("nan")
    return float(np.mean(history.active_at_first_held[joined_now] >= at_least))
