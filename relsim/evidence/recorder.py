"""Per-citizen weekly histories, recorded from outside the model.

The recorder reads the model's declared citizen columns after every week and keeps, for every row
and week, one byte of flags: which crisis types happened (in the measured period, from the
`measured_crises` counters), whether the person was held by a caseworker, present in the
district, or came to the front door as a new presentation (from the `presentations` counter).
It also notes, when a person is first held, their number of active needs and whether housing was
one of them. Nothing is added to the model: this is what an evaluator with linked records for
every person would see, week by week.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relsim.arrays import row_count_above
from relsim.blas import one_blas_thread
from relsim.citizens import Pathway
from relsim.config.schema import CRISIS_TYPES
from relsim.model import CareModel

#: bit of each flag in a history byte
CRISIS_BIT = {name: 1 << k for k, name in enumerate(CRISIS_TYPES)}
HELD = 1 << 4
PRESENT = 1 << 5
PRESENTED = 1 << 6
NOT_YET = -1


@dataclass
class History:
    """flags[row, week - 1]: one byte per row and week (rows that arrived later are zero before
    they arrived). `first_held` is the first week a row was held (-1: never), with the number of
    active needs and whether housing was active that week."""

    flags: np.ndarray
    first_held: np.ndarray
    active_at_first_held: np.ndarray
    housing_at_first_held: np.ndarray
    measured_from: int  # first week whose crises are recorded (after the warm-up)

    @property
    def weeks(self) -> int:
        return int(self.flags.shape[1])

    def crises(self, name: str) -> np.ndarray:
        """(rows, weeks) 0/1 of one crisis type."""
        return ((self.flags & CRISIS_BIT[name]) > 0).astype(np.int8)

    def flag(self, bit: int) -> np.ndarray:
        return (self.flags & bit) > 0

    def window(
        self, values: np.ndarray, rows: np.ndarray, starts: np.ndarray, lo: int, hi: int
    ) -> np.ndarray:
        """Sum of values[row, week] over weeks start+lo .. start+hi-1 (weeks counted from 1)."""
        offsets = np.arange(lo, hi)
        columns = starts[:, None] + offsets[None, :] - 1
        return values[rows[:, None], columns].sum(axis=1)


class HistoryRecorder:
    """Watch a model week by week; `history()` returns what was seen."""

    def __init__(self, model: CareModel) -> None:
        self.model = model
        self._weeks: list[np.ndarray] = []
        citizens = model.citizens
        self._crises = citizens.measured_crises[: citizens.n].copy()
        self._presentations = citizens.presentations[: citizens.n].copy()
        capacity = citizens.capacity
        self._first = np.full(capacity, NOT_YET, dtype=np.int32)
        self._active = np.zeros(capacity, dtype=np.int8)
        self._housing = np.zeros(capacity, dtype=bool)
        domains = model.config.needs.domains
        self._housing_col = domains.index("housing") if "housing" in domains else None

    def _grow(self, n: int) -> None:
        if n <= self._first.size:
            return
        size = max(n, 2 * self._first.size)
        self._first = np.concatenate([self._first, np.full(size - self._first.size, NOT_YET)])
        self._active = np.resize(self._active, size)
        self._housing = np.resize(self._housing, size)

    @staticmethod
    def _diff(now: np.ndarray, before: np.ndarray) -> np.ndarray:
        grown = np.zeros_like(now)
        grown[: before.shape[0]] = before
        return now - grown

    def observe(self) -> None:
        """Read the week the model has just finished."""
        model, citizens = self.model, self.model.citizens
        n = citizens.n
        self._grow(n)
        flags = np.zeros(n, dtype=np.uint8)
        crises = citizens.measured_crises[:n]
        new_crises = self._diff(crises, self._crises)
        for k, name in enumerate(CRISIS_TYPES):
            flags[new_crises[:, k] > 0] |= CRISIS_BIT[name]
        presentations = citizens.presentations[:n]
        flags[self._diff(presentations, self._presentations) > 0] |= PRESENTED
        held = citizens.pathway[:n] == Pathway.HELD
        flags[held] |= HELD
        flags[citizens.present[:n]] |= PRESENT
        self._crises = crises.copy()
        self._presentations = presentations.copy()
        newly = np.flatnonzero(held & (self._first[:n] == NOT_YET))
        if newly.size:
            need = citizens.need[newly]
            threshold = model.config.needs.active_threshold
            self._first[newly] = model.week
            self._active[newly] = row_count_above(need, threshold)
            if self._housing_col is not None:
                self._housing[newly] = need[:, self._housing_col] > threshold
        self._weeks.append(flags)

    def history(self) -> History:
        n = self.model.citizens.n
        flags = np.zeros((n, len(self._weeks)), dtype=np.uint8)
        for j, week in enumerate(self._weeks):
            flags[: week.size, j] = week
        return History(
            flags,
            self._first[:n].copy(),
            self._active[:n].copy(),
            self._housing[:n].copy(),
            self.model.config.time.warmup_weeks + 1,
        )


def run_with_history(model: CareModel) -> History:
    """Run `model` to the end of its horizon, observing every week."""
    recorder = HistoryRecorder(model)
    with one_blas_thread():
        for _ in range(model.final_week):
            model.step()
            recorder.observe()
    return recorder.history()
