"""Running a sweep: every (design point, replication) once, stored as it finishes, resumable.

Replication r uses the same seed at every point (common random numbers across the design).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from relsim.commission.domain import design_calibration_warnings, outside_calibration
from relsim.commission.scale import empty_district
from relsim.config import Scenario, ScenarioError, scenario_dict, scenario_hash
from relsim.config.errors import RunError, printable
from relsim.environment import source_record
from relsim.io import git_commit, now
from relsim.progress import Progress
from relsim.sweep.dask_executor import check_dask, run_dask
from relsim.sweep.design import point_overrides, point_scenario, point_scenarios
from relsim.sweep.directory import TIMESERIES, remove_summaries
from relsim.sweep.executors import Task, run_local
from relsim.sweep.names import MAX_RUNS
from relsim.sweep.resume_check import OtherCodeError
from relsim.sweep.store import SweepStore
from relsim.targets import RESUME_OR_FORCE

#: a design of at least this many points shows its progress while each point is checked
LARGE_DESIGN = 1_000

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw


@dataclass
class SweepPlan:
    """Everything a sweep needs, validated: the base scenario data, the design and its points'
    resolved scenarios."""

    origin: str
    base: dict[str, Any]
    design: pd.DataFrame
    design_kind: str
    design_spec: dict[str, Any]
    reps: int
    seed: int
    timeseries: bool = False
    # --ensemble: replication r runs parameter set r // reps_per_set of the draw, at every point
    ensemble: EnsembleDraw | None = None

    def __post_init__(self) -> None:
        if self.total > MAX_RUNS:
            raise ScenarioError(
                f"{len(self.design):,} points x {self.reps:,} replications is {self.total:,} "
                f"runs; a sweep may make at most {MAX_RUNS:,}"
            )
        # Every point is checked now, but only its hash is kept: a large design's resolved
        # scenarios would fill the memory, and resolving one again for its runs is cheap.
        # Checking tens of thousands of points takes minutes: shown, as the runs are.
        with (
            Progress(len(self.design), "checking the design", unit="points")
            if len(self.design) >= LARGE_DESIGN
            else contextlib.nullcontext()
        ) as checking:
            self.hashes = []
            #: points whose district is empty (no citizens, nobody arriving): every
            #: per-citizen metric is empty there, which `run` warns of and a sweep now too
            self.empty_points: list[int] = []
            #: the knobs outside the calibrated conditions at each point that has any
            self.outside_calibration: list[dict[str, float]] = []
            for point, scenario in enumerate(point_scenarios(self.base, self.design)):
                self.hashes.append(scenario_hash(scenario))
                if empty_district(scenario):
                    self.empty_points.append(point)
                outside = outside_calibration(scenario)
                if outside:
                    self.outside_calibration.append(outside)
                if checking is not None:
                    checking.update()

    def scenario(self, point: int) -> Scenario:
        return point_scenario(self.base, self.design, point)

    def run_scenario(self, point: int, replication: int) -> Scenario:
        """The scenario of one run: the point's, with the replication's parameter set if any."""
        scenario = self.scenario(point)
        if self.ensemble is None:
            return scenario
        return self.ensemble.scenario(scenario, replication)

    def value_types(self) -> pa.Schema:
        """The column type of each swept key, as the whole design has it (for the store)."""
        return pa.Schema.from_pandas(self.design, preserve_index=False)

    @property
    def total(self) -> int:
        return len(self.design) * self.reps

    def manifest(self) -> dict[str, Any]:
        manifest = {
            "kind": "relsim sweep",
            **source_record(git_commit()),
            "scenario_file": self.origin,
            "design": {
                "kind": self.design_kind,
                "spec": self.design_spec,
                "keys": [str(k) for k in self.design.columns],
                "points": exact_points(self.design),
            },
            "base_scenario": self.base,
            "reps": self.reps,
            "seed": self.seed,
            "replication_seeds": "replication r at every point: SeedSequence(seed, spawn_key=(r,))",
            "point_scenario_hashes": self.hashes,
            "started": now(),
            "status": "running",
            "runs_total": self.total,
            "timeseries": self.timeseries,
        }
        return json.loads(json.dumps(manifest, default=str))

    def tasks(self, done: set[tuple[int, int]]) -> Iterator[Task]:
        """Replication-major order, so an interrupted sweep has even coverage of the design."""
        for replication in range(self.reps):
            for point in range(len(self.design)):
                if (point, replication) in done:
                    continue
                values = point_overrides(self.design, point)
                if self.ensemble is not None:
                    values["parameter_set"] = self.ensemble.set_of(replication)
                yield Task(
                    point=point,
                    replication=replication,
                    seed=self.seed,
                    scenario=scenario_dict(self.run_scenario(point, replication)),
                    values=values,
                    timeseries=self.timeseries,
                )


def plans_calibration_warnings(what: str, plans: Sequence[SweepPlan]) -> list[str]:
    """One line for the points of `plans` (one sweep's, or a study's series) that lie outside
    the conditions the model was calibrated in, if any do."""
    outside = [found for plan in plans for found in plan.outside_calibration]
    points = sum(len(plan.design) for plan in plans)
    return design_calibration_warnings(what, outside, points)


def exact_points(design: pd.DataFrame) -> list[dict[str, Any]]:
    """The design's points as JSON values that read back as the same numbers (a float's
    shortest repr): pandas' `to_json` keeps 15 decimals, which turns 1/26 into another number,
    and so another scenario, when `relsim rerun` reads the design back."""
    return [
        {str(k): None if isinstance(v, float) and math.isnan(v) else v for k, v in point.items()}
        for point in design.to_dict(orient="records")
    ]


def plan_from_manifest(data: dict[str, Any], name: str) -> SweepPlan:
    """The plan a sweep's manifest describes (for `relsim rerun`): its base scenario, design,
    replications, seed and recorded parameter sets. `name` says which manifest, in errors."""
    from relsim.evidence.ensemble import draw_from_record
    from relsim.rerun import SEED, what_is_wrong, whole_number

    # replications: as many as a sweep may make (an experiment's ensemble may need more than
    # the --reps of a command)
    reps = whole_number(data, "reps", name, (1, MAX_RUNS))
    seed = whole_number(data, "seed", name, SEED)
    design_data = data.get("design")
    if not isinstance(design_data, dict):
        raise ScenarioError(f"{name}: not a complete sweep manifest (no design)")
    design = _recorded_design(design_data.get("points"), design_data.get("keys"), name)
    try:
        record = (design_data["spec"] or {}).get("ensemble")
        return SweepPlan(
            str(data["scenario_file"]), data["base_scenario"], design, design_data["kind"],
            design_data["spec"], reps, seed,
            bool(data.get("timeseries", False)),
            None if record is None else draw_from_record(record),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(
            f"{name}: not a complete sweep manifest ({what_is_wrong(exc)})"
        ) from None


def _recorded_design(points: Any, keys: Any, name: str) -> pd.DataFrame:
    """A manifest's design, refused unless it is one a sweep could have made: points, each
    giving exactly the design's keys, and keys the schema has. A point with other keys was
    read as leaving the design's keys unset, and ran the base scenario."""
    from relsim.sweep.design import leaf_annotation

    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ScenarioError(f"{name}: not a complete sweep manifest (its design's keys)")
    if not isinstance(points, list) or not points:
        raise ScenarioError(f"{name}: not a complete sweep manifest (its design has no points)")
    for key in keys:
        try:
            leaf_annotation(key)
        except ScenarioError as exc:
            raise ScenarioError(*(f"{name}: design: {p}" for p in exc.problems)) from None
    for number, point in enumerate(points):
        if not isinstance(point, dict) or sorted(point) != sorted(keys):
            given = sorted(point) if isinstance(point, dict) else type(point).__name__
            raise ScenarioError(
                f"{name}: not a complete sweep manifest (design point {number} gives "
                f"{printable(str(given), 120)}, not the design's keys {keys})"
            )
    return pd.DataFrame(points, columns=keys)


def stored_plans(
    directory: Path, series: Sequence[str], name: str
) -> tuple[list[tuple[str, SweepPlan]], list[str]]:
    """The plans of a study's series, each from the sweep manifest in its subdirectory of
    `directory` (for `relsim rerun`), and the series whose points no longer resolve to the
    scenario hashes they recorded. `name` says which study, in errors. A series whose sweep
    was interrupted is refused before anything runs: a rerun could never match it."""
    from relsim.rerun import incomplete_sweep
    from relsim.result_files import read_manifest
    from relsim.target_checks import check_entry_name

    plans, changed = [], []
    for one in series:
        check_entry_name(one, name)
        stored = read_manifest(directory / one)
        if stored is None:
            raise ScenarioError(f"{name}: series {printable(one)} has no sweep manifest")
        problem = incomplete_sweep(stored)
        if problem is not None:
            raise ScenarioError(f"{name}: series {printable(one)}: {problem}")
        plan = plan_from_manifest(stored, f"{name}: series {printable(one)}")
        if list(stored.get("point_scenario_hashes") or []) != plan.hashes:
            changed.append(one)
        plans.append((one, plan))
    return plans, changed


@dataclass(frozen=True)
class Failures:
    """A finished sweep's failed runs: how many of how many, and the first one's error (a run
    that fails is recorded and the sweep goes on, so the command must say it happened)."""

    failed: int
    runs: int
    first_error: str

    @classmethod
    def of(cls, runs: pd.DataFrame) -> Failures:
        failed = runs[runs["status"] == "failed"]
        first = str(failed["error"].iloc[0]) if len(failed) else ""
        return cls(len(failed), len(runs), first)

    def describe(self) -> str:
        """One line: how many failed and the first error."""
        if self.failed < self.runs:
            count = f"{self.failed} of its {self.runs} runs"
        else:
            count = "its one run" if self.runs == 1 else f"all {self.runs} of its runs"
        return f"{count} failed (the first error: {self.first_error})"


class StoppedBeforeWriting(KeyboardInterrupt):
    """A stop (Ctrl-C, SIGTERM) before the sweep's store was opened: nothing of this sweep
    was written, so there is nothing for --resume to finish."""


#: what a pool worker killed from outside (by hand, or by the system for want of memory) means
WORKER_LOST = "a worker process stopped abruptly (killed, or out of memory)"
KEPT = "the runs finished before it are kept: the same command with --resume finishes them"


def _say_removed(removed: list[str], why: str, then: str) -> None:
    if removed:
        print(f"relsim: note: removed {', '.join(removed)}, {why}; {then}", file=sys.stderr)


def _read_only(
    store: SweepStore, other_code: OtherCodeError, plan: SweepPlan, retry_failed: bool
) -> Failures:
    """A complete sweep made by other code, resumed to be read again (another metric, its
    tables made again): nothing is run, so no runs are mixed; but its failed runs cannot be
    retried, nor can runs missing since be made, without mixing."""
    outcome = Failures.of(store.read(columns=["status", "error"]))
    if (retry_failed and outcome.failed) or len(store.done()) < plan.total:
        raise other_code
    print(
        f"relsim: note: {printable(str(store.directory))}: its runs were made with "
        f"{other_code.changed}; it is complete, so nothing was run and no runs were mixed",
        file=sys.stderr,
    )
    return outcome


def run_sweep(
    plan: SweepPlan,
    out: Path,
    *,
    resume: bool = False,
    force: bool = False,
    workers: int = 1,
    dask_address: str | None = None,
    retry_failed: bool = False,
    label: str | None = None,
    not_empty_hint: str = RESUME_OR_FORCE,
) -> Failures:
    """Run the plan's missing runs into `out`; with `retry_failed` (and `resume`) the runs
    stored as failed count as missing. `out` is locked while the sweep runs. Returns how many
    of its runs failed, for the command to say so."""
    try:
        if dask_address:  # may wait a minute for workers
            check_dask(dask_address)
        manifest = plan.manifest()
        types = plan.value_types()
    except KeyboardInterrupt as exc:
        raise StoppedBeforeWriting(*exc.args) from exc
    store = (
        SweepStore.reopen(out, manifest, types)
        if resume
        else SweepStore.create(out, manifest, force, types, not_empty_hint)
    )
    try:
        if store.made_by_other_code is not None:
            return _read_only(store, store.made_by_other_code, plan, retry_failed)
        if store.runs_without_series:
            print(
                f"relsim: note: {store.runs_without_series} finished runs have no weekly series "
                f"in {TIMESERIES} (removed since they ran) and are run again",
                file=sys.stderr,
            )
        if retry_failed and Failures.of(store.read(columns=["status", "error"])).failed:
            store.mark_unfinished()
            store.forget_failed()
            _say_removed(
                remove_summaries(store.directory),
                "which left out the failed runs now run again",
                "make them again once they have run",
            )
        done = store.done()
        if len(done) < plan.total:
            _say_removed(
                remove_summaries(store.directory),
                "made from the sweep's unfinished runs",
                "make them again once it is complete",
            )
        tasks = plan.tasks(done)
        rows = run_dask(tasks, dask_address) if dask_address else run_local(tasks, workers)
        name = label or f"sweep of {plan.base.get('name', plan.origin)}"
        with Progress(plan.total, name, initial=len(done)) as bar:
            try:
                for row, series in rows:
                    store.add(row, series=series)
                    bar.update()
            except BrokenProcessPool:
                raise RunError(f"{WORKER_LOST}; {KEPT}") from None
            finally:
                store.flush()
        store.compact()
        if len(done) < plan.total:
            # made by `sweep-summary` (or `discover`) while the runs went on: the sweep is
            # complete now, and they describe part of it
            _say_removed(
                remove_summaries(store.directory),
                "made from the sweep's unfinished runs",
                "make them again now that it is complete",
            )
        outcome = Failures.of(store.read(columns=["status", "error"]))
        store.update_manifest(status="complete", finished=now(), runs_failed=outcome.failed)
    finally:
        store.close()
    return outcome
