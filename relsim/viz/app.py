"""The teaching app: a Solara page with the controls, the live charts of the two districts, the
picture of each system, one citizen's journeys and the guided exercises.

Every browser tab gets its own pair of districts. Stepping happens in a background thread that
bumps a counter after each frame; the charts are ECharts widgets whose options change in place,
so a new week redraws the lines, not the page.
"""

from __future__ import annotations

import functools
import html
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import markdown
import reacton.ipyvuetify as rv
import solara
import solara.lab

from relsim.config.schema import Scenario
from relsim.viz import charts, exercises, journey, observe, system
from relsim.viz.session import (
    CAP_RANGE,
    CITIZENS_RANGE,
    SEED_RANGE,
    SIDES,
    WORKERS_RANGE,
    Comparison,
    Setup,
    preset_side,
)

SCENARIO_ENV = "RELSIM_VIZ_SCENARIO"
YEAR = charts.YEAR
CHART_STYLE = {"style": "height: 250px; width: 100%;"}


def _scenario_path() -> Path:
    return Path(os.environ.get(SCENARIO_ENV) or observe.bundled_scenario("baseline"))


def side_label(setup: Setup, index: int) -> str:
    return f"{SIDES[index]}: {observe.care_model_words(setup.sides[index].care_model)}"


NO_SERVICES = "none"  # the care model with no workers: its workers and cap sliders are off


def cap_label(setup: Setup, index: int) -> str:
    """The caseload-cap slider's label. A hybrid side's slider sets its duty workers' cap only
    (its caseworkers keep `hybrid.caseworker_caseload_cap`), and says so."""
    side = setup.sides[index]
    if side.care_model == NO_SERVICES:
        return f"{SIDES[index]}: no caseloads (no services)"
    whose = "duty workers' caseload cap" if side.care_model == "hybrid" else "caseload cap"
    return f"{SIDES[index]}: {whose} {side.caseload_cap}"


def workers_label(setup: Setup, index: int) -> str:
    """The workers slider's label; with no services there are none, whatever the slider held."""
    side = setup.sides[index]
    if side.care_model == NO_SERVICES:
        return f"{SIDES[index]}: no workers (no services)"
    return f"{SIDES[index]}: workers {side.workers}"


@solara.component
def Prose(text: str) -> None:
    """Markdown made HTML here, not by `solara.Markdown`, whose page loads KaTeX (for maths this
    app never writes) from a CDN through the server: nothing is fetched from elsewhere."""
    solara.HTML(
        "div",
        unsafe_innerHTML=markdown.markdown(text),
        classes=["solara-markdown", "rendered_html", "jp-RenderedHTMLCommon"],  # its look
    )


# -- controls -------------------------------------------------------------------------------
@solara.component
def PolicySlider(
    label: str,
    value: float,
    low: float,
    high: float,
    step: float,
    on_value: Callable[[float], None],
    disabled: bool = False,
) -> solara.Element:
    """A slider that reports the value it is let go at (or moved to by a key), not each value
    it passes: dragged while the districts run, every week of the drag became a policy change
    of its own, a ramp of dashed lines whose labels lay over each other."""
    first = solara.use_memo(lambda: value, [])
    thumb = solara.use_reactive(first)  # where the browser has moved the slider to
    reported = solara.use_ref(value)

    def follow() -> None:
        # a value set elsewhere (Load) moves the thumb; the one the slider reported does not,
        # or its late echo would pull back a thumb that keys have moved on since
        if abs(value - reported.current) >= step / 2:
            thumb.value = value
        reported.current = value

    solara.use_memo(follow, [value])
    slider = rv.Slider(
        v_model=thumb.value,
        on_v_model=thumb.set,
        label=label,
        min=low,
        max=high,
        step=step,
        thumb_label=True,
        hide_details=True,
        disabled=disabled,
    )

    def released(*widget_event_value: Any) -> None:
        reported.current = widget_event_value[-1]
        on_value(widget_event_value[-1])

    rv.use_event(slider, "change", released)
    return slider


@solara.component
def RunControls(
    comparison: Comparison,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[int],
    tick: solara.Reactive[int],
    wanted: solara.Reactive[Setup],
    pending: solara.Reactive[list[str]],
    frame: int,
) -> None:
    model = comparison.models[0]
    week, warmup, horizon = (
        observe.current_week(model),
        observe.warmup_weeks(model),
        observe.horizon_week(model),
    )

    def advance(weeks: int) -> None:
        comparison.advance(weeks)
        tick.set(tick.value + 1)

    def reset() -> None:
        playing.set(False)
        comparison.rebuild(wanted.value)
        pending.set([])  # the new districts have what was waiting for Reset
        tick.set(tick.value + 1)

    stage = "warm-up: the district settling" if week <= warmup else "measured period"
    if comparison.finished:
        # Play, Step and +1 year are off here: say why, and what runs the districts again
        stage = "the end of the run: Reset, or Load an exercise, to run again"
    with solara.Card("Run", margin=0):
        solara.HTML(
            "div",
            f"Week <b>{week}</b> of {horizon} <small>({stage})</small>",
            attributes={"data-testid": "week"},
        )
        with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
            solara.Button(
                "Pause" if playing.value else "Play",
                icon_name="mdi-pause" if playing.value else "mdi-play",
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=comparison.finished and not playing.value,
            )
            done = playing.value or comparison.finished
            solara.Button("Step", on_click=lambda: advance(1), disabled=done)
            solara.Button("+1 year", on_click=lambda: advance(YEAR), disabled=done)
            solara.Button("Reset", on_click=reset)
        solara.SliderInt(f"Speed: {speed.value} weeks a second", value=speed, min=1, max=26)


def _set_knob(
    change: Callable[[Setup], None], wanted: solara.Reactive[Setup], knob: str, value: float
) -> None:
    settings: dict[str, Any] = {knob: round(value, 2)}
    change(replace(wanted.value, **settings))


def _set_side(
    change: Callable[[Setup], None],
    wanted: solara.Reactive[Setup],
    index: int,
    setting: str,
    value: float,
) -> None:
    change(wanted.value.side(index, **{setting: int(value)}))


def _changer(
    comparison: Comparison,
    wanted: solara.Reactive[Setup],
    tick: solara.Reactive[int],
    pending: solara.Reactive[list[str]],
) -> Callable[[Setup], None]:
    """What a control calls with the setup it wants: the districts take what applies at once,
    and what waits for Reset is listed."""

    def change(new: Setup) -> None:
        wanted.set(new)
        pending.set(comparison.change(new))
        tick.set(tick.value + 1)

    return change


@solara.component
def PolicyControls(
    comparison: Comparison,
    wanted: solara.Reactive[Setup],
    tick: solara.Reactive[int],
    pending: solara.Reactive[list[str]],
) -> None:
    setup = wanted.value
    change = _changer(comparison, wanted, tick, pending)

    with solara.Card("Policy", subtitle="applies at once, even while running", margin=0):
        for knob, label in (
            ("demand_complexity", "Demand complexity"),
            ("continuity", "Continuity of staff"),
            ("referral_friction", "Referral friction"),
        ):
            PolicySlider(
                f"{label}: {getattr(setup, knob):.2f}",
                getattr(setup, knob),
                0.0,
                1.0,
                0.05,
                functools.partial(_set_knob, change, wanted, knob),
            )
            solara.Text(knob_ends(knob), classes=["relsim-knob-ends"], style=KNOB_ENDS_STYLE)
        for index in range(2):
            PolicySlider(
                cap_label(setup, index),
                setup.sides[index].caseload_cap,
                CAP_RANGE[0],
                CAP_RANGE[1],
                1,
                functools.partial(_set_side, change, wanted, index, "caseload_cap"),
                # no services, no caseloads: moved, it drew a policy change that changed nothing
                disabled=setup.sides[index].care_model == NO_SERVICES,
            )


KNOB_ENDS_STYLE = {"font-size": "0.8em", "color": "#555", "display": "block"}


def knob_ends(knob: str) -> str:
    """What 0 and 1 of a knob mean, from the scenario schema's own description (the words
    `docs/knobs.md` gives), so that a class reads the ends of a slider on screen."""
    description = Scenario.model_fields[knob].description or ""
    return description.split(": ", 1)[-1]


def seed_refusal(seed: int | None, kept: int) -> str | None:
    """Why the seed box does not take `seed` (None: it does). A scenario refuses a seed outside
    `SEED_RANGE`: taken, it left the districts on their old seed while the box showed the new
    one, and the next move of any control replaced the page with an error."""
    low, high = SEED_RANGE
    if seed is not None and low <= seed <= high:
        return None
    return f"Seed {seed} not taken: a seed is a whole number from {low} to {high:,}. Still {kept}."


@solara.component
def SeedInput(seed: int, on_seed: Callable[[int], None]) -> None:
    refused = solara.use_reactive(cast("tuple[str, int] | None", None))  # (why, seed kept)
    attempts = solara.use_reactive(0)

    def typed(value: int | None) -> None:
        why = seed_refusal(value, seed)
        if why is None and value is not None:
            refused.set(None)
            on_seed(value)
        else:
            refused.set((why or "", seed))
            attempts.set(attempts.value + 1)  # a new box, showing the seed still in use

    # a new box each time a number is refused: its text goes back to the seed in use
    solara.InputInt("Seed", value=seed, on_value=typed).key(f"seed-{attempts.value}")
    if refused.value is not None and refused.value[1] == seed:  # until the seed changes
        solara.Warning(refused.value[0], dense=True, icon=True)


@solara.component
def DistrictControls(
    comparison: Comparison,
    wanted: solara.Reactive[Setup],
    tick: solara.Reactive[int],
    pending: solara.Reactive[list[str]],
) -> None:
    setup = wanted.value
    change = _changer(comparison, wanted, tick, pending)

    def care_model(index: int, words: str) -> None:
        name = next(m for m in observe.care_models() if observe.care_model_words(m) == words)
        # staffed and capped as its bundled scenario is, as Load does: with the other model's
        # cap kept, B switched to assess-do-refer had duty workers capped at 10, not 25
        side = preset_side(name, wanted.value.citizens)
        change(
            wanted.value.side(
                index, care_model=name, workers=side.workers, caseload_cap=side.caseload_cap
            )
        )

    def citizens(value: int) -> None:
        old = wanted.value
        scale = value / max(old.citizens, 1)
        new = replace(old, citizens=value)
        for i in range(2):
            new = new.side(i, workers=max(1, round(old.sides[i].workers * scale)))
        change(new)

    with solara.Card("District", subtitle="applies at week 0 or on Reset", margin=0):
        solara.SliderInt(
            f"Citizens: {setup.citizens:,}",
            value=setup.citizens,
            min=CITIZENS_RANGE[0],
            max=CITIZENS_RANGE[1],
            step=100,
            on_value=citizens,
        )
        SeedInput(setup.seed, lambda v: change(replace(wanted.value, seed=v)))
        for index in range(2):
            solara.Select(
                f"{SIDES[index]}: care model",
                values=[observe.care_model_words(m) for m in observe.care_models()],
                value=observe.care_model_words(setup.sides[index].care_model),
                on_value=functools.partial(care_model, index),
            )
            solara.SliderInt(
                workers_label(setup, index),
                value=setup.sides[index].workers,
                min=WORKERS_RANGE[0],
                max=WORKERS_RANGE[1],
                on_value=functools.partial(_set_side, change, wanted, index, "workers"),
                # no services has no posts: moved, it asked for a Reset that changed nothing
                disabled=setup.sides[index].care_model == NO_SERVICES,
            )
        if pending.value:
            solara.Warning(
                f"Press Reset to apply: {', '.join(pending.value)}", dense=True, icon=True
            )


# -- views ----------------------------------------------------------------------------------
def _scoreboard_html(comparison: Comparison) -> str:
    rows = []
    for headline in charts.headlines(comparison.history):
        a, b = headline.values
        cells = "".join(
            f'<td data-testid="score-{s}">{v:,.{headline.digits}f}</td>'
            for s, v in zip(SIDES, (a, b), strict=True)
        )
        rows.append(
            f"<tr><th>{html.escape(headline.label)}</th>{cells}"
            f"<td>{headline.difference()}</td></tr>"
        )
    head = "".join(
        f'<th style="color:{c}">{html.escape(side_label(comparison.setup, i))}</th>'
        for i, c in enumerate(charts.COLOURS)
    )
    return (
        '<table class="relsim-scores"><thead><tr><th></th>'
        f"{head}<th>B − A</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


@solara.component
def CompareView(comparison: Comparison, frame: int) -> None:
    with comparison.lock:
        labels = [side_label(comparison.setup, i) for i in range(2)]
        model = comparison.models[0]
        warmup, horizon = observe.warmup_weeks(model), observe.horizon_week(model)
        options = [
            charts.line_chart(spec, comparison.history, labels, warmup, horizon, comparison.changes)
            for spec in charts.LINE_CHARTS
        ]
        payer = charts.payer_chart(comparison.history, labels)
        scores = _scoreboard_html(comparison)
    solara.HTML("div", scores, attributes={"data-testid": "scoreboard"})
    with solara.ColumnsResponsive(default=12, medium=6, large=4):
        for spec, option in zip(charts.LINE_CHARTS, options, strict=True):
            solara.FigureEcharts(
                option=option,
                attributes={**CHART_STYLE, "data-testid": f"chart-{spec.key}"},
                responsive=True,
            )
        solara.FigureEcharts(
            option=payer,
            attributes={**CHART_STYLE, "data-testid": "chart-payer"},
            responsive=True,
        )


@solara.component
def SystemView(comparison: Comparison, followed: solara.Reactive[int | None], frame: int) -> None:
    with comparison.lock:
        options = [
            system.system_chart(
                observe.citizen_snapshot(model),
                observe.worker_states(model),
                side_label(comparison.setup, i),
                followed.value,
            )
            for i, model in enumerate(comparison.models)
        ]

    def clicked(event: dict) -> None:
        value = event.get("value") or event.get("data")
        if event.get("seriesName") == "people" and isinstance(value, list) and len(value) >= 5:
            followed.set(int(value[4]))

    Prose(
        "Each box is a worker and the dots in it the people on their caseload; the queues are "
        "on the right. **Label**: caseload / cap (a caseworker takes back someone they held "
        "before a little over the cap, so 11/10 can happen). **Colour**: active needs. "
        "**Size**: how deep the relationship with the current worker is (its mean is on the "
        "Compare scoreboard). **Box shade**: the "
        "worker's burnout. Click a person to follow them in *Journeys*."
    )
    with solara.ColumnsResponsive(default=12, large=6):
        for i, option in enumerate(options):
            solara.FigureEcharts(
                option=option,
                on_click=clicked,
                attributes={"style": "height: 560px; width: 100%;", "data-testid": f"system-{i}"},
                responsive=True,
            )


@solara.component
def JourneyView(comparison: Comparison, followed: solara.Reactive[int | None], frame: int) -> None:
    # the week at which 'Follow someone at random' found no one to follow (-1: it has not)
    nobody = solara.use_reactive(-1)

    def follow_random() -> None:
        with comparison.lock:
            rows = sorted(
                set(observe.followable_citizens(comparison.models[0]).tolist())
                | set(observe.followable_citizens(comparison.models[1]).tolist())
            )
        nobody.set(-1 if rows else comparison.week)
        if rows:
            followed.set(observe.followable_pick(rows, comparison.week, followed.value))

    with comparison.lock:
        count = observe.citizen_count(comparison.models[0])
        horizon = observe.horizon_week(comparison.models[0])
        row = followed.value
        stories = []
        if row is not None and 0 <= row < count:
            for i, model in enumerate(comparison.models):
                events = observe.journey(model, row)
                now = observe.citizen_now(model, row)
                stories.append((i, events, now, journey.summarise(events, now)))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.InputInt(
            "Citizen number",
            # empty until someone is followed: a 0 shown then could not be typed to follow
            # citizen 0, the box's value being 0 already
            value=row,
            optional=True,
            on_value=lambda v: followed.set(v),
            style={"max-width": "12em"},
        )
        solara.Button("Follow someone at random", on_click=follow_random, color="primary")
        solara.Text(f"(0 to {max(count - 1, 0)}; or click a person in The system)")
    if nobody.value == comparison.week:
        solara.Warning(
            "Nobody has yet asked for help with two or more active needs, so there is no one "
            "to follow at random: press Step or +1 year, then try again.",
            dense=True,
            icon=True,
        )
    elif row is not None and not 0 <= row < count:
        solara.Warning(
            f"There is no citizen {row}: these districts number theirs 0 to {max(count - 1, 0)}.",
            dense=True,
            icon=True,
        )
    elif not stories:
        solara.Info("Pick a citizen, or press 'Follow someone at random'.")
    if not stories:
        return
    with solara.ColumnsResponsive(default=12, large=6):
        for i, events, now, summary in stories:
            with solara.Column():
                where = journey.PLACES.get(now.where, now.where) if now else "not yet arrived"
                Prose(
                    f"**{side_label(comparison.setup, i)}** — citizen {row}, now {where}; "
                    f"active needs {now.active_needs if now else 0}, trust "
                    f"{(now.trust if now else 0):.2f} (0 none, 1 full), relationship "
                    f"{(now.depth if now else 0):.2f} (0 a stranger, 1 known well)"
                    f"\n\nworkers met **{summary.workers_met}** · assessments "
                    f"**{summary.assessments}** · referrals accepted **{summary.referrals}**, "
                    f"refused **{summary.rejected}** · specialist episodes "
                    f"**{summary.specialist_episodes}** · crises **{summary.crises}** · came back "
                    f"**{summary.re_presentations}** · budget **£{summary.budget_gbp:,.0f}**"
                )
                solara.FigureEcharts(
                    option=journey.timeline_chart(events, f"Timeline under {SIDES[i]}", horizon),
                    attributes={
                        "style": "height: 260px; width: 100%;",
                        "data-testid": f"timeline-{i}",
                    },
                    responsive=True,
                )
                numbers = journey.worker_numbers(events)
                items = "".join(
                    f"<li><b>week {e.week}</b> {html.escape(journey.describe(e, numbers))}</li>"
                    for e in reversed(events[-60:])
                )
                solara.HTML(
                    "ol",
                    items,
                    attributes={
                        "data-testid": f"journey-events-{SIDES[i]}",
                        "reversed": "",
                        "style": "max-height: 260px; overflow-y: auto; font-size: 90%;",
                    },
                )


@solara.component
def ExercisesView(
    comparison: Comparison,
    wanted: solara.Reactive[Setup],
    tick: solara.Reactive[int],
    pending: solara.Reactive[list[str]],
    playing: solara.Reactive[bool],
    tab: solara.Reactive[int],
    opening: Setup,
) -> None:
    def load(exercise: exercises.Exercise) -> None:
        playing.set(False)
        # from the district the app opened with, so its seed too: the guide's numbers were
        # seen with it, and a seed tried since is not carried into the next exercise
        setup = exercise.setup(opening)
        wanted.set(setup)
        comparison.rebuild(setup)
        pending.set([])
        tick.set(tick.value + 1)
        tab.set(0)  # every exercise starts on Compare

    Prose(
        "Each exercise loads its settings into both districts at week 0, with the seed the app "
        "opened with, and opens *Compare* (*Load*); then follow the steps. The full guide, "
        "with what each one shows and questions for the room, is `docs/teaching.md`."
    )
    for exercise in exercises.EXERCISES:
        with solara.Card(exercise.title, subtitle=exercise.idea, margin=0):
            steps = "".join(f"<li>{html.escape(s)}</li>" for s in exercise.steps)
            solara.HTML("ol", steps)
            Prose(f"**Look for:** {exercise.look_for}")
            solara.Button("Load", on_click=lambda e=exercise: load(e), outlined=True)


ABOUT = """
**What it is.** Two districts with the same citizens, the same needs and the same luck (common
random numbers), under two ways of organising care: *assess-do-refer* (a front door assesses
against thresholds, runs a short episode on the presenting need, refers the other needs onward
and closes the case) and *the Liberated Method* (a named caseworker with a small caseload holds
the person across all their needs). *Hybrid* sends people with many needs to caseworkers and the
rest to the front door.

**How it works.** One step is a week: people arrive; needs drift and spill over into each other;
crises happen, more often the more needs are active; people ask for help as need and trust allow;
workers spend their hours on whom they can, caseworkers on the most pressing first; the front door
raises its bar when its queue grows, and refused referrals are sent again; burnout, absence and
leaving follow from load. Nothing in the charts is scripted: crisis demand, failure demand and
burnout emerge from these rules.

**Things to notice.** The warm-up (grey; two years in the bundled district) is the district
settling from an empty start; watch the measured period. A dashed line marks each policy change.
*Failure demand* in the charts is what comes back to the door (people returning and chasing);
refusals and re-referrals further down the referral chain are not charted.

**Extending the model.** The model is `relsim/`; this app only reads it through
`relsim/viz/observe.py`. See `docs/teaching.md` and `docs/odd.md`.
"""


# -- the page -------------------------------------------------------------------------------
def _page_closed() -> threading.Event:
    """Set when the browser tab this page runs for is closed (its Solara kernel is); never set
    where the page is rendered without a server."""
    try:
        from solara.server import kernel_context

        return kernel_context.get_current_context().closed_event
    except Exception:  # no server, or no kernel for this page
        return threading.Event()


@solara.component
def Page() -> None:
    comparison = solara.use_memo(lambda: Comparison.from_file(_scenario_path()), [])
    opening = solara.use_memo(lambda: comparison.setup, [])
    wanted = solara.use_reactive(comparison.setup)
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(8)
    pending: solara.Reactive[list[str]] = solara.use_reactive([])
    followed: solara.Reactive[int | None] = solara.use_reactive(None)
    tab = solara.use_reactive(0)
    player = solara.use_ref(0)

    closed = _page_closed()

    def play() -> None:
        frames_per_second = 4
        player.current += 1  # a newer loop (pause, then play again) stops this one
        mine = player.current
        # a closed tab stops its districts: they ran on to the end of the run unseen, taking a
        # core from every other tab, for each tab closed or reloaded while playing
        while playing.value and player.current == mine and not closed.is_set():
            started = time.monotonic()
            weeks = max(1, round(speed.value / frames_per_second))
            comparison.advance(weeks)
            tick.set(tick.value + 1)
            if comparison.finished:
                playing.set(False)
                break
            time.sleep(max(0.0, weeks / speed.value - (time.monotonic() - started)))

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)
    frame = tick.value  # every view redraws when a frame is done

    solara.Title("relsim: two ways of organising care")
    solara.Style(
        ".relsim-scores td, .relsim-scores th { padding: 2px 10px; text-align: right; }"
        ".relsim-scores tbody th { text-align: left; font-weight: normal; }"
        # tabs switch at once: no slide while a room watches (and screenshots are not blurred)
        ".v-window__container, .v-window-item, [class*=v-window-x] { transition: none !important; }"
    )
    with solara.AppBar():
        solara.AppBarTitle("relsim · the same citizens under two ways of organising care")
    with solara.Sidebar(), solara.Column(gap="8px"):
        RunControls(comparison, playing, speed, tick, wanted, pending, frame)
        PolicyControls(comparison, wanted, tick, pending)
        DistrictControls(comparison, wanted, tick, pending)
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab("Compare"):
            CompareView(comparison, frame)
        with solara.lab.Tab("The system"):
            SystemView(comparison, followed, frame)
        with solara.lab.Tab("Journeys"):
            JourneyView(comparison, followed, frame)
        with solara.lab.Tab("Things to try"):
            ExercisesView(comparison, wanted, tick, pending, playing, tab, opening)
        with solara.lab.Tab("About"):
            Prose(ABOUT)
