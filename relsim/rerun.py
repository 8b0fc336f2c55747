"""Re-creating a result from its manifest, and showing that it is the same.

A run's manifest holds everything the run depended on: the fully resolved scenario, the root
seed, the number of replications, which files were written, each file's SHA-256, and the relsim
version and commit. A sweep's manifest holds its base scenario, every design point and the hash
of each point's resolved scenario. Rerunning refuses, unless told, when this relsim differs
from the one that made the result (another version or commit, or a scenario that no longer
resolves to the same hash): its results may then differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from relsim.config import Scenario, ScenarioError
from relsim.config.errors import printable
from relsim.config.safe_yaml import read_text
from relsim.environment import differences, source_record
from relsim.io import git_commit, sha256
from relsim.result_files import MANIFEST_LIMIT

COMPARED = ("summary.csv", "summary_means.csv", "timeseries.parquet", "journeys.parquet")


def load_manifest(path: Path) -> dict[str, Any]:
    name = printable(str(path))
    text = read_text(path, MANIFEST_LIMIT, "manifest.json")  # a missing file says so
    try:
        data = json.loads(text)
    except ValueError:
        raise ScenarioError(f"{name}: not a relsim manifest (not JSON)") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{name}: not a relsim manifest")
    return data


def _require(data: dict[str, Any], name: str, fields: dict[str, type]) -> None:
    missing = [key for key, kind in fields.items() if not isinstance(data.get(key), kind)]
    if missing:
        raise ScenarioError(f"{name}: not a relsim manifest (no {', '.join(missing)})")


#: the replications and seeds a command accepts, so those a manifest may record
REPS = (1, 100_000)
SEED = (0, 2**63 - 1)


def what_is_wrong(exc: Exception) -> str:
    """What a manifest's failure to read says, in words: the missing field, or the first
    invalid value and why (pydantic's whole report runs over lines and ends with a web address;
    a KeyError's text is only the key)."""
    if isinstance(exc, KeyError):
        return f"no field {printable(repr(exc.args[0]) if exc.args else '', 60)}"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        return f"{printable(where, 60)}: {printable(first['msg'], 120)}"
    return printable(str(exc), 160)


def whole_number(
    data: dict[str, Any], key: str, name: str, within: tuple[int, int] | None = None
) -> int:
    """A count or seed a manifest records, as a whole number (from `within`, when given, the
    range the command that made it accepts): one that is something else is named as such,
    not as missing, nor left to fail in the middle of the rerun."""
    if key not in data:
        raise ScenarioError(f"{name}: not a relsim manifest (no {key})")
    value = data[key]
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    shown = printable(json.dumps(value, default=str), 40)
    if isinstance(value, bool) or not whole:
        raise ScenarioError(f"{name}: {key}: {shown} is not a whole number")
    number = int(value)
    if within is not None and not within[0] <= number <= within[1]:
        low, high = within
        raise ScenarioError(f"{name}: {key}: {shown} is out of range ({low:,} to {high:,})")
    return number


def require_complete_sweep(path: Path, data: dict[str, Any]) -> None:
    """Refuse to re-create an interrupted sweep: it holds only some of its design's runs, and a
    rerun, which makes them all, could never match it."""
    problem = incomplete_sweep(data)
    if problem is not None:
        raise ScenarioError(f"{printable(str(path))}: {problem}")


def incomplete_sweep(data: dict[str, Any]) -> str | None:
    """Why a sweep, by its manifest, cannot be re-created yet, naming the command that finishes
    it (the one that made it); None when it is complete."""
    if data.get("status") == "complete":
        return None
    return (
        f"the sweep is not complete; finish it with `{_made_by(data)} ... --resume` (the "
        "command that made it), then rerun it"
    )


def check_has_manifest(directory: Path) -> None:
    """A directory without a manifest of its own whose subdirectories hold sweeps is a study
    (an experiment, a frontier, a budget search) stopped before its tables were written: said
    so, with the command that finishes it, not as "manifest.json: no such file"."""
    if (directory / "manifest.json").exists():
        return
    for child in sorted(directory.iterdir()) if directory.is_dir() else []:
        inner = child / "manifest.json"
        if not inner.is_file():
            continue
        try:
            data = load_manifest(inner)
        except ScenarioError:
            continue
        if data.get("kind") == "relsim sweep":
            raise ScenarioError(
                f"{printable(str(directory))}: no manifest.json of its own, so no complete "
                f"result: its series' or stages' sweeps are there ({printable(child.name, 60)}, "
                f"...), from `{_made_by(data)}` stopped before it finished; finish it with "
                "the same command and --resume, then rerun it"
            )


def _made_by(data: dict[str, Any]) -> str:
    """The command that made a sweep, as its design's spec records it."""
    design = data.get("design")
    spec = design.get("spec") if isinstance(design, dict) else None
    if not isinstance(spec, dict):
        return "relsim sweep"
    if "method" in spec:
        return "relsim sensitivity"
    if "experiment" in spec:
        return "relsim experiment run"
    if spec.get("study") == "frontier":
        return "relsim frontier"
    if "stage" in spec:
        return "relsim budget"
    return "relsim sweep"


def mismatches(
    data: dict[str, Any], hashes: list[tuple[str, str]], where: list[str] | None = None
) -> list[str]:
    """Why this relsim may not reproduce the result: (recorded, now) hash pairs differing (in
    the manifests `where`, when they are others than the one read), another version, commit or
    uncommitted changes, or other versions of the libraries that draw and schedule."""
    found = [f"it was made with {what}" for what in differences(data, source_record(git_commit()))]
    unrecorded = [i for i, (recorded, _) in enumerate(hashes) if recorded in ("None", "")]
    if unrecorded:
        scenario = "it" if where is None else ", ".join(printable(where[i]) for i in unrecorded)
        found.append(f"{scenario} records no scenario hash (the manifest was edited)")
    differing = [
        i for i, (recorded, now) in enumerate(hashes) if recorded != now and i not in unrecorded
    ]
    if differing:
        scenario = "its scenario"
        if where is not None:
            scenario = f"the scenario in {', '.join(printable(where[i]) for i in differing)}"
        found.append(
            f"{scenario} no longer resolves to the recorded hash (the manifest was edited, or "
            "the schema changed)"
        )
    return found


def unchecked_source(data: dict[str, Any], commit: str | None) -> str | None:
    """What a rerun cannot check when only one side knows its commit (`commit`: this relsim's,
    None outside a git checkout, as from an unpacked archive or a wheel): identical files then
    do not show that the same code made them. None when both or neither know it."""
    recorded = data.get("git_commit")
    if recorded and not commit:
        return (
            f"this relsim is not a git checkout, so whether its code is the code that made the "
            f"result (commit {printable(str(recorded))[:12]}) is not checked; only the relsim "
            "version and the libraries are"
        )
    if commit and not recorded and "relsim_version" in data:
        return (
            "the result records no commit (it was made outside a git checkout), so whether this "
            "code is the code that made it is not checked; only the relsim version and the "
            "libraries are"
        )
    return None


def run_manifest(path: Path) -> tuple[dict[str, Any], Scenario]:
    """A run's manifest and its scenario, checked."""
    data = load_manifest(path)
    name = printable(str(path))
    _require(data, name, {"scenario": dict, "files": list})
    data["reps"] = whole_number(data, "reps", name, REPS)
    data["seed"] = whole_number(data, "seed", name, SEED)
    try:
        scenario = Scenario.model_validate(data["scenario"])
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        from relsim import __version__

        why = (
            "the manifest was edited: this relsim is the version that made it"
            if data.get("relsim_version") == __version__
            else "the scenario format has changed since this result was made; rerun it with "
            "the relsim that made it"
        )
        raise ScenarioError(f"{name}: scenario.{where}: {error['msg']} ({why})") from None
    return data, scenario


#: what a rerun says of each file: the new file against the recorded hash (or the original),
#: and, apart from that, whether the original on disk still matches the hash recorded for it
IDENTICAL, DIFFERS, NOT_COMPARED = "identical", "differs", "not compared"
ORIGINAL_CHANGED = "original changed"
BOTH = "differs and original changed"
#: the manifest records the file as written, and it is no longer beside the manifest
ORIGINAL_MISSING = "original missing"
BOTH_MISSING = "differs and original missing"
MISSING = (ORIGINAL_MISSING, BOTH_MISSING)
#: the original is not as it was written
CHANGED = (ORIGINAL_CHANGED, BOTH, *MISSING)
#: the original has the file (or records its hash) and the rerun did not make it
NOT_MADE = "not made by the rerun"


def compare_files(
    original: dict[str, Any], original_dir: Path, new_dir: Path, names: Iterable[str] = COMPARED
) -> dict[str, str]:
    """For each of the result's files `names` that the new one has, a verdict: whether the new
    file reproduces the recorded hash (the original file when none was recorded), and whether
    the original beside the manifest was changed after it was written, so that an edited
    original is never called identical."""
    hashes = original.get("sha256")
    recorded: dict[str, str] = hashes if isinstance(hashes, dict) else {}
    verdicts = {}
    for name in names:
        new = new_dir / name
        if new.is_file():
            verdicts[name] = _verdict(new, original_dir / name, recorded.get(name))
        elif isinstance(recorded.get(name), str) or (original_dir / name).is_file():
            verdicts[name] = NOT_MADE  # a manifest whose list of files was edited, say
    return verdicts


def can_compare(original: dict[str, Any], original_dir: Path, names: Iterable[str]) -> bool:
    """Whether a rerun will have anything to compare with: a recorded hash, or an original
    file beside the manifest. Known before anything runs."""
    hashes = original.get("sha256")
    if isinstance(hashes, dict) and any(isinstance(hashes.get(n), str) for n in names):
        return True
    return any((original_dir / name).is_file() for name in names)


def _verdict(new: Path, original: Path, expected: str | None) -> str:
    """One file's verdict. The recorded hash is what was written, so the new file is checked
    against it; the original on disk is checked against it too, as its own problem."""
    present = original.is_file()
    if expected is None:
        if not present:
            return NOT_COMPARED
        return IDENTICAL if sha256(new) == sha256(original) else DIFFERS
    reproduced = sha256(new) == expected
    if not present:  # deleted since: no more identical than an edited one
        return ORIGINAL_MISSING if reproduced else BOTH_MISSING
    if sha256(original) != expected:
        return ORIGINAL_CHANGED if reproduced else BOTH
    return IDENTICAL if reproduced else DIFFERS


def verdict_problems(verdicts: dict[str, str]) -> list[str]:
    """Why a rerun's verdicts are not a success, each problem said apart: new files that differ,
    originals changed since they were written, or nothing compared at all."""
    differing = [
        name for name, verdict in verdicts.items() if verdict in (DIFFERS, BOTH, BOTH_MISSING)
    ]
    missing = [name for name, verdict in verdicts.items() if verdict == NOT_MADE]
    changed = [name for name, verdict in verdicts.items() if verdict in (ORIGINAL_CHANGED, BOTH)]
    gone = [name for name, verdict in verdicts.items() if verdict in MISSING]
    problems = []
    if differing:
        problems.append(
            f"the rerun is not identical to the original ({', '.join(differing)} differs)"
        )
    if missing:
        problems.append(
            f"the rerun did not make {', '.join(missing)}, which the original has (was its "
            "manifest edited?)"
        )
    for name in changed:
        problems.append(
            f"the original {name} was changed after it was written (it no longer matches the "
            "manifest's hash)"
        )
    for name in gone:
        made = "the rerun's has it" if verdicts[name] == ORIGINAL_MISSING else "the rerun's has not"
        problems.append(
            f"the original {name} is missing (the manifest records it as written, with its hash; "
            f"{made})"
        )
    return problems


def nothing_compared(verdicts: dict[str, str]) -> bool:
    """Whether no file could be compared: no recorded hashes and no originals beside the
    manifest, so the rerun shows nothing about reproduction."""
    return all(verdict == NOT_COMPARED for verdict in verdicts.values())


SWEEP_TABLES = ("runs.parquet", "timeseries.parquet")


def require_readable_tables(manifest: Path, directories: Iterable[Path]) -> None:
    """ScenarioError, before anything runs, if an original sweep's runs are missing, or a
    table of it holds no parts or a part that cannot be read: the rerun could not be compared
    with it, and would have run for nothing."""
    from relsim.sweep.store import unreadable_part

    for directory in directories:
        for name in SWEEP_TABLES:
            table = directory / name
            kept = table.is_dir() or name == SWEEP_TABLES[0]  # the weekly series are optional
            if kept and not any(table.glob("part-*.parquet")):
                where = printable(str(table.relative_to(manifest.parent)))
                raise ScenarioError(
                    f"{printable(str(manifest))}: {where} is missing or holds no rows, so "
                    "nothing could be compared with it; nothing was run"
                )
            part = unreadable_part(directory / name)
            if part is not None:
                where = printable(str(part.relative_to(manifest.parent)))
                raise ScenarioError(
                    f"{printable(str(manifest))}: {where} cannot be read as Parquet, so "
                    "nothing could be compared with it; nothing was run"
                )


def compare_sweeps(original_dir: Path, new_dir: Path) -> dict[str, str]:
    """Whether two sweeps' tables hold the same rows (their order may differ): the runs, and
    the weekly series when the original kept them."""
    if not (original_dir / "runs.parquet").is_dir():
        return {"runs.parquet": "not compared"}
    verdicts = {}
    for name, keys in zip(
        SWEEP_TABLES, (["point", "replication"], ["point", "replication", "week"]), strict=True
    ):
        if not (original_dir / name).is_dir():
            continue
        if not (new_dir / name).is_dir():
            verdicts[name] = "differs"
            continue

        def table(directory: Path, name: str = name, keys: list[str] = keys) -> pd.DataFrame:
            frame = pd.read_parquet(directory / name)
            return frame.sort_values(keys, kind="stable").reset_index(drop=True)

        try:
            pd.testing.assert_frame_equal(table(original_dir), table(new_dir), check_exact=True)
        except AssertionError:
            verdicts[name] = "differs"
        else:
            verdicts[name] = "identical"
    return verdicts
