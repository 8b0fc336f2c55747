"""Results on disk: tidy files plus a manifest that ties them to their inputs.

The files are written into a staging directory and moved into place only when the manifest,
written last, is complete (see relsim.targets), so an interrupted run never leaves something
that looks like a result. The manifest records each file's SHA-256, so that `relsim rerun` can
show that it made the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relsim.config import Scenario, scenario_dict, scenario_hash
from relsim.environment import git_commit, source_record
from relsim.files import write_csv, write_json
from relsim.heap import release_free_memory
from relsim.parquet_parts import ParquetParts
from relsim.result_files import OutputError

__all__ = [
    "JourneysFile",
    "OutputError",
    "git_commit",
    "now",
    "provenance",
    "write_run_files",
]

if TYPE_CHECKING:
    import pandas as pd

    from relsim.runner import RunResult

JOURNEYS = "journeys.parquet"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def portable_path(path: Path | str) -> str:
    """A path as recorded in manifests: relative to the working directory when inside it, so
    published results do not carry the machine they were made on."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(resolved)


def provenance(scenario: Scenario, seed: int, reps: int, started: str) -> dict[str, Any]:
    source = source_record(git_commit())
    return {
        "relsim_version": source["relsim_version"],
        "git_commit": source["git_commit"],
        "git_source_sha256": source["git_source_sha256"],
        "git_uncommitted_sha256": source["git_uncommitted_sha256"],
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": seed,
        "replication_seeds": {"entropy": seed, "spawn_key": "replication index 0..reps-1"},
        "reps": reps,
        "versions": source["versions"],
        "started": started,
    }


SUMMARY_MEANS = "summary_means.csv"


def summary_means(
    summary: pd.DataFrame, metrics: dict[str, dict[str, Any]], interval_kind: str
) -> pd.DataFrame:
    """One row per metric: its unit, mean and 95 % interval as `--json` reports them
    (`metrics`, of the kind `interval_kind`: a t-interval over replications, or with
    --ensemble the central 95 % of the parameter sets' means), and how many replications they
    come from; beside summary.csv, which has one row per replication."""
    import pandas as pd

    from relsim.metrics import METRIC_NAMES, UNITS

    rows = []
    for metric in METRIC_NAMES:
        found = metrics.get(metric) or {}
        ci95 = found.get("ci95")
        low, high = ci95 if ci95 else (None, None)
        rows.append(
            {
                "metric": metric,
                "unit": UNITS[metric],
                "mean": found.get("mean"),
                "ci95_low": low,
                "ci95_high": high,
                "interval": interval_kind,
                "replications": _finite_count(summary, metric),
            }
        )
    return pd.DataFrame(rows)


def _finite_count(summary: pd.DataFrame, metric: str) -> int:
    """The replications in which the metric is a number (it is not where its denominator is
    zero)."""
    if metric not in summary.columns:
        return 0
    import numpy as np

    return int(np.isfinite(summary[metric].to_numpy(dtype=float)).sum())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class JourneysFile:
    """DIR/journeys.parquet written replication by replication as each finishes (pass it as
    `on_result`), each replication's journeys dropped once written: the memory a run with
    --out needs does not grow with --reps. The file is the one all replications' journeys
    concatenated would make."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._parts = ParquetParts(directory / JOURNEYS)

    def __call__(self, result: RunResult) -> None:
        if result.journeys is not None:
            self._parts.append(result.journeys)
            result.journeys = None
            release_free_memory()

    def close(self) -> None:
        self._parts.close()


def write_run_files(
    directory: Path,
    scenario: Scenario,
    summary: pd.DataFrame,
    timeseries: pd.DataFrame,
    journeys: pd.DataFrame | None,
    block: dict[str, Any],
) -> None:
    """The run's files and its manifest (journeys.parquet may already be there, written by
    JourneysFile). `block` is what `--json` prints: its metrics' summaries go into
    summary_means.csv, its provenance into the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(directory / "summary.csv", summary)
    means = summary_means(summary, block["metrics"], block["interval"]["kind"])
    write_csv(directory / SUMMARY_MEANS, means)
    manifest = block["provenance"]
    timeseries.to_parquet(directory / "timeseries.parquet", index=False)
    if journeys is not None:
        journeys.to_parquet(directory / JOURNEYS, index=False)
    written = sorted(p.name for p in directory.iterdir())
    said = {"warnings": block["warnings"]} if "warnings" in block else {}  # run's, not compare's
    full = {
        **manifest,
        **said,
        "scenario": scenario_dict(scenario),
        "files": [*written, "manifest.json"],
        "sha256": {name: sha256(directory / name) for name in written},
        "finished": now(),
    }
    write_json(directory / "manifest.json", full)
