"""The names the schema's sections share: domains, payers, crisis types, care models."""

from __future__ import annotations

from typing import Literal

Domain = Literal["housing", "mental_health", "substance_use", "physical_health", "money", "safety"]
DOMAINS: tuple[str, ...] = (
    "housing",
    "mental_health",
    "substance_use",
    "physical_health",
    "money",
    "safety",
)
Payer = Literal["nhs", "police_justice", "council_housing"]
PAYERS: tuple[str, ...] = ("nhs", "police_justice", "council_housing")
CareModelName = Literal["assess_do_refer", "liberated", "hybrid", "none"]
CitizenDrawKey = Literal["by_row", "by_citizen"]
CRISIS_TYPES: tuple[str, ...] = ("ae", "mh_crisis", "police", "eviction")

UNIT_COSTS = "GMCA/New Economy Unit Cost Database v1.4"
