"""docs/calibration.md is generated from the calibration and runs of the model; it must come from
the current model. The earlier search (relsim/calibration.py) is kept for the record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from relsim.config.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
REPORT = (ROOT / "docs" / "calibration.md").read_text()


def test_calibration_report_is_from_the_current_model() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "calibration_report.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_report_is_the_fit_and_says_it_is_not_validation() -> None:
    from relsim.evidence.targets import FITTING, VALIDATION

    for target in FITTING:
        assert target.quantity in REPORT, target.key
    for target in VALIDATION:
        assert target.quantity not in REPORT, target.key
    assert "not evidence" in REPORT and "validation.md" in REPORT
    assert "out-of-sample" not in REPORT
    for needle in ("Fulfilling Lives", "MEAM", "DfE 2024", "Skills for Care", "ensemble.csv"):
        assert needle in REPORT


def test_the_time_it_reports_is_the_recorded_one() -> None:
    """The run count and wall time come from calibration/ensemble.json; no timing a run that
    the record contradicts (1,536 runs in 10 minutes on two workers is at most 0.8 s a run)."""
    import json

    manifest = json.loads((ROOT / "calibration" / "ensemble.json").read_text())
    runs = manifest["points"] * len(manifest["configurations"])
    said = f"({runs:,} runs in {manifest['wall_minutes']:.0f} minutes of wall time with "
    assert said in REPORT
    assert "s a run on a free core" not in REPORT


def test_unit_costs_in_report_match_the_schema() -> None:
    crises = Scenario().crises
    for name in ("ae", "mh_crisis", "police", "eviction"):
        cost = getattr(crises, name).unit_cost_gbp
        assert f"| `crises.{name}.unit_cost_gbp` | {cost:,.0f} |" in REPORT


def _runs(adr_counts: list[float], lib_counts: list[float], held: list[float]) -> dict:
    """Two replications of the high-complexity pair, with A&E counts per citizen row."""
    import numpy as np

    def run(counts: list[float], held_weeks: list[float]) -> dict:
        crises = np.zeros((len(counts), 4))
        crises[:, 0] = counts
        return {
            "metrics": {},
            "crises": crises,
            "weeks": np.full(len(counts), 52.0),
            "held_weeks": np.asarray(held_weeks, dtype=float),
        }

    no_hold = [0.0] * len(held)
    return {
        "adr_high": [run(adr_counts, no_hold), run(adr_counts, no_hold)],
        "lib_high": [run(lib_counts, held), run(lib_counts, held)],
    }


def test_supported_cohort_change_compares_only_people_held_a_year() -> None:
    from relsim.calibration import supported_cohort_change

    # Row 0 held a year: 4 -> 2 A&E visits (-50 %). Row 1 never held: 4 -> 8, ignored.
    runs = _runs([4, 4], [2, 8], [52, 0])
    assert supported_cohort_change("ae")(runs) == [-0.5, -0.5]


def test_distance_is_zero_inside_a_window_and_grows_outside() -> None:
    from relsim.calibration import Target

    def target(value: float) -> Target:
        return Target("x", "q", "s", "scope", 0.2, 0.4, lambda runs: [value])

    assert target(0.3).distance({}) == 0.0
    assert target(0.3).met({})
    assert abs(target(0.5).distance({}) - 0.5) < 1e-9  # half a window width above
    assert abs(target(0.1).distance({}) - 0.5) < 1e-9
    assert not target(0.5).met({})


def test_every_target_has_a_source_and_a_window() -> None:
    from relsim.calibration import TARGETS

    assert len({t.key for t in TARGETS}) == len(TARGETS) >= 14
    for t in TARGETS:
        assert t.source and t.low < t.high


def test_the_calibration_search_runs_a_spec_and_keeps_every_point(tmp_path: Path) -> None:
    """The documented search command, on a one-point copy of the first stage."""
    import pandas as pd
    import yaml

    spec = yaml.safe_load((ROOT / "calibration" / "search.yaml").read_text())
    spec.update(points=1, reps=1)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "calibration_search.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "tiny_results.csv")
    assert len(table) == 1
    assert set(spec["parameters"]) <= set(table.columns)
    assert {"loss", "targets_met", "adr_caseload", "ae_reduction"} <= set(table.columns)
    assert 0 <= table["targets_met"].iloc[0] <= 14


def test_published_search_results_match_their_specs() -> None:
    import pandas as pd
    import yaml

    for stage in ("search", "refine"):
        spec = yaml.safe_load((ROOT / "calibration" / f"{stage}.yaml").read_text())
        table = pd.read_csv(ROOT / "calibration" / f"{stage}_results.csv")
        assert len(table) == spec["points"]
        for name, parameter in spec["parameters"].items():
            low, high = parameter["range"]
            assert table[name].between(low, high).all(), name
        assert table["loss"].is_monotonic_increasing  # best first
