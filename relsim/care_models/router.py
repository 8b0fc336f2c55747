"""Which pathway serves whom: everyone to one model, (hybrid) the citizens who look more complex
to caseworkers and the rest to assess-do-refer, or (none) nobody: presentations find no service.
The hybrid routes on needs as a first conversation sees them (with a stranger's assessment
error), not on true needs. Sweeping the hybrid threshold asks what the right balance is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from relsim.care_models.assess_do_refer import AssessDoRefer
from relsim.care_models.base import CarePathway, seen_as_complex
from relsim.care_models.liberated import Liberated
from relsim.citizens import Route
from relsim.config.schema import Scenario

if TYPE_CHECKING:
    from relsim.district import District, Week


@dataclass
class Router:
    """`entry` receives every presentation unless a complexity threshold splits them (hybrid);
    with no pathways at all (care model none) presentations are counted and go nowhere."""

    pathways: dict[Route, CarePathway]
    entry: Route | None
    complexity_threshold: int | None = None

    @property
    def serves(self) -> bool:
        """False under care model none: nobody is there to take a presentation."""
        return self.entry is not None

    def route(self, district: District, week: Week, rows: np.ndarray) -> None:
        """Send this week's presentations to their pathway."""
        if rows.size == 0 or self.entry is None:
            return
        if self.complexity_threshold is None:
            self.pathways[self.entry].intake(district, week, rows)
            return
        if district.config.hybrid.routing == "at_the_front_door":
            # the front door's screening routes them, in its duty workers' hours
            self.pathways[Route.ASSESS_DO_REFER].intake(district, week, rows)
            return
        # Route on what a first conversation sees, not on true needs: a stranger's view, with
        # the front door's assessment error.
        config = district.config
        need = district.citizens.need.take(rows, axis=0)
        noise = district.streams["assessment"].normal(0.0, 1.0, need.shape)
        seen = need + noise * config.assess_do_refer.assessment_error_sd
        complex_ = seen_as_complex(config, seen)
        self.pathways[Route.LIBERATED].intake(district, week, rows[complex_])
        self.pathways[Route.ASSESS_DO_REFER].intake(district, week, rows[~complex_])

    def work(self, district: District, week: Week) -> None:
        for pathway in self.pathways.values():
            pathway.work(district, week)


def build_router(scenario: Scenario) -> Router:
    if scenario.care_model == "none":
        return Router({}, None)
    if scenario.care_model == "assess_do_refer":
        return Router({Route.ASSESS_DO_REFER: AssessDoRefer()}, Route.ASSESS_DO_REFER)
    if scenario.care_model == "liberated":
        if scenario.liberated.fallback == "assess_do_refer":
            adr = AssessDoRefer(post_role=Route.LIBERATED)
            return Router(
                {
                    Route.LIBERATED: Liberated(fallback_intake=adr.intake),
                    Route.ASSESS_DO_REFER: adr,
                },
                Route.LIBERATED,
            )
        return Router({Route.LIBERATED: Liberated()}, Route.LIBERATED)
    caseworkers = Liberated()
    return Router(
        {
            Route.LIBERATED: caseworkers,
            Route.ASSESS_DO_REFER: AssessDoRefer(complex_to=caseworkers.intake),
        },
        Route.LIBERATED,
        complexity_threshold=scenario.hybrid.complexity_threshold_active_needs,
    )


def post_layout(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Roles and caseload caps of the posts (none under care model none)."""
    workers = scenario.workforce.workers
    cap = scenario.workforce.caseload_cap
    if scenario.care_model == "none":
        return np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int64)
    if scenario.care_model == "assess_do_refer":
        return np.full(workers, Route.ASSESS_DO_REFER), np.full(workers, cap)
    if scenario.care_model == "liberated":
        return np.full(workers, Route.LIBERATED), np.full(workers, cap)
    caseworkers = round(workers * scenario.hybrid.caseworker_share_of_workforce)
    roles = np.array(
        [Route.LIBERATED] * caseworkers + [Route.ASSESS_DO_REFER] * (workers - caseworkers)
    )
    caps = np.where(roles == Route.LIBERATED, scenario.hybrid.caseworker_caseload_cap, cap)
    return roles, caps
