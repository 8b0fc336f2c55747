"""Results on disk (`--out DIR`): the four tidy files, refusing to overwrite, and never leaving
something that looks like a result after a failure or an interrupt."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

import relsim
import relsim.cli
import relsim.run_results
import relsim.runner
from relsim.cli import main
from relsim.config import load_scenario, scenario_dict, scenario_hash
from tests.cli_helpers import relsim_main

FILES = [
    "journeys.parquet",
    "manifest.json",
    "summary.csv",
    "summary_means.csv",
    "timeseries.parquet",
]
JOURNEY_COLUMNS = {"week", "citizen", "kind", "worker", "service", "detail"}
REPS = 2
WEEKS, WARMUP, CITIZENS = 20, 4, 300  # as in the cli_small_sets fixture


@pytest.fixture(scope="module")
def baseline(cli_scenarios: Path) -> Path:
    return cli_scenarios / "baseline.yaml"


@pytest.fixture(scope="module")
def written(tmp_path_factory, cli_run, baseline, cli_small_sets):
    """One `relsim run --out DIR --json` in a subprocess: (stdout payload, DIR)."""
    out = tmp_path_factory.mktemp("run") / "results"
    args = ["--reps", str(REPS), "--seed", "7", *cli_small_sets, "--workers", "1", "--json"]
    result = cli_run("run", baseline, *args, "--out", out)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), out


def _small(baseline: Path, small_sets: tuple[str, ...]):
    return load_scenario(baseline, [s for s in small_sets if s != "--set"])


def test_out_holds_exactly_the_documented_files(written, cli_leftovers):
    _, out = written
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert cli_leftovers(out.parent, out.name) == [out.name]  # no staging directory left


def test_summary_csv_has_a_row_per_replication_and_a_column_per_metric(
    written, cli_contract_metrics
):
    payload, out = written
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == REPS
    assert sorted(summary["replication"]) == list(range(REPS))
    for metric in cli_contract_metrics:
        assert metric in summary.columns, metric
        assert pd.api.types.is_float_dtype(summary[metric]) or summary[metric].isna().all()
    # The file holds the very replications the printed means summarise.
    for metric, values in payload["metrics"].items():
        column = summary[metric].dropna()
        if len(column):
            assert values["mean"] == pytest.approx(column.mean(), rel=1e-12), metric


def test_timeseries_has_weekly_rows_for_every_replication(written):
    _, out = written
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert "week" in frame.columns and "replication" in frame.columns
    assert pd.api.types.is_integer_dtype(frame["week"])
    assert set(frame["replication"]) == set(range(REPS))
    weeks_by_rep = []
    for _, rows in frame.groupby("replication"):
        weeks = rows["week"].tolist()
        assert weeks == list(range(weeks[0], weeks[0] + len(weeks))), "not one row per week"
        assert WEEKS <= len(weeks) <= WEEKS + WARMUP + 1
        weeks_by_rep.append(weeks)
    assert all(w == weeks_by_rep[0] for w in weeks_by_rep)


def test_journeys_record_each_citizens_events(written):
    _, out = written
    frame = pd.read_parquet(out / "journeys.parquet")
    assert set(frame.columns) >= JOURNEY_COLUMNS
    kinds = set(frame["kind"].astype(str))
    assert {"arrived", "presented"} <= kinds
    assert set(frame["replication"]) == set(range(REPS))
    assert frame["week"].between(0, WEEKS + WARMUP).all()
    for _, events in frame.groupby("replication"):
        arrived = events.loc[events["kind"] == "arrived", "citizen"]
        assert arrived.is_unique, "a citizen arrived twice"
        assert len(arrived) >= CITIZENS  # the initial cohort, plus arrivals
        # Every story starts with an arrival.
        assert set(events["citizen"]) <= set(arrived)


def test_manifest_ties_the_results_to_their_inputs(written, baseline, cli_small_sets):
    payload, out = written
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    scenario = _small(baseline, cli_small_sets)

    assert manifest["relsim_version"] == relsim.__version__
    assert "git_commit" in manifest
    commit = manifest["git_commit"]
    assert commit is None or re.fullmatch(r"[0-9a-f]{40}", commit)
    assert manifest["scenario"] == scenario_dict(scenario)  # resolved, --set overrides included
    assert manifest["scenario"]["population"]["citizens"] == CITIZENS
    assert manifest["scenario_hash"] == scenario_hash(scenario)
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["scenario_hash"])
    assert manifest["seed"] == 7
    assert manifest["reps"] == REPS
    versions = manifest["versions"]
    assert versions["python"] == platform.python_version()
    for library in ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy"):
        assert versions[library] == importlib.metadata.version(library), library
    started = dt.datetime.fromisoformat(manifest["started"])
    finished = dt.datetime.fromisoformat(manifest["finished"])
    assert started.tzinfo is not None and started <= finished
    # The steady state is reported: drift between the halves of the measured period, and
    # whether the warm-up covers the MSER-5 truncation point of the weekly crisis series.
    steady = manifest["steady_state"]
    assert set(steady["drift_second_half_vs_first"]) == {"crises", "mean_need", "crisis_rate"}
    assert steady["warmup_weeks"] == scenario.time.warmup_weeks
    assert steady["warmup_covers_mser5"] == (
        steady["mser5_truncation_weeks"] <= scenario.time.warmup_weeks
    )
    # What was printed and what was written describe the same run.
    for key, value in payload["provenance"].items():
        if key != "finished":
            assert manifest[key] == value, key


def test_manifest_hash_changes_with_the_scenario(baseline, cli_small_sets):
    scenario = _small(baseline, cli_small_sets)
    other = load_scenario(baseline, [*(s for s in cli_small_sets if s != "--set"), "seed=2"])
    assert scenario_hash(scenario) != scenario_hash(other)


def test_non_empty_out_dir_is_refused(tmp_path, cli_run, baseline, cli_small_sets, cli_leftovers):
    out = tmp_path / "results"
    out.mkdir()
    (out / "keep.txt").write_text("precious\n", encoding="utf-8")

    result = cli_run("run", baseline, "--reps", "1", *cli_small_sets, "--out", out, cwd=tmp_path)

    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "--out" in result.stderr and str(out) in result.stderr
    # --force would refuse a directory of someone else's too, so it is not suggested
    assert "choose another directory" in result.stderr and "--force" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "precious\n"
    assert cli_leftovers(tmp_path, "results") == ["results"]


# In-process from here: these are about what lands on disk, and main() is the entry point itself.


def _main(*args: str | Path) -> int:
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def test_force_replaces_an_earlier_result(tmp_path, baseline, cli_small_sets, cli_leftovers):
    out = tmp_path / "results"
    assert _main("run", baseline, "--reps", "1", *cli_small_sets, "--out", out) == 0
    first = json.loads((out / "manifest.json").read_text())

    code = _main("run", baseline, "--reps", "1", *cli_small_sets, "--out", out, "--force")

    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert json.loads((out / "manifest.json").read_text())["started"] >= first["started"]
    assert cli_leftovers(tmp_path, "results") == ["results"]


@pytest.mark.parametrize("command", ["run", "compare"])
def test_force_without_out_is_refused(command, tmp_path, baseline, cli_small_sets, capsys):
    """--force replaces an earlier result in --out; given alone it would do nothing, and say
    nothing of it."""
    scenarios = [baseline] if command == "run" else [baseline, "liberated"]
    code = _main(command, *scenarios, "--reps", "1", *cli_small_sets, "--force")
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.splitlines() == [
        "relsim: error: --force needs --out (it replaces an earlier result there)"
    ]


def test_empty_existing_out_dir_is_used(tmp_path, baseline, cli_small_sets):
    out = tmp_path / "results"
    out.mkdir()
    assert _main("run", baseline, "--reps", "1", *cli_small_sets, "--out", out) == 0
    assert sorted(p.name for p in out.iterdir()) == FILES


@pytest.mark.parametrize("kind", ["file", "parent is a file"])
def test_unusable_out_path_is_bad_input(kind, tmp_path, baseline, cli_small_sets, capsys):
    out = tmp_path / "results"
    if kind == "file":
        out.write_text("not a directory\n", encoding="utf-8")
    else:
        (tmp_path / "results").write_text("not a directory\n", encoding="utf-8")
        out = tmp_path / "results" / "inner"

    code = _main("run", baseline, "--reps", "1", *cli_small_sets, "--out", out)

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and str(out) in captured.err, captured.err
    assert (tmp_path / "results").read_text(encoding="utf-8") == "not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


@pytest.mark.parametrize("target", [".", ".."])
def test_out_that_holds_the_current_directory_is_refused_even_with_force(
    target, tmp_path, baseline, cli_small_sets, monkeypatch, capsys
):
    work = tmp_path / "work"
    work.mkdir()
    (work / "precious.txt").write_text("keep\n", encoding="utf-8")
    monkeypatch.chdir(work)

    code = _main("run", baseline, "--reps", "1", *cli_small_sets, "--out", target, "--force")

    assert code == 2
    assert f"--out {target}:" in capsys.readouterr().err
    assert (work / "precious.txt").read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_interrupt_while_writing_leaves_nothing(
    tmp_path, baseline, cli_small_sets, monkeypatch, capsys, cli_leftovers
):
    """Ctrl-C after the files are written but before they are moved into place."""
    real = relsim.run_results.write_run_files
    staged: list[Path] = []

    def write_then_interrupt(directory, *args, **kwargs):
        real(directory, *args, **kwargs)
        staged.append(directory)
        raise KeyboardInterrupt

    monkeypatch.setattr(relsim.run_results, "write_run_files", write_then_interrupt)
    out = tmp_path / "results"

    code = _main("run", baseline, "--reps", "1", *cli_small_sets, "--out", out)

    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    assert staged and staged[0] != out  # files went to a staging directory first ...
    assert cli_leftovers(tmp_path, "results") == []  # ... which is gone, and no result appeared


def test_interrupt_during_replications_leaves_nothing(
    tmp_path, baseline, cli_small_sets, monkeypatch, capsys, cli_leftovers
):
    real = relsim.runner.run_one

    def interrupt_second(scenario, seed, replication=0, journeys=False):
        if replication == 1:
            raise KeyboardInterrupt
        return real(scenario, seed, replication, journeys)

    monkeypatch.setattr(relsim.runner, "run_one", interrupt_second)
    out = tmp_path / "results"

    code = _main("run", baseline, "--reps", "3", *cli_small_sets, "--workers", "1", "--out", out)

    assert code == 130
    captured = capsys.readouterr()
    assert "interrupted" in captured.err and captured.out == ""
    assert cli_leftovers(tmp_path, "results") == []


def _cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used so far (Linux), or None where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_cpu(process, seconds: float) -> None:
    """Wait until the process has done `seconds` of work: robust to a busy machine, unlike a
    wall-clock sleep (on a quiet one, about as long)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        used = _cpu_seconds(process.pid)
        if used is None:
            time.sleep(seconds)
            return
        if used >= seconds:
            return
        time.sleep(0.05)


# About 1 s of work in, relsim is still loading its libraries; about 4 s in, it is running
# replications (the full-size scenario: ten replications take far longer than that).
@pytest.mark.parametrize("work_seconds", [1.0, 4.0], ids=["while loading", "while running"])
def test_sigint_exits_130_quietly_and_writes_nothing(
    work_seconds, tmp_path, cli_popen, baseline, cli_leftovers
):
    args = ["--reps", "10", "--workers", "1", "--out", "results"]
    process = cli_popen("run", baseline, *args, cwd=tmp_path)
    try:
        _wait_for_cpu(process, work_seconds)
        assert process.poll() is None, "finished before it could be interrupted"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr
    # One message (click first ends the terminal's "^C" line with a newline).
    assert len(stderr.strip().splitlines()) == 1 and "interrupted" in stderr, stderr
    assert cli_leftovers(tmp_path, "results") == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("care_model", ["assess_do_refer", "liberated"])
def test_weekly_flow_columns_add_up_to_the_measured_totals(care_model: str) -> None:
    """Failure demand, hand-offs, leavers and waits in the weekly series are this week's counts:
    over the measured weeks they sum to the totals the metrics are computed from."""
    from relsim.config import validate_data
    from relsim.runner import simulate

    data = {
        "care_model": care_model,
        "demand_complexity": 0.8,
        "continuity": 0.1,
        "population": {"citizens": 500, "arrivals_per_week": 3.0},
        "workforce": {"workers": 5, "caseload_cap": 10},
        "time": {"weeks": 40, "warmup_weeks": 8},
    }
    model = simulate(validate_data(data, "<test>"), seed=11, replication=0, journeys=False)
    frame = pd.DataFrame(model.series.columns)
    measured = frame.iloc[data["time"]["warmup_weeks"] :]
    tally = model.tally
    failure = tally["repeat_presentations"] + tally["chasing_contacts"]
    assert measured["failure_demand_contacts"].sum() == pytest.approx(failure)
    assert measured["handoffs"].sum() == pytest.approx(tally["handoffs"])
    assert measured["leavers"].sum() == pytest.approx(tally["leavers"])
    assert measured["waits_ended"].sum() == pytest.approx(tally["waits"])
    waited = (measured["mean_wait_weeks_ended"] * measured["waits_ended"]).sum()
    assert waited == pytest.approx(tally["wait_weeks"])
    assert failure > 0 and tally["waits"] > 0 and tally["leavers"] > 0


SETTLING = ("--set", "population.citizens=300", "--set", "time.weeks=60", "--reps", "2")


def test_a_warm_up_shorter_than_the_transient_is_said_and_steady_state_is_not_claimed(
    tmp_path, capsys
) -> None:
    """With no warm-up, the district is still settling while it is measured: compare says so
    on stderr, in its JSON and in the report, and the report does not call the measured
    period the steady state."""
    report = tmp_path / "r.html"
    args = ("compare", "baseline", "liberated", *SETTLING, "--workers", "1", "--ensemble", "0")
    unsettled = (*args, "--set", "time.warmup_weeks=0", "--json", "--report", report)
    assert relsim_main(*unsettled) == 0
    out, err = capsys.readouterr()
    warnings = json.loads(out)["warnings"]
    said = [w for w in warnings if "had not settled when its measured period began" in w]
    assert said and all("(with no warm-up; MSER-5" in w for w in said)
    assert all(w in err for w in said)
    page = report.read_text(encoding="utf-8")
    assert "in the steady state" not in page and "(the steady state, after" not in page
    assert "before every district had settled: see the warning" in page
    # a warm-up as long as the measured period always covers MSER-5's truncation (at most
    # half the series): nothing is said, and the report speaks of the steady state
    # run says it too, and keeps it with its result
    run = ("run", "liberated", *SETTLING, "--set", "time.warmup_weeks=0", "--workers", "1")
    assert relsim_main(*run, "--ensemble", "0", "--json") == 0
    out, err = capsys.readouterr()
    [kept] = json.loads(out)["warnings"]
    assert kept.startswith("liberated: the district had not settled") and kept in err
    report = tmp_path / "settled.html"
    settled = (*args, "--set", "time.warmup_weeks=60", "--json", "--report", report)
    assert relsim_main(*settled) == 0
    out, err = capsys.readouterr()
    assert "had not settled" not in out + err
    assert "from the start of the measured period in the steady state" in report.read_text(
        encoding="utf-8"
    )


def test_no_interval_of_a_measure_that_cannot_be_negative_goes_below_zero(tmp_path, capsys):
    """Three runs of a rare event give a symmetric t-interval reaching below zero (a negative
    wait, a negative burnout): the metrics' intervals, their summary file and the weekly bands
    stop at zero; the differences, which can be negative, are not cut."""
    from relsim.stats import mean_ci95

    out, workbook = tmp_path / "out", tmp_path / "w.xlsx"
    args = ("compare", "baseline", "liberated", *SETTLING[:-1], "3", "--workers", "1")
    assert relsim_main(*args, "--ensemble", "0", "--out", out, "--xlsx", workbook, "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    cut = 0
    for block in payload["scenarios"]:
        runs = pd.read_csv(out / block["scenario"] / "summary.csv")
        means = pd.read_csv(out / block["scenario"] / "summary_means.csv").set_index("metric")
        for metric, summary in block["metrics"].items():
            if summary["ci95"] is None:
                continue
            raw = mean_ci95(runs[metric].tolist())["ci95"]
            assert summary["ci95"][0] >= 0 and summary["ci95"][1] == raw[1], metric
            assert means.loc[metric, "ci95_low"] == pytest.approx(summary["ci95"][0])
            cut += raw[0] < 0
    assert cut, "no interval reached below zero: the test needs rarer events"
    assert any(
        d["ci95"][0] < 0
        for diffs in payload["differences"].values()
        for d in diffs.values()
        if d["ci95"]
    )
    bands = pd.read_excel(workbook, sheet_name="Time series")
    assert (bands["ci95_low"].dropna() >= 0).all()
    from relsim.report.certainty import certainty_paragraph

    assert "stops at zero" in certainty_paragraph(payload)  # the report says so, as the JSON
    assert "cut at zero" in payload["scenarios"][0]["interval"]["description"]


def test_a_sweeps_summary_cuts_the_metrics_intervals_at_zero_but_not_the_drifts() -> None:
    from relsim.sweep.summary import summarise

    runs = pd.DataFrame(
        {
            "point": [0, 0, 0],
            "status": ["ok"] * 3,
            "replication": [0, 1, 2],
            "mean_wait_weeks": [0.0, 0.0, 0.3],
            "crisis_rate_drift": [0.0, 0.0, 0.3],
            "population_drift": [0.0, 0.0, 0.3],
            "settling_weeks": [5.0, 5.0, 5.0],
        }
    )
    [row] = summarise(runs, [], ["mean_wait_weeks"]).to_dict("records")
    assert row["mean_wait_weeks_ci95_low"] == 0.0 and row["mean_wait_weeks_ci95_high"] > 0.3
    assert row["crisis_rate_drift_ci95_low"] < 0
    # an experiment's paired differences of metrics are summarised the same way, uncut (cut,
    # a difference's bar ended above its own mean and its figure could not be drawn)
    [row] = summarise(runs, [], ["mean_wait_weeks"], differences=True).to_dict("records")
    assert row["mean_wait_weeks_ci95_low"] < 0


def test_a_rerun_says_the_district_had_not_settled_as_the_original_did(tmp_path, capsys):
    """rerun gave a comparison's result without the warning its original gave, and a run's
    only as its manifest recorded it (none in one made before the warning existed)."""
    unsettled = (*SETTLING, "--set", "time.warmup_weeks=0", "--workers", "1", "--ensemble", "0")
    assert relsim_main("compare", "baseline", "liberated", *unsettled, "--out", tmp_path / "c") == 0
    assert relsim_main("run", "liberated", *unsettled, "--out", tmp_path / "r") == 0
    manifest = tmp_path / "r" / "manifest.json"
    recorded = json.loads(manifest.read_text())
    assert any("had not settled" in w for w in recorded["warnings"])
    recorded["warnings"] = []  # as a run made before the warning existed
    manifest.write_text(json.dumps(recorded))
    # a comparison's manifest keeps what compare said, as a run's does (it kept nothing), and
    # its rerun says again what cannot be made again (sizing's warnings: nothing is re-sized)
    compared = tmp_path / "c" / "manifest.json"
    kept = json.loads(compared.read_text())
    assert any("liberated: the district had not settled" in w for w in kept["warnings"])
    kept["warnings"].append("sizing: as recorded, not made again")
    compared.write_text(json.dumps(kept))
    capsys.readouterr()
    for original, again in (("c", "c2"), ("r", "r2")):
        args = ("rerun", tmp_path / original, "--out", tmp_path / again, "--json")
        assert relsim_main(*args) in (0, 1)  # 1: the edited manifest's run reads as changed
        out, err = capsys.readouterr()
        warnings = json.loads(out)["warnings"]
        assert any("had not settled when its measured period began" in w for w in warnings)
        assert all(w in err for w in warnings)
        assert len(set(warnings)) == len(warnings), "a recorded warning is not said twice"
    assert (
        json.loads((tmp_path / "c2" / "manifest.json").read_text())["warnings"] == kept["warnings"]
    )


def test_a_run_too_short_to_check_is_not_called_settled(capsys) -> None:
    """Under 20 weeks (warm-up included) MSER-5 has fewer than four batches and returned 0, so
    a 19-week run with no warm-up was 'in the steady state' while its crisis rate rose by a
    fifth between the halves: the check is recorded as not made, said, and not called settled."""
    short = ("--set", "population.citizens=300", "--set", "time.weeks=19", "--reps", "2")
    args = ("compare", "baseline", "liberated", *short, "--set", "time.warmup_weeks=0")
    assert relsim_main(*args, "--workers", "1", "--ensemble", "0", "--json") == 0
    out, err = capsys.readouterr()
    payload = json.loads(out)
    for block in payload["scenarios"]:
        steady = block["provenance"]["steady_state"]
        assert steady["warmup_covers_mser5"] is None and steady["mser5_truncation_weeks"] is None
    said = [w for w in payload["warnings"] if "too short to tell whether the district had" in w]
    assert len(said) == 2 and all(w in err for w in said)
    from relsim.report.words import measured_period, settled

    assert not settled(payload)
    assert "too short to tell" in measured_period(payload)
