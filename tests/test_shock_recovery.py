"""scripts/shock_recovery.py, which regenerates docs/results/shock_recovery: its windows, and its
pipeline on a tiny district (the after-effect is zero before the shock, where the district with
the shock and the one without are the same people with the same luck)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from relsim.config.loading import load_raw, load_scenario
from relsim.evidence.ensemble import make_draw
from relsim.io import sha256
from relsim.runner import run_one
from tests.reproduced import reproduces
from tests.script_helpers import load_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "shock_recovery.py"


def test_windows_run_from_the_shock_to_the_horizon() -> None:
    windows = load_script("shock_recovery").windows(208, 52, 416)
    assert windows[0] == ("before", 182, 208)
    assert windows[1] == ("shock's last 26 weeks", 234, 260)
    after = windows[2:]
    assert after[0] == ("0-26 weeks after", 260, 286)
    assert [w[1] for w in after] == list(range(260, 416, 26))
    assert after[-1][2] - 1 <= 416  # every window within the horizon


def test_quick_run_writes_every_arm_window_and_measure(tmp_path: Path) -> None:
    out = tmp_path / "shock"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)], check=True, cwd=ROOT
    )
    script = load_script("shock_recovery")
    effects = pd.read_csv(out / "after_effects.csv")
    arms = [arm.name for arm in script.ARMS]
    fixed = [arm.name for arm, _ in script.ABLATIONS]
    assert sorted(effects["arm"].unique()) == sorted(arms + fixed)
    assert set(effects["measure"]) == set(script.MEASURES)
    before = effects[(effects["window"] == "before") & effects["level_without_shock"].notna()]
    assert not before.empty
    assert (before["after_effect"] == 0).all()
    during = effects[(effects["window"] == "shock's last 26 weeks")]
    assert (during["after_effect"].abs() > 0).any()  # the shock does something
    between = pd.read_csv(out / "between_models.csv")
    relational = {arm.name for arm in script.ARMS if arm.scenario == "liberated.yaml"}
    transactional = set(arms) - relational
    assert set(zip(between["arm"], between["minus"], strict=True)) == {
        (a, r) for a in relational for r in transactional
    }
    # The ablation arms hold the front door's threshold where it was, shock or not, and each
    # is paired with its assess-do-refer arm.
    thresholds = effects[
        effects["arm"].isin(fixed) & (effects["measure"] == "front_door_threshold")
    ]
    assert not thresholds.empty and (thresholds["after_effect"] == 0).all()
    ablation = pd.read_csv(out / "ablation.csv")
    assert set(zip(ablation["arm"], ablation["minus"], strict=True)) == {
        (arm.name, reference) for arm, reference in script.ABLATIONS
    }
    assert {reference for _, reference in script.ABLATIONS} == transactional
    assert (out / "shock_recovery.png").stat().st_size > 0
    # it records what made it, as relsim's results do, and a second run does not replace it
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"][2:] == ["--quick", "--out", str(out)]
    assert manifest["git_commit"] and manifest["versions"]["relsim"]
    assert manifest["parameter_sets"] == 2 and manifest["ensemble"]["members"] > 0
    for name in ("runs.csv", "after_effects.csv", "arms.csv", "shock_recovery.png"):
        assert manifest["sha256"][name] == sha256(out / name), name
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert again.returncode == 2 and "is not empty (--force replaces it)" in again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize(
    ("study", "arm_index", "shocked"),
    [("shock_recovery_chance", 2, True), ("shock_recovery", 0, True)],
)
def test_a_published_run_is_what_todays_model_gives(
    study: str, arm_index: int, shocked: bool
) -> None:
    """One run of the published study (its first replication, or parameter set, of one arm),
    rerun as the script runs it, gives the window measures in its runs.csv: a change that moves
    the model's results fails here until the study is run again and docs/results.md is checked
    against it."""
    script = load_script("shock_recovery")
    arm = script.ARMS[arm_index]
    path = script.SCENARIOS / arm.scenario
    settings = [*script.COMMON, *arm.sets, *(script.SHOCK if shocked else ())]
    scenario = load_scenario(path, settings)
    if study.endswith("_chance"):
        run = scenario
    else:
        published_sets = pd.read_csv(ROOT / "docs" / "results" / study / "runs.csv")
        sets = int(published_sets["parameter_set"].max()) + 1
        run = make_draw(sets, 1, script.SEED, load_raw(path, settings)).scenario(scenario, 0)
    result = run_one(run, script.SEED, 0)
    assert result.timeseries is not None
    published = pd.read_csv(ROOT / "docs" / "results" / study / "runs.csv")
    mine = published[
        (published["arm"] == arm.name)
        & (published["shock"] == shocked)
        & (published["parameter_set"] == 0)
    ].set_index("window")
    final = scenario.time.warmup_weeks + scenario.time.weeks
    for label, first, stop in script.windows(script.SHOCK_START, script.SHOCK_WEEKS, final):
        found = script.window_measures(result.timeseries, arm.queue, first, stop)
        for measure, value in found.items():
            assert reproduces(float(mine.loc[label, measure]), value), (label, measure)
