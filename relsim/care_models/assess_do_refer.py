"""Assess-do-refer: whoever is on duty assesses against a threshold, a short episode works on the
presenting need, other needs are referred onward, and the case closes.

Order within a week: booked sessions of open episodes first (they are in diaries), then the
front-door queue is assessed in arrival order with the hours left, then assessed cases are
allocated to a worker with room under the cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.care_models.base import assign, close_cases, end_wait, fifo, meet
from relsim.dynamics.engagement import attendance_probability
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
        citizens = model.citizens
        citizens.route[rows] = self.route
        citizens.pathway[rows] = Pathway.WAITING_FRONT_DOOR
        citizens.since_week[rows] = model.week

    def week(self, model: CareModel) -> None:
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
        demand = np.bincount(posts, minlength=workforce.posts) * per_session
        free = workforce.free_hours()
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(demand > 0, np.minimum(1.0, free / demand), 0.0)
        delivered = model.streams["allocation"].random(rows.size) < share[posts]
        np.add.at(workforce.unmet, posts[~delivered], per_session)
        rows, posts = rows[delivered], posts[delivered]
        workforce.book("direct", posts, rules.session_hours)
        workforce.book("recording", posts, rules.recording_hours_per_contact)
        model.tally.add("sessions_delivered", rows.size)

        attended = model.attendance_draw[rows] < attendance_probability(citizens, model.config)[rows]
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
            (citizens.sessions_left[rows] <= 0)
            & (citizens.pathway[rows] == Pathway.SHORT_EPISODE)
        ]
        close_cases(model, finished, "episode_closed", Pathway.NOT_IN_SERVICE)

    # -- the front door -------------------------------------------------------------------
    def _duty_post(self, model: CareModel, row: int, free: np.ndarray, cost: float) -> int:
        """Whoever is free on the rota; the same person again only by chance of continuity."""
        citizens, workforce = model.citizens, model.workforce
        last = citizens.last_worker[row]
        same_chance = model.streams["assessment"].random()
        if (
            last >= 0
            and workforce.role[last] == self.post_role
            and workforce.person[last] == citizens.last_person[row]
            and free[last] >= cost
            and same_chance < model.config.staff.same_worker_probability
        ):
            return int(last)
        candidates = np.where(workforce.role == self.post_role, free, -1.0)
        return int(np.argmax(candidates))

    def _assessments(self, model: CareModel) -> None:
        citizens, workforce, week = model.citizens, model.workforce, model.week
        scenario = model.config
        rules = scenario.assess_do_refer
        n = citizens.n
        queue = np.flatnonzero(
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.WAITING_FRONT_DOOR)
        )
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        free = workforce.free_hours() * (workforce.role == self.post_role)
        cost = rules.assessment_hours + rules.recording_hours_per_contact
        rng = model.streams["assessment"]
        for row in queue:
            if free.max() < cost:
                break
            post = self._duty_post(model, int(row), free, cost)
            free[post] -= cost
            workforce.book("assessment", np.array([post]), rules.assessment_hours)
            workforce.book("recording", np.array([post]), rules.recording_hours_per_contact)
            person = int(workforce.person[post])
            if citizens.last_person[row] != person:
                citizens.knowledge[row] = 0.0
            meet(model, int(row), person)
            citizens.last_worker[row] = post
            end_wait(model, np.array([row]), citizens.since_week[[row]], "front_door")
            model.tally.add("assessments")
            model.journeys.log(week, np.array([row]), "assessed", worker=person)
            free[post] -= self._assess(model, int(row), post, rng)
            citizens.knowledge[row] += scenario.staff.knowledge_growth_per_contact * (
                1.0 - citizens.knowledge[row]
            )

    def _assess(self, model: CareModel, row: int, post: int, rng: np.random.Generator) -> float:
        """Decide eligibility and referrals for one person; returns referral hours spent."""
        citizens, scenario, week = model.citizens, model.config, model.week
        rules = scenario.assess_do_refer
        threshold = scenario.needs.active_threshold
        need = citizens.need[row]
        knowledge = citizens.knowledge[row]
        observed = need + rng.normal(0.0, rules.assessment_error_sd * (1.0 - knowledge), need.size)
        presenting = int(np.argmax(observed))
        person = int(model.workforce.person[post])
        if observed[presenting] < rules.eligibility_threshold:
            citizens.trust[row] = np.clip(citizens.trust[row] + rules.signpost_trust_change, 0, 1)
            citizens.worker[row] = -1
            close_cases(model, np.array([row]), "signposted", Pathway.NOT_IN_SERVICE)
            return 0.0
        citizens.presenting_domain[row] = presenting
        citizens.pathway[row] = Pathway.WAITING_ALLOCATION
        citizens.since_week[row] = week
        spent = 0.0
        identify = rules.other_need_identification_probability
        identify += (1.0 - identify) * knowledge
        for domain in np.flatnonzero(need > threshold):
            if domain == presenting or citizens.spec_state[row, domain] != SpecialistState.NONE:
                continue
            if model.services[domain].slots == 0 or rng.random() >= identify:
                continue
            spent += rules.referral_paperwork_hours
            model.workforce.book("referral", np.array([post]), rules.referral_paperwork_hours)
            model.tally.add("referrals")
            if self._refused(model, row, int(domain), observed, rng):
                citizens.trust[row] = np.clip(
                    citizens.trust[row] + rules.rejection_trust_change, 0, 1
                )
                model.tally.add("referrals_rejected")
                model.journeys.log(week, np.array([row]), "referral_rejected", person, domain)
                continue
            citizens.spec_state[row, domain] = SpecialistState.WAITING
            citizens.spec_since[row, domain] = week
            citizens.handoffs[row] += 1
            model.tally.add("handoffs")
            model.journeys.log(week, np.array([row]), "referred", person, domain)
        return spent

    def _refused(
        self,
        model: CareModel,
        row: int,
        domain: int,
        observed: np.ndarray,
        rng: np.random.Generator,
    ) -> bool:
        """The receiving service's threshold and exclusion rules."""
        rules = model.config.assess_do_refer
        service = model.services[domain]
        strict = rng.random() < rules.exclusion_strictness
        if observed[domain] < rules.specialist_threshold:
            return True
        domains = model.config.needs.domains
        threshold = model.config.needs.active_threshold
        for excluded in service.rules.excludes_if_active:
            if excluded in domains and model.citizens.need[row, domains.index(excluded)] > threshold:
                if strict:
                    return True
        return False

    def _allocate(self, model: CareModel) -> None:
        citizens, workforce = model.citizens, model.workforce
        n = citizens.n
        queue = np.flatnonzero(
            (citizens.route[:n] == self.route)
            & (citizens.pathway[:n] == Pathway.WAITING_ALLOCATION)
        )
        if queue.size == 0:
            return
        room = workforce.room(model.week, self.post_role)
        sessions = model.config.assess_do_refer.episode_sessions
        for row in fifo(queue, citizens.since_week):
            last = citizens.last_worker[row]
            if last >= 0 and room[last] > 0 and workforce.person[last] == citizens.last_person[row]:
                post = int(last)
            elif room.max() > 0:
                post = int(np.argmax(room))
            else:
                break
            room[post] -= 1
            assign(model, int(row), post)
            person = int(workforce.person[post])
            if citizens.last_person[row] != person:
                citizens.knowledge[row] = 0.0
            meet(model, int(row), person)
            end_wait(model, np.array([row]), citizens.since_week[[row]], "allocation")
            citizens.pathway[row] = Pathway.SHORT_EPISODE
            citizens.sessions_left[row] = sessions
            citizens.missed[row] = 0
            model.journeys.log(model.week, np.array([row]), "allocated", worker=person)
