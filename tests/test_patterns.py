"""Pattern tests (model.md section 1): P1 to P8 over replications.

Each comparison is paired: replication r of every scenario uses the same seed, so the citizens
and their luck are the same (common random numbers) and the 95 % t-interval of the per-
replication difference is tight. The thresholds test the *direction* of each pattern with a
margin, not the value the current calibration happens to give; each docstring says what was
measured when the threshold was chosen (6 replications, the district below).

The district is the bundled one made smaller to keep the suite fast: 1,500 citizens, 3 arrivals a
week, staff scaled by half, three measured years after a one-year warm-up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from relsim.config import load_scenario
from relsim.runner import run_one
from relsim.stats import mean_ci95

pytestmark = pytest.mark.slow

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = {"adr": SCENARIOS / "baseline.yaml", "lib": SCENARIOS / "liberated.yaml"}
REPS = 6
FIVE_YEAR_REPS = 12  # P3's five-year difference at complexity 1.0 is noisier (its docstring)
SEED = 20261122
WORKER_SCALE = 0.5
DISTRICT = (
    "population.citizens=1500",
    "population.arrivals_per_week=3",
    "time.weeks=156",
    "time.warmup_weeks=52",
)
CRISES = "crisis_events_per_citizen_year"
TOTAL_COST = "total_cost_per_citizen_year"
TRANSACTIONAL = "share_time_transactional"

Runs = tuple[dict[str, float], ...]


@functools.cache
def runs(model: str, *sets: str, reps: int = REPS) -> Runs:
    """Metrics of replications 0..reps-1 of one bundled scenario with overrides."""
    path = FILES[model]
    workers = round(load_scenario(path).workforce.workers * WORKER_SCALE)
    scenario = load_scenario(path, sets=[*DISTRICT, f"workforce.workers={workers}", *sets])
    return tuple(run_one(scenario, SEED, r).metrics for r in range(reps))


def values(results: Runs, metric: str) -> list[float]:
    return [r[metric] for r in results]


def paired(
    first: Runs,
    second: Runs,
    metric: str,
    combine: Callable[[float, float], float] = lambda a, b: b - a,
) -> list[float]:
    """combine(first_r, second_r) per replication; default second - first."""
    return [combine(a[metric], b[metric]) for a, b in zip(first, second, strict=True)]


def interval(samples: Sequence[float]) -> tuple[float, float, float]:
    summary = mean_ci95(samples)
    assert summary["ci95"] is not None, f"no interval from {samples}"
    low, high = summary["ci95"]
    return summary["mean"], low, high


def describe(label: str, samples: Sequence[float]) -> str:
    mean, low, high = interval(samples)
    return f"{label}: mean {mean:.4g}, 95% CI [{low:.4g}, {high:.4g}] over {len(samples)} reps"


def test_p1_high_complexity_relational_model_has_fewer_crises_and_lower_total_cost() -> None:
    """P1, many interacting needs (demand_complexity=0.9).

    Thresholds: the upper 95 % bound of the paired difference (liberated - assess-do-refer)
    is below 0 for crisis events and for total cost per citizen-year, and the mean relative
    crisis reduction is at least 10 % ("markedly lower"). Measured when chosen: crises
    -1.67 [-1.79, -1.54] events/citizen-year (-24 %), total cost -1,122 [-1,241, -1,002]
    GBP/citizen-year (-11 %). Measured on 2026-12-04, with the model as it is now: crises -1.15
    [-1.23, -1.08] (-12.4 % [-13.3 %, -11.6 %], close to the 10 % threshold), total cost -220
    [-342, -97]: the advantage this district shows at 0.9 is about half what it was. Most of
    the fall came with the redesigned core, in which the relational effect needs caseworker time
    and a relationship: this computation, rerun on each version of the model since the threshold
    was chosen, gives -24 % up to the redesign, -9 % to -10 % on its first versions, -15 % once
    depth and knowledge grew with contact, then -13.8 % to -12.4 % with the referral chain and
    draws keyed by citizen. So the threshold was set on a model whose effect did not have to be
    earned."""
    adr = runs("adr", "demand_complexity=0.9")
    lib = runs("lib", "demand_complexity=0.9")
    crises = paired(adr, lib, CRISES)
    relative = paired(adr, lib, CRISES, lambda a, b: (b - a) / a)
    cost = paired(adr, lib, TOTAL_COST)
    assert interval(crises)[2] < 0, describe("crises liberated - ADR", crises)
    assert interval(relative)[0] <= -0.10, describe("relative crises", relative)
    assert interval(cost)[2] < 0, describe("total cost liberated - ADR", cost)


def test_p1_low_complexity_assess_do_refer_is_cheaper_with_similar_crises() -> None:
    """P1, single independent needs (demand_complexity=0.1).

    Thresholds: the lower 95 % bound of the paired total-cost difference (liberated -
    assess-do-refer) is above 0, and the whole interval of the paired relative difference in
    crisis events lies within +-25 % ("similar outcomes"). Measured when chosen: total cost
    +1,202 [1,099, 1,304] GBP/citizen-year; crises -6.5 % [-7.1 %, -5.8 %]. On 2026-12-04:
    +1,583 [1,564, 1,602]; crises -6.6 % [-7.0 %, -6.2 %]."""
    adr = runs("adr", "demand_complexity=0.1")
    lib = runs("lib", "demand_complexity=0.1")
    cost = paired(adr, lib, TOTAL_COST)
    relative = paired(adr, lib, CRISES, lambda a, b: (b - a) / a)
    assert interval(cost)[1] > 0, describe("total cost liberated - ADR", cost)
    _, low, high = interval(relative)
    assert low > -0.25 and high < 0.25, describe("relative crises", relative)


def test_p4_relational_advantage_grows_with_continuity() -> None:
    """P4: the crisis advantage of the relational model (assess-do-refer - liberated, paired)
    is larger at continuity=0.9 than at continuity=0.1.

    Threshold: the lower 95 % bound of (advantage at 0.9 - advantage at 0.1), paired by
    replication, is above 0. Measured when chosen: advantage 0.737 [0.698, 0.776] at 0.9 and
    0.564 [0.497, 0.630] at 0.1 events/citizen-year; difference 0.174 [0.118, 0.230]. On
    2026-12-04: 0.675 [0.634, 0.716] and 0.258 [0.196, 0.320]; difference 0.418
    [0.352, 0.483]."""
    high = paired(runs("lib", "continuity=0.9"), runs("adr", "continuity=0.9"), CRISES)
    low = paired(runs("lib", "continuity=0.1"), runs("adr", "continuity=0.1"), CRISES)
    growth = [h - lo for h, lo in zip(high, low, strict=True)]
    assert interval(growth)[1] > 0, (
        f"{describe('advantage growth', growth)}; {describe('at 0.9', high)}; "
        f"{describe('at 0.1', low)}"
    )


def test_p5_friction_raises_crises_under_assess_do_refer_more_than_under_liberated() -> None:
    """P5: under assess-do-refer, crisis demand and system-wide failure demand rise from
    referral_friction=0.1 to 0.9; the relational model's crisis demand changes less than half as
    much. (The non-linear shape is tested at complexity 0.7 in tests/test_referral_chain.py.)

    Thresholds: the lower 95 % bounds of the paired assess-do-refer changes (0.9 - 0.1) in
    crises and in failure-demand share are above 0, and the upper bound of (|change under
    liberated| - 0.5 |change under assess-do-refer|), paired, is below 0."""
    adr_low, adr_high = runs("adr", "referral_friction=0.1"), runs("adr", "referral_friction=0.9")
    adr = paired(adr_low, adr_high, CRISES)
    lib = paired(runs("lib", "referral_friction=0.1"), runs("lib", "referral_friction=0.9"), CRISES)
    assert interval(adr)[1] > 0, describe("ADR change 0.1 -> 0.9", adr)
    failure = paired(adr_low, adr_high, "failure_demand_share")
    assert interval(failure)[1] > 0, describe("ADR failure-demand share change", failure)
    gap = [abs(b) - 0.5 * abs(a) for a, b in zip(adr, lib, strict=True)]
    assert interval(gap)[2] < 0, (
        f"{describe('|liberated change| - 0.5 |ADR change|', gap)}; {describe('liberated', lib)}"
    )


def test_p7_transaction_cost_share_under_assess_do_refer() -> None:
    """P7: a quarter or more of staff time under assess-do-refer is transactional
    (assessment, referral paperwork, re-assessment, recording), more than under the
    relational model.

    Thresholds: the lower 95 % bound of share_time_transactional under assess-do-refer is at
    least 0.25, and the lower bound of the paired difference (assess-do-refer - liberated) is
    above 0. Measured when chosen: 0.497 [0.492, 0.503] vs 0.053, difference 0.445
    [0.439, 0.450]. On 2026-12-04: 0.566 [0.559, 0.573] vs 0.061, difference 0.505
    [0.498, 0.512]."""
    adr = runs("adr")
    lib = runs("lib")
    share = values(adr, TRANSACTIONAL)
    difference = paired(lib, adr, TRANSACTIONAL)
    assert interval(share)[1] >= 0.25, describe("ADR transactional share", share)
    assert interval(difference)[1] > 0, describe("ADR - liberated", difference)


def test_p3_relational_model_costs_more_in_year_one_and_breaks_even_at_high_complexity() -> None:
    """P3: from launch (no warm-up), the Liberated Method's total cost per citizen-year is
    higher over the first year and, at the highest complexity (1.0), lower over five years: a
    break-even point exists. Where it falls depends on complexity: at 0.9 the five-year costs
    are about level, and at the baseline's complexity (0.6) the gap only narrows.

    Thresholds: year-one difference (liberated - baseline) lower bound > 0 at 1.0; five-year
    difference at 1.0 upper bound < 0; at 0.6 the five-year difference is smaller than the
    year-one one (paired, lower bound of year one - five years > 0). Measured when chosen
    (draws keyed by row): five-year differences -212 [-323, -102] GBP at 1.0 and -12 [-111, 87]
    at 0.9. The five-year difference at 1.0 varies from one replication to the next by about
    £110 a citizen-year against a mean of about -£160, so six replications left the test to
    chance: with draws keyed by citizen its first six gave -137 [-287, 13], twenty -173
    [-224, -122] (keyed by row, twenty: -152 [-210, -94]). It runs on twelve: -155 [-241, -69].
    The experiment break_even_complexity gives the same at the scenarios' values with its own
    seed (docs/results/break_even_complexity_chance: -149 at 1.0, +20 [-40, 80] at 0.9), and
    shows that over the calibrated ensemble the break-even does not hold on average."""
    launch = ("time.warmup_weeks=0",)
    high = (*launch, "demand_complexity=1.0")
    year_one = paired(
        runs("adr", *high, "time.weeks=52"), runs("lib", *high, "time.weeks=52"), TOTAL_COST
    )
    five = paired(
        runs("adr", *high, "time.weeks=260", reps=FIVE_YEAR_REPS),
        runs("lib", *high, "time.weeks=260", reps=FIVE_YEAR_REPS),
        TOTAL_COST,
    )
    assert interval(year_one)[1] > 0, describe("year one at 1.0", year_one)
    assert interval(five)[2] < 0, describe("five years at 1.0", five)
    base_one = paired(
        runs("adr", *launch, "time.weeks=52"), runs("lib", *launch, "time.weeks=52"), TOTAL_COST
    )
    base_five = paired(
        runs("adr", *launch, "time.weeks=260"), runs("lib", *launch, "time.weeks=260"), TOTAL_COST
    )
    narrowing = [a - b for a, b in zip(base_one, base_five, strict=True)]
    assert interval(narrowing)[1] > 0, describe("gap narrowing at 0.6", narrowing)


def test_p6_burnout_has_a_knee_as_caseloads_rise() -> None:
    """P6: with the same caseworkers, raising the caseload cap raises burnout steeply up to a
    point and little after it: a knee, not a straight line.

    Threshold: the paired rise in mean_burnout from cap 8 to 20 is more than three times the
    rise from 20 to 30 (lower bound of rise(8->20) - 3 x rise(20->30) > 0). Measured: burnout
    0.003, 0.02, 0.28, 0.52, 0.52 at caps 8, 10, 14, 20, 30 (on 2026-12-04: 0.004, 0.049,
    0.64, 0.83, 0.88), so the knee lies between caps 10 and 20 with the calibrated burnout gain
    (it was near 10 before calibration). Crisis demand
    past the knee is not tested: when measured it did not rise in this half-size district (more
    people are held at higher caps), while over the calibrated ensemble in the bundled district
    it rises past a cap of 10 (docs/results.md)."""
    low, mid, high = (runs("lib", f"workforce.caseload_cap={cap}") for cap in (8, 20, 30))
    first = paired(low, mid, "mean_burnout")
    second = paired(mid, high, "mean_burnout")
    knee = [a - 3 * b for a, b in zip(first, second, strict=True)]
    assert interval(knee)[1] > 0, describe("rise 8->20 minus 3 x rise 20->30", knee)


def test_p8_a_fifth_or_more_of_closed_cases_return_within_a_year() -> None:
    """P8: under assess-do-refer at least a fifth of closed cases come back within a year
    (children's social care: 22 % re-referred within 12 months).

    Threshold: lower bound of repeat_within_year_share >= 0.2. Measured after calibration
    0.284 [0.275, 0.292] in this smaller district (0.456 before); on 2026-12-04 0.616
    [0.607, 0.625], far above the calibration's 15-30 % window, which docs/calibration.md checks
    in the bundled district (and finds missed). Rerun on each version of the model since (four
    replications): about 0.29 from the calibration to the redesigned core, 0.49 with its first
    version, 0.63 with the referral chain (failure returns among it), about 0.62 since; the
    calibrations made after the redesign did not bring it back."""
    shares = values(runs("adr"), "repeat_within_year_share")
    assert interval(shares)[1] >= 0.2, describe("repeat within a year", shares)


def test_p2_relational_support_reduces_ae_and_arrests_in_the_high_complexity_cohort() -> None:
    """P2 (direction only): at high complexity (0.9) the Liberated Method has fewer A&E-type
    crises and fewer arrests than assess-do-refer for the same citizens.

    Threshold: the upper 95 % bound of the paired relative change is below -10 % for both,
    district-wide. The size is held out for validation (docs/validation.md, on the comparable
    group: people held a year or more, before and after); district-wide the change is diluted
    by everyone still waiting for a caseworker, so this test guards the direction. Measured
    when chosen: about -31 % and -28 %. On 2026-12-04, with the model as it is now: A&E -12.8 %
    [-13.7 %, -11.8 %], arrests -11.4 % [-12.5 %, -10.3 %], so the arrests bound is close to the
    threshold. As for P1, the fall came with the redesigned core: rerun on the model as it was,
    A&E -25 % and arrests -23 % before it, -9 % and -9 % on its first version, -15 % and -15 %
    once relationships grew with contact."""
    adr = runs("adr", "demand_complexity=0.9")
    lib = runs("lib", "demand_complexity=0.9")
    for metric in ("crisis_ae_per_citizen_year", "crisis_police_per_citizen_year"):
        change = paired(adr, lib, metric, lambda a, b: (b - a) / a)
        assert interval(change)[2] < -0.10, describe(metric, change)
