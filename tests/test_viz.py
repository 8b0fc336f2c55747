"""The teaching app without a browser: what it reads from the models, how it runs the pair of
districts and applies a policy change mid-run, what it draws, and the `relsim viz` command's
handling of bad input."""

from __future__ import annotations

import html
import itertools
import re
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from relsim.config.schema import Scenario
from relsim.records import EVENT_KINDS
from relsim.viz import charts, exercises, journey, observe, scenarios, session, system
from relsim.viz.session import Comparison, Setup

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\n"
        "population:\n  citizens: 400\ntime:\n  weeks: 30\n  warmup_weeks: 10\n"
    )
    return path


@pytest.fixture
def comparison(small: Path) -> Comparison:
    return Comparison.from_file(small)


def test_the_two_districts_meet_the_same_citizens(comparison: Comparison) -> None:
    """Side B is the contrasting care model, with the same seed: the same people arrive."""
    a, b = comparison.models
    assert comparison.setup.sides[0].care_model == "assess_do_refer"
    assert comparison.setup.sides[1].care_model == "liberated"
    comparison.advance(20)
    assert observe.citizen_count(a) == observe.citizen_count(b)
    arrivals = [
        [(e.week, e.kind) for e in observe.journey(m, row) if e.kind == "arrived"]
        for m in (a, b)
        for row in (0, 150, observe.citizen_count(a) - 1)
    ]
    assert arrivals[:3] == arrivals[3:]
    totals = [sum(m.crises for m in h) for h in comparison.history]
    assert totals[0] != totals[1]


def test_weekly_costs_by_payer_add_up_to_the_total(comparison: Comparison) -> None:
    comparison.advance(15)
    for history in comparison.history:
        assert [m.week for m in history] == list(range(1, 16))
        for m in history:
            assert sum(m.cost_by_payer.values()) == pytest.approx(m.total_cost)


def test_a_policy_change_mid_run_reaches_both_districts(comparison: Comparison) -> None:
    comparison.advance(5)
    before = [observe.scenario_of(m) for m in comparison.models]
    wanted = replace(comparison.setup, referral_friction=0.95).side(1, caseload_cap=4)
    assert comparison.change(wanted) == []
    after = [observe.scenario_of(m) for m in comparison.models]
    for old, new in zip(before, after, strict=True):
        assert new.referral_friction == 0.95
        # knob-derived parameters follow the knob unless the scenario wrote them
        assert (
            new.assess_do_refer.waiting_dropout_per_week
            > old.assess_do_refer.waiting_dropout_per_week
        )
    assert {w.cap for w in observe.worker_states(comparison.models[1])} == {4}
    assert [c.week for c in comparison.changes] == [5]
    assert "referral friction 0.6→0.95" in comparison.changes[0].text
    # moving the slider on within the same week makes one change, from where the week began
    comparison.change(replace(comparison.setup, referral_friction=0.8))
    assert [c.text for c in comparison.changes] == ["referral friction 0.6→0.8, B: cap 10→4"]
    comparison.change(replace(comparison.setup, referral_friction=0.6).side(1, caseload_cap=10))
    assert comparison.changes == []
    comparison.change(replace(comparison.setup, referral_friction=0.95).side(1, caseload_cap=4))
    comparison.advance(3)  # the models run on with the new policy
    assert comparison.week == 8


def test_what_needs_new_districts_waits_for_reset(comparison: Comparison) -> None:
    comparison.advance(3)
    wanted = replace(comparison.setup, citizens=500, continuity=0.9).side(0, workers=9)
    pending = comparison.change(wanted)
    # named as the controls are, and the side whose control it is: not "workforce.workers"
    assert pending == ["A's workers", "citizens"]
    care = comparison.change(wanted.side(1, care_model="hybrid"))
    assert care == ["A's workers", "B's care model", "citizens"]
    assert comparison.setup.citizens == 400  # still the running district
    assert observe.scenario_of(comparison.models[0]).continuity == 0.9  # applied now
    with pytest.raises(ValueError, match=r"workforce\.workers"):
        observe.apply_policy(comparison.models[0], comparison.scenario(wanted, 0))
    comparison.rebuild(wanted)
    assert comparison.week == 0 and comparison.setup.citizens == 500
    assert observe.scenario_of(comparison.models[0]).workforce.workers == 9


def test_at_week_zero_a_change_rebuilds_the_districts(comparison: Comparison) -> None:
    wanted = replace(comparison.setup, demand_complexity=0.9, seed=7)
    assert comparison.change(wanted) == []
    assert comparison.changes == []
    assert all(observe.scenario_of(m).seed == 7 for m in comparison.models)


def test_the_picture_places_everyone_held_with_their_worker(comparison: Comparison) -> None:
    comparison.advance(12)
    for model in comparison.models:
        snapshot = observe.citizen_snapshot(model)
        workers = observe.worker_states(model)
        for worker in workers:
            held = (snapshot.place == observe.PLACE_WORKER) & (snapshot.post == worker.post)
            assert held.sum() == worker.caseload
        x, y, rows, boxes, counts = system.layout(snapshot, workers)
        assert len(x) == len(y) == len(rows) == len(set(rows.tolist()))
        assert counts["held by a worker"] == sum(w.caseload for w in workers)
        option = system.system_chart(snapshot, workers, "A", followed=int(rows[0]))
        people = option["series"][0]
        assert len(people["data"]) == len(rows)
        assert len(people["markArea"]["data"]) == len(boxes)
        assert option["series"][-1]["name"] == "followed"
        assert len(option["series"][-1]["data"]) == 1


def test_charts_hold_a_point_a_week_and_mark_policy_changes(comparison: Comparison) -> None:
    comparison.advance(6)
    comparison.change(replace(comparison.setup, continuity=0.1))
    comparison.advance(4)
    labels = ["A", "B"]
    for spec in charts.LINE_CHARTS:
        option = charts.line_chart(spec, comparison.history, labels, 10, 40, comparison.changes)
        assert [len(s["data"]) for s in option["series"]] == [10, 10]
        assert option["series"][0]["markLine"]["data"][0]["xAxis"] == 6
        values = np.array([v for _, v in option["series"][0]["data"]])
        assert np.isfinite(values).all()
        # a hovered week is headed 'week 52', not the axis value '52.00'
        assert option["xAxis"]["axisPointer"]["label"] == {
            "precision": 0,
            "formatter": "week {value}",
        }
        # kept inside its chart: by the screen's left edge it opened off it, cut to "week 6"
        assert option["tooltip"]["confine"] is True
    payer = charts.payer_chart(comparison.history, labels)
    assert payer["tooltip"]["confine"] is True
    assert [len(s["data"]) for s in payer["series"]] == [3, 3]
    scores = charts.headlines(comparison.history)
    assert any(h.values[0] != h.values[1] for h in scores)


def test_the_picture_keeps_its_legend_clear_of_its_title(comparison: Comparison) -> None:
    """In half of a 1280-pixel screen the title's counts and the legend do not fit on one line:
    the legend is under them, and the boxes under the legend."""
    model = comparison.models[0]
    option = system.system_chart(
        observe.citizen_snapshot(model), observe.worker_states(model), "A: assess-do-refer"
    )
    marks, roles = option["legend"]
    assert marks["top"] >= 36
    assert roles["top"] >= marks["top"] + 20
    assert option["grid"]["top"] >= roles["top"] + 20


def test_the_needs_key_is_above_the_boxes(comparison: Comparison) -> None:
    """The colour key of active needs is a line of its own between the legend and the boxes; at
    the foot of the picture it was below the fold of a 1280x720 screen."""
    model = comparison.models[0]
    option = system.system_chart(
        observe.citizen_snapshot(model), observe.worker_states(model), "A: assess-do-refer"
    )
    key = next(v for v in option["visualMap"] if v["type"] == "piecewise")
    assert "bottom" not in key
    assert key["top"] >= max(legend["top"] for legend in option["legend"]) + 20
    assert option["grid"]["top"] >= key["top"] + 20
    assert option["grid"]["bottom"] < 20  # no room is kept for a key at the foot


# A chart is a third of the main pane on a 1280x720 projector, about 290 pixels: room for some
# 50 characters of its subtitle; beyond that the subtitle is cut off mid-word.
def test_every_payer_is_named_under_its_bars() -> None:
    """Three names in a third of a 1280-pixel screen: each shown, broken over lines to fit."""
    axis = charts.payer_chart(([], []), ["A", "B"])["xAxis"]
    assert axis["data"] == list(charts.PAYER_LABELS.values())
    assert axis["axisLabel"]["interval"] == 0
    assert axis["axisLabel"]["overflow"] == "break"
    assert axis["axisLabel"]["lineHeight"] >= 12


def test_a_timeline_names_its_weeks_inside_the_chart() -> None:
    """'week' under the axis, where the chart has room for it; at the axis's end, 16 pixels
    from the chart's edge, it was cut off."""
    axis = journey.timeline_chart([], "Timeline under A", (0, 364))["xAxis"]
    assert axis["name"] == "week"
    assert axis["nameLocation"] == "middle"


def test_a_timeline_spans_the_persons_time_in_the_district_so_far() -> None:
    """From their arrival to this week, the same on both sides: up to the end of the run, a
    person followed at week 110 had their events in the first third of the axis."""
    a = [observe.JourneyEvent(week, "presented", -1, "", 0.0) for week in (40, 60, 100)]
    b = [observe.JourneyEvent(week, "presented", -1, "", 0.0) for week in (40, 90, 112)]
    weeks = journey.timeline_weeks([a, b], 110)
    assert weeks == (40, 112)
    for events in (a, b):
        axis = journey.timeline_chart(events, "A", weeks)["xAxis"]
        assert (axis["min"], axis["max"]) == (40, 112)
    # a newcomer's first events are not spread over the whole chart
    assert journey.timeline_weeks([a[:1], []], 41) == (40, 40 + journey.SHORTEST_TIMELINE_WEEKS)
    assert journey.timeline_weeks([[], []], 5) == (0, journey.SHORTEST_TIMELINE_WEEKS)


def test_a_timeline_names_round_weeks_and_its_ends_only_where_they_are_clear() -> None:
    """A person who arrived at week 37, followed at week 63, had '37 40' and '60 63' printed
    nearly over each other: the round weeks are named, and an end only clear of them."""

    def named(first: int, last: int) -> tuple[int, bool, bool]:
        axis = journey.week_axis_labels(first, last)
        assert axis["minInterval"] == axis["maxInterval"]  # ECharts keeps to this step
        shown = axis["axisLabel"]
        return axis["minInterval"], shown["showMinLabel"], shown["showMaxLabel"]

    assert named(37, 63) == (10, False, False)  # 40 50 60
    assert named(13, 39) == (10, True, True)  # 13 20 30 39
    assert named(180, 364) == (50, False, False)  # 200 250 300 350
    assert named(0, 364) == (100, True, True)  # 0 100 200 300 364
    for first in range(0, 300, 7):
        for span in (26, 60, 150, 364):
            step, _, _ = named(first, first + span)
            assert span / step <= journey.TIMELINE_STEPS or step == journey.TICK_WEEKS[-1]


def test_following_someone_at_random_again_moves_on() -> None:
    """The same view gives the same pick (a class can compare notes), and pressing the button
    again follows someone else, as docs/teaching.md asks the class to do; it used to pick the
    same person however often it was pressed in a week."""
    rows = list(range(100, 400, 3))
    first = observe.followable_pick(rows, 156, None)
    assert first == observe.followable_pick(rows, 156, None)
    picks = [first]
    for _ in range(5):
        picks.append(observe.followable_pick(rows, 156, picks[-1]))
    assert len(set(picks)) >= 4 and all(pick in rows for pick in picks)


def test_journeys_are_told_in_words(comparison: Comparison) -> None:
    comparison.advance(25)
    model = comparison.models[0]
    rows = observe.followable_citizens(model)
    assert rows.size
    events = observe.journey(model, int(rows[0]))
    assert events[0].kind == "arrived"
    assert any(e.kind == "presented" for e in events)
    summary = journey.summarise(events, observe.citizen_now(model, int(rows[0])))
    assert summary.crises == sum(e.kind.startswith("crisis_") for e in events)
    option = journey.timeline_chart(events, "A", (0, 40))
    assert sum(len(s["data"]) for s in option["series"]) == len(events)
    for kind in EVENT_KINDS:
        text = journey.describe(observe.JourneyEvent(3, kind, 12, "housing", 1.0))
        assert text and "_" not in text
    assert journey.describe(observe.JourneyEvent(3, "something_new", -1, "", 0.0))
    assert observe.citizen_now(model, 10**9) is None


def test_an_arrival_is_said_as_moving_in_or_being_there_at_the_start() -> None:
    """'moved into view with needs' puzzled a reader: week 0's arrivals are the people living
    in the district when it starts."""
    assert journey.describe(observe.JourneyEvent(0, "arrived", -1, "", 0.0)) == (
        "living in the district at the start"
    )
    assert journey.describe(observe.JourneyEvent(30, "arrived", -1, "", 0.0)) == (
        "moved into the district"
    )


def test_a_journey_numbers_its_workers_in_the_order_the_person_met_them() -> None:
    """The model's worker ids (in the thousands) match nothing on screen; numbered in the
    order the person met them, the list shows whether it is the same worker again."""
    events = [
        observe.JourneyEvent(1, "assessed", 2088, "", 0.0),
        observe.JourneyEvent(2, "allocated", 2105, "", 0.0),
        observe.JourneyEvent(5, "episode_closed", 2105, "", 0.0),
        observe.JourneyEvent(9, "assessed", 2088, "", 0.0),
    ]
    numbers = journey.worker_numbers(events)
    assert numbers == {2088: 1, 2105: 2}
    said = [journey.describe(e, numbers) for e in events]
    assert said[0] == "assessed at the front door (their worker 1)"
    assert said[2] == "episode ended, case closed (their worker 2)"
    assert said[3].endswith("(their worker 1)")
    assert not any("2088" in text or "2105" in text for text in said)
    tips = [
        d["name"] for s in journey.timeline_chart(events, "A", (0, 10))["series"] for d in s["data"]
    ]
    assert "week 2: allocated a short episode (their worker 2)" in tips


@pytest.mark.parametrize("exercise", exercises.EXERCISES, ids=lambda e: e.title)
def test_every_exercise_loads_and_runs(exercise: exercises.Exercise, small: Path) -> None:
    comparison = Comparison.from_file(small)
    setup = exercise.setup(comparison.setup)
    assert isinstance(setup, Setup)
    comparison.rebuild(setup)
    comparison.advance(3)
    for key, value in exercise.settings.items():
        side, _, name = key.rpartition(".")
        target = setup.sides["AB".index(side)] if side else setup
        assert getattr(target, name) == value


def test_the_teaching_guide_has_every_exercise_with_its_settings() -> None:
    guide = (ROOT / "docs" / "teaching.md").read_text()
    for exercise in exercises.EXERCISES:
        assert f"### {exercise.title}" in guide
        section = guide.split(f"### {exercise.title}", 1)[1].split("\n### ", 1)[0]
        for key, value in exercise.settings.items():
            if exercises.DEFAULTS.get(key) != value:
                assert f"{key} = {value}" in section, (exercise.title, key)
    for image in re.findall(r"\]\((teaching/[^)]+\.png)\)", guide):
        assert (ROOT / "docs" / image).is_file(), image
    assert len(exercises.EXERCISES) in range(6, 9)


def test_viz_with_a_bad_scenario_is_one_line_and_exit_2(tmp_path: Path, cli_run) -> None:
    (tmp_path / "bad.yaml").write_text("name: x\nreferral_friction: 3\n")
    for name, fragment in (("bad.yaml", "referral_friction"), ("missing.yaml", "no such file")):
        result = cli_run("viz", name, "--port", "0", cwd=tmp_path, timeout=60)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"relsim: error: {name}") and fragment in lines[0]
        assert result.stdout == ""


def test_a_side_switched_to_the_hybrid_runs_the_bundled_hybrid(comparison: Comparison) -> None:
    """The app's hybrid is the hybrid scenario's split, caps and threshold, not the schema's."""
    bundled = scenarios.resolve(
        scenarios.scenario_data(scenarios.bundled_scenario("hybrid")), "hybrid.yaml"
    ).hybrid
    assert bundled != type(bundled)()  # the bundled file sets its own hybrid
    wanted = comparison.setup.side(1, care_model="hybrid")
    assert comparison.scenario(wanted, 1).hybrid == bundled
    assert comparison.scenario(wanted, 0).care_model != "hybrid"


def test_the_announced_address_is_one_that_can_be_opened():
    """Listening on every address (0.0.0.0), the app names the machine, not 0.0.0.0."""
    import socket

    from relsim.viz.server import url_of

    for host, expected in (("127.0.0.1", "http://127.0.0.1:"), ("0.0.0.0", "http://")):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            url = url_of(sock)
        assert url.startswith(expected) and "0.0.0.0" not in url, url
    assert socket.gethostname() in url and "every address" in url


def test_viz_refuses_values_its_sliders_cannot_show(tmp_path: Path, cli_run) -> None:
    """A slider cannot show a value beyond its range, and its first move would replace it: such
    a scenario is refused in one line naming each value and its slider's range."""
    (tmp_path / "odd.yaml").write_text(
        "name: odd\ncare_model: liberated\npopulation:\n  citizens: 50000\n"
        "workforce:\n  workers: 0\n"
    )
    result = cli_run("viz", "odd.yaml", "--port", "0", cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relsim: error: odd.yaml:"), result.stderr
    assert "population.citizens 50,000 (slider 200 to 5,000)" in lines[0]
    assert "A's workforce.workers 0 (slider 1 to 150)" in lines[0]


def test_every_bundled_scenario_fits_the_sliders() -> None:
    for name in ("baseline", "liberated", "hybrid"):
        path = scenarios.bundled_scenario(name)
        setup = session.initial_setup(scenarios.resolve(scenarios.scenario_data(path), name))
        assert session.outside_sliders(setup) == [], name


def test_a_scenario_without_workers_is_told_why_the_sides_differ(tmp_path: Path) -> None:
    """Side A runs the schema's default workforce, as `relsim run` does, while B's bundled
    workforce is scaled to the district: the terminal says so rather than leave it unexplained."""
    data = {"name": "x", "care_model": "liberated", "population": {"citizens": 5000}}
    setup = session.initial_setup(scenarios.resolve(data, "x.yaml"))
    default = scenarios.resolve({}, "default").workforce.workers
    bundled = scenarios.workforce_presets()["assess_do_refer"][0]
    assert setup.sides[0].workers == default
    assert setup.sides[1].workers == session.scaled_workers(bundled, 5000)
    note = session.default_workers_note(data, setup)
    assert note is not None and f"A (liberated) runs the default {default}," in note
    assert f"scaled to them: {setup.sides[1].workers}" in note
    given = {**data, "workforce": {"workers": 30}}
    assert (
        session.default_workers_note(given, session.initial_setup(scenarios.resolve(given, "x")))
        is None
    )


def test_the_districts_stop_at_the_horizon(comparison: Comparison) -> None:
    """Step and +1 year went on past the last week ('Week 416 of 364'); the run ends there."""
    horizon = observe.horizon_week(comparison.models[0])
    comparison.advance(horizon - 2)
    assert not comparison.finished
    comparison.advance(52)
    assert comparison.week == horizon and comparison.finished
    assert all(len(h) == horizon for h in comparison.history)
    comparison.advance(1)
    assert comparison.week == horizon


def test_care_models_are_named_in_words_and_chosen_by_them() -> None:
    """The class reads 'Liberated Method', not the file's `liberated`; every care model the
    schema accepts has a name, each its own."""
    words = [scenarios.care_model_words(m) for m in scenarios.care_models()]
    assert len(set(words)) == len(words) and all("_" not in w for w in words)
    assert scenarios.care_model_words("liberated") == "Liberated Method"


def test_the_scoreboard_gives_the_last_year_as_the_guide_quotes_it(comparison: Comparison) -> None:
    """The guide compares years (the third year's crises); the scoreboard gives the last 52
    weeks' crises and cost beside the totals, so nobody subtracts two readings."""
    comparison.advance(60)
    found = {h.label: h.values for h in charts.headlines(comparison.history)}
    for side, history in enumerate(comparison.history):
        crises = [m.crises for m in history]
        assert found["crises in the last 52 weeks"][side] == sum(crises[-52:])
        assert found["crises so far"][side] == sum(crises)
        cost = sum(m.total_cost for m in history[-52:]) / 1e6
        assert found["cost in the last 52 weeks (£m)"][side] == pytest.approx(cost)


def test_the_scoreboard_gives_the_mean_relationship_depth(comparison: Comparison) -> None:
    """Exercise 5 compares the depth of relationships (the dots' sizes in The system): the
    scoreboard gives its mean over the people on a caseload, as the guide quotes it, for both
    sides and B − A."""
    from relsim.viz import views

    comparison.advance(20)
    found = {h.label: h for h in charts.headlines(comparison.history)}
    depth = found[charts.DEPTH_LABEL]
    for side, model in enumerate(comparison.models):
        snapshot = observe.citizen_snapshot(model)
        held = snapshot.place == observe.PLACE_WORKER
        assert held.any()
        assert depth.values[side] == snapshot.depth[held].mean()
    a, b = depth.values
    assert b > a > 0  # caseworkers know their people better than duty workers do
    row = re.search(
        rf"<tr><th>{re.escape(charts.DEPTH_LABEL)}</th>(.*?)</tr>",
        views._scoreboard_html(comparison),
    )
    assert row is not None, "the scoreboard has no row for the mean relationship depth"
    assert re.findall(r">([^<]*)</td>", row.group(1)) == [f"{a:.2f}", f"{b:.2f}", f"{b - a:+.2f}"]


def test_a_knobs_ends_are_read_from_the_schema() -> None:
    """The words under each policy slider are the scenario schema's own, from 0 to 1."""
    from relsim.viz import controls

    for knob in ("demand_complexity", "continuity", "referral_friction"):
        ends = controls.knob_ends(knob)
        assert ends.startswith("0 ") and "; 1 " in ends, knob
        assert ends in (Scenario.model_fields[knob].description or ""), knob


def test_the_scoreboards_differences_are_signed_as_its_heading_and_in_points_for_shares() -> None:
    """B − A uses the heading's minus sign, and the burnout row, in per cent, gives its
    difference in percentage points: 12 % against 30 % is 18 points apart, not 18 %."""
    fewer = charts.Headline("crises so far", (120.0, 100.0), 0)
    assert fewer.difference() == "\u221220"
    assert charts.Headline("crises so far", (100.0, 120.0), 0).difference() == "+20"
    burnout = {h.label: h for h in charts.headlines([[], []])}["burnout now (%)"]
    assert burnout.difference_unit == "pp"
    assert charts.Headline("burnout now (%)", (30.0, 12.0), 0, "pp").difference() == "\u221218 pp"


# "Run to week 104", "run three years", "run two more years": said so, Play could be used, and
# at its top speed (26 weeks a second, 4 frames a second) it moves 6 weeks a frame, 102 to 108,
# so it cannot be stopped at week 104, where the exercises make their change mid-run
RUN_BY_HAND = re.compile(r"\brun (to week \d+|\w+ (more )?years?\b)", re.IGNORECASE)


def test_every_exercise_runs_with_the_year_button() -> None:
    """Each exercise's steps, in the app and in the guide, say how many times to press +1 year,
    which from week 0 stops at the end of each year, where the changes are made and the
    guide's numbers read."""
    for exercise in exercises.EXERCISES:
        for step in exercise.steps:
            assert not RUN_BY_HAND.search(step), (exercise.title, step)
    guide = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    tried = guide.split("## Things to try:", 1)[1].split("\n## ", 1)[0]
    for section in tried.split("\n### ")[1:]:
        steps = " ".join(section.split("**Look for:**", 1)[0].split())
        assert not RUN_BY_HAND.search(steps), section.splitlines()[0]
        assert "+1 year" in steps, section.splitlines()[0]


def test_the_seed_box_takes_every_seed_a_scenario_takes_and_no_other(
    comparison: Comparison,
) -> None:
    """The seed box refuses, in words, a number the scenario would refuse: taken, it failed
    the next control moved."""
    from relsim.viz import controls

    low, high = session.SEED_RANGE
    for seed in (low, high):
        assert controls.seed_refusal(f" {seed} ", 1) is None
        assert controls.parse_seed(f"{seed:,}") == seed
        comparison.change(replace(comparison.setup, seed=seed))
        assert observe.scenario_of(comparison.models[0]).seed == seed
    # one message for anything it cannot take, in words a class can follow
    for typed, rule in [
        (str(low - 1), "a seed is a whole number, 0 or more"),
        ("1.5", "a seed is a whole number, 0 or more"),
        (str(high + 1), f"a seed is a whole number no larger than {high:,}"),
    ]:
        assert controls.seed_refusal(typed, 1) == f"Seed {typed} not taken: {rule}. Still 1."
    assert controls.seed_refusal(" ", 1) == (
        "An empty seed not taken: a seed is a whole number, 0 or more. Still 1."
    )


def test_a_hybrid_side_names_the_cap_its_slider_sets(comparison: Comparison) -> None:
    """The cap slider sets workforce.caseload_cap, which under the hybrid caps its duty workers
    alone: so labelled, not 'caseload cap' as if it capped the caseworkers too."""
    from relsim.viz import controls

    setup = comparison.setup.side(0, care_model="hybrid", caseload_cap=25)
    assert controls.cap_label(setup, 0) == "A: duty workers' caseload cap 25"
    assert controls.cap_label(setup, 1) == f"B: caseload cap {setup.sides[1].caseload_cap}"
    comparison.rebuild(setup)
    scenario = observe.scenario_of(comparison.models[0])
    assert scenario.workforce.caseload_cap == 25
    assert scenario.hybrid.caseworker_caseload_cap != 25  # the caseworkers' own cap


def test_a_line_on_the_floor_keeps_its_letter_off_the_axis(comparison: Comparison) -> None:
    """A district with no services draws its caseload at 0: the lower line's letter was set
    below its end, over the axis's week labels. It is above, and the other's further up."""
    comparison.advance(6)
    a = comparison.history[0]

    def letters(key: str, at_a: float, at_b: float) -> list[float]:
        """Where the letters go when A ends at `at_a` and B at `at_b` (up is negative)."""
        spec = next(s for s in charts.LINE_CHARTS if s.key == key)
        ends = replace(
            spec, value=lambda history: np.full(len(history), at_a if history is a else at_b)
        )
        option = charts.line_chart(ends, comparison.history, ["A", "B"], 4, 30, [])
        return [s["endLabel"]["offset"][1] for s in option["series"]]

    marks = letters("crises", 0.0, 12.0)
    assert marks[0] < 0 and marks[1] < marks[0]
    # just above the floor of an axis to 100 % (burnout at 5 % and 9 %): set below its end,
    # the lower letter sat on the axis
    marks = letters("burnout", 0.05, 0.09)
    assert marks[0] < 0 and marks[1] < marks[0]
    # well clear of it (40 % and 60 %), the lower letter goes below its end as before
    marks = letters("burnout", 0.4, 0.6)
    assert marks[0] > 0 > marks[1]


def test_every_chart_names_its_districts_on_the_lines_and_bars(comparison: Comparison) -> None:
    """The charts have no legend and the scoreboard's coloured heading is off screen once they
    are in view: each line ends, and each bar is topped, with its district's letter in its
    colour, the letters of two lines ending together set apart."""
    comparison.advance(12)
    labels = ["A: one", "B: other"]
    for spec in charts.LINE_CHARTS:
        option = charts.line_chart(spec, comparison.history, labels, 4, 30, [])
        marks = [s["endLabel"] for s in option["series"]]
        assert [m["show"] for m in marks] == [True, True], spec.key
        assert [m["formatter"] for m in marks] == list(session.SIDES)
        assert [m["color"] for m in marks] == list(charts.COLOURS)
        assert marks[0]["offset"][1] != marks[1]["offset"][1], spec.key
    bars = charts.payer_chart(comparison.history, labels)["series"]
    assert [(b["label"]["show"], b["label"]["formatter"]) for b in bars] == [
        (True, "A"),
        (True, "B"),
    ]


# characters of a queue's title line that fit right of the worker boxes in half of a 1280-pixel
# screen, with the bundled district's 40 caseworkers (and the 57 of 5,000 citizens)
QUEUE_TITLE_CHARACTERS = 30


def test_a_long_queue_says_how_many_are_drawn_on_a_line_of_its_own() -> None:
    """B's queue for a caseworker outgrows its box within a year: how many of its people are
    drawn is a second title line, and its dots start under both; on one line the title ran
    past the picture's edge ("waiting for a caseworker: 335 (168 sh")."""
    comparison = Comparison.from_file(scenarios.bundled_scenario("baseline"))
    comparison.advance(52)
    model = comparison.models[1]
    x, y, _, boxes, _ = system.layout(observe.citizen_snapshot(model), observe.worker_states(model))
    queue = next(b for b in boxes if b.title.startswith("waiting for a caseworker"))
    lines = queue.title.split("\n")
    assert len(lines) == 2 and lines[1].endswith("shown)"), queue.title
    assert max(len(line) for line in lines) <= QUEUE_TITLE_CHARACTERS, queue.title
    inside = (x >= queue.x) & (x <= queue.x + queue.width) & (y >= queue.y)
    inside &= y <= queue.y + queue.height
    assert y[inside].min() > queue.y + system.TITLE_ROWS + system.MORE_ROWS


def test_a_dot_tells_who_it_is_and_its_marks_let_clicks_through(
    comparison: Comparison,
) -> None:
    """Hovered, a dot names the citizen, their active needs and relationship (it said 'people'
    and a coordinate); the crisis and hand-off marks over a dot leave clicks to it."""
    comparison.advance(10)
    model = comparison.models[1]
    option = system.system_chart(
        observe.citizen_snapshot(model), observe.worker_states(model), "B", followed=0
    )
    series = {s["name"]: s for s in option["series"]}
    people = series["people"]
    named = [people["dimensions"][i] for i in people["encode"]["tooltip"]]
    assert named == ["citizen", "active needs", "relationship (0–1)"]
    for name in ("crisis this week", "handed on this week", "followed"):
        assert series[name]["silent"] is True, name


def test_a_care_model_chosen_mid_run_brings_its_cap_at_reset(comparison: Comparison) -> None:
    """Chosen while the districts run, a care model and the cap that comes with it wait for
    Reset together; the cap was applied at once to the model still running, a policy change
    ('B: cap 10→25') nobody made."""
    comparison.advance(3)
    running_cap = comparison.setup.sides[1].caseload_cap
    side = session.preset_side("assess_do_refer", comparison.setup.citizens)
    wanted = comparison.setup.side(
        1, care_model=side.care_model, workers=side.workers, caseload_cap=side.caseload_cap
    )
    assert side.caseload_cap != running_cap
    # the cap slider shows the waiting model's cap, so the notice names it
    assert comparison.change(wanted) == ["B's care model", "B's caseload cap", "B's workers"]
    assert comparison.changes == []
    assert observe.scenario_of(comparison.models[1]).workforce.caseload_cap == running_cap
    # moved while the model waits, the cap waits with it: still no change to the running one
    moved = wanted.side(1, caseload_cap=side.caseload_cap + 3)
    assert "B's caseload cap" in comparison.change(moved)
    assert comparison.changes == []
    assert observe.scenario_of(comparison.models[1]).workforce.caseload_cap == running_cap
    comparison.rebuild(moved)
    assert observe.scenario_of(comparison.models[1]).workforce.caseload_cap == (
        side.caseload_cap + 3
    )


def test_the_citizens_slider_brings_the_same_workforce_back() -> None:
    """Each move scaled the last rounded count (floor 1), so 3,000 to 200 to 5,000 and back
    left 15 and 45 workers where there had been 6 and 40. Scaled from the workforce last
    chosen, the same district comes back; a count set by hand is the new choice."""
    sides = [session.SideSetup("assess_do_refer", 6, 25), session.SideSetup("liberated", 40, 10)]
    memory: list[session.Staffing | None] = [None, None]
    citizens = 3000
    for to in (200, 5000, 1700, 3000):
        for i, side in enumerate(sides):
            memory[i] = session.rescaled(side, citizens, to, memory[i])
            sides[i] = replace(side, workers=memory[i].scaled_workers)
        citizens = to
        if to == 200:
            assert [s.workers for s in sides] == [1, 3]
    assert [s.workers for s in sides] == [6, 40]
    by_hand = replace(sides[0], workers=12)  # chosen at 3,000: half of it at 1,500
    assert session.rescaled(by_hand, 3000, 1500, memory[0]).scaled_workers == 6


def test_people_waiting_counts_each_person_once(comparison: Comparison) -> None:
    """*People waiting* (chart and scoreboard) counts people: someone on two specialist lists
    is one person, where the weekly series counts a referral per list."""
    from relsim.citizens import Pathway, SpecialistState

    comparison.advance(30)
    a = comparison.models[0]
    citizens, n = a.citizens, a.citizens.n
    lists = (citizens.spec_state[:n] == SpecialistState.WAITING).sum(axis=1)
    assert (citizens.present[:n] & (lists >= 2)).any()  # the case that tells the two apart
    waiting = {Pathway.WAITING_FRONT_DOOR, Pathway.WAITING_ALLOCATION, Pathway.WAITING_CASEWORKER}
    people = sum(
        1
        for row in range(n)
        if citizens.present[row] and (citizens.pathway[row] in waiting or lists[row] > 0)
    )
    latest = comparison.history[0][-1]
    assert latest.people_waiting == people
    summed = latest.waiting_front_door + latest.waiting_caseworker + latest.waiting_specialist
    assert latest.people_waiting < summed
    assert charts._waiting(comparison.history[0][-1:])[0] == people


def test_the_scoreboards_difference_agrees_with_the_values_it_shows() -> None:
    """B − A is the difference of the two values as shown: 0.4 % and 3.6 % show as 0 and 4, so
    4 points apart (not 3), and values that show the same have no difference (not −0.00)."""
    assert charts.Headline("burnout now (%)", (0.4, 3.6), 0, "pp").difference() == "+4 pp"
    assert charts.Headline("depth", (0.0249, 0.0151), 2).difference() == "0.00"
    assert charts.Headline("depth", (0.021, 0.019), 2).difference() == "0.00"
    assert charts.Headline("cost", (1.004, 1.016), 2).difference() == "+0.02"  # 1.00, 1.02


def test_the_needs_colours_darken_step_by_step_and_the_roles_are_named(
    comparison: Comparison,
) -> None:
    """The dots' colours for 0 to 4+ active needs get darker at every step, by enough to tell
    apart without hue (red-green colour blindness keeps lightness); each role's box edge is
    named in the legend."""

    def lightness(colour: str) -> float:  # CIE L* of an sRGB colour
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 116 * (y ** (1 / 3) if y > 0.008856 else 7.787 * y + 16 / 116) - 16

    steps = [lightness(piece["color"]) for piece in system.NEED_PIECES]
    assert all(darker < lighter - 10 for lighter, darker in itertools.pairwise(steps)), steps
    comparison.advance(5)
    a, b = comparison.models
    for model, role in ((a, "duty worker"), (b, "caseworker")):
        snapshot, workers = observe.citizen_snapshot(model), observe.worker_states(model)
        option = system.system_chart(snapshot, workers, "A")
        assert option["legend"][1]["data"] == [role]


def test_a_change_at_the_end_of_the_run_waits_for_reset(comparison: Comparison) -> None:
    """At the horizon no week is left for a change to apply to: it is not marked on the charts
    as a change, and waits for Reset, said so."""
    comparison.advance(1000)
    assert comparison.finished
    marks = list(comparison.changes)
    running = observe.scenario_of(comparison.models[0]).demand_complexity
    pending = comparison.change(replace(comparison.setup, demand_complexity=0.9))
    assert pending == [f"demand complexity {running:g}→0.9 (the run has ended)"]
    assert comparison.changes == marks
    assert observe.scenario_of(comparison.models[0]).demand_complexity == running


def test_the_guide_tab_is_the_teaching_guide_with_its_pictures_and_nothing_fetched() -> None:
    """The Guide tab shows docs/teaching.md: every exercise, every picture in the page itself,
    and its links to documents only a checkout has left as their words."""
    from relsim.viz import guide

    page = guide.guide_html()
    text = (ROOT / "docs" / "teaching.md").read_text()
    pictures = re.findall(r"!\[[^\]]*\]\((teaching/[^)]+\.png)\)", text)
    assert len(pictures) >= 4
    assert page.count('src="data:image/png;base64,') == len(pictures)
    assert "<a href=" not in page and "odd.md" in text
    # a fenced block is code, not a paragraph that begins with its language's name
    assert '<pre><code class="language-bash">./dev.sh relsim viz' in page
    assert "<p><code>bash" not in page and "```" not in page
    for exercise in exercises.EXERCISES:
        assert html.escape(exercise.title.split(". ", 1)[1]) in page, exercise.title


def test_boxes_too_small_for_a_label_have_none(comparison: Comparison) -> None:
    """With many workers a box is too small for its caseload label, which then ran over the
    boxes beside it: the boxes go unlabelled, and the picture says why."""
    comparison.advance(3)
    model = comparison.models[1]
    snapshot, workers = observe.citizen_snapshot(model), observe.worker_states(model)
    _, _, _, boxes, counts = system.layout(snapshot, workers)
    assert counts["grid_labelled"] == 1 and all(b.title for b in boxes[: len(workers)])
    many = [replace(workers[0], post=i) for i in range(150)]
    _, _, _, boxes, counts = system.layout(snapshot, many)
    assert counts["grid_labelled"] == 0
    assert [b.title for b in boxes[:150]] == [""] * 150
    assert all(b.title for b in boxes[150:])  # the queues keep theirs
    option = system.system_chart(snapshot, many, "B")
    assert "boxes unlabelled (too many)" in option["title"]["subtext"]


@pytest.mark.parametrize("workers_drawn", [6, 40, 150])
def test_each_queue_holds_its_title_above_its_dots_in_the_smallest_picture(
    comparison: Comparison, workers_drawn: int
) -> None:
    """Beside 150 duty workers the queues were squeezed into a strip: their titles ran out of
    their boxes (and past the picture's edge) and their dots were drawn over the titles. In the
    smallest picture the layout is made for, each queue's box holds its longest title line, and
    its first dots start below the title's text."""
    comparison.advance(52)
    model = comparison.models[0]
    snapshot, workers = observe.citizen_snapshot(model), observe.worker_states(model)
    many = [replace(workers[0], post=i) for i in range(workers_drawn)]
    x, y, _, boxes, counts = system.layout(snapshot, many)
    per_unit_x = system.PLOT_WIDTH_PX / counts["grid_width"]
    per_unit_y = system.PLOT_HEIGHT_PX / counts["grid_height"]
    queues = boxes[workers_drawn:]
    assert len(queues) == 5
    for queue in queues:
        longest = max(len(line) for line in queue.title.split("\n"))
        assert longest * system.TITLE_CHARACTER_PX <= queue.width * per_unit_x, queue.title
        assert queue.x + queue.width <= counts["grid_width"], queue.title
        inside = (x >= queue.x) & (x <= queue.x + queue.width) & (y >= queue.y)
        inside &= y <= queue.y + queue.height
        if inside.any():
            top = (y[inside].min() - queue.y) * per_unit_y - system.DOT_RADIUS_PX
            lines = len(queue.title.split("\n"))
            assert top >= system.TITLE_LINE_PX + 11 * (lines - 1), queue.title


def test_asking_for_help_is_not_drawn_at_a_front_door() -> None:
    """Under the Liberated Method there is no front door: asking for help has a lane of its
    own, and only what the duty workers do is drawn in the front door's."""
    assert journey.lane("presented") == "asking for help"
    assert {journey.lane(k) for k in ("assessed", "signposted", "allocated")} == {"front door"}
    assert set(journey.LANES) == set(journey.LANE_COLOURS)


def test_every_event_has_a_lane_and_in_and_out_is_arriving_leaving_or_dying() -> None:
    """A change of worker, dropping out at a handover and giving up a wait fell into the
    'in and out' lane, which the guide says is arriving, moving away or dying: students read
    a person who stayed as one who left and came back."""
    from relsim.records import EVENT_KINDS

    lanes = {kind: journey.lane(kind) for kind in EVENT_KINDS}
    assert set(lanes.values()) <= set(journey.LANES)
    assert {k for k, name in lanes.items() if name == "in and out"} == {"arrived", "left", "died"}
    for kind in ("worker_changed", "disengaged", "abandoned_wait"):
        assert lanes[kind] == "changed or gave up"


def test_a_cut_list_of_events_says_so() -> None:
    """The list showed the latest 60 events numbered 60 down to 1, so its '1.' read as the
    person's first event."""
    assert journey.listed_words(12) == "Events, newest first:"
    assert journey.listed_words(75).startswith("The latest 60 of 75 events")


def test_a_disconnected_tab_is_kept_minutes_not_a_day(monkeypatch) -> None:
    """Solara keeps a disconnected tab's districts a day by default; the app keeps them ten
    minutes, for a tab to come back to."""
    import solara.util
    from solara.server import settings

    from relsim.viz import server

    touched = [
        (settings.kernel, "cull_timeout"),
        (settings.main, "mode"),
        (settings.theme, "show_banner"),
        (settings.telemetry, "mixpanel_enable"),
    ]
    for part, name in touched:
        monkeypatch.setattr(part, name, getattr(part, name))  # put back after the test
    assert solara.util.parse_timedelta(settings.kernel.cull_timeout) >= 24 * 3600
    server.configure(settings)
    assert solara.util.parse_timedelta(settings.kernel.cull_timeout) == 10 * 60


@pytest.mark.filterwarnings("ignore:There is no current event loop:DeprecationWarning")
def test_a_closed_tabs_districts_are_freed(small: Path, monkeypatch) -> None:
    """A tab's kernel closed (the tab closed, or its kernel culled), its districts leave the
    server's memory, with Python's own cycle collector off: nothing keeps them, and what
    `relsim viz` runs beside the server collects them. Solara's use_task kept each tab's first
    `play`, and with it the districts, for good; and only a full collection frees the districts
    and their agents, which refer to each other."""
    import gc
    import threading
    import weakref

    pytest.importorskip("solara")
    import solara
    import solara.server.app  # Solara's patches for kernels in a server
    from solara.server import kernel, kernel_context

    from relsim.viz import app, server

    monkeypatch.setenv(app.SCENARIO_ENV, str(small))
    monkeypatch.setattr(kernel_context, "contexts", {})
    stop = threading.Event()
    sweeper = threading.Thread(
        target=server.free_closed_tabs, args=(kernel_context.contexts, 0.05, stop)
    )
    districts: list[weakref.ref] = []
    gc.collect()
    gc.disable()
    try:
        sweeper.start()
        for tab in range(2):
            context = kernel_context.VirtualKernelContext(
                id=f"tab-{tab}", kernel=kernel.Kernel(), session_id="class"
            )
            kernel_context.contexts[context.id] = context
            with context:
                _, rendered = solara.render(app.Page(), handle_error=False)
                context.app_object = rendered
            districts += [
                weakref.ref(o)
                for o in gc.get_objects()
                if type(o) is Comparison and all(d() is not o for d in districts)
            ]
            del rendered
            context.close()
            del context
        deadline = time.monotonic() + 10
        while any(d() is not None for d in districts) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = sum(d() is not None for d in districts)
    finally:
        gc.enable()
        stop.set()
        sweeper.join()
    assert len(districts) == 2
    assert left == 0, f"{left} closed tab(s) still hold their districts"


def test_a_models_table_of_events_goes_with_the_model(comparison: Comparison) -> None:
    """The journeys' table of events is kept for a model as long as the model is."""
    import gc

    comparison.advance(3)
    for model in comparison.models:
        observe.journey(model, 0)
    assert len(observe._frames) >= 2
    del model
    comparison.models = []
    gc.collect()
    assert len(observe._frames) == 0


def test_the_charts_keep_the_previous_run_faintly_to_compare_with(comparison: Comparison) -> None:
    """The exercises compare a run with a change against the same run without it (Load again):
    the run before the last Reset or Load stays on the charts, faint, on the same axes, and the
    words above the charts say how it started and what changed in it, numbered as its faint
    dashed lines are; moving a control at week 0 is no run and keeps it."""
    spec = next(s for s in charts.LINE_CHARTS if s.key == "crises")
    comparison.advance(10)
    comparison.change(comparison.setup.side(1, caseload_cap=12))
    comparison.advance(10)
    with_change = [[m.crises for m in h] for h in comparison.history]
    assert comparison.previous is None
    assert charts.previous_note(comparison.previous, comparison.started) == ""
    comparison.rebuild(replace(comparison.started, citizens=300))
    comparison.change(replace(comparison.setup, referral_friction=0.3))  # at week 0: rebuilt
    comparison.advance(5)
    previous = comparison.previous
    assert previous is not None
    option = charts.line_chart(
        spec, comparison.history, ["A", "B"], 10, 40, comparison.changes, previous
    )
    faint = [s for s in option["series"] if s["name"].endswith("previous run")]
    assert [s["name"] for s in faint] == ["A, previous run", "B, previous run"]
    for side, series in enumerate(faint):
        assert len(series["data"]) == 20
        assert series["data"][-1][0] == 20 and series["silent"]
        smoothed = spec.value(previous.history[side])
        assert series["data"][-1][1] == round(float(smoothed[-1]), 3)
        assert [m.crises for m in previous.history[side]] == with_change[side]
    current = [s for s in option["series"] if not s["name"].endswith("previous run")]
    assert all(len(s["data"]) == 5 for s in current)
    note = charts.previous_note(previous, comparison.started)
    assert note.startswith("Faint lines: the run before the last Reset or Load, to week 20;")
    started = "it started with other settings (that run→this one): referral friction 0.6→0.3"
    assert f"{started}, citizens 400→300;" in note
    assert note.endswith("its policy changes, the faint dashed lines: (1) week 10: B: cap 10→12.")
    # where the faint run's change was made, faint and numbered as the words number it
    marks = faint[0]["markLine"]
    assert marks["data"] == [{"name": "1", "xAxis": 10}]
    assert marks["label"]["formatter"] == "({b})"
    assert marks["lineStyle"]["opacity"] == charts.PREVIOUS_MARK_OPACITY
    assert "markLine" not in faint[1]


def test_two_runs_changed_in_one_week_have_their_numbers_side_by_side(
    comparison: Comparison,
) -> None:
    """Both runs changed policy at week 8: the faint run's "(1)" was drawn over this run's "1".
    It is set beside it; its change at week 12, which this run did not make, stays on its
    line."""
    comparison.advance(16)
    history = (list(comparison.history[0]), list(comparison.history[1]))
    previous = session.PreviousRun(
        history,
        comparison.started,
        (session.PolicyChange(8, "B: cap 10→12"), session.PolicyChange(12, "B: cap 12→14")),
    )
    spec = charts.LINE_CHARTS[0]
    option = charts.line_chart(
        spec, comparison.history, ["A", "B"], 4, 30, [session.PolicyChange(8, "A: x")], previous
    )
    faint = next(s for s in option["series"] if s["name"] == "A, previous run")
    shared, alone = faint["markLine"]["data"]
    assert shared["xAxis"] == 8 and shared["label"]["offset"] == [charts.SHARED_WEEK_SHIFT, 0]
    assert alone["xAxis"] == 12 and "label" not in alone
    assert option["series"][0]["markLine"]["data"] == [{"name": "1", "xAxis": 8}]


def test_a_change_made_just_before_reset_is_no_part_of_the_faint_run(
    comparison: Comparison,
) -> None:
    """A slider moved in the last week before Reset changed nothing that ran: the words for
    the faint lines do not list it, while a change that ran for weeks is listed."""
    comparison.advance(5)
    comparison.change(comparison.setup.side(1, caseload_cap=12))
    comparison.advance(5)
    comparison.change(comparison.setup.side(1, caseload_cap=14))  # at week 10, then Reset
    assert [c.week for c in comparison.changes] == [5, 10]
    comparison.rebuild(comparison.started)
    previous = comparison.previous
    assert previous is not None and [c.week for c in previous.changes] == [5]
    note = charts.previous_note(previous, comparison.started)
    assert note.endswith("its policy changes, the faint dashed lines: (1) week 5: B: cap 10→12.")


def test_every_charts_subtitle_fits_on_a_projector() -> None:
    """At 1280x720 a chart is a third of the page: three subtitles ran off its edge."""
    units = [spec.unit for spec in charts.LINE_CHARTS]
    units.append(charts.payer_chart(([], []), ["A", "B"])["title"]["subtext"])
    assert [u for u in units if len(u) > charts.SUBTITLE_CHARACTERS] == []


def test_the_warm_up_is_named_above_the_plot_clear_of_lines_and_letters(
    comparison: Comparison,
) -> None:
    """Inside the plot the word sat where the lines of a district filling up climb and where
    the higher line's letter is lifted; above it, nothing is drawn."""
    spec = charts.LINE_CHARTS[0]
    option = charts.line_chart(spec, comparison.history, ["A", "B"], 10, 40, [])
    label = option["series"][0]["markArea"]["label"]
    assert label["position"] == "insideTop"
    inside_distance = 5  # ECharts' default for a label inside its area
    bottom = inside_distance + label["offset"][1] + label["fontSize"] * 1.2
    assert bottom <= -charts.END_LABEL_SHIFT  # above the highest letter's middle
    top = inside_distance + label["offset"][1]
    assert top >= -option["grid"]["top"] + 30  # below the title and subtitle
