"""The workforce: posts and caseloads, staff wellbeing and turnover, and the relationship
between a person and the worker they see."""

from __future__ import annotations

from typing import Literal

from relsim.config.params import Section, knob_param, param
from relsim.config.schema.vocabulary import (
    UNIT_COSTS,
    Payer,
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
    disclosure_with_depth: Literal["rises", "flat"] = param(
        "rises",
        "policy",
        "assumption: rises is the model as fitted; flat is for ablation (docs/results.md, what the Liberated Method's mechanisms add)",
        description="what the relationship adds to what a person tells their worker: disclosure_without_relationship with no relationship, rising to all of it at full depth (rises), or that share however deep the relationship (flat; depth still counts in a contact's effect and in attendance)",
    )
    knowledge_decay_per_week: float = param(
        0.01,
        "1/week",
        ge=0,
        le=1,
        description="share of that knowledge lost in each week without contact (lives move on)",
    )
