"""The Liberated Method: a named caseworker under a caseload cap holds the person across all their
needs, works on what matters to them, spends a flexible budget, draws specialists in, never
discharges for non-attendance, steps down when stable and takes the person back on return.

Order within a week: reflective practice is protected first, then people waiting are allocated,
then each caseload gets contact time in proportion to need (scaled down if the worker is short of
hours), then budget spend, specialist draw-in and step-down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from relsim.care_models.base import (
    assign,
    close_cases,
    end_wait,
    fifo,
    fill_slots,
    join_queue,
    meet,
)
from relsim.care_models.specialist_work import excluded_by_rules
from relsim.population import Pathway, Route, SpecialistState

if TYPE_CHECKING:
    from relsim.model import CareModel


class Liberated:
    route = Route.LIBERATED

    def __init__(
        self, fallback_intake: Callable[[CareModel, np.ndarray], None] | None = None
    ) -> None:
        """`fallback_intake` takes whoever finds every caseworker at the cap (else they wait)."""
        self.fallback_intake = fallback_intake

    def intake(self, model: CareModel, rows: np.ndarray) -> None:
        join_queue(model, rows, self.route, Pathway.WAITING_CASEWORKER)

    def week(self, model: CareModel) -> None:
        if model.workforce.posts == 0:
            return  # nobody to hold anyone: people wait, and the waiting is counted
        self._reflect(model)
        self._allocate(model)
        n = model.citizens.n
        held = np.flatnonzero(
            (model.citizens.route[:n] == self.route) & (model.citizens.pathway[:n] == Pathway.HELD)
        )
        engaged = self._contact(model, held)
        self._budget(model, held)
        self._draw_in(model, held, engaged)
        self._step_down(model, held)

    def reassign(self, model: CareModel, rows: np.ndarray) -> None:
        """A leaver's caseload goes to colleagues with room, keeping part of the relationship;
        the rest wait at the front of the queue."""
        citizens, workforce = model.citizens, model.workforce
        retention = model.config.staff.handover_retention
        room = workforce.room(self.route)
        for row in rows:
            citizens.worker[row] = -1
            citizens.handoffs[row] += 1
            model.tally.add("handoffs")
            citizens.depth[row] *= retention
            citizens.knowledge[row] *= retention
            if room.max() <= 0:
                citizens.pathway[row] = Pathway.WAITING_CASEWORKER
                citizens.since_week[row] = -1  # first in line
                continue
            post = int(np.argmax(room))
            room[post] -= 1
            assign(model, int(row), post)
            person = int(workforce.person[post])
            meet(model, int(row), person)
            model.journeys.log(model.week, np.array([row]), "reallocated", worker=person)

    # -- weekly work ----------------------------------------------------------------------
    def _posts(self, model: CareModel) -> np.ndarray:
        return model.workforce.role == self.route

    def _reflect(self, model: CareModel) -> None:
        workforce = model.workforce
        hours = model.config.liberated.reflective_practice_hours_per_week
        posts = np.flatnonzero(self._posts(model) & (workforce.available > 0))
        booked = np.minimum(workforce.free_hours()[posts], hours)
        workforce.book("reflective", posts, booked)
        model.reflective_hours[posts] += booked

    def _allocate(self, model: CareModel) -> None:
        citizens, workforce, week = model.citizens, model.workforce, model.week
        rules = model.config.liberated
        n = citizens.n
        queue = np.flatnonzero(
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.WAITING_CASEWORKER)
        )
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        last = citizens.last_worker[queue]
        safe = np.where(last >= 0, last, 0)
        same = (
            (last >= 0)
            & (workforce.role[safe] == self.route)
            & (workforce.person[safe] == citizens.last_person[queue])
        )
        posts = fill_slots(np.where(same, last, -1), workforce.room(self.route))
        if self.fallback_intake is not None and (posts < 0).any():
            model.tally.add("fallback_intakes", int((posts < 0).sum()))
            self.fallback_intake(model, queue[posts < 0])
        taken = posts >= 0
        rows, posts = queue[taken], posts[taken]
        if rows.size == 0:
            return
        returning = same[taken] & (posts == last[taken])
        np.add.at(workforce.caseload, posts, 1)
        citizens.worker[rows] = posts
        citizens.last_worker[rows] = posts
        # A returning person keeps their relationship; one handed over after their worker left
        # (waiting first in line, since_week -1) keeps the part the handover retained.
        handed_over = citizens.since_week[rows] < 0
        keep = returning | handed_over
        citizens.depth[rows] = np.where(keep, citizens.depth[rows], 0.0)
        citizens.knowledge[rows] = np.where(keep, citizens.knowledge[rows], 0.0)
        people = workforce.person[posts]
        for row, person in zip(rows.tolist(), people.tolist(), strict=True):
            meet(model, row, person)
        waited = citizens.since_week[rows] >= 0
        end_wait(model, rows[waited], citizens.since_week[rows[waited]], "caseworker")
        talk = rules.understand_hours * np.where(returning, 0.5, 1.0)
        wanted = np.bincount(posts, weights=talk, minlength=workforce.posts)
        done = np.minimum(wanted, workforce.free_hours())
        workforce.hours["direct"] += done
        workforce.unmet += wanted - done
        citizens.pathway[rows] = Pathway.HELD
        citizens.stable_weeks[rows] = 0
        model.journeys.log(week, rows[returning], "returned_to_same_worker", people[returning])
        model.journeys.log(week, rows[~returning], "held", people[~returning])

    def _contact(self, model: CareModel, held: np.ndarray) -> np.ndarray:
        """Need-led contact time; returns the rows who engaged this week."""
        citizens, workforce, scenario, week = (
            model.citizens,
            model.workforce,
            model.config,
            model.week,
        )
        rules = scenario.liberated
        rows = held[citizens.interrupted_until[held] < week]
        if rows.size == 0:
            return rows
        threshold = scenario.needs.active_threshold
        need = citizens.need[rows]
        active = need > threshold
        in_crisis = model.crisis_this_week[rows]
        demand = (
            rules.base_contact_hours_per_week
            + rules.contact_hours_per_active_need * active.sum(axis=1)
            + rules.crisis_contact_hours * in_crisis
        )
        overhead = 1.0 + rules.recording_share + rules.travel_share
        # An absent worker's people are seen by their team buddy, if the buddy is on duty.
        own = citizens.worker[rows]
        buddy = self._buddy(model)[own]
        absent = workforce.available[own] <= 0
        by_buddy = absent & (workforce.available[buddy] > 0)
        posts = np.where(by_buddy, buddy, own)
        model.tally.add("absence_cover_contacts", int(by_buddy.sum()))
        wanted = np.bincount(posts, weights=demand * overhead, minlength=workforce.posts)
        free = workforce.free_hours()
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(wanted > 0, np.minimum(1.0, free / wanted), 0.0)
        hours = demand * share[posts]
        workforce.unmet += np.bincount(
            posts, weights=(demand - hours) * overhead, minlength=workforce.posts
        )
        workforce.book("direct", posts, hours)
        workforce.book("recording", posts, hours * rules.recording_share)
        workforce.book("travel", posts, hours * rules.travel_share)
        workforce.crisis_hours += np.bincount(
            posts,
            weights=rules.crisis_contact_hours * in_crisis * share[posts],
            minlength=workforce.posts,
        )
        model.tally.add("contact_hours", float(hours.sum()))

        engaged = (model.attendance_draw[rows] < model.attendance_p[rows]) & (hours > 0)
        missed = ~engaged & (hours > 0)
        model.tally.add("missed_contacts", float(missed.sum()))
        citizens.trust[rows[missed]] += rules.missed_contact_trust_change
        # No discharge for non-attendance: the worker goes looking for the person instead.
        outreach = np.bincount(
            posts[missed],
            weights=np.full(int(missed.sum()), rules.outreach_hours_per_missed_contact),
            minlength=workforce.posts,
        )
        done = np.minimum(outreach, workforce.free_hours())
        workforce.hours["travel"] += done
        workforce.unmet += outreach - done
        seen, seen_hours = rows[engaged], hours[engaged]
        named = model.streams["allocation"].random(seen.size) < scenario.staff.named_worker_share
        named &= ~by_buddy[engaged]
        self._meet_cover(model, seen[~named], buddy[engaged][~named])
        current = citizens.depth[seen]
        depth = np.where(named, current, 0.0)
        new_share = rules.new_worker_effect_share
        effect = seen_hours * rules.contact_effect_per_hour * (new_share + (1 - new_share) * depth)
        weights = citizens.priority[seen] * np.where(active[engaged], need[engaged], 0.0)
        totals = weights.sum(axis=1, keepdims=True)
        weights = np.where(totals > 0, weights / np.where(totals > 0, totals, 1.0), 0.0)
        citizens.support[seen] += effect[:, None] * weights
        growth_hours = np.where(named, seen_hours, 0.0)
        citizens.depth[seen] = current + rules.relationship_growth_per_hour * growth_hours * (
            1 - current
        )
        trust = citizens.trust[seen]
        citizens.trust[seen] = trust + rules.trust_growth_per_hour * seen_hours * (1 - trust)
        knowledge = citizens.knowledge[seen]
        growth = scenario.staff.knowledge_growth_per_contact
        citizens.knowledge[seen] = knowledge + growth * (1 - knowledge)
        citizens.depth[rows] = np.clip(citizens.depth[rows], 0, 1)
        citizens.trust[rows] = np.clip(citizens.trust[rows], 0, 1)
        return seen

    def _buddy(self, model: CareModel) -> np.ndarray:
        """Each caseworker post's team buddy: the next post of the same role."""
        mine = np.flatnonzero(self._posts(model))
        buddy = np.arange(model.workforce.posts)
        buddy[mine] = np.roll(mine, -1)
        return buddy

    def _meet_cover(self, model: CareModel, rows: np.ndarray, buddy_posts: np.ndarray) -> None:
        """Contacts covered by the named worker's team buddy (the next post of the same role):
        someone the person may not know, and who builds no relationship with them."""
        if rows.size == 0:
            return
        cover = model.workforce.person[buddy_posts]
        new = (cover >= 0) & (cover != model.citizens.cover_person[rows])
        model.citizens.cover_person[rows[new]] = cover[new]
        for row, person in zip(rows[new].tolist(), cover[new].tolist(), strict=True):
            meet(model, row, person, front_line=False)

    def _budget(self, model: CareModel, held: np.ndarray) -> None:
        """Default to yes: spend on an active practical need while the year's budget lasts."""
        citizens, scenario, week = model.citizens, model.config, model.week
        rules = scenario.liberated
        domains = scenario.needs.domains
        practical = [domains.index(d) for d in rules.budget_domains if d in domains]
        if not practical or rules.weekly_spend_gbp <= 0:
            return
        rows = held
        new_year = rows[week - citizens.budget_year_start[rows] >= 52]
        citizens.budget_year_start[new_year] = week
        citizens.budget_spent_year[new_year] = 0.0
        active = citizens.need[np.ix_(rows, practical)] > scenario.needs.active_threshold
        wanting = active.any(axis=1)
        rows, active = rows[wanting], active[wanting]
        left = rules.flexible_budget_per_citizen_year_gbp - citizens.budget_spent_year[rows]
        spend = np.clip(left, 0.0, rules.weekly_spend_gbp)
        spending = spend > 0
        rows, active, spend = rows[spending], active[spending], spend[spending]
        if rows.size == 0:
            return
        citizens.budget_spent_year[rows] += spend
        per_need = rules.budget_effect_per_100_gbp * spend / 100.0 / active.sum(axis=1)
        for k, domain in enumerate(practical):
            citizens.support[rows, domain] += per_need * active[:, k]
        model.tally.add("budget_cost_gbp", float(spend.sum()))
        model.weekly_budget_gbp += float(spend.sum())
        model.tally.add(f"cost_{rules.budget_payer}", float(spend.sum()))
        model.journeys.log(week, rows, "budget_spent", detail=spend)

    def _draw_in(self, model: CareModel, held: np.ndarray, engaged: np.ndarray) -> None:
        """Bring a specialist into the work instead of referring the person away."""
        citizens, scenario, workforce = model.citizens, model.config, model.workforce
        rules = scenario.liberated
        n = citizens.n
        is_held = np.zeros(n, dtype=bool)
        is_held[held] = True
        joint_r, joint_d = np.nonzero(citizens.spec_state[:n] == SpecialistState.JOINT_WORK)
        over = ~is_held[joint_r] | (
            citizens.need[joint_r, joint_d] <= scenario.needs.active_threshold
        )
        citizens.spec_state[joint_r[over], joint_d[over]] = SpecialistState.NONE

        open_service = np.array([s.slots > 0 for s in model.services])
        need = citizens.need[held]
        want = (
            (citizens.spec_state[held] == SpecialistState.NONE)
            & (need >= rules.specialist_draw_in_threshold)
            & open_service[None, :]
        )
        # Drawing a specialist in avoids most, not all, of the friction of a referral.
        strictness = scenario.assess_do_refer.exclusion_strictness * (1.0 - rules.friction_bypass)
        want &= ~excluded_by_rules(
            model, need, model.streams["referrals"].random(need.shape), strictness
        )
        new_i, new_d = np.nonzero(want)
        new_r = held[new_i]
        citizens.spec_state[new_r, new_d] = SpecialistState.JOINT_WORK
        citizens.spec_since[new_r, new_d] = model.week
        for row, d in zip(new_r.tolist(), new_d.tolist(), strict=True):
            meet(model, row, -(1000 + d), front_line=False)
        model.journeys.log(model.week, new_r, "specialist_drawn_in", service=new_d)

        joint_count = (citizens.spec_state[held] == SpecialistState.JOINT_WORK).sum(axis=1)
        wanted = np.bincount(
            citizens.worker[held],
            weights=joint_count * rules.caseworker_joint_hours_per_week,
            minlength=workforce.posts,
        )
        done = np.minimum(wanted, workforce.free_hours())
        workforce.hours["coordination"] += done
        workforce.unmet += wanted - done
        model.engaged_this_week[:] = False
        model.engaged_this_week[engaged] = True

    def _step_down(self, model: CareModel, held: np.ndarray) -> None:
        citizens, scenario = model.citizens, model.config
        rows = held
        stable = ~(citizens.need[rows] >= scenario.liberated.stable_need_below).any(axis=1)
        stable &= ~model.crisis_this_week[rows]
        citizens.stable_weeks[rows] = np.where(stable, citizens.stable_weeks[rows] + 1, 0)
        done = rows[citizens.stable_weeks[rows] >= scenario.liberated.step_down_stable_weeks]
        close_cases(model, done, "stepped_down", Pathway.STEPPED_DOWN)
