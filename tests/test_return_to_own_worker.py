"""Someone coming back to the caseworker queue is offered their own caseworker first (ODD 7.10):
a place kept open at their worker's post goes to them, whoever waits ahead of them."""

from __future__ import annotations

import numpy as np

from relsim.citizens import Pathway, Route
from relsim.config import validate_data
from relsim.model import CareModel


def settled_with_a_queue() -> CareModel:
    data = {
        "care_model": "liberated",
        "demand_complexity": 0.7,
        "population": {"citizens": 400, "arrivals_per_week": 3.0},
        "time": {"weeks": 30, "warmup_weeks": 0},
        "staff": {"absence_probability_per_week": 0.0, "turnover_per_year": 0.0},
        "workforce": {"workers": 3, "caseload_cap": 6},
    }
    model = CareModel(validate_data(data, "<test>"), seed=5, record_journeys=False)
    for _ in range(12):
        model.step()
    return model


def two_returners(model: CareModel, places_at_second_post: int) -> tuple[int, int, int]:
    """Only two people wait: the first used to be with a worker who has no place left, even
    over the cap; the second with a worker who has `places_at_second_post`. Then this week's
    allocation. Returns the second person's row and the two posts."""
    district, citizens, workforce = model.district, model.citizens, model.workforce
    n = citizens.n
    queue = np.flatnonzero(
        (citizens.route[:n] == Route.LIBERATED)
        & (citizens.pathway[:n] == Pathway.WAITING_CASEWORKER)
    )
    assert queue.size >= 2, "the district was meant to have a caseworker queue"
    posts = np.flatnonzero((workforce.role == Route.LIBERATED) & workforce.in_post)
    assert posts.size >= 2
    full, with_room = posts[:2]
    first, second = queue[:2]
    citizens.pathway[queue[2:]] = Pathway.NOT_IN_SERVICE
    citizens.since_week[[first, second]] = model.week - 1
    for row, post in ((first, full), (second, with_room)):
        citizens.last_worker[row] = post
        citizens.last_person[row] = workforce.person[post]
    over = model.config.liberated.return_places_over_cap
    workforce.available[:] = 1.0  # everyone on duty
    workforce.caseload[:] = workforce.cap + over
    workforce.caseload[with_room] -= places_at_second_post
    model.router.pathways[Route.LIBERATED]._allocate(district, model.new_week())
    assert citizens.pathway[first] == Pathway.WAITING_CASEWORKER
    return int(second), int(full), int(with_room)


def test_a_returner_takes_the_place_at_their_own_post_behind_one_whose_post_is_full() -> None:
    model = settled_with_a_queue()
    second, _, with_room = two_returners(model, places_at_second_post=1)
    assert model.citizens.worker[second] == with_room
    assert model.citizens.pathway[second] == Pathway.HELD


def test_without_a_place_kept_at_their_own_post_the_returner_waits() -> None:
    """The same queue with no place left at the second person's post either: nobody is taken
    back, so what brought them back above is the place kept for them."""
    model = settled_with_a_queue()
    second, _, _ = two_returners(model, places_at_second_post=0)
    assert model.citizens.pathway[second] == Pathway.WAITING_CASEWORKER
