"""After a demand shock: how long each care model carries it, over the calibrated ensemble.

A 30 % rise in arrivals and presentations for a year (weeks 208-259 of 416, at complexity
0.7), against the same district without it. Each arm runs the same parameter sets drawn from
the calibrated ensemble, one run each, with the shock and without; a run's after-effect in a
26-week window is its measure with the shock minus the same set's (and seed's) without. Arms:

- assess-do-refer with ten duty workers (a front door that barely rations in normal times; the
  bundled six ration near their ceiling all the time), and with twenty (nobody waits at the
  door);
- the Liberated Method as bundled (40 caseworkers at a cap of 10: hundreds wait in normal times);
- the Liberated Method given room (90 caseworkers at a cap of 10: almost nobody waits).

Two ablation arms switch adaptive rationing off (`rationing.mode=fixed`: the front door's and
the specialist services' thresholds and episode lengths held at their bases) in the two
assess-do-refer arms, to show what the rationing loop does to the after-effect.

    python scripts/shock_recovery.py --workers 2 --force    # about 2 minutes on two quiet cores
    python scripts/shock_recovery.py --sets 0 --workers 2 --force --out CHANCE    # see below
    python scripts/shock_recovery.py --quick --out /tmp/shock   # a tiny district, to check

With --sets 0 each arm runs 8 replications at the scenarios' own values instead (chance only;
published in docs/results/shock_recovery_chance, the CHANCE above).
Writes, under --out (default docs/results/shock_recovery, the published study: a non-empty --out
is refused without --force): runs.csv (every run's window
measures; `parameter_set` is the replication), after_effects.csv (per arm, measure and window:
the level without the shock, the paired after-effect and the 95 % t-interval of its mean, and
the after-effect as a share of the level), between_models.csv (each Liberated arm's
after-effect minus each assess-do-refer arm's, paired by parameter set and seed), ablation.csv
(each ablation arm's after-effect minus its arm's with rationing, paired), arms.csv (what
each arm has and does without the shock, over the measured weeks: its staff and total cost, its
waits, the people at its front line and its front door's threshold, the mean and 95 % t-interval
over the runs; also for the bundled six duty workers, run without the shock only),
shock_recovery.png and manifest.json (the command, seed, parameter sets and ensemble, the code
and libraries that made it, and each file's SHA-256).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from relsim.config import Scenario
from relsim.config.loading import load_raw, load_scenario
from relsim.environment import git_commit, source_record
from relsim.evidence.ensemble import load_ensemble, make_draw
from relsim.files import write_csv, write_figure, write_json
from relsim.io import now, sha256
from relsim.runner import run_replications
from relsim.stats import mean_ci95

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "manifest.json"
SCENARIOS = ROOT / "scenarios"
SEED = 20261203
SHOCK_START, SHOCK_WEEKS, WINDOW = 208, 52, 26
CHANCE_REPS = 8  # replications per arm with --sets 0
COMMON = ("time.weeks=312", "time.warmup_weeks=104", "demand_complexity=0.7")
SHOCK = (
    f"demand_shock.start_week={SHOCK_START}",
    f"demand_shock.weeks={SHOCK_WEEKS}",
    "demand_shock.demand_multiplier=1.3",
)
QUICK = ("population.citizens=300", "time.weeks=130", "time.warmup_weeks=26")
QUICK_SHOCK = ("demand_shock.start_week=52", "demand_shock.weeks=26")


@dataclass(frozen=True)
class Arm:
    name: str
    scenario: str
    sets: tuple[str, ...]
    queue: str  # the weekly series of the people waiting for this model's front line


ARMS = (
    Arm("assess-do-refer, 10 duty workers", "baseline.yaml", ("workforce.workers=10",),
        "waiting_front_door"),
    Arm("assess-do-refer, 20 duty workers", "baseline.yaml", ("workforce.workers=20",),
        "waiting_front_door"),
    Arm("Liberated, 40 caseworkers", "liberated.yaml", (), "waiting_caseworker"),
    Arm("Liberated, 90 caseworkers", "liberated.yaml", ("workforce.workers=90",),
        "waiting_caseworker"),
)  # fmt: skip
# Adaptive rationing switched off in the assess-do-refer arms: (ablation arm, its arm with it).
ABLATIONS = tuple(
    (Arm(f"{arm.name}, thresholds fixed", arm.scenario, (*arm.sets, "rationing.mode=fixed"),
         arm.queue), arm.name)
    for arm in ARMS if arm.scenario == "baseline.yaml"
)  # fmt: skip
# Not an arm of the study, run without the shock only: the front door as bundled, for arms.csv,
# to show why the study staffs it with ten (six ration near their ceiling in normal times).
BUNDLED_DOOR = Arm("assess-do-refer, 6 duty workers (as bundled)", "baseline.yaml", (),
                   "waiting_front_door")  # fmt: skip
MEASURES = {
    "failure_demand_share": "failure-demand share of all demand events",
    "crises_per_citizen_year": "crises per citizen-year",
    "waiting": "people waiting for the front line",
    "front_door_threshold": "front-door eligibility threshold",
    "specialist_threshold": "specialist services' acceptance threshold (mean)",
    "held_by_caseworker": "people held by a caseworker",
    "waiting_specialist": "referrals waiting for a specialist service",
    "citizens": "people in the district",
}
RESOURCES = {
    "staff_cost_per_citizen_year": "front-line staff cost per citizen-year (GBP)",
    "total_cost_per_citizen_year": "total cost per citizen-year (GBP)",
    "mean_wait_weeks": "mean completed wait, every queue (weeks)",
    "waiting": "people waiting for the front line (weekly mean)",
    "front_door_threshold": "front-door eligibility threshold (weekly mean)",
}


def windows(shock_start: int, shock_weeks: int, final_week: int) -> list[tuple[str, int, int]]:
    """(label, first week, last week + 1): the 26 weeks before the shock, its last 26 weeks,
    then successive 26-week windows after it ends, to the horizon."""
    end = shock_start + shock_weeks
    out = [
        ("before", shock_start - WINDOW, shock_start),
        ("shock's last 26 weeks", end - WINDOW, end),
    ]
    start = end
    while start + WINDOW <= final_week + 1:
        out.append((f"{start - end}-{start - end + WINDOW} weeks after", start, start + WINDOW))
        start += WINDOW
    return out


def window_measures(series: pd.DataFrame, queue: str, first: int, stop: int) -> dict[str, float]:
    """One run's measures over weeks first .. stop - 1 of its weekly series."""
    weeks = series[(series["week"] >= first) & (series["week"] < stop)]
    demand = float(weeks["demand_events"].sum())
    citizen_weeks = float(weeks["citizens"].sum())
    return {
        "failure_demand_share": float(weeks["failure_demand_events"].sum()) / demand
        if demand
        else float("nan"),
        "crises_per_citizen_year": 52.0 * float(weeks["crises"].sum()) / citizen_weeks
        if citizen_weeks
        else float("nan"),
        "waiting": float(weeks[queue].mean()),
        "front_door_threshold": float(weeks["front_door_threshold"].mean()),
        "specialist_threshold": float(weeks["specialist_threshold"].mean()),
        "held_by_caseworker": float(weeks["held_by_caseworker"].mean()),
        "waiting_specialist": float(weeks["waiting_specialist"].mean()),
        "citizens": float(weeks["citizens"].mean()),
    }


def run_arm(
    arm: Arm, shocked: bool, sets: int, workers: int, quick: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every parameter set's window measures for one arm, with or without the shock, and each
    run's resources over the measured weeks."""
    extra = (*COMMON, *arm.sets, *(QUICK if quick else ()))
    shock = (*SHOCK, *(QUICK_SHOCK if quick else ())) if shocked else ()
    path = SCENARIOS / arm.scenario
    settings = [*extra, *shock]
    scenario = load_scenario(path, settings)
    if sets == 0:  # chance only, at the scenario's own values
        reps = 2 if quick else CHANCE_REPS
        results = run_replications(scenario, reps, SEED, workers=workers)
    else:
        draw = make_draw(sets, 1, SEED, load_raw(path, settings))

        def parameter_set(base: Scenario, replication: int) -> Scenario:
            return draw.scenario(base, replication)

        results = run_replications(scenario, sets, SEED, workers=workers, variant=parameter_set)
    start = 52 if quick else SHOCK_START
    length = 26 if quick else SHOCK_WEEKS
    final = scenario.time.warmup_weeks + scenario.time.weeks
    rows, resources = [], []
    for result in results:
        assert result.timeseries is not None
        measured = result.timeseries[result.timeseries["measured"]]
        resources.append(
            {
                "arm": arm.name,
                "shock": shocked,
                "parameter_set": result.replication,
                **{key: result.metrics[key] for key in RESOURCES if key in result.metrics},
                "waiting": float(measured[arm.queue].mean()),
                "front_door_threshold": float(measured["front_door_threshold"].mean()),
            }
        )
        for label, first, stop in windows(start, length, final):
            rows.append(
                {
                    "arm": arm.name,
                    "shock": shocked,
                    "parameter_set": result.replication,
                    "window": label,
                    "first_week": first,
                    **window_measures(result.timeseries, arm.queue, first, stop),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(resources)


def _interval(values: Sequence[float]) -> tuple[float, float, float]:
    summary = mean_ci95(list(values))
    mean = summary["mean"] if summary["mean"] is not None else float("nan")
    low, high = summary["ci95"] if summary["ci95"] is not None else (float("nan"),) * 2
    return mean, low, high


def after_effects(runs: pd.DataFrame) -> pd.DataFrame:
    """Per arm, measure and window: the level without the shock, the paired after-effect
    (with minus without, same parameter set and seed) and the after-effect relative to the
    level."""
    keys = ["arm", "window", "first_week", "parameter_set"]
    calm = runs[~runs["shock"]].set_index(keys)
    shocked = runs[runs["shock"]].set_index(keys).loc[calm.index]
    rows = []
    for (arm, window, first), group in calm.groupby(level=[0, 1, 2], sort=False):
        for measure in MEASURES:
            level = group[measure]
            effect = shocked.loc[group.index, measure] - level
            mean, low, high = _interval(effect)
            relative = (effect / level).replace([np.inf, -np.inf], np.nan)
            rows.append(
                {
                    "arm": arm,
                    "window": window,
                    "first_week": first,
                    "measure": measure,
                    "level_without_shock": float(level.mean()),
                    "after_effect": mean,
                    "after_effect_ci95_low": low,
                    "after_effect_ci95_high": high,
                    "relative_after_effect": _interval(relative.dropna())[0],
                    "parameter_sets": int(effect.notna().sum()),
                }
            )
    return pd.DataFrame(rows)


def arm_resources(resources: pd.DataFrame) -> pd.DataFrame:
    """Per arm, without the shock: what it spends and how its queues stand, so that the arms'
    unequal resources are stated from the runs rather than from the text."""
    rows = []
    for arm, group in resources[~resources["shock"]].groupby("arm", sort=False):
        for measure, label in RESOURCES.items():
            if not group[measure].notna().any():  # an arm without a front door has no threshold
                continue
            mean, low, high = _interval(group[measure])
            rows.append(
                {
                    "arm": arm,
                    "measure": measure,
                    "label": label,
                    "mean": mean,
                    "ci95_low": low,
                    "ci95_high": high,
                    "runs": int(group[measure].notna().sum()),
                }
            )
    return pd.DataFrame(rows)


def paired_after_effects(runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each arm's run-by-run after-effects (with the shock minus without), indexed by window
    and parameter set."""
    keys = ["window", "first_week", "parameter_set"]
    effect = {}
    for arm, group in runs.groupby("arm", sort=False):
        calm = group[~group["shock"]].set_index(keys)
        shocked = group[group["shock"]].set_index(keys).loc[calm.index]
        effect[arm] = shocked[list(MEASURES)] - calm[list(MEASURES)]
    return effect


def between_models(runs: pd.DataFrame) -> pd.DataFrame:
    """Each Liberated arm's after-effect minus each assess-do-refer arm's, paired by parameter
    set (the same set and seed: common random numbers hold between care models)."""
    relational = [a.name for a in ARMS if a.scenario == "liberated.yaml"]
    transactional = [a.name for a in ARMS if a.scenario != "liberated.yaml"]
    pairs = [(a, r) for a in relational for r in transactional]
    return paired_gaps(runs, pairs, ("failure_demand_share", "crises_per_citizen_year"))


def ablation(runs: pd.DataFrame) -> pd.DataFrame:
    """Each ablation arm's after-effect minus that of its arm with adaptive rationing, paired
    by parameter set (the same set, seed and shock)."""
    pairs = [(fixed.name, reference) for fixed, reference in ABLATIONS]
    return paired_gaps(runs, pairs, tuple(MEASURES))


def paired_gaps(
    runs: pd.DataFrame, pairs: Sequence[tuple[str, str]], measures: Sequence[str]
) -> pd.DataFrame:
    """For each (arm, reference): the arm's after-effect minus the reference's, per window and
    measure, paired by parameter set, with the 95 % t-interval of its mean."""
    effect = paired_after_effects(runs)
    rows = []
    for arm, reference in pairs:
        gap = effect[arm] - effect[reference]
        for (window, first), group in gap.groupby(level=[0, 1], sort=False):
            for measure in measures:
                mean, low, high = _interval(group[measure])
                rows.append(
                    {
                        "arm": arm,
                        "minus": reference,
                        "window": window,
                        "first_week": first,
                        "measure": measure,
                        "difference": mean,
                        "ci95_low": low,
                        "ci95_high": high,
                    }
                )
    return pd.DataFrame(rows)


def plot(effects: pd.DataFrame, path: Path, shock_end: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ("failure_demand_share", "crises_per_citizen_year")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    for ax, measure in zip(axes, shown, strict=True):
        for number, arm in enumerate(a.name for a in ARMS):
            rows = effects[(effects["arm"] == arm) & (effects["measure"] == measure)]
            x = rows["first_week"] + WINDOW / 2 - shock_end
            mean = rows["after_effect"]
            yerr = [mean - rows["after_effect_ci95_low"], rows["after_effect_ci95_high"] - mean]
            ax.errorbar(x + (number - 1.5) * 1.5, mean, yerr=yerr, marker="o", capsize=3,
                        label=arm, color=f"C{number}")  # fmt: skip
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.axvspan(-52, 0, color="grey", alpha=0.12, label="the shock")
        ax.set_xlabel("weeks from the end of the shock (middle of each 26-week window)")
        ax.set_ylabel("with the shock minus without")
        ax.set_title(MEASURES[measure], fontsize=9)
        ax.legend(fontsize=7)
    note = "bars: 95 % t-interval of the mean paired difference over the runs"
    fig.text(0.01, 0.01, note, fontsize=7, color="dimgrey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    write_figure(path, fig)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        type=int,
        default=16,
        help="parameter sets from the calibrated ensemble (0: chance only, 8 replications at "
        "the scenarios' own values)",
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a tiny district, to check")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "results" / "shock_recovery")
    parser.add_argument(
        "--force", action="store_true", help="replace what an earlier run wrote in --out"
    )
    args = parser.parse_args(argv)
    if args.out.is_dir() and any(args.out.iterdir()) and not args.force:
        # the default --out is the published study: a run meant as a check must not replace it
        parser.exit(
            2, f"{parser.prog}: error: --out {args.out} is not empty (--force replaces it)\n"
        )
    started = now()
    sets = min(args.sets, 2) if args.quick else args.sets
    studied = [*ARMS, *(fixed for fixed, _ in ABLATIONS)]
    arms = [run_arm(arm, shocked, sets, args.workers, args.quick) for arm in studied
            for shocked in (False, True)]  # fmt: skip
    runs = pd.concat([windows for windows, _ in arms], ignore_index=True)
    _, bundled_door = run_arm(BUNDLED_DOOR, False, sets, args.workers, args.quick)
    resources = pd.concat([*(per_run for _, per_run in arms), bundled_door], ignore_index=True)
    effects = after_effects(runs)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "runs.csv", runs)
    write_csv(args.out / "after_effects.csv", effects)
    write_csv(args.out / "between_models.csv", between_models(runs))
    write_csv(args.out / "ablation.csv", ablation(runs))
    write_csv(args.out / "arms.csv", arm_resources(resources))
    shock_end = 78 if args.quick else SHOCK_START + SHOCK_WEEKS
    plot(effects, args.out / "shock_recovery.png", shock_end)
    write_manifest(args.out, argv, sets, args.quick, started)
    print(f"wrote {args.out}")


def write_manifest(
    out: Path, argv: Sequence[str] | None, sets: int, quick: bool, started: str
) -> None:
    """What made the study, as relsim's own results record it: the command, the seed, the
    parameter sets (and the ensemble they came from), the code and libraries, and each file's
    SHA-256, so that a reader can tell which code a published table comes from."""
    written = sorted(p.name for p in out.iterdir() if p.name != MANIFEST)
    manifest = {
        "kind": "shock_recovery",
        "command": [
            "python",
            "scripts/shock_recovery.py",
            *(sys.argv[1:] if argv is None else argv),
        ],
        "seed": SEED,
        "quick": quick,
        "parameter_sets": sets,
        "replications_per_arm": (2 if quick else CHANCE_REPS) if sets == 0 else sets,
        "ensemble": load_ensemble().describe() if sets else None,
        "started": started,
        "finished": now(),
        **source_record(git_commit()),
        "sha256": {name: sha256(out / name) for name in written},
    }
    write_json(out / MANIFEST, manifest)


if __name__ == "__main__":
    main()
