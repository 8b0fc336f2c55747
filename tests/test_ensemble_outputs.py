"""--ensemble: intervals that carry parameter uncertainty, wider than chance alone on the
bundled comparison, and every output saying which kind of interval it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from relsim.evidence.intervals import CHANCE, PARAMETERS
from tests.cli_helpers import relsim_main

# The bundled comparison, shrunk: a smaller district over one measured year after one year of
# warm-up, so each run takes a fraction of a second.
SMALL = (
    "--set", "population.citizens=800", "--set", "time.weeks=52",
    "--set", "time.warmup_weeks=52", "--set", "workforce.workers=2",
    "--set", "workforce.caseload_cap=8", "--workers", "1",
)  # fmt: skip
RUNS = 6
HEADLINE = ("crisis_events_per_citizen_year", "total_cost_per_citizen_year")


def _compare(capsys: pytest.CaptureFixture[str], *extra: object) -> dict:
    code = relsim_main("compare", "baseline", "liberated", *SMALL, "--json", *extra)
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def _width(summary: dict) -> float:
    low, high = summary["ci95"]
    return float(high - low)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Path]:
    capsys = pytest.CaptureFixture  # noqa: F841 (module scope: read stdout by hand below)
    import contextlib
    import io

    where = tmp_path_factory.mktemp("ensemble")
    payloads = []
    for extra in (("--reps", RUNS), ("--ensemble", RUNS, "--out", where / "ens")):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = relsim_main("compare", "baseline", "liberated", *SMALL, "--json", *extra)
        assert code == 0
        payloads.append(json.loads(buffer.getvalue()))
    return payloads[0], payloads[1], where


def test_ensemble_intervals_are_wider_than_chance_alone(both) -> None:
    """Each side's level moves with the parameters (how often crises happen, what they cost),
    so its ensemble interval is far wider than chance's (about eight times here). The paired
    difference is only wider: in this shrunken district two caseworkers hold 16 of 800 people,
    so the parameters move both sides nearly alike, and the central 95 % of six sets' results
    is, by chance alone, about 1.2 times the t-interval of their mean."""
    chance, ensemble, _ = both
    for metric in HEADLINE:
        narrow = _width(chance["differences"]["liberated - baseline"][metric])
        wide = _width(ensemble["differences"]["liberated - baseline"][metric])
        assert wide > narrow, (metric, narrow, wide)
        for block_c, block_e in zip(chance["scenarios"], ensemble["scenarios"], strict=True):
            level_chance, level_ensemble = (
                _width(block["metrics"][metric]) for block in (block_c, block_e)
            )
            assert level_ensemble > 3 * level_chance, (metric, level_chance, level_ensemble)


def test_every_output_says_which_interval_it_holds(both) -> None:
    chance, ensemble, where = both
    assert chance["interval"]["kind"] == CHANCE
    assert "chance only" in chance["interval"]["label"]
    assert ensemble["interval"]["kind"] == PARAMETERS
    assert ensemble["interval"]["parameter_sets"] == RUNS
    assert ensemble["interval"]["reps_per_set"] == 1
    for block in ensemble["scenarios"]:
        assert block["interval"]["kind"] == PARAMETERS
        assert len(block["provenance"]["ensemble"]["members_drawn"]) == RUNS
        crises = block["metrics"]["crisis_events_per_citizen_year"]
        assert crises["parameter_sd"] > 0
    differences = pd.read_csv(where / "ens" / "differences.csv")
    assert set(differences["interval"]) == {PARAMETERS}
    summaries = [
        pd.read_csv(where / "ens" / name / "summary.csv") for name in ("baseline", "liberated")
    ]
    # parameter set i is the same ensemble member in both scenarios: the comparison is paired
    assert summaries[0]["ensemble_member"].tolist() == summaries[1]["ensemble_member"].tolist()
    assert summaries[0]["parameter_set"].tolist() == list(range(RUNS))


def test_summary_means_hold_the_ensemble_intervals_the_json_prints(both) -> None:
    """summary_means.csv is "the numbers `--json` prints": with --ensemble, the central 95 % of
    the sets' means, not a t-interval over the runs, and it says so."""
    _, ensemble, where = both
    for block in ensemble["scenarios"]:
        means = pd.read_csv(where / "ens" / block["scenario"] / "summary_means.csv")
        means = means.set_index("metric")
        assert set(means["interval"]) == {PARAMETERS}
        for metric in HEADLINE:
            summary = block["metrics"][metric]
            row = means.loc[metric]
            assert row["mean"] == pytest.approx(summary["mean"], rel=1e-12)
            assert [row["ci95_low"], row["ci95_high"]] == pytest.approx(summary["ci95"])
            assert row["replications"] == RUNS


def test_the_terminal_table_names_the_interval(capsys: pytest.CaptureFixture[str]) -> None:
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=4", "--workers", "1")  # fmt: skip
    assert relsim_main("compare", "baseline", "liberated", *tiny, "--ensemble", 2) == 0
    assert "parameters + chance" in capsys.readouterr().out
    assert relsim_main("run", "baseline", *tiny, "--reps", 2) == 0
    assert "chance only" in capsys.readouterr().out


def test_the_commissioners_report_carries_parameter_uncertainty_by_default(tmp_path: Path) -> None:
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=4", "--workers", "1")  # fmt: skip
    report = tmp_path / "report.html"
    assert relsim_main("compare", "baseline", "liberated", *tiny, "--report", report) == 0
    text = report.read_text()
    assert "parameters + chance" in text and "10 parameter sets" in text
    chance = tmp_path / "chance.html"
    assert (
        relsim_main("compare", "baseline", "liberated", *tiny, "--report", chance, "--ensemble", 0)
        == 0
    )
    assert "chance only" in chance.read_text()


def test_one_parameter_set_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert relsim_main("run", "baseline", "--ensemble", 1) == 2
    assert "2 or more" in capsys.readouterr().err


def test_a_sweep_over_the_ensemble_keeps_points_paired_and_says_so(tmp_path: Path) -> None:
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=4", "--workers", "1")  # fmt: skip
    out = tmp_path / "sweep"
    grid = ("--grid", "referral_friction=0.2,0.8")
    assert relsim_main("sweep", "baseline", *tiny, *grid, "--ensemble", 3, "--out", out) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 6
    # the swept key is left as swept, and set i is the same at both points
    by_point = runs.sort_values(["point", "replication"]).groupby("point")["parameter_set"]
    assert [list(v) for _, v in by_point] == [[0, 1, 2], [0, 1, 2]]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"]["spec"]["ensemble"]["parameter_sets"] == 3
    assert relsim_main("sweep-summary", out) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["interval"]) == {PARAMETERS}


def test_a_run_over_the_ensemble_is_recreated_from_its_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=4", "--workers", "1")  # fmt: skip
    first = tmp_path / "first"
    assert relsim_main("run", "baseline", *tiny, "--ensemble", 3, "--out", first) == 0
    again = tmp_path / "again"
    assert relsim_main("rerun", first / "manifest.json", "--out", again) == 0
    assert "differs" not in capsys.readouterr().err
    original = pd.read_csv(first / "summary.csv")
    assert original["ensemble_member"].nunique() >= 1
    pd.testing.assert_frame_equal(original, pd.read_csv(again / "summary.csv"))


def test_a_report_shares_its_replications_among_the_parameter_sets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report's default draw costs what the comparison would: --reps 20 gives ten parameter
    sets run twice each, not twenty times each."""
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=4", "--workers", "1")  # fmt: skip
    report = tmp_path / "report.html"
    code = relsim_main(
        "compare", "baseline", "liberated", *tiny, "--reps", 20, "--report", report, "--json"
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["reps"] == 20
    assert payload["interval"]["parameter_sets"] == 10
    assert payload["interval"]["reps_per_set"] == 2


def test_the_transition_runs_the_same_parameter_sets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the ensemble, the launched runs of --transition-weeks use the comparison's parameter
    sets (replication r runs set r, as in the steady-state runs), and the transition says which
    interval it holds by the comparison's."""
    import relsim.runner

    calls: list[tuple[int, int, bool]] = []
    real = relsim.runner.run_replications

    def spy(scenario, reps, seed, *args, variant=None, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((scenario.time.warmup_weeks, reps, variant is not None))
        return real(scenario, reps, seed, *args, variant=variant, **kwargs)

    monkeypatch.setattr(relsim.runner, "run_replications", spy)
    tiny = ("--set", "population.citizens=200", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=4", "--set", "workforce.workers=2", "--workers", "1",
            "--transition-weeks", "2", "--json", "--ensemble", "4")  # fmt: skip
    assert relsim_main("compare", "baseline", "liberated", *tiny) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["interval"]["kind"] == PARAMETERS
    launched = [call for call in calls if call[0] == 0]
    steady = [call for call in calls if call[0] == 4]
    assert len(launched) == len(steady) == 2
    assert launched == [(0, 4, True)] * 2  # four parameter sets, the comparison's
