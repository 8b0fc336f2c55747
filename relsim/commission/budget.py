"""The best balance under a budget: for the hybrid, the split of the workforce between
caseworkers and duty workers, and the routing threshold, that minimise a chosen outcome when
the staff budget buys a given number of posts.

The budget fixes the posts (as many as it pays for a year). The search runs on the sweep
machinery in two stages, with the same seeds at every point (common random numbers):

1. a coarse grid: caseworker shares 0, 1/4, 1/2, 3/4 and 1 of the posts, every threshold 1-6;
2. a finer grid around the best coarse point: caseworker posts a quarter and half a coarse step
   either side, thresholds one either side, with the full replications.

The surface is small (posts + 1 splits x 7 thresholds) and noisy, and its points are whole
numbers, so a local grid on common random numbers finds and describes the optimum more
robustly than a general-purpose optimiser would, and it says how flat the surface is there.

The optimum is reported with its 95 % interval; with the paired difference of every refined
point from it (a point whose interval includes zero cannot be told apart from it); with how
often each point comes out best when the replications are resampled (a bootstrap); and with how
much the outcome changes one step away.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.commission.resources import post_cost_gbp_per_year
from relsim.commission.study import paired
from relsim.config import Scenario, ScenarioError, validate_data
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.io import portable_path
from relsim.stats import mean_ci95
from relsim.sweep.run import SweepPlan

KIND = "relsim budget"
SHARE = "hybrid.caseworker_share_of_workforce"
THRESHOLD = "hybrid.complexity_threshold_active_needs"
WORKERS = "workforce.workers"
COARSE_SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
THRESHOLDS = (1, 2, 3, 4, 5, 6)
TABLE, SUMMARY, FIGURE = "budget.csv", "budget.json", "budget.png"
OWN = (TABLE, SUMMARY, FIGURE)
STAGES = ("coarse", "refine")
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
            f"--limit £{limit:,.0f} a year does not pay for one post (£{cost:,.0f} a year at "
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


def coarse_design(posts: int) -> pd.DataFrame:
    caseworkers = sorted({round(posts * share) for share in COARSE_SHARES})
    rows = [
        {WORKERS: posts, SHARE: c / posts, THRESHOLD: t} for c in caseworkers for t in THRESHOLDS
    ]
    return pd.DataFrame(rows)


def refine_design(posts: int, best_caseworkers: int, best_threshold: int) -> pd.DataFrame:
    step = max(1.0, posts / (len(COARSE_SHARES) - 1))
    offsets = (-step / 2, -step / 4, 0.0, step / 4, step / 2)
    caseworkers = sorted({min(posts, max(0, round(best_caseworkers + d))) for d in offsets})
    thresholds = [
        t for t in (best_threshold - 1, best_threshold, best_threshold + 1) if 0 <= t <= 6
    ]
    rows = [
        {WORKERS: posts, SHARE: c / posts, THRESHOLD: t} for c in caseworkers for t in thresholds
    ]
    return pd.DataFrame(rows)


def plan(path: Path, base: dict[str, Any], design: pd.DataFrame, stage: str, reps: int,
         seed: int, spec: dict[str, Any]) -> SweepPlan:  # fmt: skip
    return SweepPlan(
        portable_path(path), base, design, "file", {**spec, "stage": stage}, reps, seed
    )


def points(plan_: SweepPlan, runs: pd.DataFrame, metric: str, stage: str) -> pd.DataFrame:
    """One row per design point: its split, threshold and the metric's mean and interval."""
    values = paired(runs, metric)
    rows = []
    for point in range(len(plan_.design)):
        posts = int(plan_.design[WORKERS].iloc[point])
        share = float(plan_.design[SHARE].iloc[point])
        found = values.loc[point].tolist() if point in values.index else []
        summary = mean_ci95(found)
        ci = summary["ci95"] or [np.nan, np.nan]
        rows.append(
            {
                "stage": stage,
                "point": point,
                "posts": posts,
                "caseworker_posts": round(posts * share),
                "duty_worker_posts": posts - round(posts * share),
                "caseworker_share": share,
                "threshold_active_needs": int(plan_.design[THRESHOLD].iloc[point]),
                "replications": len(found),
                "mean": np.nan if summary["mean"] is None else summary["mean"],
                "ci95_low": ci[0],
                "ci95_high": ci[1],
            }
        )
    return pd.DataFrame(rows)


def best_of(table: pd.DataFrame) -> pd.Series:
    finite = table[np.isfinite(table["mean"])]
    if finite.empty:
        raise ScenarioError("budget: no design point gave a value of the outcome")
    return finite.loc[finite["mean"].idxmin()]


def uncertainty(refined: pd.DataFrame, runs: pd.DataFrame, metric: str, seed: int) -> pd.DataFrame:
    """Paired difference of each refined point from the optimum, and how often each is best
    when replications are resampled."""
    values = paired(runs, metric).reindex(index=refined["point"])
    matrix = values.to_numpy(float)
    best = int(np.nanargmin(np.nanmean(matrix, axis=1)))
    table = refined.copy()
    lows, highs, means = [], [], []
    for row in matrix:
        summary = mean_ci95((row - matrix[best]).tolist())
        ci = summary["ci95"] or [np.nan, np.nan]
        means.append(np.nan if summary["mean"] is None else summary["mean"])
        lows.append(ci[0])
        highs.append(ci[1])
    table["difference_from_optimum"] = means
    table["difference_ci95_low"] = lows
    table["difference_ci95_high"] = highs
    table["indistinguishable_from_optimum"] = [
        bool(i == best or not (low > 0)) for i, low in enumerate(lows)
    ]
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


def flatness(table: pd.DataFrame) -> dict[str, Any]:
    """How much the outcome changes one step away from the optimum (a quarter of a coarse step
    in caseworker posts, or one in the threshold)."""
    optimum = table.loc[table["difference_from_optimum"].abs().idxmin()]
    splits = sorted(table["caseworker_posts"].unique())
    i = splits.index(optimum["caseworker_posts"])
    near_splits = {splits[j] for j in (i - 1, i + 1) if 0 <= j < len(splits)}
    t = optimum["threshold_active_needs"]
    neighbours = table[
        ((table["caseworker_posts"].isin(near_splits)) & (table["threshold_active_needs"] == t))
        | (
            (table["caseworker_posts"] == optimum["caseworker_posts"])
            & ((table["threshold_active_needs"] - t).abs() == 1)
        )
    ]
    value = optimum["mean"]
    changes = (neighbours["difference_from_optimum"] / abs(value) * 100).to_numpy(float)
    largest = float(np.nanmax(np.abs(changes))) if changes.size else float("nan")
    indistinct = int(table["indistinguishable_from_optimum"].sum())
    return {
        "neighbours": int(changes.size),
        "largest_change_one_step_percent": largest,
        "smallest_change_one_step_percent": float(np.nanmin(np.abs(changes)))
        if changes.size
        else float("nan"),
        "flat": bool(math.isfinite(largest) and largest <= FLAT_PERCENT),
        "indistinguishable_points": indistinct,
        "points_refined": len(table),
    }


def summary(
    table: pd.DataFrame, metric: str, limit: float, posts: int, scenario: Scenario
) -> dict[str, Any]:
    refined = table[table["stage"] == "refine"]
    optimum = refined.loc[refined["difference_from_optimum"].abs().idxmin()]
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
        },
        "flatness": flat,
        "sentence": sentence(optimum, flat, metric, posts),
    }


def sentence(optimum: pd.Series, flat: dict[str, Any], metric: str, posts: int) -> str:
    text = (
        f"With {posts} posts, {metric} is lowest with {int(optimum['caseworker_posts'])} "
        f"caseworkers and {int(optimum['duty_worker_posts'])} duty workers, routing people with "
        f"{int(optimum['threshold_active_needs'])} or more active needs to caseworkers: "
        f"{optimum['mean']:.4g} (95 % interval {optimum['ci95_low']:.4g} to "
        f"{optimum['ci95_high']:.4g}); it came out best in "
        f"{100 * optimum['probability_best']:.0f} % of resampled replications. "
    )
    shape = f"flat (within {FLAT_PERCENT:g} %)" if flat["flat"] else "not flat"
    text += (
        "One step away (a quarter of a coarse step in caseworker posts, or one in the threshold) "
        f"the outcome changes by {flat['smallest_change_one_step_percent']:.1f} to "
        f"{flat['largest_change_one_step_percent']:.1f} %, so the surface is {shape} near it; "
        f"{flat['indistinguishable_points']} of the {flat['points_refined']} refined points "
        "cannot be told apart from it (their paired 95 % intervals include zero)."
    )
    return text


def plot(table: pd.DataFrame, result: dict[str, Any], path: Path) -> None:
    """The coarse surface as a grid of numbers (readable without colour), the refined points
    beside it, the optimum marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.patches
    import matplotlib.pyplot as plt

    from relsim.files import write_figure
    from relsim.report.figures import style

    metric = result["outcome"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    coarse = table[table["stage"] == "coarse"]
    grid = coarse.pivot(index="threshold_active_needs", columns="caseworker_posts", values="mean")
    ax = axes[0]
    image = ax.imshow(grid.to_numpy(float), cmap="Greys", aspect="auto", origin="lower", alpha=0.6)
    for (i, j), value in np.ndenumerate(grid.to_numpy(float)):
        ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns])
    ax.set_yticks(range(len(grid.index)), [str(t) for t in grid.index])
    ax.set_xlabel(f"caseworker posts (of {result['posts']}; the rest are duty workers)")
    ax.set_ylabel("route to caseworkers at this many active needs or more")
    ax.set_title(f"Coarse search: mean {metric}", fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8)
    best = result["optimum"]
    columns, rows = list(grid.columns), list(grid.index)
    if best["caseworker_posts"] in columns and best["threshold_active_needs"] in rows:
        j, i = columns.index(best["caseworker_posts"]), rows.index(best["threshold_active_needs"])
        ax.add_patch(
            matplotlib.patches.Rectangle(
                (j - 0.5, i - 0.5), 1, 1, fill=False, linewidth=2.5, edgecolor="black"
            )
        )
    ax = axes[1]
    refined = table[table["stage"] == "refine"]
    for k, (threshold, part) in enumerate(refined.groupby("threshold_active_needs")):
        part = part.sort_values("caseworker_posts")
        s = style(k)
        mean = part["difference_from_optimum"]
        ax.errorbar(
            part["caseworker_posts"] + 0.04 * (k - 1), mean,
            yerr=[(mean - part["difference_ci95_low"]).fillna(0),
                  (part["difference_ci95_high"] - mean).fillna(0)],
            color=s["color"], linestyle=s["linestyle"], marker=s["marker"], capsize=3,
            label=f"threshold {threshold}",
        )  # fmt: skip
    ax.plot(
        best["caseworker_posts"], 0, marker="*", markersize=16, color="black",
        linestyle="none", label="optimum",
    )  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("caseworker posts")
    ax.set_ylabel("difference from the optimum (paired 95 % interval)")
    ax.set_title(f"Refined search: {metric} at each point minus at the optimum", fontsize=9)
    ax.grid(linestyle=":", linewidth=0.5)
    ax.legend(fontsize=7)
    fig.suptitle(
        f"Best balance of the hybrid for a staff budget of "
        f"£{result['staff_budget_gbp_per_year']:,.0f} a year ({result['posts']} posts)",
        fontsize=10,
    )
    fig.tight_layout()
    write_figure(path, fig)
    plt.close(fig)
