"""The resources on each side of a comparison: what a scenario buys (posts, caps, budgets,
specialist capacity) as numbers read from its configuration, before anything is run.

Policy inputs are never fitted: the staff budget here is the establishment (every post paid for
a full year at its contracted hours), which is what a commissioner sets. What a run actually
spends, with vacancies and agency cover, is in the metrics (`staff_cost_per_citizen_year`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from relsim.config import Scenario, ScenarioError, scenario_dict, validate_data
from relsim.config.errors import printable

WEEKS_PER_YEAR = 52.0

#: what each resource means, with its unit (shown in reports, workbooks and docs)
RESOURCE_FIELDS: dict[str, tuple[str, str]] = {
    "care_model": ("model", "assess_do_refer, liberated, hybrid or none"),
    "citizens": ("people", "initial cohort of the district"),
    "arrivals_per_week": ("people/week", "new citizens with needs coming into view each week"),
    "posts": ("FTE", "front-door and caseworker posts"),
    "caseworker_posts": ("FTE", "of those, named caseworkers (Liberated Method)"),
    "duty_worker_posts": ("FTE", "of those, front-door duty workers (assess-do-refer)"),
    "posts_per_1000_citizens": ("FTE/1,000 citizens", "posts for every 1,000 citizens"),
    "caseworker_caseload_cap": ("citizens/worker", "most people a caseworker may hold"),
    "duty_worker_caseload_cap": ("citizens/worker", "most open cases a duty worker may hold"),
    "case_places": ("citizens", "posts x caps: people the front line can hold at once"),
    "caseworker_return_places_over_cap": (
        "citizens/worker",
        "beyond the cap, how many people they held before a caseworker takes back when they "
        "return (none without caseworkers)",
    ),
    "hours_per_week": ("hours/week", "contracted hours of each post"),
    "hourly_cost_gbp": ("GBP/hour", "cost of a paid hour, on-costs included"),
    "staff_budget_gbp_per_year": (
        "GBP/year",
        "establishment: every post paid for a year at its contracted hours",
    ),
    "staff_budget_gbp_per_citizen_year": ("GBP/citizen-year", "the staff budget per citizen"),
    "staff_payer": ("payer", "who pays the front-door workers and caseworkers"),
    "flexible_budget_cap_gbp_per_person_year": (
        "GBP/person-year",
        "most a caseworker may spend on one person a year (none without caseworkers)",
    ),
    "specialist_episodes": (
        "concurrent episodes",
        "specialist places, all services together (each service's capacity per 1,000 citizens "
        "x citizens, rounded to whole places as the service runs them)",
    ),
    "hybrid_threshold_active_needs": (
        "active needs",
        "hybrid only: citizens with at least this many active needs go to caseworkers",
    ),
}


#: each resource as a board reads it (RESOURCE_FIELDS gives its unit and meaning)
RESOURCE_LABELS: dict[str, str] = {
    "care_model": "care model",
    "citizens": "people in the district at the start",
    "arrivals_per_week": "people arriving a week",
    "posts": "front-line posts (FTE)",
    "caseworker_posts": "of which caseworkers",
    "duty_worker_posts": "of which duty workers",
    "posts_per_1000_citizens": "posts per 1,000 people",
    "caseworker_caseload_cap": "caseworker's caseload cap",
    "duty_worker_caseload_cap": "duty worker's caseload cap",
    "case_places": "case places (posts x caps)",
    "caseworker_return_places_over_cap": "places over the cap a returning caseworker keeps",
    "hours_per_week": "contracted hours a week",
    "hourly_cost_gbp": "cost of a paid hour",
    "staff_budget_gbp_per_year": "staff budget a year",
    "staff_budget_gbp_per_citizen_year": "staff budget per person a year",
    "staff_payer": "who pays the front line",
    "flexible_budget_cap_gbp_per_person_year": "flexible budget cap per person a year",
    "specialist_episodes": "specialist places",
    "hybrid_threshold_active_needs": "hybrid: active needs that go to a caseworker",
}


def post_split(scenario: Scenario) -> tuple[int, int]:
    """(caseworker posts, duty worker posts), as the model lays them out."""
    workers = scenario.workforce.workers
    model = scenario.care_model
    if model == "none":
        return 0, 0
    if model == "liberated":
        return workers, 0
    if model == "assess_do_refer":
        return 0, workers
    caseworkers = round(workers * scenario.hybrid.caseworker_share_of_workforce)
    return caseworkers, workers - caseworkers


def staffing_warnings(scenario: Scenario) -> list[str]:
    """A care model with no posts, or a hybrid whose posts round to no one on one side: the
    people routed there find nobody (a small hybrid, or one scaled down, says so rather than
    running that way silently)."""
    if scenario.care_model != "none" and scenario.workforce.workers == 0:
        return [
            f"{printable(scenario.name, 60)}: care model {scenario.care_model} with no posts "
            "(workforce.workers 0): nobody runs it; people find nobody, as in a district "
            "without services, and the specialists, reached by referral, stand idle"
        ]
    if scenario.care_model != "hybrid":
        return []
    caseworkers, duty = post_split(scenario)
    if caseworkers and duty:
        return []
    line = scenario.hybrid.complexity_threshold_active_needs
    routed = (
        f"people with fewer than {line} active needs present to a front door with no duty workers"
        if not duty
        else f"people with {line} or more active needs are routed to caseworkers and there are none"
    )
    if not duty and scenario.hybrid.routing == "at_the_front_door":
        # the front door's screening does the routing, and nobody is there to screen
        routed = (
            "everyone presents to a front door with no duty workers, whose screening routes "
            "them (hybrid.routing at_the_front_door): nobody reaches the caseworkers either"
        )
    return [
        f"{printable(scenario.name, 60)}: the hybrid's {posts_words(scenario.workforce.workers)} "
        f"split into {caseworkers} caseworker{'' if caseworkers == 1 else 's'} and {duty} duty "
        f"worker{'' if duty == 1 else 's'} (hybrid.caseworker_share_of_workforce "
        f"{scenario.hybrid.caseworker_share_of_workforce:g}, rounded), so {routed}"
    ]


def posts_words(count: int) -> str:
    """'1 post', '12 posts'."""
    return f"{count:,} post{'' if count == 1 else 's'}"


def posts(scenario: Scenario) -> int:
    """Front-line posts the scenario pays for (none under care model none)."""
    return sum(post_split(scenario))


def post_cost_gbp_per_year(scenario: Scenario) -> float:
    """What one post costs a year at its contracted hours."""
    staff = scenario.workforce
    return staff.hours_per_week * WEEKS_PER_YEAR * staff.hourly_cost_gbp


def staff_budget_gbp_per_year(scenario: Scenario) -> float:
    return posts(scenario) * post_cost_gbp_per_year(scenario)


def per_citizen(amount: float, scenario: Scenario) -> float | None:
    citizens = scenario.population.citizens
    return amount / citizens if citizens else None


def resources(scenario: Scenario) -> dict[str, Any]:
    """The scenario's resources, keyed as RESOURCE_FIELDS."""
    caseworkers, duty = post_split(scenario)
    model = scenario.care_model
    caseworker_cap = (
        scenario.hybrid.caseworker_caseload_cap
        if model == "hybrid"
        else scenario.workforce.caseload_cap
    )
    citizens = scenario.population.citizens
    budget = staff_budget_gbp_per_year(scenario)
    specialist_places = sum(
        getattr(scenario.specialists, domain).places(citizens) for domain in scenario.needs.domains
    )
    return {
        "care_model": model,
        "citizens": citizens,
        "arrivals_per_week": scenario.population.arrivals_per_week,
        "posts": caseworkers + duty,
        "caseworker_posts": caseworkers,
        "duty_worker_posts": duty,
        "posts_per_1000_citizens": (1000 * (caseworkers + duty) / citizens if citizens else None),
        "caseworker_caseload_cap": caseworker_cap if caseworkers else None,
        "duty_worker_caseload_cap": scenario.workforce.caseload_cap if duty else None,
        "case_places": caseworkers * caseworker_cap + duty * scenario.workforce.caseload_cap,
        "caseworker_return_places_over_cap": (
            scenario.liberated.return_places_over_cap if caseworkers else None
        ),
        "hours_per_week": scenario.workforce.hours_per_week,
        "hourly_cost_gbp": scenario.workforce.hourly_cost_gbp,
        "staff_budget_gbp_per_year": budget,
        "staff_budget_gbp_per_citizen_year": per_citizen(budget, scenario),
        "staff_payer": scenario.workforce.payer,
        "flexible_budget_cap_gbp_per_person_year": (
            scenario.liberated.flexible_budget_per_citizen_year_gbp if caseworkers else None
        ),
        "specialist_episodes": 0 if model == "none" else specialist_places,
        "hybrid_threshold_active_needs": (
            scenario.hybrid.complexity_threshold_active_needs if model == "hybrid" else None
        ),
    }


def with_values(scenario: Scenario, values: dict[str, Any], why: str) -> Scenario:
    """A copy of a resolved scenario with dotted keys set, validated like `--set`."""
    data = copy.deepcopy(scenario_dict(scenario))
    for key, value in values.items():
        node = data
        *sections, leaf = key.split(".")
        for part in sections:
            node = node[part]
        node[leaf] = value
    return validate_data(data, f"{printable(scenario.name)} ({why})")


def with_workers(scenario: Scenario, workers: int, why: str = "resized") -> Scenario:
    return with_values(scenario, {"workforce.workers": workers}, why)


POPULATION_KEYS = ("citizens", "arrivals_per_week", "leave_probability_per_week")


def check_same_population(configs: Sequence[Scenario], command: str = "compare") -> None:
    """A paired comparison needs one district: the same citizens arriving and leaving. Refuse
    scenarios whose populations differ, in one line that names `command`."""
    first = configs[0]

    def describe(s: Scenario) -> str:
        p = s.population
        return (
            f"{printable(s.name, 60)}: {p.citizens:,} citizens, "
            f"{p.arrivals_per_week or 0:g} arrivals a week"
        )

    for other in configs[1:]:
        differ = [
            key
            for key in POPULATION_KEYS
            if getattr(first.population, key) != getattr(other.population, key)
        ]
        if differ:
            raise ScenarioError(
                f"{command}: the scenarios describe different populations ({describe(first)}; "
                f"{describe(other)}; population.{differ[0]} differs): a paired comparison needs "
                "the same district, so scale one to the other with `relsim scale`"
            )


def check_same_horizon(configs: Sequence[Scenario]) -> None:
    """Savings are added up week by week of the measured period, so the scenarios must measure
    the same number of weeks. Refuse, in one line, scenarios that do not."""
    first = configs[0]
    for other in configs[1:]:
        if other.time.weeks != first.time.weeks:
            raise ScenarioError(
                f"compare: the scenarios measure different horizons "
                f"({printable(first.name, 60)}: {first.time.weeks} weeks; "
                f"{printable(other.name, 60)}: {other.time.weeks} weeks): a paired comparison "
                "needs the same weeks, so set time.weeks alike (--set time.weeks=N sets every "
                "scenario's)"
            )
