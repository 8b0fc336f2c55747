"""Front-line posts: who fills them, their weekly time ledger, vacancies and agency cover.

Every hour a worker has in a week lands in exactly one ledger category (idle included), so the
ledger adds up to the hours available; demand that found no hours is counted as unmet. Workers
(Mesa agents) make their own weekly decisions; this module keeps the posts' arrays that the
vectorised care pathways book time against, and fills posts when people leave.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from relsim.agents.worker import (
    Outcome,
    WeekEnd,
    Worker,
    effectiveness,
)
from relsim.citizens import Route
from relsim.config.schema.staff import Staff
from relsim.config.schema.staff import Workforce as WorkforceRules
from relsim.counters import LEDGER

#: the ledger's rows of hours spent: every category before idle, which LEDGER puts last
_BOOKED = slice(0, LEDGER.index("idle"))
#: makes the Worker for a post: (post, agency_until or None) -> Worker
Hire = Callable[[int, int | None], Worker]


class Workforce:
    """Arrays over posts. `person[p]` is the Mesa unique id of the current occupant, or -1.

    It keeps no copy of the scenario: each week's rules are passed in from the district's, so a
    policy change mid-run (`CareModel.apply_policy`) has one place to change."""

    def __init__(self, roles: np.ndarray, caps: np.ndarray) -> None:
        posts = len(roles)
        self.role = roles.astype(np.int8)
        self.cap = caps.astype(np.int64)
        self.occupant: list[Worker | None] = [None] * posts
        self.person = np.full(posts, -1, dtype=np.int64)
        self.agency = np.zeros(posts, dtype=bool)
        self.vacant_until = np.zeros(posts, dtype=np.int64)
        self.caseload = np.zeros(posts, dtype=np.int64)
        #: (category, post) hours this week, in LEDGER's order; `hours` names its rows
        self.ledger = np.zeros((len(LEDGER), posts))
        self.hours = dict(zip(LEDGER, self.ledger, strict=True))
        self.available = np.zeros(posts)
        self.unmet = np.zeros(posts)
        self.crisis_hours = np.zeros(posts)
        self.burnout = np.zeros(posts)  # each occupant's burnout (Worker.burnout)
        self.burnout_this_week = np.zeros(posts)
        self.absent_until = np.full(posts, -1, dtype=np.int64)  # (Worker.absent_until)
        self.effectiveness = np.ones(posts, dtype=np.float32)
        self._buddy = self._buddies()

    @property
    def posts(self) -> int:
        return len(self.role)

    @property
    def in_post(self) -> np.ndarray:
        return self.person >= 0

    def person_of(self, posts: np.ndarray) -> np.ndarray:
        """Person ids of whoever fills `posts` (-1 for no post)."""
        posts = np.asarray(posts, dtype=np.int64)
        if self.posts == 0:  # no posts: nobody to read
            return np.full(posts.shape, -1, dtype=np.int64)
        return np.where(posts >= 0, self.person[posts], -1)  # post -1 reads a row, then dropped

    def fill(self, post: int, worker: Worker) -> None:
        self.occupant[post] = worker
        self.person[post] = worker.person
        self.agency[post] = worker.agency

    def _buddies(self) -> np.ndarray:
        """Each post's buddy, who covers for absence: the next post of the same role."""
        buddy = np.arange(self.posts)
        if self.posts == 0:
            return buddy
        for role in np.unique(self.role):
            mine = (self.role == role).nonzero()[0]
            buddy[mine] = np.roll(mine, -1)
        return buddy

    @property
    def buddy(self) -> np.ndarray:
        return self._buddy

    # -- the week -------------------------------------------------------------------------
    def start_week(self, week: int, rules: WorkforceRules, staff: Staff) -> None:
        """Open this week's ledger: every worker in post and not away brings their case hours
        (as each decided at the end of last week)."""
        at_work = self.in_post & (self.absent_until < week)
        self.available = np.where(at_work, rules.hours_per_week * (1.0 - rules.non_case_share), 0.0)
        self.effectiveness = effectiveness(self.burnout, staff).astype(np.float32)
        self.burnout_this_week = np.where(self.in_post, self.burnout, 0.0)  # what the record shows
        self.ledger[:] = 0.0
        self.unmet[:] = 0.0
        self.crisis_hours[:] = 0.0

    def on_duty(self) -> np.ndarray:
        return self.available > 0

    def free_hours(self) -> np.ndarray:
        # Summed down the categories in ledger order, one category after another.
        used = self.ledger[_BOOKED].sum(axis=0)
        np.subtract(self.available, used, out=used)
        return np.maximum(used, 0.0, out=used)

    def book(self, category: str, posts: np.ndarray, hours: np.ndarray | float) -> None:
        """Charge hours to posts (indices may repeat)."""
        self.hours[category] += self.per_post(posts, hours)

    def per_post(self, posts: np.ndarray, hours: np.ndarray | float) -> np.ndarray:
        """Hours summed by post (indices may repeat)."""
        posts = np.asarray(posts, dtype=np.int64)
        weights = np.asarray(hours, dtype=np.float64)
        if weights.shape != posts.shape:  # one value for every post: repeated, as bincount needs
            weights = weights.repeat(posts.size)
        return np.bincount(posts, weights=weights, minlength=self.posts)

    def book_within(self, category: str, wanted: np.ndarray) -> np.ndarray:
        """Book per-post `wanted` hours up to each post's free hours; the rest is unmet.
        Returns the hours booked."""
        done = np.minimum(wanted, self.free_hours())
        self.hours[category] += done
        self.unmet += wanted - done
        return done

    def room(self, role: Route) -> np.ndarray:
        """Free places under the cap for each post of `role` whose worker is on duty this week:
        nobody is allocated to a worker who is away."""
        open_posts = self.on_duty() & self.in_post & (self.role == role)
        room = np.where(open_posts, self.cap - self.caseload, 0)
        return np.maximum(room, 0)

    def finish_week(
        self, week: int, reflective: np.ndarray, rng: np.random.Generator, staff: Staff
    ) -> list[int]:
        """Close the ledger; each worker's week ends (burnout, absence, leaving); vacated posts
        are covered or wait. Returns the posts whose occupant left."""
        self.hours["idle"][:] = self.free_hours()
        posts = self.posts
        absence_chance = rng.random(posts).tolist()
        absence_weeks = rng.geometric(1.0 / staff.absence_weeks, posts).tolist()
        leave_chance = rng.random(posts).tolist()
        end = WeekEnd(
            week,
            staff,
            *WeekEnd.chances(staff),
            burnout=self.burnout.tolist(),
            available_hours=self.available.tolist(),
            demanded_hours=(self.available - self.hours["idle"] + self.unmet).tolist(),
            crisis_contact_hours=self.crisis_hours.tolist(),
            reflective_hours=reflective.tolist(),
            absence_chance=absence_chance,
            absence_weeks=absence_weeks,
            leave_chance=leave_chance,
        )
        left = [
            worker.post
            for worker in self.occupant
            if worker is not None and worker.finish_week(end) is Outcome.LEAVES
        ]
        self.burnout[:] = end.burnout
        return left

    def vacate(self, post: int, week: int, vacancy_weeks: float) -> Worker:
        """The occupant of `post` has gone; a permanent hire is due after the vacancy (an agency
        locum leaving does not restart the search)."""
        worker = self.occupant[post]
        assert worker is not None
        if not worker.agency:
            self.vacant_until[post] = week + int(np.ceil(vacancy_weeks))
        self.occupant[post] = None
        self.person[post] = -1
        self.agency[post] = False
        self.burnout[post] = 0.0
        self.absent_until[post] = -1
        return worker

    def fill_posts(
        self, week: int, hire: Hire, rng: np.random.Generator, staff: Staff
    ) -> list[int]:
        """Posts with no one in them: a permanent hire once the vacancy has run its course, else
        (with some probability) an agency locum until then; a locum gives way to the permanent
        hire when it arrives. Returns the posts that have a new occupant."""
        cover_chance = rng.random(self.posts)
        tenure = rng.geometric(1.0 / max(staff.agency_tenure_weeks or 1.0, 1.0), self.posts)
        filled: list[int] = []
        for post in (~self.in_post).nonzero()[0].tolist():
            if self.vacant_until[post] <= week:
                self.fill(post, hire(post, None))
            elif cover_chance[post] < staff.agency_cover_probability:
                until = min(week + int(tenure[post]), int(self.vacant_until[post]))
                self.fill(post, hire(post, until))
            else:
                continue
            filled.append(post)
        return filled

    def paid_hours(self, hours: float) -> tuple[float, float]:
        """(permanent, agency) paid hours this week of posts with someone in them, each paid
        `hours` a week."""
        in_post = self.in_post
        agency = float((in_post & self.agency).sum()) * hours
        return float(in_post.sum()) * hours - agency, agency
