"""What the weekly phases work on, passed to them explicitly: the district (its citizens, posts,
services, random streams and records) and this week (its number, its draws and its scratch
arrays). No phase reaches into the Mesa model itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from relsim.citizen_draws import CitizenDraws
from relsim.citizens import Citizens
from relsim.config.schema import CRISIS_TYPES, Scenario
from relsim.continuity import ContactLedger
from relsim.counters import SPECIALIST_LEDGER
from relsim.records import Closures, Journeys, Tally
from relsim.rng import RandomStreams
from relsim.workforce import Workforce

if TYPE_CHECKING:
    from relsim.agents.specialist import SpecialistService


@dataclass
class Records:
    """What a run records: counters, journeys, closed cases and contacts."""

    tally: Tally
    journeys: Journeys
    closures: Closures
    contacts: ContactLedger


class PersonIds:
    """Identifiers of people. Front-line workers, specialist services and citizens are numbered
    from 1 in the order they come into the district (a worker's id is what journeys record of
    them); specialists met in episodes, who are not agents, get negative ids, someone new each
    episode."""

    def __init__(self) -> None:
        self._next = -10_000
        self._joined = 0

    def join(self, count: int = 1) -> int:
        """Number `count` newcomers; returns the last one's id."""
        self._joined += count
        return self._joined

    def new_specialist(self) -> int:
        self._next -= 1
        return self._next

    def new_specialists(self, count: int) -> np.ndarray:
        ids = np.arange(self._next - 1, self._next - 1 - count, -1, dtype=np.int64)
        self._next -= count
        return ids


@dataclass
class District:
    """The scenario, the citizens, the front-line posts, the specialist services, the random
    streams and the records of one run."""

    config: Scenario
    citizens: Citizens
    workforce: Workforce
    services: list[SpecialistService]
    streams: RandomStreams
    draws: CitizenDraws
    records: Records
    people: PersonIds = field(default_factory=PersonIds)

    @property
    def active_threshold(self) -> float:
        return self.config.needs.active_threshold


@dataclass
class Week:
    """One week's number, draws and scratch arrays, shared by the phases of that week only."""

    number: int
    measuring: bool
    citizens: int  # rows in use this week
    active_needs: np.ndarray = field(init=False)  # (n,) active needs after need dynamics
    crisis: np.ndarray = field(init=False)  # (n,) had a crisis this week
    crises_by_type: np.ndarray = field(init=False)
    engaged: np.ndarray = field(init=False)  # (n,) engaged with their caseworker this week
    attendance_p: np.ndarray = field(init=False)
    attendance_draw: np.ndarray = field(init=False)  # (n,) for front-line contacts
    specialist_attendance_draw: np.ndarray = field(init=False)  # (n,) for specialist sessions
    dropout_draw: np.ndarray = field(init=False)  # (n,) for leaving a specialist waiting list
    presentations: int = 0
    budget_gbp: float = 0.0
    specialist_cost_gbp: float = 0.0
    front_door_threshold: float = float("nan")  # this week's eligibility (nan: no front door)
    specialist_threshold: float = float("nan")  # mean acceptance threshold of the services
    reflective: np.ndarray = field(init=False)  # (posts,) reflective practice hours
    specialist_hours: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        n = self.citizens
        self.crisis = np.zeros(n, dtype=bool)
        self.crises_by_type = np.zeros(len(CRISIS_TYPES), dtype=np.int64)
        self.engaged = np.zeros(n, dtype=bool)
        self.specialist_hours = dict.fromkeys(SPECIALIST_LEDGER, 0.0)
