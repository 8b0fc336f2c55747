"""Assess-do-refer's referral chain: which needs are referred onward (those an assessment
notices, a presenting need still active at an episode's end, a refused or abandoned referral
sent again), and the hand-off itself, where the referrer's paperwork is booked and the receiving
service applies its threshold and exclusion rules. The services' own week (lists, admissions,
treatment) is `relsim.agents.specialist_week`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.agents.specialist import excluded_referrals
from relsim.arrays import cumulative_within, nonzero_cells
from relsim.cases import bounce, demand, fill_slots
from relsim.citizens import Route, SpecialistState

REFERRAL_MEMORY_WEEKS = 52  # a referral to the same service within this is a re-referral

if TYPE_CHECKING:
    from relsim.district import District, Week


def open_services(district: District) -> np.ndarray:
    """(domains,): whether each domain's service has places; the referrer writes to no other."""
    return np.array([service.open for service in district.services], dtype=bool)


def refer_noticed_needs(
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
    """At assessment, refer the other needs the assessor noticed (more of them the better the
    assessor knows the person); the receiving services apply their thresholds and exclusions."""
    citizens, scenario = district.citizens, district.config
    rules = scenario.assess_do_refer
    threshold = scenario.needs.active_threshold
    need = citizens.need.take(rows, axis=0)
    identify = rules.other_need_identification_probability
    identify = identify + (1.0 - identify) * citizens.knowledge[rows]
    candidate = (
        (need > threshold)
        & (np.arange(need.shape[1])[None, :] != presenting[:, None])
        & (citizens.spec_state.take(rows, axis=0) == SpecialistState.NONE)
        & open_services(district)[None, :]
        & eligible[:, None]
        & (rng.random(need.shape) < identify[:, None])
    )
    made_r, made_d = nonzero_cells(candidate)
    if made_r.size == 0:
        return
    send(
        district,
        week,
        rows[made_r],
        made_d,
        posts[made_r],
        people[made_r],
        observed[made_r, made_d],
        rng,
    )


def refer_on_at_episode_end(district: District, week: Week, rows: np.ndarray) -> None:
    """At the end of a short episode a presenting need that is still active is referred to
    its specialist service for treatment (a hand-off with all its friction)."""
    citizens = district.citizens
    if rows.size == 0:
        return
    domain = citizens.presenting_domain[rows].astype(np.int64)
    still = citizens.need[rows, domain] > district.config.needs.active_threshold
    rows, domain, posts = rows[still], domain[still], citizens.worker[rows[still]]
    # not to a service with no places: it accepts no referral, and its list never moves
    free = (citizens.spec_state[rows, domain] == SpecialistState.NONE) & open_services(district)[
        domain
    ]
    rows, domain, posts = rows[free], domain[free], posts[free].astype(np.int64)
    if rows.size == 0:
        return
    district.records.tally.add("referred_on_at_episode_end", rows.size)
    send(
        district,
        week,
        rows,
        domain,
        posts,
        district.workforce.person[posts],
        citizens.need[rows, domain].astype(np.float64),
        district.streams["referrals"],
    )


def send_again_when_due(district: District, week: Week) -> None:
    """Refused or abandoned referrals that are due are sent again, if the need is still
    active and the service has places (else the referrer lets them go)."""
    citizens = district.citizens
    state = citizens.spec_state[: citizens.n]
    rows, domains = nonzero_cells(state == SpecialistState.REREFERRAL_DUE)
    due = citizens.spec_resend_week[rows, domains] <= week.number
    rows, domains = rows[due], domains[due]
    if rows.size == 0:
        return
    citizens.spec_state[rows, domains] = SpecialistState.NONE
    active = citizens.need[rows, domains] > district.config.needs.active_threshold
    sent = active & open_services(district)[domains]
    rows, domains = rows[sent], domains[sent]
    if rows.size == 0:
        return
    nobody = np.full(rows.size, -1)  # no post and no person: the referrer sends it again
    send(
        district,
        week,
        rows,
        domains,
        nobody,
        nobody,
        citizens.need[rows, domains].astype(np.float64),
        district.streams["referrals"],
    )


def send(
    district: District,
    week: Week,
    rows: np.ndarray,
    domains: np.ndarray,
    posts: np.ndarray,
    people: np.ndarray,
    observed: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Referrals, one per (row, domain): the referrer's paperwork, then the receiving
    service's acceptance threshold (raised when it rations) and exclusion rules. A refusal
    is a failure; a referral to a service the person was referred to within a year is a
    re-referral (failure demand)."""
    citizens, workforce, scenario = district.citizens, district.workforce, district.config
    rules = scenario.assess_do_refer
    threshold = scenario.needs.active_threshold
    paperwork = rules.referral_paperwork_hours or 0.0
    if rules.referral_without_paperwork_hours == "waits" and paperwork > 0:
        posts, people, sent = paperwork_found(district, posts, people, paperwork)
        defer(district, week, rows[~sent], domains[~sent])
        rows, domains, posts = rows[sent], domains[sent], posts[sent]
        people, observed = people[sent], observed[sent]
        if rows.size == 0:
            return
    else:
        mine = posts >= 0  # re-referrals are sent by whoever referred before, not the duty team
        if paperwork > 0 and mine.any():
            workforce.book_within("referral", workforce.per_post(posts[mine], paperwork))
    again = week.number - citizens.spec_referred_week[rows, domains] <= REFERRAL_MEMORY_WEEKS
    citizens.spec_referred_week[rows, domains] = week.number
    demand(district, "referrals", rows.size, int(again.sum()))
    tally, journeys = district.records.tally, district.records.journeys
    tally.add("referrals", rows.size)
    acceptance = np.array([s.acceptance_threshold() for s in district.services])
    need = citizens.need.take(rows, axis=0)
    excluded = excluded_referrals(
        district.services,
        need,
        rng.random(need.shape),
        domains,
        rules.exclusion_strictness or 0.0,
        threshold,
    )
    rejected = (observed < acceptance[domains]) | excluded
    rej_r, rej_d = rows[rejected], domains[rejected]
    np.add.at(citizens.trust, rej_r, rules.rejection_trust_change)  # per refusal
    citizens.trust[rej_r] = citizens.trust[rej_r].clip(0, 1)
    bounce(district, week, rej_r, rej_d)
    tally.add("referrals_rejected", rej_r.size)
    journeys.log(week.number, rej_r, "referral_rejected", people[rejected], rej_d)

    ok_r, ok_d = rows[~rejected], domains[~rejected]
    citizens.spec_state[ok_r, ok_d] = SpecialistState.WAITING
    citizens.spec_since[ok_r, ok_d] = week.number
    np.add.at(citizens.handoffs, ok_r, 1)
    tally.add("handoffs", ok_r.size)
    journeys.log(week.number, ok_r, "referred", people[~rejected], ok_d)


def paperwork_found(
    district: District, posts: np.ndarray, people: np.ndarray, paperwork: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When a referral without paperwork hours waits: who writes each referral, and whether
    they have the hours. The referrer writes their own, in the order given, while their hours
    last; a referral sent again has no referrer of its own, so a duty worker with hours left
    over from their own referrals writes it. Returns the posts and people, and which referrals
    go this week; the hours asked of a referrer and not found count as unmet, as for any work."""
    workforce = district.workforce
    posts, people = posts.copy(), people.copy()
    team = posts < 0
    free = workforce.free_hours()
    if team.any():
        own_first = np.bincount(posts[~team], minlength=workforce.posts) * paperwork
        left = np.maximum(free - own_first, 0.0)
        duty = workforce.role == Route.ASSESS_DO_REFER
        spare = np.where(duty, np.floor(left / paperwork + 1e-9), 0).astype(np.int64)
        writer = fill_slots(int(team.sum()), spare)
        posts[team] = writer
        people[team] = np.where(writer >= 0, workforce.person[writer], -1)
    sent = posts >= 0
    asked = posts[sent]
    fits = cumulative_within(asked, None, np.full(asked.size, paperwork)) <= free[asked] + 1e-9
    sent[sent] = fits
    workforce.book("referral", posts[sent], paperwork)
    workforce.unmet += workforce.per_post(asked[~fits], paperwork)
    return posts, people, sent


def defer(district: District, week: Week, rows: np.ndarray, domains: np.ndarray) -> None:
    """Referrals whose paperwork found no hours wait a week, then go as referrals sent again
    (if the need is still active then): not yet failure demand, since nobody has turned them
    away."""
    if rows.size == 0:
        return
    citizens = district.citizens
    citizens.spec_state[rows, domains] = SpecialistState.REREFERRAL_DUE
    citizens.spec_resend_week[rows, domains] = week.number + 1
    district.records.tally.add("referrals_deferred", rows.size)
