"""A specialist service for one domain: its capacity, rules, waiting list and episodes.

The service decides its own week: first how hard it rations (its acceptance threshold and
episode length, from the pressure of its waiting list), then its booked episode sessions (they
are in diaries), then joint work a caseworker has asked for this week, then who leaves its
waiting list, and last whom it admits with the places and hours left. Each admission is
re-assessed ("tell your story again"): the service sees the person through what reached it of
the referrer's knowledge, and may refuse them at its own door. Its waiting list and episodes
are columns of the citizen arrays (`spec_state[:, domain]`). Its capacity is block-funded (paid
whether used or not) unless the scenario pays per use. The array work of every service's week
is done in one pass (`relsim.agents.specialist_week`); the decisions are each service's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from relsim.arrays import row_any
from relsim.cases import bounce, demand, end_wait, fail
from relsim.citizens import SpecialistState
from relsim.config.schema import Specialist
from relsim.rationing import RationingLevel

if TYPE_CHECKING:
    from relsim.district import District, Week
    from relsim.model import CareModel

RECORDING_SHARE = 0.5
#: trust lost by someone who gives up waiting for a specialist service (a constant, ODD 7.15)
DROPOUT_TRUST_COST = 0.03


class SpecialistService(mesa.Agent):
    """The team behind one domain."""

    def __init__(self, model: CareModel, domain: int, name: str, rules: Specialist) -> None:
        super().__init__(model)
        self.domain = domain
        self.name = name
        self.rules = rules
        self.hours_used = 0.0
        self.rationing = RationingLevel()
        self.episode_sessions = rules.episode_sessions

    @property
    def rules(self) -> Specialist:
        return self._rules

    @rules.setter
    def rules(self, rules: Specialist) -> None:
        """New rules (at the start, or a policy change mid-run) and what follows from them: the
        places, their hours and the exclusion rule."""
        self._rules = rules
        config = self.model.config
        citizens = config.population.citizens
        self.slots = rules.places(citizens)
        self.hours_per_slot = rules.session_hours * (1.0 + RECORDING_SHARE)
        self.capacity_hours = self.slots * self.hours_per_slot
        domains = config.needs.domains
        self.exclusion_domains = np.array(
            [domains.index(e) for e in rules.excludes_if_active if e in domains], dtype=np.intp
        )

    @property
    def open(self) -> bool:
        return self.slots > 0

    def places(self, open_episodes: int) -> int:
        return self.slots - open_episodes

    @property
    def hours_free(self) -> float:
        return max(0.0, self.capacity_hours - self.hours_used)

    def acceptance_threshold(self) -> float:
        """The need a referral must show to be accepted this week (raised when rationing)."""
        config = self.model.config
        base = config.assess_do_refer.specialist_threshold or 0.0
        return self.rationing.threshold(base, config.rationing)

    # -- the week (see `specialists_week`, which calls these in this order) ------------------
    def start_week(self, district: District, arrived_on_list: int) -> None:
        """How hard it rations this week, from the waiting list it can admit from (the
        referrals that have reached it), not the post."""
        self.hours_used = 0.0
        rules = district.config.rationing
        intake = self.slots / max(self.rules.episode_sessions, 1)  # places freed a week
        self.rationing.update(arrived_on_list, intake, rules)
        self.episode_sessions = self.rationing.sessions(self.rules.episode_sessions, rules)

    def book(self, district: District, week: Week, category: str, hours: float) -> None:
        self.hours_used += hours
        week.specialist_hours[category] += hours

    def pay(self, district: District) -> float:
        """This week's cost: the whole capacity when block-funded, else the hours used."""
        funding = district.config.specialists.funding
        hours = self.capacity_hours if funding == "block" else self.hours_used
        cost = hours * self.rules.hourly_cost_gbp
        tally = district.records.tally
        tally.add(f"specialist_cost_{self.rules.payer}", cost)
        tally.add(f"cost_{self.rules.payer}", cost)
        tally.add("specialist_capacity_hours", self.capacity_hours)
        return cost

    def hold_sessions(self, district: District, week: Week, sessions: int) -> None:
        """Book this week's episode sessions (those not interrupted): each is in the diary
        whether or not the person comes."""
        if sessions == 0:
            return
        hours = self.rules.session_hours
        self.book(district, week, "direct", sessions * hours)
        self.book(district, week, "recording", sessions * hours * RECORDING_SHARE)

    def end_episodes(
        self, district: District, week: Week, discharged: np.ndarray, finished: np.ndarray
    ) -> None:
        """Close the episodes of those discharged for missing sessions (a failure, and it costs
        trust) and of those whose sessions are done; rows ascending."""
        citizens, d = district.citizens, self.domain
        journeys = district.records.journeys
        if discharged.size:
            change = district.config.assess_do_refer.discharge_trust_change
            citizens.trust[discharged] = (citizens.trust[discharged] + change).clip(0, 1)
            fail(district, week, discharged)
            citizens.spec_state[discharged, d] = SpecialistState.NONE
            district.records.tally.add("specialist_discharges_non_attendance", discharged.size)
            journeys.log(week.number, discharged, "discharged_non_attendance", service=d)
        if finished.size:
            citizens.spec_state[finished, d] = SpecialistState.NONE
            journeys.log(week.number, finished, "specialist_closed", service=d)

    def drop_out(self, district: District, week: Week, dropped: np.ndarray) -> None:
        """Those who gave up waiting this week leave the list (it costs a little trust); the
        referrer may send them again."""
        citizens, d = district.citizens, self.domain
        citizens.spec_state[dropped, d] = SpecialistState.NONE
        citizens.trust[dropped] = (citizens.trust[dropped] - DROPOUT_TRUST_COST).clip(0, 1)
        bounce(district, week, dropped, np.full(dropped.size, d))
        district.records.tally.add("dropouts", dropped.size)
        district.records.journeys.log(week.number, dropped, "dropped_out", service=d)

    def admit(
        self, district: District, week: Week, queue: np.ndarray, open_episodes: int
    ) -> np.ndarray:
        """Admit from `queue` (waiting, their referral has arrived, first come first) while
        places and hours last. Returns the rows refused at re-assessment."""
        citizens, d = district.citizens, self.domain
        adr = district.config.assess_do_refer
        reassessment = adr.reassessment_hours or 0.0
        places = self.places(open_episodes)
        if places <= 0 or queue.size == 0:
            return queue[:0]
        per_admission = reassessment + self.hours_per_slot
        affordable = int(self.hours_free // per_admission) if per_admission > 0 else places
        admitted = queue[: max(0, min(places, affordable))]
        if admitted.size == 0:
            return admitted
        self.book(district, week, "reassessment", admitted.size * reassessment)
        # The service's own assessment is as accurate as the referral's information allows: a
        # stranger's error scaled by the share lost in the hand-off (none lost: it sees the
        # need as it is). Telling the story again is failure demand as far as it repeats what
        # was lost.
        loss = adr.information_loss_at_handoff or 0.0
        if reassessment > 0:
            demand(district, "reassessments", admitted.size, admitted.size * loss)
        noise = district.streams["referrals"].normal(0.0, 1.0, admitted.size)
        observed = citizens.need[admitted, d] + noise * adr.assessment_error_sd * loss
        refusing = observed < self.acceptance_threshold()
        refused = admitted[refusing]
        if refused.size:
            citizens.spec_state[refused, d] = SpecialistState.NONE
            citizens.trust[refused] = (citizens.trust[refused] + adr.rejection_trust_change).clip(
                0, 1
            )
            bounce(district, week, refused, np.full(refused.size, d))
            district.records.tally.add("rejected_at_reassessment", refused.size)
            district.records.journeys.log(week.number, refused, "referral_rejected", service=d)
        # The wait, from the referral to this re-assessment, ends for everyone taken.
        end_wait(district, week, admitted, citizens.spec_since[admitted, d], "specialist")
        admitted = np.sort(admitted[~refusing])  # ascending, as the rows are unique
        citizens.spec_state[admitted, d] = SpecialistState.EPISODE
        citizens.spec_sessions_left[admitted, d] = self.episode_sessions
        citizens.spec_missed[admitted, d] = 0
        citizens.spec_person[admitted, d] = district.people.new_specialists(admitted.size)
        district.records.tally.add("specialist_admissions", admitted.size)
        district.records.journeys.log(week.number, admitted, "specialist_started", service=d)
        return refused


def excluded_by_rules(
    services: list[SpecialistService],
    need: np.ndarray,
    chance: np.ndarray,
    strictness: float,
    threshold: float,
) -> np.ndarray:
    """(rows, domains): refused under each service's exclusion rule, which applies with
    probability `strictness`."""
    rules = exclusion_rules(services, need.shape[1])
    if not rules.any():
        return np.zeros(need.shape, dtype=bool)
    # how many of the needs that close each service are active (a count of at most `domains`)
    blocking = (need > threshold).view(np.uint8) @ rules.T.view(np.uint8)
    return (blocking > 0) & (chance < strictness)


def exclusion_rules(services: list[SpecialistService], domains: int) -> np.ndarray:
    """(domains, domains): whether the service of domain d refuses while need e is active."""
    rules = np.zeros((domains, domains), dtype=bool)
    for service in services:
        if service.exclusion_domains.size:
            rules[service.domain, service.exclusion_domains] = True
    return rules


def excluded_referrals(
    services: list[SpecialistService],
    need: np.ndarray,
    chance: np.ndarray,
    domains: np.ndarray,
    strictness: float,
    threshold: float,
) -> np.ndarray:
    """(rows,): each referral (row i to service `domains[i]`) refused under its receiving
    service's exclusion rule, which applies with probability `strictness`."""
    rules = exclusion_rules(services, need.shape[1])[domains]
    if not rules.any():
        return np.zeros(domains.size, dtype=bool)
    strict = chance[np.arange(domains.size), domains] < strictness
    return row_any((need > threshold) & rules) & strict
