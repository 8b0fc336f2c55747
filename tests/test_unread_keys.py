"""Keys a care model never reads: the table relsim refuses sweeps and warns of settings by
(`relsim.config.unread`) is checked against the model itself. Every key of a section a care
model is said not to read is moved at once, and the runs stay identical; a section it is said
to read moves them. Then the commands: a sweep of such a key that also sweeps the care model
is accepted, and a --set of one is a warning, kept with the result, only when no scenario of
the command reads it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from relsim.config import ScenarioError
from relsim.config.loading import load_raw
from relsim.config.schema import Scenario
from relsim.config.unread import UNREAD_SECTIONS, check_read, unread
from relsim.config.validation import validate_data
from relsim.runner import run_one
from relsim.sweep.design import care_models_at_points, grid_design, set_dotted

ROOT = Path(__file__).resolve().parent.parent
SMALL = [
    "population.citizens=300",
    "workforce.workers=6",
    "time.weeks=40",
    "time.warmup_weeks=8",
    "demand_complexity=0.8",
]
BUNDLED = {
    "assess_do_refer": "baseline",
    "liberated": "liberated",
    "hybrid": "hybrid",
    "none": "none",
}


def _numeric_leaves(model: BaseModel, prefix: str) -> dict[str, float]:
    """Every number (not a flag) in a section, by its dotted key."""
    found: dict[str, float] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}.{name}"
        if isinstance(value, BaseModel):
            found.update(_numeric_leaves(value, key))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found[key] = value
    return found


def _moved(value: float) -> list[Any]:
    """Values to try in place of `value`, the most different first."""
    if isinstance(value, int):
        return [value * 2 + 1, value + 1, max(value - 1, 0)]
    if value == 0:
        return [0.5, 0.1, 0.01]
    return [value * 0.5, value * 1.5, min(value * 1.1, 1.0)]


def _raw(care_model: str) -> dict[str, Any]:
    return load_raw(ROOT / "scenarios" / f"{BUNDLED[care_model]}.yaml", SMALL)


def _every_key_moved(raw: dict[str, Any], section: str) -> dict[str, Any]:
    """`raw` with every number of `section` moved to another valid value (each key alone must
    validate; then all of them together)."""
    scenario = validate_data(raw, "test")
    moved: dict[str, Any] = {}
    for key, value in _numeric_leaves(getattr(scenario, section), section).items():
        for candidate in _moved(value):
            if candidate == value or not math.isfinite(candidate):
                continue
            try:
                validate_data(set_dotted(raw, {**moved, key: candidate}), "test")
            except ScenarioError:
                continue
            moved[key] = candidate
            break
    assert len(moved) >= 2, (section, moved)  # something was moved
    return set_dotted(raw, moved)


def _metrics(raw: dict[str, Any]) -> str:
    """Every metric of one small run, as text (so that NaN equals NaN)."""
    metrics = run_one(validate_data(raw, "test"), seed=7, timeseries=False).metrics
    return json.dumps(metrics, sort_keys=True)


@pytest.mark.parametrize(
    ("care_model", "section"),
    [
        (model, section)
        for model, sections in UNREAD_SECTIONS.items()
        for section in sorted(sections)
    ],
)
def test_a_section_said_unread_changes_nothing(care_model: str, section: str) -> None:
    raw = _raw(care_model)
    assert _metrics(_every_key_moved(raw, section)) == _metrics(raw)


@pytest.mark.parametrize(
    ("care_model", "section"),
    [
        ("assess_do_refer", "assess_do_refer"),
        ("liberated", "liberated"),
        ("liberated", "assess_do_refer"),  # the specialists' rules
        ("hybrid", "hybrid"),
        ("hybrid", "liberated"),
    ],
)
def test_a_section_said_read_changes_the_runs(care_model: str, section: str) -> None:
    """The other side of the table, so that the test above could fail: moving every number
    of a section the care model reads moves its results."""
    assert section not in UNREAD_SECTIONS[care_model]
    raw = _raw(care_model)
    assert _metrics(_every_key_moved(raw, section)) != _metrics(raw)


def test_which_care_models_read_a_key() -> None:
    key = "liberated.contact_effect_per_hour"
    assert unread([key], ["assess_do_refer"]) == [key]
    assert unread([key], ["assess_do_refer", "liberated"]) == []
    assert unread([key, "continuity", "workforce.workers"], ["hybrid"]) == []
    assert unread(["specialists.housing.session_hours"], ["none"]) == [
        "specialists.housing.session_hours"
    ]
    with pytest.raises(ScenarioError, match="never reads the liberated section"):
        check_read([key], ["assess_do_refer"], "--grid", "every point would give the same results")


def test_a_sweep_of_the_care_model_reads_the_key_at_some_points() -> None:
    raw = _raw("assess_do_refer")
    design = grid_design(
        ["care_model=assess_do_refer,liberated", "liberated.contact_effect_per_hour=0.1,0.9"]
    )
    models = care_models_at_points(raw, design)
    assert models == ["assess_do_refer", "liberated"]
    check_read(design.columns, models, "--grid", "")  # accepted
    only = grid_design(["liberated.contact_effect_per_hour=0.1,0.9"])
    assert care_models_at_points(raw, only) == ["assess_do_refer"]


TINY = ("--set", "population.citizens=30", "--set", "time.weeks=2", "--set", "time.warmup_weeks=0")


def test_a_setting_no_care_model_reads_is_a_warning_kept_with_the_result(cli_run) -> None:
    setting = ("--set", "liberated.contact_effect_per_hour=0.5")
    said = cli_run("run", "baseline", *TINY, *setting, "--reps", "1", "--workers", "1", "--json")
    assert said.returncode == 0, said.stderr
    line = (
        "--set liberated.contact_effect_per_hour: the assess_do_refer care model never reads "
        "the liberated section: the setting changes nothing"
    )
    assert f"relsim: warning: {line}" in said.stderr.splitlines()
    assert line in json.loads(said.stdout)["warnings"]
    # read by one of the scenarios compared: nothing to say
    both = cli_run(
        "compare", "baseline", "liberated", *TINY, *setting, "--reps", "1", "--workers", "1"
    )
    assert both.returncode == 0, both.stderr
    assert "never reads" not in both.stderr
    alone = cli_run("run", "liberated", *TINY, *setting, "--reps", "1", "--workers", "1")
    assert alone.returncode == 0 and "never reads" not in alone.stderr


def test_every_section_a_care_model_may_not_read_is_a_section() -> None:
    sections = {
        name
        for name, field in Scenario.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    }
    for unread_sections in UNREAD_SECTIONS.values():
        assert unread_sections <= sections
    assert set(UNREAD_SECTIONS) == set(BUNDLED)
