"""The sections of the HTML report, each from the comparison's payload (and, for figures, the
analysis behind it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relsim.commission.payers import PAYER_LABELS, SERVICE_APART, break_even_text
from relsim.commission.resources import RESOURCE_FIELDS
from relsim.evidence.intervals import PARAMETERS
from relsim.report import figures, words
from relsim.report.formatting import number
from relsim.report.markup import (
    cell,
    esc,
    image,
    metric_table,
    section,
    summary_cell,
)
from relsim.report.tables import DISTRICT, HEADLINE, LABELS, STAFF_LOAD, ordered_metrics

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
    parts.append(f'<p class="note">{esc(words.certainty_paragraph(payload))}</p>')
    for warning in payload.get("warnings", []):
        parts.append(f'<p class="warning">Warning: {esc(warning)}</p>')
    return section("summary", "".join(parts))


def resources_section(payload: dict[str, Any]) -> str:
    blocks = payload["scenarios"]
    head = '<th class="name">resource</th><th class="name">unit</th>' + "".join(
        f"<th>{esc(b['scenario'])}</th>" for b in blocks
    )
    rows = []
    for key, (unit, meaning) in RESOURCE_FIELDS.items():
        cells = "".join(
            cell(b["resources"].get(key), unit if unit.startswith("GBP") else "",
                 table="resources", resource=key, scenario=b["scenario"])
            for b in blocks
        )  # fmt: skip
        rows.append(
            f'<tr><td class="name" title="{esc(meaning)}">{esc(key)}</td>'
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
    overlap = words.overlap_note(payload, HEADLINE, LABELS)
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
    short, sentence = words.band_words(analysis.payload)
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
            f"{esc(break_even_text(entry, data['weeks']))}</td></tr>"
        )
    return (
        f'<table data-table="{esc(table)}"><caption>{esc(label)}: GBP per citizen-year, each '
        "side's spending over its own people present; a saving is "
        f"{esc(first)}'s cost minus {esc(other)}'s; the cumulative saving and the break-even "
        "week are in the district's pounds, however many people each side had</caption>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def payers_section(analysis: Analysis) -> str:
    payload = analysis.payload
    parts = [
        "<p>The service itself is what the commissioner buys: front-line staff and the "
        "flexible budget. The NHS, police and justice, and council and housing pay for the "
        "crises and specialist services that follow from what happens to people. The four add "
        f"up to the total cost. {esc(SERVICE_APART)} Savings are cumulated from the start of "
        "the measured period (the steady state, after the warm-up); the cost of getting there "
        "is the next section.</p>"
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
    short, sentence = words.band_words(payload)
    body += image(
        figures.bands_figure(analysis, ("mean_caseload", "staff_utilisation", "mean_burnout"),
                             "Staff load", short),
        "caseload, utilisation and burnout week by week, with bands",
        f"Front-line staff week by week: {sentence}.",
        "staff",
    )  # fmt: skip
    return section("staff", body)


def inputs_section(payload: dict[str, Any]) -> str:
    counts = payload.get("assumptions") or {}
    parts = []
    if counts:
        parts.append(
            f"<p>Of the model's {counts['parameters']} behavioural parameters (knobs and policy "
            f'choices aside), <strong data-value="{counts["assumptions"]}">'
            f"{counts['assumptions']}</strong> ({number(counts['share'], 'share')}) rest on "
            "assumption rather than a direct source (docs/parameters.md lists each with its "
            "source).</p>"
        )
    parts.append(inputs_table(payload))
    parts.append(prices_table(payload))
    sensitivity = payload.get("sensitivity") or {}
    parts.append("<h3>What the result is most sensitive to</h3>")
    if not sensitivity.get("available"):
        parts.append(f'<p data-sensitivity="none">{esc(sensitivity.get("note", ""))}</p>')
    else:
        match = (
            ""
            if sensitivity["matches"]
            else " (not one of the scenarios compared here: read with care)"
        )
        parts.append(
            f"<p>From a {esc(sensitivity['method'])} sensitivity analysis of "
            f"{esc(sensitivity['scenario'])}{esc(match)} over "
            f"{esc(', '.join(sensitivity['ranges']))}; the largest indices first.</p>"
        )
        for metric, entries in sensitivity["top"].items():
            rows = "".join(
                f'<tr><td class="name">{esc(e["parameter"])}</td>'
                f"{cell(e['value'])}<td>{esc(number(e['ci95_half_width']))}</td>"
                f'<td class="name">{esc(_source_word(e))}</td></tr>'
                for e in entries
            )
            parts.append(
                f'<table data-table="sensitivity"><caption>{esc(metric)}</caption><thead><tr>'
                f'<th class="name">parameter</th><th>{esc(entries[0]["index"] if entries else "")}'
                '</th><th>± 95 %</th><th class="name">source</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>"
            )
    return section("inputs", "".join(parts))


AS_DEFAULT = '<td class="same">as default</td>'


def inputs_table(payload: dict[str, Any]) -> str:
    """One row per input that differs from its default in any scenario."""
    inputs = payload.get("inputs") or {}
    if not any(inputs.values()):
        return "<p>Every input of every scenario is at its default.</p>"
    head = '<th class="name">input</th><th>default</th>' + "".join(
        f"<th>{esc(n)}</th>" for n in inputs
    )
    head += '<th class="name">unit</th><th class="name">kind</th><th class="name">source</th>'
    rows = [
        f'<tr><td class="name">{esc(key)}</td><td>{esc(words_value(entry["default"]))}</td>'
        f"{_value_cells(inputs, key, missing=AS_DEFAULT)}"
        f'<td class="name">{esc(entry["unit"])}</td><td class="name">{esc(entry["kind"])}</td>'
        f'<td class="name">{esc(entry["source"])}</td></tr>'
        for key, entry in _by_key(inputs)
    ]
    return (
        '<table data-table="inputs"><caption>Inputs that differ from the defaults (knobs and '
        "policy choices are the scenario's to make, with the source of the default where it "
        "has one; a parameter's source says whether it rests on assumption)</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def prices_table(payload: dict[str, Any]) -> str:
    """Every price, payer and the measured period on each side, at its default or not: the
    pounds of every other table are built from them."""
    found = payload.get("prices") or {}
    if not found:
        return ""
    head = (
        '<th class="name">price or payer</th><th class="name">unit</th><th>default</th>'
        + "".join(f"<th>{esc(n)}</th>" for n in found)
    )
    rows = [
        f'<tr><td class="name">{esc(key)}</td><td class="name">{esc(entry["unit"])}</td>'
        f"<td>{esc(words_value(entry['default']))}</td>"
        f"{_value_cells(found, key, missing='<td>-</td>')}"
        f'<td class="name">{esc(_price_source(found, key))}</td></tr>'
        for key, entry in _by_key(found)
    ]
    return (
        '<table data-table="prices"><caption>Prices, who pays them and the measured period, '
        "on each side, whether or not they differ from the defaults (the costs in every other "
        "table are built from them); a source gives the default, and a value a scenario sets "
        "in its place is the scenario's own</caption>"
        f'<thead><tr>{head}<th class="name">source</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _price_source(found: dict[str, dict[str, dict[str, Any]]], key: str) -> str:
    """The source of a price: the default's, or, where any scenario sets its own value, that
    the value is the scenario's (with the default's source named as the default's)."""
    entries = [entries[key] for entries in found.values() if key in entries]
    own = [e for e in entries if e["value"] != e["default"]]
    return str((own or entries)[0]["source"])


def _by_key(per_scenario: dict[str, dict[str, dict[str, Any]]]) -> list[tuple[str, Any]]:
    """Each key any scenario has (in the order first seen), with its first scenario's entry."""
    first: dict[str, Any] = {}
    for entries in per_scenario.values():
        for key, entry in entries.items():
            first.setdefault(key, entry)
    return list(first.items())


def _value_cells(per_scenario: dict[str, dict[str, dict[str, Any]]], key: str, missing: str) -> str:
    """A cell per scenario with its value of `key`, or `missing`."""
    return "".join(
        f"<td>{esc(words_value(entries[key]['value']))}</td>" if key in entries else missing
        for entries in per_scenario.values()
    )


def _source_word(entry: dict[str, Any]) -> str:
    """What a sensitivity analysis's parameter is: a knob, a policy choice, or a parameter
    that rests on assumption or has a source."""
    kind = entry.get("kind", "parameter")
    if kind != "parameter":
        return kind
    return "assumption" if entry["assumption"] else "sourced"


def words_value(value: Any) -> str:
    return (
        number(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def measures_section(payload: dict[str, Any]) -> str:
    return section(
        "measures",
        metric_table(payload, ordered_metrics(payload), "measures", "Every measure", labelled=False)
        + '<p class="note">Hover over a measure for its meaning; docs/outputs.md defines each.</p>',
    )


def provenance_section(payload: dict[str, Any]) -> str:
    rows = []
    for block in payload["scenarios"]:
        p = block["provenance"]
        versions = ", ".join(f"{k} {v}" for k, v in (p.get("versions") or {}).items())
        rows.append(
            f'<tr><td class="name">{esc(block["scenario"])}</td>'
            f'<td class="name" data-hash="{esc(p.get("scenario_hash"))}"><code>'
            f"{esc(str(p.get('scenario_hash'))[:16])}…</code></td>"
            f"<td>{esc(p.get('seed'))}</td><td>{esc(p.get('reps'))}</td>"
            f'<td class="name">{esc(p.get("relsim_version"))}'
            f"{' at ' + esc(str(p.get('git_commit'))[:12]) if p.get('git_commit') else ''}</td>"
            f'<td class="name">{esc(p.get("started"))} to {esc(p.get("finished"))}</td>'
            f'<td class="name">{esc(versions)}</td></tr>'
        )
    body = (
        '<table data-table="provenance"><thead><tr><th class="name">scenario</th>'
        '<th class="name">scenario hash (SHA-256)</th><th>seed</th><th>replications</th>'
        '<th class="name">relsim</th><th class="name">run (UTC)</th>'
        f'<th class="name">software</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        '<p class="note">Replication r of every scenario uses the same random streams '
        "(common random numbers), so differences are paired. The same seeds give the same "
        f"numbers: `relsim compare ... {esc(rerun_options(payload))} --json` with these seeds "
        "prints them.</p>"
    )
    return section("provenance", body)


def rerun_options(payload: dict[str, Any]) -> str:
    """The --ensemble and --reps that give these numbers again: a report draws parameter sets
    by default and a bare --json does not, and with --ensemble, --reps counts runs of each set."""
    interval = payload.get("interval") or {}
    if interval.get("kind") == PARAMETERS:
        return f"--ensemble {interval['parameter_sets']} --reps {interval['reps_per_set']}"
    return f"--ensemble 0 --reps {payload['reps']}"
