"""The staffing frontier: each care model (and the hybrid) run over a range of workforce sizes,
with crisis demand and total cost against what the staff cost, and where each model is the
better buy.

Every series sweeps `workforce.workers` with the sweep machinery, the same seeds at every point
and in every series (common random numbers), so at each size the models are compared
replication by replication. At a size where the staff budgets are equal, a model is the better
buy on a measure when its mean is lowest and every other model's paired difference from it is
clearly above zero (its 95 % interval excludes zero); otherwise the lowest is named but "not
clearly", or, where a difference has no interval (one replication) or there is only one model,
"cannot be judged". The cost-effectiveness frontier is the set of points that no other point
beats on both crisis demand and total cost; a series with no services (`care_model: none`) is on
the plane once, as the reference, and is not one of the buys compared.

Over the calibrated ensemble (the default), every series and size runs the same parameter sets,
and every interval, the paired ones included, is the central 95 % of the sets' results
(parameters and chance); with `--ensemble 0` it is the t-interval over replications (chance).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from relsim.commission.lowest import (
    at_point,
    below_first_counts,
    clearly_best,
    counted,
    lowest_counts,
    set_means,
)
from relsim.commission.resources import check_same_population, posts_words, resources
from relsim.commission.spend import MAX_POSTS
from relsim.commission.study import check_same_work, check_series_names, paired
from relsim.config import ScenarioError, validate_data
from relsim.config.loading import load_raw
from relsim.evidence.ensemble import draw_for, sets_of
from relsim.evidence.intervals import (
    CHANCE,
    METRIC_FLOOR,
    PARAMETERS,
    describe,
    few_sets,
    interval,
)
from relsim.evidence.options import shared_reps_per_set
from relsim.io import portable_path
from relsim.sweep.design import check_not_also_set, grid_design, point_scenario
from relsim.sweep.run import SweepPlan
from relsim.target_checks import same_name_key

if TYPE_CHECKING:
    pass

KIND = "relsim frontier"
KEY = "workforce.workers"
DEFAULT_SCENARIOS = ("baseline", "liberated", "hybrid")
DEFAULT_WORKFORCE = "6,12,19,26,33,40"
MEASURES = {
    "crisis_events_per_citizen_year": "crisis events per citizen-year",
    "total_cost_per_citizen_year": "total cost, GBP per citizen-year",
}
EXTRA = (
    "staff_cost_per_citizen_year",
    "crisis_cost_per_citizen_year",
    "mean_burnout",
    # whether the posts are enough for the demand: a better buy that leaves people waiting
    # months for a caseworker is a result of too few posts as much as of its way of working
    "mean_wait_weeks",
    "unmet_hours_share",
)
TABLE, BETTER, FIGURE = "frontier.csv", "better_buy.csv", "frontier.png"
CHOICE = "incremental.csv"
OWN = (TABLE, BETTER, CHOICE, FIGURE)


def plans(
    paths: Sequence[Path],
    workforce: str,
    sets: Sequence[str],
    reps: int,
    seed: int | None,
    parameter_sets: int | None = None,
) -> tuple[int, list[tuple[str, SweepPlan]]]:
    """One sweep of the workforce per scenario, all checked before anything runs. With
    `parameter_sets`, each runs them (the same in every series), `reps` shared among them."""
    design = workforce_design(workforce)
    check_not_also_set([KEY], sets, "--workforce")
    found = []
    loaded = []
    for path in paths:
        base = load_raw(path, sets)
        loaded.append(validate_data(base, str(path)))
        found.append((path, base))
    check_same_population(loaded)
    root = loaded[0].seed if seed is None else seed
    names = [s.name for s in loaded]
    if len({same_name_key(n) for n in names}) != len(names):
        raise ScenarioError(f"frontier: the scenarios need distinct names (got {names})")
    check_series_names(names, OWN, "frontier")
    made = []
    for (path, base), scenario in zip(found, loaded, strict=True):
        sizes, grid = design, workforce
        if scenario.care_model == "none":  # no posts to size: one point is the reference
            sizes = design.iloc[:1].reset_index(drop=True)
            grid = str(sizes[KEY].iloc[0])
        spec: dict[str, Any] = {"grid": [f"{KEY}={grid}"], "study": "frontier"}
        draw = None
        if parameter_sets:
            per_set = shared_reps_per_set(reps, parameter_sets)
            draw = draw_for(parameter_sets, per_set, root, base, [KEY])
            spec["ensemble"] = draw.describe()
        runs = reps if draw is None else draw.runs
        plan = SweepPlan(portable_path(path), base, sizes, "grid", spec, runs, root, ensemble=draw)
        made.append((scenario.name, plan))
    return root, made


def check_resumed(
    out: Path,
    plans_: Sequence[tuple[str, SweepPlan]],
    recorded: dict[str, Any],
) -> None:
    """--resume finishes only the frontier stored in `out`: the same scenarios, sizes,
    replications, seed, --set values and parameter sets as its manifest records."""
    series = [name for name, _ in plans_]
    check_same_work(
        out,
        series,
        {
            "series": ("the scenarios", series),
            "workforce": ("--workforce", recorded["workforce"]),
            "reps": ("--reps", recorded["reps"]),
            "seed": ("--seed", recorded["seed"]),
            "sets": ("--set", recorded["sets"]),
            "interval": ("--ensemble", interval_record(plans_)),
        },
    )


def workforce_design(workforce: str) -> pd.DataFrame:
    """The sizes of `--workforce` as a one-key grid design: whole numbers of posts, at least one
    each; a mistake is named as the option the user typed."""
    shown = f"--workforce {workforce}"
    try:
        design = grid_design([f"{KEY}={workforce}"])
    except ScenarioError as exc:
        detail = str(exc).split(": ", 1)[-1]
        if "KEY=" in detail:
            detail = "expected N1,N2,... or START:STOP:STEP"
        raise ScenarioError(f"{shown}: {detail}") from None
    sizes = []
    for size in design[KEY]:
        whole = isinstance(size, int | np.integer | float) and float(size).is_integer()
        if isinstance(size, bool) or not whole:
            raise ScenarioError(f"{shown}: {size!r} is not a whole number of posts")
        if size < 1:
            raise ScenarioError(f"{shown}: every size needs at least one post")
        if size > MAX_POSTS:  # said as the option typed, not as the sweep's "design point 0"
            raise ScenarioError(
                f"{shown}: {int(size):,} posts; a district has at most {MAX_POSTS:,}"
            )
        sizes.append(int(size))
    design[KEY] = pd.Series(sizes, dtype="int64", index=design.index)
    return design


def interval_record(plans_: Sequence[tuple[str, SweepPlan]]) -> dict[str, Any]:
    """Which interval the frontier's tables hold, for its manifest."""
    draw = plans_[0][1].ensemble
    if draw is None:
        return describe(CHANCE)
    return describe(PARAMETERS, len(draw.members), draw.reps)


def frontier_table(
    plans_: Sequence[tuple[str, SweepPlan]], runs: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Per series and workforce size: its resources and each measure's mean and interval."""
    rows = []
    for series, plan in plans_:
        table = runs[series]
        for point in range(len(plan.design)):
            scenario = plan.scenario(point)
            if point > 0 and not serves(plan):
                break  # no posts: every size is the same point, shown once
            found = resources(scenario)
            group = table[(table["point"] == point) & (table["status"] == "ok")]
            kinds = sets_of(plan.ensemble, group["replication"])
            row: dict[str, Any] = {
                "series": series,
                "care_model": scenario.care_model,
                "posts": found["posts"],
                "caseworker_posts": found["caseworker_posts"],
                "staff_budget_gbp_per_year": found["staff_budget_gbp_per_year"],
                "staff_budget_gbp_per_citizen_year": found["staff_budget_gbp_per_citizen_year"],
                "runs_ok": len(group),
                "interval": CHANCE if kinds is None else PARAMETERS,
            }
            for metric in (*MEASURES, *EXTRA):
                summary = interval(group[metric].tolist(), kinds, METRIC_FLOOR)
                ci = summary["ci95"] or [np.nan, np.nan]
                row[f"{metric}_mean"] = np.nan if summary["mean"] is None else summary["mean"]
                row[f"{metric}_ci95_low"], row[f"{metric}_ci95_high"] = ci
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame["on_frontier"] = on_frontier(frame)
    return frame


def choice_table(
    plans_: Sequence[tuple[str, SweepPlan]], runs: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Which model at which size to choose at each price on a crisis avoided: every series at
    every workforce size is one option (a series with no services once), and the options go
    through the incremental analysis of relsim.evidence.incremental, over the runs every
    option finished (the same seeds and parameter sets in all of them)."""
    from relsim.evidence.incremental import incremental

    options: dict[str, pd.DataFrame] = {}
    sizes: dict[str, tuple[str, int]] = {}
    for series, plan in plans_:
        table = runs[series]
        for point, size in enumerate(plan.design[KEY].tolist()):
            if point > 0 and not serves(plan):
                break  # no posts: every size is the same option
            name = f"{series} at {posts_words(int(size))}" if serves(plan) else series
            options[name] = table[table["point"] == point].assign(point=0)
            sizes[name] = (series, int(size) if serves(plan) else 0)
    draw = plans_[0][1].ensemble
    found = incremental(options, [], None if draw is None else draw.reps).drop(columns="point")
    found.insert(1, "scenario", [sizes[name][0] for name in found["series"]])
    found.insert(2, "posts", [sizes[name][1] for name in found["series"]])
    return found.rename(columns={"series": "option"})


def serves(plan: SweepPlan) -> bool:
    """Whether a series has services (posts to size): one with `care_model: none` has none, so
    its workforce size changes nothing and it has no staff budget to compare at equal spend."""
    return bool(plan.scenario(0).care_model != "none")


def compared(plans_: Sequence[tuple[str, SweepPlan]]) -> list[tuple[str, SweepPlan]]:
    """The series compared at equal staff budgets: those with services. A series without is
    the reference point on the frontier, not a buy."""
    return [(series, plan) for series, plan in plans_ if serves(plan)]


def on_frontier(frame: pd.DataFrame) -> np.ndarray:
    """Points no other point beats on both crisis demand and total cost (the efficient set)."""
    crisis = frame["crisis_events_per_citizen_year_mean"].to_numpy(float)
    cost = frame["total_cost_per_citizen_year_mean"].to_numpy(float)
    keep = np.ones(len(frame), dtype=bool)
    for i in range(len(frame)):
        beaten = (
            (crisis <= crisis[i]) & (cost <= cost[i]) & ((crisis < crisis[i]) | (cost < cost[i]))
        )
        keep[i] = np.isfinite(crisis[i]) and np.isfinite(cost[i]) and not beaten.any()
    return keep


def better_buy(
    plans_: Sequence[tuple[str, SweepPlan]], runs: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """At each workforce size where every series has the same staff budget: per measure, the
    series with the lowest mean, whether it is clearly lowest (paired intervals), and under how
    many parameter sets (or replications, chance only) each series is the lowest and each later
    one is below the first. Whether clearly is left empty where it cannot be judged: with one
    series (nothing to compare), or where a paired difference has no interval (one replication,
    or one parameter set). Series with no services are left out (see `compared`)."""
    plans_ = compared(plans_) or list(plans_)
    sizes = plans_[0][1].design[KEY].tolist()
    ensemble = plans_[0][1].ensemble  # the same parameter sets in every series
    rows = []
    for point, size in enumerate(sizes):
        budgets = {
            series: resources(point_scenario(plan.base, plan.design, point))[
                "staff_budget_gbp_per_citizen_year"
            ]
            for series, plan in plans_
        }
        equal = max(budgets.values()) - min(budgets.values()) <= 1e-6 * max(budgets.values())
        row: dict[str, Any] = {
            "posts": size,
            "staff_budget_gbp_per_citizen_year": next(iter(budgets.values())),
            "equal_staff_budget": equal,
        }
        for metric in MEASURES:
            values = {s: at_point(paired(runs[s], metric), point) for s, _ in plans_}
            means = {s: float(v.mean()) for s, v in values.items()}
            if not all(np.isfinite(mean) for mean in means.values()):  # a series has no run
                row[f"{metric}_best"], row[f"{metric}_clearly"] = "", False
                continue
            best = min(means, key=means.__getitem__)
            row[f"{metric}_best"] = best
            row[f"{metric}_clearly"] = clearly_best(values, best, ensemble, equal)
            # the sets (or replications) every series ran, one column a series
            by_set = pd.DataFrame({s: set_means(v, ensemble) for s, v in values.items()}).dropna()
            row[f"{metric}_lowest_in"] = counted(lowest_counts(by_set), len(by_set))
            row[f"{metric}_below_first_in"] = counted(below_first_counts(by_set), len(by_set))
        crisis, cost = (row[f"{m}_best"] for m in MEASURES)
        # with one series there is nothing to be better than
        row["better_buy"] = crisis if crisis == cost and len(plans_) > 1 else ""
        judged = [row[f"{m}_clearly"] for m in MEASURES]
        row["better_buy_clearly"] = (
            None if None in judged and crisis == cost else bool(crisis == cost and all(judged))
        )
        rows.append(row)
    return pd.DataFrame(rows)


def write_results(
    out: Path,
    plans_: Sequence[tuple[str, SweepPlan]],
    runs: dict[str, pd.DataFrame],
    max_wait_weeks: float | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """The frontier's table, its better buys and its figure, written into `out` from the
    series' runs; returns the sentences to show (with `max_wait_weeks`, the posts each scenario
    needs for a wait within it too) and what the manifest records of the better buys."""
    from relsim.commission.figures import frontier_figure
    from relsim.files import write_csv

    table = frontier_table(plans_, runs)
    better = better_buy(plans_, runs)
    write_csv(out / TABLE, table)
    write_csv(out / BETTER, better)
    write_csv(out / CHOICE, choice_table(plans_, runs))
    frontier_figure(table, better, out / FIGURE)
    record = interval_record(plans_)
    lines = sentences(better, [series for series, _ in compared(plans_)], few_sets(record))
    shown = list(lines)
    if max_wait_weeks is not None:
        shown += [
            f"Posts for a mean wait within {max_wait_weeks:g} weeks, of the sizes run:",
            *wait_sentences(table, max_wait_weeks),
        ]
    return shown, {"better_buy": lines, "interval": record}


def _weeks(value: float, limit_weeks: float) -> str:
    """A wait to one decimal, or to as many as it takes to stay above a smaller limit (0.0
    weeks read as within a limit of 0.001)."""
    digits = 1
    while round(value, digits) <= limit_weeks and digits < 6:
        digits += 1
    return f"{value:.{digits}f}"


def wait_sentences(table: pd.DataFrame, limit_weeks: float) -> list[str]:
    """For each series with services: the fewest posts, among the sizes run, at which the mean
    completed wait is at most `limit_weeks`, with its interval (and whether the interval too is
    within it); or that no size run is enough, with the shortest wait found and its size."""
    lines = []
    for series, rows in table.groupby("series", sort=False):
        rows = rows[rows["posts"] > 0].sort_values("posts")
        waits = rows["mean_wait_weeks_mean"]
        if rows.empty or waits.isna().all():
            continue
        within = rows[waits <= limit_weeks]
        if within.empty:
            best = rows.loc[waits.idxmin()]
            lines.append(
                f"{series}: no size run keeps the mean wait within {limit_weeks:g} weeks; the "
                f"shortest is {_weeks(best['mean_wait_weeks_mean'], limit_weeks)} weeks, at "
                f"{posts_words(int(best['posts']))}"
            )
            continue
        row = within.iloc[0]
        low, high = row["mean_wait_weeks_ci95_low"], row["mean_wait_weeks_ci95_high"]
        shown = "" if pd.isna(low) else f" (95 % interval {low:.1f} to {high:.1f})"
        if pd.isna(high):
            sure = ""
        elif high <= limit_weeks:
            sure = ", its interval within it too"
        else:
            sure = ", though its interval reaches beyond it"
        smaller = "the fewest of the sizes run" if row["posts"] > rows["posts"].min() else (
            "the smallest size run: fewer may do"
        )  # fmt: skip
        lines.append(
            f"{series}: {posts_words(int(row['posts']))} ({smaller}) "
            f"keep{'s' if row['posts'] == 1 else ''} the mean wait within "
            f"{limit_weeks:g} weeks: {row['mean_wait_weeks_mean']:.1f} weeks{shown}{sure}"
        )
    return lines


def sentences(
    better: pd.DataFrame, models: Sequence[str] = (), few: int | None = None
) -> list[str]:
    """Where each model is the better buy, in words; with fewer than two `models` (the series
    with services), that there is nothing to compare. With `few` parameter sets behind the
    intervals, what "clearly" then rests on."""
    if len(models) < 2:
        only = f"only {models[0]} has" if models else "no scenario has"
        return [
            f"No better buy to name: {only} services to staff, so there is nothing to compare "
            "it with; frontier.csv and the plot show how its outcomes change with posts"
        ]
    lines = []
    for row in better.itertuples(index=False):
        posts = (
            f"{posts_words(int(row.posts))} (£{row.staff_budget_gbp_per_citizen_year:,.0f} per "
            "citizen-year)"
        )
        crisis = row.crisis_events_per_citizen_year_best
        cost = row.total_cost_per_citizen_year_best
        if not row.equal_staff_budget:
            lines.append(f"{posts}: staff budgets differ between the models; compare on the plot")
        elif not (crisis and cost):
            lines.append(f"{posts}: no comparison: a model has no successful run at this size")
        elif row.better_buy and pd.isna(row.better_buy_clearly):
            lines.append(
                f"{posts}: {row.better_buy} has the fewest crises and the lowest total cost of "
                "the models at this size, but whether the difference is clear cannot be judged: "
                "with one replication (or parameter set) there is no interval"
            )
        elif row.better_buy:
            how = (
                "clearly"
                if row.better_buy_clearly
                else "not clearly (a paired difference's 95 % interval includes zero)"
            )
            lines.append(
                f"{posts}: {row.better_buy} is the better buy, {how}: fewest crises and "
                "lowest total cost of the models at this size (against every option, sizes "
                "included: incremental.csv)"
            )
        else:
            lines.append(
                f"{posts}: a trade-off: {crisis} has the fewest crises, {cost} the lowest "
                "total cost"
            )
    if few and any(better["better_buy_clearly"].fillna(False)):
        lines.append(
            f"Over only {few} parameter sets, each interval is close to the lowest and highest "
            f"of their {few} results: 'clearly' says the sets tried agree, not that a 95 % "
            "interval was measured; more sets (--ensemble N) make it steadier"
        )
    return lines
