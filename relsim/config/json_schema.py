"""The scenario format as a JSON Schema (draft 2020-12), for editors that complete and check
scenario files as they are typed (`relsim schema > relsim-scenario.schema.json`).

Generated from the same pydantic schema that validates scenarios, so it cannot drift: every
key with its type, default, bounds, unit and description; unknown keys are not allowed; the
numbers inside mappings (weights by domain) carry their bounds too; `extends:` is allowed at
the top level.
"""

from __future__ import annotations

from typing import Any

from relsim.config.schema import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _describe_units(node: Any) -> None:
    """Fold each field's unit into its description, and the bounds of the numbers in a mapping
    into the mapping's value schema (JSON Schema has no words for either)."""
    if isinstance(node, list):
        for item in node:
            _describe_units(item)
        return
    if not isinstance(node, dict):
        return
    # Metadata relsim keeps beside each field: plain values, never a sub-schema (a field that
    # happened to be called "unit" would be a mapping here, under "properties", and stays).
    meta = {
        key: node.pop(key)
        for key in ("unit", "source", "knob", "at_0", "at_1", "value_range")
        if key in node and not isinstance(node[key], dict)
    }
    unit, value_range = meta.get("unit"), meta.get("value_range")
    if "knob" in meta:
        text = node.get("description", "")
        node["description"] = (
            f"{text} (default set by {meta['knob']}: {meta['at_0']} at 0, {meta['at_1']} at 1)"
        ).strip()
    if isinstance(unit, str):
        text = node.get("description", "")
        node["description"] = f"{text} [{unit}]".strip()
    if value_range is not None:
        inner = node
        while isinstance(inner.get("additionalProperties"), dict):
            inner = inner["additionalProperties"]
        inner["minimum"], inner["maximum"] = value_range
    for value in node.values():
        _describe_units(value)


def scenario_json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(mode="validation")
    _describe_units(schema)
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "another scenario file (relative to this one) or a bundled scenario's "
        "name, on which this one is layered",
    }
    return {
        "$schema": DIALECT,
        "title": "relsim scenario",
        **{k: v for k, v in schema.items() if k != "title"},
    }
