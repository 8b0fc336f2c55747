"""Assess-do-refer: whoever is on duty assesses against a threshold, a short episode works on the
presenting need, the other needs are referred onward at once and the presenting need too if it
is still active when the episode ends: specialist services carry the treatment. The case closes.

Order within a week: the front door sets its rationing (eligibility threshold and episode
length, from the pressure of its queue), then refused or abandoned referrals that are due are
sent again, then booked sessions of open episodes (they are in diaries), then the front-door
queue is assessed in arrival order with the hours left, then assessed cases are allocated to a
worker with room under the cap. The referrals themselves are `referrals`. It is a rota: nobody
is kept for a person. Its help is protocol help: aimed at the need the person presents with, and
as effective as standard help fits them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.arrays import rank_within
from relsim.care_models.base import seen_as_complex
from relsim.care_models.referrals import (
    refer_noticed_needs,
    refer_on_at_episode_end,
    send_again_when_due,
)
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
from relsim.citizens import Pathway, Route
from relsim.rationing import RationingLevel

#: weight of this week's assessments in the front door's moving average of its throughput, which
#: its queue is measured against (constants, ODD 7.15)
THROUGHPUT_WEIGHT = 0.2
THROUGHPUT_KEPT = 0.8  # 1 - THROUGHPUT_WEIGHT
#: the first week's throughput: what its posts' case hours could assess in full, divided by this
FIRST_THROUGHPUT_DIVISOR = 4

if TYPE_CHECKING:
    from collections.abc import Callable

    from relsim.district import District, Week


class AssessDoRefer:
    """`post_role` is the role of the posts whose hours it uses: its own duty workers, or the
    caseworkers' spare hours when it is the Liberated Method's fallback. `complex_to` is the
    hybrid's caseworkers' intake, where its screening sends those it sees as complex when the
    hybrid routes at the front door."""

    route = Route.ASSESS_DO_REFER

    def __init__(
        self,
        post_role: Route = Route.ASSESS_DO_REFER,
        complex_to: Callable[[District, Week, np.ndarray], None] | None = None,
    ) -> None:
        self.post_role = post_role
        self.complex_to = complex_to
        self.rationing = RationingLevel()
        self.assessed_per_week = 0.0  # recent throughput, what the queue is measured against
        self.eligibility_threshold = 0.0
        self.episode_sessions = 1

    def intake(self, district: District, week: Week, rows: np.ndarray) -> None:
        join_queue(district, week, rows, self.route, Pathway.WAITING_FRONT_DOOR)

    def work(self, district: District, week: Week) -> None:
        if district.workforce.posts == 0:
            return  # nobody to see anyone: people wait, and the waiting is counted
        self._ration(district)
        week.front_door_threshold = self.eligibility_threshold
        send_again_when_due(district, week)
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
        rows = (citizens.pathway[: citizens.n] == pathway).nonzero()[0]
        return rows[citizens.route[rows] == self.route]

    def _ration(self, district: District) -> None:
        """The front door's threshold and episode length this week, from its queue against
        what it has recently been able to assess in a week."""
        rules, config = district.config.rationing, district.config.assess_do_refer
        queue = self._mine(district, Pathway.WAITING_FRONT_DOOR).size
        if self.assessed_per_week == 0.0:  # first week: what its hours could assess
            cost = config.assessment_hours + config.recording_hours_per_contact
            hours = district.workforce.available[district.workforce.role == self.post_role]
            self.assessed_per_week = max(
                float(hours.sum()) / max(cost, 1e-9) / FIRST_THROUGHPUT_DIVISOR, 1.0
            )
        self.rationing.update(queue, self.assessed_per_week, rules)
        # a moving average: this week's assessments are added in _assess
        self.assessed_per_week *= THROUGHPUT_KEPT
        self.eligibility_threshold = self.rationing.threshold(config.eligibility_threshold, rules)
        self.episode_sessions = self.rationing.sessions(config.episode_sessions, rules)

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
            cover = fill_slots(int(absent.sum()), spare)
            covered = absent.nonzero()[0][cover >= 0]
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
        citizens.trust[seen] = (citizens.trust[seen] + rules.attended_session_trust_change).clip(
            0.0, 1.0
        )  # the change may be set negative
        own_seen = own[attended]
        grow_relationship(district, seen[own_seen], rules.session_hours)
        contacted(district, week, seen, workforce.person[seen_posts], own_seen)
        missed = rows[~attended]
        citizens.missed[missed] += 1
        citizens.sessions_left[rows] -= 1

        discharged = missed[citizens.missed[missed] > rules.max_missed_sessions]
        citizens.trust[discharged] = (
            citizens.trust[discharged] + rules.discharge_trust_change
        ).clip(0.0, 1.0)
        close_cases(district, week, discharged, "discharged_non_attendance", Pathway.NOT_IN_SERVICE)
        finished = rows[
            (citizens.sessions_left[rows] <= 0) & (citizens.pathway[rows] == Pathway.SHORT_EPISODE)
        ]
        refer_on_at_episode_end(district, week, finished)
        close_cases(district, week, finished, "episode_closed", Pathway.NOT_IN_SERVICE)

    # -- the front door -------------------------------------------------------------------
    def _assessments(self, district: District, week: Week) -> None:
        """The queue is seen in arrival order while hours last. Each person is screened first;
        only those whose presenting need reaches this week's threshold go on to a full
        assessment, so the screened-out cost a screening's time, which is what lets a front
        door under pressure get through its queue by turning more people away."""
        citizens, workforce = district.citizens, district.workforce
        rules = district.config.assess_do_refer
        queue = self._mine(district, Pathway.WAITING_FRONT_DOOR)
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        full = rules.assessment_hours + rules.recording_hours_per_contact
        on_rota = workforce.role == self.post_role
        for _ in range(4):  # the hours the screened-out did not use go to the next in line
            free = workforce.free_hours() * on_rota
            if full > 0:
                slots = np.floor(free / full).astype(np.int64)
            else:
                slots = np.full(free.size, queue.size)
            if not (slots > 0).any():
                return  # nobody on the rota has the time for another assessment
            posts = fill_slots(queue.size, slots)
            taken = posts >= 0
            if not taken.any():
                return
            self._assess(district, week, queue[taken], posts[taken])
            queue = queue[~taken]
            if queue.size == 0:
                return

    def _assess(self, district: District, week: Week, rows: np.ndarray, posts: np.ndarray) -> None:
        citizens, workforce = district.citizens, district.workforce
        rules = district.config.assess_do_refer
        rng = district.streams["assessment"]
        people = workforce.person[posts]
        # A duty worker the person has not met knows nothing of them.
        known = citizens.known_by[rows] == people
        knowledge = np.where(known, citizens.knowledge[rows], 0.0)
        citizens.knowledge[rows] = knowledge
        citizens.depth[rows] = np.where(known, citizens.depth[rows], 0.0)
        citizens.known_by[rows] = people
        contacted(district, week, rows, people, np.zeros(rows.size, dtype=bool))
        end_wait(district, week, rows, citizens.since_week[rows], "front_door")
        district.records.tally.add("assessments", rows.size)
        district.records.journeys.log(week.number, rows, "assessed", worker=people)

        need = citizens.need.take(rows, axis=0)
        noise = (
            rng.normal(0.0, 1.0, need.shape)
            * (rules.assessment_error_sd * (1.0 - knowledge))[:, None]
        )
        observed = need + noise
        presenting = np.argmax(observed, axis=1)
        eligible = observed[np.arange(rows.size), presenting] >= self.eligibility_threshold
        # The hybrid routed at the front door: this screening is its first conversation, and
        # those it sees as complex go on to the caseworkers, having cost a screening's time.
        at_the_door = district.config.hybrid.routing == "at_the_front_door"
        to_caseworkers = self.complex_to if at_the_door else None
        if to_caseworkers is not None:
            routed = seen_as_complex(district.config, observed)
            eligible &= ~routed
        screen = min(rules.screening_hours, rules.assessment_hours)
        hours = np.where(eligible, rules.assessment_hours, screen)
        workforce.book("assessment", posts, hours)
        workforce.book("recording", posts, rules.recording_hours_per_contact)
        grow_relationship(district, rows, hours)
        self.assessed_per_week += THROUGHPUT_WEIGHT * rows.size  # decayed once a week in _ration
        if to_caseworkers is not None:
            to_caseworkers(district, week, rows[routed])
            rest = ~routed
            rows, posts, people = rows[rest], posts[rest], people[rest]
            observed, presenting, eligible = observed[rest], presenting[rest], eligible[rest]

        signposted = rows[~eligible]
        citizens.trust[signposted] = (
            citizens.trust[signposted] + rules.signpost_trust_change
        ).clip(0, 1)
        close_cases(district, week, signposted, "signposted", Pathway.NOT_IN_SERVICE)
        kept = rows[eligible]
        citizens.presenting_domain[kept] = presenting[eligible]
        citizens.pathway[kept] = Pathway.WAITING_ALLOCATION
        citizens.since_week[kept] = week.number
        refer_noticed_needs(
            district, week, rows, posts, people, observed, presenting, eligible, rng
        )

    def _allocate(self, district: District, week: Week) -> None:
        citizens, workforce = district.citizens, district.workforce
        queue = self._mine(district, Pathway.WAITING_ALLOCATION)
        if queue.size == 0:
            return
        queue = fifo(queue, citizens.since_week)
        posts = fill_slots(queue.size, workforce.room(self.post_role))
        rows, posts = queue[posts >= 0], posts[posts >= 0]
        if rows.size == 0:
            return
        end_wait(district, week, rows, citizens.since_week[rows], "allocation")
        allocate(district, week, rows, posts)
        citizens.pathway[rows] = Pathway.SHORT_EPISODE
        citizens.sessions_left[rows] = self.episode_sessions
        citizens.missed[rows] = 0
        district.records.journeys.log(
            week.number, rows, "allocated", worker=workforce.person[posts]
        )
