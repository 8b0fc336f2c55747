"""The scenario schema: every parameter with its unit, default and source.

Costs are in pounds at 2023/24 prices. Older unit costs are uprated with an assumed GDP-deflator
factor stated in each source string (2006/07 x1.55, 2010/11 x1.35, 2011/12 x1.33, 2013/14 x1.28).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from relsim.config.params import Section, knob_param, param

Domain = Literal["housing", "mental_health", "substance_use", "physical_health", "money", "safety"]
DOMAINS: tuple[str, ...] = (
    "housing",
    "mental_health",
    "substance_use",
    "physical_health",
    "money",
    "safety",
)
Payer = Literal["nhs", "police_justice", "council_housing"]
PAYERS: tuple[str, ...] = ("nhs", "police_justice", "council_housing")
CareModelName = Literal["assess_do_refer", "liberated", "hybrid"]
CRISIS_TYPES: tuple[str, ...] = ("ae", "mh_crisis", "police", "eviction")

UNIT_COSTS = "GMCA/New Economy Unit Cost Database v1.4"
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
    arrivals_per_week: float = param(6.0, "people/week", ge=0)
    leave_probability_per_week: float = param(
        0.002, "1/week", ge=0, le=1, description="moving away, unrelated to need"
    )
    death_probability_per_week_at_full_need: float = param(
        0.002,
        "1/week",
        "calibrated to Fulfilling Lives (CFE Research 2021): just over 1 in 20 died in the programme",
        ge=0,
        le=1,
    )


class Time(Section):
    weeks: int = param(260, "weeks", ge=1, le=5200, description="measured horizon")
    warmup_weeks: int = param(52, "weeks", ge=0, le=1040, description="excluded from results")


class Workforce(Section):
    caseload_cap: int = param(
        25,
        "citizens per worker",
        "transactional keyworker caseloads 21-30 (evidence: caseloads)",
        ge=1,
        le=1000,
    )
    workers: int = param(12, "FTE", ge=0, le=100_000, description="front-door or caseworker posts")
    hours_per_week: float = param(37.5, "hours/week", ge=1, le=80)
    non_case_share: float = param(
        0.15, "share of hours", ge=0, le=0.9, description="training, meetings, general admin"
    )
    hourly_cost_gbp: float = param(
        73.0, "GBP/hour", f"adult social worker £57/h 2013/14 ({UNIT_COSTS}) x1.28", ge=0
    )
    payer: Payer = param("council_housing", "payer")


class Needs(Section):
    domains: tuple[Domain, ...] = param(DOMAINS, "domain names")
    active_threshold: float = param(0.4, "need level", ge=0.01, le=0.99)
    reversion_per_week: float = param(
        0.08, "1/week", ge=0, le=1, description="pull of current need toward the person's baseline"
    )
    coupling_strength_per_week: float | None = knob_param(
        "demand_complexity", 0.0, 0.03, "need/week per unit active need", ge=0, le=1
    )
    coupling: dict[Domain, dict[Domain, float]] = param(
        DEFAULT_COUPLING,
        "relative weight",
        description="spill-over from an active need (row) into another (column)",
    )
    volatility_sd_per_week: float | None = knob_param(
        "demand_complexity", 0.01, 0.04, "need/week", ge=0, le=1
    )
    shock_probability_per_week: float | None = knob_param(
        "demand_complexity", 0.002, 0.015, "1/week", ge=0, le=1
    )
    shock_size: float = param(0.25, "need", ge=0, le=1)
    shock_durable_share: float = param(
        0.3, "share", ge=0, le=1, description="part of a shock that raises the baseline"
    )
    natural_recovery_per_week: float = param(
        0.004, "1/week", ge=0, le=1, description="baseline decline per unit of informal support"
    )
    support_durable_share: float = param(
        0.4,
        "share",
        ge=0,
        le=1,
        description="part of help that lowers the baseline, not only the current need",
    )


class Arrivals(Section):
    mean_needs_at_entry: float | None = knob_param(
        "demand_complexity",
        1.0,
        4.0,
        "domains",
        "Changing Futures: 83% had four or more needs (high end)",
        ge=1,
        le=6,
    )
    entry_need_low: float = param(0.3, "need", ge=0, le=1)
    entry_need_high: float = param(0.8, "need", ge=0, le=1)
    informal_support_mean: float = param(0.5, "0-1", ge=0, le=1)
    trust_mean: float = param(0.5, "0-1", ge=0, le=1)
    trust_drop_per_extra_need: float = param(0.05, "trust per need", ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Arrivals:
        if self.entry_need_low > self.entry_need_high:
            raise ValueError("entry_need_low must not exceed entry_need_high")
        return self


class CrisisType(Section):
    base_hazard_per_week: float = param(
        0.01, "1/week", ge=0, le=1, description="hazard at driver need 0.5 with one active need"
    )
    steepness: float = param(5.0, "1/need", ge=0, le=50)
    extra_need_multiplier: float = param(0.3, "hazard ratio per extra active need", ge=0)
    drivers: dict[Domain, float] = param({}, "weight")
    unit_cost_gbp: float = param(0.0, "GBP", ge=0)
    payer: Payer = param("nhs", "payer")
    need_increase: dict[Domain, float] = param({}, "need")
    trust_change: float = param(0.0, "trust", ge=-1, le=1)
    presentation_probability: float = param(0.3, "probability", ge=0, le=1)
    interrupts_support_weeks: int = param(0, "weeks", ge=0, le=260)


class Crises(Section):
    ae: CrisisType = Field(
        default=CrisisType(
            base_hazard_per_week=0.018,
            drivers={"physical_health": 0.4, "mental_health": 0.3, "substance_use": 0.3},
            unit_cost_gbp=345.0,
            payer="nhs",
            need_increase={"physical_health": 0.05},
            presentation_probability=0.2,
        ),
        json_schema_extra={
            "unit": "crisis type",
            "source": "A&E £199 (NHS National Cost Collection 2023/24) + half an ambulance call-out £216 2013/14 x1.28",
        },
    )
    mh_crisis: CrisisType = Field(
        default=CrisisType(
            base_hazard_per_week=0.004,
            drivers={"mental_health": 0.7, "substance_use": 0.3},
            unit_cost_gbp=4360.0,
            payer="nhs",
            need_increase={"mental_health": 0.05},
            trust_change=-0.03,
            presentation_probability=0.4,
        ),
        json_schema_extra={
            "unit": "crisis type",
            "source": f"8 mental-health bed days at £410 2011/12 ({UNIT_COSTS}) x1.33; 8 days is an assumption",
        },
    )
    police: CrisisType = Field(
        default=CrisisType(
            base_hazard_per_week=0.012,
            drivers={"safety": 0.6, "substance_use": 0.4},
            unit_cost_gbp=1390.0,
            payer="police_justice",
            need_increase={"safety": 0.05, "housing": 0.05},
            trust_change=-0.05,
            presentation_probability=0.2,
            interrupts_support_weeks=1,
        ),
        json_schema_extra={
            "unit": "crisis type",
            "source": f"arrest with detention £593 2006/07 ({UNIT_COSTS}) x1.55 = £920, plus one in ten remanded for a week of prison at £2,367/month 2008/09 x1.45 (assumption)",
        },
    )
    eviction: CrisisType = Field(
        default=CrisisType(
            base_hazard_per_week=0.003,
            drivers={"housing": 0.7, "money": 0.3},
            unit_cost_gbp=3380.0,
            payer="council_housing",
            need_increase={"housing": 0.25, "mental_health": 0.05},
            trust_change=-0.05,
            presentation_probability=0.6,
        ),
        json_schema_extra={
            "unit": "crisis type",
            "source": f"statutory homelessness application £2,501 2010/11 ({UNIT_COSTS}) x1.35",
        },
    )


class HelpSeeking(Section):
    presentation_probability_per_week: float = param(
        0.06, "1/week", description="at full severity and full trust", ge=0, le=1
    )
    trust_exponent: float = param(
        1.5, "exponent", ge=0, le=10, description="low trust: present only in crisis"
    )
    min_trust_to_present: float = param(0.1, "trust", ge=0, le=1)
    attendance_base: float = param(
        0.45, "probability", ge=0, le=1, description="attendance at zero trust, one active need"
    )
    attendance_per_trust: float = param(0.5, "probability per unit trust", ge=0, le=1)
    attendance_drop_per_extra_need: float = param(
        0.05, "probability per extra active need", ge=0, le=1
    )


class Specialist(Section):
    capacity_slots_per_1000_citizens: float = param(
        6.0, "concurrent episodes per 1,000 citizens", ge=0
    )
    episode_sessions: int = param(8, "sessions", ge=1, le=520)
    session_hours: float = param(1.0, "hours", ge=0)
    session_effect: float = param(0.05, "need per attended session", ge=0, le=1)
    hourly_cost_gbp: float = param(
        73.0,
        "GBP/hour",
        f"social worker £57/h 2013/14 ({UNIT_COSTS}) x1.28, used for all specialists",
        ge=0,
    )
    payer: Payer = param("nhs", "payer")
    excludes_if_active: tuple[Domain, ...] = param(
        (),
        "domains",
        description="referrals refused while these needs are active (dual-diagnosis bounce)",
    )


def _specialist(payer: str, excludes: tuple[str, ...] = ()) -> Specialist:
    return Specialist(payer=payer, excludes_if_active=excludes)  # type: ignore[arg-type]


class Specialists(Section):
    housing: Specialist = Field(
        default=_specialist("council_housing", ("safety",)),
        json_schema_extra={"unit": "service", "source": "assumption"},
    )
    mental_health: Specialist = Field(
        default=_specialist("nhs", ("substance_use",)),
        json_schema_extra={"unit": "service", "source": "assumption"},
    )
    substance_use: Specialist = Field(
        default=_specialist("nhs"), json_schema_extra={"unit": "service", "source": "assumption"}
    )
    physical_health: Specialist = Field(
        default=_specialist("nhs"), json_schema_extra={"unit": "service", "source": "assumption"}
    )
    money: Specialist = Field(
        default=_specialist("council_housing"),
        json_schema_extra={"unit": "service", "source": "assumption"},
    )
    safety: Specialist = Field(
        default=_specialist("police_justice"),
        json_schema_extra={"unit": "service", "source": "assumption"},
    )


class AssessDoRefer(Section):
    assessment_hours: float = param(1.5, "hours", ge=0)
    recording_hours_per_contact: float = param(0.5, "hours", ge=0)
    assessment_error_sd: float = param(
        0.15, "need", ge=0, le=1, description="for a stranger; falls with knowledge of the person"
    )
    other_need_identification_probability: float = param(
        0.3, "probability", ge=0, le=1, description="a stranger sees one need"
    )
    eligibility_threshold: float | None = knob_param(
        "referral_friction", 0.3, 0.65, "need", ge=0, le=1
    )
    episode_sessions: int = param(6, "sessions", ge=1, le=520)
    session_hours: float = param(1.0, "hours", ge=0)
    session_effect: float = param(0.05, "need per attended session", ge=0, le=1)
    max_missed_sessions: int = param(
        2, "sessions", ge=0, le=100, description="discharge for non-attendance after this many"
    )
    referral_paperwork_hours: float | None = knob_param(
        "referral_friction", 0.25, 3.0, "hours per referral", ge=0
    )
    referral_delay_weeks: float | None = knob_param("referral_friction", 0.0, 6.0, "weeks", ge=0)
    specialist_threshold: float | None = knob_param(
        "referral_friction", 0.3, 0.7, "need", ge=0, le=1
    )
    exclusion_strictness: float | None = knob_param(
        "referral_friction", 0.0, 0.9, "probability an exclusion rule is applied", ge=0, le=1
    )
    waiting_dropout_per_week: float | None = knob_param(
        "referral_friction", 0.0, 0.12, "1/week at zero trust", ge=0, le=1
    )
    reassessment_hours: float | None = knob_param(
        "referral_friction", 0.0, 3.0, "hours per specialist admission", ge=0
    )
    signpost_trust_change: float = param(-0.08, "trust", ge=-1, le=1)
    discharge_trust_change: float = param(-0.08, "trust", ge=-1, le=1)
    rejection_trust_change: float = param(-0.04, "trust", ge=-1, le=1)
    attended_session_trust_change: float = param(0.01, "trust", ge=-1, le=1)


class Liberated(Section):
    understand_hours: float = param(
        3.0, "hours", ge=0, description="first conversation instead of an eligibility gate"
    )
    base_contact_hours_per_week: float = param(1.0, "hours/week", ge=0)
    contact_hours_per_active_need: float = param(0.5, "hours/week", ge=0)
    crisis_contact_hours: float = param(3.0, "hours", ge=0)
    recording_share: float = param(0.1, "share of contact time", ge=0, le=1)
    travel_share: float = param(0.15, "share of contact time", ge=0, le=1)
    contact_effect_per_hour: float = param(0.05, "need per hour", ge=0, le=1)
    relationship_growth_per_hour: float = param(0.04, "depth per hour", ge=0, le=1)
    trust_growth_per_hour: float = param(0.01, "trust per hour", ge=0, le=1)
    flexible_budget_per_citizen_year_gbp: float = param(
        1000.0, "GBP/year", "You First personal budgets (2016), order of magnitude", ge=0
    )
    weekly_spend_gbp: float = param(
        60.0, "GBP/week", ge=0, description="spend in a week with an active practical need"
    )
    budget_effect_per_100_gbp: float = param(0.04, "need per £100", ge=0, le=1)
    specialist_draw_in_threshold: float = param(0.5, "need", ge=0, le=1)
    joint_work_hours_per_week: float = param(1.0, "specialist hours/week", ge=0)
    caseworker_joint_hours_per_week: float = param(0.5, "hours/week", ge=0)
    outreach_hours_per_missed_contact: float = param(0.5, "hours", ge=0)
    step_down_stable_weeks: int = param(8, "weeks", ge=1, le=520)
    stable_need_below: float = param(
        0.5, "need", ge=0, le=1, description="stable: every need below this and no crisis"
    )
    reflective_practice_hours_per_week: float = param(1.5, "hours/week", ge=0)
    fallback: Literal["wait", "assess_do_refer"] = param(
        "wait", "policy", description="when every caseworker is at the cap"
    )
    missed_contact_trust_change: float = param(0.0, "trust", ge=-1, le=1)


class Hybrid(Section):
    complexity_threshold_active_needs: int = param(
        3, "active needs", ge=0, le=6, description="at or above: routed to a caseworker"
    )
    caseworker_share_of_workforce: float = param(0.5, "share of FTE", ge=0, le=1)
    caseworker_caseload_cap: int = param(
        10, "citizens per caseworker", "Housing First fidelity 1:7; small caseloads", ge=1, le=1000
    )


class Staff(Section):
    sustainable_utilisation: float = param(0.85, "share of available hours", ge=0.1, le=2)
    burnout_gain_per_excess_load: float = param(0.08, "burnout/week per unit overload", ge=0, le=1)
    emotional_labour_per_crisis_hour: float = param(0.004, "burnout per crisis hour", ge=0, le=1)
    burnout_recovery_per_week: float = param(0.02, "burnout/week", ge=0, le=1)
    reflective_recovery_per_hour: float = param(0.01, "burnout per hour", ge=0, le=1)
    absence_probability_per_week: float | None = knob_param(
        "continuity", 0.03, 0.005, "1/week", ge=0, le=1
    )
    absence_burnout_multiplier: float = param(3.0, "ratio at full burnout", ge=0)
    absence_weeks: float = param(2.0, "weeks (mean)", ge=1)
    turnover_per_year: float | None = knob_param(
        "continuity",
        0.40,
        0.10,
        "1/year",
        "children's social workers 16% (DfE 2023); adult social care ~30% (Skills for Care)",
        ge=0,
        le=5,
    )
    turnover_burnout_multiplier: float = param(
        3.0, "ratio at full burnout", "52-61% intend to leave (Ravalier, BASW 2017-18)", ge=0
    )
    vacancy_weeks: float | None = knob_param("continuity", 26.0, 4.0, "weeks (mean)", ge=0)
    handover_retention: float | None = knob_param(
        "continuity", 0.0, 0.8, "share of relationship kept", ge=0, le=1
    )
    same_worker_probability: float | None = knob_param(
        "continuity",
        0.0,
        0.8,
        "probability",
        ge=0,
        le=1,
        description="assess-do-refer: seen again by the same duty worker",
    )
    named_worker_share: float | None = knob_param(
        "continuity",
        0.3,
        1.0,
        "share of weekly contacts",
        ge=0,
        le=1,
        description="Liberated Method: contacts by the named worker; the rest by whoever covers",
    )
    knowledge_growth_per_contact: float = param(0.15, "knowledge per contact", ge=0, le=1)


class Scenario(Section):
    """A fully described scenario. Knob-derived parameters are None until resolved."""

    name: str = param("unnamed", "text")
    description: str = param("", "text")
    care_model: CareModelName = param("assess_do_refer", "model")
    demand_complexity: float = param(0.6, "0-1", ge=0, le=1)
    continuity: float = param(0.5, "0-1", ge=0, le=1)
    referral_friction: float = param(0.5, "0-1", ge=0, le=1)
    seed: int = param(1, "integer", ge=0, le=2**63 - 1)
    population: Population = Field(default_factory=Population)
    time: Time = Field(default_factory=Time)
    workforce: Workforce = Field(default_factory=Workforce)
    needs: Needs = Field(default_factory=Needs)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    crises: Crises = Field(default_factory=Crises)
    help_seeking: HelpSeeking = Field(default_factory=HelpSeeking)
    specialists: Specialists = Field(default_factory=Specialists)
    assess_do_refer: AssessDoRefer = Field(default_factory=AssessDoRefer)
    liberated: Liberated = Field(default_factory=Liberated)
    hybrid: Hybrid = Field(default_factory=Hybrid)
    staff: Staff = Field(default_factory=Staff)

    @model_validator(mode="after")
    def _domains_unique(self) -> Scenario:
        if len(set(self.needs.domains)) != len(self.needs.domains) or not self.needs.domains:
            raise ValueError("needs.domains must be a non-empty list of distinct domains")
        return self
