"""The uncertain parameters (calibration/uncertain.yaml): their ranges, how a point of the unit
hypercube becomes parameter values, and how values are applied to a scenario.

A parameter either sets one scenario key or scales several. A scale multiplies whatever the
resolved scenario holds, so for knob-derived parameters the knobs keep their meaning (a point
scales the coupling strength that demand complexity implies, at any complexity). A key written
explicitly in the scenario or with --set wins: the parameter leaves that key alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from relsim.bundled import calibration_file
from relsim.config import Scenario, ScenarioError, scenario_dict

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = calibration_file("uncertain.yaml")


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter."""

    name: str
    keys: tuple[str, ...]
    low: float
    high: float
    scale: bool  # True: multiplies `keys`; False: sets the one key
    log: bool
    reason: str

    def value(self, unit: float) -> float:
        """The value at a position in [0, 1] of the range (log-uniform when `log`)."""
        if self.log:
            return float(self.low * (self.high / self.low) ** unit)
        return float(self.low + unit * (self.high - self.low))

    def unit(self, value: float) -> float:
        if self.log:
            return float(np.log(value / self.low) / np.log(self.high / self.low))
        return float((value - self.low) / (self.high - self.low))

    @property
    def neutral(self) -> float | None:
        """The value that leaves the scenario as it is (1 for a scale), if there is one."""
        return 1.0 if self.scale else None


@dataclass(frozen=True)
class UncertainSpec:
    version: int
    parameters: tuple[Uncertain, ...]
    abc: dict[str, Any]
    text_hash: str

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def __getitem__(self, name: str) -> Uncertain:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    def values(self, unit: np.ndarray) -> list[dict[str, float]]:
        """Rows of the unit hypercube (n, parameters) as parameter values."""
        return [
            {p.name: p.value(float(u)) for p, u in zip(self.parameters, row, strict=True)}
            for row in np.atleast_2d(unit)
        ]


def parse_spec(data: Mapping[str, Any], text: str = "") -> UncertainSpec:
    parameters = []
    for name, entry in (data.get("parameters") or {}).items():
        scale = "scales" in entry
        keys = tuple(entry["scales"]) if scale else (entry["key"],)
        low, high = (float(v) for v in entry["range"])
        if not high > low or (entry.get("log") and low <= 0):
            raise ScenarioError(f"uncertain parameter {name}: bad range {entry['range']}")
        parameters.append(
            Uncertain(
                name, keys, low, high, scale, bool(entry.get("log")), str(entry.get("reason", ""))
            )
        )
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    abc = dict(data.get("abc") or {})
    return UncertainSpec(int(data.get("version", 1)), tuple(parameters), abc, digest)


@cache
def load_spec(path: Path = SPEC) -> UncertainSpec:
    text = path.read_text(encoding="utf-8")
    return parse_spec(yaml.safe_load(text), text)


def flat_keys(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Dotted keys of every leaf in raw scenario data (what a file or --set wrote)."""
    found: set[str] = set()
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            found |= flat_keys(value, f"{dotted}.")
        else:
            found.add(dotted)
    return found


def _get(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return node


def bounds(key: str) -> tuple[float, float]:
    """The range the scenario schema allows for `key` (a scale can push a value past it)."""
    import math

    from pydantic import BaseModel

    model: Any = Scenario
    field = None
    for part in key.split("."):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return -math.inf, math.inf
        field = model.model_fields[part]
        model = field.annotation
    low, high = -math.inf, math.inf
    for limit in field.metadata if field is not None else ():
        if getattr(limit, "ge", None) is not None:
            low = float(limit.ge)
        if getattr(limit, "gt", None) is not None:
            low = math.nextafter(float(limit.gt), math.inf)
        if getattr(limit, "le", None) is not None:
            high = float(limit.le)
        if getattr(limit, "lt", None) is not None:
            high = math.nextafter(float(limit.lt), -math.inf)
    return low, high


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def apply_values(
    scenario: Scenario,
    values: Mapping[str, float],
    spec: UncertainSpec | None = None,
    explicit: Iterable[str] = (),
) -> Scenario:
    """`scenario` (resolved) with the uncertain parameters at `values`; keys in `explicit` (set
    by the user) are left as they are."""
    spec = spec or load_spec()
    keep = set(explicit)
    data = scenario_dict(scenario)
    for parameter in spec.parameters:
        if parameter.name not in values:
            continue
        value = float(values[parameter.name])
        for key in parameter.keys:
            if key in keep:
                continue
            if parameter.scale:
                # Held within the schema's range: a scale of a knob-derived rate may otherwise
                # leave it (turnover above one a year at the lowest continuity, say).
                low, high = bounds(key)
                _put(data, key, min(max(float(_get(data, key)) * value, low), high))
            else:
                _put(data, key, value)
    return Scenario.model_validate(data)


def explicit_in(raw: Mapping[str, Any], spec: UncertainSpec | None = None) -> list[str]:
    """The uncertain parameters' keys that raw scenario data sets itself (they win)."""
    spec = spec or load_spec()
    written = flat_keys(raw)
    return sorted({key for p in spec.parameters for key in p.keys if key in written})


def values_json(values: Mapping[str, float]) -> str:
    return json.dumps({k: float(v) for k, v in values.items()}, sort_keys=True)
