"""A person handed to a new caseworker who stops engaging at the handover is out of service:
their journey says so, and does not also say they are held that week."""

from __future__ import annotations

import numpy as np

from relsim.config import validate_data
from relsim.model import CareModel


def test_nobody_who_disengages_at_a_handover_is_logged_as_held_that_week() -> None:
    data = {
        "care_model": "liberated",
        "demand_complexity": 0.7,
        "population": {"citizens": 600},
        "time": {"weeks": 60, "warmup_weeks": 0},
        "staff": {"turnover_per_year": 1.0, "handover_disengage_probability": 1.0},
        "workforce": {"workers": 8, "caseload_cap": 10},
    }
    model = CareModel(validate_data(data, "<test>"), seed=11)
    for _ in range(60):
        model.step()
    events = model.journeys.frame(model.config.needs.domains).reset_index(drop=True)
    events["order"] = np.arange(len(events))
    gone = events[events.kind == "disengaged"]
    held = events[events.kind.isin(["held", "returned_to_same_worker"])]
    both = gone.merge(held, on=["citizen", "week"], suffixes=("_gone", "_held"))
    assert len(gone) > 0, "the district was meant to lose people at handovers"
    late = both[both.order_held > both.order_gone]
    assert late.empty, late.head().to_string()
