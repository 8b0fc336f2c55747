"""The command-line contract of `relsim run` and `relsim compare` (engineering.md section 1).

Most checks run `python -m relsim` in a subprocess; the parallel-pool check runs in-process so a
spy can watch the pool.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relsim.pools
from relsim.cli import main

RUN_ARGS = ("--reps", "3", "--seed", "7")
TIMESTAMP_LINE = re.compile(r'^ *"(started|finished)": "[^"]*",?\n', re.MULTILINE)
PROGRESS_MARKS = ("\r", "█", "▏", "%|", "run/s", "s/run", "it/s")


def _check_interval(where: str, summary: dict) -> None:
    assert set(summary) >= {"mean", "ci95"}, where
    mean, ci = summary["mean"], summary["ci95"]
    assert mean is None or (isinstance(mean, float | int) and math.isfinite(mean)), where
    if ci is None:
        return
    assert mean is not None, where
    assert isinstance(ci, list) and len(ci) == 2, where
    lo, hi = ci
    assert lo <= mean <= hi, f"{where}: {lo} <= {mean} <= {hi}"
    # a t-interval, symmetric about the mean unless a metric's reached below zero and stops there
    assert lo == 0 or math.isclose(lo + hi, 2 * mean, rel_tol=1e-9, abs_tol=1e-9), where


def _check_block(block: dict, name: str, reps: int, seed: int, contract: tuple[str, ...]) -> None:
    assert set(block) >= {"scenario", "reps", "seed", "metrics", "provenance"}
    assert (block["scenario"], block["reps"], block["seed"]) == (name, reps, seed)
    assert isinstance(block["provenance"], dict)
    for metric in contract:
        assert metric in block["metrics"], f"{name}: contract metric {metric} missing"
        _check_interval(f"{name}.{metric}", block["metrics"][metric])
    # With several replications the headline metrics have a mean and an interval.
    assert block["metrics"]["crisis_events_per_citizen_year"]["ci95"] is not None
    assert block["metrics"]["total_cost_per_citizen_year"]["ci95"] is not None


@pytest.fixture(scope="module")
def baseline(cli_scenarios: Path) -> Path:
    return cli_scenarios / "baseline.yaml"


@pytest.fixture(scope="module")
def run_json(cli_run, baseline, cli_small_sets):
    result = cli_run("run", baseline, *RUN_ARGS, *cli_small_sets, "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    return result


# ---------------------------------------------------------------------------------------- run


def test_run_json_is_one_object_with_every_contract_metric(run_json, cli_contract_metrics):
    payload = json.loads(run_json.stdout)  # fails on anything before or after the one object
    assert isinstance(payload, dict)
    _check_block(payload, "baseline", 3, 7, cli_contract_metrics)
    assert payload["provenance"]["seed"] == 7
    assert payload["provenance"]["reps"] == 3
    assert not any(mark in run_json.stderr for mark in PROGRESS_MARKS), run_json.stderr


def test_run_json_is_byte_identical_apart_from_timestamps(
    run_json, cli_run, baseline, cli_small_sets
):
    again = cli_run("run", baseline, *RUN_ARGS, *cli_small_sets, "--workers", "1", "--json")
    assert again.returncode == 0, again.stderr

    first, second = TIMESTAMP_LINE.subn("", run_json.stdout), TIMESTAMP_LINE.subn("", again.stdout)
    assert first[1] == second[1] == 2  # "started" and "finished" were there and are gone
    assert first[0] == second[0]


def test_run_seed_changes_results(run_json, baseline, cli_small_sets, capsys):
    """The determinism check above means something only if the seed is really used."""
    args = ["--reps", "3", "--seed", "8", *cli_small_sets, "--workers", "1", "--json"]
    main(["run", str(baseline), *args])
    eight = json.loads(capsys.readouterr().out)["metrics"]
    seven = json.loads(run_json.stdout)["metrics"]
    assert seven["crisis_events_per_citizen_year"] != eight["crisis_events_per_citizen_year"]


def _with_pid(fn, task):
    """Runs in a pool worker: the task's result and the process that computed it."""
    return os.getpid(), fn(task)


class _SpyPool(ProcessPoolExecutor):
    """A real process pool that records its size and which processes computed the results."""

    instances: ClassVar[list[_SpyPool]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested = kwargs.get("max_workers", args[0] if args else None)
        self.task_pids: list[int] = []
        self.worker_pids: set[int] = set()
        _SpyPool.instances.append(self)

    def map(self, fn, *iterables, **kwargs):
        pairs = list(super().map(_with_pid, [fn] * len(iterables[0]), *iterables, **kwargs))
        self.worker_pids = {p.pid for p in (self._processes or {}).values()}
        self.task_pids = [pid for pid, _ in pairs]
        return iter([result for _, result in pairs])


def test_workers_2_uses_a_process_pool_and_matches_serial(
    run_json, baseline, cli_small_sets, monkeypatch, capsys
):
    _SpyPool.instances.clear()
    monkeypatch.setattr(relsim.pools, "ProcessPoolExecutor", _SpyPool)

    main(["run", str(baseline), *RUN_ARGS, *cli_small_sets, "--workers", "2", "--json"])
    parallel = json.loads(capsys.readouterr().out)

    assert len(_SpyPool.instances) == 1, "--workers 2 did not use a process pool"
    pool = _SpyPool.instances[0]
    assert pool.requested == 2
    assert len(pool.worker_pids) == 2 and os.getpid() not in pool.worker_pids
    assert len(pool.task_pids) == 3 and set(pool.task_pids) <= pool.worker_pids
    serial = json.loads(run_json.stdout)
    assert parallel["metrics"] == serial["metrics"]


def test_compare_starts_one_pool_for_all_its_replications(
    baseline, cli_small_sets, monkeypatch, capsys
):
    """Two scenarios and the transition's launched runs: three sets of replications, one pool,
    and the same results as without a pool."""
    started: list[int] = []
    real = relsim.pools.process_pool

    def counted(workers: int) -> ProcessPoolExecutor:
        started.append(workers)
        return real(workers)

    monkeypatch.setattr(relsim.pools, "process_pool", counted)
    scenarios = [str(baseline), str(baseline.parent / "liberated.yaml")]
    args = [*RUN_ARGS, *cli_small_sets, "--transition-weeks", "4", "--json"]

    main(["compare", *scenarios, *args, "--workers", "2"])
    parallel = json.loads(capsys.readouterr().out)
    assert started == [2], f"compare started {len(started)} pools"

    main(["compare", *scenarios, *args, "--workers", "1"])
    serial = json.loads(capsys.readouterr().out)
    assert started == [2], "--workers 1 started a pool"
    assert parallel["differences"] == serial["differences"]
    for p, s in zip(parallel["scenarios"], serial["scenarios"], strict=True):
        assert p["metrics"] == s["metrics"]


def test_human_output_is_a_table_of_every_contract_metric(
    run_json, cli_run, baseline, cli_small_sets, cli_contract_metrics
):
    result = cli_run("run", baseline, *RUN_ARGS, *cli_small_sets, "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert not any(mark in result.stderr for mark in PROGRESS_MARKS), result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)

    lines = result.stdout.splitlines()
    header = next(line for line in lines if "metric" in line)
    assert "mean" in header and "interval" in header
    metrics = json.loads(run_json.stdout)["metrics"]
    for name in cli_contract_metrics:
        rows = [line for line in lines if re.search(rf"\b{name}\b", line)]
        assert len(rows) == 1, f"{name}: {len(rows)} rows"
        mean = metrics[name]["mean"]
        if mean is None:
            continue
        shown = [float(n.replace(",", "")) for n in re.findall(r"-?[\d,]*\d\.?\d*", rows[0])]
        assert any(abs(x - mean) <= max(6e-4, 5e-3 * abs(mean)) for x in shown), (
            f"{name}: mean {mean} not shown in {rows[0]!r}"
        )


# ------------------------------------------------------------------------------------ compare

COMPARE_REPS = 10


@pytest.fixture(scope="module")
def compared(tmp_path_factory, cli_run, cli_scenarios, cli_small_sets):
    where = tmp_path_factory.mktemp("compare")
    result = cli_run(
        "compare",
        cli_scenarios / "baseline.yaml",
        cli_scenarios / "liberated.yaml",
        "--reps",
        str(COMPARE_REPS),
        "--seed",
        "7",
        *cli_small_sets,
        "--workers",
        "1",
        "--json",
        "--out",
        where / "results",
        "--report",
        where / "report.html",
        "--ensemble",
        "0",  # chance only: these tests read replications (the report's default draws sets)
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)

    def summary(name: str) -> pd.DataFrame:
        frame = pd.read_csv(where / "results" / name / "summary.csv")
        return frame.sort_values("replication").reset_index(drop=True)

    return payload, summary("baseline"), summary("liberated"), where


def test_compare_json_has_a_run_block_per_scenario_and_differences(compared, cli_contract_metrics):
    payload, *_ = compared
    assert set(payload) >= {"scenarios", "differences"}
    names = [block["scenario"] for block in payload["scenarios"]]
    assert names == ["baseline", "liberated"]
    for block in payload["scenarios"]:
        _check_block(block, block["scenario"], COMPARE_REPS, 7, cli_contract_metrics)
    assert list(payload["differences"]) == ["liberated - baseline"]
    diffs = payload["differences"]["liberated - baseline"]
    for metric in cli_contract_metrics:
        _check_interval(f"difference {metric}", diffs[metric])


def _finite(values: pd.Series) -> np.ndarray:
    data = values.to_numpy(dtype=float)
    return data[np.isfinite(data)]


def test_compare_differences_are_means_of_paired_replications(compared, cli_contract_metrics):
    payload, base, lib, _ = compared
    assert list(base["replication"]) == list(lib["replication"]) == list(range(COMPARE_REPS))
    assert list(base["seed"]) == list(lib["seed"])  # common random numbers: the same seeds
    blocks = {b["scenario"]: b for b in payload["scenarios"]}
    diffs = payload["differences"]["liberated - baseline"]
    for metric in cli_contract_metrics:
        for name, frame in (("baseline", base), ("liberated", lib)):
            values = _finite(frame[metric])
            if values.size:
                assert blocks[name]["metrics"][metric]["mean"] == pytest.approx(values.mean())
        paired = _finite(lib[metric] - base[metric])
        if paired.size == 0:
            assert diffs[metric]["mean"] is None
            continue
        assert diffs[metric]["mean"] == pytest.approx(paired.mean(), rel=1e-9, abs=1e-12)
        if paired.size >= 2:
            half = stats.t.ppf(0.975, paired.size - 1) * paired.std(ddof=1) / math.sqrt(paired.size)
            lo, hi = diffs[metric]["ci95"]
            assert (lo, hi) == pytest.approx((paired.mean() - half, paired.mean() + half))


def test_compare_out_has_each_scenarios_files_and_differences(compared):
    *_, where = compared
    results = where / "results"
    assert sorted(p.name for p in results.iterdir()) == [
        "baseline",
        "cost_effectiveness.csv",
        "differences.csv",
        "incremental.csv",
        "liberated",
        "manifest.json",
        "price_changes.csv",
        "resources.csv",
    ]
    for name in ("baseline", "liberated"):
        files = sorted(p.name for p in (results / name).iterdir())
        assert files == [
            "journeys.parquet",
            "manifest.json",
            "summary.csv",
            "summary_means.csv",
            "timeseries.parquet",
        ]
        manifest = json.loads((results / name / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["scenario"]["name"] == name and manifest["seed"] == 7
    assert [p.name for p in where.iterdir() if ".partial" in p.name] == []


def test_compare_differences_csv_matches_json(compared):
    payload, _, _, where = compared
    table = pd.read_csv(where / "results" / "differences.csv")
    assert set(table["comparison"]) == {"liberated - baseline"}
    diffs = payload["differences"]["liberated - baseline"]
    for row in table.itertuples():
        expected = diffs[row.metric]["mean"]
        assert math.isnan(row.mean) if expected is None else row.mean == pytest.approx(expected)


def test_compare_prices_the_crises_avoided_from_the_same_pairs(compared):
    """cost_effectiveness.csv is the JSON's record, and reads the same paired replications as
    the differences: crises avoided and extra cost are the paired differences' means, and the
    net benefit at a price is that price times the one less the other."""
    payload, base, lib, where = compared
    (record,) = payload["cost_effectiveness"]
    assert (record["series"], record["reference"]) == ("liberated", "baseline")
    assert record["pairs"] == COMPARE_REPS and record["interval"] == "chance"
    diffs = payload["differences"]["liberated - baseline"]
    avoided = -diffs["crisis_events_per_citizen_year"]["mean"]
    extra = diffs["total_cost_per_citizen_year"]["mean"]
    assert record["crises_avoided_per_citizen_year_mean"] == pytest.approx(avoided)
    assert record["extra_cost_per_citizen_year_mean"] == pytest.approx(extra)
    assert record["net_benefit_at_2000_gbp_mean"] == pytest.approx(2000 * avoided - extra)
    cost = "total_cost_per_citizen_year"
    paired = 5000 * (base["crisis_events_per_citizen_year"] - lib["crisis_events_per_citizen_year"])
    paired = (paired - (lib[cost] - base[cost])).to_numpy(float)
    half = stats.t.ppf(0.975, len(paired) - 1) * paired.std(ddof=1) / math.sqrt(len(paired))
    low, high = (
        record["net_benefit_at_5000_gbp_ci95_low"],
        record["net_benefit_at_5000_gbp_ci95_high"],
    )
    assert (low, high) == pytest.approx((paired.mean() - half, paired.mean() + half))
    table = pd.read_csv(where / "results" / "cost_effectiveness.csv")
    assert len(table) == 1 and "point" not in table.columns
    for key, value in record.items():
        written = table.loc[0, key]
        assert pd.isna(written) if value is None else written == pytest.approx(value), key


def test_compare_says_which_scenario_to_choose_from_the_same_runs(compared):
    """incremental.csv is the JSON's records: each scenario's means over its replications,
    the dearer one priced over the cheaper when it avoids crises, and the one to choose at
    each price the one with the highest mean net benefit there."""
    payload, base, lib, where = compared
    records = {r["series"]: r for r in payload["incremental"]}
    assert set(records) == {"baseline", "liberated"}
    crises, cost = "crisis_events_per_citizen_year", "total_cost_per_citizen_year"
    for name, runs in (("baseline", base), ("liberated", lib)):
        assert records[name]["runs"] == COMPARE_REPS
        assert records[name]["crises_per_citizen_year_mean"] == pytest.approx(runs[crises].mean())
        assert records[name]["total_cost_per_citizen_year_mean"] == pytest.approx(runs[cost].mean())
    for price in (0, 1000, 2000, 5000, 10000):
        benefit = {n: -(r[cost].mean() + price * r[crises].mean()) for n, r in
                   (("baseline", base), ("liberated", lib))}  # fmt: skip
        best = max(benefit, key=lambda n: benefit[n])
        assert [n for n, r in records.items() if r[f"best_at_{price}_gbp"]] == [best]
    table = pd.read_csv(where / "results" / "incremental.csv", keep_default_na=False)
    assert list(table["series"]) == [r["series"] for r in payload["incremental"]]
    assert list(table["status"]) == [r["status"] for r in payload["incremental"]]


def test_common_random_numbers_narrow_the_difference_interval(compared):
    payload, base, lib, _ = compared
    metric = "crisis_events_per_citizen_year"
    a, b = base[metric].to_numpy(float), lib[metric].to_numpy(float)
    n = len(a)
    var_a, var_b = a.var(ddof=1) / n, b.var(ddof=1) / n
    welch_df = (var_a + var_b) ** 2 / (var_a**2 / (n - 1) + var_b**2 / (n - 1))
    unpaired_half = stats.t.ppf(0.975, welch_df) * math.sqrt(var_a + var_b)

    lo, hi = payload["differences"]["liberated - baseline"][metric]["ci95"]
    paired_half = (hi - lo) / 2
    # Without common random numbers the paired interval would be about as wide as the unpaired one
    # (wider on average, its t has fewer degrees of freedom); with them it is several times
    # narrower (about a third here). Asking for less than 0.6 keeps a chance pass unlikely.
    assert paired_half < 0.6 * unpaired_half, (paired_half, unpaired_half)


def test_compare_report_is_self_contained_html(compared):
    *_, where = compared
    text = (where / "report.html").read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "<table" in text and "liberated" in text and "crisis_events_per_citizen_year" in text
    assert "http://" not in text and "https://" not in text
    for target in re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", text):
        # embedded data, or a link to a section of the page itself
        assert target.startswith(("data:", "#")), f"external resource referenced: {target[:80]}"
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert images, "no embedded charts"
    for image in images:
        assert base64.b64decode(image, validate=True).startswith(b"\x89PNG\r\n\x1a\n")


def test_compare_says_its_set_changes_every_scenario(capsys) -> None:
    """`compare --set workforce.workers=40` gave the current front door 40 posts too, and the
    help said only 'override a scenario key'."""
    main(["compare", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "override a key in every scenario compared" in shown
    assert "write a scenario that extends it: docs/scenarios.md" in shown


@pytest.mark.parametrize(
    "command", [["run"], ["compare"], ["sweep"], ["frontier"], ["experiment", "run"]]
)
def test_the_ensemble_help_gives_the_counts_it_accepts(command: list[str], capsys) -> None:
    """The help said [0<=x<=10000] although one parameter set is refused."""
    main([*command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "0 or 2<=x<=10000]" in shown
    assert "0<=x<=10000" not in shown.replace("0 or 2<=x<=10000", "")


def test_a_comparison_of_four_scenarios_names_every_metric_whole(tmp_path, capsys) -> None:
    """With three or more scenarios the table cut metric names, two of them to the same
    'failure_dem…'; names are kept whole and the numbers' columns wrap instead."""
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=12",
            "--set", "time.warmup_weeks=4", "--reps", "2", "--workers", "1")  # fmt: skip
    main(["compare", "baseline", "liberated", "hybrid", "none", *tiny, "--json"])
    names = list(json.loads(capsys.readouterr().out)["scenarios"][0]["metrics"])
    main(["compare", "baseline", "liberated", "hybrid", "none", *tiny])
    shown = capsys.readouterr().out
    assert "…" not in shown
    cells = {line.split("│")[1].strip() for line in shown.splitlines() if line.startswith("│")}
    assert set(names) <= cells


def test_a_scenario_with_the_same_results_as_another_is_said_to_be_tied(tmp_path, capsys):
    """One district under two names was labelled dominated, and not chosen at any price,
    without a word that the two are the same: a warning says so (stderr, JSON, report);
    scenarios that differ get none."""
    copy = tmp_path / "copy.yaml"
    copy.write_text("extends: baseline\nname: copy\n")
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=12",
            "--set", "time.warmup_weeks=4", "--reps", "2", "--workers", "1",
            "--ensemble", "0", "--json")  # fmt: skip
    main(["compare", "baseline", str(copy), "liberated", *tiny])
    captured = capsys.readouterr()
    (warning,) = [w for w in json.loads(captured.out)["warnings"] if "same result" in w]
    assert warning.startswith("copy gave the same result as baseline in every run")
    assert "neither is better" in warning and warning in captured.err
    main(["compare", "baseline", "liberated", *tiny])
    assert not [w for w in json.loads(capsys.readouterr().out)["warnings"] if "same result" in w]
