"""The Liberated Method: a named caseworker under a caseload cap holds the person across all their
needs, works on what matters to them and, as they come to know the person, on what drives their
needs; spends a flexible budget and draws specialists in (both only after an engaged contact, and
both better the more the worker knows the person); never discharges for non-attendance; steps
down when stable and takes the person back on return.

Every act costs the caseworker time, booked in their ledger. Order within a week: reflective
practice is protected first, then people waiting are allocated, then each caseworker triages
whom to see with the hours left, then budget decisions, specialist draw-in and joint work for
the people who engaged, then step-down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from relsim.arrays import (
    add_to_rows,
    rank_within,
    row_count,
    row_max,
    row_sum,
)
from relsim.care_models.budget_and_draw_in import draw_in, spend_budget
from relsim.care_models.triage import choose_whom_to_see, triage_score
from relsim.cases import (
    allocate,
    close_cases,
    contacted,
    end_wait,
    fifo,
    fill_slots,
    grow_relationship,
    join_queue,
    release,
)
from relsim.citizens import NO_PERSON, NO_WORKER, Pathway, Route
from relsim.dynamics.engagement import severity

if TYPE_CHECKING:
    from relsim.district import District, Week

#: a returning person's first conversation, as a share of `liberated.understand_hours`: their
#: caseworker already knows them (a constant, ODD 7.15)
RETURNING_UNDERSTAND_SHARE = 0.5

Intake = Callable[["District", "Week", np.ndarray], None]


class Liberated:
    route = Route.LIBERATED

    def __init__(self, fallback_intake: Intake | None = None) -> None:
        """`fallback_intake` takes whoever finds every caseworker at the cap (else they wait)."""
        self.fallback_intake = fallback_intake

    def intake(self, district: District, week: Week, rows: np.ndarray) -> None:
        join_queue(district, week, rows, self.route, Pathway.WAITING_CASEWORKER)

    def work(self, district: District, week: Week) -> None:
        if district.workforce.posts == 0:
            return  # nobody to hold anyone: people wait, and the waiting is counted
        self._reflect(district, week)
        self._allocate(district, week)
        citizens = district.citizens
        n = citizens.n
        held = (
            (citizens.route[:n] == self.route) & (citizens.pathway[:n] == Pathway.HELD)
        ).nonzero()[0]
        reachable = held[citizens.interrupted_until[held] < week.number]
        engaged, serving, own = self._contact(district, week, reachable)
        spend_budget(district, week, engaged, serving, own)
        draw_in(district, week, engaged, serving)
        self._step_down(district, week, held)

    def reassign(self, district: District, week: Week, rows: np.ndarray) -> None:
        """A leaver's caseload, with nobody in the post, goes to colleagues with room, keeping
        what the handover keeps; the rest wait at the front of the queue."""
        citizens, workforce = district.citizens, district.workforce
        release(district, rows)
        citizens.handoffs[rows] += 1
        district.records.tally.add("handoffs", rows.size)
        posts = fill_slots(rows.size, workforce.room(self.route))
        taken = posts >= 0
        moved = rows[taken]
        if moved.size:
            allocate(district, week, moved, posts[taken], handover=True)
            still = moved[citizens.pathway[moved] == Pathway.HELD]
            district.records.journeys.log(
                week.number, still, "reallocated", worker=citizens.last_person[still]
            )
        waiting = rows[~taken]
        citizens.pathway[waiting] = Pathway.WAITING_CASEWORKER
        citizens.since_week[waiting] = -1  # first in line; keeps the handover when allocated

    # -- weekly work ----------------------------------------------------------------------
    def _posts(self, district: District) -> np.ndarray:
        return district.workforce.role == self.route

    def _reflect(self, district: District, week: Week) -> None:
        workforce = district.workforce
        hours = district.config.liberated.reflective_practice_hours_per_week
        posts = (self._posts(district) & workforce.on_duty()).nonzero()[0]
        booked = np.minimum(workforce.free_hours()[posts], hours)
        workforce.book("reflective", posts, booked)
        week.reflective[posts] += booked

    def _allocate(self, district: District, week: Week) -> None:
        citizens, workforce = district.citizens, district.workforce
        rules = district.config.liberated
        n = citizens.n
        queue = (
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.WAITING_CASEWORKER)
        ).nonzero()[0]
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
        # Someone coming back goes first to the worker who knows them, if still in post; they
        # wait a while for that worker rather than start again with a stranger.
        room = workforce.room(self.route)
        posts = np.full(queue.size, -1, dtype=np.int64)
        returners = same.nonzero()[0]
        if returners.size:
            # The door stays open: a worker takes their own people back a little over the cap
            # (never more than that over it).
            working = workforce.on_duty() & workforce.in_post & (workforce.role == self.route)
            limit = workforce.cap + rules.return_places_over_cap - workforce.caseload
            open_door = np.where(working, np.maximum(limit, 0), 0)
            # In queue order, each returner takes a place at their own worker's post while it
            # has one; a full post does not use up a place meant for someone further back.
            own = last[returners].astype(np.int64)
            back = returners[rank_within(own) < open_door[own]]
            posts[back] = last[back]
            np.subtract.at(room, posts[back], 1)
            room = np.maximum(room, 0)
        waited = week.number - citizens.since_week[queue]
        patient = same & (posts < 0) & (waited < rules.wait_for_own_worker_weeks)
        others = ((posts < 0) & ~patient).nonzero()[0]
        if others.size:
            posts[others] = fill_slots(others.size, room)
        overflow = (posts < 0) & ~patient
        if self.fallback_intake is not None and overflow.any():
            district.records.tally.add("fallback_intakes", int(overflow.sum()))
            self.fallback_intake(district, week, queue[overflow])
        taken = posts >= 0
        rows, posts = queue[taken], posts[taken]
        if rows.size == 0:
            return
        returning = same[taken] & (posts == last[taken])
        handed_over = citizens.since_week[rows] < 0
        waited = ~handed_over
        end_wait(district, week, rows[waited], citizens.since_week[rows[waited]], "caseworker")
        citizens.pathway[rows] = Pathway.HELD
        citizens.stable_weeks[rows] = 0
        gone = np.concatenate(
            [
                allocate(district, week, rows[handed_over], posts[handed_over], handover=True),
                allocate(district, week, rows[~handed_over], posts[~handed_over]),
            ]
        )
        if gone.size:  # stopped engaging at the handover: out of service, not held
            stay = ~np.isin(rows, gone)
            rows, posts, returning = rows[stay], posts[stay], returning[stay]
        people = workforce.person[posts]
        journeys = district.records.journeys
        journeys.log(week.number, rows[returning], "returned_to_same_worker", people[returning])
        journeys.log(week.number, rows[~returning], "held", people[~returning])
        # "Understand, not assess": a first conversation, shorter for someone returning.
        talk = rules.understand_hours * np.where(returning, RETURNING_UNDERSTAND_SHARE, 1.0)
        wanted = np.bincount(posts, weights=talk, minlength=workforce.posts)
        done = workforce.book_within("direct", wanted)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(wanted > 0, done / wanted, 0.0)
        grow_relationship(district, rows, talk * share[posts])

    def _contact(
        self, district: District, week: Week, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Triage, then need-led contact for those seen. Returns, for the people who engaged:
        their rows, the post that served them, and whether that was their own worker."""
        citizens, workforce, scenario = district.citizens, district.workforce, district.config
        rules = scenario.liberated
        empty = np.zeros(0, dtype=np.int64)
        if rows.size == 0:
            return empty, empty, np.zeros(0, dtype=bool)
        threshold = scenario.needs.active_threshold
        need = citizens.need.take(rows, axis=0)
        active = need > threshold
        n_active = row_count(active)
        in_crisis = week.crisis[rows]
        demand = (
            rules.base_contact_hours_per_week
            + rules.contact_hours_per_active_need * n_active
            + rules.crisis_contact_hours * in_crisis
        )
        overhead = 1.0 + rules.recording_share + rules.travel_share
        # An absent worker's people are seen by their team buddy, if the buddy is on duty.
        own_post = citizens.worker[rows].astype(np.int64)
        on_duty = workforce.on_duty()
        buddy = workforce.buddy[own_post]
        by_own = on_duty[own_post]
        by_buddy = ~by_own & on_duty[buddy]
        serving = np.where(by_own, own_post, np.where(by_buddy, buddy, -1))
        stake = citizens.priority.take(rows, axis=0) * (need * active)  # need is never negative
        matters = row_sum(stake, stake.dtype)
        score = triage_score(
            rules,
            in_crisis,
            severity(need, threshold),
            matters,
            week.number - citizens.last_seen_week[rows],
            district.streams["allocation"].random(rows.size),
        )
        seen = choose_whom_to_see(serving, score, demand * overhead, workforce.free_hours())
        tally = district.records.tally
        tally.add("held_weeks", rows.size)
        tally.add("held_not_seen", int(rows.size - seen.sum()))
        unseen = ~seen & (serving >= 0)
        workforce.unmet += workforce.per_post(serving[unseen], (demand * overhead)[unseen])
        rows, posts, hours = rows[seen], serving[seen], demand[seen]
        seen_rows = rows
        own = by_own[seen]
        active, stake = active.compress(seen, axis=0), stake.compress(seen, axis=0)
        tally.add("absence_cover_contacts", int((~own).sum()))
        workforce.book("direct", posts, hours)
        workforce.book("recording", posts, hours * rules.recording_share)
        workforce.book("travel", posts, hours * rules.travel_share)
        workforce.crisis_hours += workforce.per_post(
            posts, rules.crisis_contact_hours * week.crisis[rows]
        )
        tally.add("contact_hours", float(hours.sum()))

        engaged = week.attendance_draw[rows] < week.attendance_p[rows]
        missed = ~engaged
        tally.add("missed_contacts", int(missed.sum()))
        citizens.trust[rows[missed]] += rules.missed_contact_trust_change
        # No discharge for non-attendance: the worker goes looking for the person instead.
        outreach = np.bincount(
            posts[missed],
            weights=np.full(int(missed.sum()), rules.outreach_hours_per_missed_contact),
            minlength=workforce.posts,
        )
        workforce.book_within("travel", outreach)
        # The worker kept showing up: the relationship does not fade in a missed week.
        citizens.last_seen_week[rows[missed]] = week.number

        rows, posts, hours, own = rows[engaged], posts[engaged], hours[engaged], own[engaged]
        active, stake = active.compress(engaged, axis=0), stake.compress(engaged, axis=0)
        contacted(district, week, rows, workforce.person[posts], own)
        # What the serving worker knows: all of it for the named worker; a covering buddy has
        # the notes (what a handover keeps) and no relationship.
        retention = scenario.staff.handover_retention or 0.0
        knowledge = np.where(own, citizens.knowledge[rows], citizens.knowledge[rows] * retention)
        # Flat (an ablation): every contact achieves the stranger's share, however deep.
        deepens = own if rules.contact_effect_with_depth == "rises" else np.zeros_like(own)
        depth = np.where(deepens, citizens.depth[rows], 0.0)
        new_share = rules.new_worker_effect_share
        fit = citizens.help_fit[rows]
        effect = (
            hours
            * rules.contact_effect_per_hour
            * (new_share + (1.0 - new_share) * depth)
            * (fit + (1.0 - fit) * knowledge)
            * workforce.effectiveness[posts]
        )
        shares = effort_shares(
            stake,
            active,
            citizens.driver[rows],
            rules.driver_focus_share * knowledge,
        )
        add_to_rows(citizens.support, rows, effect[:, None] * shares)
        grow_relationship(district, rows[own], hours[own])
        trust = citizens.trust[rows]
        citizens.trust[rows] = trust + rules.trust_growth_per_hour * hours * (1 - trust)
        # Only the trust of those seen moved here (every other change is clipped where made).
        citizens.trust[seen_rows] = citizens.trust[seen_rows].clip(0, 1)
        week.engaged[rows] = True
        return rows, posts, own

    def _step_down(self, district: District, week: Week, held: np.ndarray) -> None:
        citizens, scenario = district.citizens, district.config
        rows = held[citizens.pathway[held] == Pathway.HELD]
        stable = row_max(citizens.need.take(rows, axis=0)) < scenario.liberated.stable_need_below
        stable &= ~week.crisis[rows]
        citizens.stable_weeks[rows] = (citizens.stable_weeks[rows] + 1) * stable  # else back to 0
        done = rows[citizens.stable_weeks[rows] >= scenario.liberated.step_down_stable_weeks]
        close_cases(district, week, done, "stepped_down", Pathway.STEPPED_DOWN)
        if scenario.liberated.return_after_step_down == "as_new":
            # None of what a return to the worker who knows them brings: no claim on that
            # worker or on the places kept over the cap for returners, no shorter first
            # conversation, no relationship or knowledge; a different worker is a change of
            # worker, with its cost in trust. The step-down rule itself is the method's.
            citizens.last_worker[done] = NO_WORKER
            citizens.known_by[done] = NO_PERSON
            citizens.depth[done] = 0.0
            citizens.knowledge[done] = 0.0


def effort_shares(
    stake: np.ndarray, active: np.ndarray, driver: np.ndarray, driver_share: np.ndarray
) -> np.ndarray:
    """(rows, domains) shares of a caseworker's effort, summing to 1 for anyone with an active
    need: `driver_share` of it on the need that drives the others (as far as the worker knows
    it, and while it is active), the rest on the active needs in proportion to what matters to
    the person. `stake` is priority times active need, which triage has already worked out."""
    totals = row_sum(stake, stake.dtype)[:, None]
    # A row with nothing at stake is all zeros, and stays so divided by 1.
    weights = stake / np.where(totals > 0, totals, 1.0)
    rows = np.arange(weights.shape[0])
    driving = (totals[:, 0] > 0) & active[rows, driver]  # an inactive driver pushes nothing
    share = driver_share * driving
    weights *= (1.0 - share)[:, None]
    weights[rows, driver] += share
    return weights
