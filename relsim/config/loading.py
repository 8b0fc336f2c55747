"""Reading scenario files: safe YAML, `extends:` layering, `--set` overrides, one line per problem.

Every problem names where the offending value came from: the file in an `extends:` chain that set
it and its line, or the `--set` option.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relsim import bundled
from relsim.config.errors import FileError, ScenarioError, printable
from relsim.config.layering import KEY_PART, Origins, deep_merge, is_key_name
from relsim.config.safe_yaml import load_file, parse_value
from relsim.config.schema import Scenario
from relsim.config.validation import validate_data

__all__ = ["ScenarioError", "load_raw", "load_scenario", "validate_data"]

MAX_EXTENDS = 32
MAX_KEY_PARTS = 16


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
        raise FileError(
            f"{name}: is empty; write at least one key, such as a name (see relsim init)"
        )
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
        # a section given whole merges key by key, as `extends:` layers it: replacing it would
        # silently put the schema's defaults back for every key the file or an earlier --set gave
        merges = isinstance(value, dict) and isinstance(node.get(parts[-1]), dict)
        node[parts[-1]] = deep_merge(node[parts[-1]], value) if merges else value
        if origins is not None:
            origins.record(tuple(parts), f"--set {'.'.join(parts)}", replaces=not merges)
    return result


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
