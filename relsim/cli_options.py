"""Options and JSON output shared by the command-line commands."""

from __future__ import annotations

import json
import math
from typing import Any

import click

reps_option = click.option(
    "--reps",
    type=click.IntRange(1, 100_000),
    default=10,
    show_default=True,
    help="replications (each uses the same seeds in every scenario)",
)
seed_option = click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=None,
    help="root seed [default: the scenario's seed]",
)
set_option = click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="override a scenario key, e.g. workforce.caseload_cap=12",
)
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, 512),
    default=None,
    help="processes for replications [default: all cores]",
)
json_option = click.option("--json", "as_json", is_flag=True, help="print one JSON object")


def clean_json(value: Any) -> Any:
    """NaN and infinities become null: JSON has no other way to say 'no value'."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def emit_json(payload: dict) -> None:
    click.echo(json.dumps(clean_json(payload), indent=2, allow_nan=False))
