"""The cost of moving from one care model to another.

The model cannot hand a running district from one care model to another, so a transition is
built from outside, from runs it can make:

- every scenario is launched on the same district on the same day (no warm-up): the same
  citizens, with the same needs and the same luck (common random numbers). The people whose
  needs are there on day one are the backlog the new service has to take on from an empty
  caseload, with no relationships yet; the old service starts from the same place, so the
  difference between the two is the change of model and nothing else;
- for the overlap weeks both teams are paid: the old service's staff cost (the first
  scenario's, replication by replication) is added to each new service's own, while the new
  team builds up;
- savings are then cumulated from launch, for the whole system and for each payer, and the
  break-even week read off (relsim.commission.payers).

When the comparison runs over the calibrated ensemble, the launched runs use the same parameter
sets, replication by replication, and the savings hold the same kind of interval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from relsim.commission.payers import PayerComparison, add_overlap, compare_payers, spending
from relsim.commission.resources import with_values
from relsim.config import Scenario, ScenarioError

if TYPE_CHECKING:
    from relsim.runner import RunResult

# runs a launched scenario: (the scenario, its position among the compared ones)
Runner = Callable[[Scenario, int], "list[RunResult]"]


def launched(scenario: Scenario) -> Scenario:
    """The scenario launched on day one: no warm-up, the same horizon."""
    return with_values(scenario, {"time.warmup_weeks": 0}, "launched for the transition")


def check_overlap(configs: Sequence[Scenario], overlap_weeks: int) -> None:
    horizon = configs[0].time.weeks
    if overlap_weeks > horizon:
        raise ScenarioError(
            f"--transition-weeks {overlap_weeks}: longer than the horizon ({horizon} weeks)"
        )


def transition(
    configs: Sequence[Scenario],
    overlap_weeks: int,
    run: Runner,
    set_of: Mapping[int, int] | None = None,
) -> tuple[list[PayerComparison], dict[str, Any]]:
    """Launch every scenario, add the double running, and compare each with the first.
    `set_of` gives each replication's parameter set when the runs are over the ensemble."""
    results = [run(launched(c), i) for i, c in enumerate(configs)]
    reps = [r.replication for r in results[0]]
    sets = None if set_of is None else [set_of[r] for r in reps]
    spent = []
    for config, runs in zip(configs, results, strict=True):
        frame = _series(runs)
        spent.append(spending(frame, config, 1, reps))
    old = _series(results[0])
    old_staff = (
        old.pivot(index="replication", columns="week", values="staff_cost_gbp")
        .reindex(index=reps)
        .to_numpy(float)
    )
    comparisons = []
    for config, other in zip(configs[1:], spent[1:], strict=True):
        with_overlap = add_overlap(other, old_staff, overlap_weeks)
        comparisons.append(
            compare_payers(spent[0], with_overlap, (config.name, configs[0].name), sets)
        )
    overlap_cost = float(np.mean(old_staff[:, :overlap_weeks].sum(axis=1)))
    info = {
        "overlap_weeks": overlap_weeks,
        "weeks": int(spent[0].weeks.size),
        "double_running_gbp": overlap_cost,
    }
    return comparisons, info


def _series(runs: Sequence[RunResult]) -> pd.DataFrame:
    return pd.concat([r.timeseries for r in runs], ignore_index=True)
