"""Output targets: checked before any work, locked while written, replaced only when relsim
wrote them.

- Every target (a results directory, a report or plot file) is checked before the first run:
  its name is usable, it is not a symbolic link to somewhere else, a file target is not a pipe
  or a device nor part of a relsim result, and something can really be created where it goes
  (found by creating and removing a probe). Missing parent directories are
  created, and removed again if the command fails.
- A results directory is not created inside an earlier relsim result (resolved, so a link
  does not get past it): that result's files would no longer be exactly its own, and
  `--force` could not replace it. Directories relsim makes inside the results it is writing
  (a study's series) are its own.
- A results directory is locked (an advisory `flock` on the directory itself) for as long as a
  command writes to it, so two relsim processes never write to the same results.
- `--force` removes only what relsim itself wrote, identified exactly (`relsim.result_files`);
  a directory holding anything else, or a symbolic link, is refused.
- Results are written in a hidden staging directory and moved into place whole
  (`relsim.moving`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from relsim.config.errors import RunError, printable
from relsim.files import _umask, csv_starts_with, is_relsim_png, resolved
from relsim.moving import copy_in, staging_directory
from relsim.result_files import (
    MANIFEST,
    OutputError,
    compare_result_files,
    entries,
    interrupted_copy_files,
    read_manifest,
    remove_exactly,
    run_result_files,
)
from relsim.signals import finished_writing

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

NAME_MAX = 255
#: the results directories this process has open (resolved): what relsim creates inside them,
#: such as a study's series, is part of the result it is writing
_WRITING: set[Path] = set()


# -- names and probes ----------------------------------------------------------------------------


def check_entry_name(name: str, what: str) -> None:
    """A name relsim will create inside a results directory (a scenario's subdirectory)."""
    shown = printable(repr(name), 100)
    if name in ("", ".", "..") or any(c in name for c in "/\\\0") or name.startswith("."):
        raise OutputError(f"{what}: {shown} is not a plain directory name")
    if len(os.fsencode(name)) > NAME_MAX:
        raise OutputError(f"{what}: {shown} is longer than {NAME_MAX} bytes")


def _check_components(path: Path, option: str) -> None:
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise OutputError(
                f"{option} {printable(str(path), 120)}: a name in it is longer than "
                f"{NAME_MAX} bytes"
            )


def why_not(exc: OSError) -> str:
    """The system's reason a file or directory could not be made, in words that fit: "no such
    file" for a name in a directory that exists (/proc, /sys) means that directory takes
    nothing new, not that something is missing."""
    if exc.errno == errno.ENOENT and exc.filename:
        parent = Path(os.fsdecode(exc.filename)).parent
        if parent.is_dir():
            return f"{printable(str(parent))} does not allow new files or directories"
    return exc.strerror or str(exc)


def _nearest_existing(path: Path) -> Path:
    current = path
    while not (current.exists() or current.is_symlink()):
        if current.parent == current:
            break
        current = current.parent
    return current


def _probe(directory: Path, option: str, target: Path) -> None:
    """Create and remove something in `directory`, which must exist: the only sure test that
    the target can be written (permissions, read-only or special file systems)."""
    try:
        made = tempfile.mkdtemp(prefix=".relsim-probe-", dir=directory)
        os.rmdir(made)
    except OSError as exc:
        raise OutputError(
            f"{option} {printable(str(target))}: cannot write in {printable(str(directory))} "
            f"({why_not(exc)})"
        ) from None


def _result_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest of the relsim result in `directory`, if it holds one (every relsim manifest
    records the relsim version; a run's its scenario hash, a study's its relsim kind)."""
    manifest = read_manifest(directory)
    if manifest is None:
        return None
    kind = manifest.get("kind")
    own = isinstance(kind, str) and kind.startswith("relsim ")
    if own or "relsim_version" in manifest or "scenario_hash" in manifest:
        return manifest
    return None


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
    manifest = _result_manifest(where.parent)
    if manifest is not None:
        listed = manifest.get("files")
        if where.name == MANIFEST or (isinstance(listed, list) and where.name in listed):
            return f"is a file of the relsim result in {printable(str(path.parent))}"
        return None
    for directory in where.parent.parents:
        if _result_manifest(directory) is not None:
            return f"is inside the relsim result in {printable(str(directory))}"
    return None


def _result_above(directory: Path) -> Path | None:
    """The earlier relsim result that a results directory would be inside, if any. Inside a
    directory this process is writing (a study's series) there is none: that directory was
    checked when it was opened, and what relsim makes in it is part of the result it writes."""
    for above in resolved(directory).parents:
        if above in _WRITING:
            return None
        if _result_manifest(above) is not None:
            return above
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
    _check_components(path, option)
    if path.is_dir():
        raise OutputError(f"{option} {name}: is a directory, expected a file path")
    if path.exists() and not path.is_file():
        raise OutputError(f"{option} {name}: is not a regular file (a pipe, device or socket)")
    if kind is not None:
        _check_kind(path, option, kind)
    if out is not None and _real_location(path).is_relative_to(resolved(out)):
        raise OutputError(f"{option} {name}: is inside --out; write it elsewhere")
    problem = _part_of_a_result(path)
    if problem is not None:
        raise OutputError(
            f"{option} {name}: {problem}; writing it would change that result (choose another path)"
        )
    if kind is not None:
        _check_not_beside_a_result(path, option, own=None)
    existing = _nearest_existing(path.parent)
    if not existing.is_dir():
        raise OutputError(f"{option} {name}: {printable(str(existing))} is not a directory")
    _probe(existing, option, path)


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
    if _result_manifest(where.parent) is not None:
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


def make_parents(path: Path) -> list[Path]:
    """Create the missing directories above `path`; the ones created, outermost first (on a
    failure, those already created are removed)."""
    missing = []
    current = path.parent
    while not (current.exists() or current.is_symlink()):
        missing.append(current)
        current = current.parent
    made: list[Path] = []
    try:
        for directory in reversed(missing):
            directory.mkdir(exist_ok=True)
            made.append(directory)
    except BaseException:  # none of them is left half-made
        remove_if_empty(made)
        raise
    return made


def remove_if_empty(directories: Sequence[Path]) -> None:
    """Remove directories this command created, innermost first, if they are still empty."""
    for directory in reversed(directories):
        with contextlib.suppress(OSError):
            directory.rmdir()


# -- locking -------------------------------------------------------------------------------------


def lock_directory(path: Path, option: str) -> int | None:
    """An exclusive advisory lock on a directory, held until the returned descriptor is closed.
    Another relsim process writing there makes this fail at once rather than wait."""
    if fcntl is None:  # pragma: no cover - no advisory locks here: go on unlocked
        return None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(
            f"{option} {printable(str(path))}: another relsim process is writing there; wait "
            "for it to finish or choose another directory"
        ) from None
    except OSError:  # a file system without locks: go on unlocked
        pass
    return fd


def being_written(path: Path) -> bool:
    """Whether another relsim process holds the directory's lock now (a sweep still running),
    found without waiting; False where there are no advisory locks."""
    if fcntl is None:  # pragma: no cover - no advisory locks here
        return False
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
        )
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # a file system without locks
        return False
    finally:
        os.close(fd)
    return False


def unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


# -- results directories --------------------------------------------------------------------------


class OpenedDirectory:
    """A results directory checked, created if need be, and locked. `replaced` lists what an
    earlier relsim result there consists of, when --force is to replace it."""

    def __init__(self, path: Path, option: str) -> None:
        self.path = path
        self.option = option
        self.created: list[Path] = []
        self.fd: int | None = None
        self.replaced: list[Path] = []
        self.writing: Path | None = None

    def error(self, problem: str) -> OutputError:
        return OutputError(f"{self.option} {printable(str(self.path))}: {problem}")

    def lock(self) -> None:
        """Lock the (existing) directory and record that this process is writing it."""
        self.fd = lock_directory(self.path, self.option)
        self.writing = resolved(self.path)
        _WRITING.add(self.writing)

    def close(self, keep_created: bool = True) -> None:
        if self.writing is not None:
            _WRITING.discard(self.writing)
            self.writing = None
        unlock(self.fd)
        self.fd = None
        if not keep_created:
            remove_if_empty(self.created)
        self.created = []


def open_directory(
    out: Path,
    option: str,
    *,
    force: bool,
    identify: Callable[[Path], list[Path] | None],
    not_empty_hint: str = "use --force to replace it",
    resume: bool = False,
    kind: str = "an earlier relsim result",
) -> OpenedDirectory:
    """Check, create and lock a results directory before any work. A non-empty one is refused
    unless `identify` recognises it as an earlier result of relsim's and `resume` (the caller
    checks it is the same work) or `force` is given; with `resume`, an empty one is refused too.
    Nothing is removed here."""
    opened = OpenedDirectory(out, option)
    _check_components(out, option)
    if out.is_symlink():
        raise opened.error("is a symbolic link; give the directory itself")
    if out.exists() and not out.is_dir():
        raise opened.error("exists and is not a directory")
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise opened.error("is or contains the current directory; name a new one")
    existing = _nearest_existing(out)
    if not existing.is_dir():
        raise opened.error(f"{printable(str(existing))} is not a directory")
    if out.is_dir():
        # an existing directory that cannot be written in (read-only, or a read-only mount)
        # is said now, not as a raw error once the runs are done
        _probe(out, option, out)
    result = _result_above(out)
    if result is not None:
        raise opened.error(
            f"is inside the relsim result in {printable(str(result))}; writing there would "
            "change that result (choose a directory outside it)"
        )
    try:
        opened.created = make_parents(out)
        if not out.exists():
            out.mkdir()
            opened.created.append(out)
        opened.lock()
        if resume:
            # --resume finishes an earlier run of the same kind, and writes nowhere else.
            if not entries(out):
                raise opened.error(f"nothing to resume (no {kind} there)")
            if identify(out) is None:
                raise opened.error(
                    f"not {kind} (it holds something relsim did not write); --resume only "
                    f"finishes {kind}"
                )
            return opened
        if not entries(out):
            return opened
        found = identify(out)
        if not force:
            if found is None:  # --force would refuse it too: do not suggest it
                raise opened.error(
                    f"directory is not empty, and not {kind} (it holds something relsim did "
                    "not write); choose another directory"
                )
            raise opened.error(f"directory is not empty ({not_empty_hint})")
        if found is None:
            raise opened.error(
                f"not {kind} (it holds something relsim did not write); --force only "
                f"replaces {kind}, so it will not delete anything there"
            )
        opened.replaced = found
        return opened
    except OSError as exc:
        opened.close(keep_created=False)
        raise opened.error(f"cannot be written ({why_not(exc)})") from None
    except BaseException:
        opened.close(keep_created=False)
        raise


class ResultTarget:
    """The `--out` directory of `relsim run` or `compare`, from the check before any work to the
    moment the finished results replace it.

    Results are written in a hidden sibling staging directory and renamed into place, whole,
    when complete. With `force`, an earlier relsim result there is removed (only its own files)
    just before. Anything else that appeared in the directory meanwhile is never touched: the
    results are then left beside it and the command says where.
    """

    def __init__(self, out: Path, force: bool, option: str = "--out") -> None:
        self.out = out
        self.force = force
        self.option = option
        self.opened: OpenedDirectory | None = None
        self.staging: Path | None = None

    @staticmethod
    def identify(directory: Path) -> list[Path] | None:
        return (
            run_result_files(directory)
            or compare_result_files(directory)
            or interrupted_copy_files(directory)
        )

    @property
    def staged(self) -> Path:
        """The staging directory to write into (only inside the `with` block)."""
        assert self.staging is not None, "write only inside the with block"
        return self.staging

    def __enter__(self) -> ResultTarget:
        self.opened = open_directory(
            self.out, self.option, force=self.force, identify=self.identify
        )
        try:
            self.staging = staging_directory(self.out)
            os.chmod(self.staging, 0o777 & ~_umask())
        except OSError as exc:
            self._cleanup()
            raise self.opened.error(f"cannot be written ({why_not(exc)})") from None
        return self

    def commit(self) -> None:
        """Put the finished staging directory in place of the (now) empty `out`."""
        assert self.staging is not None and self.opened is not None
        replaced = self.opened.replaced
        if replaced and self.identify(self.out) == replaced:
            remove_exactly(replaced)
        target = self.out.resolve()
        try:
            os.rename(self.staging, target)
        except OSError:
            if entries(self.out):
                self._set_aside()
            copy_in(self.staging, target)  # onto a mount point, or across file systems
        self.staging = None
        self.opened.created = []
        finished_writing(f"{self.option} {self.out}")

    def _set_aside(self) -> NoReturn:
        """Leave the results beside `out`, which now holds files relsim did not write, and say
        where they are (where they were written, if nothing can be made beside `out`)."""
        assert self.staging is not None
        aside = self.out.resolve().with_name(f"{self.out.name}.results-{os.getpid()}")
        try:
            os.rename(self.staging, aside)
        except OSError:
            aside = self.staging
        self.staging = None
        raise RunError(
            f"{self.option} {printable(str(self.out))}: other files appeared in it while "
            f"relsim ran, and relsim does not delete them; the results are in "
            f"{printable(str(aside))}"
        )

    def _cleanup(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        if self.opened is not None:
            self.opened.close(keep_created=False)

    def __exit__(self, *exc: object) -> None:
        self._cleanup()


@contextlib.contextmanager
def locked_directory(path: Path, option: str = "--out") -> Iterator[None]:
    """Hold the lock on an existing directory for the duration of the block."""
    fd = lock_directory(path, option)
    try:
        yield
    finally:
        unlock(fd)
