"""Phase 7: this week's measures, for the weekly time series and the measured-period counters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.config.schema import CRISIS_TYPES
from relsim.population import Pathway, SpecialistState, row_count_above, row_sum
from relsim.workforce import LEDGER, TRANSACTIONAL

if TYPE_CHECKING:
    from relsim.model import CareModel


def weekly_measures(model: CareModel) -> dict[str, float]:
    """Measures of this week; also adds the week's totals to the measured-period counters."""
    citizens, workforce, scenario, tally = (
        model.citizens,
        model.workforce,
        model.config,
        model.tally,
    )
    n = citizens.n
    present = citizens.present[:n]
    count = int(present.sum())
    need = citizens.need[:n]
    need_sum = float(row_sum(need) @ present) / citizens.domains
    trust_sum = float(citizens.trust[:n] @ present)
    stable_count = int(
        ((row_count_above(need, scenario.needs.active_threshold) == 0) & present).sum()
    )
    pathway = np.bincount(citizens.pathway[:n], minlength=len(Pathway))
    spec = np.bincount(citizens.spec_state[:n].ravel(), minlength=len(SpecialistState))

    in_post = workforce.in_post
    staff = scenario.workforce
    paid_hours = float(in_post.sum()) * staff.hours_per_week
    available = float(workforce.available.sum())
    hours = {name: float(workforce.hours[name].sum()) for name in LEDGER}
    worked = available - hours["idle"]
    specialist = dict(model.specialist_hours)
    model.specialist_hours.clear()
    specialist_worked = sum(specialist.values())
    transactional = sum(hours[c] for c in TRANSACTIONAL) + sum(
        specialist.get(c, 0.0) for c in TRANSACTIONAL
    )

    tally.add("citizen_weeks", count)
    tally.add("need_sum", need_sum)
    tally.add("trust_sum", trust_sum)
    tally.add("stable_sum", float(stable_count))
    tally.add("staff_cost_gbp", paid_hours * staff.hourly_cost_gbp)
    tally.add(f"cost_{staff.payer}", paid_hours * staff.hourly_cost_gbp)
    tally.add("post_weeks_filled", float(in_post.sum()))
    tally.add("post_weeks", float(workforce.posts))
    tally.add("burnout_sum", float(workforce.burnout[in_post].sum()))
    tally.add("caseload_sum", float(workforce.caseload[in_post].sum()))
    tally.add("available_hours", available)
    tally.add("worked_hours", worked)
    tally.add("unmet_hours", float(workforce.unmet.sum()))
    tally.add("specialist_worked_hours", specialist_worked)
    tally.add("transactional_hours", transactional)
    for name in LEDGER:
        tally.add(f"hours_{name}", hours[name])
    for name, value in specialist.items():
        tally.add(f"specialist_hours_{name}", value)

    measures: dict[str, float] = {
        "citizens": count,
        "mean_need": need_sum / count if count else 0.0,
        "mean_trust": trust_sum / count if count else 0.0,
        "share_citizens_stable": stable_count / count if count else 0.0,
        "presentations": float(model.weekly_presentations),
        "crises": float(model.weekly_crises.sum()),
        "waiting_front_door": float(
            pathway[Pathway.WAITING_FRONT_DOOR] + pathway[Pathway.WAITING_ALLOCATION]
        ),
        "waiting_caseworker": float(pathway[Pathway.WAITING_CASEWORKER]),
        "in_short_episode": float(pathway[Pathway.SHORT_EPISODE]),
        "held_by_caseworker": float(pathway[Pathway.HELD]),
        "stepped_down": float(pathway[Pathway.STEPPED_DOWN]),
        "waiting_specialist": float(spec[SpecialistState.WAITING]),
        "with_specialist": float(spec[SpecialistState.EPISODE] + spec[SpecialistState.JOINT_WORK]),
        "workers_in_post": float(in_post.sum()),
        "mean_caseload": float(workforce.caseload[in_post].mean()) if in_post.any() else 0.0,
        "staff_utilisation": worked / available if available else 0.0,
        "share_time_transactional": transactional / (worked + specialist_worked)
        if worked + specialist_worked
        else 0.0,
        "mean_burnout": float(workforce.burnout[in_post].mean()) if in_post.any() else 0.0,
        "unmet_hours": float(workforce.unmet.sum()),
    }
    week = tally.this_week
    measures["failure_demand_contacts"] = week["repeat_presentations"] + week["chasing_contacts"]
    measures["handoffs"] = week["handoffs"]
    measures["leavers"] = week["leavers"]
    measures["waits_ended"] = week["waits"]
    measures["mean_wait_weeks_ended"] = week["wait_weeks"] / week["waits"] if week["waits"] else 0.0
    for k, name in enumerate(CRISIS_TYPES):
        measures[f"crises_{name}"] = float(model.weekly_crises[k])
    costs = {
        "crisis_cost_gbp": float(model.weekly_crises @ model.crisis_unit_costs),
        "staff_cost_gbp": paid_hours * staff.hourly_cost_gbp,
        "specialist_cost_gbp": sum(s.hours_used * s.rules.hourly_cost_gbp for s in model.services),
        "flexible_budget_gbp": model.weekly_budget_gbp,
    }
    measures.update(costs)
    measures["total_cost_gbp"] = sum(costs.values())
    return measures
