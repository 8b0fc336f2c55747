"""The report's section on prices: how far each price the model does not estimate would have
to move to change which scenario costs less, on the whole bill and on the bill of the body
that pays for it (price_changes.csv)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from relsim.commission.payers import PAYER_LABELS
from relsim.evidence.prices import (
    ABOVE,
    ANY_PRICE,
    BELOW,
    FACTORS,
    LABELS,
    NO_PRICE,
    WHOLE_BILL,
)
from relsim.report.cost_effectiveness import record_summary
from relsim.report.formatting import interval, money
from relsim.report.markup import cell, esc, section, summary_cell

#: the table's columns of the bills' difference with one price moved, for each of FACTORS
MOVED = tuple(f"bill_difference_at_{f:g}_price" for f in FACTORS)
#: a break-even price further than this factor from the price as run is not named in words
FAR_FACTOR = 10.0
#: each paying body as the subject of a sentence
BODIES = {
    "nhs": "the NHS",
    "police_justice": "police and justice",
    "council_housing": "the council and housing",
}


def _bill(record: dict[str, Any]) -> str:
    bill = record["bill"]
    return "the whole bill" if bill == WHOLE_BILL else PAYER_LABELS.get(bill, bill)


def _near(record: dict[str, Any]) -> bool:
    """Whether the break-even price, or its interval, comes within FAR_FACTOR of the price as
    run (by the mean alone, a break-even whose interval began at twice the price was said to
    be beyond ten times it)."""
    price, found = record["price_gbp"], record.get("break_even_price_gbp_mean")
    if found is None or price <= 0:
        return False
    low = record.get("break_even_price_gbp_ci95_low")
    high = record.get("break_even_price_gbp_ci95_high")
    lowest = found if low is None else min(low, found)
    highest = found if high is None else max(high, found)
    return lowest <= price * FAR_FACTOR and highest >= price / FAR_FACTOR


def _undetermined(record: dict[str, Any]) -> bool:
    """No side named although the item's cost differs: its break-even has no interval (the
    difference may be none, or one run), so no price can be ruled in or out; unless the
    difference is so small that even ten times the price could not close the bills' gap (a
    staff hour under equal spend was said to be one that 'cannot be judged')."""
    cost = record.get("cost_difference_per_citizen_year_mean")
    if record.get("series_costs_less") is not None or not cost:
        return False
    gap = record.get("bill_difference_per_citizen_year_mean")
    if gap is None or record.get("bill_difference_per_citizen_year_ci95_low") is None:
        return True  # one run: nothing is judged
    return abs(cost) * (FAR_FACTOR - 1) >= abs(gap)


def _break_even_words(record: dict[str, Any]) -> str:
    """'ITEM cost over £X (...)': the side of the break-even price across which the bill that
    `record` reads would turn, from the side it is on at the prices as run."""
    less_above = record["series_costs_less"] == ABOVE
    costs_less_now = record["bill_difference_per_citizen_year_mean"] < 0
    side = "under" if less_above == costs_less_now else "over"
    low = record.get("break_even_price_gbp_ci95_low")
    high = record.get("break_even_price_gbp_ci95_high")
    return (
        f"{LABELS[record['item']]} cost {side} "
        f"{money(record['break_even_price_gbp_mean'])} (interval "
        f"{interval(low, high, 'GBP')}; {money(record['price_gbp'], 4)} as run)"
    )


def _turned(record: dict[str, Any]) -> list[str]:
    """The factors among FACTORS at which the bill's difference changes sign."""
    now = record.get("bill_difference_per_citizen_year_mean")
    out = []
    for factor in FACTORS:
        moved = record.get(f"bill_difference_at_{factor:g}_price_mean")
        if now is not None and moved is not None and (moved < 0) != (now < 0):
            out.append("halved" if factor < 1 else "doubled" if factor == 2 else f"x{factor:g}")
    return out


def _blurred(records: Sequence[dict[str, Any]]) -> str:
    """', though ...' naming each price halved or doubled under which the difference's
    interval would include zero where at the prices as run it does not."""
    now_low = records[0].get("bill_difference_per_citizen_year_ci95_low")
    now_high = records[0].get("bill_difference_per_citizen_year_ci95_high")
    if now_low is None or now_high is None or now_low <= 0 <= now_high:
        return ""
    blurred = []
    for record in records:
        for factor in FACTORS:
            low = record.get(f"bill_difference_at_{factor:g}_price_ci95_low")
            high = record.get(f"bill_difference_at_{factor:g}_price_ci95_high")
            if low is not None and high is not None and low <= 0 <= high:
                how = "halved" if factor < 1 else "doubled" if factor == 2 else f"x{factor:g}"
                blurred.append(f"{LABELS[record['item']]} {how}")
    if not blurred:
        return ""
    return (
        f", though with the price of {_any_of(blurred)} the interval of the difference would "
        "include zero"
    )


def _clear(record: dict[str, Any]) -> bool:
    """Whether the 95 % interval of the bills' difference, at the prices as run, leaves out
    no difference (a side named from the mean alone was read as settled)."""
    low = record.get("bill_difference_per_citizen_year_ci95_low")
    high = record.get("bill_difference_per_citizen_year_ci95_high")
    return low is not None and high is not None and (low > 0 or high < 0)


def _hedge(record: dict[str, Any]) -> str:
    return "" if _clear(record) else " on average"


def _unclear(record: dict[str, Any]) -> str:
    """', though ... includes no difference' where the interval does."""
    low = record.get("bill_difference_per_citizen_year_ci95_low")
    high = record.get("bill_difference_per_citizen_year_ci95_high")
    if _clear(record) or low is None or high is None:
        return ""
    return (
        f", though the 95 % interval of the difference ({interval(low, high, 'GBP')}) includes zero"
    )


def _any_of(labels: Sequence[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


def _pair_words(records: Sequence[dict[str, Any]]) -> str:
    """One paragraph for one pair of scenarios: the whole bill, then each payer's."""
    first = records[0]
    series, reference = first["series"], first["reference"]
    whole = [r for r in records if r["bill"] == WHOLE_BILL]
    now = whole[0]["bill_difference_per_citizen_year_mean"]
    if now is None:
        return ""
    if now == 0:  # the same bill (the same scenario under two names): no price tells them apart
        return f"<p>{esc(f'{series} costs the same as {reference} in total, at any price.')}</p>"
    verb = "costs less than" if now < 0 else "costs more than"
    sentences = [
        f"At the prices as run, {series} {verb} {reference} in total{_hedge(whole[0])}, by "
        f"{money(abs(now))} a citizen-year{_unclear(whole[0])}."
    ]
    near = [r for r in whole if _near(r)]
    if near:
        would = "would cost more" if now < 0 else "would cost no more"
        sentences.append(
            f"It {would} if {', or if '.join(_break_even_words(r) for r in near)}, "
            "each price moved alone."
        )
    unknown = [LABELS[r["item"]] for r in whole if _undetermined(r)]
    others = [LABELS[r["item"]] for r in whole if not (_near(r) or _undetermined(r))]
    if others:
        sentences.append(
            f"No price of {_any_of(others)} within a tenth to ten times its price as run "
            "would change that."
        )
    if unknown:
        sentences.append(
            f"Whether a price of {_any_of(unknown)} would change it cannot be judged: its "
            "difference between the two may be none (or there is one run, and no interval)."
        )
    turned = [f"{LABELS[r['item']]} {how}" for r in whole for how in _turned(r)]
    if turned:
        sentences.append(
            f"Halving or doubling one price changes which costs less: the price of "
            f"{_any_of(turned)}."
        )
    else:
        sentences.append(
            "Halving or doubling any one price does not change which costs less on average"
            + _blurred(whole)
            + "."
        )
    bodies: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record["bill"] != WHOLE_BILL:
            bodies.setdefault(record["bill"], []).append(record)
    for bill, rows in bodies.items():
        sentences += _body_words(series, bill, rows)
    return f"<p>{esc(' '.join(sentences))}</p>"


def _body_words(series: str, bill: str, records: Sequence[dict[str, Any]]) -> list[str]:
    """What moves one body's own bill: the items it pays for."""
    body = BODIES.get(bill, bill)
    difference = records[0]["bill_difference_per_citizen_year_mean"]
    if difference is None:
        return []
    out = []
    for side, how in ((ANY_PRICE, "less"), (NO_PRICE, "more")):
        items = [LABELS[r["item"]] for r in records if r["series_costs_less"] == side]
        if items:
            out.append(
                f"For {body}, {series} costs {how}{_hedge(records[0])} at any price of "
                f"{_any_of(items)}{_unclear(records[0])}."
            )
    near = [r for r in records if r["series_costs_less"] in (ABOVE, BELOW) and _near(r)]
    if near:
        would = "would cost more" if difference < 0 else "would cost no more"
        out.append(
            f"For {body}, {series} {would} if "
            f"{', or if '.join(_break_even_words(r) for r in near)}."
        )
    if not out:
        how = "less" if difference < 0 else "more"
        unknown = any(_undetermined(r) for r in records)
        rest = (
            "and whether a price it pays would change that cannot be judged (what it buys at "
            "that price may not differ between the two, or there is one run)"
            if unknown
            else "and no price it pays within a tenth to ten times the price as run would "
            "change that"
        )
        out.append(
            f"For {body}, {series} costs {how}{_hedge(records[0])} (by "
            f"{money(abs(difference))} a citizen-year{_unclear(records[0])}), {rest}."
        )
    return out


def price_changes_section(payload: dict[str, Any]) -> str:
    """Words for each pair of scenarios, then the whole table."""
    records = payload.get("price_changes") or []
    if not records:
        return section(
            "price-changes",
            '<p class="note">No pair of scenarios to compare (one scenario, or a comparison '
            "made before relsim moved its prices).</p>",
        )
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in records:
        by_pair.setdefault((record["series"], record["reference"]), []).append(record)
    words = "".join(_pair_words(group) for group in by_pair.values())
    head = (
        '<th class="name">scenario, over</th><th class="name">price of</th>'
        '<th class="name">bill</th><th>price as run</th><th>difference in the bill</th>'
        '<th>break-even price</th><th class="name">it costs less</th>'
        + "".join(f"<th>difference, price {'halved' if f < 1 else 'doubled'}</th>" for f in FACTORS)
    )
    rows = []
    for record in records:
        pair = f"{record['series']} over {record['reference']}"
        ids = {
            "table": "price-changes",
            "comparison": pair,
            "item": record["item"],
            "bill": record["bill"],
        }
        side = record.get("series_costs_less")
        shown_side = {ABOVE: "above it", BELOW: "below it"}.get(side or "", side or "-")
        cells = [
            f'<td class="name">{esc(pair)}</td>',
            f'<td class="name">{esc(LABELS[record["item"]])}</td>',
            f'<td class="name">{esc(_bill(record))}</td>',
            cell(record["price_gbp"], "GBP", **ids),
            summary_cell(record_summary(record, "bill_difference_per_citizen_year"), "GBP", **ids),
            summary_cell(record_summary(record, "break_even_price_gbp"), "GBP", **ids),
            f'<td class="name">{esc(shown_side)}</td>',
            *(
                summary_cell(record_summary(record, moved), "GBP", factor=f, **ids)
                for f, moved in zip(FACTORS, MOVED, strict=True)
            ),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table = (
        '<table data-table="price-changes"><caption>Each price moved alone, the others as run: '
        "the series' bill less the reference's, GBP a citizen-year</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    note = (
        '<p class="note">The model simulates crises and paid hours; their prices are inputs '
        "(Inputs and assumptions gives each with its source). A price changed after the runs "
        "changes each bill exactly, so this needs no new runs. Break-even price: the price of "
        "that item at which the two bills are equal, with the other prices as run; blank when "
        "the item's difference may be none, or when the rest of the bill decides it (then the "
        "scenario costs less at any price of the item, or at none). The same paired runs and "
        "intervals as What changes.</p>"
    )
    return section("price-changes", words + table + note)
