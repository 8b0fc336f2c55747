"""Regenerate the parameter table of docs/odd.md from the scenario schema.

    python scripts/generate_odd_table.py           rewrite the block between the markers
    python scripts/generate_odd_table.py --check   exit 1 if the block is stale (or missing)

Only the lines between `<!-- parameter-table:start -->` and `<!-- parameter-table:end -->` are
touched; the rest of docs/odd.md is written by hand.

One row per leaf parameter of relsim.config.schema.Scenario (nested sections flattened to dotted
keys), in schema order. Defaults are read from the default instance, `Scenario()`, because a
parent section may give a nested one its own defaults (crises.ae is a CrisisType with A&E's
values; specialists.housing has its own payer and exclusions). Knob-derived parameters have no
fixed default (None): they show `from KNOB: A → B` from the field's metadata. Ranges come from
the field's ge/gt/le/lt constraints; unit and source from its json_schema_extra. The default of
the coupling matrix is written out as a second table. The output is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from relsim.config.params import ASSUMPTION, field_meta  # noqa: E402
from relsim.config.schema import DOMAINS, Scenario  # noqa: E402

ODD = ROOT / "docs" / "odd.md"
START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"
TOP_LEVEL_SOURCE = "— (scenario choice)"
MATRIX_KEY = "needs.coupling"


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


def leaves(
    model: type[BaseModel], instance: BaseModel, prefix: str = ""
) -> Iterator[tuple[str, FieldInfo, Any, dict[str, Any]]]:
    """(dotted key, field, default from the instance, metadata) of every leaf parameter."""
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        value = getattr(instance, name)
        if is_section(info.annotation):
            yield from leaves(info.annotation, value, f"{key}.")
        else:
            yield key, info, value, field_meta(model, name)


def default_text(key: str, value: Any, meta: dict[str, Any]) -> str:
    if value is None and "knob" in meta:
        return f"from {meta['knob']}: {number(meta['at_0'])} → {number(meta['at_1'])}"
    if key == MATRIX_KEY:
        return "matrix below the table"
    return f"`{flow(value)}`"


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
    return "—"


def source_text(key: str, meta: dict[str, Any]) -> str:
    source = meta.get("source", ASSUMPTION)
    if "." not in key and source == ASSUMPTION:
        return TOP_LEVEL_SOURCE  # name, care model, knobs, seed: chosen by the scenario
    return source


def rows() -> list[list[str]]:
    return [
        [
            f"`{key}`",
            meta.get("unit", ""),
            default_text(key, value, meta),
            range_text(info),
            source_text(key, meta),
        ]
        for key, info, value, meta in leaves(Scenario, Scenario())
    ]


def table(headers: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in body]
    return lines


def matrix_lines() -> list[str]:
    matrix: dict[str, dict[str, float]] = Scenario().needs.coupling
    body = [
        [
            f"**{src}**",
            *(number(matrix[src][dst]) if dst in matrix.get(src, {}) else "" for dst in DOMAINS),
        ]
        for src in DOMAINS
    ]
    return [
        f"Default of `{MATRIX_KEY}`, C[from, to] (row: the active need; column: the need it "
        "pushes up; blank: 0, no spill-over; the diagonal is always 0):",
        "",
        *table(["from \\ to", *DOMAINS], body),
    ]


def block() -> str:
    """The generated lines, markers included."""
    lines = [
        START,
        "<!-- Generated by scripts/generate_odd_table.py from relsim/config/schema.py; "
        "do not edit by hand. -->",
        "",
        *table(["parameter", "unit", "default", "range", "source"], rows()),
        "",
        *matrix_lines(),
        END,
    ]
    return "\n".join(lines)


def updated(text: str) -> str:
    """`text` with its parameter-table block regenerated."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"expected exactly one {START} and one {END} line")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + block() + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/odd.md is stale")
    args = parser.parse_args(argv)
    try:
        text = ODD.read_text(encoding="utf-8")
        new = updated(text)
    except (OSError, ValueError) as exc:
        print(f"{ODD.relative_to(ROOT)}: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if new != text:
            print(
                f"{ODD.relative_to(ROOT)}: parameter table is stale; "
                "run python scripts/generate_odd_table.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if new != text:
        ODD.write_text(new, encoding="utf-8")
        print(f"wrote {ODD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
