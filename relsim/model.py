"""The Mesa model: wires citizens, workers, specialist services and a care model together, and
advances them one week at a time."""

from __future__ import annotations

from collections import defaultdict

import mesa
import numpy as np

from relsim.agents import Citizen, SpecialistService, Worker
from relsim.care_models.router import build_router, post_layout
from relsim.care_models.specialist_work import specialist_week
from relsim.config.knobs import resolve_knobs
from relsim.config.schema import CRISIS_TYPES, Scenario
from relsim.dynamics.crises import CrisisWeek, crisis_specs, draw_crises, driver_weights
from relsim.dynamics.engagement import attendance_probability, draw_presentations
from relsim.dynamics.needs import coupling_matrix, update_needs
from relsim.population import (
    NO_WORKER,
    Citizens,
    Pathway,
    Route,
    SpecialistState,
    draw_entrants,
    row_sum,
)
from relsim.records import Closures, Journeys, Tally
from relsim.rng import RandomStreams, replication_seed_sequence
from relsim.weekly import weekly_measures
from relsim.workforce import Workforce

WAITING = (Pathway.WAITING_FRONT_DOOR, Pathway.WAITING_ALLOCATION, Pathway.WAITING_CASEWORKER)


class CareModel(mesa.Model):
    """A district's citizens and the services that care for them, under one care model."""

    def __init__(
        self,
        scenario: Scenario,
        replication: int = 0,
        seed: int | None = None,
        record_journeys: bool = True,
    ) -> None:
        scenario = resolve_knobs(scenario)  # a no-op for loaded scenarios, which are resolved
        self.run_seed = scenario.seed if seed is None else seed
        self.replication = replication
        self.streams = RandomStreams(replication_seed_sequence(self.run_seed, replication))
        super().__init__(rng=self.streams["mesa"])
        self.config = scenario
        self.week = 0
        self.final_week = scenario.time.warmup_weeks + scenario.time.weeks
        self.tally = Tally()
        self.journeys = Journeys(enabled=record_journeys)
        self.closures = Closures()
        self.people_met: dict[int, set[int]] = {}
        self._next_specialist_person = -10_000

        domains = len(scenario.needs.domains)
        expected = scenario.population.citizens + int(
            scenario.population.arrivals_per_week * self.final_week * 1.2
        )
        self.citizens = Citizens(domains, expected)
        self.citizen_agents: list[Citizen] = []
        self.coupling = coupling_matrix(scenario)
        self.crisis_weights = driver_weights(scenario)
        self.crisis_unit_costs = np.array([s.unit_cost_gbp for s in crisis_specs(scenario)])

        roles, caps = post_layout(scenario)
        self.workforce = Workforce(roles, caps, scenario)
        self.workers: dict[int, Worker] = {}
        for post in range(self.workforce.posts):
            self.workforce.person[post] = self._hire(post)
        self.reflective_hours = np.zeros(self.workforce.posts)
        self.services = [
            SpecialistService(self, d, name, getattr(scenario.specialists, name))
            for d, name in enumerate(scenario.needs.domains)
        ]
        self.specialist_hours: defaultdict[str, float] = defaultdict(float)
        self.router = build_router(scenario)
        self._admit_citizens(scenario.population.citizens)
        self._new_week_arrays()
        self.datacollector = mesa.DataCollector(
            model_reporters={"week": lambda m: m.week, "measures": lambda m: m.latest}
        )
        self.latest: dict[str, float] = {}

    # -- the week -------------------------------------------------------------------------
    def step(self) -> None:
        """One week, in this order:

        1. arrivals (and departures): new citizens enter with needs from the complexity profile;
        2. need dynamics: drift, spill-over between active needs, shocks, recovery, help received;
        3. crises: non-linear hazards; costs to payers; needs and trust move; some sent to services;
        4. help-seeking: citizens present with a chance rising with need and trust;
        5. care model: the configured pathway(s) and the specialist services do this week's work;
        6. staff: burnout, absence, leaving, vacancies filled, leavers' cases reallocated;
        7. record: weekly measures into the data collector and the counters.
        """
        self.week += 1
        self.tally.start_week(measuring=self.week > self.config.time.warmup_weeks)
        self.arrivals_and_departures()
        self.need_dynamics()
        crises = self.crises()
        presenting = self.help_seeking(crises)
        self.care(presenting)
        self.staff()
        self.record()

    def arrivals_and_departures(self) -> None:
        population = self.config.population
        count = int(self.streams["arrivals"].poisson(population.arrivals_per_week))
        self._admit_citizens(count)
        citizens, rng = self.citizens, self.streams["departures"]
        chance = rng.random(citizens.n)
        mean_need = row_sum(citizens.view("need")) / citizens.domains
        death = population.death_probability_per_week_at_full_need * mean_need**2
        present = citizens.view("present")
        died = np.flatnonzero(present & (chance < death))
        moved = np.flatnonzero(
            present & (chance >= death) & (chance < death + population.leave_probability_per_week)
        )
        self._depart(died, "died")
        self._depart(moved, "left")

    def need_dynamics(self) -> None:
        update_needs(
            self.citizens, self.config, self.coupling, self.streams["needs"], self.streams["shocks"]
        )

    def crises(self) -> CrisisWeek:
        week = draw_crises(
            self.citizens, self.config, self.crisis_weights, self.streams["crises"], self.week
        )
        self._new_week_arrays()
        self.crisis_this_week = week.any
        for k, (name, spec) in enumerate(zip(CRISIS_TYPES, crisis_specs(self.config), strict=True)):
            rows = np.flatnonzero(week.happened[:, k])
            self.weekly_crises[k] = rows.size
            if rows.size == 0:
                continue
            self.citizens.crises[rows] += 1
            cost = rows.size * spec.unit_cost_gbp
            self.tally.add(f"crises_{name}", rows.size)
            self.tally.add(f"crisis_cost_{name}", cost)
            self.tally.add(f"cost_{spec.payer}", cost)
            self.journeys.log(self.week, rows, f"crisis_{name}", detail=spec.unit_cost_gbp)
        return week

    def help_seeking(self, crises: CrisisWeek) -> np.ndarray:
        return draw_presentations(
            self.citizens, self.config, self.streams["help_seeking"], crises.sent_to_front_door
        )

    def care(self, presenting: np.ndarray) -> None:
        citizens = self.citizens
        n = citizens.n
        attendance, dropout = self.streams["attendance"], self.streams["dropout"]
        self.attendance_draw = attendance.random(n, dtype=np.float32)
        self.specialist_attendance_draw = attendance.random((n, citizens.domains), dtype=np.float32)
        self.dropout_draw = dropout.random((n, citizens.domains), dtype=np.float32)
        self.attendance_p = attendance_probability(citizens, self.config)
        self.workforce.start_week(self.week)
        self.reflective_hours[:] = 0.0
        pathway = citizens.pathway[:n]
        waiting = np.isin(pathway, WAITING)
        chasing = np.flatnonzero(presenting & waiting)
        self.tally.add("chasing_contacts", chasing.size)
        new = np.flatnonzero(
            presenting & ((pathway == Pathway.NOT_IN_SERVICE) | (pathway == Pathway.STEPPED_DOWN))
        )
        repeat = self.closures.mark_returns(citizens.last_closure_id[new], self.week)
        self.tally.add("presentations", new.size)
        self.tally.add("repeat_presentations", int(repeat.sum()))
        self.weekly_presentations = new.size + chasing.size
        citizens.presentations[new] += 1
        self.journeys.log(self.week, new, "presented", detail=repeat.astype(float))
        self.router.route(self, new)
        self.router.week(self)
        specialist_week(self)

    def staff(self) -> None:
        workforce = self.workforce
        workforce.close_week()
        workforce.update_burnout(self.reflective_hours)
        _, leavers = workforce.absences_and_leavers(self.week, self.streams["staff"])
        self.tally.add("leavers", leavers.size)
        for post in leavers:
            self.workers.pop(int(post)).remove()
            orphans = np.flatnonzero(self.citizens.worker[: self.citizens.n] == post)
            workforce.caseload[post] = 0
            for route, pathway in self.router.pathways.items():
                mine = orphans[self.citizens.route[orphans] == route]
                if mine.size:
                    pathway.reassign(self, mine)
        workforce.fill_vacancies(self.week, self._hire)

    def record(self) -> None:
        self.latest = weekly_measures(self)
        self.datacollector.collect(self)

    # -- helpers used by the phases and the pathways --------------------------------------
    def person_of(self, posts: np.ndarray) -> np.ndarray:
        """Mesa ids of whoever fills `posts` (-1 for no post)."""
        posts = np.asarray(posts)
        return np.where(posts >= 0, self.workforce.person[np.maximum(posts, 0)], -1)

    def new_specialist_person(self) -> int:
        """An identifier for a specialist met in a new episode (someone new each time)."""
        self._next_specialist_person -= 1
        return self._next_specialist_person

    def _hire(self, post: int) -> int:
        worker = Worker(self, post, Route(int(self.workforce.role[post])), self.week)
        self.workers[post] = worker
        return int(worker.unique_id)

    def _admit_citizens(self, count: int) -> None:
        if count <= 0:
            return
        need, priority, informal, trust = draw_entrants(
            self.config, count, self.streams["arrivals"]
        )
        rows = self.citizens.add(need, priority, informal, trust, self.week)
        self.citizen_agents.extend(Citizen(self, int(row)) for row in rows)
        self.journeys.log(self.week, rows, "arrived")
        self.tally.add("arrivals", count)

    def _depart(self, rows: np.ndarray, kind: str) -> None:
        if rows.size == 0:
            return
        citizens = self.citizens
        workers = citizens.worker[rows]
        held = workers >= 0
        np.subtract.at(self.workforce.caseload, workers[held], 1)
        citizens.worker[rows] = NO_WORKER
        citizens.present[rows] = False
        citizens.pathway[rows] = Pathway.LEFT
        citizens.spec_state[rows] = SpecialistState.NONE
        self.journeys.log(self.week, rows, kind)
        self.tally.add(f"departures_{kind}", rows.size)
        for row in rows:
            self.citizen_agents[row].remove()

    def _new_week_arrays(self) -> None:
        n = self.citizens.n
        self.crisis_this_week = np.zeros(n, dtype=bool)
        self.engaged_this_week = np.zeros(n, dtype=bool)
        self.weekly_crises = np.zeros(len(CRISIS_TYPES), dtype=np.int64)
        self.weekly_presentations = 0
        self.weekly_budget_gbp = 0.0
        self.attendance_draw = np.zeros(n)
