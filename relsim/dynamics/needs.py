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
    matrix = np.zeros((len(domains), len(domains)))
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
    noise = noise_rng.normal(0.0, 1.0, (n, domains)) * needs.volatility_sd_per_week
    shock_hit = shock_rng.random(n) < needs.shock_probability_per_week
    shock_domain = shock_rng.integers(0, domains, n)
    shock = np.zeros((n, domains))
    rows = np.flatnonzero(shock_hit)
    shock[rows, shock_domain[rows]] = needs.shock_size

    need = citizens.view("need")
    baseline = citizens.view("baseline")
    support = citizens.view("support")
    present = citizens.view("present")[:, None]

    active_need = np.where(need > needs.active_threshold, need, 0.0)
    spill = needs.coupling_strength_per_week * (active_need @ coupling)
    change = needs.reversion_per_week * (baseline - need) + spill + noise + shock - support
    need += np.where(present, change, 0.0)
    np.clip(need, 0.0, 1.0, out=need)

    informal = citizens.view("informal")[:, None]
    baseline_change = (
        needs.shock_durable_share * shock
        - needs.support_durable_share * support
        - needs.natural_recovery_per_week * informal * baseline
    )
    baseline += np.where(present, baseline_change, 0.0)
    np.clip(baseline, 0.0, 1.0, out=baseline)
    support[:] = 0.0
