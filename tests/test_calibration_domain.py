"""A district outside the conditions the model was calibrated in is told so: `validate`, `run`
and `compare` warn on stderr, and the comparison's JSON and report carry the warning."""

from __future__ import annotations

import json
from pathlib import Path

from relsim.commission.domain import FITTED, calibrated_knobs, calibration_warnings
from relsim.config import load_scenario
from relsim.config.params import KNOBS
from tests.cli_helpers import relsim_main

ROOT = Path(__file__).resolve().parent.parent
# twenty weeks, half warm-up: the steady-state check is made and met, so its warning is not said
SMALL = ("population.citizens=300", "time.weeks=10", "time.warmup_weeks=10", "workforce.workers=2")
SMALL_ARGS = tuple(arg for s in SMALL for arg in ("--set", s))


def test_the_fitted_conditions_are_the_calibrations_fitting_configurations() -> None:
    from relsim.evidence.configs import CONFIGS, FIT_CONFIGS

    runs = [
        (scenario, tuple(s for s in sets if s.split("=")[0] in KNOBS))
        for name in FIT_CONFIGS
        for scenario, sets in CONFIGS[name].runs
    ]
    assert sorted(runs) == sorted(FITTED)


def test_bundled_districts_are_inside_and_other_knobs_are_not(capsys) -> None:
    for name in ("baseline", "liberated", "hybrid"):
        assert calibration_warnings(load_scenario(ROOT / "scenarios" / f"{name}.yaml")) == []
    low, high = calibrated_knobs()["demand_complexity"]
    inside = load_scenario(ROOT / "scenarios" / "baseline.yaml", [f"demand_complexity={high}"])
    assert calibration_warnings(inside) == []
    outside = load_scenario(
        ROOT / "scenarios" / "baseline.yaml", ["continuity=0.6", "referral_friction=0.7"]
    )
    [warning] = calibration_warnings(outside)
    assert warning.startswith("baseline: continuity 0.6 and referral_friction 0.7 are outside")
    assert "continuity 0.8" in warning and f"demand_complexity {low:g} to {high:g}" in warning
    capsys.readouterr()
    assert relsim_main("validate", "baseline", "--set", "continuity=0.6") == 0
    err = capsys.readouterr().err
    assert "relsim: warning: baseline: continuity 0.6 is outside the conditions" in err


def test_a_comparison_outside_them_carries_the_warning(tmp_path, capsys) -> None:
    report = tmp_path / "report.html"
    args = ("compare", "baseline", "liberated", *SMALL_ARGS, "--set", "continuity=0.6",
            "--reps", "1", "--workers", "1", "--ensemble", "0")  # fmt: skip
    capsys.readouterr()
    assert relsim_main(*args, "--json") == 0
    captured = capsys.readouterr()
    warnings = json.loads(captured.out)["warnings"]
    assert [w.split(":")[0] for w in warnings] == ["baseline", "liberated"]
    assert all("outside the conditions the model was calibrated in" in w for w in warnings)
    assert relsim_main(*args, "--report", report) == 0
    assert "outside the conditions the model was calibrated in" in report.read_text("utf-8")


def test_the_frontier_and_the_budget_search_warn_too(tmp_path, capsys) -> None:
    tiny = ("--set", "population.citizens=300", "--set", "time.weeks=4", "--set",
            "time.warmup_weeks=0", "--set", "continuity=0.6", "--ensemble", "0",
            "--workers", "1")  # fmt: skip
    expected = "relsim: warning: hybrid: continuity 0.6 is outside the conditions"
    capsys.readouterr()
    assert (
        relsim_main("budget", "--limit", "0.5m", "--reps", "2", "--out", tmp_path / "b", *tiny) == 0
    )
    assert expected in capsys.readouterr().err
    assert relsim_main("frontier", "baseline", "hybrid", "--workforce", "4", "--reps", "2",
                       "--out", tmp_path / "f", *tiny) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert expected in err and "relsim: warning: baseline: continuity 0.6" in err


def test_a_sweep_says_how_many_of_its_points_lie_outside_them(tmp_path, capsys) -> None:
    """`run` and `compare` warned of a district outside the calibrated conditions, but a sweep,
    a sensitivity analysis or an experiment over such districts said nothing."""
    tiny = (*SMALL_ARGS, "--reps", "1", "--workers", "1")
    capsys.readouterr()
    grid = ("--grid", "continuity=0.8,1", "--grid", "demand_complexity=0.6,0.9")
    assert relsim_main("sweep", "baseline", *grid, *tiny, "--out", tmp_path / "s") == 0
    [line] = [line for line in capsys.readouterr().err.splitlines() if "calibrated in" in line]
    assert line.startswith("relsim: warning: the sweep: 2 of its 4 points lie outside the ")
    assert "(continuity 1; it was calibrated at demand_complexity 0.6 to 0.9" in line
    inside = ("--grid", "demand_complexity=0.6,0.9")
    assert relsim_main("sweep", "baseline", *inside, *tiny, "--out", tmp_path / "in") == 0
    assert "calibrated in" not in capsys.readouterr().err
    ranges = ("--range", "continuity=0.5:1", "--range", "demand_complexity=0.6:0.9")
    morris = ("--method", "morris", "--n", "2", *ranges, *tiny)
    assert relsim_main("sensitivity", "baseline", *morris, "--out", tmp_path / "m") == 0
    assert "relsim: warning: the design: " in capsys.readouterr().err


def test_an_experiment_says_how_many_of_its_points_lie_outside_them(tmp_path, capsys) -> None:
    experiment = tmp_path / "e.yaml"
    experiment.write_text(
        "name: e\ntitle: E\nquestion: Q\nscenarios: [baseline, liberated]\n"
        "grid:\n  referral_friction: [0.6, 0.9]\nreps: 1\nseed: 1\n"
        f"set: [{', '.join(SMALL)}]\n"
        "figures:\n  - metric: crisis_events_per_citizen_year\n    x: referral_friction\n"
    )
    capsys.readouterr()
    args = ("experiment", "run", experiment, "--workers", "1", "--out", tmp_path / "o")
    assert relsim_main(*args) == 0
    err = capsys.readouterr().err
    assert "relsim: warning: experiment e: 2 of its 4 points lie outside the conditions" in err
    assert "(referral_friction 0.9; it was calibrated at" in err


def test_results_md_names_the_studies_that_reach_beyond_them() -> None:
    """docs/results.md says which studies lie wholly, partly or not at all outside the
    calibrated conditions: it must say what the study files give."""
    from relsim.experiments import plan_experiment

    words = {
        "continuity_erosion": "continuity erosion",
        "continuity_ablation": "continuity ablation",
        "continuity_channels": "continuity channels",
        "friction_sweep": "friction sweep",
        "referral_paperwork": "referral paperwork",
        "complexity_crossover": "complexity crossover",
        "specialists_ablation": "specialists",
        "relational_ablation": "relational",
        "budget_effect": "budget ablations",
        "warmup_length": "warm-up study",
        "break_even_complexity": "break-even study",
        "cost_trajectory": "cost trajectory",
        "hybrid_balance": "hybrid balance",
        "hybrid_routing": "routing studies",
        "overload_tipping_point": "overload tipping point",
        "thin_evidence_relational_effect": "three thin-evidence studies",
        "thin_evidence_relationship": "three thin-evidence studies",
        "thin_evidence_stranger_share": "three thin-evidence studies",
    }
    text = " ".join((ROOT / "docs" / "results.md").read_text().split())
    start = text.index("Third, most studies reach beyond")
    every = text[start : text.index("Some points lie outside", start)]
    some = text[text.index("Some points lie outside", start) : text.index("Only the", start)]
    inside = text[text.index("Only the", start) : text.index("Outside, no fitting", start)]
    studies = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))
    assert sorted(words) == studies
    for study in studies:
        run = plan_experiment(ROOT / "experiments" / f"{study}.yaml")
        outside = sum(len(plan.outside_calibration) for _, plan in run.plans)
        points = sum(len(plan.design) for _, plan in run.plans)
        said = every if outside == points else some if outside else inside
        assert words[study] in said, (study, outside, points)
