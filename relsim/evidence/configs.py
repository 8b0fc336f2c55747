"""The runs the evidence is measured on: each configuration is one bundled scenario (or a pair of
them on the same seed, for estimands on the same people under both care models), with a
horizon, run with one set of uncertain-parameter values and reduced to one row of numbers: its
metrics and the estimands declared for it.

Fitting configurations measure five years (two of warm-up, three measured); validation ones
run eight (two of warm-up, six measured), long enough for two years of support with a quarter
before it, three-year tenancy follow-up and five-year re-referral.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from relsim import bundled
from relsim.config import load_scenario
from relsim.config.loading import load_raw
from relsim.config.schema import CRISIS_TYPES, Scenario
from relsim.evidence import estimands as est
from relsim.evidence.recorder import History, run_with_history
from relsim.evidence.uncertain import apply_values, explicit_in
from relsim.metrics import METRIC_NAMES, compute_metrics
from relsim.model import CareModel

HIGH_COMPLEXITY = 0.9
FIT_WEEKS = 156
VALIDATION_WEEKS = 312
Q = est.QUARTER
Y = est.YEAR


@dataclass(frozen=True)
class Config:
    """One evidence configuration: the scenarios run on the same seed, and what is read off."""

    name: str
    runs: tuple[tuple[str, tuple[str, ...]], ...]  # (bundled scenario, --set overrides) each
    quantities: Callable[[list[History], list[CareModel]], dict[str, float]]
    describe: str


def _fit_adr(histories: list[History], models: list[CareModel]) -> dict[str, float]:
    model = models[0]
    return {
        "signposted_share": est.routine_share(
            model.tally["closed_signposted"], model.tally["assessments"]
        ),
        "rereferral_12m_share": est.repeat_referral_share(histories[0]),
    }


def _fit_entry(histories: list[History], models: list[CareModel]) -> dict[str, float]:
    history = histories[0]
    cohort = est.supported(history, Q, 1)
    return {
        "entry_cohort": float(cohort.size),
        "entry_ae_rate": est.per_person_rate(history, cohort, "ae", (-Q, 0)),
        "entry_arrest_rate": est.per_person_rate(history, cohort, "police", (-Q, 0)),
    }


def _nothing(histories: list[History], models: list[CareModel]) -> dict[str, float]:
    return {}


def _unit_costs(model: CareModel) -> np.ndarray:
    return np.array([getattr(model.config.crises, n).unit_cost_gbp for n in CRISIS_TYPES])


def _validation_pair(histories: list[History], models: list[CareModel]) -> dict[str, float]:
    """Estimands on the people the caseworkers supported (first run: liberated), measured as
    the studies measured them, and the same rows over the same weeks under assess-do-refer
    (second run) beside them: what regression to the mean alone would give."""
    lib, adr = histories
    costs = _unit_costs(models[0])
    out: dict[str, float] = {}
    two_years = est.supported(lib, Q, 8 * Q, held_in=(7 * Q, 8 * Q), other=adr)
    one_year = est.supported(lib, Q, 4 * Q, held_in=(3 * Q, 4 * Q), other=adr)
    for suffix, history in (("", lib), ("_adr", adr)):
        out[f"meam_ae_q8{suffix}"] = est.relative_change(
            history, two_years, "ae", (-Q, 0), (7 * Q, 8 * Q)
        )
        out[f"meam_ae_q4{suffix}"] = est.relative_change(
            history, one_year, "ae", (-Q, 0), (3 * Q, 4 * Q)
        )
        out[f"meam_arrests_q4{suffix}"] = est.relative_change(
            history, one_year, "police", (-Q, 0), (3 * Q, 4 * Q)
        )
    out["meam_ae_q8_before"] = est.per_person_rate(lib, two_years, "ae", (-Q, 0)) / 4
    out["meam_ae_q8_after"] = est.per_person_rate(lib, two_years, "ae", (7 * Q, 8 * Q)) / 4
    out["meam_q8_cohort"] = float(two_years.size)
    out["meam_q4_cohort"] = float(one_year.size)
    year = est.supported(lib, Y, Y, other=adr)
    out["voices_cohort"] = float(year.size)
    for suffix, history in (("", lib), ("_adr", adr)):
        up, down = est.direction_shares(history, year, "ae", (-Y, 0), (0, Y))
        out[f"voices_up{suffix}"], out[f"voices_down{suffix}"] = up, down
    longest = est.supported(lib, Y, 8 * Q, held_in=(7 * Q, 8 * Q), other=adr)
    out["you_first_cohort"] = float(longest.size)
    for suffix, history in (("", lib), ("_adr", adr)):
        out[f"you_first_cost{suffix}"] = est.relative_change(
            history, longest, None, (-Y, 0), (0, Y), costs=costs
        )
    out["housing_first_3y"] = est.sustained_without(lib, "eviction", 3 * Y)
    out["housing_first_cohort"] = float(est.housed_cohort(lib, 3 * Y).size)
    out["four_plus_needs"] = est.share_with_needs(lib, 4)
    out["four_plus_cohort"] = float(np.count_nonzero(est.joined(lib)))
    return out


def _validation_adr(histories: list[History], models: list[CareModel]) -> dict[str, float]:
    return {
        "rereferral_5y_share": est.rereferral_within(histories[0], 5 * Y),
        "rereferral_5y_cohort": float(est.first_presenters(histories[0]).size),
        "rereferral_12m_share": est.repeat_referral_share(histories[0]),
    }


def _high(file: str, weeks: int) -> tuple[str, tuple[str, ...]]:
    return (file, (f"demand_complexity={HIGH_COMPLEXITY}", f"time.weeks={weeks}"))


CONFIGS: dict[str, Config] = {
    c.name: c
    for c in (
        Config("adr", (("baseline", (f"time.weeks={FIT_WEEKS}",)),), _fit_adr,
               "bundled assess-do-refer district"),
        Config("lib", (("liberated", (f"time.weeks={FIT_WEEKS}",)),), _nothing,
               "bundled Liberated Method district"),
        Config("adr_high", (_high("baseline", FIT_WEEKS),), _nothing,
               f"assess-do-refer at complexity {HIGH_COMPLEXITY}"),
        Config("lib_high", (_high("liberated", FIT_WEEKS),), _fit_entry,
               f"Liberated Method at complexity {HIGH_COMPLEXITY}"),
        Config("val_high", (_high("liberated", VALIDATION_WEEKS),
                            _high("baseline", VALIDATION_WEEKS)), _validation_pair,
               f"Liberated Method at complexity {HIGH_COMPLEXITY}, six measured years, with the "
               "same people under assess-do-refer"),
        Config("val_adr", (("baseline", (f"time.weeks={VALIDATION_WEEKS}",)),), _validation_adr,
               "bundled assess-do-refer district, six measured years"),
    )
}  # fmt: skip
FIT_CONFIGS = ("adr", "lib", "adr_high", "lib_high")
VALIDATION_CONFIGS = ("val_high", "val_adr")
QUANTITIES = (
    "signposted_share", "rereferral_12m_share", "entry_cohort", "entry_ae_rate",
    "entry_arrest_rate", "meam_ae_q8", "meam_ae_q8_adr", "meam_ae_q4", "meam_ae_q4_adr",
    "meam_arrests_q4", "meam_arrests_q4_adr", "meam_ae_q8_before", "meam_ae_q8_after",
    "meam_q8_cohort", "meam_q4_cohort", "voices_cohort", "voices_up", "voices_down",
    "voices_up_adr", "voices_down_adr", "you_first_cohort", "you_first_cost",
    "you_first_cost_adr", "housing_first_3y", "four_plus_needs", "rereferral_5y_share",
    "housing_first_cohort", "four_plus_cohort", "rereferral_5y_cohort",
)  # fmt: skip

#: The estimand each quantity is computed with (counts of a cohort's size have none); each
#: estimand is tagged with the study design it reproduces (estimands.designed).
QUANTITY_ESTIMAND: dict[str, Callable[..., Any]] = {
    "signposted_share": est.routine_share,
    "rereferral_12m_share": est.repeat_referral_share,
    "entry_ae_rate": est.per_person_rate,
    "entry_arrest_rate": est.per_person_rate,
    "meam_ae_q8_before": est.per_person_rate,
    "meam_ae_q8_after": est.per_person_rate,
    **{f"{q}{suffix}": est.relative_change for q in ("meam_ae_q8", "meam_ae_q4",
       "meam_arrests_q4", "you_first_cost") for suffix in ("", "_adr")},
    **{f"{q}{suffix}": est.direction_shares for q in ("voices_up", "voices_down")
       for suffix in ("", "_adr")},
    "housing_first_3y": est.sustained_without,
    "rereferral_5y_share": est.rereferral_within,
    "four_plus_needs": est.share_with_needs,
}  # fmt: skip


def scenario_for(
    file: str, sets: Sequence[str], values: Mapping[str, float], extra: Sequence[str] = ()
) -> Scenario:
    """A bundled scenario with overrides and uncertain-parameter values (written keys win)."""
    path = bundled.resolve("scenarios", Path(file))
    all_sets = [*sets, *extra]
    scenario = load_scenario(path, all_sets)
    if not values:
        return scenario
    return apply_values(scenario, values, explicit=explicit_in(load_raw(path, all_sets)))


def evaluate(
    config: str,
    values: Mapping[str, float],
    seed: int,
    replication: int,
    extra: Sequence[str] = (),
) -> dict[str, Any]:
    """One configuration, once: its metrics (of the first scenario) and its estimands."""
    spec = CONFIGS[config]
    histories, models = [], []
    for file, sets in spec.runs:
        scenario = scenario_for(file, sets, values, extra)
        # The history is kept by row, week after week: rows must not move.
        model = CareModel(
            scenario,
            replication=replication,
            seed=seed,
            record_journeys=False,
            compact_rows=False,
        )
        histories.append(run_with_history(model))
        models.append(model)
    row: dict[str, Any] = {m: float("nan") for m in (*METRIC_NAMES, *QUANTITIES)}
    row.update(compute_metrics(models[0]))
    for key, value in spec.quantities(histories, models).items():
        row[key] = float(value) if value is not None and math.isfinite(value) else float("nan")
    return row
