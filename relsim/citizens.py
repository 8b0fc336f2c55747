"""Citizens' state: every column declared once (name, dtype, unit, meaning), held in NumPy arrays
owned by the district and updated a week at a time.

A citizen who leaves is marked not present. With draws keyed by citizen (the default,
`relsim.citizen_draws`) the model drops those rows from time to time (`compact`), and each row's
`id` says whose it is. With draws keyed by row the row is kept, so the arrays' length, and with
it every citizen-side random draw, is the same under every care model.

The states (pathway, specialist standing, route) are enumerations whose members are int8, the
dtype of the columns holding them. NumPy takes an IntEnum member for an int64 (only a plain int
adapts to the array), so every `column == Pathway.HELD` widened the column first: about eight
times the cost of comparing int8 with int8, and the pathways make dozens of such comparisons
over every row each week.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

import numpy as np


class Pathway(np.int8, Enum):
    """Where a citizen is with the front door or their caseworker."""

    NOT_IN_SERVICE = 0
    WAITING_FRONT_DOOR = 1
    WAITING_ALLOCATION = 2
    SHORT_EPISODE = 3
    WAITING_CASEWORKER = 4
    HELD = 5
    STEPPED_DOWN = 6
    LEFT = 7


class SpecialistState(np.int8, Enum):
    """A citizen's standing with the specialist service of one domain."""

    NONE = 0
    WAITING = 1
    EPISODE = 2
    JOINT_WORK = 3
    REREFERRAL_DUE = 4  # refused or dropped: the referrer will send the referral again


class Route(np.int8, Enum):
    """Which pathway (and which posts) serve a citizen."""

    ASSESS_DO_REFER = 0
    LIBERATED = 1


NO_WORKER = -1
NO_PERSON = -1
NEVER = -(10**6)


def column(
    dtype: Any,
    unit: str,
    meaning: str,
    *,
    per_domain: bool = False,
    per_crisis_type: bool = False,
    fill: float = 0,
) -> Any:
    """Declare one citizen column: its NumPy dtype, unit, meaning, second axis (domains or crisis
    types, if any) and value for a new row."""
    return field(
        default=None,
        metadata={
            "dtype": np.dtype(dtype),
            "unit": unit,
            "meaning": meaning,
            "axis": "domain" if per_domain else "crisis type" if per_crisis_type else "",
            "fill": fill,
        },
    )


@dataclass
class CitizenColumns:
    """Every column of citizen state. Arrays are allocated to a capacity; rows [0, n) are in use.

    Per-domain columns have shape (capacity, domains); the others (capacity,).
    """

    # who is here
    id: np.ndarray = column(np.int64, "id", "the citizen's number: their order of arrival, from 0")
    present: np.ndarray = column(bool, "flag", "in the district this week")
    arrival_week: np.ndarray = column(np.int32, "week", "week the citizen came into view")
    # needs and what drives them
    need: np.ndarray = column(np.float32, "0-1", "current need in each domain", per_domain=True)
    baseline: np.ndarray = column(
        np.float32, "0-1", "level current need returns to; help lowers it", per_domain=True
    )
    set_point: np.ndarray = column(
        np.float32, "0-1", "long-run level the baseline returns to", per_domain=True
    )
    priority: np.ndarray = column(
        np.float32, "weight", "what matters to the person, summing to 1", per_domain=True
    )
    support: np.ndarray = column(
        np.float32, "need", "help received this week, applied next week", per_domain=True
    )
    driver: np.ndarray = column(np.int8, "domain", "the need that drives the others")
    driver_hidden: np.ndarray = column(
        bool, "flag", "the driver is not the need the person presents with"
    )
    help_fit: np.ndarray = column(
        np.float32, "0-1", "how well standard, protocol help works for this person"
    )
    informal: np.ndarray = column(np.float32, "0-1", "informal support (family, friends)")
    # trust and the relationship with whoever works with them
    trust: np.ndarray = column(np.float32, "0-1", "trust in services")
    trust_base: np.ndarray = column(np.float32, "0-1", "long-run trust the person returns to")
    known_by: np.ndarray = column(
        np.int64, "person id", "the worker the relationship and knowledge are with", fill=-1
    )
    depth: np.ndarray = column(np.float32, "0-1", "relationship depth with that worker")
    knowledge: np.ndarray = column(
        np.float32, "0-1", "what that worker knows of the person: driver, what helps"
    )
    worker_changes: np.ndarray = column(
        np.int32, "changes", "changes of allocated worker so far (each one costs trust)"
    )
    last_seen_week: np.ndarray = column(
        np.int32,
        "week",
        "last week a front-line worker saw them or went looking for them",
        fill=NEVER,
    )
    # pathway
    pathway: np.ndarray = column(np.int8, "Pathway", "where the person is with services")
    route: np.ndarray = column(np.int8, "Route", "which pathway serves them")
    worker: np.ndarray = column(np.int32, "post", "allocated post, or -1", fill=NO_WORKER)
    last_worker: np.ndarray = column(np.int32, "post", "last allocated post", fill=NO_WORKER)
    last_person: np.ndarray = column(
        np.int64, "person id", "last allocated worker (person)", fill=NO_PERSON
    )
    since_week: np.ndarray = column(np.int32, "week", "start of the current wait")
    sessions_left: np.ndarray = column(np.int32, "sessions", "left in a short episode")
    missed: np.ndarray = column(np.int32, "sessions", "missed in this episode")
    presenting_domain: np.ndarray = column(np.int8, "domain", "assessed presenting need", fill=-1)
    stable_weeks: np.ndarray = column(np.int32, "weeks", "consecutive stable weeks while held")
    interrupted_until: np.ndarray = column(
        np.int32, "week", "no contact possible up to this week (custody)", fill=NEVER
    )
    last_closure_week: np.ndarray = column(np.int32, "week", "last case closure", fill=NEVER)
    last_closure_id: np.ndarray = column(np.int64, "id", "last closure's record", fill=-1)
    budget_year_start: np.ndarray = column(np.int32, "week", "start of the budget year")
    budget_spent_year: np.ndarray = column(np.float64, "GBP", "flexible budget spent this year")
    # specialist services, one column per domain
    spec_state: np.ndarray = column(
        np.int8, "SpecialistState", "standing with each service", per_domain=True
    )
    spec_since: np.ndarray = column(
        np.int32, "week", "referral, admission or draw-in week", per_domain=True
    )
    spec_resend_week: np.ndarray = column(
        np.int32,
        "week",
        "when a refused or dropped referral is due to be sent again",
        per_domain=True,
    )
    spec_sessions_left: np.ndarray = column(
        np.int32, "sessions", "left in a specialist episode", per_domain=True
    )
    spec_missed: np.ndarray = column(
        np.int32, "sessions", "missed in a specialist episode", per_domain=True
    )
    spec_person: np.ndarray = column(
        np.int64, "person id", "the specialist working with the person", per_domain=True, fill=-1
    )
    # failures and their consequences
    last_failure_week: np.ndarray = column(
        np.int32,
        "week",
        "last time a service failed the person (turned away, refused, dropped, discharged, "
        "disengaged, gave up waiting)",
        fill=NEVER,
    )
    spec_referred_week: np.ndarray = column(
        np.int32, "week", "last referral to each specialist service", per_domain=True, fill=NEVER
    )
    # history
    crises: np.ndarray = column(np.int32, "events", "crises over the whole run")
    handoffs: np.ndarray = column(np.int32, "hand-offs", "referrals onward and reallocations")
    presentations: np.ndarray = column(np.int32, "contacts", "presentations to services")
    measured_crises: np.ndarray = column(
        np.int32, "events", "crises by type in the measured period", per_crisis_type=True
    )
    measured_weeks: np.ndarray = column(np.int32, "weeks", "weeks present in the measured period")
    measured_held_weeks: np.ndarray = column(
        np.int32, "weeks", "weeks held by a caseworker in the measured period"
    )


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CitizenColumns))
#: (column, fill value) of the columns whose new rows do not start at zero
_FILLED: tuple[tuple[str, Any], ...] = tuple(
    (f.name, f.metadata["fill"]) for f in fields(CitizenColumns) if f.metadata["fill"]
)


def column_table() -> list[dict[str, str]]:
    """Name, dtype, unit and meaning of every column (for the ODD's state-variable table)."""
    return [
        {
            "name": f.name,
            "dtype": str(f.metadata["dtype"])
            + (f" per {f.metadata['axis']}" if f.metadata["axis"] else ""),
            "unit": f.metadata["unit"],
            "meaning": f.metadata["meaning"],
        }
        for f in fields(CitizenColumns)
    ]


class Citizens(CitizenColumns):
    """Growable columns of citizen state; `n` rows are in use."""

    def __init__(self, domains: int, crisis_types: int, capacity: int) -> None:
        self.domains = domains
        self.crisis_types = crisis_types
        self.n = 0
        self.admitted = 0  # citizens ever: the next one's id
        self._allocate(max(capacity, 16))

    def _shape(self, name: str, rows: int) -> tuple[int, ...]:
        axis = CitizenColumns.__dataclass_fields__[name].metadata["axis"]
        if axis == "domain":
            return (rows, self.domains)
        return (rows, self.crisis_types) if axis else (rows,)

    def _allocate(self, capacity: int) -> None:
        for f in fields(CitizenColumns):
            setattr(self, f.name, np.zeros(self._shape(f.name, capacity), f.metadata["dtype"]))

    @property
    def capacity(self) -> int:
        return int(self.present.shape[0])

    def _grow(self, needed: int) -> None:
        new_capacity = max(needed, 2 * self.capacity)
        for f in fields(CitizenColumns):
            old = getattr(self, f.name)
            grown = np.zeros(self._shape(f.name, new_capacity), dtype=old.dtype)
            grown[: self.n] = old[: self.n]
            setattr(self, f.name, grown)

    def add(self, count: int) -> np.ndarray:
        """Append `count` rows with every column at its declared fill value; returns the rows."""
        if self.n + count > self.capacity:
            self._grow(self.n + count)
        new = slice(self.n, self.n + count)
        self.n += count
        for name, fill in _FILLED:
            getattr(self, name)[new] = fill
        self.present[new] = True
        self.id[new] = np.arange(self.admitted, self.admitted + count)
        self.admitted += count
        return np.arange(new.start, new.stop)

    def compact(self) -> None:
        """Drop the rows of people who have left, keeping the others in order (so ids stay
        ascending and row order is still arrival order). Only for draws keyed by citizen: a
        row is then no longer a citizen, and whatever held a row must hold an id instead."""
        n = self.n
        kept = self.present[:n].nonzero()[0]
        m = kept.size
        for name in COLUMNS:
            values = getattr(self, name)
            values[:m] = values.take(kept, axis=0)
            values[m:n] = 0  # rows added later start from zero, as allocated
        self.n = m

    @property
    def rows_are_ids(self) -> bool:
        """Whether row r still holds citizen r: no row has been dropped."""
        return self.n == self.admitted

    def ids_of(self, rows: np.ndarray) -> np.ndarray:
        """The ids of the citizens in `rows`: `rows` itself while no row has been dropped."""
        return rows if self.rows_are_ids else self.id.take(rows)

    def row_of(self, citizen_id: int) -> int | None:
        """The row of a citizen, or None if they never came or their row was dropped."""
        if self.rows_are_ids:
            return citizen_id if 0 <= citizen_id < self.n else None
        row = int(np.searchsorted(self.id[: self.n], citizen_id))
        return row if row < self.n and self.id[row] == citizen_id else None

    def worth_compacting(self) -> bool:
        """Whether an eighth or more of the rows in use belong to people who have left."""
        return 8 * (self.n - int(np.count_nonzero(self.present[: self.n]))) >= self.n > 0

    def view(self, name: str) -> np.ndarray:
        """The first `n` rows of a column."""
        if name not in COLUMNS:
            raise KeyError(f"no citizen column {name!r}")
        return getattr(self, name)[: self.n]
