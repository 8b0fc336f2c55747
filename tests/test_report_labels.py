"""What a board report and its workbook say their numbers are: the weekly bands named by the
kind of interval they hold, and prices the scenario set told apart from the defaults' sources.

Numbers from the model are never written here (the model changes); the tests check the words
and the labels beside them.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.cli_helpers import relsim_main

SMALL = (
    "population.citizens=300",
    "time.weeks=12",
    "time.warmup_weeks=4",
    "workforce.workers=2",
)
SMALL_ARGS = tuple(arg for s in SMALL for arg in ("--set", s))


def _report(where: Path, *extra: str) -> tuple[str, dict[str, pd.DataFrame]]:
    html, book = where / "report.html", where / "report.xlsx"
    code = relsim_main(
        "compare", "baseline", "liberated", "--reps", "2", "--workers", "1", *SMALL_ARGS,
        "--report", html, "--xlsx", book, *extra,
    )  # fmt: skip
    assert code == 0
    sheets = pd.read_excel(book, sheet_name=None, engine="openpyxl")
    return html.read_text(encoding="utf-8"), sheets


@pytest.fixture(scope="module")
def over_sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, pd.DataFrame]]:
    return _report(tmp_path_factory.mktemp("sets"), "--ensemble", "2")


@pytest.fixture(scope="module")
def by_chance(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, pd.DataFrame]]:
    return _report(tmp_path_factory.mktemp("chance"), "--ensemble", "0")


def _band_captions(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", c)
        for c in re.findall(r"<figcaption>([^<]*week[^<]*)</figcaption>", html, re.IGNORECASE)
        if "band" in c
    ]


def test_weekly_bands_over_parameter_sets_are_not_called_replications(over_sets) -> None:
    """With parameter sets (the report's default), a weekly band is the central 95 % of the
    sets' means, not an interval over replications: the captions and the workbook say so."""
    html, sheets = over_sets
    captions = _band_captions(html)
    assert len(captions) == 2, captions
    for caption in captions:
        assert "replications" not in caption, caption
        assert "2 parameter sets" in caption and "parameters and chance" in caption, caption
    about = dict(zip(sheets["About"]["sheet"], sheets["About"]["holds"], strict=True))
    assert "parameter sets" in about["Time series"]
    assert set(sheets["Time series"]["interval"]) == {"parameters and chance"}


def test_weekly_bands_by_chance_say_chance_only(by_chance) -> None:
    html, sheets = by_chance
    captions = _band_captions(html)
    assert len(captions) == 2, captions
    for caption in captions:
        assert "2 replications" in caption and "chance only" in caption, caption
    assert set(sheets["Time series"]["interval"]) == {"chance"}


def test_a_price_the_scenario_sets_is_not_credited_to_the_defaults_source() -> None:
    """£65 an hour written by a district is its own figure: the source that gives the default's
    £73 (£57 in 2013/14 x1.28) is named as the default's, in the JSON and workbook entry and in
    the report's table, which shows the default beside each side's value."""
    from relsim.commission.inputs import CHOSEN, differing_inputs, prices
    from relsim.config import Scenario, load_scenario
    from relsim.report.inputs import prices_table
    from relsim.report.markup import esc

    root = Path(__file__).resolve().parent.parent / "scenarios"
    changed = ["workforce.hourly_cost_gbp=65", "workforce.payer=nhs"]
    own = load_scenario(root / "baseline.yaml", changed)
    found = prices(own)
    cost = found["workforce.hourly_cost_gbp"]
    default_source = prices(Scenario())["workforce.hourly_cost_gbp"]["source"]
    assert "GMCA" in default_source  # the default's source, as a source
    assert cost["source"] != default_source
    assert cost["source"].startswith("set by the scenario (the default, 73, rests on: ")
    assert cost["source"].endswith(f"{default_source})")
    assert found["workforce.payer"]["source"].startswith(
        "set by the scenario (the default, council_housing"
    )
    # a price at its default keeps its own source
    assert (
        found["crises.ae.unit_cost_gbp"]["source"]
        == (prices(Scenario())["crises.ae.unit_cost_gbp"]["source"])
    )
    # the report: the default's column, and the scenario's own value named as such, whichever
    # side sets it
    for sides in ({"a": found, "b": prices(Scenario())}, {"b": prices(Scenario()), "a": found}):
        html = prices_table({"prices": sides})
        assert "<th>default</th>" in html
        row = next(r for r in html.split("<tr>") if "workforce.hourly_cost_gbp" in r)
        assert f'<td class="name">{esc(cost["source"])}</td>' in row
    # inputs: a policy choice whose default has a source is the scenario's choice
    inputs = differing_inputs(own)["workforce.hourly_cost_gbp"]
    assert inputs["source"].startswith(f"{CHOSEN} (the default, 73, rests on: ")


def test_the_workbooks_inputs_are_numbers_a_spreadsheet_can_add() -> None:
    """An input's value and default are numbers in the workbook, as the prices are (text would
    leave a finance lead's formulas blank); lists and names stay text."""
    from relsim.commission.inputs import differing_inputs
    from relsim.config import load_scenario
    from relsim.report.tables import inputs_table

    root = Path(__file__).resolve().parent.parent / "scenarios"
    scenario = load_scenario(
        root / "liberated.yaml",
        ["workforce.hourly_cost_gbp=65", "population.citizens=10000", "continuity=0.6",
         "workforce.payer=nhs", "liberated.budget_domains=[housing]"],
    )  # fmt: skip
    table = inputs_table({"inputs": {"district": differing_inputs(scenario)}}).set_index("input")
    assert table.loc["workforce.hourly_cost_gbp", "value"] == 65
    assert table.loc["workforce.hourly_cost_gbp", "default"] == 73
    assert table.loc["population.citizens", "value"] == 10000
    assert table.loc["continuity", "value"] == 0.6
    for key in ("workforce.hourly_cost_gbp", "population.citizens", "continuity"):
        assert not isinstance(table.loc[key, "value"], str), key
    assert table.loc["workforce.payer", "value"] == "nhs"
    assert table.loc["liberated.budget_domains", "value"] == "housing"


def test_an_interval_over_a_few_parameter_sets_is_called_what_it_is() -> None:
    """The central 95 % of three results is nearly their range: the summary says so, instead of
    letting it read as a measured 95 % interval; with enough sets it says nothing of the kind."""
    from relsim.report.certainty import certainty_paragraph

    def paragraph(sets: int) -> str:
        interval = {"kind": "parameters and chance", "parameter_sets": sets, "reps_per_set": 1}
        return certainty_paragraph({"reps": sets, "interval": interval, "assumptions": {}})

    few = paragraph(3)
    # it said "close to the lowest and highest", but an end is interpolated between the two
    # lowest: a set outside the interval, on the other side of zero, was called "clear"
    assert "each end lies between the two lowest (or the two highest) of their 3 results" in few
    assert "one set may fall outside an interval, even on the other side of zero" in few
    assert "rather than a measured 95 %" in few
    assert "They still leave out what the calibration did not vary" in few
    assert "two lowest" not in paragraph(40)
    assert "distinct" not in few  # no draw recorded


def test_a_parameter_set_drawn_more_than_once_is_said() -> None:
    """Ten sets drawn with replacement were six distinct members, one of them four times, and
    the report said "10 parameter sets" with every share "of sets" counting repeats."""
    from relsim.report.certainty import certainty_paragraph

    def paragraph(drawn: list[int]) -> str:
        interval = {"kind": "parameters and chance", "parameter_sets": len(drawn)}
        block = {"provenance": {"ensemble": {"members_drawn": drawn}}}
        payload = {"reps": len(drawn), "interval": interval, "assumptions": {}}
        return certainty_paragraph({**payload, "scenarios": [block]})

    repeated = paragraph([17, 4, 9, 17, 2, 17, 17, 30, 5, 8])
    assert "10 parameter sets drawn from the calibrated ensemble (7 of them distinct" in repeated
    assert "distinct" not in paragraph(list(range(10)))


def test_the_summary_gives_the_validation_record_as_validation_md_has_it() -> None:
    """A board reading the report saw intervals and never the held-out record, whose misses
    lean towards the Liberated Method: the paragraph on certainty gives it, with the counts
    docs/validation.md has (regenerating that report with other verdicts fails here)."""
    from relsim.report.certainty import VALIDATION_RECORD, certainty_paragraph

    page = " ".join(
        (Path(__file__).resolve().parent.parent / "docs" / "validation.md").read_text().split()
    )
    record = VALIDATION_RECORD
    assert (
        f"Of {record['targets']} targets: {record['agree']} agree, "
        f"{record['within_uncertainty']} are within uncertainty, {record['disagree']} disagree."
    ) in page
    text = certainty_paragraph({"reps": 3, "assumptions": {}})
    assert "agrees with 2, is within uncertainty of 2 and disagrees with 5" in text
    assert text.endswith("more likely overstated than understated.")


def test_overlapping_intervals_with_a_clear_paired_difference_are_said_to_be_so() -> None:
    """Crisis demand of 4.18 (3.53 to 4.86) against 4.49 (3.83 to 5.30) overlaps, yet the paired
    difference, 0.315 (0.200 to 0.446), is clear: the report says which measures are so, and
    why, and says nothing where the sides do not overlap or the difference is not clear."""
    from relsim.report.certainty import overlap_note
    from relsim.report.sections import differences_section

    def summary(mean: float, low: float, high: float) -> dict:
        return {"mean": mean, "ci95": [low, high]}

    crises, ae, cost = (
        "crisis_events_per_citizen_year",
        "crisis_ae_per_citizen_year",
        "total_cost_per_citizen_year",
    )
    differences = {
        crises: summary(0.315, 0.200, 0.446), ae: summary(1.0, 0.9, 1.1),
        cost: summary(100, -50, 250),
    }  # fmt: skip
    payload: dict[str, Any] = {
        "reps": 3,
        "scenarios": [
            {"scenario": "adr", "metrics": {
                crises: summary(4.18, 3.53, 4.86), ae: summary(1.0, 0.9, 1.1),
                cost: summary(8000, 6000, 11000)}},
            {"scenario": "lib", "metrics": {
                crises: summary(4.49, 3.83, 5.30), ae: summary(2.0, 1.9, 2.1),
                cost: summary(8100, 6100, 11100)}},
        ],
        "differences": {"lib - adr": differences},
    }  # fmt: skip
    note = overlap_note(payload, [crises, ae, cost], {crises: "crisis events"})
    assert note.startswith(
        "lib against adr: the two sides' intervals overlap, yet the paired difference is clear, "
        "for crisis events. Each side's interval"
    )
    assert "crisis_ae" not in note and "total_cost" not in note
    assert 'data-note="overlap"' in differences_section(payload)
    differences[crises] = summary(0.315, -0.1, 0.7)
    assert overlap_note(payload, [crises, ae, cost], {}) == ""


def test_equal_budgets_read_as_plain_english() -> None:
    """'the same staff budget as adr', not 'the same staff budget of adr'."""
    from relsim.report.words import resources_paragraph

    def block(name: str, model: str, budget: float) -> dict[str, Any]:
        resources = {
            "care_model": model, "posts": 20, "caseworker_posts": 20 if model == "liberated" else 0,
            "duty_worker_posts": 0 if model == "liberated" else 20,
            "caseworker_caseload_cap": 8, "duty_worker_caseload_cap": 25,
            "staff_budget_gbp_per_year": budget,
        }  # fmt: skip
        return {"scenario": name, "resources": resources}

    payload = {"scenarios": [block("adr", "assess_do_refer", 2.535e6),
                             block("lib", "liberated", 2.535e6),
                             block("dear", "liberated", 5.07e6)]}  # fmt: skip
    lines = resources_paragraph(payload)
    assert lines[1].endswith("; the same staff budget as adr.")
    assert lines[2].endswith("; 2 times the staff budget of adr.")


def test_a_service_at_its_limit_is_said_to_be_so_in_brief() -> None:
    """A Liberated Method too small for its district waited 41 weeks on average and left half
    the hours asked unmet, and the summary said it in one neutral sentence among the rest: the
    line naming its posts now says it works at its limit; one within both limits says nothing."""
    from relsim.report.words import resources_paragraph

    def block(name: str, unmet: float, wait: float) -> dict[str, Any]:
        resources = {
            "care_model": "liberated", "posts": 67, "caseworker_posts": 67,
            "duty_worker_posts": 0, "caseworker_caseload_cap": 10,
            "duty_worker_caseload_cap": None, "staff_budget_gbp_per_year": 9.5e6,
            "caseworker_return_places_over_cap": 2,
        }  # fmt: skip
        metrics = {"unmet_hours_share": {"mean": unmet}, "mean_wait_weeks": {"mean": wait}}
        return {"scenario": name, "resources": resources, "metrics": metrics}

    payload = {"scenarios": [block("roomy", 0.14, 2.4), block("full", 0.48, 41.2),
                             block("long_waits", 0.10, 16.6)]}  # fmt: skip
    roomy, full, waits = resources_paragraph(payload)
    assert "limit" not in roomy
    # 'holding up to 10' beside a mean caseload of 10.2: the places kept for returners
    assert "holding up to 10 people each (up to 2 over, to take back people of theirs" in roomy
    assert full.endswith(
        "; working at its limit: 48% of the hours asked of its workers were not found and "
        "people waited 41 weeks on average, so its results are those of this number of posts "
        "as much as of its way of working (relsim frontier compares sizes)."
    )
    assert "working at its limit: 10% of the hours" in waits


def test_equal_spend_in_words_says_which_district_was_left_as_written() -> None:
    """A district with no services is not sized: the report says so instead of "every workforce
    was sized ... (nothing to size)"."""
    from relsim.report.words import resources_paragraph

    def block(name: str, model: str, posts: int) -> dict[str, Any]:
        resources = {
            "care_model": model, "posts": posts, "caseworker_posts": 0,
            "duty_worker_posts": posts, "caseworker_caseload_cap": None,
            "duty_worker_caseload_cap": 25, "staff_budget_gbp_per_year": 142350.0 * posts,
        }  # fmt: skip
        return {"scenario": name, "resources": resources}

    def row(name: str, before: int, after: int, note: str = "") -> dict[str, Any]:
        return {"scenario": name, "workers_before": before, "workers": after,
                "spend_gbp_per_citizen_year": 284.7, "note": note}  # fmt: skip

    unsized = row("nobody", 0, 0, "no services: nothing to size")
    spend = {"basis": "staff", "reference": "adr", "target_gbp_per_citizen_year": 284.7}
    alone = {
        "scenarios": [block("adr", "assess_do_refer", 6), block("nobody", "none", 0)],
        "equal_spend": {**spend, "scenarios": [row("adr", 6, 6), unsized]},
    }
    last = resources_paragraph(alone)[-1]
    assert last == (
        "Equal spend: nothing was sized. nobody has no services to size and is compared as "
        "written, not at equal spend."
    )
    both = {
        "scenarios": [*alone["scenarios"], block("lib", "liberated", 6)],
        "equal_spend": {**spend, "scenarios": [row("adr", 6, 6), unsized, row("lib", 4, 6)]},
    }
    last = resources_paragraph(both)[-1]
    assert "(lib 4 -> 6 posts). nobody has no services to size" in last


def test_the_service_line_of_who_pays_has_no_break_even_to_wait_for() -> None:
    """A dearer service is a running cost on its own line: 'not within 260 weeks' read as if it
    might pay back later. The public bodies' lines keep their break-even."""
    from relsim.report.sections import SERVICE_COSTS_MORE, payer_table

    summary = {"mean": -100.0, "ci95": [-120.0, -80.0]}
    entry = {
        "first_gbp_per_citizen_year": summary,
        "other_gbp_per_citizen_year": summary,
        "saving_gbp_per_citizen_year": summary,
        "cumulative_saving_gbp": summary,
        "break_even_week": None,
        "break_even_week_earliest": None,
        "break_even_week_latest": None,
    }
    payload = {"scenarios": [{"scenario": "baseline"}, {"scenario": "liberated"}]}
    data = {"weeks": 260, "payers": {"service": entry, "nhs": entry}}
    text = " ".join(payer_table(data, "liberated - baseline", "payers", payload).split())
    assert 'data-payer="service" data-side="cumulative"' in text
    service, nhs = text.split('data-week="None">')[1:3]
    assert service.startswith(SERVICE_COSTS_MORE)
    assert nhs.startswith("never: it spends more every year (not within 260 weeks)")


def test_one_replication_and_no_posts_are_said_in_words(tmp_path: Path, capsys) -> None:
    """A report of one replication said "1 paired replications", and a care model with no
    posts "0 posts (), a staff budget of £0"."""
    html = tmp_path / "report.html"
    capsys.readouterr()
    code = relsim_main(
        "compare", "baseline", "liberated", "--reps", "1", "--ensemble", "0", "--workers", "1",
        *SMALL_ARGS, "--set", "workforce.workers=0", "--report", html, "--out", tmp_path / "out",
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    text = re.sub(r"\s+", " ", html.read_text(encoding="utf-8"))
    for shown in (text, captured.out):
        assert "1 paired replication," in shown and "1 paired replications" not in shown
    assert "0 posts" not in text
    assert "no front-line posts (the care model has nobody to run it), no staff budget" in text
    assert "care model liberated with no posts (workforce.workers 0)" in captured.err


def test_a_number_takes_the_article_it_is_said_with() -> None:
    from relsim.report.words import article

    said = {n: article(n) for n in (1, 8, 11, 12, 18, 52, 80, 104, 156, 800)}
    assert said == {1: "a", 8: "an", 11: "an", 12: "a", 18: "an", 52: "a", 80: "an",
                    104: "a", 156: "a", 800: "an"}  # fmt: skip


def test_the_bodies_savings_are_said_apart_from_the_service_they_pay_for() -> None:
    """'council and housing saves about £87' beside a service the council pays £1,600 more
    for read as the council's whole bill saving."""
    from relsim.report.words import _who_saves

    def saving(mean: float) -> dict:
        return {"saving_gbp_per_citizen_year": {"mean": mean, "ci95": [mean - 50, mean + 50]}}

    data = {"payers": {"service": saving(-1700.0), "nhs": saving(480.0),
                       "council_housing": saving(87.0), "system": saving(-1000.0)}}  # fmt: skip
    said = _who_saves(data)
    assert said.startswith("Per person a year, the service itself")
    assert "spends about £1,700 more; on their other costs (the service apart), NHS saves" in said
    alone = _who_saves({"payers": {"nhs": saving(480.0)}})
    assert alone == "Per person a year, NHS saves about £480."


def test_money_just_under_a_million_is_said_in_millions() -> None:
    """-£999,551 was shown as '-£1,000,000' beside '-£1.70m' in the same table."""
    from relsim.report.formatting import money

    assert money(-999_551) == "-£1m" and money(1_700_000, 3) == "£1.70m"
    assert money(998_000, 3) == "£998,000" and money(1_234) == "£1,200"


def test_the_terminal_says_one_replication_of_each_set_in_the_singular() -> None:
    from relsim.output import _runs_text

    payload = {"reps": 10, "interval": {"parameter_sets": 10, "reps_per_set": 1}}
    assert _runs_text(payload, "paired ").endswith("x 1 paired replication")


def test_staff_changes_are_said_in_words_not_minus_signs() -> None:
    """'caseloads -6.5 open cases per worker, burnout -0.30' read as a typo."""
    from relsim.report.words import _more_or_fewer

    assert _more_or_fewer(-6.5, "fewer") == "6.5 fewer"
    assert _more_or_fewer(0.3, "lower") == "0.30 higher"
    assert _more_or_fewer(0.0, "fewer") == "no change"


def test_no_sheet_is_blank_and_every_interval_says_its_kind(by_chance) -> None:
    """A Transition sheet with nothing in it (no --transition-weeks) read as a fault, and the
    District, By payer and Cumulative sheets did not say which interval they hold."""
    _, sheets = by_chance
    for name, sheet in sheets.items():
        assert not sheet.empty, name
    assert sheets["Transition"].columns.tolist() == ["note"]
    assert "--transition-weeks" in sheets["Transition"]["note"].iloc[0]
    for name in ("District", "By payer", "Cumulative", "Time series", "Summary"):
        assert set(sheets[name]["interval"]) == {"chance"}, name
    about = dict(zip(sheets["About"]["sheet"], sheets["About"]["holds"], strict=True))
    assert "week 1 is the first after the warm-up" in about["Time series"]
    assert "break_even_week_latest at its unfavourable end" in about["By payer"]


def test_a_value_given_with_set_is_put_down_to_the_command_line_not_the_scenario(
    tmp_path, capsys
) -> None:
    """`--set population.citizens=300` read as 'the scenario's choice' among the inputs, and a
    price given with --set as 'set by the scenario': a reader of the report could not tell the
    file's values from the command line's. A rerun attributes them the same way."""
    import json

    from tests.cli_helpers import relsim_main

    given = ["population.citizens=300", "crises.ae.unit_cost_gbp=500", "time.weeks=20"]
    sets = [arg for value in given for arg in ("--set", value)]
    args = ("compare", "baseline", "liberated", *sets, "--set", "time.warmup_weeks=10")
    out = tmp_path / "c"
    assert relsim_main(*args, "--reps", 2, "--ensemble", 0, "--workers", 1, "--out", out) == 0
    capsys.readouterr()
    assert relsim_main("rerun", out, "--out", tmp_path / "again", "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    for name in ("baseline", "liberated"):
        inputs, prices = payload["inputs"][name], payload["prices"][name]
        assert inputs["population.citizens"]["source"].startswith(
            "set by --set population.citizens=300 (the default, 3,000, rests on: "
        )
        assert prices["crises.ae.unit_cost_gbp"]["source"].startswith(
            "set by --set crises.ae.unit_cost_gbp=500 (the default, 337, rests on: "
        )
        assert prices["time.weeks"]["source"].startswith("set by --set time.weeks=20 ")
    # what the file itself chose is still the scenario's
    assert payload["inputs"]["liberated"]["care_model"]["source"] == "the scenario's choice"


def test_every_measure_is_named_in_words_with_its_name_in_the_files_beneath(by_chance) -> None:
    """A reader of "All measures" need not know the metric names: each row gives the measure
    in words, with the name the JSON, CSV and workbook use under it."""
    from relsim.metrics import IN_WORDS, METRICS

    html, _ = by_chance
    table = html.split('<table data-table="measures">')[1].split("</table>")[0]
    rows = re.findall(r'<td class="name" title="([^":]+):[^"]*">(.*?)</td>', table)
    assert {name for name, _ in rows} == {m.name for m in METRICS}
    for name, cell in rows:
        words = IN_WORDS[name]
        assert words != name and "_" not in words
        assert unescape(cell) == f'{words}<br><code class="id">{name}</code>', cell
