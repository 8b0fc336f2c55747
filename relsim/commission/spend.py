"""Equal spend: size each scenario's workforce so that it spends what the first scenario spends.

Two bases:

- `staff`: the staff budget (every post paid for a year at its contracted hours, the
  establishment a commissioner funds) matches the first scenario's, to the nearest whole post.
  This is arithmetic on the scenarios, exact and immediate.
- `service`: what the service actually spends per citizen-year, with its specialists and
  flexible budget (staff + specialist + flexible budget, as the runs record it), matches the
  first scenario's. That depends on how the service works, so it is found by running each
  scenario at a few workforce sizes (a secant search on whole posts, on the first few
  replications with the same seeds) and taking the size whose spend is nearest the target.

Only the number of posts changes: caps, the hybrid's split and everything else stay as written,
and the sizes chosen are stated in every output. A request that cannot be met (a scenario with
no workforce to size, a post dearer than the whole budget, a target outside what any size
reaches) is refused with one line, before anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relsim.commission.resources import (
    post_cost_gbp_per_year,
    posts,
    posts_words,
    staff_budget_gbp_per_year,
    with_workers,
)
from relsim.config import Scenario, ScenarioError
from relsim.config.errors import printable

if TYPE_CHECKING:
    from relsim.runner import RunResult

BASES = ("staff", "service")
SERVICE_METRICS = (
    "staff_cost_per_citizen_year",
    "specialist_cost_per_citizen_year",
    "flexible_budget_cost_per_citizen_year",
)
MAX_POSTS = 100_000
PILOT_REPS = 4
MAX_EVALUATIONS = 10
NOTHING_TO_SIZE = "no services: nothing to size"


@dataclass
class Sizing:
    """How each scenario was sized: the target, and per scenario its posts before and after and
    the spend achieved (GBP per citizen-year)."""

    basis: str
    target_gbp_per_citizen_year: float
    reference: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    pilot_reps: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "reference": self.reference,
            "target_gbp_per_citizen_year": self.target_gbp_per_citizen_year,
            "pilot_replications": self.pilot_reps,
            "scenarios": self.rows,
        }

    def sentence(self) -> str:
        what = (
            "staff budget (every post paid for a year)"
            if self.basis == "staff"
            else "service spend (staff, specialists and flexible budget, as run)"
        )
        sized = "; ".join(
            f"{r['scenario']} {r['workers_before']} -> {r['workers']} posts"
            for r in self.rows
            if r["workers"] != r["workers_before"] and not r["note"]
        )
        return (
            f"Equal spend: each scenario's workforce was sized so that its {what} matches "
            f"{self.reference}'s, £{self.target_gbp_per_citizen_year:,.0f} per citizen-year"
            + (f" ({sized})." if sized else " (no scenario needed resizing).")
        )

    @property
    def option(self) -> str:
        return STAFF_OPTION if self.basis == "staff" else SERVICE_OPTION

    def posts_as_written(self, scenario: str) -> int | None:
        """The posts a scenario's file gave it, where sizing changed them; else None."""
        for row in self.rows:
            if row["scenario"] == scenario and not row["note"]:
                changed = row["workers"] != row["workers_before"]
                return int(row["workers_before"]) if changed else None
        return None

    def warnings(self) -> list[str]:
        """One line for each scenario left as written because it has nothing to size: the
        comparison is then not at equal spend, and whoever reads it must be told."""
        option = self.option
        return [
            f"{option}: {printable(r['scenario'], 60)} has no services (care_model: none), so "
            "it has no posts to size and is compared as written, not at equal spend"
            for r in self.rows
            if r["note"] == NOTHING_TO_SIZE
        ]


STAFF_OPTION, SERVICE_OPTION = "--equal-spend", "--equal-service-spend"


def _cannot(name: str, why: str, option: str = STAFF_OPTION) -> ScenarioError:
    """A refusal naming the option the user gave."""
    return ScenarioError(f"{option}: {printable(name, 60)}: {why}")


def _check_sizable(first: Scenario, others: Sequence[Scenario], option: str) -> None:
    if first.care_model == "none" or posts(first) == 0:
        raise _cannot(
            first.name,
            "the first scenario has no workforce, so there is no spend to match "
            "(put the scenario whose spend is the reference first)",
            option,
        )
    for scenario in others:
        if scenario.care_model != "none" and post_cost_gbp_per_year(scenario) <= 0:
            raise _cannot(
                scenario.name, "its posts cost nothing, so no size matches a spend", option
            )


def _bounded_posts(scenario: Scenario, wanted: float, target_text: str) -> int:
    size = round(wanted)
    if size < 1:
        raise _cannot(
            scenario.name,
            f"one post costs £{post_cost_gbp_per_year(scenario):,.0f} a year, more than the "
            f"{target_text} to match; no whole number of posts comes near it",
        )
    if size > MAX_POSTS:
        raise _cannot(
            scenario.name,
            f"matching the {target_text} needs {size:,} posts (at most {MAX_POSTS:,})",
        )
    return size


def equal_staff_spend(configs: Sequence[Scenario]) -> tuple[list[Scenario], Sizing]:
    """Every scenario after the first with as many posts as the first one's staff budget buys
    at its own cost per post (to the nearest post)."""
    first, others = configs[0], list(configs[1:])
    _check_sizable(first, others, STAFF_OPTION)
    budget = staff_budget_gbp_per_year(first)
    citizens = first.population.citizens
    sizing = Sizing("staff", budget / citizens if citizens else math.nan, first.name)
    sized = [first]
    sizing.rows.append(_row(first, first, budget))
    for scenario in others:
        if scenario.care_model == "none":
            sized.append(scenario)
            sizing.rows.append(_row(scenario, scenario, 0.0, note=NOTHING_TO_SIZE))
            continue
        text = f"staff budget of {first.name} (£{budget:,.0f} a year)"
        size = _bounded_posts(scenario, budget / post_cost_gbp_per_year(scenario), text)
        resized = with_workers(scenario, size, "sized to equal staff spend")
        sized.append(resized)
        sizing.rows.append(_row(scenario, resized, staff_budget_gbp_per_year(resized)))
    return sized, sizing


def _row(before: Scenario, after: Scenario, spend_per_year: float, note: str = "") -> dict:
    citizens = after.population.citizens
    return {
        "scenario": after.name,
        # the posts each runs (a district with no services has none, whatever it says)
        "workers_before": posts(before),
        "workers": posts(after),
        "spend_gbp_per_citizen_year": spend_per_year / citizens if citizens else None,
        "note": note,
    }


def service_spend(results: Sequence[RunResult]) -> float:
    """Mean service spend (staff + specialists + flexible budget) per citizen-year."""
    values = [sum(r.metrics[m] for m in SERVICE_METRICS) for r in results]
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


Evaluate = Callable[[Scenario, int], "list[RunResult]"]


def equal_service_spend(
    configs: Sequence[Scenario], evaluate: Evaluate, reps: int
) -> tuple[list[Scenario], Sizing]:
    """Every scenario after the first sized so that its service spend, on the first
    `min(reps, PILOT_REPS)` replications, is nearest the first scenario's on the same ones."""
    first, others = configs[0], list(configs[1:])
    _check_sizable(first, others, SERVICE_OPTION)
    pilot = min(reps, PILOT_REPS)
    target = service_spend(evaluate(first, pilot))
    if not math.isfinite(target):
        raise _cannot(
            first.name,
            "its service spend could not be measured (no citizen-weeks)",
            SERVICE_OPTION,
        )
    sizing = Sizing("service", target, first.name, pilot_reps=pilot)
    sizing.rows.append({**_row(first, first, 0.0), "spend_gbp_per_citizen_year": target})
    sized = [first]
    for scenario in others:
        if scenario.care_model == "none":
            sized.append(scenario)
            sizing.rows.append(_row(scenario, scenario, 0.0, note=NOTHING_TO_SIZE))
            continue
        size, spend = _search(scenario, target, lambda s: service_spend(evaluate(s, pilot)))
        resized = with_workers(scenario, size, "sized to equal service spend")
        sized.append(resized)
        sizing.rows.append({**_row(scenario, resized, 0.0), "spend_gbp_per_citizen_year": spend})
    return sized, sizing


def _search(
    scenario: Scenario, target: float, spend_at: Callable[[Scenario], float]
) -> tuple[int, float]:
    """Whole posts whose spend is nearest `target`: secant steps from the staff-equal guess,
    then the neighbours of the best, so that the answer is bracketed where it can be."""
    citizens = scenario.population.citizens or 1
    per_post = post_cost_gbp_per_year(scenario) / citizens
    seen: dict[int, float] = {}

    def at(size: int) -> float:
        if size not in seen:
            seen[size] = spend_at(with_workers(scenario, size, "sizing for equal service spend"))
        return seen[size]

    size = min(max(round(target / per_post), 1), MAX_POSTS)
    slope = per_post
    previous: tuple[int, float] | None = None
    for _ in range(MAX_EVALUATIONS - 2):
        value = at(size)
        if previous is not None and previous[0] != size:
            secant = (value - previous[1]) / (size - previous[0])
            if secant > 0:
                slope = secant
        previous = (size, value)
        following = min(max(round(size + (target - value) / slope), 1), MAX_POSTS)
        if following == size or following in seen:
            break
        size = following
    best = min(seen, key=lambda s: abs(seen[s] - target))
    for neighbour in (best - 1, best + 1):
        if 1 <= neighbour <= MAX_POSTS and len(seen) < MAX_EVALUATIONS:
            at(neighbour)
    best = min(seen, key=lambda s: abs(seen[s] - target))
    below = [s for s, v in seen.items() if v <= target]
    above = [s for s, v in seen.items() if v >= target]
    # Outside every size tried, the target is met only if the nearest is within a post.
    if (not below or not above) and abs(seen[best] - target) > slope:
        side = "more" if seen[best] > target else "less"
        raise _cannot(
            scenario.name,
            f"its service spend cannot be brought to £{target:,.0f} per citizen-year: with "
            f"{posts_words(best)} it is £{seen[best]:,.0f}, and {side} at every size tried",
            SERVICE_OPTION,
        )
    return best, seen[best]
