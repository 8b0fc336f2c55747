"""The teaching app's sidebar: running and stepping the two districts, the policy sliders of
each side and the district's own settings, each change applied at the next week (or, for the
district, by starting again at week 0), and the labels that say what each slider holds."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

import markdown
import reacton.ipyvuetify as rv
import solara
import solara.lab

from relsim.config.errors import printable
from relsim.config.schema import Scenario
from relsim.viz import charts, observe, scenarios
from relsim.viz.session import (
    CAP_RANGE,
    CITIZENS_RANGE,
    SEED_RANGE,
    SIDES,
    WORKERS_RANGE,
    Comparison,
    Setup,
    Staffing,
    preset_side,
    rescaled,
)

YEAR = charts.YEAR


def side_label(setup: Setup, index: int) -> str:
    return f"{SIDES[index]}: {scenarios.care_model_words(setup.sides[index].care_model)}"


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


#: solara.Markdown's look, for HTML made here
PROSE_CLASSES = ["solara-markdown", "rendered_html", "jp-RenderedHTMLCommon"]


@solara.component
def ResetNotice(pending: list[str]) -> None:
    """What waits for Reset, if anything."""
    if pending:
        solara.Warning(f"Press Reset to apply: {', '.join(pending)}", dense=True, icon=True)


@solara.component
def Prose(text: str) -> None:
    """Markdown made HTML here, not by `solara.Markdown`, whose page loads KaTeX (for maths this
    app never writes) from a CDN through the server: nothing is fetched from elsewhere."""
    solara.HTML(
        "div",
        unsafe_innerHTML=markdown.markdown(text),
        classes=PROSE_CLASSES,
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
        solara.SliderInt(
            # what is asked: a large district, or a machine shared by a class, runs slower
            f"Speed: up to {speed.value} week{'' if speed.value == 1 else 's'} a second",
            value=speed,
            min=1,
            max=26,
        )


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
    finished: bool = False,  # at the horizon (a prop, so that the card redraws when it is)
) -> None:
    setup = wanted.value
    change = _changer(comparison, wanted, tick, pending)

    subtitle = (
        "the run has ended: a change waits for Reset"
        if finished
        else "applies at once, even while running"
    )
    with solara.Card("Policy", subtitle=subtitle, margin=0):
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
        if finished:  # said here too, where the slider moved
            ResetNotice(pending.value)
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


def seed_refusal(typed: str, kept: int) -> str | None:
    """Why the seed box does not take what was `typed` (None: it does), in words a class can
    follow. A scenario refuses a seed outside `SEED_RANGE`: taken, it left the districts on
    their old seed while the box showed the new one, and the next move of any control replaced
    the page with an error."""
    low, high = SEED_RANGE
    seed = parse_seed(typed)
    if seed is not None and low <= seed <= high:
        return None
    if seed is not None and seed > high:
        rule = f"a seed is a whole number no larger than {high:,}"
    else:
        rule = f"a seed is a whole number, {low} or more"
    shown = printable(typed.strip(), 40)
    return f"{f'Seed {shown}' if shown else 'An empty seed'} not taken: {rule}. Still {kept}."


def parse_seed(typed: str) -> int | None:
    """The whole number typed (signs and digits only), or None."""
    text = typed.strip().replace(",", "").replace("_", "")
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


@solara.component
def SeedInput(seed: int, on_seed: Callable[[int], None]) -> None:
    """The seed box. It reads what was typed itself, so that anything it cannot take gets one
    message of its own, replacing any earlier one."""
    refused = solara.use_reactive(cast("tuple[str, int] | None", None))  # (why, seed kept)
    attempts = solara.use_reactive(0)

    def typed(text: str) -> None:
        why = seed_refusal(text, seed)
        if why is None:
            refused.set(None)
            on_seed(parse_seed(text) or 0)
        else:
            refused.set((why, seed))
            attempts.set(attempts.value + 1)  # a new box, showing the seed still in use

    # a new box each time a number is refused: its text goes back to the seed in use
    solara.InputText("Seed", value=str(seed), on_value=typed).key(f"seed-{attempts.value}")
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
        name = next(m for m in scenarios.care_models() if scenarios.care_model_words(m) == words)
        # staffed and capped as its bundled scenario is, as Load does: with the other model's
        # cap kept, B switched to assess-do-refer had duty workers capped at 10, not 25
        side = preset_side(name, wanted.value.citizens)
        change(
            wanted.value.side(
                index, care_model=name, workers=side.workers, caseload_cap=side.caseload_cap
            )
        )

    staffing = solara.use_ref(cast("list[Staffing | None]", [None, None]))

    def citizens(value: int) -> None:
        old = wanted.value
        new = replace(old, citizens=value)
        for i in range(2):
            scaled = rescaled(old.sides[i], old.citizens, value, staffing.current[i])
            staffing.current[i] = scaled
            new = new.side(i, workers=scaled.scaled_workers)
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
                values=[scenarios.care_model_words(m) for m in scenarios.care_models()],
                value=scenarios.care_model_words(setup.sides[index].care_model),
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
        ResetNotice(pending.value)
