"""Spelling schema values for generated Markdown: shared by the documentation generators."""

from __future__ import annotations

from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, no line breaks."""
    return " ".join(str(value).split()).replace("|", "\\|")


def number(value: float | int) -> str:
    """A number as a scenario file would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "2^63 − 1" if value == 2**63 - 1 else str(value)
    value = round(float(value), 10)  # hide floating-point noise such as 0.09999999999999998
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def flow(value: Any) -> str:
    """A value in YAML flow style."""
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, bool | int | float):
        return number(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    return str(value)


def is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def range_text(info: FieldInfo) -> str:
    bounds: dict[str, float] = {}
    for item in info.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(item, getattr(annotated_types, name.capitalize())):
                bounds[name] = getattr(item, name)
    low = ("[", bounds["ge"]) if "ge" in bounds else ("(", bounds["gt"]) if "gt" in bounds else None
    high = (
        ("]", bounds["le"]) if "le" in bounds else (")", bounds["lt"]) if "lt" in bounds else None
    )
    if low and high:
        return f"{low[0]}{number(low[1])}, {number(high[1])}{high[0]}"
    if low:
        return f"{'≥' if low[0] == '[' else '>'} {number(low[1])}"
    if high:
        return f"{'≤' if high[0] == ']' else '<'} {number(high[1])}"
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "value_range" in extra:
        low_value, high_value = extra["value_range"]
        return f"each in [{number(low_value)}, {number(high_value)}]"
    return "—"
