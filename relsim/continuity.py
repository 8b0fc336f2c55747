"""Continuity of care as the citizen experiences it, from every attended contact in the measured
period: who met whom, how often.

Contacts are kept as counts per (citizen, person) pair, merged as they arrive, so memory grows
with the pairs that exist rather than with the contacts made. The indices are the standard ones:
Usual Provider of Care (the share of contacts with the most-seen worker) and the Bice-Boxerman
Continuity of Care index (how concentrated contacts are across workers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from relsim.citizens import Citizens

_PERSON_BITS = 32
_PERSON_MASK = (1 << _PERSON_BITS) - 1


def pair_keys(rows: np.ndarray, people: np.ndarray) -> np.ndarray:
    """One int64 key per (citizen row, person id) pair; person ids may be negative."""
    return (np.asarray(rows, dtype=np.int64) << _PERSON_BITS) | (
        np.asarray(people, dtype=np.int64) & _PERSON_MASK
    )


def key_rows(keys: np.ndarray) -> np.ndarray:
    return keys >> _PERSON_BITS


def merge_counts(
    keys: np.ndarray, counts: np.ndarray, new_keys: np.ndarray, new_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys with summed counts, from two such collections (each sorted, keys
    unique): each new key is looked for among the old by binary search; one found adds to its
    count, the others are inserted in order. No sort of everything kept so far."""
    at = np.searchsorted(keys, new_keys)
    found = at < keys.size
    found[found] = keys[at[found]] == new_keys[found]
    counts = counts.copy()
    counts[at[found]] += new_counts[found]  # the new keys are unique: no position repeats
    fresh = ~found
    return (
        np.insert(keys, at[fresh], new_keys[fresh]),
        np.insert(counts, at[fresh], new_counts[fresh]),
    )


class PairCounts:
    """Counts per (citizen, person) pair, merged from weekly batches."""

    MERGE_EVERY = 1 << 16

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    def add(self, rows: np.ndarray, people: np.ndarray) -> None:
        if len(rows) == 0:
            return
        self.add_keys(pair_keys(rows, people))

    def add_keys(self, keys: np.ndarray) -> None:
        """Add contacts already keyed by `pair_keys` (the array is kept, not copied)."""
        self._pending.append(keys)
        self._pending_size += len(keys)
        if self._pending_size >= self.MERGE_EVERY:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        new = np.concatenate(self._pending)
        new_keys, new_counts = np.unique(new, return_counts=True)
        self._keys, self._counts = merge_counts(self._keys, self._counts, new_keys, new_counts)
        self._pending, self._pending_size = [], 0

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(keys, counts), sorted by key (so grouped by citizen row)."""
        self._merge()
        return self._keys, self._counts


def per_citizen(keys: np.ndarray, counts: np.ndarray) -> dict[str, np.ndarray]:
    """For every citizen with a contact: contacts, distinct people, and the largest count."""
    if keys.size == 0:
        empty = np.zeros(0)
        return {"contacts": empty, "people": empty, "most": empty, "squares": empty}
    rows = key_rows(keys)
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    counts = counts.astype(np.float64)
    return {
        "contacts": np.add.reduceat(counts, starts),
        "people": np.diff(np.r_[starts, rows.size]).astype(np.float64),
        "most": np.maximum.reduceat(counts, starts),
        "squares": np.add.reduceat(counts**2, starts),
    }


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def usual_provider_of_care(stats: dict[str, np.ndarray]) -> float:
    """Mean UPC over citizens with two or more contacts: n_max / N."""
    many = stats["contacts"] >= 2
    if not many.any():
        return float("nan")
    return float(np.mean(stats["most"][many] / stats["contacts"][many]))


def bice_boxerman(stats: dict[str, np.ndarray]) -> float:
    """Mean Bice-Boxerman COC over citizens with two or more contacts:
    (sum of n_j squared - N) / (N (N - 1))."""
    many = stats["contacts"] >= 2
    if not many.any():
        return float("nan")
    n = stats["contacts"][many]
    return float(np.mean((stats["squares"][many] - n) / (n * (n - 1))))


class ContactLedger:
    """Attended contacts in the measured period: with front-line workers (duty workers,
    caseworkers, their cover) and, separately, every professional involved (specialists too)."""

    def __init__(self, table: Citizens | None = None) -> None:
        """`table`: the citizen arrays whose rows the contacts are given in (contacts are kept
        by citizen id, which outlives a row); without it the numbers given are the ids."""
        self.front_line = PairCounts()
        self.professionals = PairCounts()
        self._table = table

    def _ids(self, rows: np.ndarray) -> np.ndarray:
        return rows if self._table is None else self._table.ids_of(rows)

    def front_line_contacts(self, rows: np.ndarray, people: np.ndarray) -> None:
        if len(rows) == 0:
            return
        keys = pair_keys(self._ids(rows), people)
        self.front_line.add_keys(keys)
        self.professionals.add_keys(keys)

    def specialist_contacts(self, rows: np.ndarray, people: np.ndarray) -> None:
        if len(rows) == 0:
            return
        self.professionals.add(self._ids(rows), people)

    def measures(self) -> dict[str, float]:
        front = per_citizen(*self.front_line.pairs())
        everyone = per_citizen(*self.professionals.pairs())
        # means over the citizens who met anyone: with no one, not a number (as UPC and COC),
        # not a 0 that would read as "met no one" and enter paired differences
        return {
            "distinct_workers": _mean_or_nan(front["people"]),
            "professionals": _mean_or_nan(everyone["people"]),
            "upc": usual_provider_of_care(front),
            "coc": bice_boxerman(front),
        }
