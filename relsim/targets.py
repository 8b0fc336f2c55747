"""Results directories: checked before any work, locked while written, replaced only when relsim
wrote them. (The checks every target shares are in `relsim.target_checks`; single-file targets
in `relsim.file_targets`.)

- A results directory is checked before the first run: its name is usable, it is not a
  symbolic link, and something can really be created where it goes. Missing parent
  directories are created, and removed again if the command fails.
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
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from relsim.config.errors import RunError, printable
from relsim.files import _umask, resolved
from relsim.moving import copy_in, staging_directory
from relsim.result_files import (
    OutputError,
    compare_result_files,
    entries,
    interrupted_copy_files,
    read_manifest,
    remove_exactly,
    result_strangers,
    run_result_files,
)
from relsim.signals import finished_writing
from relsim.target_checks import (
    check_components,
    make_parents,
    nearest_existing,
    probe,
    remove_if_empty,
    result_manifest,
    why_not,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

#: the results directories this process has open (resolved): what relsim creates inside them,
#: such as a study's series, is part of the result it is writing
_WRITING: set[Path] = set()


# -- locking -------------------------------------------------------------------------------------


def lock_directory(path: Path, option: str) -> int | None:
    """An exclusive advisory lock on a directory, held until the returned descriptor is closed
    (None: no lock is held, where the file system has none). Another relsim process writing
    there makes this fail at once rather than wait."""
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
        os.close(fd)
        return None
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


def _result_above(directory: Path) -> Path | None:
    """The earlier relsim result that a results directory would be inside, if any. Inside a
    directory this process is writing (a study's series) there is none: that directory was
    checked when it was opened, and what relsim makes in it is part of the result it writes."""
    for above in resolved(directory).parents:
        if above in _WRITING:
            return None
        if result_manifest(above) is not None:
            return above
    return None


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

    @property
    def locked(self) -> bool:
        """Whether this process holds the directory's lock (so no other relsim writes it)."""
        return self.fd is not None

    def close(self, keep_created: bool = True) -> None:
        if self.writing is not None:
            _WRITING.discard(self.writing)
            self.writing = None
        unlock(self.fd)
        self.fd = None
        if not keep_created:
            remove_if_empty(self.created)
        self.created = []


#: what to do about a non-empty directory holding an earlier result of the same work
RESUME_OR_FORCE = "use --resume to finish it, or --force to start again"
#: the same, for a command that cannot resume (rerun)
FORCE_ONLY = "use --force to start again"


def open_directory(
    out: Path,
    option: str,
    *,
    force: bool,
    identify: Callable[[Path], list[Path] | None],
    not_empty_hint: str = "use --force to replace it",
    resume: bool = False,
    kind: str = "an earlier relsim result",
    strangers: Callable[[Path], list[str]] | None = None,
    resumable: bool = True,
) -> OpenedDirectory:
    """Check, create and lock a results directory before any work. A non-empty one is refused
    unless `identify` recognises it as an earlier result of relsim's and `resume` (the caller
    checks it is the same work) or `force` is given; with `resume`, an empty one is refused too.
    `strangers` names what relsim did not write in an earlier result of this kind, for the
    refusal to say (`resumable`: whether the command has --resume to name). Nothing is
    removed here."""
    opened = OpenedDirectory(out, option)
    check_components(out, option)
    if out.is_symlink():
        raise opened.error("is a symbolic link; give the directory itself")
    if out.exists() and not out.is_dir():
        raise opened.error("exists and is not a directory")
    try:
        here: Path | None = Path.cwd()
    except FileNotFoundError:  # the directory the command was started in has been removed
        if not out.is_absolute():
            raise opened.error(
                "is relative, but the current directory no longer exists (it was removed); "
                "give an absolute path, or change to a directory that exists"
            ) from None
        here = None
    if here is not None and here.resolve().is_relative_to(out.resolve()):
        raise opened.error("is or contains the current directory; name a new one")
    existing = nearest_existing(out)
    if not existing.is_dir():
        raise opened.error(f"{printable(str(existing))} is not a directory")
    if out.is_dir():
        # an existing directory that cannot be written in (read-only, or a read-only mount)
        # is said now, not as a raw error once the runs are done
        probe(out, option, out)
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
                raise opened.error(
                    f"nothing to resume: nothing is there (--resume finishes {kind})"
                )
            if identify(out) is None:
                foreign = _named(strangers(out) if strangers else [])
                if foreign:
                    raise opened.error(
                        f"holds {kind} and also {foreign}, which relsim did not write; "
                        "--resume writes only into a directory of relsim's own (move that out)"
                    )
                raise opened.error(
                    f"not {kind} ({_holds(out, kind)}); --resume only finishes {kind}"
                )
            return opened
        if not entries(out):
            return opened
        found = identify(out)
        foreign = _named(strangers(out) if strangers and found is None else [])
        if foreign:
            options = "--resume and --force touch" if resumable else "--force touches"
            raise opened.error(
                f"holds {kind} and also {foreign}, which relsim did not write; {options} only "
                "a directory of relsim's own (move that out, or choose another directory)"
            )
        if not force:
            if found is None:  # --force would refuse it too: do not suggest it
                raise opened.error(
                    f"directory is not empty, and not {kind} ({_holds(out, kind)}); choose another "
                    "directory"
                )
            raise opened.error(f"directory is not empty ({not_empty_hint})")
        if found is None:
            raise opened.error(
                f"not {kind} ({_holds(out, kind)}); --force only replaces {kind}, so it will not "
                "delete anything there"
            )
        opened.replaced = found
        return opened
    except OSError as exc:
        opened.close(keep_created=False)
        raise opened.error(f"cannot be written ({why_not(exc)})") from None
    except BaseException:
        opened.close(keep_created=False)
        raise


def _named(names: list[str]) -> str:
    """Up to three names, and how many more."""
    if not names:
        return ""
    shown_names = ", ".join(printable(name, 80) for name in names[:3])
    return shown_names + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _holds(out: Path, asked: str) -> str:
    """What a directory that is not the result `asked` for holds, in words: another kind of
    relsim result (its manifest says relsim wrote it), the same kind with a part of it missing
    or changed, or something relsim did not write."""
    manifest = read_manifest(out)
    if manifest is None or "relsim_version" not in manifest:
        return "it holds something relsim did not write"
    kind = manifest.get("kind")
    if isinstance(kind, str) and asked.endswith(kind):
        # its manifest says it is one; the rest is not as it wrote it
        return (
            f"its manifest is `{printable(kind, 40)}`'s, but not all else there is as it "
            "wrote it (a series' sweep without its own manifest, say)"
        )
    if "experiment" in manifest:
        return "it holds a relsim experiment"
    if isinstance(kind, str) and kind.startswith("relsim "):
        return f"it holds the result of `{printable(kind, 40)}`"
    if run_result_files(out) is not None:
        return "it holds the result of `relsim run`"
    return "it holds another kind of relsim result"


#: what a run's or comparison's --out may replace with --force
REPLACES = "an earlier result of `relsim run` or `relsim compare`"


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
            self.out,
            self.option,
            force=self.force,
            identify=self.identify,
            strangers=result_strangers,
            resumable=False,
            # what it replaces, named: "not an earlier relsim result (it holds the result of
            # `relsim sweep`)" said of a sweep was a contradiction
            kind=REPLACES,
        )
        try:
            self.staging = staging_directory(self.out, self.opened.locked)
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
