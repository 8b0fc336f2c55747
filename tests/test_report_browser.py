"""The board report in a real browser: `relsim compare --report` is opened in headless Chromium
(Debian's package, driven by Playwright) with the network cut off; every section is there and
visible, every figure has loaded, the headline numbers are those `relsim compare --json` prints
for the same seeds, and the page prints to PDF. A screenshot is kept in test-artefacts/report/
(or $RELSIM_ARTEFACTS/report/).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from relsim.report.html import SECTIONS
from relsim.report.tables import HEADLINE, STAFF_LOAD
from tests.browser_helpers import CHROMIUM, launch

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("RELSIM_ARTEFACTS", ROOT / "test-artefacts")) / "report"
ARGS = (
    # three parameter sets from the calibrated ensemble, once each: what a report draws by
    # default, with the JSON run the same way
    "compare", "baseline", "liberated", "hybrid", "--reps", "1", "--ensemble", "3", "--seed", "7",
    "--set", "population.citizens=300", "--set", "time.weeks=20",
    "--set", "time.warmup_weeks=4", "--set", "workforce.workers=3", "--workers", "1",
)  # fmt: skip
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (it comes with the dev extra)"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does)",
)

# Every table cell holding a number: what it says it is, and its exact value.
CELLS = """() => [...document.querySelectorAll('td[data-value]')].map((td) => ({
    table: td.dataset.table || '', metric: td.dataset.metric || '',
    scenario: td.dataset.scenario || '', comparison: td.dataset.comparison || '',
    payer: td.dataset.payer || '', side: td.dataset.side || '', price: td.dataset.price || '',
    value: td.dataset.value, low: td.dataset.low || null, high: td.dataset.high || null,
}))"""

# Each figure: loaded, really decoded, and drawn at a visible size.
IMAGES = """() => [...document.images].map((img) => ({
    alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
    shown: img.getBoundingClientRect().width, src: img.src.slice(0, 22),
}))"""


# The right edge of the widest thing on the page.
WIDEST = """() => Math.max(document.documentElement.scrollWidth,
    ...[...document.querySelectorAll('table, figure, img')].map(
        (e) => e.getBoundingClientRect().right))"""


@pytest.fixture(scope="module")
def report(tmp_path_factory, cli_run):
    """The report, and the JSON of the same comparison run again with the same seeds."""
    where = tmp_path_factory.mktemp("report")
    made = cli_run(*ARGS, "--transition-weeks", "4", "--report", where / "report.html")
    assert made.returncode == 0, made.stderr
    again = cli_run(*ARGS, "--transition-weeks", "4", "--json")
    assert again.returncode == 0, again.stderr
    return where / "report.html", json.loads(again.stdout)


@pytest.fixture(scope="module")
def page(report):
    path, _ = report
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else (requests.append(route.request.url), route.abort())
            ),
        )
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(path.as_uri(), wait_until="load")
        tab.wait_for_function("() => [...document.images].every((img) => img.complete)")
        yield tab, requests, errors
        browser.close()


def test_every_section_is_there_and_visible(page) -> None:
    tab, requests, errors = page
    for key, title in SECTIONS:
        heading = tab.locator(f"section#{key} > h2")
        assert heading.is_visible(), key
        assert heading.inner_text().strip() == title
        assert tab.locator(f"section#{key}").inner_text().strip() != title, f"{key} is empty"
    assert requests == [], f"the report asked for {requests}"
    assert errors == []


def test_every_figure_loads_and_is_shown(page) -> None:
    tab, *_ = page
    images = tab.evaluate(IMAGES)
    # differences, over time, payers, cumulative, transition, staff
    assert len(images) == 6, images
    for image in images:
        assert image["src"].startswith("data:image/png;base64"), image
        assert image["complete"] and image["width"] > 200 and image["height"] > 100, image
        assert image["shown"] > 300, image
        assert image["alt"], image


def _same(shown: str | None, expected: float | None) -> bool:
    if expected is None:
        return shown in (None, "")
    return shown not in (None, "") and float(shown) == pytest.approx(expected, rel=1e-12)


def test_headline_numbers_are_those_of_compare_json(page, report) -> None:
    tab, *_ = page
    _, payload = report
    cells = tab.evaluate(CELLS)
    blocks = {b["scenario"]: b for b in payload["scenarios"]}
    checked = 0
    for cell in cells:
        if cell["table"] not in ("headline", "staff", "measures"):
            continue
        if cell["scenario"]:
            expected = blocks[cell["scenario"]]["metrics"][cell["metric"]]
        else:
            expected = payload["differences"][cell["comparison"]][cell["metric"]]
        assert _same(cell["value"], expected["mean"]), cell
        if expected["ci95"]:
            assert _same(cell["low"], expected["ci95"][0]), cell
            assert _same(cell["high"], expected["ci95"][1]), cell
        checked += 1
    headline = {(c["metric"], c["scenario"] or c["comparison"]) for c in cells
                if c["table"] == "headline"}  # fmt: skip
    columns = [*blocks, *payload["differences"]]
    assert headline == {(m, c) for m in HEADLINE for c in columns}
    assert checked >= len(columns) * (len(HEADLINE) + len(STAFF_LOAD))


def test_what_a_crisis_avoided_costs_matches_the_json(page, report) -> None:
    """The section pricing each pair shows the JSON's net cost per crisis avoided and net
    benefit at each price, with their intervals, for every pair."""
    from relsim.evidence.cost_effectiveness import PRICES_GBP

    tab, *_ = page
    _, payload = report
    cells = [c for c in tab.evaluate(CELLS) if c["table"] == "cost-effectiveness"]
    records = {f"{r['series']} over {r['reference']}": r for r in payload["cost_effectiveness"]}
    assert len(records) == 3
    priced = [c for c in cells if c["price"]]
    assert len(priced) == len(records) * len(PRICES_GBP)
    for cell in priced:
        record = records[cell["comparison"]]
        name = f"net_benefit_at_{cell['price']}_gbp"
        assert float(cell["value"]) == record[f"{name}_mean"]
        assert float(cell["low"]) == record[f"{name}_ci95_low"]
        assert float(cell["high"]) == record[f"{name}_ci95_high"]
    assert tab.locator('table[data-table="cost-effectiveness-shares"] tr').count() == 1 + 3
    chosen = tab.locator('td[data-table="choice"][data-chosen="true"]')
    by_price = {
        chosen.nth(i).get_attribute("data-price"): chosen.nth(i).get_attribute("data-scenario")
        for i in range(chosen.count())
    }
    assert chosen.count() == len(PRICES_GBP)  # one scenario to choose at each price
    for record in payload["incremental"]:
        for price in PRICES_GBP:
            assert (by_price[str(price)] == record["series"]) == record[f"best_at_{price}_gbp"]


def test_resources_payers_and_break_even_match_the_json(page, report) -> None:
    tab, *_ = page
    _, payload = report
    cells = tab.evaluate(CELLS)
    blocks = {b["scenario"]: b for b in payload["scenarios"]}
    resource_cells = tab.locator('td[data-table="resources"][data-resource="posts"]')
    posts = {
        resource_cells.nth(i).get_attribute("data-scenario"): resource_cells.nth(i).get_attribute(
            "data-value"
        )
        for i in range(resource_cells.count())
    }
    assert posts == {n: repr(b["resources"]["posts"]) for n, b in blocks.items()}
    for key, section in (("payers", payload["payers"]),
                         ("transition", payload["transition"]["comparisons"])):  # fmt: skip
        found = [c for c in cells if c["table"] == key]
        assert len(found) == 4 * 5 * len(section)  # four numbers, five rows, each comparison
        for cell in found:
            entry = section[cell["comparison"]]["payers"][cell["payer"]]
            expected = {
                "first": entry["first_gbp_per_citizen_year"],
                "other": entry["other_gbp_per_citizen_year"],
                "saving": entry["saving_gbp_per_citizen_year"],
                "cumulative": entry["cumulative_saving_gbp"],
            }[cell["side"]]
            assert _same(cell["value"], expected["mean"]), cell
    weeks = tab.locator("section#payers td[data-week]")
    assert weeks.count() == 5 * len(payload["payers"])


def test_summary_in_words_and_the_missing_sensitivity_are_plain(page, report) -> None:
    tab, *_ = page
    _, payload = report
    summary = tab.locator("section#summary").inner_text()
    for label in payload["differences"]:
        other, first = label.split(" - ")
        assert f"{other} compared with {first}" in summary
    assert "per 100 people a year" in summary and "95 % interval" in summary
    assert "staff budget" in summary
    note = tab.locator('[data-sensitivity="none"]').inner_text()
    assert "No sensitivity analysis was supplied" in note
    counts = payload["assumptions"]
    assert f"{counts['assumptions']}" in tab.locator("section#inputs").inner_text()
    provenance = tab.locator("section#provenance").inner_text()
    for block in payload["scenarios"]:
        assert block["provenance"]["scenario_hash"][:16] in provenance


def test_it_prints_and_a_screenshot_is_kept(page) -> None:
    tab, *_ = page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / "report.png"), full_page=True)
    assert (ARTEFACTS / "report.png").stat().st_size > 10_000
    # Printed on A4 (794 CSS pixels across): nothing is wider than the paper.
    tab.emulate_media(media="print")
    tab.set_viewport_size({"width": 794, "height": 1123})
    assert tab.evaluate(WIDEST) <= 794, "the printed page is wider than the paper"
    pdf = tab.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3
    (ARTEFACTS / "report.pdf").write_bytes(pdf)
