"""`relsim sensitivity SCENARIO --against OTHER`: the sensitivity of the paired difference
between two scenarios (relsim.sweep.sensitivity_difference)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from relsim.sweep.sensitivity import HEADLINE_METRICS
from tests.cli_helpers import relsim_main

SEED = 11
# Demand complexity moves both care models; only the Liberated Method reads understand_hours.
RANGES = (
    "--range", "demand_complexity=0:1",
    "--range", "liberated.understand_hours=1:5",
)  # fmt: skip
CRISES = "crisis_events_per_citizen_year"


def _args(scenario: Path, out: Path, sets: tuple[str, ...], *extra: object) -> tuple[object, ...]:
    return (
        "sensitivity", scenario, "--method", "morris", "--n", "3", *RANGES, "--reps", "2",
        "--seed", SEED, *sets, "--workers", "1", "--out", out, *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def studied(tmp_path_factory, cli_scenarios, cli_small_sets):
    """The difference liberated - baseline, and liberated's own analysis on the same design."""
    where = tmp_path_factory.mktemp("difference")
    liberated, baseline = cli_scenarios / "liberated.yaml", cli_scenarios / "baseline.yaml"
    out = where / "difference"
    assert relsim_main(*_args(liberated, out, cli_small_sets, "--against", baseline)) == 0
    alone = where / "alone"
    assert relsim_main(*_args(liberated, alone, cli_small_sets)) == 0
    return out, alone


def test_each_point_is_the_mean_of_the_paired_differences(studied):
    out, _ = studied
    index = ["point", "replication"]
    first = pd.read_parquet(out / "liberated" / "runs.parquet").set_index(index).sort_index()
    second = pd.read_parquet(out / "baseline" / "runs.parquet").set_index(index).sort_index()
    assert len(first) == len(second) == 3 * (2 + 1) * 2
    expected = (first[CRISES] - second[CRISES]).groupby("point").mean()
    points = pd.read_csv(out / "differences.csv").set_index("point")
    assert points[f"{CRISES}_difference_mean"].to_numpy() == pytest.approx(expected.to_numpy())
    assert (points["pairs"] == 2).all()
    assert set(points.columns) >= {"demand_complexity", "liberated.understand_hours"}
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["difference"]) == {"liberated - baseline"}
    assert list(dict.fromkeys(table["metric"])) == list(HEADLINE_METRICS)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "relsim sensitivity"
    assert manifest["series"] == ["liberated", "baseline"] and manifest["seed"] == SEED


def test_a_key_only_one_side_reads_moves_the_difference_as_it_moves_that_side(studied):
    """The same design and seeds as liberated's own analysis: liberated's runs are the same
    runs, and a key the baseline never reads has exactly liberated's elementary effects in the
    difference, while one both read has others."""
    out, alone = studied
    index = ["point", "replication"]
    mine = pd.read_parquet(out / "liberated" / "runs.parquet").set_index(index).sort_index()
    own = pd.read_parquet(alone / "runs.parquet").set_index(index).sort_index()
    pd.testing.assert_series_equal(mine[CRISES], own[CRISES])
    difference = pd.read_csv(out / "sensitivity.csv").set_index(["metric", "parameter"])
    single = pd.read_csv(alone / "sensitivity.csv").set_index(["metric", "parameter"])
    key = (CRISES, "liberated.understand_hours")
    assert difference.loc[key, "mu_star"] == pytest.approx(single.loc[key, "mu_star"], rel=1e-9)
    assert difference.loc[key, "mu"] == pytest.approx(single.loc[key, "mu"], rel=1e-9)
    both = (CRISES, "demand_complexity")
    assert difference.loc[both, "mu_star"] != pytest.approx(single.loc[both, "mu_star"])


def test_a_scenario_against_a_copy_of_itself_differs_by_nothing(
    tmp_path, cli_scenarios, cli_small_sets
):
    """The same seeds on both sides: every paired difference, and every index, is zero."""
    copy = {"extends": str(cli_scenarios / "liberated.yaml"), "name": "liberated_copy"}
    twin = tmp_path / "twin.yaml"
    twin.write_text(yaml.safe_dump(copy), encoding="utf-8")
    out = tmp_path / "out"
    args = _args(twin, out, cli_small_sets, "--against", cli_scenarios / "liberated.yaml")
    assert relsim_main(*args) == 0
    points = pd.read_csv(out / "differences.csv")
    assert (points[[f"{m}_difference_mean" for m in HEADLINE_METRICS]] == 0).all(axis=None)
    table = pd.read_csv(out / "sensitivity.csv")
    assert np.allclose(table["mu_star"], 0) and np.allclose(table["sigma"], 0)


def test_resume_finishes_only_the_same_work_and_force_only_replaces_its_own(
    studied, tmp_path, cli_scenarios, cli_small_sets, capsys
):
    out, alone = studied
    liberated, baseline = cli_scenarios / "liberated.yaml", cli_scenarios / "baseline.yaml"
    before = pd.read_parquet(out / "liberated" / "runs.parquet")
    # the same command with --resume runs nothing, and analyses other metrics
    again = _args(liberated, out, cli_small_sets, "--against", baseline, "--resume")
    capsys.readouterr()
    assert relsim_main(*again, "--metric", "mean_wait_weeks") == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "liberated" / "runs.parquet"), before)
    assert set(pd.read_csv(out / "sensitivity.csv")["metric"]) == {"mean_wait_weeks"}
    # another design is not the same work
    other = [a if a != "3" else "4" for a in map(str, again)]
    capsys.readouterr()
    assert relsim_main(*other) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "differs in --n" in error and "--resume only finishes the same work" in error
    # a one-scenario analysis is not an earlier result of this kind: --force leaves it alone
    capsys.readouterr()
    assert relsim_main(*_args(liberated, alone, cli_small_sets, "--against", baseline,
                              "--force")) == 2  # fmt: skip
    assert "relsim: error:" in capsys.readouterr().err
    assert (alone / "runs.parquet").exists() and not (alone / "baseline").exists()


def test_two_scenarios_of_one_name_are_refused(tmp_path, cli_scenarios, cli_small_sets, capsys):
    liberated = cli_scenarios / "liberated.yaml"
    out = tmp_path / "out"
    capsys.readouterr()
    assert relsim_main(*_args(liberated, out, cli_small_sets, "--against", liberated)) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("relsim: error: --against: both scenarios are named liberated")
    assert not out.exists()


def test_a_key_neither_side_reads_is_refused(tmp_path, cli_scenarios, cli_small_sets, capsys):
    """With --against, a key is refused only when neither scenario reads it."""
    baseline = cli_scenarios / "baseline.yaml"
    copy = yaml.safe_load(baseline.read_text(encoding="utf-8"))
    copy["name"] = "baseline_copy"
    twin = tmp_path / "twin.yaml"
    twin.write_text(yaml.safe_dump(copy), encoding="utf-8")
    out = tmp_path / "out"
    capsys.readouterr()
    assert relsim_main(*_args(twin, out, cli_small_sets, "--against", baseline)) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error == (
        "relsim: error: --range liberated.understand_hours: the assess_do_refer care model "
        "never reads the liberated section, so its indices would all be zero; vary a key it reads"
    )
    assert not out.exists()


def test_on_a_dask_cluster_it_makes_the_same_runs(studied, tmp_path, cli_scenarios, cli_small_sets):
    """--dask sends each side's sweep to the cluster (36 runs there): the same runs as the
    process pool's, and the indices of their difference."""
    distributed = pytest.importorskip("distributed")
    out, _ = studied
    with distributed.LocalCluster(
        host="127.0.0.1", dashboard_address=None, n_workers=2, threads_per_worker=1
    ) as cluster:
        on_cluster = tmp_path / "dask"
        args = _args(cli_scenarios / "liberated.yaml", on_cluster, cli_small_sets)
        at = args.index("--workers")  # a cluster has workers of its own: --workers is refused
        args = (*args[:at], *args[at + 2 :])
        against = ("--against", cli_scenarios / "baseline.yaml")
        assert relsim_main(*args, *against, "--dask", cluster.scheduler_address) == 0
        assert cluster.scheduler.task_prefixes["execute_checked"].state_counts["memory"] == 36
    index = ["point", "replication"]
    for side in ("liberated", "baseline"):
        mine = pd.read_parquet(on_cluster / side / "runs.parquet").set_index(index).sort_index()
        pooled = pd.read_parquet(out / side / "runs.parquet").set_index(index).sort_index()
        pd.testing.assert_series_equal(mine[CRISES], pooled[CRISES])
    table = pd.read_csv(on_cluster / "sensitivity.csv")
    assert set(table["difference"]) == {"liberated - baseline"} and table["mu_star"].notna().all()


def test_rerun_recreates_both_sweeps_and_the_indices(studied, tmp_path, capsys):
    out, _ = studied
    capsys.readouterr()
    code = relsim_main("rerun", out, "--out", tmp_path / "again", "--workers", "1",
                       "--allow-mismatch")  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    for name in ("sensitivity.csv", "differences.csv", "liberated/runs.parquet"):
        assert f"{name} identical" in err
    assert "differs" not in err


def test_a_comparisons_report_reads_the_analysis_of_its_difference(studied, cli_scenarios):
    """`compare --sensitivity DIR` with a difference's analysis: the report says it ranks what
    moves the difference, of the two scenarios it compares."""
    from relsim.commission.inputs import sensitivity_summary
    from relsim.config import load_scenario
    from relsim.report.certainty import certainty_paragraph
    from relsim.report.inputs import inputs_section

    out, _ = studied
    configs = [load_scenario(cli_scenarios / f"{n}.yaml") for n in ("baseline", "liberated")]
    found = sensitivity_summary(out, configs)
    assert found["available"] and found["difference"] and found["matches"]
    assert found["scenario"] == "liberated - baseline" and found["method"] == "morris"
    assert len(found["ranges"]) == 2
    payload = {"reps": 3, "sensitivity": found, "inputs": {}, "assumptions": {}}
    text = " ".join(inputs_section(payload).split())
    assert "It ranks what moves the difference liberated - baseline, paired run by run" in text
    assert "not one of the scenarios compared" not in text
    assert "sensitivity analysis of the difference liberated - baseline ranks first" in (
        certainty_paragraph(payload)
    )
    elsewhere = sensitivity_summary(out, configs[:1])
    assert not elsewhere["matches"]


def test_two_districts_of_different_populations_are_refused(tmp_path, cli_scenarios, capsys):
    """Pairing run by run needs one district: the same citizens on both sides."""
    other = tmp_path / "bigger.yaml"
    other.write_text(
        "extends: bundled:baseline\nname: bigger\npopulation:\n  citizens: 400\n",
        encoding="utf-8",
    )
    sets = ("--set", "time.weeks=20", "--set", "time.warmup_weeks=4")  # citizens as written
    out = tmp_path / "out"
    liberated = cli_scenarios / "liberated.yaml"
    capsys.readouterr()
    assert relsim_main(*_args(liberated, out, sets, "--against", other)) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(
        "relsim: error: sensitivity --against: the scenarios describe different populations"
    )
    assert not out.exists()


def test_the_morris_plot_labels_are_symbols_not_tex() -> None:
    """relsim's figures show text as typed, so SALib's TeX labels read '$\\sigma / \\mu^{\\star}$'
    on the published plot: its axes and legend are written in plain symbols."""
    import pandas as pd

    from relsim.plotting import pyplot
    from relsim.sweep.sensitivity import _mu_star_sigma

    part = pd.DataFrame(
        {"parameter": ["a", "b"], "mu_star": [1.0, 2.0], "sigma": [0.5, 1.5],
         "mu_star_ci95": [0.1, 0.2]}
    )  # fmt: skip
    plt = pyplot()
    fig, ax = plt.subplots()
    _mu_star_sigma(ax, part)
    shown = [ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.get_legend().get_texts())]
    plt.close(fig)
    assert shown[:2] == ["μ*", "σ"]
    assert shown[2:] == ["σ / μ* = 1.0", "σ / μ* = 0.5", "σ / μ* = 0.1"]
