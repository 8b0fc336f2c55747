"""A front-door duty worker or a named caseworker: one person in one post."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from relsim.population import Route

if TYPE_CHECKING:
    from relsim.model import CareModel


class Worker(mesa.Agent):
    """A person occupying post `post`. A leaver is removed; whoever fills the post is a new
    agent, so 'distinct workers met' counts people, not posts."""

    def __init__(self, model: CareModel, post: int, role: Route, started_week: int) -> None:
        super().__init__(model)
        self.post = post
        self.role = role
        self.started_week = started_week

    @property
    def burnout(self) -> float:
        return float(self.model.workforce.burnout[self.post])

    @property
    def caseload(self) -> int:
        return int(self.model.workforce.caseload[self.post])
