"""Evidence: fitting and validation targets kept apart, estimands computed as the studies
computed them, the acceptance rule of the calibration, its resumption after an interruption, and
the calibrated ensemble on disk."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relsim.evidence import abc
from relsim.evidence import estimands as est
from relsim.evidence.configs import FIT_CONFIGS, QUANTITY_ESTIMAND, VALIDATION_CONFIGS
from relsim.evidence.recorder import CRISIS_BIT, HELD, PRESENT, PRESENTED, History
from relsim.evidence.targets import CONTEXT, FITTING, VALIDATION
from relsim.evidence.uncertain import load_spec

ROOT = Path(__file__).resolve().parent.parent
# Small enough for a run of a fitting configuration to take a fraction of a second, with a
# year of history before the measured period (the 12-month re-referral look-back needs it).
TINY_FIT = (
    "population.citizens=60",
    "time.weeks=20",
    "time.warmup_weeks=52",
    "workforce.workers=2",
)


# -- targets -------------------------------------------------------------------------------------
def test_fitting_and_validation_targets_are_disjoint() -> None:
    fitted = [*FITTING, *CONTEXT]
    assert not {t.key for t in fitted} & {t.key for t in VALIDATION}
    # no validation quantity (nor the same people under assess-do-refer beside it) is read by
    # any fitting target, whatever its configuration
    validation_columns = {t.column for t in VALIDATION} | {t.beside for t in VALIDATION if t.beside}
    assert not {t.column for t in fitted} & validation_columns
    # fitting targets are read from the fitting runs only, validation targets from their own
    assert {t.config for t in fitted} <= set(FIT_CONFIGS)
    assert {t.config for t in VALIDATION} <= set(VALIDATION_CONFIGS)
    assert not set(FIT_CONFIGS) & set(VALIDATION_CONFIGS)


def test_every_validation_target_is_computed_with_its_studys_estimand() -> None:
    assert len(VALIDATION) >= 6
    for t in VALIDATION:
        assert t.design in est.DESIGNS, t.key
        estimand = QUANTITY_ESTIMAND[t.column]
        assert est.design_of(estimand) == t.design, (t.key, estimand.__name__)
        if t.beside:
            assert QUANTITY_ESTIMAND[t.beside] is estimand, t.key


def test_a_fitting_target_off_its_studys_design_says_what_stands_in() -> None:
    for t in FITTING:
        estimand = QUANTITY_ESTIMAND.get(t.column)
        matches = estimand is not None and est.design_of(estimand) == t.design
        assert matches or t.design == est.ROUTINE or t.proxy, t.key


def test_target_distance_is_zero_inside_and_counts_window_widths_outside() -> None:
    t = FITTING[0]
    width = t.high - t.low
    assert t.distance((t.low + t.high) / 2) == 0.0
    assert t.distance(t.high + width / 2) == pytest.approx(0.5)
    assert t.distance(t.low - 2 * width) == pytest.approx(2.0)
    assert t.distance(float("nan")) == 10.0


# -- estimands on histories built by hand ----------------------------------------------------------
def _history(weeks: int, rows: int, measured_from: int = 1) -> History:
    flags = np.zeros((rows, weeks), dtype=np.uint8)
    flags |= PRESENT
    return History(
        flags,
        np.full(rows, -1, dtype=np.int32),
        np.zeros(rows, dtype=np.int8),
        np.zeros(rows, dtype=bool),
        measured_from,
    )


def _mark(history: History, row: int, weeks: list[int], bit: int) -> None:
    for week in weeks:
        history.flags[row, week - 1] |= bit


def test_before_after_compares_the_supported_with_their_own_past() -> None:
    h = _history(60, 3)
    ae = CRISIS_BIT["ae"]
    # row 0: held from week 20, 4 A&E visits in the quarter before, 2 in quarter 3 of support
    h.first_held[0] = 20
    _mark(h, 0, list(range(20, 60)), HELD)
    _mark(h, 0, [8, 10, 12, 15], ae)
    _mark(h, 0, [47, 50], ae)
    # row 1: never held, many visits: not in the cohort
    _mark(h, 1, list(range(5, 60, 3)), ae)
    # row 2: held from week 20 but no longer held in quarter 3: dropped by `held_in`
    h.first_held[2] = 20
    _mark(h, 2, list(range(20, 30)), HELD)
    _mark(h, 2, [9, 11], ae)
    q = est.QUARTER
    cohort = est.supported(h, q, 3 * q, held_in=(2 * q, 3 * q))
    assert cohort.rows.tolist() == [0]
    assert est.relative_change(h, cohort, "ae", (-q, 0), (2 * q, 3 * q)) == pytest.approx(-0.5)
    assert est.per_person_rate(h, cohort, "ae", (-q, 0)) == pytest.approx(4 * 52 / 13)
    up, down = est.direction_shares(h, cohort, "ae", (-q, 0), (2 * q, 3 * q))
    assert (up, down) == (0.0, 1.0)


def test_cohort_follow_up_of_referrals_and_the_routine_re_referral_share() -> None:
    h = _history(40, 3, measured_from=11)
    _mark(h, 0, [12, 20], PRESENTED)  # re-presents 8 weeks later
    _mark(h, 1, [13], PRESENTED)  # never again
    _mark(h, 2, [5, 14], PRESENTED)  # presented before the measured period too
    assert est.rereferral_within(h, follow=10, cohort_weeks=5) == pytest.approx(1 / 3)
    assert est.rereferral_within(h, follow=5, cohort_weeks=5) == 0.0
    # routine statistic: of the presentations in the measured period (weeks 12, 13, 14, 20),
    # those from someone who presented in the 10 weeks before: week 14 (row 2, week 5) and
    # week 20 (row 0, week 12)
    assert est.repeat_referral_share(h, lookback=10) == pytest.approx(2 / 4)
    with pytest.raises(ValueError, match="too short"):
        est.rereferral_within(h, follow=30, cohort_weeks=5)


def test_tenancy_sustainment_and_the_needs_on_joining() -> None:
    h = _history(30, 3)
    h.first_held[:] = [2, 3, 4]
    h.housing_at_first_held[:] = [True, True, False]
    h.active_at_first_held[:] = [5, 3, 4]
    _mark(h, 1, [10], CRISIS_BIT["eviction"])
    # rows 0 and 1 had a housing need; row 1 was evicted within 20 weeks
    assert est.sustained_without(h, "eviction", 20) == pytest.approx(0.5)
    assert est.share_with_needs(h, 4) == pytest.approx(2 / 3)


# -- calibration -------------------------------------------------------------------------------
def test_acceptance_takes_everyone_inside_every_window_else_the_nearest_share() -> None:
    inside = np.array([0.0, 0.0, 0.3, 2.0])
    accepted, weights, eps = abc.accept(inside, quantile=0.25)
    assert accepted.tolist() == [True, True, False, False]
    assert weights.tolist() == [1.0, 1.0, 0.0, 0.0] and eps == 0.0
    distance = np.array([3.0, 1.0, 2.0, 4.0, np.inf])
    accepted, weights, eps = abc.accept(distance, quantile=0.4)
    assert accepted.tolist() == [False, True, True, False, False]
    assert eps == 3.0  # the nearest point left out
    assert weights[1] == pytest.approx(1 - (1 / 3) ** 2)
    assert weights[2] == pytest.approx(1 - (2 / 3) ** 2)
    assert abc.effective_size(weights) < 2


def test_an_interrupted_calibration_resumes_without_rerunning_what_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relsim.evidence import plan as plan_module

    spec = load_spec()
    plan = abc.plan(spec, points=2, extra=TINY_FIT)
    assert plan.total == 2 * len(FIT_CONFIGS)
    original = plan_module.run_task
    calls: list[int] = []

    def interrupted(task: plan_module.EvidenceTask) -> plan_module.Outcome:
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(task.point)
        return original(task)

    monkeypatch.setattr(plan_module, "run_task", interrupted)
    with pytest.raises(KeyboardInterrupt):
        plan_module.run_plan(plan, tmp_path / "cal")
    assert len(plan_module.read_store(tmp_path / "cal")) == 3

    resumed: list[int] = []

    def counting(task: plan_module.EvidenceTask) -> plan_module.Outcome:
        resumed.append(task.point)
        return original(task)

    monkeypatch.setattr(plan_module, "run_task", counting)
    rows = plan_module.run_plan(plan, tmp_path / "cal", resume=True)
    assert sorted(resumed) == sorted(set(range(plan.total)) - set(calls))
    whole = plan_module.run_plan(plan, tmp_path / "whole")
    key = ["point", "replication"]
    columns = ["crisis_events_per_citizen_year", "rereferral_12m_share", "entry_ae_rate"]
    left = rows.sort_values(key)[columns].reset_index(drop=True)
    right = whole.sort_values(key)[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    table = abc.score(rows, spec)
    assert len(table) == 2 and table["accepted"].sum() >= 1
    assert {t.key for t in FITTING} <= set(table.columns)


def test_a_resume_with_another_design_is_refused(tmp_path: Path) -> None:
    from relsim.config import ScenarioError
    from relsim.evidence.plan import run_plan

    spec = load_spec()
    run_plan(abc.plan(spec, points=1, extra=TINY_FIT), tmp_path / "cal")
    with pytest.raises(ScenarioError, match="differs"):
        run_plan(abc.plan(spec, points=2, extra=TINY_FIT), tmp_path / "cal", resume=True)


def test_the_versioned_ensemble_matches_its_spec_and_manifest() -> None:
    spec = load_spec()
    members = pd.read_csv(ROOT / "calibration" / "ensemble.csv")
    manifest = json.loads((ROOT / "calibration" / "ensemble.json").read_text())
    points = pd.read_csv(ROOT / "calibration" / "abc_points.csv")
    assert len(members) == manifest["accepted"] == int(points["accepted"].sum()) >= 10
    assert len(points) == manifest["points"] == spec.abc["points"]
    assert members["weight"].sum() == pytest.approx(1.0, abs=1e-4)
    assert (members["weight"] >= 0).all()
    for p in spec.parameters:
        assert members[p.name].between(p.low * (1 - 1e-5), p.high * (1 + 1e-5)).all(), p.name
    assert manifest["fitting_targets"] == [t.key for t in FITTING]
    import hashlib

    text = (ROOT / "calibration" / "uncertain.yaml").read_bytes()
    assert manifest["uncertain_spec"]["sha256"] == hashlib.sha256(text).hexdigest()


def test_a_scale_never_pushes_a_key_past_the_range_the_schema_allows() -> None:
    """At continuity 0 the knob sets turnover near its ceiling of one a year; the ensemble's
    largest turnover scale then holds it at the ceiling instead of making the scenario invalid."""
    from relsim.config import load_scenario
    from relsim.evidence.uncertain import apply_values, bounds

    assert bounds("staff.turnover_per_year") == (0.0, 1.0)
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml", ["continuity=0"])
    assert scenario.staff.turnover_per_year * 1.5 > 1
    scaled = apply_values(scenario, {"turnover_scale": 1.5})
    assert scaled.staff.turnover_per_year == 1.0
    halved = apply_values(scenario, {"turnover_scale": 0.6})
    assert halved.staff.turnover_per_year == pytest.approx(scenario.staff.turnover_per_year * 0.6)


def test_the_calibration_script_refuses_what_would_make_an_empty_or_wrong_ensemble(
    tmp_path, capsys
):
    """Bad arguments are one line and exit 2, before any run; a calibration other than the
    shipped one never writes into calibration/; runs that failed are never scored into an
    ensemble."""
    import pandas as pd

    from tests.script_helpers import load_script

    calibrate = load_script("calibrate")
    before = {p.name: p.read_bytes() for p in (ROOT / "calibration").iterdir() if p.is_file()}
    out, elsewhere = tmp_path / "o", tmp_path / "w"
    for args, says in (
        (["--points", "0"], "below 2"),
        (["--workers", "0"], "below 1"),
        (["--points", "2"], "give --write-to a directory of its own"),
        (["--points", "2", "--set", "bogus=1", "--write-to", elsewhere], "--set bogus"),
        (["--spec", tmp_path / "nosuch.yaml", "--write-to", elsewhere], "No such file"),
        (["--score", "--write-to", elsewhere], "no calibration runs"),
    ):
        capsys.readouterr()
        with pytest.raises(SystemExit) as stopped:
            calibrate.main([*map(str, args), "--out", str(out)])
        assert stopped.value.code == 2, args
        assert says in capsys.readouterr().err, args
        assert not out.exists() and not elsewhere.exists()
    rows = pd.DataFrame({"status": ["ok", "failed"], "error": ["", "ValueError: no"]})
    assert "1 of 2 runs failed (first: ValueError: no)" in calibrate.failed_runs(rows, "ensemble")
    assert calibrate.failed_runs(rows.iloc[:1], "ensemble") is None
    after = {p.name: p.read_bytes() for p in (ROOT / "calibration").iterdir() if p.is_file()}
    assert after == before
