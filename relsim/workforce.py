"""Staff: posts, who fills them, their weekly time ledger, burnout, absence, leaving and vacancies.

Every hour a worker has in a week lands in exactly one ledger category (idle included), so the
ledger adds up to the hours available; demand that found no hours is counted as unmet.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from relsim.config.schema import Scenario
from relsim.population import Route

LEDGER = (
    "direct",
    "assessment",
    "referral",
    "reassessment",
    "recording",
    "coordination",
    "travel",
    "reflective",
    "idle",
)
TRANSACTIONAL = ("assessment", "referral", "reassessment", "recording")


class Workforce:
    """Arrays over posts. `person[p]` is the Mesa unique id of the current occupant, or -1."""

    def __init__(self, roles: np.ndarray, caps: np.ndarray, scenario: Scenario) -> None:
        posts = len(roles)
        self.scenario = scenario
        self.role = roles.astype(np.int64)
        self.cap = caps.astype(np.int64)
        self.person = np.full(posts, -1, dtype=np.int64)
        self.vacant_until = np.zeros(posts, dtype=np.int64)
        self.absent_until = np.full(posts, -1, dtype=np.int64)
        self.burnout = np.zeros(posts)
        self.caseload = np.zeros(posts, dtype=np.int64)
        self.hours = {name: np.zeros(posts) for name in LEDGER}
        self.available = np.zeros(posts)
        self.unmet = np.zeros(posts)
        self.crisis_hours = np.zeros(posts)

    @property
    def posts(self) -> int:
        return len(self.role)

    @property
    def in_post(self) -> np.ndarray:
        return self.person >= 0

    def on_duty(self, week: int) -> np.ndarray:
        return self.in_post & (self.absent_until < week)

    def start_week(self, week: int) -> None:
        """Open this week's ledger: every on-duty post starts with its case hours free."""
        workforce = self.scenario.workforce
        case_hours = workforce.hours_per_week * (1.0 - workforce.non_case_share)
        self.available = np.where(self.on_duty(week), case_hours, 0.0)
        for ledger in self.hours.values():
            ledger[:] = 0.0
        self.unmet[:] = 0.0
        self.crisis_hours[:] = 0.0

    def free_hours(self) -> np.ndarray:
        used = sum(self.hours[name] for name in LEDGER if name != "idle")
        return np.maximum(self.available - used, 0.0)

    def book(self, category: str, posts: np.ndarray, hours: np.ndarray | float) -> None:
        """Charge hours to posts (indices may repeat)."""
        np.add.at(self.hours[category], posts, hours)

    def close_week(self) -> None:
        self.hours["idle"] = self.free_hours()

    def room(self, role: Route) -> np.ndarray:
        """Free places under the cap for each post of `role` whose worker is on duty this week:
        nobody is allocated to a worker who is away."""
        on_duty = self.in_post & (self.available > 0)
        room = np.where(on_duty & (self.role == role), self.cap - self.caseload, 0)
        return np.maximum(room, 0)

    def update_burnout(self, staff_reflective: np.ndarray) -> None:
        """Burnout rises with overload and emotional labour, falls with manageable load and
        reflective practice."""
        staff = self.scenario.staff
        demanded = self.available - self.hours["idle"] + self.unmet
        with np.errstate(divide="ignore", invalid="ignore"):
            load = np.where(self.available > 0, demanded / self.available, 0.0)
        overload = np.maximum(load - staff.sustainable_utilisation, 0.0)
        change = (
            staff.burnout_gain_per_excess_load * overload
            + staff.emotional_labour_per_crisis_hour * self.crisis_hours
            - staff.burnout_recovery_per_week * (overload == 0)
            - staff.reflective_recovery_per_hour * staff_reflective
        )
        self.burnout = np.clip(self.burnout + np.where(self.in_post, change, 0.0), 0.0, 1.0)

    def absences_and_leavers(
        self, week: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw new absences and leavers; returns (posts now absent, posts just vacated)."""
        staff = self.scenario.staff
        posts = self.posts
        absence_chance = rng.random(posts)
        absence_length = rng.geometric(1.0 / staff.absence_weeks, posts)
        leave_chance = rng.random(posts)
        vacancy_length = rng.exponential(max(staff.vacancy_weeks, 1e-9), posts)
        weekly_leave = 1.0 - (1.0 - min(staff.turnover_per_year, 0.999)) ** (1.0 / 52.0)
        p_leave = weekly_leave * (1.0 + staff.turnover_burnout_multiplier * self.burnout)
        p_absent = staff.absence_probability_per_week * (
            1.0 + staff.absence_burnout_multiplier * self.burnout
        )
        present = self.in_post & (self.absent_until < week)
        newly_absent = np.flatnonzero(present & (absence_chance < p_absent))
        self.absent_until[newly_absent] = week + absence_length[newly_absent]
        leavers = np.flatnonzero(self.in_post & (leave_chance < p_leave))
        self.person[leavers] = -1
        self.vacant_until[leavers] = week + np.ceil(vacancy_length[leavers]).astype(np.int64)
        self.absent_until[leavers] = -1
        self.burnout[leavers] = 0.0
        return newly_absent, leavers

    def fill_vacancies(self, week: int, hire: Callable[[int], int]) -> np.ndarray:
        """Fill posts whose vacancy has run its course; `hire(post)` returns the new person id."""
        due = np.flatnonzero(~self.in_post & (self.vacant_until <= week))
        for post in due:
            self.person[post] = hire(int(post))
            self.burnout[post] = 0.0
        return due
