"""Summaries of a finished (or partly finished) sweep: per design point, the mean and 95 %
interval of every metric over its replications; and a plot of one metric against one swept key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.config import ScenarioError
from relsim.files import write_figure
from relsim.metrics import METRIC_NAMES
from relsim.sweep.store import MANIFEST, RUNS


def load_sweep(directory: Path) -> tuple[pd.DataFrame, dict]:
    runs_dir = directory / RUNS
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file() or not runs_dir.exists():
        raise ScenarioError(f"{directory}: not a sweep directory (no {MANIFEST} and {RUNS})")
    manifest = json.loads(manifest_path.read_text())
    if not any(runs_dir.glob("part-*.parquet")):
        raise ScenarioError(f"{directory}: the sweep has no finished runs yet")
    return pd.read_parquet(runs_dir), manifest


def interval_kind(manifest: dict[str, Any]) -> tuple[str, int | None]:
    """Which interval a sweep's summary holds, and the runs per parameter set (--ensemble)."""
    from relsim.evidence.intervals import CHANCE, PARAMETERS

    ensemble = (manifest.get("design", {}).get("spec") or {}).get("ensemble")
    if not ensemble:
        return CHANCE, None
    return PARAMETERS, int(ensemble["reps_per_set"])


def summarise(
    runs: pd.DataFrame,
    keys: list[str],
    metrics: list[str] | None = None,
    reps_per_set: int | None = None,
) -> pd.DataFrame:
    """One row per design point: its swept values, run counts, and each metric's mean and CI:
    over replications (chance), or with `reps_per_set` (a sweep run with --ensemble) the
    central 95 % of the parameter sets' means (parameters and chance)."""
    from relsim.evidence.intervals import CHANCE, PARAMETERS, interval

    metrics = [m for m in (metrics or METRIC_NAMES) if m in runs.columns]
    rows = []
    for point, group in runs.groupby("point", sort=True):
        ok = group[group["status"] == "ok"]
        row = {"point": int(point), **{k: group[k].iloc[0] for k in keys}}
        row["runs_ok"] = len(ok)
        row["runs_failed"] = int((group["status"] == "failed").sum())
        row["interval"] = CHANCE if reps_per_set is None else PARAMETERS
        sets = None if reps_per_set is None else (ok["replication"] // reps_per_set).tolist()
        for metric in metrics:
            summary = interval(ok[metric].tolist(), sets)
            ci = summary["ci95"] or [np.nan, np.nan]
            row[f"{metric}_mean"] = np.nan if summary["mean"] is None else summary["mean"]
            row[f"{metric}_ci95_low"], row[f"{metric}_ci95_high"] = ci
        rows.append(row)
    return pd.DataFrame(rows)


SAMPLED_DESIGNS = ("lhs", "sobol", "morris")
MAX_LINES = 12


def plot_metric(
    summary: pd.DataFrame,
    keys: list[str],
    metric: str,
    parameter: str,
    path: Path,
    manifest: dict[str, Any] | None = None,
) -> None:
    """Metric against one swept key. On a grid: one line per combination of the other swept
    keys (the care model among them when it is swept), with 95 % intervals. On a sampled design
    (Latin hypercube, Sobol', Morris), where every point differs in every key: a scatter of the
    points with a fitted trend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if parameter not in keys:
        raise ScenarioError(f"--param {parameter}: not a swept key (swept: {', '.join(keys)})")
    if f"{metric}_mean" not in summary.columns:
        raise ScenarioError(f"--metric {metric}: unknown metric")
    manifest = manifest or {}
    kind = manifest.get("design", {}).get("kind")
    others = [k for k in keys if k != parameter]
    lines = summary.groupby(others, sort=True).ngroups if others else 1
    numeric = pd.api.types.is_numeric_dtype(summary[parameter])
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=110)
    if numeric and (kind in SAMPLED_DESIGNS or lines > MAX_LINES):
        _scatter_with_trend(ax, summary, keys, metric, parameter)
    else:
        care_model = manifest.get("base_scenario", {}).get("care_model")
        _lines(ax, summary, others, metric, parameter, care_model)
    ax.set_xlabel(parameter)
    ax.set_ylabel(metric)
    fig.tight_layout()
    write_figure(path, fig)
    plt.close(fig)


def _lines(
    ax: Any,
    summary: pd.DataFrame,
    others: list[str],
    metric: str,
    parameter: str,
    care_model: str | None,
) -> None:
    groups = summary.groupby(others, sort=True) if others else [((), summary)]
    for label, group in groups:
        group = group.sort_values(parameter)
        mean = group[f"{metric}_mean"]
        low = (mean - group[f"{metric}_ci95_low"]).fillna(0)
        high = (group[f"{metric}_ci95_high"] - mean).fillna(0)
        if not isinstance(label, tuple):
            label = (label,)
        name = ", ".join(f"{k}={v}" for k, v in zip(others, label, strict=True))
        if not name:
            name = care_model or "all points"
        ax.errorbar(group[parameter], mean, yerr=[low, high], marker="o", capsize=3, label=name)
    ax.set_title(f"{metric} by {parameter} (mean, 95% interval)", fontsize=9)
    ax.legend(fontsize=7)


def _scatter_with_trend(
    ax: Any, summary: pd.DataFrame, keys: list[str], metric: str, parameter: str
) -> None:
    """Each point's mean against the key, coloured by a swept category (such as the care model)
    if there is one, with a least-squares quadratic trend per colour."""
    categories = [
        k for k in keys if k != parameter and not pd.api.types.is_numeric_dtype(summary[k])
    ]
    groups = summary.groupby(categories[0], sort=True) if categories else [("points", summary)]
    for label, group in groups:
        data = group[[parameter, f"{metric}_mean"]].dropna()
        x, y = data[parameter].to_numpy(float), data[f"{metric}_mean"].to_numpy(float)
        (marks,) = ax.plot(x, y, "o", alpha=0.6, markersize=4, label=str(label))
        degree = min(2, len(np.unique(x)) - 1)
        if degree >= 1:
            trend = np.polynomial.Polynomial.fit(x, y, degree)
            grid = np.linspace(x.min(), x.max(), 100)
            ax.plot(grid, trend(grid), "-", color=marks.get_color(), linewidth=1.5)
    ax.set_title(
        f"{metric} by {parameter}: each point's mean over replications, "
        "with a quadratic least-squares trend",
        fontsize=8,
    )
    if categories:
        ax.legend(fontsize=7, title=categories[0], title_fontsize=7)
