"""A study made of several sweeps in one directory (the staffing frontier, the budget search):
each sweep in its own subdirectory (resumable, Dask-capable, as `relsim sweep`), and the study's
own tables, figures and manifest beside them. `--force` replaces only an earlier run of the
same kind of study."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from relsim.config.errors import printable
from relsim.environment import source_record
from relsim.files import write_json
from relsim.io import git_commit, now, sha256
from relsim.sweep.run import SweepPlan, run_sweep
from relsim.sweep.store import MANIFEST, sweeps_with_files
from relsim.sweep.summary import load_sweep
from relsim.targets import (
    OpenedDirectory,
    OutputError,
    open_directory,
    read_manifest,
    remove_exactly,
)


def study_files(directory: Path, kind: str, own: Sequence[str]) -> list[Path] | None:
    """What an earlier study of `kind` in `directory` consists of, if that is all it holds:
    its own files and its sweeps. None if anything else is there."""
    manifest = read_manifest(directory)
    if manifest is not None and manifest.get("kind") != kind:
        return None
    return sweeps_with_files(directory, {*own, MANIFEST})


def open_study(
    out: Path, kind: str, own: Sequence[str], *, force: bool, resume: bool
) -> OpenedDirectory:
    opened = open_directory(
        out,
        "--out",
        force=force,
        identify=lambda d: study_files(d, kind, own),
        not_empty_hint="use --resume to finish it, or --force to start again",
        resume=resume,
        kind=f"an earlier {kind}",
    )
    try:
        remove_exactly(opened.replaced)
    except BaseException:
        opened.close()
        raise
    return opened


def check_same_work(out: Path, series: Sequence[str], asked: Mapping[str, tuple[str, Any]]) -> None:
    """--resume only finishes the same work: every sweep already in `out` must be one of
    `series`, and an earlier manifest must record the same values. `asked` maps a manifest key
    to the option that sets it and the value given now."""
    stray = sorted(e.name for e in out.iterdir() if e.is_dir() and e.name not in series)
    if stray:
        raise OutputError(
            f"--resume {printable(str(out))}: it holds series this run does not have "
            f"({printable(', '.join(stray), 120)}); --resume only finishes the same work, so "
            "give the same scenarios (or use --force to start again)"
        )
    stored = read_manifest(out)
    if stored is None:
        return
    differing = [option for key, (option, value) in asked.items() if stored.get(key) != value]
    if differing:
        raise OutputError(
            f"--resume {printable(str(out))}: the earlier run there differs in "
            f"{', '.join(differing)}; --resume only finishes the same work, so give the same "
            "(or use --force to start again)"
        )


def run_series(
    plans: Sequence[tuple[str, SweepPlan]],
    out: Path,
    *,
    resume: bool,
    workers: int,
    dask_address: str | None,
    label: str,
) -> dict[str, pd.DataFrame]:
    """Run (or finish) each series' sweep in its subdirectory; their runs, by series."""
    runs = {}
    for series, plan in plans:
        store = out / series
        run_sweep(
            plan,
            store,
            resume=resume and (store / MANIFEST).is_file(),
            workers=workers,
            dask_address=dask_address,
            label=f"{label}: {series}",
        )
        runs[series], _ = load_sweep(store)
    return runs


def study_manifest(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        **fields,
        **source_record(git_commit()),
        "finished": now(),
    }


def finish_study(
    out: Path, kind: str, own: Sequence[str], started: str, **fields: Any
) -> dict[str, Any]:
    """Write a study's manifest, last: what it was asked, what it found, when, the code, and
    the SHA-256 of its own files (what `relsim rerun` compares a re-creation with)."""
    manifest = {
        **study_manifest(kind, **fields),
        "started": started,
        "files": sorted([*(p.name for p in out.iterdir()), MANIFEST]),
        "sha256": {name: sha256(out / name) for name in own},
    }
    write_json(out / MANIFEST, manifest)
    return manifest


def paired(runs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """point x replication table of a metric over the successful runs."""
    ok = runs[runs["status"] == "ok"]
    return ok.pivot(index="point", columns="replication", values=metric)
