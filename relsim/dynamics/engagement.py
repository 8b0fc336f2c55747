"""Help-seeking, attendance and trust: how trust, chaos and the relationship shape whether
people come, keep coming, and wait.

Low trust means people present only in crisis; many active needs (chaos) make appointments
harder to keep; a worker the person knows makes them easier. Trust is pulled back toward the
person's own level, so it moves with what services do without drifting for ever.
"""

from __future__ import annotations

import numpy as np

from relsim.arrays import row_max
from relsim.citizen_draws import CitizenDraws
from relsim.citizens import Citizens
from relsim.config.schema import Scenario


def severity(need: np.ndarray, threshold: float) -> np.ndarray:
    """0 when no need is active, 1 when the worst need is at its maximum."""
    worst = row_max(need)
    return ((worst - threshold) / (1.0 - threshold)).clip(0.0, 1.0)


def draw_presentations(
    citizens: Citizens,
    scenario: Scenario,
    draws: CitizenDraws,
    sent_by_crisis: np.ndarray,
    week: int,
    demand_multiplier: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Who comes to services this week, unprompted or sent by a crisis, and (separately) who
    comes back after a service failed them: sent by another agency or returning themselves,
    whatever their trust, within the failure window. Both boolean (n,)."""
    seeking = scenario.help_seeking
    n = citizens.n
    chance = draws.uniform("help_seeking", 0, n)
    return_chance = draws.uniform("help_seeking", 1, n)
    trust = citizens.trust[:n]
    # Zero below the minimum trust (times a flag: np.where is slower on a mask with no pattern).
    willing = trust**seeking.trust_exponent * (trust >= seeking.min_trust_to_present)
    p = seeking.presentation_probability_per_week * severity(
        citizens.need[:n], scenario.needs.active_threshold
    )
    present = citizens.present[:n]
    unprompted = chance < p * willing * demand_multiplier
    # Someone a service failed comes back while a need is still active, whatever their trust.
    recent = (week - citizens.last_failure_week[:n] <= seeking.failure_window_weeks) & (p > 0)
    returning = recent & (return_chance < seeking.failure_return_per_week * demand_multiplier)
    return (unprompted | sent_by_crisis | returning) & present, returning & present


def attendance_probability(
    citizens: Citizens, scenario: Scenario, n_active: np.ndarray
) -> np.ndarray:
    """Chance of keeping an appointment or engaging with a contact this week."""
    seeking = scenario.help_seeking
    n = citizens.n
    probability = (
        seeking.attendance_base
        + seeking.attendance_per_trust * citizens.trust[:n]
        + seeking.attendance_per_depth * citizens.depth[:n]
        - seeking.attendance_drop_per_extra_need * np.maximum(n_active - 1, 0)
    )
    return probability.clip(0.05, 0.98)


def revert_trust(citizens: Citizens, scenario: Scenario) -> None:
    """Trust drifts back toward the person's own long-run level."""
    n = citizens.n
    trust = citizens.trust[:n]
    trust += np.float32(scenario.help_seeking.trust_reversion_per_week) * (
        citizens.trust_base[:n] - trust
    )
