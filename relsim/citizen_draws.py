"""A citizen's own luck, a week at a time: the uniform draws of the citizen-side streams
(departures, need fluctuation, shocks, crises, help-seeking, attendance, drop-out).

Common random numbers need a citizen to meet the same luck under every care model. There are
two ways to key it, chosen by the scenario's `citizen_draws`:

- ``by_row`` (the default before 2026-12-04): each stream fills one array a week, one value
  for every row ever admitted, present or not. Rows are never reused, so a row is a citizen;
  but every draw, and every array pass that reads one, grows with everyone who has ever lived
  in the district.
- ``by_citizen`` (the default): each value is half of a counter-based hash of (the stream's
  seed, the week, the citizen's id): SplitMix64's output at a position set by the citizen,
  so it does not depend on which row holds the citizen or on who else is present. The model
  can then drop the rows of people who have left (`Citizens.compact`), and a week's work
  stays proportional to the people present, however long the run. Every value of a week is
  worked out in one pass (many small NumPy calls cost more than a few large ones), as float32
  with 24 random bits, even where a row-keyed draw is float64.

The two give different (equally valid) luck, so a scenario's results depend on the choice.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from relsim.config.schema import CRISIS_TYPES
from relsim.rng import RandomStreams

DrawKey = Literal["by_row", "by_citizen"]

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_U64 = np.dtype("<u8")  # little-endian whatever the machine, so halves are the same everywhere
_U32 = np.dtype("<u4")
_CACHE_HASHES = 1 << 16  # 512 KB of 64-bit hashes


def week_calls(domains: int) -> dict[str, tuple[int, ...]]:
    """Each citizen-side stream's calls a week, in order: how many values each takes a row."""
    return {
        "departures": (1,),
        "needs": (domains,),
        "shocks": (1, 1),  # whether; which need
        "crises": (len(CRISIS_TYPES), 1),  # each type; whether it sends the person on
        "help_seeking": (1, 1),  # unprompted; coming back after a failure
        "attendance": (1, 1),  # front-line contacts; specialist sessions
        "dropout": (1, 1),  # a specialist waiting list; a front-door or caseworker queue
    }


def _mix(value: int) -> int:
    """SplitMix64's finaliser on one Python integer."""
    value &= _MASK
    value = ((value ^ (value >> 30)) * _MIX1) & _MASK
    value = ((value ^ (value >> 27)) * _MIX2) & _MASK
    return value ^ (value >> 31)


def _mix_array(x: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place, on an array of unsigned 64-bit integers (`scratch`:
    an array of the same shape and type, overwritten)."""
    for shift, multiplier in ((30, _MIX1), (27, _MIX2)):
        np.right_shift(x, np.uint64(shift), out=scratch)
        x ^= scratch
        x *= np.uint64(multiplier)
    np.right_shift(x, np.uint64(31), out=scratch)
    x ^= scratch
    return x


class CitizenDraws:
    """The citizen-side streams' draws for rows [0, n) this week, keyed by row or by citizen.

    Each call names its stream and its number within that stream's week (`slot`, as declared
    in `week_calls`); keyed by row the slot is unused and calls must come in the same order
    every week."""

    def __init__(self, streams: RandomStreams, key: DrawKey, domains: int = 6) -> None:
        self._streams = streams
        self.by_citizen = key == "by_citizen"
        self._week = 0
        self._ids = np.zeros(0, dtype=_U64)
        # (stream, slot) -> its first column in the week's values and how many it takes;
        # a stream's values are the halves of its hashes, in order.
        self._columns: dict[tuple[str, int], tuple[int, int]] = {}
        self._hashes: list[tuple[str, int]] = []  # (stream, hashes a row)
        first = 0
        for stream, calls in week_calls(domains).items():
            offset = 0
            for slot, count in enumerate(calls):
                self._columns[stream, slot] = (first + offset, count)
                offset += count
            hashes = (offset + 1) // 2
            self._hashes.append((stream, hashes))
            first += 2 * hashes
        self._values: np.ndarray | None = None
        # each hash column's stream (its position in `_hashes`) and its offset from that
        # stream's start of the week: j Weyl increments for the stream's hash j
        self._stream_of_hash = np.array(
            [s for s, (_, h) in enumerate(self._hashes) for _ in range(h)], dtype=np.intp
        )
        self._hash_offsets = np.array(
            [(j * _GOLDEN) & _MASK for _, h in self._hashes for j in range(h)], dtype=_U64
        )
        self._keys: np.ndarray | None = None  # each stream's key, from its seed, when first used
        # each hash column's step between consecutive ids: h times the Weyl increment
        self._steps = np.array(
            [(h * _GOLDEN) & _MASK for _, h in self._hashes for _ in range(h)], dtype=_U64
        )
        # Kept between weeks (a fresh array of a few megabytes a week costs more in page faults
        # than the hashing itself), one row per hash or value so that each call's values lie
        # together, as arrays with one value a citizen do.
        self._bits = np.zeros((2, self._steps.size, 0), dtype=_U64)  # and scratch
        self._table = np.zeros((2 * self._steps.size, 0), dtype=np.float32)

    def start_week(self, week: int, citizen_ids: np.ndarray) -> None:
        """`citizen_ids`: the id of the citizen in each row in use, ascending."""
        self._week = week
        if self.by_citizen:
            self._ids = citizen_ids.astype(_U64, copy=False)
            self._values = None

    def uniform(
        self,
        stream: str,
        slot: int,
        rows: int,
        columns: int = 0,
        dtype: type[np.floating] = np.float64,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Uniforms on [0, 1): (rows,), or (rows, columns) when `columns` is given. Keyed by
        citizen they are a view of the week's values, good until the next week's first draw,
        and float32 whatever `dtype` says (24 random bits; compared with a float64 chance they
        are widened exactly)."""
        if not self.by_citizen:
            shape = (rows, columns) if columns else (rows,)
            return self._streams[stream].random(shape, dtype=dtype, out=out)
        values = self._week_values(stream, slot, rows, max(columns, 1))
        values = values.T if columns else values[0]
        if out is not None:
            out[...] = values
            return out
        return values

    def integers(self, stream: str, slot: int, rows: int, high: int) -> np.ndarray:
        """Integers in [0, high), (rows,)."""
        if not self.by_citizen:
            return self._streams[stream].integers(0, high, rows)
        values = self._week_values(stream, slot, rows, 1)[0].astype(np.float64)
        return np.minimum((values * high).astype(np.int64), high - 1)

    def _week_values(self, stream: str, slot: int, rows: int, count: int) -> np.ndarray:
        if rows != self._ids.size:
            raise ValueError(f"drawing for {rows} rows, but this week has {self._ids.size}")
        first, declared = self._columns.get((stream, slot), (0, 0))
        if declared != count:
            raise KeyError(f"{stream} call {slot} with {count} values a row is not declared")
        if self._values is None:
            self._values = self._hash_week()
        return self._values[first : first + count]

    def _hash_week(self) -> np.ndarray:
        """(values, rows) float32: hash j of a stream with h hashes a row is SplitMix64 at
        position id * h + j, from a start keyed by the stream's seed and the week; each hash
        gives two values (the top 24 bits of each half), the stream's values in turn."""
        return self.hash_rows(self.hash_starts()[:, None])

    def hash_starts(self) -> np.ndarray:
        """Each hash column's start this week, for id 0."""
        offset = self._week_starts()[self._stream_of_hash]
        offset += self._hash_offsets  # modulo 2**64, as unsigned 64-bit arithmetic is
        return offset

    def hash_rows(self, offset: np.ndarray) -> np.ndarray:
        """The week's values for the ids of this week's rows from `offset`, the hash columns'
        starts: (hashes, 1), the same for every row, or (hashes, rows), a start for each row
        (as when the rows of several replications are drawn together)."""
        hashes, n = offset.shape[0], self._ids.size
        per_row = offset.shape[1] > 1
        if self._bits.shape[2] < n:
            self._bits = np.zeros((2, hashes, 2 * n), dtype=_U64)
            self._table = np.zeros((2 * hashes, 2 * n), dtype=np.float32)
        steps, ids = self._steps[:, None], self._ids[None, :]
        self._table.flags.writeable = True
        table = self._table.reshape(hashes, 2, -1)  # (hash, half, row)
        # In blocks of rows small enough for a core's cache: the ten passes over each block
        # then cost about half what they do over the whole array.
        block = max(1, _CACHE_HASHES // hashes)
        for first in range(0, n, block):
            rows = slice(first, min(first + block, n))
            bits, scratch = self._bits[0, :, rows], self._bits[1, :, rows]
            np.multiply(steps, ids[:, rows], out=bits)
            bits += offset[:, rows] if per_row else offset
            halves = _mix_array(bits, scratch).view(_U32)  # (hash, 2 x rows), halves in turn
            halves >>= np.uint32(8)
            values = table[:, :, rows]
            np.copyto(values, halves.reshape(hashes, -1, 2).transpose(0, 2, 1), casting="unsafe")
            values *= np.float32(2.0**-24)
        # Read-only: every call's values are views of it, so a draw changed in place would
        # change another's.
        self._table.flags.writeable = False
        return self._table[:, :n]

    def _week_starts(self) -> np.ndarray:
        """Each stream's start this week: SplitMix64's finaliser on its key xor the week's."""
        if self._keys is None:
            self._keys = np.array(
                [
                    self._streams.seed_sequence(stream).generate_state(1, np.uint64)[0]
                    for stream, _ in self._hashes
                ],
                dtype=_U64,
            )
        starts = self._keys ^ np.uint64(_mix(self._week))
        return _mix_array(starts, np.empty_like(starts))
