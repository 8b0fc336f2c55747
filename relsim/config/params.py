"""Declaring a parameter: its default, unit, source and, for knob-derived ones, its mapping.

Every parameter carries its unit and where its default comes from, so the documentation's
parameter table is generated from the schema and cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

KNOBS = ("demand_complexity", "continuity", "referral_friction")
ASSUMPTION = "assumption"


class Section(BaseModel):
    """A frozen configuration section that rejects unknown keys."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, coerce_numbers_to_str=True
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        """No parameter is a yes/no switch, so `true` or `yes` is a mistake, not the number 1."""
        if isinstance(value, bool):
            raise ValueError("expected a number or text, not true/false")
        return value


def param(
    default: Any,
    unit: str,
    source: str = ASSUMPTION,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    description: str = "",
) -> Any:
    """A parameter with a fixed default."""
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
    )


def knob_param(
    knob: str,
    at_0: float,
    at_1: float,
    unit: str,
    source: str = ASSUMPTION,
    *,
    ge: float | None = None,
    le: float | None = None,
    description: str = "",
) -> Any:
    """A parameter whose default is set by a headline knob: linear from `at_0` to `at_1`.

    An explicit value in a scenario file wins over the knob.
    """
    if knob not in KNOBS:
        raise ValueError(f"unknown knob {knob}")
    return Field(
        None,
        ge=ge,
        le=le,
        description=description,
        json_schema_extra={
            "unit": unit,
            "source": source,
            "knob": knob,
            "at_0": at_0,
            "at_1": at_1,
        },
    )


def field_meta(model: type[BaseModel], name: str) -> dict[str, Any]:
    """The unit/source/knob metadata of one field."""
    extra = model.model_fields[name].json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}
