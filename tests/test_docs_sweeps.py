"""docs/sweeps.md works as written.

Every `relsim ...` line of its ```sh (or ```bash) blocks runs, in page order, in one scratch
directory holding a copy of scenarios/ and the page's design files, shrunk to a tiny district with
at most 2 replications, `--n 4` and `--workers 1`, and must exit 0 (lines that need a cluster are
skipped). Commands go through `relsim.cli.main`, the console script's entry point, in this process
to keep the file fast. Its ```python blocks run there too, in order; the failed-run recipe is
checked on a store with failures put in. Every ```yaml and ```csv block is a design that
`file_design` accepts, saved under the name the prose before it gives.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import runpy
import shlex
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relsim.cli import cli, main
from relsim.metrics import METRIC_NAMES
from relsim.sweep.design import file_design

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")

TINY = (
    "--set",
    "population.citizens=300",
    "--set",
    "time.weeks=20",
    "--set",
    "time.warmup_weeks=4",
    "--set",
    "workforce.workers=2",
)
MAX_REPS = 2
MAX_N = 4
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
FILE_NAME = re.compile(r"`([\w./-]+\.(?:ya?ml|csv))`")


@dataclass(frozen=True)
class Block:
    language: str
    body: str
    name: str | None  # the file the prose before the block asks to save it as


def blocks() -> list[Block]:
    found, previous_end = [], 0
    for match in FENCE.finditer(PAGE):
        language, body = match.group(2), textwrap.dedent(match.group(3))
        names = FILE_NAME.findall(PAGE[previous_end : match.start()])
        name = names[-1] if names and Path(names[-1]).suffix.lstrip(".") in language else None
        found.append(Block(language, body, name))
        previous_end = match.end()
    return found


BLOCKS = blocks()
DESIGNS = [b for b in BLOCKS if b.language in ("yaml", "csv")]
PYTHON = [b.body for b in BLOCKS if b.language == "python"]


def shell_lines(body: str) -> list[str]:
    return body.replace("\\\n", " ").splitlines()


def documented_steps() -> list[tuple[str, list[str] | str]]:
    """("relsim", argv) for each runnable command and ("python", code) for each Python block."""
    steps: list[tuple[str, list[str] | str]] = []
    for block in BLOCKS:
        if block.language == "python":
            steps.append(("python", block.body))
        if block.language not in ("sh", "bash"):
            continue
        for line in shell_lines(block.body):
            line = line.strip()
            if line.startswith("relsim ") and "--dask" not in line:
                steps.append(("relsim", shlex.split(line, comments=True)[1:]))
    return steps


STEPS = documented_steps()
COMMANDS = [argv for kind, argv in STEPS if kind == "relsim"]


def accepts(command: str, option: str) -> bool:
    params = cli.commands[command].params
    return any(option in p.opts for p in params)


def _tiny_for(args: list[str]) -> list[str]:
    """TINY without a key the command varies (a --set of a varied key is refused); a design
    file may vary the workforce, so it keeps its own."""
    pairs = [TINY[i : i + 2] for i in range(0, len(TINY), 2)]
    varied = " ".join(args)
    kept = [
        pair
        for pair in pairs
        if pair[1].split("=")[0] not in varied
        and not ("--design" in args and pair[1].startswith("workforce."))
    ]
    return [arg for pair in kept for arg in pair]


def shrink(argv: list[str]) -> list[str]:
    args = list(argv)
    for option, cap in (("--reps", MAX_REPS), ("--n", MAX_N)):
        if option in args:
            at = args.index(option) + 1
            args[at] = str(min(int(args[at]), cap))
    if accepts(args[0], "--set"):
        args += _tiny_for(args)
    if accepts(args[0], "--workers"):
        if "--workers" in args:
            args[args.index("--workers") + 1] = "1"
        else:
            args += ["--workers", "1"]
    return args


def written_by_python(argv: list[str]) -> bool:
    """A `--design FILE` that one of the page's Python snippets writes (skipped in the run)."""
    if "--design" not in argv:
        return False
    name = argv[argv.index("--design") + 1]
    return any(name in code for code in PYTHON)


def relsim(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """`relsim ARGS` in this process, run in `cwd`: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        patch.chdir(cwd)
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def python(code: str, cwd: Path) -> str:
    script = cwd / "snippet.py"
    script.write_text(code, encoding="utf-8")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.chdir(cwd)
        runpy.run_path(str(script), run_name="__main__")
    return out.getvalue()


def prepare(directory: Path) -> Path:
    shutil.copytree(ROOT / "scenarios", directory / "scenarios")
    for block in DESIGNS:
        if block.name:
            path = directory / block.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.body, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def page_run(tmp_path_factory) -> tuple[Path, list[tuple[int, str, str] | None]]:
    """Run the page's steps in order; the result of each `relsim` command (None if skipped)."""
    directory = prepare(tmp_path_factory.mktemp("sweeps_md"))
    results: list[tuple[int, str, str] | None] = []
    for kind, step in STEPS:
        if kind == "python":
            python(step, directory)
        elif written_by_python(step):
            results.append(None)
        else:
            results.append(relsim(shrink(step), directory))
    return directory, results


# -- the page shows what it promises -----------------------------------------------------------


def test_page_shows_every_design_and_command() -> None:
    commands = {c[0] for c in COMMANDS}
    assert {"sweep", "sweep-summary", "sensitivity"} <= commands
    flags = {arg for c in COMMANDS for arg in c}
    assert {"--grid", "--sample", "--design", "--resume", "--force", "--metric"} <= flags
    assert any(re.search(r"^dask worker .*--nthreads 1", b.body, re.M) for b in BLOCKS)
    assert "--dask tcp://HOST:8786" in PAGE
    assert {b.language for b in DESIGNS} == {"yaml", "csv"}


@pytest.mark.parametrize("block", DESIGNS, ids=lambda b: b.name or b.language)
def test_design_examples_load(block: Block, tmp_path: Path) -> None:
    assert block.name, "say which file to save the design as, in `backticks`, before the block"
    path = tmp_path / Path(block.name).name
    path.write_text(block.body, encoding="utf-8")
    design = file_design(path)
    assert len(design) >= 2
    assert not design.isna().any(axis=None), "every point must give every key"


@pytest.mark.parametrize("index", range(len(COMMANDS)), ids=[shlex.join(c) for c in COMMANDS])
def test_documented_command_runs(index: int, page_run) -> None:
    _, results = page_run
    if results[index] is None:
        pytest.skip("runs a design written by the failed-run recipe; see the test below")
    code, _, stderr = results[index]
    assert code == 0, f"relsim {shlex.join(shrink(COMMANDS[index]))}\n{stderr}"


# -- claims the page makes ---------------------------------------------------------------------


def runs_table(directory: Path) -> pd.DataFrame:
    table = pd.read_parquet(directory / "runs.parquet")
    return table.sort_values(["point", "replication"]).reset_index(drop=True)


def test_a_point_is_the_documented_relsim_run(page_run) -> None:
    """The page says point 3 of the first sweep is the same as the `relsim run` it shows."""
    directory, _ = page_run
    run = next(c for c in COMMANDS if c[0] == "run")
    sets = [run[i + 1] for i, arg in enumerate(run) if arg == "--set"]
    values = {k: float(v) for k, v in (s.split("=") for s in sets)}
    code, stdout, stderr = relsim([*shrink(run), "--json"], directory)
    assert code == 0, stderr
    reported = json.loads(stdout)["metrics"]
    table = runs_table(directory / "friction")
    point = table[(table[list(values)] == pd.Series(values)).all(axis=1)]
    assert point["point"].unique().tolist() == [3]
    for name in ("crisis_events_per_citizen_year", "total_cost_per_citizen_year"):
        assert point[name].mean() == pytest.approx(reported[name]["mean"], rel=1e-12)


def test_failed_run_recipe_reruns_exactly_the_failed_runs(page_run, tmp_path: Path) -> None:
    """Mark one point's runs failed, then follow the page: the Python snippet lists them and the
    documented `--resume --retry-failed` gives back the very runs that failed."""
    directory, _ = page_run
    work = prepare(tmp_path / "work")
    shutil.copytree(directory / "friction", work / "friction")
    original = runs_table(work / "friction")
    broken = original.copy()
    failed = broken["point"] == 1
    broken.loc[failed, "status"] = "failed"
    broken.loc[failed, "error"] = "RuntimeError: pretend at model.py:1"
    broken.loc[failed, list(METRIC_NAMES)] = np.nan
    for part in (work / "friction" / "runs.parquet").glob("*.parquet"):
        part.unlink()
    broken.to_parquet(work / "friction" / "runs.parquet" / "part-000000.parquet", index=False)

    listing = next(code for code in PYTHON if 'runs["status"] == "failed"' in code)
    assert "pretend" in python(listing, work)
    retry_command = next(c for c in COMMANDS if "--retry-failed" in c)
    code, _, stderr = relsim(shrink(retry_command), work)
    assert code == 0, stderr
    pd.testing.assert_frame_equal(runs_table(work / "friction"), original)
