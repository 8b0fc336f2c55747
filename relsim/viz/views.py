"""The teaching app's tabs: the two districts' live charts and scoreboard, the picture of each
system, one citizen's journeys and the guided exercises, each redrawn when a frame is done."""

from __future__ import annotations

import html

import solara
import solara.lab

from relsim.viz import charts, exercises, guide, journey, observe, system
from relsim.viz.controls import PROSE_CLASSES, Prose, side_label
from relsim.viz.session import (
    SIDES,
    Comparison,
    Setup,
)

CHART_STYLE = {"style": "height: 250px; width: 100%;"}


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
            charts.line_chart(
                spec,
                comparison.history,
                labels,
                warmup,
                horizon,
                comparison.changes,
                comparison.previous,
            )
            for spec in charts.LINE_CHARTS
        ]
        payer = charts.payer_chart(comparison.history, labels)
        scores = _scoreboard_html(comparison)
        notes = charts.change_notes(comparison.changes)
        faint = charts.previous_note(comparison.previous, comparison.started)
    # The charts first, the scoreboard under them: below a scoreboard a 1280x720 projector
    # showed no chart at all while the districts played. The list of changes is always there,
    # empty until a change: a new element before the charts made every chart be drawn afresh.
    changed = (
        ("Policy changes (the numbered dashed lines): " + "; ".join(map(html.escape, notes)) + ".")
        if notes
        else ""
    )
    solara.HTML(
        "div",
        "<br>".join(part for part in (changed, html.escape(faint)) if part),
        attributes={"data-testid": "changes", "style": "font-size: 14px; margin: 4px 0"},
    )
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
    solara.HTML("div", scores, attributes={"data-testid": "scoreboard"})


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
        "on the right, each person drawn once, in one place: someone seeing one specialist while "
        "on another's list is drawn with the specialist, and someone held by a worker in the "
        "worker's box, so the queues here can add to fewer than the *People waiting* chart, "
        "which counts everyone on any list. **Label**: caseload / cap (a caseworker takes back "
        "someone they held "
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
                attributes={
                    "style": f"height: {system.SYSTEM_HEIGHT_PX}px; width: 100%;",
                    "data-testid": f"system-{i}",
                },
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
        # more than the citizens slider's count: people who moved in since have numbers too
        solara.Text(
            f"(0 to {max(count - 1, 0)}, everyone who has lived in the district, newcomers "
            "included; or click a person in The system)"
        )
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
    weeks = journey.timeline_weeks([events for _, events, _, _ in stories], comparison.week)
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
                    option=journey.timeline_chart(events, f"Timeline under {SIDES[i]}", weeks),
                    attributes={
                        "style": "height: 260px; width: 100%;",
                        "data-testid": f"timeline-{i}",
                    },
                    responsive=True,
                )
                numbers = journey.worker_numbers(events)
                items = "".join(
                    f"<li><b>week {e.week}</b> {html.escape(journey.describe(e, numbers))}</li>"
                    for e in reversed(events[-journey.LISTED_EVENTS :])
                )
                Prose(journey.listed_words(len(events)))
                solara.HTML(
                    "ol",
                    items,
                    attributes={
                        "data-testid": f"journey-events-{SIDES[i]}",
                        # numbered as the person's events are, the first 1, newest at the top
                        "reversed": "",
                        "start": str(len(events)),
                        # room for a number of four digits ("201." was cut to "01.")
                        "style": "max-height: 260px; overflow-y: auto; font-size: 90%; "
                        "padding-left: 3.5em;",
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
        "with what each one shows and questions for the room, is the *Guide* tab."
    )
    for exercise in exercises.EXERCISES:
        with solara.Card(exercise.title, subtitle=exercise.idea, margin=0):
            steps = "".join(f"<li>{html.escape(s)}</li>" for s in exercise.steps)
            solara.HTML("ol", steps)
            Prose(f"**Look for:** {exercise.look_for}")
            solara.Button("Load", on_click=lambda e=exercise: load(e), outlined=True)


@solara.component
def GuideView() -> None:
    solara.HTML(
        "div",
        unsafe_innerHTML=guide.guide_html(),
        classes=PROSE_CLASSES,
        attributes={"data-testid": "guide"},
    )
