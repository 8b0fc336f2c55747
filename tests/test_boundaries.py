"""The model stays outside the command line, the browser UI, reports and plotting: every module the
model and the runner import, directly or through others, is read for its imports (those inside
functions and under TYPE_CHECKING too), so a forbidden import fails here before anyone runs it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "relsim"

#: where the model starts: the Mesa model, the runner, the measures and the packages of parts
ROOTS = (
    "relsim.model",
    "relsim.runner",
    "relsim.metrics",
    *(
        f"relsim.{package}.{path.stem}"
        for package in ("agents", "care_models", "dynamics")
        for path in sorted((PACKAGE / package).glob("*.py"))
        if path.stem != "__init__"
    ),
)

#: what the model must never import (a name, or a package and everything under it), besides
#: relsim's command-line modules
FORBIDDEN = (
    "click",
    "typer",
    "matplotlib",
    "solara",
    "tqdm",
    "rich",
    "relsim.viz",
    "relsim.report",
    "relsim.output",
    "relsim.progress",
    "relsim.stdout",
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(module imported, line) for every import statement in the file, wherever it stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((module, node.lineno))
            # `from relsim.agents import worker` imports the module relsim.agents.worker
            found.extend((f"{module}.{alias.name}", node.lineno) for alias in node.names)
    return found


def _own_module(imported: str, modules: dict[str, Path]) -> str | None:
    """The relsim module (file) an import reaches, or None outside relsim."""
    while imported not in modules:
        if "." not in imported:
            return None
        imported = imported.rpartition(".")[0]
    return imported


def _is_forbidden(imported: str) -> bool:
    """In FORBIDDEN, or a command-line module of relsim (relsim.cli, relsim.cli_tools,
    relsim.sweep.cli, ...)."""
    parts = imported.split(".")
    command_line = parts[0] == "relsim" and any(part.startswith("cli") for part in parts[1:])
    return command_line or any(
        imported == name or imported.startswith(f"{name}.") for name in FORBIDDEN
    )


def model_imports() -> dict[str, list[tuple[str, int]]]:
    """Every module reached from the roots, with what it imports."""
    modules = _modules()
    reached: dict[str, list[tuple[str, int]]] = {}
    waiting = list(ROOTS)
    while waiting:
        name = waiting.pop()
        if name in reached:
            continue
        reached[name] = _imports(name, modules[name])
        for imported, _ in reached[name]:
            own = _own_module(imported, modules)
            if own is None or _is_forbidden(own):
                continue  # outside relsim, or reported where it is imported
            parts = own.split(".")
            # importing a.b.c runs a/__init__ and a/b/__init__ as well
            waiting.extend(
                ".".join(parts[:i])
                for i in range(1, len(parts) + 1)
                if ".".join(parts[:i]) in modules
            )
    return reached


def test_the_model_never_imports_the_cli_ui_reports_or_plotting() -> None:
    reached = model_imports()
    assert "relsim.model" in reached and "relsim.care_models.liberated" in reached
    found = [
        f"{name} (line {line}) imports {imported}"
        for name, imports in sorted(reached.items())
        for imported, line in imports
        if _is_forbidden(imported)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "imported",
    [
        "click",
        "matplotlib.pyplot",
        "relsim.cli",
        "relsim.cli_tools",
        "relsim.cli_rerun",
        "relsim.sweep.cli",
        "relsim.viz.app",
        "relsim.report",
    ],
)
def test_a_forbidden_import_is_recognised(imported: str) -> None:
    assert _is_forbidden(imported)


@pytest.mark.parametrize("imported", ["relsim.citizens", "relsim.records", "numpy", "mesa"])
def test_the_model_s_own_imports_are_allowed(imported: str) -> None:
    assert not _is_forbidden(imported)
