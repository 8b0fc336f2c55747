"""What the model records as it runs: counters for the measured period and per-citizen journeys.

Counters only accumulate after the warm-up; journeys keep every event so a citizen's story can be
read from the start. Events are stored as each call logged them (one value where the call gave one),
which keeps recording cheap and small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relsim.counters import COUNTER_INDEX, COUNTERS

EVENT_KINDS = (
    "arrived",
    "left",
    "died",
    "crisis_ae",
    "crisis_mh_crisis",
    "crisis_police",
    "crisis_eviction",
    "presented",
    "assessed",
    "signposted",
    "allocated",
    "episode_closed",
    "discharged_non_attendance",
    "referred",
    "referral_rejected",
    "dropped_out",
    "specialist_started",
    "specialist_closed",
    "held",
    "returned_to_same_worker",
    "reallocated",
    "specialist_drawn_in",
    "budget_spent",
    "stepped_down",
    "disengaged",
    "abandoned_wait",
    "worker_changed",
)
_KIND_CODE = {kind: code for code, kind in enumerate(EVENT_KINDS)}
#: the journeys' columns, as Journeys.log stores them
COLUMN_TYPES = {
    "week": np.int32,
    "citizen": np.int64,
    "kind": np.int16,
    "worker": np.int64,
    "service": np.int16,
    "detail": np.float64,
}
NO_ID = -1
#: the columns `log` may be given one value for all of a call's events, and their types
_PER_CALL = {name: COLUMN_TYPES[name] for name in ("worker", "service", "detail")}

if TYPE_CHECKING:
    import pandas as pd

    from relsim.citizens import Citizens


class Journeys:
    """Per-citizen events: week, citizen, kind, worker (person id), service (domain) and detail.

    Each call of `log` is kept as it came: its week and kind once, its citizens as an array,
    and its worker, service and detail as given, one value for all the call's events or one
    per event. Most calls give one value, so the events take far less memory than a row each
    would; `frame` makes the rows.
    """

    def __init__(self, enabled: bool = True, table: Citizens | None = None) -> None:
        """`table`: the citizen arrays whose rows `log` is given (their ids are recorded);
        without it the numbers given are recorded as they are."""
        self.enabled = enabled
        self._table = table
        self._forget()

    def _forget(self) -> None:
        self._weeks: list[int] = []
        self._kinds: list[int] = []
        self._citizens: list[np.ndarray] = []
        # per call: a 0-d array (every event of the call) or one value per event
        self._values: dict[str, list[np.ndarray]] = {name: [] for name in _PER_CALL}

    def log(
        self,
        week: int,
        citizens: np.ndarray,
        kind: str,
        worker: np.ndarray | int = NO_ID,
        service: np.ndarray | int = NO_ID,
        detail: np.ndarray | float = 0.0,
    ) -> None:
        if not self.enabled or len(citizens) == 0:
            return
        count = len(citizens)
        values = (
            _per_call(worker, _PER_CALL["worker"], count),
            _per_call(service, _PER_CALL["service"], count),
            _per_call(detail, _PER_CALL["detail"], count),
        )
        self._weeks.append(week)
        self._kinds.append(_KIND_CODE[kind])
        # A copy: the caller may go on to reuse or change its array of rows.
        ids = citizens if self._table is None else self._table.ids_of(citizens)
        self._citizens.append(np.array(ids, dtype=np.int64))
        for name, value in zip(_PER_CALL, values, strict=True):
            self._values[name].append(value)

    def frame(self, domains: tuple[str, ...], release: bool = False) -> pd.DataFrame:
        """All events as a tidy table, in the order they happened. With `release`, the events
        are handed over (and forgotten here) column by column, so that the peak memory is about
        the table and what is left of the events."""
        import pandas as pd

        counts = np.fromiter(map(len, self._citizens), dtype=np.int64, count=len(self._citizens))
        weeks, kinds = self._weeks, self._kinds
        citizens, values = self._citizens, self._values
        if release:
            self._forget()
        data: dict[str, np.ndarray] = {
            "week": np.repeat(np.asarray(weeks, dtype=COLUMN_TYPES["week"]), counts),
            "kind": np.repeat(np.asarray(kinds, dtype=COLUMN_TYPES["kind"]), counts),
        }
        data["citizen"] = (
            np.concatenate(citizens) if citizens else np.array([], dtype=COLUMN_TYPES["citizen"])
        )
        if release:
            citizens.clear()
        for name, dtype in _PER_CALL.items():
            data[name] = _expand(values[name], counts, dtype)
            if release:
                values[name].clear()
        kind_codes = data.pop("kind")
        kinds_column = pd.Categorical.from_codes(kind_codes, categories=EVENT_KINDS)
        # Every domain is a category whether or not it occurs (sorted, as pandas would infer
        # them), so that replications' tables have the same types and are written one by one.
        names = [*domains, ""]
        categories = sorted(set(names))
        code_of = np.array([categories.index(name) for name in names], dtype=np.int64)
        service_index = data.pop("service")
        codes = code_of[np.where(service_index >= 0, service_index, len(domains))]
        return pd.DataFrame(
            {
                "week": data.pop("week"),
                "citizen": data.pop("citizen"),
                "kind": kinds_column,
                "worker": data.pop("worker"),
                "service": pd.Categorical.from_codes(codes, categories=categories),
                "detail": data.pop("detail"),
            },
            copy=False,
        )


def _per_call(value: np.ndarray | float, dtype: type, count: int) -> np.ndarray:
    """`value` as `log` keeps it: one value (a 0-d array) or a copy with one per event."""
    array: np.ndarray = np.array(value, dtype=dtype)  # a copy: the caller may reuse its array
    if array.ndim == 0 or array.shape == (count,):
        return array
    return np.broadcast_to(array, (count,)).copy()


def _expand(values: list[np.ndarray], counts: np.ndarray, dtype: type) -> np.ndarray:
    """One column over all events from each call's value(s)."""
    column: np.ndarray = np.empty(int(counts.sum()), dtype=dtype)
    start = 0
    for value, count in zip(values, counts.tolist(), strict=True):
        column[start : start + count] = value
        start += count
    return column


class Tally:
    """Declared counters (relsim.counters) over the measured period (after warm-up), and the same
    counters for the current week alone (warm-up included), which the weekly series reads.

    The counters are Python floats, added to one amount at a time: each amount is widened to a
    float64 first, so the totals are those of float64 arrays, at far less cost a call."""

    def __init__(self) -> None:
        self._counts: list[float] = [0.0] * len(COUNTERS)
        self._week: list[float] = [0.0] * len(COUNTERS)
        self.measuring = False
        #: crises and citizens present each week of the run, warm-up included, kept whatever
        #: else is kept: every run's steady-state check (relsim.warmup) reads them
        self.crises_by_week: list[float] = []
        self.citizens_by_week: list[float] = []

    def start_week(self, measuring: bool) -> None:
        self.measuring = measuring
        self._week = [0.0] * len(COUNTERS)

    def end_week(self, citizens_present: int) -> None:
        self.crises_by_week.append(self._week[COUNTER_INDEX["demand_crises"]])
        self.citizens_by_week.append(float(citizens_present))

    @staticmethod
    def _index(key: str) -> int:
        try:
            return COUNTER_INDEX[key]
        except KeyError:
            raise KeyError(f"undeclared counter {key!r} (declare it in relsim.counters)") from None

    def add(self, key: str, amount: float = 1.0) -> None:
        i = COUNTER_INDEX.get(key)  # called hundreds of times a week: no extra call
        if i is None:
            i = self._index(key)  # raises: an undeclared counter
        amount = float(amount)  # exactly as float64 arithmetic widens an int or a float32
        self._week[i] += amount
        if self.measuring:
            self._counts[i] += amount

    def __getitem__(self, key: str) -> float:
        """The measured-period total."""
        return self._counts[self._index(key)]

    def this_week(self, key: str) -> float:
        return self._week[self._index(key)]

    def totals(self) -> dict[str, float]:
        """Every measured-period total, by name."""
        return dict(zip(COUNTERS, self._counts, strict=True))


class Closures:
    """Every closed case (closure, discharge, signposting, step-down, disengagement) and every
    wait given up, and whether the person came back within a year: the repeat demand of pattern
    P8 (closed cases only) and part of failure demand (all of them)."""

    FOLLOW_UP_WEEKS = 52

    def __init__(self) -> None:
        self.count = 0
        self._weeks = np.zeros(1024, dtype=np.int32)
        self._measured = np.zeros(1024, dtype=bool)
        self._returned = np.full(1024, -1, dtype=np.int32)
        self._case = np.zeros(1024, dtype=bool)

    def record(
        self, rows: np.ndarray, week: int, measuring: bool, closed_case: bool = True
    ) -> np.ndarray:
        """New closures for `rows`; returns their ids. A wait given up is recorded (a return
        after it is failure demand) but is not a closed case for repeat demand."""
        start, stop = self.count, self.count + len(rows)
        if stop > self._weeks.size:
            size = max(stop, 2 * self._weeks.size)
            self._weeks = np.resize(self._weeks, size)
            self._measured = np.resize(self._measured, size)
            self._returned = np.resize(self._returned, size)
            self._case = np.resize(self._case, size)
        self._weeks[start:stop] = week
        self._measured[start:stop] = measuring
        self._returned[start:stop] = -1
        self._case[start:stop] = closed_case
        self.count = stop
        return np.arange(start, stop)

    def mark_returns(self, closure_ids: np.ndarray, week: int) -> np.ndarray:
        """Mark closures whose person presented again; returns which were within a year."""
        ids = np.asarray(closure_ids, dtype=np.int64)
        first = ids >= 0
        first[first] = self._returned[ids[first]] < 0
        self._returned[ids[first]] = week
        within = np.zeros(ids.size, dtype=bool)
        within[first] = week - self._weeks[ids[first]] <= self.FOLLOW_UP_WEEKS
        return within

    def repeat_share(self, final_week: int) -> float:
        """Share of measured closures with a full year of follow-up that came back within it."""
        weeks = self._weeks[: self.count]
        returned = self._returned[: self.count]
        eligible = (
            self._measured[: self.count]
            & self._case[: self.count]
            & (weeks <= final_week - self.FOLLOW_UP_WEEKS)
        )
        if not eligible.any():
            return float("nan")
        back = (returned >= 0) & (returned - weeks <= self.FOLLOW_UP_WEEKS)
        return float(back[eligible].mean())
