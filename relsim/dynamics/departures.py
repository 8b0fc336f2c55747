"""Who leaves the district this week: death, more likely the higher a person's needs, and moving
away, unrelated to need. One uniform draw a row decides both."""

from __future__ import annotations

import numpy as np

from relsim.arrays import row_sum
from relsim.citizens import Citizens
from relsim.config.schema import Population


def draw_departures(
    citizens: Citizens, population: Population, chance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(died, moved away): rows of people present, ascending. Death's weekly chance is
    `death_probability_per_week_at_full_need` times mean need squared; a draw under it is a
    death, a draw above it but under it plus `leave_probability_per_week` is a move.
    `chance`: one uniform for each of the `n` rows in use."""
    n = citizens.n
    # Death's chance is at most its value at full need (needs are within [0, 1]), so only those
    # whose draw falls under that plus the chance of moving can go: only their needs are read.
    at_full_need = population.death_probability_per_week_at_full_need
    leave = population.leave_probability_per_week
    candidates = (citizens.present[:n] & (chance < at_full_need + leave)).nonzero()[0]
    mean_need = row_sum(citizens.need.take(candidates, axis=0)) / citizens.domains
    death = at_full_need * mean_need**2
    draw = chance[candidates]
    died = candidates[draw < death]
    moved = candidates[(draw >= death) & (draw < death + leave)]
    return died, moved
