"""Readable tables for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from relsim.metrics import CONTRACT_METRICS


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


def print_summary(block: dict[str, Any], units: dict[str, str]) -> None:
    table = Table(title=f"{block['scenario']}: {block['reps']} replications, seed {block['seed']}")
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("unit")
    for name in _ordered(list(block["metrics"])):
        summary = block["metrics"][name]
        table.add_row(name, _number(summary["mean"]), _interval(summary), units.get(name, ""))
    Console(width=120).print(table)


def print_comparison(payload: dict[str, Any], units: dict[str, str]) -> None:
    blocks = payload["scenarios"]
    base = blocks[0]["scenario"]
    table = Table(
        title=f"{payload['reps']} paired replications, seed {payload['seed']}: "
        f"differences are each scenario minus {base}"
    )
    table.add_column("metric")
    for block in blocks:
        table.add_column(block["scenario"], justify="right")
    for label in payload["differences"]:
        table.add_column(f"difference ({label.split(' - ')[0]})", justify="right")
        table.add_column("95% interval", justify="right")
    table.add_column("unit")
    for name in _ordered(list(blocks[0]["metrics"])):
        row = [name] + [_number(b["metrics"][name]["mean"]) for b in blocks]
        for diffs in payload["differences"].values():
            row += [_number(diffs[name]["mean"]), _interval(diffs[name])]
        table.add_row(*row, units.get(name, ""))
    Console(width=160).print(table)
