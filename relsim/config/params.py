"""Declaring a parameter: its default, unit, source, bounds and, for knob-derived ones, its
mapping.

Every parameter carries its unit and where its default comes from, so the documentation's
parameter table is generated from the schema and cannot drift from the code. Every number is
finite and bounded: a parameter declared without an upper bound gets the one its unit implies
(`UNIT_BOUNDS`), and the numbers inside a mapping-valued parameter (weights by domain) are held
to their unit's range too.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

KNOBS = ("demand_complexity", "continuity", "referral_friction")
ASSUMPTION = "assumption"

# The widest range a quantity in each unit can sensibly take. A parameter's own `ge`/`le` (when
# given) narrow it; the lower end applies to numbers inside mappings, where no `ge` can be given.
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "GBP": (0, 1_000_000),
    "GBP/hour": (0, 10_000),
    "GBP/week": (0, 100_000),
    "GBP/year": (0, 10_000_000),
    "hours": (0, 168),
    "hours/week": (0, 168),
    "specialist hours/week": (0, 168),
    "weeks": (0, 5200),
    "people/week": (0, 100_000),
    # a capacity beyond one episode per citizen stands for "unlimited" (extreme-value tests)
    "concurrent episodes per 1,000 citizens": (0, 1_000_000),
    "ratio": (0, 100),
    "hazard ratio": (0, 100),
    "weight": (0, 100),
    "relative weight": (0, 100),
    "need": (0, 1),
}
# A number in any other unit is held within this, so that no number is unbounded.
FALLBACK_BOUND = 1e9
MAX_TEXT = 10_000


class Section(BaseModel):
    """A frozen configuration section that rejects unknown keys, infinities and NaN."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
        coerce_numbers_to_str=True,
        allow_inf_nan=False,
        str_max_length=MAX_TEXT,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        """No parameter is a yes/no switch, so `true` or `yes` is a mistake, not the number 1."""
        if isinstance(value, bool):
            field = cls.model_fields.get(info.field_name or "")
            kinds = set(typing.get_args(field.annotation) or [field.annotation]) if field else set()
            numeric = bool(kinds) and kinds - {type(None)} <= {int, float}
            raise ValueError(
                f"expected {'a number' if numeric else 'a number or text'}, not true/false"
            )
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _mapping_values_in_range(cls, value: Any, info: ValidationInfo) -> Any:
        """Numbers inside a mapping (weights by domain) stay within their unit's range."""
        if not isinstance(value, dict) or info.field_name is None:
            return value
        meta = field_meta(cls, info.field_name)
        unit = meta.get("unit", "")
        low, high = meta.get("value_range", (-FALLBACK_BOUND, FALLBACK_BOUND))
        for path, number in _numbers(value):
            if not low <= number <= high:
                raise ValueError(
                    f"{'.'.join(path)} must be between {low:g} and {high:g} ({unit}), "
                    f"got {number:g}"
                )
        return value


def _numbers(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], float]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, (*path, str(key)))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, float(value)


def upper_bound(unit: str, le: float | None) -> float:
    """`le` if given, else the bound the unit implies."""
    if le is not None:
        return le
    return UNIT_BOUNDS.get(unit, (0, FALLBACK_BOUND))[1]


def param(
    default: Any,
    unit: str,
    source: str = ASSUMPTION,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    description: str = "",
    schema: dict[str, Any] | None = None,
) -> Any:
    """A parameter with a fixed default. Numbers get an upper bound from their unit unless
    `le` is given; text and lists of names are bounded by their type. `schema` adds to the JSON
    Schema what a validator checks in its own words (so an editor refuses it too)."""
    numeric = isinstance(default, int | float) and not isinstance(default, bool)
    extra: dict[str, Any] = {"unit": unit, "source": source, **(schema or {})}
    if isinstance(default, dict):
        extra["value_range"] = list(UNIT_BOUNDS.get(unit, (-FALLBACK_BOUND, FALLBACK_BOUND)))
    return Field(
        default,
        ge=ge,
        le=upper_bound(unit, le) if numeric else le,
        gt=gt,
        description=description,
        json_schema_extra=extra,
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
        le=upper_bound(unit, le),
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
