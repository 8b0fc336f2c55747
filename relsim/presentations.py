"""Who comes to the services this week: people already waiting who chase their place, people
who give up a wait, and people new to the services, counted as demand (failure demand where a
service failed them before) and logged, before the care model routes them."""

from __future__ import annotations

import numpy as np

from relsim.arrays import equals_any
from relsim.cases import close_cases, demand, recently_failed
from relsim.citizens import Pathway
from relsim.district import District, Week

#: the queues someone may walk away from (a specialist's waiting list has its own drop-out)
ABANDONABLE = (Pathway.WAITING_FRONT_DOOR, Pathway.WAITING_CASEWORKER)


def new_to_services(
    district: District, week: Week, presenting: np.ndarray, abandon_draw: np.ndarray, serves: bool
) -> np.ndarray:
    """The rows of the people new to the services this week (none when there are no services:
    their presentations are counted as unserved)."""
    citizens, tally = district.citizens, district.records.tally
    n = citizens.n
    pathway = citizens.pathway[:n]
    waiting = (
        (pathway == Pathway.WAITING_FRONT_DOOR)
        | (pathway == Pathway.WAITING_ALLOCATION)
        | (pathway == Pathway.WAITING_CASEWORKER)
    )
    chasing = (presenting & waiting).nonzero()[0]
    if serves:
        tally.add("chasing_contacts", chasing.size)
        demand(district, "chasing", chasing.size, chasing.size)
    abandon_waits(district, week, waiting & ~presenting, abandon_draw)
    pathway = citizens.pathway[:n]
    new = (
        presenting & ((pathway == Pathway.NOT_IN_SERVICE) | (pathway == Pathway.STEPPED_DOWN))
    ).nonzero()[0]
    if not serves:
        tally.add("unserved_presentations", new.size + chasing.size)
        return new[:0]
    repeat = district.records.closures.mark_returns(citizens.last_closure_id[new], week.number)
    tally.add("presentations", new.size)
    tally.add("repeat_presentations", int(repeat.sum()))
    failure = repeat | recently_failed(district, week, new)
    demand(district, "presentations", new.size, int(failure.sum()))
    week.presentations = new.size + chasing.size
    citizens.presentations[new] += 1
    district.records.journeys.log(week.number, new, "presented", detail=repeat.astype(float))
    return new


def abandon_waits(district: District, week: Week, waiting: np.ndarray, draw: np.ndarray) -> None:
    """People in a front-door or caseworker queue who did not chase it may give up."""
    citizens = district.citizens
    n = citizens.n
    queue = waiting & equals_any(citizens.pathway[:n], ABANDONABLE) & (citizens.since_week[:n] >= 0)
    rows = queue.nonzero()[0]
    if rows.size == 0:
        return
    p = district.config.help_seeking.wait_abandon_per_week * (1.0 - citizens.trust[rows])
    gone = rows[draw[rows] < p]
    if gone.size == 0:
        return
    # A wait given up is not a completed wait: it is counted as a closure, not in waits.
    close_cases(district, week, gone, "abandoned_wait", Pathway.NOT_IN_SERVICE)


def count_returns(district: District, returning: np.ndarray) -> None:
    """Those coming back after a failure who are out of service: failure demand."""
    pathway = district.citizens.pathway[: district.citizens.n]
    out_of_service = (pathway == Pathway.NOT_IN_SERVICE) | (pathway == Pathway.STEPPED_DOWN)
    district.records.tally.add("failure_returns", int(np.count_nonzero(returning & out_of_service)))
