"""The report's section on what a crisis avoided costs: each pair of scenarios priced
(cost_effectiveness.csv), then which scenario to choose at each price (incremental.csv)."""

from __future__ import annotations

from typing import Any

from relsim.report.formatting import number
from relsim.report.markup import cell, esc, section, summary_cell


def choice_table(payload: dict[str, Any]) -> str:
    """Each scenario's standing (frontier, dominated, extendedly dominated), its price over
    the cheaper frontier scenario before it, and the scenario to choose at each price."""
    from relsim.evidence.cost_effectiveness import PRICES_GBP

    records = payload.get("incremental") or []
    if len(records) < 2:
        return ""
    head = (
        '<th class="name">scenario</th><th class="name">standing</th>'
        '<th class="name">over</th><th>net cost per crisis avoided over it</th>'
        + "".join(f"<th>to choose at {number(p, 'GBP')}</th>" for p in PRICES_GBP)
    )
    rows = []
    for record in records:
        name = record["series"]
        ids = {"table": "choice", "scenario": name}
        cells = [
            f'<td class="name">{esc(name)}</td>',
            f'<td class="name" data-status="{esc(record["status"])}">{esc(record["status"])}</td>',
            f'<td class="name">{esc(record.get("compared_with") or "-")}</td>',
            cell(record.get("incremental_net_cost_per_crisis_avoided"), "GBP", **ids),
        ]
        for price in PRICES_GBP:
            chosen = bool(record.get(f"best_at_{price}_gbp"))
            share = record.get(f"best_at_{price}_gbp_share")
            shown = ("yes" if chosen else "no") + (
                "" if share is None else f", in {number(share, 'share')} of sets"
            )
            cells.append(
                f'<td data-table="choice" data-scenario="{esc(name)}" data-price="{price}" '
                f'data-chosen="{str(chosen).lower()}">{esc(shown)}</td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table data-table="choice"><caption>Which scenario to choose: the frontier (each '
        "scenario on it priced over the cheaper one before it), and the one with the highest "
        "mean net benefit at each price, with the share of parameter sets that agree"
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        '<p class="note">Dominated: another scenario costs no more and has no more crises. '
        "Extendedly dominated: a mix of the frontier scenarios either side of it would avoid "
        "more crises for the money (its price over the cheaper one is above the next one's "
        "over it). The share of sets counts each set's mean over its runs, so with one run a "
        "set chance is in it too.</p>"
    )


def record_summary(record: dict[str, Any], name: str) -> dict[str, Any]:
    """A table record's NAME_mean and NAME_ci95_low/high as a summary (mean, ci95)."""
    low, high = record.get(f"{name}_ci95_low"), record.get(f"{name}_ci95_high")
    ci = None if low is None or high is None else [low, high]
    return {"mean": record.get(f"{name}_mean"), "ci95": ci}


def cost_effectiveness_section(payload: dict[str, Any]) -> str:
    """What each scenario's crises avoided cost over another's (cost_effectiveness.csv)."""
    from relsim.evidence.cost_effectiveness import PRICES_GBP

    records = payload.get("cost_effectiveness") or []
    if not records:
        return section(
            "cost-effectiveness",
            '<p class="note">No pair of scenarios to price (one scenario, or a comparison '
            "made before relsim priced them).</p>",
        )

    head = (
        '<th class="name">scenario, over</th><th>crises avoided a citizen-year</th>'
        "<th>extra cost a citizen-year</th><th>net cost per crisis avoided</th>"
        + "".join(
            f"<th>net benefit at {number(p, 'GBP')} a crisis avoided</th>" for p in PRICES_GBP
        )
    )
    rows, shares = [], []
    for record in records:
        pair = f"{record['series']} over {record['reference']}"
        ids = {"table": "cost-effectiveness", "comparison": pair}
        cells = [
            f'<td class="name">{esc(pair)}</td>',
            cell(record.get("crises_avoided_per_citizen_year_mean"), "", **ids),
            cell(record.get("extra_cost_per_citizen_year_mean"), "GBP", **ids),
            summary_cell(record_summary(record, "net_cost_per_crisis_avoided"), "GBP", **ids),
        ]
        share_cells = [f'<td class="name">{esc(pair)}</td>']
        for price in PRICES_GBP:
            name = f"net_benefit_at_{price}_gbp"
            cells.append(summary_cell(record_summary(record, name), "GBP", price=price, **ids))
            share_cells.append(cell(record.get(f"{name}_share_positive"), "share", price=price))
        rows.append(f"<tr>{''.join(cells)}</tr>")
        shares.append(f"<tr>{''.join(share_cells)}</tr>")
    body = (
        '<table data-table="cost-effectiveness"><thead><tr>' + head + "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if any(
        r.get(f"net_benefit_at_{PRICES_GBP[0]}_gbp_share_positive") is not None for r in records
    ):
        share_head = '<th class="name">scenario, over</th>' + "".join(
            f"<th>at {number(p, 'GBP')}</th>" for p in PRICES_GBP
        )
        body += (
            '<table data-table="cost-effectiveness-shares"><caption>Share of parameter sets '
            "under which the net benefit is positive (at £0: it costs less in total)"
            f"</caption><thead><tr>{share_head}</tr></thead><tbody>{''.join(shares)}</tbody>"
            "</table>"
        )
    body += (
        '<p class="note">Net cost per crisis avoided: the extra total cost (crisis costs '
        "included, so the crises avoided pay back their own cost) over the crises avoided; "
        "negative when the service saves more than it spends, blank when the crises avoided "
        "may be none (the price is unbounded). Net benefit: a price placed on a crisis avoided "
        "beyond its own cost, times the crises avoided, less the extra cost. The price is the "
        "commissioner's to choose. Each pair is priced against the scenario listed first, or "
        "against a district with no services where one is compared.</p>"
    )
    return section("cost-effectiveness", body + choice_table(payload))
