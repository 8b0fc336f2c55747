"""What `relsim rerun` does for a commissioner's studies: a staffing frontier, a budget search
and the sensitivity of a difference, each run again from its series' or stages' own sweep
manifests, then compared file by file with the original (`relsim.cli_rerun` does the rest)."""

from __future__ import annotations

import os
from pathlib import Path

from relsim.cli_rerun import study_checks, study_verdicts
from relsim.config import ScenarioError
from relsim.config.errors import RunError, printable


def rerun_frontier(manifest: Path, data: dict, out: Path, force: bool, workers: int | None,
                   allow: bool) -> dict[str, str]:  # fmt: skip
    """Re-create a staffing frontier from each series' sweep manifest, then its tables."""
    from relsim.commission import frontier as study
    from relsim.commission.study import publish_study, run_series, staged_results, study_directory
    from relsim.io import now, portable_path
    from relsim.sweep.run import stored_plans

    name = printable(str(manifest))
    series = data.get("series")
    if not (isinstance(series, list) and series and all(isinstance(s, str) for s in series)):
        raise ScenarioError(f"{name}: not a complete frontier manifest (no series)")
    plans, changed = stored_plans(manifest.parent, series, name)
    study_checks(manifest, data, changed, allow, series)
    opened = study_directory(out, study.KIND, study.OWN, force=force, resume=False, rerun=True)
    started = now()
    with staged_results(opened) as staged:
        runs = run_series(
            plans, out, resume=False, workers=workers or max(1, os.cpu_count() or 1),
            dask_address=None, label="frontier",
        )  # fmt: skip
        _, found = study.write_results(staged, plans, runs)
        recorded = {k: data.get(k) for k in ("workforce", "reps", "seed", "sets")}
        made = publish_study(
            out, staged, study.KIND, study.OWN, started, series=series, **recorded, **found,
            rerun_of=portable_path(manifest),
        )  # fmt: skip
    return study_verdicts(data, manifest, made, out, series)


def rerun_budget(manifest: Path, data: dict, out: Path, force: bool, workers: int | None,
                 allow: bool) -> dict[str, str]:  # fmt: skip
    """Re-create a budget search: the same search, each stage run from its own sweep manifest
    (the search asks for the same stages and designs, or the rerun says it differs)."""
    import pandas as pd

    from relsim.commission import budget as study
    from relsim.commission.budget_results import write_results
    from relsim.commission.study import publish_study, run_series, staged_results, study_directory
    from relsim.config import validate_data
    from relsim.io import now, portable_path
    from relsim.rerun import REPS, SEED, what_is_wrong, whole_number
    from relsim.sweep.run import stored_plans

    name = printable(str(manifest))
    try:
        result = data["result"]
        stages = [str(s) for s in result["stages"]]
        metric, limit, posts = (
            str(data["outcome"]),
            float(data["limit_gbp_per_year"]),
            int(data["posts"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(
            f"{name}: not a complete budget manifest ({what_is_wrong(exc)})"
        ) from None
    reps, coarse_reps = (whole_number(data, k, name, REPS) for k in ("reps", "coarse_reps"))
    seed = whole_number(data, "seed", name, SEED)
    plans, changed = stored_plans(manifest.parent, stages, name)
    study_checks(manifest, data, changed, allow, stages)
    stored = dict(plans)
    first = plans[0][1]  # the coarse stage: the summary lists it first
    draw = first.ensemble
    processes = workers or max(1, os.cpu_count() or 1)

    def run_stage(stage: str, design: pd.DataFrame, stage_reps: int) -> pd.DataFrame:
        plan = stored.get(stage)
        same = (
            plan is not None
            and plan.reps == stage_reps
            and design.reset_index(drop=True).equals(plan.design.reset_index(drop=True))
        )
        if not same:
            raise RunError(
                f"the rerun of {name} asked for stage {stage} with another design than the "
                "one recorded; its results differ"
            )
        assert plan is not None
        return run_series(
            [(stage, plan)], out, resume=False, workers=processes, dask_address=None,
            label="budget",
        )[stage]  # fmt: skip

    opened = study_directory(out, study.KIND, study.OWN, force=force, resume=False, rerun=True)
    started = now()
    with staged_results(opened) as staged:
        runs_per_point = reps if draw is None else draw.runs
        coarse, refined = study.search(posts, metric, runs_per_point, coarse_reps, run_stage)
        config = validate_data(first.base, name)
        made_result = write_results(
            staged, coarse, refined, metric, limit, posts, config, seed, draw
        )
        spec = {"limit_gbp_per_year": limit, "outcome": metric, "posts": posts}
        made = publish_study(
            out, staged, study.KIND, study.OWN, started, scenario=data.get("scenario"), reps=reps,
            coarse_reps=coarse_reps, seed=seed, sets=data.get("sets"), **spec,
            result=made_result, rerun_of=portable_path(manifest),
        )  # fmt: skip
    return study_verdicts(data, manifest, made, out, stages)


def rerun_sensitivity_difference(manifest: Path, data: dict, out: Path, force: bool,
                                 workers: int | None, allow: bool) -> dict[str, str]:  # fmt: skip
    """Re-create the sensitivity of a difference (`relsim sensitivity --against`) from each
    series' sweep manifest, then its indices for the metrics the original analysed."""
    from relsim.commission.study import publish_study, run_series, staged_results, study_directory
    from relsim.io import now, portable_path
    from relsim.metrics import METRIC_NAMES
    from relsim.sweep import sensitivity_difference as study
    from relsim.sweep.design import parse_range
    from relsim.sweep.run import stored_plans

    name = printable(str(manifest))
    series: list[str] = data.get("series") or []
    metrics: list[str] = data.get("metrics") or []
    complete = (
        isinstance(series, list) and len(series) == 2 and all(isinstance(s, str) for s in series)
        and isinstance(metrics, list) and metrics
        and all(isinstance(m, str) and m in METRIC_NAMES for m in metrics)
    )  # fmt: skip
    if not complete:
        raise ScenarioError(f"{name}: not a complete sensitivity manifest (series, metrics)")
    plans, changed = stored_plans(manifest.parent, series, name)
    study_checks(manifest, data, changed, allow, series)
    parsed = [parse_range(r) for r in plans[0][1].design_spec["ranges"]]
    opened = study_directory(out, study.KIND, study.OWN, force=force, resume=False, rerun=True)
    started = now()
    with staged_results(opened) as staged:
        runs = run_series(
            plans, out, resume=False, workers=workers or max(1, os.cpu_count() or 1),
            dask_address=None, label="sensitivity",
        )  # fmt: skip
        study.write_results(staged, plans, runs, parsed, metrics, [])
        recorded = {k: data.get(k) for k in ("method", "n", "ranges", "reps", "seed", "sets")}
        made = publish_study(
            out, staged, study.KIND, study.OWN, started, series=series, **recorded,
            difference=study.difference_label(plans), metrics=metrics,
            rerun_of=portable_path(manifest),
        )  # fmt: skip
    return study_verdicts(data, manifest, made, out, series)
