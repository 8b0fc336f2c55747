"""A citizen's own luck, a week at a time: the uniform draws of the citizen-side streams
(departures, need fluctuation, shocks, crises, help-seeking, attendance, drop-out).

Common random numbers need a citizen to meet the same luck under every care model. There are
two ways to key it, chosen by the scenario's `citizen_draws`:

- ``by_row``: each stream fills one array a week, one value for every row ever admitted,
  present or not. Rows are never reused, so a row is a citizen; but every draw, and every
  array pass that reads one, grows with everyone who has ever lived in the district.
- ``by_citizen``: each value is a counter-based hash of (the stream's seed, week, call,
  citizen id): SplitMix64's output at a position set by the citizen, so it does not depend
  on which row holds the citizen or on who else is present. The model can then drop the rows
  of people who have left (`Citizens.compact`), and a week's work stays proportional to the
  people present, however long the run.

The two give different (equally valid) luck, so a scenario's results depend on the choice.
"""

from __future__ import annotations

from typing import Literal, Union

import numpy as np

from relsim.rng import RandomStreams

DrawKey = Literal["by_row", "by_citizen"]
#: one draw a row, read by row index: an array, or keyed draws worked out for the rows read
RowDraws = Union[np.ndarray, "KeyedRows"]

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_U64 = np.dtype("<u8")  # little-endian whatever the machine, so halves are the same everywhere
_U32 = np.dtype("<u4")


def _mix(value: int) -> int:
    """SplitMix64's finaliser on one Python integer."""
    value &= _MASK
    value = ((value ^ (value >> 30)) * _MIX1) & _MASK
    value = ((value ^ (value >> 27)) * _MIX2) & _MASK
    return value ^ (value >> 31)


def _mix_array(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place, on an array of unsigned 64-bit integers."""
    scratch = np.empty_like(x)
    for shift, multiplier in ((30, _MIX1), (27, _MIX2)):
        np.right_shift(x, np.uint64(shift), out=scratch)
        x ^= scratch
        x *= np.uint64(multiplier)
    np.right_shift(x, np.uint64(31), out=scratch)
    x ^= scratch
    return x


class CitizenDraws:
    """The citizen-side streams' draws for rows [0, n) this week, keyed by row or by citizen.

    Each call names its stream and a slot, the call's number within that stream's week; under
    ``by_row`` the slot is unused and calls must come in the same order every week."""

    def __init__(self, streams: RandomStreams, key: DrawKey) -> None:
        self._streams = streams
        self.by_citizen = key == "by_citizen"
        self._stream_keys: dict[str, int] = {}
        self._week = 0
        self._ids = np.zeros(0, dtype=_U64)
        self._positions: dict[int, np.ndarray] = {}  # this week's, by values per row

    def start_week(self, week: int, citizen_ids: np.ndarray) -> None:
        """`citizen_ids`: the id of the citizen in each row in use, ascending."""
        self._week = week
        if self.by_citizen:
            self._ids = citizen_ids.astype(_U64)
            self._positions.clear()

    @property
    def rows(self) -> int:
        return self._ids.size

    def _call_key(self, stream: str, slot: int) -> int:
        key = self._stream_keys.get(stream)
        if key is None:
            state = self._streams.seed_sequence(stream).generate_state(1, np.uint64)
            key = self._stream_keys[stream] = int(state[0])
        return _mix(key ^ _mix((self._week << 8) | slot))

    def _weyl(self, per_row: int) -> np.ndarray:
        """(rows, per_row): SplitMix64's Weyl sequence at positions id * per_row + j, the same
        for every call of the week with that many values per row."""
        weyl = self._positions.get(per_row)
        if weyl is None:
            positions: np.ndarray = self._ids * np.uint64(per_row)
            positions = positions[:, None] + np.arange(per_row, dtype=_U64)
            positions *= np.uint64(_GOLDEN)
            weyl = self._positions[per_row] = positions
        return weyl

    def _bits(
        self, stream: str, slot: int, per_row: int, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """(rows, per_row) well-mixed 64-bit values: SplitMix64 at positions id * per_row + j,
        from a starting point keyed by the stream, week and call; for every row in use, or for
        `rows` only."""
        start = np.uint64(self._call_key(stream, slot))
        if rows is None:
            return _mix_array(np.add(self._weyl(per_row), start))
        positions: np.ndarray = self._ids.take(rows) * np.uint64(per_row)
        positions = positions[:, None] + np.arange(per_row, dtype=_U64)
        positions *= np.uint64(_GOLDEN)
        positions += start
        return _mix_array(positions)

    def uniform(
        self,
        stream: str,
        slot: int,
        rows: int,
        columns: int = 0,
        dtype: type[np.floating] = np.float64,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Uniforms on [0, 1): (rows,), or (rows, columns) when `columns` is given."""
        shape = (rows, columns) if columns else (rows,)
        if not self.by_citizen:
            return self._streams[stream].random(shape, dtype=dtype, out=out)
        self._check(rows)
        values = self._uniforms(stream, slot, max(columns, 1), dtype).reshape(shape)
        if out is None:
            return values
        out[...] = values
        return out

    def _uniforms(
        self,
        stream: str,
        slot: int,
        width: int,
        dtype: type[np.floating],
        rows: np.ndarray | None = None,
    ) -> np.ndarray:
        if dtype == np.float32:  # two per 64 bits: the top 24 bits of each half
            halves = self._bits(stream, slot, (width + 1) // 2, rows).view(_U32)[:, :width]
            values = (halves >> np.uint32(8)).astype(np.float32)
            values *= np.float32(2.0**-24)
        else:  # the top 53 bits
            values = (self._bits(stream, slot, width, rows) >> np.uint64(11)).astype(np.float64)
            values *= 2.0**-53
        return values

    def per_row(
        self, stream: str, slot: int, rows: int, dtype: type[np.floating] = np.float64
    ) -> np.ndarray | KeyedRows:
        """One uniform a row, for a draw that only some rows will read (by row index): keyed
        by citizen, only the rows read are drawn; keyed by row, the whole array is drawn now."""
        if not self.by_citizen:
            return self.uniform(stream, slot, rows, dtype=dtype)
        self._check(rows)
        return KeyedRows(self, stream, slot, dtype, self._ids)

    def integers(self, stream: str, slot: int, rows: int, high: int) -> np.ndarray | KeyedRows:
        """Integers in [0, high), one a row; like `per_row`, keyed by citizen only the rows read
        are drawn."""
        if not self.by_citizen:
            return self._streams[stream].integers(0, high, rows)
        self._check(rows)
        return KeyedRows(self, stream, slot, np.int64, self._ids, high)

    def _integers(self, stream: str, slot: int, high: int, rows: np.ndarray) -> np.ndarray:
        top = self._bits(stream, slot, 1, rows).reshape(rows.size) >> np.uint64(32)
        return ((top * np.uint64(high)) >> np.uint64(32)).astype(np.int64)

    def _check(self, rows: int) -> None:
        if rows != self._ids.size:
            raise ValueError(f"drawing for {rows} rows, but this week has {self._ids.size}")


class KeyedRows:
    """One week's keyed draw of one call, worked out for the rows it is indexed with: a row
    indexed twice gets the same value, as from an array drawn for every row."""

    def __init__(
        self,
        draws: CitizenDraws,
        stream: str,
        slot: int,
        dtype: type[np.number],
        ids: np.ndarray,
        high: int = 0,
    ) -> None:
        self._draws, self._stream, self._slot = draws, stream, slot
        self._dtype, self._ids, self._high = dtype, ids, high

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        draws = self._draws
        if draws._ids is not self._ids:
            raise RuntimeError("a keyed draw read after the week it was made for")
        rows = np.asarray(rows)
        if self._high:
            return draws._integers(self._stream, self._slot, self._high, rows)
        return draws._uniforms(self._stream, self._slot, 1, self._dtype, rows).reshape(rows.size)  # type: ignore[arg-type]
