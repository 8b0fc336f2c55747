"""Every experiment definition runs end to end (in --quick mode) and writes its figures, the data
behind them and a manifest; bad definitions fail with one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from relsim.config import ScenarioError
from relsim.experiments import load_experiment, run_experiment

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.yaml"))


def test_there_is_an_experiment_per_study() -> None:
    names = {p.stem for p in EXPERIMENTS}
    assert {
        "complexity_crossover",
        "continuity_erosion",
        "friction_sweep",
        "overload_tipping_point",
        "cost_trajectory",
        "hybrid_balance",
    } <= names


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_experiment_runs_quick_and_writes_figures(path: Path, tmp_path: Path) -> None:
    experiment = load_experiment(path)
    manifest = run_experiment(path, tmp_path / "out", quick=True, workers=1)
    out = tmp_path / "out"
    assert manifest["reps"] == min(experiment.reps, 2)
    assert len(manifest["figures"]) == len(experiment.figures)
    grid_values = next(iter(experiment.grid.values()))
    for figure in manifest["figures"]:
        png = out / figure["png"]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        data = pd.read_csv(out / figure["data"])
        assert set(data["series"]) == set(manifest["series"])
        assert sorted(set(data[figure["x"]])) == sorted(experiment.grid[figure["x"]])
        assert data[f"{figure['metric']}_mean"].notna().all()
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == len(manifest["series"]) * len(grid_values)
    assert (summary["runs_ok"] == manifest["reps"]).all()


def test_bad_experiment_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ntitle: x\nscenarios: [a.yaml]\ngrid: {continuity: [0, 1]}\nreps: 1\nseed: 1\n"
        "figures: [{metric: no_such_metric, x: continuity}]\n"
    )
    with pytest.raises(ScenarioError, match="unknown metric no_such_metric"):
        load_experiment(bad)
    bad.write_text("name: x\ntitle: x\nscenarios: []\ngrid: {}\nreps: 0\nseed: 1\nfigures: []\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: "):
        load_experiment(bad)


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_published_results_come_from_the_current_definition(path: Path) -> None:
    """docs/results/NAME holds what `relsim experiment run` wrote for this very definition, and
    docs/results.md shows every figure it lists."""
    import json

    experiment = load_experiment(path)
    published = ROOT / "docs" / "results" / experiment.name
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["experiment"] == json.loads(experiment.model_dump_json()), (
        f"{path.name} changed since its results were published: rerun it"
    )
    assert manifest["quick"] is False
    results_page = (ROOT / "docs" / "results.md").read_text()
    for figure in manifest["figures"]:
        assert (published / figure["png"]).is_file()
        assert (published / figure["data"]).is_file()
        assert f"results/{experiment.name}/{figure['png']}" in results_page


def test_published_manifests_do_not_record_the_machine_they_were_made_on() -> None:
    """Scenario paths in the published sweep manifests are relative to the repository, so a
    reader's clone and the published results name the same files."""
    import json

    for manifest in sorted((ROOT / "docs" / "results").glob("*/*/manifest.json")):
        recorded = json.loads(manifest.read_text())["scenario_file"]
        assert recorded.startswith("scenarios/"), (manifest, recorded)
