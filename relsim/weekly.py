"""Phase 7: this week's measures, for the weekly time series and the measured-period counters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relsim.arrays import row_sum
from relsim.citizens import Pathway, Route, SpecialistState
from relsim.config.schema import CRISIS_TYPES, PAYERS
from relsim.counters import DEMAND_SOURCES, LEDGER, TRANSACTIONAL
from relsim.district import District, Week


class WeeklySeries:
    """The weekly measures, one row a week, kept as columns of floats."""

    def __init__(self) -> None:
        self.columns: dict[str, list[float]] = {}
        self.latest: dict[str, float] = {}

    def append(self, row: dict[str, float]) -> None:
        if not self.columns:
            self.columns = {name: [] for name in row}
        for name, value in row.items():
            self.columns[name].append(value)
        self.latest = row

    def __len__(self) -> int:
        return len(self.columns.get("week", ()))


@dataclass(frozen=True)
class WeekTotals:
    """This week's totals, as added to the measured-period counters."""

    citizens: int
    need_sum: float
    trust_sum: float
    stable_count: int
    filled: int
    burnout_sum: float
    caseload_sum: float
    unmet_hours: float
    staff_cost_gbp: float
    available_hours: float
    worked_hours: float
    specialist_worked_hours: float
    transactional_hours: float


def count_week(district: District, week: Week, count: int) -> WeekTotals:
    """Adds this week to the measured-period counters (which every metric comes from);
    `count` is the citizens present, which the model has counted already this week."""
    citizens, workforce, scenario = district.citizens, district.workforce, district.config
    tally = district.records.tally
    n = citizens.n
    present = citizens.present[:n]
    need_sum = float(row_sum(citizens.need[:n]).sum(where=present)) / citizens.domains
    trust_sum = float(np.sum(citizens.trust[:n], where=present, dtype=np.float64))
    stable_count = int(np.count_nonzero((week.active_needs == 0) & present))
    if week.measuring:
        citizens.measured_weeks[:n] += present
        held = (citizens.pathway[:n] == Pathway.HELD) & (citizens.route[:n] == Route.LIBERATED)
        citizens.measured_held_weeks[:n] += held

    in_post = workforce.in_post
    filled = int(np.count_nonzero(in_post))
    burnout_sum = float(workforce.burnout_this_week[in_post].sum())
    caseload_sum = float(workforce.caseload[in_post].sum())
    unmet = float(workforce.unmet.sum())
    staff = scenario.workforce
    permanent_hours, agency_hours = workforce.paid_hours(staff.hours_per_week)
    staff_cost = (
        permanent_hours + agency_hours * (1.0 + scenario.staff.agency_cost_premium)
    ) * staff.hourly_cost_gbp
    available = float(workforce.available.sum())
    hours = dict(zip(LEDGER, workforce.ledger.sum(axis=1).tolist(), strict=True))
    worked = available - hours["idle"]
    specialist = week.specialist_hours
    specialist_worked = sum(specialist.values())
    transactional = sum(hours[c] for c in TRANSACTIONAL) + sum(
        specialist.get(c, 0.0) for c in TRANSACTIONAL
    )

    tally.add("citizen_weeks", count)
    tally.add("need_sum", need_sum)
    tally.add("trust_sum", trust_sum)
    tally.add("stable_sum", float(stable_count))
    tally.add("staff_cost_gbp", staff_cost)
    tally.add(f"cost_{staff.payer}", staff_cost)
    tally.add("post_weeks_filled", float(filled))
    tally.add("post_weeks", float(workforce.posts))
    tally.add("burnout_sum", burnout_sum)
    tally.add("caseload_sum", caseload_sum)
    tally.add("available_hours", available)
    tally.add("worked_hours", worked)
    tally.add("unmet_hours", unmet)
    tally.add("specialist_worked_hours", specialist_worked)
    tally.add("transactional_hours", transactional)
    for name in LEDGER:
        tally.add(f"hours_{name}", hours[name])
    for name, value in specialist.items():
        tally.add(f"specialist_hours_{name}", value)
    return WeekTotals(
        count,
        need_sum,
        trust_sum,
        stable_count,
        filled,
        burnout_sum,
        caseload_sum,
        unmet,
        staff_cost,
        available,
        worked,
        specialist_worked,
        transactional,
    )


def weekly_measures(district: District, week: Week, totals: WeekTotals) -> dict[str, float]:
    """This week's row of the time series (built only when a run keeps its series)."""
    citizens, workforce, scenario = district.citizens, district.workforce, district.config
    tally = district.records.tally
    n = citizens.n
    # States are counted by comparison with the few reported: cheaper than a bincount, which
    # widens every int8 state first.
    pathway, spec_state = citizens.pathway[:n], citizens.spec_state[:n]

    def in_pathway(*states: Pathway) -> float:
        return float(sum(np.count_nonzero(pathway == state) for state in states))

    def with_specialists(*states: SpecialistState) -> float:
        return float(sum(np.count_nonzero(spec_state == state) for state in states))

    def per(part: float, whole: float) -> float:
        return part / whole if whole else 0.0

    this = tally.this_week
    count, filled, worked = totals.citizens, totals.filled, totals.worked_hours
    specialist_worked = totals.specialist_worked_hours
    in_post = workforce.in_post
    measures: dict[str, float] = {
        "week": float(week.number),
        "citizens": count,
        "mean_need": per(totals.need_sum, count),
        "mean_trust": per(totals.trust_sum, count),
        "share_citizens_stable": per(totals.stable_count, count),
        "presentations": float(week.presentations),
        "crises": float(week.crises_by_type.sum()),
        "waiting_front_door": in_pathway(Pathway.WAITING_FRONT_DOOR, Pathway.WAITING_ALLOCATION),
        "waiting_caseworker": in_pathway(Pathway.WAITING_CASEWORKER),
        "in_short_episode": in_pathway(Pathway.SHORT_EPISODE),
        "held_by_caseworker": in_pathway(Pathway.HELD),
        "held_not_seen": this("held_not_seen"),
        "stepped_down": in_pathway(Pathway.STEPPED_DOWN),
        "waiting_specialist": with_specialists(SpecialistState.WAITING),
        "with_specialist": with_specialists(SpecialistState.EPISODE, SpecialistState.JOINT_WORK),
        "workers_in_post": float(filled),
        "agency_in_post": float((in_post & workforce.agency).sum()),
        "mean_caseload": per(totals.caseload_sum, filled),
        "staff_utilisation": per(worked, totals.available_hours),
        "share_time_transactional": per(totals.transactional_hours, worked + specialist_worked),
        "mean_burnout": per(totals.burnout_sum, filled),
        "unmet_hours": totals.unmet_hours,
        "failure_demand_contacts": this("repeat_presentations") + this("chasing_contacts"),
        "handoffs": this("handoffs"),
        "worker_changes": this("worker_changes"),
        "leavers": this("leavers"),
        "waits_ended": this("waits"),
        "mean_wait_weeks_ended": per(this("wait_weeks"), this("waits")),
        "failure_demand_events": sum(this(f"failure_{k}") for k in DEMAND_SOURCES),
        "demand_events": sum(this(f"demand_{k}") for k in DEMAND_SOURCES),
        "failures": this("failures"),
        "front_door_threshold": week.front_door_threshold,
        "specialist_threshold": week.specialist_threshold,
        "specialist_utilisation": per(
            specialist_worked, sum(s.capacity_hours for s in district.services)
        ),
    }
    for k, name in enumerate(CRISIS_TYPES):
        measures[f"crises_{name}"] = float(week.crises_by_type[k])
    unit_costs = np.array([getattr(scenario.crises, c).unit_cost_gbp for c in CRISIS_TYPES])
    costs = {
        "crisis_cost_gbp": float(week.crises_by_type @ unit_costs),
        "staff_cost_gbp": totals.staff_cost_gbp,
        "specialist_cost_gbp": week.specialist_cost_gbp,
        "flexible_budget_gbp": week.budget_gbp,
    }
    measures.update(costs)
    measures["total_cost_gbp"] = sum(costs.values())
    # The same week's spending by who pays it (crises, staff, specialists, budget): the weekly
    # counterpart of cost_<payer>_per_citizen_year, adding up to total_cost_gbp.
    for payer in PAYERS:
        measures[f"cost_{payer}_gbp"] = this(f"cost_{payer}")
    return measures
