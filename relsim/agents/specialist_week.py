"""Every specialist service's week, the services in domain order, as if each ran its own.

A service's week is the same few dozen small array operations whatever its size, and there is
one service a domain, so six services cost six times the fixed part. Most of that work does not
depend on what the services before it did this week: which booked sessions are attended, how
many sessions are left, whose referral has reached the list, who would give up waiting, and the
order of each list. That is worked out for every service's rows at once. What can depend on an
earlier service is left to each service in turn, on its few rows: a discharge, a drop-out or a
refusal changes the person's trust, and trust is the chance of leaving another service's list
this week; and the referrals stream is drawn from service by service. The result is what the
services would do one after the other, draw for draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.arrays import group_order, nonzero_cells, row_count_above, stable_order
from relsim.citizens import Pathway, SpecialistState

if TYPE_CHECKING:
    from relsim.agents.specialist import SpecialistService
    from relsim.district import District, Week


def list_chaos(domains: int) -> np.ndarray:
    """A waiting list is harder to stay on the more needs are active: +25 % per extra one
    (indexed by the number of active needs)."""
    return 1.0 + 0.25 * np.maximum(np.arange(domains + 1) - 1, 0)


class _Cells:
    """The (row, domain) cells of one standing, grouped by domain (rows ascending within each),
    and where each domain's cells start and end."""

    def __init__(self, rows: np.ndarray, domains: np.ndarray, count: int) -> None:
        self.rows, self.domains = rows, domains
        self.bounds = _bounds(domains, count)

    def of(self, domain: int) -> slice:
        return slice(self.bounds[domain], self.bounds[domain + 1])


def _bounds(domains: np.ndarray, count: int) -> list[int]:
    """Where each domain's run starts in `domains` (grouped by domain), and the end."""
    if domains.size == 0:
        return [0] * (count + 1)
    ends = np.bincount(domains, minlength=count).cumsum()
    return [0, *ends.tolist()]


def specialists_week(services: list[SpecialistService], district: District, week: Week) -> None:
    """`services[d]` serves domain d."""
    citizens = district.citizens
    count = len(services)
    if count == 0:
        return
    state = citizens.spec_state[: citizens.n]
    # Every standing, read before any service's week, grouped by domain.
    rows, domains = nonzero_cells(state)
    order = stable_order(domains)
    rows, domains = rows[order], domains[order]
    standing = state[rows, domains]

    def cells(of: SpecialistState) -> _Cells:
        mine = standing == of
        return _Cells(rows[mine], domains[mine], count)

    episodes = _EpisodeWeek(services, district, week, cells(SpecialistState.EPISODE))
    lists = _ListWeek(district, week, cells(SpecialistState.WAITING), count)
    joint = _JointWeek(services, district, week, cells(SpecialistState.JOINT_WORK))
    trust = _TrustChanges(citizens.n)
    for d, service in enumerate(services):
        service.start_week(district, lists.arrived[d])
        service.hold_sessions(district, week, episodes.sessions[d])
        discharged, finished = episodes.ending(d)
        service.end_episodes(district, week, discharged, finished)
        trust.changed(discharged)
        joint.book(service, district, week)
        leaving = lists.leaving(d, trust)
        if leaving is not None:
            dropped = lists.cells.rows[lists.cells.of(d)][leaving]
            service.drop_out(district, week, dropped)
            trust.changed(dropped)
        open_episodes = episodes.open[d] - episodes.ended[d]
        if service.places(open_episodes) > 0:
            refused = service.admit(district, week, lists.queue(d, leaving), open_episodes)
            trust.changed(refused)
    joint.work(district, week)


def _met_specialists(district: District, week: Week, rows: np.ndarray, domains: np.ndarray) -> None:
    """Attended specialist contacts, counted (as front-line ones are) in the measured period
    only: the professionals a person met in the warm-up are not part of the result."""
    if week.measuring:
        people = district.citizens.spec_person[rows, domains]
        district.records.contacts.specialist_contacts(rows, people)


class _TrustChanges:
    """The rows whose trust a service has changed so far this week (a flag a row, made when
    the first is changed)."""

    def __init__(self, rows: int) -> None:
        self._rows = rows
        self._flags: np.ndarray | None = None

    def changed(self, rows: np.ndarray) -> None:
        if rows.size == 0:
            return
        if self._flags is None:
            self._flags = np.zeros(self._rows, dtype=bool)
        self._flags[rows] = True

    def among(self, rows: np.ndarray) -> np.ndarray:
        """The positions in `rows` of those whose trust has changed."""
        if self._flags is None:
            return rows[:0]
        return self._flags[rows].nonzero()[0]


class _EpisodeWeek:
    """Every service's booked sessions this week: who came, whose episode ends."""

    def __init__(
        self, services: list[SpecialistService], district: District, week: Week, cells: _Cells
    ) -> None:
        citizens, count = district.citizens, len(services)
        self.open = np.diff(cells.bounds).tolist()
        rows, domains = cells.rows, cells.domains
        if rows.size == 0:
            self.sessions = self.ended = self.open
            self._discharged = self._finished = cells
            return
        live = citizens.interrupted_until[rows] < week.number
        rows, domains = rows[live], domains[live]
        self.sessions = np.bincount(domains, minlength=count).tolist()
        attended = week.specialist_attendance_draw[rows] < week.attendance_p[rows]
        seen, seen_domains = rows[attended], domains[attended]
        # Protocol help: it works as well as standard help fits the person.
        # Read each week, not kept: a policy change mid-run (`CareModel.apply_policy`) replaces
        # the services' rules.
        effect = np.array([s.rules.session_effect for s in services], dtype=np.float32)
        citizens.support[seen, seen_domains] += effect[seen_domains] * citizens.help_fit[seen]
        _met_specialists(district, week, seen, seen_domains)
        missed = ~attended
        citizens.spec_missed[rows[missed], domains[missed]] += 1
        sessions_left = citizens.spec_sessions_left[rows, domains] - 1
        citizens.spec_sessions_left[rows, domains] = sessions_left
        most_missed = district.config.assess_do_refer.max_missed_sessions
        discharging = missed & (citizens.spec_missed[rows, domains] > most_missed)
        finishing = (sessions_left <= 0) & ~discharging
        self._discharged = _Cells(rows[discharging], domains[discharging], count)
        self._finished = _Cells(rows[finishing], domains[finishing], count)
        ends = np.diff(self._discharged.bounds) + np.diff(self._finished.bounds)
        self.ended = ends.tolist()

    def ending(self, domain: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows discharged for missing sessions, and those whose sessions are done."""
        return (
            self._discharged.rows[self._discharged.of(domain)],
            self._finished.rows[self._finished.of(domain)],
        )


class _JointWeek:
    """Every service's joint work asked for this week. It ends for those no longer held by
    their caseworker or whose need is no longer active; of the others, those who engaged with
    their caseworker this week and whose request has arrived are served in order of asking
    while each service's hours last, at a dose of the joint hours in its own sessions, shaped
    by what the caseworker knows of what helps them."""

    def __init__(
        self, services: list[SpecialistService], district: District, week: Week, cells: _Cells
    ) -> None:
        citizens, config = district.citizens, district.config
        rules, count = config.liberated, len(services)
        self.hours_each = rules.joint_work_hours_per_week
        self.served = [0] * count
        rows, domains = cells.rows, cells.domains
        if rows.size:
            over = (citizens.pathway[rows] != Pathway.HELD) | (
                citizens.need[rows, domains] <= config.needs.active_threshold
            )
            citizens.spec_state[rows[over], domains[over]] = SpecialistState.NONE
            rows, domains = rows[~over], domains[~over]
            delay = config.assess_do_refer.referral_delay_weeks or 0.0
            delay *= 1.0 - rules.friction_bypass
            since = citizens.spec_since[rows, domains]
            ready = week.engaged[rows] & (week.number - since >= delay)
            rows, domains = rows[ready], domains[ready]
            order = group_order(domains, since[ready])
            rows, domains = rows[order], domains[order]
        self.cells = _Cells(rows, domains, count)
        # Each week, as the rules may have changed (see _EpisodeWeek).
        dose = [self.hours_each / max(s.rules.session_hours, 1e-9) for s in services]
        self._effect = np.array(
            [s.rules.session_effect * dose[d] for d, s in enumerate(services)], dtype=np.float32
        )

    def book(self, service: SpecialistService, district: District, week: Week) -> None:
        """The service's hours for this week's joint work (after its booked sessions)."""
        d = service.domain
        asking = self.cells.bounds[d + 1] - self.cells.bounds[d]
        if asking == 0 or self.hours_each <= 0:
            return
        served = min(asking, int(service.hours_free // self.hours_each))
        self.served[d] = served
        if served:
            service.book(district, week, "joint", served * self.hours_each)

    def work(self, district: District, week: Week) -> None:
        """The joint sessions the services booked."""
        rows, domains = self.cells.rows, self.cells.domains
        if rows.size == 0 or self.hours_each <= 0:
            return
        tally = district.records.tally
        served = sum(self.served)
        tally.add("joint_work_unserved", rows.size - served)
        if served == 0:
            return
        first = np.asarray(self.cells.bounds[:-1])[domains]
        taken = np.arange(rows.size) - first < np.asarray(self.served)[domains]
        rows, domains = rows[taken], domains[taken]
        citizens = district.citizens
        fit = citizens.help_fit[rows]
        tailored = fit + (1.0 - fit) * citizens.knowledge[rows]
        citizens.support[rows, domains] += self._effect[domains] * tailored
        _met_specialists(district, week, rows, domains)
        tally.add("joint_work_sessions", served)


class _ListWeek:
    """Every service's waiting list this week: whose referral has arrived, who would leave it
    at the trust they started the week with, and each list in order of waiting."""

    def __init__(self, district: District, week: Week, cells: _Cells, count: int) -> None:
        citizens, config = district.citizens, district.config
        self.cells, self._citizens, self._week = cells, citizens, week
        rows, domains = cells.rows, cells.domains
        since = citizens.spec_since[rows, domains]
        delay = config.assess_do_refer.referral_delay_weeks or 0.0
        self.ready = week.number - since >= delay  # the referral has reached the service
        self.arrived = np.bincount(domains[self.ready], minlength=count).tolist()
        # First come, first served (ties by row: arrival order); each list's run of the order
        # is its own, as the cells are grouped by domain.
        self._fifo = group_order(domains, since)
        self._dropout = config.assess_do_refer.waiting_dropout_per_week or 0.0
        self._leaving: np.ndarray | None = None
        if self._dropout > 0 and rows.size:
            active = row_count_above(
                citizens.need.take(rows, axis=0), config.needs.active_threshold
            )
            self._chaos = list_chaos(len(config.needs.domains))[active]
            self._leaving = self._leave(slice(None), rows)

    def _leave(self, part: slice | np.ndarray, rows: np.ndarray) -> np.ndarray:
        probability = self._dropout * (1 - self._citizens.trust[rows])
        return self._week.dropout_draw[rows] < probability * self._chaos[part]

    def leaving(self, domain: int, trust: _TrustChanges) -> np.ndarray | None:
        """Whether each of the domain's list (rows ascending) leaves it this week, or None when
        nobody does. Those whose trust has changed this week are decided at their trust now."""
        if self._leaving is None:
            return None
        part = self.cells.of(domain)
        leaving = self._leaving[part]
        rows = self.cells.rows[part]
        moved = trust.among(rows)
        if moved.size:
            leaving = leaving.copy()
            leaving[moved] = self._leave(moved + part.start, rows[moved])
        return leaving if leaving.any() else None

    def queue(self, domain: int, leaving: np.ndarray | None) -> np.ndarray:
        """The rows the service may admit from, first come first: still on its list, and their
        referral has arrived."""
        part = self.cells.of(domain)
        order = self._fifo[part]
        admissible = self.ready[order]
        if leaving is not None:
            admissible &= ~leaving[order - part.start]
        return self.cells.rows[order[admissible]]
