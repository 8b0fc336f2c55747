"""The bundled scenarios and experiments, found by name, the calibrated ensemble's files and
the teaching guide.

In a checkout they are the repository's `scenarios/`, `experiments/` and `calibration/`
directories; an installed wheel carries copies of them as package data under `relsim/_bundled/`
(the build puts them there, see setup.py). `relsim run baseline` and `relsim experiment run
complexity_crossover` find them either way. A file that exists wins over a name (a directory
does not: it cannot be a scenario); `bundled:baseline` names the bundled file whatever is
beside it.
"""

from __future__ import annotations

from pathlib import Path

import relsim

KINDS = ("scenarios", "experiments")
SUFFIXES = (".yaml", ".yml")
#: names the bundled file explicitly, so that no local file of the same name can stand in for it
PREFIX = "bundled:"


def _checkout_root() -> Path | None:
    root = Path(relsim.__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "scenarios").is_dir():
        return root
    return None


def directory(kind: str) -> Path | None:
    """Where the bundled files of `kind` (scenarios or experiments) are, if anywhere."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of bundled file: {kind}")
    root = _checkout_root()
    candidates = [root / kind] if root is not None else []
    candidates.append(Path(relsim.__file__).resolve().parent / "_bundled" / kind)
    return next((c for c in candidates if c.is_dir()), None)


def calibration_file(name: str) -> Path:
    """A file of calibration/ (the uncertain parameters, the ensemble): the checkout's, or the
    copy an installed wheel carries."""
    root = _checkout_root()
    if root is not None:
        return root / "calibration" / name
    return Path(relsim.__file__).resolve().parent / "_bundled" / "calibration" / name


def teaching_guide() -> Path | None:
    """The teaching guide (docs/teaching.md, its pictures in teaching/ beside it): the
    checkout's, or the copy an installed wheel carries; None if neither is there."""
    root = _checkout_root()
    candidates = [root / "docs" / "teaching.md"] if root is not None else []
    candidates.append(Path(relsim.__file__).resolve().parent / "_bundled" / "teaching.md")
    return next((c for c in candidates if c.is_file()), None)


def names(kind: str) -> list[str]:
    """The names (file stems) of the bundled files of `kind`."""
    found = directory(kind)
    if found is None:
        return []
    return sorted(p.stem for p in found.iterdir() if p.suffix in SUFFIXES and p.is_file())


def is_bare_name(text: str) -> bool:
    """A name without a directory part, such as `baseline` or `baseline.yaml`."""
    return bool(text) and "/" not in text and "\\" not in text and text not in (".", "..")


def find(kind: str, name: str) -> Path | None:
    """The bundled file called `name` (with or without .yaml), if there is one."""
    if not is_bare_name(name):
        return None
    found = directory(kind)
    if found is None:
        return None
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix in SUFFIXES else name
    for suffix in SUFFIXES:
        candidate = found / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def explicit(text: str) -> str | None:
    """The name in `bundled:NAME`, or None if `text` does not name a bundled file explicitly."""
    return text[len(PREFIX) :] if text.startswith(PREFIX) else None


def require(kind: str, name: str) -> Path:
    """The bundled file `name`, named explicitly: a clear error if there is none."""
    from relsim.config.errors import FileError, printable

    found = find(kind, name)
    if found is None:
        known = ", ".join(names(kind)) or "none in this installation"
        raise FileError(
            f"{PREFIX}{printable(name, 60)}: no bundled {kind[:-1]} of that name ({known})"
        )
    return found


def resolve(kind: str, argument: str | Path) -> Path:
    """A path given on the command line: `bundled:NAME` is the bundled file; otherwise the file
    itself if it exists, else the bundled file of that name (also when a directory of that name
    is in the way); a bare name that is neither is refused, listing the bundled files; any other
    path is returned unchanged (reading it then says it does not exist)."""
    text = str(argument)
    name = explicit(text)
    if name is not None:
        return require(kind, name)
    path = Path(argument)
    try:
        if path.is_dir():
            return find(kind, text) or path
        if path.exists() or path.is_symlink():
            return path
    except OSError as exc:  # a name longer than the system allows, say: the path is the fault
        from relsim.config.errors import FileError, printable

        raise FileError(
            f"{printable(text, 120)}: cannot read file ({exc.strerror or 'not a valid path'})"
        ) from None
    found = find(kind, text)
    if found is None and is_bare_name(text) and names(kind):
        from relsim.config.errors import FileError, printable

        raise FileError(
            f"{printable(text, 120)}: no such file, nor a bundled {kind[:-1]} of that name "
            f"({', '.join(names(kind))})"
        )
    return found or path
