"""Citizens' numeric state, held in NumPy arrays owned by the model and updated a week at a time.

Rows are never reused: a citizen who leaves keeps their row (marked not present), so the arrays'
length, and with it every citizen-side random draw, is the same under every care model.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from relsim.config.schema import Scenario


class Pathway(IntEnum):
    """Where a citizen is with the front door or their caseworker."""

    NOT_IN_SERVICE = 0
    WAITING_FRONT_DOOR = 1
    WAITING_ALLOCATION = 2
    SHORT_EPISODE = 3
    WAITING_CASEWORKER = 4
    HELD = 5
    STEPPED_DOWN = 6
    LEFT = 7


class SpecialistState(IntEnum):
    """A citizen's standing with the specialist service of one domain."""

    NONE = 0
    WAITING = 1
    EPISODE = 2
    JOINT_WORK = 3


class Route(IntEnum):
    ASSESS_DO_REFER = 0
    LIBERATED = 1


NO_WORKER = -1
NEVER = -(10**6)

_FLOAT_1D = ("trust", "informal", "depth", "knowledge", "budget_spent_year")
_INT_1D = (
    "pathway",
    "route",
    "worker",
    "last_worker",
    "since_week",
    "sessions_left",
    "missed",
    "presenting_domain",
    "stable_weeks",
    "interrupted_until",
    "last_closure_week",
    "arrival_week",
    "budget_year_start",
    "crises",
    "handoffs",
    "distinct_workers",
    "presentations",
    "last_person",
    "cover_person",
    "last_closure_id",
)
_FLOAT_2D = ("need", "baseline", "priority", "support")
_INT_2D = ("spec_state", "spec_since", "spec_sessions_left", "spec_missed")


class Citizens:
    """Growable columns of citizen state; `n` rows are in use."""

    def __init__(self, domains: int, capacity: int) -> None:
        self.domains = domains
        self.n = 0
        capacity = max(capacity, 16)
        self.present = np.zeros(capacity, dtype=bool)
        for name in _FLOAT_1D:
            setattr(self, name, np.zeros(capacity))
        for name in _INT_1D:
            setattr(self, name, np.zeros(capacity, dtype=np.int32))
        for name in _FLOAT_2D:
            # float32: needs need no more precision, and the weekly update runs twice as fast
            setattr(self, name, np.zeros((capacity, domains), dtype=np.float32))
        for name in _INT_2D:
            dtype = np.int8 if name == "spec_state" else np.int32
            setattr(self, name, np.zeros((capacity, domains), dtype=dtype))

    @property
    def capacity(self) -> int:
        return self.present.shape[0]

    def _grow(self, needed: int) -> None:
        new_capacity = max(needed, 2 * self.capacity)
        for name in ("present", *_FLOAT_1D, *_INT_1D, *_FLOAT_2D, *_INT_2D):
            old = getattr(self, name)
            grown = np.zeros((new_capacity, *old.shape[1:]), dtype=old.dtype)
            grown[: self.n] = old[: self.n]
            setattr(self, name, grown)

    def add(
        self,
        need: np.ndarray,
        priority: np.ndarray,
        informal: np.ndarray,
        trust: np.ndarray,
        week: int,
    ) -> np.ndarray:
        """Append citizens; returns their row indices."""
        count = need.shape[0]
        if self.n + count > self.capacity:
            self._grow(self.n + count)
        rows = np.arange(self.n, self.n + count)
        self.n += count
        self.present[rows] = True
        self.need[rows] = need
        self.baseline[rows] = need
        self.priority[rows] = priority
        self.informal[rows] = informal
        self.trust[rows] = trust
        for name in ("worker", "last_worker", "last_person", "cover_person", "last_closure_id"):
            getattr(self, name)[rows] = NO_WORKER
        for name in ("last_closure_week", "interrupted_until"):
            getattr(self, name)[rows] = NEVER
        self.presenting_domain[rows] = -1
        self.arrival_week[rows] = week
        self.budget_year_start[rows] = week
        return rows

    def view(self, name: str) -> np.ndarray:
        """The first `n` rows of a column."""
        return getattr(self, name)[: self.n]

    def active_needs(self, threshold: float) -> np.ndarray:
        """Boolean (n, domains): which needs are active."""
        return self.need[: self.n] > threshold


def draw_entrants(
    scenario: Scenario, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Needs, priorities, informal support and trust for `count` new citizens.

    The number of affected domains follows the complexity profile: 1 plus a binomial over the
    remaining domains with mean `mean_needs_at_entry - 1`.
    """
    arrivals = scenario.arrivals
    domains = len(scenario.needs.domains)
    mean_needs = min(float(arrivals.mean_needs_at_entry or 1.0), domains)
    p_extra = (mean_needs - 1.0) / (domains - 1) if domains > 1 else 0.0
    n_affected = 1 + rng.binomial(domains - 1, p_extra, size=count)
    order = np.argsort(rng.random((count, domains)), axis=1)
    rank = np.argsort(order, axis=1)
    affected = rank < n_affected[:, None]
    high = rng.uniform(arrivals.entry_need_low, arrivals.entry_need_high, (count, domains))
    low = rng.uniform(0.0, 0.2, (count, domains))
    need = np.where(affected, high, low)
    priority = rng.dirichlet(np.ones(domains), size=count)
    informal = np.clip(rng.beta(2.0, 2.0, count) * 2 * arrivals.informal_support_mean, 0, 1)
    trust_mean = np.clip(
        arrivals.trust_mean - arrivals.trust_drop_per_extra_need * (n_affected - 1), 0.05, 0.95
    )
    trust = np.clip(rng.beta(4.0 * trust_mean, 4.0 * (1 - trust_mean)), 0, 1)
    return need, priority, informal, trust


def row_max(values: np.ndarray) -> np.ndarray:
    """Maximum across domains, column by column (far faster than axis=1 on narrow arrays)."""
    out = values[:, 0].copy()
    for d in range(1, values.shape[1]):
        np.maximum(out, values[:, d], out=out)
    return out


def row_sum(values: np.ndarray) -> np.ndarray:
    out = values[:, 0].astype(np.float64)
    for d in range(1, values.shape[1]):
        out += values[:, d]
    return out


def row_count_above(values: np.ndarray, threshold: float) -> np.ndarray:
    out = np.zeros(values.shape[0], dtype=np.int64)
    for d in range(values.shape[1]):
        out += values[:, d] > threshold
    return out
