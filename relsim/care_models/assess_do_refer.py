"""Assess-do-refer: whoever is on duty assesses against a threshold, a short episode works on the
presenting need, other needs are referred onward, and the case closes.

Order within a week: booked sessions of open episodes first (they are in diaries), then the
front-door queue is assessed in arrival order with the hours left, then assessed cases are
allocated to a worker with room under the cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.care_models.base import (
    close_cases,
    end_wait,
    fifo,
    fill_slots,
    join_queue,
    meet,
    rank_within,
)
from relsim.care_models.specialist_work import excluded_by_rules
from relsim.population import Pathway, Route, SpecialistState

if TYPE_CHECKING:
    from relsim.model import CareModel


class AssessDoRefer:
    """`post_role` is the role of the posts whose hours it uses: its own duty workers, or the
    caseworkers' spare hours when it is the Liberated Method's fallback."""

    route = Route.ASSESS_DO_REFER

    def __init__(self, post_role: Route = Route.ASSESS_DO_REFER) -> None:
        self.post_role = post_role

    def intake(self, model: CareModel, rows: np.ndarray) -> None:
        join_queue(model, rows, self.route, Pathway.WAITING_FRONT_DOOR)

    def week(self, model: CareModel) -> None:
        if model.workforce.posts == 0:
            return  # nobody to see anyone: people wait, and the waiting is counted
        self._sessions(model)
        self._assessments(model)
        self._allocate(model)

    def reassign(self, model: CareModel, rows: np.ndarray) -> None:
        """An open episode whose worker left goes back to the allocation queue."""
        citizens = model.citizens
        citizens.worker[rows] = -1
        citizens.pathway[rows] = Pathway.WAITING_ALLOCATION
        citizens.since_week[rows] = model.week
        citizens.knowledge[rows] = 0.0
        model.tally.add("handoffs", rows.size)
        citizens.handoffs[rows] += 1

    # -- short episodes -------------------------------------------------------------------
    def _sessions(self, model: CareModel) -> None:
        citizens, workforce, week = model.citizens, model.workforce, model.week
        rules = model.config.assess_do_refer
        n = citizens.n
        rows = np.flatnonzero(
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.SHORT_EPISODE)
            & (citizens.interrupted_until[:n] < week)
        )
        if rows.size == 0:
            return
        posts = citizens.worker[rows]
        per_session = rules.session_hours + rules.recording_hours_per_contact
        free = workforce.free_hours()
        if per_session > 0:
            fits = np.floor(free / per_session + 1e-9)
        else:
            fits = np.full(workforce.posts, np.inf)
        # A worker short of hours sees as many of their cases as fit, chosen at random.
        turn = rank_within(posts, model.streams["allocation"].random(rows.size))
        delivered = turn < fits[posts]
        # An absent worker's booked sessions go to colleagues on duty with hours to spare.
        absent = ~delivered & (workforce.available[posts] <= 0)
        if absent.any():
            spare = np.where(workforce.role == self.post_role, np.minimum(fits, rows.size), 0)
            np.subtract.at(spare, posts[delivered], 1)
            cover = fill_slots(np.full(int(absent.sum()), -1), spare)
            covered = np.flatnonzero(absent)[cover >= 0]
            posts[covered] = cover[cover >= 0]
            delivered[covered] = True
            model.tally.add("absence_cover_sessions", covered.size)
            for row, person in zip(
                rows[covered].tolist(), workforce.person[posts[covered]].tolist(), strict=True
            ):
                meet(model, row, person, front_line=False)
        np.add.at(workforce.unmet, posts[~delivered], per_session)
        rows, posts = rows[delivered], posts[delivered]
        workforce.book("direct", posts, rules.session_hours)
        workforce.book("recording", posts, rules.recording_hours_per_contact)
        model.tally.add("sessions_delivered", rows.size)

        attended = model.attendance_draw[rows] < model.attendance_p[rows]
        seen = rows[attended]
        citizens.support[seen, citizens.presenting_domain[seen]] += rules.session_effect
        citizens.trust[seen] = np.minimum(
            1.0, citizens.trust[seen] + rules.attended_session_trust_change
        )
        growth = model.config.staff.knowledge_growth_per_contact
        citizens.knowledge[seen] += growth * (1.0 - citizens.knowledge[seen])
        missed = rows[~attended]
        citizens.missed[missed] += 1
        citizens.sessions_left[rows] -= 1

        discharged = missed[citizens.missed[missed] > rules.max_missed_sessions]
        citizens.trust[discharged] = np.clip(
            citizens.trust[discharged] + rules.discharge_trust_change, 0.0, 1.0
        )
        close_cases(model, discharged, "discharged_non_attendance", Pathway.NOT_IN_SERVICE)
        finished = rows[
            (citizens.sessions_left[rows] <= 0) & (citizens.pathway[rows] == Pathway.SHORT_EPISODE)
        ]
        close_cases(model, finished, "episode_closed", Pathway.NOT_IN_SERVICE)

    # -- the front door -------------------------------------------------------------------
    def _preferred(self, model: CareModel, rows: np.ndarray, chance: np.ndarray) -> np.ndarray:
        """The worker seen last time, if still in post and continuity allows; else -1."""
        citizens, workforce = model.citizens, model.workforce
        last = citizens.last_worker[rows]
        valid = last >= 0
        safe = np.where(valid, last, 0)
        same = (
            valid
            & (workforce.role[safe] == self.post_role)
            & (workforce.person[safe] == citizens.last_person[rows])
            & (chance < model.config.staff.same_worker_probability)
        )
        return np.where(same, last, -1)

    def _start_contact(self, model: CareModel, rows: np.ndarray, posts: np.ndarray) -> np.ndarray:
        """Rows are now seen by the people in `posts`; a new person knows nothing of them."""
        citizens = model.citizens
        people = model.workforce.person[posts]
        citizens.knowledge[rows] = np.where(
            citizens.last_person[rows] == people, citizens.knowledge[rows], 0.0
        )
        for row, person in zip(rows.tolist(), people.tolist(), strict=True):
            meet(model, row, person)
        citizens.last_worker[rows] = posts
        return people

    def _assessments(self, model: CareModel) -> None:
        citizens, workforce, week = model.citizens, model.workforce, model.week
        scenario = model.config
        rules = scenario.assess_do_refer
        n = citizens.n
        queue = np.flatnonzero(
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.WAITING_FRONT_DOOR)
        )
        cost = rules.assessment_hours + rules.recording_hours_per_contact
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        rng = model.streams["assessment"]
        free = workforce.free_hours() * (workforce.role == self.post_role)
        slots = (
            np.floor(free / cost).astype(np.int64) if cost > 0 else np.full(free.size, queue.size)
        )
        posts = fill_slots(self._preferred(model, queue, rng.random(queue.size)), slots)
        rows, posts = queue[posts >= 0], posts[posts >= 0]
        if rows.size == 0:
            return
        workforce.book("assessment", posts, rules.assessment_hours)
        workforce.book("recording", posts, rules.recording_hours_per_contact)
        people = self._start_contact(model, rows, posts)
        end_wait(model, rows, citizens.since_week[rows], "front_door")
        model.tally.add("assessments", rows.size)
        model.journeys.log(week, rows, "assessed", worker=people)

        need = citizens.need[rows]
        knowledge = citizens.knowledge[rows]
        noise = (
            rng.normal(0.0, 1.0, need.shape)
            * (rules.assessment_error_sd * (1.0 - knowledge))[:, None]
        )
        observed = need + noise
        presenting = np.argmax(observed, axis=1)
        eligible = observed[np.arange(rows.size), presenting] >= rules.eligibility_threshold
        growth = scenario.staff.knowledge_growth_per_contact
        citizens.knowledge[rows] = knowledge + growth * (1.0 - knowledge)

        signposted = rows[~eligible]
        citizens.trust[signposted] = np.clip(
            citizens.trust[signposted] + rules.signpost_trust_change, 0, 1
        )
        close_cases(model, signposted, "signposted", Pathway.NOT_IN_SERVICE)
        kept = rows[eligible]
        citizens.presenting_domain[kept] = presenting[eligible]
        citizens.pathway[kept] = Pathway.WAITING_ALLOCATION
        citizens.since_week[kept] = week
        self._refer(model, rows, posts, people, observed, presenting, eligible, rng)

    def _refer(
        self,
        model: CareModel,
        rows: np.ndarray,
        posts: np.ndarray,
        people: np.ndarray,
        observed: np.ndarray,
        presenting: np.ndarray,
        eligible: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """Refer the other needs the assessment noticed; the receiving services apply their
        thresholds and exclusions."""
        citizens, workforce, scenario, week = (
            model.citizens,
            model.workforce,
            model.config,
            model.week,
        )
        rules = scenario.assess_do_refer
        threshold = scenario.needs.active_threshold
        need = citizens.need[rows]
        identify = rules.other_need_identification_probability
        identify = identify + (1.0 - identify) * citizens.knowledge[rows]
        has_service = np.array([s.slots > 0 for s in model.services])
        candidate = (
            (need > threshold)
            & (np.arange(need.shape[1])[None, :] != presenting[:, None])
            & (citizens.spec_state[rows] == SpecialistState.NONE)
            & has_service[None, :]
            & eligible[:, None]
            & (rng.random(need.shape) < identify[:, None])
        )
        refused = (observed < rules.specialist_threshold) | excluded_by_rules(
            model, need, rng.random(need.shape), rules.exclusion_strictness
        )
        made_r, made_d = np.nonzero(candidate)
        if made_r.size == 0:
            return
        paperwork = np.bincount(made_r, minlength=rows.size) * rules.referral_paperwork_hours
        free = workforce.free_hours()
        booked = np.zeros(workforce.posts)
        np.add.at(booked, posts, paperwork)
        done = np.minimum(booked, free)
        workforce.hours["referral"] += done
        workforce.unmet += booked - done
        model.tally.add("referrals", made_r.size)

        rejected = refused[made_r, made_d]
        rej_r, rej_d = made_r[rejected], made_d[rejected]
        np.add.at(citizens.trust, rows[rej_r], rules.rejection_trust_change)  # per refusal
        citizens.trust[rows[rej_r]] = np.clip(citizens.trust[rows[rej_r]], 0, 1)
        model.tally.add("referrals_rejected", rej_r.size)
        model.journeys.log(week, rows[rej_r], "referral_rejected", people[rej_r], rej_d)

        ok_r, ok_d = made_r[~rejected], made_d[~rejected]
        citizens.spec_state[rows[ok_r], ok_d] = SpecialistState.WAITING
        citizens.spec_since[rows[ok_r], ok_d] = week
        np.add.at(citizens.handoffs, rows[ok_r], 1)
        model.tally.add("handoffs", ok_r.size)
        model.journeys.log(week, rows[ok_r], "referred", people[ok_r], ok_d)

    def _allocate(self, model: CareModel) -> None:
        citizens, workforce = model.citizens, model.workforce
        n = citizens.n
        queue = np.flatnonzero(
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.WAITING_ALLOCATION)
        )
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        last = citizens.last_worker[queue]
        safe = np.where(last >= 0, last, 0)
        same = (last >= 0) & (workforce.person[safe] == citizens.last_person[queue])
        posts = fill_slots(np.where(same, last, -1), workforce.room(self.post_role))
        rows, posts = queue[posts >= 0], posts[posts >= 0]
        if rows.size == 0:
            return
        np.add.at(workforce.caseload, posts, 1)
        citizens.worker[rows] = posts
        people = self._start_contact(model, rows, posts)
        end_wait(model, rows, citizens.since_week[rows], "allocation")
        citizens.pathway[rows] = Pathway.SHORT_EPISODE
        citizens.sessions_left[rows] = model.config.assess_do_refer.episode_sessions
        citizens.missed[rows] = 0
        model.journeys.log(model.week, rows, "allocated", worker=people)
