"""How far each price would have to move to change which scenario costs less
(relsim.evidence.prices, `price_changes` in `compare --json`, price_changes.csv, the report's
section): checked against runs made at the moved prices, not against its own arithmetic."""

from __future__ import annotations

import json
import math
import re
from html import unescape

import numpy as np
import pandas as pd
import pytest

from relsim import bundled
from relsim.config import load_scenario
from relsim.evidence.prices import ANY_PRICE, LABELS, NO_PRICE, price_changes
from relsim.report.formatting import money
from relsim.report.price_changes import price_changes_section

REPS = 3
WHOLE = "all"


def _compare(cli_run, cli_scenarios, cli_small_sets, *sets: str, out=None, report=None) -> dict:
    extra = [a for s in sets for a in ("--set", s)]
    files = [*(["--out", out] if out else []), *(["--report", report] if report else [])]
    files += ["--xlsx", report.with_suffix(".xlsx")] if report else []
    result = cli_run(
        "compare",
        cli_scenarios / "baseline.yaml",
        cli_scenarios / "liberated.yaml",
        "--reps", str(REPS), "--seed", "11",
        *cli_small_sets[:-2],  # the bundled posts on each side: staff hours differ
        "--set", "time.weeks=40",
        *extra, "--workers", "1", "--ensemble", "0", "--json", *files,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def as_run(tmp_path_factory, cli_run, cli_scenarios, cli_small_sets):
    where = tmp_path_factory.mktemp("prices")
    payload = _compare(
        cli_run,
        cli_scenarios,
        cli_small_sets,
        out=where / "out",
        report=where / "report.html",
    )
    return payload, where


def _row(payload: dict, item: str, bill: str = WHOLE) -> dict:
    (row,) = [r for r in payload["price_changes"] if r["item"] == item and r["bill"] == bill]
    return row


def _total(payload: dict, metric: str = "total_cost_per_citizen_year") -> float:
    return payload["differences"]["liberated - baseline"][metric]["mean"]


def test_moved_prices_give_the_bills_that_runs_at_those_prices_give(
    as_run, cli_run, cli_scenarios, cli_small_sets
):
    """The mental-health crisis price halved and the staff hour doubled, run again: the whole
    bill's difference and the council's are what the table's items predict."""
    payload, _ = as_run
    mh, staff = _row(payload, "mh_crisis"), _row(payload, "staff_hour")
    assert mh["price_gbp"] == 4360.0 and staff["price_gbp"] == 73.0
    assert abs(mh["cost_difference_per_citizen_year_mean"]) > 1
    assert abs(staff["cost_difference_per_citizen_year_mean"]) > 1
    moved = _compare(
        cli_run,
        cli_scenarios,
        cli_small_sets,
        "crises.mh_crisis.unit_cost_gbp=2180",
        "workforce.hourly_cost_gbp=146",
    )
    predicted = (
        _total(payload)
        - 0.5 * mh["cost_difference_per_citizen_year_mean"]
        + 1.0 * staff["cost_difference_per_citizen_year_mean"]
    )
    assert _total(moved) == pytest.approx(predicted, rel=1e-9)
    # each column of one price moved alone is the same arithmetic on the same pairs
    assert mh["bill_difference_at_0.5_price_mean"] == pytest.approx(
        _total(payload) - 0.5 * mh["cost_difference_per_citizen_year_mean"]
    )
    council = _row(payload, "staff_hour", "council_housing")
    assert council["bill_difference_per_citizen_year_mean"] == pytest.approx(
        _total(payload, "cost_council_housing_per_citizen_year")
    )
    assert _total(moved, "cost_council_housing_per_citizen_year") == pytest.approx(
        council["bill_difference_at_2_price_mean"], rel=1e-9
    )


def test_at_the_break_even_price_the_bills_are_equal(
    as_run, cli_run, cli_scenarios, cli_small_sets
):
    payload, _ = as_run
    staff = _row(payload, "staff_hour")
    price = staff["break_even_price_gbp_mean"]
    assert price is not None and 0 < price < staff["price_gbp"]
    assert staff["series_costs_less"] == "below"
    low, high = staff["break_even_price_gbp_ci95_low"], staff["break_even_price_gbp_ci95_high"]
    assert low <= price <= high
    level = _compare(cli_run, cli_scenarios, cli_small_sets, f"workforce.hourly_cost_gbp={price!r}")
    assert abs(_total(level)) < 1e-6 * abs(_total(payload))


def test_the_file_and_the_workbook_hold_the_json_records(as_run):
    payload, where = as_run
    table = pd.read_csv(where / "out" / "price_changes.csv")
    assert len(table) == len(payload["price_changes"]) > 0
    for i, record in enumerate(payload["price_changes"]):
        for key, value in record.items():
            written = table.loc[i, key]
            assert pd.isna(written) if value is None else written == pytest.approx(value), key
    manifest = json.loads((where / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "price_changes.csv" in manifest["sha256"]
    sheet = pd.read_excel(where / "report.xlsx", sheet_name="Price changes")
    assert list(sheet["item"]) == [r["item"] for r in payload["price_changes"]]
    assert list(sheet["bill"]) == [r["bill"] for r in payload["price_changes"]]
    found = sheet["break_even_price_gbp_mean"].to_numpy(dtype=float)
    expected = [r["break_even_price_gbp_mean"] for r in payload["price_changes"]]
    assert found == pytest.approx([np.nan if v is None else v for v in expected], nan_ok=True)


def test_the_report_says_what_each_price_would_have_to_be(as_run):
    payload, where = as_run
    page = (where / "report.html").read_text(encoding="utf-8")
    start = page.index('<section id="price-changes">')
    text = unescape(re.sub(r"<[^>]+>", " ", page[start : page.index("</section>", start)]))
    text = re.sub(r"\s+", " ", text)
    total = _total(payload)
    verb = "costs more than" if total > 0 else "costs less than"
    assert f"liberated {verb} baseline in total, by {money(abs(total))} a citizen-year" in text
    named = text.split("would change that")[0]
    for record in payload["price_changes"]:
        if record["bill"] != WHOLE:
            continue
        label = LABELS[record["item"]]
        price, found = record["price_gbp"], record["break_even_price_gbp_mean"]
        low = record.get("break_even_price_gbp_ci95_low")
        high = record.get("break_even_price_gbp_ci95_high")
        # the break-even, or its interval, within a tenth to ten times the price as run
        reach = [v for v in (found, low, high) if v is not None]
        cost = record["cost_difference_per_citizen_year_mean"]
        gap = record["bill_difference_per_citizen_year_mean"]
        if found is not None and min(reach) <= price * 10 and max(reach) >= price / 10:
            side = "over" if record["series_costs_less"] == "above" else "under"
            assert f"{label} cost {side} {money(found)} (interval" in text
        elif record["series_costs_less"] is None and cost and abs(cost) * 9 >= abs(gap):
            judged = text.split("Whether a price of")[1].split("cannot be judged")[0]
            assert label in judged  # no interval: no price ruled in or out
        else:  # too far from the price as run to be worth a sentence of its own
            assert label in named.split("No price of")[1]
    rows = re.findall(r'data-table="price-changes"[^>]*data-item="(\w+)"', page)
    assert set(rows) >= {"ae", "mh_crisis", "police", "eviction", "staff_hour"}


def _frames(series_cost: list[float], reference_cost: list[float], item: list[float]):
    """Two series whose total bills differ as given, with one crisis's cost within them."""

    def frame(totals, ae):
        return pd.DataFrame(
            {
                "replication": range(len(totals)),
                "status": "ok",
                "total_cost_per_citizen_year": totals,
                "crisis_cost_ae_per_citizen_year": ae,
                "cost_nhs_per_citizen_year": ae,
                **{
                    name: 0.0
                    for name in (
                        "crisis_cost_mh_crisis_per_citizen_year",
                        "crisis_cost_police_per_citizen_year",
                        "crisis_cost_eviction_per_citizen_year",
                        "cost_police_justice_per_citizen_year",
                        "cost_council_housing_per_citizen_year",
                        "staff_cost_per_citizen_year",
                        "specialist_cost_per_citizen_year",
                    )
                },
            }
        )

    return {
        "base": frame(reference_cost, [0.0] * len(item)),
        "other": frame(series_cost, item),
    }


def _configs():
    return {
        "base": load_scenario(bundled.require("scenarios", "baseline")),
        "other": load_scenario(bundled.require("scenarios", "liberated")),
    }


def test_break_even_of_a_dearer_item_with_chance_alone():
    """The series pays 100 more in total, 40 of it on A&E: the bills would be level only with
    A&E at 1 - 100 / 40 times its price, below zero, so no price of A&E will do it; turned
    round, the series costs less at any price of A&E."""
    runs = _frames([100.0, 110.0, 90.0], [0.0, 0.0, 0.0], [40.0, 44.0, 36.0])
    table = price_changes(runs, _configs(), None).set_index(["item", "bill"])
    row = table.loc[("ae", WHOLE)]
    assert row["series_costs_less"] == NO_PRICE and math.isnan(row["break_even_price_gbp_mean"])
    saving = _frames([-100.0, -110.0, -90.0], [0.0] * 3, [-40.0, -44.0, -36.0])
    row = price_changes(saving, _configs(), None).set_index(["item", "bill"]).loc[("ae", WHOLE)]
    assert row["series_costs_less"] == ANY_PRICE


def test_break_even_price_and_its_interval_over_parameter_sets():
    """The series saves 30 on A&E in one parameter set and 20 in the other, and pays 60 more in
    all: the bills are level with A&E at 1 + 60 / 25 times its price (a ratio of means); over
    parameter sets the interval is the central 95 % of the sets' own break-even prices."""
    ae = [-30.0, -30.0, -20.0, -20.0]
    totals = [60.0, 60.0, 60.0, 60.0]
    runs = _frames(totals, [0.0] * 4, ae)
    price = _configs()["base"].crises.ae.unit_cost_gbp
    row = price_changes(runs, _configs(), 2).set_index(["item", "bill"]).loc[("ae", WHOLE)]
    # (60 + 30) / 30 = 3 in the first set, (60 + 20) / 20 = 4 in the second
    assert row["break_even_price_gbp_mean"] == pytest.approx(price * 3.4)
    sets = np.array([3.0, 4.0]) * price
    assert row["break_even_price_gbp_ci95_low"] == pytest.approx(np.percentile(sets, 2.5))
    assert row["break_even_price_gbp_ci95_high"] == pytest.approx(np.percentile(sets, 97.5))
    assert row["series_costs_less"] == "above"
    assert row["interval"] == "parameters and chance"


def test_no_break_even_when_the_items_difference_may_be_none():
    runs = _frames([50.0, 60.0, 40.0], [0.0] * 3, [-5.0, 5.0, -1.0])
    row = price_changes(runs, _configs(), None).set_index(["item", "bill"]).loc[("ae", WHOLE)]
    assert math.isnan(row["break_even_price_gbp_mean"]) and row["series_costs_less"] is None


def test_a_section_with_nothing_to_compare_says_so():
    assert "No pair of scenarios to compare" in price_changes_section({"price_changes": []})


def test_the_words_name_the_side_of_the_break_even_that_would_turn_the_bill() -> None:
    """A series that saves on crises costs more above their break-even price when it costs more
    now (so it would cost no more over it), and less now means it would cost more under it."""
    from relsim.report.price_changes import _pair_words

    def record(now: float, costs_less: str) -> dict:
        return {
            "series": "liberated", "reference": "baseline", "item": "mh_crisis", "bill": WHOLE,
            "price_gbp": 4360.0, "bill_difference_per_citizen_year_mean": now,
            "break_even_price_gbp_mean": 6000.0, "break_even_price_gbp_ci95_low": 5000.0,
            "break_even_price_gbp_ci95_high": 7000.0, "series_costs_less": costs_less,
            "bill_difference_at_0.5_price_mean": now, "bill_difference_at_2_price_mean": now,
        }  # fmt: skip

    dearer = _pair_words([record(100.0, "above")])
    assert "would cost no more if a mental-health crisis cost over £6,000" in dearer
    cheaper = _pair_words([record(-100.0, "above")])
    assert "would cost more if a mental-health crisis cost under £6,000" in cheaper
    staff = _pair_words([record(-100.0, "below")])
    assert "would cost more if a mental-health crisis cost over £6,000" in staff
    # the same bill (one scenario under two names) is no dearer by £0
    same = _pair_words([record(0.0, "at any price")])
    assert same == "<p>liberated costs the same as baseline in total, at any price.</p>"


def test_a_break_even_that_cannot_be_judged_is_not_called_out_of_reach() -> None:
    """With one run (or an item whose difference may be none) there is no break-even to name:
    the words say it cannot be judged, not that no price would change the answer; an item that
    costs both sides the same (block-funded specialists) is rightly one no price moves."""
    from relsim.report.price_changes import _pair_words

    def record(item: str, cost: float) -> dict:
        return {
            "series": "liberated", "reference": "baseline", "item": item, "bill": WHOLE,
            "price_gbp": 100.0, "bill_difference_per_citizen_year_mean": 50.0,
            "cost_difference_per_citizen_year_mean": cost, "break_even_price_gbp_mean": None,
            "series_costs_less": None, "bill_difference_at_0.5_price_mean": 50.0,
            "bill_difference_at_2_price_mean": 50.0,
        }  # fmt: skip

    words = unescape(_pair_words([record("ae", -20.0), record("specialist_hour", 0.0)]))
    assert "Whether a price of an A&E attendance would change it cannot be judged" in words
    assert "No price of a specialist hour within a tenth to ten times" in words
    # a difference so small that ten times the price moves the bills by less than their gap
    # (a staff hour under equal spend) can be judged: no such price would change it
    interval = {"bill_difference_per_citizen_year_ci95_low": 30.0}
    words = unescape(_pair_words([{**record("staff_hour", 0.5), **interval}]))
    assert "No price of an hour of front-line staff within a tenth to ten times" in words
    assert "cannot be judged" not in words


def test_a_bodys_bill_that_cannot_be_judged_is_said_so() -> None:
    from relsim.report.price_changes import _body_words

    record = {
        "series": "liberated", "reference": "baseline", "item": "eviction",
        "bill": "council_housing", "price_gbp": 3380.0,
        "bill_difference_per_citizen_year_mean": 1600.0,
        "cost_difference_per_citizen_year_mean": -100.0, "break_even_price_gbp_mean": None,
        "series_costs_less": None,
    }  # fmt: skip
    [line] = _body_words("liberated", "council_housing", [record])
    assert line.endswith(
        "would change that cannot be judged (what it buys at that price may not differ "
        "between the two, or there is one run)."
    )
    far = {**record, "series_costs_less": "above", "break_even_price_gbp_mean": 1e6}
    [line] = _body_words("liberated", "council_housing", [far])
    assert line.endswith("within a tenth to ten times the price as run would change that.")


def test_a_break_even_whose_interval_comes_near_is_named_and_a_blurred_gap_said() -> None:
    """A break-even of 17 times the A&E price whose interval began at 1.8 times was left in
    'no price within a tenth to ten times would change that'; and 'halving or doubling any
    one price does not change which costs less' held only on average: with a price doubled
    the gap's interval included zero."""
    from relsim.report.price_changes import _pair_words

    def record(low: float, moved_low: float) -> dict:
        return {
            "series": "liberated", "reference": "baseline", "item": "ae", "bill": WHOLE,
            "price_gbp": 337.0, "bill_difference_per_citizen_year_mean": 1010.0,
            "bill_difference_per_citizen_year_ci95_low": 63.0,
            "bill_difference_per_citizen_year_ci95_high": 1400.0,
            "break_even_price_gbp_mean": 5886.0, "break_even_price_gbp_ci95_low": low,
            "break_even_price_gbp_ci95_high": 20256.0, "series_costs_less": "above",
            "bill_difference_at_0.5_price_mean": 1100.0,
            "bill_difference_at_0.5_price_ci95_low": 147.0,
            "bill_difference_at_0.5_price_ci95_high": 1500.0,
            "bill_difference_at_2_price_mean": 900.0,
            "bill_difference_at_2_price_ci95_low": moved_low,
            "bill_difference_at_2_price_ci95_high": 1380.0,
        }  # fmt: skip

    near = unescape(_pair_words([record(598.0, -105.0)]))
    assert "would cost no more if an A&E attendance cost over £5,900 (interval £598" in near
    assert "No price of" not in near
    assert "does not change which costs less on average, though with the price of an A&E " in near
    assert "attendance doubled the interval of the difference would include zero" in near
    far = unescape(_pair_words([record(5000.0, 10.0)]))
    assert "No price of an A&E attendance within a tenth to ten times" in far
    assert "does not change which costs less on average." in far


def test_which_costs_less_is_said_on_average_where_the_interval_includes_no_difference() -> None:
    """'liberated costs less than baseline in total, by £90' stood beside a difference whose
    interval ran from £650 less to £130 more (and 'For the NHS, liberated costs less at any
    price' beside one from £450 less to £61 more): the side is the mean's, and is said so."""
    from relsim.report.price_changes import _body_words, _pair_words

    def record(bill: str, low: float, high: float) -> dict:
        return {
            "series": "liberated", "reference": "baseline", "item": "ae", "bill": bill,
            "price_gbp": 100.0, "bill_difference_per_citizen_year_mean": -90.0,
            "bill_difference_per_citizen_year_ci95_low": low,
            "bill_difference_per_citizen_year_ci95_high": high,
            "cost_difference_per_citizen_year_mean": -20.0, "break_even_price_gbp_mean": None,
            "series_costs_less": "at any price", "bill_difference_at_0.5_price_mean": -90.0,
            "bill_difference_at_2_price_mean": -90.0,
        }  # fmt: skip

    unclear = unescape(_pair_words([record(WHOLE, -650.0, 130.0)]))
    assert (
        "liberated costs less than baseline in total on average, by £90 a citizen-year, though "
        "the 95 % interval of the difference (-£650 to £130) includes zero." in unclear
    )
    clear = unescape(_pair_words([record(WHOLE, -650.0, -30.0)]))
    assert "liberated costs less than baseline in total, by £90 a citizen-year." in clear
    [nhs] = _body_words("liberated", "nhs", [record("nhs", -450.0, 61.0)])
    assert nhs == (
        "For the NHS, liberated costs less on average at any price of an A&E attendance, though "
        "the 95 % interval of the difference (-£450 to £61) includes zero."
    )
    [nhs] = _body_words("liberated", "nhs", [record("nhs", -450.0, -61.0)])
    assert nhs == "For the NHS, liberated costs less at any price of an A&E attendance."
