"""The flexible budget: who pays for it and which needs it is spent on are scenario choices."""

from __future__ import annotations

import pytest

from relsim.config import validate_data
from relsim.metrics import compute_metrics
from relsim.runner import simulate

SMALL = {
    "care_model": "liberated",
    "demand_complexity": 0.7,
    "population": {"citizens": 400, "arrivals_per_week": 2.0},
    "workforce": {"workers": 8, "caseload_cap": 10},
    "time": {"weeks": 40, "warmup_weeks": 10},
}


def metrics(relationship: dict | None = None, **liberated: object) -> dict[str, float]:
    data = {**SMALL, "liberated": liberated, "relationship": relationship or {}}
    scenario = validate_data(data, "<test>")
    return compute_metrics(simulate(scenario, seed=5, replication=0, journeys=False))


def test_the_budget_is_booked_to_its_payer() -> None:
    council = metrics()
    nhs = metrics(budget_payer="nhs")
    budget = council["flexible_budget_cost_per_citizen_year"]
    assert budget > 0
    # Same runs (common random numbers), only the payer of the budget differs.
    assert nhs["flexible_budget_cost_per_citizen_year"] == pytest.approx(budget)
    assert nhs["cost_nhs_per_citizen_year"] == pytest.approx(
        council["cost_nhs_per_citizen_year"] + budget
    )
    assert nhs["cost_council_housing_per_citizen_year"] == pytest.approx(
        council["cost_council_housing_per_citizen_year"] - budget
    )


def test_no_practical_domains_means_no_budget_spend() -> None:
    assert metrics(budget_domains=[])["flexible_budget_cost_per_citizen_year"] == 0.0
    assert metrics(budget_domains=["money"])["flexible_budget_cost_per_citizen_year"] > 0


def test_contact_without_a_relationship_has_the_new_worker_share_of_the_effect() -> None:
    """With relationships that never deepen, contact helps only through
    new_worker_effect_share: at 0 it does nothing, at 1 it has the full effect."""
    flat = {"growth_per_hour": 0.0}
    none = metrics(flat, new_worker_effect_share=0.0)
    full = metrics(flat, new_worker_effect_share=1.0)
    assert full["mean_need"] < none["mean_need"] - 0.01


def test_the_optimum_in_words_has_no_exponents() -> None:
    """'9080 (95 % interval 1654 to 1.651e+04' read badly: pounds come with thousands
    separators, small numbers with four significant figures."""
    from relsim.commission.budget_results import _number

    assert [_number(v) for v in (9080.4, 1654.0, 16510.2, 2.345678, 0.01234)] == [
        "9,080", "1,654", "16,510", "2.346", "0.01234",
    ]  # fmt: skip
