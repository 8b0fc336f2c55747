"""Evidence runs on the sweep machinery: every (point of uncertain-parameter values,
configuration, replication) once, stored in a sweep store as it finishes, resumable after an
interruption with the same plan.

A point is one set of uncertain-parameter values; each store row is one configuration of one
point (store point = point x configurations + configuration). Replications are either common to
every point (the same seeds everywhere, for paired comparisons and sensitivity analysis) or
distinct (point p's replication r uses replication index p x reps + r, so that every simulation
of a calibration has its own luck).
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from relsim.environment import source_record
from relsim.evidence.configs import CONFIGS, evaluate
from relsim.io import git_commit, now
from relsim.progress import Progress
from relsim.sweep.executors import Outcome, run_local
from relsim.sweep.resume_check import ResumeMismatchError
from relsim.sweep.store import SweepStore

KIND = "relsim evidence"


@dataclass(frozen=True)
class EvidenceTask:
    point: int  # store point: point x configurations + configuration
    design_point: int
    config: str
    replication: int  # the index of the run's random streams
    rep: int  # 0 .. reps-1
    seed: int
    values: dict[str, float]
    extra: tuple[str, ...] = ()


def run_task(task: EvidenceTask) -> Outcome:
    """One configuration of one point, as a store row (a failed run is a failed row)."""
    row: dict[str, Any] = {
        "point": task.point,
        "replication": task.rep,
        "seed": task.seed,
        "status": "ok",
        "error": "",
        "design_point": task.design_point,
        "config": task.config,
        "stream": task.replication,
    }
    try:
        row.update(evaluate(task.config, task.values, task.seed, task.replication, task.extra))
    except Exception as exc:  # recorded, and the rest goes on
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}{where}")
        empty = evaluate_columns()
        row.update({k: float("nan") for k in empty})
    row.update({f"param:{k}": float(v) for k, v in task.values.items()})
    return row, None


def evaluate_columns() -> list[str]:
    from relsim.evidence.configs import QUANTITIES
    from relsim.metrics import METRIC_NAMES

    return [*METRIC_NAMES, *QUANTITIES]


@dataclass
class EvidencePlan:
    purpose: str  # what the runs are for: calibration, validation, sensitivity
    configs: Sequence[str]
    points: Sequence[Mapping[str, float]]  # uncertain-parameter values at each design point
    reps: int
    seed: int
    streams: str = "common"  # or "distinct"
    extra: Sequence[str] = ()  # --set overrides added to every configuration
    spec: dict[str, Any] = field(default_factory=dict)  # what made the design, for the record

    def __post_init__(self) -> None:
        unknown = [c for c in self.configs if c not in CONFIGS]
        if unknown:
            raise ValueError(f"unknown evidence configurations: {unknown}")
        names = sorted({k for p in self.points for k in p})
        self.keys = names

    @property
    def total(self) -> int:
        return len(self.points) * len(self.configs) * self.reps

    def replication(self, point: int, rep: int) -> int:
        return rep if self.streams == "common" else point * self.reps + rep

    def manifest(self) -> dict[str, Any]:
        configs = {name: [list(run) for run in CONFIGS[name].runs] for name in self.configs}
        identity = json.dumps([configs, list(self.extra)], sort_keys=True, default=str)
        manifest = {
            "kind": KIND,
            "purpose": self.purpose,
            **source_record(git_commit()),
            "design": {
                "kind": self.purpose,
                "spec": self.spec,
                "keys": self.keys,
                "points": [dict(p) for p in self.points],
                "configs": list(self.configs),
                "streams": self.streams,
            },
            "base_scenario": {"configs": configs, "extra": list(self.extra)},
            "reps": self.reps,
            "seed": self.seed,
            "point_scenario_hashes": [hashlib.sha256(identity.encode()).hexdigest()],
            "started": now(),
            "status": "running",
            "runs_total": self.total,
        }
        return json.loads(json.dumps(manifest, default=float))

    def tasks(self, done: set[tuple[int, int]]) -> Iterator[EvidenceTask]:
        """Replication-major, then point, so an interrupted run covers the design evenly."""
        for rep in range(self.reps):
            for p, values in enumerate(self.points):
                for c, config in enumerate(self.configs):
                    point = p * len(self.configs) + c
                    if (point, rep) in done:
                        continue
                    yield EvidenceTask(
                        point, p, config, self.replication(p, rep), rep, self.seed,
                        {k: float(v) for k, v in values.items()}, tuple(self.extra),
                    )  # fmt: skip


def run_plan(
    plan: EvidencePlan,
    out: Path,
    *,
    resume: bool = False,
    force: bool = False,
    workers: int = 1,
    label: str | None = None,
    start_again: str = "run again without --resume",
) -> pd.DataFrame:
    """Run what is missing of `plan` into the store at `out`; returns every stored row.

    A store made by other code is refused even when complete: what is made from these rows
    (an ensemble, a report) records this code as its maker. `start_again` says how the
    script's user makes the runs again."""
    manifest = plan.manifest()
    store = SweepStore.reopen(out, manifest) if resume else SweepStore.create(out, manifest, force)
    try:
        if store.made_by_other_code is not None:
            raise ResumeMismatchError(
                out,
                store.made_by_other_code.why,
                f"what is made from them would be said to come from this code ({start_again})",
            )
        done = store.done()
        rows = run_local(plan.tasks(done), workers, run_task)
        with Progress(plan.total, label or plan.purpose, initial=len(done)) as bar:
            try:
                for row, _ in rows:
                    store.add(row)
                    bar.update()
            finally:
                store.flush()
        store.compact()
        table = store.read()
        failed = int((table["status"] == "failed").sum())
        store.update_manifest(status="complete", finished=now(), runs_failed=failed)
    finally:
        store.close()
    return table


def read_store(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "runs.parquet")
