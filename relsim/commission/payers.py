"""Who pays, who saves, and when: each scenario's spending split by payer, week by week, and the
cumulative saving of each scenario against the first, with the week it breaks even.

The payers are the service itself (front-line staff and the flexible budget: what the
commissioner buys) and the public bodies whose costs follow from what happens to people: the
NHS, police and justice, and council and housing (their crisis costs and specialist services).
The four add up to the total cost. A saving is the first scenario's cost minus the other's, so
a positive saving means the other scenario costs that payer less.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from relsim.config import PAYERS, Scenario
from relsim.evidence.intervals import METRIC_FLOOR, interval
from relsim.stats import Summary

SERVICE = "service"
PAYER_VIEW: tuple[str, ...] = (SERVICE, *PAYERS)
PAYER_LABELS = {
    SERVICE: "the service itself (staff and flexible budget)",
    "nhs": "NHS",
    "police_justice": "police and justice",
    "council_housing": "council and housing",
    "system": "whole system",
}
WEEKS_PER_YEAR = 52.0
#: why a body's saving here differs from its cost_<payer>_per_citizen_year measure
SERVICE_APART = (
    "The service is counted on its own, even where a public body pays for it "
    "(workforce.payer): that body's row leaves it out, its cost_<payer>_per_citizen_year "
    "measure includes it."
)

FOOTINGS = (
    "A saving per citizen-year divides each side's spending by its own people present; the "
    "cumulative saving and the break-even week are the district's pounds, however many people "
    "each side had, so the two can differ in sign."
)


def payer_columns(timeseries: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Weekly spending by payer (GBP/week for the district): the service's staff and budget,
    and each public body's other costs; they add up to `total_cost_gbp`."""
    staff = timeseries["staff_cost_gbp"].to_numpy(float)
    budget = timeseries["flexible_budget_gbp"].to_numpy(float)
    frame = pd.DataFrame({SERVICE: staff + budget}, index=timeseries.index)
    for payer in PAYERS:
        own = timeseries[f"cost_{payer}_gbp"].to_numpy(float).copy()
        if scenario.workforce.payer == payer:
            own -= staff
        if scenario.liberated.budget_payer == payer:
            own -= budget
        frame[payer] = own
    return frame


@dataclass
class Spending:
    """One scenario's analysed weeks: replication x week arrays of spending by payer (GBP for
    the district), citizens present, and the weeks' numbers (1 = first analysed week)."""

    by_payer: dict[str, np.ndarray]
    citizens: np.ndarray
    weeks: np.ndarray

    @property
    def system(self) -> np.ndarray:
        return sum(self.by_payer.values(), np.zeros_like(self.citizens))

    def per_citizen_year(self, values: np.ndarray) -> np.ndarray:
        """One value per replication: GBP per citizen-year over the analysed weeks."""
        years = self.citizens.sum(axis=1) / WEEKS_PER_YEAR
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(years > 0, values.sum(axis=1) / years, np.nan)


def spending(
    timeseries: pd.DataFrame, scenario: Scenario, first_week: int, reps: Sequence[int]
) -> Spending:
    """The weeks from `first_week` on, for replications `reps` in that order."""
    data = timeseries[timeseries["week"] >= first_week]
    payers = payer_columns(data, scenario)
    weeks = np.sort(data["week"].unique())
    by_payer = {}
    for payer in PAYER_VIEW:
        table = payers[payer].to_frame().assign(replication=data["replication"], week=data["week"])
        by_payer[payer] = _grid(table, payer, reps, weeks)
    frame = data[["replication", "week", "citizens"]]
    return Spending(by_payer, _grid(frame, "citizens", reps, weeks), weeks - first_week + 1)


def _grid(frame: pd.DataFrame, column: str, reps: Sequence[int], weeks: np.ndarray) -> np.ndarray:
    wide = frame.pivot(index="replication", columns="week", values=column)
    return wide.reindex(index=list(reps), columns=weeks).to_numpy(float)


def add_overlap(spent: Spending, old_staff: np.ndarray, weeks: int) -> Spending:
    """Both teams paid: the old service's staff cost added to this one's for the first
    `weeks` weeks."""
    extra = np.zeros_like(old_staff)
    extra[:, :weeks] = old_staff[:, :weeks]
    by_payer = dict(spent.by_payer)
    by_payer[SERVICE] = by_payer[SERVICE] + extra
    return Spending(by_payer, spent.citizens, spent.weeks)


def band(
    values: np.ndarray, sets: Sequence[int] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column (week): mean over rows (replications) and its 95 % t-interval (the mean
    itself where there is a single row). With `sets` (each row's parameter set, from
    `--ensemble`), the mean over the sets' means and the central 95 % of them, the kind of
    interval the comparison's other results hold."""
    if sets is not None:
        return _ensemble_band(values, sets)
    with warnings.catch_warnings():  # a week with no value anywhere (an empty district) is NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        n = np.sum(np.isfinite(values), axis=0)
        if values.shape[0] < 2:
            return mean, mean.copy(), mean.copy()
        sd = np.nanstd(values, axis=0, ddof=1)
    half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
    return mean, mean - half, mean + half


def _ensemble_band(
    values: np.ndarray, sets: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    labels = np.asarray(sets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.stack([np.nanmean(values[labels == s], axis=0) for s in np.unique(labels)])
        mean = np.nanmean(means, axis=0)
        if means.shape[0] < 2:
            return mean, mean.copy(), mean.copy()
        low, high = np.nanpercentile(means, [2.5, 97.5], axis=0)
    return mean, low, high


def break_even(saving: np.ndarray) -> int | None:
    """The first week from which a cumulative saving stays above zero to the end (1 when it
    always is); None when it ends at or below zero: a saving of exactly nothing (two scenarios
    that spend alike) has not broken even, it has saved nothing."""
    below = np.flatnonzero(~(saving > 0))
    if below.size == 0:
        return 1
    last = int(below[-1])
    return None if last == saving.size - 1 else last + 2


def summary(
    values: np.ndarray, sets: Sequence[int] | None = None, floor: float | None = None
) -> Summary:
    """Mean and 95 % interval: a t-interval (cut at `floor`, for what cannot be less: a spend),
    or with `sets` the central 95 % of the parameter sets' means (see `band`)."""
    found = interval([float(v) for v in values], sets, floor)
    return {"mean": found["mean"], "ci95": found["ci95"]}


@dataclass
class PayerComparison:
    """Per payer (and the whole system): each scenario's spend per citizen-year, the saving of
    `other` against `first`, the cumulative saving for the district week by week, and the
    break-even week of the mean curve with the earliest and latest weeks its interval allows."""

    label: str
    rows: list[dict[str, Any]]
    cumulative: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    weeks: np.ndarray
    first: str = ""
    other: str = ""


def compare_payers(
    first: Spending,
    other: Spending,
    names: tuple[str, str],
    sets: Sequence[int] | None = None,
) -> PayerComparison:
    """`other` against `first`; `names` are (other, first); `sets` as in `band`."""
    rows = []
    cumulative = {}
    for payer in (*PAYER_VIEW, "system"):
        a = first.system if payer == "system" else first.by_payer[payer]
        b = other.system if payer == "system" else other.by_payer[payer]
        weekly_saving = a - b
        running = np.cumsum(weekly_saving, axis=1)
        mean, low, high = band(running, sets)
        # an interval needs two replications (or parameter sets); one of zero width is one
        single = running.shape[0] < 2 if sets is None else len(set(sets)) < 2
        cumulative[payer] = (mean, low, high)
        per_a, per_b = first.per_citizen_year(a), other.per_citizen_year(b)
        rows.append(
            {
                "payer": payer,
                "first_gbp_per_citizen_year": summary(per_a, sets, METRIC_FLOOR),
                "other_gbp_per_citizen_year": summary(per_b, sets, METRIC_FLOOR),
                "saving_gbp_per_citizen_year": summary(per_a - per_b, sets),
                "cumulative_saving_gbp": {
                    "mean": _finite(mean[-1]),
                    "ci95": None if single else [_finite(low[-1]), _finite(high[-1])],
                },
                "break_even_week": break_even(mean),
                # with one run, no interval: not one of zero width
                "break_even_week_earliest": None if single else break_even(high),
                "break_even_week_latest": None if single else break_even(low),
            }
        )
    label = f"{names[0]} - {names[1]}"
    return PayerComparison(label, rows, cumulative, other.weeks, names[1], names[0])


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def break_even_text(row: dict[str, Any], horizon: int) -> str:
    """In words: 'saves from the first week', 'week 40 (95 % interval 31 to 52)', 'not within
    260 weeks', or not on average but at the interval's favourable end from some week."""
    week, early, late = (
        row["break_even_week"],
        row["break_even_week_earliest"],
        row["break_even_week_latest"],
    )
    if week is None:
        saving = row.get("saving_gbp_per_citizen_year") or {}
        ci = saving.get("ci95") if isinstance(saving, dict) else None
        if early is None and ci is not None and ci[1] < 0:
            # in the steady state the yearly gap holds: a payer that spends more every year
            # does not break even later either ("not within 260 weeks" read as "later")
            return f"never: it spends more every year (not within {horizon} weeks)"
        if early is None:
            return f"not within {horizon} weeks"
        return (
            f"not within {horizon} weeks on average; at the favourable end of the 95 % "
            f"interval of the cumulative saving, from week {early}"
        )
    if week == 1 and (late == 1 or (early is None and late is None)):
        return "saves from the first week"
    if early is None and late is None:  # one run: no interval
        return f"week {week}"
    interval = f"{early if early is not None else '?'} to " + (
        str(late) if late is not None else f"beyond {horizon}"
    )
    return f"week {week} (95 % interval {interval})"
