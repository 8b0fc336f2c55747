"""The scenario schema: every parameter with its unit, default and source.

Costs are in pounds at 2023/24 prices. Older unit costs are uprated with an assumed GDP-deflator
factor stated in each source string (2006/07 x1.55, 2008/09 x1.45, 2010/11 x1.35, 2011/12 x1.33,
2013/14 x1.28). The factors are assumptions, rounded.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from relsim.config.params import ASSUMPTION, Section, knob_param, param

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
CareModelName = Literal["assess_do_refer", "liberated", "hybrid", "none"]
CitizenDrawKey = Literal["by_row", "by_citizen"]
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


class Time(Section):
    weeks: int = param(260, "weeks", ge=1, le=5200, description="measured horizon")
    warmup_weeks: int = param(
        104,
        "weeks",
        "MSER-5 truncation point of the weekly crisis series of the bundled scenarios, rounded up to whole years (docs/odd.md, section 5)",
        ge=0,
        le=1040,
        description="excluded from results: the district settles into its steady state",
    )


class Workforce(Section):
    caseload_cap: int = param(
        25,
        "citizens per worker",
        "community mental-health keyworkers hold 21-30 cases (transactional); Housing First fidelity is 1:7 (relational)",
        ge=1,
        le=1000,
        description="the most open cases one worker may hold (under hybrid: the duty workers; caseworkers use hybrid.caseworker_caseload_cap)",
    )
    workers: int = param(12, "FTE", ge=0, le=100_000, description="front-door or caseworker posts")
    hours_per_week: float = param(
        37.5, "hours/week", ge=1, le=80, description="contracted hours of each post"
    )
    non_case_share: float = param(
        0.15, "share of hours", ge=0, le=0.9, description="training, meetings, general admin"
    )
    hourly_cost_gbp: float = param(
        73.0,
        "GBP/hour",
        f"adult social worker £57/h 2013/14 ({UNIT_COSTS}) x1.28",
        ge=0,
        description="cost of a paid hour including on-costs, paid whether or not the hour is used",
    )
    payer: Payer = param(
        "council_housing", "payer", description="who pays the front-door workers and caseworkers"
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


class Arrivals(Section):
    mean_needs_at_entry: float | None = knob_param(
        "demand_complexity",
        1.0,
        4.0,
        "domains",
        "high end: Changing Futures evaluation (2025), 83% of participants had four or more needs",
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


# Fields every crisis type declares with its own default (and, for some, its own source).
def _base_hazard(default: float, source: str = ASSUMPTION) -> float:
    return param(
        default,
        "1/week",
        source,
        ge=0,
        le=1,
        description="hazard when the driver need is 0.5 and one need is active",
    )


def _drivers(default: dict[str, float]) -> dict[Domain, float]:
    return param(default, "weight", description="needs that drive this crisis, by relative weight")


def _need_increase(default: dict[str, float]) -> dict[Domain, float]:
    return param(default, "need", description="what one crisis adds to each need")


def _trust_change(default: float) -> float:
    return param(
        default, "trust", ge=-1, le=1, description="change in trust in services after one crisis"
    )


def _presentation(default: float, source: str = ASSUMPTION) -> float:
    return param(
        default,
        "probability",
        source,
        ge=0,
        le=1,
        description="chance the crisis sends the person to the front door (not the same as help_seeking)",
    )


PRESENTATION_CALIBRATED = (
    "set in an earlier calibration, with the help-seeking rate, against repeat demand (22 % of "
    "referrals re-referred within 12 months, DfE 2024) and duty caseloads; the current model "
    "misses both (docs/calibration.md)"
)


class CrisisType(Section):
    """One kind of crisis: its weekly hazard, what it costs whom, and what it does to the person.

    hazard = base x exp(steepness x (driver need - 0.5)) x (1 + extra_need_multiplier x (active
    needs - 1)), where the driver need is the weighted mean of the `drivers` domains.
    """

    base_hazard_per_week: float = _base_hazard(0.01)
    steepness: float = param(
        5.0, "1/need", ge=0, le=50, description="how sharply the hazard rises with the driver need"
    )
    extra_need_multiplier: float = param(
        0.3,
        "hazard ratio",
        ge=0,
        description="added to the hazard ratio for each active need beyond the first",
    )
    drivers: dict[Domain, float] = _drivers({})
    unit_cost_gbp: float = param(0.0, "GBP", ge=0)
    payer: Payer = param("nhs", "payer")
    need_increase: dict[Domain, float] = _need_increase({})
    trust_change: float = _trust_change(0.0)
    presentation_probability: float = _presentation(0.3)
    interrupts_support_weeks: int = param(
        0,
        "weeks",
        ge=0,
        le=260,
        description="weeks in which no session or contact can happen (custody)",
    )


class AandE(CrisisType):
    """A&E attendance or ambulance call-out."""

    base_hazard_per_week: float = _base_hazard(
        0.019,
        "calibrated to MEAM Approach evaluation: 3 to 4.8 A&E attendances per person-year in the high-complexity cohort before support (docs/calibration.md)",
    )
    drivers: dict[Domain, float] = _drivers(
        {"physical_health": 0.4, "mental_health": 0.3, "substance_use": 0.3}
    )
    unit_cost_gbp: float = param(
        337.0,
        "GBP",
        "A&E £199 (NHS National Cost Collection 2023/24) + half an ambulance call-out, £216 2013/14 (GMCA/New Economy Unit Cost Database v1.4) x1.28",
        ge=0,
    )
    payer: Payer = param("nhs", "payer")
    need_increase: dict[Domain, float] = _need_increase({"physical_health": 0.05})
    presentation_probability: float = _presentation(0.06, PRESENTATION_CALIBRATED)


class MentalHealthCrisis(CrisisType):
    """Mental-health crisis ending in a short admission."""

    base_hazard_per_week: float = _base_hazard(
        0.009,
        "calibrated to the high-complexity cohort's public-service cost, more than £28,000 a year on joining (Fulfilling Lives, CFE Research 2021; docs/calibration.md)",
    )
    drivers: dict[Domain, float] = _drivers({"mental_health": 0.7, "substance_use": 0.3})
    unit_cost_gbp: float = param(
        4360.0,
        "GBP",
        f"8 mental-health inpatient bed days at £410 2011/12 ({UNIT_COSTS}) x1.33; the 8 days are an assumption",
        ge=0,
    )
    payer: Payer = param("nhs", "payer")
    need_increase: dict[Domain, float] = _need_increase({"mental_health": 0.05})
    trust_change: float = _trust_change(-0.03)
    presentation_probability: float = _presentation(0.12, PRESENTATION_CALIBRATED)


class PoliceCustody(CrisisType):
    """Police call-out ending in arrest and detention, sometimes remand."""

    base_hazard_per_week: float = _base_hazard(
        0.016,
        "calibrated to MEAM Approach evaluation: about 2.9 arrests per person-year in the high-complexity cohort before support (docs/calibration.md)",
    )
    drivers: dict[Domain, float] = _drivers({"safety": 0.6, "substance_use": 0.4})
    unit_cost_gbp: float = param(
        1000.0,
        "GBP",
        f"arrest with detention £593 2006/07 ({UNIT_COSTS}) x1.55 = £920, plus one in ten remanded for a week of prison (£2,367/month 2008/09 x1.45, about £790 a week); the remand share is an assumption",
        ge=0,
    )
    payer: Payer = param("police_justice", "payer")
    need_increase: dict[Domain, float] = _need_increase({"safety": 0.05, "housing": 0.05})
    trust_change: float = _trust_change(-0.05)
    presentation_probability: float = _presentation(0.06, PRESENTATION_CALIBRATED)
    interrupts_support_weeks: int = param(
        1,
        "weeks",
        ge=0,
        le=260,
        description="weeks in which no session or contact can happen (custody)",
    )


class Eviction(CrisisType):
    """Eviction or a homelessness presentation."""

    base_hazard_per_week: float = _base_hazard(0.003)
    drivers: dict[Domain, float] = _drivers({"housing": 0.7, "money": 0.3})
    unit_cost_gbp: float = param(
        3380.0,
        "GBP",
        f"statutory homelessness application £2,501 2010/11 ({UNIT_COSTS}) x1.35",
        ge=0,
    )
    payer: Payer = param("council_housing", "payer")
    need_increase: dict[Domain, float] = _need_increase({"housing": 0.25, "mental_health": 0.05})
    trust_change: float = _trust_change(-0.05)
    presentation_probability: float = _presentation(0.2, PRESENTATION_CALIBRATED)


class Crises(Section):
    """The four crisis types; each has its own hazard, cost and payer."""

    ae: AandE = Field(
        default_factory=AandE,
        json_schema_extra={"unit": "crisis type", "source": "see its parameters"},
    )
    mh_crisis: MentalHealthCrisis = Field(
        default_factory=MentalHealthCrisis,
        json_schema_extra={"unit": "crisis type", "source": "see its parameters"},
    )
    police: PoliceCustody = Field(
        default_factory=PoliceCustody,
        json_schema_extra={"unit": "crisis type", "source": "see its parameters"},
    )
    eviction: Eviction = Field(
        default_factory=Eviction,
        json_schema_extra={"unit": "crisis type", "source": "see its parameters"},
    )


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


class Specialist(Section):
    capacity_slots_per_1000_citizens: float = param(
        15.0,
        "concurrent episodes per 1,000 citizens",
        ge=0,
        description="concurrent episodes the service can run, per 1,000 initial citizens",
    )
    episode_sessions: int = param(
        8, "sessions", ge=1, le=520, description="weekly sessions in one episode"
    )
    session_hours: float = param(
        1.0,
        "hours",
        ge=0,
        description="specialist hours per session (recording adds half as much again)",
    )
    session_effect: float = param(
        0.08,
        "need per attended session",
        ge=0,
        le=1,
        description="reduction of the domain's need per attended session",
    )
    hourly_cost_gbp: float = param(
        73.0,
        "GBP/hour",
        f"social worker £57/h 2013/14 ({UNIT_COSTS}) x1.28, used for all specialists",
        ge=0,
        description="cost of a specialist hour used",
    )
    payer: Payer = param("nhs", "payer", description="who pays the specialist service")
    excludes_if_active: tuple[Domain, ...] = param(
        (),
        "domains",
        description="referrals refused while these needs are active (dual-diagnosis bounce)",
    )


def _specialist(payer: str, excludes: tuple[str, ...] = ()) -> Specialist:
    return Specialist(payer=payer, excludes_if_active=excludes)  # type: ignore[arg-type]


class Specialists(Section):
    funding: Literal["block", "per_use"] = param(
        "block",
        "policy",
        description="block: a service's whole capacity is paid every week, used or not; per_use: only the hours used are paid (the same rule for every care model)",
    )
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
    assessment_hours: float = param(
        1.5, "hours", ge=0, description="duty worker's time for one assessment"
    )
    recording_hours_per_contact: float = param(
        0.5, "hours", ge=0, description="recording time after each assessment or session"
    )
    screening_hours: float = param(
        0.5,
        "hours",
        ge=0,
        le=40,
        description="the first part of an assessment, enough to turn away someone below the threshold; the rest of assessment_hours is spent only on those who pass",
    )
    assessment_error_sd: float = param(
        0.15, "need", ge=0, le=1, description="for a stranger; falls with knowledge of the person"
    )
    other_need_identification_probability: float = param(
        0.7,
        "probability",
        ge=0,
        le=1,
        description="chance a stranger's assessment notices each of the person's other active needs (rising with what the worker knows of them)",
    )
    eligibility_threshold: float = param(
        0.75,
        "need",
        "set against new requests turned away: 31 % signposted, 28 % no service (NHS Digital; docs/calibration.md)",
        ge=0,
        le=1,
        description="front-door gatekeeping, set apart from referral friction: the assessed presenting need must reach this for a short episode, else the person is signposted; with adaptive rationing it rises as the front-door queue grows",
    )
    episode_sessions: int = param(
        8,
        "sessions",
        "assumption: brief interventions of four to eight sessions; treatment is the specialists' work",
        ge=1,
        le=520,
        description="sessions in a short front-door episode on the presenting need; a need still active at its end is referred on for treatment; with adaptive rationing episodes shorten under pressure",
    )
    session_hours: float = param(
        0.7,
        "hours",
        "set in an earlier calibration so that duty caseloads of 16-30 open cases fit in a worker's hours; the current model's caseload is below that window (docs/calibration.md)",
        ge=0,
        description="duty worker's time per session",
    )
    session_effect: float = param(
        0.1,
        "need per attended session",
        "set in an earlier calibration against repeat demand, 22 % of referrals re-referred within 12 months (DfE 2024), which the current model misses (docs/calibration.md)",
        ge=0,
        le=1,
        description="reduction of the presenting need per attended session",
    )
    max_missed_sessions: int = param(
        3,
        "sessions",
        "set in an earlier calibration against duty caseloads of 16-30 open cases, which the current model misses (docs/calibration.md)",
        ge=0,
        le=100,
        description="discharge for non-attendance after this many",
    )
    referral_paperwork_hours: float | None = knob_param(
        "referral_friction", 0.25, 3.0, "hours", ge=0, description="referrer's time per referral"
    )
    referral_delay_weeks: float | None = knob_param(
        "referral_friction",
        0.0,
        6.0,
        "weeks",
        ge=0,
        description="processing time before a referral joins the specialist's waiting list",
    )
    specialist_threshold: float | None = knob_param(
        "referral_friction",
        0.3,
        0.7,
        "need",
        ge=0,
        le=1,
        description="a receiving service refuses referrals whose assessed need in its domain is below this",
    )
    exclusion_strictness: float | None = knob_param(
        "referral_friction",
        0.0,
        0.9,
        "probability",
        ge=0,
        le=1,
        description="chance a service applies its exclusion rule (e.g. no mental-health service while substance use is active)",
    )
    waiting_dropout_per_week: float | None = knob_param(
        "referral_friction",
        0.0,
        0.12,
        "1/week",
        ge=0,
        le=1,
        description="drop-out from a specialist waiting list at zero trust; scaled by (1 - trust) and rising with the number of active needs",
    )
    rereferral_probability: float = param(
        0.85,
        "probability",
        ge=0,
        le=1,
        description="chance that a referral refused or abandoned (refused at the door, at re-assessment, or dropped from the waiting list) is sent again by the referrer while the need is still active",
    )
    rereferral_delay_weeks: int = param(
        2,
        "weeks",
        ge=1,
        le=104,
        description="weeks before a refused or abandoned referral is sent again",
    )
    information_loss_at_handoff: float | None = knob_param(
        "referral_friction",
        0.0,
        0.9,
        "share",
        ge=0,
        le=1,
        description="share of what the referrer knew that does not reach the receiving service: its re-assessment sees the person as a stranger would, scaled by this",
    )
    reassessment_hours: float | None = knob_param(
        "referral_friction",
        0.0,
        3.0,
        "hours",
        ge=0,
        description="specialist time to re-assess each person admitted ('tell your story again')",
    )
    signpost_trust_change: float = param(
        -0.08, "trust", ge=-1, le=1, description="trust change when turned away below the threshold"
    )
    discharge_trust_change: float = param(
        -0.08, "trust", ge=-1, le=1, description="trust change when discharged for not attending"
    )
    rejection_trust_change: float = param(
        -0.04, "trust", ge=-1, le=1, description="trust change when a referral is refused"
    )
    attended_session_trust_change: float = param(
        0.01, "trust", ge=-1, le=1, description="trust change per attended session"
    )


class Liberated(Section):
    understand_hours: float = param(
        3.0, "hours", ge=0, description="first conversation instead of an eligibility gate"
    )
    base_contact_hours_per_week: float = param(
        1.0,
        "hours/week",
        ge=0,
        description="weekly contact time for someone held, before their needs",
    )
    contact_hours_per_active_need: float = param(
        0.5, "hours/week", ge=0, description="extra weekly contact time per active need"
    )
    crisis_contact_hours: float = param(
        3.0,
        "hours",
        ge=0,
        description="extra contact time in a week with a crisis (emotionally demanding)",
    )
    recording_share: float = param(
        0.1,
        "share of contact time",
        ge=0,
        le=1,
        description="recording time as a share of contact time",
    )
    travel_share: float = param(
        0.15,
        "share of contact time",
        ge=0,
        le=1,
        description="travel time as a share of contact time (work happens where the person is)",
    )
    contact_effect_per_hour: float = param(
        0.1,
        "need per hour",
        "set by hand with the relationship parameters, aiming at the MEAM Approach reductions for people held a year or more (A&E -37 to -54 %, arrests about -41 %): docs/validation.md finds those after a year within their windows and A&E after two years reduced more than published; the evidence does not pin it down (thin-evidence experiment in docs/results.md)",
        ge=0,
        le=1,
        description="need reduction per contact hour with full relationship depth, with help that fits the person and a worker free of burnout",
    )
    new_worker_effect_share: float = param(
        0.05,
        "share",
        ge=0,
        le=1,
        description="share of contact_effect_per_hour achieved with no relationship (a new or covering worker), rising linearly to 1 at full depth",
    )
    driver_focus_share: float = param(
        0.5,
        "share of effort",
        ge=0,
        le=1,
        description="share of a caseworker's effort that goes to the need driving the others once they fully know it; the rest follows what matters to the person",
    )
    triage_crisis_weight: float = param(
        3.0,
        "score",
        ge=0,
        le=100,
        description="an overloaded caseworker's triage: weight of a crisis this week",
    )
    triage_need_weight: float = param(
        1.0, "score", ge=0, le=100, description="triage: weight of the severity of the worst need"
    )
    triage_matters_weight: float = param(
        0.5,
        "score",
        ge=0,
        le=100,
        description="triage: weight of what matters to the person (priority-weighted active need)",
    )
    triage_gap_weight: float = param(
        0.5,
        "score",
        ge=0,
        le=100,
        description="triage: weight of time since last seen (full weight at four weeks or more)",
    )
    trust_growth_per_hour: float = param(
        0.01, "trust per hour", ge=0, le=1, description="trust gained per contact hour (towards 1)"
    )
    flexible_budget_per_citizen_year_gbp: float = param(
        1000.0,
        "GBP/year",
        "You First personal budgets (2016), order of magnitude",
        ge=0,
        description="the most a caseworker can spend on one person in a year",
    )
    weekly_spend_gbp: float = param(
        60.0, "GBP/week", ge=0, description="spend in a week with an active practical need"
    )
    budget_effect_per_100_gbp: float = param(
        0.04,
        "need per £100",
        ge=0,
        le=1,
        description="reduction of an active practical need (budget_domains) per £100 spent by a worker who fully knows the person",
    )
    budget_effect_without_knowledge_share: float = param(
        0.3,
        "share",
        ge=0,
        le=1,
        description="share of the budget's effect when the worker knows nothing of the person (money spent on the wrong thing), rising linearly to 1 with knowledge",
    )
    budget_decision_hours: float = param(
        0.25,
        "hours",
        ge=0,
        le=40,
        description="caseworker time to agree and arrange a week's spend with the person",
    )
    budget_domains: list[Domain] = param(
        ["housing", "money"],
        "domains",
        description="the practical needs the flexible budget is spent on (rent arrears, deposits, debts, furniture)",
    )
    budget_payer: Payer = param(
        "council_housing",
        "payer",
        description="who pays for the flexible budget (a pooled budget can be booked to any payer)",
    )
    specialist_draw_in_threshold: float = param(
        0.5,
        "need",
        ge=0,
        le=1,
        description="a caseworker draws the specialist into the work when the need in that domain reaches this",
    )
    friction_bypass: float = param(
        0.8,
        "share",
        ge=0,
        le=1,
        description="share of referral friction (exclusion rules, delay) that drawing a specialist in avoids",
    )
    joint_work_hours_per_week: float = param(
        1.0,
        "specialist hours/week",
        ge=0,
        description="specialist hours per week when drawn into the work",
    )
    brokerage_hours: float = param(
        2.0,
        "hours",
        ge=0,
        le=40,
        description="caseworker time to draw a specialist in (finding the right person, a joint first meeting)",
    )
    caseworker_joint_hours_per_week: float = param(
        0.5,
        "hours/week",
        ge=0,
        description="caseworker coordination hours per week for each specialist drawn in",
    )
    outreach_hours_per_missed_contact: float = param(
        0.5,
        "hours",
        ge=0,
        description="extra time spent following up a missed contact (no discharge)",
    )
    step_down_stable_weeks: int = param(
        16, "weeks", ge=1, le=520, description="weeks of stability before stepping down"
    )
    stable_need_below: float = param(
        0.5, "need", ge=0, le=1, description="stable: every need below this and no crisis"
    )
    reflective_practice_hours_per_week: float = param(
        1.5, "hours/week", ge=0, description="protected debrief and supervision time per caseworker"
    )
    return_places_over_cap: int = param(
        2,
        "people",
        ge=0,
        le=100,
        description="a caseworker takes back someone they held before, when they return, even this many over the cap (the door stays open)",
    )
    wait_for_own_worker_weeks: int = param(
        8,
        "weeks",
        ge=0,
        le=520,
        description="someone returning waits up to this long for the caseworker who knows them (if still in post) before taking whoever has room",
    )
    fallback: Literal["wait", "assess_do_refer"] = param(
        "wait", "policy", description="when every caseworker is at the cap"
    )
    missed_contact_trust_change: float = param(
        0.0, "trust", ge=-1, le=1, description="trust change after a missed contact"
    )


class Hybrid(Section):
    complexity_threshold_active_needs: int = param(
        3, "active needs", ge=0, le=6, description="at or above: routed to a caseworker"
    )
    caseworker_share_of_workforce: float = param(
        0.5,
        "share of FTE",
        ge=0,
        le=1,
        description="share of workforce.workers posts that are caseworkers",
    )
    caseworker_caseload_cap: int = param(
        10,
        "citizens per caseworker",
        "assumption; Housing First fidelity is 1:7",
        ge=1,
        le=1000,
        description="the most people one hybrid caseworker may hold",
    )


class Staff(Section):
    sustainable_utilisation: float = param(
        0.85,
        "share of available hours",
        ge=0.1,
        le=2,
        description="load (hours demanded / hours available) above which burnout grows",
    )
    burnout_gain_per_excess_load: float = param(
        0.02,
        "burnout/week per unit overload",
        "calibrated to staff turnover of 16-30 % a year including burnout (DfE 2023; Skills for Care; docs/calibration.md)",
        ge=0,
        le=1,
        description="weekly burnout gain per unit of load above sustainable_utilisation",
    )
    emotional_labour_per_crisis_hour: float = param(
        0.004,
        "burnout per crisis hour",
        ge=0,
        le=1,
        description="burnout gained per hour of contact with someone in crisis",
    )
    burnout_recovery_per_week: float = param(
        0.02,
        "burnout/week",
        ge=0,
        le=1,
        description="weekly burnout recovery when load is sustainable",
    )
    reflective_recovery_per_hour: float = param(
        0.01,
        "burnout per hour",
        ge=0,
        le=1,
        description="burnout recovery per hour of reflective practice",
    )
    absence_probability_per_week: float | None = knob_param(
        "continuity",
        0.05,
        0.005,
        "1/week",
        ge=0,
        le=1,
        description="chance a worker starts a spell of absence, before burnout",
    )
    absence_burnout_multiplier: float = param(
        3.0, "ratio", ge=0, description="absence rate is multiplied by (1 + this x burnout)"
    )
    absence_weeks: float = param(
        2.0, "weeks", ge=1, description="mean length of a spell of absence"
    )
    turnover_per_year: float | None = knob_param(
        "continuity",
        0.80,
        0.04,
        "1/year",
        "children's social workers about 16% a year (DfE 2023); adult social care about 30% (Skills for Care); set so that turnover after burnout falls in that range at continuity 0.8, the bundled district (docs/calibration.md); the low end, agency-dependent teams, is an assumption",
        ge=0,
        le=1,
        description="share of workers leaving each year, before burnout",
    )
    turnover_burnout_multiplier: float = param(
        1.0,
        "ratio",
        ge=0,
        description="leaving rate is multiplied by (1 + this x burnout); 52-61% of social workers intend to leave (Ravalier, BASW 2017-18), but no source gives the multiplier",
    )
    vacancy_weeks: float | None = knob_param(
        "continuity",
        26.0,
        4.0,
        "weeks",
        ge=0,
        description="mean time to fill a post after a leaver",
    )
    handover_retention: float | None = knob_param(
        "continuity",
        0.0,
        0.8,
        "share",
        ge=0,
        le=1,
        description="share of what the worker knew of the person kept when a case is handed to another worker (notes, a handover meeting)",
    )
    relationship_retention: float | None = knob_param(
        "continuity",
        0.0,
        0.3,
        "share",
        ge=0,
        le=1,
        description="share of relationship depth kept when a person is handed to a new worker (a warm introduction keeps a little; a relationship cannot be handed over)",
    )
    agency_cover_probability: float = param(
        0.8,
        "probability",
        ge=0,
        le=1,
        description="weekly chance that a vacant post is covered by an agency locum until a permanent worker starts",
    )
    agency_tenure_weeks: float | None = knob_param(
        "continuity",
        3.0,
        26.0,
        "weeks",
        ge=1,
        le=520,
        description="mean time an agency locum stays before another replaces them",
    )
    agency_cost_premium: float = param(
        0.4,
        "share of hourly cost",
        ge=0,
        le=5,
        description="extra cost of an agency hour over a permanent one",
    )
    worker_change_trust_penalty: float = param(
        0.03,
        "trust",
        ge=0,
        le=1,
        description="trust lost at a change of allocated worker, multiplied by (1 + worker_change_escalation x earlier changes)",
    )
    worker_change_escalation: float = param(
        0.5,
        "ratio per earlier change",
        ge=0,
        le=10,
        description="how much each earlier change of worker adds to the harm of the next",
    )
    handover_disengage_probability: float = param(
        0.15,
        "probability",
        ge=0,
        le=1,
        description="chance a person handed to a new worker mid-case stops engaging and drops out, at zero trust, scaled by (1 - trust) and by the escalation factor",
    )
    depersonalisation_per_burnout: float = param(
        0.5,
        "share of effect per unit burnout",
        ge=0,
        le=1,
        description="share of the effect of a worker's contact lost per unit of burnout (depersonalisation)",
    )


class Relationship(Section):
    """The relationship between a person and the worker they see: depth (the person's side:
    trust in this worker, engagement) and knowledge (the worker's side: what drives the person's
    needs, what helps). Both grow with contact with the same worker and fade without it."""

    growth_per_hour: float = param(
        0.02,
        "depth per hour",
        ge=0,
        le=1,
        description="relationship depth gained per contact hour with the same worker (towards 1): weeks to months of weekly contact",
    )
    decay_per_week: float = param(
        0.02,
        "1/week",
        ge=0,
        le=1,
        description="share of relationship depth lost in each week without contact",
    )
    knowledge_growth_per_hour: float = param(
        0.02,
        "knowledge per hour",
        ge=0,
        le=1,
        description="how much a worker learns of the person (what drives their needs, what helps) per contact hour (towards 1); knowledge also reduces assessment error",
    )
    disclosure_without_relationship: float = param(
        0.2,
        "share",
        ge=0,
        le=1,
        description="share of knowledge_growth_per_hour a worker gains with no relationship; it rises linearly to 1 at full depth (people disclose what matters as they come to trust a worker)",
    )
    knowledge_decay_per_week: float = param(
        0.01,
        "1/week",
        ge=0,
        le=1,
        description="share of that knowledge lost in each week without contact (lives move on)",
    )


class Rationing(Section):
    """How services ration as their queues grow: the front door raises its eligibility threshold
    and shortens its episodes, a specialist service raises its acceptance threshold and
    shortens its episodes, each by its own pressure (waiting list against what it can take on
    in target_wait_weeks). Rationing tightens quickly and relaxes slowly, so it outlasts the
    pressure that caused it."""

    mode: Literal["adaptive", "fixed"] = param(
        "adaptive",
        "policy",
        description="adaptive: thresholds and episode lengths move with queues; fixed: they stay at their configured values",
    )
    target_wait_weeks: float = param(
        4.0,
        "weeks",
        ge=0.1,
        le=104,
        description="the wait a service tolerates before it starts to ration",
    )
    tighten_per_week: float = param(
        0.05,
        "1/week per unit of excess pressure",
        ge=0,
        le=1,
        description="how fast rationing tightens while the queue is above target (pressure = expected wait / target wait)",
    )
    relax_per_week: float = param(
        0.005,
        "1/week",
        ge=0,
        le=1,
        description="how fast rationing relaxes once the queue is back under target",
    )
    threshold_raise_at_full: float = param(
        0.3,
        "need",
        ge=0,
        le=1,
        description="the most a threshold rises under full rationing",
    )
    episode_cut_at_full: float = param(
        0.5,
        "share of sessions",
        ge=0,
        le=0.9,
        description="the largest share of an episode's sessions cut under full rationing",
    )


class DemandShock(Section):
    """A time-limited change of demand: more people arriving and presenting, or more complex
    needs, for a while (e.g. a recession, a closure elsewhere)."""

    start_week: int = param(0, "week", ge=0, le=10_000, description="first week of the shock")
    weeks: int = param(0, "weeks", ge=0, le=10_000, description="how long it lasts (0: no shock)")
    demand_multiplier: float = param(
        1.0,
        "ratio",
        ge=0,
        le=10,
        description="arrivals of new citizens and presentations to services are multiplied by this during the shock",
    )
    demand_complexity: float | None = param(
        None,
        "0-1",
        ge=0,
        le=1,
        description="the headline knob's value during the shock (left out: unchanged)",
    )


class Scenario(Section):
    """A fully described scenario. Knob-derived parameters are None until resolved."""

    name: str = param("unnamed", "text", description="names the scenario's results and reports")
    description: str = param("", "text")
    care_model: CareModelName = param(
        "assess_do_refer",
        "model",
        description="assess_do_refer, liberated, hybrid, or none (no services: the counterfactual)",
    )
    demand_complexity: float = param(
        0.6,
        "0-1",
        ge=0,
        le=1,
        description="headline knob: 0 one need at a time, calm, and what drives a person's difficulties is what they present with; 1 many coupled, volatile needs driven by a hidden, person-specific structure",
    )
    continuity: float = param(
        0.5,
        "0-1",
        ge=0,
        le=1,
        description="headline knob, continuity of personnel: 0 high turnover and absence, long vacancies covered by agency locums, handovers keep nothing; 1 stable staff, quick cover, handovers keep most",
    )
    referral_friction: float = param(
        0.5,
        "0-1",
        ge=0,
        le=1,
        description="headline knob: 0 referrals accepted at once; 1 strict thresholds, long waits, drop-out, re-assessment",
    )
    seed: int = param(
        1,
        "integer",
        ge=0,
        le=2**63 - 1,
        description="root seed; replication r of every scenario uses the same streams",
    )
    citizen_draws: CitizenDrawKey = param(
        "by_citizen",
        "key",
        description="how a citizen's own luck is keyed: by_citizen, a counter-based draw keyed by citizen, so the rows of people who have left are dropped and a week costs the same in year 10 as in year 1; by_row, one draw from the named streams for every row ever admitted, as before 2026-12-04 (cost grows with everyone who has lived in the district; different, equally valid luck)",
    )
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
    relationship: Relationship = Field(default_factory=Relationship)
    rationing: Rationing = Field(default_factory=Rationing)
    demand_shock: DemandShock = Field(default_factory=DemandShock)

    @field_validator("name")
    @classmethod
    def _named(cls, name: str) -> str:
        # A name heads a comparison's table and names its results directory.
        if not name.strip():
            raise ValueError("a scenario needs a name that is not blank")
        return name

    @model_validator(mode="after")
    def _domains_unique(self) -> Scenario:
        if len(set(self.needs.domains)) != len(self.needs.domains) or not self.needs.domains:
            raise ValueError("needs.domains must be a non-empty list of distinct domains")
        return self
