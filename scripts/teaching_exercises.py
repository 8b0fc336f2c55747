"""The numbers behind docs/teaching.md's "Things to try": every exercise run as the page tells it.

Each exercise is run headless with the teaching app's own code (`relsim.viz`): a fresh pair of
districts from the bundled baseline as the app opens it, the exercise's **Load**
(`Exercise.setup`, then `Comparison.rebuild`), **+1 year** and runs to a week
(`Comparison.advance`), a slider moved while the model runs (`Comparison.change`, a policy
change from the next week on) and **Reset** (`Comparison.rebuild` with the controls' values).
What is recorded is what the app shows: the scoreboard (`charts.headlines`), the level of each
line chart (`charts.LINE_CHARTS`), the bars of *Cost so far by payer* (`charts.payer_chart`),
the queues and posts of *The system* (`observe.worker_states`, `observe.citizen_snapshot`, and
the counts its boxes are titled with, `system.layout`: people, where the line charts count
referrals) and,
for exercise 1, the journeys of the people *Follow someone at random* picks from.

Measures are taken at the end of every year, and in the week, the quarter and the half-year
after each mid-run change (at the same weeks in the run to compare without it); totals and
means over a window ("in the year to this week") end at those weeks.

    python scripts/teaching_exercises.py                  # about 20 seconds on one core
    python scripts/teaching_exercises.py --quick --out /tmp/teaching   # a tiny district, to check

--quick runs every exercise on 200 citizens with 13-week "years" (the change at week 26), for
tests. Writes `exercises.csv` under --out (default docs/teaching): one row per exercise, run,
district (A or B), week and quantity, with its value; shares are in per cent, money in £ million.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.files import write_csv
from relsim.viz import charts, exercises, journey, observe, scenarios, system
from relsim.viz.observe import WeekMeasures
from relsim.viz.session import SIDES, Comparison, Setup

ROOT = Path(__file__).resolve().parent.parent
YEAR = 52  # weeks in a year, and in one press of +1 year
QUICK_YEAR = 13  # a "year" of the quick check: every exercise keeps its shape, in weeks
QUICK_CITIZENS = 200  # the smallest district the citizens slider allows
FOLLOW_MIN_NEEDS = 2  # who "Follow someone at random" picks from (observe.followable_citizens)

SettingChange = Callable[[Setup], Setup]


# -- what the teacher does ------------------------------------------------------------------
@dataclass(frozen=True)
class RunTo:
    """Press +1 year until week `years` x a year (Play cannot be stopped at a given week)."""

    years: float


@dataclass(frozen=True)
class Move:
    """Move a control; while the model runs, a policy change from the next week on."""

    change: SettingChange


@dataclass(frozen=True)
class Reset:
    """Press Reset: new districts at week 0 with the controls' values."""


Action = RunTo | Move | Reset


def knob(name: str, value: float) -> SettingChange:
    """A Policy slider set to `value`, rounded as the app's slider rounds it."""
    settings: dict[str, Any] = {name: round(value, 2)}
    return lambda setup: replace(setup, **settings)


def caseload_cap(side: str, value: int) -> SettingChange:
    index = SIDES.index(side)
    return lambda setup: setup.side(index, caseload_cap=value)


@dataclass(frozen=True)
class Run:
    """One pass through an exercise: Load, then the teacher's actions."""

    exercise: int  # index into `relsim.viz.exercises.EXERCISES`
    name: str
    actions: tuple[Action, ...]
    journeys: bool = False  # exercise 1 opens Journeys at the end
    unchanged_at: float | None = None  # a run without a change: record as if made at this year
    #: record each year the crises of the people who arrived in this year of the run
    intake: int | None = None


def _with_and_without(exercise: int, change: SettingChange) -> tuple[Run, Run]:
    """The change at week 104, then two more years; and the same Load run to week 208 as is."""
    return (
        Run(exercise, "with the change", (RunTo(2), Move(change), RunTo(4))),
        Run(exercise, "without", (RunTo(4),), unchanged_at=2),
    )


def _complexity_push(value: float, years: int, intake: int | None = None) -> Run:
    """Exercise 4's other push: demand complexity at `value` from week 104 for `years`, then
    back to 0.6, to the end of the run."""
    back = 2 + years
    return Run(
        3,
        f"complexity {value} from week 104, back to 0.6 at week {back * YEAR}",
        (
            RunTo(2),
            Move(knob("demand_complexity", value)),
            RunTo(back),
            Move(knob("demand_complexity", 0.6)),
            RunTo(7),
        ),
        intake=intake,
    )


RUNS: tuple[Run, ...] = (
    Run(0, "as loaded", (RunTo(3),), journeys=True),
    Run(1, "complexity 0.1", (RunTo(3),)),
    Run(1, "complexity 0.9", (RunTo(3), Move(knob("demand_complexity", 0.9)), Reset(), RunTo(3))),
    Run(1, "complexity 1.0", (RunTo(3), Move(knob("demand_complexity", 1.0)), Reset(), RunTo(7))),
    *_with_and_without(2, knob("referral_friction", 0.9)),
    Run(3, "B cap left at 10", (RunTo(4),), unchanged_at=2),
    *(
        Run(3, f"B cap 10 to {cap} at week 104", (RunTo(2), Move(caseload_cap("B", cap)), RunTo(4)))
        for cap in (15, 20, 25, 12, 13, 6)
    ),
    Run(
        3,
        "B cap 10 to 15 at week 104, back to 10 at week 156",
        (RunTo(2), Move(caseload_cap("B", 15)), RunTo(3), Move(caseload_cap("B", 10)), RunTo(7)),
    ),
    _complexity_push(1.0, years=1, intake=3),
    Run(3, "complexity left at 0.6", (RunTo(7),), unchanged_at=2, intake=3),
    _complexity_push(0.8, years=1),
    _complexity_push(1.0, years=2),
    *_with_and_without(4, knob("continuity", 0.1)),
    Run(5, "as loaded", (RunTo(3),)),
    Run(6, "complexity 0.3", (RunTo(3),)),
    Run(6, "complexity 0.9", (RunTo(3), Move(knob("demand_complexity", 0.9)), Reset(), RunTo(3))),
    Run(7, "as loaded", (RunTo(3),)),
)


# -- one browser tab, without the browser ---------------------------------------------------
@dataclass
class Session:
    """The districts and the controls' values of one tab of the app, opened on the bundled
    baseline as `relsim viz` opens it."""

    year: int
    citizens: int | None  # a smaller district than the exercise's, for the quick check
    comparison: Comparison = field(init=False)
    wanted: Setup = field(init=False)

    def __post_init__(self) -> None:
        self.comparison = Comparison.from_file(scenarios.bundled_scenario("baseline"))
        self.wanted = self.comparison.setup

    @property
    def week(self) -> int:
        return self.comparison.week

    def load(self, exercise: exercises.Exercise) -> None:
        """The exercise's Load button; the quick check then moves the citizens slider."""
        self.wanted = exercise.setup(self.wanted)
        self.comparison.rebuild(self.wanted)
        if self.citizens is not None:
            self.move(lambda setup: resized(setup, self.citizens or setup.citizens))

    def move(self, change: SettingChange) -> None:
        self.wanted = change(self.wanted)
        self.comparison.change(self.wanted)

    def reset(self) -> None:
        self.comparison.rebuild(self.wanted)

    def advance_to(self, week: int) -> None:
        self.comparison.advance(week - self.week)


def resized(setup: Setup, citizens: int) -> Setup:
    """The citizens slider: the population changes and both workforces scale with it."""
    scale = citizens / max(setup.citizens, 1)
    new = replace(setup, citizens=citizens)
    for index, side in enumerate(setup.sides):
        new = new.side(index, workers=max(1, round(side.workers * scale)))
    return new


# -- what the app shows ---------------------------------------------------------------------
Row = tuple[str, str, float]  # district, quantity, value


def _both(values: Sequence[float], quantity: str) -> list[Row]:
    return [(side, quantity, float(v)) for side, v in zip(SIDES, values, strict=True)]


def screen_now(session: Session) -> list[Row]:
    """The scoreboard, each line chart's level, the payer bars and the picture of the system,
    as they stand this week."""
    comparison = session.comparison
    histories = comparison.history
    rows: list[Row] = []
    for headline in charts.headlines(histories):
        rows += _both(headline.values, headline.label)
    for spec in charts.LINE_CHARTS:
        scale = 100.0 if spec.share else 1.0
        rows += _both([spec.value(h)[-1] * scale for h in histories], f"chart: {spec.title}")
    rows += _both([h[-1].waiting_front_door for h in histories], "waiting at the front door now")
    rows += _both([h[-1].waiting_caseworker for h in histories], "waiting for a caseworker now")
    rows += _both([h[-1].waiting_specialist for h in histories], "waiting for a specialist now")
    payer = charts.payer_chart(histories, SIDES)
    for index, name in enumerate(payer["xAxis"]["data"]):
        rows += _both(
            [series["data"][index] for series in payer["series"]], f"cost so far: {name} (£m)"
        )
    for side, model in zip(SIDES, comparison.models, strict=True):
        workers = observe.worker_states(model)
        snapshot = observe.citizen_snapshot(model)
        held = snapshot.place == observe.PLACE_WORKER
        *_, counts = system.layout(snapshot, workers)
        rows += [
            (side, f"the system: {title} now", float(count))
            for title, count in counts.items()
            if not title.startswith("grid_")
        ]
        rows += [
            (side, "posts vacant now", float(sum(not w.in_post for w in workers))),
            (side, "workers away now", float(sum(w.absent for w in workers))),
            (side, "relationship depth of people held now", _mean(snapshot.depth[held])),
        ]
    return rows


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else 0.0


def window(histories: Sequence[Sequence[WeekMeasures]], weeks: int, label: str) -> list[Row]:
    """Totals and mean chart levels over the last `weeks` weeks ("in the year to this week")."""
    rows: list[Row] = []
    for name, quantity, scale in (
        ("crises", "crises", 1.0),
        ("failure_demand", "failure-demand contacts", 1.0),
        ("handoffs", "hand-offs", 1.0),
        ("total_cost", "cost (£m)", 1e6),
        ("crisis_cost", "crisis cost (£m)", 1e6),
    ):
        totals = [sum(getattr(m, name) for m in h[-weeks:]) / scale for h in histories]
        rows += _both(totals, f"{quantity} in the {label} to this week")
        if name == "crises":  # "a week": the window's total over its weeks
            per_week = [total / weeks for total in totals]
            rows += _both(per_week, f"crises a week in the {label} to this week")
    for spec in charts.LINE_CHARTS:
        if spec.key == "cost":
            continue  # a running total: its level is the scoreboard's cost so far
        scale = 100.0 if spec.share else 1.0
        means = [float(spec.value(h)[-weeks:].mean()) * scale for h in histories]
        rows += _both(means, f"chart: {spec.title}, mean of the {label} to this week")
    for name, queue in (
        ("waiting_front_door", "waiting at the front door"),
        ("waiting_caseworker", "waiting for a caseworker"),
        ("waiting_specialist", "waiting for a specialist"),
    ):
        means = [float(np.mean([getattr(m, name) for m in h[-weeks:]])) for h in histories]
        rows += _both(means, f"{queue}, mean of the {label} to this week")
    return rows


def journeys_now(session: Session) -> list[Row]:
    """Exercise 1's Journeys: the person "Follow someone at random" picks this week, and the
    same summary over everyone it picks from."""
    models = session.comparison.models
    rows = sorted(
        set(observe.followable_citizens(models[0], FOLLOW_MIN_NEEDS).tolist())
        | set(observe.followable_citizens(models[1], FOLLOW_MIN_NEEDS).tolist())
    )
    out: list[Row] = []
    if not rows:
        return out
    picked = observe.followable_pick(rows, session.week, None)  # the first press of the week
    for side, model in zip(SIDES, models, strict=True):
        summaries = [
            journey.summarise(observe.journey(model, row), observe.citizen_now(model, row))
            for row in rows
        ]
        mine = summaries[rows.index(picked)]
        # a refused referral is logged as rejected, not also as referred: both were made
        refused = sum(s.rejected for s in summaries)
        made = sum(s.referrals for s in summaries) + refused
        out += [
            (side, "followed at random: citizen", float(picked)),
            (side, "followed at random: workers met", float(mine.workers_met)),
            (side, "followed at random: assessments", float(mine.assessments)),
            (side, "followed at random: referrals", float(mine.referrals)),
            (side, "followed at random: referrals rejected", float(mine.rejected)),
            (side, "followed at random: crises", float(mine.crises)),
            (side, "people to follow", float(len(rows))),
            (
                side,
                "people to follow: mean workers met",
                _mean_of(s.workers_met for s in summaries),
            ),
            (
                side,
                "people to follow: mean assessments",
                _mean_of(s.assessments for s in summaries),
            ),
            (side, "people to follow: mean referrals", _mean_of(s.referrals for s in summaries)),
            (side, "people to follow: referrals made", float(made)),
            (
                side,
                "people to follow: share of referrals made refused (%)",
                100 * refused / max(made, 1),
            ),
        ]
    return out


def intake_crises(session: Session, arrival_year: int, year: int) -> list[Row]:
    """The people who arrived in `arrival_year` of the run (exercise 4: the intake of the
    complex year): how many, how many are still here, and their crises in the year to this
    week."""
    arrived = ((arrival_year - 1) * year + 1, arrival_year * year)
    weeks = (session.week - year + 1, session.week)
    found = [observe.intake(m, arrived, weeks) for m in session.comparison.models]
    who = f"people who arrived in year {arrival_year}"
    return [
        *_both([i.crises for i in found], f"crises in the year to this week: {who}"),
        *_both([i.arrived for i in found], who),
        *_both([i.still_here for i in found], f"{who}: still here"),
    ]


def _mean_of(values: Iterable[float]) -> float:
    return float(np.mean(list(values)))


# -- running the exercises ------------------------------------------------------------------
def run_exercise(run: Run, year: int, citizens: int | None) -> pd.DataFrame:
    """Do what the page says for `run` and record what the screen shows along the way."""
    session = Session(year, citizens)
    session.load(exercises.EXERCISES[run.exercise])
    records: list[dict[str, object]] = []
    marks: dict[int, str] = {}  # record weeks after a change: week -> window label

    def mark_after(week: int) -> None:
        marks[week + 1] = ""
        marks[week + year // 4] = "quarter"
        marks[week + year // 2] = "half-year"

    def record(label: str | None) -> None:
        found = screen_now(session)
        if label is not None:
            weeks = {"year": year, "half-year": year // 2, "quarter": year // 4}[label]
            found += window(session.comparison.history, weeks, label)
        if run.journeys and session.week == final_week:
            found += journeys_now(session)
        if run.intake is not None and label == "year":
            found += intake_crises(session, run.intake, year)
        records.extend(
            {"district": d, "week": session.week, "quantity": q, "value": v} for d, q, v in found
        )

    final_week = round(_last_target(run.actions) * year)
    if run.unchanged_at is not None:
        mark_after(round(run.unchanged_at * year))
    for action in run.actions:
        if isinstance(action, Reset):
            session.reset()
            records.clear()  # what was on screen before Reset is gone
            marks.clear()
        elif isinstance(action, Move):
            if session.week > 0:
                mark_after(session.week)
            session.move(action.change)
        else:
            target = round(action.years * year)
            stops = {w for w in range(year, target + 1, year) if w > session.week}
            stops |= {w for w in marks if session.week < w <= target}
            for stop in sorted(stops):
                session.advance_to(stop)
                label = "year" if stop % year == 0 else marks.get(stop) or None
                record(label)
    frame = pd.DataFrame(records)
    frame.insert(0, "run", run.name)
    frame.insert(0, "exercise", exercises.EXERCISES[run.exercise].title)
    return frame


def _last_target(actions: Sequence[Action]) -> float:
    return [a.years for a in actions if isinstance(a, RunTo)][-1]


def summary(table: pd.DataFrame) -> str:
    """The scoreboard at the end of every run, one line per run."""
    shown = ("crises so far", "cost so far (£m)", "hand-offs so far", "burnout now (%)")
    lines = [f"{'run':<44} {'week':>4}  " + "  ".join(f"{q:>22}" for q in shown)]
    for (exercise, run), group in table.groupby(["exercise", "run"], sort=False):
        last = group[group["week"] == group["week"].max()]
        cells = []
        for quantity in shown:
            values = last[last["quantity"] == quantity].set_index("district")["value"]
            cells.append(f"{values['A']:>10,.1f} / {values['B']:>9,.1f}")
        name = f"{str(exercise).split('.')[0]}. {run}"
        lines.append(f"{name:<44} {int(last['week'].iloc[0]):>4}  " + "  ".join(cells))
    lines.append("(A / B at each run's last week)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"every exercise on {QUICK_CITIZENS} citizens with a {QUICK_YEAR}-week year",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "teaching")
    args = parser.parse_args(argv)
    year, citizens = (QUICK_YEAR, QUICK_CITIZENS) if args.quick else (YEAR, None)
    started = time.monotonic()
    table = pd.concat([run_exercise(run, year, citizens) for run in RUNS], ignore_index=True)
    table["value"] = table["value"].round(4)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "exercises.csv", table)
    print(summary(table))
    print(f"wrote {args.out / 'exercises.csv'} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
