"""What a week's citizen-side random draws cost, keyed by row or by citizen.

Keyed by row (the scenario's `citizen_draws: by_row`, the default before 2026-12-04), every
citizen-side stream draws for every row ever admitted, present or not (relsim/rng.py): that
keeps common random numbers between care models, because the same row is the same citizen
under every model, but the draws grow with everyone who has ever lived in the district. Keyed
by citizen (`by_citizen`, the default now), the week's values are hashes of (stream, week,
citizen id) for the people present only (relsim/citizen_draws.py), so the model can drop
departed rows. Both are measured with the
model's own `CitizenDraws`, its calls and shapes, for one week:

- ``rows``: keyed by row, one draw per row ever admitted;
- ``keyed``: keyed by citizen, for the present rows only.

    python benchmarks/keyed_draws.py [--present 20000] [--ever-ratio 1.0 1.5 2.0] [--weeks 200]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from relsim.citizen_draws import CitizenDraws
from relsim.config import CRISIS_TYPES
from relsim.rng import RandomStreams, replication_seed_sequence

DOMAINS = 6


def one_week(draws: CitizenDraws, week: int, ids: np.ndarray) -> None:
    """The model's citizen-side calls of a week, in its order (relsim.model and dynamics)."""
    n = ids.size
    draws.start_week(week, ids)
    draws.uniform("departures", 0, n)
    draws.uniform("needs", 0, n, DOMAINS, np.float32)
    draws.uniform("shocks", 0, n)
    draws.integers("shocks", 1, n, DOMAINS)
    draws.uniform("crises", 0, n, len(CRISIS_TYPES), np.float32)
    draws.uniform("crises", 1, n, dtype=np.float32)
    draws.uniform("help_seeking", 0, n)
    draws.uniform("help_seeking", 1, n)
    for stream in ("attendance", "dropout"):
        for slot in (0, 1):
            draws.uniform(stream, slot, n, dtype=np.float32)


def per_week_ms(key: str, ids: np.ndarray, weeks: int) -> float:
    draws = CitizenDraws(RandomStreams(replication_seed_sequence(1, 0)), key, DOMAINS)  # type: ignore[arg-type]
    one_week(draws, 0, ids)
    start = time.process_time()
    for week in range(1, weeks + 1):
        one_week(draws, week, ids)
    return (time.process_time() - start) / weeks * 1e3


def measure(present: int, ever_ratio: float, weeks: int) -> dict[str, float]:
    ever = int(present * ever_ratio)
    # Present citizens spread over everyone ever admitted, as departures leave them.
    present_ids = np.sort(np.random.default_rng(2).choice(ever, present, replace=False))
    return {
        "present": present,
        "rows_ever": ever,
        "rows_ms": round(per_week_ms("by_row", np.arange(ever), weeks), 3),
        "keyed_ms": round(per_week_ms("by_citizen", present_ids, weeks), 3),
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
