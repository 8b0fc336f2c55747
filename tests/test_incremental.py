"""Which of several care models to choose at each price on a crisis avoided
(relsim.evidence.incremental): dominance and extended dominance, each frontier step's price,
the option with the highest net benefit at a price and the share of parameter sets that agree."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from relsim.evidence.cost_effectiveness import PRICES_GBP
from relsim.evidence.incremental import (
    DOMINATED,
    EXTENDEDLY_DOMINATED,
    FRONTIER,
    frontier,
    incremental,
    lever_choice,
)


def test_an_option_dearer_with_no_fewer_crises_is_dominated() -> None:
    costs = {"none": 100.0, "a": 300.0, "b": 400.0, "c": 350.0}
    crises = {"none": 5.0, "a": 3.0, "b": 3.0, "c": 3.5}
    status = frontier(costs, crises)
    assert status == {"none": FRONTIER, "a": FRONTIER, "b": DOMINATED, "c": DOMINATED}


def test_an_option_a_mix_of_its_neighbours_beats_is_extendedly_dominated() -> None:
    """b avoids 1 crisis over none for 500 (500 a crisis); c avoids 1 more over b for 100
    (100 a crisis): the prices fall along the list, so b is set aside and c is priced over
    none (600 for 2, 300 a crisis)."""
    costs = {"none": 0.0, "b": 500.0, "c": 600.0}
    crises = {"none": 5.0, "b": 4.0, "c": 3.0}
    assert frontier(costs, crises) == {"none": FRONTIER, "b": EXTENDEDLY_DOMINATED, "c": FRONTIER}
    crises["c"] = 1.0  # c now avoids 3 over b for 100: still extendedly dominated b
    assert frontier(costs, crises)["b"] == EXTENDEDLY_DOMINATED
    costs["c"] = 5000.0  # 4,500 a crisis over b, above b's 500: both on the frontier
    assert set(frontier(costs, crises).values()) == {FRONTIER}


def test_of_two_identical_options_the_first_listed_stays() -> None:
    status = frontier({"a": 1.0, "b": 1.0, "none": 0.0}, {"a": 2.0, "b": 2.0, "none": 3.0})
    assert status == {"a": FRONTIER, "b": DOMINATED, "none": FRONTIER}


def _frame(crises: list[float], cost: list[float], per_point: int) -> pd.DataFrame:
    n = len(crises)
    return pd.DataFrame(
        {
            "point": [r // per_point for r in range(n)],
            "replication": [r % per_point for r in range(n)],
            "status": "ok",
            "x": [0.1 * (1 + r // per_point) for r in range(n)],
            "crisis_events_per_citizen_year": crises,
            "total_cost_per_citizen_year": cost,
        }
    )


def test_the_option_to_choose_at_a_price_lies_on_the_frontier_between_its_steps() -> None:
    """On random options, the one with the highest mean net benefit at P is the frontier
    option whose price over the one before it is at most P and the next's above P; and each
    step is its means' difference."""
    rng = np.random.default_rng(3)
    for _ in range(40):
        k, n = int(rng.integers(2, 7)), 4
        runs = {
            f"o{i}": _frame(
                list(rng.uniform(0, 5, n)), list(rng.uniform(0, 10_000, n)), per_point=n
            )
            for i in range(k)
        }
        table = incremental(runs, ["x"], None).set_index("series")
        steps = table[table["status"] == FRONTIER].sort_values("total_cost_per_citizen_year_mean")
        prices = [0.0, *steps["incremental_net_cost_per_crisis_avoided"].iloc[1:], math.inf]
        assert all(a < b for a, b in itertools.pairwise(prices))
        for price in PRICES_GBP:
            chosen = table.index[table[f"best_at_{price}_gbp"]]
            assert len(chosen) == 1
            place = list(steps.index).index(chosen[0])
            assert (place == 0 or prices[place] <= price) and price < prices[place + 1]
        for name, row in steps.iloc[1:].iterrows():
            before = table.loc[row["compared_with"]]
            extra = (
                row["total_cost_per_citizen_year_mean"] - before.total_cost_per_citizen_year_mean
            )
            avoided = before.crises_per_citizen_year_mean - row["crises_per_citizen_year_mean"]
            assert row["incremental_cost_per_citizen_year"] == pytest.approx(extra), name
            assert row["incremental_crises_avoided_per_citizen_year"] == pytest.approx(avoided)
            assert avoided > 0 and extra > 0
        off = table[table["status"] != FRONTIER]
        assert off["incremental_net_cost_per_crisis_avoided"].isna().all()
        assert (off["compared_with"] == "").all()


def test_over_parameter_sets_the_share_is_how_often_each_option_is_the_one_to_choose() -> None:
    """Two replications a set, four sets: the service avoids 1 crisis for 1,500 under sets 0
    and 1 and for 500 under sets 2 and 3, so at 1,000 it is chosen under half the sets."""
    none = _frame([4.0] * 8, [1000.0] * 8, per_point=8)
    extra = [1500.0, 1500.0, 1500.0, 1500.0, 500.0, 500.0, 500.0, 500.0]
    service = _frame([3.0] * 8, [1000.0 + e for e in extra], per_point=8)
    table = incremental({"none": none, "service": service}, ["x"], 2).set_index("series")
    assert table.loc["service", "best_at_1000_gbp_share"] == 0.5
    assert table.loc["none", "best_at_1000_gbp_share"] == 0.5
    assert table.loc["service", "best_at_2000_gbp_share"] == 1.0
    assert table.loc["none", "best_at_0_gbp_share"] == 1.0
    # on the means it costs exactly 1,000 a crisis avoided: the first listed is kept on a tie
    assert table.loc["service", "incremental_net_cost_per_crisis_avoided"] == pytest.approx(1000)
    assert table.loc["none", "best_at_1000_gbp"] and table.loc["service", "best_at_2000_gbp"]
    assert (table["interval"] == "parameters and chance").all()
    chance = incremental({"none": none, "service": service}, ["x"], None)
    assert chance["best_at_1000_gbp_share"].isna().all()


def test_the_means_are_over_the_runs_finished_in_every_series() -> None:
    none = _frame([4.0, 5.0, 6.0], [1000.0, 1100.0, 1200.0], per_point=3)
    service = _frame([3.0, 3.0, 3.0], [1500.0, 1500.0, 9999.0], per_point=3)
    service.loc[2, "status"] = "failed"
    table = incremental({"none": none, "service": service}, ["x"], None).set_index("series")
    assert table.loc["none", "runs"] == 2
    assert table.loc["none", "crises_per_citizen_year_mean"] == pytest.approx(4.5)
    assert table.loc["service", "total_cost_per_citizen_year_mean"] == pytest.approx(1500.0)
    assert table.loc["service", "incremental_net_cost_per_crisis_avoided"] == pytest.approx(
        450.0 / 1.5
    )
    alone = incremental({"none": none}, ["x"], None)
    assert alone.empty
    both = incremental({"none": none, "service": service}, ["x"], None)
    assert list(alone.columns) == list(both.columns)  # the file has its header all the same


def test_every_column_is_documented_in_order() -> None:
    """docs/outputs.md is generated from COLUMNS: the table has exactly those columns."""
    from relsim.evidence.incremental import COLUMNS

    none = _frame([4.0, 5.0], [1000.0, 1100.0], per_point=1)
    service = _frame([3.0, 3.0], [1500.0, 1500.0], per_point=1)
    table = incremental({"none": none, "service": service}, ["x"], None)
    expected = [("x" if c == "KEY" else c) for c in COLUMNS if "_P_" not in c]
    for price in PRICES_GBP:
        expected += [c.replace("_P_", f"_{price}_") for c in COLUMNS if "_P_" in c]
    assert list(table.columns) == expected
    assert list(table["point"]) == [0, 0, 1, 1]


def _lever_runs(seed: int) -> dict[str, pd.DataFrame]:
    """Two series over a grid of `cap` (the lever, 3 values) x `x` (2 values), 3 replications
    a point, the design's points numbered cap-major as a grid is."""
    rng = np.random.default_rng(seed)
    rows = []
    for point, (cap, x) in enumerate(itertools.product([6, 10, 14], [0.1, 0.9])):
        for replication in range(3):
            rows.append(
                {"point": point, "replication": replication, "status": "ok", "cap": cap, "x": x}
            )
    frame = pd.DataFrame(rows)
    return {
        name: frame.assign(
            crisis_events_per_citizen_year=rng.uniform(1, 5, len(frame)),
            total_cost_per_citizen_year=rng.uniform(1_000, 9_000, len(frame)),
        )
        for name in ("a", "b")
    }


def test_a_lever_makes_each_of_its_values_in_each_series_an_option() -> None:
    """With a lever, every series at every value of it is an option, compared at each point of
    the other grid keys: the same rows as the incremental analysis of those options split by
    hand."""
    runs = _lever_runs(5)
    found = lever_choice(runs, ["cap", "x"], "cap", reps_per_set=None)
    assert len(found) == 2 * 3 * 2  # options x points of x
    assert list(found.columns[:5]) == ["option", "series", "cap", "point", "x"]
    assert set(found["option"]) == {f"{s} at cap={c}" for s in "ab" for c in (6, 10, 14)}
    for point, x in enumerate([0.1, 0.9]):
        by_hand = {
            f"{s} at cap={c}": frame[(frame["cap"] == c) & (frame["x"] == x)].assign(point=0)
            for s, frame in runs.items()
            for c in (6, 10, 14)
        }
        expected = incremental(by_hand, [], None).set_index("series").rename_axis("option")
        at = found[found["point"] == point].set_index("option")
        assert (at["x"] == x).all()
        columns = ["crises_per_citizen_year_mean", "total_cost_per_citizen_year_mean", "status"]
        pd.testing.assert_frame_equal(at.loc[expected.index, columns], expected[columns])
        assert (at.loc[expected.index, "series"] == [o.split(" ")[0] for o in expected.index]).all()


def test_a_lever_alone_in_the_grid_gives_one_point_and_a_single_series_options() -> None:
    runs = {"a": _lever_runs(6)["a"].query("x == 0.1").drop(columns="x")}
    found = lever_choice(runs, ["cap"], "cap", reps_per_set=1)
    assert found["point"].tolist() == [0, 0, 0]
    assert found["cap"].tolist() == [6, 10, 14]
    assert found["interval"].eq("parameters and chance").all()
    assert (found.filter(like="_share").sum() == 1.0).all()  # one option best under each set
