"""A specialist service for one domain: capacity, rules, a waiting list and episodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from relsim.config.schema import Specialist

if TYPE_CHECKING:
    from relsim.model import CareModel


class SpecialistService(mesa.Agent):
    """The team behind one domain. Its waiting list and episodes are columns of the citizen
    arrays (`spec_state[:, domain]`); the agent holds its rules and its weekly hours."""

    def __init__(self, model: CareModel, domain: int, name: str, rules: Specialist) -> None:
        super().__init__(model)
        self.domain = domain
        self.name = name
        self.rules = rules
        citizens = model.config.population.citizens
        self.slots = max(0, round(rules.capacity_slots_per_1000_citizens * citizens / 1000))
        self.hours_per_slot = rules.session_hours * 1.5
        self.capacity_hours = self.slots * self.hours_per_slot
        self.hours_used = 0.0

    def reset_week(self) -> None:
        self.hours_used = 0.0

    @property
    def hours_free(self) -> float:
        return max(0.0, self.capacity_hours - self.hours_used)
