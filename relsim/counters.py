"""Every counter the model keeps, declared once with its meaning. The tally rejects a key that is
not declared here, so a typo is an error instead of a silent zero."""

from __future__ import annotations

from relsim.config.schema import CRISIS_TYPES, PAYERS

#: time-ledger categories of front-line workers; every available hour lands in exactly one
#: (idle last: the hours used are the categories before it)
LEDGER: tuple[str, ...] = (
    "direct",
    "assessment",
    "referral",
    "reassessment",
    "recording",
    "coordination",
    "brokerage",
    "budget",
    "travel",
    "reflective",
    "idle",
)
TRANSACTIONAL: tuple[str, ...] = ("assessment", "referral", "reassessment", "recording")
#: categories of specialist time
SPECIALIST_LEDGER: tuple[str, ...] = ("direct", "recording", "reassessment", "joint")
#: why a case closed
CLOSURE_KINDS: tuple[str, ...] = (
    "signposted",
    "discharged_non_attendance",
    "episode_closed",
    "stepped_down",
    "disengaged",
    "abandoned_wait",
)
#: where demand on the system comes from; each event is value or failure demand
DEMAND_SOURCES: tuple[str, ...] = (
    "presentations",
    "chasing",
    "referrals",
    "reassessments",
    "crises",
)
#: what a person waited for
WAIT_KINDS: tuple[str, ...] = ("front_door", "allocation", "caseworker", "specialist")

_FIXED: dict[str, str] = {
    "arrivals": "citizens who came into view",
    "departures_died": "deaths",
    "departures_left": "citizens who moved away",
    "citizen_weeks": "weeks lived in the district",
    "need_sum": "mean need over domains, summed over citizen-weeks",
    "trust_sum": "trust summed over citizen-weeks",
    "stable_sum": "citizen-weeks with no active need",
    "presentations": "new presentations to a front door or caseworker queue",
    "repeat_presentations": "presentations within a year of a closed case",
    "chasing_contacts": "people already waiting who came back to chase",
    "unserved_presentations": "presentations with no service to take them (care model none)",
    "assessments": "front-door assessments",
    "sessions_delivered": "short-episode sessions booked and delivered by a duty worker",
    "absence_cover_sessions": "sessions of an absent duty worker taken by a colleague",
    "absence_cover_contacts": "contacts of an absent caseworker made by their buddy",
    "referrals": "referrals made to specialist services",
    "referrals_rejected": "referrals refused by the receiving service",
    "referrals_deferred": "referrals put off a week because no duty worker had the hours for "
    "their paperwork (assess_do_refer.referral_without_paperwork_hours: waits)",
    "handoffs": "referrals accepted onward and reallocations after a worker leaves",
    "dropouts": "people lost from specialist waiting lists",
    "specialist_admissions": "specialist episodes started",
    "specialist_discharges_non_attendance": "specialist episodes ended for missed sessions",
    "joint_work_sessions": "weeks of specialist joint work delivered",
    "joint_work_unserved": "weeks of joint work the specialist had no hours for",
    "draw_ins": "specialists drawn into the work by a caseworker",
    "fallback_intakes": "people sent to the fallback front door because caseworkers were full",
    "contact_hours": "caseworker contact hours delivered",
    "contacts_front_line": "attended contacts with a front-line worker",
    "contacts_named": "of those, with the person's own allocated worker",
    "missed_contacts": "caseworker contacts the person did not engage with",
    "held_weeks": "person-weeks held by a caseworker and reachable (not in custody)",
    "held_not_seen": (
        "of those, weeks not seen: the worker had no time (triaged out), or they and their "
        "buddy were both away"
    ),
    "referred_on_at_episode_end": "front-door episodes ended with the need active, referred on",
    "rejected_at_reassessment": "people refused by a specialist service at its own assessment",
    "failures": (
        "times a service failed someone (turned away, refused, dropped, discharged, disengaged, "
        "gave up waiting)"
    ),
    "failure_returns": (
        "people out of service sent back or coming back after a failure, whatever their trust"
    ),
    "specialist_capacity_hours": "specialist hours available (capacity)",
    "budget_cost_gbp": "flexible budget spent",
    "budget_decisions": "weeks in which a caseworker decided a flexible-budget spend",
    "worker_changes": "changes of allocated worker",
    "leavers": "permanent workers leaving their post (not agency locums)",
    "agency_starts": "agency locums starting in a vacant post",
    "staff_cost_gbp": "paid hours of front-line posts (agency premium included)",
    "post_weeks_filled": "post-weeks with someone in post",
    "post_weeks": "post-weeks",
    "burnout_sum": "burnout summed over filled post-weeks",
    "caseload_sum": "open cases summed over filled post-weeks",
    "available_hours": "case hours available to front-line workers on duty",
    "worked_hours": "case hours used",
    "unmet_hours": "hours demanded of front-line workers and not delivered",
    "specialist_worked_hours": "specialist hours used",
    "transactional_hours": "assessment, referral, re-assessment and recording hours, all staff",
    "wait_weeks": "completed waits, summed",
    "waits": "completed waits",
}

COUNTERS: dict[str, str] = {
    **_FIXED,
    **{f"crises_{c}": f"{c} crises" for c in CRISIS_TYPES},
    **{f"crisis_cost_{c}": f"cost of {c} crises" for c in CRISIS_TYPES},
    **{f"cost_{p}": f"everything paid by {p}" for p in PAYERS},
    **{f"specialist_cost_{p}": f"specialist hours paid by {p}" for p in PAYERS},
    **{f"closed_{k}": f"cases closed: {k}" for k in CLOSURE_KINDS},
    **{f"demand_{k}": f"demand events: {k}" for k in DEMAND_SOURCES},
    **{f"failure_{k}": f"of those, failure demand: {k}" for k in DEMAND_SOURCES},
    **{f"wait_weeks_{k}": f"completed waits for {k}, summed" for k in WAIT_KINDS},
    **{f"waits_{k}": f"completed waits for {k}" for k in WAIT_KINDS},
    **{f"hours_{c}": f"front-line hours: {c}" for c in LEDGER},
    **{f"specialist_hours_{c}": f"specialist hours: {c}" for c in SPECIALIST_LEDGER},
}
COUNTER_INDEX: dict[str, int] = {key: i for i, key in enumerate(COUNTERS)}
