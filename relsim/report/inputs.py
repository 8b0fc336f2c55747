"""The report's sections on what its numbers rest on: every input with its source (and what
a sensitivity analysis found), the prices, every measure, and the provenance with the command
that reruns it."""

from __future__ import annotations

from typing import Any

from relsim.agents.specialist import RECORDING_SHARE
from relsim.evidence.intervals import PARAMETERS
from relsim.report.formatting import number
from relsim.report.markup import cell, esc, metric_table, section
from relsim.report.tables import ordered_metrics


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
        if sensitivity.get("difference"):
            ranks = (
                f"It ranks what moves the difference {esc(sensitivity['scenario'])}, paired run "
                "by run on the same seeds (relsim sensitivity --against)."
            )
        else:
            ranks = (
                f"It ranks what moves {esc(sensitivity['scenario'])}'s own results, not the "
                "difference between the scenarios compared (relsim sensitivity --against "
                "analyses a difference; docs/sensitivity.md ranks what moves the differences "
                "between the bundled care models)."
            )
        parts.append(
            f"<p>From a {esc(sensitivity['method'])} sensitivity analysis of "
            f"{esc(sensitivity['scenario'])}{esc(match)} over "
            f"{esc(', '.join(sensitivity['ranges']))}; the largest indices first. {ranks}</p>"
        )
        if unsteady(sensitivity):
            parts.append(
                '<p class="warning" data-sensitivity="unsteady">Warning: some of these indices '
                "are no larger than their own 95 % intervals, so their order is not settled; a "
                "larger design (--n) would rank them.</p>"
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


def unsteady(sensitivity: dict[str, Any]) -> bool:
    """Whether any index shown is no larger than the half-width of its own interval."""
    return any(
        entry["ci95_half_width"] >= entry["value"]
        for entries in sensitivity.get("top", {}).values()
        for entry in entries
    )


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
        f'<td class="name">{esc(_sources(inputs, key))}</td></tr>'
        for key, entry in _by_key(inputs)
    ]
    return (
        '<table data-table="inputs"><caption>Inputs that differ from the defaults (knobs and '
        "policy choices are the scenario's to make, or the command line's where --set gave "
        "them, with the source of the default where it "
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
        "table are built from them; a specialist service, block-funded, costs each week its "
        f"places x a session's hours x {1 + RECORDING_SHARE:g} for recording x its hourly "
        "cost, used or not, its places being its capacity per 1,000 citizens x the citizens, "
        "rounded to whole places as Resources gives them); a source gives "
        "the default, and a value a scenario (or --set) gives in its place is its own</caption>"
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


def _sources(per_scenario: dict[str, dict[str, dict[str, Any]]], key: str) -> str:
    """The source of `key`, or each scenario's where they differ (a workforce sized by equal
    spend beside one a file chose)."""
    found = {
        name: entries[key]["source"] for name, entries in per_scenario.items() if key in entries
    }
    if len(set(found.values())) == 1:
        return next(iter(found.values()))
    return "; ".join(f"{name}: {source}" for name, source in found.items())


def _value_cells(per_scenario: dict[str, dict[str, dict[str, Any]]], key: str, missing: str) -> str:
    """A cell per scenario with its value of `key`, or `missing`."""
    return "".join(
        f"<td>{esc(words_value(entries[key]['value']))}</td>" if key in entries else missing
        for entries in per_scenario.values()
    )


def _source_word(entry: dict[str, Any]) -> str:
    """What a sensitivity analysis's parameter is: a knob, a policy choice, or a parameter
    that rests on assumption, was set by hand towards a published figure, or has a source."""
    kind = entry.get("kind", "parameter")
    if kind != "parameter":
        return kind
    if entry["assumption"]:
        return "assumption"
    return "set by hand" if entry.get("set_by_hand") else "sourced"


def words_value(value: Any) -> str:
    return (
        number(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def measures_section(payload: dict[str, Any]) -> str:
    return section(
        "measures",
        metric_table(payload, ordered_metrics(payload), "measures", "Every measure", with_ids=True)
        + '<p class="note">Under each measure, its name in the JSON, CSV and workbook. Hover '
        "over a measure for its meaning; docs/outputs.md defines each.</p>",
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
