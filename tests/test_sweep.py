"""Batch sweeps: `relsim sweep`, `relsim sweep-summary` and `relsim sensitivity`.

Designs (grid, Latin hypercube, Sobol', CSV and YAML files), the incremental results store and
its resume after Ctrl-C, a SIGKILL or a killed pool worker, failed runs, common random numbers
across design points, and the serial, process-pool and Dask executors agreeing exactly.

Most checks call `relsim.cli.main` in-process on tiny runs; interruptions run `python -m relsim`
in a subprocess so that a real signal reaches a real sweep.
"""

from __future__ import annotations

import functools
import io
import json
import math
import os
import shutil
import signal
import subprocess
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import relsim.sweep.executors
import relsim.sweep.store
from relsim.cli import main
from relsim.config import ScenarioError, load_scenario
from relsim.metrics import METRIC_NAMES
from relsim.runner import run_one
from relsim.sweep.design import parse_grid, sample_design
from relsim.sweep.sensitivity import HEADLINE_METRICS
from relsim.sweep.store import SweepStore
from relsim.warmup import RUN_CHECK

KEY_COLUMNS = ["point", "replication", "seed", "status", "error"]
GRID3 = ("--grid", "referral_friction=0.1,0.5,0.9")
FRICTIONS = [0.1, 0.5, 0.9]
SEED = 11

# Runs of about a second each (1,500 citizens for 400 weeks, 2026-12-04), so six of them outlast
# the store's two-second flush interval by several seconds and a sweep can be interrupted after
# its first part is written and before it finishes. When runs get faster, lengthen them.
LONG_SETS = (
    "--set",
    "population.citizens=1500",
    "--set",
    "time.weeks=400",
    "--set",
    "time.warmup_weeks=4",
    "--set",
    "workforce.workers=6",
)

# ------------------------------------------------------------------------------------ helpers


def relsim_main(*args: object) -> int:
    """`relsim ARGS` in-process; the exit status (0 when main returns normally)."""
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return 0 if exc.code is None else exc.code
    return 0


def runs_table(out: Path) -> pd.DataFrame:
    """The results table as a user reads it, in (point, replication) order."""
    frame = pd.read_parquet(out / "runs.parquet")
    return frame.sort_values(["point", "replication"]).reset_index(drop=True)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def parts(out: Path) -> list[Path]:
    return sorted((out / "runs.parquet").glob("part-*.parquet"))


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def assert_same_runs(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert not actual.duplicated(["point", "replication"]).any(), "a run is recorded twice"
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)


@pytest.fixture(scope="module")
def baseline(cli_scenarios: Path) -> Path:
    return cli_scenarios / "baseline.yaml"


@pytest.fixture
def small(baseline, cli_small_sets) -> Callable[..., int]:
    """`small(out, *args)`: an in-process `relsim sweep` of the tiny baseline, serial; its exit
    status."""

    def sweep(out: Path, *args: object) -> int:
        # serial, unless on a Dask cluster, which has workers of its own (--workers is refused)
        serial = () if "--dask" in args else ("--workers", "1")
        return relsim_main(
            "sweep", baseline, *cli_small_sets, "--seed", SEED, *serial, "--out", out, *args
        )

    return sweep


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory, baseline, cli_small_sets) -> Path:
    """A finished 3-point x 2-replication grid, serial."""
    out = tmp_path_factory.mktemp("grid") / "sweep"
    args = ("--reps", "2", "--seed", SEED, "--workers", "1", "--out", out)
    assert relsim_main("sweep", baseline, *GRID3, *cli_small_sets, *args) == 0
    return out


# ------------------------------------------------------------------------------ the results


def test_grid_writes_one_row_per_run_with_the_contract_columns(
    grid_sweep, cli_contract_metrics, cli_small_sets
):
    table = runs_table(grid_sweep)
    assert len(table) == 6
    assert list(zip(table["point"], table["replication"], strict=True)) == [
        (p, r) for p in range(3) for r in range(2)
    ]
    assert list(table.columns) == [*KEY_COLUMNS, "referral_friction", *METRIC_NAMES, *RUN_CHECK]
    assert set(cli_contract_metrics) <= set(table.columns)
    assert (table["status"] == "ok").all() and (table["error"] == "").all()
    assert table["referral_friction"].tolist() == [f for f in FRICTIONS for _ in range(2)]
    assert np.isfinite(table["crisis_events_per_citizen_year"]).all()
    # The store is a directory of Parquet parts, not a single file.
    assert (grid_sweep / "runs.parquet").is_dir() and parts(grid_sweep)

    stored = manifest(grid_sweep)
    assert stored["status"] == "complete" and stored["runs_total"] == 6
    assert stored["runs_failed"] == 0
    assert stored["reps"] == 2 and stored["seed"] == SEED
    assert stored["design"]["kind"] == "grid"
    assert stored["design"]["keys"] == ["referral_friction"]
    assert stored["design"]["points"] == [{"referral_friction": f} for f in FRICTIONS]
    sets = dict(s.split("=") for s in cli_small_sets[1::2])
    assert stored["base_scenario"]["population"]["citizens"] == int(sets["population.citizens"])
    assert stored["base_scenario"]["name"] == "baseline"
    assert {"relsim", "python", "mesa", "numpy"} <= set(stored["versions"])
    assert len(stored["point_scenario_hashes"]) == 3
    assert len(set(stored["point_scenario_hashes"])) == 3


def test_each_row_is_the_run_of_its_point_and_replication(grid_sweep, baseline, cli_small_sets):
    """The row for (point, replication r) holds exactly what `relsim run` would compute for that
    point's values with replication r of the root seed."""
    table = runs_table(grid_sweep)
    sets = list(cli_small_sets[1::2])
    for point, replication in [(0, 1), (2, 0)]:
        scenario = load_scenario(baseline, [*sets, f"referral_friction={FRICTIONS[point]}"])
        expected = run_one(scenario, SEED, replication).metrics
        row = table[(table["point"] == point) & (table["replication"] == replication)].iloc[0]
        for name in METRIC_NAMES:
            assert row[name] == pytest.approx(expected[name], rel=0, abs=0, nan_ok=True), name
    # ... and the swept key really matters, so a mix-up of points would be caught.
    first = table[table["replication"] == 0]["crisis_cost_per_citizen_year"]
    assert first.nunique() == 3


def test_common_random_numbers_across_points(baseline, cli_small_sets, tmp_path):
    """Replication r uses the same seed at every point: points that differ only in keys the model
    ignores give identical results replication by replication, and replications differ. (The
    command refuses such a design, which can only repeat itself: the plan is run directly.)"""
    from relsim.config.loading import load_raw
    from relsim.sweep.design import grid_design
    from relsim.sweep.run import SweepPlan, run_sweep

    out = tmp_path / "crn"
    base = load_raw(Path(baseline), [s for s in cli_small_sets if s != "--set"])
    inert = grid_design(["description=a,b,c,d"])  # read by no rule of the model
    plan = SweepPlan(str(baseline), base, inert, "grid", {"grid": []}, 3, int(SEED))
    run_sweep(plan, out, workers=1)
    table = runs_table(out)
    assert len(table) == 12 and (table["status"] == "ok").all()
    assert (table["seed"] == SEED).all()
    assert sorted(set(table["description"])) == ["a", "b", "c", "d"]
    metrics = list(METRIC_NAMES)
    for replication, group in table.groupby("replication"):
        assert group["point"].nunique() == 4
        same = group[metrics].drop_duplicates()
        assert len(same) == 1, f"replication {replication} differs between identical points"
    by_rep = table.groupby("replication")["crisis_events_per_citizen_year"].first()
    assert by_rep.nunique() == 3, "replications should use different random streams"


def test_the_root_seed_is_used(small, tmp_path):
    assert small(tmp_path / "a", "--grid", "referral_friction=0.5", "--reps", "1") == 0
    other = ("--grid", "referral_friction=0.5", "--reps", "1", "--seed", SEED + 1)
    assert small(tmp_path / "b", *other) == 0
    a, b = runs_table(tmp_path / "a"), runs_table(tmp_path / "b")
    assert a["seed"].tolist() == [SEED] and b["seed"].tolist() == [SEED + 1]
    assert a["crisis_events_per_citizen_year"][0] != b["crisis_events_per_citizen_year"][0]


# ---------------------------------------------------------------------------------- designs


def test_integer_grid_range_includes_the_stop():
    key, values = parse_grid("workforce.caseload_cap=6:30:6")
    assert key == "workforce.caseload_cap"
    assert values == [6, 12, 18, 24, 30]
    assert all(type(v) is int for v in values)
    _, floats = parse_grid("continuity=0:1:0.25")
    assert floats == [0.0, 0.25, 0.5, 0.75, 1.0]
    _, listed = parse_grid("care_model=liberated, hybrid")
    assert listed == ["liberated", "hybrid"]


@settings(max_examples=40, deadline=None)
@given(
    start=st.integers(1, 40), step=st.integers(1, 9), count=st.integers(1, 12), slack=st.booleans()
)
def test_integer_grid_range_matches_python_range(start, step, count, slack):
    stop = start + (count - 1) * step + (step - 1 if slack else 0)
    _, values = parse_grid(f"workforce.caseload_cap={start}:{stop}:{step}")
    assert values == list(range(start, stop + 1, step))


def test_grid_range_sweep_stores_integers(small, tmp_path):
    out = tmp_path / "caps"
    assert small(out, "--grid", "workforce.caseload_cap=6:30:6", "--reps", "1") == 0
    table = runs_table(out)
    assert table["workforce.caseload_cap"].tolist() == [6, 12, 18, 24, 30]
    assert pd.api.types.is_integer_dtype(table["workforce.caseload_cap"])
    assert (table["status"] == "ok").all()


def test_full_grid_is_the_cartesian_product(small, tmp_path):
    out = tmp_path / "product"
    grids = ("--grid", "continuity=0.2,0.8", "--grid", "workforce.caseload_cap=10:20:5")
    assert small(out, *grids, "--reps", "1") == 0
    table = runs_table(out)
    # An integer key stays integer beside a float one.
    assert pd.api.types.is_integer_dtype(table["workforce.caseload_cap"])
    pairs = list(zip(table["continuity"], table["workforce.caseload_cap"], strict=True))
    assert sorted(pairs) == sorted((c, k) for c in (0.2, 0.8) for k in (10, 15, 20))
    assert len(set(pairs)) == 6


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_samples_stay_in_range_cover_it_and_are_deterministic(method):
    ranges = ["continuity=0.2:0.7", "workforce.caseload_cap=6:30"]
    n = 64
    design = sample_design(method, n, ranges, seed=5)
    assert list(design.columns) == ["continuity", "workforce.caseload_cap"]
    assert len(design) == n
    continuity, cap = design["continuity"], design["workforce.caseload_cap"]
    assert continuity.between(0.2, 0.7).all()
    assert pd.api.types.is_integer_dtype(cap) and cap.between(6, 30).all()
    # One point in each of n equal slices of the range: Latin hypercube by construction, and a
    # scrambled Sobol' net of 2^m points has the same one-dimensional stratification.
    slices = np.floor((continuity - 0.2) / 0.5 * n).astype(int)
    assert sorted(slices) == list(range(n))
    pd.testing.assert_frame_equal(design, sample_design(method, n, ranges, seed=5))
    assert not design.equals(sample_design(method, n, ranges, seed=6))


def test_sample_sweep_uses_the_root_seed_for_the_design(small, tmp_path):
    ranges = ["continuity=0:1", "workforce.caseload_cap=6:30"]
    args = ("--sample", "sobol", "--n", "4", "--range", ranges[0], "--range", ranges[1])
    assert small(tmp_path / "a", *args, "--reps", "1") == 0
    assert small(tmp_path / "b", *args, "--reps", "1") == 0
    a, b = runs_table(tmp_path / "a"), runs_table(tmp_path / "b")
    assert len(a) == 4 and (a["status"] == "ok").all()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    expected = sample_design("sobol", 4, ranges, SEED)
    pd.testing.assert_frame_equal(
        a[expected.columns.tolist()], expected, check_exact=True, check_dtype=True
    )
    spec = manifest(tmp_path / "a")["design"]["spec"]
    assert (spec["n"], spec["ranges"], spec["sample_seed"]) == (4, ranges, SEED)


def test_csv_design(small, tmp_path, baseline, cli_small_sets):
    design = tmp_path / "design.csv"
    design.write_text("referral_friction,workforce.caseload_cap\n0.2,10\n0.8,20\n0.2,30\n")
    out = tmp_path / "csv"
    assert small(out, "--design", design, "--reps", "2") == 0
    table = runs_table(out)
    assert len(table) == 6 and (table["status"] == "ok").all()
    assert list(table.columns) == [
        *KEY_COLUMNS,
        "referral_friction",
        "workforce.caseload_cap",
        *METRIC_NAMES,
        *RUN_CHECK,
    ]
    firsts = table[table["replication"] == 0]
    assert firsts["referral_friction"].tolist() == [0.2, 0.8, 0.2]
    assert firsts["workforce.caseload_cap"].tolist() == [10, 20, 30]
    assert pd.api.types.is_integer_dtype(table["workforce.caseload_cap"])
    assert manifest(out)["design"]["kind"] == "file"
    # Point 1 really ran with the file's values.
    sets = [*cli_small_sets[1::2], "referral_friction=0.8", "workforce.caseload_cap=20"]
    expected = run_one(load_scenario(baseline, sets), SEED, 1).metrics
    row = table[(table["point"] == 1) & (table["replication"] == 1)].iloc[0]
    assert row["total_cost_per_citizen_year"] == expected["total_cost_per_citizen_year"]


@pytest.mark.parametrize("wrapped", [False, True], ids=["list", "points-mapping"])
def test_yaml_design(small, tmp_path, wrapped):
    points = [
        {"care_model": "liberated", "continuity": 0.9},
        {"care_model": "assess_do_refer", "continuity": 0.2},
    ]
    design = tmp_path / "design.yaml"
    design.write_text(yaml.safe_dump({"points": points} if wrapped else points))
    out = tmp_path / "yaml"
    assert small(out, "--design", design, "--reps", "1") == 0
    table = runs_table(out)
    assert (table["status"] == "ok").all()
    assert table["care_model"].tolist() == ["liberated", "assess_do_refer"]
    assert table["continuity"].tolist() == [0.9, 0.2]
    assert table.loc[0, "mean_caseload"] != table.loc[1, "mean_caseload"]


def test_a_part_of_points_that_leave_a_key_out_reads_with_the_others(
    small, tmp_path, monkeypatch, capsys
):
    """A part holds whichever runs finished within a couple of seconds: with slow runs, only
    points that leave a text or list key out. Its columns must still have the keys' types, or
    the parts no longer read as one table (the summary and pandas both fail)."""
    one_run_per_part = functools.partialmethod(SweepStore.add, every_rows=1)
    monkeypatch.setattr(SweepStore, "add", one_run_per_part)
    design = tmp_path / "design.yaml"
    excludes = "specialists.mental_health.excludes_if_active"
    points = [{"continuity": 0.5}, {"care_model": "liberated", excludes: ["safety"]}]
    design.write_text(yaml.safe_dump(points))
    out = tmp_path / "left_out"
    compact = SweepStore.compact
    as_written = []

    def read_first(store: SweepStore) -> None:  # the parts, before they are compacted
        as_written.append((len(parts(out)), runs_table(out)))
        compact(store)

    monkeypatch.setattr(SweepStore, "compact", read_first)
    assert small(out, "--design", design, "--reps", "1") == 0
    ((written, before),) = as_written
    assert written == 2
    table = runs_table(out)
    pd.testing.assert_frame_equal(table, before)
    assert table["care_model"].isna().tolist() == [True, False]
    assert table.loc[1, "care_model"] == "liberated"
    assert table.loc[0, excludes] is None and list(table.loc[1, excludes]) == ["safety"]
    assert relsim_main("sweep-summary", out) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert summary["runs_ok"].tolist() == [1, 1]


def test_a_design_records_its_points_exactly_and_reruns(small, tmp_path, capsys):
    """A point such as 1/26 (a budget search's caseworker share of 26 posts) is recorded as the
    same number, so `relsim rerun` finds the same scenarios, not "the schema changed"."""
    share = 1 / 26
    design = tmp_path / "design.yaml"
    design.write_text(yaml.safe_dump([{"referral_friction": share}, {"continuity": 2 / 3}]))
    out = tmp_path / "exact"
    assert small(out, "--design", design, "--reps", "1") == 0
    points = manifest(out)["design"]["points"]
    assert points[0]["referral_friction"] == share and points[1]["continuity"] == 2 / 3
    capsys.readouterr()
    assert relsim_main("rerun", out, "--out", tmp_path / "again", "--workers", "1") == 0
    err = capsys.readouterr().err
    assert "runs.parquet identical" in err, err
    # rerun has no --resume, so a second one into the same directory is not told to use it
    assert relsim_main("rerun", out, "--out", tmp_path / "again", "--workers", "1") == 2
    assert capsys.readouterr().err == (
        f"relsim: error: --out {tmp_path / 'again'}: directory is not empty (use --force to "
        "start again)\n"
    )


def test_yaml_design_with_identical_points_gives_identical_runs(small, tmp_path):
    design = tmp_path / "twins.yml"
    design.write_text("- {referral_friction: 0.3}\n- {referral_friction: 0.3}\n")
    out = tmp_path / "twins"
    assert small(out, "--design", design, "--reps", "2") == 0
    table = runs_table(out)
    metrics = list(METRIC_NAMES)
    for _, group in table.groupby("replication"):
        assert len(group) == 2
        pd.testing.assert_frame_equal(
            group[metrics].iloc[[0]].reset_index(drop=True),
            group[metrics].iloc[[1]].reset_index(drop=True),
            check_exact=True,
        )


# ------------------------------------------------------------------------------ bad input


def _bad(name: str, content: str) -> Callable[[Path], list[str]]:
    def make(where: Path) -> list[str]:
        path = where / name
        path.write_text(content)
        return ["--design", str(path)]

    return make


BAD_DESIGNS = {
    "unknown key": (["--grid", "referal_friction=0.1,0.5"], "referal_friction"),
    "section": (["--grid", "workforce=1,2"], "workforce"),
    "not a section": (["--grid", "continuity.x=1"], "continuity"),
    "value out of bounds": (["--grid", "continuity=0.5,2"], "continuity"),
    "value of the wrong type": (["--grid", "workforce.caseload_cap=ten"], "caseload_cap"),
    "range not numeric": (["--grid", "workforce.caseload_cap=a:b:c"], "caseload_cap"),
    "range backwards": (["--grid", "workforce.caseload_cap=30:6:6"], "caseload_cap"),
    "zero step": (["--grid", "continuity=0:1:0"], "continuity"),
    "key twice": (["--grid", "continuity=0.1", "--grid", "continuity=0.2"], "twice"),
    "swept seed": (["--grid", "seed=1,2"], "seed"),
    "sample range low>high": (["--sample", "lhs", "--range", "continuity=1:0"], "continuity"),
    "sample range unknown": (["--sample", "sobol", "--range", "nope=0:1"], "nope"),
    "sample range out of schema": (["--sample", "lhs", "--range", "continuity=0:2"], "continuity"),
    "sample without range": (["--sample", "lhs"], "--range"),
    "range without sample": (["--grid", "continuity=0.1", "--range", "continuity=0:1"], "--range"),
    "two designs": (["--grid", "continuity=0.1", "--sample", "lhs"], "exactly one"),
    "no design": ([], "exactly one"),
    "missing file": (["--design", "/nonexistent/design.csv"], "no such file"),
    "bad --set": (["--grid", "continuity=0.1", "--set", "population.citizenz=5"], "citizenz"),
    "csv unknown column": (_bad("d.csv", "continuity,bogus.key\n0.1,2\n"), "bogus"),
    "csv bad value": (_bad("d.csv", "continuity\n0.1\n7\n"), "design point 1"),
    "yaml not a list": (_bad("d.yaml", "continuity: 0.1\n"), "list"),
    "yaml nested section": (_bad("d.yaml", "- {workforce: {workers: 3}}\n"), "section"),
    "wrong extension": (_bad("d.json", "[]"), ".csv"),
}


@pytest.mark.parametrize("case", list(BAD_DESIGNS), ids=list(BAD_DESIGNS))
def test_bad_designs_fail_at_once_and_write_nothing(
    case, baseline, cli_small_sets, tmp_path, capsys, monkeypatch
):
    def no_run(*args, **kwargs):
        raise AssertionError("a run started before the design was validated")

    monkeypatch.setattr(relsim.sweep.executors, "run_one", no_run)
    args, expected = BAD_DESIGNS[case]
    if callable(args):
        args = args(tmp_path)
    out = tmp_path / "out"
    capsys.readouterr()
    status = relsim_main("sweep", baseline, *cli_small_sets, *args, "--workers", "1", "--out", out)
    stderr = capsys.readouterr().err
    assert status == 2, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and lines[0].startswith("relsim: error:"), stderr
    assert expected in lines[0]
    assert not out.exists()


def test_bad_key_from_the_command_line(cli_run, baseline, cli_small_sets, tmp_path):
    """The same contract seen from a shell: exit 2, one line, no traceback, no files."""
    out = tmp_path / "out"
    result = cli_run(
        "sweep", baseline, *cli_small_sets, "--grid", "workforce.casload_cap=6:30:6", "--out", out
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and "workforce.casload_cap" in lines[0], result.stderr
    assert not out.exists()


def test_non_empty_out_needs_resume_or_force(small, tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "1") == 2
    err = capsys.readouterr().err
    # a directory of the user's: --force would refuse it too, so it is not suggested
    assert "not empty" in err and "choose another directory" in err and "--force" not in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]

    assert small(out, *GRID3, "--reps", "1", "--resume", "--force") == 2
    assert (out / "notes.txt").read_text() == "mine"

    # --force replaces earlier sweeps only: a directory holding anything else is never deleted.
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "1", "--force") == 2
    assert "not an earlier sweep" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "mine"


def test_force_replaces_an_earlier_sweep(small, tmp_path):
    out = tmp_path / "again"
    assert small(out, *GRID3, "--reps", "2") == 0
    assert small(out, "--grid", "continuity=0.3", "--reps", "1", "--force") == 0
    table = runs_table(out)
    assert len(table) == 1 and table.columns[5] == "continuity"


@pytest.mark.parametrize(
    ("part", "replacement"),
    [
        ("design", ["--grid", "referral_friction=0.1,0.5"]),
        ("reps", ["--reps", "3"]),
        ("seed", ["--seed", str(SEED + 1)]),
        ("sets", ["--set", "population.citizens=301"]),
        ("ensemble", ["--ensemble", "2"]),
    ],
    ids=["design", "reps", "seed", "base scenario", "ensemble"],
)
def test_resume_refuses_a_different_sweep(
    grid_sweep, baseline, cli_small_sets, tmp_path, part, replacement, capsys
):
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    before = runs_table(out)
    stored = (out / "manifest.json").read_text()
    args = {
        "sets": list(cli_small_sets),
        "design": list(GRID3),
        "reps": ["--reps", "2"],
        "seed": ["--seed", str(SEED)],
    }
    args[part] = args[part] + replacement if part == "sets" else replacement
    capsys.readouterr()
    command = [a for value in args.values() for a in value]
    status = relsim_main("sweep", baseline, *command, "--workers", "1", "--out", out, "--resume")
    stderr = capsys.readouterr().err
    assert status == 2, stderr
    said = {"design": "the design differs", "reps": "--reps differs", "seed": "--seed differs",
            "sets": "the base scenario differs", "ensemble": "--ensemble differs"}  # fmt: skip
    # named as the option given (the ensemble as itself, not as "the design"), in English
    assert f"{said[part]} from the stored sweep's; resume with the same " in stderr
    assert_same_runs(runs_table(out), before)
    assert (out / "manifest.json").read_text() == stored


def test_resume_of_an_ensemble_sweep_names_a_changed_reps(small, tmp_path, capsys):
    """With --ensemble, --reps is the runs per parameter set and is recorded with the draw:
    a resume with another --reps is told that --reps differs, not that --ensemble does."""
    out = tmp_path / "ensemble"
    assert small(out, "--grid", "continuity=0.2,0.8", "--ensemble", "2") == 0
    capsys.readouterr()
    changed = ("--grid", "continuity=0.2,0.8", "--ensemble", "2", "--reps", "2", "--resume")
    assert small(out, *changed) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert "--reps differs from the stored sweep's" in line
    assert small(out, "--grid", "continuity=0.2,0.8", "--ensemble", "3", "--resume") == 2
    assert "--ensemble differs from the stored sweep's" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("field", "recorded", "named"),
    [
        ("relsim_version", "0.0.1", "relsim '0.0.1'"),
        ("versions", {"numpy": "1.0.0"}, "numpy '1.0.0'"),
    ],
    ids=["relsim", "numpy"],
)
def test_resume_refuses_to_finish_a_sweep_made_by_other_code(
    grid_sweep, baseline, cli_small_sets, tmp_path, field, recorded, named, capsys
):
    """Finished runs made by another relsim or another numpy would be mixed with new ones."""
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    stored = manifest(out)
    stored[field] = {**stored[field], **recorded} if isinstance(recorded, dict) else recorded
    stored["status"] = "running"  # as a sweep stopped part-way leaves it
    (out / "manifest.json").write_text(json.dumps(stored))
    before = runs_table(out)
    capsys.readouterr()
    args = (*cli_small_sets, *GRID3, "--reps", "2", "--seed", str(SEED), "--workers", "1")
    status = relsim_main("sweep", baseline, *args, "--out", out, "--resume")
    (line,) = error_lines(capsys.readouterr().err)
    assert status == 2
    assert named in line and "--force" in line
    assert_same_runs(runs_table(out), before)


def test_a_complete_sweep_made_by_other_code_is_read_again_without_running(
    grid_sweep, baseline, cli_small_sets, tmp_path, capsys
):
    """docs/sweeps.md sends a user to --resume to read a complete sweep for other metrics; any
    change to relsim's source refused it, though nothing would run and nothing be mixed. It is
    read, the runs and manifest untouched, with a note of the code that made them; its failed
    runs cannot be retried by this code."""
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    stored = {**manifest(out), "relsim_version": "0.0.1"}
    (out / "manifest.json").write_text(json.dumps(stored))
    before, written = runs_table(out), (out / "manifest.json").read_text()
    capsys.readouterr()
    args = (*cli_small_sets, *GRID3, "--reps", "2", "--seed", str(SEED), "--workers", "1")
    assert relsim_main("sweep", baseline, *args, "--out", out, "--resume") == 0
    err = capsys.readouterr().err
    assert "its runs were made with relsim '0.0.1'" in err and "nothing was run" in err, err
    assert_same_runs(runs_table(out), before)
    assert (out / "manifest.json").read_text() == written


def test_a_worker_killed_from_outside_says_what_is_kept(small, tmp_path, monkeypatch, capsys):
    """A pool worker killed (by hand, or by the system for want of memory) gave Python's
    'BrokenProcessPool: A process in the process pool was terminated abruptly ...'; it says
    what happened and that --resume finishes the sweep, whose finished runs are kept."""
    from concurrent.futures.process import BrokenProcessPool

    import relsim.sweep.run

    real = relsim.sweep.run.run_local

    def dying(tasks, workers):
        rows = real(tasks, workers)
        yield next(iter(rows))
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(relsim.sweep.run, "run_local", dying)
    out = tmp_path / "killed"
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2") == 1
    (line,) = error_lines(capsys.readouterr().err)
    assert "a worker process stopped abruptly (killed, or out of memory)" in line, line
    assert "the same command with --resume finishes them" in line
    monkeypatch.setattr(relsim.sweep.run, "run_local", real)
    assert len(runs_table(out)) == 1
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert len(runs_table(out)) == 6


def test_resume_without_a_sweep_is_refused(small, tmp_path, capsys):
    capsys.readouterr()
    assert small(tmp_path / "nothing", *GRID3, "--resume") == 2
    assert "nothing to resume" in capsys.readouterr().err


def test_resume_or_force_on_another_kind_of_result_says_what_is_there(
    small, baseline, cli_small_sets, tmp_path, capsys
):
    """A `relsim run` result given to `sweep --resume` or `--force` is refused, and the line
    says it holds a run's result rather than "something relsim did not write"."""
    out = tmp_path / "a_run"
    assert relsim_main("run", baseline, *cli_small_sets, "--reps", "1", "--out", out) == 0
    before = sorted(p.name for p in out.iterdir())
    capsys.readouterr()
    for option in ("--resume", "--force"):
        assert small(out, *GRID3, option) == 2
        (line,) = error_lines(capsys.readouterr().err)
        assert "not an earlier sweep (it holds the result of `relsim run`)" in line, line
    assert sorted(p.name for p in out.iterdir()) == before


def test_resume_with_a_damaged_manifest_says_so(grid_sweep, small, tmp_path, capsys):
    """A manifest cut short (or edited into something that is not JSON) is there: saying
    there is none would send the user looking for the wrong problem."""
    out = tmp_path / "damaged"
    shutil.copytree(grid_sweep, out)
    (out / "manifest.json").write_text('{"kind": "relsim sw')
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2", "--resume") == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert "manifest.json cannot be read (empty, cut short or not a JSON object)" in line
    assert "no manifest.json" not in line


# --------------------------------------------------------------------------- failed runs


def _failing_at_friction_half(real):
    """`run_one` that raises for the points at referral friction 0.5 and runs the others."""

    def flaky(scenario, seed, replication=0, journeys=False, timeseries=True):
        if scenario.referral_friction == 0.5:
            raise RuntimeError("model blew up at 0.5")
        return real(scenario, seed, replication, journeys, timeseries)

    return flaky


def test_a_raising_run_is_recorded_as_failed(small, tmp_path, monkeypatch, capsys):
    real = relsim.sweep.executors.run_one
    flaky = _failing_at_friction_half(real)

    monkeypatch.setattr(relsim.sweep.executors, "run_one", flaky)
    out = tmp_path / "flaky"
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2") == 0
    note = "relsim: note: 2 of its 6 runs failed (the first error: RuntimeError: model blew up"
    assert note in capsys.readouterr().err
    table = runs_table(out)
    assert len(table) == 6
    failed = table[table["point"] == 1]
    ok = table[table["point"] != 1]
    assert (failed["status"] == "failed").all() and (ok["status"] == "ok").all()
    assert failed["error"].str.contains("RuntimeError: model blew up at 0.5").all()
    assert (ok["error"] == "").all()
    assert failed[list(METRIC_NAMES)].isna().all(axis=None)
    assert np.isfinite(ok["crisis_events_per_citizen_year"]).all()
    assert manifest(out)["runs_failed"] == 2 and manifest(out)["status"] == "complete"

    # The summary counts the failures and keeps them out of the means.
    capsys.readouterr()
    assert relsim_main("sweep-summary", out, "--json") == 0
    points = {p["point"]: p for p in json.loads(capsys.readouterr().out)["points"]}
    assert (points[1]["runs_ok"], points[1]["runs_failed"]) == (0, 2)
    assert points[1]["crisis_events_per_citizen_year_mean"] is None
    assert (points[0]["runs_ok"], points[0]["runs_failed"]) == (2, 0)

    # Resume does not retry recorded runs, failed or not.
    calls = []
    monkeypatch.setattr(relsim.sweep.executors, "run_one", lambda *a, **k: calls.append(a))
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert calls == []
    assert_same_runs(runs_table(out), table)

    # --retry-failed needs --resume, and with it reruns exactly the failed runs.
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2", "--retry-failed") == 2
    assert "--retry-failed needs --resume" in capsys.readouterr().err
    retried = []

    def counting(scenario, seed, replication=0, journeys=False, timeseries=True):
        retried.append((scenario.referral_friction, replication))
        return real(scenario, seed, replication, journeys, timeseries)

    monkeypatch.setattr(relsim.sweep.executors, "run_one", counting)
    assert relsim_main("sweep-summary", out) == 0  # of the complete sweep, failures and all
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2", "--resume", "--retry-failed") == 0
    # not "made from the sweep's unfinished runs": it was complete
    assert "removed summary.csv, which left out the failed runs now run again" in (
        capsys.readouterr().err
    )
    assert sorted(retried) == [(0.5, 0), (0.5, 1)]
    after = runs_table(out)
    assert len(after) == 6 and (after["status"] == "ok").all()
    assert manifest(out)["runs_failed"] == 0
    # The runs that were fine are untouched.
    unchanged = after[after["point"] != 1].reset_index(drop=True)
    assert_same_runs(unchanged, table[table["point"] != 1].reset_index(drop=True))


def test_a_retry_of_failed_runs_that_is_interrupted_leaves_an_unfinished_sweep(
    small, tmp_path, monkeypatch, capsys
):
    """--retry-failed takes the failed runs out of a complete sweep before running them again:
    stopped in between, the manifest must say the sweep is unfinished, or `relsim rerun` takes
    it for a result (and finds it "differs") and its recorded failures no longer exist."""
    real = relsim.sweep.executors.run_one
    flaky = _failing_at_friction_half(real)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    out = tmp_path / "retried"
    monkeypatch.setattr(relsim.sweep.executors, "run_one", flaky)
    assert small(out, *GRID3, "--reps", "2") == 0
    assert manifest(out)["status"] == "complete" and manifest(out)["runs_failed"] == 2
    monkeypatch.setattr(relsim.sweep.executors, "run_one", interrupted)
    assert small(out, *GRID3, "--reps", "2", "--resume", "--retry-failed") == 130
    assert len(runs_table(out)) == 4
    stopped = manifest(out)
    assert stopped["status"] == "running"
    assert "runs_failed" not in stopped and "finished" not in stopped
    capsys.readouterr()
    assert relsim_main("rerun", out / "manifest.json", "--out", tmp_path / "again") == 2
    assert "the sweep is not complete" in capsys.readouterr().err

    monkeypatch.setattr(relsim.sweep.executors, "run_one", real)
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    finished = manifest(out)
    assert finished["status"] == "complete" and finished["runs_failed"] == 0
    assert len(runs_table(out)) == 6


def test_a_retry_of_failed_runs_on_a_full_disk_stops_in_one_line(
    small, tmp_path, monkeypatch, capsys
):
    """Marking the manifest unfinished before a retry is a write like any other: a full disk
    there gives relsim's one line, not Python's OSError, and the sweep is left as it was."""
    import errno

    real = relsim.sweep.executors.run_one
    flaky = _failing_at_friction_half(real)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "retried"
    monkeypatch.setattr(relsim.sweep.executors, "run_one", flaky)
    assert small(out, *GRID3, "--reps", "2") == 0
    before = manifest(out)
    monkeypatch.setattr(relsim.sweep.store, "write_json", disk_full)
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2", "--resume", "--retry-failed") == 1
    (line,) = error_lines(capsys.readouterr().err)
    assert line.startswith(f"relsim: error: {out}: cannot write the finished runs (No space")
    assert manifest(out) == before and len(runs_table(out)) == 6


# ------------------------------------------------------------------------------ resuming


def test_resume_runs_exactly_the_missing_runs(grid_sweep, small, tmp_path, monkeypatch):
    out = tmp_path / "partial"
    shutil.copytree(grid_sweep, out)
    full = runs_table(out)
    missing = {(1, 0), (2, 1), (0, 1)}
    pairs = zip(full["point"], full["replication"], strict=True)
    keep = full[[pair not in missing for pair in pairs]]
    for part in parts(out):
        part.unlink()
    keep.to_parquet(out / "runs.parquet" / "part-000000.parquet", index=False)

    real = relsim.sweep.executors.run_one
    calls: list[tuple[float, int]] = []

    def spy(scenario, seed, replication=0, journeys=False, timeseries=True):
        calls.append((scenario.referral_friction, replication))
        return real(scenario, seed, replication, journeys, timeseries)

    monkeypatch.setattr(relsim.sweep.executors, "run_one", spy)
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert sorted(calls) == sorted((FRICTIONS[p], r) for p, r in missing)
    assert_same_runs(runs_table(out), full)
    assert manifest(out)["status"] == "complete"


def _first_replication_only(finished: Path, out: Path) -> None:
    """A copy of the `finished` sweep in `out` holding only replication 0 of each point, as an
    unfinished sweep does."""
    shutil.copytree(finished, out)
    full = runs_table(out)
    for part in parts(out):
        part.unlink()
    first = full[full["replication"] == 0]
    first.to_parquet(out / "runs.parquet" / "part-000000.parquet", index=False)


def test_a_summary_of_a_running_sweep_says_it_is_running(grid_sweep, tmp_path, capsys):
    """While a sweep still runs (its directory locked), a summary covers the runs done so far
    and says so; telling the reader to --resume it would only be refused ("another relsim
    process is writing there"). Once nothing holds the lock, it reads as interrupted."""
    from relsim.targets import locked_directory

    out = tmp_path / "running"
    _first_replication_only(grid_sweep, out)
    capsys.readouterr()
    with locked_directory(out):
        assert relsim_main("sweep-summary", out) == 0
    err = capsys.readouterr().err
    assert "is a sweep still running: 3 of 6 runs are done so far" in err
    assert "--resume" not in err
    assert relsim_main("sweep-summary", out) == 0
    assert "run again with --resume, finishes it" in capsys.readouterr().err


def test_a_plot_without_its_metric_and_key_is_refused(grid_sweep, tmp_path, capsys):
    """`--plot FILE` alone would draw nothing: refused as --metric without --param is, and no
    file is written."""
    out = tmp_path / "plotless"
    _first_replication_only(grid_sweep, out)
    capsys.readouterr()
    target = tmp_path / "nothing.png"
    assert relsim_main("sweep-summary", out, "--plot", target) == 2
    assert "--plot needs --metric and --param" in capsys.readouterr().err
    assert not target.exists()
    assert relsim_main("sweep-summary", out, "--metric", "mean_burnout") == 2
    assert "--metric and --param go together" in capsys.readouterr().err


def test_resume_removes_the_summaries_of_the_unfinished_sweep(grid_sweep, small, tmp_path, capsys):
    """A summary, plot or discovery made while the sweep was unfinished describes part of it,
    and nothing in it says so: resuming removes them (and says so); once the sweep is complete
    a resume leaves a new summary alone."""
    out = tmp_path / "partial"
    _first_replication_only(grid_sweep, out)
    plot = ("--metric", "mean_burnout", "--param", "referral_friction")
    assert relsim_main("sweep-summary", out, *plot) == 0
    made = {"summary.csv", "mean_burnout_by_referral_friction.png"}
    assert made <= {p.name for p in out.iterdir()}
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert "removed mean_burnout_by_referral_friction.png, summary.csv" in capsys.readouterr().err
    assert not made & {p.name for p in out.iterdir()}
    assert relsim_main("sweep-summary", out) == 0
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0  # complete: nothing to remove
    assert (out / "summary.csv").is_file()


def test_a_summary_made_while_the_sweep_ran_is_removed_when_it_completes(
    small, tmp_path, monkeypatch, capsys
):
    """`sweep-summary` may run beside a running sweep; what it writes into the directory then
    describes the runs done so far and nothing in it says so. When the sweep completes it
    removes such files (and says so), as a resume does with those of an interrupted sweep."""
    real = relsim.sweep.executors.run_one
    out = tmp_path / "summarised_early"

    def summarised_meanwhile(scenario, seed, replication=0, journeys=False, timeseries=True):
        if not (out / "summary.csv").exists():  # the partial summary a reader made meanwhile
            (out / "summary.csv").write_text("point,runs_ok\n0,1\n")
            (out / "mean_burnout_by_referral_friction.png").write_bytes(b"partial")
        return real(scenario, seed, replication, journeys, timeseries)

    monkeypatch.setattr(relsim.sweep.executors, "run_one", summarised_meanwhile)
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2") == 0
    err = capsys.readouterr().err
    assert "removed mean_burnout_by_referral_friction.png, summary.csv" in err
    assert "now that it is complete" in err
    assert not (out / "summary.csv").exists()
    assert not (out / "mean_burnout_by_referral_friction.png").exists()
    assert manifest(out)["status"] == "complete"

    # A resume of the complete sweep runs nothing and leaves a summary made since alone.
    assert relsim_main("sweep-summary", out) == 0
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert (out / "summary.csv").is_file()


def test_a_full_disk_stops_the_sweep_in_one_line_and_resume_finishes(
    grid_sweep, small, tmp_path, monkeypatch, capsys
):
    """A part that cannot be written (no space left, a quota) stops the sweep with exit status
    1 and one line naming the directory and the cause, saying what is kept and how to finish,
    rather than Arrow's "Error writing bytes to file"."""
    import errno

    real = relsim.sweep.store.pq.write_table

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] ...")

    monkeypatch.setattr(relsim.sweep.store.pq, "write_table", disk_full)
    out = tmp_path / "full_disk"
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2") == 1
    (line,) = error_lines(capsys.readouterr().err)
    assert line == (
        f"relsim: error: {out}: cannot write the finished runs (No space left on device); the "
        "runs stored so far are kept: make room, then run the same command with --resume"
    )
    assert manifest(out)["status"] == "running"
    assert not any((out / "runs.parquet").iterdir())  # no temporary part left behind

    monkeypatch.setattr(relsim.sweep.store.pq, "write_table", real)
    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert_same_runs(runs_table(out), runs_table(grid_sweep))


class _Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_a_part_cut_off_mid_write_is_invisible_to_readers(
    grid_sweep, small, tmp_path, monkeypatch, capsys
):
    """Killed while writing its third part, the store still reads as the finished parts alone
    (pandas.read_parquet and sweep-summary), and resume completes it without duplicates."""
    real_write = pq.write_table
    real_add = SweepStore.add
    writes = []

    def dying_write(table, where, *args, **kwargs):
        writes.append(where)
        if len(writes) < 3:
            return real_write(table, where, *args, **kwargs)
        buffer = io.BytesIO()
        real_write(table, buffer, *args, **kwargs)
        Path(where).write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        raise _Killed

    monkeypatch.setattr(SweepStore, "add", lambda self, row, **kw: real_add(self, row, 1))
    monkeypatch.setattr(relsim.sweep.store.pq, "write_table", dying_write)
    out = tmp_path / "cut"
    with pytest.raises(_Killed):
        small(out, *GRID3, "--reps", "2")
    monkeypatch.undo()

    assert len(parts(out)) == 2
    assert any(p.is_file() for p in (out / "runs.parquet").iterdir() if p not in parts(out))
    seen = runs_table(out)  # what a reader finds: the two finished runs, nothing half-written
    assert len(seen) == 2
    capsys.readouterr()
    assert relsim_main("sweep-summary", out, "--json") == 0
    summarised = json.loads(capsys.readouterr().out)["points"]
    assert [p["runs_ok"] for p in summarised] == [1, 1, 0]  # the third not yet begun

    assert small(out, *GRID3, "--reps", "2", "--resume") == 0
    assert_same_runs(runs_table(out), runs_table(grid_sweep))
    assert sorted((out / "runs.parquet").iterdir()) == parts(out), "the cut-off part is left"


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory, cli_popen, baseline) -> Callable[[], pd.DataFrame]:
    """An uninterrupted long sweep, started at once and awaited when first needed."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    proc = cli_popen(*_long_args(baseline, out))
    table: list[pd.DataFrame] = []

    def get() -> pd.DataFrame:
        if not table:
            _, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr
            table.append(runs_table(out))
        return table[0]

    yield get
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def _long_args(baseline: Path, out: Path, workers: int = 1, sets: tuple = LONG_SETS) -> tuple:
    grid = ("--reps", "2", "--seed", SEED, "--workers", workers, "--out", out)
    return ("sweep", baseline, *GRID3, *sets, *grid)


def _wait_for_first_part(proc: subprocess.Popen, out: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not parts(out):
        assert proc.poll() is None, f"sweep ended before writing a part: {proc.communicate()}"
        assert time.monotonic() < deadline, "no part written in time"
        time.sleep(0.02)
    assert proc.poll() is None, "the sweep finished before it could be interrupted"


def test_sigkill_then_resume_gives_the_uninterrupted_table(
    long_reference, cli_popen, cli_run, baseline, tmp_path
):
    out = tmp_path / "killed"
    proc = cli_popen(*_long_args(baseline, out))
    _wait_for_first_part(proc, out)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    interrupted = runs_table(out)
    assert 0 < len(interrupted) < 6, "the killed sweep was not half-way"
    assert manifest(out)["status"] == "running"

    result = cli_run(*_long_args(baseline, out), "--resume", timeout=300)
    assert result.returncode == 0, result.stderr
    resumed = runs_table(out)
    assert len(resumed) == 6
    assert_same_runs(resumed, long_reference())
    # The runs finished before the kill were kept, not redone differently.
    merged = interrupted.merge(resumed, on=["point", "replication"], suffixes=("", "_after"))
    assert len(merged) == len(interrupted)
    assert (
        merged["total_cost_per_citizen_year"] == merged["total_cost_per_citizen_year_after"]
    ).all()
    assert manifest(out)["status"] == "complete"


def test_ctrl_c_exits_130_with_a_hint_and_resume_completes(
    long_reference, cli_popen, cli_run, baseline, tmp_path
):
    out = tmp_path / "interrupted"
    proc = cli_popen(*_long_args(baseline, out))
    _wait_for_first_part(proc, out)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1, stderr
    assert "interrupted" in lines[0] and "--resume" in lines[0]
    assert 0 < len(runs_table(out)) < 6

    result = cli_run(*_long_args(baseline, out), "--resume", timeout=300)
    assert result.returncode == 0, result.stderr
    assert_same_runs(runs_table(out), long_reference())


def _descendants(pid: int) -> dict[int, int]:
    """Every descendant process of `pid`, with its depth below it (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    depth = {pid: 0}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in depth and child not in depth:
                depth[child] = depth[parent] + 1
                changed = True
    del depth[pid]
    return depth


def _pool_workers(proc: subprocess.Popen, timeout: float = 120) -> list[int]:
    """The sweep's pool workers: forked by a forkserver, the sweep's child, they are its
    grandchildren."""
    deadline = time.monotonic() + timeout
    while not (workers := [p for p, d in _descendants(proc.pid).items() if d == 2]):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no pool worker appeared"
        time.sleep(0.02)
    return workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_pool_worker_fails_cleanly_and_resume_completes(
    cli_popen, cli_run, baseline, tmp_path
):
    def args(out: Path, workers: int) -> tuple:
        return _long_args(baseline, out, workers)

    out = tmp_path / "worker"
    proc = cli_popen(*args(out, 2))
    _pool_workers(proc)
    # Into the workers' first runs, well before the six are done (about three seconds of runs
    # on two workers; with half-second runs the sweep could end before the kill). The worker
    # is looked up again just before it is killed.
    time.sleep(0.3)
    os.kill(_pool_workers(proc)[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and lines[0].startswith("relsim: error:"), stderr
    if parts(out):
        assert len(runs_table(out)) < 6, "the sweep was not interrupted"

    result = cli_run(*args(out, 2), "--resume", timeout=300)
    assert result.returncode == 0, result.stderr
    reference = tmp_path / "reference"
    assert relsim_main(*args(reference, 1)) == 0
    assert_same_runs(runs_table(out), runs_table(reference))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_ctrl_c_stops_a_process_pool_at_once(cli_popen, baseline, tmp_path):
    """Ctrl-C does not first finish the runs in flight (whose rows would be thrown away): with
    runs of several seconds, the sweep exits well within one run and leaves no worker behind."""
    out = tmp_path / "pool"
    very_long = (*LONG_SETS[:2], "--set", "time.weeks=800", *LONG_SETS[4:])
    proc = cli_popen(*_long_args(baseline, out, 2, very_long))
    workers = _pool_workers(proc)
    time.sleep(1.0)
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    waited = time.monotonic() - sent
    assert proc.returncode == 130, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and "--resume" in lines[0], stderr
    assert waited < 4.0, f"Ctrl-C took {waited:.1f} s: the pool finished its runs first"
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived it"


# ----------------------------------------------------------------------------- executors


@pytest.fixture(scope="module")
def pool_sweep(tmp_path_factory, baseline, cli_small_sets) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("pool") / "sweep"
    args = ("--reps", "2", "--seed", SEED, "--workers", "2", "--out", out)
    assert relsim_main("sweep", baseline, *GRID3, *cli_small_sets, *args) == 0
    return runs_table(out)


def test_process_pool_matches_serial_exactly(pool_sweep, grid_sweep):
    assert_same_runs(pool_sweep, runs_table(grid_sweep))


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        # Its HTTP server moves off port 8787 when another cluster on the machine holds it.
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        cluster = distributed.LocalCluster(
            host="127.0.0.1",
            dashboard_address=None,
            n_workers=2,
            threads_per_worker=1,
            processes=True,
        )
    with cluster:
        yield cluster


def test_dask_matches_the_process_pool(
    dask_cluster, pool_sweep, baseline, cli_small_sets, tmp_path
):
    address = dask_cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    out = tmp_path / "dask"
    args = ("--reps", "2", "--seed", SEED, "--dask", address, "--out", out)
    assert relsim_main("sweep", baseline, *GRID3, *cli_small_sets, *args) == 0
    assert_same_runs(runs_table(out), pool_sweep)
    assert manifest(out)["status"] == "complete"
    # The runs really went through the cluster: its scheduler computed six `execute` tasks.
    prefix = dask_cluster.scheduler.task_prefixes["execute_checked"]
    assert prefix.state_counts["memory"] == 6


class FakeClient:
    """Stands in for a Dask client whose workers report `environment` from `run`."""

    def __init__(self, environment: dict) -> None:
        self.environment = environment

    def wait_for_workers(self, n: int, timeout: float) -> None:
        return None

    def run(self, function: Callable[[], dict]) -> dict[str, dict]:
        return {"tcp://10.0.0.1:1234": self.environment}


def test_dask_workers_must_run_the_same_code_and_libraries():
    """A worker with another numpy (or relsim, commit or uncommitted changes) would make runs
    that differ from the client's; the sweep refuses before anything is written."""
    from relsim.sweep.dask_executor import DaskError, _check_workers, _environment

    mine = _environment()
    _check_workers(FakeClient(mine))  # the same: accepted
    other = {**mine, "versions": {**mine["versions"], "numpy": "1.0.0"}}
    with pytest.raises(DaskError, match=r"tcp://10.0.0.1:1234 runs numpy '1.0.0' \(here "):
        _check_workers(FakeClient(other))
    older = {**mine, "relsim_version": "0.0.1"}
    with pytest.raises(DaskError, match=r"relsim '0\.0\.1'"):
        _check_workers(FakeClient(older))


def test_a_stop_while_waiting_for_dask_workers_says_nothing_is_written(
    small, tmp_path, monkeypatch, capsys
):
    """Ctrl-C while relsim waits for the cluster's workers (up to a minute), before the store
    exists: the line must not send the user to a --resume that finds nothing to resume."""
    import relsim.sweep.run

    def waiting(address):
        raise KeyboardInterrupt

    monkeypatch.setattr(relsim.sweep.run, "check_dask", waiting)
    out = tmp_path / "never"
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "1", "--dask", "tcp://127.0.0.1:8786") == 130
    (line,) = error_lines(capsys.readouterr().err)
    assert line == f"relsim: interrupted; nothing written to {out}; run the same command again"
    assert not out.exists()

    # Resuming, the runs stored earlier are there for the next --resume to finish.
    assert small(out, *GRID3, "--reps", "1") == 0
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "1", "--dask", "tcp://127.0.0.1:8786", "--resume") == 130
    assert "finished runs are saved in" in capsys.readouterr().err


def test_a_stop_before_any_run_finished_does_not_say_runs_are_saved(
    small, tmp_path, monkeypatch, capsys
):
    """Stopped at the first run, after the store was made: the line says no run had finished
    (and --resume then runs the whole sweep)."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(relsim.sweep.executors, "run_one", interrupted)
    out = tmp_path / "stopped"
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "1") == 130
    (line,) = error_lines(capsys.readouterr().err)
    assert line == (
        f"relsim: interrupted; no run had finished; {out} holds the sweep's plan: run the same "
        "command with --resume to run it"
    )
    monkeypatch.undo()
    assert small(out, *GRID3, "--reps", "1", "--resume") == 0
    assert len(runs_table(out)) == 3


def test_waiting_for_dask_workers_forever_is_no_timeout(monkeypatch):
    """RELSIM_DASK_NO_WORKERS_SECONDS=inf waits as long as it takes: the scheduler is given no
    timeout, not an infinite number its timers cannot take."""
    from relsim.sweep.dask_executor import _check_workers, _environment

    waited: list[float | None] = []

    class Waiting(FakeClient):
        def wait_for_workers(self, n: int, timeout: float | None = None) -> None:
            waited.append(timeout)

    for value, timeout in (("inf", None), ("7", 7.0), ("nan", 60.0), ("-1", 60.0)):
        monkeypatch.setenv("RELSIM_DASK_NO_WORKERS_SECONDS", value)
        _check_workers(Waiting(_environment()))
        assert waited[-1] == timeout, value


# ------------------------------------------------------------------------------- summary


def test_sweep_summary_gives_mean_and_95_interval_per_point(grid_sweep, tmp_path, capsys):
    target = tmp_path / "summary.csv"
    plot = tmp_path / "plot.png"
    capsys.readouterr()
    status = relsim_main(
        "sweep-summary",
        grid_sweep,
        "--csv",
        target,
        "--metric",
        "crisis_events_per_citizen_year",
        "--param",
        "referral_friction",
        "--plot",
        plot,
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "crisis_events_per_citizen_year" in captured.out
    summary = pd.read_csv(target)
    runs = runs_table(grid_sweep)
    assert summary["point"].tolist() == [0, 1, 2]
    assert summary["referral_friction"].tolist() == FRICTIONS
    assert (summary["runs_ok"] == 2).all() and (summary["runs_failed"] == 0).all()
    checked = 0
    for metric in METRIC_NAMES:
        for point, group in runs.groupby("point"):
            values = group[metric].to_numpy()
            values = values[np.isfinite(values)]
            row = summary[summary["point"] == point].iloc[0]
            low, high = row[f"{metric}_ci95_low"], row[f"{metric}_ci95_high"]
            if len(values) < 2:  # no interval from fewer than two values
                assert math.isnan(low) and math.isnan(high), metric
                if not len(values):
                    assert math.isnan(row[f"{metric}_mean"]), metric
                continue
            mean = values.mean()
            half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
            assert row[f"{metric}_mean"] == pytest.approx(mean, rel=1e-9, abs=1e-12), metric
            # no metric can be negative: a t-interval reaching below zero stops there
            assert low == pytest.approx(max(mean - half, 0.0), rel=1e-9, abs=1e-9), metric
            assert high == pytest.approx(mean + half, rel=1e-9, abs=1e-9), metric
            checked += 1
    assert checked >= 3 * 10  # most metrics have two finite values at every point
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 2000


def test_sweep_summary_default_paths_and_bad_arguments(grid_sweep, tmp_path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    args = ("--metric", "mean_burnout", "--param", "referral_friction")
    assert relsim_main("sweep-summary", out, *args) == 0
    assert (out / "summary.csv").is_file()
    assert (out / "mean_burnout_by_referral_friction.png").is_file()
    capsys.readouterr()
    assert relsim_main("sweep-summary", out, "--metric", "mean_burnout", "--param", "x") == 2
    assert "--param x" in capsys.readouterr().err
    assert (
        relsim_main("sweep-summary", out, "--metric", "nope", "--param", "referral_friction") == 2
    )
    assert relsim_main("sweep-summary", out, "--metric", "mean_burnout") == 2
    capsys.readouterr()
    assert relsim_main("sweep-summary", tmp_path / "nowhere") == 2
    assert capsys.readouterr().err.strip().endswith("nowhere: no such directory")
    # a result made of sweeps (here an experiment's series) names the sweeps inside it
    study = tmp_path / "study"
    shutil.copytree(out, study / "baseline")
    assert relsim_main("discover", study, "--where", "mean_burnout > 0") == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("study: not a sweep; the sweeps in it are its subdirectories baseline")
    )


def test_a_summary_neither_overwrites_itself_nor_lands_beside_another_result(
    grid_sweep, tmp_path, capsys
):
    """--csv and --plot naming one file would leave only the plot; a summary written beside
    another sweep's files would read as that sweep's own; a plot named other than .png would
    hold PNG data all the same. All are refused, before anything is written, by sweep-summary
    and by discover; a summary beside its own sweep, under relsim's own name there, is not."""
    other = tmp_path / "other"
    shutil.copytree(grid_sweep, other)
    mine = tmp_path / "mine"
    shutil.copytree(grid_sweep, mine)
    plot = ("--metric", "mean_burnout", "--param", "referral_friction")
    where = ("--where", "mean_burnout > 0")
    same = tmp_path / "same.png"
    cases = [
        (("sweep-summary", mine, *plot, "--csv", same, "--plot", same), "name the same file"),
        (("discover", mine, *where, "--csv", same, "--plot", same), "name the same file"),
        (("sweep-summary", mine, "--csv", other / "summary.csv"), "another relsim result"),
        (("discover", mine, *where, "--plot", other / "d.png"), "another relsim result"),
        # a plot is PNG data whatever its name, so a .pdf name would hold PNG
        (("sweep-summary", mine, *plot, "--plot", tmp_path / "p.pdf"), "give the file a .png"),
        (("discover", mine, *where, "--plot", tmp_path / "p"), "give the file a .png name"),
    ]
    for args, fragment in cases:
        capsys.readouterr()
        assert relsim_main(*args) == 2
        assert fragment in capsys.readouterr().err
    assert not same.exists()
    assert sorted(p.name for p in other.iterdir()) == sorted(p.name for p in grid_sweep.iterdir())
    # beside its own sweep, a summary takes relsim's own name there, not another
    assert relsim_main("sweep-summary", mine, "--csv", mine / "mine.csv") == 2
    assert "only relsim's own names are kept with it" in capsys.readouterr().err
    assert relsim_main("sweep-summary", mine, "--csv", mine / "summary.csv") == 0
    # a file of the user's is never replaced; one relsim wrote as that kind is
    notes, picture = tmp_path / "notes.csv", tmp_path / "picture.png"
    notes.write_text("my notes\n")
    picture.write_bytes(b"\x89PNG not relsim's")
    for args in (
        ("sweep-summary", mine, "--csv", notes),
        ("sweep-summary", mine, *plot, "--plot", picture),
        ("discover", mine, *where, "--csv", notes, "--plot", tmp_path / "d.png"),
        ("discover", mine, *where, "--plot", picture),
    ):
        capsys.readouterr()
        assert relsim_main(*args) == 2
        assert "relsim wrote" in capsys.readouterr().err
    assert notes.read_text() == "my notes\n" and picture.read_bytes() == b"\x89PNG not relsim's"
    assert not (tmp_path / "d.png").exists()
    for _ in range(2):  # the second replaces what the first wrote
        args = ("--csv", tmp_path / "s.csv", "--plot", tmp_path / "s.png")
        assert relsim_main("sweep-summary", mine, *plot, *args) == 0
        args = ("--csv", tmp_path / "d.csv", "--plot", tmp_path / "d.png")
        assert relsim_main("discover", mine, *where, *args) == 0


# ----------------------------------------------------------------- damaged and unfinished sweeps


def _write_manifest(out: Path, data: object) -> None:
    (out / "manifest.json").write_text(json.dumps(data))


def _another_table_as_a_part(out: Path) -> None:
    weekly = pd.DataFrame({"replication": [0], "week": [1], "open_cases": [3.0]})
    weekly.to_parquet(out / "runs.parquet" / "part-000001.parquet", index=False)


def _rewrite_runs(out: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    (part,) = parts(out)
    change(pd.read_parquet(part)).to_parquet(part, index=False)


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty manifest": (
        lambda out: (out / "manifest.json").write_text(""),
        "manifest.json is empty or not JSON",
    ),
    "manifest without a design": (
        lambda out: _write_manifest(out, {}),
        "manifest.json does not record a design",
    ),
    "manifest not an object": (
        lambda out: _write_manifest(out, [1]),
        "manifest.json does not record a design",
    ),
    "part not parquet": (
        lambda out: (out / "runs.parquet" / "part-000000.parquet").write_text("x"),
        "runs.parquet/part-000000.parquet cannot be read as Parquet",
    ),
    "another table as a part": (
        _another_table_as_a_part,
        "runs.parquet/part-000001.parquet lacks the runs table's columns point, status, "
        "referral_friction",
    ),
    "points as text": (
        lambda out: _rewrite_runs(out, lambda runs: runs.assign(point=runs["point"].astype(str))),
        "runs.parquet column point is not whole numbers",
    ),
    "a part copied in twice": (
        lambda out: shutil.copyfile(parts(out)[0], out / "runs.parquet" / "part-000009.parquet"),
        "runs.parquet holds the run of point 0, replication 0 twice and 5 more: a part was "
        "copied in by hand",
    ),
}


@pytest.mark.parametrize("damage", ["part not parquet", "a part copied in twice"])
def test_resume_of_a_damaged_store_is_one_line_exit_2(damage, grid_sweep, small, tmp_path, capsys):
    """A part that cannot be read, or one copied in twice, stops --resume with one line naming
    the problem (a library's error, or runs counted twice), and the store is left as it was."""
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    DAMAGES[damage][0](out)
    before = sorted(p.name for p in (out / "runs.parquet").iterdir())
    capsys.readouterr()
    assert small(out, *GRID3, "--reps", "2", "--resume") == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith(f"relsim: error: {out}: runs.parquet")
    assert sorted(p.name for p in (out / "runs.parquet").iterdir()) == before


@pytest.mark.parametrize(("damage", "problem"), DAMAGES.values(), ids=DAMAGES)
@pytest.mark.parametrize(
    "command", [("sweep-summary",), ("discover", "--where", "mean_burnout > 0")], ids=str
)
def test_a_damaged_sweep_directory_is_one_line_exit_2(
    damage, problem, command, grid_sweep, tmp_path, capsys
):
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    damage(out)
    capsys.readouterr()
    assert relsim_main(command[0], out, *command[1:]) == 2
    expected = f"relsim: error: {out}: not a complete sweep directory ({problem})\n"
    assert capsys.readouterr().err == expected


def test_discover_on_a_metric_the_runs_table_lacks_is_one_line_exit_2(grid_sweep, tmp_path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    _rewrite_runs(out, lambda runs: runs.drop(columns=["mean_burnout"]))
    capsys.readouterr()
    assert relsim_main("discover", out, "--where", "mean_burnout > 0") == 2
    assert capsys.readouterr().err == (
        "relsim: error: --where mean_burnout > 0: the sweep's runs table has no mean_burnout "
        "column\n"
    )


def test_an_unfinished_sweep_is_summarised_with_a_note_and_not_rerun(grid_sweep, tmp_path, capsys):
    """An interrupted sweep's manifest stays "running" and it holds only some runs: summaries
    say so and use them, a rerun (which would make them all) is refused before it starts."""
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    _write_manifest(out, {**manifest(out), "status": "running"})
    (part,) = parts(out)
    pq.write_table(pq.read_table(part).slice(0, 4), part)
    note = (
        f"relsim: note: {out} is not a complete sweep: 4 of 6 runs are done, and only they "
        "are used; the command that made it, run again with --resume, finishes it"
    )
    capsys.readouterr()

    assert relsim_main("sweep-summary", out) == 0
    assert note in capsys.readouterr().err.splitlines()
    # point 2 not begun: listed all the same, with no runs and no values (it was left out,
    # though runs_ok is what shows how far each point has got)
    summary = pd.read_csv(out / "summary.csv")
    assert summary["runs_ok"].tolist() == [2, 2, 0] and summary["point"].tolist() == [0, 1, 2]
    assert summary.loc[2, "runs_failed"] == 0
    assert (
        summary.loc[2, "referral_friction"]
        == manifest(out)["design"]["points"][2]["referral_friction"]
    )
    assert pd.isna(summary.loc[2, "crisis_events_per_citizen_year_mean"])
    assert relsim_main("discover", out, "--where", "mean_burnout > 0") == 0
    assert note in capsys.readouterr().err.splitlines()

    again = tmp_path / "again"
    assert relsim_main("rerun", out / "manifest.json", "--out", again, "--workers", "1") == 2
    assert capsys.readouterr().err == (
        f"relsim: error: {out / 'manifest.json'}: the sweep is not complete; finish it with "
        "`relsim sweep ... --resume` (the command that made it), then rerun it\n"
    )
    assert not again.exists()


@pytest.mark.parametrize("damage", ["unreadable part", "no parts", "no runs table"])
def test_a_rerun_refuses_an_original_it_cannot_read_before_running(
    damage, grid_sweep, tmp_path, capsys
):
    """A damaged part of the original's runs table: every run was made again and the command
    then ended in pyarrow's own text (exit 1); with its parts gone it ended in a KeyError, and
    with the whole table gone it said "not compared" and exit 0. Each is now refused first, in
    one line."""
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    (part,) = parts(out)
    if damage == "unreadable part":
        part.write_bytes(b"not parquet")
        why = f"runs.parquet/{part.name} cannot be read as Parquet"
    else:
        part.unlink()
        if damage == "no runs table":
            (out / "runs.parquet").rmdir()
        why = "runs.parquet is missing or holds no rows"
    capsys.readouterr()
    again = tmp_path / "again"
    assert relsim_main("rerun", out, "--out", again, "--workers", "1") == 2
    assert capsys.readouterr().err == (
        f"relsim: error: {out / 'manifest.json'}: {why}, so nothing could be compared with it; "
        "nothing was run\n"
    )
    assert not again.exists()


def test_a_complete_sweep_is_summarised_without_a_note(grid_sweep, tmp_path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    capsys.readouterr()
    assert relsim_main("sweep-summary", out) == 0
    assert "note" not in capsys.readouterr().err


# --------------------------------------------------------------------------- sensitivity

SENSITIVITY_RANGES = (
    "--range",
    "demand_complexity=0:1",
    "--range",
    "referral_friction=0:1",
    "--range",
    "workforce.caseload_cap=10:28",
)


@pytest.mark.parametrize(
    ("method", "n", "points", "index", "interval"),
    [
        ("morris", 4, 4 * (3 + 1), "mu_star", "mu_star_ci95"),
        ("sobol", 8, 8 * (3 + 2), "ST", "ST_ci95"),
    ],
)
def test_sensitivity_end_to_end(
    method, n, points, index, interval, baseline, cli_small_sets, tmp_path, capsys
):
    out = tmp_path / method
    capsys.readouterr()
    status = relsim_main(
        "sensitivity",
        baseline,
        "--method",
        method,
        "--n",
        n,
        *SENSITIVITY_RANGES,
        "--reps",
        "1",
        "--seed",
        SEED,
        *cli_small_sets,
        "--workers",
        "1",
        "--out",
        out,
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    runs = runs_table(out)
    assert len(runs) == points and (runs["status"] == "ok").all()
    assert runs["demand_complexity"].between(0, 1).all()

    table = pd.read_csv(out / "sensitivity.csv")
    parameters = ["demand_complexity", "referral_friction", "workforce.caseload_cap"]
    assert list(table["metric"]) == [m for m in HEADLINE_METRICS for _ in parameters]
    assert list(table["parameter"]) == parameters * len(HEADLINE_METRICS)
    assert {"crisis_events_per_citizen_year", "total_cost_per_citizen_year"} <= set(table["metric"])
    assert np.isfinite(table[[index, interval]]).all(axis=None)
    assert (table[interval] >= 0).all()
    crisis = table[table["metric"] == "crisis_events_per_citizen_year"].set_index("parameter")
    # Demand complexity drives crises (a key the model never reads is refused before any run:
    # tests/test_bad_input.py; common random numbers would make its indices exactly zero)
    assert crisis.loc["demand_complexity", index] > 0
    assert runs["workforce.caseload_cap"].between(10, 28).all()
    assert crisis.loc["demand_complexity", index] > crisis.loc["referral_friction", index]
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "demand_complexity" in captured.out


def test_a_metric_with_no_value_is_left_out_not_blamed_on_missing_runs(
    cli_small_sets, tmp_path, capsys
):
    """A district with no services has no staff, so no burnout: every run finished, and the
    analysis leaves that metric out and says why, instead of sending the user to a --resume
    that could never help; with no metric left it is refused, naming the metrics."""
    out = tmp_path / "s"
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    args = ("sensitivity", "none", "--method", "morris", "--n", "2", *ranges, "--reps", "1",
            *cli_small_sets, "--workers", "1")  # fmt: skip
    capsys.readouterr()
    assert relsim_main(*args, "--out", out) == 0
    err = capsys.readouterr().err
    assert (
        "relsim: note: mean_burnout has no value at 6 of the 6 design points (nothing to "
        "measure it by there): it is left out of the analysis"
    ) in err
    table = pd.read_csv(out / "sensitivity.csv")
    assert "mean_burnout" not in set(table["metric"]) and len(set(table["metric"])) >= 3
    only = ("--metric", "mean_burnout", "--out", tmp_path / "only")
    assert relsim_main(*args, *only) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error == (
        "relsim: error: sensitivity: none of the metrics (mean_burnout) has a value at every "
        "design point; choose others with --metric"
    )


def test_sensitivity_whose_runs_failed_says_how_to_run_them_again(
    baseline, cli_small_sets, tmp_path, capsys, monkeypatch
):
    """Failed runs are stored, so --resume alone counts them as done: the message names
    --retry-failed, and once the cause is gone that finishes the analysis."""
    real = relsim.sweep.executors.run_one

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the model broke")

    out = tmp_path / "s"
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    args = ("sensitivity", baseline, "--method", "morris", "--n", "2", *ranges, "--reps", "1",
            *cli_small_sets, "--workers", "1", "--out", out)  # fmt: skip
    monkeypatch.setattr(relsim.sweep.executors, "run_one", broken)
    capsys.readouterr()
    assert relsim_main(*args) == 1
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith("relsim: error: sensitivity: 6 design points have no successful run")
    assert "--resume --retry-failed" in error
    monkeypatch.setattr(relsim.sweep.executors, "run_one", real)
    assert relsim_main(*args, "--resume", "--retry-failed") == 0
    assert (out / "sensitivity.csv").is_file()


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_sensitivity_analyses_a_metric_named_twice_once(
    method, baseline, cli_small_sets, tmp_path, capsys
):
    """A --metric given twice is one metric: the analysis ran every point and then failed on
    the duplicate."""
    out = tmp_path / method
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    metric = ("--metric", "mean_burnout")
    args = ("sensitivity", baseline, "--method", method, "--n", "2", *ranges, "--reps", "1",
            *metric, *metric, *cli_small_sets, "--workers", "1", "--out", out)  # fmt: skip
    capsys.readouterr()
    assert relsim_main(*args) == 0, capsys.readouterr().err
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table["metric"]) == ["mean_burnout", "mean_burnout"]
    assert list(table["parameter"]) == ["continuity", "referral_friction"]


def test_rerun_of_a_sensitivity_analysis_works_out_its_indices_again(
    baseline, cli_small_sets, tmp_path, capsys
):
    """rerun re-created only the runs of a sensitivity analysis: it now works the indices out
    again, for the metrics the original analysed, and compares its table and plot; an index
    changed by hand is found."""
    out = tmp_path / "s"
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    args = ("sensitivity", baseline, "--method", "morris", "--n", "2", *ranges, "--reps", "1",
            "--metric", "mean_burnout", *cli_small_sets, "--workers", "1")  # fmt: skip
    assert relsim_main(*args, "--out", out) == 0
    capsys.readouterr()
    assert relsim_main("rerun", out, "--out", tmp_path / "again", "--workers", "1", "--json") == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert files == dict.fromkeys(
        ("runs.parquet", "sensitivity.csv", "sensitivity.png"), "identical"
    )
    table = pd.read_csv(out / "sensitivity.csv")
    table.loc[0, "mu_star"] += 1.0
    table.to_csv(out / "sensitivity.csv", index=False)
    capsys.readouterr()
    assert relsim_main("rerun", out, "--out", tmp_path / "third", "--workers", "1", "--json") == 1
    assert json.loads(capsys.readouterr().out)["files"]["sensitivity.csv"] == "differs"


def test_a_sensitivity_resumed_otherwise_is_told_its_own_options(
    baseline, cli_small_sets, tmp_path, capsys
):
    """A sensitivity analysis has no --ensemble and its design is its --method, --n and
    --range: a refused resume names those."""
    out = tmp_path / "s"
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    args = ("sensitivity", baseline, "--method", "morris", *ranges, "--reps", "1", "--metric",
            "mean_burnout", *cli_small_sets, "--workers", "1", "--out", out)  # fmt: skip
    assert relsim_main(*args, "--n", "2") == 0
    capsys.readouterr()
    assert relsim_main(*args, "--n", "3", "--resume") == 2
    assert capsys.readouterr().err.endswith(
        "the design differs from the stored sweep's; resume with the same scenario, --method, "
        "--n, --range, --reps and --seed\n"
    )


def test_resuming_a_sweep_with_the_other_command_names_the_command(
    small, grid_sweep, baseline, cli_small_sets, tmp_path, capsys
):
    """`sweep --resume` of a sensitivity analysis's sweep was told to resume "with the same
    --method, --n, --range", options `sweep` does not have; `sensitivity --resume` of a plain
    sweep was told that --ensemble differed. Each is told which command made it."""
    analysis = tmp_path / "analysis"
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    made = ("--method", "morris", "--n", "2", *ranges, "--reps", "1", "--seed", SEED)
    common = (*cli_small_sets, "--workers", "1")
    assert relsim_main("sensitivity", baseline, *made, *common, "--out", analysis) == 0
    capsys.readouterr()
    assert small(analysis, *GRID3, "--reps", "1", "--resume") == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert "is a sensitivity analysis's; resume it with `relsim sensitivity`" in line, line
    copy = tmp_path / "plain"
    shutil.copytree(grid_sweep, copy)
    assert relsim_main("sensitivity", baseline, *made, *common, "--out", copy, "--resume") == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert "is a plain sweep, not a sensitivity analysis's; resume it with `relsim sweep`" in line


def test_sensitivity_bad_input(baseline, cli_small_sets, tmp_path, capsys):
    out = tmp_path / "s"
    common = ("--method", "morris", *cli_small_sets, "--workers", "1", "--out", out)
    assert relsim_main("sensitivity", baseline, *common, "--range", "continuity=0:1") == 2
    assert "two --range" in capsys.readouterr().err
    bad = ("--range", "continuity=0:1", "--range", "workforce.nope=1:2")
    assert relsim_main("sensitivity", baseline, *common, *bad) == 2
    assert "workforce.nope" in capsys.readouterr().err
    # Morris levels of an integer key must be whole numbers: caps 6 to 10 would step by 4/3.
    uneven = ("--range", "continuity=0:1", "--range", "workforce.caseload_cap=6:10")
    assert relsim_main("sensitivity", baseline, *common, *uneven) == 2
    assert "multiple of 3" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_sensitivity_refuses_a_key_given_twice_before_any_run(
    method, baseline, cli_small_sets, tmp_path, capsys
):
    out = tmp_path / "s"
    twice = ("--range", "continuity=0:1", "--range", "continuity=0:1")
    args = ("--method", method, "--n", "2", *twice, *cli_small_sets, "--reps", "1")
    capsys.readouterr()
    assert relsim_main("sensitivity", baseline, *args, "--workers", "1", "--out", out) == 2
    assert capsys.readouterr().err == "relsim: error: --range: a key is given twice (continuity)\n"
    assert not out.exists()


def test_sensitivity_without_a_method_says_so_in_one_line(baseline, tmp_path, capsys):
    capsys.readouterr()
    assert relsim_main("sensitivity", baseline, "--out", tmp_path / "s") == 2
    assert capsys.readouterr().err == "relsim: error: --method is required: morris or sobol\n"


def test_design_errors_are_scenario_errors():
    """Library callers get the same one-line errors as the command line."""
    with pytest.raises(ScenarioError, match="unknown key"):
        parse_grid("workforce.bogus=1,2")
    with pytest.raises(ScenarioError, match="HIGH must be greater"):
        sample_design("lhs", 4, ["continuity=0.5:0.5"], seed=1)


def test_a_point_may_leave_a_key_out(tmp_path, baseline):
    """A key missing at one design point (YAML), a null, or an empty CSV cell keeps the
    scenario's value (or the knob's) at that point."""
    from relsim.config import validate_data
    from relsim.config.loading import load_raw
    from relsim.sweep.design import file_design, validate_design

    base = load_raw(baseline)
    yaml_file = tmp_path / "d.yaml"
    yaml_file.write_text(
        "- {continuity: 0.2, workforce.caseload_cap: 10, staff.turnover_per_year: 0.05}\n"
        "- {continuity: 0.8, staff.turnover_per_year: null}\n"
    )
    csv_file = tmp_path / "d.csv"
    csv_file.write_text("continuity,workforce.caseload_cap\n0.2,10\n0.8,\n")
    for path in (yaml_file, csv_file):
        first, second = validate_design(base, file_design(path))
        assert first.workforce.caseload_cap == 10
        assert second.workforce.caseload_cap == load_scenario(baseline).workforce.caseload_cap
    first, second = validate_design(base, file_design(yaml_file))
    assert first.staff.turnover_per_year == 0.05
    knob_default = validate_data({"continuity": 0.8}, "x").staff.turnover_per_year
    assert second.staff.turnover_per_year == pytest.approx(knob_default)
    # an error at such a point names what it sets, not 'nan' for what it leaves out
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("continuity,care_model\n0.2,liberated\n,relational\n")
    with pytest.raises(ScenarioError) as refused:
        validate_design(base, file_design(wrong))
    assert "design point 1 {'care_model': 'relational'}: care_model" in str(refused.value)


EXCLUDES = "specialists.mental_health.excludes_if_active"


@pytest.fixture(scope="module")
def partial_keys_sweep(tmp_path_factory, baseline, cli_small_sets) -> Path:
    """A design file whose first two points leave the care model and a list key out (the
    scenario's values apply), and whose last two set them."""
    work = tmp_path_factory.mktemp("partial_keys")
    design = work / "design.yaml"
    design.write_text(
        yaml.safe_dump(
            [
                {"continuity": 0.2},
                {"continuity": 0.8},
                {"continuity": 0.5, "care_model": "liberated", EXCLUDES: ["safety"]},
                {"continuity": 0.9, "care_model": "liberated", EXCLUDES: ["safety"]},
            ]
        )
    )
    out = work / "sweep"
    args = ("--design", design, "--reps", "2", "--seed", SEED, "--workers", "1", "--out", out)
    assert relsim_main("sweep", baseline, *cli_small_sets, *args) == 0
    return out


def test_a_plot_keeps_the_points_that_leave_a_key_out(partial_keys_sweep, monkeypatch):
    """The points that leave the other swept keys out are a line of their own, labelled as
    the scenario's, not silently dropped from the plot."""
    import matplotlib.axes

    drawn: dict[str, list[float]] = {}
    real = matplotlib.axes.Axes.errorbar

    def errorbar(self, x, y, *args, **kwargs):
        drawn[kwargs["label"]] = list(x)
        return real(self, x, y, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "errorbar", errorbar)
    plot = ("--metric", "mean_burnout", "--param", "continuity")
    assert relsim_main("sweep-summary", partial_keys_sweep, *plot) == 0
    assert sorted(x for xs in drawn.values() for x in xs) == [0.2, 0.5, 0.8, 0.9]
    unset = next(label for label, xs in drawn.items() if xs == [0.2, 0.8])
    assert "care_model from the scenario" in unset


def test_points_that_leave_the_plotted_key_out_are_drawn_at_the_scenarios_value(
    partial_keys_sweep, monkeypatch, capsys
):
    """Plotted against the care model, the points that leave it out were dropped without a
    word (their line named in the legend, with no marks); they are drawn at the model the
    scenario gives them, and a note says so."""
    import matplotlib.axes

    drawn: list[object] = []
    real = matplotlib.axes.Axes.errorbar

    def errorbar(self, x, y, *args, **kwargs):
        drawn.extend(x)
        return real(self, x, y, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "errorbar", errorbar)
    capsys.readouterr()
    plot = ("--metric", "mean_burnout", "--param", "care_model")
    assert relsim_main("sweep-summary", partial_keys_sweep, *plot) == 0
    assert sorted(map(str, drawn)) == [
        "assess_do_refer", "assess_do_refer", "liberated", "liberated"
    ]  # fmt: skip
    err = capsys.readouterr().err
    assert "2 design points leave care_model out; plotted at the value the scenario gives" in err


def test_a_summary_of_a_swept_list_key_is_json(partial_keys_sweep, capsys):
    """A list key's values (an ndarray when read back) are JSON lists, and plain lists in
    summary.csv."""
    capsys.readouterr()
    assert relsim_main("sweep-summary", partial_keys_sweep, "--json") == 0
    points = json.loads(capsys.readouterr().out)["points"]
    assert [p[EXCLUDES] for p in points] == [None, None, ["safety"], ["safety"]]
    table = pd.read_csv(partial_keys_sweep / "summary.csv")
    assert table[EXCLUDES].tolist()[2:] == ["['safety']", "['safety']"]


def test_resume_takes_the_same_design_written_another_way(grid_sweep, small, tmp_path, monkeypatch):
    """The design is compared by its points, not as written: 0.50 is 0.5."""
    out = tmp_path / "partial"
    shutil.copytree(grid_sweep, out)
    full = runs_table(out)
    keep = full[full["replication"] == 0]
    for part in parts(out):
        part.unlink()
    keep.to_parquet(out / "runs.parquet" / "part-000000.parquet", index=False)
    key, values = GRID3[1].split("=")
    rewritten = ",".join(f"{float(v):.2f}" for v in values.split(","))
    assert rewritten != values
    assert small(out, "--grid", f"{key}={rewritten}", "--reps", "2", "--resume") == 0
    assert_same_runs(runs_table(out), full)


def test_a_stop_while_the_indices_are_written_says_the_runs_are_saved(
    baseline, cli_small_sets, tmp_path, capsys, monkeypatch
):
    """Ctrl-C after every run, while the indices are worked out and written: the runs are
    there, so the line says so and how to finish (not 'no results written'); --resume does."""
    import relsim.sweep.sensitivity

    out = tmp_path / "s"
    ranges = ("--range", "continuity=0:1", "--range", "referral_friction=0:1")
    args = ("sensitivity", baseline, "--method", "morris", "--n", "2", *ranges, "--reps", "1",
            *cli_small_sets, "--workers", "1", "--out", out)  # fmt: skip
    real = relsim.sweep.sensitivity.write_sensitivity

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(relsim.sweep.sensitivity, "write_sensitivity", interrupted)
    capsys.readouterr()
    assert relsim_main(*args) == 130
    (line,) = capsys.readouterr().err.strip().splitlines()[-1:]
    assert "every run is saved in" in line and "--resume" in line, line
    monkeypatch.setattr(relsim.sweep.sensitivity, "write_sensitivity", real)
    assert relsim_main(*args, "--resume") == 0
    assert (out / "sensitivity.csv").is_file() and (out / "sensitivity.png").is_file()


@pytest.mark.parametrize(
    ("command", "design", "says"),
    [
        ("sweep", ("--grid", "continuity=0.1,0.9"), "the design varies this key"),
        (
            "sensitivity",
            (
                "--method",
                "morris",
                "--n",
                "2",
                "--range",
                "continuity=0:1",
                "--range",
                "referral_friction=0:1",
            ),
            "a --range varies this key",
        ),
    ],
    ids=["sweep", "sensitivity"],
)
def test_a_key_both_set_and_varied_is_refused(command, design, says, baseline, tmp_path, capsys):
    """--set continuity=0.5 beside a design over continuity would be silently replaced by the
    design's values."""
    out = tmp_path / "s"
    capsys.readouterr()
    args = (command, baseline, *design, "--set", "continuity=0.5", "--out", out)
    assert relsim_main(*args) == 2
    assert capsys.readouterr().err == (
        f"relsim: error: --set continuity: {says}, and its values would replace the --set; "
        "give it in one place\n"
    )
    assert not out.exists()


def test_an_address_where_nothing_answers_as_a_scheduler_fails_in_time(monkeypatch):
    """Something that accepts the connection and never answers (a scheduler's dashboard port,
    any other server) made Dask's client wait without end; relsim asks first, with a deadline,
    and stops in one line."""
    import socket

    from relsim.sweep import dask_executor
    from relsim.sweep.dask_executor import DaskError, check_dask

    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 1.0)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(DaskError, match=r"nothing answered as one within 1 s"):
            check_dask(address)
    assert time.monotonic() - started < 10


def test_a_worker_that_joins_with_other_code_is_refused_by_its_first_run(monkeypatch):
    """The check at the start sees only the workers there then; each run checks its own
    worker, and the client stops the sweep in one line that keeps the finished runs."""
    import distributed

    from relsim.sweep import dask_executor
    from relsim.sweep.dask_executor import DaskError, WorkerMismatchError, _result

    class Worker:
        address = "tcp://10.0.0.2:4321"

    monkeypatch.setattr(distributed, "get_worker", lambda: Worker())
    mine = dask_executor._environment()
    monkeypatch.setattr(
        dask_executor, "_worker_environment", lambda: {**mine, "relsim_version": "0.0.1"}
    )
    with pytest.raises(WorkerMismatchError) as raised:
        dask_executor.execute_checked(None, mine)  # type: ignore[arg-type]

    class Failed:
        def result(self):
            raise raised.value

    with pytest.raises(DaskError, match=r"tcp://10.0.0.2:4321 runs relsim '0\.0\.1'.*--resume"):
        _result(Failed(), "tcp://127.0.0.1:8786")


def test_the_scheduler_is_not_probed_from_within_a_running_event_loop(monkeypatch):
    """A notebook runs an event loop, where asyncio.run cannot: the probe steps aside there
    (the client connects as Dask's own) rather than call a reachable scheduler unreachable."""
    import asyncio

    from relsim.sweep import dask_executor

    def never(address):  # pragma: no cover - called only if the probe ran
        raise AssertionError("probed")

    monkeypatch.setattr(dask_executor, "_identity", never)

    async def inside() -> None:
        dask_executor._check_scheduler("tcp://127.0.0.1:1")

    asyncio.run(inside())


def test_a_plot_of_a_metric_with_no_value_anywhere_says_it_is_empty(grid_sweep, tmp_path, capsys):
    """Twenty weeks leave no year in which to come back, so the repeat share has no value at
    any point: the empty plot is said, not left to be found."""
    metric = "repeat_within_year_share"
    assert runs_table(grid_sweep)[metric].isna().all()
    capsys.readouterr()
    plot = ("--metric", metric, "--param", "referral_friction", "--plot", tmp_path / "p.png")
    assert relsim_main("sweep-summary", grid_sweep, "--csv", tmp_path / "s.csv", *plot) == 0
    err = capsys.readouterr().err
    assert f"relsim: note: {metric} has no value at any design point: the plot is empty" in err
    other = ("--metric", "crisis_events_per_citizen_year", "--param", "referral_friction")
    assert relsim_main("sweep-summary", grid_sweep, "--csv", tmp_path / "t.csv", *other,
                       "--plot", tmp_path / "q.png") == 0  # fmt: skip
    assert "the plot is empty" not in capsys.readouterr().err


def test_a_large_design_shows_its_progress_while_its_points_are_checked(
    small, tmp_path, monkeypatch, capsys
):
    """Checking 65,536 points took two minutes with nothing on the screen, which read as a
    hang: a large design is checked under a progress line, as its runs are."""
    import time

    import relsim.sweep.run

    real_hash = relsim.sweep.run.scenario_hash

    def slow_hash(scenario):
        time.sleep(0.05)  # a large design's worth of checking, in three points
        return real_hash(scenario)

    monkeypatch.setattr(relsim.sweep.run, "LARGE_DESIGN", 3)
    monkeypatch.setattr(relsim.sweep.run, "scenario_hash", slow_hash)
    monkeypatch.setenv("RELSIM_PROGRESS_SECONDS", "0.02")
    capsys.readouterr()
    small(tmp_path / "large", *GRID3, "--reps", "1")
    lines = capsys.readouterr().err.splitlines()
    checking = [line for line in lines if line.startswith("relsim: checking the design: ")]
    assert checking and "points done" in checking[0]
    monkeypatch.setattr(relsim.sweep.run, "LARGE_DESIGN", 4)  # smaller designs: no such line
    small(tmp_path / "small", *GRID3, "--reps", "1")
    assert "checking the design" not in capsys.readouterr().err


def test_a_design_point_with_an_empty_district_is_warned_of(baseline, tmp_path, capsys):
    """`run` warns of an empty district; a design point with one ran 'ok' with every metric
    empty, and not a word."""
    design = tmp_path / "d.csv"
    design.write_text("population.citizens\n0\n200\n")
    short = ("--set", "time.weeks=20", "--set", "time.warmup_weeks=4", "--reps", "1")
    capsys.readouterr()
    args = ("sweep", baseline, "--design", design, *short, "--workers", "1")
    assert relsim_main(*args, "--out", tmp_path / "s") == 0
    warned = [w for w in capsys.readouterr().err.splitlines() if "district is empty" in w]
    assert warned == [
        "relsim: warning: design point 0: population.citizens is 0 and nobody arrives, so the "
        "district is empty there: every per-citizen metric is empty and nothing is measured"
    ]


def test_a_sample_that_repeats_points_says_so(small, tmp_path, capsys):
    """A Latin hypercube of 4 points over workforce.caseload_cap=5:6 has two distinct values:
    --grid refuses a repeated value, --sample now says how many points repeat another."""
    capsys.readouterr()
    args = ("--sample", "lhs", "--n", "4", "--range", "workforce.caseload_cap=5:6", "--reps", "1")
    assert small(tmp_path / "lhs", *args) == 0
    assert "2 of the 4 sampled points repeat another" in capsys.readouterr().err
    args = ("--sample", "lhs", "--n", "4", "--range", "continuity=0.1:0.9", "--reps", "1")
    assert small(tmp_path / "fine", *args) == 0
    assert "repeat another" not in capsys.readouterr().err


def test_a_summary_says_when_the_store_has_runs_its_design_cannot_have(
    grid_sweep, tmp_path, capsys
):
    """A part added by hand, with a point 999 and a replication 99, was summarised without a
    word (51 points from a 3-point design): the summary now says the store was changed."""
    out = tmp_path / "copy"
    shutil.copytree(grid_sweep, out)
    (part,) = parts(out)
    import pyarrow as pa

    stored = pq.read_table(part)
    row = stored.slice(0, 1).to_pandas()
    row["point"], row["replication"] = 999, 99
    added = pa.Table.from_pandas(row, schema=stored.schema, preserve_index=False)
    pq.write_table(added, part.with_name("part-000099.parquet"))
    capsys.readouterr()
    assert relsim_main("sweep-summary", out) == 0
    assert (
        "1 of the store's runs are of a point or replication its design does not have (3 points "
        "x 2 replications)" in capsys.readouterr().err
    )
    assert relsim_main("sweep-summary", grid_sweep, "--csv", tmp_path / "s.csv") == 0
    assert "its design does not have" not in capsys.readouterr().err
