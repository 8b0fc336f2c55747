"""The sections of the HTML report, each from the comparison's payload (and, for figures, the
analysis behind it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relsim.commission.payers import PAYER_LABELS, SERVICE, SERVICE_APART, break_even_text
from relsim.commission.resources import RESOURCE_FIELDS, RESOURCE_LABELS
from relsim.metrics import IN_WORDS
from relsim.report import certainty, figures, words
from relsim.report.formatting import number
from relsim.report.markup import (
    cell,
    esc,
    image,
    metric_table,
    section,
    summary_cell,
)
from relsim.report.tables import DISTRICT, HEADLINE, STAFF_LOAD

if TYPE_CHECKING:
    from relsim.commission.analysis import Analysis


def summary_section(payload: dict[str, Any]) -> str:
    parts = [f"<p>{esc(words.district_sentence(payload))}</p>"]
    parts.append(
        "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in words.resources_paragraph(payload))
        + "</ul>"
    )  # fmt: skip
    for label in payload["differences"]:
        other, first = words.sides(payload, label)
        bullets = words.comparison_paragraph(payload, label)
        parts.append(f"<h3>{esc(other)} compared with {esc(first)}</h3>")
        parts.append("<ul>" + "".join(f"<li>{esc(b)}</li>" for b in bullets) + "</ul>")
    parts.append(f'<p class="note">{esc(certainty.certainty_paragraph(payload))}</p>')
    for warning in payload.get("warnings", []):
        parts.append(f'<p class="warning">Warning: {esc(warning)}</p>')
    return section("summary", "".join(parts))


def _resource_words(key: str, value: Any) -> Any:
    """A care model or a payer in words (the JSON and the workbook keep the names)."""
    if key == "care_model":
        return words.MODEL_WORDS.get(value, value)
    if key == "staff_payer":
        return PAYER_LABELS.get(value, value)
    return value


def resources_section(payload: dict[str, Any]) -> str:
    blocks = payload["scenarios"]
    head = '<th class="name">resource</th><th class="name">unit</th>' + "".join(
        f"<th>{esc(b['scenario'])}</th>" for b in blocks
    )
    rows = []
    for key, (unit, meaning) in RESOURCE_FIELDS.items():
        cells = "".join(
            cell(_resource_words(key, b["resources"].get(key)),
                 unit if unit.startswith("GBP") else "",
                 table="resources", resource=key, scenario=b["scenario"])
            for b in blocks
        )  # fmt: skip
        rows.append(
            f'<tr><td class="name" title="{esc(key)}: {esc(meaning)}">'
            f"{esc(RESOURCE_LABELS[key])}</td>"
            f'<td class="name">{esc(unit)}</td>{cells}</tr>'
        )
    spend = payload.get("equal_spend")
    note = (
        "Equal spend was not asked for: each scenario has the resources written in it. Add "
        "--equal-spend to size every workforce to the first scenario's staff budget."
    )
    if spend:
        note = " ".join(words.resources_paragraph(payload)[-1:])
    body = (
        f'<table data-table="resources"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="note">{esc(note)} The staff budget is the establishment (every post paid '
        "for a year); what each service actually spent, with vacancies and agency cover, is "
        "staff_cost_per_citizen_year below.</p>"
    )
    return section("resources", body)


def differences_section(payload: dict[str, Any]) -> str:
    kind = (payload.get("interval") or {}).get("label", "95% interval")
    body = metric_table(
        payload,
        HEADLINE,
        "headline",
        f"Headline measures: means, paired differences, {kind}",
    )
    overlap = certainty.overlap_note(payload, HEADLINE, IN_WORDS)
    if overlap:
        body += f'<p class="note" data-note="overlap">{esc(overlap)}</p>'
    body += image(
        figures.differences_figure(payload),
        "paired differences as a percentage of the first scenario's value",
        "Each dot is the mean paired difference (the same citizens and luck on both sides); "
        "the bar is its 95 % interval.",
        "differences",
    )
    return section("differences", body)


def district_section(payload: dict[str, Any]) -> str:
    blocks = payload["scenarios"]
    head = '<th class="name">quantity</th><th class="name">unit</th>' + "".join(
        f"<th>{esc(b['scenario'])}</th>" for b in blocks
    )
    rows = []
    for key, (label, unit) in DISTRICT.items():
        cells = ""
        for b in blocks:
            summary = b.get("district", {}).get(key) or {}
            ids = {"table": "district", "quantity": key, "scenario": b["scenario"]}
            cells += summary_cell(summary, unit, **ids)
        rows.append(
            f'<tr><td class="name">{esc(label)}</td><td class="name">{esc(unit)}</td>{cells}</tr>'
        )
    body = (
        "<p>Per citizen-year measures times the citizens present: what the district spends and "
        "sees in a year.</p>"
        f'<table data-table="district"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
        "</tbody></table>"
    )
    return section("district", body)


def over_time_section(analysis: Analysis) -> str:
    keys = ("crises_per_1000_citizens", "total_cost_per_citizen_year", "people_waiting",
            "specialist_waiting")  # fmt: skip
    short, sentence = certainty.band_words(analysis.payload)
    return section(
        "over-time",
        image(
            figures.bands_figure(analysis, keys, "Week by week", short),
            "weekly crises, cost and waiting over the measured period, with bands",
            f"Weekly values over the measured period: {sentence}.",
            "timeseries",
        ),
    )


def payer_table(data: dict[str, Any], label: str, table: str, payload: dict[str, Any]) -> str:
    other, first = words.sides(payload, label)
    head = (
        '<th class="name">who pays</th>'
        f"<th>{esc(first)}</th><th>{esc(other)}</th><th>saving</th>"
        "<th>cumulative saving, district</th><th>break-even</th>"
    )
    rows = []
    unit = "GBP/citizen-year"
    for payer, entry in data["payers"].items():
        ids = {"table": table, "comparison": label, "payer": payer}
        saving = entry["saving_gbp_per_citizen_year"]
        rows.append(
            f'<tr><td class="name">{esc(PAYER_LABELS.get(payer, payer))}</td>'
            + summary_cell(entry["first_gbp_per_citizen_year"], unit, **ids, side="first")
            + summary_cell(entry["other_gbp_per_citizen_year"], unit, **ids, side="other")
            + summary_cell(saving, unit, **ids, side="saving")
            + summary_cell(entry["cumulative_saving_gbp"], "GBP", **ids, side="cumulative")
            + f'<td class="name" data-week="{esc(entry["break_even_week"])}">'
            f"{esc(_break_even_words(payer, entry, data['weeks']))}</td></tr>"
        )
    return (
        f'<table data-table="{esc(table)}"><caption>{esc(other)} against {esc(first)}: GBP per '
        "citizen-year, each side's spending over its own people present; a saving is "
        f"{esc(first)}'s cost minus {esc(other)}'s; the cumulative saving and the break-even "
        "week are in the district's pounds, however many people each side had</caption>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


#: the service's own line never breaks even when it costs more: what it buys is on the others
SERVICE_COSTS_MORE = (
    "none on this line: the dearer service is a running cost; what it buys is on the others"
)


def _break_even_words(payer: str, entry: dict[str, Any], horizon: int) -> str:
    if payer == SERVICE and entry["break_even_week"] is None:
        return SERVICE_COSTS_MORE
    return break_even_text(entry, horizon)


def payers_section(analysis: Analysis) -> str:
    payload = analysis.payload
    parts = [
        "<p>The service itself is what the commissioner buys: front-line staff and the "
        "flexible budget. The NHS, police and justice, and council and housing pay for the "
        "crises and specialist services that follow from what happens to people. The four add "
        f"up to the total cost. {esc(SERVICE_APART)} Savings are cumulated from the start of "
        + (
            "the measured period (the steady state, after the warm-up)"
            if words.settled(payload)
            else "the measured period (after the warm-up, though not every district is known "
            "to have settled by then: see the warning)"
        )
        + "; the cost of getting there is the next section.</p>"
    ]
    for label, data in (payload.get("payers") or {}).items():
        parts.append(payer_table(data, label, "payers", payload))
    if payload.get("payers"):
        parts.append(
            image(
                figures.payers_figure(payload),
                "spending per citizen-year by payer for each scenario",
                "Spending by payer, GBP per citizen-year, with 95 % intervals.",
                "payers",
            )
        )
        parts.append(
            image(
                figures.cumulative_figure(analysis.payers, "Cumulative saving by payer"),
                "cumulative saving for the district by payer over the measured weeks",
                "Cumulative saving for the whole district against the first scenario, by payer; "
                "above zero the other scenario has cost that payer less so far.",
                "cumulative",
            )
        )
    return section("payers", "".join(parts))


def transition_section(analysis: Analysis) -> str:
    info = analysis.payload.get("transition")
    if not info:
        return section(
            "transition",
            "<p>The cost of changing from one model to the other was not asked for. "
            "Run the comparison with --transition-weeks WEEKS to launch both on the same "
            "district on day one, pay both teams for the overlap, and find when the change "
            "pays for itself, for the whole system and for each payer.</p>",
        )
    parts = [
        f"<p>Both services launched on day one on the same district (the same citizens, needs "
        f"and luck); the new service takes on the people whose needs are already there (the "
        f"backlog) from an empty caseload, and the old team stays paid for "
        f"{info['overlap_weeks']} weeks while the new one builds up: double running of about "
        f"{esc(number(info['double_running_gbp'], 'GBP'))} for the district. Savings are "
        f"cumulated from launch over {info['weeks']} weeks.</p>"
    ]
    for label, data in info["comparisons"].items():
        parts.append(payer_table(data, label, "transition", analysis.payload))
    parts.append(
        image(
            figures.cumulative_figure(
                analysis.transition, "Cumulative saving from launch", "week from launch"
            ),
            "cumulative saving from launch by payer, double running included",
            "Cumulative saving from launch for the whole district, by payer, double running "
            "included; the dotted line marks the whole system's break-even week.",
            "transition",
        )
    )
    return section("transition", "".join(parts))


def staff_section(analysis: Analysis) -> str:
    payload = analysis.payload
    body = metric_table(payload, STAFF_LOAD, "staff", "Staff load over the measured period")
    short, sentence = certainty.band_words(payload)
    body += image(
        figures.bands_figure(analysis, ("mean_caseload", "staff_utilisation", "mean_burnout"),
                             "Staff load", short),
        "caseload, utilisation and burnout week by week, with bands",
        f"Front-line staff week by week: {sentence}.",
        "staff",
    )  # fmt: skip
    return section("staff", body)
