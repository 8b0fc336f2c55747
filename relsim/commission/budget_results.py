"""What a budget search found, and the files it writes: every point tried in a table; the
refined points' paired differences from the optimum and how often each comes out best when the
replications (or parameter sets) are resampled; how flat the surface is next to the optimum;
and the summary with its sentence. The search itself is `relsim.commission.budget`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from relsim.commission.budget import FIGURE, SIDE_METRICS, SUMMARY, TABLE, Key, best_key
from relsim.commission.resources import post_cost_gbp_per_year
from relsim.config import Scenario
from relsim.evidence.ensemble import sets_of
from relsim.evidence.intervals import (
    CHANCE,
    METRIC_FLOOR,
    PARAMETERS,
    describe,
    few_sets,
    interval,
)
from relsim.metrics import IN_WORDS

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw

BOOTSTRAP = 2000
FLAT_PERCENT = 2.0


def table_of(points: dict[Key, dict[str, Any]], draw: EnsembleDraw | None = None) -> pd.DataFrame:
    rows = []
    for (c, t), entry in sorted(points.items(), key=lambda item: (item[1]["stage"], item[0])):
        values = entry["values"].dropna()
        summary = interval(values.tolist(), sets_of(draw, values.index), METRIC_FLOOR)
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
        "sentence": f"In {scenario.name} ({scenario.population.citizens:,} citizens): "
        + sentence(optimum, flat, metric, posts, 0 if draw is None else len(draw.members)),
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


def _number(value: float) -> str:
    """Four significant figures, without an exponent: pounds a citizen-year run to five."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


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
        "no interval: one replication, or too few with a value"
        if not (math.isfinite(optimum["ci95_low"]) and math.isfinite(optimum["ci95_high"]))
        else f"95 % interval {_number(optimum['ci95_low'])} to {_number(optimum['ci95_high'])}"
    )
    text = (
        f"With {_count(posts, 'post')}, the measure searched "
        f"({IN_WORDS.get(metric, metric)}, {metric}) is lowest with "
        f"{_count(caseworkers, 'caseworker')} and {_count(duty, 'duty worker')}, {routing}: "
        f"{_number(optimum['mean'])} ({interval}, "
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
            f"percentage; {_others_alike(flat)} cannot be told apart from it."
        )
    shape = f"flat (within {FLAT_PERCENT:g} %)" if flat["flat"] else "not flat"
    return (
        "At the nearest points tried (the next split either side, one threshold either side) "
        f"the outcome is {flat['smallest_change_one_step_percent']:.1f} to "
        f"{flat['largest_change_one_step_percent']:.1f} % away from it, so the surface is "
        f"{shape} there; {_others_alike(flat)} cannot be told apart from it (their paired "
        "95 % intervals include zero)."
    )


def _others_alike(flat: dict[str, Any]) -> str:
    """How many of the other points searched cannot be told from the optimum (the count in
    `flatness` includes the optimum itself)."""
    return (
        f"{flat['indistinguishable_points'] - 1} of the other {flat['points_refined'] - 1} "
        "points of the pattern search"
    )
