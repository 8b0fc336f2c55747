"""A scenario's replications run for a command, and what becomes of them: the block that is
printed, the run's files, and a comparison's paired differences, files and manifest. `relsim
run`, `relsim compare` and `relsim rerun` share them, so a rerun writes what the original did."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relsim.cli_options import clean_json
from relsim.config import Scenario, ScenarioError
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.evidence.options import reps_per_set
from relsim.files import write_csv
from relsim.io import now, provenance, write_run_files
from relsim.metrics import METRIC_NAMES
from relsim.sweep.names import MAX_RUNS

if TYPE_CHECKING:
    import pandas as pd

    from relsim.evidence.ensemble import EnsembleDraw
    from relsim.runner import RunResult

DIFFERENCES = "differences.csv"
RESOURCES = "resources.csv"
COST_EFFECTIVENESS = "cost_effectiveness.csv"
INCREMENTAL = "incremental.csv"
PRICE_CHANGES = "price_changes.csv"
#: the payers' spend over the first weeks after launch (with --transition-weeks)
TRANSITION = "transition.csv"
MANIFEST = "manifest.json"
COMPARE_KIND = "relsim compare"


def default_workers() -> int:
    """Every core: replications are independent, one process each."""
    return max(1, os.cpu_count() or 1)


def run_scenario(
    scenario: Scenario,
    reps: int,
    seed: int,
    workers: int,
    journeys_to: Path | None,
    draw: EnsembleDraw | None = None,
    doing: str = "",
) -> list[RunResult]:
    """Replications of `scenario`; with `journeys_to`, their journeys are recorded and written
    to journeys.parquet there as each replication finishes (not kept in the results)."""
    from relsim.signals import stops_held_back

    # pandas, Mesa and SciPy load here, after --out is locked: a stop meanwhile waits for the
    # end of loading and is taken then (as while the program loads, relsim.launch), instead
    # of being swallowed inside an import while the whole run went on and was kept
    with stops_held_back():
        from relsim.io import JourneysFile
        from relsim.progress import Progress
        from relsim.runner import run_replications

    reps = draw.runs if draw is not None else reps
    variant = draw.scenario if draw is not None else None
    writer = JourneysFile(journeys_to) if journeys_to is not None else None
    with Progress(reps, f"{doing}{scenario.name}") as bar:
        results = run_replications(
            scenario,
            reps,
            seed,
            workers=workers,
            journeys=writer is not None,
            on_done=lambda: bar.update(),
            on_result=writer,
            variant=variant,
        )
    if writer is not None:
        writer.close()
    return results


def ensemble_draw(
    ensemble: int | None,
    reps: int,
    seed: int,
    path: Path,
    sets: Sequence[str],
    per_set: int | None = None,
) -> EnsembleDraw | None:
    """The parameter sets of --ensemble N (the same for every scenario with this seed), each
    run `per_set` times (default: as `reps_per_set` says)."""
    if ensemble is None:
        return None
    from relsim.evidence.ensemble import make_draw

    runs = per_set if per_set is not None else reps_per_set(reps)
    if ensemble * runs > MAX_RUNS:
        raise ScenarioError(
            f"--ensemble {ensemble} with {runs:,} run(s) of each set is {ensemble * runs:,} "
            f"runs; a command may make at most {MAX_RUNS:,}"
        )
    return make_draw(ensemble, runs, seed, load_raw(path, sets))


def summary_frame(results: Sequence[RunResult], draw: EnsembleDraw | None = None) -> pd.DataFrame:
    import pandas as pd

    rows = [{"replication": r.replication, "seed": r.seed, **r.metrics} for r in results]
    frame = pd.DataFrame(rows)
    if draw is not None:
        sets = [draw.set_of(r.replication) for r in results]
        frame.insert(2, "parameter_set", sets)
        frame.insert(3, "ensemble_member", [draw.members[s] for s in sets])
    return frame


def interval_of(draw: EnsembleDraw | None) -> dict[str, Any]:
    from relsim.evidence.intervals import CHANCE, PARAMETERS, describe

    if draw is None:
        return describe(CHANCE)
    return describe(PARAMETERS, len(draw.members), draw.reps)


def scenario_block(
    scenario: Scenario,
    results: Sequence[RunResult],
    seed: int,
    started: str,
    draw: EnsembleDraw | None = None,
) -> dict[str, Any]:
    import pandas as pd

    from relsim.commission.resources import resources
    from relsim.evidence.intervals import METRIC_FLOOR, summarise
    from relsim.warmup import steady_state_report

    sets = None if draw is None else [draw.set_of(r.replication) for r in results]
    metrics = summarise([r.metrics for r in results], METRIC_NAMES, sets, METRIC_FLOOR)
    steady = steady_state_report(
        pd.concat([r.timeseries for r in results], ignore_index=True),
        scenario.time.warmup_weeks,
    )
    extra = {} if draw is None else {"ensemble": draw.describe()}
    return {
        "scenario": scenario.name,
        "reps": len(results),
        "seed": seed,
        "interval": interval_of(draw),
        "metrics": metrics,
        "resources": resources(scenario),
        "provenance": {
            **provenance(scenario, seed, len(results), started),
            **extra,
            "steady_state": steady,
            "finished": now(),
        },
    }


def write_run(
    out: Path,
    scenario: Scenario,
    results: Sequence[RunResult],
    block: dict,
    draw: EnsembleDraw | None = None,
) -> None:
    import pandas as pd

    timeseries = pd.concat([r.timeseries for r in results], ignore_index=True)
    journeys = [r.journeys for r in results if r.journeys is not None]
    write_run_files(
        out,
        scenario,
        summary_frame(results, draw),
        timeseries,
        pd.concat(journeys, ignore_index=True) if journeys else None,
        block,
    )


def same_results_warnings(
    configs: Sequence[Scenario], runs: Sequence[Sequence[RunResult]]
) -> list[str]:
    """Scenarios whose every run gave the same metrics as an earlier one's (one district under
    two names, or a difference nothing in the runs reads): the tables must still name one of a
    tied pair, and they name the one listed first."""

    def same(a: float, b: float) -> bool:
        return a == b or (math.isnan(a) and math.isnan(b))

    found = []
    for later in range(1, len(configs)):
        for earlier in range(later):
            pairs = zip(runs[earlier], runs[later], strict=True)
            if all(same(x.metrics[m], y.metrics[m]) for x, y in pairs for m in x.metrics):
                found.append(
                    f"{printable(configs[later].name, 60)} gave the same result as "
                    f"{printable(configs[earlier].name, 60)} in every run: where a table must "
                    "choose between them (the frontier, the choice at a price) it names "
                    f"{printable(configs[earlier].name, 60)}, listed first; neither is better"
                )
                break
    return found


def comparison_payload(
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    draws: Sequence[EnsembleDraw | None],
    blocks: list[dict[str, Any]],
    seed: int,
) -> dict[str, Any]:
    """What `compare --json` prints: each scenario's block and the paired differences."""
    return {
        "scenarios": blocks,
        "differences": paired_differences(configs, runs, draws),
        "cost_effectiveness": priced_pairs(configs, runs, draws),
        "incremental": choices(configs, runs, draws),
        "price_changes": price_changes(configs, runs, draws),
        "reps": len(runs[0]),
        "seed": seed,
        "interval": interval_of(draws[0]),
    }


def paired_differences(
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    draws: Sequence[EnsembleDraw | None],
) -> dict[str, Any]:
    """Each scenario minus the first, replication by replication."""
    from relsim.evidence.intervals import paired

    base = [r.metrics for r in runs[0]]
    sets_of = None if draws[0] is None else draws[0].sets()
    return {
        f"{c.name} - {configs[0].name}": paired(
            base, [r.metrics for r in rs], METRIC_NAMES, sets_of
        )
        for c, rs in zip(configs[1:], runs[1:], strict=True)
    }


def priced_pairs(
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    draws: Sequence[EnsembleDraw | None],
) -> list[dict[str, Any]]:
    """What each scenario's crises avoided cost over another's (relsim.evidence.cost_effectiveness),
    one record per pair, from the same paired replications as the differences."""
    from relsim.evidence.cost_effectiveness import cost_effectiveness

    frames = _run_frames(configs, runs)
    care_models = {c.name: c.care_model for c in configs}
    per_set = None if draws[0] is None else draws[0].reps
    table = cost_effectiveness(frames, care_models, [], per_set).drop(columns="point")
    return clean_json(table.to_dict(orient="records"))


def choices(
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    draws: Sequence[EnsembleDraw | None],
) -> list[dict[str, Any]]:
    """Which scenario to choose at each price on a crisis avoided (relsim.evidence.incremental),
    one record per scenario, from the same replications."""
    from relsim.evidence.incremental import incremental

    per_set = None if draws[0] is None else draws[0].reps
    table = incremental(_run_frames(configs, runs), [], per_set).drop(columns="point")
    return clean_json(table.to_dict(orient="records"))


def price_changes(
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    draws: Sequence[EnsembleDraw | None],
) -> list[dict[str, Any]]:
    """How far each price would have to move to change which scenario costs less
    (relsim.evidence.prices), one record per pair, priced item and bill, from the same runs."""
    from relsim.evidence import prices

    per_set = None if draws[0] is None else draws[0].reps
    table = prices.price_changes(_run_frames(configs, runs), {c.name: c for c in configs}, per_set)
    return clean_json(table.to_dict(orient="records"))


def _run_frames(configs: Sequence[Scenario], runs: Sequence[Sequence[RunResult]]) -> dict[str, Any]:
    """Each scenario's runs as a sweep's table of one point."""
    import pandas as pd

    return {
        c.name: pd.DataFrame(
            [{"point": 0, "replication": r.replication, "status": "ok", **r.metrics} for r in rs]
        )
        for c, rs in zip(configs, runs, strict=True)
    }


def write_comparison(
    out: Path,
    configs: Sequence[Scenario],
    runs: Sequence[Sequence[RunResult]],
    draws: Sequence[EnsembleDraw | None],
    payload: dict[str, Any],
    options: dict[str, Any],
    started: str,
    rerun_of: str | None = None,
) -> dict[str, Any]:
    """A comparison's files: each scenario's run result in its own directory, the paired
    differences, the resources on each side, and the manifest that ties them together (what
    `relsim rerun` re-creates the comparison from)."""
    import pandas as pd

    from relsim.environment import source_record
    from relsim.evidence.prices import documented_columns as price_columns
    from relsim.files import write_json
    from relsim.io import git_commit, sha256
    from relsim.report.tables import payers_table, resources_table

    for config, results, block, draw in zip(
        configs, runs, payload["scenarios"], draws, strict=True
    ):
        write_run(out / config.name, config, results, block, draw)
    interval = payload["interval"]
    rows = [
        {
            "comparison": label,
            "metric": m,
            "mean": v["mean"],
            "ci95_low": v["ci95"][0] if v["ci95"] else None,
            "ci95_high": v["ci95"][1] if v["ci95"] else None,
            "interval": interval["kind"],
        }
        for label, diffs in payload["differences"].items()
        for m, v in diffs.items()
    ]
    write_csv(out / DIFFERENCES, pd.DataFrame(rows))
    write_csv(out / RESOURCES, resources_table(clean_json(payload)))
    write_csv(out / COST_EFFECTIVENESS, pd.DataFrame(payload["cost_effectiveness"]))
    write_csv(out / INCREMENTAL, pd.DataFrame(payload["incremental"]))
    write_csv(out / PRICE_CHANGES, pd.DataFrame(payload["price_changes"], columns=price_columns()))
    written: tuple[str, ...] = (
        DIFFERENCES,
        RESOURCES,
        COST_EFFECTIVENESS,
        INCREMENTAL,
        PRICE_CHANGES,
    )
    if payload.get("transition"):
        write_csv(out / TRANSITION, payers_table(clean_json(payload), "transition"))
        written += (TRANSITION,)
    manifest = {
        "kind": COMPARE_KIND,
        "scenarios": [c.name for c in configs],
        "reps": payload["reps"],
        "seed": payload["seed"],
        "interval": interval,
        "options": options,
        "equal_spend": payload.get("equal_spend"),
        # what compare said on stderr, so that a reader of the files alone sees it too
        "warnings": list(payload.get("warnings", [])),
        **source_record(git_commit()),
        "started": started,
        "finished": now(),
        **({} if rerun_of is None else {"rerun_of": rerun_of}),
        "files": [*written, MANIFEST, *(c.name for c in configs)],
        "sha256": {name: sha256(out / name) for name in written},
    }
    write_json(out / MANIFEST, clean_json(manifest))
    return manifest
