"""What every care pathway shares: the interface the model calls, and the bookkeeping of cases
(meeting a worker, closing a case, counting waits) that both pathways must do the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from relsim.population import NO_WORKER, Pathway, Route

if TYPE_CHECKING:
    from relsim.model import CareModel


class CarePathway(Protocol):
    """One way of organising care, serving the citizens routed to it with the posts of its role."""

    route: Route

    def intake(self, model: CareModel, rows: np.ndarray) -> None:
        """Citizens routed here this week (new presentations)."""

    def week(self, model: CareModel) -> None:
        """Serve this week's cases with the posts' hours."""

    def reassign(self, model: CareModel, rows: np.ndarray) -> None:
        """Cases whose worker has just left."""


def fifo(rows: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Rows ordered by the week they started waiting (ties by row: arrival order)."""
    if rows.size == 0:
        return rows
    return rows[np.argsort(since[rows], kind="stable")]


def meet(model: CareModel, row: int, person: int, front_line: bool = True) -> bool:
    """Record that citizen `row` is now seen by worker `person`; True if they are new to them.

    A front-line worker (duty worker or caseworker) becomes the person's current contact."""
    citizens = model.citizens
    known = model.people_met.setdefault(row, set())
    is_new = person not in known
    if is_new:
        known.add(person)
        citizens.distinct_workers[row] += 1
    if front_line:
        citizens.last_person[row] = person
    return is_new


def close_cases(model: CareModel, rows: np.ndarray, kind: str, pathway: Pathway) -> None:
    """End the front-door or caseworker involvement; a later return is a re-presentation."""
    if rows.size == 0:
        return
    citizens = model.citizens
    workers = citizens.worker[rows].copy()
    model.journeys.log(model.week, rows, kind, worker=model.person_of(workers))
    valid = workers >= 0
    np.subtract.at(model.workforce.caseload, workers[valid], 1)
    citizens.last_worker[rows] = np.where(valid, workers, citizens.last_worker[rows])
    citizens.worker[rows] = NO_WORKER
    citizens.pathway[rows] = pathway
    citizens.last_closure_week[rows] = model.week
    citizens.last_closure_id[rows] = model.closures.record(rows, model.week, model.tally.measuring)
    model.tally.add(f"closed_{kind}", rows.size)


def join_queue(model: CareModel, rows: np.ndarray, route: Route, queue: Pathway) -> None:
    """Citizens routed to a pathway start waiting in its queue from this week."""
    citizens = model.citizens
    citizens.route[rows] = route
    citizens.pathway[rows] = queue
    citizens.since_week[rows] = model.week


def assign(model: CareModel, row: int, post: int) -> None:
    """Put citizen `row` on the caseload of `post`."""
    citizens = model.citizens
    citizens.worker[row] = post
    model.workforce.caseload[post] += 1


def end_wait(model: CareModel, rows: np.ndarray, started: np.ndarray, kind: str) -> None:
    waited = np.maximum(model.week - started, 0)
    model.tally.add("wait_weeks", float(waited.sum()))
    model.tally.add("waits", waited.size)
    model.tally.add(f"wait_weeks_{kind}", float(waited.sum()))
    model.tally.add(f"waits_{kind}", waited.size)


def rank_within(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Each element's position (0, 1, ...) among the elements of its group, ordered by key."""
    order = np.lexsort((keys, groups))
    sorted_groups = groups[order]
    first = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    sizes = np.diff(np.r_[first, sorted_groups.size])
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = np.arange(sorted_groups.size) - np.repeat(first, sizes)
    return rank


def fill_slots(preferred: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Give each row (already in priority order) a post, or -1 when none has a free slot.

    A row keeps its preferred post (>= 0) while that post has a slot; the others take free
    slots spread round-robin across posts, the emptiest first, as a duty rota would.
    """
    slots = np.maximum(slots.astype(np.int64), 0)
    result = np.full(preferred.size, -1, dtype=np.int64)
    served = min(preferred.size, int(slots.sum()))
    if served == 0:
        return result
    preferred = preferred[:served]
    wanting = np.flatnonzero(preferred >= 0)
    if wanting.size:
        posts = preferred[wanting]
        keep = rank_within(posts, np.arange(posts.size)) < slots[posts]
        chosen = wanting[keep]
        result[chosen] = preferred[chosen]
        np.subtract.at(slots, preferred[chosen], 1)
    rest = np.flatnonzero(result[:served] < 0)
    if rest.size:
        posts = np.repeat(np.arange(slots.size), slots)
        level = np.arange(posts.size) - np.repeat(np.cumsum(slots) - slots, slots)
        spare = np.repeat(slots, slots)
        pool = posts[np.lexsort((posts, -spare, level))]
        result[rest] = pool[: rest.size]
    return result
