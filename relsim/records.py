"""What the model records as it runs: counters for the measured period and per-citizen journeys.

Counters only accumulate after the warm-up; journeys keep every event so a citizen's story can be
read from the start. Events are stored column-wise in chunks, which keeps recording cheap.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

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
)
_KIND_CODE = {kind: code for code, kind in enumerate(EVENT_KINDS)}
NO_ID = -1


class Journeys:
    """Per-citizen events: week, citizen, kind, worker (person id), service (domain) and detail."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._chunks: list[tuple[np.ndarray, ...]] = []

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
        self._chunks.append(
            (
                np.full(count, week, dtype=np.int32),
                np.asarray(citizens, dtype=np.int64),
                np.full(count, _KIND_CODE[kind], dtype=np.int16),
                np.broadcast_to(np.asarray(worker, dtype=np.int64), (count,)).copy(),
                np.broadcast_to(np.asarray(service, dtype=np.int16), (count,)).copy(),
                np.broadcast_to(np.asarray(detail, dtype=np.float64), (count,)).copy(),
            )
        )

    def frame(self, domains: tuple[str, ...]) -> pd.DataFrame:
        """All events as a tidy table, in the order they happened."""
        columns = ("week", "citizen", "kind", "worker", "service", "detail")
        if not self._chunks:
            data = {c: np.array([], dtype=np.int64) for c in columns}
        else:
            data = {
                c: np.concatenate([ch[i] for ch in self._chunks]) for i, c in enumerate(columns)
            }
        kinds = pd.Categorical.from_codes(data["kind"].astype(np.int64), categories=EVENT_KINDS)
        service_names = np.array([*domains, ""], dtype=object)
        service = service_names[np.where(data["service"] >= 0, data["service"], len(domains))]
        return pd.DataFrame(
            {
                "week": data["week"].astype(np.int32),
                "citizen": data["citizen"],
                "kind": kinds,
                "worker": data["worker"],
                "service": pd.Categorical(service),
                "detail": data["detail"].astype(np.float64),
            }
        )


class Tally:
    """Counters over the measured period (after warm-up), and the same counters for the current
    week alone (warm-up included), which the weekly time series reads."""

    def __init__(self) -> None:
        self.counts: defaultdict[str, float] = defaultdict(float)
        self.this_week: defaultdict[str, float] = defaultdict(float)
        self.measuring = False

    def start_week(self, measuring: bool) -> None:
        self.measuring = measuring
        self.this_week.clear()

    def add(self, key: str, amount: float = 1.0) -> None:
        self.this_week[key] += float(amount)
        if self.measuring:
            self.counts[key] += float(amount)

    def __getitem__(self, key: str) -> float:
        return self.counts.get(key, 0.0)


class Closures:
    """Every closed case (closure, discharge, signposting, step-down) and whether the person came
    back within a year: the repeat demand of pattern P8."""

    FOLLOW_UP_WEEKS = 52

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.weeks: list[int] = []
        self.measured: list[bool] = []
        self.returned_week: list[int] = []

    def record(self, rows: np.ndarray, week: int, measuring: bool) -> np.ndarray:
        start = len(self.rows)
        self.rows.extend(int(r) for r in rows)
        self.weeks.extend([week] * len(rows))
        self.measured.extend([measuring] * len(rows))
        self.returned_week.extend([-1] * len(rows))
        return np.arange(start, start + len(rows))

    def mark_returns(self, closure_ids: np.ndarray, week: int) -> np.ndarray:
        """Mark closures whose person presented again; returns which were within a year."""
        within = np.zeros(len(closure_ids), dtype=bool)
        for k, cid in enumerate(closure_ids):
            if cid < 0 or self.returned_week[cid] >= 0:
                continue
            self.returned_week[cid] = week
            within[k] = week - self.weeks[cid] <= self.FOLLOW_UP_WEEKS
        return within

    def repeat_share(self, final_week: int) -> float:
        """Share of measured closures with a full year of follow-up that came back within it."""
        weeks = np.asarray(self.weeks)
        returned = np.asarray(self.returned_week)
        measured = np.asarray(self.measured, dtype=bool)
        eligible = measured & (weeks <= final_week - self.FOLLOW_UP_WEEKS)
        if not eligible.any():
            return float("nan")
        back = (returned >= 0) & (returned - weeks <= self.FOLLOW_UP_WEEKS)
        return float(back[eligible].mean())
