"""Specialist services' week: open episodes, joint work with caseworkers, drop-out from waiting
lists, and admissions in referral order while hours last.

Open episodes are served first (they are booked), joint work next (a caseworker has asked for
it this week), and only then are new people admitted from the waiting list, each with a
re-assessment ("tell your story again") that costs the specialist's time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.agents.specialist import SpecialistService
from relsim.care_models.base import end_wait, fifo, meet
from relsim.population import SpecialistState

if TYPE_CHECKING:
    from relsim.model import CareModel

RECORDING_SHARE = 0.5


def specialist_week(model: CareModel) -> None:
    citizens = model.citizens
    state = citizens.spec_state[: citizens.n]
    all_rows, all_domains = np.nonzero(state)
    values = state[all_rows, all_domains]
    by_state = {}
    for kind in (SpecialistState.WAITING, SpecialistState.EPISODE, SpecialistState.JOINT_WORK):
        chosen = values == kind
        by_state[kind] = (all_rows[chosen], all_domains[chosen])
    for service in model.services:
        service.reset_week()
        mine = {k: rows[domains == service.domain] for k, (rows, domains) in by_state.items()}
        episodes = mine[SpecialistState.EPISODE]
        _episodes(model, service, episodes)
        _joint_work(model, service, mine[SpecialistState.JOINT_WORK])
        waiting = _drop_out(model, service, mine[SpecialistState.WAITING])
        open_episodes = int(
            (citizens.spec_state[episodes, service.domain] == SpecialistState.EPISODE).sum()
        )
        _admit(model, service, waiting, open_episodes)


def excluded_by_rules(
    model: CareModel, need: np.ndarray, chance: np.ndarray, strictness: float
) -> np.ndarray:
    """(rows, domains): refused under a service's exclusion rule (e.g. no mental-health work
    while substance use is active), each rule applied with probability `strictness`."""
    scenario = model.config
    domains = scenario.needs.domains
    threshold = scenario.needs.active_threshold
    excluded = np.zeros(need.shape, dtype=bool)
    for service in model.services:
        rule = [domains.index(e) for e in service.rules.excludes_if_active if e in domains]
        if rule:
            excluded[:, service.domain] = (need[:, rule] > threshold).any(axis=1)
    return excluded & (chance < strictness)


def _book(model: CareModel, service: SpecialistService, category: str, hours: float) -> None:
    service.hours_used += hours
    model.specialist_hours[category] += hours
    cost = hours * service.rules.hourly_cost_gbp
    model.tally.add(f"specialist_cost_{service.rules.payer}", cost)
    model.tally.add(f"cost_{service.rules.payer}", cost)


def _episodes(model: CareModel, service: SpecialistService, rows: np.ndarray) -> None:
    citizens, week, d = model.citizens, model.week, service.domain
    rules = service.rules
    rows = rows[citizens.interrupted_until[rows] < week]
    if rows.size == 0:
        return
    _book(model, service, "direct", rows.size * rules.session_hours)
    _book(model, service, "recording", rows.size * rules.session_hours * RECORDING_SHARE)
    attended = model.specialist_attendance_draw[rows, d] < model.attendance_p[rows]
    seen = rows[attended]
    citizens.support[seen, d] += rules.session_effect
    missed = rows[~attended]
    citizens.spec_missed[missed, d] += 1
    citizens.spec_sessions_left[rows, d] -= 1
    max_missed = model.config.assess_do_refer.max_missed_sessions
    discharged = missed[citizens.spec_missed[missed, d] > max_missed]
    finished = rows[citizens.spec_sessions_left[rows, d] <= 0]
    finished = np.setdiff1d(finished, discharged)
    citizens.trust[discharged] = np.clip(
        citizens.trust[discharged] + model.config.assess_do_refer.discharge_trust_change, 0, 1
    )
    citizens.spec_state[discharged, d] = SpecialistState.NONE
    citizens.spec_state[finished, d] = SpecialistState.NONE
    model.tally.add("specialist_discharges_non_attendance", discharged.size)
    model.journeys.log(week, discharged, "discharged_non_attendance", service=d)
    model.journeys.log(week, finished, "specialist_closed", service=d)


def _joint_work(model: CareModel, service: SpecialistService, rows: np.ndarray) -> None:
    citizens, d = model.citizens, service.domain
    rules = model.config.liberated
    delay = model.config.assess_do_refer.referral_delay_weeks * (1.0 - rules.friction_bypass)
    rows = rows[
        model.engaged_this_week[rows] & (model.week - citizens.spec_since[rows, d] >= delay)
    ]
    if rows.size == 0 or rules.joint_work_hours_per_week <= 0:
        return
    rows = fifo(rows, citizens.spec_since[:, d])
    affordable = int(service.hours_free // rules.joint_work_hours_per_week)
    served = rows[:affordable]
    model.tally.add("joint_work_unserved", rows.size - served.size)
    if served.size == 0:
        return
    _book(model, service, "direct", served.size * rules.joint_work_hours_per_week)
    depth = citizens.depth[served]
    dose = rules.joint_work_hours_per_week / max(service.rules.session_hours, 1e-9)
    citizens.support[served, d] += service.rules.session_effect * dose * (0.5 + 0.5 * depth)
    model.tally.add("joint_work_sessions", served.size)


def _drop_out(model: CareModel, service: SpecialistService, rows: np.ndarray) -> np.ndarray:
    """Returns who is still waiting."""
    citizens, scenario, d = model.citizens, model.config, service.domain
    if rows.size == 0:
        return rows
    n_active = (citizens.need[rows] > scenario.needs.active_threshold).sum(axis=1)
    chaos = 1.0 + 0.25 * np.maximum(n_active - 1, 0)
    probability = scenario.assess_do_refer.waiting_dropout_per_week * (1 - citizens.trust[rows])
    leaving = model.dropout_draw[rows, d] < probability * chaos
    dropped = rows[leaving]
    citizens.spec_state[dropped, d] = SpecialistState.NONE
    citizens.trust[dropped] = np.clip(citizens.trust[dropped] - 0.03, 0, 1)
    model.tally.add("dropouts", dropped.size)
    model.journeys.log(model.week, dropped, "dropped_out", service=d)
    return rows[~leaving]


def _admit(
    model: CareModel, service: SpecialistService, waiting: np.ndarray, open_episodes: int
) -> None:
    citizens, week, d = model.citizens, model.week, service.domain
    rules = service.rules
    reassessment = model.config.assess_do_refer.reassessment_hours
    delay = model.config.assess_do_refer.referral_delay_weeks
    places = service.slots - open_episodes
    rows = waiting[week - citizens.spec_since[waiting, d] >= delay]
    if rows.size == 0 or places <= 0:
        return
    per_admission = reassessment + service.hours_per_slot
    affordable = int(service.hours_free // per_admission) if per_admission > 0 else places
    admitted = fifo(rows, citizens.spec_since[:, d])[: max(0, min(places, affordable))]
    if admitted.size == 0:
        return
    _book(model, service, "reassessment", admitted.size * reassessment)
    citizens.spec_state[admitted, d] = SpecialistState.EPISODE
    citizens.spec_sessions_left[admitted, d] = rules.episode_sessions
    citizens.spec_missed[admitted, d] = 0
    end_wait(model, admitted, citizens.spec_since[admitted, d], "specialist")
    for row in admitted:
        meet(model, int(row), model.new_specialist_person(), front_line=False)
    model.tally.add("specialist_admissions", admitted.size)
    model.journeys.log(week, admitted, "specialist_started", service=d)
