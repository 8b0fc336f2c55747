"""The report's table of which scenario to choose at each price on a crisis avoided
(incremental.csv): the cost-effectiveness section's second half."""

from __future__ import annotations

from typing import Any

from relsim.report.formatting import number
from relsim.report.markup import cell, esc


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
                "" if share is None else f", under {number(share, 'share')} of sets"
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
        "Extendedly dominated: a mix of the scenarios either side of it on cost would avoid "
        "more crises for the money (its price over the cheaper one is above the next one's "
        "over it).</p>"
    )
