"""Scenario configuration: schema, knobs, loading."""

from relsim.config.loading import (
    ScenarioError,
    load_scenario,
    scenario_dict,
    scenario_hash,
    validate_data,
)
from relsim.config.schema import CRISIS_TYPES, DOMAINS, PAYERS, Scenario

__all__ = [
    "CRISIS_TYPES",
    "DOMAINS",
    "PAYERS",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_dict",
    "scenario_hash",
    "validate_data",
]
