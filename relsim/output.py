"""Readable tables for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from relsim.config.errors import printable
from relsim.metrics import CONTRACT_METRICS


def _plain(text: str) -> Text:
    """Text from input (a scenario name) shown as it is: never read as markup, and with control
    characters and escape sequences written out rather than sent to the terminal."""
    return Text(printable(str(text), 200))


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
        return f"{sets} parameter sets from the calibrated ensemble x {reps} {paired}replication(s)"
    return f"{payload['reps']} {paired}replications"


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


def print_comparison(payload: dict[str, Any], units: dict[str, str]) -> None:
    blocks = payload["scenarios"]
    base = blocks[0]["scenario"]
    table = Table(
        title=_plain(
            f"{_runs_text(payload, 'paired ')}, seed {payload['seed']}: "
            f"differences are each scenario minus {base}"
        )
    )
    table.add_column("metric")
    for block in blocks:
        table.add_column(_plain(block["scenario"]), justify="right")
    for label in payload["differences"]:
        table.add_column(_plain(f"difference ({label.split(' - ')[0]})"), justify="right")
        table.add_column(_interval_label(payload), justify="right")
    table.add_column("unit")
    for name in _ordered(list(blocks[0]["metrics"])):
        row = [name] + [_number(b["metrics"][name]["mean"]) for b in blocks]
        for diffs in payload["differences"].values():
            row += [_number(diffs[name]["mean"]), _interval(diffs[name])]
        table.add_row(*row, units.get(name, ""))
    Console(width=160, markup=False, emoji=False).print(table)
