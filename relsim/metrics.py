"""Declared measures of a run, computed from what the model recorded over the measured period.

The names are a public contract: scripts and reports depend on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from relsim.config.schema import CRISIS_TYPES, PAYERS
from relsim.counters import DEMAND_SOURCES, SPECIALIST_LEDGER
from relsim.records import Closures, Tally
from relsim.stats import ratio

if TYPE_CHECKING:
    from relsim.model import CareModel

WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class Measured:
    """What the metrics are computed from: the measured-period counters, the closed cases, the
    continuity indices from the contact ledger, and the last week of the run."""

    tally: Tally
    closures: Closures
    continuity: dict[str, float]
    week: int

    @classmethod
    def of(cls, model: CareModel) -> Measured:
        records = model.district.records
        return cls(records.tally, records.closures, records.contacts.measures(), model.week)


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    description: str
    compute: Callable[[Measured], float]


def _per_citizen_year(key: str) -> Callable[[Measured], float]:
    return lambda m: ratio(m.tally[key], m.tally["citizen_weeks"] / WEEKS_PER_YEAR)


def _sum_per_citizen_year(keys: list[str]) -> Callable[[Measured], float]:
    return lambda m: ratio(sum(m.tally[k] for k in keys), m.tally["citizen_weeks"] / WEEKS_PER_YEAR)


CRISIS_COUNT_KEYS = [f"crises_{c}" for c in CRISIS_TYPES]
CRISIS_COST_KEYS = [f"crisis_cost_{c}" for c in CRISIS_TYPES]
SPECIALIST_COST_KEYS = [f"specialist_cost_{p}" for p in PAYERS]
TOTAL_COST_KEYS = [*CRISIS_COST_KEYS, *SPECIALIST_COST_KEYS, "staff_cost_gbp", "budget_cost_gbp"]


def _share_of(part: str, whole: str) -> Callable[[Measured], float]:
    return lambda m: ratio(m.tally[part], m.tally[whole])


def _front_door_failure_demand(model: Measured) -> float:
    t = model.tally
    failure = t["repeat_presentations"] + t["chasing_contacts"]
    return ratio(failure, t["presentations"] + t["chasing_contacts"])


def _failure_demand(model: Measured) -> float:
    t = model.tally
    failure = sum(t[f"failure_{k}"] for k in DEMAND_SOURCES)
    return ratio(failure, sum(t[f"demand_{k}"] for k in DEMAND_SOURCES))


METRICS: tuple[Metric, ...] = (
    Metric(
        "crisis_events_per_citizen_year",
        "events/citizen-year",
        "all crisis events",
        _sum_per_citizen_year(CRISIS_COUNT_KEYS),
    ),
    Metric(
        "crisis_cost_per_citizen_year",
        "GBP/citizen-year",
        "cost of crisis events",
        _sum_per_citizen_year(CRISIS_COST_KEYS),
    ),
    Metric(
        "staff_cost_per_citizen_year",
        "GBP/citizen-year",
        "front-door workers or caseworkers in post, paid hours",
        _per_citizen_year("staff_cost_gbp"),
    ),
    Metric(
        "specialist_cost_per_citizen_year",
        "GBP/citizen-year",
        "specialist services as paid: their whole capacity when block-funded (the default), the "
        "hours used when paid per use",
        _sum_per_citizen_year(SPECIALIST_COST_KEYS),
    ),
    Metric(
        "flexible_budget_cost_per_citizen_year",
        "GBP/citizen-year",
        "flexible budget spent",
        _per_citizen_year("budget_cost_gbp"),
    ),
    Metric(
        "total_cost_per_citizen_year",
        "GBP/citizen-year",
        "staff + specialist + flexible budget + crises",
        _sum_per_citizen_year(TOTAL_COST_KEYS),
    ),
    Metric(
        "mean_caseload",
        "citizens/worker",
        "open cases per worker in post",
        lambda m: ratio(m.tally["caseload_sum"], m.tally["post_weeks_filled"]),
    ),
    Metric(
        "staff_utilisation",
        "share",
        "worked hours / case hours available",
        lambda m: ratio(m.tally["worked_hours"], m.tally["available_hours"]),
    ),
    Metric(
        "share_time_transactional",
        "share",
        "assessment, referral, re-assessment and recording / worked hours of front-door "
        "workers, caseworkers and specialists",
        lambda m: ratio(
            m.tally["transactional_hours"],
            m.tally["worked_hours"] + m.tally["specialist_worked_hours"],
        ),
    ),
    Metric(
        "mean_burnout",
        "0-1",
        "mean burnout of workers in post",
        lambda m: ratio(m.tally["burnout_sum"], m.tally["post_weeks_filled"]),
    ),
    Metric(
        "staff_turnover_per_fte_year",
        "leavers/FTE-year",
        "permanent workers leaving (not agency locums) per filled post-year",
        lambda m: ratio(m.tally["leavers"], m.tally["post_weeks_filled"] / WEEKS_PER_YEAR),
    ),
    Metric(
        "failure_demand_share",
        "share",
        "failure demand across the system: of every demand event (presentations, chasing, "
        "referrals, specialist re-assessments, crises), those caused by a failure to do "
        "something, or to do it right, for the person: returns within a year of a closed case "
        "or soon after a failure, chasing, re-referrals within a year, re-assessments after a "
        "hand-off, crises within the failure window after a failure",
        _failure_demand,
    ),
    Metric(
        "front_door_failure_demand_share",
        "share",
        "front-door contacts only: re-presentations within a year of a closed case and chasing "
        "while waiting",
        _front_door_failure_demand,
    ),
    *(
        Metric(
            f"failure_demand_{k}_share",
            "share",
            f"failure demand among demand events of one source: {k}",
            _share_of("failure_" + k, "demand_" + k),
        )
        for k in DEMAND_SOURCES
    ),
    Metric(
        "failures_per_citizen_year",
        "events/citizen-year",
        "times a service failed someone: turned away, refused, dropped, discharged, gave up",
        _per_citizen_year("failures"),
    ),
    Metric(
        "handoffs_per_citizen_year",
        "hand-offs/citizen-year",
        "referrals accepted onward and reallocations to another post after a worker leaves",
        _per_citizen_year("handoffs"),
    ),
    Metric(
        "distinct_workers_per_citizen",
        "people",
        "distinct front-line workers (duty workers, caseworkers, their cover) met in the measured "
        "period, among citizens with at least one front-line contact",
        lambda m: m.continuity["distinct_workers"],
    ),
    Metric(
        "usual_provider_of_care",
        "share",
        "Usual Provider of Care index: share of a citizen's front-line contacts with the worker "
        "they saw most, averaged over citizens with two or more contacts",
        lambda m: m.continuity["upc"],
    ),
    Metric(
        "continuity_of_care_index",
        "0-1",
        "Bice-Boxerman Continuity of Care index over front-line contacts, averaged over citizens "
        "with two or more contacts",
        lambda m: m.continuity["coc"],
    ),
    Metric(
        "professionals_involved_per_citizen",
        "people",
        "distinct professionals met in the measured period (front-line workers and specialists), "
        "among citizens who met any",
        lambda m: m.continuity["professionals"],
    ),
    Metric(
        "named_worker_contact_share",
        "share",
        "front-line contacts made by the person's own allocated worker (not cover, not a duty "
        "assessment)",
        lambda m: ratio(m.tally["contacts_named"], m.tally["contacts_front_line"]),
    ),
    Metric(
        "held_not_seen_share",
        "share",
        "weeks held by a caseworker and reachable in which nobody saw them: the worker had no "
        "time (triaged out), or they and their buddy were both away",
        lambda m: ratio(m.tally["held_not_seen"], m.tally["held_weeks"]),
    ),
    Metric(
        "worker_changes_per_citizen_year",
        "changes/citizen-year",
        "changes of allocated worker",
        _per_citizen_year("worker_changes"),
    ),
    Metric(
        "mean_wait_weeks",
        "weeks",
        "mean completed wait (front door, allocation, caseworker, specialist)",
        lambda m: ratio(m.tally["wait_weeks"], m.tally["waits"]),
    ),
    Metric(
        "share_citizens_stable",
        "share",
        "citizen-weeks with no active need",
        lambda m: ratio(m.tally["stable_sum"], m.tally["citizen_weeks"]),
    ),
    Metric(
        "mean_need",
        "0-1",
        "mean need over domains and citizen-weeks",
        lambda m: ratio(m.tally["need_sum"], m.tally["citizen_weeks"]),
    ),
    Metric(
        "mean_trust",
        "0-1",
        "mean trust over citizen-weeks",
        lambda m: ratio(m.tally["trust_sum"], m.tally["citizen_weeks"]),
    ),
    Metric(
        "presentations_per_citizen_year",
        "contacts/citizen-year",
        "new presentations plus chasing contacts",
        _sum_per_citizen_year(["presentations", "chasing_contacts"]),
    ),
    Metric(
        "repeat_within_year_share",
        "share",
        "closed cases (with a year of follow-up) that came back within 52 weeks",
        lambda m: m.closures.repeat_share(m.week),
    ),
    Metric(
        "referrals_per_citizen_year",
        "referrals/citizen-year",
        "referrals made",
        _per_citizen_year("referrals"),
    ),
    Metric(
        "referral_rejection_share",
        "share",
        "referrals refused by the receiving service",
        lambda m: ratio(m.tally["referrals_rejected"], m.tally["referrals"]),
    ),
    Metric(
        "waiting_dropout_per_citizen_year",
        "drop-outs/citizen-year",
        "people lost from specialist waiting lists",
        _per_citizen_year("dropouts"),
    ),
    Metric(
        "specialist_utilisation",
        "share",
        "specialist hours used / specialist capacity (paid in full when block-funded)",
        lambda m: ratio(
            sum(m.tally[f"specialist_hours_{c}"] for c in SPECIALIST_LEDGER),
            m.tally["specialist_capacity_hours"],
        ),
    ),
    Metric(
        "rejected_at_reassessment_share",
        "share",
        "specialist admissions refused at the service's own assessment",
        lambda m: ratio(
            m.tally["rejected_at_reassessment"],
            m.tally["specialist_admissions"] + m.tally["rejected_at_reassessment"],
        ),
    ),
    Metric(
        "mean_specialist_wait_weeks",
        "weeks",
        "referral to admission",
        lambda m: ratio(m.tally["wait_weeks_specialist"], m.tally["waits_specialist"]),
    ),
    Metric(
        "joint_work_unserved_share",
        "share",
        "weeks of joint work a caseworker had drawn a specialist into (the person engaged, the "
        "request arrived) that the specialist service had no hours left for; none is asked for "
        "under assess-do-refer",
        lambda m: ratio(
            m.tally["joint_work_unserved"],
            m.tally["joint_work_sessions"] + m.tally["joint_work_unserved"],
        ),
    ),
    Metric(
        "unmet_hours_share",
        "share",
        "demanded worker hours not delivered",
        lambda m: ratio(m.tally["unmet_hours"], m.tally["worked_hours"] + m.tally["unmet_hours"]),
    ),
    Metric(
        "vacancy_rate",
        "share",
        "post-weeks vacant",
        lambda m: 1.0 - ratio(m.tally["post_weeks_filled"], m.tally["post_weeks"]),
    ),
    Metric(
        "deaths_per_1000_citizen_years",
        "deaths/1,000 citizen-years",
        "deaths",
        lambda m: 1000 * _per_citizen_year("departures_died")(m),
    ),
    *(
        Metric(
            f"crisis_{c}_per_citizen_year",
            "events/citizen-year",
            f"{c} crises",
            _per_citizen_year(f"crises_{c}"),
        )
        for c in CRISIS_TYPES
    ),
    *(
        Metric(
            f"crisis_cost_{c}_per_citizen_year",
            "GBP/citizen-year",
            f"{c} crisis cost",
            _per_citizen_year(f"crisis_cost_{c}"),
        )
        for c in CRISIS_TYPES
    ),
    *(
        Metric(
            f"cost_{p}_per_citizen_year",
            "GBP/citizen-year",
            f"everything paid by {p}: crises, staff, specialists, budget",
            _per_citizen_year(f"cost_{p}"),
        )
        for p in PAYERS
    ),
)

CONTRACT_METRICS = (
    "crisis_events_per_citizen_year",
    "crisis_cost_per_citizen_year",
    "staff_cost_per_citizen_year",
    "total_cost_per_citizen_year",
    "mean_caseload",
    "staff_utilisation",
    "share_time_transactional",
    "mean_burnout",
    "staff_turnover_per_fte_year",
    "failure_demand_share",
    "handoffs_per_citizen_year",
    "distinct_workers_per_citizen",
    "mean_wait_weeks",
    "share_citizens_stable",
    "mean_need",
    "mean_trust",
)
METRIC_NAMES = tuple(m.name for m in METRICS)


def not_a_metric(name: str) -> str:
    """Why `name` is refused where a metric is asked for: the nearest names, and where every
    one is listed (a list of all of them is too long for one line)."""
    import difflib

    from relsim.config.errors import printable

    near = difflib.get_close_matches(name, METRIC_NAMES, n=2, cutoff=0.6)
    # a metric's name without its unit ('total_cost') is too short for difflib to match
    begun = [m for m in METRIC_NAMES if name and m.startswith(name)]
    near = near or (begun if len(begun) <= 2 else [])
    guess = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"{printable(name, 80)} is not a metric{guess} (every metric: docs/outputs.md)"


UNITS = {m.name: m.unit for m in METRICS}

#: every measure in words, for readers who do not know the metric names
IN_WORDS: dict[str, str] = {
    "crisis_events_per_citizen_year": "crisis events",
    "crisis_ae_per_citizen_year": "A&E attendances",
    "crisis_mh_crisis_per_citizen_year": "mental-health crises",
    "crisis_police_per_citizen_year": "arrests and custody",
    "crisis_eviction_per_citizen_year": "evictions, homelessness",
    "total_cost_per_citizen_year": "total cost, all payers",
    "staff_cost_per_citizen_year": "front-line staff, as run",
    "crisis_cost_per_citizen_year": "cost of crises",
    "share_citizens_stable": "people with no active need",
    "mean_wait_weeks": "mean completed wait",
    "failure_demand_share": "failure demand",
    "mean_caseload": "caseload",
    "staff_utilisation": "utilisation",
    "share_time_transactional": "time on assessment, referral, recording",
    "unmet_hours_share": "hours asked for but not given",
    "mean_burnout": "burnout",
    "staff_turnover_per_fte_year": "staff leaving",
    "vacancy_rate": "posts vacant",
    "specialist_cost_per_citizen_year": "specialist services",
    "flexible_budget_cost_per_citizen_year": "flexible budget spent",
    "front_door_failure_demand_share": "failure demand at the front door",
    "failure_demand_presentations_share": "failure demand among presentations",
    "failure_demand_chasing_share": "failure demand among chasing",
    "failure_demand_referrals_share": "failure demand among referrals",
    "failure_demand_reassessments_share": "failure demand among re-assessments",
    "failure_demand_crises_share": "failure demand among crises",
    "failures_per_citizen_year": "times a service failed someone",
    "handoffs_per_citizen_year": "hand-offs to another service or worker",
    "distinct_workers_per_citizen": "front-line workers met",
    "usual_provider_of_care": "contacts with the worker seen most",
    "continuity_of_care_index": "continuity of care (Bice-Boxerman)",
    "professionals_involved_per_citizen": "professionals met",
    "named_worker_contact_share": "contacts with the person's own worker",
    "held_not_seen_share": "weeks held but not seen",
    "worker_changes_per_citizen_year": "changes of worker",
    "mean_need": "need",
    "mean_trust": "trust",
    "presentations_per_citizen_year": "presentations and chasing",
    "repeat_within_year_share": "closed cases back within a year",
    "referrals_per_citizen_year": "referrals made",
    "referral_rejection_share": "referrals refused",
    "waiting_dropout_per_citizen_year": "lost from waiting lists",
    "specialist_utilisation": "specialist capacity used",
    "rejected_at_reassessment_share": "refused at a specialist's own assessment",
    "mean_specialist_wait_weeks": "wait for a specialist",
    "joint_work_unserved_share": "joint work a specialist could not give",
    "deaths_per_1000_citizen_years": "deaths",
    "crisis_cost_ae_per_citizen_year": "cost of A&E attendances",
    "crisis_cost_mh_crisis_per_citizen_year": "cost of mental-health crises",
    "crisis_cost_police_per_citizen_year": "cost of arrests and custody",
    "crisis_cost_eviction_per_citizen_year": "cost of evictions, homelessness",
    "cost_nhs_per_citizen_year": "paid by the NHS",
    "cost_police_justice_per_citizen_year": "paid by police and justice",
    "cost_council_housing_per_citizen_year": "paid by council and housing",
}


def compute_metrics(model: CareModel) -> dict[str, float]:
    measured = Measured.of(model)
    values = {m.name: float(m.compute(measured)) for m in METRICS}
    return {k: (v if np.isfinite(v) else float("nan")) for k, v in values.items()}
