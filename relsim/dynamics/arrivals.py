"""Who arrives: needs from the complexity profile, what matters to them, what drives their needs
(hidden or not), how well standard help fits them, informal support and trust.

Every entrant takes the same number of draws whatever the parameters (no rejection sampling
whose consumption depends on them), so two scenarios that differ only in a parameter, the
complexity knob included, meet the same people with the same luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaincinv

from relsim.config.schema import Scenario

FIT_SPREAD = 0.4  # width of the uniform spread of help fit around its mean, for hidden drivers


@dataclass(frozen=True)
class Entrants:
    need: np.ndarray  # (count, domains): set point, starting baseline and starting need
    priority: np.ndarray
    driver: np.ndarray
    driver_hidden: np.ndarray
    help_fit: np.ndarray
    informal: np.ndarray
    trust: np.ndarray


def draw_entrants(scenario: Scenario, count: int, rng: np.random.Generator) -> Entrants:
    """The number of raised needs is 1 plus a binomial over the other domains with mean
    `mean_needs_at_entry - 1`. The driver is the highest need, except that with probability
    `hidden_driver_probability` (for people with two or more raised needs) it is another of their
    raised needs, and standard help fits them less well."""
    arrivals, needs = scenario.arrivals, scenario.needs
    domains = len(needs.domains)
    mean_needs = min(float(arrivals.mean_needs_at_entry or 1.0), domains)
    p_extra = (mean_needs - 1.0) / (domains - 1) if domains > 1 else 0.0
    # A binomial drawn as Bernoulli trials on uniforms: the same draws whatever p_extra.
    n_affected = 1 + (rng.random((count, domains - 1)) < p_extra).sum(axis=1)
    order = np.argsort(rng.random((count, domains)), axis=1)
    rank = np.argsort(order, axis=1)
    affected = rank < n_affected[:, None]
    high = rng.uniform(arrivals.entry_need_low, arrivals.entry_need_high, (count, domains))
    low = rng.uniform(0.0, 0.2, (count, domains))
    need = np.where(affected, high, low).astype(np.float32)
    priority = rng.dirichlet(np.ones(domains), size=count).astype(np.float32)
    informal = np.clip(rng.beta(2.0, 2.0, count) * 2 * arrivals.informal_support_mean, 0, 1)
    trust_mean = np.clip(
        arrivals.trust_mean - arrivals.trust_drop_per_extra_need * (n_affected - 1), 0.05, 0.95
    )
    # Beta(4m, 4(1 - m)) by its inverse distribution function, one uniform each: the same
    # draws whatever the mean.
    trust = np.clip(
        betaincinv(4.0 * trust_mean, 4.0 * (1 - trust_mean), rng.random(count)), 0.0, 1.0
    )

    hidden_chance = rng.random(count)
    pick = rng.random(count)
    fit_draw = rng.random(count)
    presenting = need.argmax(axis=1)
    hidden = (hidden_chance < (needs.hidden_driver_probability or 0.0)) & (n_affected >= 2)
    driver = presenting.astype(np.int8)
    help_fit = np.ones(count, dtype=np.float32)
    secret = hidden.nonzero()[0]
    if secret.size:
        # A hidden driver is one of the other raised needs, chosen uniformly by `pick`.
        others = affected[secret]
        others[np.arange(secret.size), presenting[secret]] = False
        n_others = others.sum(axis=1)
        target = np.floor(pick[secret] * np.maximum(n_others, 1)).astype(np.int64) + 1
        driver[secret] = np.argmax(others.cumsum(axis=1) >= target[:, None], axis=1)
        fit = needs.hidden_help_fit_mean + FIT_SPREAD * (fit_draw[secret] - 0.5)
        help_fit[secret] = np.clip(fit, 0.05, 1.0)
    return Entrants(need, priority, driver, hidden, help_fit, informal, trust)
