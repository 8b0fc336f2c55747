"""Need dynamics: drift toward a personal baseline, spill-over between active needs (and from
the need that drives a person's difficulties), noise, life shocks, and last week's help.

Two levels keep the district in a steady state. Current need returns to the person's baseline
within weeks (faster with informal support); the baseline returns to the person's long-run set
point within months. A shock or help moves both, the baseline by its durable share, so help
that stops wears off and a shock heals: nothing drifts for ever, and every run settles.

Coupling is what makes a problem complex: help on one need while the others stay active is
pushed back by their spill-over (rebound), and rebound is what produces failure demand. A
person's driver pushes every other need, so help that misses it rebounds most.
"""

from __future__ import annotations

import numpy as np

from relsim.citizen_draws import CitizenDraws
from relsim.citizens import Citizens
from relsim.config.schema import Scenario


def coupling_matrix(scenario: Scenario) -> np.ndarray:
    """(from, to) weights over the configured domains, zero on the diagonal."""
    domains = scenario.needs.domains
    matrix = np.zeros((len(domains), len(domains)), dtype=np.float32)
    for i, source in enumerate(domains):
        for j, target in enumerate(domains):
            if i != j:
                matrix[i, j] = scenario.needs.coupling.get(source, {}).get(target, 0.0)
    return matrix


class NeedModel:
    """The need dynamics of one run: the coupling between domains, and four work arrays kept
    from week to week (a fresh array the size of the district each week costs more than the
    arithmetic done in it: the allocator maps and clears new pages)."""

    def __init__(self, scenario: Scenario) -> None:
        self.coupling = coupling_matrix(scenario)
        self._work = np.empty((4, 0, len(scenario.needs.domains)), dtype=np.float32)

    def _work_arrays(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Four contiguous (n, domains) arrays, their contents undefined."""
        if self._work.shape[1] < n:
            self._work = np.empty((4, 2 * n, self._work.shape[2]), dtype=np.float32)
        return self._work[0, :n], self._work[1, :n], self._work[2, :n], self._work[3, :n]

    def update(
        self,
        citizens: Citizens,
        scenario: Scenario,
        draws: CitizenDraws,
    ) -> None:
        """One week of need change for every row in use."""
        needs = scenario.needs
        n, domains = citizens.n, citizens.domains
        # Weekly fluctuation: uniform with the configured standard deviation (cheaper to draw
        # than a normal; summed over weeks it is indistinguishable).
        active_need, spill, change, noise = self._work_arrays(n)
        draws.uniform("needs", 0, n, domains, np.float32, out=noise)
        noise -= np.float32(0.5)
        noise *= np.float32((needs.volatility_sd_per_week or 0.0) * np.sqrt(12.0))
        shock_hit = draws.uniform("shocks", 0, n) < (needs.shock_probability_per_week or 0.0)
        shock_domain = draws.integers("shocks", 1, n, domains)
        shock_rows = shock_hit.nonzero()[0]
        shock_cols = shock_domain[shock_rows]

        need = citizens.need[:n]
        baseline = citizens.baseline[:n]
        support = citizens.support[:n]
        threshold = np.float32(needs.active_threshold)
        # Rows of citizens who have left keep changing but nothing reads them (every consumer
        # masks by `present`), which is cheaper than masking here.
        np.greater(need, threshold, out=active_need)  # 1 or 0: cheaper than a boolean factor
        active_need *= need
        np.matmul(active_need, self.coupling, out=spill)
        spill *= np.float32(needs.coupling_strength_per_week or 0.0)
        driver_strength = np.float32(needs.driver_spill_per_week or 0.0)
        if driver_strength > 0:
            # Flat indices of each row's driver, which is cheaper than paired fancy indexing.
            at_driver = np.arange(0, n * domains, domains) + citizens.driver[:n]
            push = active_need.ravel()[at_driver] * driver_strength
            spill += push[:, None]
            spill.ravel()[at_driver] -= push
        reversion = citizens.informal[:n] + np.float32(0.5)
        reversion *= np.float32(needs.reversion_per_week)
        np.subtract(baseline, need, out=change)
        change *= reversion[:, None]
        change += spill
        change += noise
        change -= support
        if shock_rows.size:
            change[shock_rows, shock_cols] += np.float32(needs.shock_size)
        need += change
        need.clip(0.0, 1.0, out=need)

        drift = np.subtract(citizens.set_point[:n], baseline, out=change)
        drift *= np.float32(needs.baseline_reversion_per_week)
        drift -= np.multiply(np.float32(needs.support_durable_share), support, out=spill)
        baseline += drift
        if shock_rows.size:
            baseline[shock_rows, shock_cols] += np.float32(
                needs.shock_durable_share * needs.shock_size
            )
        baseline.clip(0.0, 1.0, out=baseline)
        support[:] = 0.0
