"""Calibration targets: the published figures the model is held against, how each is measured
from runs, and how far a set of runs is from all of them at once.

One definition serves both the calibration report (docs/calibration.md) and the search that
chose the calibrated defaults, so the two cannot measure different things.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from relsim.blas import one_blas_thread
from relsim.config import load_scenario
from relsim.config.schema import CRISIS_TYPES, Scenario
from relsim.metrics import compute_metrics
from relsim.model import CareModel
from relsim.pools import pool_for
from relsim.stats import mean_ci95

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
HIGH_COMPLEXITY = 0.9
SUPPORTED_WEEKS = 52  # held for a year or more of the measured period (MEAM: one to two years)

#: name -> (scenario file, extra --set overrides)
CONFIGS: dict[str, tuple[str, list[str]]] = {
    "adr": ("baseline.yaml", []),
    "lib": ("liberated.yaml", []),
    "adr_high": ("baseline.yaml", [f"demand_complexity={HIGH_COMPLEXITY}"]),
    "lib_high": ("liberated.yaml", [f"demand_complexity={HIGH_COMPLEXITY}"]),
}

Runs = dict[str, list[dict]]


def run_config(job: tuple[str, list[str], int, int]) -> dict:
    """One replication of one calibration configuration: its metrics and, per citizen, crises
    by type, weeks present and weeks held by a caseworker in the measured period (declared
    citizen columns), so the same people can be compared across runs."""
    name, overrides, seed, replication = job
    file, sets = CONFIGS[name]
    scenario = load_scenario(SCENARIOS / file, [*sets, *overrides])
    # Per-citizen columns are read at the end for everyone who came: no row is dropped.
    model = CareModel(
        scenario,
        replication=replication,
        seed=seed,
        record_journeys=False,
        record_series=False,
        compact_rows=False,
    )
    with one_blas_thread():
        for _ in range(model.final_week):
            model.step()
    metrics = compute_metrics(model)
    metrics["signposted_share"] = model.tally["closed_signposted"] / max(
        model.tally["assessments"], 1
    )
    citizens = model.citizens
    n = citizens.n
    return {
        "metrics": metrics,
        "crises": citizens.measured_crises[:n].copy(),
        "weeks": citizens.measured_weeks[:n].copy(),
        "held_weeks": citizens.measured_held_weeks[:n].copy(),
    }


Job = tuple[str, list[str], int, int]


def jobs(
    overrides: Sequence[str] = (),
    reps: int = 6,
    seed: int = 20261122,
    only: Mapping[str, Sequence[str]] | None = None,
) -> list[Job]:
    """Every calibration configuration `reps` times with the same seeds; `only` adds overrides
    to some configurations (e.g. the baseline district's staffing)."""
    only = only or {}
    return [
        (name, [*overrides, *only.get(name, ())], seed, r) for name in CONFIGS for r in range(reps)
    ]


def gather(job_list: Sequence[Job], results: Sequence[dict]) -> Runs:
    out: Runs = {name: [] for name in CONFIGS}
    for (name, *_), result in zip(job_list, results, strict=True):
        out[name].append(result)
    return out


def measure(
    overrides: Sequence[str] = (),
    reps: int = 6,
    seed: int = 20261122,
    only: Mapping[str, Sequence[str]] | None = None,
) -> Runs:
    job_list = jobs(overrides, reps, seed, only)
    with pool_for(2) as pool:
        return gather(job_list, list(pool.map(run_config, job_list)))


# -- quantities measured from runs ---------------------------------------------------------
def metric(config: str, name: str) -> Callable[[Runs], list[float]]:
    return lambda runs: [r["metrics"][name] for r in runs[config]]


def supported_cohort_change(crisis: str) -> Callable[[Runs], list[float]]:
    """Relative change in a crisis rate for people held a year or more, against the same
    people (same rows, common random numbers) under assess-do-refer, one value per replication.
    """
    k = CRISIS_TYPES.index(crisis)

    def changes(runs: Runs) -> list[float]:
        values = []
        for adr, lib in zip(runs["adr_high"], runs["lib_high"], strict=True):
            rows = min(adr["weeks"].size, lib["weeks"].size)
            cohort = np.flatnonzero(lib["held_weeks"][:rows] >= SUPPORTED_WEEKS)
            before = adr["crises"][cohort, k].sum() / max(adr["weeks"][cohort].sum(), 1)
            after = lib["crises"][cohort, k].sum() / max(lib["weeks"][cohort].sum(), 1)
            values.append(after / before - 1.0 if before > 0 else float("nan"))
        return values

    return changes


def district_change(name: str) -> Callable[[Runs], list[float]]:
    def changes(runs: Runs) -> list[float]:
        return [
            lib["metrics"][name] / adr["metrics"][name] - 1.0
            for adr, lib in zip(runs["adr_high"], runs["lib_high"], strict=True)
        ]

    return changes


@dataclass(frozen=True)
class Target:
    """A published figure with the window the model should fall in."""

    key: str
    quantity: str
    source: str
    scope: str  # which runs, in words
    low: float
    high: float
    values: Callable[[Runs], list[float]]
    unit: str = ""  # "%" for shares shown as percentages

    def mean(self, runs: Runs) -> float:
        values = [v for v in self.values(runs) if np.isfinite(v)]
        return float(np.mean(values)) if values else float("nan")

    def met(self, runs: Runs) -> bool:
        return self.low <= self.mean(runs) <= self.high

    def distance(self, runs: Runs) -> float:
        """0 inside the window; outside, how far, in widths of the window."""
        value = self.mean(runs)
        if not np.isfinite(value):
            return 10.0
        gap = max(self.low - value, value - self.high, 0.0)
        return gap / (self.high - self.low)

    def summary(self, runs: Runs) -> str:
        s = mean_ci95(self.values(runs))
        mean = s["mean"]
        if mean is None:
            return "no value"
        low, high = s["ci95"] or (mean, mean)
        return f"{_fmt(mean, self.unit)} [{_fmt(low, self.unit)}, {_fmt(high, self.unit)}]"

    def window(self) -> str:
        return f"{_fmt(self.low, self.unit)} to {_fmt(self.high, self.unit)}"


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{100 * value:.0f} %"
    if unit == "+%":
        return f"{100 * value:+.0f} %"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


TARGETS: list[Target] = [
    Target(
        "adr_caseload",
        "Transactional caseload (open cases per duty worker)",
        "community mental-health keyworkers 21-30; children's social workers 16-18",
        "baseline",
        16,
        30,
        metric("adr", "mean_caseload"),
    ),
    Target(
        "lib_caseload",
        "Relational caseload (people per caseworker)",
        "Housing First fidelity 1:7; 'small caseloads are vital' (Fulfilling Lives)",
        "liberated",
        5,
        12,
        metric("lib", "mean_caseload"),
    ),
    Target(
        "adr_turnover",
        "Staff turnover, front-door workers (leavers per FTE-year)",
        "children's social workers about 16 % (DfE 2023); adult social care about 30 % "
        "(Skills for Care)",
        "baseline",
        0.16,
        0.30,
        metric("adr", "staff_turnover_per_fte_year"),
        "%",
    ),
    Target(
        "lib_turnover",
        "Staff turnover, caseworkers (leavers per FTE-year)",
        "as above: 16-30 % a year",
        "liberated",
        0.16,
        0.30,
        metric("lib", "staff_turnover_per_fte_year"),
        "%",
    ),
    Target(
        "high_cost",
        "Public-service cost of the high-complexity cohort under assess-do-refer "
        "(GBP per person-year)",
        "more than £28,000 a year on joining (Fulfilling Lives evaluation, CFE Research 2021); "
        "the model's services are taken to be at least half of it",
        f"baseline at complexity {HIGH_COMPLEXITY}",
        14_000,
        28_000,
        metric("adr_high", "total_cost_per_citizen_year"),
    ),
    Target(
        "high_ae_rate",
        "A&E attendances per person-year, high-complexity cohort before support",
        "MEAM Approach evaluation: -0.4 a quarter was -54 % in year 3 (about 3 a year); "
        "1.2 a quarter at the start in year 5 (about 4.8 a year)",
        f"baseline at complexity {HIGH_COMPLEXITY}",
        3.0,
        4.8,
        metric("adr_high", "crisis_ae_per_citizen_year"),
    ),
    Target(
        "high_arrest_rate",
        "Arrests per person-year, high-complexity cohort before support",
        "MEAM Approach evaluation year 3: -0.3 a quarter was -41 % (about 2.9 a year)",
        f"baseline at complexity {HIGH_COMPLEXITY}",
        2.3,
        3.5,
        metric("adr_high", "crisis_police_per_citizen_year"),
    ),
    Target(
        "ae_reduction",
        "A&E attendances of people held a year or more, against the same people under "
        "assess-do-refer",
        "MEAM Approach evaluation: -37 % (year 5, people supported two years or more) to "
        "-54 % (year 3)",
        f"complexity {HIGH_COMPLEXITY}, liberated against baseline",
        -0.55,
        -0.35,
        supported_cohort_change("ae"),
        "+%",
    ),
    Target(
        "arrest_reduction",
        "Arrests of people held a year or more, against the same people under assess-do-refer",
        "MEAM Approach evaluation year 3: about -41 %",
        f"complexity {HIGH_COMPLEXITY}, liberated against baseline",
        -0.50,
        -0.30,
        supported_cohort_change("police"),
        "+%",
    ),
    Target(
        "repeat_demand",
        "Repeat demand: closed cases back within a year",
        "22 % of referrals are re-referrals within 12 months (DfE 2024)",
        "baseline",
        0.15,
        0.30,
        metric("adr", "repeat_within_year_share"),
        "%",
    ),
    Target(
        "signposting",
        "New requests turned away at the front door (signposting or no service)",
        "adult social care: 31 % signposted, 28 % no service (NHS Digital)",
        "baseline, assessments ending in signposting",
        0.30,
        0.70,
        metric("adr", "signposted_share"),
        "%",
    ),
    Target(
        "failure_demand",
        "Failure demand share of contacts",
        "Vanguard: 70-90 % in police and local authorities, lowest seen about 15 %",
        "baseline",
        0.15,
        0.90,
        metric("adr", "failure_demand_share"),
        "%",
    ),
    Target(
        "transactional_time",
        "Share of staff time that is transactional",
        "'at least 25 % of a professional's time is wasted ... pushing people around the "
        "system' (Health Foundation insight piece)",
        "baseline",
        0.25,
        1.0,
        metric("adr", "share_time_transactional"),
        "%",
    ),
    Target(
        "high_deaths",
        "Deaths in the high-complexity cohort (per 1,000 person-years)",
        "just over 1 in 20 died during Fulfilling Lives (several years): roughly 10-20 per "
        "1,000 a year",
        f"baseline at complexity {HIGH_COMPLEXITY}",
        10,
        20,
        metric("adr_high", "deaths_per_1000_citizen_years"),
    ),
]

#: Reported beside the targets for context: the district-wide change, diluted by everyone who
#: is waiting for a caseworker or was never held.
CONTEXT: list[Target] = [
    Target(
        "ae_district",
        "A&E attendances, whole district (context, not a target)",
        "",
        f"complexity {HIGH_COMPLEXITY}, liberated against baseline",
        -1,
        1,
        district_change("crisis_ae_per_citizen_year"),
        "+%",
    ),
    Target(
        "arrest_district",
        "Arrests, whole district (context, not a target)",
        "",
        f"complexity {HIGH_COMPLEXITY}, liberated against baseline",
        -1,
        1,
        district_change("crisis_police_per_citizen_year"),
        "+%",
    ),
]


def loss(runs: Runs) -> float:
    """Sum of squared distances outside every target window: 0 when all are met."""
    return float(sum(t.distance(runs) ** 2 for t in TARGETS))


def default_scenario() -> Scenario:
    return load_scenario(SCENARIOS / "baseline.yaml")
