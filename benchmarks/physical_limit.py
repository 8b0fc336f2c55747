"""The physical limit: relsim's own per-citizen-week work and nothing else.

A week here is the model's vectorised kernels, called in the model's weekly order on the same
citizen arrays (relsim.citizens.Citizens; departed rows dropped only under `citizen_draws:
by_citizen`, as in the model), with the same
random draws of the same shapes and dtypes from the same named streams:

1. arrivals: the Poisson count and every entrant's draws (`draw_entrants`); departures: one
   uniform a row, the mean need, deaths and moves;
2. needs: `NeedModel.update` (noise, shocks, spill-over, reversion) and `revert_trust`, then the
   count of active needs;
3. crises: `CrisisModel.draw` (hazards, one uniform per row and type, one for the referral,
   consequences for needs and trust);
4. help-seeking: `draw_presentations`;
5. care: the four per-row uniforms (attendance twice, drop-out twice), `attendance_probability`,
   the queue masks, the one scan of every specialist standing (grouped by service) and the
   search for re-referrals due, and the fading of relationships;
6. the record: the weekly sums and counts over every row (present citizens, need, trust, the
   stable, the reported pathways and specialist states) and the measured and held weeks.

What it leaves out is what makes relsim a model of services rather than of need: routing,
queues, allocation, sessions, referrals and specialist episodes (per-event work on the few rows
in service), the workforce, Mesa agents, the counters and the journeys. relsim divided by this
is therefore the share of time spent on the citizen-week work itself; 1.0 is not reachable.
Keep this file in step with `CareModel.step` when the model's weekly passes change.

    python benchmarks/physical_limit.py --citizens 20000 --weeks 260
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from relsim.arrays import nonzero_cells, row_count_above, row_sum, stable_order
from relsim.cases import fade_relationships
from relsim.citizen_draws import CitizenDraws
from relsim.citizens import Citizens, Pathway, Route, SpecialistState
from relsim.config import CRISIS_TYPES, Scenario
from relsim.dynamics.arrivals import draw_entrants
from relsim.dynamics.crises import CrisisModel
from relsim.dynamics.departures import draw_departures
from relsim.dynamics.engagement import attendance_probability, draw_presentations, revert_trust
from relsim.dynamics.needs import NeedModel
from relsim.rng import RandomStreams, replication_seed_sequence

WAITING = (Pathway.WAITING_FRONT_DOOR, Pathway.WAITING_ALLOCATION, Pathway.WAITING_CASEWORKER)


class Reference:
    """A district's citizens under the model's own array passes, and nothing else."""

    def __init__(self, scenario: Scenario, seed: int = 1) -> None:
        self.config = scenario
        self.streams = RandomStreams(replication_seed_sequence(seed, 0))
        self.draws = CitizenDraws(self.streams, scenario.citizen_draws, len(scenario.needs.domains))
        arrivals = scenario.population.arrivals_per_week or 0.0
        weeks = scenario.time.warmup_weeks + scenario.time.weeks
        expected = scenario.population.citizens + int(arrivals * weeks * 1.2)
        self.citizens = Citizens(len(scenario.needs.domains), len(CRISIS_TYPES), expected)
        self.need_model = NeedModel(scenario)
        self.crisis_model = CrisisModel(scenario)
        self.week = 0
        self.citizen_weeks = 0
        self._admit(scenario.population.citizens)

    def _admit(self, count: int) -> None:
        if count <= 0:
            return
        entrants = draw_entrants(self.config, count, self.streams["arrivals"])
        citizens = self.citizens
        rows = citizens.add(count)
        citizens.need[rows] = entrants.need
        citizens.baseline[rows] = entrants.need
        citizens.set_point[rows] = entrants.need
        citizens.driver[rows] = entrants.driver
        citizens.help_fit[rows] = entrants.help_fit
        citizens.informal[rows] = entrants.informal
        citizens.trust[rows] = entrants.trust
        citizens.trust_base[rows] = entrants.trust

    def step(self) -> None:
        self.week += 1
        config, citizens, streams, draws = self.config, self.citizens, self.streams, self.draws
        population = config.population
        # 1. arrivals and departures (with draws keyed by citizen, departed rows dropped first)
        if draws.by_citizen and citizens.worth_compacting():
            citizens.compact()
        self._admit(int(streams["arrivals"].poisson(population.arrivals_per_week or 0.0)))
        n = citizens.n
        draws.start_week(self.week, citizens.id[:n])
        died, moved = draw_departures(citizens, population, draws.uniform("departures", 0, n))
        gone = np.concatenate([died, moved])
        citizens.present[gone] = False
        # 2. needs
        self.need_model.update(citizens, config, draws)
        revert_trust(citizens, config)
        active = row_count_above(citizens.need[:n], config.needs.active_threshold)
        # 3. crises
        crises = self.crisis_model.draw(citizens, active, draws, self.week)
        # 4. help-seeking
        presenting, _ = draw_presentations(
            citizens, config, draws, crises.sent_to_front_door, self.week
        )
        # 5. care: the per-row draws and passes the model makes whoever is in service
        for stream, slot in (("attendance", 0), ("attendance", 1), ("dropout", 0), ("dropout", 1)):
            draws.uniform(stream, slot, n, dtype=np.float32)
        attendance_probability(citizens, config, active)
        pathway = citizens.pathway[:n]
        waiting = (pathway == WAITING[0]) | (pathway == WAITING[1]) | (pathway == WAITING[2])
        (presenting & waiting).nonzero()[0]
        (presenting & (pathway == Pathway.NOT_IN_SERVICE)).nonzero()[0]
        states = citizens.spec_state[:n]
        rows, domains = nonzero_cells(states)  # every standing, in one scan
        order = stable_order(domains)  # grouped by service
        states[rows[order], domains[order]]
        nonzero_cells(states == SpecialistState.REREFERRAL_DUE)
        relationship = config.relationship
        fade_relationships(
            citizens,
            self.week,
            relationship.decay_per_week,
            relationship.knowledge_decay_per_week,
        )
        # 6. the record
        present = citizens.present[:n]
        count = int(present.sum())
        float(row_sum(citizens.need[:n]).sum(where=present))
        float(np.sum(citizens.trust[:n], where=present, dtype=np.float64))
        int(np.count_nonzero((active == 0) & present))
        for state in REPORTED_PATHWAYS:
            np.count_nonzero(pathway == state)
        for standing in REPORTED_SPECIALIST_STATES:
            np.count_nonzero(states == standing)
        citizens.measured_weeks[:n] += present
        held = (pathway == Pathway.HELD) & (citizens.route[:n] == Route.LIBERATED)
        citizens.measured_held_weeks[:n] += held
        self.citizen_weeks += count


#: the states the weekly record counts, one comparison each (relsim.weekly)
REPORTED_PATHWAYS = (
    Pathway.WAITING_FRONT_DOOR,
    Pathway.WAITING_ALLOCATION,
    Pathway.WAITING_CASEWORKER,
    Pathway.SHORT_EPISODE,
    Pathway.HELD,
    Pathway.STEPPED_DOWN,
)
REPORTED_SPECIALIST_STATES = (
    SpecialistState.WAITING,
    SpecialistState.EPISODE,
    SpecialistState.JOINT_WORK,
)


def run(scenario: Scenario, seed: int = 1) -> Reference:
    reference = Reference(scenario, seed)
    for _ in range(scenario.time.warmup_weeks + scenario.time.weeks):
        reference.step()
    return reference


def main() -> None:
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from throughput import scaled_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=20000)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument(
        "--citizen-draws",
        choices=["by_row", "by_citizen"],
        default="by_citizen",
        help="the scenario's citizen_draws (by_citizen drops departed rows, as the model does)",
    )
    args = parser.parse_args()
    scenario = scaled_scenario("assess_do_refer", args.citizens, args.weeks)
    scenario = scenario.model_copy(update={"citizen_draws": args.citizen_draws})
    start = time.perf_counter()
    reference = run(scenario)
    seconds = time.perf_counter() - start
    rate = round(reference.citizen_weeks / seconds)
    print(json.dumps({"seconds": round(seconds, 2), "citizen_weeks_per_second": rate}))


if __name__ == "__main__":
    main()
