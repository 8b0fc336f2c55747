"""Regression baseline: a fixed small run must reproduce the stored summary metrics.

The run is deterministic, so the tolerance (relative 1e-9) only absorbs float formatting. When a
change to the model's results is intended, regenerate the baseline deliberately with
`python scripts/regenerate_regression.py`, review the differences and commit them together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from relsim.config import load_scenario
from relsim.metrics import METRIC_NAMES
from relsim.runner import run_one
from tests.reproduced import reproduces

REPO = Path(__file__).resolve().parent.parent
BASELINE_FILE = REPO / "tests" / "data" / "regression_baseline.json"
REGENERATE = (
    "If this change is intended, regenerate the baseline deliberately with "
    "`python scripts/regenerate_regression.py` and commit tests/data/regression_baseline.json "
    "with the change that caused it."
)


def _load() -> dict[str, Any]:
    return json.loads(BASELINE_FILE.read_text(encoding="utf-8"))


STORED = _load()
CASES = [
    pytest.param(name, run["replication"], id=f"{name}-rep{run['replication']}")
    for name, entry in STORED["scenarios"].items()
    for run in entry["runs"]
]


def same(expected: float | None, actual: float) -> bool:
    return reproduces(expected, actual)


def test_baseline_file_is_complete() -> None:
    assert STORED["seed"] == 12345
    assert set(STORED["scenarios"]) == {"baseline", "liberated"}
    for entry in STORED["scenarios"].values():
        assert [r["replication"] for r in entry["runs"]] == list(range(STORED["replications"]))
        assert STORED["replications"] == 2
        for run in entry["runs"]:
            missing = set(METRIC_NAMES) - set(run["metrics"])
            extra = set(run["metrics"]) - set(METRIC_NAMES)
            assert not missing and not extra, (
                f"metrics added {sorted(missing)} or removed {sorted(extra)} since the baseline "
                f"was written. {REGENERATE}"
            )


def test_scenario_files_unchanged() -> None:
    for relative, stored in STORED["scenario_file_contents"].items():
        current = yaml.safe_load((REPO / relative).read_text(encoding="utf-8"))
        assert current == stored, f"{relative} changed since the baseline was written. {REGENERATE}"


@pytest.mark.parametrize(("name", "replication"), CASES)
def test_metrics_match_baseline(name: str, replication: int) -> None:
    entry = STORED["scenarios"][name]
    expected = entry["runs"][replication]["metrics"]
    scenario = load_scenario(REPO / entry["file"], sets=entry["overrides"])
    actual = run_one(scenario, STORED["seed"], replication).metrics
    changed = [
        f"  {metric}: baseline {expected.get(metric)!r}, now {actual.get(metric, 'missing')!r}"
        for metric in sorted(set(expected) | set(actual))
        if metric not in expected
        or metric not in actual
        or not same(expected[metric], actual[metric])
    ]
    assert not changed, (
        f"{name} replication {replication} ({entry['file']} with {' '.join(entry['overrides'])}, "
        f"seed {STORED['seed']}) no longer reproduces the regression baseline:\n"
        + "\n".join(changed)
        + f"\n{REGENERATE}"
    )


BY_ROW_FILE = REPO / "tests" / "data" / "regression_by_row.json"


@pytest.mark.parametrize("name", ["baseline", "liberated"])
def test_draws_keyed_by_row_reproduce_the_results_made_before_the_default_changed(
    name: str,
) -> None:
    """`citizen_draws: by_row` is there to rerun results made before draws were keyed by
    citizen (2026-12-04): the regression baseline as it stood then (its metrics stored
    unchanged) must come back from it. A model change meant to alter results may regenerate the
    main baseline; this one stays until by_row itself is meant to change."""
    stored = json.loads(BY_ROW_FILE.read_text(encoding="utf-8"))
    entry = stored["scenarios"][name]
    scenario = load_scenario(
        REPO / entry["file"], sets=[*entry["overrides"], "citizen_draws=by_row"]
    )
    actual = run_one(scenario, stored["seed"], 0).metrics
    expected = entry["runs"][0]["metrics"]
    changed = [m for m in expected if not same(expected[m], actual[m])]
    assert not changed, f"{name}: by_row no longer gives the earlier draws ({changed})"
