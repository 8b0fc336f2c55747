"""Assess-do-refer: whoever is on duty assesses against a threshold, a short episode works on the
presenting need, other needs are referred onward, and the case closes.

Order within a week: booked sessions of open episodes first (they are in diaries), then the
front-door queue is assessed in arrival order with the hours left, then assessed cases are
allocated to a worker with room under the cap. It is a rota: nobody is kept for a person.
Its help is protocol help: aimed at the need the person presents with, and as effective as
standard help fits them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.agents.specialist import excluded_by_rules
from relsim.cases import (
    allocate,
    close_cases,
    contacted,
    end_wait,
    fifo,
    fill_slots,
    grow_relationship,
    join_queue,
    rank_within,
    release,
)
from relsim.citizens import Pathway, Route, SpecialistState

if TYPE_CHECKING:
    from relsim.district import District, Week


class AssessDoRefer:
    """`post_role` is the role of the posts whose hours it uses: its own duty workers, or the
    caseworkers' spare hours when it is the Liberated Method's fallback."""

    route = Route.ASSESS_DO_REFER

    def __init__(self, post_role: Route = Route.ASSESS_DO_REFER) -> None:
        self.post_role = post_role

    def intake(self, district: District, week: Week, rows: np.ndarray) -> None:
        join_queue(district, week, rows, self.route, Pathway.WAITING_FRONT_DOOR)

    def work(self, district: District, week: Week) -> None:
        if district.workforce.posts == 0:
            return  # nobody to see anyone: people wait, and the waiting is counted
        self._sessions(district, week)
        self._assessments(district, week)
        self._allocate(district, week)

    def reassign(self, district: District, week: Week, rows: np.ndarray) -> None:
        """An open episode whose worker left goes back to the allocation queue."""
        citizens = district.citizens
        release(district, rows)
        citizens.pathway[rows] = Pathway.WAITING_ALLOCATION
        citizens.since_week[rows] = week.number
        district.records.tally.add("handoffs", rows.size)
        citizens.handoffs[rows] += 1

    def _mine(self, district: District, pathway: Pathway) -> np.ndarray:
        citizens = district.citizens
        n = citizens.n
        return np.flatnonzero(
            (citizens.pathway[:n] == pathway) & (citizens.route[:n] == self.route)
        )

    # -- short episodes -------------------------------------------------------------------
    def _sessions(self, district: District, week: Week) -> None:
        citizens, workforce = district.citizens, district.workforce
        rules = district.config.assess_do_refer
        rows = self._mine(district, Pathway.SHORT_EPISODE)
        rows = rows[citizens.interrupted_until[rows] < week.number]
        if rows.size == 0:
            return
        posts = citizens.worker[rows].astype(np.int64)
        per_session = rules.session_hours + rules.recording_hours_per_contact
        free = workforce.free_hours()
        if per_session > 0:
            fits = np.floor(free / per_session + 1e-9)
        else:
            fits = np.full(workforce.posts, np.inf)
        # A worker short of hours sees as many of their cases as fit, chosen at random.
        turn = rank_within(posts, district.streams["allocation"].random(rows.size))
        delivered = turn < fits[posts]
        own = delivered.copy()
        # An absent worker's booked sessions go to colleagues on duty with hours to spare.
        absent = ~delivered & (workforce.available[posts] <= 0)
        if absent.any():
            spare = np.where(workforce.role == self.post_role, np.minimum(fits, rows.size), 0)
            np.subtract.at(spare, posts[delivered], 1)
            cover = fill_slots(np.full(int(absent.sum()), -1), spare)
            covered = np.flatnonzero(absent)[cover >= 0]
            posts[covered] = cover[cover >= 0]
            delivered[covered] = True
            district.records.tally.add("absence_cover_sessions", covered.size)
        workforce.unmet += workforce.per_post(posts[~delivered], per_session)
        rows, posts, own = rows[delivered], posts[delivered], own[delivered]
        workforce.book("direct", posts, rules.session_hours)
        workforce.book("recording", posts, rules.recording_hours_per_contact)
        district.records.tally.add("sessions_delivered", rows.size)

        attended = week.attendance_draw[rows] < week.attendance_p[rows]
        seen, seen_posts = rows[attended], posts[attended]
        effect = (
            rules.session_effect * citizens.help_fit[seen] * workforce.effectiveness[seen_posts]
        )
        citizens.support[seen, citizens.presenting_domain[seen]] += effect
        citizens.trust[seen] = np.minimum(
            1.0, citizens.trust[seen] + rules.attended_session_trust_change
        )
        own_seen = own[attended]
        grow_relationship(district, seen[own_seen], rules.session_hours)
        contacted(district, week, seen, workforce.person[seen_posts], own_seen)
        missed = rows[~attended]
        citizens.missed[missed] += 1
        citizens.sessions_left[rows] -= 1

        discharged = missed[citizens.missed[missed] > rules.max_missed_sessions]
        citizens.trust[discharged] = np.clip(
            citizens.trust[discharged] + rules.discharge_trust_change, 0.0, 1.0
        )
        close_cases(district, week, discharged, "discharged_non_attendance", Pathway.NOT_IN_SERVICE)
        finished = rows[
            (citizens.sessions_left[rows] <= 0) & (citizens.pathway[rows] == Pathway.SHORT_EPISODE)
        ]
        close_cases(district, week, finished, "episode_closed", Pathway.NOT_IN_SERVICE)

    # -- the front door -------------------------------------------------------------------
    def _assessments(self, district: District, week: Week) -> None:
        citizens, workforce = district.citizens, district.workforce
        scenario = district.config
        rules = scenario.assess_do_refer
        queue = self._mine(district, Pathway.WAITING_FRONT_DOOR)
        cost = rules.assessment_hours + rules.recording_hours_per_contact
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        rng = district.streams["assessment"]
        free = workforce.free_hours() * (workforce.role == self.post_role)
        slots = (
            np.floor(free / cost).astype(np.int64) if cost > 0 else np.full(free.size, queue.size)
        )
        posts = fill_slots(np.full(queue.size, -1), slots)
        rows, posts = queue[posts >= 0], posts[posts >= 0]
        if rows.size == 0:
            return
        workforce.book("assessment", posts, rules.assessment_hours)
        workforce.book("recording", posts, rules.recording_hours_per_contact)
        people = workforce.person[posts]
        # A duty worker the person has not met knows nothing of them.
        known = citizens.known_by[rows] == people
        citizens.knowledge[rows] = np.where(known, citizens.knowledge[rows], 0.0)
        citizens.depth[rows] = np.where(known, citizens.depth[rows], 0.0)
        citizens.known_by[rows] = people
        contacted(district, week, rows, people, np.zeros(rows.size, dtype=bool))
        end_wait(district, week, rows, citizens.since_week[rows], "front_door")
        district.records.tally.add("assessments", rows.size)
        district.records.journeys.log(week.number, rows, "assessed", worker=people)

        need = citizens.need[rows]
        knowledge = citizens.knowledge[rows]
        noise = (
            rng.normal(0.0, 1.0, need.shape)
            * (rules.assessment_error_sd * (1.0 - knowledge))[:, None]
        )
        observed = need + noise
        presenting = np.argmax(observed, axis=1)
        threshold = rules.eligibility_threshold or 0.0
        eligible = observed[np.arange(rows.size), presenting] >= threshold
        grow_relationship(district, rows, rules.assessment_hours)

        signposted = rows[~eligible]
        citizens.trust[signposted] = np.clip(
            citizens.trust[signposted] + rules.signpost_trust_change, 0, 1
        )
        close_cases(district, week, signposted, "signposted", Pathway.NOT_IN_SERVICE)
        kept = rows[eligible]
        citizens.presenting_domain[kept] = presenting[eligible]
        citizens.pathway[kept] = Pathway.WAITING_ALLOCATION
        citizens.since_week[kept] = week.number
        self._refer(district, week, rows, posts, people, observed, presenting, eligible, rng)

    def _refer(
        self,
        district: District,
        week: Week,
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
        citizens, workforce, scenario = district.citizens, district.workforce, district.config
        rules = scenario.assess_do_refer
        threshold = scenario.needs.active_threshold
        need = citizens.need[rows]
        identify = rules.other_need_identification_probability
        identify = identify + (1.0 - identify) * citizens.knowledge[rows]
        has_service = np.array([s.open for s in district.services])
        candidate = (
            (need > threshold)
            & (np.arange(need.shape[1])[None, :] != presenting[:, None])
            & (citizens.spec_state[rows] == SpecialistState.NONE)
            & has_service[None, :]
            & eligible[:, None]
            & (rng.random(need.shape) < identify[:, None])
        )
        refused = (observed < (rules.specialist_threshold or 0.0)) | excluded_by_rules(
            district.services,
            need,
            rng.random(need.shape),
            rules.exclusion_strictness or 0.0,
            threshold,
        )
        made_r, made_d = np.nonzero(candidate)
        if made_r.size == 0:
            return
        paperwork = np.bincount(made_r, minlength=rows.size) * (
            rules.referral_paperwork_hours or 0.0
        )
        workforce.book_within("referral", workforce.per_post(posts, paperwork))
        tally, journeys = district.records.tally, district.records.journeys
        tally.add("referrals", made_r.size)

        rejected = refused[made_r, made_d]
        rej_r, rej_d = made_r[rejected], made_d[rejected]
        np.add.at(citizens.trust, rows[rej_r], rules.rejection_trust_change)  # per refusal
        citizens.trust[rows[rej_r]] = np.clip(citizens.trust[rows[rej_r]], 0, 1)
        tally.add("referrals_rejected", rej_r.size)
        journeys.log(week.number, rows[rej_r], "referral_rejected", people[rej_r], rej_d)

        ok_r, ok_d = made_r[~rejected], made_d[~rejected]
        citizens.spec_state[rows[ok_r], ok_d] = SpecialistState.WAITING
        citizens.spec_since[rows[ok_r], ok_d] = week.number
        np.add.at(citizens.handoffs, rows[ok_r], 1)
        tally.add("handoffs", ok_r.size)
        journeys.log(week.number, rows[ok_r], "referred", people[ok_r], ok_d)

    def _allocate(self, district: District, week: Week) -> None:
        citizens, workforce = district.citizens, district.workforce
        queue = self._mine(district, Pathway.WAITING_ALLOCATION)
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        posts = fill_slots(np.full(queue.size, -1), workforce.room(self.post_role))
        rows, posts = queue[posts >= 0], posts[posts >= 0]
        if rows.size == 0:
            return
        end_wait(district, week, rows, citizens.since_week[rows], "allocation")
        allocate(district, week, rows, posts)
        citizens.pathway[rows] = Pathway.SHORT_EPISODE
        citizens.sessions_left[rows] = district.config.assess_do_refer.episode_sessions
        citizens.missed[rows] = 0
        district.records.journeys.log(
            week.number, rows, "allocated", worker=workforce.person[posts]
        )
