"""Is the district in its steady state? The warm-up is chosen with MSER-5 (White 1997; the
marginal standard error rule on batch means of five), and every run reports the drift between
the first and second half of its measured period, so a result that rests on a transient shows
it.

MSER-5: split the series into batches of five and take their means z_1..z_m; for each candidate
truncation d (in batches, up to half the series) compute the squared standard error of the mean
of what is left, sum_{j>d} (z_j - mean)^2 / (m - d)^2; the truncation point is the d that
minimises it, in weeks 5 d.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from relsim.stats import ratio

BATCH = 5
#: the shortest series (warm-up included) MSER-5 can judge: four batches
MSER5_WEEKS = 4 * BATCH
DRIFT_MEASURES = ("crises", "mean_need")


def mser5(series: Sequence[float] | np.ndarray) -> int:
    """The MSER-5 truncation point of a weekly series, in weeks from its start."""
    values = np.asarray(series, dtype=float)
    m = values.size // BATCH
    if m < 4:
        return 0
    batches = values[: m * BATCH].reshape(m, BATCH).mean(axis=1)
    best, best_d = np.inf, 0
    for d in range(m // 2 + 1):
        rest = batches[d:]
        score = float(((rest - rest.mean()) ** 2).sum()) / (rest.size**2)
        if score < best:
            best, best_d = score, d
    return best_d * BATCH


def drift(timeseries: pd.DataFrame, measures: Sequence[str] = DRIFT_MEASURES) -> dict[str, float]:
    """Relative change of each measure's weekly mean from the first to the second half of the
    measured period, averaged over replications first; with citizens present in the series,
    also of the crisis rate per citizen (crises over citizen-weeks in each half), which is
    what the metrics, being rates, move with."""
    measured = timeseries[timeseries["measured"]]
    columns = [*measures, *(["citizens"] if "citizens" in measured.columns else [])]
    weekly = measured.groupby("week")[columns].mean().sort_index()
    half = len(weekly) // 2
    rate = "citizens" in columns and "crises" in columns
    if half == 0:  # a measured period of one week or none has no halves to compare
        return {name: math.nan for name in [*measures, *(["crisis_rate"] if rate else [])]}
    first, second = weekly.iloc[:half], weekly.iloc[half:]
    out = {name: _change(first[name].mean(), second[name].mean()) for name in measures}
    if rate:
        out["crisis_rate"] = _change(
            ratio(first["crises"].sum(), first["citizens"].sum()),
            ratio(second["crises"].sum(), second["citizens"].sum()),
        )
    return out


def weekly_crisis_rate(timeseries: pd.DataFrame) -> pd.Series:
    """Crises per citizen present each week, pooled over replications (their crises over
    their citizens), by week, warm-up included: what the metrics, being rates, move with.
    A series without citizens present (written before they were kept) gives the mean of
    the weekly crises instead."""
    by_week = timeseries.groupby("week")
    if "citizens" not in timeseries.columns:
        return by_week["crises"].mean().sort_index()
    totals = by_week[["crises", "citizens"]].sum().sort_index()
    return totals["crises"] / totals["citizens"].where(totals["citizens"] > 0)


def steady_state_report(timeseries: pd.DataFrame, warmup_weeks: int) -> dict[str, object]:
    """What a manifest says about the steady state: the drift between the halves of the
    measured period, and the MSER-5 truncation point of the weekly crisis rate per citizen
    (pooled over replications, warm-up included; relsim.warmup.run_check reads the same rate
    for one run) against the warm-up used."""
    rate = weekly_crisis_rate(timeseries).fillna(0.0).to_numpy()
    # MSER-5 needs four batches: a shorter run is not judged settled (it was, by default)
    checked = rate.size >= MSER5_WEEKS
    truncation = mser5(rate)
    return {
        "drift_second_half_vs_first": drift(timeseries),
        "mser5_truncation_weeks": truncation if checked else None,
        "warmup_weeks": warmup_weeks,
        "warmup_covers_mser5": truncation <= warmup_weeks if checked else None,
    }


def unsettled_warnings(blocks: Sequence[dict]) -> list[str]:
    """One warning for each scenario whose warm-up ends before its crisis rate settles (the
    manifest's check of steady_state_report): its results, and anything said of the steady
    state, then rest in part on the transient."""
    warnings = []
    for block in blocks:
        steady = block["provenance"]["steady_state"]
        if steady["warmup_covers_mser5"]:
            continue
        truncation, warmup = steady["mser5_truncation_weeks"], steady["warmup_weeks"]
        if truncation is None:
            warnings.append(
                f"{block['scenario']}: too short to tell whether the district had settled when "
                f"its measured period began (MSER-5 needs {MSER5_WEEKS} weeks, warm-up included)"
            )
            continue
        rate = steady["drift_second_half_vs_first"].get("crisis_rate", math.nan)
        moved = (
            f"; the crisis rate is {abs(rate):.1%} {'lower' if rate < 0 else 'higher'} in the "
            "second half of the measured period than in the first"
            if math.isfinite(rate)
            else ""
        )
        warnings.append(
            f"{block['scenario']}: the district had not settled when its measured period began "
            f"({f'after a {warmup}-week warm-up' if warmup else 'with no warm-up'}; MSER-5 on "
            "its weekly crisis rate, over its runs, puts the end of the "
            f"transient at week {truncation}{moved}), so its results include part of the "
            f"transient; set time.warmup_weeks to {truncation} or more"
        )
    return warnings


#: what every run reports of its own steady state (columns of a sweep's runs table)
RUN_CHECK = ("settling_weeks", "crisis_rate_drift", "population_drift")


def run_check(
    crises_by_week: Sequence[float], citizens_by_week: Sequence[float], warmup_weeks: int
) -> dict[str, float]:
    """One run's steady-state check from its weekly crises and citizens present (warm-up
    included). The metrics are rates per citizen-year, so the check reads the weekly crisis
    rate per citizen: its MSER-5 truncation point, and its relative change from the first to
    the second half of the measured period (crises over citizen-weeks in each half). The
    population's own change between the halves is reported beside it, because a district
    still growing or shrinking towards its size changes the counts and the costs even when
    the rate has settled. A sweep records all three for every run, so that a point whose
    result rests on a transient shows it. On one run they are noisy (the truncation of a
    steady district's run falls anywhere in its first two or three years): read them over a
    point's runs, as the sweep's summary does. A run under 20 weeks, warm-up included, is too
    short for MSER-5: its settling_weeks is not a number."""
    crises = np.asarray(crises_by_week, dtype=float)
    citizens = np.asarray(citizens_by_week, dtype=float)
    rate = np.divide(crises, citizens, out=np.zeros_like(crises), where=citizens > 0)
    # under four batches MSER-5 cannot judge, and its 0 would read as settled from the start
    check = {"settling_weeks": float(mser5(rate)) if rate.size >= MSER5_WEEKS else math.nan}
    half = (crises.size - warmup_weeks) // 2
    if half <= 0:
        return check | {"crisis_rate_drift": math.nan, "population_drift": math.nan}
    first, second = slice(warmup_weeks, warmup_weeks + half), slice(warmup_weeks + half, None)
    return check | {
        "crisis_rate_drift": _change(
            ratio(crises[first].sum(), citizens[first].sum()),
            ratio(crises[second].sum(), citizens[second].sum()),
        ),
        "population_drift": _change(citizens[first].mean(), citizens[second].mean()),
    }


def _change(first: float, second: float) -> float:
    """The relative change from `first` to `second` (0.02: 2 % more)."""
    return float(second / first - 1.0) if first else math.nan
