"""The Mesa model: wires a district's citizens, workers, specialist services and a care model
together, and advances them one week at a time."""

from __future__ import annotations

import mesa
import numpy as np

from relsim.agents import Citizen, SpecialistService, Worker
from relsim.agents.specialist_week import specialists_week
from relsim.arrays import row_count_above
from relsim.care_models.router import build_router, post_layout
from relsim.cases import (
    demand,
    fade_relationships,
    recently_failed,
    release,
)
from relsim.citizen_draws import CitizenDraws
from relsim.citizens import Citizens, Pathway, Route, SpecialistState
from relsim.config.knobs import resolve_knobs, retune_knob
from relsim.config.schema import CRISIS_TYPES, Scenario
from relsim.continuity import ContactLedger
from relsim.district import District, Records, Week
from relsim.dynamics.arrivals import draw_entrants
from relsim.dynamics.crises import CrisisModel, CrisisWeek
from relsim.dynamics.departures import draw_departures
from relsim.dynamics.engagement import attendance_probability, draw_presentations, revert_trust
from relsim.dynamics.needs import NeedModel
from relsim.presentations import count_returns, new_to_services
from relsim.records import Closures, Journeys, Tally
from relsim.rng import RandomStreams, replication_seed_sequence
from relsim.staffing import staff_week
from relsim.weekly import WeeklySeries, count_week, weekly_measures
from relsim.workforce import Workforce


class CareModel(mesa.Model):
    """A district's citizens and the services that care for them, under one care model."""

    def __init__(
        self,
        scenario: Scenario,
        replication: int = 0,
        seed: int | None = None,
        record_journeys: bool = True,
        record_series: bool = True,
        compact_rows: bool = True,
    ) -> None:
        """`record_series=False` keeps only the measured-period counters (every metric comes
        from them): no weekly time series, and `latest` stays empty. With draws keyed by
        citizen, the rows of people who have left are dropped from time to time unless
        `compact_rows` is False (for readers that keep rows between weeks)."""
        scenario = resolve_knobs(scenario)  # a no-op for loaded scenarios, which are resolved
        self.run_seed = scenario.seed if seed is None else seed
        self.replication = replication
        streams = RandomStreams(replication_seed_sequence(self.run_seed, replication))
        super().__init__(rng=streams["mesa"])
        self.week = 0
        self.final_week = scenario.time.warmup_weeks + scenario.time.weeks
        arrivals = scenario.population.arrivals_per_week or 0.0
        expected = scenario.population.citizens + int(arrivals * self.final_week * 1.2)
        roles, caps = post_layout(scenario)
        citizens = Citizens(len(scenario.needs.domains), len(CRISIS_TYPES), expected)
        self.district = District(
            config=scenario,
            citizens=citizens,
            workforce=Workforce(roles, caps),
            services=[],
            streams=streams,
            draws=CitizenDraws(streams, scenario.citizen_draws, len(scenario.needs.domains)),
            records=Records(
                Tally(), Journeys(record_journeys, citizens), Closures(), ContactLedger(citizens)
            ),
        )
        self.need_model = NeedModel(scenario)
        self.crisis_model = CrisisModel(scenario)
        self.router = build_router(scenario)
        self._citizen_views: dict[int, Citizen] = {}  # by citizen id
        self.compact_rows = compact_rows and scenario.citizen_draws == "by_citizen"
        workforce = self.district.workforce
        for post in range(workforce.posts):
            workforce.fill(post, self._hire(post, None))
        if scenario.care_model != "none":
            self.district.services.extend(
                SpecialistService(self, d, name, getattr(scenario.specialists, name))
                for d, name in enumerate(scenario.needs.domains)
            )
            self.district.people.join(len(self.district.services))
        self._admit_citizens(scenario.population.citizens)
        self.series = WeeklySeries()
        self.record_series = record_series
        self._before_shock: Scenario | None = None

    def _in_demand_shock(self) -> bool:
        shock = self.config.demand_shock
        return shock.weeks > 0 and shock.start_week <= self.week < shock.start_week + shock.weeks

    def _demand_multiplier(self) -> float:
        return self.config.demand_shock.demand_multiplier if self._in_demand_shock() else 1.0

    def _demand_shock(self) -> None:
        """A scenario's time-limited change of complexity starts and ends here (the change of
        arrivals and presentations is applied where they are drawn)."""
        shock = self.config.demand_shock
        if shock.weeks == 0 or shock.demand_complexity is None:
            return
        if self.week == shock.start_week:
            self._before_shock = self.config
            self.apply_policy(
                retune_knob(self.config, "demand_complexity", shock.demand_complexity)
            )
        elif self.week == shock.start_week + shock.weeks and self._before_shock is not None:
            self.apply_policy(self._before_shock)
            self._before_shock = None

    def apply_policy(self, scenario: Scenario) -> None:
        """Change the district's policy from next week on (a policy change mid-run): thresholds,
        waits, knobs, caps, rules of services. What a running district cannot change (the care
        model, the number of posts and the hybrid's split of them, the population, the seed, the
        horizon and the warm-up) needs a new model."""
        scenario = resolve_knobs(scenario)
        old = self.config
        fixed = {
            "care_model": (old.care_model, scenario.care_model),
            "workforce.workers": (old.workforce.workers, scenario.workforce.workers),
            "population.citizens": (old.population.citizens, scenario.population.citizens),
            "needs.domains": (old.needs.domains, scenario.needs.domains),
            "citizen_draws": (old.citizen_draws, scenario.citizen_draws),
            # the run's streams, its horizon and its measured period are set when it starts
            "seed": (old.seed, scenario.seed),
            "time.weeks": (old.time.weeks, scenario.time.weeks),
            "time.warmup_weeks": (old.time.warmup_weeks, scenario.time.warmup_weeks),
        }
        changed = [key for key, (a, b) in fixed.items() if a != b]
        roles, caps = post_layout(scenario)
        if not changed and not np.array_equal(roles, self.district.workforce.role):
            # the hybrid's split of the posts: its caseloads would have to move between roles
            changed.append("hybrid.caseworker_share_of_workforce")
        if changed:
            raise ValueError(f"cannot change {', '.join(changed)} in a running model")
        self.district.config = scenario
        self.need_model = NeedModel(scenario)
        self.crisis_model = CrisisModel(scenario)
        # The pathways keep their state (a front door's rationing); only the hybrid's line moves.
        if self.router.complexity_threshold is not None:
            self.router.complexity_threshold = scenario.hybrid.complexity_threshold_active_needs
        for service in self.district.services:
            service.rules = getattr(scenario.specialists, service.name)
        self.district.workforce.cap[:] = caps

    # -- conveniences for tests, views and the runner -------------------------------------
    @property
    def config(self) -> Scenario:
        """The scenario in force: the district's, which a policy change replaces."""
        return self.district.config

    @property
    def citizens(self) -> Citizens:
        return self.district.citizens

    @property
    def workforce(self) -> Workforce:
        return self.district.workforce

    @property
    def tally(self) -> Tally:
        return self.district.records.tally

    @property
    def journeys(self) -> Journeys:
        return self.district.records.journeys

    @property
    def services(self) -> list[SpecialistService]:
        return self.district.services

    def citizen(self, citizen_id: int) -> Citizen:
        """Citizen `citizen_id` (their order of arrival, from 0) as a Mesa agent, made when
        first asked for: the weekly phases work on the rows, so an agent per citizen would only
        cost time and memory (about 4 % of a 20,000-citizen run) for the few that anyone looks
        at. `agents` holds the present citizens asked for; someone who has left still has a
        view, outside it, while their row is kept."""
        view = self._citizen_views.get(citizen_id)
        if view is not None:
            return view
        citizens = self.citizens
        if not 0 <= citizen_id < citizens.admitted:
            raise IndexError(f"no citizen {citizen_id} (0 to {citizens.admitted - 1})")
        row = citizens.row_of(citizen_id)
        if row is None:
            raise LookupError(f"citizen {citizen_id} has left and their row was dropped")
        view = Citizen(self, citizen_id)
        if citizens.present[row]:
            self._citizen_views[citizen_id] = view
        else:
            view.remove()
        return view

    @property
    def latest(self) -> dict[str, float]:
        """This week's measures (empty before the first step)."""
        return self.series.latest

    # -- the week -------------------------------------------------------------------------
    def step(self) -> None:
        """One week, in this order:

        1. arrivals (and departures): new citizens enter with needs from the complexity profile;
        2. need dynamics: drift, spill-over between active needs, shocks, recovery, help received;
        3. crises: non-linear hazards; costs to payers; needs and trust move; some sent to services;
        4. help-seeking: citizens present with a chance rising with need and trust;
        5. care model: the configured pathway(s) and the specialist services do this week's work;
        6. staff: burnout, absence, leaving, vacancies and agency cover, leavers' cases handed on;
        7. record: weekly measures into the series and the counters.
        """
        self.start_week()
        self.arrivals_and_departures()
        week = self.new_week()
        week.active_needs = self.need_dynamics()
        crises = self.crises(week)
        presenting = self.help_seeking(crises)
        self.care(week, presenting)
        self.staff(week)
        self.record(week)

    def start_week(self) -> None:
        self.week += 1
        self.tally.start_week(measuring=self.week > self.config.time.warmup_weeks)
        self._demand_shock()

    def new_week(self) -> Week:
        """This week's record, once the district's rows for the week are settled."""
        week = Week(self.week, self.tally.measuring, self.citizens.n)
        week.reflective = np.zeros(self.workforce.posts)
        return week

    def arrivals_and_departures(self) -> None:
        self.arrivals()
        citizens, draws = self.citizens, self.district.draws
        draws.start_week(self.week, citizens.id[: citizens.n])
        died, moved = draw_departures(
            citizens, self.config.population, draws.uniform("departures", 0, citizens.n)
        )
        self.departures(died, moved)

    def arrivals(self) -> None:
        if self.compact_rows and self.citizens.worth_compacting():
            self.citizens.compact()
        mean = (self.config.population.arrivals_per_week or 0.0) * self._demand_multiplier()
        count = int(self.district.streams["arrivals"].poisson(mean))
        self._admit_citizens(count)

    def departures(self, died: np.ndarray, moved: np.ndarray) -> None:
        self._depart(died, "died")
        self._depart(moved, "left")

    def need_dynamics(self) -> np.ndarray:
        """Returns each citizen's number of active needs after this week's change."""
        self.need_model.update(self.citizens, self.config, self.district.draws)
        revert_trust(self.citizens, self.config)
        return row_count_above(
            self.citizens.need[: self.citizens.n], self.config.needs.active_threshold
        )

    def crises(self, week: Week) -> CrisisWeek:
        crises = self.crisis_model.draw(
            self.citizens, week.active_needs, self.district.draws, self.week
        )
        self.count_crises(week, crises)
        return crises

    def count_crises(self, week: Week, crises: CrisisWeek) -> None:
        """This week's crises into the week, the counters and the journeys."""
        citizens, tally = self.citizens, self.tally
        week.crisis = crises.any
        # A crisis soon after a service failed the person is failure demand.
        failures = sum(
            int(np.count_nonzero(recently_failed(self.district, week, rows)))
            for rows in crises.rows_by_type
        )
        demand(self.district, "crises", sum(rows.size for rows in crises.rows_by_type), failures)
        journeys = self.journeys
        for k, (name, spec, rows) in enumerate(
            zip(CRISIS_TYPES, self.crisis_model.specs, crises.rows_by_type, strict=True)
        ):
            week.crises_by_type[k] = rows.size
            if rows.size == 0:
                continue
            citizens.crises[rows] += 1
            if week.measuring:
                citizens.measured_crises[rows, k] += 1
            cost = rows.size * spec.unit_cost_gbp
            tally.add(f"crises_{name}", rows.size)
            tally.add(f"crisis_cost_{name}", cost)
            tally.add(f"cost_{spec.payer}", cost)
            journeys.log(self.week, rows, f"crisis_{name}", detail=spec.unit_cost_gbp)

    def help_seeking(self, crises: CrisisWeek) -> np.ndarray:
        presenting, returning = draw_presentations(
            self.citizens,
            self.config,
            self.district.draws,
            crises.sent_to_front_door,
            self.week,
            self._demand_multiplier(),
        )
        count_returns(self.district, returning)
        return presenting

    def care(self, week: Week, presenting: np.ndarray) -> None:
        district, citizens = self.district, self.citizens
        n = citizens.n
        draws = district.draws
        # One draw a person a week for each kind of keeping-up: a chaotic week is chaotic for
        # every appointment in it.
        week.attendance_draw = draws.uniform("attendance", 0, n, dtype=np.float32)
        week.specialist_attendance_draw = draws.uniform("attendance", 1, n, dtype=np.float32)
        week.dropout_draw = draws.uniform("dropout", 0, n, dtype=np.float32)
        abandon_draw = draws.uniform("dropout", 1, n, dtype=np.float32)
        week.attendance_p = attendance_probability(citizens, self.config, week.active_needs)
        district.workforce.start_week(self.week, self.config.workforce, self.config.staff)

        new = new_to_services(district, week, presenting, abandon_draw, self.router.serves)
        if not self.router.serves:
            return
        self.router.route(district, week, new)
        self.router.work(district, week)
        specialists_week(self.services, self.district, week)
        week.specialist_cost_gbp = sum(service.pay(district) for service in district.services)
        if district.services:
            week.specialist_threshold = float(
                np.mean([service.acceptance_threshold() for service in district.services])
            )
        rules = self.config.relationship
        fade_relationships(
            citizens, week.number, rules.decay_per_week, rules.knowledge_decay_per_week
        )

    def staff(self, week: Week) -> None:
        staff_week(self.district, week, self.router.pathways, self._hire)

    def record(self, week: Week) -> None:
        citizens = self.district.citizens
        present = int(np.count_nonzero(citizens.present[: citizens.n]))
        self.tally.end_week(present)
        if not (week.measuring or self.record_series):
            return  # a warm-up week counts only in the series, and none is kept
        totals = count_week(self.district, week, present)
        if self.record_series:
            self.series.append(weekly_measures(self.district, week, totals))

    # -- helpers ---------------------------------------------------------------------------
    def _hire(self, post: int, agency_until: int | None) -> Worker:
        role = Route(int(self.district.workforce.role[post]))
        return Worker(self, post, role, self.week, agency_until)

    def _admit_citizens(self, count: int) -> None:
        if count <= 0:
            return
        entrants = draw_entrants(self.config, count, self.district.streams["arrivals"])
        citizens = self.citizens
        rows = citizens.add(count)
        new = slice(int(rows[0]), int(rows[-1]) + 1)  # the rows added are consecutive
        citizens.need[new] = entrants.need
        citizens.baseline[new] = entrants.need
        citizens.set_point[new] = entrants.need
        citizens.priority[new] = entrants.priority
        citizens.driver[new] = entrants.driver
        citizens.driver_hidden[new] = entrants.driver_hidden
        citizens.help_fit[new] = entrants.help_fit
        citizens.informal[new] = entrants.informal
        citizens.trust[new] = entrants.trust
        citizens.trust_base[new] = entrants.trust
        citizens.arrival_week[new] = self.week
        citizens.budget_year_start[new] = self.week
        self.district.people.join(count)
        self.journeys.log(self.week, rows, "arrived")
        self.tally.add("arrivals", count)

    def _depart(self, rows: np.ndarray, kind: str) -> None:
        if rows.size == 0:
            return
        citizens = self.citizens
        release(self.district, rows)
        citizens.present[rows] = False
        citizens.pathway[rows] = Pathway.LEFT
        citizens.spec_state[rows] = SpecialistState.NONE
        self.journeys.log(self.week, rows, kind)
        self.tally.add(f"departures_{kind}", rows.size)
        if self._citizen_views:  # someone was looking: the agents of those who left go
            for citizen_id in citizens.ids_of(rows).tolist():
                view = self._citizen_views.pop(citizen_id, None)
                if view is not None:
                    view.remove()
