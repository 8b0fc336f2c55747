"""The Liberated Method's caseworkers and the hybrid's split between the two models."""

from __future__ import annotations

from typing import Literal

from relsim.config.params import Section, param
from relsim.config.schema.vocabulary import (
    Domain,
    Payer,
)


class Liberated(Section):
    understand_hours: float = param(
        3.0, "hours", ge=0, description="first conversation instead of an eligibility gate"
    )
    base_contact_hours_per_week: float = param(
        1.0,
        "hours/week",
        ge=0,
        description="weekly contact time for someone held, before their needs",
    )
    contact_hours_per_active_need: float = param(
        0.5, "hours/week", ge=0, description="extra weekly contact time per active need"
    )
    crisis_contact_hours: float = param(
        3.0,
        "hours",
        ge=0,
        description="extra contact time in a week with a crisis (emotionally demanding)",
    )
    recording_share: float = param(
        0.1,
        "share of contact time",
        ge=0,
        le=1,
        description="recording time as a share of contact time",
    )
    travel_share: float = param(
        0.15,
        "share of contact time",
        ge=0,
        le=1,
        description="travel time as a share of contact time (work happens where the person is)",
    )
    contact_effect_per_hour: float = param(
        0.1,
        "need per hour",
        "set by hand with the relationship parameters, aiming at the MEAM Approach reductions for people held a year or more (A&E -37 to -54 %, arrests about -41 %): the defaults reach them after a year, which is the aim met, not a test (docs/validation.md tests the calibrated ensemble); the evidence does not pin it down (thin-evidence experiment in docs/results.md)",
        ge=0,
        le=1,
        description="need reduction per contact hour with full relationship depth, with help that fits the person and a worker free of burnout",
    )
    new_worker_effect_share: float = param(
        0.05,
        "share",
        "assumption, with no source; most of what the relationship does in the model runs through it, and the larger it is the larger the Liberated Method's advantage and the less of it relational (docs/results.md: the mechanisms ablation, and thin evidence)",
        ge=0,
        le=1,
        description="share of contact_effect_per_hour achieved with no relationship (a new or covering worker), rising linearly to 1 at full depth",
    )
    contact_effect_with_depth: Literal["rises", "flat"] = param(
        "rises",
        "policy",
        "assumption: rises is the model as fitted; flat is for ablation (docs/results.md, what the Liberated Method's mechanisms add)",
        description="what the relationship adds to a contact's effect: new_worker_effect_share of it with no relationship, rising to all of it at full depth (rises), or the stranger's share however deep the relationship (flat; depth still counts in what people disclose and in attendance)",
    )
    driver_focus_share: float = param(
        0.5,
        "share of effort",
        ge=0,
        le=1,
        description="share of a caseworker's effort that goes to the need driving the others once they fully know it; the rest follows what matters to the person",
    )
    triage_crisis_weight: float = param(
        3.0,
        "score",
        ge=0,
        le=100,
        description="an overloaded caseworker's triage: weight of a crisis this week",
    )
    triage_need_weight: float = param(
        1.0, "score", ge=0, le=100, description="triage: weight of the severity of the worst need"
    )
    triage_matters_weight: float = param(
        0.5,
        "score",
        ge=0,
        le=100,
        description="triage: weight of what matters to the person (priority-weighted active need)",
    )
    triage_gap_weight: float = param(
        0.5,
        "score",
        ge=0,
        le=100,
        description="triage: weight of time since last seen (full weight at four weeks or more)",
    )
    trust_growth_per_hour: float = param(
        0.01, "trust per hour", ge=0, le=1, description="trust gained per contact hour (towards 1)"
    )
    flexible_budget_per_citizen_year_gbp: float = param(
        1000.0,
        "GBP/year",
        "assumption: You First (2016) gave personal budgets, but no source here gives their size",
        ge=0,
        description="the most a caseworker can spend on one person in a year",
    )
    weekly_spend_gbp: float = param(
        60.0, "GBP/week", ge=0, description="spend in a week with an active practical need"
    )
    budget_effect_per_100_gbp: float = param(
        0.04,
        "need per £100",
        ge=0,
        le=1,
        description="reduction of an active practical need (budget_domains) per £100 spent by a worker who fully knows the person",
    )
    budget_effect_without_knowledge_share: float = param(
        0.3,
        "share",
        ge=0,
        le=1,
        description="share of the budget's effect when the worker knows nothing of the person (money spent on the wrong thing), rising linearly to 1 with knowledge",
    )
    budget_decision_hours: float = param(
        0.25,
        "hours",
        ge=0,
        le=40,
        description="caseworker time to agree and arrange a week's spend with the person",
    )
    budget_domains: list[Domain] = param(
        ["housing", "money"],
        "domains",
        description="the practical needs the flexible budget is spent on (rent arrears, deposits, debts, furniture)",
    )
    budget_payer: Payer = param(
        "council_housing",
        "payer",
        description="who pays for the flexible budget (a pooled budget can be booked to any payer)",
    )
    specialist_draw_in_threshold: float = param(
        0.5,
        "need",
        ge=0,
        le=1,
        description="a caseworker draws the specialist into the work when the need in that domain reaches this",
    )
    friction_bypass: float = param(
        0.8,
        "share",
        ge=0,
        le=1,
        description="share of referral friction (exclusion rules, delay) that drawing a specialist in avoids",
    )
    joint_work_hours_per_week: float = param(
        1.0,
        "specialist hours/week",
        ge=0,
        description="specialist hours per week when drawn into the work",
    )
    brokerage_hours: float = param(
        2.0,
        "hours",
        ge=0,
        le=40,
        description="caseworker time to draw a specialist in (finding the right person, a joint first meeting)",
    )
    caseworker_joint_hours_per_week: float = param(
        0.5,
        "hours/week",
        ge=0,
        description="caseworker coordination hours per week for each specialist drawn in",
    )
    outreach_hours_per_missed_contact: float = param(
        0.5,
        "hours",
        ge=0,
        description="extra time spent following up a missed contact (no discharge)",
    )
    step_down_stable_weeks: int = param(
        16, "weeks", ge=1, le=520, description="weeks of stability before stepping down"
    )
    stable_need_below: float = param(
        0.5, "need", ge=0, le=1, description="stable: every need below this and no crisis"
    )
    reflective_practice_hours_per_week: float = param(
        1.5, "hours/week", ge=0, description="protected debrief and supervision time per caseworker"
    )
    return_places_over_cap: int = param(
        2,
        "people",
        ge=0,
        le=100,
        description="a caseworker takes back someone they held before, when they return, even this many over the cap (the door stays open)",
    )
    wait_for_own_worker_weeks: int = param(
        8,
        "weeks",
        ge=0,
        le=520,
        description="someone returning waits up to this long for the caseworker who knows them (if still in post) before taking whoever has room",
    )
    return_after_step_down: Literal["known_worker", "as_new"] = param(
        "known_worker",
        "policy",
        "the method: a person comes back to the worker who knows them (docs/odd.md, section 7.16); as_new is for ablation",
        description="where someone stepped down goes when they come back: to the caseworker who knows them, the relationship as it was (known_worker), or, as a check on what that return carries, to whoever has room, starting again as with a new worker (as_new)",
    )
    fallback: Literal["wait", "assess_do_refer"] = param(
        "wait", "policy", description="when every caseworker is at the cap"
    )
    missed_contact_trust_change: float = param(
        0.0, "trust", ge=-1, le=1, description="trust change after a missed contact"
    )


class Hybrid(Section):
    complexity_threshold_active_needs: int = param(
        3,
        "active needs",
        ge=0,
        le=6,
        description="at or above: routed to a caseworker (active needs as a first conversation sees them, with a stranger's assessment error)",
    )
    routing: Literal["on_presentation", "at_the_front_door"] = param(
        "on_presentation",
        "policy",
        "assumption: on_presentation is the model as fitted, where the first conversation that routes a person costs nobody's time; at_the_front_door is for checking what that conversation is worth",
        description="where the hybrid decides who goes to its caseworkers: as a person presents, in no one's hours (on_presentation), or at the front door's screening, after its wait and in its duty workers' hours, those it sees with complexity_threshold_active_needs or more active needs going on to the caseworkers' queue and the rest through assess-do-refer as usual (at_the_front_door)",
    )
    caseworker_share_of_workforce: float = param(
        0.5,
        "share of FTE",
        ge=0,
        le=1,
        description="share of workforce.workers posts that are caseworkers",
    )
    caseworker_caseload_cap: int = param(
        10,
        "citizens per caseworker",
        "assumption; Housing First fidelity is 1:7",
        ge=1,
        le=1000,
        description="the most people one hybrid caseworker may hold",
    )
