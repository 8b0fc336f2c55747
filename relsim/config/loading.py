"""Reading scenario files: safe YAML, `extends:` layering, `--set` overrides, one line per problem.

Every problem names where the offending value came from: the file in an `extends:` chain that set
it and its line, or the `--set` option.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from relsim import bundled
from relsim.config.errors import FileError, ScenarioError, printable, shown
from relsim.config.knobs import resolve_knobs
from relsim.config.safe_yaml import load_file, parse_value
from relsim.config.schema import Scenario

__all__ = ["ScenarioError", "load_raw", "load_scenario", "validate_data"]

MAX_EXTENDS = 32
MAX_KEY_PARTS = 16
KEY_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Origins:
    """Where each value came from ("FILE: line N" or "--set KEY"), by key path: a tree, so that
    a value replacing a whole section forgets where the section's old values came from."""

    _LABEL = object()

    def __init__(self) -> None:
        self._root: dict[Any, Any] = {}

    def record(self, key: tuple[str, ...], label: str, replaces: bool) -> None:
        node = self._root
        for part in key:
            node = node.setdefault(part, {})
        if replaces:
            node.clear()
        node[self._LABEL] = label

    def nearest(self, loc: tuple[str, ...]) -> str | None:
        """The origin of `loc` or of its nearest recorded section."""
        node: dict[Any, Any] | None = self._root
        found = None
        for part in loc:
            node = node.get(part) if node is not None else None
            if node is None:
                break
            found = node.get(self._LABEL, found)
        return found

    def options_below(self, loc: tuple[str, ...]) -> list[str]:
        """Command-line origins (`--set`) at or below `loc`."""
        node: dict[Any, Any] | None = self._root
        for part in loc:
            node = node.get(part) if node is not None else None
        found, stack = [], [node] if node is not None else []
        while stack:
            current = stack.pop()
            for part, child in current.items():
                if part is self._LABEL:
                    if child.startswith("--"):
                        found.append(child)
                else:
                    stack.append(child)
        return found


@dataclass
class Layered:
    """Scenario data layered from a file and its `extends:` chain, with each key's origin."""

    data: dict[str, Any]
    origin: str
    origins: Origins = field(default_factory=Origins)
    #: every file of the chain, resolved, the file itself first
    files: tuple[Path, ...] = ()


#: keys only an experiment file has: a scenario file holding them is an experiment given to
#: `run` or `compare`, said in one line rather than as a list of unknown keys
EXPERIMENT_MARKS = frozenset({"scenarios", "grid", "figures"})


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` layered on `base`: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _parent_path(child: Path, extends: str) -> Path:
    """The file `extends:` names: `bundled:NAME` is the bundled scenario; otherwise relative to
    the file it is in, else a bundled scenario of that name."""
    name = bundled.explicit(extends)
    if name is not None:
        return bundled.require("scenarios", name)
    candidate = child.parent / extends
    if candidate.is_dir():  # a directory is never a scenario: it does not hide a bundled one
        return bundled.find("scenarios", extends) or candidate
    if candidate.exists() or candidate.is_symlink():
        return candidate
    return bundled.find("scenarios", extends) or candidate


def _read_scenario_file(path: Path) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """The file's data and, by key path, where in it each key is ("line 6", or "line 6 (merged
    from line 3)" for a key merged with `<<:`)."""
    parsed = load_file(path, "scenario file")
    name = printable(str(path))
    if parsed.data is None:
        # Not a scenario of defaults: an empty file is more likely a mistake than a choice.
        raise FileError(f"{name}: is empty; a scenario needs at least a name (see relsim init)")
    if not isinstance(parsed.data, dict):
        raise FileError(f"{name}: expected a mapping of scenario keys at the top level")
    known = {*Scenario.model_fields, "extends"}
    if parsed.data.keys() >= EXPERIMENT_MARKS:
        raise FileError(
            f"{name}: not a scenario file (it looks like an experiment: run it with "
            "relsim experiment run)"
        )
    if parsed.data and not known.intersection(parsed.data):
        # Not a scenario at all (say, a system file reached by `extends:`): its keys are not
        # echoed, only a suggestion for a key that is a near miss.
        hints = [
            f"did you mean {close[0]} for {key}?"
            for key in list(parsed.data)[:20]
            if isinstance(key, str) and is_key_name(key)
            for close in [difflib.get_close_matches(key, known, n=1)]
            if close
        ]
        raise FileError(
            f"{name}: not a scenario file (none of its top-level keys is a scenario key"
            + (f"; {hints[0]}" if hints else "")
            + ")"
        )
    places = {
        key: f"line {line}" + (f" ({parsed.notes[key]})" if key in parsed.notes else "")
        for key, line in parsed.lines.items()
    }
    return parsed.data, places


def is_key_name(text: str) -> bool:
    """A plausible key: letters, digits and underscores, not too long. Anything else read from
    a file is not echoed in messages."""
    return len(text) <= 64 and KEY_PART.fullmatch(text) is not None


def layered(path: Path) -> Layered:
    """A scenario file with its `extends:` chain applied, base first."""
    chain: list[tuple[Path, dict[str, Any], dict[tuple[str, ...], str]]] = []
    seen: list[Path] = []
    current, where = path, ""
    while True:
        try:
            data, lines = _read_scenario_file(current)
        except FileError as exc:
            if not where:
                raise
            # The file is unusable as a whole: the `extends:` that names it is at fault.
            raise ScenarioError(*(f"{where}: extends: {p}" for p in exc.problems)) from None
        chain.append((current, data, lines))
        seen.append(current.resolve())
        parent = data.get("extends")
        if parent is None:
            break
        where = f"{printable(str(current))}: {lines.get(('extends',), 'line 1')}"
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(f"{where}: extends: expected the path of another scenario file")
        if len(chain) >= MAX_EXTENDS:
            raise ScenarioError(f"{where}: extends: a chain of more than {MAX_EXTENDS} files")
        try:
            following = _parent_path(current, parent)
        except FileError as exc:
            raise ScenarioError(*(f"{where}: extends: {p}" for p in exc.problems)) from None
        if following.resolve() in seen:
            cycle = " -> ".join([*(p.name for p, _, _ in chain), following.name])
            raise ScenarioError(f"{where}: extends: cycle ({cycle})")
        current = following
    merged: dict[str, Any] = {}
    origins = Origins()
    for file, data, lines in reversed(chain):
        merged = deep_merge(merged, {k: v for k, v in data.items() if k != "extends"})
        for key, place in sorted(lines.items(), key=lambda item: len(item[0])):
            replaces = not isinstance(_value_at(data, key), dict)
            origins.record(key, f"{printable(str(file))}: {place}", replaces)
    return Layered(merged, str(path), origins, tuple(seen))


def _value_at(data: Any, key: tuple[str, ...]) -> Any:
    for part in key:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def parse_set(assignment: str) -> tuple[list[str], Any]:
    """Split `a.b.c=value`; the value is read as YAML so numbers, booleans and lists work."""
    key, sep, raw = assignment.partition("=")
    parts = key.strip().split(".")
    if not sep or len(parts) > MAX_KEY_PARTS or not all(KEY_PART.fullmatch(p) for p in parts):
        raise ScenarioError(
            f"--set {printable(assignment, 80)}: expected KEY=VALUE with a dotted key"
        )
    value = parse_value(raw, f"--set {key.strip()}") if raw.strip() else raw
    return parts, value


def apply_sets(
    data: dict[str, Any], assignments: Iterable[str], origins: Origins | None = None
) -> dict[str, Any]:
    """Apply `--set` overrides to raw scenario data (recording their origin in `origins`)."""
    result = copy.deepcopy(data)
    for assignment in assignments:
        parts, value = parse_set(assignment)
        node = result
        for part in parts[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise ScenarioError(f"--set {printable(assignment, 80)}: {part} is not a section")
            node = child
        node[parts[-1]] = value
        if origins is not None:
            origins.record(tuple(parts), f"--set {'.'.join(parts)}", replaces=True)
    return result


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
    known = _known_keys(loc)
    close = difflib.get_close_matches(str(loc[-1])[:100], known, n=1)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    if known:
        return f"unknown key; expected one of {', '.join(known)}"
    return "unknown key"


def _dotted(loc: Sequence[Any]) -> str:
    parts = [str(p) if is_key_name(str(p)) or isinstance(p, int) else "<key>" for p in loc]
    return ".".join(parts)


def _message(error: Mapping[str, Any]) -> str:
    """Pydantic's error, in the words a scenario's author needs (without where it is)."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if kind == "missing" or isinstance(value, dict):
        return message
    return f"{message} (got {shown(value)})"


def _source(loc: tuple[str, ...], origins: Origins, fallback: str) -> str:
    """Where the value at `loc` came from: a `--set` at or below it (below: a section's own
    check, such as a low end above a high end), else the origin of the key or of its nearest
    section, else `fallback`."""
    options = origins.options_below(loc) if loc else []
    return options[-1] if options else origins.nearest(loc) or fallback


def _located(loc: Sequence[Any], origins: Origins, fallback: str, message: str) -> str:
    """`message` about the value at `loc`, after where that value came from and its key (the
    key only once: a `--set KEY` names it already)."""
    source = _source(tuple(str(p) for p in loc), origins, fallback)
    dotted = _dotted(loc) or "(top level)"
    if source == f"--set {dotted}":
        return f"{source}: {message}"
    return f"{source}: {dotted}: {message}"


def _problem(error: Mapping[str, Any], origins: Origins, fallback: str) -> str:
    if error["type"] == "invalid_key":  # the key itself, as its line was recorded (True, not 1)
        error = {**error, "loc": (*error["loc"][:-1], error["input"])}
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
            f"expected a number, got text ({shown(value)}); write it without quotes",
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


def _reads_as_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _layered_with_sets(path: Path, sets: Sequence[str]) -> Layered:
    layers = layered(path)
    layers.data = apply_sets(layers.data, sets, layers.origins)
    return layers


def load_scenario(path: str | Path, sets: Sequence[str] = ()) -> Scenario:
    """Load, layer, override and validate a scenario file into resolved, frozen configuration."""
    layers = _layered_with_sets(Path(path), sets)
    return validate_data(layers.data, layers.origin, origins=layers.origins)


def scenario_dict(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as plain JSON-ready data."""
    return scenario.model_dump(mode="json")


def scenario_hash(scenario: Scenario) -> str:
    """A stable hash of the resolved scenario, to tie results to their inputs."""
    text = json.dumps(scenario_dict(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def load_raw(path: str | Path, sets: Sequence[str] = ()) -> dict[str, Any]:
    """Layered scenario data with `--set` applied, not yet validated: the base that sweeps vary
    before the knobs are resolved. Validate it once here so bad input fails early."""
    layers = _layered_with_sets(Path(path), sets)
    validate_data(layers.data, layers.origin, origins=layers.origins)
    return layers.data
