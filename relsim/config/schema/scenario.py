"""A whole scenario: its headline knobs, horizon, demand shock and every section."""

from __future__ import annotations

from pydantic import Field, field_validator

from relsim.config.params import Section, param
from relsim.config.schema.citizens import Arrivals, HelpSeeking, Needs, Population
from relsim.config.schema.crises import Crises
from relsim.config.schema.liberated import Hybrid, Liberated
from relsim.config.schema.services import AssessDoRefer, Rationing, Specialists
from relsim.config.schema.staff import Relationship, Staff, Workforce
from relsim.config.schema.vocabulary import (
    CareModelName,
    CitizenDrawKey,
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

    name: str = param(
        "unnamed",
        "text",
        description="names the scenario's results and reports",
        schema={"pattern": "\\S"},  # not blank, as `_named` checks
    )
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
