"""A citizen: a person with needs in several domains, seen through the district's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from relsim.citizens import Pathway, Route

if TYPE_CHECKING:
    from relsim.model import CareModel


class Citizen(mesa.Agent):
    """One citizen. Their state is a row of the district's citizen arrays, so the weekly
    update stays vectorised while a view, a test or a journey can ask the person: every
    attribute here is read live from that row. Made on demand (`CareModel.citizen`)."""

    model: CareModel

    def __init__(self, model: CareModel, citizen_id: int) -> None:
        super().__init__(model)
        self.citizen_id = citizen_id

    @property
    def row(self) -> int:
        """The citizen's row this week (rows move when those of people who left are dropped)."""
        row = self.model.district.citizens.row_of(self.citizen_id)
        if row is None:
            raise LookupError(f"citizen {self.citizen_id} has left and their row was dropped")
        return row

    def _value(self, column: str) -> np.ndarray:
        return getattr(self.model.district.citizens, column)[self.row]

    @property
    def present(self) -> bool:
        return bool(self._value("present"))

    @property
    def needs(self) -> dict[str, float]:
        return dict(zip(self.model.config.needs.domains, self._value("need").tolist(), strict=True))

    @property
    def active_needs(self) -> int:
        return int(np.sum(self._value("need") > self.model.config.needs.active_threshold))

    @property
    def driver(self) -> str:
        """The need that drives the others (which the person may not present with)."""
        return self.model.config.needs.domains[int(self._value("driver"))]

    @property
    def driver_hidden(self) -> bool:
        return bool(self._value("driver_hidden"))

    @property
    def trust(self) -> float:
        return float(self._value("trust"))

    @property
    def pathway(self) -> Pathway:
        return Pathway(int(self._value("pathway")))

    @property
    def route(self) -> Route:
        return Route(int(self._value("route")))

    @property
    def worker(self) -> int | None:
        """Person id of the allocated worker, if any."""
        post = int(self._value("worker"))
        return int(self.model.district.workforce.person[post]) if post >= 0 else None

    @property
    def relationship_depth(self) -> float:
        return float(self._value("depth"))

    @property
    def worker_knowledge(self) -> float:
        """What the worker the person knows best knows of them."""
        return float(self._value("knowledge"))

    @property
    def worker_changes(self) -> int:
        return int(self._value("worker_changes"))

    @property
    def crises(self) -> int:
        return int(self._value("crises"))
