"""Absence: an absent worker's people are seen by colleagues, and nobody new is allocated to them.

Each test runs a small district to a steady state, sends one worker away for a week and checks
what happens to that worker's cases in that week.
"""

from __future__ import annotations

import numpy as np

from relsim.citizens import Pathway
from relsim.config import validate_data
from relsim.model import CareModel

DISTRICT = {
    "demand_complexity": 0.7,
    "population": {"citizens": 600, "arrivals_per_week": 3.0},
    "time": {"weeks": 30, "warmup_weeks": 0},
    "staff": {"absence_probability_per_week": 0.0, "turnover_per_year": 0.0},
}


def settled(care_model: str, workers: int, cap: int, weeks: int = 20) -> CareModel:
    data = {
        **DISTRICT,
        "care_model": care_model,
        "workforce": {"workers": workers, "caseload_cap": cap},
    }
    model = CareModel(validate_data(data, "<test>"), seed=3, record_journeys=False)
    for _ in range(weeks):
        model.step()
    return model


def send_away(model: CareModel, post: int, weeks: int = 1) -> None:
    """The worker in `post` is absent for the next `weeks` weeks."""
    worker = model.workforce.occupant[post]
    assert worker is not None
    worker.absent_until = model.week + weeks


def busiest(model: CareModel) -> int:
    return int(np.argmax(model.workforce.caseload))


def test_an_absent_duty_workers_sessions_are_covered_by_colleagues() -> None:
    model = settled("assess_do_refer", workers=4, cap=25)
    post = busiest(model)
    before = model.tally["absence_cover_sessions"]
    send_away(model, post)
    model.step()
    assert model.workforce.hours["direct"][post] == 0.0
    assert model.tally["absence_cover_sessions"] > before


def test_nobody_is_allocated_to_an_absent_worker() -> None:
    """Caseworkers with a waiting list: while one is away for six weeks, the places their
    stepped-down people free go to nobody until they are back."""
    model = settled("liberated", workers=4, cap=10)
    citizens = model.citizens
    waiting = citizens.pathway[: citizens.n] == Pathway.WAITING_CASEWORKER
    assert waiting.any(), "the district was meant to have a waiting list"
    post = 0
    mine = set(np.flatnonzero(citizens.worker[: citizens.n] == post).tolist())
    send_away(model, post, weeks=6)
    for _ in range(6):
        model.step()
    now = set(np.flatnonzero(citizens.worker[: citizens.n] == post).tolist())
    assert now <= mine, "a case was allocated to a worker who is away"


def test_an_absent_caseworkers_people_are_seen_by_their_buddy_without_deepening() -> None:
    model = settled("liberated", workers=8, cap=10)
    post = busiest(model)
    citizens = model.citizens
    held = np.flatnonzero(
        (citizens.worker[: citizens.n] == post) & (citizens.pathway[: citizens.n] == Pathway.HELD)
    )
    assert held.size > 0
    depth = citizens.depth[held].copy()
    before = model.tally["absence_cover_contacts"]
    send_away(model, post)
    model.step()
    assert model.workforce.hours["direct"][post] == 0.0
    assert model.tally["absence_cover_contacts"] > before
    still = citizens.worker[held] == post
    # Relationship depth grows only with the named worker, who was away all week (and does
    # not fade either: the buddy came).
    assert np.all(citizens.depth[held][still] <= depth[still] + 1e-12)
