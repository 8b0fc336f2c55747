"""The best balance under a budget: for the hybrid, the split of the workforce between
caseworkers and duty workers, and the routing threshold, that minimise a chosen outcome when
the staff budget buys a given number of posts.

The budget fixes the posts (as many as it pays for a year). The search runs on the sweep
machinery, with the same seeds at every point (common random numbers), in stages:

1. a coarse grid: caseworker shares 0, 1/4, 1/2, 3/4 and 1 of the posts, every threshold 1-6,
   on half the replications;
2. a pattern search around the best point, on all the replications: caseworker posts half a
   step and a step either side (the step starting at half the coarse spacing), at the best
   threshold and one either side. While the best point is on the edge of what has been tried
   the pattern moves there; once it is inside, the step halves, down to one post. Only points
   not yet run are run; every stage is its own sweep (resumable).

The surface is small (posts + 1 splits x 7 thresholds), noisy and made of whole numbers, so a
pattern search on common random numbers (derivative-free, as the textbook compass search)
finds the optimum with few runs and leaves behind the points that say how flat the surface is
around it. The optimum is reported with its 95 % interval; with the paired difference of every
refined point from it (a point whose interval includes zero cannot be told apart from it); with
how often each point comes out best when the replications are resampled (a bootstrap); and with
how much the outcome changes one step away.

Over the calibrated ensemble (the default) every point runs the same parameter sets; the
intervals are then the central 95 % of the sets' results (parameters and chance), and the
bootstrap resamples parameter sets.

This module asks the question (the posts a budget buys) and runs the search; what the search
found is worked out and written by `relsim.commission.budget_results`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from relsim.commission.resources import post_cost_gbp_per_year
from relsim.commission.study import paired
from relsim.config import Scenario, ScenarioError, validate_data
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.io import portable_path
from relsim.sweep.run import SweepPlan

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw

KIND = "relsim budget"
SHARE = "hybrid.caseworker_share_of_workforce"
THRESHOLD = "hybrid.complexity_threshold_active_needs"
WORKERS = "workforce.workers"
COARSE_SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
THRESHOLDS = (1, 2, 3, 4, 5, 6)
TABLE, SUMMARY, FIGURE = "budget.csv", "budget.json", "budget.png"
#: what else each point is reported with, whatever is minimised
SIDE_METRICS = (
    "crisis_events_per_citizen_year",
    "total_cost_per_citizen_year",
    "mean_wait_weeks",
    "share_citizens_stable",
)
#: measures where more is better: minimising one would search for the worst split
MORE_IS_BETTER = (
    "share_citizens_stable",
    "mean_trust",
    "usual_provider_of_care",
    "continuity_of_care_index",
    "named_worker_contact_share",
)
#: measures the budget itself fixes: the posts are paid for whatever the split, and staff cost
#: moves only with vacancies and agency cover, so its minimum is the split that loses most staff
FIXED_BY_LIMIT = ("staff_cost_per_citizen_year",)
OWN = (TABLE, SUMMARY, FIGURE)
SWEPT = (WORKERS, SHARE, THRESHOLD)


def parse_money(text: str) -> float:
    """'3.7m', '850k', '£1,200,000' or '3700000' as pounds."""
    cleaned = text.strip().replace(",", "").replace("£", "").replace("_", "")
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*([kKmM]?)", cleaned)
    if not match:
        raise ScenarioError(
            f"--limit {printable(text, 40)}: expected pounds a year, e.g. 3.7m, 850k or 3700000"
        )
    value = float(match.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[match.group(2).lower()]
    if not math.isfinite(value) or value <= 0:
        raise ScenarioError(f"--limit {printable(text, 40)}: must be more than zero")
    return value


def affordable_posts(scenario: Scenario, limit: float) -> int:
    cost = post_cost_gbp_per_year(scenario)
    staff = scenario.workforce
    if cost <= 0:
        raise ScenarioError("--limit: the scenario's posts cost nothing, so a limit means nothing")
    posts = math.floor(limit / cost + 1e-9)
    if posts < 1:
        raise ScenarioError(
            f"--limit £{limit:,.{0 if limit >= 100 else 2}f} a year does not pay for one post "
            f"(£{cost:,.0f} a year at "
            f"{staff.hours_per_week:g} hours a week and £{staff.hourly_cost_gbp:g} an hour)"
        )
    if posts > 100_000:
        raise ScenarioError(
            f"--limit £{limit:,.0f} a year pays for {posts:,} posts (at most 100,000)"
        )
    citizens = scenario.population.citizens
    if citizens and posts > citizens:
        # every split would run for minutes to say that nobody waits (a district that starts
        # empty, filled by arrivals, is not judged)
        raise ScenarioError(
            f"--limit £{limit:,.0f} a year pays for {posts:,} posts, more than the "
            f"district's {citizens:,} citizens: give the limit for this district, or a "
            "scenario of the district's size (relsim scale)"
        )
    return posts


#: measures with a value only when the measured horizon is longer than this many weeks
NEEDS_WEEKS = {"repeat_within_year_share": 52}


def check_measurable(metric: str, scenario: Scenario) -> None:
    """A measure the horizon cannot give is refused before any run (every point would have
    no value, found only after the coarse stage)."""
    weeks = NEEDS_WEEKS.get(metric)
    if weeks is not None and scenario.time.weeks <= weeks:
        raise ScenarioError(
            f"--minimise {metric}: needs a measured horizon over {weeks} weeks (a year of "
            f"follow-up after a case closes); {printable(scenario.name, 60)} measures "
            f"{scenario.time.weeks} (time.weeks)"
        )


def base_scenario(path: Path, sets: list[str]) -> tuple[dict[str, Any], Scenario]:
    base = load_raw(path, sets)
    scenario = validate_data(base, str(path))
    if scenario.care_model != "hybrid":
        raise ScenarioError(
            f"budget: the scenario {printable(scenario.name, 60)} runs the care model "
            f"{scenario.care_model}; the search balances the hybrid (give the bundled "
            "`hybrid`, or --set care_model=hybrid)"
        )
    return base, scenario


def plan(
    path: Path,
    base: dict[str, Any],
    design: pd.DataFrame,
    stage: str,
    reps: int,
    seed: int,
    spec: dict[str, Any],
    draw: EnsembleDraw | None = None,
) -> SweepPlan:
    """One stage's sweep: `reps` replications of each point (over the ensemble, replication r
    runs parameter set r // runs per set, so a stage with fewer replications runs fewer sets)."""
    stage_spec = {**spec, "stage": stage}
    if draw is not None:
        stage_spec["ensemble"] = draw.describe()
    return SweepPlan(
        portable_path(path), base, design, "file", stage_spec, reps, seed, ensemble=draw
    )


def draw(
    base: dict[str, Any], seed: int, reps: int, parameter_sets: int | None
) -> EnsembleDraw | None:
    """The parameter sets every point runs (the swept keys left as each point sets them),
    `reps` shared among them; None for chance only."""
    if not parameter_sets:
        return None
    from relsim.evidence.ensemble import draw_for
    from relsim.evidence.options import shared_reps_per_set

    per_set = shared_reps_per_set(reps, parameter_sets)
    return draw_for(parameter_sets, per_set, seed, base, SWEPT)


Key = tuple[int, int]  # (caseworker posts, threshold)
RunStage = Callable[[str, pd.DataFrame, int], pd.DataFrame]
MAX_REFINE_STAGES = 5


def design_of(posts: int, keys: Sequence[Key]) -> pd.DataFrame:
    rows = [{WORKERS: posts, SHARE: c / posts, THRESHOLD: t} for c, t in keys]
    return pd.DataFrame(rows, columns=[WORKERS, SHARE, THRESHOLD])


MIN_THRESHOLD, MAX_THRESHOLD = 0, 6


def allowed(key: Key, posts: int) -> bool:
    """A split and threshold that leave nobody who presents without a front door: caseworkers
    for those at or above the threshold, duty workers for the rest; or, with every post a
    caseworker, everyone routed to them (threshold 0)."""
    c, t = key
    if c == posts:
        return t == MIN_THRESHOLD
    return 1 <= c < posts and MIN_THRESHOLD < t <= MAX_THRESHOLD


def coarse_keys(posts: int) -> list[Key]:
    """Caseworker shares 0, 1/4, 1/2, 3/4 and 1 of the posts (at least one of each kind of
    post), every threshold; and every post a caseworker, everyone routed to them."""
    caseworkers = sorted({min(posts - 1, max(1, round(posts * q))) for q in COARSE_SHARES})
    keys = [(c, t) for c in caseworkers for t in THRESHOLDS]
    return [k for k in [*keys, (posts, MIN_THRESHOLD)] if allowed(k, posts)]


def pattern(posts: int, centre: Key, step: float) -> list[Key]:
    """Caseworker posts half a step and a step either side of the centre, at its threshold and
    one either side: a compass pattern on whole numbers, within what is allowed."""
    c, t = centre
    offsets = (-step, -step / 2, 0.0, step / 2, step)
    splits = sorted({min(posts, max(0, round(c + d))) for d in offsets})
    keys = [(s, u) for u in (t - 1, t, t + 1) for s in splits]
    if c == posts:  # everyone to caseworkers: the neighbours keep a few duty workers
        keys += [(s, u) for u in (1, 2, 3) for s in splits]
    return [k for k in dict.fromkeys(keys) if allowed(k, posts)]


def evaluated(
    stage: str, design: pd.DataFrame, runs: pd.DataFrame, metric: str
) -> dict[Key, dict[str, Any]]:
    """Each design point's key and its metric replication by replication."""
    values = paired(runs, metric)
    found = {}
    for point in range(len(design)):
        posts = int(design[WORKERS].iloc[point])
        key = (round(posts * float(design[SHARE].iloc[point])), int(design[THRESHOLD].iloc[point]))
        row = values.loc[point] if point in values.index else pd.Series(dtype=float)
        ok = runs[(runs["point"] == point) & (runs["status"] == "ok")]
        side = {m: float(ok[m].mean()) if len(ok) else math.nan for m in SIDE_METRICS}
        found[key] = {"stage": stage, "point": point, "posts": posts, "values": row, "side": side}
    return found


def _mean(entry: dict[str, Any]) -> float:
    values = entry["values"].to_numpy(float)
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.inf


def best_key(points: dict[Key, dict[str, Any]]) -> Key:
    finite = {k: _mean(v) for k, v in points.items() if math.isfinite(_mean(v))}
    if not finite:
        raise ScenarioError(
            "budget: no design point gave a value of the outcome, so there is no split to "
            "search from; the runs are kept in --out (start again there with --force)"
        )
    return min(finite, key=lambda k: (finite[k], k))


def _on_edge(key: Key, tried: dict[Key, Any], posts: int) -> bool:
    """True when an allowed neighbour of `key` (one threshold either side, or the next split
    either side) has not been tried: the optimum may lie beyond what has been searched."""
    c, t = key
    splits = sorted(s for s, u in tried if u == t)
    lower_open = c == splits[0] and allowed((c - 1, t), posts)
    upper_open = c == splits[-1] and allowed((c + 1, t), posts)
    thresholds_open = any((c, u) not in tried and allowed((c, u), posts) for u in (t - 1, t + 1))
    return lower_open or upper_open or thresholds_open


def search(
    posts: int, metric: str, reps: int, coarse_reps: int, run_stage: RunStage
) -> tuple[dict[Key, dict[str, Any]], dict[Key, dict[str, Any]]]:
    """The coarse grid, then the pattern search; the points of each, by key."""
    design = design_of(posts, coarse_keys(posts))
    coarse = evaluated("coarse", design, run_stage("coarse", design, coarse_reps), metric)
    centre = best_key(coarse)
    step = max(1.0, posts / (len(COARSE_SHARES) - 1) / 2)
    refined: dict[Key, dict[str, Any]] = {}
    for stage in range(1, MAX_REFINE_STAGES + 1):
        wanted = [k for k in pattern(posts, centre, step) if k not in refined]
        if wanted:
            name = f"refine-{stage}"
            design = design_of(posts, wanted)
            refined.update(evaluated(name, design, run_stage(name, design, reps), metric))
        centre = best_key(refined)
        if _on_edge(centre, refined, posts):
            continue
        if step <= 1:
            break
        step = max(1.0, step / 2)
        if all(k in refined for k in pattern(posts, centre, step)):
            break
    return coarse, refined
