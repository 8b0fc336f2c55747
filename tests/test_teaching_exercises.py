"""scripts/teaching_exercises.py, which regenerates docs/teaching/exercises.csv: on a tiny district
every exercise and run of docs/teaching.md's "Things to try" is written with every quantity, and
the app's common random numbers show in it (a change mid-run alters nothing before it, a change
to one side nothing on the other)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from relsim.viz import charts, exercises
from tests.script_helpers import load_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "teaching_exercises.py"


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("teaching")
    subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    return pd.read_csv(out / "exercises.csv")


def runs_of(table: pd.DataFrame, number: int) -> dict[str, pd.DataFrame]:
    """The rows of one exercise, by run, indexed by district, week and quantity."""
    mine = table[table["exercise"] == exercises.EXERCISES[number - 1].title]
    keys = ["district", "week", "quantity"]
    return {run: rows.set_index(keys)["value"].sort_index() for run, rows in mine.groupby("run")}


def test_every_exercise_run_and_quantity_is_written(table: pd.DataFrame) -> None:
    script = load_script("teaching_exercises")
    assert list(table.columns) == ["exercise", "run", "district", "week", "quantity", "value"]
    assert table["value"].notna().all()
    assert set(table["exercise"]) == {e.title for e in exercises.EXERCISES}
    expected_runs = {(exercises.EXERCISES[r.exercise].title, r.name) for r in script.RUNS}
    assert set(zip(table["exercise"], table["run"], strict=True)) == expected_runs
    on_screen = {h.label for h in charts.headlines(([], []))}
    on_screen |= {f"chart: {spec.title}" for spec in charts.LINE_CHARTS}
    on_screen |= {f"cost so far: {payer} (£m)" for payer in charts.PAYER_LABELS.values()}
    on_screen |= {"crises in the year to this week", "crises a week in the year to this week"}
    on_screen |= {"cost (£m) in the year to this week", "waiting for a specialist now"}
    on_screen |= {"the system: waiting for a specialist now", "the system: held by a worker now"}
    for run in script.RUNS:
        title = exercises.EXERCISES[run.exercise].title
        rows = table[(table["exercise"] == title) & (table["run"] == run.name)]
        last = rows[rows["week"] == rows["week"].max()]
        assert int(last["week"].iloc[0]) == round(script._last_target(run.actions) * 13)
        for district in ("A", "B"):
            found = set(last.loc[last["district"] == district, "quantity"])
            assert on_screen <= found, (title, run.name, district, on_screen - found)
            if run.journeys:
                assert "people to follow: share of referrals made refused (%)" in found
        kinds = {type(action) for action in run.actions}
        if (script.Move in kinds and script.Reset not in kinds) or run.unchanged_at:
            # a change that stays on screen: its first half-year, and the run to compare with
            assert "crises in the half-year to this week" in set(rows["quantity"])


def test_a_change_mid_run_alters_nothing_before_it_and_something_after(
    table: pd.DataFrame,
) -> None:
    change_week = 2 * 13  # week 104 of the quick check's 13-week years
    for number in (3, 5):
        runs = runs_of(table, number)
        changed, unchanged = runs["with the change"], runs["without"]
        assert changed.index.equals(unchanged.index)
        weeks = changed.index.get_level_values("week")
        before, after = weeks <= change_week, weeks > change_week
        pd.testing.assert_series_equal(changed[before], unchanged[before])
        assert (changed[after] != unchanged[after]).any(), number


def test_a_change_to_one_side_leaves_the_other_alone(table: pd.DataFrame) -> None:
    runs = runs_of(table, 4)
    left = runs.pop("B cap left at 10")
    left_a = left.xs("A", level="district")
    caps = {name: run for name, run in runs.items() if name.startswith("B cap")}
    assert len(caps) == 7  # the other push, demand complexity, moves both sides
    for name, run in caps.items():
        side_a = run.xs("A", level="district")
        common = side_a.index.intersection(left_a.index)  # a run may go on longer
        assert len(common) == len(left_a), name
        pd.testing.assert_series_equal(side_a.loc[common], left_a.loc[common], obj=name)
        after = run.xs("B", level="district").loc[27:]
        before = left.xs("B", level="district").loc[27:]
        common = after.index.intersection(before.index)
        assert (after.loc[common] != before.loc[common]).any(), name


def test_reset_gives_the_same_district_from_either_exercise(table: pd.DataFrame) -> None:
    """Exercises 2 and 7 both end with B as the Liberated Method at complexity 0.9 after Reset:
    the same side built the same way gives the same numbers, and nothing from before Reset."""
    tame_or_complex = runs_of(table, 2)["complexity 0.9"].xs("B", level="district")
    balance = runs_of(table, 7)["complexity 0.9"].xs("B", level="district")
    pd.testing.assert_series_equal(tame_or_complex, balance)
    assert tame_or_complex.index.get_level_values("week").max() == 3 * 13


def test_the_system_counts_people_where_the_charts_count_referrals(table: pd.DataFrame) -> None:
    """*The system* puts each person in one place (a person held by a worker is in their box
    even while waiting for a specialist), so it shows at most as many waiting for a specialist
    as there are referrals waiting, and fewer wherever someone waits for two services or is
    held while waiting: the page must quote the one the class can see."""
    wide = table.pivot_table(
        index=["exercise", "run", "district", "week"], columns="quantity", values="value"
    )
    people = wide["the system: waiting for a specialist now"]
    referrals = wide["waiting for a specialist now"]
    assert (people <= referrals).all()
    assert (people < referrals).any()
    assert (wide["the system: front door queue now"] <= wide["waiting at the front door now"]).all()


def test_the_committed_numbers_are_what_the_app_shows_today(tmp_path: Path) -> None:
    """docs/teaching/exercises.csv, which docs/teaching.md's numbers are checked against, is
    what the exercises give with today's model and app: a change that moves them must come
    with the file regenerated and the page's numbers checked again."""
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, timeout=300)
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "exercises.csv"),
        pd.read_csv(ROOT / "docs" / "teaching" / "exercises.csv"),
        rtol=1e-9,
        obj="rerun scripts/teaching_exercises.py and check docs/teaching.md; exercises.csv",
    )
