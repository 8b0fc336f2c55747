"""What a caseworker does beyond the contact itself, for the people who engaged this week: agree
a spend from their flexible budget, and draw a specialist into the work (and keep up the joint
work already going), each with the caseworker's own time, booked in the ledger; what finds no
time is the caseworker's unmet demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.agents.specialist import excluded_by_rules
from relsim.arrays import cumulative_within, nonzero_cells, row_any, row_count
from relsim.citizens import SpecialistState

if TYPE_CHECKING:
    from relsim.district import District, Week


def spend_budget(
    district: District,
    week: Week,
    rows: np.ndarray,
    posts: np.ndarray,
    own: np.ndarray,
) -> None:
    """Default to yes: after an engaged contact, agree a spend on an active practical need
    while the year's budget lasts and the worker has the time to arrange it. Money spent by
    someone who knows the person goes on what makes the difference."""
    citizens, scenario, workforce = district.citizens, district.config, district.workforce
    rules = scenario.liberated
    domains = scenario.needs.domains
    practical = [domains.index(d) for d in rules.budget_domains if d in domains]
    if not practical or rules.weekly_spend_gbp <= 0 or rows.size == 0:
        return
    new_year = rows[week.number - citizens.budget_year_start[rows] >= 52]
    citizens.budget_year_start[new_year] = week.number
    citizens.budget_spent_year[new_year] = 0.0
    active = (
        citizens.need.take(rows, axis=0).take(practical, axis=1) > scenario.needs.active_threshold
    )
    left = rules.flexible_budget_per_citizen_year_gbp - citizens.budget_spent_year[rows]
    spend = left.clip(0.0, rules.weekly_spend_gbp)
    wanting = row_any(active) & (spend > 0)
    rows, posts, own = rows[wanting], posts[wanting], own[wanting]
    active, spend = active.compress(wanting, axis=0), spend[wanting]
    if rows.size == 0:
        return
    # The decision takes the worker's time; with none left this week, it waits.
    hours = np.full(rows.size, rules.budget_decision_hours)
    fits = cumulative_within(posts, None, hours) <= (workforce.free_hours()[posts] + 1e-9)
    workforce.unmet += workforce.per_post(posts[~fits], hours[~fits])
    rows, posts, own, active, spend = (
        rows[fits],
        posts[fits],
        own[fits],
        active.compress(fits, axis=0),
        spend[fits],
    )
    if rows.size == 0:
        return
    workforce.book("budget", posts, rules.budget_decision_hours)
    citizens.budget_spent_year[rows] += spend
    retention = scenario.staff.handover_retention or 0.0
    knowledge = np.where(own, citizens.knowledge[rows], citizens.knowledge[rows] * retention)
    floor = rules.budget_effect_without_knowledge_share
    per_need = (
        rules.budget_effect_per_100_gbp
        * spend
        / 100.0
        * (floor + (1.0 - floor) * knowledge)
        / row_count(active)
    )
    for k, domain in enumerate(practical):
        citizens.support[rows, domain] += per_need * active[:, k]
    total = float(spend.sum())
    tally = district.records.tally
    tally.add("budget_cost_gbp", total)
    tally.add("budget_decisions", rows.size)
    tally.add(f"cost_{rules.budget_payer}", total)
    week.budget_gbp += total
    district.records.journeys.log(week.number, rows, "budget_spent", detail=spend)


def draw_in(district: District, week: Week, engaged: np.ndarray, serving: np.ndarray) -> None:
    """Bring a specialist into the work instead of referring the person away: arranged in an
    engaged contact, with the caseworker's time; joint work goes on only in weeks the
    caseworker keeps up the coordination."""
    citizens, scenario, workforce = district.citizens, district.config, district.workforce
    rules = scenario.liberated
    if engaged.size == 0:
        return

    # Keep up the joint work already going: coordination for each specialist involved.
    spec_state = citizens.spec_state.take(engaged, axis=0)
    joint_count = row_count(spec_state == SpecialistState.JOINT_WORK)
    joint = joint_count.nonzero()[0]
    if joint.size:
        posts = serving[joint]
        wanted = joint_count[joint] * rules.caseworker_joint_hours_per_week
        fits = cumulative_within(posts, None, wanted) <= (workforce.free_hours()[posts] + 1e-9)
        workforce.book("coordination", posts[fits], wanted[fits])
        workforce.unmet += workforce.per_post(posts[~fits], wanted[~fits])
        week.engaged[engaged[joint[~fits]]] = False  # no joint work this week

    open_service = np.array([s.open for s in district.services])
    need = citizens.need.take(engaged, axis=0)
    want = (
        (spec_state == SpecialistState.NONE)
        & (need >= rules.specialist_draw_in_threshold)
        & open_service[None, :]
    )
    # Drawing a specialist in avoids most, not all, of the friction of a referral.
    strictness = (scenario.assess_do_refer.exclusion_strictness or 0.0) * (
        1.0 - rules.friction_bypass
    )
    want &= ~excluded_by_rules(
        district.services,
        need,
        district.streams["referrals"].random(need.shape),
        strictness,
        scenario.needs.active_threshold,
    )
    new_i, new_d = nonzero_cells(want)
    if new_i.size == 0:
        return
    posts = serving[new_i]
    hours = np.full(new_i.size, rules.brokerage_hours)
    fits = cumulative_within(posts, None, hours) <= (workforce.free_hours()[posts] + 1e-9)
    workforce.unmet += workforce.per_post(posts[~fits], hours[~fits])
    new_i, new_d, posts = new_i[fits], new_d[fits], posts[fits]
    workforce.book("brokerage", posts, rules.brokerage_hours)
    new_r = engaged[new_i]
    citizens.spec_state[new_r, new_d] = SpecialistState.JOINT_WORK
    citizens.spec_since[new_r, new_d] = week.number
    citizens.spec_person[new_r, new_d] = district.people.new_specialists(new_r.size)
    district.records.tally.add("draw_ins", new_r.size)
    district.records.journeys.log(week.number, new_r, "specialist_drawn_in", service=new_d)
