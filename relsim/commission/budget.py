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
from relsim.evidence.ensemble import sets_of
from relsim.evidence.intervals import CHANCE, PARAMETERS, describe, few_sets, interval
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
OWN = (TABLE, SUMMARY, FIGURE)
SWEPT = (WORKERS, SHARE, THRESHOLD)
BOOTSTRAP = 2000
FLAT_PERCENT = 2.0


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
    return posts


def base_scenario(path: Path, sets: list[str]) -> tuple[dict[str, Any], Scenario]:
    base = load_raw(path, sets)
    scenario = validate_data(base, str(path))
    if scenario.care_model != "hybrid":
        raise ScenarioError(
            f"budget: {printable(scenario.name, 60)} is {scenario.care_model}; the search "
            "balances the hybrid (give the bundled `hybrid`, or --set care_model=hybrid)"
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
        raise ScenarioError("budget: no design point gave a value of the outcome")
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


def table_of(points: dict[Key, dict[str, Any]], draw: EnsembleDraw | None = None) -> pd.DataFrame:
    rows = []
    for (c, t), entry in sorted(points.items(), key=lambda item: (item[1]["stage"], item[0])):
        values = entry["values"].dropna()
        summary = interval(values.tolist(), sets_of(draw, values.index))
        ci = summary["ci95"] or [np.nan, np.nan]
        rows.append(
            {
                "stage": entry["stage"],
                "posts": entry["posts"],
                "caseworker_posts": c,
                "duty_worker_posts": entry["posts"] - c,
                "caseworker_share": c / entry["posts"],
                "threshold_active_needs": t,
                "replications": int(entry["values"].notna().sum()),
                "interval": CHANCE if draw is None else PARAMETERS,
                **{f"{m}_mean": entry["side"].get(m) for m in SIDE_METRICS},
                "mean": np.nan if summary["mean"] is None else summary["mean"],
                "ci95_low": ci[0],
                "ci95_high": ci[1],
            }
        )
    return pd.DataFrame(rows)


def uncertainty(
    refined: dict[Key, dict[str, Any]], seed: int, draw: EnsembleDraw | None = None
) -> pd.DataFrame:
    """The refined points with their paired difference from the optimum, whether they can be
    told apart from it, and how often each is best when replications (over the ensemble:
    parameter sets) are resampled."""
    table = table_of(refined, draw)
    keys = list(zip(table["caseworker_posts"], table["threshold_active_needs"], strict=True))
    replications = refined[keys[0]]["values"].sort_index().index
    matrix = np.vstack([refined[k]["values"].sort_index().to_numpy(float) for k in keys])
    kinds = sets_of(draw, replications)
    best = keys.index(best_key(refined))
    lows, highs, means = [], [], []
    for row in matrix:
        finite = np.isfinite(row - matrix[best])
        summary = interval(
            (row - matrix[best])[finite].tolist(),
            None if kinds is None else np.asarray(kinds)[finite].tolist(),
        )
        ci = summary["ci95"] or [np.nan, np.nan]
        means.append(np.nan if summary["mean"] is None else summary["mean"])
        lows.append(ci[0])
        highs.append(ci[1])
    table["optimum"] = [i == best for i in range(len(keys))]
    table["difference_from_optimum"] = means
    table["difference_ci95_low"] = lows
    table["difference_ci95_high"] = highs
    table["indistinguishable_from_optimum"] = [
        bool(i == best or not (low > 0)) for i, low in enumerate(lows)
    ]
    if kinds is not None:  # resample parameter sets: each set's mean over its runs
        matrix = pd.DataFrame(matrix).T.groupby(np.asarray(kinds)).mean().T.to_numpy(float)
    rng = np.random.default_rng(seed)
    reps = matrix.shape[1]
    wins = np.zeros(len(matrix))
    filled = np.where(np.isfinite(matrix), matrix, np.inf)
    for _ in range(BOOTSTRAP):
        sample = rng.integers(0, reps, reps)
        sampled = filled[:, sample].mean(axis=1)
        lowest = float(sampled.min())
        best_here = sampled <= lowest + 1e-12 * max(1.0, abs(lowest))
        wins[best_here] += 1 / best_here.sum()  # ties share the win
    table["probability_best"] = wins / BOOTSTRAP
    return table


def percent_changes(differences: pd.Series, optimum: float) -> np.ndarray:
    """The size of each difference as a percentage of the optimum, only where that is a number:
    an optimum of zero (or no value) or a difference with no value gives no percentage, and is
    left out rather than passed to numpy (whose NaN reductions warn)."""
    if not math.isfinite(optimum) or optimum == 0:
        return np.empty(0)
    changes = np.abs(differences.to_numpy(float) / abs(optimum) * 100)
    return changes[np.isfinite(changes)]


def flatness(table: pd.DataFrame) -> dict[str, Any]:
    """How much the outcome changes one step away from the optimum: the next split tried
    either side at its threshold, and one threshold either side at its split (with every post
    a caseworker, the next split down at every threshold tried)."""
    optimum = table[table["optimum"]].iloc[0]
    c, t = int(optimum["caseworker_posts"]), int(optimum["threshold_active_needs"])
    same_t = table[table["threshold_active_needs"] == t]
    below = same_t[same_t["caseworker_posts"] < c]["caseworker_posts"]
    above = same_t[same_t["caseworker_posts"] > c]["caseworker_posts"]
    near = {int(below.max())} if len(below) else set()
    near |= {int(above.min())} if len(above) else set()
    neighbours = table[
        ((table["threshold_active_needs"] == t) & table["caseworker_posts"].isin(near))
        | ((table["caseworker_posts"] == c) & ((table["threshold_active_needs"] - t).abs() == 1))
    ]
    if neighbours.empty:  # every post a caseworker: the next split down, at any threshold
        fewer = table[table["caseworker_posts"] < c]
        neighbours = fewer[fewer["caseworker_posts"] == fewer["caseworker_posts"].max()]
    changes = percent_changes(neighbours["difference_from_optimum"], float(optimum["mean"]))
    largest = float(changes.max()) if changes.size else math.nan
    smallest = float(changes.min()) if changes.size else math.nan
    return {
        "neighbours": len(neighbours),
        "largest_change_one_step_percent": largest,
        "smallest_change_one_step_percent": smallest,
        "flat": bool(math.isfinite(largest) and largest <= FLAT_PERCENT),
        "indistinguishable_points": int(table["indistinguishable_from_optimum"].sum()),
        "points_refined": len(table),
    }


def summary(
    table: pd.DataFrame,
    metric: str,
    limit: float,
    posts: int,
    scenario: Scenario,
    draw: EnsembleDraw | None = None,
) -> dict[str, Any]:
    refined = table[table["stage"] != "coarse"]
    optimum = refined[refined["optimum"].astype(bool)].iloc[0]
    flat = flatness(refined)
    return {
        "outcome": metric,
        "limit_gbp_per_year": limit,
        "posts": posts,
        "post_cost_gbp_per_year": post_cost_gbp_per_year(scenario),
        "staff_budget_gbp_per_year": posts * post_cost_gbp_per_year(scenario),
        "optimum": {
            "caseworker_posts": int(optimum["caseworker_posts"]),
            "duty_worker_posts": int(optimum["duty_worker_posts"]),
            "caseworker_share": float(optimum["caseworker_share"]),
            "threshold_active_needs": int(optimum["threshold_active_needs"]),
            "mean": float(optimum["mean"]),
            "ci95": [float(optimum["ci95_low"]), float(optimum["ci95_high"])],
            "probability_best": float(optimum["probability_best"]),
            **{f"{m}_mean": float(optimum[f"{m}_mean"]) for m in SIDE_METRICS},
        },
        "flatness": flat,
        "interval": describe(
            CHANCE if draw is None else PARAMETERS,
            0 if draw is None else len(draw.members),
            0 if draw is None else draw.reps,
        ),
        "stages": sorted(set(table["stage"]), key=lambda s: (s != "coarse", s)),
        "sentence": sentence(
            optimum, flat, metric, posts, 0 if draw is None else len(draw.members)
        ),
    }


def write_results(
    out: Path,
    coarse: dict[Key, dict[str, Any]],
    refined: dict[Key, dict[str, Any]],
    metric: str,
    limit: float,
    posts: int,
    scenario: Scenario,
    seed: int,
    draw: EnsembleDraw | None = None,
) -> dict[str, Any]:
    """The search's table, its summary and its figure, written into `out`; returns the
    summary."""
    from relsim.cli_options import clean_json
    from relsim.commission.figures import budget_figure
    from relsim.files import write_csv, write_json

    table = pd.concat([table_of(coarse, draw), uncertainty(refined, seed, draw)], ignore_index=True)
    result = summary(table, metric, limit, posts, scenario, draw)
    write_csv(out / TABLE, table)
    write_json(out / SUMMARY, clean_json(result))  # JSON has no NaN: null, as on stdout
    budget_figure(table, result, out / FIGURE)
    return result


def sentence(
    optimum: pd.Series, flat: dict[str, Any], metric: str, posts: int, sets: int = 0
) -> str:
    """The optimum in words; `sets` is the number of parameter sets behind its interval (0:
    chance only, over replications)."""
    ensemble = sets > 0
    threshold = int(optimum["threshold_active_needs"])
    routing = (
        "routing everyone who presents to caseworkers"
        if threshold == 0
        else f"routing people with {threshold} or more active needs to caseworkers"
    )
    caseworkers, duty = int(optimum["caseworker_posts"]), int(optimum["duty_worker_posts"])
    interval = (
        "no interval with one replication"
        if not (math.isfinite(optimum["ci95_low"]) and math.isfinite(optimum["ci95_high"]))
        else f"95 % interval {optimum['ci95_low']:.4g} to {optimum['ci95_high']:.4g}"
    )
    text = (
        f"With {_count(posts, 'post')}, {metric} is lowest with "
        f"{_count(caseworkers, 'caseworker')} and {_count(duty, 'duty worker')}, {routing}: "
        f"{optimum['mean']:.4g} ({interval}, "
        f"{'parameters and chance' if ensemble else 'chance only'}"
        f"); it came out best in {100 * optimum['probability_best']:.0f} % of resampled "
        f"{'parameter sets' if ensemble else 'replications'}{few_note(sets)}. There, crisis "
        f"events are {optimum['crisis_events_per_citizen_year_mean']:.3g} per citizen-year, "
        f"the total cost £{optimum['total_cost_per_citizen_year_mean']:,.0f} per citizen-year "
        f"and the mean wait {optimum['mean_wait_weeks_mean']:.3g} weeks. "
    )
    return text + flatness_sentence(flat, posts)


def few_note(sets: int) -> str:
    """What an interval and a share of resamples over so few parameter sets rest on."""
    if not few_sets(describe(PARAMETERS, sets, 1)):
        return ""
    return (
        f" (with only {sets} sets, the interval is close to the lowest and highest of their "
        f"{sets} results, and the share says how often the sets tried agree; more sets, "
        "--ensemble N, make both steadier)"
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def flatness_sentence(flat: dict[str, Any], posts: int) -> str:
    """How flat the surface is next to the optimum, or why that cannot be said: with one post
    there is no other split to try, and an outcome of zero (or none) at the optimum, or none
    next to it, gives no percentage change."""
    if flat["neighbours"] == 0:
        return (
            f"With {_count(posts, 'post')} there is no other split to try, so "
            "how flat the surface is cannot be judged from this one size."
        )
    if not math.isfinite(flat["largest_change_one_step_percent"]):
        return (
            "How flat the surface is cannot be judged: the outcome is zero or has no value at "
            "the optimum or next to it, so the change one step away cannot be put as a "
            f"percentage; {flat['indistinguishable_points']} of the {flat['points_refined']} "
            "points of the pattern search cannot be told apart from it."
        )
    shape = f"flat (within {FLAT_PERCENT:g} %)" if flat["flat"] else "not flat"
    return (
        "At the nearest points tried (the next split either side, one threshold either side) "
        f"the outcome is {flat['smallest_change_one_step_percent']:.1f} to "
        f"{flat['largest_change_one_step_percent']:.1f} % away from it, so the surface is "
        f"{shape} there; {flat['indistinguishable_points']} of the {flat['points_refined']} "
        "points of the pattern search cannot be told apart from it (their paired 95 % "
        "intervals include zero)."
    )
