"""Summaries of a finished (or partly finished) sweep: per design point, the mean and 95 %
interval of every metric over its replications; and a plot of one metric against one swept key."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from relsim.config import ScenarioError
from relsim.config.errors import printable
from relsim.config.safe_yaml import read_text
from relsim.files import write_figure
from relsim.metrics import METRIC_NAMES, not_a_metric
from relsim.result_files import MANIFEST_LIMIT
from relsim.sweep.directory import MANIFEST, RUNS
from relsim.sweep.store import runs_twice
from relsim.targets import being_written

# What summarising a sweep needs of every part of its runs table, besides the swept keys.
SUMMARY_COLUMNS = ("point", "replication", "status")


def load_sweep(directory: Path) -> tuple[pd.DataFrame, dict]:
    """A sweep's runs table and manifest, checked for what a summary needs: the directory may
    be damaged, or not a sweep at all, and that is said in one line naming it."""
    name = printable(str(directory))
    runs_dir = directory / RUNS
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file() or not runs_dir.is_dir():
        raise ScenarioError(f"{name}: {_not_a_sweep(directory)}")
    manifest = _read_sweep_manifest(manifest_path, name)
    parts = sorted(runs_dir.glob("part-*.parquet"))
    if not parts:
        raise ScenarioError(f"{name}: the sweep has no finished runs yet")
    return _read_runs(runs_dir, parts, manifest["design"]["keys"], name), manifest


def _not_a_sweep(directory: Path) -> str:
    """What is there instead of a sweep: nothing, a file, or a result whose sweeps (an
    experiment's series, a frontier's scenarios, a budget search's rounds) are inside it."""
    if not directory.exists():
        return "no such directory"
    if not directory.is_dir():
        return "not a directory (a sweep is a directory)"
    inside = sorted(
        child.name
        for child in directory.iterdir()
        if (child / MANIFEST).is_file() and (child / RUNS).is_dir()
    )
    if inside:
        shown = ", ".join(printable(n, 40) for n in inside[:6]) + (
            ", ..." if len(inside) > 6 else ""
        )
        return f"not a sweep; the sweeps in it are its subdirectories {shown}"
    return f"not a sweep directory (a sweep's holds {MANIFEST} and {RUNS}/)"


def _not_complete(name: str, why: str) -> ScenarioError:
    return ScenarioError(f"{name}: not a complete sweep directory ({why})")


def _read_sweep_manifest(path: Path, name: str) -> dict[str, Any]:
    """The manifest, if it holds the design a summary is made by."""
    try:
        data = json.loads(read_text(path, MANIFEST_LIMIT, "manifest"))
    except ValueError:
        raise _not_complete(name, f"{MANIFEST} is empty or not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("design"), dict):
        raise _not_complete(name, f"{MANIFEST} does not record a design")
    keys = data["design"].get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _not_complete(name, f"{MANIFEST} does not record the design's keys")
    spec = data["design"].get("spec") or {}
    ensemble = spec.get("ensemble") if isinstance(spec, dict) else None
    reps_per_set = ensemble.get("reps_per_set") if isinstance(ensemble, dict) else 1
    if not isinstance(spec, dict) or not isinstance(reps_per_set, int) or reps_per_set < 1:
        raise _not_complete(name, f"{MANIFEST} records the design's options wrongly")
    if not isinstance(data.get("base_scenario") or {}, dict):
        raise _not_complete(name, f"{MANIFEST} records the base scenario wrongly")
    return data


def _read_runs(runs_dir: Path, parts: list[Path], keys: list[str], name: str) -> pd.DataFrame:
    """The runs table, each part checked first so that a damaged one is named."""
    needed = [*SUMMARY_COLUMNS, *keys]
    for part in parts:
        where = f"{RUNS}/{part.name}"
        try:
            columns = set(pq.read_schema(part).names)
        except (OSError, ValueError, pa.ArrowException):
            raise _not_complete(name, f"{where} cannot be read as Parquet") from None
        missing = [c for c in needed if c not in columns]
        if missing:
            shown_missing = printable(", ".join(missing), 200)
            raise _not_complete(name, f"{where} lacks the runs table's columns {shown_missing}")
    try:
        runs = pd.read_parquet(runs_dir)
    except (OSError, ValueError, pa.ArrowException) as exc:
        reason = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 160)
        raise _not_complete(name, f"{RUNS} cannot be read as one table: {reason}") from None
    for column in ("point", "replication"):
        if not pd.api.types.is_integer_dtype(runs[column]):
            raise _not_complete(name, f"{RUNS} column {column} is not whole numbers")
    problem = runs_twice(runs)
    if problem is not None:
        raise _not_complete(name, problem)
    return runs


def unfinished_note(directory: Path, runs: pd.DataFrame, manifest: dict[str, Any]) -> str | None:
    """What to tell the reader of an interrupted or still running sweep (not marked complete,
    or short of runs), whose summary covers only the runs done; None for a complete sweep."""
    total = manifest.get("runs_total")
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    done = len(runs[["point", "replication"]].drop_duplicates())
    if manifest.get("status") == "complete" and (total is None or done >= total):
        return None
    counted = f"{done:,} of {total:,}" if total is not None else f"{done:,}"
    if being_written(directory):
        return (
            f"{printable(str(directory))} is a sweep still running: {counted} runs are done so "
            "far, and only they are used; summarise it again once it has finished"
        )
    return (
        f"{printable(str(directory))} is not a complete sweep: {counted} runs are done, and "
        "only they are used; the command that made it, run again with --resume, finishes it"
    )


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
    differences: bool = False,
    design_points: list[dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """One row per design point: its swept values, run counts, and each metric's mean and CI:
    over replications (chance), or with `reps_per_set` (a sweep run with --ensemble) the
    central 95 % of the parameter sets' means (parameters and chance). A metric's interval
    stops at zero; with `differences` (the runs are paired differences of metrics, which can
    be negative) it does not. With `design_points` (the manifest's), a point with no run yet
    has its row too, with no runs and no values: an unfinished sweep shows how far each point
    has got, those not begun included."""
    from relsim.evidence.intervals import CHANCE, METRIC_FLOOR, PARAMETERS, interval

    floor = None if differences else METRIC_FLOOR

    metrics = [m for m in (metrics or METRIC_NAMES) if m in runs.columns]
    kind = CHANCE if reps_per_set is None else PARAMETERS
    rows = []
    for point, group in runs.groupby("point", sort=True):
        ok = group[group["status"] == "ok"]
        row = {"point": int(point), **{k: _plain(group[k].iloc[0]) for k in keys}}
        row["runs_ok"] = len(ok)
        row["runs_failed"] = int((group["status"] == "failed").sum())
        row["interval"] = kind
        sets = None if reps_per_set is None else (ok["replication"] // reps_per_set).tolist()
        for metric in metrics:
            summary = interval(ok[metric].tolist(), sets, floor)
            ci = summary["ci95"] or [np.nan, np.nan]
            row[f"{metric}_mean"] = np.nan if summary["mean"] is None else summary["mean"]
            row[f"{metric}_ci95_low"], row[f"{metric}_ci95_high"] = ci
        row.update(_steady_state(ok, sets))
        rows.append(row)
    begun = {row["point"] for row in rows}
    for point, values in enumerate(design_points or []):
        if point not in begun:
            swept = {k: values.get(k) for k in keys}
            rows.append({"point": point, **swept, "runs_ok": 0, "runs_failed": 0, "interval": kind})
    if not rows:
        return pd.DataFrame(rows)
    return pd.DataFrame(rows).sort_values("point", kind="stable").reset_index(drop=True)


def _steady_state(ok: pd.DataFrame, sets: list[int] | None) -> dict[str, float]:
    """A point's steady-state check, from its runs' own (relsim.warmup.run_check): the drift
    of the weekly crisis rate per citizen between the halves of the measured period, and the
    population's, each with the same interval as the metrics (near zero, and its interval
    spanning zero, when the point is settled), and the median MSER-5 truncation point, to set
    against the warm-up. Runs stored before runs recorded this check have none."""
    from relsim.evidence.intervals import interval

    if "crisis_rate_drift" not in ok.columns:
        return {}
    out: dict[str, float] = {}
    for name in ("crisis_rate_drift", "population_drift"):
        drift = interval(ok[name].tolist(), sets)
        out[f"{name}_mean"] = np.nan if drift["mean"] is None else drift["mean"]
        out[f"{name}_ci95_low"], out[f"{name}_ci95_high"] = drift["ci95"] or [np.nan, np.nan]
    out["settling_weeks_median"] = float(ok["settling_weeks"].median()) if len(ok) else np.nan
    return out


def _plain(value: Any) -> Any:
    """A swept value as written: a list key's value is read back from Parquet as an ndarray,
    which JSON cannot hold and a CSV shows in numpy's notation."""
    return value.tolist() if isinstance(value, np.ndarray) else value


def _groupable(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The summary with a list key's values as tuples, which grouping can hash."""
    frame = summary.copy()
    for key in keys:
        frame[key] = [tuple(v) if isinstance(v, list) else v for v in frame[key]]
    return frame


def unset(value: Any) -> bool:
    """Whether a point left the key out (the scenario's value applies there)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


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
    from relsim.plotting import pyplot

    plt = pyplot()

    if parameter not in keys:
        raise ScenarioError(f"--param {parameter}: not a swept key (swept: {', '.join(keys)})")
    if f"{metric}_mean" not in summary.columns:
        raise ScenarioError(f"--metric: {not_a_metric(metric)}")
    manifest = manifest or {}
    kind = manifest.get("design", {}).get("kind")
    others = [k for k in keys if k != parameter]
    # A point of a design file may leave a key out: it is a group of its own, not dropped.
    summary = _groupable(summary, keys)
    lines = summary.groupby(others, sort=True, dropna=False).ngroups if others else 1
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
    groups = summary.groupby(others, sort=True, dropna=False) if others else [((), summary)]
    for label, group in groups:
        group = group.sort_values(parameter)
        mean = group[f"{metric}_mean"]
        low = (mean - group[f"{metric}_ci95_low"]).fillna(0)
        high = (group[f"{metric}_ci95_high"] - mean).fillna(0)
        if not isinstance(label, tuple):
            label = (label,)
        name = ", ".join(
            f"{k} from the scenario" if unset(v) else f"{k}={_shown(v)}"
            for k, v in zip(others, label, strict=True)
        )
        if not name:
            # the base scenario's care model names the line unless the care model is swept
            name = care_model if care_model and parameter != "care_model" else "all points"
        # categories (the care model) have no order between them: marks, not a joining line
        line = "-" if pd.api.types.is_numeric_dtype(group[parameter]) else "none"
        ax.errorbar(
            group[parameter], mean, yerr=[low, high], marker="o", capsize=3, label=name,
            linestyle=line,
        )  # fmt: skip
    ax.set_title(f"{metric} by {parameter} (mean, 95% interval)", fontsize=9)
    ax.legend(fontsize=7)


def _shown(value: Any) -> str:
    """A swept value in a legend: a list key's value as the list it was written as."""
    return str(list(value)) if isinstance(value, tuple) else str(value)


def _scatter_with_trend(
    ax: Any, summary: pd.DataFrame, keys: list[str], metric: str, parameter: str
) -> None:
    """Each point's mean against the key, coloured by a swept category (such as the care model)
    if there is one, with a least-squares quadratic trend per colour."""
    categories = [
        k for k in keys if k != parameter and not pd.api.types.is_numeric_dtype(summary[k])
    ]
    groups = (
        summary.groupby(categories[0], sort=True, dropna=False)
        if categories
        else [("points", summary)]
    )
    for label, group in groups:
        data = group[[parameter, f"{metric}_mean"]].dropna()
        x, y = data[parameter].to_numpy(float), data[f"{metric}_mean"].to_numpy(float)
        shown = "from the scenario" if unset(label) else _shown(label)
        (marks,) = ax.plot(x, y, "o", alpha=0.6, markersize=4, label=shown)
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
