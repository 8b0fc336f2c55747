"""Declarative experiments: one small YAML file per study, run on the sweep machinery.

An experiment names one or more scenario files (the series compared, e.g. baseline and
liberated), a grid over scenario keys shared by all series, replications and a seed, and the
figures to draw. Running it sweeps each series into its own results store (resumable, Dask-
capable), then writes per-point summaries and, for each figure, a PNG and the CSV behind it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from relsim import bundled
from relsim.config import ScenarioError
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.config.safe_yaml import load_file
from relsim.io import git_commit, now, portable_path, versions
from relsim.metrics import METRIC_NAMES
from relsim.sweep.design import grid_design
from relsim.sweep.run import SweepPlan, run_sweep
from relsim.sweep.summary import load_sweep, summarise


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
    """Run every series, then draw the figures; returns the experiment manifest."""
    experiment = load_experiment(path)
    reps = min(experiment.reps, 2) if quick else experiment.reps
    sets = [*experiment.set, *(experiment.quick_set if quick else [])]
    design = grid_design(_grid_specs(experiment.grid))
    out.mkdir(parents=True, exist_ok=True)
    summaries = []
    for scenario_file in experiment.scenarios:
        scenario_file_path = scenario_path(path, scenario_file)
        base = load_raw(scenario_file_path, sets)
        series = str(base.get("name", scenario_file_path.stem))
        spec = {"grid": _grid_specs(experiment.grid), "experiment": experiment.name}
        plan = SweepPlan(
            portable_path(scenario_file_path), base, design, "grid", spec, reps, experiment.seed
        )
        store_dir = out / series
        sweep_resume = resume and (store_dir / "manifest.json").is_file()
        run_sweep(
            plan,
            store_dir,
            resume=sweep_resume,
            force=force or not sweep_resume,
            workers=workers,
            dask_address=dask_address,
        )
        runs, _ = load_sweep(store_dir)
        summary = summarise(runs, list(experiment.grid))
        summary.insert(0, "series", series)
        summaries.append(summary)
    table = pd.concat(summaries, ignore_index=True)
    table.to_csv(out / "summary.csv", index=False)
    figures = []
    for figure in experiment.figures:
        stem = f"{experiment.name}_{figure.metric}_by_{figure.x.replace('.', '_')}"
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
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
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
    data.to_csv(csv, index=False)
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
    fig.savefig(png)
    plt.close(fig)
