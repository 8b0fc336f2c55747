"""Summaries of a finished (or partly finished) sweep: per design point, the mean and 95 %
interval of every metric over its replications; and a plot of one metric against one swept key."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from relsim.config import ScenarioError
from relsim.metrics import METRIC_NAMES
from relsim.stats import mean_ci95
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


def summarise(
    runs: pd.DataFrame, keys: list[str], metrics: list[str] | None = None
) -> pd.DataFrame:
    """One row per design point: its swept values, run counts, and each metric's mean and CI."""
    metrics = [m for m in (metrics or METRIC_NAMES) if m in runs.columns]
    rows = []
    for point, group in runs.groupby("point", sort=True):
        ok = group[group["status"] == "ok"]
        row = {"point": int(point), **{k: group[k].iloc[0] for k in keys}}
        row["runs_ok"] = len(ok)
        row["runs_failed"] = int((group["status"] == "failed").sum())
        for metric in metrics:
            summary = mean_ci95(ok[metric].tolist())
            ci = summary["ci95"] or [np.nan, np.nan]
            row[f"{metric}_mean"] = np.nan if summary["mean"] is None else summary["mean"]
            row[f"{metric}_ci95_low"], row[f"{metric}_ci95_high"] = ci
        rows.append(row)
    return pd.DataFrame(rows)


def plot_metric(
    summary: pd.DataFrame,
    keys: list[str],
    metric: str,
    parameter: str,
    path: Path,
    care_model: str | None = None,
) -> None:
    """Metric against one swept key, one line per combination of the other swept keys (the
    care model among them when it is swept)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if parameter not in keys:
        raise ScenarioError(f"--param {parameter}: not a swept key (swept: {', '.join(keys)})")
    if f"{metric}_mean" not in summary.columns:
        raise ScenarioError(f"--metric {metric}: unknown metric")
    others = [k for k in keys if k != parameter]
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=110)
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
    ax.set_xlabel(parameter)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} by {parameter} (mean, 95% interval)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
