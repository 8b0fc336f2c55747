"""Help-seeking and attendance: how trust and chaos shape whether people come and keep coming.

Low trust means people present only in crisis; many active needs (chaos) make appointments
harder to keep.
"""

from __future__ import annotations

import numpy as np

from relsim.config.schema import Scenario
from relsim.population import Citizens, row_count_above, row_max


def severity(citizens: Citizens, scenario: Scenario) -> np.ndarray:
    """0 when no need is active, 1 when the worst need is at its maximum."""
    threshold = scenario.needs.active_threshold
    worst = row_max(citizens.view("need"))
    return np.clip((worst - threshold) / (1.0 - threshold), 0.0, 1.0)


def presentation_probability(citizens: Citizens, scenario: Scenario) -> np.ndarray:
    """Weekly chance of coming to the front door unprompted."""
    seeking = scenario.help_seeking
    trust = citizens.view("trust")
    willing = np.where(trust >= seeking.min_trust_to_present, trust**seeking.trust_exponent, 0.0)
    return seeking.presentation_probability_per_week * severity(citizens, scenario) * willing


def draw_presentations(
    citizens: Citizens, scenario: Scenario, rng: np.random.Generator, sent_by_crisis: np.ndarray
) -> np.ndarray:
    """Boolean (n,): who comes to services this week, unprompted or sent by a crisis."""
    chance = rng.random(citizens.n)
    unprompted = chance < presentation_probability(citizens, scenario)
    return (unprompted | sent_by_crisis) & citizens.view("present")


def attendance_probability(citizens: Citizens, scenario: Scenario) -> np.ndarray:
    seeking = scenario.help_seeking
    n_active = row_count_above(citizens.view("need"), scenario.needs.active_threshold)
    probability = (
        seeking.attendance_base
        + seeking.attendance_per_trust * citizens.view("trust")
        - seeking.attendance_drop_per_extra_need * np.maximum(n_active - 1, 0)
    )
    return np.clip(probability, 0.05, 0.98)
