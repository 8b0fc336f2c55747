"""The citizens' side of a scenario: who lives in the district, their needs and how they
change, who arrives, and when they ask for help."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from relsim.config.params import Section, knob_param, param
from relsim.config.schema.vocabulary import (
    DOMAINS,
    Domain,
)

DEFAULT_COUPLING: dict[str, dict[str, float]] = {
    "housing": {"mental_health": 0.6, "physical_health": 0.3, "money": 0.3},
    "mental_health": {"substance_use": 0.5, "housing": 0.3, "money": 0.3, "physical_health": 0.3},
    "substance_use": {"mental_health": 0.5, "safety": 0.6, "money": 0.4, "physical_health": 0.4},
    "physical_health": {"mental_health": 0.3, "money": 0.2},
    "money": {"housing": 0.6, "mental_health": 0.3},
    "safety": {"housing": 0.4, "mental_health": 0.4, "substance_use": 0.3},
}


class Population(Section):
    citizens: int = param(3000, "people", ge=0, le=2_000_000, description="initial cohort")
    arrivals_per_week: float | None = param(
        None,
        "people/week",
        ge=0,
        le=100_000,
        description="new citizens with needs moving into view each week (Poisson mean); left out, citizens x arrival_rate_per_citizen_week, so a district keeps its size however large it is",
    )
    arrival_rate_per_citizen_week: float = param(
        0.0022,
        "people/citizen-week",
        "assumption: replaces those who move away (leave_probability_per_week) or die, so the district's size is steady",
        ge=0,
        le=1,
        description="arrivals per week per citizen of the initial cohort, when arrivals_per_week is left out",
    )
    leave_probability_per_week: float = param(
        0.002, "1/week", ge=0, le=1, description="moving away, unrelated to need"
    )
    death_probability_per_week_at_full_need: float = param(
        0.0011,
        "1/week",
        "calibrated to Fulfilling Lives (CFE Research 2021): just over 1 in 20 died in the programme, taken as 10-20 per 1,000 a year at complexity 0.9 (docs/calibration.md)",
        ge=0,
        le=1,
        description="weekly death risk, scaled by the square of the person's mean need",
    )


class Needs(Section):
    domains: tuple[Domain, ...] = param(
        DOMAINS, "domain names", description="which life domains are modelled (a subset of the six)"
    )
    active_threshold: float = param(
        0.4,
        "need level",
        ge=0.01,
        le=0.99,
        description="a need above this is active: it spills over, counts as complex and needs help",
    )
    reversion_per_week: float = param(
        0.08,
        "1/week",
        ge=0,
        le=1,
        description="pull of current need toward the person's baseline at average informal support; scaled by (0.5 + informal support)",
    )
    baseline_reversion_per_week: float = param(
        0.03,
        "1/week",
        ge=0,
        le=1,
        description="pull of the baseline toward the person's long-run set point: how quickly help wears off and shocks heal",
    )
    coupling_strength_per_week: float | None = knob_param(
        "demand_complexity",
        0.0,
        0.01,
        "need/week per unit of active need",
        ge=0,
        le=1,
        description="how strongly active needs push up the needs they are coupled to",
    )
    coupling: dict[Domain, dict[Domain, float]] = param(
        DEFAULT_COUPLING,
        "relative weight",
        description="spill-over from an active need (row) into another (column)",
    )
    volatility_sd_per_week: float | None = knob_param(
        "demand_complexity",
        0.01,
        0.04,
        "need/week",
        ge=0,
        le=1,
        description="standard deviation of the weekly fluctuation of each need",
    )
    shock_probability_per_week: float | None = knob_param(
        "demand_complexity",
        0.002,
        0.015,
        "1/week",
        ge=0,
        le=1,
        description="chance of a life shock (loss, bereavement, job loss) hitting one need",
    )
    shock_size: float = param(
        0.25, "need", ge=0, le=1, description="how much a life shock adds to the need it hits"
    )
    shock_durable_share: float = param(
        0.3, "share", ge=0, le=1, description="part of a shock that raises the baseline"
    )
    support_durable_share: float = param(
        0.4,
        "share",
        ge=0,
        le=1,
        description="part of help that lowers the baseline, not only the current need",
    )

    driver_spill_per_week: float | None = knob_param(
        "demand_complexity",
        0.0,
        0.01,
        "need/week per unit of driver need",
        ge=0,
        le=1,
        description="extra spill-over from the need that drives a person's difficulties into each of their other needs",
    )
    hidden_driver_probability: float | None = knob_param(
        "demand_complexity",
        0.0,
        0.8,
        "probability",
        ge=0,
        le=1,
        description="chance that a person's driving need is not the one they present with, and that standard help fits them poorly (tame versus complex problems)",
    )
    hidden_help_fit_mean: float = param(
        0.4,
        "0-1",
        ge=0,
        le=1,
        description="mean effectiveness of standard, protocol help for a person whose driver is hidden (1 for everyone else); a worker who knows the person tailors help toward full effect",
    )

    @field_validator("domains")
    @classmethod
    def _domains_distinct(cls, domains: tuple[str, ...]) -> tuple[str, ...]:
        # checked here, not on the whole scenario, so that the error names needs.domains and
        # where it was set
        if not domains or len(set(domains)) != len(domains):
            raise ValueError("must be a non-empty list of distinct domains")
        return domains


class Arrivals(Section):
    mean_needs_at_entry: float | None = knob_param(
        "demand_complexity",
        1.0,
        4.0,
        "domains",
        "high end: set from the Changing Futures evaluation (2025), 83% of participants with four "
        "or more needs; a mean of 4 gives 68% of entrants four or more",
        ge=1,
        le=6,
        description="mean number of domains with a raised need when a citizen enters",
    )
    entry_need_low: float = param(
        0.3,
        "need",
        ge=0,
        le=1,
        description="raised needs at entry are drawn uniformly between entry_need_low and entry_need_high",
    )
    entry_need_high: float = param(
        0.8,
        "need",
        ge=0,
        le=1,
        description="upper end of raised needs at entry (other needs start between 0 and 0.2)",
    )
    informal_support_mean: float = param(
        0.5,
        "0-1",
        ge=0,
        le=1,
        description="mean informal support (family, friends), which drives natural recovery",
    )
    trust_mean: float = param(
        0.5,
        "0-1",
        ge=0,
        le=1,
        description="mean trust in services at entry for someone with one need",
    )
    trust_drop_per_extra_need: float = param(
        0.05,
        "trust per need",
        ge=0,
        le=1,
        description="lower starting trust for each extra raised need",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Arrivals:
        if self.entry_need_low > self.entry_need_high:
            raise ValueError("entry_need_low must not exceed entry_need_high")
        return self


class HelpSeeking(Section):
    presentation_probability_per_week: float = param(
        0.05,
        "1/week",
        "set by hand with the referral chain so that the bundled front door rations without being swamped; repeat demand and duty caseloads, which it was first calibrated against, are now missed (docs/calibration.md)",
        description="at full severity and full trust",
        ge=0,
        le=1,
    )
    trust_exponent: float = param(
        1.5, "exponent", ge=0, le=10, description="low trust: present only in crisis"
    )
    min_trust_to_present: float = param(
        0.1,
        "trust",
        ge=0,
        le=1,
        description="below this trust a person comes only when a crisis sends them",
    )
    attendance_base: float = param(
        0.45, "probability", ge=0, le=1, description="attendance at zero trust, one active need"
    )
    attendance_per_trust: float = param(
        0.5,
        "probability per unit trust",
        ge=0,
        le=1,
        description="attendance rises with trust by this much per unit",
    )
    attendance_per_depth: float = param(
        0.3,
        "probability per unit depth",
        ge=0,
        le=1,
        description="attendance and engagement rise with the depth of the relationship with the worker",
    )
    trust_reversion_per_week: float = param(
        0.01,
        "1/week",
        ge=0,
        le=1,
        description="pull of trust toward the person's own long-run level",
    )
    failure_return_per_week: float = param(
        0.03,
        "1/week",
        ge=0,
        le=1,
        description="weekly chance that someone failed by a service (signposted, refused, dropped from a waiting list, discharged, gave up waiting) comes back within failure_window_weeks, sent by another agency or returning themselves, whatever their trust: failure comes back as demand",
    )
    failure_window_weeks: int = param(
        13,
        "weeks",
        ge=0,
        le=520,
        description="how long after a failure its consequences are counted as failure demand (returns, crises)",
    )
    wait_abandon_per_week: float = param(
        0.04,
        "1/week",
        ge=0,
        le=1,
        description="chance of giving up a front-door or caseworker queue each week at zero trust, scaled by (1 - trust)",
    )
    attendance_drop_per_extra_need: float = param(
        0.05,
        "probability per extra active need",
        ge=0,
        le=1,
        description="attendance falls with each active need beyond the first (chaos)",
    )
