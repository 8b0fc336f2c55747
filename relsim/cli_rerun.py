"""What `relsim rerun` does for each kind of result (a run, a comparison, a sweep, an
experiment, a frontier or budget study): run it again in a new directory, then say file by file
whether it is identical to the original."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from relsim.cli_options import emit_json, warn, warn_proportions, warn_unread
from relsim.config import ScenarioError
from relsim.config.errors import RunError, printable
from relsim.signals import stopped_exit

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw


def _refuse(manifest: Path, found: list[str]) -> None:
    raise ScenarioError(
        f"{printable(str(manifest))}: {'; '.join(found)}; its results may not be reproduced "
        "(use --allow-mismatch to rerun anyway)"
    )


def verdict_record(verdicts: dict[str, str], manifest: Path, out: Path | None) -> dict[str, object]:
    """What a rerun found, as JSON: each file's verdict and whether the rerun is identical."""
    from relsim.rerun import CHANGED, nothing_compared, verdict_problems

    return {
        "rerun_of": str(manifest),
        "out": str(out),
        "files": verdicts,
        "original_changed": [n for n, v in verdicts.items() if v in CHANGED],
        "identical": not verdict_problems(verdicts) and not nothing_compared(verdicts),
    }


def _report(
    verdicts: dict[str, str], manifest: Path, as_json: bool = False, out: Path | None = None
) -> None:
    """Say whether each file is identical (one JSON object with `as_json`, for the studies,
    whose reruns print nothing else); exit status 1 if any differs or an original was changed
    after it was written, and also when nothing could be compared (no recorded hashes and no
    original beside the manifest): a rerun that shows nothing is no success, and by then it
    has run, so it is not refused as bad input (exit status 2, which runs nothing)."""
    from relsim.rerun import MISSING, nothing_compared, verdict_problems

    listing = ", ".join(f"{name} {verdict}" for name, verdict in verdicts.items())
    click.echo(f"rerun of {printable(str(manifest))}: {listing or 'no files'}", err=True)
    problems = verdict_problems(verdicts)
    empty = nothing_compared(verdicts)
    if as_json:
        emit_json(verdict_record(verdicts, manifest, out))
    if problems:
        gone = any(verdict in MISSING for verdict in verdicts.values())
        raise RunError("; ".join(problems) + ("; the rerun is kept" if gone else "; both are kept"))
    if empty:
        raise RunError(
            f"nothing could be compared: {printable(str(manifest))} records no SHA-256 for its "
            "files and none of the original files is beside it; the rerun is kept"
        )


_NOTHING_TO_COMPARE = (
    "{}: records no SHA-256 for its files and none of the original files is beside it, so a "
    "rerun would have nothing to compare with; put the manifest back beside its files"
)


def _rerun_run(manifest: Path, data: dict, out: Path, force: bool, workers: int | None,
               allow: bool, as_json: bool) -> None:  # fmt: skip
    from relsim.cli import show_run
    from relsim.config import scenario_hash
    from relsim.io import now, portable_path
    from relsim.rerun import COMPARED, can_compare, compare_files, mismatches, run_manifest
    from relsim.run_results import default_workers, run_scenario, scenario_block, write_run
    from relsim.targets import ResultTarget
    from relsim.warmup import unsettled_warnings

    data, scenario = run_manifest(manifest)
    found = mismatches(data, [(str(data.get("scenario_hash")), scenario_hash(scenario))])
    if found and not allow:
        _refuse(manifest, found)
    if not can_compare(data, manifest.parent, COMPARED):
        raise ScenarioError(_NOTHING_TO_COMPARE.format(printable(str(manifest))))
    # journeys are rerun if the original has them, whatever its list of files says
    hashes = data.get("sha256")
    journeys = any(
        (
            "journeys.parquet" in data["files"],
            isinstance(hashes, dict) and "journeys.parquet" in hashes,
            (manifest.parent / "journeys.parquet").is_file(),
        )
    )
    draw = _recorded_draw(manifest, data.get("ensemble"))
    with ResultTarget(out, force) as target:
        started = now()
        results = run_scenario(
            scenario,
            data["reps"],
            data["seed"],
            workers or default_workers(),
            target.staged if journeys else None,
            draw,
        )
        block = scenario_block(scenario, results, data["seed"], started, draw)
        block["provenance"]["rerun_of"] = portable_path(manifest)
        # what the run warned of, as it warned (the --set behind them is not kept), and
        # whether the district had settled, from this rerun (a run made before that warning
        # existed recorded none)
        recorded = _texts(data.get("warnings"))
        block["warnings"] = warn(recorded) + warn(
            [w for w in unsettled_warnings([block]) if w not in recorded]
        )
        write_run(target.staged, scenario, results, block, draw)
        target.commit()
    verdicts = compare_files(data, manifest.parent, out)
    # with --json, the run's own JSON and what the rerun found (the verdicts went to stderr
    # only, so a script could not tell which file differed)
    show_run({**block, "rerun": verdict_record(verdicts, manifest, out)} if as_json else block,
             as_json)  # fmt: skip
    _report(verdicts, manifest)


def _texts(recorded: object) -> list[str]:
    """The texts of a manifest's list (of warnings, of --set values); none if it is no list."""
    return [t for t in recorded if isinstance(t, str)] if isinstance(recorded, list) else []


SIZING_FIELDS = ("basis", "reference", "target_gbp_per_citizen_year", "scenarios")
SIZED_ROW_FIELDS = ("scenario", "note", "workers_before", "workers")


def recorded_sizing(data: dict, name: str) -> dict | None:
    """A comparison's recorded equal-spend sizing, if it has the fields the tables read (an
    edited `"equal_spend": "yes"` failed with "string indices must be integers")."""
    sizing = data.get("equal_spend")
    if not sizing:
        return None
    rows = sizing.get("scenarios") if isinstance(sizing, dict) else None
    if (
        not isinstance(sizing, dict)
        or any(field not in sizing for field in SIZING_FIELDS)
        or not isinstance(rows, list)
        or not all(isinstance(r, dict) and all(f in r for f in SIZED_ROW_FIELDS) for r in rows)
    ):
        raise ScenarioError(
            f"{name}: not a complete compare manifest (equal_spend: not a record of the sizing)"
        )
    return sizing


def _recorded_draw(manifest: Path, record: object) -> EnsembleDraw | None:
    """The parameter sets a result drew with --ensemble, as its manifest recorded them."""
    if record is None:
        return None
    from relsim.evidence.ensemble import draw_from_record

    try:
        return draw_from_record(record)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        name = printable(str(manifest))
        raise ScenarioError(f"{name}: its ensemble record is incomplete ({exc})") from None


def _rerun_sweep(manifest: Path, data: dict, out: Path, force: bool, workers: int | None,
                 allow: bool) -> dict[str, str]:  # fmt: skip
    from relsim.rerun import (
        compare_sweeps,
        mismatches,
        require_complete_sweep,
        require_readable_tables,
    )
    from relsim.sweep.run import plan_from_manifest, run_sweep
    from relsim.targets import FORCE_ONLY

    require_complete_sweep(manifest, data)
    require_readable_tables(manifest, [manifest.parent])
    plan = plan_from_manifest(data, printable(str(manifest)))
    recorded = data.get("point_scenario_hashes") or []
    if not isinstance(recorded, list) or not all(isinstance(h, str) for h in recorded):
        raise ScenarioError(
            f"{printable(str(manifest))}: not a complete sweep manifest "
            "(point_scenario_hashes: not a list of hashes)"
        )
    found = mismatches(data, list(zip(recorded, plan.hashes, strict=False)))
    if len(recorded) != len(plan.hashes):
        found.append("its design does not match its recorded hashes")
    if found and not allow:
        _refuse(manifest, found)
    try:
        run_sweep(
            plan, out, force=force, workers=workers or max(1, os.cpu_count() or 1),
            not_empty_hint=FORCE_ONLY,
        )  # fmt: skip
    except KeyboardInterrupt as exc:
        # rerun has no --resume: what it finished is kept, but it is no result
        left = (
            f"{printable(str(out))} holds the rerun's finished runs, not a complete result: "
            "the same command with --force starts it again"
        )
        raise stopped_exit(exc, left) from None
    verdicts = compare_sweeps(manifest.parent, out)
    if plan.design_kind in ("morris", "sobol") and (manifest.parent / "sensitivity.csv").is_file():
        verdicts.update(_sensitivity_again(manifest.parent, out, plan.design_spec))
    return verdicts


def _sensitivity_again(original: Path, out: Path, spec: dict) -> dict[str, str]:
    """The indices of a sensitivity analysis, worked out again from the rerun's runs for the
    metrics the original analysed, and compared with the original's table and plot."""
    import pandas as pd

    from relsim.io import sha256
    from relsim.metrics import METRIC_NAMES
    from relsim.sweep.design import parse_range
    from relsim.sweep.sensitivity import write_sensitivity

    table = original / "sensitivity.csv"
    try:
        metrics = list(dict.fromkeys(pd.read_csv(table)["metric"].astype(str)))
    except (OSError, ValueError, KeyError):
        metrics = []
    if not metrics or not set(metrics) <= set(METRIC_NAMES):
        return {"sensitivity.csv": "not compared", "sensitivity.png": "not compared"}
    ranges = [parse_range(r) for r in spec["ranges"]]
    write_sensitivity(out, spec["method"], ranges, spec["n"], spec["sample_seed"], metrics)
    verdicts = {}
    for name in ("sensitivity.csv", "sensitivity.png"):
        if (original / name).is_file():
            same = sha256(out / name) == sha256(original / name)
            verdicts[name] = "identical" if same else "differs"
    return verdicts


def _rerun_experiment(manifest: Path, data: dict, out: Path, force: bool, workers: int | None,
                      allow: bool) -> dict[str, str]:  # fmt: skip
    """Re-create an experiment from its own records: the experiment as it ran and each series'
    sweep manifest (not the experiment file or scenarios as they are now)."""
    from relsim.experiments import planned_again
    from relsim.io import portable_path

    run, changed = planned_again(data, manifest.parent)
    study_checks(manifest, data, changed, allow, [series for series, _ in run.plans])
    made = run.write(
        out, force=force, workers=workers or max(1, os.cpu_count() or 1),
        rerun_of=portable_path(manifest),
    )  # fmt: skip
    return study_verdicts(data, manifest, made, out, [series for series, _ in run.plans])


def study_checks(
    manifest: Path, data: dict, changed: list[str], allow: bool, series: list[str]
) -> None:
    """Refuse, unless allowed, a study made by other code or whose series' scenarios no longer
    resolve as they did; and refuse one whose series' tables (`series`: their directories)
    cannot be read, before anything runs."""
    from relsim.rerun import mismatches, require_readable_tables

    require_readable_tables(manifest, [manifest.parent / one for one in series])

    found = mismatches(data, [])
    if changed:
        found.append(
            f"the scenarios of series {', '.join(changed)} no longer resolve to the recorded "
            "hashes (the manifests were edited, or the schema changed)"
        )
    if found and not allow:
        _refuse(manifest, found)


def study_verdicts(
    data: dict, manifest: Path, made: dict, out: Path, series: list[str]
) -> dict[str, str]:
    """Whether each of a study's files, and each series' tables, are identical."""
    from relsim.rerun import compare_files, compare_sweeps

    verdicts = compare_files(data, manifest.parent, out, made["sha256"])
    for one in series:
        for name, verdict in compare_sweeps(manifest.parent / one, out / one).items():
            verdicts[f"{one}/{name}"] = verdict
    return verdicts


def _rerun_compare(manifest: Path, data: dict, out: Path, force: bool, workers: int | None,
                   allow: bool, as_json: bool) -> None:  # fmt: skip
    """Re-create a comparison: each scenario's runs from its own manifest (its resolved
    scenario, already sized if the comparison sized it, and its recorded parameter sets), then
    the differences and resources, and compare every file with the original's."""
    from relsim.config import scenario_hash
    from relsim.io import now, portable_path
    from relsim.metrics import UNITS
    from relsim.output import print_comparison
    from relsim.rerun import (
        COMPARED,
        can_compare,
        compare_files,
        mismatches,
        run_manifest,
        whole_number,
    )
    from relsim.run_results import (
        comparison_payload,
        default_workers,
        run_scenario,
        same_results_warnings,
        scenario_block,
        write_comparison,
    )
    from relsim.target_checks import check_entry_name
    from relsim.targets import ResultTarget
    from relsim.warmup import unsettled_warnings

    name = printable(str(manifest))
    names = data.get("scenarios")
    if not (isinstance(names, list) and len(names) >= 2 and all(isinstance(n, str) for n in names)):
        raise ScenarioError(f"{name}: not a complete compare manifest (no scenarios)")
    loaded = []
    for scenario_name in names:
        check_entry_name(scenario_name, name)
        own = manifest.parent / scenario_name / "manifest.json"
        own_data, scenario = run_manifest(own)
        if (own_data["seed"], own_data["reps"]) != (data.get("seed"), data.get("reps")):
            raise ScenarioError(f"{printable(str(own))}: its seed or reps differ from {name}'s")
        if scenario.name != scenario_name:
            raise ScenarioError(f"{printable(str(own))}: its scenario is not {scenario_name!r}")
        loaded.append((own, own_data, scenario))
    hashes = [(str(d.get("scenario_hash")), scenario_hash(s)) for _, d, s in loaded]
    found = mismatches(data, hashes, [str(own) for own, _, _ in loaded])
    if found and not allow:
        _refuse(manifest, found)
    own_files = [n for n in data.get("files") or [] if isinstance(n, str) and n not in names]
    if not can_compare(data, manifest.parent, own_files) and not any(
        can_compare(d, own.parent, COMPARED) for own, d, _ in loaded
    ):
        raise ScenarioError(_NOTHING_TO_COMPARE.format(printable(str(manifest))))
    recorded_options = data.get("options")
    options = recorded_options if isinstance(recorded_options, dict) else {}
    sizing = recorded_sizing(data, name)
    weeks = None
    if options.get("transition_weeks") is not None:
        weeks = whole_number(options, "transition_weeks", f"{name}: options", (0, 5200))
    processes = workers or default_workers()
    seed = int(data["seed"])
    with ResultTarget(out, force) as target:
        started = now()
        configs, runs, draws = [], [], []
        for own, own_data, scenario in loaded:
            draw = _recorded_draw(own, own_data.get("ensemble"))
            journeys = "journeys.parquet" in own_data["files"]
            directory = target.staged / scenario.name if journeys else None
            runs.append(run_scenario(scenario, own_data["reps"], seed, processes, directory, draw))
            configs.append(scenario)
            draws.append(draw)
        blocks = []
        for (own, _, _), scenario, results, draw in zip(loaded, configs, runs, draws, strict=True):
            block = scenario_block(scenario, results, seed, started, draw)
            block["provenance"]["rerun_of"] = portable_path(own)
            blocks.append(block)
        # the warnings compare gave, as it gave them (sizing's among them: nothing is sized
        # again); a comparison made before its manifest kept them gets them made again, but
        # sizing's
        recorded = _texts(data.get("warnings"))
        if "warnings" in data:
            warnings = warn(recorded)
        else:
            warnings = warn_proportions(configs) + warn_unread(_texts(options.get("set")), configs)
            warnings += warn(same_results_warnings(configs, runs))
        warnings += warn([w for w in unsettled_warnings(blocks) if w not in recorded])
        payload = comparison_payload(configs, runs, draws, blocks, seed)
        # the commissioner's sections, as `compare` adds them (who saves, the district, the
        # transition): without them the rerun printed no payer table and its JSON lacked them
        from relsim.commission.analysis import analyse

        reps = int(data["reps"])
        analyse(
            payload,
            configs,
            runs,
            transition_weeks=weeks,
            run_launched=lambda c, i: run_scenario(
                c, reps, seed, processes, None, draws[i], doing="launching "
            ),
            warnings=warnings,
            set_args=_texts(options.get("set")),
        )
        payload["equal_spend"] = sizing  # as recorded: nothing is sized again
        made = write_comparison(
            target.staged, configs, runs, draws, payload, options, started, portable_path(manifest)
        )
        target.commit()
    verdicts = compare_files(data, manifest.parent, out, made["sha256"])
    for (own, own_data, _), scenario_name in zip(loaded, names, strict=True):
        for file, verdict in compare_files(own_data, own.parent, out / scenario_name).items():
            verdicts[f"{scenario_name}/{file}"] = verdict
    if as_json:
        emit_json({**payload, "rerun": verdict_record(verdicts, manifest, out)})
    else:
        print_comparison(payload, UNITS)
    _report(verdicts, manifest)


SHA256_TEXT = re.compile(r"[0-9a-f]{64}")

#: the kinds a manifest may name (a run's and an experiment's name none)
RECREATED_KINDS = (
    "relsim compare",
    "relsim sweep",
    "relsim frontier",
    "relsim budget",
    "relsim sensitivity",
)


def rerun_result(
    manifest: Path,
    data: dict,
    out: Path,
    force: bool,
    workers: int | None,
    allow_mismatch: bool,
    as_json: bool,
) -> None:
    """Re-create the result `data` (read from `manifest`) describes in `out`, by its kind."""
    kind = data.get("kind")
    if kind is not None and kind not in RECREATED_KINDS:
        raise ScenarioError(
            f"{printable(str(manifest))}: its kind is {printable(repr(kind), 60)}, not a result "
            "rerun can re-create (a run, a comparison, a sweep, an experiment, a staffing "
            "frontier, a budget search or the sensitivity of a difference)"
        )
    hashes = data.get("sha256")
    if hashes is not None and not (
        isinstance(hashes, dict)
        and all(isinstance(h, str) and SHA256_TEXT.fullmatch(h) for h in hashes.values())
    ):
        # a recorded hash that is no hash made a file that matched byte for byte "differ"
        raise ScenarioError(
            f"{printable(str(manifest))}: not a complete manifest (sha256: not a SHA-256 for "
            "each file)"
        )
    if data.get("kind") == "relsim compare":
        _rerun_compare(manifest, data, out, force, workers, allow_mismatch, as_json)
        return
    if data.get("kind") == "relsim sweep":
        study = _rerun_sweep
    elif "experiment" in data:
        study = _rerun_experiment
    elif data.get("kind") == "relsim frontier":
        from relsim.cli_rerun_commission import rerun_frontier as study
    elif data.get("kind") == "relsim budget":
        from relsim.cli_rerun_commission import rerun_budget as study
    elif data.get("kind") == "relsim sensitivity":
        from relsim.cli_rerun_commission import rerun_sensitivity_difference as study
    else:
        _rerun_run(manifest, data, out, force, workers, allow_mismatch, as_json)
        return
    verdicts = study(manifest, data, out, force, workers, allow_mismatch)
    _report(verdicts, manifest, as_json, out)
