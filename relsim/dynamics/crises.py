"""Crises: weekly hazards rising steeply with the driving needs and with the number of active
needs; each crisis costs its payer, worsens needs, moves trust and may send the person to the
front door."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relsim.config.schema import CRISIS_TYPES, CrisisType, Scenario
from relsim.population import Citizens, row_count_above, row_max

MAX_WEEKLY_HAZARD = 0.9


@dataclass(frozen=True)
class CrisisWeek:
    """This week's crises: (n, types) occurrence, and who was sent to the front door."""

    happened: np.ndarray
    sent_to_front_door: np.ndarray

    @property
    def any(self) -> np.ndarray:
        return row_max(self.happened.astype(np.int8)) > 0


def crisis_specs(scenario: Scenario) -> list[CrisisType]:
    return [getattr(scenario.crises, name) for name in CRISIS_TYPES]


def driver_weights(scenario: Scenario) -> np.ndarray:
    """(types, domains) normalised weights of the needs that drive each crisis type."""
    domains = scenario.needs.domains
    weights = np.zeros((len(CRISIS_TYPES), len(domains)))
    for k, spec in enumerate(crisis_specs(scenario)):
        for j, domain in enumerate(domains):
            weights[k, j] = spec.drivers.get(domain, 0.0)
        total = weights[k].sum()
        if total > 0:
            weights[k] /= total
    return weights


def weekly_hazards(citizens: Citizens, scenario: Scenario, weights: np.ndarray) -> np.ndarray:
    """(n, types) weekly probability of each crisis type."""
    need = citizens.view("need")
    specs = crisis_specs(scenario)
    base = np.array([s.base_hazard_per_week for s in specs], dtype=np.float32)
    steep = np.array([s.steepness for s in specs], dtype=np.float32)
    extra = np.array([s.extra_need_multiplier for s in specs], dtype=np.float32)
    extra_needs = np.maximum(row_count_above(need, scenario.needs.active_threshold) - 1, 0)
    hazards = need @ weights.T.astype(np.float32)
    hazards -= np.float32(0.5)
    hazards *= steep
    np.exp(hazards, out=hazards)
    hazards *= base * (weights.sum(axis=1) > 0)
    hazards *= 1.0 + extra[None, :] * extra_needs[:, None].astype(np.float32)
    return np.minimum(hazards, np.float32(MAX_WEEKLY_HAZARD), out=hazards)


def draw_crises(
    citizens: Citizens,
    scenario: Scenario,
    weights: np.ndarray,
    rng: np.random.Generator,
    week: int,
) -> CrisisWeek:
    """Who has which crisis this week, and the consequences for needs and trust."""
    n = citizens.n
    chance = rng.random((n, len(CRISIS_TYPES)), dtype=np.float32)
    referral_chance = rng.random(n, dtype=np.float32)
    happened = (chance < weekly_hazards(citizens, scenario, weights)) & citizens.view("present")[
        :, None
    ]
    specs = crisis_specs(scenario)
    domains = scenario.needs.domains
    need = citizens.view("need")
    trust = citizens.view("trust")
    present_prob = np.zeros(n)
    for k, spec in enumerate(specs):
        rows = np.flatnonzero(happened[:, k])
        if rows.size == 0:
            continue
        for domain, amount in spec.need_increase.items():
            if domain in domains:
                need[rows, domains.index(domain)] += amount
        trust[rows] += spec.trust_change
        present_prob[rows] = np.maximum(present_prob[rows], spec.presentation_probability)
        if spec.interrupts_support_weeks:
            until = citizens.view("interrupted_until")
            # Blocks this week's care and the following weeks: w weeks in all.
            until[rows] = np.maximum(until[rows], week + spec.interrupts_support_weeks - 1)
    np.clip(need, 0.0, 1.0, out=need)
    np.clip(trust, 0.0, 1.0, out=trust)
    return CrisisWeek(happened=happened, sent_to_front_door=referral_chance < present_prob)
