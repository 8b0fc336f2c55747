"""Crises: weekly hazards rising steeply with the driving needs and with the number of active
needs; each crisis costs its payer, worsens needs, moves trust and may send the person to the
front door.

hazard = base x exp(steepness x (driver need - 0.5)) x (1 + extra x (active needs - 1)): the
exponential gives the heavy tail of crisis use that evaluations report (a few people with very
high use), and the multiplier makes several active needs together worse than any one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relsim.arrays import EveryRow
from relsim.citizen_draws import CitizenDraws
from relsim.citizens import Citizens
from relsim.config.schema import CRISIS_TYPES, CrisisType, Scenario

MAX_WEEKLY_HAZARD = 0.9


@dataclass(frozen=True)
class CrisisWeek:
    """This week's crises: the rows that had each type (ascending), whether each row had any,
    and who was sent to the front door."""

    rows_by_type: list[np.ndarray]
    any: np.ndarray
    sent_to_front_door: np.ndarray


def crisis_specs(scenario: Scenario) -> list[CrisisType]:
    return [getattr(scenario.crises, name) for name in CRISIS_TYPES]


class CrisisModel:
    """The crisis types' parameters as arrays, built once per run."""

    def __init__(self, scenario: Scenario) -> None:
        specs = crisis_specs(scenario)
        domains = scenario.needs.domains
        weights = np.zeros((len(CRISIS_TYPES), len(domains)), dtype=np.float32)
        for k, spec in enumerate(specs):
            for j, domain in enumerate(domains):
                weights[k, j] = spec.drivers.get(domain, 0.0)
            total = weights[k].sum()
            if total > 0:
                weights[k] /= total
        self.specs = specs
        self.weights_t = np.ascontiguousarray(weights.T)
        has_driver = weights.sum(axis=1) > 0
        self.base = np.array([s.base_hazard_per_week for s in specs], np.float32) * has_driver
        self.steepness = np.array([s.steepness for s in specs], dtype=np.float32)
        self.extra = np.array([s.extra_need_multiplier for s in specs], dtype=np.float32)
        # (active needs, types): the multiplier for each count of active needs, looked up rather
        # than recomputed for every row (a count takes at most len(domains) + 1 values).
        counts = np.arange(len(domains) + 1, dtype=np.float32)
        extra_needs = np.maximum(counts - 1, 0)
        self.extra_factor = 1.0 + self.extra[None, :] * extra_needs[:, None]
        self.steepness_rows = EveryRow(self.steepness)
        self.base_rows = EveryRow(self.base)
        self.unit_costs = np.array([s.unit_cost_gbp for s in specs])
        self.increase = [
            [(domains.index(d), np.float32(a)) for d, a in s.need_increase.items() if d in domains]
            for s in specs
        ]

    def hazards(self, need: np.ndarray, n_active: np.ndarray) -> np.ndarray:
        """(n, types) weekly probability of each crisis type."""
        n = need.shape[0]
        hazards = need @ self.weights_t
        flat = hazards.reshape(-1)
        flat -= np.float32(0.5)
        flat *= self.steepness_rows(n)
        np.exp(flat, out=flat)
        flat *= self.base_rows(n)
        hazards *= self.extra_factor.take(n_active, axis=0)
        return np.minimum(hazards, np.float32(MAX_WEEKLY_HAZARD), out=hazards)

    def draw(
        self,
        citizens: Citizens,
        n_active: np.ndarray,
        draws: CitizenDraws,
        week: int,
    ) -> CrisisWeek:
        """Who has which crisis this week, and the consequences for needs and trust."""
        n = citizens.n
        chance = draws.uniform("crises", 0, n, len(CRISIS_TYPES), np.float32)
        referral_chance = draws.uniform("crises", 1, n, dtype=np.float32)
        happened = chance < self.hazards(citizens.need[:n], n_active)
        # Every crisis in one scan, in row order: each type's rows come out ascending. Only
        # people still in the district have crises (checked for the few hits, not every row).
        hit_rows, hit_types = np.divmod(happened.reshape(-1).nonzero()[0], len(self.specs))
        present = citizens.present[hit_rows]
        hit_rows, hit_types = hit_rows[present], hit_types[present]
        any_crisis = np.zeros(n, dtype=bool)
        any_crisis[hit_rows] = True
        need = citizens.need[:n]
        trust = citizens.trust[:n]
        present_prob = np.zeros(n, dtype=np.float32)
        rows_by_type = []
        for k, spec in enumerate(self.specs):
            rows = hit_rows[hit_types == k]
            rows_by_type.append(rows)
            if rows.size == 0:
                continue
            for domain, amount in self.increase[k]:
                need[rows, domain] += amount
            trust[rows] += np.float32(spec.trust_change)
            present_prob[rows] = np.maximum(present_prob[rows], spec.presentation_probability)
            if spec.interrupts_support_weeks:
                until = citizens.interrupted_until
                # Blocks this week's care and the following weeks: w weeks in all.
                until[rows] = np.maximum(until[rows], week + spec.interrupts_support_weeks - 1)
        # Needs come in within [0, 1] (the need update ends by clipping them), so only the rows
        # a crisis raised can have left it.
        hit = any_crisis.nonzero()[0]
        need[hit] = need.take(hit, axis=0).clip(0.0, 1.0)
        trust.clip(0.0, 1.0, out=trust)
        return CrisisWeek(
            rows_by_type, any_crisis, sent_to_front_door=referral_chance < present_prob
        )
