"""Everything a commissioner's comparison reports beyond the metrics: the resources on each side,
how spend was equalised, district totals, who pays and who saves and when, the transition,
the inputs and assumptions behind it, and weekly series with bands for the figures.

`analyse` adds these to the `relsim compare` JSON payload (so `--json`, the HTML report and the
workbook show the same numbers) and returns the weekly arrays the figures need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from relsim.commission.inputs import (
    assumption_count,
    differing_inputs,
    given_on_command_line,
    kind_of,
    no_sensitivity,
    parameter_meta,
    prices,
    sensitivity_summary,
)
from relsim.commission.payers import (
    PAYER_LABELS,
    PayerComparison,
    band,
    compare_payers,
    spending,
    summary,
)
from relsim.commission.spend import Sizing
from relsim.commission.transition import transition
from relsim.config import Scenario
from relsim.evidence.intervals import METRIC_FLOOR, PARAMETERS

if TYPE_CHECKING:
    from relsim.runner import RunResult

WEEKS_PER_YEAR = 52.0


def _per_1000(ts: pd.DataFrame, column: str) -> pd.Series:
    return ts[column] / ts["citizens"].where(ts["citizens"] > 0) * 1000


#: weekly series drawn with bands: key -> (title, unit, how to compute it from the series)
SERIES: dict[str, tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = {
    "crises_per_1000_citizens": (
        "Crisis events",
        "events per 1,000 citizens a week",
        lambda ts: _per_1000(ts, "crises"),
    ),
    "total_cost_per_citizen_year": (
        "Total cost, all payers",
        "GBP per citizen-year (the week's spending, annualised)",
        lambda ts: ts["total_cost_gbp"] / ts["citizens"].where(ts["citizens"] > 0) * 52,
    ),
    "people_waiting": (
        "People waiting",
        "people (front door and for a caseworker)",
        lambda ts: ts["waiting_front_door"] + ts["waiting_caseworker"],
    ),
    "specialist_waiting": (
        "Specialist waiting lists",
        "referrals waiting",
        lambda ts: ts["waiting_specialist"],
    ),
    "mean_caseload": ("Caseload", "open cases per worker in post", lambda ts: ts["mean_caseload"]),
    "staff_utilisation": (
        "Staff utilisation",
        "share of case hours worked",
        lambda ts: ts["staff_utilisation"],
    ),
    "mean_burnout": (
        "Burnout",
        "mean burnout of workers in post (0-1)",
        lambda ts: ts["mean_burnout"],
    ),
}


@dataclass
class Band:
    weeks: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass
class Analysis:
    """The extended payload, and the arrays behind the figures."""

    payload: dict[str, Any]
    configs: list[Scenario]
    series: dict[str, dict[str, Band]] = field(default_factory=dict)
    payers: list[PayerComparison] = field(default_factory=list)
    transition: list[PayerComparison] = field(default_factory=list)


def _say_sized(
    inputs: dict[str, dict[str, dict[str, Any]]], configs: Sequence[Scenario], sizing: Sizing
) -> None:
    """A workforce that equal spend sized is not the scenario's choice: its source says what
    set it and what the file said."""
    for (name, entries), config in zip(inputs.items(), configs, strict=True):
        written = sizing.posts_as_written(name)
        if written is None:
            continue
        if "workforce.workers" not in entries:  # sized to the default: listed all the same
            entries["workforce.workers"] = {
                "value": config.workforce.workers,
                "default": Scenario().workforce.workers,
                "unit": parameter_meta()["workforce.workers"].get("unit", ""),
                "kind": kind_of("workforce.workers"),
                "assumption": False,
                "set_by_hand": False,
            }
        entries["workforce.workers"]["source"] = f"sized by {sizing.option} ({written} as written)"


def _timeseries(runs: Sequence[RunResult]) -> pd.DataFrame:
    return pd.concat([r.timeseries for r in runs], ignore_index=True)


def _bands(
    frame: pd.DataFrame, first_week: int, set_of: dict[int, int] | None = None
) -> dict[str, Band]:
    measured = frame[frame["week"] >= first_week]
    found = {}
    for key, (_, _, compute) in SERIES.items():
        values = measured.assign(value=compute(measured)).pivot(
            index="replication", columns="week", values="value"
        )
        sets = None if set_of is None else [set_of[r] for r in values.index]
        mean, low, high = band(values.to_numpy(float), sets)
        # no weekly series drawn is negative: a t-band is cut at zero, as the metrics' are
        low = np.maximum(low, METRIC_FLOOR)
        found[key] = Band(values.columns.to_numpy() - first_week + 1, mean, low, high)
    return found


def _district(
    frame: pd.DataFrame,
    results: Sequence[RunResult],
    first_week: int,
    set_of: dict[int, int] | None = None,
) -> dict:
    """District totals a year: each per citizen-year metric times the citizens present."""
    measured = frame[frame["week"] >= first_week]
    present = measured.groupby("replication")["citizens"].mean()
    by_rep = {r.replication: r.metrics for r in results}
    reps = list(present.index)
    sets = None if set_of is None else [set_of[r] for r in reps]

    def interval(values: list[float]) -> dict:
        # every district total is a count or a spend: its interval stops at zero
        return dict(summary(np.asarray(values, dtype=float), sets, METRIC_FLOOR))

    def yearly(metric: str) -> dict:
        return interval([by_rep[r][metric] * present[r] for r in reps])

    return {
        "citizens_present": interval([float(present[r]) for r in reps]),
        "total_cost_gbp_per_year": yearly("total_cost_per_citizen_year"),
        "staff_cost_gbp_per_year": yearly("staff_cost_per_citizen_year"),
        "crisis_cost_gbp_per_year": yearly("crisis_cost_per_citizen_year"),
        "crisis_events_per_year": yearly("crisis_events_per_citizen_year"),
    }


def _parameter_sets(payload: dict[str, Any], reps: Sequence[int]) -> dict[int, int] | None:
    """Each replication's parameter set when the comparison ran over the calibrated ensemble
    (replication r uses set r // reps_per_set), so that its payers, district totals and bands
    hold the same kind of interval as its differences; None for chance-only intervals."""
    interval = payload.get("interval") or {}
    per_set = interval.get("reps_per_set")
    if interval.get("kind") != PARAMETERS or not per_set:
        return None
    return {r: r // int(per_set) for r in reps}


def _payer_json(comparison: PayerComparison) -> dict[str, Any]:
    return {
        "weeks": int(comparison.weeks.size),
        "payers": {
            row["payer"]: {"label": PAYER_LABELS[row["payer"]], **dict(row)}
            for row in comparison.rows
        },
    }


def add_transition(
    payload: dict[str, Any],
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    weeks: int,
    run_launched: Callable[[Scenario, int], list[RunResult]],
) -> list[PayerComparison]:
    """The payers' spend over the first `weeks` after each scenario is launched, into the
    payload (`transition`); also what a rerun of the comparison works out again."""
    set_of = _parameter_sets(payload, [r.replication for r in runs[0]])
    comparisons, info = transition(list(configs), weeks, run_launched, set_of)
    payload["transition"] = {
        **info,
        "comparisons": {c.label: _payer_json(c) for c in comparisons},
    }
    return comparisons


def analyse(
    payload: dict[str, Any],
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    *,
    sizing: Sizing | None = None,
    transition_weeks: int | None = None,
    run_launched: Callable[[Scenario, int], list[RunResult]] | None = None,
    sensitivity: Path | None = None,
    warnings: Sequence[str] = (),
    set_args: Sequence[str] = (),
) -> Analysis:
    """Add the commissioner's sections to a compare payload (in place) and gather the figures'
    data. `run_launched` runs a scenario (for the transition: the scenario and its position),
    with the comparison's seeds and parameter sets; `set_args` are the --set arguments applied to
    every scenario, to attribute the values they gave."""
    configs = list(configs)
    analysis = Analysis(payload, configs)
    frames = [_timeseries(r) for r in runs]
    reps = [r.replication for r in runs[0]]
    set_of = _parameter_sets(payload, reps)
    sets = None if set_of is None else [set_of[r] for r in reps]
    spent = []
    for config, frame, results, block in zip(
        configs, frames, runs, payload["scenarios"], strict=True
    ):
        first_week = config.time.warmup_weeks + 1
        block["district"] = _district(frame, results, first_week, set_of)
        analysis.series[config.name] = _bands(frame, first_week, set_of)
        spent.append(spending(frame, config, first_week, reps))
    analysis.payers = [
        compare_payers(spent[0], other, (config.name, configs[0].name), sets)
        for config, other in zip(configs[1:], spent[1:], strict=True)
    ]
    payload["equal_spend"] = None if sizing is None else sizing.as_json()
    payload["payers"] = {c.label: _payer_json(c) for c in analysis.payers}
    payload["transition"] = None
    if transition_weeks is not None and run_launched is not None:
        analysis.transition = add_transition(payload, configs, runs, transition_weeks, run_launched)
    given = given_on_command_line(set_args)
    payload["inputs"] = {c.name: differing_inputs(c, given) for c in configs}
    if sizing is not None:
        _say_sized(payload["inputs"], configs, sizing)
    payload["prices"] = {c.name: prices(c, given) for c in configs}
    payload["assumptions"] = assumption_count()
    payload["sensitivity"] = (
        no_sensitivity() if sensitivity is None else sensitivity_summary(sensitivity, configs)
    )
    payload["warnings"] = list(warnings)
    return analysis
