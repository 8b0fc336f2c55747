"""Declarative experiments: one small YAML file per study, run on the sweep machinery.

An experiment names one or more scenario files (the series compared, e.g. baseline and
liberated), a grid over scenario keys shared by all series, replications and a seed, and the
figures to draw. Running it sweeps each series into its own results store (resumable, Dask-
capable), then writes per-point summaries and, for each figure, a PNG and the CSV behind it.

With `ensemble: N` (or `relsim experiment run --ensemble N`) every point runs the same N
parameter sets drawn from the calibrated ensemble, `reps_per_set` times each, in every series:
intervals then carry parameter uncertainty as well as chance, and the paired differences
between series (`differences.csv`, the right-hand panel of each figure) compare the care models
under the same parameter sets and the same luck.

The experiment file's schema and its checks are in `relsim.experiment_files`, the figures in
`relsim.experiment_figures`; this module runs an experiment and writes its results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import ValidationError

from relsim import bundled
from relsim.commission.study import move_in, run_series_with_manifests, staged_results
from relsim.config import ScenarioError
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.config.unread import check_read, setting_keys
from relsim.environment import source_record
from relsim.experiment_files import (
    Experiment,
    check_experiment_name,
    figure_stem,
    grid_specs,
    load_experiment,
    named_sets,
    scenario_path,
)
from relsim.files import write_csv, write_json
from relsim.io import git_commit, now, portable_path, sha256
from relsim.metrics import METRIC_NAMES
from relsim.result_files import read_manifest
from relsim.sweep.dask_executor import check_dask
from relsim.sweep.design import care_models_at_points, values_grid_design
from relsim.sweep.directory import MANIFEST, sweeps_with_files
from relsim.sweep.resume_check import ResumeMismatchError
from relsim.sweep.run import SweepPlan, plans_calibration_warnings, stored_plans
from relsim.sweep.summary import interval_kind, summarise
from relsim.target_checks import check_entry_name, same_name_key
from relsim.targets import FORCE_ONLY, RESUME_OR_FORCE, open_directory

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw

SUMMARY = "summary.csv"
DIFFERENCES = "differences.csv"
COST_EFFECTIVENESS = "cost_effectiveness.csv"
INCREMENTAL = "incremental.csv"


def _outputs(experiment: Experiment) -> list[str]:
    """The files an experiment writes at its top level, besides its series' directories."""
    names = [MANIFEST, SUMMARY, DIFFERENCES, COST_EFFECTIVENESS, INCREMENTAL]
    for figure in experiment.figures:
        stem = figure_stem(experiment, figure)
        names += [f"{stem}.png", f"{stem}.csv"]
    return names


def experiment_files(directory: Path, experiment: Experiment) -> list[Path] | None:
    """What an earlier run of this experiment in `directory` consists of, if that is all it
    holds: its own files and one sweep per series. None if anything else is there."""
    removal = sweeps_with_files(directory, set(_outputs(experiment)))
    if (directory / MANIFEST).exists() and "experiment" not in (read_manifest(directory) or {}):
        return None
    return removal


def parameter_sets(experiment: Experiment, ensemble: int | None, quick: bool) -> int:
    """Parameter sets each point runs: --ensemble if given, else the file's; 0 is chance only.
    --quick checks the pipeline with two of the file's, but runs as many as --ensemble says."""
    if ensemble is not None:
        return ensemble
    return min(experiment.ensemble, 2) if quick else experiment.ensemble


def _plans(
    path: Path, experiment: Experiment, quick: bool, ensemble: int | None = None
) -> tuple[int, list[tuple[str, SweepPlan]]]:
    """Every series' sweep, checked before anything runs: its scenario, its design, and a name
    that can be a directory beside the experiment's own files. Returns the runs per point."""
    reps = min(experiment.reps, 2) if quick else experiment.reps
    sets = [*experiment.set, *(experiment.quick_set if quick else [])]
    design = values_grid_design(experiment.grid)
    parameter_set_count = parameter_sets(experiment, ensemble, quick)
    per_set = 1 if quick else experiment.reps_per_set
    plans = []
    for i, entry in enumerate(experiment.scenarios):
        scenario_file = entry if isinstance(entry, str) else entry.scenario
        own = [] if isinstance(entry, str) else entry.set
        scenario_file_path = scenario_path(path, scenario_file)
        if not scenario_file.strip() or scenario_file_path.is_dir():
            # "" and "." are the experiment's own directory: "e: is a directory" named neither
            # the file nor the entry
            raise ScenarioError(
                f"{printable(str(path))}: scenarios.{i}: {printable(repr(scenario_file), 80)} "
                "is not a scenario file (give a file beside the experiment, or a bundled "
                "scenario's name)"
            )
        if not scenario_file_path.exists():
            raise ScenarioError(
                f"{printable(str(path))}: scenarios.{i}: {printable(scenario_file, 80)}: no such "
                "file beside the experiment, nor a bundled scenario of that name "
                f"({', '.join(bundled.names('scenarios'))})"
            )
        checking_quick = quick
        try:
            if quick:  # the full run's settings are checked too: --quick checks the pipeline
                load_raw(scenario_file_path, [*own, *experiment.set])
            base = load_raw(scenario_file_path, [*own, *sets])
            if not quick and experiment.quick_set:  # and the other way round
                checking_quick = True
                load_raw(scenario_file_path, [*own, *experiment.set, *experiment.quick_set])
        except ScenarioError as exc:
            field = None if isinstance(entry, str) else (f"scenarios.{i}.set", own)
            problems = named_sets(exc.problems, experiment, checking_quick, path, field)
            raise ScenarioError(*problems) from None
        # a series that sets what its care model never reads is its scenario again
        check_read(
            setting_keys(own),
            care_models_at_points(base, design),
            f"{printable(str(path))}: scenarios.{i}.set:",
            "this series would be its scenario as it is",
            "set a key it reads",
            labels_change_nothing=False,
        )
        if not isinstance(entry, str):
            base["name"] = entry.name
        series = str(base.get("name", scenario_file_path.stem))
        check_entry_name(series, f"{printable(str(path))}: scenario name")
        spec: dict[str, Any] = {"grid": grid_specs(experiment.grid), "experiment": experiment.name}
        if quick:  # said apart when resumed without it (its sets and runs differ too)
            spec["quick"] = True
        draw = None
        if parameter_set_count:
            draw = _draw(parameter_set_count, per_set, experiment, base)
            spec["ensemble"] = draw.describe()
            reps = draw.runs
        try:
            plan = SweepPlan(
                portable_path(scenario_file_path), base, design, "grid", spec, reps,
                experiment.seed, ensemble=draw,
            )  # fmt: skip
        except ScenarioError as exc:  # a grid value the schema refuses, named as the file's
            raise ScenarioError(
                *(f"{printable(str(path))}: grid: {problem}" for problem in exc.problems)
            ) from None
        plans.append((series, plan))
    names = [series for series, _ in plans]
    folded = [same_name_key(series) for series in names]
    twice = next((n for n, f in zip(names, folded, strict=True) if folded.count(f) > 1), None)
    if twice is not None:
        shared = "name" in setting_keys([*experiment.set, *experiment.quick_set])
        raise ScenarioError(
            f"{printable(str(path))}: scenarios: two series are named {printable(twice, 80)} "
            "(each series is a directory named after its scenario's name: "
            + (
                "the file's set: gives every series one name; set name in each series instead)"
                if shared
                else "give each scenario its own name)"
            )
        )
    reserved = {same_name_key(n): n for n in _outputs(experiment)}
    clash = next((n for n in names if same_name_key(n) in reserved), None)
    if clash is not None:
        raise ScenarioError(
            f"{printable(str(path))}: scenarios: a series named {printable(clash, 80)} would be "
            f"the experiment's own file {reserved[same_name_key(clash)]}; rename the scenario"
        )
    read_by = sorted({m for _, plan in plans for m in care_models_at_points(plan.base, design)})
    check_read(
        design.columns,
        read_by,
        f"{printable(str(path))}: grid:",
        "every series would give the same results at every point",
    )
    return reps, plans


#: a series' refused --resume, for the option that differs, in the terms of an experiment file
_FILE_TERMS = {
    "--reps": "its runs per point (reps, ensemble or reps_per_set) differ",
    "--seed": "its seed differs",
    "--ensemble": "its parameter sets (ensemble, or --ensemble) differ",
}


def _as_experiment(exc: ResumeMismatchError, out: Path) -> ScenarioError:
    """A series' refused --resume, said of the experiment: its reps and seed come from the
    file (or --ensemble), not from options `experiment run` does not have."""
    if exc.option == "--quick":  # an option `experiment run` has: said as it is
        return exc
    made = "the stored sweep was made with"
    if exc.why.startswith(made):  # other code: no file or option would resume it
        return ScenarioError(
            f"--resume {printable(str(out))}: the experiment there was made with "
            f"{exc.why.removeprefix(made).strip()}; {exc.advice}"
        )
    return ScenarioError(
        f"--resume {printable(str(out))}: the experiment there was run otherwise "
        f"({_FILE_TERMS.get(exc.option or '', exc.why)}); resume it with the experiment file, "
        "--quick and --ensemble it was run with, or start again with --force"
    )


def _draw(sets: int, per_set: int, experiment: Experiment, base: dict[str, Any]) -> EnsembleDraw:
    """The same parameter sets for every series (they depend on the seed only)."""
    from relsim.evidence.ensemble import draw_for

    return draw_for(sets, per_set, experiment.seed, base, experiment.grid)


def run_experiment(
    path: Path,
    out: Path,
    *,
    quick: bool = False,
    resume: bool = False,
    force: bool = False,
    workers: int = 1,
    dask_address: str | None = None,
    ensemble: int | None = None,
) -> dict[str, Any]:
    """Run every series, then draw the figures; returns the experiment manifest. `out` is
    checked and locked before anything runs; --force replaces only an earlier run of this
    experiment. `ensemble` overrides the file's parameter sets (0: chance only)."""
    run = plan_experiment(path, quick=quick, ensemble=ensemble)
    return run.write(out, resume=resume, force=force, workers=workers, dask_address=dask_address)


def plan_experiment(
    path: Path, *, quick: bool = False, ensemble: int | None = None
) -> ExperimentRun:
    """The experiment in `path`, every series planned and checked, nothing run."""
    experiment = load_experiment(path)
    reps, plans = _plans(path, experiment, quick, ensemble)
    sets = parameter_sets(experiment, ensemble, quick)
    return ExperimentRun(experiment, plans, quick, reps, sets)


@dataclass
class ExperimentRun:
    """An experiment's series, planned (from its file, or from a result's manifests to rerun
    it), and how it was asked for."""

    experiment: Experiment
    plans: list[tuple[str, SweepPlan]]
    quick: bool
    reps: int
    parameter_sets: int

    def calibration_warnings(self) -> list[str]:
        """One line if any series' points lie outside the conditions the model was
        calibrated in."""
        plans = [plan for _, plan in self.plans]
        return plans_calibration_warnings(f"experiment {self.experiment.name}", plans)

    def write(
        self,
        out: Path,
        *,
        resume: bool = False,
        force: bool = False,
        workers: int = 1,
        dask_address: str | None = None,
        rerun_of: str | None = None,
    ) -> dict[str, Any]:
        """Run every series into `out`, then write the tables, the figures and the manifest.
        Those are written in a staging directory beside `out` and moved in, manifest last, only
        when all are complete: an interruption leaves only the series' resumable sweeps."""
        experiment = self.experiment
        if dask_address:
            check_dask(dask_address)
        opened = open_directory(
            out,
            "--out",
            force=force,
            identify=lambda d: experiment_files(d, experiment),
            not_empty_hint=RESUME_OR_FORCE if rerun_of is None else FORCE_ONLY,
            resume=resume,
            kind=f"an earlier run of experiment {experiment.name}",
        )
        started = now()
        with staged_results(opened) as staging:
            series = self._run_series(out, resume, workers, dask_address)
            manifest = self._write_results(staging, series, started, rerun_of)
            move_in(staging, out, manifest["sha256"])
        return manifest

    def _run_series(
        self, out: Path, resume: bool, workers: int, dask_address: str | None
    ) -> SeriesResults:
        """Run (or finish) each series' sweep in its own subdirectory of `out`, and summarise
        each with the interval its sweep's manifest records."""
        found = SeriesResults()
        try:
            stored = run_series_with_manifests(
                self.plans, out, resume=resume, workers=workers, dask_address=dask_address,
                label=self.experiment.name,
            )  # fmt: skip
        except ResumeMismatchError as exc:
            raise _as_experiment(exc, out) from None
        for series, (runs, sweep_manifest) in stored.items():
            found.kind, found.per_set = interval_kind(sweep_manifest)
            summary = summarise(runs, list(self.experiment.grid), reps_per_set=found.per_set)
            summary.insert(0, "series", series)
            found.summaries.append(summary)
            found.runs[series] = runs
        return found

    def _write_results(
        self, directory: Path, series: SeriesResults, started: str, rerun_of: str | None
    ) -> dict[str, Any]:
        """The tables, the figures and the manifest, written into `directory`."""
        from relsim.evidence.cost_effectiveness import cost_effectiveness
        from relsim.evidence.incremental import incremental, lever_choice
        from relsim.evidence.intervals import describe
        from relsim.experiment_figures import experiment_figure

        experiment = self.experiment
        table = pd.concat(series.summaries, ignore_index=True)
        write_csv(directory / SUMMARY, table)
        keys = list(experiment.grid)
        differences = paired_differences(series.runs, keys, series.per_set)
        write_csv(directory / DIFFERENCES, differences)
        care_models = {name: str(plan.base.get("care_model", "")) for name, plan in self.plans}
        priced = cost_effectiveness(series.runs, care_models, keys, series.per_set)
        write_csv(directory / COST_EFFECTIVENESS, priced)
        if experiment.lever is None:
            choice = incremental(series.runs, keys, series.per_set)
        else:
            choice = lever_choice(series.runs, keys, experiment.lever, series.per_set)
        write_csv(directory / INCREMENTAL, choice)
        figures = []
        for figure in experiment.figures:
            stem = figure_stem(experiment, figure)
            png, data = directory / f"{stem}.png", directory / f"{stem}.csv"
            experiment_figure(table, differences, experiment, figure, png, data)
            entry = {"png": png.name, "data": data.name, **figure.model_dump()}
            if table[f"{figure.metric}_mean"].isna().all():
                entry["note"] = f"{figure.metric} has no value at any point: the figure is empty"
            figures.append(entry)
        written = [n for n in _outputs(experiment) if n != MANIFEST]
        interval = describe(series.kind, self.parameter_sets, series.per_set or 0)
        manifest = {
            "experiment": experiment.model_dump(exclude_none=True),  # without a lever, as before
            "quick": self.quick,
            "reps": self.reps,
            "interval": interval,
            "series": [s["series"].iloc[0] for s in series.summaries],
            "figures": figures,
            **source_record(git_commit()),
            "started": started,
            "finished": now(),
            **({} if rerun_of is None else {"rerun_of": rerun_of}),
            "files": [*written, MANIFEST, *(name for name, _ in self.plans)],
            "sha256": {name: sha256(directory / name) for name in written},
        }
        write_json(directory / MANIFEST, manifest)
        return manifest


@dataclass
class SeriesResults:
    """Each series' runs and per-point summary, and the interval they carry."""

    summaries: list[pd.DataFrame] = field(default_factory=list)
    runs: dict[str, pd.DataFrame] = field(default_factory=dict)
    kind: str = ""
    per_set: int | None = None


def _record_problem(data: dict[str, Any], experiment: Experiment) -> str | None:
    """What keeps an experiment manifest's own fields from being read (an edited one said
    "'int' object is not iterable"), or None."""
    series = data.get("series")
    if not isinstance(series, list) or not all(isinstance(s, str) for s in series):
        return "series: not a list of names"
    if len(series) != len(experiment.scenarios):
        return f"series: {len(series)} names for its {len(experiment.scenarios)} scenarios"
    if "quick" not in data:
        return "no field 'quick'"
    if not isinstance(data.get("interval"), dict):
        return "interval: not a record of the interval"
    return None


def _check_record(
    experiment: Experiment,
    plans: list[tuple[str, SweepPlan]],
    quick: bool,
    sets: int,
    reps: int,
    name: str,
) -> None:
    """Refuse an experiment record its series' sweeps contradict: a rerun runs the sweeps and
    copies the record into its own manifest, which would then say what did not run (an edited
    grid, name or replication count was reported identical)."""
    for series, plan in plans:
        spec = plan.design_spec
        if spec.get("grid") != grid_specs(experiment.grid) or spec.get("experiment") != (
            experiment.name
        ):
            raise ScenarioError(
                f"{name}: experiment: its grid or name is not what series "
                f"{printable(series, 60)} ran (the manifest was edited)"
            )
    per_set = 1 if quick else experiment.reps_per_set
    expected = sets * per_set if sets else (min(experiment.reps, 2) if quick else experiment.reps)
    if expected != reps:
        raise ScenarioError(
            f"{name}: experiment: its reps ({experiment.reps:,}) would not give the {reps:,} "
            "runs a point its series ran (the manifest was edited)"
        )


def planned_again(data: dict[str, Any], directory: Path) -> tuple[ExperimentRun, list[str]]:
    """The run an experiment result's manifest describes, planned from its own records (the
    experiment as run, and each series' sweep manifest), and every point's recorded scenario
    hash paired with the one it resolves to now, as 'recorded now' strings that differ."""
    from relsim.rerun import what_is_wrong, whole_number

    name = printable(str(directory / MANIFEST))
    reps = whole_number(data, "reps", name)
    try:
        experiment = Experiment.model_validate(data["experiment"])
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise ScenarioError(
            f"{name}: not a complete experiment manifest ({what_is_wrong(exc)})"
        ) from None
    problem = _record_problem(data, experiment)
    if problem is not None:
        raise ScenarioError(f"{name}: not a complete experiment manifest ({problem})")
    series_names = [str(s) for s in data["series"]]
    quick = bool(data["quick"])
    recorded_sets = {"parameter_sets": data["interval"].get("parameter_sets") or 0}
    sets = whole_number(recorded_sets, "parameter_sets", f"{name}: interval", (0, 10_000))
    check_experiment_name(experiment, name)
    plans, changed = stored_plans(directory, series_names, name)
    # Every series ran `reps` runs a point; a manifest that says otherwise was altered, and a
    # rerun would copy the wrong count into its own.
    ran = sorted({plan.reps for _, plan in plans})
    if ran and ran != [reps]:
        counts = " and ".join(f"{count:,}" for count in ran)
        raise ScenarioError(f"{name}: reps: {reps:,} does not match its series' sweeps ({counts})")
    _check_record(experiment, plans, quick, sets, reps, name)
    return ExperimentRun(experiment, plans, quick, reps, sets), changed


def paired_differences(
    runs: dict[str, pd.DataFrame], keys: list[str], reps_per_set: int | None
) -> pd.DataFrame:
    """Each later series minus the first, run by run (the same point and replication: the same
    citizens, luck and parameter set), summarised per point like `summary.csv`."""
    names = list(runs)
    first = runs[names[0]]
    metrics = [m for m in METRIC_NAMES if m in first.columns]
    if len(names) < 2:  # nothing to pair, but the file has its columns
        measured = [f"{m}_{part}" for m in metrics for part in ("mean", "ci95_low", "ci95_high")]
        return pd.DataFrame(
            columns=["series", "minus", "point", *keys, "pairs", "interval", *measured]
        )
    index = ["point", "replication"]
    reference = first[first["status"] == "ok"].set_index(index)
    tables = []
    for name in names[1:]:
        other = runs[name]
        other = other[other["status"] == "ok"].set_index(index)
        common = reference.index.intersection(other.index)
        frame = (other.loc[common, metrics] - reference.loc[common, metrics]).reset_index()
        for key in keys:
            frame[key] = reference.loc[common, key].to_numpy()
        frame["status"] = "ok"
        summary = summarise(frame, keys, metrics, reps_per_set, differences=True)
        summary = summary.drop(columns="runs_failed").rename(columns={"runs_ok": "pairs"})
        summary.insert(0, "minus", names[0])
        summary.insert(0, "series", name)
        tables.append(summary)
    return pd.concat(tables, ignore_index=True)
