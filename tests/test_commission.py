"""A commissioner's comparison: resources stated on each side, equal spend, who pays and who
saves and when, the transition, scaling to a district, and the refusals that protect a
like-for-like comparison.

Numbers from the model are never written into these tests (the model changes); they check
relationships: equal-spend sizing gives equal budgets, the payers add up to the total, the
outputs agree with one another.
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relsim import bundled
from relsim.commission.budget_results import sentence as budget_sentence
from relsim.commission.frontier import sentences as frontier_sentences
from relsim.commission.payers import (
    PAYER_VIEW,
    Spending,
    break_even,
    compare_payers,
    payer_columns,
    spending,
)
from relsim.commission.resources import (
    post_cost_gbp_per_year,
    resources,
    staff_budget_gbp_per_year,
    staffing_warnings,
)
from relsim.commission.scale import proportion_warnings
from relsim.commission.spend import equal_service_spend, equal_staff_spend
from relsim.commission.transition import transition
from relsim.config import Scenario, ScenarioError, load_scenario
from relsim.evidence.intervals import CHANCE, PARAMETERS, describe, few_sets
from relsim.evidence.options import REPORT_SETS
from relsim.io import portable_path
from relsim.report.tables import resources_table
from relsim.runner import run_replications
from tests.cli_helpers import relsim_main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SMALL = (
    "population.citizens=300",
    "time.weeks=20",
    "time.warmup_weeks=4",
    "workforce.workers=2",
)
SMALL_ARGS = tuple(arg for s in SMALL for arg in ("--set", s))
#: a frontier varies the workforce itself (a --set of it is refused)
FRONTIER_ARGS = tuple(a for s in SMALL if not s.startswith("workforce.") for a in ("--set", s))


def small(name: str, *extra: str):
    return load_scenario(SCENARIOS / f"{name}.yaml", [*SMALL, *extra])


# -- resources and equal spend ------------------------------------------------------------------


def test_resources_state_posts_caps_and_the_staff_budget() -> None:
    hybrid = small("hybrid", "workforce.workers=10")
    found = resources(hybrid)
    assert found["posts"] == 10
    assert found["caseworker_posts"] + found["duty_worker_posts"] == 10
    assert found["caseworker_posts"] == round(10 * hybrid.hybrid.caseworker_share_of_workforce)
    assert found["staff_budget_gbp_per_year"] == pytest.approx(10 * post_cost_gbp_per_year(hybrid))
    assert found["staff_budget_gbp_per_citizen_year"] == pytest.approx(
        found["staff_budget_gbp_per_year"] / 300
    )
    assert resources(small("baseline", "care_model=none"))["posts"] == 0
    # the places kept over the cap for returners are a resource too, where there are caseworkers
    assert found["caseworker_return_places_over_cap"] == hybrid.liberated.return_places_over_cap
    roomier = small("liberated", "liberated.return_places_over_cap=5")
    assert resources(roomier)["caseworker_return_places_over_cap"] == 5
    assert resources(small("baseline"))["caseworker_return_places_over_cap"] is None


def test_equal_staff_spend_matches_the_first_scenarios_budget_to_the_nearest_post() -> None:
    base = small("baseline", "workforce.workers=6")
    dear = small("liberated", "workforce.workers=40", "workforce.hourly_cost_gbp=95")
    same = small("hybrid", "workforce.workers=26")
    sized, sizing = equal_staff_spend([base, dear, same])
    target = staff_budget_gbp_per_year(base)
    assert sized[0] is base
    assert sized[2].workforce.workers == 6  # the same cost per post: the same posts
    assert staff_budget_gbp_per_year(sized[2]) == pytest.approx(target)
    # A dearer post: fewer of them, and the budget within half a post of the target.
    gap = abs(staff_budget_gbp_per_year(sized[1]) - target)
    assert gap <= post_cost_gbp_per_year(sized[1]) / 2
    assert sized[1].workforce.workers == round(target / post_cost_gbp_per_year(dear))
    assert [r["workers_before"] for r in sizing.rows] == [6, 40, 26]
    assert [r["workers"] for r in sizing.rows] == [s.workforce.workers for s in sized]
    # Only the posts change.
    assert sized[1].workforce.caseload_cap == dear.workforce.caseload_cap
    assert sized[1].care_model == dear.care_model


@pytest.mark.parametrize(
    ("first", "other", "says"),
    [
        (("baseline", "care_model=none"), ("liberated",), "no workforce"),
        (("baseline",), ("liberated", "workforce.hourly_cost_gbp=9000"), "more than the"),
    ],
)
def test_equal_spend_that_cannot_be_met_is_refused(first, other, says) -> None:
    with pytest.raises(ScenarioError, match=says):
        equal_staff_spend([small(*first), small(*other)])


def test_equal_service_spend_finds_the_size_whose_spend_is_nearest() -> None:
    base = small("baseline", "workforce.workers=3", "time.weeks=12")
    other = small("liberated", "workforce.workers=30", "time.weeks=12")

    def evaluate(scenario, reps):
        return run_replications(scenario, reps, 5)

    sized, sizing = equal_service_spend([base, other], evaluate, reps=2)
    target = sizing.target_gbp_per_citizen_year
    chosen = sizing.rows[1]
    assert chosen["workers"] == sized[1].workforce.workers
    # Nearer the target than one post either side.
    from relsim.commission.spend import service_spend

    spend = service_spend(evaluate(sized[1], 2))
    assert spend == pytest.approx(chosen["spend_gbp_per_citizen_year"])
    for neighbour in (chosen["workers"] - 1, chosen["workers"] + 1):
        if neighbour < 1:
            continue
        from relsim.commission.resources import with_workers

        near = service_spend(evaluate(with_workers(other, neighbour), 2))
        assert abs(spend - target) <= abs(near - target) + 1e-9


# -- payers and break-even ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def liberated_runs():
    scenario = small("liberated", "workforce.workers=6")
    return scenario, run_replications(scenario, 2, 11)


def test_weekly_spending_by_payer_adds_up_to_the_total(liberated_runs) -> None:
    scenario, runs = liberated_runs
    series = runs[0].timeseries
    payers = payer_columns(series, scenario)
    assert list(payers.columns) == list(PAYER_VIEW)
    np.testing.assert_allclose(payers.sum(axis=1), series["total_cost_gbp"], rtol=1e-9)
    booked = series[[c for c in series.columns if c.startswith("cost_") and c.endswith("_gbp")]]
    np.testing.assert_allclose(booked.sum(axis=1), series["total_cost_gbp"], rtol=1e-9)


def test_spending_per_citizen_year_equals_the_metrics(liberated_runs) -> None:
    scenario, runs = liberated_runs
    frame = pd.concat([r.timeseries for r in runs], ignore_index=True)
    spent = spending(frame, scenario, scenario.time.warmup_weeks + 1, [0, 1])
    total = spent.per_citizen_year(spent.system)
    service = spent.per_citizen_year(spent.by_payer["service"])
    for k, run in enumerate(runs):
        metrics = run.metrics
        assert total[k] == pytest.approx(metrics["total_cost_per_citizen_year"], rel=1e-9)
        assert service[k] == pytest.approx(
            metrics["staff_cost_per_citizen_year"]
            + metrics["flexible_budget_cost_per_citizen_year"],
            rel=1e-9,
        )
        # The NHS pays no staff or budget here: its share is the metric itself.
        assert spent.per_citizen_year(spent.by_payer["nhs"])[k] == pytest.approx(
            metrics["cost_nhs_per_citizen_year"], rel=1e-9
        )


@pytest.mark.parametrize(
    ("saving", "week"),
    [
        ([1.0, 2.0, 3.0], 1),
        ([-3.0, -1.0, 0.5, 2.0], 3),
        ([-1.0, 1.0, -0.5, 1.0, 2.0], 4),
        ([-1.0, -2.0, -3.0], None),
        ([1.0, 2.0, -0.1], None),
        ([0.0, 0.0, 0.0], None),  # spending alike saves nothing: it never breaks even
        ([-1.0, 0.0, 1.0], 3),
    ],
)
def test_break_even_is_the_first_week_from_which_the_saving_stays_positive(saving, week) -> None:
    assert break_even(np.array(saving)) == week


@pytest.mark.parametrize(("reps", "interval"), [(3, [0.0, 0.0]), (1, None)])
def test_a_cumulative_saving_of_nothing_has_an_interval_of_nothing(reps, interval) -> None:
    """Two scenarios that spend alike: the interval is [0, 0], not missing (which says "one
    replication"); with one replication there is none."""
    weeks = np.arange(1, 5)
    spent = Spending(
        {payer: np.full((reps, weeks.size), 100.0) for payer in PAYER_VIEW},
        np.full((reps, weeks.size), 50.0),
        weeks,
    )
    rows = compare_payers(spent, spent, ("same", "first")).rows
    for row in rows:
        assert row["cumulative_saving_gbp"] == {"mean": 0.0, "ci95": interval}
        assert row["break_even_week"] is None


def test_transition_adds_the_old_teams_pay_for_the_overlap() -> None:
    configs = [small("baseline", "workforce.workers=4"), small("liberated", "workforce.workers=4")]

    def run(scenario, position):
        assert scenario.time.warmup_weeks == 0  # launched on day one
        assert scenario.name == configs[position].name
        return run_replications(scenario, 2, 3)

    without, info0 = transition(configs, 0, run)
    overlap, info = transition(configs, 6, run)
    assert info0["double_running_gbp"] == 0
    assert info["double_running_gbp"] > 0
    rows0 = {r["payer"]: r for r in without[0].rows}
    rows = {r["payer"]: r for r in overlap[0].rows}
    for payer in ("service", "system"):
        change = (
            rows0[payer]["cumulative_saving_gbp"]["mean"]
            - rows[payer]["cumulative_saving_gbp"]["mean"]
        )
        assert change == pytest.approx(info["double_running_gbp"], rel=1e-9)
    for payer in ("nhs", "police_justice", "council_housing"):
        assert rows[payer]["cumulative_saving_gbp"] == rows0[payer]["cumulative_saving_gbp"]


# -- the command line ---------------------------------------------------------------------------


def _compare_json(*args: object) -> tuple[int, dict | None, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = relsim_main(*args)
    text = out.getvalue()
    return code, (json.loads(text) if code == 0 and text.strip() else None), err.getvalue()


@pytest.fixture(scope="module")
def equal_spend(tmp_path_factory):
    where = tmp_path_factory.mktemp("equal")
    code, payload, _ = _compare_json(
        "compare", "baseline", "liberated", "hybrid", *SMALL_ARGS,
        "--set", "workforce.workers=6", "--reps", "3", "--seed", "5", "--workers", "1",
        "--equal-spend", "--transition-weeks", "6", "--json", "--ensemble", "0",
        "--out", where / "out", "--xlsx", where / "book.xlsx",
    )  # fmt: skip
    assert code == 0
    return payload, where


def test_every_comparison_states_the_resources_on_each_side(equal_spend) -> None:
    payload, where = equal_spend
    for block in payload["scenarios"]:
        manifest = json.loads((where / "out" / block["scenario"] / "manifest.json").read_text())
        assert block["resources"]["posts"] == manifest["scenario"]["workforce"]["workers"]
    table = pd.read_csv(where / "out" / "resources.csv")
    assert list(table["scenario"]) == ["baseline", "liberated", "hybrid"]
    for row, block in zip(table.itertuples(), payload["scenarios"], strict=True):
        assert row.posts == block["resources"]["posts"]
        assert row.staff_budget_gbp_per_year == pytest.approx(
            block["resources"]["staff_budget_gbp_per_year"]
        )
        assert row.equal_spend_basis == "staff"


def test_equal_spend_gives_equal_staff_budgets_and_says_so(equal_spend) -> None:
    payload, _ = equal_spend
    budgets = [b["resources"]["staff_budget_gbp_per_year"] for b in payload["scenarios"]]
    assert budgets == pytest.approx([budgets[0]] * 3)
    spend = payload["equal_spend"]
    assert spend["basis"] == "staff" and spend["reference"] == "baseline"
    assert spend["target_gbp_per_citizen_year"] == pytest.approx(
        payload["scenarios"][0]["resources"]["staff_budget_gbp_per_citizen_year"]
    )
    assert [r["workers_before"] for r in spend["scenarios"]] == [6, 6, 6]


def test_payers_and_break_even_are_in_the_json(equal_spend) -> None:
    payload, _ = equal_spend
    for label in ("liberated - baseline", "hybrid - baseline"):
        data = payload["payers"][label]
        assert set(data["payers"]) == {*PAYER_VIEW, "system"}
        savings = [data["payers"][p]["saving_gbp_per_citizen_year"]["mean"] for p in PAYER_VIEW]
        system = data["payers"]["system"]["saving_gbp_per_citizen_year"]["mean"]
        assert sum(savings) == pytest.approx(system, rel=1e-9, abs=1e-6)
        total = payload["differences"][label]["total_cost_per_citizen_year"]["mean"]
        assert system == pytest.approx(-total, rel=1e-9, abs=1e-6)
        transition = payload["transition"]["comparisons"][label]
        assert transition["weeks"] == 20  # from launch over the horizon
    assert payload["transition"]["overlap_weeks"] == 6


def test_summary_means_sit_beside_the_per_replication_file(equal_spend) -> None:
    payload, where = equal_spend
    for block in payload["scenarios"]:
        folder = where / "out" / block["scenario"]
        means = pd.read_csv(folder / "summary_means.csv").set_index("metric")
        per_rep = pd.read_csv(folder / "summary.csv")
        assert len(per_rep) == 3
        for metric, summary in block["metrics"].items():
            row = means.loc[metric]
            # the replications in which it is a number
            assert row["replications"] == per_rep[metric].notna().sum()
            if summary["mean"] is None:
                assert math.isnan(row["mean"])
                assert row["replications"] == 0
                continue
            assert row["mean"] == pytest.approx(summary["mean"], rel=1e-12)
            if summary["ci95"]:
                assert [row["ci95_low"], row["ci95_high"]] == pytest.approx(summary["ci95"])
            assert row["interval"] == "chance"


def test_workbook_holds_the_same_numbers_as_the_json(equal_spend) -> None:
    payload, where = equal_spend
    book = pd.read_excel(where / "book.xlsx", sheet_name=None, engine="openpyxl")
    assert {"Summary", "Differences", "Resources", "By payer", "Time series", "Inputs",
            "Provenance", "Transition", "Cumulative"} <= set(book)  # fmt: skip
    summary = book["Summary"].set_index(["scenario", "metric"])
    for block in payload["scenarios"]:
        for metric, found in block["metrics"].items():
            row = summary.loc[(block["scenario"], metric)]
            if found["mean"] is None:
                assert pd.isna(row["mean"])
            else:
                assert row["mean"] == pytest.approx(found["mean"], rel=1e-12)
            if found["ci95"]:
                assert row["ci95_low"] == pytest.approx(found["ci95"][0], rel=1e-12)
    # what the intervals carry is said, as in differences.csv and the report
    for sheet in ("Summary", "Differences"):
        assert set(book[sheet]["interval"]) == {payload["interval"]["kind"]}
    about = dict(zip(book["About"]["sheet"], book["About"]["holds"], strict=True))
    assert about["intervals"] == payload["interval"]["description"]
    differences = book["Differences"].set_index(["comparison", "metric"])
    for label, diffs in payload["differences"].items():
        for metric, found in diffs.items():
            if found["mean"] is not None:
                assert differences.loc[(label, metric), "mean"] == pytest.approx(found["mean"])
    priced = book["Cost-effectiveness"].set_index(["series", "reference"])
    assert list(priced.index) == [
        ("liberated", "baseline"),
        ("hybrid", "baseline"),
        ("hybrid", "liberated"),
    ]
    for record in payload["cost_effectiveness"]:
        row = priced.loc[(record["series"], record["reference"])]
        for key, value in record.items():
            if key not in ("series", "reference"):
                assert pd.isna(row[key]) if value is None else row[key] == pytest.approx(value), key
    chosen = book["Choice"].set_index("series")
    assert list(chosen.index) == [b["scenario"] for b in payload["scenarios"]]
    for record in payload["incremental"]:
        row = chosen.loc[record["series"]]
        for key, value in record.items():
            if key == "series":
                continue
            if value is None or value == "":
                assert pd.isna(row[key]) or row[key] == "", key
            elif isinstance(value, str | bool):
                assert row[key] == value, key
            else:
                assert row[key] == pytest.approx(value), key
    payers = book["By payer"].set_index(["comparison", "payer"])
    for label, data in payload["payers"].items():
        for payer, entry in data["payers"].items():
            row = payers.loc[(label, payer)]
            assert row["saving_mean"] == pytest.approx(entry["saving_gbp_per_citizen_year"]["mean"])
            expected = entry["break_even_week"]
            assert (pd.isna(row["break_even_week"]) and expected is None) or (
                row["break_even_week"] == expected
            )
    resources = book["Resources"].set_index("scenario")
    for block in payload["scenarios"]:
        assert resources.loc[block["scenario"], "posts"] == block["resources"]["posts"]
    prices = book["Prices"].set_index(["scenario", "price"])
    for scenario, entries in payload["prices"].items():
        for key, entry in entries.items():
            value = prices.loc[(scenario, key), "value"]
            assert value == entry["value"] or str(value) == str(entry["value"]), (key, value)
    provenance = book["Provenance"].set_index("scenario")
    for block in payload["scenarios"]:
        assert (
            provenance.loc[block["scenario"], "scenario_hash"]
            == (block["provenance"]["scenario_hash"])
        )
        assert provenance.loc[block["scenario"], "seed"] == 5


def test_force_replaces_a_comparison_with_its_resources(equal_spend, tmp_path) -> None:
    _, where = equal_spend
    code = relsim_main(
        "compare", "baseline", "liberated", *SMALL_ARGS, "--reps", "2", "--workers", "1",
        "--out", where / "out", "--force",
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in (where / "out").iterdir()) == [
        "baseline",
        "cost_effectiveness.csv",
        "differences.csv",
        "incremental.csv",
        "liberated",
        "manifest.json",
        "price_changes.csv",
        "resources.csv",
    ]


def _nothing_written(tmp_path: Path) -> None:
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios"]


@pytest.mark.parametrize(
    ("files", "args", "says"),
    [
        (
            {"big.yaml": "extends: liberated.yaml\nname: big\npopulation:\n  citizens: 900\n"},
            ["scenarios/baseline.yaml", "scenarios/big.yaml"],
            "different populations",
        ),
        (
            {"short.yaml": "extends: liberated.yaml\nname: short\ntime:\n  weeks: 30\n"},
            ["scenarios/baseline.yaml", "scenarios/short.yaml"],
            "different horizons",
        ),
        (
            {"nobody.yaml": "extends: baseline.yaml\nname: nobody\ncare_model: none\n"},
            ["scenarios/nobody.yaml", "scenarios/liberated.yaml", "--equal-spend"],
            "no workforce",
        ),
        (
            {
                "dear.yaml": (
                    "extends: liberated.yaml\nname: dear\nworkforce:\n  hourly_cost_gbp: 9000\n"
                )
            },
            ["scenarios/baseline.yaml", "scenarios/dear.yaml", "--equal-spend"],
            "no whole number of posts",
        ),
    ],
)
def test_unfair_or_impossible_comparisons_exit_2_and_write_nothing(
    files, args, says, tmp_path, cli_run
) -> None:
    import shutil

    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    for name, text in files.items():
        (tmp_path / "scenarios" / name).write_text(text, encoding="utf-8")
    before = sorted(p.name for p in (tmp_path / "scenarios").iterdir())
    result = cli_run(
        "compare", *args, "--reps", "2", "--out", "out", "--report", "r.html", "--xlsx", "r.xlsx",
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert result.stdout == ""
    _nothing_written(tmp_path)
    assert sorted(p.name for p in (tmp_path / "scenarios").iterdir()) == before


# -- scaling to a district ----------------------------------------------------------------------


def _no_services(tmp_path: Path) -> Path:
    """A scenario with no services (care_model: none), written beside the test."""
    path = tmp_path / "nobody.yaml"
    path.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: nobody\ncare_model: none\n")
    return path


def but_settling(warnings: list[str]) -> list[str]:
    """The warnings but those that a district this small and this short is still settling."""
    return [w for w in warnings if "had not settled when its measured period began" not in w]


def test_run_keeps_its_warnings_in_its_json_and_manifest(tmp_path) -> None:
    """`run` says on stderr that a scenario's knobs lie outside the calibrated ones; its JSON and
    its manifest keep the same lines, as a comparison's do; a scenario inside them has none."""
    scenario = tmp_path / "wide.yaml"
    scenario.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: wide\ncontinuity: 0.3\n")
    args = ("run", scenario, *SMALL_ARGS, "--reps", "2", "--workers", "1", "--ensemble", "0")
    code, payload, err = _compare_json(*args, "--out", tmp_path / "out", "--json")
    assert code == 0 and payload is not None
    [warning] = but_settling(payload["warnings"])
    assert warning.startswith("wide: continuity 0.3 is outside the conditions")
    assert f"relsim: warning: {warning}" in err.splitlines()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert but_settling(manifest["warnings"]) == [warning]
    code, inside, _ = _compare_json("run", "baseline", *args[2:], "--json")
    assert code == 0 and inside is not None and but_settling(inside["warnings"]) == []


def test_equal_spend_says_a_scenario_without_services_was_not_sized(tmp_path, capsys) -> None:
    args = ("compare", "baseline", _no_services(tmp_path), *SMALL_ARGS, "--reps", "1",
            "--workers", "1", "--ensemble", "0", "--equal-spend")  # fmt: skip
    code, payload, err = _compare_json(*args, "--json")
    assert code == 0 and payload is not None
    [warning] = but_settling(payload["warnings"])
    assert "nobody has no services" in warning and "not at equal spend" in warning
    assert f"relsim: warning: {warning}" in err.splitlines()
    unsized = payload["equal_spend"]["scenarios"][1]
    assert unsized["note"] == "no services: nothing to size"
    # the posts it runs, as its resources say, not the workforce its file inherits
    assert unsized["workers_before"] == unsized["workers"] == 0
    assert payload["scenarios"][1]["resources"]["posts"] == 0
    [_, row] = resources_table(payload).to_dict("records")
    assert row["posts_as_written"] == 0 and pd.isna(row["equal_spend_basis"])
    assert relsim_main(*args) == 0
    shown = capsys.readouterr().out
    assert "nobody (no services: nothing to size)" in shown and "-> 2 posts" not in shown


def test_the_specialist_places_stated_are_those_the_services_run() -> None:
    """At 2,500 citizens each service's 15 places per 1,000 is 37.5, which a service runs as 38
    whole places: the resources state the places the model runs (228), as a whole number, not
    the capacity before rounding (225.0)."""
    from relsim.model import CareModel

    config = load_scenario(SCENARIOS / "baseline.yaml", ["population.citizens=2500"])
    model = CareModel(config)
    running = sum(service.slots for service in model.services)
    stated = resources(config)["specialist_episodes"]
    assert stated == running == 228
    assert isinstance(stated, int)


def test_scale_keeps_arrivals_workforce_and_specialists_in_proportion(tmp_path) -> None:
    for name in ("baseline", "hybrid"):
        target = tmp_path / f"{name}_30k.yaml"
        assert relsim_main("scale", name, "--citizens", "30000", "--out", target) == 0
        original = load_scenario(SCENARIOS / f"{name}.yaml")
        scaled = load_scenario(target)
        factor = 30000 / original.population.citizens
        assert scaled.name == f"{name}-30000"
        assert scaled.population.citizens == 30000
        assert scaled.population.arrivals_per_week == pytest.approx(
            original.population.arrivals_per_week * factor
        )
        assert scaled.workforce.workers == round(original.workforce.workers * factor)
        before, after = resources(original), resources(scaled)
        assert after["specialist_episodes"] == pytest.approx(before["specialist_episodes"] * factor)
        assert after["posts_per_1000_citizens"] == pytest.approx(
            before["posts_per_1000_citizens"], rel=0.02
        )
        assert scaled.hybrid == original.hybrid and scaled.liberated == original.liberated
        assert proportion_warnings(scaled) == []
        # the file says the posts per 1,000 are the original's, not sized to the district's needs
        per_1000 = 1000 * original.workforce.workers / original.population.citizens
        text = " ".join(target.read_text(encoding="utf-8").replace("# ", "").split())
        assert f"The posts keep the original's {per_1000:.3g} per 1,000 citizens" in text
        assert "`relsim frontier` compares sizes" in text


def test_a_small_scaled_district_says_its_whole_posts_move_the_ratio(capsys) -> None:
    """6 posts for 3,000 citizens are 2 per 1,000; scaled to 200 citizens they round to one
    post, 5 per 1,000, and the file says so instead of that the ratio is kept."""
    assert relsim_main("scale", "baseline", "--citizens", "200") == 0
    text = " ".join(capsys.readouterr().out.replace("# ", "").split())
    assert "The posts are 5 per 1,000 citizens (the original's 2, in whole posts)" in text
    assert "keep the original's" not in text
    # to one citizen: "1e+03 per 1,000 citizens"
    assert relsim_main("scale", "baseline", "--citizens", "1") == 0
    text = " ".join(capsys.readouterr().out.replace("# ", "").split())
    assert "The posts are 1,000 per 1,000 citizens" in text and "e+" not in text


def test_scale_leaves_the_posts_of_a_district_with_no_services_alone(tmp_path) -> None:
    """A district with no services has no posts to scale: the copy sets none and its comment
    names none; a district scaled down to one post says "1 post"."""
    target = tmp_path / "none_100.yaml"
    assert relsim_main("scale", "none", "--citizens", "100", "--out", target) == 0
    text = target.read_text(encoding="utf-8")
    assert "workforce" not in text and "posts" not in text
    small = tmp_path / "baseline_100.yaml"
    assert relsim_main("scale", "baseline", "--citizens", "100", "--out", small) == 0
    assert "(6 -> 1 post)." in small.read_text(encoding="utf-8")


def test_scale_scales_arrivals_written_out(tmp_path) -> None:
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(
        "extends: baseline.yaml\nname: fixed\npopulation:\n  arrivals_per_week: 6\n",
        encoding="utf-8",
    )
    target = tmp_path / "out" / "fixed_big.yaml"
    assert relsim_main("scale", fixed, "--citizens", "6000", "--out", target) == 0
    scaled = load_scenario(target)
    assert scaled.population.arrivals_per_week == pytest.approx(12)
    assert "extends: ../fixed.yaml" in target.read_text(encoding="utf-8")


def test_flows_out_of_proportion_are_warned_about(capsys) -> None:
    scenario = small("baseline", "population.citizens=30000", "population.arrivals_per_week=6")
    warnings = proportion_warnings(scenario)
    assert len(warnings) == 1 and "arrivals_per_week" in warnings[0]
    assert proportion_warnings(small("baseline")) == []  # arrivals left out: in proportion
    empty = proportion_warnings(small("baseline", "population.citizens=0"))
    assert empty == [
        "baseline: population.citizens is 0 and nobody arrives, so the district is empty: every "
        "per-citizen metric is empty and nothing is measured"
    ]
    # an empty district that people move into is a district filling up, not an empty one
    filling = small("baseline", "population.citizens=0", "population.arrivals_per_week=6")
    assert not any("is empty" in w for w in proportion_warnings(filling))
    code = relsim_main(
        "run", "baseline", *SMALL_ARGS, "--set", "population.arrivals_per_week=40",
        "--reps", "1", "--workers", "1", "--json",
    )  # fmt: skip
    assert code == 0
    assert "warning:" in capsys.readouterr().err


# -- the frontier and the budget search ---------------------------------------------------------


def test_frontier_compares_the_models_at_equal_staff_budgets(tmp_path) -> None:
    out = tmp_path / "frontier"
    code = relsim_main(
        "frontier", "baseline", "liberated", *FRONTIER_ARGS, "--workforce", "2,4", "--reps", "2",
        "--workers", "1", "--out", out,
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "baseline", "better_buy.csv", "frontier.csv", "frontier.png", "incremental.csv",
        "liberated", "manifest.json",
    ]  # fmt: skip
    table = pd.read_csv(out / "frontier.csv")
    assert len(table) == 4 and set(table["posts"]) == {2, 4}
    for _, size in table.groupby("posts"):
        assert size["staff_budget_gbp_per_citizen_year"].nunique() == 1
    runs = pd.read_parquet(out / "liberated" / "runs.parquet")
    four = runs[runs["workforce.workers"] == 4]
    row = table[(table["series"] == "liberated") & (table["posts"] == 4)].iloc[0]
    assert row["crisis_events_per_citizen_year_mean"] == pytest.approx(
        four["crisis_events_per_citizen_year"].mean()
    )
    better = pd.read_csv(out / "better_buy.csv")
    assert list(better["posts"]) == [2, 4] and better["equal_staff_budget"].all()
    for row in better.itertuples():
        means = table[table["posts"] == row.posts].set_index("series")
        assert row.crisis_events_per_citizen_year_best == (
            means["crisis_events_per_citizen_year_mean"].idxmin()
        )
    # Under how many parameter sets each model is lowest, counted from the runs themselves
    # (one run a set here, replication r running set r): what a sentence such as "fewer
    # crises under 3 of the 10 sets" rests on.
    for size in (2, 4):
        by_set = {
            series: pd.read_parquet(out / series / "runs.parquet")
            .query(f"`workforce.workers` == {size}")
            .set_index("replication")["crisis_events_per_citizen_year"]
            for series in ("baseline", "liberated")
        }
        first, second = by_set["baseline"], by_set["liberated"]
        below = int((second < first).sum())
        row = better[better["posts"] == size].iloc[0]
        sets = len(first)
        assert row["crisis_events_per_citizen_year_below_first_in"] == (
            f"liberated {below} of {sets}"
        )
        lowest = int((first <= second).sum()), int((second <= first).sum())  # a tie: both
        assert row["crisis_events_per_citizen_year_lowest_in"] == (
            f"baseline {lowest[0]}, liberated {lowest[1]} of {sets}"
        )
    # The efficient set: no point on it is beaten on both measures by another point.
    frontier = table[table["on_frontier"]]
    for point in frontier.itertuples():
        beaten = table[
            (
                table["crisis_events_per_citizen_year_mean"]
                < point.crisis_events_per_citizen_year_mean
            )
            & (table["total_cost_per_citizen_year_mean"] < point.total_cost_per_citizen_year_mean)
        ]
        assert beaten.empty
    # Which model at which size to choose: every series at every size is an option, with the
    # frontier table's means, and the options still standing are the efficient set's (strong
    # dominance) less any a mix of its neighbours beats.
    choice = pd.read_csv(out / "incremental.csv", keep_default_na=False, na_values=[""])
    assert list(choice["option"]) == [
        f"{series} at {size} posts" for series in ("baseline", "liberated") for size in (2, 4)
    ]
    merged = choice.merge(table, left_on=["scenario", "posts"], right_on=["series", "posts"])
    assert merged["crises_per_citizen_year_mean"].to_numpy() == pytest.approx(
        merged["crisis_events_per_citizen_year_mean"].to_numpy()
    )
    standing = merged[merged["status"] == "frontier"]
    assert set(standing["option"]) <= set(merged.loc[merged["on_frontier"], "option"])
    assert (merged.loc[merged["on_frontier"], "status"] != "dominated").all()
    for price in (0, 1000, 2000, 5000, 10000):
        assert choice[f"best_at_{price}_gbp"].sum() == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "relsim frontier"
    # By default a commissioner's frontier runs over ten parameter sets of the calibrated
    # ensemble (--reps shared among them), the same in every series, and says so.
    assert manifest["interval"]["kind"] == PARAMETERS
    assert manifest["interval"]["parameter_sets"] == REPORT_SETS
    assert set(table["interval"]) == {PARAMETERS} and (table["runs_ok"] == REPORT_SETS).all()
    members = {
        series: sorted(set(pd.read_parquet(out / series / "runs.parquet")["parameter_set"]))
        for series in ("baseline", "liberated")
    }
    assert members["baseline"] == members["liberated"] == list(range(REPORT_SETS))
    # An earlier frontier is replaced with --force, and only then.
    again = ("frontier", "baseline", "liberated", *FRONTIER_ARGS, "--workforce", "2", "--reps",
             "1", "--workers", "1", "--out", out)  # fmt: skip
    assert relsim_main(*again) == 2
    assert relsim_main(*again, "--force", "--ensemble", "0") == 0
    chance = pd.read_csv(out / "frontier.csv")
    assert len(chance) == 2 and set(chance["interval"]) == {CHANCE}
    assert (chance["runs_ok"] == 1).all()


def _frontier(tmp_path: Path, *args: object) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """A small frontier over chance only: its table, its better buys and what it printed."""
    import contextlib
    import io

    out, shown = tmp_path / "frontier", io.StringIO()
    with contextlib.redirect_stdout(shown):
        code = relsim_main(
            "frontier", *args, *FRONTIER_ARGS, "--workforce", "2,4", "--workers", "1",
            "--ensemble", "0", "--out", out,
        )  # fmt: skip
    assert code == 0
    return pd.read_csv(out / "frontier.csv"), pd.read_csv(out / "better_buy.csv"), shown.getvalue()


def test_a_frontier_shows_a_scenario_without_services_once(tmp_path) -> None:
    nobody = _no_services(tmp_path)
    table, better, _ = _frontier(tmp_path, "baseline", nobody, "liberated", "--reps", "2")
    reference = table[table["series"] == "nobody"]
    assert len(reference) == 1 and reference["posts"].tolist() == [0]
    assert len(table) == 5
    # It has no staff budget to match: the models with services are compared without it.
    assert better["equal_staff_budget"].all()
    for column in better.columns[better.columns.str.endswith(("_best", "_in"))]:
        assert not better[column].astype(str).str.contains("nobody").any(), column
    # and it is run once, not once per size
    runs = pd.read_parquet(tmp_path / "frontier" / "nobody" / "runs.parquet")
    assert len(runs) == 2
    assert relsim_main("rerun", tmp_path / "frontier", "--out", tmp_path / "again") == 0


def test_a_frontier_of_one_model_names_no_better_buy(tmp_path) -> None:
    _, better, shown = _frontier(tmp_path, "baseline", "--reps", "2")
    assert "nothing to compare" in shown and "better buy," not in shown
    assert better["better_buy_clearly"].isna().all()
    assert better["better_buy"].isna().all()  # written empty: nothing to be better than
    for metric in ("crisis_events_per_citizen_year", "total_cost_per_citizen_year"):
        assert better[f"{metric}_below_first_in"].isna().all()


def test_a_frontier_with_one_replication_does_not_judge_the_differences(tmp_path) -> None:
    _, better, shown = _frontier(tmp_path, "baseline", "liberated", "--reps", "1")
    for metric in ("crisis_events_per_citizen_year", "total_cost_per_citizen_year"):
        assert better[f"{metric}_clearly"].isna().all()
    assert "intervals overlap" not in shown and "clearly" not in shown
    row = {**better.iloc[0].to_dict(), "better_buy": "baseline", "better_buy_clearly": None}
    row |= {f"{m}_best": "baseline" for m in ("crisis_events_per_citizen_year",
                                              "total_cost_per_citizen_year")}  # fmt: skip
    [line] = frontier_sentences(pd.DataFrame([row]), ["baseline", "liberated"])
    assert "cannot be judged" in line and "one replication" in line
    # 'not clearly' is the paired differences' test, not whether the two sides' intervals
    # overlap (which the report tells readers is not the test)
    [line] = frontier_sentences(pd.DataFrame([{**row, "better_buy_clearly": False}]), ["a", "b"])
    assert "not clearly (a paired difference's 95 % interval includes zero)" in line
    assert "overlap" not in line


def test_a_frontier_over_few_parameter_sets_says_what_clearly_rests_on(tmp_path) -> None:
    """Over two parameter sets, "clearly" means both sets agree: the sentences say so rather
    than let it read as a measured 95 % interval; over forty they say nothing of the kind."""
    _, better, _ = _frontier(tmp_path, "baseline", "liberated", "--reps", "2")
    row = {**better.iloc[0].to_dict(), "better_buy": "baseline", "better_buy_clearly": True}
    row |= {f"{m}_best": "baseline" for m in ("crisis_events_per_citizen_year",
                                              "total_cost_per_citizen_year")}  # fmt: skip
    table = pd.DataFrame([row])
    few = frontier_sentences(table, ["baseline", "liberated"], few_sets(describe(PARAMETERS, 2, 1)))
    assert "better buy, clearly" in few[0]
    assert "Over only 2 parameter sets" in few[-1] and "not that a 95 % interval" in few[-1]
    many = frontier_sentences(
        table, ["baseline", "liberated"], few_sets(describe(PARAMETERS, 40, 1))
    )
    assert len(many) == 1
    unclear = table.assign(better_buy_clearly=False)
    assert len(frontier_sentences(unclear, ["baseline", "liberated"], 2)) == 1


def test_a_budget_over_few_parameter_sets_says_what_its_share_rests_on() -> None:
    """The share of resamples in which the optimum came out best, over three parameter sets,
    is how often those sets agree: the sentence says so; over forty, or over replications, it
    does not."""
    optimum = pd.Series(
        {"threshold_active_needs": 3, "caseworker_posts": 4, "duty_worker_posts": 2,
         "mean": 2.5, "ci95_low": 2.1, "ci95_high": 3.0, "probability_best": 1.0,
         "crisis_events_per_citizen_year_mean": 2.5, "total_cost_per_citizen_year_mean": 6000.0,
         "mean_wait_weeks_mean": 2.0}
    )  # fmt: skip
    flat = {"neighbours": 0}
    few = budget_sentence(optimum, flat, "crisis_events_per_citizen_year", 6, 3)
    assert "100 % of resampled parameter sets (with only 3 sets" in few
    assert "how often the sets tried agree" in few
    for sets in (40, 0):
        assert "with only" not in budget_sentence(optimum, flat, "crisis_events", 6, sets)
    # the measure searched in words, with the name the files give it
    assert few.startswith(
        "With 6 posts, the measure searched (crisis events, crisis_events_per_citizen_year) is "
        "lowest with 4 caseworkers and 2 duty workers"
    ), few


def test_budget_search_reports_an_optimum_its_uncertainty_and_flatness(tmp_path) -> None:
    out = tmp_path / "budget"
    hybrid = small("hybrid")
    limit = 5.5 * post_cost_gbp_per_year(hybrid)  # pays for 5 posts
    code = relsim_main(
        "budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2",
        "--workers", "1", "--out", out, "--minimise", "total_cost_per_citizen_year",
    )  # fmt: skip
    assert code == 0
    result = json.loads((out / "budget.json").read_text())
    table = pd.read_csv(out / "budget.csv")
    assert result["posts"] == 5 and result["outcome"] == "total_cost_per_citizen_year"
    optimum = result["optimum"]
    assert optimum["caseworker_posts"] + optimum["duty_worker_posts"] == 5
    searched = table[table["stage"] != "coarse"]
    assert searched["optimum"].sum() == 1
    best = searched[searched["optimum"]].iloc[0]
    assert best["mean"] == pytest.approx(optimum["mean"])
    assert best["mean"] == pytest.approx(searched["mean"].min())
    assert optimum["ci95"][0] <= optimum["mean"] <= optimum["ci95"][1]
    assert searched["probability_best"].sum() == pytest.approx(1.0)
    assert (searched["difference_from_optimum"] >= -1e-9).all()
    # Nobody who presents is left without a front door.
    for row in table.itertuples():
        if row.caseworker_posts == 5:
            assert row.threshold_active_needs == 0
        else:
            assert 1 <= row.caseworker_posts <= 4 and row.threshold_active_needs >= 1
    flat = result["flatness"]
    assert flat["points_refined"] == len(searched)
    assert 1 <= flat["indistinguishable_points"] <= len(searched)
    # the count includes the optimum; the sentence speaks of the others
    others = f"{flat['indistinguishable_points'] - 1} of the other {len(searched) - 1} points"
    assert others in result["sentence"]
    # the district it was for: left out, the bundled hybrid ran without a word of it
    assert result["sentence"].startswith(f"In hybrid ({hybrid.population.citizens:,} citizens): ")
    assert (out / "budget.png").stat().st_size > 1000
    # Over the ensemble by default: every refined point runs the same ten parameter sets, the
    # coarse grid the first five; the result says which interval it holds.
    assert result["interval"]["kind"] == PARAMETERS
    assert "parameters and chance" in result["sentence"]
    assert set(searched["replications"]) == {REPORT_SETS}
    assert set(table[table["stage"] == "coarse"]["replications"]) == {REPORT_SETS // 2}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--limit", "10k"], "does not pay for one post"),
        (["--limit", "lots"], "expected pounds a year"),
        (["--limit", "3m", "--minimise", "staff_cost_per_citizen_year"], "--limit fixes the"),
        # no value at any point, found only after the coarse stage had run
        (
            ["--limit", "3m", "--minimise", "repeat_within_year_share", "--set", "time.weeks=52"],
            "needs a measured horizon over 52 weeks",
        ),
        # 70,000 posts for a district of 3,000 ran for minutes
        (["--limit", "10000m"], "posts, more than the district's 3,000 citizens"),
        (["--limit", "3m", "--set", "care_model=liberated"], "balances the hybrid"),
        # it said "hybrid is none", of the scenario named hybrid
        (["--limit", "3m", "--set", "care_model=none"], "hybrid runs the care model none;"),
    ],
)
def test_budget_refuses_what_it_cannot_search(args, says, tmp_path, capsys) -> None:
    assert relsim_main("budget", "hybrid", *args, "--out", tmp_path / "b") == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def _strict_json(path: Path) -> dict:
    """A JSON file read as the standard has it: a bare NaN or Infinity is an error."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{path.name} holds {constant}, which is not JSON")

    return json.loads(path.read_text(), parse_constant=refuse)


def test_a_budget_for_one_post_says_flatness_cannot_be_judged(tmp_path, capsys) -> None:
    limit = 1.5 * post_cost_gbp_per_year(small("hybrid"))  # pays for 1 post
    code = relsim_main(
        "budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2",
        "--workers", "1", "--ensemble", "0", "--out", tmp_path / "b",
    )  # fmt: skip
    assert code == 0
    result = _strict_json(tmp_path / "b" / "budget.json")
    assert result["posts"] == 1 and result["flatness"]["neighbours"] == 0
    assert result["flatness"]["largest_change_one_step_percent"] is None
    assert "cannot be judged from this one size" in result["sentence"]
    assert "nan" not in result["sentence"]
    assert (
        result["sentence"].startswith("In hybrid (300 citizens): With 1 post, ")
        and " 1 caseworker and " in result["sentence"]
    )
    assert "cannot be judged" in capsys.readouterr().out


def test_a_budget_on_an_outcome_of_zero_warns_of_nothing(tmp_path, capsys) -> None:
    limit = 2.5 * post_cost_gbp_per_year(small("hybrid"))  # pays for 2 posts
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        code = relsim_main(
            "budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2",
            "--workers", "1", "--ensemble", "0", "--out", tmp_path / "b",
            "--minimise", "joint_work_unserved_share",
        )  # fmt: skip
    assert code == 0
    assert "Warning" not in capsys.readouterr().err
    result = _strict_json(tmp_path / "b" / "budget.json")
    assert result["optimum"]["mean"] == 0
    assert "cannot be put as a percentage" in result["sentence"]
    assert "nan" not in result["sentence"]


# -- the documented commands ----------------------------------------------------------------------


def _documented() -> list[list[str]]:
    import re
    import shlex

    text = (ROOT / "docs" / "commissioning.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    return [
        shlex.split(line)[1:]
        for b in blocks
        for line in b.splitlines()
        if line.startswith("relsim ")
    ]


DOCUMENTED = _documented()


def test_the_guide_shows_one_command_for_each_question() -> None:
    assert {c[0] for c in DOCUMENTED} == {"compare", "frontier", "budget", "scale"}
    compares = [c for c in DOCUMENTED if c[0] == "compare"]
    assert any("--equal-spend" in c for c in compares)
    assert any("--transition-weeks" in c for c in compares)
    assert any("--report" in c for c in compares) and any("--xlsx" in c for c in compares)


@pytest.mark.parametrize("command", DOCUMENTED, ids=" ".join)
def test_documented_commands_run(command: list[str], tmp_path, monkeypatch) -> None:
    """Each `relsim` command in docs/commissioning.md, on a small district with few runs."""
    monkeypatch.chdir(tmp_path)
    args = list(command)
    if args[0] in ("compare", "frontier", "budget"):
        args += [*(FRONTIER_ARGS if args[0] == "frontier" else SMALL_ARGS), "--workers", "1"]
    if args[0] == "compare":
        args += ["--reps", "2"]
        if "--transition-weeks" in args:  # within the small district's horizon
            args[args.index("--transition-weeks") + 1] = "4"
    if args[0] == "frontier":
        args += ["--workforce", "2,3", "--reps", "1"]
    if args[0] == "budget":
        args[args.index("--limit") + 1] = f"{3.5 * post_cost_gbp_per_year(small('hybrid')):.0f}"
        args += ["--reps", "2"]
    assert relsim_main(*args) == 0, command
    written = [a for a in command if a.endswith((".html", ".xlsx", ".yaml")) or "/" in a]
    for target in written:
        assert (tmp_path / target).exists(), target


# -- sensitivity and service spend on the command line ------------------------------------------


def _sensitivity_dir(where: Path, scenario: str = "baseline") -> Path:
    where.mkdir(parents=True, exist_ok=True)
    manifest = {
        "kind": "relsim sweep",
        "design": {"kind": "morris", "spec": {"ranges": ["continuity=0.2:0.9"]}},
        "base_scenario": {"name": scenario},
    }
    (where / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    pd.DataFrame(
        [
            {
                "metric": "crisis_events_per_citizen_year",
                "parameter": p,
                "mu_star": v,
                "mu_star_ci95": 0.01,
                "mu": v,
                "sigma": 0.0,
            }
            for p, v in (
                ("continuity", 0.2),
                ("crises.ae.unit_cost_gbp", 0.05),
                ("needs.coupling_strength", 0.4),
            )
        ]
    ).to_csv(where / "sensitivity.csv", index=False)
    return where


def test_a_sensitivity_analysis_names_what_the_result_rests_on(tmp_path) -> None:
    from relsim.commission.inputs import sensitivity_summary
    from relsim.report.certainty import certainty_paragraph
    from relsim.report.inputs import inputs_section

    found = sensitivity_summary(_sensitivity_dir(tmp_path / "s"), [small("baseline")])
    assert found["available"] and found["matches"] and found["method"] == "morris"
    ranked = found["top"]["crisis_events_per_citizen_year"]
    assert [e["parameter"] for e in ranked] == [
        "needs.coupling_strength",
        "continuity",
        "crises.ae.unit_cost_gbp",
    ]
    assert [e["kind"] for e in ranked] == ["parameter", "knob", "parameter"]
    assert ranked[1]["assumption"] is False  # a knob is the user's, not an assumption
    payload = {"reps": 3, "sensitivity": found, "inputs": {}, "assumptions": {}}
    text = inputs_section(payload)
    assert "needs.coupling_strength" in text and "knob" in text
    assert "ranks first needs.coupling_strength, continuity" in certainty_paragraph(payload)
    other = sensitivity_summary(_sensitivity_dir(tmp_path / "o", "elsewhere"), [small("baseline")])
    assert not other["matches"]
    assert "not one of the scenarios compared" in inputs_section({**payload, "sensitivity": other})


def test_the_reports_sensitivity_says_what_it_ranks_and_when_the_order_is_unsettled(
    tmp_path,
) -> None:
    """A six-run design ranked parameters with margins as large as their indices (16.3 ± 14.9)
    and the report showed it as a ranking of what the result rests on: it now says the ranking
    is of the one scenario's own results, and warns when an index is within its own margin."""
    from relsim.commission.inputs import sensitivity_summary
    from relsim.report.inputs import inputs_section

    where = _sensitivity_dir(tmp_path / "s")
    found = sensitivity_summary(where, [small("baseline")])
    payload = {"reps": 3, "sensitivity": found, "inputs": {}, "assumptions": {}}
    steady = " ".join(inputs_section(payload).split())
    assert "It ranks what moves baseline's own results, not the difference" in steady
    assert 'data-sensitivity="unsteady"' not in steady
    table = pd.read_csv(where / "sensitivity.csv")
    table.loc[table["parameter"] == "crises.ae.unit_cost_gbp", "mu_star_ci95"] = 0.05
    table.to_csv(where / "sensitivity.csv", index=False)
    shaky = sensitivity_summary(where, [small("baseline")])
    assert 'data-sensitivity="unsteady"' in inputs_section({**payload, "sensitivity": shaky})


def test_a_parameter_set_by_hand_is_not_called_sourced(tmp_path) -> None:
    """The contact effect was set by hand to meet the MEAM reductions (an aim, not a test):
    the report's sensitivity table called it "sourced", as if a study had measured it."""
    from relsim.commission.inputs import sensitivity_summary
    from relsim.report.inputs import inputs_section

    where = _sensitivity_dir(tmp_path / "s")
    table = pd.read_csv(where / "sensitivity.csv")
    table.loc[table["parameter"] == "needs.coupling_strength", "parameter"] = (
        "liberated.contact_effect_per_hour"
    )
    table.to_csv(where / "sensitivity.csv", index=False)
    found = sensitivity_summary(where, [small("baseline")])
    kinds = {e["parameter"]: e for e in found["top"]["crisis_events_per_citizen_year"]}
    assert kinds["liberated.contact_effect_per_hour"]["set_by_hand"]
    assert not kinds["crises.ae.unit_cost_gbp"]["set_by_hand"]
    payload = {"reps": 3, "sensitivity": found, "inputs": {}, "assumptions": {}}
    text = inputs_section(payload)
    row = text.split("liberated.contact_effect_per_hour")[1].split("</tr>")[0]
    assert "set by hand" in row and "sourced" not in row


def test_a_hand_made_sensitivity_directory_is_refused_in_words(tmp_path) -> None:
    """A directory with the two files' names but not their contents said "cannot be read
    ('design')", or stopped on a missing column; it is refused as not a sensitivity result,
    saying what is missing."""
    from relsim.commission.inputs import sensitivity_summary

    configs = [small("baseline")]
    made = _sensitivity_dir(tmp_path / "no_design")
    (made / "manifest.json").write_text(json.dumps({"kind": "relsim sweep"}), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        sensitivity_summary(made, configs)
    assert str(raised.value).endswith(
        "not a `relsim sensitivity` result (its manifest.json names no Morris or Sobol' design)"
    )
    thin = _sensitivity_dir(tmp_path / "no_interval")
    table = pd.read_csv(thin / "sensitivity.csv").drop(columns="mu_star_ci95")
    table.to_csv(thin / "sensitivity.csv", index=False)
    with pytest.raises(ScenarioError) as raised:
        sensitivity_summary(thin, configs)
    assert str(raised.value).endswith("(sensitivity.csv has no column mu_star_ci95)")
    # its header alone: the report said "ranks first ." with an empty list
    empty = _sensitivity_dir(tmp_path / "header_only")
    pd.read_csv(empty / "sensitivity.csv").head(0).to_csv(empty / "sensitivity.csv", index=False)
    with pytest.raises(ScenarioError) as raised:
        sensitivity_summary(empty, configs)
    assert str(raised.value).endswith("sensitivity.csv ranks no parameter")


def test_who_saves_says_the_service_is_apart_from_the_body_that_pays_for_it(capsys) -> None:
    """Council and housing saving £87 while its cost measure rises by £1,620 is not a
    contradiction when the staff it pays for are counted as the service: the table says so."""
    from relsim.output import print_payers

    entry = {
        "saving_gbp_per_citizen_year": {"mean": 87.0, "ci95": [30.0, 210.0]},
        "break_even_week": 1,
        "break_even_week_earliest": 1,
        "break_even_week_latest": 1,
    }
    payload = {
        "scenarios": [{"scenario": "a"}, {"scenario": "b"}],
        "payers": {"b - a": {"weeks": 10, "payers": {"council_housing": entry}}},
    }
    capsys.readouterr()
    print_payers(payload)
    shown = " ".join(capsys.readouterr().out.split())
    assert "that body's row leaves it out" in shown
    assert "its cost_<payer>_per_citizen_year measure includes it." in shown
    # a saving per citizen-year beside a break-even week: on which footing each is counted
    assert "divides each side's spending by its own people present" in shown
    assert "break-even week are the district's pounds" in shown
    assert "so the two can differ in sign." in shown  # whole, not cut at 200 characters


def test_the_terminal_says_which_scenario_to_choose_at_each_price(capsys) -> None:
    """compare's terminal output has the choice table: each scenario's standing, its price over
    the one before it on the frontier, and at each price whether it is the one to choose."""
    from relsim.output import print_choice

    def record(name: str, status: str, best: set[int], **more: object) -> dict:
        prices = (0, 1000, 2000, 5000, 10000)
        found = {f"best_at_{p}_gbp": p in best for p in prices}
        shares = {f"best_at_{p}_gbp_share": 0.25 if p in best else 0.75 for p in prices}
        empty = {"compared_with": "", "incremental_net_cost_per_crisis_avoided": None}
        return {"series": name, "status": status, **empty, **found, **shares, **more}

    over = {"compared_with": "none", "incremental_net_cost_per_crisis_avoided": 1234.5}
    payload = {
        "incremental": [
            record("none", "frontier", {0, 1000}),
            record("liberated", "frontier", {2000, 5000, 10000}, **over),
        ]
    }
    capsys.readouterr()
    print_choice(payload)
    shown = capsys.readouterr().out
    lines = {line.split("│")[1].strip(): line for line in shown.splitlines() if "│" in line}
    assert "Which to choose" in " ".join(shown.split())
    assert "1,234 (none)" in lines["liberated"] or "1,235 (none)" in lines["liberated"]
    # 'no (33%)' read as a 33 % chance of no: the share is said to be of the parameter sets
    assert lines["liberated"].count("yes; 25% of sets") == 3
    assert lines["none"].count("yes; 25% of sets") == 2
    assert lines["none"].count("no; 75% of sets") == 3
    print_choice({"incremental": payload["incremental"][:1]})  # one scenario: nothing to choose
    assert capsys.readouterr().out == ""


def test_the_workbook_says_the_break_even_week_is_in_the_districts_pounds() -> None:
    from relsim.report.workbook import SHEETS

    assert "break-even week are the district's pounds" in SHEETS["By payer"]
    assert "each side's over its own people present" in SHEETS["By payer"]


def test_a_difference_between_shares_is_in_percentage_points() -> None:
    """4.1 % against 7.8 % is 3.7 points more, not 3.7 % more (which would be a relative rise)."""
    from relsim.report.markup import metric_table

    def share(mean: float) -> dict:
        return {"mean": mean, "ci95": [mean - 0.01, mean + 0.01]}

    metric = "share_citizens_stable"
    payload = {
        "scenarios": [
            {"scenario": "a", "metrics": {metric: share(0.041)}},
            {"scenario": "b", "metrics": {metric: share(0.078)}},
        ],
        "differences": {"b - a": {metric: share(0.037)}},
    }
    text = metric_table(payload, [metric], "headline", "Headline")
    assert "4.10 %" in text and "7.80 %" in text
    assert "3.70 pp" in text and "3.70 %" not in text and "percentage points (pp)" in text


def test_a_sensitivity_directory_that_is_not_one_is_refused_before_any_run(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    code = relsim_main(
        "compare", "baseline", "liberated", *SMALL_ARGS, "--sensitivity", tmp_path / "empty",
        "--report", tmp_path / "r.html",
    )  # fmt: skip
    assert code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_equal_service_spend_is_stated_in_the_json() -> None:
    code, payload, _ = _compare_json(
        "compare", "baseline", "liberated", *SMALL_ARGS, "--set", "time.weeks=12",
        "--set", "workforce.workers=3", "--reps", "2", "--workers", "1",
        "--equal-service-spend", "--json",
    )  # fmt: skip
    assert code == 0 and payload is not None
    spend = payload["equal_spend"]
    assert spend["basis"] == "service" and spend["pilot_replications"] == 2
    rows = {r["scenario"]: r for r in spend["scenarios"]}
    posts = {b["scenario"]: b["resources"]["posts"] for b in payload["scenarios"]}
    assert rows["liberated"]["workers"] == posts["liberated"]
    # The first two replications are the sizing runs: the reference's spend is its target.
    base = payload["scenarios"][0]["metrics"]
    spent = sum(
        base[m]["mean"]
        for m in (
            "staff_cost_per_citizen_year",
            "specialist_cost_per_citizen_year",
            "flexible_budget_cost_per_citizen_year",
        )
    )
    assert spend["target_gbp_per_citizen_year"] == pytest.approx(spent, rel=1e-9)


def _fake_runs(spend: float) -> list:
    from relsim.runner import RunResult

    metrics = {
        "staff_cost_per_citizen_year": spend,
        "specialist_cost_per_citizen_year": 0.0,
        "flexible_budget_cost_per_citizen_year": 0.0,
    }
    return [RunResult(r, 1, metrics, pd.DataFrame()) for r in range(2)]


def test_service_spend_search_brackets_the_target_or_refuses() -> None:
    base, other = small("baseline"), small("liberated")

    def evaluate(spend_of):
        def run(scenario, reps):
            if scenario.care_model == "assess_do_refer":
                return _fake_runs(1530.0)
            return _fake_runs(spend_of(scenario.workforce.workers))

        return run

    sized, sizing = equal_service_spend([base, other], evaluate(lambda w: 300 + 200 * w), 2)
    assert sized[1].workforce.workers == 6  # 1,500: nearer 1,530 than 1,700
    assert sizing.rows[1]["spend_gbp_per_citizen_year"] == pytest.approx(1500)
    # A service whose other spending alone is more than the target cannot be sized to it.
    with pytest.raises(ScenarioError, match="cannot be brought to £1,530"):
        equal_service_spend([base, other], evaluate(lambda w: 5000 + 10 * w), 2)


def test_payer_intervals_over_the_ensemble_are_the_spread_of_the_parameter_sets() -> None:
    """With --ensemble, savings, district totals and weekly bands hold the same kind of
    interval as the differences: the central 95 % of the parameter sets' means, not a
    t-interval of the mean."""
    from relsim.commission.analysis import _parameter_sets
    from relsim.commission.payers import band, summary

    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    sets = [0, 0, 1, 1, 2, 2]  # set means 1.5, 3.5, 5.5
    found = summary(values, sets)
    assert found["mean"] == pytest.approx(3.5)
    assert found["ci95"] == pytest.approx([1.6, 5.4])
    assert summary(values)["ci95"] != pytest.approx([1.6, 5.4])  # the t-interval differs
    mean, low, high = band(np.column_stack([values, 2 * values]), sets)
    assert mean == pytest.approx([3.5, 7.0])
    assert low == pytest.approx([1.6, 3.2]) and high == pytest.approx([5.4, 10.8])
    ensemble = {"interval": {"kind": "parameters and chance", "reps_per_set": 2}}
    assert _parameter_sets(ensemble, [0, 1, 2, 3]) == {0: 0, 1: 0, 2: 1, 3: 1}
    assert _parameter_sets({"interval": {"kind": "chance"}}, [0, 1]) is None


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ("6,x", "--workforce 6,x: 'x' is not a whole number of posts"),
        ("6,7.5", "--workforce 6,7.5: 7.5 is not a whole number of posts"),
        ("0,5", "--workforce 0,5: every size needs at least one post"),
        ("6,1000000", "--workforce 6,1000000: 1,000,000 posts; a district has at most 100,000"),
        ("10:5:1", "--workforce 10:5:1: need STEP > 0 and STOP >= START"),
        ("", "--workforce : expected N1,N2,... or START:STOP:STEP"),
    ],
)
def test_bad_workforce_sizes_are_one_line_naming_the_option(sizes, message, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "frontier"
    assert relsim_main("frontier", *FRONTIER_ARGS, "--workforce", sizes, "--out", out) == 2
    assert capsys.readouterr().err.strip() == f"relsim: error: {message}"
    assert not out.exists()


def test_frontier_resume_finishes_only_an_earlier_frontier(tmp_path, capsys) -> None:
    """--resume with nothing there is refused, and so is --resume or --force on a directory
    that only holds files with the frontier's names: they may be a user's."""
    args = ("frontier", *FRONTIER_ARGS, "--workforce", "2", "--reps", "1", "--workers", "1")
    nothing = tmp_path / "nothing"
    capsys.readouterr()
    assert relsim_main(*args, "--out", nothing, "--resume") == 2
    assert capsys.readouterr().err.strip() == (
        f"relsim: error: --out {nothing}: nothing to resume: nothing is there (--resume "
        "finishes an earlier relsim frontier)"
    )
    assert not nothing.exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "frontier.csv").write_text("my own\n")
    for option in ("--resume", "--force"):
        assert relsim_main(*args, "--out", mine, option) == 2
        assert "not an earlier" in capsys.readouterr().err
    assert (mine / "frontier.csv").read_text() == "my own\n"


def test_a_frontier_and_a_budget_search_rerun_byte_for_byte(tmp_path, capsys) -> None:
    """Each study's manifest records its files' SHA-256 and its series; `relsim rerun`
    re-creates a frontier from its series' sweeps, and a budget search by running the same
    search with each stage from its own sweep manifest."""
    frontier = tmp_path / "frontier"
    args = ("frontier", "baseline", "liberated", *FRONTIER_ARGS, "--workforce", "2,3")
    assert relsim_main(*args, "--reps", "2", "--workers", "1", "--out", frontier) == 0
    limit = 5.5 * post_cost_gbp_per_year(small("hybrid"))
    budget = tmp_path / "budget"
    assert relsim_main(
        "budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2",
        "--workers", "1", "--out", budget,
    ) == 0  # fmt: skip
    frontier_files = ("frontier.csv", "better_buy.csv", "incremental.csv", "frontier.png")
    for original, own in ((frontier, frontier_files),
                          (budget, ("budget.csv", "budget.json", "budget.png"))):  # fmt: skip
        manifest = json.loads((original / "manifest.json").read_text())
        assert set(manifest["sha256"]) == set(own) and manifest["started"]
        if original == budget:  # named as the sweeps name theirs: not by this machine's path
            hybrid = bundled.resolve("scenarios", Path("hybrid"))
            assert manifest["scenario"] == portable_path(hybrid) != str(hybrid.resolve())
        again = tmp_path / f"{original.name}_again"
        capsys.readouterr()
        assert relsim_main("rerun", original, "--out", again, "--workers", "1") == 0
        err = capsys.readouterr().err
        assert "differs" not in err and "runs.parquet identical" in err, err
        for name in own:
            assert (again / name).read_bytes() == (original / name).read_bytes(), name
    bad = tmp_path / "budget_bad"
    shutil.copytree(budget, bad)
    manifest = json.loads((bad / "manifest.json").read_text())
    (bad / "manifest.json").write_text(json.dumps({**manifest, "coarse_reps": "x"}))
    capsys.readouterr()
    assert relsim_main("rerun", bad, "--out", tmp_path / "never", "--workers", "1") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'coarse_reps: "x" is not a whole number' in err, err
    assert not (tmp_path / "never").exists()


def test_an_interrupted_rerun_of_a_study_leaves_no_tables(tmp_path, capsys, monkeypatch) -> None:
    """`relsim rerun` of a study writes its tables beside --out and moves them in with the
    manifest last: interrupted, it leaves only the series' sweeps, nothing that looks finished."""
    import relsim.commission.figures

    frontier = tmp_path / "frontier"
    args = ("frontier", "baseline", *FRONTIER_ARGS, "--workforce", "2", "--reps", "1")
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--out", frontier) == 0

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    again = tmp_path / "again"
    with monkeypatch.context() as patch:
        patch.setattr(relsim.commission.figures, "frontier_figure", interrupted)
        assert relsim_main("rerun", frontier, "--out", again, "--workers", "1") == 130
    assert again.is_dir() and all(p.is_dir() for p in again.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "frontier"]


@pytest.mark.parametrize("command", ["frontier", "budget"])
def test_a_series_whose_every_run_failed_is_one_line(
    command: str, tmp_path, capsys, monkeypatch
) -> None:
    """A failed run is recorded and the sweep goes on; a study with a series none of whose runs
    succeeded says so in one line with the first error, not with an error from its tables."""
    import relsim.sweep.executors

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the model broke")

    monkeypatch.setattr(relsim.sweep.executors, "run_one", broken)
    if command == "frontier":
        args = ("frontier", "baseline", *FRONTIER_ARGS, "--workforce", "2", "--reps", "1")
    else:
        limit = 2.5 * post_cost_gbp_per_year(small("hybrid"))
        args = ("budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2")
    capsys.readouterr()
    out = tmp_path / "study"
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--out", out) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "failed (the first error: RuntimeError: the model broke" in err, err
    assert not (out / "manifest.json").exists()


def test_a_series_with_some_failed_runs_is_noted(tmp_path, capsys, monkeypatch) -> None:
    """A study goes on past failed runs, as a sweep does, and says how many failed."""
    import relsim.sweep.executors

    real = relsim.sweep.executors.run_one

    def broken_at_three(scenario, *args, **kwargs):
        if scenario.workforce.workers == 3 and scenario.care_model == "liberated":
            raise RuntimeError("the model broke")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(relsim.sweep.executors, "run_one", broken_at_three)
    args = (
        "frontier",
        "baseline",
        "liberated",
        *FRONTIER_ARGS,
        "--workforce",
        "2,3",
        "--reps",
        "2",
    )
    capsys.readouterr()
    out = tmp_path / "f"
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--out", out) == 0
    captured = capsys.readouterr()
    note = "relsim: note: frontier: series liberated: 2 of its 4 runs failed (the first error: "
    assert note + "RuntimeError: the model broke" in captured.err
    better = pd.read_csv(out / "better_buy.csv").set_index("posts")
    assert better.loc[2, "crisis_events_per_citizen_year_best"] in ("baseline", "liberated")
    assert pd.isna(better.loc[3, "crisis_events_per_citizen_year_best"])
    assert "3 posts" in captured.out and "no comparison" in captured.out


def test_frontier_resume_refuses_other_work(tmp_path, capsys) -> None:
    """--resume finishes the frontier stored there and nothing else: other scenarios, sizes,
    replications, seed or --set values are refused in one line, leaving it as it was."""
    out = tmp_path / "frontier"
    args = ("frontier", *FRONTIER_ARGS, "--reps", "1", "--workers", "1", "--ensemble", "0")
    assert relsim_main(*args, "baseline", "liberated", "--workforce", "2", "--out", out) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    for other in (
        ("baseline",),
        ("baseline", "liberated", "hybrid"),
        ("baseline", "liberated", "--workforce", "2,3"),
        ("baseline", "liberated", "--reps", "2"),
        ("baseline", "liberated", "--seed", "5"),
        ("baseline", "liberated", "--set", "time.weeks=19"),
    ):
        capsys.readouterr()
        with_sizes = other if "--workforce" in other else (*other, "--workforce", "2")
        assert relsim_main(*args, *with_sizes, "--out", out, "--resume") == 2, other
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "only finishes the same work" in err, (other, err)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["baseline", "liberated"]
    again = ("baseline", "liberated", "--workforce", "2", "--out", out, "--resume")
    assert relsim_main(*args, *again) == 0


def test_a_study_with_a_series_manifest_gone_is_not_said_to_be_another_kind(
    tmp_path, capsys
) -> None:
    """A frontier whose series has lost its manifest is refused as not all relsim wrote, not
    as "not an earlier relsim frontier (it holds the result of `relsim frontier`)"."""
    out = tmp_path / "study"
    args = ("frontier", "baseline", *FRONTIER_ARGS, "--workforce", "2", "--reps", "1")
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--out", out) == 0
    (out / "baseline" / "manifest.json").unlink()
    capsys.readouterr()
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--out", out, "--force") == 2
    err = capsys.readouterr().err
    assert "its manifest is `relsim frontier`'s, but not all else there is as it wrote it" in err
    assert "it holds the result of" not in err


@pytest.mark.parametrize("command", ["frontier", "budget"])
def test_an_interrupted_study_leaves_only_its_resumable_sweeps(
    command: str, tmp_path, capsys, monkeypatch
) -> None:
    """A study's tables, figure and manifest appear only when all are complete: an interruption
    while they are written leaves the series' sweeps (and nothing beside --out), which --resume
    finishes."""
    import relsim.commission.figures

    if command == "frontier":
        args = ("frontier", "baseline", *FRONTIER_ARGS, "--workforce", "2", "--reps", "1")
        figure, own = "frontier_figure", ("frontier.csv", "better_buy.csv", "frontier.png")
    else:
        limit = 2.5 * post_cost_gbp_per_year(small("hybrid"))
        args = ("budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2")
        figure, own = "budget_figure", ("budget.csv", "budget.json", "budget.png")
    args = (*args, "--workers", "1", "--ensemble", "0")
    out = tmp_path / "study"

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(relsim.commission.figures, figure, interrupted)
        assert relsim_main(*args, "--out", out) == 130
    assert out.is_dir() and all(p.is_dir() for p in out.iterdir())
    assert "rerun with --resume to finish" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["study"]
    assert relsim_main(*args, "--out", out, "--resume") == 0
    for name in (*own, "manifest.json"):
        assert (out / name).is_file(), name
    assert [p.name for p in tmp_path.iterdir()] == ["study"]


@pytest.mark.parametrize("command", ["frontier", "budget"])
def test_a_study_with_an_unfinished_series_is_not_rerun(command: str, tmp_path, capsys) -> None:
    """A rerun makes every run of every series, so it could never match a series whose sweep
    was interrupted: refused in one line naming it, before anything runs."""
    if command == "frontier":
        args = ("frontier", "baseline", *FRONTIER_ARGS, "--workforce", "2", "--reps", "1")
        series, made_by = "baseline", "relsim frontier"
    else:
        limit = 2.5 * post_cost_gbp_per_year(small("hybrid"))
        args = ("budget", "hybrid", *SMALL_ARGS, "--limit", f"{limit:.0f}", "--reps", "2")
        series, made_by = "coarse", "relsim budget"
    original = tmp_path / "study"
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--out", original) == 0
    sweep = original / series / "manifest.json"
    recorded = json.loads(sweep.read_text())
    sweep.write_text(json.dumps({**recorded, "status": "running"}))
    capsys.readouterr()
    again = tmp_path / "again"
    assert relsim_main("rerun", original, "--out", again, "--workers", "1") == 2
    assert capsys.readouterr().err == (
        f"relsim: error: {original / 'manifest.json'}: series {series}: the sweep is not "
        f"complete; finish it with `{made_by} ... --resume` (the command that made it), then "
        "rerun it\n"
    )
    assert not again.exists()


def test_a_report_never_runs_more_than_reps(tmp_path, capsys) -> None:
    """A report's default ensemble shares --reps among its parameter sets: below ten runs it
    draws one set per run, and a --reps that does not divide is said, with what it runs."""
    capsys.readouterr()
    code = relsim_main(
        "compare", "baseline", "liberated", *SMALL_ARGS, "--reps", "1", "--workers", "1",
        "--report", tmp_path / "r1.html", "--json",
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0 and json.loads(captured.out)["interval"]["kind"] == CHANCE
    assert "--reps 1: one run gives no interval, and draws no parameter sets" in captured.err
    for reps, sets, per_set, note in ((3, 3, 1, False), (25, REPORT_SETS, 2, True)):
        capsys.readouterr()
        code = relsim_main(
            "compare", "baseline", "liberated", *SMALL_ARGS, "--reps", str(reps),
            "--workers", "1", "--report", tmp_path / f"r{reps}.html", "--json",
        )  # fmt: skip
        captured = capsys.readouterr()
        assert code == 0
        interval = json.loads(captured.out)["interval"]
        assert (interval["parameter_sets"], interval["reps_per_set"]) == (sets, per_set)
        assert (
            "relsim: note: --reps 25 shared among 10 parameter sets is 2 runs of each, 20 in all"
            in captured.err
        ) == note


def test_the_report_names_the_options_whose_json_holds_its_numbers(tmp_path) -> None:
    """A report draws parameter sets by default and a bare --json does not: the command its
    provenance names must print the report's numbers."""
    import re

    args = ("compare", "baseline", "liberated", *SMALL_ARGS, "--workers", "1", "--seed", "7")
    code, shown, _ = _compare_json(*args, "--reps", "2", "--report", tmp_path / "r.html", "--json")
    assert code == 0 and shown is not None and shown["interval"]["kind"] == PARAMETERS
    named = re.search(r"`relsim compare \.\.\. (.*?) ?--json`", (tmp_path / "r.html").read_text())
    assert named is not None
    code, again, _ = _compare_json(*args, *named.group(1).split(), "--json")
    assert code == 0 and again is not None
    assert again["differences"] == shown["differences"]


def test_the_transition_is_kept_in_out_and_rerun(tmp_path, capsys) -> None:
    """--transition-weeks is recorded in the manifest, its table is written to --out, and a
    rerun works it out again (a changed table would be reported)."""
    out, again = tmp_path / "c", tmp_path / "again"
    code = relsim_main(
        "compare", "baseline", "liberated", *SMALL_ARGS, "--reps", "2", "--workers", "1",
        "--transition-weeks", "4", "--out", out,
    )  # fmt: skip
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["transition_weeks"] == 4
    assert "transition.csv" in manifest["files"] and "transition.csv" in manifest["sha256"]
    table = pd.read_csv(out / "transition.csv")
    assert set(table["comparison"]) == {"liberated - baseline"} and len(table) >= 4
    capsys.readouterr()
    assert relsim_main("rerun", out / "manifest.json", "--out", again, "--workers", "1") == 0
    captured = capsys.readouterr()
    assert "transition.csv identical" in captured.out + captured.err
    assert (again / "transition.csv").read_bytes() == (out / "transition.csv").read_bytes()


def test_a_hybrid_with_nobody_on_one_side_is_warned_about(tmp_path, capsys) -> None:
    """A hybrid whose posts round to no duty workers (or no caseworkers) says so on stderr and
    in the comparison's warnings, rather than running that way silently."""
    one = small("hybrid", "workforce.workers=1")
    (warning,) = staffing_warnings(one)
    assert "1 caseworker and 0 duty workers" in warning and "front door" in warning
    # routed at the front door, with nobody there to screen, nobody reaches a caseworker
    door = small("hybrid", "workforce.workers=1", "hybrid.routing=at_the_front_door")
    (screening,) = staffing_warnings(door)
    assert "everyone presents to a front door with no duty workers" in screening
    assert "nobody reaches the caseworkers either" in screening
    share = small("hybrid", "workforce.workers=3", "hybrid.caseworker_share_of_workforce=0.1")
    assert "0 caseworkers and 3 duty workers" in staffing_warnings(share)[0]
    assert staffing_warnings(small("hybrid")) == []
    assert staffing_warnings(small("baseline", "workforce.workers=1")) == []
    for model in ("baseline", "liberated", "hybrid"):
        (nobody,) = staffing_warnings(small(model, "workforce.workers=0"))
        assert "with no posts (workforce.workers 0): nobody runs it" in nobody
    assert staffing_warnings(small("none", "workforce.workers=0")) == []
    capsys.readouterr()
    code = relsim_main(
        "compare", "baseline", "hybrid", *SMALL_ARGS, "--set", "workforce.workers=1",
        "--reps", "1", "--workers", "1", "--json",
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "relsim: warning: hybrid: the hybrid's 1 post split into" in captured.err
    assert any("1 caseworker and 0 duty" in w for w in json.loads(captured.out)["warnings"])
    assert relsim_main("validate", "hybrid", "--set", "workforce.workers=1") == 0
    assert "1 caseworker and 0 duty workers" in capsys.readouterr().err


def test_a_long_warning_is_printed_whole(capsys) -> None:
    """A warning about a scenario with a long name runs past 200 characters; the warning line
    gives all of it (names in it are already shortened where they are put in)."""
    from relsim.output import print_warnings

    warning = (
        "x" * 60
        + ": the hybrid's 3 posts split into 0 caseworkers and 3 duty workers "
        + (
            "(hybrid.caseworker_share_of_workforce 0.1, rounded), so people with 3 or more active "
            "needs are routed to caseworkers and there are none"
        )
    )
    assert len(warning) > 200
    capsys.readouterr()
    print_warnings({"warnings": [warning]})
    shown = "".join(capsys.readouterr().out.split())
    assert "".join(warning.split()) in shown


def test_the_report_and_the_json_give_every_input_the_same_source():
    """A knob or choice without a source of its own is the scenario's choice (not 'assumption',
    nor hidden), and one with a source (the caseload cap) shows it in the report as in the
    JSON and workbook."""
    from relsim.commission.inputs import CHOSEN, differing_inputs
    from relsim.report.inputs import inputs_table
    from relsim.report.markup import esc

    scenario = load_scenario(ROOT / "scenarios" / "liberated.yaml", ["continuity=0.3"])
    found = differing_inputs(scenario)
    assert found["continuity"]["source"] == CHOSEN and not found["continuity"]["assumption"]
    cap = found["workforce.caseload_cap"]
    assert cap["kind"] == "choice" and "Housing First" in cap["source"]
    html = inputs_table({"inputs": {"liberated": found}})
    for entry in found.values():
        assert f'<td class="name">{esc(entry["source"])}</td>' in html


def test_the_summary_in_words_says_how_waits_change():
    """The longest waits are a harm a commissioner must see first: the summary says how the
    mean completed wait changes, with its interval, not only the tables."""
    from relsim.report.words import comparison_paragraph

    payload = {
        "scenarios": [{"scenario": "a"}, {"scenario": "b"}],
        "differences": {"b - a": {"mean_wait_weeks": {"mean": 16.9, "ci95": [2.36, 27.2]}}},
    }
    bullets = comparison_paragraph(payload, "b - a")
    waiting = [b for b in bullets if b.startswith("Waiting")]
    assert waiting == [
        "Waiting (front door, allocation, caseworker, specialist): about 17 weeks more in the "
        "mean completed wait (95 % interval 2.4 weeks to 27 weeks)."
    ]


def test_a_break_even_only_at_the_favourable_end_says_so_in_words() -> None:
    """'not within 260 weeks on average (possibly from week 1)' read as a guess; it is the
    week the favourable end of the cumulative saving's interval turns positive."""
    from relsim.commission.payers import break_even_text

    row = {"break_even_week": None, "break_even_week_earliest": 1, "break_even_week_latest": None}
    assert break_even_text(row, 260) == (
        "not within 260 weeks on average; at the favourable end of the 95 % interval of the "
        "cumulative saving, from week 1"
    )
    never = {**row, "break_even_week_earliest": None}
    assert break_even_text(never, 260) == "not within 260 weeks"
    # a payer spending more every year (its yearly saving's interval below zero) never breaks
    # even: "not within 260 weeks" read as "later"
    dearer = {**never, "saving_gbp_per_citizen_year": {"mean": -320.0, "ci95": [-400.0, -250.0]}}
    assert break_even_text(dearer, 260) == (
        "never: it spends more every year (not within 260 weeks)"
    )
    unclear = {**never, "saving_gbp_per_citizen_year": {"mean": -20.0, "ci95": [-400.0, 250.0]}}
    assert break_even_text(unclear, 260) == "not within 260 weeks"


def test_a_break_even_of_one_run_has_no_interval(capsys) -> None:
    """With one run the cumulative saving has no interval, so neither has its break-even: it
    said "week 10 (95 % interval 10 to 10)" beside a saving whose interval was "-"."""
    from relsim.commission.payers import break_even_text

    code = relsim_main(
        "compare", "baseline", "liberated", *SMALL_ARGS, "--reps", "1", "--workers", "1", "--json"
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    (data,) = payload["payers"].values()
    for entry in data["payers"].values():
        assert entry["break_even_week_earliest"] is None and entry["break_even_week_latest"] is None
    assert break_even_text({"break_even_week": 10, "break_even_week_earliest": None,
                            "break_even_week_latest": None}, 260) == "week 10"  # fmt: skip
    first = {"break_even_week": 1, "break_even_week_earliest": None, "break_even_week_latest": None}
    assert break_even_text(first, 260) == "saves from the first week"
    # with an interval whose unfavourable end never breaks even, week 1 is not "from the first"
    unsure = {**first, "break_even_week_earliest": 1}
    assert break_even_text(unsure, 260) == "week 1 (95 % interval 1 to beyond 260)"


def test_the_summary_gives_each_bodys_whole_bill_beside_its_other_costs():
    """A council paying for a dearer service 'saves about £130' on its other costs while its
    whole bill rises by £1,730: read as the council saving. The summary gives each body's whole
    bill too, the service counted with whoever pays for it; bodies with no clear change are not
    named in it."""
    from relsim.report.words import comparison_paragraph

    def saving(mean: float, low: float, high: float) -> dict:
        return {"saving_gbp_per_citizen_year": {"mean": mean, "ci95": [low, high]}}

    payload = {
        "scenarios": [{"scenario": "a"}, {"scenario": "b"}],
        "differences": {
            "b - a": {
                "cost_nhs_per_citizen_year": {"mean": -700.0, "ci95": [-900.0, -500.0]},
                "cost_police_justice_per_citizen_year": {"mean": -20.0, "ci95": [-60.0, 10.0]},
                "cost_council_housing_per_citizen_year": {"mean": 1732.0, "ci95": [1500.0, 1900.0]},
            }
        },
        "payers": {
            "b - a": {
                "weeks": 260,
                "payers": {
                    "service": saving(-1900.0, -2100.0, -1700.0),
                    "nhs": saving(700.0, 500.0, 900.0),
                    "council_housing": saving(130.0, 60.0, 200.0),
                },
            }
        },
    }
    bullets = comparison_paragraph(payload, "b - a")
    assert "council and housing saves about £130" in bullets[3]
    assert bullets[4] == (
        "Each public body's whole bill, counting the service with the body that pays for it: "
        "NHS saves about £700; police and justice: no clear change (-£10 to £60 saved); "
        "council and housing spends about £1,700 more."
    )  # a body with no clear change is named, not left out


def _cost_payload(per_person: dict, cumulative: dict, present: tuple[float, float]) -> dict:
    """A comparison b - a over 260 weeks whose whole-system cost per person and cumulative
    district saving are as given (the numbers of `relsim compare baseline liberated
    --transition-weeks 26 --reps 4 --report`)."""
    never = {"break_even_week": None, "break_even_week_earliest": None}
    system = {**never, "break_even_week_latest": None, "cumulative_saving_gbp": cumulative}
    system["saving_gbp_per_citizen_year"] = {"mean": None, "ci95": None}
    blocks = [
        {"scenario": name, "district": {"citizens_present": {"mean": people, "ci95": None}}}
        for name, people in zip(("a", "b"), present, strict=True)
    ]
    return {
        "scenarios": blocks,
        "differences": {"b - a": {"total_cost_per_citizen_year": per_person}},
        "payers": {"b - a": {"weeks": 260, "payers": {"system": system}}},
        "transition": {
            "overlap_weeks": 26,
            "comparisons": {"b - a": {"weeks": 260, "payers": {"system": system}}},
        },
    }


def test_the_summary_says_cost_per_person_and_break_even_on_the_same_footing():
    """'No clear difference in total cost per person a year' beside 'break-even: not within 260
    weeks' read as a contradiction: each side's cost per person is over its own people present
    (about 3,005 and 3,009), while the break-even week is read from the district's pounds,
    whose interval (£58,000 to £19m more) stays above zero where the per person one (£16 less
    to £1,200 more) does not. The summary gives the mean per person, the district's pounds
    beside the break-even week, and says why the two can disagree where they do."""
    from relsim.report.words import comparison_paragraph

    per_person = {"mean": 868.9, "ci95": [-15.8, 1244.7]}
    cumulative = {"mean": -13_173_174.0, "ci95": [-18_712_673.0, -58_090.0]}
    payload = _cost_payload(per_person, cumulative, (3004.96, 3009.27))
    bullets = comparison_paragraph(payload, "b - a")
    cost = next(b for b in bullets if b.startswith("Total cost"))
    assert cost == (
        "Total cost to the public purse: no clear difference in total cost per person a year "
        "(on average about £870 more; 95 % interval from £16 less to £1,200 more), each side's "
        "spending divided by its own people present."
    )
    steady, launched = (b for b in bullets if "break-even for the whole system" in b.lower())
    assert steady == (
        "Break-even for the whole system, from the start of the measured period in the steady "
        "state: not within 260 weeks. The whole district's spending over the 260 measured "
        "weeks, b against a: about £13m more in all (95 % interval £58,000 to £19m). Per "
        "person a year the difference is not clear; for the whole district it is clear (b "
        "spends more). The two are counted differently: per person divides each side's "
        "spending by its own people present (about 3,005 under a and 3,009 under b); the "
        "district's pounds are all that is spent, however many people there are."
    )
    assert launched.endswith(
        "not within 260 weeks. The whole district's spending over the 260 weeks from launch, "
        "double running included, b against a: about £13m more in all (95 % interval £58,000 "
        "to £19m)."
    )

    clear = {"mean": 1168.0, "ci95": [1097.0, 1239.0]}
    agreed = comparison_paragraph(_cost_payload(clear, cumulative, (3004.96, 3009.27)), "b - a")
    assert not any("counted differently" in b for b in agreed)  # said only where they disagree

    # the district's pounds not clear either way: the mean is given, as the break-even week
    # beside it is the mean curve's
    unclear = {"mean": 1_200_000.0, "ci95": [-300_000.0, 2_500_000.0]}
    mixed = comparison_paragraph(_cost_payload(clear, unclear, (3004.96, 3009.27)), "b - a")
    steady = next(b for b in mixed if "steady state" in b)
    assert "no clear difference in the district's spending (on average about £1.2m less; 95 % " in (
        steady
    ), steady


def test_the_payer_table_says_what_each_column_is_counted_over():
    """The payer table puts a saving per citizen-year beside a cumulative saving and a
    break-even week: its caption says the first is over each side's own people present and the
    others are the district's pounds, so a saving per citizen-year near zero beside a break-even
    never reached is read as what it is."""
    from relsim.report.sections import payer_table

    per_person = {"mean": 868.9, "ci95": [-15.8, 1244.7]}
    cumulative = {"mean": -13_173_174.0, "ci95": [-18_712_673.0, -58_090.0]}
    payload = _cost_payload(per_person, cumulative, (3004.96, 3009.27))
    data = payload["payers"]["b - a"]
    system = data["payers"]["system"]
    for side in ("first", "other"):
        system[f"{side}_gbp_per_citizen_year"] = {"mean": 6000.0, "ci95": None}
    html = payer_table(data, "b - a", "payers", payload)
    caption = html[html.index("<caption>") + 9 : html.index("</caption>")]
    assert caption == (
        "b against a: GBP per citizen-year, each side's spending over its own people present; a "
        "saving is a's cost minus b's; the cumulative saving and the break-even week "
        "are in the district's pounds, however many people each side had"
    )


def test_every_price_payer_and_the_period_are_shown_whatever_their_values():
    """The pounds in a report are built from prices a commissioner must be able to read, at
    their defaults too: every unit cost, who pays it, the specialists' funding and the measured
    period, on each side, with the source."""
    from relsim.commission.inputs import prices
    from relsim.report.inputs import prices_table
    from relsim.report.markup import esc

    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml", ["crises.ae.unit_cost_gbp=400"])
    found = prices(scenario)
    assert found["crises.ae.unit_cost_gbp"]["value"] == 400
    assert (
        found["crises.police.unit_cost_gbp"]["value"]
        == found["crises.police.unit_cost_gbp"]["default"]
    )  # at its default, and still shown
    for key in ("workforce.hourly_cost_gbp", "crises.ae.payer", "specialists.funding",
                "specialists.money.hourly_cost_gbp", "liberated.budget_payer", "time.weeks",
                "time.warmup_weeks",
                # what a block-funded specialist service's cost is built from (about a tenth
                # of the bundled district's total, from inputs the report did not show)
                "specialists.money.capacity_slots_per_1000_citizens",
                "specialists.money.session_hours"):  # fmt: skip
        assert key in found, key
    assert "NHS National Cost Collection" in found["crises.ae.unit_cost_gbp"]["source"]
    html = prices_table({"prices": {"a": found, "b": prices(Scenario())}})
    assert html.count("<tr>") == len(found) + 1
    assert "costs each week its places x a session's hours x 1.5 for recording x its" in html
    assert f'<td class="name">{esc(found["crises.ae.unit_cost_gbp"]["source"])}</td>' in html


def test_a_budget_resumed_with_another_limit_names_the_options_not_its_stage(
    tmp_path, capsys
) -> None:
    """Its coarse stage's design changes with --limit: the refusal named that internal stage's
    directory and told the user to keep a 'design' they never gave."""
    post = post_cost_gbp_per_year(small("hybrid"))
    args = ("budget", "hybrid", *SMALL_ARGS, "--reps", "2", "--workers", "1", "--ensemble", "0")
    out = tmp_path / "b"
    assert relsim_main(*args, "--limit", f"{1.5 * post:.0f}", "--out", out) == 0
    capsys.readouterr()
    assert relsim_main(*args, "--limit", f"{2.5 * post:.0f}", "--out", out, "--resume") == 2
    assert capsys.readouterr().err.strip() == (
        f"relsim: error: --resume {out}: the budget search there was run with other options "
        "(its coarse stage: the design differs from the stored sweep's); resume with the same "
        "scenario, --limit, --minimise, --set, --reps, --seed and --ensemble, or start again "
        "with --force"
    )


def test_a_frontier_names_the_fewest_posts_for_a_wait(tmp_path) -> None:
    """The fewest posts run whose mean wait is within --max-wait-weeks, read from frontier.csv
    (a commissioner's question: how many posts for waits under N weeks?)."""
    from relsim.commission.frontier import wait_sentences

    table, _, shown = _frontier(
        tmp_path, "baseline", "liberated", "--reps", "2", "--max-wait-weeks", "500"
    )
    assert "Posts for a mean wait within 500 weeks, of the sizes run:" in shown
    assert "liberated: 2 posts (the smallest size run: fewer may do)" in shown
    # the manifest records the better buys, not the wait asked about on this occasion
    manifest = json.loads((tmp_path / "frontier" / "manifest.json").read_text(encoding="utf-8"))
    assert not any("mean wait" in line for line in manifest["better_buy"])
    rows = table[table["series"] == "liberated"].sort_values("posts")
    # a limit only the larger size meets names it; one neither meets gives the shortest wait
    assert len(rows) == 2
    frame = rows.assign(mean_wait_weeks_mean=[10.0, 4.0])
    [line] = wait_sentences(frame, 5.0)
    assert line.startswith("liberated: 4 posts (the fewest of the sizes run) keep the mean wait")
    [line] = wait_sentences(frame, 3.0)
    assert line == (
        "liberated: no size run keeps the mean wait within 3 weeks; the shortest is 4.0 weeks, "
        "at 4 posts"
    )
    # a wait just over a small limit is not rounded down to it ("0.0 weeks" beyond 0.001)
    [line] = wait_sentences(rows.assign(mean_wait_weeks_mean=[0.02, 0.0066]), 0.001)
    assert "within 0.001 weeks; the shortest is 0.01 weeks, at 4 posts" in line
    # one post is one post ("1 posts ... keep" before)
    [line] = wait_sentences(rows.assign(posts=[1, 4], mean_wait_weeks_mean=[2.0, 1.0]), 5.0)
    assert line.startswith("liberated: 1 post (the smallest size run: fewer may do) keeps the")


def test_a_workforce_sized_by_equal_spend_is_not_called_the_scenarios_choice(tmp_path) -> None:
    """Under --equal-spend the Inputs table showed liberated's 6 posts (40 in its file) as 'the
    scenario's choice': its source names the option and what the file said, in the JSON, the
    report and the workbook; a workforce left as written keeps its own source."""
    report, book = tmp_path / "r.html", tmp_path / "b.xlsx"
    args = ("compare", "baseline", "liberated", "--set", "population.citizens=300",
            "--set", "time.weeks=8", "--set", "time.warmup_weeks=2", "--reps", "2",
            "--workers", "1", "--ensemble", "0", "--equal-spend")  # fmt: skip
    code, payload, _ = _compare_json(*args, "--json", "--report", report, "--xlsx", book)
    assert code == 0 and payload is not None
    [row] = [r for r in payload["equal_spend"]["scenarios"] if r["scenario"] == "liberated"]
    written, sized = row["workers_before"], row["workers"]
    assert written != sized
    said = f"sized by --equal-spend ({written} as written)"
    assert payload["inputs"]["liberated"]["workforce.workers"]["source"] == said
    assert payload["inputs"]["baseline"]["workforce.workers"]["source"] != said
    assert f"liberated: {said}" in unescape(report.read_text(encoding="utf-8"))
    sheet = pd.read_excel(book, sheet_name="Inputs")
    [source] = sheet[(sheet["scenario"] == "liberated") & (sheet["input"] == "workforce.workers")][
        "source"
    ]
    assert source == said


def test_the_resources_are_in_words_on_the_terminal_and_in_the_report(capsys) -> None:
    """A board read `care_model`, `posts_per_1000_citizens` and `council_housing` in the
    report's Resources table, and the terminal's left out the flexible budget and who pays."""
    from relsim.commission.resources import RESOURCE_FIELDS, RESOURCE_LABELS, resources
    from relsim.output import print_resources
    from relsim.report.sections import resources_section

    assert list(RESOURCE_LABELS) == list(RESOURCE_FIELDS)
    scenario = load_scenario(bundled.require("scenarios", "liberated"))
    payload = {"scenarios": [{"scenario": "liberated", "resources": resources(scenario)}]}
    page = unescape(resources_section(payload))
    for key, label in RESOURCE_LABELS.items():
        assert f">{label}</td>" in page and f'title="{key}: ' in page, key
    assert ">the Liberated Method</td>" in page and ">council and housing</td>" in page
    assert ">posts_per_1000_citizens<" not in page and ">care_model<" not in page
    capsys.readouterr()
    print_resources(payload)
    shown = capsys.readouterr().out
    assert "flexible budget cap, GBP/person-year" in shown and "1,000" in shown
    assert "front line paid by" in shown and "cost of a paid hour, GBP" in shown


def test_a_shorter_wait_is_said_in_weeks_not_fewer_weeks() -> None:
    """'about 1 fewer weeks in the mean completed wait' read badly."""
    from relsim.report.words import comparison_paragraph

    payload = _cost_payload(
        {"mean": 10.0, "ci95": [5.0, 15.0]}, {"mean": 1.0, "ci95": None}, (1, 1)
    )
    for mean, ci, said in (
        (-1.0, [-1.4, -0.6], "about 1 week less in the mean completed wait (95 % interval 0.60 "
         "weeks to 1.4 weeks)"),
        (2.5, [2.0, 3.0], "about 2.5 weeks more in the mean completed wait (95 % interval 2 "
         "weeks to 3 weeks)"),
        (0.2, [-0.5, 0.9], "no clear difference in the mean completed wait (95 % interval from "
         "0.50 weeks less to 0.90 weeks more)"),
    ):  # fmt: skip
        payload["differences"]["b - a"]["mean_wait_weeks"] = {"mean": mean, "ci95": ci}
        [wait] = [b for b in comparison_paragraph(payload, "b - a") if b.startswith("Waiting")]
        assert wait == f"Waiting (front door, allocation, caseworker, specialist): {said}."


def test_staff_and_cost_words_follow_their_intervals() -> None:
    """'burnout 0.036 higher' stood beside an interval from 0.009 lower to 0.080 higher, and
    '£11,000 to £11,000' was an interval from £10,822 to £11,393 at two figures."""
    from relsim.report.formatting import money
    from relsim.report.words import change, comparison_paragraph

    payload = _cost_payload(
        {"mean": 10.0, "ci95": [5.0, 15.0]}, {"mean": 1.0, "ci95": None}, (1, 1)
    )
    payload["differences"]["b - a"] |= {
        "mean_caseload": {"mean": -6.5, "ci95": [-8.0, -5.0]},
        "mean_burnout": {"mean": 0.036, "ci95": [-0.00911, 0.0802]},
    }
    [staff] = [b for b in comparison_paragraph(payload, "b - a") if b.startswith("Staff")]
    assert staff == (
        "Staff (b against a): 6.5 fewer open cases per worker, and no clear difference in "
        "burnout on a 0-1 scale."
    )
    payload["differences"]["b - a"]["mean_burnout"] = {"mean": 0.036, "ci95": [0.01, 0.06]}
    [staff] = [b for b in comparison_paragraph(payload, "b - a") if b.startswith("Staff")]
    assert staff.endswith("and burnout 0.036 higher on a 0-1 scale.")
    said = change({"mean": 11_100.0, "ci95": [10_822.0, 11_393.0]}, "more", "cost", 1, money)
    assert said == "about £11,000 more more (95 % interval £10,800 to £11,400)"


def test_each_sides_spend_and_the_district_totals_stop_at_zero(capsys) -> None:
    """With a dozen citizens an NHS spend read '£1,930 (-£1,890 to £5,750)' and the district's
    crises a year '45.5 (-12.7 to 104)'; the savings, which can be negative, are not cut."""
    tiny = ("--set", "population.citizens=12", "--set", "time.weeks=10", "--set",
            "time.warmup_weeks=10", "--reps", "3", "--workers", "1", "--ensemble", "0")  # fmt: skip
    assert relsim_main("compare", "baseline", "liberated", *tiny, "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    lows = [
        entry[side]["ci95"][0]
        for comparison in payload["payers"].values()
        for entry in comparison["payers"].values()
        for side in ("first_gbp_per_citizen_year", "other_gbp_per_citizen_year")
        if entry[side]["ci95"]
    ]
    lows += [
        q["ci95"][0] for b in payload["scenarios"] for q in b["district"].values() if q["ci95"]
    ]
    assert lows and min(lows) >= 0
    assert 0 in lows  # some were cut (else the district is too large to test this)


def test_a_workforce_sized_to_the_default_is_still_said_to_be_sized(tmp_path) -> None:
    """Sized by equal spend to the schema's default posts, a workforce no longer differed from
    the default, and the Inputs table dropped it: what set it went unsaid."""
    from relsim.config.schema import Scenario

    default = Scenario().workforce.workers
    first = tmp_path / "first.yaml"
    first.write_text(
        f"extends: {SCENARIOS / 'baseline.yaml'}\nname: first\nworkforce:\n  workers: {default}\n"
    )
    args = ("compare", first, "liberated", "--set", "population.citizens=300",
            "--set", "time.weeks=8", "--set", "time.warmup_weeks=2", "--reps", "2",
            "--workers", "1", "--ensemble", "0", "--equal-spend", "--json")  # fmt: skip
    code, payload, _ = _compare_json(*args)
    assert code == 0 and payload is not None
    [row] = [r for r in payload["equal_spend"]["scenarios"] if r["scenario"] == "liberated"]
    assert row["workers"] == default != row["workers_before"]
    entry = payload["inputs"]["liberated"]["workforce.workers"]
    assert entry["value"] == entry["default"] == default
    assert entry["source"] == f"sized by --equal-spend ({row['workers_before']} as written)"


def test_the_budget_figures_lowest_cell_is_drawn_not_left_white(tmp_path, monkeypatch) -> None:
    """The coarse grid was drawn in greys from white, so its lowest cell (where crises are
    fewest, often the optimum) looked like a cell with no value."""
    import pandas as pd

    import relsim.files
    from relsim.commission.figures import budget_figure

    drawn = []
    monkeypatch.setattr(relsim.files, "write_figure", lambda path, fig: drawn.append(fig))
    coarse = pd.DataFrame(
        {"stage": "coarse", "caseworker_posts": [1, 1, 2, 2], "threshold_active_needs": [1, 2] * 2,
         "mean": [2.0, 2.5, 3.0, 3.5]}
    )  # fmt: skip
    refined = pd.DataFrame(
        {"stage": "refine-1", "caseworker_posts": [1, 2], "threshold_active_needs": [1, 1],
         "mean": [2.0, 3.0], "difference_from_optimum": [0.0, 1.0],
         "difference_ci95_low": [0.0, 0.5], "difference_ci95_high": [0.0, 1.5]}
    )  # fmt: skip
    result = {
        "outcome": "crisis_events_per_citizen_year", "posts": 3,
        "staff_budget_gbp_per_year": 400_000.0,
        "optimum": {"caseworker_posts": 1, "threshold_active_needs": 1},
    }  # fmt: skip
    budget_figure(pd.concat([coarse, refined]), result, tmp_path / "budget.png")
    [image] = drawn[0].axes[0].get_images()
    lowest = image.to_rgba(2.0)
    assert min(lowest[:3]) < 0.9, f"the lowest cell is drawn white: {lowest}"
