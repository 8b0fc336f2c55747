"""What stacking only the citizen side of R replications saves, measured on a working prototype.

The citizen-side phases (departures, needs, crises, help-seeking) are whole-array work with
draws keyed by citizen, so R replications can share them: each replication's citizen columns
are a fixed slice of one table of R slices, the week's keyed draws are hashed once for the whole
table (each slice with its own replication's stream keys), and each phase runs once over the
table; what it found is split by slice and counted by each replication's own model, whose
arrivals, care, staff and record run as usual. The rows of a slice past its replication's
citizens are worked on too and read by nobody (as rows of people who have left are).

This is a measurement, not a feature: the slices have a fixed capacity (`--slack` times the
initial population, plus 64 rows), and a run that outgrows it stops with a message. The script
checks that every replication's metrics are those of the same replication run alone, and times
R replications stacked against the same R run one after the other (process time, one process,
`--repeats` rounds in turn, medians).

    python benchmarks/stacking_citizen_side.py [--scenario baseline] [--reps 2 6 10]
        [--set KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np

from relsim.arrays import row_count_above
from relsim.blas import one_blas_thread
from relsim.citizen_draws import CitizenDraws
from relsim.citizens import COLUMNS, Citizens
from relsim.config.loading import load_raw
from relsim.config.schema import Scenario
from relsim.dynamics.crises import CrisisModel, CrisisWeek
from relsim.dynamics.departures import draw_departures
from relsim.dynamics.engagement import draw_presentations, revert_trust
from relsim.dynamics.needs import NeedModel
from relsim.metrics import compute_metrics
from relsim.model import CareModel
from relsim.presentations import count_returns

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


class StackedDraws(CitizenDraws):
    """The week's keyed draws for every slice at once: each slice's hashes start where its own
    replication's would."""

    def __init__(self, members: list[CitizenDraws], capacity: int, domains: int) -> None:
        super().__init__(members[0]._streams, "by_citizen", domains)
        self.members, self.capacity = members, capacity

    def _hash_week(self) -> np.ndarray:
        starts = []
        for member in self.members:
            member._week = self._week
            starts.append(member.hash_starts())
        return self.hash_rows(np.repeat(np.stack(starts, axis=1), self.capacity, axis=1))

    def slice_for(self, replication: int, model: CareModel) -> None:
        """Replication `replication`'s own draws (its care phase's) read its slice."""
        draws, base = model.district.draws, replication * self.capacity

        def week_values(stream: str, slot: int, rows: int, count: int) -> np.ndarray:
            first, _ = draws._columns[stream, slot]
            if self._values is None:
                self._values = self._hash_week()
            return self._values[first : first + count, base : base + rows]

        draws._week_values = week_values  # type: ignore[method-assign]


class Stack:
    """R models whose citizen columns are slices of one table."""

    def __init__(self, scenario: Scenario, replications: int, seed: int, slack: float) -> None:
        self.models = [
            CareModel(scenario, r, seed, record_journeys=False, record_series=False)
            for r in range(replications)
        ]
        first = self.models[0].citizens
        self.capacity = math.ceil(slack * scenario.population.citizens) + 64
        self.table = Citizens.__new__(Citizens)
        self.table.domains, self.table.crisis_types = first.domains, first.crisis_types
        self.table.n = self.table.admitted = replications * self.capacity
        for name in COLUMNS:
            column = getattr(first, name)
            whole = np.zeros((self.table.n, *column.shape[1:]), dtype=column.dtype)
            setattr(self.table, name, whole)
            for r, model in enumerate(self.models):
                part = whole[r * self.capacity : (r + 1) * self.capacity]
                part[: model.citizens.n] = getattr(model.citizens, name)[: model.citizens.n]
                setattr(model.citizens, name, part)
        self.config = self.models[0].config
        self.draws = StackedDraws(
            [m.district.draws for m in self.models], self.capacity, first.domains
        )
        for r, model in enumerate(self.models):
            self.draws.slice_for(r, model)
        self.need_model, self.crisis_model = NeedModel(self.config), CrisisModel(self.config)
        self.bases = np.arange(replications) * self.capacity

    def mine(self, rows: np.ndarray, r: int) -> np.ndarray:
        """Replication r's rows among ascending table rows, as its own rows."""
        low, high = np.searchsorted(rows, [self.bases[r], self.bases[r] + self.capacity])
        return rows[low:high] - self.bases[r]

    def step(self) -> None:
        config, table, draws = self.config, self.table, self.draws
        for model in self.models:
            model.start_week()
            model.arrivals()
            if model.citizens.n > self.capacity:
                raise SystemExit(f"a replication outgrew its {self.capacity} rows: raise --slack")
        number = self.models[0].week
        draws.start_week(number, table.id)
        died, moved = draw_departures(
            table, config.population, draws.uniform("departures", 0, table.n)
        )
        for r, model in enumerate(self.models):
            model.departures(self.mine(died, r), self.mine(moved, r))
        self.need_model.update(table, config, draws)
        revert_trust(table, config)
        active = row_count_above(table.need[: table.n], config.needs.active_threshold)
        crises = self.crisis_model.draw(table, active, draws, number)
        weeks = []
        for r, model in enumerate(self.models):
            rows = slice(self.bases[r], self.bases[r] + model.citizens.n)
            week = model.new_week()
            week.active_needs = active[rows]
            split = [self.mine(found, r) for found in crises.rows_by_type]
            model.count_crises(
                week, CrisisWeek(split, crises.any[rows], crises.sent_to_front_door[rows])
            )
            weeks.append(week)
        multiplier = self.models[0]._demand_multiplier()
        presenting, returning = draw_presentations(
            table, config, draws, crises.sent_to_front_door, number, multiplier
        )
        for r, (model, week) in enumerate(zip(self.models, weeks, strict=True)):
            rows = slice(self.bases[r], self.bases[r] + model.citizens.n)
            count_returns(model.district, returning[rows])
            model.care(week, presenting[rows])
            model.staff(week)
            model.record(week)


def one_by_one(scenario: Scenario, replications: int, seed: int) -> list[dict[str, float]]:
    metrics = []
    for r in range(replications):
        model = CareModel(scenario, r, seed, record_journeys=False, record_series=False)
        for _ in range(model.final_week):
            model.step()
        metrics.append(compute_metrics(model))
    return metrics


def stacked(
    scenario: Scenario, replications: int, seed: int, slack: float
) -> list[dict[str, float]]:
    stack = Stack(scenario, replications, seed, slack)
    for _ in range(stack.models[0].final_week):
        stack.step()
    return [compute_metrics(model) for model in stack.models]


def same(a: list[dict[str, float]], b: list[dict[str, float]]) -> bool:
    return all(
        x == y or (math.isnan(x) and math.isnan(y))
        for one, other in zip(a, b, strict=True)
        for x, y in zip(one.values(), other.values(), strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--reps", type=int, nargs="+", default=[2, 6, 10])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--slack", type=float, default=1.25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    scenario = Scenario.model_validate(load_raw(SCENARIOS / f"{args.scenario}.yaml", args.set))
    if scenario.citizen_draws != "by_citizen":
        raise SystemExit("stacking needs draws keyed by citizen")
    with one_blas_thread():
        for replications in args.reps:
            seconds: dict[str, list[float]] = {"stacked": [], "one_by_one": []}
            identical = True
            for _ in range(args.repeats):
                start = time.process_time()
                together = stacked(scenario, replications, args.seed, args.slack)
                seconds["stacked"].append(time.process_time() - start)
                start = time.process_time()
                alone = one_by_one(scenario, replications, args.seed)
                seconds["one_by_one"].append(time.process_time() - start)
                identical &= same(together, alone)
            per_run = {k: statistics.median(v) / replications for k, v in seconds.items()}
            print(
                json.dumps(
                    {
                        "scenario": args.scenario,
                        "replications": replications,
                        "identical": identical,
                        "stacked_seconds_per_run": round(per_run["stacked"], 4),
                        "one_by_one_seconds_per_run": round(per_run["one_by_one"], 4),
                        "saving": round(1 - per_run["stacked"] / per_run["one_by_one"], 4),
                        "all_seconds": seconds,
                    }
                )
            )


if __name__ == "__main__":
    main()
