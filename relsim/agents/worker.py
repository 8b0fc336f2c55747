"""A front-line worker: a duty worker or a named caseworker, permanent or an agency locum.

A worker decides their own week. At the start they are at work or away, and bring their case
hours (less for nobody: absence is all or nothing). Through the week the care pathway spends
those hours (a caseworker's triage chooses whom to see with them). At the end, what the week
asked of them moves their burnout, and they may fall ill or leave. Burnout also lowers the
effect of their contact with people (depersonalisation), not only their attendance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import mesa
import numpy as np

from relsim.citizens import Route
from relsim.config.schema import Staff

if TYPE_CHECKING:
    from relsim.model import CareModel


class Outcome(Enum):
    """What a worker's week ends in."""

    STAYS = "stays"
    LEAVES = "leaves"


@dataclass(frozen=True, slots=True)
class WeekEnd:
    """This week's end for every post: the staff rules, the chances that follow from them alone
    (worked out once), what the week asked of each post in hours, and each post's draws (drawn
    for every post, so the stream stays aligned). Lists indexed by post: a worker reads its own.
    """

    week: int
    rules: Staff
    #: a permanent worker's chance of leaving in a week, before burnout raises it
    weekly_leave: float
    #: chance of falling ill in a week, before burnout raises it
    weekly_absence: float
    #: each post's burnout, which its worker's end of week moves (written back to the posts)
    burnout: list[float]
    available_hours: list[float]
    demanded_hours: list[float]
    crisis_contact_hours: list[float]
    reflective_hours: list[float]
    absence_chance: list[float]
    absence_weeks: list[int]
    leave_chance: list[float]

    @staticmethod
    def chances(rules: Staff) -> tuple[float, float]:
        """(weekly leaving, weekly absence) before burnout raises them."""
        weekly_leave = 1.0 - (1.0 - min(rules.turnover_per_year or 0.0, 0.999)) ** (1.0 / 52.0)
        return weekly_leave, rules.absence_probability_per_week or 0.0


class Worker(mesa.Agent):
    """A person occupying post `post`. A leaver is removed; whoever fills the post next is a new
    agent with a new `person` id, so 'distinct workers met' counts people, not posts."""

    def __init__(
        self,
        model: CareModel,
        post: int,
        role: Route,
        started_week: int,
        agency_until: int | None = None,
    ) -> None:
        super().__init__(model)
        #: the id records use for this worker (the district's numbering of people)
        self.person = model.district.people.join()
        self.post = post
        self.role = role
        self.started_week = started_week
        #: an agency locum's last week in the post (None for a permanent worker)
        self.agency_until = agency_until
        # The worker's burnout and absence live in the posts' arrays, row `post`, which the
        # vectorised pathways read; the properties below are this worker's view of them.
        self._posts = model.district.workforce
        self.burnout = 0.0
        self.absent_until = -1

    @property
    def burnout(self) -> float:
        return float(self._posts.burnout[self.post])

    @burnout.setter
    def burnout(self, value: float) -> None:
        self._posts.burnout[self.post] = value

    @property
    def absent_until(self) -> int:
        return int(self._posts.absent_until[self.post])

    @absent_until.setter
    def absent_until(self, week: int) -> None:
        self._posts.absent_until[self.post] = week

    @property
    def agency(self) -> bool:
        return self.agency_until is not None

    def at_work(self, week: int) -> bool:
        return self.absent_until < week

    def case_hours(self, week: int, hours_per_week: float, non_case_share: float) -> float:
        """Hours this worker brings to their cases this week: all of them, or none if away."""
        return hours_per_week * (1.0 - non_case_share) if self.at_work(week) else 0.0

    def effectiveness(self, rules: Staff) -> float:
        """Share of the usual effect of their contact that this worker achieves now."""
        return float(effectiveness(self.burnout, rules))

    def finish_week(self, end: WeekEnd) -> Outcome:
        """Burnout moves with load above what is sustainable and with emotional labour, and falls
        with manageable load and reflective practice; then absence and leaving."""
        rules, post, week = end.rules, self.post, end.week
        available = end.available_hours[post]
        load = end.demanded_hours[post] / available if available > 0 else 0.0
        overload = max(load - rules.sustainable_utilisation, 0.0)
        change = (
            rules.burnout_gain_per_excess_load * overload
            + rules.emotional_labour_per_crisis_hour * end.crisis_contact_hours[post]
            - rules.reflective_recovery_per_hour * end.reflective_hours[post]
        )
        if overload == 0.0:
            change -= rules.burnout_recovery_per_week
        burnout = min(max(end.burnout[post] + change, 0.0), 1.0)
        end.burnout[post] = burnout

        if self.agency_until is not None:
            return Outcome.LEAVES if week >= self.agency_until else Outcome.STAYS
        if end.leave_chance[post] < end.weekly_leave * (
            1.0 + rules.turnover_burnout_multiplier * burnout
        ):
            return Outcome.LEAVES
        p_absent = end.weekly_absence * (1.0 + rules.absence_burnout_multiplier * burnout)
        if end.absence_chance[post] < p_absent and self.at_work(week + 1):
            self.absent_until = week + end.absence_weeks[post]
        return Outcome.STAYS


def effectiveness[T: (float, np.ndarray)](burnout: T, rules: Staff) -> T:
    """Share of the usual effect of contact a worker with this burnout achieves
    (depersonalisation): one rule for one worker or for every post at once."""
    return 1.0 - rules.depersonalisation_per_burnout * burnout
