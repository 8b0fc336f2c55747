"""A study made of several sweeps in one directory (the staffing frontier, the budget search,
an experiment): each sweep in its own subdirectory (resumable, Dask-capable, as `relsim sweep`),
and the study's own tables, figures and manifest beside them, moved in only when all are
complete. `--force` replaces only an earlier run of the same kind of study."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from relsim.config.errors import RunError, printable
from relsim.environment import source_record
from relsim.files import write_json
from relsim.io import git_commit, now, sha256
from relsim.moving import move_into, staging_directory
from relsim.result_files import OutputError, read_manifest, remove_exactly
from relsim.signals import finished_writing
from relsim.sweep.directory import MANIFEST, sweeps_with_files
from relsim.sweep.run import SweepPlan, run_sweep
from relsim.sweep.summary import load_sweep
from relsim.targets import FORCE_ONLY, RESUME_OR_FORCE, OpenedDirectory, open_directory


def study_files(directory: Path, kind: str, own: Sequence[str]) -> list[Path] | None:
    """What an earlier study of `kind` in `directory` consists of, if that is all it holds:
    its own files and its sweeps. None if anything else is there."""
    manifest = read_manifest(directory)
    if manifest is not None and manifest.get("kind") != kind:
        return None
    return sweeps_with_files(directory, {*own, MANIFEST})


def check_series_names(names: Sequence[str], own: Sequence[str], what: str) -> None:
    """Each series' sweep is a directory of --out named after it: the names must be plain
    directory names (`../x` would write outside --out), distinct even to a file system that
    ignores case, and not the name of a file the study writes beside them. Checked before
    anything in --out is touched, --force included."""
    from relsim.target_checks import check_entry_name, same_name_key

    taken = {same_name_key(name): name for name in (*own, MANIFEST)}
    for name in names:
        check_entry_name(name, f"{what}: scenario name")
        if same_name_key(name) in taken:
            raise OutputError(
                f"{what}: a scenario may not be named {printable(name, 60)}: its results would "
                f"take the place of {taken[same_name_key(name)]}; give it another `name:`"
            )
        taken[same_name_key(name)] = name


def study_directory(
    out: Path, kind: str, own: Sequence[str], *, force: bool, resume: bool, rerun: bool = False
) -> OpenedDirectory:
    """`out` checked and locked for a study of `kind` (`rerun`: a rerun's, which cannot be
    resumed); nothing removed yet."""
    return open_directory(
        out,
        "--out",
        force=force,
        identify=lambda d: study_files(d, kind, own),
        not_empty_hint=FORCE_ONLY if rerun else RESUME_OR_FORCE,
        resume=resume,
        kind=f"an earlier {kind}",
    )


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


@contextmanager
def staged_results(opened: OpenedDirectory) -> Iterator[Path]:
    """A staging directory beside the opened results directory for a study's own files until
    they are complete (see `move_in`); an earlier result there, with --force, is removed once
    the staging directory exists. On leaving, the staging directory is removed and the results
    directory unlocked: an interruption leaves only the series' resumable sweeps."""
    try:
        staging = _staging_directory(opened)
    except BaseException:
        opened.close(keep_created=False)
        raise
    try:
        remove_exactly(opened.replaced)
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        opened.close()


def _staging_directory(opened: OpenedDirectory) -> Path:
    """A new hidden directory beside the results directory (beside, not in, so that it only
    ever holds what --resume recognises; in the system's temporary directory when nothing can
    be created beside it); made before any run, so that a place it cannot be made is found at
    once."""
    parent = opened.path.resolve().parent
    try:
        return staging_directory(opened.path, opened.locked)
    except OSError as exc:
        raise opened.error(
            f"cannot stage results beside it in {printable(str(parent))} ({exc.strerror})"
        ) from None


def move_in(staging: Path, out: Path, names: Iterable[str]) -> None:
    """Move a study's complete files from `staging` into `out`, its manifest last: until the
    manifest is there, what `out` holds does not look like a finished result. `out` may be on
    another file system than `staging` (a mounted results directory): they are copied then."""
    for name in names:
        move_into(staging / name, out / name)
    move_into(staging / MANIFEST, out / MANIFEST)
    # a stop or a full standard output from here on says so, not "no results written"
    finished_writing(f"--out {printable(str(out))}")


class SeriesRun(NamedTuple):
    """One series' runs and its sweep's manifest (which records the interval they carry)."""

    runs: pd.DataFrame
    manifest: dict[str, Any]


def run_series_with_manifests(
    plans: Sequence[tuple[str, SweepPlan]],
    out: Path,
    *,
    resume: bool,
    workers: int,
    dask_address: str | None,
    label: str,
    retry_failed: bool = False,
) -> dict[str, SeriesRun]:
    """Run (or finish) each series' sweep in its subdirectory; its runs and manifest, by
    series. With `retry_failed` (and `resume`), runs stored as failed are run again."""
    found = {}
    for series, plan in plans:
        store = out / series
        failures = run_sweep(
            plan,
            store,
            resume=resume and (store / MANIFEST).is_file(),
            workers=workers,
            dask_address=dask_address,
            retry_failed=retry_failed and (store / MANIFEST).is_file(),
            label=f"{label}: {series}",
        )
        if failures.runs and failures.failed == failures.runs:
            raise RunError(
                f"{label}: series {printable(series)}: {failures.describe()}; nothing can be "
                f"made of it (its runs are in {printable(str(store))}; once the cause is "
                "fixed, --force starts again)"
            )
        if failures.failed:  # said, as a sweep says it: its tables leave those runs out
            note = f"{label}: series {series}: {failures.describe()}; the tables leave them out"
            print(f"relsim: note: {printable(note)}", file=sys.stderr)
        found[series] = SeriesRun(*load_sweep(store))
    return found


def run_series(
    plans: Sequence[tuple[str, SweepPlan]],
    out: Path,
    *,
    resume: bool,
    workers: int,
    dask_address: str | None,
    label: str,
    retry_failed: bool = False,
) -> dict[str, pd.DataFrame]:
    """Run (or finish) each series' sweep in its subdirectory; their runs, by series."""
    found = run_series_with_manifests(
        plans, out, resume=resume, workers=workers, dask_address=dask_address, label=label,
        retry_failed=retry_failed,
    )  # fmt: skip
    return {series: one.runs for series, one in found.items()}


def study_manifest(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        **fields,
        **source_record(git_commit()),
        "finished": now(),
    }


def publish_study(
    out: Path, staged: Path, kind: str, own: Sequence[str], started: str, **fields: Any
) -> dict[str, Any]:
    """Write a study's manifest beside its own files in `staged`, then move them all into
    `out`, the manifest last."""
    manifest = _write_manifest(out, staged, kind, own, started, fields)
    move_in(staged, out, own)
    return manifest


def _write_manifest(
    out: Path,
    directory: Path,
    kind: str,
    own: Sequence[str],
    started: str,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """A study's manifest, written into `directory` (where its own files are): what it was
    asked, what it found, when, the code, everything `out` will hold, and the SHA-256 of its
    own files (what `relsim rerun` compares a re-creation with)."""
    manifest = {
        **study_manifest(kind, **fields),
        "started": started,
        "files": sorted({*(p.name for p in out.iterdir()), *own, MANIFEST}),
        "sha256": {name: sha256(directory / name) for name in own},
    }
    write_json(directory / MANIFEST, manifest)
    return manifest


def paired(runs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """point x replication table of a metric over the successful runs."""
    ok = runs[runs["status"] == "ok"]
    return ok.pivot(index="point", columns="replication", values=metric)
