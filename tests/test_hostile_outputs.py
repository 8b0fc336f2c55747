"""Hostile output targets: relsim never deletes, overwrites or writes through what it did not
write, checks every target before any work, locks results while it writes them, guards CSV
cells against spreadsheet formulas, and shows scenario names as plain text.

Most checks call `relsim.cli.main` in-process on tiny runs; concurrent writers run `python -m
relsim` in a subprocess.
"""

from __future__ import annotations

import errno
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

import relsim.config
import relsim.moving
import relsim.progress
import relsim.result_files
import relsim.runner
import relsim.sweep.executors
import relsim.targets
from tests.cli_helpers import relsim_main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
# twenty weeks, half warm-up: the steady-state check is made and met, so stderr holds only
# what each test reads
TINY = (
    "--set", "population.citizens=200", "--set", "time.weeks=10",
    "--set", "time.warmup_weeks=10", "--set", "workforce.workers=2", "--workers", "1",
)  # fmt: skip
#: for a frontier or a sweep that varies the workforce itself (a --set of it is refused)
TINY_FRONTIER = tuple(
    a for pair in zip(TINY[::2], TINY[1::2], strict=True)
    if not pair[1].startswith("workforce.") for a in pair
)  # fmt: skip
TINY_FRONTIER_COMMAND = (
    "frontier", "baseline", *TINY_FRONTIER, "--workforce", "2", "--reps", "1", "--ensemble", "0"
)  # fmt: skip
LINUX = Path("/proc/self/stat").exists()


def named(tmp_path: Path, name: str, file: str = "named.yaml") -> Path:
    path = tmp_path / file
    path.write_text(f"extends: {BASELINE}\nname: {json.dumps(name)}\n", encoding="utf-8")
    return path


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if any run starts."""

    def refuse(*args, **kwargs):
        raise AssertionError("a run started before the output targets were checked")

    monkeypatch.setattr(relsim.runner, "run_one", refuse)
    monkeypatch.setattr(relsim.sweep.executors, "run_one", refuse)


def errors(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


# -- 4. `run --out` never deletes what appeared meanwhile -------------------------------------


def test_run_keeps_files_that_appear_in_out_while_it_runs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "results"
    real = relsim.runner.run_one

    def user_writes_meanwhile(*args, **kwargs):
        (out / "notes.txt").write_text("mine\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(relsim.runner, "run_one", user_writes_meanwhile)
    code = relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out)
    lines = errors(capsys)
    assert code == 1
    assert len(lines) == 1 and "appeared" in lines[0], lines
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("results.results-")]
    assert len(aside) == 1 and (aside[0] / "manifest.json").is_file()
    assert str(aside[0].name) in lines[0]


# -- 5. --force removes only what relsim wrote ----------------------------------------------


def test_run_force_refuses_a_directory_relsim_did_not_write(tmp_path, capsys, no_runs):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    assert relsim_main("run", BASELINE, *TINY, "--out", out, "--force") == 2
    assert "--force only replaces" in errors(capsys)[0]
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "years of work\n"


def test_run_force_does_not_follow_a_link(tmp_path, capsys, no_runs):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("keep\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert relsim_main("run", BASELINE, *TINY, "--out", link, "--force") == 2
    assert "symbolic link" in errors(capsys)[0]
    assert link.is_symlink() and (target / "keep.txt").read_text(encoding="utf-8") == "keep\n"


def test_run_force_refuses_an_earlier_result_with_a_file_added(tmp_path, capsys):
    out = tmp_path / "results"
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out) == 0
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out, "--force") == 2
    assert (out / "notes.txt").is_file() and (out / "summary.csv").is_file()


def test_force_names_the_file_relsim_did_not_write_in_a_run_or_comparison(tmp_path, capsys):
    """The refusal says what is not relsim's, rather than that a comparison is not a relsim
    result (and names no --resume, which run and compare do not have)."""
    out = tmp_path / "cmp"
    scenarios = (BASELINE, "liberated")
    assert relsim_main("compare", *scenarios, *TINY, "--reps", "1", "--out", out) == 0
    (out / "baseline" / "notes.txt").write_text("mine\n", encoding="utf-8")
    capsys.readouterr()
    assert relsim_main("compare", *scenarios, *TINY, "--reps", "1", "--out", out, "--force") == 2
    assert errors(capsys) == [
        f"relsim: error: --out {out}: holds an earlier result of `relsim run` or `relsim "
        "compare` and also "
        "baseline/notes.txt, which relsim did not write; --force touches only a directory of "
        "relsim's own (move that out, or choose another directory)"
    ]
    (out / "baseline" / "notes.txt").unlink()
    (out / "stray.txt").write_text("mine\n", encoding="utf-8")
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out, "--force") == 2
    assert "also stray.txt, which relsim did not write" in errors(capsys)[0]
    assert (out / "stray.txt").is_file() and (out / "differences.csv").is_file()


def test_what_a_killed_writer_left_beside_out_goes_with_the_next_result(tmp_path, capsys):
    """A staging directory outlives a SIGKILL; the next command to write the same --out (which
    holds its lock, as any writer of it does while staging) removes it, and nothing else."""
    out = tmp_path / "res"
    left = tmp_path / ".res.partial-ab12cd34"  # as tempfile names them
    left.mkdir()
    (left / "journeys.parquet").write_bytes(b"half")
    others = [tmp_path / ".res2.partial-ab12cd34", tmp_path / ".res.partial-mine"]
    for other in others:
        other.mkdir()
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out) == 0
    assert not left.exists()
    assert all(other.is_dir() for other in others)  # another directory's, or not relsim's
    assert (out / "summary.csv").is_file()
    (tmp_path / ".study.partial-zz99yy88").mkdir()
    experiment = ROOT / "experiments" / "warmup_length.yaml"
    assert relsim_main("experiment", "run", experiment, "--quick", "--out", tmp_path / "study") == 0
    assert not (tmp_path / ".study.partial-zz99yy88").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if ".partial-" in p.name) == sorted(
        other.name for other in others
    )


def test_sweep_force_needs_exactly_an_earlier_sweep(tmp_path, capsys, no_runs):
    grid = ("--grid", "continuity=0.1")
    # A directory whose manifest merely mentions relsim is not a sweep.
    mentions = tmp_path / "mentions"
    mentions.mkdir()
    (mentions / "manifest.json").write_text('{"note": "made with relsim"}\n', encoding="utf-8")
    (mentions / "data.csv").write_text("a,b\n", encoding="utf-8")
    assert relsim_main("sweep", BASELINE, *TINY, *grid, "--out", mentions, "--force") == 2
    assert "not an earlier sweep" in errors(capsys)[0]
    assert sorted(p.name for p in mentions.iterdir()) == ["data.csv", "manifest.json"]


def test_sweep_force_keeps_a_users_file_beside_an_earlier_sweep(tmp_path, capsys):
    out = tmp_path / "sweep"
    grid = ("--grid", "continuity=0.1")
    assert relsim_main("sweep", BASELINE, *TINY, *grid, "--out", out) == 0
    assert relsim_main("sweep-summary", out) == 0  # relsim's own summary is replaceable
    (out / "runs.parquet" / "notes.txt").write_text("mine\n", encoding="utf-8")
    capsys.readouterr()
    assert relsim_main("sweep", BASELINE, *TINY, *grid, "--out", out, "--force") == 2
    # it names what is not relsim's, rather than saying a sweep is not a sweep
    assert errors(capsys) == [
        f"relsim: error: --out {out}: holds an earlier sweep and also runs.parquet/notes.txt, "
        "which relsim did not write; --resume and --force touch only a directory of relsim's "
        "own (move that out, or choose another directory)"
    ]
    assert relsim_main("sweep", BASELINE, *TINY, *grid, "--out", out, "--resume") == 2
    assert "also runs.parquet/notes.txt, which relsim did not write" in errors(capsys)[0]
    assert (out / "runs.parquet" / "notes.txt").is_file()
    (out / "runs.parquet" / "notes.txt").unlink()
    assert relsim_main("sweep", BASELINE, *TINY, *grid, "--out", out, "--force") == 0
    assert not (out / "summary.csv").exists()  # the earlier sweep's summary went with it


def test_experiment_force_refuses_a_directory_relsim_did_not_write(tmp_path, capsys, no_runs):
    out = tmp_path / "exp"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    code = relsim_main("experiment", "run", "friction_sweep", "--quick", "--out", out, "--force")
    assert code == 2
    assert "--force only replaces" in errors(capsys)[0]
    assert (out / "notes.txt").is_file()


# -- 3. one writer at a time ------------------------------------------------------------------


def test_a_second_writer_is_refused_while_a_sweep_runs(tmp_path, cli_popen, capsys):
    out = tmp_path / "busy"
    grid = ("--grid", "referral_friction=0.1,0.5,0.9", "--reps", "2", "--workers", "1")
    slow = ("--set", "population.citizens=1000", "--set", "time.weeks=150")
    proc = cli_popen("sweep", BASELINE, *slow, *grid, "--out", out)
    try:
        deadline = time.monotonic() + 120
        while not (out / "manifest.json").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        capsys.readouterr()
        assert relsim_main("sweep", BASELINE, *slow, *grid, "--out", out, "--resume") == 2
        assert "another relsim process is writing there" in errors(capsys)[0]
        assert relsim_main("run", BASELINE, *TINY, "--out", out, "--force") == 2
        assert "another relsim process" in errors(capsys)[0]
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 6 and not runs.duplicated(["point", "replication"]).any()


def test_a_run_locks_its_out_and_removes_it_when_stopped(tmp_path, cli_popen, capsys):
    out = tmp_path / "a" / "b" / "results"
    # long enough (about half a minute of runs) that SIGTERM always finds it still running; with
    # three replications a quick machine could finish before the signal was sent
    proc = cli_popen("run", BASELINE, "--reps", "40", "--workers", "1", "--out", out)
    try:
        deadline = time.monotonic() + 120
        while not out.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        capsys.readouterr()
        assert relsim_main("run", BASELINE, *TINY, "--out", out) == 2
        assert "another relsim process" in errors(capsys)[0]
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "terminated (SIGTERM)" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the parents it made went too


# -- 11. every output target is checked before any work ----------------------------------------


def test_out_creates_missing_parents(tmp_path):
    out = tmp_path / "a" / "b" / "c"
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out) == 0
    assert (out / "manifest.json").is_file()


BAD_TARGETS = {
    "run --out under /proc": (["run", BASELINE, "--out", "/proc/relsim-results"], "--out"),
    "run --out name too long": (["run", BASELINE, "--out", "x" * 300], "longer than 255"),
    "run --out under a file": (["run", BASELINE, "--out", "{tmp}/file/results"], "not a directory"),
    "compare --report under /proc": (
        ["compare", BASELINE, "liberated", "--report", "/proc/report.html"],
        "--report",
    ),
    "compare --report is a directory": (
        ["compare", BASELINE, "liberated", "--report", "{tmp}"],
        "is a directory",
    ),
    "sweep --out under /proc": (
        ["sweep", BASELINE, "--grid", "continuity=0.1", "--out", "/proc/relsim-sweep"],
        "--out",
    ),
}


@pytest.mark.skipif(not LINUX, reason="uses /proc as a place nothing can be written")
@pytest.mark.parametrize("case", list(BAD_TARGETS), ids=list(BAD_TARGETS))
def test_unusable_targets_are_refused_before_any_run(case, tmp_path, capsys, no_runs):
    args, fragment = BAD_TARGETS[case]
    (tmp_path / "file").write_text("", encoding="utf-8")
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    assert relsim_main(*args, *TINY) == 2
    lines = errors(capsys)
    assert len(lines) == 1 and fragment in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("differences.csv", "differences.csv"),
        ("a\0b", "plain directory name"),
        ("n" * 300, "255"),
        ("line1\nline2", "control character"),
        ("\x1b[31mred", "control character"),
    ],
    ids=["differences.csv", "NUL", "too long", "newline", "escape"],
)
def test_compare_names_that_cannot_be_directories(name, fragment, tmp_path, capsys, no_runs):
    other = named(tmp_path, name)
    assert relsim_main("compare", BASELINE, other, *TINY, "--out", tmp_path / "out") == 2
    assert fragment in errors(capsys)[0]
    assert not (tmp_path / "out").exists()


def test_names_that_differ_only_in_unicode_form_are_one_name(tmp_path, capsys, no_runs):
    """ "café" written with one character and with e and a combining accent look the same and
    are one directory where the file system normalises names: refused as the same name."""
    first, second = named(tmp_path, "caf\u00e9", "a.yaml"), named(tmp_path, "cafe\u0301", "b.yaml")
    assert relsim_main("compare", first, second, *TINY, "--out", tmp_path / "out") == 2
    assert "names must differ" in errors(capsys)[0]


@pytest.mark.skipif(not LINUX, reason="uses /proc as a place nothing can be written")
def test_sweep_summary_checks_its_plot_before_writing_anything(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert relsim_main("sweep", BASELINE, *TINY, "--grid", "continuity=0.1,0.9", "--out", out) == 0
    before = sorted(p.name for p in out.iterdir())
    capsys.readouterr()
    code = relsim_main(
        "sweep-summary", out, "--metric", "mean_burnout", "--param", "continuity",
        "--plot", "/proc/plot.png",
    )  # fmt: skip
    assert code == 2
    assert "--plot" in errors(capsys)[0]
    assert sorted(p.name for p in out.iterdir()) == before  # no summary.csv either


# -- 17. the report's temporary file -----------------------------------------------------------


def test_report_never_writes_through_a_planted_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / ".report.html.partial").symlink_to(victim)  # where the report used to be staged
    (tmp_path / "report.html").symlink_to(victim)
    args = ("compare", BASELINE, "liberated", *TINY, "--reps", "2")
    # a link to a file that is not a report relsim wrote: refused, as the file itself would be
    assert relsim_main(*args, "--report", tmp_path / "report.html") == 2
    assert (tmp_path / "report.html").is_symlink()
    (tmp_path / "report.html").unlink()
    assert relsim_main(*args, "--report", tmp_path / "report.html") == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    report = tmp_path / "report.html"
    assert not report.is_symlink() and "<html" in report.read_text(encoding="utf-8")


def test_a_file_target_with_the_longest_name_allowed_is_written(tmp_path):
    """A report named with the longest name a file may have (255 bytes) passes the check made
    before the runs, and is written after them: its temporary name, longer still, failed
    ("File name too long") once every run was done."""
    report = tmp_path / f"{'z' * 250}.html"
    args = ("compare", BASELINE, "liberated", *TINY, "--reps", "2", "--report", report)
    assert relsim_main(*args) == 0
    assert "<html" in report.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [report.name]


# -- 18. spreadsheet formulas ------------------------------------------------------------------


def test_csv_cells_cannot_be_spreadsheet_formulas(tmp_path):
    formula = "=1+2+cmd|' -c calc'!A0"
    other = named(tmp_path, formula)
    out = tmp_path / "compare"
    assert relsim_main("compare", BASELINE, other, *TINY, "--reps", "2", "--out", out) == 0
    differences = pd.read_csv(out / "differences.csv")
    assert set(differences["comparison"]) == {f"'{formula} - baseline"}

    # A sweep of names alone is refused (every point would be the same), so the plan is run
    # directly: the summary's text cells are what is checked.
    from relsim.config.loading import load_raw
    from relsim.sweep.design import grid_design
    from relsim.sweep.run import SweepPlan, run_sweep

    sweep = tmp_path / "sweep"
    base = load_raw(BASELINE, list(TINY[1:-2:2]))  # the --set values
    design = grid_design(["name=+cmd,=1+1,-x,plain"])
    run_sweep(SweepPlan(str(BASELINE), base, design, "grid", {"grid": []}, 1, 1), sweep)
    assert relsim_main("sweep-summary", sweep) == 0
    names = pd.read_csv(sweep / "summary.csv")["name"].tolist()
    assert sorted(names) == ["'+cmd", "'-x", "'=1+1", "plain"]


# -- 8. names are text, not terminal markup -----------------------------------------------------


def test_scenario_names_are_shown_as_plain_text(tmp_path, capsys):
    name = "[/bold] [link=http://example.invalid]x\x1b[31mred\x1b]8;;http://e\x07"
    scenario = named(tmp_path, name)
    out = tmp_path / "out"
    capsys.readouterr()
    assert relsim_main("run", scenario, *TINY, "--reps", "1", "--out", out) == 0
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "\x07" not in shown
    assert "[/bold] [link=http://example.invalid]x\\x1b[31mred" in shown
    assert relsim_main("validate", scenario) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_names_in_the_progress_lines_are_plain_text(tmp_path):
    scenario = named(tmp_path, "evil\x1b[2J\nname")
    env = {**os.environ, "RELSIM_PROGRESS_SECONDS": "0.3"}
    result = subprocess.run(
        [sys.executable, "-m", "relsim", "run", scenario, "--reps", "3", "--workers", "1",
         "--set", "population.citizens=1000", "--set", "time.weeks=60"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if "runs done" in line]
    assert progress, result.stderr
    assert all(line.startswith("relsim: evil\\x1b[2J\\nname: ") for line in progress)
    assert "\x1b" not in result.stderr


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("inf", math.inf), ("1e300", math.inf), ("nan", 30.0), ("-5", 30.0), ("soon", 30.0),
     ("0.5", 0.5)],
)  # fmt: skip
def test_a_progress_interval_too_long_to_wait_means_no_progress_lines(
    text, seconds, monkeypatch
) -> None:
    monkeypatch.setenv("RELSIM_PROGRESS_SECONDS", text)
    assert relsim.progress.interval() == seconds


def test_an_infinite_progress_interval_runs_quietly(tmp_path):
    env = {**os.environ, "RELSIM_PROGRESS_SECONDS": "inf"}
    result = subprocess.run(
        [sys.executable, "-m", "relsim", "run", "baseline", *TINY, "--reps", "1",
         "--out", tmp_path / "out"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "runs done" not in result.stderr


# -- file targets that are not plain new files ------------------------------------------------


def test_a_pipe_as_a_file_target_is_refused_and_kept(tmp_path, capsys, no_runs):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code = relsim_main("compare", "baseline", "liberated", *TINY, "--report", pipe)
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1 and "is not a regular file" in lines[0], lines
    assert pipe.exists() and not pipe.is_file()


def test_a_file_target_may_not_overwrite_part_of_a_result(tmp_path, capsys):
    """A sweep's manifest, given as --csv, would leave the sweep unreadable; the file is kept."""
    sweep = tmp_path / "s"
    args = ("sweep", "baseline", *TINY_FRONTIER, "--reps", "1", "--grid", "workforce.workers=1,2")
    assert relsim_main(*args, "--out", sweep) == 0
    before = (sweep / "manifest.json").read_bytes()
    capsys.readouterr()
    code = relsim_main("sweep-summary", sweep, "--csv", sweep / "manifest.json")
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1 and "is a file of the relsim result" in lines[0], lines
    assert (sweep / "manifest.json").read_bytes() == before
    assert relsim_main("sweep-summary", sweep) == 0  # the default outputs beside it still work


@pytest.mark.parametrize(
    ("targets", "says"),
    [
        (("--out", "c", "--report", "c/differences.html"), "is inside --out"),
        (("--out", "same.html", "--report", "same.html"), "is --out itself"),
        (("--report", "same.xlsx", "--xlsx", "same.xlsx"), "give the file a .html or .htm name"),
        (("--report", "r.html", "--xlsx", "r.html"), "give the file a .xlsx name"),
    ],
)
def test_a_report_may_not_land_in_the_result_or_on_the_workbook(
    targets, says, tmp_path, capsys, no_runs, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code = relsim_main("compare", "baseline", "liberated", *TINY, *targets)
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1 and says in lines[0], lines
    assert list(tmp_path.iterdir()) == []


def test_a_report_or_workbook_replaces_only_what_relsim_wrote(tmp_path, capsys, monkeypatch):
    """A user's file of the right name is kept, not replaced; relsim's own report and workbook
    are replaced by the next comparison; neither goes beside another result's files."""
    monkeypatch.chdir(tmp_path)
    args = ("compare", "baseline", "liberated", *TINY, "--reps", "2")
    Path("mine.html").write_text("<p>my notes</p>\n", encoding="utf-8")
    Path("mine.xlsx").write_bytes(b"PK not really a workbook")
    for option, target in (("--report", "mine.html"), ("--xlsx", "mine.xlsx")):
        before = Path(target).read_bytes()
        capsys.readouterr()
        code = relsim_main(*args, option, target)
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1 and "relsim wrote" in lines[0], lines
        assert Path(target).read_bytes() == before
    for _ in range(2):  # the second replaces the first
        assert relsim_main(*args, "--report", "r.html", "--xlsx", "w.xlsx") == 0
    assert relsim_main(*args, "--out", "result") == 0
    capsys.readouterr()
    code = relsim_main(*args, "--report", "result/r.html")
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1 and "beside the files of another relsim" in lines[0]
    assert not Path("result/r.html").exists()


def test_bundled_names_are_explicit_and_a_directory_does_not_hide_them(
    tmp_path, capsys, monkeypatch
):
    """`bundled:NAME` names the bundled scenario on the command line and in `extends:`; a
    directory called `baseline` (say an earlier --out) does not stand in for the scenario."""
    monkeypatch.chdir(tmp_path)
    Path("baseline").mkdir()
    Path("liberated.yaml").write_text("extends: bundled:hybrid\nname: mine\n", encoding="utf-8")
    Path("child.yaml").write_text("extends: bundled:liberated\nname: c\n", encoding="utf-8")
    Path("orphan.yaml").write_text("extends: baseline\nname: o\n", encoding="utf-8")
    assert relsim_main("validate", "baseline", "bundled:liberated", "child.yaml") == 0
    assert relsim_main("validate", "orphan.yaml") == 0  # extends: too skips the directory
    out = capsys.readouterr().out
    assert "ok: baseline (baseline, assess_do_refer)" in out
    assert "ok: bundled:liberated (liberated, liberated)" in out
    assert "ok: child.yaml (c, liberated)" in out
    Path("bad.yaml").write_text("extends: bundled:nope\nname: b\n", encoding="utf-8")
    assert relsim_main("validate", "bad.yaml", "bundled:nope") == 2
    lines = errors(capsys)
    assert len(lines) == 2 and all("no bundled scenario of that name" in x for x in lines)
    assert lines[0].startswith("relsim: error: bad.yaml: line 1: extends:"), lines
    # and in an experiment's scenarios: (refused as no such file, and hidden by the directory)
    from relsim.experiment_files import scenario_path

    study = tmp_path / "study.yaml"
    bundled_baseline = scenario_path(study, "bundled:baseline")
    assert bundled_baseline.name == "baseline.yaml" and bundled_baseline.parent != tmp_path
    assert scenario_path(study, "baseline") == bundled_baseline
    assert scenario_path(study, "liberated.yaml") == (tmp_path / "liberated.yaml").resolve()
    assert not scenario_path(study, "bundled:nope").exists()


def test_a_file_target_may_not_overwrite_an_experiment_or_its_runs(tmp_path, capsys):
    """An experiment's manifest and its listed files, and the runs of the sweeps inside it, are
    part of the result; a summary written beside a series' sweep is not."""
    out = tmp_path / "e"
    run = ("experiment", "run", "friction_sweep", "--quick", "--workers", "1", "--out", out)
    assert relsim_main(*run) == 0
    part = out / "baseline" / "runs.parquet" / "part-000000.parquet"
    for target, says in (
        (out / "manifest.json", "is a file of the relsim result"),
        (out / "summary.csv", "is a file of the relsim result"),
        (part, "is inside the relsim result"),
    ):
        before = target.read_bytes()
        capsys.readouterr()
        code = relsim_main("sweep-summary", out / "baseline", "--csv", target)
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1 and says in lines[0], lines
        assert target.read_bytes() == before
    assert relsim_main("sweep-summary", out / "baseline") == 0


def test_a_report_may_not_reach_the_result_or_the_workbook_through_a_link(
    tmp_path, capsys, no_runs, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("c").mkdir()
    Path("link").symlink_to("c")
    for targets, says in (
        (("--out", "c", "--report", "link/report.html"), "is inside --out"),
        (("--report", "c/same.html", "--xlsx", "link/same.html"), "give the file a .xlsx"),
    ):
        code = relsim_main("compare", "baseline", "liberated", *TINY, *targets)
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1 and says in lines[0], lines
        assert list(Path("c").iterdir()) == []


def test_scale_never_leaves_a_broken_file_nor_writes_over_a_users(tmp_path, capsys, monkeypatch):
    """Given a bundled name, the scaled scenario names the bundled file explicitly, so it can be
    written beside (or over) a copy of it without extending itself; a file relsim did not write
    as a scaled scenario is never replaced, one it did is; a name in the first line's comment
    cannot become YAML; nothing is left behind by a refusal."""
    monkeypatch.chdir(tmp_path)
    assert relsim_main("init", "proj") == 0
    copy = Path("proj/scenarios/baseline.yaml")
    before = copy.read_bytes()
    capsys.readouterr()
    code = relsim_main("scale", "baseline", "--citizens", "100", "--out", copy)
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1 and "is not a scenario relsim wrote" in lines[0], lines
    assert copy.read_bytes() == before
    Path("hybrid.yaml").write_text("extends: liberated.yaml\nname: mine\n", encoding="utf-8")
    for citizens in ("100", "200"):  # the second replaces the first, which relsim wrote
        assert relsim_main("scale", "hybrid", "--citizens", citizens, "--out", "h.yaml") == 0
    scaled = relsim.config.load_scenario(Path("h.yaml"))
    assert scaled.care_model == "hybrid" and scaled.population.citizens == 200
    assert "extends: bundled:hybrid" in Path("h.yaml").read_text(encoding="utf-8")
    for target, says in (
        ("thesis.docx", "give the file a .yaml or .yml name"),
        ("hybrid.yaml", "is not a scenario relsim wrote"),
        ("new/dir/x.txt", "give the file a .yaml"),
    ):
        existing = Path(target).read_bytes() if Path(target).exists() else None
        capsys.readouterr()
        code = relsim_main("scale", "hybrid", "--citizens", "100", "--out", target)
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1 and says in lines[0], lines
        assert (Path(target).read_bytes() if Path(target).exists() else None) == existing
    assert not Path("new").exists()
    evil = named(tmp_path, "district\ncare_model: none\n#", "evil.yaml")
    assert relsim_main("scale", evil, "--citizens", "100", "--out", "evil-100.yaml") == 0
    assert relsim.config.load_scenario(Path("evil-100.yaml")).care_model == "assess_do_refer"


def test_scale_will_not_write_over_the_scenario_it_extends(tmp_path, capsys):
    """The scaled scenario extends its original: written over it (or over a file it extends)
    it would extend itself, and the original would be lost."""
    assert relsim_main("init", tmp_path / "i") == 0
    scenarios = tmp_path / "i" / "scenarios"
    for target in ("hybrid.yaml", "baseline.yaml"):  # hybrid.yaml extends baseline.yaml
        before = (scenarios / target).read_bytes()
        capsys.readouterr()
        code = relsim_main(
            "scale", scenarios / "hybrid.yaml", "--citizens", "500", "--out", scenarios / target
        )
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1 and "write it to a new file" in lines[0], lines
        assert (scenarios / target).read_bytes() == before


def test_force_over_a_result_it_cannot_remove_is_one_line(tmp_path, capsys, monkeypatch):
    """--force removes the earlier result's files; one that cannot be removed (permissions,
    an immutable flag) is said in one line, exit 2, not as a PermissionError."""
    sweep = tmp_path / "s"
    args = ("sweep", "baseline", *TINY_FRONTIER, "--reps", "1", "--grid", "workforce.workers=1,2")
    assert relsim_main(*args, "--out", sweep) == 0
    capsys.readouterr()

    def refuse(self, *a, **k):
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    code = relsim_main(*args, "--out", sweep, "--force")
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1, lines
    assert "--force: cannot remove" in lines[0] and "Operation not permitted" in lines[0], lines


# -- results directories are not made inside an earlier result ------------------------------


MORRIS_RANGES = ("--range", "workforce.workers=1:4", "--range", "continuity=0.1:0.9", "--n", "2")


@pytest.fixture(scope="module")
def earlier_result(tmp_path_factory) -> Path:
    """A finished `relsim run` result."""
    result = tmp_path_factory.mktemp("earlier") / "R"
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", result) == 0
    return result


def copy_result(result: Path, to: Path) -> Path:
    """A copy of a run result (its files are all regular files), itself a result."""
    to.mkdir()
    for file in result.iterdir():
        (to / file.name).write_bytes(file.read_bytes())
    return to


def test_out_inside_an_earlier_result_is_refused_and_force_still_replaces_it(
    earlier_result, tmp_path, capsys
):
    """A directory made in an earlier result would leave it no longer exactly a result, so
    --force could not replace it; a link to the result does not get past the check."""
    result = copy_result(earlier_result, tmp_path / "R")
    (tmp_path / "link").symlink_to(result)
    capsys.readouterr()
    for out in (result / "sub", result / "a" / "b", tmp_path / "link" / "sub"):
        code = relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out)
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1, lines
        assert "is inside the relsim result in" in lines[0], lines
    assert sorted(p.name for p in result.iterdir()) == sorted(
        p.name for p in earlier_result.iterdir()
    )
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", result, "--force") == 0


@pytest.mark.parametrize(
    "command",
    [
        ("compare", "baseline", "liberated", *TINY),
        ("sweep", "baseline", *TINY_FRONTIER, "--grid", "workforce.workers=1,2"),
        ("sensitivity", "baseline", *TINY_FRONTIER, "--method", "morris", *MORRIS_RANGES),
        ("experiment", "run", "friction_sweep", "--quick", "--workers", "1"),
        ("frontier", "baseline", *TINY_FRONTIER, "--workforce", "2", "--reps", "1"),
        ("budget", "hybrid", *TINY, "--limit", "1m", "--reps", "2"),
        ("rerun", "SOURCE"),
    ],
    ids=lambda command: command[0],
)
def test_every_results_directory_is_refused_inside_an_earlier_result(
    command, earlier_result, tmp_path, capsys, no_runs
):
    source = copy_result(earlier_result, tmp_path / "source")
    command = tuple(source / "manifest.json" if part == "SOURCE" else part for part in command)
    out = earlier_result / "inner" / "out"
    capsys.readouterr()
    code = relsim_main(*command, "--out", out)
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1 and "is inside the relsim result" in lines[0], lines
    assert not (earlier_result / "inner").exists()


def test_a_sweep_that_cannot_write_its_out_is_one_line(tmp_path, capsys, monkeypatch):
    """After --force removed the earlier sweep, a directory that cannot be written (permissions,
    a read-only file system) is said in one line, exit 2, and nothing is left behind."""
    sweep = tmp_path / "s"
    args = ("sweep", "baseline", *TINY_FRONTIER, "--reps", "1", "--grid", "workforce.workers=1,2")
    assert relsim_main(*args, "--out", sweep) == 0
    capsys.readouterr()
    real_mkdir = Path.mkdir

    def read_only(self, *a, **k):
        if self.name == "runs.parquet":
            raise OSError(30, "Read-only file system", str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", read_only)
    code = relsim_main(*args, "--out", sweep, "--force")
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"relsim: error: --out {sweep}: cannot be written"), lines
    assert "Read-only file system" in lines[0], lines
    assert list(sweep.iterdir()) == []


def test_a_sweep_resumed_where_nothing_can_be_written_is_one_line(tmp_path, capsys, monkeypatch):
    """--resume first tidies what an interruption left; a directory where that cannot be done
    (permissions, a read-only file system) is said in one line, exit 2."""
    sweep = tmp_path / "s"
    args = ("sweep", "baseline", *TINY_FRONTIER, "--reps", "1", "--grid", "workforce.workers=1,2")
    assert relsim_main(*args, "--out", sweep) == 0
    capsys.readouterr()

    def read_only(self, *a, **k):
        raise OSError(30, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    code = relsim_main(*args, "--out", sweep, "--resume")
    lines = errors(capsys)
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"relsim: error: --resume {sweep}: cannot be written"), lines
    assert "Read-only file system" in lines[0], lines


def _mounted_out(monkeypatch, out: Path, elsewhere: Path) -> None:
    """Make `out` behave as a mounted file system under a read-only parent: nothing can be
    created beside it, and a rename into it from another directory crosses file systems."""
    real_mkdtemp, real_replace, real_rename = tempfile.mkdtemp, os.replace, os.rename
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))

    def read_only_parent(*args, **kwargs):
        if kwargs.get("dir") is not None and Path(kwargs["dir"]) == out.resolve().parent:
            raise OSError(errno.EROFS, "Read-only file system", str(kwargs["dir"]))
        return real_mkdtemp(*args, **kwargs)

    def crossing(real):
        def move(source, target, *args, **kwargs):
            source, target = Path(source).resolve(), Path(target).resolve()
            if target == out.resolve() or (
                target.is_relative_to(out.resolve()) and not source.is_relative_to(out.resolve())
            ):
                raise OSError(errno.EXDEV, "Invalid cross-device link", str(source))
            return real(source, target, *args, **kwargs)

        return move

    monkeypatch.setattr(tempfile, "mkdtemp", read_only_parent)
    monkeypatch.setattr(os, "replace", crossing(real_replace))
    monkeypatch.setattr(os, "rename", crossing(real_rename))


@pytest.mark.parametrize(
    "command",
    [
        ("run", BASELINE, *TINY, "--reps", "1"),
        ("compare", "baseline", "liberated", *TINY, "--reps", "1"),
        TINY_FRONTIER_COMMAND,
    ],
    ids=lambda command: command[0],
)
def test_results_reach_a_mounted_out_under_a_read_only_parent(
    command, tmp_path, capsys, monkeypatch
):
    """A results directory that is a mount point (a volume, another disk) under a read-only
    parent is written as any other: staged elsewhere and copied in, manifest last. Before, a
    study was refused (no staging beside it) or, across file systems, ended in OSError, exit 1,
    and a run said that other files had appeared in it."""
    out, elsewhere = tmp_path / "volume", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    _mounted_out(monkeypatch, out, elsewhere)
    code = relsim_main(*command, "--out", out)
    lines = errors(capsys)
    assert code == 0, lines
    assert (out / "manifest.json").is_file()
    assert not any(name.startswith(".") for name in os.listdir(out))
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "volume"]


@pytest.mark.parametrize(
    "command",
    [
        ("run", BASELINE, *TINY, "--reps", "1"),
        TINY_FRONTIER_COMMAND,
    ],
    ids=lambda command: command[0],
)
def test_results_directory_with_the_longest_name_is_written(command, tmp_path, capsys):
    """A results directory may have any name a directory can have: the staging directory
    beside it shortens the name it starts with. Before, a name of more than about 235 bytes
    was refused ('File name too long') although the directory itself could be made."""
    out = tmp_path / ("é" * 127)
    code = relsim_main(*command, "--out", out)
    lines = errors(capsys)
    assert code == 0, lines
    assert (out / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def _stopped_copy(
    monkeypatch, out: Path, elsewhere: Path, killed: bool = True, command: tuple = ("run", BASELINE)
) -> list[str]:
    """A run into a mounted `out` stopped (Ctrl-C) after its first file was copied in, or, if
    `killed`, left as a killed process leaves it (nothing cleaned up); the names then in it."""
    _mounted_out(monkeypatch, out, elsewhere)
    real_move = relsim.moving.move_into
    moved = []

    def stop_after_one(source: Path, target: Path) -> None:
        if moved:
            raise KeyboardInterrupt
        real_move(source, target)
        moved.append(target.name)

    monkeypatch.setattr(relsim.moving, "move_into", stop_after_one)
    if killed:
        monkeypatch.setattr(relsim.moving, "_undo_copy", lambda directory: None)
    assert relsim_main(*command, *TINY, "--reps", "1", "--out", out) != 0
    monkeypatch.undo()
    assert moved, "nothing was copied before the stop"
    return sorted(os.listdir(out))


@pytest.mark.parametrize(
    "command", [("run", BASELINE), ("compare", "baseline", "liberated")], ids=lambda c: c[0]
)
def test_a_copy_into_a_mounted_out_stopped_by_ctrl_c_leaves_nothing(
    command, tmp_path, capsys, monkeypatch
):
    """Ctrl-C while results are copied into a mounted results directory: it says no results
    were written, and none are there (the files, or a scenario's directory, copied so far
    stayed before)."""
    out, elsewhere = tmp_path / "volume", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    assert _stopped_copy(monkeypatch, out, elsewhere, killed=False, command=command) == []
    assert "no results written" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", [("run", BASELINE), ("compare", "baseline", "liberated")], ids=lambda c: c[0]
)
def test_force_replaces_what_a_stopped_copy_into_a_mounted_out_left(
    command, tmp_path, capsys, monkeypatch
):
    """Results copied into a mounted results directory arrive file by file, the manifest last;
    a copy stopped midway (the process killed) left files no manifest lists and a temporary
    file, which --force refused as 'not an earlier relsim result', so only deleting them by
    hand let the directory be used again. The list of what is being copied, written first and
    removed last, makes them relsim's own."""
    out, elsewhere = tmp_path / "volume", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    left = _stopped_copy(monkeypatch, out, elsewhere, command=command)
    assert ".relsim-copying.json" in left and "manifest.json" not in left, left
    copied = out / next(name for name in left if not name.startswith("."))
    if copied.is_dir():  # a scenario's results, copied as a tree: killed partway through it
        sorted(copied.iterdir())[0].unlink()
    else:  # killed while the next file was being copied
        (out / f".{copied.name}.k1Lled_x.tmp").write_text("half", encoding="utf-8")
    capsys.readouterr()
    assert relsim_main(*command, *TINY, "--reps", "1", "--out", out) == 2
    assert "directory is not empty (use --force to replace it)" in errors(capsys)[0]
    assert relsim_main(*command, *TINY, "--reps", "1", "--out", out, "--force") == 0
    assert (out / "manifest.json").is_file()
    assert not any(name.startswith(".") for name in os.listdir(out))


def test_force_keeps_a_users_file_beside_what_a_stopped_copy_left(tmp_path, capsys, monkeypatch):
    """The list names what relsim was copying, and nothing else is taken: a file of the user's
    among them makes --force refuse, and everything stays."""
    out, elsewhere = tmp_path / "volume", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    _stopped_copy(monkeypatch, out, elsewhere)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / ".notes.txt.abcdefgh.tmp").write_text("mine too", encoding="utf-8")
    before = sorted(os.listdir(out))
    capsys.readouterr()
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out, "--force") == 2
    assert "not an earlier result of `relsim run` or `relsim compare`" in errors(capsys)[0]
    assert sorted(os.listdir(out)) == before


def test_force_on_another_kind_of_result_names_what_it_would_replace(tmp_path, capsys):
    """run --force on a sweep's directory said it was 'not an earlier relsim result (it holds
    the result of `relsim sweep`)': a sweep is a relsim result; what --force replaces is a
    run's or a comparison's."""
    out = tmp_path / "sweep"
    out.mkdir()
    manifest = {"kind": "relsim sweep", "relsim_version": "0.1.0"}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    capsys.readouterr()
    assert relsim_main("run", BASELINE, *TINY, "--reps", "1", "--out", out, "--force") == 2
    assert errors(capsys) == [
        f"relsim: error: --out {out}: not an earlier result of `relsim run` or `relsim compare` "
        "(it holds the result of `relsim sweep`); --force only replaces an earlier result of "
        "`relsim run` or `relsim compare`, so it will not delete anything there"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


def test_a_copy_killed_while_writing_its_list_leaves_only_what_force_may_take(tmp_path):
    """Killed while the list itself was written: only the list's temporary file is there, and
    it is relsim's own; beside a file of the user's it is not taken."""
    out = tmp_path / "volume"
    out.mkdir()
    temporary = out / f".{relsim.result_files.COPYING}.x7Yz_012.tmp"  # as `atomic_path` names it
    temporary.write_text("{", encoding="utf-8")
    assert relsim.targets.ResultTarget.identify(out) == [temporary]
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    assert relsim.targets.ResultTarget.identify(out) is None


def test_a_stop_after_the_results_says_what_is_complete(tmp_path, capsys, monkeypatch):
    """Ctrl-C while the report or the workbook is written, after --out is in place: the line
    names what is complete instead of 'no results written', the exit status is 130, and the
    workbook's own error on the way out (openpyxl's 'At least one sheet must be visible') does
    not hide the interrupt."""
    import relsim.report.html
    import relsim.report.workbook

    monkeypatch.chdir(tmp_path)
    args = ("compare", "baseline", "liberated", *TINY, "--reps", "2")

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(relsim.report.html, "document", interrupt)
    code = relsim_main(*args, "--out", "c", "--report", "r.html", "--xlsx", "w.xlsx")
    lines = errors(capsys)
    assert code == 130 and lines == ["relsim: interrupted; --out c complete; nothing else written"]
    assert (tmp_path / "c" / "manifest.json").is_file() and sorted(os.listdir()) == ["c"]
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    calls = []

    def second_sheet_interrupts(frame):
        calls.append(frame)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return frame

    monkeypatch.setattr(relsim.report.workbook, "guard_formulas", second_sheet_interrupts)
    code = relsim_main(*args, "--report", "r.html", "--xlsx", "w.xlsx")
    lines = errors(capsys)
    assert code == 130 and lines == [
        "relsim: interrupted; --report r.html complete; nothing else written"
    ]
    assert sorted(os.listdir()) == ["c", "r.html"]


def test_an_out_directory_that_cannot_be_written_in_is_refused_first(
    tmp_path, capsys, no_runs, monkeypatch
):
    """An existing, empty --out where nothing can be created (read-only; as root, permissions
    do not stop it, so the file system's refusal is simulated) is one line before any run."""
    import tempfile

    out = tmp_path / "ro"
    out.mkdir()
    real = tempfile.mkdtemp

    def read_only(*args, **kwargs):
        if Path(kwargs.get("dir", "")) == out:
            raise OSError(errno.EROFS, "Read-only file system")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    for command in (("run", "baseline"), ("compare", "baseline", "liberated")):
        code = relsim_main(*command, *TINY, "--out", out)
        lines = errors(capsys)
        assert code == 2 and len(lines) == 1, lines
        assert "cannot write in" in lines[0] and "Read-only file system" in lines[0], lines
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not LINUX, reason="needs /proc")
@pytest.mark.parametrize(
    "command",
    [
        ("run", "baseline", *TINY, "--out", "/proc/nope/results"),
        ("compare", "baseline", "liberated", *TINY, "--report", "/proc/nope/r.html"),
    ],
)
def test_a_target_where_nothing_can_be_made_names_the_reason(command, capsys, no_runs):
    """/proc takes no new files; the system calls that "no such file or directory", which read
    as if /proc were missing."""
    capsys.readouterr()
    assert relsim_main(*command) == 2
    lines = errors(capsys)
    assert len(lines) == 1 and "/proc does not allow new files or directories" in lines[0], lines
    assert "No such file" not in lines[0]


def test_a_run_from_a_removed_directory_writes_an_absolute_out_and_names_a_relative_one(
    tmp_path,
):
    """Started in a directory since removed, `run --out /absolute/path` failed with "No such
    file or directory; no results written", naming nothing: the check that --out does not hold
    the current directory asked for a directory that no longer exists."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def from_removed(out: str) -> subprocess.CompletedProcess[str]:
        gone = tmp_path / "gone"
        gone.mkdir(exist_ok=True)
        script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
        command = [sys.executable, "-m", "relsim", "run", str(BASELINE), *TINY, "--out", out]
        return subprocess.run(
            ["bash", "-c", script, "bash", str(gone), *command],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    absolute = tmp_path / "absolute"
    done = from_removed(str(absolute))
    assert done.returncode == 0, done.stderr
    assert (absolute / "manifest.json").is_file()
    relative = from_removed("relative")
    assert relative.returncode == 2
    assert relative.stderr.strip() == (
        "relsim: error: --out relative: is relative, but the current directory no longer exists "
        "(it was removed); give an absolute path, or change to a directory that exists"
    )
