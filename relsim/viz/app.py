"""The teaching app: a Solara page with the controls, the live charts of the two districts, the
picture of each system, one citizen's journeys and the guided exercises.

Every browser tab gets its own pair of districts. Stepping happens in a background thread that
bumps a counter after each frame; the charts are ECharts widgets whose options change in place,
so a new week redraws the lines, not the page.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import solara
import solara.lab

from relsim.viz import scenarios
from relsim.viz.controls import DistrictControls, PolicyControls, Prose, RunControls
from relsim.viz.session import (
    Comparison,
)
from relsim.viz.views import CompareView, ExercisesView, GuideView, JourneyView, SystemView

SCENARIO_ENV = "RELSIM_VIZ_SCENARIO"


def _scenario_path() -> Path:
    return Path(os.environ.get(SCENARIO_ENV) or scenarios.bundled_scenario("baseline"))


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
settling from an empty start; watch the measured period. A dashed line marks each policy
change, numbered as in the list above the charts; faint lines are the run before the last
Reset or Load. *Failure demand* in the charts is what comes
back to the door (people returning and chasing); refusals and re-referrals further down the
referral chain are not charted.

**Extending the model.** The model is `relsim/`; this app only reads it through
`relsim/viz/observe.py`. The *Guide* tab is the teaching guide (`docs/teaching.md`; its
*Words on the screen* says what each measure means); the model is described in `docs/odd.md`.
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

    def start() -> None:
        if playing.value:
            threading.Thread(target=play, daemon=True).start()

    # a thread of its own, not solara.lab.use_task: Solara keeps a task's first function for
    # good, and with it this tab's districts, after the tab is closed
    solara.use_effect(start, [playing.value])
    frame = tick.value  # every view redraws when a frame is done

    solara.Title("relsim: two ways of organising care")
    solara.Style(
        ".relsim-scores td, .relsim-scores th { padding: 2px 10px; text-align: right; }"
        ".relsim-scores tbody th { text-align: left; font-weight: normal; }"
        # tabs switch at once: no slide while a room watches (and screenshots are not blurred)
        ".v-window__container, .v-window-item, [class*=v-window-x] { transition: none !important; }"
        # six tabs in the room beside the controls at a projector's 125 % zoom (1024 px of
        # page), where Vuetify's widths put About and Guide behind a scroll arrow
        ".v-tabs .v-tab { min-width: 0; padding: 0 12px; letter-spacing: 0.02em; }"
        # on a phone the controls' panel, laid over the page, leaves a strip of it to tap,
        # which closes the panel (it was wider than the screen, with nothing beside it)
        "@media (max-width: 600px) {"
        " .v-navigation-drawer { width: 80vw !important; min-width: 0 !important; } }"
    )
    with solara.AppBar():
        solara.AppBarTitle("relsim · the same citizens under two ways of organising care")
    with solara.Sidebar(), solara.Column(gap="8px"):
        RunControls(comparison, playing, speed, tick, wanted, pending, frame)
        PolicyControls(comparison, wanted, tick, pending, comparison.finished)
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
        with solara.lab.Tab("Guide"):
            GuideView()
