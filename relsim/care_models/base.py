"""The interface every way of organising care offers the model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from relsim.arrays import row_count_above
from relsim.citizens import Route

if TYPE_CHECKING:
    from relsim.config.schema import Scenario
    from relsim.district import District, Week


def seen_as_complex(config: Scenario, seen: np.ndarray) -> np.ndarray:
    """The hybrid's rule: enough active needs, as a first conversation sees them (`seen`, one
    row per person), to go to a caseworker."""
    active = row_count_above(seen, config.needs.active_threshold)
    return active >= config.hybrid.complexity_threshold_active_needs


class CarePathway(Protocol):
    """One way of organising care, serving the citizens routed to it with the posts of its role."""

    route: Route

    def intake(self, district: District, week: Week, rows: np.ndarray) -> None:
        """Citizens routed here this week (new presentations)."""

    def work(self, district: District, week: Week) -> None:
        """Serve this week's cases with the posts' hours."""

    def reassign(self, district: District, week: Week, rows: np.ndarray) -> None:
        """Cases whose worker has left, with nobody yet in the post."""
