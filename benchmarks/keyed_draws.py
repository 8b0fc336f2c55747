"""What a week's citizen-side random draws would cost if rows were compacted.

Rows are never reused, so every citizen-side stream draws for every row ever admitted, present
or not (relsim/rng.py): that keeps common random numbers between care models, because the same
row is the same citizen under every model. Compacting departed rows would keep the arithmetic
flat in the horizon, but the row of a citizen would then depend on who has died or moved away,
which depends on the care model. Common random numbers would need draws keyed by citizen rather
than by row. Three ways are measured, with the model's own shapes and dtypes for one week
(departures, need fluctuation, shocks, crises, help-seeking, attendance and drop-out):

- ``rows``: today's named PCG64 streams, one draw per row ever admitted;
- ``rows_gathered``: the same draws, then gathered for the present rows only (what compacted
  arithmetic with today's streams would cost: it keeps results identical);
- ``keyed``: a counter-based hash (SplitMix64's finaliser) of (stream, week, citizen, slot),
  drawn for the present rows only (two float32 draws from each 64 bits): flat in the horizon,
  but each draw takes about ten NumPy array passes where a PCG64 stream fills an array in one.

    python benchmarks/keyed_draws.py [--present 20000] [--ever-ratio 1.0 1.5 2.0] [--weeks 200]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable

import numpy as np

DOMAINS = 6
CRISIS_TYPES = 4
#: (name, columns, dtype) of each citizen-side draw a week, in the model's order
WEEKLY_DRAWS: tuple[tuple[str, int, type], ...] = (
    ("departures", 1, np.float64),
    ("needs", DOMAINS, np.float32),
    ("shock_hit", 1, np.float64),
    ("shock_domain", 1, np.int64),
    ("crises", CRISIS_TYPES, np.float32),
    ("crisis_referral", 1, np.float32),
    ("help_seeking", 1, np.float64),
    ("failure_return", 1, np.float64),
    ("attendance", 1, np.float32),
    ("specialist_attendance", 1, np.float32),
    ("dropout", 1, np.float32),
    ("abandon", 1, np.float32),
)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def pcg_week(generator: np.random.Generator, rows: int) -> list[np.ndarray]:
    """Today's draws: one per row ever admitted."""
    out: list[np.ndarray] = []
    for _, columns, dtype in WEEKLY_DRAWS:
        shape = (rows, columns) if columns > 1 else (rows,)
        if dtype is np.int64:
            out.append(generator.integers(0, DOMAINS, shape))
        else:
            out.append(generator.random(shape, dtype=dtype))
    return out


def mixed(keys: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: 64 well-mixed bits from each key."""
    x = keys * _GOLDEN
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return x


def keyed_week(citizen_ids: np.ndarray, week: int) -> list[np.ndarray]:
    """The same draws keyed by (stream, week, citizen, slot), for the present citizens only."""
    out: list[np.ndarray] = []
    base = citizen_ids.astype(np.uint64) << np.uint64(24)
    for stream, (_, columns, dtype) in enumerate(WEEKLY_DRAWS):
        salt = np.uint64((week << 8) | stream) << np.uint64(40)
        # Two float32 draws from each 64 bits.
        hashes = (columns + 1) // 2 if dtype is np.float32 else columns
        keys: np.ndarray = base
        if hashes > 1:
            keys = base[:, None] + np.arange(hashes, dtype=np.uint64)
        bits = mixed(keys ^ salt)
        if dtype is np.int64:
            out.append(((bits >> np.uint64(32)) * np.uint64(DOMAINS)) >> np.uint64(32))
        elif dtype is np.float32:
            halves = bits.view(np.uint32).reshape(citizen_ids.size, -1)[:, :columns]
            out.append((halves >> np.uint32(8)).astype(np.float32) * np.float32(2.0**-24))
        else:
            out.append((bits >> np.uint64(11)).astype(np.float64) * 2.0**-53)
    return out


def per_week_ms(work: Callable[[int], object], weeks: int) -> float:
    work(0)
    start = time.process_time()
    for week in range(weeks):
        work(week)
    return (time.process_time() - start) / weeks * 1e3


def measure(present: int, ever_ratio: float, weeks: int) -> dict[str, float]:
    ever = int(present * ever_ratio)
    generator = np.random.default_rng(1)
    # Present rows spread over every row ever admitted, as departures leave them.
    present_rows = np.sort(np.random.default_rng(2).choice(ever, present, replace=False))

    def gathered(week: int) -> None:
        for draw in pcg_week(generator, ever):
            draw[present_rows]

    return {
        "present": present,
        "rows_ever": ever,
        "rows_ms": round(per_week_ms(lambda week: pcg_week(generator, ever), weeks), 3),
        "rows_gathered_ms": round(per_week_ms(gathered, weeks), 3),
        "keyed_ms": round(per_week_ms(lambda week: keyed_week(present_rows, week), weeks), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--present", type=int, default=20_000)
    parser.add_argument("--ever-ratio", type=float, nargs="+", default=[1.0, 1.5, 2.0])
    parser.add_argument("--weeks", type=int, default=200)
    args = parser.parse_args()
    for ratio in args.ever_ratio:
        result = measure(args.present, ratio, args.weeks)
        result["load_average"] = round(os.getloadavg()[0], 1)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
