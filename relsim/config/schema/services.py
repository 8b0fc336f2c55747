"""The assess-do-refer side: specialist services, the front door's rules, and rationing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from relsim.config.params import Section, knob_param, param
from relsim.config.schema.vocabulary import (
    UNIT_COSTS,
    Domain,
    Payer,
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
        description="cost of a specialist hour: every hour of capacity under block funding, the "
        "hours used under per_use",
    )
    payer: Payer = param("nhs", "payer", description="who pays the specialist service")
    excludes_if_active: tuple[Domain, ...] = param(
        (),
        "domains",
        description="referrals refused while these needs are active (dual-diagnosis bounce)",
    )

    def places(self, citizens: int) -> int:
        """The whole concurrent episodes this capacity gives a district of `citizens`: what the
        service runs, and what a comparison's resources state."""
        return max(0, round(self.capacity_slots_per_1000_citizens * citizens / 1000))


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
        "assumption: brief interventions of four to eight sessions; treatment is the specialists' work (an earlier model, before the referral chain, was fitted with 13 to 18: calibration/refine.yaml)",
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
        "set by hand beside the earlier search (calibration/search.yaml, which did not vary it), toward duty caseloads of 16-30 open cases, which the current model misses (docs/calibration.md)",
        ge=0,
        le=100,
        description="discharge for non-attendance when more sessions than this have been missed",
    )
    referral_paperwork_hours: float | None = knob_param(
        "referral_friction", 0.25, 3.0, "hours", ge=0, description="referrer's time per referral"
    )
    referral_without_paperwork_hours: Literal["sent", "waits"] = param(
        "sent",
        "policy",
        "assumption: sent is the model as fitted; waits is for checking what the hours it "
        "does not find are worth",
        description="a referral whose paperwork finds no hours this week: sent all the same, "
        "the hours counted unmet (sent), or kept back a week, to be written by the referrer or, "
        "sent again, by any duty worker with the hours (waits)",
    )
    referral_delay_weeks: float | None = knob_param(
        "referral_friction",
        0.0,
        6.0,
        "weeks",
        ge=0,
        description="processing time before the service can admit a referral; the person is on "
        "its waiting list meanwhile, and may give up",
    )
    specialist_threshold: float | None = knob_param(
        "referral_friction",
        0.3,
        0.7,
        "need",
        ge=0,
        le=1,
        description="a receiving service refuses referrals whose need in its domain is below this: "
        "as assessed for a referral made at assessment, the true need for one made at an "
        "episode's end or sent again",
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
