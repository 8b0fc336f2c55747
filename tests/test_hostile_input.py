"""Hostile input: whatever a file or option holds, relsim exits 2 with one short line per problem,
in bounded time and memory, writes nothing, and echoes nothing that is not YAML it parsed.

Each case runs `python -m relsim` in a fresh interpreter, as a user would, from a scratch
directory, and measures the child's peak memory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from relsim.config.loading import load_scenario
from relsim.config.params import FALLBACK_BOUND, UNIT_BOUNDS, field_meta
from relsim.config.schema import Scenario
from tests.cli_helpers import relsim_main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
TINY = ("--set", "population.citizens=30", "--set", "time.weeks=2", "--set", "time.warmup_weeks=0")
PEAK_MB = 700  # relsim's own imports take about 200 MB
SECONDS = 60

_LEVELS = [
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
]
BOMB = "".join(f"{level}\n" for level in _LEVELS)  # `h` stands for 9**8 = 43 million values
FLOW_BOMB = "{" + ", ".join(_LEVELS) + "}"


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def relsim(*args: str, cwd: Path) -> Outcome:
    """`python -m relsim ARGS` in `cwd`, with its exit status, output, peak memory and time."""
    env = {k: v for k, v in os.environ.items() if k not in ("RELSIM_DEBUG", "FORCE_COLOR")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "relsim", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        deadline = started + SECONDS
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Outcome(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
            seconds,
        )


def assert_bad_input(outcome: Outcome, *fragments: str, lines: int = 1) -> None:
    assert outcome.returncode == 2, outcome.stderr
    assert outcome.seconds < SECONDS
    assert outcome.peak_mb < PEAK_MB, f"peak memory {outcome.peak_mb:.0f} MB"
    assert "Traceback" not in outcome.stderr
    assert outcome.stdout == ""
    assert len(outcome.lines) == lines, outcome.stderr
    for line in outcome.lines:
        assert line.startswith("relsim: error: ") and len(line) < 1000, line
    for fragment in fragments:
        assert fragment in outcome.stderr, f"{fragment!r} missing from: {outcome.stderr}"


def write(where: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        (where / name).write_text(content, encoding="utf-8")


# (files, arguments, fragments of the error, number of lines)
CASES: dict[str, tuple[dict[str, str], list[str], list[str], int]] = {
    # 1. an alias bomb: a few hundred bytes standing for 43 million values
    "alias bomb in a file": ({"bomb.yaml": BOMB + "name: *h\n"}, ["bomb.yaml"], ["aliases"], 1),
    "alias bomb in --set": (
        {},
        [BASELINE, "--set", "name=" + FLOW_BOMB],
        ["--set name", "aliases"],
        1,
    ),
    "recursive alias": ({"loop.yaml": "name: &a [*a]\n"}, ["loop.yaml"], ["contains it"], 1),
    "long value is echoed short": (
        {"long.yaml": "name: x\nseed: " + "x" * 500_000 + "\n"},
        ["long.yaml"],
        ["long.yaml: line 2: seed", "..."],
        1,
    ),
    # 2. no infinity or NaN anywhere, and every number bounded
    "nan inside a mapping": (
        {"nan.yaml": "crises:\n  ae:\n    drivers:\n      housing: .nan\n"},
        ["nan.yaml"],
        ["nan.yaml: line 4: crises.ae.drivers.housing", "finite"],
        1,
    ),
    "infinity": (
        {"inf.yaml": "population:\n  arrivals_per_week: .inf\n"},
        ["inf.yaml"],
        ["population.arrivals_per_week", "finite"],
        1,
    ),
    "infinity as text in --set": (
        {},
        [BASELINE, "--set", "workforce.hourly_cost_gbp=inf"],
        ["--set workforce.hourly_cost_gbp", "finite"],
        1,
    ),
    "a number past its unit's bound": (
        {"big.yaml": "crises:\n  police:\n    unit_cost_gbp: 1e300\n"},
        ["big.yaml"],
        ["crises.police.unit_cost_gbp", "less than or equal to 1000000"],
        1,
    ),
    "a negative weight": (
        {"neg.yaml": "needs:\n  coupling:\n    housing: {money: -5}\n"},
        ["neg.yaml"],
        ["needs.coupling", "between 0 and 100"],
        1,
    ),
    # 10. deep nesting and long extends chains
    "deep nesting": (
        {"deep.yaml": "name: " + "[" * 5000 + "]" * 5000 + "\n"},
        ["deep.yaml"],
        ["deep.yaml: line 1", "nested more than"],
        1,
    ),
    "deep nesting in --set": (
        {},
        [BASELINE, "--set", "name=" + "[" * 5000 + "]" * 5000],
        ["--set name", "nested more than"],
        1,
    ),
    "very long dotted key": (
        {},
        [BASELINE, "--set", ".".join(["a"] * 5000) + "=1"],
        ["KEY=VALUE"],
        1,
    ),
    "an extends chain of a thousand files": (
        {
            **{f"c{i}.yaml": f"extends: c{i + 1}.yaml\n" for i in range(1000)},
            "c1000.yaml": "name: end\n",
        },
        ["c0.yaml"],
        ["extends", "more than 32 files"],
        1,
    ),
    # 12. duplicate keys, every one reported
    "duplicate keys": (
        {"dup.yaml": "name: a\nworkforce:\n  workers: 3\n  workers: 4\nname: b\n"},
        ["dup.yaml"],
        [
            "dup.yaml: line 4: duplicate key 'workers' (first given on line 3)",
            "dup.yaml: line 5: duplicate key 'name' (first given on line 1)",
        ],
        2,
    ),
    "two spellings YAML reads as one key": (
        {"spell.yaml": "name: a\nneeds:\n  1: 2\n  true: 3\n"},
        ["spell.yaml"],
        ["spell.yaml: line 4: duplicate key: YAML reads 'true' as the same key as '1' on line 3"],
        1,
    ),
    "a second document": (
        {"two.yaml": "name: a\n---\nname: b\n"},
        ["two.yaml"],
        ["two.yaml: line 2: a second YAML document (after ---); the file must be one document"],
        1,
    ),
    "a list as a key": (
        {"key.yaml": "name: a\n[1, 2]: 3\n"},
        ["key.yaml"],
        ["key.yaml: line 2: a key must be a name, not a list or a mapping"],
        1,
    ),
    # 13. a file that is not YAML is not echoed; the file at fault is named
    "extends a secret file": (
        {
            "secret": "root:$6$saltsalt$hashhash:19000:0:99999:7:::\n",
            "child.yaml": "name: x\nextends: secret\n",
        },
        ["child.yaml"],
        ["child.yaml: line 2: extends: secret: not a scenario file"],
        1,
    ),
    "an error in a parent is blamed on the parent": (
        {
            "parent.yaml": "name: p\nworkforce:\n  caseload_cap: 0\n",
            "child.yaml": "extends: parent.yaml\nname: c\n",
        },
        ["child.yaml"],
        ["parent.yaml: line 3: workforce.caseload_cap"],
        1,
    ),
    "an undefined alias is not echoed": (
        {"alias.yaml": "*hunter2secret\n"},
        ["alias.yaml"],
        ["alias.yaml: line 1: malformed YAML"],
        1,
    ),
    # 14. only regular files of bounded size
    "a device": ({}, ["/dev/zero"], ["/dev/zero: not a regular file"], 1),
    "a device named by extends": (
        {"zero.yaml": "extends: /dev/zero\n"},
        ["zero.yaml"],
        ["zero.yaml: line 1: extends: /dev/zero: not a regular file"],
        1,
    ),
    "a file over the size limit": (
        {"huge.yaml": "name: x\n" + "# padding\n" * 120_000},
        ["huge.yaml"],
        ["huge.yaml: larger than"],
        1,
    ),
    # 19. every problem of a file, one line each
    "several problems": (
        {"many.yaml": "continuity: 2\nworkforce:\n  caseload_cap: 0\n  casload: 3\n"},
        ["many.yaml"],
        ["many.yaml: line 1: continuity", "line 3: workforce.caseload_cap", "line 4: workforce"],
        3,
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_scenario_input(case: str, tmp_path: Path) -> None:
    files, args, fragments, lines = CASES[case]
    write(tmp_path, files)
    before = sorted(p.name for p in tmp_path.iterdir())
    outcome = relsim(
        "run", *args, *TINY, "--reps", "1", "--workers", "1", "--out", "OUT", cwd=tmp_path
    )
    assert_bad_input(outcome, *fragments, lines=lines)
    assert "saltsalt" not in outcome.stderr and "hunter2" not in outcome.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "child.yaml").write_text("extends: pipe.yaml\n", encoding="utf-8")
    assert_bad_input(relsim("validate", "pipe.yaml", cwd=tmp_path), "not a regular file")
    assert_bad_input(
        relsim("validate", "child.yaml", cwd=tmp_path), "child.yaml: line 1: extends: pipe.yaml"
    )


def test_validate_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.yaml": "continuity: -1\nreferral_friction: 7\n",
            "b.yaml": "name: x\nname: y\n",
            "good.yaml": "name: good\n",
        },
    )
    outcome = relsim("validate", "a.yaml", "good.yaml", "b.yaml", cwd=tmp_path)
    assert outcome.returncode == 2
    errors = [line for line in outcome.lines if line.startswith("relsim: error: ")]
    assert len(errors) == 3, outcome.stderr
    assert "a.yaml: line 1: continuity" in errors[0]
    assert "a.yaml: line 2: referral_friction" in errors[1]
    assert "b.yaml: line 2: duplicate key 'name'" in errors[2]
    # the good file is still read in full: its knobs, the defaults, lie outside the calibrated
    [warning] = [line for line in outcome.lines if line.startswith("relsim: warning: ")]
    assert warning.startswith("relsim: warning: good: continuity 0.5 and referral_friction 0.5")
    assert outcome.stdout == "ok: good.yaml (good, assess_do_refer)\n"


# -- sweeps: designs and --grid values ---------------------------------------------------------

DESIGN_CASES: dict[str, tuple[dict[str, str], list[str], list[str]]] = {
    # 9. a YAML error in a --grid value is one line, exit 2, as in --set
    "yaml error in --grid": ({}, ["--grid", "name=[unclosed"], ["--grid name", "malformed YAML"]),
    "alias bomb in a design file": (
        {"d.yaml": BOMB + "points:\n  - {name: *h}\n"},
        ["--design", "d.yaml"],
        ["aliases"],
    ),
    # 15. designs beyond the limit are refused before they are built
    "a grid range of a trillion points": (
        {},
        ["--grid", "workforce.caseload_cap=1:1000000000000:1"],
        ["--grid workforce.caseload_cap", "at most 100,000"],
    ),
    "a trillion-point product of grids": (
        {},
        ["--grid", f"continuity=0:1:{1e-6}", "--grid", f"referral_friction=0:1:{1e-6}"],
        ["at most 100,000"],
    ),
    "too many runs": (
        {},
        ["--grid", "continuity=0:1:0.0001", "--reps", "10000"],
        ["at most 10,000,000"],
    ),
    "a non-finite grid range": ({}, ["--grid", "continuity=0:inf:1"], ["not a finite number"]),
    # a stray comma would add a point at the scenario's own value; NaN is no value to run at
    "an empty grid value": ({}, ["--grid", "continuity=0.2,"], ["an empty value in '0.2,'"]),
    "an empty grid value between two": (
        {},
        ["--grid", "continuity=0.2,,0.3"],
        ["--grid continuity: an empty value"],
    ),
    "a nan grid value": ({}, ["--grid", "continuity=.nan"], ["'.nan' is not a finite number"]),
    "a grid step so small its count has 300 digits": (
        {},
        ["--grid", "continuity=0:1:1e-300"],
        ["--grid continuity: about 1.0e+300 points"],
    ),
    "a grid step so small its count overflows": (
        {},
        ["--grid", "continuity=0:1:5e-324"],
        ["--grid continuity: STEP '5e-324' is too small"],
    ),
    # the same point twice would be run twice and counted as two points of the design
    "a grid value given twice": (
        {},
        ["--grid", "workforce.caseload_cap=10,12,10.0"],
        ["--grid workforce.caseload_cap: 10.0 is given twice"],
    ),
    # 16. a ragged CSV is refused with its line number
    "csv row with a cell missing": (
        {"d.csv": "continuity,referral_friction\n0.1,0.2\n0.3\n0.5,0.6\n"},
        ["--design", "d.csv"],
        ["d.csv: line 3: 1 cell, expected 2"],
    ),
    "csv row with a cell too many": (
        {"d.csv": "continuity,referral_friction\n0.1,0.2,0.9\n0.5,0.6,0.9\n"},
        ["--design", "d.csv"],
        ["d.csv: line 2: 3 cells, expected 2"],
    ),
    "csv duplicate column": (
        {"d.csv": "continuity,continuity\n0.1,0.2\n"},
        ["--design", "d.csv"],
        ["line 1: column 'continuity' appears twice"],
    ),
    "csv column without a name": (
        {"d.csv": "continuity,\n0.1,0.2\n"},
        ["--design", "d.csv"],
        ["line 1: column 2 has no name"],
    ),
    # Python reads 1_0 as 10, and the text passed the check for quoted numbers, whose advice
    # ("write it without quotes") was wrong for a cell with none
    "csv number written with an underscore": (
        {"d.csv": "workforce.caseload_cap\n1_0\n"},
        ["--design", "d.csv"],
        ["expected a number, got text ('1_0'); write it as a plain number, without '_'"],
    ),
    # pandas reads True as a yes/no; continuity takes no text either
    "csv yes/no for a number": (
        {"d.csv": "continuity\nTrue\n"},
        ["--design", "d.csv"],
        ["continuity: expected a number, not true/false"],
    ),
    "csv nan cell": (
        {"d.csv": "continuity\n0.1\nnan\n"},
        ["--design", "d.csv"],
        ["d.csv: line 3: continuity", "not a finite number"],
    ),
    "yaml design nan": (
        {"d.yaml": "- {continuity: .nan}\n"},
        ["--design", "d.yaml"],
        ["point 0: continuity", "not a finite number"],
    ),
    # a key the schema lacks is named with the file it is in
    "csv unknown column": (
        {"d.csv": "bogus.key\n1\n"},
        ["--design", "d.csv"],
        ["--design d.csv: bogus.key: unknown key (no 'bogus' in the top level)"],
    ),
}


MEMORY_CASES = {
    "alias bomb in a design file",
    "a grid range of a trillion points",
    "a trillion-point product of grids",
    "too many runs",
}


@pytest.mark.parametrize("case", list(DESIGN_CASES), ids=list(DESIGN_CASES))
def test_hostile_design_input(case: str, tmp_path: Path, monkeypatch, capsys) -> None:
    """In a fresh interpreter where memory is at stake (aliases, huge designs); in this process,
    which is faster, for the rest."""
    files, args, fragments = DESIGN_CASES[case]
    write(tmp_path, files)
    arguments = ("sweep", BASELINE, *TINY, *args, "--workers", "1", "--out", "OUT")
    if case in MEMORY_CASES:
        outcome = relsim(*arguments, cwd=tmp_path)
    else:
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        started = time.monotonic()
        code = relsim_main(*arguments)
        captured = capsys.readouterr()
        outcome = Outcome(code, captured.out, captured.err, 0.0, time.monotonic() - started)
    assert_bad_input(outcome, *fragments)
    assert not (tmp_path / "OUT").exists()


def test_oversized_sensitivity_design_is_refused(tmp_path: Path) -> None:
    outcome = relsim(
        "sensitivity", BASELINE, "--method", "morris", "--range", "continuity=0:1",
        "--range", "referral_friction=0:1", "--n", "1000000", "--out", "OUT", cwd=tmp_path,
    )  # fmt: skip
    assert_bad_input(outcome, "3,000,000 points")


# -- the schema: every number finite and bounded ------------------------------------------------


def _leaves(model: type[BaseModel] = Scenario, prefix: str = ""):
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaves(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", model, name, info


def test_every_number_in_the_schema_has_a_finite_upper_bound() -> None:
    unbounded = []
    for key, model, name, info in _leaves():
        meta = field_meta(model, name)
        if isinstance(info.default, dict):
            _low, high = meta["value_range"]
            if abs(high) == float("inf"):
                unbounded.append(key)
            continue
        if info.annotation in (int, float, float | None, int | None):
            highs = [getattr(m, "le", None) or getattr(m, "lt", None) for m in info.metadata]
            if not any(h is not None and abs(h) < float("inf") for h in highs):
                unbounded.append(key)
    assert not unbounded


def test_no_number_falls_back_to_the_catch_all_bound() -> None:
    """A parameter declared without `le` takes its unit's bound from UNIT_BOUNDS: a new unit
    must be added there with a sensible range rather than fall back unnoticed."""
    fallback = []
    for key, model, name, info in _leaves():
        meta = field_meta(model, name)
        highs = [getattr(m, "le", None) for m in info.metadata]
        if FALLBACK_BOUND in highs or FALLBACK_BOUND in meta.get("value_range", ()):
            fallback.append(f"{key} ({meta.get('unit')})")
    assert not fallback
    assert all(low < high for low, high in UNIT_BOUNDS.values())


def test_a_spend_that_cannot_be_matched_is_refused_under_the_option_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--equal-service-spend's refusals name --equal-service-spend, not --equal-spend."""
    nobody = tmp_path / "nobody.yaml"
    nobody.write_text(f"extends: {BASELINE}\nname: nobody\ncare_model: none\n", encoding="utf-8")
    for option in ("--equal-spend", "--equal-service-spend"):
        code = relsim_main("compare", nobody, "liberated", option, *TINY, "--reps", "2")
        lines = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(lines) == 1, lines
        assert lines[0].startswith(f"relsim: error: {option}: nobody: "), lines


def test_a_budget_too_small_for_a_post_says_how_small(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under £100 the limit keeps its pence: "£0.50", not "£0", which reads as no limit."""
    code = relsim_main("budget", "hybrid", "--limit", "0.5", "--out", tmp_path / "b", *TINY)
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1, lines
    assert "--limit £0.50 a year does not pay for one post" in lines[0], lines


def test_an_experiment_given_as_a_scenario_is_named_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    experiment = ROOT / "experiments" / "friction_sweep.yaml"
    for command in (("run", experiment), ("compare", "baseline", experiment)):
        code = relsim_main(*command, *TINY)
        lines = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(lines) == 1, lines
        assert "not a scenario file (it looks like an experiment" in lines[0], lines


def test_a_date_where_text_belongs_is_shown_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """YAML reads `2024-01-01` as a date; the message shows it as the file has it."""
    dated = tmp_path / "dated.yaml"
    dated.write_text("name: 2024-01-01\n", encoding="utf-8")
    assert relsim_main("validate", dated) == 2
    err = capsys.readouterr().err
    assert "(got 2024-01-01)" in err and "datetime" not in err, err


SHARED = "name: shared\nworkforce: &staffing\n  workers: 4\n  caseload_cap: 20\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (  # a key merged where it does not belong: the merge is at fault, not the key
            SHARED + "population:\n  <<: *staffing\n  citizens: 500\n",
            [
                "line 6 (merged from line 3): population.workers: unknown key",
                "line 6 (merged from line 4): population.caseload_cap: unknown key",
            ],
        ),
        (  # likewise a mapping given by an alias
            SHARED + "population: *staffing\n",
            [
                "line 5 (aliased from line 3): population.workers: unknown key",
                "line 5 (aliased from line 4): population.caseload_cap: unknown key",
            ],
        ),
        (  # a bad value merged is named where it is merged and where it is written; a value
            # given again beside the merge is the one read, at its own line
            "name: shared\ncrises:\n  ae: &common\n    steepness: 4.0\n"
            "    extra_need_multiplier: -0.2\n  police:\n    <<: *common\n    steepness: -1\n",
            [
                "line 5: crises.ae.extra_need_multiplier: Input should be greater",
                "line 7 (merged from line 5): crises.police.extra_need_multiplier: Input should",
                "line 8: crises.police.steepness: Input should be greater",
            ],
        ),
        (  # a mapping merged on the line it is written on: that line, with no note
            SHARED + "population: {<<: {citizenz: 500}}\n",
            ["line 5: population.citizenz: unknown key"],
        ),
        (  # a merge into a merge: the line is the merge's in the mapping read
            "name: shared\n.base: &base\n  workforce:\n    workers: -3\n.top: &top\n"
            "  <<: *base\n<<: *top\n",
            [
                "line 2: <key>: unknown key",
                "line 5: <key>: unknown key",
                "line 7 (merged from line 4): workforce.workers: Input should be greater",
            ],
        ),
    ],
)
def test_a_problem_merged_with_a_merge_key_is_at_the_merge(
    content: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key that `<<:` merges into a mapping (or an alias brings) is at the line of the `<<:`
    (or the alias) in the mapping read, with the line it is written on; the anchor's line
    alone did not say which mapping was read, nor why a key valid there was unknown."""
    merged = tmp_path / "merged.yaml"
    merged.write_text(content, encoding="utf-8")
    assert relsim_main("validate", merged) == 2
    lines = capsys.readouterr().err.splitlines()
    said = [line.removeprefix(f"relsim: error: {merged}: ") for line in lines]
    assert len(said) == len(expected), lines
    for start in expected:
        assert any(line.startswith(start) for line in said), (start, lines)


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!binary aGVsbG8=", "!!binary"),  # read as the text "hello"
        ("!<tag:yaml.org,2002:binary> aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!omap [{a: 1}]", "!!omap"),
        ("!!pairs [{a: 1}]", "!!pairs"),
        ("!!timestamp 2024-01-01", "!!timestamp"),
    ],
)
def test_a_yaml_tag_the_formats_do_not_use_is_refused_at_its_line(
    value: str, tag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text(f"name: tagged\ndescription: {value}\n", encoding="utf-8")
    assert relsim_main("validate", tagged) == 2
    assert _one_error_line(2, capsys.readouterr().err) == (
        f"{tagged}: line 2: the YAML tag {tag} is not allowed; "
        "expected plain mappings, lists, numbers and strings"
    )
    assert relsim_main("validate", BASELINE, "--set", f"description={value}") == 2
    assert _one_error_line(2, capsys.readouterr().err) == (
        f"--set description: line 1: the YAML tag {tag} is not allowed; "
        "expected plain mappings, lists, numbers and strings"
    )


def test_the_tags_of_plain_values_are_read(tmp_path: Path) -> None:
    """`!!str`, `!!int`, `!!float` and the rest of the plain values' tags are read as ever."""
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text(
        "name: !!str 2024\ndescription: ! plain\nseed: !!int '7'\ncontinuity: !!float 1\n"
        "workforce: !!map {workers: !!int 3}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(tagged)
    assert (scenario.name, scenario.description, scenario.seed) == ("2024", "plain", 7)
    assert scenario.continuity == 1.0 and scenario.workforce.workers == 3


# -- option text: hosts, addresses, design options, click's own messages ------------------------


def _one_error_line(code: int, err: str) -> str:
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith("relsim: error: "), lines[0]
    return lines[0].removeprefix("relsim: error: ")


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("999.999.1.1", "is not an IP address (four numbers from 0 to 255"),
        ("", "is empty"),
        ("two words", "is not a host name or IP address"),
        ("[::1]", "is not an IPv6 address (write it without brackets)"),
        # a port or a scheme given with the host was called "not an IPv6 address"
        ("localhost:8080", "give the host alone, without the port (--port 8080)"),
        ("http://localhost", "is a web address; give the host alone"),
        ("fe80::zz", "is not an IPv6 address"),
    ],
)
def test_a_viz_host_that_cannot_be_one_is_refused_before_listening(
    host: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = relsim_main("viz", "--host", host, "--port", "0")
    line = _one_error_line(code, capsys.readouterr().err)
    assert line.startswith(f"--host '{host}': {problem}"), line


def test_a_viz_address_that_cannot_be_listened_on_is_bad_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A host name that does not resolve, or a port another program holds, is the user's to
    change, as a wrong path is: one line and exit status 2 (it was 1, as if relsim had
    failed)."""
    import socket

    capsys.readouterr()
    code = relsim_main("viz", "--host", "no-such-host.invalid", "--port", "0")
    line = _one_error_line(code, capsys.readouterr().err)
    assert line.startswith("--host no-such-host.invalid: cannot resolve"), line
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        code = relsim_main("viz", "--host", "127.0.0.1", "--port", str(port))
    line = _one_error_line(code, capsys.readouterr().err)
    assert line.startswith(f"cannot listen on 127.0.0.1:{port}"), line


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("tcp://256.1.1.1:8786", "256.1.1.1 is not an IP address"),
        ("tcp://[zz::1]:8786", "zz::1 is not an IPv6 address"),
        ("tcp://bad host:8786", "bad host is not a host name or IP address"),
        ("tcp://10.0.0.5:70000", "expected a scheduler address such as tcp://HOST:8786"),
        ("", "expected a scheduler address such as tcp://HOST:8786"),
    ],
)
def test_a_dask_address_that_cannot_be_one_is_refused_before_connecting(
    address: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from the text alone, at once, rather than after a 30 s connection timeout."""
    pytest.importorskip("distributed")
    out = tmp_path / "OUT"
    grid = ("--grid", "continuity=0.1", "--reps", "1", "--workers", "1")
    capsys.readouterr()
    started = time.monotonic()
    code = relsim_main("sweep", BASELINE, *TINY, *grid, "--dask", address, "--out", out)
    line = _one_error_line(code, capsys.readouterr().err)
    assert line.startswith(f"--dask '{address}': {problem}"), line
    assert time.monotonic() - started < 10
    assert not out.exists()


@pytest.mark.parametrize(
    "design",
    [["--grid", "continuity=0.1,0.2"], ["--design", "points.csv"]],
    ids=["grid", "design file"],
)
def test_sweep_refuses_n_without_sample(
    design: list[str], tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--n sizes a --sample; with a grid or a design file it would be ignored in silence."""
    write(tmp_path, {"points.csv": "continuity\n0.1\n"})
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    code = relsim_main("sweep", BASELINE, *TINY, *design, "--n", "5", "--out", "OUT")
    line = _one_error_line(code, capsys.readouterr().err)
    assert line == f"--n goes with --sample ({design[0]} sets its own points)"
    assert not (tmp_path / "OUT").exists()


@pytest.mark.parametrize(
    ("design", "option"),
    [
        (
            ["--sample", "lhs", "--range", "continuity=0:1", "--range", "continuity=0:0.5"],
            "--range",
        ),
        (["--grid", "continuity=0.1", "--grid", "continuity=0.2"], "--grid"),
    ],
    ids=["range", "grid"],
)
def test_sweep_names_the_key_given_twice(
    design: list[str], option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = relsim_main("sweep", BASELINE, *TINY, *design, "--out", tmp_path / "OUT")
    line = _one_error_line(code, capsys.readouterr().err)
    assert line == f"{option}: a key is given twice (continuity)"


def test_a_click_message_over_several_lines_is_one_line(
    monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """click lists a required choice's values one per line; relsim says it in one."""
    import click

    from relsim.cli import cli

    @click.command()
    @click.option("--colour", type=click.Choice(["red", "blue"]), required=True)
    def paint(colour: str) -> None:
        """A command with a required choice."""

    monkeypatch.setitem(cli.commands, "paint", paint)
    capsys.readouterr()
    line = _one_error_line(relsim_main("paint"), capsys.readouterr().err)
    assert line == "Missing option '--colour'. Choose from: red, blue", line


def test_a_metric_the_same_everywhere_is_a_note_not_salib_warnings(tmp_path: Path) -> None:
    """A degenerate Sobol' design: relsim says what it means, with no SALib file paths."""
    pytest.importorskip("SALib")
    outcome = relsim(
        "sensitivity", BASELINE, "--method", "sobol", "--n", "4", "--reps", "1",
        "--range", "continuity=0:1", "--range", "referral_friction=0:1",
        "--metric", "crisis_events_per_citizen_year", *TINY, "--workers", "1",
        "--out", "OUT", cwd=tmp_path,
    )  # fmt: skip
    assert outcome.returncode == 0, outcome.stderr
    assert "Warning" not in outcome.stderr and "site-packages" not in outcome.stderr
    assert (
        "relsim: note: crisis_events_per_citizen_year: the same at every design point, so no "
        "key moves it within these ranges; its indices are 0"
    ) in outcome.lines, outcome.stderr


def test_identical_values_over_part_of_a_design_are_a_note() -> None:
    """Sobol' rows come in blocks (A, AB per key, B); A and B alike throughout leaves SALib
    nothing to resample, which it warns of."""
    pytest.importorskip("SALib")
    import pandas as pd

    from relsim.sweep.design import Range
    from relsim.sweep.sensitivity import analyse

    ranges = [Range("continuity", 0, 1, False), Range("referral_friction", 0, 1, False)]
    values = [0.0, 1.0, 0.0, 0.0] * 4
    runs = pd.DataFrame(
        {"point": range(16), "status": "ok", "crisis_events_per_citizen_year": values}
    )
    notes: list[str] = []
    analyse("sobol", ranges, 4, 1, runs, ["crisis_events_per_citizen_year"], notes)
    assert notes == [
        "crisis_events_per_citizen_year: identical values over part of the design, so its "
        "intervals are unreliable; a larger --n or wider ranges give more to go on"
    ]


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "s"
    grid = ("--grid", "continuity=0.1", "--reps", "1", "--workers", "1")
    assert relsim_main("sweep", BASELINE, *TINY, *grid, "--out", out) == 0
    return out


def _rerun_refused(
    finished_sweep: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict], object],
) -> tuple[Path, str]:
    """A copy of the finished sweep with `change` made to its manifest, rerun: the manifest
    and the one error line, once it is checked that nothing was left at --out."""
    source = shutil.copytree(finished_sweep, tmp_path / "s")
    manifest = source / "manifest.json"
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data))
    out = tmp_path / "again"
    capsys.readouterr()
    code = relsim_main("rerun", manifest, "--out", out, "--allow-mismatch")
    line = _one_error_line(code, capsys.readouterr().err)
    assert not out.exists()
    return manifest, line


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("seed", 1e300, "seed: 1e+300 is out of range (0 to 9,223,372,036,854,775,807)"),
        ("seed", -1, "seed: -1 is out of range (0 to 9,223,372,036,854,775,807)"),
        ("reps", 0, "reps: 0 is out of range (1 to 10,000,000)"),
        ("reps", -3, "reps: -3 is out of range (1 to 10,000,000)"),
    ],
)
def test_a_sweep_manifest_whose_reps_or_seed_no_command_accepts_is_refused(
    key: str,
    value: float,
    problem: str,
    finished_sweep: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, a seed too large ended in OverflowError and reps of 0 or fewer in KeyError
    (exit 1), and a negative seed ran a sweep no command could have made."""
    manifest, line = _rerun_refused(
        finished_sweep, tmp_path, capsys, lambda d: d.update({key: value})
    )
    assert line == f"{manifest}: {problem}", line


@pytest.mark.parametrize(
    ("points", "problem"),
    [
        ([], "not a complete sweep manifest (its design has no points)"),
        (
            [{"bogus.key": 1}],
            "not a complete sweep manifest (design point 0 gives ['bogus.key'], not the "
            "design's keys ['continuity'])",
        ),
        ("x", "not a complete sweep manifest (its design has no points)"),
    ],
)
def test_a_sweep_manifest_whose_design_no_sweep_makes_is_refused(
    points: object,
    problem: str,
    finished_sweep: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no points, a rerun ended in KeyError (exit 1) and left a manifest saying
    `complete` over no runs; a point with other keys ran the base scenario in its place."""
    manifest, line = _rerun_refused(
        finished_sweep, tmp_path, capsys, lambda d: d["design"].update(points=points)
    )
    assert line == f"{manifest}: {problem}", line


def test_a_sweep_manifest_with_a_key_the_schema_lacks_is_refused(
    finished_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def unknown_key(data: dict) -> None:
        data["design"].update(keys=["bogus.key"], points=[{"bogus.key": 0.1}])

    manifest, line = _rerun_refused(finished_sweep, tmp_path, capsys, unknown_key)
    assert line == f"{manifest}: design: bogus.key: unknown key (no 'bogus' in the top level)"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("budget", "hybrid", "--limit", "3m", "--out", "OUT", "--minimise"), "--minimise"),
        (("sensitivity", "baseline", "--method", "morris", "--range", "continuity=0:1",
          "--range", "demand_complexity=0:1", "--out", "OUT", "--metric"), "--metric"),
    ],
)  # fmt: skip
def test_a_metric_misnamed_is_told_the_nearest_names_in_one_whole_line(
    args: tuple[str, ...], option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The list of all fifty-odd metrics was cut off a third of the way through, in the
    middle of a name; the line now ends whole, with the nearest names."""
    given = [str(tmp_path / a) if a == "OUT" else a for a in args]
    capsys.readouterr()
    code = relsim_main(*given, "total_cost_per_citizen")
    line = _one_error_line(code, capsys.readouterr().err)
    assert line == (
        f"Invalid value for '{option}': total_cost_per_citizen is not a metric; did you mean "
        "total_cost_per_citizen_year or staff_cost_per_citizen_year? (every metric: "
        "docs/outputs.md)"
    )


def test_a_metric_named_without_its_unit_is_told_the_whole_name() -> None:
    """'total_cost' is too short beside 'total_cost_per_citizen_year' for the nearest-name
    match, and was told nothing; a metric's name it begins is suggested."""
    from relsim.metrics import not_a_metric

    assert not_a_metric("total_cost") == (
        "total_cost is not a metric; did you mean total_cost_per_citizen_year? (every metric: "
        "docs/outputs.md)"
    )
    assert not_a_metric("cost").endswith("cost is not a metric (every metric: docs/outputs.md)")


@pytest.mark.parametrize("group", [(), ("experiment",)])
def test_a_command_group_alone_prints_its_whole_help(
    group: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """`relsim` alone gave its help squeezed into one error line, cut off after `init`."""
    from relsim.cli import cli

    capsys.readouterr()
    assert relsim_main(*group) == 0
    out = capsys.readouterr().out
    command = cli.commands[group[0]] if group else cli
    assert isinstance(command, click.Group)
    assert out.startswith("Usage: relsim")
    for name in command.commands:
        assert f"\n  {name} " in out, name


def test_a_tampered_manifest_is_said_in_words_not_the_librarys_report(
    finished_sweep: Path, tmp_path: Path
) -> None:
    """A manifest that cannot be read said pydantic's report (over several lines, ending in a
    web address) or a KeyError's bare key."""
    import yaml

    from relsim.config import ScenarioError
    from relsim.experiments import planned_again
    from relsim.sweep.run import plan_from_manifest

    sweep = json.loads((finished_sweep / "manifest.json").read_text())
    del sweep["scenario_file"]
    with pytest.raises(ScenarioError) as refused:
        plan_from_manifest(sweep, "m.json")
    assert refused.value.problems == [
        "m.json: not a complete sweep manifest (no field 'scenario_file')"
    ]
    study = yaml.safe_load((ROOT / "experiments" / "warmup_length.yaml").read_text())
    data = {"experiment": {**study, "reps": 0}, "series": [], "quick": True, "interval": {}}
    with pytest.raises(ScenarioError) as refused:
        planned_again({**data, "reps": 2}, tmp_path)
    (problem,) = refused.value.problems
    assert problem == (
        f"{tmp_path / 'manifest.json'}: not a complete experiment manifest (reps: Input should "
        "be greater than or equal to 1)"
    )


@pytest.mark.parametrize(("option", "value"), [("--seed", "1.5"), ("--reps", "x")])
def test_a_whole_number_option_given_something_else_says_so(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Click's word for these options' type was 'integer range': "'1.5' is not a valid
    integer range"."""
    capsys.readouterr()
    line = _one_error_line(relsim_main("run", "baseline", option, value), capsys.readouterr().err)
    assert line == f"Invalid value for '{option}': '{value}' is not a valid whole number."
