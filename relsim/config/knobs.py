"""The three headline knobs set the defaults of the detailed parameters they stand for.

Each knob-derived parameter is declared with `knob_param` (its knob and its values at 0 and 1);
its default is the linear interpolation between them. An explicit value in a scenario wins.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from relsim.config.params import field_meta


def knob_value(meta: dict[str, Any], knob_setting: float) -> float:
    """The default a knob setting implies for one parameter."""
    return float(meta["at_0"] + (meta["at_1"] - meta["at_0"]) * knob_setting)


def _fill(section: BaseModel, knobs: dict[str, float]) -> dict[str, Any]:
    filled: dict[str, Any] = {}
    for name in type(section).model_fields:
        value = getattr(section, name)
        meta = field_meta(type(section), name)
        if isinstance(value, BaseModel):
            filled[name] = _fill(value, knobs)
        elif value is None and "knob" in meta:
            filled[name] = knob_value(meta, knobs[meta["knob"]])
        else:
            filled[name] = value
    return filled


def resolve_knobs[S: BaseModel](scenario: S) -> S:
    """Return a copy with every knob-derived parameter set explicitly (and arrivals, when left
    out, in proportion to the district's size)."""
    knobs = {
        "demand_complexity": scenario.demand_complexity,  # type: ignore[attr-defined]
        "continuity": scenario.continuity,  # type: ignore[attr-defined]
        "referral_friction": scenario.referral_friction,  # type: ignore[attr-defined]
    }
    filled = _fill(scenario, knobs)
    population = filled.get("population")
    if isinstance(population, dict) and population.get("arrivals_per_week") is None:
        # A district keeps its size: arrivals replace those who leave, in proportion.
        population["arrivals_per_week"] = (
            population["citizens"] * population["arrival_rate_per_citizen_week"]
        )
    return type(scenario).model_validate(filled)


def knob_mapping(model: type[BaseModel], prefix: str = "") -> list[dict[str, Any]]:
    """Every knob-derived parameter: dotted key, knob, value at 0 and at 1, unit, source."""
    rows: list[dict[str, Any]] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(knob_mapping(annotation, f"{prefix}{name}."))
            continue
        meta = field_meta(model, name)
        if "knob" in meta:
            rows.append({"key": f"{prefix}{name}", **meta})
    return rows


def _retune(section: BaseModel, knob: str, old: float, new: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in type(section).model_fields:
        value = getattr(section, name)
        meta = field_meta(type(section), name)
        if isinstance(value, BaseModel):
            out[name] = _retune(value, knob, old, new)
        elif meta.get("knob") == knob and value == knob_value(meta, old):
            out[name] = knob_value(meta, new)
        else:
            out[name] = value
    return out


def retune_knob[S: BaseModel](scenario: S, knob: str, value: float) -> S:
    """A resolved scenario with one headline knob moved: every parameter that still has the
    value the old knob setting implied takes the new one; values written explicitly (that
    differ from the knob's) stay as written."""
    old = float(getattr(scenario, knob))
    data = _retune(scenario, knob, old, value)
    data[knob] = value
    return type(scenario).model_validate(data)
