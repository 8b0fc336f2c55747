"""Regenerate the generated tables of docs/odd.md from the code.

    python scripts/generate_odd_table.py           rewrite the blocks between the markers
    python scripts/generate_odd_table.py --check   exit 1 if a block is stale (or missing)

Only the lines between a block's `<!-- NAME:start -->` and `<!-- NAME:end -->` markers are
touched; the rest of docs/odd.md is written by hand. The blocks:

- `parameter-table` (section 7.14): one row per leaf parameter of
  relsim.config.schema.Scenario (nested sections flattened to dotted keys), in schema order.
  Defaults are read from the default instance, `Scenario()`, because a parent section may give
  a nested one its own defaults (crises.ae is a CrisisType with A&E's values; specialists.housing
  has its own payer and exclusions). Knob-derived parameters have no fixed default (None): they
  show `from KNOB: A → B` from the field's metadata. Ranges come from the field's ge/gt/le/lt
  constraints; unit and source from its json_schema_extra. The default of the coupling matrix is
  written out as a second table.
- `citizen-table` (section 2.1): every declared citizen column, from
  relsim.citizens.column_table(), in declaration order.
- `stream-table` (section 4): every declared random stream, from relsim.rng, citizen-side
  streams first.
- `counter-table` (section 7.13): every declared counter, from relsim.counters.COUNTERS.

The output is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schema_text import cell, flow, is_section, number, range_text  # noqa: E402

from relsim.citizens import column_table  # noqa: E402
from relsim.config.params import ASSUMPTION, KNOBS, field_meta  # noqa: E402
from relsim.config.schema import DOMAINS, Scenario  # noqa: E402
from relsim.counters import COUNTERS  # noqa: E402
from relsim.rng import CITIZEN_STREAMS, SERVICE_STREAMS  # noqa: E402

ODD = ROOT / "docs" / "odd.md"
START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"
TOP_LEVEL_SOURCE = "— (scenario choice)"
KNOB_SOURCE = "assumption (scenario choice)"
MATRIX_KEY = "needs.coupling"


def markers(name: str) -> tuple[str, str]:
    """The start and end marker lines of the block `name`."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


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


def source_text(key: str, meta: dict[str, Any]) -> str:
    source = meta.get("source", ASSUMPTION)
    if "." not in key and source == ASSUMPTION:
        # name, care model, seed: chosen by the scenario; a knob's default is what a scenario
        # that leaves it out runs with, so an assumption
        return KNOB_SOURCE if key in KNOBS else TOP_LEVEL_SOURCE
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


def parameter_lines() -> list[str]:
    return [
        *table(["parameter", "unit", "default", "range", "source"], rows()),
        "",
        *matrix_lines(),
    ]


def citizen_lines() -> list[str]:
    body = [[f"`{c['name']}`", c["dtype"], c["unit"], c["meaning"]] for c in column_table()]
    return table(["column", "type", "unit", "meaning"], body)


def stream_lines() -> list[str]:
    body = [[f"`{name}`", "citizen", what] for name, what in CITIZEN_STREAMS.items()]
    body += [[f"`{name}`", "service", what] for name, what in SERVICE_STREAMS.items()]
    return table(["stream", "side", "what it draws"], body)


def counter_lines() -> list[str]:
    body = [[f"`{name}`", meaning] for name, meaning in COUNTERS.items()]
    return table(["counter", "meaning"], body)


#: block name -> (module it is generated from, the lines between the markers)
BLOCKS: dict[str, tuple[str, Callable[[], list[str]]]] = {
    "parameter-table": ("relsim/config/schema/", parameter_lines),
    "citizen-table": ("relsim/citizens.py", citizen_lines),
    "stream-table": ("relsim/rng.py", stream_lines),
    "counter-table": ("relsim/counters.py", counter_lines),
}


def block(name: str = "parameter-table") -> str:
    """The generated lines of block `name`, markers included."""
    source, body = BLOCKS[name]
    start, end = markers(name)
    lines = [
        start,
        f"<!-- Generated by scripts/generate_odd_table.py from {source}; do not edit by hand. -->",
        "",
        *body(),
        end,
    ]
    return "\n".join(lines)


def replace_block(text: str, name: str) -> str:
    """`text` with block `name` regenerated."""
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1:
        raise ValueError(f"expected exactly one {start} and one {end} line")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + block(name) + tail


def updated(text: str) -> str:
    """`text` with every generated block regenerated."""
    for name in BLOCKS:
        text = replace_block(text, name)
    return text


def stale_blocks(text: str) -> list[str]:
    """Names of the blocks whose generated lines differ from the code."""
    return [name for name in BLOCKS if replace_block(text, name) != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/odd.md is stale")
    args = parser.parse_args(argv)
    try:
        text = ODD.read_text(encoding="utf-8")
        new = updated(text)
        stale = stale_blocks(text)
    except (OSError, ValueError) as exc:
        print(f"{ODD.relative_to(ROOT)}: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if stale:
            print(
                f"{ODD.relative_to(ROOT)}: stale generated blocks: {', '.join(stale)}; "
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
