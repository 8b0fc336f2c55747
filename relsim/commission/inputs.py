"""What a result rests on: the inputs that differ from the defaults, how many parameters have no
direct source (assumptions), and which ones the result is most sensitive to, when a sensitivity
analysis exists for it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from relsim.config import Scenario, ScenarioError, scenario_dict, validate_data
from relsim.config.errors import printable
from relsim.config.params import ASSUMPTION, KNOBS, field_meta

#: keys that name or seed a scenario rather than describe it
NOT_PARAMETERS = ("name", "description", "seed")
#: what a commissioner or modeller chooses (policy levers, the district, the horizon), as
#: against parameters that describe how people and services behave
CHOSEN = "the scenario's choice"
CHOICES = ("care_model", "workforce.", "hybrid.", "time.", "population.citizens")


def kind_of(key: str) -> str:
    """'knob', 'choice' (a policy lever, the district or the horizon) or 'parameter'."""
    if key in KNOBS:
        return "knob"
    if any(key == c or (c.endswith(".") and key.startswith(c)) for c in CHOICES):
        return "choice"
    return "parameter"


def _leaves(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaves(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", field_meta(model, name)


def parameter_meta() -> dict[str, dict[str, Any]]:
    """Every parameter of the schema (not the name, description or seed) with its metadata."""
    return {key: meta for key, meta in _leaves(Scenario) if key not in NOT_PARAMETERS}


def rests_on_assumption(meta: dict[str, Any]) -> bool:
    return str(meta.get("source", ASSUMPTION)).startswith(ASSUMPTION)


def set_by_hand(meta: dict[str, Any]) -> bool:
    """Set by hand to meet an aim (a published figure it was tuned towards, not a test)."""
    return str(meta.get("source", "")).startswith("set by hand")


def standing(kind: str, meta: dict[str, Any]) -> dict[str, bool]:
    """What a parameter rests on (a knob or a policy choice is the scenario's, neither)."""
    parameter = kind == "parameter"
    return {
        "assumption": parameter and rests_on_assumption(meta),
        "set_by_hand": parameter and set_by_hand(meta),
    }


def assumption_count() -> dict[str, Any]:
    """How many of the parameters that describe behaviour (not knobs or choices) have no direct
    source."""
    meta = {k: m for k, m in parameter_meta().items() if kind_of(k) == "parameter"}
    assumed = sum(1 for m in meta.values() if rests_on_assumption(m))
    return {"parameters": len(meta), "assumptions": assumed, "share": assumed / len(meta)}


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: data}


def given_on_command_line(sets: Sequence[str]) -> dict[str, str]:
    """Each key a `--set KEY=VALUE` gave, with the argument as typed: a value given there is
    not the scenario file's, and is attributed to what set it."""
    return {arg.split("=", 1)[0].strip(): arg for arg in sets if "=" in arg}


def _set_on_command_line(given: dict[str, str], key: str) -> str | None:
    """Who set a value given with --set ('set by --set KEY=VALUE'; a section given whole sets
    each key inside it), or None."""
    found = [arg for k, arg in given.items() if key == k or key.startswith(f"{k}.")]
    return f"set by --set {found[-1]}" if found else None


def differing_inputs(
    scenario: Scenario, given: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Inputs that differ from the defaults: the knobs against their defaults, and everything
    else against the defaults those knobs imply (so a knob's detailed parameters are listed only
    when written explicitly). Arrivals that follow the population are not listed. A value in
    `given` (from given_on_command_line) is attributed to its --set, not to the scenario."""
    given = given or {}
    knobs = {k: getattr(scenario, k) for k in KNOBS}
    population = {"citizens": scenario.population.citizens}
    reference = validate_data({**knobs, "population": population}, "defaults")
    plain = Scenario()
    values = _flatten(scenario_dict(scenario))
    defaults = _flatten(scenario_dict(reference))
    meta = parameter_meta()
    found = {}
    for key, value in values.items():
        top = key.split(".")[0]
        if top in NOT_PARAMETERS:
            continue
        default = getattr(plain, key) if key in KNOBS else defaults.get(key)
        if key == "population.citizens":
            default = plain.population.citizens
        if value == default:
            continue
        info = _meta_of(key, meta)
        kind = kind_of(key)
        assumed = rests_on_assumption(info)
        # a knob or a policy choice is the scenario's to make, not an assumption of the
        # model's; where its default has a source, that source gives the default, not this
        by_hand = _set_on_command_line(given, key)
        if by_hand is not None:
            source = set_by_scenario(default, info.get("source", ASSUMPTION), by_hand)
        elif kind == "parameter":
            source = info.get("source", ASSUMPTION)
        elif assumed:
            source = CHOSEN
        else:
            source = set_by_scenario(default, info.get("source", ASSUMPTION), CHOSEN)
        found[key] = {
            "value": value,
            "default": default,
            "unit": info.get("unit", ""),
            "kind": kind,
            "source": source,
            **standing(kind, info),
        }
    return found


#: besides every price (a unit in GBP) and who pays (`payer`): what decides how the prices add up
PRICED_BY = ("specialists.funding", "time.weeks", "time.warmup_weeks")
#: a specialist service's block-funded cost is its places x the hours of a session (and half as
#: much again for recording, a constant: ODD 7.11) x its hourly cost, whether used or not
PRICED_SPECIALIST = ("capacity_slots_per_1000_citizens", "session_hours")


def is_price(key: str, meta: dict[str, Any]) -> bool:
    """A price the costs are built from, who pays it, or what decides how they add up."""
    unit = str(meta.get("unit", ""))
    specialist = key.startswith("specialists.") and key.rsplit(".", 1)[-1] in PRICED_SPECIALIST
    return unit.startswith("GBP") or unit == "payer" or key in PRICED_BY or specialist


def shown(value: Any) -> str:
    """A default as a reader would write it: 73, 3,000, council_housing, housing, money."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return f"{value:,g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


#: how a value the scenario sets itself is attributed (a price or parameter)
SET_BY_SCENARIO = "set by the scenario"


def set_by_scenario(default: Any, source: str, who: str = SET_BY_SCENARIO) -> str:
    """The source of a value the scenario sets: its own, with the default's source named as the
    default's (a source gives its default, never the value written in its place)."""
    return f"{who} (the default, {shown(default)}, rests on: {source})"


def prices(scenario: Scenario, given: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every price, payer and the measured period of `scenario`, whether or not it differs from
    the default: every pound in the answer rests on them, so a commissioner sees them all. A
    value the scenario sets is its own (or its --set's, when in `given`): the source named is
    the default's."""
    given = given or {}
    values = _flatten(scenario_dict(scenario))
    plain = _flatten(scenario_dict(Scenario()))
    found = {}
    for key, info in parameter_meta().items():
        if not is_price(key, info) or key not in values:
            continue
        source = info.get("source", ASSUMPTION)
        default = plain.get(key)
        found[key] = {
            "value": values[key],
            "default": default,
            "unit": info.get("unit", ""),
            "source": source
            if values[key] == default
            else set_by_scenario(
                default, source, _set_on_command_line(given, key) or SET_BY_SCENARIO
            ),
        }
    return found


def _meta_of(key: str, meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The metadata of a key, or of the mapping-valued parameter it is inside."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        found = meta.get(".".join(parts[:end]))
        if found is not None:
            return found
    return {}


# -- sensitivity ---------------------------------------------------------------------------------

INDEX_COLUMN = {"morris": "mu_star", "sobol": "ST"}
TOP = 5


def no_sensitivity() -> dict[str, Any]:
    return {
        "available": False,
        "note": (
            "No sensitivity analysis was supplied for these scenarios, so which parameters "
            "the result is most sensitive to is not known here. Run `relsim sensitivity` on "
            "the scenario and pass its directory with --sensitivity."
        ),
    }


def sensitivity_summary(directory: Path, configs: Sequence[Scenario]) -> dict[str, Any]:
    """The most influential parameters of each analysed metric, from a `relsim sensitivity`
    result directory, and whether it was run on one of the compared scenarios."""
    name = printable(str(directory))
    table_path, manifest_path = directory / "sensitivity.csv", directory / "manifest.json"
    if not table_path.is_file() or not manifest_path.is_file():
        raise ScenarioError(
            f"--sensitivity {name}: not a `relsim sensitivity` result (no sensitivity.csv and "
            "manifest.json)"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        table = pd.read_csv(table_path)
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"--sensitivity {name}: cannot be read ({exc})") from None
    from relsim.sweep.sensitivity_difference import KIND as DIFFERENCE_KIND

    not_ours = f"--sensitivity {name}: not a `relsim sensitivity` result"
    try:
        if manifest.get("kind") == DIFFERENCE_KIND:  # `relsim sensitivity --against`
            method = str(manifest["method"])
            analysed = str(manifest["difference"])
            series = [str(s) for s in manifest["series"]]
            ranges = [str(r) for r in manifest["ranges"]]
        else:
            method = str(manifest["design"]["kind"])
            base = manifest.get("base_scenario", {})
            series = [str(base.get("name", manifest.get("scenario_file", "?")))]
            analysed = series[0]
            ranges = manifest["design"]["spec"].get("ranges", [])
        column = INDEX_COLUMN[method]
    except (KeyError, TypeError, AttributeError):
        raise ScenarioError(
            f"{not_ours} (its manifest.json names no Morris or Sobol' design)"
        ) from None
    missing = sorted({"metric", "parameter", column, f"{column}_ci95"} - set(table.columns))
    if missing:
        raise ScenarioError(f"{not_ours} (sensitivity.csv has no column {', '.join(missing)})")
    if table[column].notna().sum() == 0:  # its header alone, or no index of any parameter
        raise ScenarioError(f"--sensitivity {name}: sensitivity.csv ranks no parameter")
    meta = parameter_meta()
    top: dict[str, list[dict[str, Any]]] = {}
    for metric, part in table.groupby("metric", sort=False):
        ranked = part.sort_values(column, ascending=False).head(TOP)
        top[str(metric)] = [
            {
                "parameter": str(row["parameter"]),
                "index": column,
                "value": float(row[column]),
                "ci95_half_width": float(row[f"{column}_ci95"]),
                "kind": kind_of(str(row["parameter"])),
                **standing(kind_of(str(row["parameter"])), _meta_of(str(row["parameter"]), meta)),
            }
            for _, row in ranked.iterrows()
        ]
    return {
        "available": True,
        "directory": str(directory),
        "method": method,
        "scenario": analysed,
        "difference": len(series) == 2,
        "matches": set(series) <= {c.name for c in configs},
        "ranges": ranges,
        "top": top,
    }
