"""Adaptive rationing: how a service under pressure tightens its thresholds and shortens its
episodes, and how slowly it lets go.

Each service keeps a rationing level in [0, 1]. Pressure is the wait its queue implies (queue
over what it can take on in a week) against the wait it tolerates. While pressure is above 1
the level rises in proportion to the excess; below 1 it falls at a slower, fixed rate. A
threshold is raised by the level times `threshold_raise_at_full`, an episode cut by the level
times `episode_cut_at_full`. Tightening fast and relaxing slowly is the ratchet by which a
transactional system keeps making its own demand after the pressure has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from relsim.config.schema import Rationing


@dataclass
class RationingLevel:
    """One service's rationing level, moved once a week."""

    level: float = 0.0
    pressure: float = 0.0

    def update(self, queue: float, intake_per_week: float, rules: Rationing) -> None:
        if rules.mode == "fixed":
            self.level, self.pressure = 0.0, 0.0
            return
        expected_wait = (
            queue / intake_per_week if intake_per_week > 0 else (float("inf") if queue > 0 else 0.0)
        )
        self.pressure = min(expected_wait / rules.target_wait_weeks, 10.0)
        if self.pressure > 1.0:
            self.level += rules.tighten_per_week * (self.pressure - 1.0)
        else:
            self.level -= rules.relax_per_week
        self.level = min(max(self.level, 0.0), 1.0)

    def threshold(self, base: float, rules: Rationing) -> float:
        return min(base + rules.threshold_raise_at_full * self.level, 1.0)

    def sessions(self, base: int, rules: Rationing) -> int:
        return max(1, round(base * (1.0 - rules.episode_cut_at_full * self.level)))
