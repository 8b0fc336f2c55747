"""Declarative experiments: one small YAML file per study, run on the sweep machinery.

An experiment names one or more scenario files (the series compared, e.g. baseline and
liberated), a grid over scenario keys shared by all series, replications and a seed, and the
figures to draw. Running it sweeps each series into its own results store (resumable, Dask-
capable), then writes per-point summaries and, for each figure, a PNG and the CSV behind it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from relsim import bundled
from relsim.config import ScenarioError
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.config.safe_yaml import load_file
from relsim.files import write_csv, write_figure, write_json
from relsim.io import git_commit, now, portable_path, versions
from relsim.metrics import METRIC_NAMES
from relsim.sweep.dask_executor import check_dask
from relsim.sweep.design import grid_design
from relsim.sweep.run import SweepPlan, run_sweep
from relsim.sweep.store import MANIFEST, sweeps_with_files
from relsim.sweep.summary import load_sweep, summarise
from relsim.targets import check_entry_name, open_directory, read_manifest, remove_exactly

SUMMARY = "summary.csv"


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
    seed: int = Field(ge=0)
    figures: list[Figure] = Field(min_length=1)
    quick_set: list[str] = Field(default_factory=list)


def load_experiment(path: Path) -> Experiment:
    name = printable(str(path))
    data = load_file(path, "experiment file").data
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            *(
                f"{name}: {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
                for e in exc.errors()
            )
        ) from None
    problems = []
    for figure in experiment.figures:
        if figure.metric not in METRIC_NAMES:
            problems.append(f"{name}: figures: unknown metric {printable(figure.metric, 80)}")
        if figure.x not in experiment.grid:
            problems.append(f"{name}: figures: x {printable(figure.x, 80)} is not a grid key")
    if problems:
        raise ScenarioError(*problems)
    return experiment


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
    names = [MANIFEST, SUMMARY]
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


def _plans(
    path: Path, experiment: Experiment, quick: bool
) -> tuple[int, list[tuple[str, SweepPlan]]]:
    """Every series' sweep, checked before anything runs: its scenario, its design, and a name
    that can be a directory beside the experiment's own files."""
    reps = min(experiment.reps, 2) if quick else experiment.reps
    sets = [*experiment.set, *(experiment.quick_set if quick else [])]
    design = grid_design(_grid_specs(experiment.grid))
    spec = {"grid": _grid_specs(experiment.grid), "experiment": experiment.name}
    plans = []
    for scenario_file in experiment.scenarios:
        scenario_file_path = scenario_path(path, scenario_file)
        base = load_raw(scenario_file_path, sets)
        series = str(base.get("name", scenario_file_path.stem))
        check_entry_name(series, f"{printable(str(path))}: scenario name")
        plan = SweepPlan(
            portable_path(scenario_file_path), base, design, "grid", spec, reps, experiment.seed
        )
        plans.append((series, plan))
    names = [series.casefold() for series, _ in plans]
    reserved = {n.casefold() for n in _outputs(experiment)}
    if len(set(names)) != len(names) or reserved.intersection(names):
        raise ScenarioError(
            f"{printable(str(path))}: scenarios: each needs its own name, other than "
            f"{', '.join(sorted(reserved))}"
        )
    return reps, plans


def run_experiment(
    path: Path,
    out: Path,
    *,
    quick: bool = False,
    resume: bool = False,
    force: bool = False,
    workers: int = 1,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Run every series, then draw the figures; returns the experiment manifest. `out` is
    checked and locked before anything runs; --force replaces only an earlier run of this
    experiment."""
    experiment = load_experiment(path)
    reps, plans = _plans(path, experiment, quick)
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
    try:
        remove_exactly(opened.replaced)
        summaries = []
        for series, plan in plans:
            store_dir = out / series
            run_sweep(
                plan,
                store_dir,
                resume=resume and (store_dir / MANIFEST).is_file(),
                workers=workers,
                dask_address=dask_address,
                label=f"{experiment.name}: {series}",
            )
            runs, _ = load_sweep(store_dir)
            summary = summarise(runs, list(experiment.grid))
            summary.insert(0, "series", series)
            summaries.append(summary)
        table = pd.concat(summaries, ignore_index=True)
        write_csv(out / SUMMARY, table)
        figures = []
        for figure in experiment.figures:
            stem = _figure_stem(experiment, figure)
            _draw(table, experiment, figure, out / f"{stem}.png", out / f"{stem}.csv")
            figures.append({"png": f"{stem}.png", "data": f"{stem}.csv", **figure.model_dump()})
        manifest = {
            "experiment": experiment.model_dump(),
            "quick": quick,
            "reps": reps,
            "series": [s["series"].iloc[0] for s in summaries],
            "figures": figures,
            "relsim_version": versions()["relsim"],
            "git_commit": git_commit(),
            "versions": versions(),
            "finished": now(),
        }
        write_json(out / MANIFEST, manifest)
    finally:
        opened.close()
    return manifest


def _draw(
    table: pd.DataFrame, experiment: Experiment, figure: Figure, png: Path, csv: Path
) -> None:
    """Metric against x, one line per series and per combination of the other grid keys."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    others = [k for k in experiment.grid if k != figure.x]
    columns = ["series", *others, figure.x]
    stats = [f"{figure.metric}_{s}" for s in ("mean", "ci95_low", "ci95_high")]
    data = table[[*columns, "runs_ok", *stats]].sort_values(columns)
    write_csv(csv, data)
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=110)
    for label, group in data.groupby(["series", *others], sort=True):
        parts = label if isinstance(label, tuple) else (label,)
        name = ", ".join(
            [str(parts[0]), *(f"{k}={v}" for k, v in zip(others, parts[1:], strict=True))]
        )
        mean = group[stats[0]]
        yerr = [(mean - group[stats[1]]).fillna(0), (group[stats[2]] - mean).fillna(0)]
        ax.errorbar(group[figure.x], mean, yerr=yerr, marker="o", capsize=3, label=name)
    ax.set_xlabel(figure.x)
    ax.set_ylabel(figure.metric)
    ax.set_title(figure.title or f"{experiment.title}: {figure.metric}", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    write_figure(png, fig)
    plt.close(fig)
