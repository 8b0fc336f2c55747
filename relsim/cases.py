"""Case bookkeeping that every service does the same way: queues, waits, allocation to a worker,
a change of worker, contacts, and closing a case.

A change of allocated worker is a hazard: the person loses trust, more with each change they
have already been through, and mid-case may stop engaging; a new worker starts from what the
handover kept of the relationship and of what the last worker knew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.arrays import stable_order
from relsim.citizens import NO_WORKER, Citizens, Pathway, Route, SpecialistState

if TYPE_CHECKING:
    from relsim.district import District, Week


#: closures in which a service failed the person (a later return is failure demand)
FAILED_CLOSURES = frozenset(
    {"signposted", "discharged_non_attendance", "disengaged", "abandoned_wait"}
)


def fifo(rows: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Rows ordered by the week they started waiting (ties by row: arrival order)."""
    if rows.size == 0:
        return rows
    return rows[stable_order(since[rows])]


def fill_slots(count: int, slots: np.ndarray) -> np.ndarray:
    """A post for each of the first `count` people in a queue (already in priority order), or
    -1 once the free slots run out: the slots are taken round-robin across posts, the emptiest
    first, as a duty rota would."""
    slots = np.maximum(slots.astype(np.int64), 0)
    result = np.full(count, -1, dtype=np.int64)
    served = min(count, int(slots.sum()))
    if served == 0:
        return result
    # Round r of the rota gives one slot to each post with more than r free slots, the emptiest
    # first: the first `more_than[r]` posts in order of free slots (ties by post).
    emptiest = stable_order(-slots)
    rounds = np.arange(slots[emptiest[0]])
    more_than = np.searchsorted(-slots[emptiest], -rounds, side="left")
    round_ends = more_than.cumsum()
    turn = np.arange(served)
    round_of_turn = np.searchsorted(round_ends, turn, side="right")
    result[:served] = emptiest[turn - (round_ends - more_than)[round_of_turn]]
    return result


def join_queue(
    district: District, week: Week, rows: np.ndarray, route: Route, queue: Pathway
) -> None:
    """Citizens routed to a pathway start waiting in its queue from this week."""
    citizens = district.citizens
    citizens.route[rows] = route
    citizens.pathway[rows] = queue
    citizens.since_week[rows] = week.number


def end_wait(
    district: District, week: Week, rows: np.ndarray, started: np.ndarray, kind: str
) -> None:
    weeks = float(np.maximum(week.number - started, 0).sum())
    tally = district.records.tally
    tally.add("wait_weeks", weeks)
    tally.add("waits", started.size)
    tally.add(f"wait_weeks_{kind}", weeks)
    tally.add(f"waits_{kind}", started.size)


def allocate(
    district: District, week: Week, rows: np.ndarray, posts: np.ndarray, handover: bool = False
) -> np.ndarray:
    """Put `rows` on the caseloads of `posts` and introduce them to the people in those posts.

    Someone meeting the worker they already know keeps the relationship. Anyone else starts a
    new one: from nothing, or, at a `handover` mid-case, from what the handover kept. A change
    from an earlier allocated worker costs trust (more for each earlier change) and, mid-case,
    may end the person's engagement. Returns the rows that stopped engaging (already closed).
    """
    citizens, workforce, staff = district.citizens, district.workforce, district.config.staff
    people = workforce.person[posts]
    workforce.caseload += np.bincount(posts, minlength=workforce.posts)
    citizens.worker[rows] = posts
    citizens.last_worker[rows] = posts
    known = citizens.known_by[rows] == people
    keep_depth = (staff.relationship_retention or 0.0) if handover else 0.0
    keep_knowledge = (staff.handover_retention or 0.0) if handover else 0.0
    citizens.depth[rows] = np.where(known, citizens.depth[rows], citizens.depth[rows] * keep_depth)
    citizens.knowledge[rows] = np.where(
        known, citizens.knowledge[rows], citizens.knowledge[rows] * keep_knowledge
    )
    citizens.known_by[rows] = people
    previous = citizens.last_person[rows]
    changed = (previous >= 0) & (previous != people)
    citizens.last_person[rows] = people
    moved = rows[changed]
    if moved.size == 0:
        return moved
    escalation = 1.0 + staff.worker_change_escalation * citizens.worker_changes[moved]
    citizens.worker_changes[moved] += 1
    district.records.tally.add("worker_changes", moved.size)
    citizens.trust[moved] = (
        citizens.trust[moved] - staff.worker_change_trust_penalty * escalation
    ).clip(0.0, 1.0)
    district.records.journeys.log(
        week.number, moved, "worker_changed", worker=citizens.last_person[moved]
    )
    if not handover:
        return moved[:0]
    chance = district.streams["handover"].random(moved.size)
    p_leave = staff.handover_disengage_probability * (1.0 - citizens.trust[moved]) * escalation
    gone = moved[chance < p_leave]
    close_cases(district, week, gone, "disengaged", Pathway.NOT_IN_SERVICE)
    return gone


def fail(district: District, week: Week, rows: np.ndarray) -> None:
    """A service failed these people (turned them away, refused or dropped them, discharged
    them, or they gave up waiting): what follows within the failure window is failure demand."""
    if np.size(rows) == 0:
        return
    district.citizens.last_failure_week[rows] = week.number
    district.records.tally.add("failures", np.size(rows))


def bounce(district: District, week: Week, rows: np.ndarray, domains: np.ndarray) -> None:
    """Referrals refused or abandoned: each is a failure, and some will be sent again by the
    referrer after a while (referral ping-pong), if the need is still active then."""
    if np.size(rows) == 0:
        return
    fail(district, week, rows)
    rules = district.config.assess_do_refer
    again = district.streams["referrals"].random(np.size(rows)) < rules.rereferral_probability
    rows, domains = rows[again], domains[again]
    citizens = district.citizens
    citizens.spec_state[rows, domains] = SpecialistState.REREFERRAL_DUE
    citizens.spec_resend_week[rows, domains] = week.number + rules.rereferral_delay_weeks


def recently_failed(district: District, week: Week, rows: np.ndarray) -> np.ndarray:
    """Which of `rows` were failed by a service within the failure window."""
    window = district.config.help_seeking.failure_window_weeks
    return week.number - district.citizens.last_failure_week[rows] <= window


def demand(district: District, source: str, events: float, failures: float) -> None:
    """Count demand events from one source, and how many of them are failure demand."""
    tally = district.records.tally
    tally.add(f"demand_{source}", events)
    tally.add(f"failure_{source}", failures)


def release(district: District, rows: np.ndarray) -> None:
    """Take `rows` off their worker's caseload (the relationship stays where it was)."""
    citizens = district.citizens
    workers = citizens.worker[rows]
    valid = workers >= 0
    workforce = district.workforce
    workforce.caseload -= np.bincount(workers[valid], minlength=workforce.posts)
    citizens.worker[rows] = NO_WORKER


def close_cases(
    district: District, week: Week, rows: np.ndarray, kind: str, pathway: Pathway
) -> None:
    """End the front-door or caseworker involvement; a later return is a re-presentation."""
    if rows.size == 0:
        return
    citizens, records = district.citizens, district.records
    records.journeys.log(
        week.number, rows, kind, worker=district.workforce.person_of(citizens.worker[rows])
    )
    release(district, rows)
    if kind in FAILED_CLOSURES:
        fail(district, week, rows)
    citizens.pathway[rows] = pathway
    citizens.last_closure_week[rows] = week.number
    citizens.last_closure_id[rows] = records.closures.record(
        rows, week.number, week.measuring, closed_case=kind != "abandoned_wait"
    )
    records.tally.add(f"closed_{kind}", rows.size)


def contacted(
    district: District, week: Week, rows: np.ndarray, people: np.ndarray, named: np.ndarray
) -> None:
    """Attended contacts with front-line workers this week; `named` marks those with the
    person's own allocated worker."""
    if rows.size == 0:
        return
    district.citizens.last_seen_week[rows] = week.number
    if week.measuring:
        district.records.contacts.front_line_contacts(rows, people)
        tally = district.records.tally
        tally.add("contacts_front_line", rows.size)
        tally.add("contacts_named", int(np.count_nonzero(named)))


def fade_relationships(
    citizens: Citizens, week: int, depth_decay_per_week: float, knowledge_decay_per_week: float
) -> None:
    """Relationship depth and knowledge fade in weeks without contact."""
    n = citizens.n
    unseen = (citizens.last_seen_week[:n] < week).view(np.uint8)
    # A factor of 1 for those seen (x times 1 is x), looked up in a table of two: half the cost
    # of a masked multiply, and of np.where, which stumbles over a mask with no pattern.
    citizens.depth[:n] *= np.array([1.0, 1.0 - depth_decay_per_week], dtype=np.float32).take(unseen)
    citizens.knowledge[:n] *= np.array(
        [1.0, 1.0 - knowledge_decay_per_week], dtype=np.float32
    ).take(unseen)


def grow_relationship(district: District, rows: np.ndarray, hours: np.ndarray | float) -> None:
    """Contact hours with the worker the person knows deepen the relationship and the worker's
    knowledge of them (towards 1). People tell a worker what is really going on as they come to
    trust them, so knowledge grows faster the deeper the relationship."""
    if np.size(rows) == 0:
        return
    citizens, rules = district.citizens, district.config.relationship
    depth = citizens.depth[rows]
    depth = depth + np.minimum(rules.growth_per_hour * hours, 1.0) * (1 - depth)
    citizens.depth[rows] = depth
    # Flat (an ablation): people tell a worker they know well no more than a stranger.
    disclosure = rules.disclosure_without_relationship + (
        (1.0 - rules.disclosure_without_relationship) * depth
        if rules.disclosure_with_depth == "rises"
        else 0.0
    )
    knowledge = citizens.knowledge[rows]
    citizens.knowledge[rows] = knowledge + np.minimum(
        rules.knowledge_growth_per_hour * hours * disclosure, 1.0
    ) * (1 - knowledge)
