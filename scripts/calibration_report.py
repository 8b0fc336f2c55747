"""Write docs/calibration.md: each calibration target, its source, the parameter values behind it
and how well the model meets it, measured by running the model.

    python scripts/calibration_report.py            # run the model and rewrite the report
    python scripts/calibration_report.py --check    # is the report from the current model?

The report carries a fingerprint of the model (the default scenario and the regression
baseline's metrics, which change whenever the model's behaviour does); the tests fail when the
fingerprint no longer matches, so the report cannot silently drift from the code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from relsim.config import load_scenario
from relsim.config.schema import Scenario
from relsim.metrics import compute_metrics
from relsim.runner import simulate
from relsim.stats import mean_ci95

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "calibration.md"
BASELINE = ROOT / "tests" / "data" / "regression_baseline.json"
REPS = 6
SEED = 20261122
CONFIGS = {
    "adr": ("baseline.yaml", []),
    "lib": ("liberated.yaml", []),
    "adr_high": ("baseline.yaml", ["demand_complexity=0.9"]),
    "lib_high": ("liberated.yaml", ["demand_complexity=0.9"]),
}


def fingerprint() -> str:
    text = json.dumps(scenario_dict_defaults(), sort_keys=True) + BASELINE.read_text()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def scenario_dict_defaults() -> dict:
    return Scenario().model_dump(mode="json")


def _one(job: tuple[str, int]) -> dict[str, float]:
    name, replication = job
    file, sets = CONFIGS[name]
    model = simulate(load_scenario(ROOT / "scenarios" / file, sets), SEED, replication, False)
    metrics = compute_metrics(model)
    tally = model.tally
    metrics["signposted_share"] = tally["closed_signposted"] / max(tally["assessments"], 1)
    return metrics


def measure() -> dict[str, list[dict[str, float]]]:
    jobs = [(name, r) for name in CONFIGS for r in range(REPS)]
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_one, jobs))
    out: dict[str, list[dict[str, float]]] = {name: [] for name in CONFIGS}
    for (name, _), metrics in zip(jobs, results, strict=True):
        out[name].append(metrics)
    return out


def _fmt(value: float, percent: bool = False) -> str:
    return (
        f"{100 * value:.0f} %"
        if percent
        else f"{value:,.2f}"
        if abs(value) < 100
        else f"{value:,.0f}"
    )


def _summary(runs: list[dict[str, float]], metric: str, percent: bool = False) -> str:
    s = mean_ci95([r[metric] for r in runs])
    if s["mean"] is None:
        return "no value"
    low, high = s["ci95"] or (s["mean"], s["mean"])
    return f"{_fmt(s['mean'], percent)} [{_fmt(low, percent)}, {_fmt(high, percent)}]"


def _reduction(high_adr: list[dict], high_lib: list[dict], metric: str) -> tuple[float, str]:
    changes = [(b[metric] - a[metric]) / a[metric] for a, b in zip(high_adr, high_lib, strict=True)]
    s = mean_ci95(changes)
    low, high = s["ci95"] or (s["mean"], s["mean"])
    return s["mean"], f"{s['mean']:+.0%} [{low:+.0%}, {high:+.0%}]"


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not comparable"}[ok]


def _mean(runs: list[dict[str, float]], metric: str) -> float:
    return sum(r[metric] for r in runs) / len(runs)


def build(results: dict[str, list[dict[str, float]]]) -> str:
    adr, lib, adr_high, lib_high = (results[k] for k in ("adr", "lib", "adr_high", "lib_high"))
    ae_change, ae_text = _reduction(adr_high, lib_high, "crisis_ae_per_citizen_year")
    arrest_change, arrest_text = _reduction(adr_high, lib_high, "crisis_police_per_citizen_year")
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    liberated = load_scenario(ROOT / "scenarios" / "liberated.yaml")
    rows = [
        (
            "Transactional caseload (open cases per duty worker)",
            "community mental-health keyworkers 21-30; children's social workers 16-18",
            f"cap {base.workforce.caseload_cap}; model {_summary(adr, 'mean_caseload')}",
            _verdict(16 <= _mean(adr, "mean_caseload") <= 30),
        ),
        (
            "Relational caseload (people per caseworker)",
            "Housing First fidelity 1:7; 'small caseloads are vital' (Fulfilling Lives)",
            f"cap {liberated.workforce.caseload_cap}; model {_summary(lib, 'mean_caseload')}",
            _verdict(5 <= _mean(lib, "mean_caseload") <= 12),
        ),
        (
            "Staff turnover (leavers per FTE-year)",
            "children's social workers about 16 % (DfE 2023); adult social care about 30 % (Skills for Care)",
            f"baseline {_summary(adr, 'staff_turnover_per_fte_year', True)}; "
            f"liberated {_summary(lib, 'staff_turnover_per_fte_year', True)}",
            _verdict(
                all(0.16 <= _mean(x, "staff_turnover_per_fte_year") <= 0.30 for x in (adr, lib))
            ),
        ),
        (
            "Public-service cost of the high-complexity cohort under assess-do-refer (GBP per person-year)",
            "more than £28,000 a year on joining (Fulfilling Lives evaluation, CFE Research 2021)",
            f"complexity 0.9: {_summary(adr_high, 'total_cost_per_citizen_year')} "
            "(crises, specialists and front door only)",
            _verdict(_mean(adr_high, "total_cost_per_citizen_year") >= 0.5 * 28000),
        ),
        (
            "Repeat demand: closed cases back within a year",
            "22 % of referrals are re-referrals within 12 months (DfE 2024)",
            f"baseline {_summary(adr, 'repeat_within_year_share', True)}",
            _verdict(0.15 <= _mean(adr, "repeat_within_year_share") <= 0.30),
        ),
        (
            "A&E attendances, relational minus transactional, high-complexity cohort",
            "MEAM Approach evaluation: -37 % (year 5) to -54 % (year 3)",
            f"complexity 0.9, steady state: {ae_text}",
            _verdict(-0.55 <= ae_change <= -0.35),
        ),
        (
            "Arrests, relational minus transactional, high-complexity cohort",
            "MEAM Approach evaluation year 3: about -41 %",
            f"complexity 0.9, steady state: {arrest_text}",
            _verdict(-0.50 <= arrest_change <= -0.30),
        ),
        (
            "Failure demand share of contacts",
            "Vanguard: 70-90 % in police and local authorities, lowest seen about 15 %",
            f"baseline {_summary(adr, 'failure_demand_share', True)}",
            _verdict(0.15 <= _mean(adr, "failure_demand_share") <= 0.90),
        ),
        (
            "Share of staff time that is transactional",
            "'at least 25 % of a professional's time is wasted ... pushing people around the system' (Health Foundation insight piece)",
            f"baseline {_summary(adr, 'share_time_transactional', True)}",
            _verdict(_mean(adr, "share_time_transactional") >= 0.25),
        ),
        (
            "New requests ending in signposting or no service",
            "adult social care: 31 % signposted, 28 % no service (NHS Digital)",
            f"baseline, assessments ending in signposting: {_summary(adr, 'signposted_share', True)}",
            _verdict(0.3 <= _mean(adr, "signposted_share") <= 0.7),
        ),
        (
            "Deaths in the high-complexity cohort (per 1,000 person-years)",
            "just over 1 in 20 died during Fulfilling Lives (several years): roughly 10-20 per 1,000 a year",
            f"complexity 0.9: {_summary(adr_high, 'deaths_per_1000_citizen_years')}",
            _verdict(8 <= _mean(adr_high, "deaths_per_1000_citizen_years") <= 25),
        ),
    ]
    crises = base.crises
    costs = [
        ("crises.ae.unit_cost_gbp", crises.ae.unit_cost_gbp),
        ("crises.mh_crisis.unit_cost_gbp", crises.mh_crisis.unit_cost_gbp),
        ("crises.police.unit_cost_gbp", crises.police.unit_cost_gbp),
        ("crises.eviction.unit_cost_gbp", crises.eviction.unit_cost_gbp),
        ("workforce.hourly_cost_gbp", base.workforce.hourly_cost_gbp),
    ]
    lines = [
        "# Calibration",
        "",
        "> Generated by `scripts/calibration_report.py`, which runs the model; do not edit by hand.",
        f"> Model fingerprint: `{fingerprint()}` (the tests fail when the model changes and this",
        "> report has not been regenerated).",
        "",
        "Each row is a published figure the model should reproduce, the source, what the model gives",
        f"({REPS} replications, seed {SEED}, mean and 95 % interval), and whether it is within the",
        "target. Scenarios: the bundled `baseline.yaml` and `liberated.yaml`, and the same with",
        "`demand_complexity=0.9` for the high-complexity cohort. Unmet targets are the calibration",
        "work still to do; they are reported, not hidden.",
        "",
        "## Targets",
        "",
        "| quantity | target and source | model | verdict |",
        "|---|---|---|---|",
    ]
    lines += [f"| {q} | {t} | {m} | {v} |" for q, t, m, v in rows]
    lines += [
        "",
        "Notes on comparability:",
        "",
        "- The £28,000 figure counts every public service a person uses; the model counts crises,",
        "  specialists and the front door only, so half the figure is taken as the lower bound.",
        "- The MEAM reductions compare the same people before and after support; the model",
        "  compares the same citizens (common random numbers) under the two care models in steady",
        "  state, which is the closest paired comparison it offers.",
        "",
        "## Unit costs (2023/24 prices)",
        "",
        "| parameter | value (GBP) | source and uprating |",
        "|---|---:|---|",
    ]
    schema_sources = _sources()
    lines += [f"| `{k}` | {v:,.0f} | {schema_sources.get(k, '')} |" for k, v in costs]
    lines += [""]
    return "\n".join(lines)


def _sources() -> dict[str, str]:
    from pydantic import BaseModel

    found: dict[str, str] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{prefix}{name}.")
            elif isinstance(field.json_schema_extra, dict):
                found[f"{prefix}{name}"] = str(field.json_schema_extra.get("source", ""))

    walk(Scenario, "")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the report is stale")
    args = parser.parse_args()
    if args.check:
        text = REPORT.read_text() if REPORT.exists() else ""
        if f"`{fingerprint()}`" not in text:
            print(f"{REPORT} is stale: run python scripts/calibration_report.py", file=sys.stderr)
            sys.exit(1)
        return
    REPORT.write_text(build(measure()))
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
