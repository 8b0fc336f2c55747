"""Reading scenario files: safe YAML, `extends:` layering, `--set` overrides, one-line errors."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from relsim.config.knobs import resolve_knobs
from relsim.config.schema import Scenario


class ScenarioError(ValueError):
    """Bad scenario input. Its message is one line naming the file, the key path and the problem."""


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` layered on `base`: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, expected a scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError(f"{path}: cannot read file ({reason})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise ScenarioError(
            f"{path}: line {line}: YAML tags that build objects are not allowed; "
            "expected plain mappings, lists, numbers and strings"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ScenarioError(f"{path}: {where}malformed YAML ({problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of scenario keys at the top level")
    return data


def _layered(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(f"{path}: extends: cycle ({cycle})")
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: expected the path of another scenario file")
    base = _layered(path.parent / parent, (*chain, resolved))
    return deep_merge(base, data)


def parse_set(assignment: str) -> tuple[list[str], Any]:
    """Split `a.b.c=value`; the value is read as YAML so numbers, booleans and lists work."""
    key, sep, raw = assignment.partition("=")
    parts = key.strip().split(".")
    if not sep or not key.strip() or any(not p for p in parts):
        raise ScenarioError(f"--set {assignment}: expected KEY=VALUE with a dotted key")
    try:
        value = yaml.safe_load(raw) if raw.strip() else raw
    except yaml.YAMLError:
        raise ScenarioError(f"--set {assignment}: value is not a plain YAML value") from None
    return parts, value


def apply_sets(data: dict[str, Any], assignments: Iterable[str]) -> dict[str, Any]:
    """Apply `--set` overrides to raw scenario data."""
    result = copy.deepcopy(data)
    for assignment in assignments:
        parts, value = parse_set(assignment)
        node = result
        for part in parts[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise ScenarioError(f"--set {assignment}: {part} is not a section")
            node = child
        node[parts[-1]] = value
    return result


def _known_keys(loc: Sequence[Any]) -> list[str]:
    """The keys the schema section holding `loc` allows (none if it is not a section)."""
    model: type[BaseModel] = Scenario
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _unknown_key(loc: Sequence[Any], dotted: str) -> str:
    known = _known_keys(loc)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    if close:
        return f"{dotted}: unknown key; did you mean {close[0]}?"
    if known:
        return f"{dotted}: unknown key; expected one of {', '.join(known)}"
    return f"{dotted}: unknown key"


def _describe(error: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"], loc)
    message = error["msg"].removeprefix("Value error, ")
    shown = error.get("input")
    if kind in ("missing",) or isinstance(shown, dict):
        return f"{loc}: {message}"
    return f"{loc}: {message} (got {shown!r})"


def validate_data(data: dict[str, Any], origin: str, set_keys: Sequence[str] = ()) -> Scenario:
    """Validate raw data (already layered) against the schema and resolve the knobs."""
    merged = deep_merge(Scenario().model_dump(), data)
    try:
        return resolve_knobs(Scenario.model_validate(merged))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(p) for p in error["loc"])
        source = origin
        for key in set_keys:
            dotted = key.partition("=")[0].strip()
            if loc == dotted or loc.startswith(dotted + ".") or dotted.startswith(loc + "."):
                source = f"--set {dotted}"
        described = _describe(error)
        if source == f"--set {loc}":
            described = described.removeprefix(f"{loc}: ")
        raise ScenarioError(f"{source}: {described}") from None


def load_scenario(path: str | Path, sets: Sequence[str] = ()) -> Scenario:
    """Load, layer, override and validate a scenario file into resolved, frozen configuration."""
    path = Path(path)
    data = _layered(path, ())
    data = apply_sets(data, sets)
    return validate_data(data, str(path), sets)


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
    path = Path(path)
    data = apply_sets(_layered(path, ()), sets)
    validate_data(data, str(path), sets)
    return data
