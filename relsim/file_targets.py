"""Single-file output targets (a report, a plot, a table), checked before the first run: not a
directory, a pipe or a device, not part of a relsim result, and, for a kind of file relsim
writes, replacing only a file relsim wrote as that kind."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from relsim.config.errors import printable
from relsim.files import csv_starts_with, is_relsim_png, resolved
from relsim.result_files import MANIFEST, OutputError
from relsim.target_checks import check_components, nearest_existing, probe, result_manifest


def _real_location(path: Path) -> Path:
    """Where a file `path` would be written: its directory's real location, and its own name
    (a link there is replaced, not written through)."""
    return resolved(path.parent) / path.name


def _part_of_a_result(path: Path) -> str | None:
    """How writing `path` would break a relsim result, if it would: it is the result's manifest
    or a file the manifest lists (their hashes, or the manifest itself, would change), or it is
    inside one of the result's subdirectories (its runs, or its series). A new file beside a
    result's own files (a sweep's summary) is not part of it."""
    where = _real_location(path)
    manifest = result_manifest(where.parent)
    if manifest is not None:
        listed = manifest.get("files")
        if where.name == MANIFEST or (isinstance(listed, list) and where.name in listed):
            return f"is a file of the relsim result in {printable(str(path.parent))}"
        return None
    for directory in where.parent.parents:
        if result_manifest(directory) is not None:
            return f"is inside the relsim result in {printable(str(directory))}"
    return None


def check_file_target(
    path: Path,
    option: str,
    out: Path | None = None,
    *,
    kind: FileKind | None = None,
) -> None:
    """A file relsim will write (a report, a plot, a table): usable, not a directory, a pipe or
    a device, not part of a relsim result nor inside the command's own results directory `out`,
    and its directory exists or can be created and written in. With a `kind`, the name must
    have the kind's suffix, an existing file is replaced only if relsim wrote it as that kind,
    and the file may not go beside another result's files (it would read as that result's own,
    and stop `--force` from replacing that result)."""
    name = printable(str(path))
    check_components(path, option)
    if path.is_dir():
        raise OutputError(f"{option} {name}: is a directory, expected a file path")
    if path.exists() and not path.is_file():
        raise OutputError(f"{option} {name}: is not a regular file (a pipe, device or socket)")
    if kind is not None:
        _check_kind(path, option, kind)
    if out is not None and _real_location(path).is_relative_to(resolved(out)):
        where = "is --out itself" if _real_location(path) == resolved(out) else "is inside --out"
        raise OutputError(f"{option} {name}: {where}; write it elsewhere")
    problem = _part_of_a_result(path)
    if problem is not None:
        raise OutputError(
            f"{option} {name}: {problem}; writing it would change that result (choose another path)"
        )
    if kind is not None:
        _check_not_beside_a_result(path, option, own=None)
    existing = nearest_existing(path.parent)
    if not existing.is_dir():
        raise OutputError(f"{option} {name}: {printable(str(existing))} is not a directory")
    probe(existing, option, path)


@dataclasses.dataclass(frozen=True)
class FileKind:
    """A kind of file relsim writes on its own (a report, a workbook, a scenario): the suffixes
    its name may have, and how to tell a file relsim wrote as that kind, which alone it may
    replace (anything else there is the user's)."""

    what: str
    suffixes: tuple[str, ...]
    written_by_relsim: Callable[[Path], bool]


#: a plot relsim writes (its PNG metadata names relsim)
PLOT = FileKind("a plot (PNG)", (".png",), is_relsim_png)


def table_kind(what: str, columns: str) -> FileKind:
    """A CSV table relsim writes, recognised by the columns its header starts with."""
    return FileKind(what, (".csv",), lambda path: csv_starts_with(path, columns))


def _check_kind(path: Path, option: str, kind: FileKind, replace_any: bool = False) -> None:
    name = printable(str(path))
    if path.suffix.lower() not in kind.suffixes:
        raise OutputError(
            f"{option} {name}: writes {kind.what}; give the file a {' or '.join(kind.suffixes)} "
            "name"
        )
    if not replace_any and path.is_file() and path.stat().st_size > 0 and not _wrote(kind, path):
        raise OutputError(
            f"{option} {name}: exists and is not {kind.what} relsim wrote; relsim does not "
            "write over it (remove it, or choose another path)"
        )


def _wrote(kind: FileKind, path: Path) -> bool:
    try:
        return kind.written_by_relsim(path)
    except Exception:  # unreadable, or not the format at all: not one relsim wrote
        return False


def _check_not_beside_a_result(path: Path, option: str, own: Path | None) -> None:
    """A file beside the files of a relsim result other than `own` would read as that result's
    own (and be in the way of `--force`)."""
    where = _real_location(path)
    if own is not None and where.parent == resolved(own):
        return
    if result_manifest(where.parent) is not None:
        raise OutputError(
            f"{option} {printable(str(path))}: is beside the files of another relsim "
            f"result ({printable(str(path.parent))}), where it would read as that result's "
            "own; write it elsewhere"
        )


def check_summary_targets(
    directory: Path, targets: dict[str, Path], kinds: dict[str, FileKind]
) -> None:
    """The files a summary of the result in `directory` writes (option -> path, and the kind
    of file each is): each a usable file target, no two the same file, none beside the files
    of another relsim result, where it would read as that result's own (a summary beside its
    own result's files is), each with its kind's suffix, and none replacing a file relsim did
    not write as that kind, except beside its own result (relsim's own directory, where an
    earlier summary may predate the marks that recognise it)."""
    seen: dict[Path, str] = {}
    for option, path in targets.items():
        check_file_target(path, option)
        where = _real_location(path)
        if where in seen:
            raise OutputError(f"{seen[where]} and {option} name the same file")
        seen[where] = option
        _check_not_beside_a_result(path, option, own=directory)
    own = resolved(directory)
    for option, path in targets.items():
        _check_kind(path, option, kinds[option], replace_any=_real_location(path).parent == own)
