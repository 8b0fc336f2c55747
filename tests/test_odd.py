"""docs/odd.md, the ODD description, matches the code.

Its generated tables (between markers: the parameters, the citizens' state variables, the random
streams and the counters) are written by scripts/generate_odd_table.py and must be current and
complete; the rest is written by hand, so its structure is checked: the seven ODD sections in
order, the weekly phases of relsim.model.CareModel.step named in section 3 in the same order and
numbering, and every knob-derived parameter named in section 7.1.
"""

from __future__ import annotations

import inspect
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from relsim.citizens import column_table
from relsim.config.knobs import knob_mapping
from relsim.config.params import ASSUMPTION
from relsim.config.schema import Scenario
from relsim.counters import COUNTERS
from relsim.model import CareModel
from relsim.rng import CITIZEN_STREAMS, SERVICE_STREAMS

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "odd.md"
SCRIPT = ROOT / "scripts" / "generate_odd_table.py"
START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"
SECTIONS = (
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialisation",
    "Input data",
    "Submodels",
)


def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


def table_block(name: str = "parameter-table") -> str:
    """The text between the markers of generated block `name`."""
    text = odd_text()
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert text.count(start) == 1 and text.count(end) == 1, f"one start and one end {name} marker"
    return text.split(start, 1)[1].split(end, 1)[0]


def table_rows(name: str = "parameter-table") -> dict[str, list[str]]:
    """Cells of a generated table, keyed by its first column (without backticks), in order."""
    rows: dict[str, list[str]] = {}
    for line in table_block(name).splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows[cells[0].strip("`")] = cells
    return rows


def schema_leaves(
    model: type[BaseModel] = Scenario, instance: BaseModel | None = None, prefix: str = ""
) -> list[tuple[str, Any, dict[str, Any]]]:
    """(dotted key, default in Scenario(), metadata) of every leaf parameter of the schema."""
    instance = Scenario() if instance is None else instance
    found = []
    for name, info in model.model_fields.items():
        value = getattr(instance, name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.extend(schema_leaves(annotation, value, f"{prefix}{name}."))
        else:
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            found.append((f"{prefix}{name}", value, dict(extra)))
    return found


def escaped(text: str) -> str:
    """As the generator writes text into a table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def section(number: int) -> str:
    """The text of ODD section `number`, up to the next level-2 heading."""
    match = re.search(rf"^## {number} .*?(?=^## )", odd_text(), flags=re.M | re.S)
    assert match, f"no section {number}"
    return match.group(0)


def test_generated_tables_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, (
        f"docs/odd.md generated tables are stale: run python scripts/generate_odd_table.py\n"
        f"{result.stdout}{result.stderr}"
    )


def test_every_leaf_parameter_is_in_the_table() -> None:
    rows = table_rows()
    missing = [key for key, _, _ in schema_leaves() if key not in rows]
    assert not missing, f"parameters missing from the ODD table: {missing}"
    assert len(rows) == len(schema_leaves()), "the table lists something that is not a parameter"


def test_defaults_come_from_the_default_scenario_and_the_knobs() -> None:
    rows = table_rows()
    for key, value, meta in schema_leaves():
        default = rows[key][2]
        if value is None and "knob" in meta:
            match = re.fullmatch(rf"from {meta['knob']}: (\S+) → (\S+)", default)
            assert match, f"{key}: expected 'from {meta['knob']}: A → B', got {default!r}"
            assert math.isclose(float(match.group(1)), meta["at_0"]), key
            assert math.isclose(float(match.group(2)), meta["at_1"]), key
        elif isinstance(value, int | float) and not isinstance(value, bool):
            assert math.isclose(float(default.strip("`")), value), f"{key}: {default} != {value}"


def test_every_cited_source_is_in_its_row() -> None:
    rows = table_rows()
    for key, _, meta in schema_leaves():
        source = meta.get("source", ASSUMPTION)
        if source != ASSUMPTION:
            assert escaped(source) in rows[key][4], f"{key}: source {source!r} not in its row"


def test_the_seven_odd_sections_are_in_order() -> None:
    headings = re.findall(r"^## (\d) (.+?)\s*$", odd_text(), flags=re.M)
    assert headings == [(str(i), title) for i, title in enumerate(SECTIONS, start=1)]


def step_phases() -> list[str]:
    """Phase names from the numbered list in the docstring of CareModel.step."""
    doc = inspect.getdoc(CareModel.step) or ""
    return [
        m.group(1).strip().lower() for m in re.finditer(r"^\s*\d+\.\s+([^:(]+)", doc, flags=re.M)
    ]


def test_step_docstring_names_the_phases() -> None:
    assert len(step_phases()) == 7, step_phases()


@pytest.mark.parametrize("number", range(1, 8))
def test_each_weekly_phase_is_in_section_3_with_its_number(number: int) -> None:
    phase = step_phases()[number - 1]
    lines = [line.lower() for line in section(3).splitlines()]
    assert any(line.startswith(f"{number}. ") and phase in line for line in lines), (
        f"section 3 has no item '{number}. ...{phase}...'"
    )


def test_citizen_table_lists_every_declared_column() -> None:
    """Section 2.1's state-variable table is relsim.citizens.column_table(), in order."""
    rows = table_rows("citizen-table")
    declared = column_table()
    assert list(rows) == [c["name"] for c in declared], "columns missing, extra or out of order"
    for column in declared:
        cells = rows[column["name"]]
        expected = [column["dtype"], column["unit"], escaped(column["meaning"])]
        assert cells[1:] == expected, f"{column['name']}: {cells[1:]} != {expected}"
    assert "<!-- citizen-table:start -->" in section(2)


def test_stream_table_lists_every_declared_stream() -> None:
    """Section 4 (stochasticity) lists the streams of relsim.rng, with their side."""
    rows = table_rows("stream-table")
    expected = {name: "citizen" for name in CITIZEN_STREAMS} | {
        name: "service" for name in SERVICE_STREAMS
    }
    assert {name: cells[1] for name, cells in rows.items()} == expected
    assert "<!-- stream-table:start -->" in section(4)


def test_counter_table_lists_every_declared_counter() -> None:
    rows = table_rows("counter-table")
    assert list(rows) == list(COUNTERS), "counters missing, extra or out of order"
    for name, meaning in COUNTERS.items():
        assert rows[name][1] == escaped(meaning), name
    assert "<!-- counter-table:start -->" in section(7)


def test_section_7_1_names_every_knob_derived_parameter() -> None:
    match = re.search(r"^### 7\.1 .*?(?=^### )", odd_text(), flags=re.M | re.S)
    assert match, "no section 7.1"
    text = match.group(0)
    missing = [row["key"] for row in knob_mapping(Scenario) if f"`{row['key']}`" not in text]
    assert not missing, f"knob-derived parameters not named in section 7.1: {missing}"
