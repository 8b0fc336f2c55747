"""Checking layered scenario data against the schema: every problem reported, one line each,
naming where the offending value came from, in the words a scenario's author needs."""

from __future__ import annotations

import difflib
import math
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from relsim.config.errors import ScenarioError, shown
from relsim.config.knobs import resolve_knobs
from relsim.config.layering import Origins, deep_merge, is_key_name
from relsim.config.schema import Scenario


def _known_keys(loc: Sequence[Any]) -> list[str]:
    """The keys the schema section holding `loc` allows (none if it is not a section)."""
    model: type[BaseModel] = Scenario
    for part in loc[:-1]:
        field_info = model.model_fields.get(str(part))
        annotation = field_info.annotation if field_info is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _unknown_key(loc: Sequence[Any]) -> str:
    return unknown_key(str(loc[-1]), _known_keys(loc))


def unknown_key(key: str, known: Sequence[str]) -> str:
    """What is said of a key the schema does not have: the near miss, else the keys allowed."""
    close = difflib.get_close_matches(key[:100], known, n=1)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    if known:
        return f"unknown key; expected one of {', '.join(known)}"
    return "unknown key"


def _dotted(loc: Sequence[Any]) -> str:
    parts = [str(p) if is_key_name(str(p)) or isinstance(p, int) else "<key>" for p in loc]
    return ".".join(parts)


#: values pydantic reports in Python's words, as a YAML file writes them
YAML_WORDS = {"None": "null", "True": "true", "False": "false"}


def _message(error: Mapping[str, Any]) -> str:
    """Pydantic's error, in the words a scenario's author needs (without where it is)."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if kind == "model_type":  # pydantic's "a valid dictionary or instance of Needs"
        message = "is a section: give its keys, one per line (or SECTION.KEY=VALUE), not a value"
    if kind == "invalid_key":
        message = "Keys should be strings: a key must be a name, such as caseload_cap"
    if kind == "missing" or isinstance(value, dict):
        return message
    return f"{message} (got {YAML_WORDS.get(repr(value)) or shown(value)})"


def _source(loc: tuple[str, ...], origins: Origins, fallback: str) -> str:
    """Where the value at `loc` came from: a `--set` at or below it (below: a section's own
    check, such as a low end above a high end), else the origin of the key or of its nearest
    section, else `fallback`."""
    options = origins.options_below(loc) if loc else []
    return options[-1] if options else origins.nearest(loc) or fallback


def _located(
    loc: Sequence[Any], origins: Origins, fallback: str, message: str, last: str | None = None
) -> str:
    """`message` about the value at `loc`, after where that value came from and its key (the
    key only once: a `--set KEY` names it already); `last` shows the key's last part."""
    source = _source(tuple(str(p) for p in loc), origins, fallback)
    dotted = _dotted(loc if last is None else [*loc[:-1], last]) or "(top level)"
    if source == f"--set {dotted}":
        return f"{source}: {message}"
    return f"{source}: {dotted}: {message}"


def _problem(error: Mapping[str, Any], origins: Origins, fallback: str) -> str:
    if error["type"] == "invalid_key":  # the key itself, as its line was recorded (True, not 1)
        error = {**error, "loc": (*error["loc"][:-1], error["input"])}
        # null, true and false as the file writes them, not as Python does
        last = YAML_WORDS.get(repr(error["input"]))
        return _located(error["loc"], origins, fallback, _message(error), last)
    return _located(error["loc"], origins, fallback, _message(error))


def validate_data(
    data: dict[str, Any],
    origin: str,
    set_keys: Sequence[str] = (),
    origins: Origins | None = None,
) -> Scenario:
    """Validate raw data (already layered) against the schema and resolve the knobs; every
    problem is reported, each naming where its value came from."""
    if origins is None:
        origins = Origins()
        for assignment in set_keys:
            parts = tuple(assignment.partition("=")[0].strip().split("."))
            origins.record(parts, f"--set {'.'.join(parts)}", replaces=True)
    quoted = [
        _located(
            loc,
            origins,
            origin,
            f"expected a number, got text ({shown(value)}); " + _as_a_number(value),
        )
        for loc, value in numbers_as_text(data, Scenario)
    ]
    if quoted:
        raise ScenarioError(*quoted)
    merged = deep_merge(Scenario().model_dump(), data)
    try:
        return resolve_knobs(Scenario.model_validate(merged))
    except ValidationError as exc:
        problems = [_problem(e, origins, origin) for e in exc.errors()]
        raise ScenarioError(*dict.fromkeys(problems)) from None


def numbers_as_text(
    data: Any, model: type[BaseModel], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Where `data` gives a number as text (`workers: "3"`): the schema would read it as the
    number, but quotes around a number are more likely a slip (or a value meant for another
    key) than a choice, so they are refused as every other wrong type is."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is not None:
            yield from _text_where_number(value, field.annotation, (*path, key))


def _text_where_number(
    value: Any, annotation: Any, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _text_where_number(value, typing.get_args(annotation)[0], path)
        return
    members = (
        [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType)
        else [annotation]
    )
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            yield from numbers_as_text(value, member, path)
            return
        if typing.get_origin(member) is dict and isinstance(value, dict):
            inner = typing.get_args(member)[1]
            for key, item in value.items():
                yield from _text_where_number(item, inner, (*path, str(key)))
            return
    numeric = bool(members) and all(m in (int, float) for m in members)
    # other text than a number is left to the schema's own message
    if numeric and isinstance(value, str) and _reads_as_number(value):
        yield path, value


def _as_a_number(text: str) -> str:
    """How to write it: quotes made a number text; `1_0` (which Python reads as 10) is not
    how a number is written in a scenario, a design or on the command line."""
    if "_" in text:
        return "write it as a plain number, without '_'"
    return "write it without quotes"


def _reads_as_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
