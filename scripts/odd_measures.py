"""The measurements docs/odd.md quotes from runs of the bundled scenarios, regenerated.

The ODD description states, beside its mechanisms, what they do in the bundled districts:
the specialist services' cost and utilisation, the failure-demand shares by source, what
failure returns add to repeat demand and duty caseloads, how hard
the bundled front door rations, how far the caseload cap is exceeded by returns, where need
settles in a district with no services, which part of continuity the relational advantage
depends on, and where the weekly crisis series settles (MSER-5). This
script reruns those runs (the bundled scenarios as shipped, the seeds and replications the text
names) and writes every quantity to one file, so the text can be checked against it.

    python scripts/odd_measures.py --workers 2      # about half a minute on two cores
    python scripts/odd_measures.py --quick --out /tmp/odd   # a tiny district, to check

Writes --out (default docs/odd/measures.csv): one row per measure, scenario and replication
(`replication` -1: the mean over them), with the section of docs/odd.md that quotes it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from relsim.citizens import Route
from relsim.config import Scenario
from relsim.config.loading import load_scenario
from relsim.evidence.configs import evaluate
from relsim.files import write_csv
from relsim.model import CareModel
from relsim.runner import run_replications
from relsim.warmup import mser5, steady_state_report, weekly_crisis_rate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SEED = 20261122  # the seed the text names for the bundled comparisons
CAP_SEED = 1  # the seed of its caseload-cap check
QUICK = ("population.citizens=300", "workforce.workers=4", "time.weeks=26", "time.warmup_weeks=13")
MODELS = ("baseline", "liberated", "hybrid")
#: (section of docs/odd.md, metric) measured in the bundled districts, 2 replications each
BUNDLED_METRICS = (
    ("7.11 Specialist services", "specialist_cost_per_citizen_year"),
    ("7.11 Specialist services", "specialist_utilisation"),
    ("7.13 Record and outputs", "failure_demand_share"),
    ("7.13 Record and outputs", "front_door_failure_demand_share"),
    ("7.13 Record and outputs", "failure_demand_presentations_share"),
    ("7.13 Record and outputs", "failure_demand_chasing_share"),
    ("7.13 Record and outputs", "failure_demand_referrals_share"),
    ("7.13 Record and outputs", "failure_demand_reassessments_share"),
    ("7.13 Record and outputs", "failure_demand_crises_share"),
)


def scenario(name: str, sets: Sequence[str], quick: bool) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml", [*sets, *(QUICK if quick else ())])


def row(
    section: str, scenario: str, measure: str, seed: int, replication: int, value: object
) -> dict:
    """One measurement; `replication` -1 is the mean over the replications."""
    return {"section": section, "scenario": scenario, "measure": measure, "seed": seed,
            "replication": replication, "value": value}  # fmt: skip


def rows_for(
    section: str, model: str, measure: str, seed: int, values: Sequence[float]
) -> list[dict]:
    """One row per replication and one for their mean (replication -1)."""
    rows = [row(section, model, measure, seed, r, v) for r, v in enumerate(values)]
    rows.append(row(section, model, measure, seed, -1, float(np.mean(values))))
    return rows


def bundled(workers: int, quick: bool) -> list[dict]:
    """Each bundled model, 2 replications: services, failure demand, and the front door's
    eligibility threshold over the measured weeks (its weekly mean, lowest and highest)."""
    rows: list[dict] = []
    for model in MODELS:
        results = run_replications(scenario(model, (), quick), 2, SEED, workers=workers)
        for section, metric in BUNDLED_METRICS:
            rows += rows_for(section, model, metric, SEED, [r.metrics[metric] for r in results])
        if model == "liberated":
            continue  # no front door
        for how in ("mean", "min", "max"):
            values = []
            for result in results:
                assert result.timeseries is not None
                measured = result.timeseries[result.timeseries["measured"]]
                values.append(float(measured["front_door_threshold"].agg(how)))
            rows += rows_for(
                "7.9 Assess-do-refer pathway", model, f"front_door_threshold_{how}", SEED, values
            )
    # The front door at complexity 0.7 (the shock study's setting), 4 replications.
    results = run_replications(
        scenario("baseline", ("demand_complexity=0.7",), quick), 4, SEED, workers=workers
    )
    values = []
    for result in results:
        assert result.timeseries is not None
        measured = result.timeseries[result.timeseries["measured"]]
        values.append(float(measured["front_door_threshold"].mean()))
    rows += rows_for(
        "7.9 Assess-do-refer pathway",
        "baseline, complexity 0.7",
        "front_door_threshold_mean",
        SEED,
        values,
    )
    # A district with no services at complexity 1: where need settles with nothing to stop it.
    results = run_replications(
        scenario("baseline", ("care_model=none", "demand_complexity=1.0"), quick),
        2,
        SEED,
        workers=workers,
    )
    rows += rows_for(
        "7.3 Need dynamics", "no services, complexity 1.0", "mean_need", SEED,
        [r.metrics["mean_need"] for r in results],
    )  # fmt: skip
    return rows


#: what failure returns change in the bundled baseline (section 7.5; differences, item 5)
RETURN_METRICS = ("repeat_within_year_share", "front_door_failure_demand_share", "mean_caseload")


def failure_returns(workers: int, quick: bool) -> list[dict]:
    """The bundled baseline with failure returns as bundled and switched off, 2 replications:
    how much of its repeat demand, front-door failure demand and duty caseload they make; and
    the calibration's own re-referral measure (`rereferral_12m_share`, the share of new
    presentations from people who presented in the year before) on the fitting runs, which
    a tiny district is too short for."""
    rows: list[dict] = []
    for label, sets in (
        ("baseline", ()),
        ("baseline, no failure returns", ("help_seeking.failure_return_per_week=0",)),
    ):
        results = run_replications(scenario("baseline", sets, quick), 2, SEED, workers=workers)
        for metric in RETURN_METRICS:
            rows += rows_for(
                "7.5 Help-seeking", label, metric, SEED, [r.metrics[metric] for r in results]
            )
        if not quick:
            rereferral = [
                evaluate("adr", {}, SEED, replication, extra=sets)["rereferral_12m_share"]
                for replication in range(2)
            ]
            rows += rows_for("7.5 Help-seeking", label, "rereferral_12m_share", SEED, rereferral)
    return rows


FRICTION_SEED = 20261203  # the seed of its friction runs


def friction(workers: int, quick: bool) -> list[dict]:
    """P5 with the default adaptive rationing: failure-demand share and crises at referral
    friction 0 and 1, complexity 0.7, 2 replications, under each care model."""
    rows: list[dict] = []
    for model in ("baseline", "liberated"):
        for value in ("0", "1"):
            sets = ("demand_complexity=0.7", f"referral_friction={value}")
            results = run_replications(
                scenario(model, sets, quick), 2, FRICTION_SEED, workers=workers
            )
            for metric in ("failure_demand_share", "crisis_events_per_citizen_year"):
                rows += rows_for(
                    "P5 (patterns table)", f"{model}, complexity 0.7, friction {value}", metric,
                    FRICTION_SEED, [r.metrics[metric] for r in results],
                )  # fmt: skip
    return rows


WARMUP_SEED = 20261202  # the seed of its choice of warm-up
RATE_SEEDS = (WARMUP_SEED, 1, 2)  # the Liberated Method's settling on the rate, three seeds
#: the bundled districts, and `none`: the baseline with no services
DISTRICTS = {
    "none": ("baseline", ("care_model=none",)),
    "baseline": ("baseline", ()),
    "liberated": ("liberated", ()),
    "hybrid": ("hybrid", ()),
}


def steady_state(workers: int, quick: bool) -> list[dict]:
    """MSER-5 on each bundled district's weekly crises: from launch with no warm-up (3
    replications; on the mean weekly crises, the computation that chose the default warm-up,
    and on the crisis rate per citizen, which every check now reads), and as each run's
    manifest computes it (on the rate, 2 replications as bundled), with the drift between the
    measured halves."""
    section = "5 Initialisation"
    rows: list[dict] = []
    for label, (name, sets) in DISTRICTS.items():
        launch = scenario(name, (*sets, "time.warmup_weeks=0", "time.weeks=260"), quick)
        results = run_replications(launch, 3, WARMUP_SEED, workers=workers)
        series = pd.concat([r.timeseries for r in results if r.timeseries is not None])
        weekly = series.groupby("week")["crises"].mean().sort_index()
        rate = weekly_crisis_rate(series)
        rows.append(
            row(section, label, "mser5_weeks_from_launch", WARMUP_SEED, -1,
                mser5(weekly.to_numpy()))
        )  # fmt: skip
        rows.append(
            row(section, label, "mser5_rate_weeks_from_launch", WARMUP_SEED, -1,
                mser5(rate.to_numpy()))
        )  # fmt: skip
        # what still builds up when the warm-up ends: people stepped down from a caseload
        stepped = series.groupby("week")["stepped_down"].mean()
        for first, last in ((79, 104), (235, 260)):
            rows.append(row(section, label, f"stepped_down_weeks_{first}_{last}", WARMUP_SEED, -1,
                            float(stepped.loc[first:last].mean())))  # fmt: skip
        bundled_run = scenario(name, sets, quick)
        results = run_replications(bundled_run, 2, SEED, workers=workers)
        series = pd.concat([r.timeseries for r in results if r.timeseries is not None])
        report = steady_state_report(series, bundled_run.time.warmup_weeks)
        drifts = report["drift_second_half_vs_first"]
        assert isinstance(drifts, dict)
        for measure, value in (
            ("mser5_weeks_as_bundled", report["mser5_truncation_weeks"]),
            ("drift_crises", drifts["crises"]),
            ("drift_mean_need", drifts["mean_need"]),
            ("drift_crisis_rate", drifts["crisis_rate"]),
        ):
            rows.append(row(section, label, measure, SEED, -1, value))
    rows += settling_under_the_liberated_method(workers, quick)
    return rows


def settling_under_the_liberated_method(workers: int, quick: bool) -> list[dict]:
    """The Liberated Method's district from launch, on the crisis rate per citizen, over ten
    replications with each of three seeds: whether its settling past the warm-up is one
    seed's chance."""
    launch = scenario("liberated", ("time.warmup_weeks=0", "time.weeks=260"), quick)
    rows = []
    for seed in RATE_SEEDS:
        results = run_replications(launch, 10, seed, workers=workers)
        series = pd.concat([r.timeseries for r in results if r.timeseries is not None])
        weeks = mser5(weekly_crisis_rate(series).to_numpy())
        rows.append(row("5 Initialisation", "liberated", "mser5_rate_weeks_from_launch_10_reps",
                        seed, -1, weeks))  # fmt: skip
    return rows


CONTINUITY_SEED = 20261202  # the seed of its continuity breakdown
CONTINUITY_DISTRICT = ("time.weeks=156",)
#: what the `continuity` knob moves, in the groups the text separates
CONTINUITY_PARTS = {
    "handover retentions": ("handover_retention", "relationship_retention"),
    "absence": ("absence_probability_per_week",),
    "turnover, vacancy length and locum tenure": (
        "turnover_per_year",
        "vacancy_weeks",
        "agency_tenure_weeks",
    ),
}


def continuity_parts(workers: int, quick: bool) -> list[dict]:
    """The Liberated Method's crisis advantage over assess-do-refer (paired by replication, 2
    replications) at continuity 0.1 and 0.9, at 0.1 with one group of what the knob moves set
    to its values at 0.9, and with step-down switched off: which part of continuity the
    advantage depends on."""
    high = scenario("liberated", (*CONTINUITY_DISTRICT, "continuity=0.9"), quick).staff
    configs: dict[str, tuple[str, ...]] = {
        "continuity 0.1": ("continuity=0.1",),
        "continuity 0.9": ("continuity=0.9",),
    }
    for part, keys in CONTINUITY_PARTS.items():
        at_high = tuple(f"staff.{key}={getattr(high, key)}" for key in keys)
        configs[f"continuity 0.1, {part} as at 0.9"] = ("continuity=0.1", *at_high)
    for value in ("0.1", "0.9"):
        configs[f"continuity {value}, no step-down"] = (
            f"continuity={value}",
            "liberated.step_down_stable_weeks=520",
        )
    rows: list[dict] = []
    for label, sets in configs.items():
        crises = {
            model: [
                r.metrics["crisis_events_per_citizen_year"]
                for r in run_replications(
                    scenario(model, (*CONTINUITY_DISTRICT, *sets), quick),
                    2,
                    CONTINUITY_SEED,
                    workers=workers,
                )
            ]
            for model in ("baseline", "liberated")
        }
        advantage = [a - b for a, b in zip(crises["baseline"], crises["liberated"], strict=True)]
        rows += rows_for(
            "Where the dependence on continuity comes from", label,
            "crisis_advantage_per_citizen_year", CONTINUITY_SEED, advantage,
        )  # fmt: skip
    return rows


PAIRING_SEED = 1  # the seed of its pairing check
PAIRING_SHOCK_WEEK = 30
PAIRING_CITIZENS = 1000


def pairing(quick: bool) -> list[dict]:
    """How long a district with a demand shock stays paired with the same district without it:
    the share of the first citizens, of those present in both, whose needs are identical at the
    end of weeks from just before the shock's start (a shock changes the arrival rate, and the
    services then diverge)."""
    shock = (
        f"demand_shock.start_week={PAIRING_SHOCK_WEEK}",
        "demand_shock.weeks=52",
        "demand_shock.demand_multiplier=1.3",
    )
    pair = [
        CareModel(scenario("baseline", sets, quick), 0, seed=PAIRING_SEED,
                  record_journeys=False, record_series=False)
        for sets in ((), shock)
    ]  # fmt: skip
    rows: list[dict] = []
    start = PAIRING_SHOCK_WEEK
    looked_at = {start - 1, start, start + 1, start + 4, start + 12, start + 26, start + 52}
    for week in range(1, max(looked_at) + 1):
        for model in pair:
            model.step()
        if week not in looked_at:
            continue
        # The first citizens present in both districts, matched by id (rows differ once the
        # districts drop the rows of those who left at different times).
        found = []
        for model in pair:
            citizens = model.citizens
            ids = citizens.id[: citizens.n]
            first_rows = np.flatnonzero((ids < PAIRING_CITIZENS) & citizens.present[: citizens.n])
            found.append((ids[first_rows], citizens.need[first_rows]))
        _, first, second = np.intersect1d(found[0][0], found[1][0], return_indices=True)
        same = np.all(found[0][1][first] == found[1][1][second], axis=1)
        measure = f"share_of_first_citizens_paired_at_end_of_week_{week}"
        rows.append(
            row(
                "4 Design concepts: stochasticity",
                "baseline, seed 1",
                measure,
                PAIRING_SEED,
                0,
                float(same.mean()),
            )
        )
    return rows


def caseload_cap(quick: bool) -> list[dict]:
    """The bundled Liberated district (seed 1, replication 0), every measured week: caseloads
    against the cap, which returns may exceed by `liberated.return_places_over_cap`."""
    config = scenario("liberated", (), quick)
    model = CareModel(config, 0, seed=CAP_SEED, record_journeys=False, record_series=False)
    caseworkers = model.workforce.role == Route.LIBERATED
    over, largest, held, post_weeks = 0, 0, 0, 0
    for _ in range(model.final_week):
        model.step()
        if model.week <= config.time.warmup_weeks:
            continue
        workforce = model.workforce
        posts = caseworkers & workforce.in_post
        caseload = workforce.caseload[posts]
        cap = workforce.cap[posts]
        over += int(np.count_nonzero(caseload > cap + config.liberated.return_places_over_cap))
        largest = max(largest, int(caseload.max(initial=0)))
        held += int(caseload.sum())
        post_weeks += caseload.size
    section = "Differences from the design brief, item 7"
    return [
        row(section, "liberated", measure, CAP_SEED, 0, value)
        for measure, value in (
            ("post_weeks_above_cap_plus_return_places", over),
            ("largest_caseload", largest),
            ("caseload_cap", int(config.workforce.caseload_cap)),
            ("mean_caseload", held / max(post_weeks, 1)),
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a tiny district, to check")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "odd" / "measures.csv")
    args = parser.parse_args()
    table = pd.DataFrame(
        [
            *bundled(args.workers, args.quick),
            *failure_returns(args.workers, args.quick),
            *steady_state(args.workers, args.quick),
            *friction(args.workers, args.quick),
            *continuity_parts(args.workers, args.quick),
            *pairing(args.quick),
            *caseload_cap(args.quick),
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(args.out, table)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
