"""Need dynamics: drift toward a personal baseline, spill-over between active needs, noise,
life shocks, natural recovery and last week's help.

Coupling is what makes a problem complex: help on one need while the others stay active is
pushed back by their spill-over (rebound), and rebound is what produces failure demand.
"""

from __future__ import annotations

import numpy as np

from relsim.config.schema import Scenario
from relsim.population import Citizens


def coupling_matrix(scenario: Scenario) -> np.ndarray:
    """(from, to) weights over the configured domains, zero on the diagonal."""
    domains = scenario.needs.domains
    matrix = np.zeros((len(domains), len(domains)), dtype=np.float32)
    for i, source in enumerate(domains):
        for j, target in enumerate(domains):
            if i != j:
                matrix[i, j] = scenario.needs.coupling.get(source, {}).get(target, 0.0)
    return matrix


def update_needs(
    citizens: Citizens,
    scenario: Scenario,
    coupling: np.ndarray,
    noise_rng: np.random.Generator,
    shock_rng: np.random.Generator,
) -> None:
    """One week of need change for every present citizen (draws made for every row)."""
    needs = scenario.needs
    n, domains = citizens.n, citizens.domains
    # Weekly fluctuation: uniform with the configured standard deviation (cheaper to draw than
    # a normal; summed over weeks it is indistinguishable).
    noise = noise_rng.random((n, domains), dtype=np.float32)
    noise -= 0.5
    noise *= np.float32(needs.volatility_sd_per_week * np.sqrt(12.0))
    shock_hit = shock_rng.random(n) < needs.shock_probability_per_week
    shock_domain = shock_rng.integers(0, domains, n)
    shock = np.zeros((n, domains), dtype=np.float32)
    rows = np.flatnonzero(shock_hit)
    shock[rows, shock_domain[rows]] = needs.shock_size

    need = citizens.view("need")
    baseline = citizens.view("baseline")
    support = citizens.view("support")
    # Rows of citizens who have left keep changing but nothing reads them (every consumer
    # masks by `present`), which is cheaper than masking here.
    spill = (need * (need > needs.active_threshold)) @ coupling
    spill *= needs.coupling_strength_per_week
    change = baseline - need
    change *= needs.reversion_per_week
    change += spill
    change += noise
    change += shock
    change -= support
    need += change
    np.clip(need, 0.0, 1.0, out=need)

    recovery = citizens.view("informal")[:, None] * baseline
    recovery *= needs.natural_recovery_per_week
    baseline += needs.shock_durable_share * shock
    baseline -= needs.support_durable_share * support
    baseline -= recovery
    np.clip(baseline, 0.0, 1.0, out=baseline)
    support[:] = 0.0
