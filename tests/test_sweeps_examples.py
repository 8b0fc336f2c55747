"""The worked examples of docs/sweeps.md print what the page shows. Each command is run as the
page gives it, with the small district the page names, and the page's output is compared with
the program's; the pandas snippets are run as written. (The Sobol' example, 1,600 runs, is
left out for its cost.) The page said its outputs came from that small district, and none of
them could be reproduced so: the first sweep's had been made at the full district."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def _small_district() -> list[tuple[str, str]]:
    """The `--set` pairs the page says its outputs were made with."""
    found = re.search(
        r"The outputs shown on this page come from the commands as written plus\n`([^`]+)`", PAGE
    )
    assert found, "docs/sweeps.md no longer says which district its outputs come from"
    words = shlex.split(found.group(1))
    return [
        tuple(value.split("=", 1)) for flag, value in itertools.pairwise(words) if flag == "--set"
    ]


def _block_after(marker: str, language: str = "text") -> str:
    """The first fenced block in `language` after `marker` on the page."""
    start = PAGE.index(marker)
    for match in FENCE.finditer(PAGE, start):
        if match.group(1) == language:
            return match.group(2)
    raise AssertionError(f"no {language} block after {marker!r}")


def _command(line: str) -> list[str]:
    """A command from the page; one that runs the model gets the small district's keys that it
    does not vary."""
    words = shlex.split(line)
    assert words[0] == "relsim"
    args = words[1:]
    if args[0] not in ("sweep", "sensitivity"):
        return args
    varied = {
        v.split("=")[0] for flag, v in itertools.pairwise(args) if flag in ("--grid", "--range")
    }
    for key, value in _small_district():
        if key not in varied:
            args += ["--set", f"{key}={value}"]
    return args


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


@pytest.fixture(scope="module")
def printed(
    tmp_path_factory: pytest.TempPathFactory, cli_run: Callable[..., subprocess.CompletedProcess]
) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    """Run the page's first sweep, its Morris screening and its scenario discovery."""
    where = tmp_path_factory.mktemp("sweeps_page")
    (where / "scenarios").symlink_to(ROOT / "scenarios")
    commands = {
        "sweep": _block_after("## A first sweep", "sh").splitlines()[0],
        "summary": _block_after("## A first sweep", "sh").splitlines()[1],
        "morris": _block_after("## Sensitivity analysis", "sh").splitlines()[0],
        "lhs": _block_after("## Scenario discovery", "sh").splitlines()[0],
        "discover": _block_after("## Scenario discovery", "sh").splitlines()[1],
    }
    done = {}
    for name, line in commands.items():
        done[name] = cli_run(*_command(line), cwd=where, timeout=600)
        assert done[name].returncode == 0, (line, done[name].stderr[-2000:])
    return where, done


def test_the_first_sweep_and_its_summary_print_what_the_page_shows(printed) -> None:
    _, done = printed
    shown_end = _lines(_block_after("ends with one line on stderr"))
    assert done["sweep"].stderr.strip().splitlines()[-len(shown_end) :] == shown_end
    shown = _lines(_block_after("`relsim sweep-summary` prints one row per point"))
    got = _lines(done["summary"].stdout)
    columns = [c for c in shown[0].split() if c != "..."]
    header = got[0].split()
    for row_shown, row_got in zip(shown[1:], got[1:], strict=True):
        values = dict(zip(header, row_got.split(), strict=True))
        assert [v for v in row_shown.split() if v != "..."] == [values[c] for c in columns]


@pytest.mark.parametrize("snippet", [0, 1])
def test_the_pandas_snippets_print_what_the_page_shows(printed, snippet: int) -> None:
    """Each snippet that reads the first sweep and is followed by its output."""
    where, _ = printed
    pairs = re.findall(r"```python\n((?:(?!```).)*)```\s*```text\n(.*?)```", PAGE, re.S)
    reading = [(code, out) for code, out in pairs if "friction/runs.parquet" in code]
    assert len(reading) == 2
    code, shown = reading[snippet]
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=where, capture_output=True, text=True, check=True
    )
    assert _lines(ran.stdout) == _lines(shown)


def test_morris_prints_the_table_the_page_shows(printed) -> None:
    _, done = printed
    table = _block_after("### Morris: screening")
    shown = [line for line in _lines(table) if line != "..."]
    assert _lines(done["morris"].stdout)[: len(shown)] == shown


def test_scenario_discovery_prints_the_boxes_the_page_shows(printed) -> None:
    _, done = printed
    shown = _lines(_block_after("relsim discover liberated_lhs"))
    assert _lines(done["discover"].stdout) == shown
