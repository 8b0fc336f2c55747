"""Array kernels of the weekly phases: each gives exactly what the plain NumPy expression it
replaces gives (the same cells, the same numbers, bit for bit; `tests/test_array_helpers.py`),
at a fraction of the cost on the district's tall, narrow arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

_INT16 = np.iinfo(np.int16)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")`, found faster. A stable order is the one order that
    sorts the keys with ties kept as given, so any way of finding it gives the same indices:
    integers that fit in 16 bits are sorted by radix, in linear time; other keys by NumPy's
    vectorised default sort, which is exact when no two keys are equal (the usual case for
    scores with a random part), and by the stable sort when some are."""
    if keys.size < 64:  # too few for the checks to pay
        return keys.argsort(kind="stable")
    if keys.dtype.kind in "iu":
        if _INT16.min <= keys.min() and keys.max() <= _INT16.max:
            return keys.astype(np.int16).argsort(kind="stable")
        return keys.argsort(kind="stable")
    order = keys.argsort()
    ordered = keys[order]
    if (ordered[1:] == ordered[:-1]).any() or np.isnan(ordered[-1]):
        return keys.argsort(kind="stable")
    return order


def group_order(groups: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
    """Indices that sort the elements by group, then by key (without keys: as given), ties kept
    in the order given."""
    order = np.arange(groups.size) if keys is None else stable_order(keys)
    return order[stable_order(groups[order])]


def group_heads(sorted_groups: np.ndarray, position: np.ndarray) -> np.ndarray:
    """For elements sorted by group, the position of the first element of each one's group
    (`position` is np.arange(sorted_groups.size), passed in to share it)."""
    if sorted_groups.size == 0:
        return position
    starts = np.empty(sorted_groups.size, dtype=bool)
    starts[0] = True
    np.not_equal(sorted_groups[1:], sorted_groups[:-1], out=starts[1:])
    heads = position * starts  # 0 where no group starts
    return np.maximum.accumulate(heads, out=heads)


def rank_within(groups: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
    """Each element's position (0, 1, ...) among the elements of its group, ordered by key
    (without keys: in the order given)."""
    order = group_order(groups, keys)
    position = np.arange(groups.size)
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = position - group_heads(groups[order], position)
    return rank


def cumulative_within(
    groups: np.ndarray, keys: np.ndarray | None, amounts: np.ndarray
) -> np.ndarray:
    """For each element, the sum of `amounts` of the elements of its group up to and including
    it, in key order (smallest key first; without keys: in the order given)."""
    out = np.empty(groups.size)
    if groups.size == 0:
        return out
    order = group_order(groups, keys)
    running = amounts[order].cumsum()
    # The running total just before each group starts (0 before the first).
    before = np.empty(running.size + 1, dtype=np.result_type(running, 0.0))
    before[0] = 0.0
    before[1:] = running
    out[order] = running - before[group_heads(groups[order], np.arange(groups.size))]
    return out


def equals_any(values: np.ndarray, wanted: tuple[Any, ...]) -> np.ndarray:
    """values == any of a few `wanted`: one comparison each, cheaper than np.isin's sort."""
    found = values == wanted[0]
    for value in wanted[1:]:
        found |= values == value
    return found


def add_to_rows(column: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """`column[rows] += values` for a (rows, domains) citizen column, number for number, at about
    a third of the cost. NumPy's fancy indexing of whole rows of a 2-D array is several times
    slower than `take`, and than writing each row as one record of the row's bytes."""
    current = column.take(rows, axis=0)
    current += values
    record = np.dtype((np.void, column.dtype.itemsize * column.shape[1]))
    column.view(record)[:, 0][rows] = current.view(record)[:, 0]


#: below this many rows NumPy's own reduction across the domains costs less than one call per
#: domain; both give the same numbers
_FEW_ROWS = 256


def row_max(values: np.ndarray) -> np.ndarray:
    """Maximum across domains, column by column (far faster than axis=1 on narrow arrays)."""
    out = values[:, 0].copy()
    for d in range(1, values.shape[1]):
        np.maximum(out, values[:, d], out=out)
    return out


def row_sum(values: np.ndarray, dtype: DTypeLike = np.float64) -> np.ndarray:
    """Sum across domains in `dtype`, column by column. In the values' own dtype it is
    `values.sum(axis=1)` number for number, at about a fifth of the cost: NumPy adds fewer than
    eight numbers in order, and there are at most six domains."""
    if values.shape[0] < _FEW_ROWS:
        return values.sum(axis=1, dtype=dtype)
    out = values[:, 0].astype(dtype)
    for d in range(1, values.shape[1]):
        out += values[:, d]
    return out


def row_count_above(values: np.ndarray, threshold: float) -> np.ndarray:
    """How many domains of each row exceed `threshold`."""
    return row_count(values > threshold)


def row_count(mask: np.ndarray) -> np.ndarray:
    """How many domains of each row are set (`mask.sum(axis=1)` as int8, at a third of the
    cost). Two domains' flags (a byte each, 0 or 1) are read as one 16-bit number, so the sum of
    a row's pairs holds its count of even domains in the low byte and of odd ones in the high
    byte (there are at most six domains: no byte overflows)."""
    rows, columns = mask.shape
    if rows < _FEW_ROWS:
        return mask.sum(axis=1, dtype=np.int8)
    if columns % 2 or columns > 2 * 255 or not mask.flags.c_contiguous:
        out = np.zeros(rows, dtype=np.int8)
        for d in range(columns):
            out += mask[:, d]
        return out
    pairs = mask.view(np.uint16)
    total = pairs[:, 0].copy()
    for d in range(1, columns // 2):
        total += pairs[:, d]
    counts = total & 0xFF
    counts += total >> 8
    return counts.astype(np.int8)


def row_any(mask: np.ndarray) -> np.ndarray:
    """Whether any domain of each row is set (`mask.any(axis=1)`, at a fifth of the cost)."""
    if mask.shape[0] < _FEW_ROWS:
        return mask.any(axis=1)
    out = np.zeros(mask.shape[0], dtype=bool)
    for d in range(mask.shape[1]):
        out |= mask[:, d]
    return out


class EveryRow:
    """A constant row (one value per column) repeated for the first `n` rows, flattened, and
    kept between weeks (grown as rows are added). NumPy multiplies two arrays of one shape many
    times faster than it broadcasts a short row over a tall, narrow array, and the result is the
    same number for number."""

    def __init__(self, row: np.ndarray) -> None:
        self.row = np.ascontiguousarray(row)
        self._repeated = np.tile(self.row, 0)

    def __call__(self, n: int) -> np.ndarray:
        size = n * self.row.size
        if self._repeated.size < size:
            self._repeated = np.tile(self.row, max(2 * n, 1024))
        return self._repeated[:size]


def nonzero_cells(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the non-zero cells of a 2-D array, in row-major order: what
    `np.nonzero` returns, found through the flat array (about ten times faster on tall, narrow
    arrays)."""
    flat = (values.ravel() != 0).nonzero()[0]
    rows, columns = np.divmod(flat, values.shape[1])
    return rows, columns
