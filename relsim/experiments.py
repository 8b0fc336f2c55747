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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from relsim import bundled
from relsim.commission.study import move_in, run_series_with_manifests, staged_results
from relsim.config import Scenario, ScenarioError
from relsim.config.errors import FileError, printable
from relsim.config.loading import load_raw, parse_set
from relsim.config.safe_yaml import load_file
from relsim.environment import source_record
from relsim.files import write_csv, write_figure, write_json
from relsim.io import git_commit, now, portable_path, sha256
from relsim.metrics import METRIC_NAMES
from relsim.result_files import OutputError, read_manifest
from relsim.sweep.dask_executor import check_dask
from relsim.sweep.design import check_not_also_set, grid_design, leaf_annotation
from relsim.sweep.run import SweepPlan, stored_plans
from relsim.sweep.store import MANIFEST, sweeps_with_files
from relsim.sweep.summary import interval_kind, summarise
from relsim.targets import check_entry_name, open_directory

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw

SUMMARY = "summary.csv"
DIFFERENCES = "differences.csv"


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str
    x: str
    title: str = ""


class Experiment(BaseModel):
    """An experiment file, validated like a scenario: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    question: str = ""
    scenarios: list[str] = Field(min_length=1)
    set: list[str] = Field(default_factory=list)
    grid: dict[str, list[Any]] = Field(min_length=1)
    reps: int = Field(ge=1)
    seed: int = Field(ge=0, le=2**63 - 1)
    figures: list[Figure] = Field(min_length=1)
    quick_set: list[str] = Field(default_factory=list)
    #: Parameter sets drawn from the calibrated ensemble (0: chance only, `reps` runs a point).
    ensemble: int = Field(default=0, ge=0, le=10_000)
    reps_per_set: int = Field(default=1, ge=1)

    @field_validator("ensemble")
    @classmethod
    def _two_or_more(cls, value: int) -> int:
        if value == 1:
            raise ValueError("needs 2 or more parameter sets (0: chance only)")
        return value


def load_experiment(path: Path) -> Experiment:
    name = printable(str(path))
    data = load_file(path, "experiment file").data
    _check_not_a_scenario(data, name)
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            *(
                f"{name}: {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
                for e in exc.errors()
            )
        ) from None
    problems: list[str] = []
    for key in experiment.grid:
        try:
            leaf_annotation(key)
        except ScenarioError as exc:  # named as the grid's, before the figures that use it
            problems.extend(f"{name}: grid: {problem}" for problem in exc.problems)
    if not problems:
        try:
            grid_design(_grid_specs(experiment.grid))
        except ScenarioError as exc:
            problems.extend(f"{name}: grid: {p.removeprefix('--grid ')}" for p in exc.problems)
    grid_fine = not problems  # a figure's x is checked against a grid that is itself right
    for listed in ("set", "quick_set"):
        found = _set_problems(getattr(experiment, listed), f"{name}: {listed}")
        try:
            if not found:  # each a KEY=VALUE: is one of them a key the grid varies?
                check_not_also_set(experiment.grid, getattr(experiment, listed), "the grid")
        except ScenarioError as exc:
            found = [f"{name}: {listed}: {p.removeprefix('--set ')}" for p in exc.problems]
        problems.extend(found)
    for figure in experiment.figures:
        if figure.metric not in METRIC_NAMES:
            problems.append(f"{name}: figures: unknown metric {printable(figure.metric, 80)}")
        if grid_fine and figure.x not in experiment.grid:
            problems.append(f"{name}: figures: x {printable(figure.x, 80)} is not a grid key")
    if problems:
        raise ScenarioError(*problems)
    check_experiment_name(experiment, name)
    return experiment


def _set_problems(assignments: list[str], where: str) -> list[str]:
    """An experiment's `set:` (or `quick_set:`) list: each a KEY=VALUE, no key twice (in a file
    a repeated key is more likely a slip than an override; `quick_set` may override `set`)."""
    problems: list[str] = []
    seen: set[str] = set()
    for assignment in assignments:
        try:
            parts, _ = parse_set(assignment)
        except ScenarioError as exc:
            problems.extend(f"{where}: {problem}" for problem in exc.problems)
            continue
        key = ".".join(parts)
        if key in seen:
            problems.append(f"{where}: {key} is set twice; keep one")
        seen.add(key)
    return problems


def _named_sets(
    problems: Sequence[str], experiment: Experiment, quick: bool, path: Path
) -> list[str]:
    """Problems with the file's `set:` values, which the scenario's validation names `--set
    KEY`, named as the experiment file's (`quick_set` wins where both set a key)."""
    fields = {".".join(parse_set(a)[0]): "set" for a in experiment.set}
    if quick:
        fields.update({".".join(parse_set(a)[0]): "quick_set" for a in experiment.quick_set})
    named = []
    for problem in problems:
        if problem.startswith("--set "):
            key = problem.removeprefix("--set ").partition(":")[0]
            field = fields.get(key, "set")
            problem = f"{printable(str(path))}: {field}: {problem.removeprefix('--set ')}"
        named.append(problem)
    return named


def _check_not_a_scenario(data: Any, name: str) -> None:
    """A scenario file given where an experiment file belongs is named as such in one line,
    not as a dozen missing and unknown keys."""
    if not isinstance(data, dict):
        return
    own = set(Experiment.model_fields) - set(Scenario.model_fields)
    scenario_keys = {*Scenario.model_fields, "extends"} - set(Experiment.model_fields)
    if not own.intersection(data) and scenario_keys.intersection(data):
        raise FileError(
            f"{name}: not an experiment file (it looks like a scenario: run it with "
            "relsim run or relsim compare)"
        )


def check_experiment_name(experiment: Experiment, where: str) -> None:
    """The name becomes the default results directory and the start of every figure's file
    name, so it must be a plain name that stays inside the results directory."""
    try:
        check_entry_name(experiment.name, f"{where}: name")
    except OutputError as exc:
        raise ScenarioError(str(exc)) from None


def scenario_path(experiment_file: Path, scenario: str) -> Path:
    """A scenario an experiment names: relative to the experiment file, else a bundled one."""
    candidate = experiment_file.parent / scenario
    if candidate.exists():
        return candidate.resolve()
    found = bundled.find("scenarios", scenario)
    return found.resolve() if found is not None else candidate


def _grid_specs(grid: dict[str, list[Any]]) -> list[str]:
    return [f"{key}={','.join(str(v) for v in values)}" for key, values in grid.items()]


def _outputs(experiment: Experiment) -> list[str]:
    """The files an experiment writes at its top level, besides its series' directories."""
    names = [MANIFEST, SUMMARY, DIFFERENCES]
    for figure in experiment.figures:
        stem = _figure_stem(experiment, figure)
        names += [f"{stem}.png", f"{stem}.csv"]
    return names


def _figure_stem(experiment: Experiment, figure: Figure) -> str:
    return f"{experiment.name}_{figure.metric}_by_{figure.x.replace('.', '_')}"


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
    design = grid_design(_grid_specs(experiment.grid))
    parameter_set_count = parameter_sets(experiment, ensemble, quick)
    per_set = 1 if quick else experiment.reps_per_set
    plans = []
    for scenario_file in experiment.scenarios:
        scenario_file_path = scenario_path(path, scenario_file)
        try:
            if quick:  # the full run's settings are checked too: --quick checks the pipeline
                load_raw(scenario_file_path, experiment.set)
            base = load_raw(scenario_file_path, sets)
        except ScenarioError as exc:
            raise ScenarioError(*_named_sets(exc.problems, experiment, quick, path)) from None
        series = str(base.get("name", scenario_file_path.stem))
        check_entry_name(series, f"{printable(str(path))}: scenario name")
        spec: dict[str, Any] = {"grid": _grid_specs(experiment.grid), "experiment": experiment.name}
        draw = None
        if parameter_set_count:
            draw = _draw(parameter_set_count, per_set, experiment, base)
            spec["ensemble"] = draw.describe()
            reps = draw.runs
        plan = SweepPlan(
            portable_path(scenario_file_path), base, design, "grid", spec, reps, experiment.seed,
            ensemble=draw,
        )  # fmt: skip
        plans.append((series, plan))
    names = [series for series, _ in plans]
    folded = [series.casefold() for series in names]
    twice = next((n for n, f in zip(names, folded, strict=True) if folded.count(f) > 1), None)
    if twice is not None:
        raise ScenarioError(
            f"{printable(str(path))}: scenarios: two series are named {printable(twice, 80)} "
            "(each series is a directory named after its scenario's name: give each scenario "
            "its own name)"
        )
    reserved = {n.casefold(): n for n in _outputs(experiment)}
    clash = next((n for n in names if n.casefold() in reserved), None)
    if clash is not None:
        raise ScenarioError(
            f"{printable(str(path))}: scenarios: a series named {printable(clash, 80)} would be "
            f"the experiment's own file {reserved[clash.casefold()]}; rename the scenario"
        )
    return reps, plans


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
    experiment = load_experiment(path)
    reps, plans = _plans(path, experiment, quick, ensemble)
    run = ExperimentRun(experiment, plans, quick, reps, parameter_sets(experiment, ensemble, quick))
    return run.write(out, resume=resume, force=force, workers=workers, dask_address=dask_address)


@dataclass
class ExperimentRun:
    """An experiment's series, planned (from its file, or from a result's manifests to rerun
    it), and how it was asked for."""

    experiment: Experiment
    plans: list[tuple[str, SweepPlan]]
    quick: bool
    reps: int
    parameter_sets: int

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
            not_empty_hint="use --resume to finish it, or --force to start again",
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
        stored = run_series_with_manifests(
            self.plans, out, resume=resume, workers=workers, dask_address=dask_address,
            label=self.experiment.name,
        )  # fmt: skip
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
        from relsim.evidence.intervals import describe

        experiment = self.experiment
        table = pd.concat(series.summaries, ignore_index=True)
        write_csv(directory / SUMMARY, table)
        differences = paired_differences(series.runs, list(experiment.grid), series.per_set)
        write_csv(directory / DIFFERENCES, differences)
        figures = []
        for figure in experiment.figures:
            stem = _figure_stem(experiment, figure)
            png, data = directory / f"{stem}.png", directory / f"{stem}.csv"
            _plot(table, differences, experiment, figure, png, data)
            figures.append({"png": png.name, "data": data.name, **figure.model_dump()})
        written = [n for n in _outputs(experiment) if n != MANIFEST]
        interval = describe(series.kind, self.parameter_sets, series.per_set or 0)
        manifest = {
            "experiment": experiment.model_dump(),
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


def planned_again(data: dict[str, Any], directory: Path) -> tuple[ExperimentRun, list[str]]:
    """The run an experiment result's manifest describes, planned from its own records (the
    experiment as run, and each series' sweep manifest), and every point's recorded scenario
    hash paired with the one it resolves to now, as 'recorded now' strings that differ."""
    from relsim.rerun import whole_number

    name = printable(str(directory / MANIFEST))
    reps = whole_number(data, "reps", name)
    try:
        experiment = Experiment.model_validate(data["experiment"])
        series_names = [str(s) for s in data["series"]]
        quick = bool(data["quick"])
        sets = int(data["interval"].get("parameter_sets") or 0)
    except (KeyError, TypeError, ValueError, AttributeError, ValidationError) as exc:
        raise ScenarioError(f"{name}: not a complete experiment manifest ({exc})") from None
    check_experiment_name(experiment, name)
    plans, changed = stored_plans(directory, series_names, name)
    # Every series ran `reps` runs a point; a manifest that says otherwise was altered, and a
    # rerun would copy the wrong count into its own.
    ran = sorted({plan.reps for _, plan in plans})
    if ran and ran != [reps]:
        counts = " and ".join(f"{count:,}" for count in ran)
        raise ScenarioError(f"{name}: reps: {reps:,} does not match its series' sweeps ({counts})")
    return ExperimentRun(experiment, plans, quick, reps, sets), changed


def paired_differences(
    runs: dict[str, pd.DataFrame], keys: list[str], reps_per_set: int | None
) -> pd.DataFrame:
    """Each later series minus the first, run by run (the same point and replication: the same
    citizens, luck and parameter set), summarised per point like `summary.csv`."""
    names = list(runs)
    if len(names) < 2:
        return pd.DataFrame(columns=["series", "minus", "point", *keys])
    first = runs[names[0]]
    metrics = [m for m in METRIC_NAMES if m in first.columns]
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
        summary = summarise(frame, keys, metrics, reps_per_set)
        summary = summary.drop(columns="runs_failed").rename(columns={"runs_ok": "pairs"})
        summary.insert(0, "minus", names[0])
        summary.insert(0, "series", name)
        tables.append(summary)
    return pd.concat(tables, ignore_index=True)


def _plot(
    table: pd.DataFrame,
    differences: pd.DataFrame,
    experiment: Experiment,
    figure: Figure,
    png: Path,
    csv: Path,
) -> None:
    """Metric against x, one line per series and per combination of the other grid keys; with
    two or more series, a second panel of the paired differences from the first."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    others = [k for k in experiment.grid if k != figure.x]
    columns = ["series", *others, figure.x]
    stats = [f"{figure.metric}_{s}" for s in ("mean", "ci95_low", "ci95_high")]
    data = table[[*columns, "runs_ok", "interval", *stats]].sort_values(columns)
    write_csv(csv, data)
    paired = not differences.empty
    fig, axes = plt.subplots(1, 2 if paired else 1, figsize=(11 if paired else 6.5, 4.2), dpi=110)
    level_ax = axes[0] if paired else axes
    _lines(level_ax, data, ["series", *others], figure, stats)
    level_ax.set_ylabel(figure.metric)
    level_ax.set_title(figure.title or f"{experiment.title}: {figure.metric}", fontsize=9)
    if paired:
        diff_ax = axes[1]
        gaps = differences.sort_values(["series", *others, figure.x])
        minus = str(gaps["minus"].iloc[0])
        _lines(diff_ax, gaps, ["series", *others], figure, stats, minus=minus, first_colour=1)
        diff_ax.axhline(0, color="grey", linewidth=0.8)
        diff_ax.set_ylabel(f"difference in {figure.metric}")
        diff_ax.set_title("paired difference", fontsize=9)
    interval = str(data["interval"].iloc[0])
    fig.text(0.01, 0.01, f"bars: 95% interval ({interval})", fontsize=7, color="dimgrey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    write_figure(png, fig)
    plt.close(fig)


def _lines(
    ax: Any,
    data: pd.DataFrame,
    groups: list[str],
    figure: Figure,
    stats: list[str],
    minus: str | None = None,
    first_colour: int = 0,
) -> None:
    """One line with interval bars per group (differences start at the second colour, so that
    with one grid key each keeps its series' colour)."""
    others = groups[1:]
    for number, (label, group) in enumerate(data.groupby(groups, sort=True), first_colour):
        parts = label if isinstance(label, tuple) else (label,)
        head = str(parts[0]) if minus is None else f"{parts[0]} − {minus}"
        name = ", ".join([head, *(f"{k}={v}" for k, v in zip(others, parts[1:], strict=True))])
        mean = group[stats[0]]
        yerr = [(mean - group[stats[1]]).fillna(0), (group[stats[2]] - mean).fillna(0)]
        ax.errorbar(
            group[figure.x], mean, yerr=yerr, marker="o", capsize=3, label=name,
            color=f"C{number % 10}",
        )  # fmt: skip
    ax.set_xlabel(figure.x)
    ax.legend(fontsize=7)
