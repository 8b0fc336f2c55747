"""What may sit in a sweep's directory: the names of its manifest and results store, the
summaries and plots relsim writes beside them, and recognising such a directory (for `--force`
to replace it) or removing those summaries when the runs change. The store itself, buffering
runs, writing parts and compacting them, is `relsim.sweep.store`.
"""

from __future__ import annotations

import re
from pathlib import Path

from relsim.config.errors import printable
from relsim.files import TEMPORARY, resolved
from relsim.metrics import METRIC_NAMES
from relsim.result_files import OutputError, entries, is_dir, is_file, read_manifest

RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
MANIFEST = "manifest.json"
# Sweeps, and the evidence runs (calibration, validation, sensitivity) kept the same way.
STORE_KINDS = ("relsim sweep", "relsim evidence")


PART = re.compile(r"part-\d{6}\.parquet")
# The compacted table, complete but not yet in place: hidden from Parquet readers by its dot.
COMPACTED = ".compacted.parquet"
# What relsim writes into a sweep's directory besides the store itself: summaries, plots and
# analyses. `{metric}` is any metric name, `{key}` any swept key of this sweep.
WRITTEN_BESIDE = ("summary.csv", "sensitivity.csv", "sensitivity.png")


def _written_beside(name: str, keys: list[str]) -> bool:
    if name in WRITTEN_BESIDE:
        return True
    for metric in METRIC_NAMES:
        if name in (f"discover_{metric}.csv", f"discover_{metric}.png"):
            return True
        if name.startswith(f"{metric}_by_") and name.endswith(".png"):
            return name[len(metric) + 4 : -4] in keys
    return False


def check_kept_beside(directory: Path, targets: dict[str, Path]) -> None:
    """A summary, plot or table written into a sweep's own directory must take a name relsim
    knows as its own there: one of another name would make the sweep a directory relsim did
    not wholly write, refused by --resume and --force, and would outlast the runs it was made
    from. Elsewhere (outside the directory) any name will do."""
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("kind") not in STORE_KINDS:
        return
    design = manifest.get("design")
    keys = design.get("keys", []) if isinstance(design, dict) else []
    home = resolved(directory)
    for option, path in targets.items():  # deeper inside, a target is refused as in any result
        if resolved(path.parent) != home or _written_beside(path.name, list(keys)):
            continue
        raise OutputError(
            f"{option} {printable(str(path))}: inside the sweep's own directory only relsim's "
            "own names are kept with it (summary.csv, METRIC_by_KEY.png, discover_METRIC.csv "
            "and .png), since a file of another name would stop --resume and --force there "
            "and outlast the runs it was made from; give that name, or write it outside "
            f"{printable(str(directory))}"
        )


def _parts_dir_contents(directory: Path) -> tuple[list[Path], list[str]]:
    """The files of a parts directory (runs.parquet, timeseries.parquet) that relsim wrote
    (parts and its own temporary files) with the directory itself, and the names of anything
    else there (another file, a link, a subdirectory)."""
    found, strangers = [], []
    for name, info in entries(directory).items():
        temporary = TEMPORARY.fullmatch(name)
        plain = temporary["name"] if temporary else name
        if not is_file(info) or not (PART.fullmatch(plain) or plain == COMPACTED):
            strangers.append(name)
            continue
        found.append(directory / name)
    return [*found, directory], strangers


def sweep_files(directory: Path) -> list[Path] | None:
    """What an earlier sweep in `directory` consists of, if that is all the directory holds:
    its manifest, its results store and the summaries and plots relsim writes beside them.
    None if anything else is there (a user's file, a link, another kind of result)."""
    found = _sweep_contents(directory)
    if found is None or found[1]:
        return None
    return found[0]


def sweep_strangers(directory: Path) -> list[str]:
    """What in an earlier sweep's directory relsim did not write (paths within it), so that a
    refusal can name it; nothing when it is not a sweep's directory at all."""
    found = _sweep_contents(directory)
    return [] if found is None else found[1]


def _sweep_contents(directory: Path) -> tuple[list[Path], list[str]] | None:
    """A sweep's own files, and the names of what else is there; None if its manifest is not
    a sweep's."""
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("kind") not in STORE_KINDS:
        return None
    design = manifest.get("design")
    keys = design.get("keys", []) if isinstance(design, dict) else []
    if not isinstance(keys, list):
        return None
    removal: list[Path] = []
    strangers: list[str] = []
    for name, info in entries(directory).items():
        if name in (RUNS, TIMESERIES) and is_dir(info):
            inner, foreign = _parts_dir_contents(directory / name)
            removal += inner
            strangers += [f"{name}/{other}" for other in foreign]
            continue
        temporary = TEMPORARY.fullmatch(name)
        plain = temporary["name"] if temporary else name
        if not is_file(info) or not (plain == MANIFEST or _written_beside(plain, keys)):
            strangers.append(name)
            continue
        removal.append(directory / name)
    return removal, sorted(strangers)


def sweeps_with_files(directory: Path, own: set[str]) -> list[Path] | None:
    """What a directory of sweeps (one in each subdirectory) and of the files written beside
    them (`own`) consists of, innermost first, if that is all it holds; None if anything else
    is there. How studies made of several sweeps (experiments, the staffing frontier, the budget
    search) know an earlier run of theirs before `--force` replaces it. Files with the study's
    names alone are not enough: it must hold a sweep or a manifest (the callers check whose)."""
    removal: list[Path] = []
    recognised = False
    for name, info in entries(directory).items():
        if is_dir(info):
            inner = sweep_files(directory / name)
            if inner is None:
                return None
            removal += [*inner, directory / name]
            recognised = True
            continue
        temporary = TEMPORARY.fullmatch(name)
        if not is_file(info) or (temporary["name"] if temporary else name) not in own:
            return None
        removal.append(directory / name)
        recognised |= name == MANIFEST
    return removal if recognised else None


def remove_summaries(directory: Path) -> list[str]:
    """Remove what relsim wrote beside the store (summaries, plots, analyses) from the runs
    so far: a resumed sweep is about to change, and they would describe part of it."""
    manifest = read_manifest(directory) or {}
    design = manifest.get("design")
    keys = design.get("keys", []) if isinstance(design, dict) else []
    removed = []
    for name, info in entries(directory).items():
        if is_file(info) and name != MANIFEST and _written_beside(name, keys):
            (directory / name).unlink()
            removed.append(name)
    return sorted(removed)
