"""Everything the browser app reads from, or changes in, a running model, in one place.

The rest of `relsim.viz` calls only the functions and types here, so when the model's inside
changes, this is the one file to port. It reads `CareModel`'s public-ish surface: `.latest` (this
week's measures), `.tally.this_week` (this week's counters, for costs by payer), `.workforce`
(arrays over posts), `.citizens` (arrays over citizen rows), `.journeys.frame()` and `.config`.

A policy change while the model runs (`apply_policy`) is the model's own
`CareModel.apply_policy`: every phase reads the district's scenario afresh each week, so
knob-derived parameters (thresholds, waits, drop-out, turnover, handover retention, coupling
strength, complexity of new arrivals) take effect from the next week, and what the model derived
from its scenario (coupling, crisis model, router, services' rules, caseload caps) is rebuilt.
What cannot change under a running district (the care model, the number of posts and the
hybrid's split of them, the population, the seed, the horizon and the warm-up) needs a new
model: `apply_policy` refuses it.
"""

from __future__ import annotations

import typing
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from relsim.citizens import Pathway, Route, SpecialistState
from relsim.config import PAYERS, Scenario
from relsim.counters import LEDGER, TRANSACTIONAL
from relsim.model import CareModel

STRUCTURAL = ("care_model", "workforce.workers", "population.citizens", "seed")

# Where a citizen is, as the picture of the system groups people.
PLACE_WORKER = "worker"
PLACE_FRONT_DOOR = "front_door"
PLACE_CASEWORKER_QUEUE = "caseworker_queue"
PLACE_SPECIALIST_QUEUE = "specialist_queue"
PLACE_SPECIALIST = "specialist"
PLACE_OUT = "out_of_service"
PLACE_LEFT = "left"

# Journey event kinds that end a case at the front door or with a caseworker.
CLOSING_KINDS = frozenset(
    {
        "signposted",
        "episode_closed",
        "discharged_non_attendance",
        "stepped_down",
        "disengaged",
        "abandoned_wait",
    }
)
# ... and those that pass a person from one worker or service to another.
HANDOFF_KINDS = frozenset(
    {"referred", "reallocated", "allocated", "specialist_started", "worker_changed"}
)


# -- models ---------------------------------------------------------------------------------
def new_model(scenario: Scenario, seed: int) -> CareModel:
    """A district at week 0. Two models built with the same seed meet the same citizens with the
    same luck (common random numbers), whatever their care model."""
    # The views follow people by row, including people who have left: no row is dropped.
    return CareModel(scenario, replication=0, seed=seed, record_journeys=True, compact_rows=False)


def step(model: CareModel) -> None:
    """One week."""
    model.step()


def current_week(model: CareModel) -> int:
    return int(model.week)


def warmup_weeks(model: CareModel) -> int:
    return int(model.config.time.warmup_weeks)


def horizon_week(model: CareModel) -> int:
    """The last week of a full run: warm-up plus the measured horizon."""
    return int(model.final_week)


def scenario_of(model: CareModel) -> Scenario:
    return model.config


def structural_differences(old: Scenario, new: Scenario) -> list[str]:
    """The settings in `STRUCTURAL` that differ: they need a new model, not a policy change."""
    changed = []
    for dotted in STRUCTURAL:
        a, b = old, new
        for part in dotted.split("."):
            a, b = getattr(a, part), getattr(b, part)
        if a != b:
            changed.append(dotted)
    return changed


def apply_policy(model: CareModel, scenario: Scenario) -> None:
    """Change a running district's policy from next week on (see the module docstring)."""
    changed = structural_differences(model.config, scenario)
    if changed:
        raise ValueError(f"cannot change {', '.join(changed)} in a running model")
    model.apply_policy(scenario)


# -- this week's measures -------------------------------------------------------------------
@dataclass(frozen=True)
class WeekMeasures:
    """What the charts plot for one week of one model (read right after the week's step)."""

    week: int
    citizens: int
    crises: float
    failure_demand: float
    presentations: float
    crisis_cost: float
    total_cost: float
    cost_by_payer: dict[str, float]
    mean_caseload: float
    utilisation: float
    burnout: float
    transactional: float
    waiting_front_door: float
    waiting_caseworker: float
    waiting_specialist: float  # referrals on specialist lists: one per domain referred
    people_waiting: float  # at the front door, for a caseworker or on any specialist list, once
    handoffs: float
    leavers: float
    relationship_depth: float  # mean over the people on a caseload, with their worker, 0 to 1


def week_measures(model: CareModel) -> WeekMeasures:
    latest, this_week = model.latest, model.tally.this_week
    return WeekMeasures(
        week=int(model.week),
        citizens=int(latest["citizens"]),
        crises=float(latest["crises"]),
        failure_demand=float(latest["failure_demand_contacts"]),
        presentations=float(latest["presentations"]),
        crisis_cost=float(latest["crisis_cost_gbp"]),
        total_cost=float(latest["total_cost_gbp"]),
        cost_by_payer={p: this_week(f"cost_{p}") for p in PAYERS},
        mean_caseload=float(latest["mean_caseload"]),
        utilisation=float(latest["staff_utilisation"]),
        burnout=float(latest["mean_burnout"]),
        transactional=float(latest["share_time_transactional"]),
        waiting_front_door=float(latest["waiting_front_door"]),
        waiting_caseworker=float(latest["waiting_caseworker"]),
        waiting_specialist=float(latest["waiting_specialist"]),
        people_waiting=people_waiting(model),
        handoffs=float(latest["handoffs"]),
        leavers=float(latest["leavers"]),
        relationship_depth=held_depth(model),
    )


def people_waiting(model: CareModel) -> float:
    """People waiting for anything: at the front door, for a caseworker, or on one or more
    specialist waiting lists (each person once, where the weekly series counts a referral per
    list)."""
    citizens = model.citizens
    n = citizens.n
    pathway = citizens.pathway[:n]
    queued = np.isin(
        pathway,
        (Pathway.WAITING_FRONT_DOOR, Pathway.WAITING_ALLOCATION, Pathway.WAITING_CASEWORKER),
    )
    listed = (citizens.spec_state[:n] == SpecialistState.WAITING).any(axis=1)
    return float(np.count_nonzero(citizens.present[:n] & (queued | listed)))


def held_depth(model: CareModel) -> float:
    """The mean depth (0 to 1) of the relationship between each person on a worker's caseload
    and that worker, as the dots' sizes in the picture of the system show it; 0 if nobody is
    held."""
    citizens = model.citizens
    n = citizens.n
    held = citizens.present[:n] & (citizens.worker[:n] >= 0)
    depth = np.clip(citizens.depth[:n][held], 0.0, 1.0)
    return float(depth.mean()) if depth.size else 0.0


def payers() -> tuple[str, ...]:
    return tuple(PAYERS)


# -- workers and the people they hold -------------------------------------------------------
@dataclass(frozen=True)
class WorkerState:
    """One post this week. `person` is -1 while the post is vacant."""

    post: int
    person: int
    caseworker: bool
    in_post: bool
    absent: bool
    caseload: int
    cap: int
    burnout: float
    utilisation: float
    transactional: float


def worker_states(model: CareModel) -> list[WorkerState]:
    workforce = model.workforce
    available = workforce.available
    idle = workforce.hours["idle"]
    worked = np.maximum(available - idle, 0.0)
    transactional = sum(workforce.hours[c] for c in TRANSACTIONAL)
    with np.errstate(divide="ignore", invalid="ignore"):
        utilisation = np.where(available > 0, worked / available, 0.0)
        share = np.where(worked > 0, transactional / worked, 0.0)
    in_post = workforce.in_post
    away = [w is not None and not w.at_work(model.week) for w in workforce.occupant]
    return [
        WorkerState(
            post=p,
            person=int(workforce.person[p]),
            caseworker=int(workforce.role[p]) == Route.LIBERATED,
            in_post=bool(in_post[p]),
            absent=bool(in_post[p] and away[p]),
            caseload=int(workforce.caseload[p]),
            cap=int(workforce.cap[p]),
            burnout=float(workforce.burnout[p]),
            utilisation=float(utilisation[p]),
            transactional=float(share[p]),
        )
        for p in range(workforce.posts)
    ]


def ledger_categories() -> tuple[str, ...]:
    return tuple(LEDGER)


@dataclass(frozen=True)
class CitizenSnapshot:
    """Every citizen row this week, column by column."""

    row: np.ndarray  # int: the citizen's row, the same person under every care model
    place: np.ndarray  # object: one of the PLACE_* codes
    post: np.ndarray  # int: the post of the worker holding them, or -1
    service: np.ndarray  # int: the specialist domain they wait for or are with, or -1
    active_needs: np.ndarray  # int
    depth: np.ndarray  # float in [0, 1]: relationship with their current worker
    crisis: np.ndarray  # bool: a crisis this week
    handoff: np.ndarray  # bool: referred, allocated or reallocated this week
    closed: np.ndarray  # bool: case closed, signposted, discharged or stepped down this week


def domains(model: CareModel) -> tuple[str, ...]:
    return tuple(model.config.needs.domains)


def _places(model: CareModel, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each citizen in `rows` is (a PLACE_* code) and the specialist domain involved (or
    -1). A worker's case comes first, then the front door, a caseworker queue, a specialist
    episode and a specialist waiting list."""
    citizens = model.citizens
    pathway = citizens.pathway[rows]
    spec = citizens.spec_state[rows]
    waiting, episode = spec == SpecialistState.WAITING, spec == SpecialistState.EPISODE
    place = np.full(rows.size, PLACE_OUT, dtype=object)
    service = np.full(rows.size, -1, dtype=np.int64)
    any_wait, any_episode = waiting.any(axis=1), episode.any(axis=1)
    service[any_wait] = np.argmax(waiting[any_wait], axis=1)
    place[any_wait] = PLACE_SPECIALIST_QUEUE
    service[any_episode] = np.argmax(episode[any_episode], axis=1)
    place[any_episode] = PLACE_SPECIALIST
    front = (pathway == Pathway.WAITING_FRONT_DOOR) | (pathway == Pathway.WAITING_ALLOCATION)
    place[front] = PLACE_FRONT_DOOR
    place[pathway == Pathway.WAITING_CASEWORKER] = PLACE_CASEWORKER_QUEUE
    place[citizens.worker[rows] >= 0] = PLACE_WORKER
    place[~citizens.present[rows]] = PLACE_LEFT
    return place, service


def citizen_snapshot(model: CareModel) -> CitizenSnapshot:
    citizens = model.citizens
    n = citizens.n
    rows = np.arange(n)
    place, service = _places(model, rows)
    events = _events_of_week(model, model.week)
    return CitizenSnapshot(
        row=rows,
        place=place,
        post=citizens.worker[:n].astype(np.int64),
        service=service,
        active_needs=(citizens.need[:n] > model.config.needs.active_threshold).sum(axis=1),
        depth=np.clip(citizens.depth[:n], 0.0, 1.0),
        crisis=_flag(n, events, lambda k: k.startswith("crisis_")),
        handoff=_flag(n, events, lambda k: k in HANDOFF_KINDS),
        closed=_flag(n, events, lambda k: k in CLOSING_KINDS),
    )


def _flag(n: int, events: pd.DataFrame, kinds: typing.Callable[[str], bool]) -> np.ndarray:
    flag = np.zeros(n, dtype=bool)
    if len(events):
        chosen = events["kind"].astype(str).map(kinds).to_numpy(dtype=bool)
        flag[events["citizen"].to_numpy()[chosen]] = True
    return flag


# -- journeys -------------------------------------------------------------------------------
@dataclass(frozen=True)
class JourneyEvent:
    week: int
    kind: str
    worker: int  # the person id of the worker involved, or -1
    service: str  # the specialist domain involved, or ""
    detail: float


@dataclass(frozen=True)
class CitizenNow:
    row: int
    present: bool
    where: str  # a PLACE_* code
    active_needs: int
    mean_need: float
    trust: float
    depth: float
    workers_met: int
    handoffs: int
    crises: int
    presentations: int
    arrived_week: int


#: each model's table of events, kept as long as the model is (a closed tab's go with it)
_frames: weakref.WeakKeyDictionary[CareModel, tuple[int, int, pd.DataFrame]] = (
    weakref.WeakKeyDictionary()
)


def _journey_frame(model: CareModel) -> pd.DataFrame:
    """All events so far, rebuilt at most once per model and week."""
    cached = _frames.get(model)
    if cached is not None and cached[0] == model.week and cached[1] == id(model.journeys):
        return cached[2]
    frame = model.journeys.frame(model.config.needs.domains)
    _frames[model] = (model.week, id(model.journeys), frame)
    return frame


def _events_of_week(model: CareModel, week: int) -> pd.DataFrame:
    frame = _journey_frame(model)
    return frame[frame["week"].to_numpy() == week]


def journey(model: CareModel, row: int) -> list[JourneyEvent]:
    """A citizen's events so far, in the order they happened."""
    frame = _journey_frame(model)
    mine = frame[frame["citizen"].to_numpy() == row]
    return [
        JourneyEvent(int(w), str(k), int(p), str(s), float(d))
        for w, k, p, s, d in zip(
            mine["week"], mine["kind"], mine["worker"], mine["service"], mine["detail"], strict=True
        )
    ]


@dataclass(frozen=True)
class Intake:
    """The people who arrived in some weeks, as their journeys record them."""

    arrived: int
    still_here: int
    crises: int  # in the weeks asked about


def intake(model: CareModel, arrived: tuple[int, int], weeks: tuple[int, int]) -> Intake:
    """The people who arrived in weeks `arrived` (first, last, both included): how many are
    still here, and their crises in weeks `weeks`: how much of a district's crisis demand one
    intake makes, years on."""
    frame = _journey_frame(model)
    week, kind = frame["week"].to_numpy(), frame["kind"]
    citizen = frame["citizen"].to_numpy()
    arrivals = (kind == "arrived").to_numpy() & (week >= arrived[0]) & (week <= arrived[1])
    cohort = np.unique(citizen[arrivals])
    gone = np.isin(cohort, citizen[kind.isin(("left", "died")).to_numpy()])
    crises = kind.str.startswith("crisis_").to_numpy() & (week >= weeks[0]) & (week <= weeks[1])
    return Intake(
        arrived=int(cohort.size),
        still_here=int(cohort.size - gone.sum()),
        crises=int(np.isin(citizen[crises], cohort).sum()),
    )


def citizen_count(model: CareModel) -> int:
    """Rows so far: everyone who has lived in the district."""
    return int(model.citizens.n)


def citizen_now(model: CareModel, row: int) -> CitizenNow | None:
    citizens = model.citizens
    if not 0 <= row < citizens.n:
        return None
    place, _ = _places(model, np.array([row]))
    need = citizens.need[row]
    return CitizenNow(
        row=row,
        present=bool(citizens.present[row]),
        where=str(place[0]),
        active_needs=int((need > model.config.needs.active_threshold).sum()),
        mean_need=float(need.mean()),
        trust=float(citizens.trust[row]),
        depth=float(citizens.depth[row]),
        workers_met=_workers_met(model, row),
        handoffs=int(citizens.handoffs[row]),
        crises=int(citizens.crises[row]),
        presentations=int(citizens.presentations[row]),
        arrived_week=int(citizens.arrival_week[row]),
    )


def _workers_met(model: CareModel, row: int) -> int:
    """Distinct front-line workers named in the citizen's journey so far."""
    frame = _journey_frame(model)
    workers = frame["worker"].to_numpy()[frame["citizen"].to_numpy() == row]
    return int(np.unique(workers[workers >= 0]).size)


def followable_pick(rows: list[int], week: int, followed: int | None) -> int:
    """Whom "Follow someone at random" picks from `rows`: its own generator, seeded by what is
    on screen (the candidates, the week and who is followed now), so a view always gives the
    same pick, pressing again moves on to someone else, and the model's streams are not
    touched."""
    seed = [len(rows), week, 0 if followed is None else followed + 1]
    return rows[int(np.random.default_rng(seed).integers(len(rows)))]


def followable_citizens(model: CareModel, min_active_needs: int = 2) -> np.ndarray:
    """Rows of people in the district now, with at least `min_active_needs` active needs, who
    have asked for help at least once: people with a story to follow."""
    citizens = model.citizens
    n = citizens.n
    active = (citizens.need[:n] > model.config.needs.active_threshold).sum(axis=1)
    asked = citizens.presentations[:n] > 0
    return np.flatnonzero(citizens.present[:n] & asked & (active >= min_active_needs))
