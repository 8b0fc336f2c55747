"""The teaching app in a real browser: `relsim viz` is started as a user would start it, and
headless Chromium (Debian's package, driven by Playwright) moves a slider, steps the districts and
checks that the charts draw, that the two districts differ and that a journey has events.

Screenshots go to test-artefacts/viz/ (or $RELSIM_ARTEFACTS/viz/); with
RELSIM_UPDATE_TEACHING_SCREENSHOTS=1 they also replace the ones docs/teaching.md shows.
"""

from __future__ import annotations

import io
import os
import re
import select
import shutil
import time
from pathlib import Path

import pytest

from tests.browser_helpers import CHROMIUM, launch

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("RELSIM_ARTEFACTS", ROOT / "test-artefacts")) / "viz"
DOC_SHOTS = ROOT / "docs" / "teaching"
LINE_CHARTS = (
    "crises",
    "failure_demand",
    "cost",
    "waiting",
    "caseload",
    "utilisation",
    "burnout",
    "transactional",
)
SIDE_COLOURS = ((0xD9, 0x5F, 0x02), (0x1B, 0x9E, 0x77))  # charts.COLOURS
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (it comes with the dev extra)"
)
# What the page shows arrives as several messages: a check of it waits until it holds (or fails
# after the page's timeout) instead of reading the page once, between two of them.
expect = playwright_api.expect
expect.set_options(timeout=30_000)  # as the page's own, for a slow machine
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does)",
)

# What the echarts instance behind a chart element holds: points per series, policy-change marks.
CHART_DATA = """(testid) => {
    const defined = window.requirejs.s.contexts._.defined;
    const key = Object.keys(defined).find((k) => k.includes('echarts'));
    const el = document.querySelector(`[data-testid="${testid}"]`);
    const option = defined[key].getInstanceByDom(el).getOption();
    return {
        points: option.series.map((s) => s.data.length),
        marks: ((option.series[0].markLine || {}).data || []).map((d) => d.name),
    };
}"""


# The active tab's content has slid into place under the tab bar.
SETTLED = """() => {
    const shown = [...document.querySelectorAll('.v-window-item')].filter(
        (item) => getComputedStyle(item).display !== 'none');
    const tabs = document.querySelector('.v-tabs').getBoundingClientRect();
    return shown.length === 1 && Math.abs(shown[0].getBoundingClientRect().left - tabs.left) < 2;
}"""


# The week the page shows.
WEEK = """() => Number(document.querySelector('[data-testid="week"] b').textContent)"""


def _read_address(process, timeout: float = 60.0) -> str:
    """The address `relsim viz` prints once it listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if "http://" in line:
                return line.split("open ", 1)[1].split()[0]
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"relsim viz did not start: {process.stderr.read()}")


def _coloured_pixels(png: bytes, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(pixels - np.array(colour)).sum(axis=2) < tolerance).sum())


@pytest.fixture
def app_url(cli_popen):
    process = cli_popen("viz", "--port", "0")
    try:
        yield _read_address(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except Exception:
            process.kill()


@pytest.fixture
def page(app_url):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(30_000)

        def only_local(route) -> None:
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:  # the app must work offline: nothing may be fetched from elsewhere
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        # what the server could not serve from this machine (it fetches a missing front-end
        # file from a CDN, where there is a network)
        missing: list[str] = []
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.goto(app_url)
        yield page
        browser.close()
    assert outside == [], f"the app asked for files from outside this machine: {outside}"
    assert missing == [], f"the app asked for files this machine does not have: {missing}"


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    # Vuetify slides the new tab in: wait until the slide has finished
    page.wait_for_function(SETTLED)


def _shoot(page, name: str) -> None:
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("RELSIM_UPDATE_TEACHING_SCREENSHOTS"):
        DOC_SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, DOC_SHOTS / path.name)


def test_the_app_draws_live_charts_journeys_and_the_system(page) -> None:
    week = page.get_by_test_id("week")
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of").wait_for()
    # a mark on a chart's element survives the updates only if the page is not redrawn
    page.get_by_test_id("chart-crises").locator("canvas").first.wait_for()
    page.get_by_test_id("chart-crises").evaluate("(el) => { el.dataset.kept = 'yes'; }")
    page.get_by_role("button", name="+1 year").click()
    page.get_by_text("Week 53 of").wait_for()

    # a policy change while the model runs: referral friction 0.6 -> 0.9 by keyboard
    slider = page.locator(".v-input").filter(has_text="Referral friction").get_by_role("slider")
    slider.focus()
    for _ in range(6):
        slider.press("ArrowRight")
    page.get_by_text("Referral friction: 0.90").wait_for()
    page.get_by_role("button", name="+1 year").click()
    page.get_by_text("Week 105 of").wait_for()
    assert "Week 105" in week.inner_text()

    for key in LINE_CHARTS:
        page.wait_for_function(f"({CHART_DATA})('chart-{key}').points[0] === 105")
        data = page.evaluate(CHART_DATA, f"chart-{key}")
        assert data["points"] == [105, 105], key
        assert data["marks"] == ["1"], data["marks"]  # numbered, and said above the charts
    expect(page.get_by_test_id("changes")).to_contain_text("1 · week 53: referral friction 0.6→0.9")
    assert page.get_by_test_id("chart-crises").evaluate("(el) => el.dataset.kept") == "yes"
    crisis_chart = page.get_by_test_id("chart-crises").screenshot()
    for colour in SIDE_COLOURS:  # both lines are drawn, not just axes
        assert _coloured_pixels(crisis_chart, colour) > 100, colour

    scores_a = page.get_by_test_id("score-A").all_inner_texts()
    scores_b = page.get_by_test_id("score-B").all_inner_texts()
    assert len(scores_a) == len(scores_b) >= 6
    assert scores_a[0] != scores_b[0]  # crises so far differ between the two care models
    # two years into the measured period, so the pictures show more than the warm-up
    for week_reached in (157, 209):
        page.get_by_role("button", name="+1 year").click()
        page.get_by_text(f"Week {week_reached} of").wait_for()
    _shoot(page, "compare")

    _open_tab(page, "The system")
    for index in (0, 1):
        page.get_by_test_id(f"system-{index}").locator("canvas").first.wait_for()
        picture = page.get_by_test_id(f"system-{index}").screenshot()
        assert _coloured_pixels(picture, (0x41, 0x44, 0x87), 30) > 20  # people with 4+ needs
    _shoot(page, "system")

    _open_tab(page, "Journeys")
    page.get_by_role("button", name="Follow someone at random").click()
    for side in ("A", "B"):
        events = page.get_by_test_id(f"journey-events-{side}").locator("li")
        events.first.wait_for()
        assert events.count() >= 2
        assert "week" in events.first.inner_text()
    assert page.get_by_test_id("journey-events-A").inner_text() != ""
    page.get_by_test_id("timeline-0").locator("canvas").first.wait_for()
    _shoot(page, "journeys")

    _open_tab(page, "Things to try")
    page.get_by_text("Look for:").first.wait_for()
    _shoot(page, "things-to-try")

    # play runs the districts on by itself until paused
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"({WEEK})() >= 108")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    paused = page.evaluate(WEEK)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"({WEEK})() > {paused}")


def _has_square(png: bytes, colour: str, side: int) -> bool:
    """Somewhere in the image, a solid square of `colour` at least `side` pixels wide."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    solid = (np.abs(pixels - rgb).sum(axis=2) < 30).astype(int)
    sums = np.pad(solid.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    windows = sums[side:, side:] - sums[:-side, side:] - sums[side:, :-side] + sums[:-side, :-side]
    return bool((windows == side * side).any())


def test_the_needs_key_is_in_view_on_a_projector(page) -> None:
    """At 1280x720 The system shows its colour key of active needs without scrolling: each
    colour's square (12 pixels; a person's dot is at most 10 across) is on the screen."""
    from relsim.viz.system import NEED_PIECES

    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of").wait_for()
    _open_tab(page, "The system")
    page.get_by_test_id("system-1").locator("canvas").first.wait_for()
    time.sleep(1)  # the canvas is drawn after it is attached
    screen = page.screenshot()
    (ARTEFACTS / "system-1280x720.png").write_bytes(screen)
    for piece in NEED_PIECES:
        assert _has_square(screen, str(piece["color"]), 9), piece["label"]


def test_every_tab_is_in_view_at_a_projectors_zoom(page) -> None:
    """At 1280x720 zoomed to 125 % (1024x576 of page) all six tabs sit in the bar beside the
    controls: none hidden behind a scroll arrow, where a room would not find About or Guide."""
    page.set_viewport_size({"width": 1024, "height": 576})
    page.get_by_role("tab", name="Guide").wait_for()
    time.sleep(1)  # Vuetify measures the tabs again after the resize
    bar = page.locator(".v-tabs").bounding_box()
    assert bar is not None
    for tab in page.get_by_role("tab").all():
        box = tab.bounding_box()
        assert box is not None
        assert bar["x"] <= box["x"] and box["x"] + box["width"] <= bar["x"] + bar["width"], (
            tab.text_content()
        )
    assert page.locator(".v-slide-group--is-overflowing").count() == 0


def test_reset_applies_what_the_district_controls_waited_for(page) -> None:
    """After Reset the new districts have the changed workforce: no warning is left asking
    for a Reset that has been done."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of").wait_for()
    slider = page.locator(".v-input").filter(has_text="A: workers").get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    warning = page.get_by_text("Press Reset to apply")
    warning.wait_for()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Week 0 of").wait_for()
    warning.wait_for(state="detached")


def test_nothing_is_laid_over_the_page_on_a_projector(page) -> None:
    """At 1280x720 the bottom right holds charts and journeys: no banner may cover them."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_test_id("chart-payer").locator("canvas").first.wait_for()
    assert page.get_by_text("runs on Solara").count() == 0


def test_a_slider_dragged_while_running_is_one_policy_change(page) -> None:
    """Dragged across weeks of a running district, the slider applies where it is let go:
    one dashed line, not one for each week of the drag."""
    page.get_by_test_id("chart-crises").locator("canvas").first.wait_for()
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"({WEEK})() >= 2")
    control = page.locator(".v-input").filter(has_text="Continuity of staff")
    thumb = control.locator(".v-slider__thumb").bounding_box()
    track = control.locator(".v-slider").bounding_box()
    assert thumb is not None and track is not None
    y = thumb["y"] + thumb["height"] / 2
    page.mouse.move(thumb["x"] + thumb["width"] / 2, y)
    page.mouse.down()
    for step in range(1, 11):  # to the left end over a second or so: several weeks pass
        page.mouse.move(thumb["x"] - (thumb["x"] - track["x"]) * step / 10, y)
        page.wait_for_timeout(100)
    page.mouse.up()
    page.get_by_text("Continuity of staff: 0.00").wait_for()
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    page.wait_for_function(f"({CHART_DATA})('chart-crises').marks.length > 0")
    assert page.evaluate(CHART_DATA, "chart-crises")["marks"] == ["1"]
    assert page.get_by_test_id("changes").inner_text().count(" · week ") == 1
    expect(page.get_by_test_id("changes")).to_contain_text("continuity 0.8→0")


def test_a_care_model_is_chosen_by_its_name_in_words(page) -> None:
    """The district's care-model menus name the models as a class reads them, and choosing
    one at week 0 rebuilds that side under it."""
    menu = page.locator(".v-input").filter(has_text="B: care model")
    menu.click()
    options = page.locator(".menuable__content__active .v-list-item")
    options.first.wait_for()
    assert "Liberated Method" in options.all_inner_texts()
    assert not any("_" in text for text in options.all_inner_texts())
    options.filter(has_text="hybrid").click()
    page.get_by_text("B: hybrid").first.wait_for()
    # the hybrid's cap slider sets its duty workers' cap; its caseworkers keep their own
    page.get_by_text("B: duty workers' caseload cap 25").wait_for()


def test_each_knob_says_on_screen_what_its_ends_mean(page) -> None:
    """A class reads what 0 and 1 of each policy slider mean beside it, not only in the guide;
    a followed person's trust and relationship say what their scale is."""
    ends = page.locator(".relsim-knob-ends")
    ends.first.wait_for()
    texts = ends.all_inner_texts()
    assert len(texts) == 3
    assert texts[0].startswith("0 one need at a time") and "; 1 many coupled" in texts[0]
    assert texts[1].startswith("0 high turnover") and "; 1 stable staff" in texts[1]
    assert texts[2].startswith("0 referrals accepted at once") and "; 1 strict" in texts[2]


def test_no_services_has_no_workers_or_cap_to_set(page) -> None:
    """With no services a side has no posts: its workers and cap sliders say so and are off
    (they showed 12 workers capped at 25, and moving them asked for a Reset, or drew a policy
    change, that changed nothing)."""
    page.locator(".v-input").filter(has_text="B: care model").click()
    options = page.locator(".menuable__content__active .v-list-item")
    options.filter(has_text="no services").click()
    page.get_by_text("B: no services").first.wait_for()
    for label in ("B: no workers (no services)", "B: no caseloads (no services)"):
        control = page.locator(".v-input").filter(has_text=label)
        expect(control).to_have_class(re.compile(r"\bv-input--is-disabled\b"))


def test_a_care_model_chosen_comes_with_its_own_cap(page) -> None:
    """B switched to assess-do-refer gets the duty workers' cap (25), as Load gives it, not
    the caseworkers' 10 it had."""
    page.get_by_text("B: caseload cap 10").wait_for()
    page.locator(".v-input").filter(has_text="B: care model").click()
    options = page.locator(".menuable__content__active .v-list-item")
    options.filter(has_text="assess-do-refer").click()
    page.get_by_text("B: assess-do-refer").first.wait_for()
    page.get_by_text("B: caseload cap 25").wait_for()


def test_loading_an_exercise_opens_compare(page) -> None:
    """Load sets an exercise's values and shows the districts, where every exercise starts."""
    _open_tab(page, "Things to try")
    page.get_by_role("button", name="Load").first.click()
    page.wait_for_function(
        "() => document.querySelector('[role=tab][aria-selected=true]').textContent"
        ".trim().toLowerCase() === 'compare'"
    )
    page.wait_for_function(SETTLED)
    page.get_by_test_id("week").wait_for()


def test_a_seed_the_model_cannot_take_is_refused_in_words(page) -> None:
    """A negative seed is refused beside the box, which goes back to the seed in use; the
    districts and every other control go on working (taken, the next move of a slider replaced
    the page with an error)."""
    page.set_viewport_size({"width": 1280, "height": 720})
    seed = page.get_by_label("Seed")
    kept = seed.input_value()
    seed.fill("-1")
    seed.press("Enter")
    page.get_by_text("Seed -1 not taken").wait_for()
    expect(page.get_by_label("Seed")).to_have_value(kept)
    # what is not a whole number gets the same one message, in place of the last
    page.get_by_label("Seed").fill("1.5")
    page.get_by_label("Seed").press("Enter")
    page.get_by_text("Seed 1.5 not taken").wait_for()
    assert page.get_by_text("Seed -1 not taken").count() == 0
    assert page.get_by_text("must be an integer").count() == 0
    slider = page.locator(".v-input").filter(has_text="Referral friction").get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    page.get_by_text("Referral friction: 0.65").wait_for()
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of").wait_for()
    assert page.get_by_text("Traceback").count() == 0


def test_load_brings_back_the_seed_the_guide_was_seen_with(page) -> None:
    """Another seed tried, Load runs the exercise on the seed the app opened with, as the
    guide's numbers were seen; the seed tried was carried into every exercise loaded after."""
    seed = page.get_by_label("Seed")
    opened = seed.input_value()
    seed.fill("7")
    seed.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"week\"]') && "
        "[...document.querySelectorAll('input')].some((i) => i.value === '7')"
    )
    _open_tab(page, "Things to try")
    page.get_by_role("button", name="Load").first.click()
    page.get_by_text("Citizens: 1,500").wait_for()
    expect(page.get_by_label("Seed")).to_have_value(opened)


def test_citizen_0_can_be_typed_and_a_number_past_the_last_is_told(page) -> None:
    """The Citizen number box is empty until someone is followed: showing 0, it could not be
    typed to follow citizen 0. A number past the district's last says so."""
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of").wait_for()
    _open_tab(page, "Journeys")
    box = page.get_by_label("Citizen number")
    box.fill("0")
    box.press("Enter")
    page.get_by_text("citizen 0, now").first.wait_for()
    box.fill("99999")
    box.press("Enter")
    page.get_by_text("There is no citizen 99999").wait_for()


def test_follow_someone_at_random_with_no_one_to_follow_says_so(page) -> None:
    """At week 0 nobody has asked for help: the button says why it follows no one, where it
    did nothing at all."""
    _open_tab(page, "Journeys")
    page.get_by_role("button", name="Follow someone at random").click()
    page.get_by_text("Nobody has yet asked for help").wait_for()
    page.get_by_role("button", name="+1 year").click()
    page.get_by_text("Week 52 of").wait_for()
    assert page.get_by_text("Nobody has yet asked for help").count() == 0
    page.get_by_role("button", name="Follow someone at random").click()
    page.get_by_text("workers met").first.wait_for()


def test_the_end_of_the_run_says_what_runs_the_districts_again(page) -> None:
    """At the horizon Play, Step and +1 year are off, and the week line says why and what to
    press; Play stayed on and did nothing, the other two were greyed without a word."""
    slider = page.locator(".v-input").filter(has_text="Citizens").get_by_role("slider")
    slider.focus()
    slider.press("Home")  # the smallest district runs to the end in a few seconds
    page.get_by_text("Citizens: 200").wait_for()
    horizon = int(page.get_by_test_id("week").inner_text().split(" of ")[1].split()[0])
    for _ in range(-(-horizon // 52)):
        week = page.evaluate(WEEK)
        page.get_by_role("button", name="+1 year").click()
        page.wait_for_function(f"({WEEK})() > {week}")
    page.get_by_text("the end of the run: Reset, or Load an exercise").wait_for()
    for name in ("Play", "Step", "+1 year"):
        expect(page.get_by_role("button", name=name)).to_be_disabled()
    # a knob moved now has no week left to apply to: it waits for Reset, said where it moved
    page.get_by_text("the run has ended: a change waits for Reset").wait_for()
    knob = page.locator(".v-input").filter(has_text="Referral friction").get_by_role("slider")
    knob.focus()
    knob.press("ArrowRight")
    page.get_by_text("(the run has ended)").first.wait_for()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Week 0 of").wait_for()
    assert page.get_by_role("button", name="Play").is_enabled()


# Where, on the page, the first person marked with a crisis this week is drawn, and who it is.
CRISIS_PERSON = """(testid) => {
    const defined = window.requirejs.s.contexts._.defined;
    const key = Object.keys(defined).find((k) => k.includes('echarts'));
    const el = document.querySelector(`[data-testid="${testid}"]`);
    const chart = defined[key].getInstanceByDom(el);
    const series = chart.getOption().series;
    const people = series.find((s) => s.name === 'people').data;
    const ring = series.findIndex((s) => s.name === 'crisis this week');
    const at = series[ring].data[0];
    const row = people.find((p) => p[0] === at[0] && p[1] === at[1])[4];
    const point = chart.convertToPixel({seriesIndex: ring}, at);
    const box = el.getBoundingClientRect();
    return {x: box.left + point[0], y: box.top + point[1], row: row};
}"""


def test_a_person_in_crisis_can_be_clicked_to_follow(page) -> None:
    """A click on a person ringed for a crisis this week follows them; the ring took the click
    and nothing happened, for the very people a class most wants to follow."""
    page.get_by_role("button", name="+1 year").click()
    page.get_by_text("Week 52 of").wait_for()
    _open_tab(page, "The system")
    page.get_by_test_id("system-1").locator("canvas").first.wait_for()
    page.wait_for_timeout(500)  # the picture drawn
    person = page.evaluate(CRISIS_PERSON, "system-1")
    page.mouse.click(person["x"], person["y"])
    _open_tab(page, "Journeys")
    page.get_by_text(f"citizen {person['row']}, now").first.wait_for()


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_tab_left_while_playing_stops_its_districts(cli_popen) -> None:
    """Left (closed, reloaded or navigated away from) while playing, a tab's districts stop:
    they ran on unseen to the end of the run, taking a core from the tabs still open."""
    process = cli_popen("viz", "--port", "0")
    try:
        url = _read_address(process)
        with playwright_api.sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(url)
            speed = page.locator(".v-input").filter(has_text="Speed").get_by_role("slider")
            speed.focus()
            speed.press("End")  # 26 weeks a second: to the end of the run in some 14 seconds
            page.get_by_role("button", name="Play").click()
            page.wait_for_function(f"({WEEK})() >= 12")
            page.goto("about:blank")  # the tab leaves the app, as on a close or a reload
            time.sleep(3)  # the page's close reaches the server, and a frame ends
            before = _cpu_seconds(process.pid)
            time.sleep(3)
            busy = _cpu_seconds(process.pid) - before
            browser.close()
        assert busy < 0.6, f"the server used {busy:.1f} s of CPU in 3 s with no tab open"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_guide_is_a_tab_of_the_app(page) -> None:
    """A teacher who installed relsim has the guide beside the model, pictures included,
    with nothing fetched from elsewhere (the fixture checks every request)."""
    _open_tab(page, "Guide")
    guide = page.get_by_test_id("guide")
    guide.get_by_text("Teaching with relsim in the browser").wait_for()
    assert guide.locator('img[src^="data:image/png"]').count() >= 4
    assert guide.get_by_text("4. Thresholds and legacies").count() >= 1


def test_on_a_phone_the_controls_leave_a_strip_of_the_page_to_close_them(page) -> None:
    """At a phone's width the controls' panel, open over the page, leaves part of it in view; a
    tap there closes the panel (it covered the whole screen, the ☰ button too, and only a swipe
    nobody is told of closed it)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    drawer = page.locator(".v-navigation-drawer")
    expect(drawer).to_have_class(re.compile(r"\bv-navigation-drawer--open\b"))
    box = drawer.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390 * 0.85, box
    page.mouse.click(380, 600)
    expect(drawer).not_to_have_class(re.compile(r"\bv-navigation-drawer--open\b"))
