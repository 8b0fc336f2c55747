"""The scenarios the teaching app starts from and offers: the bundled files, read as the app's
controls override them, the care models and their words, and the workforce each bundled
scenario sets. Nothing here reads a running model (that is `relsim.viz.observe`)."""

from __future__ import annotations

import typing
from functools import cache
from pathlib import Path
from typing import Any

from relsim import bundled
from relsim.config import Scenario, ScenarioError, validate_data
from relsim.config.loading import load_raw

#: the headline knobs the app's sliders set
KNOBS = ("demand_complexity", "continuity", "referral_friction")


def bundled_scenario(name: str) -> Path:
    """A scenario shipped with relsim, by name (`baseline`, `liberated`, `hybrid`), found in a
    checkout or in an installed wheel."""
    return bundled.resolve("scenarios", name)


def scenario_data(path: Path) -> dict[str, Any]:
    """A scenario file's layered data (`extends:` applied), checked against the schema, with the
    knobs not yet resolved: the base that the app's controls override."""
    return load_raw(path)


def resolve(data: dict[str, Any], origin: str) -> Scenario:
    """Validate scenario data into a resolved, frozen configuration (raises `ScenarioError`)."""
    return validate_data(data, origin)


def care_models() -> tuple[str, ...]:
    """Every care model the schema accepts, in its order."""
    return typing.get_args(Scenario.model_fields["care_model"].annotation)


#: each care model as a class reads it (the schema's names are for files)
CARE_MODEL_WORDS = {
    "assess_do_refer": "assess-do-refer",
    "liberated": "Liberated Method",
    "hybrid": "hybrid",
    "none": "no services",
}


def care_model_words(name: str) -> str:
    return CARE_MODEL_WORDS.get(name, name.replace("_", "-"))


@cache
def workforce_presets() -> dict[str, tuple[int, int]]:
    """(workers, caseload cap) of the bundled scenario for each care model, for a district of
    `preset_citizens()`; a care model with no bundled scenario gets the schema's defaults."""
    defaults = Scenario().workforce
    presets = {name: (defaults.workers, defaults.caseload_cap) for name in care_models()}
    for name in ("baseline", "liberated", "hybrid"):
        path = bundled_scenario(name)
        try:
            scenario = resolve(scenario_data(path), str(path))
        except ScenarioError:
            continue
        presets[scenario.care_model] = (scenario.workforce.workers, scenario.workforce.caseload_cap)
    return presets


@cache
def care_model_sections() -> dict[str, dict[str, Any]]:
    """The settings of a care model that its bundled scenario writes in its own section (the
    hybrid's split, caps and routing threshold), so a side switched to that model in the app runs
    it as the bundled scenario does, not with the schema's defaults."""
    sections: dict[str, dict[str, Any]] = {}
    path = bundled_scenario("hybrid")
    if path.exists():
        data = scenario_data(path)
        if isinstance(data.get("hybrid"), dict):
            sections["hybrid"] = {"hybrid": dict(data["hybrid"])}
    return sections


def preset_citizens() -> int:
    """The district size the bundled workforces were set for."""
    path = bundled_scenario("baseline")
    if path.exists():
        return resolve(scenario_data(path), str(path)).population.citizens
    return Scenario().population.citizens
