"""Every number docs/commissioning.md quotes from its worked examples is checked against the
files the commands wrote (docs/commissioning/frontier: `frontier.csv`, `better_buy.csv`,
`incremental.csv`; docs/commissioning/budget: `budget.json`), to the precision the page gives
it."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from relsim.sweep.run import SweepPlan
from tests.quoted_numbers import Quote, check

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "docs" / "commissioning"
CRISES, COST = "crisis_events_per_citizen_year", "total_cost_per_citizen_year"
Value = Callable[[object], float]


@cache
def frontier() -> pd.DataFrame:
    return pd.read_csv(FILES / "frontier" / "frontier.csv")


@cache
def better_buy() -> pd.DataFrame:
    return pd.read_csv(FILES / "frontier" / "better_buy.csv").set_index("posts")


@cache
def choice() -> pd.DataFrame:
    return pd.read_csv(FILES / "frontier" / "incremental.csv").set_index("option")


def chosen_under(option: str, price: int) -> Value:
    """Under how many of the 10 parameter sets `option` is the one to choose at `price`."""
    return lambda _: 10 * float(choice().loc[option, f"best_at_{price}_gbp_share"])


@cache
def budget() -> dict:
    return json.loads((FILES / "budget" / "budget.json").read_text())


def at_size(series: str, posts: int, column: str) -> float:
    """frontier.csv's `column` for `series` at `posts`."""
    table = frontier()
    row = table[(table["series"] == series) & (table["posts"] == posts)]
    return float(row[column].iloc[0])


def mean(series: str, posts: int, metric: str) -> Value:
    return lambda _: at_size(series, posts, f"{metric}_mean")


def counted(posts: int, column: str, model: str) -> Value:
    """`model`'s count in a `*_lowest_in` or `*_below_first_in` cell ("liberated 3, ...")."""

    def value(_: object) -> float:
        cell = str(better_buy().loc[posts, column])
        found = re.search(rf"\b{model} (\d+)", cell)
        assert found, (posts, column, cell)
        return float(found.group(1))

    return value


def optimum(key: str, index: int | None = None, scale: float = 1.0) -> Value:
    def value(_: object) -> float:
        found = budget()["optimum"][key]
        return float(found if index is None else found[index]) * scale

    return value


def from_budget(*keys: str) -> Value:
    def value(_: object) -> float:
        found = budget()
        for key in keys:
            found = found[key]
        return float(found)

    return value


POSTS = (6, 12, 19, 26, 33, 40)
BELOW = {m: f"{m}_below_first_in" for m in (CRISES, COST)}


def stage_points(stage: str, sets: int) -> Value:
    """How many points of budget.csv's stages named `stage`..., each run on `sets` sets."""

    def value(_: object) -> float:
        table = pd.read_csv(FILES / "budget" / "budget.csv")
        mine = table[table["stage"].str.startswith(stage)]
        assert set(mine["replications"]) == {sets}
        return float(len(mine))

    return value


def hybrid_study_at_bundled_threshold(_: object) -> float:
    """The bundled hybrid's crises in results.md's hybrid study (16 parameter sets), at the
    threshold the bundled scenario sets."""
    from relsim import bundled
    from relsim.config import load_scenario

    threshold = load_scenario(
        bundled.resolve("scenarios", Path("hybrid"))
    ).hybrid.complexity_threshold_active_needs
    summary = pd.read_csv(ROOT / "docs" / "results" / "hybrid_balance" / "summary.csv")
    row = summary[summary["hybrid.complexity_threshold_active_needs"] == threshold]
    assert len(row) == 1 and set(row["interval"]) == {"parameters and chance"}
    return float(row[f"{CRISES}_mean"].iloc[0])


QUOTES = (
    Quote(
        "frontier",
        "people wait {18.6} weeks for one on average ({63} weeks at 6 posts), against {1.7} weeks "
        "for any wait under assess-do-refer at 6 posts and {1.25} on average from 12 posts on",
        (
            mean("liberated", 40, "mean_wait_weeks"),
            mean("liberated", 6, "mean_wait_weeks"),
            mean("baseline", 6, "mean_wait_weeks"),
            lambda _: sum(mean("baseline", p, "mean_wait_weeks")(None) for p in POSTS[1:]) / 5,
        ),
    ),
    Quote(
        "frontier",
        "fewer crises than assess-do-refer under {1} of the 10 parameter sets at 12 posts, {3} at "
        "19, {9} at 26 and all {10} at 33 and 40, and a lower total cost under {1}, {3}, "
        "{7}, {9} and {10}",
        (
            *(counted(p, BELOW[CRISES], "liberated") for p in (12, 19, 26, 33)),
            *(counted(p, BELOW[COST], "liberated") for p in (12, 19, 26, 33, 40)),
        ),
    ),
    Quote(
        "frontier",
        "(about {2.88} crisis events per citizen-year from 12 to 40)",
        (lambda _: sum(mean("baseline", p, CRISES)(None) for p in POSTS[1:]) / 5,),
    ),
    Quote(
        "frontier",
        "(£{5,560} per citizen-year at 6 posts, £{7,140} at 40). The Liberated Method's crises "
        "keep falling as posts are added ({3.10} at 6 posts, {2.49} at 40) while its total cost "
        "rises much more slowly (£{5,880} to £{6,570})",
        (
            mean("baseline", 6, COST),
            mean("baseline", 40, COST),
            mean("liberated", 6, CRISES),
            mean("liberated", 40, CRISES),
            mean("liberated", 6, COST),
            mean("liberated", 40, COST),
        ),
    ),
    Quote(
        "budget",
        "buys a number of posts ({26} here, at £{142,350} a post)",
        (from_budget("posts"), from_budget("post_cost_gbp_per_year")),
    ),
    Quote(
        "budget",
        "minimising crisis demand gives {22} caseworkers and {4} duty workers, with people who "
        "have four or more active needs routed to caseworkers: about {2.58} crisis events per "
        "citizen-year (95 % interval {2.10} to {3.34}, parameters and chance), a total cost of "
        "about £{6,030}",
        (
            optimum("caseworker_posts"),
            optimum("duty_worker_posts"),
            optimum("mean"),
            optimum("ci95", 0),
            optimum("ci95", 1),
            optimum("total_cost_per_citizen_year_mean"),
        ),
    ),
    Quote(
        "budget",
        "a mean wait of about {2.7} weeks",
        (optimum("mean_wait_weeks_mean"),),
    ),
    Quote(
        "budget",
        "above ({2.88} and £{6,470}) under nine of the ten sets (in the tenth it has fewer crises "
        "at about £1 more per citizen-year), than the Liberated Method ({2.75} and £{6,310}) under "
        "all ten, and than the bundled hybrid's own threshold ({2.80} and £{6,380})",
        (
            mean("baseline", 26, CRISES),
            mean("baseline", 26, COST),
            mean("liberated", 26, CRISES),
            mean("liberated", 26, COST),
            mean("hybrid", 26, CRISES),
            mean("hybrid", 26, COST),
        ),
    ),
    Quote(
        "ensemble",
        "the bundled hybrid has {2.80} crises per citizen-year over the frontier's ten sets "
        "below and {2.98} over the sixteen of the hybrid study",
        (mean("hybrid", 26, CRISES), hybrid_study_at_bundled_threshold),
    ),
    Quote(
        "budget",
        "it was chosen as the lowest of the {21} points refined on these same ten sets (after "
        "{31} coarse points on five of them)",
        (stage_points("refine", 10), stage_points("coarse", 5)),
    ),
    Quote(
        "budget",
        "The optimum is not sharp: {15} of the other {20} points of the pattern search cannot be "
        "told apart from it",
        (
            # the published count includes the optimum itself
            lambda p: from_budget("flatness", "indistinguishable_points")(p) - 1,
            lambda p: from_budget("flatness", "points_refined")(p) - 1,
        ),
    ),
    Quote(
        "budget",
        "the optimum came out best in {49} % of resampled parameter sets",
        (optimum("probability_best", scale=100),),
    ),
    Quote(
        "choice",
        "and the Liberated Method at 40, which avoids crises over it at £{2,350} each",
        (
            lambda _: float(
                choice().loc["liberated at 40 posts", "incremental_net_cost_per_crisis_avoided"]
            ),
        ),
    ),
    Quote(
        "choice",
        "assess-do-refer at 6 posts is the one to choose (under {7} to {9} of the 10 sets), and at "
        "£5,000, the next price given, the Liberated Method at 40 (under {6} of the 10, and {9} at "
        "£10,000;",
        (
            lambda _: min(chosen_under("baseline at 6 posts", p)(None) for p in (0, 1000, 2000)),
            lambda _: max(chosen_under("baseline at 6 posts", p)(None) for p in (0, 1000, 2000)),
            chosen_under("liberated at 40 posts", 5000),
            chosen_under("liberated at 40 posts", 10000),
        ),
    ),
)


def test_the_choice_among_all_options_in_words() -> None:
    """ "only two stand ...; every other option is dominated, or extendedly dominated (each
    Liberated Method size from 19 to 33 posts among them ...)"; up to £2,000 assess-do-refer at
    6 posts is the one to choose, from £5,000 the Liberated Method at 40."""
    table = choice()
    assert len(table) == 18
    assert set(table.index[table["status"] == "frontier"]) == {
        "baseline at 6 posts",
        "liberated at 40 posts",
    }
    for posts in (19, 26, 33):
        assert table.loc[f"liberated at {posts} posts", "status"] == "extendedly dominated"
    # "whose price over assess-do-refer at 6 posts is higher than the 40-post one's", and it
    # "has fallen with every size added up to 40"
    cheapest = table.loc["baseline at 6 posts"]
    prices = []
    for posts in (12, 19, 26, 33, 40):
        option = table.loc[f"liberated at {posts} posts"]
        extra = (
            option["total_cost_per_citizen_year_mean"] - cheapest.total_cost_per_citizen_year_mean
        )
        avoided = cheapest.crises_per_citizen_year_mean - option["crises_per_citizen_year_mean"]
        prices.append(extra / avoided if avoided > 0 else float("inf"))
    assert all(a > b for a, b in itertools.pairwise(prices))
    for price, option in ((0, 6), (1000, 6), (2000, 6)):
        assert table.loc[f"baseline at {option} posts", f"best_at_{price}_gbp"]
    for price in (5000, 10000):
        assert table.loc["liberated at 40 posts", f"best_at_{price}_gbp"]


@pytest.fixture(scope="module")
def page() -> str:
    return (ROOT / "docs" / "commissioning.md").read_text()


@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: f"{q.where}: {q.text[:40]}")
def test_the_page_quotes_the_files_its_commands_wrote(quote: Quote, page: str) -> None:
    check(quote, page, None)


def test_the_readme_gives_the_resources_and_the_comparison_at_equal_posts() -> None:
    """The README's headline compares districts of unequal staff; it says so, and what the
    frontier finds with the same posts on each side."""
    quote = Quote(
        "README",
        "the Liberated Method's 40 caseworkers (400 case places) cost about {6.7} times "
        "assess-do-refer's 6 duty workers (150 places) in staff budget",
        (
            lambda _: (
                at_size("liberated", 40, "staff_budget_gbp_per_citizen_year")
                / at_size("baseline", 6, "staff_budget_gbp_per_citizen_year")
            ),
        ),
    )
    readme = (ROOT / "README.md").read_text()
    check(quote, readme, None)
    equal = Quote(
        "README",
        "assess-do-refer has fewer crises at its own 6 posts ({2.92} a citizen-year against "
        "{3.10}) and the lower total cost; the two are about level in crises at 19 posts; and "
        "from 26 posts on the Liberated Method has fewer ({2.49} against {2.89} at 40, at a lower "
        "total cost, £{6,570} against £{7,140})",
        (
            mean("baseline", 6, CRISES),
            mean("liberated", 6, CRISES),
            mean("liberated", 40, CRISES),
            mean("baseline", 40, CRISES),
            mean("liberated", 40, COST),
            mean("baseline", 40, COST),
        ),
    )
    check(equal, readme, None)
    assert mean("baseline", 6, COST)(None) < mean("liberated", 6, COST)(None)
    level = mean("liberated", 19, CRISES)(None) - mean("baseline", 19, CRISES)(None)
    assert abs(level) < 0.05, level
    for posts in (26, 33, 40):
        assert mean("liberated", posts, CRISES)(None) < mean("baseline", posts, CRISES)(None)


def test_what_it_says_in_words() -> None:
    """Assess-do-refer's crises "stop falling after 12 posts" (they move by under 0.01 from 12
    to 40); the better buy is clearly assess-do-refer at 6 posts and the Liberated
    Method at 40; the hybrid is never the better buy on average and the lowest of the three
    "under at most one parameter set at any size"."""
    baseline = [mean("baseline", p, CRISES)(None) for p in POSTS[1:]]
    assert max(baseline) - min(baseline) < 0.01
    assert counted(40, BELOW[CRISES], "liberated")(None) == 10  # "all 10 at 33 and 40"
    table = better_buy()
    assert table.loc[6, "better_buy"] == "baseline" and bool(table.loc[6, "better_buy_clearly"])
    assert table.loc[40, "better_buy"] == "liberated" and bool(table.loc[40, "better_buy_clearly"])
    assert "hybrid" not in set(table["better_buy"].dropna())
    for column in (f"{CRISES}_lowest_in", f"{COST}_lowest_in"):
        assert max(counted(p, column, "hybrid")(None) for p in POSTS) <= 1


def rerun_means(plan: SweepPlan, point: int, metrics: Sequence[str]) -> dict[str, float]:
    """Every run of one point of a study's sweep, made again as the study makes it, and each
    metric's mean as the study reports it (over parameter sets when it draws them)."""
    from relsim.evidence.ensemble import sets_of
    from relsim.evidence.intervals import interval
    from relsim.sweep.executors import execute

    rows = [execute(task)[0] for task in plan.tasks(set()) if task.point == point]
    sets = sets_of(plan.ensemble, [row["replication"] for row in rows])
    return {metric: interval([row[metric] for row in rows], sets)["mean"] for metric in metrics}


def test_a_published_frontier_point_is_what_todays_model_gives() -> None:
    """The frontier's smallest assess-do-refer point, rerun as `relsim frontier` runs it (the
    bundled scenarios, the default sizes, --reps 5 shared among 10 parameter sets), gives the
    means frontier.csv holds: a change that moves the model's results fails here until the
    worked example is run again and this page is checked against it."""
    from relsim import bundled
    from relsim.commission import frontier as study
    from relsim.evidence.options import REPORT_SETS

    paths = [bundled.resolve("scenarios", Path(name)) for name in study.DEFAULT_SCENARIOS]
    _, plans = study.plans(paths, "6,12,19,26,33,40", (), 5, None, REPORT_SETS)
    name, plan = plans[0]
    published = frontier()
    expected = published[(published["series"] == name) & (published["posts"] == 6)].iloc[0]
    for metric, found in rerun_means(plan, 0, (CRISES, COST)).items():
        assert found == pytest.approx(expected[f"{metric}_mean"], rel=1e-9), metric


def test_the_published_budget_optimum_is_what_todays_model_gives() -> None:
    """The staff-budget search's optimum (the bundled hybrid, £3.71m: 26 posts, 22 of them
    caseworkers, threshold 4), rerun as `relsim budget` runs a point (--reps 4 shared among 10
    parameter sets), gives the outcome budget.json reports."""
    from relsim import bundled
    from relsim.commission import budget as study
    from relsim.evidence.options import REPORT_SETS

    reported = budget()
    found = reported["optimum"]
    path = bundled.resolve("scenarios", Path("hybrid"))
    base, config = study.base_scenario(path, [])
    posts = study.affordable_posts(config, reported["limit_gbp_per_year"])
    assert posts == reported["posts"]
    drawn = study.draw(base, config.seed, 4, REPORT_SETS)
    assert drawn is not None
    design = study.design_of(posts, [(found["caseworker_posts"], found["threshold_active_needs"])])
    plan = study.plan(path, base, design, "check", drawn.runs, config.seed, {}, drawn)
    outcome = reported["outcome"]
    assert rerun_means(plan, 0, (outcome,))[outcome] == pytest.approx(found["mean"], rel=1e-9)


def test_the_worked_examples_are_whole_results_of_the_commands_the_page_gives(page: str) -> None:
    """docs/commissioning/frontier and budget are what `relsim frontier` and `relsim budget
    hybrid --limit 3.71m` wrote, manifest and sweeps included, so `relsim rerun` can check
    them; and the page says so."""
    frontier_made = json.loads((FILES / "frontier" / "manifest.json").read_text())
    assert frontier_made["kind"] == "relsim frontier" and frontier_made["sets"] == []
    assert frontier_made["series"] == ["baseline", "liberated", "hybrid"]
    assert (frontier_made["workforce"], frontier_made["reps"]) == ("6,12,19,26,33,40", 5)
    budget_made = json.loads((FILES / "budget" / "manifest.json").read_text())
    assert budget_made["kind"] == "relsim budget" and budget_made["sets"] == []
    assert budget_made["scenario"] == "scenarios/hybrid.yaml"
    assert (budget_made["limit_gbp_per_year"], budget_made["reps"]) == (3_710_000, 4)
    for made, directory in ((frontier_made, "frontier"), (budget_made, "budget")):
        for name in made["files"]:
            assert (FILES / directory / name).exists(), (directory, name)
        assert f"--out docs/commissioning/{directory}`" in " ".join(page.split())


def test_the_budget_files_are_described_column_by_column_and_key_by_key() -> None:
    """The tables under "What budget.csv and budget.json hold" name every column the published
    budget.csv has, and every key (nested keys as `flatness.KEY`; the optimum's inside its
    row) of budget.json, and nothing else."""
    heading = "### What `budget.csv` and `budget.json` hold"
    page = (ROOT / "docs" / "commissioning.md").read_text(encoding="utf-8")
    csv_part, json_part = page.split(heading, 1)[1].split("`budget.json` holds:", 1)
    columns = _documented_names(csv_part)
    assert columns == list(pd.read_csv(FILES / "budget" / "budget.csv").columns)
    documented = set()
    for line in json_part.split("\n## ", 1)[0].splitlines():
        if line.startswith("| `"):
            key_cell, meaning = line.split(" | ", 2)[:2]
            documented |= set(re.findall(r"`([^`]+)`", key_cell))
            if key_cell == "| `optimum`":
                optimum_keys = {k for k in re.findall(r"`([^`]+)`", meaning) if "." not in k}
    found = budget()
    expected = {k for k, v in found.items() if k not in ("flatness",)}
    expected |= {f"flatness.{k}" for k in found["flatness"]}
    assert documented == expected
    side = {k for k in found["optimum"] if k.endswith("_mean")}
    assert optimum_keys | side == set(found["optimum"])


def _documented_names(part: str) -> list[str]:
    """The names in the first column of each row of the tables in `part` of the page."""
    return [
        name
        for line in part.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([^`]+)`", line.split(" | ")[0])
    ]


def test_the_frontier_files_are_described_column_by_column() -> None:
    """The tables under "What frontier.csv and better_buy.csv hold" name every column of the
    published files, in order (`METRIC` standing for each of the two measures), and nothing
    else."""
    page = (ROOT / "docs" / "commissioning.md").read_text(encoding="utf-8")
    part = page.split("### What `frontier.csv` and `better_buy.csv` hold", 1)[1]
    frontier_part, better_part = part.split("`better_buy.csv` has one row", 1)
    better_part = better_part.split("\n## ", 1)[0]
    assert _documented_names(frontier_part) == list(frontier().columns)
    metrics = ("crisis_events_per_citizen_year", "total_cost_per_citizen_year")
    documented = _documented_names(better_part)
    names = [n for n in documented if not n.startswith("METRIC_")]
    # a row for each METRIC column; the file has them measure by measure
    suffixes = [n[len("METRIC") :] for n in documented if n.startswith("METRIC_")]
    per_metric = [f"{m}{suffix}" for m in metrics for suffix in suffixes]
    columns = list(better_buy().reset_index().columns)
    assert columns == [*names[:3], *per_metric, *names[3:]]
