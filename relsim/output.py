"""Readable tables for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from relsim.config.errors import printable
from relsim.metrics import CONTRACT_METRICS


def _plain(text: str, limit: int = 200) -> Text:
    """Text from input (a scenario name) shown as it is: never read as markup, and with control
    characters and escape sequences written out rather than sent to the terminal; cut at
    `limit` characters."""
    return Text(printable(str(text), limit))


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def _interval(summary: dict[str, Any]) -> str:
    ci = summary.get("ci95")
    return "-" if ci is None else f"[{_number(ci[0])}, {_number(ci[1])}]"


def _ordered(names: list[str]) -> list[str]:
    head = [n for n in CONTRACT_METRICS if n in names]
    return head + [n for n in names if n not in head]


def _runs_text(payload: dict[str, Any], paired: str = "") -> str:
    """What the runs were: replications, or parameter sets of the ensemble."""
    interval = payload.get("interval") or {}
    if interval.get("parameter_sets"):
        sets, reps = interval["parameter_sets"], interval["reps_per_set"]
        runs = f"{reps} {paired}replication{'' if reps == 1 else 's'}"
        return f"{sets} parameter sets from the calibrated ensemble x {runs}"
    reps = payload["reps"]
    return f"{reps} {paired}replication{'' if reps == 1 else 's'}"


def _interval_label(payload: dict[str, Any]) -> str:
    return (payload.get("interval") or {}).get("label", "95% interval")


def print_summary(block: dict[str, Any], units: dict[str, str]) -> None:
    table = Table(title=_plain(f"{block['scenario']}: {_runs_text(block)}, seed {block['seed']}"))
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column(_interval_label(block), justify="right")
    table.add_column("unit")
    for name in _ordered(list(block["metrics"])):
        summary = block["metrics"][name]
        table.add_row(name, _number(summary["mean"]), _interval(summary), units.get(name, ""))
    Console(width=120, markup=False, emoji=False).print(table)


RESOURCE_ROWS = (
    ("care model", "care_model", ""),
    ("posts (FTE)", "posts", ""),
    ("caseworkers", "caseworker_posts", ""),
    ("duty workers", "duty_worker_posts", ""),
    ("case places (posts x caps)", "case_places", ""),
    ("staff budget, GBP/year", "staff_budget_gbp_per_year", ""),
    ("staff budget, GBP/citizen-year", "staff_budget_gbp_per_citizen_year", ""),
    ("caseworker's caseload cap", "caseworker_caseload_cap", ""),
    ("duty worker's caseload cap", "duty_worker_caseload_cap", ""),
    ("flexible budget cap, GBP/person-year", "flexible_budget_cap_gbp_per_person_year", ""),
    ("cost of a paid hour, GBP", "hourly_cost_gbp", ""),
    ("front line paid by", "staff_payer", ""),
    ("specialist places", "specialist_episodes", ""),
    ("citizens", "citizens", ""),
)


def _resource(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return _number(value)


def print_resources(payload: dict[str, Any]) -> None:
    """The resources on each side, and how equal spend sized them."""
    blocks = payload["scenarios"]
    table = Table(title="Resources on each side")
    table.add_column("resource")
    for block in blocks:
        table.add_column(_plain(block["scenario"]), justify="right")
    for label, key, _ in RESOURCE_ROWS:
        values = [block["resources"].get(key) for block in blocks]
        table.add_row(label, *(_resource(v) for v in values))
    console = Console(width=160, markup=False, emoji=False)
    console.print(table)
    spend = payload.get("equal_spend")
    if spend:
        sized = ", ".join(
            f"{row['scenario']} ({row['note']})"
            if row["note"]
            else f"{row['scenario']} {row['workers_before']} -> {row['workers']} posts"
            for row in spend["scenarios"][1:]
        )
        console.print(
            _plain(
                f"Equal spend ({spend['basis']}): sized to {spend['reference']}'s "
                f"£{spend['target_gbp_per_citizen_year']:,.0f} per citizen-year: {sized}"
            )
        )


def print_payers(payload: dict[str, Any]) -> None:
    """Per comparison: the saving by payer (first scenario's cost minus the other's)."""
    from relsim.commission.payers import (
        FOOTINGS,
        PAYER_LABELS,
        SERVICE_APART,
        break_even_text,
    )
    from relsim.report.words import settled, sides

    steady = (
        "steady state" if settled(payload) else "after the warm-up (not all known to have settled)"
    )
    for key, title in (("payers", steady), ("transition", "from launch")):
        section = payload.get(key) or {}
        comparisons = section.get("comparisons", section) if key == "transition" else section
        for label, data in comparisons.items():
            other, first = sides(payload, label)
            table = Table(
                title=_plain(
                    f"Who saves, {title}: {first}'s cost minus {other}'s, GBP per citizen-year"
                )
            )
            for column in ("payer", "saving", "95% interval", "break-even"):
                table.add_column(column, justify="left" if column != "saving" else "right")
            for payer, entry in data["payers"].items():
                saving = entry["saving_gbp_per_citizen_year"]
                table.add_row(
                    PAYER_LABELS.get(payer, payer),
                    _number(saving["mean"]),
                    _interval(saving),
                    break_even_text(entry, data["weeks"]),
                )
            console = Console(width=160, markup=False, emoji=False)
            console.print(table)
            # relsim's own sentences, whole (_plain shortens what came from input)
            console.print(Text(SERVICE_APART))
            console.print(Text(FOOTINGS))


def print_choice(payload: dict[str, Any]) -> None:
    """Which scenario to choose at each price on a crisis avoided (incremental.csv): its
    standing, its price over the cheaper frontier scenario before it, and at each price
    whether it is the one with the highest mean net benefit (and under how many sets)."""
    from relsim.evidence.cost_effectiveness import PRICES_GBP

    records = payload.get("incremental") or []
    if len(records) < 2:
        return
    caption = (
        "Dominated: another costs no more and has no more crises; extendedly dominated: a mix "
        "of the frontier scenarios either side of it avoids more crises for the money."
    )
    if records[0].get(f"best_at_{PRICES_GBP[0]}_gbp_share") is not None:
        shares = "After 'yes' or 'no': under what share of parameter sets it is the one to choose. "
        caption = shares + caption
    table = Table(
        title=_plain(
            "Which to choose, with a price placed on a crisis avoided (beyond the crisis's own "
            "cost, already in total cost): the highest mean net benefit"
        ),
        caption=Text(caption),  # relsim's own sentences, whole
    )
    for column in ("scenario", "standing", "GBP per crisis avoided over"):
        table.add_column(column, justify="left")
    for price in PRICES_GBP:
        table.add_column(f"at £{price:,}", justify="left")
    for record in records:
        price_over = record.get("incremental_net_cost_per_crisis_avoided")
        over = "-" if price_over is None else f"{_number(price_over)} ({record['compared_with']})"
        cells = []
        for price in PRICES_GBP:
            share = record.get(f"best_at_{price}_gbp_share")
            chosen = "yes" if record.get(f"best_at_{price}_gbp") else "no"
            cells.append(chosen if share is None else f"{chosen}; {share:.0%} of sets")
        table.add_row(_plain(str(record["series"])), record["status"], _plain(over), *cells)
    console = Console(width=160, markup=False, emoji=False)
    console.print(table)


def print_comparison(payload: dict[str, Any], units: dict[str, str]) -> None:
    if "resources" in payload["scenarios"][0]:
        print_resources(payload)
    _print_metrics(payload, units)
    print_choice(payload)
    print_payers(payload)
    print_warnings(payload)


def print_warnings(payload: dict[str, Any]) -> None:
    """Each warning whole: they are relsim's sentences, with any name in them already shortened
    where it was put in (a long name makes the line run past what `_plain` keeps of a name)."""
    for warning in payload.get("warnings", []):
        Console(width=160, markup=False, emoji=False).print(_plain(f"warning: {warning}", 2000))


def _print_metrics(payload: dict[str, Any], units: dict[str, str]) -> None:
    blocks = payload["scenarios"]
    base = blocks[0]["scenario"]
    table = Table(
        title=_plain(
            f"{_runs_text(payload, 'paired ')}, seed {payload['seed']}: "
            f"differences are each scenario minus {base}"
        )
    )
    names = _ordered(list(blocks[0]["metrics"]))
    # a metric's name is never cut: with three or more scenarios, cut names ran together
    # (failure_dem... twice); the numbers' columns wrap instead
    table.add_column("metric", min_width=max(map(len, names), default=6), no_wrap=True)
    for block in blocks:
        table.add_column(_plain(block["scenario"]), justify="right", overflow="fold")
    for label in payload["differences"]:
        heading = _plain(f"difference ({label.split(' - ')[0]})")
        table.add_column(heading, justify="right", overflow="fold")
        table.add_column(_interval_label(payload), justify="right")
    table.add_column("unit", overflow="fold")
    for name in names:
        row = [name] + [_number(b["metrics"][name]["mean"]) for b in blocks]
        for diffs in payload["differences"].values():
            row += [_number(diffs[name]["mean"]), _interval(diffs[name])]
        table.add_row(*row, units.get(name, ""))
    Console(width=160, markup=False, emoji=False).print(table)
