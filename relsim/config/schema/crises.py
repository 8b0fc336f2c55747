"""Crises: each type's hazard, what drives it, what it costs and whom it sends to services."""

from __future__ import annotations

from pydantic import Field

from relsim.config.params import ASSUMPTION, Section, param
from relsim.config.schema.vocabulary import (
    UNIT_COSTS,
    Domain,
    Payer,
)


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
