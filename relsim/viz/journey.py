"""One citizen's path through a district, told as events in plain words and drawn as a timeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from relsim.viz import observe
from relsim.viz.observe import CitizenNow, JourneyEvent

# Lanes of the timeline, top to bottom, and the kinds of event drawn in each.
# Asking for help has a lane of its own: under the Liberated Method there is no front door, and
# "asked for help" drawn in a front-door lane said there was.
LANES = (
    "crisis",
    "asking for help",
    "front door",
    "referral and waiting",
    "specialist",
    "caseworker",
    "changed or gave up",
    "in and out",
)
_LANE_OF = {
    "presented": "asking for help",
    "assessed": "front door",
    "signposted": "front door",
    "allocated": "front door",
    "episode_closed": "front door",
    "referred": "referral and waiting",
    "referral_rejected": "referral and waiting",
    "dropped_out": "referral and waiting",
    "specialist_started": "specialist",
    "specialist_closed": "specialist",
    "discharged_non_attendance": "specialist",
    "specialist_drawn_in": "specialist",
    "held": "caseworker",
    "returned_to_same_worker": "caseworker",
    "reallocated": "caseworker",
    "budget_spent": "caseworker",
    "stepped_down": "caseworker",
    # in either care model: drawn as what they are, not as leaving the district
    "worker_changed": "changed or gave up",
    "disengaged": "changed or gave up",
    "abandoned_wait": "changed or gave up",
    "arrived": "in and out",
    "left": "in and out",
    "died": "in and out",
}
LANE_COLOURS = {
    "crisis": "#d7191c",
    "asking for help": "#1f78b4",
    "front door": "#d95f02",
    "referral and waiting": "#7570b3",
    "specialist": "#e7298a",
    "caseworker": "#1b9e77",
    "changed or gave up": "#a6761d",
    "in and out": "#666666",
}
CRISES = {
    "crisis_ae": "crisis: A&E or ambulance",
    "crisis_mh_crisis": "crisis: mental-health crisis",
    "crisis_police": "crisis: arrested, police custody",
    "crisis_eviction": "crisis: evicted, homeless",
}
PLACES = {
    observe.PLACE_WORKER: "on a worker's caseload",
    observe.PLACE_FRONT_DOOR: "waiting at the front door",
    observe.PLACE_CASEWORKER_QUEUE: "waiting for a caseworker",
    observe.PLACE_SPECIALIST_QUEUE: "waiting for a specialist",
    observe.PLACE_SPECIALIST: "with a specialist",
    observe.PLACE_OUT: "not in any service",
    observe.PLACE_LEFT: "no longer in the district",
}


#: how many of a person's events the list shows, the newest
LISTED_EVENTS = 60


def listed_words(total: int) -> str:
    """What the events list shows, said where it is cut: its "1." had read as the person's first
    event when it was the sixtieth from the end."""
    if total <= LISTED_EVENTS:
        return "Events, newest first:"
    return (
        f"The latest {LISTED_EVENTS} of {total:,} events, newest first (numbered from the first):"
    )


def lane(kind: str) -> str:
    if kind.startswith("crisis_"):
        return "crisis"
    return _LANE_OF[kind]  # every kind has its lane (tests/test_viz.py)


def worker_numbers(events: Sequence[JourneyEvent]) -> dict[int, int]:
    """Each worker in one person's journey numbered 1, 2, ... in the order the person met them:
    whether it is the same worker again is what a class reads, and the model's own ids of
    workers (in the thousands, and in no box of The system) say nothing of that."""
    numbers: dict[int, int] = {}
    for event in events:
        if event.worker >= 0 and event.worker not in numbers:
            numbers[event.worker] = len(numbers) + 1
    return numbers


def describe(event: JourneyEvent, numbers: dict[int, int] | None = None) -> str:
    """An event in words, e.g. `referred to mental health (their worker 2)`, the worker
    numbered as `worker_numbers` gives (without `numbers`, as the first they met)."""
    kind, service = event.kind, event.service.replace("_", " ")
    number = (numbers or {}).get(event.worker, 1)
    by = f" (their worker {number})" if event.worker >= 0 else ""
    if kind in CRISES:
        return f"{CRISES[kind]}, £{event.detail:,.0f}"
    texts = {
        # everyone living in the district at the start arrives in week 0
        "arrived": "living in the district at the start"
        if event.week == 0
        else "moved into the district",
        "left": "moved away",
        "died": "died",
        "presented": "came back and asked for help again" if event.detail > 0 else "asked for help",
        "assessed": f"assessed at the front door{by}",
        "signposted": f"signposted: below the threshold, no service{by}",
        "allocated": f"allocated a short episode{by}",
        "episode_closed": f"episode ended, case closed{by}",
        "referred": f"referred to {service}{by}",
        "referral_rejected": f"referral to {service} rejected{by}",
        "dropped_out": f"dropped off the {service} waiting list",
        "specialist_started": f"{service} episode started",
        "specialist_closed": f"{service} episode ended",
        "discharged_non_attendance": f"discharged by {service} for missed appointments",
        "specialist_drawn_in": f"{service} specialist drawn into the work",
        "held": f"held by a named caseworker{by}",
        "returned_to_same_worker": f"back with the same caseworker{by}",
        "reallocated": f"handed to another caseworker{by}",
        "budget_spent": f"flexible budget spent, £{event.detail:,.0f}",
        "stepped_down": f"stable: stepped down{by}",
    }
    return texts.get(kind, kind.replace("_", " ") + (f" {service}" if service else "") + by)


@dataclass(frozen=True)
class JourneySummary:
    """One person's path in counts. `referrals` are those a service accepted onto its list and
    `rejected` those refused, at its door or at re-assessment: two outcomes, not a part of a
    whole."""

    workers_met: int
    assessments: int
    referrals: int
    rejected: int
    specialist_episodes: int
    crises: int
    re_presentations: int
    budget_gbp: float


def summarise(events: Sequence[JourneyEvent], now: CitizenNow | None) -> JourneySummary:
    kinds = Counter(e.kind for e in events)
    return JourneySummary(
        workers_met=now.workers_met if now is not None else 0,
        assessments=kinds["assessed"],
        referrals=kinds["referred"],
        rejected=kinds["referral_rejected"],
        specialist_episodes=kinds["specialist_started"],
        crises=sum(n for k, n in kinds.items() if k.startswith("crisis_")),
        re_presentations=sum(1 for e in events if e.kind == "presented" and e.detail > 0),
        budget_gbp=sum(e.detail for e in events if e.kind == "budget_spent"),
    )


#: the shortest stretch of weeks a timeline shows: a newcomer's first events are not spread
#: over the whole chart
SHORTEST_TIMELINE_WEEKS = 26


def timeline_weeks(histories: Sequence[Sequence[JourneyEvent]], week_now: int) -> tuple[int, int]:
    """The weeks the timelines of one person show, the same on both sides: from their first
    event (arrival) to this week. Up to the end of the run, early in a run one person's events
    were bunched into the first part of the axis."""
    start = min((h[0].week for h in histories if h), default=0)
    end = max([week_now, *(e.week for h in histories for e in h)])
    return start, max(end, start + SHORTEST_TIMELINE_WEEKS)


#: steps between the labelled weeks of a timeline, the first that gives at most TIMELINE_STEPS
TICK_WEEKS = (5, 10, 20, 25, 50, 100)
TIMELINE_STEPS = 5  # half a 1280-pixel page is room for six numbers of three digits
#: an end of the axis off the step is labelled only this share of a step from the next label:
#: "13 15" and "360 364" were printed nearly on top of each other
END_LABEL_ROOM = 0.55


def week_axis_labels(first: int, last: int) -> dict:
    """Which weeks the axis from `first` to `last` names: round steps, and each end when it is
    clear of the round week beside it. The ends stay where they are (arrival, this week)."""
    step = next((w for w in TICK_WEEKS if (last - first) / w <= TIMELINE_STEPS), TICK_WEEKS[-1])

    def clear(gap: int) -> bool:
        return gap == 0 or gap >= END_LABEL_ROOM * step

    return {
        # bounds on ECharts' own choice, not its `interval`, which counts from the axis's start
        "minInterval": step,
        "maxInterval": step,
        "axisLabel": {"showMinLabel": clear(-first % step), "showMaxLabel": clear(last % step)},
    }


def timeline_chart(events: Sequence[JourneyEvent], title: str, weeks: tuple[int, int]) -> dict:
    """Events as dots on lanes over `weeks` (first, last); hovering shows the words."""
    series = []
    numbers = worker_numbers(events)
    for name in LANES:
        mine = [e for e in events if lane(e.kind) == name]
        series.append(
            {
                "name": name,
                "type": "scatter",
                "symbolSize": 9,
                "color": LANE_COLOURS[name],
                "data": [
                    {"value": [e.week, name], "name": f"week {e.week}: {describe(e, numbers)}"}
                    for e in mine
                ],
            }
        )
    first, last = weeks
    return {
        "animation": False,
        "title": {"text": title, "left": 8, "textStyle": {"fontSize": 14}},
        "tooltip": {"confine": True, "trigger": "item", "formatter": "{b}"},
        "grid": {"left": 140, "right": 16, "top": 36, "bottom": 40},
        # named under the axis, as on the Compare charts: at its end it fell outside the chart
        "xAxis": {
            "type": "value",
            "min": first,
            "max": last,
            **week_axis_labels(first, last),
            "name": "week",
            "nameLocation": "middle",
            "nameGap": 24,
        },
        "yAxis": {"type": "category", "data": list(LANES), "inverse": True},
        "series": series,
    }
