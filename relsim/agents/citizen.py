"""A citizen: a person with needs in several domains, seen through the model's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from relsim.population import Pathway

if TYPE_CHECKING:
    from relsim.model import CareModel


class Citizen(mesa.Agent):
    """Identity of one citizen. Their numeric state is row `row` of the model's citizen arrays,
    so the weekly update stays vectorised while journeys and views can still ask an agent."""

    def __init__(self, model: CareModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def needs(self) -> dict[str, float]:
        values = self.model.citizens.need[self.row]
        return dict(zip(self.model.config.needs.domains, values.tolist(), strict=True))

    @property
    def trust(self) -> float:
        return float(self.model.citizens.trust[self.row])

    @property
    def pathway(self) -> Pathway:
        return Pathway(int(self.model.citizens.pathway[self.row]))

    @property
    def relationship_depth(self) -> float:
        return float(self.model.citizens.depth[self.row])

    @property
    def active_needs(self) -> int:
        threshold = self.model.config.needs.active_threshold
        return int(np.sum(self.model.citizens.need[self.row] > threshold))
