"""Two districts with the same citizens under two care models, stepped together.

The controls describe a `Setup`; `Comparison` builds both models from it (same seed, same
replication: common random numbers), steps them week by week, keeps the weekly measures the
charts plot, and applies a change of policy to both at the same week. Nothing here imports the
UI, so it runs and is tested without a browser.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from relsim.config import Scenario
from relsim.config.loading import deep_merge
from relsim.viz import observe, scenarios

SIDES = ("A", "B")
#: what the district sliders can show and set, (least, most)
CITIZENS_RANGE = (200, 5000)
WORKERS_RANGE = (1, 150)
CAP_RANGE = (1, 60)


def _schema_range(name: str) -> tuple[int, int]:
    """The least and most a scenario's `name` may be, as its schema bounds it."""
    metadata = Scenario.model_fields[name].metadata
    low = next(m.ge for m in metadata if hasattr(m, "ge"))
    high = next(m.le for m in metadata if hasattr(m, "le"))
    return int(low), int(high)


#: the seeds a scenario takes; the seed box refuses any other number
SEED_RANGE = _schema_range("seed")


@dataclass(frozen=True)
class SideSetup:
    """What differs between the two districts: how care is organised and staffed."""

    care_model: str
    workers: int
    caseload_cap: int


@dataclass(frozen=True)
class Setup:
    """Everything the controls set. The knobs and the caps can change while the model runs;
    the rest (`observe.STRUCTURAL`) applies when the districts are rebuilt."""

    demand_complexity: float
    continuity: float
    referral_friction: float
    citizens: int
    seed: int
    sides: tuple[SideSetup, SideSetup]

    def side(self, index: int, **changes: Any) -> Setup:
        """A copy with one side's settings changed."""
        sides = list(self.sides)
        sides[index] = replace(sides[index], **changes)
        return replace(self, sides=(sides[0], sides[1]))


@dataclass(frozen=True)
class PolicyChange:
    week: int
    text: str


def contrast(care_model: str) -> str:
    """The care model to set beside `care_model` by default."""
    return "assess_do_refer" if care_model == "liberated" else "liberated"


def scaled_workers(workers: int, citizens: int) -> int:
    """A bundled workforce scaled to a district of `citizens` people (at least one post)."""
    return max(1, round(workers * citizens / scenarios.preset_citizens()))


@dataclass(frozen=True)
class Staffing:
    """A side's workforce as last chosen (by hand, by Load or with a care model) and the
    citizens it was chosen for, with what the citizens slider last scaled it to: scaling from
    the choice, not from the last rounded count, brings the same workforce back when the
    slider comes back (6 workers for 3,000 became 1 at 200 and 15 back at 3,000)."""

    workers: int
    citizens: int
    scaled_workers: int
    scaled_citizens: int


def rescaled(side: SideSetup, citizens: int, to: int, last: Staffing | None) -> Staffing:
    """The side's workforce for `to` citizens, from `citizens`: scaled from the last choice
    while the side still has the workforce the slider gave it, else from what it has now."""
    if last is not None and (last.scaled_workers, last.scaled_citizens) == (side.workers, citizens):
        chosen = (last.workers, last.citizens)
    else:
        chosen = (side.workers, citizens)
    workers = max(1, round(chosen[0] * to / max(chosen[1], 1)))
    return Staffing(chosen[0], chosen[1], workers, to)


def preset_side(care_model: str, citizens: int) -> SideSetup:
    workers, cap = scenarios.workforce_presets()[care_model]
    return SideSetup(care_model, scaled_workers(workers, citizens), cap)


def initial_setup(scenario: Scenario) -> Setup:
    """Side A is the scenario as written; side B the same district with the contrasting care
    model, staffed as the bundled scenario for that model (scaled to the population)."""
    citizens = scenario.population.citizens
    side_a = SideSetup(
        scenario.care_model, scenario.workforce.workers, scenario.workforce.caseload_cap
    )
    return Setup(
        demand_complexity=scenario.demand_complexity,
        continuity=scenario.continuity,
        referral_friction=scenario.referral_friction,
        citizens=citizens,
        seed=scenario.seed,
        sides=(side_a, preset_side(contrast(scenario.care_model), citizens)),
    )


def outside_sliders(setup: Setup) -> list[str]:
    """Each starting value that its slider cannot show, with the slider's range. The app runs
    such a value as given, but its slider sits at an end, and the first move replaces it (the
    workers with the citizens): the app cannot represent it."""
    values = [("population.citizens", setup.citizens, CITIZENS_RANGE)]
    for label, side in zip(SIDES, setup.sides, strict=True):
        values += [
            (f"{label}'s workforce.workers", side.workers, WORKERS_RANGE),
            (f"{label}'s workforce.caseload_cap", side.caseload_cap, CAP_RANGE),
        ]
    return [
        f"{name} {value:,} (slider {low:,} to {high:,})"
        for name, value, (low, high) in values
        if not low <= value <= high
    ]


def default_workers_note(base: dict[str, Any], setup: Setup) -> str | None:
    """Where the scenario sets no workers, why the two sides' workforces are sized differently:
    A runs the schema's default, as `relsim run` would, whatever the district's size, while B
    gets its model's bundled workforce scaled to the district."""
    workforce = base.get("workforce")
    if isinstance(workforce, dict) and "workers" in workforce:
        return None
    a, b = setup.sides
    return (
        f"the scenario sets no workforce.workers: A ({a.care_model}) runs the default "
        f"{a.workers}, as relsim run would, not scaled to {setup.citizens:,} citizens; "
        f"B ({b.care_model}) gets its bundled workforce scaled to them: {b.workers}"
    )


def side_data(base: dict[str, Any], setup: Setup, index: int) -> dict[str, Any]:
    """Scenario data of one side: the base scenario with the controls' values laid over it."""
    side = setup.sides[index]
    # a side switched to another care model runs it as that model's bundled scenario does
    own_model = base.get("care_model") == side.care_model
    sections = {} if own_model else scenarios.care_model_sections().get(side.care_model, {})
    overrides = {
        **sections,
        "name": f"{side.care_model} ({SIDES[index]})",
        "care_model": side.care_model,
        "demand_complexity": setup.demand_complexity,
        "continuity": setup.continuity,
        "referral_friction": setup.referral_friction,
        "seed": setup.seed,
        "population": {"citizens": setup.citizens},
        "workforce": {"workers": side.workers, "caseload_cap": side.caseload_cap},
    }
    return deep_merge(base, overrides)


#: a setting that needs new districts, as the District controls name it
CONTROL_WORDS = {
    "care_model": "care model",
    "workforce.workers": "workers",
    "population.citizens": "citizens",
    "seed": "seed",
    "workforce.caseload_cap": "caseload cap",
}
SHARED_SETTINGS = ("population.citizens", "seed")  # one control for both districts


def reset_words(setting: str, index: int) -> str:
    """A setting waiting for Reset, named as its control is: "A's workers", "citizens"."""
    words = CONTROL_WORDS.get(setting, setting)
    return words if setting in SHARED_SETTINGS else f"{SIDES[index]}'s {words}"


@dataclass(frozen=True)
class PreviousRun:
    """The run before the last Reset or Load, which the charts draw faintly beside this one (a
    run with a change and the same run without it, on the same axes): its weekly measures, the
    settings it started with and its policy changes, so that the faint lines can be told."""

    history: tuple[list[observe.WeekMeasures], list[observe.WeekMeasures]]
    started: Setup
    changes: tuple[PolicyChange, ...]

    @property
    def last_week(self) -> int:
        return self.history[0][-1].week


@dataclass
class Comparison:
    """The pair of districts. Callers hold `lock` while stepping or reading."""

    base: dict[str, Any]
    origin: str
    setup: Setup
    models: list[Any] = field(default_factory=list)
    history: tuple[list[observe.WeekMeasures], list[observe.WeekMeasures]] = field(
        default_factory=lambda: ([], [])
    )
    changes: list[PolicyChange] = field(default_factory=list)
    previous: PreviousRun | None = None
    #: the settings this run started with (`setup` follows the policy changes)
    started: Setup | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    _week_start: Setup | None = None

    @classmethod
    def from_file(cls, path: Path) -> Comparison:
        base = scenarios.scenario_data(path)
        scenario = scenarios.resolve(base, str(path))
        comparison = cls(base, str(path), initial_setup(scenario))
        comparison.rebuild(comparison.setup)
        return comparison

    def scenario(self, setup: Setup, index: int) -> Scenario:
        return scenarios.resolve(side_data(self.base, setup, index), self.origin)

    def rebuild(self, setup: Setup) -> None:
        """New districts at week 0 from `setup`."""
        configs = [self.scenario(setup, i) for i in range(2)]
        with self.lock:
            if self.history[0] and self.started is not None:  # week 0 is no run to keep
                # a change made in the run's last week never ran: it is no part of that run
                last = self.history[0][-1].week
                ran = tuple(c for c in self.changes if c.week < last)
                self.previous = PreviousRun(self.history, self.started, ran)
            self.setup = self.started = setup
            self.models = [observe.new_model(s, setup.seed) for s in configs]
            self.history = ([], [])
            self.changes = []

    @property
    def week(self) -> int:
        return observe.current_week(self.models[0])

    @property
    def finished(self) -> bool:
        """At the horizon: the measures on screen are those of the whole run, so the districts
        go no further (Play stops there; Step and +1 year are switched off)."""
        return self.week >= observe.horizon_week(self.models[0])

    def advance(self, weeks: int = 1) -> None:
        """Up to `weeks` weeks, never past the horizon."""
        with self.lock:
            left = observe.horizon_week(self.models[0]) - self.week
            for _ in range(max(0, min(weeks, left))):
                for model, history in zip(self.models, self.history, strict=True):
                    observe.step(model)
                    history.append(observe.week_measures(model))

    def change(self, setup: Setup) -> list[str]:
        """Apply new control values. At week 0 the districts are rebuilt with them; later the
        knobs and caps change from next week on (recorded as a policy change), and whatever
        needs new districts is returned, to be applied by `rebuild`; at the horizon everything
        is returned, as nothing can apply any more."""
        if self.week == 0:
            self.rebuild(setup)
            return []
        configs = [self.scenario(setup, i) for i in range(2)]
        running = [observe.scenario_of(m) for m in self.models]
        pending = sorted(
            {
                reset_words(d, index)
                for index, (old, new) in enumerate(zip(running, configs, strict=True))
                for d in observe.structural_differences(old, new)
            }
            | set(_caps_waiting(setup, self.setup))
        )
        if self.finished:
            # nothing more will run, so a change now could never apply: it waits for Reset as a
            # new district does, and no change is marked at the last week
            policy = describe_change(self.setup, _keep_structure(setup, self.setup))
            return [*pending, *([f"{policy} (the run has ended)"] if policy else [])]
        if pending:
            # keep the structural settings of the running districts, apply the rest now
            live = _keep_structure(setup, self.setup)
            configs = [self.scenario(live, i) for i in range(2)]
        else:
            live = setup
        # several moves in one week (a slider being dragged) make one change, from the setup
        # the week started with
        same_week = bool(self.changes) and self.changes[-1].week == self.week
        before = self._week_start if same_week and self._week_start else self.setup
        text = describe_change(before, live)
        with self.lock:
            if describe_change(self.setup, live):
                for model, scenario in zip(self.models, configs, strict=True):
                    observe.apply_policy(model, scenario)
            if same_week:
                self.changes.pop()
            if text:
                self.changes.append(PolicyChange(self.week, text))
            self._week_start = before
            self.setup = live
        return pending


def _caps_waiting(wanted: Setup, running: Setup) -> list[str]:
    """The caps that wait for Reset with a care model waiting for it (`_keep_structure`): the
    cap slider shows them, so the notice of what Reset applies must name them."""
    return [
        reset_words("workforce.caseload_cap", index)
        for index, (w, r) in enumerate(zip(wanted.sides, running.sides, strict=True))
        if w.care_model != r.care_model and w.caseload_cap != r.caseload_cap
    ]


def _keep_structure(wanted: Setup, running: Setup) -> Setup:
    """What of `wanted` a running pair can take now. A side waiting for another care model
    keeps its running cap too: the cap chosen with that model (its bundled one) waits with it,
    or the model still running would be given it, as a policy change."""
    first, second = (
        replace(
            w,
            care_model=r.care_model,
            workers=r.workers,
            caseload_cap=r.caseload_cap if w.care_model != r.care_model else w.caseload_cap,
        )
        for w, r in zip(wanted.sides, running.sides, strict=True)
    )
    sides = (first, second)
    return replace(wanted, citizens=running.citizens, seed=running.seed, sides=sides)


def describe_change(old: Setup, new: Setup) -> str:
    """A short label for what differs, e.g. `referral friction 0.6→0.9`: a policy change (knobs
    and caps), or between two runs' settings (citizens, seed, care models and workers too)."""
    parts = [
        f"{knob.replace('_', ' ')} {getattr(old, knob):g}→{getattr(new, knob):g}"
        for knob in scenarios.KNOBS
        if getattr(old, knob) != getattr(new, knob)
    ]
    if old.citizens != new.citizens:
        parts.append(f"citizens {old.citizens:,}→{new.citizens:,}")
    if old.seed != new.seed:
        parts.append(f"seed {old.seed}→{new.seed}")
    for label, a, b in zip(SIDES, old.sides, new.sides, strict=True):
        if a.care_model != b.care_model:
            words = (scenarios.care_model_words(m) for m in (a.care_model, b.care_model))
            parts.append(f"{label}: {'→'.join(words)}")
        if a.workers != b.workers:
            parts.append(f"{label}: workers {a.workers}→{b.workers}")
        if a.caseload_cap != b.caseload_cap:
            parts.append(f"{label}: cap {a.caseload_cap}→{b.caseload_cap}")
    return ", ".join(parts)
