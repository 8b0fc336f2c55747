"""An overloaded worker's choice of whom to see this week.

Each worker ranks the people they serve this week by a score (a crisis this week, how severe the
worst need is, how much of what matters to the person is at stake, how long since they were
last seen) and sees them in that order, each for the time they need, until the week's hours run
out. Whoever is left is not seen at all: no thin slicing of everyone.
"""

from __future__ import annotations

import numpy as np

from relsim.arrays import cumulative_within
from relsim.config.schema import Liberated

GAP_FULL_WEEKS = 4.0


def triage_score(
    rules: Liberated,
    crisis: np.ndarray,
    severity: np.ndarray,
    matters: np.ndarray,
    weeks_since_seen: np.ndarray,
    tie_break: np.ndarray,
) -> np.ndarray:
    """Higher is seen first; `tie_break` (uniform in [0, 1)) orders equal scores at random."""
    gap = np.minimum(weeks_since_seen / GAP_FULL_WEEKS, 1.0)
    return (
        rules.triage_crisis_weight * crisis
        + rules.triage_need_weight * severity
        + rules.triage_matters_weight * matters
        + rules.triage_gap_weight * gap
        + 1e-6 * tie_break
    )


def choose_whom_to_see(
    serving: np.ndarray, score: np.ndarray, hours: np.ndarray, free: np.ndarray
) -> np.ndarray:
    """Boolean: seen this week. `serving[i]` is the post serving person i (or -1: nobody),
    `hours[i]` the time they need, `free[p]` the hours post p has."""
    seen = np.zeros(serving.size, dtype=bool)
    served = serving >= 0
    if not served.any():
        return seen
    posts = serving[served]
    running = cumulative_within(posts, -score[served], hours[served])
    seen[served] = running <= free[posts] + 1e-9
    return seen
